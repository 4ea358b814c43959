"""Session 22: the reconcile screen's ``u`` reads the consensus coder's log once (it read
it twice: once to check its decisions were on top, once to undo them), at 80x24; the check
is made on the same read, and another window's newer decision still stops it."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from qualcoder_ahp.model.decisions import DecisionMixin
from qualcoder_ahp.model.store import Store
from tests.helpers.reconcile_host import ReconcileHost
from tests.test_agreement_compute import build_project
from tests.helpers.pilot import settle

SIZE = (80, 24)


def _consensus(store) -> int:  # type: ignore[no-untyped-def]
    return int(store.conn.execute(
        "SELECT count(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
        "WHERE k.name = 'consensus' AND c.active").fetchone()[0])


async def test_u_reads_the_consensus_log_once(store: Store, monkeypatch: pytest.MonkeyPatch,
                                              ) -> None:
    build_project(store)
    app = ReconcileHost(store, "asha", coders=["asha", "ben"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("b")  # ben's span into the consensus
        await settle(app, pilot)
        assert _consensus(store) == 1
        reads = []
        history = DecisionMixin._undo_history

        def counted(self, coder):  # type: ignore[no-untyped-def]
            reads.append(coder)
            return history(self, coder)

        monkeypatch.setattr(DecisionMixin, "_undo_history", counted)
        await pilot.press("u")
        await settle(app, pilot)
        assert _consensus(store) == 0  # undone, committed
        assert reads == ["consensus"]  # one read of the log (it was two)
        status = str(app.screen.query_one("#reconcile-status", Static).render())
        assert status.startswith("Disagreement 1/2 (0 decided)")


def test_undo_steps_refuses_when_others_are_on_top(store) -> None:  # type: ignore[no-untyped-def]
    from qualcoder_ahp.model.decisions import NotOnTop

    a, _ = build_project(store)
    first = store.code(a.id, "mandate", "consensus", 0, 5)
    done = store.undo_stack("consensus")[0]
    store.code(a.id, "mandate", "consensus", 6, 12)  # another window's, newer
    events = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(NotOnTop):
        store.undo_steps("consensus", 1, on_top=done[-1:])
    assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == events
    assert _consensus(store) == 2  # nothing undone
    newest = store.undo_stack("consensus")[0][-1:]
    undone = store.undo_steps("consensus", 1, on_top=newest)
    assert [u["id"] for u in undone] == newest and _consensus(store) == 1
    assert first.id in {c.id for c in store.codings(coder="consensus")}
