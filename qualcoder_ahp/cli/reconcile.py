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
    progress_bar,
    say,
    table_width,
    write_output,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.reconcile_store import (
    CONSENSUS_CODER,
    RECONCILE_RULES,
    STATUSES,
    UNRECORDED,
    ReconcileRecord,
)
from qualcoder_ahp.reports.text_table import (
    shorten,
    wrap_note,
)
from qualcoder_ahp.reports.writers import (
    csv_records,
    pick_format,
    shown_time,
)
from qualcoder_ahp.suggest.sre_tree import gc_paused

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
          "workbench's reconcile screen, or with `qcahp reconcile decide`, then run this again)."


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
    transcripts = {t.id: t.label for t in store.transcripts()}
    texts: dict[int, str] = {}
    # Every decision's codings in a query per 500, not one query each (32,000 of them),
    # and only their spans: the result column shows nothing else of them.
    found = store.spans_by_id(cid for event in entries for cid in event["coding_ids"])

    def span(cid: int) -> tuple[int, int, int]:
        if cid in found:
            return (cid, *found[cid])
        gone = store.coding(cid)  # raises: no coding with that id
        return gone.id, gone.start, gone.end

    rows = []
    for event in entries:
        tid = event["transcript_id"]
        if tid not in texts:
            texts[tid] = store.transcript_text(tid)
        spans = [span(cid) for cid in event["coding_ids"]]
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
    states = [f"{sum(e['status'] == s for e in record.decisions):,} {s}" for s in STATUSES
              if any(e["status"] == s for e in record.decisions)]
    unrecorded = len(record.unrecorded)
    line = (f"{plural(len(record.decisions), 'reconcile decision')}"
            + (f" ({', '.join(states)})" if states else "")
            + f"; {plural(record.consensus_codings, 'consensus coding')}: "
            f"{record.consensus_codings - unrecorded:,} made by these decisions, "
            f"{unrecorded:,} without a reconcile record"
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
    return (f"Shown ({how}): {shown:,} of "
            f"{plural(len(record.decisions), 'reconcile decision')}, "
            f"{len(record.entries) - shown:,} of {unrecorded:,} consensus codings without a "
            f"record. In all: {line}")


@click.group("reconcile")
def reconcile_group() -> None:
    """How the consensus coding was reached (reconcile decisions)."""


@reconcile_group.command(
    "log", short_help="List the reconcile decisions: rule, coders, stretch, result.")
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
                   "(consensus codings without a reconcile record). reject also finds "
                   "take CODER where that coder coded nothing (the consensus codes nothing "
                   "there either).")
@click.option("--by", default=None, metavar="CODER",
              help="Only decisions this coder made (under earlier names too).")
@click.option("--status", default=None, metavar="STATUS",
              help=f"Only decisions {', '.join(repr(s) for s in STATUSES)}.")
@pass_project
def log_cmd(project: Project, fmt: str | None, output: str | None, theme: str | None,
            transcript: str | None, rule: str | None, by: str | None,
            status: str | None) -> None:
    """List every reconcile decision: rule, compared coders, stretch and result.

    Each row is one decision made in the reconcile screen (here, or in a copy merged
    in with qcahp merge: see "source"), oldest first. "rule" is take CODER, union,
    intersection, reject (the consensus codes nothing there; --rule reject also lists
    take CODER where that coder coded nothing) or agreed (every coder coded the
    stretch identically, copied with g). "status" is in effect, replaced
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
    # Every decision is a few small objects (its entry, row and cells: 32,000 decisions
    # after copy-agreed at 1M words) that live until the log is written: each
    # collection they set off walked them all again, a third of the time. Paused while
    # they are made, as `qcahp log` does (gc_paused), and let go (_log_text returns)
    # before the one collection at the end, which walked them too: 0.4 s.
    with gc_paused():
        text, line, shown = _log_text(store, fmt, filters)
    if output:
        write_output(output, text, plural(shown, "row"), tail=line)
    else:
        click.echo(text, nl=False)
        if fmt != "table":  # CSV and JSON stay machine-readable; the count goes to stderr
            say(line)


def _log_text(store: Any, fmt: str, filters: dict[str, str]) -> tuple[str, str, int]:
    """The log as ``fmt`` (table, csv or json) of the decisions ``filters`` select, its
    summary line and the number of rows."""
    record = store.reconcile_record(**filters)
    rows = log_rows(store, record.entries)
    line = summary(record, filters)
    return _formatted(record, rows, line, fmt), line, len(rows)


def _formatted(record: ReconcileRecord, rows: list[dict[str, Any]], line: str,
               fmt: str) -> str:
    """The rows as ``fmt`` (table, csv or json) with the summary ``line``."""
    width = table_width()  # (None into a file or a pipe: whole lines)

    def wrapped(message: str) -> str:  # NOTHING ran to 132 columns at 80
        return "".join(f"{w}\n" for w in wrap_note(message, width))

    if not record.decisions and not record.unrecorded and fmt == "table":
        return wrapped(NOTHING)
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return csv_records([*COLUMNS, *EXTRA], rows)
    if not rows:
        return wrapped(f"No reconcile decisions or consensus codings match.\n{line}")
    return _table(rows) + "\n" + wrapped(line)  # it ran to 143 columns at 80


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
    shown = [{**row, "time": shown_time(row["time"], seconds=True), "quote": _short(row["quote"])}
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


# ---------------------------------------------------------------- deciding from a script
DECIDE_RULES = ("take", "union", "intersection", "reject")
CODER_SETTING = "coder"
"""The project setting holding the workbench's remembered coder (``tui.app.CODER_SETTING``;
not imported from there, which would load Textual for a CLI command)."""

_coders_opt = click.option(
    "--coders", default=None, metavar="A,B[,C...]",
    help="The coders compared [default: the two coders who coded, as `qcahp agreement` "
         "picks them: a coding or a decision, the consensus left out].")
_by_opt = click.option(
    "--by", "by", default=None, envvar="QCAHP_CODER", metavar="NAME",
    help="Who decides (logged as decided_by) [default: $QCAHP_CODER, else the workbench's "
         "coder remembered in the project].")
_consensus_opt = click.option(
    "--consensus", default=CONSENSUS_CODER, show_default=True, metavar="NAME",
    help="The coder decided into.")


def _decider(store: Any, by: str | None) -> str:
    """``--by``, ``$QCAHP_CODER`` or the workbench's remembered coder, as the screen's."""
    name = (by or "").strip() or (store.get_setting(CODER_SETTING) or "").strip()
    if not name:
        raise UserError("say who decides: --by NAME (or set QCAHP_CODER)")
    return name


def _compared(store: Any, coders: str | None, consensus: str) -> list[str]:
    """The coders compared: ``--coders``, else every coder who coded, as ``qcahp
    agreement`` and ``qcahp methods`` pick them (a coding or a decision on a suggestion;
    no consensus coder: :meth:`Store.coders_who_coded`), when that
    is two. By a rule of its own, a coder who only rejected suggestions was left out, and
    a consensus decided into under another name (``--consensus agreed``) was one of "3
    coders have coded" where the agreement had compared two."""
    if coders is not None:
        names = list(dict.fromkeys(c.strip() for c in coders.split(",") if c.strip()))
        if consensus in names:
            raise UserError(f"--coders names the consensus coder {consensus!r}: compare the "
                            "coders, decide into the consensus")
        if len(names) < 2:  # it said "agreement needs two or more different coders"
            raise UserError(f"reconciling needs two or more different coders, and --coders "
                            f"names {len(names)} ({', '.join(names) or 'none'}): --coders A,B")
        return names
    found = [c for c in store.coders_who_coded() if c != consensus]
    if len(found) > 2:
        raise UserError(f"{len(found)} coders have coded ({', '.join(found)}): name the "
                        "ones to compare with --coders A,B")
    if len(found) < 2:
        have = f"only {found[0]} has coded" if found else "nobody has coded yet"
        raise UserError(f"reconciling needs two coders and {have}: a second coder codes a "
                        "copy of the project (qcahp merge brings it in), or name them with "
                        "--coders A,B")
    return found


def _stretches(store: Any, compared: list[str], theme: str | None,
               transcript: str | None) -> tuple[list[Any], list[Any], Any]:
    """The disagreement and agreed stretches, as the reconcile screen computes them, and
    the corpus they come from (who coded which transcript)."""
    from qualcoder_ahp.agreement.compute import collect
    from qualcoder_ahp.agreement.reconcile import reconcile_stretches

    if is_blind(store):
        # The reconcile screen stays closed while coders code blind; so does this.
        raise UserError("blind coding is on: reconcile after `qcahp blind off`")
    corpus = collect(store, compared, theme=theme, transcript=transcript)
    return (*reconcile_stretches(corpus), corpus)


def is_blind(store: Any) -> bool:
    """Whether blind coding is on (``tui.follow.is_blind``, without loading Textual)."""
    return bool(store.get_setting("blind", "0") == "1")


def _state(store: Any, item: Any, consensus: str) -> str | None:
    """What the consensus holds in the stretch now, in words, or None when undecided
    (the screen's test: :func:`~qualcoder_ahp.reports.reconcile_state.stretch_state`)."""
    from qualcoder_ahp.reports.reconcile_state import stretch_state

    return stretch_state(item, consensus, store.codings(
        transcript_id=item.transcript_id, coder=consensus, theme_id=item.theme_id),
        store.reconcile_log())


@reconcile_group.command(
    "decide", short_help="Decide one disagreement into the consensus coder.")
@click.argument("rule", type=click.Choice(DECIDE_RULES), metavar="RULE")
@click.argument("coder", required=False, metavar="[CODER]")
@click.option("--transcript", required=True, metavar="NAME",
              help="The transcript (NAME is its latest version, NAME@2 one version).")
@click.option("--theme", required=True, metavar="ID", help="The theme.")
@click.option("--at", "at", required=True, type=click.IntRange(min=0), metavar="N",
              help="A character offset inside the disagreement: the start column of "
                   "`qcahp disagreements` (unit character) for that theme and transcript.")
@_coders_opt
@_by_opt
@_consensus_opt
@click.option("--replace", is_flag=True,
              help="Decide a stretch already decided again (the screen's second key press).")
@pass_project
def decide_cmd(project: Project, rule: str, coder: str | None, transcript: str, theme: str,
               at: int, coders: str | None, by: str | None, consensus: str,
               replace: bool) -> None:
    """Decide one disagreement into the consensus coder, as the reconcile screen does.

    RULE is take CODER (the consensus takes that coder's spans there), union,
    intersection (what every coder coded; refused when that is nothing) or reject (the
    consensus codes nothing there). The disagreement is the stretch of overlapping
    codings of --theme in --transcript that holds character --at. One transaction and
    one logged reconcile event, read by `qcahp reconcile log` and `qcahp log` as a
    decision made in the screen; `qcahp undo --coder consensus` takes it back.

    \b
    Examples:
      qcahp disagreements --coders ana,ben --format json
      qcahp reconcile decide take ben --transcript physio_helen
            --theme serendipity --at 1652 --coders ana,ben --by lead
      qcahp reconcile decide reject --transcript physio_helen
            --theme visibility --at 88 --coders ana,ben --replace
    """
    store = project.store()
    if (coder is None) != (rule != "take"):
        raise UserError("take needs the coder whose spans to take (take CODER)" if coder is None
                        else f"{rule} takes no coder ({coder!r}); only take CODER does")
    decider = _decider(store, by)
    compared = _compared(store, coders, consensus)
    store.refuse_consensus_target(consensus)  # before "already decided: cai codes ..."
    if coder is not None and coder not in compared:
        raise UserError(f"take {coder}: not one of the coders compared ({', '.join(compared)})")
    known = [t.id for t in store.themes()]
    if theme not in known:  # as every --theme answers a typo: the closest id, the ids
        from qualcoder_ahp.reports.data import unknown_theme

        raise unknown_theme(theme, known, store.merged_into())
    found = store.theme(theme)
    if not found.codable:
        raise UserError(f"theme {theme!r} is a folder: name one of the themes under it")
    items, agreed, corpus = _stretches(store, compared, theme, transcript)
    name = store.transcript(transcript)
    where = f"{theme} in {transcript}"
    item = next((it for it in items if it.start <= at < it.end), None)
    rated = corpus.raters.get(name.id, ())
    if item is None and len(rated) < 2:
        # It said "t3 has none of that theme" of a theme one coder had coded there.
        idle = [c for c in compared if c not in rated]
        raise UserError(f"no disagreement of {where} to decide: {' and '.join(idle)} made no "
                        f"coding or decision in {transcript} yet, so {transcript} is not "
                        f"compared between {', '.join(compared)}")
    if item is None:
        same = next((it for it in agreed if it.start <= at < it.end), None)
        if same is not None:
            raise UserError(f"no disagreement of {where} at {at}: {', '.join(compared)} coded "
                            f"[{same.start}, {same.end}) identically (`qcahp reconcile "
                            "copy-agreed` copies it)")
        listed = "; ".join(f"[{it.start}, {it.end})" for it in items[:8]) + (
            " ..." if len(items) > 8 else "")
        raise UserError(f"no disagreement of {where} at {at} between {', '.join(compared)}"
                        + (f" (its disagreements: {listed})" if items else
                           f" ({name.name} has none of that theme)"))
    stretch = f"{where} [{item.start}, {item.end})"
    if rule == "take":
        assert coder is not None
        if not item.rated(coder):
            raise UserError(f"{coder} did not code {item.transcript}; choose another coder")
        spans = list(item.of(coder))
    elif rule == "union":
        spans = item.union()
    elif rule == "intersection":
        spans = item.intersection()
        if not spans:
            raise UserError(f"the coders share no span in {stretch}; choose a coder, union "
                            "or reject")
    else:
        spans = []
    with store.write():
        state = _state(store, item, consensus)
        if state is not None and not replace:
            raise UserError(f"{stretch} is already decided: {state}; --replace decides it "
                            "again")
        store.ensure_coder(decider)  # as the workbench registers its coder
        made = store.reconcile(item.transcript_id, item.theme_id, consensus, spans, rule=rule,
                               compared=[c for c, _ in item.spans], start=item.start,
                               end=item.end, taken_from=coder, decided_by=decider)
    how = f"{rule} {coder}" if coder else rule
    result = (", ".join(f"#{cid} [{s}, {e})" for cid, (s, e) in zip(made, spans, strict=True))
              if made else "nothing (rejected)")
    again = f" (replacing: {state})" if state is not None else ""
    click.echo(f"Decided {stretch} by {how} as {decider}: {consensus} codes {result}{again}.")


@reconcile_group.command(
    "copy-agreed", short_help="Copy what the coders coded alike into the consensus.")
@click.option("--transcript", default=None, metavar="NAME",
              help="Only this transcript (its latest version, or NAME@2).")
@click.option("--theme", default=None, metavar="ID",
              help="Only this theme (a folder: every theme under it).")
@_coders_opt
@_by_opt
@_consensus_opt
@pass_project
def copy_agreed_cmd(project: Project, transcript: str | None, theme: str | None,
                    coders: str | None, by: str | None, consensus: str) -> None:
    """Copy every stretch the coders coded identically into the consensus (the screen's g).

    Stretches the consensus already codes are left as they are. One transaction, one
    logged reconcile event per stretch (rule agreed).
    """
    store = project.store()
    decider = _decider(store, by)
    compared = _compared(store, coders, consensus)
    store.refuse_consensus_target(consensus)  # before reading every stretch
    _, agreed, _corpus = _stretches(store, compared, theme, transcript)
    with store.write():
        store.ensure_coder(decider)
        with progress_bar("Copying agreed stretches") as update:
            todo, _ = store.copy_agreed(agreed, consensus, decided_by=decider,
                                        progress=update)
    noun = "agreed stretch" if len(todo) == 1 else "agreed stretches"
    click.echo(f"Copied {len(todo):,} {noun} into "
               f"{consensus} as {decider}"
               + (f" ({len(agreed) - len(todo):,} already there)." if len(agreed) > len(todo)
                  else "."))


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    cli.add_command(reconcile_group)
