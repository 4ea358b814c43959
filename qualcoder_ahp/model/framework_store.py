"""Store methods for the framework matrix: its cases and its cells' summaries.

A mixin of :class:`qualcoder_ahp.model.store.Store`. The Framework Method (Gale et al.
2013; Ritchie and Spencer) charts coded data into a matrix of cases × themes, each cell
holding the researcher's short summary of what that case said about that theme.

- A **case** is a participant, with all their transcripts, or a transcript that has no
  participant, as its own case (every version of an interview imported again is one
  case too). Its key is ``participant:<participant id>`` or ``transcript:<name>``:
  the id and the name a researcher types, which are the same in every coder's copy of
  the project and stay when an interview is imported again as a new version.
- A **cell summary** is one coder's memo on one case and one theme: ``target_kind``
  ``cell`` (migration m007), target ``<case key>|<theme id>``
  (:func:`cell_target`). Being a memo, it is written as one logged ``memo`` event,
  undone and redone as one (``qcahp undo``), named by ``qcahp log``, listed by ``qcahp
  memos --kind cell``, merged from a coder's copy (the case mapped by its transcripts,
  :func:`case_map`) and removed by a withdrawal, from the memos and the log alike, when
  no transcript of its case is left (:func:`cases_gone`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError, closest

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

CASE_KINDS = ("participant", "transcript")


@dataclass(frozen=True)
class Case:
    """One row of the framework matrix."""

    kind: str
    """``participant`` or ``transcript`` (a transcript with no participant)."""
    name: str
    """The participant id, or the transcript's name."""
    transcripts: tuple[int, ...] = ()
    """The ids of its transcripts (every version), in import order."""

    @property
    def key(self) -> str:
        """``participant:p07`` or ``transcript:focus_group``, as cell targets hold it."""
        return f"{self.kind}:{self.name}"

    @property
    def label(self) -> str:
        """The case as a reader sees it: the participant id or transcript name."""
        return self.name


def cell_target(case_key: str, theme_id: str) -> str:
    """The memo target of a cell: ``participant:p07|serendipity``."""
    return f"{case_key}|{theme_id}"


def parse_cell(target: object) -> tuple[str, str, str] | None:
    """``(case kind, case name, theme id)`` of a cell target, or ``None`` if it is not
    one. Split at the last ``|`` (a theme id never holds one; a name may)."""
    if not isinstance(target, str):
        return None
    case, bar, theme = target.rpartition("|")
    kind, colon, name = case.partition(":")
    if not (bar and colon and theme and name) or kind not in CASE_KINDS:
        return None
    return kind, name, theme


def case_key_of(target: object) -> str | None:
    """The case key of a cell target (``participant:p07``), or ``None``."""
    parsed = parse_cell(target)
    return f"{parsed[0]}:{parsed[1]}" if parsed else None


def read_cases(conn: sqlite3.Connection) -> list[Case]:
    """Every case of the database behind ``conn``: participants with transcripts (by
    id), then transcripts without a participant (by name), in natural order."""
    groups: dict[tuple[str, str], list[int]] = {}
    for tid, name, code in conn.execute(
            "SELECT t.id, t.name, p.code FROM transcripts t LEFT JOIN participants p "
            "ON p.id = t.participant_id ORDER BY t.id"):
        key = ("participant", code) if code else ("transcript", name)
        groups.setdefault(key, []).append(int(tid))
    from qualcoder_ahp.reports.data import value_order

    order = {v: i for i, v in enumerate(value_order(name for _, name in groups))}
    return [Case(kind, name, tuple(ids)) for (kind, name), ids in sorted(
        groups.items(), key=lambda kv: (kv[0][0] != "participant", order[kv[0][1]]))]


def cases_gone(conn: sqlite3.Connection, transcript_ids: set[int]) -> set[str]:
    """The keys of the cases left with no transcript once ``transcript_ids`` go (a
    withdrawal): their cell summaries go with them, from the memos and the log.

    A case keeps its summaries while any of its transcripts stays (a participant who
    withdraws one of two interviews is still in the study).
    """
    out: set[str] = set()
    if not transcript_ids:
        return out
    for case in read_cases(conn):
        if set(case.transcripts) <= transcript_ids:
            out.add(case.key)
    # A transcript's own case, from before it was given to a participant (or after):
    # its summaries name it by its name.
    names: dict[str, set[int]] = {}
    for tid, name in conn.execute("SELECT id, name FROM transcripts"):
        names.setdefault(name, set()).add(int(tid))
    out |= {f"transcript:{n}" for n, ids in names.items() if ids <= transcript_ids}
    return out


def case_map(other: sqlite3.Connection, here: sqlite3.Connection,
             tmap: dict[int, int]) -> dict[str, str]:
    """The other copy's case keys -> this database's, as a merge maps transcripts
    (``tmap``: the copy's transcript ids -> ids here).

    A case maps to the case here that holds the transcripts its transcripts map to,
    when that is one case; a case none of whose transcripts came in (withdrawn here, or
    not in this project) maps to nothing, and its summaries stay out.
    """
    mine = {tid: case.key for case in read_cases(here) for tid in case.transcripts}
    out: dict[str, str] = {}
    for case in read_cases(other):
        found = {mine[tmap[t]] for t in case.transcripts if t in tmap and tmap[t] in mine}
        if len(found) == 1:
            out[case.key] = found.pop()
        elif case.key in found:  # split here: the same id still names it
            out[case.key] = case.key
    return out


def followed_cases(before: list[Case], after: list[Case]) -> dict[str, str]:
    """The cases gone between ``before`` and ``after`` (their transcripts given to
    another participant: ``qcahp participants assign``) -> the one case that now holds
    their transcripts; a case whose transcripts went to several cases maps to nothing."""
    keys = {c.key for c in after}
    now = {t: c.key for c in after for t in c.transcripts}
    out: dict[str, str] = {}
    for case in before:
        found = {now[t] for t in case.transcripts if t in now}
        if case.key not in keys and len(found) == 1:
            out[case.key] = found.pop()
    return out


def map_cell(target: object, cases: dict[str, str]) -> str | None:
    """A copy's cell target in this database's terms, or ``None`` if its case is not
    here."""
    parsed = parse_cell(target)
    if parsed is None:
        return None
    mapped = cases.get(f"{parsed[0]}:{parsed[1]}")
    return cell_target(mapped, parsed[2]) if mapped else None


class FrameworkMixin:
    """Framework matrix methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    def framework_cases(self: Store) -> list[Case]:
        """Every case of the project (:func:`read_cases`)."""
        return read_cases(self.conn)

    def find_case(self: Store, ref: str) -> Case:
        """The case ``ref`` names: a participant id, else a transcript's name (the
        participant's case when the transcript has one); ``participant:ID`` or
        ``transcript:NAME`` to say which.

        Raises:
            UserError: no such case, naming the closest.
        """
        ref = ref.strip()
        cases = self.framework_cases()
        by_key = {c.key: c for c in cases}
        if ref in by_key:
            return by_key[ref]
        kind, colon, rest = ref.partition(":")
        if colon and kind in CASE_KINDS:
            ref = rest.strip()
        else:
            kind = ""
        if kind != "transcript" and f"participant:{ref}" in by_key:
            return by_key[f"participant:{ref}"]
        if kind != "participant":
            name = ref.split("@", 1)[0]
            for case in cases:
                if name in self._case_names(case):
                    return case
        labels = [c.name for c in cases]
        names = sorted({n for c in cases for n in self._case_names(c)} | set(labels))
        close = closest(ref, names)
        hint = f"; did you mean {close!r}?" if close else ""
        shown = ", ".join(labels[:10]) + (" ..." if len(labels) > 10 else "")
        raise UserError(f"no case {ref!r} in this project (a participant id or a transcript "
                        f"name){hint} (cases: {shown or 'none yet'})")

    def _case_names(self: Store, case: Case) -> set[str]:
        if not case.transcripts:
            return set()
        marks = ",".join("?" * len(case.transcripts))
        return {r[0] for r in self.conn.execute(
            f"SELECT name FROM transcripts WHERE id IN ({marks})", case.transcripts)}

    def framework_theme(self: Store, theme_id: str) -> str:
        """``theme_id`` checked to be a codable theme of the codebook (a retired one too:
        its codings stay in reports).

        Raises:
            UserError: an unknown theme (naming the closest) or a folder.
        """
        theme_id = theme_id.strip()
        row = self.conn.execute("SELECT codable FROM themes WHERE id = ?",
                                [theme_id]).fetchone()
        if row is None:
            from qualcoder_ahp.reports.data import unknown_theme

            known = [t.id for t in self.themes() if t.codable]
            raise unknown_theme(theme_id, known, self.merged_into())
        if not row[0]:
            raise UserError(f"theme {theme_id!r} is a folder: the framework matrix has a "
                            "column for each theme in it, not for the folder")
        return theme_id

    def cell_target(self: Store, target: object) -> str:
        """A cell memo's target checked: its case is in the project, its theme codable.

        Raises:
            UserError: not a cell target, or a case or theme that is not here.
        """
        parsed = parse_cell(target)
        if parsed is None:
            raise UserError(f"a framework cell is 'participant:ID|THEME' or "
                            f"'transcript:NAME|THEME', not {target!r}")
        kind, name, theme_id = parsed
        key = f"{kind}:{name}"
        if key not in {c.key for c in self.framework_cases()}:
            raise UserError(f"no case {key!r} in this project to write a summary on")
        return cell_target(key, self.framework_theme(theme_id))

    def follow_cases(self: Store, moves: dict[str, str], *, by: str | None = None) -> int:
        """Move every coder's summaries of each gone case in ``moves`` (case key -> case
        key, :func:`followed_cases`) to the case its transcripts went to, so that no
        summary is left on a case nobody sees: each one logged ``memo`` event, headed
        with the old case's name and appended to the coder's summary of that cell when
        there is one. Call it inside the transaction that moved the transcripts. Returns
        the summaries moved.

        The event is the doing of whoever moved the transcripts (``by``, their login
        name, as a withdrawal records it), not of the summary's coder: it is logged for
        no coder (``qcahp log`` names both), so it is in no coder's undo (a coder's
        ``u`` in the workbench took back a move someone else had made).
        """
        from qualcoder_ahp.model.theme_merge import MemoMoves  # it imports this module

        moved = 0
        memos = MemoMoves(self.conn)
        for coder_id, target, text in self.conn.execute(
                "SELECT coder_id, target_id, text FROM memos WHERE target_kind = 'cell' "
                "ORDER BY coder_id, id").fetchall():
            parsed = parse_cell(target)
            key = case_key_of(target)
            if parsed is None or key not in moves:
                continue
            new = cell_target(moves[key], parsed[2])
            # The summary it lands on first: the event, and the log, are about that cell.
            changes = memos.move(int(coder_id), "cell", target, new, f"{parsed[1]}: {text}")
            changes.reverse()
            self._apply_and_log(None, "memo", changes, {  # type: ignore[arg-type]
                "kind": "cell", "target": new, "moved_from": target, "by": by})
            moved += 1
        return moved

    def cell_summary(self: Store, coder: str, case: Case, theme_id: str) -> str | None:
        """This coder's summary of one cell."""
        return self.memo(coder, "cell", cell_target(case.key, theme_id))

    def set_cell_summary(self: Store, coder: str, case_ref: str, theme_id: str,
                         text: str) -> tuple[Case, str | None, str | None]:
        """Write (or, with empty or blank text, clear) ``coder``'s summary of the cell of
        case ``case_ref`` (:meth:`find_case`) and theme ``theme_id``: one logged ``memo``
        event, committed before this returns.

        Returns:
            The case, and the summary before and after (``None``: none).

        Raises:
            UserError: an unknown case or theme, a folder, or no coder name.
        """
        case = self.find_case(case_ref)
        theme_id = self.framework_theme(theme_id)
        if not coder.strip():
            raise UserError("a summary needs a coder: give --coder NAME")
        target = cell_target(case.key, theme_id)
        after = text if text.strip() else None
        before = self.memo(coder.strip(), "cell", target)
        if before != after:  # the same text again logs nothing
            self.set_memo(coder, "cell", target, text)
        return case, before, after

    def cell_summaries(self: Store, coder: str | None = None
                       ) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
        """Every cell summary, by ``(case key, theme id)``: ``[(coder, text, updated),
        ...]`` in order of the coders' creation; one coder's only, given one."""
        sql = ("SELECT m.target_id, k.name, m.text, m.updated_at FROM memos m "
               "JOIN coders k ON k.id = m.coder_id WHERE m.target_kind = 'cell'")
        args: list[Any] = []
        if coder is not None:
            sql += " AND k.name = ?"
            args.append(coder)
        out: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for target, name, text, updated in self.conn.execute(sql + " ORDER BY k.id", args):
            parsed = parse_cell(target)
            if parsed is not None:
                key = (f"{parsed[0]}:{parsed[1]}", parsed[2])
                out.setdefault(key, []).append((name, text, updated))
        return out


__all__ = ["CASE_KINDS", "Case", "FrameworkMixin", "case_key_of", "case_map", "cases_gone",
           "cell_target", "followed_cases", "map_cell", "parse_cell", "read_cases"]
