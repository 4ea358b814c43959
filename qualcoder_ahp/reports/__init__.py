"""Reports: theme counts, attribute matrices, quotes, co-occurrence and charts.

Plain Python over a :class:`~qualcoder_ahp.reports.data.ReportData` snapshot of the
project; returns typed records that the writers turn into table, CSV, XLSX, JSON,
Markdown, Word and PNG. Never imports textual.
"""

from __future__ import annotations

from qualcoder_ahp.reports.cooccurrence import UNITS, Cooccurrence, cooccurrence
from qualcoder_ahp.reports.counts import (
    MEASURES,
    VIEWS,
    CountRow,
    CountsReport,
    Figures,
    Matrix,
    MatrixCell,
    MatrixRow,
    attribute_matrix,
    parse_by,
    theme_counts,
)
from qualcoder_ahp.reports.data import CONSENSUS, NO_VALUE, ReportData, resolve_coder
from qualcoder_ahp.reports.quotes import Quote, quotes

__all__ = [
    "CONSENSUS", "MEASURES", "NO_VALUE", "UNITS", "VIEWS", "Cooccurrence", "CountRow",
    "CountsReport", "Figures", "Matrix", "MatrixCell", "MatrixRow", "Quote", "ReportData",
    "attribute_matrix", "cooccurrence", "parse_by", "quotes", "resolve_coder", "theme_counts",
]
