"""Strict REFI-QDA export: ``.qdc`` codebooks and ``.qdpx`` projects.

The rules (DESIGN.md, REFI-QDA section) that this module keeps:

1. Root ``CodeBook`` / ``Project`` in the default namespace ``urn:QDA-XML:codebook:1.0``
   / ``urn:QDA-XML:project:1.0``, UTF-8 without BOM, children in XSD order.
2. A ``.qdpx`` is a zip with ``project.qde`` at its root and a flat lower-case
   ``sources/`` folder; each transcript is ``sources/<guid>.txt`` (UTF-8, LF, no
   BOM), referenced as ``internal://<guid>.txt``. The text carries each turn's
   speaker label (``Name: ``, see :mod:`qualcoder_ahp.refi.speakers`), so other
   tools show who said what; every offset is moved into that labelled text.
3. No empty container is ever written.
4. Every ``Code`` has ``guid``, ``name``, ``isCodable``; hierarchy by nesting;
   ``color`` only ``#RRGGBB``, and none for a theme made from a REFI code that had no
   colour and is still the grey it was shown in here.
5. GUIDs are the stored ones (themes, coders, transcripts, participants, codings,
   memos); things without a stored GUID (variables, selections) get a uuid5 of a
   stable key, so two exports of the same project carry the same GUIDs.
6. ``PlainTextSelection`` offsets are 0-based, end-exclusive code points over the
   labelled text, covering the same words as the stored coding.
7. Each ``Coding`` holds one ``CodeRef``; coders are ``Users/User`` referenced by
   ``creatingUser``; memos are ``Notes/Note`` reached through ``NoteRef``, their last
   edit as ``modifiedDateTime`` (a memo keeps only that time, not when it was first
   written, so it has no ``creationDateTime``).
8. A framework cell summary is a ``Note`` named ``Framework summary: <theme> — <case>``
   whose ``Description`` says its case and theme id (``Case: participant:P01``,
   ``Theme id: serendipity``), reached through a ``NoteRef`` from each ``TextSource``
   of its case: the schema's ``Case`` has no ``NoteRef``, and a case's transcripts are
   where other tools show a memo about it.
9. Versions of one transcript are sources named ``Helen (v1)``, ``Helen (v2)``, whose
   ``Description`` opens with ``Transcript: Helen`` and ``Version: 2``, so that our
   import stores them as versions of ``Helen`` again.
10. The consensus coders (whose codings are the team's reconciled result) are named in
    the project's ``Description``, ``Consensus coder: agreed``, one a line: a ``User``
    has no role, and a consensus coder not called ``consensus`` came back an ordinary
    coder, counted in agreement like the coders it reconciled.

Files are written owner-only (0600) via a temporary file and an atomic rename.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from lxml import etree

from qualcoder_ahp import __version__
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.refi.codes import compose_description, export_color
from qualcoder_ahp.refi.safe import xml_safe
from qualcoder_ahp.refi.speakers import OffsetMap, describe_speakers, label_text
from qualcoder_ahp.reports.writers import replace_private

if TYPE_CHECKING:
    from qualcoder_ahp.model.refi_store import RefiSnapshot
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.records import Coding, Turn

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
GUID_NS = uuid.UUID("6f1f3c52-8f0e-5b8a-9d39-2b8c4f6a1e07")
"""Namespace of the uuid5 GUIDs derived for things the database has no GUID for."""
ORIGIN = f"qualcoder_ahp {__version__}"

Progress = Callable[[int, int], None]
Labelled = Callable[[int], tuple[str, OffsetMap, str | None]]
"""A transcript id -> its labelled text, the map of stored offsets into it, and the
description listing its speakers' roles."""


_GUID_NS_BYTES = GUID_NS.bytes


def derived_guid(kind: str, key: str) -> str:
    """A GUID that is the same in every export: uuid5 of ``kind:key``.

    What :func:`uuid.uuid5` gives, without making a :class:`uuid.UUID` (an export
    derives one per coding): the SHA-1 of the namespace and the name, its first 16 bytes
    with the version (5) and the RFC 4122 variant set, written as 8-4-4-4-12 hex digits.
    """
    digest = bytearray(sha1(_GUID_NS_BYTES + f"{kind}:{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")  # "007" stays text: NVivo would show 7
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+")
_TYPES = (  # the first whose pattern every value of an attribute matches
    ("Boolean", re.compile(r"true|false")),
    ("Integer", _INTEGER),
    ("Float", _DECIMAL),
    ("Date", re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")),
    ("DateTime", re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                            r"(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?")),
)


def variable_type(values: list[str]) -> str:
    """The ``typeOfVariable`` of an attribute, from its values: ``Boolean``, ``Integer``,
    ``Float``, ``Date``, ``DateTime`` when every value is written so, else ``Text``.

    Attributes are stored as text, so a variable that came from NVivo as an integer or
    a date would otherwise go back as text, and the other tool could no longer sort or
    filter its cases by it. Integers and decimals mixed are ``Float``; whole numbers
    beyond 32 bits (:data:`INT32`) are ``Text``.
    """
    if not values or any(not v for v in values):
        return "Text"
    for name, pattern in _TYPES:
        if all(pattern.fullmatch(v) for v in values) and _valid(name, values):
            return name
    if (all(_INTEGER.fullmatch(v) or _DECIMAL.fullmatch(v) for v in values)
            and any(_DECIMAL.fullmatch(v) for v in values)):
        return "Float"  # (whole numbers too big for Integer are identifiers: Text)
    return "Text"


INT32 = 2 ** 31
"""An ``Integer`` variable's values lie in ``[-INT32, INT32)``: NVivo and MAXQDA keep an
integer attribute in 32 bits, so a ten-digit study or NHS number typed ``Integer``
does not fit; it goes out as ``Text``, as an identifier it is."""


def _valid(name: str, values: list[str]) -> bool:
    """Dates and times that the calendar has (a pattern alone lets 2024-02-30 by), and
    integers that fit in 32 bits (:data:`INT32`)."""
    if name == "Integer":
        return all(-INT32 <= int(v) < INT32 for v in values)
    if name not in ("Date", "DateTime"):
        return True
    try:
        for value in values:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _datetime(value: str | None) -> str | None:
    """A stored ISO timestamp as ``xsd:dateTime`` in UTC (or None if it is not one),
    ``2024-02-29T14:30:01.123456Z``: to the microsecond as stored (the schema's
    ``xsd:dateTime`` allows a fraction of a second, and two codings made within one
    second kept their order only by it; a time on the second has no fraction), and
    with ``Z``, as NVivo, ATLAS.ti, MAXQDA and QualCoder write their times. It was
    written ``+00:00``, which the schema allows but a reader that takes a time apart as
    those tools write it does not expect (QualCoder drops the ``T`` and ``Z`` and keeps
    the rest as text); a time stored with another offset is written in UTC."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    written = parsed.astimezone(dt.UTC).isoformat(
        timespec="microseconds" if parsed.microsecond else "seconds")
    return written.removesuffix("+00:00") + "Z"


class _Builder:
    """Element factory for one namespace."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def root(self, tag: str, **attrs: str) -> etree._Element:
        return etree.Element(f"{{{self.ns}}}{tag}", _clean(attrs), nsmap={None: self.ns})

    def sub(self, parent: etree._Element, tag: str, text: str | None = None,
            **attrs: str | None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.ns}}}{tag}", _clean(attrs))
        if text is not None:
            element.text = xml_safe(text)
        return element


def _clean(attrs: dict[str, str | None]) -> dict[str, str]:
    return {k: xml_safe(v) for k, v in attrs.items() if v is not None}


def _codes(b: _Builder, parent: etree._Element, snap: RefiSnapshot,
           theme_notes: dict[str, list[str]]) -> None:
    """The ``Codes`` tree (nesting = hierarchy); NoteRefs only in project files."""
    children: dict[str | None, list] = {}
    ids = {theme.id for theme, _ in snap.themes}
    for theme, guid in snap.themes:
        key = theme.parent_id if theme.parent_id in ids else None
        children.setdefault(key, []).append((theme, guid))
    codes = b.sub(parent, "Codes")

    def walk(element: etree._Element, parent_id: str | None) -> None:
        for theme, guid in children.get(parent_id, []):
            code = b.sub(element, "Code", guid=guid, name=theme.name,
                         isCodable="true" if theme.codable else "false",
                         color=export_color(theme.color,
                                            uncoloured=guid in snap.uncoloured))
            b.sub(code, "Description",
                  compose_description(theme, retired=theme.id in snap.retired,
                                      merged=snap.merged.get(theme.id)))
            for note in theme_notes.get(guid, []):
                b.sub(code, "NoteRef", targetGUID=note)
            walk(code, theme.id)

    walk(codes, None)


def _serialise(root: etree._Element) -> bytes:
    """UTF-8 without BOM, with the conventional double-quoted declaration."""
    body = etree.tostring(root, xml_declaration=False, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def build_codebook(snap: RefiSnapshot) -> bytes:
    """The ``.qdc`` XML of a snapshot's themes."""
    if not snap.themes:
        raise UserError("the project has no codebook themes to export")
    b = _Builder(CODEBOOK_NS)
    root = b.root("CodeBook", origin=ORIGIN)
    _codes(b, root, snap, {})
    return _serialise(root)


def build_project(snap: RefiSnapshot, name: str) -> bytes:
    """The ``project.qde`` XML of a snapshot (sources referenced, not inlined)."""
    out = io.BytesIO()
    by_transcript: dict[int, list[tuple[Coding, str]]] = {}
    for coding, created in snap.codings:
        by_transcript.setdefault(coding.transcript_id, []).append((coding, created))
    write_project(snap, name, out, lambda tid: by_transcript.get(tid, []),
                  lambda tid: labelled_source(*snap.sources[tid]))
    return out.getvalue()


def labelled_source(text: str, turns: list[Turn]) -> tuple[str, OffsetMap, str | None]:
    """The text written for a transcript (with speaker labels), its offset map, and
    the ``Description`` listing each speaker's role."""
    labelled, offsets = label_text(text, turns)
    return labelled, offsets, describe_speakers(turns)


_SOURCES_MARK = "qcahp-sources-" + uuid.uuid4().hex
"""A comment standing for the ``Sources`` children while the rest is serialised."""


def write_project(snap: RefiSnapshot, name: str, out: BinaryIO,
                  codings_of: Callable[[int], list[tuple[Coding, str]]],
                  labelled_of: Labelled) -> None:
    """Write the ``project.qde`` XML of a snapshot to ``out``, one source at a time.

    The same bytes as serialising the whole tree with ``pretty_print``, but only one
    transcript's selections are ever in memory: the rest of the project (small) is
    serialised with a placeholder inside ``Sources``, and each ``TextSource`` is
    built, indented to its depth and written in the placeholder's place. Elements
    built without a namespace serialise to the same bytes as the default-namespace
    ones, which they are in the document.

    Args:
        snap: the snapshot (its ``codings`` are not read).
        name: the project name.
        out: a binary stream.
        codings_of: a transcript's active codings with their ``created_at``, in order.
        labelled_of: a transcript's labelled text, the map of its offsets into it,
            and its ``Description`` (speakers and roles).
    """
    b = _Builder(PROJECT_NS)
    root = b.root("Project", name=name, origin=ORIGIN)
    notes_on: dict[str, list[str]] = {}
    for memo in snap.memos:
        notes_on.setdefault(memo.target_guid, []).append(memo.guid)
    for summary in snap.summaries:
        for source_guid in summary.source_guids:
            notes_on.setdefault(source_guid, []).append(summary.guid)
    coder_guid = dict(snap.coders)
    if snap.coders:
        users = b.sub(root, "Users")
        for coder, guid in snap.coders:
            b.sub(users, "User", guid=guid, name=coder)
    if snap.themes:
        _codes(b, b.sub(root, "CodeBook"), snap, notes_on)
    theme_guid = {theme.id: guid for theme, guid in snap.themes}
    # In the order they were defined (the participants file's), as every listing here.
    attribute_names = snap.attribute_order
    types = {attr: variable_type([attrs[attr] for _, _, attrs, _ in snap.participants
                                  if attrs.get(attr) is not None])
             for attr in attribute_names}
    if attribute_names:
        variables = b.sub(root, "Variables")
        for attr in attribute_names:
            b.sub(variables, "Variable", guid=derived_guid("variable", attr), name=attr,
                  typeOfVariable=types[attr])
    if snap.participants:
        cases = b.sub(root, "Cases")
        for code, guid, attrs, sources in snap.participants:
            case = b.sub(cases, "Case", guid=guid, name=code)
            for attr in attrs:  # (in attribute_names' order)
                if attrs[attr] is None:
                    continue
                value = b.sub(case, "VariableValue")
                b.sub(value, "VariableRef", targetGUID=derived_guid("variable", attr))
                b.sub(value, f"{types[attr]}Value", attrs[attr])
            for source in sources:
                b.sub(case, "SourceRef", targetGUID=source)
    if snap.transcripts:
        b.sub(root, "Sources").append(etree.Comment(_SOURCES_MARK))
    if snap.memos or snap.summaries:
        notes = b.sub(root, "Notes")
        for memo in snap.memos:
            note = b.sub(notes, "Note", guid=memo.guid,
                         name=f"{memo.kind.capitalize()} memo by {memo.coder}: {memo.target_label}",
                         creatingUser=memo.coder_guid,
                         modifiedDateTime=_datetime(memo.updated_at))
            b.sub(note, "PlainTextContent", memo.text)
        for summary in snap.summaries:
            note = b.sub(notes, "Note", guid=summary.guid,
                         name=summary_name(summary.theme_name, summary.case_label),
                         creatingUser=summary.coder_guid,
                         modifiedDateTime=_datetime(summary.updated_at))
            b.sub(note, "Description", summary_description(summary.case_key, summary.theme_id))
            b.sub(note, "PlainTextContent", summary.text)
    if snap.consensus:
        b.sub(root, "Description", consensus_description(snap.consensus))
    head, _, tail = _serialise(root).partition(f"<!--{_SOURCES_MARK}-->".encode())
    out.write(head)
    if not snap.transcripts:
        return
    # The loop below runs once per coding (hundreds of thousands in a study), so each
    # selection is written as the text lxml makes of it (selection_xml) rather than
    # built as four elements, indented and serialised (two thirds of an export's
    # time): xml_safe is applied once per distinct coder and theme GUID.
    safe_user = {coder: attribute(xml_safe(guid)) for coder, guid in coder_guid.items()}
    safe_theme = {tid: attribute(xml_safe(guid)) for tid, guid in theme_guid.items()}
    notes_xml = {guid: "".join(f'\n        <NoteRef targetGUID="{attribute(xml_safe(note))}"/>'
                               for note in notes) for guid, notes in notes_on.items()}
    sub = etree.SubElement
    named = Counter(t.name for t in snap.transcripts)
    mark = f"<!--{_SELECTIONS_MARK}-->".encode()
    for n, info in enumerate(snap.transcripts):
        label = info.name if named[info.name] == 1 else version_label(info.name, info.version)
        source = etree.Element("TextSource", _clean({
            "guid": info.guid, "name": label, "plainTextPath": f"internal://{info.guid}.txt",
            "creationDateTime": _datetime(snap.added.get(info.id))}))
        labelled, offsets, description = labelled_of(info.id)
        if named[info.name] > 1:  # our import makes it a version of its transcript again
            description = "\n\n".join(
                d for d in (version_description(info.name, info.version), description) if d)
        if description:
            sub(source, "Description").text = xml_safe(description)
        selections = [selection_xml(coding, created, labelled, offsets, safe_user,
                                    safe_theme, notes_xml)
                      for coding, created in codings_of(info.id)]
        if selections:  # their place among the source's children, indented as they are
            source.append(etree.Comment(_SELECTIONS_MARK))
        for note in notes_on.get(info.guid, []):
            sub(source, "NoteRef", {"targetGUID": xml_safe(note)})
        etree.indent(source, space="  ", level=2)  # Project > Sources > TextSource
        if n:
            out.write(b"\n    ")
        written = etree.tostring(source, encoding="UTF-8", xml_declaration=False)
        if selections:
            before, _, after = written.partition(mark)
            out.write(before)
            out.write("\n      ".join(selections).encode("utf-8"))
            out.write(after)
        else:
            out.write(written)
    out.write(tail)


_SELECTIONS_MARK = "qcahp-selections-" + uuid.uuid4().hex
"""A comment standing for a ``TextSource``'s selections while the rest is serialised."""
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                    "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\n\r\t]')


def attribute(text: str) -> str:
    """An attribute's value as libxml2 writes it in UTF-8 between double quotes: ``&``,
    ``<``, ``>`` and ``"`` as entities, a line break, carriage return and tab as
    character references (so that they read back as themselves), the rest as it is."""
    return text.translate(_ATTRIBUTE_ESCAPES) if _ATTRIBUTE_SPECIAL.search(text) else text


def selection_xml(coding: Coding, created: str, labelled: str, offsets: OffsetMap,
                  users: dict[str, str], themes: dict[str, str], notes: dict[str, str]
                  ) -> str:
    """A coding's ``PlainTextSelection`` as lxml serialises it in a ``TextSource`` indented
    at level 2 (``etree.indent(space="  ")``), the first line unindented: the selection
    over the labelled text, named by what it selects, holding the ``Coding`` (its
    ``CodeRef``) and the ``NoteRef`` of each memo on it.

    ``users`` and ``themes``: each coder's and theme's GUID, made XML-safe and escaped
    (:func:`attribute`); ``notes``: the ``NoteRef`` lines of each coding GUID's memos.
    """
    when = _datetime(created)
    user = users.get(coding.coder)
    start, end = offsets.span(coding.start, coding.end)
    # A selection across turns now also holds the labels between them: its
    # name is the text it selects, as other tools check.
    quote = coding.quote if end - start == coding.end - coding.start else labelled[start:end]
    marks = ((f' creatingUser="{user}"' if user is not None else "")
             + (f' creationDateTime="{attribute(when)}"' if when is not None else ""))
    return (f'<PlainTextSelection guid="{derived_guid("selection", coding.guid)}" '
            f'name="{attribute(xml_safe(quote))}" startPosition="{start}" '
            f'endPosition="{end}"{marks}>\n'
            f'        <Coding guid="{attribute(xml_safe(coding.guid))}"{marks}>\n'
            f'          <CodeRef targetGUID="{themes[coding.theme_id]}"/>\n'
            f'        </Coding>{notes.get(coding.guid, "")}\n'
            "      </PlainTextSelection>")


def version_label(name: str, version: int) -> str:
    """The source name of one of several versions of a transcript: ``Helen (v2)``
    (another tool has no versions, and its sources need names of their own)."""
    return f"{name} (v{version})"


VERSION_LINES = ("Transcript: ", "Version: ")
"""How the two lines start that open the ``Description`` of such a source."""


def version_description(name: str, version: int) -> str:
    """The lines that say which transcript and version a source named by
    :func:`version_label` is (``Transcript: Helen`` and ``Version: 2``), as
    :func:`qualcoder_ahp.refi.reader.version_of` reads them back."""
    return f"{VERSION_LINES[0]}{name}\n{VERSION_LINES[1]}{version}"


CONSENSUS_INTRO = "The team's reconciled codings (qcahp reconcile) are those of:"
CONSENSUS_LINE = "Consensus coder: "
"""How each line starts that names a consensus coder in the project's ``Description``."""


def consensus_description(coders: list[str]) -> str:
    """The project's ``Description`` naming its consensus coders, one a line, which the
    other tool shows as the project's description and our import reads back
    (:func:`qualcoder_ahp.refi.reader._project_description`): REFI has no other place
    to say which user's codings are the reconciled result rather than a coder's own."""
    return "\n".join([CONSENSUS_INTRO, *(f"{CONSENSUS_LINE}{name}" for name in coders)])


SUMMARY_NAME = "Framework summary: "
"""How the name of a framework summary's ``Note`` starts."""


def summary_name(theme_name: str, case_label: str) -> str:
    """A framework summary's ``Note`` name, as another tool lists it:
    ``Framework summary: Serendipity \u2014 P01``."""
    return f"{SUMMARY_NAME}{theme_name} \u2014 {case_label}"


def summary_description(case_key: str, theme_id: str) -> str:
    """A framework summary's ``Note`` ``Description``: its case and theme, as
    :func:`qualcoder_ahp.refi.reader.summary_of` reads them back."""
    return f"Case: {case_key}\nTheme id: {theme_id}"


def _write_private(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a file readable by its owner only, atomically (temp file + rename;
    :func:`~qualcoder_ahp.reports.writers.replace_private`), making its folder.

    Raises:
        UserError: the folder cannot be written or the target is a folder.
    """
    if path.is_dir():
        raise UserError("is a folder; give a file name to write", path=str(path))
    replace_private(path, write, what="the file", make_folder=True)


def export_codebook(store: Store, path: str | Path) -> dict[str, int]:
    """Write the codebook as a ``.qdc`` file (owner-only). Returns ``{"codes": n}``."""
    target = Path(path)
    snap = store.refi_snapshot(codebook_only=True)
    data = build_codebook(snap)
    _write_private(target, lambda handle: handle.write(data))
    return {"codes": len(snap.themes)}


def export_project(store: Store, path: str | Path, *, name: str | None = None,
                   progress: Progress | None = None) -> dict[str, int]:
    """Write the whole project as a ``.qdpx`` archive (owner-only).

    Returns counts of what went out: codes, users, sources, selections, notes, cases,
    variables.
    """
    target = Path(path)
    # Codings are read one transcript at a time and the XML is written straight into
    # the archive: a 200-transcript study peaked near 2 GB when the whole tree, its
    # serialised bytes and every coding were held at once.
    snap = store.refi_snapshot(codings=False)
    if not (snap.themes or snap.transcripts):
        raise UserError("the project is empty: nothing to export")
    from qualcoder_ahp.model.refi_store import PROJECT_NAME

    project_name = (name or store.get_setting(PROJECT_NAME)
                    or (store.path.stem if store.path else "qualcoder_ahp project"))
    selections = 0

    def codings_of(transcript_id: int) -> list[tuple[Coding, str]]:
        nonlocal selections
        found = store.refi_codings(transcript_id)
        selections += len(found)
        return found

    written: dict[int, str] = {}  # labelled texts, kept from the XML to the archive

    def labelled_of(transcript_id: int) -> tuple[str, OffsetMap, str | None]:
        found = labelled_source(store.transcript_text(transcript_id),
                                store.turns(transcript_id))
        written[transcript_id] = found[0]
        return found

    def write(handle: BinaryIO) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            entry_info = zipfile.ZipInfo("project.qde", time.localtime()[:6])
            entry_info.compress_type = zipfile.ZIP_DEFLATED
            entry_info.external_attr = 0o600 << 16  # as writestr sets it
            with archive.open(entry_info, "w") as entry:
                write_project(snap, project_name, entry, codings_of, labelled_of)
            total = len(snap.transcripts)
            for index, info in enumerate(snap.transcripts):
                text = written.pop(info.id)
                archive.writestr(f"sources/{info.guid}.txt", text.encode("utf-8"))
                if progress:
                    progress(index + 1, total)

    _write_private(target, write)
    attrs = {n for _, _, a, _ in snap.participants for n in a}
    return {"codes": len(snap.themes), "users": len(snap.coders),
            "sources": len(snap.transcripts), "selections": selections,
            "notes": len(snap.memos) + len(snap.summaries), "cases": len(snap.participants),
            "variables": len(attrs)}
