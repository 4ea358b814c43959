"""The merge's speakers: a copy's renames, joins, swaps and role changes made here too.

A mixin of :class:`~qualcoder_ahp.model.merge_store.MergeMixin`. A speaker's name and
role live on the turns (``qcahp speakers``), which a merge does not copy: a coder who
renamed "Speaker 2" to "Helen" in their copy, or made Dr Dan Ott the interviewer (which
decides which turns get suggestions), would see the project still say "Speaker 2".
So each ``speaker_rename`` and ``speaker_role`` event of the copy that is new here is
made here as well, in the copy's order, when this project's turns still carry the old
name or role, as ``qcahp speakers`` would make it (its event says which copy it came
from). Where this project changed that speaker otherwise (renamed them another way,
gave them another role, has another speaker of the new name), this project's stands and
:attr:`MergeSpeakersMixin.merge_speakers` says so, one line per speaker; a change this
project has made already is passed over. The copy's event keeps what became of it
(``here``), so the log says so too. Merging the same copy again finds its events here
and changes nothing.
"""

from __future__ import annotations

import json
import shlex
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.model.merge_events import _known_keys, _new_copy_records, event_key

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.records import TranscriptInfo

SPEAKER_KINDS = ("speaker_rename", "speaker_role")


@dataclass
class SpeakerMerged:
    """One speaker change of a copy, as the merge made it here or kept this project's."""

    transcript: str
    """The transcript here (its label)."""
    copy_did: str
    """What the copy did, in words: ``renamed speaker 'Mary' to 'Mary Ng'``."""
    done: dict[str, object] | None = None
    """The change made here (as ``qcahp speakers`` returns it), when it was applied."""
    kept: str | None = None
    """Why this project's stands, when it was not: ``here they were renamed 'M. Ng'``."""
    take: list[str] | None = None
    """The ``qcahp speakers`` arguments that take the copy's change here after all."""
    later: int = 0
    """Later changes of that speaker in the copy, kept out with it."""

    @property
    def command(self) -> str | None:
        """The command that takes the copy's change here after all, when there is one."""
        return f"qcahp speakers {shlex.join(self.take)}" if self.take else None


class MergeSpeakersMixin:
    """The speakers part of :class:`~qualcoder_ahp.model.merge_store.MergeMixin`."""

    conn: sqlite3.Connection
    merge_speakers: list[SpeakerMerged] = []  # noqa: RUF012 - replaced per merge
    """After :meth:`merge_from`: each speaker change of the copy applied here, or kept
    out because this project changed that speaker otherwise."""

    def _merge_speakers(self: Store, other: sqlite3.Connection, tmap: dict[int, int],
                        label: str, scrub: dict[int, tuple[str, dict[str, Any]]],
                        aliases: dict[str, tuple[str, ...]]) -> dict[int, dict[str, Any]]:
        """Make the copy's new speaker changes here (call inside :meth:`write`, before
        :meth:`_merge_events` logs them). Returns, by the copy's event id, what became of
        each (``{"outcome": "applied" | "kept" | "same", ...}``), for its merged event."""
        self.merge_speakers = []
        rows = other.execute(
            "SELECT e.id, k.name, e.at, e.kind, e.payload FROM events e LEFT JOIN "
            "coders k ON k.id = e.coder_id WHERE e.kind IN ('speaker_rename', "
            "'speaker_role') ORDER BY e.id").fetchall()
        if not rows:  # most copies: no key of this project's log worked out for nothing
            return {}
        known = _known_keys(self.conn)
        # The copy's events (swaps only are told apart by them, not by the turns).
        copy_keys = {event_key(c, at, k, p) for c, at, k, p in other.execute(
            "SELECT k.name, e.at, e.kind, e.payload FROM events e "
            "LEFT JOIN coders k ON k.id = e.coder_id WHERE e.kind = 'speaker_rename'")}
        outcomes: dict[int, dict[str, Any]] = {}
        kept: dict[tuple[int, str], SpeakerMerged] = {}  # (transcript here, copy's name)
        for eid, kind, data in _new_copy_records(rows, known, scrub, aliases):
            if data.get("transcript_id") not in tmap:
                continue
            tid = tmap[data["transcript_id"]]
            speaker = str(data.get("speaker"))
            folded = kept.get((tid, speaker))
            if folded is not None:  # a later change of a speaker whose change was kept out
                folded.later += 1
                if isinstance(data.get("to"), str):
                    kept[(tid, data["to"])] = folded
                    if folded.take and folded.take[0] == "rename":
                        folded.take[3] = data["to"]  # the copy's name now
                outcomes[eid] = {"outcome": "kept"}
                continue
            outcome, merged = self._speaker_change(tid, kind, data, label, copy_keys)
            outcomes[eid] = outcome
            if merged is not None:
                self.merge_speakers.append(merged)
                if merged.kept is not None and kind == "speaker_rename":
                    # The copy's names for this speaker are not this project's now: its
                    # later changes of them are this one's, kept out with it. (A role
                    # kept out leaves the names alike: a later rename is made.)
                    for name in {speaker, data.get("to")} - {None}:
                        kept[(tid, str(name))] = merged
        return outcomes

    def _speaker_change(self: Store, tid: int, kind: str, data: dict[str, Any], label: str,
                        copy_keys: set[str]) -> tuple[dict[str, Any], SpeakerMerged | None]:
        """Make one speaker change of the copy here, or keep this project's: what became
        of it, and what to report (``None``: this project made it already)."""
        info = self.transcript(tid)
        here = self.speakers(tid)
        speaker, to = str(data.get("speaker")), data.get("to")
        role, was = str(data.get("role")), str(data.get("role_was"))
        by = data.get("by") if isinstance(data.get("by"), str) else None
        t = info.label
        if isinstance(data.get("undid"), dict):  # `qcahp speakers undo` in the copy
            return self._speaker_undo(info, data["undid"], by, label)
        if kind == "speaker_role":
            did = f"made speaker {speaker!r} {role} (was {was})"
            name = speaker if speaker in here else self.speaker_renamed(tid, speaker)
            if name not in here:
                return _kept(info.label, did, f"{info.label} has no speaker {speaker!r} here")
            if here[name] == role:
                return {"outcome": "same", "speaker": name, "role": role}, None
            if here[name] != was:
                return _kept(info.label, did, f"here {name!r} was made {here[name]}",
                             ["role", t, name, role],
                             speaker=name, role=here[name])
            done = self.change_speaker([info], name, role=role, by=by, extra={"from": label})
            return _applied(info.label, did, done[0])
        assert isinstance(to, str)
        if data.get("swapped"):
            did = f"swapped speakers {speaker!r} and {to!r}"
            if self._swapped_here(tid, speaker, to, copy_keys):
                return {"outcome": "same"}, None
            if speaker not in here or to not in here:
                missing = speaker if speaker not in here else to
                return _kept(info.label, did, f"{info.label} has no speaker {missing!r} here")
            done1 = self.swap_speakers(info, speaker, to, by=by, extra={"from": label})
            return _applied(info.label, did, done1)
        joined = bool(data.get("joined"))
        did = (f"joined speaker {speaker!r} into {to!r}" if joined
               else f"renamed speaker {speaker!r} to {to!r}")
        if speaker not in here:
            now = self.speaker_renamed(tid, speaker)
            if now == to or (now not in here and to in here):
                return {"outcome": "same", "speaker": to}, None
            if now in here:
                return _kept(info.label, did, f"here {speaker!r} is {now!r} now",
                             ["rename", t, now, to], speaker=now)
            return _kept(info.label, did, f"{info.label} has no speaker {speaker!r} here")
        target = to
        if joined and to not in here:  # the speaker joined into was renamed here
            target = self.speaker_renamed(tid, to)
            if target == speaker:  # joined here already (the other way round)
                return {"outcome": "same", "speaker": speaker}, None
            if target not in here:
                return _kept(info.label, did, f"{info.label} has no speaker {to!r} here")
        if not joined and to in here:
            return _kept(info.label, did, f"here {to!r} is another speaker of "
                         f"{info.label}", ["rename", t, speaker, to], speaker=speaker)
        if joined and here[target] != role:
            return _kept(info.label, did, f"here {target!r} is {here[target]}, there {role}",
                         ["rename", t, speaker, target, "--role", role], speaker=speaker)
        # A rename that set a role too (--role) sets it where the role is still the old.
        new_role = role if joined or (role != was and here[speaker] == was) else None
        done = self.change_speaker([info], speaker, name=target, role=new_role, by=by,
                                   extra={"from": label})
        return _applied(info.label, did, done[0])

    def _speaker_undo(self: Store, info: TranscriptInfo, undid: dict[str, Any],
                      by: str | None, label: str
                      ) -> tuple[dict[str, Any], SpeakerMerged | None]:
        """A copy's undo of a speaker change: made here when the same change is the last
        one here still in force (the merge made it, or this project did too)."""
        from qualcoder_ahp.model.event_words import EventWords

        did = "undid: " + EventWords(self).describe({**undid, "transcript_id": info.id}).what
        did = did.replace(f" in transcript {info.label}", "")
        changes = self.speaker_changes(info.id)
        if changes and _same_change({"kind": changes[-1][1], **changes[-1][2]}, undid):
            done = self.undo_speaker_change(info, by=by, extra={"from": label})
            return _applied(info.label, did, done)
        for (payload,) in self.conn.execute(
                "SELECT payload FROM events WHERE kind IN ('speaker_rename', 'speaker_role') "
                "AND json_valid(payload) AND json_extract(payload, '$.transcript_id') = ? "
                "AND json_type(payload, '$.undid') = 'object'", [info.id]):
            if _same_change(json.loads(payload)["undid"], undid):
                return {"outcome": "same"}, None  # undone here too
        return _kept(info.label, did, "here that is not the last change of its speakers "
                     "(`qcahp speakers undo` undoes the last one)")

    def _swapped_here(self: Store, tid: int, first: str, second: str,
                      copy_keys: set[str]) -> bool:
        """Whether this project swapped these two speakers itself (an event of its own,
        not one the copy has): the copy's swap would undo it."""
        for at, payload in self.conn.execute(
                "SELECT at, payload FROM events WHERE kind = 'speaker_rename' AND "
                "json_valid(payload) AND json_extract(payload, '$.transcript_id') = ? AND "
                "json_extract(payload, '$.swapped')", [tid]):
            data = json.loads(payload)
            if {data.get("speaker"), data.get("to")} == {first, second} and event_key(
                    None, at, "speaker_rename", payload) not in copy_keys:
                return True
        return False


def _same_change(here: dict[str, Any], there: dict[str, Any]) -> bool:
    """Whether two speaker change records (``kind`` in them) made the same change."""
    keys = ("kind", "speaker", "to", "role", "role_was", "joined", "swapped")
    return all(here.get(k) == there.get(k) for k in keys)


def _applied(transcript: str, did: str, done: dict[str, object]
             ) -> tuple[dict[str, Any], SpeakerMerged]:
    """A copy's change made here."""
    return ({"outcome": "applied", "event": done["event"]},
            SpeakerMerged(transcript, did, done=done))


def _kept(transcript: str, did: str, why: str, take: list[str] | None = None,
          **here: str) -> tuple[dict[str, Any], SpeakerMerged]:
    """A copy's change kept out: this project's stands (``here``: its speaker, role)."""
    return ({"outcome": "kept", **here}, SpeakerMerged(transcript, did, kept=why, take=take))


__all__ = ["MergeSpeakersMixin", "SpeakerMerged", "SPEAKER_KINDS"]
