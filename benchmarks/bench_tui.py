"""Benchmark the workbench on the 38k-word UK Covid Inquiry hearing transcript.

Prints the time to open the coding screen and the per-key latency of *next
suggestion* (``n``) and *accept* (``a``), as medians of 50 presses, net of Pilot's
own overhead: an unbound (no-op) key is pressed in the same run, interleaved with
the measured keys so that machine noise hits all three alike. Goals: open < 1 s,
keys < 50 ms net.

Run from the repository root::

    python benchmarks/bench_tui.py [--presses 50] [--size 100x30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

REAL = Path(os.environ.get("QCAHP_REAL", REPO.parent / "shared" / "transcripts-real"))
HEARING = REAL / "05_uk-covid-inquiry_m3_2024-09-23_college-of-paramedics.rst"
CODEBOOK = REPO / "codebooks" / "ahp-leadership.yaml"
CODER = "bench"


def build(db: Path) -> int:
    """Import the hearing, load the codebook, run suggestions; return the transcript id."""
    from qualcoder_ahp.importers import import_paths
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.suggest.runner import run_suggestions
    from qualcoder_ahp.suggest.codebook import load_codebook

    store = open_store(db)
    try:
        store.save_codebook(load_codebook(CODEBOOK))
        report = import_paths(store, [HEARING])
        if report.failed:
            raise SystemExit(f"import failed: {report.failed}")
        info = store.transcripts()[0]
        run_suggestions(store, transcript_ids=[info.id])
        n = len(store.suggestions(transcript_id=info.id))
        print(f"transcript: {info.name}: {info.words:,} words, {info.turns:,} turns, "
              f"{n} suggestions")
        return info.id
    finally:
        store.close()


async def measure(db: Path, tid: int, presses: int, size: tuple[int, int]) -> dict[str, object]:
    """Open the coding screen and time keys; returns the raw timings."""
    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.coding import CodingScreen
    from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

    app = make_app(db, coder=CODER)
    timings: dict[str, list[float]] = {"noop": [], "n": [], "a": []}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TranscriptsScreen)
        began = time.perf_counter()
        screen.open_transcript(tid)
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.pause()
        opened = time.perf_counter() - began
        for _ in range(3):  # warm caches before timing
            await pilot.press("z", "n")
        for _ in range(presses):
            for key in ("z", "n", "a"):
                t = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                timings["noop" if key == "z" else key].append(time.perf_counter() - t)
        decided = len(app.store.decisions_for(CODER, tid))
    return {"open": opened, "decided": decided, **timings}


def main() -> None:
    """Build a scratch project, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--size", default="100x30")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    if not HEARING.exists():
        raise SystemExit(f"missing {HEARING}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        tid = build(db)
        result = asyncio.run(measure(db, tid, args.presses, size))  # type: ignore[arg-type]
    noop = statistics.median(result["noop"])  # type: ignore[arg-type]
    print(f"terminal {args.size}, {args.presses} presses per key, {result['decided']} "
          "suggestions accepted")
    print(f"open coding screen: {result['open'] * 1000:7.1f} ms   (goal < 1000 ms)")
    print(f"no-op key (Pilot overhead): {noop * 1000:7.1f} ms  median")
    for key, name in (("n", "next suggestion"), ("a", "accept")):
        med = statistics.median(result[key])  # type: ignore[arg-type]
        print(f"{name:>16} ({key}): {med * 1000:7.1f} ms median, net {(med - noop) * 1000:6.1f} ms"
              f"  = {med / noop:4.2f}x the no-op key   (goal net < 50 ms)")


if __name__ == "__main__":
    main()
