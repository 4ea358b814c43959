"""Whether the reconcile stretches are decided in the consensus, as the screen reads it.

A disagreement stretch (:func:`~qualcoder_ahp.agreement.reconcile.reconcile_items`: the
coders' overlapping codings of a theme, where they differ) is decided when the consensus
coder codes something there, or a decision that left it nothing (a rejection) is in
effect for exactly that stretch: the reconcile screen's test, and ``qcahp reconcile
decide``'s. ``qcahp disagreements`` and ``qcahp methods`` count the stretches still
undecided with it, so "98 disagreeing spans" is not read as 98 disagreements left to
decide when the screen says every one of its 97 is decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualcoder_ahp.agreement.reconcile import ReconcileItem
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.records import Coding


def _spans(spans: Iterable[tuple[int, int]]) -> str:
    return ", ".join(f"[{s}, {e})" for s, e in spans) or "nothing"


def rejected_stretch(event: dict[str, Any], consensus: str,
                     ) -> tuple[int, str, int, int] | None:
    """``(transcript_id, theme_id, start, end)`` of the stretch a reconcile log ``event``
    left with nothing in the consensus (a rejection of ``consensus`` still in effect),
    else None: how the screen and the commands tell a rejected stretch from an undecided
    one, though no coding marks it."""
    if (event["coder"] == consensus and event["status"] == "in effect"
            and not event["coding_ids"]):
        return (event["transcript_id"], event["theme_id"], event["start"], event["end"])
    return None


def stretch_state(item: ReconcileItem, consensus: str, codings: Iterable[Coding],
                  log: Sequence[dict[str, Any]]) -> str | None:
    """What the consensus holds in the stretch, in words, or None when undecided.

    Args:
        item: the stretch.
        consensus: the consensus coder's name.
        codings: the consensus coder's active codings (of this theme and transcript,
            or more: the others are passed over).
        log: :meth:`~qualcoder_ahp.model.store.Store.reconcile_log`.
    """
    return _state(item, consensus, codings, rejections(log, consensus))


def rejections(log: Iterable[dict[str, Any]], consensus: str,
               ) -> dict[tuple[int, str, int, int], dict[str, Any]]:
    """The stretches the reconcile ``log`` left with nothing in ``consensus`` (by
    :func:`rejected_stretch`), each with the newest such event: read once for every
    stretch (looking each one up in the whole log made ``qcahp methods`` and ``qcahp
    disagreements`` take 100 s with 33,000 decisions and 5,500 stretches)."""
    found = {}
    for event in log:
        key = rejected_stretch(event, consensus)
        if key is not None:
            found[key] = event
    return found


def _state(item: ReconcileItem, consensus: str, codings: Iterable[Coding],
           rejected: dict[tuple[int, str, int, int], dict[str, Any]]) -> str | None:
    """:func:`stretch_state` with the log's rejections read (:func:`rejections`)."""
    spans = sorted((c.start, c.end) for c in codings
                   if c.transcript_id == item.transcript_id and c.theme_id == item.theme_id
                   and c.start < item.end and c.end > item.start)
    if spans:
        return f"{consensus} codes {_spans(spans)} there"
    event = rejected.get((item.transcript_id, item.theme_id, item.start, item.end))
    if event is None:
        return None
    rule = event["rule"] + (f" {event['taken_from']}" if event.get("taken_from") else "")
    return f"rejected ({rule}, event {event['id']})"


def undecided(store: Store, items: Sequence[ReconcileItem], consensus: str,
              log: Sequence[dict[str, Any]] | None = None) -> list[ReconcileItem]:
    """The stretches the consensus has not decided (the consensus codings and the
    reconcile log read once for them all; ``log`` when the caller has read it)."""
    if consensus not in store.coders():
        return list(items)
    mine: dict[tuple[int, str], list[Coding]] = {}
    for c in store.codings(coder=consensus):
        mine.setdefault((c.transcript_id, c.theme_id), []).append(c)
    rejected = rejections(store.reconcile_log() if log is None else log, consensus)
    return [item for item in items
            if _state(item, consensus, mine.get((item.transcript_id, item.theme_id), []),
                      rejected) is None]


def decided_into(store: Store, items: Sequence[ReconcileItem],
                 log: Sequence[dict[str, Any]] | None = None,
                 ) -> tuple[list[ReconcileItem], list[str]]:
    """The stretches no consensus coder has decided, and the consensus coders (by
    :meth:`~qualcoder_ahp.model.store.Store.consensus_coders`: ``consensus``, or the
    name a decision went into, ``qcahp reconcile decide --consensus agreed``) that
    decided one or more of them, by name. ``log``: the whole reconcile log, when the
    caller has read it (1.5 s on a study of a million words)."""
    log = store.reconcile_log() if log is None else log
    left = list(items)
    names = []
    for name in sorted(store.consensus_coders() & set(store.coders())):
        still = undecided(store, left, name, log)
        if len(still) < len(left):
            names.append(name)
        left = still
    return left, names


__all__ = ["decided_into", "rejections", "stretch_state", "undecided"]
