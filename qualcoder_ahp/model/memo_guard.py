"""Undo and redo never overwrite a memo that changed since.

A memo (a coder's memo on a theme, transcript or coding, or a framework cell's summary)
is changed by its coder, and also by others: a theme merge by any coder appends each
coder's memos on the merged theme to theme it went into, and ``qcahp participants
assign`` appends a case's summaries to the cells of the participant its transcripts went
to. An undo puts back the text a memo had before the decision, and a redo the text it
had after: over a memo changed since, that silently threw the later text away (ana's
undo of her summary of P02 deleted the summary of the focus group moved into it).

:func:`check_memos` refuses such a step before anything is applied, in one line naming
the memo, the change since and who made it; the coder changes the memo by hand instead.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.framework_store import parse_cell

if TYPE_CHECKING:
    from qualcoder_ahp.model.event_words import EventWords
    from qualcoder_ahp.model.store import Store


def check_memos(store: Store, target: dict[str, Any], changes: list[dict[str, Any]],
                step: str, coder_id: int) -> None:
    """Refuse to apply ``changes`` (``target``'s, inverted for an undo) when a memo they
    set is no longer as they expect (its ``before``) and applying them would overwrite
    it (it is not already as they leave it).

    Args:
        store: the project, inside the undo's or redo's transaction.
        target: the event undone or redone (its ``id`` and ``kind``).
        changes: the changes about to be applied.
        step: ``undo`` or ``redo``.
        coder_id: whose decision it is (a memo change without a ``coder_id`` is theirs).

    Raises:
        UserError: a memo changed since, saying which, how and by whom.
    """
    for change in changes:
        if change.get("op") != "memo":
            continue
        owner = int(change.get("coder_id", coder_id))
        row = store.conn.execute(
            "SELECT text FROM memos WHERE coder_id = ? AND target_kind = ? AND target_id = ?",
            [owner, change["kind"], change["target"]]).fetchone()
        now = row[0] if row else None
        # As expected, or already as the step leaves it (a summary moved away by
        # participants assign, undoing its writing): nothing is overwritten.
        if now not in (change["before"], change["after"]):
            raise UserError(_refusal(store, target, change, owner, step, coder_id))


def _refusal(store: Store, target: dict[str, Any], change: dict[str, Any], owner: int,
             step: str, coder_id: int) -> str:
    """The one line that says why the step is refused: ``cannot undo event 16 (wrote the
    framework summary of participant P02 on Luck): hana changed the summary since (event
    18: moved ...); undoing would overwrite that, so nothing was undone. ...``."""
    from qualcoder_ahp.model.event_words import EventWords

    words = EventWords(store)
    what = words.describe(dict(target)).what
    summary = change["kind"] == "cell"
    since = _changed_by(store, words, change, owner, int(target["id"]), coder_id)
    own = target.get("kind") == "memo"
    # A memo event's own memo is "the summary"; a theme merge's names whose, and where.
    memo = (("the summary" if summary else "the memo") if own
            else memo_name(words, change, owner, since[0] if since else None))
    changed = (f"{since[0]} changed {memo} since (event {since[1]}: {since[2]})" if since
               else f"{memo} has changed since, by a change the log does not list step by "
                    "step (a qcahp merge of a copy, say)")
    if own or since is None:
        how = "qcahp framework summarise or the workbench" if summary else "in the workbench"
        then = f"Change {'the summary' if summary else 'the memo'} by hand instead ({how})."
    elif since[3]:  # a coder's decision: theirs to undo
        then = f"{since[0]} can undo that first (qcahp undo --coder {since[0]})."
    else:  # participants assign moved it
        then = "Give the transcripts back first (qcahp participants assign)."
    return (f"cannot {step} event {target['id']} ({what}): {changed}; {step}ing would "
            f"overwrite that, so nothing was {step}ne. {then}")


def memo_name(words: EventWords, change: dict[str, Any], owner: int,
              speaker: str | None = None) -> str:
    """``ana's framework summary of participant P02 on Serendipity``, ``ana's memo on
    theme Luck``: the memo a change sets, and whose it is (``their`` when it is the
    ``speaker``'s own)."""
    row = words.store.conn.execute("SELECT name FROM coders WHERE id = ?", [owner]).fetchone()
    whose = ("their" if row and row[0] == speaker else f"{row[0]}'s" if row
             else "a coder's")
    kind, target = change["kind"], change["target"]
    cell = parse_cell(target) if kind == "cell" else None
    if cell is not None:
        return (f"{whose} framework summary of {cell[0]} {cell[1]} on "
                f"{words.theme_name(cell[2])}")
    if kind == "theme":
        return f"{whose} memo on theme {words.theme_name(target)}"
    if kind == "transcript" and str(target).isdecimal():
        return f"{whose} memo on transcript {words.transcripts.get(int(target), target)}"
    return f"{whose} memo on {kind} {target}"


def _changed_by(store: Store, words: EventWords, change: dict[str, Any], owner: int,
                after: int, coder_id: int) -> tuple[str, int, str, bool] | None:
    """The newest logged event after ``after`` that changed this memo, someone else's
    (not ``coder_id``'s) where there is one: the coder's own later changes are on their
    undo stack and undone first, so the change in the way is another's (ana's undo of her
    edit put back what bob's merge had made, and naming it hid the merge). Returns who
    made it, its id, what it did in words and whether it is a coder's decision (not a
    move by ``participants assign``); ``None`` when no event lists the change."""
    rows = store.conn.execute(
        "SELECT e.id, e.coder_id, k.name, e.payload FROM events e "
        "LEFT JOIN coders k ON k.id = e.coder_id WHERE e.id > ? AND instr(e.payload, ?) > 0 "
        "ORDER BY e.id DESC",
        # The target as the payload's JSON holds it (json.dumps, as log_event writes it).
        [after, json.dumps(change["target"])])
    found: list[tuple[str, int, str, bool]] = []
    for event_id, maker, name, payload in rows:
        record = json.loads(payload)
        for other in record.get("changes") or ():
            if (isinstance(other, dict) and other.get("op") == "memo"
                    and other.get("kind") == change["kind"]
                    and other.get("target") == change["target"]
                    and other.get("coder_id", maker) == owner):
                # A summary moved by participants assign is logged for no coder, "by"
                # whoever ran it.
                who = name or record.get("by") or "someone"
                found.append((who, event_id, words.describe(words.event(event_id) or {}).what,
                              name is not None))
                if maker != coder_id:
                    return found[-1]
                break
    return found[0] if found else None


__all__ = ["check_memos", "memo_name"]
