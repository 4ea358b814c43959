"""``Int - So how did you start?``: a label, a dash and the words, with no time, as
transcribers type it. Before: one ``(unlabelled)`` turn with the labels in its words.
A dash in prose (``Well - I moved``, a day's notes ``Monday - clinic``) stays speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.imported import A1, A2, Q1, Q2, imported


@pytest.mark.parametrize("dash", ["-", "\u2013", "--"])
def test_dash_labels_with_blank_lines(tmp_path: Path, dash: str) -> None:
    path = tmp_path / "dash.txt"
    path.write_text(f"Int {dash} {Q1}\n\nResp {dash} {A1}\n\nInt {dash} {Q2}\n\n"
                    f"Resp {dash} Well - {A2}\n", encoding="utf-8")
    rows = imported(tmp_path, path)
    assert [(s, r) for s, r, _, _ in rows] == [("Int", "interviewer"),
                                               ("Resp", "participant")] * 2
    assert [x for *_, x in rows] == [Q1, A1, Q2, f"Well - {A2}"]


def test_dash_labels_one_turn_per_line_in_word(tmp_path: Path) -> None:
    """Names, not role labels, one turn per paragraph line of a Word file; the day's notes
    below, with dashes after day names, stay one unlabelled turn."""
    from docx import Document

    doc = Document()
    for who, words in zip(["Hannah Price", "Mark", "Hannah Price", "Mark"], [Q1, A1, Q2, A2]):
        doc.add_paragraph(f"{who} \u2013 {words}")
    path = tmp_path / "dash.docx"
    doc.save(str(path))
    rows = imported(tmp_path, path)
    assert [(s, r) for s, r, _, _ in rows] == [("Hannah Price", "interviewer"),
                                               ("Mark", "participant")] * 2
    assert [x for *_, x in rows] == [Q1, A1, Q2, A2]
    notes = tmp_path / "n"
    notes.mkdir()
    path = notes / "days.txt"
    path.write_text("Monday - clinic all day.\nTuesday - ward round, then admin.\n"
                    "Monday - clinic again - busy.\nTuesday - teaching.\n", encoding="utf-8")
    assert [(s, x) for s, _, _, x in imported(notes, path)] == [
        ("(unlabelled)", "Monday - clinic all day. Tuesday - ward round, then admin. "
         "Monday - clinic again - busy. Tuesday - teaching.")]
