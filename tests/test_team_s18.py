"""A team's workflow, figure by figure: two coders, a lead who reconciles, and the reports
after it (session 18).

Every report pools the same coders by default: every coder who coded, the consensus
coder left out (saturation did; counts, quotes, co-occurrence, charts, the framework
matrix and the workbench's counts pooled the consensus in, so an agreed passage counted
once per coder and once more), said on stderr as ``qcahp agreement`` says whom it
compares; ``--consensus`` reads the consensus. The reconcile figures are in
``test_team_s18_reconcile.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports.data import ReportData
from tests.conftest import make_parsed

POOLED = ("Pooling ana, ben: every coder who coded, the consensus coding (consensus) left "
          "out (--consensus reports it).\n")


def run(db: Path, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env={"COLUMNS": "200"})
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """ana and ben code one interview; their serendipity codings overlap (one stretch,
    two disagreeing spans), only ana codes the mandate (one stretch, one span). Returns
    the database and where each passage starts."""
    db = tmp_path / "study.db"
    store = open_store(db)
    store.save_codebook(Codebook("team", (
        Theme("serendipity", "Serendipity"), Theme("mandate", "Board mandate"))))
    info, _ = store.add_transcript("p01", make_parsed([
        ("Interviewer", "interviewer", "How did you come to lead the service?"),
        ("P01", "participant", "Honestly I fell into management by pure chance. "
                               "The board listens to me now.")]))
    text = store.transcript_text(info.id)
    at = {"fell": text.index("I fell"), "board": text.index("The board")}
    store.code(info.id, "serendipity", "ana", at["fell"], at["fell"] + 40)
    store.code(info.id, "serendipity", "ben", at["fell"] + 5, at["fell"] + 30)
    store.code(info.id, "mandate", "ana", at["board"], at["board"] + 28)
    store.close()
    return db, at


def _decide(db: Path, *rule: str, theme: str, at: int) -> None:
    run(db, "reconcile", "decide", *rule, "--transcript", "p01", "--theme", theme,
        "--at", str(at), "--by", "lead")


def _reconciled(team: tuple[Path, dict[str, int]]) -> Path:
    db, at = team
    _decide(db, "take", "ben", theme="mandate", at=at["board"])  # ben coded nothing: rejects
    _decide(db, "intersection", theme="serendipity", at=at["fell"])
    return db


def test_every_pooled_report_leaves_the_consensus_out_and_says_so(team, tmp_path):
    db = _reconciled(team)

    def codings(*args: str) -> int:
        rows = json.loads(run(db, "counts", *args, "--format", "json").stdout)["rows"]
        return sum(r["codings"] for r in rows if r["depth"] == 0)

    assert (codings("--coder", "ana"), codings("--coder", "ben"), codings("--consensus")) == (
        2, 1, 1)
    pooled = run(db, "counts", "--format", "json")
    assert codings() == 3 and pooled.stderr == POOLED
    by_coder = json.loads(run(db, "counts", "--by", "coder", "--format", "json").stdout)
    assert {r["group"] for r in by_coder["rows"]} == {"ana", "ben"}
    quotes = run(db, "quotes", "--format", "json")
    assert sorted(q["coder"] for q in json.loads(quotes.stdout)["quotes"]) == ["ana", "ana", "ben"]
    assert quotes.stderr == POOLED
    frame = run(db, "framework", "--format", "json")
    cells = json.loads(frame.stdout)["cells"]
    assert sum(len(c["quotes"]) for c in cells) == 3 and frame.stderr.endswith(POOLED)
    sat = run(db, "saturation", "--format", "json", "--orders", "0")
    assert json.loads(sat.stdout)["not_pooled"] == ["consensus"] and sat.stderr == POOLED
    assert run(db, "cooccurrence", "--format", "json").stderr == POOLED
    # One coder, or the consensus, is not a pool: nothing said.
    assert run(db, "counts", "--consensus").stderr == ""
    assert run(db, "counts", "--coder", "ana").stderr == ""
    # A workbook says who was pooled on its About sheet.
    from openpyxl import load_workbook

    out = tmp_path / "counts.xlsx"
    run(db, "counts", "-o", str(out))
    about = {r[0].value: r[1].value for r in load_workbook(out)["About"].iter_rows(min_row=2)}
    assert about["coders"] == "all coders but consensus"


def test_the_snapshot_rule_is_one_whichever_way_it_is_reached(team):
    db = _reconciled(team)
    store = open_store(db)
    try:
        default = ReportData(store)
        everyone = ReportData(store, coders=store.coders())
        assert {c.coder for c in default.codings} == {"ana", "ben"}
        assert default.not_pooled == ("consensus",)
        assert {c.coder for c in everyone.codings} == {"ana", "ben", "consensus"}
        narrowed = everyone.pooled()
        assert ([c.id for c in narrowed.codings], narrowed.not_pooled) == (
            [c.id for c in default.codings], default.not_pooled)
        assert [c.coder for c in ReportData(store, "consensus").codings] == ["consensus"]
    finally:
        store.close()


def test_the_coder_help_says_what_the_default_pools(team):
    db, _ = team
    for command in ("counts", "quotes", "cooccurrence", "saturation", "chart"):
        text = " ".join(run(db, command, "--help").stdout.split())
        assert ("Only this coder's codings [default: every coder's, pooled, but a "
                "consensus coder's]") in text, command
    text = " ".join(run(db, "framework", "--help").stdout.split())
    assert "but a consensus coder's (--consensus shows them) [the default]" in text
