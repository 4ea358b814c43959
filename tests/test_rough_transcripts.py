"""`qcahp transcripts` on a narrow terminal: the speakers and their roles wrapped, never cut.

At 80 columns the table cut the speakers column to "Interview…", hiding the roles a
researcher checks after an import; a focus group's many speakers lost most of them.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli

GROUP = ["Facilitator", "Anna Whitfield", "Bilal Rahman", "Chloe Dufresne", "Dev Mistry",
         "Esther Okonkwo", "Farid Haddad"]


def run(db: Path, *args: str, columns: int | None = None) -> str:
    env = {"COLUMNS": str(columns) if columns else None}
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def _project(tmp_path: Path) -> Path:
    db = tmp_path / "study.db"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "physio_helen_first_interview.txt").write_text(
        "Interviewer: How did your career begin?\n\n"
        "Helen: I qualified as a physiotherapist in 1996.\n", encoding="utf-8")
    lines = [f"{name}: Thank you, I am {name} and I work in the trust." for name in GROUP]
    (folder / "focus_group_managers.txt").write_text("\n\n".join(lines) + "\n",
                                                      encoding="utf-8")
    run(db, "import", str(folder), "--interviewer", "Facilitator")
    return db


def test_speakers_go_whole_under_each_row_at_80_columns(tmp_path):
    db = _project(tmp_path)
    whole = run(db, "transcripts")
    assert max(map(len, whole.splitlines())) > 80
    fitted = run(db, "transcripts", columns=80)
    lines = fitted.splitlines()
    assert max(map(len, lines)) <= 80
    assert "\u2026" not in fitted
    assert lines[0].split() == ["id", "name", "participant", "words", "turns"]
    assert lines[1].strip() == "speakers"
    # Each row's speakers under it, wrapped onto more lines, every name and role whole.
    joined = " ".join(line.strip() for line in lines)
    assert "Interviewer (I), Helen (P)" in joined
    for name in GROUP[1:]:
        assert f"{name} (" in joined
    assert "Facilitator (I)" in joined
    group_row = next(i for i, line in enumerate(lines) if "focus_group_managers" in line)
    under = lines[group_row + 1:group_row + 3]
    assert all(line.startswith("    ") and line.strip() for line in under)
    assert "In every row: version 1, format txt." in fitted


def test_wide_terminal_and_pipe_keep_the_one_line_rows(tmp_path):
    db = _project(tmp_path)
    whole = run(db, "transcripts")
    assert run(db, "transcripts", columns=400) == whole
    assert whole.splitlines()[0].split()[-1] == "speakers"
