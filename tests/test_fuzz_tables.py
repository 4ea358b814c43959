"""Hostile input, fuzzed: participants CSV, codings CSV, and merging a foreign database.

Same contract as ``test_fuzz_inputs.py``: a bad file raises a one-line
:class:`~qualcoder_ahp.errors.UserError` naming it, and the project is unchanged.
The merge reads another *SQLite file* a colleague sent: random bytes, a truncated
or corrupted copy of a real project, or a SQLite database of some other program.
"""

from __future__ import annotations

import random
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.importers import read_participants_csv
from qualcoder_ahp.model.store import open_store
from tests.helpers.project import build_project
from tests.test_fuzz_inputs import FUZZ, _counts

cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@st.composite
def hostile_csv(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["random", "rows", "quoted", "encoded"]))
    if kind == "random":
        return draw(st.binary(max_size=1500))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=5), max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    text = "\n".join(delimiter.join(row) for row in rows)
    if kind == "quoted":
        text = text.replace("a", '"').replace("e", '""\n')
    codec = "utf-8" if kind != "encoded" else draw(st.sampled_from(
        ["utf-16", "latin-1", "utf-32", "cp1252"]))
    return text.encode(codec, errors="replace")


def test_participants_csv_survives_hostile_files(tmp_path):
    store = open_store(tmp_path / "p.db")
    seen = {"ok": 0, "refused": 0}

    @FUZZ
    @given(data=hostile_csv())
    def run(data: bytes) -> None:
        path = tmp_path / "participants.csv"
        path.write_bytes(data)
        try:
            table = read_participants_csv(path)
        except UserError as exc:
            assert "participants.csv" in str(exc) and "\n" not in str(exc).strip()
            seen["refused"] += 1
            return
        assert all(isinstance(k, str) and isinstance(v, dict) for k, v in table.items())
        seen["ok"] += 1

    run()
    assert seen["refused"] > 0
    store.close()


def test_codings_csv_import_survives_hostile_files(tmp_path):
    store = build_project(tmp_path / "c.db")
    text = store.transcript_text(store.transcripts()[0].id)

    @st.composite
    def codings_csv(draw: st.DrawFn) -> bytes:
        if draw(st.booleans()):
            return draw(hostile_csv())
        rows = ["transcript,theme,start,end,quote"]
        for _ in range(draw(st.integers(1, 5))):
            start = draw(st.integers(-5, len(text) + 5))
            end = draw(st.integers(-5, len(text) + 5))
            quote = text[max(0, start):max(0, end)] if draw(st.booleans()) else draw(cells)
            transcript = draw(st.sampled_from(["story0", "story1", "nope", ""]))
            theme = draw(st.sampled_from(["serendipity", "mandate", "nope", ""]))
            quoted = '"' + quote.replace('"', '""') + '"'
            rows.append(f"{transcript},{theme},{start},{end},{quoted}")
        return "\n".join(rows).encode()

    @FUZZ
    @given(data=codings_csv())
    def run(data: bytes) -> None:
        path = tmp_path / "codings.csv"
        path.write_bytes(data)
        before = _counts(store)
        try:
            store.import_codings(path, "ana")
        except UserError as exc:
            assert "codings.csv" in str(exc) and "\n" not in str(exc).strip(), str(exc)
            assert _counts(store) == before
            return
        assert store.integrity_ok()

    run()
    store.close()


@pytest.fixture
def other_project(tmp_path):
    path = tmp_path / "colleague.db"
    other = build_project(path)
    sid = other.suggestions()[0].id
    other.accept(sid, "ben")
    other.close()
    return path.read_bytes()


def test_merging_a_hostile_database_file_is_refused_cleanly(tmp_path, other_project):
    store = build_project(tmp_path / "mine.db")
    rng = random.Random(5)
    junk = tmp_path / "junk-sqlite.db"
    conn = sqlite3.connect(junk)
    conn.execute("CREATE TABLE codings (id INTEGER PRIMARY KEY, stuff TEXT)")
    conn.execute("INSERT INTO codings (stuff) VALUES ('x')")
    conn.commit()
    conn.close()
    candidates = {"random": bytes(rng.randrange(256) for _ in range(5000)),
                  "empty": b"", "other_program": junk.read_bytes(),
                  "truncated": other_project[: len(other_project) // 3]}
    for n in range(8):
        flipped = bytearray(other_project)
        for _ in range(40):
            flipped[rng.randrange(100, len(flipped))] = rng.randrange(256)
        candidates[f"flipped{n}"] = bytes(flipped)
    outcomes = {}
    for label, data in candidates.items():
        path = tmp_path / f"{label}.db"
        path.write_bytes(data)
        before = _counts(store)
        try:
            store.merge_from(path)
            outcomes[label] = "merged"
        except UserError as exc:
            assert path.name in str(exc) and "\n" not in str(exc).strip(), (label, str(exc))
            assert _counts(store) == before, label
            outcomes[label] = "refused"
        assert store.integrity_ok(), label
    assert outcomes["random"] == outcomes["empty"] == outcomes["other_program"] == "refused"
    assert outcomes["truncated"] == "refused"
    store.close()


def test_a_damaged_project_file_is_a_clear_error_not_a_traceback(tmp_path, other_project):
    """Bit rot or a half-copied file: opening and listing never shows a traceback."""
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    rng = random.Random(11)
    outcomes = {"opened": 0, "refused": 0}
    for n in range(40):
        data = bytearray(other_project)
        for _ in range(rng.choice([1, 5, 40])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"damaged{n}.db"
        path.write_bytes(bytes(data))
        try:
            open_store(path).close()
            outcomes["opened"] += 1
        except UserError as exc:
            assert path.name in str(exc) and "\n" not in str(exc).strip()
            outcomes["refused"] += 1
        result = CliRunner().invoke(cli, ["--db", str(path), "transcripts"])
        assert result.exit_code in (0, 1), (n, result.output, result.exception)
        assert isinstance(result.exception, (SystemExit, type(None))), (n, result.exception)
    assert outcomes["refused"] > 0 and outcomes["opened"] > 0
