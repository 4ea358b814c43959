"""A speaker renamed elsewhere shows in an open workbench (session 21).

`qcahp speakers rename` (or a merge applying a copy's rename) changes turns, not text.
The workbench's poll re-read suggestions, decisions and codings but not the turns, so
an open transcript kept showing the old name until it was opened again.
"""
from __future__ import annotations

import pytest

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui.widgets.transcript_view import TranscriptView
from tests.tui.conftest import SIZE, open_alpha, screen_text


@pytest.fixture(autouse=True)
def manual_poll(monkeypatch):
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)


async def test_rename_in_another_process_shows_without_reopening(app, project):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        view = screen.query_one(TranscriptView)
        assert "P1" in screen_text(app) and "Helen Ash" not in screen_text(app)
        current = screen.session.current
        theirs = open_store(project)
        try:
            theirs.change_speaker([theirs.transcript("alpha")], "P1", name="Helen Ash",
                                  by="lead")
            theirs.change_speaker([theirs.transcript("alpha")], "Interviewer",
                                  role="participant", by="lead")
        finally:
            theirs.close()
        assert app.poll_store() is True
        await pilot.pause()
        shown = screen_text(app)
        assert "Helen Ash" in shown and "P1:" not in shown
        assert [t.speaker for t in view.turns] == ["Interviewer", "Helen Ash"] * 2
        assert view.interviewer == set()  # the role change reaches the view too
        assert screen.session.current is not None
        assert screen.session.current.id == current.id  # the coder's place is kept
