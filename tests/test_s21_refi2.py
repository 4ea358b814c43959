"""REFI-QDA exchange, session 21 (second pass): what a ``.qdc`` loaded as the codebook
lost, and times cut to whole seconds.

- ``qcahp codebook check/load X.qdc`` threw the reader's warnings away: a colour it
  could not read, a code whose GUID repeats (skipped with its children), a code marked
  retired (left out) were changed without a word.
- ``qcahp codebook load X.qdc`` did not remember which codes came without a colour, as
  ``qcahp refi import`` does, so an export gave them the grey they were shown in.
- Exported times (codings, memos) were cut to whole seconds, and sources had none:
  ``xsd:dateTime`` allows fractions, so a round trip now keeps them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.refi import export_codebook, export_project, import_file
from tests.test_refi_support import validate_both

CB = "{urn:QDA-XML:codebook:1.0}"
PR = "{urn:QDA-XML:project:1.0}"
G1, G2, G3, G4 = (f"c0de0000-0000-4000-8000-00000000000{n}" for n in range(1, 5))
QDC = f"""<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="{G1}" name="Career" isCodable="true" color="blue-ish"/>
    <Code guid="{G1}" name="Again" isCodable="true" color="#112233">
      <Code guid="{G4}" name="Under again" isCodable="true" color="#445566"/>
    </Code>
    <Code guid="{G2}" name="Plain" isCodable="true"/>
    <Code guid="{G3}" name="Red" isCodable="true" color="#CC0000"/>
  </Codes>
</CodeBook>
"""


def _cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _colours(path: Path) -> dict[str, str | None]:
    book = etree.fromstring(path.read_bytes())
    return {c.get("name"): c.get("color") for c in book.iter(f"{CB}Code")}


# ------------------------------------------------------------ .qdc warnings
def test_codebook_check_and_load_of_a_qdc_show_its_warnings(tmp_path: Path) -> None:
    book = tmp_path / "book.qdc"
    book.write_text(QDC, encoding="utf-8")
    db = str(tmp_path / "p.db")
    for command in ("check", "load"):
        result = _cli("--db", db, "codebook", command, str(book))
        assert result.exit_code == 0, result.output
        warnings = [line for line in result.output.splitlines()
                    if line.startswith("warning:")]
        assert warnings == [
            f"warning: {book}:4: code 'Career': colour 'blue-ish' not understood (a "
            "colour is #RRGGBB); shown grey, #888888",
            f"warning: {book}:5: code 'Again': GUID {G1} repeats that of an earlier code; "
            "skipped (its children with it; a GUID names one code)",
        ], result.output


def test_a_code_marked_retired_is_named_when_left_out(tmp_path: Path) -> None:
    book = tmp_path / "book.qdc"
    book.write_text(QDC.replace(
        f'<Code guid="{G3}" name="Red" isCodable="true" color="#CC0000"/>',
        f'<Code guid="{G3}" name="Red" isCodable="true" color="#CC0000"><Description>'
        "Status: retired (removed from the codebook; kept for its codings)</Description>"
        "</Code>"), encoding="utf-8")
    result = _cli("--db", str(tmp_path / "p.db"), "codebook", "check", str(book))
    assert (f"warning: {book}:9: code 'Red': marked retired in the file (Status: retired); "
            "left out of the codebook") in result.output.splitlines()


# ------------------------------------------------- colourless codes remembered
def test_codebook_load_of_a_qdc_remembers_codes_without_a_colour(tmp_path: Path) -> None:
    """As refi import does: they go back without a colour, not as #888888; a grey chosen
    here afterwards is a colour; a new version of the file that colours a code, or
    leaves one without colour again, is what counts."""
    book = tmp_path / "book.qdc"
    book.write_text(QDC, encoding="utf-8")
    db = tmp_path / "p.db"
    assert _cli("--db", str(db), "codebook", "load", str(book)).exit_code == 0
    out = tmp_path / "out.qdc"
    assert _cli("--db", str(db), "refi", "export-codebook", str(out)).exit_code == 0
    validate_both(out.read_bytes(), "Codebook.xsd")
    assert _colours(out) == {"Career": None, "Plain": None, "Red": "#CC0000"}
    # Given the grey on purpose (after a red), Plain is coloured grey.
    assert _cli("--db", str(db), "codebook", "edit-theme", "plain", "--color", "#CC6677",
                "--coder", "sam").exit_code == 0
    assert _cli("--db", str(db), "codebook", "edit-theme", "plain", "--color", "#888888",
                "--coder", "sam").exit_code == 0
    assert _cli("--db", str(db), "refi", "export-codebook", str(out)).exit_code == 0
    assert _colours(out) == {"Career": None, "Plain": "#888888", "Red": "#CC0000"}
    # A new version of the file: Career coloured, Plain without a colour again.
    book.write_text(QDC.replace('color="blue-ish"', 'color="#0000FF"'), encoding="utf-8")
    assert _cli("--db", str(db), "codebook", "load", str(book)).exit_code == 0
    assert _cli("--db", str(db), "refi", "export-codebook", str(out)).exit_code == 0
    assert _colours(out) == {"Career": "#0000FF", "Plain": None, "Red": "#CC0000"}
    store = open_store(db)
    try:  # in a project export too
        export_project(store, tmp_path / "out.qdpx")
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        qde = etree.fromstring(archive.read("project.qde"))
    assert {c.get("name"): c.get("color") for c in qde.iter(f"{PR}Code")} == {
        "Career": "#0000FF", "Plain": None, "Red": "#CC0000"}


def test_the_workbench_load_of_a_qdc_remembers_them_too(tmp_path: Path) -> None:
    from qualcoder_ahp.tui.jobs import load_codebook

    book = tmp_path / "book.qdc"
    book.write_text(QDC.replace("#CC0000", "#888888"), encoding="utf-8")
    store = open_store(tmp_path / "p.db")
    try:
        load_codebook(store, book)
        export_codebook(store, tmp_path / "out.qdc")
    finally:
        store.close()
    # A grey the file gives is a colour; no colour stays none.
    assert _colours(tmp_path / "out.qdc") == {"Career": None, "Plain": None, "Red": "#888888"}


# ------------------------------------------------------------------ times
def _times(path: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde")
    validate_both(qde, "Project.xsd")
    root = etree.fromstring(qde)
    # A note's time is its last edit (modifiedDateTime); the others' their creation.
    return {tag: [e.get("modifiedDateTime" if tag == "Note" else "creationDateTime")
                  for e in root.iter(f"{PR}{tag}")]
            for tag in ("TextSource", "PlainTextSelection", "Coding", "Note")}


def test_times_keep_their_fraction_of_a_second_through_a_round_trip(tmp_path: Path) -> None:
    """Two codings made within one second were told apart, and ordered, only by the
    fraction the export cut off; sources had no time at all. Out, into a fresh project
    and out again, every time is the one stored, and the two exports are the same."""
    from qualcoder_ahp.importers import import_paths

    (tmp_path / "amira.txt").write_text(
        "Interviewer: How did you start?\nAmira: By chance, and then by choice.\n",
        encoding="utf-8")
    store = open_store(tmp_path / "p.db")
    try:
        import_paths(store, [tmp_path / "amira.txt"])
        theme = store.add_theme("Chance", coder="ana")
        tid = store.transcripts()[0].id
        text = store.transcript_text(tid)
        one = store.code(tid, theme.id, "ana", text.index("By chance"), text.index(", and"))
        two = store.code(tid, theme.id, "bea", text.index("By chance"), text.index(", and"))
        store.set_memo("ana", "coding", one.id, "Luck.")
        stored = dict(store.conn.execute("SELECT guid, created_at FROM codings"))
        added = store.conn.execute("SELECT imported_at FROM transcripts").fetchone()[0]
        memo = store.conn.execute("SELECT updated_at FROM memos").fetchone()[0]
        export_project(store, tmp_path / "out.qdpx")
    finally:
        store.close()
    times = _times(tmp_path / "out.qdpx")
    assert all("." in t for kind in times.values() for t in kind), times
    def utc(stamp: str) -> str:  # as exported: in UTC, written with Z (session 24)
        return stamp.replace("+00:00", "Z")

    assert times["TextSource"] == [utc(added)]
    assert sorted(times["Coding"]) == sorted(map(utc, stored.values()))
    assert times["Note"] == [utc(memo)]
    fresh = open_store(tmp_path / "fresh.db")
    try:
        import_file(fresh, tmp_path / "out.qdpx")
        assert dict(fresh.conn.execute("SELECT guid, created_at FROM codings")) == stored
        assert fresh.conn.execute("SELECT imported_at FROM transcripts").fetchone()[0] == added
        assert fresh.conn.execute("SELECT updated_at FROM memos").fetchone()[0] == memo
        export_project(fresh, tmp_path / "two.qdpx")
    finally:
        fresh.close()
    with zipfile.ZipFile(tmp_path / "out.qdpx") as a, zipfile.ZipFile(tmp_path / "two.qdpx") as b:
        assert a.read("project.qde") == b.read("project.qde")
    assert two.guid in stored


def test_a_time_on_the_second_and_dotnet_seven_digits(tmp_path: Path) -> None:
    """NVivo (.NET) writes seven digits of a second; a time on the second goes out
    without a fraction, as before."""
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14">'
           '<Users><User guid="a1b2c3d4-0000-4000-8000-000000000001" name="Sam"/></Users>'
           f'<CodeBook><Codes><Code guid="{G1}" name="Chance" isCodable="true"/></Codes>'
           '</CodeBook><Sources><TextSource guid="0d0d0d0d-0000-4000-8000-000000000001" '
           'name="Amira" creationDateTime="2024-02-29T14:30:00Z">'
           "<PlainTextContent>By chance, really.</PlainTextContent>"
           '<PlainTextSelection guid="5e100000-0000-4000-8000-000000000001" name="By chance" '
           'startPosition="0" endPosition="9" '
           'creatingUser="a1b2c3d4-0000-4000-8000-000000000001" '
           'creationDateTime="2024-02-29T14:30:01.1234567Z">'
           '<Coding guid="c0d10000-0000-4000-8000-000000000001" '
           'creatingUser="a1b2c3d4-0000-4000-8000-000000000001" '
           'creationDateTime="2024-02-29T14:30:01.1234567Z">'
           f'<CodeRef targetGUID="{G1}"/></Coding></PlainTextSelection></TextSource>'
           "</Sources></Project>")
    with zipfile.ZipFile(tmp_path / "in.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
    store = open_store(tmp_path / "p.db")
    try:
        import_file(store, tmp_path / "in.qdpx")
        assert store.conn.execute("SELECT created_at FROM codings").fetchone()[0] == \
            "2024-02-29T14:30:01.123456+00:00"
        export_project(store, tmp_path / "out.qdpx")
    finally:
        store.close()
    times = _times(tmp_path / "out.qdpx")
    assert times["TextSource"] == ["2024-02-29T14:30:00Z"]
    assert times["Coding"] == ["2024-02-29T14:30:01.123456Z"]


# ------------------------------------------------------- consensus codings
def _reconciled(path: Path, text_file: Path, words: str) -> None:
    """A project of one transcript where ana and bea coded ``words`` and the team
    reconciled them into ``consensus`` (a logged reconcile decision)."""
    from qualcoder_ahp.importers import import_paths

    store = open_store(path)
    try:
        import_paths(store, [text_file])
        theme = store.add_theme("Chance", coder="ana")
        tid = store.transcripts()[0].id
        text = store.transcript_text(tid)
        start = text.index(words)
        end = start + len(words)
        for coder in ("ana", "bea"):
            store.code(tid, theme.id, coder, start, end)
        store.reconcile(tid, theme.id, "consensus", [(start, end)], rule="take",
                        compared=["ana", "bea"], start=start, end=end)
    finally:
        store.close()


def test_consensus_codings_imported_say_they_have_no_reconcile_decision(
        tmp_path: Path) -> None:
    """Added to a consensus coder who holds the team's reconciled codings here, they were
    mixed in without a word: the report says how many, beside how many, and that
    qcahp reconcile log does not list them; into a fresh project, that they came
    without decisions."""
    text_file = tmp_path / "amira.txt"
    text_file.write_text("Interviewer: How did you start?\nAmira: By chance, and then by "
                         "choice. It was luck.\n", encoding="utf-8")
    _reconciled(tmp_path / "a.db", text_file, "By chance")
    _reconciled(tmp_path / "b.db", text_file, "It was luck.")
    assert _cli("--db", str(tmp_path / "a.db"), "refi", "export",
                str(tmp_path / "a.qdpx")).exit_code == 0
    result = _cli("--db", str(tmp_path / "b.db"), "refi", "import", str(tmp_path / "a.qdpx"))
    assert result.exit_code == 0, result.output
    assert ("1 consensus coding added to consensus, this project's consensus coder, beside "
            "the 1 coding it held: it has no reconcile decision here (qcahp reconcile log "
            "lists it as imported from a.qdpx, without a rule or the coders compared)."
            in result.output.replace("\n", " ")), result.output
    store = open_store(tmp_path / "b.db")
    try:
        assert sorted(c.origin for c in store.codings(coder="consensus")) == [
            "consensus", "consensus"]
        assert len(store.reconcile_log()) == 1
    finally:
        store.close()
    result = _cli("--db", str(tmp_path / "fresh.db"), "refi", "import",
                  str(tmp_path / "a.qdpx"))
    assert ("1 consensus coding of consensus (the team's reconciled result in the file) "
            "came without the reconcile decision that made it: qcahp reconcile log lists "
            "it as imported from a.qdpx, without a rule or the coders compared."
            in result.output.replace("\n", " ")), result.output


def test_a_file_user_given_to_the_consensus_coder_is_consensus_codings(
        tmp_path: Path) -> None:
    """--coder-map gives a user whose codings are not marked consensus in the file to
    this project's consensus coder: they came in as origin 'imported' inside the
    reconciled result. They are consensus codings, counted as added without decisions,
    and the user is not said to be "called 'consensus'" (only their coder here is)."""
    text_file = tmp_path / "amira.txt"
    text_file.write_text("Interviewer: How did you start?\nAmira: By chance, and then by "
                         "choice. It was luck.\n", encoding="utf-8")
    _reconciled(tmp_path / "a.db", text_file, "By chance")
    store = open_store(tmp_path / "a.db")
    try:
        tid = store.transcripts()[0].id
        text = store.transcript_text(tid)
        start = text.index("then by choice")
        store.code(tid, "chance", "cy", start, start + len("then by choice"))
    finally:
        store.close()
    _reconciled(tmp_path / "b.db", text_file, "It was luck.")
    assert _cli("--db", str(tmp_path / "a.db"), "refi", "export",
                str(tmp_path / "a.qdpx")).exit_code == 0
    result = _cli("--db", str(tmp_path / "b.db"), "refi", "import", str(tmp_path / "a.qdpx"),
                  "--coder-map", "cy=consensus")
    assert result.exit_code == 0, result.output
    store = open_store(tmp_path / "b.db")
    try:
        assert sorted(c.origin for c in store.codings(coder="consensus")) == [
            "consensus"] * 3
    finally:
        store.close()
    said = result.output.replace("\n", " ")
    assert ("2 consensus codings added to consensus, this project's consensus coder, "
            "beside the 1 coding it held: the added ones have no reconcile decision here "
            "(qcahp reconcile log lists them as imported from a.qdpx, without a rule or the "
            "coders compared)." in said), result.output
    assert "both called" not in said


# ------------------------------------------------------------ merged themes
def test_the_record_of_a_merge_travels_in_the_code_description(tmp_path: Path) -> None:
    """The merged theme (retired, no codings left) does not go out; the record that it
    was merged, and into which code, was lost. It goes in the target code's Description
    (text the other tool shows), comes back in the theme's description, and goes out
    again as it was. A merge on (A into B into C) is recorded under C."""
    from qualcoder_ahp.importers import import_paths

    (tmp_path / "amira.txt").write_text(
        "Interviewer: How did you start?\nAmira: By chance, and then by choice.\n",
        encoding="utf-8")
    store = open_store(tmp_path / "p.db")
    try:
        import_paths(store, [tmp_path / "amira.txt"])
        chance = store.add_theme("Chance", coder="ana")
        luck = store.add_theme("Luck", coder="ana")
        fate = store.add_theme("Fate", coder="bea")
        tid = store.transcripts()[0].id
        text = store.transcript_text(tid)
        store.code(tid, luck.id, "ana", text.index("By chance"), text.index(", and"))
        store.code(tid, fate.id, "bea", text.index("then"), text.index(" by choice"))
        store.merge_theme(fate.id, luck.id, coder="bea")
        store.merge_theme(luck.id, chance.id, coder="ana")
        export_project(store, tmp_path / "out.qdpx")
        export_codebook(store, tmp_path / "book.qdc")
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        qde = archive.read("project.qde")
    validate_both(qde, "Project.xsd")
    validate_both((tmp_path / "book.qdc").read_bytes(), "Codebook.xsd")
    codes = {c.get("name"): c.findtext(f"{PR}Description")
             for c in etree.fromstring(qde).iter(f"{PR}Code")}
    assert set(codes) == {"Chance"}
    day = codes["Chance"].split("by bea on ")[1][:10]  # the day of both merges
    assert codes["Chance"] == (
        "Merged into this code (qcahp codebook merge-theme):\n"
        f"- Fate (theme id fate), by bea on {day}\n"
        f"- Luck (theme id luck), by ana on {day}\n\n"
        "Theme id: chance")
    book = etree.fromstring((tmp_path / "book.qdc").read_bytes())
    assert [c.findtext(f"{CB}Description") for c in book.iter(f"{CB}Code")] == [
        codes["Chance"]]
    fresh = open_store(tmp_path / "fresh.db")
    try:
        import_file(fresh, tmp_path / "out.qdpx")
        assert fresh.themes()[0].description == codes["Chance"].rpartition("\n\n")[0]
        export_project(fresh, tmp_path / "two.qdpx")
    finally:
        fresh.close()
    with zipfile.ZipFile(tmp_path / "two.qdpx") as archive:
        assert archive.read("project.qde") == qde


# ------------------------------------- a team's export into a project that overlaps
def test_an_export_into_a_project_holding_some_of_its_transcripts(tmp_path: Path) -> None:
    """The same text is matched (its codings join it); other text under a name taken
    here is refused in one line, the project unchanged, or with --new-version stored
    as a new version, which the summary now says (it counted "2 transcripts" alone,
    and 'grace' silently named the file's text from then on)."""
    from qualcoder_ahp.importers import import_paths

    for folder, grace in (("a", "I planned it all."), ("b", "I planned it, mostly.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "helen.txt").write_text(
            "Interviewer: How did you start?\nHelen: By chance, really.\n", encoding="utf-8")
        (tmp_path / folder / "grace.txt").write_text(
            f"Interviewer: And you?\nGrace: {grace}\n", encoding="utf-8")
    (tmp_path / "a" / "omar.txt").write_text("Interviewer: Tell me.\nOmar: A friend.\n",
                                             encoding="utf-8")
    for folder in ("a", "b"):
        store = open_store(tmp_path / f"{folder}.db")
        try:
            import_paths(store, sorted((tmp_path / folder).iterdir()))
            theme = store.add_theme("Chance", coder="ana")
            for info in store.transcripts():
                text = store.transcript_text(info.id)
                store.code(info.id, theme.id, "ana", len(text) - 8, len(text) - 1)
        finally:
            store.close()
    assert _cli("--db", str(tmp_path / "a.db"), "refi", "export",
                str(tmp_path / "a.qdpx")).exit_code == 0
    db = str(tmp_path / "b.db")
    before = (tmp_path / "b.db").read_bytes()
    refused = _cli("--db", db, "refi", "import", str(tmp_path / "a.qdpx"))
    assert refused.exit_code != 0
    assert refused.output.strip().splitlines()[-1] == (
        f"Error: {tmp_path / 'a.qdpx'}: a different transcript named 'grace' is already "
        "stored; nothing imported: choose with --transcript-clash new-version, rename or "
        "skip (--new-version stores it as a new version)")
    assert (tmp_path / "b.db").read_bytes() == before
    result = _cli("--db", db, "refi", "import", str(tmp_path / "a.qdpx"), "--new-version")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("(project): 2 transcripts, 2 codings, 1 participant."), lines
    assert ("grace: the file's text differs from the grace here: stored as version 2 "
            "(--new-version), each version with its own codings; 'grace' now names "
            "version 2, 'grace@1' the one before." in lines), lines
    assert "Already here: 1 theme, 1 transcript, 1 coding, 2 participants." in lines, lines
    store = open_store(tmp_path / "b.db")
    try:
        versions = {(t.name, t.version): len(store.codings(transcript_id=t.id))
                    for t in store.transcripts()}
    finally:
        store.close()
    assert versions == {("grace", 1): 1, ("grace", 2): 1, ("helen", 1): 1, ("omar", 1): 1}


def test_a_yaml_codebook_loaded_after_the_qdc_decides_the_colours(tmp_path: Path) -> None:
    """A later YAML version of the codebook gives every theme its colour (grey when it
    has none): its themes no longer go out without one."""
    book = tmp_path / "book.qdc"
    book.write_text(QDC, encoding="utf-8")
    db = str(tmp_path / "p.db")
    assert _cli("--db", db, "codebook", "load", str(book)).exit_code == 0
    yaml_book = tmp_path / "book.yaml"
    yaml_book.write_text('name: book\nthemes:\n  - id: career\n    name: Career\n'
                         '  - id: plain\n    name: Plain\n    color: "#888888"\n'
                         '  - id: red\n    name: Red\n    color: "#CC0000"\n',
                         encoding="utf-8")
    result = _cli("--db", db, "codebook", "load", str(yaml_book))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.qdc"
    assert _cli("--db", db, "refi", "export-codebook", str(out)).exit_code == 0
    assert _colours(out) == {"Career": "#888888", "Plain": "#888888", "Red": "#CC0000"}
