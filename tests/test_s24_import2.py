"""Problems an import audit left (session 24): a transcriber's notes with a time in them.

Each test failed before its fix: Rev's ``[inaudible 00:00:05]`` kept its time in the stored
text, where it counted as a word and showed in quotes.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers import read_transcript
from qualcoder_ahp.model.store import open_store

REV = """Speaker 1 (00:00:01):
So how did you start in nursing? [inaudible 00:00:05] Was it planned?

Speaker 2 (00:00:08):
Not really [crosstalk 00:00:09]. I fell into it [laughs]. My mother was a nurse
[laughter 00:00:14] and she said try it, we met at 10:30 [sic] (back by 9:30).

Speaker 1 (00:00:20):
And then?

Speaker 2 (00:00:22):
Then I stayed. [inaudible 00:00:25 - 00:00:27] it was hard (inaudible, 00:00:29).
"""


def _turns(path: Path) -> list[tuple[str, str | None, str]]:
    parsed = read_transcript(path)
    return [(t.speaker, t.time, parsed.text[t.start:t.end]) for t in parsed.turns]


def test_a_rev_note_keeps_its_words_and_leaves_its_time_out(tmp_path: Path) -> None:
    path = tmp_path / "p01.txt"
    path.write_text(REV, encoding="utf-8")
    parsed = read_transcript(path)
    assert _turns(path) == [
        ("Speaker 1", "00:00:01", "So how did you start in nursing? [inaudible] Was it planned?"),
        ("Speaker 2", "00:00:08", "Not really [crosstalk]. I fell into it [laughs]. My mother "
         "was a nurse [laughter] and she said try it, we met at 10:30 [sic] (back by 9:30)."),
        ("Speaker 1", "00:00:20", "And then?"),
        ("Speaker 2", "00:00:22", "Then I stayed. [inaudible] it was hard (inaudible)."),
    ]
    assert ("the times in 5 transcriber's notes, such as '[inaudible 00:00:05]', are left "
            "out of the text (not words; each turn keeps its own time)") in parsed.notes


def test_a_note_in_a_turn_with_no_time_keeps_its_time(tmp_path: Path) -> None:
    """Rev's export without timestamps: the note's time is the only place in the
    recording the transcript gives."""
    path = tmp_path / "p02.txt"
    path.write_text("Speaker 1:\nHow did you start? [inaudible 00:00:05]\n\n"
                    "Speaker 2:\nBy chance [crosstalk 00:00:09].\n", encoding="utf-8")
    assert [x[2] for x in _turns(path)] == ["How did you start? [inaudible 00:00:05]",
                                            "By chance [crosstalk 00:00:09]."]
    assert not any("transcriber's note" in n for n in read_transcript(path).notes)
    path.write_text("Speaker 1 (00:00:01):\nHow did you start? [inaudible 00:00:05]\n\n"
                    "Speaker 2:\nBy chance [crosstalk 00:00:09].\n", encoding="utf-8")
    assert [x[2] for x in _turns(path)] == ["How did you start? [inaudible]",
                                            "By chance [crosstalk 00:00:09]."]
    assert ("the time in the transcriber's note '[inaudible 00:00:05]' is left out of the "
            "text (not words; each turn keeps its own time); 1 in a turn with no time keeps "
            "its time, the only place in the recording it gives") in read_transcript(path).notes


def test_every_format_with_such_notes_leaves_their_times_out(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Speaker 1 (00:00:01):")
    document.add_paragraph("How did you start? [inaudible 00:00:05] Planned?")
    document.add_paragraph("Speaker 2 (00:00:08):")
    document.add_paragraph("Not really [crosstalk 00:00:09].")
    document.save(tmp_path / "rev.docx")
    assert [x[2] for x in _turns(tmp_path / "rev.docx")] == [
        "How did you start? [inaudible] Planned?", "Not really [crosstalk]."]
    (tmp_path / "otter.txt").write_text(
        "Jane Doe  0:03\nHow did you start? [inaudible 0:05]\n\n"
        "Mark Ellis  0:09\nI fell into it. [CROSSTALK 0:12] Really.\n", encoding="utf-8")
    assert _turns(tmp_path / "otter.txt") == [
        ("Jane Doe", "00:00:03", "How did you start? [inaudible]"),
        ("Mark Ellis", "00:00:09", "I fell into it. [CROSSTALK] Really.")]
    (tmp_path / "trint.txt").write_text(
        "[00:00:03] Speaker 1\nHow did you start?\n\n[00:00:09] Speaker 2\n"
        "I fell into it [inaudible at 00:00:10].\n\n[00:00:15] Speaker 1\n"
        "And then?\n\n[00:00:18] Speaker 2\n(laughs 00:00:19) I stayed.\n", encoding="utf-8")
    assert [x[2] for x in _turns(tmp_path / "trint.txt")] == [
        "How did you start?", "I fell into it [inaudible].", "And then?", "(laughs) I stayed."]


def test_the_times_of_notes_are_not_counted_as_words(tmp_path: Path) -> None:
    path = tmp_path / "p01.txt"
    path.write_text(REV, encoding="utf-8")
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(path)])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        (info,) = store.transcripts()
        assert "00:00:05" not in store.transcript_text(info.id)
    # Not 54: the times inside the five notes are not among them.
    assert "imported   p01 (v1, 48 words, 4 turns)" in result.output


# ------------------------------------------------------- Word comments, Strict Open XML
def _strict(plain: Path, out: Path) -> Path:
    """``plain`` as Word saves it with "Strict Open XML Document (*.docx)"."""
    import zipfile

    names = {
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main":
            b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/drawingml/2006/main":
            b"http://purl.oclc.org/ooxml/drawingml/main",
    }
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            for old, new in names.items():
                part = part.replace(old, new)
            dst.writestr(info, part)
    return out


def test_codings_import_reads_a_word_file_saved_as_strict_open_xml(
        project, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """`qcahp import` reads a Strict Open XML .docx (2226e69); `codings import` found no
    body and no comments in one ('word/document.xml has no body')."""
    from tests.test_word_comments import ORIGINAL, codings, word

    monkeypatch.chdir(tmp_path)
    paras = list(ORIGINAL)
    paras[2] = "**Ana:** {1}It was luck.{/1} I\u2019d say it\u2019s luck."
    plain = word(tmp_path / "plain.docx", paras, {1: "luck"})
    strict = _strict(plain, tmp_path / "ana.docx")
    result = CliRunner().invoke(cli, ["--db", "qcahp.db", "codings", "import", str(strict),
                                      "--coder", "ana"])
    assert result.exit_code == 0, result.output
    assert codings(project, "ana") == [("luck", "It was luck.", None)]


from tests.test_word_comments import project  # noqa: E402,F401  (the fixture)


def test_codings_import_places_a_comment_on_a_note_stored_without_its_time(
        tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """The transcript stores `[inaudible]`; the commented Word file, the same Rev file,
    has `[inaudible 00:00:05]`: the passage was in no transcript of the project."""
    from qualcoder_ahp.records import Codebook, Theme
    from tests.test_word_comments import codings, word

    monkeypatch.chdir(tmp_path)
    paras = ["Speaker 1 (00:00:01):",
             "So how did you start? {1}[inaudible 00:00:05] Was it planned?{/1}",
             "Speaker 2 (00:00:08):", "Not really [crosstalk 00:00:09]. {2}I fell into it."
             "{/2}", "Speaker 1 (00:00:20):", "And then?", "Speaker 2 (00:00:22):",
             "Then I stayed {3}[laughs 00:00:25]{/3}."]
    word(tmp_path / "rev.docx", [p.replace("{1}", "").replace("{/1}", "").replace(
        "{2}", "").replace("{/2}", "").replace("{3}", "").replace("{/3}", "")
        for p in paras], {})
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", "qcahp.db", "import", "rev.docx"])
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "qcahp.db") as store:
        store.save_codebook(Codebook("Small", (Theme("start", "Start", None, position=0),)))
    word(tmp_path / "coded.docx", paras, {1: "start", 2: "start", 3: "start"})
    result = runner.invoke(cli, ["--db", "qcahp.db", "codings", "import", "coded.docx",
                                 "--coder", "ana"])
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "qcahp.db") as store:
        assert codings(store, "ana") == [("start", "[inaudible] Was it planned?", None),
                                         ("start", "I fell into it.", None),
                                         ("start", "[laughs]", None)]


# ------------------------------------------------ short files: one turn a speaker
def test_a_time_and_a_name_above_each_turn_of_a_short_file_are_speakers(
        tmp_path: Path) -> None:
    """`00:00:03 Jane Doe` and the words below, one turn each: a name that heads one
    such line was read as speech, and the file was one (unlabelled) turn."""
    cases = {
        "nvivo.txt": "00:00:03 Jane Doe\nHow did you start in nursing, and why?\n\n"
                     "00:00:09 Mark Ellis\nI fell into it, really. My mother was a nurse "
                     "and she said try it, so I did.\n",
        "trint.txt": "[00:00:03] Speaker 1\nHow did you start?\n\n[00:00:09] Speaker 2\n"
                     "I fell into it, really.\n\n[00:00:15] Speaker 1\nAnd then?\n",
        "role.txt": "[00:00:03] Interviewer\nHow did you start?\n\n[00:00:09] Mark Ellis\n"
                    "I fell into it.\n",
    }
    expected = {
        "nvivo.txt": [("Jane Doe", "interviewer", "00:00:03"),
                      ("Mark Ellis", "participant", "00:00:09")],
        "trint.txt": [("Speaker 1", "interviewer", "00:00:03"),
                      ("Speaker 2", "participant", "00:00:09"),
                      ("Speaker 1", "interviewer", "00:00:15")],
        "role.txt": [("Interviewer", "interviewer", "00:00:03"),
                     ("Mark Ellis", "participant", "00:00:09")],
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        parsed = read_transcript(path)
        assert [(t.speaker, t.role, t.time) for t in parsed.turns] == expected[name], name
        assert parsed.text.startswith("How did you start"), parsed.text


def test_stamped_lines_of_speech_are_still_speech(tmp_path: Path) -> None:
    """Lines stamped with a time in one paragraph, or a file whose paragraphs do not all
    open with one, name no speaker."""
    path = tmp_path / "notes.txt"
    path.write_text("Notes from the visit.\n\nWe arrived late.\n\n00:00:05 Right\nso we "
                    "began.\n\n00:00:09 Okay\nthen we left.\n", encoding="utf-8")
    assert {t.speaker for t in read_transcript(path).turns} == {"(unlabelled)"}


def test_one_turn_each_the_one_who_asks_is_the_interviewer(tmp_path: Path) -> None:
    """The one who spoke more words was taken for the participant, whatever they said;
    the note saying the roles were guessed stays."""
    path = tmp_path / "otter.txt"
    path.write_text("Jane Doe  0:03\nSo, thinking back over the years, how did you first "
                    "start in nursing?\n\nMark Ellis  0:09\nBy chance, really.\n",
                    encoding="utf-8")
    parsed = read_transcript(path)
    assert [(t.speaker, t.role) for t in parsed.turns] == [
        ("Jane Doe", "interviewer"), ("Mark Ellis", "participant")]
    assert any(n.startswith("no speaker is labelled interviewer or participant: Mark Ellis "
                            "as the participant, Jane Doe as the interviewer")
               for n in parsed.notes)
    # Where the one who speaks more asks nothing, they stay the participant.
    path.write_text("Jane Doe  0:03\nTell me about it.\n\nMark Ellis  0:09\nI fell into it "
                    "by chance, really, and stayed.\n", encoding="utf-8")
    assert [t.role for t in read_transcript(path).turns] == ["interviewer", "participant"]
    path.write_text("Jane Doe  0:03\nWhy that ward?\n\nMark Ellis  0:09\nWhy not? It was "
                    "close to home and the team was good.\n", encoding="utf-8")
    assert [t.role for t in read_transcript(path).turns] == ["interviewer", "participant"]
