"""Session 19 team2: ``qcahp coders`` says what a lead who only reconciled did.

A reconcile decision is logged as the consensus coder's event (the codings it makes
are the consensus's), with the person who decided in ``decided_by``. So the lead who
decided every stretch into the consensus was listed with 0 codings, 0 decisions and
no last activity, as if they had done nothing. Now their decisions read ``2
reconcile`` and a note says which consensus they went into.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from tests.test_agreement_compute import build_project


def test_a_lead_who_only_reconciled_is_listed_with_their_decisions(store):
    a, b = build_project(store)
    store.ensure_coder("lead")
    text = store.transcript_text(b.id)
    route = text.index("It was")
    store.reconcile(b.id, "winding", "consensus", [(route, route + 23)], rule="agreed",
                    compared=["asha", "ben"], start=route, end=route + 23, decided_by="lead")
    chance = store.transcript_text(a.id).index("I fell")
    store.reconcile(a.id, "serendipity", "consensus", [(chance, chance + 32)],
                    rule="take", taken_from="asha", compared=["asha", "ben"],
                    start=chance, end=chance + 32, decided_by="lead")
    store.undo("consensus")
    store.rename_coder("lead", "Lead Kim")  # the decisions keep the name of their time
    path = str(store.path)
    store.close()
    result = CliRunner().invoke(cli, ["--db", path, "coders"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    rows = {line.split("  ")[0]: line.split() for line in result.stdout.splitlines()}
    lead = rows["Lead Kim"]
    assert lead[2:6] == ["0", "2", "reconcile", "0"], lead
    assert lead[6] != "", lead  # a last activity: the time of their newest decision
    said = " ".join(result.stdout.split())
    assert ("note: Lead Kim made no codings of their own: they decided 2 reconcile "
            "stretches into consensus (1 in effect), whose codings are consensus's "
            "(`qcahp reconcile log --by 'Lead Kim'` lists them).") in said
    data = json.loads(CliRunner().invoke(cli, ["--db", path, "coders", "--format",
                                               "json"]).stdout)
    kim = next(r for r in data if r["coder"] == "Lead Kim")
    assert (kim["reconcile_decisions"], kim["reconcile_in_effect"],
            kim["decided_into"]) == (2, 1, ["consensus"])
    asha = next(r for r in data if r["coder"] == "asha")
    assert asha["reconcile_decisions"] == 0 and asha["decided_into"] == []
