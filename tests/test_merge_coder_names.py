"""`qcahp merge` names the coders it brings in, and warns of one whose name is an
existing coder's but for case or spaces."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_merge import _base


def _merge(tmp_path: Path, here: str, there: str) -> str:
    main = _base(tmp_path / "main.db")
    asha = main.transcript("asha")
    main.code(asha.id, "serendipity", here, 23, 55)
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "caiB.db")
    copy = open_store(tmp_path / "caiB.db")
    copy.code(asha.id, "mandate", there, 0, 3)
    copy.close()
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "main.db"), "merge",
                                      str(tmp_path / "caiB.db")], terminal_width=300)
    assert result.exit_code == 0, result.output
    return result.output


def test_merge_names_the_new_coder_and_warns_of_a_case_twin(tmp_path: Path) -> None:
    out = _merge(tmp_path, "cai", "Cai")
    assert f"Merged {tmp_path / 'caiB.db'}: 1 new coder (Cai), 1 coding" in out
    warning = [line for line in out.splitlines() if line.startswith("warning:")]
    assert warning == ["warning: 'Cai' differs from the coder 'cai' here only by case: if "
                       "they are one person, they are still counted as two coders (in "
                       "agreement, counts and reports)."]


def test_a_space_twin_is_named_too(tmp_path: Path) -> None:
    out = _merge(tmp_path, "cai li", "Cai  Li")
    assert "'Cai  Li' differs from the coder 'cai li' here only by spaces and case" in out


def test_a_new_coder_of_another_name_draws_no_warning(tmp_path: Path) -> None:
    out = _merge(tmp_path, "asha", "ben")
    assert "1 new coder (ben)" in out and "warning" not in out


def test_codings_import_echoes_the_stored_coder_name(tmp_path: Path) -> None:
    _base(tmp_path / "p.db").close()
    path = tmp_path / "in.csv"
    path.write_text("transcript,theme,start,end,quote\nasha,serendipity,0,3,How\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "codings", "import",
                                      str(path), "--coder", "cai "])
    assert result.exit_code == 0, result.output
    assert result.output == "Imported 1 coding for cai (0 already present).\n"
    with open_store(tmp_path / "p.db") as store:
        assert store.coders() == ["cai"]
