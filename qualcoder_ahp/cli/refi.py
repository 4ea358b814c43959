"""CLI commands: ``qcahp refi export-codebook|export|import`` (REFI-QDA exchange)."""

from __future__ import annotations

from pathlib import Path

import click

from qualcoder_ahp.cli.common import (
    NEW_VERSION_ADVICE,
    Project,
    pass_project,
    plural,
    progress_bar,
    refuse_project_database,
    report_written,
    say,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.refi_store import CODE_CLASH, TRANSCRIPT_CLASH
from qualcoder_ahp.reports.writers import check_writable


def _count(n: int, plural: str) -> str:
    """``1 coder``, ``3 coders`` (every key here is a plain -s plural)."""
    return f"{n} {plural if n != 1 else plural[:-1]}"


SHOWN = 20
"""At most this many warnings (and as many mismatches) are printed one per line."""


def _echo_capped(kind: str, lines: list[str]) -> None:
    for line in lines[:SHOWN]:
        click.echo(f"{kind}: {line}", err=True)
    if len(lines) > SHOWN:
        click.echo(f"{kind}: ... and {len(lines) - SHOWN} more", err=True)


def _parse_map(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, coder = pair.partition("=")
        if not sep or not name.strip() or not coder.strip():
            raise UserError(f"--coder-map wants FILE_USER=CODER, not {pair!r}")
        out[name.strip()] = coder.strip()
    return out


def _check_target(file: str, suffix: str, what: str) -> None:
    """Refuse, before any work, a target the other programs would not open.

    A ``.qdpx`` written as ``study.txt`` (or a codebook as ``.qdpx``) imports nowhere,
    and a folder that does not exist is more likely a typo than a wish to create it.
    """
    if Path(file).suffix.lower() != suffix:
        raise UserError(f"{what} is written as {suffix}: give a FILE{suffix} name", path=file)
    refuse_project_database(file)  # a project kept as study.qdpx must not be overwritten
    check_writable(file)


REFI_SUFFIXES = (".qdpx", ".qdc", ".qde", ".xml", ".zip")


def _not_refi(file: str, exc: UserError) -> UserError:
    """Say what refi import reads when the file given is plainly something else.

    A Word file, a transcript or an NVivo .nvp given by mistake used to be refused
    as "not well-formed XML (Start tag expected...)", which names no way forward.
    Files with a REFI-QDA suffix keep the reader's precise message.
    """
    suffix = Path(file).suffix.lower()
    if "well-formed" not in str(exc):
        return exc
    if suffix == ".qdpx":  # read as XML only because it is not a zip archive
        return UserError("not a .qdpx archive (a .qdpx is a zip file; this one is damaged, "
                         "partly copied or something else renamed)", path=file)
    if suffix in REFI_SUFFIXES:
        return exc
    return UserError("not a REFI-QDA file (refi import reads the .qdpx projects and .qdc "
                     "codebooks that NVivo, ATLAS.ti, MAXQDA and QualCoder export)", path=file)


def _target_options(func):  # type: ignore[no-untyped-def]
    """FILE as an argument, or ``-o/--output FILE`` as every report command takes it."""
    func = click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
                        default=None, help="The file to write (the same as FILE).")(func)
    return click.argument("file", required=False, type=click.Path(dir_okay=False))(func)


def _target(file: str | None, output: str | None, suffix: str) -> str:
    """The file to write: FILE or ``-o FILE`` (both, when the same; one-line usage
    errors when neither is given or they differ)."""
    if file and output and file != output:
        raise click.BadParameter(f"FILE {file!r} and -o {output!r} differ: give the file "
                                 "once", param_hint="'-o'")
    if not (file or output):
        raise click.BadParameter(f"give the file to write: FILE{suffix} or -o FILE{suffix}",
                                 param_hint="'FILE'")
    return str(file or output)


def register(cli: click.Group) -> None:
    """Add the ``refi`` command group to the qcahp group."""

    @cli.group()
    def refi() -> None:
        """Exchange with NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette (REFI-QDA)."""

    @refi.command("export-codebook")
    @_target_options
    @pass_project
    def export_codebook_cmd(project: Project, file: str | None, output: str | None) -> None:
        """Write the codebook as a REFI-QDA .qdc file.

        The file is FILE, or -o FILE as the report commands take it."""
        from qualcoder_ahp.refi import export_codebook

        file = _target(file, output, ".qdc")
        _check_target(file, ".qdc", "a REFI-QDA codebook")
        store = project.store()
        replaced = Path(file).exists()
        counts = export_codebook(store, file)  # a temporary file, then os.replace
        report_written(f"a REFI-QDA codebook ({_count(counts['codes'], 'codes')})", file,
                       replaced)

    @refi.command("export")
    @_target_options
    @click.option("--name", default=None, metavar="NAME",
                  help="Project name inside the file [default: the name of the REFI "
                  "project this one was made from, else the database's name].")
    @pass_project
    def export_cmd(project: Project, file: str | None, output: str | None,
                   name: str | None) -> None:
        """Write the whole project as a REFI-QDA .qdpx archive.

        The file is FILE, or -o FILE as the report commands take it."""
        from qualcoder_ahp.refi import export_project

        file = _target(file, output, ".qdpx")
        _check_target(file, ".qdpx", "a REFI-QDA project")
        store = project.store()
        replaced = Path(file).exists()
        with progress_bar("Exporting sources") as bar:
            counts = export_project(store, file, name=name, progress=bar)
        summary = ", ".join(_count(v, k) for k, v in counts.items())
        report_written(f"a REFI-QDA project ({summary})", file, replaced)

    @refi.command("import")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--coder-map", "coder_map", multiple=True, metavar="FILE_USER=CODER",
                  help="Store a user of the file (by name, or by GUID) under another "
                  "coder name (repeatable).")
    @click.option("--default-coder", default=None, metavar="NAME",
                  help="Coder for codings and notes that name no user [default: the "
                  "file's only user, else imported].")
    @click.option("--new-version", is_flag=True,
                  help="Short for --transcript-clash new-version: store a source whose "
                  "name is taken by other text as a new version.")
    @click.option("--transcript-clash", type=click.Choice(TRANSCRIPT_CLASH), default="refuse",
                  show_default=True,
                  help="A source named like a transcript here, with other text: refuse the "
                  "import, store a new version, rename it ('grace (FILE)') or skip it "
                  "with its codings.")
    @click.option("--code-clash", type=click.Choice(CODE_CLASH), default="refuse",
                  show_default=True,
                  help="A code named like a theme elsewhere in the codebook: refuse the "
                  "import, merge it into that theme, or rename it ('Board (FILE)').")
    @click.option("--dry-run", is_flag=True,
                  help="Check the file and show what would be added; write nothing.")
    @pass_project
    def import_cmd(project: Project, file: str, coder_map: tuple[str, ...],
                   default_coder: str | None, new_version: bool, transcript_clash: str,
                   code_clash: str, dry_run: bool) -> None:
        """Import a REFI-QDA .qdc codebook or .qdpx project.

        Transcripts already here (same text) are matched, not copied; codes become
        themes. A name taken here by something else refuses the whole import, listing
        every such name, unless --transcript-clash or --code-clash says what to do;
        the summary says what became of each. Try --dry-run first.

        \b
        Examples:
          qcahp refi import nvivo-export.qdpx --dry-run
          qcahp refi import nvivo-export.qdpx --coder-map "Jo Smith=jo"
        """
        from qualcoder_ahp.refi import import_file

        mapping = _parse_map(coder_map)
        store = project.store()
        store.name_clash_advice = NEW_VERSION_ADVICE  # this command has the flag
        try:
            with progress_bar("Reading sources") as bar:
                report = import_file(store, file, coder_map=mapping,
                                     default_coder=default_coder, new_version=new_version,
                                     dry_run=dry_run, progress=bar,
                                     transcript_clash=transcript_clash,
                                     code_clash=code_clash)
        except UserError as exc:
            raise _not_refi(file, exc) from None
        if dry_run or report.nothing_added:
            # "Write nothing", and a file with nothing to import: not even an empty
            # project (the next command would find "a project" with nothing in it).
            project.discard_if_created()
        # The summary wraps to the terminal (130 columns at 80 for a --dry-run).
        if report.nothing_added:
            say(f"{file}: {report.nothing_why()}.", err=False)
            for line in report.clashes:  # a source skipped by choice says so here too
                say(line, err=False)
        else:
            added = ", ".join(_count(v, k) for k, v in report.added.items() if v)
            verb = "Would import" if dry_run else "Imported"
            say(f"{verb} {file} ({report.kind}): {added}.", err=False)
            for line in report.details():  # what was here already, and what was left out
                say(line, err=False)
        for line in report.notices:  # where data went that has another place here
            say(line, err=False)
        if report.units and set(report.units) != {"codepoints"}:
            units = ", ".join(f"{n} in {u}" for u, n in sorted(report.units.items()))
            say(f"Offsets converted to code points: {units}.", err=False)
        if report.unchecked:  # "1 selection ... their offsets" read wrong
            their = "its" if report.unchecked == 1 else "their"
            say(f"Warning: {plural(report.unchecked, 'selection')} had no quote to check "
                f"{their} offsets against")
        for line in report.not_imported:  # one line per kind: PDF sources, sets...
            say(f"Not imported: {line}.")
        _echo_capped("Warning", report.warnings)
        _echo_capped("Mismatch", report.mismatches)
        if report.mismatches:
            # Listed above, each with its reason: a quote that differs from the text
            # there, or offsets past the end of the source.
            one = len(report.mismatches) == 1
            say(f"{plural(len(report.mismatches), 'selection')} not imported: "
                + ("its offsets do not fit the text (listed above)." if one else
                   "their offsets do not fit the text (each one is listed above)."))
