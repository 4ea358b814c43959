"""Reading a file's bytes safely and turning them into normalised text.

Every transcript's stored text follows one set of rules (DESIGN.md, "Text, offsets
and units"), so that offsets mean the same thing in every project and every tool:
decoded from UTF-8 (with or without a BOM), UTF-16 LE/BE (with a BOM, or without
one when the byte pattern is unmistakable), or cp1252 as a last resort; the BOM
stripped; ``\\r\\n`` and lone ``\\r`` turned into ``\\n``; Unicode NFC. Files that
are too big, empty, binary or unreadable are refused here with one line naming the
file and the problem, before any parsing starts.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from qualcoder_ahp.errors import ImportFailed

MAX_BYTES = 20 * 1024 * 1024
"""Files above this size are refused: no interview transcript is this large, and a
mistaken drop of a video or an archive should fail fast instead of filling memory."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that never appear in a text transcript (tab, newline, form
# feed and carriage return do).
_BAD_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def read_bytes(path: Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a file, refusing missing, unreadable, empty and over-large files.

    Raises:
        ImportFailed: one line naming the file and the problem.
    """
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFailed("no such file", path=name) from None
    except OSError as exc:
        raise ImportFailed(f"cannot read the file ({exc.strerror or exc})", path=name) from None
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
    if not data.strip():
        raise ImportFailed("the file is empty", path=name)
    return data


def decode(data: bytes, *, path: str | None = None) -> str:
    """Decode transcript bytes: BOM-marked UTF-8/UTF-16, then UTF-8, then cp1252.

    Raises:
        ImportFailed: the bytes are binary (NUL or other control bytes), not text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise ImportFailed(
                    f"not valid {encoding.upper()} text despite its byte-order mark", path=path
                ) from None
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise ImportFailed("binary file, not text (contains NUL bytes)", path=path)
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise ImportFailed("binary file, not text (contains NUL bytes)", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFailed("not text in a known encoding (UTF-8, UTF-16, cp1252)",
                               path=path) from None
    sample = text[:65536]
    bad = len(_BAD_CONTROLS.findall(sample))
    if bad > max(2, len(sample) // 1000):
        raise ImportFailed("binary file, not text (control bytes)", path=path)
    return text


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


def normalise(text: str) -> str:
    """Apply the stored-text rules: no BOM, ``\\n`` line ends, Unicode NFC."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read, decode and normalise a text-format file (the usual entry point)."""
    data = read_bytes(path, max_bytes=max_bytes)
    text = normalise(decode(data, path=str(path)))
    if not text.strip():
        raise ImportFailed("the file has no text", path=str(path))
    return text
