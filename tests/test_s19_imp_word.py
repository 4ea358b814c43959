"""A Word document typed by a transcriber: labels typed in lower case (``int:``,
``resp:``) rather than in bold, and a table with a speaker column. Before, the lower-case
labels were speech (one ``(unlabelled)`` turn) unless named with --interviewer."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.imported import TEXTS, imported, run, speakers_listed


def test_lower_case_typed_labels(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for label, words in zip(["int", "resp", "int", "resp"], TEXTS):
        doc.add_paragraph(f"{label}:\t{words}")
    path = tmp_path / "p07.docx"
    doc.save(str(path))
    rows = imported(tmp_path, path)
    assert [(s, r) for s, r, _, _ in rows] == [("int", "interviewer"),
                                               ("resp", "participant")] * 2
    assert [x for *_, x in rows] == TEXTS
    assert speakers_listed(tmp_path) == {"int": "interviewer", "resp": "participant"}


def test_bold_labels_and_a_speaker_table_in_mixed_case(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for label, words in zip(["Interviewer:", "P1:"], TEXTS[:2]):
        p = doc.add_paragraph()
        p.add_run(label).bold = True
        p.add_run(" " + words)
    table = doc.add_table(rows=0, cols=2)
    for label, words in zip(["INTERVIEWER", "p1"], TEXTS[2:]):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, words
    path = tmp_path / "p08.docx"
    doc.save(str(path))
    rows = imported(tmp_path, path)
    # One interviewer and one participant, however the transcriber typed them (they were
    # four speakers).
    assert [(s, r) for s, r, _, _ in rows] == [("Interviewer", "interviewer"),
                                               ("P1", "participant")] * 2
    assert [x for *_, x in rows] == TEXTS
    code, out = run(tmp_path / "p.db", "show", "p08")
    assert code == 0 and "P1 (participant): Honestly" in out
