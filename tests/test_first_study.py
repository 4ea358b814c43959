"""A researcher's first study with their own files: the header above an interview (a
Word table of attributes, ``Date:`` lines) is not spoken, and the participant id it
names meets the participants CSV.

Each file is written here, in the forms researchers have: a Word file with a table of
attributes above ``Interviewer:`` / ``P1:`` turns, an OpenDocument file opening with a
title and ``Date:`` / ``Location:`` lines, a text file with a header block.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers import read_transcript

ATTRIBUTES = [("Participant ID", "P1"), ("Role", "District nurse (Band 6)"),
              ("Years qualified", "12"), ("Date of interview", "14/03/2025")]
TURNS = [
    ("Interviewer", "Can you tell me a bit about your caseload at the moment?"),
    ("P1", "It's heavy. I've got about forty patients on my list."),
    ("Interviewer", "How does that feel by the end of the week?"),
    ("P1", "Honestly, I'm exhausted. I go home and I can't switch off."),
]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def rows(sql: str) -> list[tuple]:
    conn = sqlite3.connect(os.environ["QCAHP_DB"])
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def spoken(path: Path) -> list[tuple[str, str, str]]:
    parsed = read_transcript(path)
    return [(t.speaker, t.role, parsed.text[t.start:t.end]) for t in parsed.turns]


def write_docx(path: Path, attributes: list[tuple[str, str]] = ATTRIBUTES,
               turns: list[tuple[str, str]] = TURNS) -> Path:
    from docx import Document

    doc = Document()
    doc.add_heading("Burnout in community nursing - Interview 1", level=1)
    table = doc.add_table(rows=len(attributes), cols=2)
    for i, (key, value) in enumerate(attributes):
        table.cell(i, 0).text = key
        table.cell(i, 1).text = value
    doc.add_paragraph("")
    for speaker, text in turns:
        doc.add_paragraph(f"{speaker}: {text}")
    doc.save(str(path))
    return path


def test_word_table_of_attributes_is_not_spoken(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "p01_interview.docx")
    assert spoken(path) == [(s, "interviewer" if s == "Interviewer" else "participant", t)
                            for s, t in TURNS]
    parsed = read_transcript(path)
    assert parsed.header == ATTRIBUTES
    assert "District nurse" not in parsed.text and "14/03/2025" not in parsed.text
    assert any("header above the interview (4 lines" in n for n in parsed.notes)


def test_opendocument_title_and_date_lines_are_not_spoken(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    doc = OpenDocumentText()
    for line in ["Interview 4", "Date: 2 April 2025", "Location: Team base, Northfield", "",
                 "Interviewer: Could you tell me about a recent difficult shift?",
                 "Participant 4: There's no time to process anything.",
                 "Interviewer: Is there any support for that?",
                 "Participant 4: Mostly I rely on my colleagues."]:
        doc.text.addElement(P(text=line))
    path = tmp_path / "p04.odt"
    doc.save(str(path))
    turns = spoken(path)
    assert [s for s, _, _ in turns] == ["Interviewer", "Participant 4"] * 2
    assert turns[0][2] == "Could you tell me about a recent difficult shift?"
    parsed = read_transcript(path)
    assert parsed.header == [(None, "Interview 4"), ("Date", "2 April 2025"),
                             ("Location", "Team base, Northfield")]
    assert "Northfield" not in parsed.text and "Interview 4" not in parsed.text


def test_text_header_naming_interviewer_and_participant(tmp_path: Path) -> None:
    # Dr Price asks long questions: without the header's "Interviewer: Dr Price" the
    # speaker with the most words (her) was taken for the participant.
    path = tmp_path / "int07.txt"
    path.write_text("Interview 7\nDate: 3 May 2025\nInterviewer: Dr Price\nParticipant: P07\n\n"
                    "Dr Price: What is a typical day like for you and the team, from the "
                    "first visit in the morning to the last note at night?\n\n"
                    "Sam: Fourteen visits, no lunch.\n\n"
                    "Dr Price: And when the day is over, what do you do to switch off from "
                    "the work, if anything at all?\n\nSam: Nothing works.\n")
    turns = spoken(path)
    assert [(s, r) for s, r, _ in turns] == [("Dr Price", "interviewer"),
                                             ("Sam", "participant")] * 2
    assert turns[1][2] == "Fourteen visits, no lunch."
    parsed = read_transcript(path)
    assert ("Participant", "P07") in parsed.header and "3 May" not in parsed.text


def test_a_conversation_opening_with_short_turns_keeps_them(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("Interviewer: Hi Jo\n\nJo: Hello\n\nInterviewer: How was the week?\n\n"
                    "Jo: Busy, as ever. Staffing is the big thing.\n")
    turns = spoken(path)
    assert [s for s, _, _ in turns] == ["Interviewer", "Jo", "Interviewer", "Jo"]
    assert turns[0][2] == "Hi Jo" and turns[1][2] == "Hello"
    assert read_transcript(path).header == []


def test_import_takes_the_participant_id_from_the_header(tmp_path: Path) -> None:
    write_docx(tmp_path / "p01_interview.docx")
    result = run("import", str(tmp_path / "p01_interview.docx"))
    assert result.exit_code == 0, result.output
    assert rows("SELECT p.code FROM transcripts t JOIN participants p "
                "ON p.id = t.participant_id") == [("P1",)]
    assert "participant P1, from the header's 'Participant ID: P1'" in result.stderr
    assert rows("SELECT DISTINCT speaker FROM turns ORDER BY speaker") == [
        ("Interviewer",), ("P1",)]
    csv = tmp_path / "people.csv"
    csv.write_text("participant,role\nP1,District nurse\n")
    result = run("participants", "import", str(csv))
    assert result.exit_code == 0 and "no transcript yet" not in result.stderr
    # --participant still wins over the header.
    write_docx(tmp_path / "p09.docx", [("Participant ID", "P9"), ("Role", "Matron")],
               [("Interviewer", "And your team?"), ("P9", "Three posts down.")])
    assert run("import", str(tmp_path / "p09.docx"), "--participant", "X9").exit_code == 0
    assert rows("SELECT p.code FROM transcripts t JOIN participants p "
                "ON p.id = t.participant_id WHERE t.name = 'p09'") == [("X9",)]


def test_participants_csv_ids_that_miss_say_which_ids_to_use(tmp_path: Path) -> None:
    for name in ("p02_zoom", "p03_otter"):
        (tmp_path / f"{name}.txt").write_text(
            f"Interviewer: How are you, {name}?\n\nSam: Tired, honestly.\n")
    assert run("import", str(tmp_path / "p02_zoom.txt"),
               str(tmp_path / "p03_otter.txt")).exit_code == 0
    csv = tmp_path / "people.csv"
    csv.write_text("Participant,Band\nP2,6\nP3,8a\n")
    result = run("participants", "import", str(csv), "--keep-new")
    assert result.exit_code == 0
    assert "P2 (did you mean p02_zoom?)" in result.stderr
    assert "P3 (did you mean p03_otter?)" in result.stderr
    # Ids with nothing near them: the note says which ids the transcripts have.
    csv.write_text("Participant,Band\nAlice,6\nBob,8a\n")
    result = run("participants", "import", str(csv), "--keep-new")
    assert result.exit_code == 0
    assert "no transcript yet for 2 of them: Alice, Bob" in result.stderr
    assert "these have no attributes yet: p02_zoom, p03_otter" in result.stderr


def test_changing_roles_says_to_run_suggest_again(tmp_path: Path) -> None:
    # otter.ai names speakers "Speaker 1" and "Speaker 2"; the researcher changes the
    # roles after suggesting. The suggestions on the old roles' turns stayed, unsaid.
    path = tmp_path / "p03.txt"
    path.write_text("Speaker 1  0:03\nAre you tired, and do you ever feel exhausted at the end "
                    "of a long week of visits?\n\nSpeaker 2  0:09\nExhausted.\n\n"
                    "Speaker 1  0:20\nAnd the rota?\n\nSpeaker 2  0:25\nAlso exhausting.\n")
    book = tmp_path / "book.yaml"
    book.write_text("name: Burnout\nthemes:\n  - id: exhaustion\n    name: Exhaustion\n"
                    "    patterns:\n      - id: exh\n        regex: \"exhaust\"\n")
    assert run("import", str(path)).exit_code == 0
    assert run("codebook", "load", str(book)).exit_code == 0
    assert run("suggest").exit_code == 0
    result = run("import", "--interviewer", "Speaker 2", str(path))
    assert result.exit_code == 0
    assert "roles      p03: Speaker 1 -> participant, Speaker 2 -> interviewer" in result.stdout
    assert "once `qcahp suggest` runs again" in result.stderr
    # Naming the roles again changes nothing, and says nothing about suggest.
    result = run("import", "--interviewer", "Speaker 2", str(path))
    assert "roles" not in result.stdout and "suggest" not in result.stderr


def test_rtf_header_lines_run_into_the_first_turns(tmp_path: Path) -> None:
    # Word's RTF has no blank lines between paragraphs: the header and the turns came
    # as one block, and the header became an unlabelled turn.
    path = tmp_path / "p02.rtf"
    path.write_text(
        "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Calibri;}}\n"
        "\\pard\\b Interview 2 \\endash  community matron\\b0\\par\n"
        "Date: 20 March 2025\\par\nDuration: 42 minutes\\par\n"
        "\\b Interviewer:\\b0  How are things in the team at the moment?\\par\n"
        "\\b P2:\\b0  Honestly? We\\rquote re three posts down.\\par\n"
        "\\b Interviewer:\\b0  What keeps you going?\\par\n"
        "\\b P2:\\b0  The team.\\par\n}\n")
    assert spoken(path) == [
        ("Interviewer", "interviewer", "How are things in the team at the moment?"),
        ("P2", "participant", "Honestly? We\u2019re three posts down."),
        ("Interviewer", "interviewer", "What keeps you going?"),
        ("P2", "participant", "The team."),
    ]
    assert read_transcript(path).header[1:] == [("Date", "20 March 2025"),
                                                ("Duration", "42 minutes")]


def test_one_turn_per_line_with_short_turns_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "group.txt"
    text = ("Moderator: Welcome everyone\nCarol: Thanks\nDev: Hello\n"
            "Moderator: Who wants to start on staffing?\nCarol: Me. We're three down.\n"
            "Dev: Same here, and the IT is slow.\n")
    path.write_text(text)
    assert [s for s, _, _ in spoken(path)] == ["Moderator", "Carol", "Dev"] * 2
    assert spoken(path)[0][2] == "Welcome everyone"


INITIALS = ("JS: Can you tell me about your team, and how things are going at the moment?\n\n"
            "KM: Three posts down.\n\n"
            "JS: And the paperwork, how much of your week does that take, would you say?\n\n"
            "KM: Endless. A third of it.\n")


def test_who_answers_is_the_participant_when_no_label_says(tmp_path: Path) -> None:
    # JS asks long questions, KM answers briefly: KM spoke fewer words and was taken for
    # the interviewer, so JS's questions got the suggestions.
    path = tmp_path / "initials.txt"
    path.write_text(INITIALS)
    parsed = read_transcript(path)
    assert {t.speaker: t.role for t in parsed.turns} == {"JS": "interviewer",
                                                         "KM": "participant"}
    assert ("no speaker is labelled interviewer or participant: KM as the participant, "
            "JS as the interviewer; if that is wrong, import the file again with "
            "--interviewer NAME") in parsed.notes
    # Named, or labelled, roles are not guessed: no note.
    assert not any("labelled" in n for n in read_transcript(path, interviewers=["JS"]).notes)
    path.write_text(INITIALS.replace("JS:", "Interviewer:"))
    assert not any("labelled" in n for n in read_transcript(path).notes)


def test_the_guessed_roles_note_reaches_the_researcher(tmp_path: Path) -> None:
    path = tmp_path / "initials.txt"
    path.write_text(INITIALS)
    result = run("import", str(path))
    assert result.exit_code == 0
    assert ("note: initials: no speaker is labelled interviewer or participant: KM as the "
            "participant, JS as the interviewer") in result.stderr
