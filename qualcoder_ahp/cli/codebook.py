"""CLI commands: the ``qcahp codebook`` group: check, load, show and export a codebook.

Thin wrappers over :mod:`qualcoder_ahp.suggest.codebook` and the store: every command
here has a Python form that the workbench and the tests call as well. The group's
commands that edit one theme of the stored codebook (add-theme, edit-theme,
merge-theme, retire, restore) are in :mod:`qualcoder_ahp.cli.codebook_themes`; the
suggestions the codebook's patterns make (suggest, suggestions, decide, patterns,
evaluate) in :mod:`qualcoder_ahp.cli.suggestions`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from qualcoder_ahp.cli.codebook_themes import THEME_COMMANDS
from qualcoder_ahp.cli.common import (
    InputFile,
    Project,
    check_writable,
    is_special_file,
    output_format,
    pass_project,
    plural,
    progress_bar,
    refuse_project_database,
    say,
    table_width,
    working,
    write_output,
)
from qualcoder_ahp.cli.report_options import coder_options, dump_json, emit, output_options
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.event_words import FIELD_WORDS
from qualcoder_ahp.reports.data import RETIRED
from qualcoder_ahp.reports.text_table import cells, wrap_cells


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    cli.add_command(codebook)


# --------------------------------------------------------------------------- codebook
@click.group()
def codebook() -> None:
    """Check, load and show the codebook (themes and their spaCy patterns).

    A codebook is a YAML file the team writes (a tree of themes with definitions and the
    patterns that suggest them), a spaCy/Prodigy patterns .jsonl or a REFI-QDA .qdc;
    `qcahp codebook check FILE` lists every problem in it. The format, with an example:
    docs/codebook.md.
    """


for _command in THEME_COMMANDS:
    codebook.add_command(_command)


def checked_codebook(path: str, patterns_file: str | None, storing: bool = False) -> Any:
    """The codebook of ``path`` (with ``patterns_file``'s patterns), its warnings on stderr;
    if it fails, every error (file, line, pattern id) on stderr and exit 1."""
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
    """Validate a codebook (YAML, patterns JSONL or .qdc); list every error with its line.

    Every problem is listed in one run, one line each: FILE:LINE: theme or pattern ID:
    what is wrong and the fix. Warnings (patterns that would never match, colours too
    close to tell apart) do not stop a load. Nothing is stored.

    \b
    PATH is one of:
      .yaml/.yml  a codebook the team writes: `name`, then `themes`, each
                  with `id`, `name`, `description`, `inclusion`, `exclusion`,
                  `examples`, `color: "#RRGGBB"`, `codable: false` for a
                  folder, `children` (the themes under it), `patterns` and
                  `exclude` (exclusion patterns). A pattern has an `id` and one
                  of `phrase`, `tokens` (a spaCy Matcher token pattern),
                  `regex` or `dependency`; `scope` and `unit` are optional.
      .jsonl      spaCy/Prodigy patterns, {"label": ..., "pattern": ...} a
                  line: one theme per label
      .qdc        a REFI-QDA codebook (NVivo, ATLAS.ti, MAXQDA...)

    The format, with a worked example and the slips the check names:
    docs/codebook.md ("The codebook file").

    \b
    Examples:
      qcahp codebook check nights.yaml
      qcahp codebook check nights.yaml --patterns more.jsonl
    """
    cb = checked_codebook(path, patterns_file)
    click.echo(f"{path}: OK: {cb.sizes()}")


def _by_kind(diff: dict[str, list[str]], old: Any, new: Any) -> dict[str, list[str]]:
    """The diff with exclusion patterns apart from suggesting ones (``patterns added`` and
    ``exclusion patterns added``), as :meth:`Codebook.sizes` counts them: load said "718
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


def _renamed(diff: dict[str, list[str]], old: Any, new: Any) -> dict[str, list[str]]:
    """The diff with each pattern the file gives another id, and nothing else (the same
    theme, body, scope and unit as a retired one), said as ``patterns renamed: old ->
    new`` instead of one added and one retired: its suggestions and decisions carry on
    under the new id, which "retired" did not say."""
    def same(p: Any) -> tuple[Any, ...]:
        return (p.theme_id, p.kind, str(p.body), p.scope, p.unit, p.exclude)

    olds = {p.id: p for p in old.patterns}
    news = {p.id: p for p in new.patterns}
    out = dict(diff)
    for kind in ("patterns", "exclusion_patterns"):
        retired: dict[tuple[Any, ...], list[str]] = {}
        for pid in diff.get(f"{kind}_retired", []):
            retired.setdefault(same(olds[pid]), []).append(pid)
        pairs = []
        for pid in diff.get(f"{kind}_added", []):
            was = retired.get(same(news[pid]))
            if was:
                pairs.append((was.pop(0), pid))
        if not pairs:
            continue
        gone, came = {a for a, _ in pairs}, {b for _, b in pairs}
        out[f"{kind}_added"] = [i for i in diff[f"{kind}_added"] if i not in came]
        out[f"{kind}_retired"] = [i for i in diff[f"{kind}_retired"] if i not in gone]
        out[f"{kind}_renamed"] = [f"{a} -> {b}" for a, b in pairs]
    return out


@codebook.command("load", short_help="Store a codebook (a new version keeps ids and codings).")
@click.argument("path", type=InputFile())
@click.option("--patterns", "patterns_file", type=InputFile(),
              help="Also merge this spaCy/Prodigy patterns JSONL (labels = theme ids).")
@pass_project
def codebook_load(project: Project, path: str, patterns_file: str | None) -> None:
    """Store a codebook; a new version keeps theme ids, GUIDs and every coding.

    PATH is a YAML codebook, a spaCy/Prodigy patterns .jsonl or a REFI-QDA .qdc, checked
    first as `qcahp codebook check` does: if it has any error, every one is listed and
    nothing is stored. Loading a new version of the file keeps the theme ids codings refer
    to; themes and patterns it no longer has are retired, not deleted, and it says what
    it added, changed and retired. The format: docs/codebook.md.

    \b
    Examples:
      qcahp codebook load nights.yaml
      qcahp codebook load nights.yaml --patterns more.jsonl
    """
    from qualcoder_ahp.records import Codebook
    from qualcoder_ahp.suggest.codebook import diff_codebooks

    cb = checked_codebook(path, patterns_file, storing=True)
    store = project.store()
    from qualcoder_ahp.refi.codes import match_stored_themes

    cb = match_stored_themes(store, path, cb)  # a .qdc code renamed elsewhere: its theme
    before = store.codebook()
    # Retired themes and patterns too: one the file brings back is not new.
    stored = Codebook(before.name, tuple(store.themes(include_inactive=True)),
                      tuple(store.patterns(include_inactive=True)))
    diff = _renamed(_by_kind(diff_codebooks(before, cb, stored), before, cb), before, cb)
    loads = store.codebook_loads()
    described = [change for change in (
        _version_change(loads, cb.version),
        _description_change(before.description, cb.description)) if change]
    # Read before the file replaces them: the names, definitions and colours coders
    # edited in this project that the file has otherwise (the file wins: a new version).
    overwritten = store.edits_overwritten(cb)
    merged = {a: b for a, b in store.merged_into().items() if a in {t.id for t in cb.themes}}
    back = {a: who for a, who in store.retired_here().items() if a in {t.id for t in cb.themes}}
    store.save_codebook(cb)
    from qualcoder_ahp.refi.codes import remember_colours

    remember_colours(store, path, cb)  # a .qdc's codes without a colour go back without
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
    say(f"Loaded {cb.name!r} from {path}: {cb.sizes()}.", err=False, indent=4)
    olds = {t.id: t for t in stored.themes}
    stored_patterns = {p.id: p for p in stored.patterns}
    new_patterns = {p.id: p for p in cb.patterns}
    news = {t.id: t for t in cb.themes}
    for key, ids in diff.items():
        if key in ("themes_changed", "themes_brought_back"):  # which fields, if any
            ids = [f"{i} ({changes})" if (changes := _theme_changes(olds[i], news[i])) else i
                   for i in ids]
        elif key.endswith("patterns_changed"):  # its scope, unit or theme: not in its body
            ids = [_pattern_changes(stored_patterns[i], new_patterns[i]) for i in ids]
        if ids:
            label = key.replace("_", " ")
            shown = ", ".join(ids[:12]) + (f", ... ({len(ids)} in all)" if len(ids) > 12 else "")
            if key.endswith("_renamed"):
                shown += (" (each with the body it had: its suggestions and decisions go on "
                          "under the new id)")
            say(f"  {label}: {shown}", err=False, indent=4)
    for line in _edited_without_id(stored_patterns, new_patterns, diff,
                                   path if patterns_file is None else patterns_file):
        say(line, err=False, indent=4)
    reordered = _order_changes(before, cb)
    if reordered:
        say(f"  order changed: {reordered}", err=False, indent=4)
    for change in described:
        click.echo(f"  {change}")
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
    if not any(diff.values()) and not kept and not back and not described and not reordered:
        click.echo("  no changes")
    elif any(ids for k, ids in diff.items() if "patterns_" in k):
        click.echo("Run `qcahp suggest` to update the suggestions.")


def _edited_without_id(olds: dict[str, Any], news: dict[str, Any],
                       diff: dict[str, list[str]], jsonl: str) -> list[str]:
    """A line for each pattern of a JSONL line without an ``"id"`` that looks edited: of
    one theme, exactly one such pattern retired and one added (its id comes from its
    pattern, so the edit made a new one). Its record stays with the old id: say how to
    keep it there. Several of one theme cannot be paired without a guess: none is."""
    from qualcoder_ahp.suggest.pattern_files import is_derived, jsonl_line_of

    if Path(jsonl).suffix.lower() not in (".jsonl", ".json"):
        return []
    by_theme: dict[str, tuple[list[str], list[str]]] = {}
    for kind in ("patterns", "exclusion_patterns"):
        for pid in diff.get(f"{kind}_retired", []):
            if is_derived(olds[pid]):
                by_theme.setdefault(olds[pid].theme_id, ([], []))[0].append(pid)
        for pid in diff.get(f"{kind}_added", []):
            if is_derived(news[pid]):
                by_theme.setdefault(news[pid].theme_id, ([], []))[1].append(pid)
    out = []
    for gone, came in by_theme.values():
        if len(gone) == len(came) == 1:
            line = jsonl_line_of(Path(jsonl), came[0])
            where = f"{jsonl}:{line}" if line else jsonl
            out.append(f"  pattern edited? {gone[0]} -> {came[0]} ({where}, a line without "
                       f"\"id\", which gets its id from its pattern): to keep {gone[0]}'s "
                       f"record, add \"id\": \"{gone[0]}\" to that line and load again.")
    return out


def _order_changes(old: Any, new: Any) -> str:
    """``themes under career_pathways, patterns of serendipity``: the parents whose child
    themes, and the themes whose patterns, the file puts in another order (the stored
    order follows it: `codebook show`, the pickers, an export). Only the ids in both
    versions count: an added or removed one is said as that. Reordering was "no changes"."""
    def groups(cb: Any) -> dict[tuple[str, str], list[str]]:
        out: dict[tuple[str, str], list[str]] = {}
        for theme in cb.themes:
            out.setdefault(("themes", theme.parent_id or ""), []).append(theme.id)
        for pattern in cb.patterns:
            out.setdefault(("patterns", pattern.theme_id), []).append(pattern.id)
        return out

    before, after = groups(old), groups(new)
    changed = []
    for key, ids in after.items():
        was = before.get(key, [])
        both = set(ids) & set(was)
        if [i for i in ids if i in both] != [i for i in was if i in both]:
            kind, parent = key
            changed.append(f"patterns of {parent}" if kind == "patterns" else
                           f"themes under {parent}" if parent else "top-level themes")
    return ", ".join(changed[:12]) + (f", ... ({len(changed)} in all)"
                                       if len(changed) > 12 else "")


def _version_change(loads: list[Any], new: str | None) -> str | None:
    """What a load does to the codebook's ``version:`` (``None``: nothing, or a first
    load): ``version 1 -> 2``, said even when nothing else in the file changed."""
    old = loads[-1].version if loads else new
    if old == new:
        return None
    if new is None:
        return f"version {old} removed (this file has none)"
    return f"version {new} (the last file had none)" if old is None else (
        f"version {old} -> {new}")


def _description_change(old: str, new: str) -> str | None:
    """What a load does to the codebook's own ``description:`` (``None``: nothing). The
    stored codebook is the file: a version without one clears the one stored."""
    if old == new:
        return None
    if not new:
        return "description removed (this file has none)"
    return "description added" if not old else "description changed"


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


def _theme_changes(old: Any, new: Any) -> str:
    """``name 'Serendipity' -> 'Chance', definition``: what a loaded file changes in one
    theme (``themes changed: serendipity (...)``)."""
    fields: dict[str, tuple[str, str]] = {}
    for field in ("name", "description", "inclusion", "exclusion", "examples", "color",
                  "parent_id"):
        mine, theirs = getattr(old, field), getattr(new, field)
        if (mine.upper() != theirs.upper()) if field == "color" else mine != theirs:
            fields[field] = (mine, theirs)
    words = [_overwrites(fields)] if fields else []
    if old.codable != new.codable:
        words.append("now codable" if new.codable else "now a folder")
    return ", ".join(words)


def _pattern_changes(old: Any, new: Any) -> str:
    """``ser_by_chance (scope participant -> all)``: a changed pattern, with what changed
    besides its body (a bare id: what it matches)."""
    moves = [f"{word} {getattr(old, field)} -> {getattr(new, field)}"
             for field, word in (("theme_id", "theme"), ("scope", "scope"), ("unit", "unit"))
             if getattr(old, field) != getattr(new, field)]
    return f"{new.id} ({', '.join(moves)})" if moves else new.id


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
    cb = checked_codebook(path, None) if path else _stored_codebook(project)
    if not cb.themes:
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    _check_show_themes(project, cb, theme_ids, stored=not path and fmt != "table",
                       own=not path)
    if fmt == "table":
        pipeline = ", pipeline " + cb.pipeline if cb.pipeline else ""
        header = (f"{cb.name}{f', version {cb.version}' if cb.version else ''}  "
                  f"({cb.sizes()}{pipeline})")
        if theme_ids:
            shown = len(cbr.subtree_depths(cb.themes, theme_ids))
            header += f"; {cbr.selection_words(theme_ids)} ({plural(shown, 'theme')})"
        width = table_width()
        if cb.description and not brief:  # what the codebook is for, under its title
            header += "".join(f"\n{line}" for line in
                              ["", *_paragraphs(cb.description, width), ""])
        listing = _wrapped(cbr.codebook_listing(cb, header, brief=brief, selected=theme_ids),
                           width)
        emit(listing, output, f"the codebook ({cb.sizes()})" if not theme_ids else
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


def _paragraphs(text: str, width: int | None) -> list[str]:
    """A codebook's description for under the listing's title: each of its lines as the
    file has them, wrapped flush to ``width`` (a title that wraps carries on two
    columns in, so an indented paragraph read as more of it); whole without a width."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if width is None:
            out.append(line.strip())
        else:
            out += wrap_cells(line.strip(), max(20, width))
    return out


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

    While the stored codebook is still the YAML file last loaded (no theme or pattern
    changed in the project since), that file is written as it was, comments and all,
    under two comment lines saying so. Otherwise it is written from the database, and a
    note on stderr says the loaded file's comments are not carried over.

    A FILE that exists is replaced only if an earlier export wrote it (or with --force):
    the team's own codebook file keeps its comments and layout.
    """
    from qualcoder_ahp.model.store import now
    from qualcoder_ahp.suggest.codebook_yaml import codebook_yaml

    special = file is not None and is_special_file(file)  # /dev/stdout, a named pipe
    if file is not None and not special:
        _check_export_target(file)
    # (Reading the first line of a pipe to see who wrote it waited for ever.)
    if file is not None and not (force or special) and not _exported_or_absent(Path(file)):
        raise UserError("the file exists and `qcahp codebook export` did not write it: "
                        "export to a new file (then compare or copy across), or add --force "
                        "to replace it, losing its comments and layout", path=file)
    cb = _stored_codebook(project)
    if not cb.themes:
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first")
    written = (f"{cb.name}: the codebook stored in {project.path.name}, written by "
               f"`qcahp codebook export` on {now()[:10]}.")
    header = (f"{written}\n"
              f"Loaded from: {cb.source or 'no file'}. Theme ids are what codings refer to: "
              "keep them.")
    text = codebook_yaml(cb, header)
    from qualcoder_ahp.model.codebook_store import written_hash

    kept = project.store().codebook_source()
    source = kept[0] if kept else None
    if kept is not None and written_hash(cb) == kept[1]:
        # Unchanged since the load: the file as the team wrote it, comments and all.
        text = _as_loaded_header(written, cb.source) + _without_export_header(kept[0])
    elif Path(cb.source or "").suffix.lower() in (".yaml", ".yml") and (
            source is None or COMMENT.search(source)):
        why = ("" if source is None else
               " (the codebook was changed in this project since it was loaded)")
        say(f"note: written from the database: the comments and layout of {cb.source} are "
            f"not carried over{why}.")
    if file is None:
        click.echo(text, nl=False)
        return
    write_output(file, text, f"the codebook ({cb.sizes()})")


COMMENT = re.compile(r"(?:^|\s)#", re.MULTILINE)
"""Where a YAML file has a comment (a ``#`` at a line's start or after a space)."""


def _as_loaded_header(written: str, path: str | None) -> str:
    """The comment lines an export puts before the file it writes as it was loaded."""
    return (f"# {written}\n# Loaded from: {path}, written as it was loaded (its comments "
            "kept). Theme ids are what codings refer to: keep them.\n")


def _without_export_header(source: str) -> str:
    """The text of a file an earlier export wrote, without the comment lines that export
    put first (a new export puts its own): exporting a loaded export over and over kept
    adding them."""
    lines = source.splitlines(keepends=True)
    if not lines or EXPORT_MARK not in lines[0]:
        return source
    rest = lines[1:]
    if rest and rest[0].startswith("# Loaded from:"):
        rest = rest[1:]
    return "".join(rest)


def _check_export_target(file: str) -> None:
    """Refuse, before any work, a FILE that would not load back as a codebook.

    ``qcahp codebook export codes.csv`` wrote YAML into a file Excel then opened as one
    garbled column (and ``codebook load`` refused for its suffix); a file in a folder
    that cannot be written said "Permission denied" only once the codebook was made.
    """
    suffix = Path(file).suffix.lower()
    if suffix not in (".yaml", ".yml"):
        name = Path(file).with_suffix(".yaml").name if suffix else f"{Path(file).name}.yaml"
        what = f", not {suffix}" if suffix else ""
        raise UserError(f"the codebook is written as YAML{what}: name the file {name} "
                        "(or .yml), which `qcahp codebook load` reads back", path=file)
    refuse_project_database(file)
    check_writable(file)


def _stored_codebook(project: Project) -> Any:
    """The stored codebook, with the ``version:`` of the file last loaded (a round trip
    through export keeps it); named after the project when no file was ever loaded (an
    inductive study's themes, all added while coding), not "(none)"."""
    from dataclasses import replace

    store = project.store()
    cb = store.codebook()
    loads = store.codebook_loads()
    if loads:
        cb = replace(cb, version=loads[-1].version)
    elif cb.themes:
        cb = replace(cb, name=f"{project.path.stem} codebook")
    return cb


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
