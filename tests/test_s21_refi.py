"""REFI-QDA exchange, session 21: a grey chosen on purpose, users a file does not list,
consensus coders, and a whole team's project out, into a fresh project and out again.

Each test covers something the exchange lost or got wrong before: a theme coloured
``#888888`` went out with no colour; a coding whose ``creatingUser`` the file's
``Users`` did not list went to the coder ``imported`` without a word; a consensus coder
not called ``consensus`` came back an ordinary coder; and a coding memo's ``Note`` was
named by a row number (``coding 272``) that differs from one project to the next.
"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.importers import import_paths
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.refi import export_codebook, export_project, import_file
from tests.test_refi_import import table_counts
from tests.test_refi_support import validate_both
from tests.test_s19_refi_roundtrip import build_demo_study, describe
from tests.test_s19_refi_tools import SAM, cp, qdpx

NS = "{urn:QDA-XML:project:1.0}"
TEXT = "Interviewer: How did you start?\nAmira: By chance, and then by choice."
GREY, PLAIN = "C0DE0000-0000-4000-8000-000000000001", "C0DE0000-0000-4000-8000-000000000002"
CODES = (f'<CodeBook><Codes><Code guid="{GREY}" name="Grey" isCodable="true" '
         f'color="#888888"/><Code guid="{PLAIN}" name="Plain" isCodable="true"/></Codes>'
         "</CodeBook>")
# Two users the file does not list, whose GUIDs start alike (hand-made files number them).
GHOST, OTHER = "B2000000-0000-4000-8000-0000000000FE", "B2000000-0000-4000-8000-0000000000FF"


def _cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _codes(qde: bytes) -> dict[str, str | None]:
    return {c.get("name"): c.get("color") for c in etree.fromstring(qde).iter(f"{NS}Code")}


def _select(n: int, quote: str, user: str | None, code: str = GREY, note: str = "") -> str:
    start, end = cp(TEXT, quote)
    who = f' creatingUser="{user}"' if user else ""
    return (f'<PlainTextSelection guid="5E100000-0000-4000-8000-0000000000{n:02d}" '
            f'name="{quote}" startPosition="{start}" endPosition="{end}"{who}>'
            f'<Coding guid="C0D10000-0000-4000-8000-0000000000{n:02d}"{who}>'
            f'<CodeRef targetGUID="{code}"/></Coding>{note}</PlainTextSelection>')


def _file(path: Path, selections: str, notes: str = "") -> Path:
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14">'
           f'<Users><User guid="{SAM}" name="Sam"/></Users>{CODES}<Sources>'
           '<TextSource guid="0D0D0D0D-0000-4000-8000-000000000001" name="Amira">'
           f"<PlainTextContent>{TEXT}</PlainTextContent>{selections}</TextSource></Sources>"
           f"{notes}</Project>")
    return qdpx(path, {"project.qde": qde})


# ----------------------------------------------------------------- 1. colours
def test_a_grey_chosen_on_purpose_goes_out_grey(tmp_path: Path) -> None:
    """A code coloured #888888 in the other tool, or a theme given that grey here, went
    out with no colour; a code the file gave no colour still goes back without one, in
    the project and in the codebook, after a round trip too."""
    store = open_store(tmp_path / "p.db")
    try:
        import_file(store, _file(tmp_path / "in.qdpx", _select(1, "By chance", SAM)))
        assert {t.name: t.color for t in store.themes()} == {"Grey": "#888888",
                                                           "Plain": "#888888"}
        added = store.add_theme("Chosen grey", coder="sam")
        store.edit_theme(added.id, coder="sam", color="#888888")
        export_project(store, tmp_path / "out.qdpx")
        export_codebook(store, tmp_path / "book.qdc")
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        qde = archive.read("project.qde")
    validate_both(qde, "Project.xsd")
    validate_both((tmp_path / "book.qdc").read_bytes(), "Codebook.xsd")
    want = {"Grey": "#888888", "Plain": None, "Chosen grey": "#888888"}
    assert _codes(qde) == want
    book = etree.fromstring((tmp_path / "book.qdc").read_bytes())
    assert {c.get("name"): c.get("color") for c in book.iter(
        "{urn:QDA-XML:codebook:1.0}Code")} == want
    fresh = open_store(tmp_path / "fresh.db")
    try:  # and again from a fresh project made of the export
        import_file(fresh, tmp_path / "out.qdpx")
        assert fresh.refi_uncoloured() == {PLAIN.lower()}
        export_project(fresh, tmp_path / "two.qdpx")
    finally:
        fresh.close()
    with zipfile.ZipFile(tmp_path / "two.qdpx") as archive:
        assert _codes(archive.read("project.qde")) == want
    # Given a colour here, even the grey again after another, it is a colour.
    store = open_store(tmp_path / "fresh.db")
    try:
        plain = next(t.id for t in store.themes() if t.name == "Plain")
        store.edit_theme(plain, coder="sam", color="#CC6677")
        store.edit_theme(plain, coder="sam", color="#888888")
        assert store.refi_uncoloured() == set()
        export_codebook(store, tmp_path / "three.qdc")
    finally:
        store.close()
    three = etree.fromstring((tmp_path / "three.qdc").read_bytes())
    assert {c.get("name"): c.get("color") for c in three.iter(
        "{urn:QDA-XML:codebook:1.0}Code")} == {**want, "Plain": "#888888"}


def test_a_dry_run_remembers_no_colourless_code(tmp_path: Path) -> None:
    store = open_store(tmp_path / "p.db")
    try:
        import_file(store, _file(tmp_path / "in.qdpx", ""), dry_run=True)
        assert store.refi_uncoloured() == set() and store.themes() == []
    finally:
        store.close()


# ---------------------------------------------------------- 2. unlisted users
def test_a_user_the_file_does_not_list_is_a_coder_of_their_own(tmp_path: Path) -> None:
    """Their codings went to the coder "imported" without a word, with any other
    unlisted user's: two people's work became one coder's."""
    note = '<NoteRef targetGUID="A07E0000-0000-4000-8000-000000000001"/>'
    path = _file(tmp_path / "in.qdpx",
                 _select(1, "By chance", SAM) + _select(2, "By chance", GHOST, note=note)
                 + _select(3, "by choice", OTHER, PLAIN),
                 '<Notes><Note guid="A07E0000-0000-4000-8000-000000000001" name="n" '
                 f'creatingUser="{GHOST}"><PlainTextContent>Said twice.</PlainTextContent>'
                 "</Note></Notes>")
    result = _cli("--db", str(tmp_path / "p.db"), "refi", "import", str(path))
    assert result.exit_code == 0, result.output
    ghost, other = GHOST.lower(), OTHER.lower()
    assert result.stdout.splitlines() == [
        f"Imported {path} (project): 2 themes, 3 coders, 1 transcript, 3 codings, 1 memo, "
        "1 participant.",  # (named as its transcript, as qcahp import names one: s24)
        f"1 coding and 1 memo name a user the file does not list ({ghost}): kept apart as "
        "the new coder 'unknown user b2000000' (name the coder with qcahp coders rename, "
        f"or give them to a coder of yours with --coder-map \"{ghost}=NAME\").",
        f"1 coding names a user the file does not list ({other}): kept apart as the new "
        f"coder 'unknown user {other}' (name the coder with qcahp coders rename, or give "
        f"it to a coder of yours with --coder-map \"{other}=NAME\").",
        "Source 'Amira' has no case: it is the participant named as its transcript, as "
        "`qcahp import` names one after its file."]
    with sqlite3.connect(tmp_path / "p.db") as conn:
        coders = dict(conn.execute("SELECT name, guid FROM coders"))
        assert coders == {"Sam": SAM.lower(), "unknown user b2000000": ghost,
                          f"unknown user {other}": other}
        assert sorted(conn.execute(
            "SELECT k.name, c.quote FROM codings c JOIN coders k ON k.id = c.coder_id")) == [
            ("Sam", "By chance"), ("unknown user b2000000", "By chance"),
            (f"unknown user {other}", "by choice")]
        assert conn.execute("SELECT k.name, m.text FROM memos m JOIN coders k ON "
                            "k.id = m.coder_id").fetchall() == [
            ("unknown user b2000000", "Said twice.")]
    again = _cli("--db", str(tmp_path / "p.db"), "refi", "import", str(path))
    assert again.stdout.splitlines() == [f"{path}: nothing new (already imported)."]
    # Exported, the stand-in coders are users of the file: a tool that reads it back
    # (and this one) finds the same coders by their GUIDs.
    store = open_store(tmp_path / "p.db")
    try:
        export_project(store, tmp_path / "out.qdpx")
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        qde = archive.read("project.qde")
    validate_both(qde, "Project.xsd")
    users = {u.get("guid") for u in etree.fromstring(qde).iter(f"{NS}User")}
    assert users == {SAM.lower(), ghost, other}


def test_an_unlisted_user_can_be_given_to_a_coder(tmp_path: Path) -> None:
    """--coder-map takes the GUID (or the stand-in name) of a user the file does not
    list; the coder is reused when they exist, and the report says whose they became."""
    path = _file(tmp_path / "in.qdpx", _select(1, "By chance", GHOST)
                 + _select(2, "by choice", OTHER, PLAIN))
    db = tmp_path / "p.db"
    store = open_store(db)
    try:
        store.ensure_coder("kim")
    finally:
        store.close()
    result = _cli("--db", str(db), "refi", "import", str(path), "--coder-map",
                  f"{{{GHOST}}}=kim", "--coder-map", "unknown user b2000000=lee")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (f"Imported {path} (project): 2 themes, 2 coders, 1 transcript, "
                        "2 codings, 1 participant.")  # Sam, listed with no work, and lee
    assert lines[1] == (f"1 coding names a user the file does not list ({GHOST.lower()}): "
                        "given to the coder 'kim' here.")
    assert lines[2] == (f"1 coding names a user the file does not list ({OTHER.lower()}): "
                        "given to the new coder 'lee' (--coder-map).")
    with sqlite3.connect(db) as conn:
        assert sorted(conn.execute("SELECT k.name, c.quote FROM codings c JOIN coders k "
                                   "ON k.id = c.coder_id")) == [("kim", "By chance"),
                                                                ("lee", "by choice")]


def test_a_refused_file_with_unlisted_users_changes_nothing(tmp_path: Path) -> None:
    """The stand-in coders are made inside the import's transaction: a file refused
    part-way (a source whose name is taken by other text) leaves no coder behind."""
    store = open_store(tmp_path / "p.db")
    try:
        from tests.conftest import make_parsed

        store.add_transcript("Amira", make_parsed([("Amira", "participant", "Other words.")]))
        before = table_counts(store)
        path = _file(tmp_path / "in.qdpx", _select(1, "By chance", GHOST))
        with pytest.raises(UserError, match="Amira"):
            import_file(store, path)
        assert table_counts(store) == before
        assert [r[0] for r in store.conn.execute("SELECT name FROM coders")] == []
    finally:
        store.close()


# ------------------------------------------------------ 3. a team's project
def _team_project(store: Store, tmp_path: Path) -> dict[str, object]:
    """The demo study (two coders, memos of every kind, a framework summary, typed
    attributes, folders) with a third coder, codings over an emoji ZWJ sequence and
    combining accents in a CRLF transcript, two consensus coders (``consensus`` and
    ``agreed``), a merged theme, a retired theme still coded, and rejected
    suggestions."""
    from qualcoder_ahp.suggest import run_suggestions

    build_demo_study(store)
    source = tmp_path / "zoe.txt"
    source.write_bytes(
        "Interviewer: Tell me about the cafe\u0301 \U0001F691 and the board.\r\n"
        "Zoë: It was by chance 👩‍⚕️ really. Q\u0303 and so on.\r\n"
        "Interviewer: And then?\r\nZoë: I moved sideways to the board.\r\n".encode())
    import_paths(store, [source])
    info = next(t for t in store.transcripts() if t.name == "zoe")
    text = store.transcript_text(info.id)
    themes = [t.id for t in store.themes() if t.codable]
    start, end = text.index("It was"), text.index("really.") + len("really.")
    for coder in ("ana", "bea", "cy"):
        store.code(info.id, themes[0], coder, start, end)
    cafe = text.index("café")
    store.code(info.id, themes[1], "ana", cafe, cafe + len("café 🚑"))
    nurse = text.index("👩")
    store.code(info.id, themes[2], "bea", nurse, text.index("Q\u0303") + 2)
    store.reconcile(info.id, themes[0], "consensus", [(start, end)], rule="take",
                    compared=["ana", "bea"], start=start, end=end)
    store.reconcile(info.id, themes[1], "agreed", [(cafe, cafe + 4)], rule="take",
                    compared=["ana", "bea"], start=cafe, end=cafe + 4)
    store.merge_theme(themes[3], themes[4], coder="ana")  # new codings, new row ids
    store.retire_theme(themes[5], coder="ana")
    run_suggestions(store, processes=1)
    for suggestion in store.suggestions()[:3]:
        store.reject(suggestion.id, "bea")
    cy = store.codings(coder="cy")[0]
    store.set_memo("cy", "coding", cy.id, "Same words as ana ✓")
    return {"retired": themes[5], "merged": themes[3], "into": themes[4]}


def _shown(store: Store) -> dict[str, object]:
    names = {t.id: (t.name, t.version) for t in store.transcripts()}
    return {
        "codings": sorted((names[c.transcript_id], c.theme_id, c.coder, c.start, c.end,
                           c.quote, c.memo) for c in store.codings()),
        "turns": {names[t]: [(u.speaker, u.role, u.start, u.end, u.time)
                             for u in store.turns(t)] for t in names},
        "texts": {names[t]: store.transcript_text(t) for t in names},
        "participants": store.participants(),
        "memos": sorted(store.conn.execute(
            "SELECT k.name, m.target_kind, m.text FROM memos m "
            "JOIN coders k ON k.id = m.coder_id").fetchall()),
        "themes": sorted((t.id, t.name, t.parent_id, t.color, t.codable)
                         for t in store.themes()),
        "retired": sorted({c.theme_id for c in store.codings()}
                          - {t.id for t in store.themes()}),
        "consensus": store.consensus_coders(),
        "coders": sorted(r[0] for r in store.conn.execute("SELECT name FROM coders")),
    }


def test_a_team_project_out_and_back(tmp_path: Path) -> None:
    """Export, validate, import into a fresh project, compare, export again: the same
    codings per coder with their offsets and quotes, memos, attributes, turns, themes,
    consensus coders; the two ``project.qde`` byte-identical. A consensus coder not
    called ``consensus`` came back an ordinary coder (counted in agreement), and the
    coding memo's note was named ``coding 272`` in one file and ``coding 274`` in the
    other."""
    first = open_store(tmp_path / "team.db")
    fresh = open_store(tmp_path / "fresh.db")
    try:
        made = _team_project(first, tmp_path)
        export_project(first, tmp_path / "one.qdpx")
        report = import_file(fresh, tmp_path / "one.qdpx")
        assert report.mismatches == [] and report.not_imported == []
        assert report.warnings == [] and report.unlisted == []
        export_project(fresh, tmp_path / "two.qdpx")
        one, two = describe(tmp_path / "one.qdpx"), describe(tmp_path / "two.qdpx")
        assert one == two
        with zipfile.ZipFile(tmp_path / "one.qdpx") as a, zipfile.ZipFile(
                tmp_path / "two.qdpx") as b:
            qde = a.read("project.qde")
            assert qde == b.read("project.qde")
        assert _shown(fresh) == _shown(first)
        assert first.consensus_coders() == {"consensus", "agreed"}
        # The retired theme travels with its codings; the merged one, empty, does not.
        assert _shown(first)["retired"] == [made["retired"]]
        assert {c.theme_id for c in fresh.codings()} >= {made["retired"], made["into"]}
        assert made["merged"] not in {t.id for t in fresh.themes(include_inactive=True)}
        # Consensus codings stay consensus codings, by whatever name.
        assert {c.origin for c in fresh.codings(coder="agreed")} == {"consensus"}
        assert {c.origin for c in fresh.codings(coder="ana")} == {"imported"}
        root = etree.fromstring(qde)
        assert root.findtext(f"{NS}Description") == (
            "The team's reconciled codings (qcahp reconcile) are those of:\n"
            "Consensus coder: consensus\nConsensus coder: agreed")
        names = [n.get("name") for n in root.iter(f"{NS}Note")]
        assert 'Coding memo by cy: ' in "".join(names)
        assert not any(name.split(": ", 1)[1].startswith("coding ") for name in names)
        # Rejected suggestions have no place in REFI-QDA: nothing in the file says them.
        assert first.conn.execute("SELECT COUNT(*) FROM decisions WHERE status = "
                                  "'rejected'").fetchone()[0] == 3
        assert fresh.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
    finally:
        first.close()
        fresh.close()


def test_a_project_description_beside_the_consensus_lines_is_named(tmp_path: Path) -> None:
    """Another tool's project description is still named as not imported; our
    consensus lines are read, not reported."""
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14">'
           f'<Users><User guid="{SAM}" name="Sam"/></Users>{CODES}<Sources>'
           '<TextSource guid="0D0D0D0D-0000-4000-8000-000000000001" name="Amira">'
           f"<PlainTextContent>{TEXT}</PlainTextContent>{_select(1, 'By chance', SAM)}"
           "</TextSource></Sources><Description>Pilot study, wave 2.\r\n"
           "Consensus coder: Sam</Description></Project>")
    store = open_store(tmp_path / "p.db")
    try:
        report = import_file(store, qdpx(tmp_path / "in.qdpx", {"project.qde": qde}))
        assert report.not_imported == [
            "1 description ('the project'): participants, attributes and projects have no "
            "descriptions here"]
        assert store.consensus_coders() == {"consensus", "Sam"}
        ours = _file(tmp_path / "plain.qdpx", "")
        assert import_file(open_store(tmp_path / "q.db"), ours).not_imported == []
    finally:
        store.close()


# ------------------------------------------------------------ 4. damaged files
def _export(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    store = open_store(tmp_path / "src.db")
    try:
        from tests.test_refi_support import build_coded_project

        build_coded_project(store)
        export_project(store, tmp_path / "src.qdpx")
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "src.qdpx") as archive:
        return tmp_path / "src.qdpx", {n: archive.read(n) for n in archive.namelist()}


def test_an_archive_without_a_source_text_is_refused(tmp_path: Path) -> None:
    """A .qdpx zipped again without its sources/ folder was imported without its
    transcripts, and every coding of them left out, said only in warnings."""
    _, entries = _export(tmp_path)
    lost = next(n for n in entries if n.startswith("sources/"))
    path = qdpx(tmp_path / "cut.qdpx", {n: d for n, d in entries.items() if n != lost})
    db = tmp_path / "p.db"
    store = open_store(db)
    try:
        store.ensure_coder("lead")
        before = table_counts(store)
    finally:
        store.close()
    result = _cli("--db", str(db), "refi", "import", str(path))
    assert result.exit_code == 1
    guid = lost.removeprefix("sources/")
    assert result.stderr.splitlines() == [
        f"Error: {path}: the archive is damaged: the text of source 'p01-interview' (internal://"
        f"{guid}) is missing from it; copy or export it again"]
    store = open_store(db)
    try:
        assert table_counts(store) == before
    finally:
        store.close()


def test_a_source_skipped_says_how_many_codings_went_with_it(tmp_path: Path) -> None:
    """A source whose text is binary is skipped with a warning that now counts its
    codings, and no longer also calls it 'read as Windows-1252'."""
    _, entries = _export(tmp_path)
    bad = next(n for n in entries if n.startswith("sources/"))
    path = qdpx(tmp_path / "bin.qdpx", {**entries, bad: b"\x00\xff\x00 not text" * 8})
    store = open_store(tmp_path / "p.db")
    try:
        report = import_file(store, path)
    finally:
        store.close()
    skipped = [w for w in report.warnings if "binary" in w or "Windows-1252" in w]
    assert len(skipped) == 1
    assert skipped[0].startswith("source 'p01-interview': ")
    assert skipped[0].endswith("binary file, not text (contains NUL bytes); skipped, with "
                               "its 4 codings")


def test_two_users_of_one_name_are_said_to_be_one_coder(tmp_path: Path) -> None:
    """Two users of the file called alike (ATLAS.ti's "Admin") became one coder without
    a word; a warning says so, and --coder-map by GUID keeps them apart."""
    two = "A1B2C3D4-0000-4000-8000-000000000002"
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="ATLAS.ti 23">'
           f'<Users><User guid="{SAM}" name="Admin"/><User guid="{two}" name="Admin"/>'
           f"</Users>{CODES}<Sources>"
           '<TextSource guid="0D0D0D0D-0000-4000-8000-000000000001" name="Amira">'
           f"<PlainTextContent>{TEXT}</PlainTextContent>"
           f"{_select(1, 'By chance', SAM)}{_select(2, 'By chance', two)}"
           "</TextSource></Sources></Project>")
    path = qdpx(tmp_path / "in.qdpx", {"project.qde": qde})
    store = open_store(tmp_path / "p.db")
    try:
        report = import_file(store, path)
        assert f"users {SAM.lower()} and {two.lower()} of the file are both called 'Admin': " \
               f"their work is one coder's here, Admin (--coder-map \"{two.lower()}=NAME\" " \
               "keeps them apart)" in report.warnings
    finally:
        store.close()
    store = open_store(tmp_path / "q.db")
    try:
        report = import_file(store, path, coder_map={two: "Admin 2"})
        assert not any("both called" in w for w in report.warnings)
        assert sorted(c.coder for c in store.codings()) == ["Admin", "Admin 2"]
    finally:
        store.close()
