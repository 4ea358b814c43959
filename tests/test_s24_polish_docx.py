"""Session 24: the Word writers of memos and coded transcripts add paragraphs in
constant time.

python-docx's ``add_paragraph`` and ``add_heading`` walk the body to its section
properties and look the style's name up among every style, for each paragraph: a
memo export grew quadratically (12,000 memos took 6.9 s, now 1.6 s) as ``quotes
--format docx`` did before ``Paragraphs`` (reports/writers.py). The memos (``qcahp
memos -o FILE.docx``) and the coded transcript (``qcahp show -o FILE.docx``) now use it;
the document's XML is unchanged (checked against the old writers on the demo project
and on 12,000 memos).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx.document import Document

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.reports.memos import Memo, memos_docx
from tests.tui.conftest import CODER, build_project


@pytest.fixture
def no_slow_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-docx's per-paragraph walk refused: a writer using it fails."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx's add_paragraph/add_heading used")

    monkeypatch.setattr(Document, "add_paragraph", refuse)
    monkeypatch.setattr(Document, "add_heading", refuse)


def memos(n: int) -> list[Memo]:
    kinds = ("theme", "transcript", "coding", "cell")
    return [Memo(kind=kinds[i * 4 // n], coder=f"c{i % 2}", text=f"memo {i}",
                 updated="2026-01-02T03:04", theme_id="t", theme_path=f"Theme {i // 4}",
                 transcript=f"tr{i // 4}", quote=f"quote {i // 2}", start=i // 2,
                 end=i // 2 + 3, speaker="Ann", turn=i, case=f"P{i // 2}")
            for i in range(n)]


def body_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def test_memos_docx_without_python_docx_walk(no_slow_paragraphs: None) -> None:
    xml = body_xml(memos_docx(memos(40), "Memos", "All transcripts"))
    # The same document: title, subtitle, the four kinds' headings, quotes, memos,
    # every paragraph before the section properties.
    assert xml.count('<w:pStyle w:val="Title"/>') == 1
    assert xml.count('<w:pStyle w:val="Heading1"/>') == 4
    assert xml.count('<w:pStyle w:val="Quote"/>') == 5  # one per coding, not per memo
    assert xml.index("memo 39") < xml.index("<w:sectPr")
    assert xml.index("All transcripts") < xml.index("Theme memos") < xml.index("memo 0")


def test_memos_docx_empty_without_python_docx_walk(no_slow_paragraphs: None) -> None:
    xml = body_xml(memos_docx([], "Memos"))
    assert "No memos match." in xml


def test_coded_transcript_docx_without_python_docx_walk(
        tmp_path: Path, no_slow_paragraphs: None) -> None:
    db = tmp_path / "p.db"
    build_project(db)
    with open_store(db) as store:
        info = store.transcripts()[0]
        store.code(info.id, "serendipity", CODER, 0, 20)
        name = info.name
    out = tmp_path / "t.docx"
    result = CliRunner().invoke(cli, ["--db", str(db), "show", name, "--coder", CODER,
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    xml = body_xml(out.read_bytes())
    assert xml.count('<w:pStyle w:val="Title"/>') == 1
    assert "Serendipity" in xml and xml.index("Themes") < xml.index("<w:sectPr")
