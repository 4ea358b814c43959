"""Session 24: Enter on the counts screen opens the highlighted theme's passages.

Enter did nothing there (the table swallowed it); a researcher reading the counts
expects it to open what the row counts, as ``P`` does after a picker. It opens the
passages of the highlighted theme, the coder counted first; Escape comes back. The
footer at 80 columns shows ``⏎ Passages`` (and still ``q Quit``), and the help lists it.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.counts import CountsScreen
from qualcoder_ahp.tui.screens.help import HelpScreen, binding_rows
from qualcoder_ahp.tui.screens.passages import PassagesScreen
from tests.helpers.pilot import settle
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


def footer_text(app) -> str:  # type: ignore[no-untyped-def]
    from textual.widgets._footer import FooterKey

    return " ".join(f"{k.key_display} {k.description}" for k in app.screen.query(FooterKey)
                    if k.display)


async def open_counts(pilot) -> CountsScreen:  # type: ignore[no-untyped-def]
    await settle(pilot.app, pilot)
    await pilot.press("C")
    await settle(pilot.app, pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CountsScreen)
    return screen


async def to_row(pilot, screen: CountsScreen,  # type: ignore[no-untyped-def]
                 theme_id: str) -> None:
    for _ in range(20):
        if screen.theme_under_cursor() == theme_id:
            return
        await pilot.press("down")
        await pilot.pause()
    raise AssertionError(f"no row for {theme_id}")


async def test_enter_opens_the_highlighted_themes_passages(tmp_path: Path) -> None:
    path = project_with_codings(tmp_path / "p.db")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        counts = await open_counts(pilot)
        await to_row(pilot, counts, "serendipity")
        await pilot.pause()
        footer = footer_text(app)
        assert "Passages" in footer and "Quit" in footer, footer
        assert "Passages" in [d for k, d, _ in binding_rows(counts) if k in ("⏎", "enter")]
        await pilot.press("enter")
        await settle(app, pilot)
        passages = app.screen
        assert isinstance(passages, PassagesScreen), type(passages)
        assert passages.theme_id == "serendipity" and passages.coder == CODER
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is counts
        await to_row(pilot, counts, "mandate")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PassagesScreen) and app.screen.theme_id == "mandate"


async def test_enter_off_without_a_themes_row(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    build_project(path)  # nothing coded: the transcript view has no rows
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        counts = await open_counts(pilot)
        while counts.view != "transcript":
            await pilot.press("v")
            await settle(app, pilot)
        grid = counts.query_one(DataTable)
        assert not grid.row_count and counts.theme_under_cursor() is None
        assert "Passages" not in footer_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is counts
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", DataTable)
        described = [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1]))
                     for i in range(table.row_count)]
        assert ("⏎", "Passages (not now)") in described, described
