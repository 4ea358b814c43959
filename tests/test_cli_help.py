"""Every command has help text, and the top-level options behave."""

from __future__ import annotations

import click
from click.testing import CliRunner

from qualcoder_ahp.cli import cli


def _walk(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _walk(command, (*prefix, name))


def test_every_command_has_help():
    runner = CliRunner()
    for path, command in _walk(cli):
        assert command.help or command.short_help, f"qcahp {' '.join(path)} has no help"
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "qcahp" in result.output


def test_newer_database_is_one_line_error(tmp_path):
    import sqlite3

    from qualcoder_ahp.model.store import open_store

    path = tmp_path / "future.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    commands = [p for p, c in _walk(cli) if not isinstance(c, click.Group)]
    listing = next((p for p in commands if p[-1] == "transcripts"), None)
    if listing is None:
        return
    result = CliRunner().invoke(cli, ["--db", str(path), *listing])
    assert result.exit_code == 1
    assert "newer" in result.output and "Traceback" not in result.output


def test_top_help_lists_each_command_once_by_stage_untruncated():
    out = CliRunner().invoke(cli, ["--help"], terminal_width=100).output
    lines = out.splitlines()
    for name in cli.commands:
        listed = [line for line in lines if line.split()[:1] == [name]
                  and line.startswith("  ") and not line.startswith("    ")]
        assert len(listed) == 1, (name, listed)
    # Click's alphabetical list cut most descriptions short with "..."
    assert not [line for line in lines[1:] if line.rstrip().endswith("...")], out
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings.index("Transcripts:") < headings.index("Reports:") \
        < headings.index("Several coders:")
    assert "qcahp import interviews/" in out  # an example to start from


def test_options_name_what_they_take():
    # TEXT/INTEGER say nothing to a researcher; every coder, theme and transcript
    # option names its value the same way.
    for path, command in _walk(cli):
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            shown = param.get_help_record(click.Context(command))
            assert shown is not None
            assert " TEXT" not in shown[0] and " INTEGER" not in shown[0], (path, shown)
            if param.name in ("coder", "theme", "theme_id"):
                assert shown[0].endswith(("NAME", "ID")), (path, shown)
            if not param.is_flag and param.name != "help":
                assert shown[1].strip(), (path, shown, "has no help text")
