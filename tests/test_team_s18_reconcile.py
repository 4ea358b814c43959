"""A team's workflow, the reconcile figures (session 18).

- ``disagreements`` says, beside its spans, the reconcile screen's stretches and how
  many are decided (98 spans against the screen's 97 disagreements, all decided, read as
  98 still to decide).
- ``methods`` states the same, and cites for each reconcile figure a command showing it
  (it cited ``reconcile log --rule reject`` for 93 rejections where that command listed
  94: a take of a coder who coded nothing there is one too).
"""

from __future__ import annotations

import json

from tests.test_team_s18 import _decide, _reconciled, run, team

__all__ = ["team"]  # the fixture, shared with test_team_s18


def test_disagreements_count_the_reconcile_stretches_and_how_many_are_decided(team):
    db, at = team
    out = run(db, "disagreements").stdout
    assert out.rstrip().endswith(
        "Reconcile screen: 2 stretches, none decided yet.\n3 disagreeing spans.")
    _decide(db, "take", "ben", theme="mandate", at=at["board"])
    assert run(db, "disagreements").stdout.rstrip().endswith(
        "Reconcile screen: 2 stretches, 1 decided into consensus, 1 undecided.\n"
        "3 disagreeing spans.")
    _decide(db, "intersection", theme="serendipity", at=at["fell"])
    assert run(db, "disagreements").stdout.rstrip().endswith(
        "Reconcile screen: 2 stretches, 2 decided into consensus, none undecided.\n"
        "3 disagreeing spans.")
    # The spans themselves are the coders' and stay listed: 3, whatever was decided.
    assert len(json.loads(run(db, "disagreements", "--format", "json").stdout)) == 3


def test_methods_cites_a_command_showing_each_reconcile_figure(team):
    db = _reconciled(team)
    doc = json.loads(run(db, "methods", "--format", "json").stdout)
    found = {f["key"]: f for f in doc["figures"]}
    assert (found["disagreements"]["value"], found["reconcile.stretches"]["value"],
            found["reconcile.undecided"]["value"]) == (3, 2, 0)
    log = json.loads(run(db, "reconcile", "log", "--rule", "reject", "--status", "in effect",
                         "--format", "json").stdout)
    # The take of ben (who coded nothing there) is a rejection that `--rule reject` lists.
    assert [r["rule"] for r in log] == ["take ben"]
    rejections = found["reconcile.rejections"]
    assert rejections["value"] == len(log) == 1
    assert rejections["command"] == "qcahp reconcile log --rule reject --status 'in effect'"
    assert found["reconcile.rule.take.ben"]["value"] == 1
    paragraph = next(p["text"] for p in doc["paragraphs"] if p["heading"] == "Reconciliation")
    assert ("The coders' own codings differ in 3 spans at the character unit; of the 2 "
            "stretches of differing codings the reconcile step decides, every one is "
            "decided.") in paragraph
