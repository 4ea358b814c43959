"""What the report commands share: the ``--transcript``/``--where`` options, whose
codings they read (``--coder``/``--consensus``, and the pooled default's note on stderr:
:func:`report_data`), CSV and JSON that say which transcripts they cover, and the About
sheet of a workbook.

Used by ``counts``, ``quotes``, ``cooccurrence``, ``memos`` (:mod:`.reports`),
``framework`` (:mod:`.framework`), ``search`` and ``words``, so every report chooses
its interviews, and says which it covers, the same way.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

import click

from qualcoder_ahp.cli.common import Project, say, write_output
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.coders_store import shell_arg
from qualcoder_ahp.model.store import now
from qualcoder_ahp.records import plural
from qualcoder_ahp.reports import CONSENSUS, ReportData, resolve_coder
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.selection import Selection, selection_json
from qualcoder_ahp.reports.writers import Sheet, to_csv

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


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


POOLED_HELP = "every coder's, pooled, but a consensus coder's"
"""What a report reads with no coder named (:func:`report_data`), in ``--help``."""


def coder_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--coder NAME`` and ``--consensus``: whose codings a report reads; once the
    report is written, what the pooled default left out is said (:func:`report_data`)."""
    command = func

    @functools.wraps(command)
    def report(*args: Any, **kwargs: Any) -> Any:
        result = command(*args, **kwargs)
        say_not_pooled()
        return result

    with_flag = click.option("--consensus", is_flag=True,
                             help="Only the agreed codings (the coder named "
                                  "'consensus').")(report)
    return click.option("--coder", metavar="NAME",
                        help=f"Only this coder's codings [default: {POOLED_HELP}].")(with_flag)


def report_data(store: Store, coder: str | None, consensus: bool,
                selection: Selection | None = None, *,
                coders: Collection[str] | None = None) -> ReportData:
    """The snapshot a report reads: ``--coder``/``--consensus``'s coder, or ``coders``
    pooled, or the pooled default of every report
    (:func:`~qualcoder_ahp.reports.data.left_out_of_pool`: a consensus coder left out).

    When the default left a consensus coding out, :func:`say_not_pooled` says so on
    stderr, as ``qcahp agreement`` says whom it compares, with the option that reports
    it: once the report is written (a command with :func:`coder_options` says it then),
    so that an error stays one line.

    Raises:
        UserError: both ``--coder`` and ``--consensus``, or an unknown coder.
    """
    data = ReportData(store, resolve_coder(store, coder, consensus), selection=selection,
                      coders=coders)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[NOT_POOLED] = data
    return data


NOT_POOLED = "qcahp.report_data"
"""The key of the snapshot :func:`report_data` made in the click context's ``meta``."""


def say_not_pooled() -> None:
    """Say on stderr who the report pooled and which consensus coding the pooled
    default left out (nothing when it left none out)."""
    ctx = click.get_current_context(silent=True)
    data = ctx.meta.pop(NOT_POOLED, None) if ctx is not None else None
    if data is not None and data.coder is not None and not data.codings:
        say_reconciler(data.store, data.coder)
    if data is not None and data.coder is not None and (
            data.coder in data.store.consensus_coders()):
        log = data.store.reconcile_log()  # read once for both notes (1.6 s on 1M words)
        say_agreed_missing(data.store, data.coder, log)
        say_undecided(data, log)
    if data is None or not data.not_pooled:
        return
    coded = {c.coder for c in data.codings}
    pooled = [name for name in data.store.coders() if name in coded]
    how = " or ".join("--consensus" if n == CONSENSUS else f"--coder {shell_arg(n)}"
                      for n in data.not_pooled)
    left = f"the consensus coding ({', '.join(data.not_pooled)})"
    if pooled:
        say(f"Pooling {', '.join(pooled)}: every coder who coded, {left} left out "
            f"({how} reports it).")
    else:
        say(f"Pooling nobody: only {left} is coded here, and a pooled report leaves it out "
            f"({how} reports it).")


def said_who_was_pooled() -> None:
    """The report itself said which consensus coding it left out (saturation's "Not
    pooled: ..." note on the terminal): :func:`say_not_pooled` need not say it again."""
    ctx = click.get_current_context(silent=True)
    data = ctx.meta.get(NOT_POOLED) if ctx is not None else None
    if data is not None and data.coder is None:  # pooled: no reconciler's note to keep
        del ctx.meta[NOT_POOLED]


def say_agreed_missing(store: Store, coder: str,
                       log: list[dict[str, Any]] | None = None) -> None:
    """Say when a consensus coder holds decided disagreements but not the passages the
    coders coded alike: after a few ``qcahp reconcile decide`` and no copy-agreed,
    ``counts --consensus`` counted two codings where the coders had agreed on thirteen
    passages, with nothing to say those were never copied into the consensus."""
    from qualcoder_ahp.agreement.compute import collect
    from qualcoder_ahp.agreement.reconcile import reconcile_stretches

    if coder not in store.consensus_coders():
        return
    mine = [e for e in (store.reconcile_log() if log is None else log)
            if e["coder"] == coder and e["status"] == "in effect"]
    if not mine or any(e["rule"] == "agreed" for e in mine):
        return
    compared = sorted({c for e in mine for c in e.get("compared") or ()})
    known = set(store.coders())
    if len(compared) < 2 or not set(compared) <= known:
        return
    _, agreed = reconcile_stretches(collect(store, compared))
    there: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for c in store.codings(coder=coder):
        there.setdefault((c.transcript_id, c.theme_id), []).append((c.start, c.end))
    missing = [it for it in agreed if not any(
        a < it.end and b > it.start for a, b in there.get((it.transcript_id, it.theme_id), ()))]
    if not missing:
        return
    who = " and ".join([", ".join(compared[:-1]), compared[-1]])
    say(f"note: {coder} holds only the {plural(len(mine), 'reconcile decision')} made so "
        f"far: {plural(len(missing), 'passage')} {who} coded alike "
        f"{'is' if len(missing) == 1 else 'are'} not in it (`qcahp reconcile copy-agreed` "
        "copies them), so this report leaves them out.", fg="yellow")


def say_undecided(data: ReportData, log: list[dict[str, Any]] | None = None) -> None:
    """Say when a consensus coding still has disagreements nobody decided: after
    ``qcahp reconcile copy-agreed`` and none of the 220 stretches where the coders
    differ decided, ``counts --consensus`` gave the figures for a paper with nothing to
    say that every disputed passage was missing from them. Only the chosen transcripts'
    stretches count; the coders are those the consensus's decisions compared."""
    from qualcoder_ahp.agreement.compute import collect
    from qualcoder_ahp.agreement.reconcile import reconcile_items
    from qualcoder_ahp.reports.reconcile_state import undecided

    store, coder = data.store, data.coder
    if coder is None or coder not in store.consensus_coders():
        return
    log = store.reconcile_log() if log is None else log
    mine = [e for e in log if e["coder"] == coder and e["status"] == "in effect"]
    compared = sorted({c for e in mine for c in e.get("compared") or ()})
    if len(compared) < 2 or not set(compared) <= set(store.coders()):
        return
    # Only the chosen transcripts are read (the stretches of one lie in it alone).
    chosen = data.selection.ids if data.selection is not None else None
    items = reconcile_items(collect(store, compared, transcript_ids=chosen))
    ctx = click.get_current_context(silent=True)
    theme = ctx.params.get("theme") if ctx is not None else None
    if isinstance(theme, str):  # --theme: its own stretches, and its themes'
        try:
            under = set(data.selected_themes(theme))
        except UserError:
            under = None
        if under is not None:
            items = [it for it in items if it.theme_id in under]
    left = undecided(store, items, coder, log)
    if not left:
        return
    who = " and ".join([", ".join(compared[:-1]), compared[-1]])
    what = f" {theme}" if isinstance(theme, str) else ""
    say(f"note: {coder} is not final: {len(left):,} of the {len(items):,} "
        f"stretch{'' if len(items) == 1 else 'es'} "
        f"where {who} coded{what} differently {'is' if len(left) == 1 else 'are'} not decided "
        "yet, so this report leaves out those passages (decide them in the workbench's "
        "reconcile screen, R, or with `qcahp reconcile decide`; `qcahp disagreements` "
        "lists them).", fg="yellow")


def say_reconciler(store: Store, coder: str) -> None:
    """Say where the work of a coder who only reconciled is: ``--coder lead`` gave a
    report of zeros with nothing to tell the lead's decisions are the consensus's
    codings (``qcahp coders`` lists the lead among the coders)."""
    mine = next((s for s in store.coder_summaries() if s.name == coder), None)
    if mine is None or mine.codings or not mine.reconciled or not mine.decided_into:
        return
    how = " or ".join("--consensus" if n == CONSENSUS else f"--coder {shell_arg(n)}"
                      for n in mine.decided_into)
    say(f"note: {coder} has no codings of their own: they decided "
        f"{mine.reconciled:,} reconcile stretch{'' if mine.reconciled == 1 else 'es'} "
        f"into {', '.join(mine.decided_into)}, whose codings {how} reports.", fg="yellow")


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
                           "coders": ex.coder_label(data.coder, data.not_pooled),
                           **selection_about(data.selection, len(data.transcripts)),
                           "exported_at": now(), **extra})


def selection_about(selection: Selection | None, transcripts: int) -> dict[str, Any]:
    """The About sheet's rows on the transcripts covered."""
    if selection is None:
        return {"selection": f"all transcripts ({transcripts})"}
    return selection.about()


__all__ = ["POOLED_HELP", "TABLE_FORMATS", "about", "case_options", "coder_options",
           "dump_json", "emit", "marked", "output_options", "report_data", "say_not_pooled",
           "selection_about", "selection_csv", "selection_json_text"]
