"""The workbench's footer: Textual's, compact, with the help key first.

Textual's footer lists the focused widget's keys, then the screen's, then the
app's, and cuts off whatever does not fit. On an 80-column terminal that cut
took the app's keys, so the coding screen never showed ``? Help`` (the one key
that lists all the others). This footer packs the keys tighter and always puts
``?`` first, so every screen shows, at any width, how to find every key.

A screen with more keys than a narrow footer holds may define ``footer_first()``,
returning the actions (names without arguments) that matter most in its current
state; their keys come right after ``?`` and the rest keep their usual order.

Keys that do not fit are left out whole, never cut mid-word ("k Co", "m Narr" at
80 columns read as broken labels); ``?`` lists them all.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST_KEYS = ("question_mark", "f1")
"""Keys drawn before every other key, in this order (F1 only while typing in a box, where
? types a ?: both are the help, and the footer draws one key per action)."""

RETRY_SECONDS = 0.2
"""How often a footer recomposed on a screen that is not on top looks again."""


class WorkbenchFooter(Footer):
    """A compact footer whose first key is always ``?`` (help)."""

    # The palette's key at the very edge (Textual leaves a cell after it, as after every
    # key): the cell it frees keeps the last key clear of its bar (see the limit below).
    DEFAULT_CSS = """
    WorkbenchFooter.-compact FooterKey.-command-palette { margin-right: 0; }
    """

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._laid_out_width = 0

    def compose(self) -> ComposeResult:
        """Textual's keys: :data:`FIRST_KEYS`, the screen's ``footer_first()``, the rest."""
        widgets = list(super().compose())
        first = sorted((w for w in widgets if isinstance(w, FooterKey) and w.key in FIRST_KEYS),
                       key=lambda w: FIRST_KEYS.index(w.key))
        priority = getattr(self.screen, "footer_first", None)
        actions: tuple[str, ...] = priority() if priority is not None else ()
        # A stable sort keeps, e.g., n before p (both "step") and the rest in order.
        ranked = sorted(
            (w for w in widgets if isinstance(w, FooterKey) and w not in first
             and w.action.partition("(")[0] in actions),
            key=lambda w: actions.index(w.action.partition("(")[0]))
        yield from first
        yield from ranked
        yield from (w for w in widgets if w not in first and w not in ranked)
        self.call_after_refresh(self._leave_out_cut_keys)

    def _leave_out_cut_keys(self, tries: int = 10) -> None:
        """Hide each key that ends past the footer (or under ``^p palette``), and those after it.

        Runs once the new keys are laid out; until then it asks again after the next
        refresh. A key scrolled off the footer has no region, one half off a clipped one.
        """
        keys = [k for k in self.query(FooterKey) if k.display]
        palette = [k for k in keys if k.has_class("-command-palette")]
        keys = [k for k in keys if k not in palette]
        if not keys:
            return
        if not keys[0].region.width or not keys[0].size.width:
            if tries and self.screen.is_current:
                self.call_after_refresh(self._leave_out_cut_keys, tries - 1)
            elif self.is_attached:
                # Keys recomposed under a dialog or the command palette (a palette command
                # changed what applies) may be laid out only a while after the screen is
                # on top again; giving up here drew every key, past the edge ("m Narr").
                self.set_timer(RETRY_SECONDS, self._leave_out_cut_keys)
            return
        # A cell clear of the palette's bar: the last key touched it ("Quit▏^p palette").
        limit = min([k.region.x - 1 for k in palette] + [self.region.right])
        cut = False
        for key in keys:
            cut = cut or key.region.width < key.size.width or key.region.right > limit
            if cut:
                key.display = False
        if cut:  # an idle app would otherwise show the cut key until the next key press
            self.refresh(layout=True)

    def on_resize(self, event: events.Resize) -> None:
        """Lay the keys out again when the width changes (a wider footer shows more)."""
        if event.size.width != self._laid_out_width:
            self._laid_out_width = event.size.width
            self.call_after_refresh(self.recompose)
