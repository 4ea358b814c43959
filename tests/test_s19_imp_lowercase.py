"""Lower-case and mixed-case speaker labels as transcribers type them (``int:``,
``resp:``, ``p1:``, ``interviewer:``) are speakers without being named; prose with a
colon (``note: ...``, ``e.g.: ...``) stays prose.

Before: a label had to be written as a name (capitalised), so each of these files was one
``(unlabelled)`` turn with every label in its text, unless the researcher named the
labels with ``--interviewer`` / ``--participant-speaker``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualcoder_ahp.importers import read_transcript

REAL = Path(__file__).resolve().parents[2] / "shared" / "transcripts-real"


def _turns(path: Path) -> list[tuple[str, str, str]]:
    parsed = read_transcript(path)
    return [(t.speaker, t.role, parsed.text[t.start:t.end]) for t in parsed.turns]


@pytest.mark.parametrize(("interviewer", "participant"), [
    ("interviewer", "participant"), ("int", "resp"), ("i", "p1"), ("iv", "r"),
    ("q", "a"), ("researcher", "participant 2"), ("int", "respondent 3"),
    ("interviewer", "interviewee"), ("mod", "p01"),
])
def test_lower_case_role_labels_are_speakers(tmp_path: Path, interviewer: str,
                                             participant: str) -> None:
    f = tmp_path / "p.txt"
    f.write_text(f"{interviewer}: So tell me how you started.\n"
                 f"{participant}: I qualified in 1996. Note: in Leeds.\n"
                 f"{interviewer}: And then?\n"
                 f"{participant}: I fell into management.\n", encoding="utf-8")
    assert _turns(f) == [
        (interviewer, "interviewer", "So tell me how you started."),
        (participant, "participant", "I qualified in 1996. Note: in Leeds."),
        (interviewer, "interviewer", "And then?"),
        (participant, "participant", "I fell into management."),
    ]


def test_one_speaker_in_several_cases_is_one_speaker(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_text("Interviewer: So tell me.\n\nP1: I qualified in 1996.\n\n"
                 "interviewer: And then?\n\np1: I fell into management.\n\n"
                 "INTERVIEWER: Why?\n\nP1: Nobody else would.\n", encoding="utf-8")
    turns = _turns(f)
    assert [(s, r) for s, r, _ in turns] == [("Interviewer", "interviewer"),
                                             ("P1", "participant")] * 3
    parsed = read_transcript(f)
    assert not any(re.match(r"(?i)(interviewer|p1):", parsed.text[t.start:t.end])
                   for t in parsed.turns)


def test_prose_with_colons_stays_prose(tmp_path: Path) -> None:
    """Among lower-case labels, "note:", "e.g.:" and a role word used once inside a
    turn stay speech; a file of notes alone stays one unlabelled text."""
    f = tmp_path / "p.txt"
    f.write_text("int: How was it?\n\np1: Cold.\nnote: the heating was off.\n"
                 "e.g.: no rota.\n\nint: And a: the first option?\n\n"
                 "p1: a: yes.\nq: would I stay? I would.\n", encoding="utf-8")
    turns = _turns(f)
    assert [(s, r) for s, r, _ in turns] == [("int", "interviewer"), ("p1", "participant")] * 2
    assert turns[1][2] == "Cold. note: the heating was off. e.g.: no rota."
    assert turns[2][2] == "And a: the first option?"
    assert turns[3][2] == "a: yes. q: would I stay? I would."
    notes = tmp_path / "notes.txt"
    notes.write_text("note: the heating was off.\nnote: two staff on shift.\n"
                     "e.g.: the rota was short.\nSo I said: why not?\n", encoding="utf-8")
    assert [(s, r) for s, r, _ in _turns(notes)] == [("(unlabelled)", "participant")]


def test_a_role_word_opening_a_paragraph_once(tmp_path: Path) -> None:
    """A lower-case role label used once is a speaker where it opens a paragraph of a
    labelled conversation (an AI interview's one "assistant:" greeting)."""
    f = tmp_path / "p.txt"
    f.write_text("assistant: Hello, shall we start?\n\nuser: Yes.\n\nai: Tell me about it.\n\n"
                 "user: It was hard.\n", encoding="utf-8")
    assert [(s, r) for s, r, _ in _turns(f)] == [
        ("assistant", "interviewer"), ("user", "participant"), ("ai", "interviewer"),
        ("user", "participant")]


def test_surname_with_a_particle(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_text("Interviewer: When did you start?\nvan Dijk: In 1990.\n"
                 "Interviewer: Why?\nvan Dijk: Nobody else would.\n", encoding="utf-8")
    assert [(s, r) for s, r, _ in _turns(f)] == [("Interviewer", "interviewer"),
                                                 ("van Dijk", "participant")] * 2


def test_lower_case_labels_in_columns_and_teams_cues(tmp_path: Path) -> None:
    tabbed = tmp_path / "cols.txt"
    tabbed.write_text("int\tSo tell me.\nresp\tI qualified in 1996.\nint\tAnd then?\n"
                      "resp\tI fell into management.\n", encoding="utf-8")
    assert [(s, r) for s, r, _ in _turns(tabbed)] == [("int", "interviewer"),
                                                      ("resp", "participant")] * 2
    cues = tmp_path / "teams.txt"
    cues.write_text("0:0:0.0 --> 0:0:2.0\ninterviewer\nSo tell me.\n\n"
                    "0:0:2.5 --> 0:0:5.0\nparticipant\nI qualified in 1996.\n",
                    encoding="utf-8")
    assert _turns(cues) == [("interviewer", "interviewer", "So tell me."),
                            ("participant", "participant", "I qualified in 1996.")]


def _lower_labels(text: str, labels: list[str]) -> str:
    for label in labels:
        text = re.sub(rf"(?m)^{re.escape(label)}(?=[ (:])", label.lower(), text)
    return text


@pytest.mark.skipif(not REAL.is_dir(), reason="shared real transcripts not present")
@pytest.mark.parametrize(("name", "labels"), [
    ("06_anthropic-interviewer_work0916_dietitian-manager.md", ["Assistant", "User", "AI"]),
    ("10_metamuse_ep15_leaving-san-francisco_rev-raw.txt", ["Speaker 1", "Speaker 2"]),
])
def test_real_transcripts_with_lower_case_labels_read_as_the_originals(
        tmp_path: Path, name: str, labels: list[str]) -> None:
    source = REAL / name
    lowered = tmp_path / name
    lowered.write_bytes(_lower_labels(source.read_text(encoding="utf-8"), labels)
                        .encode("utf-8"))
    assert lowered.read_bytes() != source.read_bytes()
    original, now = _turns(source), _turns(lowered)
    assert [(s.lower(), r, x) for s, r, x in now] == [(s.lower(), r, x) for s, r, x in original]
    assert len(now) > 20


def test_options_read_out_are_not_speakers(tmp_path: Path) -> None:
    """A lower-case letter opening a paragraph once ("a: stay") is speech, while the same
    file's lower-case role labels ("int:", "resp:") open turns."""
    f = tmp_path / "p.txt"
    f.write_text("int: What were the choices?\n\nresp: There were two.\n\na: stay in post\n\n"
                 "b: leave\n\nint: And you chose?\n\nresp: To stay.\n", encoding="utf-8")
    turns = _turns(f)
    assert [s for s, _, _ in turns] == ["int", "resp", "int", "resp"]
    assert turns[1][2] == "There were two.\na: stay in post\nb: leave"
