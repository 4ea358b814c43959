"""CLI commands: ``qcahp code`` (the workbench) and ``qcahp demo`` (a ready demo project).

Both open the same Textual app through :func:`qualcoder_ahp.tui.app.make_app`.
``demo`` first builds ``./qcahp-demo.db`` from the bundled ``transcripts/`` and
``codebooks/ahp-leadership.yaml`` (with progress bars on stderr) unless it already
exists, so running it again reopens the same project unchanged.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from qualcoder_ahp.cli.common import Project, pass_project, progress_bar, working
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.reconcile_store import CONSENSUS_CODER

DEMO_DB = "qcahp-demo.db"


def _has_terminal() -> bool:
    """Whether both ends are a terminal, which a full-screen app needs to draw and read keys."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _require_terminal(command: str) -> None:
    # Without a terminal Textual would write escape codes into a pipe and wait forever
    # for keys that never come; say what to use instead.
    if not _has_terminal():
        raise UserError(f"qcahp {command} opens a full-screen workbench and needs a terminal "
                        "(stdin and stdout); in scripts use qcahp suggestions, decide and the "
                        "report commands")


DEMO_SETTING = "demo_project"
"""Project setting marking a database that ``qcahp demo`` built (so ``--fresh`` may delete it)."""


def _refuse_a_study(project: Project) -> None:
    """Refuse to build the demo into, or ``--fresh``-delete, a project with real work.

    ``demo`` honours ``--db`` and ``$QCAHP_DB``; a researcher who exported
    ``QCAHP_DB=study.db`` (as the README suggests) and ran ``qcahp demo --fresh`` had
    the study deleted, and a plain ``qcahp demo`` loaded the demo codebook over a study
    with a codebook but no transcripts yet. Only a project the demo built (or the
    default ``qcahp-demo.db``, as built before the mark existed) or an empty one is used.
    """
    store = project.store()
    if store.get_setting(DEMO_SETTING) == "1" or project.path.name == DEMO_DB:
        return
    if not (store.transcripts() or store.themes() or store.coders()):
        return
    source = "$QCAHP_DB" if project.db_path == os.environ.get("QCAHP_DB") else "--db"
    raise UserError(f"is a project of your own, not the demo (named by {source}): nothing was "
                    f"changed; `qcahp --db {DEMO_DB} demo` opens the demo, and `qcahp code` "
                    "this project", path=str(project.path))


def _refuse_consensus(project: Project, coder: str | None) -> None:
    """Refuse ``--coder`` naming a consensus coder, before anything is opened or built.

    The consensus coder's codings are the reconciled result, each logged with the
    decision that made it; hand coding under that name would mix into it unlogged.
    """
    if not coder or (coder != CONSENSUS_CODER and not project.path.exists()):
        return
    project.store().refuse_consensus(coder)  # the words every command refusing it uses


def _run(project: Project, coder: str | None) -> None:
    from qualcoder_ahp.tui.app import make_app

    store = project.store()
    make_app(project.path, coder, store=store).run()


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""

    @cli.command("code")
    @click.option("--coder", default=None, metavar="NAME",
                  help="Your name as a coder (asked once and remembered per project).")
    @pass_project
    def code(project: Project, coder: str | None) -> None:
        """Open the coding workbench on the project (--db, $QCAHP_DB or ./qcahp.db)."""
        _refuse_consensus(project, coder)
        _require_terminal("code")
        _run(project, coder)

    @cli.command("demo")
    @click.option("--coder", default="demo", show_default=True, metavar="NAME",
                  help="Code as this coder.")
    @click.option("--fresh", is_flag=True, help="Delete the demo project and build it again.")
    @click.pass_context
    def demo(ctx: click.Context, coder: str, fresh: bool) -> None:
        """Build (once) and open a demo project from the bundled transcripts and codebook.

        Uses ./qcahp-demo.db unless --db or $QCAHP_DB name another file; a project
        with your own transcripts, codebook or coders is never used or deleted.
        """
        from qualcoder_ahp.model.store import remove_database
        from qualcoder_ahp.tui import jobs

        project: Project = ctx.obj
        if project.db_path is None:
            project.db_path = str(Path(DEMO_DB))
        _refuse_consensus(project, coder)
        _require_terminal("demo")
        if project.path.exists():
            _refuse_a_study(project)
        if fresh:
            project.close()
            remove_database(project.path)
        store = project.store()
        # The first run loads and compiles the codebook (several seconds) before the
        # import and suggestion bars appear: say so, rather than show nothing.
        with working("Loading the demo codebook") if not store.transcripts() \
                else contextlib.nullcontext(), \
                progress_bar("Importing transcripts") as imported, \
                progress_bar("Suggesting") as suggested:

            def import_then_suggest(done: int, total: int, *current: str) -> None:
                imported(done, total, *current)
                if done >= total:  # every transcript is in: the suggesting starts now, and
                    suggested(0, total)  # loading spaCy comes before its first transcript

            built = jobs.build_demo(store, import_then_suggest, suggested)
        if built:
            store.set_setting(DEMO_SETTING, "1")
        n = len(store.transcripts())
        click.echo(f"{'Built' if built else 'Reopened'} demo project {project.path} "
                   f"({n} transcripts, {len(store.suggestions())} suggestions).", err=True)
        _run(project, coder)

