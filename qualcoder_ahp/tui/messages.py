"""App-wide messages posted by thread workers (thread-safe ``post_message``)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


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
