"""Small modal dialogs: coder name, theme picker, choices, memo text, search, filter.

Each is a ``ModalScreen[T]`` typed by its result; Escape cancels (result ``None``).
They hold no database handle: the screen that opens one does the Store call with
the result, so every decision stays one transaction made in one place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.notifications import Notification, Notify
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option, OptionDoesNotExist

from qualcoder_ahp.model.codebook_store import theme_name_problem
from qualcoder_ahp.records import Theme
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from qualcoder_ahp.tui.widgets.marks import ink


class FitsLists:
    """Mix into a dialog holding lists: they keep to the rows the screen has room for.

    A dialog is at most 90 % of the screen high and its lists at most 14 rows (CSS);
    a list in a dialog that grows past that is cut off, not scrolled: at 80x24 the
    theme picker showed 9 of the demo codebook's 11 themes, and ``↓`` highlighted the
    other two out of sight (Enter coded with a theme not on the screen). So once laid
    out, a list in a dialog that does not fit loses the rows it is over by (and
    scrolls); at each resize the lists start again from their CSS height.
    """

    def on_mount(self) -> None:
        self.call_after_refresh(fit_lists, self)  # type: ignore[attr-defined]

    def on_resize(self) -> None:
        for lst in self.query(LIST_KINDS):  # type: ignore[attr-defined]
            lst.styles.max_height = _css_rows(lst)
        self.call_after_refresh(fit_lists, self)  # type: ignore[attr-defined]


LIST_KINDS = "OptionList, SelectionList"
"""The widgets :func:`fit_lists` fits."""


def _css_rows(lst: Widget) -> int | None:
    """The list's most rows as the CSS gives it (remembered before fitting changes it)."""
    if not hasattr(lst, "_css_rows"):
        height = lst.styles.max_height
        lst._css_rows = int(height.value) if height is not None else None  # type: ignore
    return lst._css_rows  # type: ignore[attr-defined, no-any-return]


def fit_lists(screen: ModalScreen[object]) -> None:
    """Shrink each list of a dialog taller than it may be by what it is over (see
    :class:`FitsLists`); a row of lists side by side shrinks together."""
    for lst in screen.query(LIST_KINDS):
        _css_rows(lst)
        block: Widget = lst
        while block.parent is not None and not isinstance(block.parent, Vertical):
            block = block.parent  # type: ignore[assignment]  # a Horizontal of lists
        dialog = block.parent
        if not isinstance(dialog, Vertical) or not dialog.size.height:
            continue
        needed = dialog.styles.gutter.height + sum(
            child.outer_size.height for child in dialog.children if child.display)
        over = needed - dialog.outer_size.height
        if over > 0:
            # By the row's height, not the list's own: a short list beside a tall one
            # fits already (the reconcile filter's five transcripts shrank to two rows).
            lst.styles.max_height = max(3, block.outer_size.height - over)


class CoderModal(ModalScreen[str]):
    """Ask once for the coder's name (remembered per project by the caller).

    ``check`` says why a name may not code (the consensus coder's, which holds the
    reconciled result); the refusal shows in the dialog, which stays open with what
    was typed. ``refused`` is shown from the start: the remembered name was refused,
    or ``name`` (filled in) was asked about. ``confirm`` asks about a name before it
    is taken (a new coder named like an existing one); the same name again takes it.
    """

    BINDINGS = [Binding("escape", "app.quit", "Quit", tooltip="Quit without choosing")]

    def __init__(self, known: list[str], refused: str | None = None,
                 check: Callable[[str], str | None] | None = None, *, name: str = "",
                 confirm: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.known = known
        self.refused = refused
        self.check = check
        self.typed = name
        self.confirm = confirm
        self._asked = name  # a name filled in was asked about already

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical(classes="dialog"):
            yield Label("Who is coding? Your name is stored with every decision.")
            if self.known:
                yield Label(Text("Coders so far: " + ", ".join(self.known)), classes="hint")
            yield Input(self.typed, placeholder="your name", id="coder-name")
            yield Label("", id="coder-error")

    def on_mount(self) -> None:
        self._show_refusal(self.refused)

    def _show_refusal(self, problem: str | None) -> None:
        error = self.query_one("#coder-error", Label)
        error.display = problem is not None
        if problem is not None:
            error.update(Text(problem[0].upper() + problem[1:] + ".",
                              style=ink("rejected", self.app.current_theme.dark, bold=True)))

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self._show_refusal("a coder needs a name")
            return
        problem = self.check(name) if self.check is not None else None
        if problem is not None:
            self._show_refusal(problem)
            return
        question = self.confirm(name) if self.confirm is not None else None
        if question is not None and name != self._asked:
            self._asked = name
            self._show_refusal(question)
            return
        self.dismiss(name)


NEW_THEME = "+new:"
"""Prefix of a picker result that asks for a new theme with the name that follows (a theme
id never holds a colon, so the two cannot be confused)."""


MATCH_CUTOFF = 60
"""The score (0-100) a theme needs to be listed for what was typed."""
PICK_HINT = "Type to filter · ↑↓ choose · Enter picks · Escape cancels"
"""The keys line of a theme picker that makes no new theme."""
CHOICE_HINT = "↑↓ choose · Enter picks · Escape cancels"
"""The keys line of a :class:`ChoiceModal` unless its opener words it for its choice."""


def shortened(text: str, width: int) -> str:
    """``text`` on one line of at most ``width`` columns, in quotes: white space made
    single spaces, and a text too long keeps its start and its end with " … " between
    (where the span begins and where it stops are what a coder checks)."""
    flat = " ".join(text.split())
    if len(flat) + 2 <= width:
        return f"“{flat}”"
    keep = max(2, width - 5)  # the quotes and " … "
    cut, back = (keep + 1) // 2, len(flat) - keep // 2
    head, tail = flat[:cut], flat[back:]
    # Whole words at the cut, where a word is there to keep ("How did you…", not "How d").
    if flat[cut] != " " and " " in head.strip():
        head = head[:head.rstrip().rfind(" ")]
    if flat[back - 1] != " " and tail[0] != " " and " " in tail.strip():
        tail = tail[tail.find(" "):]
    return f"“{head.rstrip()} … {tail.lstrip()}”"


class QuoteLine(Widget):
    """One line quoting a text, shortened in the middle to the line's width."""

    DEFAULT_CSS = "QuoteLine { height: 1; width: 100%; text-style: italic; }"

    def __init__(self, quote: str, **kwargs: str) -> None:
        super().__init__(**kwargs)
        self.quote = quote

    def render(self) -> Text:
        return Text(shortened(self.quote, self.size.width or 60), no_wrap=True)


class ThemePickerModal(FitsLists, ModalScreen[str | None]):
    """Pick a theme by fuzzy search over names, paths and descriptions (rapidfuzz).

    With ``allow_new``, what was typed can also become a new theme (inductive coding):
    the last option reads ``+ New theme "…"`` (the only one when nothing matches), and
    ctrl+n takes it at once. The result is then ``NEW_THEME + name``. With ``quote``, a
    line under the title quotes the text that will be coded (shortened to fit).
    """

    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel", tooltip="Close without coding"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("ctrl+n", "new_theme", "New theme",
                tooltip="Make what you typed a new theme and code with it"),
    ]

    def __init__(self, themes: list[Theme], paths: dict[str, str], title: str,
                 allow_new: bool = False, preselect: str | None = None,
                 hint: str = PICK_HINT, quote: str | None = None, typed: str = "") -> None:
        super().__init__()
        self.typed = typed
        """What the search box starts with (a new theme's name, back from its folder)."""
        self.quote = quote
        """The text the chosen theme will code, shown under the title (None: no line)."""
        self.hint = hint
        """The keys line under the title (with ``allow_new``, the new-theme one)."""
        self.preselect = preselect
        """A theme to highlight once the list is filled (the one last used, say)."""
        self.themes = [t for t in themes if t.codable]
        self.names = {t.name.casefold() for t in themes}
        self.paths = paths
        self.title_text = title
        self.allow_new = allow_new
        # Names (with their folder and id) and definitions are scored apart: scored as one
        # long string, every theme got about the same middling score from any query, so a
        # new name typed in full listed unrelated themes first and Enter coded with one.
        self._names = {t.id: f"{paths.get(t.id, t.name)} {t.id}" for t in self.themes}
        self._definitions = {t.id: t.description for t in self.themes}

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text))
            if self.quote is not None:
                yield QuoteLine(self.quote, id="picker-quote")
            if self.allow_new and not self.themes:
                yield Label(Text("No themes yet: type the first one's name and press ctrl+n "
                                 "(or Enter) to add it and code with it."), classes="hint")
            elif self.allow_new:
                yield Label(Text("Enter codes with the highlighted theme; ctrl+n makes what "
                                 "you typed a new theme."), classes="hint")
            else:
                yield Label(Text(self.hint), classes="hint")
            yield Input(self.typed, placeholder="type to filter themes", id="theme-query")
            yield OptionList(id="theme-options")

    def on_mount(self) -> None:
        self._fill(self.typed)
        if self.preselect is not None:
            options = self.query_one("#theme-options", OptionList)
            try:
                options.highlighted = options.get_option_index(self.preselect)
            except OptionDoesNotExist:
                pass  # retired or merged since: the first theme stays highlighted

    def _fill(self, query: str) -> None:
        options = self.query_one("#theme-options", OptionList)
        options.clear_options()
        if query.strip():
            ids = self._ranked(query)
        else:
            ids = [t.id for t in self.themes]
        options.add_options([Option(Text(self.paths.get(i, i)), id=i) for i in ids])
        name = " ".join(query.split())
        if (self.allow_new and name and name.casefold() not in self.names
                and theme_name_problem(name) is None):
            options.add_option(Option(Text(f'+ New theme "{name}"'), id=NEW_THEME + name))
        if options.option_count:
            options.highlighted = 0

    def _ranked(self, query: str) -> list[str]:
        """Theme ids matching ``query``, best first: a match on the name or id counts in
        full, one on the definition at 80 %; below 60 it is no match."""
        scores: dict[str, float] = {}
        for choices, scorer, weight in ((self._names, fuzz.WRatio, 1.0),
                                        (self._definitions, fuzz.token_set_ratio, 0.8)):
            for _, score, key in process.extract(query, choices, scorer=scorer, limit=None,
                                                 processor=utils.default_process):
                scores[key] = max(scores.get(key, 0.0), score * weight)
        # Every word typed starting a word of the name or path ("visib", "role ambig",
        # "board") is what people mean: fuzzy scores put such a theme barely over the
        # cut-off, sometimes under another that merely shares letters ("secret" and
        # "Serendipity").
        # A name that begins as typed ("role" -> Role ambiguity) before one that only has
        # such a word further on (Non-traditional roles).
        typed = utils.default_process(query).split()
        own = {t.id: utils.default_process(t.name) for t in self.themes}
        for key, label in self._names.items():
            words = utils.default_process(label).split()
            if typed and all(any(w.startswith(t) for w in words) for t in typed):
                best = 100.0 if own.get(key, "").startswith(" ".join(typed)) else 99.0
                scores[key] = max(scores.get(key, 0.0), best)
        order = {t.id: i for i, t in enumerate(self.themes)}
        return sorted((k for k, v in scores.items() if v >= MATCH_CUTOFF),
                      key=lambda k: (-scores[k], order[k]))

    @on(Input.Changed, "#theme-query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, delta: int) -> None:
        """Move the highlight while typing."""
        options = self.query_one("#theme-options", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    @on(Input.Submitted, "#theme-query")
    def _submit(self) -> None:
        options = self.query_one("#theme-options", OptionList)
        if options.highlighted is None:
            self.notify("No theme matches.", severity="warning")
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+n only where a new theme can be made (not when merging or moving)."""
        if action == "new_theme":
            return self.allow_new
        return True

    def action_new_theme(self) -> None:
        """Ask for a new theme named as typed."""
        if not self.allow_new:
            return
        name = " ".join(self.query_one("#theme-query", Input).value.split())
        problem = theme_name_problem(name)
        if not name:
            self.notify("Type the new theme's name first.", severity="warning")
        elif problem:
            self.notify(problem[0].upper() + problem[1:] + ".", severity="warning",
                        markup=False)
        elif name.casefold() in self.names:
            self.notify(f"There is already a theme named {name!r}.", severity="warning",
                        markup=False)
        else:
            self.dismiss(NEW_THEME + name)

    @on(OptionList.OptionSelected, "#theme-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        """Cancel."""
        self.dismiss(None)


class ChoiceModal(FitsLists, ModalScreen[str | None]):
    """Choose one of a few labelled options (Enter), or Escape; a line under the title
    says so (``hint``), as every dialog names its keys."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", tooltip="Close without choosing")]

    def __init__(self, title: str, choices: list[tuple[str, str]],
                 hint: str = CHOICE_HINT, preselect: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.hint = hint
        self.preselect = preselect
        """The choice highlighted when the dialog opens (else the first)."""

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text))
            yield Label(Text(self.hint), classes="hint")
            yield OptionList(*[Option(Text(label), id=key) for key, label in self.choices],
                             id="choices")

    def on_mount(self) -> None:
        if self.preselect is not None:
            options = self.query_one("#choices", OptionList)
            try:
                options.highlighted = options.get_option_index(self.preselect)
            except OptionDoesNotExist:
                pass

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        """Cancel."""
        self.dismiss(None)


class MemoModal(ModalScreen[str | None]):
    """Write a memo (ctrl+s saves; an empty memo clears it; Escape cancels)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo", tooltip="Store the memo"),
        Binding("escape", "dismiss_none", "Cancel", tooltip="Close without saving"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.initial = text

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical(classes="dialog memo"):
            yield Label(Text(self.title_text))
            yield TextArea(self.initial, id="memo-text")
            yield Label("ctrl+s save · escape cancel · empty text clears the memo",
                        classes="hint")

    def action_save(self) -> None:
        """Return the text."""
        self.dismiss(self.query_one("#memo-text", TextArea).text)

    def action_dismiss_none(self) -> None:
        """Cancel; with the memo changed, only after a second Escape (one pressed out of
        habit threw away a memo being written, without a word)."""
        if (self.query_one("#memo-text", TextArea).text != self.initial
                and not discard_confirmed(self, "memo")):
            return
        self.dismiss(None)

    def holds_unsaved(self) -> bool:
        """Asked by the app before it quits (ctrl+q, the palette's quit): a changed memo
        keeps the workbench open the first time, saying so; a second quit leaves without
        it. ctrl+q quit at once, and the memo being written was gone without a word."""
        changed = self.query_one("#memo-text", TextArea).text != self.initial
        return changed and not discard_confirmed(self, "memo", quitting=True)

    def on_unmount(self) -> None:
        """Saved or discarded: the warning that it was not saved goes with the dialog."""
        withdraw_discard_note(self)


THEME_FIELDS = ("name", "description", "inclusion", "exclusion", "examples", "color")
"""The fields of :class:`ThemeEditModal`, in the form's order (examples one per line)."""

THEME_SAVER = Callable[[dict[str, str]], str | None]
"""What :class:`ThemeEditModal` calls with ``{field: text}`` (the :data:`THEME_FIELDS`, the
examples one per line): the opening screen's store call, returning why it was refused
(shown in the form) or ``None`` once saved."""


class ThemeEditModal(ModalScreen[bool | None]):
    """Edit a theme's name, definition, inclusion and exclusion criteria, examples and
    colour: Enter (in the name or colour) or ctrl+s saves, Escape cancels.

    The fields scroll under the title (at 80x24 they do not all fit): Tab and shift+Tab
    move between them and bring the focused one into view; the refusal and the hint
    stay in sight below. The form holds no database handle: ``save`` (the screen's)
    makes the one Store call. A refusal (a name in use, a bad colour, nothing changed)
    is shown in the form, which stays open with what was typed; the result is ``True``
    once saved, ``None`` on Escape.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Store the edit (one undoable step)"),
        Binding("escape", "dismiss_none", "Cancel", tooltip="Close without saving"),
    ]
    BUSY_WORDS = {"save": "your edit of the theme"}  # the busy dialog's "Your ... was not stored"

    def __init__(self, title: str, theme: Theme, save: THEME_SAVER) -> None:
        super().__init__()
        self.title_text = title
        self.theme = theme
        self.save = save

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        theme = self.theme
        with Vertical(classes="dialog theme-edit"):
            yield Label(Text(self.title_text))
            with VerticalScroll(id="edit-fields"):
                yield Label("Name")
                yield Input(theme.name, id="edit-name")
                yield Label("Definition")
                yield TextArea(theme.description, id="edit-description")
                yield Label("Include (inclusion criteria)")
                yield TextArea(theme.inclusion, id="edit-inclusion")
                yield Label("Exclude (exclusion criteria)")
                yield TextArea(theme.exclusion, id="edit-exclusion")
                yield Label("Examples (one per line)")
                yield TextArea("\n".join(theme.examples), id="edit-examples")
                yield Label(self._colour_label(theme.color), id="edit-colour-label")
                yield Input(theme.color, placeholder="#RRGGBB", id="edit-colour")
            yield Label("", id="edit-error")
            # One line at 80 columns (Enter saves too, in the name or the colour).
            yield Label("ctrl+s saves · Tab next field · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#edit-error", Label).display = False
        self.query_one("#edit-name", Input).focus()
        self._opened = self.values()

    def values(self) -> dict[str, str]:
        """What the form holds now, by field."""
        out = {"name": self.query_one("#edit-name", Input).value,
               "color": self.query_one("#edit-colour", Input).value}
        for field in ("description", "inclusion", "exclusion", "examples"):
            out[field] = self.query_one(f"#edit-{field}", TextArea).text
        return out

    @staticmethod
    def _colour_label(colour: str) -> Text:
        """``Colour (#RRGGBB) ███``, the swatch in the colour typed once it is one."""
        label = Text("Colour (#RRGGBB) ")
        if re.fullmatch(r"#[0-9A-Fa-f]{6}", colour.strip()):
            label.append("███", style=colour.strip())
        return label

    @on(Input.Changed, "#edit-colour")
    def _colour_changed(self, event: Input.Changed) -> None:
        self.query_one("#edit-colour-label", Label).update(self._colour_label(event.value))

    @on(Input.Submitted)
    async def _submitted(self) -> None:
        # As Ctrl+S, through the app's keys: with the project busy, the busy dialog keeps
        # the form and saves it once it is free (called here directly, the busy error
        # ended the workbench with a traceback).
        await self.app.run_action("save", self)

    def action_save(self) -> None:
        """Hand the form to the screen's save; stay open with its refusal, if any."""
        problem = self.save(self.values())
        error = self.query_one("#edit-error", Label)
        if problem is None:
            self.dismiss(True)
            return
        error.update(Text(problem[0].upper() + problem[1:] + ".",
                          style=ink("rejected", self.app.current_theme.dark, bold=True)))
        error.display = True

    def action_dismiss_none(self) -> None:
        """Cancel; with a field changed, only after a second Escape."""
        if self.values() != self._opened and not discard_confirmed(self, "edit"):
            return
        self.dismiss(None)

    def holds_unsaved(self) -> bool:
        """Asked by the app before it quits (ctrl+q): a changed form stays open the first
        time, saying so; a second quit leaves without it."""
        return self.values() != self._opened and not discard_confirmed(self, "edit",
                                                                      quitting=True)

    def on_unmount(self) -> None:
        """Saved or cancelled: the warning that it was not saved goes with the form."""
        withdraw_discard_note(self)


def discard_confirmed(dialog: ModalScreen[object], what: str, *, quitting: bool = False,
                      ) -> bool:
    """Whether Escape (or, ``quitting``, a quit) may throw away the unsaved ``what`` in
    ``dialog``: the second time yes; the first time the dialog stays open and says how
    to save or discard. Escape and quit are asked apart: an Escape warned about does not
    make a later ctrl+q leave without a word."""
    flag = "_quit_warned" if quitting else "_discard_warned"
    if getattr(dialog, flag, False):
        return True
    setattr(dialog, flag, True)
    again = "ctrl+q again quits without it" if quitting else "Escape again discards it"
    withdraw_discard_note(dialog)  # one warning at a time
    note = Notification(f"This {what} is not saved: ctrl+s saves it, {again}.", "",
                        "warning", dialog.app.NOTIFICATION_TIMEOUT, markup=False)
    dialog._discard_note = note  # type: ignore[attr-defined]
    dialog.app.post_message(Notify(note))
    return False


def withdraw_discard_note(dialog: ModalScreen[object]) -> None:
    """Take back the "not saved" warning of ``dialog``, if it is still shown: after ctrl+s
    it stayed on screen for seconds beside "Memo on the coding saved."."""
    note = getattr(dialog, "_discard_note", None)
    if note is None:
        return
    dialog._discard_note = None  # type: ignore[attr-defined]
    app = dialog.app
    # Textual has no public call to withdraw one notification (see notify_replacing).
    unnotify = getattr(app, "_unnotify", None)
    if unnotify is not None and note in getattr(app, "_notifications", ()):
        unnotify(note)


def complete_path(value: str) -> str | None:
    """``value`` with the file or folder name it ends with completed, or None.

    The whole text is taken as one path first (a name with spaces needs no quotes), then
    its last word (several paths, spaces between). Several names that begin so complete
    as far as they agree, else to the first of them; a folder ends in "/". Hidden files
    only when a "." is typed.
    """
    for at in dict.fromkeys((0, value.rfind(" ") + 1)):
        typed = value[at:]
        if not typed.strip():
            continue
        path = Path(typed).expanduser()
        folder, stem = (path, "") if typed.endswith(("/", os.sep)) else (path.parent, path.name)
        try:
            names = sorted((entry.name, entry.is_dir()) for entry in os.scandir(folder)
                           if entry.name.startswith(stem)
                           and (stem.startswith(".") or not entry.name.startswith(".")))
        except OSError:
            continue
        if not names:
            continue
        common = os.path.commonprefix([name for name, _ in names])
        if len(names) == 1:
            common += "/" if names[0][1] else ""
        elif len(common) == len(stem):
            common = names[0][0] + ("/" if names[0][1] else "")
        if len(common) > len(stem):
            return value + common[len(stem):]
    return None


class PathSuggester(Suggester):
    """Inline completion of file and folder names (:func:`complete_path`): → or Tab
    takes it. The import and codebook dialogs had none, so every path was typed whole."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)  # the folder may change

    async def get_suggestion(self, value: str) -> str | None:
        """The completed text, or None."""
        return complete_path(value)


class SearchModal(ModalScreen[str | None]):
    """Ask for a search text (or a name, or paths).

    ``check`` says why what was typed cannot be taken (a theme name too long, or taken):
    the refusal shows in the dialog, which stays open with the text to correct, as the
    name dialog's does (the dialog closed, and a toast said why, the text gone).
    """

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", tooltip="Close, doing nothing"),
                Binding("tab", "complete", "Complete", show=False,
                        tooltip="Take the completion shown after the text (→ too)")]

    def __init__(self, initial: str = "", placeholder: str = "search the transcript",
                 hint: str = "Enter searches · Escape cancels",
                 check: Callable[[str], str | None] | None = None,
                 suggester: Suggester | None = None) -> None:
        super().__init__()
        self.initial = initial
        self.placeholder = placeholder
        self.hint = hint
        """The keys line under the title (the import dialog says where paths start)."""
        self.check = check
        self.suggester = suggester
        """Completes what is typed (file and folder names: :class:`PathSuggester`)."""

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical(classes="dialog"):
            yield Label(Text(self.placeholder.capitalize()))
            yield Label(Text(self.hint), classes="hint")
            yield Input(self.initial, placeholder=self.placeholder, id="search-query",
                        suggester=self.suggester)
            yield Label("", id="search-error")

    def on_mount(self) -> None:
        self.query_one("#search-error", Label).display = False

    def action_complete(self) -> None:
        """Take the completion shown after the text, as → at its end does; a path is
        completed here and now (Tab typed right after a letter came before the
        suggestion, which is made in a task, and did nothing)."""
        box = self.query_one("#search-query", Input)
        done = complete_path(box.value) if isinstance(self.suggester, PathSuggester) else None
        if done is not None:
            box.value = done
        box.cursor_position = len(box.value)
        box.action_cursor_right()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        problem = self.check(event.value) if self.check is not None else None
        if problem is not None:
            error = self.query_one("#search-error", Label)
            error.display = True
            error.update(Text(problem, style=ink("rejected", self.app.current_theme.dark,
                                                 bold=True)))
            return
        self.dismiss(event.value)

    def action_dismiss_none(self) -> None:
        """Cancel."""
        self.dismiss(None)


class FilterModal(FitsLists, ModalScreen[tuple[str, str | None] | None]):
    """Filter suggestions by status and theme: Tab between lists, Enter applies both."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", tooltip="Keep the filter")]

    def __init__(self, statuses: tuple[str, ...], themes: list[Theme], status: str,
                 theme: str | None) -> None:
        super().__init__()
        self.statuses = statuses
        self.themes = themes
        self.status = status
        self.theme = theme

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical(classes="dialog filter"):
            yield Label("Filter suggestions: status and theme (Tab switches, Enter applies)")
            with Horizontal():
                yield OptionList(*[Option(s, id=s) for s in self.statuses], id="status-list")
                yield OptionList(Option("all themes", id="*"),
                                 *[Option(Text(t.name), id=t.id) for t in self.themes],
                                 id="theme-list")

    def on_mount(self) -> None:
        status_list = self.query_one("#status-list", OptionList)
        status_list.highlighted = self.statuses.index(self.status)
        theme_list = self.query_one("#theme-list", OptionList)
        theme_list.highlighted = theme_list.get_option_index(self.theme or "*")
        status_list.focus()

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        status_list = self.query_one("#status-list", OptionList)
        theme_list = self.query_one("#theme-list", OptionList)
        status = self.statuses[status_list.highlighted or 0]
        theme_option = theme_list.get_option_at_index(theme_list.highlighted or 0)
        self.dismiss((status, None if theme_option.id == "*" else theme_option.id))

    def action_dismiss_none(self) -> None:
        """Cancel."""
        self.dismiss(None)


TOP_LEVEL = "+top"
"""The parent choice that puts a new theme at the top level (no theme id has a "+")."""


def new_theme_place(name: str, themes: list[Theme], paths: dict[str, str],
                    preselect: str | None = None) -> ChoiceModal:
    """The question where a new theme named ``name`` goes: the top level or one of the
    codebook's folders (from ``themes``, shown by their ``paths``; ``preselect`` a folder
    to highlight). Its result is :data:`TOP_LEVEL`, a folder's id, or ``None``."""
    folders = [(t.id, f"In {paths.get(t.id, t.name)}") for t in themes if not t.codable]
    return ChoiceModal(f'New theme "{name}": where does it go?',
                       [(TOP_LEVEL, "At the top level"), *folders], preselect=preselect)
