"""CLI command: ``qcahp withdraw``, a participant's withdrawal from the study."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from qualcoder_ahp.cli.common import Project, login_name, pass_project, plural, say
from qualcoder_ahp.errors import UserError, closest
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.model.withdraw_store import WithdrawPlan


def plan_lines(plan: WithdrawPlan) -> list[str]:
    """What a withdrawal removes, one line per kind of thing (names and counts only)."""
    lines = []
    for code in plan.participants:
        lines.append(f"  participant  {code} (and its {plural(plan.attributes, 'attribute')})"
                     if len(plan.participants) == 1 else f"  participant  {code}")
    for _tid, name, version, words, _who in plan.transcripts:
        lines.append(f"  transcript   {name} v{version} ({plural(words, 'word')})")
    if not plan.transcripts:
        lines.append("  transcript   (none)")
    coded = ", ".join(f"{coder} {n:,}" for coder, n in sorted(plan.codings.items())) or "none"
    if plan.inactive_codings:
        coded += f" (and {plan.inactive_codings:,} removed or undone)"
    lines += [f"  codings      {coded}",
              f"  memos        {plan.memos:,}",
              f"  decisions    {plan.decisions:,} on {plural(plan.suggestions, 'suggestion')}",
              f"  log events   {plan.events:,} about them (kept without ids or text)"]
    if plan.examples:
        themes = ", ".join(dict.fromkeys(theme for theme, _example in plan.examples))
        lines.append(f"  examples     {len(plan.examples):,} in the codebook "
                     f"quote them (theme {themes})")
    return lines


def backups(db: Path) -> list[Path]:
    """The migration backups next to the project file (``study.db.bak-v3``)."""
    return sorted(db.parent.glob(db.name + ".bak-v*"))


def at_terminal() -> bool:
    """Whether someone can answer the confirmation (stdin is a terminal)."""
    return sys.stdin.isatty()


def _check_names(store: Store, participants: Sequence[str],
                 transcripts: Sequence[str]) -> None:
    """Refuse a participant or transcript not in the project, naming the likely one
    (``p04`` for P04, ``physio_hellen`` for physio_helen): the withdrawal of a study's
    data is the last place for a researcher to guess at the spelling.

    Raises:
        UserError: a name that is not in the project (the store's words, plus the
            closest name when one is close).
    """
    from qualcoder_ahp.reports.data import find_transcript

    known = list(store.participants())
    for code in participants:
        if code not in known:
            store.refuse_withdrawn_again(code)  # (the log does not name them)
            near = closest(code, known)
            if near is not None:
                raise UserError(f"no participant {code!r} in this project (participants: "
                                f"{', '.join(known)}); did you mean {near!r}?")
    for ref in transcripts:
        find_transcript(store, ref)


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""

    @cli.command("withdraw")
    @click.option("--participant", "participants", multiple=True, metavar="ID",
                  help="A participant who withdraws: every transcript of theirs, and their "
                       "attributes (repeatable).")
    @click.option("--transcript", "transcripts", multiple=True, metavar="NAME",
                  help="A transcript to withdraw, every version (NAME@2: that version) "
                       "(repeatable).")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.option("--dry-run", is_flag=True, help="List what would be removed; change nothing.")
    @click.option("--by", metavar="NAME",
                  help="Who withdraws them, for the log [default: your login name].")
    @pass_project
    def withdraw_cmd(project: Project, participants: tuple[str, ...],
                     transcripts: tuple[str, ...], yes: bool, dry_run: bool,
                     by: str | None) -> None:
        """Remove a withdrawn participant's interviews and all that was made from them.

        Every version of each transcript goes, with its turns and sentences,
        suggestions, every coder's decisions and codings (consensus included), memos
        on those codings and transcripts, the participant's attributes (with
        --participant) and the tokenised-text cache, and the codebook's examples
        quoted from them (said in no other transcript; from the codebook file's text
        kept for export too). Memos kept that quote them are named, for you to edit.
        Log events about them keep only their kind, coder and time; one 'withdraw'
        event records who, when and the counts, not the participant's id or the
        transcripts' names (often the person's). It runs with SQLite's
        secure_delete on (the file is rebuilt where SQLite has it off by default)
        and the WAL checkpointed, so the text does not stay in the file. The file's
        and the text's hashes (never the text) are kept, so importing the same file again is
        refused (`qcahp import --readmit` overrides), a coder's copy brings none of
        its codings in at `qcahp merge`, and REFI-QDA import skips it. A withdrawn
        participant is kept as a salted hash of their id: `participants import`
        skips their row (--readmit overrides), and so do the other routes, and
        `withdraw --participant ID` again says when that id was withdrawn.

        Lists what will go and asks first (--yes to skip; needed when not at a
        terminal). Backups (.bak-v*) and coders' copies still hold the data: delete
        them by hand.

        \b
        Examples:
          qcahp withdraw --participant P04 --dry-run
          qcahp withdraw --participant P04
          qcahp withdraw --transcript ot_dev --yes
        """
        store = project.store()
        # The plan first: a participant id mistyped in a script was refused as "pass
        # --yes", and only with --yes did it say that no such participant exists.
        _check_names(store, participants, transcripts)
        plan = store.withdrawal_plan(participants, transcripts)
        if not (yes or dry_run) and not at_terminal():
            raise UserError("withdrawal cannot be undone: run it at a terminal to confirm, "
                            "or pass --yes (--dry-run lists what would go)")
        verb = "would be withdrawn" if dry_run else "to be withdrawn"
        if not plan.transcripts:
            # A participant whose transcripts went before: only the attributes go, so
            # "0 transcripts ... 0 codings removed" would read as if nothing happened.
            click.echo(f"{plural(len(plan.participants), 'participant')} {verb} (no "
                       "transcript left, only the attributes):")
        else:
            click.echo(f"{plural(len(plan.names), 'transcript')} {verb} "
                       f"({plural(len(plan.transcripts), 'version')}, "
                       f"{plural(plan.words, 'word')}), with everything made from them:")
        for line in plan_lines(plan):
            click.echo(line)
        if dry_run:
            click.echo("Dry run: nothing was changed.")
            return
        if not yes and not click.confirm(f"Withdraw them from {project.path.name}? This "
                                         "cannot be undone"):
            # Not click's bare "Aborted!": say that nothing happened.
            click.echo("Nothing was withdrawn.", err=True)
            raise SystemExit(1)
        done = store.withdraw(participants, transcripts, by=by or login_name())
        coded = sum(done.codings.values())
        if not done.transcripts:
            click.echo(f"withdrew {plural(len(done.participants), 'participant')} "
                       f"({', '.join(done.participants)}): "
                       f"{plural(done.attributes, 'attribute')} removed; no transcript was "
                       "left.")
        else:
            click.echo(f"withdrew {plural(len(done.names), 'transcript')} "
                       f"({plural(len(done.transcripts), 'version')}, "
                       f"{plural(done.words, 'word')}): {plural(coded, 'coding')}, "
                       f"{plural(done.memos, 'memo')}, {plural(done.decisions, 'decision')} "
                       "removed.")
        if done.examples:
            click.echo(f"Removed {plural(len(done.examples), 'example')} quoted from them "
                       "from the codebook (and from the codebook file's text kept for "
                       "`qcahp codebook export`).")
        if done.examples:
            from qualcoder_ahp.cli.privacy import codebook_file_note

            codebook_file_note(project, "those examples")
        for memo in done.quoting_memos:
            # The researchers' own words: not changed, but they must know.
            say(f"note: the withdrawn text is quoted in {memo}; edit it (a withdrawal leaves "
                "the researchers' memos and definitions as they are)", fg="yellow")
        for code in done.orphans:
            say(f"note: participant {code} has no transcript left; `qcahp withdraw "
                f"--participant {code}` removes its attributes too", fg="yellow")
        found = backups(project.path)
        listed = ", ".join(p.name for p in found) if found else "none found next to it"
        # (179 columns on one line at 80.)
        say("note: copies still hold the withdrawn text and must be deleted by hand: "
            f"backups of {project.path.name} ({listed}), coders' copies of the project, "
            "and exports made before now", fg="yellow")
