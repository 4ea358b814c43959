"""The coding screen: walk suggestions, accept/reject/adjust them, code by hand.

A thin screen over :class:`~qualcoder_ahp.tui.session.CodingSession`: each key is
one binding whose action calls one session method (one Store transaction for a
decision), then redraws the transcript marks and the side panels. The transcript
itself is a Line-API :class:`TranscriptView`, so opening a 38k-word hearing and
pressing keys stays fast.

The key map and the rule for which keys apply are in
:mod:`~qualcoder_ahp.tui.screens.coding_keys`; the keys that open a dialog first
(code by hand, memo, search, filter) in :mod:`~qualcoder_ahp.tui.screens.coding_dialogs`.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from qualcoder_ahp.errors import ProjectBusy, UserError, problem_text
from qualcoder_ahp.model.event_words import EventWords
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Coding
from qualcoder_ahp.tui.follow import FollowsStore
from qualcoder_ahp.tui.messages import notify_replacing
from qualcoder_ahp.tui.screens.coding_dialogs import CodingDialogs
from qualcoder_ahp.tui.screens.coding_keys import (
    BACK_KEYS,
    CODING_BINDINGS,
    footer_priority,
    key_applies,
)
from qualcoder_ahp.tui.session import CodingSession
from qualcoder_ahp.tui.undo_keys import redo_here, undo_here
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from qualcoder_ahp.tui.widgets.marks import LEGEND
from qualcoder_ahp.tui.widgets.side_panel import codebook_text, suggestion_text
from qualcoder_ahp.tui.widgets.transcript_view import Marks, TranscriptView


PLACE_SETTING = "place:"
"""Project setting (followed by the coder's name): where the coder was reading, as JSON
``{"last": transcript id, "at": {"<transcript id>": [offset, suggestion id or null]}}``;
the transcripts screen starts on the last transcript and the coding screen reopens each
at its place (they started on the first row and the first undecided suggestion, so a
coder hand coding a long hearing was pages away from where they had stopped)."""


def remembered_places(store: Store, coder: str) -> dict[str, object]:
    """The coder's places (:data:`PLACE_SETTING`); empty when none or unreadable."""
    raw = store.get_setting(PLACE_SETTING + coder)
    try:
        places = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return places if isinstance(places, dict) else {}


def last_transcript(store: Store, coder: str) -> int | None:
    """The transcript this coder last had open, if remembered."""
    last = remembered_places(store, coder).get("last")
    return last if isinstance(last, int) else None


class CodingScreen(FollowsStore, CodingDialogs, Screen[None]):
    """Code one transcript."""

    HELP_TITLE = "Coding a transcript"
    """The help's title (the screen's is the transcript's name)."""

    BINDINGS = CODING_BINDINGS
    MARKS = LEGEND
    """What the marks of the transcript and the panels mean (listed in the help)."""

    def __init__(self, store: Store, coder: str, transcript_id: int,
                 suggestion_id: int | None = None, *,
                 span: tuple[int, int] | None = None, span_theme: str | None = None) -> None:
        """Open a transcript at a suggestion, at a span (a passage of ``span_theme``), or
        where the coder stopped."""
        super().__init__()
        self.store = store
        self.coder = coder
        self.session = CodingSession(store, coder, transcript_id)
        self._allowed: tuple[bool | str, ...] | None = None
        self.panel_offset = 0
        """First line of the suggestion panel shown (it scrolls when it overflows)."""
        self.panel_keys = False
        """Whether the arrow and page keys scroll the suggestion panel (Tab)."""
        self._panel_for: int | None = -1
        self._codings_before: int | None = None
        """Opened from a search hit: this coder's last coding then; those after it were
        made here (the search screen ticks its hits with their theme, ``F``)."""
        self._adjust_warned: tuple[int, int, int] | None = None
        """The suggestion and adjusted span ``n``/``p``/``g`` last warned would be left
        unstored (:meth:`_keeps_adjusted_span`)."""
        if span is not None:
            self.session.go_to_span(*span, span_theme)
        else:
            self._position(suggestion_id)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="coding-main"):
            yield TranscriptView(id="transcript")
            with Vertical(id="side"):
                yield Static(id="suggestion-panel")
                yield Static(id="codebook-panel")
        yield Static(id="status-line")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        if self.opened_from("back_to_hits"):
            self._codings_before = self._last_coding()
        self._show_transcript()
        # The panels' colours are picked for the dark or the light theme: redraw them.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._update(counts=True))

    def _last_coding(self) -> int:
        """The id of this coder's last coding (0: none yet)."""
        codings = self.store.codings(coder=self.coder, include_inactive=True)
        return max((c.id for c in codings), default=0)

    def reread(self) -> None:
        """Another connection committed: re-read what this screen shows.

        Suggestions (a new ``qcahp suggest`` run), this coder's decisions and codings,
        the codebook and the counts; the cursor stays on the same suggestion id when
        it still exists, and an adjusted pending span is kept. A transcript withdrawn
        meanwhile (``qcahp withdraw``) is closed, back to the transcripts.
        """
        if not self.store.has_transcript(self.session.transcript_id):
            self.notify(f"{self.session.info.name} was withdrawn from the project (qcahp "
                        "withdraw) and is closed", severity="warning", markup=False)
            self.app.call_later(self.app.action_transcripts)  # type: ignore[attr-defined]
            return
        self.session.refresh()
        self.query_one(TranscriptView).set_turns(self.session.turns)
        self._patterns = {p.id: p for p in self.store.patterns(include_inactive=True)}
        self._update(counts=True)

    # ------------------------------------------------------------------ loading
    def load(self, transcript_id: int, suggestion_id: int | None = None) -> None:
        """Switch to another transcript (keeping filters)."""
        self.remember_place()
        old = self.session
        self.session = CodingSession(self.store, self.coder, transcript_id)
        self.session.theme_filter, self.session.status_filter = old.theme_filter, \
            old.status_filter
        self._position(suggestion_id)
        self._show_transcript()

    def _position(self, suggestion_id: int | None) -> None:
        """Choose the starting suggestion (before the footer first asks which keys apply):
        the one asked for, else where this coder was (:meth:`remember_place`), else the
        first suggestion they have not decided."""
        session = self.session
        if suggestion_id is not None:
            target = next((s for s in session.suggestions if s.id == suggestion_id), None)
            if target is not None:
                session.go_to(target)
        elif self._resume_place():
            return
        elif session.suggestions:
            # Resume where this coder stopped: the first suggestion not yet decided.
            target = next((s for s in session.suggestions if s.id not in session.decisions),
                          session.suggestions[0])
            session.go_to(target)

    def _resume_place(self) -> bool:
        """Go back to where this coder was in this transcript, if remembered."""
        session = self.session
        at = remembered_places(self.store, self.coder).get("at")
        place = at.get(str(session.transcript_id)) if isinstance(at, dict) else None
        if not (isinstance(place, list) and len(place) == 2 and isinstance(place[0], int)):
            return False
        offset, suggestion_id = place
        target = next((s for s in session.suggestions if s.id == suggestion_id), None)
        if target is not None:
            session.go_to(target)
        elif session.sentences and 0 <= offset <= len(session.text):
            session.cursor_to(offset)
        else:
            return False
        return True

    def remember_place(self) -> None:
        """Store where this coder is (the current suggestion, else the cursor's sentence)
        as the place to reopen this transcript at, and this transcript as the last one.

        Called on leaving the transcript (back, another transcript, quitting). Only a
        setting: a busy or closed project leaves the place as it was, and says nothing
        (nothing the coder decided depends on it)."""
        session = self.session
        if not session.sentences and session.current is None:
            return
        here = ([session.current.start, session.current.id] if session.current is not None
                else [session.sentences[session.cursor].start, None])
        try:
            places = remembered_places(self.store, self.coder)
            at = places.get("at")
            at = dict(at) if isinstance(at, dict) else {}
            at[str(session.transcript_id)] = here
            new = {"last": session.transcript_id, "at": at}
            if new != places:
                self.store.set_setting(PLACE_SETTING + self.coder, json.dumps(new))
        except ProjectBusy:
            self.store.last_busy = None  # no dialog: the decisions are all stored
        except sqlite3.Error:
            pass  # the project closed first (the app is ending)

    def on_unmount(self) -> None:
        """Leaving the transcript (back, or the workbench closing): remember the place."""
        self.remember_place()

    def _show_transcript(self) -> None:
        session = self.session
        self.title = session.info.name
        self.sub_title = f"coder: {self.coder}"
        self._patterns = {p.id: p for p in self.store.patterns(include_inactive=True)}
        self.query_one(TranscriptView).set_document(session.text, session.turns)
        self._update(counts=True)

    # ------------------------------------------------------------------ drawing
    def _update(self, counts: bool = False) -> None:
        """Redraw marks and panels from the session (after every key)."""
        session = self.session
        view = self.query_one(TranscriptView)
        codings = [(c.start, c.end, self._colour(c.theme_id)) for c in session.codings]
        qlen = len(session.search_query)
        view.set_marks(Marks(
            codings=codings,
            span=(session.span.start, session.span.end) if session.span else None,
            matches=list(session.current.matches) if session.current else [],
            hits=[(h, h + qlen) for h in session.search_hits],
            selecting=session.anchor is not None,
        ))
        if session.span is not None:
            span = session.span
            if view.layout_cache is not None:
                view.show_span(span.start, span.end)
            else:  # not laid out yet: scroll once the view knows its size
                self.call_after_refresh(view.show_span, span.start, span.end)
        self._draw_panel()
        if counts:
            self._draw_codebook()
        self.query_one("#status-line", Static).update(self._status(), layout=False)
        # Re-composing the footer is the slowest part of a key press: only when a key
        # shown in the footer appears or disappears, or the keys it shows first change
        # (hidden keys are checked live).
        allowed = (*(self.check_action(b.action.partition("(")[0], ()) is not False
                     for b in self.BINDINGS if isinstance(b, Binding) and b.show),
                   *footer_priority(session))
        if allowed != self._allowed:
            if self._allowed is not None:  # the footer composed itself with these keys
                self.refresh_bindings()
            self._allowed = allowed

    def _status(self) -> Text:
        """Name, coder, progress and search hits; a long file name (then a long search)
        is shortened so the figures stay on an 80-column screen. The coder, named in the
        header too, gives way to a search's words ("board" read "boa…" at 80 columns)."""
        session = self.session
        decided, total = session.progress()
        rest = (f" coder {self.coder} · decided {decided}/{total} · "
                f"codings {len(session.codings)}")
        width = self.size.width or self.app.size.width
        name = session.info.name
        if session.search_query:
            query = session.search_query
            found, number = len(session.search_hits), session.hit_number()
            # Which hit the cursor is on ("5 hits" said how many, not where ; had got to).
            hits = (f"”: hit {number} of {found}" if number is not None and found > 1
                    else f"”: {found} hit{'' if found == 1 else 's'}")

            def room_left() -> int:  # for the search's words, the name keeping 12 columns
                return (width - 2 - min(len(name), 12) - len(rest) - len(" · search “")
                        - len(hits))
            if len(query) > room_left():
                rest = rest.replace(f" coder {self.coder} ·", "", 1)
            room = room_left()
            if len(query) > room:
                query = query[:max(1, room - 1)] + "…"
            rest += f" · search “{query}{hits}"
        room = max(12, width - len(rest) - 2)
        if len(name) > room:
            name = name[:room - 1] + "…"
        out = Text()
        out.append(f" {name} ", style="bold reverse")
        out.append(rest)
        return out

    def on_resize(self) -> None:
        """The status line shortens the transcript name, and the panel re-wraps."""
        self.query_one("#status-line", Static).update(self._status())
        self.call_after_refresh(self._draw_panel)
        self.call_after_refresh(self._draw_codebook)

    def _draw_codebook(self) -> None:
        """The codebook pane: the theme tree with this coder's counts, one line each."""
        session = self.session
        panel = self.query_one("#codebook-panel", Static)
        panel.update(codebook_text(
            self.store.themes(), self.store.theme_counts(self.coder, session.transcript_id),
            self.store.theme_counts(self.coder), session.recent_themes(),
            panel.content_region.width, self.app.current_theme.dark,
            panel.content_region.height), layout=False)

    def _draw_panel(self) -> None:
        """Draw the suggestion panel from ``panel_offset``, saying what lies beyond.

        The panel has a fixed size and is redrawn without a layout pass (a reflow per
        key would double the cost of ``n`` and ``a`` on a long transcript); when the
        text is longer than the panel (at 80x24 a theme's criteria are), the last row
        says how many lines follow and how to read them.
        """
        session = self.session
        panel = self.query_one("#suggestion-panel", Static)
        text = suggestion_text(session, self._patterns, self.app.current_theme.dark)
        current = session.current.id if session.current else None
        if current != self._panel_for:  # another suggestion is read from the top
            self.panel_offset, self._panel_for = 0, current
        width, height = panel.content_region.width, panel.content_region.height
        if not width or not height:  # not laid out yet: on_resize draws it again
            panel.update(text, layout=False)
            return
        lines = text.wrap(self.app.console, width)
        if len(lines) <= height:
            self.panel_offset = 0
            panel.update(text, layout=False)
            if self.panel_keys:  # nothing left to scroll: ↑ ↓ move the cursor again
                self.action_switch_pane()
            return
        self.panel_offset = max(0, min(self.panel_offset, len(lines) - height + 1))
        shown = list(lines[self.panel_offset:self.panel_offset + height])
        if self.panel_offset:
            shown[0] = Text(f"▲ {self.panel_offset + 1} lines above", style="dim italic")
        below = len(lines) - (self.panel_offset + height - 1)
        if below > 0:
            hint = "↓/PgDn; Tab: done" if self.panel_keys else "Tab, then ↓"
            shown[-1] = Text(f"▼ {below} more lines ({hint})", style="dim italic")
            shown[-1].truncate(width, overflow="ellipsis")
        panel.update(Text("\n").join(shown), layout=False)

    def _panel_overflows(self) -> bool:
        """Whether the suggestion panel's text is longer than the panel."""
        panel = self.query_one("#suggestion-panel", Static)
        width, height = panel.content_region.width, panel.content_region.height
        if not width or not height:
            return False
        text = suggestion_text(self.session, self._patterns, self.app.current_theme.dark)
        return len(text.wrap(self.app.console, width)) > height

    def scroll_panel(self, lines: int) -> None:
        """Scroll the suggestion panel by ``lines`` (negative: up)."""
        self.panel_offset = max(0, self.panel_offset + lines)
        self._draw_panel()

    def _colour(self, theme_id: str) -> str:
        theme = self.session.themes.get(theme_id)
        return theme.color if theme else "#888888"

    # ------------------------------------------------------------------ key plumbing
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that do not apply to the current state."""
        if action in BACK_KEYS:
            return self.opened_from(action)
        return key_applies(self.session, action)

    def footer_first(self) -> tuple[str, ...]:
        """The actions whose keys the footer shows first, for the current state: the way
        back to the search hits or passages this screen was opened from, when it was."""
        back = tuple(a for a in BACK_KEYS if self.opened_from(a))
        return (*back, *footer_priority(self.session))

    def opened_from(self, action: str) -> bool:
        """Whether the screen ``action`` goes back to (search, passages or a pattern's
        suggestions) is below this one.

        The screen was opened with Enter on a hit, a passage or a suggestion, and ``F``,
        ``P`` or ``y`` goes back
        to it; the footer says so (the note saying it fades after four seconds, and Escape
        here only clears the selection).
        """
        from qualcoder_ahp.tui.screens.passages import PassagesScreen
        from qualcoder_ahp.tui.screens.pattern_suggestions import PatternSuggestionsScreen
        from qualcoder_ahp.tui.screens.search import SearchScreen

        kind = {"back_to_hits": SearchScreen, "back_to_passages": PassagesScreen,
                "back_to_patterns": PatternSuggestionsScreen}[action]
        stack = self.app.screen_stack
        below = stack[:stack.index(self)] if self in stack else []
        return any(isinstance(s, kind) for s in below)

    def action_back_to_hits(self) -> None:
        """Back to the search screen this transcript was opened from, on the same hit.

        A hit coded here with a theme is ticked there: the search screen's ticks (and its
        picker) follow the theme this coder last coded with on this screen, as after ``c``
        there. Its ticks show one theme; they left out a hit coded here with another.
        """
        from qualcoder_ahp.tui.screens.search import SearchScreen

        search = [s for s in self.app.screen_stack if isinstance(s, SearchScreen)]
        before = self._codings_before
        made = [c for c in self.store.codings(coder=self.coder)
                if c.id > before] if search and before is not None else []
        if made:
            search[-1].mark_theme = max(made, key=lambda c: c.id).theme_id
        self.app.action_find_all()  # type: ignore[attr-defined]

    def action_back_to_passages(self) -> None:
        """Back to the passages screen this transcript was opened from, on the same one."""
        self.app.action_passages()  # type: ignore[attr-defined]

    def action_back_to_patterns(self) -> None:
        """Back to the pattern's suggestions this transcript was opened from."""
        self.app.action_patterns()  # type: ignore[attr-defined]

    def _do(self, fn: Callable[[], object], counts: bool = False) -> object:
        """Run one session call; a refused or failed decision becomes a notification."""
        try:
            result = fn()
        except UserError as exc:  # refused: the user can act on the message
            if not self.store.has_transcript(self.session.transcript_id):
                # Withdrawn in another window since the last poll: "no suggestion with
                # id 1" did not say why. Say so and close it, as the poll does.
                self.reread()
                return None
            self.notify(str(exc), severity="warning", markup=False)
            self._update(counts=True)
            return None
        except ProjectBusy:
            raise  # nothing stored, nothing shown: the app's busy dialog takes it from here
        except Exception as exc:  # the screen must survive any failure of one decision
            self.notify(problem_text(exc), severity="error", markup=False)
            self._update(counts=True)
            return None
        self._update(counts=counts)
        return result

    # ------------------------------------------------------------------ navigation
    def _keeps_adjusted_span(self) -> bool:
        """Whether to stay: the current suggestion's span was adjusted (``w``, ``m``, the
        edge keys) and not stored, and the coder has not yet been told. Moving on dropped
        the adjustment without a word; now the first ``n``/``p``/``g`` says so and stays,
        the same key again moves on (as Escape over an unsaved memo)."""
        session = self.session
        current, span = session.current, session.span
        if (not session.is_adjusted() or current is None or span is None
                or any(c.theme_id == current.theme_id
                       and (c.start, c.end) == (span.start, span.end)
                       for c in session.codings)):  # adjusted and accepted: stored
            self._adjust_warned = None
            return False
        state = (current.id, span.start, span.end)
        if self._adjust_warned == state:
            self._adjust_warned = None
            return False
        self._adjust_warned = state
        self.notify("The adjusted span is not stored: a accepts the suggestion with it, "
                    "the same key again leaves it.", severity="warning", markup=False)
        return True

    def action_step(self, direction: int) -> None:
        """Next/previous suggestion."""
        if self._keeps_adjusted_span():
            return
        if self._do(lambda: self.session.step_suggestion(direction)) is None:
            self.notify("No suggestion matches the filter.", severity="warning")

    def action_cursor(self, delta: int) -> None:
        """Move the sentence cursor (or scroll the suggestion panel, after Tab).

        After the text was scrolled away from the cursor (PgDn, PgUp, Home, End, the
        mouse wheel), ``↓`` puts it on the first sentence that starts on the page shown
        and ``↑`` on the last that ends there (extending a selection to it): they moved
        it from where it had been, pages back, and the page read was gone. So a long
        transcript is read a page at a time and a sentence on it coded from the keys.
        """
        if self.panel_keys:
            self.scroll_panel(delta)
            return
        target = self._sentence_on_page(delta)
        if target is not None:
            self._do(lambda: self.session.cursor_to(target))
            return
        self._do(lambda: self.session.move_cursor(delta))

    def _sentence_on_page(self, delta: int) -> int | None:
        """Where ``↓`` (``delta`` 1) or ``↑`` puts the cursor when the marked span is off
        the page shown: the start of the first sentence starting on it, or of the last
        one ending on it (a sentence longer than the page: the one shown); None while
        the span is on screen."""
        session = self.session
        view = self.query_one(TranscriptView)
        span = session.span
        shown = view.text_on_screen()
        if not session.sentences or shown is None or (
                span is not None and view.shows(span.start, span.end)):
            return None
        first, last = shown
        sentences = session.sentences
        if delta > 0:
            i = bisect_left(sentences, first, key=lambda s: s.start)
            if i >= len(sentences) or sentences[i].start >= last:
                i = session.sentence_at(first)
        else:
            i = bisect_right(sentences, last, key=lambda s: s.end) - 1
            if i < 0 or sentences[i].end <= first:
                i = session.sentence_at(max(first, last - 1))
        return sentences[i].start

    def action_edge(self, direction: int) -> None:
        """Home/End: the start or the end of the transcript (of the panel, after Tab);
        ↓ or ↑ then puts the cursor on the page shown."""
        if self.panel_keys:
            self.scroll_panel(direction * 10**6)
            return
        view = self.query_one(TranscriptView)
        if direction > 0:
            view.scroll_end(animate=False, immediate=True)
        else:
            view.scroll_home(animate=False, immediate=True)

    def action_next_hit(self, step: int = 1) -> None:
        """Go to the next search hit (``step`` -1: the previous one)."""
        self._do(lambda: self.session.next_hit(step))

    @on(TranscriptView.Clicked)
    def _clicked(self, event: TranscriptView.Clicked) -> None:
        """A click moves the cursor to that sentence (extending a selection)."""
        self._do(lambda: self.session.cursor_to(event.offset))

    def action_page(self, direction: int) -> None:
        """Scroll the transcript by a page (the suggestion stays current: ``a`` still
        accepts it; ``↓`` then puts the cursor on the page shown)."""
        if self.panel_keys:
            height = self.query_one("#suggestion-panel").content_region.height
            self.scroll_panel(direction * max(1, height - 2))
            return
        view = self.query_one(TranscriptView)
        if direction > 0:
            view.scroll_page_down(animate=False)
        else:
            view.scroll_page_up(animate=False)

    def action_switch_pane(self) -> None:
        """Give the arrow and page keys to the suggestion panel (to scroll it), or back.

        Only while the panel has more than it shows: Tab on a panel that fits used to
        take the arrow keys to a panel with nothing to scroll, so ↓ seemed broken.
        """
        if not self.panel_keys and not self._panel_overflows():
            self.notify("The suggestion panel shows all it has: nothing to scroll.",
                        timeout=3)
            return
        self.panel_keys = not self.panel_keys
        self.query_one("#suggestion-panel").set_class(self.panel_keys, "-scrolling")
        self._draw_panel()

    def action_select(self) -> None:
        """Start or stop a sentence selection."""
        self._do(self.session.toggle_selection)

    def action_clear(self) -> None:
        """Drop the selection, a span adjustment and the search highlights; with none of
        them (and the arrows on the transcript), go back where this screen came from.

        Escape with nothing to drop did nothing here, where it goes back on every other
        screen; a coder who pressed it to cancel a widened span kept the span.
        """
        session = self.session
        if self.panel_keys:  # Escape also gives the arrow keys back to the transcript
            self.action_switch_pane()
            return
        if session.anchor is None and not session.search_hits and not session.is_adjusted():
            self.action_back()
            return

        def clear() -> None:
            session.anchor = None
            session.search_query = ""
            session.search_hits = []
            if session.is_adjusted() and session.current is not None:
                session.go_to(session.current)  # the suggestion's own segment again
        self._do(clear)

    def action_back(self) -> None:
        """Back to the search hits or passages this screen was opened from, else to the
        screen below (the transcripts)."""
        for action in BACK_KEYS:
            if self.opened_from(action):
                getattr(self, f"action_{action}")()
                return
        self.dismiss()

    def action_next_undecided(self) -> None:
        """Jump to the next undecided suggestion, in this or a later transcript."""
        if self._keeps_adjusted_span():
            return
        session = self.session
        after = session.current.start if session.current else (
            session.span.start - 1 if session.span else -1)
        found = self.store.next_undecided(self.coder, session.transcript_id, after,
                                          session.theme_filter)
        if found is None:
            self.notify("Every suggestion is decided.")
            return
        if found.transcript_id != session.transcript_id:
            self.load(found.transcript_id, found.id)
            self.notify(f"Moved to {self.session.info.name}", markup=False)
        else:
            self._do(lambda: session.go_to(found))

    # ------------------------------------------------------------------ decisions
    def action_accept(self) -> None:
        """Accept the current suggestion (adjusted if its span was changed), then go on."""
        self._do(lambda: self._then_next(self.session.accept()), counts=True)
        self._tell_replaced()

    def action_reject(self) -> None:
        """Reject the current suggestion, then go on."""
        self._do(lambda: self._then_next(self.session.reject()), counts=True)
        self._tell_replaced()

    def _tell_replaced(self) -> None:
        """Say so when the decision replaced one made in another window."""
        if self.session.replaced:
            self.notify(f"Replaced your decision from another window "
                        f"({self.session.replaced}).", markup=False)
            self.session.replaced = None

    def _then_next(self, result: object) -> object:
        """After a decision, move to the next suggestion that passes the filter.

        No notification here: the panel's counts and the highlight show the decision,
        and a toast per key would cost a layout pass on every accept.
        """
        if self.session.visible_suggestions():
            self.session.step_suggestion(1)
        return result

    def action_widen(self) -> None:
        """Widen the pending span to the turn."""
        self._do(lambda: self._adjust(self.session.widen))

    def action_narrow(self) -> None:
        """Narrow the pending span to the matched words."""
        self._do(self.session.narrow)

    def action_move_edge(self, edge: str, unit: str, direction: int) -> None:
        """Move the span's start or end by a sentence or a word."""
        self._do(lambda: self._adjust(lambda: self.session.move_edge(edge, unit, direction)))

    def _adjust(self, change: Callable[[], None]) -> None:
        """Change the pending span; a selection so changed is a marked span from then on.

        `v` `↓` `w` left the panel saying "Selecting sentences: 2" and the picker "Code
        the selection (2 sentences)" over the whole turn it then coded; and the next `↓`
        dropped the widening for the selection again."""
        session = self.session
        before = session.span
        change()
        if session.anchor is not None and session.span != before:
            session.anchor = None

    def action_remove(self) -> None:
        """Remove the coding under the cursor (asked which, where several themes code it)."""
        self.remove_which(self._remove)

    def _remove(self, coding: Coding | None) -> None:
        removed = self._do(lambda: self.session.remove(coding), counts=True)
        if isinstance(removed, Coding):
            name = self.store.theme_path(removed.theme_id)
            self.notify(f"Removed your coding of {name} (u undoes).", markup=False)

    def action_undo(self) -> None:
        """Undo the last decision (persisted), showing the suggestion it was about; one
        made since in another window or by a command is named first."""
        if undo_here(self, self.store, self.coder):
            self._undo_or_redo(self.session.undo, "Undone", "Nothing to undo.")

    def action_redo(self) -> None:
        """Redo the last undone decision; one undone since in another window or by a
        command is named first."""
        if redo_here(self, self.store, self.coder):
            self._undo_or_redo(self.session.redo, "Redone", "Nothing to redo.")

    def _undo_or_redo(self, step: Callable[[], dict[str, object] | None], done_word: str,
                      nothing: str) -> None:
        # Not through _do: a refused undo (a theme that holds codings) must say why, and
        # not also "Nothing to undo."
        try:
            event = self._show_event(step())
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        except ProjectBusy:
            raise  # as in _do
        except Exception as exc:  # the screen must survive any failure, as in _do
            self.notify(problem_text(exc), severity="error", markup=False)
            self._update(counts=True)
            return
        self._update(counts=True)
        # One undo/redo toast at a time: after u u r, three covered the side panel.
        notify_replacing(self, "undo", f"{done_word}: {self._event_words(event)}"
                         if event else nothing)

    def _event_words(self, event: dict[str, object]) -> str:
        """An undone or redone decision in words: "accept (Winding route)", "memo on the coding"
        (:meth:`~qualcoder_ahp.model.event_words.EventWords.short`, shared with ``qcahp log``)."""
        return EventWords(self.store).short(dict(event))

    def _show_event(self, event: dict[str, object] | None) -> dict[str, object] | None:
        """Move to the suggestion an undone/redone decision was about, if it is here."""
        sid = event.get("suggestion_id") if event else None
        target = next((s for s in self.session.suggestions if s.id == sid), None)
        if target is not None:
            self.session.go_to(target)
        return event
