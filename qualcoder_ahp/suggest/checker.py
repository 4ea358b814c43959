"""Where a codebook's problems are: file and line for every error and warning.

:class:`Checker` collects every problem found while a codebook is read, each as one
line ``FILE:LINE: pattern <id>: problem`` (or ``theme <id>``), so a researcher fixes a
file in one pass instead of one error per run. Line numbers come from the YAML node
marks: a small SafeLoader subclass (:class:`_LineLoader`) records, for every mapping it
builds, the line of the mapping and of each of its keys, and each key given twice.
:class:`CheckResult` is what a check returns; :func:`yaml_hint` names the line and the
likely slip behind a YAML syntax error (a tab, a key without its colon, a backslash in
double quotes...). Used by the YAML reader
(:mod:`~qualcoder_ahp.suggest.codebook`), the pattern body checks
(:mod:`~qualcoder_ahp.suggest.pattern_check`) and the JSONL and ``.qdc`` readers
(:mod:`~qualcoder_ahp.suggest.pattern_files`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from qualcoder_ahp.errors import closest
from qualcoder_ahp.records import Codebook


@dataclass
class CheckResult:
    """What :func:`~qualcoder_ahp.suggest.codebook.check_codebook` found: the codebook
    (if valid), errors and warnings."""

    codebook: Codebook | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pattern_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Pattern id → (theme id, line) in a YAML codebook: a patterns JSONL merged into it
    that reuses an id is told where the id is."""

    @property
    def ok(self) -> bool:
        """True when the codebook has no errors."""
        return not self.errors


# libyaml's parser (PyYAML's C extension, when built with it) reads a codebook of hundreds
# of patterns several times faster; its nodes carry the same line marks.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """A SafeLoader that remembers the line of every mapping and of each key in it."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.lines: dict[int, int] = {}
        self.key_lines: dict[tuple[int, str], int] = {}
        self.duplicates: dict[int, list[tuple[str, int, int]]] = {}
        """Per mapping: each key given twice, its line and the first one's (YAML keeps
        only the last value, so the first, often a whole list of patterns, is lost)."""
        self.item_lines: dict[int, list[int]] = {}
        """Per list: the line of each item (a bare name where a theme or a pattern, a
        mapping, was meant has no line of its own otherwise)."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Any:
    data: dict[Any, Any] = {}
    loader.lines[id(data)] = node.start_mark.line + 1
    yield data
    first: dict[str, int] = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            line = key_node.start_mark.line + 1
            if key_node.value in first:
                loader.duplicates.setdefault(id(data), []).append(
                    (key_node.value, line, first[key_node.value]))
            first.setdefault(key_node.value, line)
            loader.key_lines[(id(data), key_node.value)] = line
    data.update(loader.construct_mapping(node, deep=True))


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> Any:
    data: list[Any] = []
    loader.item_lines[id(data)] = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class Checker:
    """Collects errors and warnings with file and line while building records."""

    def __init__(self, path: str, loader: _LineLoader | None = None) -> None:
        self.path = path
        self.loader = loader
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.has_pipeline = False
        """Whether the codebook names an installed trained pipeline (POS, DEP... work)."""
        self.names_pipeline = False
        """Whether the codebook names a trained pipeline at all (installed here or not)."""
        self.colour_lines: dict[str, int] = {}
        """Theme id → line of the colour it gives (themes left grey are not there)."""
        self.theme_ids: dict[str, int] = {}
        """Every theme id in the file, with its line (for a `parent:` key's message)."""
        self.text: list[str] = []
        """The file's lines as typed, for messages about what YAML made of them (a
        colour read as a comment)."""

    def source(self, line: int) -> str:
        """Line ``line`` (1-based) of the file as typed, or ``""``."""
        return self.text[line - 1] if 0 < line <= len(self.text) else ""

    def typed(self, obj: Any, key: str) -> str:
        """The value of ``key`` in the mapping ``obj`` as typed on its line (``2.10``
        where YAML read the number 2.1), or ``""`` when it is not on one line."""
        text = self.source(self.line(obj, key))
        found = re.match(rf"^\s*(?:-\s+)?{re.escape(key)}\s*:\s*([^\s#'\"][^#]*?)\s*(?:#.*)?$",
                         text)
        return found[1] if found else ""

    def duplicate_keys(self, obj: Any, what: str, *, nested: bool = False) -> None:
        """An error for each key this mapping gives twice (reported once per mapping);
        with ``nested``, also for every mapping inside it (a pattern's token predicates,
        ``{IN: [a], IN: [b]}``, that no other check visits)."""
        if self.loader is None or not self.loader.duplicates:
            return
        if not nested:
            self.duplicate_keys_of(id(obj), what)
            return
        # Each mapping and list once: YAML anchors share them, even within themselves.
        stack, seen = [obj], set()
        while stack:
            item = stack.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            self.duplicate_keys_of(id(item), what)
            values = item.values() if isinstance(item, dict) else item
            stack.extend(v for v in values if isinstance(v, (dict, list)))

    def duplicate_keys_of(self, obj_id: int, what: str) -> None:
        """:meth:`duplicate_keys` of the mapping whose ``id()`` is ``obj_id``."""
        if self.loader is None:
            return
        for key, line, first in self.loader.duplicates.pop(obj_id, []):
            self.error(line, what, f"key {key!r} given twice (first at line {first}): YAML "
                       "keeps only the last one and drops the first without a word")

    def line(self, obj: Any, key: str | None = None) -> int:
        if self.loader is None:
            return 0
        if key is not None and (id(obj), key) in self.loader.key_lines:
            return self.loader.key_lines[(id(obj), key)]
        return self.loader.lines.get(id(obj), 0)

    def item_line(self, items: Any, index: int) -> int:
        """The line of item ``index`` of the list ``items`` (0: not known)."""
        lines = self.loader.item_lines.get(id(items), []) if self.loader is not None else []
        return lines[index] if index < len(lines) else 0

    def error(self, line: int, what: str, problem: str) -> None:
        # Line 0 means the whole file (it could not be read or parsed at all).
        where = f"{self.path}:{line}" if line else self.path
        self.errors.append(f"{where}: {what + ': ' if what else ''}{problem}")

    def warn(self, line: int, what: str, problem: str) -> None:
        where = f"{self.path}:{line}" if line else self.path
        self.warnings.append(f"{where}: {what + ': ' if what else ''}{problem}")


def not_utf8(data: bytes, what: str = "the file") -> tuple[int, str]:
    """The line and the one-line message for a file that is not UTF-8 (and not UTF-16
    or UTF-32, which :func:`~qualcoder_ahp.importers.normalise.wide_encoding` names):
    where the first byte that is not UTF-8 is, and what it likely was, as Word, Excel or
    an old editor save ``é`` (Windows-1252)."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
    else:
        return 0, f"cannot read {what}: it is not UTF-8 text"
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    char = data[start:start + 1].decode("cp1252", errors="replace")
    was = f" ({char!r} in Windows-1252, as Word, Excel and older editors save " \
        "text)" if char.isprintable() and char != "\ufffd" else ""
    return line, (f"cannot read {what}: it is not UTF-8 text: byte 0x{data[start]:02X} in "
                  f"column {column}{was}; save it as UTF-8")


def _likely(key: object, known: set[str]) -> str:
    """``" (did you mean 'description'?)"`` for a misspelt key, else nothing."""
    close = closest(str(key), known, cutoff=0.75)
    return f" (did you mean {close!r}?)" if close else ""


def yaml_hint(raw: str, exc: yaml.YAMLError, keys: set[str]) -> tuple[int, str]:
    """The line to name for a YAML syntax error, and where and the likely slip behind it:
    a tab, a key without its colon, an unquoted colon in a value, a line indented too far
    or not far enough, an unclosed quote, a backslash in double quotes. ``keys`` are the
    codebook's keys (a line starting with one and no colon is a missing colon)."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return 0, ""
    out = f" (column {mark.column + 1})"
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark.line != mark.line:
        out += f", {context} that starts at line {context_mark.line + 1}"
    lines = raw.splitlines()
    text = lines[mark.line] if mark.line < len(lines) else ""
    indent = text[:len(text) - len(text.lstrip())]
    problem = str(getattr(exc, "problem", "") or "")
    if "\t" in indent or text[mark.column:mark.column + 1] == "\t":
        return mark.line + 1, out + ": the line holds a tab; YAML indents with spaces only"
    # `name Physical health`: YAML reads on to the next line looking for the colon, and
    # names that line; the slip is on the key's own line (or the line above).
    suspects = [context_mark.line] if context_mark is not None else []
    suspects += [i for i in (mark.line, mark.line - 1) if i >= 0]
    for i in suspects:
        fixed = _colon_missing(lines[i] if i < len(lines) else "", keys)
        if fixed:
            return i + 1, (f": `{lines[i].strip()}` has no colon after its key; write "
                           f"`{fixed}`")
    if context_mark is not None and context_mark.line < mark.line and context in (
            "while parsing a flow sequence", "while parsing a flow mapping",
            "while scanning a quoted scalar"):
        # `tokens: [{LOWER: worn}` or `phrase: "worn out`: YAML reads on to a later line
        # (or the end of the file) and names that; the slip is where it opened.
        opened = lines[context_mark.line] if context_mark.line < len(lines) else ""
        char = opened[context_mark.column:context_mark.column + 1] or "["
        closer = {"[": "]", "{": "}"}.get(char, char)
        if closer in text and char in "[{":  # closed later: a comma missing, say
            return mark.line + 1, out
        return context_mark.line + 1, (f" (line {mark.line + 1}): the {char} opened in column "
                                       f"{context_mark.column + 1} of this line is never "
                                       f"closed: end it with {closer}")
    if "mapping values are not allowed" in problem:
        pair = re.match(r"^\s*(?:-\s+)?([^\s:#'\"][^:#]*):\s+(.*\S)\s*$", text)
        if pair and re.search(r":(?:\s|$)", pair.group(2)):
            key, value = pair.groups()
            shown = value.replace('"', '\\"')
            return mark.line + 1, (out + f": the value of `{key}` holds a colon and a space; "
                                   f'put it in quotes: {key}: "{shown}"')
        return mark.line + 1, out + _indent_hint(lines, mark.line)
    if "unknown escape character" in problem:
        # "\d+ hours": in double quotes a backslash starts a YAML escape, and \d is none.
        typed = re.match(r'^\s*(?:-\s+)?(\w+):\s*"(.*)"\s*$', text)
        fix = (f": {typed[1]}: '{typed[2]}'" if typed and "'" not in typed[2]
               and "\\\\" not in typed[2] else "")
        return mark.line + 1, (out + ": in double quotes a backslash starts a YAML escape; "
                               f"put a regular expression in single quotes{fix}")
    if "expected '-' indicator" in problem and context_mark is not None:
        # A key in line with the list's `-`: it belongs to the item above (indent it to
        # that item's keys) or starts a new one (`- `).
        item = lines[context_mark.line] if context_mark.line < len(lines) else ""
        dash = re.match(r"^(\s*-\s+)", item)
        if dash:
            return mark.line + 1, (out + ": check this line's indentation: a key of the item "
                                   f"above starts in column {len(dash.group(1)) + 1}, in line "
                                   "with its first key; a new item starts with `- `")
    return mark.line + 1, out


def _indent_hint(lines: list[str], at: int) -> str:
    """Where line ``at`` (a key indented unlike the item above: YAML read it as more of
    the value above) should start: `` `phrase` starts in column 6, `id` above (line 12)
    in column 5 ...``."""
    general = ("; check this line's indentation: the keys of one theme or pattern start in "
               "the same column")
    this = re.match(r"^(\s*)(?:-\s+)?([^\s:#'\"]+):", lines[at]) if at < len(lines) else None
    above = at - 1
    while above >= 0 and (not lines[above].strip() or lines[above].lstrip().startswith("#")):
        above -= 1
    prev = re.match(r"^(\s*(?:-\s+)?)([^\s:#'\"]+):\s*\S", lines[above]) if above >= 0 else None
    if not this or not prev or len(this.group(1)) == len(prev.group(1)):
        return ":" + general[1:]
    return (f": `{this.group(2)}` starts in column {len(this.group(1)) + 1}, but "
            f"`{prev.group(2)}` on line {above + 1} in column {len(prev.group(1)) + 1} (YAML "
            f"read this line as more of its value){general}")


def _colon_missing(text: str, keys: set[str]) -> str:
    """``name: Physical health`` for a line typed ``name Physical health`` (a key of a
    codebook without its colon), else ``""``."""
    typed = re.match(r"^\s*(-\s+)?([A-Za-z_]+)\s+(\S.*)$", text)
    if not typed or typed.group(2) not in keys or re.search(r":(\s|$)", typed.group(3)):
        return ""  # not a key, or a colon further on (a value holding one, another slip)
    return f"{typed.group(1) or ''}{typed.group(2)}: {typed.group(3).rstrip()}"
