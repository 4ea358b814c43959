"""A Google Meet transcript (a Google Docs file downloaded as .docx or copied into .txt):
a title, ``Attendees`` with the names below, a ``Transcript`` heading, a time every few
minutes on a line of its own, ``Name: text`` lines, and a closing "This editable
transcript was computer generated..." line. Before, the attendees were an
``(unlabelled)`` first turn and the closing line the last speaker's words."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.imported import A1, A2, Q1, Q2, TEXTS, imported

CLOSING = ("This editable transcript was computer generated and might contain errors. "
           "People can also change the text after it was created.")


def _check(rows: list[tuple[str, str, str | None, str]]) -> None:
    assert [(s, r, t) for s, r, t, _ in rows] == [
        ("Hannah Price", "interviewer", "00:00:00"), ("Mark Ellis", "participant", None),
        ("Hannah Price", "interviewer", None), ("Mark Ellis", "participant", "00:05:00")]
    assert [x for *_, x in rows] == TEXTS


def test_google_meet_docx(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Interview with Mark (2026-11-27 09:02 GMT) - Transcript", 1)
    doc.add_paragraph("Attendees")
    doc.add_paragraph("Hannah Price, Mark Ellis")
    doc.add_heading("Transcript", 2)
    doc.add_paragraph("00:00:00")
    for line in (f"Hannah Price: {Q1}", f"Mark Ellis: {A1}", f"Hannah Price: {Q2}",
                 "00:05:00", f"Mark Ellis: {A2}", CLOSING):
        doc.add_paragraph(line)
    path = tmp_path / "meet.docx"
    doc.save(str(path))
    _check(imported(tmp_path, path))


def test_google_meet_copied_into_text(tmp_path: Path) -> None:
    path = tmp_path / "meet.txt"
    path.write_text(f"Attendees\nHannah Price, Mark Ellis\n\nTranscript\n\n00:00:00\n\n"
                    f"Hannah Price: {Q1}\nMark Ellis: {A1}\nHannah Price: {Q2}\n\n00:05:00\n\n"
                    f"Mark Ellis: {A2}\n\n{CLOSING}\n", encoding="utf-8")
    _check(imported(tmp_path, path))
