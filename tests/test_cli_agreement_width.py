"""The agreement and disagreements tables at a terminal's width, in a pipe and in files.

On two bundled transcripts coded by ana and ben, who disagree on some suggestions.
``COLUMNS`` stands for the terminal (click's runner is no terminal).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store

REPO = Path(__file__).parent.parent


def run(db: Path, *args: str, columns: int | None = None) -> str:
    env = {"COLUMNS": str(columns) if columns else None}
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def two_coders(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("two") / "project.db"
    run(db, "import", *(str(REPO / "transcripts" / f) for f in ("dietitian_grace.md",
                                                                 "slt_priya.md")))
    run(db, "codebook", "load", str(REPO / "codebooks" / "ahp-leadership.yaml"))
    run(db, "suggest")
    store = open_store(db)
    for coder, every in (("ana", 5), ("ben", 3)):
        for i, s in enumerate(store.suggestions()):
            ((store.reject if (i * 7 + len(coder)) % every == 0 else store.accept)
             (s.id, coder))
    store.close()
    return db


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
