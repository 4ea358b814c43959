"""Finishing touches of session 17: a long pattern readable in full on the patterns
screen, an empty coding query that says why, and a mistyped participant id guessed only
when likely (the saturation chart that says why it assesses nothing: test_saturation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Label, Static

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Pattern
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.pattern_view import PatternViewModal
from qualcoder_ahp.tui.screens.pattern_suggestions import PatternSuggestionsScreen
from qualcoder_ahp.tui.screens.patterns import PatternsScreen
from tests.conftest import make_parsed
from tests.tui.conftest import CODER, PATTERNS, THEMES, TURNS_A, open_codebook, press_for_screen
from tests.tui.test_codebook_blind import to_theme

LONG = ("\\b(?:" + "|".join(f"secondment{n:02d}" for n in range(30))
        + ")\\s+(?:as|into)\\s+(?:a\\s+)?(?:director|lead|head)\\b")
"""A regex far wider than an 80-column screen (the shipped codebook has ones of 6,000)."""


@pytest.fixture
def long_project(tmp_path: Path) -> Path:
    path = tmp_path / "long.db"
    with open_store(path) as store:
        pattern = Pattern("zz-long", "serendipity", "regex", LONG)
        store.save_codebook(Codebook("test", THEMES, (*PATTERNS, pattern)))
        store.add_transcript("alpha", make_parsed(TURNS_A), participant="P1")
    return path


async def test_a_long_regex_can_be_read_whole_at_80x24(long_project: Path) -> None:
    app = make_app(long_project, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        codebook = await open_codebook(pilot)
        await to_theme(pilot, codebook, "serendipity")
        screen = await press_for_screen(pilot, "y", PatternsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("end")  # zz-long, the last by id
        await pilot.pause()
        assert screen.selected()["pattern"] == "zz-long"
        where = screen.query_one("#patterns-where", Label)
        line = str(where.render())
        assert line.endswith("(v shows it whole)") and len(line) <= 78  # cut, says how to see it
        assert where.region.bottom <= 23  # the footer still below it
        assert "v" in app.active_bindings
        modal = await press_for_screen(pilot, "v", PatternViewModal)
        await pilot.pause()
        shown = str(modal.query_one("#pattern-view-text", Static).render())
        assert LONG in shown  # the pattern as written, every character
        assert "regex pattern of Career paths / Serendipity" in shown
        dialog = modal.query_one(".dialog")
        assert dialog.region.right <= 80 and dialog.region.bottom <= 24
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        # The pattern's suggestion list: its header cut with the hint, v shows it all.
        listing = await press_for_screen(pilot, "enter", PatternSuggestionsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        head = str(listing.query_one("#pattern-list-head", Label).render()).splitlines()
        assert head[0].startswith("zz-long of ") and head[0].endswith("(v shows it whole)")
        modal = await press_for_screen(pilot, "v", PatternViewModal)
        await pilot.pause()
        assert LONG in str(modal.query_one("#pattern-view-text", Static).render())


# --------------------------------------------------------------------- an empty coding query
QUERY_TURNS = [("Interviewer", "interviewer", "How did you get here?"),
               ("P1", "participant", "It was luck really. I report to the board now."),
               ("Interviewer", "interviewer", "And then?"),
               ("P1", "participant", "Pure luck got me onto the board. Nothing else.")]
"""Serendipity on each "luck", Mandate on each "board": never overlapping; sharing a
sentence once (the fourth turn), a turn twice."""


def test_a_coding_query_that_finds_nothing_says_why(tmp_path: Path) -> None:
    path = tmp_path / "query.db"
    with open_store(path) as store:
        store.save_codebook(Codebook("test", THEMES, PATTERNS))
        info, _ = store.add_transcript("alpha", make_parsed(QUERY_TURNS), participant="P1")
        text = store.transcript_text(info.id)
        for theme, word in (("serendipity", "luck"), ("mandate", "board")):
            at = -1
            while (at := text.find(word, at + 1)) != -1:
                store.code(info.id, theme, CODER, at, at + len(word))

    def quotes(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["--db", str(path), "quotes", "--theme",
                                          "serendipity", *args])
        return result.exit_code, result.stdout, result.stderr

    code, out, _ = quotes("--with", "mandate", "--format", "text")
    assert code == 0
    assert ("No codings match: Career paths / Serendipity has 2 codings; none is "
            "overlapping Mandate (by sentence: 1 would).") in out
    code, out, err = quotes("--with", "mandate", "--near", "sentence", "--format", "csv")
    assert code == 0 and out.count("\n") == 2  # the one the hint counted
    assert "No codings match" not in err
    code, out, err = quotes("--with", "secret", "--format", "csv")
    assert code == 0 and out.count("\n") == 1  # the header only; why, on stderr
    assert "No codings match: Secret weapon has no codings here." in err
    code, out, _ = quotes("--without", "mandate", "--near", "turn", "--format", "text")
    assert code == 0
    assert ("No codings match: Career paths / Serendipity has 2 codings; every one is "
            "in a turn with Mandate.") in " ".join(out.split())


# --------------------------------------------------------------------- participants assign
def test_assign_to_a_new_id_guesses_only_a_likely_one(tmp_path: Path) -> None:
    """A new P03 is as near P01 as P10: no guess (difflib's tie-break said P10); P1O is
    P10 with an O for the 0, as the participants CSV import guesses."""
    db, folder = tmp_path / "p.db", tmp_path / "in"
    folder.mkdir()
    for name in ("P01", "P10", "int3"):
        (folder / f"{name}.txt").write_text(
            f"Interviewer: How did it start?\n\nAnn: I fell into it ({name}).\n",
            encoding="utf-8")

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["--db", str(db), *args])
        return result.exit_code, result.stdout, result.stderr

    assert run("import", str(folder))[0] == 0
    code, out, err = run("participants", "assign", "int3", "P03")
    assert code == 0 and "now belongs to participant P03" in out
    assert "note: P03 is a new participant with no attributes yet" in err
    assert "did you mean" not in err
    code, out, err = run("participants", "assign", "int3", "P1O")
    assert code == 0 and "did you mean P10?" in " ".join(err.split())
