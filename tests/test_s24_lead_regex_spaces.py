"""`codebook check` warns of a regex written with two spaces in a row (or a tab): every
pattern reads the text with each run of spaces as one space, so it never matches."""

from __future__ import annotations

from click.testing import CliRunner

from qualcoder_ahp.cli import cli

CODEBOOK = """name: t
themes:
  - id: luck
    name: Luck
    patterns:
      - id: two
        regex: 'fell  into'
      - id: one
        regex: 'fell into'
      - id: spaced
        regex: 'fell\\s+into'
"""


def test_a_regex_with_two_spaces_in_a_row_is_warned_by_line_and_id(tmp_path):
    (tmp_path / "sp.yaml").write_text(CODEBOOK)
    result = CliRunner().invoke(cli, ["codebook", "check", str(tmp_path / "sp.yaml")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "two spaces" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: ")
    assert "sp.yaml:7: pattern two: the regex has two spaces in a row" in warnings[0]
