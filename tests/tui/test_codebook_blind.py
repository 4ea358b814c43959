"""Blind coding on the codebook screen: with ``qcahp blind on`` nothing there counts
another coder's decisions or codings (the audit found each pattern's precision counted
over every coder, so a coder could read the others' rejections off it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual.widgets import Label, Static, Tree

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Pattern, Theme
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.modals import ChoiceModal, ThemePickerModal
from tests.conftest import make_parsed
from tests.tui.conftest import CODER, build_project, open_codebook, press_for_screen

SIZE = (80, 24)
TURNS = [
    ("Int", "interviewer", "How did you get here? Was it luck?"),
    ("Ann", "participant",
     "I was lucky. Lucky again, truly lucky. Chance helped me. "
     "Chance came again and chance stayed. The board met monthly. "
     "The board decided budgets. The board listened to staff. Staff wrote reports. "
     "Reports took weeks."),
]
ANA = ("I was lucky.", "Lucky again, truly lucky.", "Chance helped me.",
       "Chance came again and chance stayed.")
BEN = ("The board met monthly.", "The board decided budgets.", "The board listened to staff.")


def build(path: Path) -> None:
    """ana codes the chance and lucky sentences with Luck; ben the board sentences, with
    Luck and with Board (the key words screen's tests use this project too)."""
    store = open_store(path)
    try:
        store.save_codebook(Codebook("kw", (
            Theme("career", "Career", codable=False, position=0),
            Theme("luck", "Luck", parent_id="career", position=1),
            Theme("board", "Board", position=2),
        ), (
            Pattern("luck_lucky", "luck", "regex", r"\blucky?\b"),
            Pattern("luck_fell", "luck", "token", [{"LOWER": "fell"}]),
            Pattern("board_board", "board", "phrase", "board"),
        )))
        info, _ = store.add_transcript("t1", make_parsed(TURNS), participant="Ann")
        text = store.transcript_text(info.id)
        for coder, theme, sentences in ((CODER, "luck", ANA), ("ben", "luck", BEN),
                                        ("ben", "board", BEN)):
            for sentence in sentences:
                start = text.index(sentence)
                store.code(info.id, theme, coder, start, start + len(sentence))
    finally:
        store.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project of :func:`build`."""
    path = tmp_path / "kw.db"
    build(path)
    return path


async def to_theme(pilot, screen: CodebookScreen,  # type: ignore[no-untyped-def]
                   theme_id: str) -> None:
    tree = screen.query_one("#theme-tree", Tree)
    while tree.cursor_node is None or tree.cursor_node.data != theme_id:
        await pilot.press("down")
    await pilot.pause()


def _decide_as_ben(path: Path) -> None:
    """ben rejects both luck suggestions and accepts the first board suggestion."""
    with open_store(path) as store:
        rows = store.conn.execute(
            "SELECT id, pattern_ids FROM suggestions ORDER BY id").fetchall()
        luck = [sid for sid, pids in rows if "luck" in json.loads(pids)]
        board = [sid for sid, pids in rows if "board" in json.loads(pids)]
        assert len(luck) == 2 and board
        for sid in luck:
            store.reject(sid, "ben")
        store.accept(board[0], "ben")


async def _detail(pilot, screen: CodebookScreen,  # type: ignore[no-untyped-def]
                  theme_id: str) -> str:
    await to_theme(pilot, screen, theme_id)
    return str(screen.query_one("#theme-detail", Static).render())


async def test_blind_pattern_precision_counts_only_the_working_coder(tmp_path: Path) -> None:
    """The audit's leak: with blind coding on, ana saw ben's rejections in the precision."""
    path = tmp_path / "project.db"
    build_project(path)
    _decide_as_ben(path)
    with open_store(path) as store:
        store.set_setting("blind", "1")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_codebook(pilot)
        text = await _detail(pilot, screen, "serendipity")
        assert "your decisions: blind coding is on" in text
        assert re.search(r"luck\s+2\s+0\s+0\s+–", text)
        text = await _detail(pilot, screen, "mandate")
        assert re.search(r"board\s+\d+\s+0\s+0\s", text)
    with open_store(path) as store:
        store.set_setting("blind", "0")
    app = make_app(path, coder=CODER)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_codebook(pilot)
        text = await _detail(pilot, screen, "serendipity")  # not blind: the team's record
        assert "all coders" in text and re.search(r"luck\s+2\s+0\s+2\s+0%", text)


async def test_blind_merge_does_not_count_other_coders_codings(project: Path) -> None:
    """Merging Luck (ana 4 codings, ben 3) while blind: ana is told of her own 4 only."""
    with open_store(project) as store:
        store.set_setting("blind", "1")
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await to_theme(pilot, screen, "luck")
        await press_for_screen(pilot, "m", ThemePickerModal)
        await pilot.press(*"board", "enter")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ChoiceModal)
        title = " ".join(str(label.render()) for label in confirm.query(Label))
        assert "Your 4 codings (and any other coder's)" in title and "7" not in title
        notes: list[str] = []
        app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        assert notes == ["Merged Luck into Board: your 4 codings (and any other coder's)."]
