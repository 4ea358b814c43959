"""Errors a user can act on.

Every failure a researcher can cause (a bad file, a bad pattern, a database from a
newer version) is raised as a :class:`UserError` whose message is one line naming
the file and the problem. The CLI prints it without a traceback and exits non-zero;
the workbench shows it as a notification.
"""

from __future__ import annotations

import os
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
