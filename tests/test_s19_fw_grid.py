"""The framework matrix's theme headings, and the quotes it reads.

The shipped codebook's eleven codable themes (``codebooks/ahp-leadership.yaml``) head
the framework screen's columns: readable and told apart at 80x24 (abbreviated over two
lines, never cut blind to nine characters), whole where the terminal is wide enough.
The matrix never shows a quote's context, so it reads no sentence for one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from textual.widgets import DataTable

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.framework import cell_quotes, framework
from qualcoder_ahp.reports.text_table import cells
from qualcoder_ahp.reports.theme_heading import heading, whole_width
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.framework import FrameworkScreen
from tests.conftest import make_parsed
from tests.test_framework import extend

SHIPPED = Path(__file__).resolve().parents[1] / "codebooks" / "ahp-leadership.yaml"


def shipped_themes() -> list[Theme]:
    """The shipped codebook's themes, read as YAML (its patterns, which take spaCy a
    second to check, are not needed here)."""
    out: list[Theme] = []

    def walk(nodes: list[dict], parent: str | None) -> None:
        for node in nodes:
            out.append(Theme(node["id"], node["name"], parent,
                             codable=node.get("codable", True), position=len(out)))
            walk(node.get("children", []), node["id"])

    walk(yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["themes"], None)
    return out


def shipped_project(path: Path) -> list[str]:
    """Two participants coded with every codable theme of the shipped codebook; their
    names, in codebook order."""
    store = open_store(path)
    store.save_codebook(Codebook("ahp", tuple(shipped_themes())))
    names = [t.name for t in store.themes() if t.codable]
    ids = [t.id for t in store.themes() if t.codable]
    for n in (1, 2):
        info, _ = store.add_transcript(f"interview_{n}", make_parsed(
            [("P", "participant", f"Interview {n}: words enough to code here. " * 3)]),
            participant=f"P0{n}")
        for i, theme in enumerate(ids):
            for k in range((i + n) % 3):
                store.code(info.id, theme, "ana", 10 * k, 10 * k + 5)
    store.set_cell_summary("ana", "P01", ids[1], "Luck.")
    store.close()
    return names


def test_each_ahp_theme_is_told_apart_in_ten_cells() -> None:
    names = [t.name for t in shipped_themes() if t.codable]
    assert len(names) == 11
    heads = {n: heading(n, 10) for n in names}
    assert all(1 <= len(h) <= 2 and all(cells(line) <= 10 for line in h)
               for h in heads.values())
    assert len({tuple(h) for h in heads.values()}) == 11
    # Abbreviated by words, from the start of each word, never cut inside the first one.
    assert heads["Beyond uni-professional roles"] == ["Beyond", "uni-prof\u2026"]
    assert heads["System perspective"] == ["System", "perspect."]  # cut before a vowel
    assert heads["Serendipity"] == ["Serendip-", "ity"]
    assert heads["Board mandate and seniority"] == ["Board", "mandate\u2026"]
    assert heads["Visibility and untapped potential"] == ["Visibility", "untapped\u2026"]
    assert heads["Role ambiguity"] == ["Role", "ambiguity"]  # whole where it fits
    assert heading("Serendipity", 9) == ["Serendip-", "ity"]
    assert heading("System perspective", 9) == ["System", "perspect."]
    for name in names:  # whole at the width it needs
        assert " ".join(heading(name, whole_width(name))).replace("- ", "-") == name


async def test_the_screen_heads_its_columns_readably_at_every_width(tmp_path: Path) -> None:
    path = tmp_path / "ahp.db"
    names = shipped_project(path)
    app = make_app(path, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("X")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FrameworkScreen)
        grid = app.screen.query_one(DataTable)

        def headings() -> list[str]:
            return [str(c.label) for c in grid.ordered_columns][1:]

        def in_view() -> int:  # theme columns wholly on the screen, beside the cases
            room = grid.scrollable_content_region.width
            used, n = grid.ordered_columns[0].get_render_width(grid), 0
            for column in grid.ordered_columns[1:]:
                used += column.get_render_width(grid)
                n += used <= room
            return n

        narrow = headings()
        assert len(set(narrow)) == 11 and grid.header_height == 2
        assert "Beyond\nuni-prof\u2026" in narrow and "Board\nmandate\u2026" in narrow
        assert all(cells(line) <= 10 for h in narrow for line in h.split("\n"))
        seen_at_80 = in_view()
        await pilot.press("question_mark")  # the help says what a shortened name is
        await pilot.pause()
        assert [r[1] for r in app.screen.rows if r[1] in ("summary", "shortened")] == [
            "summary", "shortened"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FrameworkScreen)
        # Counts right-aligned, the mark after them: the digits of a column line up.
        column = [str(v) for v in grid.get_column_at(2)]
        assert column == [" " * 8 + "2*", " " * 8 + "0 "]
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert in_view() > seen_at_80
        await pilot.resize_terminal(200, 30)
        await pilot.pause()
        await pilot.pause()
        wide = headings()
        assert [" ".join(h.split("\n")).replace("- ", "-") for h in wide] == names
        assert in_view() == 11
        await pilot.resize_terminal(80, 24)  # back: abbreviated again
        await pilot.pause()
        await pilot.pause()
        assert headings() == narrow


# --------------------------------------------------------------- no context is read
@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "qcahp.db"
    store = open_store(path)
    extend(store)
    store.set_cell_summary("bob", "fg", "serendipity", "Luck matters.")
    store.close()
    return path


def no_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_store: Store) -> None:
        raise AssertionError("sentences read for a context nobody shows")
    monkeypatch.setattr(Store, "report_sentences", refuse)


def test_framework_reads_no_sentence_and_writes_the_same_csv(project: Path, monkeypatch
                                                            ) -> None:
    def csv_rows() -> list[dict[str, str]]:
        result = CliRunner().invoke(cli, ["--db", str(project), "framework", "--format",
                                          "csv", "--all-coders"])
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))

    before = csv_rows()
    assert any("Luck matters." in r["quotes"] for r in before)
    with open_store(project) as store:
        data = ReportData(store, None)
        quoted = framework(data)
        case = next(c for c in quoted.cases if c.label == "P01")
        core = cell_quotes(data, case, "serendipity")
    no_sentences(monkeypatch)
    assert csv_rows() == before
    with open_store(project) as store:
        data = ReportData(store, None)
        fw = framework(data)
        assert {k: c.references(True) for k, c in fw.cells.items()} == {
            k: c.references(True) for k, c in quoted.cells.items()}
        again = cell_quotes(data, case, "serendipity")
    assert [q.coding_id for q in again] == [q.coding_id for q in core] and len(core) == 4
    assert all(q.context == "" for c in fw.cells.values() for q in c.quotes)


def test_the_passages_screen_collects_without_reading_sentences(project: Path,
                                                               monkeypatch) -> None:
    from qualcoder_ahp.tui.screens.passages import collect, passage_text

    with open_store(project) as store:
        before = collect(store, "career", None)
        no_sentences(monkeypatch)
        after = collect(store, "career", None)
    assert [str(passage_text(p, True)) for p in after.passages] == [
        str(passage_text(p, True)) for p in before.passages]
    assert len(after.passages) > 3


# --------------------------------------------------------------- passages on a resize
def many_passages(path: Path) -> None:
    """The project with a long interview whose 20 answers ana coded."""
    from tests.tui.conftest import CODER

    words = ("I moved from the ward into a service improvement role and then, more by "
             "luck than by any plan, into a job at the trust board, answer {n}.")
    turns = [("P9", "participant", words.format(n=n) * 2) for n in range(20)]
    with open_store(path) as store:
        info, _ = store.add_transcript("long_interview", make_parsed(turns))
        for turn in store.turns(info.id):
            store.code(info.id, "serendipity", CODER, turn.start, turn.end)


async def test_a_resize_rewraps_the_passages_in_the_worker(project: Path,
                                                          monkeypatch) -> None:
    """Resized, the passages screen measures its passages in a worker, not on the UI
    thread, and lays them out as OptionList would have (the same heights)."""
    import threading

    from textual.content import Content
    from textual.visual import visualize

    from qualcoder_ahp.tui.screens.passages import PassageList
    from tests.tui.conftest import CODER
    from tests.tui.test_passages_screen import open_passages, settle

    many_passages(project)
    measured_here: list[int] = []
    get_height = Content.get_height

    def counted(self: Content, rules, width: int) -> int:  # type: ignore[no-untyped-def]
        before = self._height_cache
        height = get_height(self, rules, width)
        if self._height_cache is not before and \
                threading.current_thread() is threading.main_thread():
            measured_here.append(id(self))  # wrapped here, on the UI thread
        return height

    monkeypatch.setattr(Content, "get_height", counted)
    app = make_app(project, CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_passages(pilot, "serendipity")
        listing = app.screen.query_one(PassageList)
        assert listing.option_count > 20  # 20 passages of the long interview, and more
        passage = listing.get_option_index(str(app.screen.shown.passages[15]
                                               .quote.coding_id))
        listing.highlighted = passage
        await pilot.pause()
        narrow = dict(listing._heights)
        measured_here.clear()
        await pilot.resize_terminal(130, 30)
        await settle(pilot)
        await pilot.pause()
        mine = {id(o._visual) for o in listing.options}
        assert not mine & set(measured_here)
        width = (listing.scrollable_content_region.width
                 - listing.get_component_styles("option-list--option").padding.width)
        fresh = {i: visualize(listing, o.prompt).get_height(listing.styles, width)
                 + o._divider for i, o in enumerate(listing.options)}
        assert listing._heights == fresh != narrow
        assert listing.highlighted == passage
        top = listing._index_to_line[passage]
        assert listing.scroll_y <= top < listing.scroll_y + listing.size.height


async def test_the_line_under_the_passages_is_made_again_for_a_new_width(tmp_path: Path
                                                                        ) -> None:
    """Resized, the where-line fits the new width: the theme's path where it fits, its
    own name where not (never the old width's line, cut blind)."""
    from textual.widgets import Label

    from tests.tui.conftest import CODER, build_project
    from tests.tui.test_passages_screen import code_project, open_passages

    path = tmp_path / "project.db"
    build_project(path)
    code_project(path)
    app = make_app(path, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_passages(pilot, "serendipity")

        def where() -> str:
            return str(app.screen.query_one("#passages-where", Label).render())

        assert where() == "Passage 1 of 3 \u00b7 alpha \u00b7 Career paths / Serendipity"
        await pilot.resize_terminal(44, 24)
        await pilot.pause()
        await pilot.pause()
        assert where() == "Passage 1 of 3 \u00b7 alpha \u00b7 Serendipity"
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        assert where() == "Passage 1 of 3 \u00b7 alpha \u00b7 Career paths / Serendipity"


async def test_p_on_the_matrix_picks_the_passages_of_the_column_under_the_cursor(
        project: Path) -> None:
    from textual.widgets import OptionList

    from qualcoder_ahp.tui.screens.passages import PassagesScreen, PassageThemePicker

    app = make_app(project, "alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("X")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("right")  # winding -> serendipity
        await pilot.pause()
        assert app.screen.theme_under_cursor() == "serendipity"
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PassageThemePicker)
        options = app.screen.query_one("#theme-options", OptionList)
        assert options.highlighted_option.id == "serendipity"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PassagesScreen)
        assert app.screen.theme_id == "serendipity"


async def test_a_summary_is_saved_without_the_spaces_around_it(project: Path) -> None:
    from textual.widgets import TextArea

    from qualcoder_ahp.tui.screens.framework import FrameworkCellScreen
    from tests.test_framework import memo_rows

    app = make_app(project, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("X")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("right", "enter")  # P01 · serendipity
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FrameworkCellScreen)
        app.screen.query_one(TextArea).insert("  Luck, twice.\n\nThen a plan. \n\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "saved" in str(app.screen.query_one("#cell-state").render())
        await pilot.press("escape")  # nothing unsaved: straight back
        await pilot.pause()
        assert not isinstance(app.screen, FrameworkCellScreen)
    with open_store(project) as store:
        assert ("alice", "participant:P01|serendipity", "Luck, twice.\n\nThen a plan.") in \
            memo_rows(store)


async def test_c_keeps_the_readers_place_in_another_coders_passages(project: Path
                                                                     ) -> None:
    """Switching coder on a long list: the passage highlighted stays if that coder has
    it, else the first of theirs from the same place (not the list's top); another
    theme (P) starts at its first passage."""
    from qualcoder_ahp.tui.screens.passages import PassageList
    from tests.tui.test_passages_screen import open_passages, settle

    many_passages(project)  # ana: the 20 answers of long_interview
    with open_store(project) as store:
        tid = next(t.id for t in store.transcripts() if t.name == "long_interview")
        turns = store.turns(tid)
        for turn in turns[::5]:  # bob: answers 0, 5, 10 and 15
            store.code(tid, "serendipity", "bob", turn.start, turn.end)
    app = make_app(project, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_passages(pilot, "serendipity")
        listing = screen.query_one(PassageList)
        answer_12 = next(p for p in screen.shown.passages if p.quote.coder == "ana"
                         and p.quote.start == turns[12].start)
        listing.highlighted = listing.get_option_index(str(answer_12.quote.coding_id))
        await pilot.pause()
        while screen.show_coder != "bob":
            await pilot.press("c")
            screen = await settle(pilot)
        assert screen.selected().quote.coder == "bob"
        assert screen.selected().quote.start == turns[15].start  # not answer 0
        while screen.show_coder is not None:  # round to everyone's: back at answer 12
            await pilot.press("c")
            screen = await settle(pilot)
        assert screen.selected().quote.coding_id == answer_12.quote.coding_id
        await pilot.press("P", *"mandate", "enter")
        screen = await settle(pilot)
        assert screen.theme_id == "mandate"
        assert screen.selected() == screen.shown.passages[0]


async def test_names_stand_whole_on_one_line_where_they_all_fit(project: Path) -> None:
    app = make_app(project, "alice")
    async with app.run_test(size=(160, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("X")
        await app.workers.wait_for_complete()
        await pilot.pause()
        grid = app.screen.query_one(DataTable)
        assert grid.header_height == 1
        assert [str(c.label) for c in grid.ordered_columns] == [
            "case", "Winding route through non-traditional roles", "Serendipity",
            "Mandate: closeness to the trust board", "Untapped secret weapon"]
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        assert grid.header_height == 2
        assert str(grid.ordered_columns[2].label) == "Serendipity"
        assert all(len(str(c.label).split("\n")) <= 2 for c in grid.ordered_columns)


async def test_a_failed_layout_worker_leaves_the_list_laid_out_on_the_ui_thread(
        project: Path, monkeypatch) -> None:
    from qualcoder_ahp.tui.screens.passages import PassageList
    from tests.tui.test_passages_screen import open_passages, settle

    many_passages(project)
    app = make_app(project, "ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_passages(pilot, "serendipity")
        listing = app.screen.query_one(PassageList)

        def broken(self, options, width):  # type: ignore[no-untyped-def]
            raise RuntimeError("no layout")

        monkeypatch.setattr(PassageList, "measure", broken)
        await pilot.resize_terminal(130, 30)
        await settle(pilot)
        await pilot.pause()
        assert listing.rewrapping == 0 and listing.laid_out == listing.text_width()
        width = (listing.scrollable_content_region.width
                 - listing.get_component_styles("option-list--option").padding.width)
        assert all(h == listing._get_visual(o).get_height(listing.styles, width) + o._divider
                   for (i, h), o in zip(sorted(listing._heights.items()), listing.options,
                                        strict=True))
