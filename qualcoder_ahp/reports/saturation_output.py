"""Thematic saturation in words and files: the verdict lines, the random orders, the
notes, and the curve and the runs as sheets (CSV, XLSX, the terminal), JSON, Markdown and
Word. The assessment itself is :mod:`qualcoder_ahp.reports.saturation`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from qualcoder_ahp.records import plural
from qualcoder_ahp.reports.data import CONSENSUS
from qualcoder_ahp.reports.saturation import CITATION, Saturation, meets, pct
from qualcoder_ahp.reports.selection import NAMES_SHOWN
from qualcoder_ahp.reports.writers import (
    Sheet,
    md_text,
    to_markdown,
    word_document,
    word_safe,
    word_table,
)


def orders_lines(sat: Saturation) -> list[str]:
    """The random orders in words, one line per threshold (one for both when the
    results are the same)."""
    said: dict[str, list[float]] = {}
    for o in sat.orders:
        def at(v: int | None) -> str:
            return "not reached" if v is None else str(v)
        never = f"; never reached in {o.never:,}" if o.never else ""
        median = "not reached" if o.median is None else f"{o.median} {sat.noun}s"
        spread = (f"5th-95th percentile {o.p5}-{o.p95}" if None not in (o.p5, o.p95) else
                  f"5th percentile {at(o.p5)}, 95th percentile {at(o.p95)}")
        said.setdefault(f"median {median}, {spread}; reached in {o.reached:,}{never}.",
                        []).append(o.threshold)
    return [f"Over {sat.order_count:,} random orders (seed {sat.seed}), "
            f"{_thresholds(ts)}: {words}" for words, ts in said.items()]


def verdict_lines(sat: Saturation) -> list[str]:
    """The verdicts, one line per threshold, or one for both where they say the same
    (reached at the same run, or neither reached)."""
    said: dict[str, list[float]] = {}
    for v in sat.verdicts:
        head = f"Saturation (new information {_thresholds([v.threshold])})"
        said.setdefault(v.text.removeprefix(head) if v.text.startswith(head) else v.text,
                        []).append(v.threshold)
    return [f"Saturation (new information {_thresholds(ts)}){words}"
            if words.startswith(":") else words for words, ts in said.items()]


def _thresholds(thresholds: list[float]) -> str:
    """``≤ 5%``, or ``≤ 5% and ≤ 0%``."""
    return " and ".join(f"≤ {pct(t)}" for t in thresholds)


def describe(sat: Saturation) -> str:
    """What was assessed, in a line: the cases, their order, the themes."""
    what = ("theme" if sat.total_themes == 1 else "themes") + (
        "" if sat.level is None else f" at level {sat.level}")
    under = f" under {sat.theme}" if sat.theme else ""
    least = ("" if sat.min_codings == 1 else
             f"; a theme counts where a case has {sat.min_codings}+ coded passages of it")
    return (f"{plural(len(sat.steps), sat.noun)} in {sat.order}, {sat.total_themes} {what}"
            f"{under} found{least}")


def notes(sat: Saturation) -> list[str]:
    """The cases left out or put last, said under the report."""
    out = []
    if sat.uncoded:
        more = len(sat.uncoded) - NAMES_SHOWN
        under = f" under {sat.theme}" if sat.theme else ""
        out.append(f"Left out, nothing coded{under} ({who_coded(sat)}): "
                   f"{plural(len(sat.uncoded), 'case')}: "
                   f"{', '.join(sat.uncoded[:NAMES_SHOWN])}"
                   f"{f' and {more} more' if more > 0 else ''}.")
    if sat.coverage:
        each = ", ".join(f"{coder} {n}" for coder, n in sat.coverage.items())
        out.append(f"Pooled: the coders coded different cases ({each}), so a case's themes "
                   "are those of whoever coded it; --coder or --consensus assesses one "
                   "coding.")
    if sat.not_pooled:
        how = " or ".join("--consensus" if n == CONSENSUS else f"--coder {n}"
                          for n in sat.not_pooled)
        out.append(f"Not pooled: the consensus coding ({', '.join(sat.not_pooled)}); "
                   f"{how} assesses it, --coders pools exactly the coders named.")
    if sat.not_dates:
        shown = ", ".join(repr(v) for v in sat.not_dates[:3])
        out.append(f"Ordered as text, not as dates: {sat.order_attribute} has "
                   f"{plural(len(sat.not_dates), 'value')} that "
                   f"{'is' if len(sat.not_dates) == 1 else 'are'} not a date ({shown}"
                   f"{' ...' if len(sat.not_dates) > 3 else ''}); correct "
                   f"{'it' if len(sat.not_dates) == 1 else 'them'} (2024-03-05, "
                   "05/03/2024, 5 March 2024) to order by date.")
    if sat.unordered:
        out.append(f"No {sat.order_attribute}, so put last (in import order): "
                   f"{', '.join(sat.unordered)}.")
    return out


def who_coded(sat: Saturation) -> str:
    if sat.coders:
        return "by " + " or ".join(sat.coders)
    return "by any coder" if sat.coder is None else f"by {sat.coder}"


def coders_label(sat: Saturation) -> str:
    """Whose coding was assessed, as a title says it: ``coder ana``, ``coders ana, ben
    pooled``, ``all coders`` (a consensus left out: ``all coders but consensus``)."""
    if sat.coders:
        return f"coder{'s' if len(sat.coders) > 1 else ''} {', '.join(sat.coders)}" + (
            " pooled" if len(sat.coders) > 1 else "")
    if sat.coder is not None:
        return f"coder {sat.coder}"
    return "all coders" + (f" but {', '.join(sat.not_pooled)}" if sat.not_pooled else "")


# --------------------------------------------------------------------------- sheets
def new_themes(sat: Saturation, ids: Sequence[str], named: bool) -> str:
    """The new themes of a case or run: their ids (a table to sort and filter, the
    terminal's, where --theme takes them), or for a document their paths in the
    codebook (``Career pathways / Serendipity``), which a reader knows them by."""
    if not named:
        return ", ".join(ids)
    return "; ".join(sat.names.get(t, t) for t in ids)


def curve_sheet(sat: Saturation, *, runs: bool = True, named: bool = False) -> Sheet:
    """A row per case: new themes, cumulative number and share; with ``runs``, the run
    ending at that case, its new themes and their share of the base (CSV, XLSX); with
    ``named``, the new themes by name (:func:`new_themes`)."""
    ending = {r.last: r for r in sat.runs}
    columns = ["#", "case", *([sat.order_attribute] if sat.order_attribute else []),
               "themes", "new", "cumulative", "cumulative_pct"]
    if runs:
        columns += ["in_base", "run", "run_new", "run_pct_of_base"]
    columns.append("new_themes")
    rows = []
    for s in sat.steps:
        row: list[Any] = [s.position, s.case]
        if sat.order_attribute:
            row.append(s.order_value or "")
        row += [len(s.themes), len(s.new), s.cumulative, s.cumulative_pct]
        if runs:
            r = ending.get(s.position)
            row += ["yes" if s.position <= sat.base else "",
                    r.label if r else "", len(r.new) if r else None,
                    r.pct_of_base if r else None]
        row.append(new_themes(sat, s.new, named))
        rows.append(row)
    return Sheet("curve", columns, rows, percent={"cumulative_pct", "run_pct_of_base"},
                 wrap={"new_themes"}, title="Themes per case, in order (Guest et al. 2006)",
                 empty="(none: no case is coded in this selection)")


def runs_sheet(sat: Saturation, *, named: bool = False) -> Sheet:
    """A row per run: its cases, new themes, share of the base, thresholds met."""
    columns = ["run", "new", "pct_of_base", *(f"≤ {pct(t)}" for t in sat.thresholds),
               "new_themes"]
    rows = [[r.label, len(r.new), r.pct_of_base,
             *("yes" if meets(len(r.new), sat.base_themes, t) else "" for t in sat.thresholds),
             new_themes(sat, r.new, named)] for r in sat.runs]
    return Sheet("runs", columns, rows, percent={"pct_of_base"}, wrap={"new_themes"},
                 title=f"Runs of {sat.run} after a base of {sat.base} "
                       f"({plural(sat.base_themes, 'theme')}; Guest et al. 2020)",
                 empty="(none: fewer cases than base + run)")


def summary_lines(sat: Saturation) -> list[str]:
    """The verdicts, the random orders and the notes, one line each."""
    return verdict_lines(sat) + orders_lines(sat) + notes(sat)


def saturation_json(sat: Saturation) -> dict[str, Any]:
    """Everything, for a script."""
    def rnd(v: float | None) -> float | None:
        return None if v is None else round(v, 4)
    return {
        "report": "saturation", "unit": sat.unit, "coder": sat.coder,
        "coders": list(sat.coders) or None, "not_pooled": list(sat.not_pooled),
        "base": sat.base,
        "run": sat.run, "thresholds": list(sat.thresholds), "min_codings": sat.min_codings,
        "level": sat.level, "theme": sat.theme, "order": sat.order,
        "order_attribute": sat.order_attribute, "base_themes": sat.base_themes,
        "themes_found": sat.total_themes, "assessable": not sat.reason,
        "reason": sat.reason or None,
        "cases": [{"position": s.position, "case": s.case, "kind": s.kind,
                   "transcripts": list(s.transcripts), "order_value": s.order_value,
                   "themes": list(s.themes), "new_themes": list(s.new),
                   "cumulative": s.cumulative, "cumulative_pct": rnd(s.cumulative_pct)}
                  for s in sat.steps],
        "runs": [{"first": r.first, "last": r.last, "new_themes": list(r.new),
                  "new": len(r.new), "pct_of_base": rnd(r.pct_of_base)} for r in sat.runs],
        "verdicts": [{"threshold": v.threshold, "reached_at": v.at,
                      "run": None if v.run is None else v.run.label, "text": v.text}
                     for v in sat.verdicts],
        "random_orders": None if not sat.orders else {
            "orders": sat.order_count, "seed": sat.seed,
            "results": [{"threshold": o.threshold, "reached": o.reached, "never": o.never,
                         "median": o.median, "p5": o.p5, "p95": o.p95}
                        for o in sat.orders]},
        "left_out": sat.uncoded, "put_last": sat.unordered,
        "not_dates": sat.not_dates,
        "cases_coded_by": sat.coverage or None,
        "themes": sat.names, "method": CITATION,
    }


def title(sat: Saturation) -> str:
    return f"Thematic saturation ({coders_label(sat)})"


def saturation_markdown(sat: Saturation) -> str:
    """Markdown: the description, the verdicts, then the curve and the runs."""
    lines = [f"# {md_text(title(sat))}", "", md_text(describe(sat)) + ".", ""]
    if sat.selection is not None:
        lines += [md_text(sat.selection.label), ""]
    lines += [f"- {md_text(t)}" for t in summary_lines(sat)] + [""]
    lines.append(to_markdown([curve_sheet(sat, runs=False, named=True),
                              runs_sheet(sat, named=True)]))
    lines += [f"Method: {md_text(CITATION)}.", ""]
    return "\n".join(lines)


HEADINGS = {"cumulative": "total", "cumulative_pct": "total%", "new_themes": "new themes",
            "pct_of_base": "% of base"}
"""The short headings of the tables a person reads, on the terminal and in Word (the
data files keep the names a script reads)."""


def saturation_docx(sat: Saturation) -> bytes:
    """Word: the description and verdicts, then the curve and the runs as tables."""

    doc = word_document(title(sat))
    doc.add_heading(word_safe(title(sat)), level=0)
    doc.add_paragraph(word_safe(describe(sat)) + ".")
    if sat.selection is not None:
        doc.add_paragraph(word_safe(sat.selection.label))
    for line in summary_lines(sat):
        doc.add_paragraph(word_safe(line), style="List Bullet")
    for sheet in (curve_sheet(sat, runs=False, named=True), runs_sheet(sat, named=True)):
        doc.add_heading(word_safe(sheet.title), level=1)
        if not sheet.rows:
            doc.add_paragraph(sheet.empty)
            continue
        word_table(doc, [HEADINGS.get(c, c) for c in sheet.columns],
                   [["" if value is None else f"{value:.1f}" if isinstance(value, float)
                     else str(value) for value in row] for row in sheet.rows])
    doc.add_paragraph(f"Method: {CITATION}.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


__all__ = ["HEADINGS", "coders_label", "curve_sheet", "describe", "notes", "orders_lines",
           "runs_sheet", "saturation_docx", "saturation_json", "saturation_markdown",
           "summary_lines", "title", "verdict_lines", "who_coded"]
