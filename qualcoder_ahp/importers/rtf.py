"""Rich Text Format transcripts, read with striprtf and checked around it.

striprtf turns any input into some text: a truncated file, one with a stray brace,
RTF code pasted into a document, or embedded data it does not know to skip all came
out as a transcript (half of one, or control words and hex read as speech). The file
is therefore checked before (header, braces) and after (letters, no control-word
debris, no data runs) the conversion; each problem is one line naming the file.
"""

from __future__ import annotations

import re
from pathlib import Path

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers.blocks import Block, text_blocks
from qualcoder_ahp.importers.normalise import (
    check_format, decode, normalise, read_bytes, refuse_plain_text,
)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def read_rtf(path: Path, max_bytes: int) -> list[Block]:
    """Rich Text Format, via striprtf (formatting is dropped, text and labels kept).

    striprtf turns anything into some text, so the file is checked around it: it
    must open with ``{\\rtf`` and its braces must close exactly once (a truncated
    file used to import its first half silently, and text after a stray ``}`` was
    dropped); the text that comes out must read as text, without left-over control
    words (RTF source pasted into an RTF document, or escaped twice) and without
    long unbroken runs (embedded data the reader could not skip).
    """
    from striprtf.striprtf import rtf_to_text

    data = read_bytes(path, max_bytes=max_bytes)
    check_format(data, path, ".rtf")
    # WordPad ends its files with a NUL byte after the closing brace: not binary data.
    raw = decode(data.rstrip(b"\x00\r\n"), path=str(path))
    if not raw.lstrip().startswith("{\\rtf"):
        if not raw.lstrip().startswith("{"):
            refuse_plain_text(data, path, "an RTF")
        raise ImportFailed("not a valid RTF file (no {\\rtf header)", path=str(path))
    _check_rtf_braces(raw, path)
    raw = _without_deletions(raw)
    encoding = "cp1252"
    if _MAC_CODE_PAGE.search(raw[:200]):
        # A Mac's RTF (older TextEdit, Word for Mac): its \'xx escapes are Mac OS Roman,
        # which striprtf does not know as code page 10000; they failed to decode.
        raw = re.sub(r"\\ansicpg10000(?![0-9])", "", raw, count=1)
        encoding = "mac_roman"
    try:
        text = rtf_to_text(raw, encoding=encoding, errors="replace")
    except Exception as exc:  # striprtf fails on malformed escapes
        raise ImportFailed(f"not a valid RTF file ({type(exc).__name__})",
                           path=str(path)) from None
    text = normalise(text)
    _check_rtf_text(text, path)
    return text_blocks(text)


_MAC_CODE_PAGE = re.compile(r"\\ansicpg10000(?![0-9])|^\s*\{\\rtf1?\\mac(?![a-z])")
"""The header of an RTF file in Mac OS Roman: ``\\ansicpg10000``, or ``{\\rtf1\\mac``."""


# Braces that count for nesting: not escaped (\{ \} \\), and not inside \binN data.
_RTF_BRACE = re.compile(r"\\bin(\d+) ?|\\[\\{}]|[{}]")
# Control words that striprtf consumes in any real RTF, found in its output only when
# the file is RTF source inside RTF or otherwise mangled.
_RTF_DEBRIS = re.compile(
    r"\\(?:rtf\d|ansicpg\d+|ansi|deff\d+|fonttbl|colortbl|stylesheet|pard|par|plain|"
    r"f\d+|fs\d+|cf\d+|cb\d+|highlight\d+|lang\d+|li\d+|ri\d+|fi-?\d+|sa\d+|sb\d+|sl\d+|"
    r"ql|qc|qr|qj|b0|i0|ulnone|ul|tab|line|cell|row|trowd|intbl|uc\d|u-?\d+)(?![A-Za-z])")
_LONGEST_WORD = 1000
"""No word of an interview is this long (a long web link is some hundreds): a run of
this many non-space characters is embedded data that was read as text."""
_HEX_RUN = 200
"""A run of this many hex digits (digits and letters a-f, both) is the hex of an
embedded picture or object, whatever its length."""


def _check_rtf_braces(raw: str, path: Path) -> None:
    """Refuse an RTF file whose groups do not close exactly at its end."""
    depth = 0
    pos = 0
    while (m := _RTF_BRACE.search(raw, pos)) is not None:
        pos = m.end()
        if m.group(1):  # \binN: N bytes of binary data, braces in it do not count
            pos += int(m.group(1))
            continue
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                break
    if depth > 0:
        raise ImportFailed(
            f"the RTF file is incomplete: {depth} '{{' never closed (cut short when it was "
            "copied or saved?); open it in Word or LibreOffice and save it again",
            path=str(path))
    rest = raw[pos:]
    if re.search(r"[^\W_]", rest):
        line = _line_of(raw, pos)
        raise ImportFailed(
            f"the RTF file is damaged: its braces close the document on line {line} but text "
            "follows (an extra '}'?); open it in Word or LibreOffice and save it again",
            path=str(path))


_RTF_TOKEN = re.compile(r"\\(?:(?P<word>[a-zA-Z]+)(?P<arg>-?\d+)? ?|.)|[{}]", re.S)


def _without_deletions(raw: str) -> str:
    """``raw`` without the text of Word's tracked deletions: a group whose formatting
    says ``\\deleted`` (a run, or a paragraph mark, struck through with track changes
    on). striprtf kept it, so words a transcriber had deleted were imported as spoken
    (``naively speaking not this and that``), where a ``.docx`` drops them."""
    if "\\deleted" not in raw:
        return raw
    starts: list[int] = []
    marked: list[bool] = []
    cuts: list[tuple[int, int]] = []
    pos = 0
    while (m := _RTF_TOKEN.search(raw, pos)) is not None:
        pos = m.end()
        token = m.group()
        if m.group("word") == "bin" and m.group("arg"):
            pos += max(0, int(m.group("arg")))  # binary data: nothing in it counts
        elif m.group("word") == "deleted" and m.group("arg") in (None, "1"):
            if len(starts) >= 2:  # (never the document's own group)
                marked[-1] = True
        elif token == "{":
            starts.append(m.start())
            marked.append(False)
        elif token == "}" and starts:
            start, cut = starts.pop(), marked.pop()
            if cut:
                while cuts and cuts[-1][0] > start:  # a deleted group inside this one
                    cuts.pop()
                cuts.append((start, pos))
    if not cuts:
        return raw
    out: list[str] = []
    last = 0
    for start, end in cuts:
        out.append(raw[last:start])
        last = end
    out.append(raw[last:])
    return "".join(out)


def _is_hex_data(word: str) -> bool:
    return (all(c in "0123456789abcdefABCDEF" for c in word)
            and any(c.isdigit() for c in word) and any(c.isalpha() for c in word))


def _check_rtf_text(text: str, path: Path) -> None:
    """Refuse RTF whose text is empty, control-word debris, or embedded data."""
    if not any(c.isalnum() for c in text):
        raise ImportFailed("the RTF file has no text (only formatting)", path=str(path))
    debris = _RTF_DEBRIS.findall(text)
    if len(debris) >= 2 or any(d.startswith("\\rtf") for d in debris):
        shown = " ".join(dict.fromkeys(debris))
        words = " ".join(shown.split()[:4])
        raise ImportFailed(
            f"the RTF file is damaged: RTF control words ({words}) are left in its text "
            "(RTF code saved inside a document?)", path=str(path))
    words = text.split()
    longest = max((len(w) for w in words), default=0)
    hex_run = max((len(w) for w in words if len(w) >= _HEX_RUN and _is_hex_data(w)),
                  default=0)
    if hex_run:
        raise ImportFailed(
            f"the RTF file is damaged: its text holds {hex_run:,} hex digits in a row "
            "(an embedded picture or object read as text)", path=str(path))
    if longest >= _LONGEST_WORD:
        raise ImportFailed(
            f"the RTF file is damaged: its text holds an unbroken run of {longest:,} "
            "characters (embedded data read as text)", path=str(path))
    bad = text.count("\ufffd")
    if bad > 3 and bad * 50 > sum(c.isalpha() for c in text):
        raise ImportFailed(f"the RTF file is damaged: {bad} characters could not be decoded "
                           "(an unknown code page?)", path=str(path))
