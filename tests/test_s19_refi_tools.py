"""REFI-QDA files written by hand the way NVivo, ATLAS.ti, MAXQDA and QualCoder write
them, imported as a researcher would, checked, and exported back (session 19).

Each test covers one thing the import lost or got wrong before: a zip with a top
folder, what a text tool cannot bring in named one line per kind, MAXQDA's document
variables, ATLAS.ti's quotation comments, quotes with raw line breaks in their
``name`` attribute, and NVivo's variable types on the way back.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.refi import export_project, import_file
from tests.test_refi_import import table_counts
from tests.test_refi_support import validate_both

NS = "{urn:QDA-XML:project:1.0}"
SAM = "A1B2C3D4-0000-4000-8000-000000000001"
KIM = "{A1B2C3D4-0000-4000-8000-000000000002}"


def qdpx(path: Path, entries: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def u16(text: str, quote: str) -> tuple[int, int]:
    """NVivo's offsets of ``quote``: UTF-16 code units (an emoji counts two, CRLF two)."""
    start = text.index(quote)
    return (len(text[:start].encode("utf-16-le")) // 2,
            len(text[:start + len(quote)].encode("utf-16-le")) // 2)


def cp(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def selection(n: int, quote: str | None, span: tuple[int, int], code: int,
              user: str | None = SAM, inner: str = "") -> str:
    name = f' name="{quote}"' if quote is not None else ""
    who = f' creatingUser="{user}"' if user else ""
    return (f'<PlainTextSelection guid="5E100000-0000-4000-8000-0000000000{n:02d}"{name} '
            f'startPosition="{span[0]}" endPosition="{span[1]}"{who}>{inner}'
            f'<Coding guid="C0D10000-0000-4000-8000-0000000000{n:02d}"{who}>'
            f'<CodeRef targetGUID="C0DE0000-0000-4000-8000-0000000000{code:02d}"/></Coding>'
            "</PlainTextSelection>")


# NVivo: a BOM and CRLF, an emoji and a non-BMP letter, UTF-16 offsets, a selection
# that ends at the very end of the text, a .docx source with its converted text, deep
# codes, variables of every type, notes on a code, a source and a selection, and what
# a text tool cannot take: PDF, audio and picture sources, sets, a project memo.
AMIRA = ("Interviewer: How did you get here?\r\nAmira: Honestly 😀 it was luck.\r\n"
         "Interviewer: And the board?\r\nAmira: The board 🤝 listens now. I lead 𝒜ll of it")
BEN = "Interviewer: What changed?\nBen: Everything changed when the trust merged."
VALUES = (("Profession", "Text", "Paramedic"), ("On board", "Boolean", "true"),
          ("Years", "Integer", "22"), ("FTE", "Float", "0.8"),
          ("Interviewed", "Date", "2024-02-29"),
          ("Recorded", "DateTime", "2024-02-29T14:30:00+00:00"))


LUCK_NOTE = '<NoteRef targetGUID="A07E0000-0000-4000-8000-000000000002"/>'


def _variables() -> tuple[str, str]:
    declared = "".join(f'<Variable guid="7A000000-0000-4000-8000-00000000000{i}" name="{n}" '
                       f'typeOfVariable="{t}"/>' for i, (n, t, _) in enumerate(VALUES))
    values = "".join(f'<VariableValue><VariableRef targetGUID="7A000000-0000-4000-8000-'
                     f'00000000000{i}"/><{t}Value>{v}</{t}Value></VariableValue>'
                     for i, (_, t, v) in enumerate(VALUES))
    return declared, values


def nvivo_qde() -> str:
    declared, values = _variables()
    return f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Leadership (NVivo)" origin="NVivo 14.23.0">
 <Users><User guid="{SAM}" name="Sam Researcher"/><User guid="{KIM}" name="Kim Analyst"/></Users>
 <CodeBook><Codes>
  <Code guid="C0DE0000-0000-4000-8000-000000000001" name="Career" isCodable="false"
        color="#1F77B4"><Description>Everything about careers.</Description>
   <NoteRef targetGUID="A07E0000-0000-4000-8000-000000000001"/>
   <Code guid="C0DE0000-0000-4000-8000-000000000002" name="Routes" isCodable="true">
    <Code guid="C0DE0000-0000-4000-8000-000000000003" name="Chance" isCodable="true">
     <Code guid="C0DE0000-0000-4000-8000-000000000004" name="Luck" isCodable="true">
      <Code guid="C0DE0000-0000-4000-8000-000000000005" name="Pure luck" isCodable="true"
            color="#D62728"/>
     </Code></Code></Code></Code>
  <Code guid="C0DE0000-0000-4000-8000-000000000006" name="Board" isCodable="true"/>
 </Codes></CodeBook>
 <Variables>{declared}</Variables>
 <Cases>
  <Case guid="CA5E0000-0000-4000-8000-000000000001" name="Amira">{values}
   <SourceRef targetGUID="7A4E2C10-9B1D-4F2E-8C3A-5D6E7F801234"/></Case>
  <Case guid="CA5E0000-0000-4000-8000-000000000002" name="Ben">
   <SourceRef targetGUID="D0C00000-0000-4000-8000-000000000001"/></Case>
  <Case guid="CA5E0000-0000-4000-8000-000000000003" name="Focus group speaker">
   <SelectionRef targetGUID="5E100000-0000-4000-8000-000000000001"/></Case>
 </Cases>
 <Sources>
  <TextSource guid="7A4E2C10-9B1D-4F2E-8C3A-5D6E7F801234" name="Amira interview"
      plainTextPath="internal://7A4E2C10-9B1D-4F2E-8C3A-5D6E7F801234.txt">
   {selection(1, "it was luck", u16(AMIRA, "it was luck"), 5, inner=LUCK_NOTE)}
   {selection(2, "The board 🤝 listens", u16(AMIRA, "The board 🤝 listens"), 6, KIM)}
   {selection(3, "I lead 𝒜ll of it", u16(AMIRA, "I lead 𝒜ll of it"), 6, KIM)}
   <NoteRef targetGUID="A07E0000-0000-4000-8000-000000000003"/>
  </TextSource>
  <TextSource guid="D0C00000-0000-4000-8000-000000000001" name="Ben interview"
      richTextPath="internal://D0C00000-0000-4000-8000-000000000001.docx"
      plainTextPath="internal://D0C00000-0000-4000-8000-000000000001.txt">
   {selection(4, "Everything changed", cp(BEN, "Everything changed"), 2)}
  </TextSource>
  <PDFSource guid="0DF00000-0000-4000-8000-000000000001" name="Policy paper"
      path="internal://0DF00000-0000-4000-8000-000000000001.pdf">
   <PDFSelection guid="0DF00000-0000-4000-8000-000000000011" page="2" firstX="10"
       firstY="10" secondX="200" secondY="80">
    <Coding guid="C0D10000-0000-4000-8000-000000000011">
     <CodeRef targetGUID="C0DE0000-0000-4000-8000-000000000006"/></Coding>
   </PDFSelection>
  </PDFSource>
  <AudioSource guid="A0D10000-0000-4000-8000-000000000001" name="Focus group recording"/>
  <PictureSource guid="B1C00000-0000-4000-8000-000000000001" name="Org chart"/>
  <PictureSource guid="B1C00000-0000-4000-8000-000000000002" name="Whiteboard"/>
 </Sources>
 <Notes>
  <Note guid="A07E0000-0000-4000-8000-000000000001" name="About careers" creatingUser="{SAM}">
   <PlainTextContent>Code memo on Career.</PlainTextContent></Note>
  <Note guid="A07E0000-0000-4000-8000-000000000002" name="Annotation" creatingUser="{SAM}">
   <PlainTextContent>Luck again 🍀.</PlainTextContent></Note>
  <Note guid="A07E0000-0000-4000-8000-000000000003" name="Interview notes" creatingUser="{KIM}"
      plainTextPath="internal://A07E0000-0000-4000-8000-000000000003.txt"/>
  <Note guid="A07E0000-0000-4000-8000-000000000004" name="Project journal" creatingUser="{SAM}">
   <PlainTextContent>Started coding in March.</PlainTextContent></Note>
 </Notes>
 <Sets>
  <Set guid="5E700000-0000-4000-8000-000000000001" name="Leaders">
   <MemberSource targetGUID="7A4E2C10-9B1D-4F2E-8C3A-5D6E7F801234"/></Set>
  <Set guid="5E700000-0000-4000-8000-000000000002" name="Key codes">
   <MemberCode targetGUID="C0DE0000-0000-4000-8000-000000000006"/></Set>
 </Sets>
 <NoteRef targetGUID="A07E0000-0000-4000-8000-000000000004"/>
</Project>'''


def nvivo(tmp_path: Path) -> Path:
    return qdpx(tmp_path / "nvivo.qdpx", {
        "project.qde": nvivo_qde(),
        "sources/7A4E2C10-9B1D-4F2E-8C3A-5D6E7F801234.txt":
            b"\xef\xbb\xbf" + AMIRA.encode("utf-8"),
        "sources/D0C00000-0000-4000-8000-000000000001.txt": BEN,
        "sources/D0C00000-0000-4000-8000-000000000001.docx": b"PK\x03\x04 not read",
        "sources/0DF00000-0000-4000-8000-000000000001.pdf": b"%PDF-1.4 not read",
        "sources/A07E0000-0000-4000-8000-000000000003.txt": "Recorded at the trust.\r\n"})


def _cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_nvivo_project_names_what_a_text_tool_cannot_take(tmp_path: Path) -> None:
    """PDF, audio and picture sources, sets, a project memo and a case made of a
    selection are each named in one line per kind, with the codings they held; the
    text, codings, memos and attributes are all there."""
    result = _cli("refi", "import", str(nvivo(tmp_path)))
    assert result.exit_code == 0, result.output
    assert ("Imported " + str(tmp_path / "nvivo.qdpx") + " (project): 6 themes, 2 coders, "
            "2 transcripts, 4 codings, 3 memos, 3 participants, 6 attributes.") in result.stdout
    said = [line for line in result.stderr.splitlines() if line.startswith("Not imported")]
    assert said == [
        "Not imported: 1 note on the whole project ('Project journal'): memos here are on "
        "themes, transcripts, codings and framework cells.",
        "Not imported: 1 case made of parts of sources (SelectionRef) ('Focus group "
        "speaker'): a participant here has whole transcripts.",
        "Not imported: 2 sets ('Leaders', 'Key codes'): there are no sets of codes or "
        "documents here.",
        "Not imported: 1 PDF source ('Policy paper'), with its 1 coding: only text sources "
        "can be coded here.",
        "Not imported: 1 audio source ('Focus group recording'): only text sources can be "
        "coded here.",
        "Not imported: 2 picture sources ('Org chart', 'Whiteboard'): only text sources can "
        "be coded here.",
    ]
    assert "Mismatch" not in result.output
    store = open_store(tmp_path / "qcahp.db")
    try:
        quotes = sorted((c.quote, c.theme_id, c.coder) for c in store.codings())
        assert quotes == [("Everything changed", "routes", "Sam Researcher"),
                          ("I lead 𝒜ll of it", "board", "Kim Analyst"),  # at the very end
                          ("The board 🤝 listens", "board", "Kim Analyst"),
                          ("it was luck", "pure-luck", "Sam Researcher")]
        assert [(t.id, t.parent_id) for t in store.themes()][:5] == [
            ("career", None), ("routes", "career"), ("chance", "routes"), ("luck", "chance"),
            ("pure-luck", "luck")]
        assert store.participants()["Amira"] == {n: v for n, _, v in VALUES}
        assert store.memo("Sam Researcher", "theme", "career") == "Code memo on Career."
        luck = next(c for c in store.codings() if c.quote == "it was luck")
        assert luck.memo == "Luck again 🍀."
        amira = store.transcript("Amira interview")
        assert store.memo("Kim Analyst", "transcript", amira.id) == "Recorded at the trust."
        assert amira.participant == "Amira"
    finally:
        store.close()


def test_zip_with_a_top_folder(tmp_path: Path) -> None:
    """A .qdpx unpacked and zipped again by hand has its files in one top folder
    (and a __MACOSX folder beside it on a Mac): it was refused as having no project."""
    text = "I: Tell me about your role.\r\nR: I run the AHP council. 🚑 It took years."
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="Trial" origin="ATLAS.ti 23.2">'
           '<CodeBook><Codes><Code guid="C0DE0000-0000-4000-8000-000000000002" name="Councils" '
           'isCodable="true"/></Codes></CodeBook><Sources>'
           '<TextSource guid="B3C2A1D0-1111-4222-8333-444455556666" name="Council lead" '
           'plainTextPath="internal://B3C2A1D0-1111-4222-8333-444455556666.txt">'
           f'{selection(1, "🚑 It took years", cp(text, "🚑 It took years"), 2, None)}'
           "</TextSource></Sources></Project>")
    path = qdpx(tmp_path / "atlas.qdpx", {
        "Trial Project/Trial.qde": qde,
        "Trial Project/sources/B3C2A1D0-1111-4222-8333-444455556666.txt": text,
        "__MACOSX/Trial Project/._Trial.qde": b"\x00\x05\x16\x07"})
    result = _cli("refi", "import", str(path))
    assert result.exit_code == 0, result.output
    store = open_store(tmp_path / "qcahp.db")
    try:
        assert [c.quote for c in store.codings()] == ["🚑 It took years"]
        assert [t.name for t in store.transcripts()] == ["Council lead"]
    finally:
        store.close()


ATLAS_TEXT = "I: Tell me about your role.\r\nR: I run the AHP council.\r\nI: Thanks."


def test_atlas_quotation_comment_becomes_the_coding_memo(store, tmp_path: Path) -> None:
    """ATLAS.ti writes a quotation's comment as the selection's Description: it was
    dropped without a word."""
    comment = "<Description>A formal role.\r\nSee the council minutes.</Description>"
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="Trial" origin="ATLAS.ti 23.2">'
           f'<Users><User guid="{SAM}" name="Admin"/></Users>'
           '<CodeBook><Codes><Code guid="C0DE0000-0000-4000-8000-000000000002" name="Councils" '
           'isCodable="true"/></Codes></CodeBook><Sources>'
           '<TextSource guid="B3C2A1D0-1111-4222-8333-444455556666" name="Council lead" '
           'plainTextPath="internal://B3C2A1D0-1111-4222-8333-444455556666.txt">'
           + selection(1, "I run the AHP council", cp(ATLAS_TEXT, "I run the AHP council"), 2,
                       inner=comment)
           + "</TextSource></Sources></Project>")
    path = qdpx(tmp_path / "atlas.qdpx", {
        "Trial.qde": qde, "sources/B3C2A1D0-1111-4222-8333-444455556666.txt": ATLAS_TEXT})
    report = import_file(store, path)
    [coding] = store.codings()
    assert report.added["memos"] == 1
    assert store.memo("Admin", "coding", coding.id) == ("A formal role.\n"
                                                        "See the council minutes.")
    counts = table_counts(store)
    assert import_file(store, path).nothing_added and table_counts(store) == counts


def test_maxqda_document_variables_become_participant_attributes(store,
                                                                 tmp_path: Path) -> None:
    """MAXQDA keeps attributes as document variables (VariableValue on the source) and
    writes no cases: they were skipped, and counts by attribute had nothing to use."""
    text = "Q: What do you lead?\nA: The therapies service.\nQ: And?\nA: It's fine"
    qde = f'''<Project xmlns="urn:QDA-XML:project:1.0" name="Study" origin="MAXQDA 2022">
 <CodeBook><Codes><Code guid="C0DE0000-0000-4000-8000-000000000001" name="Services"
   isCodable="true"/></Codes></CodeBook>
 <Variables>
  <Variable guid="9B000000-0000-4000-8000-000000000001" name="Gender" typeOfVariable="Text"/>
  <Variable guid="9B000000-0000-4000-8000-000000000002" name="Age" typeOfVariable="Integer"/>
 </Variables>
 <Sources><TextSource guid="ABCDEF00-0000-4000-8000-000000000001" name="Interview 3">
  <PlainTextContent>{text}</PlainTextContent>
  {selection(1, None, cp(text, "The therapies service"), 1)}
  <VariableValue><VariableRef targetGUID="9B000000-0000-4000-8000-000000000001"/>
   <TextValue>female</TextValue></VariableValue>
  <VariableValue><VariableRef targetGUID="9B000000-0000-4000-8000-000000000002"/>
   <IntegerValue>47</IntegerValue></VariableValue>
 </TextSource></Sources></Project>'''
    path = qdpx(tmp_path / "maxqda.qdpx", {"project.qde": qde})
    report = import_file(store, path)
    assert store.participants() == {"Interview 3": {"Gender": "female", "Age": "47"}}
    assert [(t.name, t.participant) for t in store.transcripts()] == [
        ("Interview 3", "Interview 3")]
    assert [c.quote for c in store.codings()] == ["The therapies service"]
    assert report.notices == [
        "Source 'Interview 3': its variables (Gender, Age) are kept as attributes of "
        "participant 'Interview 3' (attributes here belong to participants)."]
    assert report.warnings == []  # information, not a warning
    counts = table_counts(store)
    assert import_file(store, path).nothing_added and table_counts(store) == counts


def test_quote_with_a_raw_line_break_in_its_attribute(store, tmp_path: Path) -> None:
    """A tool that writes the selected text into ``name`` without escaping its line
    break: XML reads it as a space, and the selection was refused as a mismatch."""
    text = "Dee: I lead the programme.\r\nAnd the\r\nimprovement work."
    start, end = text.index("And the"), len(text)
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="qc" origin="QualCoder 3.5">'
           '<CodeBook><Codes><Code guid="C0DE0000-0000-4000-8000-000000000001" name="Work" '
           'isCodable="true"/></Codes></CodeBook><Sources>'
           '<TextSource guid="0D0D0D0D-0000-4000-8000-000000000001" name="Dee" '
           'plainTextPath="internal://dee.txt">'
           + selection(1, text[start:end], (start, end), 1)
           + "</TextSource></Sources></Project>")
    report = import_file(store, qdpx(tmp_path / "qc.qdpx", {"project.qde": qde,
                                                             "sources/dee.txt": text}))
    assert report.mismatches == []
    assert [c.quote for c in store.codings()] == ["And the\nimprovement work."]


def test_variable_types_go_back_out(tmp_path: Path) -> None:
    """NVivo's Boolean, Integer, Float, Date and DateTime variables came back as Text,
    so NVivo could no longer sort or filter its cases by them."""
    store = open_store(tmp_path / "in.db")
    try:
        import_file(store, nvivo(tmp_path))
        export_project(store, tmp_path / "back.qdpx")
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "back.qdpx") as archive:
        qde = archive.read("project.qde")
    validate_both(qde, "Project.xsd")
    root = etree.fromstring(qde)
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iter(f"{NS}Variable")}
    assert types == {name: kind for name, kind, _ in VALUES}
    amira = next(c for c in root.iter(f"{NS}Case") if c.get("name") == "Amira")
    assert sorted(v[1].tag.removeprefix(NS) for v in amira.iter(f"{NS}VariableValue")) == \
        sorted(f"{kind}Value" for _, kind, _ in VALUES)


def test_a_file_of_only_pdf_and_audio_says_so(tmp_path: Path) -> None:
    """A project of PDFs and recordings was "nothing imported: the file holds no codes
    or sources", as if it were empty."""
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14"><Sources>'
           '<PDFSource guid="0DF00000-0000-4000-8000-000000000001" name="Policy paper"/>'
           '<AudioSource guid="0DF00000-0000-4000-8000-000000000002" name="Recording"/>'
           "</Sources></Project>")
    path = qdpx(tmp_path / "media.qdpx", {"project.qde": qde})
    result = _cli("refi", "import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{path}: nothing imported: the file holds no codes or text "
                             "sources (see what was not imported).\n")
    assert result.stderr == (
        "Not imported: 1 PDF source ('Policy paper'): only text sources can be coded here.\n"
        "Not imported: 1 audio source ('Recording'): only text sources can be coded here.\n")


def test_pdf_text_and_audio_transcript_come_in_as_transcripts(store, tmp_path: Path) -> None:
    """A PDF's text (its Representation) and a recording's Transcript are text a
    researcher codes: they were dropped with the PDF and the recording. Codings of
    page areas and time spans have no place in text, and are named."""
    paper = "Policy: AHP leaders sit on the board.\r\nThey report to the CEO 😀."
    spoken = "Interviewer: Hello.\nAmira: We meet 😀 every week."
    start, end = cp(spoken, "every week")
    code = '<Coding guid="C0D10000-0000-4000-8000-0000000000{n}"><CodeRef targetGUID=' \
           '"C0DE0000-0000-4000-8000-000000000001"/></Coding>'
    qde = f'''<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14">
<CodeBook><Codes><Code guid="C0DE0000-0000-4000-8000-000000000001" name="Board"
 isCodable="true"/></Codes></CodeBook>
<Cases><Case guid="CA5E0000-0000-4000-8000-000000000001" name="Amira">
 <SourceRef targetGUID="A0D10000-0000-4000-8000-000000000001"/></Case></Cases>
<Sources>
<PDFSource guid="0DF00000-0000-4000-8000-000000000001" name="Policy paper">
 <PDFSelection guid="0DF00000-0000-4000-8000-000000000011" page="1" firstX="1" firstY="1"
  secondX="2" secondY="2">{code.format(n=11)}</PDFSelection>
 <Representation guid="0DF00000-0000-4000-8000-000000000012"
  plainTextPath="internal://0DF00000-0000-4000-8000-000000000012.txt">
  {selection(12, "sit on the board", u16(paper, "sit on the board"), 1, None)}
 </Representation>
 <NoteRef targetGUID="A07E0000-0000-4000-8000-000000000001"/>
</PDFSource>
<AudioSource guid="A0D10000-0000-4000-8000-000000000001" name="Amira recording">
 <Transcript guid="A0D10000-0000-4000-8000-000000000002">
  <PlainTextContent>{spoken}</PlainTextContent>
  <SyncPoint guid="5F000000-0000-4000-8000-000000000001" timeStamp="1000" position="{start}"/>
  <SyncPoint guid="5F000000-0000-4000-8000-000000000002" timeStamp="3000" position="{end}"/>
  <TranscriptSelection guid="A0D10000-0000-4000-8000-000000000003" name="every week"
   fromSyncPoint="5F000000-0000-4000-8000-000000000001"
   toSyncPoint="5F000000-0000-4000-8000-000000000002">{code.format(n=13)}</TranscriptSelection>
 </Transcript>
 <AudioSelection guid="A0D10000-0000-4000-8000-000000000004" begin="0" end="500"
  >{code.format(n=14)}</AudioSelection>
</AudioSource>
</Sources>
<Notes><Note guid="A07E0000-0000-4000-8000-000000000001" name="n">
 <PlainTextContent>About the paper.</PlainTextContent></Note></Notes>
</Project>'''
    path = qdpx(tmp_path / "media.qdpx", {
        "project.qde": qde, "sources/0DF00000-0000-4000-8000-000000000012.txt": paper})
    report = import_file(store, path)
    assert report.mismatches == []
    shown = {t.name: t for t in store.transcripts()}
    assert sorted(shown) == ["Amira recording", "Policy paper"]
    assert shown["Amira recording"].participant == "Amira"
    assert sorted((store.transcript(c.transcript_id).name, c.quote)
                  for c in store.codings()) == [("Amira recording", "every week"),
                                                ("Policy paper", "sit on the board")]
    assert store.memo("imported", "transcript", shown["Policy paper"].id) == "About the paper."
    assert report.not_imported == [
        "1 PDF source whose text came in without its page areas ('Policy paper'), with its "
        "1 coding: an area of a page has no place in a transcript",
        "1 recording whose transcript came in without its time spans ('Amira recording'), "
        "with its 1 coding: a stretch of a recording has no place in a transcript"]
    counts = table_counts(store)
    assert import_file(store, path).nothing_added and table_counts(store) == counts


def test_descriptions_of_sources_become_memos_and_the_rest_are_named(store,
                                                                     tmp_path: Path) -> None:
    """NVivo's file description (a source's Description) was dropped without a word,
    as were the descriptions of cases, variables and the project, and codings inside a
    note."""
    text = "Interviewer: Hello.\nAmira: Hello to you."
    qde = f'''<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14">
<Users><User guid="{SAM}" name="Sam"/></Users>
<Variables><Variable guid="7A000000-0000-4000-8000-000000000001" name="Age"
 typeOfVariable="Integer"><Description>Age at interview</Description></Variable></Variables>
<Cases><Case guid="CA5E0000-0000-4000-8000-000000000001" name="Amira">
 <Description>Met at the conference.</Description>
 <SourceRef targetGUID="7A4E2C10-9B1D-4F2E-8C3A-5D6E7F801234"/></Case></Cases>
<Sources><TextSource guid="7A4E2C10-9B1D-4F2E-8C3A-5D6E7F801234" name="Amira interview"
  creatingUser="{SAM}"><Description>Recorded in the car park.\r\nNoisy.</Description>
 <PlainTextContent>{text}</PlainTextContent>
 <NoteRef targetGUID="A07E0000-0000-4000-8000-000000000001"/></TextSource></Sources>
<Notes><Note guid="A07E0000-0000-4000-8000-000000000001" name="Field note" creatingUser="{SAM}">
 <PlainTextContent>Seemed tired.</PlainTextContent>
 <PlainTextSelection guid="5E100000-0000-4000-8000-000000000009" startPosition="0"
  endPosition="6"><Coding guid="C0D10000-0000-4000-8000-000000000009"><CodeRef
  targetGUID="C0DE0000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection></Note>
</Notes><Description>A study of AHP leaders.</Description></Project>'''
    report = import_file(store, qdpx(tmp_path / "d.qdpx", {"project.qde": qde}))
    amira = store.transcript("Amira interview")
    # One coder's two notes on one transcript (its description and a linked memo) are
    # one memo here, as each coder has one memo on a transcript.
    assert store.memo("Sam", "transcript", amira.id) == ("Seemed tired.\n\n"
                                                         "Recorded in the car park.\nNoisy.")
    assert report.not_imported == [
        "1 note coded inside ('Field note'), with its 1 coding: memos here are not coded",
        "3 descriptions ('variable Age', 'the project', 'case Amira'): participants, "
        "attributes and projects have no descriptions here"]
    assert report.warnings == []
    counts = table_counts(store)
    assert import_file(store, tmp_path / "d.qdpx").nothing_added
    assert table_counts(store) == counts


def test_selections_without_guids_keep_every_coding(store, tmp_path: Path) -> None:
    """Selections and codings without the GUIDs the schema asks for: every coding of
    one code got the same derived GUID, and all but the first were dropped unsaid."""
    text = "A: one two three four five"
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>'
           '<Code guid="99999999-0000-4000-8000-000000000001" name="L" isCodable="true"/>'
           '</Codes></CodeBook><Sources><TextSource guid="66666666-0000-4000-8000-'
           f'000000000001" name="S"><PlainTextContent>{text}</PlainTextContent>'
           + "".join(f'<PlainTextSelection name="{word}" startPosition="{cp(text, word)[0]}" '
                     f'endPosition="{cp(text, word)[1]}"><Coding><CodeRef targetGUID='
                     '"99999999-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>'
                     for word in ("one", "three", "five"))
           + "</TextSource></Sources></Project>")
    path = qdpx(tmp_path / "noguid.qdpx", {"project.qde": qde})
    import_file(store, path)
    assert [c.quote for c in store.codings()] == ["one", "three", "five"]
    assert import_file(store, path).nothing_added


def test_two_sources_with_one_guid_keep_their_own_codings(store, tmp_path: Path) -> None:
    """Two sources sharing a GUID: the first one's coding was stored on the second's
    text, at the right offsets of the wrong words ("alpha" over "delta")."""
    def source(name: str, text: str, word: str, n: int) -> str:
        return (f'<TextSource guid="66666666-0000-4000-8000-000000000001" name="{name}">'
                f"<PlainTextContent>{text}</PlainTextContent>"
                + selection(n, word, cp(text, word), 1) + "</TextSource>")
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>'
           '<Code guid="C0DE0000-0000-4000-8000-000000000001" name="L" isCodable="true"/>'
           "</Codes></CodeBook><Sources>" + source("S1", "alpha beta gamma", "alpha", 1)
           + source("S2", "delta epsilon", "delta", 2) + "</Sources></Project>")
    report = import_file(store, qdpx(tmp_path / "dup.qdpx", {"project.qde": qde}))
    placed = {(store.transcript(c.transcript_id).name, c.quote,
               store.transcript_text(c.transcript_id)[c.start:c.end]) for c in store.codings()}
    assert placed == {("S1", "alpha", "alpha"), ("S2", "delta", "delta")}
    assert ("source 'S2': its GUID repeats that of source 'S1'; imported under a GUID of "
            "its own") in report.warnings


def test_offsets_are_said_in_the_unit_the_file_counts_in(store, tmp_path: Path) -> None:
    """ATLAS.ti counts code points over CRLF text. A selection before the first emoji
    matches UTF-16 (CRLF counts two there too) as well, and the import said "2 in crlf,
    1 in utf16" of a file that has no UTF-16 offsets at all."""
    text = ("I: Tell me about your role.\r\nR: I run the AHP council. 🚑 It took years.\r\n"
            "I: Thanks.\r\nR: My pleasure, truly")
    quotes = ("I run the AHP council", "🚑 It took years", "My pleasure, truly")
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="Trial" origin="ATLAS.ti 23.2">'
           '<CodeBook><Codes><Code guid="C0DE0000-0000-4000-8000-000000000001" name="Roles" '
           'isCodable="true"/></Codes></CodeBook><Sources>'
           '<TextSource guid="B3C2A1D0-1111-4222-8333-444455556666" name="Council lead" '
           'plainTextPath="internal://lead.txt">'
           + "".join(selection(n, q, cp(text, q), 1) for n, q in enumerate(quotes))
           + "</TextSource></Sources></Project>")
    report = import_file(store, qdpx(tmp_path / "atlas.qdpx", {
        "Trial.qde": qde, "sources/lead.txt": text}))
    assert report.units == {"crlf": 3}
    assert [c.quote for c in store.codings()] == list(quotes)


def test_a_project_made_from_a_file_keeps_its_name(tmp_path: Path) -> None:
    """Moved in from NVivo and sent back, the study was renamed after the database; a
    file imported into a study of one's own does not rename it."""
    made = open_store(tmp_path / "made.db")
    own = open_store(tmp_path / "own.db")
    try:
        import_file(made, nvivo(tmp_path))
        export_project(made, tmp_path / "back.qdpx")
        import_file(own, qdpx(tmp_path / "qc.qdpx", {"project.qde": (
            '<Project xmlns="urn:QDA-XML:project:1.0" name="Theirs"><Sources><TextSource '
            'guid="0D0D0D0D-0000-4000-8000-000000000001" name="Dee"><PlainTextContent>Hi.'
            "</PlainTextContent></TextSource></Sources></Project>")}))
        import_file(own, tmp_path / "back.qdpx")
        export_project(own, tmp_path / "own.qdpx")
    finally:
        made.close()
        own.close()
    names = []
    for path in ("back.qdpx", "own.qdpx"):
        with zipfile.ZipFile(tmp_path / path) as archive:
            names.append(etree.fromstring(archive.read("project.qde")).get("name"))
    assert names == ["Leadership (NVivo)", "Theirs"]
