"""Benchmark: ``qcahp words`` on a large corpus against spaCy's tokenizer alone.

Builds a temporary project of at least 500k words by repeating the shared real
transcripts (each copy made distinct by a header line, so nothing is deduplicated),
codes every tenth participant sentence with one theme, and measures in the same run:

1. the baseline: ``spacy.blank("en").tokenizer`` over every text (tokenising only);
2. the word frequencies (:func:`~qualcoder_ahp.reports.words.tally` and
   :func:`~qualcoder_ahp.reports.words.word_frequencies`) with nothing cached: texts read
   from SQLite, tokenised, lemmatised, split by role and counted;
3. the same once the doc cache holds every transcript (as after ``qcahp suggest``);
4. the key words of the theme (cached docs, the coded spans, G² for every word and the
   pattern check of the listed ones against the shipped codebook's patterns).

Figures are printed as seconds and as ratios to the baseline measured in the same run
(the machine is shared and noisy); each measurement is the fastest of ``--repeat``.
Run: ``python benchmarks/bench_words.py [--words 500000] [--repeat 2]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_suggest import REAL, read_any, shifted  # noqa: E402

from qualcoder_ahp.model.store import open_store  # noqa: E402
from qualcoder_ahp.reports.words import (  # noqa: E402
    PatternWords,
    cache_key,
    coded_spans,
    keyness,
    lemmatiser,
    tally,
    word_frequencies,
)


def best(repeat: int, job: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs of ``job``, with its last result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - began)
    return min(times), result


def main() -> None:
    """Build the corpus, run the measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sources = [read_any(p) for p in sorted(REAL.iterdir())
               if p.suffix in (".md", ".txt", ".srt", ".rst", ".vtt", ".docx")]
    if not sources:
        sys.exit(f"no transcripts in {REAL}")
    from qualcoder_ahp.suggest.codebook import load_codebook

    codebook = load_codebook(REPO / "codebooks" / "ahp-leadership.yaml")
    theme = "serendipity"
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        store.save_codebook(codebook)
        texts, words, n = [], 0, 0
        while words < args.words:
            parsed = shifted(sources[n % len(sources)], f"Copy {n}\n\n")
            info, _ = store.add_transcript(f"copy-{n:03d}", parsed)
            texts.append(parsed.text)
            words += len(parsed.text.split())
            n += 1
        for info in store.transcripts():
            roles = [t.role for t in store.turns(info.id)]
            for k, s in enumerate(store.sentences(info.id)):
                if k % 10 == 0 and roles[s.turn_index] == "participant":
                    store.code(info.id, theme, "bench", s.start, s.end)
        print(f"built {n} transcripts, {words:,} words")

        import spacy

        tokenizer = spacy.blank("en").tokenizer
        for text in texts[:3]:  # warm up
            tokenizer(text)
        base, _ = best(args.repeat, lambda: [tokenizer(t) for t in texts])
        print(f"baseline: spaCy tokenizer alone             {base:7.2f} s")

        def frequencies() -> Any:
            return word_frequencies(tally(store), top=30)

        cold, counted = best(1, lambda: tally(store))
        print(f"words, nothing cached (tokenise + count)    {cold:7.2f} s  "
              f"({cold / base:5.2f} x tokenizer; {counted.tokenised} tokenised)")
        from qualcoder_ahp.suggest.pipeline import pipeline_for

        pipeline = pipeline_for(None)
        with store.write():
            for info in store.transcripts():
                text = store.transcript_text(info.id)
                store.doc_cache_put(cache_key(text, pipeline.signature),
                                    pipeline.to_bytes(pipeline.tokenize(text)))
        warm, rows = best(args.repeat, frequencies)
        print(f"words, docs cached (as after suggest)       {warm:7.2f} s  "
              f"({warm / base:5.2f} x tokenizer; top word {rows[0].word!r})")

        def key_words() -> Any:
            subtree, spans = coded_spans(store, theme, "bench")
            counted = tally(store, coded=spans)
            patterns = PatternWords([p for p in store.patterns() if p.theme_id in subtree],
                                    lemmatiser(store))
            return keyness(counted, patterns, theme_id=theme, coder="bench",
                           passages=sum(map(len, spans.values())), top=30)

        keyed, report = best(args.repeat, key_words)
        print(f"key words of {theme}, docs cached         {keyed:7.2f} s  "
              f"({keyed / base:5.2f} x tokenizer; {len(report.rows)} key words)")
        store.close()


if __name__ == "__main__":
    main()
