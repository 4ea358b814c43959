"""CLI commands: privacy (``qcahp redact``)."""

from __future__ import annotations

import click

from qualcoder_ahp.cli.common import (
    InputFile,
    Project,
    emit_table,
    pass_project,
    plural,
    progress_bar,
    say,
)
from qualcoder_ahp.model.coders_store import shell_arg


LISTED = 5
"""The most places a note lists by name (then "and N more")."""


def codebook_file_note(project: Project, what: str) -> None:
    """Say that the codebook file last loaded (outside the project) still holds ``what``,
    and how to write the changed codebook over it."""
    loads = project.store().codebook_loads()
    name = loads[-1].path if loads and loads[-1].path else "the codebook file"
    # The project keeps the file's name, not its folder (m015): the command is run in
    # the codebook's folder, or given its path, to write over that file.
    say(f"note: {name}, the codebook file loaded, still holds {what}: `qcahp codebook "
        f"export --force {shell_arg(name)}` in its folder (or with its path) writes the "
        "codebook as it is now over it", fg="yellow")


def copies_note(project: Project, what: str) -> None:
    """What a change inside the project cannot reach: its migration backups (listed),
    coders' copies and files exported before now, which still hold ``what``."""
    from qualcoder_ahp.cli.withdraw import backups

    found = backups(project.path)
    listed = f" ({', '.join(p.name for p in found)})" if found else ""
    say(f"note: copies made before now still hold {what}: "
        + (f"backups of {project.path.name}{listed}, " if found else "")
        + "coders' copies of the project and exported files; delete or remake them",
        fg="yellow")


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""

    @cli.command("redact")
    # InputFile: a missing file reads "FILE: no such file", as in every other command.
    @click.option("--names", "names_file", required=True, type=InputFile(),
                  help="File of names, one per line, optionally 'name,replacement'.")
    @click.option("--transcript", "transcripts", multiple=True, metavar="NAME",
                  help="A transcript to redact (repeatable).")
    @click.option("--all", "all_transcripts", is_flag=True, help="Redact every transcript.")
    @click.option("--dry-run", is_flag=True, help="Count what would be replaced; change nothing.")
    @click.option("--match-case", is_flag=True,
                  help="Match each name only as written (Will, not will).")
    @click.option("--codebook", "codebook_only", is_flag=True,
                  help="Redact only the stored codebook (allowed after coding).")
    @pass_project
    def redact_cmd(project: Project, names_file: str, transcripts: tuple[str, ...],
                   all_transcripts: bool, dry_run: bool, match_case: bool,
                   codebook_only: bool) -> None:
        """Replace people's names in the stored transcript text, before coding.

        A name listed without a replacement becomes the transcript's participant
        code, such as [P01]. Names match as whole words, ignoring case (--match-case:
        only as written, for a name that is also a word, such as Will); speaker
        labels are redacted too. The text is changed in place (the unredacted text
        does not stay in the database) with a 'redact' event in the log, and the
        log's events about the transcript (a speaker rename) are scrubbed of the names.
        The stored codebook's definitions and examples (often quotes) are redacted too,
        a name with no replacement becoming [REDACTED] (--codebook: the codebook alone,
        which moves no offsets, so also after coding). Refused
        for transcripts that already have codings or decided suggestions, because
        their offsets would move; undecided suggestions are dropped (run
        'qcahp suggest' again).
        """
        from qualcoder_ahp.privacy import read_names, redact_transcripts

        from qualcoder_ahp.reports.data import find_transcript

        rules = read_names(names_file)
        store = project.store()
        for ref in transcripts:  # a typo names the likely transcript
            find_transcript(store, ref)
        with progress_bar("Redacting") as step:
            report = redact_transcripts(store, rules, transcripts,
                                        all_transcripts=all_transcripts, dry_run=dry_run,
                                        match_case=match_case, progress=step,
                                        codebook_only=codebook_only)
        rows = []
        for name, counts in report.redacted.items():
            rows += [{"transcript": name, "name": rule, "replaced": n}
                     for rule, n in sorted(counts.items())]
            if not counts:
                # Only speaker labels held the names: the table printed "(none)" above
                # "2 transcripts would be redacted".
                rows.append({"transcript": name, "name": "(speaker labels only)",
                             "replaced": ""})
        if rows:
            emit_table(rows, ["transcript", "name", "replaced"])
        verb = "would be redacted" if dry_run else "redacted"
        if not codebook_only:
            click.echo(f"{plural(len(report.redacted), 'transcript')} {verb}; "
                       f"{len(report.unchanged)} had none of the names.")
        elif not (report.codebook or report.codebook_text != "none"):
            # With no codebook loaded "has none of the names" read as if one was searched.
            click.echo("The codebook has none of the names." if store.themes(
                include_inactive=True) else "The project has no codebook: nothing to redact.")
        if report.log_scrubbed:
            # `qcahp speakers rename` logs the old name: the log keeps no name either.
            did = "Would scrub" if dry_run else "Scrubbed"
            click.echo(f"{did} the names from {plural(report.log_scrubbed, 'log event')} "
                       "about them too.")
        for name, n in sorted(report.lowercase.items()):
            # "Will", "Hope", "Mark": every "will" of the text would become [P01], and
            # the redacted text is all the database keeps.
            did = "would replace" if dry_run else "replaced"
            click.secho(f"note: {name!r} {did} {name.lower()!r} in lower case "
                        f"{plural(n, 'time')}: that may be the ordinary word; --match-case "
                        f"replaces only {name!r} as written", fg="yellow", err=True)
        if report.codebook or report.codebook_text != "none":
            would = "Would replace" if dry_run else "Replaced"
            events = (f" (and in {plural(report.codebook_events, 'log event')} that set them)"
                      if report.codebook_events else "")
            click.echo(f"{would} {plural(report.codebook, 'name')} in the codebook's "
                       f"definitions and examples{events}.")
        if report.codebook_text == "dropped":
            # A replacement can break the YAML (`- [P01] said`) or a name sits in a
            # pattern: the names must go, so the file's text goes.
            did = "would be" if dry_run else "was"
            say("note: the codebook file's text kept for `qcahp codebook export` (its "
                f"comments) {did} dropped, as it would not load as the redacted codebook; "
                "an export now writes the codebook from the database", fg="yellow")
        if report.codebook and not dry_run:
            codebook_file_note(project, "the names")
        for where in report.codebook_held:
            say(f"note: {where} holds a listed name; redaction leaves it (codings use "
                "it): change it with `qcahp codebook load` of an edited file", fg="yellow")
        if report.left:
            # Not changed (the researchers' words), but not to be missed either.
            shown = report.left[:LISTED]
            more = (f" and {len(report.left) - LISTED} more"
                    if len(report.left) > LISTED else "")
            say(f"note: a listed name is still written in {'; '.join(shown)}{more}: "
                "redaction does not change memos or attributes; edit them", fg="yellow")
        if (report.redacted or report.codebook) and not dry_run:
            # Said every time: an export made before coding (a REFI-QDA file of the
            # imported interviews, a `show -o`) holds them as well as any backup.
            copies_note(project, "the names")
        for name, held in report.named.items():
            # The name came from the file (physio_helen): in every quote, export and
            # REFI-QDA file, whatever the text says.
            said = " and ".join(repr(h) for h in held)
            say(f"note: transcript {name!r} is named after {said} (its name or participant "
                f"id): redaction changes the text, not names; `qcahp transcripts rename "
                f"{shell_arg(name)} NEW` renames it.", fg="yellow")
