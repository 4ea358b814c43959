"""Participant attributes from a CSV file (profession, seniority, trust type...).

The first column is the participant id (the same id transcripts carry: by default
the transcript's file name without extension), headed ``participant`` or the like
(:data:`ID_HEADERS`); every other column is an attribute,
named by its header. Reports use the attributes to build matrices such as theme ×
profession or theme × distance from the trust board. The whole file is checked
before anything is written, so a bad row leaves the project as it was. A participant
withdrawn from the project (``qcahp withdraw``) does not come back with their row
unless readmitted on purpose.

Ids are matched exactly, except that a row whose id differs only in case from one
participant here (``p10`` for ``P10``) is that participant, as withdrawal already
takes it (:func:`~qualcoder_ahp.model.migrations.participant_key`): a study never means
two people by ``p10`` and ``P10``, and the attributes of a stray ``p10`` missed every
report. Two rows whose ids differ only in case are refused, as a repeated id is. An id
that is still new is likely a typo: :func:`likely_ids` names the id it most likely
means (``P10`` for ``P1O``), for the note that says it has no transcript.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers.normalise import read_text
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.reports.writers import csv_unquote

MAX_CSV_BYTES = 5 * 1024 * 1024


ID_HEADERS = frozenset({"participant", "participants", "participant_id", "participant_code",
                        "id", "pid", "code", "case", "case_id", "case_name", "interviewee",
                        "respondent", "respondent_id", "transcript", "transcript_id",
                        "transcript_name", "name"})
"""First-column headings (as :func:`_attribute_name` makes them) that name the
participant id; besides these, any heading that starts with ``participant``,
``respondent``, ``interviewee`` or ``case``, or ends in ``_id`` or ``_code``
(``Participant no.``, ``study_id``), and an empty one."""


def is_id_header(name: str) -> bool:
    """Whether a first column headed ``name`` (snake_case) holds participant ids."""
    return (not name or name in ID_HEADERS
            or name.startswith(("participant", "respondent", "interviewee", "case"))
            or name.endswith(("_id", "_code")))


def _attribute_name(header: str) -> str:
    return re.sub(r"[^\w]+", "_", header.strip().lower()).strip("_")


def read_csv_records(text: str, dialect: type[csv.Dialect] | csv.Dialect, name: str, *,
                     strict: bool = True) -> list[tuple[int, list[str]]]:
    """The CSV records, each with the file line it starts on (blank lines and cells
    over several lines counted, so an error names the line a spreadsheet shows).

    A quote that opens a cell and never closes is refused: read loosely, it swallowed
    the rest of the file into one cell (a participant named ``crlf,physio`` and the
    following rows gone), with no error. Anything else strict reading refuses (a quote
    inside a cell) is read again loosely, as a spreadsheet would.
    """
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text), dialect, strict=strict)
    line = 0
    try:
        for row in reader:
            out.append((line + 1, row))
            line = reader.line_num
    except csv.Error as exc:
        if not strict:
            raise ImportFailed(f"not a valid CSV file ({exc})", path=name) from None
        if "unexpected end of data" in str(exc):
            raise ImportFailed(
                f"line {line + 1} opens a quoted cell (\") that never closes; close the "
                "quote or remove it", path=name) from None
        return read_csv_records(text, dialect, name, strict=False)
    return out


def read_participants_csv(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """Participant id → attributes, read and checked from a CSV file (see
    :func:`read_participants_rows`)."""
    return read_participants_rows(path)[0]


def read_participants_rows(path: str | os.PathLike[str]) -> tuple[
        dict[str, dict[str, str]], dict[str, int], list[str]]:
    """Participant id → attributes, read and checked from a CSV file, each id's line, and
    the attribute names of the header in its order (the attributes' order in the project).

    The delimiter (comma, semicolon or tab) is detected; headers become attribute
    names in ``snake_case`` (``Board distance`` → ``board_distance``); empty cells
    are left out.

    Raises:
        ImportFailed: one line naming the file (and line) and the problem.
    """
    file = Path(path)
    name = str(file)
    if file.suffix.lower() not in (".csv", ".tsv", ".txt"):
        hint = (" (in Excel: File > Save As > CSV UTF-8; in LibreOffice: File > Save As > "
                "Text CSV)" if file.suffix.lower() in (".xlsx", ".xls", ".ods") else "")
        raise ImportFailed(f"participants must be a .csv file{hint}", path=name)
    text = read_text(file, max_bytes=MAX_CSV_BYTES)
    sample = text[:4096]
    try:
        sniffed = csv.Sniffer().sniff(sample, ",;\t")
        delimiter, spaced = sniffed.delimiter, sniffed.skipinitialspace
    except csv.Error:
        delimiter, spaced = ",", False

    # Quoted with " as every spreadsheet does: the sniffer takes the ' that an export
    # puts before "=x" or "-p01" ('-p01,physio,'=x) for a quote character.
    dialect = type("Spreadsheet", (csv.excel,),
                   {"delimiter": delimiter, "skipinitialspace": spaced})
    numbered = read_csv_records(text, dialect, name)
    numbered = [(n, r) for n, r in numbered if any(c.strip() for c in r)]
    rows = [r for _, r in numbered]
    if len(rows) < 2:
        raise ImportFailed("needs a header row and at least one participant row", path=name)
    header = [_attribute_name(h) for h in rows[0]]
    if not is_id_header(header[0]):
        # A file of something else (a header "a,b") made participants of its first
        # column's values, quietly.
        raise ImportFailed(
            f"the first column's heading {rows[0][0].strip()!r} does not name the "
            "participant id: head it 'participant' (or participant_id, id, case), with "
            "ids such as a transcript's file name below", path=name)
    if len(header) == 1:
        # "participant|profession" (a separator the sniffer does not take) was one
        # column: each row became a participant named "P01|physio", with no attributes.
        other = next((c for c in "|:^~#/" if c in rows[0][0]), None)
        hint = (f" (this file seems to separate them with {other!r})" if other else "")
        raise ImportFailed("only one column found: the participant ids need attribute "
                           "columns beside them, separated by commas, semicolons or tabs"
                           + hint, path=name)
    if not header[0]:
        header[0] = "participant"
    if any(not h for h in header[1:]):
        col = next(i for i, h in enumerate(header) if not h) + 1
        raise ImportFailed(f"column {col} of the header has no name", path=name)
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise ImportFailed(f"the header names column {dup!r} twice", path=name)
    out: dict[str, dict[str, str]] = {}
    line_of: dict[str, int] = {}
    lines: dict[str, tuple[int, str]] = {}  # folded id -> its line and id as written
    for line_no, row in numbered[1:]:
        if len(row) > len(header):
            raise ImportFailed(
                f"line {line_no} has {len(row)} cells but the header has {len(header)}",
                path=name,
            )
        # Without the ' a CSV export puts before a text starting with =, +, -, @ (a
        # formula to a spreadsheet): reports.writers.csv_unquote.
        row = [csv_unquote(cell.strip()) for cell in row]
        code = row[0].strip()
        if not code:
            raise ImportFailed(f"line {line_no} has no participant id in the first column",
                               path=name)
        if code in out:
            raise ImportFailed(f"line {line_no} repeats participant {code!r}", path=name)
        first = lines.setdefault(code.casefold(), (line_no, code))
        if first[1] != code:
            raise ImportFailed(
                f"line {line_no} repeats participant {first[1]!r} (line {first[0]}) as "
                f"{code!r}: ids that differ only in case are one participant", path=name)
        out[code] = {
            header[i]: cell.strip() for i, cell in enumerate(row[1:], start=1) if cell.strip()
        }
        line_of[code] = line_no
    return out, line_of, header[1:]


@dataclass
class ParticipantsImport:
    """What :func:`import_participants` did."""

    updated: list[str] = field(default_factory=list)
    """The participant ids whose attributes were set, in file order."""
    withdrawn: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """``(id, withdraw event)`` per row skipped because the participant was withdrawn
    from the project (``qcahp withdraw``)."""
    readmitted: list[str] = field(default_factory=list)
    """Withdrawn participants brought back on purpose (``readmit``)."""
    case_matched: list[tuple[str, str]] = field(default_factory=list)
    """``(id in the file, participant here)`` for each row whose id differs from a
    participant's only in case, whose attributes went to that participant."""


def import_participants(store: Store, path: str | os.PathLike[str], *,
                        readmit: bool = False, keep_new: bool = False) -> ParticipantsImport:
    """Load a participants CSV into the project (one transaction).

    A row of a participant withdrawn from the project (``qcahp withdraw``) is skipped,
    unless ``readmit`` brings them back deliberately; the other rows are imported.

    Raises:
        ImportFailed: in a project with transcripts, a row whose id is no participant of
            the project (no transcript has it, and none was kept before), unless
            ``keep_new`` keeps such ids for transcripts still to come: one line naming
            the file, the first such row's line and id, and the id it likely means;
            nothing is written. (A project with no transcript yet keeps every id.)
    """
    table, line_of, columns = read_participants_rows(path)
    report = ParticipantsImport()
    if not keep_new:
        _refuse_unknown(store, str(path), table, line_of)
    with store.write():
        # The file's columns, left to right, are the attributes' order (a row leaves its
        # empty cells out, so the first row alone may not name every column).
        store.define_attributes(columns)
        here = set(store.participants())
        folded: dict[str, list[str]] = {}
        for known in sorted(here):
            folded.setdefault(known.casefold(), []).append(known)
        for code, attributes in table.items():
            same = folded.get(code.casefold(), [])
            if code not in here and len(same) == 1:
                report.case_matched.append((code, same[0]))
                code = same[0]
            event = store.withdrawn_participant(code)
            if event is not None:
                if not readmit:
                    report.withdrawn.append((code, event))
                    continue
                store.readmit_participant(code)
                report.readmitted.append(code)
            store.ensure_participant(code)
            store.set_participant_attributes(code, attributes)
            report.updated.append(code)
    return report


def _refuse_unknown(store: Store, name: str, table: dict[str, dict[str, str]],
                    line_of: dict[str, int]) -> None:
    """Raise :class:`ImportFailed` for the first row whose id is no participant here.

    An id is known when a transcript belongs to it or it was stored before (kept with
    ``--keep-new``, or given a transcript since); an id that differs from one only in
    case is that one, and a withdrawn participant's row is skipped later, not refused.
    A mistyped id stored anyway was a participant with attributes and no interview, whom
    every report by attribute missed, with only a note on the way.
    """
    here = set(store.participants())
    folded = {k.casefold() for k in here}
    unknown = [code for code in table
               if code not in here and code.casefold() not in folded
               and store.withdrawn_participant(code) is None]
    transcripts = store.transcripts()
    if not unknown or not transcripts:
        return  # (no transcript yet: every id is one still to come, as the note says)
    first = unknown[0]
    # (the transcripts' ids no other row names: P1O means P10 only where no row does)
    rows = {code.casefold() for code in table}
    free = {t.participant for t in transcripts
            if t.participant is not None and t.participant.casefold() not in rows}
    ids = {t.name: t.participant for t in transcripts if t.participant in free}
    ids.update({p: p for p in free})
    why = f" in this project ({did_you_mean(first, ids, bare=True)})"
    more = unknown[1:]
    others = ("; nor " + ("has " if len(more) == 1 else "have ")
              + ", ".join(f"{code} (line {line_of[code]}{_guess(code, ids)})"
                          for code in more[:5])
              + (f" and {len(more) - 5} more" if len(more) > 5 else "")) if more else ""
    raise ImportFailed(
        f"line {line_of[first]}: participant {first!r} has no transcript{why}{others}; "
        "nothing was imported: correct the ids, or add --keep-new to keep participants "
        "whose transcripts are still to come", path=name)


def _guess(code: str, ids: dict[str, str]) -> str:
    """``, did you mean P10?`` for a mistyped id, or nothing."""
    return f", {did_you_mean(code, ids, bare=True)}" if likely_ids(code, ids) else ""


def did_you_mean(code: str, ids: dict[str, str], *, bare: bool = False) -> str:
    """``P1O (did you mean P10?)``, ``helen (did you mean P03, whose transcript is
    helen_int?)``, or the bare id: what a CSV id with no transcript most likely meant
    (:func:`likely_ids`). ``bare``: only the question (``did you mean P10?``), or
    ``the transcripts' ids are ...`` where nothing is near."""
    near = [ids[name] if name == ids[name] else f"{ids[name]}, whose transcript is {name}"
            for name in likely_ids(code, ids)]
    if bare:
        if near:
            return f"did you mean {' or '.join(near)}?"
        have = sorted(set(ids.values()))
        if not have:
            return "every transcript's id has a row already"
        return ("the transcripts' ids without a row are " + ", ".join(have[:6])
                + (" ..." if len(have) > 6 else ""))
    return f"{code} (did you mean {' or '.join(near)}?)" if near else code


_LOOKALIKE = str.maketrans({"o": "0", "i": "1", "l": "1", " ": None, "_": None, "-": None,
                            ".": None})


def likely_ids(code: str, ids: dict[str, str]) -> list[str]:
    """The names among ``ids`` a mistyped ``code`` most likely means, or ``[]``.

    ``ids`` maps each name a researcher may have typed (a participant id, or a
    transcript's name) to the participant id it stands for; one name is returned per
    participant. Tried in turn: the same letters with case, separators and look-alike
    characters aside (``P1O`` and ``p-10`` for ``P10``: O for 0, I or l for 1), the
    closest spelling when one participant's is closer than every other's (``P1`` is as
    near ``P10`` as ``P11``: no guess), then the one participant whose name carries the
    same number (``P2`` for ``p02_zoom``).
    """
    import difflib  # only when an id has no transcript: kept out of start-up

    key = code.casefold().translate(_LOOKALIKE)
    found = [name for name in sorted(ids) if name.casefold().translate(_LOOKALIKE) == key]
    if not found:
        score = {name: difflib.SequenceMatcher(None, code.casefold(), name.casefold()).ratio()
                 for name in ids}
        best = max(score.values(), default=0.0)
        found = [name for name in sorted(ids) if score[name] == best >= 0.6]
        found = found if len({ids[name] for name in found}) == 1 else []
    if not found:
        numbers = {int(n) for n in re.findall(r"\d+", code)}
        hits = [name for name in ids
                if len(numbers) == 1 and numbers & {int(n) for n in re.findall(r"\d+", name)}]
        found = hits if len({ids[name] for name in hits}) == 1 else []
    chosen: dict[str, str] = {}
    for name in sorted(found, key=lambda n: n != ids[n]):  # a participant's own id first
        chosen.setdefault(ids[name], name)
    return list(chosen.values())
