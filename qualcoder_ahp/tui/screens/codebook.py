"""The codebook screen: the theme tree, each theme's definition, examples, counts
and the precision of its patterns (accepted / (accepted + rejected), all coders).

Precision tells the team which patterns to sharpen: a pattern whose suggestions
are mostly rejected is noise for every coder. With blind coding on (``qcahp blind
on``) the precision counts the working coder's decisions only, and nothing on the
screen counts other coders' codings, so no coder can infer another's decisions.

``w`` opens the highlighted theme's key words for the working coder
(:mod:`qualcoder_ahp.tui.screens.keywords`), ``y`` its patterns' records
(:mod:`qualcoder_ahp.tui.screens.patterns`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static, Tree

from qualcoder_ahp.errors import ProjectBusy, UserError
from qualcoder_ahp.model.codebook_store import codings_kept, theme_name_problem
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Theme
from qualcoder_ahp.tui.follow import FollowsStore, is_blind
from qualcoder_ahp.tui.undo_keys import UNDO_BINDINGS, UndoKeys
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter


NO_THEMES = ("No codebook yet. Press L to load one (a YAML tree of themes with "
             "definitions and patterns; see docs/codebook.md), then S on the transcripts "
             "screen for suggestions. Or code without one: press a here to "
             "add a theme, or open a transcript, press c, type a theme's name and press "
             "ctrl+n to add it and code with it; the themes you add show here.")
"""What the details pane says when the project has no themes yet."""


def tree_key(key: str, action: str, description: str, tooltip: str) -> Binding:
    """A hidden key of the codebook screen that does what the theme tree's own ``action``
    does: the tree has the key while it has the focus; this copy puts it in the help
    and the palette (as :func:`~qualcoder_ahp.tui.widgets.list_keys.grid_key` does for
    a grid)."""
    return Binding(key, f"tree('{action}')", description, show=False, tooltip=tooltip)


class CodebookScreen(UndoKeys, FollowsStore, Screen[None]):
    """Browse the codebook with counts and pattern precision."""

    BINDINGS = [
        Binding("escape", "close", "Back", tooltip="Back to the previous screen"),
        Binding("e", "edit", "Edit",
                tooltip="Rename the highlighted theme or folder, or change its definition, "
                        "inclusion or exclusion criteria, examples or colour (u undoes it)"),
        Binding("m", "merge", "Merge",
                tooltip="Merge the highlighted theme into another: every coder's codings and "
                        "memos move to it and this theme leaves the codebook (u undoes it)"),
        Binding("f", "move", "Move",
                tooltip="Move the highlighted theme or folder (with what is below it) under "
                        "another, or to the top level (u undoes it)"),
        Binding("M", "memo", "Memo", tooltip="Write your memo on the highlighted theme"),
        Binding("x", "retire", "Retire",
                tooltip="Retire the highlighted theme from the codebook: its codings stay "
                        "(shown as retired), its open suggestions close (u undoes it)"),
        Binding("a", "add_theme", "Add",
                tooltip="Add a theme: its name, then the folder it goes in (no patterns: "
                        "coded by hand; u undoes it)"),
        Binding("w", "keywords", "Words",
                tooltip="The highlighted theme's key words: the words your passages coded "
                        "with it use more than the rest, and whether a pattern uses them"),
        # In the help, the palette and the details pane's "Patterns" heading: in the
        # 80-column footer it would push out q Quit.
        Binding("y", "patterns", "Patterns", show=False,
                tooltip="The highlighted theme's patterns (and those of the themes below it), "
                        "each with its suggestions made, accepted, rejected, open and "
                        "precision; Enter lists a pattern's suggestions"),
        # "Pane", not "Details": only so does the 80-column footer hold every key (w
        # Words too) and q Quit, whole.
        Binding("tab", "switch_pane", "Pane",
                tooltip="Move the keys between the theme tree and the details pane "
                        "(↑ ↓ PgUp PgDn scroll the details: criteria, examples, patterns)"),
        *UNDO_BINDINGS,
        # The tree's own keys (it has them while it has the focus), here for the help
        # and the palette: they listed none of the ways through the themes.
        tree_key("down", "cursor_down", "Next theme", "The next theme or folder"),
        tree_key("up", "cursor_up", "Previous theme", "The previous theme or folder"),
        tree_key("pagedown", "page_down", "Page ▼", "A page of themes down"),
        tree_key("pageup", "page_up", "Page ▲", "A page of themes up"),
        tree_key("home", "scroll_home", "First theme", "The first theme"),
        tree_key("end", "scroll_end", "Last theme", "The last theme"),
        tree_key("shift+down", "cursor_next_sibling", "Next alike",
                 "The next theme in the same folder (over the themes below this one)"),
        tree_key("shift+up", "cursor_previous_sibling", "Previous alike",
                 "The previous theme in the same folder"),
        tree_key("shift+left", "cursor_parent", "Folder",
                 "The folder the highlighted theme is in"),
        tree_key("shift+right", "cursor_parent_next_sibling", "Next folder",
                 "The theme or folder after the highlighted theme's folder"),
    ]

    def __init__(self, store: Store, coder: str) -> None:
        super().__init__()
        self.store = store
        self.coder = coder
        self.title = "Codebook"

    def footer_first(self) -> tuple[str, ...]:
        """The keys of keeping a codebook first, so the 80-column footer holds them and q
        Quit: add, edit, retire, merge, move (a and x were only under ?, and a researcher
        writing a codebook looked for them). M Memo and w Words come after q Quit: a
        wider terminal shows them, and they are in the help and the palette."""
        return ("switch_pane", "close", "add_theme", "edit", "retire", "merge", "move",
                "quit")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="codebook-main"):
            yield Tree("Codebook", id="theme-tree")
            # Focusable (Tab): at 80x24 the criteria, examples and pattern precision run
            # far below the screen, and the mouse is optional.
            with VerticalScroll(id="theme-detail-pane"):
                yield Static(id="theme-detail")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.sub_title = f"coder: {self.coder}"
        self._fill()

    def reread(self) -> None:
        """Another connection committed: re-read the codebook, this coder's counts and
        the patterns' precision; the same theme stays highlighted (merged or undone away:
        the theme now at its place in the tree)."""
        self._fill(keep=self._selected(), line=self.query_one("#theme-tree", Tree).cursor_line)

    def _fill(self, keep: str | None = None, line: int = 0) -> None:
        """Build the theme tree from the store, highlighting ``keep`` (or, if it is gone,
        the theme at ``line``, the first one by default)."""
        self.themes = {t.id: t for t in self.store.themes()}
        self.mine = self.store.theme_counts(self.coder)
        self.blind = is_blind(self.store)
        """Blind coding is on: pattern precision counts this coder's decisions only."""
        self.stats = _pattern_stats(self.store, self.coder if self.blind else None)
        self.patterns: dict[str, int] = {}
        for pattern in self.store.patterns():
            self.patterns[pattern.theme_id] = self.patterns.get(pattern.theme_id, 0) + 1
        tree: Tree[str] = self.query_one("#theme-tree", Tree)
        tree.clear()
        tree.show_root = False
        nodes = {}
        self._fitted = tree.scrollable_content_region.width  # 0 until laid out: on_resize
        for theme in self.themes.values():
            parent = nodes.get(theme.parent_id, tree.root)
            nodes[theme.id] = parent.add(self._label(theme, self._fitted), data=theme.id,
                                         expand=True, allow_expand=False)
        if not self.query_one("#theme-detail-pane").has_focus:  # a re-read keeps the focus
            tree.focus()
        if self.themes:
            order = list(self.themes)
            first = keep if keep in nodes else order[max(0, min(line, len(order) - 1))]
            # Every node is expanded and the themes come in tree order: line = position.
            tree.move_cursor_to_line(list(self.themes).index(first))
            self._show(first)
        else:
            # A blank screen offering e, m, f, M and w (which did nothing) told a new
            # project's coder neither why it was empty nor how to fill it.
            self.query_one("#theme-detail", Static).update(Text(NO_THEMES))
        self.refresh_bindings()

    def _label(self, theme: Theme, width: int) -> Text:
        """A theme's line in the tree: its name and this coder's count; with ``width``, a
        name too long for it (one renamed with ``e``) ends in "…" so the count stays."""
        count = f"  {self.mine.get(theme.id, 0)}" if theme.codable else ""
        name = theme.name
        level, parent = 0, theme.parent_id
        while parent in self.themes:  # each level is indented by the tree's 4-column guide
            level, parent = level + 1, self.themes[parent].parent_id
        room = width - 4 * level - len(count)
        if width and len(name) > room:
            name = name[:max(1, room - 1)] + "\u2026"
        label = Text(name)
        label.append(count, style="dim")
        return label

    def on_resize(self) -> None:
        """Laid out, wider or narrower: fit the theme names to the tree again."""
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        tree = self.query_one("#theme-tree", Tree)
        if tree.scrollable_content_region.width != getattr(self, "_fitted", None):
            self._fill(keep=self._selected(), line=tree.cursor_line)
        elif self._detail_width() != getattr(self, "_detail_fitted", None):
            theme_id = self._selected()  # the tree fits but the details are wider or narrower
            if theme_id in self.themes:
                self._show(theme_id)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        if event.node.data:
            self._show(event.node.data)

    def _selected(self) -> str | None:
        node = self.query_one("#theme-tree", Tree).cursor_node
        return node.data if node is not None else None

    def _show(self, theme_id: str) -> None:
        theme = self.themes[theme_id]
        pane = self.query_one("#theme-detail-pane", VerticalScroll)
        if getattr(self, "_shown", None) != theme_id:  # another theme: read it from the top
            pane.scroll_home(animate=False)
            self._shown = theme_id
        self._detail_fitted = self._detail_width()
        self.query_one("#theme-detail", Static).update(self.detail(theme))

    def detail(self, theme: Theme) -> Text:
        """The detail text of one theme."""
        out = Text()
        out.append(self.store.theme_path(theme.id) + "\n", style="bold")
        out.append(f"id {theme.id} · colour {theme.color}"
                   f"{'' if theme.codable else ' · folder (not codable)'}\n", style="dim")
        for label, body in (("Definition", theme.description), ("Include", theme.inclusion),
                            ("Exclude", theme.exclusion)):
            if body:
                out.append(f"\n{label}: ", style="bold")
                out.append(body.strip() + "\n")
        if theme.examples:
            out.append("\nExamples:\n", style="bold")
            for example in theme.examples:
                out.append(f"  • {example}\n")
        patterns = [s for s in self.stats if s["theme"] == theme.id]
        if theme.codable and not self.patterns.get(theme.id):
            out.append("\n")
            added = self.store.theme_added_by(theme.id)
            if added is not None:
                who, when = added
                out.append(f"Added while coding by {who or 'a coder'} on {when[:10]}. ",
                           style="italic")
            # Say plainly why it never comes up in the suggestions, and how it gets there.
            out.append("No patterns: coded by hand, never suggested. e edits its name, "
                       "definition, criteria, examples and colour; to give it patterns: "
                       "`qcahp codebook export FILE.yaml`, edit it, then `qcahp codebook "
                       "load FILE.yaml`.\n",
                       style="italic")
        if theme.codable:
            out.append(f"\nYour codings: {self.mine.get(theme.id, 0)}\n", style="bold")
        memo = self.store.memo(self.coder, "theme", theme.id)
        if memo:
            out.append("Your memo: ", style="bold")
            out.append(memo + "\n")
        if patterns:
            whose = "your decisions: blind coding is on" if self.blind else "all coders"
            out.append(f"\nPatterns: suggestions made, accepted, rejected, precision "
                       f"({whose}; y: each one's record and suggestions):\n", style="bold")
            out.append(pattern_table(patterns, self._detail_width()))
        return out

    def _detail_width(self) -> int:
        """The columns the details have (0 before the screen is laid out), the scroll
        bar's counted whether shown yet or not: the details grow it."""
        pane = self.query_one("#theme-detail-pane", VerticalScroll)
        width = pane.scrollable_content_region.width
        if width and not pane.show_vertical_scrollbar:
            width -= pane.styles.scrollbar_size_vertical
        return max(0, width)

    THEME_ACTIONS = frozenset({"edit", "merge", "move", "memo", "keywords", "switch_pane",
                               "retire", "patterns", "tree"})
    """The keys that act on the highlighted theme (or its details)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the theme keys only when there is a theme to act on."""
        if action in self.THEME_ACTIONS:
            return bool(getattr(self, "themes", None))
        return True

    def action_tree(self, action: str) -> None:
        """The theme tree's own ``action_<action>`` (:func:`tree_key`), the details pane
        having the focus (its own ↑ ↓ PgUp PgDn Home End scroll the details)."""
        getattr(self.query_one("#theme-tree", Tree), f"action_{action}")()

    def action_switch_pane(self) -> None:
        """Give the keys to the details pane (to scroll it), or back to the tree."""
        pane = self.query_one("#theme-detail-pane", VerticalScroll)
        if pane.has_focus:
            self.query_one("#theme-tree", Tree).focus()
        else:
            pane.focus()

    def action_close(self) -> None:
        """Back to where we came from."""
        self.app.pop_screen()

    def action_keywords(self) -> None:
        """Open the highlighted theme's key words (this coder's codings only)."""
        from qualcoder_ahp.tui.screens.keywords import KeywordsScreen

        theme_id = self._selected()
        if theme_id is None:
            return
        self.app.push_screen(KeywordsScreen(self.store, self.coder, theme_id))

    def action_patterns(self) -> None:
        """Open the patterns screen on the highlighted theme (and the themes below it)."""
        from qualcoder_ahp.tui.screens.patterns import PatternsScreen

        theme_id = self._selected()
        if theme_id is not None:
            self.app.push_screen(PatternsScreen(self.store, self.coder, theme_id))

    def action_memo(self) -> None:
        """Memo on the highlighted theme."""
        from qualcoder_ahp.tui.screens.modals import MemoModal

        theme_id = self._selected()
        if theme_id is None:
            return

        def save(text: str | None) -> None:
            if text is None:
                return
            try:
                self.store.set_memo(self.coder, "theme", theme_id, text)
            except ProjectBusy:
                raise  # the busy dialog keeps the memo and stores it once it can
            except Exception as exc:  # a failed write is reported, not fatal
                self.notify(str(exc), severity="error", markup=False)
                return
            self._show(theme_id)
            # An emptied memo was "saved" too; and u, which takes it back, went unsaid.
            self.notify(f"Theme memo {'saved' if text.strip() else 'cleared'} (u undoes it).")

        current = self.store.memo(self.coder, "theme", theme_id) or ""
        self.app.push_screen(MemoModal(f"Memo on theme {self.themes[theme_id].name}", current),
                             save)


    def action_add_theme(self) -> None:
        """Name a new theme, choose its folder (the highlighted one's, to start with) and
        add it: one ``theme_add``, stored before the tree shows it."""
        from qualcoder_ahp.tui.screens.modals import SearchModal

        def refused(typed: str) -> str | None:
            """Why the name typed cannot be taken: said in the dialog, which keeps it."""
            name = " ".join(typed.split())
            if not name:
                return None  # Enter on nothing closes the dialog, as before
            problem = theme_name_problem(name)
            taken = [t for t in self.store.themes() if t.name.casefold() == name.casefold()]
            if problem:
                return problem[0].upper() + problem[1:] + "."
            if taken:
                return (f"There is already a theme named {taken[0].name!r} "
                        f"({self.store.theme_path(taken[0].id)}).")
            return None

        def named(typed: str | None) -> None:
            name = " ".join((typed or "").split())
            if name:
                self._ask_place(name)

        self.app.push_screen(SearchModal(
            "", "the new theme's name",
            hint="Enter, then choose its folder · Escape cancels", check=refused), named)

    def _ask_place(self, name: str) -> None:
        from qualcoder_ahp.tui.screens.modals import TOP_LEVEL, new_theme_place

        themes = list(self.themes.values())
        here = self.themes.get(self._selected() or "")
        folder = None if here is None else here.id if not here.codable else here.parent_id
        paths = {t.id: self.store.theme_path(t.id) for t in themes}

        def placed(place: str | None) -> None:
            if place is None:  # Escape: nothing made
                return
            done, theme = self.try_change(lambda: self.store.add_theme(
                name, coder=self.coder, parent_id=None if place == TOP_LEVEL else place))
            if not done:
                return
            self._fill(keep=theme.id)
            self.follow_here()
            note = self.store.namesake_note(theme.id, self.coder)
            self.notify(f"Theme added: {self.store.theme_path(theme.id)} (u undoes it). It "
                        "has no patterns: code with it by hand (c on the coding screen)."
                        + (f" {note[0].upper()}{note[1:]}" if note else ""),
                        markup=False, timeout=20 if note else None)

        self.app.push_screen(new_theme_place(name, themes, paths, preselect=folder), placed)

    def action_edit(self) -> None:
        """Edit the highlighted theme's name, definition, inclusion and exclusion criteria,
        examples and colour in a form (one undoable ``theme_edit``)."""
        from qualcoder_ahp.tui.screens.modals import ThemeEditModal

        theme_id = self._selected()
        if theme_id is None:
            return
        theme = self.themes[theme_id]
        before = theme

        def save(values: dict[str, str]) -> str | None:
            # Only the fields changed: the event then records just those (one event for
            # all of them, so one u takes the whole edit back).
            fields: dict[str, Any] = {}
            if " ".join(values["name"].split()) != before.name:
                fields["name"] = values["name"]
            for field in ("description", "inclusion", "exclusion"):
                if values[field].strip() != (getattr(before, field) or "").strip():
                    fields[field] = values[field]
            examples = [line.strip() for line in values["examples"].splitlines()
                        if line.strip()]
            if tuple(examples) != tuple(e.strip() for e in before.examples):
                fields["examples"] = examples
            if values["color"].strip().upper() != before.color.upper():
                fields["color"] = values["color"]
            if not fields:
                return ("nothing changed: edit the name, definition, criteria, examples or "
                        "colour (Escape closes)")
            try:
                self.store.edit_theme(theme_id, coder=self.coder, **fields)
            except UserError as exc:  # shown in the form, which stays open
                return str(exc)
            except ProjectBusy:
                raise  # the busy dialog saves the form once the project is free
            except Exception as exc:  # a failed write is reported, not fatal
                return f"{type(exc).__name__}: {exc}"
            return None

        def saved(result: bool | None) -> None:
            if not result:
                return
            self._fill(keep=theme_id)
            self.follow_here()
            after = self.themes.get(theme_id)
            name = after.name if after is not None else theme_id
            self.notify(f"Theme saved: {name} (u undoes it).",
                        markup=False)

        kind = "folder" if not theme.codable else "theme"
        self.app.push_screen(ThemeEditModal(f"Edit {kind} {theme.name} ({theme.id})", theme,
                                            save), saved)

    def action_move(self) -> None:
        """Choose where the highlighted theme goes: the top level, or under another theme
        or folder (not under itself or what is below it); move it there."""
        from qualcoder_ahp.tui.screens.modals import TOP_LEVEL, ChoiceModal

        theme_id = self._selected()
        if theme_id is None:
            return
        theme = self.themes[theme_id]
        below = {theme_id}
        for t in self.themes.values():  # parents come before children in the tree order
            if t.parent_id in below:
                below.add(t.id)
        places = [(TOP_LEVEL, "At the top level")] if theme.parent_id else []
        places += [(t.id, f"Under {self.store.theme_path(t.id)}")
                   for t in self.themes.values()
                   if t.id not in below and t.id != theme.parent_id]

        def chosen(place: str | None) -> None:
            if place is None:
                return
            done, _ = self.try_change(lambda: self.store.edit_theme(
                theme_id, coder=self.coder, parent_id=None if place == TOP_LEVEL else place))
            if not done:
                return
            self._fill(keep=theme_id)
            self.follow_here()
            self.notify(f"Moved: {self.store.theme_path(theme_id)} (u undoes it).",
                        markup=False)

        self.app.push_screen(ChoiceModal(
            f"Move {theme.name} (and what is below it) to…", places,
            hint="↑↓ choose a place · Enter moves it there · Escape cancels"),
            chosen)

    def action_merge(self) -> None:
        """Pick the theme to merge the highlighted one into, confirm, merge."""
        from qualcoder_ahp.tui.screens.modals import ThemePickerModal

        source_id = self._selected()
        if source_id is None:
            return
        source = self.themes[source_id]
        if not source.codable:
            self.notify("A folder does not merge: merge its themes one by one.",
                        severity="warning", markup=False)
            return
        others = [t for t in self.themes.values() if t.id != source_id]
        paths = {t.id: self.store.theme_path(t.id) for t in others}
        self.app.push_screen(
            ThemePickerModal(others, paths, f"Merge {source.name} into… (you confirm next)"),
            lambda target: self._confirm_merge(source_id, target))

    def _confirm_merge(self, source_id: str, target_id: str | None) -> None:
        """Say what the merge does, and do it on Enter."""
        from qualcoder_ahp.tui.screens.modals import ChoiceModal

        if not target_id or target_id not in self.themes:
            return
        source, target = self.themes[source_id], self.themes[target_id]
        # "Its 0 codings (every coder's) become codings of …" said of a theme nobody had
        # coded; and "memos on it are added to theirs" left "theirs" to be guessed.
        if self.blind:  # how many the other coders hold would tell what they decided
            mine = self.mine.get(source_id, 0)
            held = ("any other coder's codings of it become codings of" if mine == 0 else
                    f"your {mine} coding{'' if mine == 1 else 's'} (and any other coder's) "
                    "become codings of")
        else:
            n = self.store.coding_counts_by_theme([source_id]).get(source_id, 0)
            held = ("nobody has coded it" if n == 0 else
                    f"its {n} coding{'' if n == 1 else 's'} (every coder's) "
                    f"become{'s a coding' if n == 1 else ' codings'} of")
        held = f"{held} {target.name}" if held.endswith(" of") else held
        # Its open suggestions close with it, as a retired theme's do: said here too (a
        # merge closed dozens unannounced, with nothing to decide them by afterwards).
        title = (f"Merge {source.name} into {target.name}? {held[0].upper()}{held[1:]}, "
                 f"each coder's memo on it is added to their memo on {target.name}, and "
                 f"{source.name} leaves the codebook; {self._closes(source_id)}. "
                 "u undoes it.")

        def chosen(choice: str | None) -> None:
            if choice == "merge":
                self._merge(source_id, target_id)

        self.app.push_screen(ChoiceModal(title, [("merge", f"Merge into {target.name}"),
                                                 ("cancel", "Cancel")],
                                         hint="↑↓ choose · Enter on Merge merges · "
                                              "Escape cancels"), chosen)

    def action_retire(self) -> None:
        """Say what retiring the highlighted theme does to its codings and suggestions, and
        retire it on Enter (one undoable ``theme_retire``)."""
        from qualcoder_ahp.tui.screens.modals import ChoiceModal

        theme_id = self._selected()
        if theme_id is None:
            return
        theme = self.themes[theme_id]
        below = [t.name for t in self.themes.values() if t.parent_id == theme_id]
        if below:
            self.notify(f"{theme.name} has themes below it ({', '.join(below[:3])}"
                        f"{', …' if len(below) > 3 else ''}): retire them or move them out "
                        "first (f).", severity="warning", markup=False)
            return
        counted = f'counted in reports and agreement as "{theme.name} (retired)"'
        if self.blind:  # how many the other coders hold would tell what they decided
            mine = self.mine.get(theme_id, 0)
            held = (f"You have not coded it; any other coder's codings stay, {counted}"
                    if mine == 0 else f"Your {mine} coding{'' if mine == 1 else 's'} (and "
                    f"any other coder's) stay, {counted}")
        else:
            n = self.store.coding_counts_by_theme([theme_id]).get(theme_id, 0)
            held = ("Nobody has coded it" if n == 0 else
                    f"Its {n} coding{'' if n == 1 else 's'} (every coder's) "
                    f"stay{'s' * (n == 1)}, {counted}")
        kind = "folder" if not theme.codable else "theme"
        title = (f"Retire {kind} {theme.name}? It leaves the codebook, the pickers and the "
                 f"suggestions. {held}; {self._closes(theme_id)}. u undoes it.")

        def chosen(choice: str | None) -> None:
            if choice != "retire":
                return
            line = self.query_one("#theme-tree", Tree).cursor_line
            done, counts = self.try_change(
                lambda: self.store.retire_theme(theme_id, coder=self.coder))
            if not done:
                return
            self._fill(line=line)
            self.follow_here()
            self.notify(f"Retired {theme.name}: {counts['suggestions']} open suggestion"
                        f"{'' if counts['suggestions'] == 1 else 's'} closed, "
                        f"{codings_kept(counts['codings'])} (u undoes it).", markup=False)

        self.app.push_screen(ChoiceModal(title, [("retire", f"Retire {theme.name}"),
                                                 ("cancel", "Cancel")],
                                         hint="↑↓ choose · Enter on Retire retires · "
                                              "Escape cancels"), chosen)

    def _closes(self, theme_id: str) -> str:
        """``its 48 open suggestions close``: what retiring or merging a theme does to
        the suggestions nobody has decided yet."""
        open_ = len(self.store.suggestions(theme_id=theme_id))
        return ("it has no open suggestion" if open_ == 0 else
                f"its {open_} open suggestion{' closes' if open_ == 1 else 's close'}")

    def _merge(self, source_id: str, target_id: str) -> None:
        """Merge (one transaction), then show the target with its new counts."""
        name = self.themes[source_id].name
        mine = self.mine.get(source_id, 0)
        done, counts = self.try_change(
            lambda: self.store.merge_theme(source_id, target_id, coder=self.coder))
        if not done:
            return
        self._fill(keep=target_id)
        self.follow_here()
        into = f"Merged {name} into {self.themes[target_id].name}"
        if self.blind:  # the pooled counts would tell what the other coders decided
            self.notify(f"{into}: your {mine} coding{'' if mine == 1 else 's'} (and any "
                        "other coder's).", markup=False)
            return
        moved, closed = counts["moved"] + counts["joined"], counts["suggestions"]
        self.notify(f"{into}: {moved} coding{'' if moved == 1 else 's'}, {counts['memos']} "
                    f"memo{'' if counts['memos'] == 1 else 's'}, {closed} open suggestion"
                    f"{'' if closed == 1 else 's'} closed (u undoes it).", markup=False)


def _pattern_stats(store: Store, coder: str | None = None) -> list[dict[str, Any]]:
    """Per-pattern decision counts, every coder's or only ``coder``'s (the suggestion
    area's Store method, when present)."""
    method = getattr(store, "pattern_stats", None)
    return list(method(coder)) if method is not None else []


PATTERN_COLUMNS = ("sugg", "acc", "rej", "precision")
"""The pattern table's figures: suggestions made, accepted, rejected and precision."""


def pattern_table(stats: list[dict[str, Any]], width: int) -> Text:
    """The patterns' figures as a table under one header, each pattern's figures on one
    line: name and figures side by side where ``width`` (0: unknown) holds them, else
    the name on a line of its own above its figures (at 80 columns "precision" and
    its "–" fell on two lines, the sugg, acc and rej figures wherever the line broke)."""
    rows = [(str(s["pattern"]),
             (str(s["suggestions"]), str(s["accepted"]), str(s["rejected"]),
              "\u2013" if s["precision"] is None else f"{s['precision']:.0%}"))
            for s in stats]
    widths = [max(len(head), *(len(r[1][k]) for r in rows))
              for k, head in enumerate(PATTERN_COLUMNS)]

    def figures(values: tuple[str, ...]) -> str:
        return "  ".join(v.rjust(w) for v, w in zip(values, widths))

    name_width = max(len(name) for name, _ in rows)
    header = figures(PATTERN_COLUMNS)
    out = Text()
    if not width or 2 + name_width + 2 + len(header) <= width:
        out.append(f"  {'pattern'.ljust(name_width)}  {header}\n", style="dim")
        for name, values in rows:
            out.append(f"  {name.ljust(name_width)}  {figures(values)}\n")
        return out
    indent = " " * max(2, min(4, width - len(header)))
    out.append(f"  pattern\n{indent}{header}\n", style="dim")
    for name, values in rows:
        out.append(f"  {name}\n")
        out.append(f"{indent}{figures(values)}\n")
    return out
