"""A theme retired from the codebook (kept for its codings) stays retired through REFI-QDA.

The schema lets a ``Code`` carry nothing of ours but its Description, so a retired theme
is exported with a ``Status: retired (...)`` paragraph there (valid against both XSDs),
and import reads it back: a fresh project gets the theme retired, with its codings; a
project that holds the theme keeps its own decision either way, with a warning when the
file says otherwise; ``codebook load`` of the file leaves it out.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook
from qualcoder_ahp.refi import export_project, import_file, read_qdc
from qualcoder_ahp.refi.codes import compose_description, parse_description
from tests.test_refi_support import THEMES, build_coded_project, validate_both

STATUS = "Status: retired (removed from the codebook; kept for its codings)"


def _active(path: Path) -> dict[str, int]:
    store = open_store(path)
    try:
        return dict(store.conn.execute("SELECT id, active FROM themes"))
    finally:
        store.close()


def _exported(tmp_path: Path) -> tuple[Path, Path]:
    """study.db (the shared project: theme 'retired' retired, still coded) and its
    export study.qdpx."""
    db = tmp_path / "study.db"
    store = open_store(db)
    build_coded_project(store)
    qdpx = tmp_path / "study.qdpx"
    export_project(store, qdpx, name="study")
    store.close()
    return db, qdpx


def test_a_retired_theme_is_exported_as_retired_and_stays_valid(tmp_path: Path) -> None:
    _db, qdpx = _exported(tmp_path)
    with zipfile.ZipFile(qdpx) as archive:
        qde = archive.read("project.qde")
    validate_both(qde, "Project.xsd")
    text = qde.decode()
    assert f"Dropped from the codebook.\n\n{STATUS}\n\nTheme id: retired</Description>" \
        in text
    assert text.count("Status: retired") == 1  # the current themes say nothing


def test_a_round_trip_keeps_the_theme_retired_with_its_codings(tmp_path: Path) -> None:
    db, qdpx = _exported(tmp_path)
    copy = tmp_path / "copy.db"
    result = CliRunner().invoke(cli, ["--db", str(copy), "refi", "import", str(qdpx)])
    assert result.exit_code == 0, result.output
    assert _active(copy)["retired"] == 0
    store = open_store(copy)
    assert "retired" not in {t.id for t in store.themes()}
    assert [c.quote for c in store.codings(theme_id="retired")] == ["Nothing was planned."]
    assert store.theme("retired").description == "Dropped from the codebook."
    again = tmp_path / "again.qdpx"
    export_project(store, again, name="study")
    store.close()
    with zipfile.ZipFile(qdpx) as one, zipfile.ZipFile(again) as two:
        assert one.read("project.qde") == two.read("project.qde")
    # Back into the project it came from: nothing new, and the theme is still retired.
    result = CliRunner().invoke(cli, ["--db", str(db), "refi", "import", str(qdpx)])
    assert result.exit_code == 0 and "nothing new (already imported)" in result.stdout
    assert result.stderr == ""
    assert _active(db)["retired"] == 0


def test_a_file_that_does_not_say_retired_does_not_bring_the_theme_back(
        tmp_path: Path) -> None:
    # An export made before retired themes were marked (or another tool's file that
    # still has the code): the theme retired here stays retired, and the import says so.
    db, qdpx = _exported(tmp_path)
    with zipfile.ZipFile(qdpx) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["project.qde"] = parts["project.qde"].replace(f"{STATUS}\n\n".encode(), b"")
    old = tmp_path / "old.qdpx"
    with zipfile.ZipFile(old, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    store = open_store(db)
    report = import_file(store, old)
    store.close()
    assert _active(db)["retired"] == 0
    assert report.warnings == [
        "code 'Old theme': theme retired is retired in this project and stays retired (its "
        "codings are kept; a codebook with its id makes it current again: qcahp codebook "
        "load)"]
    assert report.nothing_why() == "nothing new (already imported)"


def test_a_theme_current_here_stays_current_when_the_file_retired_it(
        tmp_path: Path) -> None:
    db, qdpx = _exported(tmp_path)
    store = open_store(db)
    store.save_codebook(Codebook("ahp", THEMES))  # 'retired' is current again here
    report = import_file(store, qdpx)
    store.close()
    assert _active(db)["retired"] == 1
    assert report.warnings == ["code 'Old theme': retired in the file, current here (theme "
                               "retired); it stays current"]


def test_codebook_load_of_the_file_leaves_a_retired_code_out(tmp_path: Path) -> None:
    _db, qdpx = _exported(tmp_path)
    with zipfile.ZipFile(qdpx) as archive:
        qde = tmp_path / "project.qde"
        qde.write_bytes(archive.read("project.qde"))
    book = read_qdc(qde)
    assert [t.id for t in book.themes] == ["career", "winding", "serendipity", "mandate"]


def test_the_status_paragraph_reads_back_and_is_not_the_description() -> None:
    theme = THEMES[4]
    parsed = parse_description(compose_description(theme, retired=True))
    assert parsed.retired and parsed.theme_id == "retired"
    assert parsed.description == "Dropped from the codebook."
    assert not parse_description(compose_description(theme)).retired
    # Another tool's "Status: draft" is the description, not a retirement.
    other = parse_description("Status: draft\n\nA code.")
    assert not other.retired and other.description == "Status: draft\n\nA code."
