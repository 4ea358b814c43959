"""`qcahp agreement --help` and `qcahp disagreements --help` say a folder's id takes the
themes under it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli


@pytest.mark.parametrize("command", ["agreement", "disagreements"])
def test_theme_help_says_a_folder_takes_its_themes(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "a folder's id takes the themes under it." in " ".join(result.output.split())


# ------------------------------------------------- --coders left out: the coders who coded
@pytest.mark.parametrize("command", ["agreement", "disagreements"])
def test_without_coders_every_coder_who_coded_is_compared(tmp_path, command: str) -> None:
    """A project whose coders all coded needed --coders spelled out (a usage error named the
    option); now they are compared, and stderr says who."""
    from qualcoder_ahp.model.store import open_store
    from tests.test_agreement_compute import build_project

    path = tmp_path / "qcahp.db"
    with open_store(path) as store:
        build_project(store)
        store.ensure_coder("consensus")  # a consensus coder is never one of those compared
    runner = CliRunner()
    plain = runner.invoke(cli, ["--db", str(path), command, "--format", "json"])
    named = runner.invoke(cli, ["--db", str(path), command, "--coders", "asha,ben,cai",
                                "--format", "json"])
    assert plain.exit_code == 0, plain.output
    assert plain.stdout == named.stdout
    assert "Comparing asha, ben, cai: every coder who coded" in plain.stderr


def test_without_coders_and_nobody_coded_is_a_one_line_error(tmp_path) -> None:
    from qualcoder_ahp.model.store import open_store

    path = tmp_path / "qcahp.db"
    open_store(path).close()
    result = CliRunner().invoke(cli, ["--db", str(path), "agreement"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: comparing coders needs two or more and nobody has coded yet: a second coder "
        "codes a copy of the project (qcahp merge brings it in), or name them with "
        "--coders A,B"]
