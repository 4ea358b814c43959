"""REFI-QDA export: valid against both XSDs, the strict rules, stable GUIDs, owner-only files."""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.refi import export_codebook, export_project
from tests.conftest import make_parsed
from tests.test_refi_support import (
    NS_CODEBOOK,
    NS_PROJECT,
    build_coded_project,
    validate_both,
)

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PROJECT_ORDER = ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets",
                 "Graphs", "Description"]


def _q(tag: str, ns: str = NS_PROJECT) -> str:
    return f"{{{ns}}}{tag}"


@pytest.fixture
def exported(store, tmp_path: Path) -> tuple[Path, bytes, dict[str, bytes]]:
    build_coded_project(store)
    out = tmp_path / "out.qdpx"
    export_project(store, out)
    with zipfile.ZipFile(out) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    return out, files["project.qde"], files


def test_project_valid_against_both_schemas(exported) -> None:
    _, qde, _ = exported
    validate_both(qde, "Project.xsd")


def test_codebook_valid_against_both_schemas(store, tmp_path: Path) -> None:
    build_coded_project(store)
    out = tmp_path / "book.qdc"
    counts = export_codebook(store, out)
    data = out.read_bytes()
    validate_both(data, "Codebook.xsd")
    root = etree.fromstring(data)
    assert root.tag == _q("CodeBook", NS_CODEBOOK)
    assert root.nsmap == {None: NS_CODEBOOK}
    assert [c.tag for c in root] == [_q("Codes", NS_CODEBOOK)]  # no empty <Sets/>
    # The codebook holds the active themes only (the retired one is not coded here).
    names = [c.get("name") for c in root.iter(_q("Code", NS_CODEBOOK))]
    assert names == ["Career route", "Winding route", "Serendipity – chance 🍀",
                     "Mandate & the board"]
    assert counts == {"codes": 4}


def test_strict_rules(exported) -> None:
    out, qde, files = exported
    assert qde.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Project ')
    assert not qde.startswith(b"\xef\xbb\xbf")
    root = etree.fromstring(qde)
    assert root.tag == _q("Project") and root.nsmap == {None: NS_PROJECT}
    order = [etree.QName(c).localname for c in root]
    assert order == sorted(order, key=PROJECT_ORDER.index)
    assert order == ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes"]
    for element in root.iter():  # never an empty container
        if etree.QName(element).localname in PROJECT_ORDER[:-1] + ["Codes"]:
            assert len(element), etree.QName(element).localname
    for code in root.iter(_q("Code")):
        assert GUID.match(code.get("guid"))
        assert code.get("name") and code.get("isCodable") in ("true", "false")
        # The grey of a theme given no colour here goes out as a colour (session 21):
        # only a code that came from a REFI file without one goes back without.
        assert re.fullmatch(r"#[0-9A-Fa-f]{6}", code.get("color"))
    codings = list(root.iter(_q("Coding")))
    assert len(codings) == 6  # the removed coding is not exported
    for coding in codings:
        assert [etree.QName(c).localname for c in coding] == ["CodeRef"]
        assert coding.get("creatingUser")
    # Offsets are code points over the exported .txt, and the name is the quote.
    for source in root.iter(_q("TextSource")):
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        raw = files[f"sources/{source.get('guid')}.txt"]
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
        text = raw.decode("utf-8")
        for selection in source.iter(_q("PlainTextSelection")):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == selection.get("name")
    assert set(files) == {"project.qde"} | {
        f"sources/{s.get('guid')}.txt" for s in root.iter(_q("TextSource"))}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_sources_carry_speaker_labels(store, exported) -> None:
    """Each source's text is the stored text with "Name: " opening each turn (this
    replaces the former check that it was the stored text itself, without speakers)."""
    _, qde, files = exported
    first = store.transcript("p01-interview")
    assert files[f"sources/{first.guid}.txt"].decode("utf-8") == (
        "Interviewer: How did you become a director?\n\n"
        "Zoë: Honestly 😀 it was luck. I never planned a career in management — café chats "
        "helped.\n\nInterviewer: And the board?\n\n"
        "Zoë: The board 🤝 listens to AHPs now. Naïve of me to doubt it.")
    # Every selection covers the same words as its coding: the stored quote, at the
    # stored offsets shifted by the labels written before it.
    root = etree.fromstring(qde)
    stored = {c.guid: c for c in store.codings()}
    checked = 0
    for source in root.iter(_q("TextSource")):
        text = files[f"sources/{source.get('guid')}.txt"].decode("utf-8")
        info = store.transcript(source.get("name"))
        for selection in source.iter(_q("PlainTextSelection")):
            coding = stored[selection.find(_q("Coding")).get("guid")]
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == coding.quote == selection.get("name")
            before = [t for t in store.turns(info.id) if t.start <= coding.start]
            shift = sum(len(f"{t.speaker}: ") for t in before)
            assert (start, end) == (coding.start + shift, coding.end + shift)
            checked += 1
    assert checked == 6


def test_every_reference_resolves(exported) -> None:
    _, qde, _ = exported
    root = etree.fromstring(qde)
    by_kind: dict[str, set[str]] = {}
    for element in root.iter():
        if element.get("guid"):
            by_kind.setdefault(etree.QName(element).localname, set()).add(element.get("guid"))
    all_guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(all_guids) == len(set(all_guids)), "GUIDs are unique"
    expect = {"CodeRef": "Code", "NoteRef": "Note", "SourceRef": "TextSource",
              "VariableRef": "Variable"}
    refs = 0
    for tag, kind in expect.items():
        for ref in root.iter(_q(tag)):
            assert ref.get("targetGUID") in by_kind[kind], (tag, ref.get("targetGUID"))
            refs += 1
    for element in root.iter():
        if element.get("creatingUser"):
            assert element.get("creatingUser") in by_kind["User"]
            refs += 1
    assert refs > 20
    # Every note is reachable: 2 coding memos, 1 theme memo, 1 transcript memo.
    notes = by_kind["Note"]
    assert {r.get("targetGUID") for r in root.iter(_q("NoteRef"))} == notes and len(notes) == 4


def test_memos_attached_where_they_belong(store, exported) -> None:
    _, qde, _ = exported
    root = etree.fromstring(qde)
    text = {n.get("guid"): n.findtext(_q("PlainTextContent")) for n in root.iter(_q("Note"))}
    on_code = {c.get("name"): [text[r.get("targetGUID")] for r in c.findall(_q("NoteRef"))]
               for c in root.iter(_q("Code"))}
    assert on_code["Serendipity – chance 🍀"] == ["Keep apart from planned moves."]
    sources = {s.get("name"): s for s in root.iter(_q("TextSource"))}
    assert [text[r.get("targetGUID")] for r in sources["p01-interview"].findall(_q("NoteRef"))] \
        == ["Recorded on site.\nSecond line."]
    on_selection = {s.get("name"): [text[r.get("targetGUID")] for r in s.findall(_q("NoteRef"))]
                    for s in root.iter(_q("PlainTextSelection"))}
    assert on_selection["😀 it was luck"] == ["Luck again – compare P03 🍀"]
    assert on_selection["The board 🤝 listens"] == ['Board <access> & "mandate"']


def test_cases_and_variables(exported) -> None:
    _, qde, _ = exported
    root = etree.fromstring(qde)
    variables = {v.get("guid"): v.get("name") for v in root.iter(_q("Variable"))}
    assert sorted(variables.values()) == ["board_distance", "profession"]
    sources = {s.get("guid"): s.get("name") for s in root.iter(_q("TextSource"))}
    cases = {}
    for case in root.iter(_q("Case")):
        values = {variables[v.find(_q("VariableRef")).get("targetGUID")]:
                  (v[1].tag.split("}")[1], v[1].text) for v in case.findall(_q("VariableValue"))}
        refs = [sources[r.get("targetGUID")] for r in case.findall(_q("SourceRef"))]
        cases[case.get("name")] = (values, refs)
    assert cases == {
        "P01": ({"board_distance": ("IntegerValue", "1"),
                 "profession": ("TextValue", "Speech & language therapist")},
                ["p01-interview"]),
        "P02": ({"profession": ("TextValue", "Paramedic")}, ["p02-interview"]),
        "P03": ({"profession": ("TextValue", "Dietitian")}, []),
    }
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iter(_q("Variable"))}
    assert types == {"board_distance": "Integer", "profession": "Text"}


def test_retired_theme_still_coded_is_exported(exported) -> None:
    _, qde, _ = exported
    root = etree.fromstring(qde)
    names = {c.get("guid"): c.get("name") for c in root.iter(_q("Code"))}
    coded = [names[r.get("targetGUID")] for r in root.iter(_q("CodeRef"))]
    assert "Old theme" in coded


def test_guids_stable_across_exports(store, tmp_path: Path) -> None:
    build_coded_project(store)
    export_project(store, tmp_path / "a.qdpx")
    export_project(store, tmp_path / "b.qdpx")
    export_codebook(store, tmp_path / "a.qdc")
    export_codebook(store, tmp_path / "b.qdc")
    with zipfile.ZipFile(tmp_path / "a.qdpx") as a, zipfile.ZipFile(tmp_path / "b.qdpx") as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        first, second = a.read("project.qde"), b.read("project.qde")
    assert first == second  # nothing in the XML depends on the moment of export
    assert (tmp_path / "a.qdc").read_bytes() == (tmp_path / "b.qdc").read_bytes()
    guids = [e.get("guid") for e in etree.fromstring(first).iter() if e.get("guid")]
    assert all(GUID.match(g) for g in guids)
    stored = {r[0] for r in store.conn.execute(
        "SELECT guid FROM themes UNION SELECT guid FROM coders UNION SELECT guid FROM "
        "transcripts UNION SELECT guid FROM participants UNION SELECT guid FROM codings "
        "UNION SELECT guid FROM memos")}
    # Every stored GUID of an exported thing appears as is (the removed coding does not).
    assert len(stored - set(guids)) == 1


def test_xml_unsafe_characters_still_valid(store, tmp_path: Path) -> None:
    store.save_codebook(Codebook("cb", (Theme("t", "Theme\x0b one"),)))
    info, _ = store.add_transcript("pdf", make_parsed([("A", "participant",
                                                         "Page one\x0cpage two ends here.")]))
    store.code(info.id, "t", "ana", 5, 13)
    store.set_memo("ana", "theme", "t", "bell\x07")
    export_project(store, tmp_path / "x.qdpx")
    with zipfile.ZipFile(tmp_path / "x.qdpx") as archive:
        validate_both(archive.read("project.qde"), "Project.xsd")


def test_empty_project_refused(store, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="empty"):
        export_project(store, tmp_path / "x.qdpx")
    with pytest.raises(UserError, match="no codebook themes"):
        export_codebook(store, tmp_path / "x.qdc")
    assert not (tmp_path / "x.qdpx").exists() and not list(tmp_path.glob(".x.qdpx*"))


def test_codebook_only_project(store, tmp_path: Path) -> None:
    store.save_codebook(Codebook("cb", (Theme("t", "Only theme", color="#abc"),)))
    counts = export_project(store, tmp_path / "x.qdpx")
    with zipfile.ZipFile(tmp_path / "x.qdpx") as archive:
        qde = archive.read("project.qde")
        assert archive.namelist() == ["project.qde"]
    validate_both(qde, "Project.xsd")
    assert [etree.QName(c).localname for c in etree.fromstring(qde)] == ["CodeBook"]
    assert counts["codes"] == 1 and counts["sources"] == 0
    assert b'color="#aabbcc"' in qde  # #RGB is written as #RRGGBB


def test_unwritable_targets_are_clear_errors(store, tmp_path: Path) -> None:
    build_coded_project(store)
    (tmp_path / "folder.qdpx").mkdir()
    with pytest.raises(UserError, match="is a folder"):
        export_project(store, tmp_path / "folder.qdpx")
    (tmp_path / "a-file").write_text("x")  # a file where a folder should be
    with pytest.raises(UserError, match="cannot write the file"):
        export_codebook(store, tmp_path / "a-file" / "book.qdc")
    assert not list(tmp_path.rglob(".*.tmp"))
