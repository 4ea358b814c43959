"""Editing a theme while coding: name, definition and colour of any theme or folder.

One transaction and one undoable ``theme_edit`` event per edit; ``qcahp codebook
edit-theme``; the export writes the edit; loading a file that has the old values puts
them back with a warning; a merged copy's edits are reported, not applied.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from tests.test_inductive_themes import (
    SMALL,
    load_small_with_cli,
    project_and_copy,
    run,
    small_store,
    span_of,
)


def snapshot(store: Store) -> tuple[object, ...]:
    """Everything an edit may touch: the themes (retired too) and the event log."""
    return (store.themes(include_inactive=True), len(store.events()))


# --------------------------------------------------------------------------- the store
def test_edit_theme_stores_the_fields_with_one_event(store: Store, tmp_path: Path) -> None:
    small_store(store, tmp_path)
    tid = store.transcripts()[0].id
    coding = store.code(tid, "luck", "ana", *span_of(store, "Then it was luck."))
    theme = store.edit_theme("luck", coder="bo", name="  Happy   accidents ",
                             description=" Chance, timing. ", color="#aa4499")
    assert (theme.name, theme.description, theme.color) == (
        "Happy accidents", "Chance, timing.", "#AA4499")
    assert store.theme_path("luck") == "Careers / Happy accidents"
    [event] = [e for e in store.events() if e["kind"] == "theme_edit"]
    assert (event["coder"], event["theme_id"]) == ("bo", "luck")
    assert event["changes"] == [
        {"op": "theme_field", "id": "luck", "field": "name", "before": "Luck",
         "after": "Happy accidents"},
        {"op": "theme_field", "id": "luck", "field": "description", "before": "Chance.",
         "after": "Chance, timing."},
        {"op": "theme_field", "id": "luck", "field": "color", "before": "#1F77B4",
         "after": "#AA4499"},
    ]
    # The coding keeps the id, so it is now a coding of "Happy accidents".
    assert [c.id for c in store.codings(theme_id="luck")] == [coding.id]
    # Only what changed is recorded; a folder edits the same way; a name may change case.
    store.edit_theme("luck", coder="bo", name="Happy accidents", color="#00FF00")
    assert store.events()[-1]["changes"] == [
        {"op": "theme_field", "id": "luck", "field": "color", "before": "#AA4499",
         "after": "#00FF00"}]
    assert store.edit_theme("careers", coder="ana", description="Paths.").description == "Paths."
    assert store.edit_theme("board", coder="ana", name="BOARD").name == "BOARD"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "board"}, "there is already a theme named 'Board' (board)"),
    ({"name": "CAREERS"}, "there is already a theme named 'Careers' (careers)"),
    ({"name": "   "}, "a theme's name cannot be empty"),
    ({"name": "!!!"}, "a theme name needs a letter or a digit"),
    ({"name": "x" * 81}, "at most 80 characters (this one has 81)"),
    ({"color": "red"}, "bad colour 'red': use #RRGGBB"),
    ({"color": "#12345"}, "bad colour '#12345'"),
    ({"color": "#GG0000"}, "bad colour '#GG0000'"),
    ({}, "nothing to change: give a new name, description, criteria, examples, colour or "
         "place in the tree"),
    ({"name": "Luck", "color": "#1f77b4", "description": "Chance."},
     "nothing changed: theme 'luck' ('Luck') already has that name, description and colour"),
])
def test_edit_theme_refusals_leave_the_database_as_it_was(
        store: Store, tmp_path: Path, kwargs: dict[str, str], message: str) -> None:
    small_store(store, tmp_path)
    before = snapshot(store)
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        store.edit_theme("luck", coder="ana", **kwargs)
    assert snapshot(store) == before


def test_edit_theme_refuses_unknown_and_retired_themes(store: Store, tmp_path: Path) -> None:
    small_store(store, tmp_path)
    added = store.add_theme("Caring", coder="ana")
    store.undo("ana")  # the added theme is retired again
    before = snapshot(store)
    with pytest.raises(UserError, match="theme 'nowhere' does not exist"):
        store.edit_theme("nowhere", coder="ana", name="X")
    with pytest.raises(UserError, match="theme 'caring' is retired"):
        store.edit_theme(added.id, coder="ana", name="X")
    # A retired theme's name is free for an active one.
    assert snapshot(store) == before
    assert store.edit_theme("board", coder="ana", name="caring").name == "caring"


def test_undo_and_redo_an_edit(store: Store, tmp_path: Path) -> None:
    small_store(store, tmp_path)
    original = store.theme("luck")
    store.edit_theme("luck", coder="ana", name="Chance", description="", color="#123456")
    edited = store.theme("luck")
    assert store.undo("ana")["kind"] == "theme_edit"
    assert store.theme("luck") == original
    assert store.redo("ana")["kind"] == "theme_edit"
    assert store.theme("luck") == edited
    assert [e["kind"] for e in store.events()] == ["theme_edit", "undo", "redo"]
    # Undo is per coder: bo has nothing to undo.
    assert store.undo("bo") is None
    assert store.theme("luck") == edited


def test_undo_never_throws_away_a_later_edit_or_doubles_a_name(store: Store,
                                                               tmp_path: Path) -> None:
    small_store(store, tmp_path)
    store.edit_theme("luck", coder="ana", name="Chance")
    store.edit_theme("luck", coder="bo", name="Fortune")
    before = snapshot(store)
    with pytest.raises(UserError, match="cannot undo the edit of theme 'luck': its name was "
                                        "changed since \\(now 'Fortune'\\)"):
        store.undo("ana")
    assert snapshot(store) == before
    assert store.undo("bo")["kind"] == "theme_edit"  # bo's is the latest: it goes
    assert store.theme("luck").name == "Chance"
    # ana renames board, someone adds a theme under board's old name: undo would make two.
    store.edit_theme("board", coder="ana", name="Trust board")
    store.add_theme("Board", coder="cy")
    with pytest.raises(UserError, match="there is already a theme named 'Board'"):
        store.undo("ana")
    assert store.theme("board").name == "Trust board"


def test_move_a_theme_in_the_tree_and_undo_it(store: Store, tmp_path: Path) -> None:
    """Reorganising the tree while coding: a theme (with what is below it) goes under
    another theme or folder, or to the top level; never under itself or its own
    descendants; undo puts it back, and an undo over a later move is refused."""
    small_store(store, tmp_path)
    assert store.edit_theme("board", coder="ana", parent_id="careers").parent_id == "careers"
    assert store.theme_path("board") == "Careers / Board"
    assert store.events()[-1]["changes"] == [
        {"op": "theme_field", "id": "board", "field": "parent_id", "before": None,
         "after": "careers"}]
    assert store.edit_theme("luck", coder="ana", parent_id="board").parent_id == "board"
    assert store.theme_path("luck") == "Careers / Board / Luck"
    before = snapshot(store)
    for theme_id, parent, message in (
            ("careers", "luck", "theme 'careers' cannot move under 'luck', which is below it"),
            ("board", "board", "theme 'board' cannot move under itself"),
            ("board", "nowhere", "no theme or folder 'nowhere' to move 'board' under"),
            ("luck", "board", "nothing changed: theme 'luck' ('Luck') already has that "
                              "place in the tree")):
        with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
            store.edit_theme(theme_id, coder="ana", parent_id=parent)
    assert snapshot(store) == before
    assert store.edit_theme("luck", coder="bo", parent_id=None).parent_id is None
    with pytest.raises(UserError, match="cannot undo the edit of theme 'luck': its place in "
                                        "the tree was changed since"):
        store.undo("ana")
    assert store.undo("bo")["kind"] == "theme_edit"
    assert store.theme("luck").parent_id == "board"
    assert store.undo("ana")["kind"] == "theme_edit"
    assert store.undo("ana")["kind"] == "theme_edit"
    assert (store.theme("luck").parent_id, store.theme("board").parent_id) == ("careers", None)
    assert store.redo("ana")["kind"] == "theme_edit"
    assert store.theme("board").parent_id == "careers"


def test_a_retired_place_is_refused_and_a_redo_cannot_make_a_loop(store: Store,
                                                                   tmp_path: Path) -> None:
    small_store(store, tmp_path)
    store.edit_theme("board", coder="ana", parent_id="careers")
    store.undo("ana")  # board back at the top
    store.edit_theme("careers", coder="bo", parent_id="board")  # careers now under board
    before = snapshot(store)
    with pytest.raises(UserError, match="theme 'board' cannot move under 'careers', which is "
                                        "below it"):
        store.redo("ana")  # board under careers, which is under board: a loop
    assert snapshot(store) == before
    caring = store.add_theme("Caring", coder="ana")
    store.undo("ana")  # retired
    with pytest.raises(UserError, match="no theme or folder 'caring' to move 'luck' under"):
        store.edit_theme("luck", coder="ana", parent_id=caring.id)


# --------------------------------------------------------------------------- the command
def test_undo_over_later_criteria_or_examples_names_them_in_words(store: Store,
                                                                   tmp_path: Path) -> None:
    """Criteria and examples are plural, and examples are shown as quotes, not as JSON."""
    small_store(store, tmp_path)
    store.edit_theme("luck", coder="ana", examples=["I fell into it."],
                     exclusion="Planned moves.")
    store.edit_theme("luck", coder="bo", examples=["Right place.", "Right time."])
    before = snapshot(store)
    with pytest.raises(UserError) as raised:
        store.undo("ana")
    assert str(raised.value) == (
        "cannot undo the edit of theme 'luck': its examples were changed since "
        "(now '\"Right place.\"; \"Right time.\"'); edit it instead")
    assert snapshot(store) == before
    store.undo("bo")
    store.edit_theme("luck", coder="bo", exclusion="Plans.")
    with pytest.raises(UserError, match="its exclusion criteria were changed since "
                                        "\\(now 'Plans.'\\)"):
        store.undo("ana")
    assert store.theme("luck").exclusion == "Plans."


def test_cli_edit_theme_confirms_in_one_line_and_refuses_in_one(tmp_path: Path) -> None:
    path, store = load_small_with_cli(tmp_path)
    store.close()
    code, out, err = run("codebook", "edit-theme", "luck", "--name", "Happy accidents",
                         "--color", "#aa4499", "--description", "Chance.\n", "--coder", "ana")
    assert (code, err) == (0, "")
    assert out == ("Edited theme luck (Careers / Happy accidents): name 'Luck' -> "
                   "'Happy accidents', colour #1F77B4 -> #AA4499.\n")
    code, out, _ = run("codebook", "edit-theme", "careers", "--description", "Paths.",
                       "--coder", "ana")
    assert out == "Edited theme careers (Careers): definition.\n"
    db = tmp_path / "qcahp.db"
    for args, message in (
        (["luck", "--name", "Board"], "there is already a theme named 'Board' (board)"),
        (["luck", "--color", "purple"], "bad colour 'purple': use #RRGGBB, e.g. #CC6677"),
        (["luck"], "nothing to change: give --name, --description, --inclusion, --exclusion, "
                   "--example, --color, --parent or --top-level"),
        (["luck", "--parent", "board", "--top-level"], "give --parent ID or --top-level, not "
                                                       "both"),
        (["luck", "--parent", "bored"], "no theme 'bored' in the codebook"),
        (["careers", "--parent", "luck"], "theme 'careers' cannot move under 'luck', which is "
                                          "below it"),
        (["board", "--top-level"], "nothing changed: theme 'board' ('Board') already has that "
                                   "place in the tree"),
        (["luck", "--name", "Happy accidents"],
         "nothing changed: theme 'luck' ('Happy accidents') already has that name"),
        (["lucky", "--name", "X"], "no theme 'lucky' in the codebook"),
    ):
        before = db.read_bytes()
        code, out, err = run("codebook", "edit-theme", *args, "--coder", "ana")
        assert (code, out) == (1, ""), (args, out)
        assert err.startswith("Error: ") and message in err and err.count("\n") == 1, err
        assert db.read_bytes() == before
    code, out, err = run("codebook", "edit-theme", "board", "--parent", "careers",
                         "--coder", "ana")
    assert (code, out) == (0, "Edited theme board (Careers / Board): moved under Careers.\n")
    code, out, err = run("codebook", "edit-theme", "board", "--top-level", "--coder", "ana")
    assert (code, out) == (0, "Edited theme board (Board): moved to the top level.\n")
    code, _, err = run("codebook", "edit-theme", "luck", "--name", "X")
    assert code == 2 and "Missing option '--coder'" in err
    store = open_store(db)
    assert [e["kind"] for e in store.events()] == ["theme_edit"] * 4  # two edits, two moves
    assert store.theme("luck").name == "Happy accidents"
    store.close()
    assert path.read_text(encoding="utf-8") == SMALL  # the codebook file is not touched


def test_export_writes_the_edit_and_loads_back_unchanged(tmp_path: Path) -> None:
    load_small_with_cli(tmp_path)[1].close()
    assert run("codebook", "edit-theme", "luck", "--name", "Happy accidents", "--color",
               "#AA4499", "--description", "Chance and timing.", "--coder", "ana")[0] == 0
    assert run("codebook", "export", "mine.yaml")[0] == 0
    raw = yaml.safe_load(Path("mine.yaml").read_text(encoding="utf-8"))
    [luck] = raw["themes"][0]["children"]
    assert (luck["id"], luck["name"], luck["color"], luck["description"]) == (
        "luck", "Happy accidents", "#AA4499", "Chance and timing.")
    code, out, err = run("codebook", "load", "mine.yaml")
    assert (code, err) == (0, "") and "  no changes" in out


def test_loading_a_file_with_the_old_values_warns_for_each_edit_it_overwrites(
        tmp_path: Path) -> None:
    path, store = load_small_with_cli(tmp_path)
    store.edit_theme("luck", coder="ana", name="Happy accidents", color="#AA4499")
    store.edit_theme("careers", coder="bo", description="Paths.", inclusion="Only paths.")
    store.edit_theme("board", coder="ana", name="Trust board")
    store.undo("ana")  # undone: board is "Board" again, nothing to warn about
    store.close()
    code, out, err = run("codebook", "load", str(path))
    assert code == 0 and ("themes changed: careers (definition, inclusion criteria), luck "
                          "(name 'Happy accidents' -> 'Luck', colour #AA4499 -> #1F77B4)") in out
    assert err == (
        "warning: theme careers: the file replaces this project's edit: definition, inclusion "
        "criteria. To keep "
        "it, edit it again (`qcahp codebook edit-theme`).\n"
        "warning: theme luck: the file replaces this project's edit: name 'Happy accidents' "
        "-> 'Luck', colour #AA4499 -> #1F77B4. To keep it, edit it again (`qcahp codebook "
        "edit-theme`).\n")
    store = open_store(tmp_path / "qcahp.db")  # the file wins: a new codebook version
    assert (store.theme("luck").name, store.theme("luck").color) == ("Luck", "#1F77B4")
    assert store.theme("careers").description == ""
    store.close()
    code, out, err = run("codebook", "load", str(path))  # once only
    assert (code, err) == (0, "") and "  no changes" in out


def test_a_move_exports_as_nesting_and_a_file_load_puts_the_tree_back(tmp_path: Path) -> None:
    path, store = load_small_with_cli(tmp_path)
    store.edit_theme("board", coder="ana", parent_id="careers")
    store.close()
    assert run("codebook", "export", "mine.yaml")[0] == 0
    raw = yaml.safe_load(Path("mine.yaml").read_text(encoding="utf-8"))
    assert [t["id"] for t in raw["themes"]] == ["careers"]
    assert [t["id"] for t in raw["themes"][0]["children"]] == ["luck", "board"]
    code, out, err = run("codebook", "load", str(path))
    assert code == 0
    assert err == ("warning: theme board: the file replaces this project's edit: place under "
                   "careers -> (top level). To keep it, edit it again (`qcahp codebook "
                   "edit-theme`).\n")
    with open_store(tmp_path / "qcahp.db") as store:
        assert store.theme("board").parent_id is None


# --------------------------------------------------------------------------- merge
def test_merge_reports_a_copys_edits_and_does_not_apply_them(tmp_path: Path) -> None:
    main_path, copy_path, copy = project_and_copy(tmp_path)
    copy.edit_theme("luck", coder="bo", name="Chance", color="#000000")
    copy.edit_theme("board", coder="bo", description="The trust board.")
    copy.edit_theme("careers", coder="bo", name="Paths")
    copy.undo("bo")  # undone in the copy: nothing to report
    copy.edit_theme("careers", coder="bo", examples=["I was asked to step up."])
    tid = copy.transcripts()[0].id
    copy.code(tid, "luck", "bo", *span_of(copy, "Then it was luck."))
    copy.close()
    main = open_store(main_path)
    main.edit_theme("board", coder="ana", name="Trust board")
    main.close()
    args = ("--db", str(main_path), "merge", str(copy_path))
    code, out, err = run(*args)
    assert code == 0 and " 1 coding, " in out
    assert err == (f"note: themes edited in {copy_path} keep this project's name, "
                   "definition, criteria, examples, colour and place in the tree: careers, "
                   "luck ('Chance'), board; to take an edit, make it here with "
                   "`qcahp codebook edit-theme`.\n")
    main = open_store(main_path)
    assert (main.theme("luck").name, main.theme("luck").color) == ("Luck", "#1F77B4")
    assert main.theme("board").description == "" and main.theme("careers").name == "Careers"
    merged = [e for e in main.events() if e["kind"] == "merged"
              and e.get("original_kind") == "theme_edit"]
    assert len(merged) == 4
    # The merged edits are the copy's history, not steps on anyone's undo stack here.
    assert main.undo("bo") is None
    assert main.undo("ana")["kind"] == "theme_edit"
    assert main.theme("board").name == "Board"
    main.close()
    code, out, err = run(*args)  # again: nothing new, and the same note
    assert out == f"Nothing new in {copy_path}.\n" and "luck ('Chance'), board" in err


def test_an_example_with_a_line_break_is_stored_on_one_line(tmp_path: Path) -> None:
    """`--example $'I fell\\ninto it'` was stored with its line break: `codebook show` then
    printed "into it" at the left edge, out of the tree, and the edit form (one example
    per line) would split it into two examples."""
    path, store = load_small_with_cli(tmp_path)
    store.close()
    code, out, err = run("codebook", "edit-theme", "luck", "--example", "I fell\ninto  it",
                         "--example", "  Right place.\n", "--coder", "ana")
    assert code == 0, err
    with open_store(tmp_path / "qcahp.db") as store:
        assert store.theme("luck").examples == ("I fell into it", "Right place.")
    code, out, err = run("codebook", "show")
    assert 'examples: "I fell into it"; "Right place."' in out
