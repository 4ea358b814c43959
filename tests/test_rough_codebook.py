"""Codebook YAML slips a first codebook makes: each message names the fix.

`color: #CC6677` unquoted said "bad colour None"; `phrase: [a, b]` said "`phrase` must
be a non-empty string"; a theme without `id` said "theme: missing `id`", naming neither
the theme nor what to add.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.suggest.codebook import check_codebook

MISTAKES = """\
name: Wellbeing
themes:
  - id: exhaustion
    name: Exhaustion
    color: #CC6677
    description: Feeling drained.
    examples: I'm exhausted.
    patterns:
      - id: exh_phr
        phrase: ["burnt out", "burned out"]
      - id: exh_words
        phrase: [burnout, Exhaustion]
      - id: exh_lemma
        tokens: [{LEMMA: exhaust}]
  - name: Heavy workload
    color:
    patterns:
      - id: wl_1
        phrase: caseload
"""


def _errors(tmp_path: Path, text: str = MISTAKES) -> list[str]:
    path = tmp_path / "mistakes.yaml"
    path.write_text(text, encoding="utf-8")
    return check_codebook(path).errors


def test_an_unquoted_colour_is_told_to_be_quoted(tmp_path):
    errors = _errors(tmp_path)
    where = f"{tmp_path / 'mistakes.yaml'}:5: theme exhaustion: "
    assert errors[0] == (where + "colour #CC6677 is read as a YAML comment (a # after a "
                         'space starts one), so the theme has none: put it in quotes, '
                         'color: "#CC6677"')
    assert not any("None" in e for e in errors)
    # An empty colour says so, with the quoted form.
    assert any(e.endswith(':16: theme \'Heavy workload\': the colour is empty: give one as '
                          '#RRGGBB in quotes, such as color: "#CC6677" (or leave `color` '
                          'out for grey)') for e in errors)


def test_a_list_of_phrases_is_told_one_phrase_per_pattern(tmp_path):
    errors = _errors(tmp_path)
    phr = next(e for e in errors if "exh_phr" in e)
    assert phr.endswith(":10: pattern exh_phr: `phrase` is a list of 2; one phrase per "
                        "pattern: give each its own pattern, or use tokens with IN")
    # Single words: the one tokens pattern that does it is spelled out.
    words = next(e for e in errors if "exh_words" in e)
    assert words.endswith('or use tokens with IN (tokens: [{LOWER: {IN: ["burnout", '
                          '"exhaustion"]}}])')


def test_a_theme_without_id_is_named_by_its_name_and_line(tmp_path):
    errors = _errors(tmp_path)
    assert any(e.endswith(":15: theme 'Heavy workload': missing `id`: give it one, such as "
                          "`id: heavy_workload` (a stable slug the codings keep)")
               for e in errors)
    # Nameless too: its line, and what to add.
    nameless = MISTAKES.replace("  - name: Heavy workload\n", "  - codable: true\n")
    assert any(e.endswith(":15: theme at line 15: missing `id`: give it one, such as "
                          "`id: my_theme` (a stable slug the codings keep)")
               for e in _errors(tmp_path, nameless))


def test_the_id_proposed_is_the_one_the_workbench_would_make(tmp_path):
    """Accents folded as a theme added in the workbench folds them (``café`` is
    ``cafe``), not dropped."""
    from qualcoder_ahp.model.codebook_store import unique_slug

    named = MISTAKES.replace("  - name: Heavy workload\n", "  - name: Café culture\n")
    assert any(e.endswith(":15: theme 'Café culture': missing `id`: give it one, such as "
                          "`id: cafe_culture` (a stable slug the codings keep)")
               for e in _errors(tmp_path, named))
    assert unique_slug("Café culture", set()) == "cafe_culture"


def test_examples_as_one_string_shows_the_list(tmp_path):
    assert any(e.endswith(":7: theme exhaustion: `examples` must be a list of strings, even "
                          "for one: examples: [\"I'm exhausted.\"]") for e in _errors(tmp_path))


def test_codebook_check_prints_them_and_fails(tmp_path):
    (tmp_path / "mistakes.yaml").write_text(MISTAKES, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "codebook", "check",
                                      str(tmp_path / "mistakes.yaml")])
    assert result.exit_code == 1
    assert 'put it in quotes, color: "#CC6677"' in result.output
    assert "6 errors." in result.output
    assert not (tmp_path / "x.db").exists()
