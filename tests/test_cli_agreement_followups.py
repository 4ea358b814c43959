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
