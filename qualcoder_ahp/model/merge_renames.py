"""The merge's transcript renames: a copy's ``qcahp transcripts rename`` made here too.

A mixin of :class:`~qualcoder_ahp.model.merge_store.MergeMixin`. A transcript's name is
the one thing of it a merge does not copy (transcripts are matched by their text, or the
file they were read from, never by name), and a coder who renamed ``physio_helen`` to
``physio_P07`` in their copy, often to take a participant's name out, left this project
saying ``physio_helen`` in every quote and export, with only a line in ``qcahp log``
("not applied here").

So each transcript that the copy renamed (by ``transcript_rename`` events new here) is
renamed here too, to the copy's name, as ``qcahp transcripts rename`` renames it (every
version; its participant when the participant's id is the old name; the old name out of
the log; :meth:`~qualcoder_ahp.model.privacy_store.PrivacyMixin.rename_transcript`),
when it is safely the same transcript and nothing here says otherwise:

- the transcript is the copy's by the merge's match (its text, or its source file);
- this project has not renamed it since the copy was made (a ``transcript_rename`` here
  that the copy does not have): then this project's name stands;
- no other transcript here has the copy's name (ignoring case), and the name is one
  ``transcripts rename`` takes.

Otherwise this project's name stands and :attr:`MergeRenamesMixin.merge_renames` says why,
with the command that takes the copy's name after all. The copy's events keep what became
of them (``here``), so ``qcahp log`` says so too. Merging the same copy again finds its
events here and changes nothing.
"""

from __future__ import annotations

import shlex
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.model.event_words import file_name
from qualcoder_ahp.model.merge_events import _known_keys, _new_copy_records
from qualcoder_ahp.model.privacy_store import transcript_name_problem

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


@dataclass
class RenameMerged:
    """A transcript the copy renamed: renamed here too, or this project's name kept."""

    here: str
    """Its name here before the merge."""
    copy: str
    """Its name in the copy."""
    done: dict[str, Any] | None = None
    """What :meth:`~qualcoder_ahp.model.privacy_store.PrivacyMixin.rename_transcript`
    returned, when it was renamed here."""
    kept: str | None = None
    """Why this project's name stands, when it does."""

    @property
    def command(self) -> str:
        """The command that takes the copy's name here after all."""
        return f"qcahp transcripts rename {shlex.join([self.here, self.copy])}"


class MergeRenamesMixin:
    """The transcript-renames part of :class:`~qualcoder_ahp.model.merge_store.MergeMixin`."""

    conn: sqlite3.Connection
    merge_renames: list[RenameMerged] = []  # noqa: RUF012 - replaced per merge
    """After :meth:`merge_from`: each transcript the copy renamed, renamed here too or
    kept under this project's name."""

    def _merge_renames(self: Store, other: sqlite3.Connection, tmap: dict[int, int],
                       label: str, scrub: dict[int, tuple[str, dict[str, Any]]],
                       aliases: dict[str, tuple[str, ...]]) -> dict[int, dict[str, Any]]:
        """Rename here the transcripts the copy renamed (call inside the merge's
        transaction, before :meth:`_merge_events` logs the copy's events). Returns, by
        the copy's event id, what became of each (``{"outcome": "applied" | "kept" |
        "same", ...}``), for its merged event."""
        self.merge_renames = []
        rows = other.execute(
            "SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e LEFT JOIN coders k "
            "ON k.id = e.coder_id WHERE e.kind = 'transcript_rename' ORDER BY e.id").fetchall()
        if not rows:
            return {}
        known = _known_keys(self.conn)
        # The copy's renames by their time: a later rename rewrites the name in the
        # earlier events (the old name leaves the log), so their records differ between
        # copies made before and after it; the time they were made does not.
        copy_times = {at for _e, _c, at, _k, _p in rows}
        new: dict[int, list[tuple[int, dict[str, Any]]]] = {}  # here id -> the copy's events
        copy_id: dict[int, int] = {}  # here id -> the copy's transcript id
        for eid, _kind, data in _new_copy_records(rows, known, scrub, aliases):
            ids = data.get("transcript_ids") or [data.get("transcript_id")]
            mapped = [t for t in ids if isinstance(t, int) and t in tmap]
            if not mapped:
                continue
            here = tmap[mapped[-1]]
            new.setdefault(here, []).append((eid, data))
            copy_id[here] = mapped[-1]
        outcomes: dict[int, dict[str, Any]] = {}
        for here, events in new.items():
            row = other.execute("SELECT name FROM transcripts WHERE id = ?",
                                [copy_id[here]]).fetchone()
            if row is None:
                continue
            outcome = self._rename_as_in_copy(here, str(row[0]), events[-1][1], label,
                                              copy_times)
            for eid, _data in events:
                outcomes[eid] = outcome
        return outcomes

    def _rename_as_in_copy(self: Store, here: int, name: str, data: dict[str, Any],
                           label: str, copy_times: set[str]) -> dict[str, Any]:
        """Rename transcript ``here`` to the copy's ``name``, or keep this project's name
        (and say why in :attr:`merge_renames`). ``data``: the copy's last rename of it."""
        now = self.transcript(here).name
        if now == name:
            return {"outcome": "same"}
        why = None
        if self._renamed_here_since(here, copy_times):
            why = f"here it was renamed {now!r} since"
        else:
            taken = self.conn.execute(
                "SELECT name FROM transcripts WHERE name = ? COLLATE NOCASE AND name != ? "
                "LIMIT 1", [name, now]).fetchone()
            if taken:
                why = f"here another transcript is named {taken[0]!r}"
            elif transcript_name_problem(name):
                why = transcript_name_problem(name)
        if why is not None:
            self.merge_renames.append(RenameMerged(now, name, kept=why))
            return {"outcome": "kept", "name": now}
        by = data.get("by") if isinstance(data.get("by"), str) else None
        done = self.rename_transcript(here, name, by=by, source=file_name(label))
        self.merge_renames.append(RenameMerged(now, name, done=done))
        return {"outcome": "applied", "event": done["event_id"]}

    def _renamed_here_since(self: Store, here: int, copy_times: set[str]) -> bool:
        """Whether this project renamed transcript ``here`` with an event the copy does
        not have (made here after the copy was made, or a rename a merge applied here
        from another copy): its time is none of the copy's renames'."""
        return any(at not in copy_times for (at,) in self.conn.execute(
            "SELECT at FROM events WHERE kind = 'transcript_rename' AND json_valid(payload) "
            "AND (json_extract(payload, '$.transcript_id') = ? OR EXISTS (SELECT 1 FROM "
            "json_each(payload, '$.transcript_ids') j WHERE j.value = ?))", [here, here]))


__all__ = ["MergeRenamesMixin", "RenameMerged"]
