"""A renamed coder keeps their colour scheme and place in each transcript.

`qcahp coders rename` moved the remembered coder and the recent themes to the new name,
but the colour scheme the coder chose (``theme:NAME``) and where they were reading
(``place:NAME``) stayed under the old name: the workbench reopened under the new name in
the default colours, at the start of every transcript.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.helpers.project import build_project
from qualcoder_ahp.tui.app import THEME_SETTING
from qualcoder_ahp.tui.screens.coding import PLACE_SETTING

PLACE = json.dumps({"last": 1, "at": {"1": [120, None]}})


def project(tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    with build_project(db, transcripts=1) as store:
        story = store.transcripts()[0]
        theme = store.themes()[0].id
        store.code(story.id, theme, "ana", 0, 6)
        store.code(story.id, theme, "ben", 0, 6)
        store.set_setting(THEME_SETTING + "ana", "textual-light")
        store.set_setting(PLACE_SETTING + "ana", PLACE)
        store.set_setting(THEME_SETTING + "ben", "nord")
    return db


def test_rename_moves_the_colour_scheme_and_the_place(tmp_path: Path) -> None:
    db = project(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(db), "coders", "rename", "ana", "Ana Silva"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("; colour scheme and place in each transcript follow.\n")
    with open_store(db) as store:
        assert store.get_setting(THEME_SETTING + "Ana Silva") == "textual-light"
        assert store.get_setting(PLACE_SETTING + "Ana Silva") == PLACE
        assert store.get_setting(THEME_SETTING + "ana") is None
        assert store.get_setting(PLACE_SETTING + "ana") is None


def test_join_keeps_the_own_colour_scheme_and_takes_the_place(tmp_path: Path) -> None:
    db = project(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(db), "coders", "join", "ana", "ben"])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        assert store.get_setting(THEME_SETTING + "ben") == "nord"      # ben's own kept
        assert store.get_setting(PLACE_SETTING + "ben") == PLACE        # ana's place taken
        assert store.get_setting(THEME_SETTING + "ana") is None
        assert store.get_setting(PLACE_SETTING + "ana") is None
