"""A mistyped coder name is asked about before it becomes a new coder.

`qcahp code --coder Ana` in a project where the coder is `ana` opened an empty
workbench (0 decided everywhere) as a new coder `Ana`, as if ana's work were lost,
and left `Ana` in the project's coders. The CLI's `decide` warned; the workbench did not.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.modals import CoderModal
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from tests.tui.conftest import CODER

SIZE = (80, 24)


def said(dialog: CoderModal) -> str:
    return " ".join(str(dialog.query_one("#coder-error", Label).render()).split())


def coders(project: Path) -> list[str]:
    with open_store(project) as store:
        return store.coders()


async def test_a_mistyped_coder_is_asked_about_and_can_be_corrected(project: Path):
    with open_store(project) as store:
        store.ensure_coder(CODER)
    app = make_app(project, coder="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CoderModal)
        assert said(dialog).startswith("'Ana' is not a coder in this project yet: did you "
                                       "mean 'ana'?")
        assert "press Enter to start as the new coder 'Ana'" in said(dialog)
        assert dialog.query_one(Input).value == "Ana"
        assert "Ana" not in coders(project)  # nothing made yet
        dialog.query_one(Input).value = ""
        await pilot.press(*CODER, "enter")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen) and app.coder == CODER
    assert coders(project) == [CODER]


async def test_enter_starts_the_new_coder_as_typed(project: Path):
    with open_store(project) as store:
        store.ensure_coder(CODER)
    app = make_app(project)  # no --coder, none remembered: the dialog asks
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen
        await pilot.press(*"anna", "enter")
        await pilot.pause()
        assert app.screen is dialog and "did you mean 'ana'?" in said(dialog)
        await pilot.press("enter")  # yes, anna is someone else
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen) and app.coder == "anna"
    assert sorted(coders(project)) == [CODER, "anna"]


async def test_a_name_like_no_coder_starts_at_once(project: Path):
    with open_store(project) as store:
        store.ensure_coder(CODER)
    app = make_app(project, coder="ben")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen) and app.coder == "ben"
