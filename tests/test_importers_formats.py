"""Word, OpenDocument, RTF and PDF readers on files generated here, and bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers import read_transcript
from tests.test_importers import check_invariants, turns_of

EXPECTED = [
    ("Interviewer", "interviewer", "How did you start?", None),
    ("Alex Reed", "participant", "As a speech and language therapist in Leeds.", None),
    ("Interviewer", "interviewer", "And then?", None),
    ("Alex Reed", "participant", "I moved to the board. Nobody planned it.", None),
]


def make_docx(path: Path, *, table: bool = False) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("Interview 3", level=1)
    d.add_paragraph().add_run("Recorded on a Tuesday.").italic = True
    rows = [("Interviewer", "How did you start?"),
            ("Alex Reed", "As a speech and language therapist in Leeds."),
            ("Interviewer", "And then?")]
    if table:
        t = d.add_table(rows=0, cols=2)
        head = t.add_row().cells
        head[0].text, head[1].text = "Speaker", "Text"
        for who, said in rows:
            cells = t.add_row().cells
            cells[0].text, cells[1].text = who, said
    else:
        for who, said in rows:
            p = d.add_paragraph()
            p.add_run(f"{who}:").bold = True
            p.add_run(f" {said}")
    p = d.add_paragraph()
    p.add_run("Alex Reed").bold = True
    p.add_run(": I moved to the board.")
    d.add_paragraph("Nobody planned it.")
    d.save(str(path))
    return path


def make_odt(path: Path) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import H, P, Span

    doc = OpenDocumentText()
    bold = Style(name="B", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    italic = Style(name="I", family="text")
    italic.addElement(TextProperties(fontstyle="italic"))
    doc.automaticstyles.addElement(bold)
    doc.automaticstyles.addElement(italic)
    doc.text.addElement(H(outlinelevel=1, text="Interview 3"))
    note = P()
    note.addElement(Span(stylename=italic, text="(Recording starts)"))
    doc.text.addElement(note)
    for who, said in (("Interviewer", "How did you start?"),
                      ("Alex Reed", "As a speech and language therapist in Leeds."),
                      ("Interviewer", "And then?"),
                      ("Alex Reed", "I moved to the board.")):
        p = P()
        p.addElement(Span(stylename=bold, text=f"{who}:"))
        p.addText(f" {said}")
        doc.text.addElement(p)
    doc.text.addElement(P(text="Nobody planned it."))
    doc.save(str(path))
    return path


def make_pdf(path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.5, 11))
    lines = ["Interviewer: How did you start?", "Alex Reed: As a speech and language",
             "therapist in Leeds.", "Interviewer: And then?", "Alex Reed: I moved to the board.",
             "Nobody planned it."]
    for i, line in enumerate(lines):
        fig.text(0.1, 0.9 - i * 0.04, line, fontsize=12)
    fig.savefig(str(path), format="pdf")
    return path


RTF = (r"{\rtf1\ansi\deff0{\fonttbl{\f0 Times;}}\f0 "
       r"{\b Interviewer:} How did you start?\par\par "
       r"{\b Alex Reed:} As a speech and language\line therapist in Leeds.\par\par "
       r"{\b Interviewer:} And then?\par\par "
       r"{\b Alex Reed:} I moved to the board.\par Nobody planned it.\par}")


def test_docx_bold_runs(tmp_path: Path) -> None:
    parsed = read_transcript(make_docx(tmp_path / "alex.docx"))
    check_invariants(parsed)
    expected = [*EXPECTED[:3], ("Alex Reed", "participant",
                                "I moved to the board.\nNobody planned it.", None)]
    assert turns_of(parsed) == expected
    assert parsed.format == "docx"
    assert "Recorded" not in parsed.text and "Interview 3" not in parsed.text


def test_docx_table_transcript(tmp_path: Path) -> None:
    parsed = read_transcript(make_docx(tmp_path / "alex.docx", table=True))
    assert [s for s, _, _, _ in turns_of(parsed)] == ["Interviewer", "Alex Reed",
                                                      "Interviewer", "Alex Reed"]


def test_odt_bold_spans(tmp_path: Path) -> None:
    parsed = read_transcript(make_odt(tmp_path / "alex.odt"))
    check_invariants(parsed)
    assert turns_of(parsed) == [*EXPECTED[:3], ("Alex Reed", "participant",
                                                "I moved to the board.\nNobody planned it.",
                                                None)]
    assert "Recording starts" not in parsed.text


def test_rtf(tmp_path: Path) -> None:
    f = tmp_path / "alex.rtf"
    f.write_text(RTF)
    parsed = read_transcript(f)
    check_invariants(parsed)
    got = turns_of(parsed)
    assert got[:3] == EXPECTED[:3]
    assert got[3][:2] == ("Alex Reed", "participant")
    assert got[3][2].split() == "I moved to the board. Nobody planned it.".split()


def test_pdf_text_layer(tmp_path: Path) -> None:
    parsed = read_transcript(make_pdf(tmp_path / "alex.pdf"))
    check_invariants(parsed)
    assert turns_of(parsed) == EXPECTED
    assert parsed.format == "pdf"


def test_pdf_pages_without_text_are_named(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from pypdf import PdfReader, PdfWriter

    from qualcoder_ahp.cli import cli

    typed = PdfReader(make_pdf(tmp_path / "typed.pdf")).pages[0]
    writer = PdfWriter()
    for page in ("typed", "scan", "typed", "scan", "scan"):  # scanned pages have no text
        if page == "typed":
            writer.add_page(typed)
        else:
            writer.add_blank_page(612, 792)
    path = tmp_path / "mixed.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    parsed = read_transcript(path)
    assert parsed.notes == ["pages 2, 4\u20135 of 5 have no text layer (scanned?): the words "
                            "on them are not imported"]
    assert read_transcript(tmp_path / "typed.pdf").notes == []
    result = CliRunner().invoke(cli, ["import", str(path)])
    assert result.exit_code == 0
    assert ("note: mixed: pages 2, 4\u20135 of 5 have no text layer (scanned?): the words on "
            "them are not imported") in result.stderr


# ---------------------------------------------------------------------- bad input
def _corrupt_zip(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04 this is not really a zip file at all")
    return path


def _zip_without_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    return path


BAD = {
    "empty.txt": (lambda p: p.write_bytes(b"") and p, "empty"),
    "blank.md": (lambda p: p.write_text("  \n\n \n") and p, "empty"),
    "binary.txt": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR") and p, "binary"),
    "controls.txt": (lambda p: p.write_bytes(bytes(range(1, 9)) * 50) and p, "binary"),
    "broken.docx": (_corrupt_zip, "not a valid Word"),
    "nodoc.docx": (_zip_without_document, "not a valid Word"),
    "broken.odt": (_corrupt_zip, "not a valid OpenDocument"),
    "broken.pdf": (lambda p: p.write_bytes(b"%PDF-1.4 garbage") and p, "PDF"),
    "broken.rtf": (lambda p: p.write_text("just text") and p, "RTF"),
    "broken.srt": (lambda p: p.write_text("1\nnot a time\nhello\n") and p, "srt"),
    "broken.vtt": (lambda p: p.write_text("not webvtt at all\n") and p, "WebVTT"),
    "data.xlsx": (lambda p: p.write_bytes(b"PK") and p, "not a valid Excel .xlsx file"),
    "noext": (lambda p: p.write_text("Interviewer: hi") and p, "unsupported file type"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_one_line_naming_the_file(tmp_path: Path, name: str) -> None:
    make, words = BAD[name]
    path = tmp_path / name
    make(path)
    with pytest.raises(ImportFailed) as info:
        read_transcript(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ")
    assert words.lower() in message.lower()


def test_too_large_file_refused(tmp_path: Path) -> None:
    f = tmp_path / "huge.txt"
    f.write_text("Interviewer: hello there.\n" * 100)
    with pytest.raises(ImportFailed, match="too large"):
        read_transcript(f, max_bytes=1000)


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="no such file"):
        read_transcript(tmp_path / "missing.txt")
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(ImportFailed, match="folder"):
        read_transcript(tmp_path / "dir.txt")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "secret.txt"
    f.write_text("Interviewer: hi")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # chmod 000 does not stop root (as CI may run), so the refusal is simulated.
    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(ImportFailed) as info:
        read_transcript(f)
    assert str(info.value) == f"{f}: cannot read the file (Permission denied)"


def test_docx_bold_name_and_time_on_own_paragraph(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    for who, when, said in (("Jo Bloggs", "0:03", "How did it start?"),
                            ("Ali Khan", "0:09", "By chance, in 2004."),
                            ("Jo Bloggs", "0:15", "And then?"),
                            ("Ali Khan", "0:18", "Then I moved to the board.")):
        d.add_paragraph().add_run(f"{who}  {when}").bold = True
        d.add_paragraph(said)
    d.save(str(tmp_path / "otter.docx"))
    parsed = read_transcript(tmp_path / "otter.docx")
    assert turns_of(parsed) == [
        ("Jo Bloggs", "interviewer", "How did it start?", "00:00:03"),
        ("Ali Khan", "participant", "By chance, in 2004.", "00:00:09"),
        ("Jo Bloggs", "interviewer", "And then?", "00:00:15"),
        ("Ali Khan", "participant", "Then I moved to the board.", "00:00:18"),
    ]


def _paged_pdf(path: Path, pages: list[list[str]], header: str | None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    with PdfPages(str(path)) as pdf:
        for n, lines in enumerate(pages, start=1):
            fig = Figure(figsize=(8.5, 11))
            if header:
                fig.text(0.1, 0.95, header, fontsize=9)
            for i, line in enumerate(lines):
                fig.text(0.1, 0.88 - i * 0.05, line, fontsize=11)
            fig.text(0.45, 0.04, f"Page {n} of {len(pages)}", fontsize=9)
            pdf.savefig(fig)
    return path


def test_pdf_running_headers_footers_and_page_numbers_are_not_speech(tmp_path: Path) -> None:
    # A transcription service's header and "Page 1 of 3" footer were read as the
    # participant's words: "...to the board. Page 1 of 3 Confidential - Study AHP ...".
    pages = [["Interviewer: How did you start?", "Alex Reed: As a physio in Leeds."],
             ["Interviewer: And then?", "Alex Reed: I moved to the board."],
             ["Interviewer: Why?", "Alex Reed: Nobody else would do it."]]
    parsed = read_transcript(_paged_pdf(tmp_path / "p1.pdf", pages,
                                        "Confidential - Study AHP-Lead - Transcript 07"))
    check_invariants(parsed)
    assert "Page" not in parsed.text and "Confidential" not in parsed.text
    assert [parsed.text[t.start:t.end] for t in parsed.turns] == [
        line.split(": ", 1)[1] for page in pages for line in page]
    assert parsed.notes == ["left out 6 page header, footer and page-number lines (such as "
                            "'Confidential - Study AHP-Lead - Transcript 07')"]
    # Speech that happens to open every page of a short file stays speech.
    same = [["Interviewer: And then?", "Alex Reed: I moved on."]] * 2
    kept = read_transcript(_paged_pdf(tmp_path / "p2.pdf", same, None))
    assert kept.text.count("And then?") == 2 and "Page" not in kept.text
