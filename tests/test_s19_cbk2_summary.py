"""The `qcahp suggest` summary says what happened to a decided suggestion no pattern finds.

"5 retired (1 no longer matched but kept because a coder decided on them)" read as if one
of the five retired suggestions was kept. It is apart from them: it stays open, with the
pattern ids it had. The workbench's S (transcripts screen) shows the same line.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook
from qualcoder_ahp.suggest.codebook import load_codebook
from qualcoder_ahp.suggest.runner import run_suggestions
from qualcoder_ahp.tui import jobs
from tests.conftest import make_parsed

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
TURNS = [("I", "interviewer", "Tell me about your career."),
         ("P", "participant", "Honestly I fell into it. Then it was by chance again. "
                              "They asked me to lead commissioning.")]


def _project(tmp_path: Path, decided: int) -> tuple[Path, dict[str, str]]:
    """The small codebook run once, ``decided`` serendipity suggestions accepted by ana,
    then a codebook without the serendipity patterns that found them."""
    path = tmp_path / "p.db"
    with open_store(path) as store:
        cb = load_codebook(SMALL)
        store.save_codebook(cb)
        tid = store.add_transcript("story", make_parsed(TURNS))[0].id
        run_suggestions(store)
        text = store.transcript_text(tid)
        found = {text[s.start:s.end]: s.id for s in store.suggestions(transcript_id=tid)
                 if s.theme_id == "serendipity"}
        for sid in sorted(found.values())[:decided]:
            store.accept(sid, "ana")
        gone = {"ser_fell_into", "ser_by_chance", "ser_ask_lemma"}
        store.save_codebook(Codebook(cb.name, cb.themes,
                                     tuple(p for p in cb.patterns if p.id not in gone)))
    return path, found


def test_one_decided_suggestion_is_said_to_stay_open_apart_from_the_retired(
        tmp_path: Path) -> None:
    path, found = _project(tmp_path, decided=1)
    result = CliRunner().invoke(cli, ["--db", str(path), "suggest"])
    assert result.exit_code == 0, result.stderr
    line = result.stdout.strip()
    assert line.endswith(" 0 new, 2 kept, 0 reopened, 2 retired; 1 suggestion no pattern "
                         "finds any more stays open because a coder decided on it"), line
    assert "kept because" not in line
    with open_store(path) as store:
        assert sorted(s.id for s in store.suggestions() if s.theme_id == "serendipity") == [
            min(found.values())]


def test_the_workbench_says_the_same_of_several(tmp_path: Path) -> None:
    path, _ = _project(tmp_path, decided=2)
    summary = jobs.suggest(path)  # what the transcripts screen shows after S
    assert summary.endswith(" 1 retired; 2 suggestions no pattern finds any more stay open "
                            "because a coder decided on each"), summary
