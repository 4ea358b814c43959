"""The figures a team prunes its codebook by, across codebook versions (session 21).

One small project (two coders, decisions, a hand coding) goes through a codebook's life
one edit at a time: a pattern changed, one removed, one moved to another theme, a theme
retired and brought back, a pattern's id renamed; ``qcahp suggest`` after each. After
every step ``qcahp patterns`` (table and JSON), ``qcahp suggestions --format json``,
``qcahp evaluate --coder X --by-pattern`` and the workbench's patterns screen agree with
each other and with the database.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.suggest.codebook import load_codebook
from qualcoder_ahp.suggest.runner import run_suggestions
from tests.test_engine import transcript

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
BY_CHANCE = r'regex: "\\bby (?:pure )?chance\\b"'
RIGHT_PLACE = '          - id: ser_right_place\n' \
    '            tokens: [{LOWER: right}, {LOWER: place}, {LOWER: at, OP: "?"}]\n'
COMMISSIONING = ('          - id: ntr_commissioning\n'
                 '            tokens: [{LEMMA: {IN: [commission, commissioning]}}]\n')


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def patterns_json(db: Path, *args: str) -> dict[str, dict[str, Any]]:
    return {r["pattern"]: r for r in json.loads(run(db, "patterns", "--format", "json",
                                                    *args))}


def build(tmp_path: Path) -> Path:
    """Two transcripts; ana and ben decide, ana codes a passage by hand."""
    db = tmp_path / "p.db"
    with open_store(db) as store:
        store.save_codebook(load_codebook(SMALL))
        store.add_transcript("one", transcript([
            ("Q", "interviewer", "Tell me about your career."),
            ("P", "participant", "I fell into it by chance. I was in the right place at the "
             "right time. They asked me to lead commissioning.")]))
        store.add_transcript("two", transcript([
            ("P", "participant", "It happened by chance. Later I became operational "
             "manager.")]))
        run_suggestions(store)
        text = {t.id: store.transcript_text(t.id) for t in store.transcripts()}
        by = {(s.theme_id, text[s.transcript_id][s.start:s.end].split()[-1]): s.id
              for s in store.suggestions() if s.transcript_id == 1}
        store.accept(by["serendipity", "chance."], "ana")  # one: fell into + by chance
        store.reject(by["serendipity", "chance."], "ben")
        store.reject(by["serendipity", "time."], "ana")  # right place
        store.accept(by["non_traditional_roles", "commissioning."], "ana")
        store.accept(by["serendipity", "commissioning."], "ben")  # asked me to
        two = [s for s in store.suggestions() if s.transcript_id == 2]
        store.accept(next(s.id for s in two if s.theme_id == "serendipity"), "ben")
        store.reject(next(s.id for s in two if s.theme_id == "non_traditional_roles"), "ana")
        one = text[1]
        at = one.index("the right time")
        store.code(1, "serendipity", "ana", at, at + len("the right time"))
    return db


def expected_from_db(db: Path, coder: str | None = None) -> dict[str, dict[str, Any]]:
    """Each pattern's figures worked out from the rows themselves."""
    conn = sqlite3.connect(db)
    try:
        patterns = {pid: (theme, active) for pid, theme, active in conn.execute(
            "SELECT id, theme_id, active FROM patterns")}
        out: dict[str, dict[str, Any]] = {}
        for sid, theme, pids, found, lost in conn.execute(
                "SELECT id, theme_id, pattern_ids, found, lost_pattern_ids FROM suggestions "
                "WHERE status = 'open'"):
            everyone = [r[0] for r in conn.execute(
                "SELECT k.name FROM decisions d JOIN coders k ON k.id = d.coder_id "
                "WHERE d.suggestion_id = ?", [sid])]
            statuses = [r[0] for r in conn.execute(
                "SELECT d.status FROM decisions d JOIN coders k ON k.id = d.coder_id "
                "WHERE d.suggestion_id = ? AND (? IS NULL OR k.name = ?)", [sid, coder, coder])]
            counted = [pid for pid in json.loads(pids) if found and patterns[pid][0] == theme]
            gone = [*(json.loads(pids) if not found else []),
                    *(pid for pid in json.loads(lost) if everyone and patterns[pid][1])]
            for pid, key in [*((p, "now") for p in counted), *((p, "gone") for p in gone)]:
                row = out.setdefault(pid, {"now": [0, 0, 0, 0], "gone": [0, 0, 0, 0]})[key]
                row[0] += 1
                row[1] += len(statuses) - statuses.count("rejected")
                row[2] += statuses.count("rejected")
                row[3] += not statuses
        return out
    finally:
        conn.close()


def check_agree(db: Path) -> dict[str, dict[str, Any]]:
    """Every surface's figures agree; returns ``qcahp patterns --format json`` by id."""
    from qualcoder_ahp.tui.screens.patterns import pattern_record

    for coder in (None, "ana", "ben"):
        args = () if coder is None else ("--coder", coder)
        shown = patterns_json(db, *args)
        want = expected_from_db(db, coder)
        keys = ("suggestions", "accepted", "rejected", "open")
        for pid, row in shown.items():
            exp = want.get(pid, {"now": [0, 0, 0, 0], "gone": [0, 0, 0, 0]})
            assert [row[k] for k in keys] == exp["now"], (pid, coder, row, exp)
            gone = row["no_longer_found"]
            assert [gone[k] for k in keys] == exp["gone"], (pid, coder, gone, exp)
            decided = row["accepted"] + row["rejected"]
            assert row["precision"] == (row["accepted"] / decided if decided else None)
        with open_store(db) as store:  # what the workbench's patterns screen shows
            assert {r["pattern"]: r for r in pattern_record(store, None, coder).rows} == shown
    shown = patterns_json(db)
    # The suggestions list: the same suggestions, found or not, with their patterns.
    listed = json.loads(run(db, "suggestions", "--status", "all", "--format", "json"))
    for pid, row in shown.items():
        mine = [s for s in listed if s["status"] == "open" and pid in s["patterns"]]
        assert sum(s["found"] and s["theme"] == row["theme"] for s in mine) == \
            row["suggestions"], pid
        lost = [s for s in listed if s["status"] == "open" and pid in s["lost_patterns"]]
        assert not {s["id"] for s in mine} & {s["id"] for s in lost}, pid
        with open_store(db) as store:
            decided = [s for s in lost if any(store.decision_of(s["id"], c) for c in
                                              store.coders())]
        assert sum(not s["found"] for s in mine) + len(decided) * row["active"] == \
            row["no_longer_found"]["suggestions"], pid
    # The table says what the JSON says.
    table = run(db, "patterns")
    for pid, row in shown.items():
        line = next(x for x in table.splitlines() if x.split() and x.split()[0] == pid)
        cells = line.split()
        assert str(row["suggestions"]) in cells and str(row["open"]) in cells, line
    gone = [f"{pid} {row['no_longer_found']['suggestions']}" for pid, row in shown.items()
            if row["no_longer_found"]["suggestions"]]
    flat = " ".join(table.split())
    for said in gone:
        assert said in flat, (said, table)
    if not gone:
        assert "no longer found" not in flat
    # evaluate --by-pattern credits only patterns that find suggestions now, each for the
    # theme it is of now.
    for coder in ("ana", "ben"):
        result = json.loads(run(db, "evaluate", "--coder", coder, "--by-pattern",
                                "--format", "json"))
        for p in result["patterns"]:
            assert p["pattern"] in shown and shown[p["pattern"]]["active"], p
            assert p["theme"] == shown[p["pattern"]]["theme"], p
            assert shown[p["pattern"]]["suggestions"] > 0, p
    return shown


def load(db: Path, tmp_path: Path, text: str) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(text, encoding="utf-8")
    run(db, "codebook", "load", str(path))
    run(db, "suggest")


def test_every_figure_agrees_across_a_codebooks_versions(tmp_path: Path) -> None:
    db = build(tmp_path)
    text = SMALL.read_text()
    first = check_agree(db)
    assert (first["ser_by_chance"]["suggestions"], first["ser_by_chance"]["accepted"]) == (2, 2)
    # 1. A changed pattern: "by chance" alone no longer counts.
    text = text.replace(BY_CHANCE, r'regex: "\\bby pure chance\\b"')
    load(db, tmp_path, text)
    rows = check_agree(db)
    assert rows["ser_by_chance"]["suggestions"] == 0
    # Two's (ben accepted it), which no pattern finds now, and one's first sentence (ana
    # accepted, ben rejected), which ser_fell_into still finds.
    assert rows["ser_by_chance"]["no_longer_found"] == {
        "suggestions": 2, "accepted": 2, "rejected": 1, "open": 0}
    assert (rows["ser_fell_into"]["suggestions"], rows["ser_fell_into"]["accepted"]) == (1, 1)
    # 2. A removed pattern: its decided suggestion stays, counted apart.
    text = text.replace(RIGHT_PLACE, "")
    load(db, tmp_path, text)
    rows = check_agree(db)
    assert not rows["ser_right_place"]["active"]
    assert rows["ser_right_place"]["suggestions"] == 0
    assert rows["ser_right_place"]["no_longer_found"]["rejected"] == 1
    # 3. A pattern moved to another theme.
    text = text.replace(COMMISSIONING, "")
    text = text.replace("          - id: ser_ask_lemma\n",
                        COMMISSIONING + "          - id: ser_ask_lemma\n")
    load(db, tmp_path, text)
    rows = check_agree(db)
    assert rows["ntr_commissioning"]["theme"] == "serendipity"
    assert rows["ntr_commissioning"]["no_longer_found"]["accepted"] == 1  # ana's, for ntr
    assert rows["ntr_commissioning"]["accepted"] == 1  # ben's, of serendipity
    # 4. A theme retired, then brought back.
    run(db, "codebook", "retire", "non_traditional_roles", "--coder", "ana")
    run(db, "suggest")
    rows = check_agree(db)
    assert rows["ntr_ops_turn"]["suggestions"] == 0
    assert rows["ntr_ops_turn"]["theme_retired"] and rows["ntr_ops_turn"]["active"]
    assert "ntr_ops_turn non_traditional_roles phrase (theme retired) 0 0 0 0" in " ".join(
        run(db, "patterns").split())
    assert rows["ntr_commissioning"]["no_longer_found"]["suggestions"] == 0  # retired too
    run(db, "codebook", "restore", "non_traditional_roles", "--coder", "ana")
    run(db, "suggest")
    rows = check_agree(db)
    assert (rows["ntr_ops_turn"]["suggestions"], rows["ntr_ops_turn"]["rejected"]) == (1, 1)
    assert not rows["ntr_ops_turn"]["theme_retired"]
    assert rows["ntr_commissioning"]["no_longer_found"]["accepted"] == 1
    # 5. A pattern's id renamed: the same suggestions and decisions, under the new id.
    text = text.replace("id: ser_fell_into", "id: ser_fell")
    load(db, tmp_path, text)
    rows = check_agree(db)
    assert "ser_fell_into" not in rows
    assert (rows["ser_fell"]["suggestions"], rows["ser_fell"]["accepted"],
            rows["ser_fell"]["rejected"]) == (1, 1, 1)
    # 6. The changed pattern changed back: its suggestion counts for it again.
    text = text.replace(r'regex: "\\bby pure chance\\b"', BY_CHANCE)
    load(db, tmp_path, text)
    rows = check_agree(db)
    assert rows["ser_by_chance"]["suggestions"] == 2
    assert rows["ser_by_chance"]["no_longer_found"]["suggestions"] == 0


def test_figures_agree_after_a_theme_merge_and_an_undone_decision(tmp_path: Path) -> None:
    db = build(tmp_path)
    load(db, tmp_path, SMALL.read_text().replace(BY_CHANCE, r'regex: "\\bby pure chance\\b"'))
    check_agree(db)
    # ben takes back his accept of the suggestion no pattern finds: nobody has decided it.
    run(db, "undo", "--coder", "ben")
    rows = check_agree(db)
    assert rows["ser_by_chance"]["no_longer_found"]["open"] == 1
    run(db, "suggest")  # undecided and found by no pattern: retired
    rows = check_agree(db)
    assert rows["ser_by_chance"]["no_longer_found"] == {  # one's, ser_fell_into finds it
        "suggestions": 1, "accepted": 1, "rejected": 1, "open": 0}
    run(db, "codebook", "merge-theme", "non_traditional_roles", "serendipity",
        "--coder", "ana")
    run(db, "suggest")
    rows = check_agree(db)
    assert rows["ntr_ops_turn"]["suggestions"] == 0 and rows["ntr_ops_turn"]["theme_retired"]


async def test_the_workbench_patterns_screen_agrees_after_the_edits(tmp_path: Path) -> None:
    """The whole codebook's patterns screen (y on the transcripts screen) shows what
    `qcahp patterns --format json` gives, after a changed, a removed and a moved pattern
    and a retired theme."""
    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.patterns import PatternsScreen
    from tests.test_patterns_tui import head, rows, settle
    from tests.tui.conftest import press_for_screen

    db = build(tmp_path)
    text = SMALL.read_text().replace(BY_CHANCE, r'regex: "\\bby pure chance\\b"')
    text = text.replace(RIGHT_PLACE, "").replace(COMMISSIONING, "").replace(
        "          - id: ser_ask_lemma\n", COMMISSIONING + "          - id: ser_ask_lemma\n")
    load(db, tmp_path, text)
    run(db, "codebook", "retire", "interviewing", "--coder", "ana")
    run(db, "suggest")
    want = check_agree(db)
    app = make_app(db, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await press_for_screen(pilot, "y", PatternsScreen)
        await settle(pilot)
        shown = rows(screen)
        assert set(shown) == set(want)
        for pid, row in want.items():
            if row["exclude"]:
                continue
            prec = "\u2014" if row["precision"] is None else f"{row['precision']:.0%}"
            assert shown[pid][3:] == [str(row["suggestions"]), str(row["accepted"]),
                                      str(row["rejected"]), str(row["open"]), prec], pid
        gone = sum(r["no_longer_found"]["suggestions"] for r in want.values())
        assert gone == 4
        assert ("Not counted: 4 decided suggestions these patterns no longer find "
                "(3 accepted, 2 rejected)") in head(screen)
        assert shown["ser_right_place"][2].startswith("removed:")
        assert shown["int_career"][2].startswith("theme retired:")
