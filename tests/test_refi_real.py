"""Round trips over the real transcripts in ../shared/transcripts-real (skipped if absent).

The texts go in through the REFI source normalisation (the same path an imported
``.txt`` takes), get coded by two coders on sentence spans, and must survive:
(1) our own export/import unchanged, and (2) a re-encoding the way NVivo writes it
(BOM, CRLF, offsets in UTF-16 code units), with every quote checked.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from lxml import etree

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.refi import export_project, import_file
from qualcoder_ahp.refi.text import decode, normalise, segment

NS = "urn:QDA-XML:project:1.0"


def _load_real(store, real_dir: Path) -> None:
    store.save_codebook(Codebook("real", (Theme("a", "Theme A"), Theme("b", "Theme B ✓"))))
    rng = random.Random(7)
    for path in sorted(real_dir.iterdir()):
        if path.suffix not in (".md", ".txt", ".rst", ".srt"):
            continue
        text, _ = normalise(decode(path.read_bytes()))
        info, _ = store.add_transcript(path.stem, segment(text))
        sentences = store.sentences(info.id)
        for sentence in rng.sample(sentences, min(40, len(sentences))):
            store.code(info.id, rng.choice("ab"), rng.choice(["ana", "bea"]),
                       sentence.start, sentence.end)


def test_real_transcripts_round_trip(memory_store, real_dir: Path, tmp_path: Path) -> None:
    store = memory_store
    _load_real(store, real_dir)
    assert len(store.transcripts()) >= 4
    export_project(store, tmp_path / "real.qdpx")
    other = open_store(tmp_path / "other.db")
    try:
        report = import_file(other, tmp_path / "real.qdpx")
        assert report.mismatches == []
        want = {(t.name, t.content_hash) for t in store.transcripts()}
        assert {(t.name, t.content_hash) for t in other.transcripts()} == want
        key = lambda c: (c.guid, c.theme_id, c.coder, c.start, c.end, c.quote)  # noqa: E731
        assert sorted(map(key, other.codings())) == sorted(map(key, store.codings()))
    finally:
        other.close()


def test_real_transcripts_nvivo_style(memory_store, real_dir: Path, tmp_path: Path) -> None:
    """Rewrite our export as NVivo would (BOM + CRLF + UTF-16 offsets) and import it."""
    store = memory_store
    _load_real(store, real_dir)
    export_project(store, tmp_path / "ours.qdpx")
    with zipfile.ZipFile(tmp_path / "ours.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
        texts = {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                 if n.startswith("sources/")}
    with zipfile.ZipFile(tmp_path / "nvivo.qdpx", "w", zipfile.ZIP_DEFLATED) as out:
        for source in root.iter(f"{{{NS}}}TextSource"):
            text = texts[f"sources/{source.get('guid')}.txt"]
            crlf = text.replace("\n", "\r\n")
            for selection in source.iter(f"{{{NS}}}PlainTextSelection"):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                # Offsets in the CRLF text, then counted in UTF-16 code units.
                start += text.count("\n", 0, start)
                end += text.count("\n", 0, end)
                selection.set("startPosition", str(len(crlf[:start].encode("utf-16-le")) // 2))
                selection.set("endPosition", str(len(crlf[:end].encode("utf-16-le")) // 2))
            name = f"sources/{source.get('guid').upper()}.txt"
            out.writestr(name, b"\xef\xbb\xbf" + crlf.encode("utf-8"))
        out.writestr("project.qde", etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    other = open_store(tmp_path / "other.db")
    try:
        report = import_file(other, tmp_path / "nvivo.qdpx")
        assert report.mismatches == []
        key = lambda c: (c.guid, c.start, c.end, c.quote)  # noqa: E731
        assert sorted(map(key, other.codings())) == sorted(map(key, store.codings()))
        assert sum(report.units.values()) == len(store.codings())
    finally:
        other.close()
