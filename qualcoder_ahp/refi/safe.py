"""Safe reading of untrusted REFI-QDA files, and the small value normalisers.

A ``.qdpx`` or ``.qdc`` may come from anyone, so nothing here trusts it:

- XML is parsed by lxml with entity resolution, DTD loading and network access
  off, and without ``huge_tree``; any DOCTYPE that declares entities (the
  "billion laughs" family) is refused outright, before and after parsing.
- Zip archives are read into memory entry by entry, never extracted: entries
  whose names would escape a target folder (absolute paths, drive letters, ``..``),
  symbolic links, too many entries, an absurd total size or compression ratio
  (zip bombs) are refused, and every read is capped at the declared size so a
  lying header cannot inflate past it.

Every refusal is a :class:`~qualcoder_ahp.errors.ImportFailed` naming the file.
The normalisers (GUIDs, colours, XML-safe text) live here because both export
and import need them.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from qualcoder_ahp.errors import ImportFailed

MAX_XML_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 20_000
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200
"""Largest uncompressed/compressed ratio accepted for an entry bigger than 1 MiB."""
RATIO_FLOOR = 1024 * 1024

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_GUID = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
# Characters XML 1.0 cannot carry at all (C0 controls except tab, LF, CR; surrogates; U+FFFE/F).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NAMESPACES = ("urn:QDA-XML:project:1.0", "urn:QDA-XML:codebook:1.0",
              "urn:QDA-XML:project:1:0", "urn:QDA-XML:codebook:1:0")


def norm_guid(value: str | None) -> str | None:
    """A GUID as we store and compare it: lower-case, no braces; None if not a GUID."""
    if not value:
        return None
    match = _GUID.match(value.strip())
    return match.group(1).lower() if match else None


def norm_color(value: str | None) -> str | None:
    """``#RGB``, ``#RRGGBB`` or ``#RRGGBBAA`` (with or without ``#``) as ``#RRGGBB``."""
    if not value:
        return None
    match = _HEX.match(value.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits[:6]


def xml_safe(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _XML_BAD.sub("\ufffd", text)


def parse_xml(data: bytes, *, path: str) -> etree._Element:
    """Parse untrusted XML bytes and return the root with namespaces stripped.

    Element tags become local names (``Project``, ``Code``...) so the reader is
    indifferent to ``urn:QDA-XML:project:1.0``, the ``1:0`` typo some tools
    write, or no namespace at all.

    Raises:
        ImportFailed: entity declarations, oversize input or malformed XML.
    """
    if len(data) > MAX_XML_BYTES:
        raise ImportFailed(f"XML is too large ({len(data)} bytes)", path=path)
    # Entities can only be declared inside a DOCTYPE; no REFI tool writes one.
    if re.search(rb"<!DOCTYPE", data, re.IGNORECASE) and _ENTITY.search(data):
        raise ImportFailed("refused: the XML declares entities (possible entity-expansion "
                           "attack)", path=path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False, dtd_validation=False, remove_comments=True,
                             remove_pis=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ImportFailed(f"not well-formed XML ({exc.msg})", path=path) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and list(dtd.iterentities()):
        raise ImportFailed("refused: the XML declares entities", path=path)
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    return root


def namespace_of(data: bytes) -> str | None:
    """The default namespace of the root element (for warnings), or None."""
    match = re.search(rb"<(?:\w+:)?(?:Project|CodeBook)\b[^>]*\sxmlns=\"([^\"]*)\"", data[:8192])
    return match.group(1).decode("utf-8", "replace") if match else None


@dataclass(frozen=True)
class SafeZip:
    """The readable entries of a checked zip archive, by normalised name."""

    path: str
    entries: dict[str, zipfile.ZipInfo]
    archive: zipfile.ZipFile

    def read(self, name: str) -> bytes:
        """Read one entry, capped at its declared size (a lying header cannot inflate it)."""
        info = self.entries[name]
        with self.archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
        if len(data) > info.file_size:
            raise ImportFailed(f"zip entry {name!r} is larger than it declares", path=self.path)
        return data

    def find(self, name: str) -> str | None:
        """The stored name matching ``name`` case-insensitively, or None."""
        wanted = name.replace("\\", "/").lstrip("/").casefold()
        for stored in self.entries:
            if stored.casefold() == wanted:
                return stored
        return None

    def close(self) -> None:
        """Close the archive."""
        self.archive.close()


def _unsafe_name(name: str) -> bool:
    clean = name.replace("\\", "/")
    if clean.startswith("/") or re.match(r"^[A-Za-z]:", clean):
        return True
    return ".." in PurePosixPath(clean).parts


def open_zip(path: Path) -> SafeZip:
    """Open a zip archive after checking every entry; refuse anything dangerous.

    Raises:
        ImportFailed: not a zip, zip-slip names, symlinks, too many entries, a total
            uncompressed size or compression ratio no real project has.
    """
    where = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFailed(f"not a readable .qdpx (zip) archive ({exc})", path=where) from None
    try:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ImportFailed(f"refused: {len(infos)} zip entries (limit {MAX_ENTRIES})",
                               path=where)
        total = 0
        entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if _unsafe_name(info.filename):
                raise ImportFailed(f"refused: zip entry {info.filename!r} escapes the target "
                                   "folder", path=where)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ImportFailed(f"refused: zip entry {info.filename!r} is a symbolic link",
                                   path=where)
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise ImportFailed("refused: the archive unpacks to more than "
                                   f"{MAX_TOTAL_BYTES // 2**20} MiB", path=where)
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1):
                raise ImportFailed(f"refused: zip entry {info.filename!r} has a compression "
                                   f"ratio of {info.file_size // max(info.compress_size, 1)}:1 "
                                   "(possible zip bomb)", path=where)
            if not info.is_dir():
                entries[info.filename.replace("\\", "/")] = info
    except BaseException:
        archive.close()
        raise
    return SafeZip(where, entries, archive)
