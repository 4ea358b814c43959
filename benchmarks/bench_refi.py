"""Benchmark: REFI-QDA export and import, against a baseline from the same run.

Builds an in-memory project of 40 transcripts made from the real transcripts in
../shared/transcripts-real, read as ``qcahp import`` reads them (labels out of the
text, turns with speakers; each copy made unique by one more turn), 12 themes,
3 coders and about 50 codings per transcript, then times, best of ``--repeat`` runs:

* export — :func:`qualcoder_ahp.refi.export_project` to a ``.qdpx`` (speaker
  labels written into the text, offsets moved);
* import — :func:`qualcoder_ahp.refi.import_file` into a fresh on-disk project
  (labels taken out again, offsets moved back);
* re-import — the same file again (adds nothing);
* baseline — storing the same 40 texts directly (turns, sentences,
  ``add_transcript``) into a fresh on-disk project in one transaction.

The machine is shared and noisy, so the figures are printed as ratios to the
baseline as well as in seconds and words per second. Run from the repository root:
``python benchmarks/bench_refi.py``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qualcoder_ahp.importers.reader import SUPPORTED, read_transcript  # noqa: E402
from qualcoder_ahp.importers.sentences import split_sentences  # noqa: E402
from qualcoder_ahp.model.store import open_store  # noqa: E402
from qualcoder_ahp.records import Codebook, ParsedTranscript, Theme, Turn  # noqa: E402
from qualcoder_ahp.refi import export_project, import_file  # noqa: E402
from qualcoder_ahp.refi.text import segment  # noqa: E402

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "transcripts-real"


def build(copies: int = 40):
    """The source project (in memory) and its word count."""
    parsed = [read_transcript(p) for p in sorted(REAL.iterdir())
              if p.suffix.lower() in SUPPORTED and not p.name.upper().startswith("SOURCES")]
    store = open_store(None)
    themes = tuple(Theme(f"t{i}", f"Theme {i}") for i in range(12))
    store.save_codebook(Codebook("bench", themes))
    rng = random.Random(1)
    words = 0
    with store.write():
        coders = [store.ensure_coder(name) for name in ("ana", "bea", "cal")]
        for k in range(copies):
            info, _ = store.add_transcript(f"t{k:02d}", _copy(parsed[k % len(parsed)], k))
            words += info.words
            sentences = store.sentences(info.id)
            for sentence in rng.sample(sentences, min(50, len(sentences))):
                store._insert_coding(info.id, rng.choice(themes).id, rng.choice(coders),
                                     sentence.start, sentence.end, "manual", None)
        store.conn.execute("UPDATE codings SET active = 1")
    return store, words


def _copy(parsed: ParsedTranscript, k: int) -> ParsedTranscript:
    """The transcript with one more turn, so that each copy's text is unique."""
    extra = f"Copy {k}."
    start = len(parsed.text) + 2
    text = f"{parsed.text}\n\n{extra}"
    turns = [*parsed.turns, Turn("Benchmark", "other", start, start + len(extra))]
    return ParsedTranscript(text, turns, parsed.format, split_sentences(text, turns))


def best(fn, repeat: int) -> float:
    """The fastest of ``repeat`` timed calls of ``fn(i)``."""
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not REAL.is_dir():
        sys.exit(f"{REAL} is missing")
    source, words = build()
    codings = len(source.codings())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        qdpx = folder / "bench.qdpx"

        def baseline(i: int) -> None:
            store = open_store(folder / f"base{i}.db")
            with store.write():
                for info in source.transcripts():
                    store.add_transcript(info.name, segment(source.transcript_text(info.id)))
            store.close()

        def do_import(i: int) -> None:
            store = open_store(folder / f"imp{i}.db")
            import_file(store, qdpx)
            store.close()

        def do_reimport(i: int) -> None:
            store = open_store(folder / f"imp{i}.db")
            assert import_file(store, qdpx).nothing_added
            store.close()

        t_export = best(lambda i: export_project(source, qdpx), args.repeat)
        t_base = best(baseline, args.repeat)
        t_import = best(do_import, args.repeat)
        t_again = best(do_reimport, args.repeat)
        size = qdpx.stat().st_size / 1e6
    print(f"{len(source.transcripts())} transcripts, {words:,} words, {codings:,} codings; "
          f".qdpx {size:.1f} MB; best of {args.repeat}")
    print(f"baseline (store the texts directly): {t_base:.2f} s")
    for label, seconds in (("export", t_export), ("import", t_import),
                           ("re-import (adds nothing)", t_again)):
        print(f"{label:<26} {seconds:6.2f} s  {seconds / t_base:5.2f}x baseline  "
              f"{words / seconds:>10,.0f} words/s")


if __name__ == "__main__":
    main()
