"""`qcahp codings import` of a CSV: an empty quote, and a file that is no codings CSV
at all, are each said as what they are, on one line naming the file (and line); the
database is left as it was."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_merge import _base


def _import(tmp_path: Path, content: str) -> tuple[str, Path]:
    db = tmp_path / "main.db"
    if not db.exists():
        _base(db).close()
    path = tmp_path / "codings.csv"
    path.write_text(content, encoding="utf-8")
    before = db.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(db), "codings", "import", str(path),
                                      "--coder", "ana"], terminal_width=300)
    assert result.exit_code != 0
    store = open_store(db)
    assert store.codings() == [] and "ana" not in store.coders()
    store.close()
    assert db.read_bytes() == before
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0], path


def test_an_empty_quote_is_said_as_empty_with_the_text_at_its_span(tmp_path):
    for quote in ('""', ""):
        line, path = _import(tmp_path, "transcript,theme,start,end,quote\n"
                             f"asha,mandate,0,5,{quote}\n")
        assert line == (f"Error: {path}: line 2: the quote is empty; the text at [0, 5) is "
                        "'How d': put the coded text in the quote column (it is checked "
                        "against the transcript)")


def test_a_file_of_other_columns_is_not_missing_a_column(tmp_path):
    line, path = _import(tmp_path, "Interviewer: How did you get here?\nAsha: by chance\n")
    assert line == (f"Error: {path}: line 1 names none of the columns of a codings CSV (it "
                    "reads 'Interviewer: How did you get here?'): a codings CSV starts with "
                    "the line transcript,theme,start,end,quote, as `qcahp codings export` "
                    "writes it")


def test_a_file_missing_one_column_still_says_which(tmp_path):
    line, _path = _import(tmp_path, "transcript,theme,start,end\nasha,mandate,0,5\n")
    assert "line 1: missing column(s) quote" in line
