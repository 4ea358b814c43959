"""A pattern's open suggestions: the list that Enter on the patterns screen opens.

:class:`PatternSuggestionsScreen` lists one pattern's open suggestions in text order (then
the decided ones it found once and no longer finds, marked "no longer found"): the
sentence with the matched words, the transcript and speaker, and the decision as the
coding screen marks it (○ ✓ ✗); ``c`` shows every coder's decisions or only the working
coder's (only theirs with blind coding on), Enter opens the coding screen at the
suggestion and ``y`` there comes back, ``v`` shows the whole pattern. The suggestions are
collected in a thread worker on their own connection and listed in batches, as the
passages are (a pattern can have thousands), and collected again when shown again after
a suggestion was opened or another connection committed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Suggestion, plural
from qualcoder_ahp.tui.follow import is_blind, withdrawn_meanwhile
from qualcoder_ahp.tui.screens.list_screen import ListScreen, list_layout
from qualcoder_ahp.tui.screens.passages import BATCH, FIRST_BATCH
from qualcoder_ahp.tui.screens.pattern_view import PatternViewModal
from qualcoder_ahp.tui.screens.patterns import CoderChoice, cut_with_hint, pattern_gist
from qualcoder_ahp.tui.widgets.list_keys import ListKeys, list_bindings
from qualcoder_ahp.tui.widgets.marks import STATUS_GLYPH, ink, status_mark

_SPACES = re.compile(r"\s+")


# ---------------------------------------------------------------------- the data (no Textual)
@dataclass(frozen=True)
class ListedSuggestion:
    """One open suggestion of a pattern, as the list draws it."""

    suggestion: Suggestion
    transcript: str
    speaker: str | None
    turn: int | None
    text: str
    """The suggestion's segment (its sentence, or turn)."""
    decisions: dict[str, str]
    """Coder name to status: every coder's, or only the counted coder's."""
    gone: bool = False
    """A decided suggestion the pattern found once and no longer finds (not counted)."""


@dataclass(frozen=True)
class PatternSuggestions:
    """What the worker collected: one pattern's open suggestions."""

    pattern: str
    theme_path: str
    body: str
    """The pattern as written (a regex exactly; a token pattern as :func:`pattern_gist`)."""
    exclude: bool
    coder: str | None
    items: list[ListedSuggestion]
    """The pattern's suggestions, then the decided ones it no longer finds (``gone``),
    each group in text order."""

    @property
    def current(self) -> list[ListedSuggestion]:
        """The suggestions the pattern finds (those ``qcahp patterns`` counts for it)."""
        return [i for i in self.items if not i.gone]

    @property
    def transcripts(self) -> int:
        """How many transcripts hold a suggestion the pattern finds."""
        return len({i.suggestion.transcript_id for i in self.current})


SEGMENT_LIMIT = 400
"""Characters of a long segment (a turn) shown around its first match."""


def collect_suggestions(store: Store, pattern_id: str, coder: str | None
                        ) -> PatternSuggestions:
    """The open suggestions of one pattern with their decisions (no Textual)."""
    pattern = next((p for p in store.patterns(include_inactive=True) if p.id == pattern_id),
                   None)
    found = [(*entry, False) for entry in store.pattern_suggestions(pattern_id, coder)]
    found += [(*entry, True) for entry in store.pattern_suggestions(pattern_id, coder,
                                                                     found=False)]
    names = {t.id: t.label for t in store.transcripts()}
    items: list[ListedSuggestion] = []
    texts: dict[int, tuple[str, list[Any]]] = {}
    for sug, decisions, gone in found:
        if sug.transcript_id not in texts:
            texts[sug.transcript_id] = (store.transcript_text(sug.transcript_id),
                                        store.turns(sug.transcript_id))
        text, turns = texts[sug.transcript_id]
        turn = next((i for i, t in enumerate(turns) if t.start <= sug.start < t.end), None)
        items.append(ListedSuggestion(
            sug, names.get(sug.transcript_id, str(sug.transcript_id)),
            turns[turn].speaker if turn is not None else None,
            turn + 1 if turn is not None else None, text[sug.start:sug.end], decisions,
            gone))
    theme = pattern.theme_id if pattern is not None else ""
    try:
        path = store.theme_path(theme)
    except UserError:
        path = theme
    body = "" if pattern is None else (str(pattern.body) if pattern.kind == "regex"
                                       else pattern_gist(pattern))
    return PatternSuggestions(pattern_id, path, body, bool(pattern and pattern.exclude),
                              coder, items)


def decision_marks(item: ListedSuggestion, coder: str | None, dark: bool = True) -> Text:
    """The decision as the coding screen marks it: ``✓ accepted`` for one coder; for
    every coder ``ana ✓ · ben ✗``, or ``○ undecided`` when nobody has decided."""
    out = Text()
    if coder is not None or not item.decisions:
        status = item.decisions.get(coder or "", "undecided")
        out.append(status_mark(status), style=_ink(status, dark))
        return out
    for n, (name, status) in enumerate(item.decisions.items()):
        if n:
            out.append(" \u00b7 ")
        out.append(f"{name} ")
        out.append(STATUS_GLYPH.get(status, "\u2713"), style=_ink(status, dark))
    return out


def _ink(status: str, dark: bool) -> Any:
    return ink(status if status in ("undecided", "rejected") else "accepted", dark, bold=True)


def suggestion_text(item: ListedSuggestion, coder: str | None, dark: bool = True) -> Text:
    """One suggestion as the list draws it: the decision, where, then the sentence with
    the matched words reversed."""
    out = decision_marks(item, coder, dark)
    where = [item.transcript]
    if item.speaker:
        where.append(item.speaker)
    if item.turn is not None:
        where.append(f"turn {item.turn}")
    out.append("  " + " \u00b7 ".join(where), style="bold")
    if item.gone:
        out.append("  no longer found", style="italic")
    out.append("\n")
    sug = item.suggestion
    lo, hi = sug.start, sug.end
    if hi - lo > SEGMENT_LIMIT:  # a turn: the part around the first match
        first = sug.matches[0][0] if sug.matches else lo
        lo = max(lo, first - SEGMENT_LIMIT // 4)
        hi = min(hi, lo + SEGMENT_LIMIT)
    at = lo
    out.append("\u2026" if lo > sug.start else "")
    for a, b in sorted(sug.matches):
        a, b = max(a, at), min(b, hi)
        if a >= b:
            continue
        out.append(_flat(item.text[at - sug.start:a - sug.start]))
        out.append(_flat(item.text[a - sug.start:b - sug.start]), style="bold reverse")
        at = b
    out.append(_flat(item.text[at - sug.start:hi - sug.start]))
    if hi < sug.end:
        out.append("\u2026")
    return out


def _flat(text: str) -> str:
    """``text`` on one line: line breaks and runs of spaces as one space."""
    return _SPACES.sub(" ", text)


# ---------------------------------------------------------------------- one pattern's list
class SuggestionList(OptionList, inherit_bindings=False):
    """A pattern's suggestions; the screen holds the keys, so the help and footer list them."""

    DEFAULT_CSS = """
    SuggestionList, SuggestionList:focus { height: 1fr; max-height: 100%; border: none;
                                           padding: 0; }
    """


class PatternSuggestionsScreen(CoderChoice, ListKeys, ListScreen, Screen[None]):
    """One pattern's open suggestions, in text order, each with its decision (collected
    again when back from the coding screen, or after another connection's commit)."""

    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Open the coding screen at the suggestion "
                "(y there comes back here)"),
        Binding("c", "coders", "Coders",
                tooltip="Every coder's decisions, or only yours (with blind coding on: only "
                        "yours)"),
        Binding("v", "view", "Whole pattern",
                tooltip="The pattern in full, as written, in a scrollable dialog"),
        Binding("escape", "back", "Back", tooltip="Back to the patterns"),
        *list_bindings("suggestion"),
    ]

    WHERE = "#pattern-list-where"

    DEFAULT_CSS = """
    PatternSuggestionsScreen #pattern-list-head { padding: 0 1; width: 100%; height: auto; }
    PatternSuggestionsScreen #pattern-list-where { padding: 0 1; height: 1;
                                                   background: $boost; }
    """

    def __init__(self, store: Store, coder: str, pattern_id: str,
                 whose: str | None) -> None:
        """List ``pattern_id``'s suggestions for ``coder``, with ``whose`` decisions
        (``None``: every coder's)."""
        super().__init__()
        self.store = store
        self.coder = coder
        self.pattern_id = pattern_id
        self.whose = whose
        self.shown: PatternSuggestions | None = None
        """What the list shows (tests compare it with the store)."""
        self._by_id: dict[str, ListedSuggestion] = {}
        self._want: str | None = None
        """A suggestion to highlight once its batch is in the list."""
        self.title = f"Suggestions of {pattern_id}"

    def compose(self) -> ComposeResult:
        yield from list_layout("pattern-list", SuggestionList(id="pattern-list"))

    def on_mount(self) -> None:
        self.first_read(self.query_one(SuggestionList))

    def listing(self) -> SuggestionList:
        """The list (for the page and end keys)."""
        return self.query_one(SuggestionList)

    def reload(self) -> None:
        """Collect the suggestions again in a worker."""
        request = self.next_request()
        self.listing().loading = True
        self._collect(request, self.counted_coder(), self.app.current_theme.dark)

    @work(thread=True, exclusive=True, group="pattern-list", exit_on_error=False,
          description="Listing the pattern's suggestions")
    def _collect(self, request: int, coder: str | None, dark: bool) -> None:
        found = self.on_own_connection(collect_suggestions, self.pattern_id, coder)
        options: list[Option | None] = []
        for item in found.items:  # a faint rule between suggestions
            options += [Option(suggestion_text(item, coder, dark), id=str(item.suggestion.id)),
                        None]
        self.app.call_from_thread(self._show, request, found, options[:-1])

    def _show(self, request: int, found: PatternSuggestions,
              options: list[Option | None]) -> None:
        if not self.is_current(request):
            return
        listing = self.listing()
        keep = self.selected()
        self.shown = found
        listing.loading = False
        listing.clear_options()
        listing.display = bool(options)
        self._by_id = {str(i.suggestion.id): i for i in found.items}
        self._want = (str(keep.suggestion.id) if keep is not None
                      and str(keep.suggestion.id) in self._by_id else None)
        self.query_one("#pattern-list-head", Label).update(self._head(found))
        self._add_batch(request, options, 0, FIRST_BATCH)
        self.refresh_bindings()

    def _add_batch(self, request: int, options: list[Option | None], start: int,
                   size: int) -> None:
        """Add ``options[start:start + size]``, then the next batch a refresh later, as
        the passages screen does: a pattern with thousands of suggestions shows at once."""
        if not self.is_current(request):
            return
        listing = self.listing()
        batch = options[start:start + size]
        listing.add_options(batch)
        if listing.highlighted is None and listing.option_count:
            listing.highlighted = 0
        if self._want is not None and self._want in {o.id for o in batch if o is not None}:
            listing.highlighted = listing.get_option_index(self._want)
            self._want = None
        self._show_where()
        if start + size < len(options):
            self.call_after_refresh(self._add_batch, request, options, start + size,
                                    BATCH)

    def _head(self, found: PatternSuggestions) -> Text:
        out = Text()
        out.append(f"{found.pattern}", style="bold")
        line = Text(f" of {found.theme_path}: {' '.join(found.body.split())}")
        width = (self.size.width or self.app.size.width) - len(found.pattern)
        out.append_text(cut_with_hint(line, width))
        out.append("\n")
        if found.exclude:
            out.append("An exclusion pattern: it makes no suggestions (a segment it matches "
                       "gets none of its theme); its row on the patterns screen says how "
                       "many it rules out now, and how many of those a coder accepted.")
            return out
        if not found.items:
            out.append("No suggestions.")
            return out
        whose = ("yours (blind coding is on)" if is_blind(self.store) else "yours"
                 if found.coder is not None else "all coders'")
        out.append(f"{plural(len(found.current), 'suggestion')} in "
                   f"{plural(found.transcripts, 'transcript')}; decisions: {whose}")
        gone = len(found.items) - len(found.current)
        if gone:
            out.append(f"\nThen {gone} decided that it found once and no longer finds "
                       "(not counted)", style="dim")
        return out

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "pattern-list" and event.state == WorkerState.ERROR:
            self.listing().loading = False
            self.set_where(Text("Listing the suggestions failed.", style="bold"))

    def theme_under_cursor(self) -> str | None:
        """The highlighted suggestion's theme (P and K start their pickers there)."""
        item = self.selected()
        return item.suggestion.theme_id if item is not None else None

    def selected(self) -> ListedSuggestion | None:
        """The highlighted suggestion, if any."""
        index = self.highlighted_index()
        if index is None:
            return None
        return self._by_id.get(self.listing().get_option_at_index(index).id or "")

    def _show_where(self) -> None:
        item = self.selected()
        found = self.shown
        if found is None or item is None:
            self.set_where(Text("" if found is None else "Escape: back to the patterns."))
            return
        n = (self.listing().highlighted or 0) + 1  # the rules between them are no options
        self.set_where(Text(f"Suggestion {n} of {len(found.items)} \u00b7 {item.transcript}"
                            f" \u00b7 Enter opens it, y there comes back"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Open needs a suggestion, Whole pattern the list; Coders is greyed out with
        blind coding on."""
        if action == "open":
            return self.selected() is not None
        if action == "view":
            return self.shown is not None
        if action == "coders" and is_blind(self.store):
            return None
        return True

    def action_move(self, delta: int) -> None:
        """The next (1) or previous (-1) suggestion."""
        listing = self.listing()  # the ends do not wrap round
        if listing.highlighted is not None:
            listing.highlighted = max(0, min(listing.option_count - 1,
                                             listing.highlighted + delta))

    def action_view(self) -> None:
        """The pattern in full, in a dialog."""
        self.app.push_screen(PatternViewModal(self.store, self.pattern_id))

    def action_open(self) -> None:
        """Open the coding screen on the suggestion's transcript, at the suggestion."""
        from qualcoder_ahp.tui.screens.coding import CodingScreen

        item = self.selected()
        if item is None:
            return
        sug = item.suggestion
        if withdrawn_meanwhile(self, self.store, sug.transcript_id, item.transcript):
            return
        self._opened = True
        self.app.push_screen(CodingScreen(self.store, self.coder, sug.transcript_id, sug.id))
        self.notify("At the suggestion; y goes back to the list.", timeout=4, markup=False)

    def action_back(self) -> None:
        """Back to the patterns."""
        self.dismiss()
