"""Session 22 (lead): the commands that write as --coder refuse a name that is a coder's
but for case or spaces, as decide and the theme commands do (common.acting_coder)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcoder_ahp.cli import cli
from tests.helpers.dbstate import state
from tests.helpers.project import build_project


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    db = tmp_path / "study.db"
    store = build_project(db)
    store.accept(store.suggestions()[0].id, "ana")
    store.close()
    return db


COMMANDS = [
    ["search", "chance", "--code", "serendipity", "--coder", "{who}"],
    ["framework", "summarise", "P01", "serendipity", "--coder", "{who}", "Fell into it."],
]


@pytest.mark.parametrize("command", COMMANDS, ids=["search --code", "framework summarise"])
@pytest.mark.parametrize("who", ["Ana", " ANA "])
def test_a_coder_named_but_for_case_is_refused(project: Path, command: list[str],
                                               who: str) -> None:
    before = state(project)
    done = run("--db", str(project), *[a.replace("{who}", who) for a in command])
    # was: exit 0, a second coder 'Ana' beside ana, her codings or summary under it
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    lines = done.stderr.strip().splitlines()
    assert lines == [f"Error: no coder {who.strip()!r} in this project, but there is 'ana' "
                     "(the same name but for case or spaces): use --coder ana; nothing was "
                     "changed"]
    assert state(project) == before


@pytest.mark.parametrize("command", COMMANDS, ids=["search --code", "framework summarise"])
def test_a_new_coder_is_taken_with_a_note(project: Path, command: list[str]) -> None:
    done = run("--db", str(project), *[a.replace("{who}", "ben") for a in command])
    assert done.exit_code == 0, done.output
    assert "note: 'ben' is a new coder in this project (coders so far: ana)" in done.stderr
    conn = sqlite3.connect(project)
    assert {n for (n,) in conn.execute("SELECT name FROM coders")} == {"ana", "ben"}
    conn.close()


def test_an_xlsx_declaring_entities_is_refused_before_openpyxl_reads_it(tmp_path: Path) -> None:
    """openpyxl reads the parts with the standard library's parser, which expands
    internal entities: a billion-laughs sheet of a few KB must be refused, not read."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Speaker", "Text"])
    book.active.append(["Hannah", "How did it start?"])
    plain = io.BytesIO()
    book.save(plain)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;")
                                                   * 10) for i in range(1, 9))
            + b"]>")
    path = tmp_path / "p20.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = bomb + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data)
            out.writestr(item, data)
    db = tmp_path / "p.db"
    good = tmp_path / "p01.txt"
    good.write_text("Interviewer: How?\n\nHelen: Fine.\n", encoding="utf-8")
    assert run("--db", str(db), "import", str(good)).exit_code == 0
    before = state(db)
    done = run("--db", str(db), "import", str(path))
    assert done.exit_code == 1, done.output
    assert [x for x in done.output.splitlines() if x.startswith("failed")] == [
        f"failed     {path}: not a valid Excel .xlsx file: xl/worksheets/sheet1.xml declares "
        "XML entities, which no spreadsheet program writes; refused"]
    assert state(db) == before


def test_suggestions_of_a_folder_are_its_themes(tmp_path: Path) -> None:
    """`suggestions --theme FOLDER` printed "(none)": a folder has no suggestions of its
    own; now it lists its themes' (as agreement's --theme takes a folder)."""
    import json

    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.records import Codebook, Theme
    from tests.helpers.project import add_suggestions, parsed_transcript

    db = tmp_path / "study.db"
    store = open_store(db)
    store.save_codebook(Codebook("t", (
        Theme("career", "Career", codable=False), Theme("pathways", "Pathways",
                                                        parent_id="career", codable=False),
        Theme("serendipity", "Serendipity", parent_id="pathways"),
        Theme("winding_route", "Winding route", parent_id="career"),
        Theme("mandate", "Mandate"))))
    info, _ = store.add_transcript("story0", parsed_transcript(0), participant="P00")
    made = add_suggestions(store, info.id)  # serendipity and winding_route on each sentence
    store.close()

    def listed(theme: str) -> list[tuple[int, str]]:
        done = run("--db", str(db), "suggestions", "--theme", theme, "--format", "json")
        assert done.exit_code == 0, done.output
        return [(r["id"], r["theme"]) for r in json.loads(done.stdout)]

    career = listed("career")
    assert sorted(i for i, _ in career) == sorted(made)
    assert {t for _, t in career} == {"serendipity", "winding_route"}
    assert listed("pathways") == [(i, t) for i, t in career if t == "serendipity"]
    assert listed("serendipity") == listed("pathways")
    assert listed("mandate") == []
