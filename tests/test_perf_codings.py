"""Importing codings scales with the rows, not with rows x transcript length.

``qcahp codings import`` once read the whole transcript text and ran several queries
for every row (325k rows of a 200-transcript study took over five minutes). These
tests pin what the bulk import writes to exactly what one ``code`` call per row
writes, and count the statements it runs.
"""

from __future__ import annotations

import csv
import json

from qualcoder_ahp.model import codings_csv_store
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed

BODY = "I was lucky. The board asked me to lead. Then I chose to stay on."


def _project(path):
    store = open_store(path)
    store.save_codebook(Codebook("ahp", (Theme("luck", "Luck"), Theme("mandate", "Mandate"))))
    for i in range(3):
        store.add_transcript(f"t{i}", make_parsed(
            [("Interviewer", "interviewer", "Tell me."), ("Asha", "participant", BODY * (i + 1))]))
    return store


def _rows(store):
    out = []
    for info in store.transcripts():
        text = store.transcript_text(info.id)
        for k in range(0, len(text) - 12, 5):
            theme = "luck" if k % 2 else "mandate"
            out.append((info.name, info.id, theme, k, k + 12, text[k:k + 12]))
    return out


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["transcript", "theme", "start", "end", "quote"])
        for name, _tid, theme, start, end, quote in rows:
            out.writerow([name, theme, start, end, quote])


def _state(store):
    codings = sorted((c.transcript_id, c.theme_id, c.coder, c.start, c.end, c.quote, c.origin,
                      c.suggestion_id) for c in store.codings(include_inactive=True))
    active = store.conn.execute("SELECT COUNT(*) FROM codings WHERE active = 1").fetchone()[0]
    events = []
    ids = {c.id: (c.transcript_id, c.theme_id, c.start, c.end)
           for c in store.codings(include_inactive=True)}
    for coder_id, kind, payload in store.conn.execute(
            "SELECT coder_id, kind, payload FROM events WHERE kind = 'code' ORDER BY id"):
        body = json.loads(payload)
        change = body.pop("changes")
        assert [set(c) for c in change] == [{"op", "id", "before", "after"}]
        events.append((coder_id, kind, ids[change[0]["id"]], change[0]["before"],
                       change[0]["after"], body))
    return codings, active, sorted(events, key=repr)


def test_bulk_import_writes_what_code_per_row_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(codings_csv_store, "IMPORT_BATCH", 7)  # several batches
    bulk = _project(tmp_path / "bulk.db")
    rows = _rows(bulk)
    rows.append(rows[0])  # a repeated row in the file is "already present"
    path = tmp_path / "in.csv"
    _write(path, rows)
    counts = bulk.import_codings(path, "ben")
    assert counts == {"imported": len(rows) - 1, "already_present": 1}

    single = _project(tmp_path / "single.db")
    seen = set()
    for _name, tid, theme, start, end, _quote in rows:
        if (tid, theme, start, end) not in seen:
            seen.add((tid, theme, start, end))
            single.code(tid, theme, "ben", start, end, origin="imported")
    assert _state(bulk) == _state(single)
    # Undo of an imported coding deactivates it, like undo of a hand-made one.
    last = max(c.id for c in bulk.codings())
    bulk.undo("ben")
    assert last not in {c.id for c in bulk.codings()}
    assert bulk.import_codings(path, "ben") == {"imported": 1, "already_present": len(rows) - 1}
    bulk.close()
    single.close()


def test_import_runs_a_bounded_number_of_statements(tmp_path):
    store = _project(tmp_path / "p.db")
    rows = _rows(store)
    assert len(rows) > 60
    path = tmp_path / "in.csv"
    _write(path, rows)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    store.import_codings(path, "ben")
    store.conn.set_trace_callback(None)
    text_reads = [s for s in statements if "SELECT text FROM transcripts" in s]
    assert len(text_reads) <= 3  # once per transcript, not once per row
    # One INSERT per coding and a constant number of others (events go in one executemany,
    # which the trace reports per row): no per-row SELECT, savepoint or UPDATE.
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 20
    assert not [s for s in statements if "UPDATE" in s.upper()]
    # (creating the coder takes one savepoint; code() took one per row)
    assert len([s for s in statements if "SAVEPOINT" in s.upper()]) <= 2
    store.close()
