"""Session 21 audit of reconciliation (the project of ``test_s21_agr.py``):

- reconcile decisions cannot go into a coder who codes on their own (``--consensus cai``
  mixed the consensus into cai's codings and dropped cai from every comparison);
- a consensus that only rejected in a transcript has rated it: a coder's agreement with
  the consensus counts the rejected codings there;
- ``reconcile decide`` says why a transcript one coder has not coded has nothing to
  decide, says "reconciling" to one coder, and answers a misspelt theme as every command.
"""

from __future__ import annotations

import json

import pytest

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import open_store
from tests.test_s21_agr import CAI, T4, digest, import_codings, project, run, texts

__all__ = ["project"]  # the fixture, shared


# ------------------------------------------------------------------ the consensus coder


@pytest.mark.parametrize("command", [
    ("reconcile", "decide", "take", "ana", "--transcript", "t1", "--theme", "luck",
     "--at", "30"),
    ("reconcile", "copy-agreed"),
])
def test_no_reconcile_decision_goes_into_a_coder_who_codes(project, tmp_path, command):
    """``--consensus cai`` wrote the consensus into cai's own codings (copy-agreed did;
    decide said "already decided: cai codes [30, 112) there"), and cai, now a consensus
    coder, dropped out of every comparison without a word."""
    import_codings(project, tmp_path, "cai", CAI)
    before = digest(project)
    result = run(project, *command, "--coders", "ana,ben", "--by", "lead", "--consensus",
                 "cai", ok=False)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert ("'cai' codes on their own (5 codings in effect), so reconcile decisions cannot "
            "go into them") in result.output
    assert digest(project) == before
    chosen = run(project, "agreement", "--format", "json").stderr
    assert "Comparing ana, ben, cai:" in chosen
    # The default consensus, and a new name, are decided into as before.
    run(project, *command, "--coders", "ana,ben", "--by", "lead", "--consensus", "agreed")
    with open_store(project) as store:
        assert store.consensus_coders() == {"consensus", "agreed"}


def test_the_store_refuses_a_coder_who_codes_as_the_consensus(project, tmp_path):
    import_codings(project, tmp_path, "cai", CAI)
    with open_store(project) as store:
        t1 = next(t.id for t in store.transcripts() if t.name == "t1")
        with pytest.raises(UserError, match="'ben' codes on their own"):
            store.reconcile(t1, "luck", "ben", [(30, 78)], rule="take", compared=["ana", "cai"],
                            start=30, end=112, taken_from="ana", decided_by="lead")
        assert store.codings(coder="ben", theme_id="luck", transcript_id=t1)[0].origin != (
            "consensus")


def test_a_transcript_the_consensus_only_rejected_in_counts(project, tmp_path):
    """ana and ben coded t4 differently and the lead rejected both: the consensus has no
    coding there, and t4 was left out of ana's agreement with the consensus ("consensus
    made no coding or decision in this transcript"), ana's rejected coding with it."""
    (tmp_path / "t4.txt").write_text(T4, encoding="utf-8")
    run(project, "import", str(tmp_path / "t4.txt"))
    assert texts(project)["t4"][16:43] == "The board was lucky for me."
    import_codings(project, tmp_path, "ana", [("t4", "luck", 16, 43)])
    import_codings(project, tmp_path, "ben", [("t4", "mgmt", 44, 66)])
    env = {"QCAHP_CODER": "lead"}
    run(project, "reconcile", "decide", "reject", "--transcript", "t4", "--theme", "luck",
        "--at", "20", env=env)
    run(project, "reconcile", "decide", "reject", "--transcript", "t4", "--theme", "mgmt",
        "--at", "50", env=env)
    rows = json.loads(run(project, "agreement", "--coders", "ana,consensus", "--by", "all",
                          "--theme", "luck", "--format", "json", "--speakers", "all").stdout)
    cell = next(r for r in rows if r["transcript"] == "t4")  # every character of t4
    assert (cell["n11"], cell["n10"], cell["n01"], cell["n00"]) == (0, 27, 0, 39)
    assert cell["cohen_kappa"] == 0.0
    # Undone, the decisions no longer rate t4 for the consensus.
    run(project, "undo", "--coder", "consensus")
    run(project, "undo", "--coder", "consensus")
    rows = json.loads(run(project, "agreement", "--coders", "ana,consensus", "--by", "all",
                          "--theme", "luck", "--format", "json").stdout)
    cell = next(r for r in rows if r["transcript"] == "t4")
    assert cell["units"] == 0 and "consensus made no coding or decision" in cell["cohen_kappa"]


# ------------------------------------------------------------------ reconcile decide messages


def test_decide_where_a_coder_has_not_coded_says_so(project):
    """ana coded mgmt in t3 and ben has not coded t3: it said "t3 has none of that theme"."""
    before = digest(project)
    result = run(project, "reconcile", "decide", "take", "ana", "--transcript", "t3",
                 "--theme", "mgmt", "--at", "30", "--coders", "ana,ben", "--by", "lead",
                 ok=False)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output == ("Error: no disagreement of mgmt in t3 to decide: ben made no "
                             "coding or decision in t3 yet, so t3 is not compared between "
                             "ana, ben\n")
    assert digest(project) == before


@pytest.mark.parametrize("coders", ["ana", "ana,ana"])
def test_reconcile_with_one_coder_says_reconciling(project, coders):
    """It said "agreement needs two or more different coders" to a reconcile command."""
    for command in (("decide", "take", "ana", "--transcript", "t1", "--theme", "luck",
                     "--at", "30"), ("copy-agreed",)):
        result = run(project, "reconcile", *command, "--coders", coders, "--by", "lead",
                     ok=False)
        assert result.exit_code == 1 and result.output.count("\n") == 1
        assert result.output.startswith("Error: reconciling needs two or more different "
                                        "coders, and --coders names 1 (ana)")


def test_decide_answers_a_misspelt_theme_as_every_command_does(project):
    """It said "no theme 'lucky' in the codebook", without the closest id or the ids."""
    before = digest(project)
    result = run(project, "reconcile", "decide", "take", "ana", "--transcript", "t1",
                 "--theme", "lucky", "--at", "30", "--coders", "ana,ben", "--by", "lead",
                 ok=False)
    assert result.exit_code == 1
    assert result.output == ("Error: no theme 'lucky' in the codebook; did you mean 'luck'? "
                             "(themes: luck, board, mgmt, unused, solo)\n")
    assert digest(project) == before


def test_a_coder_whose_codings_were_all_undone_is_still_a_coder(project):
    """ben's codings undone one by one: still ben's, with their log; not a consensus."""
    for _ in range(4):
        run(project, "undo", "--coder", "ben")
    before = digest(project)
    result = run(project, "reconcile", "copy-agreed", "--coders", "ana,cai", "--by", "lead",
                 "--consensus", "ben", ok=False)
    assert result.exit_code == 1
    assert "'ben' codes on their own (4 codings, undone or removed)" in result.output
    assert digest(project) == before
