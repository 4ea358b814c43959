"""Every group's list of commands at 80 columns says each command's purpose whole.

`qcahp reconcile --help` listed "Copy every stretch the coders coded identically into
the..." and "Decide one disagreement into the consensus coder, as the...": click cuts
a docstring's first sentence to fit, mid-thought, unless the command has a short help.
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli


def _groups(group: click.Group = cli, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += _groups(command, (*path, name))
    return out


GROUPS = _groups()


def listing(*path: str) -> list[str]:
    result = CliRunner().invoke(cli, [*path, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    # The commands follow the options (under "Commands:", or qcahp's own sections).
    after = result.stdout[result.stdout.index("Show this message and exit."):]
    return [line for line in after.splitlines()[1:]
            if line.startswith("  ") and not line.endswith(":")]


def test_reconcile_lists_its_commands_whole():
    lines = listing("reconcile")
    assert [line.split()[0] for line in lines] == ["copy-agreed", "decide", "log"]
    assert not any(line.rstrip().endswith("...") for line in lines), lines
    assert "  copy-agreed  Copy what the coders coded alike into the consensus." in lines


@pytest.mark.parametrize("path", GROUPS, ids=lambda p: " ".join(p) or "qcahp")
def test_no_group_cuts_a_commands_summary(path):
    assert ("reconcile",) in GROUPS and ("participants",) in GROUPS
    lines = listing(*path)
    assert lines  # (`transcripts` lists one: rename)
    cut = [line for line in lines if line.rstrip().endswith("...")]
    assert not cut, cut
