"""Read and validate codebooks: YAML theme trees, spaCy/Prodigy pattern JSONL, REFI-QDA ``.qdc``.

A codebook is checked in full before anything is stored: every problem found is
collected as one line ``FILE:LINE: pattern <id>: problem`` (or ``theme <id>``), so a
researcher fixes a file in one pass instead of one error per run
(:class:`~qualcoder_ahp.suggest.checker.Checker`, with the line of every YAML mapping
and key).

This module is the public API (:func:`check_codebook`, :func:`load_codebook`,
:func:`diff_codebooks`) and the reader of the YAML theme tree: the codebook's keys,
each theme (id, colour, texts, examples, children) and each pattern's id, scope, unit
and kind. Each pattern's body is checked by :mod:`~qualcoder_ahp.suggest.pattern_check`;
pattern JSONL and ``.qdc`` files are read by :mod:`~qualcoder_ahp.suggest.pattern_files`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from qualcoder_ahp.errors import CodebookError, closest
from qualcoder_ahp.records import (
    THEME_ID,
    Codebook,
    Pattern,
    Theme,
    theme_name_problem,
    theme_slug,
)
from qualcoder_ahp.suggest import colours
from qualcoder_ahp.suggest.checker import (
    Checker,
    CheckResult,
    _likely,
    _LineLoader,
    not_utf8,
    yaml_hint,
)
from qualcoder_ahp.suggest.pattern_check import check_body
from qualcoder_ahp.suggest.sre_tree import forget_trees, gc_paused

PATTERN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
SCOPES = ("participant", "interviewer", "all")
UNITS = ("sentence", "turn")
BODIES = {"phrase": "phrase", "tokens": "token", "regex": "regex", "dependency": "dependency"}
PATTERN_KEYS = {"id", "scope", "unit", *BODIES}
THEME_KEYS = {"id", "name", "codable", "color", "description", "inclusion", "exclusion",
              "examples", "patterns", "exclude", "children"}
TOP_KEYS = {"name", "version", "pipeline", "themes", "description"}
# Other words for a theme's keys, from other tools, codebook templates and habit: each
# is named with the key meant, as a misspelling is (`desc` is too far from
# `description` for "did you mean" to find it).
THEME_KEY_WORDS = {
    "desc": "description", "definition": "description", "define": "description",
    "descr": "description", "summary": "description", "memo": "description",
    "inclusion_criteria": "inclusion", "include": "inclusion", "inclusions": "inclusion",
    "inclusion_criterion": "inclusion", "includes": "inclusion", "when_to_use": "inclusion",
    "exclusion_criteria": "exclusion", "exclusion_criterion": "exclusion",
    "excludes": "exclusion", "when_not_to_use": "exclusion",
    "colour": "color", "colours": "color", "colors": "color", "hex": "color",
    "label": "name", "title": "name", "theme": "name", "code": "name", "theme_name": "name",
    "example": "examples", "quote": "examples", "quotes": "examples",
    "subthemes": "children", "sub_themes": "children", "subcodes": "children",
    "sub_codes": "children", "child": "children", "themes": "children", "codes": "children",
    "folder": "codable", "is_codable": "codable", "iscodable": "codable",
    "theme_id": "id", "code_id": "id", "key": "id",
}
# And for the codebook's own keys.
TOP_KEY_WORDS = {"title": "name", "label": "name", "codebook": "name", "codebook_name": "name",
                 "theme": "themes", "codes": "themes", "categories": "themes",
                 "nodes": "themes", "tree": "themes", "desc": "description",
                 "model": "pipeline", "spacy_model": "pipeline", "nlp": "pipeline"}


class CodebookInvalid(CodebookError):
    """A codebook with one or more errors; ``errors`` holds every one of them."""

    def __init__(self, errors: list[str], *, path: str | None = None) -> None:
        self.errors = list(errors)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}" if errors else "invalid codebook")


# --------------------------------------------------------------------------- public API
def check_codebook(path: str | Path, *, patterns: str | Path | None = None) -> CheckResult:
    """Read and validate a codebook file, collecting every error.

    Args:
        path: a ``.yaml``/``.yml`` codebook, a spaCy/Prodigy ``.jsonl`` pattern file
            (themes are made from its labels) or a REFI-QDA ``.qdc`` codebook.
        patterns: an optional pattern JSONL file merged into the codebook; its labels
            must be theme ids of the codebook.

    Returns:
        The codebook (``None`` when there are errors), every error and every warning.
    """
    from qualcoder_ahp.suggest import pattern_files

    forget_trees()  # an earlier check's regex parse trees (see pattern_check._compile_checked)
    path = Path(path)
    suffix = path.suffix.lower()
    with gc_paused():  # the regexes' parse trees (see gc_paused)
        if suffix in (".jsonl", ".json"):
            result = pattern_files.check_jsonl_codebook(path)
        elif suffix == ".qdc":
            result = pattern_files.read_qdc_codebook(path)
        else:
            result = _check_yaml(path)
        if patterns is not None and result.codebook is not None:
            result = pattern_files.merge_jsonl(result, Path(patterns))
    if result.errors:
        result.codebook = None
    return result


def load_codebook(path: str | Path, *, patterns: str | Path | None = None) -> Codebook:
    """Read a codebook, raising :class:`CodebookInvalid` (with every error) if it is bad."""
    result = check_codebook(path, patterns=patterns)
    if result.errors or result.codebook is None:
        raise CodebookInvalid(result.errors or [f"{path}: no codebook read"])
    return result.codebook


def diff_codebooks(old: Codebook, new: Codebook,
                   stored: Codebook | None = None) -> dict[str, list[str]]:
    """What loading ``new`` over ``old`` adds, changes and retires (theme and pattern ids).

    ``stored`` has every theme and pattern the project keeps, retired ones too (``old``
    has only those in use). An id of ``new`` that ``old`` lacks and ``stored`` has is not
    added but brought back: a retired (or merged) theme, a retired pattern, or a pattern
    of such a theme, stored all along (``patterns_restored``; ``patterns_changed`` when
    the file changes it). Without ``stored``, every such id counts as added.
    """
    def theme_key(t: Theme) -> tuple[Any, ...]:
        return (t.name, t.parent_id, t.description, t.inclusion, t.exclusion, t.examples,
                t.color.upper(), t.codable)

    def pattern_key(p: Pattern) -> str:
        return json.dumps([p.theme_id, p.kind, p.body, p.scope, p.unit, p.exclude],
                          sort_keys=True)

    every = stored or Codebook(old.name, (), ())
    out: dict[str, list[str]] = {}
    for kind, before, after, kept, key in (
        ("themes", {t.id: t for t in old.themes}, {t.id: t for t in new.themes},
         {t.id: t for t in every.themes}, theme_key),
        ("patterns", {p.id: p for p in old.patterns}, {p.id: p for p in new.patterns},
         {p.id: p for p in every.patterns}, pattern_key),
    ):
        back = [i for i in after if i not in before and i in kept]
        out[f"{kind}_added"] = [i for i in after if i not in before and i not in kept]
        out[f"{kind}_changed"] = [
            i for i in after if (i in before and key(after[i]) != key(before[i]))
            or (i in back and kind == "patterns"
                and key(after[i]) != key(kept[i]))]  # type: ignore[operator]
        out[f"{kind}_retired"] = [i for i in before if i not in after]
        if kind == "themes":
            out["themes_brought_back"] = back
        else:
            out["patterns_restored"] = [i for i in back if i not in out["patterns_changed"]]
    return out


# --------------------------------------------------------------------------- YAML
def check_codebook_text(text: str, name: str = "codebook.yaml") -> CheckResult:
    """Validate a YAML codebook's ``text`` (named ``name`` in messages) as
    :func:`check_codebook` validates a file, without writing it anywhere: the text a
    project keeps of the file last loaded, checked by redaction and withdrawal, holds
    what is being taken out of the project."""
    forget_trees()
    with gc_paused():
        result = _check_yaml(Path(name), text.encode("utf-8"))
    if result.errors:
        result.codebook = None
    return result


def _check_yaml(path: Path, data: bytes | None = None) -> CheckResult:
    ck = Checker(str(path))
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        ck.error(0, "", f"cannot read the file: {exc.strerror or exc}")
        return CheckResult(None, ck.errors)
    try:
        raw = data.decode("utf-8-sig")
        if "\x00" in raw:  # UTF-16 without a byte-order mark decodes, NULs and all
            raise UnicodeError
    except UnicodeError:
        from qualcoder_ahp.importers.normalise import wide_encoding

        wide = wide_encoding(data)
        if wide:
            ck.error(0, "", f"cannot read the file: it is {wide} text, not UTF-8 (save it as "
                     "UTF-8)")
        elif data.count(b"\x00") > len(data) // 100 or _binary(data):
            ck.error(0, "", "cannot read the file: it is not UTF-8 text (a codebook is a YAML "
                     "text file; a .jsonl of patterns or a REFI-QDA .qdc also work)")
        else:
            line, problem = not_utf8(data)
            ck.error(line, "", problem)
        return CheckResult(None, ck.errors)
    loader = _LineLoader(raw)
    ck.loader = loader
    ck.text = raw.splitlines()
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line, hint = yaml_hint(raw, exc, THEME_KEYS | PATTERN_KEYS | TOP_KEYS)
        ck.error(line, "", f"not valid YAML: {problem}{hint}")
        return CheckResult(None, ck.errors)
    finally:
        loader.dispose()
    if data is None:
        ck.error(0, "", "the file is empty (a codebook needs a `name` and `themes`)")
        return CheckResult(None, ck.errors)
    if not isinstance(data, dict):
        ck.error(1, "", "a codebook must be a mapping with `name` and `themes`")
        return CheckResult(None, ck.errors)
    if not {"name", "themes"} & set(data) and path.suffix.lower() not in (".yaml", ".yml"):
        # A transcript given by mistake ("Interviewer: ..." lines read as YAML keys): one
        # line saying so, not a key-by-key list of "given twice" and "unknown key".
        ck.error(1, "", "not a codebook: it has no `name` or `themes` (a codebook is a YAML "
                 "file, .yaml or .yml, a .jsonl of patterns or a REFI-QDA .qdc; a "
                 "transcript is read with `qcahp import`)")
        return CheckResult(None, ck.errors)
    ck.duplicate_keys(data, "")
    instead: dict[str, Any] = {}  # `title:` where `name:` is missing: one line, the error
    for key in data:
        if key not in TOP_KEYS:
            meant = TOP_KEY_WORDS.get(str(key).lower()) or closest(str(key), TOP_KEYS,
                                                                  cutoff=0.75)
            if meant in ("name", "themes") and meant not in data and meant not in instead:
                instead[meant] = key
                continue
            ck.warn(ck.line(data, key), "", f"unknown key {key!r}"
                    + (f" (did you mean {meant!r}?)" if meant else "") + " ignored")

    def needs(key: str, problem: str) -> None:
        if key in instead:
            given = instead[key]
            ck.error(ck.line(data, given), "", f"{problem}: the file has {given!r}; the key is "
                     f"`{key}:`")
        else:
            ck.error(ck.line(data, key) or 1, "", problem)

    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        needs("name", "the codebook needs a `name`")
        name = path.stem
    pipeline = data.get("pipeline")
    if pipeline is not None and not isinstance(pipeline, str):
        ck.error(ck.line(data, "pipeline"), "", "`pipeline` must be a package name or null")
        pipeline = None
    if pipeline and not _pipeline_installed(pipeline):
        ck.warn(ck.line(data, "pipeline"), "",
                f"pipeline {pipeline!r} is not installed: blank('en') is used and dependency "
                "patterns are skipped (nothing is downloaded)")
    ck.has_pipeline = bool(pipeline) and _pipeline_installed(pipeline)
    ck.names_pipeline = bool(pipeline)
    themes_raw = data.get("themes")
    themes: list[Theme] = []
    patterns: list[Pattern] = []
    seen_patterns: dict[str, int] = {}
    if not isinstance(themes_raw, list) or not themes_raw:
        needs("themes", "the codebook needs a non-empty `themes` list")
    else:
        seen_themes: dict[str, int] = {}
        ck.theme_ids = _theme_ids(ck, themes_raw)
        for i, theme in enumerate(themes_raw):
            _theme(ck, theme, None, themes, patterns, seen_themes, seen_patterns,
                   themes_raw[i + 1] if i + 1 < len(themes_raw) else None,
                   ck.item_line(themes_raw, i))
        _colour_warnings(ck, themes)
        _name_warnings(ck, themes)
    if ck.loader is not None:  # keys given twice in mappings no check above visited
        for obj_id in list(ck.loader.duplicates):
            ck.duplicate_keys_of(obj_id, "")
    version = data.get("version")
    if isinstance(version, (dict, list)):
        ck.warn(ck.line(data, "version"), "", "`version` should be a number or a short label: "
                "ignored")
        version = None
    elif isinstance(version, (bool, int, float)) and ck.typed(data, "version") not in (
            "", str(version)):
        typed = ck.typed(data, "version")
        ck.warn(ck.line(data, "version"), "", f"`version: {typed}` is {_yaml_kind(version)} "
                f'to YAML, so it is kept as {str(version)!r}: put it in quotes, version: '
                f'"{typed}"')
    codebook = Codebook(name, tuple(themes), tuple(patterns), pipeline or None, str(path),
                        None if version is None else str(version), _description(ck, data),
                        source_text=raw)
    return CheckResult(codebook, _in_file_order(ck, ck.errors), ck.warnings,
                       {p.id: (p.theme_id, seen_patterns.get(p.id, 0)) for p in patterns})


def _binary(data: bytes) -> bool:
    """Whether a file that is not UTF-8 is not text at all (a .docx, a .xlsx: a zip, or
    control bytes): then "byte 0x.. in column .." would only puzzle."""
    head = data[:4096]
    return head.startswith(b"PK\x03\x04") or sum(
        b < 32 and b not in b"\t\r\n\f" for b in head) > len(head) // 50


def _description(ck: Checker, data: dict[str, Any]) -> str:
    """The codebook's own ``description:`` (what it is for, whom it serves), as text: a
    list or mapping is an error, as for a theme's description."""
    value = data.get("description")
    if value is None:
        return ""
    if not isinstance(value, str):
        ck.error(ck.line(data, "description"), "", "`description` must be text (what the "
                 "codebook is for); put it in quotes if YAML reads it as something else")
        return ""
    return value.strip()


def _in_file_order(ck: Checker, lines: list[str]) -> list[str]:
    """Errors by line (a theme's keys are checked before its patterns, so an unknown key
    below the patterns was listed above them); the same line keeps its order."""
    def line_of(message: str) -> int:
        number = message[len(ck.path) + 1:].split(":", 1)[0]
        return int(number) if number.isdigit() else 0

    return sorted(lines, key=line_of)


def _name_warnings(ck: Checker, themes: list[Theme]) -> None:
    """Warn of two themes of one name (in any case): the pickers, the tree and every
    report would show the name twice, and a coder could not tell which is which. Only a
    warning: under two folders one name can be meant (a REFI codebook has them)."""
    first: dict[str, Theme] = {}
    for theme in themes:
        key = theme.name.casefold()
        if key in first:
            other = first[key]
            where = "another folder" if other.parent_id != theme.parent_id else "the same place"
            ck.warn(ck.theme_ids.get(theme.id, 0), f"theme {theme.id}",
                    f"its name {theme.name!r} is also theme {other.id}'s (line "
                    f"{ck.theme_ids.get(other.id, 0)}), in {where}: the pickers and reports "
                    "would show two of it; give one another name")
        else:
            first[key] = theme


def _colour_warnings(ck: Checker, themes: list[Theme]) -> None:
    """Warn of sibling colours some coder cannot tell apart, and of colours whose tint
    the workbench's dark or light background swallows (:mod:`.colours`)."""
    given = [(t.id, t.parent_id, t.color) for t in themes if t.id in ck.colour_lines]
    for first, second, gap, vision in colours.close_pairs(given):
        seen = "" if vision == "normal" else f" with {vision}"
        ck.warn(ck.colour_lines[second], f"theme {second}",
                f"colour too close to that of its sibling {first} to tell apart{seen} "
                f"(CIEDE2000 {gap:.1f}, under {colours.CLOSE:g}): choose another, such as "
                "one of Paul Tol's muted colours")
    codable = {t.id for t in themes if t.codable}  # a folder is never drawn behind text
    for theme_id, _, colour in given:
        faint = colours.faint(colour) if theme_id in codable else None
        if faint is not None:
            ck.warn(ck.colour_lines[theme_id], f"theme {theme_id}",
                    f"colour {colour} is too {faint} to show against the workbench's "
                    f"{faint} theme: coded text would look uncoded")


def _theme_ids(ck: Checker, raw: Any) -> dict[str, int]:
    """Every theme id the file gives, anywhere in the tree, with its line."""
    out: dict[str, int] = {}
    stack = list(raw) if isinstance(raw, list) else []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("id"), str):
                out.setdefault(item["id"], ck.line(item, "id"))
            if isinstance(item.get("children"), list):
                stack.extend(item["children"])
    return out


def _unknown_theme_key(ck: Checker, raw: dict[Any, Any], key: Any) -> str:
    """What an unknown key of a theme is likely to be, and the fix."""
    value = raw[key]
    if key == "parent":
        # A flat list with parent references, as a spreadsheet codebook has: YAML nests.
        named = ck.theme_ids.get(value) if isinstance(value, str) else None
        where = (f"move it into the `children:` list of theme {value} (line {named})"
                 if named else f"there is no theme {value!r} in this file: add it, then move "
                 "this theme into its `children:` list")
        return ("unknown key 'parent': a theme goes in its parent's `children:` list, "
                f"indented under it, not named by `parent:`; {where}")
    if key in BODIES or key in ("scope", "unit"):
        return (f"unknown key {key!r}: `{key}` belongs to a pattern; is this meant to be an "
                "item of the `patterns:` list above? Indent it under `patterns:`")
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        if any(k in BODIES for v in value for k in v):
            # A list of patterns under a misspelt key: `exclusions:` is not `exclusion:`
            # (the criteria, text) but `exclude:` (the exclusion patterns).
            right = "exclude" if str(key).lower().startswith("excl") else "patterns"
            return (f"unknown key {key!r}: a list of patterns goes under `patterns:`, or "
                    f"under `exclude:` for exclusion patterns (did you mean {right!r}?)")
    meant = THEME_KEY_WORDS.get(str(key).lower().replace(" ", "_").replace("-", "_"))
    if meant and meant != key:
        return f"unknown key {key!r} (did you mean {meant!r}?)"
    return f"unknown key {key!r}{_likely(key, THEME_KEYS)}"


# Keys a first codebook uses for a pattern's body: other tools' words, or a plural.
PATTERN_KEY_WORDS = {"pattern": "", "text": "phrase", "phrases": "phrase", "words": "phrase",
                     "word": "phrase", "term": "phrase", "terms": "phrase",
                     "keyword": "phrase", "keywords": "phrase", "token": "tokens",
                     "regexp": "regex", "re": "regex", "regular_expression": "regex",
                     "label": "", "theme": "", "name": ""}


def _unknown_pattern_key(key: Any, value: Any) -> tuple[str, str]:
    """The message for an unknown key of a pattern, and the key likely meant."""
    word = str(key).lower()
    if word in ("pattern", "phrase_pattern", "token_pattern"):
        # The JSONL key: there a string is a phrase and a list a token pattern.
        meant = "tokens" if isinstance(value, list) else "phrase"
        return (f"unknown key {key!r}: `pattern` is the key of a JSONL line; in a YAML "
                f"codebook the body is `phrase:`, `tokens:`, `regex:` or `dependency:` "
                f"(here {meant!r})", meant)
    if word in ("label", "theme", "name"):
        return (f"unknown key {key!r}: a pattern belongs to the theme whose `patterns:` list "
                "it is in; it has no name or label of its own, only its `id`", "")
    meant = PATTERN_KEY_WORDS.get(word) or closest(str(key), PATTERN_KEYS, cutoff=0.75) or ""
    if word in ("lemma", "lower", "orth") and isinstance(value, str):
        meant = "tokens"
        return (f"unknown key {key!r}: a token attribute goes inside a token pattern, "
                f"tokens: [{{{word.upper()}: {value}}}]", meant)
    return f"unknown key {key!r}" + (f" (did you mean {meant!r}?)" if meant else ""), meant


def _theme(ck: Checker, raw: Any, parent: str | None, themes: list[Theme],
           patterns: list[Pattern], seen: dict[str, int], seen_patterns: dict[str, int],
           after: Any = None, at: int = 0) -> None:
    if not isinstance(raw, dict):
        ck.error(at, f"theme {raw.strip()!r}" if isinstance(raw, str) and raw.strip() else "",
                 _not_a_theme(raw))
        return
    line = ck.line(raw)
    theme_id = raw.get("id")
    what = f"theme {theme_id}"
    if not isinstance(theme_id, str) or not theme_id:
        name = raw.get("name")
        slug = theme_slug(name) if isinstance(name, str) else ""
        if theme_id is None and isinstance(name, str) and name.strip():
            # Named by what the author wrote: "theme: missing `id`" left them to count lines.
            what = f"theme {name.strip()!r}"
            ck.error(ck.line(raw, "name") or line, what, "missing `id`: give it one, such "
                     f"as `id: {slug or 'my_theme'}` (a stable slug the codings keep)")
        else:
            what = f"theme at line {line}"
            typed = ck.typed(raw, "id") or str(theme_id)
            ck.error(line, what, "missing `id`: give it one, such as `id: my_theme` (a "
                     "stable slug the codings keep)" if theme_id is None else
                     f"`id` is {_yaml_kind(theme_id)}, not text: put it in quotes, "
                     f'id: "{typed}"' if isinstance(theme_id, (int, float))
                     and THEME_ID.match(typed) else
                     f"`id` is {_yaml_kind(theme_id)}: give a slug such as `id: "
                     f"{slug or 'my_theme'}`")
        theme_id = f"?line{line}"
    elif not THEME_ID.match(theme_id):
        slug = theme_slug(theme_id) or "winding_route"
        ck.error(ck.line(raw, "id"), what,
                 f"id must be lower-case letters, digits, _ and - (such as {slug})")
    elif theme_id in seen:
        ck.error(ck.line(raw, "id"), what, f"duplicate theme id (first at line {seen[theme_id]})")
    else:
        seen[theme_id] = ck.line(raw, "id")
    ck.duplicate_keys(raw, what)
    for key in raw:
        if key not in THEME_KEYS:
            ck.error(ck.line(raw, key), what, _unknown_theme_key(ck, raw, key))
    color = raw.get("color", "#888888")
    if color is None:
        at = ck.line(raw, "color")
        typed = ck.source(at).split("color", 1)[-1].lstrip(" :")
        hexa = re.match(r"#[0-9A-Fa-f]{3,8}", typed)
        if hexa:
            # `color: #CC6677`: YAML starts a comment at " #", so the colour is empty.
            ck.error(at, what, f"colour {hexa[0]} is read as a YAML comment (a # after a "
                     f'space starts one), so the theme has none: put it in quotes, '
                     f'color: "{hexa[0]}"')
        else:
            ck.error(at, what, 'the colour is empty: give one as #RRGGBB in quotes, such '
                     'as color: "#CC6677" (or leave `color` out for grey)')
        color = "#888888"
    elif not isinstance(color, str) or not COLOR.match(color):
        advice = colours.colour_advice(str(color)) if isinstance(color, (str, int)) else ""
        fix = f": {advice}" if advice else ' (use #RRGGBB in quotes, such as color: "#CC6677")'
        ck.error(ck.line(raw, "color"), what, f"bad colour {color!r}{fix}")
        color = "#888888"
    elif "color" in raw and isinstance(theme_id, str):
        ck.colour_lines[theme_id] = ck.line(raw, "color")
    codable = raw.get("codable", True)
    if not isinstance(codable, bool):
        ck.error(ck.line(raw, "codable"), what, "`codable` must be true or false")
        codable = True
    texts = {}
    for key in ("name", "description", "inclusion", "exclusion"):
        value = raw.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            looks_like_patterns = isinstance(value, list) and any(
                isinstance(v, dict) and any(k in BODIES for k in v) for v in value)
            if key == "exclusion" and looks_like_patterns:
                ck.error(ck.line(raw, key), what, "`exclusion` is the exclusion criteria, "
                         "as text; exclusion patterns go in an `exclude:` list")
            else:
                ck.error(ck.line(raw, key), what, f"`{key}` must be text")
            value = str(value)
        texts[key] = value.strip()
    if texts["name"]:
        # The rule add-theme and the workbench apply: a name fits a picker line.
        problem = theme_name_problem(texts["name"], "its `description:`")
        if problem:
            ck.error(ck.line(raw, "name"), what, problem)
    examples = raw.get("examples") or []
    if isinstance(examples, str):
        ck.error(ck.line(raw, "examples"), what, "`examples` must be a list of strings, "
                 "even for one: examples: [" + json.dumps(examples, ensure_ascii=False) + "]")
        examples = []
    elif not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        ck.error(ck.line(raw, "examples"), what, "`examples` must be a list of strings")
        examples = []
    theme_patterns: list[Pattern] = []
    for key, exclude in (("patterns", False), ("exclude", True)):
        items = raw.get(key) or []
        if not isinstance(items, list):
            ck.error(ck.line(raw, key), what, _not_a_list(key, items, "pattern",
                                                          "id: p1", "phrase: tired"))
            continue
        for i, item in enumerate(items):
            pattern = _pattern(ck, item, theme_id, exclude, seen_patterns,
                               ck.item_line(items, i))
            if pattern is not None:
                theme_patterns.append(pattern)
    if not codable and any(not p.exclude for p in theme_patterns):
        # A folder cannot be coded, so a suggestion of it could never be accepted.
        ids = [p.id for p in theme_patterns if not p.exclude]
        shown = ", ".join(ids[:5]) + (f", ... ({len(ids)} in all)" if len(ids) > 5 else "")
        ck.error(ck.line(raw, "patterns"), what, f"a folder theme (codable: false) cannot have "
                 f"patterns ({shown}); move them to a child theme, or make it codable")
    elif not codable and theme_patterns:
        # An exclusion suppresses its own theme's suggestions, and a folder gets none.
        ck.warn(ck.line(raw, "exclude"), what, "a folder's exclusion patterns exclude "
                "nothing (they do not reach its child themes); move them to a child theme")

    # One space between words, as the store keeps a name typed in the workbench: a
    # `name: |` block's line break would split the theme's row in the tree and pickers.
    themes.append(Theme(theme_id, " ".join(texts["name"].split()) or theme_id, parent,
                        texts["description"], texts["inclusion"], texts["exclusion"],
                        tuple(examples), color.upper(), codable, len(themes)))
    patterns.extend(theme_patterns)
    if "children" in raw and raw["children"] is None:
        # `children:` and then the themes meant for it in line with this one: they are
        # read as its siblings and the tree is wrong, with no error but this.
        if isinstance(after, dict):
            beside = (f"theme {after['id']} (line {ck.line(after, 'id')})"
                      if isinstance(after.get("id"), str) else f"the theme at line "
                      f"{ck.line(after)}")
            ck.error(ck.line(raw, "children"), what, "`children:` has nothing under it: "
                     "indent the themes that belong in it further than `children:`; "
                     f"{beside} is in line with {theme_id}, so it is beside it, not in it")
        else:  # the last of its list: a folder left to fill later, perhaps
            ck.warn(ck.line(raw, "children"), what, "`children:` has nothing under it")
    children = raw.get("children") or []
    if not isinstance(children, list):
        ck.error(ck.line(raw, "children"), what, _not_a_list("children", children, "theme",
                                                             "id: sleep", "name: Sleep"))
        return
    for i, child in enumerate(children):
        _theme(ck, child, theme_id, themes, patterns, seen, seen_patterns,
               children[i + 1] if i + 1 < len(children) else None, ck.item_line(children, i))


def _pattern(ck: Checker, raw: Any, theme_id: str, exclude: bool,
             seen: dict[str, int], at: int = 0) -> Pattern | None:
    if not isinstance(raw, dict):
        ck.error(at, f"theme {theme_id}", _not_a_pattern(raw, theme_id))
        return None
    line = ck.line(raw)
    pattern_id = raw.get("id")
    if pattern_id is None or pattern_id == "":
        ck.error(line, "pattern", f"missing `id` (theme {theme_id})")
        pattern_id = f"?line{line}"
    elif not isinstance(pattern_id, str):
        # `id: 010` is the number 8 to YAML, `id: 1.10` is 1.1 and `id: yes` is true: the
        # pattern would be stored under an id nobody typed. A number read back as typed
        # (`id: 7`) is harmless.
        typed = ck.typed(raw, "id") or str(pattern_id)
        if isinstance(pattern_id, bool) or not isinstance(pattern_id, (int, float)) \
                or typed != str(pattern_id):
            ck.error(ck.line(raw, "id"), f"pattern {typed}", f"`id` is "
                     f"{_yaml_kind(pattern_id)}, not the text typed: put it in quotes, "
                     f'id: "{typed}"')
            pattern_id = typed
    pattern_id = str(pattern_id)
    what = f"pattern {pattern_id}"
    if not pattern_id.startswith("?line"):
        if not PATTERN_ID.match(pattern_id):
            ck.error(ck.line(raw, "id"), what, "id must be letters, digits, _ . : -")
        elif pattern_id in seen:
            ck.error(ck.line(raw, "id"), what,
                     f"duplicate pattern id (first at line {seen[pattern_id]})")
        else:
            seen[pattern_id] = ck.line(raw, "id")
    ck.duplicate_keys(raw, what, nested=True)  # and in its body: {IN: [a], IN: [b]}
    body_named = False  # an unknown key that stands for the body (`phrases:`, `pattern:`)
    for key in raw:
        if key == "exclude":
            # The JSONL form (`"exclude": true`); in YAML a theme holds an `exclude:` list.
            ck.error(ck.line(raw, key), what, "unknown key 'exclude': in a YAML codebook an "
                     "exclusion pattern goes in its theme's `exclude:` list, beside "
                     "`patterns:`")
        elif key not in PATTERN_KEYS:
            problem, meant = _unknown_pattern_key(key, raw[key])
            body_named = body_named or meant in BODIES
            ck.error(ck.line(raw, key), what, problem)
    # Scope and unit first: a pattern without a body still has them checked.
    scope = raw.get("scope", "participant")
    unit = raw.get("unit", "sentence")
    if scope not in SCOPES:
        ck.error(ck.line(raw, "scope"), what, bad_choice("scope", scope, SCOPES))
    if unit not in UNITS:
        ck.error(ck.line(raw, "unit"), what, bad_choice("unit", unit, UNITS))
    bodies = [k for k in BODIES if k in raw]
    if len(bodies) != 1:
        if not bodies and body_named:
            return None  # said above, with the key to use
        problem = "has no body" if not bodies else f"has {len(bodies)} bodies ({', '.join(bodies)})"
        ck.error(line, what, f"{problem}: give exactly one of phrase, tokens, regex, dependency")
        return None
    key = bodies[0]
    kind = BODIES[key]
    body = raw[key]
    body_line = ck.line(raw, key)
    before = len(ck.errors)
    check_body(ck, kind, body, body_line, what)
    if len(ck.errors) > before:
        return None
    if kind == "dependency" and not ck.names_pipeline:
        # Stored, it would never match and the theme's pattern count would say otherwise.
        # A pipeline named but not installed here is only warned of (above): the file
        # may be shared with a machine that has it.
        ck.error(body_line, what, "a dependency pattern needs a trained spaCy pipeline and "
                 "the codebook names none: name an installed one at the top (such as "
                 "pipeline: en_core_web_sm), or write the pattern as tokens, a phrase or a "
                 "regex")
        return None
    if kind == "dependency" and not ck.has_pipeline:
        ck.warn(body_line, what, "dependency pattern skipped: the codebook's pipeline is not "
                "installed here")
    return Pattern(pattern_id, theme_id, kind, body, str(scope), str(unit), exclude)


# Words a team uses for a scope or a unit: each is named with the one meant.
CHOICE_WORDS = {"participants": "participant", "interviewee": "participant",
                "interviewees": "participant", "respondent": "participant",
                "respondents": "participant", "interviewers": "interviewer",
                "everyone": "all", "everybody": "all", "both": "all", "any": "all",
                "sentences": "sentence", "turns": "turn", "paragraph": "turn",
                "answer": "turn", "utterance": "turn"}


def bad_choice(key: str, value: Any, choices: tuple[str, ...]) -> str:
    """``bad scope 'everyone' (use participant, interviewer, all; did you mean 'all'?)``."""
    meant = CHOICE_WORDS.get(str(value).lower()) if not isinstance(value, bool) else None
    if meant not in choices:
        meant = closest(str(value).lower(), choices, cutoff=0.75)
    hint = f"; did you mean {meant!r}?" if meant else ""
    return f"bad {key} {value!r} (use {', '.join(choices)}{hint})"


def _not_a_theme(raw: Any) -> str:
    """Why an item of a `themes:` or `children:` list that is no mapping is no theme."""
    if isinstance(raw, str) and raw.strip():
        slug = theme_slug(raw) or "my_theme"
        return (f"only a name: a theme is a mapping of keys, such as `- id: {slug}` and, "
                f"on the next line in line with `id`, `name: {raw.strip()}`")
    return (f"a theme is a mapping of keys (`- id: my_theme`, then `name: ...` in line "
            f"with `id`), not {_yaml_kind(raw)}")


def _not_a_pattern(raw: Any, theme_id: str) -> str:
    """Why an item of a `patterns:` or `exclude:` list that is no mapping is no pattern."""
    if isinstance(raw, str) and raw.strip():
        slug = theme_slug(raw)[:20].strip("_") or "1"
        return (f"{raw!r} is only text: a pattern is a mapping with an id and a body, "
                f"such as `- id: {theme_id}_{slug}` and, on the next line in line with "
                f"`id`, `phrase: {raw.strip()}`")
    return (f"a pattern is a mapping with an id and a body (`- id: p1`, then `phrase: ...` "
            f"in line with `id`), not {_yaml_kind(raw)}")


def _not_a_list(key: str, value: Any, item: str, first: str, second: str) -> str:
    """Why a `patterns:`, `exclude:` or `children:` that is no list is wrong, and the fix."""
    if isinstance(value, str) and value.strip() and item == "pattern":
        second = f"phrase: {value.strip()}"
    start = (f"start each {item} with `- ` (`- {first}`, then `{second}` on the next line, "
             f"in line with `{first.split(':')[0]}`)")
    if isinstance(value, dict):
        return f"`{key}` must be a list: {start}"
    return f"`{key}` must be a list of {item}s, not {_yaml_kind(value)}: under `{key}:` {start}"



def _yaml_kind(value: Any) -> str:
    """What YAML made of a value, in words: ``the text 'tired'``, ``the number 42``."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes, no, on and off as true or false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else "empty"


def _pipeline_installed(name: str) -> bool:
    import spacy.util

    return bool(spacy.util.is_package(name))
