"""The methods draft counts a paragraph's small numbers one way: in words below ten, as it
says the totals ("of the seven transcripts, ana coded one"), numerals beside a count of ten
or more ("over the 12 themes coded (1 nobody coded left out)")."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed

ANSWER = "I fell into management by chance, it was never planned."
TURNS = [("Interviewer", "interviewer", "So how did it start?"),
         ("Asha", "participant", ANSWER)]


def paragraphs(db: Path) -> dict[str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "methods", "--coders", "ana,ben",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    return {p["heading"]: p["text"] for p in json.loads(result.stdout)["paragraphs"]}


def project(tmp_path: Path, transcripts: int, themes: int) -> Path:
    path = tmp_path / "p.db"
    store = open_store(path)
    store.save_codebook(Codebook("t", tuple(Theme(f"t{k}", f"Theme {k}", position=k)
                                            for k in range(themes))))
    ids = [store.add_transcript(f"p{i}", make_parsed(
        [*TURNS, ("Asha", "participant", f"That was in year {i}.")]), participant=f"p{i}")[0].id
        for i in range(transcripts)]
    start = store.transcript_text(ids[0]).index(ANSWER)
    for coder, coded in (("ana", ids[:2]), ("ben", ids[:1])):
        for tid in coded:
            store.code(tid, "t0", coder, start, start + len(ANSWER))
    store.close()
    return path


def test_small_counts_are_words_like_the_totals_they_sit_beside(tmp_path):
    said = paragraphs(project(tmp_path, transcripts=3, themes=2))
    assert ("of the three transcripts, ana coded two and ben one; one of them (33.3%) was "
            "coded by two or more coders.") in said["Coders"]
    assert "over the one theme coded (one nobody coded left out)" in said["Agreement"]


def test_counts_beside_ten_or_more_are_numerals(tmp_path):
    said = paragraphs(project(tmp_path, transcripts=11, themes=12))
    assert "of the 11 transcripts, ana coded 2 and ben 1; 1 of them (9.1%)" in said["Coders"]
    assert "over the 1 theme coded (11 nobody coded left out)" in said["Agreement"]


def test_a_coder_named_who_coded_nothing_coded_none(tmp_path):
    """Not "coded no of the three transcripts" (``number_word(0)`` is "no")."""
    db = project(tmp_path, transcripts=3, themes=2)
    store = open_store(db)
    store.ensure_coder("carol")
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(db), "methods", "--coders", "carol",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    said = {p["heading"]: p["text"] for p in json.loads(result.stdout)["paragraphs"]}
    assert said["Coders"].startswith(
        "One coder (carol) coded none of the three transcripts; ana and ben have coded, not "
        "described here (`qcahp methods --coders ana,ben` describes their work).")
