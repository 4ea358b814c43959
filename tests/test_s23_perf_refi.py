"""Session 23, ``qcahp refi export`` at scale: each selection written as lxml writes it.

Two thirds of an export (20 times ``qcahp --version`` at 1M words, 139,397 selections)
was lxml building four elements a coding, indenting and serialising them, and
``uuid.uuid5`` making a ``UUID`` for each selection's GUID. A selection is now written
as text (:func:`~qualcoder_ahp.refi.export.selection_xml`, its attributes escaped as
libxml2 escapes them: :func:`~qualcoder_ahp.refi.export.attribute`) into the source
lxml still builds and indents, and the GUID is derived from the SHA-1 directly.

What that could break, checked here: the bytes of every ``TextSource`` must be those
the former element-by-element code wrote, for quotes holding ``& < > "``, quotes,
tabs, line breaks, carriage returns, characters outside the BMP and the characters
XML cannot hold; a coding with and without its coder's GUID and time, with memos; a
source without selections, one with only notes, versions of one transcript; the GUIDs
must be ``uuid5``'s; and an exported study must validate against the REFI-QDA schemas
and read back as the pretty-printed tree. These pin behaviour (they pass on the code
before, but for the comparisons with functions it did not have).
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qualcoder_ahp.model.refi_store import MemoRow, RefiSnapshot
from qualcoder_ahp.records import Coding, Theme, TranscriptInfo, Turn
from qualcoder_ahp.refi import export_project
from qualcoder_ahp.refi.export import (
    GUID_NS,
    _clean,
    _datetime,
    attribute,
    derived_guid,
    labelled_source,
    version_description,
    version_label,
    write_project,
)
from qualcoder_ahp.refi.safe import xml_safe
from tests.conftest import make_parsed
from tests.test_refi_support import build_coded_project, validate_both

NO_SURROGATES = st.characters(blacklist_categories=("Cs",))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["selection", "variable", "x"]), st.text(NO_SURROGATES, max_size=60))
def test_derived_guids_are_uuid5s(kind: str, key: str) -> None:
    assert derived_guid(kind, key) == str(uuid.uuid5(GUID_NS, f"{kind}:{key}"))


TEXTY = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(
    ['a & b < c > d "e" \'f\'', "tab\there", "line\nbreak", "cr\rhere", "]]>", "😀 ☕ é",
     "\x00\x01 bad \ufffe", "&amp; already", " lead and trail "])


@given(TEXTY)
@settings(max_examples=300, deadline=None)
def test_an_attribute_is_escaped_as_libxml2_escapes_it(text: str) -> None:
    safe = xml_safe(text)
    element = etree.Element("X", {"a": safe})
    written = etree.tostring(element, encoding="UTF-8").decode("utf-8")
    assert written == f'<X a="{attribute(safe)}"/>'


def former_sources(snap: RefiSnapshot, codings_of: Any, labelled_of: Any) -> bytes:
    """The ``TextSource`` elements as the export wrote them before session 23 (each
    selection built as elements by lxml, indented and serialised)."""
    notes_on: dict[str, list[str]] = {}
    for memo in snap.memos:
        notes_on.setdefault(memo.target_guid, []).append(memo.guid)
    coder_guid = dict(snap.coders)
    theme_guid = {theme.id: guid for theme, guid in snap.themes}
    safe_user = {coder: xml_safe(guid) for coder, guid in coder_guid.items()}
    safe_theme = {tid: xml_safe(guid) for tid, guid in theme_guid.items()}
    sub = etree.SubElement
    named = Counter(t.name for t in snap.transcripts)
    out = io.BytesIO()
    for n, info in enumerate(snap.transcripts):
        label = info.name if named[info.name] == 1 else version_label(info.name, info.version)
        source = etree.Element("TextSource", _clean({
            "guid": info.guid, "name": label, "plainTextPath": f"internal://{info.guid}.txt",
            "creationDateTime": _datetime(snap.added.get(info.id))}))
        labelled, offsets, description = labelled_of(info.id)
        if named[info.name] > 1:
            description = "\n\n".join(
                d for d in (version_description(info.name, info.version), description) if d)
        if description:
            sub(source, "Description").text = xml_safe(description)
        for coding, created in codings_of(info.id):
            when = _datetime(created)
            user = safe_user.get(coding.coder)
            start, end = offsets.span(coding.start, coding.end)
            quote = (coding.quote if end - start == coding.end - coding.start
                     else labelled[start:end])
            attrs = {"guid": str(uuid.uuid5(GUID_NS, f"selection:{coding.guid}")),
                     "name": xml_safe(quote), "startPosition": str(start),
                     "endPosition": str(end)}
            marks = {}
            if user is not None:
                marks["creatingUser"] = user
            if when is not None:
                marks["creationDateTime"] = when
            selection = sub(source, "PlainTextSelection", {**attrs, **marks})
            element = sub(selection, "Coding", {"guid": xml_safe(coding.guid), **marks})
            sub(element, "CodeRef", {"targetGUID": safe_theme[coding.theme_id]})
            for note in notes_on.get(coding.guid, []):
                sub(selection, "NoteRef", {"targetGUID": xml_safe(note)})
        for note in notes_on.get(info.guid, []):
            sub(source, "NoteRef", {"targetGUID": xml_safe(note)})
        etree.indent(source, space="  ", level=2)
        if n:
            out.write(b"\n    ")
        out.write(etree.tostring(source, encoding="UTF-8", xml_declaration=False))
    return out.getvalue()


CREATED = st.sampled_from(["2026-11-28T18:55:48.447311+00:00", "2026-11-28T18:55:48",
                           "2026-11-28T18:55:48.000000+00:00", "2026-02-30T10:00:00", "",
                           "yesterday", "2026-11-28T18:55:48.5-05:00"])
GUIDS = st.sampled_from(["6f1f3c52-8f0e-5b8a-9d39-2b8c4f6a1e07", 'odd "guid" & <x>',
                         "line\nguid", "tab\tguid", "bad\x01guid"])
TEXT = "It was luck & chance, <really> \"so\".\n\nThen\tthe board 😀 said yes.\r"


@st.composite
def projects(draw: Any) -> tuple[RefiSnapshot, dict[int, list[tuple[Coding, str]]], Any]:
    """A snapshot of two to four transcripts (versions of one among them), its codings
    and labelled texts, drawn with every awkward value a selection can hold."""
    text = TEXT  # with labels written in, a selection across turns selects a label too
    body = [Turn("Alex", "participant", 0, text.index("\n")),
            Turn("Sam", "interviewer", text.index("Then"), len(text))]
    themes = [(Theme("t1", "One"), draw(GUIDS)), (Theme("t2", "Two"), "theme-2-guid")]
    coders = [("ana", draw(GUIDS)), ("ben", "ben-guid")]
    count = draw(st.integers(2, 4))
    names = [draw(st.sampled_from(["helen", "helen", "sam", "p & q"])) for _ in range(count)]
    transcripts = [TranscriptInfo(i + 1, name, i + 1, "txt", f"h{i}", None, 10, 2,
                                  draw(GUIDS) if i == 0 else f"source-{i}")
                   for i, name in enumerate(names)]
    codings: dict[int, list[tuple[Coding, str]]] = {}
    memos: list[MemoRow] = []
    for info in transcripts:
        made = []
        for k in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            quote = draw(st.sampled_from([text[start:end], draw(TEXTY) or "x"]))
            coder = draw(st.sampled_from(["ana", "ben", "nobody"]))
            guid = draw(GUIDS) + f"-{info.id}-{k}"
            made.append((Coding(k, info.id, draw(st.sampled_from(["t1", "t2"])), coder, start,
                                end, quote, "manual", None, None, guid), draw(CREATED)))
            for m in range(draw(st.integers(0, 2))):
                memos.append(MemoRow(draw(GUIDS) + f"-m{m}", "ana", "ana-guid", "coding",
                                     guid, "label", "memo", "2026-11-28T18:55:48"))
        codings[info.id] = made
        if draw(st.booleans()):
            memos.append(MemoRow(f"note-{info.id}", "ben", "ben-guid", "transcript",
                                 info.guid, info.name, "memo", "2026-11-28T18:55:48"))
    added = {t.id: draw(CREATED) for t in transcripts}
    snap = RefiSnapshot(coders=coders, themes=themes, transcripts=transcripts, memos=memos,
                        added=added)
    with_labels = draw(st.booleans())

    def labelled_of(tid: int) -> Any:
        if with_labels:
            return labelled_source(text, body)
        from qualcoder_ahp.refi.speakers import OffsetMap

        return text, OffsetMap([(0, len(text), 0)], len(text)), None

    return snap, codings, labelled_of


@settings(max_examples=150, deadline=None)
@given(projects())
def test_every_source_is_written_as_lxml_wrote_it(project: Any) -> None:
    snap, codings, labelled_of = project

    def codings_of(tid: int) -> list[tuple[Coding, str]]:
        return codings[tid]

    out = io.BytesIO()
    write_project(snap, "p", out, codings_of, labelled_of)
    written = out.getvalue()
    sources = written.split(b"<Sources>", 1)[1].rsplit(b"</Sources>", 1)[0]
    assert sources == b"\n    " + former_sources(snap, codings_of, labelled_of) + b"\n  "
    etree.fromstring(written)  # well-formed


def test_an_exported_study_validates_and_reads_back_as_its_tree(store: Any,
                                                                 tmp_path: Path) -> None:
    ids = build_coded_project(store)
    text = store.transcript_text(ids["first"])
    start = text.index("Honestly")
    store.code(ids["first"], "winding", "cat", start, start + 40)  # across "—" and "café"
    store.add_transcript("p03", make_parsed([
        ("Interviewer", "interviewer", "Anything else?"),
        ("Dee", "participant", 'A & B said "no" <twice>. Then\tyes.')]), participant="P03")
    third = store.transcript("p03")
    t3 = store.transcript_text(third.id)
    store.code(third.id, "serendipity", "ana", t3.index("A & B"), t3.index(" Then"))
    store.code(third.id, "mandate", "ana", 0, len(t3))  # across both turns and the label
    out = tmp_path / "study.qdpx"
    counts = export_project(store, out)
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde")
    validate_both(qde, "Project.xsd")
    parser = etree.XMLParser(remove_blank_text=True)
    again = b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(
        etree.fromstring(qde, parser), xml_declaration=False, encoding="UTF-8",
        pretty_print=True)
    assert qde == again
    root = etree.fromstring(qde)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    selections = root.findall(".//q:PlainTextSelection", ns)
    assert len(selections) == counts["selections"] == len(store.codings())
    names = {s.get("name") for s in selections}
    assert 'A & B said "no" <twice>.' in names
    for selection in selections:  # each named by what it selects, as other tools check
        source = selection.getparent()
        with zipfile.ZipFile(out) as archive:
            labelled = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert labelled[start:end] == selection.get("name")
        assert selection.get("guid") == str(uuid.uuid5(
            GUID_NS, f"selection:{selection.find('q:Coding', ns).get('guid')}"))
