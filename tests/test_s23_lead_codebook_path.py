"""A loaded codebook is stored by its file name, not the folders it sat in.

``codebooks.path`` held the path given to ``qcahp codebook load`` (often a full path, with
the researcher's login or a shared drive's team folder), and `codebook export`, `codebook
show -o` and the methods draft printed it in files sent to supervisors. Transcripts keep
their file name only (m013); the codebook now does too.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from tests.conftest import REPO

SHIPPED = REPO / "codebooks" / "ahp-leadership.yaml"


def test_load_stores_the_file_name_and_exports_name_only_that(tmp_path: Path) -> None:
    folder = tmp_path / "jsmith" / "Helen_Smith_team"
    folder.mkdir(parents=True)
    codebook = folder / "ahp.yaml"
    codebook.write_text(SHIPPED.read_text(encoding="utf-8") + "\n# our note\n",
                        encoding="utf-8")
    db = tmp_path / "p.db"
    runner = CliRunner()
    loaded = runner.invoke(cli, ["--db", str(db), "codebook", "load", str(codebook)])
    assert loaded.exit_code == 0, loaded.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT path FROM codebooks").fetchall() == [("ahp.yaml",)]
    exported = runner.invoke(cli, ["--db", str(db), "codebook", "export"])
    assert exported.exit_code == 0, exported.output
    assert "Loaded from: ahp.yaml" in exported.output
    assert "Helen_Smith_team" not in exported.output and "jsmith" not in exported.output
    methods = runner.invoke(cli, ["--db", str(db), "methods"])
    assert "Helen_Smith_team" not in methods.output
