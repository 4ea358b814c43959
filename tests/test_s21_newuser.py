"""A newcomer's first study, session 21: what tripped a researcher new to the tool.

A small project of two short interviews (a labelled .txt and a Markdown one) and a
codebook of one theme with one pattern and one exclusion, as a newcomer writes it from
docs/codebook.md. Each test is one stumble: hand codings kept as a spreadsheet of quotes
with no character offsets (`qcahp codings import`), a participant id mistyped in a
script's `qcahp withdraw`, and the methods draft's counts of one pattern.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli

P01 = """Interviewer: How did you come to lead the service?

Respondent: I trained as a dietitian on a renal unit. The director asked me to step up \
when the manager left. I fell into it, really. Nobody planned it.

Interviewer: And now?

Respondent: Now I sit on the “system leadership group” with the directors. We're often an \
afterthought, so I bring data. I bring data to every meeting.
"""

P02 = """**Interviewer:** Was your move planned?

**Participant:** Yes, it wasn't by chance. I planned it for two years and did the \
leadership programme first.
"""

CODEBOOK = """name: Newcomer pilot
version: 1
themes:
  - id: chance
    name: Chance and invitation
    color: "#CC6677"
    description: Career moves that came from luck, timing or someone asking.
    patterns:
      - id: ch_fell
        phrase: "fell into"
    exclude:
      - id: ch_not_chance
        regex: "\\\\b(?:wasn't|not) by chance\\\\b"
  - id: voice
    name: Voice and visibility
    color: "#4477AA"
    description: Being heard or seen at senior levels.
"""


def run(db: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.stderr


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "p01.txt").write_text(P01, encoding="utf-8")
    (folder / "p02.md").write_text(P02, encoding="utf-8")
    (tmp_path / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
    db = tmp_path / "s.db"
    run(db, "import", str(folder))
    run(db, "codebook", "load", str(tmp_path / "cb.yaml"))
    return db


def text_of(db: Path, name: str) -> str:
    from qualcoder_ahp.model.store import open_store

    store = open_store(db)
    try:
        return store.transcript_text(store.transcript(name).id)
    finally:
        store.close()


def write_csv(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# -- codings import: a spreadsheet of quotes, no offsets -------------------------------------


def test_quotes_without_offsets_are_found_in_the_text(study, tmp_path):
    """A coder's hand codings as transcript, theme, quote: each quote is found in the
    text (a line break where the text has a space, straight quote marks for curly ones,
    the file's "We're" for the text's), and stored at its place."""
    csv = write_csv(tmp_path, "hand.csv",
                    "transcript,theme,quote\n"
                    "p01,chance,The director asked me to step up when the manager left.\n"
                    'p01,voice,"Now I sit on the ""system\nleadership group"" with the '
                    'directors."\n'
                    "p01,voice,We’re often an afterthought\n")
    assert run(study, "codings", "import", str(csv), "--coder", "ana") == (
        "Imported 3 codings for ana (0 already present).\n")
    text = text_of(study, "p01")
    rows = run(study, "codings", "export", "--coder", "ana").splitlines()[1:]
    got = sorted(tuple(r.split(",")[1:4]) for r in rows)
    step = text.index("The director asked")
    sit = text.index("Now I sit")
    often = text.index("We're often")
    assert got == sorted([
        ("chance", str(step), str(step + len("The director asked me to step up when the "
                                             "manager left."))),
        ("voice", str(sit), str(text.index("directors.") + len("directors."))),
        ("voice", str(often), str(often + len("We're often an afterthought")))])
    # Importing the same file again adds nothing.
    assert "(3 already present)" in run(study, "codings", "import", str(csv), "--coder", "ana")


def test_empty_offsets_in_a_row_find_its_quote_too(study, tmp_path):
    """Columns start and end present, but empty in a row: that row's quote is found."""
    text = text_of(study, "p01")
    at = text.index("I fell into it")
    csv = write_csv(tmp_path, "mixed.csv",
                    "transcript,theme,start,end,quote\n"
                    f"p01,chance,{at},{at + 23},\"I fell into it, really.\"\n"
                    "p01,voice,,,Nobody planned it.\n")
    assert "Imported 2 codings" in run(study, "codings", "import", str(csv), "--coder", "ana")


@pytest.mark.parametrize(("body", "message"), [
    ("transcript,theme,quote\np01,voice,I bring data\n",
     "hand.csv: line 2: the quote is in p01's text 2 times ("),
    ("transcript,theme,quote\np01,voice,I never said this\n",
     "hand.csv: line 2: the quote is not in p01's text (copy it from `qcahp show p01`, "
     "or give start and end)"),
    ("transcript,theme,quote\np01,voice,  \n",
     "hand.csv: line 2: no quote, and no start and end: give the coded text"),
    ("transcript,theme,start,quote\np01,voice,3,renal\n",
     "hand.csv: line 1: missing column(s) end"),
    ("transcript,theme,start,end,quote\np01,voice,5,,renal\n",
     "hand.csv: line 2: start and end must be whole numbers (or both empty"),
])
def test_a_quote_not_found_once_is_one_line_and_nothing_is_stored(study, tmp_path, body,
                                                                   message):
    before = dump(study)
    csv = write_csv(tmp_path, "hand.csv", body)
    err = run(study, "codings", "import", str(csv), "--coder", "ana", code=1)
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert dump(study) == before


def test_a_good_row_before_a_bad_one_is_not_stored(study, tmp_path):
    before = dump(study)
    csv = write_csv(tmp_path, "hand.csv",
                    "transcript,theme,quote\np01,voice,Nobody planned it.\np01,voice,data\n")
    err = run(study, "codings", "import", str(csv), "--coder", "ana", code=1)
    assert "line 3: the quote is in p01's text 2 times" in err
    assert dump(study) == before


def test_wrong_offsets_say_where_the_quote_is(study, tmp_path):
    """Offsets one character off (a spreadsheet counted from 1): the error names the
    span the quote is at, so the coder can fix the row."""
    at = text_of(study, "p01").index("Nobody planned it.")
    csv = write_csv(tmp_path, "off.csv", "transcript,theme,start,end,quote\n"
                                         f"p01,chance,{at + 1},{at + 19},Nobody planned it.\n")
    err = run(study, "codings", "import", str(csv), "--coder", "ana", code=1)
    assert err.strip().endswith(f"; the quote is at [{at}, {at + 18})")


def test_a_quote_is_whole_words_at_its_ends():
    from qualcoder_ahp.model.codings_csv_store import find_quote

    text = "Our database holds data. The data team."
    assert find_quote(text, "data") == [(19, 23), (29, 33)]
    assert find_quote(text, "base") == []
    assert find_quote(text, "  data.   The ") == [(19, 28)]
    assert find_quote("He said “no”.", 'said "no"') == [(3, 12)]
    assert find_quote(text, "   ") == []


def test_the_help_says_the_offsets_may_be_left_out(study):
    out = " ".join(run(study, "codings", "import", "--help").split())
    assert "Without" in out and "the quote is found in" in out


# -- withdraw: a mistyped participant id in a script -----------------------------------------


def test_withdraw_of_an_unknown_participant_says_so_without_yes(study):
    """Not at a terminal and without --yes, a mistyped id was refused as "pass --yes";
    the researcher who then added --yes learnt only then that no such participant is."""
    before = dump(study)
    err = run(study, "withdraw", "--participant", "p1", code=1)
    assert err.startswith("Error: no participant 'p1' in this project (participants: p01, p02)")
    assert "--yes" not in err
    assert dump(study) == before


def test_withdraw_of_a_known_participant_still_asks_for_yes_off_a_terminal(study):
    before = dump(study)
    err = run(study, "withdraw", "--participant", "p01", code=1)
    assert "withdrawal cannot be undone" in err and "--yes" in err
    assert "1 transcript to be withdrawn" not in err
    assert dump(study) == before


# -- methods: one pattern, one exclusion -----------------------------------------------------


def test_methods_counts_one_pattern_and_one_exclusion_in_the_singular(study):
    out = run(study, "methods")
    assert ("with 1 spaCy rule pattern that suggests them (1 exclusion pattern)."
            in " ".join(out.split()))
    assert "1 exclusion patterns" not in out


# -- decide: a coder changing their mind -----------------------------------------------------


@pytest.fixture()
def suggested(study: Path) -> tuple[Path, int]:
    run(study, "suggest")
    import json

    found = json.loads(run(study, "suggestions", "--format", "json"))
    assert [s["theme"] for s in found] == ["chance"]  # "fell into", in p01
    return study, found[0]["id"]


def test_a_changed_decision_says_what_it_replaced(suggested):
    db, sid = suggested
    first = run(db, "decide", str(sid), "accept", "--coder", "ben")
    assert "instead of" not in first
    coding = first.split("coding ")[1].split(" ")[0]
    out = run(db, "decide", str(sid), "reject", "--coder", "ben")
    assert out.startswith(f"Rejected suggestion {sid} (chance) as ben, instead of accepting "
                          f"it (coding {coding} [")
    assert out.rstrip().endswith(") removed).")
    back = run(db, "decide", str(sid), "accept", "--coder", "ben")
    assert back.startswith(f"Accepted suggestion {sid} (chance) as ben, instead of rejecting "
                           "it: coding ")
    assert run(db, "decide", str(sid), "accept", "--coder", "ben").startswith(
        "ben already accepted")


def test_the_first_reject_says_nothing_of_an_earlier_decision(suggested):
    db, sid = suggested
    assert run(db, "decide", str(sid), "reject", "--coder", "ana") == (
        f"Rejected suggestion {sid} (chance) as ana.\n")


# -- reports of a consensus that holds only decided disagreements ----------------------------


def test_a_consensus_without_the_agreed_passages_is_said_in_reports(suggested, tmp_path):
    """Two coders agree on a passage and differ on another; one reconcile decide, no
    copy-agreed: `counts --consensus` counted only the decided passage, silently. With
    no passage coded alike (tests/test_team_s18.py) nothing is said."""
    db, sid = suggested
    run(db, "decide", str(sid), "accept", "--coder", "ana")
    run(db, "decide", str(sid), "accept", "--coder", "ben")
    at = text_of(db, "p01").index("Nobody planned it.")
    csv = write_csv(tmp_path, "a.csv", "transcript,theme,quote\np01,voice,Nobody planned it.\n")
    run(db, "codings", "import", str(csv), "--coder", "ana")
    run(db, "reconcile", "decide", "take", "ana", "--transcript", "p01", "--theme", "voice",
        "--at", str(at), "--coders", "ana,ben", "--by", "lead")
    result = CliRunner().invoke(cli, ["--db", str(db), "counts", "--consensus"])
    assert result.exit_code == 0, result.output
    note = ("note: consensus holds only the 1 reconcile decision made so far: 1 passage ana "
            "and ben coded alike is not in it (`qcahp reconcile copy-agreed` copies them), so "
            "this report leaves them out.")
    assert note in result.stderr
    quotes = CliRunner().invoke(cli, ["--db", str(db), "quotes", "--consensus"])
    assert note in quotes.stderr
    # A coder's own report, or the consensus once the agreed passages are in: no note.
    assert "copy-agreed" not in CliRunner().invoke(
        cli, ["--db", str(db), "counts", "--coder", "ana"]).stderr
    run(db, "reconcile", "copy-agreed", "--coders", "ana,ben", "--by", "lead")
    after = CliRunner().invoke(cli, ["--db", str(db), "counts", "--consensus"])
    assert after.exit_code == 0 and "copy-agreed" not in after.stderr


def test_an_unknown_suggestion_id_says_where_the_ids_are(study):
    before = dump(study)
    err = run(study, "decide", "99", "accept", "--coder", "ana", code=1)
    assert err == ("Error: no suggestion with id 99: this project has no suggestions yet "
                   "(`qcahp codebook load FILE`, then `qcahp suggest`)\n")
    assert dump(study) == before
    run(study, "suggest")
    before = dump(study)
    err = run(study, "decide", "99", "accept", "--coder", "ana", code=1)
    assert err.startswith("Error: no suggestion with id 99 in this project (ids 1-1; "
                          "`qcahp suggestions` lists them)")
    assert dump(study) == before


def test_a_quote_copied_with_the_speaker_label_says_to_leave_it_out(study, tmp_path):
    """`qcahp show` prints each turn as "Respondent (participant): ..."; a quote copied
    with it is not found, and the error says why."""
    shown = run(study, "show", "p01").splitlines()
    line = next(x for x in shown if "fell into it" in x)
    assert line.startswith("Respondent (participant): ")
    csv = write_csv(tmp_path, "hand.csv", f'transcript,theme,quote\np01,chance,"{line}"\n')
    before = dump(study)
    err = run(study, "codings", "import", str(csv), "--coder", "ana", code=1)
    assert err == (f"Error: {csv}: line 2: the quote begins with the speaker label "
                   "'Respondent (participant):', which is not in the text: leave it out\n")
    assert dump(study) == before
    csv.write_text(f'transcript,theme,quote\np01,chance,"{line.split(": ", 1)[1]}"\n')
    assert "Imported 1 coding" in run(study, "codings", "import", str(csv), "--coder", "ana")
