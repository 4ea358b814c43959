"""Session 19 team2: ``g`` on the reconcile screen, and ``u`` after it, in a worker.

``g`` copies every agreed stretch into the consensus (33,259 on a 1M-word study, some
10 s) and ``u`` takes them back (5 s); both wrote on the screen's thread, and the
workbench froze meanwhile. From :data:`~qualcoder_ahp.tui.screens.reconcile_decide.
IN_WORKER` stretches on they are written in a thread worker on a connection of its own,
in one transaction, with a progress bar; keys are refused with a word meanwhile, and
the result shows once committed, the same as written on the screen's thread.
"""

from __future__ import annotations

import threading

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui.screens import reconcile_decide
from tests.test_s19_team_undo_steps import Host, _agreed_project


def _status(app) -> str:  # type: ignore[no-untyped-def]
    from textual.widgets import Static

    return str(app.screen.query_one("#reconcile-status", Static).render())


def _consensus(store: Store) -> list[tuple[int, str, int, int]]:
    return [(c.transcript_id, c.theme_id, c.start, c.end)
            for c in store.codings(coder="consensus")]


def _log(store: Store) -> list[tuple[object, ...]]:
    return [(e["rule"], e["transcript_id"], e["theme_id"], e["start"], e["end"],
             tuple(e["compared"]), e["decided_by"], e["status"]) for e in store.reconcile_log()]


async def _run(store: Store, held: threading.Event | None, seen: dict[str, object]) -> None:
    """g, then u, on the reconcile screen; with ``held``, the worker waits for it
    while the test presses keys and reads the screen."""
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        if held is not None:
            seen["copying"] = _status(app)
            seen["bar"] = app.screen.query_one("#reconcile-progress").display
            await pilot.press("x", "escape", "a")  # refused while the worker writes
            await pilot.pause()
            seen["refused"] = [n.message for n in app._notifications]
            seen["events meanwhile"] = len(store.events("consensus"))
            seen["screen"] = type(app.screen).__name__
            held.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen["copied"] = [n.message for n in app._notifications][-1]
        seen["consensus"] = _consensus(store)
        seen["log"] = _log(store)
        seen["bar after"] = app.screen.query_one("#reconcile-progress").display
        await pilot.press("u")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen["undone"] = _consensus(store)
        seen["kinds"] = [e["kind"] for e in store.events("consensus")]


async def test_g_and_u_write_in_a_worker_and_keys_wait(store, tmp_path, monkeypatch):
    _agreed_project(store)
    monkeypatch.setattr(reconcile_decide, "IN_WORKER", 3)
    held = threading.Event()
    threads = []
    real_copy, real_undo = Store.copy_agreed, Store.undo_steps

    def copy_agreed(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        assert held.wait(20)
        return real_copy(self, *args, **kwargs)

    def undo_steps(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        return real_undo(self, *args, **kwargs)

    monkeypatch.setattr(Store, "copy_agreed", copy_agreed)
    monkeypatch.setattr(Store, "undo_steps", undo_steps)
    seen: dict[str, object] = {}
    await _run(store, held, seen)
    assert threads == [False, False]  # g and its u, both off the screen's thread
    assert str(seen["copying"]).startswith(
        "Copying 5 agreed stretches into consensus, in one transaction: 0 of 5 written.")
    assert seen["bar"] is True and seen["bar after"] is False
    refused = seen["refused"]
    assert isinstance(refused, list) and len(refused) == 3
    assert all(m.startswith("Copying 5 agreed stretches into consensus: wait until it is done")
               for m in refused)
    assert seen["events meanwhile"] == 0 and seen["screen"] == "ReconcileScreen"
    assert seen["copied"] == "Copied 5 agreed stretches into consensus."
    assert len(seen["consensus"]) == 5  # type: ignore[arg-type]
    assert seen["undone"] == []
    assert seen["kinds"] == ["reconcile"] * 5 + ["undo"] * 5  # x was never written

    # The same study written on the screen's thread: the same consensus and log.
    monkeypatch.setattr(Store, "copy_agreed", real_copy)
    monkeypatch.setattr(Store, "undo_steps", real_undo)
    monkeypatch.setattr(reconcile_decide, "IN_WORKER", 10_000)
    other = open_store(tmp_path / "other.db")
    try:
        _agreed_project(other)
        there: dict[str, object] = {}
        await _run(other, None, there)
        for key in ("copied", "consensus", "log", "undone", "kinds"):
            assert there[key] == seen[key], key
    finally:
        other.close()


async def test_u_after_g_in_a_worker_refuses_when_another_window_decided(store,
                                                                         monkeypatch):
    _agreed_project(store)
    monkeypatch.setattr(reconcile_decide, "IN_WORKER", 3)
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        other = open_store(store.path)  # a second window rejects a stretch meanwhile
        try:
            item = app.screen.walk.items[0]
            other.reconcile(item.transcript_id, item.theme_id, "consensus", [],
                            rule="reject", compared=["asha", "ben"], start=item.start,
                            end=item.end, decided_by="ben")
        finally:
            other.close()
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [n.message for n in app._notifications][-1].startswith(
            "consensus has a newer decision from another window or command")
        assert [e["kind"] for e in store.events("consensus")] == ["reconcile"] * 6
        assert len(store.codings(coder="consensus")) == 5


def test_the_status_line_counts_a_large_study_with_separators(store):
    from qualcoder_ahp.agreement.reconcile import ReconcileItem
    from qualcoder_ahp.tui.reconcile_walk import ReconcileWalk

    def item(k: int) -> ReconcileItem:
        return ReconcileItem("t", 1, "serendipity", k, k + 1, (("ana", ()), ("ben", ())))

    walk = ReconcileWalk(store, "consensus")
    walk.items = [item(k) for k in range(8500)]
    walk.agreed = [item(k) for k in range(32684)]
    status = walk.status_text(["ana", "ben"])  # it read "1/8500" and "32684 agreed"
    assert status.startswith("Disagreement 1/8,500 (0 decided)")
    assert "32,684 agreed stretches not yet in consensus (g copies them)" in status
