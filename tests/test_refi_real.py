"""Round trips over the real transcripts in ../shared/transcripts-real (skipped if absent)
and the demo transcripts in transcripts/.

The files go in the way ``qcahp import`` reads them (labels out of the text, turns
with speakers, roles and times), get coded by two coders (sentences, spans across
turns, spans that start a turn), and must survive: (1) our own export, with the
speaker labels written into each source's text, imported into a fresh project (same
text, turns, speakers and coding offsets) and back into the project it came from
(nothing new); (2) that export re-encoded the way NVivo writes it (BOM, CRLF, offsets
in UTF-16 code units), with every quote checked; (3) a text stored with its labels by
an earlier version, which is exported as it is and found again.
"""

from __future__ import annotations

import random
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from qualcoder_ahp.importers.blocks import TIME as TIME_PATTERN
from qualcoder_ahp.importers.reader import SUPPORTED, read_transcript
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.refi import export_project, import_file
from qualcoder_ahp.refi.speakers import label_text, strip_labels
from qualcoder_ahp.refi.text import decode, normalise, segment
from tests.test_refi_import import table_counts
from tests.test_refi_support import validate_both

NS = "urn:QDA-XML:project:1.0"
TIME = re.compile(TIME_PATTERN)
DEMO = Path(__file__).resolve().parents[1] / "transcripts"


def _code(store, info, rng: random.Random) -> None:
    """Code sentences, spans across a turn boundary and spans opening a turn."""
    sentences = store.sentences(info.id)
    turns = store.turns(info.id)
    spans = {(rng.choice("ab"), rng.choice(["ana", "bea"]), s.start, s.end)
             for s in rng.sample(sentences, min(40, len(sentences)))}
    for k in rng.sample(range(len(turns) - 1), min(10, len(turns) - 1)):
        this, after = turns[k], turns[k + 1]
        spans.add(("a", "ana", max(this.start, this.end - 30),
                   min(after.end, after.start + 25)))
        spans.add(("b", "bea", after.start, min(after.end, after.start + 12)))
    for theme, coder, start, end in sorted(spans):  # an identical span is one coding
        store.code(info.id, theme, coder, start, end)


def _load(store, folder: Path, limit: int | None = None) -> int:
    """Import a folder's transcripts as ``qcahp import`` does, and code them."""
    store.save_codebook(Codebook("real", (Theme("a", "Theme A"), Theme("b", "Theme B ✓"))))
    rng = random.Random(7)
    count = 0
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in SUPPORTED or path.name.upper().startswith(
                ("README", "SOURCES")):
            continue
        info, _ = store.add_transcript(path.stem, read_transcript(path))
        _code(store, info, rng)
        count += 1
        if limit and count == limit:
            break
    return count


def _turns(store) -> dict[str, list[tuple]]:
    """Each transcript's turns, times included: timestamps (``00:01:02``) and the clock
    times of a hearing's procedural notes (``10.30 am``) alike."""
    return {t.name: [(u.speaker, u.role, u.start, u.end, u.time) for u in store.turns(t.id)]
            for t in store.transcripts()}


def _times(store) -> tuple[int, int]:
    """How many turns have a time, and how many of those are not timestamps."""
    times = [u.time for t in store.transcripts() for u in store.turns(t.id) if u.time]
    return len(times), sum(not TIME.fullmatch(x) for x in times)


def _check_round_trip(store, tmp_path: Path) -> tuple[int, int]:
    """Export, import into a fresh project and back; returns :func:`_times`."""
    before = table_counts(store)
    export_project(store, tmp_path / "out.qdpx")
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        validate_both(archive.read("project.qde"), "Project.xsd")
    other = open_store(tmp_path / "other.db")
    try:
        report = import_file(other, tmp_path / "out.qdpx")
        assert report.mismatches == [] and report.warnings == []
        want = {(t.name, t.content_hash) for t in store.transcripts()}
        assert {(t.name, t.content_hash) for t in other.transcripts()} == want
        assert {t.name: other.transcript_text(t.id) for t in other.transcripts()} == {
            t.name: store.transcript_text(t.id) for t in store.transcripts()}
        assert _turns(other) == _turns(store)
        assert _times(other) == _times(store)
        key = lambda c: (c.guid, c.theme_id, c.coder, c.start, c.end, c.quote)  # noqa: E731
        assert sorted(map(key, other.codings())) == sorted(map(key, store.codings()))
        assert len(other.codings()) > 50 * len(want)
    finally:
        other.close()
    # Back into the project it came from: the same transcripts are found.
    assert import_file(store, tmp_path / "out.qdpx").nothing_added
    assert table_counts(store) == before
    return _times(store)


def test_demo_transcripts_round_trip(memory_store, tmp_path: Path) -> None:
    assert _load(memory_store, DEMO) == 7
    _check_round_trip(memory_store, tmp_path)


def test_real_transcripts_round_trip(memory_store, real_dir: Path, tmp_path: Path) -> None:
    assert _load(memory_store, real_dir) >= 6
    timed, clock = _check_round_trip(memory_store, tmp_path)
    # The hearing's "(10.30 am)" notes date turns too: those times (5 of 217 when
    # written) were once lost, so make sure the round trip above had some to keep.
    assert timed >= 200 and clock >= 5


def _files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.iterdir()) if p.suffix.lower() in SUPPORTED
            and not p.name.upper().startswith(("README", "SOURCES"))]


@pytest.mark.parametrize("where", ["demo", "real"])
def test_exported_text_reads_as_qcahp_import_reads_it(where, request, tmp_path: Path) -> None:
    """One rule for speakers: the text we export for a transcript, read as another
    tool's source (no description), gives the speakers and times ``qcahp import``
    finds in the same text saved as a ``.txt``; read as our own export it gives the
    stored turns back exactly (it must differ from the first reading somewhere in the
    hearing, where counsel reads out "Question: ..." lines inside a turn)."""
    folder = DEMO if where == "demo" else request.getfixturevalue("real_dir")
    differs = 0
    for path in _files(folder):
        parsed = read_transcript(path)
        labelled, _ = label_text(parsed.text, parsed.turns)
        (tmp_path / "x.txt").write_text(labelled, encoding="utf-8")
        imported = read_transcript(tmp_path / "x.txt")
        theirs = strip_labels(labelled)
        ours = strip_labels(labelled, ours=True)
        assert theirs is not None and ours is not None
        assert [(t.speaker, t.time) for t in theirs.turns] == [
            (t.speaker, t.time) for t in imported.turns], path.name
        assert ours.text == parsed.text and list(ours.turns) == [
            replace(t, role=u.role) for t, u in zip(parsed.turns, ours.turns, strict=True)]
        differs += [t.speaker for t in theirs.turns] != [t.speaker for t in parsed.turns]
    if where == "real":
        assert differs >= 1


def test_real_transcripts_nvivo_style(memory_store, real_dir: Path, tmp_path: Path) -> None:
    """Rewrite our export as NVivo would (BOM + CRLF + UTF-16 offsets) and import it."""
    store = memory_store
    _load(store, real_dir)
    export_project(store, tmp_path / "ours.qdpx")
    with zipfile.ZipFile(tmp_path / "ours.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
        texts = {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                 if n.startswith("sources/")}
    root.set("origin", "NVivo 14.23.0")
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
        # Read as another tool's file, the speakers still come back for every turn.
        got, want = _turns(other), _turns(store)
        assert {n: [t[0] for t in v] for n, v in got.items()} == {
            n: [t[0] for t in v] for n, v in want.items()}
    finally:
        other.close()


def test_text_stored_with_labels_by_an_earlier_version(memory_store, real_dir: Path,
                                                       tmp_path: Path) -> None:
    """A project holding labelled text (an earlier REFI import) exports it unchanged,
    finds it again on re-import, and a fresh project gets it without the labels."""
    store = memory_store
    store.save_codebook(Codebook("real", (Theme("a", "Theme A"),)))
    path = next(p for p in sorted(real_dir.iterdir()) if p.suffix == ".md")
    text, _ = normalise(decode(path.read_bytes()))
    info, _ = store.add_transcript("legacy", segment(text))
    rng = random.Random(3)
    for sentence in rng.sample(store.sentences(info.id), 30):
        store.code(info.id, "a", "ana", sentence.start, sentence.end)
    assert label_text(text, store.turns(info.id))[0] == text  # no label written twice
    export_project(store, tmp_path / "old.qdpx")
    with zipfile.ZipFile(tmp_path / "old.qdpx") as archive:
        assert archive.read(f"sources/{info.guid}.txt").decode("utf-8") == text
    counts = table_counts(store)
    assert import_file(store, tmp_path / "old.qdpx").nothing_added
    assert table_counts(store) == counts
    other = open_store(tmp_path / "fresh.db")
    try:
        import_file(other, tmp_path / "old.qdpx")
        [fresh] = other.transcripts()
        stored = other.transcript_text(fresh.id)
        assert len(stored) < len(text) and not stored.startswith(text.split(":")[0])
        assert {t.speaker for t in other.turns(fresh.id)} == {
            t.speaker for t in store.turns(info.id)}
        # Each coding covers the same words (a sentence never holds a label).
        key = lambda c: (c.guid, c.quote)  # noqa: E731
        assert sorted(map(key, other.codings())) == sorted(map(key, store.codings()))
        assert all(stored[c.start:c.end] == c.quote for c in other.codings())
    finally:
        other.close()


@pytest.mark.parametrize("ours", [True, False])
def test_selection_starting_in_a_label_starts_the_turn(store, tmp_path: Path, ours) -> None:
    """A selection that begins inside a label starts at the turn's first character;
    one that lies inside a label only is reported and not imported."""
    text = "Interviewer: How did you start?\n\nAnna: I fell into management by chance."
    origin = "qualcoder_ahp 0.1.0" if ours else "MAXQDA 24"
    spans = [(2, 20, None), (34, 45, None), (34, 37, None), (22, 42, None), (13, 31, None)]
    sels = "".join(
        f'<PlainTextSelection guid="5e100000-0000-4000-8000-00000000000{n}" '
        f'startPosition="{a}" endPosition="{b}"><Coding guid="c0d10000-0000-4000-8000-'
        f'00000000000{n}"><CodeRef targetGUID="22222222-0000-4000-8000-000000000001"/>'
        "</Coding></PlainTextSelection>" for n, (a, b, _) in enumerate(spans))
    qde = (f'<Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="{origin}"><CodeBook>'
           '<Codes><Code guid="22222222-0000-4000-8000-000000000001" name="One" '
           'isCodable="true"/></Codes></CodeBook><Sources><TextSource '
           f'guid="66666666-0000-4000-8000-000000000001" name="S"><PlainTextContent>{text}'
           f"</PlainTextContent>{sels}</TextSource></Sources></Project>")
    path = tmp_path / "x.qde"
    path.write_text(qde, encoding="utf-8")
    report = import_file(store, path)
    [info] = store.transcripts()
    stored = store.transcript_text(info.id)
    assert stored == "How did you start?\n\nI fell into management by chance."
    assert [(t.speaker, t.start, t.end) for t in store.turns(info.id)] == [
        ("Interviewer", 0, 18), ("Anna", 20, 53)]
    got = sorted((c.start, c.end, c.quote) for c in store.codings())
    assert got == [(0, 7, "How did"), (0, 18, "How did you start?"),
                   (9, 23, "ou start?\n\nI f"), (20, 26, "I fell")]
    assert report.mismatches == []
    assert [w for w in report.warnings if "only a speaker label" in w] == [
        "S: coding c0d10000-0000-4000-8000-000000000002 [34, 37) selects only a speaker "
        "label ('nna'); not imported"]
