"""Search across transcripts: the core (``reports.search``) and ``qcahp search``.

On the reports tests' known project (:func:`tests.test_reports.build_project`): t1
(Asha), t2 (Ben), t3 (Cara), each an interviewer turn then a participant turn; alice
coded *Serendipity* on "I fell into management by chance." in t1, bob on "Luck played a
part." in t3. Every expected offset is found in the stored text by the test itself.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import ParsedTranscript, Turn
from qualcoder_ahp.reports.search import (
    SearchQuery,
    code_hits,
    compile_terms,
    search,
)
from tests.conftest import make_parsed
from tests.test_reports import build_project


@pytest.fixture
def project(store):
    return store, build_project(store)


def q(*terms: str, **options: object) -> SearchQuery:
    return SearchQuery(tuple(terms), **options)  # type: ignore[arg-type]


def where(result) -> list[tuple[str, str, str, int]]:  # type: ignore[no-untyped-def]
    return [(h.transcript, h.match, h.role, h.turn) for h in result.hits]


# ---------------------------------------------------------------------- core
def test_plain_is_case_insensitive_and_finds_every_speaker(project):
    store, ids = project
    result = search(store, q("BOARD"))
    assert where(result) == [("t1", "board", "participant", 2),
                             ("t3", "board", "interviewer", 1),
                             ("t3", "board", "participant", 2)]
    assert (result.searched, result.transcripts) == (3, 2)
    assert result.summary() == ("3 hits in 2 of 3 transcripts for \u201cBOARD\u201d "
                                "(all speakers)")
    for h in result.hits:  # offsets are the stored text's
        text = store.transcript_text(ids[h.transcript])
        assert text[h.start:h.end] == "board"
        assert h.sentence_start <= h.start < h.end <= h.sentence_end
    t1 = store.transcript_text(ids["t1"])
    first = result.hits[0]
    assert t1[first.sentence_start:first.sentence_end] == "The board listened to me."
    assert (first.speaker, first.participant, first.time) == ("Asha", "P01", None)
    # Context: 40 characters either side, within the turn, cut at a word.
    assert (first.before, first.after) == ("\u2026 by chance. It was a winding road. The ",
                                           " listened to me.")


def test_role_filter(project):
    store, _ = project
    assert [h.transcript for h in search(store, q("board", role="participant")).hits] == [
        "t1", "t3"]
    inter = search(store, q("board", role="interviewer"))
    assert where(inter) == [("t3", "board", "interviewer", 1)]
    assert inter.summary().endswith("(interviewer turns)")
    with pytest.raises(UserError, match="no speaker role 'nurse'"):
        search(store, q("board", role="nurse"))


def test_case_sensitive_and_whole_words(project):
    store, _ = project
    assert search(store, q("Board", case_sensitive=True)).hits == []
    assert len(search(store, q("board", case_sensitive=True)).hits) == 3
    # "rout" is inside "route" (t2) and "road"... only whole words with --word.
    assert [h.match for h in search(store, q("rout")).hits] == ["rout"]
    assert search(store, q("rout", word=True)).hits == []
    assert [h.match for h in search(store, q("route", word=True)).hits] == ["route"]
    # A term that ends in punctuation is still a whole-word match.
    assert [h.match for h in search(store, q("board?", word=True)).hits] == ["board?"]


def test_several_terms_and_regex_alternatives_agree(project):
    store, _ = project
    plain = search(store, q("chance", "luck"))
    regex = search(store, q("chance|luck", regex=True))
    assert where(plain) == where(regex) == [("t1", "chance", "participant", 2),
                                            ("t3", "Luck", "participant", 2)]
    # In plain mode "|" is just a character: nothing has it.
    assert search(store, q("chance|luck")).hits == []
    assert plain.summary().startswith("2 hits in 2 of 3 transcripts for \u201cchance\u201d "
                                      "or \u201cluck\u201d")


def test_regex_errors_are_one_line_and_name_the_problem(project):
    store, _ = project
    with pytest.raises(UserError) as bad:
        search(store, q("luck", "board(", regex=True))
    assert str(bad.value) == ("bad regular expression 'board(': missing ), unterminated "
                              "subpattern at position 5")
    with pytest.raises(UserError, match="matches empty text"):
        compile_terms(["x*"], regex=True)
    with pytest.raises(UserError, match="empty search term"):
        compile_terms(["  "])
    with pytest.raises(UserError, match="nothing to search for"):
        compile_terms([])
    # A global flag is refused inside the combined pattern, with the way round it.
    with pytest.raises(UserError, match=r"write \(\?i:\.\.\.\)"):
        compile_terms(["(?s)luck", "board"], regex=True)
    assert compile_terms(["(?i:luck)", "board"], regex=True, case_sensitive=True).search("LUCK")
    # Literal text with regex characters is fine in plain mode.
    assert compile_terms(["board("]).pattern == re.escape("board(")


def test_offsets_match_the_stored_text_for_a_regex(project):
    store, ids = project
    result = search(store, q(r"\b\w+ed\b", regex=True))
    assert {h.match for h in result.hits} >= {"listened", "planned", "moved", "played"}
    for h in result.hits:
        text = store.transcript_text(ids[h.transcript])
        assert text[h.start:h.end] == h.match
        assert re.fullmatch(r"\w+ed", h.match)
        sentence = text[h.sentence_start:h.sentence_end]
        assert sentence in {text[s.start:s.end] for s in store.sentences(ids[h.transcript])}
        # The excerpt is a piece of the turn, around the match.
        assert h.excerpt.strip("\u2026 ") in " ".join(text.split())


def test_a_match_across_sentences_codes_both(project):
    store, ids = project
    (hit,) = search(store, q(r"chance\. It", regex=True)).hits
    t1 = store.transcript_text(ids["t1"])
    assert t1[hit.sentence_start:hit.sentence_end] == ("I fell into management by chance. "
                                                       "It was a winding road.")


def test_transcript_filter(project):
    store, _ = project
    result = search(store, q("board"), transcripts=["t3"])
    assert [h.transcript for h in result.hits] == ["t3", "t3"] and result.searched == 1
    with pytest.raises(UserError, match="no transcript 't4'"):
        search(store, q("board"), transcripts=["t4"])


def test_context_is_cut_at_words_within_the_turn(store):
    long = ("alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima "
            "Covid mike november oscar papa quebec romeo sierra tango uniform victor")
    store.add_transcript("x", make_parsed([("I", "interviewer", "Before the covid talk?"),
                                           ("P", "participant", long)]))
    hits = search(store, q("covid"), context=20).hits
    assert [h.match for h in hits] == ["covid", "Covid"]
    assert (hits[0].before, hits[0].after) == ("Before the ", " talk?")  # not across turns
    assert hits[1].before == "\u2026 juliett kilo lima "
    assert hits[1].after == " mike november oscar\u2026"


def test_no_sentences_no_turns(store):
    text = "first line about covid\nsecond line without it"
    store.add_transcript("bare", ParsedTranscript(text, [], "txt", []))
    turned = "one turn about covid. and more"
    store.add_transcript("turns", ParsedTranscript(
        turned, [Turn("P", "participant", 0, len(turned))], "txt", []))
    bare, turns = search(store, q("covid")).hits
    assert text[bare.sentence_start:bare.sentence_end] == "first line about covid"
    assert (bare.speaker, bare.role, bare.turn) == (None, None, None)
    assert turned[turns.sentence_start:turns.sentence_end] == turned  # the turn
    assert search(store, q("covid", role="participant")).hits == [turns]


def test_hits_coded_with_a_theme_are_marked(project):
    store, _ = project
    alice = search(store, q("chance", "luck"), theme="serendipity", coder="alice")
    assert [h.coded for h in alice.hits] == [True, False]  # bob coded the luck sentence
    anyone = search(store, q("chance", "luck"), theme="serendipity")
    assert [h.coded for h in anyone.hits] == [True, True]
    assert anyone.summary().endswith("; 2 already coded with serendipity")
    assert [h.coded for h in search(store, q("luck")).hits] == [None]
    with pytest.raises(UserError, match="no theme 'serendipty'.*did you mean 'serendipity'"):
        search(store, q("luck"), theme="serendipty")
    with pytest.raises(UserError, match="give --theme too"):
        search(store, q("luck"), coder="alice")


def test_code_hits_is_one_undoable_decision(project):
    store, ids = project
    found = search(store, q("board", "chance"), theme="serendipity", coder="alice")
    before = {c.id for c in store.codings(coder="alice")}
    events = len(store.events())
    outcome = code_hits(store, found.hits, "serendipity", "alice", about="board or chance")
    # 4 hits: t1 "chance" sentence is alice's already; t1 board, t3 question, t3 board new.
    assert (outcome.coded, outcome.skipped, outcome.hits) == (3, 1, 4)
    assert len(store.events()) == events + 1
    event = store.events()[-1]
    assert event["kind"] == "undo_group" and event["search"] == "board or chance"
    new = [c for c in store.codings(coder="alice", theme_id="serendipity")
           if c.id not in before]
    got = {(c.transcript_id, c.quote) for c in new}
    assert got == {(ids["t1"], "The board listened to me."),
                   (ids["t3"], "What about the board?"),
                   (ids["t3"], "I sit on the trust board.")}
    assert all(c.origin == "manual" for c in new)
    again = search(store, q("board", "chance"), theme="serendipity", coder="alice")
    assert all(h.coded for h in again.hits)
    assert code_hits(store, again.hits, "serendipity", "alice").coded == 0
    # One undo takes every coding back; one redo brings them all again.
    undone = store.undo("alice")
    assert undone is not None and undone["kind"] == "undo_group"
    assert {c.id for c in store.codings(coder="alice")} == before
    store.redo("alice")
    assert {c.id for c in store.codings(coder="alice")} == before | {c.id for c in new}


def test_code_hits_refuses_folders_and_codes_a_sentence_once(project):
    store, _ = project
    found = search(store, q("board", "trust", role="participant"))
    with pytest.raises(UserError, match="is a folder"):
        code_hits(store, found.hits, "career", "carl")
    # "I sit on the trust board." holds two hits: one coding.
    outcome = code_hits(store, found.hits, "mandate", "carl")
    assert (outcome.coded, outcome.skipped) == (2, 0)
    assert len(store.codings(coder="carl")) == 2


# ---------------------------------------------------------------------- CLI
def run(db, *args, ok=True):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--db", str(db), "search", *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_cli_table_lines_up_the_matches(db):
    result = run(db, "board")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["transcript", "turn", "speaker", "before", "match", "after"]
    assert len(lines) == 5
    columns = {line.index("board", len("transcript  turn  speaker")) for line in lines[2:]}
    assert len(columns) == 1  # keyword in context: the matches in one column
    assert result.stderr == ("3 hits in 2 of 3 transcripts for \u201cboard\u201d "
                             "(all speakers)\n")


def test_cli_csv_json_md_xlsx(db, tmp_path):
    rows = list(csv.DictReader(io.StringIO(run(db, "luck", "chance", "--format", "csv",
                                               "--role", "participant").stdout)))
    assert [(r["transcript"], r["speaker"], r["role"], r["turn"], r["match"], r["sentence"])
            for r in rows] == [
        ("t1", "Asha", "participant", "2", "chance", "I fell into management by chance."),
        ("t3", "Cara", "participant", "2", "Luck", "Luck played a part.")]
    with open_store(db) as store:
        text = store.transcript_text(store.transcript("t3").id)
    assert text[int(rows[1]["start"]):int(rows[1]["end"])] == "Luck"
    doc = json.loads(run(db, "--regex", "chance|luck", "--theme", "serendipity",
                         "--coder", "alice", "--format", "json").stdout)
    assert doc["query"]["regex"] is True and doc["theme"] == "serendipity"
    assert [(h["transcript"], h["coded"]) for h in doc["hits"]] == [("t1", True), ("t3", False)]
    md = run(db, "board", "--word", "--format", "md").stdout
    assert md.startswith("## Search: \u201cboard\u201d (whole words, all speakers)")
    assert "winding road. The **board** listened to me. |" in md
    assert "| t3 | 1 | Interviewer | What about the **board**? |" in md
    out = tmp_path / "hits.xlsx"
    result = run(db, "board", "-o", str(out))
    assert result.stderr.splitlines() == [
        f"Wrote 3 hits to {out}",
        "3 hits in 2 of 3 transcripts for \u201cboard\u201d (all speakers)"]
    sheet = load_workbook(out)["Hits"]
    assert [c.value for c in sheet[1]][:8] == ["transcript", "participant", "speaker", "role",
                                               "turn", "time", "before", "match"]
    assert sheet.max_row == 4


def test_cli_no_hits(db):
    result = run(db, "pandemic")
    assert result.stdout == "(no hits)\n"
    assert result.stderr.startswith("0 hits in 0 of 3 transcripts")
    assert run(db, "pandemic", "--format", "csv").stdout.startswith("transcript,participant")


@pytest.mark.parametrize(("args", "message"), [
    (["--regex", "covid("], "Error: bad regular expression 'covid(': missing ), "
                            "unterminated subpattern at position 5"),
    (["luck", "--coder", "alice"], "Error: --coder marks the hits coded with a theme: "
                                   "give --theme too"),
    (["luck", "--theme", "serendipity", "--coder", "zed"], "Error: no coder named 'zed'"),
    (["luck", "--code", "serendipity"], "Error: --code needs --coder NAME"),
    (["luck", "--code", "career", "--coder", "ana"], "Error: theme 'career' is a folder"),
    (["luck", "--theme", "nope"], "Error: no theme 'nope' in the codebook"),
    # --code answers a typo as --theme does: the closest id and the codebook's ids
    (["luck", "--code", "serendipty", "--coder", "ana"],
     "Error: no theme 'serendipty' in the codebook; did you mean 'serendipity'? (themes: "),
    (["luck", "--transcript", "t9"], "Error: no transcript 't9'"),
    (["luck", "-o", "hits.pdf"], "Error: hits.pdf: this report cannot be written as a .pdf"),
])
def test_cli_errors_are_one_line(db, args, message):
    result = run(db, *args, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_cli_markdown_escapes_the_transcript_text(db):
    """A transcript's own markup stays literal in the Markdown hits (as in `qcahp show
    --format md`): its `*`, backticks and HTML do not turn into emphasis, code or tags
    (a bold match inside backticks showed as "**tick**"), only the match is bold."""
    with open_store(db) as store:
        store.add_transcript("t9", make_parsed([
            ("Ann", "participant", "Pay c*d_e and `tick` and <script>x</script> | end.")]))
    md = run(db, "tick", "--transcript", "t9", "--format", "md").stdout
    assert ("| t9 | 1 | Ann | Pay c\\*d_e and \\`**tick**\\` and \\<script>x\\</script> "
            "\\| end. |") in md
    title = run(db, "--regex", "<b>|tick", "--format", "md").stdout.splitlines()[0]
    assert title == "## Search: \u201c\\<b>\\|tick\u201d (regex, all speakers)"


def test_cli_refuses_a_project_without_transcripts(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "new.db"), "search", "luck"])
    assert result.exit_code == 1 and "no project database here" in result.stderr
    with open_store(tmp_path / "empty.db"):
        pass
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "empty.db"), "search", "luck"])
    assert result.exit_code == 1
    assert "no transcripts in this project yet" in result.stderr


def test_cli_context_width(db):
    wide = run(db, "board", "--context", "70", "--format", "json").stdout
    narrow = run(db, "board", "--context", "10", "--format", "json").stdout
    assert json.loads(wide)["hits"][0]["before"] == ("I fell into management by chance. It was a "
                                                     "winding road. The ")
    assert json.loads(narrow)["hits"][0]["before"] == "\u2026 road. The "


def test_cli_bad_role_is_a_usage_error(db):
    result = run(db, "luck", "--role", "nurse", ok=False)
    assert result.exit_code == 2 and "'nurse' is not one of" in result.stderr


def test_cli_code_codes_once_and_one_undo_takes_it_back(db):
    with open_store(db) as store:
        before = len(store.codings(coder="alice"))
    result = run(db, "board", "chance", "--code", "serendipity", "--coder", "alice")
    assert result.stderr.splitlines() == [
        "4 hits in 2 of 3 transcripts for \u201cboard\u201d or \u201cchance\u201d (all "
        "speakers); 1 already coded with serendipity by alice",
        "Coded 3 sentences with Serendipity as alice; skipped 1 sentence already coded "
        "with it (one decision: `qcahp undo --coder alice` or u in the workbench undoes it)."]
    assert result.stdout.splitlines()[0].split()[:3] == ["coded", "transcript", "turn"]
    assert [line[:5].strip() for line in result.stdout.splitlines()[2:]] == ["yes", "", "", ""]
    again = run(db, "board", "chance", "--code", "serendipity", "--coder", "alice")
    assert again.stderr.splitlines()[-1] == ("Nothing coded: every sentence with a hit is "
                                             "already coded with Serendipity by alice.")
    with open_store(db) as store:
        assert len(store.codings(coder="alice")) == before + 3
        store.undo("alice")
        assert len(store.codings(coder="alice")) == before
    new = run(db, "luck", "--code", "serendipity", "--coder", "dora")
    assert "note: 'dora' is a new coder" in new.stderr
    assert "Coded 1 sentence with Serendipity as dora" in new.stderr
    # The undo named on the command line is one to paste, for any name
    spaced = run(db, "board", "--code", "serendipity", "--coder", "Zoé O'Neill")
    assert "`qcahp undo --coder 'Zoé O'\"'\"'Neill'` or u in the workbench" in spaced.stderr
    result = CliRunner().invoke(cli, ["--db", str(db), "undo", "--coder", "Zoé O'Neill"])
    assert result.exit_code == 0 and "undid: coded 3 sentences found by search" in result.output


def test_context_cuts_at_any_whitespace(store):
    body = "one two three\nfour five six covid seven\neight nine ten eleven"
    store.add_transcript("lines", make_parsed([("P", "participant", body)]))
    (hit,) = search(store, q("covid"), context=10).hits  # " seven\neig" cut at the newline
    assert (hit.before, hit.after) == ("\u2026 five six ", " seven\u2026")
    assert hit.excerpt == "\u2026 five six covid seven\u2026"
    (hit,) = search(store, q("covid"), context=12).hits  # "eight" whole: kept, on one line
    assert hit.after == " seven eight\u2026"
