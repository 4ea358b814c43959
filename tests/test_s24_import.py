"""Transcripts as researchers have them (session 24): Unicode's other spaces and invisible
characters, Word's lock files in a folder, a web page saved as text.

Each test failed before its fix: a non-breaking space or a soft hyphen was stored as it
came, so search and patterns missed the words; Word's ``~$p01.docx`` lock file, beside
every document open in Word, failed the import of its folder; an HTML page named
``.txt`` was imported as markup.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers import import_paths, read_transcript
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.refi import import_file

NBSP = "\u00a0"
SHY = "\u00ad"


def test_other_spaces_are_plain_spaces_and_invisible_characters_go(tmp_path: Path) -> None:
    src = tmp_path / "p01.txt"
    src.write_text(f"Interviewer:{NBSP}So tell me{NBSP}about your role?\n"
                   f"Helen: It was man{SHY}age{SHY}able{NBSP}!\u2009Really\u202fso.\u200b\n",
                   encoding="utf-8")
    parsed = read_transcript(src)
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Helen"]
    assert parsed.text == ("So tell me about your role?\n\n"
                           "It was manageable ! Really so.")
    for turn in parsed.turns:
        assert parsed.text[turn.start:turn.end].strip() == parsed.text[turn.start:turn.end]


def test_search_finds_words_typed_with_a_non_breaking_space(tmp_path: Path) -> None:
    doc = tmp_path / "p02.docx"
    import docx

    document = docx.Document()
    document.add_paragraph(f"Interviewer: What about{NBSP}the board?")
    document.add_paragraph(f"Helen: The board{NBSP}listens now, the well{SHY}being team too.")
    document.save(doc)
    db = tmp_path / "x.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db), "import", str(doc)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--db", str(db), "search", "board listens", "wellbeing"])
    assert result.exit_code == 0, result.output
    assert "2 hits in 1 of 1 transcript" in result.output
    assert "board listens  now, the wellbeing team" in result.output


def _qdpx(path: Path, text: str, quote: str, start: int, end: int) -> Path:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="QualCoder 3.6">
<Users><User guid="a1b2c3d4-0000-4000-8000-000000000001" name="ana"/></Users>
<CodeBook><Codes><Code guid="c0de0000-0000-4000-8000-000000000001" name="Board"
 isCodable="true" color="#F0E68C"/></Codes></CodeBook>
<Sources><TextSource guid="50000000-0000-4000-8000-000000000001" name="p03"
 plainTextPath="internal://50000000-0000-4000-8000-000000000001.txt">
<PlainTextSelection guid="5e100000-0000-4000-8000-000000000001" name="{quote}"
 startPosition="{start}" endPosition="{end}"
 creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
<Coding guid="c0d10000-0000-4000-8000-000000000001"
 creatingUser="a1b2c3d4-0000-4000-8000-000000000001">
<CodeRef targetGUID="c0de0000-0000-4000-8000-000000000001"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/50000000-0000-4000-8000-000000000001.txt",
                         text.encode("utf-8"))
    return path


def test_refi_source_with_soft_hyphens_keeps_its_codings_on_the_same_words(
        tmp_path: Path) -> None:
    # The text of a source as another tool holds it, with a soft hyphen and non-breaking
    # spaces before the coded words: its offsets count them.
    text = (f"Interviewer: And the man{SHY}age{SHY}ment?\n"
            f"Helen: The board{NBSP}listens{NBSP}now, it really does.")
    quote = f"board{NBSP}listens{NBSP}now"
    start = text.index(quote)
    path = _qdpx(tmp_path / "qualcoder.qdpx", text, quote, start, start + len(quote))
    with open_store(tmp_path / "x.db") as store:
        import_file(store, path)
        info = store.transcripts()[0]
        stored = store.transcript_text(info.id)
        assert "management" in stored and NBSP not in stored and SHY not in stored
        codings = store.codings()
        assert len(codings) == 1
        assert stored[codings[0].start:codings[0].end] == "board listens now"
        # The same file imported with `qcahp import` is the same transcript text.
        plain = tmp_path / "p03.txt"
        plain.write_text(text, encoding="utf-8")
        assert read_transcript(plain).text == stored
