"""Untrusted REFI files: entity bombs, zip slip, zip bombs and junk are refused cleanly,
with a one-line error naming the file and the database exactly as it was."""

from __future__ import annotations

import stat
import time
import zipfile
from pathlib import Path

import pytest

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.refi import import_file, safe
from tests.test_refi_import import table_counts
from tests.test_refi_support import FIXTURES, build_coded_project

QDE = (FIXTURES / "qualcoder" / "project.qde").read_bytes()


@pytest.fixture
def project(store):
    build_coded_project(store)
    return store


def _refused(store, path: Path, match: str) -> ImportFailed:
    before = table_counts(store)
    started = time.perf_counter()
    with pytest.raises(ImportFailed, match=match) as info:
        import_file(store, path)
    assert time.perf_counter() - started < 5
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert table_counts(store) == before
    assert store.integrity_ok()
    return info.value


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_billion_laughs_codebook_refused(project) -> None:
    _refused(project, FIXTURES / "billion_laughs.qdc", "declares entities")


def test_external_entity_refused(project) -> None:
    _refused(project, FIXTURES / "external_entity.qdc", "declares entities")


def test_billion_laughs_inside_qdpx_refused(project, tmp_path: Path) -> None:
    bomb = (FIXTURES / "billion_laughs.qdc").read_bytes().replace(b"CodeBook", b"Project")
    _refused(project, _zip(tmp_path / "bomb.qdpx", {"project.qde": bomb}), "declares entities")


def test_entities_refused_even_in_utf16(project, tmp_path: Path) -> None:
    bomb = (FIXTURES / "billion_laughs.qdc").read_text(encoding="utf-8")
    bomb = bomb.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
    path = tmp_path / "bomb16.qdc"
    path.write_bytes(bomb.encode("utf-16"))
    _refused(project, path, "entities")


@pytest.mark.parametrize("evil", ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt",
                                  "C:\\evil.txt", "..\\evil.txt"])
def test_zip_slip_refused(project, tmp_path: Path, evil: str) -> None:
    path = _zip(tmp_path / "slip.qdpx", {"project.qde": QDE, evil: b"gotcha"})
    error = _refused(project, path, "escapes the target folder")
    assert repr(evil) in str(error)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_symlink_entry_refused(project, tmp_path: Path) -> None:
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", QDE)
        info = zipfile.ZipInfo("sources/dee.txt")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    _refused(project, path, "symbolic link")


def test_zip_bomb_refused(project, tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.qdpx", {"project.qde": QDE,
                                         "sources/dee.txt": b"\0" * (8 * 1024 * 1024)})
    _refused(project, path, "compression ratio of [0-9]+:1")


def test_absurd_total_size_refused(project, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(safe, "MAX_TOTAL_BYTES", 10_000)
    path = _zip(tmp_path / "big.qdpx", {"project.qde": QDE, "sources/dee.txt": b"x" * 20_000})
    _refused(project, path, "unpacks to more than")


def test_too_many_entries_refused(project, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(safe, "MAX_ENTRIES", 5)
    entries = {"project.qde": QDE, **{f"sources/{i}.txt": b"x" for i in range(6)}}
    _refused(project, _zip(tmp_path / "many.qdpx", entries), "zip entries")


def test_lying_entry_size_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "lie.qdpx", {"project.qde": QDE})
    archive = safe.open_zip(path)
    try:
        archive.entries["project.qde"].file_size = 10  # a header that under-states the size
        with pytest.raises((ImportFailed, zipfile.BadZipFile)):
            archive.read("project.qde")
    finally:
        archive.close()


@pytest.mark.parametrize(("content", "match"), [
    (b"", "not well-formed XML"),
    (b"\x89PNG\r\n\x1a\n\0\0binary", "not well-formed XML"),
    (b"<html><body/></html>", "not a REFI-QDA file"),
    (b"PK\x03\x04 truncated zip", "not a readable .qdpx"),
])
def test_junk_refused(project, tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "junk.qdpx"
    path.write_bytes(content)
    _refused(project, path, match)


def test_archive_without_or_with_several_qde(project, tmp_path: Path) -> None:
    _refused(project, _zip(tmp_path / "none.qdpx", {"sources/a.txt": b"x"}), "no .qde")
    _refused(project, _zip(tmp_path / "two.qdpx", {"a.qde": QDE, "b.qde": QDE}),
             "several .qde")
    # One top folder is looked into (test_s19_refi_tools); two levels down is not.
    nested = _zip(tmp_path / "nested.qdpx", {"a/folder/project.qde": QDE})
    _refused(project, nested, "no .qde project file at the root of the archive \\(it holds "
             "'a/folder/project.qde'")
    two = _zip(tmp_path / "two-tops.qdpx", {"a/project.qde": QDE, "b/sources/x.txt": b"x"})
    _refused(project, two, "no .qde project file at the root")


def test_missing_file(project, tmp_path: Path) -> None:
    _refused(project, tmp_path / "nope.qdpx", "no such file")


def test_oversize_xml_and_sources(project, tmp_path: Path, monkeypatch) -> None:
    from qualcoder_ahp.refi import reader

    monkeypatch.setattr(reader, "MAX_XML_BYTES", 1000)
    big = tmp_path / "big.qdc"
    big.write_bytes(b" " * 2000)
    _refused(project, big, "too large for a REFI-QDA file")
    _refused(project, _zip(tmp_path / "big.qdpx", {"project.qde": QDE}), "project.qde is too large")
    monkeypatch.setattr(reader, "MAX_XML_BYTES", 10**8)
    monkeypatch.setattr(reader, "MAX_BYTES", 10)
    path = _zip(tmp_path / "src.qdpx", {"project.qde": QDE,
                                         "sources/dee.txt": b"Dee: a long text.\n"})
    report = import_file(project, path)
    assert any("larger than" in w and "skipped" in w for w in report.warnings)
    assert "Dee part 1" not in {t.name for t in project.transcripts()}
