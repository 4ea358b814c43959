"""Charts for papers: theme counts as horizontal bars, matrices as labelled heatmaps,
thematic saturation as a cumulative curve over bars.

Matplotlib with the Agg backend only (no display is needed, so charts work over
SSH). Every chart has a title, axis labels, the value written on each bar or cell,
wrapped theme names so labels never overlap, a size that grows with the number of
themes, and ``tight`` layout. Each chart function returns the bytes of a PNG (or,
with ``fmt="svg"``/``"pdf"``, the vector formats journals ask for); the caller
writes them owner-only.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.records import plural
from qualcoder_ahp.reports.cooccurrence import Cooccurrence
from qualcoder_ahp.reports.counts import CountsReport, Matrix
from qualcoder_ahp.reports.exports import coder_label

if TYPE_CHECKING:
    from qualcoder_ahp.reports.saturation import Saturation

DPI = 200
DEFAULT_THEME_COLOR = "#888888"
LABEL_WIDTH = 34
"""Theme names are wrapped at this many characters."""
MEASURE_LABEL = {"segments": "Coded segments", "codings": "Codings", "words": "Words coded",
                 "transcripts": "Transcripts mentioning the theme",
                 "participants": "Participants mentioning the theme",
                 "share_pct": "Share of text coded (%)"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _wrap(text: str, width: int = LABEL_WIDTH) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def shorten(label: str, width: int = 50) -> str:
    """A one-line column label of at most ``width`` characters, cut in the middle.

    Attribute values often differ only at the end ("... foundation trust 1" / "... 2");
    keeping both ends keeps such columns apart.
    """
    if len(label) <= width:
        return label
    head = (width - 1) // 2
    return label[:head].rstrip() + "\u2026" + label[len(label) - (width - 1 - head):].lstrip()


def _line(selection: str) -> str:
    """The selection as a title line of its own, wrapped (``""`` adds nothing)."""
    return "\n" + _wrap(selection, 90) if selection else ""


def _theme_label(name: str, depth: int) -> str:
    # Children are marked by a dash per level, so the tree survives in a bar chart.
    return _wrap(("\u2013 " * depth) + name)


FORMATS = ("png", "svg", "pdf")
"""Formats a chart can be saved in (matplotlib's own backends, no extra dependency)."""


def _png(fig: Any, dpi: int, fmt: str = "png") -> bytes:
    """The figure saved as ``fmt``; ``dpi`` also sets the resolution of raster parts
    (a heatmap's cells) in SVG and PDF."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    plt = _pyplot()
    buf = io.BytesIO()
    # Labels stay text, not outlines: an editor can restyle them to a journal's font
    # (SVG text; TrueType, not Type 3, fonts embedded in the PDF).
    with plt.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def counts_chart(report: CountsReport, names: dict[str, str], *, measure: str = "segments",
                 colors: dict[str, str] | None = None, dpi: int = DPI,
                 fmt: str = "png", selection: str = "") -> bytes:
    """Horizontal bars of one figure per theme, in codebook order (top to bottom).

    Args:
        report: a theme view (``by="theme"``).
        names: theme id → display name.
        measure: a :class:`~qualcoder_ahp.reports.counts.Figures` field.
        colors: theme id → bar colour (the codebook's colours).
        dpi: resolution of the PNG.
        fmt: ``png``, ``svg`` or ``pdf``.
        selection: the transcripts charted, a line under the title (``""``: all).
    """
    return _png(counts_figure(report, names, measure=measure, colors=colors,
                              selection=selection), dpi, fmt)


def counts_figure(report: CountsReport, names: dict[str, str], *, measure: str = "segments",
                  colors: dict[str, str] | None = None, selection: str = "") -> Any:
    """The matplotlib figure behind :func:`counts_chart` (tests read its labels)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    plt = _pyplot()
    rows = report.rows
    values = [getattr(r.figures, measure) or 0 for r in rows]
    labels = [_theme_label(names.get(r.theme_id, r.theme_id), r.depth) for r in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.32 * lines + 1.2)))
    ys = list(range(len(rows)))
    # The codebook's colours, unless a theme kept the default grey (no colour chosen).
    bar_colors = [c if c and c.lower() != DEFAULT_THEME_COLOR else "#4C72B0"
                  for c in ((colors or {}).get(r.theme_id) for r in rows)]
    bars = ax.barh(ys, values, color=bar_colors, edgecolor="#333333", linewidth=0.5)
    ax.set_yticks(ys, labels)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row.depth == 0:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.margins(y=0.01)
    pct = measure.endswith("pct")
    top = max(values, default=0) or 1
    ax.set_xlim(0, top * 1.15)
    if pct:
        # Shares can be small (0.5 %): ticks keep a decimal when they need one.
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:,.4g}"))
    else:
        # Counts are whole numbers: ticks at 0.5 would print "0 0 1 1" with no decimals.
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:,.0f}"))
    fmt = "{:.1f}" if pct else "{:,.0f}"
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2,
                fmt.format(value), va="center", fontsize=8)
    label = MEASURE_LABEL.get(measure, measure)
    ax.set_xlabel(label)
    ax.set_ylabel("Theme")
    who = coder_label(report.coder, report.not_pooled)
    # "Transcripts mentioning the theme per theme" said it twice.
    per = (label.replace("the theme", "each theme") if label.endswith("the theme")
           else f"{label} per theme")
    ax.set_title(f"{per} ({who})" + _line(selection))
    if not any(values):
        # An all-zero chart looks like a rendering fault; say what it means.
        ax.text(0.5, 0.5, "No codings yet" if rows else "No themes", transform=ax.transAxes,
                ha="center", va="center", fontsize=11, color="#555555")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    fig.tight_layout()
    return fig


def _heatmap(values: list[list[float | None]], text: list[list[str]], rows: list[str],
             cols: list[str], *, title: str, xlabel: str, ylabel: str, cbar: str,
             dpi: int, fmt: str = "png", diagonal_plain: bool = False,
             row_depths: list[int] | None = None,
             col_depths: list[int] | None = None) -> bytes:
    import numpy as np

    plt = _pyplot()
    if not rows or not cols:
        fig = plt.figure(figsize=(5, 1.5))
        fig.text(0.5, 0.5, "No coded themes to show", ha="center", va="center")
        fig.suptitle(title)
        return _png(fig, dpi, fmt)
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in values]) \
        if values and values[0] else np.zeros((len(rows), len(cols)))
    coloured = data.copy()
    if diagonal_plain:
        np.fill_diagonal(coloured, np.nan)
    # Column labels stay on one line: rotated multi-line blocks would collide.
    col_labels = [shorten(c) for c in cols]
    rotate = sum(len(c) for c in cols) > 7 * len(cols) or len(cols) > 6
    # The figure is exactly the grid of cells (a fixed size per cell) and the
    # labels, title and colour bar are drawn outside it; ``bbox_inches="tight"``
    # then grows the saved image to hold them, so long labels never squash the cells.
    cell_w = 0.95 if any("\n" in t for row in text for t in row) else 0.75
    cell_h = max(0.42, 0.2 * max((r.count("\n") + 1 for r in rows), default=1) + 0.05)
    fig = plt.figure(figsize=(max(1, len(cols)) * cell_w, max(1, len(rows)) * cell_h))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    cmap = plt.get_cmap("Blues").with_extremes(bad="#eeeeee")
    finite = coloured[np.isfinite(coloured)]
    vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    image = ax.imshow(np.ma.masked_invalid(coloured), cmap=cmap, vmin=0, vmax=vmax,
                      aspect="auto")
    ax.set_xticks(range(len(cols)), col_labels, rotation=40 if rotate else 0,
                  ha="right" if rotate else "center", rotation_mode="anchor")
    ax.set_yticks(range(len(rows)), rows)
    # In a tree, top-level themes are bold so the parents stand out from children.
    for ticks, depths in ((ax.get_yticklabels(), row_depths), (ax.get_xticklabels(), col_depths)):
        if depths and max(depths) > 0:
            for tick, depth in zip(ticks, depths, strict=True):
                if depth == 0:
                    tick.set_fontweight("bold")
    for i in range(len(rows)):
        for j in range(len(cols)):
            v = coloured[i, j]
            dark = np.isfinite(v) and v > 0.6 * vmax
            bold = diagonal_plain and i == j
            ax.text(j, i, text[i][j], ha="center", va="center", fontsize=7.5,
                    color="white" if dark else "black", fontweight="bold" if bold else "normal")
    # A cell with no figure (parent and child) is hatched as well as grey: grey alone was
    # the same as a 0 cell's near-white in a greyscale print or to a colour-blind reader.
    from matplotlib.patches import Rectangle

    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if v is None:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                                       edgecolor="#888888", linewidth=0))
    ax.set_xticks([x - 0.5 for x in range(1, len(cols))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    from matplotlib.ticker import MaxNLocator

    cax = fig.add_axes((1.0 + 0.25 / fig.get_figwidth(), 0.1, 0.12 / fig.get_figwidth(), 0.8))
    bar = fig.colorbar(image, cax=cax, label=cbar)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    return _png(fig, dpi, fmt)


def matrix_chart(matrix: Matrix, names: dict[str, str], *, dpi: int = DPI,
                 fmt: str = "png", selection: str = "") -> bytes:
    """Heatmap of a theme × attribute matrix: counts coloured, count and row % in each cell."""
    label = MEASURE_LABEL.get(matrix.measure, matrix.measure)
    values = [[c.count for c in r.cells] for r in matrix.rows]
    text = [[f"{c.count}\n({c.row_pct:.0f}%)" if c.row_pct is not None else str(c.count)
             for c in r.cells] for r in matrix.rows]
    rows = [_theme_label(names.get(r.theme_id, r.theme_id), r.depth) for r in matrix.rows]
    attribute = matrix.attribute.replace("_", " ")  # board_distance reads as "board distance"
    return _heatmap(values, text, rows, matrix.columns,
                    title=(f"{label} by {attribute} "
                           f"({coder_label(matrix.coder, matrix.not_pooled)})")
                          + _line(selection) + "\ncell: count (row %)",
                    xlabel=attribute, ylabel="Theme", cbar=label, dpi=dpi, fmt=fmt,
                    row_depths=[r.depth for r in matrix.rows])


def cooccurrence_chart(co: Cooccurrence, names: dict[str, str], *, dpi: int = DPI,
                       fmt: str = "png", selection: str = "") -> bytes:
    """Heatmap of theme co-occurrence; the diagonal (the theme alone) is shown uncoloured."""
    labels = [_theme_label(names.get(t, t), d) for t, d in zip(co.theme_ids, co.depths,
                                                                strict=True)]
    text = [["" if v is None else str(v) for v in row] for row in co.cells]
    unit = {"overlap": "overlapping passages", "sentence": "shared sentences",
            "turn": "shared turns"}[co.unit]
    columns = [("\u2013 " * d) + names.get(t, t) for t, d in zip(co.theme_ids, co.depths,
                                                                    strict=True)]
    return _heatmap(co.cells, text, labels, columns,
                    title=f"Theme co-occurrence: {unit} ({coder_label(co.coder, co.not_pooled)})"
                          + _line(selection)
                          + "\ndiagonal: the theme on its own; hatched: parent and child",
                    xlabel="Theme", ylabel="Theme", cbar=unit.capitalize(), dpi=dpi, fmt=fmt,
                    diagonal_plain=True, row_depths=co.depths, col_depths=co.depths)


def _reached(sat: Saturation) -> str:
    """Where saturation was reached, in words a figure's reader follows: "saturation
    (\u2264 5% and \u2264 0% new information) at 6 participants" (the title said
    "\u22645%: 6, \u22640%: 6", six of what left unsaid)."""
    at: dict[int | None, list[str]] = {}
    for v in sat.verdicts:
        at.setdefault(v.at, []).append(f"\u2264 {v.threshold:g}%")
    parts = [f"saturation ({' and '.join(ts)} new information) "
             + (f"at {plural(n, sat.noun)}" if n is not None else "not reached")
             for n, ts in at.items()]
    return "; ".join(parts)


def saturation_chart(sat: Saturation, *, dpi: int = DPI, fmt: str = "png",
                     selection: str = "") -> bytes:
    """The saturation curve of a :class:`~qualcoder_ahp.reports.saturation.Saturation`."""
    return _png(saturation_figure(sat, selection=selection), dpi, fmt)


def saturation_figure(sat: Saturation, *, selection: str = "") -> Any:
    """Cumulative themes (a line with markers) over the themes new in each case (bars,
    hatched in the base), in order, with a dashed line at each threshold's saturation
    point, named in words, so that nothing is told by colour alone (tests read it)."""
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    steps = sat.steps
    n = len(steps)
    fig, ax = plt.subplots(figsize=(max(6.0, min(16.0, 0.32 * n + 3)) + 2.6, 4.2))
    xs = list(range(1, n + 1))
    news = [len(s.new) for s in steps]
    bars = ax.bar(xs, news, color=["#9ecae1" if x <= sat.base else "#4C72B0" for x in xs],
                  edgecolor="#333333", linewidth=0.5)
    for bar, x in zip(bars, xs, strict=True):
        if x <= sat.base:  # the base, told by hatching as well as its lighter colour
            bar.set_hatch("///")
    line, = ax.plot(xs, [s.cumulative for s in steps], color="#222222", marker="o",
                    markersize=3.5, linewidth=1.6)
    top = max([s.cumulative for s in steps], default=0) or 1
    styles = ("--", ":")
    marks: dict[int, list[tuple[float, str]]] = {}  # one mark where both thresholds meet
    for verdict, style in zip(sat.verdicts, styles, strict=False):
        if verdict.at is not None:
            marks.setdefault(verdict.at, []).append((verdict.threshold, style))
    for at, both in marks.items():
        style = both[0][1]
        ax.axvline(at, color="#b2182b", linestyle=style, linewidth=1.3)
        left = at > 0.6 * n  # the words on the side with room
        said = " and ".join(f"\u2264{t:g}%" for t, _ in both)
        ax.text(at + (-0.12 if left else 0.12), top * (1.28 if style == "--" else 1.18),
                f"saturation at {at} ({said} new)",
                fontsize=8, color="#b2182b", va="top", ha="right" if left else "left")
    ax.set_xlim(0.4, max(n, 1) + 0.6)
    ax.set_ylim(0, top * 1.3)  # room above the curve for the saturation marks' words
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if n <= 12:  # each case named, at an angle so that names never overlap
        ax.set_xticks(xs, [f"{x} {shorten(s.case, 20)}" for x, s in zip(xs, steps, strict=True)],
                      fontsize=7, rotation=35, ha="right", rotation_mode="anchor")
    elif n <= 30:
        ax.set_xticks(xs, [str(x) for x in xs], fontsize=8)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"{sat.noun.capitalize()}s in {sat.order}")
    ax.set_ylabel("Themes")
    ax.legend([line, Patch(facecolor="#4C72B0", edgecolor="#333333"),
               Patch(facecolor="#9ecae1", edgecolor="#333333", hatch="///")],
              ["themes found so far", "themes new in the case",
               f"themes new in the base (case{'s 1-' if sat.base > 1 else ' '}{sat.base}: "
               f"{plural(sat.base_themes, 'theme')})"],
              fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    from qualcoder_ahp.reports.saturation_output import title

    head = f"{title(sat)}: base {sat.base}, run {sat.run}"
    ax.set_title(head + ("" if sat.reason else "\n" + _reached(sat)) + _line(selection),
                 fontsize=10)
    if sat.reason:
        ax.text(0.5, 0.5, _wrap("Saturation cannot be assessed: " + sat.reason, 70),
                transform=ax.transAxes, ha="center", va="center", fontsize=9,
                color="#555555")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    fig.tight_layout()
    return fig
