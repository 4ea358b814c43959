"""Fixtures for the workbench tests: a small project with themes, transcripts and
suggestions, built through the Store API (suggestions by SQL, standing in for the
suggest engine so these tests do not depend on spaCy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcoder_ahp.model.store import Store, now, open_store
from qualcoder_ahp.records import Codebook, Pattern, Theme
from qualcoder_ahp.tui.app import WorkbenchApp, make_app
from tests.conftest import make_parsed

CODER = "ana"
SIZE = (100, 30)

THEMES = (
    Theme("career", "Career paths", None, "How careers unfolded", codable=False,
          color="#444444", position=0),
    Theme("winding", "Winding route", "career", "A non-linear route through roles.",
          "Moves between roles not seen as traditional.", "Planned promotions.",
          ("I never planned to be here",), "#d62728", position=1),
    Theme("serendipity", "Serendipity", "career", "Chance rather than planning.",
          "Luck, being in the right place.", "Deliberate planning.", (), "#1f77b4",
          position=2),
    Theme("mandate", "Mandate", None, "Closeness to the trust board.", "", "", (),
          "#2ca02c", position=3),
    Theme("secret", "Secret weapon", None, "AHPs as an untapped resource.", "", "", (),
          "#9467bd", position=4),
)
PATTERNS = (
    Pattern("winding-route", "winding", "phrase", "winding route"),
    Pattern("never-planned", "winding", "phrase", "never planned"),
    Pattern("luck", "serendipity", "phrase", "luck"),
    Pattern("board", "mandate", "phrase", "board"),
)

TURNS_A = [
    ("Interviewer", "interviewer", "Tell me about your career. How did you get here?"),
    ("P1", "participant", "It was a winding route really. I never planned to lead anything. "
     "Then I had some luck with a secondment."),
    ("Interviewer", "interviewer", "And the board?"),
    ("P1", "participant", "I report to the board now. The board listens to AHPs. "
     "Markup like [bold]this[/] and [link=x]that[/link] stays literal."),
]
TURNS_B = [
    ("Interviewer", "interviewer", "What about luck?"),
    ("P2", "participant", "Pure luck got me the job. Then the board noticed our work."),
]


def add_suggestion(store: Store, tid: int, theme: str, pattern: str, start: int, end: int,
                   word: str) -> int:
    """Insert one suggestion for the sentence ``[start, end)`` matching ``word``."""
    text = store.transcript_text(tid)
    at = text.index(word, start)
    with store.write():
        cur = store.conn.execute(
            'INSERT INTO suggestions (transcript_id, theme_id, unit, start, "end", pattern_ids, '
            "matches, status, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [tid, theme, "sentence", start, end, json.dumps([pattern]),
             json.dumps([[at, at + len(word)]]), "open", now()])
    return int(cur.lastrowid or 0)


def suggest_by_sql(store: Store) -> None:
    """Suggest each theme on every participant sentence containing its phrase."""
    words = {"winding-route": ("winding", "winding route"),
             "never-planned": ("winding", "never planned"),
             "luck": ("serendipity", "luck"), "board": ("mandate", "board")}
    for info in store.transcripts():
        text = store.transcript_text(info.id)
        turns = store.turns(info.id)
        for sentence in store.sentences(info.id):
            if turns[sentence.turn_index].role != "participant":
                continue
            body = text[sentence.start:sentence.end].lower()
            for pattern, (theme, word) in words.items():
                if word in body:
                    add_suggestion(store, info.id, theme, pattern, sentence.start,
                                   sentence.end, word)


def build_project(path: Path) -> None:
    """Write the test project to ``path``."""
    store = open_store(path)
    try:
        store.save_codebook(Codebook("test", THEMES, PATTERNS))
        store.add_transcript("alpha", make_parsed(TURNS_A), participant="P1")
        store.add_transcript("beta", make_parsed(TURNS_B), participant="P2")
        suggest_by_sql(store)
    finally:
        store.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project database with two transcripts, a codebook and suggestions."""
    path = tmp_path / "project.db"
    build_project(path)
    return path


@pytest.fixture
def app(project: Path) -> WorkbenchApp:
    """The workbench on the test project, as coder ``ana``."""
    return make_app(project, coder=CODER)


def screen_text(app: WorkbenchApp) -> str:
    """Everything currently drawn, as plain text (what a user sees)."""
    from textual.widgets import Static

    from qualcoder_ahp.tui.widgets.transcript_view import TranscriptView

    parts = []
    screen = app.screen
    for view in screen.query(TranscriptView):
        height = view.scrollable_content_region.height
        parts.extend(view.render_line(y).text for y in range(height))
    for static in screen.query(Static):
        parts.append(str(static.render()))
    return "\n".join(parts)


async def press_for_screen(pilot, key: str, kind: type):  # type: ignore[no-untyped-def]
    """Press ``key`` (after the app settles) and return the screen it opened, of ``kind``."""
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def open_alpha(pilot):  # type: ignore[no-untyped-def]
    """From the transcripts screen, open the first transcript (alpha); returns its screen."""
    from qualcoder_ahp.tui.screens.coding import CodingScreen

    return await press_for_screen(pilot, "enter", CodingScreen)


async def open_codebook(pilot):  # type: ignore[no-untyped-def]
    """From the transcripts screen, open the codebook screen (key k); returns it."""
    from qualcoder_ahp.tui.screens.codebook import CodebookScreen

    return await press_for_screen(pilot, "k", CodebookScreen)
