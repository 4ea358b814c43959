"""Help pages of the report, search, words and inter-rater commands at 80 columns, and
what they promise.

Click wraps the prose of a help page to the terminal, but not an example line (kept as
written under ``\\b``), and cuts a subcommand's one-line summary with ``...`` in its
group's list.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from qualcoder_ahp.cli import cli

COMMANDS = [("search",), ("counts",), ("quotes",), ("words",), ("cooccurrence",), ("chart",),
            ("memos",), ("agreement",), ("disagreements",), ("merge",), ("codings",),
            ("codings", "import"), ("codings", "export"), ("blind",)]


def invoke(*args: str, db: Path | None = None):
    prefix = ["--db", str(db)] if db else []
    return CliRunner().invoke(cli, [*prefix, *args], env={"COLUMNS": "80"})


def _every_command(group: click.Group = cli, path: tuple[str, ...] = ()
                   ) -> list[tuple[str, ...]]:
    """``()`` (qcahp itself) and every command and subcommand, by its path."""
    out = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            out += _every_command(command, (*path, name))
        else:
            out.append((*path, name))
    return out


EVERY = _every_command()


def test_every_command_is_walked():
    assert len(EVERY) > 40 and ("codebook", "show") in EVERY and () in EVERY
    assert set(COMMANDS) <= set(EVERY)


@pytest.mark.parametrize("args", EVERY, ids=lambda a: " ".join(a) or "qcahp")
def test_help_fits_80_columns(args):
    """`qcahp search --help` had an example 81 columns wide, `codebook show --help` a
    line of 85 and `codebook edit-theme --help` an example of 82; `qcahp --help` broke
    "co-occurrence" over two lines ("co-" ending one)."""
    result = invoke(*args, "--help")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(map(cell_len, lines)) <= 80, [line for line in lines if cell_len(line) > 80]
    broken = [line for line, after in zip(lines, lines[1:])
              if re.search(r"\w-$", line) and after.strip()[:1].isalpha()]
    assert not broken, broken


def test_codings_lists_its_commands_without_cutting_them():
    """`qcahp codings --help` listed "Export active codings as CSV (transcript, theme,
    start, end,..." and "Import codings made elsewhere; each quote must match the...":
    cut in the middle of what they say."""
    listing = invoke("codings", "--help").stdout
    commands = listing[listing.index("Commands:"):].splitlines()[1:]
    assert commands and not any(line.rstrip().endswith("...") for line in commands)


def test_codings_import_names_the_columns_it_reads():
    """The help said only that each quote must match: not which columns the file needs."""
    text = " ".join(invoke("codings", "import", "--help").stdout.split())
    assert "transcript, theme, start, end and quote" in text
    assert "`qcahp codings export --coder NAME`" in text


def test_words_says_coder_goes_with_theme():
    """`words --help` offered --coder as "Only this coder's codings [default: all coders,
    pooled]", but without --theme it is refused ("--coder goes with --theme ID")."""
    text = " ".join(invoke("words", "--help").stdout.split())
    assert "--coder NAME With --theme: only this coder's codings" in text
    assert "--consensus With --theme: only the agreed codings" in text


def test_a_matrix_chart_by_a_view_names_the_attributes(db, tmp_path):
    """`chart matrix --by profession` answered "unknown view 'profession' ... (use theme,
    transcript, participant, coder or attribute:NAME)": a chart takes none of those views."""
    out = str(tmp_path / "m.png")
    result = invoke("chart", "matrix", "--by", "transcript", "-o", out, db=db)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: a matrix chart is by a participant attribute, "
                                    "--by attribute:NAME, not --by transcript (attributes: ")
    assert "use theme, transcript" not in result.stderr and "profession, band" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not Path(out).exists()


def test_agreement_help_names_every_figure_of_its_table():
    """The table by transcript ends with u_alpha, which the help never named."""
    text = " ".join(invoke("agreement", "--help").stdout.split())
    assert "Krippendorff's unitizing alpha (u_alpha:" in text
