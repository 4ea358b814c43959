"""Themes added while coding (inductive coding), and writing the stored codebook as YAML.

A coder adds a theme where they are (the workbench's theme picker, or
``qcahp codebook add-theme``); it is kept when a codebook file is loaded while it holds
codings, travels with a merged copy, and ``qcahp codebook export`` writes it (and
everything else stored) as YAML that loads back unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Codebook, Pattern, Theme
from qualcoder_ahp.suggest.codebook import check_codebook
from qualcoder_ahp.suggest.codebook_yaml import codebook_yaml
from tests.conftest import make_parsed

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "codebooks" / "ahp-leadership.yaml"

SMALL = """\
name: Small
themes:
  - id: careers
    name: Careers
    codable: false
    color: "#444444"
    children:
      - id: luck
        name: Luck
        color: "#1F77B4"
        description: Chance.
        patterns:
          - id: luck_word
            regex: '\\bluck\\b'
        exclude:
          - id: no_luck
            regex: "wasn't luck"
  - id: board
    name: Board
    color: "#2CA02C"
    patterns:
      - id: board_word
        phrase: board
"""


def small_store(store: Store, tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    store.save_codebook(check_codebook(path).codebook)
    store.add_transcript("p1", make_parsed([
        ("Interviewer", "interviewer", "How did you get here?"),
        ("P1", "participant", "I looked after my mother for years. Then it was luck."),
    ]))
    return path


def load_small_with_cli(tmp_path: Path) -> tuple[Path, Store]:
    """The small codebook written to a file and loaded with `qcahp codebook load`, and
    the project opened beside the command (the test's own connection)."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    assert run("codebook", "load", str(path))[0] == 0
    return path, open_store(tmp_path / "qcahp.db")


def span_of(store: Store, words: str) -> tuple[int, int]:
    """Where ``words`` are in the first transcript's stored text."""
    start = store.transcript_text(store.transcripts()[0].id).index(words)
    return start, start + len(words)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- the store
def test_add_theme_stores_a_codable_theme_with_its_event(store: Store, tmp_path: Path) -> None:
    small_store(store, tmp_path)
    theme = store.add_theme("  Caring for   carers ", coder="ana", parent_id="careers")
    assert (theme.id, theme.name, theme.parent_id, theme.codable) == (
        "caring_for_carers", "Caring for carers", "careers", True)
    # Its colour is one no other theme has, and it sits after every theme so far.
    others = [t for t in store.themes() if t.id != theme.id]
    assert theme.color not in {t.color for t in others}
    assert theme.position > max(t.position for t in others)
    assert [t.id for t in store.themes()] == ["careers", "luck", "caring_for_carers", "board"]
    [event] = [e for e in store.events("ana") if e["kind"] == "theme_add"]
    assert event["theme_id"] == "caring_for_carers" and event["parent_id"] == "careers"
    assert store.added_themes() == {"caring_for_carers"}
    tid = store.transcripts()[0].id
    where = span_of(store, "I looked after my mother for years.")
    coding = store.code(tid, theme.id, "ana", *where)
    assert coding.quote == "I looked after my mother for years."


def test_add_theme_refuses_bad_requests_and_changes_nothing(store: Store,
                                                            tmp_path: Path) -> None:
    small_store(store, tmp_path)
    before = [t.id for t in store.themes()]
    for kwargs, message in (
        ({"name": "luck"}, "already a theme named 'Luck'"),
        ({"name": "   "}, "needs a name"),
        ({"name": "New", "theme_id": "Bad Id"}, "bad theme id"),
        ({"name": "New", "theme_id": "board"}, "already used"),
        ({"name": "New", "parent_id": "nowhere"}, "no theme or folder 'nowhere'"),
    ):
        with pytest.raises(UserError, match=message):
            store.add_theme(coder="ana", **kwargs)
    assert [t.id for t in store.themes()] == before
    assert not [e for e in store.events() if e["kind"] == "theme_add"]
    # A second theme whose name slugs the same gets its own id.
    assert store.add_theme("Luck!", coder="ana").id == "luck_2"


# --------------------------------------------------------------------------- YAML export
def test_yaml_export_of_the_shipped_codebook_reads_back_the_same() -> None:
    shipped = check_codebook(SHIPPED).codebook
    text = codebook_yaml(shipped, "written by a test")
    assert text.startswith("# written by a test\n")
    again = check_codebook_text(text)
    assert again.themes == shipped.themes
    assert sorted(again.patterns, key=lambda p: p.id) == sorted(shipped.patterns,
                                                               key=lambda p: p.id)
    assert (again.name, again.pipeline) == (shipped.name, shipped.pipeline)
    # Regular expressions stay on one line each, as typed, for editing.
    raw = yaml.safe_load(text)
    assert raw["themes"][0]["children"][0]["patterns"][0]["regex"] == next(
        p.body for p in shipped.patterns if p.id == "ntr_into_management")
    assert "regex: |-\n" in text


def check_codebook_text(text: str) -> Codebook:
    path = Path("exported.yaml")
    path.write_text(text, encoding="utf-8")
    result = check_codebook(path)
    assert not result.errors, result.errors
    return result.codebook


def test_yaml_export_keeps_scopes_units_tokens_and_refi_style_ids() -> None:
    codebook = Codebook("Mixed", (
        Theme("winding-route", "Winding route", None, "Line one.\nLine two.", color="#111111"),
        Theme("2nd-career", "Second career", None, color="#222222", position=1),
    ), (
        Pattern("t1", "winding-route", "token", [{"LOWER": "fell"}, {"LOWER": "into"}]),
        Pattern("p1", "winding-route", "phrase", "winding route", scope="all", unit="turn"),
        Pattern("x1", "2nd-career", "regex", r"\bnot\b", exclude=True),
    ))
    again = check_codebook_text(codebook_yaml(codebook))
    assert again.themes == codebook.themes
    assert sorted(again.patterns, key=lambda p: p.id) == sorted(codebook.patterns,
                                                               key=lambda p: p.id)


# --------------------------------------------------------------------------- the commands
def test_cli_add_theme_export_and_load_round_trip(tmp_path: Path) -> None:
    shipped = tmp_path / "ahp.yaml"
    shutil.copy(SHIPPED, shipped)
    assert run("codebook", "load", str(shipped))[0] == 0
    code, out, err = run("codebook", "add-theme", "Caring for carers", "--coder", "ana",
                         "--parent", "career_pathways", "--description", "Unpaid care.")
    assert code == 0, err
    assert out == ("Added theme caring_for_carers (Career pathways / Caring for carers), "
                   "colour #77AADD.\n")
    code, out, err = run("codebook", "export", "mine.yaml")
    assert code == 0 and out == ""
    # Written from the database (a theme was added): the file's comments are not in it.
    assert err == (f"note: written from the database: the comments and layout of {shipped.name} "
                   "are not carried over (the codebook was changed in this project since it "
                   "was loaded).\nWrote the codebook (16 themes, 718 patterns, 93 exclusion "
                   "patterns) to mine.yaml\n")
    text = Path("mine.yaml").read_text(encoding="utf-8")
    assert text.startswith("# AHP leadership career stories: the codebook stored in")
    assert "- id: caring_for_carers\n" in text and "description: Unpaid care." in text
    # Loading the exported file changes nothing; printing it is the same YAML.
    code, out, _ = run("codebook", "load", "mine.yaml")
    assert code == 0 and "  no changes" in out
    printed = run("codebook", "export")[1]
    assert "Loaded from: mine.yaml, written as it was loaded" in printed
    assert printed.split("\nname: ", 1)[1] == text.split("\nname: ", 1)[1]
    code, out, err = run("codebook", "add-theme", "Caring for Carers", "--coder", "bo")
    assert code == 1 and "already a theme named 'Caring for carers'" in err


def test_loading_a_file_keeps_added_themes_that_hold_codings(tmp_path: Path) -> None:
    path, store = load_small_with_cli(tmp_path)
    store.add_transcript("p1", make_parsed([("P1", "participant", "I cared for my mother.")]))
    used = store.add_theme("Caring", coder="ana")
    store.add_theme("Unused idea", coder="ana")
    store.code(store.transcripts()[0].id, used.id, "ana", 0, 22)
    store.close()
    code, out, err = run("codebook", "load", str(path))
    assert code == 0, err
    assert "themes retired: unused_idea" in out
    assert ("themes added while coding, kept (not in the file; they hold codings): "
            "caring (1 coding)") in out
    assert "qcahp codebook export FILE.yaml" in out
    store = open_store(tmp_path / "qcahp.db")
    assert {t.id for t in store.themes()} == {"careers", "luck", "board", "caring"}
    store.close()


def test_loading_a_file_warns_when_it_retires_coded_themes(tmp_path: Path) -> None:
    path, store = load_small_with_cli(tmp_path)
    store.add_transcript("p1", make_parsed([("P1", "participant", "The board listens.")]))
    store.code(store.transcripts()[0].id, "board", "ana", 0, 18)
    store.close()
    without_board = SMALL.split("  - id: board\n")[0]
    path.write_text(without_board, encoding="utf-8")
    code, out, err = run("codebook", "load", str(path))
    assert code == 0 and "themes retired: board" in out
    assert "warning: retired themes that hold codings: board (1 coding)." in err
    # The warning says what the reports do: the codings still count, marked "(retired)"
    # (it used to say they were left out of reports).
    assert "left out" not in err and 'still count' in err and '"(retired)"' in err
    assert len(err.strip().splitlines()) == 1
    counts = run("counts", "--format", "csv")[1]
    assert "board,Board (retired),1," in counts
    assert "Board (retired)" in run("quotes", "--format", "csv")[1]
    code, _, err = run("refi", "export", str(tmp_path / "p.qdpx"))
    assert code == 0 and "3 codes" in err and "1 selection" in err  # careers, luck, board


# --------------------------------------------------------------------------- merge
def project_and_copy(tmp_path: Path) -> tuple[Path, Path, Store]:
    """A small project (closed), a coder's copy of it, and that copy opened."""
    main_path, copy_path = tmp_path / "main.db", tmp_path / "copy.db"
    main = open_store(main_path)
    small_store(main, tmp_path)
    main.close()
    shutil.copy(main_path, copy_path)
    return main_path, copy_path, open_store(copy_path)


def test_merge_brings_themes_added_in_a_copy(tmp_path: Path) -> None:
    main_path, copy_path, copy = project_and_copy(tmp_path)
    added = copy.add_theme("Caring for carers", coder="bo", parent_id="careers")
    child = copy.add_theme("Young carers", coder="bo", parent_id=added.id)
    tid = copy.transcripts()[0].id
    copy.code(tid, child.id, "bo", *span_of(copy, "I looked after my mother"))
    copy.close()

    main = open_store(main_path)
    counts = main.merge_from(copy_path)
    assert counts["themes"] == 2 and counts["codings"] == 1
    assert main.theme("young_carers").parent_id == "caring_for_carers"
    assert main.theme_guid("caring_for_carers") == open_store(copy_path).theme_guid(
        "caring_for_carers")
    [coding] = main.codings(coder="bo")
    assert coding.theme_id == "young_carers"
    assert main.added_themes() == {"caring_for_carers", "young_carers"}
    assert not any(main.merge_from(copy_path).values())  # a second merge adds nothing
    main.close()


def test_merge_still_refuses_a_copy_with_another_codebook(tmp_path: Path) -> None:
    main_path, copy_path, copy = project_and_copy(tmp_path)
    copy.save_codebook(Codebook("Other", (*copy.themes(), Theme("foreign", "Foreign",
                                                               position=9))))
    copy.close()
    main = open_store(main_path)
    with pytest.raises(UserError, match="themes not in this codebook: foreign"):
        main.merge_from(copy_path)
    assert "foreign" not in {t.id for t in main.themes(include_inactive=True)}
    main.close()


def test_evaluate_leaves_out_themes_coded_by_hand_only(tmp_path: Path) -> None:
    _, store = load_small_with_cli(tmp_path)
    store.add_transcript("p1", make_parsed([
        ("P1", "participant", "It was luck. I cared for my mother. The board listens.")]))
    assert run("suggest")[0] == 0
    tid = store.transcripts()[0].id
    for suggestion in store.suggestions(transcript_id=tid):
        store.accept(suggestion.id, "ana")
    store.code(tid, store.add_theme("Caring", coder="ana").id, "ana",
               *span_of(store, "I cared for my mother."))
    store.close()
    code, out, err = run("evaluate", "--coder", "ana")
    assert code == 0, err
    # Perfect on the two themes with patterns; the hand-coded theme is named, not scored
    # as a miss (it would have halved the recall).
    assert "micro: precision 1.000, recall 1.000, F1 1.000" in out
    assert "caring" not in out
    assert err.strip() == ("Note: themes with no patterns (coded by hand only), left out of "
                           "the scores: caring")


def test_add_theme_refuses_names_of_only_punctuation_or_too_long(tmp_path: Path) -> None:
    """ "!!!" became a theme with id "theme", and a 180-character name was stored as it was
    (a tree row, picker line and report heading cannot show it)."""
    shipped = tmp_path / "ahp.yaml"
    shutil.copy(SHIPPED, shipped)
    assert run("codebook", "load", str(shipped))[0] == 0
    for name, why in (("!!!", "a theme name needs a letter or a digit, not only '!!!'"),
                      ("— … —", "needs a letter or a digit"),
                      ("Very long name " * 12, "at most 80 characters (this one has 179)")):
        code, out, err = run("codebook", "add-theme", name, "--coder", "ana")
        assert (code, out) == (1, ""), out
        assert err.startswith("Error: ") and why in err and err.count("\n") == 1
    # Eighty characters, or one letter among signs, are names.
    code, _, err = run("codebook", "add-theme", "x" * 80, "--coder", "ana")
    assert code == 0, err
    code, out, err = run("codebook", "add-theme", "C++ & me", "--coder", "ana")
    assert code == 0 and out.startswith("Added theme c_me (C++ & me)"), err
    store = open_store(Path("qcahp.db"))
    added = [e["theme_id"] for e in store.events() if e["kind"] == "theme_add"]
    assert added == ["x" * 50, "c_me"]


def test_export_never_overwrites_a_hand_written_codebook(tmp_path: Path) -> None:
    """The docs say "export, edit, load"; exporting onto the team's own file replaced it
    (comments and layout gone) with one line on stderr. Now it is refused unless --force;
    a file an earlier export wrote is replaced as before."""
    team = tmp_path / "ahp.yaml"
    shutil.copy(SHIPPED, team)
    original = team.read_bytes()
    assert run("codebook", "load", str(team))[0] == 0
    code, out, err = run("codebook", "export", str(team))
    assert (code, out) == (1, "")
    assert err == (f"Error: {team}: the file exists and `qcahp codebook export` did not "
                   "write it: export to a new file (then compare or copy across), or add "
                   "--force to replace it, losing its comments and layout\n")
    assert team.read_bytes() == original
    # Exporting again onto an exported file is the ordinary edit-export cycle.
    assert run("codebook", "export", "mine.yaml")[0] == 0
    code, _, err = run("codebook", "export", "mine.yaml")
    assert code == 0 and err.endswith("to mine.yaml (replaced the old file)\n")
    code, _, err = run("codebook", "export", str(team), "--force")
    assert code == 0 and "written by `qcahp codebook export`" in team.read_text().split("\n")[0]


def test_loading_a_file_that_has_an_added_theme_under_another_id_warns(
        tmp_path: Path) -> None:
    """The team copies a theme added while coding into its file by hand, under an id of
    its own: the load kept the added theme (it holds codings) and added the file's, so two
    themes of one name split the codings, without a word."""
    path, store = load_small_with_cli(tmp_path)
    store.add_transcript("p1", make_parsed([("P1", "participant", "I cared for my mother.")]))
    used = store.add_theme("Caring for carers", coder="ana")
    store.code(store.transcripts()[0].id, used.id, "ana", 0, 22)
    store.close()
    path.write_text(SMALL + '  - id: carers\n    name: Caring for Carers\n    color: "#AA4499"\n',
                    encoding="utf-8")
    code, out, err = run("codebook", "load", str(path))
    assert code == 0, err
    assert "themes added: carers" in out
    assert ("themes added while coding, kept (not in the file; they hold codings): "
            "caring_for_carers (1 coding)") in out
    assert err == ("warning: two themes of one name: caring_for_carers and carers ('Caring for "
                   "carers'). The file has the second under another id; give it the first id "
                   "there and load it again, so the codings meet under one theme.\n")
    # Given the kept id in the file, the two are one theme, and the load says nothing more.
    path.write_text(SMALL + '  - id: caring_for_carers\n    name: Caring for Carers\n'
                    '    color: "#AA4499"\n', encoding="utf-8")
    code, out, err = run("codebook", "load", str(path))
    assert code == 0 and err == "" and "themes retired: carers" in out
    store = open_store(tmp_path / "qcahp.db")
    assert [t.name for t in store.themes() if t.id == "caring_for_carers"] == ["Caring for Carers"]
    assert [c.theme_id for c in store.codings()] == ["caring_for_carers"]


def test_adding_a_theme_is_undone_and_redone_like_a_decision(store: Store,
                                                             tmp_path: Path) -> None:
    small_store(store, tmp_path)
    theme = store.add_theme("Caring", coder="ana")
    tid = store.transcripts()[0].id
    coding = store.code(tid, theme.id, "ana", *span_of(store, "I looked after my mother"))
    assert store.undo("ana")["kind"] == "code"
    assert store.undo("ana")["kind"] == "theme_add"  # the theme goes: out of every list
    assert "caring" not in {t.id for t in store.themes()}
    with pytest.raises(UserError, match="retired"):
        store.code(tid, "caring", "ana", 0, 5)
    assert store.redo("ana")["kind"] == "theme_add"
    assert "caring" in {t.id for t in store.themes()}
    assert store.redo("ana")["kind"] == "code"
    assert [c.id for c in store.codings(coder="ana")] == [coding.id]
    # A theme that holds codings (here bo's) cannot be undone away; nothing changes.
    other = store.add_theme("Peer support", coder="ana")
    store.code(tid, other.id, "bo", *span_of(store, "Then it was luck."))
    with pytest.raises(UserError, match="'Peer support' holds 1 coding; remove them"):
        store.undo("ana")
    assert "peer_support" in {t.id for t in store.themes()}
    # Undone and added again under the same name, a theme gets its old id back.
    third = store.add_theme("Second thoughts", coder="bo")
    store.undo("bo")  # bo's last step: adding "Second thoughts"
    assert store.add_theme("Second thoughts", coder="bo").id == third.id == "second_thoughts"
