"""The counts screen: the same theme counts as ``qcahp counts``, in a table.

Keys (in the footer): ``v`` switches the view (by theme, transcript, participant,
coder, then one matrix per participant attribute), ``c`` steps through the coders
(all coders pooled, then each coder), ``n`` jumps to the consensus coding (pressed again,
the next consensus coder's: ``Store.consensus_coders()``, e.g. ``agreed``), ``i``
chooses the interviews counted (a participant attribute's value, as ``qcahp counts
--where ATTR=VALUE``, one transcript, or all; the title line says which), Escape goes
back. The numbers come from :mod:`qualcoder_ahp.reports` and are formatted like the
CLI's table, so the screen and ``qcahp counts`` always agree. Counting runs in a
thread worker, on its own database connection for an on-disk project.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import re

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label
from textual.worker import Worker, WorkerState

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.reports import (
    CONSENSUS,
    NO_VALUE,
    ReportData,
    attribute_matrix,
    theme_counts,
)
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.data import attribute_names, value_order
from qualcoder_ahp.reports.selection import Selection, select
from qualcoder_ahp.reports.writers import Sheet, cell_text
from qualcoder_ahp.tui.follow import BLIND_NOTE, FollowsStore, is_blind
from qualcoder_ahp.tui.screens.modals import ChoiceModal
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from qualcoder_ahp.tui.widgets.list_keys import GridKeys, grid_key

BASE_VIEWS = ("theme", "transcript", "participant", "coder")
_NUMERIC = re.compile(r"^\d[\d.]*( \(.*%\))?$|^$")


NAME_WIDTH = 30
"""Widest theme name in the fixed first column: at 80 columns the figures need the rest.
A longer name ends in "…"; the line under the table shows it whole, with its id."""


HEADINGS = {"share_pct": "share%", "words_pct": "words%"}
"""Column headings as `qcahp counts` prints them (``share_pct`` is a file's column id,
not a word a researcher reads); the share of the transcripts' text coded, by characters
and by words."""


@dataclass(frozen=True)
class CountsTable:
    """What the screen shows: a caption, column labels and rows of cell text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    themes: list[tuple[str, str] | None] = field(default_factory=list)
    """Per row: the theme's ``(id, path of names)``, or None (a column-total row)."""
    scope: str = ""
    """The interviews counted, for the title line: ``all transcripts (7)``, or
    ``board_distance = Board member: 2 of 7 transcripts``."""
    selection: str = ""
    """The CLI's ``Selection: ...`` line under its table, names included (``""``: all)."""


@dataclass(frozen=True)
class Choice:
    """The interviews the screen counts: ``qcahp counts``' ``--transcript`` and ``--where``
    options (both empty: every transcript)."""

    transcripts: tuple[str, ...] = ()
    where: tuple[str, ...] = ()

    def select(self, store: Store) -> Selection | None:
        """The selection, resolved as the CLI does (raises UserError as it would)."""
        return select(store, self.transcripts, self.where)


ALL = Choice()
ALL_KEY = "*all"
"""The chooser's option for every transcript (an attribute's option is ``a:NAME``)."""
ONE_KEY = "*one"
"""The chooser's option for a single transcript."""


def scope_text(selection: Selection | None, total: int) -> str:
    """The title line's words for the interviews counted (``total``: the project's, each
    interview once however many versions it has)."""
    if selection is None:
        return f"all transcripts ({total})"
    noun = "transcript" if selection.total == 1 else "transcripts"
    return f"{selection.criteria}: {selection.interviews} of {selection.total} {noun}"


def attribute_values(store: Store, attribute: str) -> list[tuple[str, int]]:
    """The values of ``attribute`` among the project's transcripts, with how many
    interviews have each (two versions of one are one), in the CLI reports' order (by
    number, date or NHS band: ``9 12 19 20``, not ``12 19 20 9``); ``(none)`` (no
    participant, or no value) last."""
    participants = store.participants()
    named: dict[str, set[str]] = {}
    for row in store.report_transcripts():
        got = participants.get(row[3] or "", {}).get(attribute) if row[3] else None
        value = got if got not in (None, "") else NO_VALUE
        named.setdefault(value, set()).add(row[1])
    counts = {value: len(names) for value, names in named.items()}
    return [(v, counts[v]) for v in value_order(counts)]


def transcript_names(store: Store) -> list[tuple[str, int]]:
    """Every transcript's name, with how many versions are stored: ``--transcript NAME``
    counts them all, as here."""
    versions: dict[str, int] = {}
    for row in store.report_transcripts():
        versions[row[1]] = versions.get(row[1], 0) + 1
    return list(versions.items())


def theme_label(name: str, depth: int) -> str:
    """A theme's name as the first column shows it: indented by depth, cut to fit."""
    if len(name) > NAME_WIDTH:
        name = name[:NAME_WIDTH - 1].rstrip() + "…"
    return "  " * depth + name


def _texts(sheet: Sheet) -> list[list[str]]:
    pct = [c in sheet.percent for c in sheet.columns]
    return [[cell_text(v, pct=p) for v, p in zip(row, pct, strict=True)] for row in sheet.rows]


def _pct(value: float | None) -> str:
    """A matrix cell's share: ``25.0%``, or ``–`` where there is nothing to share (a
    column of interviews nobody coded read "0 (0.0% / %)")."""
    return "\u2013" if value is None else f"{cell_text(value, pct=True)}%"


def counts_table(store: Store, view: str, coder: str | None,
                 choice: Choice = ALL) -> CountsTable:
    """Compute one view as cell text (plain Python; runs in the worker).

    A matrix cell reads ``count (row % / column %)``, the three numbers of the
    CLI's three matrix tables. ``choice`` keeps some interviews, as the CLI's
    ``--transcript`` and ``--where`` do (a UserError if none is left).
    """
    selection = choice.select(store)
    data = ReportData(store, coder, selection=selection)
    # Interviews, each once: two versions of one are one (as the counts' figures).
    scope = (scope_text(selection, len({t.name for t in data.transcripts.values()})),
             selection.label if selection is not None else "")
    who = ex.coder_label(coder, data.not_pooled)
    if view.startswith("attribute:"):
        matrix = attribute_matrix(data, view.split(":", 1)[1])
        rows = []
        themes: list[tuple[str, str] | None] = []
        for r in matrix.rows:
            cells = [f"{c.count} ({_pct(c.row_pct)} / {_pct(c.col_pct)})"
                     if c.row_pct is not None or c.col_pct is not None else str(c.count)
                     for c in r.cells]
            rows.append([theme_label(data.theme(r.theme_id).name, r.depth), *cells,
                         str(r.total)])
            themes.append((r.theme_id, r.path))
        rows.append(["column total", *map(str, matrix.column_totals), str(matrix.grand_total)])
        themes.append(None)
        return CountsTable(
            f"Segments by {matrix.attribute} ({who}) - cell: count (row % / column %)",
            ["theme", *matrix.columns, "total"], rows, themes, *scope)
    report = theme_counts(data, by=view)
    sheet = ex.counts_sheet(report)
    # Names, as in the codebook, where researchers look for a theme; the id (what
    # `qcahp ... --theme ID` takes) is on the line under the table.
    texts = _texts(sheet)
    keep = [i for i, c in enumerate(sheet.columns) if c not in ("theme", "path")]
    caption = sheet.title
    if view in ("transcript", "participant"):
        # A row is one transcript (or participant): its transcripts and participants
        # columns say 1 in every row and pushed the words and shares off an 80-column
        # screen. Left out, and said once, as `qcahp counts` says under its table.
        same = [i for i in keep if sheet.columns[i] in ("transcripts", "participants")
                and texts and len({cells[i] for cells in texts}) == 1]
        if same:
            keep = [i for i in keep if i not in same]
            caption += " · in every row: " + ", ".join(
                f"{sheet.columns[i]} {texts[0][i]}" for i in same)
    rows = [[theme_label(data.theme(r.theme_id).name, r.depth), *(cells[i] for i in keep)]
            for r, cells in zip(report.rows, texts, strict=True)]
    return CountsTable(caption, ["theme", *(sheet.columns[i] for i in keep)], rows,
                       [(r.theme_id, r.path) for r in report.rows], *scope)


class CountsGrid(DataTable[object], inherit_bindings=False):
    """The counts table: ← → scroll a column's width at a time, not one cell.

    At 80 columns only the first five figures fit; one cell per key press meant
    some forty presses to reach share_pct. Enter reaches the screen (it opens the
    highlighted theme's passages): the table's own Enter did nothing there.
    """

    BINDINGS = [b for b in DataTable.BINDINGS
                if not (isinstance(b, Binding) and b.key == "enter")]

    STEP = 10

    def action_cursor_right(self) -> None:
        """Scroll right by about one column."""
        self.scroll_relative(x=self.STEP, animate=False)

    def action_cursor_left(self) -> None:
        """Scroll left by about one column."""
        self.scroll_relative(x=-self.STEP, animate=False)


class CountsScreen(GridKeys, FollowsStore, Screen[None]):
    """Theme counts by theme, transcript, participant, coder or attribute."""

    BINDINGS = [
        Binding("enter", "open_passages", "Passages",
                tooltip="Read the highlighted theme's passages (and those of the themes "
                        "below it), the coder shown here first, as P does"),
        Binding("v", "next_view", "View", tooltip="By theme, transcript, participant, coder, "
                "or a matrix per participant attribute"),
        Binding("c", "next_coder", "Coder", tooltip="All coders pooled, then each coder"),
        Binding("n", "consensus", "Consensus", tooltip="The team's agreed (consensus) coding"),
        Binding("i", "choose_interviews", "Interviews",
                tooltip="Count only some interviews: a participant attribute's value (as "
                        "qcahp counts --where ATTR=VALUE), one transcript, or all"),
        Binding("escape", "back", "Back", tooltip="Back to the previous screen"),
        grid_key("right", "cursor_right", "Columns ▶",
                 "Scroll the figures right, about a column at a time (the caption says "
                 "\"← → more columns\" when some lie beyond the edge)"),
        grid_key("left", "cursor_left", "Columns ◀",
                 "Scroll the figures left, about a column at a time"),
        grid_key("end", "scroll_end", "Last columns", "The rightmost figures"),
        grid_key("home", "scroll_home", "First columns",
                 "Back to the first figures"),
        grid_key("down", "cursor_down", "Next row", "The next row (its theme is named in "
                 "full under the table)"),
        grid_key("up", "cursor_up", "Previous row", "The previous row"),
        grid_key("pagedown", "page_down", "Page ▼", "A page of rows down"),
        grid_key("pageup", "page_up", "Page ▲", "A page of rows up"),
        grid_key("ctrl+end", "scroll_bottom", "Last row", "The last row"),
        grid_key("ctrl+home", "scroll_top", "First row", "The first row"),
    ]

    DEFAULT_CSS = """
    CountsScreen #counts-caption { padding: 0 1; color: $text-muted; width: 100%; }
    CountsScreen DataTable { height: 1fr; }
    CountsScreen #counts-theme { padding: 0 1; color: $text-muted; height: 1; }
    CountsScreen #counts-selection { padding: 0 1; height: auto; width: 1fr; }
    """

    def __init__(self, store: Store, coder: str | None = None) -> None:
        """Show counts of ``coder`` (``None``: all coders pooled)."""
        super().__init__()
        self.store = store
        self.blind = coder is not None and is_blind(store)
        """Blind coding is on: only the working coder's counts (no pooled, others', consensus)."""
        self.coder = coder
        self.working = coder
        """The workbench's coder (``None`` when opened for everyone's counts)."""
        self.coders: list[str | None] = self._coders()
        self.consensus = self._consensus()
        """The consensus coders with a coding, ``n`` steps through them (``consensus``, or
        the name decided into: ``qcahp reconcile decide --consensus agreed``)."""
        self.views = [*BASE_VIEWS,
                      *(f"attribute:{n}" for n in attribute_names(store.participants(), store.attribute_names()))]
        self.view = "theme"
        self.choice = ALL
        """The interviews counted (``i``): every transcript until one is chosen."""
        self.shown: CountsTable | None = None
        """The table on screen (tests compare it with the core's numbers)."""
        # Short, so the interviews counted (the sub-title) fit beside it at 80 columns:
        # "Counts — board_distance = Board member: 2 of 7 transcripts".
        self.title = "Counts"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="counts-caption")
        # The theme (or label) column stays put while the figures scroll under it.
        yield CountsGrid(id="counts-table", zebra_stripes=True, cursor_type="row",
                         fixed_columns=1)
        # The highlighted row's theme: its whole path of names and its id.
        yield Label("", id="counts-theme")
        # The interviews chosen (i), whole, as the CLI's line under its table; the
        # title line has them too, but cut short on a narrow terminal.
        yield Label("", id="counts-selection")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.query_one("#counts-selection", Label).display = False
        self.reload()
        self.query_one(DataTable).focus()

    def _coders(self) -> list[str | None]:
        """Whose counts ``c`` steps through: everyone pooled, then each coder who coded
        (the consensus too, once there is one); only the working coder's while blind."""
        if self.blind:
            return [self.working]
        coders: list[str | None] = [None, *self.store.report_coded_coders()]
        if self.working is not None and self.working not in coders:
            coders.append(self.working)
        return coders

    def _consensus(self) -> list[str]:
        """The consensus coders among :attr:`coders`, by the store's one rule
        (:meth:`~qualcoder_ahp.model.store.Store.consensus_coders`), ``consensus`` first."""
        special = self.store.consensus_coders()
        return sorted((c for c in self.coders if c in special),
                      key=lambda c: (c != CONSENSUS, c))

    def reread(self) -> None:
        """Another connection committed: count again, same view and row (only the
        working coder's, if blind coding was turned on meanwhile). The coders are read
        again too: a coder's first coding, or the first consensus decision, made since
        the screen opened is then offered by ``c`` and ``n``."""
        if self.working is not None and not self.blind and is_blind(self.store):
            self.blind = True
            self.coder = self.working
        self.coders = self._coders()
        self.consensus = self._consensus()
        if self.coder not in self.coders:
            self.coder = self.working
        self.refresh_bindings()
        self.reload()

    def reload(self) -> None:
        """Recompute the current view in a worker."""
        self.query_one("#counts-caption", Label).update("Counting...")
        self._compute(self.view, self.coder, self.choice)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _compute(self, view: str, coder: str | None, choice: Choice) -> None:
        def count(store: Store) -> CountsTable:
            try:
                return counts_table(store, view, coder, choice)
            except UserError as error:
                if choice == ALL:
                    raise
                # The interviews chosen are gone (a transcript deleted, participants
                # loaded again): say so and count them all rather than show nothing.
                self.app.call_from_thread(self._choice_gone, choice, str(error))
                return counts_table(store, view, coder)

        if self.store.path is None:  # in-memory project: only one connection exists
            table = count(self.store)
        else:
            with open_store(self.store.path) as own:
                table = count(own)
        self.app.call_from_thread(self._show, table)

    def _choice_gone(self, choice: Choice, why: str) -> None:
        if self.choice == choice:
            self.choice = ALL
        self.notify(f"Counting all transcripts: {why}", severity="warning", markup=False)

    def _show(self, table: CountsTable) -> None:
        grid = self.query_one(DataTable)
        # A recount of the same view (another window committed) keeps the cursor row.
        same_view = self.shown is not None and self.shown.columns == table.columns
        row = grid.cursor_row if same_view else 0
        grid.clear(columns=True)
        grid.add_columns(*(HEADINGS.get(c, c) for c in table.columns))
        # Figures right-aligned, as in the CLI table; theme names and labels left.
        grid.add_rows([[Text(cell, justify="right") if _NUMERIC.match(cell) else cell
                        for cell in row] for row in table.rows])
        self.shown = table
        if table.rows:
            grid.move_cursor(row=min(row, len(table.rows) - 1))
        # Also when the cursor stays on its row (no RowHighlighted then).
        self._show_theme(grid.cursor_row if table.rows else None)
        self.refresh_bindings()  # Enter Passages: only on a theme's row
        # Text, not markup: the caption names coders, and a name may hold brackets.
        self.query_one("#counts-caption", Label).update(Text(table.caption))
        self.sub_title = table.scope  # the title line: the interviews counted
        chosen = self.query_one("#counts-selection", Label)
        chosen.update(Text(table.selection))
        chosen.display = bool(table.selection)
        self.call_after_refresh(self._caption_hint, table)

    def _caption_hint(self, table: CountsTable) -> None:
        """Say that more columns lie to the right when the table is wider than the screen."""
        grid = self.query_one(DataTable)
        if self.shown is table and grid.virtual_size.width > grid.scrollable_content_region.width:
            self.query_one("#counts-caption", Label).update(
                Text(f"{table.caption} · ← → more columns"))

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_theme(event.cursor_row)
        self.refresh_bindings()  # Enter Passages comes and goes with a theme's row

    def theme_under_cursor(self) -> str | None:
        """The highlighted row's theme (P and K start their pickers there)."""
        themes = self.shown.themes if self.shown is not None else []
        row = self.query_one(DataTable).cursor_row
        return themes[row][0] if 0 <= row < len(themes) else None

    def _show_theme(self, row: int | None) -> None:
        """Name the highlighted row's theme in full, with its id, under the table."""
        themes = self.shown.themes if self.shown is not None else []
        theme = themes[row] if row is not None and 0 <= row < len(themes) else None
        text = f"{theme[1]}  ·  id {theme[0]}" if theme else ""
        self.query_one("#counts-theme", Label).update(Text(text))

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.query_one("#counts-caption", Label).update("Counting failed.")
            self.notify(f"Counting failed: {event.worker.error}", severity="error")

    def action_next_view(self) -> None:
        """Show the next view."""
        self.view = self.views[(self.views.index(self.view) + 1) % len(self.views)]
        self.reload()

    def action_next_coder(self) -> None:
        """Show the next coder's counts (all coders, then each coder)."""
        if self.blind:
            self.notify(BLIND_NOTE, severity="warning", markup=False)
            return
        self.coder = self.coders[(self.coders.index(self.coder) + 1) % len(self.coders)]
        self.reload()

    def action_consensus(self) -> None:
        """Show the consensus coding's counts (pressed again: the next consensus coder's,
        when decisions went into more than one name)."""
        if self.blind:
            self.notify(BLIND_NOTE, severity="warning", markup=False)
            return
        if not self.consensus:
            self.notify("No consensus coding yet.", severity="warning")
            return
        at = self.consensus.index(self.coder) + 1 if self.coder in self.consensus else 0
        self.coder = self.consensus[at % len(self.consensus)]
        self.reload()

    def action_choose_interviews(self) -> None:
        """Choose the interviews counted: an attribute, then one of its values; one
        transcript; or all of them."""
        if not self.store.report_transcripts():
            self.notify("No transcripts yet: nothing to choose from.", severity="warning")
            return
        names = self.store.attribute_names()
        choices = [(f"a:{n}", f"{n} = ...") for n in names]
        choices += [(ONE_KEY, "One transcript ..."), (ALL_KEY, "All interviews")]
        if not names:
            # Said plainly, and the chooser still offers one transcript or all.
            self.notify("This project has no participant attributes: load them with "
                        "`qcahp participants import FILE.csv` to count by profession, "
                        "band and the like.", severity="warning", markup=False, timeout=8)
        title = "Count which interviews?" if names else (
            "Count which interviews? (no participant attributes yet)")
        self.app.push_screen(ChoiceModal(title, choices), self._chosen_kind)

    def _chosen_kind(self, key: str | None) -> None:
        if key is None:
            return
        if key == ALL_KEY:
            self._choose(ALL)
        elif key == ONE_KEY:
            names = transcript_names(self.store)
            self.app.push_screen(
                ChoiceModal("Count one transcript:",
                            [(f"t:{i}", name if n == 1 else f"{name} ({n} versions)")
                             for i, (name, n) in enumerate(names)]),
                lambda picked: self._choose(Choice(transcripts=(
                    names[int(picked[2:])][0],))) if picked else None)
        else:
            attribute = key[2:]
            values = attribute_values(self.store, attribute)
            self.app.push_screen(
                ChoiceModal(f"Count the interviews where {attribute} is:",
                            [(f"v:{i}", f"{v} ({n} transcript{'s' if n != 1 else ''})")
                             for i, (v, n) in enumerate(values)]),
                lambda picked: self._choose(Choice(where=(
                    f"{attribute}={values[int(picked[2:])][0]}",))) if picked else None)

    def _choose(self, choice: Choice) -> None:
        """Count the interviews chosen."""
        self.choice = choice
        self.reload()

    def footer_first(self) -> tuple[str, ...]:
        """At 80 columns Enter Passages and the view, coder and interviews keys whole,
        with n Consensus among them where there is a consensus coding (q Quit then
        comes after them: a wider terminal, the help and the palette show it); without
        one, q Quit before the greyed n Consensus."""
        keys = ("open_passages", "next_view", "next_coder")
        if self.check_action("consensus", ()):
            return (*keys, "consensus", "choose_interviews", "back", "quit")
        return (*keys, "choose_interviews", "back", "quit", "consensus")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Passages need a theme's row (not the transcript, participant or coder views,
        nor a total); grey out Consensus when the project has no consensus coding, and
        Coder and Consensus while blind coding is on."""
        if action == "open_passages":
            return self.working is not None and self.theme_under_cursor() is not None
        if action in ("next_coder", "consensus") and self.blind:
            return None
        if action == "consensus" and not self.consensus:
            return None
        return True

    def action_back(self) -> None:
        """Return to the previous screen."""
        self.dismiss()

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        """A click on the highlighted row opens its passages, as Enter does."""
        self.action_open_passages()

    def action_open_passages(self) -> None:
        """Open the highlighted theme's passages, showing the coder counted here first
        (everyone's when pooled); Escape comes back to the counts."""
        from qualcoder_ahp.tui.screens.passages import PassagesScreen

        theme_id = self.theme_under_cursor()
        if theme_id is None or self.working is None:
            return  # a row that is no theme's (or nobody to code as, from the passages)
        self.app.push_screen(PassagesScreen(self.store, self.working, theme_id, self.coder))
