"""Session 19 team audit: ``u`` with one coder's workbench open in two windows.

The undo log is the coder's, wherever they decided. A researcher with two windows
open (or a ``qcahp decide`` in a terminal) accepted a suggestion in one window, decided
another in the second, came back and pressed ``u``: the second window's decision, in
another transcript and out of sight, was undone, and the one just made stayed. Now the
first ``u`` names that newer decision and undoes nothing; ``u`` again undoes it. A
window that has decided nothing yet (just opened, after a restart) undoes the coder's
newest decision as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui.app import make_app
from tests.tui.conftest import CODER, SIZE, build_project, open_alpha


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    build_project(path)
    return path


def _messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


def test_the_store_names_a_newer_decision_made_on_another_connection(project):
    here, there = open_store(project), open_store(project)
    try:
        first, second, third = here.suggestions()[:3]
        assert here.undo_elsewhere(CODER) is None  # nothing decided anywhere
        there.accept(first.id, CODER)
        assert here.undo_elsewhere(CODER) is None  # before this window decided: as always
        here.accept(second.id, CODER)
        assert here.undo_elsewhere(CODER) is None  # its own decision is on top
        there.reject(third.id, CODER)
        event = here.undo_elsewhere(CODER)
        assert event is not None and event["kind"] == "reject"
        assert event["suggestion_id"] == third.id
        assert there.undo_elsewhere(CODER) is None  # the other window's own decision
        there.undo(CODER)
        assert here.undo_elsewhere(CODER) is None  # its own is on top again
    finally:
        here.close()
        there.close()


async def test_u_names_the_other_windows_decision_before_undoing_it(project, monkeypatch):
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)
    app = make_app(project, coder=CODER)
    there = open_store(project)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_alpha(pilot)
            mine = screen.session.current
            await pilot.press("a")
            await pilot.pause()
            beta = there.suggestions(transcript_id=there.transcript("beta").id)[0]
            there.accept(beta.id, CODER)  # the same coder, in a second window
            await pilot.press("u")
            await pilot.pause()
            # Nothing undone: both decisions stand, and the screen says which is newer.
            assert app.store.decision_of(beta.id, CODER) == "accepted"
            assert app.store.decision_of(mine.id, CODER) == "accepted"
            said = _messages(app)[-1]
            assert said.startswith(f"{CODER}'s newest decision was made in another window")
            assert "on beta" in said and "press u again to undo it" in said
            await pilot.press("u")  # asked again: the other window's decision goes
            await pilot.pause()
            assert app.store.decision_of(beta.id, CODER) is None
            assert app.store.decision_of(mine.id, CODER) == "accepted"
            await pilot.press("u")  # then this window's own, with no question
            await pilot.pause()
            assert app.store.decision_of(mine.id, CODER) is None
            assert _messages(app)[-1].startswith("Undone: accept")
    finally:
        there.close()


async def test_a_window_that_decided_nothing_undoes_the_newest_as_before(project,
                                                                         monkeypatch):
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)
    there = open_store(project)
    first = there.suggestions()[0]
    there.accept(first.id, CODER)  # yesterday's session, or another window
    app = make_app(project, coder=CODER)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_alpha(pilot)
            await pilot.press("u")
            await pilot.pause()
            assert app.store.decision_of(first.id, CODER) is None
    finally:
        there.close()
