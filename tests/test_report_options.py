"""The report commands' shared pieces live in one public module
(:mod:`qualcoder_ahp.cli.report_options`): ``framework`` takes them from there, not
from another command's private helpers, and chooses its interviews as the others do."""

from __future__ import annotations

import ast

from click.testing import CliRunner

from qualcoder_ahp.cli import cli, report_options, reports
from tests.conftest import REPO


def test_no_command_imports_a_private_helper_of_another_module() -> None:
    """framework, then codebook, words and search took `_case_options`, `_emit` and the
    rest from cli/reports; every command now takes them from report_options."""
    private = [f"{path.name}: {node.module}.{alias.name}"
               for path in sorted((REPO / "qualcoder_ahp" / "cli").glob("*.py"))
               for node in ast.walk(ast.parse(path.read_text("utf-8")))
               if isinstance(node, ast.ImportFrom) and node.module
               and node.module.startswith("qualcoder_ahp")
               for alias in node.names
               if alias.name.startswith("_") and not alias.name.endswith("__")]
    assert private == []


def test_one_definition_serves_every_report() -> None:
    # The report commands still find the helpers where they did (no behaviour change).
    assert reports._case_options is report_options.case_options
    assert reports._csv is report_options.selection_csv
    assert reports._json is report_options.selection_json_text
    assert reports._about is report_options.about
    assert reports.selection_about is report_options.selection_about
    helps = [CliRunner().invoke(cli, [*command, "--help"], terminal_width=200).stdout
             for command in (["framework"], ["quotes"])]
    for help_text in helps:
        assert "--where ATTR=VALUE" in help_text and "--transcript NAME" in help_text
    where = [h[h.index("--where"):h.index("--where") + 400] for h in helps]
    assert where[0].split("--", 2)[1] == where[1].split("--", 2)[1]
