"""Documents that are not transcripts are not split into speakers: section headings that
recur and alternate (``Morning Shift`` / ``Night Shift``, ``Part One`` / ``Part Two``, an
essay's ``## What Happened``), a diary's or an agenda's ``12:30 Lunch`` lines, meeting
minutes (``Present:``, ``Action:``), a survey's ``Q1: ...`` items. Before, each of these
was read as an interview between its headings, times or items (``Lunch`` the participant,
``Clinic`` and ``Meeting`` the interviewers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.imported import imported

SHIFTS = ("Morning Shift\nThe ward was calm. Two admissions before nine.\n\n"
          "Night Shift\nShort of one nurse again. The agency cover arrived late.\n\n"
          "Morning Shift\nHandover ran long because of the new system.\n\n"
          "Night Shift\nA quiet night for once. Everyone got a break.\n")
PARTS = ("Part One\nGrowing up, I never thought I would work in a hospital.\n\n"
         "Part Two\nMy first job was on a surgical ward.\n\n"
         "Part One\nLooking back, the early years shaped everything.\n\n"
         "Part Two\nLater on I moved into community work.\n")
DIARY = ("09:00 Clinic: three patients, one no-show.\n12:30 Lunch: with the team.\n"
         "14:00 Meeting: service planning.\n17:30 Lunch: missed it, ate late.\n"
         "09:15 Clinic: new referrals triaged.\n")
DAY = ("12:30 Lunch\nSandwiches at the desk again.\n\n15:00 Coffee\nWith Sam, who is leaving."
       "\n\n12:30 Lunch\nOut with the team for once.\n\n15:00 Coffee\nA quick one.\n")
AGENDA = ("Agenda\n\n10:00 Welcome and introductions\n10:15 Coffee\n11:00 Workshop one: "
          "mapping the pathway\n12:30 Lunch\n13:30 Workshop two: barriers\n15:00 Coffee\n"
          "16:00 Close\n")
MINUTES = ("Minutes of the AHP Council meeting, 3 March 2025\n\n"
           "Present: Ann Lee (chair), Bo Ray, Carol Smith\nApologies: Eve Hart\n\n"
           "Item 1: Minutes of the last meeting\nAgreed as a correct record.\n\n"
           "Item 2: Workforce\nAnn Lee: The vacancy rate is 12%.\nBo Ray: Agency spend is "
           "rising.\nAction: Bo Ray to report back in April.\n\nItem 3: Any other business\n"
           "None.\n")
CV = ("Jane Smith\nClinical Specialist Physiotherapist\n\nWork Experience\nBand 7, Northfield,"
      " 2019 to date.\nBand 6, Southfield, 2015 to 2019.\n\nEducation\nBSc Physiotherapy, "
      "2015.\n\nWork Experience\nVolunteer, St John Ambulance.\n\nEducation\nMSc, in "
      "progress.\n")
ESSAY = ("# Reflective essay\n\n## What Happened\nI was asked to lead the handover.\n\n"
         "## What I Learned\nThat I could stay calm.\n\n## What Happened\nLater that week it "
         "occurred again.\n\n## What I Learned\nPreparation matters more than confidence.\n")
SURVEY = ("Staff survey 2025\n\nQ1: How long have you worked in the service?\nQ2: How "
          "satisfied are you with your role?\nQ3: Would you recommend the service?\n"
          "Q4: What one thing would you change?\n")
SURVEY_OPTIONS = ("Q1: How long have you worked in the service?\nLess than a year / 1 to 5 "
                  "years\n\nQ2: How satisfied are you with your role?\nVery / not at all\n\n"
                  "Q3: Would you recommend the service?\nYes / no\n")


@pytest.mark.parametrize("name,text", [
    ("shifts.txt", SHIFTS), ("parts.txt", PARTS), ("diary.txt", DIARY), ("day.txt", DAY),
    ("agenda.txt", AGENDA), ("minutes.txt", MINUTES), ("essay.md", ESSAY),
    ("survey.txt", SURVEY), ("survey_options.txt", SURVEY_OPTIONS)])
def test_prose_is_not_split_into_speakers(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    rows = imported(tmp_path, path)
    assert {(s, r) for s, r, _, _ in rows} == {("(unlabelled)", "participant")}
    words = " ".join(x for *_, x in rows)
    assert "Lunch" in words or "Shift" in words or "Part" in words or "Q1" in words \
        or "Present" in words or "Education" in words or "calm" in words


def test_headings_in_a_docx_are_not_speakers(tmp_path: Path) -> None:
    """Also a CV's headings, and, naming one of them, a couple who share a surname (names
    that share a word read as headings; a named speaker makes the file a conversation)."""
    from docx import Document

    doc = Document()
    for para in SHIFTS.strip().split("\n\n"):
        heading, words = para.split("\n")
        doc.add_paragraph(heading)
        doc.add_paragraph(words)
    path = tmp_path / "shifts.docx"
    doc.save(str(path))
    assert {s for s, *_ in imported(tmp_path, path)} == {"(unlabelled)"}
    tmp_path = tmp_path / "cv"
    tmp_path.mkdir()
    path = tmp_path / "cv.txt"
    path.write_text(CV, encoding="utf-8")
    assert {s for s, *_ in imported(tmp_path, path)} == {"(unlabelled)"}
    tmp_path = tmp_path / "couple"
    tmp_path.mkdir()
    path = tmp_path / "couple.txt"
    path.write_text("John Smith\nHow did you two meet?\n\nMary Smith\nAt the hospital.\n\n"
                    "John Smith\nAnd then?\n\nMary Smith\nWe married in 1990.\n",
                    encoding="utf-8")
    rows = imported(tmp_path, path, "--interviewer", "John Smith")
    assert [(s, r) for s, r, _, _ in rows] == [("John Smith", "interviewer"),
                                               ("Mary Smith", "participant")] * 2
    for first, second in [("Dr Price", "Dr Ellis"), ("Guest 1", "Guest 2")]:
        folder = tmp_path / first.replace(" ", "")
        folder.mkdir()
        path = folder / "people.txt"
        path.write_text(f"{first}\nHow did you start?\n\n{second}\nOn a ward.\n\n{first}\n"
                        f"And then?\n\n{second}\nThe community.\n", encoding="utf-8")
        assert [s for s, *_ in imported(folder, path)] == [first, second] * 2


def test_a_days_times_are_not_a_recordings(tmp_path: Path) -> None:
    """``12:30 Lunch`` twice in a day's notes is no speaker; a recording's times before
    the names (seconds off the quarter hour, never going back) and ``Speaker 1`` /
    ``Speaker 2`` (names sharing a word) stay speakers."""
    path = tmp_path / "day.txt"
    path.write_text("08:30 Handover: busy.\n10:00 Coffee: with Sam.\n12:30 Lunch: late.\n"
                    "15:00 Coffee: quick.\n17:00 Lunch: none, so a snack.\n", encoding="utf-8")
    assert {s for s, *_ in imported(tmp_path, path)} == {"(unlabelled)"}
    tmp_path = tmp_path / "z"
    tmp_path.mkdir()
    path = tmp_path / "zoom.txt"
    path.write_text("00:00:05 Hannah Price: How did you start?\n00:00:11 Mark Ellis: On a "
                    "ward.\n00:00:20 Hannah Price: And then?\n00:00:32 Mark Ellis: The "
                    "community.\n", encoding="utf-8")
    assert [s for s, *_ in imported(tmp_path, path)] == ["Hannah Price", "Mark Ellis"] * 2
    # A second recording in the same file starts again from its first minute.
    path.write_text("00:00:05 Ann Lee: How did you start?\n00:00:11 Bo Ray: On a ward.\n"
                    "00:00:03 Ann Lee: Part two. And then?\n00:00:09 Bo Ray: The community.\n",
                    encoding="utf-8")
    (tmp_path / "p.db").unlink()
    assert [s for s, *_ in imported(tmp_path, path)] == ["Ann Lee", "Bo Ray"] * 2
    other = tmp_path / "o"
    other.mkdir()
    path = other / "otter.txt"
    path.write_text("Speaker 1\nHow did you start?\n\nSpeaker 2\nOn a ward.\n\nSpeaker 1\n"
                    "And then?\n\nSpeaker 2\nThe community.\n", encoding="utf-8")
    assert [s for s, *_ in imported(other, path)] == ["Speaker 1", "Speaker 2"] * 2
