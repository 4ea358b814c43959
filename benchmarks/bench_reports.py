"""Benchmark: counts and quotes exports for 200 transcripts and 20,000 codings.

Builds a synthetic project through the store's public API (transcripts with turns
and sentences, a two-level codebook, four coders with participant attributes,
20,000 codings made with ``store.code`` inside one transaction), then times the
``qcahp counts`` and ``qcahp quotes`` exports end to end (CLI in-process, database
on disk), each against a baseline measured in the same run: a plain ``SELECT`` of
every coding row into a Python list; and a coding query (``quotes --theme t0 --with
t2 --near UNIT``) against the plain quotes of that theme. Run from the repository root::

    python benchmarks/bench_reports.py [--transcripts 200] [--codings 20000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from click.testing import CliRunner  # noqa: E402

from qualcoder_ahp.cli import cli  # noqa: E402
from qualcoder_ahp.model.store import open_store  # noqa: E402
from qualcoder_ahp.reports import UNITS  # noqa: E402
from qualcoder_ahp.records import Codebook, ParsedTranscript, Sentence, Theme, Turn  # noqa: E402

WORDS = ("career board trust leadership physiotherapy therapist patient service role team "
         "change chance route manager director clinical health system ward colleague").split()
PROFESSIONS = ("physiotherapist", "speech and language therapist", "occupational therapist",
               "radiographer", "paramedic", "dietitian")


def synthetic_transcript(rng: random.Random, turns: int = 60) -> ParsedTranscript:
    """About 5,000 words: alternating interviewer/participant turns of 3-8 sentences."""
    parts: list[str] = []
    out_turns: list[Turn] = []
    sentences: list[Sentence] = []
    pos = 0
    for i in range(turns):
        speaker, role = ("Interviewer", "interviewer") if i % 2 == 0 else ("P", "participant")
        start = pos
        body_parts = []
        for _ in range(rng.randint(3, 8) if role == "participant" else 1):
            n = rng.randint(8, 25)
            sentence = " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."
            s = start + sum(len(b) + 1 for b in body_parts)
            sentences.append(Sentence(s, s + len(sentence), i))
            body_parts.append(sentence)
        body = " ".join(body_parts)
        parts.append(body)
        pos += len(body)
        out_turns.append(Turn(speaker, role, start, pos))
        parts.append("\n\n")
        pos += 2
    text = "".join(parts).rstrip("\n")
    return ParsedTranscript(text, out_turns, "txt", sentences)


def build(path: Path, n_transcripts: int, n_codings: int) -> None:
    rng = random.Random(7)
    store = open_store(path)
    themes = []
    for p in range(5):
        themes.append(Theme(f"t{p}", f"Theme {p} with a longish name", position=p * 10,
                            codable=p % 2 == 0))
        themes += [Theme(f"t{p}.{c}", f"Child {c} of theme {p}", parent_id=f"t{p}",
                         position=p * 10 + c + 1) for c in range(4)]
    store.save_codebook(Codebook("bench", tuple(themes)))
    codable = [t.id for t in themes if t.codable]
    with store.write():
        ids = []
        for i in range(n_transcripts):
            code = f"P{i:03d}"
            info, _ = store.add_transcript(f"interview-{i:03d}", synthetic_transcript(rng),
                                           participant=code)
            store.set_participant_attributes(code, {
                "profession": rng.choice(PROFESSIONS), "band": rng.choice(["8a", "8b", "8c", "9"])})
            ids.append((info.id, len(store.transcript_text(info.id))))
        coders = ["ana", "ben", "cy", "consensus"]
        for k in range(n_codings):
            tid, length = ids[k % len(ids)]
            start = rng.randrange(0, length - 400)
            store.code(tid, rng.choice(codable), coders[k % 4], start,
                       start + rng.randint(40, 380))
    store.close()


def timed(label: str, func, baseline: float | None = None, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    ratio = f"  ({best / baseline:6.1f} x baseline)" if baseline else ""
    print(f"{label:<44} {best:7.3f} s{ratio}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--codings", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build(db, args.transcripts, args.codings)
        print(f"built {args.transcripts} transcripts, {args.codings} codings "
              f"in {time.perf_counter() - t0:.1f} s")
        runner = CliRunner()

        def cmd(*argv: str) -> None:
            result = runner.invoke(cli, ["--db", str(db), *argv])
            assert result.exit_code == 0, result.output

        def select_all() -> None:
            conn = sqlite3.connect(db)
            rows = conn.execute("SELECT * FROM codings").fetchall()
            assert len(rows) == args.codings
            conn.close()

        base = timed("baseline: SELECT every coding into a list", select_all, repeat=5)
        out = Path(tmp)
        results = {
            "counts --format csv": timed("counts (theme view) -> csv",
                                         lambda: cmd("counts", "-o", str(out / "c.csv")), base),
            "counts --by attribute": timed(
                "counts --by attribute:profession -> csv",
                lambda: cmd("counts", "--by", "attribute:profession", "-o", str(out / "m.csv")),
                base),
            "counts xlsx": timed("counts -> xlsx (every view, 11 sheets)",
                                 lambda: cmd("counts", "-o", str(out / "c.xlsx")), base),
            "quotes csv": timed("quotes -> csv (20,000 rows)",
                                lambda: cmd("quotes", "-o", str(out / "q.csv")), base),
            "quotes xlsx": timed("quotes -> xlsx (20,000 rows)",
                                 lambda: cmd("quotes", "-o", str(out / "q.xlsx")), base),
        }
        # A coding query against the plain quotes of the same theme (docs/reports.md,
        # "Coding queries"): one theme's spans merged per transcript, not pairs of codings.
        plain = timed("quotes --theme t0 -> csv",
                      lambda: cmd("quotes", "--theme", "t0", "-o", str(out / "t.csv")), base)
        for near in UNITS:
            results[f"query {near}"] = timed(
                f"  --with t2 --near {near}", lambda: cmd(
                    "quotes", "--theme", "t0", "--with", "t2", "--near", near,
                    "-o", str(out / "w.csv")), base)
            print(f"{'':<44} {results[f'query {near}'] / plain:7.2f} x plain")
        print(f"slowest export: {max(results.values()):.2f} s")
        compare_openpyxl(db)


def compare_openpyxl(db: Path) -> None:
    """Why XLSX is written by our own streaming writer: the same quotes sheet both ways."""
    import io

    from openpyxl import Workbook

    from qualcoder_ahp.reports import ReportData, quotes
    from qualcoder_ahp.reports.exports import quotes_sheet
    from qualcoder_ahp.reports.writers import to_xlsx

    store = open_store(db)
    data = ReportData(store)
    sheet = quotes_sheet(quotes(data), data.attribute_names())
    store.close()

    def ours() -> None:
        to_xlsx([sheet])

    def openpyxl_write_only() -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet.name)
        ws.append(sheet.columns)
        for row in sheet.rows:
            ws.append(row)
        wb.save(io.BytesIO())

    cells = len(sheet.rows) * len(sheet.columns)
    print(f"quotes sheet only ({cells:,} cells):")
    base = timed("  qualcoder_ahp.reports.xlsx writer", ours, repeat=2)
    other = timed("  openpyxl write-only (no styles)", openpyxl_write_only, repeat=1)
    print(f"  openpyxl / ours: {other / base:.1f} x")


if __name__ == "__main__":
    main()
