"""Session 19 team2: redo matches undo.

``qcahp redo --steps N`` redid one step at a time, each reading the coder's whole log
again (as ``undo --steps`` did before :meth:`Store.undo_steps`), and ``r`` in the
workbench had no two-window check: with one coder in two windows, ``r`` brought back
a decision the other window had just undone, out of sight. Now
:meth:`Store.redo_steps` redoes in one transaction reading the log once, and the first
``r`` names a decision undone elsewhere; ``r`` again redoes it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui.app import make_app
from tests.tui.conftest import CODER, SIZE, build_project, open_alpha


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    build_project(path)
    return path


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = Store.undo_stack
    monkeypatch.setattr(Store, "undo_stack",
                        lambda self, coder: reads.append(coder) or real(self, coder))
    return reads


def test_qcahp_redo_steps_is_one_transaction_reading_the_log_once(project, monkeypatch):
    with open_store(project) as store:
        ids = [s.id for s in store.suggestions()[:4]]
        for sid in ids:
            store.accept(sid, CODER)
        store.undo_steps(CODER, 4)
    reads = _count_reads(monkeypatch)
    result = CliRunner().invoke(cli, ["--db", str(project), "redo", "--coder", CODER,
                                      "--steps", "3"])
    assert result.exit_code == 0, result.output
    assert reads == [CODER]
    assert len(result.output.strip().splitlines()) == 3
    with open_store(project) as store:
        assert [store.decision_of(sid, CODER) for sid in ids] == ["accepted"] * 3 + [None]
        assert [e["kind"] for e in store.events(CODER)][-3:] == ["redo"] * 3
        events = store.events(CODER)
        assert [e.get("target") for e in events][-3:] == [
            e["id"] for e in events[:3]]  # the last undone (the oldest) first
        assert store.redo_steps(CODER, 5)[0]["suggestion_id"] == ids[3]  # fewer left
        assert store.redo_steps(CODER, 1) == [] and store.redo(CODER) is None


def test_the_store_names_a_decision_undone_on_another_connection(project):
    here, there = open_store(project), open_store(project)
    try:
        first, second = here.suggestions()[:2]
        here.accept(first.id, CODER)
        there.accept(second.id, CODER)
        assert here.redo_elsewhere(CODER) is None  # nothing undone
        there.undo(CODER)  # the other window undoes its own decision
        event = here.redo_elsewhere(CODER)
        assert event is not None and event["suggestion_id"] == second.id
        assert there.redo_elsewhere(CODER) is None  # its own undo
        there.redo(CODER)
        here.undo(CODER)  # this window's own undo: redone here without a word
        assert here.redo_elsewhere(CODER) is None
    finally:
        here.close()
        there.close()


async def test_r_names_the_other_windows_undo_before_redoing_it(project, monkeypatch):
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
            there.accept(beta.id, CODER)  # the same coder, in a second window,
            there.undo(CODER)  # takes it back there
            await pilot.press("r")
            await pilot.pause()
            assert app.store.decision_of(beta.id, CODER) is None  # not brought back
            said = [n.message for n in app._notifications][-1]
            assert said.startswith(f"{CODER}'s last undone decision was undone in another "
                                   "window or by a command")
            assert "on beta" in said and "press r again to redo it" in said
            await pilot.press("r")  # asked again: it comes back
            await pilot.pause()
            assert app.store.decision_of(beta.id, CODER) == "accepted"
            assert app.store.decision_of(mine.id, CODER) == "accepted"
    finally:
        there.close()
