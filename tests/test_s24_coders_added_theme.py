"""A theme one coder added while coding in their own copy: the other coder's copy never
had it, so their "not coded" is no judgement; `qcahp agreement` says so under the table,
in a file's About and beside a written file (it counted silently as disagreement)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_merge import _base


def _team(tmp_path: Path, *, added_here: bool = False) -> Path:
    main = _base(tmp_path / "main.db")
    asha = main.transcript("asha").id
    if added_here:  # in the shared project: everyone's codebook has it
        main.add_theme("Burnout", coder="ana")
    main.close()
    for coder in ("ana", "ben"):
        shutil.copy(tmp_path / "main.db", tmp_path / f"{coder}.db")
        copy = open_store(tmp_path / f"{coder}.db")
        copy.code(asha, "serendipity", coder, 0, 22)
        if coder == "ana" and not added_here:
            copy.add_theme("Burnout", coder="ana")
        if coder == "ana":
            copy.code(asha, "burnout", coder, 23, 55)
        copy.close()
    store = open_store(tmp_path / "main.db")
    store.merge_from(tmp_path / "ana.db")
    store.merge_from(tmp_path / "ben.db")
    store.close()
    return tmp_path / "main.db"


def _run(db: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), "agreement", "--coders", "ana,ben",
                                    *args], terminal_width=200)


def test_the_table_says_which_theme_the_other_coder_may_never_have_had(tmp_path):
    db = _team(tmp_path)
    result = _run(db)
    assert result.exit_code == 0, result.output
    assert ("added while coding in a coder's own copy and merged in: burnout (added by "
            "ana; ben coded none of it)") in result.output
    assert "count that as disagreement" in result.output


def test_a_written_file_says_it_on_stderr_and_in_its_about(tmp_path):
    db = _team(tmp_path)
    result = _run(db, "-o", str(tmp_path / "a.xlsx"))
    assert result.exit_code == 0, result.output
    assert "note: a theme was added while coding in a coder's own copy" in result.output
    about = load_workbook(tmp_path / "a.xlsx")["About"]
    cells = " ".join(str(c.value) for row in about.iter_rows() for c in row)
    assert "burnout (added by ana; ben coded none of it)" in cells


def test_no_note_when_the_theme_was_added_in_the_shared_project(tmp_path):
    db = _team(tmp_path, added_here=True)
    result = _run(db)
    assert result.exit_code == 0, result.output
    assert "own copy" not in result.output


def test_no_note_for_other_themes_or_when_both_coded_it(tmp_path):
    db = _team(tmp_path)
    assert "own copy" not in _run(db, "--theme", "serendipity").output
    store = open_store(db)
    store.code(store.transcript("ben").id, "burnout", "ben", 0, 10)
    store.close()
    assert "own copy" not in _run(db).output


def test_intervals_from_few_transcripts_carry_a_warning(tmp_path):
    """Two transcripts allow three different resamples: the --ci table printed their
    percentile interval with no word of how rough it is."""
    db = _team(tmp_path)
    store = open_store(db)
    second = store.transcript("ben").id
    store.code(second, "serendipity", "ana", 0, 20)
    store.code(second, "serendipity", "ben", 5, 20)
    store.close()
    result = _run(db, "--ci", "--theme", "serendipity")
    assert result.exit_code == 0, result.output
    assert "with only 2 transcripts (3 different resamples) the intervals are rough" \
        in " ".join(result.output.split())
