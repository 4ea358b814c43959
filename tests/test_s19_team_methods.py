"""Session 19 team audit: figures in ``qcahp methods`` that a methods section can cite.

- A coder's name with a space (``qcahp coders rename ana 'Ana Silva'``) gave figure
  commands that fail when pasted (``qcahp agreement --coders Ana Silva,ben``).
- At the segment unit the draft cited "Cohen's kappa -0.044" and "Krippendorff's alpha
  -0.062" beside percent agreement 0.882: no unit is left uncoded by both coders there,
  so those coefficients are low or negative by construction. The draft leaves them out,
  says why, and cites Brennan-Prediger (chance 1/2) as MAXQDA does.
- After ``qcahp reconcile copy-agreed`` (and a decision or two) the consensus had codings
  in every transcript, so saturation was assessed "on the consensus coding" while most
  disagreements were undecided in it. The coders' codings are pooled until it is whole.
"""

from __future__ import annotations

import shlex

from qualcoder_ahp.agreement import stats as st
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.methods import methods_report
from qualcoder_ahp.reports.methods_saturation import coding_assessed
from tests.test_agreement_compute import build_project


def _paragraph(report, heading: str) -> str:  # type: ignore[no-untyped-def]
    return next(text for head, text in report.paragraphs if head == heading)


def _figure(report, key: str):  # type: ignore[no-untyped-def]
    return next(f for f in report.figures if f.key == key)


def test_figure_commands_quote_a_coder_name_with_a_space(store):
    build_project(store)
    store.rename_coder("asha", "Asha Khan")
    report = methods_report(store, coders=["Asha Khan", "ben"])
    agreement = _figure(report, "agreement.cohen_kappa").command
    assert shlex.split(agreement)[:4] == ["qcahp", "agreement", "--coders", "Asha Khan,ben"]
    counts = _figure(report, "coder.Asha Khan.codings").command
    assert shlex.split(counts) == ["qcahp", "counts", "--coder", "Asha Khan"]
    spans = _figure(report, "disagreements").command
    assert shlex.split(spans)[2:4] == ["--coders", "Asha Khan,ben"]


def test_segment_unit_cites_no_kappa_or_alpha(store):
    build_project(store)
    report = methods_report(store, coders=["asha", "ben"], unit="segment")
    text = _paragraph(report, "Agreement")
    assert "Cohen's kappa and Krippendorff's alpha are not reported at the segment" in text
    assert "Brennan-Prediger kappa" in text and "Cohen's kappa -" not in text
    kappa = _figure(report, "agreement.cohen_kappa").value
    assert isinstance(kappa, st.Undefined) and kappa.reason.startswith("segment unit")
    assert isinstance(_figure(report, "agreement.krippendorff_alpha").value, st.Undefined)
    assert isinstance(_figure(report, "agreement.brennan_prediger").value, float)
    # The character unit cites kappa as before.
    plain = methods_report(store, coders=["asha", "ben"])
    assert isinstance(_figure(plain, "agreement.cohen_kappa").value, float)


def test_saturation_waits_for_a_whole_consensus(store):
    asha, ben = build_project(store)
    text = store.transcript_text(asha.id)
    board = text.index("The board")
    route = store.transcript_text(ben.id).index("It was")
    # The consensus codes in both transcripts (an agreed stretch, one decision), while
    # asha and ben's serendipity disagreement is still undecided.
    store.reconcile(ben.id, "winding", "consensus", [(route, route + 23)], rule="agreed",
                    compared=["asha", "ben"], start=route, end=route + 23,
                    decided_by="lead")
    store.reconcile(asha.id, "mandate", "consensus", [(board, len(text))], rule="take",
                    taken_from="asha", compared=["asha", "ben"], start=board,
                    end=len(text), decided_by="lead")
    report = methods_report(store, coders=["asha", "ben"])
    assert report.value("reconcile.undecided") == 1
    # (Two cases are too few for the method, so the paragraph says that; the figure
    # names the coding assessed.)
    assert _figure(report, "saturation.coding").value == "asha, ben (pooled)"
    snapshot = ReportData(store, coders=store.coders())
    _, _, said, _, _ = coding_assessed(store, snapshot, ["asha", "ben"], undecided=1,
                                       stretches=2)
    assert said.startswith("the codings of asha and ben pooled")
    assert said.endswith("not the consensus coding, in which 1 of the coders' 2 "
                         "stretches of disagreement are not yet decided")
    # Decided whole, the consensus is the coding of record.
    chance = text.index("I fell")
    store.reconcile(asha.id, "serendipity", "consensus", [(chance + 2, chance + 32)],
                    rule="take", taken_from="ben", compared=["asha", "ben"],
                    start=chance, end=chance + 32, decided_by="lead")
    whole = methods_report(store, coders=["asha", "ben"])
    assert whole.value("reconcile.undecided") == 0
    assert _figure(whole, "saturation.coding").value == "consensus"


def test_the_reconciliation_sentence_reads_as_english(store):
    asha, _ = build_project(store)
    text = store.transcript_text(asha.id)
    board = text.index("The board")
    args = dict(compared=["asha", "ben"], start=board, end=len(text), decided_by="lead")
    store.reconcile(asha.id, "mandate", "consensus", [(board, len(text))], rule="take",
                    taken_from="asha", **args)
    store.undo("consensus")
    store.reconcile(asha.id, "mandate", "consensus", [], rule="reject", **args)
    said = _paragraph(methods_report(store, coders=["asha", "ben"]), "Reconciliation")
    assert ("each decision recorded with its rule: 1 decision is in effect, of 2 made (the "
            "rest were undone or decided again); by rule, as qcahp reconcile log names "
            "them: reject 1. The consensus") in said
    assert ") (" not in said


def test_the_suggestions_figure_is_not_called_open(store):
    build_project(store)
    report = methods_report(store, coders=["asha", "ben"])
    assert _figure(report, "suggestions").label == "suggestions in effect (not retired)"
