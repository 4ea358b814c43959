"""``n``, ``p`` or ``g`` over an adjusted span that is not stored warns once and stays.

Widening a suggestion's span (``w``) and then pressing ``n`` dropped the adjustment
without a word: the coder who meant to accept it with the wider span lost it.
"""

from __future__ import annotations

from tests.tui.conftest import CODER, open_alpha


def warned(app) -> bool:  # type: ignore[no-untyped-def]
    return any("adjusted span is not stored" in str(n.message) for n in app._notifications)


async def test_next_over_an_adjusted_span_warns_then_moves_on(
        app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("w", "n")
        await pilot.pause()
        assert screen.session.current.id == first.id      # stayed
        assert screen.session.is_adjusted()
        assert warned(app)
        await pilot.press("n")                             # the same key again: moves on
        await pilot.pause()
        assert screen.session.current.id != first.id
        assert app.store.codings(coder=CODER) == []


async def test_accepted_with_the_adjusted_span_moves_on_without_a_warning(
        app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("w", "a")
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) == "adjusted"
        assert screen.session.current.id != first.id         # accepting moved on
        await pilot.press("p", "w")                          # back, widened as stored
        await pilot.pause()
        assert screen.session.current.id == first.id and screen.session.is_adjusted()
        await pilot.press("n")                               # stored: moves at once
        await pilot.pause()
        assert screen.session.current.id != first.id
        assert not warned(app)


async def test_an_unadjusted_suggestion_moves_at_once(
        app) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("n")
        await pilot.pause()
        assert screen.session.current.id != first.id
        await pilot.press("w", "p")      # p warns too
        await pilot.pause()
        assert warned(app)
