"""The counts screen's interview chooser lists an attribute's values in the CLI reports'
order (:func:`qualcoder_ahp.reports.data.value_order`): years in service 9, 12, 20, not
12, 20, 9 as text sorts them."""

from __future__ import annotations

from qualcoder_ahp.reports import ReportData, attribute_matrix
from tests.test_reports import build_project
from tests.tui.test_counts_interviews import cells, cli_rows, figures, pick, settle
from tests.tui.test_counts_screen import Host


def _years(store):
    build_project(store)
    store.set_participant_attributes("P01", {"profession": "physio", "band": "8c",
                                             "years": "12"})
    store.set_participant_attributes("P02", {"profession": "SLT", "band": "8a",
                                             "years": "9"})
    store.set_participant_attributes("P03", {"band": "9", "years": "20"})
    return store


async def test_numbers_in_the_chooser_sort_as_numbers_like_the_cli(store):
    project = _years(store)
    app = Host(project, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        await pick(app, pilot, "years")
        values = await pick(app, pilot, "9 ")
        assert [v.split(" (")[0] for v in values] == ["9", "12", "20"]
        # The order of the CLI's matrix columns (`qcahp counts --by years`) too.
        matrix = attribute_matrix(ReportData(project, "alice"), "years")
        assert [v.split(" (")[0] for v in values] == list(matrix.columns)
        await settle(app, pilot)
        rows, selection = cli_rows(project, "--coder", "alice", "--where", "years=9")
        assert selection["transcripts"] == ["t2"]
        assert [r[1:] for r in cells(app)] == [figures(r) for r in rows]
        assert app.screen.sub_title == "years = 9: 1 of 3 transcripts"

