"""A study coded inductively from the command line: no codebook file at all at first.

The workbench lets `ctrl+n` make the first theme of a project with no codebook (README),
but `qcahp codebook add-theme` refused ("no codebook loaded: run `qcahp codebook load
FILE` first"), sending a researcher who codes inductively off to write a file; and the
codebook such a project holds was shown and exported as "(none)".
"""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.conftest import make_parsed


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_first_theme_of_a_study_with_no_codebook(tmp_path: Path) -> None:
    db = tmp_path / "nights.db"
    store = open_store(db)
    store.add_transcript("n01", make_parsed([
        ("Interviewer", "interviewer", "What is a night like?"),
        ("Amira", "participant", "Honestly it's exhausting. We look after each other."),
    ]))
    store.close()
    code, out, err = _run(db, "codebook", "add-theme", "Fatigue", "--coder", "nina")
    assert (code, out) == (0, "Added theme fatigue (Fatigue), colour #CC6677.\n"), err
    code, out, err = _run(db, "codebook", "show", "--brief")
    assert out.splitlines()[0] == "nights codebook  (1 theme, 0 patterns, 0 exclusion patterns)"
    exported = tmp_path / "nights.yaml"
    assert _run(db, "codebook", "export", str(exported))[0] == 0
    data = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert data["name"] == "nights codebook"
    assert [t["id"] for t in data["themes"]] == ["fatigue"]
    code, out, err = _run(db, "codebook", "load", str(exported))
    assert code == 0 and "no changes" in out
