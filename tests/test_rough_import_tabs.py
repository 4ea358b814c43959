"""Tab-separated transcripts (`time<TAB>speaker<TAB>text`, `speaker<TAB>text`) read as
speaker turns.

Transcription tools and spreadsheets save a transcript as columns; read as plain text
each became one "(unlabelled)" turn holding the times and names, read as the
participant's words, questions included. Prose with tabs in it stays as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers.blocks import text_blocks
from qualcoder_ahp.importers.reader import read_transcript
from qualcoder_ahp.importers.tabbed import tab_blocks
from qualcoder_ahp.importers.turns import UNLABELLED

THREE = ("Time\tSpeaker\tText\n"
         "00:00:01\tInterviewer\tHow did your career begin?\n"
         "00:00:06\tHelen\tI qualified as a physiotherapist in 1996.\n"
         "00:00:12\tHelen\tThen I fell into management.\n"
         "00:00:20\tInterviewer\tWhy?\n"
         "00:00:22\t\tTake your time.\n"
         "00:00:25\tHelen\tNobody else would.\n")
TWO = ("Interviewer\tHow did your career begin?\n"
       "Helen\tI qualified in 1996.\n"
       "\tIt was a long road.\n"
       "Interviewer\tAnd then?\n"
       "Helen\tManagement, by chance.\n")


def turns(tmp_path: Path, text: str, name: str = "t.txt") -> list[tuple]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    parsed = read_transcript(path)
    return [(t.speaker, t.role, t.time, parsed.text[t.start:t.end]) for t in parsed.turns]


def test_time_speaker_text_columns_are_turns(tmp_path):
    assert turns(tmp_path, THREE) == [
        ("Interviewer", "interviewer", "00:00:01", "How did your career begin?"),
        # One speaker's rows in a row are one turn, timed by the first.
        ("Helen", "participant", "00:00:06",
         "I qualified as a physiotherapist in 1996. Then I fell into management."),
        # A row with no speaker continues the turn; the heading row is not spoken.
        ("Interviewer", "interviewer", "00:00:20", "Why? Take your time."),
        ("Helen", "participant", "00:00:25", "Nobody else would."),
    ]


def test_speaker_text_columns_are_turns(tmp_path):
    assert turns(tmp_path, TWO) == [
        ("Interviewer", "interviewer", None, "How did your career begin?"),
        ("Helen", "participant", None, "I qualified in 1996.\nIt was a long road."),
        ("Interviewer", "interviewer", None, "And then?"),
        ("Helen", "participant", None, "Management, by chance."),
    ]


def test_speaker_time_text_and_windows_line_ends(tmp_path):
    text = ("Q\t0:01\tWhat happened next?\r\nAnn Lee\t0:04\tI said yes.\r\n"
            "Q\t0:09\tWhy?\r\nAnn Lee\t0:10\tNobody else would.\r\n")
    assert [t[:3] for t in turns(tmp_path, text)] == [
        ("Q", "interviewer", "00:00:01"), ("Ann Lee", "participant", "00:00:04"),
        ("Q", "interviewer", "00:00:09"), ("Ann Lee", "participant", "00:00:10")]


@pytest.mark.parametrize("text", [
    # Tabs inside sentences, an indented paragraph, a numbered list with tabs.
    "Interviewer: How did it go?\n\nHelen: We had three columns:\tname\tvalue.\n\n"
    "\tIndented paragraph here.\n1.\tFirst item\n2.\tSecond item\n",
    # One row only, or one speaker only: not a conversation in columns.
    "Helen\tI qualified in 1996 and I loved the wards.\nIt was a long road.\n",
    "Helen\tI qualified in 1996.\nHelen\tIt was a long road.\nAnd a good one.\n",
    # Rows are a few lines of a long text: prose that happens to hold tabs.
    "I started\tas a physio.\nThen\tI moved.\nIt was never planned.\nI said yes.\n"
    "Nobody else would.\nThat was that.\n",
])
def test_prose_with_tabs_is_left_as_it_was(tmp_path, text):
    blocks = text_blocks(text)
    assert tab_blocks(blocks) is blocks  # read exactly as before
    got = turns(tmp_path, text)
    if text.startswith("Interviewer:"):
        assert [t[0] for t in got] == ["Interviewer", "Helen"]
        assert "columns:\tname\tvalue." in got[1][3] and "1.\tFirst item" in got[1][3]
    else:
        assert {t[0] for t in got} == {UNLABELLED}


def test_qcahp_import_lists_the_speakers(tmp_path):
    (tmp_path / "helen.txt").write_text(THREE, encoding="utf-8")
    db = tmp_path / "study.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(tmp_path / "helen.txt")])
    assert result.exit_code == 0, result.output
    assert "imported   helen (v1, 24 words, 4 turns)" in result.stdout
    assert "no speaker labels found" not in result.stderr
    listing = CliRunner().invoke(cli, ["--db", str(db), "transcripts"]).stdout
    assert "Interviewer (I), Helen (P)" in listing
