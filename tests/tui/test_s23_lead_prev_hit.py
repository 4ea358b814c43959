"""``:`` goes to the previous search hit on the coding screen (only ``;``, the next, was
there: going back one hit meant walking round every hit of the transcript)."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.tui.conftest import open_alpha, screen_text


async def test_colon_goes_back_a_hit_and_wraps(app):  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alpha(pilot)
        session = screen.session
        await pilot.press("/", *"board", "enter")
        await pilot.pause()
        hits = session.search_hits
        assert len(hits) == 3
        assert session.hit_number() == 1
        await pilot.press("semicolon", "semicolon")
        await pilot.pause()
        assert session.hit_number() == 3
        await pilot.press("colon")
        await pilot.pause()
        assert session.hit_number() == 2
        assert session.span.start <= hits[1] < session.span.end
        assert "hit 2 of 3" in screen_text(app)
        await pilot.press("colon", "colon")   # 1, then round to the last
        await pilot.pause()
        assert session.hit_number() == 3
        assert "hit 3 of 3" in screen_text(app)


async def test_colon_from_the_cursor_finds_the_hit_before_it(app):  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alpha(pilot)
        session = screen.session
        await pilot.press("/", *"board", "enter")
        await pilot.pause()
        hits = list(session.search_hits)
        await pilot.press("semicolon", "semicolon", "down")   # off the last hit, past it
        await pilot.pause()
        assert session.hit_number() is None and session.span.start > hits[2]
        await pilot.press("colon")
        await pilot.pause()
        assert session.hit_number() == 3


async def test_previous_hit_is_in_the_help(app):  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_alpha(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        # No search yet: listed, greyed, as doing nothing now (session 24).
        assert [":", "Previous hit (not now)", "Go to the previous search hit"] in rows
