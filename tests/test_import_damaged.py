"""Damaged and mislabelled transcript files, the way a researcher's folder has them.

Each bad file must be refused with one line naming the file and the problem, `qcahp
import` must exit 1 and leave the database as it was (and not leave an empty
project behind), while valid files of the same format keep importing correctly.
Every file here is written by the test itself.
"""

from __future__ import annotations

import io
import os
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers import read_transcript

GOOD_TEXT = "Interviewer: How did you start?\nJane Doe: I trained as a physio in Leeds.\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def db() -> Path:
    return Path(os.environ["QCAHP_DB"])


def dump() -> list[str]:
    conn = sqlite3.connect(db())
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def refused(path: Path) -> str:
    """The one-line refusal for ``path`` (fails the test if it imports)."""
    with pytest.raises(ImportFailed) as info:
        read_transcript(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message[len(str(path)) + 2:]


def texts(path: Path) -> list[tuple[str, str]]:
    parsed = read_transcript(path)
    return [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns]


# ---------------------------------------------------------------------- file makers
def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Interviewer: How did you start?")
    document.add_paragraph("Jane Doe: I trained as a physio in Leeds.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="Interviewer: How did you start?"))
    document.text.addElement(P(text="Jane Doe: I trained as a physio in Leeds."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)  # a page with no text layer, as a scan has
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------- RTF
WORD_RTF = r"""{\rtf1\adeflang1025\ansi\ansicpg1252\uc1\adeff31507\deff0\stshfdbch31505
{\fonttbl{\f0\fbidi \froman\fcharset0\fprq2{\*\panose 02020603050405020304}Times New Roman;}
{\f37\fbidi \fswiss\fcharset0\fprq2{\*\panose 020f0502020204030204}Calibri;}}
{\colortbl;\red0\green0\blue0;\red0\green0\blue255;}
{\stylesheet{\ql \li0\ri0\sa160\sl259\slmult1\widctlpar\f31506\fs22\lang2057 \snext0 Normal;}
{\*\cs10 \additive \ssemihidden Default Paragraph Font;}}
{\*\rsidtbl \rsid1071663\rsid6571394}{\*\generator Microsoft Word 16.0;}
{\info{\author Jane Researcher}{\creatim\yr2024\mo3\dy1\hr10\min2}{\version1}}
{\*\xmlnstbl {\xmlns1 http://schemas.microsoft.com/office/word/2003/wordml}}
\paperw11906\paperh16838\margl1440\margr1440\margt1440\margb1440
\pard\plain \ltrpar\ql \li0\ri0\sa160\sl259\slmult1\widctlpar\f37\fs22\lang2057
{\b\rtlch\fcs1 \af37 Interviewer:}{ How did you start?\par }
\pard {\b Jane Doe:}{ I didn\rquote t plan it \endash  it\u8217?s a long story.
 The caf\'e9 was where I\'92d meet my mentor.\par }
{\*\themedata 504b030414000600080000002100e9de0fbfff0000001c020000130000005b436f6e74656e745f}
}"""

TEXTEDIT_RTF = r"""{\rtf1\ansi\ansicpg1252\cocoartf2761
\cocoatextscaling0\cocoaplatform0{\fonttbl\f0\fswiss\fcharset0 Helvetica;}
{\colortbl;\red255\green255\blue255;}
{\*\expandedcolortbl;;}
\paperw11900\paperh16840\margl1440\margr1440\vieww11520\viewh8400\viewkind0
\pard\tx720\tx1440\tx2160\pardirnatural\partightenfactor0

\f0\fs24 \cf0 Interviewer: How did you start?\
Jane Doe: I didn\'92t plan it. It\uc0\u8217 s a long story about the caf\'e9 \{and a \\ slash\}.\
}"""

GOOD_RTF_TURNS = [
    ("Interviewer", "How did you start?"),
    ("Jane Doe", "I didn’t plan it – it’s a long story. The café was where I’d meet my "
                 "mentor."),
]


def test_word_style_rtf_imports_correctly(tmp_path: Path) -> None:
    f = tmp_path / "word.rtf"
    f.write_text(WORD_RTF)
    assert texts(f) == GOOD_RTF_TURNS


def test_textedit_style_rtf_imports_correctly(tmp_path: Path) -> None:
    f = tmp_path / "textedit.rtf"
    f.write_text(TEXTEDIT_RTF)
    assert texts(f) == [("Interviewer", "How did you start?"),
                        ("Jane Doe", "I didn’t plan it. It’s a long story about the café "
                                     "{and a \\ slash}.")]


def test_wordpad_rtf_with_trailing_nul_and_a_long_link_imports(tmp_path: Path) -> None:
    """WordPad ends an RTF file with a NUL byte (refused as "binary"), and a long web
    link is a long word, not embedded data."""
    link = "https://example.org/survey?" + "&".join(f"field{i}=value{i}" for i in range(25))
    f = tmp_path / "wordpad.rtf"
    f.write_bytes((r"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}\f0 Interviewer: See " + link
                   + r" please.\par Jane: Done.\par}" + "\r\n").encode() + b"\x00")
    assert texts(f) == [("Interviewer", f"See {link} please."), ("Jane", "Done.")]


def test_rtf_binary_picture_with_braces_is_skipped(tmp_path: Path) -> None:
    # \binN data may hold any bytes, braces included: they must not count as groups.
    f = tmp_path / "pic.rtf"
    f.write_text(r"{\rtf1\ansi{\pict\pngblip\bin4 }}{{}Interviewer: Hello there.\par "
                 r"Jane: Hi, nice to meet you.\par}")
    assert [s for s, _ in texts(f)] == ["Interviewer", "Jane"]


RTF_DAMAGED = {
    # Cut short mid-sentence: the first half used to import as if it were the whole.
    "truncated": (r"{\rtf1\ansi\deff0{\fonttbl{\f0 Times;}}\f0 Interviewer: How did you "
                  r"start?\par Jane: I st", "incomplete: 1 '{' never closed"),
    "truncated in the font table": (WORD_RTF[:180], "incomplete"),
    # A stray closing brace: everything after it was silently dropped.
    "extra brace": (r"{\rtf1\ansi Interviewer: Hello there\par Jane: I}} started in 1990."
                    r"\par}", "braces close the document on line 1 but text follows"),
    "only control words": (r"{\rtf1\ansi\deff0{\fonttbl{\f0 Times;}}{\colortbl;\red0\green0"
                           r"\blue0;}\f0\fs24\par\par\pard\plain}", "no text (only formatting)"),
    # RTF code pasted into a document: it came out as \rtf1\ansi... "text".
    "rtf inside rtf": (r"{\rtf1\ansi\deff0 {\fonttbl{\f0 Courier;}}\f0 \{\\rtf1\\ansi\\deff0 "
                       r"\\par Interviewer: hello\\par Jane: hi there\\par\}\par}",
                       r"RTF control words (\rtf1"),
    # Hex data of an object in a group striprtf does not know: one 600-letter "word".
    "embedded data": (r"{\rtf1\ansi Interviewer: Hello there.\par {\unknowndest " + "0f" * 300
                      + r"}\par Jane: Hi.\par}", "600 hex digits in a row"),
    "unbroken run": (r"{\rtf1\ansi Interviewer: Hello there.\par {\unknowndest " + "x-" * 600
                     + r"}\par Jane: Hi.\par}", "unbroken run of 1,200 characters"),
    # A transcript saved as text under an RTF name: said so, not "no header".
    "not rtf at all": (GOOD_TEXT, "not an RTF file: it holds plain text (rename it to .txt)"),
    "no header": (r"{\ansi Interviewer: Hello there\par}", r"no {\rtf header"),
}


@pytest.mark.parametrize("case", sorted(RTF_DAMAGED))
def test_damaged_rtf_refused(tmp_path: Path, case: str) -> None:
    source, expected = RTF_DAMAGED[case]
    f = tmp_path / "interview.rtf"
    f.write_text(source)
    assert expected in refused(f)


# ---------------------------------------------------------------------- every format
def _write(data: bytes | str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    return make


def _half(make: Callable[[], bytes]) -> Callable[[Path], None]:
    def cut(path: Path) -> None:
        data = make()
        path.write_bytes(data[: len(data) // 2])
    return cut


def _zip_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def _part_cut(make: Callable[[], bytes], part: str) -> Callable[[Path], None]:
    """A whole zip package whose XML ``part`` is cut in half."""
    def cut(path: Path) -> None:
        with zipfile.ZipFile(io.BytesIO(make())) as src:
            members = {n: src.read(n) for n in src.namelist()}
        members[part] = members[part][: len(members[part]) // 2]
        path.write_bytes(_zip_of(members))
    return cut


def _crc_broken(make: Callable[[], bytes], part: str) -> Callable[[Path], None]:
    """A package whose ``part`` fails its CRC check (stored, one byte flipped)."""
    def flip(path: Path) -> None:
        with zipfile.ZipFile(io.BytesIO(make())) as src:
            members = {n: src.read(n) for n in src.namelist()}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
        data = bytearray(buffer.getvalue())
        at = data.index(b"PK\x03\x04")  # the first local header
        for _ in range(list(members).index(part)):
            at = data.index(b"PK\x03\x04", at + 4)
        data[at + 30 + len(part) + 20] ^= 0x01
        path.write_bytes(bytes(data))
    return flip


DAMAGED: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated.docx": (_half(docx_bytes), "not a valid Word .docx file (cut short or damaged)"),
    "text.docx": (_write(GOOD_TEXT), "not a Word .docx file: it holds plain text (rename it to "
                                     ".txt)"),
    "odt.docx": (lambda p: p.write_bytes(odt_bytes()),
                 "this is an OpenDocument .odt file, not a Word .docx file: rename it to .odt"),
    "rtf.docx": (_write(r"{\rtf1\ansi Hello\par}"), "this is an RTF file, not a Word .docx "
                                                    "file: rename it to .rtf"),
    "old.docx": (_write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
                 "password-protected Office document, not a Word .docx file: save it, "
                 "without a password, as .docx"),
    "other.docx": (_write(_zip_of({"hello.txt": "hi"})), "a zip package without "
                                                         "word/document.xml"),
    "badxml.docx": (_part_cut(docx_bytes, "word/document.xml"),
                    "not a valid Word .docx file: word/document.xml is damaged or cut short ("),
    "crc.docx": (_crc_broken(docx_bytes, "word/document.xml"),
                 "not a valid Word .docx file: word/document.xml cannot be unpacked (Bad CRC"),
    # odfpy printed the broken part to the terminal, then failed with AttributeError.
    "badxml.odt": (_part_cut(odt_bytes, "content.xml"),
                   "not a valid OpenDocument .odt file: content.xml is damaged or cut short"),
    "text.odt": (_write(GOOD_TEXT), "not an OpenDocument .odt file: it holds plain text"),
    "truncated.odt": (_half(odt_bytes), "not a valid OpenDocument .odt file (cut short"),
    "docx.odt": (lambda p: p.write_bytes(docx_bytes()), "this is a Word .docx file, not an "
                                                        "OpenDocument .odt file: rename it"),
    "scanned.pdf": (lambda p: p.write_bytes(pdf_bytes()), "no text layer (scanned?"),
    "password.pdf": (lambda p: p.write_bytes(pdf_bytes("secret")), "password-protected"),
    # A transcript saved as text under a PDF name: said, as for .docx, .odt and .rtf.
    "text.pdf": (_write(GOOD_TEXT), "not a PDF file: it holds plain text (rename it to .txt)"),
    "truncated.pdf": (lambda p: p.write_bytes(pdf_bytes()[:100]),
                      "not a valid PDF file (damaged or cut short"),
    "pdf.txt": (lambda p: p.write_bytes(pdf_bytes()), "this is a PDF file, not text: rename it "
                                                      "to .pdf"),
    "docx.md": (lambda p: p.write_bytes(docx_bytes()), "this is a Word .docx file, not text"),
    "rtf.txt": (_write(r"{\rtf1\ansi Interviewer: Hi.\par Jane: Hello.\par}"),
                "this is an RTF file, not text: rename it to .rtf"),
    "broken-times.vtt": (_write("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAnn: Hello there\n\n"
                                "00:00:0x.000 --> 00:00:04.000\nBo: these words were lost\n"),
                         "the cue at line 6 has no readable timing ('00:00:0x.000"),
    "comma-times.vtt": (_write("WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\nAnn: Hello\n"),
                        "the cue at line 4 has no readable timing"),
    "no-header.vtt": (_write("1\n00:00:01,000 --> 00:00:02,000\nAnn: Hello\n"),
                      "its first line must be WEBVTT; it looks like a SubRip file"),
    "broken-times.srt": (_write("1\n00:00:01,000 --> 00:00:02,000\nAnn: Hello there\n\n2\n"
                                "00:00:0x,000 --> 00:00:04,000\nBo: lost\n\n3\n"
                                "00:00:05,000 --> 00:00:06,000\nAnn: And more\n"),
                         "the cue at line 5 cannot be read ('00:00:0x,000 --> 00:00:04,000'"),
    "webvtt.srt": (_write("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAnn: Hi\n"),
                   "this is a WebVTT file, not SubRip: rename it to .vtt"),
    "mixed.txt": (_write("Interviewer: Was the café open?\n".encode()
                         + "Jane: It cost £5.\n".encode("latin-1")),
                  "mixed text encodings: line 1 is UTF-8 but line 2 is not"),
    "binary.txt": (_write(bytes(range(256)) * 4), "binary file, not text"),
    "empty.txt": (_write(b""), "the file is empty"),
    "blank.md": (_write(" \n\n\t\n"), "the file is empty (only blank space)"),
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_file_refused_in_one_line(tmp_path: Path, name: str,
                                          capfd: pytest.CaptureFixture[str]) -> None:
    make, expected = DAMAGED[name]
    path = tmp_path / name
    make(path)
    assert expected in refused(path)
    assert capfd.readouterr().out == ""  # nothing printed besides the refusal


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "latin-1", "cp1252", "utf-8-sig"])
def test_other_encodings_import_correctly(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / "enc.txt"
    f.write_bytes("Interviewer: What did it cost?\nJane Doe: £5 at the café, naïve me.\n"
                  .encode(encoding))
    assert texts(f) == [("Interviewer", "What did it cost?"),
                        ("Jane Doe", "£5 at the café, naïve me.")]


def test_valid_files_of_each_format_still_import(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(docx_bytes())
    (tmp_path / "b.odt").write_bytes(odt_bytes())
    (tmp_path / "c.vtt").write_text("WEBVTT\n\nNOTE a note\n\n1\n00:00:01.000 --> 00:00:02.000 "
                                    "align:start\nInterviewer: How did you start?\n\n"
                                    "00:01.500 --> 00:03.000\nJane Doe: I trained as a physio "
                                    "in Leeds.\n")
    (tmp_path / "d.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nInterviewer: How did "
                                    "you start?\n\n2\n00:00:03,000 --> 00:00:04,000\nJane Doe: "
                                    "I trained as a physio in Leeds.\n")
    for name in ("a.docx", "b.odt", "c.vtt", "d.srt"):
        assert texts(tmp_path / name) == [("Interviewer", "How did you start?"),
                                          ("Jane Doe", "I trained as a physio in Leeds.")]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "locked.txt"
    f.write_text(GOOD_TEXT)
    if os.geteuid() != 0:
        f.chmod(0)
    else:  # root reads anything: simulate the refusal the OS gives
        def deny(self: Path) -> bytes:
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(Path, "read_bytes", deny)
    assert refused(f) == "cannot read the file (Permission denied)"


# ---------------------------------------------------------------------- through the CLI
def test_cli_refuses_bad_file_without_traceback_or_new_database(tmp_path: Path) -> None:
    f = tmp_path / "interview.rtf"
    f.write_text(RTF_DAMAGED["truncated"][0])
    result = run("import", str(f))
    assert result.exit_code == 1
    failed = [x for x in result.stderr.splitlines() if x.startswith("failed")]
    assert failed == [f"failed     {f}: the RTF file is incomplete: 1 '{{' never closed (cut "
                      "short when it was copied or saved?); open it in Word or LibreOffice "
                      "and save it again"]
    assert "Traceback" not in result.output
    assert not db().exists()  # no empty project left behind


def test_cli_bad_file_in_a_batch_leaves_stored_rows_as_they_were(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT)
    assert run("import", str(good)).exit_code == 0
    before = dump()
    bad_dir = tmp_path / "batch"
    bad_dir.mkdir()
    (bad_dir / "p01.txt").write_text(GOOD_TEXT.replace("Leeds", "York"))
    (bad_dir / "p02.docx").write_bytes(docx_bytes()[:2000])
    (bad_dir / "p03.pdf").write_bytes(pdf_bytes())
    result = run("import", str(bad_dir))
    assert result.exit_code == 1
    # The documented design: each file is its own transaction, good ones are stored,
    # each bad one is named on its own line, and the summary counts them.
    assert "imported   p01 (v1" in result.stdout
    assert "1 imported (11 words), 0 unchanged, 2 failed" in result.stdout
    failed = [x for x in result.stderr.splitlines() if x.startswith("failed")]
    assert [x.split(": ", 1)[0] for x in failed] == [
        f"failed     {bad_dir / 'p02.docx'}", f"failed     {bad_dir / 'p03.pdf'}"]
    after = dump()
    added = [row for row in after if row not in before]
    assert all("p02" not in row and "p03" not in row for row in added)
    assert all(row in after for row in before)


def test_pdf_whose_fonts_map_no_letters_refused(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Fonts without a character map give private-use glyph codes, not letters: that
    text layer is refused instead of stored as a transcript of boxes."""
    from pypdf import PageObject

    f = tmp_path / "glyphs.pdf"
    f.write_bytes(pdf_bytes())
    monkeypatch.setattr(PageObject, "extract_text",
                        lambda self, *a, **k: "\ue001\ue002\ue003 \ue004\ue005 " * 20)
    assert "its fonts map no letters" in refused(f)
    monkeypatch.setattr(PageObject, "extract_text",
                        lambda self, *a, **k: "Interviewer: Hello there.\nJane: Hi. \ue001")
    assert [s for s, _ in texts(f)] == ["Interviewer", "Jane"]


@pytest.mark.parametrize(("encoding", "text"), [
    ("shift_jis", "Interviewer: どうやって始めましたか？\nJane: 理学療法士として始めました。\n"),
    ("gbk", "Interviewer: 你是怎么开始的？\nJane: 我是物理治疗师。\n"),
    ("cp1251", "Интервьюер: Как вы начали свою карьеру?\nАнна: Я начала как физиотерапевт.\n"),
    ("cp1253", "Interviewer: Πώς ξεκινήσατε την καριέρα σας;\nΜαρία: Ως φυσικοθεραπεύτρια.\n"),
])
def test_other_legacy_code_pages_refused_not_garbled(tmp_path: Path, encoding: str,
                                                     text: str) -> None:
    """Decoded as Windows-1252 (the last resort) these came out as accented-Latin
    nonsense, stored as the transcript; now the encoding problem is named."""
    f = tmp_path / "legacy.txt"
    f.write_bytes(text.encode(encoding))
    message = refused(f)
    assert "Windows-1252" in message and message.endswith("save the file as UTF-8")


@pytest.mark.parametrize("text", [
    "Interviewer: Comment avez-vous commencé ?\nÉlodie: J'étais kinésithérapeute à "
    "l'hôpital, puis cadre de santé. Ça a été réfléchi… «bien sûr» — voilà.\n",
    "Interviewer: Wie haben Sie angefangen?\nJürgen: Ich war Physiotherapeut in München. "
    "Später übernahm ich die Leitung, größer, schöner, Ärger inklusive. Grüße!\n",
    "Interviewer: ¿Cómo empezó?\nMaría José: Empecé como fisioterapeuta en Logroño; "
    "después fui jefa de servicio. ¡Qué años!\n",
    "Interviewer: Como começou?\nJoão: Comecei em São Paulo; não foi fácil. Ações, "
    "decisões, informações — eu não sabia.\n",
])
def test_western_cp1252_text_still_imports(tmp_path: Path, text: str) -> None:
    f = tmp_path / "west.txt"
    f.write_bytes(text.encode("cp1252"))
    parsed = read_transcript(f)
    assert parsed.text == "\n\n".join(line.split(": ", 1)[1] for line in text.splitlines())
