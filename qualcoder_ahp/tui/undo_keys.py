"""``u`` and ``r`` on the screens that change the store besides the coding screen.

The codebook screen edits, moves and merges themes and the search screen codes hits;
after each, the message says ``u`` undoes it, and a researcher presses ``u`` where they
are. These keys run the same per-coder undo and redo as the coding screen's (the
Store's, persisted), name the step in the same words, and have the screen re-read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.event_words import EventWords
from qualcoder_ahp.tui.follow import FollowsStore

if TYPE_CHECKING:
    from textual.app import App

    from qualcoder_ahp.model.store import Store

UNDO_BINDINGS = [
    Binding("u", "undo", "Undo", show=False,
            tooltip="Undo your last decision (a coding, an edit, move or merge of a theme)"),
    Binding("r", "redo", "Redo", show=False, tooltip="Redo the last undone decision"),
]
"""Hidden from the footer (listed in the help): the coding screen shows them."""


def undo_here(screen: Any, store: Store, coder: str) -> bool:
    """Whether ``u`` on ``screen`` may undo now; if not, the screen says why.

    The coder's newest decision, made since this window's first in another window or by
    a command (:meth:`~qualcoder_ahp.model.store.Store.undo_elsewhere`), is what the
    store's undo would take back: out of sight, and not the decision just made here. The
    first ``u`` names it and undoes nothing; ``u`` again undoes it.
    """
    event = store.undo_elsewhere(coder)
    pending, screen.undo_pending = getattr(screen, "undo_pending", None), None
    if event is None or pending == event["id"]:
        return True
    screen.undo_pending = event["id"]
    what = EventWords(store).describe(dict(event)).what
    screen.notify(f"{coder}'s newest decision was made in another window or by a command: "
                  f"{what}. u here would undo that one, not your last one here, so nothing "
                  "was undone; press u again to undo it.", severity="warning", markup=False)
    return False


class UndoKeys:
    """Mix into a screen with :data:`UNDO_BINDINGS`; it says how to re-read in ``reread``."""

    if TYPE_CHECKING:  # provided by the screen
        store: Store
        coder: str
        app: App[None]

        def reread(self) -> None: ...
        def notify(self, message: str, *, severity: str = ..., markup: bool = ...,
                   ) -> None: ...

    def action_undo(self) -> None:
        """Undo this coder's last decision; one made since in another window or by a
        command is named first (:func:`undo_here`)."""
        if undo_here(self, self.store, self.coder):
            self._step(self.store.undo, "Undone", "Nothing to undo.")

    def action_redo(self) -> None:
        """Redo this coder's last undone decision."""
        self._step(self.store.redo, "Redone", "Nothing to redo.")

    def _step(self, step: Callable[[str], dict[str, Any] | None], word: str,
              nothing: str) -> None:
        done, event = self.try_change(lambda: step(self.coder))
        if not done:
            return
        if event is None:
            self.notify(nothing, markup=False)
            return
        self.reread()
        self.follow_here()
        self.notify(f"{word}: {EventWords(self.store).short(dict(event))}", markup=False)

    def try_change(self, change: Callable[[], Any]) -> tuple[bool, Any]:
        """Make one change through the store: ``(True, its result)``, or ``(False, None)``
        after a notification saying why it was refused (a UserError) or failed."""
        try:
            return True, change()
        except UserError as exc:  # refused (a later edit, a theme in use): say why
            self.notify(str(exc), severity="warning", markup=False)
        except Exception as exc:  # a failed write is reported, not fatal
            self.notify(f"{type(exc).__name__}: {exc}", severity="error", markup=False)
        return False, None

    def follow_here(self) -> None:
        """Have the other screens re-read when shown again: a change made on this screen
        goes through the app's own connection, which the app's poll does not see."""
        for screen in self.app.screen_stack:
            if screen is not self and isinstance(screen, FollowsStore):
                screen.store_stale = True
