"""REFI-QDA codes <-> codebook themes, and ``read_qdc`` for ``.qdc`` codebooks.

A REFI ``Code`` has a GUID, a name, a colour, ``isCodable`` and a free-text
``Description``; our theme also has an id (a stable slug that patterns refer to),
inclusion and exclusion criteria and examples. Export writes them into the
Description as labelled paragraphs a researcher can read in NVivo or MAXQDA::

    Careers that followed a winding route.

    Inclusion: the speaker describes ...

    Exclusion: planned promotions ...

    Examples:
    - I never planned to be a manager
    - It was by chance

    Theme id: winding-route

and import reads them back, so a codebook that travels through another tool and
returns keeps its theme ids (and so its spaCy patterns) and criteria. A Description
without those labels is simply the theme's description; a code without a usable
``Theme id`` gets an id slugified from its name, made unique.

A theme retired from the codebook but kept for its codings has no place in the
schema (``Code`` allows no attribute or element of ours), so it travels as a labelled
paragraph before the id, which a researcher reads in the other tool too::

    Status: retired (removed from the codebook; kept for its codings)

and import keeps it retired (:attr:`ImportTheme.retired`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from qualcoder_ahp.errors import CodebookError, ImportFailed
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.refi.safe import norm_color, norm_guid, parse_xml

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

DEFAULT_COLOR = "#888888"
"""The grey a theme without a colour has (a code whose file gives none, a YAML theme
without ``color``). Only a code that came from a REFI file without a colour goes back
without one (:func:`export_color`); any other grey is a colour like the rest."""
_SLUG_OK = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_LABELS = {"inclusion": "Inclusion:", "exclusion": "Exclusion:", "examples": "Examples:",
           "id": "Theme id:", "status": "Status:"}
_CONTINUED = ("inclusion", "exclusion", "examples")
"""The labelled paragraphs that an unlabelled paragraph after them continues."""
RETIRED_STATUS = "retired (removed from the codebook; kept for its codings)"
"""The ``Status:`` paragraph of a retired theme's Description."""


def slugify(name: str) -> str:
    """A theme id from a name: ascii lower-case words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].strip("-") or "code"


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``."""
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def export_color(color: str, *, uncoloured: bool = False) -> str | None:
    """A theme's ``Code@color``: ``#RRGGBB``; None when ``uncoloured`` (the code came
    from a REFI file without a colour) and the theme still has the grey it was given
    (:data:`DEFAULT_COLOR`), so the other tool gives it its own default rather than a
    grey it never had. A grey chosen here (or in the other tool) is a colour: it goes
    out as ``#888888`` (it used to go out as no colour at all)."""
    found = norm_color(color)
    if found is None or (uncoloured and found.upper() == DEFAULT_COLOR):
        return None
    return found


MERGED_HEADING = "Merged into this code (qcahp codebook merge-theme):"
"""The first line of the paragraph that names the themes merged into a code."""


def merged_paragraph(merged: list[tuple[str, str, str, str]]) -> str:
    """The paragraph naming the themes merged into a code, one a line, each with its id,
    who merged it and when: ``- Luck (theme id luck), by ana on 2026-11-28``.

    REFI-QDA has no element for a merge: the merged theme, retired with no codings
    left, does not go out, and its codings go out under this code. The record goes in
    the code's ``Description``, the one place of the schema that is about the code, as
    text a researcher reads in the other tool. It is not labelled as ours
    (:func:`parse_description` reads it as part of the description), so a project made
    from the file keeps it in the theme's description, and exports it again as it was.
    """
    lines = [f"- {name} (theme id {theme_id}), by {coder} on {at[:10]}"
             for name, theme_id, coder, at in merged]
    return "\n".join([MERGED_HEADING, *lines])


def compose_description(theme: Theme, *, retired: bool = False,
                        merged: list[tuple[str, str, str, str]] | None = None) -> str:
    """The REFI Description of a theme: description, the themes merged into it
    (:func:`merged_paragraph`: ``(name, id, coder, when)``), criteria, examples,
    whether it is retired, and id."""
    blocks = [theme.description.strip()] if theme.description.strip() else []
    if merged:
        blocks.append(merged_paragraph(merged))
    if theme.inclusion.strip():
        blocks.append(f"{_LABELS['inclusion']} {theme.inclusion.strip()}")
    if theme.exclusion.strip():
        blocks.append(f"{_LABELS['exclusion']} {theme.exclusion.strip()}")
    if theme.examples:
        lines = "\n".join(f"- {ex.strip()}" for ex in theme.examples)
        blocks.append(f"{_LABELS['examples']}\n{lines}")
    if retired:
        blocks.append(f"{_LABELS['status']} {RETIRED_STATUS}")
    blocks.append(f"{_LABELS['id']} {theme.id}")
    return "\n\n".join(blocks)


@dataclass
class ParsedDescription:
    """The fields a Description carries back."""

    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: list[str] = field(default_factory=list)
    theme_id: str | None = None
    retired: bool = False
    """A ``Status: retired`` paragraph: the theme was retired from the codebook."""


def parse_description(text: str) -> ParsedDescription:
    """Read back :func:`compose_description`; anything unlabelled is the description.

    A criterion or an example may run over several paragraphs or lines, as a YAML
    codebook's ``|`` block writes it: an unlabelled paragraph after ``Inclusion:``,
    ``Exclusion:`` or ``Examples:`` continues it (it used to become part of the
    description, moved before the criteria), and a line of an example that does not
    start with ``- `` continues that example (it used to be dropped).
    """
    out = ParsedDescription()
    plain: list[str] = []
    current: str | None = None  # the criterion or "examples" an unlabelled block continues
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())]
    # Our criteria follow the description: a paragraph of the description that starts
    # like one ("Inclusion: ...") is the description's when the label comes again later.
    last = {label: n for n, block in enumerate(blocks) for label in _CONTINUED
            if block.startswith(_LABELS[label])}
    for n, stripped in enumerate(blocks):
        if any(stripped.startswith(_LABELS[label]) and n < last[label]
               for label in _CONTINUED):
            plain.append(stripped)
            current = None
        elif stripped.startswith(_LABELS["inclusion"]):
            out.inclusion = stripped[len(_LABELS["inclusion"]):].strip()
            current = "inclusion"
        elif stripped.startswith(_LABELS["exclusion"]):
            out.exclusion = stripped[len(_LABELS["exclusion"]):].strip()
            current = "exclusion"
        elif stripped.startswith(_LABELS["examples"]):
            _read_examples(stripped[len(_LABELS["examples"]):], out.examples, False)
            current = "examples"
        elif (stripped.startswith(_LABELS["status"]) and "\n" not in stripped
              and stripped[len(_LABELS["status"]):].strip().lower().startswith("retired")):
            out.retired = True
            current = None
        elif stripped.startswith(_LABELS["id"]) and "\n" not in stripped:
            candidate = stripped[len(_LABELS["id"]):].strip()
            out.theme_id = candidate if _SLUG_OK.match(candidate) else None
            current = None
        elif stripped and current == "examples":
            _read_examples(stripped, out.examples, True)
        elif stripped and current is not None:
            setattr(out, current, f"{getattr(out, current)}\n\n{stripped}".strip())
        elif stripped:
            plain.append(stripped)
    out.description = "\n\n".join(plain)
    return out


def _read_examples(block: str, examples: list[str], paragraph: bool) -> None:
    """Add the examples of ``block`` (``- `` starts one) to ``examples``: a line that
    does not start one continues the example before it, and a ``paragraph`` (a block
    after a blank line) continues it after a blank line; with no example before, the
    line is one."""
    for n, line in enumerate(block.strip().splitlines()):
        item = line.strip()
        if item.startswith("- "):
            examples.append(item[2:].strip())
        elif item == "-" or not item:
            continue
        elif examples:
            examples[-1] += ("\n\n" if paragraph and n == 0 else "\n") + item
        else:
            examples.append(item)


@dataclass(frozen=True)
class ImportTheme:
    """A code read from a file: its (normalised) GUID and the theme it becomes."""

    guid: str
    theme: Theme
    explicit_id: bool
    """The id came from a ``Theme id:`` line (ours), not from slugifying the name."""
    note_guids: tuple[str, ...] = ()
    retired: bool = False
    """Retired from the codebook where the file was made, kept for its codings."""
    coloured: bool = True
    """The file gave the code a colour (one that could be read): False for a code
    shown in :data:`DEFAULT_COLOR` only because it had none, which goes back without."""


def read_codes(codes_parent: etree._Element | None, warnings: list[str],
               lines: list[int] | None = None) -> list[ImportTheme]:
    """Themes from the ``Code`` tree under ``Codes`` (parents before children).

    Codes without a usable GUID get none (the store makes one); codes whose GUID
    repeats are skipped with a warning; ids are unique within the file. ``lines``, when
    given, gets the file's line of the code each warning is about (one per warning).
    """
    out: list[ImportTheme] = []
    taken: set[str] = set()
    seen_guids: set[str] = set()

    def warn(code: etree._Element, message: str) -> None:
        warnings.append(message)
        if lines is not None:
            lines.append(code.sourceline or 0)

    def walk(element: etree._Element, parent_id: str | None) -> None:
        for position, code in enumerate(element.findall("Code")):
            name = (code.get("name") or "").strip() or "Unnamed code"
            guid = norm_guid(code.get("guid")) or ""
            if guid and guid in seen_guids:
                what = "its children with it; " if code.find("Code") is not None else ""
                warn(code, f"code {name!r}: GUID {guid} repeats that of an earlier code; "
                     f"skipped ({what}a GUID names one code)")
                continue
            if guid:
                seen_guids.add(guid)
            desc_el = code.find("Description")
            parsed = parse_description(desc_el.text or "" if desc_el is not None else "")
            explicit = bool(parsed.theme_id) and parsed.theme_id not in taken
            theme_id = parsed.theme_id if explicit else unique_id(slugify(name), taken)
            taken.add(theme_id)
            raw_color = code.get("color")
            color = norm_color(raw_color)
            if raw_color and color is None:
                warn(code, f"code {name!r}: colour {raw_color!r} not understood (a colour "
                     f"is #RRGGBB); shown grey, {DEFAULT_COLOR}")
            codable = (code.get("isCodable") or "true").strip().lower() not in ("false", "0")
            notes = tuple(g for g in (norm_guid(r.get("targetGUID"))
                                      for r in code.findall("NoteRef")) if g)
            theme = Theme(theme_id, name, parent_id, parsed.description, parsed.inclusion,
                          parsed.exclusion, tuple(parsed.examples), color or DEFAULT_COLOR,
                          codable, position)
            out.append(ImportTheme(guid, theme, explicit, notes, parsed.retired,
                                   color is not None))
            walk(code, theme_id)

    if codes_parent is not None:
        walk(codes_parent, None)
    return out


def read_qdc(path: str | Path) -> Codebook:
    """Read a REFI-QDA ``.qdc`` codebook into a :class:`Codebook` (no database).

    Tolerant like every REFI import (namespace variants, colour forms, GUID case
    and braces, an empty ``<Sets/>``), safe (no entity expansion), and strict about
    what cannot be read: the error names the file. What it had to change or leave out
    is in :func:`read_qdc_file`'s warnings.

    Raises:
        CodebookError: unreadable file, not XML, or no ``CodeBook``/``Codes`` in it.
    """
    return read_qdc_file(path).codebook


def read_qdc_guids(path: str | Path) -> dict[str, str]:
    """Map each theme id :func:`read_qdc` gives to the code's GUID in the file.

    A :class:`Codebook` has no GUIDs; a caller that stores the themes can use this to
    keep the other tool's GUIDs, so that the tool recognises its codes on the way back.
    """
    return read_qdc_file(path).guids


@dataclass
class QdcFile:
    """What :func:`read_qdc_file` read from a ``.qdc``: the codebook and what it lost."""

    codebook: Codebook
    guids: dict[str, str]
    """Theme id -> the code's GUID in the file (codes that have one)."""
    uncoloured: set[str]
    """Ids of the themes whose code had no colour (or one that could not be read): shown
    grey, and, once stored, exported again without a colour (:func:`export_color`)."""
    warnings: list[tuple[int, str]]
    """``(line, message)`` for each thing read otherwise than the file has it: a colour
    not understood, a code whose GUID repeats (skipped), a code marked retired (left
    out). Line 0: not known."""
    named: set[str] = field(default_factory=set)
    """Ids the file gave (our ``Theme id:`` lines); the others were made from names."""


def read_qdc_file(path: str | Path) -> QdcFile:
    """Read a ``.qdc`` as :func:`read_qdc` does, keeping what a caller that stores it
    needs: the GUIDs, the codes without a colour, and the warnings with their lines.

    Raises:
        CodebookError: as :func:`read_qdc`.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CodebookError(f"cannot read the codebook ({exc.strerror})", path=str(file)) from None
    try:
        root = parse_xml(data, path=str(file))
    except ImportFailed as exc:
        raise CodebookError(str(exc).removeprefix(f"{file}: "), path=str(file)) from None
    if root.tag == "Project":
        root = root.find("CodeBook")
    if root is None or root.tag != "CodeBook":
        raise CodebookError("not a REFI-QDA codebook (no CodeBook element)", path=str(file))
    messages: list[str] = []
    lines: list[int] = []
    read = read_codes(root.find("Codes"), messages, lines)
    if not read:
        raise CodebookError("the codebook has no codes", path=str(file))
    themes = _current(read)
    if not themes:
        raise CodebookError("the codebook has no current codes (every one is marked "
                            "retired)", path=str(file))
    warnings = list(zip(lines, messages, strict=True))
    kept = {t.theme.id for t in themes}
    for item in read:
        if item.theme.id not in kept:
            warnings.append((_line_of(root, item), f"code {item.theme.name!r}: marked "
                             "retired in the file (Status: retired); left out of the "
                             "codebook"))
    book = Codebook(file.stem, tuple(t.theme for t in themes), (), None, str(file))
    return QdcFile(book, {t.theme.id: t.guid for t in themes if t.guid},
                   {t.theme.id for t in themes if not t.coloured}, warnings,
                   {t.theme.id for t in themes if t.explicit_id})


def _ids_here(store: Store, qdc: QdcFile) -> dict[str, str]:
    """File theme id -> the id of the theme here holding the code's GUID, for codes
    whose id was made from their name (another tool wrote no ``Theme id:`` line) and
    whose GUID a theme here has under another id: a code renamed in NVivo is that
    theme, renamed, not a new theme beside a retired one. An id another code of the
    file has already is left alone."""
    held = store.refi_theme_ids(set(qdc.guids.values()))
    file_ids = {t.id for t in qdc.codebook.themes}
    out: dict[str, str] = {}
    for theme_id, guid in qdc.guids.items():
        here = held.get(guid)
        if (theme_id not in qdc.named and here is not None and here != theme_id
                and here not in file_ids and here not in out.values()):
            out[theme_id] = here
    return out


def match_stored_themes(store: Store, path: str | Path, codebook: Codebook) -> Codebook:
    """``codebook`` (read from ``path`` for ``qcahp codebook load``) with each code that
    has the GUID of a theme here under that theme's id (:func:`_ids_here`); any other
    codebook unchanged. Before it, a code renamed in the other tool (its GUID kept, no
    ``Theme id:`` line) was loaded as a new theme, and the theme with its codings was
    retired."""
    if Path(path).suffix.lower() != ".qdc":
        return codebook
    ids = _ids_here(store, read_qdc_file(path))
    if not ids:
        return codebook
    themes = tuple(replace(t, id=ids.get(t.id, t.id),
                           parent_id=ids.get(t.parent_id, t.parent_id) if t.parent_id
                           else None) for t in codebook.themes)
    return replace(codebook, themes=themes)


def remember_colours(store: Store, path: str | Path, codebook: Codebook) -> None:
    """After ``qcahp codebook load`` stored ``codebook`` (read from ``path``): remember
    which of its codes came without a colour, as ``qcahp refi import`` does (the setting
    ``refi_uncoloured_themes``), so that an export gives them no colour rather than the
    grey they are shown in. Only a ``.qdc`` has such codes: every other theme of the
    file leaves the list (a YAML theme without ``color`` is grey, and goes out grey).
    A ``.qdc``'s GUIDs are kept too (:meth:`~qualcoder_ahp.model.refi_store.RefiMixin.
    refi_keep_guids`)."""
    qdc = read_qdc_file(path) if Path(path).suffix.lower() == ".qdc" else None
    if qdc is not None:  # the ids it was stored under (match_stored_themes)
        ids = _ids_here(store, qdc)
        qdc = replace(qdc, guids={ids.get(i, i): g for i, g in qdc.guids.items()},
                      uncoloured={ids.get(i, i) for i in qdc.uncoloured})
    uncoloured = qdc.uncoloured if qdc is not None else set()
    every = {t.id for t in codebook.themes}
    if qdc is not None:
        # The other tool's GUIDs, so a codebook sent back and forth keeps its codes'
        # identity (a new theme used to get a GUID of its own, and the tool saw a new
        # code): kept wherever they are free here and the theme has no codings yet.
        # Before the colours, which are remembered by GUID.
        store.refi_keep_guids({i: g for i, g in qdc.guids.items() if i in every})
    store.refi_mark_uncoloured(uncoloured & every, every - uncoloured)


def _line_of(root: etree._Element, item: ImportTheme) -> int:
    """The line of the code ``item`` was read from (by its GUID; 0: not found)."""
    for code in root.iter("Code"):
        if item.guid and norm_guid(code.get("guid")) == item.guid:
            return code.sourceline or 0
    return 0


def _current(themes: list[ImportTheme]) -> list[ImportTheme]:
    """The codes not marked retired (a project's export keeps retired themes for their
    codings): a codebook made of the file leaves them out, as the project did. A current
    code under a retired one moves up to its nearest current ancestor."""
    retired = {t.theme.id for t in themes if t.retired}
    parents = {t.theme.id: t.theme.parent_id for t in themes}
    out = []
    for item in themes:
        if item.retired:
            continue
        parent = item.theme.parent_id
        while parent in retired:
            parent = parents[parent]
        out.append(item if parent == item.theme.parent_id
                   else replace(item, theme=replace(item.theme, parent_id=parent)))
    return out
