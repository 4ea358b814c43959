"""The agreement and disagreements tables at a terminal's width, in a pipe and in files.

On two bundled transcripts coded by ana and ben, who disagree on some suggestions.
``COLUMNS`` stands for the terminal (click's runner is no terminal).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from rich.cells import cell_len

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.helpers.project import ana_and_ben_disagree, bundled_two


def run(db: Path, *args: str, columns: int | None = None) -> str:
    env = {"COLUMNS": str(columns) if columns else None}
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def two_coders(tmp_path_factory) -> Path:
    db = bundled_two(tmp_path_factory.mktemp("two") / "project.db", run)
    return ana_and_ben_disagree(db)


BY = ("agreement", "--coders", "ana,ben", "--unit", "sentence", "--by", "transcript",
      "--theme", "serendipity")


def test_no_note_for_an_undefined_cell_left_out_to_fit(two_coders):
    """At 80 columns u_alpha (undef[1] in every row: character unit only) was left out,
    but "[1] undefined: character unit only" stayed, pointing to no cell."""
    whole = run(two_coders, *BY)
    assert "undef[1]" in whole and "[1] undefined: character unit only" in whole
    fitted = run(two_coders, *BY, columns=80)
    assert "u_alpha" not in fitted.splitlines()[1].split()
    assert "undef[" not in fitted and "undefined:" not in fitted
    assert "u_alpha" in " ".join(fitted.split())  # named as left out
    wide = run(two_coders, *BY, columns=200)
    assert "undef[1]" in wide and "[1] undefined: character unit only" in wide


DIS = ("disagreements", "--coders", "ana,ben")


def texts(db: Path) -> list[str]:
    return [r["text"] for r in json.loads(run(db, *DIS, "--format", "json"))]


def test_disagreements_keep_the_whole_text_in_a_pipe_and_a_file(two_coders, tmp_path):
    """Each span's text was cut to 60 characters with "..." in a pipe and in -o d.txt."""
    full = texts(two_coders)
    long = [t for t in full if len(t) > 60]
    assert long
    piped = run(two_coders, *DIS)
    assert all(" ".join(t.split()) in piped for t in long)
    assert not any(line.endswith("...") and not any(line.endswith(t) for t in full)
                   for line in piped.splitlines())
    run(two_coders, *DIS, "-o", str(tmp_path / "d.txt"))
    written = (tmp_path / "d.txt").read_text(encoding="utf-8")
    assert all(" ".join(t.split()) in written for t in long)
    assert "\u2026" not in written


def test_disagreements_fit_a_wide_terminal_with_an_ellipsis(two_coders):
    """At 200 columns the text was cut to 60 characters (less than 80 columns showed)."""
    full = texts(two_coders)
    for columns in (80, 120, 200):
        fitted = run(two_coders, *DIS, columns=columns)
        lines = fitted.splitlines()
        assert max(map(cell_len, lines)) <= columns
        assert not any(line.endswith("...") for line in lines)
    wide = run(two_coders, *DIS, columns=200).splitlines()
    assert wide[0].split()[-1] == "text"  # in its row, not under it, at 200
    room = 200 - wide[1].rfind(" ") - 1  # the text column's width
    assert room > 60
    shown = [line for line in wide if "\u2026" in line]
    assert shown and all(line.endswith("\u2026") and cell_len(line) > 180 for line in shown)
    assert any(t in line for t in full if 60 < len(t) <= room for line in wide)


def test_disagreements_csv_json_xlsx_md_keep_the_whole_text(two_coders, tmp_path):
    full = texts(two_coders)
    assert any(len(t) > 120 for t in full)
    rows = list(csv.DictReader(io.StringIO(run(two_coders, *DIS, "--format", "csv"))))
    assert [r["text"] for r in rows] == full
    run(two_coders, *DIS, "-o", str(tmp_path / "d.xlsx"))
    sheet = load_workbook(tmp_path / "d.xlsx")["disagreements"]
    cells = {c.value for row in sheet.iter_rows() for c in row}
    assert set(full) <= cells
    md = run(two_coders, *DIS, "--format", "md")
    assert all(t.replace("|", "\\|") in md for t in full if "*" not in t and "_" not in t)


def test_a_mean_label_cut_to_fit_goes_whole_under_the_table(two_coders, tmp_path):
    """At 80 columns the mean row's label was cut to "(mean over 11 themes…", losing
    which themes the mean is over; it goes whole under the table."""
    db = tmp_path / "unused.db"
    db.write_bytes(two_coders.read_bytes())
    with open_store(db) as store:  # a theme added while coding, which nobody used
        store.add_theme("Workload", coder="ana")
    whole = run(db, "agreement", "--coders", "ana,ben")
    label = re.search(r"\(mean over [^)]*\)", whole).group(0)
    assert "nobody coded left out" in label
    assert "The mean row:" not in whole  # whole in a pipe: no need
    fitted = run(db, "agreement", "--coders", "ana,ben", columns=80)
    assert label not in fitted
    assert f"The mean row: {label[1:-1]}." in " ".join(fitted.split())
    assert max(cell_len(line) for line in fitted.splitlines()) <= 80


def test_a_disagreement_of_white_space_alone_says_so(two_coders, tmp_path):
    """ana coded two sentences as one span, ben each on its own: the space between them
    is a disagreeing span, listed with an empty text cell a reader took for a fault."""
    db = tmp_path / "gap.db"
    db.write_bytes(two_coders.read_bytes())
    with open_store(db) as store:
        t = store.transcripts()[0]
        text = store.transcript_text(t.id)
        gap = text.index(". ", text.index(". ") + 2) + 1  # a space between two sentences
        store.add_theme("Workload", coder="ana")
        theme = next(th.id for th in store.codebook().themes if th.name == "Workload")
        store.code(t.id, theme, "ana", gap - 20, gap + 20)
        store.code(t.id, theme, "ben", gap - 20, gap)
        store.code(t.id, theme, "ben", gap + 1, gap + 20)
    args = ("disagreements", "--coders", "ana,ben", "--theme", theme)
    out = run(db, *args)
    assert "(white space only: the gap between one coder's two codings)" in out
    assert "1 disagreeing span." in out
    data = json.loads(run(db, *args, "--format", "json"))
    assert [row["text"] for row in data] == [" "]  # data keeps the text as it is
