"""Every event of the ``events`` log in words: what a decision, an undo or a merge did.

Every decision is an event (:mod:`qualcoder_ahp.model.decisions`); :class:`EventWords`
says what one did in the words a researcher reads ("accepted suggestion 237
(Serendipity) on physio_helen [460, 493)", "undid: ...", "merged theme Luck into
Serendipity (12 codings)"), with the transcripts and themes it is about
(:class:`Described`). Both the workbench (its undo and redo messages,
:meth:`EventWords.short`) and the command line (``qcahp log``: :mod:`qualcoder_ahp.model.audit`,
``qcahp undo``/``redo``) use it, so they say the same thing.

Themes are named by their current name (a renamed theme's old events show the new
name; the ``theme_edit`` that renamed it keeps both), transcripts by ``name`` or
``name@version``. Events merged in from a coder's copy (``qcahp merge``) keep their
original record, in that copy's ids, and since this version the same ids in this
project's terms (``local``): they are described as the events made here are, with
the copy they came from. One merged by an earlier version has only the copy's ids:
its accept or hand coding is found by the coding the merge copied (same coder, made
at the event's time; :meth:`EventWords._placed`), and anything else is described
without this project's suggestions and codings rather than with the wrong ones.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from qualcoder_ahp.model.event_lookups import EventLookups
from qualcoder_ahp.model.framework_store import parse_cell
from qualcoder_ahp.records import plural

FIELD_WORDS = {"name": "name", "description": "definition", "color": "colour",
               "inclusion": "inclusion criteria", "exclusion": "exclusion criteria",
               "examples": "examples"}
"""A ``theme_edit`` field as the codebook screen and ``edit-theme`` call it."""

def file_name(value: Any) -> Any:
    """A file an event names (a merged copy, a REFI-QDA file) by its name alone: the log
    is exported and shared, and the path held the researcher's login (/home/jsmith/...)
    or a participant's folder."""
    if not isinstance(value, str) or not value:
        return value
    return value.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or value  # (Windows too)


CODED_HOW = {"manual": "coded by hand", "imported": "imported coding (qcahp codings import)",
             "consensus": "coded into the consensus"}
"""How a ``code`` event's coding was made, by its origin, in the log's words."""

_FOREIGN = {"accept": "accepted a suggestion", "adjust": "accepted a suggestion with an "
            "adjusted span", "reject": "rejected a suggestion", "code": "coded by hand",
            "remove": "removed a coding", "undo": "undid a decision",
            "redo": "redid a decision", "reconcile": "reconciled a disagreement",
            "refi_import": "imported a REFI-QDA project", "redact": "redacted a transcript",
            "merge": "merged in a copy", "withdraw": "withdrew transcripts",
            "withdrawn": "(an event removed by a withdrawal)",
            "coder_rename": "renamed a coder", "coder_join": "joined two coders",
            # Merged by an earlier version, which did not make a copy's speaker changes
            # here (a merge now does, and its event says so: _speaker_here).
            "speaker_rename": "renamed a speaker in that copy (not applied here)",
            "speaker_role": "changed a speaker's role in that copy (not applied here)",
            "transcript_rename": "renamed a transcript in that copy (not applied here: "
                                 "qcahp transcripts rename)"}
"""What a merged-in event did, when its ids (the other copy's) cannot be looked up here."""


@dataclass
class Described:
    """One event in words, with the transcripts and themes it is about."""

    what: str
    transcript_ids: list[int] = field(default_factory=list)
    theme_ids: list[str] = field(default_factory=list)


class EventWords(EventLookups):
    """Says what events did, looking up themes, transcripts, suggestions and codings
    (:class:`~qualcoder_ahp.model.event_lookups.EventLookups`).

    Make one per report or message: it reads the codebook and transcripts once and the
    suggestions, codings and events it needs as it goes.
    """

    # ------------------------------------------------------------------ the workbench
    def short(self, event: dict[str, Any]) -> str:
        """An undone or redone decision in the workbench's few words: "accept (Winding
        route)", "memo on the coding", "theme merge (Luck into Serendipity)", "move
        (Serendipity)" (a theme moved in the tree).

        A memo is named by what it is on (coding, theme or transcript), read from its
        change (it used to say "Undone: coding").
        """
        if event.get("kind") == "theme_merge":  # it moves memos too: not "memo on the theme"
            into = self.themes.get(str(event.get("into")))
            merged = self.themes.get(str(event.get("theme_id")))
            if into is not None and merged is not None:
                return f"theme merge ({merged.name} into {into.name})"
            return "theme merge"
        changes = event.get("changes")
        if event.get("kind") == "undo_group" and event.get("source") == "word":
            return f"import from Word ({_word_counts(changes)})"
        memo = next((c for c in changes if isinstance(c, dict) and c.get("op") == "memo"),
                    None) if isinstance(changes, list) else None
        if memo is not None and memo.get("kind") == "cell":
            cell = parse_cell(memo.get("target"))
            return ("framework summary" + (f" ({cell[1]}, {self.theme_name(cell[2])})"
                                           if cell else ""))
        if memo is not None:
            return f"memo on the {memo.get('kind')}"
        kind = str(event.get("kind"))
        what = {"adjust": "accept with an adjusted span", "theme_add": "new theme",
                "theme_edit": "theme edit", "theme_retire": "theme retired",
                "theme_restore": "theme restored"}.get(kind, kind)
        if kind == "theme_edit" and isinstance(changes, list) and changes and all(
                isinstance(c, dict) and c.get("field") == "parent_id" for c in changes):
            what = "move"  # f on the codebook screen: a move in the tree, not an edit
        if kind == "undo_group":  # the codings of every hit of a search (qcahp search --code)
            n = len(changes) if isinstance(changes, list) else 0
            what = f"coding of {n} sentence{'' if n == 1 else 's'} found by search"
        theme_id = event.get("theme_id")
        if theme_id is None and event.get("suggestion_id") is not None:
            sug = self.suggestion(event["suggestion_id"])
            theme_id = sug.theme_id if sug is not None else None
        coding = self.coding(event.get("coding_id"))
        if theme_id is None and coding is not None:
            theme_id = coding.theme_id
        theme = self.themes.get(str(theme_id)) if theme_id is not None else None
        return f"{what} ({theme.name})" if theme is not None else what

    # ------------------------------------------------------------------ the audit trail
    def describe(self, event: dict[str, Any]) -> Described:
        """What an event did, in words, and which transcripts and themes it is about.

        Args:
            event: an event as :meth:`Store.events` (or :meth:`Store.undo`) gives it: its
                payload's keys plus ``id`` and ``kind``.
        """
        kind = str(event.get("kind"))
        try:
            method = getattr(self, f"_{kind}", None)
            if method is not None:
                described: Described = method(event)
                return described
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # a record of an older or damaged form: say what kind it was, at least
        return Described(kind.replace("_", " "))

    def undo_words(self, target: dict[str, Any], step: str) -> Described:
        """``undid: <target in words>`` (``step`` ``undo``) or ``redid: ...``."""
        inner = self.describe(target)
        verb = "undid" if step == "undo" else "redid"
        return Described(f"{verb}: {inner.what}", inner.transcript_ids, inner.theme_ids)

    def _suggestion_event(self, event: dict[str, Any], verb: str,
                          made_id: int | None = None) -> Described:
        sid = event["suggestion_id"]
        sug = self.suggestion(sid)
        if sug is None:
            return Described(f"{verb} suggestion {sid} (no longer in the project)")
        text = (f"{verb} suggestion {sid} ({self.theme_name(sug.theme_id)}) on "
                f"{self.where(sug.transcript_id, sug.start, sug.end)}")
        if event.get("kind") == "adjust":
            made = self.coding(made_id if made_id is not None else _made_coding(event))
            if made is not None:
                text += f" with the span adjusted to [{made.start}, {made.end})"
        return Described(text, [sug.transcript_id], [sug.theme_id])

    def _accept(self, event: dict[str, Any]) -> Described:
        return self._suggestion_event(event, "accepted")

    def _adjust(self, event: dict[str, Any]) -> Described:
        return self._suggestion_event(event, "accepted")

    def _reject(self, event: dict[str, Any]) -> Described:
        return self._suggestion_event(event, "rejected")

    def _code(self, event: dict[str, Any]) -> Described:
        coding = self.coding(_made_coding(event))
        theme_id = str(event.get("theme_id") or (coding.theme_id if coding else ""))
        if coding is None:
            return Described(f"coded {self.theme_name(theme_id)}", [], [theme_id])
        how = CODED_HOW.get(coding.origin) or f"coded ({coding.origin})"
        return Described(f"{how}: {self.theme_name(coding.theme_id)} on "
                         f"{self.where(coding.transcript_id, coding.start, coding.end)}",
                         [coding.transcript_id], [coding.theme_id])

    def _remove(self, event: dict[str, Any]) -> Described:
        cid = event["coding_id"]
        coding = self.coding(cid)
        if coding is None:
            return Described(f"removed coding {cid}")
        return Described(f"removed coding {cid} ({self.theme_name(coding.theme_id)}) on "
                         f"{self.where(coding.transcript_id, coding.start, coding.end)}",
                         [coding.transcript_id], [coding.theme_id])

    def _memo(self, event: dict[str, Any]) -> Described:
        change = next(c for c in event["changes"] if c.get("op") == "memo")
        verb = _memo_verb(change)
        kind, target = change["kind"], change["target"]
        if kind == "cell":
            said = self._cell_summary(verb, target)
            was = parse_cell(event.get("moved_from"))
            now = parse_cell(target)
            if was is not None and now is not None and not event.get("coder"):
                # Logged for whoever gave its transcripts to another participant (since
                # session 21), not for the coder whose summary it is.
                by = f", by {event['by']}" if event.get("by") else ""
                said.what = (f"moved {self._coder_name(change)}'s framework summary of "
                             f"{was[0]} {was[1]} on {self.theme_name(now[2])} to {now[0]} "
                             f"{now[1]}, whose transcripts went there (qcahp participants "
                             f"assign{by})")
            elif was is not None:  # its transcripts went to another participant
                said.what += f" (moved from {was[0]} {was[1]}, whose transcripts went there)"
            return said
        if kind == "theme":
            return Described(f"{verb} the memo on theme {self.theme_name(target)}", [],
                             [target])
        if kind == "transcript":
            tid = int(target)
            return Described(f"{verb} the memo on transcript "
                             f"{self.transcripts.get(tid, target)}", [tid])
        coding = self.coding(int(target))
        if coding is None:
            return Described(f"{verb} the memo on coding {target}")
        return Described(f"{verb} the memo on coding {target} "
                         f"({self.theme_name(coding.theme_id)}) on "
                         f"{self.where(coding.transcript_id, coding.start, coding.end)}",
                         [coding.transcript_id], [coding.theme_id])

    def _coder_name(self, change: dict[str, Any]) -> str:
        """The name of the coder whose memo a change is (``coder_id``): ``a coder`` when
        it names none or one that is gone."""
        row = self.store.conn.execute("SELECT name FROM coders WHERE id = ?",
                                      [change.get("coder_id")]).fetchone()
        return str(row[0]) if row else "a coder"

    def _cell_summary(self, verb: str, target: object) -> Described:
        """``wrote the framework summary of participant p07 on Serendipity``: a cell
        summary (``qcahp framework summarise``), about the case's transcripts."""
        cell = parse_cell(target)
        if cell is None:
            return Described(f"{verb} a framework summary")
        kind, name, theme_id = cell
        cases = self.__dict__.get("_cases")
        if cases is None:  # read once, for a log of many summaries
            cases = self.__dict__["_cases"] = {
                c.key: list(c.transcripts) for c in self.store.framework_cases()}
        return Described(f"{verb} the framework summary of {kind} {name} on "
                         f"{self.theme_name(theme_id)}", cases.get(f"{kind}:{name}", []),
                         [theme_id])

    def _undo(self, event: dict[str, Any]) -> Described:
        return self._step(event, "undo")

    def _redo(self, event: dict[str, Any]) -> Described:
        return self._step(event, "redo")

    def _step(self, event: dict[str, Any], step: str) -> Described:
        target = self.event(event["target"])
        if target is None:
            return Described(f"{'undid' if step == 'undo' else 'redid'} event "
                             f"{event['target']}")
        return self.undo_words(target, step)

    def _undo_group(self, event: dict[str, Any]) -> Described:
        if event.get("source") == "word":  # qcahp codings import FILE.docx
            tids = [int(t) for t in event.get("transcript_ids", [])]
            on = f" on {self.transcripts.get(tids[0], tids[0])}" if len(tids) == 1 else ""
            return Described(f"imported {_word_counts(event['changes'])} from the Word "
                             f"comments of {event.get('file')}{on}", tids,
                             [str(t) for t in event.get("theme_ids", [])])
        n = sum(1 for c in event["changes"] if c.get("op") == "coding")
        theme_id = str(event["theme_id"])
        search = f" {event['search']}" if event.get("search") else ""
        how = " found by search" if event.get("source") == "search" else ""
        return Described(f"coded {plural(n, 'sentence')}{how}{search} with "
                         f"{self.theme_name(theme_id)}",
                         [int(t) for t in event.get("transcript_ids", [])], [theme_id])

    def _reconcile(self, event: dict[str, Any]) -> Described:
        theme_id = str(event["theme_id"])
        rule = str(event["rule"]) + (f" {event['taken_from']}" if event.get("taken_from")
                                     else "")
        made = len(event.get("coding_ids") or [])
        result = plural(made, "consensus coding") if made else "no coding (rejected)"
        by = f", decided by {event['decided_by']}" if event.get("decided_by") else ""
        compared = ", ".join(event.get("compared") or [])
        return Described(
            f"reconciled {self.theme_name(theme_id)} on "
            f"{self.where(event['transcript_id'], event['start'], event['end'])}"
            f" ({compared}): {rule}, {result}{by}",
            [int(event["transcript_id"])], [theme_id])

    def _theme_add(self, event: dict[str, Any]) -> Described:
        theme_id = str(event["theme_id"])
        parent = event.get("parent_id")
        under = f" under {self.theme_name(parent)}" if parent else ""
        return Described(f"added theme {event.get('name') or self.theme_name(theme_id)} "
                         f"({theme_id}){under}", [], [theme_id])

    def _theme_edit(self, event: dict[str, Any]) -> Described:
        theme_id = str(event["theme_id"])
        parts = []
        for change in event["changes"]:
            if change.get("op") != "theme_field":
                continue
            if change["field"] == "name":
                parts.append(f"renamed theme {change['before']} to {change['after']}")
            elif change["field"] == "color":
                parts.append(f"changed the colour of theme {self.theme_name(theme_id)} from "
                             f"{change['before'] or 'none'} to {change['after']}")
            elif change["field"] == "parent_id":
                def place(parent: str | None) -> str:
                    return f"under {self.theme_name(parent)}" if parent else "the top level"

                parts.append(f"moved theme {self.theme_name(theme_id)} from "
                             f"{place(change['before'])} to {place(change['after'])}")
            else:
                shown = FIELD_WORDS.get(change["field"], change["field"])
                parts.append(f"rewrote the {shown} of theme {self.theme_name(theme_id)}")
        return Described("; ".join(parts) or f"edited theme {self.theme_name(theme_id)}", [],
                         [theme_id])

    def _theme_retire(self, event: dict[str, Any]) -> Described:
        theme_id = str(event["theme_id"])
        from qualcoder_ahp.model.codebook_store import codings_kept

        counts = [codings_kept(int(event.get("codings", 0)))]
        if event.get("suggestions"):
            counts.append(f"{plural(int(event['suggestions']), 'open suggestion')} retired")
        return Described(f"retired theme {self.theme_name(theme_id)} ({theme_id}; "
                         f"{', '.join(counts)})", [], [theme_id])

    def _theme_restore(self, event: dict[str, Any]) -> Described:
        theme_id = str(event["theme_id"])
        again = (f"; {plural(int(event['suggestions']), 'suggestion')} open again"
                 if event.get("suggestions") else "")
        return Described(f"restored theme {self.theme_name(theme_id)} ({theme_id}{again})",
                         [], [theme_id])

    def _theme_merge(self, event: dict[str, Any]) -> Described:
        source, into = str(event["theme_id"]), str(event["into"])
        # In the words of `codebook merge-theme`: "3 codings moved, 1 already there" (the
        # log said "4 codings", the codings the target already had over the span counted
        # as moved).
        counts = [f"{plural(int(event.get('moved', 0)), 'coding')} moved"]
        if event.get("joined"):
            counts.append(f"{int(event['joined']):,} already there")
        if event.get("memos"):
            counts.append(f"{plural(int(event['memos']), 'memo')} moved")
        return Described(f"merged theme {self.theme_name(source)} into "
                         f"{self.theme_name(into)} ({', '.join(counts)})", [], [source, into])

    def _merge(self, event: dict[str, Any]) -> Described:
        counts = _counted(event, (
            ("codings", "new coding"), ("codings_updated", "coding updated"),
            ("decisions", "decision"), ("decisions_undone", "undone decision"),
            ("memos", "memo"), ("themes", "theme"),
            ("coders", "new coder"), ("events", "event")))
        tail = f" ({', '.join(counts)})" if counts else ""
        return Described(f"merged in from copy {file_name(event['source'])}{tail}")

    def _merged(self, event: dict[str, Any]) -> Described:
        source = file_name(event.get("source") or self.merge_source(event["id"]) or "a copy")
        inner = self._merged_inner(event)
        # A coding the merge could not re-anchor onto this project's text stayed out,
        # and so did a memo on it.
        whose = "its coding's" if event.get("original_kind") == "memo" else "its"
        out = (f" \u2014 not brought in: {whose} words are not in this project's text"
               if event.get("left_out") else "")
        return Described(f"merged in from copy {source}: {inner.what}{out}",
                         inner.transcript_ids, inner.theme_ids)

    def _merged_inner(self, event: dict[str, Any]) -> Described:
        """What a merged-in event did in its copy (its ids are that copy's, except the
        ``local`` ones the merge translated)."""
        kind = str(event.get("original_kind"))
        original = event.get("original")
        original = original if isinstance(original, dict) else {}
        local = event.get("local") if isinstance(event.get("local"), dict) else None
        if kind == "reconcile" and local is not None:
            return self._reconcile({**original, **local})
        if kind in LOCAL_KINDS:
            here = local if local is not None else self._placed(event, kind, original)
            if here is not None and _complete(kind, here):
                # This project's ids, stored by the merge (or found for an old one):
                # in the words of an event made here.
                # Only ids of this project: none of the copy's is read in their place.
                mine = {k: v for k, v in original.items() if k not in ID_KEYS}
                return self.describe({**mine, **here, "kind": kind})
        if kind in ("speaker_rename", "speaker_role") and local is not None and isinstance(
                local.get("transcript_id"), int) and isinstance(event.get("here"), dict):
            # Made here too by the merge, or kept out (this project had changed it).
            inner = self.describe({**original, **local, "kind": kind})
            return Described(inner.what + _speaker_here(event["here"]), inner.transcript_ids)
        if kind == "transcript_rename" and local is not None and isinstance(
                local.get("transcript_id"), int) and isinstance(event.get("here"), dict):
            # Made here too by the merge, or kept out (this project named it otherwise).
            inner = self.describe({**original, **local, "kind": kind})
            return Described(inner.what + _rename_here(event["here"]), inner.transcript_ids)
        if kind in ("undo", "redo") and local is not None:
            target = self.event(local.get("target"))
            if target is not None and target.get("kind") == "merged":
                inner = self._merged_inner(target)
                verb = "undid" if kind == "undo" else "redid"
                return Described(f"{verb}: {inner.what}", inner.transcript_ids,
                                 inner.theme_ids)
        decided = self.decided_by_event(event["id"]) if kind in (
            "accept", "adjust", "reject") else None
        if decided is not None:  # the decision it brought in still stands: name it
            verb = "rejected" if kind == "reject" else "accepted"
            return self._suggestion_event({"suggestion_id": decided[0], "kind": kind}, verb,
                                          decided[1])
        if kind == "withdraw":  # counted as a withdrawal here is; a merge withdraws nothing
            inner = self._withdraw(original)
            return Described(f"{inner.what} in that copy (the merge withdrew nothing "
                             "here)")
        if kind == "redact" and original.get("codebook"):  # no transcript's ids
            return Described(self._redact(original).what + " in that copy")
        if kind in ("theme_add", "theme_edit", "theme_merge", "theme_retire", "theme_restore",
                    "merge", "coder_rename", "coder_join"):  # described without the copy's ids
            return self.describe({**original, "kind": kind})
        about = local if local is not None else {}
        if kind == "memo":
            memo = next(c for c in original["changes"] if c.get("op") == "memo")
            theme = ([memo["target"]] if memo["kind"] == "theme" else
                     [str(about["theme_id"])] if about.get("theme_id") else [])
            what = ("a framework summary" if memo["kind"] == "cell" else
                    f"the memo on a {memo['kind']}")
            return Described(f"{_memo_verb(memo)} {what}" + (
                f" ({self.theme_name(theme[0])})" if theme else "") + self._on(about),
                _ids(about), theme)
        if kind == "undo_group" and original.get("source") == "word":
            return Described(f"imported {_word_counts(original.get('changes'))} from the "
                             f"Word comments of {original.get('file')}", [],
                             [str(t) for t in original.get("theme_ids", [])])
        if kind == "undo_group":
            n = sum(1 for c in original.get("changes", []) if c.get("op") == "coding")
            theme_id = str(original["theme_id"])
            return Described(f"coded {plural(n, 'sentence')} found by search with "
                             f"{self.theme_name(theme_id)}", [], [theme_id])
        # A suggestion this project lacks: the merge kept its theme and place here.
        theme_id = original.get("theme_id") or about.get("theme_id")
        words = _FOREIGN.get(kind, kind.replace("_", " "))
        words = f"{words} ({self.theme_name(theme_id)})" if theme_id else words
        return Described(words + self._on(about), _ids(about),
                         [str(theme_id)] if theme_id else [])

    def _on(self, about: dict[str, Any]) -> str:
        """`` on helen [0, 22)`` (or `` on helen`` when its words are not placed here) for
        what a merge kept of a record it did not bring in; ``""`` without a transcript."""
        tid = about.get("transcript_id")
        if not isinstance(tid, int):
            return ""
        span = about.get("span")
        if isinstance(span, list) and len(span) == 2:
            return f" on {self.where(tid, span[0], span[1])}"
        return f" on {self.transcripts.get(tid, str(tid))}"

    def _placed(self, event: dict[str, Any], kind: str,
                original: dict[str, Any]) -> dict[str, Any] | None:
        """This project's ids for a merged accept, adjust or hand coding that an earlier
        version merged without them (its record holds the copy's ids).

        The merge copied the coding the event made, with its coder, theme and creation
        time, which is the event's own time or a moment before it (the same
        transaction). So the coding is the coder's newest one created at most
        :data:`PLACED_WITHIN` seconds before the event, of the right origin (and theme,
        for a hand coding); none found, and the event is described without it.
        """
        if kind not in ("accept", "adjust", "code") or not event.get("coder"):
            return None
        if self._created is None:
            self._created = {}
            for row in self.store.conn.execute(
                    "SELECT k.name, c.created_at, c.id, c.origin, c.theme_id, "
                    "c.transcript_id, c.suggestion_id FROM codings c "
                    "JOIN coders k ON k.id = c.coder_id ORDER BY c.created_at, c.id"):
                self._created.setdefault(row[0], ([], []))
                self._created[row[0]][0].append(row[1])
                self._created[row[0]][1].append(row[1:])
        times, rows = self._created.get(str(event["coder"]), ([], []))
        try:
            at = stored_time(str(event["at"]))
        except (KeyError, ValueError):
            return None
        index = bisect.bisect_right(times, str(event["at"]))
        for created, coding_id, origin, theme_id, tid, sid in reversed(rows[:index]):
            try:
                if (at - stored_time(created)).total_seconds() > PLACED_WITHIN:
                    return None
            except ValueError:
                return None
            made = [{"op": "coding", "id": coding_id, "before": 0, "after": 1}]
            if kind == "code" and origin not in ("suggested", "adjusted") and (
                    theme_id == original.get("theme_id")):
                return {"transcript_id": tid, "changes": made}
            if kind != "code" and origin == ("adjusted" if kind == "adjust" else "suggested") \
                    and sid is not None:
                return {"suggestion_id": sid, "changes": made}
        return None

    def _refi_import(self, event: dict[str, Any]) -> Described:
        made = [c["id"] for c in event["changes"] if c.get("op") == "coding" and c["after"]]
        memos = sum(1 for c in event["changes"] if c.get("op") == "memo")
        codings = [c for c in (self.coding(i) for i in made) if c is not None]
        counts = plural(len(made), "coding") + (f" and {plural(memos, 'memo')}"
                                                  if memos else "")
        return Described(f"imported {counts} from REFI-QDA {file_name(event.get('file'))}",
                         sorted({c.transcript_id for c in codings}),
                         sorted({c.theme_id for c in codings}))

    def _redact(self, event: dict[str, Any]) -> Described:
        n = event.get("replacements")
        count = f" ({plural(int(n), 'replacement')})" if isinstance(n, int) else ""
        if event.get("codebook"):  # the stored codebook's definitions and examples
            return Described(f"redacted names in the codebook{count}")
        tid = int(event["transcript_id"])
        return Described(f"redacted names in transcript {self.transcripts.get(tid, tid)}"
                         f"{count}", [tid])


    def _speaker_undo(self, event: dict[str, Any]) -> Described | None:
        """``undid: renamed speaker ...`` for ``qcahp speakers undo``'s event (the change
        it undid is in its record, so a merged one reads as well)."""
        undid = event.get("undid")
        if not isinstance(undid, dict):
            return None
        inner = self.describe({**undid, "transcript_id": event["transcript_id"]})
        return Described(f"undid: {inner.what}{_from(event)}", inner.transcript_ids)

    def _speaker_rename(self, event: dict[str, Any]) -> Described:
        if (undo := self._speaker_undo(event)) is not None:
            return undo
        tid = int(event["transcript_id"])
        where = self.transcripts.get(tid, tid)
        if event.get("swapped"):
            return Described(f"swapped speakers {event['speaker']!r} and {event['to']!r} in "
                             f"transcript {where} ({plural(int(event['turns']), 'turn')} "
                             f"and {plural(int(event.get('turns_to') or 0), 'turn')})"
                             f"{_from(event)}", [tid])
        into = "joined speaker {speaker!r} into {to!r}" if event.get("joined") \
            else "renamed speaker {speaker!r} to {to!r}"
        role = (f", now {event['role']}" if event.get("role") != event.get("role_was")
                else "")
        return Described(f"{into.format(**event)} in transcript {where} "
                         f"({plural(int(event['turns']), 'turn')}{role}){_from(event)}",
                         [tid])

    def _speaker_role(self, event: dict[str, Any]) -> Described:
        if (undo := self._speaker_undo(event)) is not None:
            return undo
        tid = int(event["transcript_id"])
        return Described(f"made speaker {event['speaker']!r} {event['role']} (was "
                         f"{event['role_was']}) in transcript {self.transcripts.get(tid, tid)} "
                         f"({plural(int(event['turns']), 'turn')}){_from(event)}", [tid])

    def _withdraw(self, event: dict[str, Any]) -> Described:
        # Counted, not named (m014): a participant's id or a transcript's name is often
        # the person's. (A merged-in copy's event from before may still name them.)
        who = event.get("participants") or []
        people = len(who) if isinstance(who, list) and who else int(
            event.get("participant_count") or 0)
        names = plural(people, "participant") if people else "transcripts"
        counts = [plural(int(event.get("versions", 0)), "transcript version"),
                  plural(int(event.get("words", 0)), "word"),
                  plural(sum((event.get("codings") or {}).values()), "coding"),
                  plural(int(event.get("memos", 0)), "memo"),
                  plural(int(event.get("decisions", 0)), "decision")]
        if event.get("examples"):  # the codebook's examples quoted from them
            counts.append(plural(int(event["examples"]), "codebook example"))
        by = f" by {event['by']}" if event.get("by") else ""
        gone = event.get("transcripts")
        transcripts = len(gone) if isinstance(gone, list) else int(
            event.get("transcript_count") or 0)
        if not transcripts:  # a participant whose transcripts had gone already
            return Described(f"withdrew {names}{by}: no transcript left "
                             f"({plural(int(event.get('attributes', 0)), 'attribute')} "
                             "removed)")
        return Described(f"withdrew {names}{by}: {plural(transcripts, 'transcript')}"
                         f" ({', '.join(counts)} removed)")

    def _transcript_rename(self, event: dict[str, Any]) -> Described:
        ids = [int(t) for t in event.get("transcript_ids") or [event["transcript_id"]]]
        versions = f" ({plural(len(ids), 'version')})" if len(ids) > 1 else ""
        by = f" (by {event['by']})" if event.get("by") else ""
        return Described(f"renamed a transcript to {event['to']!r}{versions}{by}"
                         f"{_from(event)}", ids)

    def _coder_rename(self, event: dict[str, Any]) -> Described:
        by = f" (by {event['by']})" if event.get("by") else ""
        return Described(f"renamed coder {event['from']!r} to {event['to']!r}{by}")

    def _coder_join(self, event: dict[str, Any]) -> Described:
        counts = event.get("counts") or {}
        moved = _counted(counts, (("decisions", "decision"), ("codings", "coding"),
                                  ("memos", "memo"), ("events", "event")))
        once = _counted(counts, (("identical_decisions", "identical decision"),
                                 ("identical_codings", "identical coding")))
        parts = [f"{', '.join(moved) or 'nothing'} moved"]
        if once:
            parts.append(f"{' and '.join(once)} kept once")
        if counts.get("memos_joined"):
            parts.append(f"{plural(int(counts['memos_joined']), 'memo')} joined")
        if counts.get("conflicts"):
            parts.append(f"{plural(int(counts['conflicts']), 'decision conflict')}, "
                         "the later decision kept")
        by = f" by {event['by']}" if event.get("by") else ""
        return Described(f"joined coder {event['from']!r} into {event['into']!r}{by}: "
                         + "; ".join(parts))

    def _withdrawn(self, event: dict[str, Any]) -> Described:
        kind = str(event.get("event_kind", "event")).replace("_", " ")
        return Described(f"({kind} on a withdrawn transcript, removed by the withdrawal, "
                         f"event {event.get('withdrawal')})")


LOCAL_KINDS = ("accept", "adjust", "reject", "code", "remove", "memo", "undo_group",
               "refi_import")
"""Merged events described, like events made here, from the ids the merge stored
(``local``: this project's suggestion, coding, transcript and memo target)."""
ID_KEYS = frozenset(("suggestion_id", "coding_id", "transcript_id", "transcript_ids",
                     "changes", "target"))
"""Keys of an event's record that hold ids of its own database."""
PLACED_WITHIN = 2.0
"""Seconds between a coding's creation and the event that made it, at most, for an old
merged event's coding to be found by time (:meth:`EventWords._placed`)."""


def _complete(kind: str, local: dict[str, Any]) -> bool:
    """Whether ``local`` holds what the words of a ``kind`` event need."""
    if kind in ("accept", "adjust", "reject"):
        return "suggestion_id" in local
    if kind == "remove":
        return "coding_id" in local
    if kind == "memo":
        return "changes" in local
    if kind == "undo_group":
        return "changes" in local and "transcript_ids" in local
    return "changes" in local  # code, refi_import: the coding made


def _speaker_here(here: dict[str, Any]) -> str:
    """What became here of a copy's speaker change a merge brought in."""
    if here.get("outcome") == "applied":
        return ", made here too"
    if here.get("outcome") == "same":
        return ", as here already"
    if here.get("role") and here.get("speaker"):
        return f", not made here: {here['speaker']!r} is {here['role']} in this project"
    if here.get("speaker"):
        return f", not made here: this project's {here['speaker']!r} stands"
    return ", not made here: this project's speakers stand"


def _rename_here(here: dict[str, Any]) -> str:
    """What became here of a copy's transcript rename a merge brought in
    (:mod:`~qualcoder_ahp.model.merge_renames`)."""
    if here.get("outcome") == "applied":
        return ", made here too"
    if here.get("outcome") == "same":
        return ", as here already"
    if here.get("name"):
        return f", not made here: this project's name {here['name']!r} stands"
    return ", not made here: this project's name stands"


def _from(event: dict[str, Any]) -> str:
    """``, as in copy ben.db`` for a speaker change a merge applied from a copy, ``, by
    a re-import`` for a role a re-import's ``--interviewer`` set."""
    if event.get("from"):
        return f", as in copy {event['from']}"
    return ", by a re-import" if event.get("via") == "import" else ""


def _ids(about: dict[str, Any]) -> list[int]:
    """The transcript a merge kept for a record it did not bring in, as a list."""
    tid = about.get("transcript_id")
    return [tid] if isinstance(tid, int) else []


def _word_counts(changes: Any) -> str:
    """``3 codings, 1 memo``: what a Word comments import (an ``undo_group``) wrote."""
    ops = [c.get("op") for c in changes if isinstance(c, dict)] if isinstance(
        changes, list) else []
    memos = ops.count("memo")
    return plural(ops.count("coding"), "coding") + (f", {plural(memos, 'memo')}"
                                                    if memos else "")


def _counted(record: dict[str, Any], words: tuple[tuple[str, str], ...]) -> list[str]:
    """``3 codings`` for each ``(key, word)`` of ``words`` that ``record`` counts (not
    zero), in their order."""
    return [plural(int(record[key]), word) for key, word in words if record.get(key)]

def _memo_verb(change: dict[str, Any]) -> str:
    """What a memo change did: wrote (a new memo), edited or cleared it."""
    if change["before"] is None:
        return "wrote"
    return "cleared" if change["after"] is None else "edited"


def _made_coding(event: dict[str, Any]) -> int | None:
    """The coding an accept, adjust or code event made (its change activating it)."""
    for change in event.get("changes", []):
        if change.get("op") == "coding" and change.get("after") == 1:
            return change["id"]
    return None


def stored_time(stamp: str) -> dt.datetime:
    """A stored timestamp as an aware datetime (UTC if it names no zone)."""
    when = dt.datetime.fromisoformat(stamp)
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)


__all__ = ["FIELD_WORDS", "Described", "EventWords", "stored_time"]
