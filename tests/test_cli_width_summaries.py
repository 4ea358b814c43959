"""One-line summaries wrap to the terminal (``common.say``); a pipe keeps them whole.

At 80 columns ``reconcile log`` with no decisions printed 132 columns, withdraw's last
note 179, ``codebook load`` 122 (and each list of ids twice that), ``refi export`` 132
and ``refi import --dry-run`` 130. Errors naming a file and its problem stay one line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from qualcoder_ahp.cli import cli
from tests.conftest import REPO


def invoke(db: Path, *args: str, columns: int | None = None):  # type: ignore[no-untyped-def]
    env = {"COLUMNS": str(columns) if columns else None}
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env)
    assert result.exit_code == 0, result.output
    return result


def widest(text: str) -> int:
    return max(map(cell_len, text.splitlines()), default=0)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("summaries") / "a-study-with-a-rather-long-name.db"
    invoke(db, "import", str(REPO / "transcripts"))
    invoke(db, "participants", "import", str(REPO / "transcripts" / "participants.csv"))
    invoke(db, "codebook", "load", str(REPO / "codebooks" / "ahp-leadership.yaml"))
    return db


@pytest.fixture
def study(built: Path, tmp_path: Path) -> Path:
    path = tmp_path / built.name
    shutil.copy(built, path)
    return path


def same_words(fitted: str, whole: str) -> bool:
    return fitted.split() == whole.split()


def test_codebook_load_summary_and_lists_wrap(tmp_path: Path):
    book = REPO / "codebooks" / "ahp-leadership.yaml"
    fitted = invoke(tmp_path / "a.db", "codebook", "load", str(book), columns=80)
    whole = invoke(tmp_path / "b.db", "codebook", "load", str(book))
    assert widest(whole.stdout) > 120 and widest(fitted.stdout) <= 80
    assert same_words(fitted.stdout, whole.stdout)
    lines = fitted.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  themes added: "))
    assert lines[at + 1].startswith(" " * 6) and lines[at + 1][6] != " "  # under the list


def test_reconcile_log_with_no_decisions_wraps(study: Path, tmp_path: Path):
    fitted = invoke(study, "reconcile", "log", columns=80).stdout
    whole = invoke(study, "reconcile", "log").stdout
    assert len(whole.splitlines()) == 1 and widest(whole) > 80 >= widest(fitted)
    assert same_words(fitted, whole)
    invoke(study, "reconcile", "log", "-o", str(tmp_path / "log.txt"), columns=80)
    assert (tmp_path / "log.txt").read_text(encoding="utf-8") == whole  # a file: whole


def test_withdraw_notes_wrap(study: Path, tmp_path: Path):
    other = tmp_path / "other" / study.name
    other.parent.mkdir()
    shutil.copy(study, other)
    fitted = invoke(study, "withdraw", "--participant", "ot_dev", "--yes", columns=80)
    whole = invoke(other, "withdraw", "--participant", "ot_dev", "--yes")
    assert widest(whole.stderr) > 80 >= widest(fitted.stderr)
    assert same_words(fitted.stderr, whole.stderr)
    assert fitted.stderr.startswith("note: copies still hold the withdrawn text")


def test_refi_export_and_dry_run_import_wrap(study: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    qdpx = Path("an-export-of-the-whole-study-for-nvivo.qdpx")
    fitted = invoke(study, "refi", "export", str(qdpx), columns=80)
    whole = invoke(study, "refi", "export", "again-the-whole-study-for-nvivo.qdpx")
    assert widest(whole.stderr) > 80 >= widest(fitted.stderr)
    assert fitted.stderr.split()[:4] == ["Wrote", "a", "REFI-QDA", "project"]
    assert same_words(fitted.stderr, whole.stderr.replace("again", "an-export-of"))
    fresh = tmp_path / "fresh.db"
    fitted = invoke(fresh, "refi", "import", str(qdpx), "--dry-run", columns=80)
    whole = invoke(fresh, "refi", "import", str(qdpx), "--dry-run")
    assert widest(whole.stdout) > 80 >= widest(fitted.stdout)
    assert same_words(fitted.stdout, whole.stdout)
    assert fitted.stdout.startswith(f"Would import {qdpx}")


def test_a_failed_file_stays_one_line(study: Path):
    invoke(study, "withdraw", "--participant", "ot_dev", "--yes")
    result = CliRunner().invoke(cli, ["--db", str(study), "import",
                                      str(REPO / "transcripts" / "ot_dev.vtt")],
                                env={"COLUMNS": "80"})
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and failed[0].endswith("brings it back deliberately)")
