"""The search screen: find a word, phrase or pattern in every transcript, read, code.

A theme added while coding has no patterns, so nothing suggests it: a researcher who
adds *Covid* searches for "covid", "pandemic", "lockdown" across every interview,
reads each hit in context and codes its sentence. The screen runs
:func:`qualcoder_ahp.reports.search.search` (the same hits as ``qcahp search``) in a
thread worker on its own connection, with a progress line, and fills the list in
batches, so thousands of hits never freeze it. As there, each transcript is searched in
its latest version (one imported again with ``--new-version`` is one interview, not two).

Keys (footer and help): type the search and press Enter (the hits take the keys);
``/`` edits the search again; ``R`` regex on or off, ``W`` whole words on or off,
``o`` the speaker role (all, participants, interviewers); ↑ ↓ PgUp PgDn Home End move;
Enter opens the coding screen at the hit's sentence (``F`` there comes back); ``c``
codes the hit's sentence with a theme picked in the workbench's theme picker (one
ordinary coding decision, so ``u``, here or on the coding screen, undoes it; ``ctrl+n``
there makes what was typed a new theme first, as on the coding screen); Escape goes back.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Theme
from qualcoder_ahp.reports.search import ROLES, Hit, SearchQuery, SearchResult, search
from qualcoder_ahp.tui.follow import withdrawn_meanwhile
from qualcoder_ahp.tui.jobs import NO_CODEBOOK
from qualcoder_ahp.tui.screens.list_screen import ListScreen, at
from qualcoder_ahp.tui.screens.modals import (
    NEW_THEME,
    TOP_LEVEL,
    ThemePickerModal,
    new_theme_place,
)
from qualcoder_ahp.tui.undo_keys import UNDO_BINDINGS, UndoKeys
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from qualcoder_ahp.tui.widgets.list_keys import ListKeys, list_bindings
from qualcoder_ahp.tui.widgets.marks import ink

CONTEXT = 30
"""Characters of context either side of a match: a hit's line fits 80 columns."""
FIRST_BATCH = 100
"""Hits put in the list at once; the rest follow :data:`BATCH` at a time, a refresh apart."""
BATCH = 500
MAX_SHOWN = 5000
"""Hits listed at most (the count line gives them all): narrow a search that finds more."""
ROLE_WORDS = {"all": "all speakers", "participant": "participants",
              "interviewer": "interviewers"}


class HitList(OptionList, inherit_bindings=False):
    """The hits; the screen holds the keys, so the help and the footer list them."""

    DEFAULT_CSS = """
    HitList, HitList:focus { height: 1fr; max-height: 100%; border: none; padding: 0; }
    """


def hit_text(hit: Hit, theme_name: str | None, dark: bool = True) -> Text:
    """A hit as the list draws it: where and who, then the match in its context (the
    tick's colour for the dark or the light theme)."""
    where = [hit.transcript]
    if hit.speaker:
        where.append(hit.speaker)
    if hit.turn is not None:
        where.append(f"turn {hit.turn}")
    if hit.time:
        where.append(hit.time)
    out = Text()
    out.append(" \u00b7 ".join(where), style="bold")
    if hit.role and hit.role != "participant":
        out.append(f" ({hit.role})", style="italic")
    if hit.coded and theme_name:
        out.append(f"  \u2713 {theme_name}", style=ink("accepted", dark, bold=True))
    out.append("\n")
    out.append(hit.before, style="dim")
    out.append(hit.match, style="bold reverse")
    out.append(hit.after, style="dim")
    return out


class HitThemePicker(ThemePickerModal):
    """The workbench's theme picker, starting on the theme last coded with here, so that
    ``c`` Enter codes hit after hit with the same theme."""

    def __init__(self, themes: list[Theme], paths: dict[str, str],
                 preselect: str | None, quote: str | None = None) -> None:
        super().__init__(themes, paths, "Code the hit's sentence with…", allow_new=True,
                         preselect=preselect, quote=quote)


class SearchScreen(UndoKeys, ListKeys, ListScreen, Screen[None]):
    """Search every transcript; the hits in context; open or code each one."""

    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Code that transcript, at the hit's sentence "
                "(F there comes back here)"),
        Binding("c", "code", "Code…", tooltip="Code the hit's sentence with a theme (the "
                "picker); u undoes it"),
        Binding("slash", "edit", "Edit", key_display="/", tooltip="Edit the search text"),
        Binding("R", "toggle('regex')", "Regex",
                tooltip="Regular expression on or off (covid|pandemic finds either)"),
        Binding("W", "toggle('word')", "Words", tooltip="Whole words only, on or off"),
        Binding("o", "role", "Role", tooltip="Speakers searched: all, participants, "
                "interviewers"),
        Binding("escape", "back", "Back", tooltip="Back to the previous screen"),
        *list_bindings("hit"),
        *UNDO_BINDINGS,
    ]

    WHERE = "#search-where"

    DEFAULT_CSS = """
    SearchScreen #search-query { margin: 0; }
    SearchScreen #search-options { padding: 0 1; height: 1; color: $text-muted; }
    SearchScreen #search-head { padding: 0 1; width: 100%; height: auto; text-style: bold; }
    SearchScreen #search-where { padding: 0 1; height: 1; background: $boost; }
    """

    def __init__(self, store: Store, coder: str, query: str = "") -> None:
        """Search the project as ``coder``, starting with ``query`` (searched at once)."""
        super().__init__()
        self.store = store
        self.coder = coder
        self.title = "Search all transcripts"
        self.initial = query
        self.regex = False
        self.word = False
        self.role = "all"
        self.mark_theme: str | None = None
        """The theme last coded with here: hits coded with it (by this coder) are ticked."""
        self.shown: SearchResult | None = None
        """What the list shows (tests compare it with the core)."""
        self._listed: list[Hit] = []
        self._want: tuple[int, int] | None = None
        self._give_keys = False
        """Enter was pressed in the box: the hits take the keys when they arrive."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self.initial, placeholder="a word or phrase (R: a regular expression)",
                    id="search-query")
        yield Label("", id="search-options")
        yield Label("", id="search-head")
        yield HitList(id="search-hits")
        yield Label("", id="search-where")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self._show_options()
        self.query_one(HitList).display = False
        if self.initial.strip():  # as if Enter was pressed in the box
            self._give_keys = True
            self.run_search()
        else:
            self.set_where(Text("Type a word or phrase and press Enter."))
            self.query_one(Input).focus()

    def reload(self) -> None:
        """Search again, if a search was shown: on another connection's commit (codings
        may have changed), or back from the coding screen (where hits may have been coded
        or undone), or a commit came while hidden. Not after a dialog or the help."""
        if self.shown is not None:
            self.run_search()

    # ------------------------------------------------------------------ searching
    def query_text(self) -> str:
        """What is typed in the search box."""
        return self.query_one(Input).value

    def make_query(self) -> SearchQuery:
        """The search as typed, with the screen's options."""
        text = self.query_text()
        return SearchQuery((text,), regex=self.regex, word=self.word, role=self.role)

    def run_search(self) -> None:
        """Search in a worker (keeping the highlighted hit if it is found again)."""
        query = self.make_query()
        try:
            query.compile()
        except UserError as exc:  # a bad regex: say so, keep the old list
            self.set_where(Text(str(exc)))
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._follow_mark()
        keep = self.selected()
        self._want = (keep.transcript_id, keep.start) if keep is not None else None
        request = self.next_request()
        self.set_where(Text("Searching\u2026", style="italic"))
        self._search(request, query, self.mark_theme)

    def _follow_mark(self) -> None:
        """The theme last coded with was merged into another since (on the codebook
        screen, or in another window): mark and offer the theme it went into, as its
        codings did; one no longer in the codebook otherwise (its making undone, say)
        is forgotten."""
        theme_id = self.mark_theme
        if theme_id is None:
            return
        codable = {t.id for t in self.store.themes() if t.codable}
        if theme_id in codable:
            return
        merged, seen = self.store.merged_into(), set()
        while theme_id in merged and theme_id not in seen:  # merged on, A into B into C
            seen.add(theme_id)
            theme_id = merged[theme_id]
        self.mark_theme = theme_id if theme_id in codable else None

    @work(thread=True, exclusive=True, group="search", exit_on_error=False,
          description="Searching")
    def _search(self, request: int, query: SearchQuery, theme: str | None) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, request, done, total)

        coder = self.coder if theme is not None else None
        found = self.on_own_connection(search, query, theme=theme, coder=coder,
                                       context=CONTEXT, progress=progress)
        name = self._theme_name(theme)
        dark = self.app.current_theme.dark
        options = [Option(hit_text(h, name, dark), id=str(i))
                   for i, h in enumerate(found.hits[:MAX_SHOWN])]
        self.app.call_from_thread(self._show, request, found, options)

    def _progress(self, request: int, done: int, total: int) -> None:
        if self.is_current(request):
            self.set_where(Text(f"Searching\u2026 {done}/{total} transcripts", style="italic"))

    def _show(self, request: int, found: SearchResult, options: list[Option]) -> None:
        """Fill the list (a result asked for before the last search is dropped)."""
        if not self.is_current(request):
            return
        listing = self.query_one(HitList)
        self.shown = found
        self._listed = found.hits[:MAX_SHOWN]
        listing.clear_options()
        listing.display = bool(options)
        self.query_one("#search-head", Label).update(Text(self.headline(found)))
        if self._give_keys:  # Enter gave the keys to the hits (R W o / too)
            self._give_keys = False
            if options:
                listing.focus()
            else:
                self.set_focus(None)
        self._add_batch(request, options, 0, FIRST_BATCH)
        self.refresh_bindings()

    def _add_batch(self, request: int, options: list[Option], start: int, size: int) -> None:
        """Add hits ``start`` to ``start + size``, then schedule the next batch."""
        if not self.is_current(request):
            return
        listing = self.query_one(HitList)
        listing.add_options(options[start:start + size])
        if listing.highlighted is None and listing.option_count:
            listing.highlighted = 0
        if self._want is not None:
            for i in range(start, min(start + size, len(self._listed))):
                hit = self._listed[i]
                if (hit.transcript_id, hit.start) == self._want:
                    listing.highlighted = i
                    self._want = None
                    break
        self._show_where()
        if start + size < len(options):
            self.call_after_refresh(self._add_batch, request, options, start + size, BATCH)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "search" and event.state == WorkerState.ERROR:
            self.set_where(Text("The search failed.", style="bold"))

    def headline(self, found: SearchResult) -> str:
        """The count line: "“covid”: 12 hits in 3 of 7 transcripts (all speakers)"."""
        query = found.query
        what = f"\u201c{query.terms[0]}\u201d"
        n = len(found.hits)
        if not n:
            return f"No hits for {what} ({ROLE_WORDS[query.role]})."
        line = (f"{what}: {n:,} hit{'' if n == 1 else 's'} in {found.transcripts} of "
                f"{found.searched} transcripts ({ROLE_WORDS[query.role]})")
        if n > MAX_SHOWN:
            line += f"; the first {MAX_SHOWN:,} listed"
        name = self._theme_name(found.theme_id)
        if name is not None:
            line += f"; {found.coded:,} coded with {name} by you"
        return line

    def _theme_name(self, theme_id: str | None) -> str | None:
        if theme_id is None:
            return None
        try:
            return self.store.theme(theme_id).name
        except UserError:
            return theme_id

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        if not self.query_text().strip():
            self.notify("Type a word or phrase to search for.", severity="warning")
            return
        request = self._request
        self.run_search()
        if self._request != request:  # searching (not a bad regex, left in the box to fix)
            # The keys leave the box now, not when the hits arrive: a key pressed meanwhile
            # (o, W, ↓) acts on the search instead of being typed after the words.
            self._give_keys = True
            self.set_focus(None)

    # ------------------------------------------------------------------ position
    def selected(self) -> Hit | None:
        """The highlighted hit, if any."""
        return at(self._listed, self.highlighted_index())

    def _show_where(self) -> None:
        """The line under the list: which hit of how many, and the keys for it."""
        hit = self.selected()
        if self.shown is None:
            return
        if hit is None:
            self.set_where(Text("/: edit the search · R regex · W whole words · o role"))
            return
        n = self.query_one(HitList).highlighted or 0
        self.set_where(Text(f"Hit {n + 1:,} of {len(self.shown.hits):,} \u00b7 {hit.transcript}"
                             f" \u00b7 \u23ce open \u00b7 c code the sentence"))

    def _show_options(self) -> None:
        mode = "regex" if self.regex else "plain text"
        words = "whole words" if self.word else "any part of a word"
        label = self.query_one("#search-options", Label)
        label.update(Text(f"{mode} (R) \u00b7 {words} (W) \u00b7 {ROLE_WORDS[self.role]} (o)"
                          f" \u00b7 case ignored"))

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Open and Code need a hit; the list keys do nothing while typing, nor does
        ``/`` (the footer offered "/ Edit" in the box being edited, where / types a /)."""
        if action in ("open", "code"):
            return self.selected() is not None
        if action == "edit":
            return not self.query_one(Input).has_focus
        return True

    def action_move(self, delta: int) -> None:
        """Highlight the next (1) or previous (-1) hit; from the search box, go to the list."""
        listing = self.query_one(HitList)
        if not listing.option_count:
            return
        if not listing.has_focus:
            listing.focus()
            return
        current = listing.highlighted or 0
        listing.highlighted = max(0, min(listing.option_count - 1, current + delta))

    def listing(self) -> HitList:
        """The list of hits (for the page and end keys)."""
        return self.query_one(HitList)

    def action_edit(self) -> None:
        """Give the keys to the search box (and keep them there when the hits arrive)."""
        self._give_keys = False
        self.query_one(Input).focus()

    def action_toggle(self, option: str) -> None:
        """Turn regex or whole words on or off, and search again."""
        setattr(self, option, not getattr(self, option))
        self._show_options()
        if self.query_text().strip():
            self.run_search()

    def action_role(self) -> None:
        """Search the next speaker role's turns: all, participants, interviewers."""
        self.role = ROLES[(ROLES.index(self.role) + 1) % len(ROLES)]
        self._show_options()
        if self.query_text().strip():
            self.run_search()

    def action_open(self) -> None:
        """Open the coding screen on the hit's transcript, the cursor on its sentence."""
        from qualcoder_ahp.tui.screens.coding import CodingScreen

        hit = self.selected()
        if hit is None:
            return
        if withdrawn_meanwhile(self, self.store, hit.transcript_id, hit.transcript):
            return
        screen = CodingScreen(self.store, self.coder, hit.transcript_id,
                              span=(hit.sentence_start, hit.sentence_end))
        query = self.make_query()
        if not query.regex:  # the coding screen's own search marks every occurrence
            screen.session.search(query.terms[0])
            screen.session.go_to_span(hit.sentence_start, hit.sentence_end)
        self._opened = True
        self.app.push_screen(screen)
        self.notify("At the hit's sentence: c codes it, u undoes; F goes back to the hits.",
                    timeout=4, markup=False)

    def action_code(self) -> None:
        """Pick a theme (the last one used here first) and code the hit's sentence with it."""
        hit = self.selected()
        if hit is None:
            return
        themes = self.store.themes()
        if not themes:
            self.notify(NO_CODEBOOK, severity="warning", markup=False)
            return
        paths = {t.id: self.store.theme_path(t.id) for t in themes}

        def picked(theme_id: str | None) -> None:
            if theme_id and theme_id.startswith(NEW_THEME):
                name = theme_id[len(NEW_THEME):]
                self.app.push_screen(new_theme_place(name, themes, paths),
                                     lambda parent: self._add_theme(hit, name, parent))
            else:
                self._code_with(hit, theme_id)

        self._follow_mark()  # a merge the list has not caught up with yet
        # The sentence that will be coded, quoted under the title as the coding screen's
        # picker quotes its text (the dialog hid the list, and with it which hit it was).
        sentence = self.store.transcript_text(hit.transcript_id)[
            hit.sentence_start:hit.sentence_end]
        self.app.push_screen(HitThemePicker(themes, paths, self.mark_theme, sentence), picked)

    def _add_theme(self, hit: Hit, name: str, parent: str | None) -> None:
        """Make the theme named in the picker (ctrl+n) and code the hit's sentence with it.

        As on the coding screen: the theme is stored with its event before anything
        shows it, and a theme of that name made meanwhile in another window is coded
        with rather than refused.
        """
        if parent is None:  # Escape: nothing made
            return
        same = [t for t in self.store.themes()
                if t.codable and t.name.casefold() == " ".join(name.split()).casefold()]
        if same:
            self._code_with(hit, same[0].id)
            return
        try:
            theme = self.store.add_theme(name, coder=self.coder,
                                         parent_id=None if parent == TOP_LEVEL else parent)
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._code_with(hit, theme.id)

    def _code_with(self, hit: Hit, theme_id: str | None) -> None:
        """Code ``hit``'s sentence with ``theme_id`` (one decision), unless already coded."""
        if not theme_id:
            return
        name = self._theme_name(theme_id) or theme_id
        if not self.store.has_transcript(hit.transcript_id):
            # Withdrawn in another window since the search ran (or the picker opened):
            # "no transcript with id 2" did not say why.
            self.notify(f"{hit.transcript} was withdrawn from the project (qcahp "
                        "withdraw); nothing was coded.", severity="warning", markup=False)
            self.run_search()
            return
        try:
            have = [c for c in self.store.codings(transcript_id=hit.transcript_id,
                                                  coder=self.coder, theme_id=theme_id)
                    if c.start < hit.sentence_end and hit.sentence_start < c.end]
            if have:
                self.notify(f"Already coded with {name} here.", markup=False)
            else:
                self.store.code(hit.transcript_id, theme_id, self.coder, hit.sentence_start,
                                hit.sentence_end)
                self.notify(f"Coded: {name} (u undoes it).",
                            markup=False)
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.mark_theme = theme_id
        self.run_search()  # tick every hit coded with the theme

    def typing_hint(self) -> str | None:
        """For the help, while the cursor is in the search box: the letter keys it lists
        (R, W, o, c…) type there, and how to leave it."""
        if not self.query_one(Input).has_focus:
            return None
        return ("The cursor is in the search box, where letters type: Enter searches and "
                "leaves it (Escape too, once there are hits); then the keys below work.")

    def action_back(self) -> None:
        """Return to the previous screen; from the search box over a list of hits (``/``,
        then a change of mind), put back the search the list shows and give the keys to
        the hits instead."""
        box = self.query_one(Input)
        listing = self.query_one(HitList)
        if box.has_focus and self.shown is not None:
            box.value = self.shown.query.terms[0]
            if listing.option_count:
                listing.focus()
            else:
                self.set_focus(None)
            return
        self.dismiss()


__all__ = ["SearchScreen", "HitList", "HitThemePicker", "hit_text"]
