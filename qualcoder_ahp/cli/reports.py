"""CLI commands: ``counts``, ``quotes``, ``cooccurrence``, ``chart`` and ``memos``.

Thin wrappers over :mod:`qualcoder_ahp.reports`: pick the coder, compute the
records (with a progress bar over transcripts), convert them with the writers and
print them or write them owner-only to ``-o FILE``. The format follows
``--format``, else the ``-o`` suffix, else a readable default for the terminal.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from collections.abc import Callable
from typing import Any

import click

from qualcoder_ahp.cli.common import (
    Project,
    output_format,
    pass_project,
    plural,
    progress_bar,
    say,
    table_width,
)
from qualcoder_ahp.cli.report_options import TABLE_FORMATS
from qualcoder_ahp.cli.report_options import about as _about
from qualcoder_ahp.cli.report_options import case_options as _case_options
from qualcoder_ahp.cli.report_options import coder_options as _coder_options
from qualcoder_ahp.cli.report_options import emit as _emit
from qualcoder_ahp.cli.report_options import marked as _marked
from qualcoder_ahp.cli.report_options import output_options as _output_options
from qualcoder_ahp.cli.report_options import report_data as _report_data
from qualcoder_ahp.cli.report_options import selection_about
from qualcoder_ahp.cli.report_options import selection_csv as _csv
from qualcoder_ahp.cli.report_options import selection_json_text as _json
from qualcoder_ahp.cli.saturation_options import (
    SATURATION_OPTIONS,
    saturation_coders,
    saturation_options,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import now
from qualcoder_ahp.reports import (
    MEASURES,
    NO_VALUE,
    UNITS,
    Cooccurrence,
    ReportData,
    attribute_matrix,
    cooccurrence,
    parse_by,
    quotes,
    theme_counts,
)
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.cooccurrence import passages_command
from qualcoder_ahp.reports.quotes import CodingQuery, check_query, why_no_quotes
from qualcoder_ahp.reports.selection import select
from qualcoder_ahp.reports.text_table import (
    cells,
    letters,
    stdout_is_terminal,
    to_table,
)
from qualcoder_ahp.reports.writers import (
    Narrowing,
    Sheet,
    to_markdown,
    to_xlsx,
)
from qualcoder_ahp.suggest.sre_tree import gc_paused

_stdout_is_terminal = stdout_is_terminal  # where quotes asks (a test stands in a terminal)
QUOTE_FORMATS = ("text", "csv", "xlsx", "md", "docx", "json")
MEMO_FORMATS = ("md", "text", "docx", "csv", "xlsx", "json", "table")
MEMO_KINDS = ("theme", "transcript", "coding", "cell")
COUNTS_NARROWING = Narrowing(short=(
    ("codings", "cod"), ("segments", "seg"), ("transcripts", "trs"), ("participants", "ppl"),
    ("share_pct", "share%"), ("words_pct", "words%")), optional=("path", "chars"))
"""On a terminal too narrow for the counts table (167 columns on the README's project):
short headings for the figures with a legend, then the path cut, or left out where even
cut it does not fit (the theme ids, indented as the tree, stay), then the characters
beside the words, said under the table (by coder it was still 85 wide at 80 columns)."""
BY_CASE_NARROWING = dataclasses.replace(
    COUNTS_NARROWING, same=("transcripts", "participants"),
    optional=COUNTS_NARROWING.optional + ("participants", "transcripts"))
"""By transcript or participant (96 wide at 80 columns) the transcripts and
participants columns, ``1`` in every row, go first (named under the table)."""


def _narrowed(sheet: Sheet, view: str = "theme") -> Sheet:
    """The counts table for a terminal: :data:`COUNTS_NARROWING` (by transcript or
    participant :data:`BY_CASE_NARROWING`), and the path cut with ``…`` when that is
    enough (down to ten characters, else it is left out)."""
    sheet.narrow = (BY_CASE_NARROWING if view in ("transcript", "participant")
                    else COUNTS_NARROWING)
    sheet.shrink = {"path": "end"}
    return sheet


MATRIX_NARROWING = Narrowing(optional=("path",))
"""On a terminal too narrow for an attribute matrix (199 columns for profession on the
README's project, 293 for seniority) the path goes first, whole or not at all (cut, it
said "Career pathways /…"); :func:`_matrix_table` then heads the values A, B, C... or
splits them."""



def _matrix_table(sheets: list[Sheet], width: int | None) -> str:
    """The attribute matrix's sheets (counts, row %, column %) on the terminal.

    Too wide for it: the path is left out; then the attribute's values are headed
    ``A``, ``B``, ``C``... with a key line under each table, when that keeps every row on
    one line; else their columns are split into groups that each fit, under their whole
    headings (lettered too on a terminal too narrow for one whole heading), each group
    led by the theme ids (:attr:`Narrowing.lead`). All three sheets take the same
    headings; a sheet keeps the path where it fits whole (the counts' narrower figures
    can leave room for it). A pipe or a file keeps the whole table.
    """
    if width is None:
        return to_table(sheets)
    values = [c for c in sheets[0].columns if c not in ("theme", "path", "total")]
    key = tuple((v, letters(i)) for i, v in enumerate(values))
    text = ""
    for short, lead in (((), ()), (key, ()), ((), ("theme",)), (key, ("theme",))):
        rules = dataclasses.replace(MATRIX_NARROWING, short=short, lead=lead)
        text = to_table([dataclasses.replace(s, narrow=rules) for s in sheets], width=width)
        if max(map(cells, text.splitlines())) <= width:
            break
    return text


def _cooccurrence_table(sheet: Sheet, width: int | None) -> str:
    """The co-occurrence matrix on the terminal: every theme id heads a column (375
    columns for the shipped codebook), so on a terminal too narrow for it the path goes,
    then the columns are headed by the themes' row numbers (a ``#`` column before the
    ids says which is which), and split into groups that each fit, each led by ``#`` and
    the theme ids. A pipe or a file keeps the whole table."""
    plain = dataclasses.replace(sheet, narrow=Narrowing(optional=("path",)))
    text = to_table([plain], width=width)
    if width is None or max(map(cells, text.splitlines())) <= width:
        return text
    n = len(sheet.columns) - 2
    numbered = dataclasses.replace(
        plain, columns=["#", *sheet.columns[:2], *map(str, range(1, n + 1))],
        rows=[[i, *row] for i, row in enumerate(sheet.rows, start=1)],
        narrow=Narrowing(optional=("path",), lead=("#", "theme")),
        note=f"Columns 1-{n}: the themes, numbered as in the # column. {sheet.note}")
    return to_table([numbered], width=width)


def _workbook(project: Project, data: ReportData, theme: str | None, measure: str,
              first: str, progress: Callable[[int, int], None]) -> bytes:
    """Every counts view in one workbook, the one asked for first."""
    names = data.attribute_names()
    passes = 4 + len(names)

    def step(k: int) -> Callable[[int, int], None]:
        # One progress bar over all the passes, not one restarting bar per view.
        return lambda done, total: progress(k * total + done, passes * total)

    sheets: dict[str, list[Sheet]] = {}
    for k, view in enumerate(("theme", "transcript", "participant", "coder")):
        sheets[view] = [ex.counts_sheet(theme_counts(data, by=view, theme=theme,
                                                     progress=step(k)))]
    for k, name in enumerate(names, start=4):
        sheets[f"attribute:{name}"] = ex.matrix_sheets(
            attribute_matrix(data, name, measure=measure, theme=theme, progress=step(k)))
    order = [first] + [k for k in sheets if k != first]
    return to_xlsx([s for key in order for s in sheets[key]]
                   + [_about(project, "counts", data, theme=theme, matrix_measure=measure)])


@click.command("counts")
@click.option("--by", default="theme", show_default=True, metavar="VIEW",
              help="theme, transcript, participant, coder, or attribute:NAME (a matrix).")
@click.option("--measure", type=click.Choice(MEASURES), default="segments", show_default=True,
              help="The figure in the cells of an attribute matrix.")
@click.option("--theme", metavar="ID", help="Only this theme and the themes below it.")
@_coder_options
@_case_options
@_output_options(TABLE_FORMATS)
@pass_project
def counts_cmd(project: Project, by: str, measure: str, theme: str | None, coder: str | None,
               consensus: bool, transcripts: tuple[str, ...], where: tuple[str, ...],
               fmt: str | None, output: str | None) -> None:
    """Theme counts: segments, transcripts, participants, words and share coded.

    Parents are rolled up from their children (over the union of the codings, so
    overlapping text is counted once). An XLSX file holds every view, one sheet each.
    With --transcript or --where, every figure and share is of the chosen transcripts.
    """
    fmt = output_format(fmt, output, TABLE_FORMATS, "table")
    store = project.coded_store()
    data = _report_data(store, coder, consensus,
                        selection=select(store, transcripts, where))
    chosen = data.selection
    view, attribute = parse_by(by, data.attribute_names())
    if attribute is not None:
        attribute = data.resolve_attribute(attribute)  # "Trust type" is trust_type
        by = f"attribute:{attribute}"
    elif fmt != "xlsx" and _given("measure"):
        # `counts --measure words` printed the same table as without it: the measure
        # picks a matrix's cells (a workbook's attribute sheets); these rows show all.
        raise UserError(f"--measure {measure} is the figure in the cells of an attribute "
                        f"matrix: give --by attribute:NAME too (--by {view} shows every "
                        "figure as a column)")
    with progress_bar("Counting") as progress:
        if fmt == "xlsx":
            if attribute:
                data.check_attribute(attribute)
            data.selected_themes(theme)
            first = by if view != "theme" else "theme"
            _emit(_workbook(project, data, theme, measure, first, progress), output,
                  "theme counts")
            return
        if attribute is not None:
            matrix = attribute_matrix(data, attribute, measure=measure, theme=theme,
                                      progress=progress)
            content = {
                "table": lambda: _matrix_table(_marked(ex.matrix_sheets(matrix, indent=True),
                                                       chosen), table_width()),
                "csv": lambda: _csv(ex.matrix_long_sheet(matrix), chosen),
                "md": lambda: to_markdown(_marked(ex.matrix_sheets(matrix), chosen)),
                "json": lambda: _json(ex.matrix_json(matrix), chosen),
            }[fmt]()
            _emit(content, output, f"the {attribute} matrix")
            if matrix.columns == [NO_VALUE]:
                _note_no_values(data, attribute)
            return
        report = theme_counts(data, by=view, theme=theme, progress=progress)
    content = {
        "table": lambda: to_table(_marked([_narrowed(ex.counts_sheet(report, indent=True),
                                                     view)], chosen), width=table_width()),
        "csv": lambda: _csv(ex.counts_sheet(report), chosen),
        "md": lambda: to_markdown(_marked([dataclasses.replace(
            ex.counts_sheet(report), note=ex.figures_note())], chosen)),
        "json": lambda: _json(ex.counts_json(report), chosen),
    }[fmt]()
    _emit(content, output, f"{plural(len(report.rows), 'row')} of theme counts")
    if not any(r.figures.codings for r in report.rows):
        # A table of zeros reads like a fault in the counting; say what it means.
        under = f" under {theme}" if theme else ""
        who = "any coder" if data.coder is None else data.coder
        among = " in the transcripts chosen" if chosen is not None else ""
        say(f"note: nothing is coded{under} by {who}{among}: every figure is 0",
            fg="yellow")


def _note_no_values(data: ReportData, attribute: str) -> None:
    """Say why a matrix has only a ``(none)`` column: no transcript (of those chosen)
    has a value for the attribute, which came with no error and read like a finding.
    Usually the participants CSV keys ids the transcripts do not have; with --where or
    --transcript, the participants with a value may only be outside the selection,
    and then their ids are right and the note says so (it used to tell the researcher
    to import the CSV again)."""
    among = " chosen" if data.selection is not None else ""
    mine = {t.participant for t in data.transcripts.values()}
    others = sorted(code for code, attrs in data.participants.items()
                    if attrs.get(attribute) not in (None, "") and code not in mine)
    interviewed = {row[3] for row in data.store.report_transcripts() if row[3]}
    orphans = [code for code in others if code not in interviewed]
    if others and not orphans:
        say(f"note: no transcript chosen has a value for {attribute}, so every one is in "
            f"{NO_VALUE}; the participants with one ({_some(others)}) are outside the "
            "selection (--transcript, --where)", fg="yellow")
        return
    held = f"; the participants with one ({_some(orphans)}) have no transcript" \
        if orphans else ""
    say(f"note: no transcript{among} has a value for {attribute}, so every one is in "
        f"{NO_VALUE}{held}. Attributes reach a transcript through its participant id "
        "(`qcahp transcripts` shows it: the file name unless set at import): put those ids "
        "in the participants CSV's first column and import it again, or give a transcript "
        "to a participant with `qcahp participants assign TRANSCRIPT PARTICIPANT`",
        fg="yellow")


def _some(codes: list[str]) -> str:
    """The first five ids, ``...`` after them when there are more."""
    return ", ".join(codes[:5]) + (" ..." if len(codes) > 5 else "")


@click.command("quotes")
@click.option("--theme", metavar="ID", help="Only this theme and the themes below it.")
@click.option("--with", "with_", multiple=True, metavar="ID",
              help="Only codings that overlap (see --near) a coding of this theme or one "
                   "below it. Repeatable: all must hold.")
@click.option("--without", multiple=True, metavar="ID",
              help="Only codings with no coding of this theme (or one below it) near them. "
                   "Repeatable.")
@click.option("--near", type=click.Choice(UNITS),
              help="What --with/--without themes share with the quote: overlapping text, "
                   "a sentence or a speaker turn [default: overlap].")
@_coder_options
@_case_options
@_output_options(QUOTE_FORMATS)
@pass_project
def quotes_cmd(project: Project, theme: str | None, with_: tuple[str, ...],
               without: tuple[str, ...], near: str | None, coder: str | None, consensus: bool,
               transcripts: tuple[str, ...], where: tuple[str, ...], fmt: str | None,
               output: str | None) -> None:
    """Quotes: one row per coding with transcript, participant, speaker, context, memo.

    On a terminal they are listed to read (theme headings, each passage once with who
    said it and the coders' memos: --format text); in a pipe the default is Markdown.
    With --with/--without, a coding query: the passages where themes meet, or do not.
    """
    # A study's quotes are a few small objects per coding (its coding, quote, row and
    # cells: 144,000 codings at 1M words) that live until they are written: each
    # collection they set off walked them all again, a fifth of the time. Paused while
    # they are made, as `qcahp log` does (gc_paused).
    with gc_paused():
        _quotes(project, theme, with_, without, near, coder, consensus, transcripts, where,
                fmt, output)


def _quotes(project: Project, theme: str | None, with_: tuple[str, ...],
            without: tuple[str, ...], near: str | None, coder: str | None, consensus: bool,
            transcripts: tuple[str, ...], where: tuple[str, ...], fmt: str | None,
            output: str | None) -> None:
    """:func:`quotes_cmd`'s work."""
    query = CodingQuery.given(with_, without, near)
    fmt = output_format(fmt, output, QUOTE_FORMATS,
                        "text" if not output and _stdout_is_terminal() else "md")
    store = project.coded_store()
    data = _report_data(store, coder, consensus,
                        selection=select(store, transcripts, where))
    chosen = data.selection
    if query is not None:
        check_query(data, theme, query)  # before the progress bar: a typo is one line
    with progress_bar("Collecting quotes") as progress:
        rows = quotes(data, theme=theme, query=query, progress=progress)
    attrs = data.attribute_names()
    title = (f"Quotes ({ex.coder_label(data.coder, data.not_pooled)})"
             + (f": {data.path(theme)}" if theme else ""))
    if query is not None:
        title += ("," if theme else "") + f" {query.label(data)}"
    unit = query.near if query else "overlap"
    empty = "No codings match."  # a query that found nothing says why (one line)
    table_empty = ""  # the Markdown table's own words: "nothing is coded" is untrue here
    if query is not None and not rows:
        why = why_no_quotes(data, theme, query)
        empty, table_empty = f"No codings match: {why}.", f"(none: {why})"
        if fmt not in ("text", "docx"):  # those print it where the quotes would be
            say(empty, fg="yellow")
    elif theme is not None and not rows and data.codings:
        # "(none: nothing is coded in this selection)" where other themes were coded.
        table_empty = f"(none: nothing is coded with {data.path(theme)} here)"
        empty = f"No codings of {data.path(theme)} here."
    asked = {"with": ", ".join(query.with_) or "(none)",
             "without": ", ".join(query.without) or "(none)", "near": unit} if query else {}
    content = {
        "csv": lambda: _csv(ex.quotes_sheet(rows, attrs, query=query), chosen),
        "md": lambda: to_markdown(_marked([dataclasses.replace(ex.quotes_sheet(
            rows, attrs, flat=True, query=query, title=title if query else ""),
            empty=table_empty)], chosen)),
        "json": lambda: _json(ex.quotes_json(rows, data.coder, theme, query), chosen),
        "xlsx": lambda: to_xlsx([ex.quotes_sheet(rows, attrs, query=query),
                                 _about(project, "quotes", data, theme=theme, **asked)]),
        "docx": lambda: ex.quotes_docx(rows, title, chosen.label if chosen else "", unit,
                                       empty),
        "text": lambda: ex.quotes_text(rows, title, chosen.label if chosen else "",
                                       table_width(), unit, empty),
    }[fmt]()
    what = plural(len(rows), "quote")
    if fmt == "docx":
        # Word prints a passage several coders coded identically once, with every coder:
        # the count of codings alone would not match what the reader sees.
        what += f" ({plural(len(ex.same_passage(rows)), 'passage')})"
    _emit(content, output, what)


@click.command("cooccurrence")
@click.option("--unit", type=click.Choice(UNITS), default="overlap", show_default=True,
              help="Count overlapping passages, shared sentences or shared turns.")
@click.option("--theme", metavar="ID", help="Only this theme and the themes below it.")
@_coder_options
@_case_options
@_output_options(TABLE_FORMATS)
@pass_project
def cooccurrence_cmd(project: Project, unit: str, theme: str | None, coder: str | None,
                     consensus: bool, transcripts: tuple[str, ...], where: tuple[str, ...],
                     fmt: str | None, output: str | None) -> None:
    """Theme co-occurrence: how often two themes overlap or share a sentence or turn.

    The passages behind a cell: qcahp quotes --theme ROW --with COLUMN [--near UNIT].
    """
    fmt = output_format(fmt, output, TABLE_FORMATS, "table")
    store = project.coded_store()
    data = _report_data(store, coder, consensus,
                        selection=select(store, transcripts, where))
    chosen = data.selection
    with progress_bar("Counting co-occurrence") as progress:
        co = cooccurrence(data, unit=unit, theme=theme, progress=progress)
    sheet = _marked([ex.cooccurrence_sheet(co)], chosen)[0]
    sheet.note += " " + passages_command(unit, None if consensus else data.coder, consensus,
                                         transcripts, where)
    content = {
        "table": lambda: _cooccurrence_table(sheet, table_width()),
        "csv": lambda: _csv(sheet, chosen),
        "md": lambda: to_markdown([sheet]),
        "json": lambda: _json(ex.cooccurrence_json(co), chosen),
        "xlsx": lambda: to_xlsx([sheet, _about(project, "cooccurrence", data, unit=unit)]),
    }[fmt]()
    _emit(content, output, f"the co-occurrence matrix ({len(co.theme_ids)} themes)")
    _note_paired_with_none(theme, co)


def _note_paired_with_none(theme: str | None, co: Cooccurrence) -> None:
    """A theme with nothing below it pairs with nothing: its 1 x 1 table (or chart) read
    as if it co-occurred with no theme at all, so say where its pairs are."""
    if theme is not None and len(co.theme_ids) == 1:
        say(f"note: --theme {theme} keeps only {theme} and the themes below it, so it is "
            f"paired with no other theme; its row of `qcahp cooccurrence` (without "
            f"--theme) pairs it with each theme, and `qcahp quotes --theme {theme} --with "
            "ID` lists the passages", fg="yellow")


@click.command("chart")
@click.argument("kind", type=click.Choice(("counts", "matrix", "cooccurrence", "saturation")))
@click.option("-o", "--output", metavar="FILE", required=True,
              type=click.Path(dir_okay=False),
              help="The chart to write (owner-only): FILE.png, FILE.svg or FILE.pdf.")
@click.option("--by", metavar="attribute:NAME",
              help="The attribute of a matrix chart; a saturation chart's case: participant "
                   "(the default) or transcript.")
@click.option("--measure", type=click.Choice(MEASURES), default="segments", show_default=True,
              help="The figure charted (counts and matrix).")
@click.option("--unit", type=click.Choice(UNITS), default="overlap", show_default=True,
              help="Co-occurrence unit.")
@click.option("--theme", metavar="ID", help="Only this theme and the themes below it.")
@click.option("--dpi", type=click.IntRange(50, 600), default=200, show_default=True,
              metavar="N", help="Resolution, 50-600 (300 for print).")
@_coder_options
@_case_options
@saturation_options
@pass_project
def chart_cmd(project: Project, kind: str, output: str, by: str | None, measure: str, unit: str,
              theme: str | None, dpi: int, coder: str | None, consensus: bool,
              transcripts: tuple[str, ...], where: tuple[str, ...], **method: Any) -> None:
    """Charts for a paper: counts as bars, matrix and co-occurrence as heatmaps,
    saturation as the cumulative themes over the new ones per case.

    The -o suffix picks the format: .png (raster, --dpi), or .svg / .pdf (vector, as
    journals ask for; --dpi then sets only the resolution of a heatmap's cells).
    The saturation chart takes `qcahp saturation`'s options (--base, --run,
    --threshold, --order-by...) and marks where saturation is reached.
    """
    from qualcoder_ahp.reports import charts

    if Path(output).suffix.lower() not in {f".{f}" for f in charts.FORMATS}:
        raise UserError("charts are written as PNG, SVG or PDF: give -o FILE.png, FILE.svg "
                        "or FILE.pdf", path=output)
    fmt = output_format(None, output, charts.FORMATS, "png")
    _check_chart_options(kind, by)
    store = project.coded_store()
    one, pooled = saturation_coders(store, coder, consensus, method["coders"])
    data = _report_data(store, one, False, select(store, transcripts, where), coders=pooled)
    chosen = data.selection.label if data.selection is not None else ""
    names = {t.id: t.name for t in data.themes}
    unassessed = ""  # why a saturation chart assesses nothing: `qcahp saturation`'s line
    with progress_bar("Charting") as progress:
        if kind == "counts":
            report = theme_counts(data, theme=theme, progress=progress)
            png = charts.counts_chart(report, names, measure=measure, dpi=dpi, fmt=fmt,
                                      colors={t.id: t.color for t in data.themes},
                                      selection=chosen)
        elif kind == "matrix":
            if by and not by.startswith("attribute:"):  # the views of counts are no chart
                names = data.attribute_names()
                hint = (f"--by attribute:{by}" if by in names else
                        f"attributes: {', '.join(names) or 'none yet'}")
                raise UserError(f"a matrix chart is by a participant attribute, --by "
                                f"attribute:NAME, not --by {by} ({hint})")
            attribute = parse_by(by, data.attribute_names())[1] if by else None
            if attribute is None:
                raise UserError("a matrix chart needs --by attribute:NAME")
            attribute = data.resolve_attribute(attribute)
            matrix = attribute_matrix(data, attribute, measure=measure, theme=theme,
                                      progress=progress)
            png = charts.matrix_chart(matrix, names, dpi=dpi, fmt=fmt, selection=chosen)
        elif kind == "saturation":
            from qualcoder_ahp.reports.saturation import saturation
            from qualcoder_ahp.reports.saturation_output import verdict_lines

            sat = saturation(data, coders=pooled, unit=by or "participant", theme=theme,
                             orders=0, base=method["base"], run=method["run_length"],
                             threshold=method["threshold"], min_codings=method["min_codings"],
                             level=method["level"], order_by=method["order_by"],
                             order=method["order"])
            png = charts.saturation_chart(sat, dpi=dpi, fmt=fmt, selection=chosen)
            unassessed = verdict_lines(sat)[0] if sat.reason else ""
        else:
            co = cooccurrence(data, unit=unit, theme=theme, progress=progress)
            png = charts.cooccurrence_chart(co, names, dpi=dpi, fmt=fmt, selection=chosen)
    _emit(png, output, "a co-occurrence chart" if kind == "cooccurrence" else f"a {kind} chart")
    if kind == "cooccurrence":
        _note_paired_with_none(theme, co)
    if unassessed:  # the chart only says so, and a script sees only this line
        say(unassessed, fg="yellow")


def _memos_table(sheet: Sheet) -> str:
    """The memos as a table; on a terminal, the columns "about" already tells (theme,
    transcript, speaker, turn) and the quote are left out, so the memo itself is not
    cut to ten characters beside them; on one too narrow to give the memo 40 cells, it
    goes on a line of its own under its row, as the log's words do (at 80 columns it
    was cut to 21, the theme it is about to 20)."""
    width = table_width()
    if width is None:
        return to_table([sheet])
    keep = [sheet.columns.index(c) for c in ("kind", "about", "coder", "updated", "memo")]
    compact = Sheet(sheet.name, [sheet.columns[i] for i in keep],
                    [[row[i] for i in keep] for row in sheet.rows],
                    shrink={"about": "end", "memo": "end"}, footer=sheet.footer,
                    empty=sheet.empty, narrow=Narrowing(under=("memo",)))
    return to_table([compact], width=width)


def _given(name: str) -> bool:
    """Whether the option ``name`` was given on the command line (or the environment),
    not left at its default."""
    source = click.get_current_context().get_parameter_source(name)
    return source not in (click.core.ParameterSource.DEFAULT, None)


def _check_chart_options(kind: str, by: str | None) -> None:
    """Refuse an option the chart does not use: `chart counts --by attribute:profession`
    drew the plain counts, as if the breakdown had been asked for and was not there."""
    uses = {"counts": ("measure",), "matrix": ("by", "measure"), "cooccurrence": ("unit",),
            "saturation": ("by", *SATURATION_OPTIONS)}
    hint = {"by": " (a breakdown by attribute is `chart matrix --by attribute:NAME`)"}
    for name in ("by", "measure", "unit", *SATURATION_OPTIONS):
        given = by is not None if name == "by" else _given(name)
        if given and name not in uses[kind]:
            flag = "--run" if name == "run_length" else "--" + name.replace("_", "-")
            raise UserError(f"--{flag[2:]} does not go with a {kind} chart"
                            f"{hint.get(name, '')}")
    if kind == "saturation" and by is not None and by not in ("participant", "transcript"):
        raise UserError(f"a saturation chart is by participant or transcript, not --by {by}")


@click.command("memos")
@click.option("--kind", type=click.Choice(MEMO_KINDS),
              help="Only memos on themes, transcripts, codings or framework cells.")
@click.option("--theme", metavar="ID",
              help="Only memos on this theme (and those below it) and on their codings.")
@click.option("--coder", metavar="NAME", help="Only this coder's memos [default: everyone's].")
@_case_options
@_output_options(MEMO_FORMATS)
@pass_project
def memos_cmd(project: Project, kind: str | None, theme: str | None, coder: str | None,
              transcripts: tuple[str, ...], where: tuple[str, ...], fmt: str | None,
              output: str | None) -> None:
    """Memos on themes, transcripts and codings, for the write-up.

    As a document (Markdown, the default in a pipe, or Word): theme memos in codebook
    order, transcript memos, memos on codings under their theme, each with its quote,
    then framework summaries; on a terminal the same to read, wrapped to it (--format
    text). As a table (CSV, XLSX, JSON): one row per memo. With --transcript or --where, only
    the memos on those transcripts and on codings in them (no theme memos).
    """
    from qualcoder_ahp.reports.memos import (
        memos,
        memos_docx,
        memos_json,
        memos_markdown,
        memos_sheet,
        memos_text,
    )

    asked = fmt is not None or output is not None
    # On a terminal the document to read, wrapped to it (the Markdown's long lines broke
    # inside words at 80 columns); in a pipe Markdown, as before (memos > memos.md).
    fmt = output_format(fmt, output, MEMO_FORMATS,
                        "text" if not output and _stdout_is_terminal() else "md")
    store = project.store()
    if coder is not None:
        coder = coder.strip()  # as the store names coders
        store.coder_id(coder)
    chosen = select(store, transcripts, where)
    data = ReportData(store, coder, selection=chosen)
    rows = memos(data, kind=kind, theme=theme)
    if not rows and not asked and _stdout_is_terminal():
        # Not a Markdown document of nothing ("# Memos", "No memos match.") on a
        # terminal: say whether there are none yet, or none of these, and how to write one.
        every = len(memos(ReportData(store, None)))
        if every:
            say(f"No memos match ({plural(every, 'memo')} in the project in all; "
                "without --coder, --kind, --theme, --transcript and --where `qcahp memos` "
                "lists every one).", err=False)
        else:
            say("No memos yet in this project. Coders write them in the workbench "
                "(`qcahp code --coder NAME`): M on a coding writes a memo on it, its theme "
                "or its transcript.", err=False)
        return
    # One transcript by name, as before; a longer choice is told under the title.
    one = transcripts[0] if len(transcripts) == 1 and not where else None
    title = "Memos" + (f" of {coder}" if coder else "") + (
        f": {data.path(theme)}" if theme else "") + (f" in {one}" if one else "")
    subtitle = chosen.label if chosen is not None and one is None else ""
    content = {
        "md": lambda: memos_markdown(rows, title, subtitle),
        "text": lambda: memos_text(rows, title, subtitle, table_width()),
        "docx": lambda: memos_docx(rows, title, subtitle),
        "csv": lambda: _csv(memos_sheet(rows), chosen),
        "xlsx": lambda: to_xlsx([memos_sheet(rows), ex.about_sheet({
            "report": "memos", "database": str(project.path), "coders": coder or "all",
            **selection_about(chosen, len(data.transcripts)), "exported_at": now()})]),
        "json": lambda: _json({"memos": memos_json(rows)}, chosen),
        "table": lambda: _memos_table(_marked([memos_sheet(rows)], chosen)[0]),
    }[fmt]()
    _emit(content, output, plural(len(rows), "memo"))


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    for command in (counts_cmd, quotes_cmd, cooccurrence_cmd, chart_cmd, memos_cmd):
        cli.add_command(command)
