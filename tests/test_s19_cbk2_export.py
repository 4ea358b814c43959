"""`qcahp codebook export` keeps the researcher's pattern order and the file's `version:`.

The audit's researcher grouped each theme's patterns by idea, exported the stored codebook
to edit it, and got them back sorted by id, without the `version:` line. Patterns keep
their place in the file last loaded (``patterns.position``, migration m009), a reordered
file reorders them, and load → export → load → export writes the same file.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store

GROUPED = """\
name: Night shifts
version: 2
themes:
  - id: wellbeing
    name: Wellbeing
    codable: false
    color: "#4477AA"
    children:
      - id: fatigue
        name: Fatigue
        color: "#CC6677"
        patterns:
          # tiredness words first, then the body
          - id: fat_tired
            phrase: tired
          - id: fat_exhausted
            phrase: exhausted
          - id: fat_body_aches
            regex: "\\\\baches?\\\\b"
        exclude:
          - id: fat_x_not_tired
            phrase: not tired
          - id: fat_x_never
            phrase: never tired
  - id: autonomy
    name: Autonomy
    color: "#117733"
    patterns:
      - id: aut_my_call
        phrase: my call
      - id: aut_decide
        tokens: [{LOWER: i}, {LEMMA: decide}]
"""


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def _ids(text: str, theme: str, key: str = "patterns") -> list[str]:
    def find(nodes: list[dict]) -> dict:  # type: ignore[type-arg]
        for node in nodes:
            if node["id"] == theme:
                return node
            found = find(node.get("children", []))
            if found:
                return found
        return {}

    return [p["id"] for p in find(yaml.safe_load(text)["themes"]).get(key, [])]


def _body(text: str) -> str:
    """The YAML after the two header comments (when and where from)."""
    return text.split("\nname: ", 1)[1]


def test_export_keeps_the_file_order_and_version_through_a_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    source = tmp_path / "nights.yaml"
    source.write_text(GROUPED, encoding="utf-8")
    assert _run(db, "codebook", "load", str(source))[0] == 0
    first = tmp_path / "first.yaml"
    code, _, err = _run(db, "codebook", "export", str(first))
    assert code == 0, err
    text = first.read_text(encoding="utf-8")
    # Unchanged since the load: the file as it was (session 23), its order and version.
    assert "\nname: Night shifts\nversion: 2\n" in text
    assert _ids(text, "fatigue") == ["fat_tired", "fat_exhausted", "fat_body_aches"]
    assert _ids(text, "fatigue", "exclude") == ["fat_x_not_tired", "fat_x_never"]
    assert _ids(text, "autonomy") == ["aut_my_call", "aut_decide"]
    # load → export → load → export: the same file (a new project, and the same one).
    code, out, err = _run(db, "codebook", "load", str(first))
    assert code == 0 and "no changes" in out, err
    second = tmp_path / "second.yaml"
    assert _run(db, "codebook", "export", str(second))[0] == 0
    assert _body(second.read_text(encoding="utf-8")) == _body(text)
    fresh = tmp_path / "fresh.db"
    assert _run(fresh, "codebook", "load", str(first))[0] == 0
    assert _body(_run(fresh, "codebook", "export")[1]) == _body(text)


def test_a_reordered_and_extended_file_exports_in_its_new_order(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    source = tmp_path / "nights.yaml"
    source.write_text(GROUPED, encoding="utf-8")
    assert _run(db, "codebook", "load", str(source))[0] == 0
    # The researcher moves the body pattern first and adds one between the others.
    edited = GROUPED.replace("version: 2", "version: 2.1").replace(
        """          - id: fat_tired
            phrase: tired
          - id: fat_exhausted
            phrase: exhausted
          - id: fat_body_aches
            regex: "\\\\baches?\\\\b"
""", """          - id: fat_body_aches
            regex: "\\\\baches?\\\\b"
          - id: fat_tired
            phrase: tired
          - id: fat_drained
            phrase: drained
          - id: fat_exhausted
            phrase: exhausted
""")
    source.write_text(edited, encoding="utf-8")
    code, out, err = _run(db, "codebook", "load", str(source))
    assert code == 0 and "patterns added: fat_drained" in out, err
    text = _run(db, "codebook", "export")[1]
    assert "\nversion: 2.1\n" in text
    assert _ids(text, "fatigue") == ["fat_body_aches", "fat_tired", "fat_drained",
                                     "fat_exhausted"]
    with open_store(db) as store:  # the stored order is what the export wrote
        assert [p.id for p in store.patterns() if p.theme_id == "fatigue"] == [
            "fat_body_aches", "fat_tired", "fat_drained", "fat_exhausted",
            "fat_x_not_tired", "fat_x_never"]


def test_a_text_version_and_a_file_without_one(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    source = tmp_path / "nights.yaml"
    source.write_text(GROUPED.replace("version: 2", "version: 2026-draft-b"), encoding="utf-8")
    assert _run(db, "codebook", "load", str(source))[0] == 0
    assert "\nversion: 2026-draft-b\n" in _run(db, "codebook", "export")[1]
    source.write_text(GROUPED.replace("version: 2\n", ""), encoding="utf-8")
    assert _run(db, "codebook", "load", str(source))[0] == 0
    assert "version:" not in _run(db, "codebook", "export")[1]
