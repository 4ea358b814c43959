"""Every command a researcher runs, and the workbench, on a study and on one ten times its size.

Two studies made by ``bench_scale.py --keep DIR --coders 4`` (by default 30 and 300
transcripts of about 6,700 words: 0.2M and 2M words, four coders' codings, the shipped
codebook's suggestions, the stretches they coded alike copied into a consensus) are
each timed command by command, every command in a fresh process as a researcher runs
it (``qcahp --version`` is the baseline: starting Python and loading the tool). The table gives the time at 1x and at 10x and their ratio: a
ratio well above 10 is super-linear, one near 1 means the command does not depend on
the size of the study.

The workbench is driven by Textual's Pilot in the same process: the transcripts
screen, opening the largest transcript, ``n`` and ``a`` (median of 9 presses, net of a
no-op key pressed in between), the passages screen of the theme with the most codings
(opening it, until its first passages show and until its worker has filled the list,
End, and ``↑`` after it), and the reconcile screen with all four coders: opening
it, ``n`` net of the no-op key, and a poll after another coder's coding (the time the UI
thread spends on it, and until the result is on screen). Last, the reconcile screen's
computation at a poll: everything again (as before) and only the transcript changed.

Usage::

    python benchmarks/bench_commands.py                      # builds both studies
    python benchmarks/bench_commands.py --small DIR1 --large DIR10   # studies kept before
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CODERS = ("ana", "ben", "cat", "dan")
NOOP = "z"
"""A key the transcripts, coding and reconcile screens leave unbound (``z`` is
unbound on the coding screen; on the reconcile screen it is undo, so ``F12`` there)."""


def commands(work: Path) -> list[tuple[str, list[str], bool]]:
    """(label, arguments, writes): the commands timed, each on its own copy of the
    database when it writes."""
    out = work / "out"
    coders = ",".join(CODERS)
    return [
        ("qcahp --version (baseline)", ["--version"], False),
        ("suggest (again, nothing changed)", ["suggest"], True),
        ("suggestions", ["suggestions", "--format", "json"], False),
        ("counts", ["counts", "--format", "csv", "-o", str(out / "counts.csv")], False),
        ("quotes", ["quotes", "--format", "csv", "-o", str(out / "quotes.csv")], False),
        ("agreement (4 coders)", ["agreement", "--coders", coders, "--format", "csv",
                                  "-o", str(out / "agreement.csv")], False),
        ("disagreements (4 coders)", ["disagreements", "--coders", coders, "--format", "csv",
                                      "-o", str(out / "disagreements.csv")], False),
        ("cooccurrence", ["cooccurrence", "--format", "csv",
                          "-o", str(out / "cooc.csv")], False),
        ("words", ["words", "--format", "csv", "-o", str(out / "words.csv")], False),
        ("words --theme serendipity", ["words", "--theme", "serendipity", "--format", "csv",
                                       "-o", str(out / "keywords.csv")], False),
        ("patterns", ["patterns", "--format", "json"], False),
        ("agreement --ci (4 coders)", ["agreement", "--coders", coders, "--ci", "--format", "csv",
                                       "-o", str(out / "agreement-ci.csv")], False),
        ("counts --consensus", ["counts", "--consensus", "--format", "csv",
                                "-o", str(out / "counts-consensus.csv")], False),
        ("quotes --consensus", ["quotes", "--consensus", "--format", "csv",
                                "-o", str(out / "quotes-consensus.csv")], False),
        ("reconcile log", ["reconcile", "log", "--format", "csv",
                           "-o", str(out / "reconcile-log.csv")], False),
        ("methods", ["methods", "-o", str(out / "methods.md")], False),
        ("evaluate --coder ana", ["evaluate", "--coder", "ana", "--format", "json"], False),
        ("refi export", ["refi", "export", str(out / "study.qdpx")], False),
        ("merge (a coder's copy)", ["merge", "{copy}"], True),
        ("log (every event)", ["log", "--limit", "0", "--format", "csv",
                               "-o", str(out / "log.csv")], False),
        ("log --limit 50", ["log", "--limit", "50"], False),
        ("show (one transcript, all coders)", ["show", "study_005", "--all-coders"], False),
        ("undo --coder ana", ["undo", "--coder", "ana"], True),
    ]


def time_command(work: Path, args: list[str], writes: bool) -> float:
    """Wall time of one ``qcahp`` run in a fresh process (output to a file or /dev/null)."""
    db = work / "study.db"
    if writes:
        scratch = work / "scratch.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(scratch) + suffix).unlink(missing_ok=True)
        shutil.copy(db, scratch)
        db = scratch
        if "{copy}" in args:
            copy = work / "copy.db"
            copy.unlink(missing_ok=True)
            shutil.copy(work / "study.db", copy)
            args = [str(copy) if a == "{copy}" else a for a in args]
    (work / "out").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "120"}
    began = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "qualcoder_ahp", "--db", str(db), *args],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          cwd=work, env=env)
    seconds = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(f"qcahp {' '.join(args)} failed: {proc.stderr.strip()[-300:]}")
    return seconds


# ---------------------------------------------------------------- the workbench
async def _press(pilot, key: str) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    return time.perf_counter() - began


async def _net(pilot, key: str, noop: str, times: int = 9) -> float:  # type: ignore[no-untyped-def]
    """Median latency of ``key`` net of the no-op key's (Pilot's own overhead)."""
    keyed, idle = [], []
    for _ in range(times):
        idle.append(await _press(pilot, noop))
        keyed.append(await _press(pilot, key))
    return statistics.median(keyed) - statistics.median(idle)


def workbench(work: Path) -> dict[str, float]:
    """Time the workbench on a scratch copy of the study (in this process)."""
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.tui import app as app_module
    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.coding import CodingScreen
    from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
    from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

    app_module.POLL_SECONDS = 3600.0  # the benchmark polls itself
    db = work / "workbench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copy(work / "study.db", db)
    with open_store(db) as store:
        largest = max(store.transcripts(), key=lambda t: t.words)
        # The study's own coders (one kept by bench_scale.py --coders 3 has no dan: the
        # reconcile screen would wait for ever for a coder the project does not have).
        coders = [c for c in CODERS if c in store.coders()]
    figures: dict[str, float] = {}
    main_thread: list[float] = []
    taken_in = ReconcileScreen.on_reconcile_follow_recomputed

    def timed(screen, message) -> None:  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        taken_in(screen, message)
        main_thread.append(time.perf_counter() - began)

    ReconcileScreen.on_reconcile_follow_recomputed = timed  # type: ignore[method-assign]

    async def run() -> None:
        began = time.perf_counter()
        app = make_app(db, coder="ana")
        async with app.run_test(size=(120, 40)) as pilot:
            while not isinstance(app.screen, TranscriptsScreen):
                await pilot.pause()
            await pilot.pause()
            figures["transcripts screen"] = time.perf_counter() - began
            began = time.perf_counter()
            app.screen.open_transcript(largest.id)
            while not isinstance(app.screen, CodingScreen):
                await pilot.pause()
            await pilot.pause()
            figures["open the largest transcript"] = time.perf_counter() - began
            figures["n (next suggestion), net"] = await _net(pilot, "n", NOOP)
            figures["a (accept), net"] = await _net(pilot, "a", NOOP)
            app.pop_screen()
            await pilot.pause()
            figures.update(await _passages(app, pilot))
            began = time.perf_counter()
            screen = ReconcileScreen(app.store, "ana", coders=coders)
            app.push_screen(screen)
            while not screen.loaded:
                await pilot.pause(0.01)
            await pilot.pause()
            figures[f"reconcile: open ({len(coders)} coders)"] = time.perf_counter() - began
            figures["reconcile: n, net"] = await _net(pilot, "n", "f12")
            other = open_store(db)
            try:
                for k, label in enumerate(("first poll", "poll")):
                    info = other.transcripts()[5 + k]
                    s = other.sentences(info.id)[len(other.sentences(info.id)) // 2]
                    other.code(info.id, "serendipity", "ben", s.start, s.end)
                    main_thread.clear()
                    began = time.perf_counter()
                    assert app.poll_store()
                    polled = time.perf_counter() - began
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    await pilot.pause()
                    figures[f"reconcile: {label}, until shown"] = time.perf_counter() - began
                    figures[f"reconcile: {label}, UI thread"] = polled + sum(main_thread)
            finally:
                other.close()

    try:
        asyncio.run(run())
    finally:
        ReconcileScreen.on_reconcile_follow_recomputed = taken_in  # type: ignore[method-assign]
    figures.update(recompute(db, coders))
    return figures


async def _passages(app, pilot) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The passages screen of the theme with the most codings: opened until its first
    passages are shown, and until its worker has filled the list (as far as it fills it:
    ``passages.FILL`` passages), then End (to the last passage) and ↑ after it, net of
    the no-op key; the longest time the UI thread was held meanwhile (a 5 ms sleep
    woken late)."""
    from textual.widgets import OptionList

    from qualcoder_ahp.tui.screens.passages import PassagesScreen

    theme = app.store.conn.execute(
        "SELECT theme_id FROM codings WHERE active = 1 GROUP BY theme_id "
        "ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    stalled = [0.0]

    async def watch() -> None:
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.005)
            stalled[0] = max(stalled[0], time.perf_counter() - began - 0.005)

    watcher = asyncio.get_running_loop().create_task(watch())
    figures: dict[str, float] = {}
    began = time.perf_counter()
    screen = PassagesScreen(app.store, "ana", theme)
    app.push_screen(screen)
    listing = None
    while True:
        if screen.shown is not None and screen.is_mounted:
            listing = screen.query_one(OptionList)
            if listing.option_count and "first" not in figures:
                figures["first"] = time.perf_counter() - began
            if listing.option_count and not any(
                    w.group == "passages" and w.is_running for w in app.workers):
                break
        await pilot.pause(0.01)
    figures["filled"] = time.perf_counter() - began
    watcher.cancel()
    out = {"passages screen (the most coded theme): first shown": figures["first"],
           "passages screen: list filled by its worker": figures["filled"],
           "passages screen: UI thread held at most (while opening)": stalled[0]}
    began = time.perf_counter()
    await pilot.press("end")
    await pilot.pause()
    assert screen.selected() is screen.shown.passages[-1]
    out["passages screen: End (the last passage)"] = time.perf_counter() - began
    out["passages screen: ↑ after End, net"] = await _net(pilot, "up", NOOP)
    app.pop_screen()
    await pilot.pause()
    return out


def recompute(db: Path, coders: list[str]) -> dict[str, float]:
    """The reconcile screen's computation at a poll: all of it (as it was) or only the
    transcript whose codings changed (best of 3 each; on a scratch copy, as
    ``bench_scale.py`` measures it)."""
    from bench_scale import reconcile_poll

    _found, full, rounds = reconcile_poll(db, db.with_name("reconcile.db"), coders, rounds=3)
    return {"reconcile computation at a poll: everything": min(full),
            "reconcile computation at a poll: the transcript changed": min(rounds)}


# ---------------------------------------------------------------- driver
def build(work: Path, transcripts: int, words: int) -> None:
    """The study, its agreed stretches copied into a consensus (every disagreement left
    undecided: the ``--consensus`` reports then note them, which reads agreement's
    corpus)."""
    if (work / "study.db").exists():
        return
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_scale.py"),
                    "--transcripts", str(transcripts), "--words", str(words), "--coders", "4",
                    "--keep", str(work)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "qualcoder_ahp", "--db", str(work / "study.db"),
                    "reconcile", "copy-agreed", "--coders", ",".join(CODERS), "--by", "lead"],
                   check=True, stdout=subprocess.DEVNULL, cwd=work,
                   env={**os.environ, "PYTHONPATH": str(REPO)})


def measure(work: Path) -> dict[str, float]:
    """Every figure of one study: commands, then (in a child process) the workbench."""
    figures = {label: time_command(work, args, writes)
               for label, args, writes in commands(work)}
    proc = subprocess.run([sys.executable, __file__, "--workbench", str(work)],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"workbench failed: {proc.stderr.strip()[-500:]}")
    figures.update(json.loads(proc.stdout.strip().splitlines()[-1]))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=Path, help="a study kept by bench_scale.py (1x)")
    parser.add_argument("--large", type=Path, help="a study ten times its size (10x)")
    parser.add_argument("--transcripts", type=int, default=30, help="at 1x (default 30)")
    parser.add_argument("--words", type=int, default=6700, help="per transcript")
    parser.add_argument("--workbench", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workbench:
        print(json.dumps(workbench(args.workbench)))
        return
    # A scratch folder only for the studies not given (removed at the end).
    scratch = (None if args.small and args.large
               else Path(tempfile.mkdtemp(prefix="qcahp-commands-")))
    small = (args.small or scratch / "x1").resolve()  # type: ignore[operator]
    large = (args.large or scratch / "x10").resolve()  # type: ignore[operator]
    build(small, args.transcripts, args.words)
    build(large, args.transcripts * 10, args.words)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    one = measure(small)
    ten = measure(large)
    print("| command | 1× | 10× | ratio |")
    print("|---|---:|---:|---:|")
    for label, seconds in one.items():
        big = ten[label]
        print(f"| {label} | {_fmt(seconds)} | {_fmt(big)} | {big / seconds:.1f}× |"
              if seconds > 0 else f"| {label} | {_fmt(seconds)} | {_fmt(big)} | |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


if __name__ == "__main__":
    main()
