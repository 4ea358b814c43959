"""Charts: each PNG opens, has a sensible size, and is not blank."""

from __future__ import annotations

import io

import pytest

from qualcoder_ahp.reports import ReportData, attribute_matrix, cooccurrence, theme_counts
from qualcoder_ahp.reports import charts
from tests.test_reports import build_project


@pytest.fixture
def data(store):
    build_project(store)
    return ReportData(store)


def _image(png: bytes):
    import matplotlib.image as mpimg

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return mpimg.imread(io.BytesIO(png), format="png")


def _check(png: bytes, min_w: int, min_h: int) -> None:
    img = _image(png)
    height, width = img.shape[:2]
    assert width >= min_w and height >= min_h
    assert width <= 6000 and height <= 6000
    assert img[..., :3].std() > 0.05  # not blank: real ink on a white page
    # A white border all round (tight layout without clipped labels at the edges).
    assert img[0, :, :3].mean() > 0.95 and img[-1, :, :3].mean() > 0.95


def test_counts_chart(data):
    names = {t.id: t.name for t in data.themes}
    png = charts.counts_chart(theme_counts(data), names, dpi=100)
    _check(png, 600, 200)
    words = charts.counts_chart(theme_counts(data), names, measure="share_pct", dpi=100)
    assert words != png


def test_matrix_chart(data):
    names = {t.id: t.name for t in data.themes}
    _check(charts.matrix_chart(attribute_matrix(data, "profession"), names, dpi=100), 300, 200)


def test_cooccurrence_chart(data):
    names = {t.id: t.name for t in data.themes}
    _check(charts.cooccurrence_chart(cooccurrence(data), names, dpi=100), 300, 200)


def test_chart_of_an_empty_project_still_renders(store):
    data = ReportData(store)
    _check_blankish = _image(charts.counts_chart(theme_counts(data), {}, dpi=80))
    assert _check_blankish.shape[0] > 50
    _image(charts.cooccurrence_chart(cooccurrence(data), {}, dpi=80))


def _tick_texts(fig) -> list[str]:
    fig.canvas.draw()
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    return [t.get_text() for t, x in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
            if lo <= x <= hi]


def _close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_small_counts_have_distinct_whole_number_ticks(store):
    # One coder with one coding: the axis ran 0..1.15 and its ticks at 0.2 steps
    # were printed without decimals as "0 0 0 1 1 1".
    build_project(store)
    data = ReportData(store, "consensus")
    report = theme_counts(data)
    assert max(r.figures.segments for r in report.rows) == 1
    fig = charts.counts_figure(report, {t.id: t.name for t in data.themes})
    ticks = _tick_texts(fig)
    _close(fig)
    assert ticks == ["0", "1"]


def test_share_ticks_keep_their_decimals(data):
    report = theme_counts(data)
    fig = charts.counts_figure(report, {t.id: t.name for t in data.themes},
                               measure="share_pct")
    ticks = _tick_texts(fig)
    _close(fig)
    assert len(ticks) == len(set(ticks)) > 2


def test_empty_counts_chart_says_there_is_nothing_yet(store):
    build_project(store)
    store.ensure_coder("dora")
    data = ReportData(store, "dora")
    fig = charts.counts_figure(theme_counts(data), {t.id: t.name for t in data.themes})
    texts = [t.get_text() for t in fig.axes[0].texts]
    ticks = _tick_texts(fig)
    _close(fig)
    assert "No codings yet" in texts
    assert len(ticks) == len(set(ticks))


def test_long_column_labels_keep_both_ends():
    a = "Community and mental health NHS foundation trust, north locality 1"
    b = "Community and mental health NHS foundation trust, north locality 2"
    short = [charts.shorten(a), charts.shorten(b)]
    assert short[0] != short[1]  # cut at the end, both read "... north loc…"
    assert all(len(s) <= 50 and "\u2026" in s for s in short)
    assert short[0].startswith("Community and mental") and short[0].endswith("locality 1")
    assert charts.shorten("Paramedic") == "Paramedic"
