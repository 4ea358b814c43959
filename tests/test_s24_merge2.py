"""Merging coders' copies: a theme two coders added apart under different parents is
said once, with the command that moves it; a decision conflict is said once, not again
on each later merge of the copy that lost."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_merge import _base
from tests.test_s24_coders_merge import _two_laptops


def _merge(db: Path, copy: Path):
    result = CliRunner().invoke(cli, ["--db", str(db), "merge", str(copy)],
                                terminal_width=300)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _added_apart(tmp_path: Path) -> Path:
    main = _base(tmp_path / "main.db")
    main.close()
    for coder, parent in (("ana", "mandate"), ("ben", "serendipity")):
        shutil.copy(tmp_path / "main.db", tmp_path / f"{coder}.db")
        copy = open_store(tmp_path / f"{coder}.db")
        copy.add_theme("Burnout", coder=coder, parent_id=parent)
        copy.code(copy.transcript("asha").id, "burnout", coder, 0, 10)
        copy.close()
    return tmp_path / "main.db"


def test_a_theme_added_apart_under_another_parent_is_said_with_the_move(tmp_path):
    db = _added_apart(tmp_path)
    assert "warning" not in _merge(db, tmp_path / "ana.db")
    out = _merge(db, tmp_path / "ben.db")
    assert (f"warning: theme burnout ('Burnout') was added by ben in {tmp_path / 'ben.db'} "
            "under 'Serendipity', and apart by ana under 'Board mandate' in this project: "
            "it stays under 'Board mandate'") in out
    assert "`qcahp codebook edit-theme burnout --parent serendipity --coder NAME`" in out
    store = open_store(db)
    assert store.theme("burnout").parent_id == "mandate"
    assert len([c for c in store.codings() if c.theme_id == "burnout"]) == 2
    store.close()
    # Said once: merging the same copy again brings nothing and says nothing.
    again = _merge(db, tmp_path / "ben.db")
    assert again.startswith("Nothing new") and "warning" not in again


def test_no_word_when_both_copies_have_it_from_the_project(tmp_path):
    main = _base(tmp_path / "main.db")
    main.add_theme("Burnout", coder="ana", parent_id="mandate")
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "ben.db")
    copy = open_store(tmp_path / "ben.db")
    copy.code(copy.transcript("asha").id, "burnout", "ben", 0, 10)
    copy.close()
    assert "warning" not in _merge(tmp_path / "main.db", tmp_path / "ben.db")


def test_the_same_place_is_no_warning(tmp_path):
    main = _base(tmp_path / "main.db")
    main.close()
    for coder in ("ana", "ben"):
        shutil.copy(tmp_path / "main.db", tmp_path / f"{coder}.db")
        copy = open_store(tmp_path / f"{coder}.db")
        copy.add_theme("Burnout", coder=coder, parent_id="mandate")
        copy.close()
    _merge(tmp_path / "main.db", tmp_path / "ana.db")
    assert "warning" not in _merge(tmp_path / "main.db", tmp_path / "ben.db")


def test_a_decision_conflict_is_said_once_not_on_each_later_merge(tmp_path):
    main_path, one, two, sid = _two_laptops(tmp_path)
    _merge(main_path, one)
    assert "warning: ana decided 1 suggestion" in _merge(main_path, two)
    # ana goes on coding on laptop 1 (whose accept lost): its next merge brings that
    # coding alone, and the conflict already said is not said again.
    first = open_store(one)
    first.code(first.transcript("asha").id, "serendipity", "ana", 0, 3)
    first.close()
    out = _merge(main_path, one)
    assert out.startswith(f"Merged {one}: 1 coding, 1 log event.")
    assert "warning" not in out and "removed or restored" not in out
    store = open_store(main_path)
    assert store.decision_of(sid, "ana") == "rejected"
    assert store.merge_conflicts == []
    assert [c.theme_id for c in store.codings(coder="ana")] == ["serendipity"]
    store.close()
