"""Property: stored offsets and slices are stable across re-open and re-import.

Transcripts (the hand-written fixtures and, when present, the real ones) are
imported once; hypothesis then draws coding-sized spans ``[start, end)``, codes
them, and checks that after closing and re-opening the database, re-importing the
same files, and importing them into a second, fresh project, each coding's offsets
still slice exactly the quoted text, and turns and sentences have not moved.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcoder_ahp.importers import SUPPORTED, import_paths, read_transcript
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import REAL

DATA = Path(__file__).parent / "data" / "import"
FILES = sorted(p for p in DATA.iterdir() if p.suffix in SUPPORTED) + (
    sorted(p for p in REAL.glob("[0-9]*") if p.suffix in (".md", ".srt", ".txt", ".docx", ".rst"))
    if REAL.is_dir() else []
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("offsets")
    db = root / "project.db"
    with open_store(db) as store:
        report = import_paths(store, FILES)
        assert report.ok, report.failed
        store.save_codebook(Codebook("t", (Theme("route", "Winding route"),)))
        texts = {t.id: store.transcript_text(t.id) for t in store.transcripts()}
        layout = {t.id: (store.turns(t.id), store.sentences(t.id)) for t in store.transcripts()}
    return {"db": db, "root": root, "texts": texts, "layout": layout}


@st.composite
def spans(draw: st.DrawFn, texts: dict[int, str]) -> tuple[int, int, int]:
    tid = draw(st.sampled_from(sorted(texts)))
    n = len(texts[tid])
    start = draw(st.integers(0, n - 1))
    end = draw(st.integers(start + 1, min(n, start + 600)))
    return tid, start, end


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_slices_stable_across_reopen_and_reimport(project: dict, data: st.DataObject) -> None:
    tid, start, end = data.draw(spans(project["texts"]))
    expected = project["texts"][tid][start:end]
    with open_store(project["db"]) as store:
        coding = store.code(tid, "route", "ana", start, end)
        assert coding.quote == expected
    with open_store(project["db"]) as store:  # close and re-open
        again = store.codings(coding_id=coding.id)[0]
        assert (again.start, again.end, again.quote) == (start, end, expected)
        text = store.transcript_text(tid)
        assert text[again.start:again.end] == again.quote
        name = store.transcript(tid).name
        report = import_paths(store, [p for p in FILES if p.stem == name])
        assert not report.imported and [t.id for t in report.unchanged] == [tid]
        assert store.transcript_text(tid) == text
        assert (store.turns(tid), store.sentences(tid)) == project["layout"][tid]


def test_fresh_project_gets_identical_text_and_offsets(project: dict) -> None:
    with open_store(project["root"] / "second.db") as other, open_store(project["db"]) as first:
        assert import_paths(other, FILES).ok
        by_hash = {t.content_hash: t.id for t in other.transcripts()}
        for info in first.transcripts():
            tid2 = by_hash[info.content_hash]
            assert other.transcript_text(tid2) == first.transcript_text(info.id)
            assert other.turns(tid2) == first.turns(info.id)
            assert other.sentences(tid2) == first.sentences(info.id)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reading_twice_is_identical(path: Path) -> None:
    assert read_transcript(path) == read_transcript(path)
