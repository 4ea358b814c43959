"""Session 22, privacy: the transcripts screen renames a transcript (n), at 80x24.

The dialog starts with the old name, refuses a name another transcript has (or one the
commands would misread) inside the dialog, which stays open, and renames in the database
on Enter: the coding stays on the same transcript id.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Label

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.tui import jobs
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.modals import SearchModal
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

HELEN = "Interviewer: How did you start?\nHelen: By chance, in a clinic.\n"
TOM = "Interviewer: How did you start?\nTom: I planned it from school.\n"


def _project(tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "physio_helen.txt").write_text(HELEN, encoding="utf-8")
    (folder / "podiatrist_tom.txt").write_text(TOM, encoding="utf-8")
    assert jobs.import_files(db, [str(folder)]).startswith("2 imported")
    with open_store(db) as store:
        store.save_codebook(Codebook("t", (Theme("chance", "Chance"),)))
        store.code(store.transcript("physio_helen").id, "chance", "ana", 0, 9)
    return db


def _row_names(screen: TranscriptsScreen) -> list[str]:
    table = screen.query_one("#transcripts", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_n_renames_the_highlighted_transcript_in_a_dialog(tmp_path):
    db = _project(tmp_path)
    with open_store(db) as store:
        tid = store.transcript("physio_helen").id
    app = make_app(db, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TranscriptsScreen)
        table = screen.query_one("#transcripts", DataTable)
        table.move_cursor(row=_row_names(screen).index("physio_helen"))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SearchModal)
        box = app.screen.query_one("#search-query", Input)
        assert box.value == "physio_helen"
        box.value = ""
        await pilot.press(*"podiatrist_tom", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SearchModal)  # refused in the dialog, still open
        error = app.screen.query_one("#search-error", Label)
        assert "Another transcript is named 'podiatrist_tom'" in str(error.render())
        box.value = ""
        await pilot.press(*"P07", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        assert "P07" in _row_names(screen) and "physio_helen" not in _row_names(screen)
    with open_store(db) as store:
        info = store.transcript("P07")
        assert info.id == tid
        assert [c.theme_id for c in store.codings(transcript_id=tid)] == ["chance"]
        assert [t.name for t in store.transcripts()] == ["P07", "podiatrist_tom"]


async def test_escape_keeps_the_name_and_the_key_is_in_help(tmp_path):
    db = _project(tmp_path)
    app = make_app(db, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        from qualcoder_ahp.tui.screens.help import binding_rows

        assert any(key == "n" and "Rename" in what for key, what, _ in binding_rows(app.screen))
    with open_store(db) as store:
        assert sorted(t.name for t in store.transcripts()) == ["physio_helen", "podiatrist_tom"]
