"""Session 19 team audit: undoing many reconcile decisions at once.

``g`` on the reconcile screen copies every agreed stretch into the consensus, one
logged decision each, and ``u`` takes them all back. Each was undone through
:meth:`Store.undo`, which reads the consensus coder's whole log again: after ``g`` on a
1M-word study (33,259 stretches) ``u`` froze the workbench for many minutes (the log
read 33,259 times). :meth:`Store.undo_steps` reads it once (5.2 s for all of them), and
so does ``qcahp undo --steps N``.
"""

from __future__ import annotations

from qualcoder_ahp.model.store import Store
from tests.helpers.reconcile_host import ReconcileHost
from tests.test_agreement_compute import build_project


def Host(store: Store) -> ReconcileHost:
    """The reconcile screen for lead, asha and ben compared."""
    return ReconcileHost(store, "lead", coders=["asha", "ben"])


def _agreed_project(store: Store) -> None:
    a, _ = build_project(store)
    text = store.transcript_text(a.id)
    for k in range(4):  # four more stretches coded alike: five agreed in all
        at = text.index(" ", 5 * k + 1) + 1
        for coder in ("asha", "ben"):
            store.code(a.id, "winding", coder, at, at + 3)


def test_undo_steps_takes_back_each_decision_reading_the_log_once(store, monkeypatch):
    _agreed_project(store)
    store.code(1, "mandate", "lead", 0, 5)
    for _ in range(3):
        store.code(1, "mandate", "lead", 10, 15)
    reads = []
    real = Store.undo_stack
    monkeypatch.setattr(Store, "undo_stack",
                        lambda self, coder: reads.append(coder) or real(self, coder))
    undone = store.undo_steps("lead", 3)
    assert [e["kind"] for e in undone] == ["code"] * 3
    assert reads == ["lead"]
    assert [(c.start, c.end) for c in store.codings(coder="lead")] == [(0, 5)]
    assert [e["kind"] for e in store.events("lead")][-3:] == ["undo"] * 3
    assert store.undo_steps("lead", 5)[0]["kind"] == "code"  # fewer left than asked
    assert store.undo_steps("lead", 1) == [] and store.undo("lead") is None


async def test_u_after_g_undoes_every_copied_stretch_reading_the_log_once(store,
                                                                          monkeypatch):
    _agreed_project(store)
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert len(store.codings(coder="consensus")) == 5
        reads = []
        real = Store.undo_stack
        monkeypatch.setattr(Store, "undo_stack",
                            lambda self, coder: reads.append(coder) or real(self, coder))
        await pilot.press("u")
        await pilot.pause()
        assert store.codings(coder="consensus") == []
        assert len(reads) <= 2  # the check that these are on top, and the undo
        kinds = [e["kind"] for e in store.events("consensus")]
        assert kinds == ["reconcile"] * 5 + ["undo"] * 5


def test_qcahp_undo_steps_reads_the_log_once(store, monkeypatch):
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    _agreed_project(store)
    for start in (0, 10, 20):
        store.code(1, "mandate", "lead", start, start + 5)
    path = str(store.path)
    store.close()
    reads = []
    real = Store.undo_stack
    monkeypatch.setattr(Store, "undo_stack",
                        lambda self, coder: reads.append(coder) or real(self, coder))
    result = CliRunner().invoke(cli, ["--db", path, "undo", "--coder", "lead", "--steps", "5"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "undid: coded by hand: Board mandate on asha [20, 25)",
        "undid: coded by hand: Board mandate on asha [10, 15)",
        "undid: coded by hand: Board mandate on asha [0, 5)"]
    assert result.stderr == "Nothing more to undo for lead (3 of 5 steps).\n"
    assert reads == ["lead"]
