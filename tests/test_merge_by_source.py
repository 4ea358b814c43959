"""Merging a copy whose coder imported the same files with another version's parser.

Its stored text differs (cues joined, a PDF's running headers kept or dropped), so its
transcripts match none here by content, but they record the same source file
(``transcripts.source_hash``). The merge re-anchors each coding by its words; one whose
words are not here stays out, whole, and is reported.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.merge_remap import Remap
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed

FILE = "f" * 64  # the SHA-256 of the interview file both coders imported

HEADER = "Trust Confidential Page 2"
# This project's reading: no running headers; one subtitle cue per sentence joined.
HERE = [("Helen", "participant",
         "I started on the ward. Then the board asked me to lead. It was luck, really."),
        ("Helen", "participant",
         "The board asked me to lead again. It was a mandate.")]
# The coder's reading of the same file: headers kept as turns, a cue break kept as a
# line break, and two spaces after a full stop.
THERE = [("Helen", "participant", "Trust Confidential Page 1"),
         ("Helen", "participant",
          "I started on the ward.\nThen the board asked me to lead.  It was luck, really."),
         ("Helen", "participant", HEADER),
         ("Helen", "participant",
          "The board asked me to lead again. It was a mandate.")]


def _codebook(store):
    store.save_codebook(Codebook("ahp", (Theme("serendipity", "Serendipity"),
                                         Theme("mandate", "Board mandate"))))


def _suggest(store, tid, theme, start, end, patterns='["p1"]'):
    with store.write():
        cur = store.conn.execute(
            'INSERT INTO suggestions (transcript_id, theme_id, unit, start, "end", pattern_ids, '
            "matches, created_at) VALUES (?, ?, 'sentence', ?, ?, ?, '[]', 'now')",
            [tid, theme, start, end, patterns])
    return cur.lastrowid


def _at(text, words, nth=0):
    """The span of the ``nth`` occurrence of ``words`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


@pytest.fixture
def projects(tmp_path):
    """main.db (this reading) and ben.db (the other reading, coded by ben)."""
    main = open_store(tmp_path / "main.db")
    _codebook(main)
    info, _ = main.add_transcript("helen", make_parsed(HERE), source_hash=FILE)
    text = main.transcript_text(info.id)
    # This project's suggestion over "It was a mandate." (same theme and patterns).
    _suggest(main, info.id, "mandate", *_at(text, "It was a mandate."))
    main.close()
    ben = open_store(tmp_path / "ben.db")
    _codebook(ben)
    there, _ = ben.add_transcript("helen", make_parsed(THERE), source_hash=FILE)
    old = ben.transcript_text(there.id)
    tid = there.id
    ben.code(tid, "serendipity", "ben", *_at(old, "It was luck, really."))
    ben.code(tid, "mandate", "ben", *_at(old, "board asked me to lead"))  # the first
    ben.code(tid, "mandate", "ben", *_at(old, "board asked me to lead", 1))
    header = ben.code(tid, "mandate", "ben", *_at(old, HEADER))  # a dropped region
    ben.set_memo("ben", "coding", header.id, "a header, oddly")
    # Across a dropped header: its words are not together here.
    ben.code(tid, "serendipity", "ben", _at(old, "really.")[0], _at(old, "The board")[1])
    # Suggestions: one this project has too, one it has not, one over a header.
    same = _suggest(ben, tid, "mandate", *_at(old, "It was a mandate."))
    ben.accept(same, "ben")
    only_there = _suggest(ben, tid, "serendipity", *_at(old, "I started on the ward."))
    ben.accept(only_there, "ben")
    ben.reject(_suggest(ben, tid, "mandate", *_at(old, "Trust Confidential Page 1")), "ben")
    ben.close()
    return tmp_path / "main.db", tmp_path / "ben.db"


def _dump(path):
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t}").fetchall()  # noqa: S608
                for t in ("codings", "decisions", "suggestions", "memos", "events", "coders")}
    finally:
        conn.close()


def test_codings_are_mapped_by_their_words_and_the_rest_reported(projects):
    main_path, ben_path = projects
    store = open_store(main_path)
    counts = store.merge_from(ben_path)
    helen = store.transcript("helen")
    text = store.transcript_text(helen.id)
    got = sorted((c.theme_id, c.start, c.end, c.quote, c.origin)
                 for c in store.codings(coder="ben"))
    assert got == sorted([
        ("serendipity", *_at(text, "It was luck, really."), "It was luck, really.", "manual"),
        # Repeated words land where the words around them say, not at the first match.
        ("mandate", *_at(text, "board asked me to lead"), "board asked me to lead", "manual"),
        ("mandate", *_at(text, "board asked me to lead", 1), "board asked me to lead",
         "manual"),
        ("mandate", *_at(text, "It was a mandate."), "It was a mandate.", "suggested"),
        # Its suggestion is not here: the coder's judgement comes in as a hand coding.
        ("serendipity", *_at(text, "I started on the ward."), "I started on the ward.",
         "manual"),
    ])
    assert counts["codings"] == 5 and counts["suggestions"] == 0
    [match] = store.merge_by_source
    assert match.transcript == "helen" and match.mapped == 5 and match.as_hand == 1
    assert match.decisions_out == 2  # the accept of the one not here, the header reject
    assert sorted(s.quote for s in match.stranded) == sorted([
        HEADER, f"really.\n\n{HEADER}\n\nThe board"])
    # The decision on the suggestion this project has is carried, onto it.
    [sid] = [s.id for s in store.suggestions(theme_id="mandate")]
    assert store.decision_of(sid, "ben") == "accepted"
    assert store.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 1
    # Nothing half-applied: the header coding's memo stayed out with it.
    assert store.conn.execute("SELECT COUNT(*) FROM memos").fetchone()[0] == 0
    assert store.events()[-1]["by_source"] == {"helen": {"mapped": 5, "not_mapped": 2}}


def test_merging_again_adds_nothing(projects):
    main_path, ben_path = projects
    store = open_store(main_path)
    store.merge_from(ben_path)
    before = _dump(main_path)
    counts = store.merge_from(ben_path)
    assert not any(counts.values())
    assert _dump(main_path) == before
    [match] = store.merge_by_source
    assert match.mapped == 0 and len(match.stranded) == 2  # still said, never dropped


def test_a_refused_merge_leaves_the_project_as_it_was(projects):
    main_path, ben_path = projects
    ben = open_store(ben_path)
    ben.add_transcript("zed", make_parsed([("Zed", "participant", "Other words.")]),
                       source_hash="0" * 64)
    ben.close()
    before = _dump(main_path)
    store = open_store(main_path)
    with pytest.raises(UserError, match="not in this project.*zed"):
        store.merge_from(ben_path)
    assert _dump(main_path) == before


def test_without_the_same_source_file_it_is_still_refused(tmp_path):
    main = open_store(tmp_path / "main.db")
    _codebook(main)
    main.add_transcript("helen", make_parsed(HERE), source_hash=FILE)
    main.close()
    ben = open_store(tmp_path / "ben.db")
    _codebook(ben)
    ben.add_transcript("helen", make_parsed(THERE))  # imported before file hashes
    ben.close()
    store = open_store(tmp_path / "main.db")
    with pytest.raises(UserError, match=r"not in this project \(by content\): helen"):
        store.merge_from(tmp_path / "ben.db")


def test_a_transcript_matching_by_text_is_merged_as_before(projects):
    main_path, ben_path = projects
    ben = open_store(ben_path)
    # Ben also imports this project's reading (another file name, same text).
    info, _ = ben.add_transcript("helen-b", make_parsed(HERE), source_hash="e" * 64)
    ben.code(info.id, "mandate", "ben", 0, 9)
    ben.close()
    store = open_store(main_path)
    store.merge_from(ben_path)
    assert [m.transcript for m in store.merge_by_source] == ["helen"]
    assert ("mandate", 0, 9) in {(c.theme_id, c.start, c.end)
                                 for c in store.codings(coder="ben")}


def test_remap_whitespace_only_maps_every_word():
    old = "One  two\nthree.\n\nFour five six."
    new = "One two three. Four five six."
    remap = Remap("t", old, new)
    assert remap.span(0, len(old)) == (0, len(new))
    s, e = _at(old, "two\nthree")
    assert remap.span(s, e) == _at(new, "two three")
    # A span starting or ending inside a word keeps its place inside it.
    s, e = _at(old, "wo\nthr")
    assert remap.span(s, e) == _at(new, "wo thr")
    assert remap.span(*_at(old, "\n\n")) is None  # white space alone: no words


def test_remap_refuses_words_that_changed_or_were_dropped():
    old = "Page 1\nThe nurse said yes. Page 2\nThen colour came."
    new = "The nurse said yes. Then color came."
    remap = Remap("t", old, new)
    assert remap.span(*_at(old, "The nurse said yes.")) == _at(new, "The nurse said yes.")
    assert remap.span(*_at(old, "Page 2")) is None
    assert remap.span(*_at(old, "yes. Page 2\nThen")) is None  # across a dropped header
    assert remap.span(*_at(old, "colour came")) is None  # the words differ here
    assert remap.span(*_at(old, "came.")) == _at(new, "came.")


INTERVIEW = ("Interviewer: How did your career begin?\n\n"
             "Helen: I qualified in 1996. I loved the wards, and the wards loved me.\n\n"
             "Interviewer: What changed?\n\n"
             "Helen: A secondment nobody wanted. That is where I learned how it fits.\n")


def test_cli_merges_a_copy_imported_by_an_older_parser(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli
    from qualcoder_ahp.importers import batch, import_paths, read_transcript

    def older_reading(path, **kwargs):
        """An older parser: the file's running header kept as a turn of its own."""
        real = read_transcript(path, **kwargs)
        turns = [("Helen", "participant", "Career stories, page 1")]
        turns += [(t.speaker, t.role, real.text[t.start:t.end]) for t in real.turns]
        return make_parsed(turns, real.format)

    file = tmp_path / "physio.txt"
    file.write_text(INTERVIEW, encoding="utf-8")
    main, ben = tmp_path / "main.db", tmp_path / "ben.db"

    def run(*args):
        result = CliRunner().invoke(cli, ["--db", str(main), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    run("import", str(file))
    with open_store(main) as store:
        _codebook(store)
    with monkeypatch.context() as patch:
        patch.setattr(batch, "read_transcript", older_reading)
        with open_store(ben) as store:
            _codebook(store)
            import_paths(store, [file])
            info = store.transcript("physio")
            old = store.transcript_text(info.id)
            store.code(info.id, "serendipity", "ben", *_at(old, "the wards", 1))
            store.code(info.id, "mandate", "ben", *_at(old, "A secondment nobody wanted."))
            store.code(info.id, "mandate", "ben", *_at(old, "Career stories"))
    with open_store(main) as store:
        text = store.transcript_text(store.transcript("physio").id)
    assert text != old
    result = run("merge", str(ben))
    assert result.stdout.splitlines() == [
        f"Merged {ben}: 1 new coder (ben), 2 codings, 3 log events.",
        "Matched by source file, not text (physio): 2 codings mapped onto this project's "
        "text, 1 not mapped."]
    assert "note: 1 coding of" in result.stderr
    assert "physio ben mandate [0, 14) 'Career stories'" in result.stderr
    with open_store(main) as store:
        assert sorted((c.start, c.end, c.quote) for c in store.codings(coder="ben")) == [
            (*_at(text, "the wards", 1), "the wards"),
            (*_at(text, "A secondment nobody wanted."), "A secondment nobody wanted.")]
    before = _dump(main)
    again = run("merge", str(ben), "--verbose")
    assert again.stdout.splitlines() == [
        f"Nothing new in {ben}.",
        "Matched by source file, not text (physio): 0 codings mapped onto this project's "
        "text, 1 not mapped.",
        "Not mapped (the words are not at their place in this project's text; left out, "
        "with their decisions and memos):",
        "  physio ben mandate [0, 14) 'Career stories'"]
    assert _dump(main) == before


def _merged_log(projects) -> tuple[str, str]:
    """``qcahp log`` after main.db merged ben.db, and helen's text here."""
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    main_path, ben_path = projects
    store = open_store(main_path)
    store.merge_from(ben_path)
    text = store.transcript_text(store.transcript("helen").id)
    store.close()
    return CliRunner().invoke(cli, ["--db", str(main_path), "log"]).stdout, text


def _said(log: str, word: str) -> list[str]:
    """What the log's lines holding ``word`` say after "merged in from copy ben.db: "."""
    return [line.rstrip().split("ben.db: ", 1)[1] for line in log.splitlines()
            if word in line]


def test_the_log_says_a_coding_left_out_was_not_brought_in(projects):
    """"merged in from copy ben.db: coded by hand (Board mandate)" read as applied, for
    a coding whose words are not here."""
    log, _text = _merged_log(projects)
    out = " \u2014 not brought in: its words are not in this project's text"
    hand = _said(log, "coded by hand")
    assert len(hand) == 5, log
    # The header coding and the one across a dropped header; the three placed are not.
    assert [line for line in hand if line.endswith(out)] == [
        f"coded by hand (Board mandate) on helen{out}",
        f"coded by hand (Serendipity) on helen{out}"], log


def test_the_log_says_a_memo_on_a_coding_left_out_was_not_brought_in(projects):
    log, _text = _merged_log(projects)
    assert _said(log, "the memo on") == [
        "wrote the memo on a coding (Board mandate) on helen \u2014 not brought in: its "
        "coding's words are not in this project's text"], log
    assert sum("\u2014 not brought in" in line for line in log.splitlines()) == 3


def test_the_log_names_the_theme_of_a_merged_decision_on_a_suggestion_not_here(projects):
    log, text = _merged_log(projects)
    # The accept of a suggestion this project lacks is not taken for the accept of the one
    # it has (the guess made for merges from before their ids were translated), and
    # names its theme and place as an accept made here does.
    accepts = _said(log, "accepted")
    start, end = _at(text, "I started on the ward.")
    assert len(accepts) == 2 and accepts[1] == (
        f"accepted a suggestion (Serendipity) on helen [{start}, {end})"), log
    assert sum("accepted suggestion 1 " in a for a in accepts) == 1, log
    # A reject of a suggestion over words not here: its theme and transcript.
    assert _said(log, "rejected") == ["rejected a suggestion (Board mandate) on helen"], log


def test_a_copy_that_merged_such_a_decision_passes_its_theme_on(projects):
    # The lead's copy merges the project, which merged ben's copy: the words carry over.
    main_path, ben_path = projects
    lead = main_path.with_name("lead.db")
    shutil.copy(main_path, lead)
    log, text = _merged_log(projects)
    store = open_store(lead)
    store.merge_from(main_path)
    store.close()
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    there = CliRunner().invoke(cli, ["--db", str(lead), "log"]).stdout
    for word in ("accepted", "rejected", "the memo on"):
        assert _said(there, word) == _said(log, word), there
