"""What the report commands share: the ``--transcript``/``--where`` options, CSV and
JSON that say which transcripts they cover, and the About sheet of a workbook.

Used by ``counts``, ``quotes``, ``cooccurrence``, ``memos`` (:mod:`.reports`),
``framework`` (:mod:`.framework`), ``search`` and ``words``, so every report chooses
its interviews, and says which it covers, the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from qualcoder_ahp.cli.common import Project, write_output
from qualcoder_ahp.model.store import now
from qualcoder_ahp.reports import ReportData
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.selection import Selection, selection_json
from qualcoder_ahp.reports.writers import Sheet, to_csv


def case_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--transcript`` and ``--where``: the interviews a report covers, the same in
    every report command (:mod:`qualcoder_ahp.reports.selection`)."""
    func = click.option(
        "--where", "where", multiple=True, metavar="ATTR=VALUE",
        help="Only transcripts whose participant has this attribute value (as `qcahp "
             "participants` shows; case ignored). Repeatable: one attribute twice is "
             "either value, different attributes must all hold; ATTR!=VALUE leaves a "
             "value out; ATTR=(none) is the transcripts without one.")(func)
    return click.option("--transcript", "transcripts", multiple=True, metavar="NAME",
                        help="Only this transcript (repeatable; NAME@2 for one "
                             "version).")(func)


def coder_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--coder NAME`` and ``--consensus``: whose codings a report reads."""
    func = click.option("--consensus", is_flag=True,
                        help="Only the agreed codings (the coder named 'consensus').")(func)
    return click.option("--coder", metavar="NAME",
                        help="Only this coder's codings [default: all coders, pooled].")(func)


TABLE_FORMATS = ("table", "csv", "xlsx", "json", "md")
"""The formats of a table report (the terminal table first, the default)."""


def output_options(formats: tuple[str, ...]) -> Callable[..., Any]:
    """``--format`` (one of ``formats``) and ``-o/--output FILE``."""
    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
                            help="Write to FILE (owner-only) instead of the terminal.")(func)
        return click.option("--format", "fmt", type=click.Choice(formats),
                            help="Output format [default: from the -o suffix, else "
                                 f"{formats[0] if formats[0] == 'table' else 'md'}].")(func)
    return wrap


def emit(content: str | bytes, output: str | None, what: str) -> None:
    """``content`` to ``output`` (owner-only, saying what was written) or to stdout."""
    if output:
        write_output(output, content, what)
    else:
        click.echo(content if isinstance(content, str) else content.decode(), nl=False)


def marked(sheets: list[Sheet], selection: Selection | None) -> list[Sheet]:
    """The sheets, the last one saying under it which transcripts they cover."""
    if selection is not None and sheets:
        sheets[-1].footer = selection.label
    return sheets


def selection_csv(sheet: Sheet, selection: Selection | None) -> str:
    """CSV of ``sheet``; when transcripts were chosen, a last ``selection`` column says
    which in every row, so a row pasted elsewhere keeps it."""
    if selection is None:
        return to_csv(sheet)
    return to_csv(Sheet(sheet.name, sheet.columns + ["selection"],
                        [row + [selection.text] for row in sheet.rows],
                        percent=sheet.percent, decimals=sheet.decimals))


def dump_json(doc: dict[str, Any]) -> str:
    """A report's JSON as every report writes it: indented, UTF-8 as is."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def selection_json_text(doc: dict[str, Any], selection: Selection | None) -> str:
    """A JSON report with its ``selection`` (``null``: every transcript)."""
    return dump_json({**doc, "selection": selection_json(selection)})


def about(project: Project, report: str, data: ReportData, **extra: Any) -> Sheet:
    """A workbook's About sheet: the report, the database, the coders, the transcripts
    covered, the time, and ``extra`` rows."""
    return ex.about_sheet({"report": report, "database": str(project.path),
                           "coders": ex.coder_label(data.coder),
                           **selection_about(data.selection, len(data.transcripts)),
                           "exported_at": now(), **extra})


def selection_about(selection: Selection | None, transcripts: int) -> dict[str, Any]:
    """The About sheet's rows on the transcripts covered."""
    if selection is None:
        return {"selection": f"all transcripts ({transcripts})"}
    return selection.about()


__all__ = ["TABLE_FORMATS", "about", "case_options", "coder_options", "dump_json", "emit",
           "marked", "output_options", "selection_about", "selection_csv",
           "selection_json_text"]
