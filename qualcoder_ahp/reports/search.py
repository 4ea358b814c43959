"""Lexical search across every transcript: hits in context, ready to read and code.

What NVivo calls a Text Search Query and MAXQDA a Lexical Search: find a word, a
phrase or a regular expression in the stored text of all transcripts (or some), and
list each hit with where it is (transcript, speaker, role, turn number, time), the
sentence it falls in (the span that coding a hit codes) and a keyword-in-context
excerpt. Themes added while coding have no patterns, so no suggestions; this is how
their passages are found.

- **Plain text** (the default) is matched literally, ignoring case; several terms
  are alternatives (a hit is any of them). **Regex** mode takes each term as a Python
  regular expression (``covid|pandemic``); a bad one is a one-line error naming it.
  **Whole words** keeps matches that neither start nor end inside a word.
- **Role**: ``all`` (the default) searches every turn; ``participant`` or
  ``interviewer`` keeps hits in that speaker role's turns (the role of the turn
  the match starts in).
- **Offsets** are code points of the stored text, half-open, as everywhere:
  ``text[hit.start:hit.end]`` is the match, ``text[hit.sentence_start:hit.sentence_end]``
  its sentence (its turn, or its line, when the transcript has no sentences).
- **Coded**: given a theme (and a coder), a hit is marked coded when that coder (any
  coder, without one) has an active coding of the theme overlapping the hit's sentence.
  :func:`code_hits` codes the sentence of every hit not yet coded so, as one event
  that one undo takes back.

No Textual here: the ``qcahp search`` command and the workbench's search screen call
these same functions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.reports.data import Progress, find_transcript, label_of

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.reports.selection import Selection

ROLES = ("all", "participant", "interviewer")
"""The role filter's values: every turn, or one speaker role's turns."""
CONTEXT = 40
"""Characters of context either side of a match in the keyword-in-context excerpt."""
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class SearchQuery:
    """What to look for and where: the terms and how they are matched, the role kept."""

    terms: tuple[str, ...]
    regex: bool = False
    word: bool = False
    case_sensitive: bool = False
    role: str = "all"

    def compile(self) -> re.Pattern[str]:
        """The one pattern matching any of the terms (see :func:`compile_terms`)."""
        return compile_terms(self.terms, regex=self.regex, word=self.word,
                             case_sensitive=self.case_sensitive)

    def describe(self) -> str:
        """The query in words: ``"covid" or "pandemic" (whole words, participant turns)``."""
        terms = " or ".join(f"\u201c{t}\u201d" for t in self.terms)
        how = [w for w, on in (("regex", self.regex), ("whole words", self.word),
                               ("case-sensitive", self.case_sensitive)) if on]
        how.append("all speakers" if self.role == "all" else f"{self.role} turns")
        return f"{terms} ({', '.join(how)})"


@dataclass(frozen=True, slots=True)
class Hit:
    """One match in one transcript (slotted: a common word finds tens of thousands)."""

    transcript_id: int
    transcript: str
    """The transcript's name (``name@version`` for a later version)."""
    participant: str | None
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    speaker: str | None
    role: str | None
    turn: int | None
    """1-based number of the speaker turn the match starts in (``None``: no turns)."""
    time: str | None
    before: str
    """Up to :data:`CONTEXT` characters before the match, in its turn, on one line."""
    match: str
    after: str
    """Up to :data:`CONTEXT` characters after the match, in its turn, on one line."""
    coded: bool | None = None
    """Whether the hit's sentence is coded with the theme asked about (``None``: none asked)."""

    @property
    def excerpt(self) -> str:
        """The keyword-in-context line: before, match, after."""
        return f"{self.before}{self.match}{self.after}"


@dataclass
class SearchResult:
    """The hits of one query, in transcript order and then text order."""

    query: SearchQuery
    hits: list[Hit]
    searched: int
    """How many transcripts were searched."""
    theme_id: str | None = None
    coder: str | None = None
    selection: Selection | None = None
    """The transcripts chosen with ``--transcript`` / ``--where`` (``None``: all)."""

    @property
    def transcripts(self) -> int:
        """How many transcripts hold at least one hit."""
        return len({h.transcript_id for h in self.hits})

    @property
    def coded(self) -> int:
        """How many hits are marked coded."""
        return sum(1 for h in self.hits if h.coded)

    def summary(self) -> str:
        """One line: ``12 hits in 3 of 7 transcripts for "covid" (all speakers)``."""
        n = len(self.hits)
        line = (f"{n:,} hit{'' if n == 1 else 's'} in {self.transcripts:,} of "
                f"{self.searched:,} transcript{'' if self.searched == 1 else 's'} for "
                f"{self.query.describe()}")
        if self.theme_id is not None and n:
            who = f" by {self.coder}" if self.coder else ""
            line += f"; {self.coded:,} already coded with {self.theme_id}{who}"
        return line


def compile_terms(terms: Iterable[str], *, regex: bool = False, word: bool = False,
                  case_sensitive: bool = False) -> re.Pattern[str]:
    """One compiled pattern that matches any of ``terms``.

    Args:
        terms: the words, phrases or (with ``regex``) regular expressions.
        regex: take each term as a regular expression, not as literal text.
        word: whole words only (a match may not start or end inside a word).
        case_sensitive: match case exactly (default: ignore case).

    Raises:
        UserError: no term, an empty term, a regular expression that does not compile
            (naming the term, the problem and where), or one that matches empty text.
    """
    terms = list(terms)
    if not terms:
        raise UserError("nothing to search for: give a word, a phrase or (with --regex) "
                        "a regular expression")
    flags = 0 if case_sensitive else re.IGNORECASE
    parts = []
    for term in terms:
        if not term.strip():
            raise UserError("an empty search term matches everywhere: give a word or phrase")
        if regex:
            try:
                compiled = re.compile(term, flags)
            except re.error as exc:
                where = f" at position {exc.pos}" if exc.pos is not None else ""
                raise UserError(f"bad regular expression {term!r}: {exc.msg}{where}") from None
            if compiled.fullmatch("") is not None:
                raise UserError(f"the regular expression {term!r} matches empty text, so it "
                                "would match everywhere: make it match at least one character")
            parts.append(f"(?:{term})")
        else:
            parts.append(re.escape(term))
    body = "|".join(parts)
    if word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    try:
        return re.compile(body, flags)
    except re.error as exc:  # a term fine alone, but not inside the whole: (?i) flags
        raise UserError(f"bad regular expression {' | '.join(terms)!r}: {exc.msg} (a flag "
                        "such as (?i) must be scoped here: write (?i:...))") from None


def _transcript_rows(store: Store, refs: Iterable[str] | None) -> list[tuple[Any, ...]]:
    """The transcripts to search as ``report_transcripts()`` rows, in their order.

    A name without ``@version`` means every stored version of that transcript.
    """
    rows = store.report_transcripts()
    if refs is None:
        return rows
    wanted: set[int] = set()
    for ref in refs:
        found = find_transcript(store, ref)
        if "@" in ref or ref.isdigit():
            wanted.add(found.id)
        else:
            wanted |= {r[0] for r in rows if r[1] == found.name}
    return [r for r in rows if r[0] in wanted]


def _explicit(ref: str) -> bool:
    """Whether a ``--transcript`` reference names one version (``name@2``, an id)."""
    return "@" in ref or ref.isdigit()


def reading_rows(store: Store, refs: Iterable[str] | None = None) -> list[tuple[Any, ...]]:
    """The transcripts the text reports read (search, word frequencies), as
    ``report_transcripts()`` rows in their order: ONE version of each interview.

    A transcript imported again with ``--new-version`` is the same interview: reading
    every version counted its words twice and its hits as two transcripts' hits. So a
    transcript is read in its latest version (the one its coders code now, as agreement
    takes ``NAME``): without ``refs``, the latest version of every transcript; with them,
    ``name`` is its latest version and ``name@2`` (or an id) that version.
    """
    rows = store.report_transcripts()
    latest = _latest(rows)
    if refs is None:
        return [r for r in rows if latest[r[1]] == r[0]]
    wanted: set[int] = set()
    for ref in refs:
        found = find_transcript(store, ref)
        wanted.add(found.id if _explicit(ref) else latest[found.name])
    return [r for r in rows if r[0] in wanted]


def _latest(rows: Iterable[tuple[Any, ...]]) -> dict[str, int]:
    """Each transcript name's latest version's id (of ``report_transcripts()`` rows)."""
    latest: dict[str, tuple[int, int]] = {}
    for r in rows:
        if r[1] not in latest or r[2] > latest[r[1]][1]:
            latest[r[1]] = (r[0], r[2])
    return {name: tid for name, (tid, _) in latest.items()}


def one_version(store: Store, selection: Selection | None,
                transcripts: Iterable[str] = ()) -> Selection | None:
    """A report selection (:func:`~qualcoder_ahp.reports.selection.select`, which keeps
    every version of a transcript) with one version of each interview, as
    :func:`reading_rows` reads them: of the versions chosen, the latest, plus any version
    named explicitly (``--transcript name@1``). Its ``total`` is the project's
    transcripts counted once each. ``None`` stays ``None`` (every transcript's latest).
    """
    if selection is None:
        return None
    import dataclasses

    rows = store.report_transcripts()
    refs = list(dict.fromkeys(transcripts))
    explicit = {find_transcript(store, ref).id for ref in refs if _explicit(ref)}
    plain = {find_transcript(store, ref).name for ref in refs if not _explicit(ref)}
    chosen = [r for r in rows if r[0] in selection.ids]
    latest = _latest(r for r in chosen if not refs or r[1] in plain or r[0] not in explicit)
    kept = [r for r in chosen if r[0] in explicit or latest.get(r[1]) == r[0]]
    total = len({r[1] for r in rows})
    if len(kept) == len(chosen) and total == selection.total:
        return selection
    return dataclasses.replace(
        selection, ids=frozenset(r[0] for r in kept), total=total,
        names=tuple(label_of(rows)[r[0]] for r in kept))


def older_versions(store: Store, ids: Iterable[int],
                   read: Iterable[int]) -> list[tuple[int, str]]:
    """Of the transcripts ``ids`` (holding codings, say), those not ``read`` because a
    later version of the same transcript was: their ids and labels (``name@1``, the
    version always named)."""
    rows = store.report_transcripts()
    done, wanted = set(read), set(ids)
    newest: dict[str, int] = {}
    for r in rows:
        if r[0] in done:
            newest[r[1]] = max(newest.get(r[1], 0), r[2])
    return [(r[0], f"{r[1]}@{r[2]}") for r in rows
            if r[0] in wanted and r[0] not in done and r[2] < newest.get(r[1], 0)]


def _context(text: str, lo: int, hi: int, start: int, end: int,
             width: int) -> tuple[str, str]:
    """``width`` characters either side of ``[start, end)`` inside ``[lo, hi)``, on one line,
    cut at a word boundary (a cut word is dropped) and marked ``…`` where cut."""
    left = max(lo, start - width)
    before = text[left:start]
    if left > lo:
        # A word cut at the left edge is dropped (unless the cut falls between words).
        first = None if text[left - 1].isspace() else _SPACE.search(before)
        before = "\u2026 " + (before[first.end():] if first else before)
    right = min(hi, end + width)
    after = text[end:right]
    if right < hi and not text[right].isspace():
        spaces = [m.start() for m in _SPACE.finditer(after)]
        after = after[:spaces[-1]] if spaces and spaces[-1] > 0 else after
    if right < hi:
        after += "\u2026"
    return " ".join(before.split()) + (" " if before[-1:].isspace() else ""), (
        (" " if after[:1].isspace() else "") + " ".join(after.split()))


def search(
    store: Store,
    query: SearchQuery,
    *,
    transcripts: Iterable[str] | None = None,
    selection: Selection | None = None,
    theme: str | None = None,
    coder: str | None = None,
    context: int = CONTEXT,
    progress: Progress | None = None,
) -> SearchResult:
    """Every match of ``query`` in the stored transcripts, with its place and context.

    Args:
        store: the project.
        query: the terms, how to match them and which speaker role to keep.
        transcripts: names (``name`` for its latest version, ``name@2`` for that one) to
            search instead of the latest version of every transcript
            (:func:`reading_rows`).
        selection: the transcripts chosen by ``--transcript`` / ``--where``, searched as
            they are (give :func:`one_version` of it), instead of ``transcripts``.
        theme: mark each hit coded or not with this theme (see :class:`Hit`).
        coder: with ``theme``: this coder's codings only (``None``: anyone's; a coder
            not in the project yet has none).
        context: characters of context either side of a match.
        progress: ``progress(done, total)`` over transcripts.

    Raises:
        UserError: a bad query (see :func:`compile_terms`), an unknown role, transcript or
            theme, or a coder without a theme.
    """
    if query.role not in ROLES:
        raise UserError(f"no speaker role {query.role!r} (use {', '.join(ROLES)})")
    pattern = query.compile()
    if selection is not None:
        rows = [r for r in store.report_transcripts() if r[0] in selection.ids]
    else:
        rows = reading_rows(store, transcripts)
    coded_spans = _coded_spans(store, theme, coder)
    hits: list[Hit] = []
    total = len(rows)
    info = {r[0]: r for r in rows}
    # Every report's label: name@1 too when the interview has a later version, so a hit in
    # an older version (--transcript name@1) is never shown as the plain name.
    labels = label_of(store.report_transcripts())
    for done, (tid, text) in enumerate(store.report_texts([r[0] for r in rows]), start=1):
        found = [m for m in pattern.finditer(text) if m.end() > m.start()]
        if found:
            hits.extend(_hits(store, info[tid], text, found, query.role, context,
                              coded_spans.get(tid, []) if coded_spans is not None else None,
                              labels[tid]))
        if progress is not None:
            progress(done, total)
    return SearchResult(query, hits, total, theme, coder, selection)


def _coded_spans(store: Store, theme: str | None,
                 coder: str | None) -> dict[int, list[tuple[int, int]]] | None:
    """Active codings of ``theme`` (by ``coder``, or anyone) per transcript, sorted."""
    if theme is None:
        if coder is not None:
            raise UserError("--coder marks the hits coded with a theme: give --theme too")
        return None
    known = {t.id: t for t in store.themes(include_inactive=True)}
    if theme not in known:
        from qualcoder_ahp.reports.data import unknown_theme

        raise unknown_theme(theme, [t.id for t in store.themes()])
    out: dict[int, list[tuple[int, int]]] = {}
    for c in store.codings(coder=coder, theme_id=theme):
        out.setdefault(c.transcript_id, []).append((c.start, c.end))
    for spans in out.values():
        spans.sort()
    return out


def _overlaps(spans: list[tuple[int, int]] | None, start: int, end: int) -> bool:
    """Whether any of the sorted ``spans`` overlaps ``[start, end)``."""
    if not spans:
        return False
    # Codings starting before ``end``; any of them ending after ``start`` overlaps.
    i = bisect_right(spans, (end, -1))
    return any(s_end > start for _, s_end in spans[:i])


def _hits(store: Store, row: tuple[Any, ...], text: str, found: list[re.Match[str]],
          role: str, width: int, coded: list[tuple[int, int]] | None,
          label: str) -> list[Hit]:
    """The hits of one transcript (its turns and sentences read only when it has matches),
    named ``label`` (:func:`~qualcoder_ahp.reports.data.label_of`)."""
    tid, participant = row[0], row[3]
    turns = store.turns(tid)
    sentences = store.sentences(tid)
    t_starts = [t.start for t in turns]
    s_starts = [s.start for s in sentences]
    marking = coded is not None
    out: list[Hit] = []
    for m in found:
        start, end = m.span()
        ti = bisect_right(t_starts, start) - 1
        turn = turns[ti] if ti >= 0 else None
        if role != "all" and (turn is None or turn.role != role):
            continue
        lo, hi = _sentence(text, sentences, s_starts, turn, start, end)
        c_lo, c_hi = (turn.start, turn.end) if turn is not None and turn.end > start else (
            text.rfind("\n", 0, start) + 1, _line_end(text, end))
        c_lo, c_hi = min(c_lo, start), max(c_hi, end)
        before, after = _context(text, c_lo, c_hi, start, end, width)
        out.append(Hit(
            tid, label, participant, start, end, lo, hi,
            turn.speaker if turn else None, turn.role if turn else None,
            ti + 1 if turn else None, turn.time if turn else None,
            before, " ".join(text[start:end].split()), after,
            _overlaps(coded, lo, hi) if marking else None))
    return out


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _sentence(text: str, sentences: list[Any], starts: list[int], turn: Any,
              start: int, end: int) -> tuple[int, int]:
    """The span that codes a hit: the sentence(s) the match lies in; without sentences,
    its turn; without turns, its line. Always contains the match."""
    if sentences:
        first = max(0, bisect_right(starts, start) - 1)
        last = max(first, bisect_right(starts, max(start, end - 1)) - 1)
        lo, hi = sentences[first].start, sentences[last].end
        if lo <= start and end <= hi:
            return lo, hi
        return min(lo, start), max(hi, end)
    if turn is not None and turn.end > start:
        return turn.start, max(turn.end, end)
    lo = text.rfind("\n", 0, start) + 1
    return lo, max(_line_end(text, start), end)


@dataclass(frozen=True)
class CodeOutcome:
    """What :func:`code_hits` did."""

    coded: int
    """Sentences coded (one coding each)."""
    skipped: int
    """Sentences skipped: already coded with the theme by the coder (or by this batch)."""
    hits: int
    """Hits whose sentences were looked at."""
    event_id: int | None
    """The one event holding every coding (undone by one undo), or ``None``."""


def code_hits(store: Store, hits: Iterable[Hit], theme_id: str, coder: str,
              *, about: str = "") -> CodeOutcome:
    """Code the sentence of every hit with a theme, as ONE undoable event.

    A sentence this coder already has coded with the theme (a coding of it overlapping
    the sentence) is skipped, as is a sentence holding several hits after the first.
    Everything happens in one transaction: the check and the codings, so another
    window's coding made meanwhile is seen, and one ``undo`` takes back them all.

    Args:
        store: the project.
        hits: the hits (of :func:`search`).
        theme_id: the theme to code with (codable, in the current codebook).
        coder: who codes.
        about: the search, in words, kept in the event (``SearchQuery.describe()``).

    Raises:
        UserError: an unknown, retired or folder theme, or an empty coder name.
    """
    hits = list(hits)
    spans = sorted({(h.transcript_id, h.sentence_start, h.sentence_end) for h in hits})
    store.check_codable(theme_id)
    with store.write():
        have: dict[int, list[tuple[int, int]]] = {}
        if coder.strip() in store.coders():
            for c in store.codings(coder=coder.strip(), theme_id=theme_id):
                have.setdefault(c.transcript_id, []).append((c.start, c.end))
        for spans_of in have.values():
            spans_of.sort()
        todo: list[tuple[int, int, int]] = []
        for tid, lo, hi in spans:
            taken = have.setdefault(tid, [])
            if _overlaps(taken, lo, hi):
                continue
            todo.append((tid, lo, hi))
            taken.append((lo, hi))
            taken.sort()
        event = store.code_group(theme_id, coder, todo,
                                 {"source": "search", "search": about}) if todo else None
    return CodeOutcome(len(todo), len(spans) - len(todo), len(hits), event)


__all__ = ["ROLES", "CONTEXT", "SearchQuery", "Hit", "SearchResult", "CodeOutcome",
           "compile_terms", "search", "code_hits", "reading_rows", "one_version",
           "older_versions"]
