"""The reconcile log accounts for every consensus coding: decisions made here, decisions
merged in from a coder's copy (ids translated), and consensus codings no decision
explains (made before the log, merged without one, coded by hand); plus its filters."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model import merge_events
from qualcoder_ahp.model.store import Store, open_store
from tests.test_agreement_compute import build_project

TABLES = ("codings", "events", "coders", "decisions", "memos")


def _guids(store, ids):
    return [store.coding(i).guid for i in ids]


def _comparable(store, log):
    """A decision as it reads in any copy: no database ids, codings by GUID."""
    names = {t.id: t.name for t in store.transcripts()}
    return [(e["at"], e["coder"], e["rule"], e["taken_from"], e["decided_by"], e["compared"],
             names[e["transcript_id"]], e["theme_id"], e["start"], e["end"],
             _guids(store, e["coding_ids"]), _guids(store, e["removed_ids"]), e["status"])
            for e in log]


def _decide(store, a, b):
    """In the lead's copy: take ben, reject, copy agreed, union (then undone)."""
    text_a, text_b = store.transcript_text(a.id), store.transcript_text(b.id)
    chance, board = text_a.index("I fell"), text_a.index("The board")
    route = text_b.index("It was")
    both = {"compared": ["asha", "ben"], "decided_by": "lead"}
    store.reconcile(a.id, "serendipity", "consensus", [(chance + 2, chance + 32)], rule="take",
                    taken_from="ben", start=chance, end=chance + 32, **both)
    store.reconcile(a.id, "mandate", "consensus", [], rule="reject", start=board,
                    end=len(text_a), **both)
    store.reconcile(b.id, "winding", "consensus", [(route, route + 23)], rule="agreed",
                    start=route, end=route + 23, **both)
    store.reconcile(a.id, "serendipity", "consensus", [(chance, chance + 32)], rule="union",
                    start=chance, end=chance + 32, **both)
    store.undo("consensus")


@pytest.fixture
def copies(tmp_path):
    """main.db: asha, ben and cai coded; lead.db: a copy where the lead reconciled;
    spare.db: a copy of main before anything was reconciled."""
    main = open_store(tmp_path / "main.db")
    a, b = build_project(main)
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "lead.db")
    shutil.copy(tmp_path / "main.db", tmp_path / "spare.db")
    lead = open_store(tmp_path / "lead.db")
    _decide(lead, a, b)
    lead.close()
    return tmp_path / "main.db", tmp_path / "lead.db", tmp_path / "spare.db"


def _counts(path):
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        conn.close()


def _run(db, *args, ok=True):
    result = CliRunner().invoke(cli, ["--db", str(db), "reconcile", "log", *args])
    assert (result.exit_code == 0) is ok, result.output
    return result


def test_merged_decisions_read_as_they_were_made_in_the_copy(copies):
    main_path, lead_path, _ = copies
    lead = open_store(lead_path)
    expected = _comparable(lead, lead.reconcile_log())
    assert [(r[2], r[-1]) for r in expected] == [
        ("take", "in effect"), ("reject", "in effect"), ("agreed", "in effect"),
        ("union", "undone")]
    lead.close()
    main = open_store(main_path)
    assert main.reconcile_log() == []
    main.merge_from(lead_path)
    log = main.reconcile_log()
    # Same decisions, same codings (by GUID), same status: ids translated, not copied.
    assert _comparable(main, log) == expected
    assert {e["source"] for e in log} == {lead_path.name}  # the name alone, as `log` says
    take, reject, agreed, _union = log
    consensus = main.codings(coder="consensus")
    assert sorted(c.id for c in consensus) == sorted(take["coding_ids"] + agreed["coding_ids"])
    assert reject["coding_ids"] == [] and reject["theme_id"] == "mandate"
    assert main.unrecorded_consensus() == []
    # Merging again adds nothing and lists nothing twice.
    assert not any(main.merge_from(lead_path).values())
    assert len(main.reconcile_log()) == 4
    main.close()

    out = _run(main_path)
    body = out.stdout.splitlines()
    assert body[0].split()[-1] == "source"  # shown because a row came from another file
    assert all(line.endswith(f"merged from {lead_path.name}") for line in body[2:6])
    assert "take ben" in body[2] and "reject" in body[3] and "agreed" in body[4]
    assert "union" in body[5] and "undone" in body[5]
    assert body[-1] == ("4 reconcile decisions (3 in effect, 1 undone); 2 consensus codings: "
                        "2 made by these decisions, 0 without a reconcile record.")


def test_an_undo_or_redo_in_the_copy_follows_on_remerge(copies):
    main_path, lead_path, _ = copies
    main = open_store(main_path)
    main.merge_from(lead_path)
    lead = open_store(lead_path)
    lead.redo("consensus")  # the union again: the take is replaced
    lead.close()
    main.merge_from(lead_path)
    assert [(e["rule"], e["status"]) for e in main.reconcile_log()] == [
        ("take", "replaced"), ("reject", "in effect"), ("agreed", "in effect"),
        ("union", "in effect")]
    union = main.reconcile_log()[-1]
    assert sorted(c.id for c in main.codings(coder="consensus", theme_id="serendipity")) == \
        union["coding_ids"]
    main.close()


def test_a_copy_of_a_copy_keeps_the_decisions_and_their_first_source(copies):
    main_path, lead_path, spare_path = copies
    main = open_store(main_path)
    main.merge_from(lead_path)
    expected = _comparable(main, main.reconcile_log())
    main.close()
    spare = open_store(spare_path)
    spare.merge_from(main_path)
    log = spare.reconcile_log()
    assert _comparable(spare, log) == expected
    assert {e["source"] for e in log} == {lead_path.name}  # the name alone, as `log` says
    assert spare.unrecorded_consensus() == []
    spare.close()


def test_the_merge_back_recognises_its_own_decisions(copies):
    main_path, lead_path, _ = copies
    main = open_store(main_path)
    main.merge_from(lead_path)
    main.close()
    lead = open_store(lead_path)
    before = _comparable(lead, lead.reconcile_log())
    counts = lead.merge_from(main_path)
    assert counts["events"] == 1 and counts["codings"] == 0  # main's "merge" event only
    assert _comparable(lead, lead.reconcile_log()) == before
    assert all(e["source"] is None for e in lead.reconcile_log())
    lead.close()


def test_consensus_codings_without_a_record_are_listed_with_why(copies, tmp_path):
    main_path, lead_path, spare_path = copies
    spare = open_store(spare_path)
    a = spare.transcript("asha")
    # The reconcile screen before the log: plain code() calls with origin consensus.
    old = spare.code(a.id, "mandate", "consensus", 0, 3, origin="consensus")
    spare.close()
    main = open_store(main_path)
    b = main.transcript("ben")
    made_here = main.code(b.id, "mandate", "consensus", 0, 2, origin="consensus")
    by_hand = main.code(b.id, "serendipity", "consensus", 3, 9)
    main.merge_from(lead_path)
    main.merge_from(spare_path)
    merged_old = next(c for c in main.codings(coder="consensus") if c.guid == old.guid)
    unrecorded = main.unrecorded_consensus()
    assert [(u["coding_ids"], u["reason"], u["rule"], u["status"]) for u in unrecorded] == [
        ([merged_old.id], f"merged from {spare_path.name}", "unrecorded", "in effect"),
        ([made_here.id], "made before the reconcile log", "unrecorded", "in effect"),
        ([by_hand.id], "coded by hand", "unrecorded", "in effect")]
    active = {c.id for c in main.codings()}
    decided = [cid for e in main.reconcile_log() for cid in e["coding_ids"] if cid in active]
    # Every active consensus coding is in the log exactly once: decided or listed.
    listed = sorted(decided + [u["coding_ids"][0] for u in unrecorded])
    assert listed == sorted(c.id for c in main.codings(coder="consensus"))
    main.close()

    out = _run(main_path)
    lines = out.stdout.splitlines()
    assert sum("consensus coding (no reconcile record: " in line for line in lines) == 3
    assert any(f"(no reconcile record: merged from {spare_path.name})" in line
               and f"#{merged_old.id} [0, 3)" in line for line in lines)
    assert any("(no reconcile record: made before the reconcile log)" in line
               and "The board" not in line and f"#{made_here.id} [0, 2)" in line
               for line in lines)
    assert lines[-1] == ("4 reconcile decisions (3 in effect, 1 undone); 5 consensus codings: "
                         "2 made by these decisions, 3 without a reconcile record (listed).")
    rows = json.loads(_run(main_path, "--format", "json").stdout)
    assert [r["recorded"] for r in rows].count(False) == 3
    assert {r["event"] for r in rows if not r["recorded"]} == {None}
    result = _run(main_path, "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["rule"], r["result"], r["source"], r["event"]) for r in parsed
            if not r["event"]] == [
        (f"consensus coding (no reconcile record: merged from {spare_path.name})",
         f"#{merged_old.id} [0, 3)", f"merged from {spare_path.name}", ""),
        ("consensus coding (no reconcile record: made before the reconcile log)",
         f"#{made_here.id} [0, 2)", "", ""),
        ("consensus coding (no reconcile record: coded by hand)", f"#{by_hand.id} [3, 9)", "",
         "")]
    assert result.stderr.startswith("4 reconcile decisions (3 in effect, 1 undone);")


def test_decisions_merged_by_an_earlier_version_still_account_for_their_codings(
        copies, monkeypatch):
    main_path, lead_path, _ = copies
    # What a merge before this version stored: no translated ids, no coding range.
    monkeypatch.setattr(merge_events, "translate_merged", lambda *args: {})
    log_event = Store.log_event

    def old_log_event(self, coder_id, kind, payload):
        return log_event(self, coder_id, kind,
                         {k: v for k, v in payload.items() if k != "coding_range"})

    monkeypatch.setattr(Store, "log_event", old_log_event)
    main = open_store(main_path)
    main.merge_from(lead_path)
    assert {e["original_kind"] for e in main.events() if e["kind"] == "merged"} >= {"reconcile"}
    assert main.reconcile_log() == []
    unrecorded = main.unrecorded_consensus()
    assert sorted(u["coding_ids"][0] for u in unrecorded) == sorted(
        c.id for c in main.codings(coder="consensus"))
    assert {u["reason"] for u in unrecorded} == {"merged from another project"}
    main.close()


# ---------------------------------------------------------------- filters


@pytest.fixture
def merged(copies):
    main_path, lead_path, _ = copies
    main = open_store(main_path)
    main.code(main.transcript("ben").id, "mandate", "consensus", 0, 2, origin="consensus")
    main.merge_from(lead_path)
    main.close()
    return main_path


@pytest.mark.parametrize(("args", "rules"), [
    (["--theme", "serendipity"], ["take ben", "union"]),
    (["--theme", "careers"], ["take ben", "agreed", "union"]),  # a folder: its themes
    (["--transcript", "ben"], ["agreed", "unrecorded"]),
    (["--transcript", "asha", "--status", "in effect"], ["take ben", "reject"]),
    (["--rule", "take"], ["take ben"]),
    (["--rule", "unrecorded"], ["unrecorded"]),
    (["--by", "lead"], ["take ben", "reject", "agreed", "union"]),
    (["--by", "asha"], []),
    (["--status", "undone"], ["union"]),
])
def test_filters_select_rows(merged, args, rules):
    rows = json.loads(_run(merged, "--format", "json", *args).stdout)
    assert [r["rule"] if r["recorded"] else "unrecorded" for r in rows] == rules
    store = open_store(merged)
    record = store.reconcile_record(**{a.lstrip("-"): v for a, v in zip(args[::2], args[1::2],
                                                                        strict=True)})
    assert len(record.entries) == len(rules)
    store.close()


def test_a_filter_by_transcript_id_and_the_summary_says_what_is_shown(merged):
    store = open_store(merged)
    tid = store.transcript("ben").id
    store.close()
    out = _run(merged, "--transcript", str(tid))
    lines = out.stdout.splitlines()
    assert len(lines) == 2 + 2 + 2  # header, rule, two rows, blank, summary
    assert lines[-1] == (
        f"Shown (--transcript {tid}): 1 of 4 reconcile decisions, 1 of 1 consensus codings "
        "without a record. In all: 4 reconcile decisions (3 in effect, 1 undone); 3 consensus "
        "codings: 2 made by these decisions, 1 without a reconcile record.")
    none = _run(merged, "--by", "asha").stdout.splitlines()
    assert none[0] == "No reconcile decisions or consensus codings match."


@pytest.mark.parametrize(("args", "message"), [
    (["--theme", "luck"], "Error: no theme 'luck' in the codebook"),
    (["--transcript", "zed"], "Error: no transcript 'zed' in this project"),
    (["--transcript", "99"], "Error: no transcript '99' in this project"),
    (["--rule", "coin-toss"], "Error: no reconcile rule 'coin-toss' (rules: take, union, "
                              "intersection, reject, agreed, unrecorded)"),
    (["--by", "zed"], "Error: no coder named 'zed' in this project (coders: asha, ben, cai, "
                      "consensus, lead)"),
    (["--status", "done"], "Error: no status 'done' (statuses: in effect, replaced, undone)"),
])
def test_unknown_filter_values_are_one_line_errors_and_change_nothing(merged, args, message):
    before = _counts(merged)
    result = _run(merged, *args, ok=False)
    assert result.exit_code == 1
    assert result.stdout == "" and result.stderr.splitlines() == [message]
    assert _counts(merged) == before


def test_reconcile_record_raises_user_error(merged):
    store = open_store(merged)
    with pytest.raises(UserError, match="no theme 'luck'"):
        store.reconcile_record(theme="luck")
    store.close()


def test_a_consensus_coding_imported_from_csv_says_so(store, tmp_path):
    a, _ = build_project(store)
    quote = store.transcript_text(a.id)[0:3]
    (tmp_path / "c.csv").write_text(f"transcript,theme,start,end,quote\nasha,mandate,0,3,{quote}\n",
                                    encoding="utf-8")
    store.import_codings(tmp_path / "c.csv", "consensus")
    [entry] = store.unrecorded_consensus()
    assert entry["reason"] == "imported from a CSV file" and entry["source"] is None
    assert store.coding(entry["coding_ids"][0]).origin == "imported"
    record = store.reconcile_record()
    assert record.consensus_codings == 1 and record.decisions == [] and record.entries == [entry]


def test_two_copies_deciding_the_same_stretch_both_stand_after_the_merge(copies):
    main_path, lead_path, _ = copies
    main = open_store(main_path)
    a = main.transcript("asha")
    chance = main.transcript_text(a.id).index("I fell")
    # Made here after the lead's (in the copy) and before the merge: the lead's take of
    # the same stretch arrives with the merge, and both codings stand.
    [mine] = main.reconcile(a.id, "serendipity", "consensus", [(chance, chance + 10)],
                            rule="take", taken_from="asha", compared=["asha", "ben"],
                            start=chance, end=chance + 32, decided_by="ben")
    main.merge_from(lead_path)
    log = main.reconcile_log()
    assert [(e["rule"], e["source"] is None, e["status"]) for e in log] == [
        ("take", False, "in effect"),  # a later decision, but its coding is still active
        ("reject", False, "in effect"), ("agreed", False, "in effect"),
        ("union", False, "undone"), ("take", True, "in effect")]
    seren = sorted(c.id for c in main.codings(coder="consensus", theme_id="serendipity"))
    assert seren == sorted([mine, *log[0]["coding_ids"]])
    assert main.unrecorded_consensus() == []
    # The log says the two stand on one stretch, and how to settle it.
    first, second = sorted((log[0]["id"], log[4]["id"]))
    assert main.reconcile_record().conflicts == [(first, second)]
    from qualcoder_ahp.cli.reconcile import summary
    assert (f"1 pair of decisions in effect overlap on one stretch (events {first} and "
            f"{second}): decide them again in the reconcile screen."
            in summary(main.reconcile_record(), {}))
    # Deciding it again here replaces both.
    main.reconcile(a.id, "serendipity", "consensus", [], rule="reject", compared=["asha", "ben"],
                   start=chance, end=chance + 32, decided_by="ben")
    statuses = [(e["rule"], e["status"]) for e in main.reconcile_log()]
    assert statuses[0] == ("take", "replaced") and statuses[4:] == [
        ("take", "replaced"), ("reject", "in effect")]
    assert main.codings(coder="consensus", theme_id="serendipity") == []
    assert main.reconcile_record().conflicts == []
    main.close()


def test_a_damaged_event_in_the_copy_refuses_the_merge_and_changes_nothing(copies):
    main_path, lead_path, _ = copies
    conn = sqlite3.connect(lead_path)
    with conn:
        conn.execute("INSERT INTO events (coder_id, at, kind, payload) "
                     "VALUES (NULL, 'now', 'code', '{not json')")
    conn.close()
    before = _counts(main_path)
    main = open_store(main_path)
    with pytest.raises(UserError, match=r"damaged event \d+ \(its record is not JSON\); "
                                        "nothing merged"):
        main.merge_from(lead_path)
    main.close()
    assert _counts(main_path) == before


def test_a_merged_decision_with_ids_it_cannot_place_is_left_out_not_misplaced(copies, tmp_path):
    main_path, lead_path, spare_path = copies
    main = open_store(main_path)
    main.merge_from(lead_path)
    main.close()
    # A copy whose merged reconcile event names a coding that copy does not have.
    conn = sqlite3.connect(main_path)
    with conn:
        [(raw,)] = conn.execute("SELECT payload FROM events WHERE kind = 'merged' AND "
                                "json_extract(payload, '$.original_kind') = 'reconcile' "
                                "ORDER BY id LIMIT 1").fetchall()
        body = json.loads(raw)
        body["key"] = "0" * 32
        body["original"]["at_copy"] = "forged"
        body["local"]["coding_ids"] = [99999]
        conn.execute("INSERT INTO events (coder_id, at, kind, payload) VALUES "
                     "(NULL, '2000-01-01T00:00:00+00:00', 'merged', ?)", [json.dumps(body)])
    conn.close()
    spare = open_store(spare_path)
    spare.merge_from(main_path)
    assert [e["rule"] for e in spare.reconcile_log()] == ["take", "reject", "agreed", "union"]
    forged = [e for e in spare.events() if e["kind"] == "merged" and e.get("key") == "0" * 32]
    assert len(forged) == 1 and "local" not in forged[0]
    spare.close()


def test_taking_a_coder_who_coded_nothing_there_is_filtered_as_a_rejection(store):
    """The event keeps the rule the decider chose (take ben); --rule reject finds it, as the
    consensus codes nothing there (the screen shows it as rejected too)."""
    a, _ = build_project(store)
    board = store.transcript_text(a.id).index("The board")
    store.reconcile(a.id, "mandate", "consensus", [], rule="take", taken_from="ben",
                    compared=["asha", "ben"], start=board, end=len(store.transcript_text(a.id)),
                    decided_by="lead")
    found = store.reconcile_record(rule="reject").entries
    assert [(e["rule"], e["taken_from"], e["coding_ids"]) for e in found] == [("take", "ben", [])]
    assert [e["rule"] for e in store.reconcile_record(rule="take").entries] == ["take"]
    assert store.events("consensus")[0]["rule"] == "take"  # the logged event is as it was
