"""CLI commands: ``qcahp codebook`` add-theme, edit-theme, merge-theme, retire, restore.

Each edits one theme of the stored codebook as the workbench's codebook screen does,
as a coder and undoable (``qcahp undo``); they are commands of the ``codebook`` group
of :mod:`qualcoder_ahp.cli.codebook`, which adds :data:`THEME_COMMANDS` to it.
"""

from __future__ import annotations

import click

from qualcoder_ahp.cli.common import (
    Project,
    acting_coder,
    check_theme,
    pass_project,
    plural,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.codebook_store import codings_kept, theme_name_problem
from qualcoder_ahp.reports.data import RETIRED


def _check_name(name: str) -> None:
    """Refuse a name the store would refuse, advising the option this command has (the
    workbench's form calls the field "Definition"; here it is --description)."""
    problem = theme_name_problem(name, "its definition (--description)")
    if problem:
        raise UserError(problem)


@click.command("add-theme", short_help="Add a theme while coding (coded by hand, no patterns).")
@click.argument("name")
@click.option("--coder", required=True, metavar="NAME", help="Who adds it (kept in the log).")
@click.option("--parent", "parent_id", default=None, metavar="ID",
              help="The folder or theme to put it under [default: top level].")
@click.option("--id", "theme_id", default=None, metavar="ID",
              help="Its id [default: made from the name, e.g. caring_for_carers].")
@click.option("--description", default="", metavar="DEFINITION",
              help="What the theme captures.")
@pass_project
def codebook_add_theme(project: Project, name: str, coder: str, parent_id: str | None,
                       theme_id: str | None, description: str) -> None:
    """Add a theme to the stored codebook, as in the workbench (inductive coding).

    It has no patterns, so it is never suggested: code it by hand. `qcahp codebook
    export` writes the codebook with it, to edit and load as the next version.
    """
    _check_name(name)
    store = project.store()
    # No codebook yet is fine: an inductive study's first theme, as ctrl+n makes it in
    # the workbench (the command used to send the researcher off to write a file).
    if parent_id is not None:
        check_theme(store, parent_id)
    coder = acting_coder(store, coder, note=False)
    theme = store.add_theme(name, coder=coder, parent_id=parent_id, theme_id=theme_id,
                            description=description)
    click.echo(f"Added theme {theme.id} ({store.theme_path(theme.id)}), colour {theme.color}.")
    note = store.namesake_note(theme.id, coder)
    if note:
        click.echo(note, err=True)


@click.command("edit-theme",
                  short_help="Rename a theme, change its definition, criteria, examples or "
                             "colour, or move it.")
@click.argument("theme_id", metavar="THEME_ID")
@click.option("--name", default=None, metavar="NAME", help="Its new name.")
@click.option("--description", default=None, metavar="DEFINITION",
              help="Its new definition (\"\" clears it).")
@click.option("--inclusion", default=None, metavar="CRITERIA",
              help="Its new inclusion criteria (\"\" clears them).")
@click.option("--exclusion", default=None, metavar="CRITERIA",
              help="Its new exclusion criteria (\"\" clears them).")
@click.option("--example", "examples", multiple=True, metavar="QUOTE",
              help="An example quote (repeatable): they replace its examples; --example \"\" "
                   "clears them.")
@click.option("--color", default=None, metavar="HEX", help="Its new colour, #RRGGBB.")
@click.option("--parent", "parent_id", default=None, metavar="ID",
              help="Move it (and what is below it) under this theme or folder.")
@click.option("--top-level", is_flag=True, help="Move it to the top level of the tree.")
@click.option("--coder", required=True, metavar="NAME", help="Who edits it (kept in the log).")
@pass_project
def codebook_edit_theme(project: Project, theme_id: str, name: str | None,
                        description: str | None, inclusion: str | None,
                        exclusion: str | None, examples: tuple[str, ...], color: str | None,
                        parent_id: str | None, top_level: bool, coder: str) -> None:
    """Edit a theme or folder of the stored codebook (any theme, shipped or added).

    THEME_ID is the id of `qcahp codebook show`; codings keep it, so they follow the new
    name and place. The coder can undo the edit (`qcahp undo --coder NAME`, or u in the
    workbench). `qcahp codebook export` writes the edited codebook; loading a codebook file
    puts the file's names and tree back, with a warning for each edit it overwrites.

    \b
    Examples:
      qcahp codebook edit-theme serendipity --name "Happenstance" --coder ana
      qcahp codebook edit-theme serendipity --color '#AA4499' --coder ana
      qcahp codebook edit-theme serendipity --exclusion "Planned moves." \\
          --coder ana
      qcahp codebook edit-theme serendipity --example "I fell into it." \\
          --example "Right place, right time." --coder ana
      qcahp codebook edit-theme serendipity --parent system_leadership --coder ana
    """
    if parent_id is not None and top_level:
        raise UserError("give --parent ID or --top-level, not both")
    moving = parent_id is not None or top_level
    if (name is None and description is None and inclusion is None and exclusion is None
            and not examples and color is None and not moving):
        raise UserError("nothing to change: give --name, --description, --inclusion, "
                        "--exclusion, --example, --color, --parent or --top-level")
    if name is not None and name.split():
        _check_name(name)
    store = project.store()
    if not store.themes():
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    check_theme(store, theme_id)
    if parent_id is not None:
        check_theme(store, parent_id)
    before = store.theme(theme_id)
    coder = acting_coder(store, coder, note=False)
    theme = store.edit_theme(theme_id, coder=coder, name=name, description=description,
                             color=color, parent_id=parent_id if moving else ...,
                             inclusion=inclusion, exclusion=exclusion,
                             examples=list(examples) if examples else None)
    moved = (f"moved under {store.theme_path(theme.parent_id)}" if theme.parent_id
             else "moved to the top level")
    changed = [f"name {before.name!r} -> {theme.name!r}" if theme.name != before.name else "",
               "definition" if theme.description != before.description else "",
               "inclusion criteria" if theme.inclusion != before.inclusion else "",
               "exclusion criteria" if theme.exclusion != before.exclusion else "",
               f"examples ({len(theme.examples)})" if theme.examples != before.examples
               else "",
               f"colour {before.color} -> {theme.color}" if theme.color != before.color else "",
               moved if theme.parent_id != before.parent_id else ""]
    click.echo(f"Edited theme {theme.id} ({store.theme_path(theme.id)}): "
               + ", ".join(c for c in changed if c) + ".")


@click.command("merge-theme", short_help="Merge one theme into another (codings, memos).")
@click.argument("source_id", metavar="THEME_ID")
@click.argument("target_id", metavar="INTO_ID")
@click.option("--coder", required=True, metavar="NAME", help="Who merges (kept in the log).")
@pass_project
def codebook_merge_theme(project: Project, source_id: str, target_id: str, coder: str) -> None:
    """Merge theme THEME_ID into theme INTO_ID, for every coder, in one undoable step.

    Each coder's codings of THEME_ID become codings of INTO_ID over the same spans (a span
    the coder already coded with INTO_ID is not coded twice), their memos on THEME_ID are
    appended to their memos on INTO_ID, THEME_ID's open suggestions are retired and
    THEME_ID leaves the codebook (retired, as in `qcahp codebook show`). The coder can
    undo it (`qcahp undo --coder NAME`, or u in the workbench). Folders do not merge.

    \b
    Example:
      qcahp codebook merge-theme role_ambiguity visibility --coder ana
    """
    store = project.store()
    if not store.themes():
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    check_theme(store, source_id)
    check_theme(store, target_id)
    counts = store.merge_theme(source_id, target_id, coder=acting_coder(store, coder, note=False))
    source = store.theme(source_id)
    click.echo(f"Merged theme {source_id} ({source.name}) into {target_id} "
               f"({store.theme_path(target_id)}): {plural(counts['moved'], 'coding')} moved, "
               f"{counts['joined']} already there, {plural(counts['memos'], 'memo')} moved, "
               f"{plural(counts['suggestions'], 'open suggestion')} retired; "
               f"{source_id} is retired.")


@click.command("retire", short_help="Retire a theme: out of the codebook, codings kept.")
@click.argument("theme_id", metavar="THEME_ID")
@click.option("--coder", required=True, metavar="NAME", help="Who retires it (kept in the log).")
@pass_project
def codebook_retire(project: Project, theme_id: str, coder: str) -> None:
    """Retire a theme from the stored codebook, as x on the codebook screen does.

    It leaves the tree, the pickers and `qcahp suggest`; its open suggestions are
    retired. Its codings stay, every coder's: reports and agreement still count them
    under the theme marked "(retired)", and a REFI export keeps it (Status: retired).
    A folder retires once nothing active is below it. The coder can undo it (`qcahp
    undo --coder NAME`, or u in the workbench); `qcahp codebook restore` brings it back
    later, and so does loading a codebook file that has it (with a warning).

    \b
    Example:
      qcahp codebook retire secret_weapon --coder ana
    """
    store = project.store()
    if not store.themes(include_inactive=True):
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    check_theme(store, theme_id)
    path = store.theme_path(theme_id)
    counts = store.retire_theme(theme_id, coder=acting_coder(store, coder, note=False))
    shown = (f" (shown as {store.theme(theme_id).name} {RETIRED})" if counts["codings"]
             else "")
    click.echo(f"Retired theme {theme_id} ({path}): {codings_kept(counts['codings'])}{shown}, "
               f"{plural(counts['suggestions'], 'open suggestion')} retired.")


@click.command("restore", short_help="Bring a retired theme back into the codebook.")
@click.argument("theme_id", metavar="THEME_ID")
@click.option("--coder", required=True, metavar="NAME",
              help="Who restores it (kept in the log).")
@pass_project
def codebook_restore(project: Project, theme_id: str, coder: str) -> None:
    """Bring a retired theme back: into the tree, the pickers and `qcahp suggest`.

    The suggestions its last retirement retired open again. A theme merged into another
    is not restored (undo the merge). Undo takes the restore back.
    """
    store = project.store()
    if not store.themes(include_inactive=True):
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    check_theme(store, theme_id)
    counts = store.restore_theme(theme_id, coder=acting_coder(store, coder, note=False))
    click.echo(f"Restored theme {theme_id} ({store.theme_path(theme_id)}): "
               f"{plural(counts['codings'], 'coding')}, "
               f"{plural(counts['suggestions'], 'suggestion')} open again.")


THEME_COMMANDS = (codebook_add_theme, codebook_edit_theme, codebook_merge_theme,
                  codebook_retire, codebook_restore)
"""The commands of this module, added to the ``qcahp codebook`` group."""
