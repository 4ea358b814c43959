"""CLI commands: ``qcahp speakers`` (list), ``speakers rename``, ``swap`` and ``role``.

A speaker read wrongly at import (the interviewer typed "Dan" in some turns and "Dr Dan
Ott" in others; a transcriber's "Speaker 2" who is the participant Helen) is put right
here, after coding too: a speaker's name and role are stored per turn, apart from the
text and its offsets, so the codings stay where they are
(:meth:`~qualcoder_ahp.model.store.Store.change_speaker`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import click

from qualcoder_ahp.cli.common import Project, emit_json, emit_table, login_name, plural, say
from qualcoder_ahp.errors import UserError, closest
from qualcoder_ahp.model.merge_speakers import SpeakerMerged
from qualcoder_ahp.records import TranscriptInfo
from qualcoder_ahp.reports.data import find_transcript

ROLES = ("interviewer", "participant", "other")


def _targets(project: Project, args: Sequence[str], every: bool, usage: str
             ) -> tuple[list[TranscriptInfo], list[str]]:
    """The transcripts a change applies to and its two other arguments (``usage``):
    ``TRANSCRIPT A B``, or with ``--all`` every transcript (every version) that has
    the speaker ``A``."""
    if len(args) != (2 if every else 3):
        got = f"{len(args)} argument{'' if len(args) == 1 else 's'}"
        shown = f"--all {usage}" if every else f"TRANSCRIPT {usage} (or --all {usage})"
        raise UserError(f"expected {shown}, got {got}")
    store = project.store()
    if not every:
        return [find_transcript(store, args[0])], list(args[1:])
    speaker = args[0]
    infos = [t for t in store.transcripts() if speaker in store.speakers(t.id)]
    if not infos:
        names = {s for t in store.transcripts() for s in store.speakers(t.id)}
        close = closest(speaker, names)
        hint = f"; did you mean {close!r}?" if close else ""
        raise UserError(f"no transcript has a speaker {speaker!r}{hint} (`qcahp speakers` "
                        "lists them)")
    return infos, list(args)


def next_steps(project: Project, done: Sequence[dict[str, object]]) -> None:
    """What a role change means for suggestions (``qcahp suggest`` matches a pattern in
    the turns of its scope's role), where the transcript has any: what to run next."""
    store = project.store()
    labels = {t.id: t.label for t in store.transcripts()}
    for d in done:
        tid = int(str(d["transcript_id"]))
        moved = d["role"] != d["role_was"]  # the turns of the speaker changed
        joined = d.get("to_role_was") not in (None, d["role"])  # --role: NEW's turns too
        if not (moved or joined) or not store.suggestions(transcript_id=tid):
            continue
        where = labels.get(tid, tid)
        turns = (f"the turns that were {d['speaker']}'s in {where}" if "to" in d
                 else f"{d['speaker']}'s turns in {where}")
        if d.get("split"):  # a join undone: those turns are the other speaker's again
            turns = f"the turns that are {d['to']}'s again in {where}"
        if joined:
            turns = (f"{d['to']}'s turns in {where}" if not moved else
                     f"{d['to']}'s turns in {where} (now with {d['speaker']}'s)")
        was = d["role_was"] if moved else d["to_role_was"]
        if d.get("swapped"):
            then = (f"patterns then follow the roles of the turns of {d['speaker']} and "
                    f"{d['to']} in {where}, which swapped names")
        elif was == "participant":
            then = (f"{turns} are no longer a participant's, so it retires their undecided "
                    "suggestions (decisions and codings are kept)")
        elif d["role"] == "participant":
            then = f"it matches participant-scope patterns in {turns} too"
        else:
            then = f"interviewer-scope patterns then follow the new role of {turns}"
        say(f"Run `qcahp suggest` next: {then}.", err=False)


def swap_said(d: dict[str, object], first: str, second: str) -> str:
    """What a swap did to each speaker's turns: ``Helen's 1 turn is now Speaker 2's
    (other), Speaker 2's 1 turn Helen's (participant)``."""
    a, b = int(str(d["turns"])), int(str(d["turns_to"]))
    roles = f" ({d['role']})" if d["role"] != d["role_was"] else ""
    back = f" ({d['role_was']})" if d["role"] != d["role_was"] else ""
    return (f"{first}'s {plural(a, 'turn')} {'is' if a == 1 else 'are'} now {second}'s"
            f"{roles}, {second}'s {plural(b, 'turn')} {first}'s{back}")


def report_merged(project: Project, merged: Sequence[SpeakerMerged], other: str) -> None:
    """What ``qcahp merge`` did with the copy's speaker changes: each made here, in the
    words of ``qcahp speakers`` (then what to run next, for a role that changed), and a
    note for each kept out because this project changed that speaker otherwise."""
    for m in merged:
        d = m.done
        if d is None:
            later = (f" (and {plural(m.later, 'later change')} of that speaker there)"
                     if m.later else "")
            take = f"; `{m.command}` takes the copy's" if m.command else ""
            say(f"note: {m.transcript}: {other} {m.copy_did}{later}, but {m.kept}: this "
                f"project's stands{take}.", fg="yellow")
            continue
        turns = plural(int(str(d["turns"])), "turn")
        if d.get("undid"):
            said = f"Undid: {undid_said(project, d)}"
        elif d.get("swapped"):
            said = (f"Swapped speakers {d['speaker']!r} and {d['to']!r} in {m.transcript}: "
                    f"{swap_said(d, str(d['speaker']), str(d['to']))}")
        elif d["kind"] == "speaker_role":
            said = (f"Speaker {d['speaker']!r} of {m.transcript} is now {d['role']} (was "
                    f"{d['role_was']}; {turns})")
        else:
            verb = "Joined speaker {!r} into {!r}" if d["joined"] else \
                "Renamed speaker {!r} to {!r}"
            now = f", now {d['role']}" if d["role"] != d["role_was"] else ""
            said = f"{verb.format(d['speaker'], d['to'])} in {m.transcript} ({turns}{now})"
        say(f"{said}, as in {other}.", err=False)
    next_steps(project, [m.done for m in merged if m.done is not None])


def undid_said(project: Project, d: dict[str, object]) -> str:
    """The change ``qcahp speakers undo`` undid (``d``: the undo's record), in the words
    of ``qcahp log``."""
    from qualcoder_ahp.model.event_words import EventWords

    undid = d["undid"]
    assert isinstance(undid, dict)
    return EventWords(project.store()).describe(
        {**undid, "transcript_id": d["transcript_id"]}).what


def _elsewhere(project: Project, infos: Sequence[TranscriptInfo], name: str) -> None:
    """A note when the new name is the participant of another transcript: speakers are
    each transcript's own, and quotes and counts name a transcript's participant."""
    store = project.store()
    changed = {i.id for i in infos}
    others = sorted({t.label for t in store.transcripts() if t.id not in changed
                     and (t.participant or "").casefold() == name.casefold()})
    if others:
        say(f"note: {name!r} is the participant of {', '.join(others)}; a speaker's name "
            "does not make them that participant: counts and quotes by participant still "
            "count these turns as their own transcript's participant's (`qcahp "
            "participants assign` gives a transcript to another).", fg="yellow")


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""

    @cli.group("speakers", invoke_without_command=True)
    @click.option("--transcript", "-t", "ref", metavar="TRANSCRIPT",
                  help="Only this transcript's speakers.")
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                  show_default=True, help="Output format.")
    @click.pass_context
    def speakers_group(ctx: click.Context, ref: str | None, fmt: str) -> None:
        """List speakers with role and turns (or: rename, swap, role, undo).

        Each transcript's speakers, in order of their first turn, with their role and
        number of turns: a speaker read twice ("Dan" and "Dr Dan Ott") shows as two.
        `qcahp speakers rename` renames one or makes two into one, `swap` exchanges two
        names put on each other's turns, `role` sets a role and `undo` takes the last
        change back; codings stay where they are. `qcahp merge` makes a coder's
        speaker changes in their copy here too.
        """
        if ctx.invoked_subcommand is not None:
            return
        project: Project = ctx.obj
        store = project.store()
        infos = [find_transcript(store, ref)] if ref else store.transcripts()
        rows = []
        for info in infos:
            turns = Counter(t.speaker for t in store.turns(info.id))
            rows += [{"transcript": info.label, "speaker": s, "role": r, "turns": turns[s]}
                     for s, r in store.speakers(info.id).items()]
        if fmt == "json":
            emit_json(rows)
        elif rows:
            emit_table(rows, ["transcript", "speaker", "role", "turns"])
        else:
            click.echo("No transcripts in this project yet: `qcahp import FILES` adds them.")

    @speakers_group.command("rename")
    @click.argument("args", nargs=-1, metavar="[TRANSCRIPT] OLD NEW")
    @click.option("--all", "every", is_flag=True,
                  help="In every transcript that has speaker OLD (give no TRANSCRIPT).")
    @click.option("--role", type=click.Choice(ROLES),
                  help="The role of the speaker it makes (a join of two roles needs it).")
    @click.pass_obj
    def rename_cmd(project: Project, args: tuple[str, ...], every: bool,
                   role: str | None) -> None:
        """Rename a speaker, or make two speakers one (--all: everywhere).

        A NEW that is already a speaker of the transcript makes the two one speaker,
        with NEW's role; when OLD is a participant or an interviewer and NEW another
        role, --role says which the joined speaker has. Only the turns' speaker
        changes: the text, offsets and codings stay as they are, and quotes, show and
        REFI-QDA export use the new name. One transaction; one 'speaker_rename' event
        per transcript in `qcahp log`. Two speakers whose names were put on each
        other's turns: `qcahp speakers swap`.

        \b
        Examples:
          qcahp speakers rename p01 Dan "Dr Dan Ott"
          qcahp speakers rename --all "Speaker 2" Helen
          qcahp speakers rename p01 Helen Interviewer --role interviewer
        """
        infos, (old, new) = _targets(project, args, every, "OLD NEW")
        new = new.strip()
        if not new or new == old:
            raise UserError(f"speaker {old!r}: give a new name (got {new!r})")
        store = project.store()
        done = store.change_speaker(infos, old, name=new, role=role, by=login_name())
        for d in done:
            verb = "Joined speaker {!r} into {!r}" if d["joined"] else \
                "Renamed speaker {!r} to {!r}"
            now = f", now {d['role']}" if d["role"] != d["role_was"] else ""
            if d.get("to_role_was") not in (None, d["role"]):
                now += f"; {new!r} is now {d['role']}, was {d['to_role_was']}"
            label = next(i.label for i in infos if i.id == d["transcript_id"])
            say(f"{verb.format(old, new)} in {label} ({plural(int(str(d['turns'])), 'turn')}"
                f"{now}).", err=False)
        _elsewhere(project, infos, new)
        next_steps(project, done)

    @speakers_group.command("swap")
    @click.argument("ref", metavar="TRANSCRIPT")
    @click.argument("first", metavar="A")
    @click.argument("second", metavar="B")
    @click.pass_obj
    def swap_cmd(project: Project, ref: str, first: str, second: str) -> None:
        """Swap two speakers' names: A's turns become B's and B's become A's.

        For names put on each other's turns (a transcriber's slip, or a file that
        now reads them the other way round). Each name keeps its role, so a turn
        that changes name takes that speaker's role. Two renames would join the two
        speakers instead. One transaction; one 'speaker_rename' event in `qcahp log`.

        \b
        Example:
          qcahp speakers swap p01 Helen "Speaker 2"
        """
        store = project.store()
        info = find_transcript(store, ref)
        d = store.swap_speakers(info, first, second, by=login_name())
        say(f"Swapped speakers {first!r} and {second!r} in {info.label}: "
            f"{swap_said(d, first, second)}.", err=False)
        next_steps(project, [d])

    @speakers_group.command("undo")
    @click.argument("ref", metavar="TRANSCRIPT")
    @click.pass_obj
    def undo_cmd(project: Project, ref: str) -> None:
        """Undo a transcript's last speaker change: rename, join, swap, role.

        Each run undoes one more, newest first. A rename is renamed back, a join split
        again (its turns get their own name and role back), a swap swapped back, a
        role set back; a change a merge made
        from a copy too. The undo is one more event in `qcahp log`; codings stay
        where they are. (`qcahp undo` undoes a coder's decisions, not speakers.)

        \b
        Example:
          qcahp speakers undo p01
        """
        store = project.store()
        info = find_transcript(store, ref)
        d = store.undo_speaker_change(info, by=login_name())
        say(f"Undid: {undid_said(project, d)}.", err=False)
        next_steps(project, [d])

    @speakers_group.command("role")
    @click.argument("args", nargs=-1, metavar="[TRANSCRIPT] NAME ROLE")
    @click.option("--all", "every", is_flag=True,
                  help="In every transcript that has speaker NAME (give no TRANSCRIPT).")
    @click.pass_obj
    def role_cmd(project: Project, args: tuple[str, ...], every: bool) -> None:
        """Set a speaker's role: interviewer, participant or other.

        ROLE is interviewer, participant or other. `qcahp suggest` matches
        participant-scope patterns in participants' turns only, so run it next: it
        then follows the new role (decisions are kept). One transaction; one
        'speaker_role' event per transcript in `qcahp log`.

        \b
        Examples:
          qcahp speakers role p01 "Dr Dan Ott" interviewer
          qcahp speakers role --all "Dr Dan Ott" interviewer
        """
        infos, (name, role) = _targets(project, args, every, "NAME ROLE")
        if role not in ROLES:
            raise UserError(f"speaker {name!r}: role {role!r} is not one of {', '.join(ROLES)}")
        done = project.store().change_speaker(infos, name, role=role, by=login_name())
        for d in done:
            label = next(i.label for i in infos if i.id == d["transcript_id"])
            say(f"Speaker {name!r} of {label} is now {role} (was {d['role_was']}; "
                f"{plural(int(str(d['turns'])), 'turn')}).", err=False)
        for info in infos:
            if info.id not in {d["transcript_id"] for d in done}:
                say(f"Speaker {name!r} of {info.label} is already {role}: nothing changed.",
                    err=False)
        next_steps(project, done)


__all__ = ["register"]
