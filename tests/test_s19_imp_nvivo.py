"""NVivo-style transcripts with timestamps: ``00:00:03 Speaker 1`` (or Trint's
``[00:00:03] Speaker 1``) on its own line with the words below, NVivo's
``Timespan | Content | Speaker`` columns (as text, or a Word table), and f4/f5transcript's
``#00:01:02-5#`` stamps. Before: one ``(unlabelled)`` turn (or a turn per stamp with the
name in its words), the table's time spans read as five speakers, the ``#...#`` stamps
left in the words."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.imported import A1, A2, Q1, Q2, TEXTS, imported

TIMES = ["00:00:03", "00:00:10", "00:01:02", "00:01:15"]
SPANS = ["0:00:03.0 - 0:00:09.1", "0:00:10.0 - 0:01:01.0", "0:01:02.0 - 0:01:14.0",
         "0:01:15.0 - 0:01:30.0"]
WHO = ["Interviewer", "Mark", "Interviewer", "Mark"]


def _texts(rows: list[tuple[str, str, str | None, str]]) -> list[str]:
    return [x for *_, x in rows]


def test_time_and_name_on_their_own_line(tmp_path: Path) -> None:
    for i, form in enumerate(["{t} Speaker {n}", "[{t}] Speaker {n}"]):
        path = tmp_path / f"nvivo{i}.txt"
        path.write_text("".join(form.format(t=t, n=1 + k % 2) + f"\n{w}\n\n"
                                for k, (t, w) in enumerate(zip(TIMES, TEXTS))),
                        encoding="utf-8")
        (tmp_path / str(i)).mkdir()
        rows = imported(tmp_path / str(i), path)
        assert [(s, t) for s, _, t, _ in rows] == list(zip(["Speaker 1", "Speaker 2"] * 2,
                                                            TIMES))
        assert _texts(rows) == TEXTS


def test_a_stamped_line_of_speech_is_not_a_speaker(tmp_path: Path) -> None:
    path = tmp_path / "stamps.txt"
    path.write_text("00:00:03 Speaker 1\nHow was it?\n\n00:00:05 Speaker 2\n"
                    "[00:00:06] Right.\nFine.\n\n00:00:09 Speaker 1\nGood.\n\n"
                    "00:00:12 Speaker 2\nYes.\n", encoding="utf-8")
    rows = imported(tmp_path, path)
    assert [s for s, *_ in rows] == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"]
    assert rows[1][3] == "Right. Fine."


def test_nvivo_timespan_columns(tmp_path: Path) -> None:
    path = tmp_path / "nvivo.txt"
    path.write_text("Timespan\tContent\tSpeaker\n" + "".join(
        f"{s}\t{w}\t{n}\n" for s, w, n in zip(SPANS, TEXTS, WHO)), encoding="utf-8")
    rows = imported(tmp_path, path)
    assert [(s, r, t) for s, r, t, _ in rows] == [
        ("Interviewer", "interviewer", "00:00:03"), ("Mark", "participant", "00:00:10"),
        ("Interviewer", "interviewer", "00:01:02"), ("Mark", "participant", "00:01:15")]
    assert _texts(rows) == TEXTS


def test_nvivo_timespan_table_in_word(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=1, cols=3)
    for i, heading in enumerate(["Timespan", "Content", "Speaker"]):
        table.rows[0].cells[i].text = heading
    for span, words, who in zip(SPANS, TEXTS, WHO):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = span, words, who
    path = tmp_path / "nvivo.docx"
    doc.save(str(path))
    rows = imported(tmp_path, path)
    assert [s for s, *_ in rows] == WHO
    assert _texts(rows) == TEXTS


def test_f4_timestamps_are_not_spoken(tmp_path: Path) -> None:
    path = tmp_path / "f4.txt"
    path.write_text(f"I: {Q1} #00:00:09-1#\n\nB: {A1} #00:01:01-0#\n\n"
                    f"I: {Q2} #00:01:14-2#\n\nB: {A2} #00:01:30-5#\n", encoding="utf-8")
    rows = imported(tmp_path, path)
    assert [(s, r) for s, r, _, _ in rows] == [("I", "interviewer"), ("B", "participant")] * 2
    assert _texts(rows) == [Q1, A1, Q2, A2]


def test_f4_timestamps_before_the_labels(tmp_path: Path) -> None:
    path = tmp_path / "f4.txt"
    path.write_text("".join(f"#{t}-1# {who}: {w}\n\n" for t, who, w in
                            zip(TIMES, ["I", "B", "I", "B"], TEXTS)), encoding="utf-8")
    rows = imported(tmp_path, path)
    assert [(s, r, t) for s, r, t, _ in rows] == [
        ("I", "interviewer", "00:00:03"), ("B", "participant", "00:00:10"),
        ("I", "interviewer", "00:01:02"), ("B", "participant", "00:01:15")]
    assert _texts(rows) == TEXTS
