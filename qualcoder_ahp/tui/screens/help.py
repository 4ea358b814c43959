"""The help screen: every key of the screen below it, from its BINDINGS.

Built from the bindings themselves (screen and app), so it can never disagree
with the footer or the command palette.
"""

from __future__ import annotations

from rich.text import Text
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter


NOT_NOW = " (not now)"
"""Said in the help after the description of a key its screen switches off for now
(``check_action`` False: the footer leaves it out) or greys out (None: the footer
greys it): it does nothing until the screen changes (a report shows, a row is a
theme's)."""


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(key, description, tooltip) for every binding of ``screen`` and the app.

    Call it while ``screen`` is the app's current screen: app keys that do nothing
    there (the key of the screen itself) are left out.
    """
    return [(key, description, tooltip)
            for key, description, tooltip, _ in key_rows(screen)]


def key_rows(screen: Screen) -> list[tuple[str, str, str, bool]]:
    """:func:`binding_rows`, each with whether the key works now: a screen key that
    does nothing just now, which the footer leaves out or greys (``esc Dismiss`` with
    no report showing, ``n Consensus`` without a consensus coding), is False; the help
    lists it greyed, with :data:`NOT_NOW`, so it still tells every key of the screen."""
    rows: list[tuple[str, str, str, bool]] = []
    seen: set[str] = set()
    ranged: set[str] = set()
    app_keys = {b.key for b in screen.app.BINDINGS if isinstance(b, Binding)}
    for source in (screen, screen.app):
        for binding in source.BINDINGS:
            if not isinstance(binding, Binding) or binding.key in seen:
                continue
            _, action, parameters = parse_action(binding.action)
            state = source.check_action(action, parameters)
            if source is screen and binding.key in app_keys and state is False:
                continue  # a screen key standing in for the app's only now and then (F)
            seen.add(binding.key)
            if source is screen.app and state is False:
                continue  # e.g. "k Codebook" on the codebook screen: it would do nothing
            # A key range shown once ("1-9") stands for the bindings of the same action.
            if action in ranged:
                continue
            if binding.key_display and "-" in binding.key_display:
                ranged.add(action)
            key = binding.key_display or screen.app.get_key_display(binding)
            rows.append((key, binding.description, binding.tooltip, bool(state)))
    return rows


class HelpTable(DataTable[Text]):
    """The keys, read with ↑ ↓ PgUp PgDn, and Home and End to the first and last (a
    DataTable's own Home and End scroll sideways: End did nothing here)."""

    BINDINGS = [Binding("home", "scroll_top", "First", show=False),
                Binding("end", "scroll_bottom", "Last", show=False)]


class HelpScreen(ModalScreen[None]):
    """List the keys of the screen it was opened from."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", tooltip="Close the help"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, under: Screen, title: str) -> None:
        super().__init__()
        rows = key_rows(under)
        self.rows = [(key, description, tooltip) for key, description, tooltip, _ in rows]
        self.off = {k for k, (_, _, _, works) in enumerate(rows) if not works}
        """The rows of keys that do nothing now: listed greyed, with :data:`NOT_NOW`."""
        marks = list(getattr(under, "MARKS", ()))  # what the screen's marks mean, after the keys
        if marks:
            self.rows += [("", "Marks", "What the marks on this screen mean:"), *marks]
        self.title_text = title
        typing = getattr(under, "typing_hint", None)
        self.typing: str | None = typing() if typing is not None else None
        """Said above the keys when the cursor is in a box of the screen below, where the
        letter keys listed type instead (the search box, a framework cell's summary)."""

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical(classes="dialog help"):
            yield Label(Text(f"Keys: {self.title_text}  (Escape closes; ctrl+p finds any command)"))
            yield Label(Text("↑ ↓ PgUp PgDn Home End read the list"), classes="hint")
            if self.typing:
                yield Label(Text(self.typing), id="help-typing", classes="hint")
            yield HelpTable(id="help-table", cursor_type="row")

    def on_mount(self) -> None:
        self._fill()

    def on_resize(self) -> None:
        self._fill()

    def _fill(self) -> None:
        """(Re)build the table so the details column wraps inside the dialog.

        On an 80-column terminal the dialog is narrower than key + description +
        details, and DataTable would cut the details off mid-word; so the details
        column gets the width that is left and its rows grow to as many lines as
        they need.
        """
        table: DataTable[Text] = self.query_one("#help-table", DataTable)
        key_w = max([3, *(len(k) for k, _, _ in self.rows)])
        does_w = max([4, *(len(d) + (len(NOT_NOW) if n in self.off else 0)
                           for n, (_, d, _) in enumerate(self.rows))])
        # Each column has one cell of padding either side; keep 2 for the scrollbar.
        room = table.size.width or (self.app.size.width - 8)
        details_w = max(20, room - key_w - does_w - 6 - 2)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column("key", width=key_w)
        table.add_column("does", width=does_w)
        table.add_column("details", width=details_w)
        for n, (key, description, tooltip) in enumerate(self.rows):
            off = n in self.off  # greyed, as the footer greys (or leaves out) the key
            style = "dim" if off else ""
            table.add_row(Text(key, style=style),
                          Text(description + (NOT_NOW if off else ""), style=style),
                          Text(tooltip or "", style=style), height=None)
        if 0 <= cursor < table.row_count:
            table.move_cursor(row=cursor)
