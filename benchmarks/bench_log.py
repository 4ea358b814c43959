"""The audit trail, the reconcile log and the coding screen's counts: earlier code against this.

On a study kept by ``bench_scale.py --keep DIR --coders 4`` (``bench_commands.py``'s
10x study: 300 transcripts, 2M words, 288,000 events), each ``qcahp`` command is timed
in a fresh process twice, by an earlier version of the code (``--base``, a checkout:
``git archive REV | tar -x -C DIR``) on a copy of the study, and by this one on a copy
migrated first (so that neither run pays for the migration's backup). ``qcahp
--version`` is the baseline of both. ``--decisions N`` first adds N reconcile decisions
by the consensus coder over a few stretches, so that they replace each other (as a team
deciding the same disagreements again), and as many codings of ana's.

Last, the coding screen's ``a``: ``Store.theme_counts(coder)`` (the codebook pane's
study-wide counts) after a decision, as the earlier code counts (every coding of the
coder, on the earlier schema) and as this one does (only the theme the decision
touched), in one process (median of 9).

Usage::

    python benchmarks/bench_log.py --study DIR10 --base /tmp/base --decisions 2000
"""

from __future__ import annotations

import argparse
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

COMMANDS = [
    ("qcahp --version (baseline)", ["--version"]),
    ("log --limit 50", ["log", "--limit", "50"]),
    ("log --limit 0 (every event, CSV)", ["log", "--limit", "0", "--format", "csv",
                                          "-o", "{out}/log.csv"]),
    ("log --coder ana --limit 50", ["log", "--coder", "ana", "--limit", "50"]),
    ("log --kind reconcile --limit 50", ["log", "--kind", "reconcile", "--limit", "50"]),
    ("log --since DAY --limit 50", ["log", "--since", "{today}", "--limit", "50"]),
    ("log --theme serendipity --limit 50", ["log", "--theme", "serendipity",
                                            "--limit", "50"]),
    ("reconcile log", ["reconcile", "log", "--format", "csv", "-o", "{out}/rec.csv"]),
]


def add_decisions(db: Path, n: int) -> None:
    """``n`` reconcile decisions over a few stretches of one theme, replacing each other."""
    from qualcoder_ahp.model.store import open_store

    with open_store(db) as store:
        tids = [t.id for t in store.transcripts()][:5]
        with store.write():
            for k in range(n):
                tid = tids[k % len(tids)]
                s = store.sentences(tid)[(k // len(tids)) % 20]
                store.code(tid, "serendipity", "ana", s.start, s.end)
        for k in range(n):
            tid = tids[k % len(tids)]
            start = (k * 7) % 400
            store.reconcile(tid, "serendipity", "consensus", [(start, start + 30)],
                            rule="union", compared=["ana", "ben"], start=start,
                            end=start + 30, decided_by="ana")


def run(code: Path, db: Path, args: list[str], out: Path) -> float:
    """Wall time of one ``qcahp`` run of ``code`` in a fresh process."""
    today = time.strftime("%Y-%m-%d", time.gmtime())
    code = code.resolve()
    args = [a.replace("{out}", str(out)).replace("{today}", today) for a in args]
    env = {**os.environ, "PYTHONPATH": str(code), "COLUMNS": "120"}
    began = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "qualcoder_ahp", "--db", str(db), *args],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=env, cwd=out)  # not the repository: -m imports from the cwd
    seconds = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(f"{code}: qcahp {' '.join(args)} failed: {proc.stderr[-300:]}")
    return seconds


def counts_on_accept(before: Path, after: Path) -> dict[str, float]:
    """``theme_counts(coder)`` after a decision: the earlier query (every coding of the
    coder counted again) on the earlier schema, against this code, which counts again
    only the theme touched (median of 9 decisions each)."""
    import sqlite3

    from qualcoder_ahp.model.store import open_store

    full_sql = ("SELECT c.theme_id, COUNT(*) FROM codings c JOIN coders k ON "
                "k.id = c.coder_id WHERE c.active = 1 AND k.name = ? GROUP BY c.theme_id")
    full = []
    conn = sqlite3.connect(str(before))
    try:
        for _ in range(9):
            began = time.perf_counter()
            dict(conn.execute(full_sql, ["ana"]).fetchall())
            full.append(time.perf_counter() - began)
    finally:
        conn.close()
    with open_store(after) as store:
        tid = store.transcripts()[7].id
        open_ = [s for s in store.suggestions(transcript_id=tid)
                 if store.decision_of(s.id, "ana") is None]
        store.theme_counts("ana")
        kept = []
        for sug in open_[:9]:
            store.accept(sug.id, "ana")
            began = time.perf_counter()
            store.theme_counts("ana")
            kept.append(time.perf_counter() - began)
    return {"theme_counts(ana) after a decision": (statistics.median(full),
                                                    statistics.median(kept))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, required=True, help="a study kept by bench_scale")
    parser.add_argument("--base", type=Path, required=True, help="a checkout of earlier code")
    parser.add_argument("--decisions", type=int, default=0,
                        help="reconcile decisions to add first (default 0)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qcahp-log-"))
    try:
        before, after, out = work / "before.db", work / "after.db", work / "out"
        out.mkdir()
        shutil.copy(args.study / "study.db", before)
        if args.decisions:  # written by the earlier code: its schema, both copies
            subprocess.run([sys.executable, str(Path(__file__).resolve()), "--add",
                            str(before), str(args.decisions)], check=True, cwd=out,
                           env={**os.environ, "PYTHONPATH": str(args.base.resolve())})
        shutil.copy(before, after)
        from qualcoder_ahp.model.store import open_store

        open_store(after).close()  # migrated here, once, before timing
        for suffix in (".bak-v5",):
            Path(str(after) + suffix).unlink(missing_ok=True)
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
        print("| command | before | now | before/now |")
        print("|---|---:|---:|---:|")
        for label, cmd in COMMANDS:
            old = run(args.base, before, cmd, out)
            new = run(REPO, after, cmd, out)
            print(f"| {label} | {_fmt(old)} | {_fmt(new)} | {old / new:.1f}× |", flush=True)
        for label, (old, new) in counts_on_accept(before, after).items():
            print(f"| {label} | {_fmt(old)} | {_fmt(new)} | {old / new:.1f}× |")
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--add":
        sys.path.insert(0, os.environ["PYTHONPATH"])
        sys.modules.pop("qualcoder_ahp", None)
        add_decisions(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
