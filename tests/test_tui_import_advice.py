"""A transcript name already taken: each route gives advice that fits it.

The store said "use --new-version" everywhere, also in the workbench's import dialog,
which has no such flag. The dialog now says what can be done there; the CLI's import
and refi import still name their flag.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui import jobs
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen
from tests.conftest import make_parsed
from tests.tui.test_keys_80x24 import report_lines

FIRST = "Interviewer: How did you start?\nAnn: By chance, in a clinic.\n"
SECOND = "Interviewer: How did you start?\nAnn: I planned it from school.\n"


def _project(tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    old = tmp_path / "old"
    old.mkdir()
    (old / "p01.txt").write_text(FIRST, encoding="utf-8")
    assert jobs.import_files(db, [str(old / "p01.txt")]).startswith("1 imported")
    return db


def _transcripts(db: Path) -> list[tuple[str, int]]:
    with open_store(db) as store:
        return [(t.name, t.version) for t in store.transcripts()]


async def _import_in_dialog(db: Path, typed: str) -> list[str]:
    app = make_app(db, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TranscriptsScreen)
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*typed, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The job's summary, failures and notes are in the report under the table.
        return [" ".join(report_lines(app.screen))]


async def test_dialog_advice_for_a_name_taken_by_other_text(tmp_path):
    db = _project(tmp_path)
    new = tmp_path / "new"
    new.mkdir()
    (new / "p01.txt").write_text(SECOND, encoding="utf-8")
    messages = await _import_in_dialog(db, str(new / "p01.txt"))
    failed = [m for m in messages if "already stored" in m]
    assert len(failed) == 1, messages
    assert "rename the file to import it as another transcript" in failed[0]
    assert "use --new-version" not in failed[0]  # no such flag in the dialog
    assert _transcripts(db) == [("p01", 1)]  # nothing stored


async def test_dialog_advice_for_two_files_of_one_import_with_one_name(tmp_path):
    db = tmp_path / "p.db"
    open_store(db).close()
    for site, text in (("site_a", FIRST), ("site_b", SECOND)):
        (tmp_path / site).mkdir()
        (tmp_path / site / "p01.txt").write_text(text, encoding="utf-8")
    summary = jobs.import_files(db, [str(tmp_path / "site_a"), str(tmp_path / "site_b")])
    assert "rename one of them" in summary and "use --new-version" not in summary
    assert "qcahp import --new-version FILE" in summary
    assert _transcripts(db) == [("p01", 1)]


def test_store_message_names_no_flag_by_default(store):
    store.add_transcript("p01", make_parsed([("Ann", "participant", "One.")]))
    with pytest.raises(UserError, match="already stored") as refused:
        store.add_transcript("p01", make_parsed([("Ann", "participant", "Two.")]))
    assert "--new-version" not in str(refused.value)


def test_dialog_says_a_file_has_no_speaker_labels(tmp_path):
    # `qcahp import` notes that an unlabelled file is read as all the participant's
    # (questions included); the workbench's import said only "1 imported".
    db = tmp_path / "p.db"
    (tmp_path / "notes.txt").write_text("So tell me how you started. I fell into it.\n",
                                        encoding="utf-8")
    (tmp_path / "p02.txt").write_text(FIRST, encoding="utf-8")
    summary = jobs.import_files(db, [str(tmp_path / "notes.txt"), str(tmp_path / "p02.txt")])
    assert summary.startswith("2 imported")
    assert "note: notes: no speaker labels found" in summary
    assert "p02:" not in summary


async def test_dialog_failures_and_notes_stay_long_enough_to_read(tmp_path):
    db = _project(tmp_path)
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "more" / "p02.txt").write_text(SECOND, encoding="utf-8")
    app = make_app(db, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*str(tmp_path / "more"), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Failures stay in the report under the table until dismissed, not in a toast
        # that goes before they are read.
        shown = " ".join(report_lines(app.screen))
        assert "imported" in shown and "failed: " in shown
        assert not [n for n in app._notifications if "failed" in n.message]
        await pilot.pause(1.0)
        assert app.screen.query_one("#job-report").display
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query_one("#job-report").display


def test_dialog_notes_on_roles_give_the_command_not_a_flag(tmp_path):
    # The importer's notes on guessed roles and unread labels said "import the file
    # again with --interviewer NAME", a flag the dialog does not have.
    db = tmp_path / "p.db"
    (tmp_path / "p03.txt").write_text(
        "Anna: How did you start your career?\n"
        "Ben: I fell into it, really, by chance, and then I stayed on.\n"
        "Anna: And then?\nBen: I became a manager of the service after some years.\n",
        encoding="utf-8")
    summary = jobs.import_files(db, [str(tmp_path / "p03.txt")])
    assert "Anna as the interviewer" in summary
    assert "again with --interviewer" not in summary
    assert "in a terminal: qcahp import FILE --interviewer NAME" in summary


def test_note_for_dialog_names_the_command_for_an_unread_label():
    note = ("'Coach' opens 3 lines but is read as speech, not as a speaker (a label is "
            "written as a name); if it is one, import with --participant-speaker 'Coach' "
            "(or --interviewer)")
    shown = jobs.note_for_dialog(note)
    assert "import with --participant-speaker" not in shown
    assert "in a terminal: qcahp import FILE --participant-speaker 'Coach'" in shown
