"""``qcahp refi export-codebook|export|import`` through click's CliRunner."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_refi_import import table_counts
from tests.test_refi_support import FIXTURES, build_coded_project, validate_both, zip_fixture


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_export_both_then_import(tmp_path: Path) -> None:
    source_db = tmp_path / "source.db"
    store = open_store(source_db)
    build_coded_project(store)
    store.close()
    result = _run("--db", str(source_db), "refi", "export-codebook", "book.qdc")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # stdout carries data only; the report line is on stderr
    assert result.stderr == "Wrote a REFI-QDA codebook (4 codes) to book.qdc\n"
    validate_both(Path("book.qdc").read_bytes(), "Codebook.xsd")
    result = _run("--db", str(source_db), "refi", "export", "project.qdpx")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == ("Wrote a REFI-QDA project (5 codes, 2 users, 2 sources, "
                             "6 selections, 4 notes, 3 cases, 2 variables) to project.qdpx\n")
    assert stat.S_IMODE(Path("project.qdpx").stat().st_mode) == 0o600
    with zipfile.ZipFile("project.qdpx") as archive:
        validate_both(archive.read("project.qde"), "Project.xsd")

    result = _run("refi", "import", "project.qdpx")  # into $QCAHP_DB, empty
    assert result.exit_code == 0, result.output
    assert ("Imported project.qdpx (project): 5 themes, 2 coders, 2 transcripts, 6 codings, "
            "4 memos, 3 participants, 4 attributes.") in result.output
    result = _run("refi", "import", "project.qdpx")
    assert result.exit_code == 0
    assert "project.qdpx: nothing new (already imported)." in result.output
    imported = open_store(tmp_path / "qcahp.db")
    try:
        assert len(imported.codings()) == 6 and imported.coders() == ["ana", "bea"]
    finally:
        imported.close()


def test_import_reports_units_warnings_and_mismatches(tmp_path: Path) -> None:
    path = zip_fixture("nvivo", tmp_path / "nvivo.qdpx")
    result = CliRunner().invoke(cli, ["refi", "import", str(path), "--coder-map",
                                      "Sam Researcher=sam"])
    assert result.exit_code == 0, result.output
    assert ("Imported " + str(path) + " (project): 3 themes, 1 coder, 1 transcript, 6 codings, "
            "1 memo, 1 participant, 2 attributes.") in result.stdout
    assert "Offsets converted to code points: 5 in utf16." in result.stdout
    assert "Mismatch: Sam interview: selection 5e100000-0000-4000-8000-000000000006" \
        in result.stderr
    lines = result.stderr.splitlines()
    # "1 selection ... their offsets" read wrong: one selection, its offsets.
    assert "Warning: 1 selection had no quote to check its offsets against" in lines
    assert "1 selection not imported: its offsets do not fit the text (listed above)." \
        in lines
    assert "their" not in result.stderr
    store = open_store(tmp_path / "qcahp.db")
    try:
        assert store.coders() == ["sam"]
    finally:
        store.close()


def test_import_codebook_warns_about_empty_sets() -> None:
    result = CliRunner().invoke(cli, ["refi", "import", str(FIXTURES / "taguette.qdc")])
    assert result.exit_code == 0
    assert "(codebook): 3 themes." in result.stdout
    assert "Warning: empty <Sets/> ignored" in result.stderr


def test_refused_file_is_one_line_and_database_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "qcahp.db"
    store = open_store(db)
    build_coded_project(store)
    before = table_counts(store)
    store.close()
    result = CliRunner().invoke(cli, ["refi", "import", str(FIXTURES / "billion_laughs.qdc")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: {FIXTURES / 'billion_laughs.qdc'}: refused")
    store = open_store(db)
    try:
        assert table_counts(store) == before
    finally:
        store.close()


def test_bad_coder_map_and_empty_export(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["refi", "import", str(FIXTURES / "taguette.qdc"),
                                      "--coder-map", "nobody"])
    assert result.exit_code == 1 and "FILE_USER=CODER" in result.stderr
    open_store("qcahp.db").close()  # an empty project: export refuses a missing one
    result = CliRunner().invoke(cli, ["refi", "export", "x.qdpx"])
    assert result.exit_code == 1 and "nothing to export" in result.stderr
    assert not Path("x.qdpx").exists()


def test_every_refi_command_has_help() -> None:
    for command in ("export-codebook", "export", "import"):
        result = _run("refi", command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = zip_fixture("atlas", tmp_path / "atlas.qdpx")
    db = tmp_path / "qcahp.db"
    open_store(db).close()
    store = open_store(db)
    before = table_counts(store)
    store.close()
    result = CliRunner().invoke(cli, ["refi", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    # (a participant for the source no case names, as qcahp import names one: session 24)
    assert (f"Would import {path} (project): 2 themes, 1 coder, 1 transcript, 2 codings, "
            "1 participant.") in result.stdout
    store = open_store(db)
    try:
        assert table_counts(store) == before
    finally:
        store.close()
    result = CliRunner().invoke(cli, ["refi", "import", str(path)])
    assert f"Imported {path} (project): 2 themes" in result.stdout


def _one_source_project(qde: Path, selections: str) -> None:
    """A project file of one code (C) and one source (S, "Hello world.") holding
    ``selections``."""
    qde.write_text(
        '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>'
        '<Code guid="55555555-0000-4000-8000-000000000001" name="C" isCodable="true"/>'
        '</Codes></CodeBook><Sources><TextSource guid="55555555-0000-4000-8000-000000000002" '
        f'name="S"><PlainTextContent>Hello world.</PlainTextContent>{selections}'
        "</TextSource></Sources></Project>", encoding="utf-8")


def test_long_lists_of_mismatches_are_capped(tmp_path: Path) -> None:
    selections = "".join(
        f'<PlainTextSelection guid="33333333-0000-4000-8000-{i:012d}" name="nope {i}" '
        f'startPosition="0" endPosition="5"><Coding guid="44444444-0000-4000-8000-{i:012d}">'
        '<CodeRef targetGUID="55555555-0000-4000-8000-000000000001"/></Coding>'
        "</PlainTextSelection>" for i in range(30))
    qde = tmp_path / "many.qde"
    _one_source_project(qde, selections)
    result = CliRunner().invoke(cli, ["refi", "import", str(qde)])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert sum(line.startswith("Mismatch: S: selection") for line in lines) == 20
    assert "Mismatch: ... and 10 more" in lines
    assert "30 selections not imported: their offsets do not fit the text (each one is listed above)." in lines


def test_selections_without_a_quote_are_counted_in_the_plural(tmp_path: Path) -> None:
    selections = "".join(
        f'<PlainTextSelection guid="33333333-0000-4000-8000-{i:012d}" '
        f'startPosition="{start}" endPosition="{start + 5}">'
        f'<Coding guid="44444444-0000-4000-8000-{i:012d}">'
        '<CodeRef targetGUID="55555555-0000-4000-8000-000000000001"/></Coding>'
        "</PlainTextSelection>" for i, start in enumerate((0, 6)))
    qde = tmp_path / "unquoted.qde"
    _one_source_project(qde, selections)
    result = CliRunner().invoke(cli, ["refi", "import", str(qde)])
    assert result.exit_code == 0, result.output
    assert "Warning: 2 selections had no quote to check their offsets against" \
        in result.stderr.splitlines()


def test_a_file_that_is_not_refi_says_what_refi_import_reads(tmp_path: Path) -> None:
    open_store("qcahp.db").close()
    before = Path("qcahp.db").read_bytes()
    word = tmp_path / "interview.docx"
    word.write_bytes(b"\x89 not a zip, not XML \x00\x01")
    renamed = tmp_path / "study.qdpx"
    renamed.write_bytes(word.read_bytes())
    for path, needle in ((word, "not a REFI-QDA file (refi import reads the .qdpx projects"),
                         (renamed, "not a .qdpx archive (a .qdpx is a zip file")):
        result = CliRunner().invoke(cli, ["refi", "import", str(path)])
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.output
        assert result.stderr.startswith(f"Error: {path}: {needle}"), result.stderr
    # A .qdc keeps the reader's own, precise message.
    broken = tmp_path / "codes.qdc"
    broken.write_text("<CodeBook><Codes>")
    result = CliRunner().invoke(cli, ["refi", "import", str(broken)])
    assert result.exit_code == 1 and "REFI-QDA file (" not in result.stderr
    assert Path("qcahp.db").read_bytes() == before
