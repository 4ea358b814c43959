"""The reconcile screen while another qcahp holds the project's write lock: one busy
dialog saying what was not stored, the decision stored once after, the screen as the
database holds it; ``g`` written in a worker too (it waited the 30-second busy timeout
without a word, then said "database is locked")."""

from __future__ import annotations

import time
from pathlib import Path

from textual.widgets import SelectionList

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens import reconcile_decide
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.helpers.busy import busy as _busy, busy_text as _busy_text
from tests.helpers.busy import hold as _hold, rows as _rows, until as _until
from tests.test_agreement_compute import build_project

SIZE = (80, 24)


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    with open_store(path) as store:
        build_project(store)
    return path


async def _open(pilot, coders: tuple[str, ...]) -> ReconcileScreen:  # noqa: ANN001
    """R, the coders ``coders`` ticked only, Enter: the reconcile screen, loaded."""
    app = pilot.app
    await pilot.pause()
    await pilot.press("R")
    await pilot.pause()
    picker = app.screen.query_one(SelectionList)
    for value in list(picker.selected):
        if value not in coders:
            picker.deselect(value)
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ReconcileScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    return screen


def _notes(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications]


def _status(screen: ReconcileScreen) -> str:
    return str(screen.query_one("#reconcile-status").render())


async def test_take_while_busy_one_dialog_naming_the_decision_then_stored_once(tmp_path,
                                                                              monkeypatch):
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)
    project = _project(tmp_path)
    app = make_app(project, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, ("asha", "ben"))
        assert "(0 decided)" in _status(screen)
        holder = _hold(project)
        try:
            await pilot.press("a")
            assert await _until(pilot, lambda: _busy(app))
            assert "Your decision (a coder's coding taken) was not stored" in _busy_text(app)
            assert _notes(app) == []  # the dialog only, no notice of its own besides
            assert _rows(project, "SELECT COUNT(*) FROM events WHERE kind = 'reconcile'") \
                == [(0,)]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert await _until(pilot, lambda: app.screen is screen)
        await pilot.pause(0.6)
        assert _rows(project, "SELECT COUNT(*) FROM events WHERE kind = 'reconcile'") \
            == [(1,)]
        assert "(1 decided)" in _status(screen)
        assert len(_notes(app)) == 1 and _notes(app)[0].startswith("Took asha's coding")


async def test_copy_agreed_in_a_worker_while_busy_brings_the_dialog_then_copies_once(
        tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)
    monkeypatch.setattr(reconcile_decide, "IN_WORKER", 1)  # g in the worker, as for 500
    project = _project(tmp_path)
    app = make_app(project, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, ("asha", "ben"))
        assert screen.walk.agreed
        holder = _hold(project)
        try:
            began = time.monotonic()
            await pilot.press("g")
            assert await _until(pilot, lambda: _busy(app))
            # Not the 30-second busy timeout (half of it: a loaded machine took over 3 s).
            assert time.monotonic() - began < 15
            assert "Your copy of the agreed stretches was not stored" in _busy_text(app)
            assert _notes(app) == []  # no "database is locked" beside it
            assert screen.writing is None  # the keys are free again
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert await _until(pilot, lambda: app.screen is screen)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        copied = _rows(project, "SELECT COUNT(*) FROM events WHERE kind = 'reconcile'")
        assert copied == [(len(screen.walk.agreed),)]
        assert [n for n in _notes(app) if n.startswith("Copied ")] == [
            f"Copied {len(screen.walk.agreed)} agreed "
            f"{'stretch' if len(screen.walk.agreed) == 1 else 'stretches'} into consensus."]
        # u after it undoes in the worker too: the same dialog, then undone once.
        holder = _hold(project)
        try:
            await pilot.press("u")
            assert await _until(pilot, lambda: _busy(app))
            assert "Your undo was not stored" in _busy_text(app)
            assert _rows(project, "SELECT COUNT(*) FROM events WHERE kind = 'undo'") \
                == [(0,)]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert await _until(pilot, lambda: app.screen is screen)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert _rows(project, "SELECT COUNT(*) FROM events WHERE kind = 'undo'") == copied
        assert _rows(project, "SELECT COUNT(*) FROM codings c JOIN coders d "
                     "ON d.id = c.coder_id WHERE d.name = 'consensus' AND c.active = 1") \
            == [(0,)]
        assert not screen.walk.history
