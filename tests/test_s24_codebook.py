"""Session 24 audit of the codebook loop: what a team met writing its own codebook."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.suggest.codebook import check_codebook, load_codebook
from qualcoder_ahp.suggest.evaluate import evaluate_gold, read_gold

SMALL = """name: T
themes:
  - id: chance
    name: Chance
    patterns:
      - id: ch_fell
        tokens: [{LEMMA: fall}, {LOWER: into}]
"""


def _cli(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), *args])
    return result.exit_code, result.output


# -- gold files: a line with no "themes" list ---------------------------------------

@pytest.mark.parametrize("line, named", [
    ('{"sentence": "I fell into it.", "theme": ["chance"]}', "(it has 'theme')"),
    ('{"sentence": "I fell into it."}', 'no "themes" list:'),
])
def test_a_gold_line_without_themes_is_refused_not_read_as_theme_free(
        tmp_path: Path, line: str, named: str) -> None:
    # was: read as a sentence with no theme, so the right suggestion on it counted as
    # wrong and the theme the coder meant as never there (precision 0.5, not 1.0 here).
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "It was planned.", "themes": []}\n' + line + "\n",
                    encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_gold(gold)
    message = str(caught.value)
    assert "line 2: " in message and named in message
    assert 'or "themes": [] for a sentence with no theme' in message
    (tmp_path / "cb.yaml").write_text(SMALL, encoding="utf-8")
    code, out = _cli(tmp_path, "evaluate", "--gold", str(gold),
                     "--codebook", str(tmp_path / "cb.yaml"))
    assert code != 0
    assert f"{gold}: line 2: no \"themes\" list" in out
    assert "precision" not in out


def test_a_gold_line_with_themes_still_scores(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "It was planned.", "themes": []}\n'
                    '{"sentence": "I fell into it.", "themes": ["chance"]}\n', encoding="utf-8")
    (tmp_path / "cb.yaml").write_text(SMALL, encoding="utf-8")
    result = evaluate_gold(load_codebook(tmp_path / "cb.yaml"), gold)
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (1, 0, 0)
