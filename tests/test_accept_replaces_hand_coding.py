"""Accepting a suggestion on a passage the coder already coded by hand with its theme
codes the passage once: the accepted coding takes the hand coding's place (and its
memos); undo brings the hand coding back. `qcahp decide` refuses an adjusted span that
misses the suggestion's text altogether (a typo in an offset)."""

from __future__ import annotations

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_store import _add_suggestion, coded  # noqa: F401 - the fixture


def _sentence(store, info):
    text = store.transcript_text(info.id)
    start = text.index("I fell")
    return start, text.index("chance.") + len("chance.")


def test_accept_takes_the_place_of_the_same_hand_coding_and_undo_restores_it(coded):  # noqa: F811
    store, info = coded
    start, end = _sentence(store, info)
    hand = store.code(info.id, "serendipity", "ana", start, end)
    store.set_memo("ana", "coding", hand.id, "my own note")
    store.set_memo("ben", "coding", hand.id, "ben's note on ana's coding")
    other = store.code(info.id, "serendipity", "ben", start, end)  # another coder's: kept
    wider = store.code(info.id, "serendipity", "ana", start, end + 1)  # not the same span
    sid = _add_suggestion(store, info.id, "serendipity", start, end)

    accepted = store.accept(sid, "ana")
    mine = [(c.id, c.origin) for c in store.codings(coder="ana") if c.start == start]
    assert sorted(mine) == sorted([(accepted.id, "suggested"), (wider.id, "manual")])
    assert store.coding(accepted.id).memo == "my own note"
    assert store.conn.execute(
        "SELECT text FROM memos WHERE target_kind = 'coding' AND target_id = ? AND "
        "coder_id = (SELECT id FROM coders WHERE name = 'ben')",
        [str(accepted.id)]).fetchone() == ("ben's note on ana's coding",)
    assert [c.id for c in store.codings(coder="ben")] == [other.id]

    store.undo("ana")  # the accept, and the hand coding back as it was
    assert store.decision_of(sid, "ana") is None
    assert sorted(c.id for c in store.codings(coder="ana")) == sorted([hand.id, wider.id])
    assert store.coding(hand.id).memo == "my own note"
    assert store.conn.execute(
        "SELECT count(*) FROM memos WHERE target_kind = 'coding' AND target_id = ?",
        [str(accepted.id)]).fetchone() == (0,)

    store.redo("ana")
    assert store.decision_of(sid, "ana") == "accepted"
    assert sorted(c.id for c in store.codings(coder="ana")) == sorted([accepted.id, wider.id])
    store.reject(sid, "ana")  # changing one's mind removes the passage's coding
    assert [c.id for c in store.codings(coder="ana")] == [wider.id]
    assert store.integrity_ok()


def test_decide_refuses_an_adjusted_span_that_misses_the_suggestion(coded, tmp_path):  # noqa: F811
    store, info = coded
    start, end = _sentence(store, info)
    sid = _add_suggestion(store, info.id, "serendipity", start, end)
    store.close()
    db = str(tmp_path / "project.db")
    runner = CliRunner()
    far = runner.invoke(cli, ["--db", db, "decide", str(sid), "accept", "--coder", "ana",
                              "--start", "0", "--end", "5"])
    assert far.exit_code != 0
    assert far.stderr.strip().splitlines() == [
        f"Error: bad span [0, 5): it does not overlap suggestion {sid}'s text "
        f"[{start}, {end}); an adjusted span must keep some of it"]
    again = open_store(tmp_path / "project.db")
    assert again.codings(coder="ana") == [] and again.decision_of(sid, "ana") is None
    again.close()
    near = runner.invoke(cli, ["--db", db, "decide", str(sid), "accept", "--coder", "ana",
                               "--start", str(start + 2), "--end", str(end + 6)])
    assert near.exit_code == 0, near.output
