"""Errors a user can act on.

Every failure a researcher can cause (a bad file, a bad pattern, a database from a
newer version) is raised as a :class:`UserError` whose message is one line naming
the file and the problem. The CLI prints it without a traceback and exits non-zero;
the workbench shows it as a notification.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable


def closest(name: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The known name most like ``name`` (a likely typo), or None: for "did you mean"."""
    import difflib  # only on an error path: kept out of every command's start-up

    found = difflib.get_close_matches(name, sorted(known), n=1, cutoff=cutoff)
    return found[0] if found else None


def shown_path(path: str | os.PathLike[str]) -> str:
    """A file name as an error line shows it: characters that are not printable (a
    newline or a tab in the name, bytes that are not UTF-8) as escapes such as ``\\n``,
    so the line stays one line and names the file exactly."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class UserError(Exception):
    """A problem with the user's input, reported as one clear line."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        # One line, whatever the message quotes (a parser's error text can hold newlines)
        # and whatever the file is called ("p01\n.txt" printed two lines).
        message = " ".join(line.strip() for line in str(message).splitlines() if line.strip())
        super().__init__(f"{shown_path(path)}: {message}" if path else message)


class ImportFailed(UserError):
    """A file could not be imported (unreadable, empty, corrupt, unsupported)."""


class CodebookError(UserError):
    """A codebook is invalid; the message names file, line and pattern id."""


class SchemaTooNew(UserError):
    """The database was written by a newer version of qualcoder_ahp."""


class Stopped(KeyboardInterrupt):
    """A command stopped by SIGTERM (``kill``, a scheduler's time limit, a shutdown) or
    SIGHUP (the terminal window it ran in was closed).

    Raised by the CLI's handler (:func:`~qualcoder_ahp.cli.common.sigterm_stops`) so
    that it unwinds as Ctrl+C does: the open transaction rolls back, a half-written
    output file is removed and ``qcahp suggest``'s worker processes are stopped (they
    were left running, orphaned, when the signal ended the command at once).
    """

    def __init__(self, signum: int = 15) -> None:
        super().__init__()
        self.signum = signum
        """The signal that stopped the command (15 SIGTERM, 1 SIGHUP)."""

    @property
    def signal_name(self) -> str:
        """``SIGTERM`` or ``SIGHUP``, as the one-line message names it."""
        import signal

        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"


class ProjectBusy(sqlite3.OperationalError):
    """Another process held the project's write lock for longer than this one waits.

    Raised by :meth:`~qualcoder_ahp.model.store.Store.write` before anything was
    written (the transaction never began), so nothing changed: a command says so in
    one line (:func:`database_problem`), the workbench offers to try again.
    """

    def __init__(self, waited: float) -> None:
        super().__init__("database is locked")
        self.sqlite_errorname = "SQLITE_BUSY"
        self.waited = waited
        """How long this connection waited for the lock, in seconds."""


def database_problem(exc: sqlite3.Error) -> str:
    """One line for an SQLite error: what happened, whether anything changed, what to do.

    Every write is one transaction, so a failed one changed nothing: that is said, and
    a full disk or a lock is not sent to a backup ("if the file is damaged, restore a
    .bak copy" after a full disk would have cost every decision since the backup).
    """
    text = str(exc)
    name = getattr(exc, "sqlite_errorname", "") or ""
    if "READONLY" in name or "readonly" in text or "read-only" in text:
        return ("the project database is read-only, so nothing was changed (check the "
                "permissions of the file and its folder)")
    if isinstance(exc, ProjectBusy):
        return (f"the project is busy: another process (a qcahp command such as import or "
                f"suggest, another coder's workbench) kept writing to it for "
                f"{exc.waited:.0f} s, longer than this waits, so nothing was changed; try "
                f"again when it has finished, or wait longer with QCAHP_BUSY_TIMEOUT=SECONDS "
                f"({text})")
    if "BUSY" in name or "LOCKED" in name or "locked" in text or "busy" in text:
        return (f"the project is busy: another process (a qcahp command, another coder) "
                f"held it longer than the busy timeout, so nothing was changed; try again "
                f"({text})")
    if "FULL" in name or "disk is full" in text:
        return (f"the disk is full ({text}): nothing was half-written (each step is stored "
                "whole or not at all); free some space and run the same command again")
    if "IOERR" in name or "disk I/O error" in text:
        return (f"could not write to the disk ({text}: a full disk, a file size limit or a "
                "failing drive): nothing was half-written (each step is stored whole or not "
                "at all); free some space or check the drive, then run the same command again")
    return f"database problem: {text} (if the file is damaged, restore a .bak copy; --debug " \
           "shows details)"


def problem_text(exc: BaseException) -> str:
    """An unexpected failure as the workbench notifies it: an SQLite error in the words of
    :func:`database_problem` (not "OperationalError: database is locked"), anything else
    as its type and message."""
    if isinstance(exc, sqlite3.Error):
        return database_problem(exc)
    return f"{type(exc).__name__}: {exc}"
