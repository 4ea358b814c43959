"""At 80 columns the reconcile footer keeps ``u Undo`` once there is a decision to undo:
it used to leave it out (after Intersection and Reject it no longer fitted), when undo
is what a coder needs after a wrong key. ``d Decided too``, which the status line names
("d: all"), gives way to it."""

from __future__ import annotations

from qualcoder_ahp.tui.app import make_app
from tests.tui.test_audit_80x24 import footer_keys
from tests.tui.test_reconcile_screen import _ready
from tests.tui.test_reconcile_walk import reconciling  # noqa: F401 (a fixture)


def shown(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The footer's keys as drawn, left to right: ``"u Undo"``."""
    return [f"{k.key_display} {k.description}" for k in footer_keys(app) if k.display]


async def test_undo_stays_in_the_footer_at_80x24(reconciling):  # noqa: F811
    path, _ = reconciling
    app = make_app(path, coder="lead")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await _ready(pilot)
        before = shown(app)
        assert not any(k.startswith("u ") for k in before)  # nothing to undo yet
        assert "d Decided too" in before
        await pilot.press("a")  # a wrong key: the consensus takes coder A
        await _ready(pilot)
        after = shown(app)
        # d gives way (the status line says "d: all"); the walk and taking a coder stay,
        # and esc Back (f gave way to it: the status line says "f: filter").
        assert after == ["? Help", "n Next", "p Previous", "a Take A", "b Take B",
                         "u Undo", "esc Back", "^p palette"], after
        assert footer_keys(app)[-1].region.right <= 80
        await pilot.press("u")
        await _ready(pilot)
        assert shown(app) == before
