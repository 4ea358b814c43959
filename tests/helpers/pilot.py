"""Pilot helpers shared by the workbench tests."""

from __future__ import annotations

from typing import Any


async def settle(app: Any, pilot: Any) -> None:
    """Let the screen catch up: pending messages, then every worker, then the refresh
    they post."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
