"""Damaged ``.qdpx`` files: one clear line naming the file, the database as it was.

A copy cut short, a project file that is not XML, an archive entry that no longer
unpacks: each is refused before anything is written, by ``import_file`` and by
``qcahp refi import`` (exit 1, no traceback, no empty project left behind). Files
that are whole but partly wrong (a selection past the end of its source, a coding
of a code the file never defines, elements the schema does not allow) are read
tolerantly, as docs/refi.md promises: what cannot be placed is named and skipped,
the rest is imported.
"""

from __future__ import annotations

import os
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.refi import export_project, import_file
from tests.test_refi_import import table_counts
from tests.test_refi_support import build_coded_project


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The entries of a whole .qdpx export of the shared coded project."""
    folder = tmp_path_factory.mktemp("qdpx")
    store = open_store(folder / "src.db")
    try:
        build_coded_project(store)
        export_project(store, folder / "good.qdpx")
    finally:
        store.close()
    with zipfile.ZipFile(folder / "good.qdpx") as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["_whole"] = (folder / "good.qdpx").read_bytes()
    return entries


def write_qdpx(path: Path, entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED,
               **changes: bytes) -> Path:
    members = {k: v for k, v in entries.items() if not k.startswith("_")} | changes
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def corrupt_entry(path: Path, entries: dict[str, bytes], name: str) -> Path:
    """An archive whose entry ``name`` fails its CRC check (one byte flipped)."""
    write_qdpx(path, entries, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    header = data.index(name.encode())  # the local header's file name
    target = header + len(name) + 40
    data[target] ^= 0x01
    path.write_bytes(bytes(data))
    return path


def refused(store, path: Path, expected: str) -> str:
    before = table_counts(store)
    with pytest.raises(ImportFailed) as info:
        import_file(store, path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert expected in message
    assert table_counts(store) == before
    return message


def cli_refused(path: Path, expected: str) -> None:
    """Through ``qcahp refi import`` in a new folder: exit 1, one line, no project left."""
    db = Path(os.environ["QCAHP_DB"])
    assert not db.exists()
    result = CliRunner().invoke(cli, ["refi", "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: {path}: ") and expected in result.stderr
    assert not db.exists()


@pytest.fixture
def project(store):
    build_coded_project(store)
    return store


def test_truncated_archive(project, tmp_path: Path, exported) -> None:
    path = tmp_path / "cut.qdpx"
    path.write_bytes(exported["_whole"][: len(exported["_whole"]) // 2])
    expected = "not a readable .qdpx archive: it is damaged or cut short"
    refused(project, path, expected)
    cli_refused(path, expected)


@pytest.mark.parametrize("qde", [b"this is not xml", b"<Project><Sources><TextSo"])
def test_project_file_not_xml(project, tmp_path: Path, exported, qde: bytes) -> None:
    """The .qdpx is a good zip; its project.qde is what is broken. The message used to
    say the .qdpx was not a zip archive."""
    path = write_qdpx(tmp_path / "bad.qdpx", exported, **{"project.qde": qde})
    expected = "the archive's project.qde is damaged: it is not readable XML"
    refused(project, path, expected)
    cli_refused(path, expected)


def test_project_file_cut_short_inside_the_archive(project, tmp_path: Path, exported) -> None:
    qde = exported["project.qde"]
    path = write_qdpx(tmp_path / "half.qdpx", exported, **{"project.qde": qde[: len(qde) // 2]})
    refused(project, path, "the archive's project.qde is damaged: it is not readable XML")


@pytest.mark.parametrize("entry", ["project.qde", "source"])
def test_entry_that_no_longer_unpacks(project, tmp_path: Path, exported, entry: str) -> None:
    """A flipped byte fails the entry's CRC: this was a zipfile traceback, and the CLI
    left an empty qcahp.db behind."""
    name = entry if entry != "source" else next(n for n in exported if n.startswith("sources/"))
    path = corrupt_entry(tmp_path / "crc.qdpx", exported, name)
    expected = f"the archive is damaged: {name} cannot be unpacked (Bad CRC-32"
    refused(project, path, expected)
    cli_refused(path, expected)


def test_selection_past_the_end_is_named_and_the_rest_imported(tmp_path: Path,
                                                              exported) -> None:
    qde = exported["project.qde"].decode("utf-8")
    first = re.search(r'endPosition="(\d+)"', qde)
    assert first is not None
    bad = qde[:first.start(1)] + "999999" + qde[first.end(1):]
    path = write_qdpx(tmp_path / "past.qdpx", exported, **{"project.qde": bad.encode()})
    fresh = open_store(tmp_path / "fresh.db")
    try:
        report = import_file(fresh, path)
        assert len(report.mismatches) == 1
        assert "999999) runs past the end of its source (" in report.mismatches[0]
        assert report.mismatches[0].endswith("not imported")
        assert len(fresh.codings()) == 5  # the other five codings of the file
        texts = {t.id: fresh.transcript_text(t.id) for t in fresh.transcripts()}
        assert all(c.end <= len(texts[c.transcript_id]) for c in fresh.codings())
    finally:
        fresh.close()


def test_reversed_selection_is_named(tmp_path: Path, exported) -> None:
    qde = exported["project.qde"].decode("utf-8")
    m = re.search(r'startPosition="(\d+)" endPosition="(\d+)"', qde)
    assert m is not None
    bad = (qde[:m.start()] + f'startPosition="{m.group(2)}" endPosition="{m.group(1)}"'
           + qde[m.end():])
    path = write_qdpx(tmp_path / "rev.qdpx", exported, **{"project.qde": bad.encode()})
    fresh = open_store(tmp_path / "fresh.db")
    try:
        report = import_file(fresh, path)
        assert [x.split(") ", 1)[1] for x in report.mismatches] == [
            "is empty or reversed (its end is not after its start); not imported"]
        assert len(fresh.codings()) == 5
    finally:
        fresh.close()


def test_undefined_code_is_named_and_the_rest_imported(tmp_path: Path, exported) -> None:
    qde = exported["project.qde"].decode("utf-8")
    ref = re.search(r'<CodeRef targetGUID="([^"]+)"', qde)
    assert ref is not None
    bad = qde[:ref.start(1)] + "deadbeef-0000-4000-8000-000000000000" + qde[ref.end(1):]
    path = write_qdpx(tmp_path / "undef.qdpx", exported, **{"project.qde": bad.encode()})
    fresh = open_store(tmp_path / "fresh.db")
    try:
        report = import_file(fresh, path)
        assert any("its code is in neither the file nor this project" in w
                   for w in report.warnings)
        assert len(fresh.codings()) == 5
    finally:
        fresh.close()


def test_schema_deviations_read_tolerantly(tmp_path: Path, exported) -> None:
    """An element the schema does not allow among the sources is skipped with a
    warning; the file is otherwise imported whole (DESIGN: warn, don't refuse)."""
    qde = exported["project.qde"].decode("utf-8").replace("<Sources>", "<Sources><Bogus/>", 1)
    path = write_qdpx(tmp_path / "odd.qdpx", exported, **{"project.qde": qde.encode()})
    fresh = open_store(tmp_path / "fresh.db")
    try:
        report = import_file(fresh, path)
        assert report.not_imported == [
            "1 element the REFI-QDA schema does not define ('<Bogus> in <Sources>'): skipped"]
        assert len(fresh.transcripts()) == 2 and len(fresh.codings()) == 6
    finally:
        fresh.close()


def test_refused_import_leaves_an_existing_project_byte_for_byte(tmp_path: Path,
                                                                exported) -> None:
    db = Path(os.environ["QCAHP_DB"])
    store = open_store(db)
    build_coded_project(store)
    store.close()

    def dump() -> list[str]:
        conn = sqlite3.connect(db)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    before = dump()
    path = corrupt_entry(tmp_path / "crc.qdpx", exported,
                         next(n for n in exported if n.startswith("sources/")))
    result = CliRunner().invoke(cli, ["refi", "import", str(path)])
    assert result.exit_code == 1 and "cannot be unpacked" in result.stderr
    assert dump() == before


def test_unreadable_file(project, tmp_path: Path, exported,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """No read permission was a PermissionError traceback (root reads anything, so
    the refusal the system gives is simulated)."""
    path = write_qdpx(tmp_path / "locked.qdpx", exported)
    real_open = Path.open

    def deny(self: Path, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    refused(project, path, "cannot read (Permission denied)")


def test_negative_start_is_named_as_such(tmp_path: Path, exported) -> None:
    """[-5, 533) used to be reported as running past the end of its source."""
    qde = exported["project.qde"].decode("utf-8")
    bad = re.sub(r'startPosition="\d+"', 'startPosition="-5"', qde, count=1)
    path = write_qdpx(tmp_path / "neg.qdpx", exported, **{"project.qde": bad.encode()})
    fresh = open_store(tmp_path / "fresh.db")
    try:
        report = import_file(fresh, path)
        assert len(report.mismatches) == 1
        assert "[-5, " in report.mismatches[0]
        assert report.mismatches[0].endswith(
            ") starts before the start of its source (a damaged or hand-edited file?); "
            "not imported")
        assert len(fresh.codings()) == 5
    finally:
        fresh.close()
