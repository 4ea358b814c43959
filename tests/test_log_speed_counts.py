"""The coding screen's counts at scale: a decision recounts the themes it touched.

``Store.theme_counts(coder)`` (the codebook pane's study-wide counts, asked at every key
of the coding screen) used to count every coding of the coder again. It now keeps the
counts with the newest event they account for and, at the next call, counts again only
the themes whose codings the events since touched; what the log cannot place counts
everything again. After every step of random work by two coders on two connections
(accept, reject, code, remove, undo, redo, theme merges, coder renames, a merge of a
copy) the counts must equal a full count, and a single decision must not read the
coder's codings of other themes.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from tests.helpers.project import THEMES, build_project

FULL = ("SELECT c.theme_id, COUNT(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
        "WHERE c.active = 1 AND k.name = ? GROUP BY c.theme_id")


def full_counts(store: Store, coder: str) -> dict[str, int]:
    return dict(store.conn.execute(FULL, [coder]).fetchall())


def step(store: Store, rng: random.Random, coder: str) -> None:
    """One random decision of ``coder``."""
    tids = [t.id for t in store.transcripts()]
    tid = rng.choice(tids)
    move = rng.random()
    open_ = [s for s in store.suggestions(transcript_id=tid)
             if store.decision_of(s.id, coder) is None]
    mine = store.codings(transcript_id=tid, coder=coder)
    if move < 0.3 and open_:
        store.accept(rng.choice(open_).id, coder)
    elif move < 0.4 and open_:
        store.reject(rng.choice(open_).id, coder)
    elif move < 0.6:
        s = rng.choice(store.sentences(tid))
        store.code(tid, rng.choice(THEMES), coder, s.start, s.end)
    elif move < 0.7 and mine:
        store.remove_coding(rng.choice(mine).id, coder)
    else:
        try:
            store.undo(coder) if move < 0.85 else store.redo(coder)
        except UserError:
            pass  # a refused undo (a theme that holds codings) changes nothing


def test_counts_equal_a_full_count_after_every_step(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    store = build_project(path, transcripts=3)
    other = open_store(path)  # another coder's workbench on the same file
    rng = random.Random(5)
    for n in range(160):
        step(store if n % 3 else other, rng, "ana" if n % 2 else "ben")
        if n == 60:
            other.add_theme("Luck", coder="ben")
            other.code(store.transcripts()[0].id, "luck", "ana", 0, 9)
        if n == 90:
            store.merge_theme("luck", "serendipity", coder="ana")
        if n == 120:
            store.rename_coder("ben", "bo")
        if n == 140:
            copy = tmp_path / "copy.db"
            store.close()
            shutil.copy(path, copy)
            with open_store(copy) as mine:
                s = mine.sentences(mine.transcripts()[1].id)[2]
                mine.code(mine.transcripts()[1].id, "mandate", "ana", s.start, s.end)
            store = open_store(path)
            store.merge_from(copy)
        for coder in ("ana", "ben", "bo"):
            assert store.theme_counts(coder) == full_counts(store, coder), (n, coder)
            assert other.theme_counts(coder) == full_counts(other, coder), (n, coder)
    assert full_counts(store, "ana")
    store.close()
    other.close()


def test_one_decision_counts_only_its_theme_again(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p.db")
    tid = store.transcripts()[0].id
    for s in store.sentences(tid):
        store.code(tid, "mandate", "ana", s.start, s.end)
    before = store.theme_counts("ana")
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    s = store.sentences(tid)[1]
    store.code(tid, "serendipity", "ana", s.start, s.end)
    statements.clear()
    after = store.theme_counts("ana")
    store.conn.set_trace_callback(None)
    assert after == {**before, "serendipity": before.get("serendipity", 0) + 1}
    assert after == full_counts(store, "ana")
    counted = [sql for sql in statements if "FROM codings" in sql and "COUNT" in sql]
    assert len(counted) == 1 and "'serendipity'" in counted[0], statements
    plan = " ".join(r[-1] for r in store.conn.execute("EXPLAIN QUERY PLAN " + counted[0]))
    assert "codings_by_coder_theme" in plan
    assert store.theme_counts("ana") == after  # nothing new: no count at all
    store.close()


def test_a_transcripts_counts_read_only_its_codings(tmp_path: Path) -> None:
    # The index of a coder's codings by theme must not draw the count of one transcript
    # (asked at every key too) into reading every coding of the coder in theme order.
    store = build_project(tmp_path / "p.db", transcripts=2)
    first, second = (t.id for t in store.transcripts())
    for tid, theme in ((first, "mandate"), (first, "serendipity"), (second, "mandate")):
        s = store.sentences(tid)[1]
        store.code(tid, theme, "ana", s.start, s.end)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    assert store.theme_counts("ana", first) == {"mandate": 1, "serendipity": 1}
    store.conn.set_trace_callback(None)
    plan = " ".join(r[-1] for r in store.conn.execute("EXPLAIN QUERY PLAN " + statements[-1]))
    assert "codings_by_coder (coder_id=? AND transcript_id=?" in plan, plan
    store.close()
