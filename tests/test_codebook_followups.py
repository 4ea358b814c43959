"""Follow-ups to `qcahp codebook load`: the suggest hint after a change of exclusion
patterns only, and a theme whose id the file renamed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_engine import transcript

BOOK = """name: Why teachers leave
themes:
  - id: workload
    name: Workload
    patterns:
      - id: wl_marking
        phrase: marking
    exclude:
      - id: wl_not
        phrase: no marking
  - id: {burnout}
    name: Burnout
"""


def _load(tmp_path: Path, text: str) -> str:
    path = tmp_path / "cb.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "load", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_changed_exclusion_pattern_only_says_run_suggest(tmp_path: Path) -> None:
    _load(tmp_path, BOOK.format(burnout="burnout"))
    out = _load(tmp_path, BOOK.format(burnout="burnout").replace("no marking", "not marking"))
    assert "exclusion patterns changed: wl_not" in out
    assert "Run `qcahp suggest` to update the suggestions." in out


def test_renamed_theme_id_says_where_the_codings_stay(tmp_path: Path) -> None:
    _load(tmp_path, BOOK.format(burnout="burnout"))
    with open_store(tmp_path / "qcahp.db") as store:
        info, _ = store.add_transcript("amira", transcript(
            [("Amira", "participant", "I burned out in my ninth year.")]))
        store.code(info.id, "burnout", "ana", 0, 10)
    out = _load(tmp_path, BOOK.format(burnout="stress"))
    assert "themes added: stress" in out and "themes retired: burnout" in out
    line = [x for x in out.splitlines() if x.startswith("warning: theme burnout")]
    assert line == ["warning: theme burnout renamed stress? Both are named 'Burnout'; codings "
                    "and decisions stay with burnout, not stress: to move them: `qcahp "
                    "codebook merge-theme burnout stress --coder NAME`."]
    result = CliRunner().invoke(cli, ["codebook", "merge-theme", "burnout", "stress",
                                      "--coder", "ana"])
    assert result.exit_code == 0, result.output


def test_renamed_theme_without_codings_says_nothing_to_move(tmp_path: Path) -> None:
    _load(tmp_path, BOOK.format(burnout="burnout"))
    out = _load(tmp_path, BOOK.format(burnout="stress"))
    assert "burnout holds no codings, so nothing to move." in out


def test_evaluate_gold_tells_unknown_labels_from_folders(tmp_path: Path) -> None:
    small = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "I fell into it.", "themes": ["serendipty"]}\n'
                    '{"sentence": "The pay was poor.", "themes": ["salary"]}\n'
                    '{"sentence": "My career went well.", "themes": ["career_pathways"]}\n',
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--codebook",
                                      str(small)])
    assert result.exit_code == 0, result.output
    assert ("Warning: folders of the codebook (not codable: code their themes), left out "
            "of the scores: career_pathways") in result.output
    assert ("Warning: not theme ids of the codebook (a sentence with only these counts as "
            "theme-free), left out of the scores: salary, serendipty (did you mean "
            "serendipity?)") in result.output
    assert "not codable themes" not in result.output
