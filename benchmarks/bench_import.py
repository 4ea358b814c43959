"""Benchmark: import speed in words per second, against a baseline from the same run.

For each real transcript in ../shared/transcripts-real (or the files given on the
command line) it times three things, best of ``--repeat`` runs:

* baseline — read the file's bytes, decode and ``str.split()`` them (the least any
  importer must do);
* parse — ``read_transcript`` (decode, normalise, turns, roles, sentences);
* import — ``import_paths`` into a fresh, already created on-disk project (parse +
  one transaction writing the transcript, its turns and sentences);

and, for the largest file, the whole ``qcahp import`` command in a new process (what
a researcher waits for), against starting Python and loading the CLI alone.

The machine is shared and noisy, so figures are printed as ratios to the baseline
measured in the same run as well as in words per second. Run from the repository
root: ``python benchmarks/bench_import.py``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qualcoder_ahp.importers import import_paths, read_transcript  # noqa: E402
from qualcoder_ahp.model.store import open_store, remove_database  # noqa: E402

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "transcripts-real"


def best_of(repeat: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def baseline(path: Path) -> int:
    data = path.read_bytes()
    return len(data.decode("utf-8", errors="replace").split())


def timed_import(db: Path, path: Path) -> float:
    """Seconds to import one file into a fresh project (created before the clock starts)."""
    remove_database(db)
    with open_store(db) as store:
        t0 = time.perf_counter()
        report = import_paths(store, [path])
        elapsed = time.perf_counter() - t0
        assert report.ok, report.failed
    return elapsed


def command_line(tmp: Path, path: Path, repeat: int) -> tuple[float, float]:
    """Wall seconds of ``qcahp import FILE`` and of ``qcahp --help`` (the baseline)."""
    repo = Path(__file__).resolve().parent.parent
    db = tmp / "cli.db"

    def run(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "qualcoder_ahp", "--db", str(db), *args],
                       cwd=repo, check=True, capture_output=True)

    def once() -> None:
        remove_database(db)
        run("import", str(path))

    return best_of(repeat, once), best_of(repeat, lambda: run("--help"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = args.files or sorted(p for p in REAL.glob("[0-9]*") if p.is_file())
    if not files:
        sys.exit(f"no transcripts found (looked in {REAL})")
    tmp = Path(tempfile.mkdtemp(prefix="qcahp-bench-"))
    header = (f"{'file':<44} {'words':>7} {'base ms':>8} {'parse ms':>9} {'import ms':>10} "
              f"{'import w/s':>11} {'import/base':>12}")
    print(header)
    print("-" * len(header))
    total_words = total_import = total_base = 0.0
    for path in files:
        parsed = read_transcript(path)
        words = len(parsed.text.split())
        t_base = best_of(args.repeat, lambda p=path: baseline(p))
        t_parse = best_of(args.repeat, lambda p=path: read_transcript(p))
        t_import = min(timed_import(tmp / f"bench{i}.db", path) for i in range(args.repeat))
        total_words += words
        total_import += t_import
        total_base += t_base
        print(f"{path.name[:44]:<44} {words:>7,} {t_base * 1e3:>8.1f} {t_parse * 1e3:>9.1f} "
              f"{t_import * 1e3:>10.1f} {words / t_import:>11,.0f} {t_import / t_base:>11.0f}x")
    print("-" * len(header))
    print(f"{'all files':<44} {int(total_words):>7,} {total_base * 1e3:>8.1f} {'':>9} "
          f"{total_import * 1e3:>10.1f} {total_words / total_import:>11,.0f} "
          f"{total_import / total_base:>11.0f}x")
    print("import/base: import time (parse + database write) over the time to read, decode "
          "and str.split() the same file, measured in this run.")
    biggest = max(files, key=lambda p: p.stat().st_size)
    t_cli, t_help = command_line(tmp, biggest, args.repeat)
    extra = (f"the import itself adds {t_cli - t_help:.2f} s" if t_cli > t_help
             else "the import itself is lost in the noise")
    print(f"\nqcahp import {biggest.name}: {t_cli:.2f} s wall in a new process; "
          f"qcahp --help: {t_help:.2f} s; {extra} ({t_cli / t_help:.1f}x the bare command).")


if __name__ == "__main__":
    main()
