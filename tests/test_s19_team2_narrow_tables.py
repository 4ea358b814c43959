"""Session 19 team2: what an 80-column terminal keeps of the agreement and reconcile
outputs.

At the segment unit the note under ``qcahp agreement`` tells the reader to read agree,
pos_agr and BP, and at 80 columns BP was the third column left out, so the note pointed
at a column that was not there. Now the columns the note points to stay, and the
figures it says to distrust go first. ``qcahp reconcile log``'s summary line ran to
some 110 columns under a table fitted to 80; it wraps like the table.
"""

from __future__ import annotations

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from tests.test_agreement_compute import build_project


def _run(path: str, *args: str, columns: int | None = 80):  # type: ignore[no-untyped-def]
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner().invoke(cli, ["--db", path, *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_segment_table_keeps_the_columns_its_note_points_to(store):
    build_project(store)
    path = str(store.path)
    store.close()
    for coders in ("asha,ben", "asha,ben,cai"):
        out = _run(path, "agreement", "--coders", coders, "--unit", "segment")
        heading = next(line for line in out.splitlines()
                       if line.startswith("theme ")).split()
        assert {"agree", "pos_agr", "BP"} <= set(heading), heading
        said = " ".join(out.split())
        left_out = said[said.index("Left out to fit the terminal:"):]
        left_out = left_out[:left_out.index("(")]
        assert "BP" not in left_out and "agree" not in left_out
        assert "read agree, pos_agr and BP" in said
        assert max(len(line) for line in out.splitlines()) <= 80
    # Other units are fitted as before: BP goes before kappa and alpha.
    out = _run(path, "agreement", "--coders", "asha,ben")
    heading = next(line for line in out.splitlines() if line.startswith("theme "))
    assert {"kappa", "alpha"} <= set(heading.split())


def test_reconcile_log_summary_wraps_at_80_columns(store):
    a, b = build_project(store)
    text = store.transcript_text(b.id)
    route = text.index("It was")
    store.reconcile(b.id, "winding", "consensus", [(route, route + 23)], rule="agreed",
                    compared=["asha", "ben"], start=route, end=route + 23, decided_by="lead")
    chance = store.transcript_text(a.id).index("I fell")
    store.reconcile(a.id, "serendipity", "consensus", [], rule="reject",
                    compared=["asha", "ben"], start=chance, end=chance + 32,
                    decided_by="lead")
    path = str(store.path)
    store.close()
    fitted = _run(path, "reconcile", "log")
    whole = _run(path, "reconcile", "log", columns=None)
    assert max(len(line) for line in fitted.splitlines()) <= 80
    summary = ("2 reconcile decisions (2 in effect); 1 consensus coding: 1 made by these "
               "decisions, 0 without a reconcile record.")
    assert summary in " ".join(fitted.split())
    assert whole.splitlines()[-1] == summary  # whole in a pipe
