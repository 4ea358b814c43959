"""The reconcile screen draws its first disagreement's coder panels as it opens (commit
2cf41ba): in a terminal of 80x24 they stayed blank until ``n`` or ``p`` was pressed.

The panels are mounted when the disagreements arrive, and the first one was drawn "after
the next refresh"; in a real terminal that refresh could come before the panels had
finished mounting, and drawing skipped them. Pilot's refreshes are slower than a
terminal's, so :class:`EagerScreen` runs the after-refresh call at once: the refresh
arrives first, as it did in the terminal.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.widgets import Static

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.test_agreement_compute import build_project


class EagerScreen(ReconcileScreen):
    """The reconcile screen with a refresh that comes before a mount finishes."""

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any,
                           **kwargs: Any) -> bool:
        result = callback(*args, **kwargs)
        if inspect.isawaitable(result):
            asyncio.ensure_future(result)
        return True


class Host(App[None]):
    """A bare app that shows only the reconcile screen, comparing asha and ben."""

    def __init__(self, store: Store, screen: type[ReconcileScreen]) -> None:
        super().__init__()
        self.store = store
        self.screen_type = screen

    def on_mount(self) -> None:
        self.push_screen(self.screen_type(self.store, "lead", coders=["asha", "ben"]))


def _panel(app: App, k: int) -> str:
    return str(app.screen.query_one(f"#coder-text-{k}", Static).render())


async def _opened(app: App, pilot) -> str:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    return str(app.screen.query_one("#reconcile-status", Static).render())


async def test_the_first_disagreement_is_drawn_in_both_coder_panels_at_80x24(store):
    asha, _ = build_project(store)
    text = store.transcript_text(asha.id)
    passage = text[text.index("I fell"):text.index("I fell") + 32]
    for screen in (EagerScreen, ReconcileScreen):
        app = Host(store, screen)
        async with app.run_test(size=(80, 24)) as pilot:
            status = await _opened(app, pilot)
            assert status.startswith("Disagreement 1/2 (0 decided) · Serendipity in asha")
            # No key pressed: both panels already show the first disagreement.
            first, second = _panel(app, 0), _panel(app, 1)
            assert first.startswith("A: asha  turn 2 (Asha)") and passage in first
            assert second.startswith("B: ben  turn 2 (Asha)") and passage[2:] in second
            # n then p come back to it, and show the same (what had to be pressed).
            await pilot.press("n", "p")
            await pilot.pause()
            assert (_panel(app, 0), _panel(app, 1)) == (first, second)
