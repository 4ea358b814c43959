"""Merging one theme into another while coding (``qcahp codebook merge-theme``).

Every coder's codings of the merged theme become codings of the target over the same
spans, memos follow, the merged theme's suggestions are no longer offered (not even by a
later ``qcahp suggest``), and the theme retires; one undoable ``theme_merge`` event, whose
undo puts everything back exactly.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from tests.conftest import make_parsed
from tests.test_inductive_themes import (
    load_small_with_cli,
    project_and_copy,
    run,
    small_store,
    span_of,
)

LUCK = "Then it was luck."
MOTHER = "I looked after my mother for years."


def everything(store: Store) -> tuple[Any, ...]:
    """What a merge changes and its undo must restore: active codings (with memos), all
    memos, the themes and which are active, suggestion statuses, every coder's counts."""
    memos = sorted(store.conn.execute(
        "SELECT coder_id, target_kind, target_id, text FROM memos").fetchall())
    statuses = store.conn.execute("SELECT id, status FROM suggestions ORDER BY id").fetchall()
    counts = {c: store.theme_counts(c) for c in ("ana", "bo")}
    return (store.codings(), memos, store.themes(include_inactive=True),
            [t.id for t in store.themes()], statuses, counts)


def coded(store: Store) -> Store:
    """The small project with ``caring`` added and coded by two coders, memos on it."""
    tid = store.transcripts()[0].id
    store.add_theme("Caring", coder="ana")
    mine = store.code(tid, "caring", "ana", *span_of(store, MOTHER))
    store.code(tid, "caring", "ana", *span_of(store, LUCK))
    theirs = store.code(tid, "caring", "bo", *span_of(store, MOTHER))
    store.code(tid, "board", "bo", *span_of(store, MOTHER))  # bo has this span as board
    store.set_memo("ana", "theme", "caring", "Unpaid care.")
    store.set_memo("ana", "theme", "board", "The trust board.")
    store.set_memo("bo", "theme", "caring", "Looking after family.")
    store.set_memo("ana", "coding", mine.id, "Ten years of it.")
    store.set_memo("bo", "coding", theirs.id, "Her mother.")
    return store


def test_merge_moves_every_coders_codings_and_memos(store: Store, tmp_path: Path) -> None:
    small_store(store, tmp_path)
    coded(store)
    counts = store.merge_theme("caring", "board", coder="cy")
    assert counts == {"moved": 2, "joined": 1, "memos": 4, "suggestions": 0}
    assert not store.codings(theme_id="caring")
    got = {(c.coder, c.quote, c.memo) for c in store.codings(theme_id="board")}
    # bo's span was already coded with board: one coding, which takes the memo.
    assert got == {("ana", MOTHER, "Ten years of it."), ("ana", LUCK, None),
                   ("bo", MOTHER, "Her mother.")}
    assert len(store.codings(theme_id="board", coder="bo")) == 1
    assert store.memo("ana", "theme", "board") == "The trust board.\n\nCaring: Unpaid care."
    assert store.memo("bo", "theme", "board") == "Caring: Looking after family."
    assert store.memo("ana", "theme", "caring") is None
    # Out of pickers, counts and the codebook; origin kept, quote re-read.
    assert "caring" not in {t.id for t in store.themes()}
    assert "caring" not in store.theme_counts("ana") and store.theme_counts("ana")["board"] == 2
    assert all(c.origin == "manual" for c in store.codings(theme_id="board"))
    [event] = [e for e in store.events() if e["kind"] == "theme_merge"]
    assert (event["coder"], event["theme_id"], event["into"]) == ("cy", "caring", "board")
    with pytest.raises(UserError, match="retired"):
        store.code(store.transcripts()[0].id, "caring", "ana", 0, 5)


def test_framework_summaries_on_the_merged_theme_follow_it(store: Store,
                                                           tmp_path: Path) -> None:
    # A framework summary of a case on the merged theme would otherwise be left on a
    # column the matrix no longer shows.
    small_store(store, tmp_path)
    coded(store)
    [case] = store.framework_cases()
    store.set_memo("ana", "cell", f"{case.key}|caring", "Cared for her mother.")
    store.set_memo("ana", "cell", f"{case.key}|board", "Reports to the board.")
    store.set_memo("bo", "cell", f"{case.key}|caring", "Family first.")
    before = everything(store)
    counts = store.merge_theme("caring", "board", coder="cy")
    assert counts["memos"] == 6
    assert store.memo("ana", "cell", f"{case.key}|board") == (
        "Reports to the board.\n\nCaring: Cared for her mother.")
    assert store.memo("bo", "cell", f"{case.key}|board") == "Caring: Family first."
    assert store.memo("ana", "cell", f"{case.key}|caring") is None
    assert store.undo("cy")["kind"] == "theme_merge"
    assert everything(store) == before


def test_undo_restores_everything_exactly_and_redo_merges_again(store: Store,
                                                                tmp_path: Path) -> None:
    small_store(store, tmp_path)
    coded(store)
    before = everything(store)
    store.merge_theme("caring", "board", coder="cy")
    merged = everything(store)
    assert merged != before
    assert store.undo("cy")["kind"] == "theme_merge"
    assert everything(store) == before
    assert store.redo("cy")["kind"] == "theme_merge"
    assert everything(store) == merged
    assert store.undo("cy")["kind"] == "theme_merge"
    assert everything(store) == before


def test_undo_and_redo_refuse_when_the_work_changed_since(store: Store,
                                                          tmp_path: Path) -> None:
    small_store(store, tmp_path)
    coded(store)
    store.merge_theme("caring", "board", coder="cy")
    # ana edits the memo the merge appended to: undoing would throw that away.
    store.set_memo("ana", "theme", "board", "Rewritten.")
    state = everything(store)
    with pytest.raises(UserError, match="cannot undo event \\d+ \\(merged theme Caring into "
                                        "Board .*\\): ana changed their memo on theme Board "
                                        "since \\(event \\d+: edited the memo on theme Board\\)"):
        store.undo("cy")
    assert everything(store) == state
    store.undo("ana")  # ana takes her rewrite back: now the merge undoes
    assert store.undo("cy")["kind"] == "theme_merge"
    # Coded again after the undo, caring cannot be retired by a redo over that coding.
    store.code(store.transcripts()[0].id, "caring", "bo", *span_of(store, LUCK))
    state = everything(store)
    with pytest.raises(UserError, match="the theme has 1 coding made since; merge it again"):
        store.redo("cy")
    assert everything(store) == state


@pytest.mark.parametrize(("source", "target", "message"), [
    ("luck", "luck", "cannot merge theme 'luck' into itself"),
    ("careers", "board", "'careers' is a folder"),
    ("luck", "careers", "'careers' is a folder"),
    ("nowhere", "board", "no theme 'nowhere'"),
    ("luck", "nowhere", "no theme 'nowhere'"),
])
def test_merge_refusals_change_nothing(store: Store, tmp_path: Path, source: str, target: str,
                                       message: str) -> None:
    small_store(store, tmp_path)
    coded(store)
    before = (everything(store), len(store.events()))
    with pytest.raises(UserError, match=message):
        store.merge_theme(source, target, coder="cy")
    assert (everything(store), len(store.events())) == before


def test_merge_refuses_retired_themes(store: Store, tmp_path: Path) -> None:
    small_store(store, tmp_path)
    store.merge_theme("luck", "board", coder="cy")
    for source, target in (("luck", "board"), ("board", "luck")):
        with pytest.raises(UserError, match="theme 'luck' is retired"):
            store.merge_theme(source, target, coder="cy")


# --------------------------------------------------------------------------- suggestions
def test_merged_themes_suggestions_are_not_offered_again(tmp_path: Path) -> None:
    _, store = load_small_with_cli(tmp_path)
    store.add_transcript("p1", make_parsed([
        ("P1", "participant", "It was luck. The board listens. More luck then.")]))
    store.close()
    assert run("suggest")[0] == 0
    store = open_store(tmp_path / "qcahp.db")
    luck = store.suggestions(theme_id="luck")
    assert len(luck) == 2
    store.accept(luck[0].id, "ana")  # decided by ana, still undecided for bo
    before = everything(store)
    counts = store.merge_theme("luck", "board", coder="ana")
    assert counts["suggestions"] == 2 and counts["moved"] == 1
    assert store.suggestions(theme_id="luck") == []  # open ones: none, for any coder
    assert store.suggestions(coder="bo", decision="undecided", theme_id="luck") == []
    with pytest.raises(UserError, match="theme 'luck' is retired .* cannot be accepted"):
        store.accept(luck[1].id, "bo")
    assert "luck" not in {p.theme_id for p in store.codebook().patterns}
    store.close()
    code, out, _ = run("suggest")  # a new run does not bring them back
    assert code == 0 and "0 new" in out and "0 reopened" in out
    store = open_store(tmp_path / "qcahp.db")
    assert store.suggestions(theme_id="luck") == []
    assert store.undo("ana")["kind"] == "theme_merge"
    assert everything(store) == before
    assert [s.id for s in store.suggestions(theme_id="luck")] == [s.id for s in luck]
    store.close()


# --------------------------------------------------------------------------- the command
def test_cli_merge_theme(tmp_path: Path) -> None:
    _, store = load_small_with_cli(tmp_path)
    store.add_transcript("p1", make_parsed([
        ("Interviewer", "interviewer", "How did you get here?"),
        ("P1", "participant", "I looked after my mother for years. Then it was luck.")]))
    coded(store)
    store.close()
    db = tmp_path / "qcahp.db"
    for args, message in (
        (["caring", "caring"], "cannot merge theme 'caring' into itself"),
        (["careers", "board"], "'careers' is a folder: only codable themes merge"),
        (["caring", "bored"], "no theme 'bored' in the codebook"),
    ):
        before = db.read_bytes()
        code, out, err = run("codebook", "merge-theme", *args, "--coder", "cy")
        assert (code, out) == (1, ""), out
        assert err.startswith("Error: ") and message in err and err.count("\n") == 1, err
        assert db.read_bytes() == before
    code, out, err = run("codebook", "merge-theme", "caring", "board", "--coder", "cy")
    assert (code, err) == (0, "")
    assert out == ("Merged theme caring (Caring) into board (Board): 2 codings moved, 1 "
                   "already there, 4 memos moved, 0 open suggestions retired; caring is "
                   "retired.\n")
    # The log says what the command said (it said "(3 codings)", moved and already there
    # counted as one).
    code, out, err = run("log", "--kind", "theme_merge", "--format", "json")
    assert code == 0 and [e["what"] for e in json.loads(out)["events"]] == [
        "merged theme Caring into Board (2 codings moved, 1 already there, 4 memos moved)"]
    code, out, err = run("codebook", "merge-theme", "caring", "board", "--coder", "cy")
    assert code == 1 and "theme 'caring' is retired" in err
    assert "caring" not in run("codebook", "show", "--brief")[1]


def test_loading_a_file_that_holds_the_merged_theme_brings_it_back_with_a_warning(
        tmp_path: Path) -> None:
    path, store = load_small_with_cli(tmp_path)
    store.add_transcript("p1", make_parsed([("P1", "participant", "Then it was luck.")]))
    store.code(store.transcripts()[0].id, "luck", "ana", 0, 17)
    store.merge_theme("luck", "board", coder="ana")
    store.close()
    code, out, err = run("codebook", "load", str(path))
    assert code == 0 and "themes brought back: luck" in out  # not added: stored all along
    assert err == ("warning: theme luck was merged into board in this project; the file "
                   "brings it back, without the codings it had (they stay with board). To "
                   "merge it again: `qcahp codebook merge-theme luck board --coder NAME`.\n")
    store = open_store(tmp_path / "qcahp.db")
    assert "luck" in {t.id for t in store.themes()}
    assert [c.theme_id for c in store.codings()] == ["board"]
    # The merge cannot be undone over the file's version: it says why.
    with pytest.raises(UserError, match="theme luck was changed since"):
        store.undo("ana")
    store.close()
    assert run("codebook", "load", str(path))[2] == ""  # said once


def test_merging_a_copy_that_merged_a_theme_says_so(tmp_path: Path) -> None:
    main_path, copy_path, copy = project_and_copy(tmp_path)
    tid = copy.transcripts()[0].id
    copy.code(tid, "luck", "bo", *span_of(copy, LUCK))
    copy.merge_theme("luck", "board", coder="bo")
    copy.close()
    code, out, err = run("--db", str(main_path), "merge", str(copy_path))
    assert code == 0 and " 2 codings (1 of them undone or removed in the copy" in out
    assert err == (f"note: themes merged in {copy_path} stay apart here: luck into board; "
                   "the copy's codings of them came in under the theme they were merged into. "
                   "To merge them here too: `qcahp codebook merge-theme THEME_ID INTO_ID`.\n")
    main = open_store(main_path)
    assert "luck" in {t.id for t in main.themes()}
    assert [(c.theme_id, c.coder) for c in main.codings()] == [("board", "bo")]
    assert main.undo("bo") is None  # the copy's merge is its history, not an undo here
    main.close()


def test_a_copy_that_brings_back_moved_codings_is_named_and_they_move_again(
        tmp_path: Path) -> None:
    """Every coding follows its copy in a merge: ana's coding, moved here by a theme merge,
    is still active in bo's copy and comes back active under the retired theme."""
    main_path, copy_path = tmp_path / "main.db", tmp_path / "copy.db"
    main = open_store(main_path)
    small_store(main, tmp_path)
    main.code(main.transcripts()[0].id, "luck", "ana", *span_of(main, LUCK))
    main.close()
    shutil.copy(main_path, copy_path)
    copy = open_store(copy_path)
    copy.code(copy.transcripts()[0].id, "board", "bo", *span_of(copy, MOTHER))
    copy.close()
    main = open_store(main_path)
    main.merge_theme("luck", "board", coder="ana")
    main.close()
    code, _, err = run("--db", str(main_path), "merge", str(copy_path))
    assert code == 0
    assert err == (f"warning: {copy_path} brought back codings of themes merged here: luck "
                   "(1 coding, merged into board). Move them with `qcahp codebook merge-theme "
                   "THEME_ID INTO_ID` again.\n")
    code, out, err = run("--db", str(main_path), "codebook", "merge-theme", "luck", "board",
                         "--coder", "ana")
    assert (code, err) == (0, "") and "0 codings moved, 1 already there" in out
    main = open_store(main_path)
    assert sorted((c.theme_id, c.coder) for c in main.codings()) == [
        ("board", "ana"), ("board", "bo")]
    assert "luck" not in {t.id for t in main.themes()}
    assert main.undo("ana")["kind"] == "theme_merge"  # the second merge; luck stays retired
    assert sorted(c.theme_id for c in main.codings(coder="ana")) == ["board", "luck"]
    assert "luck" not in {t.id for t in main.themes()}
    main.close()
