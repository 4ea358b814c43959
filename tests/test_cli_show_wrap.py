"""``qcahp show`` on a terminal: each turn wrapped to the width under its speaker label.

Each turn was printed on one line of up to 440 columns. The width is decided as for
every table (``cli.common.table_width``): ``$COLUMNS``, else the terminal's width when
stdout is a terminal; in a pipe or a file (``-o``) the turns stay whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Theme, Turn
from tests.conftest import make_parsed

ANSWER = ("I qualified as a physiotherapist in 1996 and did my junior rotations at a big "
          "teaching hospital in the Midlands: respiratory, orthopaedics, neuro, the usual. "
          "I loved the wards and thought I would do that until I retired.")
LONG_NAME = "Professor Henrietta Alexandra Worthington-Smythe"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "show.db"
    store = open_store(path)
    parsed = make_parsed([("Interviewer", "interviewer", "How did your career begin?"),
                          ("Helen", "participant", ANSWER),
                          (LONG_NAME, "participant", ANSWER)])
    parsed.turns[1] = Turn("Helen", "participant", parsed.turns[1].start,
                           parsed.turns[1].end, "00:01:02")
    info, _ = store.add_transcript("helen", parsed)
    store.code(info.id, _theme(store), "ana", parsed.turns[1].start, parsed.turns[1].end)
    store.set_memo("ana", "coding", store.codings(transcript_id=info.id)[0].id,
                   "A long memo about the wards and the rotations that shaped her career.")
    store.close()
    return path


def _theme(store: Store) -> str:
    store.save_codebook(Codebook("Small", (Theme("wards", "Wards", None),)))
    return "wards"


def show(db: Path, *args: str, columns: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), "show", "helen", *args],
                                env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_each_turn_wraps_under_its_speaker_label(db: Path):
    out = show(db, columns="80")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    head = "[00:01:02] Helen (participant): "
    first = next(i for i, line in enumerate(lines) if line.startswith(head))
    block = [lines[first]]
    for line in lines[first + 1:]:
        if not line.strip():
            break
        block.append(line)
    assert len(block) > 2
    assert all(line.startswith(" " * len(head)) and line[len(head)] != " "
               for line in block[1:]), block
    assert " ".join(line.strip() for line in block) == head + ANSWER
    # A label wider than half the screen: the turn goes on 4 cells in.
    long_head = f"{LONG_NAME} (participant): "
    at = next(i for i, line in enumerate(lines) if line.startswith(long_head))
    assert lines[at + 1].startswith("    ") and lines[at + 1][4] != " "


def test_in_a_pipe_each_turn_stays_on_one_line(db: Path):
    out = show(db, columns="")
    assert "[00:01:02] Helen (participant): " + ANSWER in out.splitlines()
    assert show(db, columns="80") != out


def test_codings_and_memos_fit_a_narrow_terminal(db: Path):
    out = show(db, "--coder", "ana", columns="50")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 50, out
    assert any(line.startswith("  ↳ Wards (ana): ") for line in lines)
    text = " ".join(out.split())
    assert "memo: A long memo about the wards and the rotations that shaped her career." \
        in text
