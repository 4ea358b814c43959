"""How well a codebook's suggestions match careful human coding, on every labelled set.

For each set in ``tests/data/gold`` (listed with its role in ``tests/gold_sets.py``) prints the
micro-averaged precision, recall and F1 of the codebook's sentence-level suggestions, the share of
sentences labelled with no theme that got a suggestion all the same ("no-theme fired"), the same
for a plain keyword search (the baseline), and optionally for a second codebook (``--compare``,
for example the codebook before an edit: ``git show HEAD~5:codebooks/ahp-leadership.yaml``).
``--themes`` adds per-theme recall for the blind and check sets. It is the same scoring as
``qcahp evaluate --gold FILE``, for all sets at once. Run from the repository root:

    python benchmarks/eval_codebook.py [--codebook FILE] [--compare FILE] [--markdown] [--themes]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcoder_ahp.suggest.codebook import check_codebook  # noqa: E402
from qualcoder_ahp.suggest.evaluate import evaluate_gold, read_gold  # noqa: E402
from tests.gold_sets import (  # noqa: E402
    GOLD, SECOND_READER, SECOND_READER_SETS, SETS, keyword_baseline, micro_agreement)


def load(path: str):  # type: ignore[no-untyped-def]
    result = check_codebook(path)
    if not result.ok:
        sys.exit(f"{path}: " + "; ".join(map(str, result.errors[:3])))
    return result.codebook


def fmt(p: float | None, r: float | None, f: float | None) -> list[str]:
    return ["" if x is None else f"{x:.3f}" for x in (p, r, f)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--codebook", default=str(ROOT / "codebooks" / "ahp-leadership.yaml"))
    ap.add_argument("--compare", help="a second codebook to score alongside")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--themes", action="store_true", help="per-theme recall on check/blind sets")
    args = ap.parse_args()
    codebook = load(args.codebook)
    other = load(args.compare) if args.compare else None
    head = ["set", "role", "sentences (no theme)", "precision", "recall", "F1",
            "no-theme fired"]
    if other is not None:
        head += ["compare P", "compare R", "compare F1"]
    head += ["keyword P", "keyword R", "keyword F1"]
    rows = []
    started = time.perf_counter()
    per_theme = []
    for gold in SETS:
        labelled = read_gold(gold.path)
        empty = sum(1 for _, _, themes in labelled if not themes)
        ev = evaluate_gold(codebook, labelled)
        row = [gold.file.removesuffix(".jsonl"), gold.role, f"{len(labelled)} ({empty})",
               *fmt(ev.micro.precision, ev.micro.recall, ev.micro.f1),
               f"{ev.theme_free_suggested / ev.theme_free:.0%}" if ev.theme_free else ""]
        if other is not None:
            o = evaluate_gold(other, labelled).micro
            row += fmt(o.precision, o.recall, o.f1)
        row += fmt(*keyword_baseline(gold.path))
        rows.append(row)
        if gold.role in ("check", "blind"):
            per_theme.append((gold.file, ev))
    elapsed = time.perf_counter() - started
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
        for row in [head, *rows]:
            print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
    if args.themes:
        print()
        for name, ev in per_theme:
            recalls = ", ".join(f"{s.theme} {s.tp}/{s.tp + s.fn}" for s in ev.per_theme
                                if s.tp + s.fn)
            print(f"{name}: {recalls}")
    second_reader(codebook)
    sentences = sum(len(read_gold(g.path)) for g in SETS)
    print(f"\n{sentences} sentences scored in {elapsed:.1f} s", file=sys.stderr)


def second_reader(codebook) -> None:  # type: ignore[no-untyped-def]
    """How far two independent readers agree, and the codebook against the second reader."""
    print("\nSecond reader (independent relabelling; the first labels are the sets' own):")
    head = ["set", "2nd reader vs 1st: P", "R", "F1", "codebook vs 2nd reader: P", "R", "F1"]
    rows = []
    pooled: dict[str, list[list[set[str]]]] = {}
    for name in SECOND_READER_SETS:
        first = read_gold(GOLD / name)
        second = read_gold(SECOND_READER / name)
        a = [themes for _, _, themes in first]
        b = [themes for _, _, themes in second]
        ev = evaluate_gold(codebook, second)
        c = [set(item) for item in _predicted(codebook, [text for _, text, _ in first])]
        rows.append([name.removesuffix(".jsonl"), *fmt(*micro_agreement(a, b)),
                     *fmt(ev.micro.precision, ev.micro.recall, ev.micro.f1)])
        group = "density" if "density" in name else ("real" if "real" in name else "older")
        for store, values in zip(pooled.setdefault(group, [[], [], []]), (a, b, c),
                                 strict=True):
            store.extend(values)
    for group, (a, b, c) in pooled.items():
        rows.append([f"pooled {group}", *fmt(*micro_agreement(a, b)),
                     *fmt(*micro_agreement(b, c))])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    for row in [head, *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def _predicted(codebook, sentences: list[str]  # type: ignore[no-untyped-def]
               ) -> list[dict[str, tuple[str, ...]]]:
    from qualcoder_ahp.suggest.runner import suggest_sentence_patterns
    return suggest_sentence_patterns(codebook, sentences)


if __name__ == "__main__":
    main()
