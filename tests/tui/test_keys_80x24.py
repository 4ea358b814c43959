"""The workbench driven by keyboard alone at 80x24, as a coder spends a day coding: what
a fifth audit found (the consensus coder open to hand coding, an import failure toast
that could not be dismissed and sat over the next run, the reconcile filter's counts
stale while it is open), each pinned on the screen and in the database."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from textual.widgets import Input, Label, Static

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.modals import CoderModal, SearchModal
from qualcoder_ahp.tui.screens.reconcile import ReconcileFilter, ReconcileScreen
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from tests.tui.conftest import CODER, press_for_screen
from tests.tui.test_reconcile_walk import _reconcile, reconciling  # noqa: F401 (a fixture)

SIZE = (80, 24)


def drawn(widget: Static) -> str:
    return str(widget.render())


def report_lines(screen) -> list[str]:  # type: ignore[no-untyped-def]
    """The job report under the transcripts table, as drawn (wrapped to its width)."""
    static = screen.query_one("#job-report-text", Static)
    return [static.render_line(y).text.rstrip() for y in range(static.size.height)]


def footer(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {k.key: k.description for k in app.screen.query("FooterKey") if k.display}


def snapshot(path: Path) -> tuple[list[str], int, int, str | None]:
    """Coders, codings, events and the remembered coder: what a refusal must not change."""
    with open_store(path) as store:
        return (store.coders(), len(store.codings()), len(store.events()),
                store.get_setting("coder"))


# ---------------------------------------------------------------- the consensus coder
def reconciled(project: Path, consensus: str = "consensus") -> None:
    """ana and ben disagree on one sentence; the lead takes ana's coding into ``consensus``."""
    with open_store(project) as store:
        first = store.suggestions(transcript_id=1)[0]
        store.accept(first.id, "ana")
        store.reject(first.id, "ben")
        store.reconcile(1, first.theme_id, consensus, [(first.start, first.end)],
                        rule="take", taken_from="ana", compared=["ana", "ben"],
                        start=first.start, end=first.end, decided_by="lead")


async def test_the_consensus_coder_is_refused_in_the_name_dialog(project: Path):
    """The workbench opened as the remembered coder ``consensus`` (or took the name when
    typed) and coded by hand into the reconciled result, unlogged by any decision."""
    reconciled(project)
    with open_store(project) as store:
        store.set_setting("coder", "consensus")
    before = snapshot(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CoderModal)
        error = dialog.query_one("#coder-error", Label)
        assert error.display
        said = " ".join(drawn(error).split())
        assert said.startswith("'consensus' is the consensus coder, which holds the "
                               "reconciled result")
        assert "reconcile screen (R)" in said
        # The consensus is not offered as a name to take.
        hint = " ".join(drawn(w) for w in dialog.query(".hint"))
        assert "ana" in hint and "consensus" not in hint
        await pilot.press(*"consensus", "enter")
        await pilot.pause()
        assert app.screen is dialog and error.display  # refused again, the name kept
        assert dialog.query_one(Input).value == "consensus"
        assert snapshot(project) == before
        dialog.query_one(Input).value = ""
        await pilot.press(*"lee", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen) and app.coder == "lee"
    with open_store(project) as store:
        assert store.get_setting("coder") == "lee"
        assert [(c.coder, c.origin) for c in store.codings(coder="consensus")] == [
            ("consensus", "consensus")]


async def test_a_name_decided_into_with_qcahp_reconcile_is_refused_too(project: Path):
    """``qcahp reconcile --consensus agreed`` decides into another name: it holds a
    reconciled result as well. An empty name says so in the dialog (it was a toast)."""
    reconciled(project, consensus="agreed")
    app = make_app(project, coder="agreed")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CoderModal)
        assert "'agreed' is the consensus coder" in drawn(dialog.query_one("#coder-error"))
        await pilot.press("enter")
        await pilot.pause()
        assert drawn(dialog.query_one("#coder-error")).startswith("A coder needs a name.")
        await pilot.press(*"consensus", "enter")  # the default consensus name: refused
        await pilot.pause()
        assert app.screen is dialog
        assert "'consensus' is the consensus coder" in drawn(dialog.query_one("#coder-error"))
    with open_store(project) as store:
        assert store.get_setting("coder") != "agreed"


def test_qcahp_code_refuses_the_consensus_coder(project: Path, monkeypatch):
    """`qcahp code --coder consensus` opened the workbench as the consensus."""
    opened = []
    monkeypatch.setattr("qualcoder_ahp.cli.workbench._has_terminal", lambda: True)
    monkeypatch.setattr("qualcoder_ahp.tui.app.WorkbenchApp.run", lambda app: opened.append(1))
    reconciled(project, consensus="agreed")
    with open_store(project) as store:  # a rejection makes no coding, but is a decision
        first = store.suggestions(transcript_id=1)[0]
        store.reconcile(1, first.theme_id, "rejected", [], rule="reject",
                        compared=["ana", "ben"], start=first.start, end=first.end)
        second = store.suggestions(transcript_id=1)[1]  # undone: still the consensus's
        store.reconcile(1, second.theme_id, "undone", [(second.start, second.end)],
                        rule="union", compared=["ana", "ben"], start=second.start,
                        end=second.end)
        store.undo("undone")
    before = snapshot(project)
    for name in ("consensus", "agreed", "rejected", "undone"):
        result = CliRunner().invoke(cli, ["--db", str(project), "code", "--coder", name])
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [
            f"Error: '{name}' is the consensus coder, which holds the reconciled result; hand "
            "coding would mix into it: give your own name with --coder NAME, and decide the "
            "consensus on the reconcile screen (R) or with `qcahp reconcile decide`; nothing "
            "was changed"]
    assert not opened and snapshot(project) == before
    # Nothing is created for a new project either; another name opens as before.
    new = project.parent / "new.db"
    for command in ("code", "demo"):
        result = CliRunner().invoke(cli, ["--db", str(new), command, "--coder", "consensus"])
        assert result.exit_code == 1 and not new.exists()
        assert result.output.startswith("Error: 'consensus' is the consensus coder")
    result = CliRunner().invoke(cli, ["--db", str(project), "code", "--coder", CODER])
    assert result.exit_code == 0 and opened == [1]


# ---------------------------------------------------------------- the import report
async def test_import_failures_stay_until_dismissed_and_a_later_run_replaces_them(
        project: Path, tmp_path: Path):
    """The failure toast vanished after 30 s whether read or not, could not be closed
    from the keyboard, covered the table meanwhile, and a later success sat under it."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "gamma.txt").write_text("Interviewer: Hello?\n\nGus: It was luck.\n")
    good = tmp_path / "good"
    good.mkdir()
    (good / "delta.txt").write_text("Interviewer: And you?\n\nDee: The board.\n")
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, TranscriptsScreen)
        report = screen.query_one("#job-report")
        assert not report.display and "escape" not in footer(app)
        for folder in (bad, good):
            await press_for_screen(pilot, "i", SearchModal)
            app.screen.query_one(Input).value = str(folder)
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            if folder is bad:
                assert report.display
                head, *lines = report_lines(screen)
                assert head.startswith("Import: 1 imported (")
                assert head.endswith(", 0 unchanged, 1 failed  (Escape closes this)")
                # The failure, then (session 24) what to do next with the file imported.
                cut = lines.index("next:")
                assert lines[0] == "failed:" and all(x.startswith("  ") for x in lines[1:cut])
                assert lines[cut + 1:] == ["  press S to look for suggestions in the new "
                                           "transcript"]
                said = "".join(x.strip() for x in lines[1:cut])  # a long path wraps anywhere
                assert said.replace(" ", "") == f"{bad / 'empty.txt'}:thefileisempty"
                assert not [n for n in app._notifications if n.severity == "warning"]
                assert list(footer(app))[:2] == ["question_mark", "escape"]
                assert footer(app)["escape"] == "Dismiss"
                assert report.region.bottom <= SIZE[1] - 1  # above the footer, in sight
                await pilot.pause(0.5)
                assert report.display  # stays while read, no timer
        # The second import succeeded: its toast alone, the failure report gone.
        assert not report.display and "escape" not in footer(app)
        assert [n.message for n in app._notifications][-1].startswith("1 imported")
        # Again with a failure, then Escape closes the report.
        await press_for_screen(pilot, "i", SearchModal)
        app.screen.query_one(Input).value = str(bad / "empty.txt")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert report.display
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not report.display
        assert "escape" not in footer(app)
    with open_store(project) as store:
        assert sorted(t.name for t in store.transcripts()) == ["alpha", "beta", "delta", "gamma"]


async def test_a_withdrawn_file_skipped_is_reported_too(project: Path, monkeypatch):
    """A folder still holding a withdrawn interview: the summary names the file and how
    to bring it back, which went by in a five-second toast."""
    from qualcoder_ahp.tui import jobs

    said = ("0 imported (0 words), 2 unchanged, 1 withdrawn (skipped), 0 failed; skipped "
            "as withdrawn from this project: bob.txt (`qcahp import FILE --readmit` brings "
            "one back on purpose)")
    monkeypatch.setattr(jobs, "import_files", lambda path, paths, progress=None: said)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await press_for_screen(pilot, "i", SearchModal)
        await pilot.press(*"folder", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        lines = report_lines(app.screen)
        assert lines[0].startswith("Import: 0 imported (0 words), 2 unchanged, 1 withdrawn")
        at = lines.index("skipped as withdrawn from this project:")
        assert " ".join(x.strip() for x in lines[at + 1:]).startswith(
            "bob.txt (`qcahp import FILE --readmit`")


async def test_a_suggestion_run_refused_says_why_in_the_report(tmp_path: Path):
    """S on a project without a codebook: a red toast for ten seconds, then nothing."""
    from tests.conftest import make_parsed

    path = tmp_path / "p.db"
    with open_store(path) as store:
        store.add_transcript("alpha", make_parsed([("Int", "interviewer", "Hello?"),
                                                   ("Pat", "participant", "Luck.")]))
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#job-report").display
        head, *lines = report_lines(screen)
        assert head == "Suggestions: failed  (Escape closes this)"
        assert " ".join(lines).split() == (
            "the project has no codebook: press L to load one (a YAML file), then "
            "S").split()
        assert all(line.startswith("  ") for line in lines)  # wrapped lines indented too
        assert not app._notifications
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.query_one("#job-report").display


# ---------------------------------------------------------------- the reconcile filter
async def test_the_filter_dialogs_counts_follow_a_decision_made_meanwhile(
        reconciling):  # noqa: F811
    """The filter dialog's undecided/all counts were those of when it opened: another
    window's decisions, taken in at the poll behind it, did not show in them."""
    path, other = reconciling
    app = make_app(path, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reconcile(pilot)
        assert isinstance(screen, ReconcileScreen)
        dialog = await press_for_screen(pilot, "f", ReconcileFilter)
        themes = dialog.query_one("#filter-theme")
        transcripts = dialog.query_one("#filter-transcript")

        def labels(listing) -> list[str]:  # type: ignore[no-untyped-def]
            return [str(listing.get_option_at_index(i).prompt)
                    for i in range(listing.option_count)]

        assert labels(themes) == ["all themes", "Serendipity  2/2", "Board mandate  2/2"]
        await pilot.press("down", "down")  # Board mandate highlighted
        await pilot.pause()
        item = next(i for i in screen.items if i.theme_id == "mandate")
        other.reconcile(item.transcript_id, item.theme_id, "consensus", [], rule="reject",
                        compared=["asha", "ben"], start=item.start, end=item.end,
                        decided_by="ben")
        assert app.poll_store()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert app.screen is dialog
        assert labels(themes) == ["all themes", "Serendipity  2/2", "Board mandate  1/2"]
        assert sorted(labels(transcripts)[1:]) == ["asha  1/2", "ben  2/2"]
        assert themes.highlighted == 2  # still on Board mandate
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.walk.theme_filter == "mandate"


# ---------------------------------------------------------------- lists in dialogs
def many_themes(project: Path, count: int = 14) -> list[str]:
    """Replace the test codebook with ``count`` codable themes under one folder."""
    from qualcoder_ahp.records import Codebook, Theme

    themes = [Theme("folder", "Folder", None, "", codable=False, position=0)]
    themes += [Theme(f"t{k:02d}", f"Theme number {k}", "folder", f"Definition {k}.",
                     position=k) for k in range(1, count + 1)]
    with open_store(project) as store:
        store.save_codebook(Codebook("many", tuple(themes), ()))
    return [t.id for t in themes[1:]]


def visible_rows(listing) -> range:  # type: ignore[no-untyped-def]
    """The option indices a list shows now (one line each)."""
    top = int(listing.scroll_y)
    return range(top, top + listing.scrollable_content_region.height)


async def test_every_theme_in_the_picker_can_be_seen_at_80x24(project: Path):
    """The theme picker ran past the bottom of its dialog at 80x24: with eleven themes the
    last two were cut off without a scrollbar, and ↓ highlighted them out of sight, so
    Enter coded with a theme the coder could not see."""
    from textual.widgets import OptionList

    from qualcoder_ahp.tui.screens.modals import ThemePickerModal
    from tests.tui.conftest import open_alpha

    ids = many_themes(project)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await open_alpha(pilot)
        dialog = await press_for_screen(pilot, "c", ThemePickerModal)
        await pilot.pause()
        listing = dialog.query_one("#theme-options", OptionList)
        box = dialog.query_one(".dialog")
        assert listing.option_count == len(ids)
        assert listing.region.bottom <= box.content_region.bottom  # not cut off
        for _ in range(len(ids) - 1):
            await pilot.press("down")
        await pilot.pause()
        assert listing.highlighted == len(ids) - 1
        assert listing.highlighted in visible_rows(listing)  # scrolled into sight
        await pilot.press("enter")
        await pilot.pause()
    with open_store(project) as store:
        assert [c.theme_id for c in store.codings(coder=CODER)] == [ids[-1]]


# ---------------------------------------------------------------- the command palette
async def test_the_palette_offers_the_screens_by_name_and_opens_them(project: Path):
    """ctrl+p offered no Codebook, Counts, Reconcile, Passages or Transcripts on any
    screen: the palette is a modal itself, and those keys are hidden under a dialog."""
    from textual.command import CommandPalette

    from qualcoder_ahp.tui.screens.codebook import CodebookScreen
    from qualcoder_ahp.tui.screens.counts import CountsScreen

    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for typed, kind in (("Codebook", CodebookScreen), ("Counts", CountsScreen),
                            ("Reconcile", ReconcileScreen), ("Transcripts", TranscriptsScreen)):
            await pilot.press("ctrl+p")
            await pilot.pause()
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            titles = [c.title for c in app.get_system_commands(app.screen_stack[-2])]
            assert any(t.startswith(f"{typed} (") for t in titles), titles
            await pilot.press(*typed)
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause(0.5)
            assert isinstance(app.screen, kind), (typed, app.screen)
        # A dialog still keeps them off (nothing stacks on it), the palette or not.
        await pilot.press("i")
        await pilot.pause()
        assert app.check_action("codebook", ()) is False


# ---------------------------------------------------------------- the codebook screen
async def test_a_adds_a_theme_on_the_codebook_screen_in_the_highlighted_folder(
        project: Path):
    """A theme could be added only from the coding screen's picker, which then coded
    the text under the cursor with it: the codebook screen had no key for it."""
    from qualcoder_ahp.tui.screens.codebook import CodebookScreen
    from qualcoder_ahp.tui.screens.help import HelpScreen
    from qualcoder_ahp.tui.screens.modals import ChoiceModal
    from tests.tui.conftest import open_codebook

    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        codebook = await open_codebook(pilot)
        tree = codebook.query_one("#theme-tree")
        await pilot.press("down")  # Winding route, in the folder Career paths
        await pilot.pause()
        assert tree.cursor_node.data == "winding"
        await press_for_screen(pilot, "question_mark", HelpScreen)
        assert ("a", "Add") in [(k, d) for k, d, _ in app.screen.rows]
        await pilot.press("escape")
        dialog = await press_for_screen(pilot, "a", SearchModal)
        await pilot.press(*"serendipity", "enter")  # taken (another case): refused
        await pilot.pause()
        assert app.screen is dialog  # said in the dialog, which keeps the text
        assert "There is already a theme named 'Serendipity'" in str(
            dialog.query_one("#search-error").render())
        await pilot.press("escape")
        await press_for_screen(pilot, "a", SearchModal)
        await pilot.press(*"Imposter feelings", "enter")
        await pilot.pause()
        place = app.screen
        assert isinstance(place, ChoiceModal)
        options = place.query_one("#choices")
        assert options.get_option_at_index(options.highlighted).id == "career"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is codebook
        with open_store(project) as store:
            [added] = [t for t in store.themes() if t.name == "Imposter feelings"]
            assert added.parent_id == "career" and added.codable
            assert store.theme_added_by(added.id)[0] == CODER
        assert tree.cursor_node.data == added.id  # highlighted, its details shown
        assert drawn(codebook.query_one("#theme-detail")).startswith(
            "Career paths / Imposter feelings")
        await pilot.press("u")
        await pilot.pause()
        assert added.id not in {t.id for t in app.store.themes()}
        assert added.id not in [n.data for n in tree.root.children[0].children]
        assert isinstance(app.screen, CodebookScreen) and dialog is not app.screen


# ---------------------------------------------------------------- help
async def test_end_and_home_reach_the_last_and_first_key_in_the_help(project: Path):
    """At 80x24 the coding screen's help runs to several pages: End (a DataTable's key
    for scrolling sideways) did nothing, and nothing in the dialog named the keys that
    read it."""
    from qualcoder_ahp.tui.screens.help import HelpScreen
    from tests.tui.conftest import open_alpha

    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await open_alpha(pilot)
        helper = await press_for_screen(pilot, "question_mark", HelpScreen)
        table = helper.query_one("#help-table")
        assert table.row_count == len(helper.rows) and table.max_scroll_y > 0
        assert "Home End" in " ".join(drawn(w) for w in helper.query(".hint"))
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1
        assert table.scroll_y == table.max_scroll_y  # the last key in sight
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_y == 0


# ---------------------------------------------------------------- Escape on the coding screen
async def test_escape_drops_an_adjusted_span_then_goes_back(project: Path):
    """On the coding screen Escape with no selection or search did nothing (every other
    screen goes back with it), and it left a widened span as it was."""
    from tests.tui.conftest import open_alpha

    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        session = screen.session
        suggestion = session.current
        await pilot.press("w")  # the span widened to the whole turn
        await pilot.pause()
        assert session.is_adjusted()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and session.current == suggestion
        assert (session.span.start, session.span.end) == (suggestion.start, suggestion.end)
        await pilot.press("v", "down", "escape")  # a selection: dropped, still here
        await pilot.pause()
        assert app.screen is screen and session.anchor is None
        await pilot.press("escape")  # nothing left to drop: back to the transcripts
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
    with open_store(project) as store:
        assert store.events() == [] and store.codings() == []


async def test_escape_on_a_hit_opened_from_the_search_goes_back_to_the_hits(project: Path):
    from qualcoder_ahp.tui.screens.coding import CodingScreen
    from qualcoder_ahp.tui.screens.search import SearchScreen

    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        search = await press_for_screen(pilot, "F", SearchScreen)
        await pilot.press(*"board", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        coding = await press_for_screen(pilot, "enter", CodingScreen)
        assert coding.session.search_hits  # the search's words marked there
        await pilot.press("escape")  # drops the marks first
        await pilot.pause()
        assert app.screen is coding and not coding.session.search_hits
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is search


async def test_the_reconcile_screen_does_not_compare_an_earlier_consensus_as_a_coder(
        project: Path):
    """After `qcahp reconcile --consensus agreed`, the reconcile screen counted 'agreed'
    among the coders: three "coders had coded", and the picker offered the agreed result
    to compare with the coders it came from."""
    from qualcoder_ahp.tui.screens.reconcile_dialogs import CoderPicker

    reconciled(project, consensus="agreed")
    with open_store(project) as store:
        second = store.suggestions(transcript_id=1)[1]
        store.accept(second.id, "ben")
    app = make_app(project, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, CoderPicker)
        assert isinstance(app.screen, ReconcileScreen)
        assert app.screen.compared == ["ana", "ben"]
