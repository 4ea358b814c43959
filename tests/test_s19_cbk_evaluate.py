"""`qcahp evaluate --coder` while the coder is still coding: what the figures count.

An undecided suggestion in a transcript the coder has started counts as wrong unless the
coder coded its theme there (docs/codebook.md). The audit's researcher, halfway through
the first interview, saw `--by-pattern` put good patterns at precision 0 and would have
pruned them: the command now says how many suggestions are undecided and where the
coder's decisions alone are (`qcahp patterns --coder`). And a coding of a theme retired
since was called "not a theme id of the codebook", as if it were a typo.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.tui.conftest import CODER, build_project


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_evaluate_coder_names_the_undecided_and_the_retired(tmp_path: Path) -> None:
    db = tmp_path / "project.db"
    build_project(db)
    store = open_store(db)
    try:
        alpha = store.transcripts()[0].id
        first = store.suggestions(transcript_id=alpha)[0].id
        total = len(store.suggestions(transcript_id=alpha))
        text = store.transcript_text(alpha)
        start = text.index("I report to the board now.")
        store.code(alpha, "secret", CODER, start, start + len("I report to the board now."))
        store.retire_theme("secret", coder=CODER)
    finally:
        store.close()
    assert _run(db, "decide", str(first), "accept", "--coder", CODER)[0] == 0
    code, out, err = _run(db, "evaluate", "--coder", CODER, "--by-pattern", "--scope", "all")
    assert code == 0
    assert ("Note: retired themes (their codings kept, never suggested), left out of the "
            "scores: secret") in err
    assert "not theme ids of the codebook" not in err
    assert (f"Note: ana has not decided {total - 1} of the {total} suggestions in these "
            "transcripts; each counts as wrong unless ana coded its theme there. To prune "
            "patterns on ana's decisions only: `qcahp patterns --coder ana --sort "
            "precision`.") in err
