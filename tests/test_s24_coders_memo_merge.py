"""One coder's memo written apart on two laptops: the merge kept the newer text and
dropped the other without a word (it was in no memo, and `qcahp log` shows no memo
text). Now it warns, naming the memo and printing the text that is no longer in it;
an edit of a memo in one copy, merged again, is an update, not a conflict."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_merge import _base

FIRST = "Luck matters: three stories of a door opening."
OTHER = "Serendipity is rarer for the paramedics."


def _laptops(tmp_path: Path) -> tuple[Path, Path, Path]:
    _base(tmp_path / "main.db").close()
    one, two = tmp_path / "ana1.db", tmp_path / "ana2.db"
    for path, text in ((one, FIRST), (two, OTHER)):
        shutil.copy(tmp_path / "main.db", path)
        copy = open_store(path)
        copy.set_memo("ana", "theme", "serendipity", text)
        copy.close()
    copy = open_store(one)  # laptop 1 is edited last: its text is the newer
    copy.set_memo("ana", "theme", "serendipity", FIRST + " Edited.")
    copy.close()
    return tmp_path / "main.db", one, two


def _merge(db: Path, other: Path) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), "merge", str(other)],
                                terminal_width=300)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_the_older_text_merged_second_is_printed_not_dropped_silently(tmp_path):
    db, one, two = _laptops(tmp_path)
    assert "warning" not in _merge(db, one)
    said = _merge(db, two)
    assert ("warning: ana's memo on theme serendipity was written one way in "
            f"{two} and another way in this project") in said
    assert "the text here, the newer, stands" in said and repr(OTHER) in said
    store = open_store(db)
    assert store.memo("ana", "theme", "serendipity") == FIRST + " Edited."
    store.close()
    assert "warning" not in _merge(db, two)  # said once: the second merge brings nothing


def test_the_newer_copy_merged_second_says_which_text_it_replaced(tmp_path):
    db, one, two = _laptops(tmp_path)
    _merge(db, two)
    said = _merge(db, one)
    assert f"the text in {one}, the newer, stands" in said and repr(OTHER) in said
    store = open_store(db)
    assert store.memo("ana", "theme", "serendipity") == FIRST + " Edited."
    store.close()


def test_an_edit_in_the_same_copy_is_an_update(tmp_path):
    _base(tmp_path / "main.db").close()
    copy_path = tmp_path / "ana.db"
    shutil.copy(tmp_path / "main.db", copy_path)
    copy = open_store(copy_path)
    copy.set_memo("ana", "theme", "serendipity", FIRST)
    copy.close()
    db = tmp_path / "main.db"
    _merge(db, copy_path)
    copy = open_store(copy_path)
    copy.set_memo("ana", "theme", "serendipity", OTHER)
    copy.close()
    assert "warning" not in _merge(db, copy_path)
    store = open_store(db)
    assert store.memo("ana", "theme", "serendipity") == OTHER
    assert store.merge_memo_conflicts == []
    store.close()
