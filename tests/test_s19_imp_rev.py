"""Rev, Trint and otter.ai exports: ``Speaker 1 (00:00:03):`` lines, ``[00:00:03]
Speaker 1`` lines (Trint) and ``Hannah Price  0:03`` lines (otter.ai), with the words
below, in text and Word files. Before, Trint's form was a turn per stamp with "Speaker 1"
in the words of an ``(unlabelled)`` speaker; the other forms already read."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.importers import read_transcript
from tests.helpers.imported import TEXTS, imported

TIMES = ["00:00:03", "00:00:10", "00:01:02", "00:01:15"]


@pytest.mark.parametrize("form", ["[{t}] {n}", "{t} {n}"])
@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_trint_time_then_name(tmp_path: Path, form: str, suffix: str) -> None:
    names = ["Speaker 1", "Speaker 2"] * 2
    path = tmp_path / f"trint{suffix}"
    if suffix == ".txt":
        path.write_text("".join(form.format(t=t, n=n) + f"\n{w}\n\n"
                                for t, n, w in zip(TIMES, names, TEXTS)), encoding="utf-8")
    else:
        from docx import Document

        doc = Document()
        for t, n, w in zip(TIMES, names, TEXTS):
            doc.add_paragraph(form.format(t=t, n=n))
            doc.add_paragraph(w)
        doc.save(str(path))
    rows = imported(tmp_path, path)
    assert [(s, r, t) for s, r, t, _ in rows] == [
        ("Speaker 1", "interviewer", "00:00:03"), ("Speaker 2", "participant", "00:00:10"),
        ("Speaker 1", "interviewer", "00:01:02"), ("Speaker 2", "participant", "00:01:15")]
    assert [x for *_, x in rows] == TEXTS


def test_rev_labels_in_lower_case(tmp_path: Path) -> None:
    path = tmp_path / "rev.txt"
    path.write_text("".join(f"speaker {1 + k % 2} ({t}):\n{w}\n\n"
                            for k, (t, w) in enumerate(zip(TIMES, TEXTS))), encoding="utf-8")
    rows = imported(tmp_path, path)
    assert [(s, t) for s, _, t, _ in rows] == list(zip(["speaker 1", "speaker 2"] * 2, TIMES))
    assert [x for *_, x in rows] == TEXTS


@pytest.mark.parametrize("form", ["{n} [{t}]", "{n} ({t})", "{n}, {t}", "{n} - {t}",
                                  "{t} - {n}", "{N} ({t})"])
def test_name_and_time_on_their_own_line_in_other_forms(tmp_path: Path, form: str) -> None:
    """As Descript, Happy Scribe, Temi and transcribers write the line above each turn.
    Before: one ``(unlabelled)`` turn, or the speaker named ``Hannah Price -``."""
    names = ["Hannah Price", "Mark Ellis"] * 2
    path = tmp_path / "p.txt"
    path.write_text("".join(form.format(n=n, N=n.upper(), t=t) + f"\n{w}\n\n"
                            for t, n, w in zip(TIMES, names, TEXTS)), encoding="utf-8")
    rows = imported(tmp_path, path)
    said = [n.upper() if "{N}" in form else n for n in names]
    assert [(s, t) for s, _, t, _ in rows] == list(zip(said, TIMES))
    assert [x for *_, x in rows] == TEXTS


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_otter_without_timestamps(tmp_path: Path, suffix: str) -> None:
    """otter.ai's export with speaker names but no times: the name alone on the line
    above the words (in Word, a paragraph of its own). Before: one ``(unlabelled)``
    turn with the names in its text."""
    names = ["Hannah Price", "Mark Ellis"] * 2
    path = tmp_path / f"otter{suffix}"
    if suffix == ".txt":
        path.write_text("Nursing study interview 3\nTue, Apr 02, 2025 2:15PM\n\n" + "".join(
            f"{n}\n{w}\n\n" for n, w in zip(names, TEXTS))
            + "Transcribed by https://otter.ai\n", encoding="utf-8")
    else:
        from docx import Document

        doc = Document()
        doc.add_paragraph("Nursing study interview 3")
        doc.add_paragraph("Tue, Apr 02, 2025 2:15PM")
        for n, w in zip(names, TEXTS):
            doc.add_paragraph(n)
            doc.add_paragraph(w)
        doc.add_paragraph("Transcribed by https://otter.ai")
        doc.save(str(path))
    rows = imported(tmp_path, path)
    assert [(s, r) for s, r, _, _ in rows] == [("Hannah Price", "interviewer"),
                                               ("Mark Ellis", "participant")] * 2
    assert [x for *_, x in rows] == TEXTS


def test_a_typed_label_alone_above_the_words(tmp_path: Path) -> None:
    path = tmp_path / "p04.txt"
    path.write_text("Interview 4\nDate: 2 April 2025\n\n" + "".join(
        f"{n}\n{w}\n\n" for n, w in zip(["Interviewer", "P4"] * 2, TEXTS)), encoding="utf-8")
    rows = imported(tmp_path, path)
    assert [(s, r) for s, r, _, _ in rows] == [("Interviewer", "interviewer"),
                                               ("P4", "participant")] * 2
    assert [x for *_, x in rows] == TEXTS
    # Notes whose paragraphs open with a one-word line are left as they are.
    notes = tmp_path / "notes.txt"
    notes.write_text("Monday\nThe ward was short.\n\nTuesday\nBetter.\n\nMonday\n"
                     "Again short.\n\nTuesday\nFine.\n", encoding="utf-8")
    assert [(t.speaker, t.role) for t in read_transcript(notes).turns] == [
        ("(unlabelled)", "participant")]
