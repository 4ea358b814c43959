"""The framework matrix (the Framework Method's "charting": Gale et al. 2013, BMC Med Res
Methodol 13:117; Ritchie and Spencer; NVivo's framework matrices).

One row per **case** (a participant with all their transcripts, or a transcript with no
participant: :mod:`qualcoder_ahp.model.framework_store`), one column per codable
**theme** in codebook order, and in each **cell** the codings of that case with that
theme (quote, transcript, turn and time, coder) and the researcher's **summary** of what
the case said about the theme (a coder's memo on the cell).

The snapshot is a :class:`~qualcoder_ahp.reports.data.ReportData`: its coder choice
(one coder, the consensus, or every coder), its ``--transcript`` / ``--where``
selection and its quotes (:func:`~qualcoder_ahp.reports.quotes.quotes`) are the other
reports', so the matrix counts what ``qcahp counts`` and ``qcahp quotes`` show. A case
is in the matrix when one of its transcripts is chosen; its codings are those on its
chosen transcripts (every version, labelled ``name@2`` as in quotes).

Cells are shown as ``summary``, ``quotes`` (references to each coded passage), ``both``
(the summary, then the references) or ``count`` (codings); :data:`SUMMARY_MARK` marks a
cell with a summary in the terminal's grid of counts.
"""

from __future__ import annotations

import dataclasses
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qualcoder_ahp.model.framework_store import Case
from qualcoder_ahp.records import plural
from qualcoder_ahp.reports.data import Progress, ReportData, attribute_names
from qualcoder_ahp.reports.quotes import Quote, quotes
from qualcoder_ahp.reports.selection import Selection
from qualcoder_ahp.reports.text_table import (
    cells as cell_width,
    letters,
    to_table,
    wrap_cells,
)
from qualcoder_ahp.reports.writers import (
    Narrowing,
    Sheet,
    md_cell,
    md_text,
    repeat_header,
    word_column_widths,
    word_document,
    word_safe,
)

CELLS = ("both", "summary", "quotes", "count")
"""What a cell shows (``--cells``); files default to ``both``."""
SUMMARY_MARK = "*"
"""After a count in the terminal's grid: the cell has a summary."""
NOT_SUMMARISED = "(not summarised yet)"
"""A file's summary of a cell with codings and no summary (a cell with neither is empty)."""
QUOTE_CUT = 70
"""Characters of a quote kept in a file's cell reference to it (the quotes sheet of an
XLSX and the JSON have it whole; the terminal's ``--cells`` listing shows it whole)."""


@dataclass(frozen=True)
class FrameworkTheme:
    """A column of the matrix."""

    id: str
    name: str
    path: str


@dataclass
class Cell:
    """One case × theme: its codings (as quotes) and its summaries (one per coder)."""

    quotes: list[Quote] = field(default_factory=list)
    """Empty in a matrix charted without quotes (``framework(quoted=False)``)."""
    summaries: list[tuple[str, str, str]] = field(default_factory=list)
    """``(coder, text, updated)``."""
    count: int = 0
    """The codings (``len(quotes)`` when quoted)."""

    def summary_text(self, named: bool) -> str:
        """The summaries, each headed by its coder when ``named`` (several coders)."""
        if not named:
            return "\n\n".join(text for _, text, _ in self.summaries)
        return "\n\n".join(f"{coder}: {text}" for coder, text, _ in self.summaries)

    def references(self, named: bool, whole: bool = False, case: str = "") -> list[str]:
        """One line per coded passage: ``t1, turn 3 (00:02:10): “I fell into…”`` (with
        its coders when ``named``; the quote whole when ``whole``). A passage several
        coders coded alike is one line naming each (``t1, turn 3, ana, ben: …``), as
        the Word quotes print it once: pooled, an appendix listed it once a coder.
        ``case``: the cell's case (its row), whose name a reference does not repeat."""
        passages: dict[tuple[str, int, int], list[Quote]] = {}
        for q in self.quotes:
            passages.setdefault((q.transcript, q.start, q.end), []).append(q)
        return [reference(same[0], named, whole, [q.coder for q in same], case)
                for same in passages.values()]


def reference(q: Quote, named: bool = False, whole: bool = False,
              coders: Sequence[str] = (), case: str = "") -> str:
    """Where a quote is, with its first words: ``t1, turn 3 (00:02:10): “I fell…”``; or
    with all of them (``whole``: the terminal's listing, which wraps it to the width).
    ``named``: its coder after the place, or the ``coders`` of the passage. A transcript
    with its ``case``'s name (``physio_helen``'s interview ``physio_helen``) is named
    once, by the row: ``turn 4: “…”``, as a quote's attribution names it once; it stays
    when the quote has no turn to give instead."""
    parts = [] if q.transcript == case and q.turn is not None else [q.transcript]
    if q.turns_label is not None:
        parts.append(q.turns_label)
    where = ", ".join(parts)
    if q.time:
        where += f" ({q.time})"
    if named:
        where += ", " + ", ".join(dict.fromkeys(coders or [q.coder]))
    text = " ".join(q.quote.split())
    if len(text) > QUOTE_CUT and not whole:
        cut = text[:QUOTE_CUT - 1]
        if " " in cut[QUOTE_CUT // 2:]:  # at a word's end, not inside one
            cut = cut.rsplit(" ", 1)[0]
        text = cut.rstrip(" ,;:") + "\u2026"
    return f"{where}: \u201c{text}\u201d"


@dataclass
class Framework:
    """The matrix: cases × themes, with what was selected."""

    cases: list[Case]
    themes: list[FrameworkTheme]
    cells: dict[tuple[str, str], Cell]
    """By ``(case key, theme id)``; every pair is present."""
    coder: str | None
    """The coder chosen (``None``: every coder)."""
    attributes: dict[str, dict[str, str]]
    """Each participant case's attributes, by case key (transcript cases have none)."""
    attribute_names: list[str]
    selection: Selection | None = None
    transcripts: dict[str, list[str]] = field(default_factory=dict)
    """Each case's chosen transcripts as reports label them (``t1``, ``t1@2``), by case
    key."""

    @property
    def named(self) -> bool:
        """Whether cells name the coder of each summary and coding (every coder pooled)."""
        return self.coder is None

    def cell(self, case: Case, theme_id: str) -> Cell:
        return self.cells[(case.key, theme_id)]

    @property
    def coded_cells(self) -> int:
        return sum(1 for c in self.cells.values() if c.count)

    @property
    def summarised_cells(self) -> int:
        return sum(1 for c in self.cells.values() if c.summaries)


def framework_themes(data: ReportData, theme_ids: Sequence[str] = ()) -> list[str]:
    """The matrix's columns: codable themes in codebook order; with ``theme_ids``, those
    and the codable themes under them (a folder gives its themes). A retired theme is a
    column only while codings of the chosen coder use it (as in every report).

    Raises:
        UserError: an unknown theme (naming the closest), or only folders with no
            codable theme under them.
    """
    if not theme_ids:
        wanted = {t.id for t in data.themes}
    else:
        wanted = set()
        for theme_id in dict.fromkeys(t.strip() for t in theme_ids):
            wanted.update(data.selected_themes(theme_id))
    out = [t.id for t in data.themes if t.codable and t.id in wanted]
    if not out:
        from qualcoder_ahp.errors import UserError

        given = ", ".join(theme_ids) if theme_ids else "the codebook"
        raise UserError(f"no codable theme in {given}: the framework matrix has a column "
                        "for each codable theme")
    return out


def framework(data: ReportData, theme_ids: Sequence[str] = (),
              progress: Progress | None = None, *, quoted: bool = True) -> Framework:
    """The framework matrix of the snapshot's coder and transcripts.

    Args:
        data: the snapshot (its coder and selection apply).
        theme_ids: the columns (``--theme``; folders expand); every codable theme if empty.
        progress: ``progress(done, total)`` over transcripts, while quotes are read.
        quoted: each cell's codings as quotes; ``False``: only their count (a grid of
            counts: the workbench's matrix, ``--cells count``), with no transcript,
            turn or sentence read (at 2M words, 1.6 s of its 2.5 s went on quoting).
            A cell's quotes are then :func:`cell_quotes`.
    """
    columns = framework_themes(data, theme_ids)
    themes = [FrameworkTheme(t, data.theme(t).name, data.path(t)) for t in columns]
    cases = []
    for case in data.store.framework_cases():
        chosen = tuple(t for t in case.transcripts if t in data.transcripts)
        if chosen:
            cases.append(dataclasses.replace(case, transcripts=chosen))
    case_of = {t: c.key for c in cases for t in c.transcripts}
    cells = {(c.key, t.id): Cell() for c in cases for t in themes}
    wanted = set(columns)
    if quoted:
        transcript_of = {c.id: c.transcript_id for c in data.codings}
        # A cell's references never show a quote's context: no sentence is read for it.
        for q in quotes(data, progress=progress, context=False):
            key = case_of.get(transcript_of.get(q.coding_id, -1))
            if key is not None and q.theme_id in wanted:
                cells[(key, q.theme_id)].quotes.append(q)
        for cell in cells.values():
            cell.count = len(cell.quotes)
    else:
        for c in data.codings:
            key = case_of.get(c.transcript_id)
            if key is not None and c.theme_id in wanted:
                cells[(key, c.theme_id)].count += 1
    for (key, theme_id), written in data.store.cell_summaries(data.coder).items():
        if (key, theme_id) in cells:
            cells[(key, theme_id)].summaries.extend(written)
    attributes = {c.key: data.participants.get(c.name, {}) for c in cases
                  if c.kind == "participant"}
    return Framework(cases, themes, cells, data.coder, attributes,
                     attribute_names(attributes, data.attribute_order), data.selection,
                     {c.key: [data.transcripts[t].label for t in c.transcripts]
                      for c in cases})


def cell_quotes(data: ReportData, case: Case, theme_id: str) -> list[Quote]:
    """One cell's quotes, as :func:`framework` puts them in it: ``case``'s codings of
    ``theme_id`` (not the themes below it), by transcript and offset. ``data`` may
    hold only that theme's codings (``ReportData(..., themes=[theme_id])``)."""
    chosen = set(case.transcripts)
    transcript_of = {c.id: c.transcript_id for c in data.codings
                     if c.theme_id == theme_id and c.transcript_id in chosen}
    return [q for q in quotes(data, theme=theme_id, context=False)
            if q.theme_id == theme_id and transcript_of.get(q.coding_id) in chosen]


# ---------------------------------------------------------------------- cells as text
def cell_value(fw: Framework, cell: Cell, mode: str, case: str = "") -> Any:
    """A cell as ``--cells`` asks: the count (a number), or text (``case``: its row's)."""
    if mode == "count":
        return cell.count
    parts = []
    if mode in ("summary", "both") and cell.summaries:
        parts.append(cell.summary_text(fw.named))
    if mode in ("quotes", "both") and cell.quotes:
        parts.append("\n".join(cell.references(fw.named, case=case)))
    return "\n\n".join(parts)


def grid_sheet(fw: Framework, mode: str = "both") -> Sheet:
    """One row per case (its kind and attributes first), one column per theme (headed by
    its name), each cell as ``mode`` says: the matrix of an XLSX file. A name two
    themes share (``Barriers`` under two folders), or an attribute's, heads its column
    with the theme's path: two columns headed alike could not be told apart."""
    taken = Counter(t.name for t in fw.themes) + Counter(
        {n: 1 for n in ("case", "case kind", *fw.attribute_names)})
    names = [t.name if taken[t.name] == 1 else t.path for t in fw.themes]
    rows = [[case.label, case.kind,
             *(fw.attributes.get(case.key, {}).get(n, "") for n in fw.attribute_names),
             *(cell_value(fw, fw.cell(case, t.id), mode, case.label) for t in fw.themes)]
            for case in fw.cases]
    return Sheet("framework", ["case", "case kind", *fw.attribute_names, *names], rows,
                 wrap=set() if mode == "count" else set(names),
                 empty="(none: no transcript is chosen)", frozen=1)


def quotes_long_sheet(fw: Framework) -> Sheet:
    """Every coding of the matrix, one row each: case, theme, where, coder, the quote."""
    rows = []
    for t in fw.themes:
        for case in fw.cases:
            for q in fw.cell(case, t.id).quotes:
                rows.append([case.label, t.id, t.path, q.transcript,
                             q.turn if q.turn is not None else "", q.time or "",
                             q.speaker or "", q.coder, q.quote, q.coding_id])
    return Sheet("quotes", ["case", "theme", "theme path", "transcript", "turn", "time",
                            "speaker", "coder", "quote", "coding"], rows, wrap={"quote"},
                 empty="(none: nothing is coded in the cases chosen)")


def long_sheet(fw: Framework, mode: str = "both") -> Sheet:
    """One row per cell (case × theme): the CSV, which a spreadsheet or R reads as is."""
    rows = []
    for case in fw.cases:
        attrs = fw.attributes.get(case.key, {})
        for t in fw.themes:
            cell = fw.cell(case, t.id)
            rows.append([case.label, case.kind, *(attrs.get(n, "") for n in fw.attribute_names),
                         t.id, t.path, cell.count,
                         cell.summary_text(fw.named) if mode != "quotes" else "",
                         "\n".join(cell.references(fw.named, case=case.label))
                         if mode in ("quotes", "both") else ""])
    return Sheet("framework", ["case", "case kind", *fw.attribute_names, "theme",
                               "theme path", "codings", "summary", "quotes"], rows,
                 wrap={"summary", "quotes"})


def framework_json(fw: Framework) -> dict[str, Any]:
    """Everything: cases with attributes, themes, and every cell's codings and summaries."""
    return {
        "coder": fw.coder,
        "cases": [{"case": c.label, "kind": c.kind,
                   "attributes": fw.attributes.get(c.key, {})} for c in fw.cases],
        "themes": [{"id": t.id, "name": t.name, "path": t.path} for t in fw.themes],
        "cells": [{
            "case": c.label, "theme": t.id, "codings": fw.cell(c, t.id).count,
            "summaries": [{"coder": who, "summary": text, "updated": updated}
                          for who, text, updated in fw.cell(c, t.id).summaries],
            "quotes": [{"coding": q.coding_id, "transcript": q.transcript, "turn": q.turn,
                        "time": q.time, "speaker": q.speaker, "coder": q.coder,
                        "start": q.start, "end": q.end, "quote": q.quote}
                       for q in fw.cell(c, t.id).quotes],
        } for c in fw.cases for t in fw.themes],
    }


def cases_sheet(fw: Framework) -> Sheet | None:
    """The cases, each once: the case, its kind when the matrix has both kinds, its
    transcripts (unless each case is one transcript of its name) and the participant's
    attributes. Word and Markdown give it before the tables by theme, whose rows name
    only the case (an appendix of eight themes repeated every participant's attributes
    eight times). ``None`` when it would add nothing to the case names."""
    named = any(fw.transcripts.get(c.key, [c.label]) != [c.label] for c in fw.cases)
    if not (named or fw.attribute_names):
        return None
    kinds = len({c.kind for c in fw.cases}) > 1
    rows = [[c.label, *([c.kind] if kinds else []),
             # Sorted, as the quotes' participants table lists them (import order is
             # not the reader's, and differs in a copy brought back from REFI-QDA).
             *([", ".join(sorted(fw.transcripts.get(c.key, ())))] if named else []),
             *(fw.attributes.get(c.key, {}).get(n, "") for n in fw.attribute_names)]
            for c in fw.cases]
    what = " and ".join(w for w, shown in (("transcripts", named),
                                            ("attributes", fw.attribute_names)) if shown)
    return Sheet("cases", ["case", *(["kind"] if kinds else []),
                           *(["transcripts"] if named else []), *fw.attribute_names], rows,
                 title="Cases", note=f"Each case once, with its {what}; the tables by theme "
                                     "name the case in each row.")


def theme_sheets(fw: Framework, mode: str = "both") -> list[Sheet]:
    """One table per theme: case | codings | summary (:data:`NOT_SUMMARISED` in a coded
    cell with none) | quotes (Markdown). Who each case is: :func:`cases_sheet`."""
    out = []
    for t in fw.themes:
        columns = ["case", "codings"]
        if mode in ("summary", "both"):
            columns.append("summary")
        if mode in ("quotes", "both"):
            columns.append("quotes")
        rows = []
        for case in fw.cases:
            cell = fw.cell(case, t.id)
            row: list[Any] = [case.label, cell.count]
            if "summary" in columns:
                row.append(cell.summary_text(fw.named) if cell.summaries else
                           NOT_SUMMARISED if cell.count else "")
            if "quotes" in columns:
                row.append("\n".join(cell.references(fw.named, case=case.label)))
            rows.append(row)
        out.append(Sheet(t.id, columns, rows, title=t.path))
    return out


def framework_markdown(fw: Framework, title: str, mode: str = "both") -> str:
    """The cases (:func:`cases_sheet`), then a section per theme with its table of cases
    (a matrix is too wide for a page)."""
    lines = [f"# {md_text(title)}", ""]
    if fw.selection is not None:
        lines += [md_text(fw.selection.label), ""]
    if not fw.cases:
        lines += ["No transcript is chosen.", ""]
    cases = cases_sheet(fw)
    for sheet in ([cases] if cases else []) + (theme_sheets(fw, mode) if fw.cases else []):
        lines += [f"## {md_text(sheet.title)}", "",
                  "| " + " | ".join(md_cell(c) for c in sheet.columns) + " |",
                  "|" + "|".join("---:" if c == "codings" else "---"
                                 for c in sheet.columns) + "|"]
        lines += ["| " + " | ".join(md_cell(str(v)) for v in row) + " |" for row in sheet.rows]
        lines += ["", md_text(sheet.note), ""] if sheet.note else [""]
    return "\n".join(lines)


def framework_docx(fw: Framework, title: str, mode: str = "both") -> bytes:
    """Word, landscape: the cases once (:func:`cases_sheet`: transcripts, attributes),
    then a section per theme, a table case | codings | summary | quotes."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    doc = word_document(title)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    doc.add_heading(word_safe(title), level=0)
    if fw.selection is not None:
        doc.add_paragraph(word_safe(fw.selection.label))
    if not fw.cases:
        doc.add_paragraph("No transcript is chosen.")
    cases = cases_sheet(fw)
    if cases is not None:
        _cases_table(doc, cases)
    for t in fw.themes:
        doc.add_heading(word_safe(t.path), level=1)
        columns = ["Case", "Codings"] + (["Summary"] if mode in ("summary", "both") else []) \
            + (["Quotes"] if mode in ("quotes", "both") else [])
        table = doc.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        table.autofit = False
        widths = _column_widths(columns, section.page_width - section.left_margin
                                - section.right_margin,
                                max((cell_width(c.label) for c in fw.cases), default=0))
        for i, name in enumerate(columns):
            run = table.rows[0].cells[i].paragraphs[0].add_run(name)
            run.bold = True
        repeat_header(table.rows[0])
        for case in fw.cases:
            cell = fw.cell(case, t.id)
            row = table.add_row().cells
            row[0].paragraphs[0].add_run(word_safe(case.label)).bold = True
            row[1].text = str(cell.count)
            k = 2
            if "Summary" in columns:
                if cell.summaries:
                    row[k].text = word_safe(cell.summary_text(fw.named))
                elif cell.count:  # coded, not yet charted: not the same as nothing said
                    run = row[k].paragraphs[0].add_run(NOT_SUMMARISED)
                    run.italic = True
                    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
                k += 1
            if "Quotes" in columns:
                para = row[k].paragraphs[0]
                for n, ref in enumerate(cell.references(fw.named, case=case.label)):
                    run = para.add_run(("\n" if n else "") + word_safe(ref))
                    run.font.size = Pt(9)
        # The table's grid too: a fixed layout (autofit off) takes its columns from it,
        # and LibreOffice always does; the cells' widths alone left four equal columns,
        # the case and its count as wide as the quotes.
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row in table.rows:  # and from its cells, where autofit is on
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _cases_table(doc: Any, sheet: Sheet) -> None:
    """The "Cases" heading, its table (header row bold, repeated on each page) and the
    note that the tables by theme name only the case."""
    from docx.shared import Pt

    doc.add_heading(sheet.title, level=1)
    table = doc.add_table(rows=1, cols=len(sheet.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, sheet.columns, strict=True):
        # Headed as the theme tables are ("Case"); an attribute as the project names it.
        heading = name.capitalize() if name in ("case", "kind", "transcripts") else name
        cell.paragraphs[0].add_run(word_safe(heading)).bold = True
    repeat_header(table.rows[0])
    texts = [[word_safe(str(value)) for value in values] for values in sheet.rows]
    for row in texts:
        for n, (cell, text) in enumerate(zip(table.add_row().cells, row, strict=True)):
            cell.paragraphs[0].add_run(text).bold = n == 0
    # Sized to the text (the case names whole), not five equal columns (or ten narrow
    # ones, with many attributes): in 11 pt, a tenth wider than word_table's 10 pt.
    section = doc.sections[-1]
    room = section.page_width - section.left_margin - section.right_margin
    widths = [int(w * 1.1) for w in word_column_widths(
        [c.capitalize() for c in sheet.columns], texts, int(room / 1.1))]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, widths, strict=True):
            cell.width = width
    note = doc.add_paragraph().add_run(sheet.note)
    note.italic = True
    note.font.size = Pt(9)


def _column_widths(columns: list[str], room: int, longest: int = 12) -> list[int]:
    """The table's column widths (EMU) across the page: case (its name alone: the cases
    table gives its attributes) as wide as its ``longest`` name in bold needs, between
    2.5 and 6 cm (a name has no space for Word to break it at: "paramedic_marcus", some
    3.3 cm of bold Calibri, would not fit a 3.2 cm column less its cell margins), the
    count narrow, the summary and the quotes the rest (the quotes a little wider)."""
    from docx.shared import Cm

    # ~0.21 cm a character in 11 pt bold Calibri, ~0.26 in the serif font LibreOffice
    # puts in its place where Calibri is missing ("radiographer_sam" broke at 0.23).
    case = min(6.0, max(2.5, 0.6 + 0.27 * longest))
    fixed = {"Case": int(Cm(case)), "Codings": int(Cm(2.2))}  # its bold heading whole
    rest = room - sum(fixed.values())
    share = {"Summary": 0.42, "Quotes": 0.58} if "Summary" in columns and \
        "Quotes" in columns else {"Summary": 1.0, "Quotes": 1.0}
    return [fixed.get(c) or int(rest * share[c]) for c in columns]



# ---------------------------------------------------------------------- the terminal

def grid_text(fw: Framework, width: int | None) -> str:
    """The terminal's grid: a row per case, a column per theme, each cell its count of
    codings with :data:`SUMMARY_MARK` where a summary is written. On a terminal too
    narrow for the theme ids the columns are headed A, B, C... with a key under the table,
    then split into groups that each fit, each led by the case."""
    # Counts right-aligned, the mark after them, so the digits line up in a column.
    digits = {t.id: max([len(str(fw.cell(c, t.id).count)) for c in fw.cases] or [1])
              for t in fw.themes}
    marked = {t.id for t in fw.themes if any(fw.cell(c, t.id).summaries for c in fw.cases)}
    rows = [[case.label, *(_grid_cell(fw.cell(case, t.id), digits[t.id], t.id in marked)
                           for t in fw.themes)]
            for case in fw.cases]
    note = (f"Each cell: the case's codings of the theme; {SUMMARY_MARK} a summary is "
            "written" + (" (by any coder)" if fw.named else f" (by {fw.coder})") + ".")
    sheet = Sheet("framework", ["case", *(t.id for t in fw.themes)], rows, note=note,
                  footer=fw.selection.label if fw.selection is not None else "",
                  empty="(none: no transcript is chosen)")
    if width is None:
        return to_table([sheet])
    key = tuple((t.id, letters(i)) for i, t in enumerate(fw.themes))
    text = ""
    for short, lead in (((), ()), (key, ()), (key, ("case",))):
        rules = Narrowing(short=short, lead=lead)
        text = to_table([dataclasses.replace(sheet, narrow=rules)], width=width)
        if max(map(cell_width, text.splitlines())) <= width:
            break
    return text


def _grid_cell(cell: Cell, digits: int, marked: bool) -> str | int:
    """A count, padded to ``digits`` and followed by the mark (or a space) in a column
    where some cell has a summary; a plain number elsewhere."""
    if not marked:
        return cell.count
    return str(cell.count).rjust(digits) + (SUMMARY_MARK if cell.summaries else " ")


def listing_text(fw: Framework, title: str, mode: str, width: int | None) -> str:
    """The cells to read on a terminal (``--cells summary``, ``quotes`` or ``both``): a
    heading per theme, then each case with a summary or codings, wrapped to ``width``
    (each quote whole, wrapped under its reference; in a pipe, on one line)."""
    def block(text: str, indent: str, rest: str | None = None) -> list[str]:
        # A summary's (or quote's) own later lines go under its first, at ``rest``, as
        # its wrapped lines do: at ``indent`` they read as the next item.
        rest = indent if rest is None else rest
        out: list[str] = []
        for n, line in enumerate(text.splitlines() or [""]):
            first = rest if n else indent
            if width is None:
                out.append((first + line).rstrip())
            else:
                out += wrap_cells(line, max(20, width), first, rest) or [""]
        return out

    lines = block(title, "")
    if fw.selection is not None:
        lines += block(fw.selection.label, "")
    shown = 0
    for t in fw.themes:
        entries: list[str] = []
        for case in fw.cases:
            cell = fw.cell(case, t.id)
            summary = mode in ("summary", "both") and cell.summaries
            refs = mode in ("quotes", "both") and cell.quotes
            if not (summary or refs):
                continue
            entries += ["", *block(f"{case.label} ({plural(cell.count, 'coding')})", "")]
            if summary:
                for who, text, _ in cell.summaries:
                    label = f"Summary ({who}): " if fw.named else "Summary: "
                    entries += block(label + text, "  ", "    ")
            elif mode in ("summary", "both"):
                entries += block("(no summary yet)", "  ")
            if refs:  # each quote whole: read here, wrapped under its reference
                for ref in cell.references(fw.named, whole=True, case=case.label):
                    entries += block("- " + ref, "  ", "    ")
        if entries:
            shown += 1
            wide = cell_width(t.path)  # in a pipe the heading is whole: so is its line
            lines += ["", *block(t.path, ""), "=" * min(wide, width or wide)]
            lines += entries
    if not shown:
        what = {"summary": "No summary is written", "quotes": "Nothing is coded",
                "both": "Nothing is coded or summarised"}[mode]
        lines += ["", f"{what} in these cells."]
    return "\n".join(lines) + "\n"



__all__ = ["CELLS", "Cell", "Framework", "FrameworkTheme", "SUMMARY_MARK", "cell_quotes",
           "cell_value", "framework", "framework_docx", "framework_json", "framework_markdown",
           "framework_themes", "grid_sheet", "grid_text", "listing_text", "long_sheet",
           "NOT_SUMMARISED", "quotes_long_sheet", "reference", "theme_sheets", "cases_sheet"]
