"""A new theme that takes a retired theme's name: what the researcher is told.

The decision (session 19): adding the name again is allowed, because the team may have
retired the old theme for what it meant, not for its name, and a coder in the middle
of a transcript must not be stopped. The old theme keeps its id (its codings, its
suggestions and the log refer to it), so the new one gets another (``mandate_2``) and
starts empty. What was wrong was the silence: the coder saw "Added theme mandate_2"
and later found "Mandate" and "Mandate (retired)" side by side in every report. Now
the CLI and both TUI ways of adding a theme say that the two are apart and how to join
them (merge the old theme's codings into the new one) or to use the old one instead
(undo, restore); and a restore that the new theme's name blocks names the merge.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from tests.tui.conftest import CODER, build_project, open_alpha


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def _retire_coded_mandate(db: Path) -> None:
    store = open_store(db)
    try:
        tid = store.transcripts()[0].id
        text = store.transcript_text(tid)
        start = text.index("I report to the board now.")
        store.code(tid, "mandate", CODER, start, start + len("I report to the board now."))
        store.retire_theme("mandate", coder=CODER)
    finally:
        store.close()


def test_add_theme_with_a_retired_name_says_how_the_two_join(tmp_path: Path) -> None:
    db = tmp_path / "project.db"
    build_project(db)
    _retire_coded_mandate(db)
    code, out, err = _run(db, "codebook", "add-theme", "mandate", "--coder", "ben")
    assert code == 0
    assert out.startswith("Added theme mandate_2 (mandate)")
    assert err.strip() == (
        "note: the retired theme mandate has this name too (1 coding, reported as 'Mandate "
        "(retired)'), kept apart from the new mandate_2: to move its codings into mandate_2: "
        "`qcahp codebook merge-theme mandate mandate_2 --coder ben`; to use mandate instead, "
        "undo this (u, or `qcahp undo --coder ben`) and `qcahp codebook restore mandate "
        "--coder ben`.")
    # The restore the new name blocks names the merge; the merge it names works.
    code, out, err = _run(db, "codebook", "restore", "mandate", "--coder", "ben")
    assert code == 1
    assert "cannot come back while 'mandate_2' has its name: move its codings into " \
        "mandate_2 instead (`qcahp codebook merge-theme mandate mandate_2 --coder ben`)" in err
    code, out, err = _run(db, "codebook", "add-theme", "Board access", "--id", "mandate",
                          "--coder", "ben")
    assert code == 1
    assert ("theme id 'mandate' belongs to the retired theme 'Mandate': bring it back with "
            "`qcahp codebook restore mandate --coder ben`, or give the new theme another id"
            in err)
    code, out, err = _run(db, "codebook", "merge-theme", "mandate", "mandate_2",
                          "--coder", "ben")
    assert code == 0, err
    store = open_store(db)
    try:
        assert [c.theme_id for c in store.codings(coder=CODER)] == ["mandate_2"]
    finally:
        store.close()
    # The retired theme's id is not taken for another theme; the refusal says why.
    code, out, err = _run(db, "codebook", "add-theme", "Board access", "--id", "mandate",
                          "--coder", "ben")
    assert code == 1
    assert ("theme id 'mandate' belongs to the theme 'Mandate', merged into mandate_2: give "
            "the new theme another id" in err)
    # A name no retired theme has gets no note.
    code, out, err = _run(db, "codebook", "add-theme", "Night team", "--coder", "ben")
    assert code == 0 and err == ""


async def test_the_workbench_picker_says_so_too(tmp_path: Path) -> None:
    db = tmp_path / "project.db"
    build_project(db)
    _retire_coded_mandate(db)
    app = make_app(db, coder=CODER)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await open_alpha(pilot)
        await pilot.press("down", "c")
        await pilot.pause()
        await pilot.press(*"Mandate", "ctrl+n")
        await pilot.pause()
        await pilot.press("enter")  # at the top level
        await pilot.pause()
        await pilot.pause()
        assert sorted(c.theme_id for c in app.store.codings(coder=CODER)
                      if c.theme_id.startswith("mandate")) == ["mandate", "mandate_2"]
        toasts = " ".join(str(t.render()) for t in app.screen.query("Toast"))
        toasts = " ".join(toasts.split())
        assert "Note: the retired theme mandate has this name too (1 coding" in toasts
        assert "`qcahp codebook merge-theme mandate mandate_2 --coder ana`" in toasts


def test_a_retired_theme_as_the_place_to_move_to_says_it_is_retired(tmp_path: Path) -> None:
    db = tmp_path / "project.db"
    build_project(db)
    _retire_coded_mandate(db)
    code, out, err = _run(db, "codebook", "edit-theme", "secret", "--parent", "mandate",
                          "--coder", "ben")
    assert code == 1
    assert err.strip() == ("Error: no theme or folder 'mandate' to move 'secret' under (it is "
                           "retired: `qcahp codebook restore` brings it back)")
