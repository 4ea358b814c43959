"""A coder's copy made before `qcahp redact` ran here still holds the names in its
codebook text: a merge brought them back (the copy's theme edits, a theme it added,
and its copy of the log event the redaction had rewritten). They are redacted again."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_merge import _base


def _held(db: Path, name: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(
            "SELECT id FROM themes WHERE description LIKE ?1 OR examples LIKE ?1 "
            "UNION ALL SELECT CAST(id AS TEXT) FROM events WHERE payload LIKE ?1",
            [f"%{name}%"])]
    finally:
        conn.close()


def test_names_a_copy_brings_back_into_the_codebook_are_redacted_again(tmp_path):
    main = _base(tmp_path / "main.db")
    main.edit_theme("serendipity", coder="ana", examples=["Helen said she fell into it."])
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "ben.db")
    (tmp_path / "names.txt").write_text("Helen\n", encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(cli, ["--db", str(tmp_path / "main.db"), "redact", "--names",
                               str(tmp_path / "names.txt"), "--codebook"])
    assert done.exit_code == 0, done.output
    assert _held(tmp_path / "main.db", "Helen") == []
    copy = open_store(tmp_path / "ben.db")  # ben, on the copy made before
    copy.edit_theme("serendipity", coder="ben",
                    examples=["Helen said she fell into it.", "Helen again, by chance."])
    copy.add_theme("Burnout", coder="ben", description="What Helen calls running on empty.")
    copy.code(copy.transcript("asha").id, "burnout", "ben", 0, 10)
    copy.close()
    result = runner.invoke(cli, ["--db", str(tmp_path / "main.db"), "merge",
                                 str(tmp_path / "ben.db")], terminal_width=300)
    assert result.exit_code == 0, result.output
    assert _held(tmp_path / "main.db", "Helen") == []
    assert "was made before this project's redaction: the names it replaced came back" \
        in result.output
    # ben's new example is an edit to take; the names that differ are not.
    assert "and place in the tree: serendipity; to take an edit" in result.output
    store = open_store(tmp_path / "main.db")
    assert store.theme("burnout").description == "What [REDACTED] calls running on empty."
    assert store.theme("serendipity").examples == ("[REDACTED] said she fell into it.",)
    assert [c.theme_id for c in store.codings()] == ["burnout"]
    store.close()
    again = runner.invoke(cli, ["--db", str(tmp_path / "main.db"), "merge",
                                str(tmp_path / "ben.db")], terminal_width=300)
    assert again.output.startswith("Nothing new") and "redaction" not in again.output


def test_no_redaction_here_changes_nothing_the_copy_brings(tmp_path):
    main = _base(tmp_path / "main.db")
    main.edit_theme("serendipity", coder="ana", examples=["[P01] said she fell into it."])
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "ben.db")
    copy = open_store(tmp_path / "ben.db")
    copy.add_theme("Burnout", coder="ben", description="What Helen calls running on empty.")
    copy.close()
    store = open_store(tmp_path / "main.db")
    store.merge_from(tmp_path / "ben.db")
    assert store.theme("burnout").description == "What Helen calls running on empty."
    assert store.merge_redacted == 0
    store.close()


def test_examples_quoting_a_withdrawn_interview_do_not_come_back(tmp_path):
    """`qcahp withdraw` drops the codebook examples quoting the interview; a copy made
    before brought them back in its theme edits and a theme it added."""
    main = _base(tmp_path / "main.db")
    main.edit_theme("serendipity", coder="ana", examples=["I fell into management by chance."])
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "ben.db")
    runner = CliRunner()
    done = runner.invoke(cli, ["--db", str(tmp_path / "main.db"), "withdraw", "--transcript",
                               "asha", "--yes"])
    assert done.exit_code == 0, done.output
    copy = open_store(tmp_path / "ben.db")
    copy.edit_theme("serendipity", coder="ben", examples=[
        "I fell into management by chance.", "Right place, right time."])
    copy.add_theme("Burnout", coder="ben")
    copy.edit_theme("burnout", coder="ben", examples=["I fell into management by chance."])
    copy.code(copy.transcript("ben").id, "burnout", "ben", 0, 10)
    copy.close()
    result = runner.invoke(cli, ["--db", str(tmp_path / "main.db"), "merge",
                                 str(tmp_path / "ben.db")], terminal_width=300)
    assert result.exit_code == 0, result.output
    assert "1 codebook example quoting a withdrawn interview came back" in result.output
    # Burnout's example, dropped again, is no edit to take.
    assert "and place in the tree: serendipity; to take an edit" in result.output
    assert _held(tmp_path / "main.db", "management by chance") == []
    store = open_store(tmp_path / "main.db")
    assert store.theme("burnout").examples == ()
    assert [c.theme_id for c in store.codings()] == ["burnout"]
    store.close()
