"""Word frequencies and keyness: reading the data, and finding words a theme's patterns miss.

What NVivo calls a Word Frequency Query and MAXQDA's MAXDictio offers, for a team
improving its codebook:

- **Frequencies** (:func:`word_frequencies`): the commonest words of the chosen speakers'
  turns (participants by default), counted by lemma (``fell``, ``falling`` and ``fall``
  are one word) with the project's default spaCy pipeline (``spacy.blank("en")`` and the
  lookup lemmatizer, as the suggestion engine tokenises). Stop words, filler sounds
  (:data:`FILLERS`), punctuation and numbers are left out. Each word has its count, the
  transcripts it occurs in, its share per 1,000 running words and its commonest forms.
- **Keyness** (:func:`keyness`): which words the passages coded with a theme use more
  than the rest of the same speakers' speech. For each word: its count in the coded text
  and elsewhere, Dunning's log-likelihood G² over the full 2×2 table (signed: positive
  when the word is over-represented in the coded text), its p value (chi-square, one
  degree of freedom), Hardie's log ratio (log2 of the ratio of relative frequencies, a
  zero count taken as 0.5) and the theme's patterns that already use the word
  (:class:`PatternWords`). A frequent key word no pattern uses is a candidate pattern.

Each interview counts once: a transcript imported in several versions is read in its
latest version (``--transcript name@1`` reads an older one instead; see
:func:`~qualcoder_ahp.reports.search.reading_rows`), so its words are not counted twice
and, for key words, its text is not both coded (on one version) and "elsewhere" (on
the other). Codings on an older version are then not in the coded text.

Texts are tokenised once: a transcript's tokenised doc is read from the project's doc
cache that ``qcahp suggest`` fills (the same key as the engine's), and only a transcript
not cached yet is tokenised here. A report only reads the project (another coder may
be writing to it), so the docs it tokenises are not stored; ``qcahp suggest`` caches
them.

Words are counted as the rest of qcahp counts them (a transcript's word count, the
``words`` of ``qcahp counts``): the running words, the denominators of ``per_1000`` and
of keyness, are the whitespace-separated words (:func:`~qualcoder_ahp.reports.spans.count_words`;
"didn't" and "well-known" are one each, "—" alone is one). A running word belongs to the
speaker turn its first character falls in; the coded text's words are those of the
passages coded with the theme (or a theme below it) by the chosen coder (without one,
every coder's but a consensus coder's, pooled, as in every report) within the chosen
speakers' turns, counted as ``qcahp counts`` counts a passage's words. So with ``--role
all`` a theme's coded words are its ``words`` in ``qcahp counts``; by default only the
participants' share of the passages counts (:attr:`Tally.coded_every_speaker` holds the
other figure). The words listed are counted by spaCy token, each token in the turn and
the coded text its first character lies in ("didn't" gives ``do`` and ``n't``, both stop
words).
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Pattern
from qualcoder_ahp.reports.data import left_out_of_pool, unknown_theme
from qualcoder_ahp.reports.search import ROLES, reading_rows
from qualcoder_ahp.reports.spans import intersect, merge, words_in
from qualcoder_ahp.reports.text_table import cell_head

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.suggest.pipeline import Pipeline

Progress = Callable[[int, int, str], None]
"""``progress(done, total, transcript_name)`` after each transcript."""

FILLERS = frozenset({"um", "umm", "uh", "uhm", "er", "erm", "ah", "oh", "hmm", "mm", "mmm",
                     "mhm", "yeah"})
"""Sounds and backchannels of transcribed speech, left out with the stop words."""
DIRECTIONS = ("over", "under", "both")
"""Which key words to list: over-represented in the coded text, under-, or both."""
CRITICAL = ((15.13, "<0.0001"), (10.83, "<0.001"), (6.63, "<0.01"), (3.84, "<0.05"))
"""G² thresholds of the chi-square distribution with one degree of freedom."""
_TOKEN_KEYS = frozenset({"LOWER", "ORTH", "TEXT", "NORM", "LEMMA"})
_ESCAPES = re.compile(r"\\[A-Za-z]|\(\?P?<[^>]*>|\(\?[a-zA-Z]+[:)]")
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}['’]?s")
_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


# ---------------------------------------------------------------------- counting
@dataclass
class WordCount:
    """One word (a lemma) with its counts in the selected speech."""

    word: str
    count: int = 0
    coded: int = 0
    """Occurrences inside the theme's coded text (keyness only)."""
    transcripts: set[int] = field(default_factory=set)
    coded_in: set[int] = field(default_factory=set)
    """Transcripts whose coded text holds the word."""
    forms: Counter[str] = field(default_factory=Counter)
    """Lower-cased surface forms and their counts."""

    @property
    def elsewhere(self) -> int:
        """Occurrences outside the coded text."""
        return self.count - self.coded

    def top_forms(self, n: int = 3) -> list[str]:
        """The commonest forms, most frequent first (ties alphabetically)."""
        return [f for f, _ in sorted(self.forms.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


@dataclass
class Tally:
    """Every counted word of one selection of speech, with the running-word totals."""

    words: dict[str, WordCount]
    running: int
    """Running words selected: whitespace-separated words, stop words included, as a
    transcript's word count counts them."""
    coded_running: int = 0
    """Running words of the coded text within the selected speakers' turns (counted as
    ``qcahp counts`` counts a passage's words)."""
    coded_every_speaker: int = 0
    """Words of the whole coded passages, every speaker's: ``qcahp counts``' ``words``
    of the theme in the transcripts counted."""
    transcripts: int = 0
    """Transcripts counted."""
    tokenised: int = 0
    """Transcripts tokenised here (the others came from the doc cache)."""
    role: str = "participant"
    transcript_ids: list[int] = field(default_factory=list)
    """The transcripts counted, in order."""
    stop_words: bool = True
    """Whether stop words and fillers were left out."""


def cache_key(text: str, signature: str) -> str:
    """The doc-cache key of a text, as :meth:`~qualcoder_ahp.suggest.engine.Engine.cache_key`
    makes it (the text's hash and the pipeline's signature)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() + ":" + signature


class _Vocabulary:
    """What each distinct token string counts as: its word (lemma) or nothing, and
    whether it is a running word. Decided once per string for the whole corpus."""

    def __init__(self, pipeline: Pipeline, stop: frozenset[str] | None) -> None:
        self.pipeline = pipeline
        self.stop = stop
        self.known: dict[int, tuple[str | None, str, bool]] = {}

    def lookup(self, orth: int) -> tuple[str | None, str, bool]:
        """``(word or None, lower-cased form, running word?)`` of a token string hash."""
        found = self.known.get(orth)
        if found is None:
            found = self.known[orth] = self._decide(orth)
        return found

    def _decide(self, orth: int) -> tuple[str | None, str, bool]:
        vocab = self.pipeline.nlp.vocab
        text = vocab.strings[orth]
        lower = text.lower()
        running = any(ch.isalnum() for ch in text)
        if not any(ch.isalpha() for ch in text) or vocab[text].like_num:
            return None, lower, running
        lemma = self._lemma(lower)
        if lemma == lower and _ACRONYM_PLURAL.fullmatch(text):
            lemma = lower[:-1]  # AHPs, CCGs: the table knows no acronyms
        if self.stop is not None and (lower in self.stop or lemma in self.stop
                                      or lower.replace("’", "'") in self.stop):
            return None, lower, running
        return lemma, lower, running

    def _lemma(self, lower: str) -> str:
        # The lookup table is case-sensitive ("Fell" is not in it): a sentence's first
        # word must count with the rest, so the lower-cased form is looked up.
        table = self.pipeline.lemma_table
        if table is None:  # a trained pipeline: words still group by the lookup table
            table = _lookup_table()
        found = table.get(lower, lower)
        return (found if isinstance(found, str) else found[0]).lower()


@functools.cache
def _lookup_table() -> Any:
    """spacy-lookups-data's English lemma table (a trained pipeline's lemmatizer works
    on tokens in context, not on the distinct words this report groups)."""
    from spacy.lookups import load_lookups

    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


def stop_words(extra: Iterable[str] = (), *, keep_stop_words: bool = False) -> frozenset[str]:
    """The words left out: spaCy's English stop words and :data:`FILLERS` (unless
    ``keep_stop_words``), plus ``extra`` (lower-cased)."""
    words = {w.strip().lower() for w in extra if w.strip()}
    if not keep_stop_words:
        from spacy.lang.en.stop_words import STOP_WORDS

        words |= set(STOP_WORDS) | FILLERS
    return frozenset(words)


def tally(
    store: Store,
    *,
    transcripts: Iterable[str] | None = None,
    transcript_ids: Iterable[int] | None = None,
    role: str = "participant",
    coded: dict[int, list[tuple[int, int]]] | None = None,
    exclude: Iterable[str] = (),
    keep_stop_words: bool = False,
    progress: Progress | None = None,
) -> Tally:
    """Count the words of one speaker role's turns (``all``: every turn).

    Args:
        store: the project.
        transcripts: names (``name`` for its latest version, ``name@2`` for that one)
            instead of the latest version of every transcript: an interview imported in
            two versions is counted once (:func:`~qualcoder_ahp.reports.search.reading_rows`).
        transcript_ids: these transcripts, as they are (a report selection's ids, made
            one version of each interview with
            :func:`~qualcoder_ahp.reports.search.one_version`).
        role: ``participant`` (the default), ``interviewer`` or ``all``.
        coded: merged, sorted coded spans per transcript id: each word's ``coded``
            count counts the tokens inside them, :attr:`Tally.coded_running` their
            words in the role's turns.
        exclude: more words to leave out, each with every form of its lemma.
        keep_stop_words: count stop words and fillers too.
        progress: called after each transcript.

    Raises:
        UserError: an unknown role or transcript.
    """
    if role not in ROLES:
        raise UserError(f"no speaker role {role!r} (use {', '.join(ROLES)})")
    import numpy
    from spacy.attrs import IDX, ORTH

    from qualcoder_ahp.suggest.pipeline import pipeline_for, squeeze

    if transcript_ids is not None:
        wanted = set(transcript_ids)
        rows = [r for r in store.report_transcripts() if r[0] in wanted]
    else:
        rows = reading_rows(store, transcripts)
    pipeline = pipeline_for(store.codebook().pipeline)
    stop = stop_words(exclude, keep_stop_words=keep_stop_words)
    with pipeline.lock:  # an excluded form ("chances") leaves its whole word out
        stop |= {_Vocabulary(pipeline, None)._lemma(w.strip().lower()) for w in exclude}
    vocab = _Vocabulary(pipeline, stop or None)
    words: dict[str, WordCount] = {}
    out = Tally(words, 0, role=role, transcripts=len(rows),
                transcript_ids=[r[0] for r in rows], stop_words=not keep_stop_words)
    names = {r[0]: (r[1] if r[2] == 1 else f"{r[1]}@{r[2]}") for r in rows}
    for done, (tid, text) in enumerate(store.report_texts([r[0] for r in rows]), start=1):
        key = cache_key(text, pipeline.signature)
        blob = store.doc_cache_get([key]).get(key)
        with pipeline.lock:
            if blob is not None:
                doc = pipeline.from_bytes(blob)
            else:
                doc = pipeline.tokenize(text)
                out.tokenised += 1
            array = doc.to_array([ORTH, IDX]) if len(doc) else numpy.zeros((0, 2), "uint64")
            starts = array[:, 1].astype(numpy.int64)
            where = squeeze(text)[1]  # the doc's offsets are the squeezed text's
            if where is not None and len(starts):
                starts = where[starts]
            spoken = _role_spans(store.turns(tid), role, len(text))
            passages = coded.get(tid, []) if coded is not None else []
            keep = _in_spans(starts, spoken)
            inside = _in_spans(starts, passages)
            for mask, is_coded in ((keep & ~inside, False), (keep & inside, True)):
                orths, counts = numpy.unique(array[mask, 0], return_counts=True)
                for orth, n in zip(orths.tolist(), counts.tolist(), strict=True):
                    word, form, _ = vocab.lookup(orth)
                    if word is None:
                        continue
                    entry = words.get(word)
                    if entry is None:
                        entry = words[word] = WordCount(word)
                    entry.count += n
                    if is_coded:
                        entry.coded += n
                        entry.coded_in.add(tid)
                    entry.transcripts.add(tid)
                    entry.forms[form] += n
        out.running += int(_in_spans(word_starts(text), spoken).sum())
        if passages:
            out.coded_running += words_in(text, intersect(spoken, passages))
            out.coded_every_speaker += words_in(text, passages)
        if progress is not None:
            progress(done, len(rows), names[tid])
    return out


def lemmatiser(store: Store) -> Callable[[str], str]:
    """The lemma of a lower-cased word, as :func:`tally` groups words (for phrases)."""
    from qualcoder_ahp.suggest.pipeline import pipeline_for

    pipeline = pipeline_for(store.codebook().pipeline)

    def lemma(word: str) -> str:
        with pipeline.lock:
            return _Vocabulary(pipeline, None)._lemma(word)

    return lemma


_SPACE = tuple(ord(ch) for ch in map(chr, range(0x3001)) if ch.isspace())
"""The code points ``str.split()`` splits on (none lies above U+3000)."""


@functools.cache
def _space_table() -> Any:
    """A numpy lookup table: ``True`` at each code point of :data:`_SPACE`."""
    import numpy

    table = numpy.zeros(0x3002, dtype=bool)
    table[list(_SPACE)] = True
    return table


def word_starts(text: str) -> Any:
    """Where each whitespace-separated word of ``text`` starts (a numpy array): the
    words :func:`~qualcoder_ahp.reports.spans.count_words` counts, found at numpy's
    speed rather than a regular expression's (a study is millions of words)."""
    import numpy

    points = numpy.frombuffer(text.encode("utf-32-le"), dtype=numpy.uint32)
    # Every code point above U+3000 is looked up as U+3001, which is no space.
    space = _space_table()[numpy.minimum(points, 0x3001)]
    before = numpy.concatenate(([True], space[:-1]))
    return numpy.flatnonzero(~space & before).astype(numpy.int64)


def _role_spans(turns: Sequence[Any], role: str, length: int) -> list[tuple[int, int]]:
    if role == "all":
        return [(0, length)]
    return [(t.start, t.end) for t in turns if t.role == role]


def _in_spans(starts: Any, spans: Sequence[tuple[int, int]]) -> Any:
    """Which token starts lie inside one of the sorted, disjoint ``spans``."""
    import numpy

    if not spans:
        return numpy.zeros(len(starts), dtype=bool)
    lo = numpy.array([s for s, _ in spans], dtype=numpy.int64)
    hi = numpy.array([e for _, e in spans], dtype=numpy.int64)
    at = numpy.searchsorted(lo, starts, side="right") - 1
    return (at >= 0) & (starts < hi[numpy.maximum(at, 0)])


# ---------------------------------------------------------------------- frequencies
@dataclass(frozen=True)
class FrequencyRow:
    """One row of the frequency list."""

    word: str
    count: int
    transcripts: int
    per_1000: float
    forms: tuple[str, ...]


def word_frequencies(counted: Tally, *, top: int = 30, min_count: int = 1) -> list[FrequencyRow]:
    """The commonest words, most frequent first (ties alphabetically); ``top=0``: all."""
    chosen = sorted((w for w in counted.words.values() if w.count >= min_count),
                    key=lambda w: (-w.count, w.word))
    if top:
        chosen = chosen[:top]
    return [FrequencyRow(w.word, w.count, len(w.transcripts),
                         1000 * w.count / counted.running if counted.running else 0.0,
                         tuple(w.top_forms())) for w in chosen]


# ---------------------------------------------------------------------- keyness
def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Dunning's G² of a word seen ``a`` times in ``c`` coded words and ``b`` times in
    ``d`` other words, over the full 2×2 table; positive when the word is relatively
    more frequent in the coded text, negative when less, 0 when equally."""
    n = c + d
    if n == 0 or a + b == 0:
        return 0.0
    cells = ((a, c * (a + b) / n), (b, d * (a + b) / n),
             (c - a, c * (n - a - b) / n), (d - b, d * (n - a - b) / n))
    g2 = 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)
    sign = (a * d > b * c) - (a * d < b * c)
    return sign * max(g2, 0.0)


def p_value(g2: float) -> float:
    """The p value of a G² (chi-square, one degree of freedom)."""
    return math.erfc(math.sqrt(abs(g2) / 2))


def p_label(g2: float) -> str:
    """``<0.0001``, ``<0.001``, ``<0.01``, ``<0.05`` or the p value to two places."""
    for threshold, label in CRITICAL:
        if abs(g2) >= threshold:
            return label
    return f"{p_value(g2):.2f}"


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """Hardie's log ratio: log2 of the relative frequency in the coded text over the
    one elsewhere; a zero count is taken as 0.5, so the figure stays finite."""
    if c == 0 or d == 0:
        return 0.0
    return math.log2(((a or 0.5) / c) / ((b or 0.5) / d))


@dataclass(frozen=True)
class KeyRow:
    """One key word of a theme's coded text."""

    word: str
    coded: int
    elsewhere: int
    coded_per_1000: float
    elsewhere_per_1000: float
    g2: float
    p: float
    log_ratio: float
    transcripts: int
    """Transcripts in whose coded text the word occurs."""
    patterns: tuple[str, ...]
    """The theme's patterns that use the word (empty: a candidate for a new one)."""
    forms: tuple[str, ...]


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal cells (a CJK character takes two), ending
    in "…" where cut."""
    if cell_len(text) <= width:
        return text
    return cell_head(text, max(1, width - 1)) + "\u2026"


def patterns_label(ids: Sequence[str], width: int) -> str:
    """``ser_lucky +2``: the first pattern id (cut to fit) and how many more; "" for none."""
    if not ids:
        return ""
    more = f" +{len(ids) - 1}" if len(ids) > 1 else ""
    return cut(ids[0], width - len(more)) + more


@dataclass
class KeynessReport:
    """The key words of one theme's coded text against the rest of the speech."""

    theme_id: str
    coder: str | None
    rows: list[KeyRow]
    coded_words: int
    other_words: int
    passages: int
    """Merged coded passages (overlapping codings count once)."""
    candidates: int
    """Listed rows no pattern of the theme uses."""


def coded_spans(store: Store, theme_id: str, coder: str | None,
                ) -> tuple[list[str], dict[int, list[tuple[int, int]]]]:
    """The theme and the themes below it, and their active codings (by ``coder``, or
    pooled: every coder's but a consensus coder's) per transcript, merged and sorted.

    Raises:
        UserError: the theme is not in the codebook.
    """
    themes = store.themes(include_inactive=True)
    active = [t.id for t in store.themes()]
    if theme_id not in {t.id for t in themes}:
        raise unknown_theme(theme_id, active)
    children: dict[str, list[str]] = {}
    for t in themes:
        if t.parent_id:
            children.setdefault(t.parent_id, []).append(t.id)
    subtree, todo = [], [theme_id]
    while todo:
        current = todo.pop()
        if current not in subtree:
            subtree.append(current)
            todo.extend(children.get(current, []))
    spans: dict[int, list[tuple[int, int]]] = {}
    # Pooled (no coder), the consensus coders are left out, as in every report.
    left_out = left_out_of_pool(store) if coder is None else set()
    for tid_theme in subtree:
        for c in store.codings(coder=coder, theme_id=tid_theme):
            if c.coder not in left_out:
                spans.setdefault(c.transcript_id, []).append((c.start, c.end))
    if not spans and theme_id not in active:
        # Merged away: its codings are the other theme's now, so "nothing is coded
        # with it" (exit 0) would send the researcher looking for lost codings.
        merged = store.merged_into()
        if theme_id in merged:
            raise unknown_theme(theme_id, active, merged)
    return subtree, {tid: merge(s) for tid, s in spans.items()}


def keyness(counted: Tally, patterns: PatternWords, *, theme_id: str, coder: str | None,
            passages: int, direction: str = "over", top: int = 30, min_count: int | None = None,
            max_p: float = 0.05) -> KeynessReport:
    """The key words of the coded text, strongest first.

    Args:
        counted: a :func:`tally` with the theme's coded spans.
        patterns: the theme's pattern words (:class:`PatternWords`).
        theme_id: the theme, for the report.
        coder: the coder, for the report (``None``: the pooled codings).
        passages: merged coded passages, for the report.
        direction: ``over`` (the default) lists words over-represented in the coded text,
            ``under`` those under-represented, ``both`` both (by the size of G²).
        top: at most this many rows (0: all).
        min_count: leave out words seen fewer times (in the coded text for ``over``,
            in all for ``under`` and ``both``); default 3.
        max_p: leave out words whose p value is above this (default 0.05; 1 keeps
            every word over- or under-represented at all).
    """
    if direction not in DIRECTIONS:
        raise UserError(f"no direction {direction!r} (use {', '.join(DIRECTIONS)})")
    min_count = 3 if min_count is None else min_count
    c, d = counted.coded_running, counted.running - counted.coded_running
    rows = []
    for w in counted.words.values():
        seen = w.coded if direction == "over" else w.count
        if seen < min_count:
            continue
        g2 = log_likelihood(w.coded, w.elsewhere, c, d)
        # G² 0 (as often in the coded text as elsewhere; nothing elsewhere at all) is a
        # word neither over- nor under-represented: not a key word in any direction.
        if g2 == 0 or (direction == "over" and g2 < 0) or (direction == "under" and g2 > 0):
            continue
        p = p_value(g2)
        if p > max_p:
            continue
        rows.append(KeyRow(
            w.word, w.coded, w.elsewhere, 1000 * w.coded / c if c else 0.0,
            1000 * w.elsewhere / d if d else 0.0, g2, p, log_ratio(w.coded, w.elsewhere, c, d),
            len(w.coded_in), (), tuple(w.top_forms())))
    order: dict[str, Callable[[KeyRow], Any]] = {
        "over": lambda r: (-r.g2, r.word), "under": lambda r: (r.g2, r.word),
        "both": lambda r: (-abs(r.g2), r.word)}
    rows.sort(key=order[direction])
    if top:
        rows = rows[:top]
    # Only the listed words are checked against the patterns: hundreds of regular
    # expressions over thousands of words would cost seconds for nothing.
    forms = {w.word: w.forms for w in counted.words.values()}
    rows = [replace(r, patterns=patterns.using(r.word, forms[r.word])) for r in rows]
    candidates = sum(1 for r in rows if not r.patterns)
    return KeynessReport(theme_id, coder, rows, c, d, passages, candidates)


# ---------------------------------------------------------------------- patterns
class PatternWords:
    """The words a theme's patterns use, to tell which key words they already cover.

    A pattern uses a word when one of its token attributes (``LOWER``, ``LEMMA``,
    ``ORTH``, ``TEXT``, ``NORM``, directly or in an ``IN`` list; a dependency pattern's
    ``RIGHT_ATTRS`` too) names the word or one of its forms, or its ``REGEX`` value
    matches one; when a phrase pattern holds the word (its forms or lemmas); or when a
    regular expression matches the word or a form on its own, or holds it as a literal
    word ("fell into" uses "fall" through "fell"). Exclusion patterns are left out: they
    keep a theme off, so they cover nothing.
    """

    def __init__(self, patterns: Iterable[Pattern],
                 lemma: Callable[[str], str] | None = None) -> None:
        """Index the patterns (``lemma`` lemmatises the words of phrases)."""
        self.exact: dict[str, set[str]] = {}
        self.regexes: list[tuple[str, re.Pattern[str]]] = []
        lemma = lemma or (lambda w: w)
        for p in patterns:
            if p.exclude:
                continue
            if p.kind in ("token", "dependency"):
                for spec in p.body if isinstance(p.body, list) else []:
                    attrs = spec.get("RIGHT_ATTRS", spec) if isinstance(spec, dict) else {}
                    self._token(p.id, attrs)
            elif p.kind == "phrase":
                for w in _LETTERS.findall(str(p.body)):
                    self._add(p.id, w.lower(), lemma(w.lower()))
            elif p.kind == "regex":
                body = str(p.body)
                try:
                    self.regexes.append((p.id, re.compile(body, re.IGNORECASE)))
                except re.error:
                    pass
                for w in _LETTERS.findall(_ESCAPES.sub(" ", body)):
                    if len(w) > 1:
                        self._add(p.id, w.lower(), lemma(w.lower()))

    def _add(self, pid: str, *words: str) -> None:
        for w in words:
            self.exact.setdefault(w, set()).add(pid)

    def _token(self, pid: str, attrs: dict[str, Any]) -> None:
        for key, value in attrs.items():
            if str(key).upper() not in _TOKEN_KEYS:
                continue
            if isinstance(value, str):
                self._add(pid, value.lower())
            elif isinstance(value, dict):
                for op, arg in value.items():
                    if op == "IN" and isinstance(arg, list):
                        self._add(pid, *(str(v).lower() for v in arg))
                    elif op == "REGEX" and isinstance(arg, str):
                        try:
                            self.regexes.append((pid, re.compile(arg, re.IGNORECASE)))
                        except re.error:
                            pass

    def using(self, word: str, forms: Iterable[str] = ()) -> tuple[str, ...]:
        """The ids of the patterns that use ``word`` (a lemma) or one of its ``forms``."""
        candidates = {word, *forms}
        found: set[str] = set()
        for w in candidates:
            found |= self.exact.get(w, set())
        for pid, regex in self.regexes:
            if pid not in found and any(regex.search(w) for w in candidates):
                found.add(pid)
        return tuple(sorted(found))


__all__ = ["DIRECTIONS", "FILLERS", "FrequencyRow", "KeyRow", "KeynessReport", "PatternWords",
           "Tally", "WordCount", "cache_key", "coded_spans", "keyness", "lemmatiser",
           "log_likelihood", "log_ratio", "p_label", "p_value", "stop_words", "tally",
           "word_frequencies"]
