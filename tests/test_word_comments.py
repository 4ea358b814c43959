"""`qcahp codings import FILE.docx`: codings from the comments of a Word document."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers.word_comments import fold, fold_map, read_word
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, ParsedTranscript, Theme, Turn
from tests.conftest import REPO

THEMES = (
    Theme("careers", "Careers", None, codable=False, position=0),
    Theme("luck", "Luck and chance", "careers", position=1),
    Theme("winding", "Winding route", "careers", position=2),
    Theme("board", "Mandate: the board", None, position=3),
    Theme("gone", "Old theme", None, position=4),
    Theme("turning_point", "A moment of change", None, position=5),
)
TURNS = [
    ("Interviewer", "interviewer", "How did you get here?", "00:00:05"),
    ("Ana", "participant", "It was luck. I'd say it's luck -- pure luck, and the board "
     "listened.", "00:00:09"),
    ("Interviewer", "interviewer", "Really?", None),
    ("Ana", "participant", "Yes. Then the board asked me to lead.\nA new line, still me.", None),
    ("Interviewer", "interviewer", "And the board?", None),
    ("Ana", "participant", "Yes. The board was the turning point...", None),
]


def parsed(turns: list[tuple[str, str, str, str | None]]) -> ParsedTranscript:
    """Stored text as a docx import stores it: turn texts only, ``\\n\\n`` between."""
    text, out, pos = "", [], 0
    for speaker, role, body, time in turns:
        if text:
            text += "\n\n"
            pos += 2
        out.append(Turn(speaker, role, pos, pos + len(body), time))
        text += body
        pos += len(body)
    return ParsedTranscript(text, out, "docx")


@pytest.fixture
def project(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "qcahp.db")
    store.save_codebook(Codebook("Small", THEMES))
    store.add_transcript("ana", parsed(TURNS), participant="P01")
    store.add_transcript("other", parsed([("Ben", "participant", "Nothing alike here.", None)]))
    store.retire_theme("gone", coder="lead")
    yield store
    store.close()


_MARK = re.compile(r"\{/?\d+\}|\*\*[^*]+\*\*")


def word(path: Path, paragraphs: list[str], comments: dict[int, str],
         author: str = "Supervisor") -> Path:
    """A .docx whose paragraphs hold ``{1}``..``{/1}`` around each commented passage
    (``**Ana:**`` is a bold run), with ``comments[1]`` as comment 1's text."""
    doc = Document()
    first: dict[int, object] = {}
    last: dict[int, object] = {}
    for text in paragraphs:
        para = doc.add_paragraph()
        waiting: list[int] = []
        pos = 0
        for m in [*_MARK.finditer(text), None]:
            chunk = text[pos:m.start() if m else len(text)]
            if chunk:
                run = para.add_run(chunk)
                for n in waiting:
                    first[n] = run
                waiting = []
                latest = run
            if m is None:
                break
            token = m.group()
            if token.startswith("**"):
                run = para.add_run(token[2:-2])
                run.bold = True
                for n in waiting:
                    first[n] = run
                waiting = []
                latest = run
            elif token.startswith("{/"):
                last[int(token[2:-1])] = latest
            else:
                waiting.append(int(token[1:-1]))
            pos = m.end()
    for n in sorted(comments):
        doc.add_comment([first[n], last[n]], text=comments[n], author=author, initials="S")
    doc.save(path)
    return path


ORIGINAL = ["Interview with Ana", "**Interviewer:** How did you get here?",
            "**Ana:** It was luck. I\u2019d say it\u2019s luck \u2014 pure luck, and the board "
            "listened.", "**Interviewer:** Really?",
            "**Ana:** Yes. Then the board asked me to lead.\nA new line, still me.",
            "**Interviewer:** And the board?",
            "**Ana:** Yes. The board was the turning point\u2026"]
"""The researcher's original document, as Word's AutoFormat leaves it (curly quotes,
a dash for --, an ellipsis), speaker labels in bold."""


def marked(index: int, before: str, after: str | None = None) -> list[str]:
    """:data:`ORIGINAL` with ``{1}``..``{/1}`` put around a passage of one paragraph."""
    paras = list(ORIGINAL)
    text = paras[index]
    start = text.index(before)
    end = start + len(before) if after is None else text.index(after) + len(after)
    paras[index] = text[:start] + "{1}" + text[start:end] + "{/1}" + text[end:]
    return paras


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", "qcahp.db", "codings", "import", *args])
    return result.exit_code, result.stdout, result.stderr


def codings(store: Store, coder: str) -> list[tuple[str, str, str | None]]:
    """``(theme, quote, memo)`` of each of the coder's codings, in text order."""
    return [(c.theme_id, c.quote, c.memo) for c in store.codings(coder=coder)]


def snapshot(path: Path) -> tuple[list[tuple], list[tuple]]:
    with open_store(path) as s:
        return (list(s.conn.execute("SELECT * FROM codings ORDER BY id")),
                list(s.conn.execute("SELECT id, kind FROM events ORDER BY id")))


# ---------------------------------------------------------------------------- codings
def test_each_comment_codes_its_passage_with_the_themes_it_names(project: Store,
                                                                 tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    paras[2] = ("**Ana:** {1}It was luck.{/1} I\u2019d say {2}it\u2019s luck \u2014 pure "
                "luck{/2}, and {3}the board listened.{/3}")
    paras[6] = "**Ana:** Yes. {4}The board was the turning point\u2026{/4}"
    doc = word(tmp_path / "ana.docx", paras, {
        1: "  LUCK  and   chance ",  # the name, case and spacing ignored
        2: "luck; Careers/Winding route: told twice\nsee the memo",  # id; path; memo
        3: "Mandate: the board",  # a name with a colon in it
        4: "Turning-Point - the turning point",  # the id, spaced; a memo after " - "
    })
    code, out, err = run(str(doc), "--coder", "ana")
    assert code == 0, err
    assert out == ("Imported 5 codings for ana from 4 comments on ana v1 (0 already "
                   "present, 3 memos).\n")
    assert err == "To take it back: qcahp undo --coder ana\n"
    imported = [
        ("luck", "It was luck.", None),
        ("luck", "it's luck -- pure luck", "told twice\nsee the memo"),
        ("winding", "it's luck -- pure luck", "told twice\nsee the memo"),
        ("board", "the board listened.", None),
        ("turning_point", "The board was the turning point...", "the turning point"),
    ]
    assert codings(project, "ana") == imported
    assert {c.origin for c in project.codings(coder="ana")} == {"imported"}
    # The whole import is one decision: one undo takes every coding and memo back, one
    # redo brings them back, and the log names the file, the transcript and the themes.
    result = CliRunner().invoke(cli, ["--db", "qcahp.db", "undo", "--coder", "ana"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ("undid: imported 5 codings, 3 memos from the Word comments of "
                             "ana.docx on ana\n")
    assert codings(project, "ana") == []
    assert project.conn.execute("SELECT COUNT(*) FROM memos").fetchone()[0] == 0
    result = CliRunner().invoke(cli, ["--db", "qcahp.db", "redo", "--coder", "ana"])
    assert result.exit_code == 0, result.output
    assert codings(project, "ana") == imported
    result = CliRunner().invoke(cli, ["--db", "qcahp.db", "log", "--theme", "winding"])
    assert "imported 5 codings, 3 memos from the Word comments of ana.docx" in result.stdout
    from qualcoder_ahp.model.event_words import EventWords

    [event] = [e for e in project.events("ana") if e["kind"] == "undo_group"]
    assert EventWords(project).short(event) == "import from Word (5 codings, 3 memos)"  # u


def test_a_comment_over_two_paragraphs_codes_across_the_speaker_label(
        project: Store, tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    paras[2] = paras[2].replace("pure luck", "{1}pure luck")
    paras[4] = paras[4].replace("to lead.", "to lead.{/1}")
    code, _, err = run(str(word(tmp_path / "a.docx", paras, {1: "winding"})), "--coder", "ana")
    assert code == 0, err
    text = project.transcript_text(project.transcript("ana").id)
    [(theme, quote, _)] = codings(project, "ana")
    assert quote == text[text.index("pure luck"):text.index("to lead.") + len("to lead.")]
    assert "\n\nReally?\n\nYes." in quote  # the stored turns, without "Interviewer:"


def test_a_whole_paragraph_with_its_label_codes_the_turn(project: Store,
                                                         tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    paras[4] = "{1}" + paras[4] + "{/1}"  # the label selected too, line break and all
    code, _, err = run(str(word(tmp_path / "a.docx", paras, {1: "winding"})), "--coder", "ana")
    assert code == 0, err
    assert codings(project, "ana") == [
        ("winding", "Yes. Then the board asked me to lead.\nA new line, still me.", None)]


def test_repeats_are_told_apart_by_the_text_around_them(project: Store,
                                                        tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    paras[6] = "**Ana:** {1}Yes.{/1} The {2}board{/2} was the turning point\u2026"
    code, _, err = run(str(word(tmp_path / "a.docx", paras, {1: "luck", 2: "board"})),
                       "--coder", "ana")
    assert code == 0, err
    text = project.transcript_text(project.transcript("ana").id)
    got = {c.theme_id: (c.start, c.end) for c in project.codings(coder="ana")}
    last_yes = text.rindex("Yes.")
    assert text.count("Yes.") == 2 and got["luck"] == (last_yes, last_yes + 4)
    board = text.index("board was the turning")
    assert text.count("board") == 4 and got["board"] == (board, board + 5)


def test_curly_quotes_dashes_and_breaks_match_the_plain_stored_text(
        project: Store, tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    # Word's forms: curly quotes, an em dash for "--", a non-breaking space, a soft hyphen.
    paras[2] = ("**Ana:** It was luck. {1}I\u2019d say it\u2019s luck\u00a0\u2013 pu\u00adre "
                "luck{/1}, and the board listened.")
    code, _, err = run(str(word(tmp_path / "a.docx", paras, {1: "luck"})), "--coder", "ana")
    assert code == 0, err
    assert codings(project, "ana") == [("luck", "I'd say it's luck -- pure luck", None)]


def test_every_problem_is_listed_and_nothing_is_written(project: Store,
                                                         tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    paras[1] = "**Interviewer:** {1}How did you get here?{/1}"
    paras[2] = ("**Ana:** {2}It was luck.{/2} I\u2019d say {3}it\u2019s luck{/3} \u2014 "
                "pure luck, and {4}the board listened.{/4}")
    paras[4] = ("**Ana:** Yes. Then {5}the board asked me to lead.{/5}\n{8}A new line, still "
                "mine.{/8}")  # "me" edited in Word
    paras[6] = "**Ana:** Yes. {6}The board was the turning point\u2026{/6}"
    paras.append("{7}A sentence nobody said.{/7}")
    doc = word(tmp_path / "bad.docx", paras, {
        1: "luck and chanse", 2: "careers", 3: "old theme", 4: "luck; winding", 5: "",
        6: "board", 7: "luck", 8: "luck"})
    before = snapshot(tmp_path / "qcahp.db")
    code, out, err = run(str(doc), "--coder", "ana")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[:6] == [
        f"{doc}: comment 1 \u201cHow did you get here?\u201d: no theme 'luck and chanse' in "
        "the codebook; did you mean 'Luck and chance'?",
        f"{doc}: comment 2 \u201cIt was luck.\u201d: theme 'Careers' is a folder, not "
        "codable: code with one of its themes (Luck and chance, Winding route)",
        f"{doc}: comment 3 \u201cit\u2019s luck\u201d: theme 'Old theme' is retired (`qcahp "
        "codebook restore gone` brings it back)",
        f"{doc}: comment 5 \u201cthe board asked me to lead.\u201d: the comment names no "
        "theme (it is empty): write the theme in it, or mark it resolved in Word to leave it "
        "out",
        f"{doc}: comment 6 \u201cA new line, still mine.\u201d: passage not found in ana v1 "
        "(the transcript has \u201cA new line, still\u201d but not what follows: was the text "
        "changed?)",
        f"{doc}: comment 8 \u201cA sentence nobody said.\u201d: passage not found in ana v1",
    ]
    assert lines[6] == f"Error: {doc}: 6 problems in 8 comments on ana v1; nothing was imported"
    assert snapshot(tmp_path / "qcahp.db") == before


def test_a_comment_on_the_title_or_a_speaker_label_says_what_to_do(project: Store,
                                                                   tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    paras[0] = "{1}Interview with Ana{/1}"
    paras[2] = "{2}**Ana:**{/2} It was luck."
    paras[6] = "**Ana:** Yes. {3}The board was the turning point\u2026{/3}"
    doc = word(tmp_path / "heads.docx", paras, {1: "luck", 2: "board", 3: "board"})
    code, out, err = run(str(doc), "--coder", "jo")
    assert code == 1 and out == ""
    assert err.splitlines()[:2] == [
        f"{doc}: comment 1 \u201cInterview with Ana\u201d: the comment is on the document's "
        "title, which is not part of ana v1: put it on the words it codes",
        f"{doc}: comment 2 \u201cAna:\u201d: only a speaker label or spaces are commented: "
        "select the words it codes, then add the comment"]


def test_a_passage_found_twice_with_nothing_to_tell_them_apart(project: Store,
                                                               tmp_path: Path) -> None:
    # An extract of the interview: only "Yes." and nothing around it to go by.
    doc = word(tmp_path / "extract.docx", ["{1}Yes.{/1}"], {1: "luck"})
    code, _, err = run(str(doc), "--coder", "ana", "--transcript", "ana")
    text = project.transcript_text(project.transcript("ana").id)
    first, second = text.index("Yes."), text.rindex("Yes.")
    assert code == 1
    assert err.splitlines()[0] == (
        f"{doc}: comment 1 \u201cYes.\u201d: passage is in 2 places in ana v1, at {first} "
        f"(turn 4) and {second} (turn 6), and the text around it does not tell which: "
        "select a longer passage")
    assert project.codings(coder="ana") == []


def test_the_transcript_is_the_one_holding_the_passages(project: Store,
                                                        tmp_path: Path) -> None:
    project.add_transcript("copy", parsed(TURNS[:2]))  # holds passage 1 only
    paras = list(ORIGINAL)
    paras[2] = "**Ana:** {1}It was luck.{/1} I\u2019d say it\u2019s luck"
    paras[6] = "**Ana:** Yes. {2}The board was the turning point{/2}\u2026"
    doc = word(tmp_path / "a.docx", paras, {1: "luck", 2: "board"})
    code, out, err = run(str(doc), "--coder", "ana", "--dry-run")
    assert code == 0, err
    assert out.splitlines()[0] == (f"{doc}: 2 comments on ana v1 (2 of 2 commented passages "
                                   "found in it)")
    # Named, the other transcript lacks a passage: said, not guessed.
    code, _, err = run(str(doc), "--coder", "ana", "--transcript", "copy")
    assert code == 1 and "comment 2 \u201cThe board was the turning point\u201d: passage not " \
        "found in copy v1" in err
    # Two transcripts with the same text: named, not guessed.
    project.add_transcript("twin", parsed([*TURNS, ("Ana", "participant", "Thanks.", None)]))
    code, _, err = run(str(doc), "--coder", "ana")
    assert code == 1 and err.strip() == (
        f"Error: {doc}: the commented passages are in 2 transcripts (ana@1 and twin@1); say "
        "which with --transcript NAME")
    assert run(str(doc), "--coder", "ana", "--transcript", "twin")[0] == 0
    assert project.codings(transcript_id=project.transcript("twin").id, coder="ana")


def test_dry_run_lists_the_codings_and_writes_nothing(project: Store, tmp_path: Path) -> None:
    paras = marked(2, "It was luck.")
    doc = word(tmp_path / "a.docx", paras, {1: "luck; winding: twice"})
    run(str(word(tmp_path / "b.docx", paras, {1: "luck"})), "--coder", "ana")
    before = snapshot(tmp_path / "qcahp.db")
    code, out, err = run(str(doc), "--coder", "ana", "--dry-run")
    assert code == 0, err
    start = project.transcript_text(project.transcript("ana").id).index("It was luck.")
    assert out == (
        f"{doc}: 1 comment on ana v1 (1 of 1 commented passage found in it)\n"
        f"  comment 1: Careers / Luck and chance, {start}-{start + 12} \u201cIt was luck.\u201d "
        "(memo)\n"
        f"  comment 1: Careers / Winding route, {start}-{start + 12} \u201cIt was luck.\u201d "
        "(memo)\n"
        "Would import 1 coding for ana (1 already present); nothing was written (--dry-run).\n")
    assert snapshot(tmp_path / "qcahp.db") == before


def test_a_coding_two_comments_make_is_made_once(project: Store, tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    paras[2] = "**Ana:** {1}{2}It was luck.{/2}{/1} I\u2019d say it\u2019s luck"
    doc = word(tmp_path / "a.docx", paras, {1: "luck", 2: "Luck and chance: again"})
    code, out, _ = run(str(doc), "--coder", "ana", "--dry-run")
    assert out.endswith("Would import 1 coding for ana (0 already present); nothing was "
                        "written (--dry-run).\n")
    code, out, _ = run(str(doc), "--coder", "ana")
    assert out == ("Imported 1 coding for ana from 2 comments on ana v1 (0 already present, "
                   "1 memo, 1 repeated in the file).\n")
    assert codings(project, "ana") == [("luck", "It was luck.", "again")]


def test_codings_the_coder_has_are_not_doubled_and_undo_takes_them_back(
        project: Store, tmp_path: Path) -> None:
    doc = word(tmp_path / "a.docx", marked(2, "It was luck."), {1: "luck: first"})
    assert run(str(doc), "--coder", "ana")[0] == 0
    code, out, err = run(str(doc), "--coder", "ana")
    assert out == ("Imported 0 codings for ana from 1 comment on ana v1 (1 already "
                   "present).\n") and "undo" not in err
    assert len(project.codings(coder="ana")) == 1
    # Another memo on a coding that has one: the coding keeps its memo.
    doc2 = word(tmp_path / "b.docx", marked(2, "It was luck."), {1: "luck: second"})
    code, out, _ = run(str(doc2), "--coder", "ana")
    assert "1 already present, 1 coding kept the memo it had" in out
    assert codings(project, "ana") == [("luck", "It was luck.", "first")]
    result = CliRunner().invoke(cli, ["--db", "qcahp.db", "undo", "--coder", "ana",
                                      "--steps", "2"])
    assert result.exit_code == 0, result.output
    assert project.codings(coder="ana") == []


def reply_to_first(path: Path) -> None:
    """Make the document's second comment a reply to its first, as Word marks one: a
    ``paraId`` on each comment's paragraph and ``commentsExtended.xml`` naming the parent."""
    import zipfile

    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(parts["word/comments.xml"])
    for k, comment in enumerate(root.iter(f"{{{w}}}comment")):
        comment.findall(f"{{{w}}}p")[-1].set(f"{{{w14}}}paraId", f"0000000{k + 1}")
    parts["word/comments.xml"] = etree.tostring(root)
    parts["word/commentsExtended.xml"] = (
        f'<w15:commentsEx xmlns:w15="{w15}"><w15:commentEx w15:paraId="00000001" '
        'w15:done="0"/><w15:commentEx w15:paraId="00000002" w15:paraIdParent="00000001" '
        'w15:done="0"/></w15:commentsEx>').encode()
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", (
        b'<Relationship Id="rIdReply" Type="http://schemas.microsoft.com/office/2011/'
        b'relationships/commentsExtended" Target="commentsExtended.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_replies_in_a_comment_thread_are_left_out(project: Store, tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    paras[2] = "**Ana:** {1}{2}It was luck.{/2}{/1} I\u2019d say it\u2019s luck"
    doc = word(tmp_path / "a.docx", paras, {1: "luck", 2: "Agreed, though not only luck"})
    assert [(c.text, c.reply) for c in read_word(doc).comments] == [
        ("luck", False), ("Agreed, though not only luck", False)]
    reply_to_first(doc)
    assert [(c.text, c.reply) for c in read_word(doc).comments] == [
        ("luck", False), ("Agreed, though not only luck", True)]
    code, out, err = run(str(doc), "--coder", "ana")
    assert code == 0, err
    assert out == ("Imported 1 coding for ana from 1 comment on ana v1 (0 already present); "
                   "1 reply to comments left out.\n")
    assert codings(project, "ana") == [("luck", "It was luck.", None)]


def test_word_markup_around_the_text_is_read_as_word_shows_it(project: Store,
                                                                tmp_path: Path) -> None:
    """Runs split inside a word, proofing marks, bookmarks, a field code, tracked
    changes (a deletion left out, an insertion kept) and a comment range that starts
    between paragraphs, as Word writes them."""
    import zipfile

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = (
        '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Ana:</w:t></w:r><w:r><w:t xml:space="preserve">'
        ' It was </w:t></w:r><w:bookmarkStart w:id="0" w:name="b"/><w:commentRangeStart '
        'w:id="7"/><w:proofErr w:type="spellStart"/><w:r><w:t>lu</w:t></w:r><w:r><w:rPr><w:i/>'
        '</w:rPr><w:t>ck</w:t></w:r><w:proofErr w:type="spellEnd"/><w:del w:id="1" '
        'w:author="Jo"><w:r><w:delText>, sheer chance</w:delText></w:r></w:del><w:r><w:t>.'
        '</w:t></w:r><w:commentRangeEnd w:id="7"/><w:r><w:commentReference w:id="7"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:bookmarkEnd w:id="0"/></w:p>'
        '<w:commentRangeStart w:id="8"/><w:p><w:r><w:rPr><w:b w:val="1"/></w:rPr><w:t>Ana:'
        '</w:t></w:r><w:ins w:id="2" w:author="Jo"><w:r><w:t xml:space="preserve"> Yes.</w:t>'
        '</w:r></w:ins><w:r><w:t xml:space="preserve"> Then</w:t></w:r>'
        '<w:commentRangeEnd w:id="8"/></w:p>')
    comments = ('<w:comment w:id="7" w:author="Jo"><w:p><w:r><w:t>luck</w:t></w:r></w:p>'
                '</w:comment><w:comment w:id="8" w:author="Jo"><w:p><w:r><w:t>winding</w:t>'
                '</w:r></w:p></w:comment>')
    doc = tmp_path / "word.docx"
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{w}"><w:body>{body}'
                    "</w:body></w:document>")
        zf.writestr("word/comments.xml", f'<w:comments xmlns:w="{w}">{comments}</w:comments>')
        zf.writestr("word/_rels/document.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/comments" Target="comments.xml"/>'
            "</Relationships>"))
    assert read_word(doc).text == "Ana: It was luck.\nAna: Yes. Then\n"
    code, _, err = run(str(doc), "--coder", "ana")
    assert code == 0, err
    assert codings(project, "ana") == [("luck", "luck.", None), ("winding", "Yes. Then", None)]


# ---------------------------------------------------------------------------- the round trip
def test_show_docx_comes_back_as_the_same_codings(project: Store, tmp_path: Path) -> None:
    info = project.transcript("ana")
    text = project.transcript_text(info.id)

    def code(theme: str, start: str, end: str | None = None, nth: int = 0) -> int:
        a = -1
        for _ in range(nth + 1):
            a = text.index(start, a + 1)
        b = a + len(start) if end is None else text.index(end, a) + len(end)
        return project.code(info.id, theme, "ana", a, b).id

    luck = code("luck", "It was luck.")
    code("winding", "luck -- pure", "listened.")  # overlaps the next
    code("board", "the board listened.")
    across = code("board", "pure luck", "to lead.")  # over three turns
    code("luck", "Yes.", nth=1)  # a repeat: the second "Yes."
    code("board", "board", nth=3)
    code("board", "it's luck --")  # ends in a "--", folded to one dash
    project.set_memo("ana", "coding", luck, "Chance: said twice\nsecond line")
    project.set_memo("ana", "coding", across, "over the turns")
    shown = CliRunner().invoke(cli, ["--db", "qcahp.db", "show", "ana", "--coder", "ana",
                                     "-o", "ana.docx"])
    assert shown.exit_code == 0, shown.output
    code_, out, err = run("ana.docx", "--coder", "bob")
    assert code_ == 0, err
    assert out.startswith("Imported 7 codings for bob from 9 comments on ana v1 ")

    def spans(coder: str) -> set[tuple[str, int, int, str | None]]:
        return {(c.theme_id, c.start, c.end, c.memo) for c in project.codings(coder=coder)}

    assert spans("bob") == spans("ana") and len(spans("ana")) == 7
    code_, out, _ = run("ana.docx", "--coder", "ana")
    assert "Imported 0 codings for ana" in out and "(7 already present)" in out


def test_a_supervisors_comments_on_a_students_coded_transcript(project: Store,
                                                               tmp_path: Path) -> None:
    """The student's codings, which `qcahp show` wrote as comments, stay the student's:
    imported as the supervisor's they would make the two coders agree on every one."""
    info = project.transcript("ana")
    text = project.transcript_text(info.id)
    start = text.index("It was luck.")
    project.code(info.id, "luck", "stu", start, start + 12)
    project.code(info.id, "board", "stu", text.index("the board listened."),
                 text.index("the board listened.") + 19)
    assert CliRunner().invoke(cli, ["--db", "qcahp.db", "show", "ana", "--coder", "stu",
                                    "-o", "stu.docx"]).exit_code == 0
    doc = Document(str(tmp_path / "stu.docx"))
    para = next(p for p in doc.paragraphs if "turning point" in p.text)
    doc.add_comment(para.runs[-1], text="turning point: agreed?", author="Prof Jo")
    doc.save(tmp_path / "jo.docx")
    code, out, err = run("jo.docx", "--coder", "jo")
    assert code == 0, err
    assert out == ("Imported 1 coding for jo from 1 comment on ana v1 (0 already present, "
                   "1 memo); 2 comments holding stu's codings (written by `qcahp show`) "
                   "left out: they are stu's, not jo's.\n")
    assert [c.theme_id for c in project.codings(coder="jo")] == ["turning_point"]
    # The student importing the same copy reads their own codings (already there) and
    # the supervisor's comment, as before.
    code, out, err = run("jo.docx", "--coder", "stu", "--dry-run")
    assert code == 0 and "Would import 1 coding for stu (2 already present)" in out, err


def test_show_docx_with_brackets_in_the_theme_and_the_coder(project: Store,
                                                             tmp_path: Path) -> None:
    project.edit_theme("luck", coder="lead", name="Luck (chance)")
    info = project.transcript("ana")
    text = project.transcript_text(info.id)
    start = text.index("It was luck.")
    project.code(info.id, "luck", "Ana (RA)", start, start + 12)
    assert CliRunner().invoke(cli, ["--db", "qcahp.db", "show", "ana", "--coder", "Ana (RA)",
                                    "-o", "ra.docx"]).exit_code == 0
    assert read_word(tmp_path / "ra.docx").comments[0].text == "Careers / Luck (chance) (Ana (RA))"
    code, out, err = run("ra.docx", "--coder", "bob")
    assert code == 0, err
    assert [(c.theme_id, c.start) for c in project.codings(coder="bob")] == [("luck", start)]


def test_a_show_docx_of_two_coders_is_refused(project: Store, tmp_path: Path) -> None:
    info = project.transcript("ana")
    project.code(info.id, "luck", "ana", 0, 7)
    project.code(info.id, "board", "ben", 30, 40)
    assert CliRunner().invoke(cli, ["--db", "qcahp.db", "show", "ana", "--all-coders",
                                    "-o", "all.docx"]).exit_code == 0
    code, _, err = run("all.docx", "--coder", "cai")
    assert code == 1 and err.strip() == (
        "Error: all.docx: its comments hold the codings of 2 coders (ana (comment 1), ben "
        "(comment 2)); import one coder's at a time (`qcahp show TRANSCRIPT --coder NAME -o "
        "FILE.docx`)")
    assert project.codings(coder="cai") == []


def test_the_researchers_own_docx_after_qcahp_import(tmp_path: Path) -> None:
    """The bundled radiographer_sam.docx as `qcahp import` stores it (labels and heading
    left out of the text), commented in a copy of the very file."""
    source = REPO / "transcripts" / "radiographer_sam.docx"
    result = CliRunner().invoke(cli, ["--db", "qcahp.db", "import", str(source)])
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "qcahp.db") as store:
        store.save_codebook(Codebook("Small", THEMES))
    doc = Document(str(source))
    paras = [p for p in doc.paragraphs if p.text.startswith("Sam Okafor:")]
    # Sam's first answer, label and all, to the end of his second answer.
    doc.add_comment([paras[0].runs[0], paras[1].runs[-1]], text="winding: the route",
                    author="Jo")
    doc.save(tmp_path / "sam-jo.docx")
    code, out, err = run("sam-jo.docx", "--coder", "jo")
    assert code == 0, err
    with open_store(tmp_path / "qcahp.db") as store:
        info = store.transcript("radiographer_sam")
        turns = [t for t in store.turns(info.id) if t.speaker == "Sam Okafor"]
        [coding] = store.codings(coder="jo")
        assert (coding.theme_id, coding.start, coding.end, coding.memo) == (
            "winding", turns[0].start, turns[1].end, "the route")


# ---------------------------------------------------------------------------- bad files
def test_a_file_that_is_not_a_word_document(project: Store, tmp_path: Path) -> None:
    text = tmp_path / "notes.docx"
    text.write_text("Interviewer: hello\n", encoding="utf-8")
    code, out, err = run(str(text), "--coder", "ana")
    assert code == 1 and out == ""
    assert err == (f"Error: {text}: not a Word .docx file: it holds plain text (rename it "
                   "to .txt)\n")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + bytes(random.Random(1).randrange(256) for _ in range(300)))
    code, _, err = run(str(broken), "--coder", "ana")
    assert code == 1 and err.startswith(f"Error: {broken}: not a valid Word .docx file")
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_a_word_document_under_another_name_and_other_formats(project: Store,
                                                                tmp_path: Path) -> None:
    doc = word(tmp_path / "a.docx", marked(2, "It was luck."), {1: "luck"})
    renamed = tmp_path / "codings.csv"
    renamed.write_bytes(doc.read_bytes())
    code, out, err = run(str(renamed), "--coder", "ana", "--dry-run")
    assert code == 0 and "comment 1: Careers / Luck and chance" in out, err
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    code, _, err = run(str(old), "--coder", "ana")
    assert code == 1 and err == (
        f"Error: {old}: this is an old Office 97-2003 file (.doc) or a password-protected "
        "Office document, not a CSV file or a Word .docx of codings: open it in Word and "
        "save it as .docx\n")


def test_a_document_without_comments(project: Store, tmp_path: Path) -> None:
    doc = word(tmp_path / "plain.docx", ORIGINAL, {})
    code, _, err = run(str(doc), "--coder", "ana")
    assert code == 1 and err == (
        f"Error: {doc}: the document has no comments, so there is nothing to import (each "
        "coding is a comment naming its theme on the passage)\n")


def test_comments_on_no_text(project: Store, tmp_path: Path) -> None:
    # On a speaker label only: nothing of the interview is commented.
    doc = word(tmp_path / "labels.docx", ["{1}**Interviewer:**{/1} How did you get here?"],
               {1: "luck"})
    code, _, err = run(str(doc), "--coder", "ana")
    assert code == 1 and err == (
        f"Error: {doc}: its comment is on no text of the interview (on nothing, or a speaker "
        "label only): select the passage, then add the comment\n")


def test_passages_in_no_transcript(project: Store, tmp_path: Path) -> None:
    doc = word(tmp_path / "else.docx", ["{1}Another study altogether.{/1}"], {1: "luck"})
    code, _, err = run(str(doc), "--coder", "ana")
    assert code == 1 and err == (
        f"Error: {doc}: the commented passage is in no transcript of this project (was the "
        "document's text changed, or is it another project's?); name the transcript with "
        "--transcript NAME to see each passage's problem\n")
    doc = word(tmp_path / "else.docx", ["{1}Another study{/1} {2}altogether.{/2}"],
               {1: "luck", 2: "board"})
    assert run(str(doc), "--coder", "ana")[2].startswith(
        f"Error: {doc}: none of the 2 commented passages is in a transcript of this project")
    code, _, err = run(str(doc), "--coder", "ana", "--transcript", "ana")
    assert code == 1 and err.count("passage not found in ana v1") == 2


def test_csv_options_that_are_for_word_only(project: Store, tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("transcript,theme,start,end,quote\n", encoding="utf-8")
    code, _, err = run(str(csv), "--coder", "ana", "--dry-run")
    assert code == 1 and "--dry-run is for a Word .docx" in err


def test_the_consensus_coder_is_refused(project: Store, tmp_path: Path) -> None:
    doc = word(tmp_path / "a.docx", marked(2, "It was luck."), {1: "luck"})
    code, _, err = run(str(doc), "--coder", "consensus")
    assert code == 1 and project.codings() == []
    code, out, err = run(str(doc), "--coder", " ", "--dry-run")
    assert (code, out, err) == (1, "", "Error: a coder needs a name: --coder NAME\n")


# ---------------------------------------------------------------------------- folding
def test_fold_map_folds_as_fold_does_and_maps_back() -> None:
    rng = random.Random(7)
    alphabet = "ab Ξς\u03a3\u00dfI\u0130 \t\n\u00a0-\u2013\u2014\u2019\u201c\u2026\u00ad."
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        folded, starts, ends = fold_map(text)
        assert folded == fold(text)
        assert len(starts) == len(ends) == len(folded) and starts == sorted(starts)
        assert all(0 <= a < b <= len(text) for a, b in zip(starts, ends, strict=True))
        for a, b, c in zip(starts, ends, folded, strict=True):
            # Each folded character stands for a stretch whose folding holds it.
            assert c in fold(text[a:b])
