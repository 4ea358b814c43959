"""Transcripts as the meeting and transcription tools a researcher uses save them, read
into the right speakers, times and words (each file written here):

- otter.ai's .txt: a title above, ``Transcribed by https://otter.ai`` below;
- Zoom's saved transcript: ``[Hannah Price] 14:02:37`` on its own line, words below;
- Microsoft Teams' transcript download (.docx, or pasted into .txt): each cue a
  ``0:0:6.0 --> 0:0:9.120`` line, the speaker's name, the words.
"""

from __future__ import annotations

from pathlib import Path

from qualcoder_ahp.importers import read_transcript


def turns(path: Path) -> list[tuple[str, str | None, str]]:
    parsed = read_transcript(path)
    return [(t.speaker, t.time, parsed.text[t.start:t.end]) for t in parsed.turns]


def test_otter_title_and_footer_are_not_spoken(tmp_path: Path) -> None:
    path = tmp_path / "p03_otter.txt"
    path.write_text("Community nursing interview 3\n\n"
                    "Speaker 1  0:03\nCan you tell me how long you've been a community nurse?\n\n"
                    "Speaker 2  0:09\nNearly twenty years.\n\n"
                    "Speaker 1  1:02:17\nAnd what's changed?\n\n"
                    "Speaker 2  1:02:21\nThe acuity.\n\n"
                    "Transcribed by https://otter.ai\n")
    assert turns(path) == [
        ("Speaker 1", "00:00:03", "Can you tell me how long you've been a community nurse?"),
        ("Speaker 2", "00:00:09", "Nearly twenty years."),
        ("Speaker 1", "01:02:17", "And what's changed?"),
        ("Speaker 2", "01:02:21", "The acuity."),
    ]
    parsed = read_transcript(path)
    assert "otter.ai" not in parsed.text and "interview 3" not in parsed.text
    assert any("title above the interview ('Community nursing interview 3')" in n
               for n in parsed.notes)
    # The footer on the last line of the last turn (no blank line before it) goes too.
    path.write_text("Speaker 1  0:03\nHow are you?\n\nSpeaker 2  0:09\nTired.\n"
                    "Transcribed by https://otter.ai\n")
    assert turns(path)[-1] == ("Speaker 2", "00:00:09", "Tired.")


def test_an_opening_line_of_speech_is_not_a_title(tmp_path: Path) -> None:
    path = tmp_path / "speech.txt"
    path.write_text("So we're recording now\n\nInterviewer: How long have you been a nurse?\n\n"
                    "Ann: Twenty years.\n\nInterviewer: And now?\n\nAnn: Tired.\n")
    assert turns(path)[0] == ("(unlabelled)", None, "So we're recording now")


def test_zoom_saved_transcript(tmp_path: Path) -> None:
    path = tmp_path / "zoom.txt"
    path.write_text("[Hannah Price] 14:02:37\nThanks for joining me. Could you start by "
                    "describing your role?\n\n[Mark Ellis] 14:02:44\nSure. I'm a community "
                    "matron.\n\n[Hannah Price] 14:02:51\nWhat does a day look like?\n\n"
                    "[Mark Ellis] 14:02:55\nChaos, mostly.\n")
    assert turns(path) == [
        ("Hannah Price", "14:02:37",
         "Thanks for joining me. Could you start by describing your role?"),
        ("Mark Ellis", "14:02:44", "Sure. I'm a community matron."),
        ("Hannah Price", "14:02:51", "What does a day look like?"),
        ("Mark Ellis", "14:02:55", "Chaos, mostly."),
    ]


TEAMS = ["0:0:0.0 --> 0:0:5.120", "Hannah Price", "Thanks for joining me. Could you start",
         "by describing your role?",
         "0:0:6.0 --> 0:0:9.120", "Mark Ellis", "Sure. I'm a community matron and I manage",
         "0:0:9.120 --> 0:0:12.0", "Mark Ellis", "a team of twelve nurses.",
         "0:1:10.0 --> 0:1:12.120", "Hannah Price", "What does a typical day look like?"]
TEAMS_TURNS = [
    ("Hannah Price", "00:00:00", "Thanks for joining me. Could you start by describing your role?"),
    # Teams cuts a turn into cues mid-sentence: one speaker's cues in a row are one turn.
    ("Mark Ellis", "00:00:06",
     "Sure. I'm a community matron and I manage a team of twelve nurses."),
    ("Hannah Price", "00:01:10", "What does a typical day look like?"),
]


def test_teams_transcript_docx(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for line in TEAMS:
        doc.add_paragraph(line)
    path = tmp_path / "teams.docx"
    doc.save(str(path))
    assert turns(path) == TEAMS_TURNS
    parsed = read_transcript(path)
    assert {t.role for t in parsed.turns} == {"interviewer", "participant"}
    assert "-->" not in parsed.text


def test_teams_transcript_pasted_into_text(tmp_path: Path) -> None:
    path = tmp_path / "teams.txt"
    cues = [TEAMS[0:4], TEAMS[4:7], TEAMS[7:10], TEAMS[10:13]]
    path.write_text("\n\n".join("\n".join(c) for c in cues) + "\n")
    assert turns(path) == TEAMS_TURNS


def test_a_lone_timing_line_in_speech_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "arrow.txt"
    path.write_text("Interviewer: What changed?\n\n"
                    "Ann: The rota went 7:00 --> 9:30 overnight.\n")
    assert turns(path)[1] == ("Ann", None, "The rota went 7:00 --> 9:30 overnight.")


def test_word_table_with_the_time_first(tmp_path: Path) -> None:
    # Time | Speaker | Text, as transcription services export a table: the speaker was
    # read as "00:00:01", each turn a speaker of its own.
    from docx import Document

    doc = Document()
    rows = [("Time", "Speaker", "Text"),
            ("00:00:01", "Interviewer", "Can you tell me about your team?"),
            ("00:00:05", "P5", "We're three posts down."),
            ("00:00:08", "", "And the agency staff don't know the patients."),
            ("00:00:12", "Interviewer", "And the paperwork?"),
            ("00:00:15", "P5", "Endless.")]
    table = doc.add_table(rows=len(rows), cols=3)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    path = tmp_path / "sonix.docx"
    doc.save(str(path))
    assert turns(path) == [
        ("Interviewer", "00:00:01", "Can you tell me about your team?"),
        ("P5", "00:00:05",
         "We're three posts down.\nAnd the agency staff don't know the patients."),
        ("Interviewer", "00:00:12", "And the paperwork?"),
        ("P5", "00:00:15", "Endless."),
    ]
    assert {t.speaker: t.role for t in read_transcript(path).turns} == {
        "Interviewer": "interviewer", "P5": "participant"}


ZOOM_LOWER_CASE = """WEBVTT

1
00:00:02.140 --> 00:00:07.520
hannah price (she/her): Thanks for joining me. Could you start by describing

2
00:00:07.600 --> 00:00:09.000
hannah price (she/her): your role?

3
00:00:10.010 --> 00:00:15.900
Mark's iPhone: Sure. I'm a community matron, so I manage a team of twelve nurses.

4
00:00:16.000 --> 00:00:20.000
hannah price (she/her): What does a typical day look like?

5
00:00:21.000 --> 00:00:30.000
Mark's iPhone: Chaos, mostly. Staffing is the big thing, and so: the rota.
"""


def test_zoom_display_names_not_written_as_names(tmp_path: Path) -> None:
    # Zoom labels every cue with the display name, often lower case or a device: these
    # failed the "looks like a name" test, and the interview was one unlabelled turn.
    path = tmp_path / "zoom.vtt"
    path.write_text(ZOOM_LOWER_CASE)
    assert turns(path) == [
        ("hannah price (she/her)", "00:00:02",
         "Thanks for joining me. Could you start by describing your role?"),
        ("Mark's iPhone", "00:00:10",
         "Sure. I'm a community matron, so I manage a team of twelve nurses."),
        ("hannah price (she/her)", "00:00:16", "What does a typical day look like?"),
        ("Mark's iPhone", "00:00:21",
         "Chaos, mostly. Staffing is the big thing, and so: the rota."),
    ]
    assert "hannah" not in read_transcript(path).text


def test_subtitles_whose_speech_has_a_colon_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "talk.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nso I said: why not\n\n"
                    "00:00:04.000 --> 00:00:06.000\nand then the rota came out\n\n"
                    "00:00:07.000 --> 00:00:09.000\nand it was a mess\n")
    assert [s for s, _, _ in turns(path)] == ["(unlabelled)"]
    assert read_transcript(path).text.startswith("so I said: why not")


OTTER_EXPORT = """Community nursing interview 3
Tue, Apr 02, 2025 2:15PM \u2022 42:31

SUMMARY KEYWORDS
caseload, staffing, community, nurse, paperwork, visits, laptop, leave

SPEAKERS
Speaker 1, Speaker 2

Speaker 1  0:03
Can you tell me how long you've been a community nurse?

Speaker 2  0:09
Nearly twenty years.

Speaker 1  1:02:17
And what's changed?

Speaker 2  1:02:21
The acuity.



Transcribed by https://otter.ai
"""


def test_otter_export_with_its_summary_keywords_and_speakers(tmp_path: Path) -> None:
    # otter.ai writes a title, the recording's date, SUMMARY KEYWORDS and SPEAKERS above
    # the transcript: they were an unlabelled turn of keywords and names.
    path = tmp_path / "p03.txt"
    path.write_text(OTTER_EXPORT)
    assert turns(path) == [
        ("Speaker 1", "00:00:03", "Can you tell me how long you've been a community nurse?"),
        ("Speaker 2", "00:00:09", "Nearly twenty years."),
        ("Speaker 1", "01:02:17", "And what's changed?"),
        ("Speaker 2", "01:02:21", "The acuity."),
    ]
    parsed = read_transcript(path)
    assert [k for k, _ in parsed.header] == [None, None, "SUMMARY KEYWORDS", "SPEAKERS"]
    assert any("such as 'SPEAKERS: Speaker 1, Speaker 2'" in n for n in parsed.notes)
    assert "caseload" not in parsed.text and "2025" not in parsed.text


def test_otter_export_as_word(tmp_path: Path) -> None:
    # The .docx export has the section headings in bold, alone: read as speakers
    # "SUMMARY KEYWORDS" and "SPEAKERS", made interviewers.
    from docx import Document

    doc = Document()
    doc.add_paragraph("Community nursing interview 3")
    doc.add_paragraph("Tue, Apr 02, 2025 2:15PM \u2022 42:31")
    for heading, below in (("SUMMARY KEYWORDS", "caseload, staffing, community"),
                           ("SPEAKERS", "Speaker 1, Speaker 2")):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(below)
    for speaker, time, text in (("Speaker 1", "00:03", "How long have you been a nurse?"),
                                ("Speaker 2", "00:09", "Twenty years."),
                                ("Speaker 1", "00:15", "And now?"),
                                ("Speaker 2", "00:19", "Tired, honestly.")):
        doc.add_paragraph().add_run(f"{speaker}  {time}").bold = True
        doc.add_paragraph(text)
    doc.add_paragraph("Transcribed by https://otter.ai")
    path = tmp_path / "p03.docx"
    doc.save(str(path))
    assert turns(path) == [("Speaker 1", "00:00:03", "How long have you been a nurse?"),
                           ("Speaker 2", "00:00:09", "Twenty years."),
                           ("Speaker 1", "00:00:15", "And now?"),
                           ("Speaker 2", "00:00:19", "Tired, honestly.")]
    assert {t.speaker: t.role for t in read_transcript(path).turns} == {
        "Speaker 1": "interviewer", "Speaker 2": "participant"}
