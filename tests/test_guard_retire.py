"""Retiring a theme (and restoring it) by key, as the store, ``qcahp codebook
retire``/``restore``, undo and ``qcahp log`` see it; and a later ``codebook load`` of a
file that still has the theme (the file wins, with a warning, as for edits and merges)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import open_store
from tests.tui.conftest import build_project
from tests.tui.test_keys_80x24 import snapshot


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    build_project(path)
    with open_store(path) as store:
        board = [s for s in store.suggestions() if s.theme_id == "mandate"]
        store.accept(board[0].id, "ana")
        store.reject(board[1].id, "ben")
    return path


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(project), *args])
    return result.exit_code, result.output


def state(project: Path) -> tuple[bool, int, int]:
    """Mandate active?, its active codings, its open suggestions."""
    with open_store(project) as store:
        active = "mandate" in {t.id for t in store.themes()}
        codings = len([c for c in store.codings() if c.theme_id == "mandate"])
        open_ = len(store.suggestions(theme_id="mandate"))
    return active, codings, open_


def test_retire_keeps_codings_retires_suggestions_and_undo_puts_it_back(project: Path) -> None:
    assert state(project) == (True, 1, 3)
    with open_store(project) as store:
        assert store.retire_theme("mandate", coder="lee") == {"codings": 1, "suggestions": 3}
        assert "mandate" not in {t.id for t in store.codebook().themes}  # no suggest
    assert state(project) == (False, 1, 0)
    code, out = run(project, "counts")
    assert code == 0 and any(line.split()[:4] == ["mandate", "Mandate", "(retired)", "1"]
                             for line in out.splitlines() if line.strip()), out
    with open_store(project) as store:
        assert store.undo("lee")["kind"] == "theme_retire"
    assert state(project) == (True, 1, 3)
    with open_store(project) as store:
        store.redo("lee")
    assert state(project) == (False, 1, 0)


def test_restore_reopens_what_the_retire_closed_and_undoes(project: Path) -> None:
    with open_store(project) as store:
        store.retire_theme("mandate", coder="lee")
        assert store.restore_theme("mandate", coder="ana") == {"codings": 1,
                                                                 "suggestions": 3}
    assert state(project) == (True, 1, 3)
    with open_store(project) as store:  # undoing a restore keeps the codings (no refusal)
        assert store.undo("ana")["kind"] == "theme_restore"
    assert state(project) == (False, 1, 0)


def test_refusals_change_nothing(project: Path) -> None:
    with open_store(project) as store:
        with pytest.raises(UserError, match="has themes below it .winding, serendipity."):
            store.retire_theme("career", coder="lee")
        with pytest.raises(UserError, match="is not retired"):
            store.restore_theme("mandate", coder="lee")
        store.merge_theme("serendipity", "winding", coder="lee")
        with pytest.raises(UserError, match="was merged into 'winding'.*undo the merge"):
            store.restore_theme("serendipity", coder="lee")
        store.retire_theme("mandate", coder="lee")
        with pytest.raises(UserError, match="already retired"):
            store.retire_theme("mandate", coder="lee")
        events = len(store.events())
    with open_store(project) as store:
        assert len(store.events()) == events


def test_a_folder_retires_once_nothing_active_is_below_it(project: Path) -> None:
    with open_store(project) as store:
        store.retire_theme("serendipity", coder="lee")
        store.edit_theme("winding", coder="lee", parent_id=None)
        assert store.retire_theme("career", coder="lee") == {"codings": 0, "suggestions": 0}
        assert "career" not in {t.id for t in store.themes()}
        # A theme under a retired folder waits for the folder.
        with pytest.raises(UserError, match="under 'career', which is retired too"):
            store.restore_theme("serendipity", coder="lee")
        store.restore_theme("career", coder="lee")
        store.restore_theme("serendipity", coder="lee")
        assert store.theme_path("serendipity") == "Career paths / Serendipity"


def test_cli_retire_restore_log_and_undo(project: Path) -> None:
    before = snapshot(project)
    code, out = run(project, "codebook", "retire", "mandate", "--coder", "lee")
    assert code == 0, out
    assert out == ("Retired theme mandate (Mandate): 1 coding kept (shown as Mandate "
                   "(retired)), 3 open suggestions retired.\n")
    code, out = run(project, "log", "--kind", "theme_retire")
    assert "retired theme Mandate (mandate; 1 coding kept, 3 open suggestions retired)" \
        in " ".join(out.split()), out
    code, out = run(project, "codebook", "retire", "career", "--coder", "lee")
    assert code == 1 and "has themes below it" in out and len(out.splitlines()) == 1
    code, out = run(project, "codebook", "restore", "mandate", "--coder", "ana")
    assert code == 0 and out == ("Restored theme mandate (Mandate): 1 coding, 3 suggestions "
                                 "open again.\n"), out
    code, out = run(project, "log", "--kind", "theme_restore")
    assert "restored theme Mandate (mandate; 3 suggestions open again)" in " ".join(
        out.split()), out
    code, out = run(project, "undo", "--coder", "ana")
    assert code == 0 and out.startswith("undid: restored theme Mandate"), out
    code, out = run(project, "undo", "--coder", "lee")
    assert code == 0 and out.startswith("undid: retired theme Mandate"), out
    assert state(project) == (True, 1, 3)
    assert snapshot(project)[1] == before[1]  # the codings as they were
    code, out = run(project, "codebook", "retire", "nope", "--coder", "lee")
    assert code == 1 and "nope" in out


def test_a_later_load_of_a_file_with_the_theme_brings_it_back_and_says_so(
        project: Path, tmp_path: Path) -> None:
    cb = tmp_path / "codebook.yaml"
    assert run(project, "codebook", "export", str(cb))[0] == 0
    run(project, "codebook", "retire", "mandate", "--coder", "lee")
    code, out = run(project, "codebook", "load", str(cb))
    assert code == 0, out
    flat = " ".join(out.split())
    assert "themes brought back: mandate" in flat and "themes added: mandate" not in flat
    assert "warning: theme mandate was retired in this project (lee, " in flat
    assert "`qcahp codebook retire mandate --coder NAME`" in flat
    assert state(project)[:2] == (True, 1)
    code, out = run(project, "codebook", "load", str(cb))  # said once: now it is current
    assert "was retired" not in out and "no changes" in out
    # Undone, a retirement is not one a file brings back.
    run(project, "codebook", "retire", "mandate", "--coder", "lee")
    run(project, "undo", "--coder", "lee")
    code, out = run(project, "codebook", "load", str(cb))
    assert "was retired" not in out
