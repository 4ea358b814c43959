"""Session 19 team audit: the merge line counted a coding undone in the copy as one of
the codings it brought in ("Merged ana.db: ... 482 codings") while ``qcahp coders`` then
listed 481 for her: the undone one comes in only for the log it explains. The line says
how many of them are not in effect."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.tui.conftest import build_project


def test_the_merge_line_says_how_many_codings_were_undone_in_the_copy(tmp_path: Path):
    lead, copy = tmp_path / "lead.db", tmp_path / "ana.db"
    build_project(lead)
    shutil.copy(lead, copy)
    store = open_store(copy)
    first, second = store.suggestions()[:2]
    store.accept(first.id, "ana")
    store.accept(second.id, "ana")
    store.undo("ana")
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(lead), "merge", str(copy)])
    assert result.exit_code == 0, result.output
    assert ("2 codings (1 of them undone or removed in the copy, kept for its log), "
            "1 decision") in result.stdout
    coders = CliRunner().invoke(cli, ["--db", str(lead), "coders"]).stdout
    assert coders.splitlines()[2].split()[:3] == ["ana", "1", "1"]
