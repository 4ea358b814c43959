"""Readers for the structured formats: Word, OpenDocument, PDF, WebVTT, SubRip (RTF: rtf.py).

Each reader returns paragraph :class:`~qualcoder_ahp.importers.blocks.Block`
objects, keeping what its format knows about speakers: a bold leading run in Word
or OpenDocument (``**Ms Hands:** text`` in Markdown terms), a ``<v Name>`` voice tag
in WebVTT, the start time of a subtitle cue, headings and italic procedural notes.
Corrupt or unsuitable files are refused with one line naming the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import math
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers.blocks import (
    CUE, HEADING, NOTE, PARA, TIME, Block, Blocks, clock_of, is_note_text, text_blocks,
)
from qualcoder_ahp.importers.hyphens import join_broken_words
from qualcoder_ahp.importers.numbered import line_numbers_note, text_without_line_numbers
from qualcoder_ahp.importers.normalise import (
    check_format, decode, normalise, read_bytes, refuse_plain_text,
)
from qualcoder_ahp.importers.turns import (
    NAME_AND_TIME, UNLABELLED, _clean_name, _valid_name, label_role, loose_label, match_label,
    unnamed_voice,
)

MAX_UNZIPPED = 200 * 1024 * 1024
"""Refuse Office files that would inflate beyond this (a zip bomb, not a transcript)."""

_TABLE_HEADERS = frozenset({"speaker", "name", "who", "person", "time", "timestamp"})
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<name>[^>]+)>")
# HTML-like cue tags (<i>, <v Name>, <00:01.000> karaoke times) and ASS overrides ({\an8}).
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d{1,2}:\d{2}[^>]*>|\{\\[^}]*\}")


def _a(what: str) -> str:
    return f"an {what}" if what[0] in "AEIOU" else f"a {what}"


def _check_zip(data: bytes, path: Path, what: str, part: str) -> None:
    """Refuse a file that is not a whole zip package holding ``part`` (its main XML)."""
    ext = "." + what.rsplit(".", 1)[-1]
    check_format(data, path, ext)
    if not data.startswith(b"PK"):  # a transcript saved as text under a Word name?
        refuse_plain_text(data, path, _a(what))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        how = "cut short or damaged" if data.startswith(b"PK") else "not a zip package"
        raise ImportFailed(f"not a valid {what} file ({how})", path=str(path)) from None
    if total > MAX_UNZIPPED:
        raise ImportFailed(f"{what} file would unpack to {total // 2**20} MB; refused",
                           path=str(path))
    if part not in names:
        raise ImportFailed(f"not a valid {what} file (a zip package without {part})",
                           path=str(path))


def _check_parts(data: bytes, path: Path, what: str, parts: tuple[str, ...]) -> None:
    """Refuse a package whose XML parts (``parts`` first) do not unpack or parse.

    Said here, with the part and the parser's reason: python-docx reported only
    ``(XMLSyntaxError)`` or ``(BadZipFile)``, and odfpy printed the broken part to
    the terminal and then failed with an AttributeError.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [n for n in zf.namelist() if n.endswith((".xml", ".rels"))]
        # The main parts first, so a damaged document is named as such.
        for part in sorted(names, key=lambda n: (n not in parts, n)):
            try:
                etree.fromstring(zf.read(part), parser=parser)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise ImportFailed(f"not a valid {what} file: {part} cannot be unpacked "
                                   f"({exc}); the file is damaged", path=str(path)) from None
            except etree.XMLSyntaxError as exc:
                raise ImportFailed(f"not a valid {what} file: {part} is damaged or cut short "
                                   f"({exc.msg})", path=str(path)) from None


def _label_block(label: str, rest: str) -> Block | None:
    """A turn block from a bold label run (``Ms Hands:``) and the text after it."""
    m = NAME_AND_TIME.match(label.strip())
    if not m:
        return None
    name = m.group("name").strip().rstrip(":").strip()
    words = name.split()
    if not name or len(words) > 6 or name[-1] in ".?!,;":
        return None
    rest = rest.lstrip()
    if rest.startswith(":"):
        rest = rest[1:].lstrip()
    return Block([rest], kind=PARA, speaker=name, time=m.group("t"))


def _name_like(name: str | None) -> bool:
    """Whether a bold line alone reads as a speaker's name (``Helen``, ``Speaker 1``,
    ``int``), not a subheading with a lower-case word (``Early career``)."""
    return bool(name) and (_valid_name(name) or loose_label(_clean_name(name)))


def _paragraph_block(text: str, bold_prefix: str, all_italic: bool, heading: bool) -> Block | None:
    """Classify one word-processor paragraph given its leading bold text."""
    text = normalise(text)
    if not text.strip():
        return None
    if heading:
        return Block([text.strip()], kind=HEADING)
    bold_prefix = normalise(bold_prefix)
    # The bold runs must be where the paragraph's text starts (a hyperlink or field
    # before them is not a run); otherwise the line parser decides.
    if bold_prefix.strip() and text.startswith(bold_prefix):
        rest = text[len(bold_prefix):]
        ends_label = bold_prefix.rstrip().endswith(":") or rest.lstrip().startswith(":")
        whole = not rest.strip()
        if ends_label or (whole and len(bold_prefix.split()) <= 5):
            block = _label_block(bold_prefix, rest)
            if block is not None and (ends_label or block.time or _name_like(block.speaker)):
                return block
            if whole:
                # A short bold line that is no name ("Early career", "Becoming a
                # manager"): a subheading, as Word's Heading styles are; it was a speaker.
                return Block([text.strip()], kind=HEADING)
    if all_italic and is_note_text(text):
        return Block([text.strip()], kind=NOTE, time=clock_of(text))
    lines = text.split("\n")
    return Block(lines)


# ---------------------------------------------------------------------- Word
_STRICT = re.compile(rb"http://purl\.oclc\.org/ooxml/(wordprocessingml|drawingml|officeDocument|"
                     rb"spreadsheetml|presentationml)/")


def transitional(data: bytes) -> bytes:
    """A Word file saved as "Strict Open XML Document" (a choice in Word's Save As)
    with the namespaces of an ordinary ``.docx``, which python-docx reads; any other
    file as it is. It was refused as ``not a valid Word .docx file (KeyError)``.

    The two differ, for reading the words, in their namespace names only
    (``http://purl.oclc.org/ooxml/wordprocessingml/main`` is
    ``http://schemas.openxmlformats.org/wordprocessingml/2006/main``).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            rels = zf.read("_rels/.rels")
        except KeyError:
            return data
        if not _STRICT.search(rels):
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
            for info in zf.infolist():
                part = zf.read(info.filename)
                if info.filename.endswith((".xml", ".rels")):
                    part = _STRICT.sub(rb"http://schemas.openxmlformats.org/\1/2006/", part)
                new.writestr(info, part)
    return out.getvalue()


def read_docx(path: Path, max_bytes: int) -> list[Block]:
    """Word ``.docx``: paragraphs and tables in order, bold speaker runs, headings."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    data = read_bytes(path, max_bytes=max_bytes)
    _check_zip(data, path, "Word .docx", "word/document.xml")
    _check_parts(data, path, "Word .docx", ("word/document.xml", "word/styles.xml"))
    data = transitional(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a broken package
        raise ImportFailed(f"not a valid Word .docx file ({type(exc).__name__})",
                           path=str(path)) from None
    blocks: list[Block] = []
    # Style lookups are slow in python-docx, so each style id is resolved once.
    cache: dict[tuple[str, str | None], Any] = {}
    for child in _body_elements(document.element.body):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            block = _docx_paragraph(Paragraph(child, document), cache)
            if isinstance(block, list):
                blocks.extend(block)
            elif block is not None:
                blocks.append(block)
        elif tag == "tbl":
            blocks.extend(_docx_table(Table(child, document)))
    return blocks


def _body_elements(body: Any) -> Any:
    """The body's paragraphs and tables in order, those inside a content control or
    custom XML around paragraphs too (a template's fields: every paragraph in one was
    left out, with no word said)."""
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_elements(content)
        elif tag == "customXml":
            yield from _body_elements(child)
        else:
            yield child


def _run_flag(run: Any, attr: str, cache: dict[tuple[str, str | None], Any]) -> bool:
    value = getattr(run.font, attr)
    if value is None:
        style_id = run.element.style
        if style_id is None:
            return False
        key = (attr, style_id)
        if key not in cache:
            cache[key] = bool(getattr(run.style.font, attr)) if run.style is not None else False
        value = cache[key]
    return bool(value)


def _docx_paragraph(paragraph: Any, cache: dict[tuple[str, str | None], Any]
                    ) -> Block | list[Block] | None:
    key = ("paragraph", paragraph._p.style)
    if key not in cache:
        cache[key] = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = cache[key].startswith(("Heading", "Title"))
    runs, text = _tracked_runs(paragraph)
    runs = [r for r in runs if r.text]
    bold_prefix = ""
    for run in runs:
        if not _run_flag(run, "bold", cache):
            break
        bold_prefix += run.text
    all_italic = bool(runs) and all(
        _run_flag(r, "italic", cache) or not r.text.strip() for r in runs)
    if "\n" in text and not heading:
        lines = _bold_lines([(r.text, _run_flag(r, "bold", cache)) for r in runs])
        if len(lines) > 1:
            return _line_blocks(lines, all_italic)
    return _paragraph_block(text, bold_prefix, all_italic, heading)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NOT_SHOWN = frozenset({f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent"})


_WRAPPERS = ("ins", "moveTo", "smartTag", "sdt", "customXml", "fldSimple")
"""Elements that hold a paragraph's runs without python-docx reading them: tracked
insertions, smart tags (``Leeds`` marked as a place by an older Word), content controls
(a transcription template's fields), custom XML and simple fields (their result)."""


def _tracked_runs(paragraph: Any) -> tuple[list[Any], str]:
    """A Word paragraph's runs and text as Word shows it with its tracked changes: the
    words inserted (``w:ins``, ``w:moveTo``) in, the words deleted out. python-docx reads
    only the runs outside a tracked insertion, so a transcript corrected with Track
    Changes on (a participant's member check) lost every word added; and the words in
    a smart tag or a content control (:data:`_WRAPPERS`) were lost the same way."""
    p = paragraph._p
    if not any(p.find(f".//{_W}{tag}") is not None for tag in _WRAPPERS):
        return list(paragraph.runs), paragraph.text
    from docx.text.run import Run

    runs = []
    for r in p.iter(f"{_W}r"):
        up = r.getparent()
        while up is not None and up is not p and up.tag not in _NOT_SHOWN:
            up = up.getparent()
        if up is p:
            runs.append(Run(r, paragraph))
    return runs, "".join(r.text for r in runs)


def _line_blocks(lines: list[tuple[str, str]], all_italic: bool) -> list[Block] | None:
    blocks = [_paragraph_block(text, bold, all_italic, False) for text, bold in lines]
    return [b for b in blocks if b is not None] or None


def _bold_lines(runs: list[tuple[str, bool]]) -> list[tuple[str, str]]:
    """A paragraph's runs (``(text, bold)``) cut before each line (after a Shift+Enter
    line break) that opens with a bold label (``Helen:``), as ``(text, bold prefix)``:
    the turns typed in one paragraph were one speaker's. Lines without a bold label stay
    with the line above."""
    lines: list[list[Any]] = [["", "", True]]  # text, bold prefix, still in that prefix
    for text, bold in runs:
        for k, piece in enumerate(text.split("\n")):
            if k:
                lines.append(["", "", True])
            line = lines[-1]
            if line[2] and bold:
                line[1] += piece
            elif piece:
                line[2] = False
            line[0] += piece
    out: list[tuple[str, str]] = []
    for text, lead, _ in lines:
        label = bool(lead.strip()) and (lead.rstrip().endswith(":")
                                        or text[len(lead):].lstrip().startswith(":"))
        if out and not label:
            out[-1] = (out[-1][0] + "\n" + text, out[-1][1])
        else:
            out.append((text, lead))
    return out


def _docx_table(table: Any) -> list[Block]:
    """A Word table read as :func:`table_blocks` reads one."""
    return table_blocks([[normalise("\n".join(_tracked_runs(p)[1] for p in c.paragraphs))
                          for c in row.cells] for row in table.rows])


def table_blocks(rows: list[list[str]]) -> list[Block]:
    """Tables as transcription services export them (each row's cells, a cell's
    paragraphs joined by ``\n``): speaker | [time |] text, or time | speaker | text; a
    heading row may name the columns, and a row number or an end time is left out."""
    from qualcoder_ahp.importers.tabbed import column_row, columns_named, speaker_and_time

    out: list[Block] = []
    columns = None
    for row in rows:
        cells = [c.strip() for c in row]
        if columns is None and (columns := columns_named(cells)) is not None:
            continue  # a heading row naming the columns (NVivo's Timespan | Content | Speaker)
        if columns is not None:
            found = column_row(cells, columns)
            if found is not None:  # (a row with no speaker continues the turn)
                out.extend(_cell_blocks(found.text, found.speaker, found.time))
                continue
        cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
        if cells and cells[0].lower().rstrip(":") in _TABLE_HEADERS:
            continue
        if len(cells) >= 3 and cells[0].isdigit():
            cells = cells[1:]  # a row number (# | time | speaker | text)
        if len(cells) >= 3 and re.fullmatch(TIME, cells[0]) and re.fullmatch(TIME, cells[1]):
            cells = cells[:1] + cells[2:]  # start | end | speaker | text: the start is kept
        if len(cells) >= 2 and re.fullmatch(TIME, cells[0]):
            # Time first (time | speaker | text, as Sonix and Trint export): the speaker
            # was read as "00:00:01"; a row whose speaker cell is empty continues the turn.
            speaker = cells[1].rstrip(":") if len(cells) >= 3 else None
            out.extend(_cell_blocks(cells[-1], speaker, cells[0]))
        elif len(cells) >= 2 and len(cells[0].split()) <= 7 and len(cells[0]) <= 60:
            # "Helen Ash (00:00:03)", or the time below the name: the time goes on the turn
            speaker, time = speaker_and_time(cells[0])
            time = next((c for c in cells[1:-1] if re.fullmatch(TIME, c)), time)
            out.extend(_cell_blocks(cells[-1], speaker, time))
        else:
            out.extend(Block(c.split("\n")) for c in cells)
    return out


def _cell_blocks(text: str, speaker: str | None, time: str | None) -> list[Block]:
    """A table row's turn: a block for each paragraph of its text cell, the first with
    the speaker and time (the paragraphs of a cell were joined into one)."""
    first, *more = text.split("\n")
    return [Block([first], speaker=speaker, time=time), *(Block([x]) for x in more if x)]


# ---------------------------------------------------------------------- OpenDocument
def read_odt(path: Path, max_bytes: int) -> list[Block]:
    """OpenDocument ``.odt``: paragraphs and headings in order, bold speaker spans."""
    from odf.namespaces import STYLENS, TABLENS, TEXTNS
    from odf.opendocument import load

    data = read_bytes(path, max_bytes=max_bytes)
    _check_zip(data, path, "OpenDocument .odt", "content.xml")
    _check_parts(data, path, "OpenDocument .odt", ("content.xml", "styles.xml"))
    try:
        # odfpy prints a part it cannot parse to stdout; the parts were checked above,
        # and anything it still prints must not reach the command's output.
        with contextlib.redirect_stdout(io.StringIO()):
            doc = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises zip, XML and key errors for broken files
        raise ImportFailed(f"not a valid OpenDocument .odt file ({type(exc).__name__})",
                           path=str(path)) from None
    if doc.text is None:
        raise ImportFailed("not a valid OpenDocument .odt file (it has no text body)",
                           path=str(path))
    bold: set[str] = set()
    italic: set[str] = set()
    for styles in (doc.automaticstyles, doc.styles):
        for style in styles.childNodes:
            name = style.getAttrNS(STYLENS, "name") if hasattr(style, "getAttrNS") else None
            for prop in getattr(style, "childNodes", []):
                if getattr(prop, "qname", (None, None))[1] != "text-properties":
                    continue
                attrs = {k[1]: v for k, v in prop.attributes.items()}
                if attrs.get("font-weight") == "bold":
                    bold.add(name)
                if attrs.get("font-style") == "italic":
                    italic.add(name)
    blocks: list[Block] = []
    teletype = _OdtText

    def walk(node: Any) -> None:
        for child in node.childNodes:
            qname = getattr(child, "qname", None)
            if qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                block = _odt_paragraph(child, qname[1] == "h", bold, italic, teletype)
                if isinstance(block, list):
                    blocks.extend(block)
                elif block is not None:
                    blocks.append(block)
            elif qname == (TABLENS, "table"):
                # A table read as a Word table is (speaker | text rows): its cells were
                # paragraphs, the heading row's words a turn of their own.
                blocks.extend(table_blocks(_odt_rows(child, teletype)))
            elif qname is not None and qname not in _ODT_NOT_SHOWN:
                walk(child)

    walk(doc.text)
    return blocks


_ODT_NOT_SHOWN = frozenset({
    ("urn:oasis:names:tc:opendocument:xmlns:text:1.0", "tracked-changes"),
    ("urn:oasis:names:tc:opendocument:xmlns:text:1.0", "note"),
    ("urn:oasis:names:tc:opendocument:xmlns:office:1.0", "annotation")})
"""OpenDocument elements whose words are not the text as read: the words deleted with
track changes (kept apart, in ``text:tracked-changes``, they were read as a turn of
their own), footnotes and endnotes (their number and words ran into the sentence,
``Honestly.1A footnote by...``) and comments (``ThanksAnacheck this``)."""


class _OdtText:
    """Stands in for ``odf.teletype``: its ``extractText`` leaving out
    :data:`_ODT_NOT_SHOWN`."""

    @staticmethod
    def extractText(node: Any) -> str:  # noqa: N802 - odf.teletype's name
        from odf.namespaces import TEXTNS

        out: list[str] = []
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                out.append(child.data)
                continue
            kind = getattr(child, "qname", None)
            if kind in _ODT_NOT_SHOWN:
                continue
            if kind == (TEXTNS, "line-break"):
                out.append("\n")
            elif kind == (TEXTNS, "tab"):
                out.append("\t")
            elif kind == (TEXTNS, "s"):
                out.append(" " * int(child.getAttribute("c") or 1))
            elif child.nodeType == child.ELEMENT_NODE:
                out.append(_OdtText.extractText(child))
        return "".join(out)


def _odt_rows(table: Any, teletype: Any) -> list[list[str]]:
    """An OpenDocument table's rows (in header-rows and row-groups too), each cell's
    paragraphs joined by ``\n``; a cell repeated (``number-columns-repeated``) once."""
    from odf.namespaces import TABLENS, TEXTNS

    rows: list[list[str]] = []
    for node in table.childNodes:
        qname = getattr(node, "qname", None)
        if qname == (TABLENS, "table-row"):
            cells = []
            for cell in node.childNodes:
                if getattr(cell, "qname", None) != (TABLENS, "table-cell"):
                    continue
                paragraphs = [normalise(teletype.extractText(p)) for p in cell.childNodes
                              if getattr(p, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h"))]
                cells.append("\n".join(paragraphs))
            rows.append(cells)
        elif qname is not None and qname[0] == TABLENS and qname[1] in (
                "table-header-rows", "table-rows", "table-row-group"):
            rows.extend(_odt_rows(node, teletype))
    return rows


def _odt_paragraph(p: Any, heading: bool, bold: set[str], italic: set[str],
                   teletype: Any) -> Block | list[Block] | None:
    from odf.namespaces import TEXTNS

    para_style = p.getAttrNS(TEXTNS, "style-name")
    bold_prefix = ""
    if para_style in bold:
        bold_prefix = teletype.extractText(p)
    else:
        for child in p.childNodes:
            if getattr(child, "qname", None) == (TEXTNS, "span") and \
                    child.getAttrNS(TEXTNS, "style-name") in bold:
                bold_prefix += teletype.extractText(child)
                continue
            if child.nodeType == child.TEXT_NODE and not str(child).strip() and bold_prefix:
                bold_prefix += str(child)
                continue
            break
    spans = [c for c in p.childNodes if getattr(c, "qname", None) == (TEXTNS, "span")]
    all_italic = para_style in italic or (
        bool(spans) and all(s.getAttrNS(TEXTNS, "style-name") in italic for s in spans)
        and not any(c.nodeType == c.TEXT_NODE and str(c).strip() for c in p.childNodes))
    text = teletype.extractText(p)
    if "\n" in text and not heading and para_style not in bold:
        lines = _bold_lines([(_odt_text(c, teletype), getattr(c, "qname", None) ==
                              (TEXTNS, "span") and c.getAttrNS(TEXTNS, "style-name") in bold)
                             for c in p.childNodes])
        if len(lines) > 1:
            return _line_blocks(lines, all_italic)
    return _paragraph_block(text, bold_prefix, all_italic, heading)


def _odt_text(node: Any, teletype: Any) -> str:
    """A paragraph's child node's text as the paragraph's own text has it (a line break,
    a tab or spaces element alone gives none: the paragraph's text holds them)."""
    from odf.namespaces import TEXTNS

    if node.nodeType == node.TEXT_NODE:
        return str(node)
    kind = getattr(node, "qname", None)
    if kind == (TEXTNS, "line-break"):
        return "\n"
    if kind == (TEXTNS, "tab"):
        return "\t"
    if kind == (TEXTNS, "s"):
        return " " * int(node.getAttrNS(TEXTNS, "c") or 1)
    return str(teletype.extractText(node))


# ---------------------------------------------------------------------- PDF
def read_pdf(path: Path, max_bytes: int) -> list[Block]:
    """PDF text layer, via pypdf (scanned PDFs without text are refused)."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    data = read_bytes(path, max_bytes=max_bytes)
    check_format(data, path, ".pdf")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        refuse_plain_text(data, path, "a PDF")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFailed("the PDF is password-protected", path=str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except ImportFailed:
        raise
    except LimitReachedError:
        # Was "damaged or cut short: LimitReachedError", which sent people looking for
        # a broken copy; the Word and OpenDocument readers say the same of a zip bomb.
        raise ImportFailed("a compressed part of the PDF would unpack to more than the "
                           "reader's limit; refused (a decompression bomb, or a damaged "
                           "file)", path=str(path)) from None
    except Exception as exc:  # pypdf raises PdfReadError and others on broken files
        raise ImportFailed(f"not a valid PDF file (damaged or cut short: {type(exc).__name__})",
                           path=str(path)) from None
    pages, running = _drop_running_lines(pages)
    # Line numbers first ("3   physiotherapist and manage-" / "4   ment in 2010"), then
    # "manage-" / "ment" at a line end is the word "management" (not "manage- ment").
    text, numbered = text_without_line_numbers(normalise("\n\n".join(pages)))
    text = join_broken_words(text)
    if not text.strip():
        raise ImportFailed("the PDF has no text layer (scanned? run OCR first)",
                           path=str(path))
    # Fonts without a character map come out as private-use or replacement characters
    # (or pypdf's "(cid:12)" markers): shapes, not letters.
    glyphs = sum(1 for c in text if c == "\ufffd" or "\ue000" <= c <= "\uf8ff")
    glyphs += 5 * text.count("(cid:")
    if glyphs > 20 and glyphs * 3 > sum(not c.isspace() for c in text):
        raise ImportFailed("the PDF's text layer cannot be read (its fonts map no letters); "
                           "export the transcript as text or .docx instead", path=str(path))
    # Some pages scanned among typed ones: their words would be missing without a word.
    blank = [n for n, page in enumerate(pages, start=1) if not page.strip()]
    notes = ([f"{_pages(blank)} of {len(pages)} {'has' if len(blank) == 1 else 'have'} no "
              "text layer (scanned?): the words on them are not imported"] if blank else [])
    if running:
        notes.append(f"left out {running[1]:,} page header, footer and page-number lines "
                     f"(such as {running[0]!r})")
    if numbered:
        notes.append(line_numbers_note(numbered))
    return Blocks(text_blocks(text), notes)


_PAGE_NUMBER = re.compile(r"(?i)^[-\u2013\u2014\s]*(?:page\s*)?\d+(?:\s*(?:of|/)\s*\d+)?"
                          r"[-\u2013\u2014\s]*$")
_LABEL_LIKE = re.compile(r"^[^:]{1,40}:\s")
_EDGE = 2
"""Lines at the top and at the foot of a page where running headers and footers sit."""


def _edge_lines(lines: list[str]) -> list[int]:
    """Indexes of the first and last :data:`_EDGE` non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_EDGE] + filled[-_EDGE:]))


def _running_key(line: str) -> str:
    """A line as it repeats from page to page: numbers (page, date) and spacing aside."""
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _drop_running_lines(pages: list[str]) -> tuple[list[str], tuple[str, int] | None]:
    """The pages without their running headers and footers, and (an example, how many
    lines) when some were dropped.

    A transcription service's PDF repeats a header ("Confidential - Study X - P07") and
    a footer ("Page 2 of 9") on every page; read as text they became the participant's
    words, joined to the last sentence of each page ("...I said yes. Page 1 of 3"), and
    were coded, counted and suggested on. Dropped: a line at the top or foot of a page
    (the first or last two) that recurs there, numbers aside, on at least three pages
    (both, of two) and 60% of the pages with text (a line that reads as a turn: on every
    page of three or more); and a line there that is only a page number ("Page 2 of
    9", "- 4 -"). A PDF of one page keeps every line.
    """
    split = [page.split("\n") for page in pages]
    with_text = [lines for lines in split if any(x.strip() for x in lines)]
    if len(with_text) < 2:
        return pages, None
    seen: dict[str, int] = {}
    for lines in with_text:
        for key in {_running_key(lines[i]) for i in _edge_lines(lines)}:
            seen[key] = seen.get(key, 0) + 1
    # (A PDF of two pages: a line at the edge of both; it kept "Study X - confidential" as
    # a turn of its own on page 1 and in the middle of a turn on page 2.)
    need = max(min(3, len(with_text)), math.ceil(0.6 * len(with_text)))
    # A line that reads as a turn ("Interviewer: And then?") repeats at a page edge by
    # chance more easily than a header: it counts only on every page of three or more.
    # Of two pages, a line of speech that ends both ("Thank you.") is no header either.
    running = {k for k, n in seen.items() if k.strip() and n >= need
               and (not _LABEL_LIKE.match(k) or n == len(with_text) >= 3)
               and (len(with_text) >= 3 or k.rstrip()[-1:] not in ".?!\u2026\"\u201d")}
    example, dropped, out = "", 0, []
    for lines in split:
        drop = {i for i in _edge_lines(lines)
                if _running_key(lines[i]) in running or _PAGE_NUMBER.match(lines[i])}
        for i in sorted(drop):
            example = example or " ".join(lines[i].split())
        dropped += len(drop)
        out.append("\n".join(x for i, x in enumerate(lines) if i not in drop))
    return out, ((example, dropped) if dropped else None)


def _pages(numbers: list[int]) -> str:
    """``page 3`` or ``pages 2, 5-7``: runs of consecutive page numbers."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}\u2013{r[-1]}" for r in runs]
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(parts)


# ---------------------------------------------------------------------- web pages
_HTML_BLOCKS = frozenset({
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
    "section", "article", "header", "footer", "main", "ul", "ol", "dl", "dt", "dd", "hr",
    "figure", "figcaption", "address", "caption", "body", "nav", "aside", "details",
    "summary", "center", "form", "fieldset",
})
"""Elements that a browser shows as paragraphs of their own."""
_HTML_HIDDEN = frozenset({"head", "script", "style", "title", "noscript", "template",
                          "svg", "object", "iframe"})
"""Elements whose text a browser does not show as the page's words."""
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


class _PageText:
    """The text a browser shows for a web page, in paragraphs (see :func:`read_html`)."""

    def __init__(self) -> None:
        from html.parser import HTMLParser

        page = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: Any) -> None:
                page.start(tag)

            def handle_startendtag(self, tag: str, attrs: Any) -> None:
                if tag not in _HTML_HIDDEN:
                    page.start(tag)
                    page.end(tag)

            def handle_endtag(self, tag: str) -> None:
                page.end(tag)

            def handle_data(self, data: str) -> None:
                page.data(data)

        self.parser = Parser(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.cells = 0
        self.in_cell = 0
        """How deep inside table cells: Word writes a ``<p>`` in each cell, whose breaks
        would cut the row's line (a cell's paragraphs are one line, apart by spaces)."""

    def start(self, tag: str) -> None:
        if tag in _HTML_HIDDEN:
            self.hidden += 1
        elif self.hidden:
            return
        elif tag == "tr":  # a table row is a line: cells apart by tabs, as tabbed text
            self.parts.append("\n")
            self.cells = 0
        elif tag in ("td", "th"):
            self.parts.append("\t" if self.cells else "")
            self.cells += 1
            self.in_cell += 1
        elif self.in_cell and (tag == "br" or tag in _HTML_BLOCKS):
            self.parts.append(" ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _HTML_BLOCKS:
            self.parts.append("\n\n# " if tag[0] == "h" and tag[1:].isdigit() else "\n\n")
        if tag == "pre":
            self.pre += 1

    def end(self, tag: str) -> None:
        if tag in _HTML_HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif self.hidden:
            pass
        elif tag in ("td", "th"):
            self.in_cell = max(0, self.in_cell - 1)
        elif tag in ("tr", "table"):
            self.in_cell = 0  # (a cell left open)
            self.parts.append("\n\n" if tag == "table" else "")
        elif tag in _HTML_BLOCKS:
            self.parts.append(" " if self.in_cell else "\n\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data if self.pre else _HTML_SPACE.sub(" ", data))

    def text(self, html_text: str) -> str:
        self.parser.feed(html_text)
        self.parser.close()
        lines = [re.sub(r" *\t *", "\t", re.sub(r"  +", " ", line)).strip(" ")
                 for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def read_html(path: Path, max_bytes: int) -> list[Block]:
    """A web page (``.html``, ``.htm``): a transcript saved from a browser, exported by
    a transcription service, or saved by Word as "Web Page". Read as the browser shows
    it: a paragraph per ``<p>``, ``<div>``, list item or heading, a line per ``<br>``
    and per table row (its cells apart by tabs, so a speaker column and a text column
    read as turns), no markup, scripts, styles or the page's title; then as a ``.txt``
    of the same text. It was refused as an unsupported file type, and under ``.txt``
    was imported markup and all."""
    data = read_bytes(path, max_bytes=max_bytes)
    check_format(data, path, ".html")
    text = normalise(_PageText().text(decode(data, path=str(path))))
    if not text.strip():
        raise ImportFailed("the web page has no text", path=str(path))
    return text_blocks(text)


# ---------------------------------------------------------------------- subtitles
def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _clock(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _refuse_untimed(text: str, path: Path, what: str) -> None:
    """Refuse, as such, a subtitle file with no timing line at all: a transcript typed or
    exported as text and saved under a subtitle name. It was told its first line was a
    cue that "cannot be read" (a broken timestamp?), as if the file were damaged."""
    if "-->" not in text:
        mark = "," if what.startswith("SubRip") else "."
        raise ImportFailed(f"not a {what} file: it has no cue timings ('00:00:01{mark}000 "
                           f"--> 00:00:04{mark}000'), so it holds plain text (rename it to "
                           ".txt)", path=str(path))


def read_srt(path: Path, max_bytes: int) -> list[Block]:
    """SubRip ``.srt``: one cue block per subtitle; labels only when the speaker changes."""
    import srt

    data = read_bytes(path, max_bytes=max_bytes)
    check_format(data, path, ".txt")
    text = normalise(decode(data, path=str(path)))
    if text.lstrip().startswith("WEBVTT"):
        raise ImportFailed("this is a WebVTT file, not SubRip: rename it to .vtt",
                           path=str(path))
    _refuse_untimed(text, path, "SubRip .srt")
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        # Say where: the cue that could not be read, by line, with its timing line.
        start = exc.expected_start + len(exc.unmatched_content) - len(
            exc.unmatched_content.lstrip())
        lines = exc.unmatched_content.strip().split("\n")
        shown = next((x for x in lines if "-->" in x), lines[0])[:60]
        raise ImportFailed(f"not a valid SubRip .srt file: the cue at line "
                           f"{_line_of(text, start)} cannot be read ({shown!r}: broken "
                           "timestamp or numbering?)", path=str(path)) from None
    except ValueError as exc:
        raise ImportFailed(f"not a valid SubRip .srt file ({exc})", path=str(path)) from None
    blocks = []
    for sub in subtitles:
        lines = [_CHEVRONS.sub("", _TAG.sub("", html.unescape(x)))
                 for x in sub.content.split("\n")]
        if any(x.strip() for x in lines):
            blocks.append(Block(lines, kind=CUE, time=_clock(sub.start)))
    if not blocks:
        raise ImportFailed("no subtitles found in the file", path=str(path))
    cues = _cue_speakers(blocks)
    return Blocks(_display_names(cues), getattr(cues, "notes", []))


_BRACKET_LABEL = re.compile(r"^[ \t]*(?:\[(?P<a>[^\[\]\n]{1,40})\]|\((?P<b>[^()\n]{1,40})\))"
                            r"[ \t]*:?[ \t]*")
_DIALOGUE_DASH = re.compile(r"^[ \t]*[-\u2010\u2013](?![-\u2010\u2013])[ \t]*(?=\S)")
SOUNDS = frozenset({
    "laugh", "laughs", "laughing", "laughter", "chuckles", "chuckling", "giggles", "sighs",
    "sigh", "sighing", "coughs", "cough", "coughing", "music", "applause", "cheering",
    "cheers", "inaudible", "indistinct", "crosstalk", "silence", "pause", "pauses",
    "unintelligible", "overlapping", "background", "noise", "noises", "sniffs", "gasps",
    "groans", "phone", "ringing", "rings", "beeps", "beep", "door", "knocking", "static",
    "break", "intro", "outro", "theme", "sound", "sounds", "audio", "video", "both", "all",
    "together", "crying", "cries", "whispers", "whispering", "mumbles", "mumbling",
    "muffled", "foreign", "speaking", "language", "playing", "plays", "continues", "ends",
    "clears", "throat", "exhales", "inhales", "breathes", "typing", "clapping", "silent",
    "upbeat", "dramatic", "soft", "gentle", "tense", "no", "none", "off", "screen", "sobs",
    "sobbing", "yawns", "groaning", "humming", "hums", "singing", "sings", "chatter",
    "chattering", "indistinctly", "distorted", "garbled", "unclear", "redacted", "sic",
})
"""Words of a sound description in a subtitle (``[LAUGHS]``, ``(MUSIC PLAYING)``,
``[INAUDIBLE]``): not a speaker's name in brackets."""


def _bracket_name(line: str) -> tuple[str, int] | None:
    """The name in ``[HELEN]`` or ``(HELEN)`` opening a subtitle line, and where the words
    after it start; None for a sound (``[LAUGHS]``), a time or anything not a name."""
    m = _BRACKET_LABEL.match(line)
    if m is None:
        return None
    name = _clean_name((m.group("a") or m.group("b")).strip().rstrip(":"))
    words = name.split()
    if (not words or len(words) > 4 or not name[0].isalpha()
            or any(w.lower().strip(".,!?'") in SOUNDS for w in words)
            or not _valid_name(name) or line[m.end():m.end() + 1] in tuple(".,;:!?)]")):
        return None  # "...as a mod / [moderator]. So," is a transcriber's insert
    return name, m.end()


def _dialogue(lines: list[str]) -> list[list[str]]:
    """A cue's lines by speaker: the dialogue dashes of two speakers in one cue (``- Did
    you plan it?`` / ``- No, I fell into it.``, also with a dash on the second line
    only) start a speaker's lines, the dash left out; a cue without them is one part."""
    dashed = [i for i, x in enumerate(lines)
              if x.lstrip()[:1] in "-\u2010\u2013" and _DIALOGUE_DASH.match(x)]
    if not (len(dashed) >= 2 or dashed and dashed[0] > 0):
        return [lines]
    cuts = sorted({0, *dashed})
    parts = [lines[a:b] for a, b in zip(cuts, [*cuts[1:], len(lines)])]
    return [[_DIALOGUE_DASH.sub("", p[0], count=1), *p[1:]] if _DIALOGUE_DASH.match(p[0])
            else p for p in parts]


def _cue_speakers(blocks: list[Block]) -> list[Block]:
    """Subtitles' own ways of naming speakers: a name in brackets opening a cue or a line
    (``[HELEN] I qualified in 1996.``, ``(INTERVIEWER) Why?``, as broadcast captions and
    transcribers write them), and dialogue dashes, two speakers in one cue (``- Did you
    plan it?`` / ``- No, I fell into it.``). Both were read as speech: the names in the
    text, two speakers' lines in one turn.

    A bracketed name is a speaker where it opens two or more lines or is a role label (and
    then so is any other opening a line); sounds (``[LAUGHS]``, ``(MUSIC PLAYING)``) never
    are. Each dash opens a turn: of the speaker its line names (``- HELEN: No.``, ``-
    [HELEN] No.``); else, where the file has two speakers and another line of the cue
    names one, of the other; else, in a file of named speakers, of a voice of its own,
    ``(unlabelled 1)``, ``(unlabelled 2)``, ... (one a line, so that ``qcahp speakers
    rename`` can give each its speaker: as one ``(unlabelled)`` they could not be told
    apart), with a note; in a file that names no one, ``(unlabelled)``.
    """
    cues = [(b, _dialogue(b.lines)) if b.kind == CUE and not b.speaker else (b, None)
            for b in blocks]
    counts: dict[str, int] = {}
    for _, parts in cues:
        for part in parts or ():
            found = _bracket_name(part[0]) if part and part[0].lstrip()[:1] in "[(" else None
            if found is not None:
                counts[found[0]] = counts.get(found[0], 0) + 1
    names = {n for n, k in counts.items() if k >= 2 or label_role(n) is not None}
    if names:
        names |= set(counts)
    dialogue = any(parts is not None and len(parts) > 1 for _, parts in cues)
    if not names and not dialogue:
        return blocks
    labelled: dict[str, int] = {}  # "HELEN: ..." opening cues, for dialogue dashes
    for _, parts in cues if dialogue else ():
        for part in parts or ():
            if part and ":" in part[0] and (label := match_label(part[0])) is not None:
                labelled[label.name] = labelled.get(label.name, 0) + 1
    pair = names | {n for n, k in labelled.items() if k >= 2 or label_role(n) is not None}
    out: list[Block] = []
    last: str | None = None
    voices: list[str] = []  # the lines of a dialogue cue that no label names
    voiced = 0  # the cues that hold them
    for block, parts in cues:
        if parts is None:
            out.append(block)
            last = block.speaker or last
            continue
        said: list[tuple[str | None, list[str], bool]] = []  # speaker, lines, label-led
        for part in parts:
            found = _bracket_name(part[0]) if part and part[0].lstrip()[:1] in "[(" else None
            if found is not None and found[0] in names:
                rest = part[0][found[1]:]
                said.append((found[0], [rest, *part[1:]] if rest.strip() else part[1:],
                             False))
            else:
                label = match_label(part[0]) if part and ":" in part[0] else None
                if label is not None and len(parts) > 1 and label.name in pair:
                    said.append((label.name, [label.rest, *part[1:]], False))
                else:
                    said.append((label.name if label is not None else None, part,
                                 label is not None))
        if len(said) > 1 and len(pair) == 2:  # two speakers: the other one answers
            for k in [*range(1, len(said)), *range(len(said) - 2, -1, -1)]:
                near = said[k - 1][0] if k >= 1 and said[k - 1][0] else (
                    said[k + 1][0] if k + 1 < len(said) else None)
                if said[k][0] is None and near in pair:
                    said[k] = (next(iter(pair - {near})), said[k][1], False)
        before = len(voices)
        for k, (who, lines, led) in enumerate(said):
            if not any(x.strip() for x in lines):
                continue
            if led and len(said) == 1:  # "HELEN: ..." opening a cue: the turn rules read it
                out.append(block)
                last = who
            elif led:  # "- Note: ...": no speaker of the file, so the words of a new one
                out.append(Block(lines, kind=CUE, speaker=UNLABELLED, time=block.time))
                last = None
            elif who is None and len(said) == 1:
                out.append(block)  # a cue of no named speaker continues the turn
            elif who is not None and who == last and (k > 0 or len(said) == 1):
                out.append(Block(lines, kind=CUE, time=block.time))
            else:
                if who is None and pair:  # a line no label names: a voice of its own
                    voices.append(unnamed_voice(len(voices) + 1))
                    who = voices[-1]
                # (A cue, not a paragraph: a file with speakers known from its structure
                # takes only strong labels, and "HELEN:" cues are as much its labels.)
                out.append(Block(lines, kind=CUE, speaker=who or UNLABELLED,
                                 time=block.time))
                last = who
        voiced += len(voices) > before
    notes = []
    if voices:
        cues_hold = f"{voiced} cue holds" if voiced == 1 else f"{voiced} cues hold"
        shown = (voices[0] if len(voices) == 1 else f"{voices[0]} to {voices[-1]}"
                 if len(voices) > 4 else ", ".join(voices[:-1]) + " and " + voices[-1])
        notes.append(f"{cues_hold} dialogue lines (each opening with '-') that name no "
                     f"speaker: read as the turns of {shown}, one a line; give each its "
                     f"speaker with qcahp speakers rename TRANSCRIPT '{voices[0]}' NAME (a "
                     "speaker of the transcript: the line joins their turns), or write the "
                     "name after the dash ('- HELEN: No.') and import the file again")
    return Blocks(out, notes)


_CHEVRONS = re.compile(r"^[ \t]*>>+[ \t]*")
"""Broadcast captions' mark of a new speaker (``>> HELEN: ...``), not spoken: it was read
into the speaker's name (``>> HELEN``), which then matched no role."""
_CUE_LABEL = re.compile(r"^[ \t]*(?P<name>[^:\n]{1,40}?)[ \t]*:[ \t]+(?=\S)")


def _display_names(blocks: list[Block]) -> list[Block]:
    """Cues labelled with meeting display names that are not written as names:
    Zoom's ``hannah price (she/her):``, ``jsmith:``, ``Mark's iPhone:``.

    A label must look like a name to be one (so that "so I said: why not" stays
    speech), and these did not, so a Zoom interview with them was one unlabelled turn
    with every name in its text. In subtitles the evidence is the structure instead:
    when most cues open with ``Something:`` and one such label that is not written as
    a name opens two or more, every such label is a speaker, and the next cue of the
    same speaker continues the turn (Zoom names the speaker on every cue).
    """
    found = [(_CUE_LABEL.match(b.lines[0]) if b.kind == CUE and b.lines and not b.speaker
              else None)
             for b in blocks]
    names = [m.group("name").strip() for m in found if m is not None
             and len(m.group("name").split()) <= 5 and m.group("name")[-1] not in ".?!,;"]
    counts = {n: names.count(n) for n in set(names)}
    loose = [n for n, c in counts.items() if c >= 2 and match_label(f"{n}: x") is None]
    if not loose or 2 * len(names) < len(blocks):
        return blocks
    out: list[Block] = []
    last: str | None = None
    for block, m in zip(blocks, found):
        name = m.group("name").strip() if m is not None else None
        if block.kind != CUE or name not in counts:
            out.append(block)
            last = block.speaker or last
            continue
        lines = [block.lines[0][m.end():], *block.lines[1:]]
        if name != last:
            out.append(Block(lines, kind=PARA, speaker=name, time=block.time))
        else:  # the same speaker's next cue: it continues the turn (and the sentence)
            out.append(Block(lines, kind=CUE, time=block.time))
        last = name
    return out


_YOUTUBE_SPACE = re.compile(r"(-->[^\n]*\n)[ \t]+\n(?=[^\n]*\S)")


def _rolling(cues: list[list[str]]) -> bool:
    """Whether cues are rolling captions (YouTube's automatic ones): most repeat the line
    above as their first, so each line would be stored two or three times."""
    lines = [[x.strip() for x in cue if x.strip()] for cue in cues]
    repeats = sum(1 for a, b in zip(lines, lines[1:]) if a and b and b[0] == a[-1])
    return repeats >= 3 and 2 * repeats >= len(cues)


def _new_lines(lines: list[str], shown: list[str]) -> list[str]:
    """A rolling cue's lines not already shown by the cues before it."""
    out = [x for x in lines if x.strip()]
    while out and shown and out[0].strip() == shown[-1]:
        out = out[1:]
    shown.extend(x.strip() for x in out)
    return out


_VTT_TIMING = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{2}\.\d{3}\s+-->\s+(?:\d+:)?\d{1,2}:\d{2}\.\d{3}"
                         r"(?:\s|$)")
_VTT_OTHER_BLOCKS = ("NOTE", "STYLE", "REGION")


def _check_vtt_cues(text: str, path: Path) -> None:
    """Refuse a WebVTT file with a cue whose timing line cannot be read.

    webvtt-py drops such a cue without a word (``00:00:0x.000``, SubRip's ``,``
    before the milliseconds, ``->``), so its speech went missing from the transcript.
    A cue is a block of lines between blank lines: an optional identifier, then the
    timing line. The header block and NOTE, STYLE and REGION blocks are not cues.
    """
    line_no = 1
    for index, block in enumerate(re.split(r"\n[ \t]*\n", text)):
        lines = block.split("\n")
        first_line = line_no
        line_no += len(lines) + 1
        content = [(first_line + i, x) for i, x in enumerate(lines) if x.strip()]
        if not content:
            continue
        head = content[0][1].strip()
        if (index == 0 and head.startswith("WEBVTT")) or head.startswith(_VTT_OTHER_BLOCKS):
            continue
        if any(_VTT_TIMING.match(x) for _, x in content[:2]):
            continue
        at, timing = next(((n, x) for n, x in content[:2] if "->" in x), content[0])
        raise ImportFailed(f"not a valid WebVTT .vtt file: the cue at line {at} has no "
                           f"readable timing ({timing.strip()[:60]!r}; expected "
                           "'00:00:01.000 --> 00:00:04.000')", path=str(path))


def read_vtt(path: Path, max_bytes: int) -> list[Block]:
    """WebVTT ``.vtt``: cues with ``<v Name>`` voice tags or ``Name:`` labels."""
    import webvtt

    data = read_bytes(path, max_bytes=max_bytes)
    check_format(data, path, ".txt")
    text = normalise(decode(data, path=str(path)))
    if not text.lstrip().startswith("WEBVTT"):
        _refuse_untimed(text, path, "WebVTT .vtt")
        hint = ("; it looks like a SubRip file: rename it to .srt"
                if re.match(r"\s*\d+\n\d", text) and "-->" in text else "")
        raise ImportFailed(f"not a valid WebVTT .vtt file (its first line must be WEBVTT{hint})",
                           path=str(path))
    # YouTube's captions open each cue with a line of one space (cue text, not the blank
    # line that ends a cue): the file was refused as a cue without a timing line.
    text = _YOUTUBE_SPACE.sub(r"\1", text)
    _check_vtt_cues(text, path)
    try:
        captions = webvtt.WebVTT.from_string(text).captions
    except Exception as exc:  # webvtt-py raises MalformedFileError and others
        raise ImportFailed(f"not a valid WebVTT .vtt file ({type(exc).__name__})",
                           path=str(path)) from None
    blocks: list[Block] = []
    last_voice: str | None = None
    cues = [[_CHEVRONS.sub("", html.unescape(_TAG.sub("", x))) for x in cap.raw_text.split("\n")]
            for cap in captions]
    rolling = _rolling(cues)
    shown: list[str] = []  # the lines of the cues so far, for rolling captions
    for cap, lines in zip(captions, cues, strict=True):
        raw = cap.raw_text
        voice = _VOICE.search(raw)
        if rolling:
            lines = _new_lines(lines, shown)
        if not any(x.strip() for x in lines):
            continue
        start = cap.start.split(".")[0]
        name = voice.group("name").strip() if voice else None
        if name and name != last_voice:
            # A new voice starts a turn; the same voice in the next cue continues it.
            blocks.append(Block(lines, kind=PARA, speaker=name, time=start))
        else:
            blocks.append(Block(lines, kind=CUE, time=start))
        last_voice = name or last_voice
    if not blocks:
        raise ImportFailed("no captions found in the file", path=str(path))
    cues = _cue_speakers(blocks)
    return Blocks(_display_names(cues), getattr(cues, "notes", []))
