"""CLI commands: codebook check/load/show, suggest, suggestions, decide, patterns, evaluate.

Thin wrappers over :mod:`qualcoder_ahp.suggest` and the store: every command here has
a Python form that the workbench and the tests call as well.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from qualcoder_ahp.cli.common import (
    InputFile,
    Project,
    check_theme,
    emit_fitted,
    emit_json,
    emit_table,
    output_format,
    pass_project,
    plural,
    progress_bar,
    say,
    table_width,
    working,
    write_output,
)
from qualcoder_ahp.cli.report_options import coder_options, dump_json, emit, output_options
from qualcoder_ahp.errors import UserError, closest
from qualcoder_ahp.model.event_words import FIELD_WORDS
from qualcoder_ahp.model.suggestion_store import PATTERN_ORDERS
from qualcoder_ahp.reports.data import RETIRED, find_transcript
from qualcoder_ahp.reports.text_table import cells, wrap_cells
from qualcoder_ahp.reports.writers import Narrowing

FORMATS = click.Choice(["table", "json"])


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    for command in (codebook, suggest, suggestions, decide, patterns, evaluate):
        cli.add_command(command)


# --------------------------------------------------------------------------- codebook
@click.group()
def codebook() -> None:
    """Check, load and show the codebook (themes and their spaCy patterns)."""


def _check(path: str, patterns_file: str | None, storing: bool = False) -> Any:
    from qualcoder_ahp.suggest.codebook import check_codebook

    with working(f"Checking {path}"):
        result = check_codebook(path, patterns=patterns_file)
    for warning in result.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    if result.errors:
        for error in result.errors:
            click.echo(error, err=True)
        # "nothing stored" only where something would have been (check and show store nothing).
        tail = ": nothing stored." if storing else "."
        click.secho(f"{plural(len(result.errors), 'error')}{tail}", fg="red", err=True)
        sys.exit(1)
    return result.codebook


@codebook.command("check", short_help="Validate a codebook: every error with file, line and id.")
@click.argument("path", type=InputFile())
@click.option("--patterns", "patterns_file", type=InputFile(),
              help="Also merge this spaCy/Prodigy patterns JSONL (labels = theme ids).")
def codebook_check(path: str, patterns_file: str | None) -> None:
    """Validate a codebook (YAML, patterns JSONL or .qdc); list every error with its line."""
    cb = _check(path, patterns_file)
    click.echo(f"{path}: OK: {_sizes(cb)}")


def _sizes(cb: Any) -> str:
    """``15 themes, 718 patterns, 93 exclusion patterns``: check, load and show count
    the same way (load and show used to say "811 patterns" where check said 718)."""
    positive = sum(1 for p in cb.patterns if not p.exclude)
    return (f"{plural(len(cb.themes), 'theme')}, {plural(positive, 'pattern')}, "
            f"{plural(len(cb.patterns) - positive, 'exclusion pattern')}")


def _by_kind(diff: dict[str, list[str]], old: Any, new: Any) -> dict[str, list[str]]:
    """The diff with exclusion patterns apart from suggesting ones (``patterns added`` and
    ``exclusion patterns added``), as :func:`_sizes` counts them: load said "718
    patterns, 93 exclusion patterns" and then "patterns added: ... (811 in all)"."""
    excluding = ({p.id for p in new.patterns if p.exclude},
                 {p.id for p in old.patterns if p.exclude})
    out: dict[str, list[str]] = {}
    for key, ids in diff.items():
        if not key.startswith("patterns_"):
            out[key] = ids
            continue
        apart = excluding[1] if key == "patterns_retired" else excluding[0]
        out[key] = [i for i in ids if i not in apart]
        out["exclusion_" + key] = [i for i in ids if i in apart]
    return out


@codebook.command("load", short_help="Store a codebook (a new version keeps ids and codings).")
@click.argument("path", type=InputFile())
@click.option("--patterns", "patterns_file", type=InputFile(),
              help="Also merge this spaCy/Prodigy patterns JSONL (labels = theme ids).")
@pass_project
def codebook_load(project: Project, path: str, patterns_file: str | None) -> None:
    """Store a codebook; a new version keeps theme ids, GUIDs and every coding."""
    from qualcoder_ahp.suggest.codebook import diff_codebooks

    cb = _check(path, patterns_file, storing=True)
    store = project.store()
    diff = _by_kind(diff_codebooks(store.codebook(), cb), store.codebook(), cb)
    # Read before the file replaces them: the names, definitions and colours coders
    # edited in this project that the file has otherwise (the file wins: a new version).
    overwritten = store.edits_overwritten(cb)
    merged = {a: b for a, b in store.merged_into().items() if a in {t.id for t in cb.themes}}
    back = {a: who for a, who in store.retired_here().items() if a in {t.id for t in cb.themes}}
    if back:  # not new: retired here, and back with the file (warned below)
        diff["themes_added"] = [i for i in diff["themes_added"] if i not in back]
        diff["themes_brought_back"] = list(back)
    store.save_codebook(cb)
    active = {t.id for t in store.themes()}
    kept = [i for i in diff["themes_retired"] if i in active]
    diff["themes_retired"] = [i for i in diff["themes_retired"] if i not in active]
    coded = store.coding_counts_by_theme(diff["themes_retired"])
    from qualcoder_ahp.suggest.runner import analyse_codebook

    # The prefilter's analysis of each regular expression, once per codebook version
    # (a changed pattern only), so every `qcahp suggest` starts matching at once.
    with progress_bar("Preparing patterns") as bar:
        analyse_codebook(store, bar)
    # Wrapped to the terminal: 122 columns at 80, and each list line twice that.
    say(f"Loaded {cb.name!r} from {path}: {_sizes(cb)}.", err=False, indent=4)
    for key, ids in diff.items():
        if ids:
            label = key.replace("_", " ")
            shown = ", ".join(ids[:12]) + (f", ... ({len(ids)} in all)" if len(ids) > 12 else "")
            say(f"  {label}: {shown}", err=False, indent=4)
    if kept:
        counts = store.coding_counts_by_theme(kept)
        say("  themes added while coding, kept (not in the file; they hold codings): "
            + ", ".join(f"{i} ({plural(counts[i], 'coding')})" for i in kept), err=False,
            indent=4)
        say("  To make them part of the file: `qcahp codebook export FILE.yaml`, "
            "then edit and load that.", err=False, indent=4)
        # Copied into the file by hand under another id, the theme is there twice, with its
        # codings split between the two: say which, and how to join them.
        names = {t.name.casefold(): t.id for t in cb.themes}
        twins = [(i, names[store.theme(i).name.casefold()]) for i in kept
                 if store.theme(i).name.casefold() in names]
        if twins:
            listed = ", ".join(f"{i} and {twin} ({store.theme(i).name!r})" for i, twin in twins)
            say(f"warning: two themes of one name: {listed}. The file has the second "
                "under another id; give it the first id there and load it again, so "
                "the codings meet under one theme.", fg="yellow")
    _renamed_warning(store, diff, coded)
    if coded:
        # Not lost: the codings stay and still count in counts, quotes, charts and
        # agreement (the theme named "... (retired)", reports.data.RETIRED) and in a REFI
        # export, but the theme is out of the codebook: no suggestions, not offered for
        # coding. Say so where the researcher will see it.
        listed = ", ".join(f"{tid} ({plural(n, 'coding')})" for tid, n in coded.items())
        say(f"warning: retired themes that hold codings: {listed}. The codings are "
            f"kept and still count: reports and agreement show the theme marked "
            f"\"{RETIRED}\", a REFI export keeps it; a codebook with these ids makes "
            "them current again.", fg="yellow")
    for theme_id, fields in overwritten.items():
        say(f"warning: theme {theme_id}: the file replaces this project's edit: "
            f"{_overwrites(fields)}. To keep it, edit it again (`qcahp codebook "
            "edit-theme`).", fg="yellow")
    for theme_id, target in merged.items():
        say(f"warning: theme {theme_id} was merged into {target} in this project; the "
            "file brings it back, without the codings it had (they stay with "
            f"{target}). To merge it again: `qcahp codebook merge-theme {theme_id} "
            f"{target} --coder NAME`.", fg="yellow")
    for theme_id, (who, when) in back.items():
        # The file is the new version, as for an edit or a merge: it wins, said here.
        say(f"warning: theme {theme_id} was retired in this project ({who or 'a coder'}, "
            f"{when[:10]}); the file brings it back. To retire it again: `qcahp codebook "
            f"retire {theme_id} --coder NAME`, or leave it out of the file.", fg="yellow")
    if not any(diff.values()) and not kept and not back:
        click.echo("  no changes")
    elif any(diff[k] for k in ("patterns_added", "patterns_changed", "patterns_retired",
                               "exclusion_patterns_added", "exclusion_patterns_changed",
                               "exclusion_patterns_retired")):
        click.echo("Run `qcahp suggest` to update the suggestions.")


def _renamed_warning(store: Any, diff: dict[str, list[str]], coded: dict[str, int]) -> None:
    """A theme whose id the file changed (burnout -> stress, one name) reads as one theme
    retired and one added: say that the codings stay under the old id, and how to move
    them."""
    themes = {t.id: t for t in store.themes(include_inactive=True)}
    added = {themes[i].name.casefold(): i for i in diff["themes_added"] if i in themes}
    for old_id in diff["themes_retired"]:
        old = themes.get(old_id)
        new_id = added.get(old.name.casefold()) if old is not None else None
        if old is None or new_id is None:
            continue
        if coded.get(old_id):
            move = (f"to move them: `qcahp codebook merge-theme {old_id} {new_id} "
                    "--coder NAME`.")
        else:
            move = f"{old_id} holds no codings, so nothing to move."
        say(f"warning: theme {old_id} renamed {new_id}? Both are named {old.name!r}; "
            f"codings and decisions stay with {old_id}, not {new_id}: {move}", fg="yellow")


def _overwrites(fields: dict[str, tuple[str, str]]) -> str:
    """``name 'Happenstance' -> 'Serendipity', colour #123456 -> #CC6677, definition``:
    the fields of one theme a loaded file puts back over the project's edit."""
    parts = []
    for field, (mine, theirs) in fields.items():
        if field == "name":
            parts.append(f"name {mine!r} -> {theirs!r}")
        elif field == "color":
            parts.append(f"colour {mine} -> {theirs}")
        elif field == "parent_id":
            parts.append(f"place under {mine or '(top level)'} -> {theirs or '(top level)'}")
        else:
            parts.append(FIELD_WORDS.get(field, field))
    return ", ".join(parts)


SHOW_FORMATS = ("table", "md", "docx", "csv", "xlsx", "json")


@codebook.command("show", short_help="The theme tree, or the codebook as a document or table.")
@click.argument("path", required=False, type=InputFile())
@click.option("--brief", is_flag=True,
              help="Only the tree, without definitions, criteria and examples.")
@click.option("--memos", "with_memos", is_flag=True,
              help="Add each theme's memos (documents and tables).")
@click.option("--theme", "theme_ids", multiple=True, metavar="ID",
              help="Only this theme and the themes below it (repeatable).")
@coder_options
@output_options(SHOW_FORMATS)
@pass_project
def codebook_show(project: Project, path: str | None, brief: bool, with_memos: bool,
                  theme_ids: tuple[str, ...], coder: str | None, consensus: bool,
                  fmt: str | None, output: str | None) -> None:
    """Show the codebook (stored, or from PATH): the theme tree in the terminal, or the
    codebook for a methods appendix.

    \b
    table (the default): the tree with definitions and pattern counts.
    md, docx: a document, a section per theme in tree order: name, id,
      definition, include, exclude, examples and usage (coded segments,
      transcripts, participants).
    csv, xlsx, json: one row per theme with the same, and its pattern counts.

    Usage counts as `qcahp counts` does (a folder rolled up); themes added while coding
    are marked with who added them. A codebook file (PATH) has no usage.

    \b
    Examples:
      qcahp codebook show --brief
      qcahp codebook show --theme serendipity --theme visibility
      qcahp codebook show --coder ana -o codebook.docx
      qcahp codebook show --memos --format md -o codebook.md
      qcahp codebook show codebooks/ahp-leadership.yaml --format csv
    """
    from qualcoder_ahp.model.store import now
    from qualcoder_ahp.reports import codebook as cbr
    from qualcoder_ahp.reports import exports as ex
    from qualcoder_ahp.reports.data import ReportData, resolve_coder
    from qualcoder_ahp.reports.writers import to_csv, to_xlsx

    fmt = output_format(fmt, output, SHOW_FORMATS, "table")
    asked = [o for o, given in (("--coder", coder is not None), ("--consensus", consensus),
                                ("--memos", with_memos)) if given]
    one = len(asked) == 1
    if asked and path:
        raise UserError(f"{' and '.join(asked)} {'needs' if one else 'need'} the project's "
                        "codings: a codebook file (PATH) has none; leave out PATH to show "
                        "the stored codebook")
    if asked and fmt == "table":
        raise UserError(f"{' and '.join(asked)} {'goes' if one else 'go'} with a document "
                        "or table (--format md, docx, csv, xlsx or json): the terminal "
                        "listing has no usage or memos")
    cb = _check(path, None) if path else project.store().codebook()
    if not cb.themes:
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    _check_show_themes(project, cb, theme_ids, stored=not path and fmt != "table",
                       own=not path)
    if fmt == "table":
        pipeline = ", pipeline " + cb.pipeline if cb.pipeline else ""
        header = f"{cb.name}  ({_sizes(cb)}{pipeline})"
        if theme_ids:
            shown = len(cbr.subtree_depths(cb.themes, theme_ids))
            header += f"; {cbr.selection_words(theme_ids)} ({plural(shown, 'theme')})"
        listing = _wrapped(cbr.codebook_listing(cb, header, brief=brief, selected=theme_ids),
                           table_width())
        emit(listing, output, f"the codebook ({_sizes(cb)})" if not theme_ids else
              f"part of the codebook ({plural(shown, 'theme')})")
        return
    data = None
    if not path:
        store = project.store()
        data = ReportData(store, resolve_coder(store, coder, consensus))
    report = cbr.codebook_report(cb, data, with_memos=with_memos,
                                 database=None if path else project.path.name)
    if theme_ids:
        report = cbr.select_themes(report, theme_ids)
        if not report.entries:  # a retired theme that no coding uses any more
            from qualcoder_ahp.reports.data import unknown_theme as data_unknown_theme

            merged = project.store().merged_into()
            for theme_id in theme_ids:
                if theme_id in merged:
                    raise data_unknown_theme(theme_id, [t.id for t in cb.themes], merged)
            raise UserError(f"nothing to show: {', '.join(theme_ids)} retired from the "
                            "codebook, with no codings left")
    about = {"report": "codebook", "codebook": report.title,
             **({"file": path, "usage": "none (a codebook file has no codings)"} if path else
                {"database": str(project.path), "coders": ex.coder_label(report.coder)}),
             "exported_at": now()}
    content = {
        "md": lambda: cbr.codebook_markdown(report, brief=brief),
        "docx": lambda: cbr.codebook_docx(report, brief=brief),
        "csv": lambda: to_csv(cbr.codebook_sheet(report, brief=brief)),
        "xlsx": lambda: to_xlsx([cbr.codebook_sheet(report, brief=brief),
                                 ex.about_sheet(about)]),
        "json": lambda: dump_json(cbr.codebook_json(report, brief=brief)),
    }[fmt]()
    emit(content, output, f"{'part of ' if theme_ids else ''}the codebook "
                           f"({plural(len(report.entries), 'theme')})")


def _wrapped(listing: str, width: int | None) -> str:
    """The theme tree with each line longer than ``width`` wrapped under itself: a
    definition or criterion carries on two columns in from where its line starts, so the
    tree stays readable on an 80-column terminal (it wrapped at the left edge). Without
    a width (a pipe, a file) every line is whole."""
    if width is None:
        return listing
    out = []
    for line in listing.splitlines():
        if cells(line) <= width:
            out.append(line)
            continue
        lead = " " * (len(line) - len(line.lstrip(" ")))
        # By cells: a theme named in CJK (or with an emoji) ran past the edge.
        out += wrap_cells(line.lstrip(" "), max(20, width), initial_indent=lead,
                          subsequent_indent=lead + "  ")
    return "\n".join(out) + ("\n" if listing.endswith("\n") else "")


def _check_show_themes(project: Project, cb: Any, theme_ids: tuple[str, ...],
                       stored: bool, own: bool = False) -> None:
    """Refuse a ``--theme`` id that is not in the codebook shown, naming the closest
    (a report on the stored codebook also takes a retired theme that is still coded);
    for the project's own codebook (``own``), a theme merged away names its target."""
    from qualcoder_ahp.reports.data import unknown_theme

    known = [t.id for t in cb.themes]
    extra = {t.id for t in project.store().themes(include_inactive=True)} if stored else set()
    merged = project.store().merged_into() if own else {}
    for theme_id in theme_ids:
        if theme_id not in known and theme_id not in extra:
            raise unknown_theme(theme_id, known, merged)


@codebook.command("add-theme", short_help="Add a theme while coding (coded by hand, no patterns).")
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
    store = project.store()
    if not store.themes():
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    if parent_id is not None:
        check_theme(store, parent_id)
    theme = store.add_theme(name, coder=coder, parent_id=parent_id, theme_id=theme_id,
                            description=description)
    click.echo(f"Added theme {theme.id} ({store.theme_path(theme.id)}), colour {theme.color}.")


@codebook.command("edit-theme",
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
    store = project.store()
    if not store.themes():
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    check_theme(store, theme_id)
    if parent_id is not None:
        check_theme(store, parent_id)
    before = store.theme(theme_id)
    theme = store.edit_theme(theme_id, coder=coder.strip(), name=name, description=description,
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


@codebook.command("merge-theme", short_help="Merge one theme into another (codings, memos).")
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
    counts = store.merge_theme(source_id, target_id, coder=coder.strip())
    source = store.theme(source_id)
    click.echo(f"Merged theme {source_id} ({source.name}) into {target_id} "
               f"({store.theme_path(target_id)}): {plural(counts['moved'], 'coding')} moved, "
               f"{counts['joined']} already there, {plural(counts['memos'], 'memo')} moved, "
               f"{plural(counts['suggestions'], 'open suggestion')} retired; "
               f"{source_id} is retired.")


@codebook.command("retire", short_help="Retire a theme: out of the codebook, codings kept.")
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
    counts = store.retire_theme(theme_id, coder=coder.strip())
    click.echo(f"Retired theme {theme_id} ({path}): {plural(counts['codings'], 'coding')} "
               f"kept (shown as {store.theme(theme_id).name} {RETIRED}), "
               f"{plural(counts['suggestions'], 'open suggestion')} retired.")


@codebook.command("restore", short_help="Bring a retired theme back into the codebook.")
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
    counts = store.restore_theme(theme_id, coder=coder.strip())
    click.echo(f"Restored theme {theme_id} ({store.theme_path(theme_id)}): "
               f"{plural(counts['codings'], 'coding')}, "
               f"{plural(counts['suggestions'], 'suggestion')} open again.")


@codebook.command("export", short_help="Write the stored codebook as YAML that loads back.")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True,
              help="Replace FILE even if it is a hand-written codebook (its comments and "
                   "layout are lost).")
@pass_project
def codebook_export(project: Project, file: str | None, force: bool) -> None:
    """Write the stored codebook as YAML (to FILE, or to the terminal).

    The file loads back with `qcahp codebook load`: themes added while coding, a codebook
    imported from NVivo or MAXQDA, or patterns merged from JSONL are all in it, under
    the ids codings refer to. Edit it (definitions, patterns, where themes sit) and load it
    as the next version. Retired themes are left out.

    A FILE that exists is replaced only if an earlier export wrote it (or with --force):
    the team's own codebook file keeps its comments and layout.
    """
    from qualcoder_ahp.model.store import now
    from qualcoder_ahp.suggest.codebook_yaml import codebook_yaml

    if file is not None and not force and not _exported_or_absent(Path(file)):
        raise UserError("the file exists and `qcahp codebook export` did not write it: "
                        "export to a new file (then compare or copy across), or add --force "
                        "to replace it, losing its comments and layout", path=file)
    store = project.store()
    cb = store.codebook()
    if not cb.themes:
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    header = (f"{cb.name}: the codebook stored in {project.path.name}, written by "
              f"`qcahp codebook export` on {now()[:10]}.\n"
              f"Loaded from: {cb.source or 'no file'}. Theme ids are what codings refer to: "
              "keep them.")
    text = codebook_yaml(cb, header)
    if file is None:
        click.echo(text, nl=False)
        return
    write_output(file, text, f"the codebook ({_sizes(cb)})")


EXPORT_MARK = "written by `qcahp codebook export`"
"""In the first line of every exported file: such a file may be replaced by a new export."""


def _exported_or_absent(path: Path) -> bool:
    """Whether an export may write ``path``: nothing is there, or an export wrote it."""
    if not path.exists():
        return True
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return EXPORT_MARK in handle.readline()
    except OSError:
        return False


# --------------------------------------------------------------------------- suggest
@click.command()
@click.option("--transcript", "names", multiple=True, metavar="NAME",
              help="Only this transcript (repeatable).")
# More processes than cores only adds spaCy copies (each a few hundred MB) that wait.
@click.option("--processes", type=click.IntRange(1, max(os.cpu_count() or 1, 1)), default=None,
              metavar="N",
              help="Processes to use: this one runs the regular expressions, the others "
                   "tokenise [default: 2 for large uncached corpora when a second core is "
                   "idle, else 1].")
@pass_project
def suggest(project: Project, names: tuple[str, ...], processes: int | None) -> None:
    """Suggest themes on the transcripts with the stored codebook (idempotent)."""
    from qualcoder_ahp.suggest.runner import run_suggestions

    store = project.store()
    ids = [find_transcript(store, n).id for n in names] if names else None
    total = len(ids) if ids is not None else len(store.transcripts())
    if total == 0:
        raise UserError("no transcripts in this project: import some first")
    with progress_bar("Suggesting") as bar:
        bar(0, total)  # at once: loading spaCy and the matchers comes before the first transcript
        report = run_suggestions(store, transcript_ids=ids, progress=bar, processes=processes)
    click.echo(report.summary())
    if report.skipped_patterns:
        click.echo(f"Skipped (need a trained pipeline): {', '.join(report.skipped_patterns)}")


def _patterns_cell(ids: list[str]) -> str:
    """A table cell naming a suggestion's patterns: the first, and how many more
    (``ser_asked_to +2``); ``--format json`` lists them all."""
    return f"{ids[0]} +{len(ids) - 1}" if len(ids) > 1 else "".join(ids)


SAME_COLUMNS = ("transcript", "theme", "unit", "status")
"""The columns of ``qcahp suggestions`` that a terminal table too wide for its width
leaves out when every row holds the same value in them (``--transcript``, ``--theme``,
the default ``--status open``, one unit), naming that value under the table instead
(:func:`~qualcoder_ahp.cli.common.fitted_table`). At 80 columns the table was about
100 wide: its text and patterns were cut to their least and it still ran over."""


def _excerpt(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@click.command()
@click.option("--theme", "theme_id", metavar="ID", help="Only this theme id.")
@click.option("--transcript", "name", metavar="NAME", help="Only this transcript.")
@click.option("--status", type=click.Choice(["open", "retired", "all"]), default="open",
              show_default=True,
              help="retired: suggestions whose pattern no longer matches or was removed.")
@click.option("--coder", metavar="NAME", help="With --decision: whose decisions to filter on.")
@click.option("--decision", type=click.Choice(["undecided", "accepted", "rejected", "adjusted",
                                               "decided"]),
              help="With --coder: only the suggestions this coder decided so.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="Output format (json lists every pattern and match).")
@pass_project
def suggestions(project: Project, theme_id: str | None, name: str | None, status: str,
                coder: str | None, decision: str | None, fmt: str) -> None:
    """List suggestions, filtered by theme, transcript, status or a coder's decision.

    \b
    Example:
      qcahp suggestions --transcript physio_helen --coder ana --decision undecided
    """
    if (coder is None) != (decision is None):
        raise UserError("--coder and --decision go together")
    store = project.store()
    tid = find_transcript(store, name).id if name else None
    check_theme(store, theme_id)
    if coder is not None:
        coder = coder.strip()  # as the store names coders
        store.coder_id(coder)
    found = store.suggestions(transcript_id=tid, theme_id=theme_id,
                              status=None if status == "all" else status,
                              coder=coder, decision=decision)
    names = {t.id: t.name for t in store.transcripts()}
    texts: dict[int, str] = {}
    rows = []
    for s in found:
        if s.transcript_id not in texts:
            texts[s.transcript_id] = store.transcript_text(s.transcript_id)
        rows.append({"id": s.id, "transcript": names.get(s.transcript_id, s.transcript_id),
                     "theme": s.theme_id, "unit": s.unit, "start": s.start, "end": s.end,
                     "status": s.status, "patterns": list(s.pattern_ids),
                     "matches": [list(m) for m in s.matches],
                     "text": texts[s.transcript_id][s.start:s.end]})
    if fmt == "json":
        emit_json(rows)
        return
    emit_fitted([{**r, "patterns": _patterns_cell(r["patterns"]),
                  "text": _excerpt(r["text"])} for r in rows],
                ["id", "transcript", "theme", "unit", "start", "end", "status", "patterns",
                 "text"], Narrowing(same=SAME_COLUMNS))
    if not rows and not store.suggestions(status=None):
        # An empty list is not an answer when suggest has never run: say what to do.
        click.echo("No suggestions in this project yet: run `qcahp suggest`.")


@click.command()
@click.argument("suggestion_id", type=click.IntRange(min=1))
@click.argument("verdict", type=click.Choice(["accept", "reject"]))
@click.option("--coder", required=True, metavar="NAME", help="Who decides.")
@click.option("--start", type=click.IntRange(min=0), metavar="N",
              help="Accept with an adjusted span: its start.")
@click.option("--end", type=click.IntRange(min=0), metavar="N",
              help="Accept with an adjusted span: its end.")
@pass_project
def decide(project: Project, suggestion_id: int, verdict: str, coder: str, start: int | None,
           end: int | None) -> None:
    """Accept or reject a suggestion as a coder (one transaction, undoable).

    SUGGESTION_ID is the id column of `qcahp suggestions`. The span is the
    suggestion's unless --start/--end (character offsets) adjust it. The consensus
    coder (consensus, or any coder a reconcile decision went into) is refused: its
    codings come from `qcahp reconcile decide` or the reconcile screen only.

    \b
    Examples:
      qcahp decide 237 accept --coder ana
      qcahp decide 238 reject --coder ana
      qcahp decide 240 accept --coder ana --start 519 --end 600
    """
    store = project.store()
    coder = coder.strip()  # as the store names coders
    store.refuse_consensus(coder)  # its codings are the reconciled result
    sug = store.suggestion(suggestion_id)
    if verdict == "reject" and (start is not None or end is not None):
        raise UserError("--start/--end only go with accept")
    s = sug.start if start is None else start
    e = sug.end if end is None else end
    if verdict == "accept":
        text_len = len(store.transcript_text(sug.transcript_id))
        if not 0 <= s < e <= text_len:
            raise UserError(f"bad span [{s}, {e}): it must lie inside the transcript "
                            f"(0-{text_len}) with start < end")
    coders = store.coders()
    if coders and coder not in coders:
        # A misspelt --coder would silently start a second coder; say so (the decision
        # is still made: a new coder is how a second coder starts).
        click.secho(f"note: {coder!r} is a new coder in this project (coders so far: "
                    f"{', '.join(coders)})", fg="yellow", err=True)
    same = _same_decision(store, suggestion_id, coder, verdict, s, e)
    if same is not None:
        # Running the same command again changes nothing: no new coding, no new event
        # on the coder's undo stack.
        which = f"suggestion {suggestion_id} ({sug.theme_id})"
        click.echo(f"{coder} already {same.format(which)}; nothing changed.")
        return
    if verdict == "reject":
        store.reject(suggestion_id, coder)
        click.echo(f"Rejected suggestion {suggestion_id} ({sug.theme_id}) as {coder}.")
        return
    coding = store.accept(suggestion_id, coder, start=start, end=end)
    click.echo(f"Accepted suggestion {suggestion_id} ({sug.theme_id}) as {coder}: coding "
               f"{coding.id} [{coding.start}, {coding.end}) {coding.origin}: "
               f"{_excerpt(coding.quote, 60)!r}")


def _same_decision(store: Any, suggestion_id: int, coder: str, verdict: str, start: int,
                   end: int) -> str | None:
    """``"accepted {}: coding 12 [460, 493)"`` or ``"rejected {}"`` (``{}`` for the
    suggestion) when the coder's current decision on it is already this one (same
    span), else None."""
    status = store.decision_of(suggestion_id, coder)
    if verdict == "reject":
        return "rejected {}" if status == "rejected" else None
    if status not in ("accepted", "adjusted"):
        return None
    sug = store.suggestion(suggestion_id)
    for c in store.codings(transcript_id=sug.transcript_id, coder=coder):
        if c.suggestion_id == suggestion_id and (c.start, c.end) == (start, end):
            how = " with an adjusted span" if status == "adjusted" else ""
            return f"accepted {{}}{how}: coding {c.id} [{c.start}, {c.end})"
    return None


PATTERN_COLUMNS = ["pattern", "theme", "kind", "suggestions", "accepted", "rejected", "open",
                   "precision"]
PATTERN_NARROWING = Narrowing(same=("theme", "kind"), short=(
    ("suggestions", "sug"), ("accepted", "acc"), ("rejected", "rej"), ("precision", "prec")))
"""On a terminal too narrow for ``qcahp patterns`` (124 columns wide at 80 before):
``theme`` and ``kind`` left out when every row shares them (``--theme``), then short
headings for the figures, explained in a legend under the table."""



@click.command()
@click.option("--coder", metavar="NAME",
              help="Count only this coder's decisions [default: all coders].")
@click.option("--theme", "theme_id", metavar="ID", help="Only the patterns of this theme id.")
@click.option("--sort", "order", type=click.Choice(sorted(PATTERN_ORDERS)), default="pattern",
              show_default=True,
              help="rejected: most rejected first; precision: least precise first (undecided "
              "last); suggestions: most suggestions first.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="Output format.")
@pass_project
def patterns(project: Project, coder: str | None, theme_id: str | None, order: str,
             fmt: str) -> None:
    """Each pattern's record: suggestions made, accepted, rejected, open, precision.

    Sort with --sort rejected or --sort precision to see the patterns to narrow or
    remove first.
    """
    store = project.coded_store()
    check_theme(store, theme_id)
    if coder is not None:
        coder = coder.strip()  # as the store names coders
        store.coder_id(coder)
    rows = [r for r in store.pattern_stats(coder=coder)
            if theme_id is None or r["theme"] == theme_id]
    rows.sort(key=PATTERN_ORDERS[order])  # stable: ties keep the order by pattern id
    if fmt == "json":
        emit_json(rows)
        return
    emit_fitted([{**r, "kind": r["kind"] + (" (excl)" if r["exclude"] else "")
                  + ("" if r["active"] else " (removed)"),
                  "open": r["undecided"]} for r in rows],
                PATTERN_COLUMNS, PATTERN_NARROWING)


@click.command()
@click.option("--coder", metavar="NAME",
              help="Compare with this coder's codings in the project.")
@click.option("--gold", type=InputFile(),
              help='Compare with labelled sentences: JSONL {"sentence": ..., "themes": [...]} '
              '(or Prodigy\'s "text" and "accept").')
@click.option("--codebook", "codebook_path", type=InputFile(),
              help="With --gold: judge this codebook file instead of the stored one.")
@click.option("--show-errors", is_flag=True, help="List the sentences missed and wrongly "
              "suggested.")
@click.option("--by-pattern", is_flag=True, help="Also list each pattern that fired: the "
              "sentences where its theme was right and wrong, most wrong first.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="Output format.")
@pass_project
def evaluate(project: Project, coder: str | None, gold: str | None, codebook_path: str | None,
             show_errors: bool, by_pattern: bool, fmt: str) -> None:
    """Sentence-level precision, recall and F1 of the suggestions, per theme and micro.

    With --show-errors, each wrongly suggested sentence names the patterns behind it; with
    --by-pattern, every pattern's right and wrong suggestions on these sentences are
    listed, so the patterns to narrow or remove stand out before anyone codes with them.
    """
    from qualcoder_ahp.suggest.evaluate import evaluate_coder, evaluate_gold, format_table

    if (coder is None) == (gold is None):
        raise UserError("give exactly one of --coder NAME or --gold FILE.jsonl")
    if coder is not None:
        if codebook_path:
            raise UserError("--codebook goes with --gold (--coder uses the stored suggestions)")
        with working(f"Comparing the suggestions with {coder}'s codings"):
            result = evaluate_coder(project.store(), coder)
    else:
        cb = _check(codebook_path, None) if codebook_path else _stored_codebook(project)
        assert gold is not None
        with working(f"Suggesting on the sentences of {gold}"):
            result = evaluate_gold(cb, gold)
    if fmt == "json":
        emit_json(result.as_dict())
        return
    what = (plural(result.sentences, "sentence") + " with a coding or a suggestion" if coder
            else plural(result.sentences, "labelled sentence"))
    click.echo(f"{result.source}: {what}")
    emit_table(format_table(result),
               ["theme", "support", "tp", "fp", "fn", "precision", "recall", "f1"])
    m = result.micro
    click.echo(f"micro: precision {_pct(m.precision)}, recall {_pct(m.recall)}, "
               f"F1 {_pct(m.f1)}; macro F1 {_pct(result.macro_f1)}")
    if gold is not None and result.theme_free:
        share = result.theme_free_suggested / result.theme_free
        click.echo(f"theme-free sentences: {result.theme_free} of {result.sentences}; "
                   f"{result.theme_free_suggested} ({share:.0%}) got a suggestion")
    if len(result.by_support) > 1:
        say("precision by the patterns behind a suggestion: " + ", ".join(
            f"{g['patterns']} {_pct(g['precision'])} ({g['right']} of {g['suggestions']})"
            for g in result.by_support), err=False)
    if result.ignored_themes:
        click.echo(_ignored_warning(result.ignored_themes, cb if gold is not None
                                    else project.store().codebook()), err=True)
    if by_pattern:
        click.echo(f"\nPatterns that fired ({len(result.patterns)}; most wrong first):")
        emit_table([{**p, "precision": _pct(p["precision"])} for p in result.patterns],
                   ["pattern", "theme", "right", "wrong", "precision"])
    if show_errors:
        for title, items in (("Missed", result.missed), ("Wrongly suggested", result.wrong)):
            click.echo(f"\n{title} ({len(items)}):")
            for item in items:
                excerpt = _excerpt(item["sentence"], 100)
                by = f" ({', '.join(item['patterns'])})" if item.get("patterns") else ""
                click.echo(f"  [{item['theme']}] {item['where']}{by}: {excerpt}")


def _stored_codebook(project: Project) -> Any:
    """The project's codebook for ``evaluate --gold``, or an error naming --codebook.

    With a labelled set the project is only where the codebook comes from: the
    general "create one with `qcahp import FILES`" sent a researcher with no
    project off to import transcripts they do not need.
    """
    if not project.path.exists():
        raise UserError("no project database here to take the codebook from: name the "
                        "codebook file with --codebook FILE (or check --db / $QCAHP_DB)",
                        path=str(project.path))
    cb = project.store().codebook()
    if not cb.patterns:
        raise UserError("the project has no codebook patterns: name the codebook file with "
                        "--codebook FILE, or load one with `qcahp codebook load FILE`",
                        path=str(project.path))
    return cb


def _pct(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _ignored_warning(ignored: list[str], codebook: Any) -> str:
    """One line naming labels the scores left out, each with its likely theme id.

    A typo in a gold file ("serendipty") would otherwise only lower recall quietly.
    """
    themes = list(codebook.themes) if codebook is not None else []
    by_hand = [t.id for t in themes if t.codable and t.id in ignored]
    known = [t.id for t in themes if t.codable and t.id not in by_hand]
    lines = []
    if by_hand:
        lines.append("Note: themes with no patterns (coded by hand only), left out of the "
                     "scores: " + ", ".join(by_hand))
    # A folder's id is a theme of the codebook, but not one a sentence is coded with; any
    # other label ("salary", a typo) is no theme id of the codebook at all.
    ids = {t.id for t in themes}
    folders = [t for t in ignored if t in ids and t not in by_hand]
    names = []
    for theme in ignored:
        if theme in by_hand or theme in ids:
            continue
        close = closest(theme, known)
        names.append(f"{theme} (did you mean {close}?)" if close else theme)
    if folders:
        lines.append("Warning: folders of the codebook (not codable: code their themes), "
                     "left out of the scores: " + ", ".join(folders))
    if names:
        lines.append("Warning: not theme ids of the codebook (a sentence with only these "
                     "counts as theme-free), left out of the scores: " + ", ".join(names))
    return "\n".join(lines)
