"""Shared helpers of the tests of transcripts as meeting and transcription tools export
them (tests/test_s19_imp_*.py): write a file, import it with ``qcahp import`` and read
back what the database shows."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli

Q1 = "Thanks for joining me. Could you start by describing your role?"
A1 = "Sure. I'm a district nurse, I've been qualified twelve years."
Q2 = "What does a difficult shift look like?"
A2 = "Honestly, too many visits and not enough of us. Note: we lost two posts last year."
TEXTS = [Q1, A1, Q2, A2]


def run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.output


def imported(tmp_path: Path, path: Path, *extra: str) -> list[tuple[str, str, str | None, str]]:
    """``qcahp import`` the file, then each stored turn as ``(speaker, role, time, text)``
    read from the database (the text sliced by the turn's offsets)."""
    db = tmp_path / "p.db"
    code, out = run(db, "import", str(path), *extra)
    assert code == 0, out
    assert "1 imported" in out, out
    from qualcoder_ahp.model.store import open_store

    with open_store(str(db)) as store:
        (transcript,) = store.transcripts()
        text = store.transcript_text(transcript.id)
        return [(t.speaker, t.role, t.time, text[t.start:t.end])
                for t in store.turns(transcript.id)]


def speakers_listed(tmp_path: Path) -> dict[str, str]:
    code, out = run(tmp_path / "p.db", "transcripts", "--format", "json")
    assert code == 0, out
    (row,) = json.loads(out)
    return row["speakers"]
