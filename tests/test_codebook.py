"""Codebook files: YAML tree, every validation error with file:line:id, JSONL, .qdc, reloads."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import CodebookError
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.suggest.pattern_files import derived_pattern_id
from qualcoder_ahp.suggest.codebook import (
    CodebookInvalid,
    check_codebook,
    diff_codebooks,
    load_codebook,
)

DATA = Path(__file__).parent / "data" / "codebooks"
SMALL = DATA / "small.yaml"
BAD = DATA / "bad.yaml"
BLOG = DATA / "blog.yaml"
EXTRA = DATA / "extra.jsonl"


def write(tmp_path: Path, text: str, name: str = "cb.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_small_codebook_tree_and_patterns() -> None:
    cb = load_codebook(SMALL)
    assert cb.name == "Small test codebook"
    assert [t.id for t in cb.themes] == [
        "career_pathways", "serendipity", "non_traditional_roles", "interviewing"]
    folder, ser = cb.themes[0], cb.themes[1]
    assert not folder.codable and folder.parent_id is None
    assert ser.parent_id == "career_pathways" and ser.codable
    assert ser.examples == ("I fell into it",) and ser.color == "#CC6677"
    by_id = {p.id: p for p in cb.patterns}
    assert by_id["ser_fell_into"].kind == "phrase"
    assert by_id["ser_right_place"].kind == "token"
    assert by_id["ser_right_place"].body[2] == {"LOWER": "at", "OP": "?"}
    assert by_id["ser_by_chance"].kind == "regex"
    assert by_id["ser_not_by_chance"].exclude
    assert by_id["ntr_ops_turn"].unit == "turn"
    assert by_id["int_career"].scope == "interviewer"
    assert by_id["ser_fell_into"].scope == "participant"
    assert by_id["ser_fell_into"].unit == "sentence"


EXPECTED_BAD = [
    "bad.yaml:6: theme serendipity: bad colour '#CC66'",
    "bad.yaml:9: pattern bad_attr: token 0: unknown token attribute 'LOWERCASE'",
    "bad.yaml:11: pattern bad_regex: bad regex: missing )",
    "bad.yaml:13: pattern bad_op: token 0: bad operator OP 'x'",
    "bad.yaml:15: pattern bad_token_regex: token 0: bad regex in TEXT.REGEX",
    "bad.yaml:16: pattern bad_regex: duplicate pattern id (first at line 10)",
    "bad.yaml:18: pattern: missing `id`",
    "bad.yaml:19: pattern two_bodies: has 2 bodies (phrase, regex)",
    "bad.yaml:22: pattern no_body: has no body",
    "bad.yaml:26: pattern bad_scope: bad scope 'everyone'",
    "bad.yaml:27: pattern bad_scope: bad unit 'paragraph'",
    "bad.yaml:28: theme serendipity: duplicate theme id (first at line 4)",
    "bad.yaml:30: theme Bad-Id: id must be lower-case letters, digits, _ and -",
    "bad.yaml:34: theme folder: a folder theme (codable: false) cannot have patterns",
]


def test_every_error_is_reported_with_file_line_and_id() -> None:
    result = check_codebook(BAD)
    assert result.codebook is None
    assert len(result.errors) == len(EXPECTED_BAD)
    for error, expected in zip(result.errors, EXPECTED_BAD, strict=True):
        assert error.startswith(str(BAD.parent) + "/")
        assert expected in error, error


def test_load_raises_with_all_errors() -> None:
    with pytest.raises(CodebookInvalid) as info:
        load_codebook(BAD)
    assert isinstance(info.value, CodebookError)
    assert len(info.value.errors) == len(EXPECTED_BAD)
    assert "and 13 more" in str(info.value)


@pytest.mark.parametrize(("tokens", "problem"), [
    ('[{LENGTH: "long"}]', "LENGTH is a number of characters"),  # was spaCy's schema text
    ('[{LOWER: {IN: [a, [b]]}}]', "spaCy: token 0: LOWER.IN.1"),  # our rules pass, spaCy's not
    ('[{LOWER: {REGEXP: "x"}}]', "unknown predicate 'REGEXP' on LOWER"),
    ('[{LOWER: a, OP: "{2,x}"}]', "bad operator OP '{2,x}'"),
    ('[{LOWER: a, OP: "{1,3}"}]', None),                   # a quantifier spaCy accepts
    ("[]", "non-empty list"),
    ("hello", "non-empty list"),
])
def test_token_pattern_checks(tmp_path: Path, tokens: str, problem: str | None) -> None:
    path = write(tmp_path, f"""name: t
themes:
  - id: a
    patterns:
      - id: p1
        tokens: {tokens}
""")
    result = check_codebook(path)
    if problem is None:
        assert result.ok, result.errors
    else:
        assert len(result.errors) == 1
        assert result.errors[0].startswith(f"{path}:6: pattern p1: ")
        assert problem in result.errors[0]


def test_trained_attributes_and_dependency_patterns_warn(tmp_path: Path) -> None:
    path = write(tmp_path, """name: t
pipeline: en_core_web_nonexistent
themes:
  - id: a
    patterns:
      - id: pos_pat
        tokens: [{POS: VERB}]
      - id: dep_pat
        dependency: [{RIGHT_ID: verb, RIGHT_ATTRS: {LEMMA: join}}]
""")
    result = check_codebook(path)
    assert result.ok, result.errors
    text = "\n".join(result.warnings)
    assert "not installed" in text and ":2:" in text
    assert "pattern pos_pat: token 0: POS needs a trained pipeline" in text
    assert "pattern dep_pat: dependency pattern skipped" in text


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name: t\nthemes:\n  - id: a\n    name: [unclosed\n")
    result = check_codebook(path)
    assert len(result.errors) == 1
    # The line where the [ opens (YAML gave up at the end of the file, line 5).
    assert result.errors[0].startswith(f"{path}:4: not valid YAML")


def test_unreadable_or_empty_file_is_one_plain_error(tmp_path: Path) -> None:
    binary = tmp_path / "cb.yaml"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00\x81 not text")  # e.g. a .docx renamed
    assert check_codebook(binary).errors == [
        f"{binary}: cannot read the file: it is not UTF-8 text (a codebook is a YAML text "
        "file; a .jsonl of patterns or a REFI-QDA .qdc also work)"]
    empty = write(tmp_path, "\n# nothing but a comment\n", "empty.yaml")
    assert check_codebook(empty).errors == [
        f"{empty}: the file is empty (a codebook needs a `name` and `themes`)"]
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    (error,) = check_codebook(folder).errors
    assert error.startswith(f"{folder}: cannot read the file: ") and "Errno" not in error


def test_missing_themes_and_unknown_keys(tmp_path: Path) -> None:
    path = write(tmp_path, """name: t
colour_scheme: dark
themes:
  - id: a
    colour: "#112233"
    patterns:
      - id: p
        phrase: x
        regexp: y
""")
    result = check_codebook(path)
    assert [e.split(": ", 1)[1] for e in result.errors] == [
        "theme a: unknown key 'colour' (did you mean 'color'?)",
        "pattern p: unknown key 'regexp' (did you mean 'regex'?)"]
    assert result.errors[0].startswith(f"{path}:5:")
    assert "unknown key 'colour_scheme' ignored" in result.warnings[0]
    empty = write(tmp_path, "name: t\nthemes: []\n", "empty.yaml")
    assert "non-empty `themes`" in check_codebook(empty).errors[0]


def test_regex_matching_empty_string_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, 'name: t\nthemes:\n  - id: a\n    patterns:\n'
                 '      - id: p\n        regex: "(?:x)?"\n')
    assert "matches the empty string" in check_codebook(path).errors[0]


@pytest.mark.parametrize(("regex", "problem"), [("(" * 1200 + "a" + ")" * 1200, "recursion"),
                                              ("a{99999999999}", "too large")])
def test_regex_too_deep_or_too_large_is_a_reported_error(tmp_path: Path, regex: str,
                                                         problem: str) -> None:
    """Python's regex compiler raises RecursionError / OverflowError, not re.error, here."""
    path = write(tmp_path, 'name: t\nthemes:\n  - id: a\n    patterns:\n'
                 f"      - id: p\n        regex: '{regex}'\n")
    errors = check_codebook(path).errors
    assert len(errors) == 1 and "bad regex" in errors[0] and problem in errors[0]
    assert "pattern p" in errors[0] and ":6:" in errors[0]  # the regex line


@pytest.mark.parametrize("regex", [r"^(?=.*\bluck\b)", r"\b(?<!not )(?=planned)"])
def test_regex_that_matches_no_text_is_refused(tmp_path: Path, regex: str) -> None:
    """Only lookarounds and anchors: the engine keeps no empty match, so it would never fire."""
    path = write(tmp_path, 'name: t\nthemes:\n  - id: a\n    patterns:\n'
                 f"      - id: p\n        regex: '{regex}'\n")
    errors = check_codebook(path).errors
    assert len(errors) == 1 and "matches no text" in errors[0] and "pattern p" in errors[0]
    ok = write(tmp_path, 'name: t\nthemes:\n  - id: a\n    patterns:\n'
               f"      - id: p\n        regex: '{regex}.+'\n", "ok.yaml")
    assert check_codebook(ok).ok


def test_jsonl_as_a_codebook() -> None:
    cb = load_codebook(EXTRA)
    assert [t.id for t in cb.themes] == ["serendipity", "system_perspective"]
    assert cb.themes[1].name == "System perspective"
    ids = [p.id for p in cb.patterns]
    assert ids[0] == "ser_right_place_jsonl" and ids[2] == "sys_pathway"
    # The derived id is stable: the same label (lower-cased) and pattern give the same id.
    assert ids[1] == derived_pattern_id("serendipity", [{"LOWER": "lucky"}, {"LOWER": "break"}])
    assert load_codebook(EXTRA).patterns[1].id == ids[1]
    assert cb.patterns[0].kind == "phrase" and cb.patterns[1].kind == "token"


def test_jsonl_merged_into_yaml() -> None:
    cb = load_codebook(BLOG, patterns=EXTRA)
    extra = [p for p in cb.patterns if p.id in ("ser_right_place_jsonl", "sys_pathway")]
    assert [p.theme_id for p in extra] == ["serendipity", "system_perspective"]
    assert len(cb.themes) == len(load_codebook(BLOG).themes)


def test_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([
        '{"label": "serendipity", "pattern": "fell into", "id": "ser_fell_into"}',
        "{not json",
        '{"label": "nope", "pattern": "x", "id": "p_nope"}',
        '{"label": "serendipity", "pattern": [{"LOWER": "a", "OP": "x"}], "id": "p_op"}',
        '{"pattern": "x"}',
        # An id a YAML codebook would refuse: `codebook export` must write a file that loads.
        '{"label": "serendipity", "pattern": "pure luck", "id": "ser pure luck"}',
    ]), "p.jsonl")
    result = check_codebook(BLOG, patterns=path)
    assert result.codebook is None
    errors = [e.replace(str(path), "P") for e in result.errors]
    # In the file's line order; a reused id says where the codebook has it.
    line = next(n for n, text in enumerate(BLOG.read_text().splitlines(), 1)
                if "id: ser_fell_into" in text)
    assert errors[0] == (f"P:1: pattern ser_fell_into: pattern id already used in the "
                         f"codebook, at {BLOG}:{line} (theme serendipity): give this one "
                         "another id")
    assert errors[1] == "P:2: not valid JSON: Expecting property name enclosed in double quotes"
    assert errors[2].startswith("P:3: pattern p_nope: label 'nope' is not a theme id")
    assert errors[3].startswith("P:4: pattern p_op: token 0: bad operator")
    assert errors[4] == ('P:5: missing `label` (each line needs {"label": ..., '
                         '"pattern": ...})')
    assert errors[5] == "P:6: pattern ser pure luck: id must be letters, digits, _ . : -"


def test_qdc_without_refi_module_is_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "qualcoder_ahp.refi", None)  # import fails
    path = write(tmp_path, "<CodeBook/>", "book.qdc")
    result = check_codebook(path)
    assert result.errors == [f"{path}: reading REFI-QDA .qdc codebooks is not available in "
                             "this installation (qualcoder_ahp.refi is missing)"]


def test_qdc_uses_refi_reader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = types.ModuleType("qualcoder_ahp.refi")
    fake.read_qdc = lambda p: Codebook("from qdc", (Theme("a", "A"),), (), None, str(p))
    monkeypatch.setitem(sys.modules, "qualcoder_ahp.refi", fake)
    cb = load_codebook(write(tmp_path, "<CodeBook/>", "book.qdc"))
    assert cb.name == "from qdc" and cb.themes[0].id == "a"


def test_reload_keeps_guids_and_codings(store) -> None:  # type: ignore[no-untyped-def]
    from test_engine import transcript as make_parsed

    cb = load_codebook(SMALL)
    store.save_codebook(cb)
    guid = store.theme_guid("serendipity")
    info, _ = store.add_transcript("t", make_parsed([("A", "participant", "I fell into it.")]))
    coding = store.code(info.id, "serendipity", "ann", 0, 6)
    changed = Codebook(cb.name, cb.themes[:3], cb.patterns[1:3], None, "x")
    diff = diff_codebooks(store.codebook(), changed)
    assert diff["themes_retired"] == ["interviewing"]
    assert sorted(diff["patterns_retired"]) == ["int_career", "ntr_commissioning",
                                                "ntr_ops_turn", "ser_ask_lemma",
                                                "ser_fell_into", "ser_not_by_chance"]
    assert diff["patterns_added"] == [] and diff["patterns_changed"] == []
    store.save_codebook(changed)
    assert store.theme_guid("serendipity") == guid
    assert store.coding(coding.id).theme_id == "serendipity"
    assert [t.id for t in store.themes()] == ["career_pathways", "serendipity",
                                              "non_traditional_roles"]


def test_cli_check_and_load_refuse_bad_codebook_and_store_nothing(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["codebook", "check", str(BAD)])
    assert res.exit_code == 1
    for expected in EXPECTED_BAD:
        assert expected in res.output
    assert res.output.rstrip().endswith("14 errors.")  # check stores nothing anyway
    res = runner.invoke(cli, ["codebook", "load", str(BAD)])
    assert res.exit_code == 1
    assert "14 errors: nothing stored." in res.output
    from qualcoder_ahp.model.store import open_store

    with open_store(tmp_path / "qcahp.db") as store:
        assert store.themes(include_inactive=True) == []
        assert store.conn.execute("SELECT COUNT(*) FROM codebooks").fetchone()[0] == 0


def test_cli_load_reports_changes_and_show_prints_tree(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["codebook", "load", str(SMALL)])
    assert res.exit_code == 0, res.output
    assert "patterns added: ser_fell_into, ser_right_place" in res.output
    edited = SMALL.read_text().replace('phrase: "fell into"', 'phrase: "fall into"')
    edited = edited.replace("  - id: interviewing", "  - id: interviewing_b")
    edited = edited.replace("      - id: int_career", "      - id: int_career_b")
    res = runner.invoke(cli, ["codebook", "load", str(write(tmp_path, edited))])
    assert res.exit_code == 0, res.output
    assert "themes added: interviewing_b" in res.output
    assert "themes retired: interviewing" in res.output
    assert "patterns changed: ser_fell_into" in res.output
    assert "patterns retired: int_career" in res.output
    res = runner.invoke(cli, ["codebook", "show"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[1] == "career_pathways  Career pathways  [#4477AA] (folder)"
    assert "  serendipity  Serendipity  [#CC6677] (4 patterns, 1 exclusion)" in lines
    assert "      definition: Moves that arose from chance rather than planning." in lines
    res = runner.invoke(cli, ["codebook", "check", str(BLOG), "--patterns", str(EXTRA)])
    assert res.exit_code == 0, res.output
    assert "OK: 6 themes, 13 patterns, 2 exclusion patterns" in res.output


def test_qdc_through_the_refi_reader() -> None:
    refi = Path(__file__).parent / "data" / "refi"
    if not (refi / "maxqda.qdc").exists():
        pytest.skip("REFI test files are absent")
    cb = load_codebook(refi / "maxqda.qdc")
    assert [t.id for t in cb.themes][:1] == ["leadership"] and cb.patterns == ()
    bad = check_codebook(refi / "billion_laughs.qdc")
    assert bad.codebook is None and "entit" in bad.errors[0]


def test_unknown_top_level_key_warns(tmp_path: Path) -> None:
    path = write(tmp_path, "name: t\ninterviewers: [Q]\nthemes:\n  - id: a\n")
    result = check_codebook(path)
    assert result.ok and result.warnings == [f"{path}:2: unknown key 'interviewers' ignored"]


def test_a_codebook_with_merged_jsonl_patterns_exports_as_yaml_that_loads(
        tmp_path: Path) -> None:
    from qualcoder_ahp.suggest.codebook_yaml import codebook_yaml

    merged = check_codebook(BLOG, patterns=EXTRA).codebook
    path = write(tmp_path, codebook_yaml(merged), "merged.yaml")
    again = check_codebook(path)
    assert again.errors == []
    assert again.codebook.themes == merged.themes
    assert {p.id: p for p in again.codebook.patterns} == {p.id: p for p in merged.patterns}
    assert {"ser_right_place_jsonl", "sys_pathway"} <= {p.id for p in again.codebook.patterns}


def test_cli_load_counts_patterns_and_exclusions_apart_as_check_does(tmp_path: Path) -> None:
    """load said "718 patterns, 93 exclusion patterns" and then "patterns added: ...
    (811 in all)": exclusions were counted among the patterns in the list of changes."""
    import re

    shipped = Path(__file__).parent.parent / "codebooks" / "ahp-leadership.yaml"
    runner = CliRunner()
    check = runner.invoke(cli, ["codebook", "check", str(shipped)])
    positive, excluding = map(int, re.search(r"([\d,]+) patterns, ([\d,]+) exclusion",
                                             check.output).groups())
    res = runner.invoke(cli, ["codebook", "load", str(shipped)])
    assert res.exit_code == 0, res.output
    assert f"{positive} patterns, {excluding} exclusion patterns." in res.output
    lines = res.output.splitlines()
    added = next(line for line in lines if line.startswith("  patterns added: "))
    assert added.endswith(f"({positive} in all)") and "_x_" not in added
    excl = next(line for line in lines if line.startswith("  exclusion patterns added: "))
    assert excl.endswith(f"({excluding} in all)")
    # A second version retiring one of each says which is which.
    text = shipped.read_text(encoding="utf-8")
    first_x = re.search(r"- id: (\w+_x_\w+)", text)[1]
    edited = re.sub(rf"\n(\s*)- id: {first_x}\n", r"\n\1- id: renamed_x\n", text, count=1)
    res = runner.invoke(cli, ["codebook", "load", str(write(tmp_path, edited))])
    assert res.exit_code == 0, res.output
    # (Session 22: an id changed on the same body is said as renamed, not retired.)
    assert any(line.startswith(f"  exclusion patterns renamed: {first_x} -> renamed_x")
               for line in res.output.splitlines())
    assert "  patterns renamed" not in res.output
    assert "  patterns retired" not in res.output
