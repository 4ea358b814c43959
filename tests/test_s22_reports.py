"""Reports as a researcher writing up an interview study reads them (session 22).

A passage coded over an interviewer's question and the answer was attributed to the
interviewer alone ("turn 1, speaker Interviewer") and, on a terminal and in the
framework matrix, printed as one run of words: the participant's answer read as the
interviewer's. A passage selected from the blank line before an answer was the
question's too.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import docx
import openpyxl
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.conftest import make_parsed

QUESTION = "So how did your career begin?"
ANSWER = "By chance, really. My manager went off sick and I held the fort."
TURNS = [("Interviewer", "interviewer", QUESTION), ("Asha", "participant", ANSWER),
         ("Interviewer", "interviewer", "And then?"),
         ("Asha", "participant", "Then I applied for the post.")]


def project(tmp_path: Path) -> Path:
    """One transcript; coder ana codes the question with its answer, and (from the
    blank line before it) the answer alone."""
    from qualcoder_ahp.records import Codebook, Theme

    path = tmp_path / "p.db"
    store = open_store(path)
    store.save_codebook(Codebook("t", (Theme("serendipity", "Serendipity", position=0),
                                       Theme("mandate", "Mandate", position=1))))
    info, _ = store.add_transcript("asha", make_parsed(TURNS), participant="P01")
    store.set_participant_attributes("P01", {"profession": "physio"})
    text = store.transcript_text(info.id)
    q, a = text.index(QUESTION), text.index(ANSWER)
    store.code(info.id, "serendipity", "ana", q, a + len("By chance, really."))
    store.code(info.id, "mandate", "ana", q + len(QUESTION), a + len(ANSWER))
    store.close()
    return path


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_quote_over_question_and_answer_names_both_speakers(tmp_path):
    db = project(tmp_path)
    text = run(db, "quotes", "--coder", "ana", "--theme", "serendipity", "--format", "text")
    assert "turns 1-2, speakers Interviewer and Asha; coder ana" in text
    assert "speaker Interviewer;" not in text
    # One line per turn: the answer does not run on from the question.
    assert f"  \u201c{QUESTION}\n  By chance, really.\u201d" in text

    out = tmp_path / "q.docx"
    run(db, "quotes", "--coder", "ana", "--theme", "serendipity", "-o", str(out))
    paras = [p.text for p in docx.Document(str(out)).paragraphs]
    assert any("turns 1-2, speakers Interviewer and Asha" in p for p in paras), paras

    rows = list(csv.DictReader(io.StringIO(
        run(db, "quotes", "--coder", "ana", "--theme", "serendipity", "--format", "csv")
        .lstrip("\ufeff"))))
    assert [(r["speaker"], r["turn"]) for r in rows] == [("Interviewer; Asha", "1")]
    (q,) = json.loads(run(db, "quotes", "--coder", "ana", "--theme", "serendipity",
                          "--format", "json"))["quotes"]
    assert (q["speaker"], q["turn"], q["last_turn"], q["speakers"]) == (
        "Interviewer", 1, 2, ["Interviewer", "Asha"])

    book = tmp_path / "q.xlsx"
    run(db, "quotes", "--coder", "ana", "--theme", "serendipity", "-o", str(book))
    sheet = openpyxl.load_workbook(book)["Quotes"]
    head = [c.value for c in sheet[1]]
    assert sheet.cell(2, head.index("speaker") + 1).value == "Interviewer; Asha"


def test_a_quote_starting_on_the_blank_line_is_the_answers(tmp_path):
    db = project(tmp_path)
    text = run(db, "quotes", "--coder", "ana", "--theme", "mandate", "--format", "text")
    assert "P01, transcript asha, turn 2, speaker Asha; coder ana" in text
    (q,) = json.loads(run(db, "quotes", "--coder", "ana", "--theme", "mandate",
                          "--format", "json"))["quotes"]
    assert (q["speaker"], q["turn"]) == ("Asha", 2)
    assert "last_turn" not in q and "speakers" not in q


def test_the_framework_matrix_cites_both_turns(tmp_path):
    db = project(tmp_path)
    rows = list(csv.DictReader(io.StringIO(
        run(db, "framework", "--coder", "ana", "--format", "csv").lstrip("\ufeff"))))
    cells = {r["theme"]: r["quotes"] for r in rows}
    assert cells["serendipity"].startswith(f"asha, turns 1-2: \u201c{QUESTION}")
    assert cells["mandate"].startswith("asha, turn 2: \u201cBy chance")


def test_a_memo_on_such_a_coding_is_placed_as_its_quote(tmp_path):
    db = project(tmp_path)
    store = open_store(db)
    (coding,) = [c for c in store.codings(coder="ana") if c.theme_id == "mandate"]
    store.set_memo("ana", "coding", coding.id, "Acting up as the way in")
    store.close()
    (memo,) = json.loads(run(db, "memos", "--coder", "ana", "--format", "json"))["memos"]
    assert (memo["speaker"], memo["turn"]) == ("Asha", 2)


def test_the_agreed_codings_appendix_says_consensus_once(db, tmp_path):
    """Every quote of the consensus appendix read "…; coder consensus, consensus"."""
    out = tmp_path / "agreed.docx"
    run(db, "quotes", "--consensus", "-o", str(out))
    lines = [p.text for p in docx.Document(str(out)).paragraphs if p.text.startswith("\u2014")]
    assert lines and all(line.endswith("; consensus coding") for line in lines), lines
    text = run(db, "quotes", "--consensus", "--format", "text")
    assert "; consensus coding" in text and "consensus, consensus" not in text
    # Another coder's attribution is unchanged.
    assert "; coder alice, manual" in run(db, "quotes", "--coder", "alice", "--format", "text")


def disputed(tmp_path: Path) -> tuple[Path, int]:
    """ana and ben agree on the answer's first sentence; only ana codes its second.
    The agreed passage is copied into the consensus; the other is left undecided."""
    from qualcoder_ahp.records import Codebook, Theme

    path = tmp_path / "d.db"
    store = open_store(path)
    store.save_codebook(Codebook("t", (Theme("serendipity", "Serendipity", position=0),
                                       Theme("luck", "Luck", position=1))))
    info, _ = store.add_transcript("asha", make_parsed(TURNS), participant="P01")
    store.add_transcript("bo", make_parsed(TURNS), participant="P02")
    text = store.transcript_text(info.id)
    first = text.index("By chance, really.")
    second = text.index("My manager went off sick")
    for coder in ("ana", "ben"):
        store.code(info.id, "serendipity", coder, first, first + len("By chance, really."))
    store.code(info.id, "serendipity", "ana", second, second + len("My manager went off sick"))
    store.close()
    run(db := path, "reconcile", "copy-agreed", "--coders", "ana,ben", "--by", "lead")
    return db, second


def test_a_report_of_an_unfinished_consensus_says_so(tmp_path):
    """copy-agreed, then the reports of the consensus for the paper: nothing said that
    the passages the coders disputed were in none of the figures."""
    db, at = disputed(tmp_path)
    for args in (("counts", "--consensus"), ("quotes", "--consensus", "--format", "csv"),
                 ("framework", "--consensus"), ("cooccurrence", "--coder", "consensus")):
        result = CliRunner().invoke(cli, ["--db", str(db), *args])
        assert result.exit_code == 0, result.output
        assert ("note: consensus is not final: 1 of the 1 stretch where ana and ben coded "
                "differently is not decided yet") in result.stderr, args
    # Not about another coder's report, nor about transcripts not chosen.
    assert "not final" not in CliRunner().invoke(
        cli, ["--db", str(db), "counts", "--coder", "ana"]).stderr
    assert "not final" not in CliRunner().invoke(
        cli, ["--db", str(db), "counts", "--consensus", "--transcript", "bo"]).stderr
    # --theme: that theme's stretches only.
    assert "not final" not in CliRunner().invoke(
        cli, ["--db", str(db), "counts", "--consensus", "--theme", "luck"]).stderr
    assert "where ana and ben coded serendipity differently" in CliRunner().invoke(
        cli, ["--db", str(db), "quotes", "--consensus", "--theme", "serendipity"]).stderr
    # Decided: nothing more to say.
    run(db, "reconcile", "decide", "take", "ana", "--transcript", "asha", "--theme",
        "serendipity", "--at", str(at), "--coders", "ana,ben", "--by", "lead")
    result = CliRunner().invoke(cli, ["--db", str(db), "counts", "--consensus"])
    assert result.exit_code == 0 and "not final" not in result.stderr


def test_framework_workbook_tells_apart_themes_of_one_name(tmp_path):
    """Barriers under two folders headed two columns "Barriers" in framework.xlsx."""
    from qualcoder_ahp.records import Codebook, Theme

    path = tmp_path / "b.db"
    store = open_store(path)
    store.save_codebook(Codebook("t", (
        Theme("career", "Career", codable=False, position=0),
        Theme("career_barriers", "Barriers", parent_id="career", position=1),
        Theme("voice", "Voice", codable=False, position=2),
        Theme("voice_barriers", "Barriers", parent_id="voice", position=3),
        Theme("luck", "Luck", parent_id="career", position=4),
        Theme("profession", "profession", parent_id="voice", position=5))))
    info, _ = store.add_transcript("asha", make_parsed(TURNS), participant="P01")
    store.set_participant_attributes("P01", {"profession": "physio"})
    start = store.transcript_text(info.id).index(ANSWER)
    store.code(info.id, "voice_barriers", "ana", start, start + len(ANSWER))
    store.close()
    out = tmp_path / "fw.xlsx"
    run(path, "framework", "--coder", "ana", "-o", str(out))
    head = [c.value for c in openpyxl.load_workbook(out)["framework"][1]]
    assert head == ["case", "case kind", "profession", "Career / Barriers", "Luck",
                    "Voice / Barriers", "Voice / profession"]


def coders_paragraph(db: Path) -> str:
    report = json.loads(run(db, "methods", "--format", "json"))
    (text,) = [p["text"] for p in report["paragraphs"] if p["heading"] == "Coders"]
    return text


def test_methods_coders_paragraph_reads_as_a_journal_expects(db, tmp_path):
    """"ana coded 7 and ben 7. 7 of 7 transcripts (100.0%) were coded by two or more
    coders.": a sentence starting with a numeral, to say every transcript was coded
    by both."""
    assert coders_paragraph(db).startswith(
        "Two coders (alice and bob) have coded all three transcripts: every transcript "
        "was coded by both.")
    from qualcoder_ahp.records import Codebook, Theme

    path = tmp_path / "part.db"
    store = open_store(path)
    store.save_codebook(Codebook("t", (Theme("luck", "Luck", position=0),)))
    ids = [store.add_transcript(name, make_parsed([*TURNS, ("Asha", "participant", name)]),
                                participant=name)[0].id for name in ("t1", "t2", "t3")]
    start = store.transcript_text(ids[0]).index(ANSWER)
    for coder, coded in (("ana", ids[:2]), ("ben", ids[:1])):
        for tid in coded:
            store.code(tid, "luck", coder, start, start + len(ANSWER))
    store.close()
    text = coders_paragraph(path)
    assert text.startswith("Two coders (ana and ben) have coded: of the three transcripts, "
                           "ana coded two and ben one; one of them (33.3%) was coded by two or "
                           "more coders.")
    assert ". 1 of" not in text


def test_methods_reconciliation_figures_of_one_read_as_english(tmp_path):
    """"The consensus coding holds 1 codings ... of the 1 stretches ..., 1 are not yet
    decided" in the paragraph a paper takes."""
    db, _ = disputed(tmp_path)
    report = json.loads(run(db, "methods", "--coders", "ana,ben", "--format", "json"))
    (text,) = [p["text"] for p in report["paragraphs"] if p["heading"] == "Reconciliation"]
    assert "The consensus coding holds 1 coding." in text
    assert "of the 1 stretch of differing codings the reconcile step decides, 1 is not yet " \
           "decided." in text
    assert "1 codings" not in text and "1 spans" not in text
    (said,) = [p["text"] for p in report["paragraphs"] if p["heading"] == "Suggestions"]
    assert "of ben's 1 coding in effect" in said


def test_saturation_of_one_theme_says_theme(tmp_path):
    db, _ = disputed(tmp_path)
    assert "1 participant in import order, 1 theme found" in run(db, "saturation")


def test_counts_markdown_says_what_its_columns_mean(db):
    """counts.md for a team meeting: "segments", "share_pct" with no word on them."""
    md = run(db, "counts", "--format", "md")
    legend = md.split("\n\n")[-1]
    assert legend.startswith("Columns: codings \u2014 codings of the theme")
    for column in ("segments", "transcripts", "participants", "words", "chars",
                   "share_pct", "words_pct"):
        assert f"; {column} \u2014 " in legend, column
    by = run(db, "counts", "--by", "transcript", "--format", "md")
    assert "Columns: codings \u2014" in by


def test_quotes_of_an_uncoded_theme_say_which(db):
    """`quotes --theme weapon` said "(none: nothing is coded in this selection)" of a
    project where alice coded four other passages."""
    md = run(db, "quotes", "--coder", "alice", "--theme", "weapon", "--format", "md")
    assert "(none: nothing is coded with Untapped secret weapon here)" in md
    assert "nothing is coded in this selection" not in md
    text = run(db, "quotes", "--coder", "alice", "--theme", "weapon", "--format", "text")
    assert "No codings of Untapped secret weapon here." in text


def test_word_files_say_what_they_are_not_python_docx(db, tmp_path):
    """Every Word file said author "python-docx", created 2013-12-23, "generated by
    python-docx": what a journal's submission system shows beside an appendix."""
    from datetime import datetime, timedelta, timezone

    made = {
        "quotes.docx": ("quotes", "--coder", "alice"),
        "framework.docx": ("framework", "--coder", "alice"),
        "saturation.docx": ("saturation", "--coder", "alice"),
        "memos.docx": ("memos",),
        "methods.docx": ("methods",),
        "codebook.docx": ("codebook", "show"),
        "t1.docx": ("show", "t1", "--coder", "alice"),
    }
    now = datetime.now(timezone.utc)
    for name, args in made.items():
        out = tmp_path / name
        run(db, *args, "-o", str(out))
        props = docx.Document(str(out)).core_properties
        assert "python-docx" not in f"{props.author} {props.comments} {props.last_modified_by}"
        assert props.author == ""  # blind review: nobody named
        assert props.comments.startswith("Made with qualcoder_ahp ")
        assert props.title, name
        created = props.created.replace(tzinfo=timezone.utc)
        assert abs(created - now) < timedelta(minutes=5), (name, props.created)
    assert docx.Document(str(tmp_path / "quotes.docx")).core_properties.title == \
        "Quotes (coder alice)"
