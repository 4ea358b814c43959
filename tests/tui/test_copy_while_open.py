"""A copy of the project file made while the workbench is open holds the decisions made.

Coders who work in copies send their file to the lead for `qcahp merge`. In WAL mode a
decision first lands in the ``-wal`` file; a `cp` of the database file alone, made while
the workbench was open, used to leave out every decision since the last automatic
checkpoint (1,000 pages: a whole day's coding), and the merge said "Nothing new".
"""

from __future__ import annotations

import shutil
from pathlib import Path

from qualcoder_ahp.model.store import open_store
from tests.tui.conftest import CODER, SIZE, open_alpha


async def test_a_copy_of_the_file_made_while_coding_holds_the_decision(app, project: Path,
                                                                        tmp_path: Path):
    lead = tmp_path / "lead.db"
    shutil.copy(project, lead)  # the lead's project, before anyone coded
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        await pilot.press("a")
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) == "accepted"
        app.poll_store()  # what the workbench does every 1.5 s
        copy = tmp_path / "to-lead.db"
        shutil.copy(project, copy)  # the file alone, as `cp ana.db to-lead.db` copies it
        with open_store(copy) as sent:
            assert sent.decision_of(first.id, CODER) == "accepted"
            assert [c.start for c in sent.codings(coder=CODER)] == [first.start]
        with open_store(lead) as store:
            assert store.merge_from(copy)["decisions"] == 1
            assert store.decision_of(first.id, CODER) == "accepted"
        assert app.store.checkpoint_writes() is False  # nothing new since


async def test_a_copy_holds_a_command_s_decision_made_while_the_workbench_is_open(
        app, project: Path, tmp_path: Path):
    """`qcahp decide` in another terminal while the workbench is open: that command is
    not the last connection out, so its decision stayed in the ``-wal`` file and a copy
    of the file made then (for `qcahp merge`) left it out."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        first = screen.session.current
        with open_store(project) as command:  # the other terminal's `qcahp decide`
            command.accept(first.id, CODER)
        assert app.poll_store()  # what the workbench does every 1.5 s
        copy = tmp_path / "to-lead.db"
        shutil.copy(project, copy)
        with open_store(copy) as sent:
            assert sent.decision_of(first.id, CODER) == "accepted"
