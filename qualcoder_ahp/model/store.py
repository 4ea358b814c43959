"""The project store: the one place that opens the database and names its tables.

:func:`open_store` opens (or creates) a project database: owner-only file mode,
WAL journal, foreign keys on, a busy timeout so two coders wait rather than fail,
numbered migrations (with a backup first), and a refusal of databases written by a
newer schema. :class:`Store` gathers the table access of each area from mixins in
this package (corpus here; codebook, suggestions, decisions, reports, merge and
REFI in their own modules), so each area's SQL sits in one file of ``model/``.

Every write goes through :meth:`Store.write`, a ``BEGIN IMMEDIATE`` transaction
that commits before it returns: a decision is durable before the screen shows it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database

from qualcoder_ahp.errors import (
    ProjectBusy,
    SchemaTooNew,
    UserError,
    closest,
    database_problem,
)
from qualcoder_ahp.model.codebook_store import CodebookMixin
from qualcoder_ahp.model.coders_store import CodersMixin
from qualcoder_ahp.model.codings_csv_store import CodingsCsvMixin
from qualcoder_ahp.model.decisions import DecisionMixin
from qualcoder_ahp.model.framework_store import FrameworkMixin, followed_cases
from qualcoder_ahp.model.merge_store import MergeMixin, read_only_uri
from qualcoder_ahp.model.migrations import (
    MIGRATIONS,
    known_count,
    path_key,
    project_salt,
    source_file_name,
)
from qualcoder_ahp.model.privacy_store import PrivacyMixin
from qualcoder_ahp.model.refi_store import RefiMixin
from qualcoder_ahp.model.report_store import ReportMixin
from qualcoder_ahp.model.suggestion_store import SuggestionMixin
from qualcoder_ahp.model.theme_merge import ThemeMergeMixin
from qualcoder_ahp.model.withdraw_store import WithdrawMixin, withdrawn_note
from qualcoder_ahp.model.workbench_store import WorkbenchMixin
from qualcoder_ahp.records import ParsedTranscript, Sentence, TranscriptInfo, Turn

BUSY_TIMEOUT_ENV = "QCAHP_BUSY_TIMEOUT"
"""Environment variable: seconds to wait for another process's write lock (default 30)."""


def _busy_timeout(default: float = 30.0) -> float:
    """The busy timeout: ``$QCAHP_BUSY_TIMEOUT`` seconds when set to a number, else 30."""
    try:
        value = float(os.environ.get(BUSY_TIMEOUT_ENV, ""))
    except ValueError:
        return default
    return value if 0 <= value < float("inf") else default


BUSY_TIMEOUT_S = _busy_timeout()
"""How long a write waits for another process's write lock before it gives up."""
LOCK_STEP_MS = 50
"""How long SQLite itself waits at each try for the write lock (:meth:`Store.write`
tries again until the busy timeout): Python runs signal handlers only between tries,
so Ctrl+C and SIGTERM stop a waiting command within this much."""


def now() -> str:
    """UTC timestamp with microseconds, ISO 8601."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def new_guid() -> str:
    """A fresh GUID in the 8-4-4-4-12 form REFI-QDA wants."""
    return str(uuid.uuid4())


def content_hash(text: str) -> str:
    """SHA-256 of the normalised stored text: a transcript's identity across projects."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    """Whitespace-separated words, the figure every report uses."""
    return len(text.split())


def _create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (before SQLite opens it)."""
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        if path.parent.is_dir():
            return  # another process (a second coder) created it first: fine
        raise UserError("cannot create the project database (a file is in the way of "
                        "its folder)", path=str(path)) from None
    except OSError as exc:  # a read-only folder or file system...
        raise UserError(f"cannot create the project database ({exc.strerror or exc})",
                        path=str(path)) from None
    os.close(fd)


def open_store(path: str | os.PathLike[str] | None = None, *, migrate: bool = True,
               waiting: Callable[[float], None] | None = None) -> Store:
    """Open a project database, creating and migrating it as needed.

    Args:
        path: the database file, or ``None``/``":memory:"`` for an in-memory project.
        migrate: apply pending migrations (a backup of an existing file is made first).
        waiting: called while a write waits for another process's write lock (from the
            upgrade on opening on), with the seconds waited (:attr:`Store.on_lock_wait`).

    Raises:
        SchemaTooNew: the file was written by a newer qualcoder_ahp.
        UserError: the file is not a readable SQLite database.
    """
    if path is None or str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        store = Store(Database(conn), None)
    else:
        file = Path(path)
        read_only = file.exists() and not os.access(file.parent, os.W_OK)
        if not file.exists():
            _create_private(file)
        elif not read_only:
            with contextlib.suppress(OSError):  # owner only, never writable if it was not
                os.chmod(file, file.stat().st_mode & 0o700)
        # In a read-only folder SQLite cannot make the -wal and -shm files it needs to
        # read a WAL database, and every command said "not a qualcoder_ahp database, or
        # damaged": there the project is read as it is, and a write says "read-only".
        conn = sqlite3.connect(read_only_uri(file) if read_only else str(file),
                               timeout=BUSY_TIMEOUT_S, check_same_thread=False,
                               uri=read_only)
        store = Store(Database(conn), file)
        store.read_only = read_only
    store.on_lock_wait = waiting
    try:
        store._prepare(migrate=migrate)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # (A damaged file can fail to decode its own schema or migration names.)
        store.close()
        name = getattr(exc, "sqlite_errorname", "") or ""
        if isinstance(exc, ProjectBusy):  # upgrading it waited too long: not damage
            raise UserError(database_problem(exc), path=str(path)) from None
        if "FULL" in name or "IOERR" in name:  # (upgrading it: the backup or a migration)
            raise UserError(database_problem(exc), path=str(path)) from None
        if store.read_only and "CANTOPEN" in name:
            raise UserError("the project is in a read-only folder with a -wal file beside "
                            "it, which SQLite cannot read there; open it once where the "
                            "folder can be written, or copy the project with its -wal file "
                            "to a folder you can write to", path=str(path)) from None
        if "READONLY" in name:
            # Upgrading an earlier version's project failed: not damage.
            raise UserError("the project database is read-only, and this version must "
                            "upgrade it before reading it (check the permissions of the file "
                            "and its folder, or copy it to a folder you can write to)",
                            path=str(path)) from None
        raise UserError(f"not a qualcoder_ahp database, or damaged ({exc})",
                        path=str(path)) from None
    except BaseException:
        store.close()
        raise
    return store


class Store(
    CodebookMixin, SuggestionMixin, DecisionMixin, ReportMixin, MergeMixin, RefiMixin,
    WorkbenchMixin, PrivacyMixin, ThemeMergeMixin, WithdrawMixin, CodersMixin, FrameworkMixin,
    CodingsCsvMixin,
):
    """Typed access to one project database."""

    read_only: bool = False
    """Whether the project was opened read-only, as it is (it lies in a read-only folder)."""

    name_clash_advice: str = "import it as a new version of that transcript, or under another name"
    """What :meth:`add_transcript` tells the user to do when a name is taken by other
    text. The store cannot know how it was reached: the CLI names its ``--new-version``
    flag, the workbench's import dialog (which has none) what can be done there."""

    lock_wait_s: float | None = None
    """How long :meth:`write` waits for another process's write lock before it gives up
    with :class:`~qualcoder_ahp.errors.ProjectBusy`; ``None``: the busy timeout
    (:data:`BUSY_TIMEOUT_S`). The workbench waits a moment only, then says so."""

    on_lock_wait: Callable[[float], None] | None = None
    """Called every :data:`LOCK_STEP_MS` or so while :meth:`write` waits for the lock,
    with the seconds waited (a command says once that it is waiting)."""

    last_busy: ProjectBusy | None = None
    """The last :class:`~qualcoder_ahp.errors.ProjectBusy` :meth:`write` raised (the
    workbench looks here after each key, whether a screen caught it or not)."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path
        self.conn: sqlite3.Connection = db.conn
        self._checkpointed_at = 0
        """``conn.total_changes`` at the last :meth:`checkpoint_writes` that ran."""
        self._own_events: set[int] = set()
        """The decision events this connection logged (``undo_elsewhere``/``redo_elsewhere``
        tell them from another window's)."""

    # ------------------------------------------------------------------ lifecycle
    def _prepare(self, *, migrate: bool) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.path is not None and not self.read_only:
            self._set_wal()
            # FULL sync: a decision reported committed survives power loss, not just a crash.
            self.conn.execute("PRAGMA synchronous = FULL")
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > known_count():
            raise SchemaTooNew(
                f"database schema version {version} is newer than this qualcoder_ahp "
                f"understands ({known_count()}); upgrade qualcoder_ahp to open it",
                path=str(self.path),
            )
        if migrate and (version != known_count() or MIGRATIONS.pending(self.db)):
            if self.read_only:
                raise UserError("the project is in a read-only folder and was made by an "
                                "earlier version, which this one must first upgrade; copy "
                                "it to a folder you can write to", path=str(self.path))
            self._migrate()

    def _set_wal(self) -> None:
        """Switch the file to WAL, waiting out another process doing the same.

        Changing the journal mode needs an exclusive lock, and SQLite can answer
        "database is locked" at once, without calling the busy handler, while a second
        process is converting a brand-new file: so retry, up to the busy timeout.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        delay = 0.01
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.25)

    def _migrate(self) -> None:
        """Apply pending migrations under the write lock, all or nothing.

        ``BEGIN IMMEDIATE`` first, so that two processes opening a new or old
        project at once do not both migrate it (the second waits, then finds
        nothing pending); one transaction, so that a failing migration leaves
        the file exactly as it was; ``user_version`` is set inside it too.
        """
        with self.write():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if MIGRATIONS.pending(self.db):
                if self.path is not None and version > 0:
                    self.backup(self.path.with_name(self.path.name + f".bak-v{version}"))
                MIGRATIONS.apply(self.db)
            self.conn.execute(f"PRAGMA user_version = {known_count()}")

    def backup(self, target: Path) -> Path:
        """Write a consistent, owner-only copy of the database (SQLite backup API).

        The copy is made under a temporary name that replaces ``target`` only once it is
        whole: a full disk left a truncated ``.bak-v9`` beside the project, the very file
        a researcher would restore, and had deleted the good one made by an earlier try.
        """
        partial = target.with_name(f".{target.name}.partial")
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
        _create_private(partial)
        source = self.conn
        if self.conn.in_transaction and self.path is not None:
            # The backup API spins on a connection that holds the write lock; a
            # second connection reads the last committed state (the pre-migration one).
            source = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S)
        dest = sqlite3.connect(str(partial))
        try:
            source.backup(dest)
            dest.close()
            os.replace(partial, target)
        finally:
            dest.close()
            if source is not self.conn:
                source.close()
            for leftover in (partial, Path(f"{partial}-journal")):
                leftover.unlink(missing_ok=True)
        return target

    def close(self) -> None:
        """Close the connection (checkpointing WAL when last out)."""
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[Store]:
        """One write transaction, committed on exit (nested calls use savepoints).

        ``BEGIN IMMEDIATE`` takes the write lock up front so that a second coder's
        process waits on the busy timeout instead of failing mid-transaction
        (:meth:`_take_write_lock`).
        """
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        self._take_write_lock()
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def _take_write_lock(self) -> None:
        """``BEGIN IMMEDIATE``, waiting for another process's write lock in short tries.

        SQLite's busy timeout waits in C, where Python cannot act on a signal: a command
        waiting for another's lock ignored Ctrl+C and SIGTERM until the 30 s were up, and
        said nothing meanwhile. Each try here waits :data:`LOCK_STEP_MS` at most; between
        tries signals are handled, :attr:`on_lock_wait` hears how long it has waited, and
        after :attr:`lock_wait_s` (the busy timeout by default) it gives up.

        Raises:
            ProjectBusy: the lock was not free within the wait; nothing was begun.
        """
        limit = BUSY_TIMEOUT_S if self.lock_wait_s is None else self.lock_wait_s
        began = time.monotonic()
        self.conn.execute(f"PRAGMA busy_timeout = {LOCK_STEP_MS}")
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                waited = time.monotonic() - began
                if waited >= limit:
                    self.last_busy = ProjectBusy(waited)
                    raise self.last_busy
                if self.on_lock_wait is not None:
                    self.on_lock_wait(waited)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    def write_lock_free(self) -> bool:
        """Whether the write lock is free now (taken at once, without waiting, and let go
        again): the workbench polls this while another process is writing."""
        if self.conn.in_transaction:
            return True
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            return False
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self.conn.execute("ROLLBACK")
        return True

    def checkpoint_writes(self, *, others: bool = False) -> bool:
        """Copy the committed writes from the ``-wal`` file into the database file, if
        this connection wrote since the last call or ``others`` did (a passive
        checkpoint: it never waits for another connection, and skips what a reader
        still needs).

        A coder who copies the project file (``cp ana.db to-lead.db``) while the
        workbench is open would otherwise copy a file without their latest decisions,
        and ``qcahp merge`` would find nothing new in it. Returns whether it ran.

        Args:
            others: run even if this connection wrote nothing, because another one
                committed: a command (``qcahp decide``, ``search --code``) run while
                the workbench holds the file open is not the last connection out, so
                its writes stay in the ``-wal`` file until this one closes.
        """
        changes = self.conn.total_changes
        if (changes == self._checkpointed_at and not others) or self.path is None:
            return False
        if self.conn.in_transaction:
            return False
        with contextlib.suppress(sqlite3.Error):  # busy: the next call tries again
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self._checkpointed_at = changes
        return True

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the database.

        ``PRAGMA data_version`` costs no I/O beyond the WAL index, so the
        workbench can poll it to notice another coder's decisions (its own
        commits do not change it).
        """
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def integrity_ok(self) -> bool:
        """``PRAGMA integrity_check`` and ``foreign_key_check`` both clean."""
        ok = self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return ok and not self.conn.execute("PRAGMA foreign_key_check").fetchall()

    # ------------------------------------------------------------------ settings
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """A project setting (remembered coder, blind mode...)."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        """Store a project setting."""
        with self.write():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    # ------------------------------------------------------------------ coders
    def ensure_coder(self, name: str) -> int:
        """The id of coder ``name``, created on first use."""
        name = name.strip()
        if not name:
            raise UserError("a coder needs a name")
        row = self.conn.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
        if row:
            return int(row[0])
        with self.write():
            # Look again under the write lock: another process may have just added it.
            row = self.conn.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
            if row:
                return int(row[0])
            cur = self.conn.execute(
                "INSERT INTO coders (name, guid, created_at) VALUES (?, ?, ?)",
                [name, new_guid(), now()],
            )
        return int(cur.lastrowid or 0)

    def coder_id(self, name: str) -> int:
        """The id of an existing coder (``name`` as stored: trimmed); the error of
        :meth:`find_coder` if there is none."""
        return self.find_coder(name)[0]

    def coders(self) -> list[str]:
        """All coder names, in order of creation."""
        return [r[0] for r in self.conn.execute("SELECT name FROM coders ORDER BY id")]

    # ------------------------------------------------------------------ participants
    def ensure_participant(self, code: str) -> int:
        """The id of participant ``code``, created on first use.

        Raises:
            UserError: ``code`` was withdrawn from the project (``qcahp withdraw``) and
                not readmitted (:meth:`readmit_participant`) since.
        """
        row = self.conn.execute("SELECT id FROM participants WHERE code = ?", [code]).fetchone()
        if row:
            return int(row[0])
        with self.write():
            row = self.conn.execute("SELECT id FROM participants WHERE code = ?", [code]).fetchone()
            if row:
                return int(row[0])
            self.check_participant_not_withdrawn(
                code, advice="it is not added again (`--readmit` brings it back deliberately)")
            cur = self.conn.execute(
                "INSERT INTO participants (code, guid) VALUES (?, ?)", [code, new_guid()]
            )
        return int(cur.lastrowid or 0)

    def set_participant_attributes(self, code: str, attributes: dict[str, str]) -> None:
        """Set (replace) the named attributes of a participant, creating it if needed.

        An attribute name new to the project takes its place after those defined before
        it (:meth:`define_attributes`), in the order of ``attributes``."""
        with self.write():
            pid = self.ensure_participant(code)
            self.define_attributes(attributes)
            for name, value in attributes.items():
                self.conn.execute(
                    "INSERT INTO participant_attributes (participant_id, name, value) "
                    "VALUES (?, ?, ?) ON CONFLICT(participant_id, name) "
                    "DO UPDATE SET value = excluded.value",
                    [pid, name, value],
                )

    def define_attributes(self, names: Iterable[str]) -> None:
        """Record attribute names in the order given, after those defined before (a
        participants file's columns, left to right, before its rows are stored: a row
        with an empty first cell does not move that column to the end). A name defined
        already keeps its place."""
        with self.write():
            self.conn.executemany("INSERT OR IGNORE INTO attributes (name) VALUES (?)",
                                  [(n,) for n in names])

    def attribute_names(self) -> list[str]:
        """The attribute names some participant has a value of, in the order they were
        defined (the participants file's columns): the order of every listing of them."""
        return [r[0] for r in self.conn.execute(
            "SELECT a.name FROM (SELECT DISTINCT name FROM participant_attributes) a "
            "LEFT JOIN attributes d ON d.name = a.name "
            "ORDER BY d.id IS NULL, d.id, a.name")]

    def participants(self) -> dict[str, dict[str, str]]:
        """Every participant code with its attributes, in the order the attributes were
        defined (:meth:`attribute_names`)."""
        out: dict[str, dict[str, str]] = {
            r[0]: {} for r in self.conn.execute("SELECT code FROM participants ORDER BY code")
        }
        for code, name, value in self.conn.execute(
            "SELECT p.code, a.name, a.value FROM participant_attributes a "
            "JOIN participants p ON p.id = a.participant_id "
            "LEFT JOIN attributes d ON d.name = a.name "
            "ORDER BY p.code, d.id IS NULL, d.id, a.name"
        ):
            out[code][name] = value
        return out

    def assign_participant(self, name: str, code: str, *, by: str | None = None,
                           ) -> tuple[list[int], str | None, bool]:
        """Give every version of the transcript ``name`` to participant ``code`` (one
        transaction), creating the participant on first use as an import does.

        Returns the versions changed, the participant they had before and whether that
        participant, left with no transcript and no attributes (the id an import made
        from a file name), was removed with it. A framework case left with no
        transcript has its cell summaries moved to the transcript's new case
        (:meth:`~qualcoder_ahp.model.framework_store.FrameworkMixin.follow_cases`),
        logged as done ``by`` whoever gave the transcript (a login name).

        Raises:
            UserError: ``code`` is empty or was withdrawn (``qcahp withdraw``): a
                withdrawn participant stays out of the project.
        """
        code = code.strip()
        if not code:
            raise UserError("give a participant id (not empty)")
        with self.write():
            rows = self.conn.execute(
                "SELECT t.version, p.code FROM transcripts t LEFT JOIN participants p "
                "ON p.id = t.participant_id WHERE t.name = ? ORDER BY t.version",
                [name]).fetchall()
            if not rows:
                raise UserError(f"no transcript {name!r} in this project")
            self.check_participant_not_withdrawn(
                code, advice="it is not added again (`qcahp participants import --readmit` "
                             "brings it back deliberately)")
            before = {r[1] for r in rows}
            old = rows[-1][1]
            cases = self.framework_cases()
            pid = self.ensure_participant(code)
            changed = [int(r[0]) for r in rows if r[1] != code]
            self.conn.execute("UPDATE transcripts SET participant_id = ? WHERE name = ?",
                              [pid, name])
            # A case left with no transcript takes its framework summaries along.
            self.follow_cases(followed_cases(cases, self.framework_cases()), by=by)
            dropped = False
            for other in sorted(c for c in before if c and c != code):
                if not self._participant_transcripts(other) and not self.participants().get(
                        other):
                    self.conn.execute("DELETE FROM participants WHERE code = ?", [other])
                    dropped = dropped or other == old
        return changed, old, dropped

    def _participant_transcripts(self, code: str) -> list[str]:
        """The names of participant ``code``'s transcripts (each name once)."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT t.name FROM transcripts t JOIN participants p "
            "ON p.id = t.participant_id WHERE p.code = ? ORDER BY t.name", [code])]

    def remove_participant(self, code: str) -> dict[str, str]:
        """Remove participant ``code`` and their attributes (one transaction): an id with
        no transcript, from a mistyped CSV row. Returns the attributes removed.

        Raises:
            UserError: no such participant, or they still have transcripts (assign those
                to another participant, or withdraw them, first).
        """
        code = code.strip()
        with self.write():
            table = self.participants()
            if code not in table:
                known = sorted(table)
                folded = {k.casefold(): k for k in known}
                near = folded.get(code.casefold()) or folded.get(
                    closest(code.casefold(), folded) or "")
                hint = (f"; did you mean {near!r}?" if near else
                        f" (participants: {', '.join(known[:10]) or 'none yet'}"
                        f"{' ...' if len(known) > 10 else ''})")
                raise UserError(f"no participant {code!r} in this project{hint}")
            names = self._participant_transcripts(code)
            if names:
                shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
                raise UserError(
                    f"participant {code!r} still has {len(names)} transcript"
                    f"{'s' if len(names) > 1 else ''} ({shown}); give "
                    f"{'them' if len(names) > 1 else 'it'} to another participant first "
                    "(`qcahp participants assign TRANSCRIPT PARTICIPANT`), or withdraw "
                    f"{'them' if len(names) > 1 else 'it'} (`qcahp withdraw`)")
            self.conn.execute("DELETE FROM participant_attributes WHERE participant_id = "
                              "(SELECT id FROM participants WHERE code = ?)", [code])
            self.conn.execute("DELETE FROM participants WHERE code = ?", [code])
        return table[code]

    # ------------------------------------------------------------------ transcripts
    def _redacted_from(self, digest: str) -> TranscriptInfo | None:
        """The stored transcript whose text before redaction had ``digest``, if any (the
        redact events keep the old text's hash, never the text)."""
        for (tid,) in self.conn.execute(
                "SELECT json_extract(payload, '$.transcript_id') FROM events "
                "WHERE kind = 'redact' AND json_extract(payload, '$.old_hash') = ? "
                "ORDER BY id", [digest]):
            if tid is not None and self.conn.execute(
                    "SELECT 1 FROM transcripts WHERE id = ?", [tid]).fetchone():
                return self.transcript(int(tid))
        return None

    def reads_as_stored(self, info: TranscriptInfo, text: str) -> bool:
        """Whether ``text`` (a file's reading) is the text ``info`` holds, or held before
        ``qcahp redact`` rewrote it: when not, an unchanged file is read differently by
        this version of the importers."""
        digest = content_hash(text)
        if digest == info.content_hash:
            return True
        redacted = self._redacted_from(digest)
        return redacted is not None and redacted.id == info.id

    def was_redacted(self, transcript_id: int) -> bool:
        """Whether ``qcahp redact`` has rewritten this transcript's stored text."""
        return self.conn.execute(
            "SELECT 1 FROM events WHERE kind = 'redact' "
            "AND json_extract(payload, '$.transcript_id') = ? LIMIT 1",
            [transcript_id]).fetchone() is not None

    def _backfill_source(self, transcript_id: int, source_hash: str | None) -> None:
        """Record the file hash of a transcript imported before files were hashed, once
        the same file's reading has proved to be its stored (or pre-redaction) text."""
        if source_hash:
            self.conn.execute(
                "UPDATE transcripts SET source_hash = ? WHERE id = ? AND source_hash IS NULL",
                [source_hash, transcript_id])

    def add_transcript(
        self,
        name: str,
        parsed: ParsedTranscript,
        *,
        path: str | None = None,
        participant: str | None = None,
        new_version: bool = False,
        source_hash: str | None = None,
        readmit: bool = False,
    ) -> tuple[TranscriptInfo, bool]:
        """Store an imported transcript with its turns and sentences, atomically.

        Returns the stored transcript and whether anything was written: the same
        content again is a no-op, and so is the same file again (``source_hash``, the
        SHA-256 of its bytes) even when this version reads it differently, unless
        ``new_version`` then stores the new reading; the same name with other content is
        refused unless ``new_version`` (codings are never moved between versions).
        A transcript withdrawn from the project (``qcahp withdraw``: its file or text
        hash is remembered), or one of a withdrawn participant's, is refused unless
        ``readmit``, which forgets that.
        """
        # The checks run inside the write transaction: two coders importing the same
        # file at once must not both decide it is new.
        with self.write():
            digest = content_hash(parsed.text)
            row = self.conn.execute(
                "SELECT id FROM transcripts WHERE content_hash = ?", [digest]
            ).fetchone()
            if row:
                self._backfill_source(int(row[0]), source_hash)
                return self.transcript(int(row[0])), False
            if source_hash:
                # The same file, read differently by a newer parser: it did not change,
                # so its stored text and codings stay (the caller says it reads anew).
                same = self.conn.execute(
                    "SELECT id, name FROM transcripts WHERE source_hash = ? "
                    "ORDER BY name = ? DESC, version DESC LIMIT 1", [source_hash, name]
                ).fetchone()
                if same and not (new_version and same[1] == name):
                    return self.transcript(int(same[0])), False
            withdrawn = self.withdrawn_event(source_hash, digest)
            if withdrawn is not None and not readmit:
                # (Named as a command: the workbench's import dialog has no such flag.)
                # "is an interview withdrawn", not "was withdrawn": a renamed copy of the
                # file was never in the project by this name, and the withdrawal kept no
                # name to say which interview it was (m014).
                raise UserError(f"{name!r} is an interview {withdrawn_note(withdrawn)}; it "
                                "is not imported again (`qcahp import --readmit` brings it "
                                "back deliberately)", path=path)
            if withdrawn is not None:
                self.readmit(source_hash, digest)
            if participant and readmit:
                self.readmit_participant(participant)
            elif participant:
                # Another file of a withdrawn participant's (a .docx of the .txt), or a
                # file given their id with --participant.
                self.check_participant_not_withdrawn(
                    participant, path=path, advice="it is not imported again (`qcahp import "
                    "--readmit` brings it back deliberately)")
            latest = self.conn.execute(
                "SELECT MAX(version) FROM transcripts WHERE name = ?", [name]
            ).fetchone()[0]
            if latest is not None:
                # The unredacted original of a transcript `qcahp redact` has rewritten is
                # that transcript, unchanged: importing the folder again used to fail on
                # it, and --new-version (as the error advised) stored the names again.
                redacted = self._redacted_from(digest)
                if redacted is not None:
                    self._backfill_source(redacted.id, source_hash)
                    return redacted, False
            if latest is not None and not new_version:
                raise UserError(self._name_clash(name, latest, path), path=path)
            version = (latest or 0) + 1
            pid = self.ensure_participant(participant) if participant else None
            # The file's name, and its full path only as a salted hash: the folders
            # may hold the researcher's login or a participant's name (m013).
            cur = self.conn.execute(
                "INSERT INTO transcripts (name, version, path, path_key, format, "
                "content_hash, text, participant_id, words, imported_at, guid, source_hash) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [name, version, source_file_name(path) if path else None,
                 path_key(project_salt(self.conn), path) if path else None, parsed.format,
                 digest, parsed.text, pid, count_words(parsed.text), now(), new_guid(),
                 source_hash],
            )
            tid = int(cur.lastrowid or 0)
            self.conn.executemany(
                'INSERT INTO turns (transcript_id, idx, speaker, role, start, "end", time) '
                "VALUES (?,?,?,?,?,?,?)",
                [(tid, i, t.speaker, t.role, t.start, t.end, t.time)
                 for i, t in enumerate(parsed.turns)],
            )
            self.conn.executemany(
                'INSERT INTO sentences (transcript_id, idx, turn_idx, start, "end") '
                "VALUES (?,?,?,?,?)",
                [(tid, i, s.turn_index, s.start, s.end) for i, s in enumerate(parsed.sentences)],
            )
        return self.transcript(tid), True

    def _name_clash(self, name: str, latest: int, path: str | None) -> str:
        """Why a file is refused whose name is taken by other text.

        A transcript imported before file hashes were recorded (no ``source_hash``) from
        this same path cannot be told apart from the same file read differently by this
        version (a better parser): say so, rather than "a different transcript".
        """
        stored_key, stored_source = self.conn.execute(
            "SELECT path_key, source_hash FROM transcripts WHERE name = ? AND version = ?",
            [name, latest]).fetchone()
        if path and stored_key and stored_source is None and stored_key == path_key(
                project_salt(self.conn), path):
            return (f"{name!r} was imported from this file by an earlier qualcoder_ahp, "
                    "which did not record the file's contents; if the file is unchanged, "
                    "this version reads it differently and nothing needs doing (the stored "
                    f"text and its codings are kept); if it changed, or to store the new "
                    f"reading, {self.name_clash_advice}")
        return (f"a different transcript named {name!r} is already stored; "
                f"{self.name_clash_advice}")

    _TRANSCRIPT_SELECT = (
        "SELECT t.id, t.name, t.version, t.format, t.content_hash, p.code, t.words, "
        "(SELECT COUNT(*) FROM turns u WHERE u.transcript_id = t.id), t.guid "
        "FROM transcripts t LEFT JOIN participants p ON p.id = t.participant_id"
    )

    def transcript(self, ref: int | str) -> TranscriptInfo:
        """A transcript by id, by name (latest version) or by ``name@version``."""
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            rows = self.conn.execute(
                self._TRANSCRIPT_SELECT + " WHERE t.id = ?", [int(ref)]
            ).fetchall()
        else:
            name, _, version = ref.partition("@")
            sql = self._TRANSCRIPT_SELECT + " WHERE t.name = ?"
            args: list[object] = [name]
            if version:
                sql += " AND t.version = ?"
                args.append(int(version) if version.isdigit() else -1)
            rows = self.conn.execute(sql + " ORDER BY t.version DESC LIMIT 1", args).fetchall()
        if not rows:
            raise UserError(f"no transcript {ref!r} in this project")
        return TranscriptInfo(*rows[0])

    def transcripts(self) -> list[TranscriptInfo]:
        """Every stored transcript, by name and version."""
        rows = self.conn.execute(self._TRANSCRIPT_SELECT + " ORDER BY t.name, t.version")
        return [TranscriptInfo(*r) for r in rows]

    def transcript_text(self, transcript_id: int) -> str:
        """The stored (normalised) text of a transcript."""
        row = self.conn.execute(
            "SELECT text FROM transcripts WHERE id = ?", [transcript_id]
        ).fetchone()
        if not row:
            raise UserError(f"no transcript with id {transcript_id}")
        return str(row[0])

    def turns(self, transcript_id: int) -> list[Turn]:
        """A transcript's speaker turns, in order."""
        rows = self.conn.execute(
            'SELECT speaker, role, start, "end", time FROM turns '
            "WHERE transcript_id = ? ORDER BY idx",
            [transcript_id],
        )
        return [Turn(*r) for r in rows]

    def sentences(self, transcript_id: int) -> list[Sentence]:
        """A transcript's stored sentences, in order."""
        rows = self.conn.execute(
            'SELECT start, "end", turn_idx FROM sentences WHERE transcript_id = ? ORDER BY idx',
            [transcript_id],
        )
        return [Sentence(*r) for r in rows]

    def unit_bounds(self, transcript_id: int) -> tuple[tuple[tuple[int, int], ...],
                                                       tuple[tuple[int, int], ...]]:
        """A transcript's sentences and turns as ``(start, end)`` pairs, in order: what
        agreement's sentence and turn units need of them (building the ``Sentence`` and
        ``Turn`` of :meth:`sentences` and :meth:`turns` first cost it a quarter of a
        second at 2M words)."""
        return (tuple(self.conn.execute(
                    'SELECT start, "end" FROM sentences WHERE transcript_id = ? ORDER BY idx',
                    [transcript_id])),
                tuple(self.conn.execute(
                    'SELECT start, "end" FROM turns WHERE transcript_id = ? ORDER BY idx',
                    [transcript_id])))

    def turn_roles(self, transcript_id: int) -> tuple[str, ...]:
        """Each turn's speaker role, in order (agreement compares the participants')."""
        return tuple(role for (role,) in self.conn.execute(
            "SELECT role FROM turns WHERE transcript_id = ? ORDER BY idx", [transcript_id]))

    def speakers(self, transcript_id: int) -> dict[str, str]:
        """Each speaker of a transcript with their role."""
        rows = self.conn.execute(
            "SELECT speaker, role FROM turns WHERE transcript_id = ? GROUP BY speaker, role "
            "ORDER BY MIN(idx)",
            [transcript_id],
        )
        return {speaker: role for speaker, role in rows}

    def speaker_renamed(self, transcript_id: int, speaker: str) -> str:
        """What ``qcahp speakers rename`` (or ``swap``, or a merge that applied a copy's)
        made of ``speaker`` in this transcript since import (its renames in order:
        ``Dan`` -> ``Dr Dan Ott``; one undone, and its undo, left out), or ``speaker``."""
        for _eid, _kind, rename in self.speaker_changes(transcript_id):
            to = rename.get("to")
            if _kind != "speaker_rename" or not isinstance(to, str):
                continue
            if rename.get("speaker") == speaker:
                speaker = to
            elif rename.get("swapped") and to == speaker:
                speaker = str(rename.get("speaker"))
        return speaker

    def speaker_changes(self, transcript_id: int
                        ) -> list[tuple[int, str, dict[str, object]]]:
        """The speaker changes of a transcript in force, oldest first: ``(event id, kind,
        record)`` of each ``speaker_rename`` and ``speaker_role`` not undone since
        (``qcahp speakers undo``; the undo itself is left out too)."""
        changes: list[tuple[int, str, dict[str, object]]] = []
        undone: set[int] = set()
        for eid, kind, payload in self.conn.execute(
                "SELECT id, kind, payload FROM events WHERE kind IN ('speaker_rename', "
                "'speaker_role') AND json_valid(payload) AND json_extract(payload, "
                "'$.transcript_id') = ? ORDER BY id", [transcript_id]):
            record = json.loads(payload)
            if not isinstance(record, dict):
                continue
            if isinstance(record.get("undoes"), int):
                undone.add(record["undoes"])
            else:
                changes.append((int(eid), str(kind), record))
        return [c for c in changes if c[0] not in undone]

    def set_speaker_roles(self, transcript_id: int, roles: dict[str, str]) -> int:
        """Change speakers' roles in one transcript (text and offsets stay as they are),
        as a re-import naming interviewers or participants does: one ``speaker_role``
        event per speaker changed (``via``: ``import``), so the log shows it, a merge of
        this copy makes it in the main project too, and ``qcahp speakers undo`` takes it
        back.

        Returns the number of turns whose role changed.
        """
        changed = 0
        done: list[dict[str, object]] = []
        with self.write():
            was = self.speakers(transcript_id)
            for speaker, role in roles.items():
                cur = self.conn.execute(
                    "UPDATE turns SET role = ? WHERE transcript_id = ? AND speaker = ? "
                    "AND role != ?",
                    [role, transcript_id, speaker, role],
                )
                changed += cur.rowcount
                if cur.rowcount:
                    done.append(self._speaker_event("speaker_role", {
                        "transcript_id": transcript_id, "speaker": speaker, "role": role,
                        "role_was": was.get(speaker), "turns": cur.rowcount, "by": None,
                        "via": "import"}, None))
            self._speaker_targets(done)
        return changed

    def change_speaker(self, infos: Sequence[TranscriptInfo], speaker: str, *,
                       name: str | None = None, role: str | None = None,
                       by: str | None = None, extra: dict[str, object] | None = None
                       ) -> list[dict[str, object]]:
        """Rename one speaker (``name``; a speaker of that name already there: the two
        become one, with its role or ``role``) or set their ``role``, in each of these
        transcripts.

        Only ``turns.speaker`` and ``turns.role`` change: the text, offsets and codings
        stay as they are. One transaction, one ``speaker_rename`` or ``speaker_role``
        event per transcript changed (a join also records the turns that were
        ``speaker``'s, ``idx``; ``extra`` goes in the record too: ``from``, the copy a
        merge applied it from, ``undoes``). Returns
        those events' records (a role already so changes nothing and is left out).

        Raises:
            UserError: a transcript has no speaker ``speaker``, or a join of two speakers
                whose roles differ would make a participant's or an interviewer's turns
                another role's and no ``role`` says so (nothing is changed).
        """
        done: list[dict[str, object]] = []
        with self.write():
            for info in infos:
                speakers = self._speakers_of(info, speaker)
                was = speakers[speaker]
                joined = name is not None and name in speakers
                if joined and role is None and speakers[str(name)] != was != "other":
                    # A participant's turns joined into an interviewer's (or the other way
                    # round) would change which turns get suggestions: the coder says so.
                    into = speakers[str(name)]
                    raise UserError(f"{info.label}: {speaker!r} is {was} and {name!r} {into}: "
                                    "say which role the joined speaker has, with --role "
                                    f"{into} or --role {was} (nothing changed)")
                to_role = role or (speakers[str(name)] if joined else was)
                if name is None and to_role == was:
                    continue
                moved = [r[0] for r in self.conn.execute(
                    "SELECT idx FROM turns WHERE transcript_id = ? AND speaker = ? "
                    "ORDER BY idx", [info.id, speaker])]
                self.conn.execute(
                    "UPDATE turns SET speaker = ?, role = ? WHERE transcript_id = ? "
                    "AND speaker = ?", [name if name is not None else speaker, to_role,
                                        info.id, speaker])
                if joined and to_role != speakers[str(name)]:  # --role: the joined speaker's
                    self.conn.execute("UPDATE turns SET role = ? WHERE transcript_id = ? "
                                      "AND speaker = ?", [to_role, info.id, name])
                record: dict[str, object] = {"transcript_id": info.id, "speaker": speaker,
                                             "turns": len(moved), "by": by}
                if name is not None:
                    record.update({"to": name, "joined": joined,
                                   "role": to_role, "role_was": was})
                    if joined:
                        record.update({"idx": moved, "to_role_was": speakers[str(name)]})
                else:
                    record.update({"role": to_role, "role_was": was})
                done.append(self._speaker_event(
                    "speaker_rename" if name is not None else "speaker_role", record, extra))
            self._speaker_targets(done)
        return done

    def swap_speakers(self, info: TranscriptInfo, first: str, second: str, *,
                      by: str | None = None, extra: dict[str, object] | None = None
                      ) -> dict[str, object]:
        """Exchange two speakers' names in one transcript: ``first``'s turns become
        ``second``'s and the other way round, each name keeping its role (a transcriber
        who put Helen's name on the interviewer's turns and the interviewer's on hers).

        Only ``turns.speaker`` and ``turns.role`` change. One transaction and one
        ``speaker_rename`` event (``swapped``); returns its record.

        Raises:
            UserError: the transcript lacks either speaker, or they are one (nothing is
                changed).
        """
        if first == second:
            raise UserError(f"{info.label}: give two different speakers to swap (got "
                            f"{first!r} twice)")
        with self.write():
            self._speakers_of(info, first)
            speakers = self._speakers_of(info, second)
            turns = {name: [r[0] for r in self.conn.execute(
                "SELECT idx FROM turns WHERE transcript_id = ? AND speaker = ? ORDER BY idx",
                [info.id, name])] for name in (first, second)}
            for name, other in ((first, second), (second, first)):
                marks = ",".join("?" * len(turns[name]))
                self.conn.execute(f"UPDATE turns SET speaker = ?, role = ? WHERE "
                                  f"transcript_id = ? AND idx IN ({marks})",
                                  [other, speakers[other], info.id, *turns[name]])
            record: dict[str, object] = {
                "transcript_id": info.id, "speaker": first, "to": second, "swapped": True,
                "turns": len(turns[first]), "turns_to": len(turns[second]),
                "role": speakers[second], "role_was": speakers[first], "by": by}
            done = [self._speaker_event("speaker_rename", record, extra)]
            self._speaker_targets(done)
        return done[0]

    def undo_speaker_change(self, info: TranscriptInfo, *, by: str | None = None,
                            extra: dict[str, object] | None = None) -> dict[str, object]:
        """Undo the newest speaker change of a transcript still in force (a rename,
        join, swap or role: :meth:`speaker_changes`), as one more event: a rename
        renamed back, a join split again (its turns, ``idx``, get their name and role
        back, and the speaker joined into its role), a swap swapped back, a role set
        back. Returns the undo's record (``undid``: the change undone).

        Raises:
            UserError: nothing to undo, or a join made before joins recorded their
                turns, or a name given up that another speaker has taken since.
        """
        import shlex  # only for the command the refusal names

        with self.write():
            changes = self.speaker_changes(info.id)
            if not changes:
                raise UserError(f"{info.label}: no speaker change to undo (`qcahp log --kind "
                                "speaker_rename --kind speaker_role --transcript "
                                f"{shlex.quote(info.label)}` lists them)")
            eid, kind, rec = changes[-1]
            undid = {k: v for k, v in rec.items() if k not in ("idx", "by", "from")}
            more = {**(extra or {}), "undoes": eid, "undid": {"kind": kind, **undid}}
            old, to = str(rec.get("speaker")), rec.get("to")
            if rec.get("swapped"):
                return self.swap_speakers(info, str(to), old, by=by, extra=more)
            if kind == "speaker_role":
                back = self.change_speaker([info], old, role=str(rec["role_was"]), by=by,
                                           extra=more)
                if not back:  # set so since by a re-import's --interviewer
                    raise UserError(f"{info.label}: {old!r} is {rec['role_was']} already: "
                                    "nothing to undo")
                return back[0]
            speakers = self._speakers_of(info, str(to))
            if not rec.get("joined"):
                if old in speakers:
                    raise UserError(f"{info.label}: cannot rename {to!r} back to {old!r}: "
                                    f"another speaker is called {old!r} now")
                back = str(rec["role_was"]) if rec.get("role") != rec.get("role_was") else None
                return self.change_speaker([info], str(to), name=old, role=back, by=by,
                                           extra=more)[0]
            idx = rec.get("idx")
            if not isinstance(idx, list) or old in speakers:
                why = ("it was made before joins recorded their turns" if old not in speakers
                       else f"another speaker is called {old!r} now")
                raise UserError(f"{info.label}: the join of {old!r} into {to!r} cannot be "
                                f"undone: {why} (nothing changed)")
            marks = ",".join("?" * len(idx))
            self.conn.execute(f"UPDATE turns SET speaker = ?, role = ? WHERE transcript_id = ? "
                              f"AND speaker = ? AND idx IN ({marks})",
                              [old, rec["role_was"], info.id, to, *idx])
            if rec.get("to_role_was") not in (None, rec.get("role")):
                self.conn.execute("UPDATE turns SET role = ? WHERE transcript_id = ? AND "
                                  "speaker = ?", [rec["to_role_was"], info.id, to])
            record: dict[str, object] = {
                "transcript_id": info.id, "speaker": to, "to": old, "split": True,
                "turns": len(idx), "role": rec["role_was"], "role_was": rec["role"], "by": by}
            done = [self._speaker_event("speaker_rename", record, more)]
            self._speaker_targets(done)
        return done[0]

    def _speakers_of(self, info: TranscriptInfo, speaker: str) -> dict[str, str]:
        """The speakers of a transcript with their roles, ``speaker`` among them.

        Raises:
            UserError: it has no speaker ``speaker``.
        """
        speakers = self.speakers(info.id)
        if speaker not in speakers:
            close = closest(speaker, speakers)
            hint = f"; did you mean {close!r}?" if close else ""
            raise UserError(f"{info.label}: no speaker {speaker!r}{hint} (its "
                            f"speakers: {', '.join(speakers)})")
        return speakers

    def _speaker_event(self, kind: str, record: dict[str, object],
                       extra: dict[str, object] | None) -> dict[str, object]:
        """Log one speaker change (call inside :meth:`write`); its record, with ``kind``
        and ``event`` (the event's id). ``extra``: more of its record (``from``, the copy
        a merge applied it from; ``undoes``, ``undid``)."""
        record = {**record, **(extra or {})}
        return {"kind": kind, **record, "event": self.log_event(None, kind, record)}

    def _speaker_targets(self, done: list[dict[str, object]]) -> None:
        """The ``event_targets`` of speaker changes just logged (call inside :meth:`write`)."""
        from qualcoder_ahp.model.audit import record_targets  # audit reads the store

        record_targets(self, [int(str(d["event"])) for d in done])

    def set_turn_times(self, transcript_id: int, times: Sequence[str | None]) -> int:
        """Rewrite the times of a transcript's turns, in turn order (text, offsets and
        codings stay as they are): the same times written as this version stores them.

        Returns the number of turns whose time changed.
        """
        changed = 0
        with self.write():
            for idx, time in enumerate(times):
                cur = self.conn.execute(
                    "UPDATE turns SET time = ? WHERE transcript_id = ? AND idx = ? "
                    "AND time IS NOT ?", [time, transcript_id, idx, time])
                changed += cur.rowcount
        return changed

    def log_event(self, coder_id: int | None, kind: str, payload: dict[str, object]) -> int:
        """Append one event to the log (call inside :meth:`write`)."""
        cur = self.conn.execute(
            "INSERT INTO events (coder_id, at, kind, payload) VALUES (?, ?, ?, ?)",
            [coder_id, now(), kind, json.dumps(payload, sort_keys=True)],
        )
        return int(cur.lastrowid or 0)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the lock."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith("SQLITE_BUSY") or "database is locked" in str(exc)


def remove_database(path: Path) -> None:
    """Delete a database and its WAL/SHM side files (used by tests and ``demo --fresh``)."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()


__all__ = ["Store", "open_store", "new_guid", "now", "content_hash", "count_words",
           "remove_database"]
