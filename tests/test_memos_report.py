"""`qcahp memos`: every coder's memos on themes, transcripts and codings, for the write-up."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed

THEMES = (
    Theme("careers", "Careers", None, codable=False, position=0),
    Theme("luck", "Luck", "careers", position=1),
    Theme("board", "Board", None, position=2),
)


@pytest.fixture
def project(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "qcahp.db")
    store.save_codebook(Codebook("Small", THEMES))
    for name, text in (("p1", "It was luck.\nPure luck. The board listened."),
                       ("p2", "The board never listened to us.")):
        store.add_transcript(name, make_parsed([("P", "participant", text)]))
    p1, p2 = (t.id for t in store.transcripts())
    text = store.transcript_text(p1)
    luck = store.code(p1, "luck", "ana", 0, text.index("The board"))
    board = store.code(p2, "board", "ben", 0, 31)
    gone = store.code(p1, "board", "ana", text.index("The board"), len(text))
    store.set_memo("ana", "coding", luck.id, "Chance, told twice.\nCompare p2.")
    store.set_memo("ben", "coding", board.id, "Anger | at the board")
    store.set_memo("ana", "coding", gone.id, "A memo on a coding later removed.")
    store.remove_coding(gone.id, "ana")
    store.set_memo("ben", "theme", "board", "Distance from the board, in every story.")
    store.set_memo("ana", "theme", "luck", "Luck is mostly someone's invitation.")
    store.set_memo("ana", "transcript", p2, "Short, angry interview.")
    return store


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["memos", *args])
    return result.exit_code, result.stdout, result.stderr


def test_markdown_document_in_reading_order(project: Store) -> None:
    code, out, err = run()
    assert code == 0, err
    assert out == """\
# Memos

## Theme memos

### Careers / Luck

**ana** ({day}): Luck is mostly someone's invitation.

### Board

**ben** ({day}): Distance from the board, in every story.

## Transcript memos

### p2

**ana** ({day}): Short, angry interview.

## Memos on codings

### Careers / Luck

> It was luck.  
> Pure luck.

*p1, P, turn 1*

**ana** ({day}): Chance, told twice.  
Compare p2.

### Board

> The board never listened to us.

*p2, P, turn 1*

**ben** ({day}): Anger | at the board
""".replace("{day}", project.conn.execute("SELECT substr(MIN(updated_at), 1, 10) FROM memos")
            .fetchone()[0])
    # The memo on the removed coding is not in it.
    assert "later removed" not in out


def test_filters_and_table_formats(project: Store) -> None:
    code, out, _ = run("--coder", "ben", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["kind"], r["about"], r["memo"]) for r in rows] == [
        ("theme", "Board", "Distance from the board, in every story."),
        ("coding", "p2, P, turn 1: Board", "Anger | at the board")]
    assert rows[1]["quote"] == "The board never listened to us." and rows[1]["theme"] == "board"
    code, out, _ = run("--theme", "careers", "--format", "json")
    memos = json.loads(out)["memos"]
    assert [(m["kind"], m["theme"], m["coder"]) for m in memos] == [
        ("theme", "luck", "ana"), ("coding", "luck", "ana")]
    assert memos[1]["start"] == 0 and memos[1]["quote"].startswith("It was luck.")
    assert (memos[1]["speaker"], memos[1]["turn"], memos[1]["time"]) == ("P", 1, None)
    assert memos[0]["speaker"] is None and memos[0]["turn"] is None
    code, out, _ = run("--transcript", "p2", "--kind", "coding", "--format", "table")
    assert "Anger | at the board" in out and "Short, angry" not in out
    assert "Chance, told twice" not in out


def test_terminal_table_leaves_the_memo_room(project: Store) -> None:
    # On an 80-column terminal the memo was cut to ten characters ("Distance…") beside
    # columns that repeat its "about" (theme, transcript, speaker, turn) and the quote;
    # then to 21 beside "about". It now has a line of its own under its row, whole.
    result = CliRunner().invoke(cli, ["memos", "--format", "table"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["kind", "about", "coder", "updated"]
    assert lines[1] == " " * 8 + "memo"
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in result.stdout
    row = next(i for i, line in enumerate(lines) if line.startswith("theme       Board "))
    assert lines[row + 1] == " " * 8 + "Distance from the board, in every story."
    assert " " * 8 + "Anger | at the board" in lines
    # On a wide terminal the memo fits beside its row, in the last column.
    wide = CliRunner().invoke(cli, ["memos", "--format", "table"], env={"COLUMNS": "200"})
    head, *rows = wide.stdout.splitlines()
    assert head.split() == ["kind", "about", "coder", "updated", "memo"]
    board = next(line for line in rows if line.startswith("theme       Board "))
    assert board.endswith("  Distance from the board, in every story.")
    piped = CliRunner().invoke(cli, ["memos", "--format", "table"], env={"COLUMNS": ""})
    assert piped.stdout.splitlines()[0].split()[:4] == ["kind", "about", "theme", "transcript"]


def test_word_and_xlsx_files(project: Store) -> None:
    code, _, err = run("-o", "memos.docx")
    assert code == 0 and err == "Wrote 5 memos to memos.docx\n"
    doc = Document("memos.docx")
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(
        ("Heading", "Title"))]
    assert headings == [("Title", "Memos"), ("Heading 1", "Theme memos"),
                        ("Heading 2", "Careers / Luck"), ("Heading 2", "Board"),
                        ("Heading 1", "Transcript memos"), ("Heading 2", "p2"),
                        ("Heading 1", "Memos on codings"), ("Heading 2", "Careers / Luck"),
                        ("Heading 2", "Board")]
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert quotes == ["\u201cIt was luck.\nPure luck.\u201d",
                      "\u201cThe board never listened to us.\u201d"]
    # Under each quote, where a reader finds it (not character offsets).
    texts = [p.text for p in doc.paragraphs]
    assert [texts[texts.index(q) + 1] for q in quotes] == ["p1, P, turn 1", "p2, P, turn 1"]
    code, _, err = run("-o", "memos.xlsx", "--coder", "ana")
    from openpyxl import load_workbook

    sheet = load_workbook("memos.xlsx")["memos"]
    assert [c.value for c in sheet[1]] == ["kind", "about", "theme", "transcript", "speaker",
                                           "turn", "quote", "coder", "updated", "memo"]
    coding_row = [c.value for c in sheet[4]]
    assert coding_row[:6] == ["coding", "p1, P, turn 1: Careers / Luck", "luck", "p1", "P", 1]
    assert sheet.max_row == 4  # ana's three memos under the header


def test_bad_requests_are_one_line_errors(project: Store) -> None:
    for args, message in ((("--coder", "zed"), "no coder named 'zed'"),
                          (("--theme", "lcuk"), "lcuk"),
                          (("--transcript", "p9"), "p9")):
        code, out, err = run(*args)
        assert code == 1 and out == "" and message in err and "Traceback" not in err
    code, _, err = run("--kind", "everything")
    assert code == 2 and "everything" in err


def test_no_memos_says_so(tmp_path: Path) -> None:
    store = open_store(tmp_path / "qcahp.db")
    store.save_codebook(Codebook("Small", THEMES))
    store.close()
    code, out, _ = run()
    assert code == 0 and out == "# Memos\n\nNo memos match.\n"


def test_markdown_keeps_what_coders_typed_literal(project: Store) -> None:
    """A memo is prose, not Markdown: asterisks, a leading "#" or "- ", brackets and
    angle brackets come out as typed when the document is rendered."""
    project.set_memo("ana", "theme", "luck",
                     "*Not* luck:\n# 2 moves were planned\n- see [p2]\n<b>bold</b> 1. item")
    code, out, err = run("--kind", "theme", "--coder", "ana")
    assert code == 0, err
    assert ("**ana** (" in out and "\\*Not\\* luck:  \n\\# 2 moves were planned  \n"
            "\\- see \\[p2\\]  \n\\<b\\>bold\\</b\\> 1. item\n") in out


def test_md_text_escapes_markup_only() -> None:
    from qualcoder_ahp.reports.writers import md_text

    assert md_text("It's a plain sentence, 100% (really).") == \
        "It's a plain sentence, 100% (really)."
    assert md_text("file_name_here and _stress_") == "file_name_here and \\_stress\\_"
    assert md_text("1. first\n  2) second\n+ third") == "1\\. first\n  2\\) second\n\\+ third"
    assert md_text("`code` \\ back") == "\\`code\\` \\\\ back"


def test_no_memos_is_not_called_nothing_coded(project: Store) -> None:
    # The project is coded; only the memos asked for are missing (with --transcript there
    # are no theme memos). The table said the writers' "(none: nothing is coded in this
    # selection)".
    for width in ("80", ""):
        result = CliRunner().invoke(cli, ["memos", "--format", "table", "--transcript", "p2",
                                          "--kind", "theme"], env={"COLUMNS": width})
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == "(none: no memos match)"
        assert "nothing is coded" not in result.stdout


def test_every_screen_shows_a_stored_time_one_way() -> None:
    """The memos, coders, log and reconcile-log tables cut a stored UTC time alike."""
    from qualcoder_ahp.reports.writers import shown_time

    stamp = "2026-11-27T05:17:05.416575+00:00"
    assert shown_time(stamp) == "2026-11-27 05:17"
    assert shown_time(stamp, seconds=True) == "2026-11-27 05:17:05"
    assert shown_time(None) == shown_time("") == ""
