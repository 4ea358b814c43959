"""CLI commands for the corpus: import transcripts, list and show them, participants.

``qcahp import`` reads files and folders into the project (one transaction per
file; a batch goes on past bad files and exits 1 if any failed);
``qcahp transcripts`` lists what is stored; ``qcahp show`` prints a transcript by
turns, or with a coder's codings marked, as text, Markdown, HTML or Word
(:mod:`qualcoder_ahp.reports.annotated`); ``qcahp participants`` lists participants
and ``qcahp participants import`` loads their attributes from a CSV file. The work
itself is in :mod:`qualcoder_ahp.importers`, which the workbench calls too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qualcoder_ahp.cli.common import (
    NEW_VERSION_ADVICE,
    Project,
    emit_json,
    fitted_table,
    login_name,
    output_format,
    pass_project,
    plural,
    progress_bar,
    table_width,
    write_output,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.importers import import_participants, import_paths
from qualcoder_ahp.importers.participants import did_you_mean, likely_ids
from qualcoder_ahp.importers.turns import UNLABELLED
from qualcoder_ahp.reports.annotated import FORMATS as SHOW_FORMATS
from qualcoder_ahp.reports.annotated import WRITERS, annotate, to_text
from qualcoder_ahp.reports.writers import Narrowing
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.model.withdraw_store import withdrawn_note
from qualcoder_ahp.records import TranscriptInfo
from qualcoder_ahp.reports.data import find_transcript, resolve_coder


TRANSCRIPTS_NARROWING = Narrowing(same=("version", "format"), under=("speakers",))
"""How ``qcahp transcripts`` fits a narrow terminal: the version and format columns go
when every row shares them, and the speakers go under each row, wrapped, when the rest
leaves them too little room."""


def _note_earlier_codings(store: Store, info: TranscriptInfo) -> None:
    """Say where the codings are after ``--new-version``: they stay on the earlier
    versions (their offsets belong to that text) and the new one starts uncoded, which
    the bare "imported NAME (v2, ...)" left a researcher to find out in the reports."""
    earlier = [(t, len(store.codings(transcript_id=t.id))) for t in store.transcripts()
               if t.name == info.name and t.version < info.version]
    coded = [(t, n) for t, n in earlier if n]
    if coded:
        where = ", ".join(f"{n:,} on v{t.version}" for t, n in coded)
        click.secho(f"note: {info.name}: the codings stay on the text they were made on "
                    f"({where}); v{info.version} starts uncoded", fg="yellow", err=True)


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""

    @cli.command("import")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
    @click.option("--interviewer", "interviewers", multiple=True, metavar="NAME",
                  help="A speaker to treat as interviewer (repeatable), besides the default "
                       "labels Interviewer, Q, Int, AI, Assistant, Counsel, Host...")
    @click.option("--participant-speaker", "participant_speakers", multiple=True,
                  metavar="NAME",
                  help="A speaker to treat as the participant (repeatable) instead of the "
                       "non-interviewer who speaks most.")
    @click.option("--participant", metavar="ID",
                  help="Participant id for the imported files [default: each file's name].")
    @click.option("--new-version", is_flag=True,
                  help="Store a changed file whose name is already used as a new version.")
    @click.option("--readmit", is_flag=True,
                  help="Import a transcript withdrawn with `qcahp withdraw` again, on purpose.")
    @pass_project
    def import_cmd(project: Project, paths: tuple[str, ...], interviewers: tuple[str, ...],
                   participant_speakers: tuple[str, ...], participant: str | None,
                   new_version: bool, readmit: bool) -> None:
        """Import transcripts (files or folders) into the project.

        Formats: .txt .md .markdown .rst .docx .odt .rtf .pdf .vtt .srt .html, and a
        spreadsheet export (.csv .xlsx with a Speaker and a Text column) when the file
        is named. Speaker turns, roles and sentences are found and stored; the same
        content again
        changes nothing. Exits 1 if any file failed (the others are imported). A
        transcript withdrawn from the project (`qcahp withdraw`) is skipped, with a
        line saying so, when a folder holds it, and refused when named itself;
        --readmit imports it again.

        \b
        Examples:
          qcahp import interviews/
          qcahp import p07.docx --interviewer "Dr Shah" --participant P07
        """
        store = project.store()
        store.name_clash_advice = NEW_VERSION_ADVICE  # this command has the flag
        with progress_bar("Importing") as bar:
            report = import_paths(
                store, paths, interviewers=interviewers, participants=participant_speakers,
                participant=participant, new_version=new_version, progress=bar,
                readmit=readmit,
            )
        for info in report.imported:
            click.echo(f"imported   {info.name} (v{info.version}, {plural(info.words, 'word')}, "
                       f"{plural(info.turns, 'turn')})")
            if set(store.speakers(info.id)) == {UNLABELLED}:
                click.secho(f"note: {info.name}: no speaker labels found, so all of it is read "
                            "as the participant's, questions included (label turns as "
                            "'Name: ...' to tell the interviewer apart)", fg="yellow", err=True)
            for _, note in (n for n in report.notes if n[0].id == info.id):
                click.secho(f"note: {info.name}: {note}", fg="yellow", err=True)
            if info.version > 1:
                _note_earlier_codings(store, info)
        for info, source in zip(report.unchanged, report.unchanged_files, strict=True):
            if Path(source).stem == info.name:
                click.echo(f"unchanged  {info.name} (already stored as v{info.version})")
            else:  # a copy under another name: say which transcript it duplicates
                click.echo(f"unchanged  {source}: same text as {info.name} v{info.version}")
            if info.id not in {i.id for i in report.imported}:  # (its notes are shown)
                for _, note in (n for n in report.notes if n[0].id == info.id):
                    click.secho(f"note: {info.name}: {note}", fg="yellow", err=True)
        for info, roles in report.roles_updated:
            changes = ", ".join(f"{s} -> {r}" for s, r in roles.items())
            click.echo(f"roles      {info.name}: {changes}")
        if any(store.suggestions(transcript_id=info.id) for info, _ in report.roles_updated):
            # Suggestions are made on participants' turns (a pattern's scope): the open
            # ones still sit on the old roles' turns until suggest runs again.
            click.secho("note: suggestions follow the new roles once `qcahp suggest` runs "
                        "again (decisions are kept)", fg="yellow", err=True)
        for _path, reason in report.withdrawn:
            click.secho(f"withdrawn  {reason}", fg="yellow", err=True)
        for _path, reason in report.skipped:
            click.secho(f"skipped    {reason}", fg="yellow", err=True)
        for _path, reason in report.failed:
            click.secho(f"failed     {reason}", fg="red", err=True)
        for option, name, close in report.unmatched:
            hint = f"; did you mean {close!r}?" if close else ""
            click.secho(f"note: {option} {name!r} matched no speaker in these files{hint}",
                        fg="yellow", err=True)
        click.echo(report.summary())
        if not (report.imported or report.unchanged):
            # No empty project left by a mistyped path, nor by files that are no
            # transcripts (Word's lock file named alone).
            project.discard_if_created()
        if not report.ok:
            sys.exit(1)

    @cli.group("transcripts", invoke_without_command=True)
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                  show_default=True, help="Output format.")
    @click.pass_context
    def transcripts_cmd(ctx: click.Context, fmt: str) -> None:
        """List the stored transcripts with their speakers and roles (or: rename)."""
        if ctx.invoked_subcommand is not None:
            return  # `qcahp transcripts rename` (cli/transcripts.py)
        store = ctx.obj.store()
        rows = []
        for info in store.transcripts():
            speakers = store.speakers(info.id)
            rows.append({
                "id": info.id, "name": info.name, "version": info.version,
                "participant": info.participant, "format": info.format,
                "words": info.words, "turns": info.turns, "speakers": speakers,
            })
        if fmt == "json":
            emit_json(rows)
            return
        for row in rows:
            row["speakers"] = ", ".join(f"{s} ({r[0].upper()})" for s, r in row["speakers"].items())
        # The speakers wrapped under a row, not cut: at 80 columns they were cut to
        # "Interview…", hiding the roles a researcher checks after an import (and a
        # focus group's names and roles are all needed).
        click.echo(fitted_table(rows, ["id", "name", "version", "participant", "format",
                                       "words", "turns", "speakers"],
                                TRANSCRIPTS_NARROWING, wrap=True), nl=False)
        if rows:
            click.echo("roles: (I) interviewer, (P) participant, (O) other")
        else:
            click.echo("No transcripts in this project yet: `qcahp import FILES` adds them.")

    @cli.command("show")
    @click.argument("transcript")
    @click.option("--coder", metavar="NAME", help="Mark this coder's codings.")
    @click.option("--consensus", is_flag=True,
                  help="Mark the agreed codings (the coder named 'consensus'); with "
                       "--all-coders, beside every coder's.")
    @click.option("--all-coders", is_flag=True,
                  help="Mark every coder's codings but a consensus coder's (as every "
                       "report pools them), each with its coder's name; add --consensus "
                       "for the consensus coders' too.")
    @click.option("--format", "fmt", type=click.Choice(SHOW_FORMATS),
                  help="Output format [default: from the -o suffix, else text].")
    @click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
                  help="Write to FILE (owner-only) instead of the terminal.")
    @pass_project
    def show_cmd(project: Project, transcript: str, coder: str | None, consensus: bool,
                 all_coders: bool, fmt: str | None, output: str | None) -> None:
        """Print a transcript by turns: [time] Speaker (role): text.

        TRANSCRIPT is a name (latest version), name@version, or id.

        With --coder, --consensus or --all-coders, each turn is followed by its codings
        (theme, coder, quote) and their memos; --all-coders --consensus marks every
        coder's and the consensus coders' codings together, each named. --format md,
        html or docx (or -o FILE.md, .html, .docx) writes the coded transcript as a
        document to share or print: coded text marked in its theme's colour, theme and
        coder named beside it (in Word, as a comment), memos, and a legend of the themes;
        without a coder option these mark every coder's codings, as with --all-coders.

        \b
        Examples:
          qcahp show physio_helen --coder ana
          qcahp show physio_helen --consensus -o physio_helen.docx
          qcahp show physio_helen --all-coders --consensus
        """
        fmt = output_format(fmt, output, (*SHOW_FORMATS, "table"), "text")
        fmt = "text" if fmt == "table" else fmt  # -o FILE.txt
        store = project.store()
        info = find_transcript(store, transcript)
        if all_coders and coder is not None:
            raise UserError("give one of --coder, --consensus or --all-coders (--all-coders "
                            "--consensus marks every coder's and the consensus codings)")
        # Every coder's codings and the consensus coders' (a consensus decided into
        # another name too), each with its coder's name.
        everyone = store.coders() if all_coders and consensus else None
        coder = None if everyone else resolve_coder(store, coder, consensus)
        # A document is for the codings (every coder's, unless one is named); the text
        # stays the plain turns.
        marked = all_coders or coder is not None or fmt != "text"
        doc = annotate(store, info, coder, marked=marked, coders=everyone)
        content = to_text(doc, table_width()) if fmt == "text" else WRITERS[fmt](doc)
        if output:
            what = f"the {'coded ' if marked else ''}transcript {info.name}"
            if marked:
                what += f" ({plural(len(doc.codings), 'coding')})"
            write_output(output, content, what)
        else:
            click.echo(content, nl=False)

    @cli.group("participants", invoke_without_command=True)
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                  show_default=True, help="Output format.")
    @click.pass_context
    def participants_group(ctx: click.Context, fmt: str) -> None:
        """List participants and their attributes (or load them: participants import)."""
        if ctx.invoked_subcommand is not None:
            return
        project: Project = ctx.obj
        table = project.store().participants()
        if fmt == "json":
            emit_json(table)
            return
        names = project.store().attribute_names()  # the participants file's order
        if table:
            # Wrapped, not cut: at 80 columns every attribute was cut to ~14 characters
            # ("Head of allie…").
            click.echo(fitted_table([{"participant": code, **attrs}
                                     for code, attrs in table.items()],
                                    ["participant", *names], wrap=True), nl=False)
        else:
            click.echo("(none)")
            click.echo("No participants yet: each imported transcript adds one, and "
                       "`qcahp participants import FILE.csv` their attributes.")

    @participants_group.command("import")
    @click.argument("csv_file", type=click.Path(path_type=str))
    @click.option("--readmit", is_flag=True,
                  help="Import the rows of participants withdrawn with `qcahp withdraw` "
                       "too, on purpose.")
    @click.option("--keep-new", is_flag=True,
                  help="Keep ids that no transcript has yet (interviews still to be "
                       "imported); without it such a file is refused.")
    @pass_project
    def participants_import(project: Project, csv_file: str, readmit: bool,
                            keep_new: bool) -> None:
        """Load participant attributes from a CSV file.

        The first column, headed participant (or participant_id, id, case...), is
        the participant id (by default a transcript's file name without extension); a
        file whose first heading names no id is refused. The other columns are
        attributes such as profession,
        seniority, trust_type or board_distance. Existing values are replaced. An id
        that differs from a participant's only in case (p11 for P11) is that
        participant. An id that no transcript has (and no earlier import kept) refuses
        the file, naming its line and the id it likely means, and nothing is stored;
        --keep-new keeps such ids for transcripts still to come. The row of a
        participant withdrawn from the project (`qcahp withdraw`) is skipped, with a
        line saying so; --readmit imports it again.
        """
        store = project.store()
        report = import_participants(store, csv_file, readmit=readmit, keep_new=keep_new)
        codes = report.updated
        for code, event in report.withdrawn:
            click.secho(f"withdrawn  {csv_file}: participant {code!r} was "
                        f"{withdrawn_note(event)}; skipped (`qcahp participants import "
                        "--readmit` brings it back deliberately)", fg="yellow", err=True)
        skipped = f", {len(report.withdrawn)} withdrawn (skipped)" if report.withdrawn else ""
        back = (f" ({len(report.readmitted)} readmitted: {', '.join(report.readmitted)})"
                if report.readmitted else "")
        click.echo(f"{plural(len(codes), 'participant')} updated from {csv_file}{back}"
                   f"{skipped}")
        if report.case_matched:
            # p10 for P10: one participant (as withdrawal takes it), not a stray new one.
            click.secho("note: " + ", ".join(f"{typed} taken as {here}" for typed, here
                                             in report.case_matched)
                        + " (ids that differ only in case are one participant)",
                        fg="yellow", err=True)
        transcripts = store.transcripts()
        with_transcripts = {t.participant for t in transcripts}
        waiting = [code for code in codes if code not in with_transcripts]
        if waiting and not with_transcripts:
            # Nothing to check the ids against yet: say what they must match.
            click.secho("note: no transcript imported yet: each id waits for the "
                        "transcript that has it (a file's name without extension, unless "
                        "its header or `qcahp import --participant` names one)",
                        fg="yellow", err=True)
        elif waiting:
            # Usually a typo or a file name that differs from the id in the CSV. On
            # stderr in yellow, as import's notes are.
            # Name the transcript's participant each id most likely means ("P10" for
            # P1O, "P7" for P07): ids match exactly (case aside), so these attributes
            # went to a new participant with no transcript, and the reports missed them.
            free = {p for p in with_transcripts if p is not None} - set(codes)
            ids = {t.name: t.participant for t in transcripts if t.participant in free}
            ids.update({p: p for p in free})
            shown = [did_you_mean(code, ids) for code in waiting[:10]]
            guessed = "did you mean" in " ".join(shown)
            click.secho(f"note: no transcript yet for {len(waiting)} of them: "
                        + ", ".join(shown) + (" ..." if len(waiting) > 10 else "")
                        + ("; fix the CSV and import it again, or `qcahp participants "
                           "assign TRANSCRIPT ID`; `qcahp participants remove ID` removes "
                           "a stray id" if guessed else ""), fg="yellow", err=True)
            bare = sorted(p for p in free if not store.participants().get(p))
            if bare and not guessed:
                # Ids match exactly, and none of these is near one: say which ids the
                # transcripts have (each its file's name unless the import named one).
                click.secho("note: the transcripts' participant ids are their file names "
                            "unless set at import; these have no attributes yet: "
                            + ", ".join(bare[:10]) + (" ..." if len(bare) > 10 else "")
                            + " (use these ids in the CSV's first column, then import it "
                            "again)", fg="yellow", err=True)

    @participants_group.command("assign", short_help="Give a transcript to a participant.")
    @click.argument("transcript")
    @click.argument("participant")
    @pass_project
    def participants_assign(project: Project, transcript: str, participant: str) -> None:
        """Give TRANSCRIPT (every version of it) to PARTICIPANT.

        TRANSCRIPT is a name, name@version or id; PARTICIPANT an id, created if new
        (its attributes come from `qcahp participants import`). The participant the
        transcript had is removed when it is left with no transcript and no
        attributes (the id an import took from the file name). A participant withdrawn
        with `qcahp withdraw` is refused.

        \b
        Example:
          qcahp participants assign p07_zoom P07
        """
        store = project.store()
        info = find_transcript(store, transcript)
        participant = participant.strip()
        known = store.participants()
        new = participant not in known
        cases = {c.key: c.label for c in store.framework_cases()}
        written = store.cell_summaries()
        changed, old, dropped = store.assign_participant(info.name, participant,
                                                         by=login_name())
        now = {c.key for c in store.framework_cases()}
        gone = sorted({cases[k] for k, _ in written if k in cases and k not in now})
        moved = sum(len(v) for (k, _), v in written.items() if k in cases and k not in now)
        if not changed:
            click.echo(f"{info.name} already belongs to participant {participant}; "
                       "nothing changed")
            return
        versions = ", ".join(f"v{v}" for v in changed)
        was = f" (was {old}{', removed: no transcript or attributes left' if dropped else ''})"
        click.echo(f"{info.name} ({versions}) now belongs to participant {participant}"
                   f"{was if old else ''}")
        if moved:
            was_case = ", ".join(gone)
            click.echo(f"{moved} framework summar{'y' if moved == 1 else 'ies'} of "
                       f"{was_case} moved to {participant}'s cells, headed with {was_case} "
                       "(`qcahp log` lists each, and who moved it)")
        if old and not dropped and old != participant and not any(
                t.participant == old for t in store.transcripts()):
            click.secho(f"note: {old} has no transcript now; its attributes stay "
                        f"(`qcahp participants remove {old}` removes it)",
                        fg="yellow", err=True)
        if new:
            # Only a likely id, as the participants CSV import guesses (P1O for P10, p-10):
            # difflib's alphabetical tie-break took P10 for a new P03.
            near = likely_ids(participant, {p: p for p in known if p != old})
            hint = f"; did you mean {' or '.join(near)}?" if near else ""
            click.secho(f"note: {participant} is a new participant with no attributes yet "
                        f"(`qcahp participants import FILE.csv` adds them){hint}",
                        fg="yellow", err=True)

    @participants_group.command("remove", short_help="Remove a participant with no transcript.")
    @click.argument("participant")
    @pass_project
    def participants_remove(project: Project, participant: str) -> None:
        """Remove PARTICIPANT and their attributes: an id with no transcript (a mistyped
        row of a participants CSV).

        A participant who still has transcripts is refused: give those to another
        participant first (`qcahp participants assign`), or withdraw them (`qcahp
        withdraw`, which removes the interviews themselves).
        """
        store = project.store()
        attributes = store.remove_participant(participant)
        click.echo(f"removed participant {participant.strip()} "
                   f"({plural(len(attributes), 'attribute')}, no transcripts)")
