"""Choosing interviews: the transcripts a report covers (NVivo's cases and attributes,
MAXQDA's document sets).

Two filters, the same in every report command:

- ``--transcript NAME`` (repeatable): these transcripts (``name`` is every stored
  version, ``name@2`` one version), resolved as ``qcahp words`` always did, with a
  close-match hint for a typo.
- ``--where ATTR=VALUE`` / ``--where ATTR!=VALUE`` (repeatable), on the participant
  attributes of ``qcahp participants``: the same attribute given twice with ``=`` means
  either value (OR); different attributes must all hold (AND); ``!=`` excludes a value
  (several ``!=`` on one attribute exclude each). Values match ignoring case; an
  attribute is named as ``qcahp participants`` shows it, or as its CSV heading
  (``"Board distance"`` is ``board_distance``).

A transcript without a participant, or whose participant lacks the attribute, has the
value ``(none)`` (the ``(none)`` column of an attribute matrix): ``ATTR=VALUE`` never
matches it and ``ATTR!=VALUE`` always does, so ``=`` and ``!=`` split the project in
two and their figures add up. ``ATTR=(none)`` keeps exactly those transcripts,
``ATTR!=(none)`` the ones with a value.

:func:`select` checks every filter against the project (one-line errors naming the
attributes, or the values that exist, closest first) and returns a :class:`Selection`:
the transcript ids and how to say what was chosen, in a note, an About sheet or JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError, closest
from qualcoder_ahp.reports.data import (
    NO_VALUE,
    attribute_names,
    label_of,
    resolve_attribute,
    value_order,
)

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

NAMES_SHOWN = 10
"""Transcript names listed in a one-line note (the About sheet and JSON list all)."""


@dataclass(frozen=True)
class Condition:
    """One attribute's filter: its value is one of ``equals`` (when any are given) and
    none of ``excludes``. Values as stored (their case from the project)."""

    attribute: str
    equals: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()

    def holds(self, value: str) -> bool:
        """Whether a transcript whose participant has ``value`` (``(none)``) passes."""
        folded = value.casefold()
        if self.equals and folded not in {v.casefold() for v in self.equals}:
            return False
        return folded not in {v.casefold() for v in self.excludes}

    @property
    def label(self) -> str:
        """``profession = Physiotherapist or Paramedic``, ``band != 9``."""
        parts = []
        if self.equals:
            parts.append(f"{self.attribute} = {' or '.join(self.equals)}")
        if self.excludes:
            parts.append(f"{self.attribute} != {' and != '.join(self.excludes)}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Selection:
    """The transcripts a report covers, and the filters that chose them."""

    ids: frozenset[int]
    """The chosen transcripts' ids."""
    names: tuple[str, ...]
    """Their labels, in the project's order: ``name``, or ``name@1``, ``name@2`` for each
    version of an interview imported again
    (:func:`~qualcoder_ahp.reports.data.version_label`)."""
    total: int
    """Interviews in the project (two versions of one are one)."""
    transcripts: tuple[str, ...] = ()
    """The ``--transcript`` names as given."""
    conditions: tuple[Condition, ...] = field(default_factory=tuple)

    @property
    def criteria(self) -> str:
        """The filters in words: ``transcripts t1, t2; profession = physio or SLT``."""
        parts = []
        if self.transcripts:
            parts.append(("transcript " if len(self.transcripts) == 1 else "transcripts ")
                         + ", ".join(self.transcripts))
        parts += [c.label for c in self.conditions]
        return "; ".join(parts)

    @property
    def interviews(self) -> int:
        """How many interviews are chosen: ``t1@1`` and ``t1@2`` are one."""
        return len({_interview(n) for n in self.names})

    @property
    def coverage(self) -> str:
        """``2 of 3 transcripts (t1, t2)`` (the first ten names, then ``...``); each
        interview counted once, its versions named (``2 of 3 transcripts (t1@1, t1@2,
        t2)``)."""
        shown = ", ".join(self.names[:NAMES_SHOWN]) + (
            f", ... ({len(self.names) - NAMES_SHOWN} more)"
            if len(self.names) > NAMES_SHOWN else "")
        noun = "transcript" if self.total == 1 else "transcripts"
        return f"{self.interviews} of {self.total} {noun} ({shown})"

    @property
    def text(self) -> str:
        """The filters and what they kept: ``profession = physio or SLT: 2 of 3
        transcripts (t1, t2)`` (a CSV's ``selection`` column); ``2 of 3 transcripts
        (t1, t2)`` for transcripts named and nothing more."""
        if not self.conditions and set(self.names) == set(self.transcripts):
            return self.coverage
        return f"{self.criteria}: {self.coverage}"

    @property
    def label(self) -> str:
        """The whole selection in one line, for a note under a table or a heading:
        ``Selection: profession = physio or SLT: 2 of 3 transcripts (t1, t2)``."""
        return f"Selection: {self.text}"

    def about(self) -> dict[str, Any]:
        """Rows of an XLSX About sheet."""
        return {"selection": self.criteria, "transcripts selected":
                f"{self.interviews} of {self.total}: {', '.join(self.names)}"}

    def json(self) -> dict[str, Any]:
        """The ``selection`` object of a JSON report."""
        return {"transcript_names": list(self.transcripts),
                "where": [{"attribute": c.attribute, "equals": list(c.equals),
                           "not": list(c.excludes)} for c in self.conditions],
                "transcripts": list(self.names), "of": self.total}


def selection_label(selection: Selection | None) -> str:
    """``selection.label``, or ``""`` when every transcript is covered."""
    return selection.label if selection is not None else ""


def selection_json(selection: Selection | None) -> dict[str, Any] | None:
    """The JSON ``selection`` value: ``null`` when every transcript is covered."""
    return selection.json() if selection is not None else None


def parse_where(text: str) -> tuple[str, bool, str]:
    """``"profession!=Physiotherapist"`` as ``("profession", True, "Physiotherapist")``:
    the attribute, whether it is a ``!=``, and the value (both stripped).

    Raises:
        UserError: no ``=``, or an empty attribute or value.
    """
    at = text.find("=")
    negate = at > 0 and text[at - 1] == "!"
    name = text[:at - 1 if negate else at].strip() if at >= 0 else ""
    value = text[at + 1:].lstrip() if at >= 0 else ""
    if not negate and value.startswith("="):
        # ATTR==VALUE, as R, pandas and SQL users type it: the same as ATTR=VALUE (it
        # looked for the value "=VALUE"). A value of its own starting with "=" is written
        # ATTR===VALUE.
        value = value[1:]
    value = value.strip()
    if not name or not value:
        raise UserError(f"--where {text!r}: give ATTRIBUTE=VALUE or ATTRIBUTE!=VALUE "
                        "(--where profession=Physiotherapist); `qcahp participants` lists "
                        "the attributes and values")
    return name, negate, value


def select(store: Store, transcripts: Sequence[str] = (),
           where: Sequence[str] = ()) -> Selection | None:
    """The transcripts chosen by ``--transcript`` names and ``--where`` filters, or
    ``None`` when neither is given (every transcript, as before).

    Raises:
        UserError: an unknown transcript, attribute or value (naming the ones that
            exist), a malformed ``--where``, or filters that no transcript passes.
    """
    if not transcripts and not where:
        return None
    # A name given twice (`--transcript t1 --transcript t1`, a shell loop) is one name:
    # the selection said "transcripts t1, t1" in every note, CSV row and JSON.
    transcripts = tuple(dict.fromkeys(transcripts))
    from qualcoder_ahp.reports.search import _transcript_rows

    rows = store.report_transcripts()
    chosen = _transcript_rows(store, transcripts) if transcripts else rows
    participants = store.participants()
    conditions = _conditions(participants, rows, where, store.attribute_names())
    value = _values(participants)
    kept = [r for r in chosen if all(c.holds(value(r[3], c.attribute)) for c in conditions)]
    if not kept:
        raise UserError(_nothing_matches(rows, chosen, transcripts, conditions, value))
    labels = label_of(rows)
    return Selection(frozenset(r[0] for r in kept), tuple(labels[r[0]] for r in kept),
                     len({r[1] for r in rows}), tuple(transcripts), tuple(conditions))


def _interview(label: str) -> str:
    """The interview a label names: ``t1`` of ``t1@2``."""
    name, at, version = label.rpartition("@")
    return name if at and version.isdigit() else label


def _values(participants: dict[str, dict[str, str]]) -> Any:
    def value(code: str | None, attribute: str) -> str:
        got = participants.get(code or "", {}).get(attribute) if code else None
        return got if got not in (None, "") else NO_VALUE
    return value


def _conditions(participants: dict[str, dict[str, str]], rows: list[Any],
                where: Iterable[str], order: Sequence[str] = ()) -> list[Condition]:
    """One :class:`Condition` per attribute named, in the order first given (``order``:
    the attributes' as defined, for the names an error lists)."""
    names = attribute_names(participants, order)
    value = _values(participants)
    grouped: dict[str, tuple[list[str], list[str]]] = {}
    for text in where:
        name, negate, wanted = parse_where(text)
        attribute = resolve_attribute(name, names)
        # The values the project's transcripts have (as the matrix's columns), with
        # (none) for transcripts without one; plus any value a participant has.
        known = {value(r[3], attribute) for r in rows} | {
            attrs[attribute] for attrs in participants.values() if attrs.get(attribute)}
        stored = _match_value(attribute, wanted, known)
        equals, excludes = grouped.setdefault(attribute, ([], []))
        target = excludes if negate else equals
        if stored not in target:
            target.append(stored)
    return [Condition(a, tuple(e), tuple(x)) for a, (e, x) in grouped.items()]


def _match_value(attribute: str, wanted: str, known: set[str]) -> str:
    """The stored value ``wanted`` names (ignoring case and surrounding space)."""
    if wanted.casefold() == NO_VALUE:
        return NO_VALUE
    for v in known:
        if v.casefold() == wanted.casefold():
            return v
    values = value_order(v for v in known if v != NO_VALUE)
    near = _closest_first(wanted, values)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    listed = near + [v for v in values if v not in near]
    shown = ", ".join(listed[:15]) + (" ..." if len(listed) > 15 else "")
    none = ", (none)" if NO_VALUE in known else ""
    return _raise(f"no participant has {attribute} {wanted!r}{hint} "
                  f"({attribute} values: {shown}{none})")


def _closest_first(wanted: str, values: list[str]) -> list[str]:
    """The values like ``wanted`` (a typo, a part of the value), most alike first."""
    import difflib

    folded = {v.casefold(): v for v in values}
    key = wanted.casefold()
    near = difflib.get_close_matches(key, list(folded), n=5, cutoff=0.6)
    near += [f for f in folded if key in f and f not in near]  # "physio" for Physiotherapist
    best = closest(key, folded)
    if best and best in near:
        near.remove(best)
        near.insert(0, best)
    return [folded[f] for f in near]


def _raise(message: str) -> Any:
    raise UserError(message)


def _nothing_matches(rows: list[Any], chosen: list[Any], transcripts: Sequence[str],
                     conditions: list[Condition], value: Any) -> str:
    """Why no transcript is left: how many each filter keeps on its own."""
    alone = []
    if transcripts:
        alone.append(f"{', '.join(transcripts)}: {len(chosen)}")
    for c in conditions:
        n = sum(1 for r in rows if c.holds(value(r[3], c.attribute)))
        alone.append(f"{c.label}: {n}")
    what = " and ".join(c.label for c in conditions)
    if transcripts:
        what = f"transcripts {', '.join(transcripts)}" + (f" with {what}" if what else "")
    return (f"no transcript matches {what} (transcripts each filter keeps on its own: "
            f"{'; '.join(alone)})")

