"""A transcript withdrawn in another window (`qcahp withdraw`) before the workbench's
next poll: opening it from the transcripts, passages or search screen crashed the
workbench with a traceback ("no transcript 1 in this project"). Now the screen says it
was withdrawn, opens nothing and re-reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.passages import PassagesScreen
from qualcoder_ahp.tui.screens.search import SearchScreen
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from tests.tui.conftest import CODER
from tests.tui.test_passages_screen import code_project, open_passages
from tests.tui.test_passages_screen import settle as settle_passages
from tests.tui.test_search_screen import open_search

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def no_poll(monkeypatch):  # type: ignore[no-untyped-def]
    """The workbench's timer off: the withdrawal lands between two polls."""
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)


def withdraw(project: Path, transcript_id: int) -> str:
    with open_store(project) as other:
        name = other.transcript(transcript_id).name
        other.withdraw(transcripts=[name], by="x")
    return name


def said(app, name: str) -> bool:  # type: ignore[no-untyped-def]
    return any(f"{name} was withdrawn from the project (qcahp withdraw); nothing was "
               "opened." in n.message for n in app._notifications)


async def test_enter_on_the_transcripts_screen(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TranscriptsScreen)
        table = screen.query_one("#transcripts")
        rows = table.row_count
        withdraw(project, screen._selected_id())
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, TranscriptsScreen)
        assert said(app, "That transcript")
        assert table.row_count == rows - 1  # and the list re-read without it


async def test_enter_on_a_passage(project: Path):
    code_project(project)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_passages(pilot, "seren")
        assert isinstance(screen, PassagesScreen)
        name = withdraw(project, screen.selected().transcript_id)
        await pilot.press("enter")
        await settle_passages(pilot)
        assert app.is_running and not isinstance(app.screen, CodingScreen)
        assert said(app, name)


async def test_enter_on_a_search_hit(project: Path):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_search(pilot, "board")
        assert isinstance(screen, SearchScreen)
        name = withdraw(project, screen.selected().transcript_id)
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, CodingScreen)
        assert said(app, name)


async def test_a_decision_on_the_coding_screen(project: Path):
    """a/x on a suggestion of a transcript withdrawn since the last poll said only "no
    suggestion with id 1"; now the screen closes it as the poll does, and says why."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        name = withdraw(project, screen.session.transcript_id)
        await pilot.press("a")
        for _ in range(5):
            await pilot.pause()
        assert app.is_running and isinstance(app.screen, TranscriptsScreen)
        assert any(n.message == f"{name} was withdrawn from the project (qcahp withdraw) "
                   "and is closed" for n in app._notifications)
        assert not any("no suggestion with id" in n.message for n in app._notifications)
