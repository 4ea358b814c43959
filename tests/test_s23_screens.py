"""Session 23: the passages screen on a theme of thousands of passages.

The screen used to put every passage in its list, each laid out (wrapped) by its worker:
13,006 passages of one theme at 1M words took 5 s to fill, the keys slowed meanwhile,
and the list held 65,000 lines. Its worker now fills at most ``FILL`` passages from
where the list begins; the keys (and the scroll) add a ``PAGE`` at a time as they come
near an end of those in the list, End and Home at once.

Driven with Pilot at 80x24 on a project of 33 passages (``FILL``, ``PAGE`` and the
batches made small, so that the list holds few of them at a time), each test reads what
the screen draws and says (the passage highlighted, "Passage N of 33", the headings and
their counts) against the passages as the core collects them, and checks that reading
them wrote nothing to the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

import qualcoder_ahp.tui.screens.passages as passages
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.passages import PassageList, PassagesScreen, collect
from qualcoder_ahp.tui.session import Span
from tests.conftest import make_parsed
from tests.helpers.pilot import settle
from tests.tui.conftest import CODER, build_project

SIZE = (80, 24)
ANSWER = ("I moved from the ward into a service improvement role and then, more by luck "
          "than by any plan, into a job at the trust board, answer {n}.")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The workbench's test project with two long interviews: ana coded 20 answers of the
    first and 10 of the second with serendipity, and a passage of alpha and of beta; bob
    every fifth answer of the first (36 passages in 4 transcripts)."""
    path = tmp_path / "project.db"
    build_project(path)
    with open_store(path) as store:
        for name, answers in (("long_one", 20), ("long_two", 10)):
            turns = [("P9", "participant", ANSWER.format(n=n)) for n in range(answers)]
            info, _ = store.add_transcript(name, make_parsed(turns))
            for k, turn in enumerate(store.turns(info.id)):
                store.code(info.id, "serendipity", CODER, turn.start, turn.end)
                if name == "long_one" and k % 5 == 0:
                    store.code(info.id, "serendipity", "bob", turn.start, turn.end)
        alpha, beta = store.transcripts()[:2]
        for info, phrase in ((alpha, "Then I had some luck with a secondment."),
                             (beta, "Pure luck got me the job.")):
            start = store.transcript_text(info.id).index(phrase)
            store.code(info.id, "serendipity", CODER, start, start + len(phrase))
    return path


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The list fills 6 passages by itself, 2 at a time, and the keys add 4 at a time."""
    monkeypatch.setattr(passages, "FIRST_BATCH", 2)
    monkeypatch.setattr(passages, "BATCH", 2)
    monkeypatch.setattr(passages, "MEASURED_BATCH", 2)
    monkeypatch.setattr(passages, "FILL", 6)
    monkeypatch.setattr(passages, "PAGE", 4)


def rows(path: Path) -> tuple[list[tuple], list[tuple]]:
    """Every coding and event, to show that reading passages writes nothing."""
    with open_store(path) as store:
        return ([tuple(r) for r in store.conn.execute("SELECT * FROM codings ORDER BY id")],
                [tuple(r) for r in store.conn.execute("SELECT * FROM events ORDER BY id")])


def where(screen: PassagesScreen) -> str:
    return str(screen.query_one("#passages-where", Label).render())


def drawn(screen: PassagesScreen) -> list[str]:
    listing = screen.query_one(PassageList)
    return [listing.render_line(y).text.rstrip()
            for y in range(listing.scrollable_content_region.height)]


def in_list(screen: PassagesScreen) -> list[str]:
    """The option ids in the list, in order (passages by coding id, headings ``tN``)."""
    listing = screen.query_one(PassageList)
    return [listing.get_option_at_index(i).id or "" for i in range(listing.option_count)]


def check_headings(screen: PassagesScreen) -> None:
    """Each transcript with passages in the list is headed once, above its first one in
    the list, with its count of passages (of all of them, not of those in the list)."""
    ids = in_list(screen)
    found = screen.shown
    assert found is not None
    seen: list[int] = []
    for k, option_id in enumerate(ids):
        if option_id.startswith("t"):
            tid = int(option_id[1:])
            assert tid not in seen
            seen.append(tid)
            nxt = found.passages[found.index[ids[k + 1]]]
            assert nxt.transcript_id == tid
            heading = str(screen.query_one(PassageList).get_option_at_index(k).prompt)
            count = found.per_transcript[tid]
            assert heading.endswith(f" \u00b7 {count} passage{'s' if count > 1 else ''}")
        else:
            tid = found.passages[found.index[option_id]].transcript_id
            assert seen and seen[-1] == tid, "a passage under another transcript's heading"


async def open_screen(app, pilot, coder: str | None = None) -> PassagesScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    screen = PassagesScreen(app.store, CODER, "serendipity", show_coder=coder)
    app.push_screen(screen)
    await settle(app, pilot)
    return screen


async def test_the_list_fills_only_so_far_and_the_arrows_reach_every_passage(
        project: Path, small_pages: None) -> None:
    before = rows(project)
    with open_store(project) as store:
        want = collect(store, "serendipity", None).passages
    total = len(want)
    assert total == 36  # ana's 20 + 10 + alpha's and beta's, bob's 4
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        assert [p.quote.coding_id for p in screen.shown.passages] == [
            p.quote.coding_id for p in want]
        head = str(screen.query_one("#passages-head", Label).render())
        assert head == f"Serendipity: {total} passages in 4 transcripts, coders ana, bob"
        listed = [i for i in in_list(screen) if not i.startswith("t")]
        assert len(listed) == 6  # FILL: the rest come with the keys
        check_headings(screen)
        seen = [screen.selected()]
        assert where(screen).startswith(f"Passage 1 of {total} \u00b7 ")
        for k in range(total + 2):  # two more: the last stays the last
            await pilot.press("down")
            await pilot.pause()
            seen.append(screen.selected())
            number = min(k + 2, total)
            assert where(screen).startswith(f"Passage {number} of {total} \u00b7 ")
            check_headings(screen)
        mine = screen.shown.passages
        assert seen[:total] == mine == want and seen[-1] is seen[-2] is mine[-1]
        assert any("answer 9." in line for line in drawn(screen))  # long_two's last
        back = []
        for _ in range(total - 1):
            await pilot.press("up")
            await pilot.pause()
            back.append(screen.selected())
        assert back == list(reversed(mine[:-1]))
    assert rows(project) == before


async def test_end_and_home_jump_and_the_arrows_read_on_from_there(
        project: Path, small_pages: None) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        want = screen.shown.passages
        total = len(want)
        await pilot.press("end")
        await pilot.pause()
        assert screen.selected() is want[-1]
        assert where(screen).startswith(f"Passage {total} of {total} \u00b7 ")
        listed = [i for i in in_list(screen) if not i.startswith("t")]
        assert listed == [str(p.quote.coding_id) for p in want[-4:]]  # the last PAGE
        check_headings(screen)
        # The list begins inside long_two: its heading is on top, with its whole count.
        assert in_list(screen)[0] == f"t{want[-1].transcript_id}"
        assert drawn(screen)[0].startswith("\u2500\u2500 long_two \u00b7 10 passages")
        for k in range(1, 9):  # up, past the list's first passage
            await pilot.press("up")
            await pilot.pause()
            assert screen.selected() is want[-1 - k]
            check_headings(screen)
        await pilot.press("home")
        await pilot.pause()
        assert screen.selected() is want[0]
        assert where(screen).startswith(f"Passage 1 of {total} \u00b7 ")
        check_headings(screen)
        await pilot.press("end")  # and End again, from the first page
        await pilot.pause()
        assert screen.selected() is want[-1]


async def test_page_keys_reach_the_last_passage_and_come_back(
        project: Path, small_pages: None) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        want = screen.shown.passages
        numbers = []
        for _ in range(40):
            await pilot.press("pagedown")
            await pilot.pause()
            numbers.append(want.index(screen.selected()))
            check_headings(screen)
        assert numbers[-1] == len(want) - 1 and numbers == sorted(numbers)
        assert len(set(numbers)) > 5  # a page at a time, not straight to the end
        for _ in range(40):
            await pilot.press("pageup")
            await pilot.pause()
        assert screen.selected() is want[0]


async def test_scrolling_near_an_end_adds_passages_and_keeps_the_view(
        project: Path, small_pages: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passages, "PAGE", 12)  # a page two screens long
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        listing = screen.query_one(PassageList)
        want = screen.shown.passages
        had = listing.option_count
        listing.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        assert listing.option_count > had  # the next page joined the list
        check_headings(screen)
        await pilot.press("end")
        await pilot.pause()
        first = screen._first  # the list's first passage (End: the last PAGE or so)
        assert 0 < first <= len(want) - 12 and screen._end == len(want)
        top = str(want[first].quote.coding_id)
        assert in_list(screen)[1] == top
        assert listing.scroll_y > listing.size.height  # End: at the bottom
        listing.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        check_headings(screen)
        assert screen._first == max(0, first - 12)  # the page before joined the list
        line = listing.line_of(top)
        assert line is not None and 0 <= line - listing.scroll_y <= 1  # still at the top
        assert screen.selected() is want[-1]  # the highlight stayed


async def test_enter_after_end_opens_the_last_passage_and_p_comes_back_to_it(
        project: Path, small_pages: None) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        want = screen.shown.passages
        await pilot.press("end", "up", "up")
        await pilot.pause()
        chosen = screen.selected()
        assert chosen is want[-3]
        await pilot.press("enter")
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert coding.session.transcript_id == chosen.transcript_id
        assert coding.session.span == Span(chosen.quote.start, chosen.quote.end)
        assert coding.session.coding_under_cursor().id == chosen.quote.coding_id
        await pilot.press("P")
        await settle(app, pilot)
        assert app.screen is screen
        assert screen.selected().quote.coding_id == chosen.quote.coding_id
        assert where(screen).startswith(f"Passage {len(want) - 2} of {len(want)}")
        check_headings(screen)
        # The list was collected again and begins near the passage, not at the first.
        assert str(want[0].quote.coding_id) not in in_list(screen)
        await pilot.press("home")
        await pilot.pause()
        assert screen.selected().quote.coding_id == want[0].quote.coding_id


async def test_c_keeps_the_place_far_down_a_long_list(project: Path,
                                                      small_pages: None) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        everyone = screen.shown.passages
        # ana's answer 12 of long_one: past the passages the list fills by itself.
        target = next(k for k, p in enumerate(everyone) if p.quote.coder == CODER
                      and p.quote.transcript == "long_one" and "answer 12." in p.quote.quote)
        assert target >= 6
        for _ in range(target):
            await pilot.press("down")
        await pilot.pause()
        assert screen.selected() is everyone[target]
        place = everyone[target].place
        while screen.show_coder != "bob":
            await pilot.press("c")
            await settle(app, pilot)
        bobs = screen.shown.passages
        assert all(p.quote.coder == "bob" for p in bobs)
        assert screen.selected() is next(p for p in bobs if p.place >= place)  # answer 15
        check_headings(screen)
        while screen.show_coder is not None:  # round to everyone's: the same passage
            await pilot.press("c")
            await settle(app, pilot)
        assert screen.selected().quote.coding_id == everyone[target].quote.coding_id
        check_headings(screen)
