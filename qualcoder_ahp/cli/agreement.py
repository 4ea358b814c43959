"""CLI commands for inter-rater work: agreement, disagreements, merge, codings, blind.

- ``qcahp agreement --coders A,B`` - every coefficient per theme (pooled over
  transcripts), overall and the mean, or per theme x transcript with ``--by
  transcript``; as a table, CSV, XLSX, JSON or Markdown.
- ``qcahp disagreements --coders A,B`` - each span coded by some coders and not
  others, with its text (at a sentence or turn unit each sentence or turn, as
  agreement counts them).
- ``qcahp merge OTHER.db`` - bring in the codings of a coder's copy of the project.
- ``qcahp codings import FILE.csv --coder NAME`` / ``qcahp codings export``; a Word
  ``.docx`` whose comments name themes imports too.
- ``qcahp blind on|off`` - the project setting the workbench respects.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from qualcoder_ahp.cli.common import (
    Fraction,
    Project,
    fit_table,
    format_table,
    output_format,
    pass_project,
    plural,
    progress_bar,
    say,
    table_width,
    write_output,
)
from qualcoder_ahp.cli.report_options import selection_about
from qualcoder_ahp.cli.speakers import report_merged
from qualcoder_ahp.cli.transcripts import report_renames
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.coders_store import fold_name, shell_arg, split_coders
from qualcoder_ahp.model.merge_remap import SourceMatch
from qualcoder_ahp.model.merge_rows import DecisionConflict, MemoConflict
from qualcoder_ahp.model.merge_store import LISTED, CoderMatch, placed_apart_line
from qualcoder_ahp.model.store import Store, now
from qualcoder_ahp.reports.data import label_of
from qualcoder_ahp.reports.selection import Selection, select
from qualcoder_ahp.reports.text_table import (
    wrap_note,
)
from qualcoder_ahp.reports.writers import (
    Narrowing,
    Sheet,
    csv_records,
    shown_time,
    to_markdown,
    to_xlsx,
)

FORMATS = ("table", "csv", "xlsx", "json", "md")
SHORT = {
    "percent_agreement": "agree", "cohen_kappa": "kappa", "light_kappa": "light_k",
    "scott_pi": "pi", "fleiss_kappa": "fleiss", "brennan_prediger": "BP", "gwet_ac1": "AC1",
    "krippendorff_alpha": "alpha", "positive_agreement": "pos_agr", "jaccard": "jaccard",
    "u_alpha": "u_alpha",
}


def _coders(value: str | None, project: Project) -> list[str]:
    """The coders named by ``--coders``; without it, every coder who coded (a consensus
    coder left out), when there are two or more (:func:`_say_chosen` says so)."""
    if value is None:
        found = project.store().coders_who_coded()
        if len(found) < 2:
            have = f"only {found[0]} has coded" if found else "nobody has coded yet"
            raise UserError(f"comparing coders needs two or more and {have}: a second coder "
                            "codes a copy of the project (qcahp merge brings it in), or name "
                            "them with --coders A,B")
        return found
    names = [c.strip() for c in value.split(",") if c.strip()]
    if len(set(names)) >= 2:
        # A coder whose name holds a comma (``Smith, John`` from NVivo) is one coder.
        names = split_coders(value, project.store().coders())
    if len(set(names)) < 2:
        raise click.BadParameter("name two or more different coders, e.g. --coders ana,ben",
                                 param_hint="'--coders'")
    return names


def _say_chosen(value: str | None, names: Sequence[str]) -> None:
    """On stderr, which coders were compared when ``--coders`` did not say: once the
    options are found good (it stood above the one line of an error, two lines)."""
    if value is None:
        say(f"Comparing {', '.join(names)}: every coder who coded (--coders A,B to choose).")


def coders_label(coders: Sequence[str]) -> str:
    """Who was compared, as a file says it: ``ana vs Benoît``, or ``ana, ben, cai``."""
    return " vs ".join(coders) if len(coders) == 2 else ", ".join(coders)


def unit_label(unit: str, threshold: float) -> str:
    """The unit as the terminal heading words it: ``segment (overlap >= 0.9)``."""
    return unit + (f" (overlap >= {threshold:g})" if unit == "segment" else "")


COLUMN_NOTES = {
    "view": "theme: pooled over transcripts; theme x transcript: one cell; overall: every "
            "theme pooled; mean: the mean of the theme rows' defined values",
    "theme / theme_name": "the theme's id and its name in the codebook",
    "units": "units of agreement compared (characters, sentences, turns or segments)",
    "n11 / n10 / n01 / n00": "units coded by both coders / only the first / only the "
                             "second / neither",
    "coded_by_all / coded_by_some / coded_by_none": "(3+ coders) units coded by every / "
                                                   "some / no compared coder",
    "undefined (reason)": "a figure that cannot be computed, with why (e.g. neither coder "
                          "used the theme)",
    "coded_by / not_coded_by": "(disagreements) the coders who coded the span / did not",
}
"""Column definitions written under the About sheet of an agreement workbook."""


def write_rows(rows: list[dict[str, Any]], fmt: str, output: str | None,
               sheet: str = "agreement", about: dict[str, Any] | None = None,
               noun: str = "row", selection: Selection | None = None,
               segment: bool = False) -> None:
    """Write rows (dicts with the same keys) in a format, to a file or stdout.

    ``fmt`` comes from :func:`~qualcoder_ahp.cli.common.output_format`, which has
    already refused a missing folder or an unknown suffix; a table asked for in a file
    (``-o agreement.txt``) is the terminal's table, headed by who was compared, as
    ``counts -o counts.txt`` writes its table (it used to be CSV under a .txt name).

    ``about`` (``coders``, ``unit`` and more) says what was compared: CSV and JSON rows
    carry ``coders`` and ``unit`` columns (a file passed on alone still says who was
    compared), Markdown has them in its heading, and an XLSX workbook gets an About
    sheet. The terminal table (which prints its own heading line) is left as it was.
    ``noun`` names the rows in the "Wrote ..." line (``row of agreement figures``,
    ``disagreeing span``, ``coding``), as the report commands name theirs.

    ``selection`` (the transcripts chosen with ``--transcript`` / ``--where``) is said as
    the reports say it: a last ``selection`` column in CSV and JSON rows and a
    ``Selection:`` line under a table or a Markdown table (the caller puts its rows on
    the About sheet).
    """
    if fmt == "xlsx" and not output:
        raise UserError("--format xlsx needs -o FILE.xlsx")
    if about and fmt in ("csv", "json", "xlsx"):
        rows = [{**row, "coders": about["coders"], "unit": about["unit"],
                 **({"speakers": about["speakers"]} if "speakers" in about else {})}
                for row in rows]
    if selection is not None and fmt in ("csv", "json"):
        rows = [{**row, "selection": selection.text} for row in rows]
    footer = f"\n{selection.label}\n" if selection is not None else ""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    rows = [{c: row.get(c, "") for c in columns} for row in rows]
    if fmt == "table" and not output:
        if selection is not None:  # wrapped to the terminal, as the notes above it
            footer = "\n" + "".join(f"{w}\n" for w in wrap_note(selection.label,
                                                                  table_width()))
        click.echo(_screen_table(rows, columns, segment) + footer, nl=False)
        return
    if fmt == "xlsx":
        write_output(output or "", _xlsx(rows, columns, sheet, about),
                     _count(len(rows), noun))
        return
    if fmt == "table":
        heading = (f"{sheet.capitalize()}: coders {about['coders']}   unit: {about['unit']}"
                   + (f"   speech: {SPEECH[about['speakers']]}" if "speakers" in about
                      else "") + "\n"
                   + (f"{about['compared']}\n" if about.get("compared") else "")
                   + (f"{about['intervals']}\n" if about.get("intervals") else "")
                   if about else "")
        text = heading + _table(rows, columns) + footer
    elif fmt == "json":
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "md":
        text = _markdown(rows, columns, sheet, about, selection)
    else:
        text = csv_records(columns, rows)
    if output:
        write_output(output, text, _count(len(rows), noun))
    else:
        click.echo(text, nl=False)


def _shown(rows: list[dict[str, Any]], columns: Sequence[str]
           ) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The rows as the table shows them, under short headings (:data:`SHORT`), with each
    long undefined reason as a numbered ``undef[N]`` (returned with its number).

    A row nobody coded (:data:`~qualcoder_ahp.agreement.compute.NOBODY_CODED`) shows
    ``—`` for every figure, with one note under the table (number 0): no figure, and
    why, where its agreement read 1.000 (a reader took it for perfect agreement).

    A text's line breaks read as spaces; its words are never cut here (they were cut to
    60 characters with ``...`` in a pipe and a file too, and at any width): a terminal
    fits them by :func:`_screen_table`, with ``…``."""
    from qualcoder_ahp.agreement.compute import NOBODY_CODED

    nobody = {f"undefined ({reason})" for reason in NOBODY_CODED.values()}
    notes: dict[str, int] = {}
    shown = []
    for row in rows:
        out = {}
        for col in columns:
            value = row[col]
            if value in nobody:
                notes.setdefault(value[len("undefined ("):-1], 0)
                value = NO_FIGURE
            elif isinstance(value, str) and value.startswith("undefined ("):
                number = notes.setdefault(value[len("undefined ("):-1],
                                          1 + sum(1 for n in notes.values() if n))
                value = f"undef[{number}]"
            elif isinstance(value, str):  # whole: a terminal fits it (_screen_table)
                value = value.replace("\n", " ")
            out[SHORT.get(col, col)] = value
        shown.append(out)
    return shown, notes


NO_FIGURE = "\u2014"
"""A figure of a row nobody coded, in a table (:func:`_shown`)."""


def _undefined(notes: dict[str, int]) -> str:
    return "".join(f"[{number}] undefined: {reason}\n" if number else
                   f"{NO_FIGURE} no figure: {reason}\n" for reason, number in notes.items())


def _table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    """Aligned table; long undefined reasons become numbered notes under it."""
    shown, notes = _shown(rows, columns)
    return (format_table(shown) if shown else "(none)\n") + _undefined(notes)


NARROW_LEAVE_OUT = ("u_alpha", "scott_pi", "brennan_prediger", "jaccard", "units",
                    "light_kappa", "n00", "coded_by_none", "view")
"""Columns a terminal too narrow for the whole agreement table goes without, first to
last, until it fits (percent agreement, kappa, alpha, AC1 and positive agreement stay;
the view goes last, as the theme and transcript columns say it too: ``(pooled)``,
``(all)``, ``(mean over ...)``)."""
COUNTS_LEAVE_OUT = ("n01", "n10", "n11")
"""Left out after those when the table has a transcript column of its own (``--by
transcript``): with the theme and transcript names it was 99 wide at 80 columns, every
row wrapped in two, and names are cut only when that makes the table fit."""
MANY_SHORT = (("coded_by_all", "n_all"), ("coded_by_some", "n_some"),
              ("coded_by_none", "n_none"))
"""Short headings, explained in a legend line, for the counts of three or more coders:
the table by theme was 93 wide at 80 columns, by transcript 111."""
SCREEN_NARROWING = Narrowing(same=("transcript", "view"), short=MANY_SHORT,
                             optional=tuple(SHORT.get(c, c) for c in NARROW_LEAVE_OUT),
                             under=("text",), names=("theme",))
BY_TRANSCRIPT_NARROWING = dataclasses.replace(
    SCREEN_NARROWING, optional=SCREEN_NARROWING.optional + COUNTS_LEAVE_OUT
    + ("coded_by_some", "coded_by_all"))
"""How the agreement and disagreements tables fit a narrow terminal, by the shared rules
of :func:`~qualcoder_ahp.cli.common.fitted_table`: a transcript column that says
``(all)`` in every row goes (named under the table), and so does the view by transcript
(``theme x transcript`` in every row, 20 columns), a disagreeing span's words go under
its row rather than be cut to a few characters, then :data:`NARROW_LEAVE_OUT`; a theme
id is cut last, as a name (it was cut to ten characters first, as words)."""


SEGMENT_NOTE = ("Segment unit: every unit is a coded segment, none uncoded by every coder "
                "(n00 = 0), so kappa, pi, Fleiss' kappa and alpha come out low or negative "
                "whatever the agreement; read agree, pos_agr and BP (chance 1/2, MAXQDA's "
                "model). qcahp methods cites those.")
"""Under the terminal table at the segment unit (docs/agreement.md, which unit to use)."""
SEGMENT_READ = ("agree", "pos_agr", "BP")
"""The columns :data:`SEGMENT_NOTE` says to read: kept at the segment unit on a narrow
terminal (BP was the third left out, at 80 columns, under a note pointing to it)."""
SEGMENT_LEAVE_OUT = ("kappa", "fleiss", "pi", "alpha")
"""Left out at the segment unit after :data:`NARROW_LEAVE_OUT` but BP, before any
column the note points to: the figures it says come out low or negative there."""


def _screen_table(rows: list[dict[str, Any]], columns: Sequence[str],
                  segment: bool = False) -> str:
    """:func:`_table` on the terminal, fitted to its width (:data:`SCREEN_NARROWING`).

    The agreement table is some 130 characters of figures, which are never cut, so an
    80-column terminal wrapped every row in two; the disagreements' words were cut to
    ten characters. Lines under the table say what was left out, as the other fitted
    tables say it (a pipe or ``-o FILE`` keeps all). At the segment unit (``segment``)
    the columns :data:`SEGMENT_NOTE` points to stay, the others going first
    (:data:`SEGMENT_LEAVE_OUT`).
    """
    if not rows or table_width() is None:
        return _table(rows, columns)
    shown, notes = _shown(rows, columns)
    whole = ({"text": [str(row["text"]) for row in rows]} if "text" in columns else None)
    rules = (BY_TRANSCRIPT_NARROWING if "transcript" in columns
             and ("n11" in columns or "coded_by_all" in columns)
             and len({str(row.get("transcript")) for row in rows}) > 1 else SCREEN_NARROWING)
    if segment:
        rules = dataclasses.replace(rules, optional=tuple(
            c for c in rules.optional if c not in SEGMENT_READ) + SEGMENT_LEAVE_OUT)
    table, under = fit_table(shown, [SHORT.get(c, c) for c in columns], rules, whole)
    # A note only for a column still shown: "[1] undefined: character unit only" stayed
    # under a table fitted without u_alpha, the one column that said undef[1].
    # (Headings are never cut, so the heading line names the columns kept.)
    kept = set(table.splitlines()[0].split())
    notes = {reason: number for reason, number in notes.items()
             if any(value == (f"undef[{number}]" if number else NO_FIGURE) and heading in kept
                    for row in shown for heading, value in row.items())}
    # The pooled and mean rows' labels say over which themes they were taken; cut to
    # fit ("(mean over 4 themes…"), they go whole under the table.
    cut = [str(row["theme"]) for row in shown if str(row.get("theme", "")).startswith(
        ("(mean over", "(pooled over")) and str(row["theme"]) not in table]
    under = [*under, *(line for label in cut
                       for line in wrap_note(f"The {label[1:].split()[0]} row: {label[1:-1]}.",
                                             max(20, table_width() or 80)))]
    return table + _undefined(notes) + "".join(f"{line}\n" for line in under)


def _title(sheet: str, about: dict[str, Any] | None) -> str:
    if not about:
        return ""
    return (f"{sheet.capitalize()}: {about['coders']}, unit {about['unit']}"
            + (f", {SPEECH[about['speakers']]}" if "speakers" in about else ""))


def _markdown(rows: list[dict[str, Any]], columns: Sequence[str], sheet: str,
              about: dict[str, Any] | None, selection: Selection | None = None) -> str:
    """A Markdown table by the report writer, headed by who was compared and the unit."""
    def cell(value: Any) -> Any:
        # Three decimals as in the terminal table; + 0.0 keeps "-0.000" out of a paper.
        return f"{round(value, 3) + 0.0:.3f}" if isinstance(value, float) else value

    return to_markdown([Sheet(sheet, list(columns),
                              [[cell(r[c]) for c in columns] for r in rows],
                              title=_title(sheet, about),
                              footer="\n\n".join(filter(None, (
                                  selection.label if selection is not None else "",
                                  (about or {}).get("intervals", "")))))])


def _xlsx(rows: list[dict[str, Any]], columns: Sequence[str], sheet: str,
          about: dict[str, Any] | None) -> bytes:
    """A workbook like the other reports': bold frozen header, and an About sheet."""
    from qualcoder_ahp.reports.exports import about_sheet

    # The pooled and mean rows close the sheet; kept out of the filter range (as a
    # matrix's column total is), sorting the themes by kappa leaves them last instead
    # of burying "(pooled)" among the themes as one more row.
    totals = 0
    while totals < len(rows) and rows[-1 - totals].get("view") in ("overall", "mean"):
        totals += 1
    # Coefficients read as in the terminal (0.000) instead of Excel's 15 digits.
    sheets = [Sheet(sheet, list(columns), [[r[c] for c in columns] for r in rows],
                    title=_title(sheet, about), wrap={"text"} & set(columns),
                    decimals={c for c in columns if c in SHORT
                              or c.endswith(("_ci_low", "_ci_high"))}, totals=totals)]
    if about:
        notes = {k: v for k, v in COLUMN_NOTES.items()
                 if any(part in columns for part in k.split(" / "))
                 or (k.startswith("undefined") and sheet == "agreement")}
        sheets.append(about_sheet({"report": sheet, **about,
                                   **{f"column: {k}": v for k, v in notes.items()}}))
    return to_xlsx(sheets)


def _count(n: int, noun: str) -> str:
    """``13 rows of agreement figures``, ``4 disagreeing spans``: :func:`plural` on the
    noun before any "of"."""
    head, sep, tail = noun.partition(" of ")
    return plural(n, head) + sep + tail


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    cli.add_command(agreement)
    cli.add_command(disagreements_cmd)
    cli.add_command(merge)
    cli.add_command(codings)
    cli.add_command(blind)


_unit = click.option("--unit", type=click.Choice(["character", "sentence", "turn", "segment"]),
                     default="character", show_default=True,
                     help="What one unit of agreement is.")
# Overlap is intersection / union: 0 would match spans that do not touch, over 1 nothing.
_threshold = click.option("--threshold", type=Fraction(0, 1, min_open=True),
                          default=0.9, show_default=True, metavar="X",
                          help="segment unit: overlap (intersection / union) needed to match, "
                               "above 0 and up to 1.")
_speakers = click.option(
    "--speakers", type=click.Choice(["participants", "all"]), default=None,
    help="Whose speech the units are: the participants' turns (the interviewer's "
         "questions left out) or every speaker's [default: participants; all when the "
         "codebook's patterns suggest on interviewer turns].")
_theme = click.option("--theme", default=None, metavar="ID",
                      help="Only this theme id; a folder's id takes the themes under it.")
_transcript = click.option(
    "--transcript", "transcripts", multiple=True, metavar="NAME",
    help="Only this transcript (repeatable; NAME is its latest version, NAME@2 one "
         "version).")
_where = click.option(
    "--where", "where", multiple=True, metavar="ATTR=VALUE",
    help="Only transcripts whose participant has this attribute value, as in the "
         "reports (repeatable: one attribute twice is either value, different attributes "
         "must all hold; ATTR!=VALUE leaves a value out; ATTR=(none) is the transcripts "
         "without one).")


def chosen_transcripts(store: Store, transcripts: Sequence[str],
                       where: Sequence[str]) -> Selection | None:
    """The transcripts ``--transcript`` and ``--where`` choose, as the reports choose them
    (:func:`~qualcoder_ahp.reports.selection.select`: the same errors and statement), or
    ``None`` for every transcript.

    One difference, kept from before: here a ``NAME`` without ``@`` is its latest
    version (agreement compares what the coders are coding now), where the reports take
    every version; ``NAME@1`` still names an older one.
    """
    chosen = select(store, transcripts, where)
    if chosen is None:
        return None
    rows = store.report_transcripts()
    explicit = {store.transcript(ref).id for ref in transcripts if "@" in ref or ref.isdigit()}
    older: set[int] = set()
    for ref in dict.fromkeys(transcripts):
        if "@" not in ref and not ref.isdigit():
            latest = store.transcript(ref)
            older |= {r[0] for r in rows if r[1] == latest.name and r[0] != latest.id}
    ids = chosen.ids - (older - explicit)
    if not ids:
        raise UserError(f"no transcript matches {chosen.criteria} (here a NAME is its latest "
                        "version: name an older one as NAME@1)")
    if ids == chosen.ids:
        return chosen
    labels = label_of(rows)
    names = tuple(labels[r[0]] for r in rows if r[0] in ids)
    return dataclasses.replace(chosen, ids=frozenset(ids), names=names)
_coders_option = click.option("--coders", metavar="A,B[,C...]",
                              help="Two or more coder names, comma-separated [default: every "
                                   "coder who coded, a consensus coder left out].")
_output = click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
                       default=None, help="Write to FILE (owner-only) instead of the terminal.")
_format = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                       help="Output format [default: from the -o suffix, else table].")


@contextlib.contextmanager
def _bar(project: Project, chosen: Selection | None) -> Iterator[Callable[[int], None]]:
    """A progress bar over the transcripts: one step to read each, one to count it."""
    count = len(chosen.ids) if chosen is not None else len(project.store().transcripts())
    total = max(2 * count, 1)
    done = 0
    with progress_bar("Agreement") as update:

        def step(n: int) -> None:
            nonlocal done
            done += n
            update(min(done, total), total)

        yield step


@click.command()
@_coders_option
@_unit
@_speakers
@_threshold
@_theme
@_transcript
@_where
@click.option("--by", type=click.Choice(["theme", "transcript", "all"]), default="theme",
              show_default=True,
              help="theme: per theme pooled over transcripts, overall and mean; "
                   "transcript: per theme x transcript; all: both.")
@click.option("--ci", is_flag=True,
              help="Add 95% intervals of each theme's and the pooled kappa and alpha: a "
                   "cluster bootstrap over transcripts (1,000 resamples, seeded).")
@_format
@_output
@pass_project
def agreement(project: Project, coders: str | None, unit: str, speakers: str | None,
              threshold: float, theme: str | None,
              transcripts: tuple[str, ...], where: tuple[str, ...], by: str, ci: bool,
              fmt: str, output: str | None) -> None:
    """Inter-rater agreement of coders, per theme, per transcript and overall.

    Counts n11/n10/n01/n00 (both, only A, only B, neither) per unit, then percent
    agreement, Cohen's kappa (NVivo formula), Scott's pi, Brennan-Prediger, Gwet's
    AC1, Krippendorff's alpha, positive agreement and Jaccard (Fleiss' kappa and
    Light's kappa with three or more coders); each theme x transcript row also has
    Krippendorff's unitizing alpha (u_alpha: where coded stretches begin and end, at
    the character unit). Undefined values say why.

    The units are the participants' speech (their turns: the interviewer's questions,
    which nobody codes, would count as agreed absence and lift every figure); a note
    says how many codings lie outside it. --speakers all compares every speaker's, as
    does the default when the codebook's patterns suggest on interviewer turns (a
    note says so). Notes go on stderr beside a CSV, JSON or file.

    \b
    Examples:
      qcahp agreement --coders ana,ben --unit sentence
      qcahp agreement --coders ana,ben --by transcript -o agreement.xlsx
      qcahp agreement --coders ana,ben --where "board_distance=Board member"

    With --transcript or --where every figure is of the chosen transcripts only, and
    each output says which (a Selection line, a selection column, the About sheet).

    --ci resamples whole transcripts (units of one interview are not independent): on
    the terminal a table of intervals under the figures; in a file columns such as
    cohen_kappa_ci_low and cohen_kappa_ci_high on the theme and pooled rows.
    """
    from qualcoder_ahp.agreement.compute import collect, compute, corpus_notes

    fmt = output_format(fmt, output, FORMATS, "table")
    names = _coders(coders, project)  # a bad --coders before the project is opened
    chosen = chosen_transcripts(project.store(), transcripts, where)
    with _bar(project, chosen) as bar:
        corpus = collect(project.store(), names, theme=theme,
                         transcript_ids=chosen.ids if chosen is not None else None,
                         progress=lambda _name: bar(1), speakers=speakers)
        report = compute(corpus, unit, threshold, progress=lambda _name: bar(1))
    intervals = None
    if ci:
        from qualcoder_ahp.agreement.bootstrap import cluster_intervals

        intervals = cluster_intervals(corpus, unit, threshold)
    _say_chosen(coders, names)
    if fmt == "table" and not output:
        # Wrapped to the terminal as the table under them (the note ran to 105 at 80).
        heading = (f"Coders: {', '.join(report.coders)}   unit: {unit_label(unit, threshold)}"
                   f"   speech: {SPEECH[corpus.speakers]}")
        for line in wrap_note("\n".join([heading, *(n[0].upper() + n[1:]
                                                     for n in corpus_notes(corpus))]),
                              table_width()):
            click.echo(line)
        write_rows([r.record(3) for r in report.rows(by)], fmt, output, selection=chosen,
                   segment=unit == "segment")
        if unit == "segment":  # kappa -0.044 beside agreement 0.882 read as a failure
            for line in wrap_note(SEGMENT_NOTE, table_width()):
                click.echo(line)
        if intervals is not None:
            click.echo("\n" + _interval_table(report, intervals), nl=False)
        return
    names = dict(corpus.themes)
    rows = [_with_name(_with_ci(r, intervals, None if fmt in ("json", "xlsx") else 6)
                       if intervals is not None else r.record(None if fmt in ("json", "xlsx")
                                                              else 6), names)
            for r in report.rows(by)]
    about = _about(project, report.coders, unit, threshold, corpus.speakers, theme=theme,
                   by=by, **selection_about(chosen, len(corpus.transcripts)))
    notes = corpus_notes(corpus)
    note = "; ".join(notes)
    if note:  # in the About sheet and a text file's heading
        about["compared"] = note.replace(" (--by transcript shows each)", "")
    if intervals is not None:
        about["intervals"] = intervals.said()
    write_rows(rows, fmt, output, about=about, noun="row of agreement figures",
               selection=chosen)
    _say_notes(corpus)


def _say_notes(corpus: Any) -> None:
    """Whose speech was compared and the codings left outside it, on stderr, beside a CSV,
    JSON or Markdown table or a file: its rows carry no such line, and ``agreement -o
    a.csv`` said only "Wrote 13 rows" of figures that left 3 codings of interviewer
    questions out. (Which transcripts were compared the rows say: ``(coded by both)``.)"""
    from qualcoder_ahp.agreement.compute import added_note, outside_note, speakers_note

    for note in filter(None, (speakers_note(corpus), outside_note(corpus),
                              added_note(corpus))):
        say(f"note: {note}", fg="yellow")


def _with_ci(row: Any, intervals: Any, digits: int | None) -> dict[str, Any]:
    """The row's record with ``KEY_ci_low`` and ``KEY_ci_high`` after each figure given an
    interval (blank on a theme x transcript row and the mean: no interval there)."""
    from qualcoder_ahp.agreement import stats as st

    bounds = (intervals.themes.get(row.theme) if row.view == "theme" else
              intervals.overall if row.view == "overall" else None)
    out: dict[str, Any] = {}
    for key, value in row.record(digits).items():
        out[key] = value
        if key in intervals.keys:
            found = (bounds or {}).get(key, "")
            if isinstance(found, st.Undefined):
                low = high = st.render(found)
            elif found:
                low, high = ((round(b, digits) + 0.0 if digits is not None else b)
                             for b in found)
            else:
                low = high = ""
            out[f"{key}_ci_low"], out[f"{key}_ci_high"] = low, high
    return out


def _interval_table(report: Any, intervals: Any) -> str:
    """The terminal's table of intervals, under the figures: theme, kappa and its
    interval, alpha and its interval (the figures table is already 80 wide)."""
    from qualcoder_ahp.agreement import stats as st

    def shown(bounds: Any) -> str:
        if isinstance(bounds, st.Undefined):
            return "undefined"
        return f"{bounds[0]:.3f} to {bounds[1]:.3f}"

    kappa, alpha = intervals.keys
    rows = []
    for row in [*report.themes, report.overall]:
        bounds = intervals.themes.get(row.theme) if row.view == "theme" else intervals.overall
        rows.append({"theme": row.theme, SHORT[kappa]: st.render(row.stats[kappa]),
                     f"{SHORT[kappa]} 95% CI": shown(bounds[kappa]),
                     "alpha": st.render(row.stats[alpha]),
                     "alpha 95% CI": shown(bounds[alpha])})
    reasons = sorted({b.reason for r in [*intervals.themes.values(), intervals.overall]
                      for b in r.values() if isinstance(b, st.Undefined)})
    notes = [intervals.said() + "."] + [f"undefined: {r}." for r in reasons]
    width = table_width()
    return format_table(rows) + "".join(f"{line}\n" for note in notes
                                        for line in wrap_note(note, width))


def _with_name(record: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The record with ``theme_name`` after ``theme`` (blank on overall and mean rows)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        out[key] = value
        if key == "theme":
            out["theme_name"] = names.get(value, "")
    return out


SPEECH = {"participants": "participants' turns", "all": "every speaker's turns"}
"""Whose speech the units are, as a table's heading says it (a file's ``speakers``
column says ``participants`` or ``all``, as ``--speakers``)."""


def _about(project: Project, coders: Sequence[str], unit: str, threshold: float,
           speakers: str, **filters: Any) -> dict[str, Any]:
    """What a written file says about itself: who was compared, on which unit and whose
    speech, from where."""
    return {"coders": coders_label(coders), "unit": unit_label(unit, threshold),
            "speakers": speakers,
            "threshold": threshold if unit == "segment" else "(segment unit only)",
            **filters, "database": str(project.path), "exported_at": now()}


DISAGREEMENT_COLUMNS = ("transcript", "theme", "theme_name", "start", "end", "coded_by",
                        "not_coded_by", "text", "coders", "unit", "speakers")
"""The columns of ``disagreements --format csv`` (the header of an empty list)."""


@click.command("disagreements")
@_coders_option
@_unit
@_speakers
@_threshold
@_theme
@_transcript
@_where
@_format
@_output
@pass_project
def disagreements_cmd(project: Project, coders: str | None, unit: str,
                      speakers: str | None,
                      threshold: float, theme: str | None, transcripts: tuple[str, ...],
                      where: tuple[str, ...],
                      fmt: str, output: str | None) -> None:
    """List each span coded by some of the coders and not by the others, with its text.

    At --unit sentence or turn each disagreeing sentence or turn is a row, so the list
    counts what agreement counts (n10 + n01); the last lines say so, and how many
    stretches the reconcile screen has to decide (it decides codings, not units).
    --transcript and --where choose the transcripts, as in the reports and agreement;
    --speakers whose speech, as in agreement (the participants' by default; every
    speaker's when the codebook's patterns suggest on interviewer turns).
    """
    from qualcoder_ahp.agreement.compute import (
        DISAGREEING,
        collect,
        corpus_notes,
        disagreements,
        disagreements_said,
    )

    fmt = output_format(fmt, output, FORMATS, "table")
    names = _coders(coders, project)
    chosen = chosen_transcripts(project.store(), transcripts, where)
    with _bar(project, chosen) as bar:
        corpus = collect(project.store(), names, theme=theme,
                         transcript_ids=chosen.ids if chosen is not None else None,
                         progress=lambda _name: bar(2), speakers=speakers)
        found = disagreements(corpus, unit, threshold)
    _say_chosen(coders, names)
    terminal = fmt == "table" and not output
    names = dict(corpus.themes)
    rows = [{"transcript": d.transcript, "theme": d.theme_id,
             **({} if terminal else {"theme_name": names.get(d.theme_id, "")}),
             "start": d.start, "end": d.end,
             "coded_by": ",".join(d.coded_by), "not_coded_by": ",".join(d.not_coded_by),
             "text": _readable(d.text, fmt)} for d in found]
    note = "; ".join(corpus_notes(corpus))
    if not rows:
        kept = " (the old file is left as it was)" if output and Path(output).exists() else ""
        message = ("No disagreements." + (f" Nothing written to {output}{kept}." if output
                                          else "") + (f" ({note})" if note else "")
                   + (f" {chosen.label}" if chosen is not None else ""))
        if output or fmt in ("json", "csv"):
            # A report about the file, or beside machine-readable data: stderr, as
            # "Wrote ..." is; a pipe reading JSON gets an empty list, not a sentence.
            if not output:
                click.echo("[]" if fmt == "json" else ",".join(DISAGREEMENT_COLUMNS))
            say(message)
        else:  # wrapped to the terminal, as a table's notes are
            # "No disagreements." at the turn unit beside a reconcile screen of stretches
            # to decide (the coders differ inside turns): the line says both.
            stretches = _reconcile_line(project.store(), corpus, 0, unit)
            click.echo("\n".join(wrap_note(message, table_width())
                                 + (wrap_note(stretches, table_width())
                                    if stretches and unit != "character" else [])))
        return
    write_rows(rows, fmt, output, sheet="disagreements",
               about=None if terminal else _about(
                   project, corpus.coders, unit, threshold, corpus.speakers, theme=theme,
                   **selection_about(chosen, len(corpus.transcripts))),
               noun=DISAGREEING[unit], selection=chosen)
    if not terminal:
        _say_notes(corpus)
    else:
        width = table_width()
        stretches = _reconcile_line(project.store(), corpus, len(rows), unit)
        click.echo("\n".join([*(wrap_note(stretches, width) if stretches else []),
                              *wrap_note(disagreements_said(found, corpus.coders, unit)
                                         + "." + (f" ({note})" if note else ""), width)]))


def _reconcile_line(store: Store, corpus: Any, listed: int = 0,
                    unit: str = "character") -> str:
    """``Reconcile screen: 97 stretches, 97 decided into consensus, none undecided.``, on
    the line above the spans' count: the disagreements as the reconcile screen counts and
    decides them (a stretch is a theme's overlapping codings, so it can hold several
    disagreeing spans; at the sentence unit the spans are sentences), so the spans
    listed are not taken for disagreements still to decide. Nothing when a coder
    compared is a consensus coder (the coders are then not being reconciled).

    When the stretches are not as many as the ``listed`` rows at a unit of sentences or
    turns, the line says why (a stretch is counted in codings, not units), so the two
    counts do not read as two stories of one project."""
    from qualcoder_ahp.agreement.reconcile import reconcile_items
    from qualcoder_ahp.reports.reconcile_state import decided_into

    if set(corpus.coders) & store.consensus_coders():
        return ""
    items = reconcile_items(corpus)
    if not items and not listed:
        return ""
    head = f"Reconcile screen: {len(items):,} stretch{'' if len(items) == 1 else 'es'}"
    why = _stretches_why(corpus, items, listed, unit)
    undecided, names = decided_into(store, items)
    left = len(undecided)
    if left == len(items):
        return head + f", none decided yet{why}."
    return (head + f", {len(items) - left:,} decided into {', '.join(names)}, "
            + (f"{left:,} undecided" if left else "none undecided") + f"{why}.")


def _stretches_why(corpus: Any, items: Sequence[Any], listed: int, unit: str) -> str:
    """Why the reconcile screen's stretches are not as many as the rows listed: those
    lying wholly outside the speech compared (the screen decides every speaker's
    codings), and at a sentence or turn unit that a stretch is counted in codings, not
    units; ``""`` when there is nothing to explain."""
    from qualcoder_ahp.agreement.compute import speech_regions
    from qualcoder_ahp.agreement.intervals import covered_length

    parts, out = [], 0
    if corpus.speakers == "participants":
        regions = {d.id: speech_regions(d) for d in corpus.transcripts if d.speech is not None}
        ends = {tid: [e for _, e in spans] for tid, spans in regions.items()}
        out = sum(1 for i in items if i.transcript_id in regions
                  and not covered_length((i.start, i.end), regions[i.transcript_id],
                                         ends[i.transcript_id]))
        if out:
            parts.append(f"{out:,} {'lies' if out == 1 else 'lie'} wholly outside the "
                         "participants' speech compared here: --speakers all lists "
                         f"{'it' if out == 1 else 'them'}")
    if unit in ("sentence", "turn") and listed != len(items) - out:
        parts.append(f"a stretch is a theme's overlapping codings: it can hold several "
                     f"{unit}s, or differ inside one {unit}")
    return f" ({'; '.join(parts)})" if parts else ""


SPACE_ONLY = "(white space only: the gap between one coder's two codings)"
"""What the table and Markdown show for a disagreeing span of white space alone: one
coder coded a turn whole, the other its two sentences, and the space between them
differs (it counts, as every character does at the character unit)."""


def _readable(text: str, fmt: str) -> str:
    """A span's text, or :data:`SPACE_ONLY` in a table or Markdown for white space alone
    (an empty cell read as a missing text); data formats keep the text as it is."""
    return SPACE_ONLY if fmt in ("table", "md") and text and not text.strip() else text


MERGE_WORDS = (("themes", "theme added in the copy", "themes added in the copy"),
               ("coders", "new coder", "new coders"),
               ("codings", "coding", "codings"),
               ("codings_updated", "coding removed or restored", "codings removed or restored"),
               ("suggestions", "suggestion", "suggestions"),
               ("decisions", "decision", "decisions"),
               ("decisions_undone", "decision undone", "decisions undone"),
               ("memos", "memo", "memos"),
               ("events", "log event", "log events"))
"""Each count of :meth:`Store.merge_from` in words, singular and plural."""


def merge_summary(counts: dict[str, int], new_coders: Sequence[str] = ()) -> str:
    """What a merge brought in, the counts that are not zero only: ``1 new coder (cai),
    108 codings, 177 decisions, 177 log events``; the new coders by name."""
    named = f" ({', '.join(new_coders)})" if new_coders else ""
    # "482 codings" where `qcahp coders` then counted 481: one was undone in the copy.
    off = counts.get("codings_inactive", 0)
    inactive = (f" ({off:,} of them undone or removed in the copy, kept for its log)"
                if off else "")
    return ", ".join(f"{counts[key]:,} {one if counts[key] == 1 else many}"
                     + (named if key == "coders" else inactive if key == "codings" else "")
                     for key, one, many in MERGE_WORDS if counts.get(key))


def _near_coders(new_coders: Sequence[str], before: Sequence[str]) -> list[str]:
    """``'Cai' differs from the coder 'cai' here only by case`` for each new coder whose
    name is an existing coder's but for case or spaces: likely one person, two coders."""
    out = []
    for name in new_coders:
        for old in before:
            if name.casefold() == old.casefold():
                out.append(f"{name!r} differs from the coder {old!r} here only by case")
            elif fold_name(name) == fold_name(old):
                out.append(f"{name!r} differs from the coder {old!r} here only by spaces"
                           + (" and case" if "".join(name.split()) != "".join(old.split())
                              else ""))
    return out


def _report_by_source(matches: Sequence[SourceMatch], other: str, verbose: bool) -> None:
    """What became of the codings of OTHER's transcripts matched by their source file:
    one line, then the codings not mapped (eight in a note, every one with --verbose)."""
    mapped = sum(m.mapped for m in matches)
    stranded = [(m.transcript, s) for m in matches for s in m.stranded]
    names = ", ".join(m.transcript for m in matches)
    click.echo(f"Matched by source file, not text ({names}): {plural(mapped, 'coding')} "
               f"mapped onto this project's text, {len(stranded)} not mapped.")
    if stranded:
        lines = [f"{name} {s.coder} {s.theme} [{s.start}, {s.end}) {_clip(s.quote)!r}"
                 + ("" if s.active else " (removed in the copy)") for name, s in stranded]
        if verbose:
            click.echo("Not mapped (the words are not at their place in this project's "
                       "text; left out, with their decisions and memos):")
            for line in lines:
                click.echo(f"  {line}")
        else:
            shown = "; ".join(lines[:LISTED])
            more = f"; and {len(lines) - LISTED} more" if len(lines) > LISTED else ""
            say(f"note: {plural(len(lines), 'coding')} of {other} could not be mapped "
                "(the words are not at their place in this project's text) and "
                f"stayed out, with their decisions and memos: {shown}{more} (--verbose "
                "lists them all)", fg="yellow")
    as_hand = sum(m.as_hand for m in matches)
    out = sum(m.decisions_out for m in matches)
    if as_hand or out:
        say(f"note: suggestions decided on in {other} over text matched by source file "
            f"that are not in this project: {plural(as_hand, 'accepted coding')} came "
            f"in as hand codings, {plural(out, 'decision')} left out (a suggestion "
            "maps only where this project has one of the same theme and patterns "
            "over the same words)", fg="yellow")


def _report_conflicts(conflicts: Sequence[DecisionConflict], other: str) -> None:
    """The suggestions a coder decided one way in OTHER and another way here (two copies
    of one coder's work, say): which decision stands, on one warning and a line each."""
    if not conflicts:
        return
    coders = sorted({c.coder for c in conflicts})
    say(f"warning: {', '.join(coders)} decided {plural(len(conflicts), 'suggestion')} "
        f"one way in {other} and another way in this project (two copies of one coder's "
        "work?); the later decision stands, and only its coding counts:", fg="yellow")
    for c in conflicts[:LISTED]:
        there, here = f"{c.copy} in {other} ({shown_time(c.copy_at, seconds=True)})", \
            f"{c.here} here ({shown_time(c.here_at, seconds=True)})"
        won, lost = (there, here) if c.copy_stands else (here, there)
        say(f"  suggestion {c.suggestion_id} ({c.theme}, {c.transcript}), {c.coder}: "
            f"{won} stands over {lost}", fg="yellow", indent=2)
    if len(conflicts) > LISTED:
        say(f"  and {len(conflicts) - LISTED} more (`qcahp log --coder NAME` lists each "
            "decision)", fg="yellow", indent=2)


def _report_memo_conflicts(conflicts: Sequence[MemoConflict], other: str) -> None:
    """The memos a coder wrote apart in OTHER and here: the newer text stands, and the
    other, no longer in any memo, is printed whole so it is not lost without a word."""
    for c in conflicts:
        where = f"in {other}" if not c.copy_stands else "here"
        kept = f"the text {'in ' + other if c.copy_stands else 'here'}"
        say(f"warning: {c.coder}'s memo on {c.target} was written one way in {other} "
            f"and another way in this project (two copies of one coder's work?); "
            f"{kept}, the newer, stands. The other ({where}, "
            f"{shown_time(c.lost_at, seconds=True)}) is no longer in the memo; copy "
            f"what it needs back: {c.lost!r}", fg="yellow")


def _steps(match: CoderMatch) -> str:
    """``here 'Ana' was renamed 'Ana S' on 2026-11-27 22:50 UTC, then joined into 'ana'
    on 2026-11-27 22:51 UTC``."""
    said = []
    for step in match.steps:
        verb = "renamed" if step.how == "renamed" else "joined into"
        said.append(f"{verb} {step.name!r} on {shown_time(step.at)} UTC")
    return f"here {match.name!r} was {said[0]}" + "".join(
        f", then {s}" for s in said[1:]) if said else ""


def _how_merged(match: CoderMatch) -> str:
    """Why a copy's coder's work came in under another coder here."""
    if match.steps:
        return _steps(match)
    return (f"the same coder by GUID; renamed in the copy: `qcahp coders rename "
            f"{shell_arg(match.here)} {shell_arg(match.name)}` takes that name here")


def _clip(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


@click.command()
@click.argument("other", type=click.Path(dir_okay=False))
@click.option("--verbose", "-v", is_flag=True,
              help="List every coding that could not be mapped onto this project's text.")
@pass_project
def merge(project: Project, other: str, verbose: bool) -> None:
    """Merge the coders, codings, decisions, memos and events of another copy.

    Transcripts match by content, themes by id and coders by GUID or name: a copy
    still using a name renamed or joined here (qcahp coders) merges as the coder it
    became, and the merge says so. A transcript of
    OTHER whose text differs but whose source file is the same (imported by another
    version, which read the file differently) is matched by the file: its codings are
    mapped onto this project's text by their words, and those whose words are not
    found here stay out, counted and listed. Themes OTHER's coders added while coding
    come in with their codings; any other transcript or theme of OTHER that is not in
    this project stops the merge with nothing changed. Merging the same copy again
    adds nothing. A transcript withdrawn here (`qcahp withdraw`) brings none of its
    codings in, and a note says so. Speaker renames, swaps and roles set in OTHER
    (`qcahp speakers`) are made here too, unless this project changed that speaker
    otherwise: then its change stands, and a note says so. So are transcripts renamed
    in OTHER (`qcahp transcripts rename`), unless this project renamed that transcript
    since or has another of the name.
    """
    if Path(other).suffix.lower() in (".qdpx", ".qdc"):
        raise UserError("merge joins qcahp project databases; bring in a REFI-QDA file with "
                        "`qcahp refi import`", path=other)
    store = project.store()
    before = store.coders()
    counts = store.merge_from(other)
    new_coders = [c for c in store.coders() if c not in before]
    if not any(counts.values()):
        click.echo(f"Nothing new in {other}.")
    else:
        click.echo(f"Merged {other}: {merge_summary(counts, new_coders)}.")
    for match in store.merge_coders_as:
        if store.merge_events_by.get(match.name):
            click.echo(f"{match.name}'s work merged as {match.here} ({_how_merged(match)}).")
        else:  # the copy brought nothing of theirs: "merged as" read as if it had
            click.echo(f"Nothing new from {match.name} ({match.here} here).")
    for match in store.merge_names_again:
        say(f"warning: {_steps(match)}, but a coder {match.name!r} is here again, so "
            f"{match.name}'s work in {other} went to {match.name!r}; if they are one "
            f"person, `qcahp coders join {shell_arg(match.name)} {shell_arg(match.here)}` "
            "makes them one coder.", fg="yellow")
    _report_conflicts(store.merge_conflicts, other)
    _report_memo_conflicts(store.merge_memo_conflicts, other)
    for placed in store.merge_placed_apart:
        say(placed_apart_line(store, placed, other), fg="yellow")
    if store.merge_redacted:
        say(f"note: {other} was made before this project's redaction: the names it "
            f"replaced came back in the copy's codebook text and were replaced again "
            f"({plural(store.merge_redacted, 'replacement')}, in the themes and log "
            "events it brought)", fg="yellow")
    if store.merge_examples_dropped:
        say(f"note: {other} was made before a withdrawal here: "
            f"{plural(store.merge_examples_dropped, 'codebook example')} quoting a withdrawn "
            "interview came back in the themes or theme edits it brought, and went again",
            fg="yellow")
    report_merged(project, store.merge_speakers, other)  # the copy's speaker changes
    report_renames(project, store.merge_renames, other)  # and transcript renames
    near = _near_coders(new_coders, before)
    if near:
        # Two spellings of one person are two coders until `qcahp coders join`.
        say(f"warning: {'; '.join(near)}: if they are one person, they are still counted "
            "as two coders (in agreement, counts and reports).", fg="yellow")
        fix = "; ".join(f"`qcahp coders join {shell_arg(n)} {shell_arg(o)}`"
                        for n in new_coders for o in before
                        if fold_name(n) == fold_name(o))
        say(f"  to make them one coder: {fix} (--dry-run first says what it would do)",
            fg="yellow", indent=2)
    if store.merge_by_source:
        _report_by_source(store.merge_by_source, other, verbose)
    if store.merge_upgraded_from is not None:
        say(f"note: {other} was made by an earlier version of qualcoder_ahp (schema "
            f"version {store.merge_upgraded_from}); it was read as this version "
            "reads it, and the file was left as it was", fg="yellow")
    if store.merge_withdrawn:
        listed = ", ".join(f"{name} ({plural(n, 'coding')})"
                           for name, n in store.merge_withdrawn.items())
        say(f"note: {other} still holds transcripts withdrawn from this project: "
            f"{listed}; none of their codings, decisions or memos came in (delete "
            "them from that copy, or the copy itself)", fg="yellow")
    for gone in store.withdrawals_in(other):
        # A coder ran `qcahp withdraw` on their copy: the merge does not withdraw here.
        who = ([f"--participant {p}" for p in gone["participants"]] or
               [f"--transcript {t}" for t in gone["transcripts"]])
        named = ", ".join(gone["participants"] or gone["transcripts"])
        say(f"warning: {named} was withdrawn in {other} (qcahp withdraw, "
            f"{gone['at']}) but is still in this project; to withdraw it here too: "
            f"`qcahp withdraw {' '.join(who)}`", fg="yellow")
    edits = store.theme_edits_in(other)
    if edits:
        # A merge joins coders' work, not codebooks: say so where it matters.
        listed = ", ".join(f"{theme_id} ({fields['name'][0]!r})" if "name" in fields
                           else theme_id for theme_id, fields in edits.items())
        say(f"note: themes edited in {other} keep this project's name, definition, "
            "criteria, examples, colour and place in the tree: "
            f"{listed}; to take an edit, make it here "
            "with `qcahp codebook edit-theme`.", fg="yellow")
    back = store.merged_back()
    if back:
        # Every coding follows its copy, so codings a merge here moved came back active.
        listed = ", ".join(f"{a} ({plural(n, 'coding')}, merged into {b})"
                           for a, (b, n) in back.items())
        say(f"warning: {other} brought back codings of themes merged here: {listed}. "
            "Move them with `qcahp codebook merge-theme THEME_ID INTO_ID` again.",
            fg="yellow")
    merges = store.theme_merges_in(other)
    if merges:
        listed = ", ".join(f"{a} into {b}" for a, b in merges.items())
        say(f"note: themes merged in {other} stay apart here: {listed}; the copy's "
            "codings of them came in under the theme they were merged into. To merge "
            "them here too: `qcahp codebook merge-theme THEME_ID INTO_ID`.",
            fg="yellow")


@click.group()
def codings() -> None:
    """Import or export codings as CSV (transcript, theme, start, end, quote); import
    them from Word comments."""


@codings.command("import", short_help="Import one coder's codings: CSV, or Word comments.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--coder", required=True, metavar="NAME",
              help="Coder the imported codings belong to.")
@click.option("--transcript", "transcript_ref", default=None, metavar="NAME",
              help="(.docx) The transcript it is [default: the one holding the passages].")
@click.option("--dry-run", is_flag=True,
              help="(.docx) List the codings it would make; change nothing.")
@click.option("--include-resolved", is_flag=True,
              help="(.docx) Read comments marked resolved in Word too [default: left out].")
@pass_project
def codings_import(project: Project, file: str, coder: str, transcript_ref: str | None,
                   dry_run: bool, include_resolved: bool) -> None:
    """Import codings made elsewhere: a CSV file, or the comments of a Word document.

    FILE is a CSV file with the columns transcript, theme, start, end and quote (as
    `qcahp codings export` writes them): start and end are character offsets into
    the transcript's text, and the quote must be the text between them. Without
    start and end (no such columns, or both empty in a row) the quote is found in
    the text, as copied from `qcahp show` (line breaks and curly or straight quote
    marks may differ); a quote found nowhere or in several places stops. A coder
    column, if there is one, must name one coder throughout (`qcahp codings export
    --coder NAME`); the codings go to --coder. The first bad row stops the import
    with its line number, and nothing is stored; codings already there are skipped.
    The consensus coder (consensus, or any coder a reconcile decision went into) is
    refused: its codings come from reconcile decisions only.

    Or FILE is a Word .docx (the transcript, or `qcahp show -o FILE.docx`) where each
    comment names a theme (id, name or path; several with ;) on the passage it codes;
    text after a : or on later lines is a memo. Replies in a comment thread, and
    comments marked resolved in Word (unless --include-resolved), are left out and
    counted. Every problem is listed, one a line, before anything is written.
    """
    store = project.store()
    store.refuse_consensus(coder)  # its codings are the reconciled result
    from qualcoder_ahp.importers.word_codings import is_word

    if is_word(file):
        _import_word(store, file, coder.strip(), transcript_ref, dry_run, include_resolved)
        return
    if transcript_ref is not None or dry_run or include_resolved:
        which = ("--transcript" if transcript_ref is not None else
                 "--dry-run" if dry_run else "--include-resolved")
        raise UserError(f"{which} is for a Word .docx; a CSV file names each row's "
                        "transcript and is checked whole before anything is stored",
                        path=file)
    counts = store.import_codings(file, coder)
    # The name as stored (trimmed, as every command stores a coder's name), not as typed.
    click.echo(f"Imported {plural(counts['imported'], 'coding')} for {coder.strip()} "
               f"({counts['already_present']} already present).")


def _import_word(store: Store, file: str, coder: str, transcript_ref: str | None,
                 dry_run: bool, include_resolved: bool = False) -> None:
    """``codings import FILE.docx``: plan, list the problems or the codings, store."""
    from qualcoder_ahp.importers.word_codings import (
        already_present, import_word_plan, plan_word_import, short,
    )
    from qualcoder_ahp.reports.data import find_transcript

    if not coder:
        raise UserError("a coder needs a name: --coder NAME")  # a dry run writes no coder
    info = find_transcript(store, transcript_ref) if transcript_ref is not None else None
    plan = plan_word_import(store, file, info, coder, include_resolved)
    t = plan.transcript
    comments = plan.comments
    if plan.problems:
        for line in plan.problems:
            click.echo(line, err=True)
        raise UserError(f"{plural(len(plan.problems), 'problem')} in "
                        f"{plural(comments, 'comment')} on {t.name} v{t.version}; nothing "
                        "was imported", path=file)
    replies = (f"; {plan.replies:,} repl{'y' if plan.replies == 1 else 'ies'} to comments "
               "left out" if plan.replies else "")
    if plan.resolved:
        replies += (f"; {plural(plan.resolved, 'resolved comment')} left out "
                    "(--include-resolved reads them)")
    for who, n in plan.others.items():  # a student's codings in the supervisor's copy
        replies += (f"; {plural(n, 'comment')} holding {who}'s codings (written by "
                    f"`qcahp show`) left out: they are {who}'s, not {coder}'s")
    if dry_run:
        click.echo(f"{file}: {plural(comments, 'comment')} on {t.name} v{t.version} "
                   f"({plan.how}){replies}")
        for p in plan.codings:
            memo = " (memo)" if p.memo else ""
            click.echo(f"  comment {p.comment.number}: {plan.theme_label(p.theme_id)}, "
                       f"{p.start}-{p.end} {short(plan.text[p.start:p.end])}{memo}")
        there = already_present(store, plan, coder)
        distinct = len({(p.theme_id, p.start, p.end) for p in plan.codings})
        click.echo(f"Would import {plural(distinct - there, 'coding')} for {coder} "
                   f"({there} already present); nothing was written (--dry-run).")
        return
    counts = import_word_plan(store, plan, coder)
    memos = f", {plural(counts['memos'], 'memo')}" if counts["memos"] else ""
    kept = (f", {plural(counts['memos_kept'], 'coding')} kept the memo it had"
            if counts["memos_kept"] else "")
    kept += f", {counts['repeated']:,} repeated in the file" if counts["repeated"] else ""
    click.echo(f"Imported {plural(counts['imported'], 'coding')} for {coder} from "
               f"{plural(comments, 'comment')} on {t.name} v{t.version} "
               f"({counts['already_present']} already present{memos}{kept}){replies}.")
    if counts["event"]:  # the whole import is one decision
        say(f"To take it back: qcahp undo --coder {shell_arg(coder)}")


@codings.command("export", short_help="Export codings as CSV, to import elsewhere.")
@click.option("--coder", default=None, metavar="NAME", help="Only this coder's codings.")
@_output
@pass_project
def codings_export(project: Project, coder: str | None, output: str | None) -> None:
    """Export active codings as CSV (transcript, theme, start, end, quote, coder, origin)."""
    output_format(None, output, ("csv",), "csv")
    rows = project.store().export_codings(coder)
    if not rows:
        header = "transcript,theme,start,end,quote,coder,origin\n"
        if output:
            write_output(output, header, "0 codings")
        else:
            click.echo(header, nl=False)
        return
    write_rows(rows, "csv", output, noun="coding")


@click.command()
@click.argument("state", required=False, type=click.Choice(["on", "off"]))
@pass_project
def blind(project: Project, state: str | None) -> None:
    """Show or set blind coding: in the workbench each coder sees only their own codings.

    Agreement, disagreements and reports still compare everyone.
    """
    if state is None and not project.path.exists():
        # Only showing the setting: a mistyped --db must not leave an empty project.
        raise UserError("no project database here; create one with `qcahp import FILES` "
                        "(or check --db / $QCAHP_DB)", path=str(project.path))
    store = project.store()
    if state is not None:
        store.set_setting("blind", "1" if state == "on" else "0")
    on = store.get_setting("blind", "0") == "1"
    click.echo(f"Blind coding is {'on' if on else 'off'}.")


__all__ = ["register", "write_rows"]
