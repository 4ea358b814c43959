"""Session 19 team audit: counting the undecided reconcile stretches reads the log once.

``qcahp methods`` and ``qcahp disagreements`` count the stretches still undecided
(:func:`~qualcoder_ahp.reports.reconcile_state.undecided`). Each stretch was looked up
in the whole reconcile log: after ``qcahp reconcile copy-agreed`` on a 1M-word study
(33,259 decisions, 5,529 stretches) ``qcahp methods`` took 104 s, nearly all of it there.
The log is now read once into the rejected stretches, whatever the number of stretches.
"""

from __future__ import annotations

from typing import Any

from qualcoder_ahp.agreement.reconcile import ReconcileItem
from qualcoder_ahp.reports import reconcile_state


class _Store:
    """What :func:`undecided` reads: the coders, the consensus codings, the log."""

    def __init__(self, log: list[dict[str, Any]]) -> None:
        self.log = log

    def coders(self) -> list[str]:
        return ["ana", "ben", "consensus"]

    def codings(self, coder: str) -> list[Any]:
        return []

    def reconcile_log(self) -> list[dict[str, Any]]:
        return self.log


def _item(k: int) -> ReconcileItem:
    return ReconcileItem("t", 1, "serendipity", 100 * k, 100 * k + 50,
                         (("ana", ((100 * k, 100 * k + 50),)), ("ben", ())))


def _rejection(event_id: int, k: int) -> dict[str, Any]:
    return {"id": event_id, "coder": "consensus", "status": "in effect", "coding_ids": [],
            "transcript_id": 1, "theme_id": "serendipity", "start": 100 * k,
            "end": 100 * k + 50, "rule": "reject", "taken_from": None}


def test_undecided_reads_the_log_once_however_many_stretches(monkeypatch):
    items = [_item(k) for k in range(60)]
    log = [_rejection(k + 1, k) for k in range(0, 60, 2)]  # every other stretch rejected
    log += [{**_rejection(100 + k, 500 + k), "coder": "other"} for k in range(40)]
    calls = []
    real = reconcile_state.rejected_stretch

    def counted(event: dict[str, Any], consensus: str) -> Any:
        calls.append(event["id"])
        return real(event, consensus)

    monkeypatch.setattr(reconcile_state, "rejected_stretch", counted)
    left = reconcile_state.undecided(_Store(log), items, "consensus")
    # The same answer: the stretches with no rejection in effect are undecided.
    assert [it.start for it in left] == [100 * k for k in range(1, 60, 2)]
    # Each event of the log looked at once (before: up to once per stretch, 60 x 70).
    assert len(calls) == len(log)


def test_the_newest_rejection_names_the_decision():
    item = _item(3)
    older, newer = _rejection(7, 3), {**_rejection(9, 3), "rule": "take",
                                      "taken_from": "ben"}
    state = reconcile_state.stretch_state(item, "consensus", [], [older, newer])
    assert state == "rejected (take ben, event 9)"
    assert reconcile_state.stretch_state(_item(4), "consensus", [], [older, newer]) is None
