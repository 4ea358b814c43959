"""CLI commands: ``counts``, ``quotes``, ``cooccurrence``, ``chart`` and ``memos``.

Thin wrappers over :mod:`qualcoder_ahp.reports`: pick the coder, compute the
records (with a progress bar over transcripts), convert them with the writers and
print them or write them owner-only to ``-o FILE``. The format follows
``--format``, else the ``-o`` suffix, else a readable default for the terminal.
"""

from __future__ import annotations

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
    table_width,
    write_output,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import now
from qualcoder_ahp.reports import (
    MEASURES,
    UNITS,
    ReportData,
    attribute_matrix,
    cooccurrence,
    parse_by,
    quotes,
    resolve_coder,
    theme_counts,
)
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.writers import (
    Sheet,
    to_csv,
    to_markdown,
    to_table,
    to_xlsx,
)

TABLE_FORMATS = ("table", "csv", "xlsx", "json", "md")
QUOTE_FORMATS = ("csv", "xlsx", "md", "docx", "json")
MEMO_FORMATS = ("md", "docx", "csv", "xlsx", "json", "table")
MEMO_KINDS = ("theme", "transcript", "coding")


def _coder_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--consensus", is_flag=True,
                        help="Only the agreed codings (the coder named 'consensus').")(func)
    return click.option("--coder", metavar="NAME",
                        help="Only this coder's codings [default: all coders, pooled].")(func)


def _output_options(formats: tuple[str, ...]) -> Callable[..., Any]:
    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
                            help="Write to FILE (owner-only) instead of the terminal.")(func)
        return click.option("--format", "fmt", type=click.Choice(formats),
                            help="Output format [default: from the -o suffix, else "
                                 f"{formats[0] if formats[0] == 'table' else 'md'}].")(func)
    return wrap


def _emit(content: str | bytes, output: str | None, what: str) -> None:
    if output:
        write_output(output, content, what)
    else:
        click.echo(content if isinstance(content, str) else content.decode(), nl=False)


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _about(project: Project, report: str, data: ReportData, **extra: Any) -> Sheet:
    return ex.about_sheet({"report": report, "database": str(project.path),
                           "coders": ex.coder_label(data.coder), "exported_at": now(), **extra})


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
@_output_options(TABLE_FORMATS)
@pass_project
def counts_cmd(project: Project, by: str, measure: str, theme: str | None, coder: str | None,
               consensus: bool, fmt: str | None, output: str | None) -> None:
    """Theme counts: segments, transcripts, participants, words and share coded.

    Parents are rolled up from their children (over the union of the codings, so
    overlapping text is counted once). An XLSX file holds every view, one sheet each.
    """
    fmt = output_format(fmt, output, TABLE_FORMATS, "table")
    store = project.coded_store()
    data = ReportData(store, resolve_coder(store, coder, consensus))
    view, attribute = parse_by(by, data.attribute_names())
    if attribute is not None:
        attribute = data.resolve_attribute(attribute)  # "Trust type" is trust_type
        by = f"attribute:{attribute}"
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
                "table": lambda: to_table(ex.matrix_sheets(matrix, indent=True),
                                          width=table_width()),
                "csv": lambda: to_csv(ex.matrix_long_sheet(matrix)),
                "md": lambda: to_markdown(ex.matrix_sheets(matrix)),
                "json": lambda: _dump(ex.matrix_json(matrix)),
            }[fmt]()
            _emit(content, output, f"the {attribute} matrix")
            return
        report = theme_counts(data, by=view, theme=theme, progress=progress)
    content = {
        "table": lambda: to_table([ex.counts_sheet(report, indent=True)], width=table_width()),
        "csv": lambda: to_csv(ex.counts_sheet(report)),
        "md": lambda: to_markdown([ex.counts_sheet(report)]),
        "json": lambda: _dump(ex.counts_json(report)),
    }[fmt]()
    _emit(content, output, f"{plural(len(report.rows), 'row')} of theme counts")
    if not any(r.figures.codings for r in report.rows):
        # A table of zeros reads like a fault in the counting; say what it means.
        where = f" under {theme}" if theme else ""
        who = "any coder" if data.coder is None else data.coder
        click.secho(f"note: nothing is coded{where} by {who}: every "
                    "figure is 0", fg="yellow", err=True)


@click.command("quotes")
@click.option("--theme", metavar="ID", help="Only this theme and the themes below it.")
@_coder_options
@_output_options(QUOTE_FORMATS)
@pass_project
def quotes_cmd(project: Project, theme: str | None, coder: str | None, consensus: bool,
               fmt: str | None, output: str | None) -> None:
    """Quotes: one row per coding with transcript, participant, speaker, context, memo."""
    fmt = output_format(fmt, output, QUOTE_FORMATS, "md")
    store = project.coded_store()
    data = ReportData(store, resolve_coder(store, coder, consensus))
    with progress_bar("Collecting quotes") as progress:
        rows = quotes(data, theme=theme, progress=progress)
    attrs = data.attribute_names()
    title = f"Quotes ({ex.coder_label(data.coder)})" + (f": {data.path(theme)}" if theme else "")
    content = {
        "csv": lambda: to_csv(ex.quotes_sheet(rows, attrs)),
        "md": lambda: to_markdown([ex.quotes_sheet(rows, attrs, flat=True)]),
        "json": lambda: _dump(ex.quotes_json(rows, data.coder, theme)),
        "xlsx": lambda: to_xlsx([ex.quotes_sheet(rows, attrs),
                                 _about(project, "quotes", data, theme=theme)]),
        "docx": lambda: ex.quotes_docx(rows, title),
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
@_output_options(TABLE_FORMATS)
@pass_project
def cooccurrence_cmd(project: Project, unit: str, theme: str | None, coder: str | None,
                     consensus: bool, fmt: str | None, output: str | None) -> None:
    """Theme co-occurrence: how often two themes overlap or share a sentence or turn."""
    fmt = output_format(fmt, output, TABLE_FORMATS, "table")
    store = project.coded_store()
    data = ReportData(store, resolve_coder(store, coder, consensus))
    with progress_bar("Counting co-occurrence") as progress:
        co = cooccurrence(data, unit=unit, theme=theme, progress=progress)
    sheet = ex.cooccurrence_sheet(co)
    content = {
        "table": lambda: to_table([sheet], width=table_width()),
        "csv": lambda: to_csv(sheet),
        "md": lambda: to_markdown([sheet]),
        "json": lambda: _dump(ex.cooccurrence_json(co)),
        "xlsx": lambda: to_xlsx([sheet, _about(project, "cooccurrence", data, unit=unit)]),
    }[fmt]()
    _emit(content, output, f"the co-occurrence matrix ({len(co.theme_ids)} themes)")


@click.command("chart")
@click.argument("kind", type=click.Choice(("counts", "matrix", "cooccurrence")))
@click.option("-o", "--output", metavar="FILE", required=True,
              type=click.Path(dir_okay=False),
              help="The chart to write (owner-only): FILE.png, FILE.svg or FILE.pdf.")
@click.option("--by", metavar="attribute:NAME", help="The attribute of a matrix chart.")
@click.option("--measure", type=click.Choice(MEASURES), default="segments", show_default=True,
              help="The figure charted (counts and matrix).")
@click.option("--unit", type=click.Choice(UNITS), default="overlap", show_default=True,
              help="Co-occurrence unit.")
@click.option("--theme", metavar="ID", help="Only this theme and the themes below it.")
@click.option("--dpi", type=click.IntRange(50, 600), default=200, show_default=True,
              metavar="N", help="Resolution, 50-600 (300 for print).")
@_coder_options
@pass_project
def chart_cmd(project: Project, kind: str, output: str, by: str | None, measure: str, unit: str,
              theme: str | None, dpi: int, coder: str | None, consensus: bool) -> None:
    """Charts for a paper: counts as bars, matrix and co-occurrence as heatmaps.

    The -o suffix picks the format: .png (raster, --dpi), or .svg / .pdf (vector, as
    journals ask for; --dpi then sets only the resolution of a heatmap's cells).
    """
    from qualcoder_ahp.reports import charts

    if Path(output).suffix.lower() not in {f".{f}" for f in charts.FORMATS}:
        raise UserError("charts are written as PNG, SVG or PDF: give -o FILE.png, FILE.svg "
                        "or FILE.pdf", path=output)
    fmt = output_format(None, output, charts.FORMATS, "png")
    _check_chart_options(kind, by)
    store = project.coded_store()
    data = ReportData(store, resolve_coder(store, coder, consensus))
    names = {t.id: t.name for t in data.themes}
    with progress_bar("Charting") as progress:
        if kind == "counts":
            report = theme_counts(data, theme=theme, progress=progress)
            png = charts.counts_chart(report, names, measure=measure, dpi=dpi, fmt=fmt,
                                      colors={t.id: t.color for t in data.themes})
        elif kind == "matrix":
            attribute = parse_by(by, data.attribute_names())[1] if by else None
            if attribute is None:
                raise UserError("a matrix chart needs --by attribute:NAME")
            attribute = data.resolve_attribute(attribute)
            matrix = attribute_matrix(data, attribute, measure=measure, theme=theme,
                                      progress=progress)
            png = charts.matrix_chart(matrix, names, dpi=dpi, fmt=fmt)
        else:
            co = cooccurrence(data, unit=unit, theme=theme, progress=progress)
            png = charts.cooccurrence_chart(co, names, dpi=dpi, fmt=fmt)
    _emit(png, output, "a co-occurrence chart" if kind == "cooccurrence" else f"a {kind} chart")


def _memos_table(sheet: Sheet) -> str:
    """The memos as a table; on a terminal, the columns "about" already tells (theme,
    transcript, speaker, turn) and the quote are left out, so the memo itself is not
    cut to ten characters beside them (`about` and the memo give way evenly)."""
    width = table_width()
    if width is None:
        return to_table([sheet])
    keep = [sheet.columns.index(c) for c in ("kind", "about", "coder", "updated", "memo")]
    compact = Sheet(sheet.name, [sheet.columns[i] for i in keep],
                    [[row[i] for i in keep] for row in sheet.rows],
                    shrink={"about": "end", "memo": "end"})
    return to_table([compact], width=width)


def _check_chart_options(kind: str, by: str | None) -> None:
    """Refuse an option the chart does not use: `chart counts --by attribute:profession`
    drew the plain counts, as if the breakdown had been asked for and was not there."""
    ctx = click.get_current_context()
    uses = {"counts": ("measure",), "matrix": ("by", "measure"), "cooccurrence": ("unit",)}
    hint = {"by": " (a breakdown by attribute is `chart matrix --by attribute:NAME`)",
            "measure": "", "unit": ""}
    for name in ("by", "measure", "unit"):
        given = (by is not None if name == "by" else
                 ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT)
        if given and name not in uses[kind]:
            raise UserError(f"--{name} does not go with a {kind} chart{hint[name]}")


@click.command("memos")
@click.option("--kind", type=click.Choice(MEMO_KINDS),
              help="Only memos on themes, transcripts or codings.")
@click.option("--theme", metavar="ID",
              help="Only memos on this theme (and those below it) and on their codings.")
@click.option("--transcript", metavar="NAME",
              help="Only memos on this transcript and on codings in it.")
@click.option("--coder", metavar="NAME", help="Only this coder's memos [default: everyone's].")
@_output_options(MEMO_FORMATS)
@pass_project
def memos_cmd(project: Project, kind: str | None, theme: str | None, transcript: str | None,
              coder: str | None, fmt: str | None, output: str | None) -> None:
    """Memos on themes, transcripts and codings, for the write-up.

    As a document (Markdown, the default, or Word): theme memos in codebook order,
    transcript memos, then memos on codings under their theme, each with its quote.
    As a table (CSV, XLSX, JSON): one row per memo.
    """
    from qualcoder_ahp.reports.memos import (
        memos,
        memos_docx,
        memos_json,
        memos_markdown,
        memos_sheet,
    )

    fmt = output_format(fmt, output, MEMO_FORMATS, "md")
    store = project.store()
    if coder is not None:
        coder = coder.strip()  # as the store names coders
        store.coder_id(coder)
    data = ReportData(store, coder)
    rows = memos(data, kind=kind, theme=theme, transcript=transcript)
    title = "Memos" + (f" of {coder}" if coder else "") + (
        f": {data.path(theme)}" if theme else "") + (f" in {transcript}" if transcript else "")
    content = {
        "md": lambda: memos_markdown(rows, title),
        "docx": lambda: memos_docx(rows, title),
        "csv": lambda: to_csv(memos_sheet(rows)),
        "xlsx": lambda: to_xlsx([memos_sheet(rows), ex.about_sheet({
            "report": "memos", "database": str(project.path), "coders": coder or "all",
            "exported_at": now()})]),
        "json": lambda: _dump({"memos": memos_json(rows)}),
        "table": lambda: _memos_table(memos_sheet(rows)),
    }[fmt]()
    _emit(content, output, plural(len(rows), "memo"))


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    for command in (counts_cmd, quotes_cmd, cooccurrence_cmd, chart_cmd, memos_cmd):
        cli.add_command(command)
