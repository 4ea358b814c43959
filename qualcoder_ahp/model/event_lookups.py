"""What the words of events name, read once and in bulk: the lookups of :class:`EventWords`.

:class:`EventLookups` reads a project's codebook and transcripts' names once, and the
suggestions, codings and events that describing events needs as it goes (a query per
500 of each with :meth:`EventLookups.prefetch`, rather than one per event), the copy a
merged-in event came from, and the decision an event made that still stands.
:class:`~qualcoder_ahp.model.event_words.EventWords` says what events did from them.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.suggestion_store import SUGGESTION_COLUMNS, suggestion_from_row

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.records import Coding, Suggestion

T = TypeVar("T")


class EventLookups:
    """The themes, transcripts, suggestions, codings and events that events name.

    Make one per report or message: it reads the codebook and transcripts once and the
    suggestions, codings and events it needs as it goes.
    """

    def __init__(self, store: Store, events: dict[int, dict[str, Any]] | None = None) -> None:
        """Read the codebook and the transcripts' names of ``store``.

        Args:
            store: the project.
            events: the log's events by id as :meth:`Store.events` gives them (an undo
                names its target by id); read from the store when first needed if not
                given.
        """
        self.store = store
        self.themes = {t.id: t for t in store.themes(include_inactive=True)}
        self.transcripts = {t.id: t.label for t in store.transcripts()}
        self._events: dict[int, dict[str, Any] | None] = dict(events) if events else {}
        self._raw: dict[int, Any] = {}
        """Each event's record as stored (``None`` if not readable JSON), by id."""
        self._merges: tuple[list[int], list[Any]] | None = None
        """The ``merge`` events' ids and sources, in order (for :meth:`merge_source`)."""
        self._suggestions: dict[int, Suggestion | None] = {}
        self._codings: dict[int, Coding | None] = {}
        self._decided: dict[int, tuple[int, int | None]] | None = None
        self._created: dict[str, tuple[list[str], list[tuple[Any, ...]]]] | None = None
        """Each coder's codings by creation time (for :meth:`_placed`)."""
        self.sources: dict[int, str] = {}
        """The copy a merged-in event came from, by event id, where a caller knows
        better than :meth:`merge_source`."""

    # ------------------------------------------------------------------ lookups
    def theme_name(self, theme_id: object) -> str:
        """A theme's current name, or its id if it is not in the codebook."""
        theme = self.themes.get(str(theme_id))
        return theme.name if theme is not None else str(theme_id)

    def suggestion(self, suggestion_id: object) -> Suggestion | None:
        """A suggestion by id, or ``None`` (not an id, or deleted since)."""
        return _cached(self._suggestions, suggestion_id, self.store.suggestion)

    def coding(self, coding_id: object) -> Coding | None:
        """A coding (active or not) by id, or ``None``."""
        return _cached(self._codings, coding_id, self.store.coding)

    def event(self, event_id: object) -> dict[str, Any] | None:
        """An event of the log by id, or ``None``."""
        if not isinstance(event_id, int):
            return None
        if event_id not in self._events:
            self.load_events([event_id])
        return self._events.get(event_id)

    def load_events(self, event_ids: Iterable[int]) -> list[dict[str, Any]]:
        """Read these events (those not read yet: one query per 500), as :meth:`event`
        gives them: the payload's keys (``{}`` if it is not readable JSON) plus ``id``,
        ``coder``, ``at`` and ``kind``. Returns those found, in the order asked."""
        wanted = list(dict.fromkeys(event_ids))
        missing = [i for i in wanted if i not in self._events]
        for k in range(0, len(missing), 500):
            chunk = missing[k:k + 500]
            for event_id, name, at, kind, text in self.store.conn.execute(
                    "SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e "
                    "LEFT JOIN coders k ON k.id = e.coder_id WHERE e.id IN ("
                    + ",".join("?" * len(chunk)) + ")", chunk):
                self.take(event_id, name, at, kind, text)
            for event_id in chunk:
                self._events.setdefault(event_id, None)
        return [e for e in (self._events[i] for i in wanted) if e is not None]

    def take(self, event_id: int, name: str | None, at: str, kind: str,
             text: str) -> dict[str, Any]:
        """Keep an event read from the log (a row of ``events``, its coder's name)."""
        try:
            stored = json.loads(text)
        except (ValueError, TypeError):
            stored = None
        self._raw[event_id] = stored
        event = dict(stored) if isinstance(stored, dict) else {}  # the record's keys first
        if "kind" in event:  # a memo's target kind, as _payload names it
            event["target_kind"] = event.pop("kind")
        event.update(id=event_id, coder=name, at=at, kind=kind)
        self._events[event_id] = event
        return event

    def forget(self) -> None:
        """Let go of the events, suggestions and codings read so far (read again when
        next asked for): a long listing describes the log a part at a time."""
        self._events.clear()
        self._raw.clear()
        self._suggestions.clear()
        self._codings.clear()

    def raw(self, event_id: int) -> Any:
        """An event's record as stored (``None`` if it is not readable JSON)."""
        return self._raw.get(event_id)

    def prefetch(self, events: Iterable[dict[str, Any]]) -> None:
        """Read at once what describing these events will look up: the suggestions and
        codings they name, and the events an undo or redo names (and theirs), a query
        per 500 of each instead of one per event."""
        suggestions: set[int] = set()
        codings: set[int] = set()
        targets: set[int] = set()

        def scan(record: object) -> None:
            # Once per event of a long listing: each key looked up once.
            if not isinstance(record, dict):
                return
            for key, found in (("suggestion_id", suggestions), ("coding_id", codings),
                               ("target", targets)):
                if isinstance(value := record.get(key), int):
                    found.add(value)
            changes = record.get("changes")
            for change in changes if isinstance(changes, list) else ():
                if not isinstance(change, dict):
                    continue
                op = change.get("op")
                if op == "coding":
                    if isinstance(value := change.get("id"), int):
                        codings.add(value)
                elif op == "memo" and change.get("kind") == "coding":
                    try:
                        codings.add(int(change["target"]))
                    except (KeyError, TypeError, ValueError):
                        pass
            for inner in ("original", "local"):
                if inner in record:
                    scan(record[inner])

        for event in events:
            scan(event)
        for _ in range(3):  # an undo of an undo of a decision: as deep as _decided_by goes
            new = [t for t in targets if t not in self._events]
            if not new:
                break
            for event in self.load_events(new):
                scan(event)
        for event_id in list(targets):  # read before: their codings may not be
            scan(self._events.get(event_id))
        wanted = [i for i in codings if i not in self._codings]
        found = self.store.codings_by_id(wanted)
        self._codings.update({i: found.get(i) for i in wanted})
        listed = sorted(i for i in suggestions if i not in self._suggestions)
        for k in range(0, len(listed), 500):
            chunk = listed[k:k + 500]
            self._suggestions.update(dict.fromkeys(chunk))
            for row in self.store.conn.execute(
                    f"SELECT {SUGGESTION_COLUMNS} FROM suggestions s WHERE s.id IN ("
                    + ",".join("?" * len(chunk)) + ")", chunk):
                self._suggestions[row[0]] = suggestion_from_row(row)

    def merge_source(self, event_id: int) -> str | None:
        """The copy a merged-in event came from: the ``source`` of the merge logged
        after it (a merge logs its events first, then itself)."""
        if event_id in self.sources:
            return self.sources[event_id]
        if self._merges is None:
            ids: list[int] = []
            sources: list[Any] = []
            for merge_id, text in self.store.conn.execute(
                    "SELECT id, payload FROM events WHERE kind = 'merge' ORDER BY id"):
                try:
                    body = json.loads(text)
                except ValueError:
                    body = {}
                ids.append(merge_id)
                sources.append(body.get("source") if isinstance(body, dict) else None)
            self._merges = (ids, sources)
        ids, sources = self._merges
        k = bisect.bisect_right(ids, event_id)
        return str(sources[k]) if k < len(ids) and sources[k] else None

    def decided_by_event(self, event_id: int) -> tuple[int, int | None] | None:
        """(suggestion id, coding id) of the decision an event made that still stands.

        A merged-in accept or reject names the other copy's suggestion; the decision it
        brought in points at the merged event, in this project's ids.
        """
        if self._decided is None:
            self._decided = {e: (s, c) for s, c, e in self.store.conn.execute(
                "SELECT suggestion_id, coding_id, event_id FROM decisions")}
        return self._decided.get(event_id)

    def where(self, transcript_id: object, start: object, end: object) -> str:
        """``physio_helen [460, 493)``."""
        name = self.transcripts.get(transcript_id, str(transcript_id))  # type: ignore[arg-type]
        return f"{name} [{start}, {end})"


def _cached(cache: dict[int, T | None], key: object, read: Callable[[int], T]) -> T | None:
    """``read(key)``, kept in ``cache``: ``None`` for a key that is not an id, or one
    ``read`` refuses (:class:`~qualcoder_ahp.errors.UserError`: deleted since)."""
    if not isinstance(key, int):
        return None
    if key not in cache:
        try:
            cache[key] = read(key)
        except UserError:
            cache[key] = None
    return cache[key]
