"""Importers on the real transcripts in ../shared/transcripts-real (skipped if absent).

For each file: the right speakers and roles, the participant's words in participant
turns, no label or timestamp left in turn text, and the stored text equal to the
source's spoken text apart from the normalisation rules (each stored paragraph
appears, in order, in the normalised source, and almost every source word is kept).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import docx
import pytest
import srt

from qualcoder_ahp.importers import read_transcript
from qualcoder_ahp.importers.blocks import unescape_markdown
from qualcoder_ahp.importers.normalise import normalise
from qualcoder_ahp.records import ParsedTranscript

STAMP = re.compile(r"[\[(]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]")

EXPECTED: dict[str, dict[str, str]] = {
    "01_": {"Tim Smith": "interviewer", "Maria Boland Ploessl": "participant"},
    "03_": {"Bekah Hawrot Weigel": "interviewer", "Dan Ott": "interviewer",
            "Yolanda Haynes": "participant"},
    "06_": {"Assistant": "interviewer", "AI": "interviewer", "User": "participant"},
    "10_": {"Speaker 1": "participant", "Speaker 2": "interviewer"},
    "11_": {"Ms Tracy Nicholls": "participant", "Counsel Inquiry": "interviewer",
            "Ms Hands": "interviewer", "Lady Hallett": "other", "The Witness": "participant"},
}
# A sentence each participant says, which must sit in one of their participant turns.
PARTICIPANT_SAYS = {
    "01_": ("Maria Boland Ploessl", "I'm the executive director."),
    "03_": ("Yolanda Haynes", "Well, hello."),
    "05_": ("Ms Tracy Nicholls", "Yes, Tracy Lee Nicholls."),
    "06_": ("User", "I work as a registered dietitian"),
    "11_": ("Ms Tracy Nicholls", "Yes, Tracy Lee Nicholls."),
}


def real_files(real_dir: Path) -> list[Path]:
    return sorted(p for p in real_dir.glob("[0-9]*") if p.is_file())


def spoken_source(path: Path) -> str:
    """The source's text after the normalisation rules, whitespace collapsed."""
    if path.suffix == ".docx":
        raw = " ".join(p.text for p in docx.Document(str(path)).paragraphs)
    else:
        raw = normalise(path.read_bytes().decode("utf-8-sig"))
        if path.suffix == ".srt":
            raw = " ".join(s.content for s in srt.parse(raw))
        elif path.suffix == ".md":
            raw = unescape_markdown(raw)
    return " ".join(STAMP.sub(" ", normalise(raw)).split())


def roles_of(parsed: ParsedTranscript) -> dict[str, str]:
    return {t.speaker: t.role for t in parsed.turns}


@pytest.fixture(scope="module")
def parsed_real() -> dict[str, tuple[Path, ParsedTranscript]]:
    from tests.conftest import REAL

    if not REAL.is_dir():
        pytest.skip("../shared/transcripts-real is not present")
    return {p.name[:3]: (p, read_transcript(p)) for p in real_files(REAL)}


def test_all_real_files_present(real_dir: Path) -> None:
    assert {p.name[:3] for p in real_files(real_dir)} >= {"01_", "03_", "05_", "06_", "10_",
                                                          "11_"}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_speakers_and_roles(parsed_real: dict, key: str) -> None:
    _, parsed = parsed_real[key]
    assert roles_of(parsed) == EXPECTED[key]


def test_hearing_roles(parsed_real: dict) -> None:
    _, parsed = parsed_real["05_"]
    roles = roles_of(parsed)
    for name in ("Counsel Inquiry", "Ms Hands", "Ms Nield", "Mr Mills", "Ms Iengar",
                 "Mr Thomas KC", "Mr Wagner", "Ms Munroe KC"):
        assert roles[name] == "interviewer", name
    for name in ("The Witness", "Ms Tracy Nicholls", "Dr Michael Mulholland",
                 "Professor Adrian Edwards"):
        assert roles[name] == "participant", name
    assert roles["Lady Hallett"] == "other"
    # "Question: were there ..." is said by Mr Thomas KC, not a speaker label.
    assert "Question" not in roles and "Mr Thomas" not in roles
    assert parsed.turns[0].time == "10.30 am"


@pytest.mark.parametrize("key", sorted(PARTICIPANT_SAYS))
def test_participant_words_in_participant_turns(parsed_real: dict, key: str) -> None:
    _, parsed = parsed_real[key]
    speaker, words = PARTICIPANT_SAYS[key]
    owners = {(t.speaker, t.role) for t in parsed.turns if words in parsed.text[t.start:t.end]}
    assert owners == {(speaker, "participant")}


@pytest.mark.parametrize("key", ["01_", "03_", "05_", "06_", "10_", "11_"])
def test_no_label_or_timestamp_in_turn_text(parsed_real: dict, key: str) -> None:
    _, parsed = parsed_real[key]
    speakers = {t.speaker for t in parsed.turns}
    label = re.compile(r"^(?:\*\*)?(?:" + "|".join(map(re.escape, speakers)) + r")\b\W{0,3}:",
                       re.M)
    for turn in parsed.turns:
        text = parsed.text[turn.start:turn.end]
        assert not label.search(text), text[:80]
        assert not STAMP.search(text), text[:80]
        assert "**" not in text and "\\[" not in text
        assert text == text.strip() and "\n\n" not in text


@pytest.mark.parametrize("key", ["01_", "03_", "05_", "06_", "10_", "11_"])
def test_stored_text_is_the_spoken_source(parsed_real: dict, key: str) -> None:
    path, parsed = parsed_real[key]
    source = spoken_source(path)
    pos = 0
    for turn in parsed.turns:
        for paragraph in parsed.text[turn.start:turn.end].split("\n"):
            found = source.find(" ".join(paragraph.split()), pos)
            assert found >= 0, f"not in the source (in order): {paragraph[:80]!r}"
            pos = found
    assert len(parsed.text.split()) >= 0.94 * len(source.split())
    assert parsed.text == "\n\n".join(parsed.text[t.start:t.end] for t in parsed.turns)


def test_markdown_timestamps_kept_on_turns(parsed_real: dict) -> None:
    _, parsed = parsed_real["01_"]
    times = {t.time for t in parsed.turns if t.time}
    assert "00:12:08" in times  # [12:08] in the text, stored as HH:MM:SS
    assert "Break" not in roles_of(parsed)
    assert "[laughs]" in parsed.text  # Markdown escapes removed, the note itself kept


def test_crlf_speaker_own_line(real_dir: Path, parsed_real: dict) -> None:
    path, parsed = parsed_real["10_"]
    assert b"\r\n" in path.read_bytes()
    assert "\r" not in parsed.text
    assert [t.time for t in parsed.turns[:3]] == ["00:00:00", "00:00:33", "00:00:40"]
    assert Counter(t.speaker for t in parsed.turns) == {"Speaker 1": 38, "Speaker 2": 29}


def test_srt_turns_continue_across_cues(parsed_real: dict) -> None:
    _, parsed = parsed_real["03_"]
    first = parsed.text[parsed.turns[0].start:parsed.turns[0].end]
    assert first.startswith("Hello and welcome to Season 5, Episode 4 of the Virtual Coffee")
    assert first.endswith("Here with me today is my cohost, Dan.")
    assert parsed.turns[0].time == "00:00:03"


def test_docx_bold_runs_and_notes(parsed_real: dict) -> None:
    _, parsed = parsed_real["11_"]
    assert "(sworn)" not in parsed.text and "Source:" not in parsed.text
    assert parsed.turns[0].speaker == "Ms Hands"
    assert parsed.text.startswith("My Lady, may I call Tracy Nicholls.")


def test_sentences_cover_every_turn(parsed_real: dict) -> None:
    for _, parsed in parsed_real.values():
        covered = Counter(s.turn_index for s in parsed.sentences)
        assert set(covered) == set(range(len(parsed.turns)))
        ends = [(s.start, s.end) for s in parsed.sentences]
        assert ends == sorted(ends)
        assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:], strict=False))
