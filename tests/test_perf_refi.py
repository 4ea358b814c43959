"""REFI export streams: the same bytes as the whole tree, one transcript's codings at a time.

A 200-transcript study's export held every coding, the whole element tree and its
serialised bytes at once (2 GB peak). The streamed ``project.qde`` must be exactly
what serialising the whole tree with ``pretty_print`` gives, and the export must
read codings transcript by transcript.
"""

from __future__ import annotations

import zipfile

from lxml import etree

from qualcoder_ahp.refi import export_project
from qualcoder_ahp.refi.export import build_project
from tests.conftest import make_parsed
from tests.test_refi_support import build_coded_project


def _whole_tree(qde: bytes) -> bytes:
    """What lxml's pretty printer makes of the same document (the former export)."""
    parser = etree.XMLParser(remove_blank_text=True)
    body = etree.tostring(etree.fromstring(qde, parser), xml_declaration=False,
                          encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def test_streamed_project_is_the_pretty_printed_tree(store, tmp_path):
    build_coded_project(store)
    store.add_transcript("uncoded", make_parsed([("Asha", "participant", "Nothing coded.")]))
    out = tmp_path / "p.qdpx"
    counts = export_project(store, out)
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde")
        info = archive.getinfo("project.qde")
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert archive.namelist()[0] == "project.qde"
    assert qde == _whole_tree(qde)
    assert b"<NoteRef " in qde.split(b"<Sources>", 1)[1]  # memos on codings and sources
    assert b'name="uncoded"' in qde
    assert counts["selections"] == len(store.codings()) > 0
    assert qde.count(b"<PlainTextSelection ") == counts["selections"]
    assert b"xmlns=" not in qde.split(b"<Project", 1)[1].split(b">", 1)[1]  # declared once
    # The in-memory builder (a snapshot with its codings) writes the same document.
    snap = store.refi_snapshot()
    assert build_project(snap, store.path.stem) == qde


def test_export_reads_codings_one_transcript_at_a_time(store, tmp_path, monkeypatch):
    build_coded_project(store)
    store.add_transcript("extra", make_parsed([("Asha", "participant", "Nothing coded.")]))
    calls = []
    real = type(store).codings

    def spy(self, **kwargs):
        calls.append(kwargs)
        return real(self, **kwargs)

    monkeypatch.setattr(type(store), "codings", spy)
    export_project(store, tmp_path / "p.qdpx")
    assert calls, "codings were read"
    assert all(kw.get("transcript_id") is not None for kw in calls)
    assert len(calls) == len(store.transcripts())
