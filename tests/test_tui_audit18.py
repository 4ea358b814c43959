"""Session 18's new-user audit of the workbench at 80x24: what it found, pinned.

Each test drives the workbench with the keyboard through Pilot and asserts on the
screen and on the database.
"""

from __future__ import annotations

from pathlib import Path

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.modals import ChoiceModal, MemoModal
from tests.tui.conftest import CODER, add_suggestion, build_project, open_alpha, screen_text

SIZE = (80, 24)


def _two_themes_on_one_sentence(tmp_path: Path) -> tuple[Path, int, int]:
    """The test project with a second theme (secret) suggested on the sentence that
    mandate is suggested on ("I report to the board now."); returns (path, the mandate
    suggestion's id, the secret one's)."""
    path = tmp_path / "project.db"
    build_project(path)
    with open_store(path) as store:
        alpha = next(t for t in store.transcripts() if t.name == "alpha")
        board = next(s for s in store.suggestions(transcript_id=alpha.id)
                     if s.theme_id == "mandate")
        secret = add_suggestion(store, alpha.id, "secret", "board", board.start, board.end,
                                "board")
    return path, board.id, secret


def _messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def test_d_on_a_suggestion_removes_its_own_coding_not_another_themes(tmp_path: Path):
    """Two themes accepted on one sentence: on the second suggestion the panel named the
    first theme's coding ("Your coding here: Mandate" on a Secret weapon suggestion) and
    ``d`` removed that one, silently ("Coding removed")."""
    path, board_id, secret_id = _two_themes_on_one_sentence(tmp_path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        session = screen.session
        session.go_to(next(s for s in session.suggestions if s.id == board_id))
        screen._update()
        await pilot.press("a")  # accept Mandate; then the Secret weapon suggestion
        await pilot.pause()
        session.go_to(next(s for s in session.suggestions if s.id == secret_id))
        screen._update()
        await pilot.press("a")
        await pilot.pause()
        session.go_to(next(s for s in session.suggestions if s.id == secret_id))
        screen._update()
        await pilot.pause()
        assert "Your coding here: Secret weapon (suggested); also Mandate" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert "Removed your coding of Secret weapon (u undoes)." in _messages(app)
        assert "Your coding here: Mandate" in screen_text(app)
    with open_store(path) as store:
        assert [c.theme_id for c in store.codings(coder=CODER)] == ["mandate"]
        assert store.decision_of(secret_id, CODER) is None
        assert store.decision_of(board_id, CODER) is not None
        assert store.events(CODER)[-1]["kind"] == "remove"


async def test_d_asks_which_coding_where_two_themes_code_the_cursors_sentence(
        tmp_path: Path):
    """With no suggestion on screen and two of your codings on the sentence, ``d``
    removed the shorter (or the first) without saying which; ``M`` offered only it."""
    path, board_id, secret_id = _two_themes_on_one_sentence(tmp_path)
    with open_store(path) as store:
        store.accept(board_id, CODER)
        store.accept(secret_id, CODER)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        session = screen.session
        board = next(s for s in session.suggestions if s.id == board_id)
        while session.sentences[session.cursor].start != board.start:
            await pilot.press("down" if session.sentences[session.cursor].start < board.start
                              else "up")
        await pilot.pause()
        assert session.current is None
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        labels = [label for _, label in app.screen.choices]
        assert [label.split(" — ")[0] for label in labels[:2]] == [
            "Coding: Mandate", "Coding: Secret weapon"]
        await pilot.press("escape", "d")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        assert app.screen.title_text == "Remove which of your codings here?"
        with open_store(path) as store:  # nothing removed while asking
            assert len(store.codings(coder=CODER)) == 2
        await pilot.press("down", "enter")  # the second: Secret weapon
        await pilot.pause()
        assert not isinstance(app.screen, (ChoiceModal, MemoModal))
        assert "Removed your coding of Secret weapon (u undoes)." in _messages(app)
    with open_store(path) as store:
        assert [c.theme_id for c in store.codings(coder=CODER)] == ["mandate"]
        assert store.events(CODER)[-1]["kind"] == "remove"


# ---------------------------------------------------------------- counts under other screens
async def _settled(pilot):  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen


def _codings_shown(counts, name: str) -> str:  # type: ignore[no-untyped-def]
    """The codings figure the counts table shows for theme ``name``."""
    from textual.widgets import DataTable

    table = counts.query_one(DataTable)
    labels = [str(c.label).strip() for c in table.columns.values()]
    for index in range(table.row_count):
        row = [str(cell).strip() for cell in table.get_row_at(index)]
        if row[0] == name:
            return row[labels.index("codings")]
    raise AssertionError(f"no row {name!r}")


async def test_counts_follow_a_coding_removed_on_a_screen_opened_over_them(tmp_path: Path):
    """C, then P, a passage, Enter, d: back on the counts (two Escapes) the theme's
    figure was the old one. The app's poll sees other connections' commits only."""
    from qualcoder_ahp.tui.screens.counts import CountsScreen

    path, board_id, _ = _two_themes_on_one_sentence(tmp_path)
    with open_store(path) as store:
        store.accept(board_id, CODER)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("C")
        counts = await _settled(pilot)
        assert isinstance(counts, CountsScreen)
        assert _codings_shown(counts, "Mandate") == "1"
        await pilot.press("P", *"mandate", "enter")
        await _settled(pilot)
        await pilot.press("enter")  # the coding screen, on the passage
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        with open_store(path) as store:
            assert store.codings(coder=CODER) == []
        await pilot.press("escape", "escape")
        assert await _settled(pilot) is counts
        assert _codings_shown(counts, "Mandate") == "0"


async def test_counts_offer_the_consensus_decided_after_they_opened(tmp_path: Path):
    """C, then R and a decision, Escape: n (consensus) stayed greyed out, 'No consensus
    coding yet', until the counts screen was opened again."""
    path, board_id, _ = _two_themes_on_one_sentence(tmp_path)
    with open_store(path) as store:
        store.accept(board_id, CODER)
        store.reject(board_id, "ben")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("C")
        counts = await _settled(pilot)
        assert counts.check_action("consensus", ()) is None
        await pilot.press("R")
        await _settled(pilot)
        await pilot.press("a")  # take ana's coding into the consensus
        await _settled(pilot)
        with open_store(path) as store:
            assert [c.theme_id for c in store.codings(coder="consensus")] == ["mandate"]
        await pilot.press("escape")
        assert await _settled(pilot) is counts
        assert counts.check_action("consensus", ()) is True
        await pilot.press("n")
        await _settled(pilot)
        assert "consensus" in str(counts.query_one("#counts-caption").render())
        assert _codings_shown(counts, "Mandate") == "1"
        assert _codings_shown(counts, "Secret weapon") == "0"


async def test_m_on_a_suggestion_offers_its_theme_beside_another_themes_coding(
        tmp_path: Path):
    """On an undecided Secret weapon suggestion whose sentence holds your Mandate coding,
    ``M`` offered a memo on the coding and on Mandate, never on Secret weapon."""
    path, board_id, secret_id = _two_themes_on_one_sentence(tmp_path)
    with open_store(path) as store:
        store.accept(board_id, CODER)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        session = screen.session
        session.go_to(next(s for s in session.suggestions if s.id == secret_id))
        screen._update()
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        labels = [label for _, label in app.screen.choices]
        assert [label.split(" — ")[0] for label in labels] == [
            "Coding: Mandate", "Theme: Secret weapon", "Theme: Mandate", "Transcript: alpha"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MemoModal)
        await pilot.press(*"hidden", "ctrl+s")
        await pilot.pause()
    with open_store(path) as store:
        assert store.memo(CODER, "theme", "secret") == "hidden"
        assert store.memo(CODER, "theme", "mandate") is None


async def test_coding_a_passage_again_with_its_theme_stores_nothing(tmp_path: Path):
    """``a`` then ``c`` (or a recent theme's number) with the same theme on the same
    sentence stored a second and a third identical coding: counted and quoted thrice."""
    path = tmp_path / "project.db"
    build_project(path)
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        name = screen.session.themes[first.theme_id].name
        await pilot.press("a", "p")  # accepted; back on it
        await pilot.pause()
        await pilot.press("c", *name.lower(), "enter")
        await pilot.pause()
        number = str(screen.session.recent_themes().index(first.theme_id) + 1)
        await pilot.press(number)
        await pilot.pause()
        refused = (f"already coded with {name} here (a coding of yours covers it): "
                   "nothing was stored")
        assert _messages(app).count(refused) == 2
        assert "codings 1" in screen_text(app)
    with open_store(path) as store:
        assert [(c.theme_id, c.origin) for c in store.codings(coder=CODER)] == [
            (first.theme_id, "suggested")]
        assert [e["kind"] for e in store.events(CODER)] == ["accept"]
