"""Session 20's polish of the workbench at 80x24: the reconcile screen says what each
decision took and where, in turns; one undo toast at a time; the search's hit number."""

from __future__ import annotations

from tests.tui.conftest import CODER, open_alpha

SMALL = (80, 24)


def notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The notifications on screen, oldest first."""
    return [n.message for n in app._notifications]


async def test_undo_and_redo_keep_one_toast(app):
    """u u r stacked three toasts over the side panel at 80x24; now the last one shows."""
    async with app.run_test(size=SMALL) as pilot:
        await open_alpha(pilot)
        for key in "aauur":
            await pilot.press(key)
            await pilot.pause()
        steps = [n for n in notes(app) if n.startswith(("Undone", "Redone"))]
        assert len(steps) == 1 and steps[0].startswith("Redone: accept"), notes(app)
        assert len(app.store.codings(coder=CODER)) == 1  # the first accept, redone
