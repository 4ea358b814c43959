"""Merging coders' project copies, and CSV import/export of codings."""

from __future__ import annotations

import csv
import shutil
import sqlite3

import pytest

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed
from tests.test_agreement_compute import ASHA, BEN


def _base(path):
    store = open_store(path)
    store.save_codebook(Codebook("ahp", (Theme("serendipity", "Serendipity"),
                                         Theme("mandate", "Board mandate"))))
    store.add_transcript("asha", make_parsed(ASHA))
    store.add_transcript("ben", make_parsed(BEN))
    return store


def _suggest(store, tid, theme, start, end):
    with store.write():
        cur = store.conn.execute(
            'INSERT INTO suggestions (transcript_id, theme_id, unit, start, "end", pattern_ids, '
            "matches, created_at) VALUES (?, ?, 'sentence', ?, ?, '[\"p1\"]', '[]', 'now')",
            [tid, theme, start, end])
    return cur.lastrowid


@pytest.fixture
def copies(tmp_path):
    """main.db with the corpus, and ben.db: a copy in which ben coded blind."""
    main = _base(tmp_path / "main.db")
    asha = main.transcript("asha")
    main.code(asha.id, "serendipity", "asha", 23, 55)
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "ben.db")
    ben = open_store(tmp_path / "ben.db")
    sid = _suggest(ben, asha.id, "mandate", 72, 97)
    ben.accept(sid, "ben")
    coded = ben.code(asha.id, "serendipity", "ben", 25, 55)
    ben.set_memo("ben", "coding", coded.id, "luck, not a plan")
    ben.code(asha.id, "mandate", "ben", 0, 3)
    ben.remove_coding(ben.codings(coder="ben", theme_id="mandate")[0].id, "ben")
    ben.close()
    return tmp_path / "main.db", tmp_path / "ben.db"


def _rows(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_merge_copies_codings_decisions_memos_and_events(copies):
    main_path, ben_path = copies
    store = open_store(main_path)
    counts = store.merge_from(ben_path)
    assert counts["coders"] == 1
    assert counts["codings"] == 3 and counts["decisions"] == 1 and counts["memos"] == 1
    assert counts["suggestions"] == 1
    ben = store.codings(coder="ben")
    assert sorted((c.theme_id, c.start, c.end, c.origin) for c in ben) == [
        ("mandate", 72, 97, "suggested"), ("serendipity", 25, 55, "manual")]
    seren = next(c for c in ben if c.theme_id == "serendipity")
    assert seren.memo == "luck, not a plan"
    sid = store.suggestions(theme_id="mandate")[0].id
    assert store.decision_of(sid, "ben") == "accepted"
    merged = [e for e in store.events("ben") if e["kind"] == "merged"]
    assert [e["kind"] for e in merged] == ["merged"] * 5
    assert {e["original"]["changes"][0]["op"] for e in merged} >= {"coding"}
    assert store.events()[-1]["kind"] == "merge"
    # asha's own coding (shared by both copies) was recognised, not duplicated
    assert len(store.codings(coder="asha")) == 1
    # ben's undo stack here holds no replayable events from the other database
    assert store.undo("ben") is None
    assert store.integrity_ok()
    store.close()


def test_merging_twice_adds_nothing(copies):
    main_path, ben_path = copies
    store = open_store(main_path)
    store.merge_from(ben_path)
    before = {t: _rows(main_path, f"SELECT COUNT(*) FROM {t}")
              for t in ("codings", "events", "decisions", "memos", "suggestions", "coders")}
    again = store.merge_from(ben_path)
    assert not any(again.values())
    after = {t: _rows(main_path, f"SELECT COUNT(*) FROM {t}") for t in before}
    assert after == before
    store.close()


def test_merge_back_the_other_way_recognises_merged_events(copies):
    main_path, ben_path = copies
    store = open_store(main_path)
    store.merge_from(ben_path)
    store.close()
    ben = open_store(ben_path)
    counts = ben.merge_from(main_path)
    # only main's summary "merge" event is new to ben's copy
    assert counts["codings"] == 0 and counts["events"] == 1
    ben.close()


def test_a_later_removal_in_the_copy_follows_on_remerge(copies):
    main_path, ben_path = copies
    store = open_store(main_path)
    store.merge_from(ben_path)
    ben = open_store(ben_path)
    coding = next(c for c in ben.codings(coder="ben") if c.theme_id == "serendipity")
    ben.remove_coding(coding.id, "ben")
    ben.close()
    counts = store.merge_from(ben_path)
    assert counts["codings_updated"] == 1
    assert [c.theme_id for c in store.codings(coder="ben")] == ["mandate"]
    store.close()


def test_mismatched_transcript_or_theme_refuses_and_merges_nothing(tmp_path, copies):
    main_path, ben_path = copies
    other = open_store(ben_path)
    other.add_transcript("cai", make_parsed([("Cai", "participant", "Something else.")]))
    other.save_codebook(Codebook("ahp", (Theme("serendipity", "Serendipity"),
                                         Theme("mandate", "Board mandate"),
                                         Theme("secret", "Secret weapon"))))
    other.close()
    store = open_store(main_path)
    before = {t: _rows(main_path, f"SELECT COUNT(*) FROM {t}")
              for t in ("codings", "events", "coders", "decisions", "memos")}
    with pytest.raises(UserError) as err:
        store.merge_from(ben_path)
    message = str(err.value)
    assert "nothing merged" in message and "cai" in message and "secret" in message
    assert "cai (import the same files here first, then merge again)" in message
    assert str(ben_path) in message
    after = {t: _rows(main_path, f"SELECT COUNT(*) FROM {t}") for t in before}
    assert after == before
    store.close()


def test_merge_refuses_non_databases_and_itself(tmp_path, copies):
    main_path, _ = copies
    store = open_store(main_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(UserError, match="not a qualcoder_ahp database"):
        store.merge_from(junk)
    with pytest.raises(UserError, match="no such"):
        store.merge_from(tmp_path / "missing.db")
    with pytest.raises(UserError, match="into itself"):
        store.merge_from(main_path)
    store.close()


# ------------------------------------------------------------------ CSV import / export


def test_export_then_import_round_trip(tmp_path, copies):
    _, ben_path = copies
    ben = open_store(ben_path)
    rows = ben.export_codings("ben")
    out = tmp_path / "ben.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    ben.close()
    fresh = _base(tmp_path / "fresh.db")
    counts = fresh.import_codings(out, "ben")
    assert counts == {"imported": 2, "already_present": 0}
    back = fresh.export_codings("ben")
    key = lambda r: (r["transcript"], r["theme"], r["start"], r["end"], r["quote"])  # noqa: E731
    assert sorted(map(key, back)) == sorted(map(key, rows))
    assert {r["origin"] for r in back} == {"imported"}
    assert fresh.import_codings(out, "ben") == {"imported": 0, "already_present": 2}
    fresh.close()


@pytest.mark.parametrize(("row", "message"), [
    ("nobody,serendipity,0,3,How", "line 3: no transcript 'nobody'"),
    ("asha,nope,0,3,How", "line 3: no theme 'nope'"),
    ("asha,serendipity,zero,3,How", "line 3: start and end must be whole numbers"),
    ("asha,serendipity,0,9999,How", "line 3: span [0, 9999) is outside"),
    ("asha,serendipity,0,3,Who", "line 3: quote does not match"),
])
def test_a_bad_row_names_file_and_line_and_stores_nothing(tmp_path, row, message):
    store = _base(tmp_path / "p.db")
    path = tmp_path / "in.csv"
    path.write_text("transcript,theme,start,end,quote\nasha,serendipity,0,3,How\n" + row + "\n",
                    encoding="utf-8")
    with pytest.raises(UserError) as err:
        store.import_codings(path, "ben")
    assert str(err.value).startswith(f"{path}: {message}")
    assert store.codings() == []
    store.close()


def test_missing_columns_and_empty_files_are_refused(tmp_path):
    store = _base(tmp_path / "p.db")
    path = tmp_path / "in.csv"
    path.write_text("transcript,theme,begin,end\n", encoding="utf-8")
    with pytest.raises(UserError, match="line 1: missing column"):
        store.import_codings(path, "ben")
    path.write_text("transcript,theme,start,end,quote\n", encoding="utf-8")
    with pytest.raises(UserError, match="no codings"):
        store.import_codings(path, "ben")
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(UserError, match="not valid UTF-16"):
        store.import_codings(path, "ben")
    store.close()


def test_a_decision_undone_in_the_copy_is_undone_here_on_remerge(copies):
    """ben accepts then rejects in his copy; main merges; ben undoes both there and
    main merges again: both suggestions must be undecided for ben in main, as there."""
    main_path, ben_path = copies
    ben = open_store(ben_path)
    asha = ben.transcript("asha")
    taken = _suggest(ben, asha.id, "serendipity", 0, 22)
    turned = _suggest(ben, asha.id, "mandate", 23, 55)
    ben.accept(taken, "ben")
    ben.reject(turned, "ben")
    ben.close()
    store = open_store(main_path)
    store.merge_from(ben_path)
    here = {s.start: s.id for s in store.suggestions()}
    assert store.decision_of(here[0], "ben") == "accepted"
    assert store.decision_of(here[23], "ben") == "rejected"
    ben = open_store(ben_path)
    ben.undo("ben")
    ben.undo("ben")
    assert ben.decision_of(taken, "ben") is None and ben.decision_of(turned, "ben") is None
    ben.close()
    counts = store.merge_from(ben_path)
    assert counts["codings_updated"] == 1 and counts["decisions_undone"] == 2
    assert store.decision_of(here[0], "ben") is None
    assert store.decision_of(here[23], "ben") is None
    assert not [c for c in store.codings(coder="ben") if c.start == 0]
    # ben's decision kept in both, and main's own decisions, are untouched
    assert store.decision_of(here[72], "ben") == "accepted"
    assert not any(store.merge_from(ben_path).values())
    assert store.integrity_ok()
    store.close()


@pytest.mark.parametrize("style", ["semicolons", "tabs", "headings", "empty rows"])
def test_a_csv_saved_by_a_spreadsheet_imports(tmp_path, style):
    """Excel where the decimal mark is a comma saves with semicolons; people retitle
    columns ("Start "), reorder them, and Excel leaves empty ",,,," rows at the end."""
    store = _base(tmp_path / "p.db")
    sep = {"semicolons": ";", "tabs": "\t"}.get(style, ",")
    head = ["quote", "end", "start", "theme", "transcript"]
    if style == "headings":
        head = [" Quote", "END", "Start ", "Theme", "Transcript"]
    lines = [sep.join(head), sep.join(['"How; did"', "7", "0", "serendipity", "asha"]),
             sep.join(["fell", "29", "25", "mandate", "asha"])]
    if style == "empty rows":
        lines += [",,,,", ",,,,"]
    path = tmp_path / "in.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines + [""]).encode("utf-8"))
    with pytest.raises(UserError, match=r"line 2: quote does not match"):
        store.import_codings(path, "ben")  # "How; did" is not the text at [0, 7)
    path.write_bytes(path.read_bytes().replace(b'"How; did"', b"How did"))
    assert store.import_codings(path, "ben") == {"imported": 2, "already_present": 0}
    assert sorted((c.theme_id, c.start, c.end) for c in store.codings(coder="ben")) == [
        ("mandate", 25, 29), ("serendipity", 0, 7)]
    store.close()


def test_a_csv_part_utf8_part_not_names_the_line(tmp_path):
    # A CSV wholly in Windows-1252 is read as such (as `participants import` reads it).
    store = _base(tmp_path / "p.db")
    path = tmp_path / "in.csv"
    path.write_bytes("transcript,theme,start,end,quote\nasha,serendipity,0,3,Ho\u2019\n"
                     .encode() + "asha,serendipity,0,3,Ho\u2019\n".encode("cp1252"))
    with pytest.raises(UserError, match=r"in\.csv: mixed text encodings: line 2 is UTF-8 "
                       "but line 3 is not"):
        store.import_codings(path, "ben")
    assert store.codings() == []
    store.close()


def test_an_export_of_every_coder_is_not_imported_as_one(tmp_path, copies):
    """`codings export` without --coder lists asha's and ben's codings; importing that
    file as ben must not make asha's codings ben's."""
    main_path, ben_path = copies
    store = open_store(main_path)
    store.merge_from(ben_path)
    rows = store.export_codings()
    store.close()
    assert {r["coder"] for r in rows} == {"asha", "ben"}
    out = tmp_path / "all.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    fresh = _base(tmp_path / "fresh.db")
    with pytest.raises(UserError, match=r"all\.csv: line \d: coded by '(asha|ben)', line 2 "
                       r"by '(asha|ben)'; import one coder's codings at a time"):
        fresh.import_codings(out, "ben")
    assert fresh.codings() == []
    mine = [r for r in rows if r["coder"] == "ben"]
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(mine)
    # One coder's file may go in under another name (a coder renamed).
    assert fresh.import_codings(out, "bea")["imported"] == len(mine)
    fresh.close()
