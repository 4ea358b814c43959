"""``qcahp reconcile decide`` and ``copy-agreed``: a disagreement decided from a script
reads in the reconcile log, the audit trail and the reconcile screen as one decided there;
and ``take CODER`` where that coder coded nothing is found by ``--rule reject``."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from tests.helpers.reconcile_host import ReconcileHost
from tests.test_agreement_compute import build_project

TWO = ["--coders", "asha,ben"]


@pytest.fixture
def project(tmp_path):
    """asha, ben and cai coded (build_project); closed, with the offsets tests need."""
    path = tmp_path / "project.db"
    store = open_store(path)
    a, b = build_project(store)
    text_a, text_b = store.transcript_text(a.id), store.transcript_text(b.id)
    where = {"chance": text_a.index("I fell"), "board": text_a.index("The board"),
             "end_a": len(text_a), "route": text_b.index("It was")}
    store.close()
    return path, where


def _run(path, *args, env=None):
    return CliRunner().invoke(cli, ["--db", str(path), "reconcile", *args], env=env)


def _dump(path):
    con = sqlite3.connect(path)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("codings", "events", "coders", "settings")}
    finally:
        con.close()


def _consensus(path):
    store = open_store(path)
    try:
        return [(c.theme_id, c.start, c.end, c.origin) for c in store.codings(coder="consensus")]
    finally:
        store.close()


def test_the_disagreements_start_column_identifies_the_stretch(project):
    path, w = project
    rows = json.loads(CliRunner().invoke(
        cli, ["--db", str(path), "disagreements", *TWO, "--format", "json"]).stdout)
    seren = next(r for r in rows if r["theme"] == "serendipity")
    result = _run(path, "decide", "take", "ben", "--transcript", seren["transcript"],
                  "--theme", seren["theme"], "--at", str(seren["start"]), *TWO, "--by", "lead")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Decided serendipity in asha [{w['chance']}, {w['chance'] + 32}) by take ben as lead")
    assert _consensus(path) == [("serendipity", w["chance"] + 2, w["chance"] + 32,
                                 "consensus")]


@pytest.mark.parametrize(("rule", "spans"), [
    (["take", "asha"], lambda c: [(c, c + 32)]),
    (["take", "ben"], lambda c: [(c + 2, c + 32)]),
    (["union"], lambda c: [(c, c + 32)]),
    (["intersection"], lambda c: [(c + 2, c + 32)]),
    (["reject"], lambda c: []),
])
def test_each_rule_makes_the_consensus_codings_and_one_logged_event(project, rule, spans):
    path, w = project
    chance = w["chance"]
    result = _run(path, "decide", *rule, "--transcript", "asha", "--theme", "serendipity",
                  "--at", str(chance + 10), *TWO, "--by", "lead")
    assert result.exit_code == 0, result.output
    assert _consensus(path) == [("serendipity", s, e, "consensus") for s, e in spans(chance)]
    store = open_store(path)
    [event] = store.events("consensus")
    store.close()
    assert (event["kind"], event["rule"], event["taken_from"], event["compared"],
            event["decided_by"], event["theme_id"], event["start"], event["end"]) == (
        "reconcile", rule[0], rule[1] if len(rule) > 1 else None, ["asha", "ben"], "lead",
        "serendipity", chance, chance + 32)


def test_a_script_decision_reads_in_the_reconcile_log_and_the_audit_trail(project):
    path, w = project
    _run(path, "decide", "take", "ben", "--transcript", "asha", "--theme", "serendipity",
         "--at", str(w["chance"]), *TWO, env={"QCAHP_CODER": "lead"})
    [row] = json.loads(_run(path, "log", "--format", "json").stdout)
    assert (row["by"], row["consensus"], row["compared"], row["theme"], row["transcript"],
            row["span"], row["rule"], row["status"], row["source"]) == (
        "lead", "consensus", "asha, ben", "serendipity", "asha",
        f"[{w['chance']}, {w['chance'] + 32})", "take ben", "in effect", "")
    audit = CliRunner().invoke(cli, ["--db", str(path), "log", "--coder", "lead"])
    assert audit.exit_code == 0, audit.output
    assert (f"reconciled Serendipity on asha [{w['chance']}, {w['chance'] + 32}) (asha, ben): "
            "take ben, 1 consensus coding, decided by lead") in " ".join(audit.output.split())


def test_the_decider_defaults_to_the_workbench_coder_remembered_in_the_project(project):
    path, w = project
    store = open_store(path)
    store.set_setting("coder", "lead")
    store.close()
    result = _run(path, "decide", "reject", "--transcript", "asha", "--theme", "mandate",
                  "--at", str(w["board"]), *TWO)
    assert result.exit_code == 0, result.output
    assert json.loads(_run(path, "log", "--format", "json").stdout)[0]["by"] == "lead"


def test_taking_a_coder_who_coded_nothing_there_is_found_as_a_rejection(project):
    path, w = project
    result = _run(path, "decide", "take", "ben", "--transcript", "asha", "--theme", "mandate",
                  "--at", str(w["board"]), *TWO, "--by", "lead")
    assert result.exit_code == 0, result.output
    assert "consensus codes nothing (rejected)" in result.output
    rejected = json.loads(_run(path, "log", "--format", "json", "--rule", "reject").stdout)
    assert [(r["rule"], r["result"]) for r in rejected] == [("take ben", "none (rejected)")]
    taken = json.loads(_run(path, "log", "--format", "json", "--rule", "take").stdout)
    assert [r["rule"] for r in taken] == ["take ben"]  # the event itself is unchanged
    store = open_store(path)
    assert [e["rule"] for e in store.reconcile_record(rule="reject").entries] == ["take"]
    store.close()


def test_a_decided_stretch_is_refused_unless_replace(project):
    path, w = project
    args = ["--transcript", "asha", "--theme", "serendipity", "--at", str(w["chance"]), *TWO,
            "--by", "lead"]
    assert _run(path, "decide", "reject", *args).exit_code == 0
    before = _dump(path)
    again = _run(path, "decide", "union", *args)
    assert again.exit_code == 1
    assert again.output.count("\n") == 1
    assert "already decided: rejected (reject, event" in again.output
    assert "--replace" in again.output
    assert _dump(path) == before
    replaced = _run(path, "decide", "union", *args, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "(replacing: rejected (reject, event" in replaced.output
    assert _consensus(path) == [("serendipity", w["chance"], w["chance"] + 32, "consensus")]
    rows = json.loads(_run(path, "log", "--format", "json").stdout)
    assert [(r["rule"], r["status"]) for r in rows] == [("reject", "replaced"),
                                                        ("union", "in effect")]


@pytest.mark.parametrize(("args", "message"), [
    (["union", "--transcript", "nope", "--theme", "serendipity", "--at", "0", *TWO],
     "no transcript 'nope'"),
    (["union", "--transcript", "asha", "--theme", "nope", "--at", "0", *TWO],
     "no theme 'nope'"),
    (["union", "--transcript", "asha", "--theme", "careers", "--at", "0", *TWO],
     "is a folder"),
    (["union", "--transcript", "asha", "--theme", "serendipity", "--at", "0",
      "--coders", "asha,zed"], "no coder named 'zed'"),
    (["take", "cai", "--transcript", "asha", "--theme", "serendipity", "--at", "0", *TWO],
     "take cai: not one of the coders compared"),
    (["take", "--transcript", "asha", "--theme", "serendipity", "--at", "0", *TWO],
     "take needs the coder"),
    (["union", "--transcript", "asha", "--theme", "serendipity", "--at", "0", *TWO],
     "no disagreement of serendipity in asha at 0"),
    (["union", "--transcript", "ben", "--theme", "winding", "--at", "30", *TWO],
     "coded [27, 50) identically"),
    (["intersection", "--transcript", "asha", "--theme", "mandate", "--at", "{board}", *TWO],
     "share no span"),
    (["union", "--transcript", "asha", "--theme", "mandate", "--at", "{board}"],
     "3 coders have coded (asha, ben, cai)"),
])
def test_errors_are_one_line_and_change_nothing(project, args, message):
    path, w = project
    args = [a.format(**w) for a in args]
    before = _dump(path)
    result = _run(path, "decide", *args, "--by", "lead")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert message in result.output
    assert _dump(path) == before


def test_no_decider_and_blind_coding_are_refused(project):
    path, w = project
    args = ["reject", "--transcript", "asha", "--theme", "mandate", "--at", str(w["board"]),
            *TWO]
    before = _dump(path)
    result = _run(path, "decide", *args, env={"QCAHP_CODER": ""})
    assert result.exit_code == 1 and "say who decides: --by NAME" in result.output
    CliRunner().invoke(cli, ["--db", str(path), "blind", "on"])
    blind = _dump(path)
    result = _run(path, "decide", *args, "--by", "lead")
    assert result.exit_code == 1 and "blind coding is on" in result.output
    assert _dump(path) == blind and blind["codings"] == before["codings"]


def test_copy_agreed_copies_each_agreed_stretch_once(project):
    path, w = project
    result = _run(path, "copy-agreed", *TWO, "--by", "lead")
    assert result.exit_code == 0, result.output
    assert result.output == "Copied 1 agreed stretch into consensus as lead.\n"
    assert _consensus(path) == [("winding", w["route"], w["route"] + 23, "consensus")]
    again = _run(path, "copy-agreed", *TWO, "--by", "lead")
    assert again.output == "Copied 0 agreed stretches into consensus as lead (1 already there).\n"
    rows = json.loads(_run(path, "log", "--format", "json").stdout)
    assert [(r["rule"], r["by"]) for r in rows] == [("agreed", "lead")]


def Host(store: Store) -> ReconcileHost:
    """The reconcile screen for lead, asha and ben compared."""
    return ReconcileHost(store, "lead", coders=["asha", "ben"])


async def test_the_reconcile_screen_shows_script_decisions_as_decided(project):
    path, w = project
    for rule, theme, at in ((["take", "ben"], "serendipity", w["chance"]),
                            (["take", "ben"], "mandate", w["board"])):
        result = _run(path, "decide", *rule, "--transcript", "asha", "--theme", theme,
                      "--at", str(at), *TWO, "--by", "lead")
        assert result.exit_code == 0, result.output
    store = open_store(path)
    try:
        app = Host(store)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            status = str(app.screen.query_one("#reconcile-status", Static).render())
            assert "(2 decided)" in status
            assert "Disagreement 1/2" in status and " · decided" in status
            await pilot.press("d", "n")  # the second: taken from ben, who coded nothing
            await pilot.pause()
            status = str(app.screen.query_one("#reconcile-status", Static).render())
            assert "Disagreement 2/2 (2 decided)" in status and " · rejected" in status
    finally:
        store.close()
