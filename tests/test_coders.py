"""`qcahp coders`: list the coders, rename one, join two spellings of one person.

Each test builds a small project in its own folder where one person coded under two
names (Ana, ana) next to ben, with decided suggestions, hand codings, memos, a
reconcile decision, blind coding on and remembered coder settings.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.helpers.project import build_project, check_consistent


def run(db: Path, *args: str, columns: int | None = None) -> tuple[int, str, str]:
    """``qcahp --db DB ARGS``: exit code, stdout, stderr."""
    env = {"COLUMNS": str(columns)} if columns else None
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def dump(db: Path) -> tuple[str, str]:
    """The database's SQL dump and the SHA-256 of its file (the store closed)."""
    conn = sqlite3.connect(str(db))
    try:
        text = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return text, hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.fixture
def twins(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """Ana and ana (one person) and ben; returns the database and some ids."""
    path = tmp_path / "p.db"
    store = build_project(path)
    story = store.transcript("story0")
    s = [x.id for x in store.suggestions(transcript_id=story.id)]
    store.accept(s[0], "Ana")          # then ana accepts it too: identical
    store.reject(s[1], "Ana")          # then ana accepts it: conflict, ana's later
    store.reject(s[2], "ana")          # then Ana accepts it: conflict, Ana's later
    store.accept(s[0], "ana")
    store.accept(s[1], "ana")
    store.accept(s[2], "Ana")
    store.accept(s[3], "Ana")          # Ana's alone: moves
    for sid in s[:4]:
        store.reject(sid, "ben")
    store.accept(s[4], "ben")
    store.set_memo("Ana", "theme", "serendipity", "luck, not planning")
    mine = store.code(story.id, "mandate", "Ana", 0, 10)
    store.set_memo("Ana", "coding", mine.id, "the opening")
    store.set_memo("ana", "theme", "serendipity", "chance")
    theirs = store.code(story.id, "mandate", "ana", 0, 10)   # identical to Ana's: later
    overlap = store.code(story.id, "mandate", "ana", 5, 15)  # overlaps: stays
    store.reconcile(story.id, "mandate", "consensus", [(0, 10)], rule="take",
                    taken_from="Ana", compared=["Ana", "ben"], start=0, end=10,
                    decided_by="Ana")
    store.set_setting("blind", "1")
    store.set_setting("coder", "Ana")
    store.set_setting("recent_themes:Ana", json.dumps(["mandate", "serendipity"]))
    store.set_setting("recent_themes:ana", json.dumps(["relationships"]))
    store.close()
    return path, {"s0": s[0], "s1": s[1], "s2": s[2], "s3": s[3], "mine": mine.id,
                  "theirs": theirs.id, "overlap": overlap.id, "story": story.id}


# --------------------------------------------------------------------------- list
def test_coders_lists_each_coder_with_their_work(twins: tuple[Path, dict[str, int]]) -> None:
    db, _ = twins
    code, out, err = run(db, "coders", columns=80)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["coder", "codings", "decisions", "memos", "last", "activity",
                                "(UTC)"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:] if line[:1] != "n"}
    # s0, s2, s3, [0, 10); 4 decisions and the reconcile decision Ana made; 2 memos
    assert rows["Ana"][:6] == ["4", "4", "+", "1", "reconcile", "2"]
    assert rows["ana"][:3] == ["4", "3", "1"]   # s0, s1, [0, 10), [5, 15)
    assert rows["ben"][:3] == ["1", "5", "0"]
    assert rows["consensus"][:6] == ["(consensus)", "1", "from", "1", "reconcile", "0"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", rows["Ana"][6])
    assert all(len(line) <= 80 for line in lines)
    assert "'Ana' and 'ana' differ only by case or spaces" in err
    assert "`qcahp coders join Ana ana`" in err
    code, out, _ = run(db, "coders", "--format", "json")
    data = {r["coder"]: r for r in json.loads(out)}
    assert data["Ana"]["codings"] == 4 and data["consensus"]["consensus"] is True


# --------------------------------------------------------------------------- rename
def test_rename_keeps_the_coder_and_moves_the_settings(
        twins: tuple[Path, dict[str, int]]) -> None:
    db, ids = twins
    with open_store(db) as store:
        before = {c.id for c in store.codings(coder="ben")}
        guid = store.find_coder("ben")[2]
        ben_events = len(store.events(coder="ben"))
    code, out, err = run(db, "coders", "rename", "ben", "Ben Okafor")
    assert code == 0, err
    assert out == (f"Renamed coder 'ben' to 'Ben Okafor' (same coder and GUID {guid}).\n")
    with open_store(db) as store:
        assert "ben" not in store.coders()
        assert {c.id for c in store.codings(coder="Ben Okafor")} == before
        assert store.decision_of(ids["s0"], "Ben Okafor") == "rejected"
        assert store.find_coder("Ben Okafor")[2] == guid
        assert len(store.events(coder="Ben Okafor")) == ben_events + 1
        assert store.get_setting("blind") == "1"
    # The remembered coder and the recent themes follow the name.
    code, out, err = run(db, "coders", "rename", "Ana", "Ana Silva")
    assert code == 0, err
    assert out.endswith("; the workbench's remembered coder and recent themes follow.\n")
    with open_store(db) as store:
        assert store.get_setting("coder") == "Ana Silva"
        assert store.get_setting("recent_themes:Ana") is None
        assert json.loads(store.get_setting("recent_themes:Ana Silva") or "") == [
            "mandate", "serendipity"]
        assert store.memo("Ana Silva", "theme", "serendipity") == "luck, not planning"
    code, out, _ = run(db, "log", "--coder", "Ana Silva", "--limit", "1")
    assert "renamed coder 'Ana' to 'Ana Silva'" in out
    # `log --kind` finds the renames, and nothing else.
    code, out, err = run(db, "log", "--kind", "coder_rename", "--format", "json")
    assert code == 0, err
    assert [e["kind"] for e in json.loads(out)["events"]] == ["coder_rename", "coder_rename"]
    check_consistent(db).close()


def test_undo_and_redo_carry_on_after_a_rename(twins: tuple[Path, dict[str, int]]) -> None:
    db, ids = twins
    assert run(db, "coders", "rename", "ana", "anna")[0] == 0
    code, out, err = run(db, "undo", "--coder", "anna")
    assert code == 0, err
    assert "[5, 15)" in out   # ana's last decision: the overlapping coding
    with open_store(db) as store:
        assert ids["overlap"] not in {c.id for c in store.codings(coder="anna")}
    assert run(db, "redo", "--coder", "anna")[0] == 0
    with open_store(db) as store:
        assert ids["overlap"] in {c.id for c in store.codings(coder="anna")}
    check_consistent(db).close()


def test_a_refi_export_keeps_the_renamed_coders_guid(
        twins: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    db, _ = twins
    assert run(db, "refi", "export", str(tmp_path / "before.qdpx"))[0] == 0
    assert run(db, "coders", "rename", "ben", "Ben")[0] == 0
    assert run(db, "refi", "export", str(tmp_path / "after.qdpx"))[0] == 0

    def users(file: Path) -> dict[str, str]:
        with zipfile.ZipFile(file) as z:
            xml = z.read("project.qde").decode()
        return dict(re.findall(r'<User guid="([^"]*)" name="([^"]*)"', xml))

    before, after = users(tmp_path / "before.qdpx"), users(tmp_path / "after.qdpx")
    assert set(before) == set(after)
    renamed = [g for g in before if before[g] == "ben"]
    assert len(renamed) == 1 and after[renamed[0]] == "Ben"


@pytest.mark.parametrize(("args", "message"), [
    (("rename", "Anna", "x"), "no coder named 'Anna' in this project; did you mean 'Ana' or "
                              "'ana'? (coders: Ana, ana, ben, consensus)"),
    (("rename", "bne", "x"), "no coder named 'bne' in this project; did you mean 'ben'? "
                             "(coders: Ana, ana, ben, consensus)"),
    (("rename", "Ana", "ana"), "a coder named 'ana' exists already; to make one coder of the "
                               "two, `qcahp coders join Ana ana`"),
    (("rename", "Ana", "  "), "a coder needs a name"),
    (("rename", "Ana", "Ana"), "coder 'Ana' is named 'Ana' already"),
    (("rename", "consensus", "agreed"), "'consensus' is the consensus coder"),
    (("rename", "ben", "consensus"), "'consensus' is the name of the consensus coder"),
    (("join", "Ana", "consensus"), "'consensus' is the consensus coder"),
    (("join", "consensus", "ana"), "'consensus' is the consensus coder"),
    (("join", "Ana", "Ana"), "cannot join coder 'Ana' into itself"),
    (("join", "Ana", "anne"), "no coder named 'anne' in this project; did you mean 'Ana' or "
                              "'ana'? (coders: Ana, ana, ben, consensus)"),
])
def test_refusals_leave_the_database_as_it_was(twins: tuple[Path, dict[str, int]],
                                               args: tuple[str, ...], message: str) -> None:
    db, _ = twins
    before = dump(db)
    code, out, err = run(db, "coders", *args)
    assert code == 1 and out == ""
    assert err.startswith("Error: ") and len(err.splitlines()) == 1, err
    assert message in err
    assert dump(db) == before


@pytest.mark.parametrize("args", [("counts", "--coder", "bne"), ("log", "--coder", "bne"),
                                  ("reconcile", "log", "--by", "bne")])
def test_every_command_names_an_unknown_coder_alike(twins: tuple[Path, dict[str, int]],
                                                    args: tuple[str, ...]) -> None:
    """Every command refuses a coder that is not there in the same words as
    ``coders rename``: the coders, then the likeliest spelling when one is close."""
    db, _ = twins
    before = dump(db)
    code, out, err = run(db, *args)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and err.rstrip().endswith(
        "(coders: Ana, ana, ben, consensus)"), err
    if args[0] == "reconcile":  # its hint is the rename a name went by: none here
        assert err.startswith("Error: no coder named 'bne' in this project (coders: ")
    else:
        assert err.startswith("Error: no coder named 'bne' in this project; did you mean "
                              "'ben'? (coders: ")
    assert dump(db) == before


@pytest.mark.parametrize("args", [("rename", "consensus", "agreed"),
                                  ("rename", "ben", "consensus"),
                                  ("join", "Ana", "consensus"),
                                  ("join", "consensus", "ana")])
def test_a_consensus_refusal_says_nothing_was_changed(twins: tuple[Path, dict[str, int]],
                                                      args: tuple[str, ...]) -> None:
    """Like every other refusal of the consensus coder (hand coding, theme changes)."""
    db, _ = twins
    code, _, err = run(db, "coders", *args)
    assert code == 1 and err.rstrip().endswith("; nothing was changed"), err


def test_a_coder_a_decision_went_into_is_not_renamed_or_joined(
        twins: tuple[Path, dict[str, int]]) -> None:
    """Not only ``consensus``: any coder a reconcile decision went into holds a consensus
    coding, as hand coding and theme changes also see it."""
    db, ids = twins
    with open_store(db) as store:
        store.reconcile(ids["story"], "mandate", "agreed", [(0, 10)], rule="take",
                        taken_from="ben", compared=["Ana", "ben"], start=0, end=10,
                        decided_by="ben")
    before = dump(db)
    for args in (("rename", "agreed", "team"), ("join", "agreed", "ben"),
                 ("join", "ben", "agreed")):
        code, out, err = run(db, "coders", *args)
        assert (code, out) == (1, "") and "'agreed' is the consensus coder" in err, err
    assert dump(db) == before


def test_one_folding_finds_two_names_of_one_person() -> None:
    """``coders`` (its note), ``find_coder`` (its hint) and ``agreement`` (its warning)
    fold a name alike: case and spaces aside."""
    from qualcoder_ahp.cli.coders import twins
    from qualcoder_ahp.model.coders_store import fold_name

    assert fold_name(" Ana  S ") == fold_name("anas") == "anas"
    assert twins(["Ana S", "ben", "anas", "Ben "]) == [("Ana S", "anas"), ("ben", "Ben ")]


# --------------------------------------------------------------------------- join
JOINED = ("Joined coder 'Ana' into 'ana': 4 decisions moved, 4 codings moved, 2 memos moved, "
          "{events} log events now ana's, 1 identical decision kept once, 1 identical "
          "coding kept once, 1 memo joined with ana's (both texts kept), 2 decision "
          "conflicts: kept the later decision.")


def test_join_moves_everything_and_says_what(twins: tuple[Path, dict[str, int]]) -> None:
    db, ids = twins
    with open_store(db) as store:
        ana_events = [e["id"] for e in store.events(coder="Ana")]
        from_guid, into_guid = store.find_coder("Ana")[2], store.find_coder("ana")[2]
    code, out, err = run(db, "coders", "join", "Ana", "ana")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == JOINED.format(events=len(ana_events))
    assert re.fullmatch(
        rf"  suggestion {ids['s1']} \(winding_route\) on story0 \[\d+, \d+\): kept ana's "
        r"accepted \(.{19}\), not Ana's rejected \(.{19}\)", lines[1])
    assert re.fullmatch(
        rf"  suggestion {ids['s2']} \(serendipity\) on story0 \[\d+, \d+\): kept Ana's "
        r"accepted \(.{19}\), not ana's rejected \(.{19}\)", lines[2])
    assert len(lines) == 3
    with open_store(db) as store:
        assert store.coders() == ["ana", "ben", "consensus"]
        # The later decision stands on every suggestion both decided.
        assert [store.decision_of(ids[k], "ana") for k in ("s0", "s1", "s2", "s3")] == [
            "accepted"] * 4
        codings = store.codings(coder="ana", transcript_id=ids["story"], theme_id="mandate")
        # Identical codings kept once (the later, ana's); the overlapping one stays.
        assert [(c.id, c.start, c.end) for c in codings] == [
            (ids["theirs"], 0, 10), (ids["overlap"], 5, 15)]
        assert ids["mine"] not in {c.id for c in store.codings()}  # made inactive, kept
        one_each = store.codings(coder="ana")
        assert len(one_each) == len({(c.theme_id, c.start, c.end) for c in one_each}) == 6
        # Memos: both theme memos in one, the dropped coding's memo on the one kept.
        assert store.memo("ana", "theme", "serendipity") == "luck, not planning\n\nchance"
        assert store.memo("ana", "coding", ids["theirs"]) == "the opening"
        # Ana's events are ana's now; the join event lists them and both GUIDs.
        assert {e["id"] for e in store.events(coder="ana")} >= set(ana_events)
        join = store.events(coder="ana")[-1]
        assert join["kind"] == "coder_join"
        assert (join["from"], join["into"], join["from_guid"], join["into_guid"]) == (
            "Ana", "ana", from_guid, into_guid)
        assert sum(hi - lo + 1 for lo, hi in join["events"]) == len(ana_events)
        assert store.find_coder("ana")[2] == into_guid
        # Settings and blind coding.
        assert store.get_setting("coder") == "ana"
        assert json.loads(store.get_setting("recent_themes:ana") or "") == [
            "relationships", "mandate", "serendipity"]
        assert store.get_setting("recent_themes:Ana") is None
        assert store.get_setting("blind") == "1"
        # The reconcile record stands as it was made.
        [decision] = store.reconcile_log()
        assert (decision["coder"], decision["decided_by"], decision["status"]) == (
            "consensus", "Ana", "in effect")
        assert store.integrity_ok()
    # The log explains every coding, decision and memo still (a replay gives them).
    check_consistent(db).close()
    code, out, _ = run(db, "log", "--coder", "ana", "--limit", "1")
    assert ("joined coder 'Ana' into 'ana'" in out
            and "2 decision conflicts, the later decision kept" in out)


def test_agreement_counts_one_coder_after_the_join(twins: tuple[Path, dict[str, int]]) -> None:
    db, _ = twins
    assert run(db, "blind", "off")[0] == 0
    code, out, err = run(db, "agreement", "--coders", "Ana,ana,ben", "--unit", "sentence")
    assert code == 0, err
    assert out.startswith("Coders: Ana, ana, ben")
    assert run(db, "coders", "join", "Ana", "ana")[0] == 0
    code, out, err = run(db, "agreement", "--coders", "Ana,ben")
    assert code == 1 and "no coder named 'Ana'" in err
    code, out, err = run(db, "agreement", "--coders", "ana,ben", "--unit", "sentence",
                         "--format", "json")
    assert code == 0, err
    assert {str(row["coders"]) for row in json.loads(out)} == {"ana vs ben"}
    with open_store(db) as store:
        coded = {(c.transcript_id, c.theme_id, c.start, c.end) for c in store.codings()
                 if c.coder == "ana"}
    assert len(coded) == 6   # s0-s3, [0, 10), [5, 15): once each


def test_dry_run_says_the_same_and_changes_nothing(
        twins: tuple[Path, dict[str, int]]) -> None:
    db, _ = twins
    before = dump(db)
    code, out, err = run(db, "coders", "join", "Ana", "ana", "--dry-run")
    assert code == 0, err
    assert dump(db) == before
    lines = out.splitlines()
    assert lines[-1] == "Dry run: nothing was changed."
    code, done, _ = run(db, "coders", "join", "Ana", "ana")
    assert lines[0].replace("Would join", "Joined") == done.splitlines()[0]
    assert lines[1:-1] == done.splitlines()[1:]


def test_undo_after_a_join_reaches_the_joined_coders_last_decision(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    store = build_project(db)
    s = [x.id for x in store.suggestions()]
    store.accept(s[0], "ana")
    store.accept(s[1], "Ana")   # the last decision of the person, under the other name
    store.close()
    assert run(db, "coders", "join", "Ana", "ana")[0] == 0
    code, out, err = run(db, "undo", "--coder", "ana")
    assert code == 0, err
    with open_store(db) as store:
        assert store.decision_of(s[1], "ana") is None
        assert store.decision_of(s[0], "ana") == "accepted"
    assert run(db, "redo", "--coder", "ana")[0] == 0
    with open_store(db) as store:
        assert store.decision_of(s[1], "ana") == "accepted"
    check_consistent(db).close()


def test_a_join_whose_undo_histories_interleave_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    store = build_project(db)
    s = [x.id for x in store.suggestions()]
    store.accept(s[0], "Ana")
    store.accept(s[1], "ana")
    store.undo("Ana")           # takes back s0, made before ana's s1
    store.close()
    before = dump(db)
    code, out, err = run(db, "coders", "join", "Ana", "ana")
    assert code == 1 and out == ""
    assert ("'Ana' and 'ana' undid decisions in between each other's, so their undo "
            "histories do not replay as one") in err
    assert dump(db) == before


def test_the_merge_warning_names_the_join(tmp_path: Path) -> None:
    from tests.test_merge_coder_names import _merge

    out = _merge(tmp_path, "cai", "Cai")
    assert ("  to make them one coder: `qcahp coders join Cai cai` (--dry-run first says "
            "what it would do)") in out.splitlines()
    db = tmp_path / "main.db"
    code, out, err = run(db, "coders", "join", "Cai", "cai")
    assert code == 0, err
    with open_store(db) as store:
        assert store.coders() == ["cai"]
        assert {c.theme_id for c in store.codings(coder="cai")} == {"serendipity", "mandate"}


def test_a_theme_merge_of_the_joined_coders_memo_still_undoes(tmp_path: Path) -> None:
    """A theme merge moves every coder's memos, naming each coder in its changes: after
    the join those name INTO, so undoing the merge gives INTO the memo back (it failed on
    the removed coder)."""
    db = tmp_path / "m.db"
    store = build_project(db)
    store.set_memo("Ana", "theme", "serendipity", "luck")
    store.set_memo("ana", "theme", "mandate", "board")
    store.merge_theme("serendipity", "winding_route", coder="ben")
    store.close()
    assert run(db, "coders", "join", "Ana", "ana")[0] == 0
    code, out, err = run(db, "undo", "--coder", "ben")
    assert code == 0, err
    with open_store(db) as store:
        assert store.memo("ana", "theme", "serendipity") == "luck"
        assert store.memo("ana", "theme", "winding_route") is None
        assert store.integrity_ok()


def test_no_project_no_coders(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    for args in (("coders",), ("coders", "rename", "a", "b"), ("coders", "join", "a", "b")):
        code, out, err = run(db, *args)
        assert code == 1 and "no project database here" in err
    assert not db.exists()


# --------------------------------------------------------------------------- old names
def test_reconcile_log_by_and_log_coder_follow_a_join(
        twins: tuple[Path, dict[str, int]]) -> None:
    """Ana decided the reconcile decision; after the join `--by ana` and `--coder ana`
    find it too, while the record keeps the name it was made under."""
    db, _ = twins
    assert run(db, "coders", "join", "Ana", "ana")[0] == 0
    code, out, err = run(db, "reconcile", "log", "--by", "ana", "--format", "json")
    assert code == 0, err
    assert [(d["by"], d["compared"]) for d in json.loads(out)] == [("Ana", "Ana, ben")]
    code, out, err = run(db, "log", "--coder", "ana", "--kind", "reconcile", "--format",
                         "json")
    assert code == 0, err
    assert [e["kind"] for e in json.loads(out)["events"]] == ["reconcile"]
    code, out, err = run(db, "reconcile", "log", "--by", "ben", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == []


def test_reconcile_log_by_follows_a_chain_of_renames(
        twins: tuple[Path, dict[str, int]]) -> None:
    db, ids = twins
    assert run(db, "coders", "join", "ana", "ben")[0] == 0   # one coder to rename on
    assert run(db, "coders", "rename", "Ana", "Ana S")[0] == 0
    assert run(db, "coders", "rename", "Ana S", "Ana Silva")[0] == 0
    with open_store(db) as store:   # a coder called Ana again, who decided nothing
        store.code(ids["story"], "serendipity", "Ana", 0, 4)
    for who, found in (("Ana Silva", 1), ("Ana", 1), ("ben", 0)):
        code, out, err = run(db, "reconcile", "log", "--by", who, "--format", "json")
        assert (code, len(json.loads(out)) if code == 0 else err) == (0, found), who
    code, out, err = run(db, "reconcile", "log", "--by", "Ana S")   # a name in between
    assert code == 1 and err.endswith("'Ana S' was renamed or joined: the coder is 'Ana "
                                      "Silva' now, and --by 'Ana Silva' finds their "
                                      "decisions\n"), err
    code, out, err = run(db, "log", "--coder", "Ana Silva", "--kind", "reconcile")
    assert code == 0 and "decided by Ana" in out, err
    # `log --coder` with a name given up says whose events they are now.
    code, out, err = run(db, "log", "--coder", "Ana S")
    assert code == 1 and err.endswith("'Ana S' was renamed or joined: the coder is 'Ana "
                                      "Silva' now, and --coder 'Ana Silva' lists their "
                                      "events, those made as 'Ana S' too\n"), err
