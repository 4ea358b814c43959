"""CLI command ``framework``: the Framework Method's matrix of cases × themes, and
``framework summarise`` to write a cell's summary from a script.

A thin front end over :mod:`qualcoder_ahp.reports.framework` (the matrix) and
:mod:`qualcoder_ahp.model.framework_store` (cases and summaries); the coder and
transcript options are the other reports'
(:mod:`qualcoder_ahp.cli.report_options`).
"""

from __future__ import annotations

import sys

import click

from qualcoder_ahp.cli.common import (
    Project,
    acting_coder,
    fitted_table,
    output_format,
    pass_project,
    plural,
    progress_bar,
    say,
    table_width,
    write_output,
)
from qualcoder_ahp.cli.report_options import (
    about,
    case_options,
    report_data,
    say_not_pooled,
    selection_csv,
    selection_json_text,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.framework import (
    CELLS,
    Framework,
    framework,
    framework_docx,
    framework_json,
    framework_markdown,
    grid_sheet,
    grid_text,
    listing_text,
    long_sheet,
    quotes_long_sheet,
)
from qualcoder_ahp.reports.selection import select
from qualcoder_ahp.reports.writers import Sheet, to_xlsx

FORMATS = ("table", "xlsx", "docx", "md", "csv", "json")


@click.group("framework", invoke_without_command=True)
@click.option("--coder", metavar="NAME", help="Only this coder's codings and summaries.")
@click.option("--consensus", is_flag=True,
              help="Only the agreed codings (the coder named 'consensus').")
@click.option("--all-coders", is_flag=True,
              help="Every coder's codings and summaries, each named, but a consensus "
                   "coder's (--consensus shows them) [the default].")
@click.option("--theme", "theme_ids", multiple=True, metavar="ID",
              help="Only this theme; a folder gives its themes (repeatable).")
@case_options
@click.option("--cells", type=click.Choice(CELLS), metavar="WHAT",
              help="What a cell shows: summary, quotes, both or count [default: count "
                   "on the terminal, both in a file].")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format [default: from the -o suffix, else table].")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write to FILE (owner-only) instead of the terminal.")
@click.pass_context
def framework_cmd(ctx: click.Context, coder: str | None, consensus: bool, all_coders: bool,
                  theme_ids: tuple[str, ...], transcripts: tuple[str, ...],
                  where: tuple[str, ...], cells: str | None, fmt: str | None,
                  output: str | None) -> None:
    """The framework matrix: a row per case, a column per theme.

    A case is a participant (all their transcripts), or a transcript with no
    participant. A cell holds the case's codings of the theme and the coders'
    summaries of them (the Framework Method's charting; NVivo's framework matrix).

    \b
    On the terminal: a grid of counts, * where a summary is written;
      --cells summary, quotes or both lists the cells to read, by theme.
    -o FILE.xlsx: a row per case with its attributes, a column per theme, each
      cell its summary then its quote references; a second sheet has every
      quote. .docx: the cases with their attributes, then a landscape section
      per theme (case | codings | summary | quotes); .md the same; .csv a row
      per cell; .json everything.

    \b
    Examples:
      qcahp framework --coder ana
      qcahp framework --coder ana --cells summary --theme career_pathways
      qcahp framework --all-coders -o framework.xlsx
      qcahp framework summarise physio_helen serendipity --coder ana "Fell..."
    """
    if ctx.invoked_subcommand is not None:
        return
    project: Project = ctx.obj
    fmt = output_format(fmt, output, FORMATS, "table")
    if all_coders and (coder is not None or consensus):
        raise UserError("give one of --coder, --consensus or --all-coders")
    store = project.coded_store()
    data = report_data(store, coder, consensus,
                       selection=select(store, transcripts, where))
    mode = cells or ("count" if fmt == "table" else "both")
    with progress_bar("Charting the framework") as progress:
        fw = framework(data, theme_ids, progress=progress,  # a grid of counts: no quote
                       quoted=mode != "count" or fmt in ("xlsx", "json"))
    chosen = data.selection
    who = ex.coder_label(data.coder, data.not_pooled)
    title = f"Framework matrix ({who})"
    content = {
        "table": lambda: (grid_text(fw, table_width()) if mode == "count"
                          else listing_text(fw, title, mode, table_width())),
        "xlsx": lambda: to_xlsx([_grid_sheet(fw, mode), quotes_long_sheet(fw),
                                 about(project, "framework", data,
                                        themes=", ".join(t.id for t in fw.themes),
                                        cells=mode)]),
        "docx": lambda: framework_docx(fw, title, mode),
        "md": lambda: framework_markdown(fw, title, mode),
        "csv": lambda: selection_csv(long_sheet(fw, mode), chosen),
        "json": lambda: selection_json_text(framework_json(fw), chosen),
    }[fmt]()
    what = (f"the framework matrix ({plural(len(fw.cases), 'case')} \u00d7 "
            f"{plural(len(fw.themes), 'theme')}, {summaries(fw.summarised_cells)})")
    if output:
        write_output(output, content, what)
    else:
        click.echo(content if isinstance(content, str) else content.decode(), nl=False)
    say_not_pooled()
    if not fw.coded_cells and fw.cases:
        among = " in the transcripts chosen" if chosen is not None else ""
        say(f"note: nothing is coded by {'any coder' if data.coder is None else data.coder}"
            f"{among} in these themes: every count is 0", fg="yellow")


@framework_cmd.command("cases", short_help="List the cases: participants and transcripts.")
@click.option("--coder", metavar="NAME", help="Count only this coder's summaries.")
@pass_project
def cases_cmd(project: Project, coder: str | None) -> None:
    """List the matrix's cases, the names `framework summarise` takes: each participant
    with their transcripts, and each transcript with no participant, with the cells
    summarised so far."""
    store = project.coded_store()
    if coder is not None:
        coder = coder.strip()
        store.coder_id(coder)
    written: dict[str, int] = {}
    for (key, _theme), rows in store.cell_summaries(coder).items():
        written[key] = written.get(key, 0) + len(rows)
    names = {t.id: t.name for t in store.transcripts()}
    rows = [{"case": case.label, "kind": case.kind,
             "transcripts": ", ".join(dict.fromkeys(names[t] for t in case.transcripts)),
             "summaries": written.get(case.key, 0)} for case in store.framework_cases()]
    if not rows:
        say("No transcripts in this project yet: `qcahp import FILES` adds them.",
            err=False)
        return
    click.echo(fitted_table(rows, ["case", "kind", "transcripts", "summaries"], wrap=True),
               nl=False)


@framework_cmd.command("summarise", short_help="Write one cell's summary, from a script.")
@click.argument("case")
@click.argument("theme")
@click.argument("text", required=False)
@click.option("--coder", metavar="NAME", required=True, help="Whose summary it is.")
@pass_project
def summarise_cmd(project: Project, case: str, theme: str, text: str | None,
                  coder: str) -> None:
    """Write one cell's summary: CASE's codings of THEME, in a coder's words.

    CASE is a participant id or a transcript name (its participant's case, if it
    has one). TEXT is the summary; - reads it from stdin; "" clears it. Without
    TEXT the summary is printed. Each change is one logged decision, committed
    before this returns: `qcahp undo --coder NAME` takes it back.

    \b
    Examples:
      qcahp framework summarise physio_helen serendipity --coder ana "Fell..."
      qcahp framework summarise P07 board_mandate --coder ana - < p07.txt
      qcahp framework summarise P07 board_mandate --coder ana ""
    """
    store = project.coded_store()
    coder = coder.strip()
    if text is None:
        found = store.find_case(case)
        theme_id = store.framework_theme(theme)
        if coder not in store.coders():
            store.coder_id(coder)  # the one-line error naming the known coders
        current = store.cell_summary(coder, found, theme_id)
        if current is None:
            say(f"No summary by {coder} of {found.label} on {theme_id} yet.", err=False)
        else:
            click.echo(current)
        return
    if text == "-":
        text = sys.stdin.read()
    text = text.strip("\n")
    # A misspelt --coder would silently start a second coder's summaries: one that is a
    # coder's but for case or spaces is refused before anything is written, a new name noted.
    coders = store.coders()
    coder = acting_coder(store, coder, note=False)
    found, before, after = store.set_cell_summary(coder, case, theme, text)
    if coders and coder not in coders and after is not None:
        say(f"note: {coder!r} is a new coder in this project (coders so far: "
            f"{', '.join(coders)})", fg="yellow")
    name = store.theme(theme.strip()).name
    where = f"{coder}'s summary of {found.label} on {name}"
    if before == after:
        say(f"Unchanged: {where}" + ("" if after else " (there was none)") + ".", err=False)
    elif after is None:
        say(f"Cleared {where}. (`qcahp undo --coder {coder}` brings it back.)", err=False)
    else:
        verb = "Wrote" if before is None else "Replaced"
        say(f"{verb} {where} ({plural(len(after.split()), 'word')}).", err=False)


def summaries(n: int) -> str:
    """``1 cell summarised``, ``12 cells summarised``."""
    return f"{plural(n, 'cell')} summarised"


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    cli.add_command(framework_cmd)


def _grid_sheet(fw: Framework, mode: str) -> Sheet:
    """The matrix's sheet; a cell Excel's limit cuts points at the quotes sheet (each
    quote whole) and the CSV export (the whole cell)."""
    sheet = grid_sheet(fw, mode)
    if mode in ("quotes", "both"):
        sheet.whole = "the quotes sheet holds its quotes, the CSV export the whole cell"
    return sheet
