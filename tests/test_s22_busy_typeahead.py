"""Keys typed while the project is busy (another process holds its write lock) are kept
and pressed again, in order, once it is free: each decision stored before it is shown.

The second of two quick ``a`` presses (accept this, then the next) landed on the busy
dialog and was swallowed without a word: one accept stored, not two. A real second
sqlite3 connection holds ``BEGIN IMMEDIATE`` on the project file, as ``qcahp suggest``
in a second terminal would.
"""

from __future__ import annotations

from pathlib import Path

from textual import events

from qualcoder_ahp.tui.app import make_app
from tests.helpers.busy import busy as _busy, busy_text as _busy_text
from tests.helpers.busy import hold as _hold, rows as _rows, until as _until
from tests.tui.conftest import CODER, SIZE, build_project, open_alpha, screen_text

DECISIONS = ("SELECT kind, json_extract(payload, '$.suggestion_id') FROM events "
             "ORDER BY id")


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    build_project(path)
    return path


def _let_go(holder) -> None:  # noqa: ANN001
    holder.execute("ROLLBACK")
    holder.close()


async def test_two_quick_accepts_while_busy_store_both_in_order(tmp_path):
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first, second = screen.session.suggestions[:2]
        assert screen.session.current == first
        holder = _hold(project)
        try:
            await pilot.press("a")
            assert await _until(pilot, lambda: _busy(app))
            await pilot.press("a")  # the next suggestion's accept: was swallowed
            await pilot.pause()
            assert _busy(app)
            assert "Then, in order, the keys typed since: a." in _busy_text(app)
            assert _rows(project, "SELECT COUNT(*) FROM events") == [(0,)]
            assert screen.session.decisions.get(first.id) is None  # nothing shown yet
        finally:
            _let_go(holder)
        assert await _until(pilot, lambda: not _busy(app)
                            and len(_rows(project, DECISIONS)) == 2)
        await pilot.pause()
        assert _rows(project, DECISIONS) == [("accept", first.id), ("accept", second.id)]
        assert screen.session.decisions.get(first.id) == "accepted"
        assert screen.session.decisions.get(second.id) == "accepted"
        assert "decided 2/" in screen_text(app)


async def test_keys_typed_during_the_wait_itself_are_kept(tmp_path):
    """Keys typed in the moment the store waits (before the dialog is drawn), then a
    reject, a step and an accept: every decision stored, in the order typed."""
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        s1, _s2, s3 = screen.session.suggestions[:3]
        holder = _hold(project)
        try:
            for key in "xna":  # all queued at once, as fast typing does
                app.post_message(events.Key(key, key))
            assert await _until(pilot, lambda: _busy(app)
                                and "keys typed since: n a." in _busy_text(app))
            assert "Your reject was not stored" in _busy_text(app)
            assert _rows(project, "SELECT COUNT(*) FROM events") == [(0,)]
        finally:
            _let_go(holder)
        assert await _until(pilot, lambda: len(_rows(project, DECISIONS)) == 2)
        await pilot.pause()
        assert not _busy(app)
        assert _rows(project, DECISIONS) == [("reject", s1.id), ("accept", s3.id)]
        assert screen.session.decisions.get(s1.id) == "rejected"
        assert screen.session.decisions.get(s3.id) == "accepted"
        assert "decided 2/" in screen_text(app)


async def test_busy_again_midway_keeps_the_keys_still_to_press(tmp_path):
    """The lock taken again between two typed decisions: the dialog comes again, with the
    keys after it still kept, and once free they are stored too."""
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        s1, s2, s3 = screen.session.suggestions[:3]
        store = app.store
        holders = [_hold(project)]
        accept = store.accept

        def accept_then_lock(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            result = accept(*args, **kwargs)
            if len(holders) == 1:  # another process takes the lock after the first
                holders.append(_hold(project))
            return result

        store.accept = accept_then_lock  # type: ignore[method-assign]
        await pilot.press("a")
        assert await _until(pilot, lambda: _busy(app))
        await pilot.press("a", "a")
        _let_go(holders[0])
        assert await _until(pilot, lambda: len(holders) == 2 and _busy(app)
                            and "keys typed since: a." in _busy_text(app))
        assert _rows(project, DECISIONS) == [("accept", s1.id)]
        _let_go(holders[1])
        assert await _until(pilot, lambda: len(_rows(project, DECISIONS)) == 3)
        await pilot.pause()
        assert not _busy(app)
        assert _rows(project, DECISIONS) == [("accept", s1.id), ("accept", s2.id),
                                             ("accept", s3.id)]
        assert "decided 3/" in screen_text(app)


async def test_a_key_typed_while_the_change_is_stored_goes_behind_the_typed_ones(tmp_path):
    """x typed in the moment the accept is stored (the dialog gone, the typed a not yet
    pressed again) is pressed after that a, not before it."""
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        s1, s2, s3 = screen.session.suggestions[:3]
        store = app.store
        holder = _hold(project)
        accept = store.accept
        typed: list[str] = []

        def accept_typing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            result = accept(*args, **kwargs)
            if not typed:  # the coder types x as the first accept is being stored
                typed.append("x")
                app.post_message(events.Key("x", "x"))
            return result

        try:
            await pilot.press("a")
            assert await _until(pilot, lambda: _busy(app))
            await pilot.press("a")
            store.accept = accept_typing  # type: ignore[method-assign]
        finally:
            _let_go(holder)
        assert await _until(pilot, lambda: len(_rows(project, DECISIONS)) == 3)
        await pilot.pause()
        assert _rows(project, DECISIONS) == [("accept", s1.id), ("accept", s2.id),
                                             ("reject", s3.id)]
        assert app._in_flight is None
        assert "decided 3/" in screen_text(app)


async def test_escape_gives_up_the_change_and_the_keys_typed_after_it(tmp_path):
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        holder = _hold(project)
        try:
            await pilot.press("a")
            assert await _until(pilot, lambda: _busy(app))
            await pilot.press("n", "a")
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen
        finally:
            _let_go(holder)
        await pilot.pause(1.0)  # given up: nothing pressed or stored behind the coder's back
        assert _rows(project, "SELECT COUNT(*) FROM events") == [(0,)]
        assert screen.session.current == first
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Your accept was not stored, nor the 2 keys typed after it "
                                "(n a): the project was busy") for m in messages)


async def test_q_while_busy_quits_once_stored_and_q_again_quits_at_once(tmp_path):
    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        holder = _hold(project)
        try:
            await pilot.press("a")
            assert await _until(pilot, lambda: _busy(app))
            await pilot.press("q")  # kept: quit after the accept is stored
            await pilot.pause()
            assert _busy(app) and not app._exit
            assert "keys typed since: q." in _busy_text(app)
        finally:
            _let_go(holder)
        assert await _until(pilot, lambda: app._exit)
    assert _rows(project, DECISIONS) == [("accept", first.id)]

    app = make_app(project, coder=CODER)
    said: list[str] = []
    exit_app = app.exit

    def exit_saying(*args, message=None, **kwargs):  # noqa: ANN002, ANN003, ANN202
        said.append(str(message))  # printed on stderr once the screen is gone
        exit_app(*args, message=message, **kwargs)

    app.exit = exit_saying  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        holder = _hold(project)
        try:
            await pilot.press("x")
            assert await _until(pilot, lambda: _busy(app))
            await pilot.press("a", "q", "q")  # q again: quit now, saying what was lost
            assert await _until(pilot, lambda: app._exit)
        finally:
            _let_go(holder)
    assert said[0].startswith("Your reject was not stored, nor the key typed after it (a): "
                              "the project was busy")

    app = make_app(project, coder=CODER)  # ctrl+q (the app's own quit) says so too
    said.clear()
    exit_app = app.exit
    app.exit = exit_saying  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await open_alpha(pilot)
        holder = _hold(project)
        try:
            await pilot.press("a")
            assert await _until(pilot, lambda: _busy(app))
            await pilot.press("x", "n", "ctrl+q")
            assert await _until(pilot, lambda: app._exit)
        finally:
            _let_go(holder)
    assert said == ["Your accept was not stored, nor the 2 keys typed after it (x n): the "
                    "project was busy (another qcahp was writing to it). Do it again when it "
                    "has finished."]
    assert _rows(project, DECISIONS) == [("accept", first.id)]
    assert _rows(project, DECISIONS) == [("accept", first.id)]


async def test_a_key_held_down_is_kept_up_to_a_limit_and_says_the_rest_was_not(tmp_path):
    from qualcoder_ahp.tui.busy import TYPE_AHEAD_MAX

    project = _project(tmp_path)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await open_alpha(pilot)
        holder = _hold(project)
        try:
            await pilot.press("a")
            assert await _until(pilot, lambda: _busy(app))
            for _ in range(TYPE_AHEAD_MAX + 2):
                app.post_message(events.Key("n", "n"))
            assert await _until(pilot, lambda: "2 keys typed after those were not taken"
                                in _busy_text(app))
            assert len(app.screen.typed) == TYPE_AHEAD_MAX
            await pilot.press("escape")
        finally:
            _let_go(holder)
