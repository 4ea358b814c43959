"""Reports hold less per coding: shared strings, row-by-row CSV, sliced writes.

The outputs must not change; these tests pin that the lighter paths give the same
values and bytes as the plain ones.
"""

from __future__ import annotations

from qualcoder_ahp.reports import quotes, writers
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.writers import Sheet, to_csv, write_private
from tests.test_reports import build_project


def test_report_codings_equal_store_codings_with_shared_strings(store):
    build_project(store)
    for coder in (None, "alice"):
        light = store.report_codings(coder)
        assert light == store.codings(coder=coder)
        assert len(light) > 1
        by_theme: dict[str, str] = {}
        for c in light:  # one string object per distinct theme id
            assert by_theme.setdefault(c.theme_id, c.theme_id) is c.theme_id
    data = ReportData(store, coders=store.coders())  # every coder, the consensus too
    assert data.codings == store.codings()


def test_quotes_share_the_participants_attributes(store):
    build_project(store)
    data = ReportData(store)
    found = quotes(data)
    p01 = [q for q in found if q.participant == "P01"]
    assert len(p01) > 1
    assert all(q.attributes == {"profession": "physio", "band": "8c"} for q in p01)


def test_csv_and_sliced_write_give_the_same_bytes(tmp_path, monkeypatch):
    rows = [[f"quote … {i} “é”", i, 0.5 * i, None] for i in range(50)]
    sheet = Sheet("s", ["q", "n", "pct", "memo"], rows, percent={"pct"})
    text = to_csv(sheet)
    expected = "q,n,pct,memo\n" + "".join(
        f"quote … {i} “é”,{i},{0.5 * i:.2f},\n" for i in range(50))
    assert text == expected
    monkeypatch.setattr(writers, "WRITE_CHUNK", 7)  # slices cut through multi-byte characters
    out = write_private(tmp_path / "q.csv", text)
    assert out.read_bytes() == ("\ufeff" + text).encode("utf-8")  # + the BOM for Excel
    assert (out.stat().st_mode & 0o777) == 0o600
    write_private(tmp_path / "b.bin", b"\x00\xff")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
