"""An interview imported in two versions is one interview to the text reports.

``qcahp import --new-version`` stores a corrected transcript next to the old one (whose
codings stay on it). ``qcahp search`` and ``qcahp words`` (and the workbench's search and
key words screens, which call the same functions) read each transcript in its latest
version: before, "7 hits in 3 of 7 transcripts" counted one interview's two versions as
two transcripts, and word frequencies counted its text twice. ``--transcript NAME@1``
reads an older version instead, ``NAME`` is the latest, as agreement takes it.

On the words tests' project (:func:`tests.test_words.build`): t1 and t2, ana's ``luck``
codings on two sentences of t1 and one of t2; t1 then imported again as version 2 with
one word changed ("weekly" for "monthly"), uncoded.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.reports.search import SearchQuery, one_version, search
from qualcoder_ahp.reports.selection import select
from qualcoder_ahp.reports.words import coded_spans, tally
from qualcoder_ahp.tui.screens.keywords import caption, theme_keywords
from tests.conftest import make_parsed
from tests.test_words import T1, build

T1_V2 = [T1[0], (T1[1][0], T1[1][1], T1[1][2].replace("monthly", "weekly"))]


def add_version(store: Store) -> None:
    store.add_transcript("t1", make_parsed(T1_V2), participant="T1", new_version=True)


@pytest.fixture
def project(store: Store) -> Store:
    build(store)
    add_version(store)
    return store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "versions.db"
    store = open_store(path)
    build(store)
    add_version(store)
    store.close()
    return path


def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result


# ---------------------------------------------------------------------- words
def test_word_frequencies_count_each_interview_once(project):
    counted = tally(project)
    # t1 (latest, v2) and t2: "chance" twice in t1's participant turn, once in t2's.
    assert counted.transcripts == 2
    assert counted.words["chance"].count == 3  # was 5: t1's text counted twice
    assert counted.words["weekly"].count == 1 and "monthly" not in counted.words
    assert len(counted.words["chance"].transcripts) == 2


def test_a_name_is_its_latest_version_and_name_at_1_the_old_one(project):
    latest = tally(project, transcripts=["t1"])
    assert latest.transcripts == 1 and "weekly" in latest.words
    old = tally(project, transcripts=["t1@1"])
    assert old.transcripts == 1 and "monthly" in old.words and "weekly" not in old.words
    both = tally(project, transcripts=["t1@1", "t1"])
    assert both.transcripts == 2 and both.words["chance"].count == 4


def test_a_where_or_name_selection_keeps_one_version(project):
    chosen = one_version(project, select(project, ["t1"]), ["t1"])
    assert chosen is not None and chosen.names == ("t1@2",) and chosen.total == 2
    assert chosen.label == "Selection: transcript t1: 1 of 2 transcripts (t1@2)"
    named = one_version(project, select(project, ["t1@1", "t2"]), ["t1@1", "t2"])
    assert named is not None and named.names == ("t1@1", "t2")
    assert one_version(project, None) is None


def test_cli_words_counts_the_interview_once(db):
    result = run(db, "words", "--format", "csv", "--top", "0")
    counts = dict(line.split(",")[:2] for line in result.stdout.splitlines()[1:])
    assert counts["chance"] == "3" and counts["weekly"] == "1" and "monthly" not in counts
    assert "in 2 transcripts:" in result.stderr


def test_cli_key_words_say_which_codings_lie_on_an_older_version(db):
    result = run(db, "words", "--theme", "luck", "--coder", "ana", "--max-p", "1",
                 "--min-count", "1")
    assert ("note: 2 coded passages of luck on older versions (t1@1) not counted: each "
            "transcript is read in its latest version (--transcript t1@1 reads that one)"
            ) in " ".join(result.stderr.split())
    assert "in 1 passage vs" in result.stderr  # t2's only
    # Naming the coded version reads it: no note, all three passages.
    named = run(db, "words", "--theme", "luck", "--coder", "ana", "--transcript", "t1@1",
                "--transcript", "t2", "--max-p", "1", "--min-count", "1")
    assert "note:" not in named.stderr and "in 3 passages vs" in named.stderr
    assert "1 of 2 transcripts" not in named.stdout
    assert "(t1@1, t2)" in named.stdout  # not "t1" beside a t1@2


def test_key_words_screen_counts_the_latest_versions_and_says_so(project):
    found = theme_keywords(project, "luck", "ana")
    assert found.transcripts == 2 and found.older == 2
    assert found.report is not None and found.report.passages == 1
    assert "(2 passages of yours on older versions of a transcript not counted" in (
        caption(found))
    subtree, spans = coded_spans(project, "luck", "ana")
    assert sum(len(s) for s in spans.values()) == 3  # the codings themselves stay


# ---------------------------------------------------------------------- search
def q(*terms: str) -> SearchQuery:
    return SearchQuery(tuple(terms))


def test_search_reads_each_interview_once(project):
    found = search(project, q("chance"))
    assert found.searched == 2 and found.transcripts == 2
    assert {h.transcript for h in found.hits} == {"t1@2", "t2"}
    assert len(found.hits) == 3  # was 5 hits "in 3 of 3 transcripts"
    assert found.summary().startswith("3 hits in 2 of 2 transcripts")
    old = search(project, q("monthly"), transcripts=["t1@1"])
    # Named as every report names it (name@1 beside a name@2), not the bare name "t1"
    # while the selection line below the table said "(t1@1)".
    assert [h.transcript for h in old.hits] == ["t1@1"]
    assert search(project, q("monthly")).hits == []


def test_cli_search_counts_transcripts_once(db):
    result = run(db, "search", "chance")
    assert result.stderr.startswith("3 hits in 2 of 2 transcripts")
    one = run(db, "search", "chance", "--transcript", "t1")
    assert one.stderr.startswith("2 hits in 1 of 1 transcript")
    assert "Selection: transcript t1: 1 of 2 transcripts (t1@2)" in one.stdout
    old = run(db, "search", "monthly", "--transcript", "t1@1", "--format", "csv")
    assert [line.split(",")[0] for line in old.stdout.splitlines()[1:]] == ["t1@1"]
    table = run(db, "search", "monthly", "--transcript", "t1@1").stdout
    assert table.splitlines()[2].startswith("t1@1 ")
    assert "Selection: 1 of 2 transcripts (t1@1)" in table


# ---------------------------------------------------------------------- counts
def _counts(db: Path, *args: str) -> dict[str, list[str]]:
    lines = run(db, "counts", "--coder", "ana", "--format", "csv", *args).stdout.splitlines()
    return {row.split(",")[0]: row.split(",") for row in lines[1:]}


def test_counts_share_is_of_the_versions_the_codings_lie_on(project, db):
    """``share_pct`` took every version's text as its denominator: t1's two versions
    counted its text twice (ana's codings are all on t1@1 and t2)."""
    from qualcoder_ahp.reports.counts import theme_counts
    from qualcoder_ahp.reports.data import ReportData

    data = ReportData(project, "ana")
    t1, t1b, t2 = sorted(data.transcripts.values(), key=lambda t: (t.name, t.version))
    assert [t.label for t in (t1, t1b, t2)] == ["t1@1", "t1@2", "t2"]
    assert data.read_versions() == [t1, t2]
    luck = next(r.figures for r in theme_counts(data).rows if r.theme_id == "luck")
    assert luck.total_chars == t1.chars + t2.chars  # was t1.chars + t1b.chars + t2.chars
    assert luck.transcripts == 2
    # ben's codings, on t2 only: t1 is read in its latest version.
    assert ReportData(project, "ben").read_versions() == [t1b, t2]
    header = run(db, "counts", "--coder", "ana", "--format", "csv").stdout.splitlines()[0]
    share = header.split(",").index("share_pct")
    row = _counts(db)["luck"]
    assert abs(float(row[share]) - round(100 * luck.chars / (t1.chars + t2.chars), 2)) < 0.01


def test_counts_count_an_interview_coded_in_two_versions_once(db):
    """The transcripts column counted t1@1 and t1@2 as two transcripts."""
    store = open_store(db)
    latest = store.transcript("t1")
    text = store.transcript_text(latest.id)
    start = text.index("Chance shaped")
    store.code(latest.id, "luck", "ana", start, start + len("Chance shaped my career."))
    store.close()
    header = run(db, "counts", "--coder", "ana", "--format", "csv").stdout.splitlines()[0]
    column = header.split(",").index("transcripts")
    assert _counts(db)["luck"][column] == "2"  # t1 (both versions) and t2; was 3
    by = run(db, "counts", "--coder", "ana", "--by", "transcript", "--format", "csv").stdout
    assert {"t1@1", "t1@2", "t2"} <= {c for line in by.splitlines()[1:] for c in line.split(",")}


def test_counts_selection_names_every_version_of_an_interview(db):
    """``Selection: transcript t1: 2 of 3 transcripts (t1, t1@2)``: "t1" was version 1
    beside t1@2, and one interview read as two of three."""
    table = run(db, "counts", "--coder", "ana", "--transcript", "t1").stdout
    assert "Selection: transcript t1: 1 of 2 transcripts (t1@1, t1@2)" in table
    one = run(db, "counts", "--coder", "ana", "--transcript", "t1@1").stdout
    assert "Selection: 1 of 2 transcripts (t1@1)" in one


def test_counts_screen_counts_interviews_and_names_versions(project):
    """The counts screen's title said "all transcripts (3)" for two interviews, and its
    share column took both of t1's texts, as the CLI did."""
    from qualcoder_ahp.tui.screens.counts import Choice, attribute_values, counts_table

    table = counts_table(project, "theme", "ana")
    assert table.scope == "all transcripts (2)"
    share = table.columns.index("share_pct")
    cli = table.rows[[t[0] if t else "" for t in table.themes].index("luck")][share]
    from qualcoder_ahp.reports.counts import theme_counts
    from qualcoder_ahp.reports.data import ReportData

    luck = next(r.figures for r in theme_counts(ReportData(project, "ana")).rows
                if r.theme_id == "luck")
    assert cli == f"{luck.share_pct:.1f}"
    chosen = counts_table(project, "theme", "ana", Choice(transcripts=("t1",)))
    assert chosen.scope == "transcript t1: 1 of 2 transcripts"
    assert chosen.selection.endswith("(t1@1, t1@2)")
    assert dict(attribute_values(project, "nothing")) == {"(none)": 2}


# ------------------------------------------------------------------ agreement
def _code_ben(db: Path, *names: str) -> None:
    store = open_store(db)
    for name in names:
        t = store.transcript(name)
        text = store.transcript_text(t.id)
        start = text.index("by chance")
        store.code(t.id, "luck", "ben", start, start + len("by chance"))
    store.close()


def test_agreement_coverage_counts_interviews_as_counts_does(db):
    """"1 of 3 transcripts coded by both coders" counted t1@1 and t1@2 as two."""
    _code_ben(db, "t2")
    lines = run(db, "agreement", "--coders", "ana,ben").stdout.splitlines()
    assert lines[1] == ("1 of 2 transcripts coded by both coders; no coding or decision "
                        "yet: ben in 1 (--by transcript shows each)")


def test_agreement_coverage_says_an_interview_was_coded_on_two_versions(db):
    """ana coded t1@1, ben t1@2: not "ana in 1, ben in 1", as if either had not begun."""
    _code_ben(db, "t2", "t1")  # t1 is the latest version, t1@2
    lines = run(db, "agreement", "--coders", "ana,ben").stdout.splitlines()
    assert lines[1] == ("1 of 2 transcripts coded by both coders; 1 coded by each on a "
                        "different version (--by transcript shows each)")
