"""Scale benchmark: a 200-transcript, 4M-word study through the whole pipeline.

Generates a synthetic study by recombining the sentences of the fictional sample
transcripts in ``transcripts/`` (interviewer questions and participant answers kept
apart, so the text reads like a career interview and the codebook's patterns fire
at a realistic rate), then runs each stage in its own subprocess and reports its
wall time and peak memory (``ru_maxrss`` of the stage's process, and of its worker
processes for suggest), as ratios against a baseline stage measured in the same run:
reading and word-splitting the raw text. The machine is shared and noisy; the
ratios travel better than the seconds.

Stages: baseline, import, codebook, suggest, decide (per-decision latency through
the Store), codings (three coders' codings imported, for agreement), workbench
(Textual Pilot: time to show the transcripts screen, open the largest transcript
and step to the next suggestion), counts, quotes, agreement (3 coders), refi
(.qdpx export), reconcile (the reconcile screen's computation at a poll: every
transcript again, as it was, against only the one whose codings changed). A stage
whose code has not landed prints "not available".

Usage::

    python benchmarks/bench_scale.py                   # 200 transcripts x 20,000 words
    python benchmarks/bench_scale.py --transcripts 20 --words 5000   # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CODERS = ["ana", "ben", "cat"]
"""The coders whose codings are imported (``--coders N`` takes the first N of ALL_CODERS)."""
ALL_CODERS = ("ana", "ben", "cat", "dan", "eve", "fay")
STAGES = ("baseline", "import", "codebook", "suggest", "decide", "codings", "workbench",
          "counts", "quotes", "agreement", "refi", "reconcile")
# What a study's machine time is made of; "codings" stands in for the coders' own work
# (three coders' codings imported), "decide" and "workbench" measure latency.
PIPELINE = ("import", "codebook", "suggest", "counts", "quotes", "agreement", "refi")
NAMES = ("Alex", "Sam", "Jo", "Chris", "Priya", "Helen", "Marcus", "Grace", "Tom", "Aisha")


# ---------------------------------------------------------------- study generation
def _pools() -> tuple[list[str], list[str]]:
    """Interviewer and participant sentences from the fictional samples."""
    from qualcoder_ahp.importers import read_transcript

    questions: list[str] = []
    answers: list[str] = []
    for path in sorted((REPO / "transcripts").iterdir()):
        if path.suffix not in (".txt", ".md", ".vtt", ".docx") or path.stem == "README":
            continue
        parsed = read_transcript(path)
        for sentence in parsed.sentences:
            role = parsed.turns[sentence.turn_index].role
            piece = parsed.text[sentence.start:sentence.end].replace("\n", " ").strip()
            if len(piece.split()) < 3:
                continue
            (questions if role == "interviewer" else answers).append(piece)
    if not answers:
        raise SystemExit("no sample transcripts found in transcripts/")
    return questions or ["Could you tell me more about that?"], answers


def generate(folder: Path, transcripts: int, words: int, seed: int = 7) -> int:
    """Write ``transcripts`` .txt interviews of about ``words`` words each; return words."""
    questions, answers = _pools()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for n in range(transcripts):
        name = NAMES[n % len(NAMES)]
        lines = ["Interviewer: Thank you for agreeing to talk about your career."]
        count = 0
        while count < words:
            question = rng.choice(questions)
            answer = " ".join(rng.choice(answers) for _ in range(rng.randint(3, 9)))
            lines.append(f"Interviewer: {question}")
            lines.append(f"{name}: {answer}")
            count += len(question.split()) + len(answer.split())
        (folder / f"study_{n:03d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        total += count
    return total


# ---------------------------------------------------------------- stages (child side)
def _cli(*args: str) -> None:
    from qualcoder_ahp.cli import cli

    try:
        cli.main(list(args), prog_name="qcahp", standalone_mode=False)
    except SystemExit as exc:  # the CLI exits 1 on a user error
        if exc.code:
            raise


def stage_baseline(work: Path, db: str) -> dict[str, object]:
    import unicodedata

    words = 0
    for path in sorted((work / "study").glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8"))
        words += len(text.split())
    return {"words": words}


def stage_import(work: Path, db: str) -> dict[str, object]:
    _cli("--db", db, "import", str(work / "study"))
    return {}


def stage_codebook(work: Path, db: str) -> dict[str, object]:
    _cli("--db", db, "codebook", "load", str(REPO / "codebooks" / "ahp-leadership.yaml"))
    return {}


def stage_suggest(work: Path, db: str) -> dict[str, object]:
    _cli("--db", db, "suggest")
    from qualcoder_ahp.model.store import open_store

    with open_store(db) as store:
        return {"suggestions": store.conn.execute("SELECT COUNT(*) FROM suggestions").fetchone()[0]}


def stage_decide(work: Path, db: str) -> dict[str, object]:
    """Per-decision latency through the Store (each one a committed transaction)."""
    from qualcoder_ahp.model.store import open_store

    with open_store(db) as store:
        sample = store.suggestions()[:300]
        latencies = []
        for i, sug in enumerate(sample):
            began = time.perf_counter()
            if i % 3:
                store.accept(sug.id, "decider")
            else:
                store.reject(sug.id, "decider")
            latencies.append(time.perf_counter() - began)
        began = time.perf_counter()
        for _ in range(50):
            store.undo("decider")
        undo = (time.perf_counter() - began) / 50
    latencies.sort()
    return {"decisions": len(latencies),
            "median_ms": round(1000 * latencies[len(latencies) // 2], 2),
            "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 2),
            "undo_ms": round(1000 * undo, 2)}


def stage_codings(work: Path, db: str) -> dict[str, object]:
    """Three coders who agree on most suggestions: ~60% accepted each, seeded."""
    from qualcoder_ahp.model.store import open_store

    with open_store(db) as store:
        names = {t.id: t.name for t in store.transcripts()}
        texts: dict[int, str] = {}
        rows = [(s.transcript_id, s.theme_id, s.start, s.end) for s in store.suggestions()]
        files = []
        for k, coder in enumerate(CODERS):
            rng = random.Random(k)
            path = work / f"codings-{coder}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                out = csv.writer(handle)
                out.writerow(["transcript", "theme", "start", "end", "quote"])
                for i, (tid, theme, start, end) in enumerate(rows):
                    shared = (i % 5) < 3  # 60% that every coder takes ...
                    if shared or rng.random() < 0.15:  # ... plus each coder's own picks
                        text = texts.setdefault(tid, store.transcript_text(tid))
                        out.writerow([names[tid], theme, start, end, text[start:end]])
            files.append(path)
    for coder, path in zip(CODERS, files, strict=True):
        _cli("--db", db, "codings", "import", str(path), "--coder", coder)
    with open_store(db) as store:
        return {"codings": store.conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0]}


def stage_workbench(work: Path, db: str) -> dict[str, object]:
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.coding import CodingScreen
    from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

    with open_store(db) as store:
        largest = max(store.transcripts(), key=lambda t: t.words)

    async def run() -> dict[str, object]:
        began = time.perf_counter()
        app = make_app(db, coder="ana")
        async with app.run_test(size=(120, 40)) as pilot:
            while not isinstance(app.screen, TranscriptsScreen):
                await pilot.pause()
            shown = time.perf_counter() - began
            began = time.perf_counter()
            app.screen.open_transcript(largest.id)
            while not isinstance(app.screen, CodingScreen):
                await pilot.pause()
            await pilot.pause()
            opened = time.perf_counter() - began
            began = time.perf_counter()
            await pilot.press("n")
            await pilot.pause()
            step = time.perf_counter() - began
        return {"transcripts_screen_s": round(shown, 3), "open_largest_s": round(opened, 3),
                "next_suggestion_s": round(step, 3), "largest_words": largest.words}

    return asyncio.run(run())


def stage_counts(work: Path, db: str) -> dict[str, object]:
    _cli("--db", db, "counts", "--format", "csv", "-o", str(work / "counts.csv"))
    return {}


def stage_quotes(work: Path, db: str) -> dict[str, object]:
    _cli("--db", db, "quotes", "--format", "csv", "-o", str(work / "quotes.csv"))
    return {"bytes": (work / "quotes.csv").stat().st_size}


def stage_agreement(work: Path, db: str) -> dict[str, object]:
    _cli("--db", db, "agreement", "--coders", ",".join(CODERS), "--format", "csv",
         "-o", str(work / "agreement.csv"))
    return {}


def reconcile_poll(db: Path, scratch: Path, coders: list[str], rounds: int = 5
                   ) -> tuple[object, list[float], list[float]]:
    """The reconcile screen's computation at a poll after another coder's coding, on a
    scratch copy of ``db``: the full computation (three times) and the incremental one
    after each of ``rounds`` codings in a different transcript, in seconds. Returns the
    full result too (its disagreements and agreed stretches)."""
    from qualcoder_ahp.agreement.compute import collect
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.tui.reconcile_walk import FollowedItems, full_items

    shutil.copy(db, scratch)
    try:
        with open_store(scratch) as store:
            full = []
            for _ in range(3):
                began = time.perf_counter()
                found = full_items(collect(store, coders))
                full.append(time.perf_counter() - began)
            followed = FollowedItems(list(coders))
            followed.refresh(store)
            tids = [t.id for t in store.transcripts()]
            incremental = []
            for k in range(rounds):
                s = store.sentences(tids[k])[3]
                store.code(tids[k], "visibility", coders[k % len(coders)], s.start, s.end)
                began = time.perf_counter()
                followed.refresh(store)
                incremental.append(time.perf_counter() - began)
                assert followed.recomputed == {tids[k]}
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(scratch) + suffix).unlink(missing_ok=True)
    return found, full, incremental


def stage_reconcile(work: Path, db: str) -> dict[str, object]:
    """The reconcile screen's computation at a poll after another coder's coding: all
    of it again (as it was) against only the transcript changed, as a ratio."""
    found: Any
    found, full, rounds = reconcile_poll(Path(db), work / "reconcile.db", CODERS)
    return {"disagreements": len(found.items), "agreed": len(found.agreed),
            "full_s": round(min(full), 3), "incremental_ms": round(1000 * min(rounds), 1),
            "ratio": round(min(full) / min(rounds))}


def stage_refi(work: Path, db: str) -> dict[str, object]:
    _cli("--db", db, "refi", "export", str(work / "study.qdpx"))
    return {"bytes": (work / "study.qdpx").stat().st_size}


def _available(stage: str) -> bool:
    import importlib.util

    needs = {"import": "qualcoder_ahp.importers", "codebook": "qualcoder_ahp.suggest",
             "suggest": "qualcoder_ahp.suggest", "workbench": "qualcoder_ahp.tui.app",
             "counts": "qualcoder_ahp.reports", "quotes": "qualcoder_ahp.reports",
             "agreement": "qualcoder_ahp.agreement", "refi": "qualcoder_ahp.refi",
             "reconcile": "qualcoder_ahp.tui.reconcile_walk"}
    return stage not in needs or importlib.util.find_spec(needs[stage]) is not None


def child(stage: str, work: Path, db: str) -> None:
    """Run one stage and print its figures as one JSON line."""
    began = time.perf_counter()
    detail = globals()[f"stage_{stage}"](work, db)
    seconds = time.perf_counter() - began
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"stage": stage, "seconds": seconds, "rss_mb": own,
                      "workers_rss_mb": workers, "detail": detail}))


# ---------------------------------------------------------------- driver
def run_stage(stage: str, work: Path, db: str) -> dict[str, object] | None:
    if not _available(stage):
        return None
    proc = subprocess.run(
        [sys.executable, __file__, "--child", stage, "--work", str(work), "--db", db,
         "--coders", str(len(CODERS))],
        capture_output=True, text=True, cwd=work)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"stage": stage, "error": " / ".join(tail)}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--words", type=int, default=20_000, help="words per transcript")
    parser.add_argument("--coders", type=int, default=3, choices=range(2, 7),
                        help="coders whose codings are imported (default 3)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--only", help="comma-separated stages to run again on a study kept "
                        "with --keep (for example: --only suggest,refi)")
    parser.add_argument("--child", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    CODERS[:] = ALL_CODERS[:args.coders]
    if args.child:
        child(args.child, args.work, args.db)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="qcahp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = str(work / "study.db")
    stages = STAGES
    if args.only:
        stages = ("baseline", *(s for s in args.only.split(",") if s != "baseline"))
        if not Path(db).exists():
            raise SystemExit("--only needs a study kept with --keep DIR")
        print(f"re-running {', '.join(stages)} in {work}; load average "
              f"{os.getloadavg()[0]:.1f}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
        began = time.perf_counter()
        words = generate(work / "study", args.transcripts, args.words)
        print(f"generated {args.transcripts} transcripts, {words:,} words in "
              f"{time.perf_counter() - began:.1f} s; {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.1f}; work in {work}")
    results: dict[str, dict[str, object] | None] = dict.fromkeys(STAGES)
    for stage in stages:
        results[stage] = run_stage(stage, work, db)
        report = results[stage]
        note = "not available" if report is None else report.get("error") or json.dumps(
            report["detail"])
        secs = "" if not report or "seconds" not in report else f"{report['seconds']:.1f} s"
        print(f"  {stage:<10} {secs:>9}  {note}", flush=True)
    base = results["baseline"]
    print()
    print("| stage | wall time | × baseline | peak memory (MB) | workers' peak (MB) |")
    print("|---|---:|---:|---:|---:|")
    for stage, report in results.items():
        if stage not in stages:
            continue
        if report is None or "seconds" not in report:
            print(f"| {stage} | not available | | | |")
            continue
        ratio = report["seconds"] / base["seconds"] if base and base.get("seconds") else 0
        workers = f"{report['workers_rss_mb']:.0f}" if report["workers_rss_mb"] else ""
        print(f"| {stage} | {report['seconds']:.1f} s | {ratio:.0f}× | {report['rss_mb']:.0f} |"
              f" {workers} |")
    done = [results[s] for s in PIPELINE if results[s] and "seconds" in results[s]]
    total = sum(r["seconds"] for r in done)
    peak = max((max(r["rss_mb"], r["workers_rss_mb"]) for r in done), default=0)
    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"pipeline ({', '.join(s for s in PIPELINE if results[s] and 'seconds' in results[s])}):"
          f" {total:.0f} s (goal < 300 s), peak memory {peak:.0f} MB (goal < 2048 MB)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
