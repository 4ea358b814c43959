"""The reconcile screen's dialogs: which coders to compare, and the theme/transcript filter."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, SelectionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from qualcoder_ahp.tui.screens.modals import FitsLists
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter


class CoderPicker(FitsLists, ModalScreen[list[str] | None]):
    """Choose which coders to reconcile when more than two have coded."""

    DEFAULT_CSS = """
    CoderPicker { align: center middle; }
    CoderPicker > Vertical { width: 60; height: auto; max-height: 80%;
                             border: thick $accent; padding: 1 2; background: $surface; }
    CoderPicker:light > Vertical { border: thick $primary; }
    CoderPicker SelectionList { height: auto; max-height: 16; }
    """

    BINDINGS = [
        Binding("enter", "confirm", "Compare", priority=True,
                tooltip="Reconcile the ticked coders"),
        Binding("escape", "cancel", "Cancel", tooltip="Back without reconciling"),
    ]

    def __init__(self, coders: list[str]) -> None:
        super().__init__()
        self.coders = coders

    def compose(self) -> ComposeResult:
        """A tick list of the coders, all ticked."""
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical():
            yield Label("Reconcile which coders? (space ticks, enter compares)")
            yield SelectionList[str](*[(_ticked(name, True), name, True)
                                       for name in self.coders], id="coder-pick")

    @on(SelectionList.SelectedChanged, "#coder-pick")
    def _say_ticks(self) -> None:
        """Each coder's line says whether they are compared: the tick box alone told it by
        its colour, so with NO_COLOR (or to a screen reader) every coder looked ticked."""
        pick = self.query_one("#coder-pick", SelectionList)
        chosen = set(pick.selected)
        for index, name in enumerate(self.coders):
            pick.replace_option_prompt_at_index(index, _ticked(name, name in chosen))

    def action_confirm(self) -> None:
        """Compare the ticked coders (two or more)."""
        chosen = list(self.query_one("#coder-pick", SelectionList).selected)
        if len(chosen) < 2:
            self.notify("Tick two or more coders.", severity="warning")
            return
        self.dismiss([c for c in self.coders if c in chosen])

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


def _ticked(name: str, ticked: bool) -> Text:
    """A coder's line in :class:`CoderPicker`: the name, then whether it is compared."""
    return Text.assemble(name, ("  compared" if ticked else "  left out", "dim"))


ALL = "*"
"""The option of :class:`ReconcileFilter` that filters nothing."""


class ReconcileFilter(FitsLists, ModalScreen[tuple[str | None, int | None] | None]):
    """Choose a theme and a transcript to reconcile: Tab between the lists, Enter applies
    both (the highlighted one in each), Escape keeps the filter as it was."""

    DEFAULT_CSS = """
    ReconcileFilter Horizontal { height: auto; }
    ReconcileFilter OptionList { width: 1fr; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Keep the filter as it was")]

    def __init__(self, themes: list[tuple[str, str]], transcripts: list[tuple[int, str]],
                 theme: str | None, transcript: int | None) -> None:
        super().__init__()
        self.themes = themes
        self.transcripts = transcripts
        self.theme = theme
        self.transcript = transcript

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical(classes="dialog filter"):
            # "Reconcile only: a theme and a transcript (undecided/all)" read as an
            # order to pick both, and left the figures to be guessed.
            yield Label("Show only one theme's disagreements, one transcript's, or both "
                        "(beside each: undecided / all of its disagreements). Tab switches "
                        "lists, Enter applies, Escape cancels")
            with Horizontal():
                yield OptionList(*self._theme_options(), id="filter-theme")
                yield OptionList(*self._transcript_options(), id="filter-transcript")

    def _theme_options(self) -> list[Option]:
        return [Option("all themes", id=ALL),
                *[Option(Text(label), id=key) for key, label in self.themes]]

    def _transcript_options(self) -> list[Option]:
        return [Option("all transcripts", id=ALL),
                *[Option(Text(label), id=str(key)) for key, label in self.transcripts]]

    def update_choices(self, themes: list[tuple[str, str]],
                       transcripts: list[tuple[int, str]]) -> None:
        """Show the counts as they are now (a decision or a coding made in another
        window, taken in at the poll): each list keeps its highlighted option, or goes
        to "all" when that one has no disagreement left."""
        if (themes, transcripts) == (self.themes, self.transcripts):
            return
        self.themes, self.transcripts = themes, transcripts
        for selector, options in (("#filter-theme", self._theme_options()),
                                  ("#filter-transcript", self._transcript_options())):
            listing = self.query_one(selector, OptionList)
            at = listing.highlighted
            kept = listing.get_option_at_index(at).id if at is not None else ALL
            listing.clear_options()
            listing.add_options(options)
            try:
                listing.highlighted = listing.get_option_index(kept or ALL)
            except OptionDoesNotExist:
                listing.highlighted = 0

    def on_mount(self) -> None:
        themes = self.query_one("#filter-theme", OptionList)
        themes.highlighted = themes.get_option_index(self.theme or ALL)
        transcripts = self.query_one("#filter-transcript", OptionList)
        transcripts.highlighted = transcripts.get_option_index(
            ALL if self.transcript is None else str(self.transcript))
        themes.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self) -> None:
        themes = self.query_one("#filter-theme", OptionList)
        transcripts = self.query_one("#filter-transcript", OptionList)
        theme = themes.get_option_at_index(themes.highlighted or 0).id
        transcript = transcripts.get_option_at_index(transcripts.highlighted or 0).id
        self.dismiss((None if theme == ALL else theme,
                      None if transcript in (ALL, None) else int(str(transcript))))

    def action_cancel(self) -> None:
        """Close, keeping the filter."""
        self.dismiss(None)
