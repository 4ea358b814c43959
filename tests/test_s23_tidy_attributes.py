"""Session 23, tidy: participant attributes in the order of the participants file.

Every listing gave a participant's attributes by name (``store.participants`` ORDER BY
``a.name``): on the demo ``board_distance`` came before ``profession``, though the study's
file has it last. The order they were first defined (a CSV's columns, left to right;
``m012``'s ``attributes`` table) is now kept by ``qcahp participants``, the workbench's
transcripts table, and the reports and exports that give attribute columns.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from sqlite_utils import Database
from textual.widgets import DataTable

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.migrations import MIGRATIONS, known_count
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.tui.app import make_app
from tests.helpers.pilot import settle

FILE_ORDER = ["profession", "seniority", "trust_type", "board_distance"]
# The first row has no profession: its attributes alone would put profession last.
PEOPLE = ("participant,Profession,Seniority,Trust type,Board distance\n"
          "p01,,Head of therapies,Acute trust,Board member\n"
          "p02,Dietitian,Head of AHPs,Community trust,Two levels below board\n")
TEXT = ("Interviewer: How did you come to lead the service?\n"
        "{who}: It was really by chance that the acting head post came up in {where}.\n")


def _run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def _study(tmp_path: Path) -> Path:
    folder = tmp_path / "interviews"
    folder.mkdir()
    for code, who, where in (("p01", "Asha", "Leeds"), ("p02", "Ben", "York")):
        (folder / f"{code}.txt").write_text(TEXT.format(who=who, where=where),
                                            encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    db = tmp_path / "study.db"
    _run(db, "import", str(folder))
    _run(db, "participants", "import", str(tmp_path / "people.csv"))
    with open_store(db) as store:
        store.save_codebook(Codebook("test", (Theme("serendipity", "Serendipity"),)))
        for info in store.transcripts():
            text = store.transcript_text(info.id)
            start = text.index("by chance")
            store.code(info.id, "serendipity", "ana", start, start + len("by chance"))
    return db


def test_the_store_keeps_the_files_column_order(tmp_path):
    db = _study(tmp_path)
    with open_store(db) as store:
        assert store.attribute_names() == FILE_ORDER
        people = store.participants()
        assert list(people["p02"]) == FILE_ORDER
        assert list(people["p01"]) == FILE_ORDER[1:]
        # A later file's new column comes after them; a known one keeps its place.
        store.set_participant_attributes("p01", {"age": "41", "profession": "Physio"})
        assert store.attribute_names() == [*FILE_ORDER, "age"]
        assert list(store.participants()["p01"]) == [*FILE_ORDER, "age"]


def test_participants_lists_them_in_the_files_order(tmp_path):
    db = _study(tmp_path)
    # (was: participant board_distance profession seniority trust_type)
    head = _run(db, "participants").splitlines()[0].split()
    assert head == ["participant", *FILE_ORDER]
    assert list(json.loads(_run(db, "participants", "--format", "json"))["p02"]) == FILE_ORDER


def test_reports_give_attribute_columns_in_the_files_order(tmp_path):
    db = _study(tmp_path)
    quotes = next(csv.reader(io.StringIO(_run(db, "quotes", "--coder", "ana",
                                                 "--format", "csv"))))
    assert quotes[quotes.index("participant") + 1:][:4] == FILE_ORDER
    frame = next(csv.reader(io.StringIO(_run(db, "framework", "--coder", "ana",
                                                "--format", "csv"))))
    assert frame[2:6] == FILE_ORDER
    text = _run(db, "quotes", "--coder", "ana", "--format", "text")
    assert ("p02: profession: Dietitian; seniority: Head of AHPs; trust_type: Community "
            "trust; board_distance: Two levels below board") in " ".join(text.split())
    result = CliRunner().invoke(cli, ["--db", str(db), "counts", "--where", "senority=x"])
    assert result.stderr.strip().endswith(
        "(attributes: profession, seniority, trust_type, board_distance)")
    methods = _run(db, "methods")
    assert ("Participant attributes recorded: profession, seniority, trust_type and "
            "board_distance") in " ".join(methods.split())
    out = tmp_path / "quotes.xlsx"
    _run(db, "quotes", "--coder", "ana", "-o", str(out))
    from openpyxl import load_workbook

    header = [c.value for c in load_workbook(out)["Quotes"][1]]
    assert header[header.index("participant") + 1:][:4] == FILE_ORDER


async def test_the_transcripts_table_gives_them_in_the_files_order(tmp_path):
    db = _study(tmp_path)
    app = make_app(db, coder="ana")
    async with app.run_test(size=(160, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#transcripts", DataTable)
        rows = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1])
                for i in range(table.row_count)}
        # (was: "Two levels below board · Dietitian · Head of AHPs · Community trust")
        assert rows["p02"].startswith("Dietitian \u00b7 Head of AHPs \u00b7 Community "
                                      "trust \u00b7 Two levels"), rows


def test_merged_order_places_a_name_before_the_one_it_precedes():
    from qualcoder_ahp.model.migrations import merged_order

    assert merged_order([["b", "c"], ["a", "b", "c"]]) == ["a", "b", "c"]
    assert merged_order([["a", "c"], ["b", "c"]]) == ["a", "b", "c"]
    assert merged_order([["z", "y"], []]) == ["z", "y"]


def test_an_eleventh_version_project_takes_its_stored_order(tmp_path):
    # m012: a project of the release before it takes each attribute's place from the
    # order its rows were stored in (the file's columns, per participant), merged, so
    # the first row's empty cell does not send its column to the end.
    path = tmp_path / "v11.db"
    db = Database(str(path))
    MIGRATIONS.apply(db, stop_before=MIGRATIONS._migrations[11].name)
    db.execute("PRAGMA user_version = 11")
    for pid, code in ((1, "p01"), (2, "p02")):
        db.execute("INSERT INTO participants (id, code, guid) VALUES (?, ?, ?)",
                   [pid, code, f"g{pid}"])
    for pid, name, value in ((1, "seniority", "Head"), (1, "board_distance", "Board"),
                             (2, "profession", "Dietitian"), (2, "seniority", "Head"),
                             (2, "board_distance", "Below")):
        db.execute("INSERT INTO participant_attributes (participant_id, name, value) "
                   "VALUES (?, ?, ?)", [pid, name, value])
    db.conn.commit()
    db.close()
    old = sqlite3.connect(path)
    old_dump = list(old.iterdump())
    old.close()
    with open_store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == known_count()
        assert store.attribute_names() == ["profession", "seniority", "board_distance"]
    backup = sqlite3.connect(tmp_path / "v11.db.bak-v11")
    assert list(backup.iterdump()) == old_dump
    backup.close()


def test_a_refi_round_trip_keeps_the_order(tmp_path):
    """A .qdpx wrote its variables sorted by name, and a project imported from it took
    that order; the file now gives them (and each case's values) in the project's."""
    db = _study(tmp_path)
    qdpx = tmp_path / "study.qdpx"
    _run(db, "refi", "export", str(qdpx))
    other = tmp_path / "other.db"
    _run(other, "refi", "import", str(qdpx))
    with open_store(other) as store:
        assert store.attribute_names() == FILE_ORDER
        assert list(store.participants()["p02"]) == FILE_ORDER
