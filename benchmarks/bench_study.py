"""Every workbench screen and every report command on one large study, as ratios.

On a study kept by ``bench_scale.py --keep DIR`` (for example 300 transcripts of 6,700
words: 2M words, three coders' codings, the shipped codebook's suggestions), this
times:

- opening each workbench screen, driven by Textual's Pilot in one process, until what
  it computes is on screen (its workers done): the transcripts screen, the coding screen
  on the longest transcript, the codebook, patterns, counts, framework, one theme's
  passages (until its worker has filled the list) and the reconcile screen (every coder but
  the consensus compared). Each is given as a ratio against a baseline measured in
  the same process just before: reading every transcript's text from the database and
  splitting it into words (the least anything that looks at the whole study does);
- each report command in a fresh process, as a researcher runs it, as a ratio against
  ``qcahp --version`` (starting Python and loading the tool) timed in the same run.

The machine is shared and noisy: each figure is the best of ``--repeat`` runs (3), and
the ratios travel better than the seconds. With ``--before DIR`` (a source tree of the
code before a change, ``git archive COMMIT | tar -x -C DIR``) each figure is measured for
that code and this one in turn, in the same run, and the table adds before/after.

Usage::

    python benchmarks/bench_scale.py --transcripts 300 --words 6700 --keep /tmp/s2m
    python benchmarks/bench_study.py /tmp/s2m [--repeat 3] [--only screens|commands]
    python benchmarks/bench_study.py /tmp/s2m --before /tmp/code-before
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

THEME = "serendipity"
"""The theme whose passages are opened (one of the shipped codebook's)."""


def commands(work: Path, coders: list[str]) -> list[tuple[str, list[str]]]:
    """(label, arguments) of each command timed; none of them writes to the database."""
    out = work / "out"
    pair = ",".join(coders)
    return [
        ("qcahp --version (baseline)", ["--version"]),
        ("counts", ["counts", "--format", "csv", "-o", str(out / "counts.csv")]),
        ("quotes", ["quotes", "--format", "csv", "-o", str(out / "quotes.csv")]),
        ("framework", ["framework", "--format", "csv", "-o", str(out / "framework.csv")]),
        ("framework (the terminal's grid of counts)", ["framework"]),
        (f"agreement ({len(coders)} coders)",
         ["agreement", "--coders", pair, "--format", "csv", "-o", str(out / "agree.csv")]),
        (f"disagreements ({len(coders)} coders)",
         ["disagreements", "--coders", pair, "--format", "csv", "-o", str(out / "dis.csv")]),
        ("saturation", ["saturation", "--format", "json", "-o", str(out / "sat.json")]),
        ("cooccurrence", ["cooccurrence", "--format", "csv", "-o", str(out / "cooc.csv")]),
        ("methods", ["methods", "--format", "json", "-o", str(out / "methods.json")]),
        ("refi export", ["refi", "export", str(out / "study.qdpx")]),
        ("log (every event)", ["log", "--limit", "0", "--format", "csv",
                               "-o", str(out / "log.csv")]),
    ]


def time_command(db: Path, args: list[str], code: Path = REPO) -> tuple[float, float]:
    """Wall and CPU time (user and system) of one ``qcahp`` run in a fresh process, by the
    code in ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code), "COLUMNS": "120"}
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "qualcoder_ahp", "--db", str(db), *args],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          cwd=db.parent, env=env)
    seconds = time.perf_counter() - began
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"qcahp {' '.join(args)} failed: {proc.stderr.strip()[-300:]}")
    return seconds, now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime


def baseline(db: Path) -> tuple[float, float]:
    """Read every transcript's text from the database and split it into words (best of 5,
    wall and CPU time)."""
    import sqlite3

    best = (float("inf"), float("inf"))
    for _ in range(5):
        began, cpu = time.perf_counter(), time.process_time()
        conn = sqlite3.connect(db)
        try:
            words = sum(len(text.split()) for (text,) in conn.execute(
                "SELECT text FROM transcripts"))
        finally:
            conn.close()
        assert words
        best = min(best[0], time.perf_counter() - began), min(best[1],
                                                               time.process_time() - cpu)
    return best


def compared(store) -> list[str]:  # type: ignore[no-untyped-def]
    """The coders whose codings bench_scale.py imported (not its "decider", who only
    timed decisions), in its order."""
    from bench_scale import ALL_CODERS

    coded = set(store.coders_who_coded())
    return [c for c in ALL_CODERS if c in coded]


# ---------------------------------------------------------------- the screens
def clock() -> tuple[float, float]:
    """Wall time and this process's CPU time (every thread's), in seconds."""
    return time.perf_counter(), time.process_time()


def screens(db: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Best-of-``repeat`` wall and CPU time to open each screen until its figures are on
    screen."""
    from textual.widgets import OptionList

    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.tui import app as app_module
    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.codebook import CodebookScreen
    from qualcoder_ahp.tui.screens.coding import CodingScreen
    from qualcoder_ahp.tui.screens.counts import CountsScreen
    from qualcoder_ahp.tui.screens.framework import FrameworkScreen
    from qualcoder_ahp.tui.screens.passages import PassagesScreen
    from qualcoder_ahp.tui.screens.patterns import PatternsScreen
    from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
    from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

    app_module.POLL_SECONDS = 3600.0  # nothing else writes; no poll in the timings
    with open_store(db) as store:
        largest = max(store.transcripts(), key=lambda t: t.words)
        coders = compared(store)
        coder = coders[0]
    best: dict[str, tuple[float, float]] = {}

    def keep(label: str, began: tuple[float, float] | None = None,
             taken: tuple[float, float] | None = None) -> None:
        """The best wall and the best CPU time (every thread's) of ``label``: since
        ``began`` (``clock()`` then), or ``taken``."""
        if taken is None:
            assert began is not None
            now = clock()
            taken = (now[0] - began[0], now[1] - began[1])
        was = best.get(label, taken)
        best[label] = (min(was[0], taken[0]), min(was[1], taken[1]))

    async def settle(pilot, app) -> None:  # type: ignore[no-untyped-def]
        """Until no worker runs and the screen has drawn what they posted."""
        await pilot.pause()
        while any(w.is_running for w in app.workers):
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.pause()

    def filled(screen: PassagesScreen) -> bool:
        """Whether the list is filled as far as its worker fills it: every passage (and
        its transcript's heading), or since the list fills at most ``FILL`` passages (the
        keys add the others as they come near them), its worker done."""
        shown = screen.shown
        if shown is None:
            return False
        count = screen.query_one(OptionList).option_count
        return count >= len(shown.passages) + shown.transcripts or bool(count) and not any(
            w.group == "passages" and w.is_running for w in screen.app.workers)

    async def run() -> None:
        for _ in range(repeat):
            keep("baseline: read and split every word", taken=baseline(db))
            began = clock()
            app = make_app(db, coder=coder)
            async with app.run_test(size=(120, 40)) as pilot:
                while not isinstance(app.screen, TranscriptsScreen):
                    await pilot.pause()
                await settle(pilot, app)
                keep("transcripts", began)
                home = app.screen
                made = {
                    "coding screen (longest transcript)": None,
                    "codebook": lambda: CodebookScreen(app.store, coder),
                    "patterns": lambda: PatternsScreen(app.store, coder, None),
                    "counts": lambda: CountsScreen(app.store, coder),
                    "framework": lambda: FrameworkScreen(app.store, coder),
                    f"passages ({THEME})": lambda: PassagesScreen(app.store, coder, THEME),
                    f"reconcile ({len(coders)} coders)":
                        lambda: ReconcileScreen(app.store, coder, coders=list(coders)),
                }
                for label, make in made.items():
                    began = clock()
                    if make is None:
                        home.open_transcript(largest.id)
                        while not isinstance(app.screen, CodingScreen):
                            await pilot.pause()
                    else:
                        screen = make()
                        app.push_screen(screen)
                        while app.screen is not screen:
                            await pilot.pause()
                        while isinstance(screen, ReconcileScreen) and not screen.loaded:
                            await pilot.pause(0.01)
                        while isinstance(screen, PassagesScreen) and not filled(screen):
                            await pilot.pause(0.01)
                    await settle(pilot, app)
                    keep(label, began)
                    app.pop_screen()
                    await settle(pilot, app)

    asyncio.run(run())
    return best


# ---------------------------------------------------------------- driver
def screens_by(code: Path, work: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """The screens' figures by the code in ``code``, in a child process."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    proc = subprocess.run([sys.executable, __file__, str(work), "--screens", "--code", str(code),
                           "--repeat", str(repeat)],
                          capture_output=True, text=True, check=False, env=env)
    if proc.returncode:
        raise SystemExit(f"screens failed: {proc.stderr.strip()[-800:]}")
    return {k: tuple(v) for k, v in json.loads(proc.stdout.strip().splitlines()[-1]).items()}


Runs = dict[str, dict[str, tuple[float, float]]]


def kept(runs: Runs, name: str, label: str, taken: tuple[float, float]) -> None:
    """Keep the best wall and the best CPU time of ``label`` by the code ``name``."""
    was = runs[name].get(label, taken)
    runs[name][label] = (min(was[0], taken[0]), min(was[1], taken[1]))


def table(kind: str, runs: Runs, base_label: str) -> None:
    """One table: each figure's wall and CPU time by each code, the CPU time as a ratio
    to the baseline's, and (two codes) before/after of the CPU and of the wall time."""
    codes = list(runs)
    head = " | ".join(f"{c}: wall | {c}: CPU | {c}: CPU × baseline" for c in codes)
    two = len(codes) == 2
    print(f"\n| {kind} | {head} |" + (" before/after, CPU | before/after, wall |"
                                      if two else ""))
    print("|---|" + "---:|---:|---:|" * len(codes) + ("---:|---:|" if two else ""))
    for label in runs[codes[-1]]:
        cells = " | ".join(
            f"{_fmt(runs[c][label][0])} | {_fmt(runs[c][label][1])} | "
            f"{runs[c][label][1] / runs[c][base_label][1]:.1f}×" for c in codes)
        ratio = ""
        if two:
            (w0, c0), (w1, c1) = runs[codes[0]][label], runs[codes[1]][label]
            ratio = f" {c0 / c1:.2f}× | {w0 / w1:.2f}× |"
        print(f"| {label} | {cells} |{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", type=Path, help="a folder kept by bench_scale.py --keep")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--only", choices=("screens", "commands"))
    parser.add_argument("--before", type=Path,
                        help="a source tree of the code before, measured in turn with this one")
    parser.add_argument("--screens", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.screens:  # the child process: the screens, on the scratch copy
        if args.code:
            sys.path.insert(0, str(args.code.resolve()))
        print(json.dumps(screens(args.study / "study.db", args.repeat)))
        return
    source = args.study.resolve() / "study.db"
    if not source.exists():
        raise SystemExit(f"{source}: no study here (make one with bench_scale.py --keep)")
    work = args.study.resolve() / "bench-study"
    shutil.rmtree(work, ignore_errors=True)
    (work / "out").mkdir(parents=True)
    db = work / "study.db"
    shutil.copy(source, db)  # a scratch copy: the workbench writes its settings
    from qualcoder_ahp.model.store import open_store

    with open_store(db) as store:
        words = sum(t.words for t in store.transcripts())
        codings = store.conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0]
        coders = compared(store)
    print(f"{words:,} words, {codings:,} codings, coders {', '.join(coders)}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    codes = {"this code": REPO}
    if args.before:
        codes = {"before": args.before.resolve(), "after": REPO}
    if args.only != "commands":
        runs: Runs = {name: {} for name in codes}
        for _ in range(args.repeat):  # in turn, so that load on the machine hits both alike
            for name, code in codes.items():
                for label, taken in screens_by(code, work, 1).items():
                    kept(runs, name, label, taken)
        table("screen opened", runs, "baseline: read and split every word")
    if args.only != "screens":
        runs = {name: {} for name in codes}
        for _ in range(args.repeat):
            for label, cmd in commands(work, coders):
                for name, code in codes.items():
                    kept(runs, name, label, time_command(db, cmd, code))
        table("command", runs, "qcahp --version (baseline)")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    shutil.rmtree(work, ignore_errors=True)


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


if __name__ == "__main__":
    main()
