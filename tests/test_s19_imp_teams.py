"""Microsoft Teams transcripts as Teams writes them: the ``.vtt`` with ``<v Name>`` voice
tags, and the ``.docx`` download (a title, the date and the length above; each turn the
speaker's name and the time on lines of their own, the words below; ``Hannah Price
started transcription`` / ``... stopped transcription`` lines), also pasted into a
``.txt``. Before, the ``.docx`` and the pasted text were one ``(unlabelled)`` turn with
every name and time in it (70 words for 44 spoken), or the title, date and "started
transcription" line an ``(unlabelled)`` first turn and "stopped transcription" the last
speaker's words."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.imported import A1, A2, Q1, Q2, TEXTS, imported, run, speakers_listed

TURNS = [("0:03", "Hannah Price", Q1), ("0:10", "Mark Ellis", A1),
         ("1:02", "Hannah Price", Q2), ("1:15", "Mark Ellis", A2)]
HEAD = ["Interview with Mark-20261127_090212-Meeting Recording",
        "November 27, 2026, 9:02AM", "45m 12s"]


def _check(rows: list[tuple[str, str, str | None, str]]) -> None:
    assert [(s, r, t) for s, r, t, _ in rows] == [
        ("Hannah Price", "interviewer", "00:00:03"), ("Mark Ellis", "participant", "00:00:10"),
        ("Hannah Price", "interviewer", "00:01:02"), ("Mark Ellis", "participant", "00:01:15")]
    assert [x for *_, x in rows] == TEXTS


def test_teams_docx_download(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for line in HEAD:
        doc.add_paragraph(line)
    doc.add_paragraph("Hannah Price started transcription")
    for time, name, words in TURNS:
        p = doc.add_paragraph(name)
        p.add_run().add_break()  # the time on the next line of the same paragraph
        p.add_run(time)
        doc.add_paragraph(words)
    doc.add_paragraph("Hannah Price stopped transcription")
    path = tmp_path / "teams.docx"
    doc.save(str(path))
    _check(imported(tmp_path, path))
    assert speakers_listed(tmp_path) == {"Hannah Price": "interviewer",
                                         "Mark Ellis": "participant"}
    code, out = run(tmp_path / "p.db", "show", "teams")
    assert code == 0 and "transcription" not in out and "Meeting Recording" not in out
    code, out = run(tmp_path / "again.db", "import", str(path))
    assert ("the title above the interview (3 lines, such as 'Interview with Mark-"
            in " ".join(out.split()))


def test_teams_docx_with_names_and_times_in_paragraphs_of_their_own(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for time, name, words in TURNS:
        doc.add_paragraph(name)
        doc.add_paragraph(time)
        doc.add_paragraph(words)
    path = tmp_path / "teams.docx"
    doc.save(str(path))
    _check(imported(tmp_path, path))


def test_teams_transcript_pasted_into_text(tmp_path: Path) -> None:
    path = tmp_path / "teams.txt"
    body = "".join(f"{name}\n{time}\n{words}\n\n" for time, name, words in TURNS)
    path.write_text("\n".join(HEAD) + "\n\nHannah Price started transcription\n\n" + body
                    + "Hannah Price stopped transcription\n", encoding="utf-8")
    _check(imported(tmp_path, path))


def test_teams_vtt_voice_tags(tmp_path: Path) -> None:
    path = tmp_path / "teams.vtt"
    cues = [("00:00:03.000", "00:00:05.000", "Hannah Price", "Thanks for joining me."),
            ("00:00:05.000", "00:00:09.000", "Hannah Price",
             "Could you start by describing your role?"),
            ("00:00:10.000", "00:00:15.000", "Mark Ellis", A1),
            ("00:01:02.000", "00:01:05.000", "hannah price", Q2),
            ("00:01:15.000", "00:01:20.000", "Mark Ellis", A2)]
    path.write_text("WEBVTT\n\n" + "".join(
        f"6c2b7e9f-1d2e/{i}-0\n{a} --> {b}\n<v {n}>{w}</v>\n\n"
        for i, (a, b, n, w) in enumerate(cues)), encoding="utf-8")
    rows = imported(tmp_path, path)
    # One speaker, one turn for Hannah's two cues; her name typed in lower case once
    # is still her (it was a third speaker).
    assert [(s, r) for s, r, _, _ in rows] == [("Hannah Price", "interviewer"),
                                               ("Mark Ellis", "participant")] * 2
    assert [x for *_, x in rows] == TEXTS
