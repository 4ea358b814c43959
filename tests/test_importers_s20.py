"""Session 20 import fixes: headings in unlabelled text are paragraphs of their own, a
recording's times are stored as ``HH:MM:SS`` whichever tool wrote them, and re-importing an
unchanged file whose stored times an older version wrote another way brings them up to
date without calling it a different reading."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from qualcoder_ahp.importers import batch, import_paths, read_transcript
from qualcoder_ahp.model.store import open_store
from tests.helpers.imported import run

ESSAY = ("Interview 3 \u2014 Band 8a physiotherapist\n"
         "I qualified in 1996 and worked on the wards for years. It was hard work.\n\n"
         "Part 2: Moving into management\n"
         "I started as a team lead in 2005. Nobody trained me for it.\n"
         "Why I Stayed With It\n"
         "The patients, mostly. I went to see\n"
         "Dr Ellis about it and she said\n"
         "Stay.\n")


def _sentences(path: Path) -> list[str]:
    parsed = read_transcript(path)
    return [parsed.text[s.start:s.end] for s in parsed.sentences]


def test_a_heading_in_unlabelled_text_is_not_the_start_of_the_sentence_below(
        tmp_path: Path) -> None:
    path = tmp_path / "p3.txt"
    path.write_text(ESSAY, encoding="utf-8")
    assert _sentences(path) == [
        "Interview 3 \u2014 Band 8a physiotherapist",
        "I qualified in 1996 and worked on the wards for years.", "It was hard work.",
        "Part 2: Moving into management",  # was "Part 2: ... management I started as ..."
        "I started as a team lead in 2005.", "Nobody trained me for it.",
        "Why I Stayed With It",
        # hard-wrapped lines of a sentence stay one sentence, capitals or not
        "The patients, mostly.", "I went to see Dr Ellis about it and she said Stay."]
    parsed = read_transcript(path)
    assert [t.speaker for t in parsed.turns] == ["(unlabelled)"]
    assert "\nPart 2: Moving into management\nI started" in parsed.text
    # A one-word section heading, a numbered question, and each item of a list.
    path = tmp_path / "p4.md"
    path.write_text("Background\nI have worked in the NHS for twenty years.\n"
                    "Q1 How did you start\nIn Leeds.\nKey Learning Points\n- listen first\n"
                    "- ask for help\nNext Steps\nI will apply for the 8b post.\n",
                    encoding="utf-8")
    assert _sentences(path) == [
        "Background", "I have worked in the NHS for twenty years.", "Q1 How did you start",
        "In Leeds.", "Key Learning Points", "- listen first", "- ask for help", "Next Steps",
        "I will apply for the 8b post."]
    # Short lines of speech are not headings.
    path = tmp_path / "notes.txt"
    path.write_text("Yes\nI think so. We Did\nwhat we could.\nMaybe\nNot.\n", encoding="utf-8")
    assert _sentences(path) == ["Yes I think so.", "We Did what we could.", "Maybe Not."]
    # In a labelled transcript a heading line stays where it was (only unlabelled text).
    labelled = tmp_path / "l.txt"
    labelled.write_text("Interviewer: How did it start?\nMark: On a ward.\n"
                        "Part Two Moving On\nIt was hard.\n", encoding="utf-8")
    parsed = read_transcript(labelled)
    assert parsed.text.endswith("On a ward. Part Two Moving On It was hard.")


def test_a_recordings_times_are_stored_as_hh_mm_ss(tmp_path: Path) -> None:
    forms = {
        "otter.txt": "Hannah Price  0:03\nHow did you start?\n\nMark Ellis  1:02\nOn a ward.\n"
                     "\nHannah Price  1:15\nAnd then?\n",
        "trint.txt": "[00:03] Speaker 1\nHow did you start?\n\n[01:02] Speaker 2\nOn a ward."
                     "\n\n[01:15] Speaker 1\nAnd then?\n\n[01:20] Speaker 2\nMore.\n",
        "rev.txt": "Speaker 1 (00:03):\nHow did you start?\n\nSpeaker 2 (01:02):\nOn a ward."
                   "\n\nSpeaker 1 (01:15):\nAnd then?\n",
        "long.txt": "Speaker 1  1:02:03\nHow did you start?\n\nSpeaker 2  1:02:09,5\n"
                    "On a ward.\n\nSpeaker 1  1:02:15\nAnd then?\n",
    }
    for name, text in forms.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        times = [t.time for t in read_transcript(tmp_path / name).turns][:3]
        expected = (["01:02:03", "01:02:09", "01:02:15"] if name == "long.txt"
                    else ["00:00:03", "00:01:02", "00:01:15"])
        assert times == expected, name
    # A hearing's clock times are not a recording's: kept as written.
    hearing = tmp_path / "hearing.md"
    hearing.write_text("*(10.30 am)*\n\n**Lady Hallett**: Good morning.\n\n"
                       "**Ms Hands**: Thank you.\n\n*(2.05 pm)*\n\n**Lady Hallett**: Yes.\n",
                       encoding="utf-8")
    assert [t.time for t in read_transcript(hearing).turns] == ["10.30 am", None, "2.05 pm"]


OTTER = ("Hannah Price  0:03\nHow did you start?\n\nMark Ellis  0:10\nOn a ward, in 1996.\n\n"
         "Hannah Price  1:02\nAnd then?\n\nMark Ellis  1:15\nManagement.\n")


def _as_an_older_version_read_it(path, **kwargs):
    """An older version's reading: the same text and turns, otter's times as written."""
    parsed = read_transcript(path, **kwargs)
    old = {"00:00:03": "0:03", "00:00:10": "0:10", "00:01:02": "1:02", "00:01:15": "1:15"}
    return replace(parsed, turns=[replace(t, time=old.get(t.time, t.time))
                                  for t in parsed.turns])


def _times(db: Path) -> list[str | None]:
    conn = sqlite3.connect(str(db))
    try:
        return [r[0] for r in conn.execute("SELECT time FROM turns ORDER BY idx")]
    finally:
        conn.close()


def test_reimporting_an_unchanged_file_brings_its_times_up_to_date(tmp_path: Path,
                                                                   monkeypatch) -> None:
    folder = tmp_path / "interviews"
    folder.mkdir()
    path = folder / "p1.txt"
    path.write_text(OTTER, encoding="utf-8")
    db = tmp_path / "p.db"
    with monkeypatch.context() as patch:
        patch.setattr(batch, "read_transcript", _as_an_older_version_read_it)
        with open_store(db) as store:
            import_paths(store, [path])
    assert _times(db) == ["0:03", "0:10", "1:02", "1:15"]
    code, out = run(db, "import", str(folder))
    assert code == 0, out
    assert "unchanged  p1 (already stored as v1)" in out
    assert "reads it differently" not in out
    assert ("p1.txt: unchanged file; its turns' times are now stored as every format's are "
            "(00:00:03, not 0:03); nothing else changed") in out
    assert _times(db) == ["00:00:03", "00:00:10", "00:01:02", "00:01:15"]
    code, again = run(db, "import", str(folder))
    assert code == 0 and "times are now stored" not in again
    # A real change of the text is still one.
    path.write_text(OTTER.replace("1996", "1997"), encoding="utf-8")
    code, out = run(db, "import", str(path))
    assert code == 1 and "a different transcript named 'p1' is already stored" in out


    # Times that differ as times (not only as written) are kept.
    path.write_text(OTTER, encoding="utf-8")
    db = tmp_path / "q.db"

    def shifted(p, **kwargs):
        parsed = read_transcript(p, **kwargs)
        return replace(parsed, turns=[replace(t, time="0:04") for t in parsed.turns])

    with monkeypatch.context() as patch:
        patch.setattr(batch, "read_transcript", shifted)
        with open_store(db) as store:
            import_paths(store, [path])
    code, out = run(db, "import", str(path))
    assert code == 0 and "unchanged  p1" in out and "times are now stored" not in out
    assert _times(db) == ["0:04"] * 4


def test_a_label_followed_by_a_no_break_space_is_a_label(tmp_path: Path) -> None:
    """Word's French spacing and text pasted from a web page put U+00A0 after the colon
    (or before it); the first turn was an ``(unlabelled)`` one with the label in its
    words."""
    path = tmp_path / "p14.txt"
    path.write_bytes(("\ufeffInterviewer:\u00a0How\u2019s the job?\r\n\r\nParticipant\u202f: "
                      "\u201cHonestly?\u201d Good\u00a0\U0001F600.\r\n\r\nInterviewer: And "
                      "the team?\r\n\r\nParticipant: Brilliant.\r\n").encode("utf-8"))
    parsed = read_transcript(path)
    assert [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns] == [
        ("Interviewer", "How\u2019s the job?"),
        # Its own no-break space is a plain space since session 24 (search and patterns
        # did not find the words either side of it).
        ("Participant", "\u201cHonestly?\u201d Good \U0001F600."),
        ("Interviewer", "And the team?"), ("Participant", "Brilliant.")]


def test_one_interviewer_written_several_ways_is_one_speaker(tmp_path: Path) -> None:
    path = tmp_path / "p15.txt"
    path.write_text("Dr Sarah Price: Shall we start?\n\nMark: Yes.\n\n"
                    "Sarah Price: How did you start?\n\nMark: Rugby.\n\n"
                    "SARAH: And management?\n\nMark: Later.\n\nSarah: Why?\n\n"
                    "Mark: My boss retired.\n\nS. Price: Thanks.\n\nSP: One more thing?\n\n"
                    "Mark: Say yes.\n", encoding="utf-8")
    parsed = read_transcript(path)
    assert {t.speaker: t.role for t in parsed.turns} == {"Dr Sarah Price": "interviewer",
                                                         "Mark": "participant"}
    # The name as the researcher gives it names her, title or not (it named only the
    # 'Sarah Price' turns, and said the roles were a guess).
    with open_store(tmp_path / "p.db") as store:
        report = import_paths(store, [path], interviewers=["Sarah Price"])
    assert report.unmatched == [] and [n for _, n in report.notes] == []
    assert read_transcript(path, participants=["sarah price"]).turns[0].role == "participant"
    from qualcoder_ahp.importers.turns import merge_aliases

    turns = [("Dan", None, "a"), ("Dan Ott", None, "b"), ("Dr Dan Ott", None, "c")]
    assert {s for s, _, _ in merge_aliases(turns)} == {"Dr Dan Ott"}
    # Two people whose names only a title tells apart, and initials that fit two, stay
    # apart; so do role labels.
    other = tmp_path / "p16.txt"
    other.write_text("Mr Lee: Hello.\n\nMrs Lee: Hi.\n\nMr Lee: Well?\n\nMrs Lee: Fine.\n\n"
                     "Ann Lee: And me.\n\nAmy Lowe: Me too.\n\nAL: Who am I?\n\n"
                     "AI: A question?\n\nUser: An answer.\n", encoding="utf-8")
    assert list(dict.fromkeys(t.speaker for t in read_transcript(other).turns)) == [
        "Mr Lee", "Mrs Lee", "Ann Lee", "Amy Lowe", "AL", "AI", "User"]


def test_a_two_page_pdfs_running_header_is_not_spoken(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    pages = [["Interviewer: How did you start?", "Priya: As a speech and language therapist.",
              "Interviewer: What happened next?"],
             ["Priya: I applied for a band 8a post.", "Interviewer: And you got it?",
              "Priya: I did."]]
    path = tmp_path / "p11.pdf"
    with PdfPages(path) as pdf:
        for n, lines in enumerate(pages, 1):
            fig = Figure(figsize=(8.5, 11))
            fig.text(0.1, 0.95, "AHP leadership study \u2013 confidential", fontsize=9)
            for i, line in enumerate(lines):
                fig.text(0.1, 0.88 - i * 0.03, line, fontsize=11)
            fig.text(0.5, 0.04, f"Page {n} of 2", fontsize=9)
            pdf.savefig(fig)
    parsed = read_transcript(path)
    assert "confidential" not in parsed.text
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Priya"] * 3
    assert parsed.text.split("\n\n")[2] == "What happened next?"


TURNS = [("Interviewer", "How did you start?"), ("Helen", "In 1996, on the wards."),
         ("Interviewer", "And then?"), ("Helen", "Management, by accident.")]


def _turns(path: Path) -> list[tuple[str, str]]:
    parsed = read_transcript(path)
    return [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns]


def test_labels_after_other_line_breaks(tmp_path: Path) -> None:
    """pdftotext's form feed before a page's first line, a vertical tab (Word's Shift+Enter,
    pasted) and Unicode's line and paragraph separators break lines: the label after one
    was speech in the turn above."""
    for name, text in {
        "pdftotext.txt": "Interviewer: How did you start?\n\nHelen: In 1996, on the wards.\n"
                         "\f\nInterviewer: And then?\n\n\fHelen: Management, by accident.\n",
        "pasted.txt": "Interviewer: How did you start?\x0bHelen: In 1996, on the wards.\n\n"
                      "Interviewer: And then?\u2028Helen: Management, by accident.\u2029",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert _turns(tmp_path / name) == TURNS, name


def test_word_labels_after_a_line_break_and_bold_subheadings(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Interviewer:").bold = True
    p.add_run(" How did you start?")
    p.add_run().add_break()  # Shift+Enter: the next turn typed in the same paragraph
    p.add_run("Helen:").bold = True
    p.add_run(" In 1996, on the wards.")
    for who, said in TURNS[2:]:
        p = d.add_paragraph()
        p.add_run(f"{who}:").bold = True
        p.add_run(f" {said}")
    d.save(str(tmp_path / "p1.docx"))
    assert _turns(tmp_path / "p1.docx") == TURNS  # was Helen's words in a question
    # The same in OpenDocument (a text:line-break between the turns).
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import LineBreak, P, Span

    odt = OpenDocumentText()
    bold = Style(name="B", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    odt.automaticstyles.addElement(bold)
    p = P()
    for k, (who, said) in enumerate(TURNS):
        if k in (1, 3):
            p.addElement(LineBreak())
        p.addElement(Span(stylename=bold, text=f"{who}:"))
        p.addText(f" {said}")
        if k == 1:
            odt.text.addElement(p)
            p = P()
    odt.text.addElement(p)
    odt.save(str(tmp_path / "p1.odt"))
    assert _turns(tmp_path / "p1.odt") == TURNS
    # A reflective account with bold subheadings: no speakers (they were two, one of them
    # made the interviewer); the subheadings are left out, as Word's Heading styles are.
    d = docx.Document()
    for heading, said in (("Early career", "I qualified in 2004. The first years were hard."),
                          ("Becoming a manager", "Nobody trained me.")):
        d.add_paragraph().add_run(heading).bold = True
        d.add_paragraph(said)
    d.save(str(tmp_path / "p2.docx"))
    parsed = read_transcript(tmp_path / "p2.docx")
    assert {(t.speaker, t.role) for t in parsed.turns} == {("(unlabelled)", "participant")}
    assert "career" not in parsed.text and "Nobody trained me." in parsed.text


YOUTUBE = """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.310 align:start position:0%
 
so<00:00:00.320><c> how</c><00:00:00.480><c> did</c><00:00:00.640><c> you</c><c> start</c>

00:00:02.310 --> 00:00:02.320 align:start position:0%
so how did you start
 

00:00:02.320 --> 00:00:05.190 align:start position:0%
so how did you start
I<00:00:02.720><c> was</c><00:00:02.880><c> a</c><00:00:03.040><c> physio</c><c> first</c>

00:00:05.190 --> 00:00:05.200 align:start position:0%
I was a physio first
 

00:00:05.200 --> 00:00:08.000 align:start position:0%
I was a physio first
and<00:00:05.500><c> then</c><00:00:05.800><c> management</c>
"""


def test_youtubes_automatic_captions(tmp_path: Path) -> None:
    """Refused before ("the cue at line 7 has no readable timing": a line of one space
    opens each cue); each line is said once, not two or three times (rolling cues)."""
    path = tmp_path / "talk.en.vtt"
    path.write_text(YOUTUBE, encoding="utf-8")
    parsed = read_transcript(path)
    assert parsed.text == "so how did you start I was a physio first and then management"
    assert [t.time for t in parsed.turns] == ["00:00:00"]


def test_a_markdown_table_transcript(tmp_path: Path) -> None:
    """As Notion, Obsidian or pandoc write a Word table: one ``(unlabelled)`` turn of pipes
    before. A table of figures in notes stays text."""
    rows = "".join(f"| {who} | {said} |\n" for who, said in TURNS)
    for name, text in {"notion.md": "| Speaker | Text |\n|---|---|\n" + rows,
                       "pandoc.md": rows.replace("\n", "\n|:--|:--|\n", 1)}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert _turns(tmp_path / name) == TURNS, name
    notes = tmp_path / "notes.md"
    notes.write_text("Staffing.\n\n| Site | Staff |\n|---|---|\n| Leeds | 12 |\n| York | 9 |\n",
                     encoding="utf-8")
    assert [t.speaker for t in read_transcript(notes).turns] == ["(unlabelled)"]


def test_a_mistyped_role_label_is_that_role(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("Interviewer: How did you start?\n\nHelen: In 1996.\n\nInterveiwer: And "
                    "then?\n\nHelen: Management.\n\nIntervewer: Thanks.\n", encoding="utf-8")
    assert {(t.speaker, t.role) for t in read_transcript(path).turns} == {
        ("Interviewer", "interviewer"), ("Helen", "participant")}  # the slips were "other"


def test_a_name_in_a_role_labels_brackets_is_that_speaker(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("Interviewer (Sarah): How did you start?\n\nHelen: In 1996.\n\n"
                    "Sarah: And then?\n\nHelen: Management.\n", encoding="utf-8")
    assert [(t.speaker, t.role) for t in read_transcript(path).turns] == [
        ("Interviewer (Sarah)", "interviewer"), ("Helen", "participant")] * 2  # was "other"


def test_broadcast_captions_speaker_marks(tmp_path: Path) -> None:
    """``>>`` opens a new speaker's caption: it was read into the name (``>> HELEN``), so
    ``>> INTERVIEWER`` was no interviewer and the roles were a guess."""
    cues = [(f"00:00:0{2 * k + 1}", f">> {who.upper()}: {said}") for k, (who, said)
            in enumerate(TURNS)]
    srt = "".join(f"{k + 1}\n{t},000 --> {t},900\n{x}\n\n" for k, (t, x) in enumerate(cues))
    vtt = "WEBVTT\n\n" + "".join(f"{t}.000 --> {t}.900\n{x.replace('>', '&gt;')}\n\n"
                                  for t, x in cues)
    for name, text in {"p.srt": srt, "p.vtt": vtt}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        parsed = read_transcript(tmp_path / name)
        assert [(t.speaker, t.role) for t in parsed.turns] == [
            ("INTERVIEWER", "interviewer"), ("HELEN", "participant")] * 2, name
        assert parsed.notes == [] and ">" not in parsed.text


def test_what_to_do_with_files_that_are_no_transcript(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    for name in ("p1.m4a", "p2.m4a", "p1.xlsx"):
        (folder / name).write_bytes(b"x")
    (tmp_path / "p3.tsv").write_text("Interviewer\tHow?\nHelen\tFine.\n", encoding="utf-8")
    code, out = run(tmp_path / "p.db", "import", str(folder), str(folder / "p1.xlsx"),
                    str(folder / "p1.m4a"), str(tmp_path / "p3.tsv"))
    assert code == 1
    assert ("recordings: no supported transcript files in this folder (it holds 2 .m4a "
            "files, 1 .xlsx file; supported: .txt") in out
    # (a spreadsheet named is read as one now: this one is no workbook)
    assert "p1.xlsx: not an Excel .xlsx file: it holds plain text" in out
    assert "'.m4a' (a recording: import its transcript, .docx, .txt, .vtt or .srt)" in out
    assert "'.tsv' (tab-separated text: rename it to .txt;" in out
    (tmp_path / "p3.tsv").rename(tmp_path / "p3.txt")  # as advised: it reads
    code, out = run(tmp_path / "p.db", "import", str(tmp_path / "p3.txt"))
    assert code == 0 and "imported   p3 (v1, 2 words, 2 turns)" in out


def test_an_emoji_in_rtf(tmp_path: Path) -> None:
    """Word and TextEdit write an emoji as its UTF-16 halves (``\\u-10179?\\u-8704?``):
    stored as two lone halves, they ended the whole import in a traceback."""
    path = tmp_path / "p.rtf"
    path.write_text("{\\rtf1\\ansi\\uc1 {\\b Interviewer:} How was it?\\par\\par {\\b Helen:} "
                    "Fine \\u-10179?\\u-8704? thanks.\\par\\par {\\b Interviewer:} And then?"
                    "\\par\\par {\\b Helen:} Odd \\u-10179? half.\\par}", encoding="ascii")
    code, out = run(tmp_path / "p.db", "import", str(path))
    assert code == 0, out
    with open_store(tmp_path / "p.db") as store:
        (info,) = store.transcripts()
        text = store.transcript_text(info.id)
    assert "Fine \U0001F600 thanks." in text and "Odd \ufffd half." in text


def test_words_inserted_with_track_changes_are_read(tmp_path: Path) -> None:
    """A transcript corrected with Track Changes on (a participant's member check):
    the inserted words were lost (python-docx reads no run inside ``w:ins``); deleted
    words stay out."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    for who, said in TURNS:
        p = d.add_paragraph()
        p.add_run(f"{who}:").bold = True
        p.add_run(f" {said}")
    def change_of(tag: str, text: str) -> OxmlElement:
        change = OxmlElement(tag)
        for key, value in (("w:id", "1"), ("w:author", "P1"), ("w:date", "2025-01-01T00:00:00Z")):
            change.set(qn(key), value)
        run, words = OxmlElement("w:r"), OxmlElement("w:t" if tag == "w:ins" else "w:delText")
        words.text = text
        words.set(qn("xml:space"), "preserve")
        run.append(words)
        change.append(run)
        return change

    d.paragraphs[1]._p.append(change_of("w:ins", " Then Leeds."))
    d.paragraphs[1]._p.append(change_of("w:del", " Wrong."))
    d.save(str(tmp_path / "p1.docx"))
    assert _turns(tmp_path / "p1.docx")[1] == ("Helen", "In 1996, on the wards. Then Leeds.")
    # In a table transcript's cell too.
    d = docx.Document()
    table = d.add_table(rows=0, cols=2)
    for who, said in TURNS:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = who, said
    table.rows[1].cells[1].paragraphs[0]._p.append(change_of("w:ins", " Then Leeds."))
    d.save(str(tmp_path / "p2.docx"))
    assert _turns(tmp_path / "p2.docx")[1] == ("Helen", "In 1996, on the wards. Then Leeds.")


def test_q_dot_and_a_dot_labels(tmp_path: Path) -> None:
    """``Q. ...`` / ``A. ...``, as depositions and older transcripts are typed: one
    ``(unlabelled)`` turn before, the questions read as the participant's."""
    path = tmp_path / "p.txt"
    path.write_text("Q. How did you start?\n\nA. In 1996, on the wards.\nIt was busy.\n\n"
                    "Q. And then?\n\nA. Management, by accident.\n", encoding="utf-8")
    parsed = read_transcript(path)
    assert [(t.speaker, t.role, parsed.text[t.start:t.end]) for t in parsed.turns] == [
        ("Q", "interviewer", "How did you start?"),
        ("A", "participant", "In 1996, on the wards. It was busy."),
        ("Q", "interviewer", "And then?"), ("A", "participant", "Management, by accident.")]
    prose = tmp_path / "notes.txt"
    prose.write_text("Ward notes.\n\nA. Smith said the rota was late.\n\nA. Jones agreed.\n\n"
                     "Q. Lee was off.\n", encoding="utf-8")
    assert [t.speaker for t in read_transcript(prose).turns] == ["(unlabelled)"]
