"""Codebooks from spaCy/Prodigy pattern JSONL files and from REFI-QDA ``.qdc`` files.

A patterns JSONL file has one ``{"label": ..., "pattern": ..., "id": ...}`` per line,
the format spaCy's ``SpanRuler``/``EntityRuler`` and Prodigy use: a string pattern is
a phrase, a list is a token pattern. Labels become theme ids (lower-cased slugs); a
line without an id gets a stable one derived from its label and pattern. Optional
``scope``, ``unit`` and ``exclude`` keys carry our extensions. Such a file is read as
a codebook on its own (one theme per label) or merged into a YAML codebook, whose
theme ids its labels must then name. ``.qdc`` codebooks are read by
:mod:`qualcoder_ahp.refi` when that module is installed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from qualcoder_ahp.errors import UserError, closest
from qualcoder_ahp.records import (
    NAME_LIMIT,
    Codebook,
    Pattern,
    Theme,
    plural,
    theme_name_problem,
    theme_slug,
)
from qualcoder_ahp.suggest.checker import Checker, CheckResult, _likely, not_utf8
from qualcoder_ahp.suggest.codebook import PATTERN_ID, SCOPES, UNITS, bad_choice
from qualcoder_ahp.suggest.pattern_check import check_body
from qualcoder_ahp.suggest.colours import distinct_colours

LINE_KEYS = {"label", "pattern", "id", "scope", "unit", "exclude"}


def derived_pattern_id(label: str, pattern: Any) -> str:
    """A stable id for a JSONL pattern without one: label plus a hash of the pattern."""
    digest = hashlib.sha1(json.dumps([label, pattern], sort_keys=True).encode()).hexdigest()
    return f"{label}_{digest[:8]}"


def wide_text(data: bytes, what: str = "the file") -> str | None:
    """``cannot read the file: it is UTF-16 text, not UTF-8 (save it as UTF-8)`` for a
    JSONL file saved as UTF-16 or UTF-32 (:func:`~qualcoder_ahp.importers.normalise.
    wide_encoding`), else None: without a byte-order mark it decoded, NULs and all, and
    each line was "not valid JSON: Expecting property name"."""
    from qualcoder_ahp.importers.normalise import wide_encoding

    wide = wide_encoding(data)
    return f"cannot read {what}: it is {wide} text, not UTF-8 (save it as UTF-8)" if wide \
        else None


def _jsonl_patterns(ck: Checker, path: Path) -> list[tuple[int, str, Pattern]]:
    """Read pattern JSONL lines into (line, label, Pattern); labels become theme ids."""
    out: list[tuple[int, str, Pattern]] = []
    try:
        data = path.read_bytes()
        wide = wide_text(data)
        lines = [] if wide else data.decode("utf-8-sig").splitlines()
    except OSError as exc:
        ck.error(0, "", f"cannot read the file: {exc.strerror or exc}")
        return out
    except UnicodeDecodeError:
        line, problem = not_utf8(data)
        ck.error(line, "", problem)
        return out
    if wide:
        ck.error(0, "", wide)
        return out
    yaml_line = _yaml_codebook_line(lines)
    if yaml_line:
        # A YAML codebook given as --patterns: one line, not one "not a JSON object" a line.
        ck.error(yaml_line, "", "this is a YAML codebook, not a patterns JSONL file (no line "
                 'is {"label": ..., "pattern": ...}): give it a .yaml name and load it as the '
                 "codebook (`qcahp codebook load FILE.yaml`); --patterns takes a .jsonl file "
                 "of such lines")
        return out
    seen: dict[str, int] = {}
    derived: list[tuple[int, str]] = []  # (line, id) of the lines without an id
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        twice: list[str] = []
        try:
            row = json.loads(text, object_pairs_hook=_keeping_track(twice))
        except json.JSONDecodeError as exc:
            if not text.lstrip().startswith(("{", "[")):
                # `label: FATIGUE, pattern: tired`, or a YAML codebook's line: not JSON at all.
                ck.error(number, "", "not a JSON object: each line of a patterns file is one "
                         '{"label": ..., "pattern": ...} in braces, with double quotes '
                         '(a YAML codebook is a .yaml file)')
                continue
            ck.error(number, "", f"not valid JSON: {exc.msg}{_json_hint(text, exc)}")
            continue
        except RecursionError:  # (was a traceback)
            ck.error(number, "", "not valid JSON: nested too deeply")
            continue
        if not isinstance(row, dict):
            ck.error(number, "", 'each line must be one JSON object, {"label": ..., '
                     f'"pattern": ...}}, not a {_json_kind(row)}')
            continue
        missing = [key for key in ("label", "pattern") if key not in row]
        if missing:
            # Name the key: "needs label and pattern" on a line that has one sent the
            # researcher looking for what was wrong with both.
            what = f"pattern {row['id']}" if isinstance(row.get("id"), str) else ""
            typos = [(key, closest(str(key), missing, cutoff=0.75)) for key in row
                     if key not in LINE_KEYS]
            typo = "".join(f"; the line has {key!r}: spell it {meant!r}"
                           for key, meant in typos if meant)
            ck.error(number, what, f"missing {' and '.join(f'`{k}`' for k in missing)}{typo} "
                     '(each line needs {"label": ..., "pattern": ...})')
            continue
        label = _slug(str(row["label"]))
        body = row["pattern"]
        pattern_id = str(row.get("id") or derived_pattern_id(label, body))
        what = f"pattern {pattern_id}"
        before = len(ck.errors)  # every problem of the line, not only the first
        for key in dict.fromkeys(twice):
            # As in YAML: `{"label": "a", ..., "label": "b"}` keeps "b" without a word.
            ck.error(number, what, f"key {key!r} given twice: JSON keeps only the last one "
                     "and drops the first without a word")
        if not PATTERN_ID.match(pattern_id):
            # As in a YAML codebook, so `qcahp codebook export` writes a file that loads back.
            ck.error(number, what, "id must be letters, digits, _ . : -")
        elif pattern_id in seen:
            ck.error(number, what, f"duplicate pattern id (first at line {seen[pattern_id]})")
        else:
            seen[pattern_id] = number
        kind = "phrase" if isinstance(body, str) else "token"
        for key in row:
            if key not in LINE_KEYS:
                # A misspelt extension (`scpoe`) would silently leave the default.
                close = _likely(key, LINE_KEYS)
                (ck.error if close else ck.warn)(
                    number, what, f"unknown key {key!r}{close}" + ("" if close else " ignored"))
        exclude = row.get("exclude", False)
        if not isinstance(exclude, bool):
            ck.error(number, what, f"`exclude` must be true or false, not {exclude!r}")
        scope = row.get("scope", "participant")
        unit = row.get("unit", "sentence")
        if scope not in SCOPES:
            ck.error(number, what, bad_choice("scope", scope, SCOPES))
        if unit not in UNITS:
            ck.error(number, what, bad_choice("unit", unit, UNITS))
        if isinstance(body, str) and not body.strip() or body in ([], {}, None) \
                or isinstance(body, (bool, int, float)):
            # Said as the file has it: "`phrase` must be a non-empty string" named a key
            # the line does not have.
            shape = _json_kind(body)
            given = ("empty" if body in ("", [], {}) or not str(body).strip() else
                     f"a {shape}" if shape == "number" else shape)
            ck.error(number, what, "`pattern` must be a phrase (text) or a token pattern (a "
                     f"list of token specs such as [{{\"LOWER\": \"tired\"}}]): it is {given}")
        else:
            check_body(ck, kind, body, number, what)
        if len(ck.errors) == before:
            out.append((number, label,
                        Pattern(pattern_id, label, kind, body, scope, unit, exclude is True)))
            if not row.get("id"):
                derived.append((number, pattern_id))
    if derived:
        ck.warn(derived[0][0], "", derived_ids_note(derived))
    return out


def _yaml_codebook_line(lines: list[str]) -> int:
    """The line of a YAML codebook's ``themes:`` key, when no line of the file looks like
    JSON and it has one (a codebook given where a patterns file goes); else 0."""
    if any(text.lstrip().startswith(("{", "[")) for text in lines):
        return 0
    for number, text in enumerate(lines, 1):
        if re.match(r"themes\s*:", text):
            return number
    return 0


def derived_ids_note(derived: list[tuple[int, str]]) -> str:
    """The warning for the lines of a patterns JSONL without an ``"id"`` (``(line, id)``
    each): their ids come from their label and pattern, so an edited pattern is a new
    pattern, and what the old one found and was decided stays with the old id. No id
    scheme keeps them without the file's help: one from the line's place (label and
    ordinal) moves to another pattern when a line is added above it, which would count
    one pattern's decisions for another without a word."""
    lines = [str(number) for number, _ in derived]
    shown = ", ".join(lines[:8]) + (f", ... ({len(lines)} in all)" if len(lines) > 8 else "")
    many = len(lines) > 1
    number, first = derived[0]
    return (f"{plural(len(derived), 'line')} without an \"id\" (line{'s' if many else ''} "
            f"{shown}): {'each gets' if many else 'it gets'} an id made from its label and "
            "pattern, so editing a line's pattern makes a new pattern: `qcahp patterns` "
            "starts its record afresh, and what the edit made it miss stays with the old "
            "id, retired. Give a line an \"id\" to keep its record across edits (line "
            f"{number}: \"id\": \"{first}\" keeps the one it has now).")


def is_derived(pattern: Pattern) -> bool:
    """Whether ``pattern``'s id is the one a JSONL line without an id gets."""
    return pattern.id == derived_pattern_id(pattern.theme_id, pattern.body)


def jsonl_line_of(path: Path, pattern_id: str) -> int:
    """The line of a patterns JSONL file that makes ``pattern_id`` (0: none does)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeError):
        return 0
    for number, text in enumerate(lines, 1):
        try:
            row = json.loads(text)
        except ValueError:
            continue
        if isinstance(row, dict) and "label" in row and "pattern" in row and str(
                row.get("id") or derived_pattern_id(_slug(str(row["label"])),
                                                    row["pattern"])) == pattern_id:
            return number
    return 0


def _keeping_track(twice: list[str]) -> Any:
    """A ``json.loads`` hook that builds each object as usual and adds to ``twice`` each
    key an object of the line gives twice (in the line itself or in a token spec)."""
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                twice.append(key)
            seen.add(key)
        return dict(pairs)

    return hook


def _slug(label: str) -> str:
    """Prodigy labels are often upper case (``SERENDIPITY``); theme ids are lower-case slugs."""
    slug = re.sub(r"[^a-z0-9_]+", "_", label.strip().lower()).strip("_")
    return slug if slug and slug[0].isalpha() else f"t_{slug}"


def check_jsonl_codebook(path: Path) -> CheckResult:
    """Read a patterns JSONL file as a codebook: one theme per label."""
    ck = Checker(str(path))
    rows = _jsonl_patterns(ck, path)
    labels = list(dict.fromkeys(label for _, label, _ in rows))
    if not rows and not ck.errors:
        ck.error(0, "", "no patterns in the file")
    colours = distinct_colours(len(labels))
    themes = tuple(Theme(label, label.replace("_", " ").capitalize(),
                         color=colours[i], position=i)
                   for i, label in enumerate(labels))
    first = {}
    for number, label, pattern in rows:
        first.setdefault(label, (number, pattern.id))
    for theme in themes:
        if len(theme.name) > NAME_LIMIT:
            # The theme's id and name are made from the label: the rule add-theme and
            # the workbench apply to a name (it must fit a picker line) applies to it.
            number, pattern_id = first[theme.id]
            ck.error(number, f"pattern {pattern_id}", f"its label makes a theme name of "
                     f"{len(theme.name)} characters; a theme name has at most {NAME_LIMIT}: "
                     "give a shorter label (a label is the theme's id, such as fatigue)")
    errors = sorted(ck.errors, key=lambda e: _line_of(e, ck.path))
    codebook = Codebook(path.stem, themes, tuple(p for _, _, p in rows), None, str(path))
    return CheckResult(codebook, errors, ck.warnings)


def merge_jsonl(result: CheckResult, path: Path) -> CheckResult:
    """Add a patterns JSONL file's patterns to a checked codebook (labels = theme ids)."""
    assert result.codebook is not None
    ck = Checker(str(path))
    rows = _jsonl_patterns(ck, path)
    themes = {t.id: t for t in result.codebook.themes}
    taken = {p.id: p.theme_id for p in result.codebook.patterns}
    added: list[Pattern] = []
    for number, label, pattern in rows:
        if label not in themes:
            ck.error(number, f"pattern {pattern.id}", f"label {label!r} is not a theme id of "
                     f"{result.codebook.source}{_label_hint(str(label), themes)}")
        elif not themes[label].codable and not pattern.exclude:
            ck.error(number, f"pattern {pattern.id}", f"theme {label!r} is a folder")
        elif pattern.id in taken:
            theme, line = result.pattern_lines.get(pattern.id, (taken[pattern.id], 0))
            at = f"{result.codebook.source}:{line}" if line else f"{result.codebook.source}"
            ck.error(number, f"pattern {pattern.id}", f"pattern id already used in the "
                     f"codebook, at {at} (theme {theme}): give this one another id")
        else:
            added.append(pattern)
    cb = result.codebook
    # The YAML file's text is no longer the codebook: an export writes it from the store.
    merged = dataclasses.replace(cb, patterns=cb.patterns + tuple(added), source_text=None)
    errors = sorted(ck.errors, key=lambda e: _line_of(e, ck.path))  # the file's line order
    return CheckResult(merged, result.errors + errors, result.warnings + ck.warnings)


def _line_of(message: str, path: str) -> int:
    number = message[len(path) + 1:].split(":", 1)[0]
    return int(number) if number.isdigit() else 0


def _json_kind(value: object) -> str:
    """``list`` as JSON names it: an array (a Prodigy task, or a bare token pattern)."""
    return {list: "JSON array", str: "string", int: "number", float: "number",
            bool: "true or false"}.get(type(value), "null" if value is None else "value")


# --------------------------------------------------------------------------- REFI-QDA
def read_qdc_codebook(path: Path) -> CheckResult:
    """Read a REFI-QDA codebook through :func:`qualcoder_ahp.refi.read_qdc`."""
    try:
        from qualcoder_ahp.refi import read_qdc  # type: ignore[attr-defined]
    except ImportError:
        return CheckResult(None, [f"{path}: reading REFI-QDA .qdc codebooks is not available "
                                  "in this installation (qualcoder_ahp.refi is missing)"])
    try:  # with what the reader changed or left out (a colour, a repeated GUID...)
        from qualcoder_ahp.refi import read_qdc_file  # type: ignore[attr-defined]
    except ImportError:
        read_qdc_file = None
    try:
        read = read_qdc_file(path) if read_qdc_file else None
        codebook = read.codebook if read else read_qdc(path)
    except UserError as exc:
        return CheckResult(None, [str(exc)])
    # #RRGGBB in capitals, as a YAML codebook's are stored: an export of it loads back the same.
    codebook = dataclasses.replace(codebook, themes=tuple(
        dataclasses.replace(t, color=t.color.upper()) for t in codebook.themes))
    ck = Checker(str(path))
    for line, warning in read.warnings if read else ():
        ck.warn(line, "", warning)
    lines: list[str] | None = None
    for theme in codebook.themes:
        problem = theme_name_problem(theme.name, "its description")
        if problem:
            if lines is None:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            ck.error(_qdc_line(lines, theme.name), f"theme {theme.id}",
                     f"{problem} (rename the code in the tool that wrote the file, or in "
                     "the file)")
    return CheckResult(codebook, ck.errors, ck.warnings)


def _qdc_line(lines: list[str], name: str) -> int:
    """The line of a ``.qdc`` holding the code named ``name`` (0: not found)."""
    from xml.sax.saxutils import quoteattr

    typed = quoteattr(name, {"'": "&apos;"})[1:-1]
    for number, text in enumerate(lines, 1):
        if f'name="{typed}"' in text or f"name='{typed}'" in text:
            return number
    return 0


def _json_hint(text: str, exc: json.JSONDecodeError) -> str:
    """The slip behind a pattern line's JSON error, as Python or a YAML habit makes it:
    single quotes, or a comma after the last item."""
    if re.search(r",\s*[}\]]", text[:exc.pos + 1]):
        return (f" (column {exc.colno}): a comma after the last item; JSON allows none "
                "before } or ]")
    if exc.msg.startswith("Invalid \\escape"):
        return (f" (column {exc.colno}): a backslash in JSON is written twice, "
                f"{text[exc.pos:exc.pos + 2].replace(chr(92), chr(92) * 2)}")
    quoted = re.match(r"'([^'\"]*)'", text[exc.pos:])
    if "Expecting property name" in exc.msg and quoted:
        return f": JSON needs double quotes, \"{quoted[1]}\", not '{quoted[1]}'"
    return ""


def _label_hint(label: str, themes: dict[str, Any]) -> str:
    """A theme's name given as the label, a likely typo, or the theme still to add."""
    named = [t for t in themes.values() if label.casefold() in (
        t.name.casefold(), theme_slug(t.name))]  # the label as read is already a slug
    if named:
        return (f": theme {named[0].id} is named {named[0].name!r}; a label is a theme id: "
                f"use {named[0].id!r}")
    close = closest(label, themes)
    if close:
        return f" (did you mean {close!r}?)"
    return f": add a theme with `id: {label}` to it first, or label the pattern with one it has"
