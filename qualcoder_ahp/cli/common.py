"""Shared plumbing for CLI commands: the project handle, progress bars, output formats."""

from __future__ import annotations

import contextlib
import errno
import getpass
import hashlib
import json
import math
import os
import shutil
import signal
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from qualcoder_ahp.errors import Stopped, UserError, shown_path
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import plural  # noqa: F401 (the commands take it from here)
from qualcoder_ahp.reports.text_table import (
    cells,
    fit_widths,
    name_columns,
    narrow,
    pad,
    put_under,
    screen_width,
    shorten,
    wrap_cells,
    wrap_note,
)
from qualcoder_ahp.reports.writers import (
    BINARY,
    SUFFIX_FORMAT,
    Narrowing,
    Workbook,
    check_writable,
    is_number,
    pick_format,
    write_private,
)

DEFAULT_DB = "qcahp.db"


@dataclass
class Project:
    """What the top-level options decide: which database, and how to report errors."""

    db_path: str | None = None
    debug: bool = False
    _store: Store | None = field(default=None, repr=False)
    created: bool = False
    """Whether this command created the database file (it did not exist before, or was
    an empty file: ``touch study.db``)."""
    was_empty: int | None = None
    """The permission bits of the file when it was there but empty before this command
    made it a project (opening makes it owner-only): a command that fails then leaves
    it empty again, as it was (:meth:`discard_if_created`)."""

    @property
    def path(self) -> Path:
        """The database path: ``--db``, ``$QCAHP_DB`` or ``./qcahp.db`` (a ``~`` that the
        shell left alone, quoted for a space in the path, is the home folder)."""
        return Path(home_path(self.db_path or DEFAULT_DB))

    def store(self) -> Store:
        """Open the project database (once per command).

        Commands that only read or report refuse a database that does not exist,
        rather than creating an empty project from a mistyped ``--db``; commands that
        put something in (import, codebook, demo, code, merge, refi, participants,
        codings, blind) create it, in a folder that exists: ``--db /tmp/typo/x.db code``
        made the folder and opened an empty workbench.
        """
        if self._store is None:
            creates = _creates_project()
            existed = self.path.exists()
            folder = self.path.absolute().parent
            if not existed and creates and not folder.exists():
                raise UserError(f"no folder {folder} for the project: create it first, or "
                                "check the path", path=str(self.path))
            if not existed and _link_loop(self.path):
                raise UserError("a loop of symbolic links: point --db at the project "
                                "file itself", path=str(self.path))
            if not existed and not creates:
                where = "" if folder.is_dir() else f" (there is no folder {folder})"
                raise UserError(
                    f"no project database here{where}; create one with `qcahp import "
                    "FILES` (or check --db / $QCAHP_DB)", path=str(self.path))
            empty = None
            if existed:
                refuse_other_file(self.path, creates)
                empty = _mode(self.path) if _empty_file(self.path) else None
                if creates and not _writable(self.path):
                    # The workbench wrote its coder on opening and showed a traceback.
                    raise UserError("the project database is read-only (check the "
                                    "permissions of the file and its folder, or copy it to "
                                    "a folder you can write to); nothing can be saved to it",
                                    path=str(self.path))
            self._store = open_store(self.path, waiting=lock_notice(self.path))
            # Only once the file is really there. An empty file made a project by a
            # command that then failed (`--db empty.db code` without a terminal) was
            # left a project with no data; it is put back empty, as it was.
            self.created = not existed or empty is not None
            self.was_empty = empty
        return self._store

    def discard_if_created(self) -> None:
        """Delete the database if this command created it and then failed.

        ``qcahp import nosuch.txt`` or ``qcahp participants import typo.csv`` in a new
        folder left an empty ``qcahp.db`` behind, so the next command found "a project"
        with nothing in it. A command's writes are all-or-nothing, so a database it
        created holds nothing when it fails.
        """
        if self.created:
            from qualcoder_ahp.model.store import remove_database

            self.close()
            remove_database(self.path)
            self.created = False
            if self.was_empty is not None:  # the user's empty file: put back as it was
                with contextlib.suppress(OSError):
                    self.path.touch()
                    os.chmod(self.path, self.was_empty)

    def discard_if_unused(self) -> None:
        """After Ctrl+C, SIGTERM or a full disk: delete the database this command created
        if nothing got into it (``qcahp --db new.db refi import study.qdpx`` stopped at
        once left an empty project behind, and on a full disk its ``-wal`` kept the disk
        full); one holding what a stopped import stored stays."""
        store = self._store
        if not self.created or store is None:
            return
        try:
            unused = not store.conn.in_transaction and not (
                store.transcripts() or store.themes(include_inactive=True) or store.coders())
        except sqlite3.Error:  # (the disk or the file failing: leave it be)
            return
        if unused:
            self.discard_if_created()

    def coded_store(self) -> Store:
        """The project database, refusing one without a codebook.

        Reports and pattern records of a project with no themes printed "(none)",
        an empty quotes table or an empty chart, and exited 0: the researcher saw no
        reason. They now say what to do first.
        """
        store = self.store()
        if not store.themes():
            raise UserError("no codebook loaded: run `qcahp codebook load FILE` first",
                            path=str(self.path))
        return store

    def close(self) -> None:
        """Close the database if a command opened it."""
        if self._store is not None:
            self._store.close()
            self._store = None


pass_project = click.make_pass_decorator(Project)

CREATING_COMMANDS = frozenset({
    ("import",), ("codebook", "load"), ("demo",), ("code",), ("merge",), ("refi", "import"),
    ("participants", "import"), ("codings", "import"), ("blind",),
})
"""Commands (as their path of names) that put something into a project, so may create it.

Listing and exporting commands of the same groups (``codebook show``, ``refi export``,
``participants``) only read: in the wrong folder they say so instead of leaving an
empty ``qcahp.db`` behind.
"""


NEW_VERSION_ADVICE = "use --new-version to store this as a new version"
"""The advice of a taken transcript name in ``import`` and ``refi import``, which have
the flag (see :attr:`~qualcoder_ahp.model.store.Store.name_clash_advice`)."""


def login_name() -> str | None:
    """Who ran the command, for an event that is nobody's coding (a withdrawal, a rename):
    the login name, ``None`` where there is none (a container)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def acting_coder(store: Store, coder: str, *, note: bool = True) -> str:
    """The ``--coder`` of a command that writes as that coder (decide, a theme edit),
    checked before anything is written; the name as the store keeps it (stripped).

    A coder new to the project is how a second coder starts, so it is taken (with
    ``note``, a note naming the coders so far); but a name that is a coder's but for
    case or spaces
    (``Ana``, ``ANA``, ``ana s`` for ``ana``) is refused: it silently started a second
    coder, whose decisions then counted against the first in every agreement figure.

    Raises:
        UserError: the name differs from a coder's only by case or spaces.
    """
    from qualcoder_ahp.model.coders_store import fold_name, shell_arg

    coder = coder.strip()
    coders = store.coders()
    if not coders or coder in coders:
        return coder
    same = [c for c in coders if fold_name(c) == fold_name(coder)]
    if same:
        raise UserError(f"no coder {coder!r} in this project, but there is {same[0]!r} (the "
                        f"same name but for case or spaces): use --coder {shell_arg(same[0])};"
                        " nothing was changed")
    if note:
        say(f"note: {coder!r} is a new coder in this project (coders so far: "
            f"{', '.join(coders)})", fg="yellow")
    return coder


def _creates_project() -> bool:
    """Whether the running command may create a new project database."""
    ctx = click.get_current_context(silent=True)
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    return not names or tuple(names) in CREATING_COMMANDS


def _link_loop(path: Path) -> bool:
    """Whether ``path`` is a symbolic link that leads back to itself (SQLite then said
    "unable to open database file", which reads as damage)."""
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _empty_file(path: Path) -> bool:
    """Whether ``path`` is a regular file with nothing in it (and no WAL beside it)."""
    try:
        return path.stat().st_size == 0 and not Path(f"{path}-wal").exists()
    except OSError:
        return False


def _mode(path: Path) -> int | None:
    """The permission bits of ``path``, or None when it cannot be read."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def home_path(value: str) -> str:
    """``value`` with a leading ``~`` (or ``~user``) as the home folder, as the shell
    would have made it, unless a file or folder named so really is there.

    A path with a space is quoted, and the shell then leaves ``~`` alone:
    ``--db "~/My studies/ahp.db"`` looked for a folder named ``~`` in the current
    one ("no project database here"), and ``-o "~/Desktop/counts.csv"`` said "no such
    folder"; so did ``QCAHP_DB=~/...`` set in a file the shell never expands.
    """
    if not value.startswith("~"):
        return value
    first = value.split(os.sep, 1)[0]
    if os.path.lexists(first):  # a folder really named "~" here: the user's own
        return value
    expanded = os.path.expanduser(value)
    return expanded


def _writable(path: Path) -> bool:
    """Whether this user may write the project file and make its -wal and -shm files."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def refuse_other_file(path: Path, creates: bool) -> None:
    """Refuse a ``--db`` file that is not a project, before SQLite opens it to migrate.

    Opening runs the migrations, which wrote the project's twenty tables into whatever
    SQLite file ``--db`` named (another program's database, a reference manager's
    library), even for a command that only lists; and a listing command turned an
    empty file (``touch study.db``) into a project, as if it had been created. A file
    that is not SQLite at all (a transcript, a Word file, a REFI-QDA export given as
    ``--db``) is named for what it looks like (:func:`_what_file`): SQLite's "file is
    not a database" read as "not a qualcoder_ahp database, or damaged", as if the
    project had been harmed.

    Raises:
        UserError: the file is empty and this command does not create projects, it is
            not an SQLite database, or it is one with tables and none of a project's.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise UserError("not a project database: not a regular file (a folder, a "
                            "named pipe or a device)", path=str(path))
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return  # a file that cannot be read: opening says what is wrong
    if not head:
        if not creates:
            raise UserError("the file is empty, not a project database yet; create one "
                            "with `qcahp import FILES` (or check --db / $QCAHP_DB)",
                            path=str(path))
        return
    if not head.startswith(b"SQLite format 3\x00"):
        kind, advice = _what_file(path, head)
        raise UserError(f"not a qualcoder_ahp project database but {kind}; nothing was "
                        f"changed (give --db the project's .db file{advice})", path=str(path))
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError):  # (a damaged schema can fail to decode)
        return  # damaged: opening says so
    if tables and "_sqlite_migrations" not in tables:
        shown = ", ".join(tables[:3]) + (", ..." if len(tables) > 3 else "")
        raise UserError(f"not a qualcoder_ahp project: an SQLite database of another "
                        f"program (tables {shown}); nothing was changed: give --db a "
                        "project file, or a new file name", path=str(path))


ZIPPED_KINDS = {".docx": "a Word document", ".xlsx": "an Excel workbook",
                ".odt": "an OpenDocument text", ".qdpx": "a REFI-QDA project"}
"""What a zip file is, by its suffix, when it is given as ``--db``."""


def _what_file(path: Path, head: bytes) -> tuple[str, str]:
    """What a file that is not SQLite seems to be, from its first bytes and suffix, and
    where such a file goes instead: ``("a Word document", "; a transcript goes in with
    `qcahp import FILE`")``."""
    suffix = path.suffix.lower()
    transcript = "; a transcript goes in with `qcahp import FILE`"
    if head.startswith(b"PK\x03\x04"):
        kind = ZIPPED_KINDS.get(suffix, "a zip archive")
        if suffix == ".qdpx":
            return kind, "; `qcahp refi import FILE` reads it into a project"
        return kind, transcript if suffix in (".docx", ".odt") else ""
    if head.startswith(b"%PDF"):
        return "a PDF document", transcript
    if head.startswith(b"{\\rtf"):
        return "an RTF document", transcript
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an older Office document (.doc, .xls)", ""
    if b"\0" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):  # not UTF-16
        return "a file of another program", ""
    if suffix in (".yaml", ".yml", ".jsonl"):
        return "a text file", "; a codebook goes in with `qcahp codebook load FILE`"
    if suffix in (".txt", ".md", ".markdown", ".vtt", ".srt", ".text"):
        return "a text file", transcript
    return "a text file", ""


WAIT_NOTICE_S = 1.0
"""How long a command waits for another process's write lock before it says so."""


def lock_notice(path: Path) -> Callable[[float], None]:
    """What a command does while it waits for another process's write lock
    (:attr:`~qualcoder_ahp.model.store.Store.on_lock_wait`): after
    :data:`WAIT_NOTICE_S`, one line on stderr saying what it waits for and how to stop.

    A ``qcahp decide`` run while ``qcahp suggest`` or an import wrote to the project
    sat silent for up to 30 s, looking hung (and Ctrl+C seemed not to work either).
    """
    said = False

    def waiting(waited: float) -> None:
        nonlocal said
        if said or waited < WAIT_NOTICE_S:
            return
        said = True
        from qualcoder_ahp.model import store as store_module

        limit = store_module.BUSY_TIMEOUT_S
        with live_line_aside():
            say(f"Waiting for another qcahp to finish writing to {path} (an import, "
                f"suggest, a workbench): Ctrl+C stops; this gives up after {limit:g} s.",
                fg="yellow")

    return waiting


_live_lines: list[Callable[[], None]] = []
"""How to draw again the line a :func:`progress_bar` or :func:`working` keeps on stderr
now (the innermost last); a note said meanwhile goes above it (:func:`live_line_aside`)."""


@contextmanager
def live_line_aside() -> Iterator[None]:
    """Say something on stderr while a progress bar (or a ``working...`` line) is drawn:
    the bar's line is erased first and drawn again under what was said.

    The waiting line of :func:`lock_notice` used to be written where the bar's cursor
    stood: ``Suggesting [####---] 2/4 03_virtualc…W`` and ``aiting for another qcahp``
    on the next line, a broken bar above a broken sentence.
    """
    live = _live_lines[-1] if _live_lines and sys.stderr.isatty() else None
    if live is not None:
        sys.stderr.write("\r\x1b[K")  # back to the line's start, erase it
        sys.stderr.flush()
    try:
        yield
    finally:
        if live is not None:
            live()


STOPPING_SIGNALS = ("SIGTERM", "SIGHUP")
"""The signals :func:`sigterm_stops` turns into :class:`Stopped` (SIGHUP is absent on
Windows)."""


@contextmanager
def sigterm_stops() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP stop the command as Ctrl+C does
    (:class:`Stopped`).

    Python's default for SIGTERM ends the process at once: the database was safe (SQLite
    rolls back the open transaction), but ``qcahp suggest``'s worker processes were left
    running with no parent, a half-written output file stayed behind as a hidden
    ``.NAME.tmp``, and nothing was said. Raised instead, it unwinds like Ctrl+C (the
    pool stopped, the temporary file removed) and the CLI says so in one line. SIGHUP
    (the terminal window closed, an SSH connection dropped) did the same as SIGTERM's
    default, and is treated as SIGTERM now.

    A forked worker inherits the handler, and ``concurrent.futures`` would hand an
    exception raised there back as its result and carry on: there the signal ends the
    process as before. Outside the main thread (signals cannot be set there) and for a
    signal that is ignored (``nohup``, ``nohup``-style launchers), nothing changes.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def stop(signum: int, _frame: object) -> None:
        if os.getpid() != owner:  # a forked worker: end as the signal always did
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if signum == getattr(signal, "SIGHUP", None):
            _hung_up(signum)
        raise Stopped(signum)

    previous: dict[int, Any] = {}
    for name in STOPPING_SIGNALS:
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        handler = signal.getsignal(signum)
        if handler == signal.SIG_IGN:
            continue
        previous[signum] = handler
        signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


HANG_UP_GRACE_S = 5.0
"""After SIGHUP, how long the command may take to stop before it is ended outright."""


def _hung_up(signum: int) -> None:
    """The terminal is gone (SIGHUP): nothing on it to give back or to wait for.

    The SIGCONT the kernel sends with a hang-up made the workbench (Textual) take the
    terminal back while it shut down, and fail with a traceback; and a shutdown that
    waits on the vanished terminal must not keep the process (and its hold on the
    project) alive unseen. So SIGCONT is left to its default, and if the command has not
    ended :data:`HANG_UP_GRACE_S` later it is ended outright: every write is one
    transaction, so one cut short is rolled back as after a crash, never half-written.
    """
    import threading

    if hasattr(signal, "SIGCONT"):
        signal.signal(signal.SIGCONT, signal.SIG_DFL)
    timer = threading.Timer(HANG_UP_GRACE_S, os._exit, args=(128 + signum,))
    timer.daemon = True
    timer.start()


ProgressCallback = Callable[..., None]
"""``callback(done, total, current=None)``: ``current`` names the item just finished."""


@contextmanager
def progress_bar(label: str) -> Iterator[ProgressCallback]:
    """A ``(done, total[, current])`` callback drawing a click progress bar on stderr.

    The bar appears on the first call and only when stderr is a terminal: in pipes, logs
    and tests nothing is written (not even the label), so the command's own output stays
    clean. The bar finishes its line when ``done`` reaches ``total`` (so a second bar can
    follow) or when the block ends, whichever comes first; a call after that with
    ``done < total`` starts a new bar (a second job under the same label). Every CLI
    command that runs a long job uses this one adapter so that the bars look and behave
    the same everywhere.

    Args:
        label: The text before the bar (``Importing``, ``Suggesting``...).

    Yields:
        The callback to hand to a core function's ``progress`` parameter.
    """
    state: dict[str, Any] = {}

    def redraw() -> None:
        bar = state.get("bar")
        if bar is not None:
            bar._last_line = None  # (click draws only a line that changed)
            bar.render_progress()

    def finish() -> None:
        bar = state.pop("bar", None)
        if bar is not None:
            bar.__exit__(None, None, None)

    def update(done: int, total: int, current: str | None = None) -> None:
        if not sys.stderr.isatty():
            return
        bar = state.get("bar")
        if bar is None:
            if state.get("finished") and done >= total:
                return  # a repeated final call must not draw a second, full bar
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr,
                                    show_pos=True, item_show_func=_fit(label, total))
            bar.__enter__()
            state["bar"] = bar
        step = done - bar.pos
        if step > 0 or current:
            bar.update(max(step, 0), current_item=Path(current).name if current else None)
        if total and done >= total:
            state["finished"] = True
            finish()

    _live_lines.append(redraw)
    try:
        yield update
    finally:
        _live_lines.remove(redraw)
        finish()


@contextmanager
def working(message: str) -> Iterator[None]:
    """Say what a silent step of a few seconds is doing, on a terminal only.

    For work that reports no progress of its own (checking and compiling a
    codebook's ~800 patterns, evaluating a labelled set): ``message...`` on stderr,
    erased when the step ends, so a researcher is not left looking at nothing.
    Like :func:`progress_bar`, nothing is written to pipes, logs or tests.
    """
    shown = sys.stderr.isatty()

    def redraw() -> None:
        sys.stderr.write(f"{message}...")
        sys.stderr.flush()

    if shown:
        redraw()
    _live_lines.append(redraw)
    try:
        yield
    finally:
        _live_lines.remove(redraw)
        if shown:
            sys.stderr.write("\r\x1b[K")  # back to the line's start, erase it
            sys.stderr.flush()


def _fit(label: str, total: int) -> Callable[[str | None], str | None]:
    """Shorten the item name so the bar stays on one terminal line.

    A line longer than the terminal wraps, and click's carriage return then redraws
    only the wrapped tail: every update would leave a new line behind.
    """
    # label, 2 spaces, [36-char bar], 2 spaces, "done/total", 2 spaces, ETA "00:00:00", 2 spaces
    used = len(label) + 2 + 38 + 2 + 2 * len(str(total)) + 1 + 2 + 8 + 2
    room = shutil.get_terminal_size().columns - used - 1

    def show(item: str | None) -> str | None:
        if not item or room < 8:
            return None
        return item if len(item) <= room else item[: room - 1] + "…"

    return show


def output_format(fmt: str | None, output: str | None, allowed: Sequence[str],
                  default: str) -> str:
    """The format to write, checked before any long work: ``--format``, else the ``-o``
    suffix, else ``default``.

    Every command with ``-o FILE`` decides the same way, so ``-o agreement.xlsx``
    writes a workbook everywhere, a suffix that names no format (or, with ``--format``,
    another format) is refused rather than filled with text of another format (a
    ``.txt`` file takes any text format), and a missing folder is reported at
    once (nothing creates folders behind the user's back: a typo stays visible).

    Raises:
        UserError: an unknown suffix, a suffix that contradicts ``--format``, a format
            this command cannot write, a binary format without ``-o``, or an output
            path that cannot be written.
    """
    if output:
        refuse_project_database(output)  # before the suffix: that is the real slip
    suffix = Path(output).suffix.lower() if output else ""
    # A .txt file takes the command's plain text, "table" or (quotes) "text".
    known = ", ".join(s for s, f in SUFFIX_FORMAT.items()
                      if f in allowed or (s == ".txt" and "text" in allowed))
    # Only point at --format where the command has one (`codings export` writes CSV only).
    hint = ", or --format" if _has_format_option() else ""
    if not fmt and suffix and suffix not in SUFFIX_FORMAT:
        # Writing Markdown into "quotes.pdf" would look like success and open as garbage.
        raise UserError(f"cannot tell the format from the suffix {suffix!r}: use "
                        f"{'one of ' if ', ' in known else ''}{known}{hint}", path=output)
    named = SUFFIX_FORMAT.get(suffix)
    if fmt and named and named != fmt and suffix != ".txt" and fmt in allowed:
        # "--format csv -o log.xlsx" wrote CSV text that Excel refuses to open (and
        # "--format xlsx -o x.csv" a zip file). A .txt file takes any text format.
        ending = "txt" if fmt in ("table", "text") else fmt
        raise UserError(f"--format {fmt} does not match the suffix {suffix}: name the file "
                        f"{Path(output).with_suffix('.' + ending).name}, or leave out "
                        "--format", path=output)
    from_suffix = not fmt and suffix
    fmt = pick_format(fmt, output, default)
    if from_suffix and suffix == ".txt" and fmt not in allowed and "text" in allowed:
        fmt = "text"  # a .txt file is the command's plain text (`quotes` has no table)
    if fmt not in allowed and from_suffix:
        # e.g. "quotes -o q.pdf": a chart format, not one this report has. Name the
        # suffix the user typed, not the format it maps to ("-o q.txt" is a "table").
        raise UserError(f"this report cannot be written as a {suffix} file: use "
                        f"{'one of ' if ', ' in known else ''}{known}{hint}", path=output)
    if fmt not in allowed:
        raise UserError(f"this report cannot be written as {fmt!r} (use {', '.join(allowed)})",
                        path=output)
    if fmt in BINARY and not output:
        raise UserError(f"{fmt} output needs a file: add -o FILE.{fmt}")
    if output:
        check_writable(output)
    return fmt


def report_written(what: str, path: str | Path, replaced: bool, tail: str = "") -> None:
    """The one line every command prints after writing a file, on stderr.

    ``Wrote <what> to <path>``, plus ``(replaced the old file)`` when a file was
    there before, so stdout carries only data (``qcahp counts --format csv > x``
    and ``-o x`` give the same file) and an overwritten report does not go unnoticed.
    ``tail`` adds a sentence after it (the reconcile log's summary).
    """
    line = f"Wrote {what} to {path}" + (" (replaced the old file)" if replaced else "")
    say(f"{line}. {tail}" if tail else line)  # (a REFI export's ran to 132 columns)


def refuse_project_database(path: str | Path) -> None:
    """Refuse an output file that is the project database (or its WAL/SHM side files).

    ``qcahp counts --format csv -o qcahp.db`` replaced the whole project with a CSV
    table: a slip of the tab key cost every coding.

    Raises:
        UserError: ``path`` names the database this command works on.
    """
    ctx = click.get_current_context(silent=True)
    project = ctx.find_object(Project) if ctx is not None else None
    if project is None:
        return
    try:
        target = Path(path).resolve()
    except (OSError, RuntimeError):  # a link to itself: RuntimeError, and a traceback
        raise UserError("cannot write the output file (a loop of symbolic links)",
                        path=str(path)) from None
    try:
        db = project.path.resolve()
    except (OSError, RuntimeError):
        return  # opening the project says what is wrong with it
    same = target.exists() and db.exists() and os.path.samefile(target, db)  # a hard link
    if same or target in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        raise UserError("that is the project database: give the output another file name",
                        path=str(path))
    source = _transcript_from(project, target)
    if source is not None:
        raise UserError(f"that file holds the interview the transcript {source} was "
                        "imported from, and an output never replaces an interview: give the "
                        "output another file name", path=str(path))


SOURCE_CHECK_BYTES = 64 << 20
"""Files up to this size replaced by an output are compared with the imported ones."""


def _transcript_from(project: Project, target: Path) -> str | None:
    """The transcript imported from the file ``target`` (an existing file), if any: the
    file it was imported from, or a file with the same bytes (a copy of the interview).

    ``qcahp show p01 -o interviews/p01.docx`` replaced the interview itself with the
    coded export of it: a name that comes to mind first, and the original transcript
    was gone (its text is in the project; its layout, comments and history not).
    """
    try:
        size = target.stat().st_size if target.is_file() else None
    except OSError:
        return None
    if size is None or not project.path.is_file():
        return None
    digest = None
    if size <= SOURCE_CHECK_BYTES:
        with contextlib.suppress(OSError):
            digest = hashlib.sha256(target.read_bytes()).hexdigest()
    from qualcoder_ahp.model.migrations import path_key

    try:
        if project._store is not None:
            rows = _source_rows(project._store.conn)
        else:
            conn = sqlite3.connect(f"{project.path.absolute().as_uri()}?mode=ro", uri=True)
            try:
                rows = _source_rows(conn)
            finally:
                conn.close()
    except sqlite3.Error:
        return None  # not a project (yet), or unreadable: opening it says so
    keys: dict[str, str] = {}
    for name, source, source_hash, salt in rows:
        if digest is not None and digest == source_hash:
            return str(name)
        if salt is not None:
            if source is not None and source == keys.setdefault(salt, path_key(salt, target)):
                return str(name)
            continue
        with contextlib.suppress(OSError, ValueError, TypeError):
            if os.path.samefile(source, target):
                return str(name)
    return None


def _source_rows(conn: sqlite3.Connection) -> list[Any]:
    """``(name, path key, file hash, salt)`` of each transcript: the file is known by a
    salted hash of its full path (m013: the project keeps its file name only). A project
    not opened since then still has the path itself, and no salt in the rows."""
    from qualcoder_ahp.model.migrations import SALT_SETTING

    try:
        return conn.execute(
            "SELECT name, path_key, source_hash, (SELECT value FROM settings WHERE key = ?) "
            "FROM transcripts ORDER BY name, version", [SALT_SETTING]).fetchall()
    except sqlite3.OperationalError:
        return conn.execute("SELECT name, path, source_hash, NULL FROM transcripts "
                            "ORDER BY name, version").fetchall()


def write_output(path: str | Path, data: str | bytes, what: str, tail: str = "") -> None:
    """Write a command's output file owner-only and atomically, then say so.

    See :func:`~qualcoder_ahp.reports.writers.write_private` (temporary file in the
    same folder, then :func:`os.replace`) and :func:`report_written`.
    """
    refuse_project_database(path)
    if is_special_file(path):
        write_special(path, data)
        report_written(what, path, False, tail)
    else:
        replaced = Path(path).exists()
        write_private(path, data)
        report_written(what, path, replaced, tail)
    if isinstance(data, Workbook) and data.cuts:  # Excel's limit on a cell
        say(data.cut_note(), fg="yellow")


def is_special_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a device, a named pipe or a socket (``/dev/stdout``,
    ``/dev/null``, ``mkfifo`` pipes): written into as it is, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def write_special(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write into a device or pipe in place. The atomic write (a temporary file, then a
    rename over the target) replaced ``/dev/stdout`` or ``/dev/null`` with a regular
    file when run as root, and failed for anyone else.

    Raises:
        UserError: the device or pipe cannot be written.
    """
    try:
        with open(path, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise UserError(f"cannot write the output file ({exc.strerror or exc})",
                        path=str(path)) from None


class Fraction(click.FloatRange):
    """A number in a range, as :class:`click.FloatRange`, that also refuses ``nan``.

    ``nan`` compares false with every bound, so click let ``--threshold nan`` through
    (and matched nothing); a word that is not a number reads "is not a valid number",
    not click's "is not a valid float range".
    """

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """The number, once it is a finite number inside the range."""
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number in the range {self._describe_range()}.",
                      param, ctx)
        return number


class InputFile(click.ParamType):
    """A file to read (a codebook, a labelled set): a missing one fails as ``import``,
    ``participants import`` and ``refi import`` say it, ``Error: FILE: no such file``
    with exit 1, instead of click's "Invalid value for 'PATH': File ... does not exist"
    with exit 2 in these commands only."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        """The path as given (``~`` as the home folder), once it names an existing file."""
        value = home_path(str(value))
        path = Path(value)
        if path.is_dir():
            raise UserError("is a folder, not a file", path=str(value))
        if not path.exists():
            raise UserError("no such file", path=str(value))
        return str(value)


class NotAFile(click.BadParameter):
    """A folder given where a file goes, said as every other error is: ``PATH: problem``
    (click's "Invalid value for '-o' / '--output': File '...' is a directory." named
    neither what was expected nor how to put it right)."""

    def format_message(self) -> str:
        """The message alone, without click's "Invalid value for ..." in front."""
        return self.message


EXAMPLE_FILES = {("refi", "export"): "project.qdpx", ("refi", "export-codebook"): "codebook.qdc",
                 ("codebook", "export"): "codebook.yaml", ("chart",): "chart.png",
                 ("merge",): "coder-copy.db"}
"""A file name to suggest inside a folder given by mistake, for the commands whose
output is not named by ``--format``."""


class FilePath(click.Path):
    """:class:`click.Path` for every path the commands take (``--db``, ``-o``, ``FILE``):
    a leading ``~`` is the home folder (:func:`home_path`), and a folder where a file
    goes is one line naming the folder and the file expected in it (exit 2, a usage
    error, as before). :func:`file_paths` puts it in place of each command's
    :class:`click.Path`."""

    @classmethod
    def like(cls, other: click.Path) -> FilePath:
        """A FilePath with the same settings as ``other``."""
        made = cls.__new__(cls)
        made.__dict__.update(other.__dict__)
        return made

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """The path (``~`` expanded), refusing a folder where a file goes."""
        if isinstance(value, str):
            value = home_path(value)
        if not self.dir_okay and isinstance(value, str) and value != "-" \
                and os.path.isdir(value):
            raise NotAFile(folder_given(value, param, ctx), ctx=ctx, param=param)
        return super().convert(value, param, ctx)


def folder_given(folder: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
    """``results: is a directory, not a file: -o needs the name of the file to write, such
    as results/counts.csv``; for ``--db``, the project file in the folder when it has
    one (``did you mean --db study/qcahp.db?``)."""
    shown = shown_path(folder.rstrip("/\\") or folder)
    head = f"{shown}: is a directory, not a file"
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("-")]
    label = min(opts, key=len) if opts else (param.human_readable_name if param else "FILE")
    if label == "--db":
        found = _project_in(Path(folder))
        if found is not None:
            return f"{head}: did you mean --db {shown_path(found)}?"
        return f"{head}: --db needs the project's database file, such as {shown}/{DEFAULT_DB}"
    names = _command_names(ctx)
    writes = (param is not None and param.name == "output") or names[-1:] in (
        ("export",), ("export-codebook",))
    if not writes:
        return f"{head}: {label} needs a file (one of the files in it, not the folder)"
    example = EXAMPLE_FILES.get(names) or _report_file(ctx)
    return f"{head}: {label} needs the name of the file to write, such as {shown}/{example}"


def _project_in(folder: Path) -> Path | None:
    """The project in ``folder``: its ``qcahp.db``, else its only ``.db`` file."""
    if (folder / DEFAULT_DB).is_file():
        return folder / DEFAULT_DB
    try:
        found = [p for p in folder.glob("*.db") if p.is_file()]
    except OSError:
        return None
    return found[0] if len(found) == 1 else None


def _command_names(ctx: click.Context | None) -> tuple[str, ...]:
    """The running command as its path of names under ``qcahp``: ``("refi", "export")``."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    return tuple(names)


def _report_file(ctx: click.Context | None) -> str:
    """A file name for a report in a folder: the command's (or its group's) name and
    the first text format its ``--format`` has (``counts.csv``, ``show.md``,
    ``codings.csv``)."""
    name = _command_names(ctx)[:1] or ("report",)
    formats: list[str] = []
    for param in ctx.command.params if ctx is not None else ():
        if "--format" in getattr(param, "opts", ()) and isinstance(param.type, click.Choice):
            formats = [str(c) for c in param.type.choices]
    ext = next((f for f in ("csv", "md", "docx") if f in formats), "csv")
    return f"{name[0]}.{ext}"


def file_paths(command: click.Command) -> None:
    """Make every :class:`click.Path` of ``command`` and its subcommands a
    :class:`FilePath`: ``~`` is the home folder and a folder where a file goes is
    said in one line, for every command's ``--db``, ``-o`` and ``FILE`` at once."""
    for param in command.params:
        if type(param.type) is click.Path:
            param.type = FilePath.like(param.type)
    for sub in getattr(command, "commands", {}).values():
        file_paths(sub)


def check_theme(store: Store, theme_id: str | None) -> None:
    """Refuse a ``--theme`` id that is not in the stored codebook (a misspelt theme is an
    error, not an empty list), with the same message as the reports."""
    if theme_id is None:
        return
    from qualcoder_ahp.reports.data import unknown_theme

    known = [t.id for t in store.themes(include_inactive=True)]
    if theme_id not in known:
        raise unknown_theme(theme_id, [t.id for t in store.themes()])


def _has_format_option() -> bool:
    """Whether the running command has a ``--format`` option to point the user at."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return True
    return any("--format" in getattr(param, "opts", ()) for param in ctx.command.params)


def table_width() -> int | None:
    """The width the running command's table must fit: ``None`` when it writes to a
    file (``-o``), else :func:`~qualcoder_ahp.reports.text_table.screen_width`."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("output"):
        return None
    return screen_width()


def format_table(rows: list[dict[str, Any]], columns: Sequence[str] | None = None,
                 headers: dict[str, str] | None = None, names: Sequence[str] = (),
                 wrap: bool = False) -> str:
    """Rows as an aligned plain-text table: a header, a rule, one line per row.

    On a terminal it fits the width (:func:`table_width`): the widest columns of words
    (a quote, speakers, attributes: text with spaces, over 20 characters) are cut with
    ``…`` first, then names; in a file or a pipe every cell is whole. Widths are
    terminal cells (a CJK character or an emoji takes two). ``headers`` shows some
    columns under another heading (a short one, explained in a legend); ``names`` are
    columns cut as names though a cell holds spaces (:attr:`Narrowing.names`). With
    ``wrap``, the columns of words are wrapped onto more lines of their row
    (:func:`~qualcoder_ahp.reports.text_table.wrap_cells`) instead of cut: a row then
    takes as many lines as its longest cell, the first holding the row's other cells.
    """
    cols = list(columns or rows[0].keys())
    heads = [(headers or {}).get(c, c) for c in cols]
    texts = [[_fmt(r.get(c)) for c in cols] for r in rows]
    natural = [max(cells(h), *(cells(row[i]) for row in texts)) for i, h in enumerate(heads)]
    numeric = [all(is_number(row[i]) for row in texts) for i in range(len(cols))]
    free = [w > 20 and not n and any(" " in row[i] for row in texts) and c not in names
            for i, (c, w, n) in enumerate(zip(cols, natural, numeric, strict=True))]
    named = [m or c in names for c, m in zip(cols, name_columns(texts, numeric), strict=True)]
    width = table_width()
    widths = fit_widths(heads, natural, numeric, free, width, named)
    if wrap and width is not None:
        # Wrapped columns keep their longest word whole where the table can (a column
        # gives way down to its heading's width: a heading as wide as the word).
        longest = [max((cells(w) for row in texts for w in row[i].split()), default=0)
                   if f else 0 for i, f in enumerate(free)]
        floors = [h if cells(h) >= n else h + " " * (n - cells(h))
                  for h, n in zip(heads, longest, strict=True)]
        whole_words = fit_widths(floors, natural, numeric, free, width, named)
        if sum(whole_words) + 2 * (len(cols) - 1) <= width:
            widths = whole_words
    lines = ["  ".join(pad(h, w) for h, w in zip(heads, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    if not wrap:
        lines += ["  ".join(pad(shorten(v, w), w) for v, w in zip(row, widths, strict=True)
                            ).rstrip() for row in texts]
        return "\n".join(lines) + "\n"
    for row in texts:
        parts = [(wrap_cells(v, w) or [""]) if f and cells(v) > w else [shorten(v, w)]
                 for v, w, f in zip(row, widths, free, strict=True)]
        for k in range(max(len(p) for p in parts)):
            lines.append("  ".join(pad(p[k] if k < len(p) else "", w)
                                   for p, w in zip(parts, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def note_width() -> int | None:
    """The width a line on stderr must fit: ``$COLUMNS`` when it is set, else the
    terminal's width when stderr is a terminal; ``None`` (whole) in a pipe or a log."""
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        tty = sys.stderr is not None and sys.stderr.isatty()
    except ValueError:  # a closed stream
        tty = False
    return shutil.get_terminal_size().columns if tty else None


def say(text: str, fg: str | None = None, *, err: bool = True, indent: int = 0) -> None:
    """A summary or a note on stderr, wrapped to :func:`note_width` by terminal cells as
    the notes under a table are (:func:`~qualcoder_ahp.reports.text_table.wrap_note`):
    ``search`` and ``words`` printed lines of 100-180 columns at 80, a search's terms
    and the transcripts chosen in full.

    ``err=False`` says it on stdout, wrapped to :func:`table_width` as the tables there
    are (a command's summary line: ``codebook load``, ``refi import``); ``indent`` puts
    the lines after a line's first that many cells further in than it starts (a listed
    item: ``  themes added: a, b, ...``). Whole in a pipe or a file, as ever.
    """
    width = note_width() if err else table_width()
    if not indent or width is None:
        lines = wrap_note(text, width)
    else:
        lines = []
        for line in text.split("\n"):
            lead = " " * (len(line) - len(line.lstrip(" ")))
            lines += wrap_cells(line.lstrip(" "), max(20, width), initial_indent=lead,
                                subsequent_indent=lead + " " * indent) or [""]
    for line in lines:
        click.secho(line, fg=fg, err=err)


def emit_table(rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> None:
    """Print rows as an aligned plain-text table (fitted to the terminal)."""
    if not rows:
        click.echo("(none)")
        return
    click.echo(format_table(rows, columns), nl=False)


def fitted_table(rows: list[dict[str, Any]], columns: Sequence[str],
                 rules: Narrowing | None = None, wrap: bool = False) -> str:
    """The table of :func:`format_table`, made to fit a terminal too narrow for it.

    Only when the whole table is wider than :func:`table_width` (never in a file or a
    pipe), it gives up what ``rules`` allow (:func:`~qualcoder_ahp.reports.text_table.narrow`:
    the columns every row shares, named under the table; short headings, with a legend
    line; words put under each row; optional columns); what is still too wide is cut as
    :func:`format_table` cuts (words, then names), or, with ``wrap``, its words are
    wrapped onto more lines of their row.
    """
    table, notes = fit_table(rows, columns, rules, wrap=wrap)
    return table + "".join(f"{line}\n" for line in notes)


def fit_table(rows: list[dict[str, Any]], columns: Sequence[str],
              rules: Narrowing | None = None,
              whole: Mapping[str, Sequence[str]] | None = None,
              wrap: bool = False) -> tuple[str, list[str]]:
    """:func:`fitted_table` as the table and, apart, the lines that go under it (what was
    left out, the legend), wrapped to the terminal, for a caller with notes of its own.

    ``whole`` holds the full text of columns whose cells in ``rows`` are shortened
    already: a column put under the rows shows that instead. With ``wrap``, the words put
    under a row are wrapped onto more lines, as the cells are, not cut.
    """
    if not rows:
        return "(none)\n", []
    width = table_width()
    fit = narrow(list(columns), {c: [_fmt(r.get(c)) for r in rows] for c in columns}, width,
                 rules)
    table = format_table(rows, fit.columns, fit.headings, rules.names if rules else (),
                         wrap=wrap)
    if fit.under and width is not None:
        words = [[(whole or {}).get(c, [_fmt(r.get(c)) for r in rows])[i] for c in fit.under]
                 for i, r in enumerate(rows)]
        table = "\n".join(put_under(table.splitlines(), fit.under, words, width,
                                    wrap=wrap)) + "\n"
    wrapped = [w for note in fit.notes for w in wrap_note(note, max(20, width or 80))]
    return table, wrapped


def emit_fitted(rows: list[dict[str, Any]], columns: Sequence[str],
                rules: Narrowing | None = None) -> None:
    """Print :func:`fitted_table`."""
    click.echo(fitted_table(rows, columns, rules), nl=False)


def emit_json(data: Any) -> None:
    """Print data as indented JSON (UTF-8, not ASCII-escaped)."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
