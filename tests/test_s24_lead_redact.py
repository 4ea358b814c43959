"""`qcahp redact --codebook` in a project with no codebook says so, rather than "The
codebook has none of the names" as if one had been searched."""

from __future__ import annotations

from click.testing import CliRunner

from qualcoder_ahp.cli import cli


def test_redact_codebook_without_a_codebook_says_there_is_none(tmp_path):
    (tmp_path / "a.txt").write_text("Interviewer: Hi\nP1: I met Dr Jones there.\n")
    (tmp_path / "names.txt").write_text("Jones\n")
    db = str(tmp_path / "p.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "import", str(tmp_path / "a.txt")]).exit_code == 0
    result = runner.invoke(cli, ["--db", db, "redact", "--names", str(tmp_path / "names.txt"),
                                 "--codebook"])
    assert result.exit_code == 0, result.output
    assert "The project has no codebook: nothing to redact." in result.output
    assert "has none of the names" not in result.output
