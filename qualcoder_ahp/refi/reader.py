"""Read a REFI-QDA ``.qdpx`` / ``.qde`` / ``.qdc`` file into plain records (no database).

The tolerance rules of DESIGN.md live here: any single ``*.qde`` at the zip root,
``sources/`` or ``Sources/``, namespaces ``…:1.0``, ``…:1:0`` or none, GUIDs in any
case and with braces, ``MemberCode@guid`` or ``@targetGUID``, colours ``#RGB``,
``#RRGGBB`` or ``#RRGGBBAA``, empty containers (warned about, not refused), text
sources by ``plainTextPath`` (``internal://`` or relative) or inline
``PlainTextContent``, and NVivo's UTF-16 offsets (see :mod:`qualcoder_ahp.refi.text`).
Each selection with a quoted name is checked against the text; a mismatch is
listed in :attr:`RefiData.mismatches` and not imported. A text that carries speaker
labels (ours, or another tool's transcript) then has them taken out
(:func:`~qualcoder_ahp.refi.speakers.strip_labels`): the source's text is the one
to store, with its turns, and every selection is moved into it.

What has no place here is not dropped without a word: :meth:`RefiData.drop` gathers
it by kind (PDF and picture sources, sets, links, project notes, another tool's
elements...) into :attr:`RefiData.not_imported`, one line per kind. What can come in
by another road does: a PDF's text and a recording's transcript as transcripts, a
source's own variables as its case's attributes, a source's or a selection's
``Description`` as a memo, and a zip whose files sit in one top folder.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile
import zlib
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers.normalise import MAX_BYTES, refuse_special
from qualcoder_ahp.importers.sentences import split_sentences
from qualcoder_ahp.records import ParsedTranscript, Turn
from qualcoder_ahp.refi.codes import ImportTheme, read_codes
from qualcoder_ahp.refi.safe import (
    MAX_XML_BYTES,
    NAMESPACES,
    SafeZip,
    namespace_of,
    norm_guid,
    open_zip,
    parse_xml,
)
from qualcoder_ahp.refi.speakers import (
    ROLES,
    SPEAKERS_HEADING,
    OffsetMap,
    read_speakers,
    strip_labels,
)
from qualcoder_ahp.refi.text import OffsetResolver, decode, segment, unspaced

CONTAINERS = ("Users", "CodeBook", "Codes", "Variables", "Cases", "Sources", "Notes", "Links",
              "Sets", "Graphs")


@dataclass(frozen=True)
class ImportUser:
    """A REFI ``User``: becomes a coder."""

    guid: str
    name: str


@dataclass(frozen=True)
class ImportSource:
    """A text source: becomes a transcript (text normalised; turns found on demand)."""

    guid: str
    name: str
    text: str
    """The text to store: the file's text normalised, speaker labels taken out."""
    note_guids: tuple[str, ...] = ()
    labelled: str = ""
    """The file's text normalised, labels and all ("" when there were none)."""
    turns: tuple[Turn, ...] | None = None
    """The turns the labels gave (None: no labels, found from paragraphs)."""
    offsets: OffsetMap | None = field(default=None, compare=False)
    """Labelled-text offsets -> :attr:`text` offsets (None without labels)."""
    version: tuple[str, int] | None = None
    """The transcript and version of one of several versions our export wrote
    (:func:`version_of`): stored under that transcript's name, as a version of it."""
    created: str | None = None
    """``creationDateTime`` as an ISO timestamp: when the transcript was added to the
    project the file comes from, kept as the time it was added here."""
    former: str | None = None
    """:attr:`text` as an import stored it before session 24, Unicode's other spaces
    and soft hyphens kept (:func:`~qualcoder_ahp.refi.text.unspaced`); None when the
    same. A transcript withdrawn from a project made before is known by its hash."""

    @cached_property
    def parsed(self) -> ParsedTranscript:
        """Turns and sentences, found only for a source the project does not have yet."""
        if self.turns is None:
            return segment(self.text)
        turns = list(self.turns)
        return ParsedTranscript(self.text, turns, "refi", split_sentences(self.text, turns))


@dataclass(frozen=True)
class ImportCoding:
    """One ``Coding`` of one selection: becomes one coding (origin ``imported``)."""

    guid: str
    source_guid: str
    theme_guid: str
    user_guid: str | None
    start: int
    end: int
    quote: str
    note_guids: tuple[str, ...] = ()
    created: str | None = None
    """``creationDateTime`` as an ISO timestamp, kept so a round trip keeps it."""
    labelled: tuple[int, int] | None = None
    """The span in the source's labelled text (set when labels were taken out)."""


@dataclass(frozen=True)
class ImportNote:
    """A ``Note``: becomes a memo once something refers to it."""

    guid: str
    user_guid: str | None
    name: str
    text: str
    created: str | None = None
    description: str = ""

    @property
    def summary(self) -> tuple[str, str] | None:
        """``(case key, file theme id)`` of a framework cell summary (:func:`summary_of`)."""
        return summary_of(self.name, self.description)


def summary_of(name: str, description: str) -> tuple[str, str] | None:
    """``(case key, theme id)`` when a ``Note`` is a framework cell summary as
    :mod:`qualcoder_ahp.refi.export` writes one (named ``Framework summary: ...``, its
    ``Description`` saying ``Case: participant:P01`` and ``Theme id: serendipity``),
    else ``None``."""
    from qualcoder_ahp.refi.export import SUMMARY_NAME

    if not name.startswith(SUMMARY_NAME):
        return None
    fields = dict(line.partition(":")[::2] for line in description.splitlines())
    case, theme = fields.get("Case", "").strip(), fields.get("Theme id", "").strip()
    kind, colon, who = case.partition(":")
    if not (theme and colon and who and kind in ("participant", "transcript")):
        return None
    return case, theme


def version_of(name: str, description: str | None) -> tuple[str, int] | None:
    """``(transcript name, version)`` of a source our export wrote as one of several
    versions of a transcript (named ``Helen (v2)``, its ``Description`` opening with
    ``Transcript: Helen`` and ``Version: 2``), else None: also when the source has been
    renamed since, in the other tool (its new name is kept)."""
    from qualcoder_ahp.refi.export import VERSION_LINES, version_label

    lines = (description or "").replace("\r\n", "\n").split("\n")
    if not _opens_with_version(lines):
        return None
    base = lines[0].removeprefix(VERSION_LINES[0]).strip()
    number = lines[1].removeprefix(VERSION_LINES[1]).strip()
    if not (base and number.isdigit() and version_label(base, int(number)) == name):
        return None
    return base, int(number)


def _opens_with_version(lines: list[str]) -> bool:
    """Whether a ``Description``'s lines open with the two of :func:`version_of`."""
    from qualcoder_ahp.refi.export import VERSION_LINES

    return len(lines) >= len(VERSION_LINES) and all(
        line.startswith(start) for line, start in zip(lines, VERSION_LINES, strict=False))


@dataclass(frozen=True)
class ImportCase:
    """A ``Case``: becomes a participant with attributes and transcripts."""

    guid: str
    name: str
    attributes: dict[str, str]
    source_guids: tuple[str, ...]


@dataclass
class RefiData:
    """Everything read from one file, plus what could not be taken."""

    path: str
    kind: str
    """``codebook`` (.qdc) or ``project`` (.qdpx / .qde)."""
    themes: list[ImportTheme] = field(default_factory=list)
    users: list[ImportUser] = field(default_factory=list)
    sources: list[ImportSource] = field(default_factory=list)
    codings: list[ImportCoding] = field(default_factory=list)
    notes: list[ImportNote] = field(default_factory=list)
    cases: list[ImportCase] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)
    """How many selections were counted in each offset unit (code points, UTF-16...)."""
    unchecked: int = 0
    """Selections without a quote to check, placed by the unit the others used."""
    origin: str = ""
    name: str = ""
    """The project's name in the file (``Project@name``)."""
    consensus: set[str] = field(default_factory=set)
    """Names of the users the project's ``Description`` names as consensus coders (our
    export's ``Consensus coder: NAME`` lines): their codings are the reconciled ones."""
    not_imported: list[str] = field(default_factory=list)
    """What a text tool cannot bring in, one line per kind (PDF sources, sets, links...),
    with the names and how many codings went with them."""
    notices: list[str] = field(default_factory=list)
    """Information, not warnings: data that came in by another road (a source's own
    variables as its participant's attributes)."""
    dropped: dict[str, list[str]] = field(default_factory=dict, repr=False)
    """Kind -> the names of its records left out (gathered into :attr:`not_imported`)."""
    dropped_codings: dict[str, int] = field(default_factory=dict, repr=False)
    variables: dict[str, str] = field(default_factory=dict, repr=False)
    """Variable GUID -> name (for the sources' own values)."""
    matched: list[tuple[tuple[str, ...], str | None]] = field(default_factory=list, repr=False)
    """The units each quoted selection matched, with its source's best unit."""

    def drop(self, kind: str, name: str, codings: int = 0) -> None:
        """Leave out one record of ``kind`` (a key of :data:`DROPPED`), named ``name``,
        with the codings that go with it."""
        self.dropped.setdefault(kind, []).append(name)
        self.dropped_codings[kind] = self.dropped_codings.get(kind, 0) + codings


_TEXT_ONLY = "only text sources can be coded here"
_MEMOS_HERE = "memos here are on themes, transcripts, codings and framework cells"
DROPPED: dict[str, tuple[str, str, str]] = {
    "PDFSource": ("PDF source", "PDF sources", _TEXT_ONLY),
    "AudioSource": ("audio source", "audio sources", _TEXT_ONLY),
    "VideoSource": ("video source", "video sources", _TEXT_ONLY),
    "PictureSource": ("picture source", "picture sources", _TEXT_ONLY),
    "pdf-areas": ("PDF source whose text came in without its page areas",
                  "PDF sources whose text came in without their page areas",
                  "an area of a page has no place in a transcript"),
    "media-spans": ("recording whose transcript came in without its time spans",
                    "recordings whose transcripts came in without their time spans",
                    "a stretch of a recording has no place in a transcript"),
    "whole": ("source coded as a whole", "sources coded as a whole",
              "codings here are of passages of text"),
    "rich-text": ("source whose text came from its document, without its codings' places",
                  "sources whose text came from their documents, without their codings' "
                  "places",
                  "a coding's place counts characters of a plain text the file does not "
                  "include"),
    "set": ("set", "sets", "there are no sets of codes or documents here"),
    "link": ("link", "links", "there are no links between codes or memos here"),
    "graph": ("graph", "graphs", "there are no network views here"),
    "project-note": ("note on the whole project", "notes on the whole project", _MEMOS_HERE),
    "free-note": ("note that nothing refers to", "notes that nothing refers to", _MEMOS_HERE),
    "case-part": ("case made of parts of sources (SelectionRef)",
                  "cases made of parts of sources (SelectionRef)",
                  "a participant here has whole transcripts"),
    "case-code": ("case linked to codes (CodeRef)", "cases linked to codes (CodeRef)",
                  "participants here are not linked to themes"),
    "description": ("description", "descriptions",
                    "participants, attributes and projects have no descriptions here"),
    "note-codings": ("note coded inside", "notes coded inside",
                     "memos here are not coded"),
    "unknown": ("element the REFI-QDA schema does not define",
                "elements the REFI-QDA schema does not define", "skipped"),
}
"""What :meth:`RefiData.drop` may leave out: kind -> (one, several, why)."""


def _name_list(names: list[str], shown: int = 3) -> str:
    """``'a', 'b', 'c' and 2 more``."""
    listed = ", ".join(repr(n) for n in names[:shown])
    return listed + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _summarise_dropped(data: RefiData) -> None:
    """One line per kind of record left out: how many, which, with how many codings."""
    for kind, names in data.dropped.items():
        one, several, why = DROPPED[kind]
        codings = data.dropped_codings.get(kind, 0)
        with_codings = (f", with {'its' if len(names) == 1 else 'their'} {codings} "
                        f"coding{'' if codings == 1 else 's'}" if codings else "")
        data.not_imported.append(f"{len(names)} {one if len(names) == 1 else several} "
                                 f"({_name_list(names)}){with_codings}: {why}")

Progress = Callable[[int, int], None]


def read_refi(path: str | Path, progress: Progress | None = None) -> RefiData:
    """Read a ``.qdc``, ``.qdpx`` or bare ``.qde`` file safely and tolerantly.

    Raises:
        ImportFailed: unreadable, unsafe or not a REFI-QDA file; the message names it.
    """
    file = Path(path)
    where = str(file)
    if file.is_dir():
        raise ImportFailed("is a folder, not a .qdc or .qdpx file", path=where)
    refuse_special(file)  # (a named pipe was called "no such file")
    if not file.is_file():
        raise ImportFailed("no such file", path=where)
    try:
        with file.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:  # no read permission, a file on a vanished share...
        raise ImportFailed(f"cannot read ({exc.strerror or exc})", path=where) from None
    archive: SafeZip | None = None
    if magic.startswith(b"PK"):
        if not zipfile.is_zipfile(file):
            # The zip directory sits at the end of the file: a copy cut short loses it.
            raise ImportFailed("not a readable .qdpx archive: it is damaged or cut short (its "
                               "zip directory is missing); copy or export it again", path=where)
        archive = _inside_top_folder(open_zip(file))
        try:
            qde = _project_entry(archive)
            if archive.entries[qde].file_size > MAX_XML_BYTES:
                raise ImportFailed(f"{qde} is too large "
                                   f"({archive.entries[qde].file_size // 2**20} MiB)", path=where)
            xml = read_entry(archive, qde)
            try:
                return _read_xml(xml, where, archive, progress)
            except ImportFailed as exc:
                if "not well-formed XML" not in str(exc):
                    raise
                # Say which part is broken: "not well-formed XML" alone read as if the
                # .qdpx itself were not a zip archive.
                detail = str(exc).split("not well-formed XML", 1)[1].strip(" ()")
                raise ImportFailed(f"the archive's {qde} is damaged: it is not readable XML "
                                   f"({detail})", path=where) from None
        finally:
            archive.close()
    try:
        if file.stat().st_size > MAX_XML_BYTES:
            raise ImportFailed(f"too large for a REFI-QDA file "
                               f"({file.stat().st_size // 2**20} MiB)", path=where)
        xml = file.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read ({exc.strerror})", path=where) from None
    _refuse_other_format(xml, where)
    return _read_xml(xml, where, None, progress)


_TRANSCRIPT_ADVICE = "a transcript goes in with `qcahp import`"


def _refuse_other_format(data: bytes, where: str) -> None:
    """Refuse, naming what it is, a file that is not XML at all: a PDF, an RTF or an old
    Word file, or a transcript saved as text as a ``.qdc`` (called "not well-formed XML
    (Start tag expected...)", or an archive "damaged or something else renamed")."""
    from qualcoder_ahp.importers.normalise import decode, format_name, sniff

    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")
    if head.startswith(b"<") or head.startswith(b"\0<") or not head:
        return
    kind = sniff(data)
    if kind in (".pdf", ".rtf", ".doc"):
        raise ImportFailed(f"this is {format_name(kind)}, not a REFI-QDA project or codebook "
                           f"({_TRANSCRIPT_ADVICE})", path=where)
    if kind is not None or where.lower().endswith(".qdpx"):
        return  # (a .qdpx that is no zip: `refi import` says so)
    try:
        decode(data[:65536], path=where)
    except ImportFailed:
        return  # binary: the XML reader's own message
    raise ImportFailed("this holds plain text, not a REFI-QDA project or codebook (which is "
                       f"XML, in a .qdpx zip archive or a .qdc file; {_TRANSCRIPT_ADVICE})",
                       path=where)


_PACKAGES = (("word/document.xml", "a Word .docx file"),
             ("content.xml", "an OpenDocument file"),
             ("xl/workbook.xml", "an Excel workbook"),
             ("ppt/presentation.xml", "a PowerPoint file"))
"""A zip package's main part, and what it makes the package (for :func:`_project_entry`)."""


def read_entry(archive: SafeZip, name: str) -> bytes:
    """Read one archive entry, turning a damaged entry into one clear line.

    A corrupt entry (bad CRC, a broken deflate stream, data cut short) raised a
    ``zipfile`` or ``zlib`` traceback, and the command left an empty project behind.

    Raises:
        ImportFailed: the entry cannot be unpacked.
    """
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ImportFailed(f"the archive is damaged: {name} cannot be unpacked ({exc}); copy "
                           "or export it again", path=archive.path) from None


def _inside_top_folder(archive: SafeZip) -> SafeZip:
    """The archive seen from inside its one top folder, when the project is there.

    A .qdpx unpacked and zipped again by hand (the Finder's or Explorer's "compress")
    holds ``Study/project.qde`` and ``Study/sources/...`` rather than the files at the
    root, often beside a ``__MACOSX/`` folder of resource forks. Such an archive used
    to be refused as having no project file.
    """
    names = [n for n in archive.entries if not n.startswith("__MACOSX/")]
    if any("/" not in n and n.lower().endswith(".qde") for n in names):
        return archive
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) != 1 or not all("/" in n for n in names):
        return archive
    prefix = tops.pop() + "/"
    if not any("/" not in n[len(prefix):] and n.lower().endswith(".qde") for n in names):
        return archive
    return SafeZip(archive.path, {n[len(prefix):]: archive.entries[n] for n in names},
                   archive.archive)


def _project_entry(archive: SafeZip) -> str:
    roots = [n for n in archive.entries if "/" not in n and n.lower().endswith(".qde")]
    what = next((what for part, what in _PACKAGES if part in archive.entries), None)
    if not roots and what:
        raise ImportFailed(f"this is {what}, not a REFI-QDA project ({_TRANSCRIPT_ADVICE})",
                           path=archive.path)
    if not roots:
        deeper = sorted(n for n in archive.entries if n.lower().endswith(".qde"))
        where = (f" (it holds {deeper[0]!r}: zip the folder that holds the .qde, or that "
                 "folder's contents)" if deeper else "")
        raise ImportFailed(f"no .qde project file at the root of the archive{where}",
                           path=archive.path)
    if len(roots) > 1:
        named = [n for n in roots if n.lower() == "project.qde"]
        if len(named) != 1:
            raise ImportFailed(f"several .qde files at the root ({', '.join(sorted(roots))})",
                               path=archive.path)
        return named[0]
    return roots[0]


def _read_xml(xml: bytes, where: str, archive: SafeZip | None,
              progress: Progress | None) -> RefiData:
    namespace = namespace_of(xml)
    root = parse_xml(xml, path=where)
    if root.tag not in ("Project", "CodeBook"):
        raise ImportFailed(f"not a REFI-QDA file (root element {root.tag!r})", path=where)
    data = RefiData(where, "codebook" if root.tag == "CodeBook" else "project",
                    origin=root.get("origin") or "", name=(root.get("name") or "").strip())
    if namespace and namespace not in NAMESPACES:
        data.warnings.append(f"unexpected namespace {namespace!r}; read anyway")
    for element in root.iter(*CONTAINERS):
        if len(element) == 0:
            data.warnings.append(f"empty <{element.tag}/> ignored")
    codes = root.find("Codes") if root.tag == "CodeBook" else root.find("CodeBook/Codes")
    data.themes = read_codes(codes, data.warnings)
    _check_elements(root, data)
    if root.tag == "CodeBook":
        _check_sets(root, data)
        _summarise_dropped(data)
        return data
    for user in root.findall("Users/User"):
        guid = norm_guid(user.get("guid"))
        if guid:
            data.users.append(ImportUser(guid, (user.get("name") or user.get("id") or guid)))
    data.notes = _read_notes(root, archive, data)
    data.variables = _variable_names(root)
    for variable in root.findall("Variables/Variable"):
        if (variable.findtext("Description") or "").strip():
            data.drop("description", f"variable {variable.get('name') or ''}")
    description = _project_description(root.findtext("Description") or "", data)
    if description:
        data.drop("description", "the project")
    data.cases = _read_cases(root, data)
    _check_sets(root, data)
    sources = list(root.findall("Sources/*"))
    deferred: list[tuple[etree._Element, str, str, OffsetResolver]] = []
    votes: dict[str, int] = {}
    for index, element in enumerate(sources):
        if element.tag == "TextSource":
            _read_source(element, archive, data, deferred, votes, index + 1)
        elif element.tag in DROPPED:  # PDF, audio, video, picture
            _read_media(element, archive, data, deferred, votes, index + 1)
        if progress:
            progress(index + 1, len(sources))
    # Selections without a quote in sources without any quote: the unit the whole
    # file's quotes showed, else the one the tool is known to write.
    if votes:
        default = max(OffsetResolver.UNITS,
                      key=lambda u: (votes.get(u, 0), -OffsetResolver.UNITS.index(u)))
    else:
        default = "utf16" if "nvivo" in data.origin.lower() else "codepoints"
    for selection, guid, name, resolver in deferred:
        _read_selection(selection, guid, name, resolver, data, default)
    _count_units(data, default)
    _into_stored_text(data)
    _without_file_extensions(data)
    for kind, tag in (("link", "Links/Link"), ("graph", "Graphs/Graph")):
        for element in root.findall(tag):
            data.drop(kind, element.get("name") or norm_guid(element.get("guid")) or "")
    _summarise_dropped(data)
    return data


SOURCE_EXTENSIONS = (".txt", ".text", ".md", ".rst", ".docx", ".doc", ".odt", ".rtf",
                     ".pdf", ".vtt", ".srt", ".html", ".htm")
"""The extensions of the document files a source's name may end in: QualCoder and
ATLAS.ti name a source after its file (``p01_helen.docx``)."""


def _without_file_extensions(data: RefiData) -> None:
    """Name each source whose name is its file's name (``p01_helen.docx``, as QualCoder
    and ATLAS.ti write it) as ``qcahp import`` names a transcript, after the file
    without its extension (``p01_helen``): it was stored as ``p01_helen.docx`` beside
    the ``p01_helen`` of the same interview imported from its file, so one interview
    counted twice, and ``qcahp show p01_helen`` found nothing. A name that would then
    be another source's of the file keeps its extension."""
    names = [s.name for s in data.sources]
    stems = [_stem(name) for name in names]
    taken = {name.casefold() for name in names}
    for index, (source, stem) in enumerate(zip(data.sources, stems, strict=True)):
        if stem == source.name or stem.casefold() in taken or (
                sum(other.casefold() == stem.casefold() for other in stems) > 1):
            continue
        data.sources[index] = replace(source, name=stem)
        # The participant made for the source's own variables (_source_values) is named
        # as the transcript is.
        own = str(uuid.uuid5(uuid.NAMESPACE_URL, f"refi-case:{source.guid}"))
        for at, case in enumerate(data.cases):
            if case.guid == own and case.name == source.name:
                data.cases[at] = replace(case, name=stem)
                data.notices = [n.replace(f"participant {source.name!r}", f"participant {stem!r}")
                                for n in data.notices]


def _stem(name: str) -> str:
    """``name`` without a document file's extension (``p01.docx`` is ``p01``)."""
    base, dot, ext = name.rpartition(".")
    if dot and base.strip() and f".{ext.lower()}" in SOURCE_EXTENSIONS:
        return base.strip()
    return name


def _project_description(text: str, data: RefiData) -> str:
    """The project's ``Description`` without the ``Consensus coder: NAME`` lines our
    export writes (:data:`~qualcoder_ahp.refi.export.CONSENSUS_LINE`), whose names go
    to :attr:`RefiData.consensus`; what is left is the other tool's description."""
    from qualcoder_ahp.refi.export import CONSENSUS_INTRO, CONSENSUS_LINE

    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(CONSENSUS_LINE) and line[len(CONSENSUS_LINE):].strip():
            data.consensus.add(line[len(CONSENSUS_LINE):].strip())
        elif line.strip() != CONSENSUS_INTRO:
            kept.append(line)
    return "\n".join(kept).strip()


def _count_units(data: RefiData, best: str) -> None:
    """Count each quoted selection in the unit the file counts in, when it matched
    that unit too; else in its source's, else in the first it matched.

    Before the first emoji or line break every unit matches: an ATLAS.ti selection
    there was said to be in UTF-16 (the first of them) in a file that counts code
    points over CRLF text, and an NVivo source without emoji in code points.
    """
    for units, source_best in data.matched:
        unit = next(u for u in (best, source_best, units[0]) if u in units)
        data.units[unit] = data.units.get(unit, 0) + 1
    data.matched.clear()


def _into_stored_text(data: RefiData) -> None:
    """Move the codings of sources whose labels were taken out into the stored text.

    The span in the labelled text is kept (:attr:`ImportCoding.labelled`) in case
    the project already holds that source in another form (see
    :func:`qualcoder_ahp.refi.importer.import_file`).
    """
    labelled = {s.guid: s for s in data.sources if s.offsets is not None}
    if not labelled:
        return
    kept = []
    for coding in data.codings:
        source = labelled.get(coding.source_guid)
        if source is None or source.offsets is None:
            kept.append(coding)
            continue
        start, end = source.offsets.span(coding.start, coding.end)
        if start >= end:
            # Not a mismatch (the quote matched): there are no words to code.
            data.warnings.append(
                f"{source.name}: coding {coding.guid} [{coding.start}, {coding.end}) selects "
                f"only a speaker label ({coding.quote[:60]!r}); not imported")
            continue
        kept.append(replace(coding, start=start, end=end, quote=source.text[start:end],
                            labelled=(coding.start, coding.end)))
    data.codings = kept


_TEXT = ("Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef",
         "VariableValue")
_CHILDREN: dict[str, tuple[str, ...]] = {
    "Project": ("Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links",
                "Sets", "Graphs", "Description", "NoteRef"),
    "Users": ("User",), "CodeBook": ("Codes", "Sets"), "Codes": ("Code",),
    "Code": ("Description", "NoteRef", "Code"), "Variables": ("Variable",),
    "Variable": ("Description",), "Cases": ("Case",),
    "Case": ("Description", "CodeRef", "VariableValue", "SourceRef", "SelectionRef"),
    "VariableValue": ("VariableRef", "TextValue", "BooleanValue", "IntegerValue",
                      "FloatValue", "DateValue", "DateTimeValue"),
    "Sources": ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource"),
    "TextSource": _TEXT, "Notes": ("Note",), "Note": _TEXT,
    "PlainTextSelection": ("Description", "Coding", "NoteRef"),
    "Coding": ("CodeRef", "NoteRef"), "Sets": ("Set",),
    "Set": ("Description", "MemberCode", "MemberSource", "MemberNote"),
    "Links": ("Link",), "Graphs": ("Graph",),
}
"""The children the two schemas allow in the parts of a file that are read (what is
inside a PDF source, a link or a graph is left out with it)."""
_LEAVES = ("User", "CodeRef", "NoteRef", "SourceRef", "SelectionRef", "VariableRef",
           "MemberCode", "MemberSource", "MemberNote", "Description", "PlainTextContent")


def _check_elements(root: etree._Element, data: RefiData) -> None:
    """Name the elements the schemas do not define (another tool's extensions), so
    that what they held is not dropped without a word."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        allowed = _CHILDREN.get(element.tag)
        if allowed is None and element.tag not in _LEAVES:
            continue  # left out whole (a PDF source, a link...) or itself unknown
        for child in element:
            if isinstance(child.tag, str) and child.tag not in (allowed or ()):
                data.drop("unknown", f"<{child.tag}> in <{element.tag}>")


def _check_sets(root: etree._Element, data: RefiData) -> None:
    """Sets are not imported, but their member references are checked (either form)."""
    known = {t.guid for t in data.themes}
    for member in root.iter("MemberCode"):
        guid = norm_guid(member.get("targetGUID") or member.get("guid"))
        if guid and guid not in known:
            data.warnings.append(f"set member {guid} names no code in the file")
    for member_set in root.findall("Sets/Set"):
        data.drop("set", member_set.get("name") or norm_guid(member_set.get("guid")) or "")


def _text_of(element: etree._Element, archive: SafeZip | None, label: str,
             data: RefiData, *, required: bool = False) -> str | None:
    """The raw decoded text of a TextSource or Note (inline or in the archive).

    Raises:
        ImportFailed: ``required`` (a ``TextSource`` of the file) and its
            ``internal://`` text is not in the archive: the archive is damaged.
    """
    inline = element.find("PlainTextContent")
    if inline is not None:
        return inline.text or ""
    path = element.get("plainTextPath")
    if not path:
        data.warnings.append(f"{label}: no plain text (plainTextPath or PlainTextContent); "
                             "skipped")
        return None
    candidates = _candidates(path, archive, label, data)
    if candidates is None:
        return None
    assert archive is not None  # (no candidates without one)
    for candidate in candidates:
        stored = archive.find(candidate)
        if stored is not None:
            if archive.entries[stored].file_size > MAX_BYTES:
                data.warnings.append(f"{label}: {stored!r} is larger than "
                                     f"{MAX_BYTES // 2**20} MiB, the transcript limit; skipped")
                return None
            raw = read_entry(archive, stored)
            try:
                text = decode(raw, path=stored)
            except ImportFailed as exc:  # (a binary file is not "read as Windows-1252")
                data.warnings.append(f"{label}: {exc}; skipped")
                return None
            if not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    data.warnings.append(f"{label}: {stored!r} is not UTF-8; read as "
                                         "Windows-1252")
            return text
    if required and path.lower().startswith("internal://"):
        # Inside the archive by the file's own word: a .qdpx zipped again without its
        # sources/ folder, or copied in part. Importing the rest would leave this
        # transcript and its codings out, said only in a warning.
        raise ImportFailed(f"the archive is damaged: the text of {label} ({path}) is "
                           "missing from it; copy or export it again", path=archive.path)
    data.warnings.append(f"{label}: {path!r} is missing from the archive; skipped")
    return None


def _candidates(path: str, archive: SafeZip | None, label: str,
                data: RefiData) -> list[str] | None:
    """The names in the archive a source's ``plainTextPath`` or ``richTextPath`` may
    have; None, with a warning, for a file outside the archive."""
    if archive is None:
        data.warnings.append(f"{label}: text is in {path!r}, outside this file; skipped")
        return None
    name = path
    if name.lower().startswith("internal://"):
        name = name[len("internal://"):]
        candidates = [f"sources/{name}", name]
    elif "://" in name or name.startswith(("/", "\\")):
        data.warnings.append(f"{label}: text is an external file {path!r}; skipped")
        return None
    else:
        candidates = [name, f"sources/{name}"]
    # Some tools percent-encode the file name in the path (My%20Interview.txt).
    return candidates + [unquote(c) for c in candidates if unquote(c) != c]


RICH_TEXT = (".docx", ".odt", ".rtf")
"""The documents a ``richTextPath`` names that are read when a source has no plain text
(REFI-QDA names a ``.docx``; some tools write another document)."""


def _rich_text(element: etree._Element, archive: SafeZip | None, label: str,
               data: RefiData) -> ParsedTranscript | None:
    """The text of a source given only as a document (``richTextPath``, no plain text),
    read as ``qcahp import`` reads the document: turns, speakers and roles; None, with a
    warning, where it cannot be."""
    import tempfile

    from qualcoder_ahp.errors import shown_path
    from qualcoder_ahp.importers import read_transcript

    path = element.get("richTextPath") or ""
    suffix = PurePosixPath(unquote(path).replace("\\", "/")).suffix.lower()
    candidates = _candidates(path, archive, label, data)
    if candidates is None:
        return None
    assert archive is not None  # (no candidates without one)
    stored = next((s for s in map(archive.find, candidates) if s is not None), None)
    if stored is None:
        data.warnings.append(f"{label}: {path!r} is missing from the archive; skipped")
        return None
    if suffix not in RICH_TEXT:
        data.warnings.append(f"{label}: no plain text, and its document {path!r} is not a "
                             "Word, OpenDocument or RTF file; skipped")
        return None
    if archive.entries[stored].file_size > MAX_BYTES:
        data.warnings.append(f"{label}: {stored!r} is larger than "
                             f"{MAX_BYTES // 2**20} MiB, the transcript limit; skipped")
        return None
    with tempfile.TemporaryDirectory(prefix="qcahp-refi-") as folder:
        file = Path(folder) / f"source{suffix}"
        file.write_bytes(read_entry(archive, stored))
        try:
            return read_transcript(file)
        except ImportFailed as exc:
            why = str(exc).removeprefix(f"{shown_path(file)}: ")
            data.warnings.append(f"{label}: {stored!r}: {why}; skipped")
            return None


def _read_notes(root: etree._Element, archive: SafeZip | None,
                data: RefiData) -> list[ImportNote]:
    notes = []
    on_project = set(_note_refs(root))
    referred = {norm_guid(r.get("targetGUID")) for r in root.iter("NoteRef")
                if r.getparent() is not root}
    for note in root.findall("Notes/Note"):
        guid = norm_guid(note.get("guid"))
        if not guid:
            continue
        name = note.get("name") or guid
        coded = len(note.findall("PlainTextSelection/Coding"))
        if coded:
            data.drop("note-codings", name, coded)
        if guid not in referred:
            # A project memo, or a free memo (ATLAS.ti): nowhere to put it here.
            data.drop("project-note" if guid in on_project else "free-note", name)
            continue
        text = _text_of(note, archive, f"note {name!r}", data)
        if text is None:
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        if text:
            notes.append(ImportNote(guid, norm_guid(note.get("creatingUser")), name, text,
                                    _when(note.get("modifiedDateTime")
                                          or note.get("creationDateTime")),
                                    (note.findtext("Description") or "").strip()))
    return notes


def _value_of(variable_value: etree._Element) -> str | None:
    for child in variable_value:
        if child.tag.endswith("Value"):
            return (child.text or "").strip()
    return None


def _variable_names(root: etree._Element) -> dict[str, str]:
    """Variable GUID -> its name."""
    names = {}
    for variable in root.findall("Variables/Variable"):
        guid = norm_guid(variable.get("guid"))
        if guid and variable.get("name"):
            names[guid] = variable.get("name").strip()
    return names


def _values(element: etree._Element, names: dict[str, str]) -> dict[str, str]:
    """The ``VariableValue`` children of a case or a source, by variable name."""
    attributes: dict[str, str] = {}
    for vv in element.findall("VariableValue"):
        ref = vv.find("VariableRef")
        var = names.get(norm_guid(ref.get("targetGUID")) or "") if ref is not None else None
        value = _value_of(vv)
        if var and value is not None:
            attributes[var] = value
    return attributes


def _read_cases(root: etree._Element, data: RefiData) -> list[ImportCase]:
    names = _variable_names(root)
    cases = []
    for case in root.findall("Cases/Case"):
        guid = norm_guid(case.get("guid"))
        if not guid:
            continue
        attributes = _values(case, names)
        sources = tuple(g for g in (norm_guid(r.get("targetGUID"))
                                    for r in case.findall("SourceRef")) if g)
        name = (case.get("name") or guid).strip()
        if case.findall("SelectionRef"):
            data.drop("case-part", name)
        if case.findall("CodeRef"):
            data.drop("case-code", name)
        if (case.findtext("Description") or "").strip():
            data.drop("description", f"case {name}")
        cases.append(ImportCase(guid, name, attributes, sources))
    return cases


def _when(value: str | None) -> str | None:
    """An ``xsd:dateTime`` as an ISO timestamp (UTC assumed without a zone), or None.

    Written with microseconds, as the project writes its own times
    (:func:`~qualcoder_ahp.model.store.now`): a fraction of a second the file gives is
    kept (to the microsecond; .NET's seven digits lose the last one)."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.isoformat(timespec="microseconds")


def _note_refs(element: etree._Element) -> tuple[str, ...]:
    return tuple(g for g in (norm_guid(r.get("targetGUID"))
                             for r in element.findall("NoteRef")) if g)


def _read_media(element: etree._Element, archive: SafeZip | None, data: RefiData,
                deferred: list[tuple[etree._Element, str, str, OffsetResolver]],
                votes: dict[str, int], position: int) -> None:
    """A PDF, audio, video or picture source: its text, when the file gives one, comes
    in as a transcript; the rest is named in a ``Not imported`` line.

    A PDF's text is its ``Representation``; a recording's is each ``Transcript``, whose
    selections run between sync points that give their text positions. Either is read
    as a ``TextSource`` of the same GUID (so cases and notes that name the PDF or the
    recording find it), with the source's own notes and variables.
    """
    name = (element.get("name") or "").strip() or _unnamed(element, position)
    texts = element.findall("Representation" if element.tag == "PDFSource" else "Transcript")
    if not texts:
        data.drop(element.tag, name, len(element.findall(".//Coding")))
        return
    before = len(data.sources)
    for inner in texts:
        source = etree.Element("TextSource", {
            k: v for k, v in inner.attrib.items() if k in ("plainTextPath", "richTextPath")})
        source.set("guid", element.get("guid", "") if len(texts) == 1
                   else inner.get("guid", ""))
        source.set("name", name if len(texts) == 1 else f"{name} ({inner.get('name') or ''})")
        for child in inner:
            if child.tag in _TEXT:
                source.append(deepcopy(child))
        _sync_selections(inner, source, name, data)
        for child in element:
            if child.tag in ("NoteRef", "VariableValue"):
                source.append(deepcopy(child))
        _read_source(source, archive, data, deferred, votes, position)
    lost = len(element.findall("Coding")) + sum(
        len(part.findall("Coding")) for part in element
        if part.tag in ("PDFSelection", "AudioSelection", "VideoSelection"))
    if len(data.sources) > before and lost:
        data.drop("pdf-areas" if element.tag == "PDFSource" else "media-spans", name, lost)
    elif len(data.sources) == before:
        data.drop(element.tag, name, len(element.findall(".//Coding")))


def _sync_selections(transcript: etree._Element, source: etree._Element, name: str,
                     data: RefiData) -> None:
    """A transcript's selections, placed by the positions of their sync points, as
    ``PlainTextSelection`` children of ``source``."""
    positions = {norm_guid(p.get("guid")): p.get("position")
                 for p in transcript.findall("SyncPoint")}
    for selection in transcript.findall("TranscriptSelection"):
        start = positions.get(norm_guid(selection.get("fromSyncPoint")))
        end = positions.get(norm_guid(selection.get("toSyncPoint")))
        if start is None or end is None:
            data.mismatches.append(f"{name}: selection {norm_guid(selection.get('guid'))}: "
                                   "its sync points give no text positions; not imported")
            continue
        placed = etree.SubElement(source, "PlainTextSelection", {
            k: v for k, v in selection.attrib.items()
            if k in ("guid", "name", "creatingUser", "creationDateTime", "modifiedDateTime")})
        placed.set("startPosition", start)
        placed.set("endPosition", end)
        for child in selection:
            placed.append(deepcopy(child))


def _description_note(element: etree._Element, guid: str, name: str,
                      data: RefiData) -> tuple[str, ...]:
    """A source's ``Description`` (NVivo's file description, a MAXQDA document's
    comment) as a note on it: it becomes a transcript memo. The speakers and roles our
    export lists there are not a description (they are read into the turns), nor is
    the version of a transcript it opens with (:func:`version_of`). Returns the note's
    GUID."""
    kept, ours = [], False
    lines = (element.findtext("Description") or "").replace("\r\n", "\n").split("\n")
    if _opens_with_version(lines):
        lines = lines[2:]  # which version of a transcript it is (version_of), ours
    for line in lines:
        if line.strip() == SPEAKERS_HEADING:
            ours = True
            continue
        if ours and line.rpartition(":")[2].strip() in ROLES:
            continue
        ours = False
        kept.append(line)
    text = "\n".join(kept).strip()
    if not text:
        return ()
    note = str(uuid.uuid5(uuid.NAMESPACE_URL, f"refi-description:{guid}"))
    data.notes.append(ImportNote(note, norm_guid(element.get("creatingUser")),
                                 f"Description of {name!r}", text,
                                 _when(element.get("modifiedDateTime")
                                       or element.get("creationDateTime"))))
    return (note,)


def _unnamed(element: etree._Element, position: int) -> str:
    """The name of a source the file gives none: the file name of its text
    (``interview-3`` for ``internal://interview-3.txt``) or of a PDF or recording
    (``path``), else ``source N`` (N its place among the file's sources). A GUID, as
    ``internal://<guid>.txt`` would give, names nothing a researcher would know."""
    for attribute in ("plainTextPath", "richTextPath", "path"):
        stem = PurePosixPath(unquote(element.get(attribute) or "").replace("\\", "/")).stem
        if stem.strip() and not norm_guid(stem):
            return stem.strip()
    return f"source {position}"


def _read_source(element: etree._Element, archive: SafeZip | None, data: RefiData,
                 deferred: list[tuple[etree._Element, str, str, OffsetResolver]],
                 votes: dict[str, int], position: int) -> None:
    """Read one text source (the ``position``-th of the file's, from 1) and its
    selections.

    Quoted selections are checked first, so that the unit they show places this
    source's unquoted ones; a source with no quote at all is deferred until the
    whole file's quotes have been seen (only those sources stay in memory).
    """
    guid = norm_guid(element.get("guid"))
    name = (element.get("name") or "").strip() or _unnamed(element, position)
    label = f"source {name!r}"
    if not guid:
        data.warnings.append(f"{label}: no valid GUID; skipped")
        return
    first = next((s.name for s in data.sources if s.guid == guid), None)
    if first is not None:
        # Its codings were stored on the other source's text (at the right offsets of
        # the wrong text): it is read as a source of its own.
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"refi-repeat:{guid}:{len(data.sources)}"))
        data.warnings.append(f"{label}: its GUID repeats that of source {first!r}; "
                             "imported under a GUID of its own")
    # A PDF's or a recording's text (made into a TextSource with no parent by
    # _read_media) may be left out of an archive; a text source's may not.
    if (element.find("PlainTextContent") is None and not element.get("plainTextPath")
            and element.get("richTextPath")):
        _read_rich_source(element, guid, name, archive, data)
        return
    raw = _text_of(element, archive, label, data, required=element.getparent() is not None)
    if raw is not None and not OffsetResolver(raw).text.strip():
        data.warnings.append(f"{label}: empty text; skipped")
        raw = None
    if raw is None:
        coded = len(element.findall("PlainTextSelection/Coding"))
        if coded and data.warnings and data.warnings[-1].endswith("skipped"):
            # Its codings go with it: say how many (they were left out without a word).
            data.warnings[-1] += f", with its {coded:,} coding{'' if coded == 1 else 's'}"
        return
    resolver = OffsetResolver(raw)
    ours = data.origin.lower().startswith("qualcoder_ahp")
    roles = read_speakers(element.findtext("Description"))
    stripped = strip_labels(resolver.text, ours=ours, roles=roles)
    former = unspaced(raw)  # as stored before session 24: how a withdrawal knows it
    if former is not None:
        labels_out = strip_labels(former, ours=ours, roles=roles)
        former = labels_out.text if labels_out is not None else former
    notes = _note_refs(element) + _description_note(element, guid, name, data)
    version = version_of(name, element.findtext("Description"))
    created = _when(element.get("creationDateTime"))
    if stripped is None:
        data.sources.append(ImportSource(guid, name, resolver.text, notes, version=version,
                                         created=created, former=former))
    else:
        data.sources.append(ImportSource(guid, name, stripped.text, notes, resolver.text,
                                         stripped.turns, stripped.offsets, version, created,
                                         former))
    selections = element.findall("PlainTextSelection")
    for selection in selections:
        if selection.get("name"):
            _read_selection(selection, guid, name, resolver, data)
    for unit, n in resolver.votes.items():
        votes[unit] = votes.get(unit, 0) + n
    data.matched.extend((units, resolver.best_unit()) for units in resolver.matched)
    for selection in selections:
        if not selection.get("name"):
            if resolver.votes:
                _read_selection(selection, guid, name, resolver, data)
            else:
                deferred.append((selection, guid, name, resolver))
    if element.findall("VariableValue"):
        _source_values(element, guid, name, data)
    if element.findall("Coding"):
        data.drop("whole", name, len(element.findall("Coding")))


def _read_rich_source(element: etree._Element, guid: str, name: str,
                      archive: SafeZip | None, data: RefiData) -> None:
    """A source whose text is a document only (``richTextPath``, as REFI-QDA allows):
    it was skipped with a warning. Its text is read as ``qcahp import`` reads the
    document. Its codings are not placed: their positions count characters of a plain
    text the exporting tool made from the document and did not include, which no reading
    of the document is sure to give again."""
    label = f"source {name!r}"
    parsed = _rich_text(element, archive, label, data)
    coded = len(element.findall("PlainTextSelection/Coding"))
    if parsed is None:
        if coded:
            data.warnings[-1] += f", with its {coded:,} coding{'' if coded == 1 else 's'}"
        return
    notes = _note_refs(element) + _description_note(element, guid, name, data)
    data.sources.append(ImportSource(
        guid, name, parsed.text, notes, turns=tuple(parsed.turns),
        version=version_of(name, element.findtext("Description")),
        created=_when(element.get("creationDateTime"))))
    data.warnings.append(f"{label}: no plain text, only the document "
                         f"{element.get('richTextPath')!r}: its text is read from it as "
                         "`qcahp import` reads a document")
    if coded:
        data.drop("rich-text", name, coded)
    if element.findall("VariableValue"):
        _source_values(element, guid, name, data)
    if element.findall("Coding"):
        data.drop("whole", name, len(element.findall("Coding")))


def _source_values(element: etree._Element, guid: str, name: str, data: RefiData) -> None:
    """A source's own variables (MAXQDA's document variables): attributes of its case.

    Attributes here belong to participants. The values go to the case the file gives
    the source (a value the case has too stays the case's), else to a case of the
    source's own name, made for it, which becomes the transcript's participant.
    """
    values = _values(element, data.variables)
    if not values:
        return
    owners = [i for i, case in enumerate(data.cases) if guid in case.source_guids]
    if owners:
        case = data.cases[owners[0]]
        merged = {**values, **case.attributes}
        data.cases[owners[0]] = replace(case, attributes=merged)
        who = case.name
    else:
        data.cases.append(ImportCase(str(uuid.uuid5(uuid.NAMESPACE_URL, f"refi-case:{guid}")),
                                     name, values, (guid,)))
        who = name
    data.notices.append(
        f"Source {name!r}: its variables ({', '.join(values)}) are kept as attributes of "
        f"participant {who!r} (attributes here belong to participants).")


def _comment(selection: etree._Element, sel_guid: str, quote: str | None,
             data: RefiData) -> tuple[str, ...]:
    """A selection's ``Description`` (ATLAS.ti's quotation comment) as a note on its
    codings: each becomes a memo of the coding's coder. Returns the note's GUID."""
    text = (selection.findtext("Description") or "").replace("\r\n", "\n").strip()
    if not text:
        return ()
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"refi-comment:{sel_guid}"))
    when = _when(selection.get("modifiedDateTime") or selection.get("creationDateTime"))
    data.notes.append(ImportNote(guid, None, f"Comment on {(quote or sel_guid)[:40]!r}", text,
                                 when))
    return (guid,)


def _read_selection(selection: etree._Element, source_guid: str, source_name: str,
                    resolver: OffsetResolver, data: RefiData,
                    default: str = "codepoints") -> None:
    sel_guid = norm_guid(selection.get("guid")) or ""
    try:
        start = int(selection.get("startPosition", ""))
        end = int(selection.get("endPosition", ""))
    except ValueError:
        data.mismatches.append(f"{source_name}: selection {sel_guid}: offsets are not numbers")
        return
    quote = selection.get("name")
    codings = selection.findall("Coding")
    if not codings:
        return
    placed = resolver.resolve(start, end, quote, default)
    if not quote and placed.ok:
        data.unchecked += 1
    if not placed.ok:
        # However the file counted (code points, UTF-16 units, CRLF as two), no offset
        # can lie beyond the longest count of the text: say so rather than "does not
        # match ('')", which reads like a wrong quote.
        longest = max(len(resolver.text), len(resolver.raw),
                      len(resolver.raw.encode("utf-16-le")) // 2)
        if start >= end:
            data.mismatches.append(
                f"{source_name}: selection {sel_guid} [{start}, {end}) is empty or reversed "
                "(its end is not after its start); not imported")
            return
        if start < 0:
            data.mismatches.append(
                f"{source_name}: selection {sel_guid} [{start}, {end}) starts before the "
                "start of its source (a damaged or hand-edited file?); not imported")
            return
        if end > longest:
            data.mismatches.append(
                f"{source_name}: selection {sel_guid} [{start}, {end}) runs past the end of its "
                f"source ({longest:,} characters; a damaged or hand-edited file?); not imported")
            return
        expected = f" quote {quote[:60]!r}" if quote else ""
        data.mismatches.append(
            f"{source_name}: selection {sel_guid} [{start}, {end}){expected} does not match "
            f"the text ({placed.found[:60]!r}); not imported")
        return
    if not quote:  # a quoted one is counted once the file is read (_count_units)
        data.units[placed.unit] = data.units.get(placed.unit, 0) + 1
    key = sel_guid or f"{source_guid}:{start}:{end}"  # a selection without a GUID
    shared_notes = _note_refs(selection) + _comment(selection, key, quote, data)
    text = resolver.text[placed.start:placed.end]
    for coding in codings:
        ref = coding.find("CodeRef")
        theme_guid = norm_guid(ref.get("targetGUID")) if ref is not None else None
        user = norm_guid(coding.get("creatingUser") or selection.get("creatingUser"))
        # Coding@guid is required; without one, derive a stable one per (selection, code,
        # coder). A selection without a GUID of its own is known by its source and span:
        # every such coding of one code once had the same GUID, and all but the first
        # were taken for it and dropped without a word.
        coding_guid = norm_guid(coding.get("guid")) or str(uuid.uuid5(
            uuid.NAMESPACE_URL, f"refi:{key}:{theme_guid}" + (f":{user}" if user else "")))
        if not theme_guid or not coding_guid:
            data.warnings.append(f"{source_name}: a coding of selection {sel_guid} has no "
                                 "code reference or GUID; skipped")
            continue
        when = _when(coding.get("creationDateTime") or selection.get("creationDateTime"))
        data.codings.append(ImportCoding(coding_guid, source_guid, theme_guid, user,
                                         placed.start, placed.end, text,
                                         shared_notes + _note_refs(coding), when))
