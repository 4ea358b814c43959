"""Benchmark: agreement at character unit over 1,000,000 characters x 3 coders x 20 themes.

Builds a synthetic corpus in memory (25 transcripts of 40,000 characters; for
every theme and transcript coder A codes a few stretches, B and C move some
boundaries, drop some stretches and add their own), then times
:func:`qualcoder_ahp.agreement.compute.compute` - every coefficient for every
theme x transcript cell, the pooled views and u-alpha - and, for scale on this
noisy shared machine, a baseline measured in the same run: sorting the same
interval list once. It then stores the same corpus in a project database (codings
imported through ``Store.import_codings``) and times reading it back with
:func:`collect` plus computing, as ``qcahp agreement`` does.
Run: ``python benchmarks/bench_agreement.py``.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qualcoder_ahp.agreement.compute import Corpus, TranscriptData, collect, compute  # noqa: E402
from qualcoder_ahp.agreement.intervals import merge  # noqa: E402
from qualcoder_ahp.model.store import Store, open_store  # noqa: E402
from qualcoder_ahp.records import Codebook, ParsedTranscript, Theme, Turn  # noqa: E402

CHARS = 1_000_000
TRANSCRIPTS = 25
CODERS = ("A", "B", "C")
THEMES = 20


def build(seed: int = 7) -> tuple[Corpus, int]:
    """The synthetic corpus and its number of codings."""
    rng = random.Random(seed)
    length = CHARS // TRANSCRIPTS
    text = ("word " * (length // 5 + 1))[:length]
    transcripts = [TranscriptData(i, f"t{i:02d}", text) for i in range(TRANSCRIPTS)]
    themes = [(f"theme{k:02d}", f"Theme {k}") for k in range(THEMES)]
    spans: dict[tuple[int, str, str], list[tuple[int, int]]] = {}
    codings = 0
    for data in transcripts:
        for theme, _ in themes:
            base = []
            for _ in range(rng.randint(4, 14)):
                start = rng.randrange(0, length - 900)
                base.append((start, start + rng.randint(60, 800)))
            for coder in CODERS:
                mine = []
                for start, end in base:
                    if coder != "A" and rng.random() < 0.2:
                        continue  # this coder missed the stretch
                    if coder != "A":
                        start = max(0, start + rng.randint(-40, 40))
                        end = min(length, max(start + 1, end + rng.randint(-40, 40)))
                    mine.append((start, end))
                if coder != "A" and rng.random() < 0.5:
                    extra = rng.randrange(0, length - 500)
                    mine.append((extra, extra + rng.randint(40, 400)))
                codings += len(mine)
                spans[data.id, theme, coder] = merge(mine)
    raters = {d.id: CODERS for d in transcripts}
    return Corpus(CODERS, themes, transcripts, spans, raters), codings


def store_corpus(corpus: Corpus, folder: Path) -> Store:
    """The corpus as a project database: transcripts, themes, each coder's codings by CSV."""
    store = open_store(folder / "bench.db")
    store.save_codebook(Codebook("bench", tuple(Theme(t, name) for t, name in corpus.themes)))
    texts = {}
    for data in corpus.transcripts:
        # distinct content per transcript (transcripts are identified by content)
        text = data.text[:-6] + f"{data.id:06d}"
        store.add_transcript(data.name, ParsedTranscript(
            text, [Turn("P", "participant", 0, len(text))], "txt"))
        texts[data.id] = (data.name, text)
    for coder in corpus.coders:
        path = folder / f"{coder}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["transcript", "theme", "start", "end", "quote"])
            for (tid, theme, who), spans in corpus.spans.items():
                if who == coder:
                    name, text = texts[tid]
                    writer.writerows([name, theme, s, e, text[s:e]] for s, e in spans)
        store.import_codings(path, coder)
    return store


def best_of(runs: int, fn) -> float:
    """The fastest of ``runs`` timings of ``fn()``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Build the corpus, time the baseline and agreement, print the figures."""
    corpus, codings = build()
    intervals = [s for lst in corpus.spans.values() for s in lst]
    shuffled = random.Random(1).sample(intervals, len(intervals))
    baseline = best_of(5, lambda: sorted(shuffled))
    three = best_of(3, lambda: compute(corpus, "character"))
    pair = Corpus(CODERS[:2], corpus.themes, corpus.transcripts,
                  {k: v for k, v in corpus.spans.items() if k[2] in CODERS[:2]},
                  {d.id: CODERS[:2] for d in corpus.transcripts})
    two = best_of(3, lambda: compute(pair, "character"))
    report = compute(corpus, "character")
    with tempfile.TemporaryDirectory() as folder:
        store = store_corpus(corpus, Path(folder))
        try:
            from_db = best_of(3, lambda: compute(collect(store, CODERS), "character"))
        finally:
            store.close()
    print(f"corpus: {CHARS:,} characters in {TRANSCRIPTS} transcripts, {len(CODERS)} coders, "
          f"{THEMES} themes, {codings:,} codings ({len(intervals):,} merged intervals)")
    print(f"baseline  sort the {len(intervals):,} intervals once:      {baseline * 1000:8.1f} ms")
    print(f"agreement 3 coders, every view + u-alpha (character): {three * 1000:8.1f} ms "
          f"= {three / baseline:5.1f} x baseline")
    print(f"agreement 2 coders, every view + u-alpha (character): {two * 1000:8.1f} ms "
          f"= {two / baseline:5.1f} x baseline")
    print(f"from the database: read + agreement, 3 coders:         {from_db * 1000:8.1f} ms "
          f"= {from_db / baseline:5.1f} x baseline")
    print(f"overall alpha (3 coders): {report.overall.stats['krippendorff_alpha']:.3f}; "
          f"budget 1 s: {'met' if max(three, from_db) < 1.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
