"""The coding screen's ``c`` picker names and quotes the text it will code, and codes
exactly that: the selection, else the suggestion's span as widened or narrowed, else the
suggestion's sentence, else the sentence at the cursor. A coder found out only afterwards
that "the marked text" had been the current suggestion's sentence.

Each case opens the picker at 80x24, reads the title and the quote line as drawn, picks
a theme and checks the coding stored against the quote.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.modals import ThemePickerModal, shortened
from tests.tui.conftest import CODER, open_alpha, press_for_screen

SIZE = (80, 24)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _agrees(shown: str, coded: str) -> None:
    """The quote drawn is the coded text, whole or its start and end around " … "."""
    assert shown.startswith("“") and shown.endswith("”"), shown
    inner, coded = shown[1:-1], _flat(coded)
    if " … " not in inner:
        assert inner == coded
        return
    head, tail = inner.split(" … ")
    assert coded.startswith(head) and coded.endswith(tail), (shown, coded)
    assert len(head) > 10 and len(tail) > 10  # enough of each end to recognise it


async def _code_with_first_theme(pilot, screen: CodingScreen) -> tuple[str, str, tuple]:
    """Press c; the picker's title and quote line as drawn; Enter (the first theme).
    Returns the title, the quote and the span the session had when c was pressed."""
    session = screen.session
    before = (session.span.start, session.span.end)
    picker = await press_for_screen(pilot, "c", ThemePickerModal)
    await pilot.pause()
    title = str(picker.query_one("Label").render())
    quote = picker.query_one("#picker-quote")
    shown = quote.render_line(0).text.rstrip()
    assert quote.region.right <= picker.query_one(".dialog").region.right  # fits at 80
    await pilot.press("enter")
    await pilot.pause()
    return title, shown, before


def _last_coding(project: Path):
    with open_store(project) as store:
        codings = store.codings(coder=CODER)
        text = store.transcript_text(codings[-1].transcript_id)
    last = max(codings, key=lambda c: c.id)
    return last, text


@pytest.mark.parametrize("keys, what", [
    ((), "the suggestion's sentence"),
    (("w",), "the adjusted span"),
    (("m",), "the adjusted span"),
    (("down", "v", "down", "down"), "the selection (3 sentences)"),
    (("down", "down"), "the sentence at the cursor"),
    (("down", "w"), "the marked span"),
])
async def test_the_picker_shows_what_c_codes(project: Path, keys, what):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        title, shown, span = await _code_with_first_theme(pilot, screen)
        assert title == f"Code {what} with…"
    coding, text = _last_coding(project)
    assert (coding.start, coding.end) == span
    _agrees(shown, text[coding.start:coding.end])


async def test_a_long_selection_is_quoted_by_its_two_ends(project: Path):
    """A selection longer than the line shows its start and its end."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("up", "up", "up", "v", *["down"] * 6)
        await pilot.pause()
        title, shown, span = await _code_with_first_theme(pilot, screen)
        assert " … " in shown and title.startswith("Code the selection (")
    coding, text = _last_coding(project)
    assert (coding.start, coding.end) == span
    _agrees(shown, text[coding.start:coding.end])


def test_shortened_keeps_both_ends_within_the_width():
    text = "It was a winding route really.\n\nI never planned   to lead anything at all."
    assert shortened(text, 200) == "“" + _flat(text) + "”"
    for width in (20, 41, 64):
        line = shortened(text, width)
        assert len(line) <= width
        head, tail = line[1:-1].split(" … ")
        assert _flat(text).startswith(head) and _flat(text).endswith(tail)
