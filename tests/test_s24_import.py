"""Transcripts as researchers have them (session 24): Unicode's other spaces and invisible
characters, Word's lock files in a folder, a web page saved as text.

Each test failed before its fix: a non-breaking space or a soft hyphen was stored as it
came, so search and patterns missed the words; Word's ``~$p01.docx`` lock file, beside
every document open in Word, failed the import of its folder; an HTML page named
``.txt`` was imported as markup.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers import read_transcript
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.refi import import_file

NBSP = "\u00a0"
SHY = "\u00ad"


def test_other_spaces_are_plain_spaces_and_invisible_characters_go(tmp_path: Path) -> None:
    src = tmp_path / "p01.txt"
    src.write_text(f"Interviewer:{NBSP}So tell me{NBSP}about your role?\n"
                   f"Helen: It was man{SHY}age{SHY}able{NBSP}!\u2009Really\u202fso.\u200b\n",
                   encoding="utf-8")
    parsed = read_transcript(src)
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Helen"]
    assert parsed.text == ("So tell me about your role?\n\n"
                           "It was manageable ! Really so.")
    for turn in parsed.turns:
        assert parsed.text[turn.start:turn.end].strip() == parsed.text[turn.start:turn.end]


def test_search_finds_words_typed_with_a_non_breaking_space(tmp_path: Path) -> None:
    doc = tmp_path / "p02.docx"
    import docx

    document = docx.Document()
    document.add_paragraph(f"Interviewer: What about{NBSP}the board?")
    document.add_paragraph(f"Helen: The board{NBSP}listens now, the well{SHY}being team too.")
    document.save(doc)
    db = tmp_path / "x.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db), "import", str(doc)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--db", str(db), "search", "board listens", "wellbeing"])
    assert result.exit_code == 0, result.output
    assert "2 hits in 1 of 1 transcript" in result.output
    assert "board listens  now, the wellbeing team" in result.output


def _qdpx(path: Path, text: str, quote: str, start: int, end: int) -> Path:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="QualCoder 3.6">
<Users><User guid="a1b2c3d4-0000-4000-8000-000000000001" name="ana"/></Users>
<CodeBook><Codes><Code guid="c0de0000-0000-4000-8000-000000000001" name="Board"
 isCodable="true" color="#F0E68C"/></Codes></CodeBook>
<Sources><TextSource guid="50000000-0000-4000-8000-000000000001" name="p03"
 plainTextPath="internal://50000000-0000-4000-8000-000000000001.txt">
<PlainTextSelection guid="5e100000-0000-4000-8000-000000000001" name="{quote}"
 startPosition="{start}" endPosition="{end}"
 creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
<Coding guid="c0d10000-0000-4000-8000-000000000001"
 creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
<CodeRef targetGUID="c0de0000-0000-4000-8000-000000000001"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/50000000-0000-4000-8000-000000000001.txt",
                         text.encode("utf-8"))
    return path


def test_refi_source_with_soft_hyphens_keeps_its_codings_on_the_same_words(
        tmp_path: Path) -> None:
    # The text of a source as another tool holds it, with a soft hyphen and non-breaking
    # spaces before the coded words: its offsets count them.
    text = (f"Interviewer: And the man{SHY}age{SHY}ment?\n"
            f"Helen: The board{NBSP}listens{NBSP}now, it really does.")
    quote = f"board{NBSP}listens{NBSP}now"
    start = text.index(quote)
    path = _qdpx(tmp_path / "qualcoder.qdpx", text, quote, start, start + len(quote))
    with open_store(tmp_path / "x.db") as store:
        import_file(store, path)
        info = store.transcripts()[0]
        stored = store.transcript_text(info.id)
        assert "management" in stored and NBSP not in stored and SHY not in stored
        codings = store.codings()
        assert len(codings) == 1
        assert stored[codings[0].start:codings[0].end] == "board listens now"
        # The same file imported with `qcahp import` is the same transcript text.
        plain = tmp_path / "p03.txt"
        plain.write_text(text, encoding="utf-8")
        assert read_transcript(plain).text == stored


def _lock_file(path: Path, user: str = "Ana Smith") -> Path:
    """Word's owner file: the user's name as bytes, then as UTF-16, 162 bytes in all."""
    data = bytes([len(user)]) + user.encode() + b" " * (53 - len(user))
    data += bytes([len(user), 0]) + user.encode("utf-16-le")
    path.write_bytes(data + b"\0" * (162 - len(data)))
    return path


def _interviews(folder: Path) -> Path:
    folder.mkdir()
    (folder / "p01.txt").write_text("Interviewer: How was it?\nHelen: Fine, really.\n",
                                    encoding="utf-8")
    import docx

    document = docx.Document()
    document.add_paragraph("Interviewer: And the team?")
    document.add_paragraph("Mark: Twelve of us.")
    document.save(folder / "p02.docx")
    _lock_file(folder / "~$p02.docx")  # p02.docx is open in Word
    _lock_file(folder / "~$ng name.docx")  # a longer name loses its first two letters
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    (folder / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1" + b"\0" * 32)
    return folder


def test_word_lock_files_in_a_folder_are_not_failures(tmp_path: Path) -> None:
    folder = _interviews(tmp_path / "interviews")
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "2 imported" in result.output and "0 failed" in result.output
    assert "~$" not in result.output


def test_a_shell_glob_of_a_folder_skips_the_files_word_and_the_system_keep(
        tmp_path: Path) -> None:
    folder = _interviews(tmp_path / "interviews")
    db = tmp_path / "x.db"
    named = sorted(str(p) for p in folder.iterdir() if not p.name.startswith("."))
    result = CliRunner().invoke(cli, ["--db", str(db), "import", *named])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    skipped = [line for line in lines if line.startswith("skipped")]
    assert len(skipped) == 4, result.output
    assert any("~$p02.docx: a lock file Word keeps beside a document while it is open, "
               "not a transcript" in line for line in skipped)
    assert any("Thumbs.db: the thumbnails Windows keeps for a folder" in line
               for line in skipped)
    assert "2 imported (11 words), 0 unchanged, 4 skipped (not transcripts), 0 failed" in lines
    with open_store(db) as store:
        assert sorted(t.name for t in store.transcripts()) == ["p01", "p02"]


def test_a_lock_file_read_by_itself_says_what_it_is(tmp_path: Path) -> None:
    import pytest

    from qualcoder_ahp.errors import ImportFailed

    lock = _lock_file(tmp_path / "~$p02.docx")
    with pytest.raises(ImportFailed, match="a lock file Word keeps beside a document"):
        read_transcript(lock)


def test_a_web_page_is_read_as_a_browser_shows_it(tmp_path: Path) -> None:
    """A transcript saved by Word as "Web Page" (Windows-1252, Word's markup) or exported
    as HTML was refused as an unsupported file type; under .txt or .md it was imported
    with its markup in the participant's words."""
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "p01.htm").write_bytes(
        b'<html xmlns:o="urn:schemas-microsoft-com:office:office">\r\n<head><meta '
        b'http-equiv=Content-Type content="text/html; charset=windows-1252">'
        b"<title>P01</title><style><!-- p.MsoNormal {margin:0cm} --></style></head>\r\n"
        b"<body><div class=WordSection1><h1>Interview P01</h1>\r\n"
        b"<p class=MsoNormal><b>Interviewer:</b> How was the first\r\nyear?<o:p></o:p></p>"
        b"<p class=MsoNormal><b>Helen:</b> Hard&nbsp;but good, caf\xe9 and all.</p>"
        b"<p class=MsoNormal><b>Interviewer:</b> And the team?</p>"
        b"<p class=MsoNormal><b>Helen:</b> Twelve of us.<br>Mostly band sixes.</p>"
        b'</div><script>var x = "Interviewer: not this";</script></body></html>\r\n')
    (folder / "p02.html").write_text(
        "<!DOCTYPE html><html><body><table><tr><th>Time</th><th>Speaker</th><th>Text</th>"
        "</tr><tr><td>00:00:01</td><td>Hannah Price</td><td>Could you say a bit about the "
        "team?</td></tr><tr><td>00:00:04</td><td>Chidi Okafor</td><td>We are twelve.</td>"
        "</tr><tr><td>00:00:09</td><td>Hannah Price</td><td>And you?</td></tr><tr><td>"
        "00:00:11</td><td>Chidi Okafor</td><td>I lead them.</td></tr></table></body></html>",
        encoding="utf-8")
    (folder / "p03.txt").write_text("<!DOCTYPE html>\n<html><body><p>Helen: Yes.</p>"
                                    "</body></html>\n", encoding="utf-8")
    parsed = read_transcript(folder / "p01.htm")
    assert [(t.speaker, t.role, parsed.text[t.start:t.end]) for t in parsed.turns] == [
        ("Interviewer", "interviewer", "How was the first year?"),
        ("Helen", "participant", "Hard but good, café and all."),
        ("Interviewer", "interviewer", "And the team?"),
        ("Helen", "participant", "Twelve of us. Mostly band sixes.")]
    table = read_transcript(folder / "p02.html")
    assert [(t.speaker, t.time, table.text[t.start:t.end]) for t in table.turns][1] == (
        "Chidi Okafor", "00:00:04", "We are twelve.")
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(folder)])
    assert result.exit_code == 1
    assert "p03.txt: this is a web page (HTML), not text: rename it to .html" in result.output
    assert "2 imported" in result.output and "1 failed" in result.output
    with open_store(db) as store:
        assert {t.name: t.format for t in store.transcripts()} == {"p01": "html",
                                                                   "p02": "html"}


def _sources_qdpx(path: Path, names: list[str]) -> Path:
    sources = []
    entries = {}
    for n, name in enumerate(names, 1):
        guid = f"50000000-0000-4000-8000-0000000000{n:02d}"
        sources.append(f'<TextSource guid="{guid}" name="{name}" '
                       f'plainTextPath="internal://{guid}.txt"/>')
        entries[f"sources/{guid}.txt"] = f"Interviewer: Source {n}?\nHelen: Yes, {n}."
    qde = ('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
           'name="p" origin="QualCoder 3.6"><Sources>' + "".join(sources)
           + "</Sources></Project>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        for name, text in entries.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


def test_a_source_named_after_its_file_is_named_as_qcahp_import_names_it(
        tmp_path: Path) -> None:
    path = _sources_qdpx(tmp_path / "qualcoder.qdpx",
                         ["p01_helen.docx", "P02 Mark.TXT", "p03.txt", "p03.docx", "p04",
                          "p04.rtf", "notes v1.2", "p05.txt"])
    (tmp_path / "p05.txt").write_text("Interviewer: Before?\nHelen: No.", encoding="utf-8")
    db = tmp_path / "x.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "import", str(tmp_path / "p05.txt")]
                         ).exit_code == 0
    # p05 is here from its own file, with other words: a clash, not a second p05.
    result = runner.invoke(cli, ["--db", str(db), "refi", "import", str(path)])
    assert result.exit_code != 0 and "p05" in result.output
    result = runner.invoke(cli, ["--db", str(db), "refi", "import", str(path),
                                 "--transcript-clash", "rename"])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        names = sorted(t.name for t in store.transcripts())
    # Two sources that would share a name, or take another source's, keep theirs.
    assert names == sorted(["p01_helen", "P02 Mark", "p03.txt", "p03.docx", "p04",
                            "p04.rtf", "notes v1.2", "p05", "p05 (qualcoder)"])


def test_a_word_file_saved_as_strict_open_xml_imports(tmp_path: Path) -> None:
    """Word's Save As offers "Strict Open XML Document (*.docx)": the same file with
    other namespace names. It was refused as `not a valid Word .docx file (KeyError)`."""
    import docx

    document = docx.Document()
    document.add_paragraph("Interviewer: How was the first year?")
    paragraph = document.add_paragraph()
    paragraph.add_run("Helen:").bold = True
    paragraph.add_run(" Hard, but good.")
    document.save(tmp_path / "plain.docx")
    strict = {
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main":
            b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/drawingml/2006/main":
            b"http://purl.oclc.org/ooxml/drawingml/main",
    }
    with zipfile.ZipFile(tmp_path / "plain.docx") as src, \
            zipfile.ZipFile(tmp_path / "p01.docx", "w") as out:
        for info in src.infolist():
            part = src.read(info.filename)
            for old, new in strict.items():
                part = part.replace(old, new)
            out.writestr(info, part)
    parsed = read_transcript(tmp_path / "p01.docx")
    assert [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns] == [
        ("Interviewer", "How was the first year?"), ("Helen", "Hard, but good.")]


def test_a_transcript_saved_under_a_subtitle_name_is_told_to_be_renamed(
        tmp_path: Path) -> None:
    import pytest

    from qualcoder_ahp.errors import ImportFailed

    for name, mark in (("p01.srt", ","), ("p02.vtt", ".")):
        path = tmp_path / name
        path.write_text("Interviewer: How was it?\n\nHelen: Fine, really.\n",
                        encoding="utf-8")
        with pytest.raises(ImportFailed, match=(
                rf"it has no cue timings \('00:00:01{mark}000 --> 00:00:04{mark}000'\), so "
                r"it holds plain text \(rename it to \.txt\)")):
            read_transcript(path)


def test_refi_import_names_a_transcript_given_in_place_of_a_project(tmp_path: Path) -> None:
    import docx

    db = tmp_path / "x.db"
    open_store(db).close()
    before = db.read_bytes()
    document = docx.Document()
    document.add_paragraph("Interviewer: How was it?")
    document.save(tmp_path / "p01.qdpx")  # a transcript saved under the project's name
    (tmp_path / "p02.qdpx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (tmp_path / "codes.qdc").write_text("Interviewer: How was it?\nHelen: Fine.\n",
                                        encoding="utf-8")
    expected = {
        "p01.qdpx": "this is a Word .docx file, not a REFI-QDA project (a transcript goes "
                    "in with `qcahp import`)",
        "p02.qdpx": "this is a PDF file, not a REFI-QDA project or codebook",
        "codes.qdc": "this holds plain text, not a REFI-QDA project or codebook",
    }
    for name, says in expected.items():
        result = CliRunner().invoke(cli, ["--db", str(db), "refi", "import",
                                          str(tmp_path / name)])
        assert result.exit_code == 1, result.output
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"Error: {tmp_path / name}: {says}"), result.stderr
    assert db.read_bytes() == before


def test_r_beside_p_is_the_researcher_and_beside_i_the_respondent(tmp_path: Path) -> None:
    """UK transcripts label the researcher R and the participant P; R was read as
    'Respondent', both speakers were participants, and every question got suggestions,
    with no note to say so."""
    cases = {
        "rp.txt": ("R: So tell me about your role.\n\nP: I lead a team.\n\nR: How long?\n\n"
                   "P: Five years.\n", {"R": "interviewer", "P": "participant"}),
        "group.txt": ("R: Your roles?\n\nP1: I lead a team.\n\nP2: I work alone.\n",
                      {"R": "interviewer", "P1": "participant", "P2": "participant"}),
        "ir.txt": ("I: So tell me about your role.\n\nR: I lead a team.\n\nI: How long?\n\n"
                   "R: Five years.\n", {"I": "interviewer", "R": "participant"}),
    }
    for name, (text, roles) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        parsed = read_transcript(path)
        assert {t.speaker: t.role for t in parsed.turns} == roles, name
    notes = read_transcript(tmp_path / "rp.txt").notes
    assert ("'R' is read as the researcher (the interviewer) beside 'P'; if 'R' is the "
            "respondent, import the file again with --participant-speaker R") in notes
    assert not [n for n in read_transcript(tmp_path / "ir.txt").notes if "researcher" in n]
    named = read_transcript(tmp_path / "rp.txt", participants=["R"])
    assert {t.speaker: t.role for t in named.turns}["R"] == "participant"


def test_a_lock_file_named_alone_leaves_no_empty_project(tmp_path: Path,
                                                         monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _lock_file(tmp_path / "~$p02.docx")
    result = CliRunner().invoke(cli, ["import", "~$p02.docx"])
    assert result.exit_code == 0, result.output
    assert "0 imported (0 words), 0 unchanged, 1 skipped (not transcripts), 0 failed" \
        in result.output
    assert not (tmp_path / "qcahp.db").exists()


def test_the_summary_says_one_word(tmp_path: Path) -> None:
    (tmp_path / "p01.txt").write_text("Yes.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "import",
                                      str(tmp_path / "p01.txt")])
    assert "1 imported (1 word), 0 unchanged, 0 failed" in result.output, result.output


def test_a_word_table_saved_as_a_web_page_reads_one_turn_a_row(tmp_path: Path) -> None:
    """Word writes a <p> in each table cell: the paragraph breaks must not cut the row."""
    cells = [("Speaker", "Text"), ("Interviewer", "How was the first year?"),
             ("Helen", "<p class=MsoNormal>Hard, but good.</p><p class=MsoNormal>We coped.</p>"),
             ("Interviewer", "And the team?"), ("Helen", "Twelve of us.")]
    rows = "".join(f"<tr><td width=120><p class=MsoNormal>{a}</p></td>\n <td width=480>"
                   f"{b if b.startswith('<p') else f'<p class=MsoNormal>{b}</p>'}</td></tr>\n"
                   for a, b in cells)
    path = tmp_path / "p09.htm"
    path.write_text(f"<html><body><div class=WordSection1><table border=1>\n{rows}</table>"
                    "</div></body></html>", encoding="utf-8")
    parsed = read_transcript(path)
    assert [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns] == [
        ("Interviewer", "How was the first year?"), ("Helen", "Hard, but good. We coped."),
        ("Interviewer", "And the team?"), ("Helen", "Twelve of us.")]


def test_mac_os_roman_text_reads_as_written(tmp_path: Path) -> None:
    """Word for Mac saves "Plain Text" in Mac OS Roman by default: read as Windows-1252,
    `don’t` was stored as `donÕt`, `“lead”` as `ÒleadÓ` and `café` as `cafŽ`."""
    text = ("Interviewer: What\u2019s it like being the \u201clead\u201d \u2013 really?\n"
            "Helen: I don\u2019t know\u2026 it\u2019s fine. Caf\u00e9 au lait, na\u00efve.\n")
    path = tmp_path / "p01.txt"
    path.write_bytes(text.encode("mac_roman"))
    parsed = read_transcript(path)
    assert parsed.text == ("What\u2019s it like being the \u201clead\u201d \u2013 really?\n\n"
                           "I don\u2019t know\u2026 it\u2019s fine. Caf\u00e9 au lait, "
                           "na\u00efve.")
    # Windows-1252 and Latin-1 text (an Estonian heading in capitals too) reads as before.
    other = tmp_path / "p02.txt"
    other.write_bytes("Interviewer: What\u2019s it \u201clike\u201d?\nHelen: K\u00d5IK, "
                      "caf\u00e9 \u00a35.\n".encode("cp1252"))
    assert read_transcript(other).text == ("What\u2019s it \u201clike\u201d?\n\n"
                                           "K\u00d5IK, caf\u00e9 \u00a35.")


def test_a_mac_rtf_reads_its_escapes_as_mac_os_roman(tmp_path: Path) -> None:
    """`\\ansicpg10000` (older TextEdit, Word for Mac) failed to decode; `{\\rtf1\\mac`
    without it was read as Windows-1252 (`WhatÕs`)."""
    for name, header in (("p01.rtf", r"{\rtf1\mac\ansicpg10000\cocoartf102"),
                         ("p02.rtf", r"{\rtf1\mac\deff0")):
        path = tmp_path / name
        path.write_text(header + r"{\fonttbl{\f0 Helvetica;}}\f0 Interviewer: What\'d5s it "
                        r"like?\par Helen: Caf\'8e, \'d2busy\'d3.\par}", encoding="ascii")
        parsed = read_transcript(path)
        assert parsed.text == "What\u2019s it like?\n\nCaf\u00e9, \u201cbusy\u201d.", name


def test_a_source_named_after_its_file_gives_its_participant_the_same_name(
        tmp_path: Path) -> None:
    """MAXQDA's document variables make a participant of the source's name: it is the
    transcript's name without the file's extension, as the transcript is."""
    guid = "50000000-0000-4000-8000-000000000001"
    variable = "7a000000-0000-4000-8000-000000000001"
    qde = (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0"'
           f' name="p" origin="MAXQDA 2022"><Variables><Variable guid="{variable}" '
           f'name="Gender" typeOfVariable="Text"/></Variables><Sources><TextSource '
           f'guid="{guid}" name="Interview 3.docx" plainTextPath="internal://{guid}.txt">'
           f'<VariableValue><VariableRef targetGUID="{variable}"/><TextValue>female'
           "</TextValue></VariableValue></TextSource></Sources></Project>")
    path = tmp_path / "maxqda.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{guid}.txt", "Interviewer: How?\nHelen: Like this.")
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "refi", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "attributes of participant 'Interview 3' (attributes" in result.output
    with open_store(db) as store:
        [info] = store.transcripts()
        assert (info.name, info.participant) == ("Interview 3", "Interview 3")
