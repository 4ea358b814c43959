"""Disagreement stretches for reconciling coders into a consensus coder.

The reconcile screen (and any script) walks *stretches*: connected runs of
overlapping codings of one theme in one transcript, with each compared coder's
spans inside the run. A stretch where the coders' spans differ is a disagreement
to decide; one where they are identical is agreed and can be copied into the
consensus coder as it is. Plain Python, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualcoder_ahp.agreement.compute import Corpus
from qualcoder_ahp.agreement.intervals import Interval, intersect, merge


@dataclass(frozen=True)
class ReconcileItem:
    """A stretch of text where the coders' codings of one theme overlap but differ."""

    transcript: str
    transcript_id: int
    theme_id: str
    start: int
    end: int
    spans: tuple[tuple[str, tuple[Interval, ...]], ...]
    """Each coder who coded this transcript with their (merged) spans inside
    ``[start, end)`` (empty when they did not code the stretch)."""

    def of(self, coder: str) -> tuple[Interval, ...]:
        """One coder's spans in this item."""
        return dict(self.spans).get(coder, ())

    def rated(self, coder: str) -> bool:
        """Whether this coder coded the transcript at all (else they are not compared)."""
        return coder in dict(self.spans)

    def union(self) -> list[Interval]:
        """Everything any coder coded here."""
        return merge(s for _, spans in self.spans for s in spans)

    def intersection(self) -> list[Interval]:
        """What every coder coded here (may be empty)."""
        result: list[Interval] = [(self.start, self.end)]
        for _, spans in self.spans:
            result = intersect(result, list(spans))
        return result


def reconcile_items(corpus: Corpus, *, agreed: bool = False) -> list[ReconcileItem]:
    """Stretches of overlapping codings, grouped for deciding.

    In each transcript the coders compared are those who coded it (two or more): a
    coder who has not coded a transcript yet is not shown as disagreeing with it.

    Args:
        corpus: the compared coders' codings.
        agreed: return the stretches where every coder coded exactly the same spans
            (to copy into the consensus coder) instead of the disagreements.
    """
    items: list[ReconcileItem] = []
    for data in corpus.transcripts:
        raters = corpus.raters.get(data.id, ())
        if len(raters) < 2:
            continue
        for theme_id, _ in corpus.themes:
            spans = {c: corpus.spans.get((data.id, theme_id, c), []) for c in raters}
            for start, end in merge(s for lst in spans.values() for s in lst):
                inside = tuple((c, tuple(s for s in lst if s[0] < end and s[1] > start))
                               for c, lst in spans.items())
                if (len({spans for _, spans in inside}) == 1) == agreed:
                    items.append(ReconcileItem(data.name, data.id, theme_id, start, end, inside))
    return items
