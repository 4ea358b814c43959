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

from qualcoder_ahp.errors import ProjectBusy, UserError, problem_text
from qualcoder_ahp.model.event_words import EventWords
from qualcoder_ahp.tui.follow import FollowsStore
from qualcoder_ahp.tui.messages import notify_replacing

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
    return _step_here(screen, store, coder, "undo")


def redo_here(screen: Any, store: Store, coder: str) -> bool:
    """Whether ``r`` on ``screen`` may redo now, as :func:`undo_here`: a decision undone
    since this window's first decision in another window or by a command
    (:meth:`~qualcoder_ahp.model.store.Store.redo_elsewhere`) is what the store's redo
    would bring back, out of sight. The first ``r`` names it; ``r`` again redoes it."""
    return _step_here(screen, store, coder, "redo")


def _step_here(screen: Any, store: Store, coder: str, step: str) -> bool:
    event = (store.undo_elsewhere(coder) if step == "undo" else store.redo_elsewhere(coder))
    pending = getattr(screen, f"{step}_pending", None)
    setattr(screen, f"{step}_pending", None)
    if event is None or pending == event["id"]:
        return True
    setattr(screen, f"{step}_pending", event["id"])
    what = EventWords(store).describe(dict(event)).what
    key = step[0]
    if step == "undo":
        said = (f"{coder}'s newest decision was made in another window or by a command: "
                f"{what}. u here would undo that one, not your last one here")
    else:
        said = (f"{coder}'s last undone decision was undone in another window or by a "
                f"command: {what}. r here would bring that one back, out of sight")
    screen.notify(f"{said}, so nothing was {step}ne; press {key} again to {step} it.",
                  severity="warning", markup=False)
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
        """Redo this coder's last undone decision; one undone since in another window or
        by a command is named first (:func:`redo_here`)."""
        if redo_here(self, self.store, self.coder):
            self._step(self.store.redo, "Redone", "Nothing to redo.")

    def _step(self, step: Callable[[str], dict[str, Any] | None], word: str,
              nothing: str) -> None:
        done, event = self.try_change(lambda: step(self.coder))
        if not done:
            return
        if event is None:
            notify_replacing(self, "undo", nothing)
            return
        self.reread()
        self.follow_here()
        notify_replacing(self, "undo", f"{word}: {EventWords(self.store).short(dict(event))}")

    def try_change(self, change: Callable[[], Any]) -> tuple[bool, Any]:
        """Make one change through the store: ``(True, its result)``, or ``(False, None)``
        after a notification saying why it was refused (a UserError) or failed."""
        try:
            return True, change()
        except UserError as exc:  # refused (a later edit, a theme in use): say why
            self.notify(str(exc), severity="warning", markup=False)
        except ProjectBusy:
            raise  # the app's busy dialog says so, and makes the change once it can
        except Exception as exc:  # a failed write is reported, not fatal
            self.notify(problem_text(exc), severity="error", markup=False)
        return False, None

    def follow_here(self) -> None:
        """Have the other screens re-read when shown again: a change made on this screen
        goes through the app's own connection, which the app's poll does not see."""
        for screen in self.app.screen_stack:
            if screen is not self and isinstance(screen, FollowsStore):
                screen.store_stale = True
