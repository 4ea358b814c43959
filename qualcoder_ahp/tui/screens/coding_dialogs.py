"""The coding screen's keys that open a dialog: code by hand, memo, search, filter.

Each action pushes one modal from :mod:`~qualcoder_ahp.tui.screens.modals` and, in
its callback, makes one session or Store call through the screen's ``_do`` (so a
refused decision is a notification, never a traceback). They live in a mixin, apart
from the keys that act at once in :mod:`~qualcoder_ahp.tui.screens.coding`, to keep
each module short; the mixin has no state of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Coding, Theme
from qualcoder_ahp.reports.text_table import shorten
from qualcoder_ahp.tui.screens.modals import TOP_LEVEL
from qualcoder_ahp.tui.session import STATUS_FILTERS, Span

if TYPE_CHECKING:
    from textual.app import App

    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.tui.session import CodingSession


class CodingDialogs:
    """Mix into the coding screen: the actions that ask something first."""

    if TYPE_CHECKING:  # provided by CodingScreen (and Screen)
        store: Store
        coder: str
        session: CodingSession
        app: App[None]

        def _do(self, fn: Callable[[], object], counts: bool = False) -> object: ...
        def _update(self, counts: bool = False) -> None: ...
        def notify(self, message: str, *, severity: str = ..., markup: bool = ...,
                   ) -> None: ...

    # ------------------------------------------------------------------ code by hand
    def action_code(self) -> None:
        """Pick a theme by fuzzy search (or name a new one) and code the pending span.

        The picker names and quotes what will be coded (the selection, the adjusted span,
        the suggestion's sentence or the sentence at the cursor), and the coding is of
        exactly that span: a coder learnt only afterwards that "the marked text" had been
        the current suggestion's sentence.
        """
        try:
            span, what = self.session.pending()
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._pick_theme(span, what)

    def _pick_theme(self, span: Span, what: str, typed: str = "") -> None:
        """The theme picker for ``span`` (``what``: its title's words), its box holding
        ``typed``."""
        from qualcoder_ahp.tui.screens.modals import ThemePickerModal

        themes = self.store.themes()
        paths = {t.id: self.store.theme_path(t.id) for t in themes}
        self.app.push_screen(
            ThemePickerModal(themes, paths, f"Code {what} with…", allow_new=True,
                             quote=self.session.text[span.start:span.end], typed=typed),
            lambda theme_id: self._code_with(theme_id, span, what))

    def _code_with(self, theme_id: str | None, span: Span | None = None,
                   what: str | None = None) -> None:
        from qualcoder_ahp.tui.screens.modals import NEW_THEME

        if theme_id and theme_id.startswith(NEW_THEME):
            self._ask_parent(theme_id[len(NEW_THEME):], span, what)
        elif theme_id:
            coding = self._do(lambda: self.session.code(theme_id, span), counts=True)
            if coding is not None:
                self.notify(f"Coded: {self.session.themes[theme_id].name}", markup=False)

    # ------------------------------------------------------------------ a new theme
    def _ask_parent(self, name: str, span: Span | None = None, what: str | None = None,
                    ) -> None:
        """Where the new theme goes: the top level or one of the codebook's folders.
        Escape there goes back to the picker, the name still typed (it closed both, and
        the name was gone), when the picker came from ``c`` (``what`` its words)."""
        from qualcoder_ahp.tui.screens.modals import new_theme_place

        themes = self.store.themes()
        paths = {t.id: self.store.theme_path(t.id) for t in themes}

        def placed(parent: str | None) -> None:
            if parent is None and span is not None and what is not None:
                self._pick_theme(span, what, name)
            else:
                self._add_theme(name, parent, span)

        self.app.push_screen(new_theme_place(name, themes, paths), placed)

    def _add_theme(self, name: str, parent: str | None, span: Span | None = None) -> None:
        if parent is None:  # Escape: nothing made
            return
        # Another window (or coder) may have made a theme of this name since the picker
        # opened: code with that one, as a merge of two copies would join them, rather
        # than refuse and make the coder start again.
        same = [t for t in self.store.themes()
                if t.codable and t.name.casefold() == " ".join(name.split()).casefold()]
        if same:
            self.session.refresh()
            if self._do(lambda: self.session.code(same[0].id, span),
                        counts=True) is not None:
                self.notify(f"{same[0].name!r} was made meanwhile, in another window: "
                            f"coded with it ({self.store.theme_path(same[0].id)}).",
                            markup=False)
            return
        # The theme is stored (with its event) before anything shows it; a refusal is a
        # notification, and nothing is coded.
        parent_id = None if parent == TOP_LEVEL else parent
        theme = self._do(lambda: self.store.add_theme(name, coder=self.coder,
                                                      parent_id=parent_id))
        if not isinstance(theme, Theme):
            return
        self.session.refresh()
        coding = self._do(lambda: self.session.code(theme.id, span), counts=True)
        if coding is not None:
            # Say where it went and why it will not come up as a suggestion; the codebook
            # screen (k) tells the rest (who added it, how to give it patterns).
            note = self.store.namesake_note(theme.id, self.coder)
            self.notify(f"Coded with the new theme {self.store.theme_path(theme.id)!r}. It "
                        "has no patterns, so it is never suggested (k: the codebook)."
                        + (f" {note[0].upper()}{note[1:]}" if note else ""),
                        markup=False, timeout=20 if note else None)

    def action_code_recent(self, number: int) -> None:
        """Code the pending span with recent theme ``number``."""
        recent = self.session.recent_themes()
        if number > len(recent):
            self.notify(f"No recent theme {number}.", severity="warning", markup=False)
            return
        self._code_with(recent[number - 1])

    # ------------------------------------------------------------------ remove, memo
    def remove_which(self, remove: Callable[[Coding | None], None]) -> None:
        """Call ``remove`` with the coding ``d`` should remove: the one the screen is on
        (a passage opened here, the current suggestion's coding) or the only one here;
        where the cursor's sentence holds codings of several themes and none is in
        focus, ask which (``d`` took the innermost, a theme the coder may not have meant).
        With none here, ``remove(None)`` says so."""
        from qualcoder_ahp.tui.screens.modals import ChoiceModal

        session = self.session
        under = session.codings_under_cursor()
        if session.coding_in_focus() is not None or len(under) < 2:
            remove(under[0] if under else None)
            return
        by_id = {str(c.id): c for c in under}

        def chosen(key: str | None) -> None:
            if key is not None:
                remove(by_id[key])

        self.app.push_screen(ChoiceModal("Remove which of your codings here?",
                                         [(key, _coding_label(session, c))
                                          for key, c in by_id.items()]), chosen)

    # ------------------------------------------------------------------ memo, search, filter
    def action_memo(self) -> None:
        """Choose what to write a memo on (coding, theme, transcript), then write it."""
        from qualcoder_ahp.tui.screens.modals import ChoiceModal

        session = self.session
        under = session.codings_under_cursor()
        # Every coding of yours here (two themes often code one sentence), the one the
        # screen is on first; then their themes, the current suggestion's first.
        choices = [(f"coding:{c.id}", _coding_label(session, c)) for c in under]
        themes = [session.current.theme_id] if session.current else []
        for theme_id in [*themes, *(c.theme_id for c in under)]:
            if theme_id in session.themes and f"theme:{theme_id}" not in dict(choices):
                choices.append((f"theme:{theme_id}", f"Theme: {session.themes[theme_id].name}"))
        choices.append((f"transcript:{session.transcript_id}",
                        f"Transcript: {session.info.name}"))
        named = dict(choices)
        self.app.push_screen(ChoiceModal("Memo on…", choices),
                             lambda choice: self._memo_on(choice, named.get(choice or "")))

    def _memo_on(self, choice: str | None, label: str | None = None) -> None:
        """Write the memo on ``choice``; the box's title names it as the list did
        (``Memo on the theme Role ambiguity``: "Memo on the theme" left the researcher
        to remember which of the themes offered had been picked)."""
        from qualcoder_ahp.tui.screens.modals import MemoModal

        if not choice:
            return
        kind, _, target = choice.partition(":")
        what = (label or "").partition(": ")[2]
        current = self.store.memo(self.coder, kind, target) or ""

        def save(text: str | None) -> None:
            if text is None:
                return
            # set_memo returns None: "or True" tells a saved memo from a refused one, which
            # _do has already shown as a warning (and must not be called saved).
            if self._do(lambda: self.store.set_memo(self.coder, kind, target, text) or True):
                self.session.reload()
                self._update()
                self.notify(f"Memo on the {kind} saved." if text.strip()
                            else f"Memo on the {kind} cleared.", markup=False)

        self.app.push_screen(MemoModal(f"Memo on the {kind}{' ' + what if what else ''} "
                                       "(yours only)", current), save)

    def action_search(self) -> None:
        """Search the transcript text."""
        from qualcoder_ahp.tui.screens.modals import SearchModal

        def run(query: str | None) -> None:
            if query is None:
                return
            hit = self._do(lambda: self.session.search(query))
            if query and hit is None:
                self.notify(f"“{query}” is not in this transcript.", severity="warning",
                            markup=False)

        self.app.push_screen(SearchModal(self.session.search_query), run)

    def action_filter(self) -> None:
        """Filter suggestions by status and theme."""
        from qualcoder_ahp.tui.screens.modals import FilterModal

        session = self.session
        used = {s.theme_id for s in session.suggestions}
        themes = [t for t in self.store.themes() if t.id in used]

        def apply(result: tuple[str, str | None] | None) -> None:
            if result is None:
                return
            session.status_filter, session.theme_filter = result
            shown = len(session.visible_suggestions())
            self.notify(f"{shown} suggestion{' matches' if shown == 1 else 's match'} the "
                        "filter.", markup=False)
            if shown:
                session.current = None  # the first match at or after the cursor
                self._do(lambda: session.step_suggestion(1))
            else:
                session.current = None
                self._update()

        self.app.push_screen(FilterModal(STATUS_FILTERS, themes, session.status_filter,
                                         session.theme_filter), apply)


def _coding_label(session: CodingSession, coding: Coding) -> str:
    """A coding in a dialog's list: "Coding: Theme — “the start of its quote…”"."""
    theme = session.themes.get(coding.theme_id)
    name = theme.name if theme else coding.theme_id
    # Cut between words where one is near ("nobody else would. Th…" read as a typo).
    return f"Coding: {name} — “{shorten(' '.join(coding.quote.split()), 41)}”"
