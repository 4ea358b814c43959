"""Shared fixtures: every test runs in its own temporary directory and database.

No test touches the real home directory, the network, or a database outside
``tmp_path``: an autouse fixture points ``HOME``, ``QCAHP_DB`` and the working
directory at the test's temporary folder (and unsets ``COLUMNS``).

Freezing the heap between test files makes the run faster and changes nothing a test
asserts (see :func:`pytest_runtest_setup`).
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import ParsedTranscript, Sentence, Turn

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REAL = SHARED / "transcripts-real"
REFERENCE = SHARED / "reference"
REFI_SCHEMAS = SHARED / "refi-qda"

_module_frozen: list[str] = [""]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a test file's first test: collect garbage, then freeze what is left.

    A worker's heap holds every import and cache of the files before (spaCy, Textual,
    the lemma table), and a full collection walks it all; the codebook check runs one
    after parsing every regex (``suggest.sre_tree.gc_paused``, a few hundredths of a
    second in ``qcahp``), and in a worker each took a quarter of a second, half of the
    CPU of the codebook tests. Frozen objects are skipped by every later collection; only
    what was alive at a file's start is frozen (garbage is collected first), so what the
    file's tests and fixtures make is collected as before.
    """
    module = item.nodeid.partition("::")[0]
    if module != _module_frozen[0]:
        _module_frozen[0] = module
        gc.collect()
        gc.freeze()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("QCAHP_DB", str(tmp_path / "qcahp.db"))
    # An exported $COLUMNS fits every table to it (reports.text_table.screen_width).
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh on-disk project database (WAL, like a real one)."""
    s = open_store(tmp_path / "project.db")
    yield s
    s.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A project database with the reports tests' small project in it
    (:func:`tests.test_reports.build_project`), closed, for CLI tests to run on."""
    from tests.test_reports import build_project

    path = tmp_path / "project.db"
    store = open_store(path)
    build_project(store)
    store.close()
    return path


@pytest.fixture
def insecure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections start with ``secure_delete`` off, as SQLite's default build has it
    (Debian's turns it on), so that a byte check fails unless the code under test turns it on
    (withdrawal, redaction)."""
    real = Store._prepare

    def prepare(self: Store, *, migrate: bool) -> None:
        real(self, migrate=migrate)
        self.conn.execute("PRAGMA secure_delete = OFF")

    monkeypatch.setattr(Store, "_prepare", prepare)


@pytest.fixture
def memory_store() -> Store:
    """A fresh in-memory project database."""
    s = open_store(None)
    yield s
    s.close()


def make_parsed(turns: list[tuple[str, str, str]], fmt: str = "txt") -> ParsedTranscript:
    """Build a transcript from ``(speaker, role, text)`` turns; each turn one or more
    sentences split on ". " so tests need no importer."""
    text_parts: list[str] = []
    out_turns: list[Turn] = []
    sentences: list[Sentence] = []
    pos = 0
    for i, (speaker, role, body) in enumerate(turns):
        if i:
            text_parts.append("\n\n")
            pos += 2
        start = pos
        text_parts.append(body)
        pos += len(body)
        out_turns.append(Turn(speaker, role, start, pos))
        s = start
        for piece in body.split(". "):
            e = s + len(piece)
            if e < pos:
                e += 1  # keep the full stop
            sentences.append(Sentence(s, min(e, pos), i))
            s = e + 1 if e < pos else e
    return ParsedTranscript("".join(text_parts), out_turns, fmt, sentences)


@pytest.fixture
def real_dir() -> Path:
    """The shared real transcripts; tests using it skip when the folder is absent."""
    if not REAL.is_dir():
        pytest.skip("../shared/transcripts-real is not present")
    return REAL
