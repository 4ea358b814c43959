"""Editing a theme on the codebook screen (e): a form prefilled with the theme, keyboard
only at 80x24; the edit is stored before it shows, refusals stay in the form, and the
coding screen's codebook pane follows. Merging one theme into another (m): the theme
picker, a confirmation, then one undoable merge."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label, OptionList, Static, TextArea, Tree

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.coding import CodingScreen
from qualcoder_ahp.tui.screens.help import HelpScreen, binding_rows
from qualcoder_ahp.tui.screens.modals import ChoiceModal, ThemeEditModal, ThemePickerModal
from tests.helpers.pilot import settle
from tests.tui.conftest import CODER, open_alpha, open_codebook, press_for_screen, screen_text

SIZE = (80, 24)


async def _to_theme(pilot, screen: CodebookScreen,  # type: ignore[no-untyped-def]
                    theme_id: str) -> None:
    """Move the tree's cursor down to ``theme_id`` with the arrow key."""
    tree = screen.query_one("#theme-tree", Tree)
    while tree.cursor_node is None or tree.cursor_node.data != theme_id:
        await pilot.press("down")
    await pilot.pause()


async def test_edit_form_renames_recolours_and_redefines_a_theme(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await _to_theme(pilot, screen, "serendipity")
        form = await press_for_screen(pilot, "e", ThemeEditModal)
        # Prefilled with the highlighted theme, the name focused; the whole form on screen.
        assert form.query_one("#edit-name", Input).value == "Serendipity"
        description = form.query_one("#edit-description", TextArea)
        assert description.text == "Chance rather than planning."
        assert form.query_one("#edit-colour", Input).value == "#1f77b4"
        assert form.query_one("#edit-name", Input).has_focus
        dialog = form.query_one(".dialog")
        assert dialog.region.bottom <= SIZE[1] and dialog.region.right <= SIZE[0]
        await pilot.press("ctrl+a", "ctrl+k", *"Happy accidents")
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"Luck and timing.")  # TextArea
        await pilot.press("tab", "tab", "tab", "tab")  # past the criteria and examples
        await pilot.press("ctrl+a", "ctrl+k", *"#AA4499", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        # Stored (one event, three changes) before the screen shows it.
        store = open_store(project)
        theme = store.theme("serendipity")
        assert (theme.name, theme.color) == ("Happy accidents", "#AA4499")
        assert theme.description.startswith("Luck and timing.")
        [event] = [e for e in store.events(CODER) if e["kind"] == "theme_edit"]
        assert {c["field"] for c in event["changes"]} == {"name", "description", "color"}
        store.close()
        text = screen_text(app)
        assert "Career paths / Happy accidents" in text and "colour #AA4499" in text
        tree = screen.query_one("#theme-tree", Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data == "serendipity"
        assert str(tree.cursor_node.label).startswith("Happy accidents")


async def test_edit_form_shows_a_refusal_and_escape_changes_nothing(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await _to_theme(pilot, screen, "winding")
        form = await press_for_screen(pilot, "e", ThemeEditModal)
        await pilot.press("ctrl+a", "ctrl+k", *"mandate", "enter")
        await pilot.pause()
        assert app.screen is form  # still open, with the reason, and what was typed
        error = form.query_one("#edit-error", Label)
        assert error.display and "There is already a theme named 'Mandate'" in str(
            error.render())
        assert form.query_one("#edit-name", Input).value == "mandate"
        await pilot.press("ctrl+a", "ctrl+k", *"Winding route", "ctrl+s")
        await pilot.pause()
        assert app.screen is form and "Nothing changed" in str(
            form.query_one("#edit-error", Label).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
    store = open_store(project)
    assert store.theme("winding").name == "Winding route"
    assert not [e for e in store.events() if e["kind"] == "theme_edit"]
    store.close()


async def test_edit_key_is_in_the_footer_and_help_and_folders_edit_too(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await pilot.pause()
        footer_keys = [k.key for k in screen.query("FooterKey") if k.display]
        assert {"e", "m"} <= set(footer_keys)
        assert {("e", "Edit"), ("M", "Memo")} <= {(k, d) for k, d, _ in binding_rows(screen)}
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert any(row[:2] == ("e", "Edit") for row in app.screen.rows)
        await pilot.press("escape")
        # The first line is the folder "Career paths": it is edited the same way.
        form = await press_for_screen(pilot, "e", ThemeEditModal)
        assert "Edit folder Career paths (career)" in str(form.query_one(Label).render())
        await pilot.press(*["tab"] * 5, "ctrl+a", "ctrl+k", *"#123456", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
    store = open_store(project)
    assert store.theme("career").color == "#123456"
    store.close()


async def test_coding_screen_codebook_pane_follows_an_edit(project: Path) -> None:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        coding = await open_alpha(pilot)
        pane = coding.query_one("#codebook-panel", Static)
        assert "Secret weapon" in str(pane.render())
        screen = await press_for_screen(pilot, "k", CodebookScreen)
        await _to_theme(pilot, screen, "secret")
        await press_for_screen(pilot, "e", ThemeEditModal)
        await pilot.press("ctrl+a", "ctrl+k", *"Untapped asset", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is coding
        await pilot.pause()
        shown = str(pane.render())
        assert "Untapped asset" in shown and "Secret weapon" not in shown
        # The coder's undo (u) puts the old name back, everywhere.
        await pilot.press("u")
        await pilot.pause()
        assert "Secret weapon" in str(pane.render())
        assert open_store(project).theme("secret").name == "Secret weapon"


async def test_merge_key_picks_the_target_confirms_and_merges(project: Path) -> None:
    store = open_store(project)
    tid = store.transcripts()[0].id
    text = store.transcript_text(tid)
    at = text.index("Then I had some luck")
    store.code(tid, "serendipity", CODER, at, at + 20)
    store.code(tid, "serendipity", "bo", at, at + 20)
    store.close()
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        coding = await open_alpha(pilot)
        screen = await press_for_screen(pilot, "k", CodebookScreen)
        await pilot.pause()
        assert "m" in [k.key for k in screen.query("FooterKey")]
        assert ("m", "Merge") in [(k, d) for k, d, _ in binding_rows(screen)]
        await pilot.press("m")  # on the folder "Career paths": refused, with the reason
        await pilot.pause()
        assert app.screen is screen
        await _to_theme(pilot, screen, "serendipity")
        picker = await press_for_screen(pilot, "m", ThemePickerModal)
        options = picker.query_one(OptionList)
        offered = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "serendipity" not in offered and "mandate" in offered
        await pilot.press(*"mandate", "enter")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ChoiceModal)
        assert "Merge Serendipity into Mandate? Its 2 codings" in confirm.title_text
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        tree = screen.query_one("#theme-tree", Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data == "mandate"
        labels = [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]
        assert not [label for label in labels if label.startswith("Serendipity")]
        assert "Mandate  1" in labels
        check = open_store(project)
        assert [(c.coder, c.theme_id) for c in check.codings()] == [
            (CODER, "mandate"), ("bo", "mandate")]
        check.close()
        # The coding screen follows, and its u undoes the merge.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is coding
        assert "Serendipity" not in str(coding.query_one("#codebook-panel", Static).render())
        await pilot.press("u")
        await pilot.pause()
        assert "Serendipity" in str(coding.query_one("#codebook-panel", Static).render())
    check = open_store(project)
    assert sorted(c.theme_id for c in check.codings()) == ["serendipity", "serendipity"]
    check.close()


async def test_move_key_puts_a_theme_under_another_and_u_takes_it_back(project: Path) -> None:
    """f on the codebook screen: the places offered (top level, every theme and folder
    but the theme itself and what is below it), the move stored, the tree redrawn, and
    the coding screen's u undoing it."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        coding = await open_alpha(pilot)
        screen = await press_for_screen(pilot, "k", CodebookScreen)
        await pilot.pause()
        assert ("f", "Move") in [(k, d) for k, d, _ in binding_rows(screen)]
        await _to_theme(pilot, screen, "career")
        choice = await press_for_screen(pilot, "f", ChoiceModal)
        options = choice.query_one(OptionList)
        offered = [options.get_option_at_index(i).id for i in range(options.option_count)]
        # A top-level folder: not offered the top level, nor its own themes.
        assert offered == ["mandate", "secret"]
        await pilot.press("escape")
        await pilot.pause()
        await _to_theme(pilot, screen, "serendipity")
        choice = await press_for_screen(pilot, "f", ChoiceModal)
        options = choice.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt)
                  for i in range(options.option_count)]
        assert labels[0] == "At the top level" and "Under Mandate" in labels
        await pilot.press(*["down"] * labels.index("Under Mandate"), "enter")
        await pilot.pause()
        assert app.screen is screen
        assert open_store(project).theme("serendipity").parent_id == "mandate"
        tree = screen.query_one("#theme-tree", Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data == "serendipity"
        assert tree.cursor_node.parent is not None and tree.cursor_node.parent.data == "mandate"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is coding
        await pilot.press("u")
        await pilot.pause()
        # Said as what it was (it read "Undone: theme edit (Serendipity)").
        assert "Undone: move (Serendipity)" in [n.message for n in app._notifications]
    assert open_store(project).theme("serendipity").parent_id == "career"


async def test_a_highlighted_theme_merged_in_another_window_leaves_the_cursor_in_place(
        project: Path) -> None:
    """The theme under the cursor leaves the codebook (merged in a second window): the
    cursor stays where it was in the tree, on the theme now there, not back at the top."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await _to_theme(pilot, screen, "serendipity")
        tree = screen.query_one("#theme-tree", Tree)
        line = tree.cursor_line
        with open_store(project) as other:
            other.merge_theme("serendipity", "winding", coder="bo")
        assert app.poll_store()
        await pilot.pause()
        assert tree.cursor_line == line
        assert tree.cursor_node is not None and tree.cursor_node.data == "mandate"
        assert "Serendipity" not in screen_text(app)


async def test_a_long_name_is_shortened_in_the_tree_and_keeps_its_count(project: Path) -> None:
    """A theme renamed with e to a long name ran off the 80-column tree, count and all
    ("└── Visibility, recognition and the untapped│"): it ends in "…" and keeps its count."""
    long = "Visibility, recognition and the untapped potential of allied health leaders"
    with open_store(project) as store:
        store.code(store.transcripts()[0].id, "serendipity", CODER, 0, 10)
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await _to_theme(pilot, screen, "serendipity")
        await press_for_screen(pilot, "e", ThemeEditModal)
        await pilot.press("ctrl+a", "ctrl+k", *long, "enter")
        await pilot.pause()
        await pilot.pause()
        tree = screen.query_one("#theme-tree", Tree)
        width = tree.scrollable_content_region.width
        rows = [tree.render_line(y).text.rstrip() for y in range(tree.last_line + 1)]
        [row] = [r for r in rows if "Visibility" in r]
        assert row.endswith("\u2026  1") and len(row) <= width, row
        assert not tree.show_horizontal_scrollbar  # the lines fit: no scrollbar either
        assert open_store(project).theme("serendipity").name == long  # only the label
        await pilot.resize_terminal(240, 30)  # room for it all
        await pilot.pause()
        await pilot.pause()
        rows = [tree.render_line(y).text.rstrip() for y in range(tree.last_line + 1)]
        assert any(r.endswith(f"{long}  1") for r in rows), rows


async def test_u_and_r_on_the_codebook_screen_undo_and_redo_there(project: Path) -> None:
    """After an edit the message says u undoes it: u does, where the researcher is, and
    r puts it back; a step refused (a later edit by someone else) says why."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await _to_theme(pilot, screen, "serendipity")
        await press_for_screen(pilot, "e", ThemeEditModal)
        await pilot.press("ctrl+a", "ctrl+k", *"Happy accidents", "enter")
        await pilot.pause()
        assert any("(u undoes it)" in n.message for n in app._notifications)
        await settle(app, pilot)  # the edit re-reads the tree: let it finish first
        await pilot.press("u")
        await settle(app, pilot)
        tree = screen.query_one("#theme-tree", Tree)
        assert open_store(project).theme("serendipity").name == "Serendipity"
        assert any(n.message == "Undone: theme edit (Serendipity)" for n in app._notifications)
        assert tree.cursor_node is not None
        assert str(tree.cursor_node.label).startswith("Serendipity")  # the tree re-read
        await pilot.press("r")
        await pilot.pause()
        assert open_store(project).theme("serendipity").name == "Happy accidents"
        other = open_store(project)
        other.edit_theme("serendipity", coder="bo", name="Chance")
        other.close()
        await pilot.press("u")
        await pilot.pause()
        assert open_store(project).theme("serendipity").name == "Chance"
        assert any("cannot undo the edit of theme 'serendipity'" in n.message
                   for n in app._notifications)


def _shown_hint(modal) -> str:  # type: ignore[no-untyped-def]
    """The dialog's keys line as drawn, once it is whole on an 80x24 screen."""
    hint = modal.query_one(".hint", Label)
    dialog = modal.query_one(".dialog")
    assert hint.region.height >= 1 and hint.region.bottom <= dialog.content_region.bottom
    assert dialog.region.bottom <= SIZE[1] and dialog.region.right <= SIZE[0]
    assert hint.region.right <= dialog.content_region.right
    lines = [hint.render_line(y).text.strip() for y in range(hint.size.height)]
    return " ".join(line for line in lines if line)


async def test_move_and_merge_dialogs_name_their_keys(project: Path) -> None:
    """f (move), m (merge) and the merge's confirmation each show a keys line, whole
    at 80x24, as the other dialogs do."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await open_alpha(pilot)
        screen = await press_for_screen(pilot, "k", CodebookScreen)
        await _to_theme(pilot, screen, "serendipity")
        choice = await press_for_screen(pilot, "f", ChoiceModal)
        assert _shown_hint(choice) == "↑↓ choose a place · Enter moves it there · Escape cancels"
        await pilot.press("escape")
        await pilot.pause()
        picker = await press_for_screen(pilot, "m", ThemePickerModal)
        assert _shown_hint(picker) == "Type to filter · ↑↓ choose · Enter picks · Escape cancels"
        await pilot.press(*"mandate", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        assert _shown_hint(app.screen) == "↑↓ choose · Enter on Merge merges · Escape cancels"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def _field_in_view(pilot, form: ThemeEditModal,  # type: ignore[no-untyped-def]
                         selector: str) -> None:
    """The focused field is ``selector`` and drawn inside the dialog (scrolled into view)."""
    await pilot.pause()
    field = form.query_one(selector)
    assert field.has_focus, (selector, form.focused)
    fields = form.query_one("#edit-fields")
    region = fields.region
    assert region.y <= field.region.y and field.region.bottom <= region.bottom, selector


async def test_edit_form_edits_criteria_and_examples_by_keyboard_at_80x24(
        project: Path) -> None:
    """The form edited name, definition and colour only: inclusion and exclusion criteria
    and examples, what coders refine most while coding, needed the YAML file."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await _to_theme(pilot, screen, "winding")
        form = await press_for_screen(pilot, "e", ThemeEditModal)
        assert form.query_one("#edit-inclusion", TextArea).text == (
            "Moves between roles not seen as traditional.")
        assert form.query_one("#edit-exclusion", TextArea).text == "Planned promotions."
        assert form.query_one("#edit-examples", TextArea).text == "I never planned to be here"
        hint = str(form.query_one(".hint", Label).render())
        await pilot.press("tab", "tab")
        await _field_in_view(pilot, form, "#edit-inclusion")
        await pilot.press("ctrl+a", "ctrl+k", *"Sideways moves.", "enter", *"Secondments.")
        await pilot.press("tab")
        await _field_in_view(pilot, form, "#edit-exclusion")
        await pilot.press("ctrl+a", "ctrl+k")  # cleared
        await pilot.press("tab")
        await _field_in_view(pilot, form, "#edit-examples")
        await pilot.press("end", "enter", *"I went sideways twice", "enter", "enter")
        await pilot.press("tab")
        await _field_in_view(pilot, form, "#edit-colour")
        # The hint and the title stay in sight while the fields scroll.
        text = screen_text(app)
        assert "ctrl+s saves" in hint and hint.split("·")[0].strip() in text
        assert "Edit theme Winding route (winding)" in text
        await pilot.press("shift+tab")
        await _field_in_view(pilot, form, "#edit-examples")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        store = open_store(project)
        theme = store.theme("winding")
        assert theme.inclusion == "Sideways moves.\nSecondments."
        assert theme.exclusion == ""
        assert theme.examples == ("I never planned to be here", "I went sideways twice")
        assert (theme.name, theme.description) == ("Winding route",
                                                   "A non-linear route through roles.")
        # One event with just the three fields changed: one u takes it all back.
        [event] = [e for e in store.events(CODER) if e["kind"] == "theme_edit"]
        assert [c["field"] for c in event["changes"]] == ["inclusion", "exclusion",
                                                          "examples"]
        store.close()
        shown = " ".join(screen_text(app).split())
        assert "Include: Sideways moves. Secondments." in shown
        assert "Exclude:" not in shown and "• I went sideways twice" in shown
        await pilot.press("u")
        await pilot.pause()
    store = open_store(project)
    theme = store.theme("winding")
    assert (theme.inclusion, theme.exclusion, theme.examples) == (
        "Moves between roles not seen as traditional.", "Planned promotions.",
        ("I never planned to be here",))
    store.close()


async def test_edited_criteria_show_on_the_coding_screen_panel(project: Path) -> None:
    """The suggestion panel's theme definition shows the criteria and examples as edited."""
    app = make_app(project, coder=CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        coding = await open_alpha(pilot)
        assert coding.session.current is not None
        assert coding.session.current.theme_id == "winding"
        screen = await press_for_screen(pilot, "k", CodebookScreen)
        await _to_theme(pilot, screen, "winding")
        await press_for_screen(pilot, "e", ThemeEditModal)
        await pilot.press("tab", "tab", "ctrl+a", "ctrl+k", *"Lateral moves count.")
        await pilot.press("tab", "tab", "ctrl+a", "ctrl+k", *"It zig-zagged", "ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is coding
        shown = " ".join(screen_text(app).split())
        assert "Include: Lateral moves count." in shown
        assert "Examples: “It zig-zagged”" in shown


def test_edit_theme_cli_sets_criteria_and_examples(project: Path) -> None:
    """`qcahp codebook edit-theme` had no option for the criteria or examples; they are one
    undoable theme_edit, written by `codebook export` and shown by `codebook show`."""
    import yaml
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli as main

    runner = CliRunner()
    db = ["--db", str(project)]
    result = runner.invoke(main, [*db, "codebook", "edit-theme", "serendipity",
                                  "--inclusion", "Being asked to act up.",
                                  "--exclusion", "",
                                  "--example", "I was tapped on the shoulder.",
                                  "--example", "It fell into my lap.", "--coder", "bo"])
    assert result.exit_code == 0, result.output
    assert "inclusion criteria, exclusion criteria, examples (2)" in result.output
    store = open_store(project)
    theme = store.theme("serendipity")
    assert (theme.inclusion, theme.exclusion) == ("Being asked to act up.", "")
    assert theme.examples == ("I was tapped on the shoulder.", "It fell into my lap.")
    [event] = [e for e in store.events("bo") if e["kind"] == "theme_edit"]
    assert len(event["changes"]) == 3
    store.close()
    out = project.parent / "cb.yaml"
    assert runner.invoke(main, [*db, "codebook", "export", str(out)]).exit_code == 0
    data = yaml.safe_load(out.read_text())

    def find(nodes):  # type: ignore[no-untyped-def]
        for node in nodes:
            if node["id"] == "serendipity":
                return node
            found = find(node.get("children", []))
            if found:
                return found
        return None

    exported = find(data["themes"])
    assert exported["inclusion"] == "Being asked to act up."
    assert exported.get("exclusion", "") == ""
    assert exported["examples"] == ["I was tapped on the shoulder.", "It fell into my lap."]
    shown = runner.invoke(main, [*db, "codebook", "show", "--theme", "serendipity"]).output
    assert "include: Being asked to act up." in shown
    assert "It fell into my lap." in shown and "exclude:" not in shown
    # --example "" clears them; undo puts them back.
    runner.invoke(main, [*db, "codebook", "edit-theme", "serendipity", "--example", "",
                         "--coder", "bo"])
    assert open_store(project).theme("serendipity").examples == ()
    runner.invoke(main, [*db, "undo", "--coder", "bo"])
    assert open_store(project).theme("serendipity").examples == (
        "I was tapped on the shoulder.", "It fell into my lap.")
    bad = runner.invoke(main, [*db, "codebook", "edit-theme", "serendipity", "--coder", "bo"])
    assert bad.exit_code != 0 and "--inclusion" in bad.output
