"""``qcahp --db study.db`` on its own opens the workbench, as a bare ``qcahp`` does.

The README says running qcahp with no command opens the workbench; with only ``--db``
(or ``--debug``) click said "Missing command".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def fake_run(self: Any, *args: Any, **kwargs: Any) -> None:
        seen["path"] = self.store_path
        seen["coder"] = self.coder

    monkeypatch.setattr("qualcoder_ahp.cli.workbench._has_terminal", lambda: True)
    monkeypatch.setattr("qualcoder_ahp.tui.app.WorkbenchApp.run", fake_run)
    monkeypatch.setenv("QCAHP_CODER", "zoe")
    return seen


@pytest.mark.parametrize("extra", [[], ["--debug"]])
def test_only_db_opens_the_workbench(opened: dict[str, Any], tmp_path: Path,
                                     extra: list[str]) -> None:
    db = tmp_path / "study.db"
    result = CliRunner().invoke(cli, ["--db", str(db), *extra])
    assert result.exit_code == 0, result.output
    assert "Missing command" not in result.output
    assert opened["path"] == db


def test_db_equals_form_opens_the_workbench(opened: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    result = CliRunner().invoke(cli, [f"--db={db}"])
    assert result.exit_code == 0, result.output
    assert opened["path"] == db


def test_version_and_help_are_not_the_workbench(opened: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    version = CliRunner().invoke(cli, ["--db", str(db), "--version"])
    assert version.exit_code == 0 and "qcahp, version" in version.output
    shown = CliRunner().invoke(cli, ["--db", str(db), "--help"])
    assert shown.exit_code == 0 and "Usage:" in shown.output
    assert opened == {}
    assert not db.exists()
