"""Times read from NVivo's ``Timespan`` column (``0:00:03.0 - 0:00:09.1``) and from Teams'
cues written out as a document (``0:0:3.0 --> 0:0:9.1``) are stored as a ``.vtt`` cue's
time is, ``00:00:03``, so ``qcahp show`` prints them alike. Before: ``[0:00:03.0]`` and
``[0:00:03]`` beside a subtitle file's ``[00:00:03]``."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.imported import run

FILES = {
    "sub.vtt": "WEBVTT\n\n00:00:03.000 --> 00:00:09.100\n<v Interviewer>How did you start?</v>"
               "\n\n00:01:02.500 --> 00:01:09.000\n<v Mark>On a ward, in 1996.</v>\n",
    "nvivo.txt": "Timespan\tContent\tSpeaker\n0:00:03.0 - 0:00:09.1\tHow did you start?\t"
                 "Interviewer\n0:01:02.5 - 0:01:09.0\tOn a ward, in 1996.\tMark\n",
    "teams.txt": "0:0:3.0 --> 0:0:9.1\nInterviewer\nHow did you start?\n\n"
                 "0:1:2.5 --> 0:1:9.0\nMark\nOn a ward, in 1996.\n",
}


def _shown(tmp_path: Path, name: str, text: str) -> list[str]:
    folder = tmp_path / name.replace(".", "_")
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    db = folder / "p.db"
    code, out = run(db, "import", str(folder / name))
    assert code == 0, out
    code, out = run(db, "show", name.split(".")[0])
    assert code == 0, out
    return [line for line in out.splitlines() if line.startswith("[")]


def test_nvivo_and_teams_times_show_as_a_vtt_files(tmp_path: Path) -> None:
    shown = {name: _shown(tmp_path, name, text) for name, text in FILES.items()}
    assert shown["sub.vtt"] == [
        "[00:00:03] Interviewer (interviewer): How did you start?",
        "[00:01:02] Mark (participant): On a ward, in 1996."]
    assert shown["nvivo.txt"] == shown["sub.vtt"]
    assert shown["teams.txt"] == shown["sub.vtt"]


def test_nvivo_spans_in_a_word_table(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=1, cols=3)
    for i, heading in enumerate(["Timespan", "Content", "Speaker"]):
        table.rows[0].cells[i].text = heading
    for span, words, who in [("0:00:03.0 - 0:00:09.1", "How did you start?", "Interviewer"),
                             ("0:01:02.5 - 0:01:09.0", "On a ward, in 1996.", "Mark")]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = span, words, who
    doc.save(str(tmp_path / "nvivo.docx"))
    code, out = run(tmp_path / "p.db", "import", str(tmp_path / "nvivo.docx"))
    assert code == 0, out
    code, out = run(tmp_path / "p.db", "show", "nvivo")
    assert [line for line in out.splitlines() if line.startswith("[")] == [
        "[00:00:03] Interviewer (interviewer): How did you start?",
        "[00:01:02] Mark (participant): On a ward, in 1996."]
