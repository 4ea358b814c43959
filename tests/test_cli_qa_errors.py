"""Bad input found by hand testing: each ends in one clear line, exit 1, no traceback."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import open_store


def run(*args: str) -> Result:
    # catch_exceptions=True: a traceback would show up as result.exception, not SystemExit.
    return CliRunner().invoke(cli, list(args))


def _one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_database_under_a_file_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    # `participants import` may create a project, so it reaches the file system's refusal.
    result = run("--db", str(tmp_path / "afile" / "x.db"), "participants", "import", "p.csv")
    _one_line_error(result, "afile/x.db", "cannot create the project database")
    result = run("--db", str(tmp_path / "afile" / "sub" / "x.db"), "participants", "import",
                 "p.csv")
    _one_line_error(result, "afile/sub/x.db", "no folder", "create it first")


def test_database_in_an_unwritable_place_is_refused_in_one_line(tmp_path: Path,
                                                                monkeypatch) -> None:
    def denied(*_args: object, **_kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("qualcoder_ahp.model.store.os.open", denied)
    result = run("--db", str(tmp_path / "x.db"), "participants", "import", "p.csv")
    _one_line_error(result, "x.db", "Permission denied")


def test_reading_command_refuses_a_missing_database_and_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "tpyo.db"
    # Listing and exporting commands of groups that also load things (codebook show,
    # refi export, participants) used to leave an empty project behind in a wrong folder.
    for command in (["transcripts"], ["counts"], ["agreement", "--coders", "a,b"],
                    ["codebook", "show"], ["participants"], ["codings", "export"],
                    ["refi", "export", "x.qdpx"], ["refi", "export-codebook", "x.qdc"]):
        result = run("--db", str(typo), *command)
        _one_line_error(result, "tpyo.db", "no project database here")
        assert not typo.exists()


def test_unwritable_output_of_any_command_is_one_line(tmp_path: Path) -> None:
    store = open_store(os.environ["QCAHP_DB"])
    store.ensure_coder("ana")
    store.ensure_coder("bob")
    store.close()
    before = Path(os.environ["QCAHP_DB"]).read_bytes()
    (tmp_path / "afile").write_text("not a folder")
    target = str(tmp_path / "afile" / "out.csv")
    for args in (["codings", "export", "-o", target],
                 ["agreement", "--coders", "ana,bob", "-o", target],
                 ["counts", "-o", target]):
        result = run(*args)
        _one_line_error(result, "afile")
    assert Path(os.environ["QCAHP_DB"]).read_bytes() == before


def test_debug_still_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    open_store(os.environ["QCAHP_DB"]).close()
    result = run("--debug", "codings", "export", "-o", str(tmp_path / "afile" / "o.csv"))
    assert isinstance(result.exception, UserError)  # raised, not turned into one line
    assert "no such folder" in str(result.exception)


def test_report_to_an_unknown_suffix_is_refused_not_written_as_text(tmp_path: Path) -> None:
    from qualcoder_ahp.records import Codebook, Theme

    store = open_store(os.environ["QCAHP_DB"])
    store.save_codebook(Codebook(name="cb", themes=(Theme("luck", "Luck", None, "chance"),),
                                 patterns=()))
    store.close()
    for args in (["quotes", "-o", "q.pdf"], ["counts", "-o", "c.weird"],
                 ["cooccurrence", "-o", "x.pdf"]):
        result = run(*args)
        _one_line_error(result, args[-1], Path(args[-1]).suffix, "--format")
        assert not Path(args[-1]).exists()
    # An explicit --format still writes any name; a name with no suffix gets the default.
    assert run("counts", "--format", "csv", "-o", "c.weird").exit_code == 0
    assert Path("c.weird").read_text().startswith("theme,")
    assert run("counts", "-o", "plain").exit_code == 0


def test_format_that_contradicts_the_suffix_is_refused(tmp_path: Path) -> None:
    """``--format csv -o log.xlsx`` wrote CSV text that Excel refuses to open; it is one
    line naming both, and nothing is written. A .txt file still takes any text format."""
    from qualcoder_ahp.records import Codebook, Theme

    store = open_store(os.environ["QCAHP_DB"])
    store.save_codebook(Codebook(name="cb", themes=(Theme("luck", "Luck", None, "chance"),),
                                 patterns=()))
    store.close()
    for args in (["counts", "--format", "csv", "-o", "counts.xlsx"],
                 ["log", "--format", "md", "-o", "log.csv"],
                 ["codebook", "show", "--format", "xlsx", "-o", "codebook.json"]):
        result = run(*args)
        wanted = Path(args[-1]).with_suffix("." + args[-3]).name
        _one_line_error(result, f"{args[-1]}: --format {args[-3]} does not match the suffix "
                                f"{Path(args[-1]).suffix}: name the file {wanted}, or leave "
                                "out --format")
        assert not Path(args[-1]).exists()
    assert run("counts", "--format", "md", "-o", "counts.txt").exit_code == 0
    assert Path("counts.txt").read_text().startswith("## ")


def test_unknown_theme_is_an_error_not_an_empty_list() -> None:
    from qualcoder_ahp.records import Codebook, Theme

    store = open_store(os.environ["QCAHP_DB"])
    store.save_codebook(Codebook(name="cb", themes=(Theme("luck", "Luck", None, "chance"),),
                                 patterns=()))
    store.close()
    for args in (["suggestions", "--theme", "nope"], ["patterns", "--theme", "nope"]):
        _one_line_error(run(*args), "nope")
    assert run("suggestions", "--theme", "luck").output.splitlines()[0] == "(none)"
    assert run("patterns", "--theme", "luck").exit_code == 0


def test_mistyped_command_is_named_with_a_suggestion(monkeypatch) -> None:
    result = run("count")
    assert result.exit_code == 2
    assert "No such command 'count'. Did you mean 'counts'?" in result.output
    assert "unexpected extra argument" not in result.output
    assert "No such command 'zzz'." in run("zzz").output
    # The default command still runs with no command at all (here: its help).
    opened: list[bool] = []
    monkeypatch.setattr("qualcoder_ahp.cli.workbench._run",
                        lambda project, coder: opened.append(True))
    monkeypatch.setattr("qualcoder_ahp.cli.workbench._has_terminal", lambda: True)
    assert run().exit_code == 0 and opened == [True]


def test_read_only_database_is_named_not_sent_to_a_backup(monkeypatch) -> None:
    import sqlite3

    from qualcoder_ahp.model.store import Store

    store = open_store(os.environ["QCAHP_DB"])
    store.ensure_coder("ana")
    store.close()

    def readonly(*_args: object, **_kwargs: object) -> None:
        # What SQLite says when the file (or its folder) cannot be written.
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(Store, "set_setting", readonly)
    result = run("blind", "on")
    _one_line_error(result, os.environ["QCAHP_DB"], "read-only", "nothing was changed")
    assert ".bak" not in result.output


def test_a_wrong_value_is_one_line_without_the_usage_block(tmp_path: Path) -> None:
    open_store(os.environ["QCAHP_DB"]).close()
    (tmp_path / "folder").mkdir()
    for args, needle in ((["counts", "--format", "pdf"], "'pdf' is not one of"),
                         (["agreement", "--coders", "ana,ana"], "two or more different"),
                         (["--db", str(tmp_path / "folder"), "transcripts"], "is a directory")):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert result.output.count("\n") == 1 and "Usage:" not in result.output, result.output
        assert result.output.startswith("Error: ") and needle in result.output
        assert "--help`)" in result.output  # where to read more
    # A usage mistake that is not a value keeps click's usage lines.
    assert "Usage:" in run("counts", "--nosuch").output


def test_refi_export_refuses_a_wrong_suffix_or_missing_folder(tmp_path: Path) -> None:
    from qualcoder_ahp.records import Codebook, Theme

    store = open_store(os.environ["QCAHP_DB"])
    store.save_codebook(Codebook(name="cb", themes=(Theme("luck", "Luck", None, "chance"),),
                                 patterns=()))
    store.close()
    for args, needle in ((["refi", "export", "study.txt"], ".qdpx"),
                         (["refi", "export-codebook", "codes.qdpx"], ".qdc"),
                         (["refi", "export", str(tmp_path / "new" / "s.qdpx")], "no such folder"),
                         (["refi", "export-codebook", str(tmp_path / "new" / "c.qdc")],
                          "no such folder")):
        _one_line_error(run(*args), args[-1], needle)
        assert not Path(args[-1]).exists()
    assert not (tmp_path / "new").exists()
    assert run("refi", "export-codebook", "codes.QDC").exit_code == 0


def test_reports_before_a_codebook_say_what_to_do_first() -> None:
    store = open_store(os.environ["QCAHP_DB"])
    store.ensure_coder("ana")
    store.close()
    for args in (["counts"], ["quotes"], ["cooccurrence"], ["patterns"],
                 ["chart", "counts", "-o", "c.png"], ["counts", "-o", "c.xlsx"]):
        _one_line_error(run(*args), "no codebook loaded", "qcahp codebook load")
    assert not Path("c.png").exists() and not Path("c.xlsx").exists()
