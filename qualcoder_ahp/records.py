"""Small typed records passed between the layers.

The core (importers, codebook, suggest, agreement, reports, refi) takes and returns
these frozen dataclasses; only :mod:`qualcoder_ahp.model.store` knows the tables.
All offsets are half-open ``[start, end)`` code-point indexes into a transcript's
stored text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

ROLES = ("interviewer", "participant", "other")

THEME_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
"""A theme id: lower-case letters, digits, ``_`` and ``-``. The same shape whether it is
written in a YAML codebook, made by the workbench from a new theme's name, or slugified
from a REFI-QDA code's name, so every stored codebook can be written out and loaded back."""


def theme_slug(name: str) -> str:
    """A theme id made from a name (``Caring for carers`` -> ``caring_for_carers``,
    ``Café culture`` -> ``cafe_culture``), at most 50 characters; ``""`` when no letter
    or digit is left. The workbench names a new theme so, and a codebook check proposes
    it for a theme without an id."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:50].strip("_")


NAME_LIMIT = 80
"""The longest theme name: it must fit a picker line, a tree row and a report heading;
the definition is the place for the rest. The same limit whether the name is typed in
the workbench, given to ``qcahp codebook add-theme``/``edit-theme`` or written in a
codebook file."""


def theme_name_problem(name: str, rest: str = "its definition") -> str | None:
    """Why ``name`` cannot be a theme's name (``None`` when it can).

    One rule for every way a name arrives: the Store (``add-theme``, ``edit-theme``), the
    workbench's picker and edit form (which refuse a name before asking for its folder
    rather than after) and a codebook file's check. ``rest``: the field a long name's rest
    goes in, as the researcher sees it (the workbench's edit form says "Definition"; the
    command line passes its ``--description``; a codebook file its ``description:``).
    """
    name = " ".join(name.split())
    if not name:
        return "a new theme needs a name"
    if not any(ch.isalnum() for ch in name):
        return f"a theme name needs a letter or a digit, not only {name!r}"
    if len(name) > NAME_LIMIT:
        return (f"a theme name has at most {NAME_LIMIT} characters (this one has "
                f"{len(name)}): put the rest in {rest}")
    return None


def transcript_label(name: str, version: int) -> str:
    """A transcript as commands take and show it: ``helen`` (version 1) or ``helen@2``."""
    return name if version == 1 else f"{name}@{version}"


def plural(n: int, word: str) -> str:
    """``1 turn``, ``3 turns``, ``1,204 codings``: every count the tool prints reads as
    English, in the CLI, the workbench, the log and the reports alike."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Turn:
    """One speaker turn of a transcript."""

    speaker: str
    role: str
    start: int
    end: int
    time: str | None = None
    """Timestamp as written in the source (``00:01:02``), kept off the text."""


@dataclass(frozen=True)
class Sentence:
    """A sentence inside a turn, the default unit for suggestions and agreement."""

    start: int
    end: int
    turn_index: int


@dataclass(frozen=True)
class ParsedTranscript:
    """What an importer returns: normalised text and its turns."""

    text: str
    turns: list[Turn]
    format: str
    sentences: list[Sentence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the researcher should know about the file, not a reason to refuse it (for
    example the pages of a PDF that have no text layer, whose words are missing)."""


@dataclass(frozen=True)
class TranscriptInfo:
    """A stored transcript, without its text."""

    id: int
    name: str
    version: int
    format: str
    content_hash: str
    participant: str | None
    words: int
    turns: int
    guid: str

    @property
    def label(self) -> str:
        """The transcript as commands take and show it (:func:`transcript_label`)."""
        return transcript_label(self.name, self.version)


@dataclass(frozen=True)
class CodebookLoad:
    """One ``qcahp codebook load`` of a codebook file, as stored."""

    name: str
    path: str | None
    content_hash: str
    """SHA-256 of the file's text."""
    pipeline: str | None
    loaded_at: str
    """UTC timestamp, ISO 8601."""
    version: str | None = None
    """The file's own ``version:``, if it had one."""
    description: str | None = None
    """The file's own top-level ``description:``, if it had one."""


@dataclass(frozen=True)
class Theme:
    """A codebook theme (a code). ``parent_id`` builds the tree."""

    id: str
    name: str
    parent_id: str | None = None
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: tuple[str, ...] = ()
    color: str = "#888888"
    codable: bool = True
    position: int = 0


def theme_path(themes: Mapping[str, Theme], theme_id: str) -> str:
    """The theme's path in the tree, ``Parent / Child``, from ``themes`` by id (a parent
    not among them ends it; a loop in a damaged tree is followed once)."""
    names: list[str] = []
    seen: set[str] = set()
    current = themes.get(theme_id)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        names.append(current.name)
        current = themes.get(current.parent_id) if current.parent_id else None
    return " / ".join(reversed(names))


@dataclass(frozen=True)
class Pattern:
    """One suggestion pattern of a theme.

    ``kind`` is ``token`` (spaCy Matcher token list), ``phrase`` (a phrase string),
    ``regex`` (a regular expression over the segment text) or ``dependency``
    (DependencyMatcher, only with a trained pipeline). ``exclude`` marks an
    exclusion pattern: a segment it matches gets no suggestion of the theme.
    """

    id: str
    theme_id: str
    kind: str
    body: object
    scope: str = "participant"
    unit: str = "sentence"
    exclude: bool = False


@dataclass(frozen=True)
class Suggestion:
    """One theme on one segment, with the matches and pattern ids that support it."""

    id: int
    transcript_id: int
    theme_id: str
    unit: str
    start: int
    end: int
    pattern_ids: tuple[str, ...]
    matches: tuple[tuple[int, int], ...]
    status: str = "open"
    """``open`` or ``retired`` (its patterns were removed from the codebook)."""
    found: bool = True
    """False when the codebook's patterns no longer find it: kept open only because a
    coder decided on it (its ``pattern_ids`` are those that last found it)."""
    lost_pattern_ids: tuple[str, ...] = ()
    """Patterns that found it in an earlier run and no longer do, while others still do."""


@dataclass(frozen=True)
class Coding:
    """A coder's coding of a span with a theme (the projection of the event log)."""

    id: int
    transcript_id: int
    theme_id: str
    coder: str
    start: int
    end: int
    quote: str
    origin: str
    """``suggested``, ``adjusted``, ``manual``, ``imported`` or ``consensus``."""
    suggestion_id: int | None = None
    memo: str | None = None
    guid: str = ""


@dataclass(frozen=True)
class Codebook:
    """A parsed, validated codebook: the theme tree and its patterns."""

    name: str
    themes: tuple[Theme, ...]
    patterns: tuple[Pattern, ...] = ()
    pipeline: str | None = None
    """An installed trained spaCy pipeline to use instead of ``blank("en")``, if named."""
    source: str | None = None
    """The file it was read from."""
    version: str | None = None
    """The file's own ``version:`` (as written, e.g. ``2`` or ``2.1``), if it has one."""
    description: str = ""
    """The file's own top-level ``description:`` (what the codebook is for), if any."""
    source_text: str | None = field(default=None, compare=False, repr=False)
    """A YAML file's text as read (comments and all), which a load keeps so that ``qcahp
    codebook export`` can write it back as it was; ``None`` for any other codebook."""

    def sizes(self) -> str:
        """``15 themes, 718 patterns, 93 exclusion patterns``: check, load and show count
        the same way, in the CLI and the workbench (load and show used to say "811
        patterns" where check said 718)."""
        positive = sum(1 for p in self.patterns if not p.exclude)
        return (f"{plural(len(self.themes), 'theme')}, {plural(positive, 'pattern')}, "
                f"{plural(len(self.patterns) - positive, 'exclusion pattern')}")
