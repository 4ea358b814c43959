"""`qcahp memos` on a terminal with nothing to show says so plainly.

It printed a Markdown document of nothing, `# Memos` and `No memos match.`, to a
researcher who had not written a memo yet, with no word on how to write one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store


def memos(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), "memos", *args],
                                env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr("qualcoder_ahp.cli.reports._stdout_is_terminal", lambda: True)


def test_no_memos_yet_says_how_to_write_one(db, terminal):
    store = open_store(db)
    try:  # the reports project, without its one memo
        store.set_memo("alice", "coding", store.codings(coder="alice")[3].id, "")
    finally:
        store.close()
    out = memos(db)
    assert "#" not in out
    assert max(map(len, out.splitlines())) <= 80
    assert " ".join(out.split()) == (
        "No memos yet in this project. Coders write them in the workbench (`qcahp code "
        "--coder NAME`): M on a coding writes a memo on it, its theme or its transcript.")


def test_none_of_these_says_how_many_there_are(db, terminal):
    out = memos(db, "--coder", "bob")
    assert out.startswith("No memos match (1 memo in the project in all; without --coder,")
    assert "# Memos" not in out
    # Memos that match are the document, to read on a terminal (Markdown in a pipe).
    assert memos(db, "--coder", "alice").startswith("Memos of alice\n\nMemos on codings\n")


def test_a_pipe_or_a_chosen_format_keeps_the_document(db, tmp_path, monkeypatch):
    monkeypatch.setattr("qualcoder_ahp.cli.reports._stdout_is_terminal", lambda: False)
    assert memos(db, "--coder", "bob").startswith("# Memos of bob\n\nNo memos match.\n")
    monkeypatch.setattr("qualcoder_ahp.cli.reports._stdout_is_terminal", lambda: True)
    assert memos(db, "--coder", "bob", "--format", "md").startswith("# Memos of bob")
    assert memos(db, "--coder", "bob", "--format", "csv").startswith("kind,about,")
