"""Help pages of the report, search, words and inter-rater commands at 80 columns, and
what they promise.

Click wraps the prose of a help page to the terminal, but not an example line (kept as
written under ``\\b``), and cuts a subcommand's one-line summary with ``...`` in its
group's list.
"""

from __future__ import annotations

from pathlib import Path

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


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_help_fits_80_columns(args):
    """`qcahp search --help` had an example 81 columns wide."""
    result = invoke(*args, "--help")
    assert result.exit_code == 0, result.output
    assert max(map(cell_len, result.stdout.splitlines())) <= 80


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
    assert "use theme, transcript" not in result.stderr and "band, profession" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not Path(out).exists()


def test_agreement_help_names_every_figure_of_its_table():
    """The table by transcript ends with u_alpha, which the help never named."""
    text = " ".join(invoke("agreement", "--help").stdout.split())
    assert "Krippendorff's unitizing alpha (u_alpha:" in text
