"""Reconcile decisions are logged (rule, compared coders, stretch, result) and read back
with ``qcahp reconcile log``; rejections are logged; undo and redo show in the log."""

from __future__ import annotations

import csv
import io
import json
import shutil

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.cli.reconcile import NOTHING
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.reports.writers import BOM
from tests.tui.test_reconcile_screen import Host, _ready, _text
from tests.test_agreement_compute import build_project

SIZE = (80, 24)


def _log(tmp_path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "project.db"), "reconcile", "log",
                                      *args])
    assert result.exit_code == 0, result.output
    return result.stdout


async def _decide(store, *keys: str) -> str:
    """Press ``keys`` in the reconcile screen (asha vs ben); returns the status line."""
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        return _text(app, "#reconcile-status")


async def test_each_decision_is_one_logged_event_read_back_by_the_cli(store, tmp_path):
    asha, ben = build_project(store)
    text = store.transcript_text(asha.id)
    chance, board = text.index("I fell"), text.index("The board")
    status = await _decide(store, "b", "x", "g")  # take ben; reject the board; copy agreed
    # The rejected item is the last one, where the screen stays after deciding.
    assert "(2 decided)" in status and "· rejected" in status
    events = store.events("consensus")
    assert [(e["kind"], e["rule"], e["taken_from"]) for e in events] == [
        ("reconcile", "take", "ben"), ("reconcile", "reject", None),
        ("reconcile", "agreed", None)]
    take, reject, agreed = events
    consensus = store.codings(coder="consensus")
    # Each event names exactly the consensus coding it made, which is active now.
    assert take["coding_ids"] == [c.id for c in consensus if c.theme_id == "serendipity"]
    assert agreed["coding_ids"] == [c.id for c in consensus if c.theme_id == "winding"]
    assert (take["start"], take["end"], take["theme_id"]) == (chance, chance + 32, "serendipity")
    assert (reject["transcript_id"], reject["theme_id"], reject["start"], reject["end"]) == (
        asha.id, "mandate", board, len(text))
    assert reject["coding_ids"] == [] and reject["compared"] == ["asha", "ben"]
    assert agreed["transcript_id"] == ben.id
    assert agreed["compared"] == ["asha", "ben"]  # only the compared coders, not cai
    assert {e["decided_by"] for e in events} == {"asha"}  # who sat at the screen

    table = _log(tmp_path).splitlines()
    assert table[0].split() == ["time", "by", "consensus", "compared", "theme", "theme_name",
                                "transcript", "span", "quote", "rule", "result", "status"]
    body = table[2:-2]
    assert len(body) == 3 and table[-2] == ""
    assert table[-1] == ("3 reconcile decisions (3 in effect); 2 consensus codings: 2 made by "
                         "these decisions, 0 without a reconcile record.")
    assert "take ben" in body[0] and "Serendipity" in body[0] and "asha, ben" in body[0]
    assert f"#{take['coding_ids'][0]} [{chance + 2}, {chance + 32})" in body[0]
    assert "I fell into management by chance" in body[0]
    assert "reject" in body[1] and "none (rejected)" in body[1] and "Board mandate" in body[1]
    assert "The board listened to me." in body[1]
    assert "agreed" in body[2] and "Winding route" in body[2]
    assert all(line.rstrip().endswith("in effect") for line in body)

    rows = json.loads(_log(tmp_path, "--format", "json"))
    assert [(r["rule"], r["theme"], r["transcript"], r["span"], r["coding_ids"])
            for r in rows] == [
        ("take ben", "serendipity", "asha", f"[{chance}, {chance + 32})", take["coding_ids"]),
        ("reject", "mandate", "asha", f"[{board}, {len(text)})", []),
        ("agreed", "winding", "ben", f"[{agreed['start']}, {agreed['end']})",
         agreed["coding_ids"])]
    assert [r["event"] for r in rows] == [e["id"] for e in events]

    route = store.coding(agreed["coding_ids"][0])
    out = tmp_path / "log.csv"
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "project.db"), "reconcile", "log",
                                      "-o", str(out)])
    assert result.exit_code == 0 and "Wrote 3 rows" in result.output
    assert "3 reconcile decisions (3 in effect)" in result.output
    raw = out.read_text(encoding="utf-8")
    assert raw.startswith(BOM)
    parsed = list(csv.DictReader(io.StringIO(raw[1:])))
    assert parsed[0]["time"] == take["at"] and parsed[0]["by"] == "asha"
    assert [(r["rule"], r["compared"], r["theme_name"], r["result"]) for r in parsed] == [
        ("take ben", "asha, ben", "Serendipity",
         f"#{take['coding_ids'][0]} [{chance + 2}, {chance + 32})"),
        ("reject", "asha, ben", "Board mandate", "none (rejected)"),
        ("agreed", "asha, ben", "Winding route", f"#{route.id} [{route.start}, {route.end})")]
    assert oct(out.stat().st_mode & 0o777) == "0o600"


async def test_redeciding_marks_the_earlier_decision_replaced(store, tmp_path):
    build_project(store)
    # take asha on item 1, then (d: step through decided ones too) union instead
    await _decide(store, "a", "d", "p", "o")
    log = store.reconcile_log()
    assert [(e["rule"], e["status"]) for e in log] == [("take", "replaced"),
                                                       ("union", "in effect")]
    assert log[1]["removed_ids"] == log[0]["coding_ids"]
    body = _log(tmp_path).splitlines()[2:-2]
    assert body[0].endswith("replaced") and body[1].endswith("in effect")


async def test_undo_in_the_screen_and_redo_show_in_the_log(store, tmp_path):
    build_project(store)
    status = await _decide(store, "a", "x", "z")  # take asha, reject item 2, undo that
    assert status.startswith("Disagreement 2/2 (1 decided)") and "· undecided" in status
    assert [e["kind"] for e in store.events("consensus")] == ["reconcile", "reconcile", "undo"]
    assert len(store.codings(coder="consensus")) == 1  # the take stays
    body = _log(tmp_path).splitlines()[2:-2]
    assert body[0].endswith("in effect") and "reject" in body[1] and body[1].endswith("undone")
    store.redo("consensus")
    assert [e["status"] for e in store.reconcile_log()] == ["in effect", "in effect"]
    store.undo("consensus")
    store.undo("consensus")  # the take too: its coding goes
    assert store.codings(coder="consensus") == []
    assert [e["status"] for e in store.reconcile_log()] == ["undone", "undone"]


def test_empty_project_says_so_in_one_line(store, tmp_path):
    assert _log(tmp_path) == NOTHING + "\n"
    build_project(store)  # codings, but nothing reconciled yet
    assert _log(tmp_path) == NOTHING + "\n"
    assert json.loads(_log(tmp_path, "--format", "json")) == []
    assert _log(tmp_path, "--format", "csv") == (
        "time,by,consensus,compared,theme,theme_name,transcript,span,quote,rule,result,"
        "status,source,event\n")


async def _opens_counting_the_rejection(store) -> str:
    """Open the screen (asha vs ben) with item 2 rejected before: it opens on the one
    undecided item, the rejection counted; ``n`` (after ``d``: decided ones too) shows item 2
    as rejected. Returns the consensus pane's text there."""
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot)
        status = _text(app, "#reconcile-status")
        assert status.startswith("Disagreement 1/2 (1 decided)") and "· undecided" in status
        await pilot.press("d", "n")
        await pilot.pause()
        assert "· rejected" in _text(app, "#reconcile-status")
        return _text(app, "#consensus-text")


async def test_a_logged_rejection_shows_when_the_screen_is_opened_again(store):
    build_project(store)
    await _decide(store, "n", "x")  # skip item 1, reject item 2
    assert "(rejected)" in await _opens_counting_the_rejection(store)
    store.undo("consensus")  # undone elsewhere: the stretch is undecided again
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot)
        assert _text(app, "#reconcile-status").startswith("Disagreement 1/2 (0 decided)")


def test_an_output_suffix_it_cannot_write_is_refused(store, tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "project.db"), "reconcile", "log",
                                      "-o", str(tmp_path / "log.xlsx")])
    assert result.exit_code == 1
    assert "written as a table (.txt), .csv or .json, not xlsx" in result.output
    assert not (tmp_path / "log.xlsx").exists()
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "project.db"), "reconcile", "log",
                                      "-o", str(tmp_path / "log.txt")])
    assert result.exit_code == 0 and result.stdout == ""
    assert f"Wrote 0 rows to {tmp_path / 'log.txt'}. 0 reconcile decisions;" in result.stderr
    assert (tmp_path / "log.txt").read_text(encoding="utf-8") == NOTHING + "\n"


async def test_a_rejection_merged_from_a_copy_shows_in_the_screen_and_the_log(store, tmp_path):
    """The screen and ``qcahp reconcile log`` read the same decisions (Store.reconcile_log),
    merged ones included: a rejection made in the lead's copy counts as decided here."""
    asha, _ = build_project(store)
    text = store.transcript_text(asha.id)
    board = text.index("The board")
    store.close()
    shutil.copy(tmp_path / "project.db", tmp_path / "lead.db")
    lead = open_store(tmp_path / "lead.db")
    lead.reconcile(asha.id, "mandate", "consensus", [], rule="reject", compared=["asha", "ben"],
                   start=board, end=len(text), decided_by="lead")
    lead.close()
    main = open_store(tmp_path / "project.db")
    main.merge_from(tmp_path / "lead.db")
    await _opens_counting_the_rejection(main)
    [event] = main.reconcile_log()
    main.close()
    body = _log(tmp_path).splitlines()
    assert len(body) == 5 and "reject" in body[2] and "none (rejected)" in body[2]
    assert body[2].endswith("in effect  merged from lead.db")
    assert f"[{board}, {len(text)})" in body[2] and event["decided_by"] == "lead"


def test_csv_and_json_carry_the_whole_stretch_the_table_a_short_quote(store, tmp_path):
    """A methods appendix cites the passage: CSV and JSON keep all of it, one line."""
    asha, _ = build_project(store)
    text = store.transcript_text(asha.id)
    whole = " ".join(text.split())  # the whole transcript as one stretch: over 60 characters
    assert len(whole) > 60
    store.reconcile(asha.id, "mandate", "consensus", [(0, len(text))], rule="union",
                    compared=["asha", "ben"], start=0, end=len(text), decided_by="asha")
    table = _log(tmp_path).splitlines()
    assert whole not in "\n".join(table) and whole[:40] in table[2] and "…" in table[2]
    rows = list(csv.DictReader(io.StringIO(_log(tmp_path, "--format", "csv"))))
    assert [r["quote"] for r in rows if r["rule"] == "union"] == [whole]
    data = json.loads(_log(tmp_path, "--format", "json"))
    assert [r["quote"] for r in data if r["rule"] == "union"] == [whole]


def test_the_log_fits_an_80_column_terminal(store, tmp_path, monkeypatch):
    """Twelve columns, about 150 characters, wrapped into a jumble on an 80-column
    terminal; each decision now takes two lines there, every line within 80."""
    asha, _ = build_project(store)
    text = store.transcript_text(asha.id)
    board = text.index("The board")
    store.reconcile(asha.id, "mandate", "consensus", [(board, len(text))], rule="take",
                    taken_from="asha", compared=["asha", "ben"], start=board,
                    end=len(text), decided_by="asha")
    wide = _log(tmp_path).splitlines()  # a pipe or a file: every column, one line each
    assert max(map(len, wide)) > 100 and "theme_name" in wide[0]
    monkeypatch.setenv("COLUMNS", "80")
    lines = _log(tmp_path).splitlines()
    table = lines[:lines.index("")]
    assert max(map(len, table)) <= 80, "\n".join(table)
    assert table[0].split() == ["time", "by", "theme", "transcript", "span"]
    assert "mandate" in table[2] and "asha" in table[2]
    assert table[3].split(" · ")[:2] == ["    take asha", "in effect"]
    assert "\u201cThe board" in table[3]
    summary = lines[lines.index("") + 1:]  # wrapped to the terminal too
    assert " ".join(summary).startswith("1 reconcile decision")
    assert max(map(len, summary)) <= 80
