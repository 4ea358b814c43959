"""App-wide messages posted by thread workers (thread-safe ``post_message``), and
:func:`notify_replacing` (a notification that replaces the previous one of its kind)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.notifications import Notification, Notify, SeverityLevel


@dataclass
class JobProgress(Message):
    """A long job (import, suggestions) advanced; only the latest one matters."""

    label: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        """Queued progress of the same job is superseded by this one."""
        return isinstance(message, JobProgress) and message.label == self.label


@dataclass
class JobFinished(Message):
    """A long job ended; ``summary`` is one line for a notification, None if it failed
    (``error`` then says why, when it was the user's to fix: no codebook, say)."""

    label: str
    summary: str | None
    error: str | None = None


def notify_replacing(widget: Any, kind: str, message: str, *,
                     severity: SeverityLevel = "information") -> None:
    """Notify ``message`` in place of the previous notification of the same ``kind``
    still on screen (``undo``, ``reconcile``): after ``u u r`` at 80x24 three stacked
    toasts covered the side panel for seconds, each saying what the panel showed anyway.
    Other notifications (a warning, a job's result) stay."""
    app = widget.app
    shown: dict[str, Notification] = app.__dict__.setdefault("_notes_by_kind", {})
    previous = shown.get(kind)
    # Textual has no public call to withdraw one notification (only all of them): its
    # private one is used where it exists; a Textual without it just stacks the toasts.
    unnotify = getattr(app, "_unnotify", None)
    if previous is not None and unnotify is not None and previous in getattr(
            app, "_notifications", ()):
        unnotify(previous, refresh=False)
    note = Notification(message, "", severity, app.NOTIFICATION_TIMEOUT, markup=False)
    shown[kind] = note
    app.post_message(Notify(note))
