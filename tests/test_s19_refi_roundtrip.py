"""The demo study out and back: export, import into a fresh project, export again.

The two exports must describe the same project: the same codes, codings and offsets,
notes, cases and variables (with their types), and the project's name; and the fresh
project must show what the first one showed (session 19).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.refi import export_project, import_file
from qualcoder_ahp.tui.jobs import DEMO_CODEBOOK, DEMO_TRANSCRIPTS, load_codebook
from tests.test_refi_support import validate_both

NS = "{urn:QDA-XML:project:1.0}"


def build_demo_study(store: Store) -> None:
    """The bundled demo interviews, codebook and attributes, coded by two coders (every
    third sentence, one coding across two turns), with memos of every kind, a framework
    summary and attributes that are numbers and dates."""
    from qualcoder_ahp.importers import collect_files, import_participants, import_paths

    load_codebook(store, DEMO_CODEBOOK)
    import_paths(store, [p for p in collect_files([DEMO_TRANSCRIPTS])
                         if not p.name.lower().startswith("readme")])
    import_participants(store, DEMO_TRANSCRIPTS / "participants.csv")
    themes = [t.id for t in store.themes() if t.codable]
    n = 0
    for info in store.transcripts():
        text = store.transcript_text(info.id)
        for sentence in store.sentences(info.id)[::3]:
            store.code(info.id, themes[n % len(themes)], ("ana", "bea")[n % 2],
                       sentence.start, sentence.end)
            n += 1
        turns = store.turns(info.id)
        across = store.code(info.id, themes[0], "ana", turns[1].end - 5, turns[2].start + 5)
        assert "\n" in text[across.start:across.end]
    for i, code in enumerate(sorted(store.participants())):
        store.set_participant_attributes(code, {"age": str(38 + i), "fte": f"0.{i + 1}",
                                                "interviewed": f"2024-03-{10 + i}"})
    first = store.codings()[0]
    store.set_memo("ana", "coding", first.id, "Compare with Priya 🍀")
    store.set_memo("bea", "theme", themes[1], "Keep apart from promotions.")
    store.set_memo("ana", "transcript", str(first.transcript_id), "Recorded on site.\nNoisy.")
    store.set_cell_summary("bea", store.transcript(first.transcript_id).participant,
                           first.theme_id, "Chance, twice.")


def describe(path: Path) -> dict[str, object]:
    """What an export says about a project, by GUID: codes, selections with their
    offsets, notes and where they hang, cases, variables and their types."""
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde")
        texts = {n: archive.read(n) for n in archive.namelist() if n != "project.qde"}
    validate_both(qde, "Project.xsd")
    root = etree.fromstring(qde)

    def tag(element: etree._Element) -> str:
        return element.tag.removeprefix(NS)

    def refs(element: etree._Element, kind: str) -> list[str]:
        return [r.get("targetGUID") for r in element.findall(f"{NS}{kind}")]

    variables = {v.get("guid"): (v.get("name"), v.get("typeOfVariable"))
                 for v in root.iter(f"{NS}Variable")}
    return {
        "codes": [(c.get("guid"), c.get("name"), c.get("color"), c.get("isCodable"),
                   tag(c.getparent()), c.getparent().get("guid"), refs(c, "NoteRef"))
                  for c in root.iter(f"{NS}Code")],
        "users": [(u.get("guid"), u.get("name")) for u in root.iter(f"{NS}User")],
        "selections": sorted(
            (s.getparent().get("guid"), int(s.get("startPosition")), int(s.get("endPosition")),
             s.get("name"), s.get("creatingUser"), s.find(f"{NS}Coding").get("guid"),
             refs(s.find(f"{NS}Coding"), "CodeRef")[0], refs(s, "NoteRef"))
            for s in root.iter(f"{NS}PlainTextSelection")),
        "sources": [(s.get("guid"), s.get("name"), refs(s, "NoteRef"))
                    for s in root.iter(f"{NS}TextSource")],
        "notes": [(n.get("guid"), n.get("name"), n.get("creatingUser"),
                   n.findtext(f"{NS}Description"), n.findtext(f"{NS}PlainTextContent"))
                  for n in root.iter(f"{NS}Note")],
        "cases": [(c.get("guid"), c.get("name"), refs(c, "SourceRef"),
                   [(variables[v[0].get("targetGUID")], tag(v[1]), v[1].text)
                    for v in c.findall(f"{NS}VariableValue")])
                  for c in root.iter(f"{NS}Case")],
        "variables": sorted(variables.values()),
        "texts": texts,
        "project": (root.get("name"), root.get("origin")),
    }


def test_demo_study_out_and_back(tmp_path: Path) -> None:
    first = open_store(tmp_path / "demo.db")
    fresh = open_store(tmp_path / "fresh.db")
    try:
        build_demo_study(first)
        export_project(first, tmp_path / "one.qdpx")  # named "demo", after demo.db
        report = import_file(fresh, tmp_path / "one.qdpx")
        assert report.mismatches == [] and report.not_imported == []
        export_project(fresh, tmp_path / "two.qdpx")  # fresh.db, made from "demo"
        one, two = describe(tmp_path / "one.qdpx"), describe(tmp_path / "two.qdpx")
        assert one == two
        with zipfile.ZipFile(tmp_path / "one.qdpx") as a, zipfile.ZipFile(
                tmp_path / "two.qdpx") as b:
            assert a.read("project.qde") == b.read("project.qde")
        # The variables keep their types (they all went out as Text).
        assert {name: kind for name, kind in one["variables"]} == {
            "age": "Integer", "board_distance": "Text", "fte": "Float",
            "interviewed": "Date", "profession": "Text", "seniority": "Text",
            "trust_type": "Text"}
        assert len(one["selections"]) == len(first.codings()) > 100
        assert len(one["notes"]) == 4 and len(one["cases"]) == 7
        assert two["project"][0] == "demo"  # it was "fresh", after the database
        # The fresh project shows what the first one showed.
        for store in (first, fresh):
            assert store is first or _shown(store) == _shown(first)
    finally:
        first.close()
        fresh.close()


def _shown(store: Store) -> dict[str, object]:
    names = {t.id: t.name for t in store.transcripts()}
    return {
        "codings": sorted((names[c.transcript_id], c.theme_id, c.coder, c.start, c.end,
                           c.quote, c.memo) for c in store.codings()),
        "turns": {names[t]: [(u.speaker, u.role, u.start, u.end, u.time)
                             for u in store.turns(t)] for t in names},
        "participants": store.participants(),
        "memos": sorted(store.conn.execute(
            "SELECT k.name, m.target_kind, m.text FROM memos m "
            "JOIN coders k ON k.id = m.coder_id WHERE m.target_kind <> 'coding'").fetchall()),
    }
