"""``qcahp reconcile log``: how each consensus coding was reached.

The reconcile screen records every decision (take a coder's spans, union,
intersection, reject, copy an agreed stretch) as a ``reconcile`` event in the
append-only log. This command reads them back for a methods section or an audit:
when, who decided, into which consensus coder, which coders were compared, the
theme, transcript, span and a short quote of the disagreement, the rule taken and
the resulting consensus coding(s), and whether the decision is still in effect.

Decisions merged in from a coder's copy (``qcahp merge``) are listed as they were
made there, with the file they came from. A consensus coding that no decision
accounts for (made before the log existed, merged in without one, coded by hand
or imported) is listed too, as a row whose rule says so, and the closing summary
line counts both: the log accounts for every consensus coding in the project.
"""

from __future__ import annotations

import json
from typing import Any

import click

from qualcoder_ahp.cli.common import (
    Project,
    format_table,
    output_format,
    pass_project,
    plural,
    say,
    table_width,
    write_output,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.reconcile_store import (
    RECONCILE_RULES,
    STATUSES,
    UNRECORDED,
    ReconcileRecord,
)
from qualcoder_ahp.reports.writers import csv_records, pick_format, shorten, wrap_note

FORMATS = ("table", "csv", "json")
COLUMNS = ("time", "by", "consensus", "compared", "theme", "theme_name", "transcript", "span",
           "quote", "rule", "result", "status")
NARROW_COLUMNS = ("time", "by", "theme", "transcript", "span")
"""A narrow terminal's row; the rule, status, result and quote go on a line under it."""
EXTRA = ("source", "event")
"""Columns the CSV adds (the table shows ``source`` only when a row has one)."""
QUOTE_CHARS = 60
"""Characters of the disagreement stretch shown in the table's quote column (CSV and JSON
carry the whole stretch, for citing it in a methods appendix)."""
NOTHING = "No reconcile decisions recorded in this project yet (decide disagreements in the "\
          "workbench's reconcile screen, then run this again)."


def _short(text: str, limit: int = QUOTE_CHARS) -> str:
    """One line, cut at ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def log_rows(store: Any, entries: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Reconcile decisions and unrecorded consensus codings as flat rows (oldest first).

    Args:
        store: the project.
        entries: :attr:`ReconcileRecord.entries` (default: every one, unfiltered).
    """
    if entries is None:
        entries = store.reconcile_record().entries
    names = {t.id: t.name for t in store.themes()}
    transcripts = {t.id: (t.name if t.version == 1 else f"{t.name}@{t.version}")
                   for t in store.transcripts()}
    texts: dict[int, str] = {}
    rows = []
    for event in entries:
        tid = event["transcript_id"]
        if tid not in texts:
            texts[tid] = store.transcript_text(tid)
        spans = [(c.id, c.start, c.end) for c in
                 (store.coding(cid) for cid in event["coding_ids"])]
        if event["rule"] == UNRECORDED:
            rule = f"consensus coding (no reconcile record: {event['reason']})"
        else:
            rule = event["rule"] + (f" {event['taken_from']}" if event.get("taken_from") else "")
        result = "; ".join(f"#{i} [{s}, {e})" for i, s, e in spans) or "none (rejected)"
        source = event.get("source")
        rows.append({
            "time": event["at"], "by": event.get("decided_by") or "",
            "consensus": event["coder"],
            "compared": ", ".join(event["compared"]), "theme": event["theme_id"],
            "theme_name": names.get(event["theme_id"], ""),
            "transcript": transcripts.get(tid, str(tid)),
            "span": f"[{event['start']}, {event['end']})",
            "quote": " ".join(texts[tid][event["start"]:event["end"]].split()), "rule": rule,
            "result": result, "status": event["status"],
            "source": f"merged from {source}" if source else "",
            "event": event["id"],
            "recorded": event["rule"] != UNRECORDED,
            "coding_ids": list(event["coding_ids"]), "removed_ids": list(event["removed_ids"]),
        })
    return rows


def summary(record: ReconcileRecord, filters: dict[str, str]) -> str:
    """One line accounting for every decision and every consensus coding.

    ``12 reconcile decisions (11 in effect, 1 undone); 30 consensus codings: 27 made by
    these decisions, 3 without a reconcile record (listed).`` With filters, how many
    of each are shown comes first.
    """
    states = [f"{sum(e['status'] == s for e in record.decisions)} {s}" for s in STATUSES
              if any(e["status"] == s for e in record.decisions)]
    unrecorded = len(record.unrecorded)
    line = (f"{plural(len(record.decisions), 'reconcile decision')}"
            + (f" ({', '.join(states)})" if states else "")
            + f"; {plural(record.consensus_codings, 'consensus coding')}: "
            f"{record.consensus_codings - unrecorded} made by these decisions, "
            f"{unrecorded} without a reconcile record"
            + (" (listed)." if unrecorded and not filters else "."))
    clash = record.conflicts
    if clash:
        ids = "; ".join(f"events {a} and {b}" for a, b in clash[:5]) + (
            " ..." if len(clash) > 5 else "")
        line += (f" {plural(len(clash), 'pair')} of decisions in effect overlap on one stretch "
                 f"({ids}): decide them again in the reconcile screen.")
    if not filters:
        return line
    shown = sum(e["rule"] != UNRECORDED for e in record.entries)
    how = ", ".join(f"--{k} {v}" for k, v in filters.items())
    return (f"Shown ({how}): {shown} of {plural(len(record.decisions), 'reconcile decision')}, "
            f"{len(record.entries) - shown} of {unrecorded} consensus codings without a record. "
            f"In all: {line}")


@click.group("reconcile")
def reconcile_group() -> None:
    """How the consensus coding was reached (reconcile decisions)."""


@reconcile_group.command("log")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from the -o suffix, else table).")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False), default=None,
              help="Write to FILE (owner-only) instead of the terminal; CSV starts with a "
                   "BOM for Excel.")
@click.option("--theme", default=None, metavar="ID",
              help="Only this theme (a folder: every theme under it).")
@click.option("--transcript", default=None, metavar="NAME|ID",
              help="Only this transcript (a bare name: every version of it).")
@click.option("--rule", default=None, metavar="RULE",
              help=f"Only this rule: {', '.join(RECONCILE_RULES)}, or {UNRECORDED} "
                   "(consensus codings without a reconcile record).")
@click.option("--by", default=None, metavar="CODER", help="Only decisions this coder made.")
@click.option("--status", default=None, metavar="STATUS",
              help=f"Only decisions {', '.join(repr(s) for s in STATUSES)}.")
@pass_project
def log_cmd(project: Project, fmt: str | None, output: str | None, theme: str | None,
            transcript: str | None, rule: str | None, by: str | None,
            status: str | None) -> None:
    """List every reconcile decision: rule, compared coders, stretch and result.

    Each row is one decision made in the reconcile screen (here, or in a copy merged
    in with qcahp merge: see "source"), oldest first. "rule" is take CODER, union,
    intersection, reject (the consensus codes nothing there) or agreed (every coder
    coded the stretch identically, copied with g). "status" is in effect, replaced
    (decided again later) or undone. A consensus coding no decision accounts for
    is a row of its own, its rule saying why ("consensus coding (no reconcile
    record: merged from ben.db)"); the last line counts both.
    """
    chosen = pick_format(fmt, output, "table")
    if chosen not in FORMATS:  # e.g. -o log.xlsx: a text table in it would not open
        raise UserError(f"the reconcile log is written as a table (.txt), .csv or .json, "
                        f"not {chosen}", path=output)
    # As every -o: an unknown suffix (-o log.foo) or a missing folder is refused before
    # any work, instead of a table written under a name no program opens.
    fmt = output_format(fmt, output, FORMATS, "table")
    filters = {k: v for k, v in (("theme", theme), ("transcript", transcript), ("rule", rule),
                                 ("by", by), ("status", status)) if v is not None}
    store = project.store()
    record = store.reconcile_record(theme=theme, transcript=transcript, rule=rule, by=by,
                                    status=status)
    rows = log_rows(store, record.entries)
    line = summary(record, filters)
    width = table_width()  # (None into a file or a pipe: whole lines)

    def wrapped(message: str) -> str:  # NOTHING ran to 132 columns at 80
        return "".join(f"{w}\n" for w in wrap_note(message, width))

    if not record.decisions and not record.unrecorded and fmt == "table":
        text = wrapped(NOTHING)
    elif fmt == "json":
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = csv_records([*COLUMNS, *EXTRA], rows)
    elif not rows:
        text = wrapped(f"No reconcile decisions or consensus codings match.\n{line}")
    else:
        text = _table(rows) + "\n" + line + "\n"
    if output:
        write_output(output, text, plural(len(rows), "row"), tail=line)
    else:
        click.echo(text, nl=False)
        if fmt != "table":  # CSV and JSON stay machine-readable; the count goes to stderr
            say(line)


def _table(rows: list[dict[str, Any]]) -> str:
    """An aligned plain-text table of the log's columns.

    On a terminal too narrow for them all (twelve columns, about 150 characters, which
    an 80-column terminal wrapped into a jumble) each decision takes two lines: when,
    who, theme, transcript and span on its row, and under it the rule, the status, the
    quote and the resulting coding.
    """
    # Seconds are enough on screen; CSV and JSON keep the full timestamp for audits.
    sourced = any(row["source"] for row in rows)
    columns = [*COLUMNS, "source"] if sourced else COLUMNS
    shown = [{**row, "time": _when(row["time"]), "quote": _short(row["quote"])}
             for row in rows]
    text = format_table(shown, columns)
    width = table_width()
    if width is None or max(map(len, text.splitlines())) <= width:
        return text
    lines = format_table(shown, NARROW_COLUMNS).splitlines()
    out = lines[:2]
    for line, row in zip(lines[2:], rows, strict=True):
        quote = " ".join(row["quote"].split())
        result = row["result"] or "no coding"
        source = f" (from {row['source']})" if sourced and row["source"] else ""
        out += [line, shorten(f"    {row['rule']} · {row['status']}{source} · {result} · "
                              f"“{quote}”", width)]
    return "\n".join(out) + "\n"


def _when(stamp: str) -> str:
    """``2026-11-27T05:17:05.416575+00:00`` as ``2026-11-27 05:17:05``."""
    return stamp[:19].replace("T", " ")


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    cli.add_command(reconcile_group)
