"""CLI command ``qcahp words``: word frequencies, and a theme's key words (keyness).

A thin wrapper over :mod:`qualcoder_ahp.reports.words`. Without ``--theme``: the
commonest words of the participants' speech. With ``--theme ID`` (and ``--coder NAME``
or ``--consensus``): the words the theme's coded passages use more than the rest of the
speech, with the theme's patterns that already use each one, so that a team sees the
words its patterns miss. The table (or CSV, XLSX, JSON, Markdown: ``--format``, else the
``-o`` suffix) goes to stdout or ``-o FILE``; one summary line, and a progress bar on a
terminal, go to stderr.
"""

from __future__ import annotations

import textwrap
from typing import Any

import click

from qualcoder_ahp.cli.common import (
    Project,
    output_format,
    pass_project,
    plural,
    progress_bar,
    say,
    table_width,
)
from qualcoder_ahp.cli.report_options import (
    TABLE_FORMATS,
    case_options,
    emit,
    marked,
    output_options,
    selection_about,
    selection_csv,
    selection_json_text,
)
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import now
from qualcoder_ahp.reports import exports as ex
from qualcoder_ahp.reports.data import left_out_of_pool, resolve_coder
from qualcoder_ahp.reports.search import ROLES, older_versions, one_version
from qualcoder_ahp.reports.selection import Selection, select
from qualcoder_ahp.reports.text_table import (
    cells,
    to_table,
    wrap_note,
)
from qualcoder_ahp.reports.words import (
    DIRECTIONS,
    FrequencyRow,
    KeynessReport,
    PatternWords,
    Tally,
    coded_spans,
    cut as cut_text,
    keyness,
    lemmatiser,
    p_label,
    patterns_label,
    tally,
    word_frequencies,
)
from qualcoder_ahp.reports.writers import (
    Sheet,
    to_markdown,
    to_xlsx,
)

WORD_WIDTH = 18
"""Characters of a word shown in the terminal table (a longer one is cut with …)."""
FORMS_WIDTH = 30
PATTERNS_WIDTH = 22
FREQUENCY_GLOSSARY = {
    "word": "the word's lemma (fell, falling and fall are one word), lower-cased",
    "count": "occurrences in the selected speakers' turns",
    "transcripts": "transcripts in which it occurs",
    "per_1000": "occurrences per 1,000 running words of the selection (words as a "
                "transcript's word count and qcahp counts count them: separated by spaces)",
    "forms": "its commonest forms as spoken, most frequent first",
}
KEYNESS_GLOSSARY = {
    "coded": "occurrences in the text coded with the theme",
    "elsewhere": "occurrences in the rest of the selected speakers' turns",
    "coded_per_1000": "per 1,000 running words of the coded text",
    "elsewhere_per_1000": "per 1,000 running words of the rest",
    "g2": "Dunning's log-likelihood G2 over the 2x2 table; positive: over-represented "
          "in the coded text, negative: under-represented",
    "p": "p value of G2 (chi-square, 1 df): 3.84 is p<0.05, 6.63 p<0.01, 10.83 p<0.001, "
         "15.13 p<0.0001",
    "log_ratio": "log2 of the relative frequency in the coded text over the rest "
                 "(1: twice as frequent; a zero count taken as 0.5)",
    "transcripts": "transcripts whose coded text holds the word",
    "in_patterns": "whether a pattern of the theme (or a theme below it) already uses "
                   "the word; 'no' marks a candidate for a new pattern",
    "patterns": "the ids of those patterns",
}
NOTE = ("G2: log-likelihood, + over-represented in the coded text (3.84 p<0.05, 6.63 p<0.01, "
        "10.83 p<0.001); log_ratio: log2 of the ratio of relative frequencies (1 = twice as "
        "frequent); in_patterns: the theme's patterns using the word, no = none (a candidate).")


def frequency_sheet(rows: list[FrequencyRow], *, terminal: bool = False,
                    numbers: bool = False) -> Sheet:
    """The frequency list as one sheet: ``terminal`` cuts words and forms to fit,
    ``numbers`` keeps the rates as numbers (XLSX) rather than text with two places."""
    cut = cut_text if terminal else (lambda t, w: t)
    return Sheet("Words", ["word", "count", "transcripts", "per_1000", "forms"],
                 [[cut(r.word, WORD_WIDTH), r.count, r.transcripts,
                   round(r.per_1000, 3) if numbers else f"{r.per_1000:.2f}",
                   cut(", ".join(r.forms), FORMS_WIDTH)] for r in rows],
                 title="Word frequencies", decimals={"per_1000"})


KEY_COLUMNS = ["word", "coded", "elsewhere", "coded_per_1000", "elsewhere_per_1000", "g2", "p",
               "log_ratio", "transcripts", "in_patterns", "patterns", "forms"]


def keyness_sheet(report: KeynessReport, *, compact: bool = False, terminal: bool = False,
                  numbers: bool = False) -> Sheet:
    """The key words as one sheet.

    ``compact`` (the terminal and Markdown) keeps the columns that fit 100 characters,
    with p as a band (``<0.001``) and the first pattern id (``ser_acting +33``); the
    files (CSV, XLSX, JSON) have every column and pattern. ``terminal`` also cuts long
    words and forms; ``numbers`` keeps the figures as numbers (XLSX), else they are text
    (CSV: G2 and the rates to three places, p to three significant digits).
    """
    if compact:
        cut = cut_text if terminal else (lambda t, w: t)
        columns = ["word", "coded", "elsewhere", "g2", "p", "log_ratio", "in_patterns",
                   "forms"]
        width = table_width() if terminal else None

        def table(ids_width: int) -> list[list[Any]]:
            return [[cut(r.word, WORD_WIDTH), r.coded, r.elsewhere, f"{r.g2:.2f}",
                     p_label(r.g2), f"{r.log_ratio:.2f}",
                     patterns_label(r.patterns, ids_width) or "no",
                     cut(", ".join(r.forms), FORMS_WIDTH - 8)] for r in report.rows]

        rows = table(PATTERNS_WIDTH)
        if width and rows:
            # On a narrow terminal the forms give way first (the writer cuts them down to
            # ten characters); then the pattern ids, keeping their "+N".
            natural = [max(cells(c), *(cells(str(r[i])) for r in rows))
                       for i, c in enumerate(columns)]
            excess = sum(natural[:-1]) + min(natural[-1], 10) + 2 * (len(columns) - 1) - width
            if excess > 0:
                rows = table(max(12, min(natural[6], PATTERNS_WIDTH) - excess))
        # The note is wrapped to the terminal like the table above it (at most 100).
        note = textwrap.fill(NOTE, max(40, min(100, width or 100))) if terminal else NOTE
        return Sheet("Key words", columns, rows, title="Key words", note=note,
                     shrink={"forms": "end"} if terminal else {})

    def num(x: float) -> Any:
        return round(x, 3) if numbers else f"{x:.3f}"

    rows = [[r.word, r.coded, r.elsewhere, num(r.coded_per_1000), num(r.elsewhere_per_1000),
             num(r.g2), float(f"{r.p:.3g}") if numbers else f"{r.p:.3g}", num(r.log_ratio),
             r.transcripts, "yes" if r.patterns else "no", " ".join(r.patterns),
             ", ".join(r.forms)] for r in report.rows]
    return Sheet("Key words", KEY_COLUMNS, rows, title="Key words",
                 decimals={"coded_per_1000", "elsewhere_per_1000", "g2", "log_ratio"})


def _markdown_sheet(sheet: Sheet, title: str) -> Sheet:
    return Sheet(sheet.name, sheet.columns, sheet.rows, title=title, note=sheet.note,
                 footer=sheet.footer)


@click.command("words")
@click.option("--theme", metavar="ID",
              help="Key words of this theme's coded text (and the themes below it) against "
                   "the rest of the speech.")
@click.option("--coder", metavar="NAME",
              help="With --theme: only this coder's codings [default: all coders, pooled].")
@click.option("--consensus", is_flag=True,
              help="With --theme: only the agreed codings (the coder named 'consensus').")
@click.option("--role", type=click.Choice(ROLES), default="participant", show_default=True,
              help="Whose turns are counted.")
@case_options
@click.option("--top", type=click.IntRange(min=0), default=30, show_default=True, metavar="N",
              help="List at most N words (0: all).")
@click.option("--min-count", type=click.IntRange(min=1), default=None, metavar="N",
              help="Leave out words seen fewer than N times [default: 1; with --theme 3, "
                   "in the coded text, or in all with --direction under or both].")
@click.option("--direction", type=click.Choice(DIRECTIONS), default=None,
              help="With --theme: words over-represented in the coded text (the default), "
                   "under-represented, or both.")
@click.option("--max-p", type=click.FloatRange(0, 1), default=None, metavar="P",
              help="With --theme: only words whose G2 has a p value of at most P "
                   "[default: 0.05; 1 lists every one].")
@click.option("--exclude", multiple=True, metavar="WORD",
              help="Leave this word out too, in all its forms (repeatable).")
@click.option("--keep-stop-words", is_flag=True,
              help="Count stop words (the, and, I...) and fillers (um, yeah...) too.")
@output_options(TABLE_FORMATS)
@pass_project
def words_cmd(project: Project, theme: str | None, coder: str | None, consensus: bool,
              role: str, transcripts: tuple[str, ...], where: tuple[str, ...], top: int,
              min_count: int | None,
              direction: str | None, max_p: float | None, exclude: tuple[str, ...],
              keep_stop_words: bool, fmt: str | None, output: str | None) -> None:
    """Word frequencies, or a theme's key words: what the coded passages say more often.

    Words are counted by lemma (fell, falling, fall) in the participants' turns (--role
    to choose), leaving out stop words, fillers, punctuation and numbers: each with its
    count, the transcripts it occurs in, its share per 1,000 words and its commonest
    forms. A transcript imported in several versions is read once, in its latest
    (--transcript NAME@1 reads an older one).

    With --theme ID (--coder NAME or --consensus; default every coder's codings,
    pooled): the words over-represented in the text coded with the theme compared with
    the rest of the same speakers' speech, strongest first by log-likelihood G2, with
    the log ratio and the theme's patterns that already use each word. A key word no
    pattern uses ("no") is a candidate for a new pattern.

    \b
    Examples:
      qcahp words --top 20
      qcahp words --theme serendipity --coder ana
      qcahp words --theme board_mandate --consensus -o board-words.xlsx
    """
    fmt = output_format(fmt, output, TABLE_FORMATS, "table")
    if theme is None:
        for given, name in ((coder, "--coder"), (consensus or None, "--consensus"),
                            (direction, "--direction"), (max_p, "--max-p")):
            if given is not None:
                raise UserError(f"{name} goes with --theme ID: the key words of a theme's "
                                "coded text")
    for word in exclude:
        # A phrase or a list is never one word of the text: it used to be ignored, silently.
        if not word.strip() or any(c.isspace() or c in ",;" for c in word.strip()):
            raise UserError(f"--exclude {word!r}: give one word (repeat --exclude for "
                            "more: --exclude um --exclude like)")
    store = project.coded_store() if theme is not None else project.store()
    if not store.report_transcripts():
        raise UserError("no transcripts in this project yet: import some with "
                        "`qcahp import FILES`", path=str(project.path))
    who = resolve_coder(store, coder, consensus)
    chosen = one_version(store, select(store, transcripts, where), transcripts)
    spans = None
    if theme is not None:
        subtree, spans = coded_spans(store, theme, who)
    with progress_bar("Counting words") as progress:
        counted = tally(store, transcript_ids=chosen.ids if chosen else None, role=role,
                        coded=spans,
                        exclude=exclude, keep_stop_words=keep_stop_words, progress=progress)
    if theme is None or spans is None:  # spans is None only without a theme
        rows = word_frequencies(counted, top=top, min_count=min_count or 1)
        _emit_frequencies(project, counted, rows, fmt, output, top, min_count or 1, chosen)
        return
    theme_patterns = [p for p in store.patterns() if p.theme_id in subtree]  # the current ones
    passages = sum(len(spans.get(tid, [])) for tid in counted.transcript_ids)
    report = keyness(counted, PatternWords(theme_patterns, lemmatiser(store)), theme_id=theme,
                     coder=who, passages=passages, direction=direction or "over", top=top,
                     min_count=min_count, max_p=0.05 if max_p is None else max_p)
    why = _no_key_words(direction or "over", 3 if min_count is None else min_count,
                        0.05 if max_p is None else max_p)
    if report.coded_words and not report.other_words:
        # All the speech counted is coded (one fully coded interview chosen): no filter
        # is to blame, and "--max-p 1 lists more" sent the researcher the wrong way.
        why = (f"(no key words: all the {role} speech counted is coded with {theme}, so "
               "there is no other text to compare it with; choose more transcripts)")
    # Pooled, the consensus is left out (coded_spans): say so, as every report's title
    # does ("every coder" read as if the consensus were in), naming only a consensus
    # that coded the theme: "but consensus" in a project with none sent the reader
    # looking for one.
    out = sorted(name for name in left_out_of_pool(store)
                 if any(store.codings(coder=name, theme_id=t) for t in subtree)
                 ) if who is None else []
    pool = "all coders" + (f" but {', '.join(out)}" if out else "")
    _emit_keyness(project, counted, report, fmt, output, role, why, chosen,
                  who=pool if who is None else who, path=store.theme_path(theme))
    older = older_versions(store, spans, counted.transcript_ids)
    if older:
        # The text read is each interview's latest version: codings left on an older one
        # are not in the coded text, and the researcher should know why they are missing.
        left = sum(len(spans[tid]) for tid, _ in older)
        shown = ", ".join(label for _, label in older[:5]) + (" ..." if len(older) > 5 else "")
        say(f"note: {plural(left, 'coded passage')} of {theme} on older versions "
            f"({shown}) not counted: each transcript is read in its latest version "
            f"(--transcript {older[0][1]} reads that one)", fg="yellow")


def _no_key_words(direction: str, min_count: int, max_p: float) -> str:
    """What an empty key-word table says: the text is coded, but no word passed the
    filters (the generic "nothing is coded" would be false)."""
    which = {"over": "over-represented", "under": "under-represented",
             "both": "over- or under-represented"}[direction]
    where = "in the coded text" if direction == "over" else "in all the speech"
    return (f"(no key words: no word seen at least {plural(min_count, 'time')} {where} is "
            f"{which} at p <= {max_p:g}; a lower --min-count or --max-p 1 lists more)")


def _empty_text(fmt: str, sheet: Sheet, message: str) -> str | None:
    """The table or Markdown for a sheet without rows: ``message`` rather than the
    writers' "(none: nothing is coded in this selection)"; ``None`` when there are rows
    and for the files whose empty table is right as it is (CSV, XLSX, JSON)."""
    if sheet.rows or fmt not in ("table", "md"):
        return None
    footer = f"\n{sheet.footer}\n" if sheet.footer else ""
    if fmt == "table":  # wrapped to the terminal as under a table (they ran to 140 at 80)
        width = table_width()
        return "".join(f"{line}\n" for text in (message, *(["", sheet.footer] * bool(
            sheet.footer))) for line in wrap_note(text, width))
    return f"## {sheet.title}\n\n{message}\n" + footer


def _selection(counted: Tally, chosen: Selection | None = None) -> str:
    role = "every speaker's" if counted.role == "all" else f"{counted.role}"
    where = (f"{plural(counted.transcripts, 'transcript')}" if chosen is None else
             f"{counted.transcripts:,} of {chosen.total:,} transcripts ({chosen.criteria})")
    return f"{counted.running:,} words of {role} speech in {where}"


def _emit_frequencies(project: Project, counted: Tally, rows: list[FrequencyRow], fmt: str,
                      output: str | None, top: int, min_count: int = 1,
                      chosen: Selection | None = None) -> None:
    if fmt == "json":
        content: str | bytes = selection_json_text({
            "report": "words", "role": counted.role, "transcripts": counted.transcripts,
            "running_words": counted.running, "distinct_words": len(counted.words),
            "words": [{"word": r.word, "count": r.count, "transcripts": r.transcripts,
                       "per_1000": round(r.per_1000, 4), "forms": list(r.forms)}
                      for r in rows]}, chosen)
    elif fmt == "table":
        sheet = frequency_sheet(rows, terminal=True)
        sheet.shrink = {"forms": "end"}
        content = to_table(marked([sheet], chosen), width=table_width())
    elif fmt == "md":
        content = to_markdown(marked([_markdown_sheet(
            frequency_sheet(rows), f"Word frequencies ({_selection(counted)})")], chosen))
    elif fmt == "csv":
        content = selection_csv(frequency_sheet(rows), chosen)
    else:
        content = to_xlsx([frequency_sheet(rows, numbers=True), _about(project, counted, {
            "report": "words", "role": counted.role}, FREQUENCY_GLOSSARY, chosen)])
    role = "every speaker's" if counted.role == "all" else counted.role
    empty = _empty_text(fmt, marked([_markdown_sheet(
        frequency_sheet(rows), f"Word frequencies ({_selection(counted)})")], chosen)[0],
                        f"(no words: no {role} speech in the transcripts counted)"
                        if not counted.running else
                        f"(no words: none is seen at least {plural(min_count, 'time')})")
    emit(empty or content, output, plural(len(rows), "word"))
    shown = (f"the top {len(rows):,} (--top 0 lists all)" if top and len(rows) == top
             and len(counted.words) > top else f"{len(rows):,} listed")
    after = " after stop words" if counted.stop_words else ", stop words kept"
    say(f"{_selection(counted, chosen)}: {len(counted.words):,} distinct words{after}; "
        f"{shown}")


def _emit_keyness(project: Project, counted: Tally, report: KeynessReport, fmt: str,
                  output: str | None, role: str, why: str = "",
                  chosen: Selection | None = None, *, who: str, path: str) -> None:
    # A document's title names the theme as the codebook does; the line on stderr keeps
    # the id that --theme takes.
    title = f"Key words of {path} ({who})"
    if fmt == "json":
        content: str | bytes = selection_json_text({
            "report": "words", "theme": report.theme_id, "coder": report.coder,
            "role": role, "transcripts": counted.transcripts,
            "coded_words": report.coded_words, "other_words": report.other_words,
            "coded_words_every_speaker": counted.coded_every_speaker,
            "passages": report.passages, "candidates": report.candidates,
            "words": [{"word": r.word, "coded": r.coded, "elsewhere": r.elsewhere,
                       "coded_per_1000": round(r.coded_per_1000, 4),
                       "elsewhere_per_1000": round(r.elsewhere_per_1000, 4),
                       "g2": round(r.g2, 4), "p": r.p, "log_ratio": round(r.log_ratio, 4),
                       "transcripts": r.transcripts, "patterns": list(r.patterns),
                       "forms": list(r.forms)} for r in report.rows]}, chosen)
    elif fmt == "table":
        content = to_table(marked([keyness_sheet(report, compact=True, terminal=True)],
                                   chosen), width=table_width())
    elif fmt == "md":
        content = to_markdown(marked([_markdown_sheet(
            keyness_sheet(report, compact=True), title)], chosen))
    elif fmt == "csv":
        content = selection_csv(keyness_sheet(report), chosen)
    else:
        content = to_xlsx([keyness_sheet(report, numbers=True), _about(project, counted, {
            "report": "words (keyness)", "theme": report.theme_id,
            "coders": ex.coder_label(report.coder) if report.coder else who, "role": role,
            "coded words": report.coded_words, "other words": report.other_words,
            "coded words, every speaker's (qcahp counts' words)": counted.coded_every_speaker,
            "coded passages": report.passages},
            {**FREQUENCY_GLOSSARY, **KEYNESS_GLOSSARY}, chosen)])
    if report.coded_words and why:  # coded, but no word passed the filters
        content = _empty_text(fmt, marked([_markdown_sheet(keyness_sheet(report), title)],
                                           chosen)[0], why) or content
    emit(content, output, plural(len(report.rows), "key word"))
    if not report.coded_words:
        say(f"Nothing to compare: no {role} text is coded with {report.theme_id} by "
            f"{who} (in the transcripts counted).")
        return
    speech = "" if role == "all" else f" {role}"
    among = "" if chosen is None else f" [{chosen.criteria}]"
    # qcahp counts' words of the theme are every speaker's in the passages: say so when
    # the speech compared here is a part of them, so the two figures do not look at odds.
    every = ("" if counted.coded_every_speaker == report.coded_words else
             f" ({counted.coded_every_speaker:,} with every speaker's, as `qcahp counts` "
             "counts them)")
    say(f"{report.theme_id} ({who}){among}: {report.coded_words:,} coded words in "
        f"{plural(report.passages, 'passage')}{every} vs {report.other_words:,} "
        f"other{speech} words; {plural(len(report.rows), 'key word')}, "
        f"{report.candidates:,} used by no pattern")


def _about(project: Project, counted: Tally, items: dict[str, Any],
           glossary: dict[str, str], chosen: Selection | None = None) -> Sheet:
    sheet = ex.about_sheet({**items, "database": str(project.path),
                            **selection_about(chosen, counted.transcripts),
                            "transcripts": counted.transcripts,
                            "running words": counted.running, "exported_at": now()})
    sheet.rows += [["", ""]] + [[f"column: {k}", v] for k, v in glossary.items()]
    return sheet


def register(cli: click.Group) -> None:
    """Add this module's command to the qcahp group."""
    cli.add_command(words_cmd)
