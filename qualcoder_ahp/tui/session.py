"""The state of one coder working on one transcript (plain Python, no Textual).

:class:`CodingSession` is what the coding screen shows and what its keys change:
the current suggestion, the pending span (what *accept* or *code* will store), a
sentence cursor with an optional selection anchor, filters and search hits. Every
decision is one call to the :class:`~qualcoder_ahp.model.store.Store` (one
transaction), after which the session re-reads this coder's codings and decisions,
so what the screen shows is always what the database holds. Keeping this free of
Textual lets the unit tests and the benchmark drive it directly.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from qualcoder_ahp.errors import ProjectBusy, UserError
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Coding, Sentence, Suggestion, Theme, TranscriptInfo, Turn
from qualcoder_ahp.word_edges import snap

STATUS_FILTERS = ("all", "undecided", "decided", "accepted", "adjusted", "rejected")
RECENT_SIZE = 9
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Span:
    """A half-open ``[start, end)`` range of the transcript text."""

    start: int
    end: int


class CodingSession:
    """One coder's view of one transcript, and the decisions they make on it."""

    def __init__(self, store: Store, coder: str, transcript_id: int) -> None:
        self.store = store
        self.coder = coder
        self.info: TranscriptInfo = store.transcript(transcript_id)
        self.text = store.transcript_text(transcript_id)
        self.turns: list[Turn] = store.turns(transcript_id)
        self.sentences: list[Sentence] = store.sentences(transcript_id) or [
            Sentence(t.start, t.end, i) for i, t in enumerate(self.turns)
        ]
        self._sentence_starts = [s.start for s in self.sentences]
        self._turn_starts = [t.start for t in self.turns]
        self.themes: dict[str, Theme] = {t.id: t for t in store.themes(include_inactive=True)}
        self.active_themes: set[str] = {t.id for t in store.themes()}
        """The current codebook's themes (``themes`` also holds retired ones, for names)."""
        self.theme_filter: str | None = None
        self.status_filter = "all"
        self.search_query = ""
        self.search_hits: list[int] = []
        self._last_hit: int | None = None
        self.anchor: int | None = None
        """Sentence index where a selection started (``v``), or None."""
        self.cursor = 0
        """Index of the sentence under the cursor."""
        self.current: Suggestion | None = None
        self.span: Span | None = None
        self.span_theme: str | None = None
        """The theme of the passage the span was opened at (:meth:`go_to_span`)."""
        self.replaced: str | None = None
        """This coder's decision from another window that the last accept/reject replaced."""
        self.reload()
        if self.sentences:
            self.span = self._sentence_span(0)

    # ------------------------------------------------------------------ data
    @property
    def transcript_id(self) -> int:
        """The transcript's id."""
        return self.info.id

    def reload(self) -> None:
        """Re-read suggestions, this coder's decisions, codings and memo on the transcript
        from the store."""
        self.suggestions: list[Suggestion] = self.store.suggestions(transcript_id=self.info.id)
        self.decisions: dict[int, str] = self.store.decisions_for(self.coder, self.info.id)
        self.codings: list[Coding] = self.store.codings(
            transcript_id=self.info.id, coder=self.coder)
        self.transcript_memo: str | None = self.store.memo(
            self.coder, "transcript", self.info.id)
        if self.current is not None:
            self.current = next((s for s in self.suggestions if s.id == self.current.id), None)

    def refresh(self) -> None:
        """Re-read everything another connection may have changed (codebook included;
        speakers and roles too: ``qcahp speakers`` or a merge changes turns, not text)."""
        self.turns = self.store.turns(self.info.id)
        self.themes = {t.id: t for t in self.store.themes(include_inactive=True)}
        self.active_themes = {t.id for t in self.store.themes()}
        self.reload()

    def visible_suggestions(self) -> list[Suggestion]:
        """The suggestions that pass the theme and status filters, in text order."""
        out = []
        for sug in self.suggestions:
            if self.theme_filter and sug.theme_id != self.theme_filter:
                continue
            if not self._status_passes(self.decisions.get(sug.id)):
                continue
            out.append(sug)
        return out

    def _status_passes(self, status: str | None) -> bool:
        wanted = self.status_filter
        if wanted == "all":
            return True
        if wanted == "undecided":
            return status is None
        if wanted == "decided":
            return status is not None
        return status == wanted

    def status_of(self, suggestion: Suggestion) -> str:
        """This coder's decision on a suggestion, or ``undecided``."""
        return self.decisions.get(suggestion.id, "undecided")

    def progress(self) -> tuple[int, int]:
        """(decided, total) open suggestions of this transcript for this coder."""
        return sum(1 for s in self.suggestions if s.id in self.decisions), len(self.suggestions)

    # ------------------------------------------------------------------ positions
    def sentence_at(self, offset: int) -> int:
        """Index of the sentence containing (or last starting before) ``offset``."""
        return max(0, bisect_right(self._sentence_starts, offset) - 1)

    def turn_at(self, offset: int) -> int:
        """Index of the turn containing (or last starting before) ``offset``."""
        return max(0, bisect_right(self._turn_starts, offset) - 1)

    def _sentence_span(self, index: int) -> Span:
        s = self.sentences[index]
        return Span(s.start, s.end)

    def coding_under_cursor(self) -> Coding | None:
        """This coder's coding the screen is on: the first of :meth:`codings_under_cursor`."""
        under = self.codings_under_cursor()
        return under[0] if under else None

    def coding_in_focus(self) -> Coding | None:
        """The coding the screen is plainly about, if any: the passage it was opened at
        (:meth:`go_to_span`), else this coder's coding of the current suggestion."""
        if self.span is None:
            return None
        exact = [c for c in self.codings if c.theme_id == self.span_theme
                 and (c.start, c.end) == (self.span.start, self.span.end)]
        if exact:  # the passage opened from the passages screen
            return exact[0]
        if self.current is not None:
            own = [c for c in self.codings if c.suggestion_id == self.current.id
                   and c.start < self.span.end and self.span.start < c.end]
            if own:
                return own[0]
        return None

    def codings_under_cursor(self) -> list[Coding]:
        """This coder's codings at the pending span, the one in focus first.

        Then those covering the span's start, innermost first, those of the current
        suggestion's theme before others (two themes often code one sentence: on a
        suggestion of one, ``d`` and ``M`` must not act on the other's coding); failing
        those, the codings of the current suggestion, then any overlapping the span.
        """
        if self.span is None:
            return []
        focus = self.coding_in_focus()
        at = self.span.start
        theme = self.current.theme_id if self.current is not None else None
        hits = [c for c in self.codings if c.start <= at < c.end]
        if not hits and self.current is not None:
            hits = [c for c in self.codings if c.suggestion_id == self.current.id]
        if not hits:
            hits = [c for c in self.codings if c.start < self.span.end and self.span.start < c.end]
        hits.sort(key=lambda c: (c.theme_id != theme, c.end - c.start, c.id))
        return ([focus] if focus else []) + [c for c in hits if focus is None or c.id != focus.id]

    # ------------------------------------------------------------------ navigation
    def go_to(self, suggestion: Suggestion) -> None:
        """Make ``suggestion`` current: the pending span becomes its segment."""
        self.current = suggestion
        self.span = Span(suggestion.start, suggestion.end)
        self.cursor = self.sentence_at(suggestion.start)
        self.anchor = None

    def go_to_span(self, start: int, end: int, theme_id: str | None = None) -> None:
        """Put the cursor at a passage found elsewhere: the pending span becomes ``[start, end)``.

        The passages screen opens a transcript at a coding this way (any coder's), so
        the transcript scrolls to it and the span marks it; no suggestion is current.
        With ``theme_id``, this coder's coding of exactly that span and theme is the
        one under the cursor (what ``d`` and ``M`` act on), not another theme's
        coding of the same sentence.
        """
        self.span_theme = theme_id
        self.current = None
        self.anchor = None
        self.cursor = self.sentence_at(start) if self.sentences else 0
        self.span = Span(start, end)

    def step_suggestion(self, direction: int) -> Suggestion | None:
        """Go to the next (1) or previous (-1) visible suggestion, wrapping round."""
        visible = self.visible_suggestions()
        if not visible:
            return None
        keys = [(s.start, s.end, s.theme_id) for s in visible]
        if self.current is not None:
            here = (self.current.start, self.current.end, self.current.theme_id)
        else:
            pos = self.span.start if self.span else 0
            here = (pos, -1, "")
        if direction > 0:
            i = bisect_right(keys, here)
            target = visible[i % len(visible)]
        else:
            i = bisect_left(keys, here) - 1
            target = visible[i % len(visible)]
        self.go_to(target)
        return target

    def move_cursor(self, delta: int) -> None:
        """Move the sentence cursor; the pending span follows (or the selection grows)."""
        if not self.sentences:
            return
        self.cursor = min(max(self.cursor + delta, 0), len(self.sentences) - 1)
        self.current = None
        if self.anchor is None:
            self.span = self._sentence_span(self.cursor)
        else:
            lo, hi = sorted((self.anchor, self.cursor))
            self.span = Span(self.sentences[lo].start, self.sentences[hi].end)

    def cursor_to(self, offset: int) -> None:
        """Put the sentence cursor on the sentence at ``offset`` (a click)."""
        self.move_cursor(self.sentence_at(offset) - self.cursor)

    def toggle_selection(self) -> bool:
        """Start a selection at the cursor sentence, or drop it. Returns whether one is on."""
        if self.anchor is None:
            self.anchor = self.cursor
            self.current = None
            self.span = self._sentence_span(self.cursor)
            return True
        self.anchor = None
        return False

    # ------------------------------------------------------------------ adjusting
    def widen(self) -> None:
        """Widen the pending span to the whole turn(s) it touches."""
        span = self._need_span()
        first = self.turns[self.turn_at(span.start)]
        last = self.turns[self.turn_at(max(span.start, span.end - 1))]
        self.span = Span(min(first.start, span.start), max(last.end, span.end))

    def narrow(self) -> None:
        """Narrow the pending span to the current suggestion's matched words, whole: a
        pattern's match can start or end inside a word (a regex without ``\\b``, a token
        such as ``n't``), and a coding made by a key should not cut one."""
        if self.current is None or not self.current.matches:
            raise UserError("narrowing needs a suggestion with matched words")
        self.span = Span(*snap(self.text, min(m[0] for m in self.current.matches),
                               max(m[1] for m in self.current.matches)))

    def move_edge(self, edge: str, unit: str, direction: int) -> None:
        """Move the pending span's ``start`` or ``end`` by a ``sentence`` or ``word``.

        The span never becomes empty; a move that would cross the other edge is ignored.
        """
        span = self._need_span()
        if unit == "sentence":
            points = ([s.start for s in self.sentences] if edge == "start"
                      else [s.end for s in self.sentences])
        else:
            # Words near the edge only: a window keeps this cheap on long transcripts;
            # a word the window cuts is left out (its cut end is no word edge: a start
            # moved back to it fell inside a long word, a URL, say).
            here = span.start if edge == "start" else span.end
            lo, hi = max(0, here - 400), min(len(self.text), here + 400)
            words = [m.span() for m in _WORD.finditer(self.text, lo, hi)
                     if not (m.start() == lo > 0 and not self.text[lo - 1].isspace())
                     and not (m.end() == hi < len(self.text) and not self.text[hi].isspace())]
            points = [w[0] for w in words] if edge == "start" else [w[1] for w in words]
        here = span.start if edge == "start" else span.end
        if direction > 0:
            candidates = [p for p in points if p > here]
            new = min(candidates) if candidates else here
        else:
            candidates = [p for p in points if p < here]
            new = max(candidates) if candidates else here
        start, end = (new, span.end) if edge == "start" else (span.start, new)
        if start < end:
            self.span = Span(start, end)

    def _need_span(self) -> Span:
        if self.span is None:
            raise UserError("there is no segment under the cursor")
        return self.span

    def pending(self) -> tuple[Span, str]:
        """What ``c`` (code by hand) codes, and its name for the picker's title.

        The pending span, whichever set it: a selection (``v``) first, else the current
        suggestion's segment as widened, narrowed or moved, else the suggestion's own
        segment, else the sentence (or span) at the cursor. The picker shows this span,
        and the coding made from it is of this span (:meth:`code` with ``span``).
        """
        span = self._need_span()
        if self.anchor is not None:
            n = abs(self.cursor - self.anchor) + 1
            what = f"the selection ({n} sentences)" if n > 1 else "the selected sentence"
        elif self.current is not None:
            what = "the adjusted span" if self.is_adjusted() else "the suggestion's sentence"
        elif self.sentences and span == self._sentence_span(self.cursor):
            what = "the sentence at the cursor"
        else:
            what = "the marked span"
        return span, what

    def is_adjusted(self) -> bool:
        """Whether the pending span differs from the current suggestion's segment."""
        return (self.current is not None and self.span is not None
                and (self.span.start, self.span.end) != (self.current.start, self.current.end))

    # ------------------------------------------------------------------ decisions
    def accept(self) -> Coding:
        """Accept the current suggestion with the pending span (adjusted if changed)."""
        if self.current is None:
            raise UserError("no suggestion is selected (n/p to choose one)")
        span = self._need_span()
        replaced = self._replaced(self.current.id)
        coding = self.store.accept(self.current.id, self.coder, start=span.start, end=span.end)
        self.replaced = replaced
        self.reload()
        return coding

    def reject(self) -> None:
        """Reject the current suggestion."""
        if self.current is None:
            raise UserError("no suggestion is selected (n/p to choose one)")
        replaced = self._replaced(self.current.id)
        self.store.reject(self.current.id, self.coder)
        self.replaced = replaced
        self.reload()

    def _replaced(self, suggestion_id: int) -> str | None:
        """This coder's stored decision that the screen has not shown yet, if any.

        The store replaces this coder's own earlier decision, which is right; but if
        the screen did not show it yet, the coder should hear what was replaced.
        """
        stored = self.store.decision_of(suggestion_id, self.coder)
        return stored if stored and stored != self.decisions.get(suggestion_id) else None

    def code(self, theme_id: str, span: Span | None = None) -> Coding:
        """Code the pending span (sentence or selection) with a theme, by hand; or
        ``span``, the one the theme picker showed (:meth:`pending` when it opened)."""
        span = span if span is not None else self._need_span()
        if any(c.theme_id == theme_id and c.start <= span.start and span.end <= c.end
               for c in self.codings):
            # A second press of 1, or c on a suggestion just accepted, stored the same
            # passage again: counted twice, quoted twice in every export.
            theme = self.themes.get(theme_id)
            raise UserError(f"already coded with {theme.name if theme else theme_id} here "
                            "(a coding of yours covers it): nothing was stored")
        coding = self.store.code(self.info.id, theme_id, self.coder, span.start, span.end)
        self.remember_theme(theme_id)
        self.anchor = None
        self.reload()
        return coding

    def remove(self, coding: Coding | None = None) -> Coding:
        """Remove this coder's ``coding`` (by default the coding under the cursor)."""
        coding = coding or self.coding_under_cursor()
        if coding is None:
            raise UserError("there is no coding of yours under the cursor")
        if not self.store.codings(coding_id=coding.id):
            # Removed in another window since the screen last read it: removing it
            # again would log a remove whose undo resurrects it.
            self.reload()
            raise UserError("that coding was already removed in another window")
        self.store.remove_coding(coding.id, self.coder)
        self.reload()
        return coding

    def undo(self) -> dict[str, object] | None:
        """Undo this coder's last decision (persisted in the event log)."""
        done = self.store.undo(self.coder)
        self.refresh()  # undoing a new theme retires it
        return done

    def redo(self) -> dict[str, object] | None:
        """Redo this coder's last undone decision."""
        done = self.store.redo(self.coder)
        self.refresh()
        return done

    # ------------------------------------------------------------------ recent themes
    def recent_themes(self) -> list[str]:
        """Up to nine theme ids for the number keys: recently used first, then the codebook."""
        raw = self.store.get_setting(f"recent_themes:{self.coder}")
        recent = [t for t in (json.loads(raw) if raw else []) if self._codable(t)]
        for theme in self.themes.values():
            if len(recent) >= RECENT_SIZE:
                break
            if theme.id not in recent and self._codable(theme.id):
                recent.append(theme.id)
        return recent[:RECENT_SIZE]

    def remember_theme(self, theme_id: str) -> None:
        """Put a theme first in this coder's recent list (a project setting)."""
        raw = self.store.get_setting(f"recent_themes:{self.coder}")
        recent = [t for t in (json.loads(raw) if raw else []) if t != theme_id]
        try:
            self.store.set_setting(f"recent_themes:{self.coder}",
                                   json.dumps([theme_id, *recent][:RECENT_SIZE]))
        except ProjectBusy:
            # The coding it follows is stored: only the order of the number keys is not
            # (the busy dialog would have said the coding was not).
            self.store.last_busy = None

    def _codable(self, theme_id: str) -> bool:
        theme = self.themes.get(theme_id)
        return theme is not None and theme.codable and theme_id in self.active_themes

    # ------------------------------------------------------------------ search
    def search(self, query: str) -> int | None:
        """Find ``query`` (case-insensitive); go to the first hit after the cursor."""
        self.search_query = query
        self.search_hits = []
        if query:
            folded, needle = self.text.casefold(), query.casefold()
            # casefold can change lengths (ß -> ss); fall back to lower() then.
            if len(folded) != len(self.text):
                folded, needle = self.text.lower(), query.lower()
            i = folded.find(needle)
            while i >= 0:
                self.search_hits.append(i)
                i = folded.find(needle, i + 1)
        return self.next_hit()

    def hit_number(self) -> int | None:
        """Which search hit (1 for the first) the cursor is on: the one last gone to,
        while the cursor's span still holds it; None elsewhere."""
        last, span = self._last_hit, self.span
        if last is None or span is None or not span.start <= last < span.end:
            return None
        i = bisect_left(self.search_hits, last)
        return i + 1 if i < len(self.search_hits) and self.search_hits[i] == last else None

    def next_hit(self, step: int = 1) -> int | None:
        """Go to the next search hit after the cursor, or with ``step`` -1 the one before
        it (wrapping either way); None if there is none."""
        if not self.search_hits:
            return None
        span = self.span
        last = self._last_hit
        # From the hit last shown while the cursor is still on it, else from the cursor.
        on_last = last is not None and span is not None and span.start <= last < span.end
        if step < 0:
            here = last if on_last else (span.start if span else 0)
            i = bisect_left(self.search_hits, here) - 1
        else:
            here = last if on_last else (span.start - 1 if span else -1)
            i = bisect_right(self.search_hits, here)
        hit = self.search_hits[i % len(self.search_hits)]
        self._last_hit = hit
        self.cursor = self.sentence_at(hit)
        self.current = None
        self.anchor = None
        self.span = self._sentence_span(self.cursor)
        return hit
