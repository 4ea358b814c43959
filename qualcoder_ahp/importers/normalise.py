"""Reading a file's bytes safely and turning them into normalised text.

Every transcript's stored text follows one set of rules (DESIGN.md, "Text, offsets
and units"), so that offsets mean the same thing in every project and every tool:
decoded from UTF-8 (with or without a BOM), UTF-16 LE/BE (with a BOM, or without
one when the byte pattern is unmistakable), UTF-32 with a BOM, or cp1252 as a last
resort (Mac OS Roman when the text shows it, :func:`_mac_roman`); the BOM stripped;
``\\r\\n`` and lone ``\\r`` turned into ``\\n``; Unicode NFC. Files that
are too big, empty, binary or unreadable are refused here with one line naming the
file and the problem, before any parsing starts; so are files whose bytes show
another format than their extension (:func:`check_format`: a PDF named ``.txt``),
text that is part UTF-8 and part another encoding, and text in a legacy code page
other than cp1252 (which cp1252 would turn into nonsense rather than refuse).
"""

from __future__ import annotations

import codecs
import io
import re
import stat
import unicodedata
import zipfile
from pathlib import Path

from qualcoder_ahp.errors import ImportFailed

MAX_BYTES = 20 * 1024 * 1024
"""Files above this size are refused: no interview transcript is this large, and a
mistaken drop of a video or an archive should fail fast instead of filling memory."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    # UTF-32's little-endian mark begins with UTF-16's: it was read as UTF-16 and every
    # other character of the stored text was a NUL.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that never appear in a text transcript (tab, newline, form
# feed and carriage return do).
_BAD_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")  # (a vertical tab, \x0b, is a line break)


def refuse_special(path: Path, mode: int | None = None) -> None:
    """Refuse a named pipe, a device or a socket given as a file to read.

    A named pipe with nothing writing to it made ``import`` (and ``codings import``)
    wait for ever; a device (``/dev/zero`` under a ``.txt`` name) read until the size
    limit. A folder or a missing file is left to the caller's own message.

    Raises:
        ImportFailed: ``path`` is there and is neither a regular file nor a folder.
    """
    if mode is None:
        try:
            mode = path.stat().st_mode
        except OSError:
            return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise ImportFailed("not a regular file (a named pipe, device or socket)",
                           path=str(path))


def read_bytes(path: Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file, refusing missing, unreadable, empty and over-large files.

    Raises:
        ImportFailed: one line naming the file and the problem.
    """
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImportFailed("no such file", path=name) from None
    except OSError as exc:
        raise ImportFailed(f"cannot read the file ({exc.strerror or exc})", path=name) from None
    size = info.st_size
    refuse_special(path, info.st_mode)
    if size > max_bytes:
        raise ImportFailed(
            f"file is too large ({size / 1024 / 1024:.1f} MB; the limit is "
            f"{max_bytes / 1024 / 1024:.0f} MB)",
            path=name,
        )
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ImportFailed("is a folder, not a file", path=name) from None
    except OSError as exc:
        raise ImportFailed(f"cannot read the file ({exc.strerror or exc})", path=name) from None
    if not data:
        raise ImportFailed("the file is empty", path=name)
    if not data.strip():
        raise ImportFailed("the file is empty (only blank space)", path=name)
    return data


# What a file really is, told by its first bytes, for files saved under the wrong
# extension: a PDF named .txt read as its PDF source, and a text file named .docx was
# refused only as "not a zip package", which names no way forward.
_FORMAT_NAMES = {
    ".pdf": "a PDF file", ".docx": "a Word .docx file", ".odt": "an OpenDocument .odt file",
    ".rtf": "an RTF file", ".zip": "a zip archive", ".ods": "an OpenDocument spreadsheet",
    ".odp": "an OpenDocument presentation", ".xlsx": "an Excel workbook",
    ".pptx": "a PowerPoint file", ".qdpx": "a REFI-QDA project",
    ".doc": "an old Office 97-2003 file (.doc) or a password-protected Office document",
    ".png": "a PNG image", ".jpg": "a JPEG image", ".gif": "a GIF image",
    ".mp3": "an audio file", ".mp4": "a video or audio file", ".wav": "an audio file",
    ".gz": "a gzip archive", ".html": "a web page (HTML)",
}
_ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": ".odt",
    b"application/vnd.oasis.opendocument.spreadsheet": ".ods",
    b"application/vnd.oasis.opendocument.presentation": ".odp",
}


_HTML = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                   rb"(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE | re.DOTALL)
"""A web page: a transcript saved from a browser, or by Word as "Web Page", under
``.txt``; its markup was imported as the participant's words."""


def sniff(data: bytes) -> str | None:
    """The extension that ``data`` really has, judged by its first bytes, or None.

    Recognises PDF, RTF, Office Open XML (.docx, .xlsx, .pptx), OpenDocument, REFI-QDA
    and other zip packages, OLE compound files (old .doc, and password-protected Office
    files), common image, audio and video files, gzip, and web pages (HTML). Plain text
    gives None.
    """
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if _HTML.match(data[:1024]):
        return ".html"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf":
        return ".rtf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return ".doc"
    if head.startswith(b"\x89PNG"):
        return ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return ".gif"
    if head.startswith(b"ID3"):
        return ".mp3"
    if head[4:8] == b"ftyp":
        return ".mp4"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return ".wav"
    if head.startswith(b"\x1f\x8b"):
        return ".gz"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                mimetype = zf.read("mimetype").strip() if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError):
            return ".zip"  # a zip, but cut short or damaged
        if mimetype in _ODF_TYPES:
            return _ODF_TYPES[mimetype]
        if "word/document.xml" in names:
            return ".docx"
        if "xl/workbook.xml" in names:
            return ".xlsx"
        if "ppt/presentation.xml" in names:
            return ".pptx"
        if "project.qde" in names:
            return ".qdpx"
        return ".zip"
    return None


def format_name(kind: str) -> str:
    """What a file of extension ``kind`` (as :func:`sniff` gives it) is, with its article:
    ``a PDF file``, ``a web page (HTML)``."""
    return _FORMAT_NAMES.get(kind, f"a {kind} file")


def check_format(data: bytes, path: Path, expected: str) -> None:
    """Refuse a file whose bytes say it is another format than its extension.

    Args:
        data: the file's bytes.
        path: the file (for the message).
        expected: the format the extension promises: ``".txt"`` for every text
            format (.txt, .md, .rst, .srt, .vtt), else ``".docx"``, ``".odt"``,
            ``".rtf"`` or ``".pdf"``. A damaged file of the expected kind passes (its
            reader says what is wrong with it).

    Raises:
        ImportFailed: e.g. ``this is a PDF file, not text: rename it to .pdf``.
    """
    kind = sniff(data)
    if kind is None or kind == expected or (kind == ".zip"
                                            and expected in (".docx", ".odt", ".xlsx")):
        return
    what = format_name(kind)
    wanted = "text" if expected == ".txt" else _FORMAT_NAMES[expected]
    hint = {".pdf": ": rename it to .pdf", ".docx": ": rename it to .docx",
            ".odt": ": rename it to .odt", ".rtf": ": rename it to .rtf",
            ".doc": ": save it, without a password, as .docx",
            ".qdpx": ": bring it in with `qcahp refi import`",
            ".html": ": rename it to .html"}.get(kind, "")
    raise ImportFailed(f"this is {what}, not {wanted}{hint}", path=str(path))


def refuse_plain_text(data: bytes, path: Path, a_what: str) -> None:
    """Refuse, as such, a transcript saved as plain text under another format's name
    (``notes.docx``, ``notes.pdf``): the reader's own complaint ("damaged", "no header")
    sent researchers looking for a broken file.

    Args:
        data: the file's bytes, already known not to be of the format named.
        path: the file (for the message).
        a_what: the format with its article, e.g. ``"a PDF"``.

    Raises:
        ImportFailed: the bytes read as text.
    """
    try:
        decode(data, path=str(path))
    except ImportFailed:
        return
    raise ImportFailed(f"not {a_what} file: it holds plain text (rename it to .txt)",
                       path=str(path))


def decode(data: bytes, *, path: str | None = None) -> str:
    """Decode transcript bytes: BOM-marked UTF-8/UTF-16/UTF-32, then UTF-8, then cp1252.

    Raises:
        ImportFailed: the bytes are binary (NUL or other control bytes), not text;
            or part UTF-8 and part not; or not cp1252 Western text either.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _refuse_controls(data[len(bom):].decode(encoding), path)
            except UnicodeDecodeError:
                raise ImportFailed(
                    f"not valid {encoding.upper()} text despite its byte-order mark", path=path
                ) from None
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise ImportFailed("binary file, not text (contains NUL bytes)", path=path)
        try:
            return _refuse_controls(data.decode(encoding), path)
        except UnicodeDecodeError:
            raise ImportFailed("binary file, not text (contains NUL bytes)", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _refuse_mixed(data, path)
        if _mac_roman(data):
            text = data.decode("mac_roman")
        else:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise ImportFailed("not text in a known encoding (UTF-8, UTF-16, Windows-1252, "
                                   "Mac OS Roman); if it is text, save the file as UTF-8",
                                   path=path) from None
        _refuse_other_code_page(text, path)
    return _refuse_controls(text, path)


# Mac OS Roman's curly apostrophe inside a word (don\xd5t) and curly quotes around words
# (\xd2lead\xd3); the same in Windows-1252 (don\x92t, \x93lead\x94).
_MAC_PUNCT = re.compile(rb"[A-Za-z]\xd5[a-z]|\xd2[^\r\n\xd2\xd3]{1,300}?\xd3")
_CP1252_PUNCT = re.compile(rb"[A-Za-z]\x92[A-Za-z]|\x93[^\r\n\x93\x94]{1,300}?\x94")


def _mac_roman(data: bytes) -> bool:
    """Whether ``data`` (not UTF-8) is Mac OS Roman text: Word for Mac saves "Plain Text"
    in it by default, as older TextEdit did. Read as Windows-1252 its apostrophes and
    quotes were letters (``donÕt``, ``ÒleadÓ``) and its accents others (``cafŽ``): stored
    so, no search or pattern found the words. Told by its curly apostrophes inside words
    and quotes around them, which Windows-1252 text writes with other bytes, and which
    no Western text writes as ``Õ`` between two letters or ``Ò...Ó``."""
    sample = data[:65536]
    mac = len(_MAC_PUNCT.findall(sample))
    return mac > 0 and mac > len(_CP1252_PUNCT.findall(sample))


def _refuse_controls(text: str, path: str | None) -> str:
    """``text``, unless it holds NUL characters or more than a stray few other control
    characters: binary data, whatever the encoding it was decoded from (a file that
    starts with a UTF-16 byte-order mark and holds anything after it)."""
    if "\x00" in text:
        raise ImportFailed("binary file, not text (contains NUL characters)", path=path)
    sample = text[:65536]
    bad = len(_BAD_CONTROLS.findall(sample))
    if bad > max(2, len(sample) // 1000):
        raise ImportFailed("binary file, not text (control bytes)", path=path)
    return text


def _refuse_mixed(data: bytes, path: str | None) -> None:
    """Refuse text that is part UTF-8, part another encoding.

    Such a file (a UTF-8 transcript with a passage pasted in from an older program)
    was decoded whole as cp1252, so every accented letter of its UTF-8 part was stored
    as two wrong ones (``café`` as ``cafÃ©``). Neither reading is right, so the line
    where the other encoding starts is named instead.
    """
    utf8_line = bad_line = None
    for number, line in enumerate(data.split(b"\n"), 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad_line = bad_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and bad_line:
            raise ImportFailed(
                f"mixed text encodings: line {utf8_line} is UTF-8 but line {bad_line} is not "
                "(Latin-1 or Windows-1252?); save the whole file as UTF-8", path=path)


# Characters that bytes 0x80-0x9F give in cp1252 but that Western text hardly uses
# (its smart quotes, dashes, ellipsis, bullet, euro and trade mark are left out):
# Shift-JIS, GBK or Big5 text read as cp1252 is full of them.
_RARE_CP1252 = frozenset("\u201aƒ\u201e†‡ˆ‰Š‹ŒŽ˜š›œžŸ")


def _refuse_other_code_page(text: str, path: str | None) -> None:
    """Refuse text that cp1252 decodes without error but into nonsense.

    cp1252 is the last resort because Windows writes Western text in it, and any
    byte sequence but five decodes. Text in another legacy code page (Cyrillic
    cp1251, Greek, Shift-JIS, GBK) came out as accented-Latin garbage and was stored
    as the transcript. Western text has few accented letters among its letters and
    almost none of the rare cp1252 punctuation.
    """
    sample = text[:65536]
    rare = sum(1 for c in sample if c in _RARE_CP1252)
    letters = [c for c in sample if c.isalpha()]
    accented = sum(1 for c in letters if not c.isascii())
    if (rare >= 3 and rare * 4 >= accented) or (
            len(letters) >= 20 and accented * 100 > 35 * len(letters)):
        raise ImportFailed(
            "not UTF-8, and read as Windows-1252 it is nonsense (Cyrillic, Greek or East "
            "Asian text in an old encoding?); save the file as UTF-8", path=path)


def wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``data`` is text in one of them, told by its
    byte-order mark or (UTF-16 saved without one) by its NUL bytes; else None. For
    readers of UTF-8 only, to name the encoding they refuse: UTF-16 text without a mark
    is valid UTF-8 with a NUL after each letter, and was called "unacceptable
    character #x0000"."""
    for bom, encoding in _BOMS[1:]:
        if data.startswith(bom):
            return encoding.upper()[:6]
    return "UTF-16" if _utf16_without_bom(data) else None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the NUL bytes fall on every other byte, as in text
    saved as UTF-16 without a byte-order mark; None for any other binary data."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    half = len(sample) // 2
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    if odd_nuls >= 0.9 * half and even_nuls == 0:
        return "utf-16-le"
    if even_nuls >= 0.9 * half and odd_nuls == 0:
        return "utf-16-be"
    return None


_CONTROL_CHARS = str.maketrans({
    "\x0b": "\n", "\x0c": "\n",  # Word's line break pasted as text, a page break
    "\x1e": "-", "\x1f": None,  # Word's non-breaking and optional hyphens
    **{chr(c): None for c in (*range(0x01, 0x09), *range(0x0e, 0x1e), 0x7f)}})
"""Control characters that reach a text from other programs, as the text shows them:
a vertical tab (Word's Shift+Enter in text copied out of it or an Excel cell) and a
form feed (a page break) end a line, Word's own hyphen characters are a hyphen or
nothing, and the rest (an old DOS file's closing Ctrl+Z, a bell) are no text. They were
stored, and shown as boxes or ``^Z`` inside a turn."""


_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")

SPACES = ("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
          "\u202f\u205f\u3000")
"""Unicode's other spaces: the non-breaking space Word types before ``:`` or ``?`` in
French and pastes from web pages and transcription tools, the thin, narrow and em
spaces of typeset text, the ideographic space. Each is stored as a plain space."""
LINE_SEPARATORS = "\u2028\u2029"
"""Unicode's line and paragraph separators, stored as a line end."""
INVISIBLE = "\u00ad\u200b\u2060\ufeff"
"""Characters that show nothing inside a word: the soft (optional) hyphen, the
zero-width space, the word joiner and a byte-order mark left inside the text (a file
pasted into another). They are not stored."""
_SPACING_CHARS = str.maketrans({**{c: " " for c in SPACES},
                                **{c: "\n" for c in LINE_SEPARATORS},
                                **{c: None for c in INVISIBLE}})
_SPACING = re.compile(f"[{SPACES}{LINE_SEPARATORS}{INVISIBLE}]")
"""The spaces, separators and invisible characters above. Stored as they came, a
search or a pattern for ``me about`` did not find ``me\u00a0about``, nor one for
``manageable`` ``man\u00adage\u00adable``, and ``the\u200bteam`` counted as one word:
the words looked the same on screen and were not found."""


def normalise(text: str) -> str:
    """Apply the stored-text rules: no BOM, ``\\n`` line ends, Unicode NFC, no control
    characters (:data:`_CONTROL_CHARS`), plain spaces for Unicode's other spaces and
    no invisible characters inside words (:data:`_SPACING`)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        text = text.translate(_CONTROL_CHARS)
    return unicodedata.normalize("NFC", respaced(text))


def respaced(text: str) -> str:
    """``text`` with a plain space for each of Unicode's other spaces, a line end for
    each line separator and no invisible characters (:data:`_SPACING`); the step of
    :func:`normalise` that a reader keeping an offset map applies piece by piece."""
    return text.translate(_SPACING_CHARS) if _SPACING.search(text) else text


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read, decode and normalise a text-format file (the usual entry point)."""
    data = read_bytes(path, max_bytes=max_bytes)
    check_format(data, path, ".txt")
    text = normalise(decode(data, path=str(path)))
    if not text.strip():
        raise ImportFailed("the file has no text", path=str(path))
    return text
