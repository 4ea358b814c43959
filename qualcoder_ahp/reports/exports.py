"""Turn report records into sheets, JSON documents and Word files.

One function per report and shape: ``*_sheets`` feed the table/CSV/Markdown/XLSX
writers, ``*_json`` build the documented JSON (see ``docs/reports.md``),
and :func:`quotes_docx` writes quotes grouped by theme for pasting into a paper.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

from qualcoder_ahp.reports.cooccurrence import Cooccurrence
from qualcoder_ahp.reports.counts import CountsReport, Figures, Matrix
from qualcoder_ahp.reports.data import attribute_names
from qualcoder_ahp.reports.quotes import CodingQuery, Quote, cocoded_line
from qualcoder_ahp.reports.text_table import wrap_cells
from qualcoder_ahp.reports.writers import (
    Paragraphs, Sheet, word_document, word_safe, word_table,
)

FIGURE_COLUMNS = ["codings", "segments", "transcripts", "participants", "words", "chars",
                  "share_pct", "words_pct"]
GROUP_LABEL = {"transcript": "transcript", "participant": "participant", "coder": "coder"}
VIEW_TITLE = {"theme": "Themes", "transcript": "By transcript",
              "participant": "By participant", "coder": "By coder"}


def coder_label(coder: str | None, not_pooled: tuple[str, ...] = ()) -> str:
    """How a coder selection reads in titles; ``not_pooled``: the consensus coders the
    pooled default left out (:attr:`~qualcoder_ahp.reports.data.ReportData.not_pooled`),
    named after "but"."""
    if coder is not None:
        return f"coder {coder}"
    return "all coders" + (f" but {', '.join(not_pooled)}" if not_pooled else "")


def _figure_values(f: Figures) -> list[Any]:
    return [f.codings, f.segments, f.transcripts, f.participants, f.words, f.chars,
            f.share_pct, f.words_pct]


def counts_sheet(report: CountsReport, *, indent: bool = False) -> Sheet:
    """A counts view as one sheet (``indent`` shows the tree in the theme column)."""
    group = GROUP_LABEL.get(report.view)
    columns = ["theme", "path"] + ([group] if group else []) + FIGURE_COLUMNS
    rows = []
    for r in report.rows:
        theme = ("  " * r.depth + r.theme_id) if indent else r.theme_id
        rows.append([theme, r.path] + ([r.group] if group else []) + _figure_values(r.figures))
    view = VIEW_TITLE[report.view]
    kind = "" if report.view == "theme" else f", {view.lower()}"
    return Sheet(view, columns, rows,
                 title=(f"Theme counts{kind} "
                        f"({coder_label(report.coder, report.not_pooled)})"),
                 percent={"share_pct", "words_pct"})


def counts_json(report: CountsReport) -> dict[str, Any]:
    """The JSON document of a counts view."""
    rows = []
    for r in report.rows:
        f = r.figures
        rows.append({
            "theme_id": r.theme_id, "path": r.path, "depth": r.depth, "group": r.group,
            "codings": f.codings, "segments": f.segments, "transcripts": f.transcripts,
            "participants": f.participants, "words": f.words, "chars": f.chars,
            "total_words": f.total_words, "total_chars": f.total_chars,
            "share_pct": _round(f.share_pct), "words_pct": _round(f.words_pct),
        })
    return {"report": "counts", "view": report.view, "coder": report.coder, "rows": rows}


def matrix_sheets(matrix: Matrix, *, indent: bool = False) -> list[Sheet]:
    """The attribute matrix as three wide sheets: counts, row %, column %."""
    head = ["theme", "path"] + matrix.columns + ["total"]
    who = coder_label(matrix.coder, matrix.not_pooled)
    label = f"{matrix.measure} by {matrix.attribute} ({who})"

    def theme(r: Any) -> str:
        return ("  " * r.depth + r.theme_id) if indent else r.theme_id

    counts = [[theme(r), r.path] + [c.count for c in r.cells] + [r.total] for r in matrix.rows]
    counts.append(["column total", ""] + matrix.column_totals + [matrix.grand_total])
    row_pct = [[theme(r), r.path] + [c.row_pct for c in r.cells]
               + [100.0 if r.total else None] for r in matrix.rows]
    col_pct = [[theme(r), r.path] + [c.col_pct for c in r.cells]
               + [100.0 * r.total / matrix.grand_total if matrix.grand_total else None]
               for r in matrix.rows]
    pct = set(matrix.columns) | {"total"}
    # frozen=1: the theme stays in view while a wide matrix's values scroll (XLSX).
    return [
        Sheet(f"{matrix.attribute} n", head, counts, title=f"Matrix: {label}", totals=1,
              frozen=1),
        Sheet(f"{matrix.attribute} row %", head, row_pct,
              title=f"Row % (of the theme's total): {label}", percent=pct, frozen=1),
        Sheet(f"{matrix.attribute} col %", head, col_pct,
              title=f"Column % (of the column total): {label}", percent=pct, frozen=1),
    ]


def matrix_long_sheet(matrix: Matrix) -> Sheet:
    """The matrix as one long (tidy) table: one row per theme × value, for CSV."""
    rows = [[r.theme_id, r.path, value, c.count, c.row_pct, c.col_pct]
            for r in matrix.rows for value, c in zip(matrix.columns, r.cells, strict=True)]
    return Sheet(matrix.attribute, ["theme", "path", matrix.attribute, matrix.measure,
                                    "row_pct", "col_pct"], rows,
                 percent={"row_pct", "col_pct"})


def matrix_json(matrix: Matrix) -> dict[str, Any]:
    """The JSON document of an attribute matrix."""
    return {
        "report": "matrix", "attribute": matrix.attribute, "measure": matrix.measure,
        "coder": matrix.coder, "columns": matrix.columns,
        "rows": [{
            "theme_id": r.theme_id, "path": r.path, "depth": r.depth, "total": r.total,
            "cells": [{"value": v, "count": c.count, "row_pct": _round(c.row_pct),
                       "col_pct": _round(c.col_pct)}
                      for v, c in zip(matrix.columns, r.cells, strict=True)],
        } for r in matrix.rows],
        "column_totals": dict(zip(matrix.columns, matrix.column_totals, strict=True)),
        "grand_total": matrix.grand_total,
    }


QUOTE_COLUMNS = ["theme", "theme_path", "transcript", "participant"]
QUOTE_TAIL = ["speaker", "turn", "time", "quote", "context", "coder", "origin", "memo", "start",
              "end", "coding_id"]


QUOTE_WITH = ["with", "with_path", "shared"]
"""Columns of a coding query with ``--with`` themes, after the theme path (``shared``
only for ``--near overlap``)."""


def quotes_sheet(quotes: list[Quote], attributes: list[str], *, flat: bool = False,
                 query: CodingQuery | None = None, title: str = "") -> Sheet:
    """Quotes as one sheet, one column per participant attribute.

    ``flat`` puts all attributes in one ``attributes`` column (for Markdown). A
    ``query`` with ``--with`` themes adds :data:`QUOTE_WITH`: the co-coded themes' ids
    and paths and, for ``--near overlap``, the words both cover. ``title`` replaces
    the sheet's title (a query's title names it).
    """
    attr_cols = ["attributes"] if flat else attributes
    extra = [] if query is None or not query.with_ else (
        QUOTE_WITH if query.near == "overlap" else QUOTE_WITH[:2])
    rows = []
    for q in quotes:
        attrs = ([_attr_text(q.attributes)] if flat
                 else [q.attributes.get(a) for a in attributes])
        cocoded = ["; ".join(t for t, _ in q.cocoded), "; ".join(p for _, p in q.cocoded),
                   q.shared][:len(extra)]
        rows.append([q.theme_id, q.theme_path, *cocoded, q.transcript, q.participant, *attrs,
                     q.speaker_label, q.turn, q.time, q.quote, q.context, q.coder, q.origin, q.memo,
                     q.start, q.end, q.coding_id])
    coders = sorted({q.coder for q in quotes})
    who = (f" (coder {coders[0]})" if len(coders) == 1
           else f" (coders {', '.join(coders)})" if coders else "")
    return Sheet("Quotes", QUOTE_COLUMNS[:2] + extra + QUOTE_COLUMNS[2:] + attr_cols
                 + QUOTE_TAIL, rows, title=title or f"Quotes{who}",
                 wrap={"quote", "context", "memo", "shared"})


def _attr_text(attrs: dict[str, str]) -> str:
    """``profession: Physiotherapist; seniority: ...``, in the order the attributes were
    defined (``Store.participants()`` keeps it)."""
    return "; ".join(f"{k}: {v}" for k, v in attrs.items())


def quotes_json(quotes: list[Quote], coder: str | None, theme: str | None,
                query: CodingQuery | None = None) -> dict[str, Any]:
    """The JSON document of a quotes export (of a coding query: its ``query``, and each
    quote's co-coded themes, ``with``, and the words they share, ``shared``)."""
    asked = {"query": query.json()} if query is not None else {}
    with_ = query is not None and bool(query.with_)
    return {
        "report": "quotes", "coder": coder, "theme": theme, **asked,
        "quotes": [{
            "coding_id": q.coding_id, "theme_id": q.theme_id, "theme_path": q.theme_path,
            "transcript": q.transcript, "participant": q.participant,
            "attributes": q.attributes, "speaker": q.speaker, "turn": q.turn,
            **({"last_turn": q.last_turn} if q.last_turn is not None else {}),
            **({"speakers": list(q.speakers)} if q.speakers else {}),
            "time": q.time, "quote": q.quote,
            "context": q.context, "coder": q.coder, "memo": q.memo, "origin": q.origin,
            "start": q.start, "end": q.end,
            **({"with": [{"theme_id": t, "theme_path": p} for t, p in q.cocoded],
                "shared": q.shared} if with_ else {}),
        } for q in quotes],
    }


def attribution(q: Quote) -> str:
    """Where a quote comes from, enough to cite and find it.

    ``P01 (profession: physiotherapist), transcript asha, turn 12 (00:14:05), speaker
    Asha; coder alice, manual`` (the timestamp only when the source had one).
    """
    return f"{_source(q)}; {_coded_by(q)}"


def _coded_by(q: Quote) -> str:
    """``coder ana, suggested``; the agreed coding says so once, not ``coder consensus,
    consensus`` under every quote of a paper's appendix."""
    if q.coder == q.origin:
        return f"{q.coder} coding"
    return f"coder {q.coder}, {q.origin}"


def _source(q: Quote) -> str:
    """Participant, attributes, transcript, turn, time and speaker of a quote.

    A transcript named after its participant (``physio_helen``'s interview ``physio_helen``)
    is named once: ``physio_helen (profession: physio), turn 4``.
    """
    who = q.participant or "no participant"
    if q.attributes:
        who += f" ({_attr_text(q.attributes)})"
    transcript = "" if q.transcript == q.participant else f", transcript {q.transcript}"
    return f"{who}{transcript}{place(q)}"


def place(q: Quote) -> str:
    """``, turn 4 (00:02:10), speaker Helen``; a quote over several turns names them
    all and every speaker: ``, turns 1-2, speakers Interviewer and Helen`` (the words
    of the answer are not the interviewer's)."""
    where = f", {q.turns_label}" if q.turn is not None else ""
    if q.time:
        where += f" ({q.time})"
    if q.speakers:
        return f"{where}, speakers {q.speakers_named}"
    return where + (f", speaker {q.speaker}" if q.speaker else "")


def same_passage(quotes: list[Quote]) -> list[list[Quote]]:
    """Runs of quotes of one theme over exactly the same text (several coders' codings).

    Rows arrive grouped by theme, transcript and offset, so equal passages are adjacent.
    """
    groups: list[list[Quote]] = []
    for q in quotes:
        last = groups[-1][0] if groups else None
        if last is not None and (last.theme_id, last.transcript, last.start, last.end) == (
                q.theme_id, q.transcript, q.start, q.end):
            groups[-1].append(q)
        else:
            groups.append([q])
    return groups


def quotes_docx(quotes: list[Quote], title: str, subtitle: str = "",
                near: str = "overlap", empty: str = "No codings match.") -> bytes:
    """A Word document of quotes grouped by theme: heading, quote, attribution, memo.

    A passage several coders coded identically with a theme is printed once, with
    every coder named (a reader of an appendix wants each quote once); the CSV and
    XLSX keep one row per coding. ``subtitle`` (the transcripts chosen) follows the title.
    A coding query's co-coded themes (:func:`cocoded_line`, ``near`` its unit) follow
    the attribution. Each quote names its participant, transcript, turn and speaker;
    the participants' attributes are given once, in a table at the end
    (:func:`_participants_table`), as :func:`quotes_text` lists them.
    """
    from docx.shared import Pt

    doc = word_document(title)
    body = Paragraphs(doc)
    body.heading(title, 0)
    if subtitle:
        body.add(word_safe(subtitle))
    if not quotes:
        body.add(empty)
    current = None
    for group in same_passage(quotes):
        q = group[0]
        if q.theme_path != current:
            current = q.theme_path
            body.heading(q.theme_path, 1)
        body.add(f"\u201c{word_safe(q.quote.strip())}\u201d", style="Quote")
        para = body.add()
        bare = [dataclasses.replace(other, attributes={}) for other in group]
        run = para.add_run("\u2014 " + word_safe(_group_attribution(bare)))
        run.font.size = Pt(9)
        if q.cocoded:
            run = para.add_run("\n" + word_safe(cocoded_line(q, near)))
            run.font.size = Pt(9)
        for other in group:
            if other.memo:
                who = f" ({other.coder})" if len(group) > 1 else ""
                memo = para.add_run(f"\nMemo{who}: " + word_safe(other.memo))
                memo.italic = True
                memo.font.size = Pt(9)
    _participants_table(doc, quotes)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _participants_table(doc: Any, quotes: list[Quote]) -> None:
    """A "Participants" heading and table at the end of a Word document of quotes: a
    row per participant quoted (the transcripts quoted, then one column per attribute),
    so that the quotes above need not repeat the attributes. Nothing when no
    participant quoted has an attribute."""
    people: dict[str, dict[str, str]] = {}
    transcripts: dict[str, list[str]] = {}
    for q in quotes:
        if q.participant:
            people.setdefault(q.participant, q.attributes)
            names = transcripts.setdefault(q.participant, [])
            if q.transcript not in names:
                names.append(q.transcript)
    names = attribute_names(people)  # in the order defined, as each one's are
    if not names:
        return
    doc.add_heading("Participants", level=1)
    # Sized to the text, the header repeated on each page (writers.word_table).
    word_table(doc, ["participant", "transcripts", *names],
               [[person, ", ".join(sorted(transcripts[person])),
                 *(people[person].get(a, "") for a in names)] for person in sorted(people)])


def quotes_text(quotes: list[Quote], title: str, subtitle: str = "",
                width: int | None = None, near: str = "overlap",
                empty: str = "No codings match.") -> str:
    """Quotes to read on a terminal, laid out as the Word document is: a heading per
    theme, each passage once (indented, in quotation marks) with its attribution and
    memos under it, wrapped to ``width`` terminal cells (``None``: lines whole). Each
    participant's attributes are listed once at the end rather than under every quote.
    A coding query's co-coded themes (``near`` its unit) follow the attribution."""
    def block(text: str, indent: str, rest: str | None = None) -> list[str]:
        if width is None:
            return [indent + text]
        return wrap_cells(text, max(20, width), indent, rest or indent) or [indent]

    lines = block(title, "")
    if subtitle:
        lines += block(subtitle, "")
    if not quotes:
        lines += block(empty, "")
    current = None
    people: dict[str, dict[str, str]] = {}
    for group in same_passage(quotes):
        q = group[0]
        if q.theme_path != current:
            current = q.theme_path
            lines += ["", *block(q.theme_path, ""), "=" * min(len(q.theme_path), width or 80)]
        lines.append("")
        # A quote over several turns keeps a line per turn, as the Word document does:
        # run together, the answer would read as the question's speaker's words.
        said = [" ".join(part.split()) for part in q.quote.strip().split("\n\n")]
        said = [part for part in said if part]
        for i, part in enumerate(said):
            lines += block(("\u201c" if i == 0 else "") + part
                           + ("\u201d" if i == len(said) - 1 else ""), "  ")
        if q.participant and q.attributes:
            people.setdefault(q.participant, q.attributes)
        bare = [dataclasses.replace(other, attributes={}) for other in group]
        lines += block("\u2014 " + _group_attribution(bare), "    ")
        if q.cocoded:
            lines += block(cocoded_line(q, near), "    ", "      ")
        for other in group:
            if other.memo:
                who = f" ({other.coder})" if len(group) > 1 else ""
                lines += block(f"Memo{who}: " + " ".join(other.memo.split()), "    ")
    if people:
        lines += ["", "Participants", "============"]
        for name, attributes in sorted(people.items()):
            lines += block(f"{name}: {_attr_text(attributes)}", "  ", "    ")
    return "\n".join(lines) + "\n"


def _group_attribution(group: list[Quote]) -> str:
    """The attribution of a passage, naming every coder who coded it (and how)."""
    if len(group) == 1:
        return attribution(group[0])
    head = _source(group[0])
    origins = {q.origin for q in group}
    how = (f", {group[0].origin}" if len(origins) == 1
           else " (" + ", ".join(f"{q.coder}: {q.origin}" for q in group) + ")")
    return f"{head}; coders {', '.join(q.coder for q in group)}{how}"



def cooccurrence_sheet(co: Cooccurrence) -> Sheet:
    """The co-occurrence matrix as a sheet (``None`` cells = ancestor/descendant pairs)."""
    rows = [[t, p, *row] for t, p, row in zip(co.theme_ids, co.paths, co.cells, strict=True)]
    return Sheet(f"Co-occurrence {co.unit}", ["theme", "path", *co.theme_ids], rows,
                 title=f"Co-occurrence by {co.unit} ({coder_label(co.coder, co.not_pooled)})",
                 note=COOCCURRENCE_NOTE[co.unit], frozen=1)


COOCCURRENCE_NOTE = {
    "overlap": "Cell: separate stretches of text coded with both themes. Diagonal: the "
               "theme's own segments. Blank: a theme and its own parent or child.",
    "sentence": "Cell: sentences touched by a coding of each theme. Diagonal: sentences "
                "the theme touches. Blank: a theme and its own parent or child.",
    "turn": "Cell: speaker turns touched by a coding of each theme. Diagonal: turns the "
            "theme touches. Blank: a theme and its own parent or child.",
}
"""How to read a co-occurrence table (its blank cells and diagonal are not zeros)."""


def cooccurrence_json(co: Cooccurrence) -> dict[str, Any]:
    """The JSON document of a co-occurrence matrix."""
    return {"report": "cooccurrence", "unit": co.unit, "coder": co.coder,
            "themes": [{"id": t, "path": p} for t, p in zip(co.theme_ids, co.paths, strict=True)],
            "matrix": co.cells}


_FIGURES = {
    "theme": "theme id (stable, from the codebook)",
    "path": "theme names from the top of the codebook tree (Parent / Child)",
    "codings": "codings of the theme or of any theme below it",
    "segments": "distinct coded passages: per transcript, codings merged where they overlap "
                "or touch (a parent over the union of its children)",
    "transcripts": "transcripts with at least one coding of the theme",
    "participants": "distinct participants with at least one coding of the theme",
    "words": "words in the merged passages (overlapping codings count once)",
    "chars": "characters in the merged passages",
    "share_pct": "100 x chars coded / characters of the transcripts in scope (the project, "
                 "or the row's transcript, participant or attribute value)",
    "words_pct": "the same share over words",
    "row %": "attribute sheets: the cell as a share of the theme's row total",
    "col %": "attribute sheets: the cell as a share of the column total (sum of the "
             "top-level rows; for transcripts and participants, the distinct ones coded "
             "with any of them)",
}


def figures_note() -> str:
    """What each column of the theme counts means, in a paragraph under the Markdown
    table (the workbook's About sheet lists them; a counts.md handed round at a team
    meeting said "segments" and "share_pct" with nothing to say what they are)."""
    return ("Columns: " + "; ".join(
        f"{name} \u2014 {_FIGURES[name]}" for name in (
            "codings", "segments", "transcripts", "participants", "words", "chars",
            "share_pct", "words_pct")) + ".")


GLOSSARY: dict[str, dict[str, str]] = {
    "counts": _FIGURES,
    "quotes": {
        "theme": _FIGURES["theme"], "theme_path": _FIGURES["path"],
        "transcript": "transcript name (name@version for a later version)",
        "participant": "participant id; the attribute columns that follow are theirs",
        "speaker": "speaker of the turn the quote starts in (of a quote over several "
                   "speakers' turns: every speaker, 'Interviewer; Helen')",
        "turn": "number of that speaker turn in the transcript (1 = first turn)",
        "time": "that turn's timestamp in the source recording, when it had one",
        "quote": "the coded text, verbatim",
        "context": "the whole sentence(s) the quote touches",
        "coder": "who made the coding ('consensus' = the agreed coding)",
        "origin": "suggested, adjusted (a suggestion with its span changed), manual, "
                  "imported or consensus",
        "memo": "the coder's memo on this coding",
        "start / end": "character offsets of the quote in the stored transcript text "
                       "(half-open)",
        "coding_id": "the coding's id in the project database",
        "with": "a coding query (--with): the ids of the themes coded near the quote "
                "(the themes below a --with theme count as it)",
        "with_path": "those themes' paths",
        "shared": "--near overlap: the words the quote shares with those codings",
    },
    "codebook": {
        "path": _FIGURES["path"],
        "id": _FIGURES["theme"] + "; codings and --theme refer to it",
        "kind": "codable (a theme to code with) or folder (only groups the themes below it); "
                "(retired): no longer in the codebook, but codings of it remain",
        "definition / include / exclude": "the theme's definition and its inclusion and "
                                          "exclusion criteria",
        "examples": "example passages, one per line",
        "patterns / exclusion_patterns": "spaCy patterns that suggest the theme, and those "
                                         "that suppress a suggestion",
        "added_while_coding": "who added the theme while coding, and when (blank: it came "
                              "from a codebook file)",
        "segments": _FIGURES["segments"],
        "transcripts": _FIGURES["transcripts"],
        "participants": _FIGURES["participants"],
        "memos": "the coders' memos on the theme (with --memos)",
    },
    "cooccurrence": {
        "unit overlap": "cell = separate stretches of text coded with both themes; diagonal = "
                   "the theme's segments",
        "unit sentence / turn": "cell = stored sentences (speaker turns) touched by a coding of "
                           "each theme; diagonal = those the theme touches",
        "blank cell": "a theme and its own parent or child (they co-occur by construction)",
        "a cell's passages": "qcahp quotes --theme ROW --with COLUMN --near UNIT lists the "
                             "codings of the row's theme near a coding of the column's",
    },
}
"""What each column means, written under the About sheet of each workbook, so a
workbook passed to a co-author or an examiner explains itself."""


FILE_FIELDS = frozenset({"database", "file"})
"""About-sheet fields that name a file: given by its name alone (:func:`about_sheet`)."""


def about_sheet(items: dict[str, Any]) -> Sheet:
    """A small "About" sheet: what was exported, from where, with which filters.

    For a known ``report`` the definitions of its columns (or units) follow, one
    per row, after a blank row.
    """
    # An unset filter (no --theme) means everything, which a blank cell does not say.
    rows: list[list[Any]] = [[k, "(all)" if v is None else str(v)] for k, v in items.items()]
    # The project's (or codebook's) file name, not its full path: a path can hold the
    # researcher's login (/home/jsmith/...) or a participant's folder name, and the
    # workbook is shared.
    rows = [[k, Path(v).name if k in FILE_FIELDS and v != "(all)" else v] for k, v in rows]
    glossary = GLOSSARY.get(str(items.get("report")), {})
    if glossary:
        rows.append(["", ""])
        prefix = "" if items.get("report") == "cooccurrence" else "column: "
        rows += [[prefix + name, meaning] for name, meaning in glossary.items()]
    return Sheet("About", ["field", "value"], rows, wrap={"value"})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
