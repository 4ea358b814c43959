"""Session 22: the transcripts table's second column at 80x24 says who each participant is
(their attributes), not the transcript's name again; a column with nothing in it is left out."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from tests.tui.conftest import build_project
from tests.helpers.pilot import settle

SIZE = (80, 24)


# ------------------------------------------------ the transcripts table's second column
def _demo_like(tmp_path: Path, codes: dict[str, str]) -> Path:
    """The test project with participants named as their transcripts (as in the demo),
    with attributes; ``codes`` renames some participants."""
    path = tmp_path / "p.db"
    build_project(path)
    with open_store(path) as store:
        for info in store.transcripts():
            code = codes.get(info.label, info.label)
            store.assign_participant(info.label, code)
        store.set_participant_attributes(codes.get("alpha", "alpha"), {
            "profession": "Physio", "trust_type": "Acute trust"})
        store.set_participant_attributes(codes.get("beta", "beta"), {
            "profession": "Dietitian", "trust_type": "Community and acute trust"})
    return path


def _table(app) -> tuple[list[str], list[list[str]]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#transcripts", DataTable)
    heads = [str(c.label).split(" ")[0] for c in table.columns.values()]
    rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return heads, rows


async def test_transcripts_show_attributes_not_the_name_again(tmp_path: Path) -> None:
    path = _demo_like(tmp_path, {})
    with open_store(path) as store:
        assert {i.label: i.participant for i in store.transcripts()} == {
            "alpha": "alpha", "beta": "beta"}
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        heads, rows = _table(app)
        assert heads == ["transcript", "attributes", "words", "decided", "codings"]
        assert rows[0][:2] == ["alpha", "Physio \u00b7 Acute trust"]
        # Longer than the room at 80 columns: cut with …, the progress columns still in.
        assert rows[1][:2] == ["beta", "Dietitian \u00b7 Community and acut\u2026"]
        table = app.screen.query_one("#transcripts", DataTable)
        assert table.region.right <= 80
        # The figures' columns as wide as their heads ("0/3"), the rest for the attributes.
        assert [c.width for c in table.columns.values()][2:] == [7, 9, 9]
        await pilot.press("s", "s")  # transcript descending, then attributes ascending
        await pilot.pause()
        heads, rows = _table(app)
        assert [r[0] for r in rows] == ["beta", "alpha"]  # Dietitian before Physio...


async def test_transcripts_show_a_participant_code_that_differs(tmp_path: Path) -> None:
    path = _demo_like(tmp_path, {"alpha": "P1"})
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        heads, rows = _table(app)
        assert heads[1] == "participant"
        assert rows[0][1] == "P1 \u00b7 Physio \u00b7 Acute trust"
        assert rows[1][1].startswith("Dietitian \u00b7 Community")  # beta's own name: not again


async def test_transcripts_leave_out_an_empty_column(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    build_project(path)
    with open_store(path) as store, store.write():
        store.conn.execute("UPDATE transcripts SET participant_id = NULL")
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        heads, _ = _table(app)
        assert heads == ["transcript", "words", "decided", "codings"]
        for _ in range(2):  # each column ascending then descending; none left out
            await pilot.press("s", "s")
            await pilot.pause()
        heads, _ = _table(app)
        assert app.screen.sort_column == 3 and heads[2] == "decided"
