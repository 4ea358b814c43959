"""The ``qcahp`` command line: a thin front end over the Textual-free core.

A bare ``qcahp`` opens the workbench (``qcahp code``); subcommands do the headless
jobs. Each area registers its commands from its own module in this package.
Errors a user can act on (:class:`~qualcoder_ahp.errors.UserError`) are printed as
one line on stderr with a non-zero exit; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import contextlib
import difflib
import sqlite3
import sys
from collections.abc import Iterable
from typing import Any

import click
from click_default_group import DefaultGroup

from qualcoder_ahp import __version__
from qualcoder_ahp.cli import starting  # first: Ctrl+C while loading is one line
from qualcoder_ahp.cli.common import Project, file_paths, sigterm_stops
from qualcoder_ahp.errors import Stopped, UserError, database_problem


def _one_line(exc: click.BadParameter) -> click.UsageError:
    """A wrong value (a missing file, ``--format pdf``, a bad choice) as one line.

    Every other error is one line naming the thing at fault; click's usage block above
    this one buried the message. Other usage errors (an unknown option, a missing
    command) keep click's usual form, where the usage lines help.
    """
    if exc.ctx is None:
        return exc
    return click.UsageError(f"{exc.format_message()} (see `{exc.ctx.command_path} --help`)")


SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Transcripts", (
        ("demo", "Open a ready-made demo project (bundled interviews)."),
        ("import", "Import transcripts: files or folders (.txt .docx .vtt ...)."),
        ("transcripts", "List the imported transcripts, speakers and roles."),
        ("speakers", "Fix speakers after import: rename, join, swap, set a role."),
        ("show", "Print one transcript by turns, or with its codings marked."),
        ("search", "Find words or patterns in every transcript, in context."),
        ("participants", "Participants and attributes: import a CSV, assign, remove."),
        ("redact", "Replace people's names in the stored text, before coding."),
        ("withdraw", "A participant withdraws: remove their interviews, for good."),
    )),
    ("Codebook and coding", (
        ("codebook", "Check, load and show the codebook (themes, patterns)."),
        ("suggest", "Run the codebook's patterns: theme suggestions."),
        ("suggestions", "List suggestions by theme, transcript or decision."),
        ("code", "Open the coding workbench (also a bare `qcahp`)."),
        ("decide", "Accept or reject one suggestion, from a script."),
        ("undo", "Undo a coder's last decision (u in the workbench)."),
        ("redo", "Redo a coder's last undone decision (r in the workbench)."),
        ("patterns", "Each pattern's record: accepted, rejected, precision."),
        ("evaluate", "Precision, recall and F1 of the suggestions."),
    )),
    ("Reports", (
        ("counts", "Theme counts by theme, transcript, participant, attribute."),
        ("quotes", "Coded quotes with context and attribution."),
        ("words", "Word frequencies; a theme's key words its patterns miss."),
        ("cooccurrence", "How often themes overlap or share a sentence or turn."),
        ("chart", "Charts (PNG, SVG, PDF): counts, attributes, co-occurrence, saturation."),
        ("memos", "Memos on themes, transcripts and codings, for the write-up."),
        ("framework", "Framework matrix: cases x themes, with cell summaries."),
        ("saturation", "Thematic saturation: did later interviews bring new themes?"),
        ("log", "The audit trail: every decision, who made it and when."),
        ("methods", "A draft methods paragraph and its figures, for the paper."),
    )),
    ("Several coders", (
        ("blind", "Show or set blind coding."),
        ("agreement", "Inter-rater agreement (kappa, alpha, AC1...) per theme."),
        ("disagreements", "The spans some coders coded and others did not."),
        ("reconcile", "Decide disagreements from a script; `log` of decisions."),
        ("merge", "Bring in the codings of a coder's copy of the project."),
        ("coders", "List coders; `rename` one, `join` two names of one person."),
        ("codings", "Codings as CSV in and out; from Word comments."),
    )),
    ("Exchange", (
        ("refi", "REFI-QDA .qdpx/.qdc for NVivo, ATLAS.ti, MAXQDA, QualCoder."),
    )),
)
"""The top-level help: commands in the order of a study, each with a line that fits.

Click lists commands alphabetically and cuts each docstring's first sentence to the
width left, which left most lines ending in "..."; a researcher reads this list first.
"""


def _hoist_project_options(args: list[str], commands: Iterable[str]) -> list[str]:
    """``qcahp counts --db study.db`` as ``qcahp --db study.db counts``.

    ``--db`` and ``--debug`` belong to ``qcahp`` itself, but a researcher puts them
    where every other option goes, after the command, and click then answered
    "No such option '--db'. Did you mean '--by'?". Given after a known command, they
    are moved in front of it (up to a ``--``, after which everything is an argument).
    Anything else before the command (``qcahp --coder ana`` opens the workbench)
    leaves the arguments as they are.
    """
    k = 0
    while k < len(args) and args[k].startswith("-"):
        if args[k] == "--db":
            k += 1
        elif not (args[k].startswith("--db=") or args[k] in ("--debug", "--version")):
            return args
        k += 1
    if k >= len(args) or args[k] not in commands:
        return args
    front, rest = args[:k], [args[k]]
    k += 1
    while k < len(args):
        arg = args[k]
        if arg == "--":
            rest.extend(args[k:])
            break
        if arg == "--db" and k + 1 < len(args):  # with its value
            front.extend(args[k:k + 2])
            k += 1
        elif arg.startswith("--db=") or arg == "--debug":
            front.append(arg)
        else:
            rest.append(arg)
        k += 1
    return front + rest


def _only_project_options(args: list[str]) -> bool:
    """Whether ``args`` are ``--db FILE``/``--db=FILE``/``--debug`` and nothing else: no
    command, so the default one (the workbench) is meant, as with no arguments at all
    (click said "Missing command")."""
    k = 0
    while k < len(args):
        if args[k] == "--db" and k + 1 < len(args):
            k += 2
        elif args[k].startswith("--db=") or args[k] == "--debug":
            k += 1
        else:
            return False
    return True


class _Group(DefaultGroup):
    """DefaultGroup that turns user errors into one clear line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Take ``--db`` and ``--debug`` given after the command too, and open the
        workbench when they are all there is (``qcahp --db study.db``)."""
        args = _hoist_project_options(list(args), self.commands)
        if args and _only_project_options(args) and self.default_cmd_name:
            args.append(self.default_cmd_name)
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands by stage of a study (see :data:`SECTIONS`), then any others."""
        listed = {name for _title, entries in SECTIONS for name, _text in entries}
        sections = [(title, [(name, text) for name, text in entries if name in self.commands])
                    for title, entries in SECTIONS]
        others = [(name, self.commands[name].get_short_help_str(60))
                  for name in sorted(set(self.commands) - listed)]
        sections.append(("Other commands", others))
        # One name column for every section, so the descriptions line up down the page.
        width = max(len(name) for name in self.commands)
        for title, rows in sections:
            if rows:
                with formatter.section(title):
                    formatter.write_dl([(name.ljust(width), text) for name, text in rows])

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        """Top-level options (``--db``) fail in one line too."""
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.BadParameter as exc:
            raise _one_line(exc) from None

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        """A mistyped command is an error naming it, not an argument to ``code``.

        DefaultGroup hands any unknown first word to the default command, so
        ``qcahp count`` used to say "code: unexpected extra argument". Options
        (``qcahp --coder ana``) still go to ``code``.
        """
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.commands:
            close = difflib.get_close_matches(name, list(self.commands), n=2, cutoff=0.6)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint} (qcahp --help lists them)")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with sigterm_stops():
                return super().invoke(ctx)
        except click.BadParameter as exc:
            raise _one_line(exc) from None
        except UserError as exc:
            if ctx.obj is not None:
                ctx.obj.discard_if_created()
                if ctx.obj.debug:
                    raise
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(1)
        except sqlite3.DatabaseError as exc:
            # A damaged project file, or one locked for longer than the busy timeout.
            if ctx.obj is not None and ctx.obj.debug:
                raise
            if ctx.obj is not None:
                ctx.obj.discard_if_unused()
            click.secho(f"Error: {_database_problem(ctx, exc)}", fg="red", err=True)
            sys.exit(1)
        except OSError as exc:
            # A safety net for file errors a command did not turn into a UserError
            # (an output folder that is read-only, a full disk): still one clear line.
            if isinstance(exc, BrokenPipeError) or (ctx.obj is not None and ctx.obj.debug):
                raise  # click ends a closed pipe (``qcahp show X | head``) quietly
            where = f"{exc.filename}: " if exc.filename else ""
            click.secho(f"Error: {where}{exc.strerror or exc}", fg="red", err=True)
            sys.exit(1)
        except KeyboardInterrupt as exc:
            # Every write is one transaction, so a Ctrl+C leaves each step whole or not
            # begun; "Interrupted." alone left researchers fearing a damaged project.
            # SIGTERM (``kill``, a time limit) unwinds the same way (sigterm_stops).
            # SIGHUP (the terminal closed) too: its line goes to a log, if anywhere.
            stopped = exc if isinstance(exc, Stopped) else None
            if ctx.obj is not None:
                ctx.obj.discard_if_unused()
            what = f"Stopped ({stopped.signal_name})" if stopped else "Interrupted"
            key = "it came" if stopped else "Ctrl+C"
            with contextlib.suppress(OSError):  # (a closed terminal cannot be written)
                click.echo(f"{what}: nothing is half-written (each step finished before "
                           f"{key} is stored whole, the rest not begun); run the same "
                           "command again to carry on.", err=True)
            sys.exit(128 + stopped.signum if stopped else 130)


def _database_problem(ctx: click.Context, exc: sqlite3.DatabaseError) -> str:
    """One line for an SQLite error, naming the project file and what to do
    (:func:`~qualcoder_ahp.errors.database_problem`)."""
    where = f"{ctx.obj.path}: " if ctx.obj is not None else ""
    return where + database_problem(exc)


@click.group(cls=_Group, default="code", default_if_no_args=True)
@click.version_option(__version__, prog_name="qcahp")
@click.option(
    "--db",
    "db_path",
    envvar="QCAHP_DB",
    type=click.Path(dir_okay=False),
    default=None,
    help="Project database [default: ./qcahp.db, or $QCAHP_DB].",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, debug: bool) -> None:
    """qualcoder_ahp: code interview transcripts, with spaCy theme suggestions.

    Run with no command to open the coding workbench on ./qcahp.db. Every command
    has its own --help.

    \b
    A study, from the command line:
      qcahp import interviews/
      qcahp codebook load codebooks/ahp-leadership.yaml
      qcahp suggest
      qcahp code --coder ana
      qcahp counts --coder ana -o counts.xlsx
    """
    ctx.obj = Project(db_path=db_path, debug=debug)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    from qualcoder_ahp.cli import (
        agreement, audit, codebook, corpus, privacy, reconcile, refi, reports, workbench,
    )
    from qualcoder_ahp.cli import coders, framework, methods, search, withdraw, words
    from qualcoder_ahp.cli import saturation, speakers, suggestions, transcripts

    for module in (corpus, codebook, suggestions, workbench, reports, agreement, reconcile,
                   refi, privacy, search, audit, words, withdraw, coders, methods, framework,
                   saturation, speakers, transcripts):
        module.register(cli)
    file_paths(cli)  # every --db, -o and FILE: ~ is home, a folder is said in one line


_register()
starting.started()

__all__ = ["cli"]
