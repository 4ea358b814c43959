"""What a researcher new to qcahp ran into, following the README on a fresh clone.

Each test failed on the code before its fix: a misleading message, a count that
differed between commands, a command that changed the database when it should not
have, or a repeated command that did the work again.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from test_engine import STORY, transcript

DATA = Path(__file__).parent / "data" / "codebooks"


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def rows(sql: str) -> list[tuple]:
    with sqlite3.connect(os.environ["QCAHP_DB"]) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def project(tmp_path: Path) -> None:
    """The default $QCAHP_DB with two transcripts, the small codebook and suggestions."""
    with open_store(tmp_path / "qcahp.db") as store:
        store.add_transcript("story", transcript(STORY))
        store.add_transcript("other", transcript([
            ("Q", "interviewer", "And then?"),
            ("Bo", "participant", "I fell into commissioning by chance."),
        ]))
    run("codebook", "load", str(DATA / "small.yaml"))
    run("suggest")


def _first_suggestion() -> int:
    return json.loads(run("suggestions", "--format", "json").stdout)[0]["id"]


# --------------------------------------------------------------------------- import
def test_two_files_of_one_import_with_the_same_name_say_so(tmp_path: Path) -> None:
    (tmp_path / "site_a").mkdir()
    (tmp_path / "site_b").mkdir()
    (tmp_path / "site_a" / "p01.txt").write_text("Interviewer: Hello?\n\nAnn: I fell into it.\n")
    (tmp_path / "site_b" / "p01.txt").write_text("Interviewer: Hi?\n\nBo: It was luck.\n")
    (tmp_path / "p01.docx").write_text("not looked at: the name clash is reported first")
    result = run("import", "site_a", "site_b", code=1)
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert len(failed) == 1, result.stderr
    # It used to say "a different transcript named 'p01' is already stored; use
    # --new-version", as if the file had been imported before.
    assert "site_b/p01.txt: another file of this import, site_a/p01.txt, is already " \
           "stored as 'p01'" in failed[0]
    assert "rename one of them" in failed[0]
    assert rows("SELECT name, version FROM transcripts") == [("p01", 1)]
    # The same text in two folders is one transcript, as before; --new-version still
    # makes a second version when that is what the researcher means.
    (tmp_path / "site_c").mkdir()
    (tmp_path / "site_c" / "p01.txt").write_text((tmp_path / "site_a" / "p01.txt").read_text())
    assert "0 failed" in run("import", "site_a", "site_c").stdout
    assert "imported   p01 (v2" in run("import", "site_a", "site_b", "--new-version").stdout


def test_a_name_stored_by_an_earlier_import_keeps_the_store_message(tmp_path: Path) -> None:
    (tmp_path / "p01.txt").write_text("Interviewer: Hello?\n\nAnn: I fell into it.\n")
    run("import", "p01.txt")
    (tmp_path / "p01.txt").write_text("Interviewer: Hello?\n\nAnn: It was luck.\n")
    result = run("import", "p01.txt", code=1)
    assert "a different transcript named 'p01' is already stored" in result.stderr


# --------------------------------------------------------------------------- blind
def test_showing_blind_coding_does_not_create_a_project(tmp_path: Path) -> None:
    typo = tmp_path / "stduy.db"
    result = run("--db", str(typo), "blind", code=1)
    assert "no project database here" in result.stderr
    assert not typo.exists()  # it used to leave an empty project behind
    run("--db", str(typo), "blind", "on")  # setting it is putting something in
    assert "Blind coding is on." in run("--db", str(typo), "blind").stdout


# --------------------------------------------------------------------------- decide
def test_deciding_the_same_way_twice_changes_nothing(project: None) -> None:
    sid = _first_suggestion()
    first = run("decide", str(sid), "accept", "--coder", "ana")
    assert first.stdout.startswith(f"Accepted suggestion {sid} ")
    events = rows("SELECT count(*) FROM events")
    codings = rows("SELECT id, active FROM codings")
    again = run("decide", str(sid), "accept", "--coder", "ana")
    # It used to deactivate the coding and make a new one, with a new event each time.
    assert again.stdout.startswith(f"ana already accepted suggestion {sid} ")
    assert "nothing changed" in again.stdout
    assert rows("SELECT count(*) FROM events") == events
    assert rows("SELECT id, active FROM codings") == codings
    # A different span, or another verdict, is a new decision.
    start, end = rows(f'SELECT start, "end" FROM suggestions WHERE id = {sid}')[0]
    adjusted = run("decide", str(sid), "accept", "--coder", "ana", "--start", str(start),
                   "--end", str(end - 1))
    assert "adjusted" in adjusted.stdout
    assert "with an adjusted span" in run("decide", str(sid), "accept", "--coder", "ana",
                                          "--start", str(start), "--end", str(end - 1)).stdout
    assert run("decide", str(sid), "reject", "--coder", "ana").stdout.startswith("Rejected")
    events = rows("SELECT count(*) FROM events")
    assert "ana already rejected" in run("decide", str(sid), "reject", "--coder", "ana").stdout
    assert rows("SELECT count(*) FROM events") == events


def test_deciding_as_a_new_coder_is_pointed_out(project: None) -> None:
    sid = _first_suggestion()
    first = run("decide", str(sid), "accept", "--coder", "ana")
    assert first.stderr == ""  # the project's first coder: nothing to mistype
    typo = run("decide", str(sid), "accept", "--coder", "anna")
    assert "note: 'anna' is a new coder in this project (coders so far: ana)" in typo.stderr
    assert typo.stdout.startswith("Accepted")  # still decided: that is how coder 2 starts
    assert run("decide", str(sid), "reject", "--coder", "ana").stderr == ""


# --------------------------------------------------------------------------- codebook
def test_check_load_and_show_count_patterns_alike(tmp_path: Path) -> None:
    book = str(DATA / "small.yaml")
    checked = run("codebook", "check", book).stdout
    sizes = checked.split("OK: ", 1)[1].strip()
    assert "exclusion pattern" in sizes  # small.yaml has an exclusion pattern
    # load and show said "N patterns" with the exclusions counted in, check did not.
    assert f"Loaded 'Small test codebook' from {book}: {sizes}." in run(
        "codebook", "load", book).stdout
    title = f"Small test codebook, version 1  ({sizes})"  # the file's version:, stored too
    assert run("codebook", "show").stdout.startswith(title)
    assert run("codebook", "show", book).stdout.startswith(title)


@pytest.mark.parametrize("args", [
    ["codebook", "check", "nosuch.yaml"],
    ["codebook", "load", "nosuch.yaml"],
    ["codebook", "show", "nosuch.yaml"],
    ["codebook", "check", str(DATA / "small.yaml"), "--patterns", "nosuch.yaml"],
    ["evaluate", "--gold", "nosuch.yaml"],
])
def test_a_missing_codebook_file_reads_like_every_other_missing_file(args: list[str]) -> None:
    open_store(os.environ["QCAHP_DB"]).close()
    result = run(*args, code=1)
    assert result.stderr == "Error: nosuch.yaml: no such file\n"
    assert "Error: nosuch.csv: no such file" in run("participants", "import", "nosuch.csv",
                                                    code=1).stderr


def test_a_folder_given_as_a_codebook(tmp_path: Path) -> None:
    (tmp_path / "books").mkdir()
    result = run("codebook", "check", "books", code=1)
    assert result.stderr == "Error: books: is a folder, not a file\n"  # as import says it


# --------------------------------------------------------------------------- themes
@pytest.mark.parametrize("command", [
    ["suggestions"], ["patterns"], ["counts"], ["quotes", "--format", "csv"],
    ["agreement", "--coders", "ana,ben"], ["disagreements", "--coders", "ana,ben"],
])
def test_a_misspelt_theme_gets_the_same_answer_everywhere(project: None,
                                                          command: list[str]) -> None:
    sid = _first_suggestion()
    run("decide", str(sid), "accept", "--coder", "ana")
    run("decide", str(sid), "reject", "--coder", "ben")
    result = run(*command, "--theme", "serendipty", code=1)
    line = result.stderr.strip()
    # suggestions, patterns and agreement used to say only "no theme 'serendipty' in
    # the codebook"; the reports listed the themes; none named the likely one.
    assert line.startswith("Error: no theme 'serendipty' in the codebook; did you mean "
                           "'serendipity'? (themes: career_pathways, serendipity"), line


# --------------------------------------------------------------------------- files
def test_a_suffix_a_report_cannot_write_is_named_as_typed(project: None) -> None:
    sid = _first_suggestion()
    run("decide", str(sid), "accept", "--coder", "ana")
    result = run("quotes", "-o", "quotes.png", code=1)
    # It said "cannot be written as 'png'", a word the user never typed (and for
    # quotes.txt "'table'": a .txt file is the quotes as text now).
    assert "this report cannot be written as a .png file: use one of .csv, .xlsx" in (
        result.stderr)
    assert "'png'" not in result.stderr and ".docx, .txt, or --format" in result.stderr
    # codings export has no --format option: do not send the user to one.
    for name in ("codings.xlsx", "codings.foo"):
        result = run("codings", "export", "-o", name, code=1)
        assert result.stderr.rstrip().endswith(": use .csv"), result.stderr
        assert "--format" not in result.stderr
        assert not Path(name).exists()


def test_written_files_are_counted_in_their_own_words(project: None, tmp_path: Path) -> None:
    sid = _first_suggestion()
    run("decide", str(sid), "accept", "--coder", "ana")
    run("decide", str(sid), "reject", "--coder", "ben")
    out = tmp_path / "out"
    out.mkdir()
    empty = run("codings", "export", "--coder", "ben", "-o", str(out / "none.csv"))
    assert empty.stderr == f"Wrote 0 codings to {out / 'none.csv'}\n"  # it said nothing
    assert run("codings", "export", "-o", str(out / "c.csv")).stderr == \
        f"Wrote 1 coding to {out / 'c.csv'}\n"  # it said "1 row"
    for suffix in ("csv", "xlsx", "json", "md"):
        target = out / f"a.{suffix}"
        result = run("agreement", "--coders", "ana,ben", "--speakers", "all", "-o", str(target))
        assert result.stderr.startswith("Wrote ") and " rows of agreement figures to " \
            in result.stderr, result.stderr
        assert target.exists()
    result = run("disagreements", "--coders", "ana,ben", "--speakers", "all",
                 "-o", str(out / "d.xlsx"))
    assert result.stderr == f"Wrote 1 disagreeing span to {out / 'd.xlsx'}\n"
    result = run("chart", "cooccurrence", "-o", str(out / "co.svg"))
    assert result.stderr == f"Wrote a co-occurrence chart to {out / 'co.svg'}\n"


def test_one_coder_is_refused_with_the_readme_names() -> None:
    result = run("agreement", "--coders", "ana", code=2)
    assert "e.g. --coders ana,ben" in result.output


# --------------------------------------------------------------------------- agreement
def test_a_coder_who_only_rejected_disagrees_with_one_who_accepted(project: None) -> None:
    sid = _first_suggestion()
    run("decide", str(sid), "accept", "--coder", "ana")
    run("decide", str(sid), "reject", "--coder", "ben")
    # ben read the transcript and said no: that is a disagreement, not "ben has not
    # started" (which printed "No disagreements." and an all-undefined table).
    table = run("disagreements", "--coders", "ana,ben", "--speakers", "all").stdout
    assert "No disagreements" not in table
    # It said "1 disagreeing spans."
    assert table.splitlines()[-1].startswith("1 disagreeing span. ")
    assert table.splitlines()[2].split()[4:6] == ["ana", "ben"]  # coded_by, not_coded_by
    records = json.loads(run("agreement", "--coders", "ana,ben", "--speakers", "all",
                             "--unit", "sentence",
                             "--format", "json").stdout)
    overall = next(r for r in records if r["view"] == "overall")
    assert (overall["n11"], overall["n10"], overall["n01"]) == (0, 1, 0)
    # A coder with no coding and no decision in a transcript is still "not started".
    run("decide", str(sid), "reject", "--coder", "cai")
    other = rows(f"SELECT t.name FROM transcripts t JOIN suggestions s "
                 f"ON s.transcript_id = t.id WHERE s.id = {sid}")[0][0]
    cells = json.loads(run("agreement", "--coders", "ana,ben", "--speakers", "all",
                           "--by", "transcript",
                           "--format", "json").stdout)
    elsewhere = [c for c in cells if c["view"] != "theme" and c["transcript"] not in
                 (other, "(all)")]
    assert elsewhere and all("made no coding or decision in this transcript"
                             in str(c["cohen_kappa"]) for c in elsewhere), elsewhere


# --------------------------------------------------------------------------- corpus
def test_show_counts_words_in_english_and_old_word_files_get_a_hint(tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text("Yes.\n")
    run("import", "short.txt")
    assert run("show", "short").stdout.startswith("short v1 (txt, 1 word, participant short)")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    result = run("import", "old.doc", code=1)
    assert "unsupported file type '.doc' (an old Word file: save it as .docx" in result.stderr
    (tmp_path / "people.csv").write_text("participant,profession\nshort,OT\n")
    result = run("import", "people.csv", code=1)
    assert "so it is no transcript this reads; participant attributes go in with `qcahp " \
           "participants import FILE.csv`" in result.stderr


def test_agreement_says_which_transcripts_were_compared(project: None) -> None:
    found = json.loads(run("suggestions", "--format", "json").stdout)
    here = [f["id"] for f in found if f["transcript"] == "story"]
    there = [f["id"] for f in found if f["transcript"] == "other"]
    run("decide", str(here[0]), "accept", "--coder", "ana")
    run("decide", str(here[0]), "reject", "--coder", "ben")
    run("decide", str(there[0]), "accept", "--coder", "ana")
    note = ("1 of 2 transcripts coded by both coders; no coding or decision yet: ben in 1 "
            "(--by transcript shows each)")
    lines = run("agreement", "--coders", "ana,ben", "--speakers", "all").stdout.splitlines()
    # The theme rows pool "(all)" transcripts; the table did not say one was left out.
    assert lines[1] == note, lines[:3]
    assert lines[2].startswith("view")
    dis = run("disagreements", "--coders", "ana,ben", "--speakers", "all").stdout.splitlines()
    assert dis[-1] == f"1 disagreeing span. ({note})"
    run("decide", str(there[0]), "reject", "--coder", "ben")
    assert run("agreement", "--coders", "ana,ben", "--speakers",
               "all").stdout.splitlines()[1].startswith("view")
    assert run("disagreements", "--coders", "ana,ben", "--speakers",
               "all").stdout.splitlines()[-1] == \
        "2 disagreeing spans."


def test_agreement_to_a_text_file_is_the_table_as_other_reports_write_it(project: None,
                                                                         tmp_path: Path) -> None:
    found = json.loads(run("suggestions", "--format", "json").stdout)
    here = [f["id"] for f in found if f["transcript"] == "story"]
    run("decide", str(here[0]), "accept", "--coder", "ana")
    run("decide", str(here[1]), "accept", "--coder", "ana")
    run("decide", str(here[0]), "reject", "--coder", "ben")
    counts = (tmp_path / "counts.txt")
    run("counts", "-o", str(counts))
    assert counts.read_text().startswith("theme ")  # counts writes its aligned table
    text = tmp_path / "agreement.txt"
    result = run("agreement", "--coders", "ana,ben", "--speakers", "all", "--unit", "sentence",
                 "-o", str(text))
    lines = text.read_text().splitlines()
    # It was CSV under a .txt name, unlike `counts -o counts.txt`.
    assert lines[0] == ("Agreement: coders ana vs ben   unit: sentence   speech: every "
                        "speaker's turns")
    assert lines[1] == ("1 of 2 transcripts coded by both coders; no coding or decision "
                        "yet: ana in 1, ben in 1")
    assert lines[2].split()[:4] == ["view", "theme", "theme_name", "transcript"]
    assert "," not in lines[2]
    assert set(lines[3]) == {"-", " "}
    assert result.stderr.startswith("Wrote ") and "rows of agreement figures" in result.stderr
    dis = tmp_path / "d.txt"
    result = run("disagreements", "--coders", "ana,ben", "--speakers", "all", "-o", str(dis))
    assert result.stderr == f"Wrote 2 disagreeing spans to {dis}\n"
    assert dis.read_text().splitlines()[0] == ("Disagreements: coders ana vs ben   unit: "
                                               "character   speech: every speaker's turns")


def test_evaluate_counts_one_sentence_in_english(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"sentence": "I fell into it by chance.", "themes": ["serendipity"]}\n')
    out = run("evaluate", "--gold", str(gold), "--codebook", str(DATA / "small.yaml")).stdout
    assert out.splitlines()[0] == f"{gold}: 1 labelled sentence"  # was "1 labelled sentences"


# --------------------------------------------------------------------------- demo
@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``demo`` as on a terminal, with the workbench not opened: the paths it would open."""
    opened: list[str] = []
    monkeypatch.setattr("qualcoder_ahp.cli.workbench._has_terminal", lambda: True)
    monkeypatch.setattr("qualcoder_ahp.cli.workbench._run",
                        lambda project, coder: opened.append(str(project.path)))
    return opened


def test_demo_never_uses_or_deletes_a_study_named_by_qcahp_db(tmp_path: Path,
                                                              terminal: list[str]) -> None:
    study = Path(os.environ["QCAHP_DB"])
    with open_store(study) as store:
        store.add_transcript("p01", transcript(STORY))
    before = rows("SELECT id, name, text FROM transcripts")
    for args in (["demo", "--fresh"], ["demo"]):
        result = run(*args, code=1)
        # `demo --fresh` deleted the study; `demo` opened it as coder demo.
        assert result.stderr.startswith(f"Error: {study}: is a project of your own, not the "
                                        "demo (named by $QCAHP_DB): nothing was changed")
        assert study.exists() and rows("SELECT id, name, text FROM transcripts") == before
        assert rows("SELECT name FROM coders") == []
    assert terminal == []
    # A study with only its codebook loaded would have had the demo codebook loaded over it.
    (tmp_path / "other.db").unlink(missing_ok=True)
    run("--db", "other.db", "codebook", "load", str(DATA / "small.yaml"))
    result = run("--db", "other.db", "demo", "--fresh", code=1)
    assert "(named by --db)" in result.stderr and Path("other.db").exists()


def test_demo_reopens_and_refreshes_its_own_project(tmp_path: Path, terminal: list[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    demo = tmp_path / "qcahp-demo.db"  # the demo's default name, built before the mark
    with open_store(demo) as store:
        store.add_transcript("p01", transcript(STORY))
    result = run("--db", str(demo), "demo")
    assert "Reopened demo project" in result.stderr and terminal == [str(demo)]

    def build(store, *_progress):  # stands in for the real build (seconds of spaCy)
        store.add_transcript("p01", transcript(STORY))
        store.ensure_coder("demo")
        return True

    monkeypatch.setattr("qualcoder_ahp.tui.jobs.build_demo", build)
    mine = tmp_path / "mydemo.db"  # any name: the demo marks what it built
    assert "Built demo project" in run("--db", str(mine), "demo").stderr
    with open_store(mine) as store:
        assert store.get_setting("demo_project") == "1"
        store.ensure_coder("ana")
    assert "Built demo project" in run("--db", str(mine), "demo", "--fresh").stderr
    with open_store(mine) as store:
        assert store.coders() == ["demo"]  # deleted and built again
    assert terminal == [str(demo), str(mine), str(mine)]


# --------------------------------------------------------------------------- no leftovers
@pytest.mark.parametrize("args", [
    ["import", "nosuch.txt"],
    ["import", "empty_folder"],
    ["participants", "import", "nosuch.csv"],
    ["codings", "import", "nosuch.csv", "--coder", "ana"],
    ["refi", "import", "nosuch.qdpx"],
])
def test_a_failed_first_command_leaves_no_empty_project(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "empty_folder").mkdir()
    db = Path(os.environ["QCAHP_DB"])
    result = run(*args, code=1)
    assert "Traceback" not in result.output
    # It left an empty qcahp.db, which the next command took for a project.
    assert not db.exists() and not Path(f"{db}-wal").exists()
    run("transcripts", code=1)  # still "no project database here"


def test_a_failed_command_keeps_a_project_that_was_there(tmp_path: Path) -> None:
    (tmp_path / "p01.txt").write_text("Interviewer: Hello?\n\nAnn: I fell into it.\n")
    run("import", "p01.txt")
    run("import", "nosuch.txt", code=1)
    run("participants", "import", "nosuch.csv", code=1)
    assert rows("SELECT name FROM transcripts") == [("p01",)]


# --------------------------------------------------------------------------- attributes
def test_an_attribute_can_be_named_as_in_the_csv_header(project: None, tmp_path: Path) -> None:
    sid = _first_suggestion()
    run("decide", str(sid), "accept", "--coder", "ana")
    people = tmp_path / "people.csv"
    people.write_text("Participant,Trust type\nstory,Acute\nother,Community\n")
    run("participants", "import", str(people), "--keep-new")
    # The CSV said "Trust type"; the import stored trust_type; --by refused the header.
    table = run("counts", "--by", "attribute:Trust type").stdout
    assert table.splitlines()[0] == "Matrix: segments by trust_type (all coders)"
    result = run("counts", "--by", "trust_type", code=1)
    assert "unknown view 'trust_type'; for the attribute, use --by attribute:trust_type" \
        in result.stderr
    result = run("counts", "--by", "attribute:trust_tpye", code=1)
    assert "no participant attribute 'trust_tpye'; did you mean 'trust_type'?" in result.stderr
    chart = tmp_path / "m.svg"
    run("chart", "matrix", "--by", "attribute:Trust type", "-o", str(chart))
    assert chart.stat().st_size > 0


def test_a_dry_run_refi_import_leaves_no_project_behind(tmp_path: Path) -> None:
    from tests.test_refi_support import zip_fixture

    path = zip_fixture("atlas", tmp_path / "atlas.qdpx")
    db = Path(os.environ["QCAHP_DB"])
    result = run("refi", "import", str(path), "--dry-run")
    assert result.stdout.startswith(f"Would import {path} (project):")
    assert not db.exists()  # "write nothing" left an empty project database
    run("refi", "import", str(path))
    assert rows("SELECT count(*) FROM transcripts") == [(1,)]
    assert "nothing new" in run("refi", "import", str(path), "--dry-run").stdout
    assert db.exists()  # a project that was there stays


def test_a_speaker_name_that_matches_nobody_is_pointed_out(tmp_path: Path) -> None:
    (tmp_path / "p07.txt").write_text(
        "Dr. O'Neil: How did you start?\n\nAmélie Dubois: I fell into it.\n\n"
        "Dr. O'Neil: And then?\n\nAmélie Dubois: Luck, mostly.\n")
    result = run("import", "p07.txt", "--interviewer", "Dr O'Neill")
    # A misspelt name changed nothing and said nothing.
    assert "note: --interviewer \"Dr O'Neill\" matched no speaker in these files; did you " \
           "mean \"Dr. O'Neil\"?" in result.stderr
    result = run("import", "p07.txt", "--participant-speaker", "Amélie")  # a first name
    assert "note:" not in result.stderr
    result = run("import", "p07.txt", "--participant-speaker", "Zed")
    assert "note: --participant-speaker 'Zed' matched no speaker in these files\n" \
        in result.stderr


def test_empty_lists_say_what_to_do() -> None:
    run("blind", "on")  # a project with nothing in it yet
    assert run("transcripts").stdout == (
        "(none)\nNo transcripts in this project yet: `qcahp import FILES` adds them.\n")
    assert "`qcahp participants import FILE.csv`" in run("participants").stdout
    assert json.loads(run("transcripts", "--format", "json").stdout) == []


def test_a_misspelt_transcript_gets_the_likely_one(project: None) -> None:
    for args in (["show", "stroy"], ["suggest", "--transcript", "stor"],
                 ["suggestions", "--transcript", "stroy"],
                 ["agreement", "--coders", "ana,ben", "--transcript", "stroy"]):
        if args[0] == "agreement":
            run("decide", str(_first_suggestion()), "accept", "--coder", "ana")
            run("decide", str(_first_suggestion()), "reject", "--coder", "ben")
        result = run(*args, code=1)
        assert result.stderr.startswith(f"Error: no transcript '{args[-1]}' in this project; "
                                        "did you mean 'story'?"), result.stderr
    assert run("show", "xyz", code=1).stderr == "Error: no transcript 'xyz' in this project\n"


def test_redacting_names_found_only_in_speaker_labels_lists_them(tmp_path: Path) -> None:
    (tmp_path / "p07.txt").write_text(
        "Interviewer: How did you start?\n\nAmélie Dubois: I fell into it.\n\n"
        "Interviewer: And then?\n\nAmélie Dubois: Luck, mostly.\n")
    run("import", "p07.txt")
    (tmp_path / "names.txt").write_text("Amélie Dubois\n")
    out = run("redact", "--names", "names.txt", "--all", "--dry-run").stdout
    # The table was "(none)" above "1 transcript would be redacted".
    assert "(none)" not in out
    assert out.splitlines()[2].split() == ["p07", "(speaker", "labels", "only)"]
    assert out.splitlines()[-1] == "1 transcript would be redacted; 0 had none of the names."
    run("redact", "--names", "names.txt", "--all")
    again = run("redact", "--names", "names.txt", "--all").stdout
    assert again == "0 transcripts redacted; 1 had none of the names.\n"


def test_agreement_workbook_shows_coefficients_with_three_decimals(project: None,
                                                                  tmp_path: Path) -> None:
    import openpyxl

    found = json.loads(run("suggestions", "--format", "json").stdout)
    for i, s in enumerate(found):
        run("decide", str(s["id"]), "accept", "--coder", "ana")
        run("decide", str(s["id"]), "accept" if i % 2 else "reject", "--coder", "ben")
    book = tmp_path / "a.xlsx"
    run("agreement", "--coders", "ana,ben", "-o", str(book))
    sheet = openpyxl.load_workbook(book)["agreement"]
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    # Excel showed 0.66773422314635 (General); the terminal and Markdown show 0.668.
    assert cells["cohen_kappa"].number_format == "0.000"
    assert isinstance(cells["cohen_kappa"].value, float)  # the value itself stays whole
    assert cells["units"].number_format == "General" and cells["theme"].value


# --------------------------------------------------------------------------- --db
def test_db_after_the_command_chooses_the_project(project: None, tmp_path: Path) -> None:
    """`qcahp transcripts --db FILE`, as every other option is written, used to fail with
    "No such option '--db'. Did you mean '--by'?"; it now works like `qcahp --db FILE`."""
    other = tmp_path / "other.db"
    with open_store(other) as store:
        store.add_transcript("solo", transcript([("Bo", "participant", "Hello there.")]))
    listed = run("transcripts", "--db", str(other)).stdout
    assert "solo" in listed and "story" not in listed
    assert "solo" in run("transcripts", f"--db={other}", "--debug").stdout
    run("refi", "export", "--db", str(other), str(tmp_path / "o.qdpx"))
    assert (tmp_path / "o.qdpx").exists() and "solo" in run("--db", str(other),
                                                            "transcripts").stdout
    # After `--` it is a word to search for.
    assert "“--db”" in run("search", "--", "--db").output


def test_consensus_before_any_reconciling_says_what_to_do(project: None) -> None:
    """`--consensus` before any reconciling said "no coder named 'consensus' in this
    project (coders: ...)", though the researcher had typed no coder name."""
    for args in (["counts", "--consensus"], ["show", "story", "--consensus"],
                 ["quotes", "--consensus", "-o", "q.csv"]):
        message = run(*args, code=1).stderr
        assert "no consensus coding in this project yet" in message, args
        assert "R in the workbench" in message and "no coder named" not in message
    assert "no coder named 'zed'" in run("counts", "--coder", "zed", code=1).stderr


def test_agreement_fits_an_80_column_terminal(project: None, monkeypatch) -> None:
    """The agreement table is some 130 characters of figures, never cut, so an
    80-column terminal wrapped every row in two; it now leaves columns out, and says so."""
    found = json.loads(run("suggestions", "--format", "json").stdout)
    for i, suggestion in enumerate(found):
        run("decide", str(suggestion["id"]), "accept", "--coder", "ana")
        run("decide", str(suggestion["id"]), "accept" if i % 2 else "reject", "--coder", "ben")
    whole = run("agreement", "--coders", "ana,ben", "--speakers", "all").stdout.splitlines()
    assert len(whole[2]) > 100 and {"pi", "BP", "jaccard"} <= set(whole[1].split())
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("agreement", "--coders", "ana,ben", "--speakers", "all").stdout.splitlines()
    header, rule = lines[1], lines[2]
    assert max(len(line) for line in lines) <= 80
    assert {"kappa", "alpha", "AC1", "agree", "pos_agr"} <= set(header.split())
    assert "pi" not in header.split() and "transcript" not in header.split()
    note = " ".join(lines[next(i for i, line in enumerate(lines)
                               if line.startswith("Left out")):])
    assert note.startswith("Left out to fit the terminal: pi, BP, jaccard")
    assert note.endswith("(a pipe, -o FILE or --format md keeps every column).")


# The small codebook suggests a theme on the interviewer's question too (scope:
# interviewer): the tests whose coders decide it and count it pass --speakers all.
def _two_coders_decided() -> None:
    found = json.loads(run("suggestions", "--format", "json").stdout)
    for i, suggestion in enumerate(found):
        run("decide", str(suggestion["id"]), "accept", "--coder", "ana")
        run("decide", str(suggestion["id"]), "accept" if i % 2 else "reject", "--coder", "ben")


def test_agreement_at_80_columns_keeps_theme_ids_and_names_the_shared_transcript(
        project: None, monkeypatch) -> None:
    """The theme column was cut to ten characters ("non_tradi…") as if it held words, and
    the transcript column, "(all)" in every row, went without a word."""
    _two_coders_decided()
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("agreement", "--coders", "ana,ben", "--speakers", "all").stdout.splitlines()
    rule = lines[2]
    assert lines[1].split()[0] == "theme" and len(rule.split("  ")[0]) >= 14
    assert max(len(line) for line in lines) <= 80
    themes = [line.split()[0] for line in lines[3:] if line.split()[0] not in ("overall",)]
    assert not any(t.endswith("\u2026") and len(t) <= 11 for t in themes), lines
    assert "In every row: transcript (all)." in lines


def test_disagreements_at_80_columns_show_each_spans_words(project: None,
                                                          monkeypatch) -> None:
    """At 80 columns the disagreeing span's words, what the researcher reads, were cut to
    a column of ten characters ("The actin…"); they now go on a line under the row."""
    _two_coders_decided()
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("disagreements", "--coders", "ana,ben").stdout.splitlines()
    assert lines[0].split()[-2:] == ["coded_by", "not_coded_by"] and "text" not in lines[0]
    assert lines[1] == " " * 8 + "text"
    assert max(len(line) for line in lines) <= 80
    row, words = lines[3], lines[4]
    assert row.split()[-2:] in (["ana", "ben"], ["ben", "ana"])
    assert words.startswith(" " * 8) and len(words.strip()) > 30
