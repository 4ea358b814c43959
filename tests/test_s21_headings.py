"""A document's headings left out of the text are said (session 21).

A title above a plain-text interview was said in a note ("the title above the interview
… is not spoken: left out of the text"); a Markdown `#` title or a Word heading, and
section headings between turns, were left out without a word.
"""
from __future__ import annotations

from pathlib import Path

import docx

from qualcoder_ahp.importers.reader import read_transcript

LABELLED = "Interviewer: How did you start?\n\nHelen: I fell into it really.\n"


def _notes(path: Path) -> list[str]:
    return [n for n in read_transcript(path).notes if "heading" in n]


def test_markdown_title_left_out_is_said(tmp_path: Path) -> None:
    path = tmp_path / "helen.md"
    path.write_text("# Interview with Helen, 3 May 2024\n\n" + LABELLED, encoding="utf-8")
    read = read_transcript(path)
    assert "Interview with Helen" not in read.text
    assert _notes(path) == ["the heading 'Interview with Helen, 3 May 2024' (a title or "
                            "section heading, not spoken) is left out of the text"]


def test_section_headings_between_turns_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "helen.md"
    path.write_text("## Early career\n\n" + LABELLED + "\n## Leadership\n\n"
                    "Interviewer: And now?\n\nHelen: I lead the AHPs.\n", encoding="utf-8")
    assert _notes(path) == ["2 headings, such as 'Early career' (a title or section "
                            "heading, not spoken) are left out of the text"]


def test_word_heading_left_out_is_said_and_a_long_one_shortened(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Evidence of Ms Helen Ash, head of allied health professions at a "
                         "large acute trust, 3 May 2024", level=1)
    for line in LABELLED.strip().split("\n\n"):
        document.add_paragraph(line)
    path = tmp_path / "helen.docx"
    document.save(path)
    (note,) = _notes(path)
    assert note.startswith("the heading 'Evidence of Ms Helen Ash, head of allied health")
    assert "…'" in note and len(note) < 140


def test_no_note_when_nothing_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "helen.md"
    path.write_text(LABELLED, encoding="utf-8")
    assert _notes(path) == []


def test_heading_of_an_unlabelled_story_is_said_too(tmp_path: Path) -> None:
    plain = tmp_path / "story.md"
    plain.write_text("# Early career\n\nI qualified in 1998 and fell into management.\n",
                     encoding="utf-8")
    assert read_transcript(plain).text == "I qualified in 1998 and fell into management."
    assert len(_notes(plain)) == 1 and "'Early career'" in _notes(plain)[0]
