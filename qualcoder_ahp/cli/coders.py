"""CLI commands: ``qcahp coders`` (list), ``coders rename`` and ``coders join``."""

from __future__ import annotations

from collections.abc import Sequence

import click

from qualcoder_ahp.cli.common import Project, emit_json, emit_table, login_name, plural, say
from qualcoder_ahp.model.coders_store import (
    CoderSummary,
    Conflict,
    JoinResult,
    fold_name,
    shell_arg,
)
from qualcoder_ahp.reports.methods_draft import listed
from qualcoder_ahp.reports.writers import shown_time

LISTED = 8
"""Conflicts listed one per line; the rest are counted."""


def twins(names: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs of coders whose names differ only by case or spaces: likely one person."""
    out = []
    for k, a in enumerate(names):
        for b in names[k + 1:]:
            if fold_name(a) == fold_name(b):
                out.append((a, b))
    return out


def join_summary(done: JoinResult) -> str:
    """``12 decisions moved, 3 identical codings kept once, 1 decision conflict: kept
    the later one`` (the counts that are not zero)."""
    parts = [plural(done.decisions, "decision") + " moved",
             plural(done.codings, "coding") + " moved"]
    if done.inactive_codings:
        parts[-1] += f" (and {done.inactive_codings:,} removed or undone)"
    if done.memos:
        parts.append(plural(done.memos, "memo") + " moved")
    parts.append(f"{plural(done.events, 'log event')} now {done.into}'s")
    if done.identical_decisions:
        parts.append(f"{plural(done.identical_decisions, 'identical decision')} kept once")
    if done.identical_codings:
        parts.append(f"{plural(done.identical_codings, 'identical coding')} kept once")
    if done.memos_joined:
        parts.append(f"{plural(done.memos_joined, 'memo')} joined with {done.into}'s "
                     "(both texts kept)")
    if done.conflicts:
        parts.append(f"{plural(len(done.conflicts), 'decision conflict')}: kept the later "
                     "decision")
    return ", ".join(parts)


def conflict_line(conflict: Conflict, transcripts: dict[int, str]) -> str:
    """``suggestion 12 (serendipity) on helen [0, 22): kept ana's accepted (2026-11-25
    10:02), not Ana's rejected (2026-11-20 09:00)``."""
    where = f"{transcripts.get(conflict.transcript_id, conflict.transcript_id)} " \
            f"[{conflict.start}, {conflict.end})"
    kept, dropped = conflict.kept, conflict.dropped
    return (f"suggestion {conflict.suggestion_id} ({conflict.theme_id}) on {where}: kept "
            f"{kept[0]}'s {kept[1]} ({shown_time(kept[2], seconds=True)}), not {dropped[0]}'s "
            f"{dropped[1]} ({shown_time(dropped[2], seconds=True)})")


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""

    @cli.group("coders", invoke_without_command=True)
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                  show_default=True, help="Output format.")
    @click.pass_context
    def coders_group(ctx: click.Context, fmt: str) -> None:
        """List the coders and their work (or: coders rename, coders join).

        Each coder with their codings in effect, decisions, memos and last activity
        (the time of their newest event, UTC). Reconcile decisions a coder made are
        counted as theirs ("402 reconcile"), and a note says which consensus they went
        into: the codings they made are the consensus coder's. Two names that differ only by case or
        spaces are pointed out: `qcahp coders join` makes one coder of them.
        """
        if ctx.invoked_subcommand is not None:
            return
        project: Project = ctx.obj
        rows = project.store().coder_summaries()
        if fmt == "json":
            emit_json([{"coder": r.name, "guid": r.guid, "codings": r.codings,
                        "decisions": r.decisions, "memos": r.memos, "events": r.events,
                        "last_activity": r.last, "consensus": r.consensus,
                        "reconcile_decisions": r.reconciled,
                        "reconcile_in_effect": r.reconciled_in_effect,
                        "decided_into": list(r.decided_into),
                        "reconciled_into": None if r.into is None else {
                            "decisions": r.into.decisions, "in_effect": r.into.in_effect,
                            "in_effect_coding_nothing": r.into.coding_nothing,
                            "decided_by": [{"coder": who, "decisions": n}
                                           for who, n in r.into.deciders],
                            "codings_made_by_them": r.codings - r.into.unrecorded,
                            "codings_without_a_reconcile_record": r.into.unrecorded}}
                       for r in rows])
            return
        if not rows:
            click.echo("(none)")
            click.echo("No coders yet: a coder is added by their first decision "
                       "(`qcahp code --coder NAME`).")
            return
        emit_table([_row(r) for r in rows],
                   ["coder", "codings", "decisions", "memos", "last activity (UTC)"])
        for r in rows:
            if r.reconciled:
                say(reconciled_note(r), err=False)
        for r in rows:
            if r.into is not None and r.into.decisions:
                say(consensus_note(r), err=False)
        if any(r.into is not None and not r.into.decisions for r in rows):
            say("note: (consensus) marks the consensus coder, which holds the reconciled "
                "codings; it is not renamed or joined.", err=False)
        for a, b in twins([r.name for r in rows]):
            say(f"note: {a!r} and {b!r} differ only by case or spaces; if they are one "
                f"person, `qcahp coders join {shell_arg(a)} {shell_arg(b)}` makes them one coder.",
                fg="yellow")

    @coders_group.command("rename")
    @click.argument("old")
    @click.argument("new")
    @click.pass_obj
    def rename_cmd(project: Project, old: str, new: str) -> None:
        """Rename coder OLD to NEW: the same coder, work and REFI-QDA GUID.

        Every coding, decision, memo and log event stays the coder's (they point at
        the coder, not the name), undo and redo carry on under NEW, and the workbench's
        remembered coder, recent themes, colour scheme and place follow. One
        'coder_rename' event in `qcahp log` records it; a copy still saying OLD merges
        as NEW (qcahp merge). A NEW that is taken is refused: `qcahp coders join`
        makes one coder of two. The consensus coder is not renamed.

        \b
        Example:
          qcahp coders rename anna ana
        """
        done = project.store().rename_coder(old, new, by=login_name())
        follows = {"coder": "the workbench's remembered coder",
                   "recent_themes": "recent themes", "colour_scheme": "colour scheme",
                   "place": "place in each transcript"}
        moved = [follows[s] for s in done["settings"]]
        tail = (f"; {listed(moved)} follow{'s' if len(moved) == 1 else ''}"
                if moved else "")
        say(f"Renamed coder {done['from']!r} to {done['to']!r} (same coder and GUID "
            f"{done['guid']}){tail}.", err=False)

    @coders_group.command("join")
    @click.argument("source", metavar="FROM")
    @click.argument("into", metavar="INTO")
    @click.option("--dry-run", is_flag=True, help="Say what would happen; change nothing.")
    @click.option("--verbose", is_flag=True, help="List every decision conflict (not 8).")
    @click.pass_obj
    def join_cmd(project: Project, source: str, into: str, dry_run: bool,
                 verbose: bool) -> None:
        """Move all of coder FROM's work to coder INTO and remove FROM.

        For one person under two names (Ana and ana): their codings, decisions, memos
        and log events become INTO's, so agreement counts one coder. Where both
        decided one suggestion, the later decision stands (as when a coder decides
        again), and each conflict is listed; identical codings (same transcript,
        theme and span) are kept once; overlapping ones stay as they are; two memos
        on one target become one holding both texts. INTO keeps its REFI-QDA GUID.
        One transaction, one 'coder_join' event in `qcahp log`; a copy still saying
        FROM merges as INTO (qcahp merge). The consensus coder is not joined.

        \b
        Examples:
          qcahp coders join Ana ana --dry-run
          qcahp coders join Ana ana
        """
        store = project.store()
        done = store.join_coders(source, into, dry_run=dry_run, by=login_name())
        verb = "Would join" if dry_run else "Joined"
        say(f"{verb} coder {done.source!r} into {done.into!r}: {join_summary(done)}.",
            err=False)
        names = {t.id: t.label for t in store.transcripts()}
        shown = done.conflicts if verbose else done.conflicts[:LISTED]
        for conflict in shown:
            say(f"  {conflict_line(conflict, names)}", err=False, indent=2)
        if len(shown) < len(done.conflicts):
            say(f"  and {len(done.conflicts) - len(shown)} more (--verbose lists them all)",
                err=False)
        if dry_run:
            click.echo("Dry run: nothing was changed.")


def _row(r: CoderSummary) -> dict[str, object]:
    decisions = f"{r.decisions:,}"
    if r.reconciled:  # a lead who only reconciled read 0 codings, 0 decisions
        decisions = (f"{r.decisions:,} + " if r.decisions else "") + f"{r.reconciled:,} reconcile"
    elif r.into is not None and r.into.decisions:
        # The consensus decides nothing: its codings come from the decisions made into it
        # (the deciders' rows count them as theirs), so it read 0 beside 400 codings.
        decisions = (f"{r.decisions:,} + " if r.decisions else "") + \
            f"from {r.into.decisions:,} reconcile"
    return {"coder": r.name + (" (consensus)" if r.consensus else ""),
            "codings": f"{r.codings:,}", "decisions": decisions, "memos": f"{r.memos:,}",
            "last activity (UTC)": shown_time(r.last)}


def reconciled_note(r: CoderSummary) -> str:
    """``note: lead decided 402 reconcile stretches into consensus (400 in effect): ...``"""
    into = " and ".join(r.decided_into)
    own = ("made no codings of their own: they " if not r.codings and not r.decisions
           else "")
    return (f"note: {r.name} {own}decided {r.reconciled:,} reconcile "
            f"{'stretch' if r.reconciled == 1 else 'stretches'} into "
            f"{into} ({r.reconciled_in_effect:,} in effect), whose codings are {into}'s "
            f"(`qcahp reconcile log --by {shell_arg(r.name)}` lists them).")


def consensus_note(r: CoderSummary) -> str:
    """``note: consensus holds the reconciled codings: its 302 codings in effect were made
    by 306 reconcile decisions (306 in effect, 4 of them coding nothing), decided by lead
    (303) and ana (3); ...``: what the consensus row counts, in the deciders' terms."""
    got = r.into
    assert got is not None
    made = r.codings - got.unrecorded
    nothing = f", {got.coding_nothing:,} of them coding nothing" if got.coding_nothing else ""
    who = [f"{name} ({n:,})" if name else f"nobody named ({n:,})"
           for name, n in got.deciders]
    by = ", ".join(who[:-1]) + (" and " if len(who) > 1 else "") + who[-1]
    note = (f"note: {r.name} holds the reconciled codings: its {plural(made, 'coding')} "
            f"in effect {'was' if made == 1 else 'were'} made by "
            f"{plural(got.decisions, 'reconcile decision')} ({got.in_effect:,} in effect"
            f"{nothing}), decided by {by}")
    if got.unrecorded:
        note += (f"; {plural(got.unrecorded, 'coding')} more without a reconcile record "
                 "(`qcahp reconcile log --rule unrecorded` says where from)")
    return note + (". `qcahp reconcile log` lists them. As the consensus coder it is not "
                   "renamed or joined.")


__all__ = ["conflict_line", "consensus_note", "join_summary", "reconciled_note", "register",
           "twins"]
