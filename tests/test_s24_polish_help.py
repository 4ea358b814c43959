"""Session 24: the help lists the keys that work now, as the footer does.

The help (``?``) was built from every binding of the screen: on the transcripts screen it
listed ``esc Dismiss`` with no report showing (the footer, rightly, did not), and on the
passages screen ``n Consensus`` as if it worked without a consensus coding. A key that
does nothing now (the footer leaves it out or greys it) is listed with "(not now)"
after it, greyed: the help still names every key of the screen.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from textual.widgets import DataTable

from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.screens.passages import PassagesScreen
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from qualcoder_ahp.model.store import open_store
from tests.tui.conftest import CODER, build_project

SIZE = (80, 24)


def project_with_codings(path: Path) -> Path:
    """The test project, ana having coded the 'luck' sentences with Serendipity."""
    build_project(path)
    with open_store(path) as store:
        for info in store.transcripts():
            text = store.transcript_text(info.id)
            for sentence in store.sentences(info.id):
                if "luck" in text[sentence.start:sentence.end]:
                    store.code(info.id, "serendipity", CODER, sentence.start, sentence.end)
    return path


async def help_rows(pilot) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Open the help on the screen on top: its (key, description) rows; then close it."""
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HelpScreen)
    table = pilot.app.screen.query_one("#help-table", DataTable)
    rows = [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1]))
            for i in range(table.row_count)]
    await pilot.press("escape")
    await pilot.pause()
    return rows


async def test_dismiss_listed_only_with_a_report(tmp_path: Path) -> None:
    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TranscriptsScreen)
        rows = await help_rows(pilot)
        assert ("esc", "Dismiss (not now)") in rows, rows
        assert ("esc", "Dismiss") not in rows
        assert ("?", "Help") in rows or any(d == "Help" for _, d in rows)
        screen._show_report(Group("Imported 1 transcript."))
        await pilot.pause()
        rows = await help_rows(pilot)
        assert ("esc", "Dismiss") in rows, rows
        assert ("esc", "Dismiss (not now)") not in rows
        screen._show_report(None)
        await pilot.pause()
        assert ("esc", "Dismiss (not now)") in await help_rows(pilot)


async def test_greyed_key_marked_not_now(tmp_path: Path) -> None:
    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(PassagesScreen(app.store, CODER, "serendipity"))
        await pilot.pause()
        rows = await help_rows(pilot)
        # No consensus coder in the project: the footer greys n Consensus out.
        assert ("n", "Consensus (not now)") in rows, rows
        assert ("n", "Consensus") not in rows
