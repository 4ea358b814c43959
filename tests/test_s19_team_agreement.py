"""Session 19 team audit: ``qcahp agreement --unit segment`` on the terminal says why its
kappa, pi and alpha are low or negative (no unit is uncoded by every coder), next to
percent agreement 0.882: kappa -0.044 read as a failed study. Files keep every figure.

Also: an error (an unknown ``--theme``, ``--format xlsx`` without ``-o``) came second,
under "Comparing ana, ben: every coder who coded": one line now, the note only with output.
"""

from __future__ import annotations

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from tests.test_agreement_compute import build_project


def test_the_segment_table_says_which_figures_to_read(store):
    build_project(store)
    path = str(store.path)
    store.close()
    args = ["--db", path, "agreement", "--coders", "asha,ben"]
    result = CliRunner().invoke(cli, [*args, "--unit", "segment"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "Segment unit: every unit is a coded segment, none uncoded by every coder" in said
    assert "read agree, pos_agr and BP" in said
    plain = CliRunner().invoke(cli, args, env={"COLUMNS": "100"})
    assert "Segment unit" not in plain.stdout
    csv = CliRunner().invoke(cli, [*args, "--unit", "segment", "--format", "csv"])
    assert "Segment unit" not in csv.stdout


def test_an_error_is_one_line_without_the_coders_chosen_above_it(store):
    build_project(store)
    path = str(store.path)
    store.close()
    for command in ("agreement", "disagreements"):
        for bad in (["--theme", "nosuch"], ["--format", "xlsx"]):
            result = CliRunner().invoke(cli, ["--db", path, command, *bad])
            assert result.exit_code == 1
            assert len(result.stderr.splitlines()) == 1, result.stderr
            assert result.stderr.startswith("Error: ")
        good = CliRunner().invoke(cli, ["--db", path, command])
        assert good.exit_code == 0
        assert "Comparing asha, ben, cai: every coder who coded" in good.stderr
