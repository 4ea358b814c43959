"""Framework cell summaries in a REFI-QDA project: exported as Notes other tools show
(named ``Framework summary: <theme> — <case>``, referred to from the case's sources),
and read back by our import as the same cell summaries."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import ParsedTranscript
from qualcoder_ahp.refi import export_project, import_file
from tests.conftest import make_parsed
from tests.test_refi_support import NS_PROJECT, build_coded_project, validate_both

N = {"q": NS_PROJECT}


def summarised(store: Store) -> None:
    """The shared coded project, P01 with a second interview, a focus group with no
    participant, and three coders' summaries (one on a case of a transcript only)."""
    build_coded_project(store)
    store.add_transcript("p01-follow-up", make_parsed([
        ("Interviewer", "interviewer", "A year on?"),
        ("Zoë", "participant", "Still lucky, still on the board.")]), participant="P01")
    store.add_transcript("focus-group", make_parsed([
        ("Facilitator", "interviewer", "What do AHPs bring?"),
        ("Group", "participant", "A winding road into leadership, for most of us.")]))
    store.set_cell_summary("ana", "P01", "serendipity", "Luck, twice – café chats 🍀")
    store.set_cell_summary("bea", "P01", "mandate", "Close to the board <now> & \"heard\"")
    store.set_cell_summary("bea", "P02", "serendipity", "A mentor, unplanned.")
    store.set_cell_summary("ana", "focus-group", "winding", "Most took a winding road.")


def framework_summaries(db: Path) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), "framework", "--cells", "summary",
                                      "--format", "md"])
    assert result.exit_code == 0, result.output
    return result.stdout


def project_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def test_summaries_go_out_as_notes_on_their_cases_sources(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    summarised(store)
    counts = export_project(store, tmp_path / "out.qdpx", name="AHP")
    assert counts["notes"] == 4 + 4  # the memos, and the summaries
    data = project_xml(tmp_path / "out.qdpx")
    validate_both(data, "Project.xsd")
    root = etree.fromstring(data)
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", N)}
    notes = {n.get("guid"): n for n in root.iterfind("q:Notes/q:Note", N)
             if n.get("name").startswith("Framework summary: ")}
    shown = sorted((n.get("name"), users[n.get("creatingUser")],
                    n.findtext("q:Description", namespaces=N),
                    n.findtext("q:PlainTextContent", namespaces=N)) for n in notes.values())
    assert shown == [
        ("Framework summary: Mandate & the board \u2014 P01", "bea",
         "Case: participant:P01\nTheme id: mandate", "Close to the board <now> & \"heard\""),
        ("Framework summary: Serendipity – chance 🍀 \u2014 P01", "ana",
         "Case: participant:P01\nTheme id: serendipity", "Luck, twice – café chats 🍀"),
        ("Framework summary: Serendipity – chance 🍀 \u2014 P02", "bea",
         "Case: participant:P02\nTheme id: serendipity", "A mentor, unplanned."),
        ("Framework summary: Winding route \u2014 focus-group", "ana",
         "Case: transcript:focus-group\nTheme id: winding", "Most took a winding road."),
    ]
    # A summary's time is its last edit (session 21: it was written as its creation).
    assert all(n.get("modifiedDateTime") and not n.get("creationDateTime")
               for n in notes.values())
    # Each summary hangs from every source of its case (the schema's Case has no NoteRef):
    # P01's two interviews, P02's, the focus group's.
    refs = {s.get("name"): sorted(notes[r.get("targetGUID")].get("name")[19:]
                                  for r in s.iterfind("q:NoteRef", N)
                                  if r.get("targetGUID") in notes)
            for s in root.iterfind("q:Sources/q:TextSource", N)}
    assert refs == {
        "focus-group": ["Winding route \u2014 focus-group"],
        "p01-follow-up": ["Mandate & the board \u2014 P01",
                          "Serendipity – chance 🍀 \u2014 P01"],
        "p01-interview": ["Mandate & the board \u2014 P01",
                          "Serendipity – chance 🍀 \u2014 P01"],
        "p02-interview": ["Serendipity – chance 🍀 \u2014 P02"]}
    store.close()


def test_a_round_trip_brings_the_same_summaries_back(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    summarised(store)
    before = store.cell_summaries()
    export_project(store, tmp_path / "out.qdpx", name="AHP")
    store.close()
    other = open_store(tmp_path / "b.db")
    report = import_file(other, tmp_path / "out.qdpx")
    assert report.warnings == [] and report.added["memos"] == 8
    assert "Of the memos, 4 are framework summaries (qcahp framework shows them)." in \
        report.details()
    assert {k: [(c, t) for c, t, _ in v] for k, v in other.cell_summaries().items()} == {
        k: [(c, t) for c, t, _ in v] for k, v in before.items()}
    # A summary is a cell memo, not also a memo on each of its transcripts.
    kinds = other.conn.execute("SELECT target_kind, COUNT(*) FROM memos GROUP BY 1 "
                               "ORDER BY 1").fetchall()
    assert kinds == [("cell", 4), ("coding", 2), ("theme", 1), ("transcript", 1)]
    other.close()
    assert framework_summaries(tmp_path / "b.db") == framework_summaries(tmp_path / "a.db")
    # Exported again, the imported project is the same file; imported again, nothing new.
    other = open_store(tmp_path / "b.db")
    export_project(other, tmp_path / "again.qdpx", name="AHP")
    assert project_xml(tmp_path / "again.qdpx") == project_xml(tmp_path / "out.qdpx")
    again = import_file(other, tmp_path / "out.qdpx")
    assert again.nothing_added and again.present["memos"] == 8
    other.close()


def test_a_summary_finds_its_case_here_by_its_sources(tmp_path: Path) -> None:
    """Into a project where P01's interviews are participant zoe's: the summaries go to
    the case holding them, whatever the file calls it; one whose theme is not here
    stays a memo on its transcript, saying so."""
    store = open_store(tmp_path / "a.db")
    summarised(store)
    export_project(store, tmp_path / "out.qdpx", name="AHP")
    other = open_store(tmp_path / "b.db")
    for name in ("p01-interview", "p01-follow-up"):
        info = store.transcript(name)
        other.add_transcript(name, ParsedTranscript(store.transcript_text(info.id),
                                                    store.turns(info.id), "txt"),
                             participant="zoe")
    store.close()
    data = project_xml(tmp_path / "out.qdpx").replace(
        b"focus-group\nTheme id: winding<", b"focus-group\nTheme id: nowhere<")
    with zipfile.ZipFile(tmp_path / "out.qdpx") as src, \
            zipfile.ZipFile(tmp_path / "edited.qdpx", "w") as dst:
        for name in src.namelist():
            dst.writestr(name, data if name == "project.qde" else src.read(name))
    report = import_file(other, tmp_path / "edited.qdpx")
    assert report.warnings == [
        "note 'Framework summary: Winding route \u2014 focus-group': a framework summary "
        "whose theme is not in this project; kept as a memo on its transcripts"]
    assert sorted(other.cell_summaries()) == [
        ("participant:P02", "serendipity"), ("participant:zoe", "mandate"),
        ("participant:zoe", "serendipity")]
    [(target, text)] = other.conn.execute(
        "SELECT t.name, m.text FROM memos m JOIN transcripts t ON m.target_id = t.id "
        "WHERE m.target_kind = 'transcript' AND t.name = 'focus-group'").fetchall()
    assert text == "Most took a winding road."
    other.close()
