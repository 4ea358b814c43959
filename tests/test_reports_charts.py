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
