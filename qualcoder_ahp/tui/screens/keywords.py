"""The key words screen: the words a theme's coded passages use more than the rest.

Opened with ``w`` on the codebook screen, for the highlighted theme (and the themes below
it) and the working coder: the same rows as ``qcahp words --theme ID --coder NAME``, from
:mod:`qualcoder_ahp.reports.words` with its defaults (participants' turns, over-represented
words seen at least 3 times in the coded text with p ≤ 0.05, the 30 strongest). Each row:
the word (a lemma), its count in the coded text and elsewhere, Dunning's G² and the theme's
patterns that already use it, or "no": a candidate for a new pattern. The line under the
table gives the highlighted word's every pattern and form.

Only the working coder's codings are read, never another coder's, so the screen is the
same with blind coding on or off. As ``qcahp words``, each transcript is read in its
latest version; the caption says how many of the coder's passages lie on older ones.
Counting runs in a thread worker on its own database connection (a transcript the
suggestions have not cached yet is tokenised), with the progress in the caption and a
loading indicator over the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label
from textual.worker import Worker, WorkerState

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import plural
from qualcoder_ahp.reports.data import merged_target
from qualcoder_ahp.reports.search import older_versions
from qualcoder_ahp.reports.words import (
    KeynessReport,
    KeyRow,
    PatternWords,
    Progress,
    coded_spans,
    cut,
    keyness,
    lemmatiser,
    patterns_label,
    tally,
)
from qualcoder_ahp.tui.screens.list_screen import ListScreen, TableKeys, at, list_layout
from qualcoder_ahp.tui.widgets.list_keys import list_bindings

COLUMNS = ("word", "coded", "elsewhere", "G²", "in patterns", "forms")
WIDTHS = {"word": 12, "coded": 5, "elsewhere": 9, "G²": 6, "in patterns": 19}
"""Columns of fixed width; forms gets what is left of the terminal (at least 12)."""
LEGEND = ("G²: log-likelihood, + more frequent in your coded text (3.84 p<0.05, 10.83 "
          "p<0.001); in patterns \"no\": no pattern of the theme uses the word.")


@dataclass(frozen=True)
class ThemeKeywords:
    """What the worker found for one theme and one coder."""

    theme_id: str
    theme_name: str
    coder: str
    report: KeynessReport | None
    """``None``: the coder has not coded the theme (or a theme below it)."""
    running: int = 0
    """Running words of the participants' speech counted."""
    transcripts: int = 0
    gone: bool = False
    """The theme is no longer in the codebook (merged or undone away)."""
    merged_into: str = ""
    """The name of the theme it was merged into (its codings are there now), if it was."""
    older: int = 0
    """Passages of the coder's on older versions of a transcript, not counted: each
    transcript is read in its latest version, as ``qcahp words`` reads it."""


def theme_keywords(store: Store, theme_id: str, coder: str,
                   progress: Progress | None = None) -> ThemeKeywords:
    """The key words of ``coder``'s codings of a theme, as ``qcahp words --theme ID
    --coder NAME`` lists them (no Textual).

    Args:
        store: the project.
        theme_id: the theme; the themes below it are included.
        coder: whose codings (only theirs: never pooled with other coders').
        progress: ``progress(done, total, transcript_name)`` after each transcript.
    """
    try:
        name = store.theme(theme_id).name
    except UserError:  # its making undone: no longer stored at all
        name = theme_id
    active = {t.id: t.name for t in store.themes()}
    if theme_id not in active:
        target = merged_target(theme_id, store.merged_into())
        return ThemeKeywords(theme_id, name, coder, None, gone=True,
                             merged_into=active.get(target or "", ""))
    subtree, spans = coded_spans(store, theme_id, coder)
    if not spans:
        return ThemeKeywords(theme_id, name, coder, None)
    counted = tally(store, coded=spans, progress=progress)
    patterns = [p for p in store.patterns() if p.theme_id in subtree]
    passages = sum(len(spans.get(tid, [])) for tid in counted.transcript_ids)
    report = keyness(counted, PatternWords(patterns, lemmatiser(store)), theme_id=theme_id,
                     coder=coder, passages=passages)
    older = sum(len(spans[tid]) for tid, _ in
                older_versions(store, spans, counted.transcript_ids))
    return ThemeKeywords(theme_id, name, coder, report, counted.running,
                         counted.transcripts, older=older)


def caption(found: ThemeKeywords) -> str:
    """The line above the table: what was compared, and how many key words it gave."""
    name = found.theme_name
    if found.gone and found.merged_into:
        return (f"{name} was merged into {found.merged_into}, which holds its codings now: "
                "Escape, then w on that theme.")
    if found.gone:
        return f"{name} is no longer in the codebook (merged into another theme or undone)."
    report = found.report
    if report is None:
        return (f"You have not coded {name} (or a theme below it) yet: there are no "
                "passages of yours to find key words in.")
    older = (f" ({plural(found.older, 'passage')} of yours on older versions of a "
             "transcript not counted: each transcript is read in its latest version)"
             if found.older else "")
    if not report.coded_words and found.older and not report.passages:
        return (f"Your codings of {name} are on older versions of transcripts: the key "
                "words are counted in each transcript's latest version.")
    if not report.coded_words:
        return (f"None of your codings of {name} is in a participant's turn: the key words "
                "are counted in the participants' speech only.")
    head = (f"{name}: your {report.coded_words:,} coded words in "
            f"{plural(report.passages, 'passage')}{older} vs {report.other_words:,} other "
            f"participant words; ")
    if not report.rows:
        return head + ("no key words (none seen 3 times in your coded text and "
                       "over-represented with p ≤ 0.05).")
    return head + (f"{plural(len(report.rows), 'key word')}, {report.candidates:,} used by "
                   "no pattern.")


def patterns_cell(row: KeyRow, width: int) -> str:
    """``it_improvement +2`` (the first pattern and how many more), or ``no``."""
    return patterns_label(row.patterns, width) or "no"


def search_terms(row: KeyRow) -> str:
    """A regular expression for a key word in each of its forms: ``post|posts``."""
    return "|".join(re.escape(w) for w in dict.fromkeys((*row.forms, row.word)))


class KeywordTable(DataTable[str | Text]):
    """The key words; Enter (the table's own key) is named in the footer: it searches."""

    BINDINGS = [Binding("enter", "select_cursor", "Search",
                        tooltip="Search every transcript for the highlighted word"),
                # DataTable's Home and End scroll sideways; here they go to a word.
                Binding("home", "scroll_top", "First", show=False),
                Binding("end", "scroll_bottom", "Last", show=False)]


class KeywordsScreen(TableKeys, ListScreen, Screen[None]):
    """A theme's key words for the working coder, in a table (counted again on another
    connection's commit, or when shown again after one; Enter searches for a word)."""

    BINDINGS = [
        Binding("enter", "search", "Search",
                tooltip="The highlighted word (each form listed) in the participants' "
                        "turns of every transcript, in context: read, open or code the hits "
                        "(Escape comes back here)"),
        # Opened by K from any screen, not only by the codebook's w: Escape goes back to
        # that screen, and k is the codebook's key (back to it only when it is below).
        Binding("escape", "back", "Back", tooltip="Back to the screen you came from (the "
                "codebook, after its w)"),
        Binding("k", "back_to_codebook", "Codebook", show=False,
                tooltip="Back to the codebook below"),
        *list_bindings("word"),  # the table's own keys; here for the help and the palette
    ]

    DEFAULT_CSS = """
    KeywordsScreen #keywords-head { padding: 0 1; width: 100%; height: auto; }
    KeywordsScreen #keywords-table { height: 1fr; }
    KeywordsScreen #keywords-where { padding: 0 1; height: 1; background: $boost; }
    """

    def __init__(self, store: Store, coder: str, theme_id: str,
                 back: str = "the codebook") -> None:
        """Show the key words of ``coder``'s codings of ``theme_id``; ``back``: the screen
        Escape returns to, in words (``K`` opens it from any screen)."""
        super().__init__()
        self.store = store
        self.coder = coder
        self.theme_id = theme_id
        self.back = back
        self.shown: ThemeKeywords | None = None
        """What the table shows (tests compare it with the core)."""
        try:
            self.title = f"Key words: {store.theme(theme_id).name}"
        except UserError:
            self.title = "Key words"

    def compose(self) -> ComposeResult:
        table = KeywordTable(id="keywords-table", cursor_type="row", zebra_stripes=True)
        yield from list_layout("keywords", table)

    def on_mount(self) -> None:
        self.first_read(self.query_one(DataTable))

    # ------------------------------------------------------------------ counting
    def reload(self) -> None:
        """Find the key words again, in a worker."""
        request = self.next_request()
        self.query_one(DataTable).loading = True
        self._head(Text("Counting words…", style="italic"))
        self._count(request)

    @work(thread=True, exclusive=True, group="keywords", exit_on_error=False,
          description="Finding the key words")
    def _count(self, request: int) -> None:
        def progress(done: int, total: int, name: str) -> None:
            self.app.call_from_thread(self._progress, request, done, total, name)

        found = self.on_own_connection(theme_keywords, self.theme_id, self.coder, progress)
        self.app.call_from_thread(self._show, request, found)

    def _progress(self, request: int, done: int, total: int, name: str) -> None:
        if self.is_current(request):
            self._head(Text(f"Counting words… {done}/{total} transcripts ({name})",
                            style="italic"))

    def _show(self, request: int, found: ThemeKeywords) -> None:
        """Fill the table (a count asked for before the last one is dropped), keeping
        the highlighted word when it is still listed."""
        if not self.is_current(request):
            return
        table: DataTable[str | Text] = self.query_one(DataTable)
        keep = self.selected()
        self.shown = found
        self.title = f"Key words: {found.theme_name}"  # renamed in another window, say
        table.loading = False
        rows = found.report.rows if found.report is not None else []
        self._head(Text(caption(found)), legend=bool(rows))
        self._fill(table)
        table.display = bool(rows)
        if rows:  # a hidden table (no key words before) lost the focus
            table.focus()
        words = [r.word for r in rows]
        if keep is not None and keep.word in words:
            table.move_cursor(row=words.index(keep.word))
        self._show_where()
        self.refresh_bindings()

    def _fill(self, table: DataTable[str | Text]) -> None:
        """(Re)build the table's columns and rows to fit the terminal's width."""
        found = self.shown
        rows = found.report.rows if found is not None and found.report is not None else []
        row = table.cursor_row
        table.clear(columns=True)
        # Each column has a cell of padding either side; 2 more for the scrollbar.
        room = (self.size.width or self.app.size.width) - 2 * len(COLUMNS) - 2
        forms = max(12, room - sum(WIDTHS.values()))
        for name in COLUMNS:
            table.add_column(name, width=WIDTHS.get(name, forms), key=name)
        for r in rows:
            table.add_row(
                cut(r.word, WIDTHS["word"]), Text(str(r.coded), justify="right"),
                Text(str(r.elsewhere), justify="right"), Text(f"{r.g2:.2f}", justify="right"),
                patterns_cell(r, WIDTHS["in patterns"]), cut(", ".join(r.forms), forms),
                key=r.word)
        if rows:
            table.move_cursor(row=min(max(row, 0), len(rows) - 1))

    def on_resize(self) -> None:
        """Wider or narrower: the forms column takes the width there is."""
        if self.shown is not None:
            self._fill(self.query_one(DataTable))

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "keywords" and event.state == WorkerState.ERROR:
            self.query_one(DataTable).loading = False
            self._head(Text("Finding the key words failed.", style="bold"))

    # ------------------------------------------------------------------ position
    def theme_under_cursor(self) -> str | None:
        """The theme whose key words are shown (P starts its picker there)."""
        return self.theme_id

    def selected(self) -> KeyRow | None:
        """The highlighted row, if any."""
        found = self.shown
        if found is None or found.report is None or not found.report.rows:
            return None
        return at(found.report.rows, self.query_one(DataTable).cursor_row)

    def _show_where(self) -> None:
        """The line under the table: the highlighted word's every pattern and form."""
        row = self.selected()
        found = self.shown
        if row is None:
            self._where(Text("" if found is None else f"Escape: back to {self.back}."))
            return
        used = ", ".join(row.patterns) if row.patterns else "no pattern (a candidate)"
        self._where(Text(f"{row.word}: {used} · forms {', '.join(row.forms)}"))

    def _head(self, text: Text, legend: bool = False) -> None:
        """The caption above the table (with the columns' legend when it lists words)."""
        if legend:
            text.append("\n" + LEGEND, style="dim")
        self.query_one("#keywords-head", Label).update(text)

    def _where(self, text: Text) -> None:
        width = self.size.width or self.app.size.width
        text.truncate(max(1, width - 2), overflow="ellipsis")
        self.query_one("#keywords-where", Label).update(text)

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Search needs a highlighted word."""
        if action == "search":
            return self.selected() is not None
        if action == "back_to_codebook":  # else k is the app's: it opens the codebook
            return self._from_codebook()
        return True

    def _from_codebook(self) -> bool:
        """Whether the screen below is the codebook (this was opened with its w)."""
        from qualcoder_ahp.tui.screens.codebook import CodebookScreen

        stack = self.app.screen_stack
        return self in stack[1:] and isinstance(stack[stack.index(self) - 1], CodebookScreen)

    def open_highlighted(self) -> None:
        """Enter on the table (its own key) or a click on a word: search for it."""
        self.action_search()

    def action_search(self) -> None:
        """Search every transcript's participant turns for the highlighted word, as whole
        words in any of its forms (the search screen, its box holding ``post|posts``)."""
        from qualcoder_ahp.tui.screens.search import SearchScreen

        row = self.selected()
        if row is None:
            return
        screen = SearchScreen(self.store, self.coder, search_terms(row))
        screen.regex, screen.word, screen.role = True, True, "participant"
        self.app.push_screen(screen)

    def action_back(self) -> None:
        """Back to the screen it was opened from (the codebook, after its w)."""
        self.dismiss()

    def action_back_to_codebook(self) -> None:
        """k, opened from the codebook: back to it (not a second codebook on top)."""
        if self._from_codebook():
            self.dismiss()
