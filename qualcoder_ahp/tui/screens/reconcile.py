"""The reconcile screen: walk the coders' disagreements and agree a consensus coding.

Each item is a stretch of one transcript where the compared coders' codings of one
theme overlap but differ (or only some coders coded it), from
:func:`qualcoder_ahp.agreement.compute.reconcile_items`. The coders are shown side
by side, each panel the same text with that coder's spans highlighted, and below
them what the consensus coder has there now. A key decides the item into the
consensus coder (``consensus`` by default):

- ``a`` / ``b`` (or ``1``-``9``): take that coder's spans;
- ``o``: the union of every coder's spans; ``i``: what every coder coded;
- ``x``: reject - the consensus codes nothing here; ``n`` / ``p``: the next / previous
  undecided disagreement (``d`` makes them step through the decided ones too, to
  revisit them); ``f``: only one theme's or one transcript's disagreements;
- ``u`` (or ``z``): undo the last decision (through the store's undo, so it is logged too);
- ``g``: copy every stretch the coders coded identically into the consensus too,
  so the consensus coder ends up with the full agreed coding, not only the
  decided disagreements.

Every decision is one transaction through :meth:`Store.reconcile`: one
``reconcile`` event replaces any earlier consensus coding of the theme in the
stretch with the new codings (origin ``consensus``) and records the rule, the
compared coders and the stretch, a rejection included; ``qcahp reconcile log``
reads them back, and undo works as usual (one undo per decision). A decision made
in another window (or by ``qcahp``) into the same consensus, a rejection included,
shows at the workbench's next poll; so do disagreements that codings made or withdrawn
elsewhere since add or remove (computed again in a worker, the item on screen and this
window's undo kept). The items are computed in a thread worker; only the main thread
writes. While blind
coding is on (``qcahp blind on``) the screen shows nothing of the other coders.

This module lays the screen out and routes its keys. Where the walk is, the filter and
the status line's words are :mod:`qualcoder_ahp.tui.reconcile_walk` (plain Python); the
decision keys and undo are :mod:`~qualcoder_ahp.tui.screens.reconcile_decide`;
following other windows at the poll is :mod:`~qualcoder_ahp.tui.screens.reconcile_follow`;
the coder picker and the filter dialog are :mod:`~qualcoder_ahp.tui.screens.reconcile_dialogs`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, ProgressBar, Static
from textual.widget import AwaitMount

from qualcoder_ahp.agreement.compute import CONSENSUS
from qualcoder_ahp.agreement.intervals import Interval
from qualcoder_ahp.agreement.reconcile import ReconcileItem
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import plural
from qualcoder_ahp.tui.follow import is_blind
from qualcoder_ahp.tui.reconcile_walk import ReconcileWalk
from qualcoder_ahp.tui.screens.reconcile_decide import ReconcileDecisions
from qualcoder_ahp.tui.screens.reconcile_dialogs import CoderPicker, ReconcileFilter
from qualcoder_ahp.tui.screens.reconcile_follow import ReconcileFollow
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter

LOAD_MOMENT_S = 0.3
"""A load taking longer than this shows a progress bar (a quicker one never flashes it)."""
CONTEXT = 120
"""Characters of context shown before and after each stretch (to a word's edge)."""


def context_bounds(text: str, start: int, end: int, before: int = CONTEXT,
                   line: int = 0) -> tuple[int, int]:
    """Where the context around the stretch ``[start, end)`` of ``text`` begins and ends:
    at most ``before`` characters before it and :data:`CONTEXT` after, cut between words
    ("...ee in the morning" began mid-word).

    With ``line`` (the characters a panel's line holds), the blank line between turns
    counts as a line of them, and the turn before (the question the stretch answers) is
    shown only where room is left for a good part of a line of it: the lines between
    turns took the room of the stretch at 80x24.
    """
    lo, hi = max(0, start - min(before, CONTEXT)), min(len(text), end + CONTEXT)
    turn = text.rfind("\n", 0, start) + 1
    spare = before - (start - turn) - line  # what is left past the line between turns
    if line and turn > lo and (turn < 2 or spare < line // 2):
        lo = turn  # no room for the turn before: the context starts with the stretch's turn
    elif line and turn > lo:
        last = len(text[:turn].rstrip("\n"))  # where the turn before ends
        lo = max(text.rfind("\n", 0, last) + 1, last - spare)
    if lo and text[lo - 1] != "\n" and (gap := re.search(r"\s+", text[lo:start])):
        lo += gap.end()
    if hi < len(text) and (gap := re.search(r"\s+\S*$", text[end:hi])):
        hi = end + gap.start()
    return lo, hi


class _OnWalk:
    """A screen attribute kept on the screen's :class:`ReconcileWalk` (``screen.index``
    is ``screen.walk.index``), where scripts and tests have always read it."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, screen: Any, owner: type | None = None) -> Any:
        return self if screen is None else getattr(screen.walk, self.name)

    def __set__(self, screen: Any, value: Any) -> None:
        setattr(screen.walk, self.name, value)


class ReconcileScreen(ReconcileFollow, ReconcileDecisions, Screen[None]):
    """Decide the coders' disagreements into a consensus coder."""

    DEFAULT_CSS = """
    ReconcileScreen #reconcile-status { height: auto; max-height: 8; padding: 0 1;
                                        background: $boost; }
    ReconcileScreen #reconcile-progress { height: 1; padding: 0 1; }
    ReconcileScreen #coder-panels { height: 2fr; }
    ReconcileScreen .coder-panel { width: 1fr; border: round $primary-background;
                                   padding: 0 1; }
    ReconcileScreen #consensus-panel { height: 1fr; border: round $accent; padding: 0 1; }
    ReconcileScreen:light #consensus-panel { border: round $primary; }
    /* The panel Tab gave the arrow keys to (nothing showed which one scrolled). */
    ReconcileScreen .coder-panel:focus, ReconcileScreen #consensus-panel:focus {
        border: heavy $accent; }
    ReconcileScreen:light .coder-panel:focus, ReconcileScreen:light #consensus-panel:focus {
        border: heavy $primary; }
    """

    BINDINGS = [
        Binding("a", "take(0)", "Take A", tooltip="Consensus takes the first coder's span(s)"),
        Binding("b", "take(1)", "Take B", tooltip="Consensus takes the second coder's span(s)"),
        # o for union: u undoes, as on every other screen (u here used to write a union).
        Binding("o", "union", "Union", tooltip="Consensus codes everything any coder coded"),
        Binding("i", "intersection", "Intersection",
                tooltip="Consensus codes only what every coder coded"),
        Binding("x", "reject", "Reject", tooltip="Consensus codes nothing in this stretch"),
        Binding("g", "copy_agreed", "Copy agreed",
                tooltip="Copy every stretch all coders coded identically into the consensus"),
        Binding("u", "undo", "Undo", tooltip="Undo this window's last consensus decision "
                "(another window's is undone there)"),
        Binding("z", "undo", "Undo", show=False,
                tooltip="Undo, as u (its key in earlier versions)"),
        Binding("n", "move(1)", "Next",
                tooltip="The next undecided disagreement (every one, decided too, after d)"),
        Binding("p", "move(-1)", "Previous",
                tooltip="The previous undecided disagreement (every one, after d)"),
        Binding("f", "filter", "Filter",
                tooltip="Reconcile only one theme's or one transcript's disagreements (or "
                        "both; all again from the same dialog)"),
        # One key, two labels: the footer says what d does now (the help lists it once).
        Binding("d", "show_decided", "Decided too",
                tooltip="Toggle: n/p step through the decided (and rejected) disagreements "
                        "too, to revisit them, or through the undecided ones only"),
        Binding("d", "hide_decided", "Undecided only",
                tooltip="n/p step through the undecided disagreements only again"),
        # One help line, "1-9 Take coder N", not nine (most projects compare two coders).
        *[Binding(str(k), f"take({k - 1})", "Take coder N" if k == 1 else f"Take coder {k}",
                  show=False, key_display="1-9" if k == 1 else None,
                  tooltip=("Consensus takes coder N's span(s) (1 is A, 2 is B)" if k == 1
                           else f"Consensus takes coder {k}'s span(s)"))
          for k in range(1, 10)],
        Binding("escape", "close", "Back", tooltip="Back to the previous screen"),
        # Shown in the help only: a long stretch runs past its panel at 80x24, and
        # nothing said how to read the rest of it.
        Binding("tab", "app.focus_next", "Next panel", show=False,
                tooltip="Move to the next panel (coders, then consensus); ↑ ↓ PgUp PgDn "
                        "scroll it"),
    ]
    BUSY_WORDS = {  # the busy dialog's "Your ... was not stored" ("Your take a")
        "take": "your decision (a coder's coding taken)",
        "union": "your decision (union)",
        "intersection": "your decision (intersection)",
        "reject": "your rejection",
        "copy_agreed": "your copy of the agreed stretches",
    }

    class Loaded(Message):
        """The disagreements were computed (posted from the worker thread)."""

        def __init__(self, items: list[ReconcileItem], texts: dict[int, str],
                     names: dict[str, str], error: str | None = None,
                     agreed: list[ReconcileItem] | None = None,
                     log: tuple[int, list[dict[str, Any]]] | None = None,
                     consensus: tuple[int, dict[tuple[int, str], list[Interval]]] | None = None,
                     ) -> None:
            super().__init__()
            self.items = items
            self.agreed = agreed or []
            self.texts = texts
            self.names = names
            self.error = error
            self.log = log
            """The newest event and the reconcile log of the rejections, read with them."""
            self.consensus = consensus
            """The newest event and the consensus coder's codings, read with them."""

    class LoadProgress(Message):
        """The worker computing the disagreements read ``done`` of ``total`` transcripts."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

        def can_replace(self, message: Message) -> bool:
            """Queued progress is superseded by this one."""
            return isinstance(message, ReconcileScreen.LoadProgress)

    # The walk's state, read and set on the screen too (``screen.index = 2``).
    items = _OnWalk()
    agreed = _OnWalk()
    index = _OnWalk()
    history = _OnWalk()
    theme_filter = _OnWalk()
    transcript_filter = _OnWalk()

    def __init__(self, store: Store, coder: str, *, coders: list[str] | None = None,
                 consensus: str = CONSENSUS) -> None:
        super().__init__()
        self.store = store
        self.coder = coder
        self.consensus = consensus
        self.compared = coders
        self.walk = ReconcileWalk(store, consensus)
        """The disagreements, the one on screen, the filter and the consensus's codings."""
        self.texts: dict[int, str] = {}
        self._waiting = False
        """Showing why there is nothing to reconcile (blind coding on, one coder so far):
        the poll looks again, and opens the disagreements once there are some."""
        self.title = "Reconcile"

    def compose(self) -> ComposeResult:
        """Status line, one panel per coder (mounted once loaded), the consensus panel."""
        yield Header()
        yield Static("Finding disagreements...", id="reconcile-status")
        yield ProgressBar(id="reconcile-progress", show_eta=False)  # g on a large study
        with Vertical():
            yield Horizontal(id="coder-panels")
            with VerticalScroll(id="consensus-panel"):
                yield Static(id="consensus-text")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        """Pick the coders to compare (all who coded, but the consensus) and load."""
        self.sub_title = f"coder: {self.coder} · deciding into: {self.consensus}"
        # An empty bordered box under "nothing to reconcile" looked like a broken screen.
        self.query_one("#consensus-panel").display = False
        self.query_one("#reconcile-progress").display = False
        self._open(ask=True)

    def _open(self, *, ask: bool) -> None:
        """Load the disagreements of the coders compared, choosing them first if needed:
        with more than two, ``ask`` opens the picker (when the screen opens; at a poll the
        status line says how, rather than a dialog popping up unasked)."""
        if is_blind(self.store):
            self._hide_for_blind()
            return
        if self.compared is None:
            # Who coded, as `qcahp agreement` and `qcahp reconcile` pick them: a coding or
            # a decision on a suggestion (a coder who only rejected disagrees too), never
            # a consensus (`--consensus NAME` decides into other names).
            candidates = [c for c in self.store.coders_who_coded() if c != self.consensus]
            status = self.query_one("#reconcile-status", Static)
            if len(candidates) > 2 and ask:
                # Not "Finding disagreements...": nothing is found until they are chosen.
                status.update(Text(
                    f"{len(candidates)} coders have coded: choose the ones to compare."))
                self.app.push_screen(CoderPicker(candidates), self._picked)
                return
            if len(candidates) > 2:
                status.update(Text(
                    f"{len(candidates)} coders have coded now ({', '.join(candidates)}): "
                    "Escape, then R, chooses the ones to compare."))
                return
            if len(candidates) < 2:
                # Say what to do in the workbench's terms, not the CLI's --coders option.
                who = f"only {candidates[0]} has" if candidates else "no one has"
                status.update(Text(
                    f"Nothing to reconcile yet: {who} coded in this project. Reconciling "
                    "needs the codings of two or more coders (each codes here under their "
                    "own name, or join their copies with `qcahp merge OTHER.db`). This "
                    "screen looks again whenever someone codes."))
                self._waiting = True
                return
            self.compared = candidates
        self.query_one("#reconcile-status", Static).update(Text("Finding disagreements..."))
        self._load(list(self.compared))

    def _hide_for_blind(self) -> None:
        """Show nothing of the other coders: blind coding is on."""
        # Showing the others' codings would break blind coding for whoever is coding.
        self.loaded = False
        self._waiting = True  # until `qcahp blind off`, seen at a poll
        self.query_one("#consensus-panel").display = False
        self.query_one("#coder-panels").display = False
        self.query_one("#reconcile-status", Static).update(Text(
            "Blind coding is on, so other coders' codings stay hidden. When everyone "
            "has finished, run `qcahp blind off` and reconcile."))
        self.refresh_bindings()

    def _picked(self, coders: list[str] | None) -> None:
        if not coders:
            self.dismiss()
            return
        self.compared = coders
        self._load(list(coders))

    def _load(self, coders: list[str]) -> None:
        """Compute the disagreement stretches off the UI thread; a poll's result computed
        before is not taken in after them."""
        self._generation += 1
        self._load_began = time.monotonic()
        self._compute_all(coders)

    @work(thread=True, exclusive=True, group="reconcile", exit_on_error=False)
    def _compute_all(self, coders: list[str]) -> None:
        """Compute every transcript's disagreements, into the
        :class:`~qualcoder_ahp.tui.reconcile_walk.FollowedItems` the polls then bring up
        to date (:meth:`_bring_up_to_date`: the first poll computes only the transcripts
        changed since, not the whole project again), and read, in the same snapshot, what
        the consensus coder holds and the rejections in the log: they were read on the
        UI thread when the disagreements came, which froze the screen for seconds on a
        1M-word study (the whole reconcile log, every consensus coding)."""
        try:
            brought = self._bring_up_to_date(
                coders, fresh=True, log=True, consensus=self.consensus,
                progress=lambda done, total: self.post_message(self.LoadProgress(done, total)))
        except UserError as exc:
            self.post_message(self.Loaded([], {}, {}, str(exc)))
            return
        found = brought.found
        self.post_message(self.Loaded(found.items, found.texts, found.names,
                                      agreed=found.agreed, log=brought.log,
                                      consensus=brought.consensus))

    _load_began = 0.0
    """When the disagreements began to be computed (``time.monotonic()``)."""

    def on_reconcile_screen_load_progress(self, message: LoadProgress) -> None:
        """A load taking more than a moment: a bar under the status line, which names the
        transcripts compared (the keys keep working: Escape leaves, ? opens the help)."""
        if self.loaded or self.writing is not None or message.done >= message.total or (
                time.monotonic() - self._load_began < LOAD_MOMENT_S):
            return
        bar = self.query_one("#reconcile-progress", ProgressBar)
        bar.display = True
        bar.update(total=max(1, message.total), progress=message.done)
        # Each transcript is read, then its stretches found: two steps of the bar.
        transcripts = plural(max(1, message.total // 2), "transcript")
        self.query_one("#reconcile-status", Static).update(Text(
            f"Finding disagreements in {transcripts} (Escape: back)..."))

    def on_reconcile_screen_loaded(self, message: Loaded) -> None:
        """Show the first undecided disagreement."""
        walk = self.walk
        walk.items, self.texts, walk.theme_names = message.items, message.texts, message.names
        walk.agreed = message.agreed
        walk.turns.clear()
        if self.writing is None:
            self.query_one("#reconcile-progress").display = False
        if message.error:
            self.query_one("#reconcile-status", Static).update(
                Text(f"Cannot reconcile: {message.error}"))
            return
        if message.consensus is not None:  # else read here, by the walk
            walk.take_consensus(*message.consensus)
        if message.log is not None:
            walk.take_log(*message.log)
        self.loaded = True
        self.query_one("#consensus-panel").display = True
        panels = self.query_one("#coder-panels", Horizontal)
        # Opened under blind coding, the panels were hidden; with blind coding now off
        # they stayed hidden while a/b/o/i/x decided, unseen, what the coders coded.
        panels.display = True
        mounted = panels.mount_all(VerticalScroll(Static(id=f"coder-text-{k}"),
                                                  classes="coder-panel")
                                   for k in range(len(self.compared or [])))
        walk.begin()
        self.call_after_refresh(self._show_mounted, mounted)

    async def _show_mounted(self, mounted: AwaitMount) -> None:
        await mounted
        self.show()

    loaded = False
    """Whether the disagreements are on screen (not blind, not still computing, no error)."""

    ITEM_ACTIONS = frozenset({"take", "union", "intersection", "reject"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the decision keys only when there is something they would act on.

        With one coder, blind coding on, or while still computing, the footer used
        to offer "a Take A", "x Reject" and the rest, which then silently did nothing.
        """
        walk = self.walk
        if action in self.ITEM_ACTIONS:
            return self.loaded and self.item is not None
        if action == "move":
            return self.loaded and len(walk.items) > 1
        if action == "filter":
            return self.loaded and bool(walk.items)
        if action == "show_decided":
            return self.loaded and bool(walk.items) and not walk.show_decided
        if action == "hide_decided":
            return self.loaded and bool(walk.items) and walk.show_decided
        if action == "copy_agreed":
            return self.loaded and bool(walk.agreed)
        if action == "undo":
            return bool(walk.history)
        return True

    def footer_first(self) -> tuple[str, ...]:
        """The keys the 80-column footer keeps: walking (n/p), taking a coder's spans,
        undo once there is a decision to undo, and ``esc Back`` (left out at 80 columns,
        where nothing on the screen said how to leave); then ``d``, what it does now,
        where it fits, and the filter and the other decisions. At 80 columns ``d`` gives
        way to ``u Undo`` and ``f`` to ``esc Back``: the status line names them all
        ("o union, i intersection, x reject", "d: all", "f: filter"), the help too."""
        return ("move", "take", "undo", "close", "show_decided", "hide_decided", "filter",
                "reject", "union", "intersection")

    # ------------------------------------------------------------------ display
    @property
    def item(self) -> ReconcileItem | None:
        """The disagreement on screen."""
        return self.walk.item

    def place(self, item: ReconcileItem,
              spans: list[Interval] | tuple[Interval, ...] = ()) -> str:
        """Where ``spans`` (the item's stretch when none) are, in turns
        (:meth:`ReconcileWalk.place`)."""
        return self.walk.place(item, spans)

    def status_text(self) -> str:
        """The status line: where we are and whether this item is decided."""
        return self.walk.status_text(self.compared or [])

    def _excerpt(self, item: ReconcileItem, spans: list[Interval] | tuple[Interval, ...],
                 style: str, panel: Static) -> Text:
        """The stretch in ``panel`` with the context around it, ``spans`` in ``style``.

        The context before is what about a line or two of the panel holds, so that the
        stretch starts near the panel's top: at 80x24 a coder's panel shows six lines,
        and 120 characters before the stretch filled them, so both panels showed the same
        words and neither the spans to decide between.
        """
        text = self.texts.get(item.transcript_id, "")
        # The panel's size as the terminal's gives it (the same before the panels are
        # laid out as after, so the first disagreement reads as it does after n and p):
        # the coders' panels share the width and two thirds of the height under the
        # status line, the consensus panel has the rest.
        size, coders = self.app.size, panel.id != "consensus-text"
        width = max(20, size.width // (max(1, len(self.compared or [])) if coders else 1) - 4)
        height = (size.height - 8) * (2 if coders else 1) // 3 - 2
        lines = 2 if height >= 10 else 1
        lo, hi = context_bounds(text, item.start, item.end, before=lines * (width - 3),
                                line=width)
        # Text() never parses markup, so a transcript's "[bold]" shows literally.
        cut = lo and text[lo - 1] != "\n"  # "..." where a turn's text is left out
        out = Text(("..." if cut else "") + text[lo:hi] + ("..." if hi < len(text) else ""))
        shift = 3 if cut else 0
        for start, end in spans:
            out.stylize(style, start - lo + shift, end - lo + shift)
        return out

    def show(self) -> None:
        """Render the current item into the panels."""
        self.walk.refresh_consensus()
        self.refresh_bindings()  # undo and the item keys come and go
        dialog = self.app.screen
        if isinstance(dialog, ReconcileFilter) and self.app.screen_stack[-2] is self:
            # Open over this screen while a poll took in changes: its counts follow.
            dialog.update_choices(*self.walk.filter_choices())
        self.query_one("#reconcile-status", Static).update(
            Text(self.writing_line() or self.status_text()))
        item = self.item
        consensus = self.query_one("#consensus-text", Static)
        for k, coder in enumerate(self.compared or []):
            panel = self.query(f"#coder-text-{k}")
            if not panel:
                continue
            label = chr(ord("A") + k) if k < 26 else str(k + 1)
            if item is None:
                panel.first(Static).update(Text(f"{label}: {coder}"))
                continue
            spans = item.of(coder)
            head = Text(f"{label}: {coder}  ", style="bold")
            head.append(self.place(item, spans) if spans else (
                "(not coded)" if item.rated(coder) else "(did not code this transcript)"),
                style="dim")
            static = panel.first(Static)
            static.update(Text("\n").join([head, self._excerpt(item, spans, "reverse", static)]))
        if item is None:
            consensus.update(Text(""))
            return
        mine = self.walk.consensus_spans(item)
        theme = self.store.theme(item.theme_id)
        definition = Text(f"{theme.name}: ", style="bold")
        definition.append(" ".join(part for part in (theme.description, theme.inclusion and
                                                     f"Include: {theme.inclusion}",
                                                     theme.exclusion and
                                                     f"Exclude: {theme.exclusion}") if part)
                          or "(no definition)", style="italic")
        head = Text(f"{self.consensus}: ", style="bold")
        head.append(self.place(item, mine) if mine else
                    ("(rejected)" if self.walk.index in self.walk.rejected else "(undecided)"),
                    style="dim")
        consensus.update(Text("\n").join([head, self._excerpt(item, mine, "reverse", consensus),
                                          Text(""), definition]))

    # ------------------------------------------------------------------ walking
    def action_move(self, step: int) -> None:
        """Go to the next (``1``) or previous (``-1``) disagreement in the filter: the
        next undecided one, round to the first when none is left after this one; after
        ``d``, the next of all of them, decided too (stopping at the last)."""
        note = self.walk.move(step)
        if note is not None:
            self.notify(note, markup=False)
        self.show()

    def action_show_decided(self) -> None:
        """n/p step through every disagreement in the filter, the decided ones too."""
        self.walk.show_decided = True
        self.show()

    def action_hide_decided(self) -> None:
        """n/p step through the undecided disagreements only."""
        self.walk.show_decided = False
        self.show()

    def action_filter(self) -> None:
        """Choose the theme and the transcript whose disagreements to reconcile."""
        if self.refused_while_writing():
            return
        themes, transcripts = self.walk.filter_choices()
        self.app.push_screen(ReconcileFilter(themes, transcripts, self.walk.theme_filter,
                                             self.walk.transcript_filter), self._filtered)

    def _filtered(self, result: tuple[str | None, int | None] | None) -> None:
        """Apply the filter chosen; the cursor goes to its first undecided disagreement."""
        if result is None:
            return
        applied, note = self.walk.set_filter(*result)
        self.notify(note, severity="information" if applied else "warning", markup=False)
        if applied:
            self.show()

    def action_close(self) -> None:
        """Back to the previous screen (once a ``g`` being written is committed)."""
        if self.refused_while_writing():
            return
        self.dismiss()
