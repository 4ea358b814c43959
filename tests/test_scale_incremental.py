"""The reconcile screen's disagreements computed again at a poll for only the
transcripts whose codings changed (:class:`~qualcoder_ahp.tui.reconcile_walk.FollowedItems`)
equal a full computation from scratch, after random sequences of changes made by other
coders, and only the transcripts changed are read again.

At every poll the screen used to read and compute every transcript of the project again:
60-80 ms per million characters, a second or two for a large study, holding the
interpreter while the coder pressed keys.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qualcoder_ahp.agreement.compute import collect
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports.data import label_of
from qualcoder_ahp.tui.reconcile_walk import FollowedItems, Stretches, full_items
from tests.helpers.project import THEMES, build_project, parsed_transcript

CODERS = ["ana", "ben", "cat"]


def full(store: Store, coders: list[str] = CODERS) -> Stretches:
    """What the screen computed at every poll before: everything from scratch."""
    return full_items(collect(store, coders))


def same(store: Store, followed: FollowedItems, coders: list[str] = CODERS) -> set[int]:
    """Bring ``followed`` up to date; assert it equals a full computation; return the
    transcripts it computed again."""
    got = followed.refresh(store)
    want = full(store, coders)
    assert got.items == want.items
    assert got.agreed == want.agreed
    assert got.names == want.names and list(got.names) == list(want.names)
    assert got.order == want.order
    assert got.texts == want.texts
    return followed.recomputed


@pytest.fixture
def project(tmp_path: Path) -> Store:
    store = build_project(tmp_path / "study.db", transcripts=6)
    for coder in CODERS:
        store.ensure_coder(coder)
    yield store
    store.close()


def sentence_span(store: Store, rng: random.Random, tid: int) -> tuple[int, int]:
    """A random stretch of one to three whole sentences (so codings overlap often)."""
    bounds = store.sentences(tid)
    first = rng.randrange(len(bounds))
    last = min(len(bounds) - 1, first + rng.randrange(3))
    start, end = bounds[first].start, bounds[last].end
    # Sometimes a little shorter, so that two coders' spans differ by a few characters.
    if rng.random() < 0.3 and end - start > 6:
        end -= rng.randrange(1, 5)
    return start, end


def change(store: Store, rng: random.Random) -> set[int] | None:
    """One change another coder makes; returns the transcripts it touched (``None``: it
    touches the codebook, so everything is read again)."""
    coder = rng.choice(CODERS)
    tids = [t.id for t in store.transcripts()]
    what = rng.random()
    if what < 0.3:
        sug = rng.choice(store.suggestions())
        (store.accept if rng.random() < 0.7 else store.reject)(sug.id, coder)
        return {sug.transcript_id}
    if what < 0.55:
        tid = rng.choice(tids)
        start, end = sentence_span(store, rng, tid)
        store.code(tid, rng.choice(THEMES), coder, start, end)
        return {tid}
    if what < 0.75:
        mine = store.codings(coder=coder)
        if not mine:
            return set()
        coding = rng.choice(mine)
        store.remove_coding(coding.id, coder)
        return {coding.transcript_id}
    if what < 0.85:
        before = {c.id: c.transcript_id for c in store.codings(include_inactive=True)}
        active = {c.id for c in store.codings()}
        decided = {t: set(store.decisions_for(coder, t)) for t in tids}
        themes = store.themes()
        (store.undo if rng.random() < 0.6 else store.redo)(coder)
        if store.themes() != themes:
            return None  # a theme added while coding, undone (or redone)
        now = {c.id for c in store.codings()}
        touched = {before[cid] for cid in active ^ now}
        return touched | {t for t in tids if set(store.decisions_for(coder, t)) != decided[t]}
    if what < 0.9:
        item = rng.choice(full(store).items or [None])
        if item is None:
            return set()
        store.reconcile(item.transcript_id, item.theme_id, "consensus", item.union(),
                        rule="union", compared=CODERS, start=item.start, end=item.end)
        return {item.transcript_id}
    if what < 0.95:
        # A new version of an interview: the old one is now named story1@1 everywhere.
        name = rng.choice([t.name for t in store.transcripts()])
        before = label_of(store.report_transcripts())
        store.add_transcript(name, parsed_transcript(rng.randrange(100, 10**6)),
                             new_version=True)
        after = label_of(store.report_transcripts())
        return {tid for tid, label in after.items() if before.get(tid) != label}
    store.add_theme(f"Emerging {rng.randrange(10**6)}", coder=coder)
    return None


@pytest.mark.parametrize("seed", range(8))
def test_random_changes_elsewhere_equal_a_full_computation(project: Store, seed: int):
    rng = random.Random(seed)
    followed = FollowedItems(CODERS)
    if seed % 2:  # started from everything read once
        assert same(project, followed) == {t.id for t in project.transcripts()}
    else:  # started from what the screen opened with (the first poll is then like any)
        followed.seed(project, project.newest_event_id(), full(project))
    for _ in range(40):
        touched: set[int] | None = set()
        for _ in range(rng.randint(1, 4)):  # what lands between two polls
            did = change(project, rng)
            touched = None if touched is None or did is None else touched | did
        recomputed = same(project, followed)
        if touched is None:
            assert recomputed == {t.id for t in project.transcripts()}
        else:
            assert recomputed == touched, "only the transcripts changed are read again"
    assert full(project).items, "the random changes made disagreements to compare"


def test_a_transcript_becoming_agreed_and_one_gaining_its_first_disagreement(
        project: Store):
    one, two, *_ = [t.id for t in project.transcripts()]
    s1 = project.sentences(one)[1]
    project.code(one, "mandate", "ana", s1.start, s1.end)
    project.code(one, "mandate", "ben", s1.start, s1.end - 3)
    s2 = project.sentences(two)[1]
    project.code(two, "mandate", "ana", s2.start, s2.end)
    project.code(two, "mandate", "ben", s2.start, s2.end)
    followed = FollowedItems(CODERS)
    same(project, followed)
    before = followed.refresh(project)
    assert [it.transcript_id for it in before.items] == [one]
    assert two in {it.transcript_id for it in before.agreed}
    # Another window: ben lengthens his coding in one (agreed now), ana shortens hers
    # in two (its first disagreement).
    ben = next(c for c in project.codings(coder="ben", transcript_id=one))
    project.remove_coding(ben.id, "ben")
    project.code(one, "mandate", "ben", s1.start, s1.end)
    ana = next(c for c in project.codings(coder="ana", transcript_id=two))
    project.remove_coding(ana.id, "ana")
    project.code(two, "mandate", "ana", s2.start + 4, s2.end)
    assert same(project, followed) == {one, two}
    after = followed.refresh(project)
    assert [it.transcript_id for it in after.items] == [two]
    assert one in {it.transcript_id for it in after.agreed}
    # Nothing changed since: nothing is read again.
    assert same(project, followed) == set()


def test_a_second_connection_s_commits_are_seen(project: Store, tmp_path: Path):
    """The screen's worker reads on a connection of its own: commits from another
    connection (another coder's window) are placed from the shared event log."""
    followed = FollowedItems(CODERS)
    same(project, followed)
    other = open_store(tmp_path / "study.db")
    try:
        tid = other.transcripts()[3].id
        s = other.sentences(tid)[2]
        other.code(tid, "serendipity", "ana", s.start, s.end)
        other.code(tid, "serendipity", "cat", s.start + 2, s.end)
    finally:
        other.close()
    assert same(project, followed) == {tid}


def test_what_the_log_cannot_place_reads_everything_again(project: Store, tmp_path: Path):
    """A merge of another copy, a withdrawal or a codebook loaded again change codings or
    themes without naming the transcripts in the log: everything is read again."""
    followed = FollowedItems(CODERS)
    same(project, followed)
    tid = project.transcripts()[0].id
    s = project.sentences(tid)[1]
    project.code(tid, "mandate", "ana", s.start, s.end)
    project.code(tid, "mandate", "ben", s.start, s.end - 2)
    with project.write():  # an event kind the log cannot place (as a merge writes)
        project.log_event(None, "merge", {"source": "copy.db"})
    assert same(project, followed) == {t.id for t in project.transcripts()}
    assert same(project, followed) == set()


def test_seeded_from_the_load_takes_in_what_changed_while_it_loaded(project: Store):
    """The screen notes the newest event before its load reads anything: a coding made
    while it loaded is computed at the first poll, and a transcript with no
    disagreement yet keeps its place."""
    opened_at = project.newest_event_id()
    loaded = full(project)
    tid = project.transcripts()[2].id
    s = project.sentences(tid)[1]
    project.code(tid, "mandate", "ana", s.start, s.end)  # as the load finished
    project.code(tid, "mandate", "ben", s.start + 3, s.end)
    followed = FollowedItems(CODERS)
    followed.seed(project, opened_at, loaded)
    assert same(project, followed) == {tid}
    assert tid in {it.transcript_id for it in followed.refresh(project).items}


def test_a_codebook_changed_since_the_load_reads_everything(project: Store):
    loaded = full(project)
    opened_at = project.newest_event_id()
    project.save_codebook(Codebook("test", tuple(
        Theme(t, t.replace("_", " ").title()) for t in THEMES[:3])))  # one theme dropped
    followed = FollowedItems(CODERS)
    followed.seed(project, opened_at, loaded)
    assert same(project, followed) == {t.id for t in project.transcripts()}
