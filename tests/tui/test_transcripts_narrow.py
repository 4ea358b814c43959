"""The transcripts list at 80x24 with long file names: progress columns stay on screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from tests.conftest import make_parsed
from tests.tui.conftest import CODER

LONG = ("05_uk-covid-inquiry_m3_2024-09-23_college-of-paramedics",
        "11_DERIVED_uk-covid-inquiry_tracy-nicholls_college-of-paramedics")


async def test_long_names_wrap_and_progress_stays_visible(tmp_path: Path):
    path = tmp_path / "p.db"
    store = open_store(path)
    for name in LONG:
        store.add_transcript(name, make_parsed([("Interviewer", "interviewer", "Hello?"),
                                                 ("Tracy", "participant", f"I am {name}.")]))
    store.close()
    app = make_app(path, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#transcripts", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        names = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert names == set(LONG)  # whole names, wrapped rather than cut
        await pilot.resize_terminal(200, 30)
        await pilot.pause()
        assert all(r.height == 1 for r in table.rows.values())  # room enough: one line each
