"""The patterns screen: each pattern's record, to judge and prune the codebook's patterns.

Opened with ``y`` on the codebook screen for the highlighted theme and the themes below
it (``y`` elsewhere: the whole codebook). One row per pattern, the figures of ``qcahp
patterns`` (:meth:`~qualcoder_ahp.model.suggestion_store.SuggestionMixin.pattern_stats`):
suggestions made (open ones), accepted (adjusted counts as accepted), rejected, still open
(no decision), and precision = accepted / (accepted + rejected), "—" while undecided.
``s`` sorts as ``--sort`` does (pattern, rejected, precision, suggestions); ``c`` counts
every coder's decisions or only the working coder's. With blind coding on (``qcahp blind
on``) only the working coder's are counted, as on the codebook screen, and ``c`` does
nothing. An exclusion pattern makes no suggestions (a segment it matches gets none of its
theme): in place of figures its row says what it rules out now, ``rules out 5 (2
accepted)``, as ``qcahp patterns``' note under its table does
(:func:`~qualcoder_ahp.suggest.runner.add_exclusion_record`); bold when it rules out a
suggestion a coder accepted (too wide). The five figures share one column, so that an
exclusion's words fit the width they take at 80 columns.
Decided suggestions a pattern found once and no longer finds (after a new codebook
version) are not in its figures: a line under the legend counts them, the line under the
table gives the highlighted pattern's, and its list shows them last.

Enter on a pattern lists its open suggestions
(:mod:`~qualcoder_ahp.tui.screens.pattern_suggestions`): the sentence with the matched
words, the transcript and speaker, and the decision as the coding screen marks it
(○ ✓ ✗); Enter there opens the coding screen at the suggestion, and ``y`` there comes
back to the list. Both screens count in a thread worker on their
own database connection, with a loading indicator, and count again when shown again.
``v`` on either shows the whole pattern (:mod:`~qualcoder_ahp.tui.screens.pattern_view`):
the line under the table and the list's header end "(v shows it whole)" when they cut it short.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label
from textual.worker import Worker, WorkerState

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.model.suggestion_store import PATTERN_ORDERS
from qualcoder_ahp.records import Pattern, plural
from qualcoder_ahp.reports.codebook import subtree_depths
from qualcoder_ahp.tui.follow import BLIND_NOTE, is_blind
from qualcoder_ahp.tui.screens.list_screen import ListScreen, TableKeys, at, list_layout
from qualcoder_ahp.tui.screens.pattern_view import PatternViewModal
from qualcoder_ahp.tui.widgets.list_keys import list_bindings

COLUMNS = ("id", "kind", "pattern", "record")
FIGURES = {"made": "suggestions", "acc": "accepted", "rej": "rejected", "open": "open"}
"""The figures of a pattern's record, each under its heading, and the :meth:`pattern_stats`
key each shows; precision (``prec``) comes last."""
FIGURE_WIDTH = 4
"""Each figure's width in the record column, two spaces apart."""
RECORD_WIDTH = 5 * FIGURE_WIDTH + 4 * 2
"""The record column: the five figures, or what an exclusion rules out, in words."""
WIDTHS = {"kind": 6, "record": RECORD_WIDTH}
"""Columns of fixed width; the id takes up to :data:`ID_WIDTH`, the pattern the rest."""
ID_WIDTH = 20
KINDS = {"dependency": "dep"}
"""Kinds shortened to fit their column."""
SORTS = {"pattern": "by id", "rejected": "most rejected first",
         "precision": "least precise first", "suggestions": "most suggestions first"}
"""What ``s`` steps through (the keys of ``qcahp patterns --sort``), in words."""
LEGEND = "made: suggestions · acc/rej: decisions · open: undecided · prec: acc/(acc+rej)"
"""The columns' legend (one line at 80 columns)."""
RECORD_HEADING = "  ".join(h.rjust(FIGURE_WIDTH) for h in (*FIGURES, "prec"))
"""The record column's heading: each figure's name over it."""


def exclusion_words(r: dict[str, Any], width: int = RECORD_WIDTH) -> str:
    """What an exclusion pattern's row says in place of figures (it makes no
    suggestions), as ``qcahp patterns``' note under its table says it: ``rules out 5 (2
    accepted)``, ``rules out 3 (1 accepted, 2 rejected)``, ``rules out nothing``; where
    that does not fit ``width``, ``rules out 123: 45 acc, 6 rej``. A removed exclusion,
    or one of a retired theme, rules out nothing now: ``not in use``."""
    if "ruled_out" not in r:
        return "exclusion, not in use"
    if not r["ruled_out"]:
        return "rules out nothing"
    for accepted, rejected, form in (("accepted", "rejected", " ({})"),
                                     ("acc", "rej", ": {}")):
        how = ", ".join(f"{r[f'ruled_out_{key}']} {word}" for key, word in
                        (("accepted", accepted), ("rejected", rejected))
                        if r[f"ruled_out_{key}"])
        words = f"rules out {r['ruled_out']}" + (form.format(how) if how else "")
        if len(words) <= width:
            break
    return words


def exclusion_cell(r: dict[str, Any]) -> Text:
    """An exclusion's record cell (:func:`exclusion_words`), bold when it rules out
    suggestions a coder accepted (too wide, as ``qcahp patterns`` warns)."""
    style = "bold" if r.get("ruled_out_accepted") else "italic"
    return Text(_cut(exclusion_words(r), RECORD_WIDTH), style=style)


# ---------------------------------------------------------------------- the data (no Textual)
def pattern_gist(pattern: Pattern) -> str:
    """A short readable form of a pattern: the phrase in quotes, a regex as words
    (:func:`regex_gist`), a token pattern as its words (``a|b`` either, ``x~`` any form
    of x, ``(x)?`` optional, ``*`` any token)."""
    body = pattern.body
    if pattern.kind == "phrase":
        return f"\u201c{body}\u201d"
    if pattern.kind == "regex":
        return regex_gist(str(body))
    if pattern.kind == "token" and isinstance(body, list):
        return " ".join(_token_gist(spec) for spec in body)
    if pattern.kind == "dependency" and isinstance(body, list):
        return f"dependency pattern of {plural(len(body), 'node')}"
    return json.dumps(body, ensure_ascii=False)


_LOOKAROUND = re.compile(r"\(\?<?[!=](?:[^()\\]|\\.|\([^()]*\))*\)")
_REGEX_WORDS = ((re.compile(r"\\b|\^|\$"), ""), (re.compile(r"\(\?:"), "("),
                (re.compile(r"\\s[+*]?\??"), " "), (re.compile(r"\[[^\]]*['’][^\]]*\]"), "'"),
                (re.compile(r" {2,}"), " "))
"""What :func:`regex_gist` leaves out or says more simply, in order."""


def regex_gist(regex: str) -> str:
    """A regular expression as words: without lookarounds, word boundaries and anchors,
    ``(?:`` as ``(``, ``\\s+`` as a space and an apostrophe class as ``'``
    (``\\b(?:by|pure)\\s+chance\\b`` reads ``(by|pure) chance``)."""
    text = _LOOKAROUND.sub("", regex)
    for pattern, replacement in _REGEX_WORDS:
        text = pattern.sub(replacement, text)
    return text.strip() or regex


def _token_gist(spec: Any) -> str:
    if not isinstance(spec, dict):
        return str(spec)
    parts = []
    for key, value in spec.items():
        if key == "OP":
            continue
        if isinstance(value, dict):
            if "IN" in value:
                word = "|".join(str(v) for v in value["IN"])
            elif "NOT_IN" in value:
                word = "!" + "|".join(str(v) for v in value["NOT_IN"])
            elif "REGEX" in value:
                word = f"/{value['REGEX']}/"
            else:
                word = json.dumps(value, ensure_ascii=False)
        elif value is True and key.startswith(("IS_", "LIKE_")):
            word = key.lower()
        else:
            word = str(value)
        parts.append(word + "~" if key == "LEMMA" else word)
    word = "&".join(parts) or "*"
    op = spec.get("OP")
    if op == "?":
        return f"({word})?"
    if op in ("*", "+"):
        return f"({word}){op}"
    if op == "!":
        return f"!({word})"
    return word


@dataclass(frozen=True)
class PatternRecord:
    """What the worker counted for a theme (or the whole codebook) and a coder choice."""

    theme_id: str | None
    """The theme whose subtree is shown; ``None``: the whole codebook."""
    theme_name: str
    subtree: int
    """How many themes the selection covers."""
    coder: str | None
    """Whose decisions are counted; ``None``: every coder's."""
    rows: list[dict[str, Any]]
    """:meth:`pattern_stats` rows of the selection's patterns, in its order."""
    gists: dict[str, str]
    """Each pattern's short readable form (:func:`pattern_gist`)."""
    theme_paths: dict[str, str]
    gone: bool = False
    """The theme is no longer in the codebook (merged or undone away)."""


def pattern_record(store: Store, theme_id: str | None, coder: str | None) -> PatternRecord:
    """The patterns of ``theme_id`` and the themes below it, with their figures (no Textual).

    Args:
        store: the project.
        theme_id: the theme; ``None`` for every pattern of the codebook.
        coder: count only this coder's decisions; ``None`` counts every coder's.
    """
    themes = store.themes(include_inactive=True)
    active = {t.id for t in store.themes()}
    names = {t.id: t.name for t in themes}
    if theme_id is None:
        name, subtree, wanted = "the whole codebook", len(active), None
    else:
        name = names.get(theme_id, theme_id)
        if theme_id not in active:
            return PatternRecord(theme_id, name, 0, coder, [], {}, {}, gone=True)
        wanted = set(subtree_depths([t for t in themes if t.id in active], [theme_id]))
        subtree = len(wanted)
    rows = [r for r in store.pattern_stats(coder=coder) if wanted is None or r["theme"] in wanted]
    from qualcoder_ahp.suggest.runner import add_exclusion_record  # spaCy only if needed

    add_exclusion_record(store, rows, coder)  # what each exclusion rules out, as the CLI
    ids = {r["pattern"] for r in rows}
    gists = {p.id: pattern_gist(p) for p in store.patterns(include_inactive=True) if p.id in ids}
    paths = {t: store.theme_path(t) if t in names else t for t in {r["theme"] for r in rows}}
    return PatternRecord(theme_id, name, subtree, coder, rows, gists, paths)


def headline(record: PatternRecord, order: str, blind: bool) -> str:
    """The line above the table: what is counted, whose decisions, the order."""
    name = record.theme_name
    if record.gone:
        return (f"{name} is no longer in the codebook (merged into another theme or undone): "
                "Escape, then y on the theme that holds its codings now.")
    if record.theme_id is not None and record.subtree > 1:
        name += f" and the {plural(record.subtree - 1, 'theme')} below it"
    name = name[0].upper() + name[1:]
    if not record.rows:
        return f"{name}: no patterns (coded by hand, never suggested)."
    excluding = sum(r["exclude"] for r in record.rows)
    whose = ("your decisions (blind coding is on)" if blind else "your decisions"
             if record.coder is not None else "all coders' decisions")
    patterns = plural(len(record.rows), "pattern")
    if excluding:
        patterns += f" ({excluding} exclusion)"
    return f"{name}: {patterns}; {whose}; {SORTS[order]}."


def no_longer_found(rows: list[dict[str, Any]]) -> str:
    """The line under the legend when some suggestions of these patterns are kept open
    only for their decisions, no pattern finding them any more (not in the figures), or
    "": ``Not counted: 3 decided suggestions these patterns no longer find (1 accepted, 2
    rejected)`` (a suggestion counts for each pattern that last found it, as in the
    figures; the line under the table gives the highlighted pattern's)."""
    gone = [r["no_longer_found"] for r in rows if r["no_longer_found"]["suggestions"]]
    if not gone:
        return ""
    total = sum(g["suggestions"] for g in gone)
    how = ", ".join(f"{n} {key}" for key in ("accepted", "rejected", "open")
                    if (n := sum(g[key] for g in gone)))
    ruled = sum(r.get("no_longer_found_ruled_out", 0) for r in rows)
    if ruled:  # they still find these: an exclusion rules them out (as `qcahp patterns`)
        how += (f"; {'all' if ruled == total else ruled} ruled out by an exclusion, "
                "which they still find")
    return (f"Not counted: {plural(total, 'decided suggestion')} these patterns no longer "
            f"find ({how})")


# ---------------------------------------------------------------------- the patterns table
class CoderChoice:
    """Mix into the patterns screens: ``c`` counts every coder's decisions or only the
    working coder's (``whose``), only theirs while blind coding is on."""

    store: Store
    coder: str
    whose: str | None

    def counted_coder(self) -> str | None:
        """Whose decisions are counted: the working coder's while blind coding is on."""
        return self.coder if is_blind(self.store) else self.whose

    def action_coders(self) -> None:
        """Count every coder's decisions, or only the working coder's."""
        if is_blind(self.store):
            self.notify(BLIND_NOTE, severity="warning", markup=False)  # type: ignore[attr-defined]
            return
        self.whose = self.coder if self.whose is None else None
        self.reload()  # type: ignore[attr-defined]


class PatternTable(DataTable[str | Text]):
    """The patterns; Enter (the table's own key) lists the highlighted one's suggestions."""

    BINDINGS = [Binding("enter", "select_cursor", "Suggestions",
                        tooltip="List the highlighted pattern's suggestions"),
                Binding("home", "scroll_top", "First", show=False),
                Binding("end", "scroll_bottom", "Last", show=False)]


class PatternsScreen(CoderChoice, TableKeys, ListScreen, Screen[None]):
    """Each pattern of a theme (and those below it) with its record, in a table (counted
    again when back from a pattern's suggestions, or after another connection's commit)."""

    BINDINGS = [
        Binding("enter", "open", "Suggestions",
                tooltip="List the highlighted pattern's suggestions, each with its "
                        "decision; Enter there opens the coding screen at one (an exclusion "
                        "makes none: its row says what it rules out)"),
        Binding("s", "sort", "Sort",
                tooltip="Order the patterns by id, most rejected, least precise (undecided "
                        "last) or most suggestions first"),
        Binding("c", "coders", "Coders",
                tooltip="Count every coder's decisions, or only yours (with blind coding "
                        "on: only yours)"),
        Binding("v", "view", "Whole pattern", show=False,  # "(v shows it whole)" below
                tooltip="The highlighted pattern in full, as written, in a scrollable dialog"),
        Binding("escape", "back", "Back", tooltip="Back to the previous screen"),
        *list_bindings("pattern"),
    ]

    DEFAULT_CSS = """
    PatternsScreen #patterns-head { padding: 0 1; width: 100%; height: auto; }
    PatternsScreen #patterns-table { height: 1fr; }
    PatternsScreen #patterns-where { padding: 0 1; height: 1; background: $boost; }
    """

    def __init__(self, store: Store, coder: str, theme_id: str | None) -> None:
        """Show the patterns of ``theme_id`` (``None``: every pattern) to ``coder``."""
        super().__init__()
        self.store = store
        self.coder = coder
        self.theme_id = theme_id
        self.order = "pattern"
        self.whose: str | None = None
        """Whose decisions to count when blind coding is off (``None``: every coder's)."""
        self.shown: PatternRecord | None = None
        """What the table shows (tests compare it with the core)."""
        self._listed: list[dict[str, Any]] = []
        self._name_title()

    def _name_title(self) -> None:
        if self.theme_id is None:
            self.title = "Patterns: whole codebook"
            return
        try:
            self.title = f"Patterns: {self.store.theme(self.theme_id).name}"
        except UserError:
            self.title = "Patterns"

    def compose(self) -> ComposeResult:
        table = PatternTable(id="patterns-table", cursor_type="row", zebra_stripes=True)
        yield from list_layout("patterns", table)

    def on_mount(self) -> None:
        self.first_read(self.query_one(DataTable))

    # ------------------------------------------------------------------ counting
    def reload(self) -> None:
        """Count again in a worker, with the loading indicator over the table."""
        request = self.next_request()
        self.query_one(DataTable).loading = True
        self._count(request, self.counted_coder())

    @work(thread=True, exclusive=True, group="patterns", exit_on_error=False,
          description="Counting the patterns' decisions")
    def _count(self, request: int, coder: str | None) -> None:
        found = self.on_own_connection(pattern_record, self.theme_id, coder)
        self.app.call_from_thread(self._show, request, found)

    def _show(self, request: int, found: PatternRecord) -> None:
        """Fill the table (a count asked for before the last one is dropped), keeping the
        highlighted pattern."""
        if not self.is_current(request):
            return
        keep = self.selected()
        self.shown = found
        self._name_title()
        table = self.query_one(DataTable)
        table.loading = False
        self._fill(table, keep["pattern"] if keep else None)
        table.display = bool(found.rows)
        if found.rows:
            table.focus()
        self._show_head()
        self._show_where()
        self.refresh_bindings()

    def _show_head(self) -> None:
        found = self.shown
        if found is None:
            return
        text = Text(headline(found, self.order, is_blind(self.store)))
        if found.rows:
            text.append("\n" + LEGEND, style="dim")
            gone = no_longer_found(found.rows)
            if gone:
                text.append("\n" + gone, style="dim")
        self.query_one("#patterns-head", Label).update(text)

    def _fill(self, table: DataTable[str | Text], keep: str | None = None) -> None:
        """(Re)build the columns and rows, sorted, to fit the terminal's width."""
        found = self.shown
        rows = sorted(found.rows, key=PATTERN_ORDERS[self.order]) if found else []
        self._listed = rows
        row = table.cursor_row
        table.clear(columns=True)
        # Each column has a cell of padding either side; 2 more for the scrollbar.
        room = (self.size.width or self.app.size.width) - 2 * len(COLUMNS) - 2
        ids = max([2, *(len(r["pattern"]) for r in rows)])
        id_w = min(ids, ID_WIDTH, max(8, (room - sum(WIDTHS.values())) // 2))
        gist_w = max(10, room - sum(WIDTHS.values()) - id_w)
        for name in COLUMNS:
            width = {"id": id_w, "pattern": gist_w}.get(name, WIDTHS.get(name, 4))
            label = RECORD_HEADING if name == "record" else name
            table.add_column(label, width=width, key=name)
        for r in rows:
            table.add_row(*self._cells(r, id_w, gist_w), key=r["pattern"])
        if rows:
            at = [r["pattern"] for r in rows].index(keep) if keep in {
                r["pattern"] for r in rows} else min(max(row, 0), len(rows) - 1)
            table.move_cursor(row=at)

    def _cells(self, r: dict[str, Any], id_w: int, gist_w: int) -> list[str | Text]:
        found = self.shown
        assert found is not None
        gist = found.gists.get(r["pattern"], "")
        if r["exclude"]:
            gist, style = "exclusion: " + gist, "italic"
        elif not r["active"]:
            gist, style = "removed: " + gist, "dim"
        elif r["theme_retired"]:  # it suggests nothing while its theme is retired
            gist, style = "theme retired: " + gist, "dim"
        else:
            style = ""
        # Text, never str: a str cell is parsed as markup (an id with "[" would vanish),
        # and parsing 800 rows' ids took a third of the time filling the table.
        cells: list[str | Text] = [Text(_cut(r["pattern"], id_w)),
                                   Text(KINDS.get(r["kind"], r["kind"])),
                                   Text(_cut(gist, gist_w), style=style)]
        if r["exclude"]:  # it makes no suggestions: what it rules out, in words
            return [*cells, exclusion_cell(r)]
        prec = "\u2014" if r["precision"] is None else f"{r['precision']:.0%}"
        figures = [str(r[key]) for key in FIGURES.values()] + [prec]
        return [*cells, Text("  ".join(f.rjust(FIGURE_WIDTH) for f in figures))]

    def on_resize(self) -> None:
        """Wider or narrower: the pattern column takes the width there is."""
        if self.shown is not None:
            keep = self.selected()
            self._fill(self.query_one(DataTable), keep["pattern"] if keep else None)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "patterns" and event.state == WorkerState.ERROR:
            self.query_one(DataTable).loading = False
            self.query_one("#patterns-head", Label).update(
                Text("Counting the patterns failed.", style="bold"))

    # ------------------------------------------------------------------ position
    def theme_under_cursor(self) -> str | None:
        """The highlighted pattern's theme, else the theme listed (P and K start their
        pickers there)."""
        row = self.selected()
        theme: str | None = row["theme"] if row is not None else self.theme_id
        return theme

    def selected(self) -> dict[str, Any] | None:
        """The highlighted pattern's row, if any."""
        if not self._listed:
            return None
        return at(self._listed, self.query_one(DataTable).cursor_row)

    def _show_where(self) -> None:
        """The line under the table: the highlighted pattern's theme and whole form."""
        r = self.selected()
        found = self.shown
        label = self.query_one("#patterns-where", Label)
        if r is None or found is None:
            label.update(Text("" if found is None else "Escape: back."))
            return
        kind = ("exclusion " if r["exclude"] else "") + r["kind"]
        removed = (" (removed from the codebook)" if not r["active"] else
                   " (theme retired: it suggests nothing)" if r["theme_retired"] else "")
        gone = r["no_longer_found"]["suggestions"]
        # First, where a long theme path or pattern cannot push it out of the line.
        ruled = r.get("no_longer_found_ruled_out", 0)
        lost = (f" ({gone} decided, no longer found"
                f"{f'; {ruled} ruled out by an exclusion' if ruled else ''})" if gone else "")
        if "ruled_out" in r:
            decided = ", ".join(f"{r[f'ruled_out_{k}']} {k}" for k in ("accepted", "rejected")
                                if r[f"ruled_out_{k}"])
            lost = f" (rules out {r['ruled_out']}{f': {decided}' if decided else ''})"
        text = Text(f"{r['pattern']}{lost}: {kind} of {found.theme_paths.get(r['theme'], '')}"
                    f"{removed} \u00b7 {found.gists.get(r['pattern'], '')}")
        label.update(cut_with_hint(text, self.size.width or self.app.size.width))

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Suggestions and Whole pattern need a pattern; Coders is greyed out with blind
        coding on."""
        if action in ("open", "view"):
            return self.selected() is not None
        if action == "coders" and is_blind(self.store):
            return None
        return True

    def action_open(self) -> None:
        """List the highlighted pattern's open suggestions."""
        from qualcoder_ahp.tui.screens.pattern_suggestions import PatternSuggestionsScreen

        r = self.selected()
        if r is None:
            return
        self._opened = True
        self.app.push_screen(PatternSuggestionsScreen(self.store, self.coder, r["pattern"],
                                                      self.counted_coder()))

    def action_view(self) -> None:
        """The highlighted pattern in full, in a dialog."""
        r = self.selected()
        if r is not None:
            self.app.push_screen(PatternViewModal(self.store, r["pattern"]))

    def action_sort(self) -> None:
        """The next order: pattern id, most rejected, least precise, most suggestions;
        the cursor on the first row, the one the order puts first (kept on the pattern
        it was on, the list opened mid-way, where a pattern that had moved down was)."""
        orders = list(SORTS)
        self.order = orders[(orders.index(self.order) + 1) % len(orders)]
        table = self.query_one(DataTable)
        self._fill(table)
        if table.row_count:
            table.move_cursor(row=0)
        self._show_head()  # it names the order

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.dismiss()


VIEW_HINT = " (v shows it whole)"
"""Ends a line cut short: ``v`` shows the whole pattern."""


def cut_with_hint(text: Text, width: int) -> Text:
    """``text`` on one line of ``width`` columns (less 2 of padding): as it is if it fits,
    else cut with an ellipsis and :data:`VIEW_HINT`."""
    room = max(1, width - 2)
    if text.cell_len <= room:
        return text
    text.truncate(max(1, room - len(VIEW_HINT)), overflow="ellipsis")
    text.append(VIEW_HINT, style="dim")
    return text


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:max(1, width - 1)] + "\u2026"
