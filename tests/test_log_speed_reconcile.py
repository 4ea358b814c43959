"""The reconcile log at scale: the same statuses, without a quadratic loop or a scan.

``Store.reconcile_log`` marks a decision ``replaced`` when a later decision in effect
covers part of its stretch. It used to compare every decision with every later one
and read every active consensus coding of the study; now it groups the decisions by
consensus coder, transcript and theme, asks a tree of the later stretches, and looks
up only the decisions' own codings. These tests check that the statuses are those of
the rule as written (a brute-force reading of it) over many decisions replacing each
other, undone and redone, and that the log reads the events by their kind index and
the codings by id.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from qualcoder_ahp.model.reconcile_store import _LaterStretches
from qualcoder_ahp.model.store import Store, open_store
from tests.helpers.project import build_project


def brute_statuses(store: Store, log: list[dict[str, Any]]) -> list[str]:
    """The statuses by the rule, compared pair by pair (as the log used to)."""
    undone = {e["id"] for e in log if e["status"] == "undone"}
    active = {cid for (cid,) in store.conn.execute(
        "SELECT id FROM codings WHERE origin = 'consensus' AND active = 1")}
    out = []
    for k, event in enumerate(log):
        later = [e for e in log[k + 1:] if e["id"] not in undone
                 and e["coder"] == event["coder"]
                 and (e["transcript_id"], e["theme_id"]) == (event["transcript_id"],
                                                             event["theme_id"])
                 and e["start"] < event["end"] and e["end"] > event["start"]]
        kept = any(cid in active for cid in event["coding_ids"])
        out.append("undone" if event["id"] in undone else
                   "replaced" if later and not kept else "in effect")
    return out


def test_many_decisions_replacing_each_other_keep_the_rule(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p.db")
    rng = random.Random(11)
    tids = [t.id for t in store.transcripts()]
    length = len(store.transcript_text(tids[0]))
    for n in range(160):
        tid = rng.choice(tids)
        theme = rng.choice(["serendipity", "mandate"])
        consensus = rng.choice(["consensus", "consensus", "agreed"])
        start = rng.randrange(0, length - 12)
        end = min(length, start + rng.randrange(1, 60))
        spans = [] if rng.random() < 0.2 else [(start, end)]
        store.reconcile(tid, theme, consensus, spans, rule="union" if spans else "reject",
                        compared=["ana", "ben"], start=start, end=end, decided_by="ana")
        if rng.random() < 0.15:
            store.undo(consensus)
            if rng.random() < 0.5:
                store.redo(consensus)
    log = store.reconcile_log()
    statuses = [e["status"] for e in log]
    assert len(log) == 160
    assert statuses == brute_statuses(store, log)
    assert {"replaced", "in effect", "undone"} <= set(statuses)
    store.close()


def test_later_stretches_answers_as_a_pairwise_comparison() -> None:
    rng = random.Random(3)
    for _ in range(200):
        stretches = [(s, s + rng.randrange(1, 30)) for s in
                     (rng.randrange(0, 100) for _ in range(rng.randrange(1, 25)))]
        tree = _LaterStretches([s for s, _ in stretches])
        added: list[tuple[int, int]] = []
        for start, end in reversed(stretches):
            expected = any(s < end and e > start for s, e in added)
            assert tree.overlaps(start, end) == expected
            tree.add(start, end)
            added.append((start, end))


def test_the_log_reads_events_by_kind_and_codings_by_id(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p.db")
    tid = store.transcripts()[0].id
    store.reconcile(tid, "mandate", "consensus", [(0, 10)], rule="union",
                    compared=["ana", "ben"], start=0, end=10)
    store.close()
    store = open_store(tmp_path / "p.db")
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    log = store.reconcile_log()
    store.conn.set_trace_callback(None)
    assert [e["status"] for e in log] == ["in effect"]
    reads = [s for s in statements if "FROM events" in s]
    assert reads
    for sql in reads:
        plan = " ".join(r[-1] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "events_by_kind" in plan and "SCAN e" not in plan, (sql, plan)
    codings = [s for s in statements if "FROM codings" in s]
    assert codings and all(" id IN (" in s for s in codings), codings
    store.close()
