"""Bad input, command by command: the attack matrix of session 18.

Every command that reads a file or a database (``import`` in every format,
``codebook check`` and ``load``, ``participants import``, ``codings import`` from CSV
and Word, ``refi import``, ``merge``, ``evaluate --gold``), ``--db`` and ``-o`` are given
empty, cut short, mislabelled, wrongly encoded, hostile and special files. The contract
(docs/reliability.md, "Hostile input"), checked for every case through the CLI:

- one line on stderr naming the file and the problem (a codebook lists each error as
  ``FILE:LINE: problem``, then their count), never a traceback;
- a non-zero exit;
- the project database as it was, byte for byte and row for row;
- nothing left behind: no partial output, no new folder, no side file.

The cases that failed before this session are marked ``# was: ...``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import sqlite3
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli
from tests.conftest import REPO
from tests.helpers.dbstate import state

SMALL = (REPO / "tests" / "data" / "codebooks" / "small.yaml").read_bytes()
DOCX = (REPO / "transcripts" / "radiographer_sam.docx").read_bytes()
TXT = b"Interviewer: How did you start?\n\nAsha: I fell into it by chance, really.\n"
TEXT = "How did you start?\n\nI fell into it by chance, really."
BOMB = (b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'.encode()
                   for p, c in zip("abcdefg", "bcdefgh", strict=True))
        + b"]><root>&h;</root>")

DIR, FIFO = object(), object()
"""Markers in a case's files: a folder, a named pipe (a ``("link", target)`` tuple is a
symbolic link)."""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def zipped(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buf.getvalue()


def docx_with(document: bytes) -> bytes:
    """The sample Word file with its document part replaced."""
    src = zipfile.ZipFile(io.BytesIO(DOCX))
    return zipped({n: document if n == "word/document.xml" else src.read(n)
                   for n in src.namelist()})


def sqlite_file(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A small coded project, and files exported from it to break."""
    folder = tmp_path_factory.mktemp("base")
    db = str(folder / "base.db")
    (folder / "p01.txt").write_bytes(TXT)
    (folder / "p02.txt").write_bytes(b"Interviewer: And then?\n\nBo: The board asked me.\n")
    (folder / "small.yaml").write_bytes(SMALL)
    for args in (["import", str(folder / "p01.txt"), str(folder / "p02.txt")],
                 ["codebook", "load", str(folder / "small.yaml")],
                 ["search", "chance", "--code", "serendipity", "--coder", "ana"],
                 ["codings", "export", "--coder", "ana", "-o", str(folder / "c.csv")],
                 ["refi", "export", str(folder / "p.qdpx")],
                 ["show", "p01", "--coder", "ana", "-o", str(folder / "p01.docx")]):
        result = run("--db", db, *args)
        assert result.exit_code == 0, result.output
    return {name: (folder / name).read_bytes()
            for name in ("base.db", "c.csv", "p.qdpx", "p01.docx")}


def listing(folder: Path) -> set[str]:
    """Every path under ``folder``, but the project's own WAL side files."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")
            if not p.name.startswith("project.db-")}


def make(folder: Path, files: dict[str, Any], base: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        if data is DIR:
            path.mkdir(parents=True)
        elif data is FIFO:
            os.mkfifo(path)
        elif isinstance(data, tuple):
            path.symlink_to(data[1])
        elif callable(data):
            data(path, base)
        else:
            path.write_bytes(data)


def unblock(fifos: list[Path], done: threading.Event) -> None:
    """Open each named pipe for writing, and close it, whenever the command is still
    waiting on it after a while: the code before this session read a pipe for ever
    (again after each read), and the test must then fail, not hang."""
    if done.wait(10):
        return
    while not done.wait(0.2):
        for fifo in fifos:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # a reader is waiting
            except OSError:
                pass  # none is


def attack(folder: Path, args: list[str], files: dict[str, Any], base: dict[str, bytes],
           db: str | None = None) -> tuple[Result, list[str], Path]:
    """Run one case on a copy of the base project; return the result, its error
    lines and the project file, after checking the contract."""
    project = folder / "project.db"
    project.write_bytes(base["base.db"])
    make(folder, files, base)
    before, present = state(project), listing(folder)
    target = folder / db if db is not None else project
    was = target.read_bytes() if target.is_file() else None
    fifos = [folder / n for n, d in files.items() if d is FIFO]
    done = threading.Event()
    valve = threading.Thread(target=unblock, args=(fifos, done), daemon=True)
    valve.start()
    argv = [a.replace("{dir}", str(folder)) for a in args]
    try:
        result = run("--db", str(folder / db) if db is not None else str(project), *argv)
    finally:
        done.set()
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code != 0, result.output
    lines = [line for line in result.stderr.splitlines()
             if line.strip() and not line.startswith(("note:", "warning:"))]
    assert state(project) == before, "the project database changed"
    assert (target.read_bytes() if target.is_file() else None) == was, "--db file changed"
    assert listing(folder) == present, "a file was left behind"
    return result, lines, project


def one_line(lines: list[str], named: str, says: str) -> None:
    assert len(lines) == 1, lines
    assert named in lines[0], lines[0]
    assert says in lines[0], lines[0]


def utf16_then_binary(path: Path, _base: dict[str, bytes]) -> None:
    path.write_bytes(codecs.BOM_UTF16_LE + b"ab\x00\x00cd\x00\x00\x01\x00" * 100)


def foreign(path: Path, _base: dict[str, bytes]) -> None:
    sqlite_file(path, "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);"
                      "INSERT INTO moz_places (url) VALUES ('https://example.org');")


def newer(path: Path, base: dict[str, bytes]) -> None:
    path.write_bytes(base["base.db"])
    sqlite_file(path, "PRAGMA user_version = 99;")


def codings_row(column: str, value: str) -> Any:
    """The exported codings CSV with one cell of its coding changed."""
    def write(path: Path, base: dict[str, bytes]) -> None:
        rows = list(csv.DictReader(io.StringIO(base["c.csv"].decode("utf-8-sig"))))
        rows[0][column] = value
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    return write


def qdpx_without(entry: str, replace: bytes | None = None) -> Any:
    def write(path: Path, base: dict[str, bytes]) -> None:
        src = zipfile.ZipFile(io.BytesIO(base["p.qdpx"]))
        kept = {n: src.read(n) for n in src.namelist() if n != entry}
        if replace is not None:
            kept[entry] = replace
        path.write_bytes(zipped(kept))
    return write


IMPORT = ["import", "{dir}/{f}"]
CASES: list[tuple[str, list[str], dict[str, Any], str, str]] = [
    # (id, command, files, the name the line must show, words it must say)
    *[(f"import empty {ext}", IMPORT, {f"e{ext}": b""}, f"e{ext}", "the file is empty")
      for ext in (".txt", ".md", ".rst", ".docx", ".odt", ".rtf", ".pdf", ".vtt", ".srt")],
    ("import blank", IMPORT, {"b.txt": b" \n\t\n"}, "b.txt", "only blank space"),
    ("import docx cut short", IMPORT, {"c.docx": DOCX[: len(DOCX) // 2]}, "c.docx",
     "cut short or damaged"),
    ("import docx of junk", IMPORT, {"j.docx": b"PK\x03\x04" + bytes(3000)}, "j.docx",
     "not a valid Word"),
    ("import docx that is text", IMPORT, {"t.docx": TXT}, "t.docx", "rename it to .txt"),
    ("import docx that is rtf", IMPORT, {"r.docx": rb"{\rtf1 hello}"}, "r.docx",
     "rename it to .rtf"),
    ("import docx without document", IMPORT, {"n.docx": zipped({"a.txt": b"x"})}, "n.docx",
     "without word/document.xml"),
    ("import docx entity bomb", IMPORT, {"b.docx": docx_with(BOMB)}, "b.docx", "damaged"),
    ("import odt that is text", IMPORT, {"t.odt": TXT}, "t.odt", "rename it to .txt"),
    ("import odt empty zip", IMPORT, {"e.odt": zipped({})}, "e.odt", "without content.xml"),
    ("import rtf cut short", IMPORT, {"c.rtf": rb"{\rtf1\ansi Interviewer: Hi\par"}, "c.rtf",
     "incomplete"),
    ("import pdf cut short", IMPORT, {"c.pdf": b"%PDF-1.4\n1 0 obj << /Type"}, "c.pdf",
     "not a valid PDF"),
    ("import pdf that is text", IMPORT, {"t.pdf": TXT}, "t.pdf", "rename it to .txt"),
    ("import vtt garbage", IMPORT, {"g.vtt": b"WEBVTT\n\nnonsense\n"}, "g.vtt",
     "no readable timing"),
    ("import srt garbage", IMPORT, {"g.srt": b"1\nxx --> yy\nhi\n"}, "g.srt",
     "cannot be read"),
    ("import mixed encodings", IMPORT,
     {"m.txt": "Int: Café?\n".encode() + "Asha: déjà vu.\n".encode("latin-1")}, "m.txt",
     "mixed text encodings"),
    ("import NUL bytes", IMPORT, {"n.txt": TXT + b"\0\0abc\n"}, "n.txt", "NUL"),
    # was: stored as text, a character of garbage for each two bytes
    ("import UTF-16 mark then binary", IMPORT, {"u.txt": utf16_then_binary}, "u.txt",
     "binary file"),
    ("import control bytes", IMPORT, {"c.txt": TXT + b"\x1b[31m\x07\x08\x01red\n"}, "c.txt",
     "control bytes"),
    ("import too large", IMPORT, {"big.txt": b"a " * 10_500_001}, "big.txt", "too large"),
    ("import csv", IMPORT, {"p.csv": b"a,b\n1,2\n"}, "p.csv", "participants import"),
    ("import no such file", IMPORT, {}, "nosuch.txt", "no such file"),
    ("import empty folder", ["import", "{dir}/d"], {"d": DIR}, "d", "no supported"),
    # was: RuntimeError "Symlink loop" and a traceback, for the whole batch
    ("import link to itself", IMPORT, {"s.txt": ("link", "s.txt")}, "s.txt",
     "loop of links"),
    # was: waited for ever
    ("import named pipe", IMPORT, {"p.txt": FIFO}, "p.txt", "not a regular file"),
    ("import link to a device", IMPORT, {"z.txt": ("link", "/dev/zero")}, "z.txt",
     "not a regular file"),
    # was: two lines, the file's name cut in half
    ("import newline in name", IMPORT, {"a\nb.txt": b""}, "a\\nb.txt", "the file is empty"),
    *[(f"codebook load {label}", ["codebook", "load", "{dir}/{f}"], {name: data}, name, says)
      for label, name, data, says in (
          ("YAML syntax", "cb.yaml", b"name: x\nthemes:\n  - id: a\n    name: [x\n",
           "not valid YAML"),
          ("tabs", "cb.yaml", b"name: x\nthemes:\n\t- id: a\n", "not valid YAML"),
          ("duplicate keys", "cb.yaml", b"name: x\nname: y\nthemes:\n  - id: a\n    name: A\n",
           "given twice"),
          ("themes not a list", "cb.yaml", b"name: x\nthemes: hello\n", "themes"),
          ("id a number", "cb.yaml", b"name: x\nthemes:\n  - id: 12\n    name: A\n", "`id`"),
          ("huge LENGTH", "cb.yaml", b"name: x\nthemes:\n  - id: a\n    name: A\n    patterns:"
           b"\n      - id: p\n        tokens: [{LENGTH: 99999999999999999999999}]\n", "p"),
          ("empty", "cb.yaml", b"", "cb.yaml"),
          ("binary", "cb.yaml", bytes(range(256)) * 4, "cb.yaml"),
          ("python tag", "cb.yaml", b"name: !!python/object/apply:os.system [ls]\nthemes: []\n",
           "not valid YAML"),
          ("JSONL bad line", "p.jsonl", b'{"label": "a", "pattern": "b"}\n{not json\n',
           "not valid JSON"),
          # was: RecursionError and a traceback
          ("JSONL nested deep", "p.jsonl",
           b'{"label": "a", "pattern": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
           "nested too deeply"),
          ("qdc junk", "cb.qdc", b"<CodeBook", "cb.qdc"),
      )],
    *[(f"codebook check {label}", ["codebook", "check", "{dir}/cb.yaml"], {"cb.yaml": data},
       "cb.yaml", says)
      for label, data, says in (
          ("YAML syntax", b"name: x\nthemes: [\n", "not valid YAML"),
          ("a list", b"- a\n- b\n", "cb.yaml"),
          ("UTF-16", SMALL.decode().encode("utf-16"), "not UTF-8"),
      )],
    ("codebook --patterns nested deep", ["codebook", "load", "{dir}/s.yaml", "--patterns",
                                         "{dir}/p.jsonl"],
     {"s.yaml": SMALL, "p.jsonl": b'{"label": "serendipity", "pattern": ' + b"[" * 100_000
      + b"]" * 100_000 + b"}\n"}, "p.jsonl", "nested too deeply"),
    # was: RecursionError and a traceback
    ("evaluate --gold nested deep", ["evaluate", "--gold", "{dir}/g.jsonl"],
     {"g.jsonl": b'{"sentence": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"}, "g.jsonl",
     "nested too deeply"),
    *[(f"participants {label}", ["participants", "import", "{dir}/p.csv"], {"p.csv": data},
       "p.csv", says)
      for label, data, says in (
          ("empty", b"", "empty"),
          ("header only", b"participant,profession\n", "at least one participant row"),
          # was: one column, each row a participant named "p01|physio", exit 0
          ("pipe separated", b"participant|profession\np01|physio\n", "'|'"),
          ("one column", b"participant\np01\n", "only one column"),
          ("duplicate columns", b"participant,job,job\np01,a,b\n", "twice"),
          ("binary", bytes(range(256)) * 2, "p.csv"),
          ("workbook", zipped({"xl/workbook.xml": b"<a/>"}), "Excel workbook"),
          ("ragged", b"participant,job\np01,a,b,c\n", "line 2"),
          ("quote never closed", b'participant,job\np01,"physio\n', "never closes"),
          ("named pipe", FIFO, "not a regular file"),
      )],
    *[(f"codings csv {label}", ["codings", "import", "{dir}/c.csv", "--coder", "zed"],
       {"c.csv": data}, "c.csv", says)
      for label, data, says in (
          ("empty", b"", "the file is empty"),
          ("binary", bytes(range(256)) * 3, "binary file"),
          ("start not a number", codings_row("start", "abc"), "whole numbers"),
          ("start huge", codings_row("start", "9" * 30), "outside the transcript"),
          ("end 1e400", codings_row("end", "1e400"), "whole numbers"),
          ("start negative", codings_row("start", "-5"), "outside the transcript"),
          ("quote wrong", codings_row("quote", "I fall"), "quote does not match"),
          ("unknown theme", codings_row("theme", "nosuch"), "no theme"),
          ("unknown transcript", codings_row("transcript", "p99"), "no transcript"),
          # was: waited for ever
          ("named pipe", FIFO, "not a regular file"),
      )],
    ("codings docx that is text", ["codings", "import", "{dir}/c.docx", "--coder", "zed"],
     {"c.docx": TXT}, "c.docx", "rename it to .txt"),
    ("codings docx cut short", ["codings", "import", "{dir}/c.docx", "--coder", "zed"],
     {"c.docx": lambda p, b: p.write_bytes(b["p01.docx"][:9000])}, "c.docx", "damaged"),
    ("codings docx without comments", ["codings", "import", "{dir}/c.docx", "--coder", "zed"],
     {"c.docx": DOCX}, "c.docx", "no comments"),
    ("codings workbook", ["codings", "import", "{dir}/c.xlsx", "--coder", "zed"],
     {"c.xlsx": zipped({"a": b"b"})}, "c.xlsx", "zip archive"),
    *[(f"refi {label}", ["refi", "import", "{dir}/" + name], {name: data}, name, says)
      for label, name, data, says in (
          ("not a zip", "p.qdpx", b"hello", "not a .qdpx archive"),
          ("empty", "p.qdpx", b"", "not a .qdpx archive"),
          ("no project.qde", "p.qdpx", zipped({"sources/a.txt": b"x"}), "no .qde"),
          ("entities", "p.qdpx", zipped({"project.qde": BOMB}), "declares entities"),
          ("external entity", "c.qdc",
           b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "declares entities"),
          ("wrong root", "p.qdpx", zipped({"project.qde": b"<Foo/>"}), "root element"),
          ("cut short", "p.qdpx", lambda p, b: p.write_bytes(b["p.qdpx"][:900]),
           "damaged or cut short"),
          ("qde cut short", "p.qdpx",
           qdpx_without("project.qde", b'<?xml version="1.0"?><Project xmlns="urn:QDA-'),
           "project.qde is damaged"),
          ("zip bomb", "p.qdpx", zipped({"project.qde": b"<Project>" + b" " * 30_000_000
                                         + b"</Project>"}), "zip bomb"),
          # was: "no such file"
          ("named pipe", "p.qdpx", FIFO, "not a regular file"),
      )],
    *[(f"merge {label}", ["merge", "{dir}/o.db"], {"o.db": data}, "o.db", says)
      for label, data, says in (
          ("not SQLite", b"hello there", "not a qualcoder_ahp database"),
          ("empty", b"", "not a qualcoder_ahp database"),
          ("another program's", foreign, "not a qualcoder_ahp database"),
          ("newer schema", newer, "newer qualcoder_ahp"),
          ("cut short", lambda p, b: p.write_bytes(b["base.db"][:30000]), "o.db"),
      )],
    ("merge into itself", ["merge", "{dir}/project.db"], {}, "project.db", "into itself"),
    ("merge a link to itself", ["merge", "{dir}/l.db"], {"l.db": ("link", "project.db")},
     "l.db", "into itself"),
    ("-o a folder", ["counts", "--coder", "ana", "-o", "{dir}/out"], {"out": DIR}, "out",
     "directory"),
    ("-o missing folder", ["counts", "--coder", "ana", "-o", "{dir}/no/o.csv"], {}, "o.csv",
     "no such folder"),
    ("-o under a file", ["quotes", "--coder", "ana", "-o", "{dir}/f/o.csv"], {"f": b"x"},
     "o.csv", "no such folder"),
    ("-o /dev/full", ["log", "-o", "/dev/full"], {}, "/dev/full", "No space left"),
    # was: RuntimeError "Symlink loop" and a traceback
    ("-o link to itself", ["counts", "--coder", "ana", "-o", "{dir}/l.csv"],
     {"l.csv": ("link", "l.csv")}, "l.csv", "loop of symbolic links"),
    ("-o the project", ["counts", "--coder", "ana", "-o", "{dir}/project.db"], {},
     "project.db", "that is the project database"),
    ("refi export missing folder", ["refi", "export", "{dir}/no/p.qdpx"], {}, "p.qdpx",
     "no such folder"),
    ("codebook export missing folder", ["codebook", "export", "{dir}/no/c.yaml"], {}, "c.yaml",
     "cannot write the output file (no such folder)"),  # s22: as every other output says
]

DB_CASES: list[tuple[str, list[str], dict[str, Any], str, str]] = [
    # (id, command, files, the --db file, words the line must say)
    ("--db a folder", ["transcripts"], {"d.db": DIR}, "d.db", "is a directory"),
    ("--db text", ["transcripts"], {"t.db": b"text\n" * 100}, "t.db", "not a qualcoder_ahp"),
    ("--db text, import", ["import", "{dir}/ok.txt"], {"t.db": b"text\n" * 100,
                                                      "ok.txt": TXT}, "t.db",
     "not a qualcoder_ahp"),
    ("--db cut short", ["transcripts"], {"c.db": lambda p, b: p.write_bytes(b["base.db"][:9000])},
     "c.db", "damaged"),
    ("--db newer schema", ["import", "{dir}/ok.txt"], {"n.db": newer, "ok.txt": TXT}, "n.db",
     "newer than this qualcoder_ahp"),
    ("--db missing, read", ["transcripts"], {}, "no/p.db", "no project database here"),
    # was: the project's tables written into another program's database, exit 0
    ("--db another program's", ["transcripts"], {"f.db": foreign}, "f.db",
     "another program"),
    ("--db another program's, import", ["import", "{dir}/ok.txt"],
     {"f.db": foreign, "ok.txt": TXT}, "f.db", "another program"),
    # was: a listing made the empty file a project, exit 0
    ("--db empty, read", ["transcripts"], {"e.db": b""}, "e.db", "the file is empty"),
    # was: "disk I/O error ... restore a .bak copy"
    ("--db named pipe", ["transcripts"], {"p.db": FIFO}, "p.db", "not a regular file"),
    # was: "unable to open database file ... restore a .bak copy"
    ("--db link to itself", ["import", "{dir}/ok.txt"],
     {"l.db": ("link", "l.db"), "ok.txt": TXT}, "l.db", "loop of symbolic links"),
]


@pytest.mark.parametrize(("args", "files", "named", "says"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_file(tmp_path: Path, base: dict[str, bytes], args: list[str],
                  files: dict[str, Any], named: str, says: str) -> None:
    name = next(iter(files), named)
    args = [a.replace("{f}", name) for a in args]
    _result, lines, _db = attack(tmp_path, args, files, base)
    if args[0] == "codebook" and len(lines) > 1:
        # FILE:LINE: problem, for every error, then how many.
        assert lines[-1].endswith(("error.", "errors.", "nothing stored.")), lines
        lines = lines[:1]
    one_line(lines, named, says)


@pytest.mark.parametrize(("args", "files", "db", "says"),
                         [c[1:] for c in DB_CASES], ids=[c[0] for c in DB_CASES])
def test_bad_database(tmp_path: Path, base: dict[str, bytes], args: list[str],
                      files: dict[str, Any], db: str, says: str) -> None:
    _result, lines, _project = attack(tmp_path, args, files, base, db=db)
    one_line(lines, db, says)


@pytest.mark.parametrize(("name", "data"), [
    ("latin1.txt", TXT.replace(b"chance", "chance, café".encode("latin-1"))),
    ("utf16.txt", TXT.decode().replace("chance", "chance, café").encode("utf-16")),
    ("utf16le.txt", TXT.decode().replace("chance", "chance, café").encode("utf-16-le")),
    # was: read as UTF-16, a NUL after every character of the stored text
    ("utf32.txt", TXT.decode().replace("chance", "chance, café").encode("utf-32")),
    ("utf32be.txt", codecs.BOM_UTF32_BE + TXT.decode().replace("chance", "chance, café")
     .encode("utf-32-be")),
])
def test_other_encodings_import_as_their_text(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    db = tmp_path / "p.db"
    result = run("--db", str(db), "import", str(tmp_path / name))
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    (text,) = conn.execute("SELECT text FROM transcripts").fetchone()
    conn.close()
    assert text == TEXT.replace("chance", "chance, café")


def test_a_failed_command_leaves_no_folder_for_the_database(
        tmp_path: Path) -> None:
    """``--db new/sub/study.db import bad.txt``: its folders stayed (was: ``new/sub/``
    left behind); a --db in a missing folder is now refused before anything is made."""
    (tmp_path / "bad.txt").write_bytes(b"")
    result = run("--db", str(tmp_path / "new" / "sub" / "study.db"), "import",
                 str(tmp_path / "bad.txt"))
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt", "home"]
    (tmp_path / "keep").mkdir()  # a folder that was there stays
    result = run("--db", str(tmp_path / "keep" / "study.db"), "import",
                 str(tmp_path / "bad.txt"))
    assert result.exit_code == 1 and (tmp_path / "keep").is_dir()


def test_a_read_only_project_stays_read_only(tmp_path: Path, base: dict[str, bytes]) -> None:
    """Opening made every project file 0600, so one a coder had made read-only (0444,
    a copy kept as it was) became writable again, and the next command wrote to it
    (was: mode 0600 after a listing)."""
    db = tmp_path / "p.db"
    db.write_bytes(base["base.db"])
    db.chmod(0o444)
    result = run("--db", str(db), "transcripts")  # (root reads and writes anything)
    assert result.exit_code == 0 or "is read-only" in result.stderr, result.output
    assert db.stat().st_mode & 0o777 == 0o400  # owner only, as before; not writable
    db.chmod(0o664)
    assert run("--db", str(db), "transcripts").exit_code == 0
    assert db.stat().st_mode & 0o777 == 0o600


def test_a_pdf_that_would_unpack_too_far_is_called_a_bomb(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pypdf stops at 75 MB from one compressed stream; the refusal named a damaged
    file (was: "not a valid PDF file (damaged or cut short: LimitReachedError)")."""
    import zlib

    from pypdf._configuration import Configuration

    stream = zlib.compress(b"BT /F1 12 Tf 72 712 Td (" + b"A" * 400_000 + b") Tj ET")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
               + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o
                                                          for o in offsets)
    pdf += b"trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    (tmp_path / "bomb.pdf").write_bytes(bytes(pdf))
    small = Configuration(zlib_maximum_output_length=100_000)  # the real one is 75 MB
    monkeypatch.setattr("pypdf.filters.get_configuration", lambda: small)
    result = run("--db", str(tmp_path / "p.db"), "import", str(tmp_path / "bomb.pdf"))
    assert result.exit_code == 1
    assert "bomb.pdf: a compressed part of the PDF would unpack to more than the reader's " \
           "limit; refused (a decompression bomb" in result.stderr
    assert not (tmp_path / "p.db").exists()


class Counted(str):
    """A speaker label that counts how often it is split or compared."""

    calls = 0

    def split(self, *args: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
        Counted.calls += 1
        return super().split(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        Counted.calls += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_thousands_of_speakers_cost_each_label_a_few_steps() -> None:
    """A chat log or a CSV saved as .txt (every line ``user123: ...``) compared every
    label with every other, twice: 2,000 labels took 1.5 s and 200,000 never finished
    (was: 600 labels, about 720,000 splits and comparisons)."""
    from qualcoder_ahp.importers.turns import assign_roles, merge_aliases

    turns = [(Counted(f"User {n}"), None, "hello there") for n in range(600)]
    Counted.calls = 0
    merged = merge_aliases(turns)
    roles = assign_roles(merged)
    assert Counted.calls < 20 * len(turns)
    assert merged == turns and len(roles) == 600
    # What the rules give, as before: a shortened name joins the one longer name it
    # begins; the speaker of the most words is the participant.
    turns = [("Dan", None, "a b"), ("Dan Ott", None, "a b c"), ("Ann", None, "a"),
             ("Speaker 1", None, "x"), ("Speaker 10", None, "y")]
    assert [s for s, _, _ in merge_aliases(turns)] == ["Dan Ott", "Dan Ott", "Ann",
                                                       "Speaker 1", "Speaker 10"]
    assert assign_roles(merge_aliases(turns))["Dan Ott"] == "participant"


def test_files_that_vanish_or_cannot_be_read_during_an_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder whose second file is deleted while the first is imported, and whose
    third cannot be read: each is one line, the others are stored whole."""
    from qualcoder_ahp.importers import import_paths
    from qualcoder_ahp.model.store import open_store

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (folder / name).write_bytes(TXT.replace(b"really", name.encode()))
    real = Path.read_bytes

    def locked(self: Path) -> bytes:
        if self.name == "c.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", locked)

    def progress(done: int, _total: int, _current: str) -> None:
        if done == 1:
            (folder / "b.txt").unlink()

    with open_store(tmp_path / "p.db") as store:
        report = import_paths(store, [folder], progress=progress)
        assert [t.name for t in store.transcripts()] == ["a", "d"]
        assert store.integrity_ok()
    assert [(Path(p).name, r.split(": ", 1)[1]) for p, r in report.failed] == [
        ("b.txt", "no such file"), ("c.txt", "cannot read the file (Permission denied)")]
