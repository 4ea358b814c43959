"""REFI-QDA import: round trip, idempotence, and each tool quirk from DESIGN.md."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest

from qualcoder_ahp.errors import CodebookError, UserError
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.refi import (
    export_codebook,
    export_project,
    import_file,
    read_qdc,
    read_qdc_guids,
)
from tests.test_refi_support import FIXTURES, build_coded_project, zip_fixture

TABLES = ("themes", "coders", "transcripts", "turns", "sentences", "codings", "memos",
          "participants", "participant_attributes", "events")


def table_counts(store) -> dict[str, int]:
    return {t: store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def snapshot(store) -> dict[str, object]:
    """Everything a round trip must keep, keyed by GUIDs/names rather than row ids."""
    transcripts = {t.id: t for t in store.transcripts()}
    # A retired theme that is still coded travels as a code (REFI has no "retired").
    themes = store.themes(include_inactive=True)
    theme_guid = {t.id: store.theme_guid(t.id) for t in store.themes(include_inactive=True)}
    memos = sorted(
        (coder, kind, text, guid) for coder, kind, text, guid in store.conn.execute(
            "SELECT k.name, m.target_kind, m.text, m.guid FROM memos m "
            "JOIN coders k ON k.id = m.coder_id"))
    return {
        "transcripts": sorted((t.name, t.version, t.participant, t.guid, t.content_hash,
                               store.transcript_text(t.id)) for t in transcripts.values()),
        "themes": [(t.id, t.name, t.parent_id, t.description, t.inclusion, t.exclusion,
                    t.examples, t.color, t.codable, theme_guid[t.id]) for t in themes],
        "coders": sorted(store.conn.execute("SELECT name, guid FROM coders").fetchall()),
        "codings": sorted((transcripts[c.transcript_id].guid, c.theme_id, theme_guid[c.theme_id],
                           c.coder, c.start, c.end, c.quote, c.memo, c.guid)
                          for c in store.codings()),
        "memos": memos,
        "participants": store.participants(),
        "participant_guids": sorted(store.conn.execute(
            "SELECT code, guid FROM participants").fetchall()),
    }


def test_round_trip_into_empty_project(store, tmp_path: Path) -> None:
    build_coded_project(store)
    before = snapshot(store)
    export_project(store, tmp_path / "out.qdpx", name="AHP")
    other = open_store(tmp_path / "other.db")
    try:
        report = import_file(other, tmp_path / "out.qdpx")
        after = snapshot(other)
        for key in before:
            assert after[key] == before[key], key
        assert report.mismatches == [] and report.warnings == []
        assert report.added == {"themes": 5, "coders": 2, "transcripts": 2, "codings": 6,
                                "memos": 4, "participants": 3, "attributes": 4}
        assert {c.origin for c in other.codings()} == {"imported"}
        # The retired-but-coded theme comes back retired (with its coding), and with its
        # hierarchy the tree order.
        assert [t.id for t in other.themes(include_inactive=True)] == [
            "career", "winding", "serendipity", "mandate", "retired"]
        assert [t.id for t in other.themes()] == ["career", "winding", "serendipity",
                                                  "mandate"]
        # The speaker labels written into the exported text came out again: the same
        # turns, speakers and roles as the original (the text compared above).
        for name in ("p01-interview", "p02-interview"):
            first, again = store.transcript(name).id, other.transcript(name).id
            assert other.turns(again) == store.turns(first)
            assert len(other.turns(again)) > 1
        # A second export of the imported project is the same file: same GUIDs, same
        # order, same creation times of codings and memos.
        export_project(other, tmp_path / "again.qdpx", name="AHP")
        assert _guids(tmp_path / "again.qdpx") == _guids(tmp_path / "out.qdpx")
        with zipfile.ZipFile(tmp_path / "out.qdpx") as a, \
                zipfile.ZipFile(tmp_path / "again.qdpx") as b:
            assert a.read("project.qde") == b.read("project.qde")
            assert sorted(a.namelist()) == sorted(b.namelist())
        assert other.integrity_ok()
    finally:
        other.close()


def _guids(path: Path) -> set[str]:
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    return {e.get("guid") for e in root.iter() if e.get("guid")}


def test_import_twice_adds_nothing(store, tmp_path: Path) -> None:
    build_coded_project(store)
    export_project(store, tmp_path / "out.qdpx")
    other = open_store(tmp_path / "other.db")
    try:
        import_file(other, tmp_path / "out.qdpx")
        counts = table_counts(other)
        again = import_file(other, tmp_path / "out.qdpx")
        assert again.nothing_added
        assert table_counts(other) == counts
    finally:
        other.close()
    # Importing a project's own export into itself adds nothing either.
    counts = table_counts(store)
    assert import_file(store, tmp_path / "out.qdpx").nothing_added
    assert table_counts(store) == counts


def test_codebook_round_trip_keeps_ids_and_criteria(store, tmp_path: Path) -> None:
    build_coded_project(store)
    export_codebook(store, tmp_path / "book.qdc")
    book = read_qdc(tmp_path / "book.qdc")
    assert [(t.id, t.name, t.parent_id, t.description, t.inclusion, t.exclusion, t.examples,
             t.color, t.codable) for t in book.themes] == [
        (t.id, t.name, t.parent_id, t.description, t.inclusion, t.exclusion, t.examples,
         t.color, t.codable) for t in store.themes()]
    assert book.name == "book" and book.patterns == ()


def test_taguette_codebook_with_empty_sets(store) -> None:
    report = import_file(store, FIXTURES / "taguette.qdc")
    assert "empty <Sets/> ignored" in report.warnings
    themes = {t.id: t for t in store.themes()}
    assert set(themes) == {"interesting", "people", "job-titles-go-to-person"}
    assert themes["people"].color == "#77bbff"  # #RGB widened
    assert themes["job-titles-go-to-person"].name == "Job titles & go-to person"
    assert themes["interesting"].description == "Further review required"
    assert store.theme_guid("people") == "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f902"


def test_maxqda_codebook_braces_alpha_colours_and_sets(store) -> None:
    report = import_file(store, FIXTURES / "maxqda.qdc")
    themes = {t.id: t for t in store.themes()}
    assert themes["leadership"].codable is False
    assert themes["leadership"].color == "#336699"  # #RRGGBBAA without its alpha
    assert themes["mandate"].color == "#FF0000" and themes["mandate"].parent_id == "leadership"
    assert themes["secret-weapon"].color == "#00ff00"
    assert store.theme_guid("mandate") == "6a1b0000-aaaa-4bbb-8ccc-000000000002"
    # Both MemberCode forms resolve (no "names no code" warning).
    assert not [w for w in report.warnings if "names no code" in w]
    book = read_qdc(FIXTURES / "maxqda.qdc")
    assert [t.id for t in book.themes] == ["leadership", "mandate", "secret-weapon"]
    assert read_qdc_guids(FIXTURES / "maxqda.qdc")["mandate"] == \
        "6a1b0000-aaaa-4bbb-8ccc-000000000002"


def test_atlas_trial_qde_sources_folder_and_namespace_typo(store, tmp_path: Path) -> None:
    report = import_file(store, zip_fixture("atlas", tmp_path / "atlas.qdpx"))
    assert report.mismatches == []
    assert "empty <Notes/> ignored" in report.warnings
    assert not [w for w in report.warnings if "namespace" in w]  # 1:0 is known
    [info] = store.transcripts()
    # ATLAS.ti names it after its file; stored as `qcahp import` names it (session 24).
    assert info.name == "Rémi" and info.guid == "b3c2a1d0-1111-4222-8333-444455556666"
    codings = store.codings()
    assert [(c.theme_id, c.coder, c.quote) for c in codings] == [
        ("relationships-across-professions", "Rémi's coder",
         "A mentor 🧑\u200d🏫 who broke down barriers between professions"),
        ("go-to-person", "Rémi's coder", "the go-to person"),
    ]
    text = store.transcript_text(info.id)
    assert all(text[c.start:c.end] == c.quote for c in codings)
    assert store.themes()[0].color == "#2CA02C"
    assert {g for (g,) in store.conn.execute("SELECT guid FROM coders")} == {
        "ab000000-0000-4000-8000-0000000000a1"}


def test_nvivo_utf16_offsets_bom_crlf_emoji(store, tmp_path: Path) -> None:
    report = import_file(store, zip_fixture("nvivo", tmp_path / "nvivo.qdpx"))
    [info] = store.transcripts()
    text = store.transcript_text(info.id)
    assert "\r" not in text and not text.startswith("\ufeff")
    assert text == unicodedata.normalize("NFC", text) and "Café talk" in text
    got = sorted((c.quote, c.theme_id) for c in store.codings())
    assert got == sorted([
        ("it was luck", "serendipity"),
        ("I never planned a career in management", "serendipity"),
        ("I never planned a career in management", "career-route"),
        ("listens to AHPs now", "board-mandate"),
        ("mostly", "board-mandate"),  # no name: placed with the unit the others used
        ("Café talk", "career-route"),  # decomposed accent in file, NFC here
    ])
    for coding in store.codings():
        assert text[coding.start:coding.end] == coding.quote
    assert report.units == {"utf16": 5}
    # The selection whose quote does not match is reported and not stored.
    assert len(report.mismatches) == 1 and "the board ignores us" in report.mismatches[0]
    assert not [c for c in store.codings() if c.guid == "c0d10000-0000-4000-8000-000000000007"]
    luck = next(c for c in store.codings() if c.quote == "it was luck")
    assert luck.memo == "Luck again 🍀 - compare with P03." and luck.coder == "Sam Researcher"
    assert store.participants() == {"Sam": {"Profession": "Speech and language therapist",
                                            "Years qualified": "22"}}
    assert info.participant == "Sam"
    assert [t.parent_id for t in store.themes()] == [None, "career-route", None]


def test_qualcoder_no_namespace_inline_and_relative_sources(store, tmp_path: Path) -> None:
    report = import_file(store, zip_fixture("qualcoder", tmp_path / "qc.qdpx"),
                         default_coder="lead")
    assert report.mismatches == []
    names = {t.name: t for t in store.transcripts()}
    assert set(names) == {"Dee part 1", "Dee part 2"}
    # The labels are taken out of the text into the turns (they used to stay in the
    # text). "Dee:" opens the line after "Interviewer: ...", one turn per line: Dee
    # answers, and ``qcahp import`` of the same text reads Dee as a speaker, so a REFI
    # import must too (it once kept "Dee: ..." as the interviewer's speech because Dee
    # speaks only once, and the same words then had two readings in one project).
    dee2 = names["Dee part 2"].id
    assert store.transcript_text(dee2) == ("And improvement work?\n\n"
                                           "I lead the transformation programme.")
    assert [(t.speaker, t.role, t.start, t.end) for t in store.turns(dee2)] == [
        ("Interviewer", "interviewer", 0, 21), ("Dee", "participant", 23, 59)]
    dee1 = names["Dee part 1"].id
    assert [(t.speaker, t.role) for t in store.turns(dee1)] == [
        ("Interviewer", "interviewer"), ("Dee", "participant")]
    assert [(c.theme_id, c.quote) for c in store.codings()] == [
        ("innovation-shared", "We share our innovations"),
        ("improvement-work", "I lead the transformation programme"),
    ]
    assert store.memo("lee", "theme", "innovation-shared") == "Check with the board papers."
    # A note with no creating user goes to the default coder.
    assert store.memo("lead", "transcript", names["Dee part 1"].id) == "Recorded on site."
    assert {t.color for t in store.themes()} == {"#ff8800", "#0088ff"}
    assert [line for line in report.not_imported if "set" in line] == [
        "1 set ('Paper'): there are no sets of codes or documents here"]


@pytest.mark.parametrize("fixture", ["atlas", "nvivo", "qualcoder"])
def test_each_fixture_twice_adds_nothing(store, tmp_path: Path, fixture: str) -> None:
    path = zip_fixture(fixture, tmp_path / f"{fixture}.qdpx")
    import_file(store, path)
    counts = table_counts(store)
    assert import_file(store, path).nothing_added
    assert table_counts(store) == counts


def test_coder_map(store, tmp_path: Path) -> None:
    store.ensure_coder("sam")
    import_file(store, zip_fixture("nvivo", tmp_path / "n.qdpx"),
                coder_map={"Sam Researcher": "sam"})
    assert store.coders() == ["sam"]
    assert {c.coder for c in store.codings()} == {"sam"}


def test_same_source_name_other_text_refused_atomically(store, tmp_path: Path) -> None:
    folder = tmp_path / "qc"
    import shutil

    shutil.copytree(FIXTURES / "qualcoder", folder)
    original = zip_fixture("qualcoder", tmp_path / "qc.qdpx")
    import_file(store, original)
    counts = table_counts(store)
    # A second file: a new source first (would be added), then "Dee part 1" with new text.
    qde = (folder / "project.qde").read_text(encoding="utf-8")
    qde = qde.replace('<TextSource guid="0a000000-0000-4000-8000-0000000000a1"',
                      '<TextSource guid="0a000000-0000-4000-8000-0000000000a9" name="Extra">'
                      "<PlainTextContent>Brand new text.</PlainTextContent></TextSource>"
                      '<TextSource guid="0a000000-0000-4000-8000-0000000000a3"')
    (folder / "project.qde").write_text(qde, encoding="utf-8")
    (folder / "sources" / "dee.txt").write_text("Dee: changed text.\n", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "changed.qdpx", "w") as archive:
        for path in folder.rglob("*"):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    with pytest.raises(UserError, match="Dee part 1"):
        import_file(store, tmp_path / "changed.qdpx")
    assert table_counts(store) == counts  # "Extra" was not half-imported
    report = import_file(store, tmp_path / "changed.qdpx", new_version=True)
    assert report.added["transcripts"] == 2
    assert store.transcript("Dee part 1").version == 2


def test_read_qdc_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdc"
    bad.write_text("<CodeBook><Codes>", encoding="utf-8")
    with pytest.raises(CodebookError, match="bad.qdc: not well-formed XML"):
        read_qdc(bad)
    empty = tmp_path / "empty.qdc"
    empty.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    with pytest.raises(CodebookError, match="no codes"):
        read_qdc(empty)
    with pytest.raises(CodebookError, match="cannot read"):
        read_qdc(tmp_path / "missing.qdc")
    with pytest.raises(CodebookError, match="entities"):
        read_qdc(FIXTURES / "billion_laughs.qdc")


def test_codings_may_use_codes_the_project_already_has(store, tmp_path: Path) -> None:
    import_file(store, FIXTURES / "taguette.qdc")
    qde = tmp_path / "codings-only.qde"
    qde.write_text(
        '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources>'
        '<TextSource guid="11111111-0000-4000-8000-000000000001" name="Short">'
        "<PlainTextContent>Ann: People matter most.</PlainTextContent>"
        '<PlainTextSelection guid="11111111-0000-4000-8000-000000000002" name="People" '
        'startPosition="5" endPosition="11"><Coding guid="11111111-0000-4000-8000-000000000003">'
        '<CodeRef targetGUID="{2B3C4D5E-6F70-4182-93A4-B5C6D7E8F902}"/></Coding>'
        "</PlainTextSelection>"
        '<PlainTextSelection guid="11111111-0000-4000-8000-000000000004" name="matter" '
        'startPosition="12" endPosition="18"><Coding guid="11111111-0000-4000-8000-000000000005">'
        '<CodeRef targetGUID="99999999-0000-4000-8000-000000000009"/></Coding>'
        "</PlainTextSelection></TextSource></Sources></Project>", encoding="utf-8")
    report = import_file(store, qde)
    assert [(c.theme_id, c.quote, c.coder) for c in store.codings()] == [
        ("people", "People", "imported")]
    assert any("its code is in neither the file nor this project" in w for w in report.warnings)


def test_utf16_and_cp1252_sources(store, tmp_path: Path) -> None:
    qde = (FIXTURES / "qualcoder" / "project.qde").read_bytes()
    text = (FIXTURES / "qualcoder" / "sources" / "dee.txt").read_text(encoding="utf-8")
    for encoding, warned in (("utf-16", False), ("cp1252", True)):
        path = tmp_path / f"{encoding}.qdpx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("project.qde", qde)
            archive.writestr("sources/dee.txt", (text + "Caf\u00e9.\n").encode(encoding))
        other = open_store(tmp_path / f"{encoding}.db")
        try:
            report = import_file(other, path)
            # Stored without the labels (and the trailing line end); "Dee:" on the
            # line after the interviewer's is a speaker, as ``qcahp import`` reads it.
            assert other.transcript_text(other.transcript("Dee part 1").id) == \
                text.removeprefix("Interviewer: ").replace("\nDee: ", "\n\n") + "Café."
            assert any("not UTF-8" in w for w in report.warnings) is warned
            assert report.mismatches == []
        finally:
            other.close()


def test_encoded_path_source_attributes_and_coding_without_guid(store, tmp_path: Path) -> None:
    qde = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>'
        '<Code guid="22222222-0000-4000-8000-000000000001" name="One" isCodable="true"/>'
        '<Code guid="22222222-0000-4000-8000-000000000002" name="Two" isCodable="true"/>'
        "</Codes></CodeBook><Sources>"
        '<TextSource guid="22222222-0000-4000-8000-000000000003" name="My Interview" '
        'plainTextPath="internal://My%20Interview.txt">'
        '<PlainTextSelection guid="22222222-0000-4000-8000-000000000004" name="Hello" '
        'startPosition="0" endPosition="5">'
        '<Coding><CodeRef targetGUID="22222222-0000-4000-8000-000000000001"/></Coding>'
        '<Coding><CodeRef targetGUID="22222222-0000-4000-8000-000000000002"/></Coding>'
        "</PlainTextSelection>"
        '<VariableValue><VariableRef targetGUID="22222222-0000-4000-8000-000000000005"/>'
        "<TextValue>x</TextValue></VariableValue></TextSource></Sources></Project>")
    path = tmp_path / "enc.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/My Interview.txt", "Hello world.\n")
    report = import_file(store, path)
    assert sorted(c.theme_id for c in store.codings()) == ["one", "two"]
    assert len({c.guid for c in store.codings()}) == 2
    # The source's own variable names no Variable of the file: nothing to keep (its
    # participant, named as qcahp import names one, has no attributes: session 24).
    assert store.participants() == {"My Interview": {}}
    assert import_file(store, path).nothing_added


def _unnamed_project(origin: str, named_first_source: bool) -> str:
    """Two CRLF + emoji sources; only the first may have a quoted selection."""
    def source(n: int, named: bool) -> str:
        quote = ' name="luck"' if named else ""
        return (f'<TextSource guid="66666666-0000-4000-8000-00000000000{n}" name="S{n}" '
                f'plainTextPath="internal://s{n}.txt">'
                f'<PlainTextSelection guid="77777777-0000-4000-8000-00000000000{n}"{quote} '
                'startPosition="17" endPosition="21">'
                f'<Coding guid="88888888-0000-4000-8000-00000000000{n}">'
                '<CodeRef targetGUID="99999999-0000-4000-8000-000000000001"/></Coding>'
                "</PlainTextSelection></TextSource>")
    return (f'<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">'
            '<CodeBook><Codes><Code guid="99999999-0000-4000-8000-000000000001" name="L" '
            'isCodable="true"/></Codes></CodeBook><Sources>'
            f"{source(1, named_first_source)}{source(2, False)}</Sources></Project>")


@pytest.mark.parametrize(("origin", "named", "expected"), [
    ("NVivo 14", False, "luck"),         # no quotes at all: NVivo is known to count UTF-16
    ("SomeTool 1.0", True, "luck"),      # the file's quotes showed UTF-16
    ("SomeTool 1.0", False, "ck.\n"),    # nothing to go on: code points
])
def test_selections_without_quotes(store, tmp_path: Path, origin, named, expected) -> None:
    text = "A: \U0001F600\r\nB: it was luck.\r\n"  # "luck" is at UTF-16 [17, 21)
    path = tmp_path / "unnamed.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", _unnamed_project(origin, named))
        archive.writestr("sources/s1.txt", text.encode("utf-8"))
        archive.writestr("sources/s2.txt", (text + "x").encode("utf-8"))
    report = import_file(store, path)
    quotes = {store.transcript(c.transcript_id).name: c.quote for c in store.codings()}
    assert quotes["S2"] == expected
    assert report.unchecked == (1 if named else 2)
