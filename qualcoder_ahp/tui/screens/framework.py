"""The framework screen: the Framework Method's matrix of cases × themes, charted here.

A grid with a row per case (a participant, or a transcript with no participant) and a
column per codable theme, each cell the case's codings of the theme with ``*`` where
the working coder has written its summary; the same matrix as ``qcahp framework``
(:mod:`qualcoder_ahp.reports.framework`). Arrow keys move from cell to cell (the case
column stays while the themes scroll under it); the line under the grid names the cell
in full. ``c`` steps through whose codings are counted (the working coder, everyone,
then each coder; only the working coder while blind coding is on).

Enter opens the cell (:class:`FrameworkCellScreen`): its codings, each with transcript,
turn and speaker, above a box for the summary. ctrl+s saves the summary (one logged
decision, committed before "Saved" shows; ``u`` on the matrix or in the workbench and
``qcahp undo``
take it back); Escape goes back, but with the summary changed and not saved it first
says so, and only a second Escape discards the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static, TextArea
from textual.worker import Worker, WorkerState

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.framework_store import Case
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import plural
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.framework import (
    SUMMARY_MARK,
    Cell,
    Framework,
    cell_quotes,
    framework,
)
from qualcoder_ahp.reports.quotes import Quote
from qualcoder_ahp.reports.text_table import cells
from qualcoder_ahp.reports.theme_heading import heading, whole_width
from qualcoder_ahp.reports.writers import shown_time
from qualcoder_ahp.tui.follow import BLIND_NOTE, FollowsStore, is_blind
from qualcoder_ahp.tui.undo_keys import UNDO_BINDINGS, UndoKeys
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from qualcoder_ahp.tui.widgets.list_keys import GridKeys, grid_key

HEAD_LINES = 2
"""Lines of a theme's column heading (:func:`~qualcoder_ahp.reports.theme_heading.heading`)."""
HEAD_WIDTH = 10
"""Widest theme column when the grid is wider than the screen (11 themes at 80 or 100
columns): the themes scroll sideways under the case column, each name whole over two
lines where it fits in this width, else abbreviated readably (``Visibility`` /
``untapped…``); the line under the grid names the cell's theme whole."""
WIDEST = 24
"""Widest theme column when the screen holds the whole grid (each name then whole)."""
CASE_WIDTH = 18
"""Widest case label in the fixed first column."""
EVERYONE = "(everyone)"
"""The coder choice that counts every coder's codings."""


def abbreviated(name: str, width: int = CASE_WIDTH) -> str:
    """``physio_helen`` as is; a longer case label cut to ``width`` with ``…``."""
    return name if len(name) <= width else name[:width - 1].rstrip() + "\u2026"


def theme_widths(names: list[str], least: list[int], room: int) -> tuple[list[int], int]:
    """Each theme column's width (cells, without the DataTable's padding of one either
    side) and the heading's lines: every name whole on one line when they all fit in
    ``room``; else as wide as each name needs to stand whole over :data:`HEAD_LINES`
    lines, up to the widest cap (of :data:`WIDEST` down to :data:`HEAD_WIDTH`) at which
    every column fits; :data:`HEAD_WIDTH` when even that does not fit (the grid scrolls
    sideways). Never narrower than ``least`` (a column's counts and mark)."""
    one = [max(lo, cells(n)) for n, lo in zip(names, least, strict=True)]
    if sum(w + 2 for w in one) <= room:
        return one, 1
    whole = [whole_width(n, HEAD_LINES) for n in names]
    for cap in range(WIDEST, HEAD_WIDTH - 1, -1):
        widths = [max(lo, min(cap, w)) for w, lo in zip(whole, least, strict=True)]
        if sum(w + 2 for w in widths) <= room:
            return widths, HEAD_LINES
    return [max(lo, min(HEAD_WIDTH, w)) for w, lo in zip(whole, least, strict=True)], \
        HEAD_LINES


@dataclass(frozen=True)
class Shown:
    """What the grid shows (tests read it): the matrix and whose codings it counts."""

    fw: Framework
    counted: str | None
    """The coder whose codings are counted (``None``: everyone's)."""
    not_pooled: tuple[str, ...] = ()
    """The consensus coders "everyone" leaves out (as every report's pooled default)."""


class FrameworkGrid(DataTable[object], inherit_bindings=False):
    """The matrix: a cell cursor; Enter reaches the screen (it opens the cell)."""

    BINDINGS = [b for b in DataTable.BINDINGS
                if not (isinstance(b, Binding) and b.key == "enter")]


class FrameworkScreen(GridKeys, UndoKeys, FollowsStore, Screen[None]):
    """Cases × themes: codings per cell, ``*`` where the working coder's summary is."""

    BINDINGS = [
        Binding("enter", "open_cell", "Open cell",
                tooltip="Read the cell's codings and write its summary"),
        Binding("c", "next_coder", "Coder",
                tooltip="Whose codings are counted: yours, everyone's, then each coder's"),
        Binding("escape", "back", "Back", tooltip="Back to the previous screen"),
        *UNDO_BINDINGS,
        grid_key("right", "cursor_right", "Next theme", "The next theme's column (the "
                 "case column stays while the themes scroll)"),
        grid_key("left", "cursor_left", "Previous theme", "The previous theme's column"),
        grid_key("end", "scroll_end", "Last theme", "The last theme's column"),
        grid_key("home", "scroll_home", "Case column", "The case column, at the left"),
        grid_key("down", "cursor_down", "Next case", "The next case's row"),
        grid_key("up", "cursor_up", "Previous case", "The previous case's row"),
        grid_key("pagedown", "page_down", "Page ▼", "A page of cases down"),
        grid_key("pageup", "page_up", "Page ▲", "A page of cases up"),
        grid_key("ctrl+end", "scroll_bottom", "Last case", "The last case's row"),
        grid_key("ctrl+home", "scroll_top", "First case", "The first case's row"),
    ]

    MARKS = [
        ("*", "summary", "Your summary of the cell is written (Enter reads and edits it)"),
        ("trad.  \u2026", "shortened", "A theme's name shortened to fit its column (the "
                                     "line under the grid names the cell's theme whole; "
                                     "a wider terminal shows more of it)"),
        ("\u2190 \u2192", "themes", "Move between the themes' columns; the case column "
                            "stays while they scroll"),
    ]
    """What the grid's marks mean (listed in the help, after the keys)."""

    DEFAULT_CSS = """
    FrameworkScreen #fw-caption { padding: 0 1; color: $text-muted; height: 1; }
    FrameworkScreen DataTable { height: 1fr; }
    FrameworkScreen #fw-cell { padding: 0 1; height: auto; max-height: 3; width: 100%; }
    """

    def __init__(self, store: Store, coder: str) -> None:
        """The matrix of the working ``coder`` (whose summaries it marks and edits)."""
        super().__init__()
        self.store = store
        self.coder = coder
        self.blind = is_blind(store)
        self.counted: str | None = coder
        """Whose codings are counted (``None``: everyone's)."""
        self.shown: Shown | None = None
        self._fitted: tuple[list[int], int] = ([], 1)
        """The theme columns' widths and heading lines, fitted to the screen
        (:func:`theme_widths`)."""
        self.title = "Framework matrix"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="fw-caption")
        yield FrameworkGrid(id="fw-grid", cursor_type="cell", zebra_stripes=True,
                            fixed_columns=1)
        yield Label("", id="fw-cell")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def reread(self) -> None:
        """Another connection committed: chart again, keeping the cell."""
        if not self.blind and is_blind(self.store):
            self.blind = True
            self.counted = self.coder
            self.refresh_bindings()
        self.reload()

    def on_screen_resume(self) -> None:
        """Back from a cell (its summary may be new): the marks read again, at once (the
        codings are as they were); everything charted again only if another connection
        committed meanwhile."""
        if self.store_stale or self.shown is None:
            self.store_stale = False
            self.reload()
            return
        mine = self.store.cell_summaries(self.coder)
        for (key, theme_id), cell in self.shown.fw.cells.items():
            cell.summaries = list(mine.get((key, theme_id), []))
        self._show(self.shown)

    def reload(self) -> None:
        """Chart the matrix again in a worker."""
        self.query_one("#fw-caption", Label).update("Charting...")
        self._compute(self.counted)

    @work(thread=True, exclusive=True, group="framework", exit_on_error=False)
    def _compute(self, counted: str | None) -> None:
        def chart(store: Store) -> Shown:
            data = ReportData(store, counted)
            fw = framework(data, quoted=False)  # a grid of counts: a cell quoted on Enter
            # The marks are the working coder's summaries, whoever's codings are counted.
            mine = store.cell_summaries(self.coder)
            for (key, theme_id), cell in fw.cells.items():
                cell.summaries = list(mine.get((key, theme_id), []))
            return Shown(fw, counted, data.not_pooled)

        try:
            if self.store.path is None:  # in-memory project: only one connection exists
                shown = chart(self.store)
            else:
                with open_store(self.store.path) as own:
                    shown = chart(own)
        except UserError as error:  # no codebook yet (no codable theme to chart)
            self.app.call_from_thread(self._nothing, str(error))
            return
        self.app.call_from_thread(self._show, shown)

    def _nothing(self, why: str) -> None:
        self.shown = None
        self.query_one(DataTable).clear(columns=True)
        self.query_one("#fw-caption", Label).update(Text(
            f"Nothing to chart: {why}. Load a codebook (L) and code some transcripts "
            "first."))
        self.query_one("#fw-cell", Label).update("")

    def _show(self, shown: Shown) -> None:
        grid = self.query_one(DataTable)
        same = (self.shown is not None
                and [t.id for t in self.shown.fw.themes] == [t.id for t in shown.fw.themes])
        place = grid.cursor_coordinate if same else None
        grid.clear(columns=True)
        fw = shown.fw
        case_width = self._case_width(fw)
        grid.add_column(Text("case"), width=case_width, key="case")
        self._fitted = widths, lines = self._fit(fw)
        heads = [heading(t.name, w, lines) for t, w in zip(fw.themes, widths, strict=True)]
        grid.header_height = max([1, *(len(h) for h in heads)])
        for theme, head, width in zip(fw.themes, heads, widths, strict=True):
            grid.add_column(Text("\n".join(head), justify="right"), width=width,
                            key=theme.id)
        for case in fw.cases:
            grid.add_row(Text(abbreviated(case.label, CASE_WIDTH)),
                         *(self._cell_text(fw.cell(case, t.id), w)
                           for t, w in zip(fw.themes, widths, strict=True)),
                         key=case.key)
        self.shown = shown
        if place is not None and fw.cases:
            grid.move_cursor(row=min(place.row, len(fw.cases) - 1), column=place.column)
        elif fw.cases and fw.themes:
            grid.move_cursor(row=0, column=1)
        but = f" but {', '.join(shown.not_pooled)}'s" if shown.not_pooled else ""
        whose = (f"everyone's codings{but}" if shown.counted is None else
                 "your codings" if shown.counted == self.coder else
                 f"{shown.counted}'s codings")
        caption = (f"Cell: {whose}; {SUMMARY_MARK} your summary ({self.coder}). "
                   "Enter opens a cell.")
        if not fw.cases:
            caption = "No transcripts yet: import interviews first (i on the transcripts)."
        self.query_one("#fw-caption", Label).update(Text(caption))
        done = fw.summarised_cells
        self.sub_title = (f"{plural(len(fw.cases), 'case')} \u00d7 "
                          f"{plural(len(fw.themes), 'theme')}, {done} summar"
                          f"{'y' if done == 1 else 'ies'}")
        self._show_cell()

    @staticmethod
    def _case_width(fw: Framework) -> int:
        return min(CASE_WIDTH, max([4, *(len(c.label) for c in fw.cases)]))

    def _fit(self, fw: Framework) -> tuple[list[int], int]:
        """The theme columns' widths on the grid as wide as it is now."""
        grid = self.query_one(DataTable)
        # A column holds its counts and the summary mark after them.
        least = [max([1, *(len(str(fw.cell(c, t.id).count)) for c in fw.cases)]) + 1
                 for t in fw.themes]
        room = ((grid.size.width or self.app.size.width) - self._case_width(fw) - 2
                - grid.styles.scrollbar_size_vertical)
        return theme_widths([t.name for t in fw.themes], least, room)

    def on_resize(self) -> None:
        """A wider or narrower terminal: the theme columns fitted to it again."""
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        if self.shown is not None and self._fit(self.shown.fw) != self._fitted:
            self._show(self.shown)

    @staticmethod
    def _cell_text(cell: Cell, width: int) -> Text:
        """The count right-aligned, then the mark or a space, so that the digits of a
        column line up whether or not a cell is marked."""
        return Text(str(cell.count).rjust(width - 1)
                    + (SUMMARY_MARK if cell.summaries else " "))

    def current(self) -> tuple[Case, str] | None:
        """The case and theme id under the cursor, or ``None`` (the case column, or an
        empty grid)."""
        if self.shown is None or not self.shown.fw.cases:
            return None
        coordinate = self.query_one(DataTable).cursor_coordinate
        if coordinate.column < 1 or coordinate.row >= len(self.shown.fw.cases):
            return None
        return (self.shown.fw.cases[coordinate.row],
                self.shown.fw.themes[coordinate.column - 1].id)

    def theme_under_cursor(self) -> str | None:
        """The theme of the column under the cursor (P starts its picker there)."""
        here = self.current()
        return here[1] if here is not None else None

    @on(DataTable.CellHighlighted)
    def _highlighted(self, _event: DataTable.CellHighlighted) -> None:
        self._show_cell()

    def _show_cell(self) -> None:
        """Name the highlighted cell in full under the grid."""
        here = self.current()
        label = self.query_one("#fw-cell", Label)
        if here is None or self.shown is None:
            label.update(Text("\u2192 to a theme's column; Enter opens the cell"
                              if self.shown is not None and self.shown.fw.cases else ""))
            return
        case, theme_id = here
        cell = self.shown.fw.cell(case, theme_id)
        theme = next(t for t in self.shown.fw.themes if t.id == theme_id)
        state = "summary written" if cell.summaries else "no summary yet"
        label.update(Text(f"{case.label} \u00b7 {theme.path}: "
                          f"{plural(cell.count, 'coding')}, {state}"))

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "framework-cell":
            self.notify(f"Opening the cell failed: {event.worker.error}", severity="error",
                        markup=False)
        elif event.state == WorkerState.ERROR:
            self.query_one("#fw-caption", Label).update("Charting failed.")
            self.notify(f"Charting failed: {event.worker.error}", severity="error",
                        markup=False)

    def action_open_cell(self) -> None:
        """Open the cell under the cursor: its codings and the summary box."""
        here = self.current()
        if here is None or self.shown is None:
            self.notify("Move to a theme's column (\u2192) to open a cell.",
                        severity="warning")
            return
        case, theme_id = here
        self._open_cell(self.shown, case, theme_id)

    @work(thread=True, exclusive=True, group="framework-cell", exit_on_error=False)
    def _open_cell(self, shown: Shown, case: Case, theme_id: str) -> None:
        """Quote the cell's codings (the grid holds only their count) in a worker, on
        a connection of its own, then open the cell."""
        def read(store: Store) -> list[Quote]:
            data = ReportData(store, shown.counted, themes=[theme_id])
            return cell_quotes(data, case, theme_id)

        if self.store.path is None:
            found = read(self.store)
        else:
            with open_store(self.store.path) as own:
                found = read(own)
        self.app.call_from_thread(self._push_cell, shown, case, theme_id, found)

    def _push_cell(self, shown: Shown, case: Case, theme_id: str,
                   found: list[Quote]) -> None:
        if self.shown is not shown or self.app.screen is not self:
            return  # charted again, or left, meanwhile
        theme = next(t for t in shown.fw.themes if t.id == theme_id)
        self.app.push_screen(FrameworkCellScreen(
            self.store, self.coder, case, theme.id, theme.path, found,
            shown.counted, shown.fw.attributes.get(case.key, {})))

    def action_next_coder(self) -> None:
        """Count the next coder's codings: yours, everyone's, then each other coder's."""
        if self.blind:
            self.notify(BLIND_NOTE, severity="warning", markup=False)
            return
        others = [c for c in self.store.report_coded_coders() if c != self.coder]
        order: list[str | None] = [self.coder, None, *others]
        at = order.index(self.counted) if self.counted in order else 0
        self.counted = order[(at + 1) % len(order)]
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out Coder while blind coding is on."""
        if action == "next_coder" and self.blind:
            return None
        return True

    def action_back(self) -> None:
        """Return to the previous screen."""
        self.dismiss()


class FrameworkCellScreen(Screen[None]):
    """One cell: the case's codings of the theme, and the working coder's summary."""

    BUSY_WORDS = {"save": "your summary"}  # the busy dialog's "Your ... was not stored"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save summary",
                tooltip="Store the summary (one decision: u or qcahp undo takes it back)"),
        Binding("escape", "back", "Back",
                tooltip="Back to the matrix (a changed summary: says so first; Escape "
                        "again discards it)"),
    ]

    DEFAULT_CSS = """
    FrameworkCellScreen #cell-title { padding: 0 1; height: auto; width: 100%; text-style: bold; }
    FrameworkCellScreen #cell-quotes { height: 1fr; min-height: 4; padding: 0 1;
                                       border-left: blank; }
    FrameworkCellScreen #cell-quotes:focus { border-left: thick $accent; }
    FrameworkCellScreen:light #cell-quotes:focus { border-left: thick $primary; }
    FrameworkCellScreen #cell-state { padding: 0 1; height: 1; color: $text-muted; }
    FrameworkCellScreen #cell-summary { height: 8; }
    """

    def __init__(self, store: Store, coder: str, case: Case, theme_id: str, path: str,
                 quotes: list[Quote], counted: str | None,
                 attributes: dict[str, str] | None = None) -> None:
        super().__init__()
        self.attributes = dict(attributes or {})
        """The participant's attributes, shown under the title (what the case is)."""
        self.store = store
        self.coder = coder
        self.case = case
        self.theme_id = theme_id
        """The cell's theme (P and K start their pickers there: :meth:`theme_under_cursor`)."""
        self.path = path
        self.quotes = quotes
        self.counted = counted
        self.saved = store.cell_summary(coder, case, theme_id) or ""
        """The summary as stored (what the box started from, or last saved)."""
        self.saved_at: str | None = None
        self._discard_warned = False
        self.title = "Framework cell"

    def compose(self) -> ComposeResult:
        yield Header()
        whose = "everyone" if self.counted is None else self.counted
        title = Text(f"{self.case.label} \u00b7 {self.path} \u00b7 "
                     f"{plural(len(self.quotes), 'coding')} ({whose})")
        values = [v for v in self.attributes.values() if v.strip()]  # (in the file's order)
        if values:  # who the case is, as NVivo shows a case's classification
            title.append("\n" + " \u00b7 ".join(values), style="not bold")
        yield Label(title, id="cell-title")
        with VerticalScroll(id="cell-quotes"):
            yield Static(self._quotes_text(), id="cell-quotes-text")
        yield Label("", id="cell-state")
        yield TextArea(self.saved, id="cell-summary")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self._show_state()
        self.query_one(TextArea).focus()

    def _quotes_text(self) -> Text:
        """Each coding: where it is (transcript, turn, time, speaker, coder), then the
        quote; plain text (a transcript's ``[bold]`` shows as typed). A transcript with
        the case's name is named once, in the title (``physio_helen``'s interview
        ``physio_helen``: ``turn 4, Helen``), as the matrix's references name it; a
        participant's second interview, or a quote with no turn, is still named."""
        if not self.quotes:
            return Text("No codings of this theme in this case.", style="dim")
        text = Text()
        for n, q in enumerate(self.quotes):
            where = [] if q.transcript == self.case.label and q.turn is not None else \
                [q.transcript]
            if q.turns_label is not None:  # "turns 3-4, Interviewer and Asha": a
                # question and its answer coded as one, named as the quotes report does
                where.append(q.turns_label + (f" ({q.time})" if q.time else ""))
            if q.speakers_named:
                where.append(q.speakers_named)
            if self.counted is None:
                where.append(q.coder)
            if n:
                text.append("\n\n")
            text.append(", ".join(where), style="bold")
            text.append("\n\u201c" + " ".join(q.quote.split()) + "\u201d")
        return text

    def text(self) -> str:
        return self.query_one(TextArea).text

    @property
    def unsaved(self) -> bool:
        return self.text().strip() != self.saved.strip()

    @on(TextArea.Changed)
    def _changed(self, _event: TextArea.Changed) -> None:
        self._discard_warned = False
        self._show_state()

    def _show_state(self) -> None:
        """Say whether the summary in the box is saved."""
        if self.unsaved:
            state = "Summary: not saved \u00b7 ctrl+s saves"
        elif self.saved_at is not None:
            state = f"Summary: saved {self.saved_at}" + ("" if self.saved.strip() else
                                                        " (cleared)")
        elif self.saved.strip():
            state = f"Summary by {self.coder}"
        else:
            state = f"Summary by {self.coder}: none yet \u00b7 ctrl+s saves"
        # Tab moves between the box and the codings (PgUp PgDn read them); where the
        # keys are now is said here and marked beside the codings (a Tab to them only
        # took the colour off the box's border).
        reading = self.query_one("#cell-quotes").has_focus
        where = "Tab: back to the summary" if reading else "Tab: the codings"
        self.query_one("#cell-state", Label).update(Text(f"{state} \u00b7 {where}"))

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def _focus_moved(self) -> None:
        self._show_state()

    def action_save(self) -> None:
        """Store the summary (committed before the screen says saved), without the
        blank lines and spaces around it (a stray space would start it in every export)."""
        text = self.text().strip()
        try:
            self.store.set_cell_summary(self.coder, self.case.key, self.theme_id, text)
        except UserError as error:  # the case withdrawn meanwhile, a theme merged away
            self.notify(f"Not saved: {error}", severity="error", markup=False)
            return
        self.saved = text if text.strip() else ""
        self.saved_at = shown_time(_now(), seconds=True)[-8:]
        self._show_state()
        self.notify("Summary saved." if text.strip() else "Summary cleared.", timeout=3)

    def theme_under_cursor(self) -> str | None:
        """The cell's theme (P and K start their pickers there)."""
        return self.theme_id

    def typing_hint(self) -> str | None:
        """For the help, while the cursor is in the summary box: the letter keys it lists
        type there, and Tab leaves it."""
        if not self.query_one(TextArea).has_focus:
            return None
        return ("The cursor is in the summary box, where letters type: Tab moves to the "
                "codings, where the keys below work (ctrl+s and Escape work in the box too).")

    def action_back(self) -> None:
        """Back to the matrix; a changed summary is not thrown away on the first Escape."""
        if self._warn_unsaved("Escape again discards it"):
            return
        self.dismiss()

    def holds_unsaved(self) -> bool:
        """Asked by the app before it quits (q, ctrl+q): a changed summary keeps it open
        the first time, saying so; a second quit leaves without it."""
        return self._warn_unsaved("quit again to leave without it")

    def _warn_unsaved(self, then: str) -> bool:
        """Whether to stay: the summary is changed and not saved, and this is the first
        try to leave since it changed (the notice says how to save, or leave anyway)."""
        if not self.unsaved or self._discard_warned:
            return False
        self._discard_warned = True
        self.notify(f"This summary is not saved: ctrl+s saves it, {then}.",
                    severity="warning", markup=False)
        return True


def _now() -> str:
    from qualcoder_ahp.model.store import now

    return now()


__all__ = ["FrameworkCellScreen", "FrameworkScreen", "abbreviated"]
