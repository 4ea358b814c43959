"""``qcahp log``, ``qcahp undo`` and ``qcahp redo``: the audit trail, and undo from scripts.

Every decision is an event in the append-only log (:mod:`qualcoder_ahp.model.decisions`).
``qcahp log`` lists them in words (:mod:`qualcoder_ahp.model.audit`), for a methods
section, an audit or a look at what a colleague did; ``qcahp undo``/``redo`` take back a
coder's last decision exactly as ``u``/``r`` in the workbench do, so a script that made
decisions (``qcahp decide``, ``qcahp search --code``, ``qcahp codebook edit-theme``...) can
take them back too.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from qualcoder_ahp.cli.common import (
    Project,
    check_theme,
    output_format,
    pass_project,
    plural,
    table_width,
    write_output,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.audit import EVENT_KINDS, LogEntry, audit_log, parse_when
from qualcoder_ahp.model.event_words import EventWords
from qualcoder_ahp.model.store import Store, now
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.text_table import (
    to_table,
)
from qualcoder_ahp.reports.writers import (
    Narrowing,
    Sheet,
    shown_time,
    to_csv,
    to_markdown,
    to_xlsx,
)
from qualcoder_ahp.suggest.sre_tree import gc_paused

FORMATS = ("table", "csv", "xlsx", "json", "md")
SCREEN_LIMIT = 50
"""Events a table on the terminal shows unless ``--limit`` says otherwise (the newest)."""
COLUMNS = ["event", "time", "coder", "kind", "transcript", "theme", "what"]
"""The log's columns: "what" last, so a long description wraps after the others on a
terminal instead of pushing them off it."""
SCREEN_NARROWING = Narrowing(under=("what",))
"""On a terminal too narrow for a "what" column of
:data:`~qualcoder_ahp.reports.text_table.UNDER_LEAST` cells, each event's words go on a line
of their own under its row (the shared rule of the fitted tables)."""


def _transcript_ids(store: Store, ref: str) -> list[int]:
    """The transcript ids ``--transcript`` means: a bare name is every version of it."""
    from qualcoder_ahp.reports.data import find_transcript

    found = find_transcript(store, ref)
    if ref.isdigit() or "@" in ref:
        return [found.id]
    return [t.id for t in store.transcripts() if t.name == found.name]


def log_sheet(entries: list[LogEntry], *, screen: bool) -> Sheet:
    """One row per event (the table, CSV, XLSX and Markdown).

    On the ``screen`` (the terminal's table) times are shown to the second and an event
    about several transcripts or themes names the first and how many more
    (``dietitian_grace +3``, as ``qcahp suggestions`` shows patterns); files keep the
    whole timestamp and every name.
    """
    def names(items: list[str]) -> str:
        if screen and len(items) > 2:
            return f"{items[0]} +{len(items) - 1}"
        return ", ".join(items)

    return Sheet("log", list(COLUMNS), [
        [e.id, shown_time(e.at, seconds=True) if screen else e.at, e.coder or "", e.kind,
         names(e.transcripts), names(e.themes), e.what] for e in entries],
        wrap={"what"}, shrink=dict.fromkeys(("what", "transcript", "theme"), "end"),
        narrow=SCREEN_NARROWING if screen else None, times={"time"})


def log_table(entries: list[LogEntry], width: int | None) -> str:
    """The terminal's log, fitted to ``width`` (``None``: as wide as it takes).

    "what" gives way first (cut with ``…``); where it would be narrower than
    :data:`~qualcoder_ahp.reports.text_table.UNDER_LEAST` cells (an 80-column terminal),
    each event takes two lines, its words under its row (:data:`SCREEN_NARROWING`), so
    that a narrow terminal still reads what was decided.
    """
    return to_table([log_sheet(entries, screen=True)], width=width)


def log_json(entries: list[LogEntry]) -> list[dict[str, Any]]:
    """Every event with its words and its record as stored (``payload``), but a merged
    copy's or a REFI-QDA file's path by its file name (it held the researcher's login)."""
    return [{"event": e.id, "time": e.at, "coder": e.coder, "kind": e.kind, "what": e.what,
             "transcripts": e.transcripts, "themes": e.themes,
             "payload": _named(e.payload) if e.kind in ("merge", "refi_import") else e.payload}
            for e in entries]


def _named(payload: Any) -> Any:
    """A ``merge`` or ``refi_import`` record with its ``source``/``file`` as a file name."""
    from qualcoder_ahp.model.event_words import file_name

    if not isinstance(payload, dict):
        return payload
    return {k: file_name(v) if k in ("source", "file") else v for k, v in payload.items()}


@click.command("log")
@click.option("--coder", metavar="NAME",
              help="Only this coder's events, reconcile decisions they made, and "
                   "others' that moved their work (marked [NAME's work: ...]).")
@click.option("--transcript", metavar="NAME|ID",
              help="Only events about this transcript (a bare name: every version).")
@click.option("--theme", metavar="ID", help="Only events about this theme.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(EVENT_KINDS),
              metavar="KIND", help=f"Only this kind (repeatable): {', '.join(EVENT_KINDS)}.")
@click.option("--since", metavar="DATE",
              help="Only events on or after DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC).")
@click.option("--until", metavar="DATE",
              help="Only events up to DATE (a bare date: to the end of that day; "
                   "YYYY-MM-DDTHH:MM: to the end of that minute; UTC).")
@click.option("--limit", type=click.IntRange(min=0), metavar="N",
              help=f"Only the newest N events; 0 for all [default: {SCREEN_LIMIT} in a table "
                   "on the terminal, all otherwise].")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format [default: from the -o suffix, else table].")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write to FILE (owner-only) instead of the terminal.")
@pass_project
def log_cmd(project: Project, coder: str | None, transcript: str | None, theme: str | None,
            kinds: tuple[str, ...], since: str | None, until: str | None, limit: int | None,
            fmt: str | None, output: str | None) -> None:
    """The audit trail: every decision, who made it and when, in words.

    One row per event of the project's append-only log, oldest first: accepting,
    rejecting or adjusting a suggestion, coding by hand, removing, memos, undo and
    redo, codings of search hits, theme additions, edits and merges, reconcile
    decisions, merges of coders' copies, REFI-QDA imports and redactions. Times are
    UTC. JSON keeps each event's record as stored ("payload").

    \b
    Examples:
      qcahp log --coder ana --since 2026-11-01
      qcahp log --theme serendipity --kind theme_edit --kind theme_merge
      qcahp log -o audit-trail.xlsx
    """
    fmt = output_format(fmt, output, FORMATS, "table")
    store = project.store()
    if coder is not None:
        coder = coder.strip()  # as the store names coders
        if coder not in store.coders():
            _renamed_coder(store, coder)
        store.coder_id(coder)  # a misspelt coder is an error naming the known ones
    check_theme(store, theme)
    start = parse_when(since, "--since") if since else None
    end = parse_when(until, "--until", end=True) if until else None
    if start is not None and end is not None and start >= end:
        raise UserError(f"--since {since} is not before --until {until}")
    ids = _transcript_ids(store, transcript) if transcript is not None else None
    if limit is None and fmt == "table" and not output:
        limit = SCREEN_LIMIT
    filtered = any(v for v in (coder, transcript, theme, kinds, since, until))

    def made() -> tuple[str | bytes, int, int]:
        """The output, how many events it shows and how many matched."""
        entries, matched = audit_log(store, coder=coder, transcript_ids=ids, theme=theme,
                                     kinds=kinds, since=start, until=end,
                                     limit=limit or None,
                                     payloads=fmt == "json")  # only JSON shows the records
        content: str | bytes
        if fmt == "table":
            if not entries:
                content = ("No events match.\n" if filtered else
                           "No decisions recorded in this project yet.\n")
            else:
                content = log_table(entries, table_width())
        elif fmt == "csv":
            content = to_csv(log_sheet(entries, screen=False))
        elif fmt == "md":
            content = to_markdown([log_sheet(entries, screen=False)])
        elif fmt == "json":
            content = json.dumps({"events": log_json(entries)}, indent=2,
                                 ensure_ascii=False) + "\n"
        else:
            content = to_xlsx([log_sheet(entries, screen=False), ex.about_sheet({
                "report": "log (audit trail)", "database": str(project.path),
                "filters": _filters(coder, transcript, theme, kinds, since, until) or "none",
                "events": f"{len(entries)} of {matched} matching", "exported_at": now()})])
        return content, len(entries), matched

    # A whole log is a few small objects per event (its entry, row and cells: 140,000
    # events) that live until it is written: each collection they set off walked them
    # all again, a third of the time. Paused while they are made, and let go before
    # the one collection at the end (gc_paused).
    with gc_paused():
        content, shown, matched = made()
    if output:
        write_output(output, content, plural(shown, "event"))
        return
    click.echo(content if isinstance(content, str) else content.decode(), nl=False)
    if shown < matched:
        click.echo(f"Showing the newest {shown} of {plural(matched, 'event')} "
                   "(--limit 0 shows all).", err=True)


def _renamed_coder(store: Store, coder: str) -> None:
    """Refuse a coder's earlier name (renamed, or joined into another) by naming the coder
    it became: their events, those made under the old name too, are under that name now."""
    from qualcoder_ahp.model.coders_store import coder_names, shell_arg

    became = coder_names(store.conn).now(coder)
    if became:
        raise UserError(f"{coder!r} was renamed or joined: the coder is {became!r} now, and "
                        f"--coder {shell_arg(became)} lists their events, those made as "
                        f"{coder!r} too")


def _filters(coder: str | None, transcript: str | None, theme: str | None,
             kinds: tuple[str, ...], since: str | None, until: str | None) -> str:
    """The filters of a log as options, for the XLSX's about sheet."""
    parts = [f"--{k} {v}" for k, v in (("coder", coder), ("transcript", transcript),
                                        ("theme", theme), ("since", since), ("until", until))
             if v is not None]
    return " ".join(parts + [f"--kind {k}" for k in kinds])


def _undo_or_redo(project: Project, coder: str, steps: int, step: str) -> None:
    """Undo or redo ``steps`` of this coder's decisions, one line each."""
    store = project.store()
    coder = coder.strip()  # as the store names coders
    store.coder_id(coder)  # an unknown coder is an error naming the known ones
    # In one transaction, the log read once: --steps 33259 (a copy-agreed taken back)
    # read the consensus coder's whole log once a step, for half an hour.
    taken = (store.undo_steps(coder, steps) if step == "undo"
             else store.redo_steps(coder, steps))
    words = EventWords(store)
    for target in taken:
        click.echo(words.undo_words(target, step).what)
    done = len(taken)
    if done == 0:
        merged = store.merged_decisions(coder)
        # "Nothing to undo for ana" beside her 551 merged decisions read as lost work.
        why = (f" here: {plural(merged, 'event')} of theirs came in with qcahp merge, and "
               f"{'is' if merged == 1 else 'are'} {step}ne in their copy (then merge it "
               "again)" if merged else "")
        click.echo(f"Nothing to {step} for {coder}{why}.", err=True)
        sys.exit(1)
    if done < steps:
        click.echo(f"Nothing more to {step} for {coder} ({done} of {steps} steps).", err=True)


_STEPS = click.option("--steps", type=click.IntRange(min=1), default=1, show_default=True,
                      metavar="N", help="How many decisions, newest first.")
_CODER = click.option("--coder", required=True, metavar="NAME", help="Whose decisions.")


@click.command("undo")
@_CODER
@_STEPS
@pass_project
def undo_cmd(project: Project, coder: str, steps: int) -> None:
    """Undo a coder's last decision, as u in the workbench does.

    Prints what was undone, in the words of `qcahp log`. The undo is an event too:
    nothing is deleted, and `qcahp redo` brings the decision back. Nothing left to
    undo is a message on stderr and exit status 1; a refused undo (a theme edited
    again since, a new theme that holds codings) changes nothing.

    \b
    Examples:
      qcahp undo --coder ana
      qcahp undo --coder ana --steps 3
    """
    _undo_or_redo(project, coder, steps, "undo")


@click.command("redo")
@_CODER
@_STEPS
@pass_project
def redo_cmd(project: Project, coder: str, steps: int) -> None:
    """Redo a coder's last undone decision, as r in the workbench does.

    Prints what was redone, in the words of `qcahp log`. A new decision after an
    undo clears what can be redone, as in the workbench; nothing to redo is a message
    on stderr and exit status 1.
    """
    _undo_or_redo(project, coder, steps, "redo")


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    for command in (log_cmd, undo_cmd, redo_cmd):
        cli.add_command(command)
