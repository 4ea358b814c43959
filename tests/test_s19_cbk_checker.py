"""A first codebook of a new study, written by hand: the slips `codebook check` must name.

Session 19's audit wrote a codebook for a study of nurses' night shifts from the docs
alone. Each test is a slip that got no error, or an error that sent the researcher the
wrong way: an empty `children:` (the themes meant for it in line with the folder, so the
tree was silently wrong), `exclusions:` answered with "did you mean 'exclusion'" (the
criteria text, another error), a `parent:` key, a key without its colon named on the
wrong line, a key in line with a list's `-`, and `LOWERCASE` with no "did you mean".
"""

from __future__ import annotations

from pathlib import Path

from qualcoder_ahp.suggest.codebook import check_codebook

HEAD = "name: Nights\nthemes:\n"


def _check(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "nights.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    result = check_codebook(path)
    return [e.split("nights.yaml", 1)[1] for e in result.errors]


def test_empty_children_with_the_children_in_line_is_an_error(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: organisation
    name: The organisation
    codable: false
    children:
  - id: invisible
    name: Invisible to the organisation
""")
    assert errors == [":6: theme organisation: `children:` has nothing under it: indent the "
                      "themes that belong in it further than `children:`; theme invisible "
                      "(line 7) is in line with organisation, so it is beside it, not in it"]


def test_a_list_of_patterns_under_exclusions_points_to_exclude(tmp_path: Path) -> None:
    body = """\
  - id: sleep
    name: Sleep
    patterns:
      - id: s1
        phrase: sleep
    {key}:
      - id: s_x
        phrase: sleep apnoea
"""
    assert _check(tmp_path, body.format(key="exclusions")) == [
        ":8: theme sleep: unknown key 'exclusions': a list of patterns goes under "
        "`patterns:`, or under `exclude:` for exclusion patterns (did you mean 'exclude'?)"]
    assert _check(tmp_path, body.format(key="exclusion")) == [
        ":8: theme sleep: `exclusion` is the exclusion criteria, as text; exclusion patterns "
        "go in an `exclude:` list"]


def test_parent_key_says_to_nest_and_names_a_missing_parent(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: organisation
    name: The organisation
    codable: false
  - id: invisible
    name: Invisible
    parent: organisation
  - id: managers
    name: Managers
    parent: management
""")
    assert errors == [
        ":8: theme invisible: unknown key 'parent': a theme goes in its parent's `children:` "
        "list, indented under it, not named by `parent:`; move it into the `children:` list "
        "of theme organisation (line 3)",
        ":11: theme managers: unknown key 'parent': a theme goes in its parent's `children:` "
        "list, indented under it, not named by `parent:`; there is no theme 'management' in "
        "this file: add it, then move this theme into its `children:` list"]


def test_pattern_keys_on_a_theme_and_exclude_on_a_pattern(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: team
    name: Team
    patterns:
      - id: t1
        phrase: each other
        exclude: true
  - id: t2
    phrase: back each other up
""")
    assert errors == [
        ":8: pattern t1: unknown key 'exclude': in a YAML codebook an exclusion pattern goes "
        "in its theme's `exclude:` list, beside `patterns:`",
        ":10: theme t2: unknown key 'phrase': `phrase` belongs to a pattern; is this meant to "
        "be an item of the `patterns:` list above? Indent it under `patterns:`"]


def test_a_key_without_its_colon_is_named_on_its_own_line(tmp_path: Path) -> None:
    body = """\
  - id: fatigue
    name Fatigue
    patterns:
      - id: f1
        phrase: tired
"""
    assert _check(tmp_path, body) == [
        ":4: not valid YAML: could not find expected ':': `name Fatigue` has no colon after "
        "its key; write `name: Fatigue`"]
    body = """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id f1
        phrase: tired
"""
    assert _check(tmp_path, body) == [
        ":6: not valid YAML: mapping values are not allowed in this context: `- id f1` has no "
        "colon after its key; write `- id: f1`"]
    # A value's next line that starts with a key's word is not a missing colon.
    errors = _check(tmp_path, """\
  - id: fatigue
    name: Fatigue
    description: Tired
      examples of it: running on empty
""")
    assert len(errors) == 1 and "has no colon" not in errors[0]


def test_a_key_in_line_with_the_dash_names_the_column(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: f1
      phrase: tired
""")
    assert len(errors) == 1
    assert errors[0].startswith(":7: not valid YAML: did not find expected '-' indicator")
    assert errors[0].endswith("check this line's indentation: a key of the item above starts "
                              "in column 9, in line with its first key; a new item starts "
                              "with `- `")


def test_a_misspelt_token_attribute_gets_did_you_mean(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: f1
        tokens: [{LOWERCASE: tired}]
""")
    assert errors == [":7: pattern f1: token 0: unknown token attribute 'LOWERCASE' (did you "
                      "mean LOWER?)"]



def test_pattern_jsonl_slips_are_named(tmp_path: Path) -> None:
    path = tmp_path / "extra.jsonl"
    path.write_text(
        '{"label": "fatigue", "pattern": {"LOWER": "shattered"}, "id": "f_shat"}\n'
        '{"label": "fatigue", "pattern": "exhausted", "id": "f_ex",}\n'
        "{'label': 'sleep', 'pattern': 'nap'}\n", encoding="utf-8")
    errors = [e.split("extra.jsonl", 1)[1] for e in check_codebook(path).errors]
    assert errors == [
        ":1: pattern f_shat: a token pattern is a list of token specs; this is one token "
        "spec: put it in brackets, [{...}]",
        ":2: not valid JSON: Expecting property name enclosed in double quotes (column 59): a "
        "comma after the last item; JSON allows none before } or ]",
        ":3: not valid JSON: Expecting property name enclosed in double quotes: JSON needs "
        "double quotes, \"label\", not 'label'"]


def test_errors_are_listed_in_file_order(tmp_path: Path) -> None:
    """A theme's unknown key below its patterns was listed above the patterns' errors."""
    errors = _check(tmp_path, """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: fat_words
        tokens: [{LOWERCASE: tired}]
    exclusions:
      - id: fat_not_tired
        regex: "not tired"
""")
    assert [e.split(":")[1] for e in errors] == ["7", "8"]


def test_a_backslash_read_as_an_escape_is_named(tmp_path: Path) -> None:
    """"\\bnot tired\\b" in double quotes is a backspace to YAML: the regex never matched,
    and the check said OK. "\\d" in double quotes is a YAML error with no hint."""
    errors = _check(tmp_path, """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: f1
        regex: "\\bnot tired\\b"
      - id: f2
        tokens: [{TEXT: {REGEX: "\\bnap"}}]
""")
    assert errors == [
        ":7: pattern f1: the regex holds a control character where \\b was typed: in double "
        "quotes YAML and JSON read a backslash as an escape (\\b is a backspace, not a word "
        "boundary), so it never matches; in YAML put the regex in single quotes, "
        "'\\bnot tired\\b', or double each backslash",
        ":9: pattern f2: token 0: TEXT.REGEX holds a control character where \\b was typed: "
        "in double quotes YAML and JSON read a backslash as an escape (\\b is a backspace, "
        "not a word boundary), so it never matches; in YAML put the regex in single quotes, "
        "'\\bnap', or double each backslash"]
    errors = _check(tmp_path, """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: f3
        regex: "\\d+ hours"
""")
    assert errors == [
        ":7: not valid YAML: found unknown escape character (column 17): in double quotes a "
        "backslash starts a YAML escape; put a regular expression in single quotes: regex: "
        "'\\d+ hours'"]
    path = tmp_path / "esc.jsonl"
    path.write_text('{"label": "f", "pattern": [{"TEXT": {"REGEX": "\\d+"}}]}\n',
                    encoding="utf-8")
    [error] = check_codebook(path).errors
    assert error.endswith(":1: not valid JSON: Invalid \\escape (column 48): a backslash in "
                          "JSON is written twice, \\\\d")


def test_two_themes_of_one_name_are_warned_and_a_bad_id_gets_its_slug(tmp_path: Path) -> None:
    path = tmp_path / "names.yaml"
    path.write_text(HEAD + """\
  - id: fatigue
    name: Fatigue
  - id: tiredness
    name: fatigue
  - id: Sleep
    name: Sleep
""", encoding="utf-8")
    result = check_codebook(path)
    assert [e.split("names.yaml", 1)[1] for e in result.errors] == [
        ":7: theme Sleep: id must be lower-case letters, digits, _ and - (such as sleep)"]
    assert [w.split("names.yaml", 1)[1] for w in result.warnings] == [
        ":5: theme tiredness: its name 'fatigue' is also theme fatigue's (line 3), in the "
        "same place: the pickers and reports would show two of it; give one another name"]


def test_a_patterns_jsonl_label_the_codebook_lacks_gets_the_fix(tmp_path: Path) -> None:
    book = tmp_path / "nights.yaml"
    book.write_text(HEAD + """\
  - id: fatigue
    name: Fatigue
  - id: family
    name: Family life
""", encoding="utf-8")
    extra = tmp_path / "extra.jsonl"
    extra.write_text('{"label": "fatigeu", "pattern": "knackered", "id": "a"}\n'
                     '{"label": "Family life", "pattern": "bedtime", "id": "b"}\n'
                     '{"label": "money", "pattern": "enhancement", "id": "c"}\n',
                     encoding="utf-8")
    errors = [e.split("extra.jsonl", 1)[1] for e in check_codebook(book, patterns=extra).errors]
    assert errors == [
        f":1: pattern a: label 'fatigeu' is not a theme id of {book} (did you mean 'fatigue'?)",
        f":2: pattern b: label 'family_life' is not a theme id of {book}: theme family is "
        "named 'Family life'; a label is a theme id: use 'family'",
        f":3: pattern c: label 'money' is not a theme id of {book}: add a theme with `id: "
        "money` to it first, or label the pattern with one it has"]


def test_an_empty_children_at_the_end_is_only_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "nights.yaml"
    path.write_text(HEAD + """\
  - id: fatigue
    name: Fatigue
  - id: organisation
    name: The organisation
    codable: false
    children:
""", encoding="utf-8")
    result = check_codebook(path)
    assert result.errors == []
    assert [w.split("nights.yaml", 1)[1] for w in result.warnings] == [
        ":8: theme organisation: `children:` has nothing under it"]


def test_an_unclosed_bracket_or_quote_is_named_where_it_opens(tmp_path: Path) -> None:
    body = """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: f1
{line}
      - id: f2
        phrase: tired
"""
    assert _check(tmp_path, body.format(line="        tokens: [{LOWER: worn}, {LOWER: out}")) == [
        ":7: not valid YAML: did not find expected ',' or ']' (line 8): the [ opened in "
        "column 17 of this line is never closed: end it with ]"]
    assert _check(tmp_path, body.format(line='        phrase: "worn out')) == [
        ':7: not valid YAML: found unexpected end of stream (line 10): the " opened in '
        'column 17 of this line is never closed: end it with "']
