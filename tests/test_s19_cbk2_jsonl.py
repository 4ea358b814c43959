"""A patterns JSONL merged into a codebook says where a reused id is, and which key a line
lacks.

"pattern id already used in the codebook" left the researcher searching a codebook of
hundreds of patterns for the id; `each line needs {"label": ..., "pattern": ...}` on a line
that had one of them did not say which was missing (a misspelt `lable`, a line without its
`pattern`). Errors come in the file's line order, and nothing is stored.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store

CODEBOOK = """\
name: Night shifts
themes:
  - id: fatigue
    name: Fatigue
    color: "#CC6677"
    patterns:
      - id: fat_tired
        phrase: tired
      - id: fat_exhausted
        phrase: exhausted
  - id: autonomy
    name: Autonomy
    color: "#117733"
"""
LINES = [
    '{"label": "autonomy", "pattern": "my call", "id": "aut_my_call"}',
    '{"label": "fatigue", "pattern": "worn out", "id": "fat_exhausted"}',
    '{"lable": "fatigue", "pattern": "shattered", "id": "fat_shattered"}',
    '{"label": "autonomy", "id": "aut_own"}',
    '["autonomy", "my own boss"]',
]


def test_a_reused_id_and_a_missing_key_are_named(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # relative names, as a researcher types them
    Path("nights.yaml").write_text(CODEBOOK, encoding="utf-8")
    Path("more.jsonl").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    db = tmp_path / "p.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "codebook", "load", "nights.yaml",
                                      "--patterns", "more.jsonl"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "more.jsonl:2: pattern fat_exhausted: pattern id already used in the codebook, at "
        "nights.yaml:9 (theme fatigue): give this one another id",
        "more.jsonl:3: pattern fat_shattered: missing `label`; the line has 'lable': spell "
        'it \'label\' (each line needs {"label": ..., "pattern": ...})',
        'more.jsonl:4: pattern aut_own: missing `pattern` (each line needs {"label": ..., '
        '"pattern": ...})',
        'more.jsonl:5: each line must be one JSON object, {"label": ..., "pattern": ...}, '
        "not a JSON array",
        "4 errors: nothing stored.",
    ]
    with open_store(db) as store:
        assert store.patterns() == [] and store.themes() == []
