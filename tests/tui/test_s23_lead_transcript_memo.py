"""The coder's memo on a transcript is shown on the coding screen.

It was saved and undoable, but the only way to see it again was M → Transcript: a
researcher's note on an interview ("second half off the record", "reread the pauses")
was out of sight while coding that interview.
"""

from __future__ import annotations

from qualcoder_ahp.tui.screens.coding import CodingScreen
from tests.tui.conftest import CODER, open_alpha, screen_text


async def test_the_transcript_memo_shows_when_no_suggestion_is_selected(
        app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alpha(pilot)
        transcript = screen.session.transcript_id
        await pilot.press("M")
        await pilot.pause()
        options = app.screen.query("OptionList").first()
        await pilot.press(*["down"] * (options.option_count - 1), "enter")  # the transcript
        await pilot.pause()
        await pilot.press(*"reread the pauses", "ctrl+s")
        await pilot.pause()
        assert app.store.memo(CODER, "transcript", transcript) == "reread the pauses"
        await pilot.press("down")        # off the suggestion: the cursor
        await pilot.pause()
        assert screen.session.current is None
        assert "Your memo on the transcript: reread the pauses" in screen_text(app)
        await pilot.press("u")           # undone: gone from the panel too
        await pilot.pause()
        assert app.store.memo(CODER, "transcript", transcript) is None
        assert "Your memo on the transcript" not in screen_text(app)


async def test_the_transcript_memo_is_there_when_the_transcript_reopens(
        app) -> None:  # type: ignore[no-untyped-def]
    transcript = app.store.transcripts()[0].id
    app.store.set_memo(CODER, "transcript", transcript, "second half off the record")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_alpha(pilot)
        assert isinstance(screen, CodingScreen)
        await pilot.press("down")
        await pilot.pause()
        assert "Your memo on the transcript: second half off the record" in screen_text(app)
