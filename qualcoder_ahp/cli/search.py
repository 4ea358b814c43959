"""CLI command ``qcahp search``: find words or patterns in every transcript, in context.

A thin wrapper over :mod:`qualcoder_ahp.reports.search`: the hits as a
keyword-in-context table on the terminal, or as CSV, XLSX, JSON or Markdown
(``--format``, else the ``-o`` suffix), with one summary line on stderr (stdout
carries only the hits). ``--code THEME --coder NAME`` then codes the sentence of
every hit not yet coded so, as one decision that the workbench's ``u`` undoes.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import click

from qualcoder_ahp.cli.common import (
    Project,
    acting_coder,
    output_format,
    pass_project,
    plural,
    progress_bar,
    say,
    table_width,
    write_output,
)
from qualcoder_ahp.cli.report_options import case_options, selection_about
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, now
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.data import unknown_theme
from qualcoder_ahp.reports.search import (
    ROLES,
    Hit,
    SearchQuery,
    SearchResult,
    code_hits,
    one_version,
    search,
)
from qualcoder_ahp.reports.selection import select, selection_json
from qualcoder_ahp.reports.text_table import (
    to_table,
    wrap_note,
)
from qualcoder_ahp.reports.writers import (
    Sheet,
    md_cell,
    to_csv,
    to_markdown,
    to_xlsx,
)

FORMATS = ("table", "csv", "xlsx", "json", "md")
COLUMNS = ["transcript", "participant", "speaker", "role", "turn", "time", "before", "match",
           "after", "sentence", "start", "end", "sentence_start", "sentence_end"]
"""The columns of a CSV, XLSX or JSON export; ``coded`` follows with --theme or --code."""


def hits_sheet(result: SearchResult, texts: dict[int, str]) -> Sheet:
    """Every hit as one row of the full table (CSV, XLSX)."""
    marked = result.theme_id is not None
    rows = []
    for h in result.hits:
        row = [h.transcript, h.participant, h.speaker, h.role, h.turn, h.time, h.before,
               h.match, h.after, _sentence(texts, h), h.start, h.end, h.sentence_start,
               h.sentence_end]
        if marked:
            row.append("yes" if h.coded else "no")
        rows.append(row)
    columns = COLUMNS + (["coded"] if marked else [])
    if result.selection is not None:  # as the reports' CSV: every row says what it covers
        columns = columns + ["selection"]
        rows = [row + [result.selection.text] for row in rows]
    return Sheet("Hits", columns, rows, title="Search hits", wrap={"sentence"})


def _sentence(texts: dict[int, str], h: Hit) -> str:
    return " ".join(texts[h.transcript_id][h.sentence_start:h.sentence_end].split())


def kwic_table(result: SearchResult, width: int | None = None) -> str:
    """The terminal's keyword-in-context table: the matches in one column, lined up.

    Fitted to ``width`` (see :func:`~qualcoder_ahp.reports.text_table.to_table`), the
    context gives way, the text before a match cut on its left and the text after
    it on its right, so the match stays whole and in line.
    """
    marked = result.theme_id is not None
    columns = ["transcript", "turn", "speaker", "before", "match", "after"]
    rows = []
    for h in result.hits:
        row: list[Any] = [h.transcript, h.turn, h.speaker or "", h.before, h.match,
                          h.after.strip()]
        if marked:
            row.insert(0, "yes" if h.coded else "")
        rows.append(row)
    if marked:
        columns.insert(0, "coded")
    sides = {"before": "start", "match": "keep", "after": "end"}
    sheet = Sheet("Hits", columns, rows, shrink=sides)
    if result.selection is not None:
        sheet.footer = result.selection.label
    return to_table([sheet], width=width)


def _json(result: SearchResult, texts: dict[int, str]) -> str:
    doc = {
        "report": "search", "query": {
            "terms": list(result.query.terms), "regex": result.query.regex,
            "word": result.query.word, "case_sensitive": result.query.case_sensitive,
            "role": result.query.role},
        "theme": result.theme_id, "coder": result.coder,
        "transcripts_searched": result.searched, "transcripts_with_hits": result.transcripts,
        "hits": [{
            "transcript": h.transcript, "participant": h.participant, "speaker": h.speaker,
            "role": h.role, "turn": h.turn, "time": h.time, "before": h.before,
            "match": h.match, "after": h.after, "sentence": _sentence(texts, h),
            "start": h.start, "end": h.end, "sentence_start": h.sentence_start,
            "sentence_end": h.sentence_end,
            **({"coded": h.coded} if result.theme_id is not None else {}),
        } for h in result.hits],
        "selection": selection_json(result.selection),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _markdown(result: SearchResult) -> str:
    # The transcript's text is escaped ("c*d", "<i>", a backtick stay literal), the
    # match bold around it.
    rows = [[h.transcript, h.turn, h.speaker,
             f"{md_cell(h.before)}**{md_cell(h.match)}**{md_cell(h.after)}"]
            + (["yes" if h.coded else "no"] if result.theme_id is not None else [])
            for h in result.hits]
    columns = ["transcript", "turn", "speaker", "excerpt"] + (
        ["coded"] if result.theme_id is not None else [])
    title = f"Search: {md_cell(result.query.describe())}"
    sheet = Sheet("Hits", columns, rows, title=title, markdown={"excerpt"})
    if result.selection is not None:
        sheet.footer = result.selection.label
    return to_markdown([sheet])


@click.command("search")
@click.argument("terms", nargs=-1, required=True, metavar="TEXT...")
@click.option("--regex", is_flag=True,
              help="Each TEXT is a regular expression (e.g. 'covid|pandemic').")
@click.option("--word", is_flag=True, help="Whole words only ('ward' does not find 'award').")
@click.option("--case-sensitive", is_flag=True, help="Match case exactly [default: ignore case].")
@click.option("--role", type=click.Choice(ROLES), default="all", show_default=True,
              help="Only hits in this speaker role's turns.")
@case_options
@click.option("--theme", metavar="ID",
              help="Mark the hits whose sentence is coded with this theme.")
@click.option("--coder", metavar="NAME",
              help="With --theme: that coder's codings [default: anyone's]; with --code: "
                   "who codes.")
@click.option("--code", "code_theme", metavar="ID",
              help="Code the sentence of every hit with this theme as --coder (one "
                   "decision, undone by `qcahp undo` or u in the workbench); coded "
                   "sentences are skipped.")
@click.option("--context", type=click.IntRange(10, 200), default=40, show_default=True,
              metavar="N", help="Characters of context either side of a match.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format [default: from the -o suffix, else table].")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write to FILE (owner-only) instead of the terminal.")
@pass_project
def search_cmd(project: Project, terms: tuple[str, ...], regex: bool, word: bool,
               case_sensitive: bool, role: str, transcripts: tuple[str, ...],
               where: tuple[str, ...], theme: str | None, coder: str | None, code_theme: str | None,
               context: int, fmt: str | None, output: str | None) -> None:
    """Search every transcript for words, phrases or patterns; read the hits in context.

    Several TEXTs are alternatives (a hit is any of them). Plain text ignores case;
    --regex takes Python regular expressions. Every speaker's turns are searched
    unless --role says otherwise. Each hit gives its transcript, speaker, role, turn,
    time, the match with its context and its sentence (the span --code codes). A
    summary line goes to stderr. A transcript imported in several versions is searched
    in its latest (--transcript NAME@1 searches an older one).

    \b
    Examples:
      qcahp search covid pandemic lockdown
      qcahp search --regex 'covid|pandemic' --role participant -o covid.xlsx
      qcahp search --word board --transcript physio_helen
      qcahp search board --where profession=Paramedic --where profession=Dietitian
      qcahp search covid pandemic --code covid --coder ana
    """
    fmt = output_format(fmt, output, FORMATS, "table")
    query = SearchQuery(tuple(terms), regex=regex, word=word, case_sensitive=case_sensitive,
                        role=role)
    query.compile()  # a bad pattern fails before the database is opened
    if code_theme is not None:
        if coder is None or not coder.strip():
            raise UserError("--code needs --coder NAME: who codes the hits")
        if theme is not None and theme != code_theme:
            raise UserError("give the theme once: --code ID marks and codes with it")
        theme = code_theme
    store = project.store()
    if code_theme is not None and coder is not None:
        store.refuse_consensus(coder)  # its codings are the reconciled result
    if not store.report_transcripts():
        raise UserError("no transcripts in this project yet: import some with "
                        "`qcahp import FILES`", path=str(project.path))
    if theme is not None and not store.themes(include_inactive=True):
        raise UserError("no codebook loaded: run `qcahp codebook load FILE` first",
                        path=str(project.path))
    if code_theme is not None:
        known = [t.id for t in store.themes(include_inactive=True)]
        if code_theme not in known:  # a typo: the one message of --theme, with the ids
            raise unknown_theme(code_theme, [t.id for t in store.themes()])
        store.check_codable(code_theme)  # before searching: a folder or retired theme
    if coder is not None:
        coder = coder.strip()
        if code_theme is None:
            store.coder_id(coder)  # marking by an unknown coder is a typo: name the coders
        else:  # a new coder is noted; `Ana` where `ana` codes is refused
            coder = acting_coder(store, coder)
    chosen = one_version(store, select(store, transcripts, where), transcripts)
    with progress_bar("Searching") as progress:
        result = search(store, query, selection=chosen, theme=theme,
                        coder=coder, context=context, progress=progress)
    _write(project, result, fmt, output)
    say(result.summary())
    if code_theme is not None and coder is not None:
        _code(store, result, code_theme, coder)


def _write(project: Project, result: SearchResult, fmt: str, output: str | None) -> None:
    """The hits in the chosen format, to the terminal or to ``output``."""
    store = project.store()
    texts = dict(store.report_texts(sorted({h.transcript_id for h in result.hits})))
    if fmt == "table":
        content: str | bytes = (kwic_table(result, table_width()) if result.hits
                                else _none(result, table_width()))
    elif fmt == "csv":
        content = to_csv(hits_sheet(result, texts))
    elif fmt == "md":
        content = _markdown(result) if result.hits else _none(result)
    elif fmt == "json":
        content = _json(result, texts)
    else:
        about = ex.about_sheet({
            "report": "search", "database": str(project.path),
            "search": result.query.describe(), "theme": result.theme_id,
            "coder": result.coder, "transcripts searched": result.searched,
            **selection_about(result.selection, result.searched), "exported_at": now()})
        content = to_xlsx([hits_sheet(result, texts), about])
    if output:
        write_output(output, content, plural(len(result.hits), "hit"))
    else:
        click.echo(content if isinstance(content, str) else content.decode(), nl=False)


def _none(result: SearchResult, width: int | None = None) -> str:
    """``(no hits)``, and in which transcripts: the Selection line wrapped to ``width``
    as under a table of hits (it ran to 100 columns and more at 80)."""
    if result.selection is None:
        return "(no hits)\n"
    return "(no hits)\n\n" + "".join(f"{line}\n"
                                     for line in wrap_note(result.selection.label, width))


def _code(store: Store, result: SearchResult, theme_id: str, coder: str) -> None:
    """Code the hits' sentences and say how many were coded and skipped."""
    if not result.hits:
        click.echo("Nothing to code: no hits.", err=True)
        return
    outcome = code_hits(store, result.hits, theme_id, coder, about=result.query.describe())
    name = store.theme(theme_id).name
    skipped = (f"; skipped {plural(outcome.skipped, 'sentence')} already coded with it"
               if outcome.skipped else "")
    if outcome.coded:
        # Said from the command line, so the command-line undo comes first.
        undo = f"qcahp undo --coder {shlex.quote(coder)}"
        say(f"Coded {plural(outcome.coded, 'sentence')} with {name} as {coder}"
            f"{skipped} (one decision: `{undo}` or u in the workbench undoes it).")
    else:
        say(f"Nothing coded: every sentence with a hit is already coded with {name} "
            f"by {coder}.")


def register(cli: click.Group) -> None:
    """Add this module's command to the qcahp group."""
    cli.add_command(search_cmd)
