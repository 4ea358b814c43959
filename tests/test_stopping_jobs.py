"""A suggestion run stopped part-way stops now, and keeps what it stored whole.

A researcher who quits the workbench (or presses Ctrl+C) during `S` / `qcahp suggest`
expects it to stop. Leaving the process pool used to wait until the worker had tokenised
every transcript still queued (results nobody reads), so the workbench went blank for the
rest of the run before it closed.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.suggest import runner
from qualcoder_ahp.suggest.codebook import load_codebook
from tests.test_engine import DATA, STORY, transcript


class Stop(Exception):
    """What the caller's progress callback raises to stop the run."""


def test_a_stopped_run_drops_the_queue_and_keeps_whole_transcripts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tokenised: list[int] = []
    release = threading.Event()

    def worker_run(*args: Any) -> Any:
        tokenised.append(1)
        if len(tokenised) > 1:  # the first comes back; the others wait for the stop
            release.wait(10)
        return original(*args)

    class Pool(ThreadPoolExecutor):  # in threads, so the test can count the work done
        def __init__(self, workers: int, **_: Any) -> None:
            super().__init__(workers)

        def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
            super().shutdown(wait=False, cancel_futures=cancel_futures)
            release.set()  # what was not cancelled now runs on
            super().shutdown(wait=wait)

    original = runner._worker_run
    monkeypatch.setattr(runner, "_worker_run", worker_run)
    monkeypatch.setattr(runner, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(runner, "_steal", lambda *args: None)

    def stop(done: int, total: int, name: str) -> None:
        raise Stop

    with open_store(tmp_path / "p.db") as store:
        store.save_codebook(load_codebook(DATA / "small.yaml"))
        for i in range(8):
            store.add_transcript(f"t{i}", transcript(STORY + [("Ann", "participant", f"{i}")]))
        # The pool's threads share this process's engine (no initializer runs in them).
        monkeypatch.setattr(runner, "_WORKER", {"engine": runner.engine_for(store.codebook())})
        with pytest.raises(Stop):
            runner.run_suggestions(store, processes=2, progress=stop)
        assert len(tokenised) <= 2  # the first, and at most the one already running
        stored = {s.transcript_id for s in store.suggestions()}
        assert len(stored) == 1 and len(store.suggestions()) == 6  # one transcript, whole
        assert store.integrity_ok()
        report = runner.run_suggestions(store, processes=1)  # run again: the rest
        assert (report.kept, report.new) == (6, 42)
