"""`qcahp evaluate --coder NAME` scores what the coder has judged, and says so.

It counted every suggestion the coder had not decided yet, in every transcript the coder
had started, as wrong: a researcher halfway through an interview saw good patterns at
precision 0. By default (`--scope decided`) a suggestion the coder has not decided is left
out, unless the coder coded its theme there (then it was right); `--scope finished` scores
only the transcripts where the coder decided every suggestion; `--scope all` is the old
count. The line under the heading says which, and how much was left out.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.tui.conftest import CODER, build_project


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def _micro(db: Path, *args: str) -> tuple[int, int, int]:
    code, out, err = _run(db, "evaluate", "--coder", CODER, "--format", "json", *args)
    assert code == 0, err
    micro = json.loads(out)["micro"]
    return micro["tp"], micro["fp"], micro["fn"]


def _half_coded(tmp_path: Path) -> Path:
    """alpha: ana rejected one mandate suggestion and coded the luck sentence by hand (its
    suggestion undecided); three suggestions undecided. beta: both accepted."""
    db = tmp_path / "project.db"
    build_project(db)
    with open_store(db) as store:
        alpha, beta = (t.id for t in store.transcripts())
        text = store.transcript_text(alpha)
        by_text = {text[s.start:s.end]: s for s in store.suggestions(transcript_id=alpha)}
        store.reject(by_text["I report to the board now."].id, CODER)
        luck = by_text["Then I had some luck with a secondment."]
        store.code(alpha, "serendipity", CODER, luck.start, luck.end)
        for suggestion in store.suggestions(transcript_id=beta):
            store.accept(suggestion.id, CODER)
    return db


def test_by_default_only_what_the_coder_judged_is_scored(tmp_path: Path) -> None:
    db = _half_coded(tmp_path)
    # Right: the luck sentence (coded) and beta's two; wrong: the rejected one only.
    assert _micro(db) == (3, 1, 0)
    code, out, err = _run(db, "evaluate", "--coder", CODER)
    assert code == 0, err
    assert out.splitlines()[1] == (
        "Scored: ana's decisions and codings in 2 transcripts; 3 suggestions ana has not "
        "decided are left out (--scope all counts them as wrong; --scope finished scores "
        "only the transcripts ana finished).")
    assert "each counts as wrong" not in err
    data = json.loads(_run(db, "evaluate", "--coder", CODER, "--format", "json")[1])
    assert (data["scope"], data["undecided_left_out"]) == ("decided", 3)


def test_scope_all_counts_the_undecided_as_wrong_as_before(tmp_path: Path) -> None:
    db = _half_coded(tmp_path)
    assert _micro(db, "--scope", "all") == (3, 4, 0)
    code, out, err = _run(db, "evaluate", "--coder", CODER, "--scope", "all")
    assert code == 0, err
    assert out.splitlines()[1].startswith("Scored: every suggestion in the 2 transcripts ana "
                                          "coded or decided on; one ana has not decided "
                                          "counts as wrong")
    assert "Note: ana has not decided 4 of the 7 suggestions" in err


def test_scope_finished_scores_only_the_transcripts_the_coder_finished(tmp_path: Path) -> None:
    db = _half_coded(tmp_path)
    assert _micro(db, "--scope", "finished") == (2, 0, 0)
    out = _run(db, "evaluate", "--coder", CODER, "--scope", "finished")[1]
    assert out.splitlines()[1] == ("Scored: the 1 transcript ana finished (every suggestion "
                                   "decided); left out, not finished: alpha (1 of 5 decided).")
    with open_store(db) as store:  # nothing finished: one line, not an empty table
        beta = store.transcripts()[1].id
        store.reject(store.suggestions(transcript_id=beta)[0].id, "bo")
        store.code(beta, "mandate", "bo", 0, 4)
    code, out, err = _run(db, "evaluate", "--coder", "bo", "--scope", "finished")
    assert code == 1 and out == ""
    assert err == ("Error: bo has finished no transcript yet (decided every suggestion in "
                   "it): beta (1 of 2 decided); `--scope decided` scores bo's decisions and "
                   "codings so far\n")
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"sentence": "Pure luck.", "themes": ["serendipity"]}\n', encoding="utf-8")
    code, _, err = _run(db, "evaluate", "--gold", str(gold), "--scope", "all")
    assert code == 1 and err == ("Error: --scope goes with --coder (a gold file labels every "
                                 "sentence)\n")
