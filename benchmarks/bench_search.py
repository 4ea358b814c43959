"""Benchmark: ``search`` across a 4-million-word project, against a plain regex scan.

Builds a synthetic project through the store's public API (800 transcripts of about
5,000 words each: alternating interviewer and participant turns, sentences stored),
with "covid" and "pandemic" sprinkled rarely and "board" often, then times
:func:`qualcoder_ahp.reports.search.search` end to end (texts read from SQLite, every
hit placed in its turn and sentence, with its context), each against a baseline
measured in the same run: reading every text with one ``SELECT`` and running the same
compiled pattern's ``finditer`` over it, keeping the match objects. Run from the
repository root::

    python benchmarks/bench_search.py [--transcripts 800] [--words 5000]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qualcoder_ahp.model.store import open_store  # noqa: E402
from qualcoder_ahp.records import ParsedTranscript, Sentence, Turn  # noqa: E402
from qualcoder_ahp.reports.search import SearchQuery, search  # noqa: E402

WORDS = ("career trust leadership physiotherapy therapist patient service role team change "
         "chance route manager director clinical health system ward colleague the and of "
         "to a in that it was I we they my our".split())


def synthetic(rng: random.Random, words: int) -> ParsedTranscript:
    """About ``words`` words: alternating interviewer/participant turns of 1-8 sentences."""
    parts: list[str] = []
    turns: list[Turn] = []
    sentences: list[Sentence] = []
    pos = count = i = 0
    while count < words:
        role = "interviewer" if i % 2 == 0 else "participant"
        start = pos
        body: list[str] = []
        for _ in range(1 if role == "interviewer" else rng.randint(3, 8)):
            n = rng.randint(8, 25)
            picked = []
            for _ in range(n):
                r = rng.random()
                picked.append("covid" if r < 0.0002 else "pandemic" if r < 0.0003
                              else "board" if r < 0.01 else rng.choice(WORDS))
            sentence = " ".join(picked).capitalize() + "."
            s = start + sum(len(b) + 1 for b in body)
            sentences.append(Sentence(s, s + len(sentence), i))
            body.append(sentence)
            count += n
        text = " ".join(body)
        parts.append(text)
        pos += len(text)
        turns.append(Turn("Interviewer" if role == "interviewer" else "P", role, start, pos))
        parts.append("\n\n")
        pos += 2
        i += 1
    return ParsedTranscript("".join(parts).rstrip("\n"), turns, "txt", sentences)


def build(path: Path, transcripts: int, words: int) -> int:
    """Write the project; returns its word count."""
    rng = random.Random(7)
    total = 0
    with open_store(path) as store, store.write():
        for n in range(transcripts):
            parsed = synthetic(rng, words)
            store.add_transcript(f"interview-{n:03d}", parsed)
            total += len(parsed.text.split())
    return total


def best(func: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """The fastest of ``repeat`` runs (seconds) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transcripts", type=int, default=800)
    parser.add_argument("--words", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        words = build(db, args.transcripts, args.words)
        print(f"project: {args.transcripts} transcripts, {words:,} words "
              f"(built in {time.perf_counter() - t0:.1f} s)")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
              "best of 3 runs each")
        cases = [
            ("covid (plain)", SearchQuery(("covid",))),
            ("covid|pandemic, regex, whole words, participant",
             SearchQuery(("covid|pandemic",), regex=True, word=True, role="participant")),
            ("board (plain, a common word)", SearchQuery(("board",))),
        ]
        with open_store(db) as store:
            for label, query in cases:
                pattern = query.compile()

                def baseline(pattern=pattern) -> int:  # type: ignore[no-untyped-def]
                    conn = sqlite3.connect(db)
                    try:
                        return sum(len(list(pattern.finditer(text)))
                                   for (text,) in conn.execute("SELECT text FROM transcripts"))
                    finally:
                        conn.close()

                base, matches = best(baseline)
                ours, result = best(lambda query=query: search(store, query))
                hits = len(result.hits)  # type: ignore[attr-defined]
                print(f"{label}: {hits:,} hits ({matches:,} matches before the role filter)")
                print(f"    search {ours * 1000:7.0f} ms   baseline (SELECT + finditer) "
                      f"{base * 1000:6.0f} ms   -> {ours / base:.2f}x the baseline")


if __name__ == "__main__":
    main()
