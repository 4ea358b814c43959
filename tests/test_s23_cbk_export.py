"""``qcahp codebook export`` and the comments of the file the codebook came from (session 23).

The export wrote YAML from the database, so the comments a team writes in its codebook
(why a pattern is there, what was tried) were gone from every exported file, without a
word. A load now keeps the YAML file's text; while nothing in the project has changed the
codebook since, the export writes that file as it was, comments and all. Otherwise (a
theme edited in the workbench, a theme added while coding, a patterns JSONL merged in, a
load made before this) it writes from the database and says on stderr, in one line
naming the file, that its comments are not carried over.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli

COMMENTED = """\
# Our codebook: read docs/methods.md before changing a theme.
name: Nights
version: 2
themes:
  - id: fatigue   # agreed at the March meeting
    name: Fatigue
    color: "#CC6677"
    patterns:
      # "tired" alone was too wide: it caught "tired of waiting".
      - id: fat_exhausted
        phrase: exhausted
  - id: sleep
    name: Sleep
    color: "#4477AA"
    patterns:
      - id: slp_awake
        regex: '\\b(?:awake|up) all night\\b'
"""


def _run(db: Path, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def _loaded(tmp_path: Path, text: str = COMMENTED) -> tuple[Path, Path]:
    db = tmp_path / "p.db"
    source = tmp_path / "nights.yaml"
    source.write_text(text, encoding="utf-8")
    _run(db, "codebook", "load", str(source))
    return db, source


def test_an_unchanged_codebook_exports_as_its_file_with_its_comments(tmp_path: Path) -> None:
    db, source = _loaded(tmp_path)
    out = tmp_path / "out.yaml"
    _, err = _run(db, "codebook", "export", str(out))
    assert "not carried over" not in err
    written = out.read_text(encoding="utf-8")
    first, second, rest = written.split("\n", 2)
    assert "written by `qcahp codebook export`" in first
    assert second == (f"# Loaded from: {source.name}, written as it was loaded (its comments "
                      "kept). Theme ids are what codings refer to: keep them.")
    assert rest == COMMENTED  # every comment, the layout, the order of keys
    # To the terminal too; and it loads back as the same codebook.
    shown, _ = _run(db, "codebook", "export")
    assert shown.split("\n", 2)[2] == COMMENTED
    loaded, _ = _run(db, "codebook", "load", str(out))
    assert "no changes" in loaded
    # Exported again (now loaded from the export): one header, not two.
    _run(db, "codebook", "export", str(out))
    again = out.read_text(encoding="utf-8")
    assert again.count("written by `qcahp codebook export`") == 1
    assert again.split("\n", 2)[2] == COMMENTED


def test_a_changed_codebook_says_the_comments_are_not_carried_over(tmp_path: Path) -> None:
    db, source = _loaded(tmp_path)
    _run(db, "codebook", "edit-theme", "fatigue", "--name", "Tiredness", "--coder", "ana")
    out = tmp_path / "out.yaml"
    _, err = _run(db, "codebook", "export", str(out))
    assert [line for line in err.splitlines() if not line.startswith("Wrote")] == [
        f"note: written from the database: the comments and layout of {source.name} are not "
        "carried over (the codebook was changed in this project since it was loaded)."]
    written = out.read_text(encoding="utf-8")
    assert "Tiredness" in written and "March meeting" not in written
    # Changed back: the file as it was loaded again.
    _run(db, "codebook", "edit-theme", "fatigue", "--name", "Fatigue", "--coder", "ana")
    _, err = _run(db, "codebook", "export", str(out))
    assert "not carried over" not in err
    assert out.read_text(encoding="utf-8").split("\n", 2)[2] == COMMENTED
    # A theme added while coding is in the export, from the database.
    _run(db, "codebook", "add-theme", "Shift swaps", "--coder", "ana")
    _, err = _run(db, "codebook", "export", str(out))
    assert "not carried over (the codebook was changed" in err
    assert "Shift swaps" in out.read_text(encoding="utf-8")


def test_other_loads_are_written_from_the_database(tmp_path: Path) -> None:
    # A patterns JSONL merged in: the YAML file alone is not the codebook.
    db = tmp_path / "p.db"
    source = tmp_path / "nights.yaml"
    source.write_text(COMMENTED, encoding="utf-8")
    more = tmp_path / "more.jsonl"
    more.write_text('{"label": "fatigue", "pattern": "worn out", "id": "fat_worn"}\n',
                    encoding="utf-8")
    _run(db, "codebook", "load", str(source), "--patterns", str(more))
    shown, err = _run(db, "codebook", "export")
    assert "fat_worn" in shown
    assert err.splitlines() == [f"note: written from the database: the comments and layout "
                                f"of {source.name} are not carried over."]
    # A load made before loads kept the file's text.
    (tmp_path / "two").mkdir()
    db2, source2 = _loaded(tmp_path / "two")
    conn = sqlite3.connect(db2)
    with conn:
        conn.execute("DELETE FROM settings WHERE key = 'codebook_source'")
    conn.close()
    _, err = _run(db2, "codebook", "export")
    assert err.splitlines() == [f"note: written from the database: the comments and layout "
                                f"of {source2.name} are not carried over."]
    # A JSONL codebook has no comments to lose: nothing said.
    db3 = tmp_path / "p3.db"
    _run(db3, "codebook", "load", str(more))
    _, err = _run(db3, "codebook", "export")
    assert "not carried over" not in err
    # A YAML file without a comment: nothing lost, nothing said.
    (tmp_path / "three").mkdir()
    plain = "\n".join(line.split("   #")[0] for line in COMMENTED.splitlines()
                      if not line.lstrip().startswith("#")) + "\n"
    assert " #" not in plain
    db4, _ = _loaded(tmp_path / "three", plain)
    _run(db4, "codebook", "edit-theme", "fatigue", "--name", "Tiredness", "--coder", "ana")
    _, err = _run(db4, "codebook", "export")
    assert "not carried over" not in err
