"""Agreement views over a project: theme x transcript, theme, overall, and disagreements.

:func:`collect` reads what is needed from the store once (each coder's active
codings merged into half-open intervals per transcript and theme, the stored
sentence and turn bounds); :func:`compute` then works on that plain data:

1. per (theme, transcript) a :class:`Tally` - the 2x2 counts of every coder pair
   and, for any number of coders, how many units were coded by ``m`` of ``r``
   coders - by an interval sweep (:mod:`intervals`), never a character loop;
2. tallies add up, so the per-theme view pools a theme over transcripts and the
   overall view pools everything; the coefficients of :mod:`stats` are computed
   from the summed counts;
3. the overall *mean* is the mean of the per-theme values (undefined ones left
   out and counted).

Speech compared: by default the units are the participants' speech (their turns: the
text coders are asked to code, and the only text suggestions are made on), so that the
interviewer's questions, which nobody codes, do not count as agreed absence and lift
every figure; ``speakers="all"`` compares the whole text, every speaker's turns, as
before. A coding outside the speech compared is not silently lost: :func:`outside_note`
says how many there are (and ``--speakers all`` compares them).

Missing ratings: a coder who made no coding and no decision on a suggestion in a
transcript (for a consensus coder, no reconcile decision there) has not coded it yet,
so that transcript is *missing* for them (not "coded nothing"). A coder who only
rejected suggestions there has read it and coded nothing: their rejections are ratings,
and disagree with a coder who accepted. With two
coders such a transcript is left out of the pooled figures and its rows say why;
with three or more, Krippendorff's alpha and Fleiss'/Gwet's coefficients use the
coders who did code it (missing values allowed).
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.agreement import stats as st
from qualcoder_ahp.agreement.intervals import (
    Interval,
    coverage_counts,
    coverage_runs,
    covered_length,
    intersect,
    merge,
    pair_counts,
    total_length,
)
from qualcoder_ahp.agreement.unitizing import UnitizingResult, unitizing_alpha
from qualcoder_ahp.agreement.units import UNITS, segment_table, to_unit_space
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import plural

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

Progress = Callable[[str], None] | None
CONSENSUS = "consensus"
SPEAKERS = ("participants", "all")
"""Whose speech agreement compares: the participants' turns (the default: the text
coders are asked to code, and suggestions are made on), or every speaker's, the
interviewer's questions too."""


def default_speakers(store: Store) -> tuple[str, str]:
    """Whose speech agreement compares when ``--speakers`` is not given, and why.

    The participants' (``("participants", "")``), unless the codebook's patterns suggest
    on the interviewer's turns too (a pattern with ``scope: interviewer`` or ``scope:
    all``): the text coders are asked to code is then every speaker's, and comparing the
    participants' alone left every coding of a question out of the figures, with only a
    note to say so. The codebook decides, not where the codings happen to lie: one
    coder's stray coding of a question would otherwise change what every figure is of.
    """
    codable = {t.id for t in store.themes() if t.codable}
    wider = [p for p in store.patterns() if p.theme_id in codable and not p.exclude
             and p.scope in ("interviewer", "all")]
    if not wider:
        return "participants", ""
    return "all", (f"the codebook's patterns suggest on the interviewer's turns too "
                   f"({plural(len(wider), 'pattern')} with scope interviewer or all)")


@dataclass(frozen=True)
class TranscriptData:
    """What agreement needs of one transcript."""

    id: int
    name: str
    text: str
    sentences: tuple[Interval, ...] = ()
    turns: tuple[Interval, ...] = ()
    interview: str = ""
    """The interview's name, one for all its versions (``name`` is ``NAME@N``)."""
    speech: tuple[int, ...] | None = None
    """The indexes of the turns compared (the participants'), or ``None``: the whole
    text, every turn and sentence (``--speakers all``, or a transcript without turns)."""
    speech_sentences: tuple[int, ...] = ()
    """With ``speech``, the indexes of the sentences in those turns (found once, by
    :func:`sentences_in`, not for every theme)."""


@dataclass
class Corpus:
    """Merged codings of the compared coders, ready for sweeping."""

    coders: tuple[str, ...]
    themes: list[tuple[str, str]]
    """``(theme id, theme name)`` in codebook order."""
    transcripts: list[TranscriptData]
    spans: dict[tuple[int, str, str], list[Interval]] = field(default_factory=dict)
    """``(transcript id, theme id, coder) -> merged intervals``."""
    raters: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Transcript id -> the compared coders who made a coding or decided a suggestion
    in it."""
    pooled: str = "(all)"
    """The transcript column of the pooled rows (theme, overall, mean): ``(all)``, or
    ``(selected)`` when some transcripts were chosen."""
    speakers: str = "all"
    """Whose speech the units are: ``participants`` or ``all`` (:data:`SPEAKERS`)."""
    speakers_why: str = ""
    """Why, when no ``--speakers`` chose it (:func:`default_speakers`): ``the codebook's
    patterns suggest on the interviewer's turns too (...)``; empty otherwise."""
    added_in_copies: dict[str, str] = field(default_factory=dict)
    """Theme id -> the compared coder who added it while coding in their copy of the
    project (merged here): another coder's copy may not have had it
    (:func:`added_note`)."""
    outside: dict[str, list[int]] = field(default_factory=dict)
    """Coder -> ``[wholly, partly]``: their codings of the compared themes, in the
    transcripts they rated, that lie wholly (left out) or partly (compared on their
    participant part) outside the speech compared."""


def collect(store: Store, coders: Sequence[str], *, theme: str | None = None,
            transcript: str | None = None, transcript_ids: Collection[int] | None = None,
            progress: Progress = None, speakers: str | None = "participants") -> Corpus:
    """Read the compared coders' codings, merged per transcript and theme.

    ``transcript`` (a name, its latest version, or ``name@2``) or ``transcript_ids`` (the
    ids of a ``--transcript`` / ``--where`` selection) restrict the transcripts compared:
    every figure is then of those transcripts only. ``speakers`` (:data:`SPEAKERS`):
    whose speech the units are; ``None``: as the codebook says (:func:`default_speakers`).

    Raises:
        UserError: fewer than two distinct coders, or an unknown coder, theme or
            transcript.
    """
    why = ""
    if speakers is None:
        speakers, why = default_speakers(store)
    if speakers not in SPEAKERS:
        raise UserError(f"unknown speakers {speakers!r} (choose {', '.join(SPEAKERS)})")
    names = tuple(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if len(names) < 2:
        raise UserError("agreement needs two or more different coders (--coders A,B)")
    for name in names:
        store.coder_id(name)
    if theme is not None:
        try:
            found = store.theme(theme)
        except UserError:
            from qualcoder_ahp.reports.data import unknown_theme

            raise unknown_theme(theme, [t.id for t in store.themes()]) from None
        themes = [(found.id, found.name)]
        if not found.codable:
            # A folder is not coded itself: it stands for the themes under it (as
            # `reconcile log --theme` reads it), never a theme "neither coder used".
            tree = store.themes()
            below = {found.id}
            while grew := {t.id for t in tree if t.parent_id in below} - below:
                below |= grew
            themes = [(t.id, t.name) for t in tree if t.id in below and t.codable]
            if not themes:
                raise UserError(f"{theme!r} is a folder with no themes under it to compare")
    else:
        themes = [(t.id, t.name) for t in store.themes() if t.codable]
    from qualcoder_ahp.reports.data import find_transcript

    if transcript_ids is not None:
        infos = [t for t in store.transcripts() if t.id in set(transcript_ids)]
    else:
        infos = [find_transcript(store, transcript)] if transcript else store.transcripts()
    chosen = transcript is not None or transcript_ids is not None
    corpus = Corpus(names, themes, [], pooled="(selected)" if chosen else "(all)",
                    speakers=speakers, speakers_why=why)
    # Named as every report names them: name@1 too when a later version was imported
    # (the first version was the bare name beside name@2).
    from qualcoder_ahp.reports.data import label_of

    labels = label_of(store.report_transcripts())
    compared = {t for t, _ in themes}
    corpus.added_in_copies = {t: c for t, c in store.themes_added_in_copies().items()
                              if t in compared and c in names}
    reconciled = Reconciled(store, names)
    for info in infos:
        part = collect_transcript(store, info, labels.get(info.id), names, compared,
                                  reconciled, speakers)
        _add_part(corpus, part, keep_others=theme is None, name_of=store)
        if progress:
            progress(info.name)
    return corpus


@dataclass(frozen=True)
class TranscriptCodings:
    """One transcript's share of a :class:`Corpus`, as :func:`collect` reads it."""

    data: TranscriptData
    spans: dict[tuple[str, str], list[Interval]]
    """``(theme id, coder) -> merged intervals``, every theme coded here."""
    rated: tuple[str, ...]
    """The compared coders who made a coding or decided a suggestion here."""
    others: tuple[str, ...]
    """Themes coded here that are not among the themes compared (retired from the
    codebook), in the order they were first met (coder by coder, coding by coding)."""
    outside: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    """``(theme id, coder) -> (wholly, partly)``: codings outside the speech compared."""


class Reconciled:
    """Whether a consensus coder decided anything in a transcript: a reconcile decision
    in effect (or replaced by a later one) is the consensus's rating of it, even one that
    rejected every disagreement there and left it no coding.

    The reconcile log is read once, and only when a compared coder with no coding and no
    decision in a transcript is a consensus coder."""

    def __init__(self, store: Store, coders: Sequence[str]) -> None:
        self.store = store
        self.coders = coders
        self.names: set[str] | None = None
        self.decided: set[tuple[str, int]] = set()

    def __call__(self, coder: str, transcript_id: int) -> bool:
        if self.names is None:
            self.names = set(self.coders) & self.store.consensus_coders()
            if self.names:
                self.decided = {(e["coder"], e["transcript_id"])
                                for e in self.store.reconcile_log()
                                if e["status"] != "undone" and e["coder"] in self.names}
        return (coder, transcript_id) in self.decided


def collect_transcript(store: Store, info: Any, label: str | None, coders: Sequence[str],
                       themes: Collection[str],
                       reconciled: Callable[[str, int], bool] | None = None,
                       speakers: str = "all") -> TranscriptCodings:
    """Read one transcript's text, bounds and the compared coders' codings (merged).

    Args:
        info: the transcript (a ``TranscriptInfo``).
        label: its name as the reports give it (``name@1`` beside ``name@2``).
        themes: the themes compared; codings of any other are kept and named in
            ``others``, the caller decides what to do with them.
        reconciled: whether a (consensus) coder decided a reconcile stretch in a
            transcript (:class:`Reconciled`): that coder has rated it.
        speakers: whose speech the units are (:data:`SPEAKERS`); with ``participants``
            the codings outside it are counted in ``outside``.
    """
    sentences, turns = store.unit_bounds(info.id)
    speech = None
    if speakers == "participants" and turns:
        roles = store.turn_roles(info.id)
        speech = tuple(k for k, role in enumerate(roles) if role == "participant")
    data = TranscriptData(info.id, label or info.label, store.transcript_text(info.id),
                          sentences, turns, interview=info.name, speech=speech,
                          speech_sentences=sentences_in(sentences, turns, speech)
                          if speech is not None else ())
    raw: dict[tuple[str, str], list[Interval]] = {}
    rated: list[str] = []
    others: dict[str, None] = {}
    for name in coders:
        codings = store.coding_spans(info.id, name)
        # Rejecting a suggestion is coding the transcript too: a coder who rejected
        # everything another coder accepted used to be "not started", and the
        # disagreement was left out of agreement, disagreements and reconcile.
        # So is a consensus's reconcile decision: a transcript where it rejected every
        # disagreement holds no consensus coding, and was left out of a coder's
        # agreement with the consensus ("consensus made no coding or decision in this
        # transcript"), the coder's rejected codings with it.
        if codings or store.decisions_for(name, info.id) or (
                reconciled is not None and reconciled(name, info.id)):
            rated.append(name)
        for theme_id, start, end in codings:
            if theme_id not in themes:
                others.setdefault(theme_id)
            raw.setdefault((theme_id, name), []).append((start, end))
    outside: dict[tuple[str, str], tuple[int, int]] = {}
    if speech is not None:
        regions = speech_regions(data)
        ends = [e for _, e in regions]
        for key, spans in raw.items():
            wholly = partly = 0
            for span in spans:
                inside = covered_length(span, regions, ends)
                if inside == 0:
                    wholly += 1
                elif inside < span[1] - span[0]:
                    partly += 1
            if wholly or partly:
                outside[key] = (wholly, partly)
    return TranscriptCodings(data, {key: merge(spans) for key, spans in raw.items()},
                             tuple(rated), tuple(others), outside)


def _add_part(corpus: Corpus, part: TranscriptCodings, *, keep_others: bool,
              name_of: Store | dict[str, str]) -> None:
    """Add one transcript's codings to ``corpus``. ``keep_others``: a theme used in
    codings but retired from the codebook still counts, named as the reports name it
    so nobody takes it for a current theme (else its codings are left out)."""
    tid = part.data.id
    corpus.transcripts.append(part.data)
    known = {t for t, _ in corpus.themes}
    if keep_others:
        for theme_id in part.others:
            if theme_id not in known:
                known.add(theme_id)
                corpus.themes.append((theme_id, retired_name(name_of, theme_id)))
    k = len(corpus.coders)
    compared = len(part.rated) >= (2 if k > 2 else k)  # as agreement compares it
    for (theme_id, coder), (wholly, partly) in part.outside.items():
        if compared and theme_id in known and coder in part.rated:
            counts = corpus.outside.setdefault(coder, [0, 0])
            counts[0] += wholly
            counts[1] += partly
    for (theme_id, coder), spans in part.spans.items():
        if theme_id in known:
            corpus.spans[tid, theme_id, coder] = spans
    corpus.raters[tid] = part.rated


def speech_regions(data: TranscriptData) -> list[Interval]:
    """The character spans of the speech compared: the participants' turns, or the
    whole text (``data.speech`` is ``None``)."""
    if data.speech is None:
        return [(0, len(data.text))] if data.text else []
    return [data.turns[k] for k in data.speech]


def unit_bounds(data: TranscriptData, unit: str) -> tuple[list[Interval], list[int]]:
    """The sentence or turn units compared, and each one's index among all of them.

    With the participants' speech (``data.speech``), a sentence is compared when it
    lies in a participant's turn (:func:`sentences_in`)."""
    bounds = data.sentences if unit == "sentence" else data.turns
    if data.speech is None:
        return list(bounds), list(range(len(bounds)))
    kept = list(data.speech if unit == "turn" else data.speech_sentences)
    return [bounds[i] for i in kept], kept


def sentences_in(sentences: Sequence[Interval], turns: Sequence[Interval],
                 speech: Collection[int]) -> tuple[int, ...]:
    """The indexes of the sentences lying in the turns ``speech`` (by where each starts:
    a sentence never crosses a turn)."""
    starts = [s for s, _ in turns]
    chosen = set(speech)
    return tuple(i for i, (start, _) in enumerate(sentences)
                 if bisect.bisect_right(starts, start) - 1 in chosen)


def clip_to_speech(spans: Sequence[Interval], regions: Sequence[Interval],
                   whole: bool) -> list[Interval]:
    """A coder's merged spans cut to the speech compared (``whole``: nothing to cut)."""
    return list(spans) if whole else intersect(spans, regions)


def compress(spans: Sequence[Interval], regions: Sequence[Interval]) -> list[Interval]:
    """Spans lying inside ``regions``, in a space where the regions follow one another
    (the characters compared, numbered from 0): the character unit's sweep counts them
    there. Two spans that only meet at a region's edge stay two."""
    out: list[Interval] = []
    offset = 0
    k = 0
    for start, end in regions:
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        j = k
        while j < len(spans) and spans[j][0] < end:
            a, b = max(spans[j][0], start), min(spans[j][1], end)
            if b > a:
                out.append((a - start + offset, b - start + offset))
            j += 1
        offset += end - start
    return out


def retired_name(name_of: Store | dict[str, str], theme_id: str) -> str:
    """``Old theme (retired)``: a theme coded but no longer in the codebook."""
    if isinstance(name_of, dict):
        return name_of[theme_id]
    return f"{name_of.theme(theme_id).name} (retired)"


class FollowedCorpus:
    """The compared coders' codings, kept up to date by reading again only the
    transcripts whose codings or decisions changed since the last :meth:`refresh`.

    What changed is read from the event log (every decision appends one event naming
    the codings and suggestions it touched, see ``Store.transcripts_changed_since``);
    transcripts imported, renamed (a new version) or withdrawn since are compared
    with the list of transcripts. A change the log cannot place (a merge, a REFI import,
    a withdrawal, a theme added, edited or merged, the codebook loaded again) reads
    everything again. :meth:`corpus` is then what :func:`collect` would return.
    """

    def __init__(self, coders: Sequence[str]) -> None:
        self.coders = tuple(dict.fromkeys(c.strip() for c in coders if c.strip()))
        self.parts: dict[int, TranscriptCodings] = {}
        self.order: list[int] = []
        """The transcript ids, in the store's order."""
        self.themes: list[tuple[str, str]] = []
        """The codebook's codable themes when last read."""
        self.seen: int | None = None
        """The newest event taken in (``None``: nothing read yet)."""
        self.names: dict[str, str] = {}
        """The names of themes coded but retired, as the reports give them."""

    def refresh(self, store: Store,
                progress: Callable[[int, int], None] | None = None) -> set[int]:
        """Take in what changed since the last call; ``progress(done, total)`` after each
        transcript read.

        Returns:
            The ids of the transcripts read again (every one, the first time).

        Raises:
            UserError: as :func:`collect` (fewer than two coders, an unknown one).
        """
        from qualcoder_ahp.reports.data import label_of

        # The newest event first: a commit landing while we read is then after it, and
        # the next refresh reads its transcripts again.
        newest = store.newest_event_id()
        changed = (None if self.seen is None
                   else store.transcripts_changed_since(self.seen, newest))
        themes = [(t.id, t.name) for t in store.themes() if t.codable]
        infos = store.transcripts()
        labels = label_of(store.report_transcripts())
        if changed is None or themes != self.themes:
            if len(self.coders) < 2:
                raise UserError("agreement needs two or more different coders (--coders A,B)")
            for name in self.coders:
                store.coder_id(name)
            self.parts, self.names = {}, {}
            changed = set()
        dirty = changed | {
            info.id for info in infos if info.id not in self.parts
            or self.parts[info.id].data.name != (labels.get(info.id)
                                                 or info.label)}
        compared = {t for t, _ in themes}
        ids = {info.id for info in infos}
        self.parts = {tid: part for tid, part in self.parts.items() if tid in ids}
        reconciled = Reconciled(store, self.coders)
        todo = sum(1 for info in infos if info.id in dirty)
        done = 0
        for info in infos:
            if info.id in dirty:
                part = collect_transcript(store, info, labels.get(info.id), self.coders,
                                          compared, reconciled)
                self.parts[info.id] = part
                for theme_id in part.others:
                    if theme_id not in self.names:
                        self.names[theme_id] = retired_name(store, theme_id)
                done += 1
                if progress is not None:
                    progress(done, todo)
        self.order = [info.id for info in infos]
        self.themes, self.seen = themes, newest
        return dirty & ids

    def corpus(self) -> Corpus:
        """The compared coders' codings, as :func:`collect` of every transcript reads them."""
        corpus = Corpus(self.coders, list(self.themes), [])
        for tid in self.order:
            _add_part(corpus, self.parts[tid], keep_others=True, name_of=self.names)
        return corpus


# --------------------------------------------------------------------------- tallies


@dataclass
class Tally:
    """Counts of one cell (or a pool of cells) for ``k`` compared coders."""

    k: int
    units: int = 0
    pairs: dict[tuple[int, int], st.Counts2x2] = field(default_factory=dict)
    """2x2 counts per coder pair (indexes into the compared coders)."""
    patterns: Counter[tuple[int, int]] = field(default_factory=Counter)
    """``(m coders coded it, r coders rated it) -> units``."""
    unitizing: UnitizingResult | None = None
    missing: tuple[str, ...] = ()
    """Compared coders with no coding in the transcript (cells only)."""

    def __add__(self, other: Tally) -> Tally:
        pairs = dict(self.pairs)
        for key, counts in other.pairs.items():
            pairs[key] = pairs.get(key, st.Counts2x2()) + counts
        return Tally(self.k, self.units + other.units, pairs, self.patterns + other.patterns)

    def unit_counts(self) -> list[tuple[dict[int, int], int]]:
        """The patterns as unit value counts (1 = coded, 0 = not) for :mod:`stats`."""
        return [({1: m, 0: r - m}, w) for (m, r), w in self.patterns.items() if w]


def coverage_note(corpus: Corpus) -> str | None:
    """Which transcripts were compared, when not all of them were; else None (the note
    under ``qcahp agreement``'s table and in ``qcahp methods``).

    A transcript a coder has not touched (no coding, no decision) is left out, which
    is right, but a table of theme rows pooled over "(all)" transcripts did not say so:
    ``units 142`` where the project has eight transcripts looked like a bug.
    """
    # Interviews, as counts and words count them: two versions of one are one transcript.
    rated: dict[str, set[str]] = {}  # interview -> the coders who touched some version
    compared: set[str] = set()  # interviews with a version coded by every coder
    for d in corpus.transcripts:
        interview = d.interview or d.name
        raters = corpus.raters.get(d.id, ())
        rated.setdefault(interview, set()).update(raters)
        if len(raters) == len(corpus.coders):
            compared.add(interview)
    total, both = len(rated), len(compared)
    if both == total:
        return None
    waiting = []
    for coder in corpus.coders:
        n = sum(1 for coders in rated.values() if coder not in coders)
        if n:
            waiting.append(f"{coder} in {n}")
    split = sum(1 for i, coders in rated.items()
                if i not in compared and len(coders) == len(corpus.coders))
    every = "both coders" if len(corpus.coders) == 2 else "every coder"
    parts = [f"{both} of {plural(total, 'transcript')} coded by {every}"]
    if waiting:
        parts.append(f"no coding or decision yet: {', '.join(waiting)}")
    if split:  # agreement compares one version at a time
        parts.append(f"{split} coded by each on a different version")
    return "; ".join(parts) + " (--by transcript shows each)"


def speech_said(speakers: str) -> str:
    """Whose speech the units are, in words: ``the participants' speech`` or ``every
    speaker's speech``."""
    return "the participants' speech" if speakers == "participants" else \
        "every speaker's speech (the interviewer's too)"


def outside_note(corpus: Corpus) -> str | None:
    """How many codings lie outside the speech compared (the interviewer's turns, or
    another speaker's), in the transcripts compared; None when none does.

    ``3 codings by ana lie wholly outside the participants' speech and were left out; 1
    coding by ben reaches outside it and was compared on its participant part; --speakers
    all compares every speaker's speech``."""
    if corpus.speakers == "all":
        return None
    wholly = {c: n[0] for c, n in corpus.outside.items() if n[0]}
    partly = {c: n[1] for c, n in corpus.outside.items() if n[1]}
    if not wholly and not partly:
        return None

    def by(counts: dict[str, int], one: str, many: str) -> str:
        parts = [f"{plural(n, 'coding') if k == 0 else f'{n:,}'} by {c}"
                 for k, (c, n) in enumerate(counts.items())]
        said = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        return f"{said} {one if sum(counts.values()) == 1 else many}"

    said = []
    if wholly:
        said.append(by(wholly, "lies wholly outside the participants' speech and was left out",
                       "lie wholly outside the participants' speech and were left out"))
    if partly:
        said.append(by(partly, "reaches outside it and was compared on its participant part",
                       "reach outside it and were compared on their participant part")
                    if wholly else
                    by(partly, "reaches outside the participants' speech and was compared on "
                       "its participant part", "reach outside the participants' speech and "
                       "were compared on their participant part"))
    return "; ".join(said) + "; --speakers all compares every speaker's speech"


def speakers_note(corpus: Corpus) -> str | None:
    """Why every speaker's speech is compared when no ``--speakers`` said so (the codebook
    suggests on the interviewer's turns: :func:`default_speakers`); else None."""
    if not corpus.speakers_why:
        return None
    return (f"every speaker's speech is compared: {corpus.speakers_why}; --speakers "
            "participants compares the participants' alone")


def corpus_notes(corpus: Corpus) -> list[str]:
    """What a reader of the figures must know of the text compared, one note each: whose
    speech and why (:func:`speakers_note`), which transcripts (:func:`coverage_note`),
    the codings outside the speech compared (:func:`outside_note`)."""
    return [n for n in (speakers_note(corpus), coverage_note(corpus), outside_note(corpus),
                        added_note(corpus)) if n]


def added_note(corpus: Corpus) -> str | None:
    """The themes a coder added while coding in their own copy of the project that
    another compared coder never coded; else None.

    ``qcahp merge`` brings such a theme in with the adder's codings, but a coder whose
    copy was made before it existed never saw it: their "not coded" is no judgement,
    yet it counted as disagreement in the theme's row and the pooled and mean rows
    (a theme only ana added and used took the mean kappa of ana and ben from 0.686 to
    0.629), with nothing saying so.
    """
    listed = []
    for theme_id, adder in corpus.added_in_copies.items():
        coded = {c for (_t, th, c), spans in corpus.spans.items() if th == theme_id and spans}
        none = [c for c in corpus.coders if c != adder and c not in coded]
        if none:
            listed.append(f"{theme_id} (added by {adder}; {' and '.join(none)} coded "
                          "none of it)")
    if not listed:
        return None
    return (f"{'a theme was' if len(listed) == 1 else 'themes were'} added while coding in "
            f"a coder's own copy and merged in: {', '.join(listed)}; a coder whose copy "
            "did not have it could not code it, yet its row and the pooled and mean rows "
            "count that as disagreement")


def tally_cell(corpus: Corpus, data: TranscriptData, theme_id: str, unit: str,
               threshold: float) -> Tally:
    """Count one theme in one transcript for the corpus's coders."""
    if unit not in UNITS:
        raise UserError(f"unknown unit {unit!r} (choose {', '.join(UNITS)})")
    coders = corpus.coders
    raters = [i for i, c in enumerate(coders) if c in corpus.raters.get(data.id, ())]
    tally = Tally(len(coders), missing=tuple(c for i, c in enumerate(coders) if i not in raters))
    if len(raters) < 2 or (len(coders) == 2 and tally.missing):
        return tally
    spans = {i: corpus.spans.get((data.id, theme_id, coders[i]), []) for i in raters}
    if data.speech is not None and unit in ("character", "segment"):
        regions = speech_regions(data)
        if unit == "segment":  # a coding's participant part is its segment
            spans = {i: intersect(s, regions) for i, s in spans.items()}
    if unit == "segment":
        table = segment_table([spans[i] for i in raters], threshold)
        for _owner, agreeing in table:
            tally.patterns[len(agreeing), len(raters)] += 1
        for a, b in itertools.combinations(range(len(raters)), 2):
            n11 = n10 = n01 = 0
            for owner, agreeing in table:
                if owner not in (a, b):
                    continue
                if a in agreeing and b in agreeing:
                    n11 += 1
                elif a in agreeing:
                    n10 += 1
                else:
                    n01 += 1
            tally.pairs[raters[a], raters[b]] = st.Counts2x2(n11, n10, n01, 0)
        tally.units = len(table)
        return tally
    if unit == "character":
        if data.speech is None:
            n = len(data.text)
            lists = {i: spans[i] for i in raters}
        else:  # the participants' characters, one after the other
            n = total_length(regions)
            lists = {i: compress(spans[i], regions) for i in raters}
        tally.unitizing = unitizing_alpha([lists[i] for i in raters], 0, n)
    else:
        bounds, _ = unit_bounds(data, unit)
        n = len(bounds)
        lists = {i: to_unit_space(spans[i], bounds) for i in raters}
    tally.units = n
    for m, w in coverage_counts([lists[i] for i in raters], n).items():
        if w:
            tally.patterns[m, len(raters)] += w
    for a, b in itertools.combinations(raters, 2):
        tally.pairs[a, b] = st.Counts2x2(*pair_counts(lists[a], lists[b], n))
    return tally


def tally_stats(tally: Tally, coders: Sequence[str], *, cell: bool = False,
                pooled: bool = False, segment: bool = False) -> dict[str, Any]:
    """Every coefficient of a tally, keyed by column name (numbers or Undefined).

    A theme nobody coded (``pooled``: no theme anybody coded) has no figure: its
    agreement, Brennan-Prediger and AC1 would be 1.000 only because the coders left
    every unit alone, which a reader takes for perfect agreement (Cohen's kappa, Scott's
    pi and alpha are undefined there anyway). Every coefficient is then undefined, with
    the reason: :data:`NOBODY_CODED`.
    """
    out: dict[str, Any]
    # (At the segment unit a theme nobody coded has no unit, no segment, and read
    # "undefined (no units)" where every other unit says nobody coded it.)
    if (tally.units or (segment and tally.pairs)) and not (
            len(coders) == 2 and tally.missing) and not _anyone_coded(tally, len(coders)):
        columns = TWO_CODER_COLUMNS if len(coders) == 2 else MULTI_CODER_COLUMNS
        out = dict.fromkeys(columns, st.Undefined(NOBODY_CODED[len(coders) == 2, pooled]))
    elif len(coders) == 2:
        if tally.missing:
            reason = (f"{' and '.join(tally.missing)} made no coding or decision in this "
                      "transcript")
            out = dict.fromkeys(TWO_CODER_COLUMNS, st.Undefined(reason))
        else:
            out = st.two_coder_stats(tally.pairs.get((0, 1), st.Counts2x2()))
    else:
        units = tally.unit_counts()
        multi = st.multi_rater(units, categories=[0, 1])
        alpha = st.krippendorff_alpha(units).alpha
        if tally.units == 0:
            alpha = st.Undefined(st.NO_UNITS)
        elif isinstance(alpha, st.Undefined):
            alpha = st.Undefined(_pattern_reason(tally))
        out = {
            "percent_agreement": multi.percent_agreement,
            "light_kappa": _light_kappa(tally, coders),
            "fleiss_kappa": _with_reason(multi.fleiss_kappa, tally),
            "brennan_prediger": multi.brennan_prediger,
            "gwet_ac1": multi.gwet_ac1,
            "krippendorff_alpha": alpha,
            "positive_agreement": _with_reason(st.specific_positive(units), tally)
            if tally.units else st.Undefined(st.NO_UNITS),
            "jaccard": _jaccard(tally),
        }
    if cell:
        result = tally.unitizing
        if result is None:
            out["u_alpha"] = st.Undefined(
                "character unit only" if not tally.missing else "not coded by every coder")
        elif isinstance(result.alpha, st.Undefined) and not any(
                m for (m, _), w in tally.patterns.items() if w):
            out["u_alpha"] = st.Undefined(st.NEITHER_USED if len(coders) == 2
                                          else "no coder used the theme")
        else:
            out["u_alpha"] = result.alpha
    return out


TWO_CODER_COLUMNS = ("percent_agreement", "cohen_kappa", "scott_pi", "brennan_prediger",
                     "gwet_ac1", "krippendorff_alpha", "positive_agreement", "jaccard")
MULTI_CODER_COLUMNS = ("percent_agreement", "light_kappa", "fleiss_kappa", "brennan_prediger",
                       "gwet_ac1", "krippendorff_alpha", "positive_agreement", "jaccard")
NOBODY_CODED = {(True, False): st.NEITHER_USED, (False, False): "no coder used the theme",
                (True, True): "neither coder used any theme",
                (False, True): "no coder used any theme"}
"""Why a row nobody coded has no figures, by (two coders, pooled over themes)."""


def _pattern_reason(tally: Tally) -> str:
    if not any(m for (m, _), w in tally.patterns.items() if w):
        return st.NEITHER_USED.replace("neither coder", "no coder")
    if all(m == r for (m, r), w in tally.patterns.items() if w):
        return st.ALL_CODED
    return "only one value was used"


def _with_reason(value: st.Value, tally: Tally) -> st.Value:
    # "neither coder" is the two-coder wording: with three or more it is "no coder".
    if isinstance(value, st.Undefined) and value.reason in ("only one category was used",
                                                            st.NEITHER_USED):
        return st.Undefined(_pattern_reason(tally))
    return value


def _light_kappa(tally: Tally, coders: Sequence[str]) -> st.Value:
    """Light's kappa: the mean of Cohen's kappa over every pair of coders."""
    if not tally.pairs:
        return st.Undefined("fewer than two coders coded this transcript")
    values = []
    for (a, b), counts in sorted(tally.pairs.items()):
        kappa = st.cohen_kappa(counts)
        if isinstance(kappa, st.Undefined):
            return st.Undefined(f"{coders[a]}/{coders[b]}: {kappa.reason}")
        values.append(kappa)
    return sum(values) / len(values)


def _jaccard(tally: Tally) -> st.Value:
    """Units coded by every rating coder over units coded by any."""
    anyone = sum(w for (m, _), w in tally.patterns.items() if m > 0)
    everyone = sum(w for (m, r), w in tally.patterns.items() if m > 0 and m == r)
    if tally.units == 0:
        return st.Undefined(st.NO_UNITS)
    if anyone == 0:
        return st.Undefined("no coder used the theme")
    return everyone / anyone


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class AgreementRow:
    """One line of a view."""

    view: str
    """``theme x transcript``, ``theme``, ``overall`` or ``mean``."""
    theme: str
    transcript: str
    units: int
    counts: dict[str, int]
    stats: dict[str, Any]

    def record(self, digits: int | None = None) -> dict[str, Any]:
        """As a flat dict; undefined values as ``undefined (reason)`` text."""
        out: dict[str, Any] = {"view": self.view, "theme": self.theme,
                               "transcript": self.transcript, "units": self.units,
                               **self.counts}
        for key, value in self.stats.items():
            if isinstance(value, st.Undefined) or value is None:
                out[key] = st.render(value)
            elif digits is not None:
                # + 0.0 turns a negative value rounded to zero (-0.0) into 0.0: a table
                # in a paper should not print "-0.000" for a kappa of -0.0002.
                out[key] = round(value, digits) + 0.0
            else:
                out[key] = value
        return out


@dataclass
class AgreementReport:
    """All views of one agreement run."""

    coders: tuple[str, ...]
    unit: str
    threshold: float
    cells: list[AgreementRow]
    themes: list[AgreementRow]
    overall: AgreementRow
    mean: AgreementRow
    coded_themes: int = 0
    """The themes someone compared coded: the pooled and mean rows are over these (a
    theme nobody coded is left out of both, and their labels say so)."""
    mean_over: dict[str, int] = field(default_factory=dict)
    """Per figure, the themes its mean is over (those coded where it is defined)."""

    def rows(self, by: str = "theme") -> list[AgreementRow]:
        """Rows of a view: ``theme`` (pooled + overall), ``transcript`` (cells) or ``all``."""
        if by == "transcript":
            return self.cells
        if by == "all":
            return [*self.cells, *self.themes, self.overall, self.mean]
        return [*self.themes, self.overall, self.mean]


def _anyone_coded(tally: Tally, k: int) -> bool:
    """Whether any compared coder coded a unit of this (pooled) tally."""
    counts = _counts(tally, k)
    return any(v for key, v in counts.items() if key not in ("n00", "coded_by_none"))


def _counts(tally: Tally, k: int) -> dict[str, int]:
    if k == 2:
        c = tally.pairs.get((0, 1), st.Counts2x2())
        return {"n11": c.n11, "n10": c.n10, "n01": c.n01, "n00": c.n00}
    return {
        "coded_by_all": sum(w for (m, r), w in tally.patterns.items() if m == r and m),
        "coded_by_some": sum(w for (m, r), w in tally.patterns.items() if 0 < m < r),
        "coded_by_none": sum(w for (m, _), w in tally.patterns.items() if m == 0),
    }


def compute(corpus: Corpus, unit: str = "character", threshold: float = 0.9,
            progress: Progress = None) -> AgreementReport:
    """Every view of agreement between the corpus's coders.

    Args:
        corpus: from :func:`collect` (or built directly in tests).
        unit: ``character``, ``sentence``, ``turn`` or ``segment``.
        threshold: minimum overlap (intersection over union) for ``segment``.
        progress: called with each transcript's name once it is counted.
    """
    if unit not in UNITS:
        raise UserError(f"unknown unit {unit!r} (choose {', '.join(UNITS)})")
    if not 0 <= threshold <= 1:
        raise UserError(f"--threshold must be between 0 and 1, not {threshold}")
    k = len(corpus.coders)
    segment = unit == "segment"
    per_theme: dict[str, Tally] = {tid: Tally(k) for tid, _ in corpus.themes}
    cells: list[AgreementRow] = []
    for data in corpus.transcripts:
        for theme_id, _ in corpus.themes:
            tally = tally_cell(corpus, data, theme_id, unit, threshold)
            if not tally.missing or k > 2:
                per_theme[theme_id] = per_theme[theme_id] + tally
            cells.append(AgreementRow("theme x transcript", theme_id, data.name, tally.units,
                                      _counts(tally, k),
                                      tally_stats(tally, corpus.coders, cell=True,
                                                  segment=segment)))
        if progress:
            progress(data.name)
    pooled = _pooled_label(corpus)
    theme_rows = [
        AgreementRow("theme", theme_id, pooled, t.units, _counts(t, k),
                     tally_stats(t, corpus.coders, segment=segment))
        for theme_id, t in per_theme.items()
    ]
    # A theme nobody coded agrees on every unit (agreement, BP and AC1 1.000) only
    # because it was not used: in a mean it would lift the figure for nothing the coders
    # did, so the mean is over the themes someone coded, and says so. The pooled row
    # likewise: pooled in, such a theme added only units both coders left alone, and two
    # themes added to the codebook and never used took a pooled kappa from 0.557 to
    # 0.568 and percent agreement from 0.930 to 0.950, for nothing the coders did.
    coded = [t for t in per_theme.values() if _anyone_coded(t, k)]
    total = Tally(k)
    for t in coded or per_theme.values():  # nobody coded any: the row says so
        total = total + t
    used = [r for r, t in zip(theme_rows, per_theme.values(), strict=True)
            if _anyone_coded(t, k)]
    left_out = len(theme_rows) - len(used)
    overall = AgreementRow("overall", pooled_label(len(used), left_out if used else 0),
                           pooled, total.units, _counts(total, k),
                           tally_stats(total, corpus.coders, pooled=True, segment=segment))
    averaged = {key: st.mean_defined(r.stats[key] for r in used) for key in overall.stats}
    # Said why, not "undefined (no defined value)": nobody coded a theme, or the
    # figure is undefined for every theme coded (kappa where each was coded throughout).
    none = ("the one theme coded has no value" if len(used) == 1
            else f"none of the {len(used)} themes coded has a value")
    means = {key: m[0] if m[1] or not isinstance(m[0], st.Undefined) else st.Undefined(
        none if used else NOBODY_CODED[k == 2, True]) for key, m in averaged.items()}
    n, unused = len(used), len(theme_rows) - len(used)
    label = f"(mean over {n} theme{'' if n == 1 else 's'}"
    if unused:
        label += f" coded; {unused} nobody coded left out"
    # A mean of, say, kappa skips the themes where kappa is undefined: say over how
    # many it was taken, or a paper would report it as the mean over every theme. And of
    # which figures: "or the 3 where defined" was Light's kappa alone, read beside the
    # Fleiss' kappa taken over all four (`qcahp methods` said it of Fleiss' kappa).
    fewer: dict[int, list[str]] = {}
    for key, m in averaged.items():
        if 0 < m[1] < n:
            fewer.setdefault(m[1], []).append(key)
    for count, keys in sorted(fewer.items()):
        names = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]
        label += f"; {names} over the {count} where defined"
    mean_row = AgreementRow("mean", label + ")", pooled, total.units, {}, means)
    reason = _why_nothing_pooled(corpus) if k == 2 else None
    if reason:
        # Every transcript was left out (a coder has not coded it): "no units" would
        # read as an empty project, when the cause is a coder who has not coded.
        theme_rows = [_explained(r, reason) for r in theme_rows]
        overall, mean_row = _explained(overall, reason), _explained(mean_row, reason)
        # Nothing was compared, so no theme is one "nobody coded" ("mean over 0 themes
        # coded; 5 nobody coded left out" beside a coder who has not started).
        mean_row = dataclasses.replace(mean_row, theme="(mean over themes)")
    return AgreementReport(corpus.coders, unit, threshold, cells, theme_rows, overall, mean_row,
                           len(used), {key: m[1] for key, m in averaged.items()})


def pooled_label(coded: int, left_out: int) -> str:
    """The overall row's theme column: ``(pooled)``, or ``(pooled over 4 themes coded; 1
    nobody coded left out)`` when themes nobody coded were left out of it (as out of the
    mean), so that a row passed on alone says which themes its figures pool."""
    if not left_out:
        return "(pooled)"
    return f"(pooled over {plural(coded, 'theme')} coded; {left_out} nobody coded left out)"


def _pooled_label(corpus: Corpus) -> str:
    """The transcript column of the pooled rows.

    Two coders' pooled figures leave out each transcript one of them has not coded: the
    rows then say ``(coded by both)`` (``(selected, coded by both)``), not ``(all)``, so a
    CSV or JSON row passed on alone does not claim the whole corpus.
    """
    if len(corpus.coders) != 2:
        return corpus.pooled
    # By interview, as the table's note counts them: an older version nobody codes any
    # more, beside one both coded, is not a transcript left out.
    interviews = {d.interview or d.name for d in corpus.transcripts}
    compared = {d.interview or d.name for d in corpus.transcripts
                if len(corpus.raters.get(d.id, ())) == 2}
    if compared == interviews:
        return corpus.pooled
    if corpus.pooled == "(all)":
        return "(coded by both)"
    return corpus.pooled[:-1] + ", coded by both)"


def _why_nothing_pooled(corpus: Corpus) -> str | None:
    """Why two coders' pooled figures have no units, when a coder is the cause."""
    if not corpus.transcripts or any(len(corpus.raters.get(d.id, ())) == 2
                                     for d in corpus.transcripts):
        return None
    rated = {c for d in corpus.transcripts for c in corpus.raters.get(d.id, ())}
    idle = [c for c in corpus.coders if c not in rated]
    if idle:
        return f"{' and '.join(idle)} made no coding or decision in any transcript"
    return f"no transcript was coded by both {' and '.join(corpus.coders)}"


def _explained(row: AgreementRow, reason: str) -> AgreementRow:
    """The row with its units-less undefined values given ``reason`` instead."""
    if row.units:
        return row
    stats = {key: st.Undefined(reason) if isinstance(value, st.Undefined) else value
             for key, value in row.stats.items()}
    return AgreementRow(row.view, row.theme, row.transcript, row.units, row.counts, stats)


# --------------------------------------------------------------------------- disagreements


@dataclass(frozen=True)
class Disagreement:
    """A span coded with a theme by some of the coders and not by others."""

    transcript: str
    transcript_id: int
    theme_id: str
    start: int
    end: int
    coded_by: tuple[str, ...]
    not_coded_by: tuple[str, ...]
    text: str


def disagreements(corpus: Corpus, unit: str = "character",
                  threshold: float = 0.9) -> list[Disagreement]:
    """Every disagreeing span, in transcript and text order.

    ``character``: the maximal runs coded by some but not all coders; ``sentence`` /
    ``turn``: each such unit, one by one, so the list counts what agreement counts (two
    coders: its ``n10 + n01``; more: ``coded_by_some``); neighbouring sentences used to
    be joined into one span, and 218 spans stood beside agreement's 220 disagreeing
    sentences and the reconcile screen's 220 stretches; ``segment``: each segment
    without a match (agreement's ``n10 + n01`` there too).
    Two coders: only transcripts both have coded are listed. Three or more: every
    transcript two or more of them coded, among the coders who coded it, as agreement
    (alpha, Fleiss) and the reconcile screen compare them; a coder who has not coded a
    transcript is not listed as not coding its spans.
    """
    out: list[Disagreement] = []
    coders = corpus.coders
    for data in corpus.transcripts:
        rated = corpus.raters.get(data.id, ())
        compared = [c for c in coders if c in rated]
        if len(compared) < (2 if len(coders) > 2 else len(coders)):
            continue
        regions = speech_regions(data)
        for theme_id, _ in corpus.themes:
            spans = [clip_to_speech(corpus.spans.get((data.id, theme_id, c), []), regions,
                                    data.speech is None) for c in compared]
            found: list[tuple[int, int, frozenset[int]]] = []
            if unit == "segment":
                found = [(s, e, frozenset(agree))
                         for (owner, agree), (s, e) in zip(
                             segment_table(spans, threshold),
                             [seg for lst in spans for seg in lst], strict=True)
                         if len(agree) < len(compared)]
            elif unit in ("sentence", "turn"):
                bounds, _ = unit_bounds(data, unit)
                runs = coverage_runs([to_unit_space(s, bounds) for s in spans])
                found = [(*bounds[k], who) for a, b, who in runs for k in range(a, b)]
            else:
                found = coverage_runs(spans)
            for start, end, who in sorted(found, key=lambda f: (f[0], f[1])):
                if len(who) == len(compared):
                    continue
                out.append(Disagreement(
                    data.name, data.id, theme_id, start, end,
                    tuple(compared[i] for i in sorted(who)),
                    tuple(c for i, c in enumerate(compared) if i not in who),
                    data.text[start:end]))
    return out


DISAGREEING = {"character": "disagreeing span", "sentence": "disagreeing sentence",
               "turn": "disagreeing turn", "segment": "unmatched segment"}
"""What one row of :func:`disagreements` is at each unit, in words."""


def disagreements_said(found: Sequence[Disagreement], coders: Sequence[str],
                       unit: str) -> str:
    """The disagreements counted as agreement counts them: ``220 disagreeing sentences:
    147 coded by ana only, 73 by ben only (agreement's n10 and n01)``; with three or more
    coders ``(agreement's coded_by_some)``; at the character unit, where a span is a run
    of characters and agreement counts the characters, the spans alone.

    Neighbouring sentences were joined into one span, so ``qcahp disagreements`` said 6
    where agreement counted 7 sentences and the reconcile screen 7 stretches."""
    head = plural(len(found), DISAGREEING[unit])
    if unit == "character" or not found:
        return head
    if len(coders) != 2:
        return f"{head} (agreement's coded_by_some)"
    first, second = coders
    a = sum(1 for d in found if d.coded_by == (first,))
    b = len(found) - a
    whose = ("{n:,} of {c}'s" if unit == "segment" else "{n:,} coded by {c} only")
    return (f"{head}: {whose.format(n=a, c=first)}, "
            f"{whose.format(n=b, c=second).replace(' coded by', ' by')} "
            "(agreement's n10 and n01)")
