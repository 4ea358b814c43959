"""Output hygiene of the command line: where "Wrote ..." goes, safe file writes, option ranges.

Every command that writes a file says so in one line on stderr (``Wrote <what> to
<path>``, with ``(replaced the old file)`` when there was one), so stdout carries only
data; a write that fails leaves the old file untouched; numeric options refuse values
outside their range with a one-line usage error.
"""

from __future__ import annotations

import errno
import os
import stat

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_reports import build_project


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


# Every command with an output file, as (arguments before the file, file name, what).
WRITERS = [
    (["counts", "-o"], "counts.csv", "rows of theme counts"),
    (["counts", "-o"], "counts.xlsx", "theme counts"),
    (["quotes", "-o"], "quotes.md", "quotes"),
    (["cooccurrence", "-o"], "co.json", "the co-occurrence matrix"),
    (["chart", "counts", "-o"], "chart.svg", "a counts chart"),
    (["agreement", "--coders", "alice,bob", "-o"], "agreement.csv", "agreement figures"),
    (["disagreements", "--coders", "alice,bob", "-o"], "dis.xlsx", "disagreeing span"),
    (["codings", "export", "-o"], "codings.csv", "codings"),
    (["reconcile", "log", "-o"], "log.txt", "1 row"),
    (["refi", "export-codebook"], "book.qdc", "a REFI-QDA codebook (5 codes)"),
    (["refi", "export"], "project.qdpx", "a REFI-QDA project (5 codes"),
]


@pytest.mark.parametrize(("args", "name", "what"), WRITERS, ids=[w[1] for w in WRITERS])
def test_every_written_file_is_reported_on_stderr_and_a_replaced_one_says_so(
        db, tmp_path, args, name, what):
    target = tmp_path / name
    first = run(db, *args, str(target))
    assert first.exit_code == 0, first.output
    assert first.stdout == ""  # data only: nothing about the file on stdout
    line = first.stderr.splitlines()[0]
    assert line.startswith("Wrote ") and what in line
    assert f" to {target}" in line and "replaced" not in line
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    target.chmod(0o644)  # a file someone widened: the new one is owner-only again
    again = run(db, *args, str(target))
    assert again.exit_code == 0, again.output
    assert again.stdout == ""
    assert f" to {target} (replaced the old file)" in again.stderr.splitlines()[0]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_no_disagreements_with_an_output_file_is_said_on_stderr(db, tmp_path):
    out = tmp_path / "d.csv"
    result = run(db, "disagreements", "--coders", "alice,bob", "--theme", "weapon", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"No disagreements. Nothing written to {out}.")


def _failing_writes(monkeypatch):
    """Make every file write stop half-way with a full disk."""
    real = os.fdopen

    class Half:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:5])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Half(real(fd, *a, **k)))


@pytest.mark.parametrize("name", ["counts.csv", "counts.xlsx", "agreement.md"])
def test_a_failed_write_leaves_the_old_file_whole(db, tmp_path, monkeypatch, name):
    target = tmp_path / name
    args = (["agreement", "--coders", "alice,bob"] if name.startswith("agreement")
            else ["counts"])
    assert run(db, *args, "-o", str(target)).exit_code == 0
    good = target.read_bytes()
    assert len(good) > 100

    _failing_writes(monkeypatch)
    result = run(db, *args, "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {target}: cannot write the output file "
                             "(No space left on device)\n")
    assert target.read_bytes() == good  # not truncated to the 5 bytes written
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("value", ["0", "-0.5", "1.5", "nan", "inf"])
def test_agreement_threshold_outside_0_1_is_a_usage_error(db, value):
    for command in ("agreement", "disagreements"):
        result = run(db, command, "--coders", "alice,bob", "--unit", "segment",
                     "--threshold", value)
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and "--threshold" in lines[0] and "0<x<=1" in lines[0]


def test_agreement_threshold_of_one_and_a_small_one_are_taken(db):
    for value in ("1", "0.01"):
        result = run(db, "agreement", "--coders", "alice,bob", "--unit", "segment",
                     "--threshold", value)
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "option"), [
    (["suggest", "--processes", "0"], "--processes"),
    (["decide", "1", "accept", "--coder", "ana", "--start", "-1"], "--start"),
    (["decide", "1", "accept", "--coder", "ana", "--end", "-3"], "--end"),
    (["decide", "0", "reject", "--coder", "ana"], "SUGGESTION_ID"),
])
def test_other_numeric_options_refuse_values_out_of_range(db, args, option):
    result = run(db, *args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and option in lines[0] and "not in the range" in lines[0]


def test_processes_beyond_the_cores_is_a_usage_error(db):
    result = run(db, "suggest", "--processes", str((os.cpu_count() or 1) + 1))
    assert result.exit_code == 2
    assert "--processes" in result.stderr and "not in the range 1<=x<=" in result.stderr


def test_evaluate_gold_without_a_project_points_at_codebook(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "I got the job by chance.", "themes": ["serendipity"]}\n',
                    encoding="utf-8")
    missing = tmp_path / "none.db"
    result = run(missing, "evaluate", "--gold", str(gold))
    assert result.exit_code == 1
    assert "--codebook FILE" in result.stderr
    assert "qcahp import" not in result.stderr  # transcripts are not what is missing
    assert not missing.exists()


def test_evaluate_gold_with_a_project_without_codebook_points_at_codebook(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "I got the job by chance.", "themes": ["serendipity"]}\n',
                    encoding="utf-8")
    path = tmp_path / "empty.db"
    open_store(path).close()
    result = run(path, "evaluate", "--gold", str(gold))
    assert result.exit_code == 1
    assert "--codebook FILE" in result.stderr and "qcahp codebook load" in result.stderr


def test_cli_import_and_refi_import_name_their_new_version_flag(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for folder, answer in ((one, "By chance."), (two, "I planned it.")):
        folder.mkdir()
        (folder / "p01.txt").write_text(f"Interviewer: How?\nAnn: {answer}\n", encoding="utf-8")
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert run(a, "import", str(one / "p01.txt")).exit_code == 0
    assert run(b, "import", str(two / "p01.txt")).exit_code == 0

    refused = run(a, "import", str(two / "p01.txt"))
    assert refused.exit_code == 1
    assert "already stored; use --new-version to store this as a new version" in refused.stderr

    qdpx = tmp_path / "b.qdpx"
    assert run(b, "refi", "export", str(qdpx)).exit_code == 0
    refused = run(a, "refi", "import", str(qdpx))
    assert refused.exit_code == 1
    # since session 22 the clash names every way through (--transcript-clash), the flag too
    assert ("choose with --transcript-clash new-version, rename or skip (--new-version "
            "stores it as a new version)") in refused.stderr
    assert run(a, "refi", "import", "--new-version", str(qdpx)).exit_code == 0


def test_reconcile_log_refuses_a_suffix_no_format_has(db, tmp_path):
    target = tmp_path / "log.foo"
    result = run(db, "reconcile", "log", "-o", str(target))
    assert result.exit_code == 1
    assert "cannot tell the format from the suffix '.foo'" in result.stderr
    assert not target.exists()  # it wrote a table under a name no program opens


def test_redact_names_file_missing_reads_as_everywhere_else(db, tmp_path):
    result = run(db, "redact", "--names", str(tmp_path / "nosuch.txt"), "--all")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nosuch.txt'}: no such file\n"


def test_no_disagreements_in_a_machine_format_is_an_empty_document(db, tmp_path):
    import csv
    import io
    import json

    args = ["disagreements", "--coders", "alice,bob", "--theme", "weapon"]
    result = run(db, *args, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [] and result.stderr == "No disagreements.\n"
    result = run(db, *args, "--format", "csv")
    header = next(csv.reader(io.StringIO(result.stdout)))
    some = next(csv.reader(io.StringIO(run(db, "disagreements", "--coders", "alice,bob",
                                           "--format", "csv").stdout)))
    assert header == some  # the same columns as a list with rows
    assert result.stderr == "No disagreements.\n"
    assert run(db, *args).stdout == "No disagreements.\n"  # the terminal table: a sentence

    old = tmp_path / "d.csv"
    old.write_text("stale\n", encoding="utf-8")
    result = run(db, *args, "-o", str(old))
    assert result.stderr == (f"No disagreements. Nothing written to {old} "
                             "(the old file is left as it was).\n")
    assert old.read_text(encoding="utf-8") == "stale\n"


@pytest.mark.parametrize("args", [
    ["counts", "--format", "csv", "-o"],
    ["quotes", "--format", "md", "-o"],
    ["agreement", "--coders", "alice,bob", "--format", "csv", "-o"],
    ["reconcile", "log", "--format", "json", "-o"],
    ["codings", "export", "-o"],
])
def test_the_project_database_is_never_an_output_file(db, args):
    before = db.read_bytes()
    result = run(db, *args, str(db))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {db}: that is the project database: give the output "
                             "another file name\n")
    assert db.read_bytes() == before
    assert run(db, "counts").exit_code == 0  # still a project


def test_refi_export_refuses_the_project_database(tmp_path):
    path = tmp_path / "study.qdpx"  # a project database under a .qdpx name
    store = open_store(path)
    build_project(store)
    store.close()
    result = run(path, "refi", "export", str(path))
    assert result.exit_code == 1 and "that is the project database" in result.stderr
    assert run(path, "counts").exit_code == 0
