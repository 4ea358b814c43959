"""Store methods that move codings as CSV rows: ``qcahp codings import`` and ``export``.

A mixin of :class:`qualcoder_ahp.model.store.Store`. :meth:`CodingsCsvMixin.import_codings`
reads a file of (transcript, theme, start, end, quote) rows as a spreadsheet may have
saved it, checks every row (the quote against the text) before it stores any, and
stores them in bulk as one coder's ``code`` decisions; :meth:`CodingsCsvMixin.export_codings`
gives the active codings as such rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

CSV_COLUMNS = ("transcript", "theme", "start", "end", "quote")
NEEDED_COLUMNS = ("transcript", "theme", "quote")
"""The columns a codings CSV must have: without ``start`` and ``end`` (or with them empty
in a row) the quote is found in the transcript's text (:func:`find_quote`)."""
MAX_CSV_BYTES = 1024 * 1024 * 1024
"""A codings CSV above this size is refused (a study's file of hundreds of thousands of
rows, each with its quote, is well under it)."""
IMPORT_BATCH = 10_000
"""Imported codings inserted per ``executemany`` (bounds the rows held at once)."""


class CodingsCsvMixin:
    """CSV exchange of codings, methods of :class:`~qualcoder_ahp.model.store.Store`."""

    conn: sqlite3.Connection

    def import_codings(self: Store, path: str | Path, coder: str) -> dict[str, int]:
        """Import codings from a CSV file (transcript, theme, start, end, quote) for ``coder``.

        Every row is checked first (transcript and theme exist, offsets are integers
        inside the text, the quote equals the text there, a ``coder`` column, if the
        file has one, names one coder throughout); the first bad row stops the
        import with an error naming the file and line, and nothing is stored. A row
        the coder already has as an active coding is skipped, so re-importing is safe.

        Returns ``{"imported": n, "already_present": m}``.
        """
        from qualcoder_ahp.reports.writers import csv_unquote

        file = Path(path)
        rows = _read_csv(file)
        checked: list[tuple[int, str, int, int]] = []
        # Looked up once per distinct transcript and theme, not once per row: a study's
        # file holds hundreds of thousands of rows over a few hundred transcripts.
        infos: dict[str, Any] = {}
        themes: dict[str, Any] = {}
        texts: dict[int, str] = {}
        first_coder: tuple[str, int] | None = None
        for line, row in rows:
            where = f"line {line}"
            made_by = (row.get("coder") or "").strip()
            if made_by and first_coder is None:
                first_coder = (made_by, line)
            elif made_by and first_coder is not None and made_by != first_coder[0]:
                # An export of every coder's codings: importing it as one coder would
                # make the others' codings theirs (and hide their disagreements).
                raise UserError(f"{where}: coded by {made_by!r}, line {first_coder[1]} by "
                                f"{first_coder[0]!r}; import one coder's codings at a time "
                                "(`qcahp codings export --coder NAME`)", path=str(file))
            ref = row["transcript"].strip()
            info = infos.get(ref)
            if info is None:
                try:
                    info = infos[ref] = self.transcript(ref)
                except UserError:
                    raise UserError(f"{where}: no transcript {row['transcript']!r} in this "
                                    "project", path=str(file)) from None
            theme = row["theme"].strip()
            if theme not in themes:
                themes[theme] = self.conn.execute("SELECT codable FROM themes WHERE id = ?",
                                                  [theme]).fetchone()
            found = themes[theme]
            if not found or not found[0]:
                what = "no theme" if not found else "folder (not codable) theme"
                raise UserError(f"{where}: {what} {theme!r}", path=str(file))
            text = texts.get(info.id)
            if text is None:
                text = texts[info.id] = self.transcript_text(info.id)
            # An export's quote carries a ' before a text that would start a formula; a
            # file made by hand may hold the text as it is, even one starting with '=.
            quotes = (csv_unquote(row["quote"]), row["quote"])
            given = [(row.get(c) or "").strip() for c in ("start", "end")]
            if not any(given):
                # A coder's spreadsheet of quotes, with no offsets: found in the text.
                start, end = _located(text, quotes, info.label, where, file)
                checked.append((info.id, theme, start, end))
                continue
            try:
                start, end = int(given[0]), int(given[1])
            except (TypeError, ValueError):
                raise UserError(f"{where}: start and end must be whole numbers (or both "
                                "empty, to find the quote in the text)", path=str(file)) from None
            if not 0 <= start < end <= len(text):
                raise UserError(f"{where}: span [{start}, {end}) is outside the transcript "
                                f"(0-{len(text)})", path=str(file))
            if not quotes[1].strip():
                # An empty quote was "does not match the transcript text": say what it is.
                raise UserError(f"{where}: the quote is empty; the text at [{start}, {end}) "
                                f"is {_shown(text[start:end])}: put the coded text in the "
                                "quote column (it is checked against the transcript)",
                                path=str(file))
            if text[start:end] not in quotes:
                spans = find_quote(text, quotes[0])
                hint = (f"; the quote is at [{spans[0][0]}, {spans[0][1]})" if len(spans) == 1
                        else f"; the quote is at {len(spans)} places" if spans else "")
                raise UserError(f"{where}: quote does not match the transcript text at "
                                f"[{start}, {end}) ({text[start:end][:40]!r}...){hint}",
                                path=str(file))
            checked.append((info.id, theme, start, end))
        counts = {"imported": 0, "already_present": 0}
        with self.write():
            self._import_checked(checked, coder, texts, counts)
        return counts

    def _import_checked(self: Store, checked: list[tuple[int, str, int, int]], coder: str,
                        texts: dict[int, str], counts: dict[str, int]) -> None:
        """Store checked rows as ``code`` decisions (call inside :meth:`write`).

        The same rows and events as one :meth:`code` call per row, written in bulk:
        the coder's active codings are read once (instead of a query per row), and
        the codings (inserted active) and their ``code`` events go in two
        ``executemany`` calls, instead of a coding inserted inactive, logged and
        activated in a savepoint per row that also re-read the transcript's text.
        """
        from qualcoder_ahp.model.store import new_guid, now

        have = set(self.conn.execute(
            'SELECT c.transcript_id, c.theme_id, c.start, c."end" FROM codings c '
            "JOIN coders k ON k.id = c.coder_id WHERE k.name = ? AND c.active = 1", [coder]))
        coder_id = self.ensure_coder(coder)
        # Ids as SQLite would assign them (the rowid after the largest; no AUTOINCREMENT,
        # and we hold the write lock), so every row can go in one executemany.
        next_id = int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM codings")
                      .fetchone()[0]) + 1
        rows: list[tuple[Any, ...]] = []
        events: list[tuple[int, str, str, str]] = []
        for tid, theme, start, end in checked:
            key = (tid, theme, start, end)
            if key in have:
                counts["already_present"] += 1
                continue
            have.add(key)
            stamp = now()
            rows.append((next_id, tid, theme, coder_id, start, end, texts[tid][start:end],
                         stamp, new_guid()))
            payload = {"changes": [{"op": "coding", "id": next_id, "before": 0, "after": 1}],
                       "transcript_id": tid, "theme_id": theme}
            events.append((coder_id, stamp, "code", json.dumps(payload, sort_keys=True)))
            next_id += 1
            counts["imported"] += 1
            if len(rows) >= IMPORT_BATCH:
                self._insert_imported(rows, events)
        self._insert_imported(rows, events)

    def _insert_imported(self: Store, rows: list[tuple[Any, ...]],
                         events: list[tuple[int, str, str, str]]) -> None:
        """Insert a batch of imported codings and their events; empties both lists."""
        self.conn.executemany(
            'INSERT INTO codings (id, transcript_id, theme_id, coder_id, start, "end", quote, '
            "origin, suggestion_id, active, created_at, guid) "
            "VALUES (?,?,?,?,?,?,?,'imported',NULL,1,?,?)", rows)
        self.conn.executemany(
            "INSERT INTO events (coder_id, at, kind, payload) VALUES (?, ?, ?, ?)", events)
        rows.clear()
        events.clear()

    def export_codings(self: Store, coder: str | None = None) -> list[dict[str, Any]]:
        """Active codings as CSV rows (transcript, theme, start, end, quote, coder, origin)."""
        if coder is not None:
            self.coder_id(coder)
        names = {t.id: t.label for t in self.transcripts()}
        return [
            {"transcript": names[c.transcript_id], "theme": c.theme_id, "start": c.start,
             "end": c.end, "quote": c.quote, "coder": c.coder, "origin": c.origin}
            for c in self.codings(coder=coder)
        ]


def _read_csv(file: Path) -> Iterable[tuple[int, dict[str, str]]]:
    """Rows of a codings CSV with their line numbers; a clear error if it is unusable.

    Read as a spreadsheet may have saved it: with or without a byte order mark, the
    columns in any order, headings in any case and with stray spaces, separated by
    commas, semicolons (Excel where the decimal mark is a comma) or tabs, and with
    the empty rows a spreadsheet leaves at the end skipped. The ``'`` that ``qcahp
    codings export`` puts before a text that would start a formula ("-p01", "=x") is
    taken off again (:func:`~qualcoder_ahp.reports.writers.csv_unquote`).
    """
    from qualcoder_ahp.importers.normalise import read_text
    from qualcoder_ahp.reports.writers import csv_unquote

    # Decoded as ``participants import`` decodes its CSV (and ``import`` a transcript):
    # UTF-8, UTF-16 or UTF-32 with or without a byte order mark, else Windows-1252; a
    # UTF-16 file from Excel's "Unicode text" was refused as "line 1: not UTF-8".
    raw = read_text(file, max_bytes=MAX_CSV_BYTES)
    first = raw.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    reader = csv.DictReader(io.StringIO(raw, newline=""), delimiter=delimiter)
    try:
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    except csv.Error as exc:
        raise UserError(f"line 1: {exc}", path=str(file)) from None
    reader.fieldnames = header
    named = [h for h in header if h]
    if len(set(named)) != len(named):
        # DictReader kept the last of them: a file with two `start` columns was read
        # by one and failed on a row with a misleading "quote does not match".
        dup = next(h for h in named if named.count(h) > 1)
        raise UserError(f"line 1: the header names column {dup!r} twice", path=str(file))
    if not set(header) & {*CSV_COLUMNS, "coder", "origin"}:
        # Another kind of file (a transcript, a memo, a sheet of other columns) was
        # "missing column(s) transcript, theme, quote", as if a column had been dropped.
        raise UserError(f"line 1 names none of the columns of a codings CSV (it reads "
                        f"{_shown(first)}): a codings CSV starts with the line "
                        f"{','.join(CSV_COLUMNS)}, as `qcahp codings export` writes it",
                        path=str(file))
    missing = [c for c in NEEDED_COLUMNS if c not in header]
    if ("start" in header) != ("end" in header):
        missing.append("end" if "start" in header else "start")
    if missing:
        raise UserError(f"line 1: missing column(s) {', '.join(missing)} (need "
                        f"{', '.join(NEEDED_COLUMNS)}, and start and end unless each quote "
                        "is to be found in the text)", path=str(file))
    rows = []
    last = reader.line_num
    try:
        for row in reader:
            # line_num is where the row ends; a quoted field may span several lines.
            line, last = last + 1, reader.line_num
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue  # an empty row (",,,,"), as spreadsheets leave at the end
            if any(row.get(c) is None for c in CSV_COLUMNS if c in header):
                raise UserError(f"line {line}: too few fields", path=str(file))
            # Without the ' the export put before a text that would start a spreadsheet
            # formula; the quote stays as read (import_codings matches it either way).
            rows.append((line, {k: csv_unquote(v.strip()) if isinstance(v, str)
                                and k != "quote" else v for k, v in row.items()}))
    except csv.Error as exc:
        raise UserError(f"line {reader.line_num}: {exc}", path=str(file)) from None
    if not rows:
        raise UserError("no codings in the file", path=str(file))
    return rows


def _shown(text: str, width: int = 40) -> str:
    """A piece of text on one line, quoted, cut to ``width`` with ``...``."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[:width] + "...")


QUOTE_MARKS = {"'": "['\u2018\u2019]", "\u2018": "['\u2018\u2019]", "\u2019": "['\u2018\u2019]",
               '"': '["\u201c\u201d]', "\u201c": '["\u201c\u201d]', "\u201d": '["\u201c\u201d]'}
"""Each quote mark and the class of the marks it stands for: a quote typed with straight
marks finds the transcript's curly ones, and the other way round."""


SHOWN_LABEL = re.compile(r"(?:\[[\d:.]+\]\s*)?[^\s:][^:\n]{0,60}?"
                         r" \((?:interviewer|participant|other)\):\s+")
"""The start of a turn as ``qcahp show`` prints it, ``[00:01:08] Helen (participant): ``:
copied with a quote, it is not the transcript's text."""


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every place ``quote`` is in ``text``, as ``(start, end)``: any run of white space
    in the quote matches any run in the text (a quote copied from a page or a cell
    breaks lines elsewhere), straight and curly quote marks match each other, and a
    quote starting or ending with a letter or digit starts or ends at a word's edge;
    the quote's own surrounding spaces are left out. Nothing for an empty quote."""
    words = quote.split()
    if not words:
        return []
    pattern = r"\s+".join("".join(QUOTE_MARKS.get(ch) or re.escape(ch) for ch in word)
                          for word in words)
    # Whole words at the ends: the quote "data" is not the start of "database".
    pattern = ((r"(?<!\w)" if words[0][0].isalnum() else "") + pattern
               + (r"(?!\w)" if words[-1][-1].isalnum() else ""))
    return [m.span() for m in re.finditer(pattern, text)]


def _located(text: str, quotes: tuple[str, ...], transcript: str, where: str,
             file: Path) -> tuple[int, int]:
    """The one span of ``text`` holding the row's quote; a :class:`UserError` naming the
    file and line when it is nowhere or in several places."""
    if not quotes[1].strip():
        raise UserError(f"{where}: no quote, and no start and end: give the coded text",
                        path=str(file))
    spans = find_quote(text, quotes[0]) or find_quote(text, quotes[1])
    if not spans:
        label = SHOWN_LABEL.match(quotes[1].strip())
        if label and find_quote(text, quotes[1].strip()[label.end():]):
            # Copied from `qcahp show` with the line's start: the label is not text.
            raise UserError(f"{where}: the quote begins with the speaker label "
                            f"{label.group(0).strip()!r}, which is not in the text: leave it "
                            "out", path=str(file))
        raise UserError(f"{where}: the quote is not in {transcript}'s text (copy it from "
                        f"`qcahp show {transcript}`, or give start and end)", path=str(file))
    if len(spans) > 1:
        places = ", ".join(f"[{a}, {b})" for a, b in spans[:5]) + (
            " ..." if len(spans) > 5 else "")
        raise UserError(f"{where}: the quote is in {transcript}'s text {len(spans)} times "
                        f"({places}): give start and end to say which", path=str(file))
    return spans[0]
