"""The workbench follows other connections' commits and never overwrites them.

A second :func:`open_store` connection on the same project file stands in for
another window of the same coder, another coder, or a ``qcahp decide``/``suggest``
run. The app's poll (``WorkbenchApp.poll_store``, normally run by a timer) is
called directly so the tests do not wait on the clock, except one test that checks
the timer itself with a short interval.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from tests.tui.conftest import (
    CODER,
    SIZE,
    add_suggestion,
    open_alpha,
    open_codebook,
    screen_text,
)

UPDATED = "Updated: changes from another window"


@pytest.fixture(autouse=True)
def manual_poll(monkeypatch):
    """No timer ticks behind a test's back: the tests call ``poll_store`` themselves."""
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)


@pytest.fixture
def theirs(project: Path):
    """A second connection to the project (another window / process)."""
    store = open_store(project)
    yield store
    store.close()


def snapshot(store: Store) -> tuple[object, ...]:
    """Every row a refresh could possibly have written."""
    conn = store.conn
    return tuple(conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                 for table in ("events", "codings", "decisions", "memos", "suggestions"))


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def table_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#transcripts", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]



async def test_nothing_changed_costs_nothing_and_says_nothing(app, theirs):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("a")  # our own commit does not count as a change
        await pilot.pause()
        before = screen.session.suggestions
        assert app.poll_store() is False
        assert screen.session.suggestions is before  # not even re-read
        assert UPDATED not in messages(app)


async def test_decision_in_another_window_shows_up(app, theirs):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        other = screen.session.suggestions[2]
        assert "decided 0/5" in screen_text(app)
        theirs.reject(other.id, CODER)
        coding = theirs.accept(first.id, CODER)
        rows = snapshot(theirs)
        version = theirs.data_version()

        assert app.poll_store() is True
        await pilot.pause()
        assert screen.session.decisions == {first.id: "accepted", other.id: "rejected"}
        assert screen.session.codings == [coding]
        assert screen.session.current.id == first.id  # cursor stays on the same suggestion
        shown = screen_text(app)
        assert "decided 2/5" in shown and "codings 1" in shown
        assert "Your coding here: Winding route" in shown
        assert UPDATED in messages(app)
        # The refresh only read: nothing written, no commit the other side can see.
        assert snapshot(theirs) == rows and theirs.data_version() == version
        assert app.poll_store() is False  # the change is taken as seen


async def test_transcripts_screen_progress_follows_another_window(app, theirs):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        assert [r[3:] for r in table_rows(app)] == [["0/5", "0"], ["0/2", "0"]]
        beta = theirs.suggestions(transcript_id=theirs.transcript("beta").id)
        theirs.accept(beta[0].id, CODER)
        theirs.reject(beta[1].id, CODER)
        theirs.accept(beta[1].id, "ben")  # another coder: not in this coder's columns
        rows = snapshot(theirs)
        assert app.poll_store() is True
        await pilot.pause()
        assert [r[3:] for r in table_rows(app)] == [["0/5", "0"], ["2/2", "1"]]
        assert snapshot(theirs) == rows


async def test_new_suggestions_from_a_suggest_run_appear(app, theirs):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("n", "n")
        await pilot.pause()
        here = screen.session.current
        assert len(screen.session.suggestions) == 5
        alpha = screen.session.info.id
        interviewer = theirs.turns(alpha)[0]  # a sentence no pattern had suggested
        new_id = add_suggestion(theirs, alpha, "secret", "luck", interviewer.start,
                                interviewer.end, "career")
        assert app.poll_store() is True
        await pilot.pause()
        assert new_id in {s.id for s in screen.session.suggestions}
        assert len(screen.session.suggestions) == 6
        assert screen.session.current.id == here.id
        assert "decided 0/6" in screen_text(app)
        # in text order (the interviewer's question comes first), reachable with p
        assert screen.session.suggestions[0].id == new_id
        back = [s.id for s in screen.session.suggestions].index(here.id)
        await pilot.press(*"p" * back)
        await pilot.pause()
        assert screen.session.current.id == new_id
        assert "Secret weapon" in screen_text(app)


async def test_undo_in_another_window_shows_up(app, theirs):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("a")
        await pilot.pause()
        assert len(screen.session.codings) == 1
        undone = theirs.undo(CODER)
        assert undone["kind"] == "accept"
        assert app.poll_store() is True
        await pilot.pause()
        assert screen.session.codings == [] and first.id not in screen.session.decisions
        assert "decided 0/5" in screen_text(app)
        # redo here acts on the log as it is now: the first r names the other window's
        # undo (tests/test_s19_team2_redo_steps.py), the second redoes it
        await pilot.press("r")
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) is None
        assert any("undone in another window or by a command" in m for m in messages(app))
        await pilot.press("r")
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) == "accepted"
        assert len(screen.session.codings) == 1
        assert "Redone: accept (Winding route)" in messages(app)


async def test_undo_acts_on_the_log_as_it_is_now(app, theirs):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("a")
        await pilot.pause()
        later = screen.session.suggestions[3]
        theirs.accept(later.id, CODER)  # same coder, second window; not polled yet
        await pilot.press("u")
        await pilot.pause()
        # The latest decision in the log is the other window's: the first u names it
        # (tests/test_s19_team_undo_windows.py), the second undoes it.
        assert app.store.decision_of(later.id, CODER) == "accepted"
        await pilot.press("u")
        await pilot.pause()
        assert app.store.decision_of(later.id, CODER) is None
        assert app.store.decision_of(first.id, CODER) == "accepted"
        assert screen.session.current.id == later.id
        assert screen.session.decisions == {first.id: "accepted"}
        await pilot.press("u")
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) is None
        assert app.store.codings(coder=CODER) == []


async def test_deciding_again_replaces_own_decision_and_shows_the_result(app, theirs):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        theirs.reject(first.id, CODER)  # not polled yet: the screen still says undecided
        theirs.accept(first.id, "ben")
        assert screen.session.status_of(first) == "undecided"
        await pilot.press("a")
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) == "accepted"
        assert app.store.decision_of(first.id, "ben") == "accepted"  # untouched
        assert screen.session.decisions[first.id] == "accepted"
        assert [e["kind"] for e in app.store.events(CODER)] == ["reject", "accept"]
        assert "Replaced your decision from another window (rejected)." in messages(app)
        # the log still holds both: undo brings back the other window's reject
        await pilot.press("u")
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) == "rejected"
        assert screen.session.decisions[first.id] == "rejected"


async def test_no_replaced_message_when_the_screen_was_current(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("x", "p", "a")  # reject, back, change my mind in this window
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) == "accepted"
        assert not any(m.startswith("Replaced") for m in messages(app))


async def test_removing_a_coding_already_removed_elsewhere_is_refused(app, theirs):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("a", "p")
        await pilot.pause()
        [coding] = screen.session.codings
        theirs.remove_coding(coding.id, CODER)
        events = len(app.store.events(CODER))
        await pilot.press("d")  # the screen has not polled: it still shows the coding
        await pilot.pause()
        assert "that coding was already removed in another window" in messages(app)
        assert len(app.store.events(CODER)) == events  # no second remove logged
        assert screen.session.codings == []
        await pilot.press("u", "u")  # names the other window's remove, then undoes it
        await pilot.pause()
        assert [c.id for c in app.store.codings(coder=CODER)] == [coding.id]


async def test_hidden_coding_screen_catches_up_when_shown(app, theirs):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("k")  # the codebook screen covers the coding screen
        await pilot.pause()
        theirs.accept(first.id, CODER)
        assert app.poll_store() is True
        assert screen.store_stale and screen.session.decisions == {}
        app.pop_screen()
        await pilot.pause()
        assert not screen.store_stale
        assert screen.session.decisions == {first.id: "accepted"}
        assert "decided 1/5" in screen_text(app)


async def test_own_worker_commits_are_not_announced(project: Path, monkeypatch):
    from qualcoder_ahp.tui import jobs

    def fake_suggest(store_path, progress=None):
        store = open_store(store_path)
        add_suggestion(store, 2, "secret", "luck", 0, 16, "luck")
        store.close()
        progress(1, 1)
        return "suggestions: 1"

    monkeypatch.setattr(jobs, "suggest", fake_suggest)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [r[3] for r in table_rows(app)] == ["0/5", "0/3"]
        assert app.poll_store() is False
        assert UPDATED not in messages(app)


async def test_the_timer_polls_without_a_key_press(project: Path, theirs, monkeypatch):
    monkeypatch.setattr(app_module, "POLL_SECONDS", 0.05)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        theirs.accept(first.id, CODER)
        for _ in range(40):  # at most 2 s; normally the first few ticks
            await pilot.pause(0.05)
            if screen.session.decisions:
                break
        assert screen.session.decisions == {first.id: "accepted"}
        assert UPDATED in messages(app)


async def test_counts_screen_recounts_after_another_window(app, theirs):
    from qualcoder_ahp.tui.screens.counts import CountsScreen

    async with app.run_test(size=SIZE) as pilot:
        await open_alpha(pilot)
        await pilot.press("C")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CountsScreen)
        assert screen.coder == CODER and screen.shown is not None
        before = {row[0].strip(): row[1] for row in screen.shown.rows}
        grid = screen.query_one(DataTable)
        grid.move_cursor(row=1)
        alpha = theirs.transcript("alpha").id
        suggestion = theirs.suggestions(transcript_id=alpha)[0]
        theirs.accept(suggestion.id, CODER)
        assert app.poll_store() is True
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = {row[0].strip(): row[1] for row in screen.shown.rows}
        theme = theirs.theme(suggestion.theme_id).name
        changed = {k for k in after if after[k] != before.get(k)}
        assert changed and all(int(after[k]) == int(before.get(k, "0")) + 1 for k in changed)
        assert any(theme in k or suggestion.theme_id in k for k in changed)
        assert grid.cursor_row == 1  # the recount keeps the row
        assert UPDATED in messages(app)


async def test_codebook_screen_counts_follow_another_window(app, theirs):
    from textual.widgets import Tree

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        tree = screen.query_one("#theme-tree", Tree)
        await pilot.press("down")
        await pilot.pause()
        kept = tree.cursor_node.data
        alpha = theirs.transcript("alpha").id
        suggestion = theirs.suggestions(transcript_id=alpha)[0]
        assert screen.mine.get(suggestion.theme_id, 0) == 0
        theirs.accept(suggestion.id, CODER)
        assert app.poll_store() is True
        await pilot.pause()
        assert screen.mine.get(suggestion.theme_id) == 1
        assert tree.cursor_node.data == kept  # the same theme stays highlighted
        labels = [str(node.label) for node in tree.root.children]
        name = theirs.theme(suggestion.theme_id).name
        assert any(label.startswith(name) and label.endswith(" 1") for label in
                   labels + [str(n.label) for c in tree.root.children for n in c.children])


def test_a_poll_before_a_screen_is_mounted_waits_for_it():
    """The app's poll can fire between a screen's push and its mount (seen under load:
    the coding screen's re-read found no TranscriptView and the app crashed). Such a
    screen is marked stale and re-reads once it is shown."""
    from textual.screen import Screen

    from qualcoder_ahp.tui.follow import FollowsStore

    class Following(FollowsStore, Screen):
        reads = 0

        def reread(self) -> None:
            self.query_one("#nothing-yet")  # what a screen with no widgets would do
            self.reads += 1

    screen = Following()
    screen.store_changed()  # not mounted: no re-read, and no NoMatches
    assert (screen.store_stale, screen.reads) == (True, 0)
