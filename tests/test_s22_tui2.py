"""Session 22: a passage coded over a question and its answer names both turns and both
speakers on the passages screen and in the framework cell, as the quotes report does
(one definition, on the report's Quote), at 80x24."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.quotes import quotes
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.framework import FrameworkCellScreen, FrameworkScreen
from qualcoder_ahp.tui.screens.passages import PassageList, PassagesScreen
from tests.tui.conftest import build_project
from tests.helpers.pilot import settle

SIZE = (80, 24)


def _two_turn_project(tmp_path: Path) -> tuple[Path, int]:
    """The test project with ana's mandate coding over turn 3 (the interviewer's
    question) and turn 4 (P1's answer) of alpha."""
    path = tmp_path / "p.db"
    build_project(path)
    with open_store(path) as store:
        alpha = store.transcripts()[0]
        text = store.transcript_text(alpha.id)
        start = text.index("And the board?")
        end = text.index("I report to the board now.") + len("I report to the board now.")
        coding = store.code(alpha.id, "mandate", "ana", start, end)
    return path, coding.id


def test_the_report_names_both_turns_and_speakers(tmp_path: Path) -> None:
    from qualcoder_ahp.reports.exports import place  # (today's, not in the session's start)

    path, _ = _two_turn_project(tmp_path)
    with open_store(path) as store:
        found = quotes(ReportData(store, "ana"), theme="mandate", context=False)
    (q,) = found
    assert (q.turn, q.last_turn, q.speakers) == (3, 4, ("Interviewer", "P1"))
    assert place(q) == ", turns 3-4, speakers Interviewer and P1"
    assert (q.turns_label, q.speakers_named) == ("turns 3-4", "Interviewer and P1")


async def test_passages_screen_names_both_turns_and_speakers(tmp_path: Path) -> None:
    path, coding_id = _two_turn_project(tmp_path)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("P")
        await pilot.pause()
        await pilot.press(*"mandate", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PassagesScreen)
        listing = screen.query_one(PassageList)
        rows = [listing.render_line(y).text.rstrip()
                for y in range(listing.scrollable_content_region.height)]
        assert "Interviewer and P1 · turns 3-4  ana, coded by hand" in rows, rows
        assert not any(r.startswith("Interviewer · turn 3") for r in rows)
        assert [p.quote.coding_id for p in screen.shown.passages] == [coding_id]


async def test_framework_cell_names_both_turns_and_speakers(tmp_path: Path) -> None:
    path, _ = _two_turn_project(tmp_path)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("X")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FrameworkScreen)
        for _ in range(10):  # to P1 x Mandate
            here = screen.current()
            if here is not None and (here[0].label, here[1]) == ("P1", "mandate"):
                break
            await pilot.press("right")
            await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FrameworkCellScreen)
        cell = str(app.screen.query_one("#cell-quotes-text", Static).render())
        assert cell.startswith("alpha, turns 3-4, Interviewer and P1\n\u201cAnd the board?"), cell
