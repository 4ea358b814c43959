"""A study team's own codebook, written from scratch: what `codebook check` must say.

Session 21's audit wrote small codebooks as a team new to spaCy and YAML would: a theme
name longer than the workbench and `add-theme` allow (the file took it), themes and
patterns given as bare names (an error with no line), ids YAML reads as numbers (`id:
010` stored as pattern 8), keys from other tools (`desc`, `inclusion_criteria`,
`title`, a JSONL `pattern:` in YAML) and a second error for the same slip.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.suggest.codebook import check_codebook

HEAD = "name: Nights\nthemes:\n"
NAME_LIMIT = 80  # records.NAME_LIMIT, the same for a file, add-theme and the workbench
LONG = ("Feeling exhausted after a run of night shifts, and what the ward does or does "
        "not do about it")


def _check(tmp_path: Path, body: str, head: str = HEAD) -> list[str]:
    path = tmp_path / "nights.yaml"
    path.write_text(head + body, encoding="utf-8")
    result = check_codebook(path)
    assert result.errors or result.codebook is not None
    return [e.split("nights.yaml", 1)[1] for e in result.errors]


def _warnings(tmp_path: Path, body: str, head: str = HEAD) -> list[str]:
    path = tmp_path / "nights.yaml"
    path.write_text(head + body, encoding="utf-8")
    return [w.split("nights.yaml", 1)[1] for w in check_codebook(path).warnings]


# --------------------------------------------------------------------------- name limit
def test_a_theme_name_over_the_limit_is_refused_with_line_id_and_limit(tmp_path: Path) -> None:
    assert len(LONG) > NAME_LIMIT
    errors = _check(tmp_path, f"""\
  - id: fatigue
    name: {LONG}
  - id: sleep
    name: "!!!"
""")
    assert errors == [
        f":4: theme fatigue: a theme name has at most {NAME_LIMIT} characters (this one has "
        f"{len(LONG)}): put the rest in its `description:`",
        ":6: theme sleep: a theme name needs a letter or a digit, not only '!!!'"]


def test_file_add_theme_and_workbench_share_one_rule(tmp_path: Path) -> None:
    from qualcoder_ahp import records
    from qualcoder_ahp.model import codebook_store

    assert records.NAME_LIMIT == NAME_LIMIT
    assert codebook_store.theme_name_problem is records.theme_name_problem
    assert not hasattr(codebook_store, "NAME_LIMIT")
    db = tmp_path / "p.db"
    path = tmp_path / "cb.yaml"
    path.write_text(HEAD + f"  - id: fatigue\n    name: {LONG}\n", encoding="utf-8")
    runner = CliRunner()
    load = runner.invoke(cli, ["--db", str(db), "codebook", "load", str(path)])
    added = runner.invoke(cli, ["--db", str(db), "codebook", "add-theme", LONG,
                                "--coder", "ana"])
    assert load.exit_code == 1 and added.exit_code == 1
    assert f"at most {NAME_LIMIT} characters" in load.output
    assert f"at most {NAME_LIMIT} characters" in added.output
    assert "nothing stored" in load.output
    with open_store(db) as store:
        assert store.themes() == []


def test_a_jsonl_label_making_a_long_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    label = LONG.replace(" ", "_").replace(",", "")
    path.write_text('{"label": "FATIGUE", "pattern": "tired"}\n'
                    f'{{"label": "{label}", "pattern": "knackered", "id": "k1"}}\n',
                    encoding="utf-8")
    errors = check_codebook(path).errors
    assert len(errors) == 1 and errors[0].startswith(f"{path}:2: pattern k1: its label makes "
                                                     "a theme name of ")
    assert f"at most {NAME_LIMIT}" in errors[0]


def test_a_qdc_code_name_over_the_limit_is_refused_with_its_line(tmp_path: Path) -> None:
    source = (Path(__file__).parent / "data" / "refi" / "maxqda.qdc").read_text("utf-8")
    path = tmp_path / "long.qdc"
    path.write_text(source.replace('name="Mandate"', f'name="{LONG}"'), encoding="utf-8")
    errors = check_codebook(path).errors
    assert len(errors) == 1 and errors[0].startswith(f"{path}:7: theme ")
    assert f"at most {NAME_LIMIT} characters (this one has {len(LONG)})" in errors[0]


def test_a_qdc_exports_and_loads_back_the_same(tmp_path: Path) -> None:
    qdc = Path(__file__).parent / "data" / "refi" / "maxqda.qdc"
    runner = CliRunner()
    out = tmp_path / "back.yaml"
    for args in (["--db", str(tmp_path / "a.db"), "codebook", "load", str(qdc)],
                 ["--db", str(tmp_path / "a.db"), "codebook", "export", str(out)],
                 ["--db", str(tmp_path / "b.db"), "codebook", "load", str(out)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    with open_store(tmp_path / "a.db") as a, open_store(tmp_path / "b.db") as b:
        # The colour as the qdc wrote it (#0f0): the same, in capitals, both ways.
        assert [(t.id, t.name, t.parent_id, t.color) for t in a.themes()] == \
            [(t.id, t.name, t.parent_id, t.color) for t in b.themes()]


def test_a_multi_line_name_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(HEAD + "  - id: fatigue\n    name: |\n      Fatigue\n      and sleep\n",
                    encoding="utf-8")
    assert check_codebook(path).codebook.themes[0].name == "Fatigue and sleep"


# --------------------------------------------------------------------------- bare items
def test_bare_names_for_themes_and_patterns_have_a_line_and_the_fix(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - Fatigue
  - id: workload
    name: Workload
    patterns:
      - caseload
      - id: w2
        phrase: rota
  - id: pay
    name: Pay
    patterns:
      id: p1
      phrase: money
  - id: sleep
    name: Sleep
    patterns: insomnia
""")
    assert errors == [
        ":3: theme 'Fatigue': only a name: a theme is a mapping of keys, such as `- id: "
        "fatigue` and, on the next line in line with `id`, `name: Fatigue`",
        ":7: theme workload: 'caseload' is only text: a pattern is a mapping with an id and a "
        "body, such as `- id: workload_caseload` and, on the next line in line with `id`, "
        "`phrase: caseload`",
        ":12: theme pay: `patterns` must be a list: start each pattern with `- ` (`- id: p1`, "
        "then `phrase: tired` on the next line, in line with `id`)",
        ":17: theme sleep: `patterns` must be a list of patterns, not the text 'insomnia': "
        "under `patterns:` start each pattern with `- ` (`- id: p1`, then `phrase: insomnia` "
        "on the next line, in line with `id`)"]


# --------------------------------------------------------------------------- ids
def test_ids_yaml_reads_as_numbers_are_named_with_the_quoted_fix(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: 42
    name: Numbered
  - id: sleep
    name: Sleep
    patterns:
      - id: 010
        phrase: restructure
      - id: 7
        phrase: seven
      - id: yes
        phrase: agree
      - id: 1.10
        phrase: rota
""")
    assert errors == [
        ':3: theme at line 3: `id` is the number 42, not text: put it in quotes, id: "42"',
        ':8: pattern 010: `id` is the number 8, not the text typed: put it in quotes, '
        'id: "010"',
        ':12: pattern yes: `id` is true (YAML reads yes, no, on and off as true or false), not '
        'the text typed: put it in quotes, id: "yes"',
        ':14: pattern 1.10: `id` is the number 1.1, not the text typed: put it in quotes, '
        'id: "1.10"']


def test_a_version_yaml_changes_is_warned_about(tmp_path: Path) -> None:
    body = "  - id: sleep\n    name: Sleep\n"
    assert _warnings(tmp_path, body, "name: Nights\nversion: 2.10\nthemes:\n") == [
        ':2: `version: 2.10` is the number 2.1 to YAML, so it is kept as \'2.1\': put it in '
        'quotes, version: "2.10"']
    assert _warnings(tmp_path, body, "name: Nights\nversion: 2  # second\nthemes:\n") == []


# --------------------------------------------------------------------------- keys
def test_keys_from_other_tools_name_the_key_meant(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: fatigue
    name: Fatigue
    desc: Feeling drained.
    inclusion_criteria: Tiredness after a shift.
    exclusion criteria: Boredom.
    subthemes:
      - id: sleep
        name: Sleep
""")
    assert errors == [
        ":5: theme fatigue: unknown key 'desc' (did you mean 'description'?)",
        ":6: theme fatigue: unknown key 'inclusion_criteria' (did you mean 'inclusion'?)",
        ":7: theme fatigue: unknown key 'exclusion criteria' (did you mean 'exclusion'?)",
        ":8: theme fatigue: unknown key 'subthemes' (did you mean 'children'?)"]


def test_a_missing_top_key_under_another_word_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "nights.yaml"
    path.write_text("title: Nights\ncodes:\n  - id: a\n    name: A\n", encoding="utf-8")
    result = check_codebook(path)
    assert result.warnings == []
    assert result.errors == [
        f"{path}:1: the codebook needs a `name`: the file has 'title'; the key is `name:`",
        f"{path}:2: the codebook needs a non-empty `themes` list: the file has 'codes'; the "
        "key is `themes:`"]


def test_a_pattern_body_under_another_key_is_one_error_each(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: f1
        pattern: tired
      - id: f2
        pattern: [{LOWER: tired}]
      - id: f3
        phrases: burnt out
      - id: f4
        lemma: exhaust
      - id: f5
        phrase: rota
        regex: 'rota'
        scope: everybody
""")
    assert errors == [
        ":7: pattern f1: unknown key 'pattern': `pattern` is the key of a JSONL line; in a "
        "YAML codebook the body is `phrase:`, `tokens:`, `regex:` or `dependency:` (here "
        "'phrase')",
        ":9: pattern f2: unknown key 'pattern': `pattern` is the key of a JSONL line; in a "
        "YAML codebook the body is `phrase:`, `tokens:`, `regex:` or `dependency:` (here "
        "'tokens')",
        ":11: pattern f3: unknown key 'phrases' (did you mean 'phrase'?)",
        ":13: pattern f4: unknown key 'lemma': a token attribute goes inside a token "
        "pattern, tokens: [{LEMMA: exhaust}]",
        # Both problems of f5, not only the first.
        ":14: pattern f5: has 2 bodies (phrase, regex): give exactly one of phrase, tokens, "
        "regex, dependency",
        ":17: pattern f5: bad scope 'everybody' (use participant, interviewer, all; did you "
        "mean 'all'?)"]


# --------------------------------------------------------------------------- token values
def test_a_lemma_the_lemmatizer_never_gives_is_warned_with_the_lemma(tmp_path: Path) -> None:
    warnings = _warnings(tmp_path, """\
  - id: planning
    name: Planning
    patterns:
      - id: pl1
        tokens: [{LEMMA: planned}, {LOWER: it}]
      - id: pl2
        tokens: [{LEMMA: {IN: [planned, shifts, arrange]}}]
      - id: pl3
        tokens: [{LEMMA: {IN: [lose, lost, losing]}}]
      - id: pl4
        tokens: [{LEMMA: plan}]
""")
    assert warnings == [
        ":7: pattern pl1: token 0: LEMMA 'planned' is not a lemma: the lemma of 'planned' is "
        "'plan', so this never matches; write {LEMMA: plan}, which matches plan, planned, "
        "planning, plans",
        ":9: pattern pl2: token 0: LEMMA values 'planned' (lemma 'plan'), 'shifts' (lemma "
        "'shift') are not lemmas, so they never match: write the lemmas, which match every "
        "form of the word"]


def test_the_lemma_check_reads_the_engines_own_table() -> None:
    from qualcoder_ahp.suggest.pattern_check import _lemma_lookup
    from qualcoder_ahp.suggest.pipeline import pipeline_for

    lookup = _lemma_lookup()
    assert lookup is not None
    table, forms = lookup
    engine = pipeline_for(None).lemma_table
    for word in ("planned", "shifts", "was", "fell", "data", "knackered", "better"):
        assert table.get(word, word) == engine.get(word, word), word
    assert "fell" in forms  # a lemma too (of "felled"): {LEMMA: fell} can match


def test_a_lower_value_with_capitals_is_warned_about(tmp_path: Path) -> None:
    warnings = _warnings(tmp_path, """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: f1
        tokens: [{LOWER: Tired}]
      - id: f2
        tokens: [{LOWER: {IN: [NHS, trust]}}, {ORTH: NHS}]
""")
    assert warnings == [
        ":7: pattern f1: token 0: LOWER 'Tired' has capitals, and LOWER is the word in lower "
        "case, so it never matches: write 'tired' (it matches any case)",
        ":9: pattern f2: token 0: LOWER 'NHS' has capitals, and LOWER is the word in lower "
        "case, so it never matches: write 'nhs' (it matches any case)"]


def test_the_shipped_codebook_gets_no_new_warning() -> None:
    shipped = Path(__file__).parent.parent / "codebooks" / "ahp-leadership.yaml"
    result = check_codebook(shipped)
    assert result.errors == [] and result.warnings == []


def test_a_phrase_in_capitals_that_spacy_splits_otherwise_is_warned_about(
        tmp_path: Path) -> None:
    warnings = _warnings(tmp_path, """\
  - id: pay
    name: Pay
    patterns:
      - id: p1
        phrase: "CAN'T AFFORD"
      - id: p2
        phrase: NHS Trust
      - id: p3
        phrase: "Can't cope"
""")
    assert warnings == [
        ":7: pattern p1: the phrase \"CAN'T AFFORD\" in capitals is split by spaCy into "
        "\"can't\", 'afford', but the same words in lower case into 'ca', \"n't\", 'afford', "
        "so it misses them: write it in lower case, \"can't afford\" (a phrase matches in any "
        "case)"]


# --------------------------------------------------------------------------- colours, types
def test_a_colour_name_or_short_hex_gets_the_colour_to_write(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: a
    name: A
    color: red
  - id: b
    name: B
    color: "#F00"
  - id: c
    name: C
    color: CC6677
  - id: d
    name: D
    color: "#CC6677FF"
  - id: e
    name: E
    color: mauve
""")
    assert errors == [
        ':5: theme a: bad colour \'red\': a colour name is not read: write color: "#FF0000", '
        "or \"#EE8866\", the nearest of Paul Tol's colour-blind-safe colours",
        ':8: theme b: bad colour \'#F00\': write all six digits, color: "#FF0000"',
        ':11: theme c: bad colour \'CC6677\': write it with its # and in quotes, color: '
        '"#CC6677"',
        ':14: theme d: bad colour \'#CC6677FF\': write it without the transparency, color: '
        '"#CC6677"',
        ':17: theme e: bad colour \'mauve\' (use #RRGGBB in quotes, such as color: "#CC6677")']


def test_tokens_given_as_text_say_how_to_write_them(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: a
    name: A
    patterns:
      - id: t1
        tokens: "[{LOWER: busy}]"
      - id: t2
        tokens: burnt out
""")
    assert errors == [
        ":7: pattern t1: `tokens` is text in quotes, not a list of token specs: take the "
        "quotes away from around the [...]",
        ":9: pattern t2: `tokens` must be a non-empty list of token specs, not the text "
        "'burnt out': write tokens: [{LOWER: burnt}, {LOWER: out}], or phrase: burnt out"]


# --------------------------------------------------------------------------- files
def test_a_codebook_saved_as_windows_1252_names_line_and_character(tmp_path: Path) -> None:
    path = tmp_path / "nights.yaml"
    path.write_bytes("name: Nights\nthemes:\n  - id: cafe\n    name: Café culture\n"
                     .encode("cp1252"))
    assert check_codebook(path).errors == [
        f"{path}:4: cannot read the file: it is not UTF-8 text: byte 0xE9 in column 14 ('é' "
        "in Windows-1252, as Word, Excel and older editors save text); save it as UTF-8"]
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_bytes('{"label": "fatigue", "pattern": "tired"}\n{"label": "fatigue", '
                      '"pattern": "\u201cknackered\u201d"}\n'.encode("cp1252"))
    assert check_codebook(jsonl).errors == [
        f"{jsonl}:2: cannot read the file: it is not UTF-8 text: byte 0x93 in column 34 "
        "('\u201c' in Windows-1252, as Word, Excel and older editors save text); save it as "
        "UTF-8"]
    word = tmp_path / "codebook.yaml"
    word.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    assert check_codebook(word).errors == [
        f"{word}: cannot read the file: it is not UTF-8 text (a codebook is a YAML text file; "
        "a .jsonl of patterns or a REFI-QDA .qdc also work)"]


def test_windows_line_endings_read_as_any_other(tmp_path: Path) -> None:
    path = tmp_path / "nights.yaml"
    text = (HEAD + "  - id: fatigue\n    name: Fatigue\n    colour: red\n    patterns:\n"
            "      - id: f1\n        regex: '\\btired$'\n")
    path.write_bytes(text.replace("\n", "\r\n").encode())
    result = check_codebook(path)
    assert result.errors == [f"{path}:5: theme fatigue: unknown key 'colour' (did you mean "
                             "'color'?)"]
    path.write_bytes(text.replace("    colour: red\n", "").replace("\n", "\r\n").encode())
    result = check_codebook(path)
    assert result.codebook is not None and result.codebook.patterns[0].body == "\\btired$"


def test_a_jsonl_line_lists_all_its_problems_and_a_yaml_line_says_so(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "fatigue", "pattern": "tired", "id": "f 1", "scope": "ward"}\n'
                    "label: fatigue, pattern: knackered\n"
                    '{"label": "fatigue", "pattern": [{"LEMMA": "planned"}], "id": "f 1"}\n',
                    encoding="utf-8")
    result = check_codebook(path)
    assert [e.replace(str(path), "P") for e in result.errors] == [
        "P:1: pattern f 1: id must be letters, digits, _ . : -",
        "P:1: pattern f 1: bad scope 'ward' (use participant, interviewer, all)",
        'P:2: not a JSON object: each line of a patterns file is one {"label": ..., '
        '"pattern": ...} in braces, with double quotes (a YAML codebook is a .yaml file)',
        "P:3: pattern f 1: id must be letters, digits, _ . : -"]
    assert [w.replace(str(path), "P") for w in result.warnings] == [
        "P:3: pattern f 1: token 0: LEMMA 'planned' is not a lemma: the lemma of 'planned' is "
        "'plan', so this never matches; write {LEMMA: plan}, which matches plan, planned, "
        "planning, plans"]


# --------------------------------------------------------------------------- help, round trip
def test_check_and_load_help_explain_the_format_and_point_to_the_docs() -> None:
    runner = CliRunner()
    for command in (["codebook"], ["codebook", "check"], ["codebook", "load"]):
        out = runner.invoke(cli, [*command, "--help"], terminal_width=80).output
        assert "docs/codebook.md" in out, command
        assert ".jsonl" in out and ".qdc" in out, command
        assert max(len(line) for line in out.splitlines()) <= 80
    out = runner.invoke(cli, ["codebook", "check", "--help"], terminal_width=80).output
    for key in ("`themes`", "`children`", "`exclude`", "`phrase`", "`tokens`", "`regex`",
                "codable: false", "#RRGGBB"):
        assert key in out, key


def test_a_teams_codebook_exports_checks_and_loads_back_the_same(tmp_path: Path) -> None:
    source = tmp_path / "nights.yaml"
    source.write_text("""\
# Our night-shift study
name: "Night shifts: nurses' stories"
version: "2.10"
description: |
  Themes for interviews with nurses
  who work nights.
themes:
  - id: wellbeing
    name: Wellbeing
    codable: false
    color: "#332288"
    description: Everything about how nurses feel.
    children:
      - id: fatigue
        name: Fatigue
        color: "#CC6677"
        description: "Feeling drained: physically or mentally."
        inclusion: Any mention of tiredness after a shift.
        exclusion: Boredom.
        examples: ["I'm shattered after nights.", "Knackered, honestly"]
        patterns:
          - id: fat_burnt
            phrase: "burnt out"
          - id: fat_tok
            tokens: [{LEMMA: exhaust}, {IS_PUNCT: true, OP: "?"}]
            unit: turn
          - id: fat_rx
            regex: '\\bknackered\\b'
            scope: all
          - id: FAT.in
            tokens: [{LOWER: {IN: ["tired", "sleepy", "no"]}}]
        exclude:
          - id: fat_not
            regex: '\\bnot (?:that )?tired\\b'
      - id: sleep
        name: Sleep
        color: "#117733"
  - id: "2019"
    name: "2019 restructure"
    color: "#DDCC77"
    patterns:
      - id: "010"
        phrase: restructure
""", encoding="utf-8")
    runner = CliRunner()
    first, second, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "export.yaml"
    for args in (["--db", str(first), "codebook", "load", str(source)],
                 ["--db", str(first), "codebook", "export", str(out)],
                 ["codebook", "check", str(out)],
                 ["--db", str(second), "codebook", "load", str(out)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
        assert "warning" not in result.output, result.output
    with open_store(first) as a, open_store(second) as b:
        assert a.codebook().themes == b.codebook().themes
        assert sorted(a.patterns(), key=lambda p: p.id) == sorted(b.patterns(),
                                                                  key=lambda p: p.id)
        assert [x.version for x in a.codebook_loads()] == ["2.10"]
        assert [x.version for x in b.codebook_loads()] == ["2.10"]
        assert a.codebook().description == b.codebook().description
    assert {p.id for p in check_codebook(source).codebook.patterns} == {
        "fat_burnt", "fat_tok", "fat_rx", "FAT.in", "010", "fat_not"}


def test_a_token_value_of_several_words_is_warned_about_in_an_in_list_too(
        tmp_path: Path) -> None:
    warnings = _warnings(tmp_path, """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: f1
        tokens: [{LOWER: {IN: [tired, "worn out"]}}]
      - id: f2
        tokens: [{LEMMA: "night shift"}]
      - id: f3
        tokens: [{LOWER: {IN: [tired, "couldn't"]}}]
""")
    assert warnings == [
        ":7: pattern f1: token 0: LOWER 'worn out' is several words, and a token is one word, "
        "so it never matches: give each its own pattern (a phrase, or a token spec per word)",
        ":9: pattern f2: token 0: LEMMA 'night shift' is 2 tokens to spaCy ('night', 'shift'), "
        "so it never matches one token: give each part its own token spec"]


def test_a_scope_or_unit_in_other_words_names_the_one_meant(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: fatigue
    name: Fatigue
    patterns:
      - id: f1
        phrase: tired
        scope: participants
        unit: paragraph
""")
    assert errors == [
        ":8: pattern f1: bad scope 'participants' (use participant, interviewer, all; did you "
        "mean 'participant'?)",
        ":9: pattern f1: bad unit 'paragraph' (use sentence, turn; did you mean 'turn'?)"]
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "fatigue", "pattern": "tired", "id": "f1", '
                    '"scope": "Interviewers"}\n', encoding="utf-8")
    assert check_codebook(path).errors == [
        f"{path}:1: pattern f1: bad scope 'Interviewers' (use participant, "
        "interviewer, all; did you mean 'interviewer'?)"]


def test_a_colour_the_tool_picks_is_never_one_the_check_warns_about(tmp_path: Path) -> None:
    from qualcoder_ahp.suggest import colours

    picked = colours.distinct_colours(len(colours.PALETTE))
    assert "#FFAABB" in colours.PALETTE and colours.faint("#FFAABB") == "light"
    assert [c for c in picked if colours.faint(c)] == []
    db, out = tmp_path / "p.db", tmp_path / "export.yaml"
    open_store(db).close()
    runner = CliRunner()
    for i in range(len(colours.PALETTE)):
        assert runner.invoke(cli, ["--db", str(db), "codebook", "add-theme", f"Theme {i}",
                                   "--coder", "ana"]).exit_code == 0
    assert runner.invoke(cli, ["--db", str(db), "codebook", "export", str(out)]).exit_code == 0
    result = check_codebook(out)
    assert result.errors == [] and not [w for w in result.warnings if "too light" in w
                                        or "too dark" in w]


def test_a_key_given_twice_on_a_jsonl_line_is_an_error_as_in_yaml(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "fatigue", "pattern": "tired", "label": "sleep", "id": "p1"}\n'
                    '{"label": "sleep", "pattern": [{"LOWER": "nap", "LOWER": "doze"}], '
                    '"id": "p2"}\n'
                    '{"label": "sleep", "pattern": "insomnia", "id": "p3"}\n', encoding="utf-8")
    assert [e.replace(str(path), "P") for e in check_codebook(path).errors] == [
        "P:1: pattern p1: key 'label' given twice: JSON keeps only the last one and drops the "
        "first without a word",
        "P:2: pattern p2: key 'LOWER' given twice: JSON keeps only the last one and drops the "
        "first without a word"]


def test_an_empty_or_odd_jsonl_pattern_is_named_as_the_line_has_it(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "a", "pattern": "", "id": "p1"}\n'
                    '{"label": "a", "pattern": 5, "id": "p2"}\n'
                    '{"label": "a", "pattern": "tired", "id": "p3"}\n', encoding="utf-8")
    shape = ('`pattern` must be a phrase (text) or a token pattern (a list of token specs '
             'such as [{"LOWER": "tired"}])')
    assert [e.replace(str(path), "P") for e in check_codebook(path).errors] == [
        f"P:1: pattern p1: {shape}: it is empty", f"P:2: pattern p2: {shape}: it is a number"]


def test_a_folder_with_patterns_names_them(tmp_path: Path) -> None:
    errors = _check(tmp_path, """\
  - id: wellbeing
    name: Wellbeing
    codable: false
    patterns:
      - id: wb1
        phrase: wellbeing
      - id: wb2
        phrase: well-being
""")
    assert errors == [":6: theme wellbeing: a folder theme (codable: false) cannot have "
                      "patterns (wb1, wb2); move them to a child theme, or make it codable"]
