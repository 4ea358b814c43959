"""REFI-QDA export, session 21: a memo's time is its last edit, not its creation.

A memo (and a framework cell summary) keeps one time, ``updated_at``, set at each
edit; the export wrote it as the note's ``creationDateTime``, so another tool showed
a memo written in March and edited in May as created in May. The schema's ``Note``
(a ``TextSourceType``) has ``modifiedDateTime`` for that; the time a memo was first
written is not stored, so no ``creationDateTime`` is claimed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.refi import export_project, import_file
from tests.test_refi_support import validate_both

PR = "{urn:QDA-XML:project:1.0}"
EDITED = "2026-05-04T10:20:30.123456+00:00"


def _notes(path: Path) -> dict[str, dict[str, str]]:
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde")
    validate_both(qde, "Project.xsd")
    root = etree.fromstring(qde)
    return {n.get("name"): dict(n.attrib) for n in root.iter(f"{PR}Note")}


def test_a_memo_goes_out_with_its_last_edit_as_modified_and_comes_back(
        tmp_path: Path) -> None:
    (tmp_path / "amira.txt").write_text(
        "Interviewer: How did you start?\nAmira: By chance, and then by choice.\n",
        encoding="utf-8")
    from qualcoder_ahp.importers import import_paths

    store = open_store(tmp_path / "p.db")
    try:
        import_paths(store, [tmp_path / "amira.txt"])
        theme = store.add_theme("Chance", coder="ana")
        tid = store.transcripts()[0].id
        text = store.transcript_text(tid)
        coding = store.code(tid, theme.id, "ana", text.index("By chance"), text.index(", and"))
        store.set_memo("ana", "coding", coding.id, "Luck.")
        store.set_memo("ana", "coding", coding.id, "Luck, then choice.")  # edited
        case = store.framework_cases()[0].key
        store.set_memo("ana", "cell", f"{case}|{theme.id}", "Chance first.")
        store.conn.execute("UPDATE memos SET updated_at = ? WHERE target_kind = 'coding'",
                           [EDITED])
        stored = dict(store.conn.execute("SELECT text, updated_at FROM memos"))
        export_project(store, tmp_path / "out.qdpx")
    finally:
        store.close()
    notes = _notes(tmp_path / "out.qdpx")
    assert len(notes) == 2
    memo = next(n for name, n in notes.items() if name.startswith("Coding memo"))
    summary = next(n for name, n in notes.items() if name.startswith("Framework summary"))
    assert memo["modifiedDateTime"] == EDITED.replace("+00:00", "Z")  # (UTC, as Z)
    assert summary["modifiedDateTime"] == stored["Chance first."].replace("+00:00", "Z")
    assert "creationDateTime" not in memo and "creationDateTime" not in summary
    fresh = open_store(tmp_path / "fresh.db")
    try:
        import_file(fresh, tmp_path / "out.qdpx")
        assert dict(fresh.conn.execute("SELECT text, updated_at FROM memos")) == stored
        export_project(fresh, tmp_path / "two.qdpx")
    finally:
        fresh.close()
    with zipfile.ZipFile(tmp_path / "out.qdpx") as a, zipfile.ZipFile(tmp_path / "two.qdpx") as b:
        assert a.read("project.qde") == b.read("project.qde")


def test_a_note_from_another_tool_keeps_its_last_edit(tmp_path: Path) -> None:
    """NVivo and MAXQDA write both times: the memo's time here is the last edit."""
    user = "a1b2c3d4-0000-4000-8000-000000000001"
    source = "0d0d0d0d-0000-4000-8000-000000000001"
    note = "0e0e0e0e-0000-4000-8000-000000000001"
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14">'
           f'<Users><User guid="{user}" name="Sam"/></Users>'
           f'<Sources><TextSource guid="{source}" name="Amira">'
           "<PlainTextContent>By chance, really.</PlainTextContent>"
           f'<NoteRef targetGUID="{note}"/></TextSource></Sources>'
           f'<Notes><Note guid="{note}" name="On Amira" creatingUser="{user}" '
           'creationDateTime="2024-03-01T09:00:00Z" modifiedDateTime="2024-05-02T16:45:00Z">'
           "<PlainTextContent>Read again in May.</PlainTextContent></Note></Notes>"
           "</Project>")
    with zipfile.ZipFile(tmp_path / "in.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
    store = open_store(tmp_path / "p.db")
    try:
        import_file(store, tmp_path / "in.qdpx")
        assert store.conn.execute("SELECT updated_at FROM memos").fetchone()[0].startswith(
            "2024-05-02T16:45:00")
        export_project(store, tmp_path / "out.qdpx")
    finally:
        store.close()
    (exported,) = _notes(tmp_path / "out.qdpx").values()
    assert exported["modifiedDateTime"] == "2024-05-02T16:45:00Z"
    assert "creationDateTime" not in exported
