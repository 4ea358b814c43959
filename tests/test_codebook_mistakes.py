"""A researcher's own codebook and the mistakes people make writing one: every error
with file, line and pattern id, warnings for what would silently never match, and
re-runs after the codebook is edited while coding."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from qualcoder_ahp.records import Codebook, Pattern, Theme
from qualcoder_ahp.suggest.codebook import check_codebook
from qualcoder_ahp.suggest.runner import run_suggestions
from tests.test_engine import transcript

SHIPPED = Path(__file__).resolve().parent.parent / "codebooks" / "ahp-leadership.yaml"

TEACHERS = [
    ("Q", "interviewer", "Why did you leave teaching?"),
    ("Amira", "participant", "I burned out in my ninth year. The marking never stopped."),
]


def _codebook(themes: tuple[Theme, ...], patterns: tuple[Pattern, ...]) -> Codebook:
    return Codebook("Why teachers leave", themes, patterns, None, "teachers.yaml")


def test_decided_suggestion_of_a_retired_theme_retires(  # type: ignore[no-untyped-def]
        store) -> None:
    """A theme renamed by id (burnout -> stress) retires burnout: its suggestions leave
    the queues even when a coder decided on them, and the decisions stay."""
    workload = Theme("workload", "Workload")
    burnout = Theme("burnout", "Burnout")
    marking = Pattern("wl_marking", "workload", "phrase", "marking")
    burn = Pattern("bo_burn", "burnout", "token", [{"LEMMA": "burn"}, {"LOWER": "out"}])
    store.save_codebook(_codebook((workload, burnout), (marking, burn)))
    info, _ = store.add_transcript("amira", transcript(TEACHERS))
    run_suggestions(store)
    by_theme = {s.theme_id: s for s in store.suggestions(transcript_id=info.id)}
    store.reject(by_theme["burnout"].id, "ana")
    store.accept(by_theme["workload"].id, "ana")
    stress = Theme("stress", "Burnout")
    store.save_codebook(_codebook((workload, stress),
                                  (marking, replace(burn, theme_id="stress"))))
    report = run_suggestions(store)
    assert (report.new, report.retired, report.decided_kept) == (1, 1, 0)
    open_now = {s.theme_id for s in store.suggestions(transcript_id=info.id)}
    assert open_now == {"workload", "stress"}
    assert store.suggestion(by_theme["burnout"].id).status == "retired"
    assert store.decision_of(by_theme["burnout"].id, "ana") == "rejected"
    assert store.decision_of(by_theme["workload"].id, "ana") == "accepted"


# --------------------------------------------------------------------------- YAML slips
def _errors(tmp_path: Path, text: str, name: str = "cb.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = check_codebook(path)
    assert result.codebook is None
    return [e.replace(str(path), name) for e in result.errors]


def test_a_tab_is_named(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "name: T\nthemes:\n\t- id: workload\n")
    assert errors == ["cb.yaml:3: not valid YAML: found character that cannot start any token "
                      "(column 1): the line holds a tab; YAML indents with spaces only"]


def test_an_unquoted_colon_in_a_value_says_quote_it(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "name: T\nthemes:\n  - id: workload\n    name: Workload\n"
                     "    description: Note: hours and marking\n")
    assert errors == ["cb.yaml:5: not valid YAML: mapping values are not allowed in this "
                      "context (column 22): the value of `description` holds a colon and a "
                      'space; put it in quotes: description: "Note: hours and marking"']


def test_a_misindented_key_says_check_the_indentation(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "name: T\nthemes:\n  - id: workload\n    name: Workload\n"
                     "     patterns:\n      - id: wl\n        phrase: marking\n")
    assert len(errors) == 1
    assert errors[0].startswith("cb.yaml:5: not valid YAML: mapping values are not allowed")
    assert errors[0].endswith("check this line's indentation: the keys of one theme or "
                              "pattern start in the same column")


def test_an_unclosed_quote_names_the_line_it_starts_on(tmp_path: Path) -> None:
    errors = _errors(tmp_path, 'name: T\nthemes:\n  - id: a\n    name: "Unclosed\n'
                     "    patterns: []\n")
    assert errors == ['cb.yaml:4: not valid YAML: found unexpected end of stream (line 6): the '
                      '" opened in column 11 of this line is never closed: end it with "']


def test_a_key_given_twice_is_an_error_not_a_silent_loss(tmp_path: Path) -> None:
    """YAML keeps the last of two `patterns:` lists: the first list vanished unseen."""
    errors = _errors(tmp_path, """name: T
themes:
  - id: workload
    name: Workload
    patterns:
      - id: wl_a
        phrase: marking
    patterns:
      - id: wl_b
        phrase: paperwork
        phrase: planning
      - id: wl_c
        tokens: [{LOWER: data, LOWER: drop}]
""")
    tail = "YAML keeps only the last one and drops the first without a word"
    assert errors == [
        f"cb.yaml:8: theme workload: key 'patterns' given twice (first at line 5): {tail}",
        f"cb.yaml:11: pattern wl_b: key 'phrase' given twice (first at line 10): {tail}",
        f"cb.yaml:13: pattern wl_c: key 'LOWER' given twice (first at line 13): {tail}",
    ]


def test_unquoted_yes_no_off_and_numbers_say_quote_them(tmp_path: Path) -> None:
    """YAML 1.1 reads `no`, `off` and `yes` as booleans: spaCy's schema message
    ("Input should be a valid dictionary or instance of TokenPatternString") hid that."""
    errors = _errors(tmp_path, """name: T
themes:
  - id: pay
    name: Pay
    patterns:
      - id: pay_no_rise
        tokens: [{LOWER: no}, {LOWER: pay}, {LOWER: rise}]
      - id: pay_in
        tokens: [{LOWER: {IN: [off, pay]}}]
      - id: pay_year
        tokens: [{LOWER: "in"}, {ORTH: 2019}]
      - id: pay_yes
        phrase: yes
      - id: pay_fine
        tokens: [{LENGTH: 3}, {IS_DIGIT: true}, {LOWER: "no"}]
""")
    why = ("not text (YAML reads unquoted yes, no, on, off, true and false as true or false, "
           "and digits as a number)")
    assert errors == [
        f'cb.yaml:7: pattern pay_no_rise: token 0: LOWER is False, {why}: put the word in '
        'quotes, e.g. {LOWER: "no"}',
        f'cb.yaml:9: pattern pay_in: token 0: LOWER value is False, {why}: put the word in '
        'quotes, e.g. {LOWER: "no"}',
        f'cb.yaml:11: pattern pay_year: token 1: ORTH is 2019, {why}: put the word in quotes, '
        'e.g. {ORTH: "2019"}',
        f"cb.yaml:13: pattern pay_yes: `phrase` is True, {why}: put the phrase in quotes",
    ]


def test_warnings_that_would_never_match_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text("""name: T
pipeline: en_core_web_nonexistent
themes:
  - id: pay
    name: Pay
    patterns:
      - id: pay_afford
        tokens: [{LOWER: "couldn't"}, {LOWER: afford}]
      - id: pay_either
        tokens: [{LOWER: {IN: ["don't", "never"]}}, {LOWER: afford}]
      - id: pay_dep
        dependency: [{RIGHT_ID: v, RIGHT_ATTRS: {LEMMA: pay}}]
      - id: pay_cannot
        tokens: [{LOWER: cannot}, {LOWER: pay}]
""", encoding="utf-8")
    result = check_codebook(path)
    assert result.ok
    assert [w.replace(str(path), "cb.yaml") for w in result.warnings] == [
        "cb.yaml:2: pipeline 'en_core_web_nonexistent' is not installed: blank('en') is used "
        "and dependency patterns are skipped (nothing is downloaded)",
        "cb.yaml:8: pattern pay_afford: token 0: LOWER \"couldn't\" is 2 tokens to spaCy "
        "('could', \"n't\"), so it never matches one token: give each part its own token spec",
        "cb.yaml:12: pattern pay_dep: dependency pattern skipped: the codebook's pipeline is "
        "not installed here",
        "cb.yaml:14: pattern pay_cannot: token 0: LOWER 'cannot' is 2 tokens to spaCy "
        "('can', 'not'), so it never matches one token: give each part its own token spec",
    ]


def test_shipped_codebook_gets_no_new_warning() -> None:
    assert check_codebook(SHIPPED).warnings == []


# --------------------------------------------------------------------------- JSONL slips
def test_jsonl_exclude_must_be_a_boolean_and_misspelt_keys_are_errors(tmp_path: Path) -> None:
    """`"exclude": "false"` made an exclusion pattern (bool("false") is True), and a
    misspelt `scpoe` silently left the default scope."""
    errors = _errors(tmp_path, "\n".join([
        '{"label": "pay", "pattern": "wages", "id": "j1", "exclude": "false"}',
        '{"label": "pay", "pattern": "wages", "id": "j2", "scpoe": "all"}',
    ]), "p.jsonl")
    assert errors == ["p.jsonl:1: pattern j1: `exclude` must be true or false, not 'false'",
                      "p.jsonl:2: pattern j2: unknown key 'scpoe' (did you mean 'scope'?)"]


def test_jsonl_other_keys_warn_and_merge_keeps_the_version(tmp_path: Path) -> None:
    yaml_path = tmp_path / "cb.yaml"
    yaml_path.write_text("name: T\nversion: 3\nthemes:\n  - id: pay\n    name: Pay\n",
                         encoding="utf-8")
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text('{"label": "PAY", "pattern": "wages", "id": "j", "_source": "prodigy"}\n',
                     encoding="utf-8")
    result = check_codebook(yaml_path, patterns=jsonl)
    assert result.ok and result.codebook is not None
    assert result.codebook.version == "3"
    assert [p.id for p in result.codebook.patterns] == ["j"]
    assert result.warnings == [f"{jsonl}:1: pattern j: unknown key '_source' ignored"]


# --------------------------------------------------------------------------- curly quotes
CURLY = [
    ("Ben", "participant", "I couldn't afford a mortgage. It's a \"non-teaching\" role."),
    ("Chloe", "participant", "I couldn’t afford it either. A “non-teaching” role suits me."),
]


def test_a_phrase_matches_straight_and_curly_quotes_alike(  # type: ignore[no-untyped-def]
        store) -> None:
    """A phrase typed in a word processor (couldn’t) matched only transcripts with the same
    apostrophe; one typed plainly missed transcripts from Word."""
    pay = Theme("pay", "Pay")
    role = Theme("role", "Role")
    store.save_codebook(_codebook((pay, role), (
        Pattern("pay_curly", "pay", "phrase", "couldn’t afford"),
        Pattern("role_straight", "role", "phrase", '"non-teaching" role'),
    )))
    info, _ = store.add_transcript("ben", transcript(CURLY))
    run_suggestions(store)
    text = store.transcript_text(info.id)
    found = [(s.theme_id, text[a:b]) for s in store.suggestions(transcript_id=info.id)
             for a, b in s.matches]
    assert found == [("pay", "couldn't afford"), ("role", '"non-teaching" role'),
                     ("pay", "couldn’t afford"), ("role", "“non-teaching” role")]


def test_a_regex_with_only_curly_quotes_warns(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text("name: T\nthemes:\n  - id: pay\n    name: Pay\n    patterns:\n"
                    "      - id: p1\n        regex: \"couldn’t afford\"\n"
                    "      - id: p2\n        regex: \"couldn['’]t pay\"\n", encoding="utf-8")
    result = check_codebook(path)
    assert result.ok
    assert result.warnings == [f"{path}:7: pattern p1: the regex has ’ but not ', so it misses "
                               "text typed with ': write ['’] for either"]


# --------------------------------------------------------------------------- gold files
def test_a_gold_file_names_every_bad_line(tmp_path: Path) -> None:
    """The first bad line stopped the read: a researcher fixed one line per run."""
    from qualcoder_ahp.errors import UserError
    from qualcoder_ahp.suggest.evaluate import read_gold

    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join([
        '{"sentence": "I was marking all night.", "themes": ["workload"]}',
        '{"text": "", "accept": ["pay"]}',
        '{"sentence": "Themes as a string.", "themes": "pay"}',
        "not json",
    ]) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_gold(gold)
    assert str(caught.value) == (
        f'{gold}: line 2: the sentence is empty; line 3: expected {{"sentence": "...", '
        '"themes": [...]}; line 4: not valid JSON (Expecting value) (3 bad lines)')


def test_exclusion_patterns_of_a_folder_warn(tmp_path: Path) -> None:
    """They were accepted and silently excluded nothing: only a theme's own suggestions
    are suppressed by its exclusions, and a folder has none."""
    path = tmp_path / "cb.yaml"
    path.write_text("""name: T
themes:
  - id: push_factors
    name: Push factors
    codable: false
    exclude:
      - id: pf_not
        regex: "\\\\bnot really\\\\b"
    children:
      - id: pay
        name: Pay
        patterns:
          - id: pay_word
            phrase: pay
""", encoding="utf-8")
    result = check_codebook(path)
    assert result.ok
    assert result.warnings == [f"{path}:6: theme push_factors: a folder's exclusion patterns "
                               "exclude nothing (they do not reach its child themes); move "
                               "them to a child theme"]


# --------------------------------------------------------------------------- no patterns
def test_loading_a_codebook_without_patterns_succeeds(tmp_path: Path) -> None:
    """A codebook of themes coded by hand (an NVivo .qdc, or a YAML tree with no patterns
    yet) was stored and then reported "Error: the project has no codebook patterns",
    exit 1, from preparing the patterns that were not there."""
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    qdc = tmp_path / "teachers.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
        '<Codes><Code guid="5b8f1e40-1111-4a2b-9c3d-000000000002" name="Workload" '
        'isCodable="true"/></Codes></CodeBook>\n', encoding="utf-8")
    db = str(tmp_path / "p.db")
    result = CliRunner().invoke(cli, ["--db", db, "codebook", "load", str(qdc)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Loaded 'teachers' from {qdc}: 1 theme, 0 patterns")
    assert "Error" not in result.output


def test_a_token_value_with_only_a_curly_quote_warns(tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text("name: T\nthemes:\n  - id: pay\n    name: Pay\n    patterns:\n"
                    "      - id: p1\n        tokens: [{LOWER: could}, {LOWER: \"n’t\"}]\n"
                    "      - id: p2\n        tokens: [{LOWER: {IN: [\"n’t\", \"n't\"]}}]\n",
                    encoding="utf-8")
    result = check_codebook(path)
    assert result.ok
    assert result.warnings == [f"{path}:7: pattern p1: token 1: LOWER 'n’t' has a curly quote, "
                               "so it misses text typed with straight ones: list both, "
                               "{LOWER: {IN: [\"n’t\", \"n't\"]}}"]


def test_a_transcript_given_as_the_codebook_is_named_as_such(tmp_path: Path) -> None:
    """`qcahp codebook load p01.txt` (the transcript, by mistake): its "Name: ..." lines
    read as YAML keys, and eight lines of "given twice" and "unknown key" followed."""
    f = tmp_path / "p01.txt"
    f.write_text("Interviewer: How did it start?\nRuth: I fell into management.\n"
                 "Interviewer: And then?\nRuth: It was never planned.\n", encoding="utf-8")
    result = check_codebook(f)
    assert result.codebook is None and not result.warnings
    assert result.errors == [
        f"{f}:1: not a codebook: it has no `name` or `themes` (a codebook is a YAML file, "
        ".yaml or .yml, a .jsonl of patterns or a REFI-QDA .qdc; a transcript is read with "
        "`qcahp import`)"]
