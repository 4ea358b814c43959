"""Follow-ups of the REFI-QDA audit (session 19, refi2): who a one-user file's codings
belong to, versions of a transcript out and back, codes without a colour, no empty
project left by a file with nothing to import, and the document-variables notice and
unnamed sources.

Each test failed on the code before these fixes.
"""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.refi import export_project, import_file
from tests.conftest import make_parsed
from tests.test_refi_import import table_counts
from tests.test_refi_support import validate_both
from tests.test_s19_refi_tools import SAM, cp, qdpx, selection

NS = "{urn:QDA-XML:project:1.0}"
TEXT = "Interviewer: How did you start?\nAmira: By chance, and then by choice."
CODE = ('<CodeBook><Codes><Code guid="C0DE0000-0000-4000-8000-000000000001" name="Luck" '
        'isCodable="true"/></Codes></CodeBook>')


def _cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _one_user_file(tmp_path: Path, users: str) -> Path:
    """A file whose two codings and a source memo name no user (creatingUser is
    optional in the schema; QualCoder and Taguette leave it out)."""
    qde = (f'<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="QualCoder 3.5">'
           f"<Users>{users}</Users>{CODE}<Sources>"
           '<TextSource guid="0D0D0D0D-0000-4000-8000-000000000001" name="Amira">'
           f"<PlainTextContent>{TEXT}</PlainTextContent>"
           + selection(1, "By chance", cp(TEXT, "By chance"), 1, None)
           + selection(2, "by choice", cp(TEXT, "by choice"), 1, None)
           + '<NoteRef targetGUID="A07E0000-0000-4000-8000-000000000001"/></TextSource>'
           '</Sources><Notes><Note guid="A07E0000-0000-4000-8000-000000000001" name="n">'
           "<PlainTextContent>Met at the trust.</PlainTextContent></Note></Notes></Project>")
    return qdpx(tmp_path / "one.qdpx", {"project.qde": qde})


def test_one_user_file_codings_that_name_no_user_are_that_users(tmp_path: Path) -> None:
    """They went to a coder "imported", and the file's one user was reported as a new
    coder who brought nothing."""
    path = _one_user_file(tmp_path, f'<User guid="{SAM}" name="Sam"/>')
    result = _cli("--db", str(tmp_path / "p.db"), "refi", "import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "2 codings and 1 memo name no coder: attributed to Sam, the file's only user "
        "(--default-coder NAME gives them to another coder).",
        "Source 'Amira' has no case: it is the participant named as its transcript, as "
        "`qcahp import` names one after its file."]  # (session 24)
    with sqlite3.connect(tmp_path / "p.db") as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM coders")] == ["Sam"]
        assert conn.execute("SELECT DISTINCT k.name FROM codings c JOIN coders k ON "
                            "k.id = c.coder_id").fetchall() == [("Sam",)]
        assert conn.execute("SELECT k.name, m.text FROM memos m JOIN coders k ON "
                            "k.id = m.coder_id").fetchall() == [("Sam", "Met at the trust.")]
    again = _cli("--db", str(tmp_path / "p.db"), "refi", "import", str(path))
    assert "nothing new (already imported)" in again.stdout


def test_several_users_or_a_chosen_default_keep_the_default_coder(tmp_path: Path) -> None:
    """With two users the file does not say whose they are: "imported" as before; and
    --default-coder still decides when given."""
    two = _one_user_file(tmp_path, f'<User guid="{SAM}" name="Sam"/>'
                         '<User guid="A1B2C3D4-0000-4000-8000-000000000002" name="Kim"/>')
    store = open_store(tmp_path / "two.db")
    try:
        report = import_file(store, two)
        assert {c.coder for c in store.codings()} == {"imported"}
        assert report.attributed is None
        assert not any("attributed" in line for line in report.details())
    finally:
        store.close()
    one = _one_user_file(tmp_path, f'<User guid="{SAM}" name="Sam"/>')
    result = _cli("--db", str(tmp_path / "lead.db"), "refi", "import", str(one),
                  "--default-coder", "lead")
    assert "attributed" not in result.stdout
    with sqlite3.connect(tmp_path / "lead.db") as conn:
        assert conn.execute("SELECT DISTINCT k.name FROM codings c JOIN coders k ON "
                            "k.id = c.coder_id").fetchall() == [("lead",)]


FIRST = make_parsed([("Interviewer", "interviewer", "How did you start?"),
                     ("Helen", "participant", "By chance.")])


def _two_versions(path: Path) -> None:
    """A project holding two versions of one interview, each coded, with a third
    transcript of its own."""
    store = open_store(path)
    try:
        store.save_codebook(Codebook("cb", (Theme("luck", "Luck", color="#CC6677"),)))
        first = FIRST
        second = make_parsed([("Interviewer", "interviewer", "How did you start?"),
                              ("Helen", "participant", "By chance, then by choice.")])
        other = make_parsed([("Ben", "participant", "Luck, mostly.")])
        for parsed, new in ((first, False), (second, True)):
            info, _ = store.add_transcript("helen", parsed, new_version=new)
            start = parsed.text.index("By chance")
            store.code(info.id, "luck", "ana", start, start + 9)
        info, _ = store.add_transcript("ben", other)
        store.code(info.id, "luck", "ana", 0, 4)
    finally:
        store.close()


def _shown(path: Path) -> list[tuple[str, int, str, list[str]]]:
    store = open_store(path)
    try:
        return [(t.name, t.version, store.transcript_text(t.id),
                 [c.quote for c in store.codings(transcript_id=t.id)])
                for t in store.transcripts()]
    finally:
        store.close()


def test_versions_of_a_transcript_come_back_as_versions(tmp_path: Path) -> None:
    """Two versions of one transcript went out as "helen (v1)" and "helen (v2)" and
    came back as two transcripts of those names, each version 1."""
    _two_versions(tmp_path / "a.db")
    store = open_store(tmp_path / "a.db")
    try:
        export_project(store, tmp_path / "a.qdpx")
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "a.qdpx") as archive:
        first = archive.read("project.qde")
    validate_both(first, "Project.xsd")
    sources = {s.get("name"): s.findtext(f"{NS}Description")
               for s in etree.fromstring(first).iter(f"{NS}TextSource")}
    assert sorted(sources) == ["ben", "helen (v1)", "helen (v2)"]  # other tools: 3 names
    assert sources["helen (v2)"].startswith("Transcript: helen\nVersion: 2\n\n"
                                            "Speakers and roles:")
    fresh = open_store(tmp_path / "b.db")
    try:
        report = import_file(fresh, tmp_path / "a.qdpx")
        assert report.added["transcripts"] == 3 and report.added["memos"] == 0
        export_project(fresh, tmp_path / "b.qdpx")
        counts = table_counts(fresh)
        assert import_file(fresh, tmp_path / "a.qdpx").nothing_added
        assert table_counts(fresh) == counts
    finally:
        fresh.close()
    assert _shown(tmp_path / "b.db") == _shown(tmp_path / "a.db")
    assert [(name, version) for name, version, _, _ in _shown(tmp_path / "b.db")] == [
        ("ben", 1), ("helen", 1), ("helen", 2)]
    with zipfile.ZipFile(tmp_path / "b.qdpx") as archive:
        assert archive.read("project.qde") == first  # out, in and out: the same bytes
    held = open_store(tmp_path / "c.db")  # holds the first version only: v2 is its next
    try:
        held.add_transcript("helen", FIRST)
        import_file(held, tmp_path / "a.qdpx")
        assert [(t.name, t.version) for t in held.transcripts()] == [
            ("ben", 1), ("helen", 1), ("helen", 2)]
    finally:
        held.close()


def test_a_version_renamed_in_another_tool_keeps_its_new_name(tmp_path: Path) -> None:
    """The marker is followed only while the source still has the name we gave it."""
    _two_versions(tmp_path / "a.db")
    store = open_store(tmp_path / "a.db")
    try:
        export_project(store, tmp_path / "a.qdpx")
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "a.qdpx") as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    entries["project.qde"] = entries["project.qde"].replace(b'name="helen (v2)"',
                                                            b'name="Helen, second take"')
    fresh = open_store(tmp_path / "c.db")
    try:
        import_file(fresh, qdpx(tmp_path / "renamed.qdpx", entries))
        assert [(t.name, t.version) for t in fresh.transcripts()] == [
            ("Helen, second take", 1), ("ben", 1), ("helen", 1)]
    finally:
        fresh.close()


def test_a_code_without_a_colour_goes_out_without_one(tmp_path: Path) -> None:
    """A code the other tool gave no colour was exported as #888888, a grey it never
    had; a code with a colour keeps it."""
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="MAXQDA 2022">'
           '<CodeBook><Codes><Code guid="C0DE0000-0000-4000-8000-000000000001" name="Plain" '
           'isCodable="true"/><Code guid="C0DE0000-0000-4000-8000-000000000002" name="Red" '
           'isCodable="true" color="#D62728"/></Codes></CodeBook></Project>')
    store = open_store(tmp_path / "p.db")
    try:
        import_file(store, qdpx(tmp_path / "in.qdpx", {"project.qde": qde}))
        assert {t.name: t.color for t in store.themes()}["Plain"] == "#888888"  # shown grey
        export_project(store, tmp_path / "out.qdpx")
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        out = archive.read("project.qde")
    validate_both(out, "Project.xsd")
    colours = {c.get("name"): c.get("color") for c in etree.fromstring(out).iter(f"{NS}Code")}
    assert colours == {"Plain": None, "Red": "#D62728"}


def test_a_file_with_nothing_to_import_leaves_no_project_behind(tmp_path: Path) -> None:
    """A refused file left no database in a new folder, but a file with nothing to
    import left an empty one, which the next command took for a project."""
    path = qdpx(tmp_path / "empty.qdpx", {"project.qde": (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Empty" origin="NVivo 14"><Sources>'
        '<PDFSource guid="0DF00000-0000-4000-8000-000000000001" name="Policy paper"/>'
        "</Sources></Project>")})
    target = tmp_path / "study.db"
    result = _cli("--db", str(target), "refi", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "nothing imported" in result.stdout
    assert not target.exists()
    kept = tmp_path / "kept.db"
    open_store(kept).close()  # an existing project stays, of course
    _cli("--db", str(kept), "refi", "import", str(path))
    assert kept.exists()


def test_variables_notice_is_information_and_unnamed_sources_get_names(
        tmp_path: Path) -> None:
    """MAXQDA's document variables were announced with "Warning:", and a source with no
    name was named by its GUID."""
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="MAXQDA 2022">'
           '<Variables><Variable guid="9B000000-0000-4000-8000-000000000001" name="Age" '
           'typeOfVariable="Integer"/></Variables><Sources>'
           '<TextSource guid="ABCDEF00-0000-4000-8000-000000000001" '
           'plainTextPath="internal://Interview%203.txt">'
           '<VariableValue><VariableRef targetGUID="9B000000-0000-4000-8000-000000000001"/>'
           "<IntegerValue>47</IntegerValue></VariableValue></TextSource>"
           '<TextSource guid="ABCDEF00-0000-4000-8000-000000000002" '
           'plainTextPath="internal://ABCDEF00-0000-4000-8000-000000000002.txt"/>'
           "</Sources></Project>")
    path = qdpx(tmp_path / "maxqda.qdpx", {
        "project.qde": qde, "sources/Interview 3.txt": "A: I lead the service.",
        "sources/ABCDEF00-0000-4000-8000-000000000002.txt": "B: I lead the team."})
    result = _cli("--db", str(tmp_path / "p.db"), "refi", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
    assert ("Source 'Interview 3': its variables (Age) are kept as attributes of "
            "participant 'Interview 3' (attributes here belong to participants)."
            in result.stdout.splitlines())
    store = open_store(tmp_path / "p.db")
    try:
        assert [t.name for t in store.transcripts()] == ["Interview 3", "source 2"]
    finally:
        store.close()
