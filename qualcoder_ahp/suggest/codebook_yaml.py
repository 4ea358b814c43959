"""Write a codebook as the YAML that ``qcahp codebook check`` and ``load`` read back.

The stored codebook can differ from any file: themes added in the workbench while
coding (inductive themes), a codebook that came from NVivo or MAXQDA as a REFI-QDA
``.qdc``, or a codebook loaded with a patterns JSONL merged in. ``qcahp codebook
export`` writes it out so the team can edit definitions, move themes, write patterns
and load it as the next version: every theme id is kept, so every coding stays
attached. Reading the written file gives back the same themes (tree, texts, colours)
and patterns (kinds, bodies, scopes, units, exclusions), each theme's patterns in the
order of the file last loaded, and its ``version:`` and ``description:``; the tests
check this on the shipped codebook, and that exporting a loaded export writes the same
file.
"""

from __future__ import annotations

from typing import Any

import yaml

from qualcoder_ahp.records import Codebook, Pattern, Theme

_BODY_KEY = {"phrase": "phrase", "token": "tokens", "regex": "regex", "dependency": "dependency"}


class _Flow(list):  # type: ignore[type-arg]
    """A list written on one line (token and dependency patterns read best that way)."""


class _OneLine(str):
    """A regular expression: written as a literal block, so it stays on one line, exactly as
    typed (a folded line would read back the same, but is hard to edit)."""


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, flow style only for :class:`_Flow`."""


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=True))


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # Several lines (a description written as a paragraph) read best as a literal block.
    style = "|" if "\n" in data.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(_OneLine, lambda dumper, data: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(data), style="|"))


def codebook_yaml(codebook: Codebook, header: str = "") -> str:
    """The codebook as YAML text; ``header`` lines are written first as comments."""
    by_parent: dict[str | None, list[Theme]] = {}
    ids = {t.id for t in codebook.themes}
    for theme in codebook.themes:
        parent = theme.parent_id if theme.parent_id in ids else None
        by_parent.setdefault(parent, []).append(theme)
    patterns: dict[str, list[Pattern]] = {}
    for pattern in codebook.patterns:
        patterns.setdefault(pattern.theme_id, []).append(pattern)

    def theme_node(theme: Theme) -> dict[str, Any]:
        node: dict[str, Any] = {"id": theme.id, "name": theme.name}
        if not theme.codable:
            node["codable"] = False
        node["color"] = theme.color
        for key in ("description", "inclusion", "exclusion"):
            value = getattr(theme, key)
            if value:
                node[key] = value
        if theme.examples:
            node["examples"] = list(theme.examples)
        own = patterns.get(theme.id, [])
        for key, exclude in (("patterns", False), ("exclude", True)):
            chosen = [_pattern_node(p) for p in own if p.exclude is exclude]
            if chosen:
                node[key] = chosen
        children = by_parent.get(theme.id, [])
        if children:
            node["children"] = [theme_node(child) for child in children]
        return node

    data: dict[str, Any] = {"name": codebook.name}
    if codebook.version is not None:
        data["version"] = _version(codebook.version)
    if codebook.description:
        data["description"] = codebook.description
    data["pipeline"] = codebook.pipeline
    data["themes"] = [theme_node(theme) for theme in by_parent.get(None, [])]
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comments + body


def _version(version: str) -> str | int | float:
    """``version: 2`` as the file had it, not ``version: '2'``: a version YAML reads as a
    number that prints back the same is written as that number; ``2.10`` (which would read
    back as 2.1) and labels stay text."""
    try:
        value = yaml.safe_load(version)
    except yaml.YAMLError:
        return version
    if isinstance(value, int | float) and not isinstance(value, bool) and str(value) == version:
        return value
    return version


def _pattern_node(pattern: Pattern) -> dict[str, Any]:
    node: dict[str, Any] = {"id": pattern.id}
    body = pattern.body
    if pattern.kind in ("token", "dependency") and isinstance(body, list):
        body = _Flow(body)
    elif pattern.kind == "regex" and isinstance(body, str):
        body = _OneLine(body)
    node[_BODY_KEY[pattern.kind]] = body
    if pattern.scope != "participant":
        node["scope"] = pattern.scope
    if pattern.unit != "sentence":
        node["unit"] = pattern.unit
    return node
