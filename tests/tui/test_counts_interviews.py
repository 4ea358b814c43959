"""The counts screen chooses interviews (``i``): the figures of ``qcahp counts --where``.

The project is the reports tests' one (:func:`tests.test_reports.build_project`): t1 by
P01 (profession physio, band 8c), t2 by P02 (SLT, 8a), t3 by P03 (band 9, no
profession); coders alice and bob and one consensus coding.
"""

from __future__ import annotations

import json

from click.testing import CliRunner
from textual.widgets import DataTable, OptionList
from textual.widgets._header import HeaderTitle

from qualcoder_ahp.cli import cli
from qualcoder_ahp.reports.writers import cell_text
from qualcoder_ahp.tui.screens.counts import CountsScreen
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.screens.modals import ChoiceModal
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from tests.test_reports import build_project
from tests.tui.test_audit_80x24 import footer_keys
from tests.tui.test_counts_screen import Host, project  # noqa: F401 (a fixture)




def cli_rows(store, *args):
    """``qcahp counts --format json ARGS`` on the project: its rows and selection."""
    result = CliRunner().invoke(cli, ["--db", str(store.path), "counts", "--format", "json",
                                      *args])
    assert result.exit_code == 0, (result.output, result.exception)
    doc = json.loads(result.stdout)
    return doc["rows"], doc.get("selection")


def figures(row):
    """A CLI JSON row as the screen's cells after the theme name."""
    return [str(row[k]) for k in ("codings", "segments", "transcripts", "participants",
                                  "words", "chars")] + [
        cell_text(row["share_pct"]), cell_text(row["words_pct"])]


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def cells(app):
    grid = app.screen.query_one(DataTable)
    return [[str(v) for v in grid.get_row_at(i)] for i in range(grid.row_count)]


def title_line(app):
    """The header's title line as drawn."""
    title = app.screen.query_one(HeaderTitle)
    return " ".join(title.render_line(0).text.split())


async def pick(app, pilot, label):
    """In the open chooser, move to the option whose text starts with ``label``; Enter."""
    modal = app.screen
    assert isinstance(modal, ChoiceModal)
    options = modal.query_one(OptionList)
    texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    index = next(i for i, t in enumerate(texts) if t.startswith(label))
    for _ in range(index - (options.highlighted or 0)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    return texts


async def choose(app, pilot, *labels):
    """Press i, pick each label in turn, and wait for the recount."""
    await pilot.press("i")
    await pilot.pause()
    for label in labels:
        await pick(app, pilot, label)
    await settle(app, pilot)


async def test_an_attribute_value_counts_as_the_cli_where(project):
    app = Host(project, "alice")
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert screen.sub_title == "all transcripts (3)"
        assert not screen.query_one("#counts-selection").display
        await pilot.press("i")
        await pilot.pause()
        first = await pick(app, pilot, "profession")
        assert first == ["profession = ...", "band = ...", "One transcript ...",
                         "All interviews"]
        values = await pick(app, pilot, "physio")
        assert values == ["physio (1 transcript)", "SLT (1 transcript)",
                          "(none) (1 transcript)"]
        await settle(app, pilot)
        assert app.screen is screen
        rows, selection = cli_rows(project, "--coder", "alice", "--where", "profession=physio")
        assert selection["transcripts"] == ["t1"]
        shown = cells(app)
        assert [r[1:] for r in shown] == [figures(r) for r in rows]
        assert screen.sub_title == "profession = physio: 1 of 3 transcripts"
        assert "profession = physio: 1 of 3 transcripts" in title_line(app)

        # The same selection holds for the next coder and view, as the CLI's would.
        await pilot.press("c")  # alice -> bob
        await settle(app, pilot)
        rows, _ = cli_rows(project, "--coder", "bob", "--where", "profession=physio")
        assert screen.coder == "bob" and [r[1:] for r in cells(app)] == [
            figures(r) for r in rows]

        # (none): the transcripts whose participant has no profession.
        await choose(app, pilot, "profession", "(none)")
        rows, _ = cli_rows(project, "--coder", "bob", "--where", "profession=(none)")
        assert [r[1:] for r in cells(app)] == [figures(r) for r in rows]
        assert screen.sub_title == "profession = (none): 1 of 3 transcripts"

        # All interviews clears the choice.
        await choose(app, pilot, "All interviews")
        rows, selection = cli_rows(project, "--coder", "bob")
        assert selection is None
        assert [r[1:] for r in cells(app)] == [figures(r) for r in rows]
        assert screen.sub_title == "all transcripts (3)"


async def test_one_transcript_and_the_matrix_under_a_choice(project):
    app = Host(project, None)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("i")
        await pilot.pause()
        await pick(app, pilot, "One transcript")
        assert await pick(app, pilot, "t2") == ["t1", "t2", "t3"]
        await settle(app, pilot)
        rows, _ = cli_rows(project, "--transcript", "t2")
        assert [r[1:] for r in cells(app)] == [figures(r) for r in rows]
        assert screen.sub_title == "transcript t2: 1 of 3 transcripts"

        await choose(app, pilot, "band", "8a")
        for _ in range(screen.views.index("attribute:profession")):
            await pilot.press("v")
        await settle(app, pilot)
        result = CliRunner().invoke(cli, ["--db", str(project.path), "counts", "--format",
                                          "json", "--by", "attribute:profession",
                                          "--where", "band=8a"])
        matrix = json.loads(result.stdout)
        # Only t2 (SLT) is band 8a: the matrix's columns are the values among the chosen.
        assert screen.shown.columns == ["theme", "SLT", "total"]
        assert screen.sub_title == "band = 8a: 1 of 3 transcripts"
        assert cells(app)[-1][-1] == str(matrix["grand_total"]), matrix.keys()


async def test_escape_cancels_at_either_step(project):
    app = Host(project, "alice")
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        before = cells(app)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("i")
        await pilot.pause()
        await pick(app, pilot, "band")
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        assert cells(app) == before and screen.sub_title == "all transcripts (3)"


async def test_no_participant_attributes_is_said_plainly(store):
    build_project(store)
    with store.write():
        store.conn.execute("DELETE FROM participant_attributes")
    app = Host(store, "alice")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("This project has no participant attributes") and
                   "qcahp participants import" in m for m in messages), messages
        modal = app.screen
        assert isinstance(modal, ChoiceModal)
        assert "no participant attributes" in modal.title_text
        assert [key for key, _ in modal.choices] == ["*one", "*all"]
        await pilot.press("escape")


async def test_blind_coding_holds_under_a_choice(project):
    project.set_setting("blind", "1")
    app = Host(project, "alice")
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await choose(app, pilot, "profession", "SLT")
        rows, _ = cli_rows(project, "--coder", "alice", "--where", "profession=SLT")
        assert [r[1:] for r in cells(app)] == [figures(r) for r in rows]
        for key in ("c", "n", "v", "v", "v"):  # v reaches the by-coder view
            await pilot.press(key)
            await settle(app, pilot)
            assert screen.coder == "alice"
            assert "bob" not in "\n".join("\n".join(r) for r in cells(app))
            assert screen.sub_title == "profession = SLT: 1 of 3 transcripts"


async def test_the_key_shows_at_80_columns_and_in_the_help(tmp_path):
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.tui.app import make_app

    path = tmp_path / "workbench.db"
    with open_store(path) as store:
        build_project(store)
    app = make_app(path, coder="bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("C")
        await settle(app, pilot)
        assert isinstance(app.screen, CountsScreen)
        assert app.active_bindings["n"].enabled  # every key of the screen is drawn
        shown = [k for k in footer_keys(app) if k.display]
        keys = [k.key for k in shown]
        assert {"question_mark", "v", "c", "n", "i", "escape"} <= set(keys), keys
        footer = app.screen.query_one(WorkbenchFooter)
        assert all(k.region.right <= footer.region.right for k in shown)
        assert "i Interviews" in " ".join(f"{k.key} {k.description}" for k in shown)
        await choose(app, pilot, "profession", "SLT")
        # The title line holds the choice whole at 80 columns; the line under the table
        # says it as the CLI does, with the transcripts' names.
        assert title_line(app) == "Counts — profession = SLT: 1 of 3 transcripts"
        under = app.screen.query_one("#counts-selection")
        assert under.display and str(under.render()) == (
            "Selection: profession = SLT: 1 of 3 transcripts (t2)")
        assert "i" in [k.key for k in footer_keys(app) if k.display]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert ("i", "Interviews") in [(key, what) for key, what, _ in app.screen.rows]


async def test_a_choice_that_no_longer_holds_counts_all_and_says_why(project):
    app = Host(project, "alice")
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        await choose(app, pilot, "profession", "SLT")
        assert screen.sub_title == "profession = SLT: 1 of 3 transcripts"
        project.set_participant_attributes("P02", {"profession": "OT"})  # SLT is gone
        screen.reread()  # as the app's poll does after another window's commit
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Counting all transcripts: no participant has profession")
                   for m in messages), messages
        rows, _ = cli_rows(project, "--coder", "alice")
        assert [r[1:] for r in cells(app)] == [figures(r) for r in rows]
        assert screen.sub_title == "all transcripts (3)"
        assert not screen.query_one("#counts-selection").display
