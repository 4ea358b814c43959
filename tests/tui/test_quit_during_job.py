"""Quitting the workbench while `S` or `i` runs stops the job after the transcript or
file in hand.

Quitting cancels the worker, but a thread cannot be stopped from outside; the job never
looked, so the screen went blank until the whole run had finished (tens of seconds on a
large corpus, with nothing said) before the workbench closed.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from qualcoder_ahp.tui import jobs
from qualcoder_ahp.tui.app import make_app
from tests.tui.conftest import CODER, SIZE


@pytest.mark.parametrize(("key", "job"), [("S", "suggest"), ("i", "import_files")])
async def test_a_cancelled_job_stops_at_its_next_step(project: Path, monkeypatch, key, job):
    started, go, ended = threading.Event(), threading.Event(), threading.Event()
    steps: list[str] = []

    def fake_job(*args):  # type: ignore[no-untyped-def]
        progress = args[-1]
        progress(0, 3)
        started.set()
        go.wait(10)
        try:
            for done in (1, 2, 3):
                try:
                    progress(done, 3)
                except jobs.JobStopped:
                    steps.append("stopped")
                    raise
                steps.append(f"step {done}")
            return "done"
        finally:
            ended.set()

    monkeypatch.setattr(jobs, job, fake_job)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        if key == "i":
            await pilot.press(*"a.txt", "enter")
        assert await asyncio.to_thread(started.wait, 10)
        worker = next(w for w in app.workers if w.group == "jobs")
        worker.cancel()  # what quitting does to every worker
        go.set()
        assert await asyncio.to_thread(ended.wait, 10)
        await pilot.pause()
        assert steps == ["stopped"]
        assert not app.screen.query_one("#job-progress").display  # no bar left behind
