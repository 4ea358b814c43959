"""``qcahp reconcile log``: how each consensus coding was reached.

The reconcile screen records every decision (take a coder's spans, union,
intersection, reject, copy an agreed stretch) as a ``reconcile`` event in the
append-only log. This command reads them back for a methods section or an audit:
when, who decided, into which consensus coder, which coders were compared, the
theme, transcript, span and a short quote of the disagreement, the rule taken and
the resulting consensus coding(s), and whether the decision is still in effect.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click

from qualcoder_ahp.cli.common import Project, format_table, pass_project, plural
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.reports.writers import pick_format, write_private

FORMATS = ("table", "csv", "json")
COLUMNS = ("time", "by", "consensus", "compared", "theme", "theme_name", "transcript", "span",
           "quote", "rule", "result", "status")
QUOTE_CHARS = 60
"""Characters of the disagreement stretch shown in the quote column."""
NOTHING = "No reconcile decisions recorded in this project yet (decide disagreements in the "\
          "workbench's reconcile screen, then run this again)."


def _short(text: str, limit: int = QUOTE_CHARS) -> str:
    """One line, cut at ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def log_rows(store: Any) -> list[dict[str, Any]]:
    """The reconcile decisions as flat rows (oldest first) for every output format."""
    names = {t.id: t.name for t in store.themes()}
    transcripts = {t.id: t.name for t in store.transcripts()}
    texts: dict[int, str] = {}
    rows = []
    for event in store.reconcile_log():
        tid = event["transcript_id"]
        if tid not in texts:
            texts[tid] = store.transcript_text(tid)
        spans = [(c.id, c.start, c.end) for c in
                 (store.coding(cid) for cid in event["coding_ids"])]
        rule = event["rule"] + (f" {event['taken_from']}" if event.get("taken_from") else "")
        result = "; ".join(f"#{i} [{s}, {e})" for i, s, e in spans) or "none (rejected)"
        rows.append({
            "time": event["at"], "by": event.get("decided_by") or "",
            "consensus": event["coder"],
            "compared": ", ".join(event["compared"]), "theme": event["theme_id"],
            "theme_name": names.get(event["theme_id"], ""),
            "transcript": transcripts.get(tid, str(tid)),
            "span": f"[{event['start']}, {event['end']})",
            "quote": _short(texts[tid][event["start"]:event["end"]]), "rule": rule,
            "result": result, "status": event["status"], "event": event["id"],
            "coding_ids": list(event["coding_ids"]), "removed_ids": list(event["removed_ids"]),
        })
    return rows


@click.group("reconcile")
def reconcile_group() -> None:
    """How the consensus coding was reached (reconcile decisions)."""


@reconcile_group.command("log")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from the -o suffix, else table).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (owner-only; CSV starts with a BOM for Excel).")
@pass_project
def log_cmd(project: Project, fmt: str | None, output: str | None) -> None:
    """List every reconcile decision: rule, compared coders, stretch and result.

    Each row is one decision made in the reconcile screen, oldest first. "rule" is
    take CODER, union, intersection, reject (the consensus codes nothing there) or
    agreed (every coder coded the stretch identically, copied with g). "status" is
    in effect, replaced (decided again later) or undone.
    """
    fmt = pick_format(fmt, output, "table")
    if fmt not in FORMATS:  # e.g. -o log.xlsx: a text table in it would not open
        raise UserError(f"the reconcile log is written as a table (.txt), .csv or .json, "
                        f"not {fmt}", path=output)
    rows = log_rows(project.store())
    if not rows and fmt == "table":
        text = NOTHING + "\n"
    elif fmt == "json":
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, "event"], extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
    else:
        text = _table(rows)
    if output:
        write_private(output, text)
        click.echo(f"Wrote {plural(len(rows), 'reconcile decision')} to {output}", err=True)
    else:
        click.echo(text, nl=False)


def _table(rows: list[dict[str, Any]]) -> str:
    """An aligned plain-text table of the log's columns."""
    # Seconds are enough on screen; CSV and JSON keep the full timestamp for audits.
    return format_table([{**row, "time": _when(row["time"])} for row in rows], COLUMNS)


def _when(stamp: str) -> str:
    """``2026-11-27T05:17:05.416575+00:00`` as ``2026-11-27 05:17:05``."""
    return stamp[:19].replace("T", " ")


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    cli.add_command(reconcile_group)
