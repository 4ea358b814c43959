"""Pattern JSONL lines without an "id" (session 23).

A spaCy/Prodigy patterns line without an ``"id"`` gets one made from its label and pattern,
so an edit of the pattern made a new pattern: the old one's record (what the edit made it
miss) stayed with a retired id, and nothing said why or how to keep it. No id scheme keeps
it without the file's help (an id from the line's place would pass to another pattern when
a line is added above it, counting one pattern's decisions for another without a word), so
``codebook check`` and ``load`` say it, naming the file and the lines; ``load`` names each
edit it can pair without a guess and the "id" that keeps the record.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.suggest.pattern_files import derived_pattern_id

V1 = """\
{"label": "FATIGUE", "pattern": "exhausted"}
{"label": "FATIGUE", "pattern": [{"LOWER": "worn"}, {"LOWER": "out"}], "id": "fat_worn"}
{"label": "SLEEP", "pattern": "awake all night"}
{"label": "SLEEP", "pattern": "no sleep"}
"""


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_says_which_lines_get_ids_from_their_content(tmp_path: Path) -> None:
    path = tmp_path / "nights.jsonl"
    path.write_text(V1, encoding="utf-8")
    code, out, err = _run("codebook", "check", str(path))
    assert code == 0 and out.startswith(f"{path}: OK")
    first = derived_pattern_id("fatigue", "exhausted")
    assert err.strip() == (
        f'warning: {path}:1: 3 lines without an "id" (lines 1, 3, 4): each gets an id made '
        "from its label and pattern, so editing a line's pattern makes a new pattern: "
        "`qcahp patterns` starts its record afresh, and what the edit made it miss stays "
        'with the old id, retired. Give a line an "id" to keep its record across edits '
        f'(line 1: "id": "{first}" keeps the one it has now).')
    # Every line with an id: nothing to say.
    path.write_text('{"label": "FATIGUE", "pattern": "tired", "id": "fat_tired"}\n',
                    encoding="utf-8")
    code, _, err = _run("codebook", "check", str(path))
    assert code == 0 and err == ""


def test_load_names_an_edit_and_the_id_that_keeps_its_record(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    path = tmp_path / "nights.jsonl"
    path.write_text(V1, encoding="utf-8")
    assert _run("--db", db, "codebook", "load", str(path))[0] == 0
    old = derived_pattern_id("fatigue", "exhausted")
    # One fatigue line edited; both sleep lines edited (two for two: no pairing guessed).
    path.write_text(V1.replace('"exhausted"', '"utterly exhausted"')
                    .replace("awake all night", "up all night")
                    .replace("no sleep", "no rest"), encoding="utf-8")
    code, out, err = _run("--db", db, "codebook", "load", str(path))
    assert code == 0, err
    new = derived_pattern_id("fatigue", "utterly exhausted")
    said = " ".join(out.split())
    assert (f'pattern edited? {old} -> {new} ({path}:1, a line without "id", which gets its '
            f"id from its pattern): to keep {old}'s record, add \"id\": \"{old}\" to that "
            "line and load again.") in said
    assert said.count("pattern edited?") == 1  # not the two sleep patterns
    assert "without an \"id\" (lines 1, 3, 4)" in " ".join(err.split())
    # Following it: the pattern comes back under its id, changed.
    path.write_text(V1.replace('{"label": "FATIGUE", "pattern": "exhausted"}',
                               f'{{"label": "FATIGUE", "pattern": "utterly exhausted", '
                               f'"id": "{old}"}}')
                    .replace("awake all night", "up all night")
                    .replace("no sleep", "no rest"), encoding="utf-8")
    code, out, _ = _run("--db", db, "codebook", "load", str(path))
    assert code == 0
    said = " ".join(out.split())
    assert f"patterns changed: {old}" in said and f"patterns retired: {new}" in said
    assert "pattern edited?" not in said


def test_a_patterns_file_merged_into_a_yaml_codebook_is_named(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    yaml_path = tmp_path / "nights.yaml"
    yaml_path.write_text("name: Nights\nthemes:\n  - id: fatigue\n    name: Fatigue\n"
                         "    patterns:\n      - id: fat_tired\n        phrase: tired\n",
                         encoding="utf-8")
    more = tmp_path / "more.jsonl"
    more.write_text('{"label": "fatigue", "pattern": "drained"}\n', encoding="utf-8")
    assert _run("--db", db, "codebook", "load", str(yaml_path), "--patterns", str(more))[0] == 0
    more.write_text('{"label": "fatigue", "pattern": "drained of energy"}\n',
                    encoding="utf-8")
    code, out, err = _run("--db", db, "codebook", "load", str(yaml_path), "--patterns",
                          str(more))
    assert code == 0, err
    assert f"({more}:1, a line without \"id\"" in " ".join(out.split())
    assert f"warning: {more}:1: 1 line without an \"id\" (line 1): it gets" in err
