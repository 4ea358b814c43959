"""REFI-QDA import, problems an import audit left (session 24): a source given only as a
Word file, and a source no case names.

Each test failed before its fix: a source with only a ``richTextPath`` (a ``.docx``) was
skipped with a warning; a source no case names got no participant, where ``qcahp
import`` names one after the file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.refi import import_file

SOURCE = "50000000-0000-4000-8000-000000000001"
PLAIN = "Interviewer: How did you start?\nHelen: I fell into it, and the board listened.\n"


def _docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _qdpx(path: Path, source_attrs: str, files: dict[str, bytes], *, cases: str = "",
          origin: str = "MAXQDA 2022") -> Path:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">
<Users><User guid="a1b2c3d4-0000-4000-8000-000000000001" name="ana"/></Users>
<CodeBook><Codes><Code guid="c0de0000-0000-4000-8000-000000000001" name="Board"
 isCodable="true" color="#F0E68C"/></Codes></CodeBook>{cases}
<Sources><TextSource guid="{SOURCE}" name="p03_helen" {source_attrs}>
<PlainTextSelection guid="5e100000-0000-4000-8000-000000000001" name="the board listened"
 startPosition="59" endPosition="77" creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
<Coding guid="c0d10000-0000-4000-8000-000000000001"
 creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
<CodeRef targetGUID="c0de0000-0000-4000-8000-000000000001"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        for name, data in files.items():
            archive.writestr(f"sources/{name}", data)
    return path


def test_a_source_given_only_as_a_word_file_is_read_as_qcahp_import_reads_one(
        tmp_path: Path) -> None:
    path = _qdpx(tmp_path / "rich.qdpx", f'richTextPath="internal://{SOURCE}.docx"',
                 {f"{SOURCE}.docx": _docx(["Interviewer: How did you start?",
                                           "Helen: I fell into it, and the board listened."])})
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "refi", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Imported {path} (project): 1 theme, 1 coder, "
                                    "1 transcript, 1 participant.")
    assert ("Not imported: 1 source whose text came from its document, without its "
            "codings' places ('p03_helen'), with its 1 coding: a coding's place counts "
            "characters of a plain text the file does not include.") in result.output
    assert result.stderr.endswith(f"Warning: source 'p03_helen': no plain text, only the document "
                             f"'internal://{SOURCE}.docx': its text is read from it as "
                             "`qcahp import` reads a document\n")
    with open_store(db) as store:
        (info,) = store.transcripts()
        text = store.transcript_text(info.id)
        assert text == "How did you start?\n\nI fell into it, and the board listened."
        assert [(t.speaker, t.role) for t in store.turns(info.id)] == [
            ("Interviewer", "interviewer"), ("Helen", "participant")]
        assert store.codings() == []
        assert info.participant == "p03_helen"


def test_a_plain_text_beside_the_word_file_is_still_the_text_coded(tmp_path: Path) -> None:
    path = _qdpx(tmp_path / "both.qdpx", f'richTextPath="internal://{SOURCE}.docx" '
                 f'plainTextPath="internal://{SOURCE}.txt"',
                 {f"{SOURCE}.docx": b"not read", f"{SOURCE}.txt": PLAIN.encode()})
    with open_store(tmp_path / "x.db") as store:
        report = import_file(store, path)
        assert [c.quote for c in store.codings()] == ["the board listened"]
        assert not any("document" in w for w in report.warnings)


def test_a_word_file_that_cannot_be_read_is_skipped_with_the_rest_imported(
        tmp_path: Path) -> None:
    for name, data, says in (
            (f"{SOURCE}.docx", b"PK\x03\x04 broken", "not a valid Word .docx file"),
            (f"{SOURCE}.pdf", b"%PDF-1.7\n", "is not a Word, OpenDocument or RTF file")):
        path = _qdpx(tmp_path / "bad.qdpx", f'richTextPath="internal://{name}"', {name: data})
        with open_store(tmp_path / f"{name}.db") as store:
            report = import_file(store, path)
            assert store.transcripts() == []
            assert [c.name for c in store.themes()] == ["Board"]
            (warning,) = [w for w in report.warnings if "p03_helen" in w]
            assert says in warning and warning.endswith("skipped, with its 1 coding"), warning


def test_a_source_no_case_names_is_its_own_participant(tmp_path: Path) -> None:
    path = _qdpx(tmp_path / "plain.qdpx", f'plainTextPath="internal://{SOURCE}.txt"',
                 {f"{SOURCE}.txt": PLAIN.encode()})
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "refi", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert ("Source 'p03_helen' has no case: it is the participant named as its transcript, "
            "as `qcahp import` names one after its file.") in result.stdout
    with open_store(db) as store:
        (info,) = store.transcripts()
        assert info.participant == "p03_helen"
        assert store.participants() == {"p03_helen": {}}
        assert import_file(store, path).nothing_added
    # A case of the file names its own participant, as before.
    cases = (f'<Cases><Case guid="ca5e0000-0000-4000-8000-000000000001" name="P03">'
             f'<SourceRef targetGUID="{SOURCE}"/></Case></Cases>')
    path = _qdpx(tmp_path / "cased.qdpx", f'plainTextPath="internal://{SOURCE}.txt"',
                 {f"{SOURCE}.txt": PLAIN.encode()}, cases=cases)
    with open_store(tmp_path / "cased.db") as store:
        import_file(store, path)
        assert [i.participant for i in store.transcripts()] == ["P03"]
        assert store.participants() == {"P03": {}}


def test_a_transcript_here_keeps_its_participant_and_gets_no_other(tmp_path: Path) -> None:
    (tmp_path / "p03_helen.txt").write_text(PLAIN, encoding="utf-8")
    db = tmp_path / "x.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db), "import", "--participant", "P03",
                                 str(tmp_path / "p03_helen.txt")])
    assert result.exit_code == 0, result.output
    path = _qdpx(tmp_path / "plain.qdpx", f'plainTextPath="internal://{SOURCE}.txt"',
                 {f"{SOURCE}.txt": PLAIN.encode()})
    result = runner.invoke(cli, ["--db", str(db), "refi", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "has no case" not in result.stdout
    with open_store(db) as store:
        assert [i.participant for i in store.transcripts()] == ["P03"]
        assert list(store.participants()) == ["P03"]


def test_our_own_export_of_a_transcript_with_no_participant_keeps_none(
        tmp_path: Path) -> None:
    """A focus group may have no participant here: our export writes it with no case, and
    importing that file into another project keeps it so."""
    from qualcoder_ahp.refi import export_project
    from tests.test_word_comments import parsed

    with open_store(tmp_path / "a.db") as store:
        store.add_transcript("focus-group", parsed([
            ("Interviewer", "interviewer", "How did you all start?", None),
            ("Group", "participant", "By chance, most of us.", None)]))
        export_project(store, tmp_path / "out.qdpx")
    with open_store(tmp_path / "b.db") as store:
        report = import_file(store, tmp_path / "out.qdpx")
        assert [i.participant for i in store.transcripts()] == [None]
        assert not any("has no case" in n for n in report.notices)
