"""The workbench application: project, coder, screen wiring, app-wide keys.

:func:`make_app` is the one factory used by ``qcahp code``, ``qcahp demo``, the
tests and the benchmark. The app opens the project store, settles who is coding
(``--coder``, else the name remembered in the project, else a one-time modal) and
shows the transcripts screen. Screens do the work; this class only routes between
them, offers every key of the current screen in the command palette, turns
worker failures into notifications (one ``Worker.StateChanged`` handler), and polls
``PRAGMA data_version`` so that another coder's commit (or the same coder's in a
second window, or a ``qcahp decide``/``suggest`` run) is shown within a couple of
seconds: screens that show stored data define ``store_changed()`` and re-read (most
mix in :class:`~qualcoder_ahp.tui.follow.FollowsStore`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui.busy import BusyGuard
from qualcoder_ahp.tui.commands import LEFT_OUT_COMMANDS, RENAMED_COMMANDS, key_commands
from qualcoder_ahp.tui.jobs import NO_CODEBOOK

CODER_SETTING = "coder"
THEME_SETTING = "theme:"
"""Project setting (followed by the coder's name) holding the Textual theme a coder chose
(ctrl+p "Colour scheme"), so that a light theme stays light at the next start."""
POLL_SECONDS = 1.5
"""How often the workbench asks whether another connection committed (one PRAGMA)."""

CONSENSUS_ADVICE = "type your own name, and agree the consensus on the reconcile screen (R)"
"""What the name dialog says after :meth:`Store.consensus_problem` (the check every
command that writes a coder's codings or decisions makes too)."""


COLOUR_SCHEME_PROMPT = "Colour scheme for the workbench (light or dark)…"
"""The prompt of the "Colour scheme" list (ctrl+p)."""


class WorkbenchApp(BusyGuard, App[None]):
    """Keyboard-first coding of interview transcripts."""

    CSS_PATH = "app.tcss"
    TITLE = "qualcoder_ahp"
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Close the workbench (every decision is saved)"),
        Binding("question_mark", "help", "Help", key_display="?",
                tooltip="List every key of this screen"),
        # ? types a ? in a box (the search screen opens in one): the footer offers F1 there.
        Binding("f1", "help", "Help", key_display="F1",
                tooltip="The help, also while typing in a box (where ? types a ?)"),
        Binding("t", "transcripts", "Transcripts", tooltip="Back to the list of transcripts"),
        Binding("k", "codebook", "Codebook",
                tooltip="Themes, definitions, your counts and pattern precision"),
        Binding("C", "counts", "Counts", show=False, tooltip="Theme counts report"),
        Binding("R", "reconcile", "Reconcile", show=False,
                tooltip="Compare coders and agree a consensus"),
        Binding("P", "passages", "Passages", show=False,
                tooltip="Read every passage coded with a theme, across transcripts "
                        "(from a passage opened there: back to the list)"),
        Binding("y", "patterns", "Patterns", show=False,
                tooltip="Every pattern's record: suggestions made, accepted, rejected, open, "
                        "precision (on the codebook: the highlighted theme's; from a "
                        "suggestion opened there: back to the list)"),
        # The codebook screen's w, from every screen (w widens on the coding screen).
        Binding("K", "keywords", "Key words", show=False,
                tooltip="A theme's key words: the words your passages coded with it use "
                        "more than the rest, and whether a pattern uses them"),
        Binding("X", "framework", "Framework",
                tooltip="Framework matrix: cases x themes, your summary of each cell"),
        Binding("L", "load_codebook", "Load codebook", show=False,
                tooltip="Load a codebook file into a project without one (on the "
                        "transcripts screen)"),
        Binding("F", "find_all", "Find all", show=False,
                tooltip="Search every transcript for a word or pattern, read the hits in "
                        "context, code them (from a hit opened there: back to the hits)"),
    ]

    def __init__(self, store_path: str | Path | None, coder: str | None = None,
                 *, store: Store | None = None) -> None:
        super().__init__()
        self.store_path = Path(store_path) if store_path is not None else None
        self.store: Store = store if store is not None else open_store(self.store_path)
        self._owns_store = store is None
        self.guard_store()  # another process writing: a dialog, not a frozen screen
        self.coder: str = coder or self.store.get_setting(CODER_SETTING) or ""

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        """Start watching the database, ask for the coder once, then show the transcripts."""
        self._seen_version = self.store.data_version()
        self.set_interval(POLL_SECONDS, self.poll_store, name="store-poll")
        # A name remembered from before the consensus was made (or from an older version,
        # which let anyone code as it) is asked again, saying why.
        refused = self._consensus_refusal(self.coder) if self.coder else None
        # A --coder mistyped (Ana for ana) opened an empty workbench as a new coder, as if
        # the coder's work were lost: asked first, with the name as typed.
        asked = self._new_coder_question(self.coder) if self.coder and not refused else None
        if self.coder and refused is None and asked is None:
            coder = self.coder
            self.run_guarded(lambda: self._start(coder), "your name (as this project's coder)")
        else:
            from qualcoder_ahp.tui.screens.modals import CoderModal

            typed, self.coder = (self.coder if asked else ""), ""
            self.push_screen(CoderModal(self._possible_coders(), refused or asked,
                                        self._consensus_refusal, name=typed,
                                        confirm=self._new_coder_question), self._start)

    def _new_coder_question(self, coder: str) -> str | None:
        """What to ask before starting ``coder``, who is new here but named like a coder
        who is not (a typo?); None when the name is known or like no one."""
        if coder in self.store.coders():
            return None
        reserved = self.store.consensus_coders()
        near = [c for c in self.store.similar_coders(coder) if c not in reserved]
        if not near:
            return None
        return (f"{coder!r} is not a coder in this project yet: did you mean "
                f"{' or '.join(map(repr, near))}? Type the name you code under, or press "
                f"Enter to start as the new coder {coder!r}")

    def _consensus_refusal(self, coder: str) -> str | None:
        problem = self.store.consensus_problem(coder)
        return None if problem is None else f"{problem}: {CONSENSUS_ADVICE}"

    def _possible_coders(self) -> list[str]:
        """The coders to offer by name: every coder but the consensus ones."""
        reserved = self.store.consensus_coders()
        return [c for c in self.store.coders() if c not in reserved]

    def _start(self, coder: str | None) -> None:
        from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

        if not coder:
            self.exit()
            return
        self.coder = coder
        self.store.ensure_coder(coder)
        self.store.set_setting(CODER_SETTING, coder)
        chosen = self.store.get_setting(THEME_SETTING + coder)
        if chosen in self.available_themes:
            self.theme = chosen
        self._theme_coder = coder  # from now on a change of theme is this coder's choice
        self.sub_title = f"coder: {coder}"
        self.push_screen(TranscriptsScreen(self.store, coder))

    def watch_theme(self, theme: str) -> None:
        """Remember the theme this coder chose (in the project, as the coder's name is)."""
        coder = getattr(self, "_theme_coder", "")
        if coder and self.store.get_setting(THEME_SETTING + coder) != theme:
            def remember() -> None:
                self.store.set_setting(THEME_SETTING + coder, theme)
                self.mark_store_seen()

            self.run_guarded(remember, "your colour scheme")

    def on_unmount(self) -> None:
        """Close the database we opened (or give back the one we were given as it was)."""
        self.unguard_store()
        if self._owns_store:
            self.store.close()

    # ------------------------------------------------------------------ other writers
    def poll_store(self) -> bool:
        """Re-read the shown screens if another connection has committed since last time.

        Runs on the main thread every :data:`POLL_SECONDS`; when nothing changed it is
        one ``PRAGMA data_version`` (our own commits never change it). Returns whether
        the screens were told about a change.
        """
        if not self.is_running:
            # Closing: the screens are being taken down, their widgets already gone (a
            # commit from another window just before q crashed the exit with "No nodes
            # match '#theme-tree' on CodebookScreen()").
            return False
        # Decisions into the database file too, so that a copy of the file made while
        # the workbench is open (to send to the lead for a merge) holds them: our own,
        # and those of a command or window that committed meanwhile.
        version = self.store.data_version()
        self.store.checkpoint_writes(others=version != self._seen_version)
        if version == self._seen_version:
            return False
        if any(w.group == "jobs" and w.is_running for w in self.workers):
            # Our own import/suggest worker is writing: its JobFinished reloads once.
            return False
        self._seen_version = version
        active = self.screen
        visible = [active]
        if isinstance(active, ModalScreen) and len(self.screen_stack) > 1:
            visible.append(self.screen_stack[-2])  # still on view behind the modal
        refreshed = False
        for screen in self.screen_stack:
            changed = getattr(screen, "store_changed", None)
            if changed is None:
                continue
            if screen in visible:
                changed()
                refreshed = True
            else:  # hidden: re-read when it is shown again, not now
                screen.store_stale = True  # type: ignore[attr-defined]
        if refreshed:
            self.notify("Updated: changes from another window", timeout=3)
        return True

    def mark_store_seen(self) -> None:
        """Take the database as now seen (a screen has just re-read everything itself)."""
        self._seen_version = self.store.data_version()

    # ------------------------------------------------------------------ actions
    async def action_quit(self) -> None:
        """Quit, unless the screen holds unsaved text and says so first (a framework
        summary being written: a second quit leaves without it)."""
        holds = getattr(self.screen, "holds_unsaved", None)
        if holds is not None and holds():
            return
        for screen in self.screen_stack:  # the place to reopen at, while the project is open
            remember = getattr(screen, "remember_place", None)
            if remember is not None:
                remember()
        self.exit()

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from qualcoder_ahp.tui.screens.help import HelpScreen

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        # A screen titled with what it shows (the coding screen: the transcript's name)
        # names itself in HELP_TITLE: "Keys: 05_uk-covid-inquiry_m3_2024-09-23_coll / ege"
        # said neither which screen the keys were of, nor fitted at 80 columns.
        self.push_screen(HelpScreen(screen, getattr(screen, "HELP_TITLE", None)
                                    or screen.title or self.title))

    def action_transcripts(self) -> None:
        """Return to the transcripts screen (refreshing its progress)."""
        from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, TranscriptsScreen):
            self.pop_screen()
        if isinstance(self.screen, TranscriptsScreen):
            self.screen.reload()

    def action_codebook(self) -> None:
        """Open the codebook screen."""
        from qualcoder_ahp.tui.screens.codebook import CodebookScreen

        self.push_screen(CodebookScreen(self.store, self.coder))

    def action_counts(self) -> None:
        """Open the theme counts report (provided by the reports area)."""
        try:
            from qualcoder_ahp.tui.screens.counts import CountsScreen
        except ImportError:
            self.notify("The counts screen is not available yet.", severity="warning")
            return
        self.push_screen(CountsScreen(self.store, self.coder))

    def action_reconcile(self) -> None:
        """Open the reconcile screen (provided by the agreement area)."""
        try:
            from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
        except ImportError:
            self.notify("The reconcile screen is not available yet.", severity="warning")
            return
        self.push_screen(ReconcileScreen(self.store, self.coder))

    def action_framework(self) -> None:
        """Open the framework matrix (the working coder's summaries); from a cell opened
        there, back to the matrix (a changed summary is not left without a word)."""
        from qualcoder_ahp.tui.screens.framework import FrameworkScreen

        if any(isinstance(s, FrameworkScreen) for s in self.screen_stack[:-1]):
            back = getattr(self.screen, "action_back", None)
            if back is not None:
                back()
            return
        self.push_screen(FrameworkScreen(self.store, self.coder))

    def action_passages(self) -> None:
        """Pick a theme and read its passages; back to the passages screen if one is open.

        On the coding screen the picker starts on the theme under the cursor, on the
        framework matrix on the theme of the column under it.
        """
        from qualcoder_ahp.tui.screens.passages import PassagesScreen, PassageThemePicker

        if self._back_to(PassagesScreen) or not self._has_codebook():
            return

        def show(theme_id: str | None) -> None:
            if theme_id:
                self.push_screen(PassagesScreen(self.store, self.coder, theme_id))

        self.push_screen(PassageThemePicker(self.store, self._theme_here()), show)

    def _theme_here(self) -> str | None:
        """The theme a picker starts on: on the coding screen the one under the cursor,
        on the codebook the one highlighted, and on a screen that says which theme it
        shows or highlights (``theme_under_cursor``: the framework matrix's column, a
        framework cell's, the passages' or key words' theme, the counts' row, the
        highlighted pattern's or suggestion's) that one: K on Serendipity's passages
        offered the key words of the codebook's first theme."""
        from qualcoder_ahp.tui.screens.codebook import CodebookScreen
        from qualcoder_ahp.tui.screens.coding import CodingScreen

        screen = self.screen
        if isinstance(screen, CodingScreen):
            session = screen.session
            under = session.current or session.coding_under_cursor()
            return under.theme_id if under is not None else None
        if isinstance(screen, CodebookScreen):
            return screen._selected()
        here = getattr(screen, "theme_under_cursor", None)
        theme: str | None = here() if here is not None else None
        return theme

    def action_keywords(self) -> None:
        """Pick a theme and read its key words (the codebook screen's w, from anywhere);
        back to the key words screen if one is open below."""
        from qualcoder_ahp.tui.screens.keywords import KeywordsScreen
        from qualcoder_ahp.tui.screens.passages import PassageThemePicker

        if self._back_to(KeywordsScreen) or not self._has_codebook():
            return

        def show(theme_id: str | None) -> None:
            if theme_id:
                self.push_screen(KeywordsScreen(self.store, self.coder, theme_id,
                                                back="the screen you came from"))

        self.push_screen(PassageThemePicker(
            self.store, self._theme_here(),
            "Show the key words of… (your passages coded with a theme and those below it)"),
            show)

    def action_patterns(self) -> None:
        """Every pattern's record; back to a pattern's suggestions if they are open."""
        from qualcoder_ahp.tui.screens.pattern_suggestions import PatternSuggestionsScreen
        from qualcoder_ahp.tui.screens.patterns import PatternsScreen

        if self._back_to(PatternsScreen, PatternSuggestionsScreen) or not self._has_codebook():
            return
        self.push_screen(PatternsScreen(self.store, self.coder, None))

    def _back_to(self, *lists: type[Screen[Any]]) -> bool:
        """Back to a list screen below this one, if one is open (a passage, hit or
        suggestion opened from it with Enter): the key returns to it rather than stacking
        a second list. Whether it did."""
        if not any(isinstance(s, lists) for s in self.screen_stack[:-1]):
            return False
        while not isinstance(self.screen, lists):
            self.pop_screen()
        return True

    def _has_codebook(self) -> bool:
        """Whether a codebook is loaded; if not, a notice says how to load one."""
        if self.store.themes():
            return True
        self.notify(NO_CODEBOOK, severity="warning", markup=False)
        return False

    def action_load_codebook(self) -> None:
        """Load a codebook: on the transcripts screen, where jobs show their progress."""
        from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

        self.action_transcripts()
        if isinstance(self.screen, TranscriptsScreen):
            self.screen.action_load_codebook()

    def action_find_all(self) -> None:
        """Search every transcript; back to the search screen if one is open.

        On the coding screen the search box starts with that screen's ``/`` search.
        """
        from qualcoder_ahp.tui.screens.coding import CodingScreen
        from qualcoder_ahp.tui.screens.search import SearchScreen

        if self._back_to(SearchScreen):
            return
        screen = self.screen
        query = screen.session.search_query if isinstance(screen, CodingScreen) else ""
        self.push_screen(SearchScreen(self.store, self.coder, query))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide navigation keys that lead to the screen already shown.

        (Pressing ``C`` on the counts screen used to stack a second counts screen,
        which then took two Escapes to leave.)
        """
        from qualcoder_ahp.tui.screens.codebook import CodebookScreen
        from qualcoder_ahp.tui.screens.counts import CountsScreen
        from qualcoder_ahp.tui.screens.framework import FrameworkScreen
        from qualcoder_ahp.tui.screens.keywords import KeywordsScreen
        from qualcoder_ahp.tui.screens.passages import PassagesScreen
        from qualcoder_ahp.tui.screens.pattern_suggestions import PatternSuggestionsScreen
        from qualcoder_ahp.tui.screens.patterns import PatternsScreen
        from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
        from qualcoder_ahp.tui.screens.search import SearchScreen
        from qualcoder_ahp.tui.screens.transcripts import TranscriptsScreen

        if not self.coder and action not in ("quit", "help"):
            return False
        screen = self.screen
        if isinstance(screen, CommandPalette) and len(self.screen_stack) > 1:
            # The palette asks which keys apply to the screen under it, where the command
            # will run once it closes: it is a modal itself, and took them all away (ctrl+p
            # offered no "Codebook", "Counts", "Reconcile" or "Passages" anywhere).
            screen = self.screen_stack[-2]
        if action == "help":
            from qualcoder_ahp.tui.screens.help import HelpScreen

            return not isinstance(screen, HelpScreen)  # F1 there did nothing
        navigation = ("transcripts", "codebook", "counts", "reconcile", "passages", "find_all",
                      "framework", "patterns", "load_codebook", "keywords")
        if action in navigation and isinstance(screen, ModalScreen):
            return False  # finish (or Escape) the dialog first; nothing stacks on top of it
        here = {"transcripts": TranscriptsScreen, "codebook": CodebookScreen,
                "counts": CountsScreen, "reconcile": ReconcileScreen,
                "passages": PassagesScreen, "find_all": SearchScreen,
                "framework": FrameworkScreen, "keywords": KeywordsScreen,
                "patterns": (PatternsScreen, PatternSuggestionsScreen)}.get(action)
        if here is not None and isinstance(screen, here):
            return False
        return True

    # ------------------------------------------------------------------ palette
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Offer every key that applies on this screen, plus Textual's own commands.

        Of Textual's own, :data:`~qualcoder_ahp.tui.commands.LEFT_OUT_COMMANDS` are not
        offered and :data:`~qualcoder_ahp.tui.commands.RENAMED_COMMANDS` are renamed; the
        keys are :func:`~qualcoder_ahp.tui.commands.key_commands`.
        """
        for command in super().get_system_commands(screen):
            if command.title in RENAMED_COMMANDS:
                title, help_text = RENAMED_COMMANDS[command.title]
                command = command._replace(title=title, help=help_text)
            if command.title not in LEFT_OUT_COMMANDS:
                yield command
        yield from key_commands(self, screen)

    def search_themes(self) -> None:
        """The "Colour scheme" list, prompting for a colour scheme: Textual's own prompt
        ("Search for themes…") read as a search of the codebook's themes."""
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider],
                                        placeholder=COLOUR_SCHEME_PROMPT))

    # ------------------------------------------------------------------ errors
    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors surface: a notification, never a crash."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{event.worker.description or event.worker.name} failed: {error}",
                        severity="error", timeout=10, markup=False)


def make_app(store_path: str | Path | None, coder: str | None = None,
             *, store: Store | None = None) -> WorkbenchApp:
    """Build the workbench for a project database (the factory for CLI and tests).

    Args:
        store_path: the project database file (created if missing).
        coder: who is coding; ``None`` uses the name remembered in the project or asks.
        store: an already open store to use instead of opening ``store_path``.
    """
    return WorkbenchApp(store_path, coder, store=store)
