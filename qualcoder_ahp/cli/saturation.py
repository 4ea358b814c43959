"""CLI command ``saturation``: did the interviews stop bringing new themes?

A thin front end over :mod:`qualcoder_ahp.reports.saturation` (Guest et al. 2020's
base, run and new-information threshold; the Guest et al. 2006 curve; random orders) and
:mod:`qualcoder_ahp.reports.saturation_output` (its words and files).
The coder, theme and transcript options are the other reports'
(:mod:`qualcoder_ahp.cli.reports`); the chart is ``qcahp chart saturation``.
"""

from __future__ import annotations

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
from qualcoder_ahp.cli.report_options import (
    about,
    case_options,
    coder_options,
    report_data,
    said_who_was_pooled,
    selection_csv,
    selection_json_text,
)
from qualcoder_ahp.cli.saturation_options import saturation_coders, saturation_options
from qualcoder_ahp.reports.saturation import (
    CITATION,
    ORDERS,
    SEED,
    UNITS,
    Saturation,
    pct,
    saturation,
)
from qualcoder_ahp.reports.saturation_output import (
    HEADINGS,
    coders_label,
    curve_sheet,
    describe,
    runs_sheet,
    saturation_docx,
    saturation_json,
    saturation_markdown,
    summary_lines,
    title,
)
from qualcoder_ahp.reports.selection import select
from qualcoder_ahp.reports.text_table import cells, to_table, wrap_cells, wrap_note
from qualcoder_ahp.reports.writers import Sheet, to_xlsx

FORMATS = ("table", "csv", "xlsx", "md", "json", "docx")


@click.command("saturation")
@click.option("--by", "unit", type=click.Choice(UNITS), default="participant",
              show_default=True,
              help="A case: a participant with all their interviews (or an interview "
                   "with no participant), or each interview.")
@coder_options
@click.option("--theme", metavar="ID", help="Only this theme and the themes below it.")
@saturation_options
@click.option("--orders", type=click.IntRange(0, 100_000), default=ORDERS, show_default=True,
              metavar="N", help="Random orders of the cases to repeat the test on (0: none).")
@click.option("--seed", type=int, default=SEED, show_default=True, metavar="N",
              help="Seed of the random orders (the same seed, the same orders).")
@case_options
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format [default: from the -o suffix, else table].")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write to FILE (owner-only) instead of the terminal.")
@pass_project
def saturation_cmd(project: Project, unit: str, coder: str | None, consensus: bool,
                   theme: str | None, orders: int, seed: int, transcripts: tuple[str, ...],
                   where: tuple[str, ...], fmt: str | None, output: str | None,
                   **method: Any) -> None:
    """Thematic saturation: whether later interviews still brought new themes.

    Guest, Namey & Chen (2020, PLoS ONE 15:e0232076): the themes of the first --base
    cases (4) are the base; a run is the next --run cases (2), then moved on one case
    at a time; saturation is reached at the end of the first run whose new themes are
    at most --threshold % (5; 0% is reported too) of the base's themes. Also the
    curve of Guest, Bunce & Johnson (2006): per case, the themes new there and the
    cumulative count, and the case count at saturation over --orders random orders.

    \b
    Cases come in import order, or --order-by an attribute (interview_date), or
    --order as given; a case with nothing coded is left out (and named).

    --coders A,B pools exactly those coders' codings; without --coder, --consensus or
    --coders, every coder's are pooled but a consensus coder's (named when left out).

    \b
    Examples:
      qcahp saturation --coder ana
      qcahp saturation --consensus --order-by interview_date
      qcahp saturation --coders ana,ben
      qcahp saturation --coder ana --base 6 --run 3 -o saturation.docx
      qcahp chart saturation --coder ana -o saturation.png
    """
    fmt = output_format(fmt, output, FORMATS, "table")
    store = project.coded_store()
    one, pooled = saturation_coders(store, coder, consensus, method["coders"])
    data = report_data(store, one, False, select(store, transcripts, where), coders=pooled)
    with progress_bar("Trying random orders") as progress:
        sat = saturation(data, coders=pooled, unit=unit, theme=theme, orders=orders, seed=seed,
                         base=method["base"], run=method["run_length"],
                         threshold=method["threshold"], min_codings=method["min_codings"],
                         level=method["level"], order_by=method["order_by"],
                         order=method["order"], progress=progress)
    chosen = data.selection
    content = {
        "table": lambda: saturation_text(sat, table_width()),
        "csv": lambda: selection_csv(curve_sheet(sat), chosen),
        "md": lambda: saturation_markdown(sat),
        "json": lambda: selection_json_text(saturation_json(sat), chosen),
        "docx": lambda: saturation_docx(sat),
        "xlsx": lambda: to_xlsx([curve_sheet(sat), runs_sheet(sat),
                                 Sheet("verdict", ["verdict"],
                                       [[line] for line in summary_lines(sat)],
                                       wrap={"verdict"}),
                                 about(project, "saturation", data, **_settings(sat))]),
    }[fmt]()
    if output:
        first = sat.verdicts[0]
        said = ("cannot be assessed" if sat.reason else
                f"saturation at {plural(first.at, sat.noun)}" if first.at is not None
                else "saturation not reached") + f", ≤ {pct(first.threshold)} new information"
        write_output(output, content, f"the saturation assessment ({said})")
    else:
        click.echo(content if isinstance(content, str) else content.decode(), nl=False)
        if fmt == "table" and sat.not_pooled:
            said_who_was_pooled()  # its notes end "Not pooled: the consensus coding ..."


def _settings(sat: Saturation) -> dict[str, Any]:
    """The About sheet's rows: how saturation was assessed."""
    return {"coders": coders_label(sat), "case": sat.unit, "order": sat.order,
            "base": sat.base, "run": sat.run,
            "thresholds": ", ".join(pct(t) for t in sat.thresholds),
            "min_codings": sat.min_codings, "level": sat.level or "as coded",
            "theme": sat.theme, "random_orders": f"{sat.order_count} (seed {sat.seed})",
            "method": CITATION}


def saturation_text(sat: Saturation, width: int | None) -> str:
    """The terminal's report: the curve, the runs, the verdicts, the random orders and
    the notes, fitted to ``width``. Where the curve is too wide for the terminal, each
    case's new themes go on lines of their own under its row, wrapped."""
    out = [*wrap_note(f"{title(sat)}: {describe(sat)}", width), ""]
    out += [_under(curve_sheet(sat, runs=False), width, "new: "), ""]
    runs = runs_sheet(sat)
    if runs.rows:
        out += [*wrap_note(runs.title + ":", width), _under(runs, width, "new: "), ""]
    for line in summary_lines(sat):
        out += wrap_note(line, width)
    if sat.selection is not None:
        out += ["", *wrap_note(sat.selection.label, width)]
    return "\n".join(out).rstrip("\n") + "\n"


def _under(sheet: Sheet, width: int | None, label: str) -> str:
    """``sheet`` as a table whose last column (the new themes) stays in the table where
    it fits, else goes under each row that has any, wrapped and led by ``label``."""
    sheet.columns = [HEADINGS.get(c, c) for c in sheet.columns]
    sheet.percent = {HEADINGS.get(c, c) for c in sheet.percent}
    words = {c: "end" for c in sheet.columns[2:-1] if c not in NUMBERS}  # an attribute
    sheet.shrink = {**words, sheet.columns[-1]: "end"}
    whole = to_table([sheet]).rstrip("\n")  # every cell whole
    if width is None or not sheet.rows or max(map(cells, whole.splitlines())) <= width:
        return whole
    rest = Sheet(sheet.name, sheet.columns[:-1], [row[:-1] for row in sheet.rows],
                 percent=sheet.percent, shrink=words)
    lines = to_table([rest], width=width).rstrip("\n").split("\n")
    out = lines[:2]
    for line, row in zip(lines[2:], sheet.rows, strict=True):
        out.append(line)
        if row[-1]:
            out += wrap_cells(label + row[-1], width, " " * 4, " " * (4 + len(label)))
    return "\n".join(out)


NUMBERS = {"#", "themes", "new", "total", "total%", "% of base"}


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    cli.add_command(saturation_cmd)
