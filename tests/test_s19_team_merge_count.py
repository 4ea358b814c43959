"""Session 19 team audit: the merge line counted a coding undone in the copy as one of
the codings it brought in ("Merged ana.db: ... 482 codings") while ``qcahp coders`` then
listed 481 for her: the undone one comes in only for the log it explains. The line says
how many of them are not in effect.

And ``qcahp undo --coder ana`` in the lead's project then said "Nothing to undo for ana"
beside her 551 merged decisions, which read as lost work: it says where they are undone."""

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


def test_nothing_to_undo_after_a_merge_says_where_the_decisions_are(tmp_path: Path):
    lead, copy = tmp_path / "lead.db", tmp_path / "ana.db"
    build_project(lead)
    shutil.copy(lead, copy)
    store = open_store(copy)
    store.accept(store.suggestions()[0].id, "ana")
    store.close()
    assert CliRunner().invoke(cli, ["--db", str(lead), "merge", str(copy)]).exit_code == 0
    for step in ("undo", "redo"):
        result = CliRunner().invoke(cli, ["--db", str(lead), step, "--coder", "ana"])
        assert result.exit_code == 1
        assert result.stderr == (f"Nothing to {step} for ana here: 1 event of theirs came in "
                                 f"with qcahp merge, and is {step}ne in their copy (then "
                                 "merge it again).\n")
