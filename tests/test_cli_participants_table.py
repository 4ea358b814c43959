"""``qcahp participants`` at 80 columns: attributes wrapped in their columns, not cut.

Every attribute was cut to about 14 characters ("Head of allie…"); now a row takes as
many lines as its longest attribute, each column's words whole, read down the column.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from tests.conftest import REPO

CSV = REPO / "transcripts" / "participants.csv"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "people.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "participants", "import", str(CSV)])
    assert result.exit_code == 0, result.output
    return path


def listing(db: Path, columns: str) -> list[str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "participants"],
                                env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def expected() -> dict[str, dict[str, str]]:
    with open(CSV, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    return {r[0]: dict(zip(head[1:], r[1:], strict=True)) for r in rows[1:]}


def test_every_attribute_is_whole_at_80_columns(db: Path):
    lines = listing(db, "80")
    assert max(len(line) for line in lines) <= 80
    assert "…" not in "\n".join(lines)
    heads = lines[0].split()
    starts = [m.start() for m in re.finditer(r"-+", lines[1])]
    assert len(heads) == len(starts) == 5
    want = expected()
    assert len(want) == 7
    # Rows start where the participant column is not blank; read each column down.
    rows: dict[str, list[list[str]]] = {}
    code = ""
    for line in lines[2:]:
        if line[:starts[1]].strip():
            code = line[:starts[1]].strip()
            rows[code] = [[] for _ in heads[1:]]
        for k, start in enumerate(starts[1:]):
            end = starts[k + 2] if k + 2 < len(starts) else None
            part = line[start:end].strip()
            if part:
                rows[code][k].append(part)
    assert set(rows) == set(want)
    for code, cols in rows.items():
        for name, words in zip(heads[1:], cols, strict=True):
            assert " ".join(words) == " ".join(want[code][name].split()), (code, name)
    # A word is never broken across lines where the table has room for it.
    assert "Physiotherapist" in "\n".join(lines) and "transformation" in "\n".join(lines)


def test_in_a_pipe_each_participant_is_one_line(db: Path):
    lines = listing(db, "")
    assert len(lines) == 2 + 7
    assert "Head of allied health professions" in lines[2]
