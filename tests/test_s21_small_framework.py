"""Framework matrix, session 21: a reference does not repeat its row's case.

The row of the matrix names the case; a reference to a quote of ``physio_helen``'s
interview ``physio_helen`` read ``physio_helen, turn 4: “…”`` in the row
``physio_helen``, in every format. ``qcahp quotes`` names such a transcript once
(``physio_helen (profession: physio), turn 4``); the matrix now does too: ``turn 4:
“…”``. A transcript of another name (a participant's second interview, a version
``helen@2``) is still named, and so is one whose quote has no turn to give instead.
"""

from __future__ import annotations

import csv
import io
import json

import docx
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.reports.framework import reference
from qualcoder_ahp.reports.quotes import Quote
from tests.conftest import make_parsed


def _project(store) -> str:  # noqa: ANN001 - the conftest's store
    store.save_codebook(Codebook("c", (Theme("serendipity", "Serendipity"),)))
    for name, said in (("helen", "I fell into it."), ("helen_followup", "Luck, again."),
                       ("focus", "All by chance.")):
        t, _ = store.add_transcript(name, make_parsed([
            ("Interviewer", "interviewer", "How did it start?"),
            ("Helen", "participant", said)]))
        start = store.transcript_text(t.id).index(said)
        store.code(t.id, "serendipity", "ann", start, start + len(said))
    store.assign_participant("helen", "helen")
    store.assign_participant("helen_followup", "helen")
    store.conn.execute("UPDATE transcripts SET participant_id = NULL WHERE name = 'focus'")
    path = str(store.path)
    store.close()
    return path


def _run(path: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", path, "framework", "--coder", "ann", *args],
                                env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_reference_names_a_transcript_only_when_the_row_does_not(store, tmp_path) -> None:
    path = _project(store)
    listing = _run(path, "--cells", "quotes")
    assert "  - turn 2: \u201cI fell into it.\u201d" in listing
    assert "  - helen_followup, turn 2: \u201cLuck, again.\u201d" in listing
    assert "  - turn 2: \u201cAll by chance.\u201d" in listing  # a transcript's own case
    assert "helen, turn" not in listing and "focus, turn" not in listing
    md = _run(path, "--format", "md")
    assert ("| helen | 2 | (not summarised yet) | turn 2: \u201cI fell into it.\u201d<br>"
            "helen_followup, turn 2: \u201cLuck, again.\u201d |") in md
    rows = {r["case"]: r for r in csv.DictReader(io.StringIO(_run(path, "--format", "csv")))}
    assert rows["focus"]["quotes"] == "turn 2: \u201cAll by chance.\u201d"
    _run(path, "-o", str(tmp_path / "fw.docx"))
    cells = [c.text for table in docx.Document(str(tmp_path / "fw.docx")).tables
             for row in table.rows for c in row.cells]
    assert "turn 2: \u201cI fell into it.\u201d\nhelen_followup, turn 2: \u201cLuck, again.\u201d" \
        in cells
    # The JSON and the quotes sheet keep the transcript in a field of its own.
    data = json.loads(_run(path, "--format", "json"))
    assert {q["transcript"] for cell in data["cells"] for q in cell["quotes"]} == {
        "helen", "helen_followup", "focus"}


def test_without_a_turn_the_transcript_stays() -> None:
    q = Quote(coding_id=1, theme_id="s", theme_path="S", transcript="helen",
              participant="helen", attributes={}, speaker=None, turn=None, time=None,
              quote="I fell into it.", context="", coder="ann", memo=None, origin="manual",
              start=0, end=15)
    assert reference(q, case="helen") == "helen: \u201cI fell into it.\u201d"
    assert reference(q, case="other") == "helen: \u201cI fell into it.\u201d"
