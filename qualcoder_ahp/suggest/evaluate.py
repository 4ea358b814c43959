"""How well a codebook's suggestions match human coding, sentence by sentence.

Two sources of truth:

- a coder's codings in the project (:func:`evaluate_coder`): a stored sentence is
  labelled with a theme when one of the coder's codings of that theme overlaps it
  (by at least one non-space character); it is predicted with a theme when an open
  suggestion of that theme covers or overlaps it (a turn suggestion counts for every
  sentence of the turn). Only transcripts the coder has coded or decided on are compared,
  and by default only the suggestions the coder has decided (:data:`CODER_SCOPES`);
- a gold file (:func:`evaluate_gold`), JSONL lines ``{"sentence": ..., "themes": [...]}``
  (or Prodigy's ``{"text": ..., "accept": [...], "answer": "accept"}``): each sentence is
  run through the engine as one participant sentence.

Scores are per theme and micro-averaged over every (sentence, theme) pair; with
the sentences missed (false negatives) and wrongly suggested (false positives), so a
team can see *why* a figure is what it is. Precision, recall and F1 are ``None``
(undefined) when their denominator is zero, never a made-up 0 or 1.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Codebook

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


@dataclass
class Score:
    """True/false positives and false negatives with the figures derived from them."""

    theme: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp), or None when nothing was suggested."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn), or None when nothing was labelled."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall, 2tp / (2tp + fp + fn); None only when
        the theme never came up (no suggestion, no label).

        It was None whenever precision or recall was: a theme labelled in five sentences
        and never suggested (recall 0) had no F1, so it was left out of the macro F1
        instead of pulling it down, and a theme suggested only wrongly likewise.
        """
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else None

    def as_dict(self) -> dict[str, Any]:
        """The counts and figures as a plain dict."""
        return {"theme": self.theme, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "support": self.tp + self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass
class Labelled:
    """One sentence with its true and predicted themes."""

    text: str
    gold: set[str]
    predicted: set[str]
    where: str = ""
    """Transcript name and offsets, or the gold file line."""
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """For each predicted theme, the ids of the patterns behind it."""
    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """For each theme an exclusion pattern ruled out (a pattern of it found the sentence),
    the ids of the exclusions that did."""


@dataclass
class Evaluation:
    """The result of an evaluation."""

    source: str
    per_theme: list[Score]
    micro: Score
    sentences: int
    missed: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    ignored_themes: list[str] = field(default_factory=list)
    patterns: list[dict[str, Any]] = field(default_factory=list)
    """Each pattern behind a suggestion: its theme, the sentences where it was right and
    wrong, and its precision (a suggestion several patterns support counts for each),
    the patterns with the most wrong suggestions first."""
    theme_free: int = 0
    """Sentences labelled with no (codable) theme."""
    theme_free_suggested: int = 0
    """Of those, the sentences that got a suggestion all the same: how often the codebook
    fires on ordinary talk, which most of a real interview is."""
    by_support: list[dict[str, Any]] = field(default_factory=list)
    """The suggestions split by how many patterns found them (one, two, three or more),
    each group with its right and wrong count and precision: how far a suggestion one
    pattern found can be trusted next to one that several found."""
    scope: str | None = None
    """Against a coder: what was scored (:data:`CODER_SCOPES`); None against a gold file."""
    transcripts: int = 0
    """Against a coder: the transcripts scored."""
    left_out: int = 0
    """With scope ``decided``: the suggestions left out, undecided and not coded."""
    unfinished: list[str] = field(default_factory=list)
    """With scope ``finished``: the transcripts left out (``name (3 of 40 decided)``)."""
    no_longer_found: int = 0
    """Against a coder: open suggestions in the scored transcripts that no pattern finds
    any more (kept for their decisions), left out: the codebook judged is today's."""
    ruled_out_left_out: int = 0
    """Of :attr:`no_longer_found`: those a pattern still finds but an exclusion pattern
    now rules out."""
    exclusions: list[dict[str, Any]] = field(default_factory=list)
    """Each exclusion pattern that ruled out a suggestion, with how often it was right
    (the sentence is not labelled with the theme) and wrong (it is: the exclusion made
    the miss), most wrong first. Against a coder: the suggestions the coder decided on
    (all of them with scope ``all``) and those whose theme the coder coded there."""

    @property
    def macro_f1(self) -> float | None:
        """The mean of the per-theme F1 figures that are defined."""
        values = [s.f1 for s in self.per_theme if s.f1 is not None]
        return sum(values) / len(values) if values else None

    def score(self, theme: str) -> Score:
        """The score of one theme (zero counts when the theme never came up)."""
        for s in self.per_theme:
            if s.theme == theme:
                return s
        return Score(theme)

    def as_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-ready data."""
        return {"source": self.source, "sentences": self.sentences,
                "micro": self.micro.as_dict(), "macro_f1": self.macro_f1,
                "themes": [s.as_dict() for s in self.per_theme], "missed": self.missed,
                "wrong": self.wrong, "ignored_themes": self.ignored_themes,
                "patterns": self.patterns,
                "theme_free": {"sentences": self.theme_free,
                               "suggested": self.theme_free_suggested},
                "by_support": self.by_support, "exclusions": self.exclusions,
                **({} if self.scope is None else {
                    "scope": self.scope, "transcripts": self.transcripts,
                    "undecided_left_out": self.left_out,
                    "unfinished_left_out": self.unfinished,
                    "no_longer_found_left_out": self.no_longer_found,
                    "ruled_out_left_out": self.ruled_out_left_out})}


def score(items: Iterable[Labelled], themes: Iterable[str], source: str) -> Evaluation:
    """Score labelled sentences over the given theme ids (others are ignored)."""
    wanted = set(themes)
    scores = {t: Score(t) for t in sorted(wanted)}
    micro = Score("micro")
    missed: list[dict[str, Any]] = []
    wrong: list[dict[str, Any]] = []
    ignored: set[str] = set()
    count = free = free_suggested = 0
    by_pattern: dict[tuple[str, str], list[int]] = {}
    by_support: dict[int, list[int]] = {}
    by_exclusion: dict[tuple[str, str], list[int]] = {}
    for item in items:
        count += 1
        for theme, pids in item.excluded.items():
            if theme in wanted:
                for pid in pids:
                    by_exclusion.setdefault((pid, theme), [0, 0])[theme in item.gold] += 1
        ignored |= (item.gold | item.predicted) - wanted
        gold, predicted = item.gold & wanted, item.predicted & wanted
        if not gold:
            free += 1
            free_suggested += bool(predicted)
        for theme in predicted:
            for pid in item.patterns.get(theme, ()):
                by_pattern.setdefault((pid, theme), [0, 0])[theme not in gold] += 1
            behind = len(set(item.patterns.get(theme, ())))
            if behind:
                by_support.setdefault(min(behind, 3), [0, 0])[theme not in gold] += 1
        for theme in gold & predicted:
            scores[theme].tp += 1
            micro.tp += 1
        for theme in sorted(gold - predicted):
            scores[theme].fn += 1
            micro.fn += 1
            missed.append({"theme": theme, "sentence": item.text, "where": item.where})
        for theme in sorted(predicted - gold):
            scores[theme].fp += 1
            micro.fp += 1
            wrong.append({"theme": theme, "sentence": item.text, "where": item.where,
                          "patterns": list(item.patterns.get(theme, ()))})
    patterns = [{"pattern": pid, "theme": theme, "right": right, "wrong": bad,
                 "precision": right / (right + bad)}
                for (pid, theme), (right, bad) in by_pattern.items()]
    patterns.sort(key=lambda p: (-p["wrong"], p["precision"], p["pattern"]))
    support = [{"patterns": SUPPORT_GROUPS[n], "suggestions": right + bad, "right": right,
                "wrong": bad, "precision": right / (right + bad)}
               for n, (right, bad) in sorted(by_support.items())]
    exclusions = [{"pattern": pid, "theme": theme, "right": right, "wrong": bad,
                   "precision": right / (right + bad)}
                  for (pid, theme), (right, bad) in by_exclusion.items()]
    exclusions.sort(key=lambda p: (-p["wrong"], p["precision"], p["pattern"]))
    return Evaluation(source, list(scores.values()), micro, count, missed, wrong,
                      sorted(ignored), patterns, free, free_suggested, support,
                      exclusions=exclusions)


SUPPORT_GROUPS = {1: "one", 2: "two", 3: "three or more"}
"""The groups of :attr:`Evaluation.by_support`, by the patterns behind a suggestion."""


def read_gold(path: str | Path) -> list[tuple[int, str, set[str]]]:
    """Read a gold JSONL file into ``(line, sentence, themes)``; bad lines are refused.

    Each line is ``{"sentence": ..., "themes": [...]}``. Prodigy's text classification
    output reads too: ``"text"`` for the sentence and the ``"accept"`` list for the themes;
    a line whose ``"answer"`` is ``"reject"`` or ``"ignore"`` was not labelled and is
    skipped.
    """
    from qualcoder_ahp.suggest.pattern_files import wide_text

    path = Path(path)
    try:
        data = path.read_bytes()
        wide = wide_text(data, "the gold file")
        lines = [] if wide else data.decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the gold file ({exc.__class__.__name__})",
                        path=str(path)) from exc
    if wide:
        raise UserError(wide, path=str(path))
    out = []
    problems: list[str] = []  # every bad line, so the file is fixed in one pass
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not valid JSON ({exc.msg})")
            continue
        except RecursionError:  # (was a traceback)
            problems.append(f"line {number}: not valid JSON (nested too deeply)")
            continue
        labelled = _gold_row(row)
        if isinstance(row, dict) and "sentence" in row and "themes" not in row:
            # Read as theme-free, a slip such as "theme": [...] made every suggestion on
            # the sentence count as wrong, and its themes as never there.
            others = sorted(set(row) - {"sentence"})
            has = f" (it has {', '.join(map(repr, others))})" if others else ""
            problems.append(f'line {number}: no "themes" list{has}: write "themes": '
                            '[...] with the theme ids, or "themes": [] for a sentence with '
                            'no theme')
        elif labelled is _BINARY:
            problems.append(f'line {number}: a Prodigy answer on one "label" cannot be '
                            'scored: label the sentences in the choice interface ("accept": '
                            '[...] lists every theme)')
        elif labelled is None:
            # A Prodigy line is told Prodigy's shape ("accept": "x" is a slip for ["x"]).
            shape = ('{"text": "...", "accept": [...]} (Prodigy)'
                     if isinstance(row, dict) and "sentence" not in row and "text" in row
                     else '{"sentence": "...", "themes": [...]}')
            problems.append(f"line {number}: expected {shape}")
        elif labelled is not _SKIPPED and not labelled[0].strip():
            problems.append(f"line {number}: the sentence is empty")
        elif labelled is not _SKIPPED:
            out.append((number, *labelled))
    if problems:
        more = f" ({len(problems)} bad lines)" if len(problems) > 1 else ""
        raise UserError("; ".join(problems) + more, path=str(path))
    if not out:
        raise UserError("no labelled sentences in the gold file", path=str(path))
    return out


_SKIPPED: tuple[str, set[str]] = ("", set())
_BINARY: tuple[str, set[str]] = ("", set())  # a distinct object: compared with `is`


def _gold_row(row: object) -> tuple[str, set[str]] | None:
    """A gold line's sentence and themes, ``_SKIPPED`` for a Prodigy answer that is
    not "accept", ``_BINARY`` for an accepted Prodigy answer on one ``"label"`` (no
    ``"accept"`` list), or None when the line has neither shape."""
    if not isinstance(row, dict):
        return None
    sentence = row.get("sentence", row.get("text"))
    themes = row.get("themes", row.get("accept", []) if "sentence" not in row else [])
    if not isinstance(sentence, str) or not isinstance(themes, list):
        return None
    if "sentence" not in row and row.get("answer", "accept") != "accept":
        return _SKIPPED
    if "sentence" not in row and "accept" not in row and "label" in row:
        # A binary answer on one label says nothing of the other themes: scoring it as
        # a sentence with no themes would count every other suggestion as wrong.
        return _BINARY
    return sentence, {str(t) for t in themes}


def repeated_sentences(rows: list[tuple[int, str, set[str]]]) -> tuple[list[str], list[str]]:
    """Sentences a gold file has on more than one line: ``(differently, alike)``, each
    ``"lines 3 and 41 ('Yes.')"``. Each line is scored, so one labelled alike counts
    twice, and one labelled differently is right on one line and wrong on the other
    whatever the codebook does (the engine sees the sentence alone, not its context)."""
    first: dict[str, tuple[int, set[str]]] = {}
    differently: list[str] = []
    alike: list[str] = []
    for number, sentence, themes in rows:
        key = " ".join(sentence.split())
        if key not in first:
            first[key] = (number, themes)
            continue
        line, had = first[key]
        shown = key if len(key) <= 40 else key[:39] + "…"
        (alike if had == themes else differently).append(
            f"lines {line} and {number} ({shown!r})")
    return differently, alike


def evaluated_themes(codebook: Codebook) -> list[str]:
    """The themes a suggestion can carry: codable, with at least one pattern.

    A theme coded by hand only (added while coding, or not given patterns yet) is left
    out: its recall would be zero by construction and pull the micro figures down for
    nothing the codebook's patterns did.
    """
    suggested = {p.theme_id for p in codebook.patterns if not p.exclude}
    return [t.id for t in codebook.themes if t.codable and t.id in suggested]


def evaluate_gold(codebook: Codebook, gold: str | Path | list[tuple[int, str, set[str]]],
                  ) -> Evaluation:
    """Run the engine on each gold sentence (as a participant sentence) and score it.

    Args:
        codebook: the codebook to judge (the project's, or one read from a file).
        gold: a gold JSONL path, or rows as :func:`read_gold` returns them.
    """
    from qualcoder_ahp.suggest.runner import suggest_sentence_record

    rows = read_gold(gold) if isinstance(gold, str | Path) else gold
    # Prodigy labels are often upper case ("SERENDIPITY"): a label that is no theme id
    # but matches exactly one ignoring case is that theme, not a theme-free sentence.
    ids = {t.id for t in codebook.themes}
    folded: dict[str, list[str]] = {}
    for theme_id in ids:
        folded.setdefault(theme_id.casefold(), []).append(theme_id)

    def theme_of(label: str) -> str:
        same = folded.get(label.casefold(), [])
        return same[0] if label not in ids and len(same) == 1 else label

    rows = [(line, text, {theme_of(t) for t in themes}) for line, text, themes in rows]
    source = str(gold) if isinstance(gold, str | Path) else "gold"
    predicted = suggest_sentence_record(codebook, [text for _, text, _ in rows])
    items = [Labelled(text, themes, set(pred), f"line {line}", pred, excluded)
             for (line, text, themes), (pred, excluded) in zip(rows, predicted, strict=True)]
    return score(items, evaluated_themes(codebook), source)


CODER_SCOPES = ("decided", "finished", "all")
"""What ``evaluate --coder`` scores: ``decided`` (the default) the coder's decisions and
codings, leaving out the suggestions the coder has not decided yet (unless the coder coded
their theme there: then they were right); ``finished`` only the transcripts where the
coder decided every suggestion; ``all`` every suggestion in every transcript the coder
coded or decided on, an undecided one counting as wrong unless its theme was coded."""


def evaluate_coder(store: Store, coder: str, scope: str = "decided") -> Evaluation:
    """Score the project's open suggestions against one coder's codings, by sentence.

    ``scope`` is one of :data:`CODER_SCOPES`. A coder halfway through a transcript has
    not judged what is below: with ``all`` each suggestion there counted as wrong, and a
    researcher pruning patterns on that would remove good ones.
    """
    if scope not in CODER_SCOPES:
        raise ValueError(scope)
    store.coder_id(coder)  # a clear error naming the known coders
    codings = store.codings(coder=coder)
    by_transcript: dict[int, list[Any]] = {}
    for coding in codings:
        by_transcript.setdefault(coding.transcript_id, []).append(coding)
    # A transcript where the coder only rejected suggestions was read too.
    decided = store.decisions_for(coder)
    decided_keys = set()
    for suggestion_id in decided:
        sug = store.suggestion(suggestion_id)
        by_transcript.setdefault(sug.transcript_id, [])
        decided_keys.add((sug.transcript_id, sug.theme_id, sug.start, sug.end))
    if not by_transcript:
        raise UserError(f"coder {coder!r} has no codings or decisions to compare with")
    unfinished: list[str] = []
    if scope == "finished":
        progress = store.transcript_progress(coder)
        for tid in sorted(by_transcript, key=lambda t: store.transcript(t).name):
            done = progress[tid]
            if done.decided < done.suggestions:
                unfinished.append(f"{store.transcript(tid).name} ({done.decided} of "
                                  f"{done.suggestions} decided)")
                del by_transcript[tid]
        if not by_transcript:
            raise UserError(f"{coder} has finished no transcript yet (decided every "
                            f"suggestion in it): {', '.join(unfinished)}; `--scope decided` "
                            f"scores {coder}'s decisions and codings so far")
    from qualcoder_ahp.suggest.runner import ruled_out_spans

    # What today's exclusion patterns rule out: a suggestion the coder decided on (or
    # whose theme the coder coded there) that one rules out is a right or wrong exclusion.
    spans = ruled_out_spans(store)
    items: list[Labelled] = []
    left_out = no_longer_found = ruled_left_out = 0
    for tid, coded in by_transcript.items():
        info = store.transcript(tid)
        text = store.transcript_text(tid)
        sentences = store.sentences(tid)
        if not sentences:
            continue
        starts = [s.start for s in sentences]
        gold: dict[int, set[str]] = {}
        predicted: dict[int, dict[str, set[str]]] = {}
        for coding in coded:
            for i in _overlapping(starts, sentences, coding.start, coding.end, text):
                gold.setdefault(i, set()).add(coding.theme_id)
        for sug in store.suggestions(transcript_id=tid):
            if not sug.found:
                # Kept open for its decisions, but today's patterns do not make it: the
                # codebook judged is today's (as `qcahp patterns` counts it).
                no_longer_found += 1
                ruled_left_out += (tid, sug.theme_id, sug.start, sug.end) in spans
                continue
            where = _overlapping(starts, sentences, sug.start, sug.end, text)
            if scope == "decided" and sug.id not in decided:
                # Not judged yet: it counts only where the coder coded its theme anyway.
                where = [i for i in where if sug.theme_id in gold.get(i, ())]
                left_out += not where
            for i in where:
                predicted.setdefault(i, {}).setdefault(sug.theme_id, set()).update(
                    sug.pattern_ids)
        excluded: dict[int, dict[str, set[str]]] = {}
        for (t, theme, start, end), pids in spans.items():
            if t != tid:
                continue
            judged = scope == "all" or (t, theme, start, end) in decided_keys
            for i in _overlapping(starts, sentences, start, end, text):
                if judged or theme in gold.get(i, ()):
                    excluded.setdefault(i, {}).setdefault(theme, set()).update(pids)
        for i in sorted(set(gold) | set(predicted) | set(excluded)):
            s = sentences[i]
            found = predicted.get(i, {})
            items.append(Labelled(text[s.start:s.end], gold.get(i, set()), set(found),
                                  f"{info.name}:{s.start}-{s.end}",
                                  {t: tuple(sorted(ids)) for t, ids in found.items()},
                                  {t: tuple(sorted(ids))
                                   for t, ids in excluded.get(i, {}).items()}))
    result = score(items, evaluated_themes(store.codebook()), f"coder {coder}")
    result.scope, result.left_out, result.unfinished = scope, left_out, unfinished
    result.no_longer_found, result.ruled_out_left_out = no_longer_found, ruled_left_out
    result.transcripts = len(by_transcript)
    return result


def _overlapping(starts: list[int], sentences: list[Any], start: int, end: int,
                 text: str) -> list[int]:
    """Indexes of the sentences a span overlaps by at least one non-space character."""
    out = []
    i = max(bisect.bisect_right(starts, start) - 1, 0)
    while i < len(sentences) and sentences[i].start < end:
        s = sentences[i]
        lo, hi = max(s.start, start), min(s.end, end)
        if lo < hi and text[lo:hi].strip():
            out.append(i)
        i += 1
    return out


def format_table(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Rows for a plain table: each theme, then the micro average."""
    rows = [s.as_dict() for s in evaluation.per_theme if s.tp + s.fp + s.fn]
    rows.append(evaluation.micro.as_dict())
    return rows


__all__ = ["Score", "Labelled", "Evaluation", "score", "read_gold", "evaluate_gold",
           "evaluate_coder", "evaluated_themes", "format_table", "CODER_SCOPES"]
