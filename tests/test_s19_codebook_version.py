"""The stored codebook is shown and cited with its file's `version:`.

`qcahp codebook export` kept a file's `version:` (m009), but `qcahp codebook show` titled
the stored codebook "version of <load date>" (or with no version in the terminal listing)
and `qcahp methods` cited no version, so a methods section could not say which version of
the codebook the coding used.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from tests.test_s19_cbk2_export import GROUPED


def _run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _loaded(tmp_path: Path, text: str) -> Path:
    db = tmp_path / "p.db"
    (tmp_path / "nights.yaml").write_text(text, encoding="utf-8")
    _run(db, "codebook", "load", str(tmp_path / "nights.yaml"))
    return db


def test_show_and_methods_name_the_stored_codebooks_version(tmp_path: Path) -> None:
    db = _loaded(tmp_path, GROUPED)
    assert _run(db, "codebook", "show").splitlines()[0].startswith(
        "Night shifts, version 2  (")
    assert _run(db, "codebook", "show", "--format", "md").splitlines()[0].startswith(
        "# Night shifts, version 2 (loaded 20")
    methods = " ".join(_run(db, "methods").split())
    assert "Coding used the codebook \u201cNight shifts\u201d (version 2, content hash" in methods
    assert "version 2 codebook show" in methods  # the figure, with the command citing it


def test_a_codebook_file_without_a_version_is_dated_by_its_load(tmp_path: Path) -> None:
    db = _loaded(tmp_path, GROUPED.replace("version: 2\n", ""))
    assert _run(db, "codebook", "show").splitlines()[0].startswith("Night shifts  (")
    assert _run(db, "codebook", "show", "--format", "md").splitlines()[0].startswith(
        "# Night shifts, version of 20")
    methods = " ".join(_run(db, "methods").split())
    assert "Coding used the codebook \u201cNight shifts\u201d (content hash" in methods
