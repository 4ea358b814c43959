"""Session 19 team2: docs/reports.md quotes ``qcahp methods``' Reconciliation sentence
as the command words it now ("298 decisions are in effect; by rule, as qcahp
reconcile log names them: ..."), not the old "(by rule, ...; agreed: ...)" brackets.
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from tests.test_agreement_compute import build_project

DOC = Path(__file__).resolve().parent.parent / "docs" / "reports.md"


def _paragraph(text: str) -> str:
    """The first Reconciliation paragraph that reports decisions, on one line."""
    found = re.search(r"^Reconciliation\. Disagreements were decided.*?(?=\n\n)", text,
                      re.S | re.M)
    assert found is not None
    return " ".join(found.group(0).split())


def _shape(paragraph: str) -> str:
    """The sentence up to its rule list, figures as N."""
    head = paragraph[:paragraph.index("names them:") + len("names them:")]
    return re.sub(r"\d[\d,]*", "N", head)


def test_docs_quote_the_reconciliation_sentence_as_methods_writes_it(store):
    a, b = build_project(store)
    route = store.transcript_text(b.id).index("It was")
    store.reconcile(b.id, "winding", "consensus", [(route, route + 23)], rule="agreed",
                    compared=["asha", "ben"], start=route, end=route + 23, decided_by="lead")
    chance = store.transcript_text(a.id).index("I fell")
    store.reconcile(a.id, "serendipity", "consensus", [(chance, chance + 32)], rule="union",
                    compared=["asha", "ben"], start=chance, end=chance + 32,
                    decided_by="lead")
    path = str(store.path)
    store.close()
    result = CliRunner().invoke(cli, ["--db", path, "methods"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    written = _paragraph(result.stdout)
    assert "(agreed: copied where every coder coded alike)" in written
    quoted = _paragraph(DOC.read_text(encoding="utf-8"))
    assert _shape(quoted) == _shape(written)
    assert quoted.endswith("216 are not yet decided.")  # the whole paragraph is quoted
    assert "(agreed: copied where every coder coded alike). The consensus" in quoted
