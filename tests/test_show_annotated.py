"""`qcahp show` with codings: the coded transcript as text, Word, HTML and Markdown."""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Coding, ParsedTranscript, Theme, Turn
from qualcoder_ahp.reports.annotated import (
    Marked,
    _pieces,
    annotate,
    shorten,
    tint,
    to_markdown,
)
from tests.conftest import make_parsed

THEMES = (
    Theme("careers", "Careers", None, codable=False, position=0, color="#1F77B4"),
    Theme("luck", "Luck", "careers", position=1, color="#CC6677"),
    Theme("board", "Board", None, position=2, color="#117733"),
)
TURNS = [("Interviewer", "interviewer", "How did you get here?", "00:00:05"),
         ("Ana", "participant", "It was luck. Pure luck, and the board listened.", "00:00:09"),
         ("Ana", "participant", "Then the board asked me <script>alert(1)</script> & more.",
          None)]
LUCK_ANA = "It was luck. Pure luck"
BOARD_BEN = "Pure luck, and the board listened."
ACROSS = ("the board listened.", "Then the board asked me")  # ana's Board, over two turns


def _parsed() -> ParsedTranscript:
    text, turns, pos = "", [], 0
    for speaker, role, body, time in TURNS:
        if text:
            text += "\n\n"
            pos += 2
        turns.append(Turn(speaker, role, pos, pos + len(body), time))
        text += body
        pos += len(body)
    return ParsedTranscript(text, turns, "txt")


@pytest.fixture
def project(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "qcahp.db")
    store.save_codebook(Codebook("Small", THEMES))
    info, _ = store.add_transcript("p1", _parsed(), participant="P01")
    store.add_transcript("p2", make_parsed([("P", "participant", "Nothing coded here.")]))
    store.set_participant_attributes("P01", {"profession": "physio", "band": "8c"})
    text = store.transcript_text(info.id)
    luck = store.code(info.id, "luck", "ana", text.index(LUCK_ANA),
                      text.index(LUCK_ANA) + len(LUCK_ANA))
    store.code(info.id, "board", "ben", text.index(BOARD_BEN),
               text.index(BOARD_BEN) + len(BOARD_BEN))
    store.code(info.id, "board", "ana", text.index(ACROSS[0]),
               text.index(ACROSS[1]) + len(ACROSS[1]))
    store.set_memo("ana", "coding", luck.id, "Chance, told twice.\nCompare <b>p2</b>.")
    return store


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["show", *args])
    return result.exit_code, result.stdout, result.stderr


PLAIN = """\
p1 v1 (txt, 22 words, participant P01)

[00:00:05] Interviewer (interviewer): How did you get here?

[00:00:09] Ana (participant): It was luck. Pure luck, and the board listened.

Ana (participant): Then the board asked me <script>alert(1)</script> & more.
"""


def test_plain_text_is_unchanged_without_a_coder(project: Store) -> None:
    code, out, err = run("p1")
    assert code == 0, err
    assert out == PLAIN
    code, out, _ = run("p1", "--format", "text")
    assert out == PLAIN


def test_plain_text_matches_the_turns_on_any_transcript(project: Store) -> None:
    """The old `show` loop, written out: the same bytes for the demo-like transcript."""
    info = project.transcript("p2")
    text = project.transcript_text(info.id)
    expected = [f"p2 v1 (txt, {info.words} words, participant -)"]
    for turn in project.turns(info.id):
        expected += ["", f"{turn.speaker} ({turn.role}): {text[turn.start:turn.end]}"]
    assert run("p2")[1] == "\n".join(expected) + "\n"


def test_text_lists_each_turns_codings_and_memos(project: Store) -> None:
    code, out, err = run("p1", "--coder", "ana")
    assert code == 0, err
    assert out == """\
p1 v1 (txt, 22 words, participant P01)
codings: 2 codings (coder ana)

[00:00:05] Interviewer (interviewer): How did you get here?

[00:00:09] Ana (participant): It was luck. Pure luck, and the board listened.
  ↳ Luck (ana): “It was luck. Pure luck”
      memo: Chance, told twice. Compare <b>p2</b>.
  ↳ Board (ana): “the board listened. Then the board asked me”

Ana (participant): Then the board asked me <script>alert(1)</script> & more.
"""


def test_text_all_coders_in_text_order(project: Store) -> None:
    code, out, err = run("p1", "--all-coders")
    assert code == 0, err
    assert "codings: 3 codings (all coders: ana 2, ben 1)" in out
    lines = [x for x in out.splitlines() if x.startswith("  ↳")]
    assert lines == ["  ↳ Luck (ana): “It was luck. Pure luck”",
                     "  ↳ Board (ben): “Pure luck, and the board listened.”",
                     "  ↳ Board (ana): “the board listened. Then the board asked me”"]


def test_a_coder_named_all_is_one_coder(project: Store) -> None:
    info = project.transcript("p1")
    project.code(info.id, "luck", "all", 0, 3)
    code, out, err = run("p1", "--coder", "all")
    assert code == 0, err
    assert "codings: 1 coding (coder all)" in out and out.count("  ↳") == 1


def test_text_consensus(project: Store) -> None:
    info = project.transcript("p1")
    project.code(info.id, "luck", "consensus", 0, 5, origin="consensus")
    code, out, err = run("p1", "--consensus")
    assert code == 0, err
    assert "codings: 1 coding (consensus)" in out
    assert "  ↳ Luck (consensus): “How d”" in out


def test_long_quotes_and_memos_fit_80_columns(project: Store) -> None:
    info = project.transcript("p1")
    text = project.transcript_text(info.id)
    long = project.code(info.id, "board", "ana", 0, len(text))
    project.set_memo("ana", "coding", long.id, "word " * 60)
    code, out, _ = run("p1", "--coder", "ana")
    assert code == 0
    coded = [x for x in out.splitlines() if x.startswith(("  ↳", "      memo", "            "))]
    assert len(coded) > 4
    assert max(len(x) for x in coded) <= 80
    assert "  ↳ Board (ana): “How did you get here? It was luck. … & more.”" in out


def test_shorten_cuts_in_the_middle_at_words() -> None:
    assert shorten("short  text\n here", 40) == "short text here"
    cut = shorten("one two three four five six seven eight nine ten eleven", 30)
    assert len(cut) <= 30 and cut.startswith("one two") and cut.endswith("ten eleven")
    assert " … " in cut


def _anchored(document) -> dict[int, str]:
    """Comment id -> the text between its range start and end, in document order."""
    body = document.element.body
    open_ids: set[int] = set()
    out: dict[int, str] = {}
    for el in body.iter():
        if el.tag == qn("w:commentRangeStart"):
            open_ids.add(int(el.get(qn("w:id"))))
        elif el.tag == qn("w:commentRangeEnd"):
            open_ids.discard(int(el.get(qn("w:id"))))
        elif el.tag == qn("w:t"):
            for i in open_ids:
                out[i] = out.get(i, "") + (el.text or "")
    return out


def _shading(run) -> str | None:
    rpr = run._r.rPr
    shd = rpr.find(qn("w:shd")) if rpr is not None else None
    return shd.get(qn("w:fill")) if shd is not None else None


def test_docx_comments_anchor_on_the_coded_spans(project: Store, tmp_path: Path) -> None:
    code, _, err = run("p1", "--all-coders", "-o", "p1.docx")
    assert code == 0, err
    assert err == "Wrote the coded transcript p1 (3 codings) to p1.docx\n"
    assert stat.S_IMODE(os.stat(tmp_path / "p1.docx").st_mode) == 0o600
    document = Document(str(tmp_path / "p1.docx"))
    comments = {c.comment_id: c for c in document.comments}
    assert [(c.author, c.text) for c in comments.values()] == [
        ("ana", "Careers / Luck (ana)\nMemo: Chance, told twice.\nCompare <b>p2</b>."),
        ("ben", "Board (ben)"),
        ("ana", "Board (ana)"),
        ("ana", "Board (ana), continued"),
    ]
    anchored = _anchored(document)
    assert [anchored[i] for i in comments] == [LUCK_ANA, BOARD_BEN, *ACROSS]


def test_docx_title_turns_shading_and_legend(project: Store, tmp_path: Path) -> None:
    assert run("p1", "--all-coders", "-o", "p1.docx")[0] == 0
    paras = Document(str(tmp_path / "p1.docx")).paragraphs
    texts = [p.text for p in paras]
    assert texts[0] == "p1 v1"
    assert texts[1] == "Participant P01 (profession: physio; band: 8c)"
    turn = next(p for p in paras if p.text.startswith("[00:00:09] Ana"))
    assert turn.text == f"[00:00:09] Ana (participant): {TURNS[1][2]}"
    assert [r.text for r in turn.runs if r.bold] == ["Ana"]
    runs = {r.text: r for r in turn.runs}
    luck, board = tint("#CC6677")[1:], tint("#117733")[1:]
    # Split at every boundary: luck alone, luck and ben's board (underlined), ben's board
    # alone, then both coders' board.
    assert _shading(runs["It was luck. "]) == luck and not runs["It was luck. "].underline
    assert _shading(runs["Pure luck"]) == board and runs["Pure luck"].underline
    assert _shading(runs[", and "]) == board and not runs[", and "].underline
    assert _shading(runs["the board listened."]) == board and runs["the board listened."].underline
    assert [_shading(r) for r in turn.runs[:3]] == [None, None, None]  # time, speaker
    third = next(p for p in paras if p.text.startswith("Ana (participant): Then"))
    assert [(r.text, _shading(r)) for r in third.runs if r.text][2:] == [
        ("Then the board asked me", board), (" <script>alert(1)</script> & more.", None)]
    legend = texts[texts.index("Themes") + 1:]
    assert legend == ["\u25a0 Careers / Luck: 1 coding", "\u25a0 Board: 2 codings"]


def test_docx_without_a_coder_marks_every_coder(project: Store, tmp_path: Path) -> None:
    assert run("p1", "-o", "p1.docx")[0] == 0
    assert len(list(Document(str(tmp_path / "p1.docx")).comments)) == 4


def test_tint_is_light_and_readable() -> None:
    assert tint("#000000") == "#999999"
    assert tint("#CC6677") == "#EBC2C9"
    assert tint("red; background:url(x)") == tint("#888888")  # no CSS from a stored colour


def test_html_is_self_contained_escaped_and_marked(project: Store, tmp_path: Path) -> None:
    code, _, err = run("p1", "--all-coders", "-o", "p1.html")
    assert code == 0, err
    page = (tmp_path / "p1.html").read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more." in page
    for external in ("src=", "<link", "http://", "https://", "@import", "url("):
        assert external not in page
    assert page.count("<mark ") == 5
    assert (f'<mark style="background:{tint("#CC6677")}" title="Careers / Luck (ana)">'
            "It was luck. </mark>") in page
    overlap = page.split("Pure luck</mark>")[0].rsplit("<mark ", 1)[1]
    assert "linear-gradient(" in overlap and tint("#117733") in overlap
    assert 'title="Careers / Luck (ana)&#10;Board (ben)"' in overlap
    both = page.split("the board listened.</mark>")[0].rsplit("<mark ", 1)[1]
    assert both.startswith(f'style="background:{tint("#117733")}" '
                           'title="Board (ben)&#10;Board (ana)"')  # one theme: one colour
    assert '<sup class="tag"' in page and 'Luck · ana <a href="#memo-1">[1]</a></sup>' in page
    assert '<li id="memo-1"><b>Luck</b> (ana): Chance, told twice.\nCompare &lt;b&gt;p2' in page
    assert "<b>p2</b>" not in page
    assert page.count('<p class="turn"') == 3


def test_markdown_bold_spans_and_labels(project: Store) -> None:
    code, out, err = run("p1", "--all-coders", "--format", "md")
    assert code == 0, err
    assert out.startswith("# p1 v1\n\nParticipant P01 (profession: physio; band: 8c)  \n")
    assert ("\\[00:00:09\\] *Ana* (participant): **It was luck. Pure luck** "
            "[Luck (ana); memo 1]**, and the board listened.** "
            "[Board (ben), from \u201cPure luck, and the \u2026\u201d]\n") in out
    # ana's Board starts inside ben's (bold already): its label says where.
    assert ("*Ana* (participant): **Then the board asked me** "
            "[Board (ana), from \u201cthe board listened. Then \u2026\u201d] "
            "\\<script\\>alert(1)\\</script\\> & more.\n") in out
    assert "1. Luck (ana): Chance, told twice.  \n   Compare \\<b\\>p2\\</b\\>." in out
    assert out.endswith("## Themes\n\n- Careers / Luck: 1 coding\n- Board: 2 codings\n")


def test_markdown_label_after_another_says_where_its_coding_starts(store: Store) -> None:
    store.save_codebook(Codebook("Small", THEMES))
    text = "one two three four five"
    info, _ = store.add_transcript("w", make_parsed([("P", "participant", text)]))
    store.code(info.id, "luck", "ana", 0, text.index(" five"))  # one .. four
    store.code(info.id, "board", "ana", text.index("three"), text.index(" four"))
    store.code(info.id, "board", "ben", text.index("five"), len(text))
    md = to_markdown(annotate(store, info))
    assert ("*P* (participant): **one two three** [Board (ana), from \u201cthree\u201d] "
            "**four** [Luck (ana), from \u201cone two three four\u201d] "
            "**five** [Board (ben)]\n") in md


@pytest.mark.parametrize("args, message", [
    (("p1", "--coder", "zed"), "no coder named 'zed' in this project (coders: ana, ben)"),
    (("p1", "--coder", "ana", "--format", "docx"), "docx output needs a file: add -o FILE"),
    (("nosuch", "--coder", "ana"), "no transcript 'nosuch' in this project"),
    (("p1", "--coder", "ana", "--all-coders"), "give one of --coder, --consensus or"),
    (("p1", "--consensus"), "no consensus coding in this project yet"),
    (("p1", "-o", "p1.pdf"), "this report cannot be written as a .pdf file"),
])
def test_errors(project: Store, args: tuple[str, ...], message: str) -> None:
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1


def test_txt_file_is_the_terminal_text(project: Store, tmp_path: Path) -> None:
    code, _, err = run("p1", "--coder", "ana", "-o", "p1.txt")
    assert code == 0, err
    assert (tmp_path / "p1.txt").read_text(encoding="utf-8") == run("p1", "--coder", "ana")[1]


def _naive(text: str, turn: Turn, spans: list[tuple[int, int]]) -> list[tuple[str, tuple]]:
    """Per character, the codings over it, grouped: the slow reference for the sweep."""
    out: list[tuple[str, tuple]] = []
    for pos in range(turn.start, turn.end):
        marks = tuple(i for i, (a, b) in enumerate(spans) if a <= pos < b)
        if out and out[-1][1] == marks and not _boundary(pos, spans):
            out[-1] = (out[-1][0] + text[pos], marks)
        else:
            out.append((text[pos], marks))
    return out


def _boundary(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(pos in (a, b) for a, b in spans)


def test_pieces_match_a_per_character_reference() -> None:
    """Random overlapping codings over random turns: the boundary sweep cuts each turn
    exactly where the codings over the text change (or a coding starts or ends)."""
    rng = random.Random(7)
    text = "".join(rng.choice("abc de\n") for _ in range(300))
    turns, pos = [], 0
    while pos < 300:
        end = min(pos + rng.randint(5, 60), 300)
        turns.append(Turn("S", "participant", pos, end))
        pos = end + rng.randint(0, 3)
    raw = sorted((a, a + rng.randint(0, 40)) for a in (rng.randrange(300) for _ in range(40)))
    raw.sort(key=lambda s: (s[0], -s[1]))
    marked = [Marked(Coding(i, 1, "t", "ana", a, b, "", "manual"), "T", "T", "#000000",
                     "#999999") for i, (a, b) in enumerate(raw)]
    pieces = _pieces(text, turns, marked)
    live = [s if s[1] > s[0] else (-1, -1) for s in raw]  # empty spans mark nothing
    for turn, got in zip(turns, pieces, strict=True):
        assert [(p.text, tuple(sorted(p.marks))) for p in got] == _naive(text, turn, live)
    # Each coding's label goes after its last piece, once.
    ends = [i for turn_pieces in pieces for p in turn_pieces for i in p.ends]
    assert len(ends) == len(set(ends))


def test_annotate_without_selection_has_no_codings(project: Store) -> None:
    doc = annotate(project, project.transcript("p1"), marked=False)
    assert doc.codings == [] and all(len(t.pieces) == 1 for t in doc.turns)
    assert doc.summary() == "0 codings"
