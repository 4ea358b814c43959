"""REFI-QDA exchange, session 22: what exchanging with another tool still lost.

- ``qcahp codebook load X.qdc`` gave every new theme a GUID of its own, so a codebook
  sent back and forth between tools lost its codes' identity: the file's GUIDs are
  kept where they are free and the theme has no codings; and a code renamed in the
  other tool (GUID kept, no Theme id line) is its theme renamed, not a new theme
  beside the old one retired with its codings.
- Consensus codings a .qdpx brought into the consensus had no record of where they
  came from: the reconcile log names the file and the day.
- A .qdpx whose source or code had a name taken here was refused on the first clash,
  with no way through but --new-version; a code named like a theme elsewhere was
  merged into it silently. Every clash is now listed, and --transcript-clash
  (new-version, rename, skip) and --code-clash (merge, rename) say what to do.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from qualcoder_ahp.cli import cli
from tests.test_refi_support import validate_both

CB = "{urn:QDA-XML:codebook:1.0}"

# As NVivo writes a codebook: braces and upper case, nested codes, a folder, a code
# without a colour, a colour with alpha, no "Theme id:" lines.
NVIVO_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">
  <Codes>
    <Code guid="{9F1C0A55-1111-4B1E-9A0B-00000000A001}" name="Career route" isCodable="false">
      <Code guid="{9F1C0A55-1111-4B1E-9A0B-00000000A002}" name="Serendipity" isCodable="true"
            color="#FF7F0EFF">
        <Description>Chance rather than planning.</Description>
      </Code>
      <Code guid="{9F1C0A55-1111-4B1E-9A0B-00000000A003}" name="Planned move" isCodable="true"/>
    </Code>
    <Code guid="9f1c0a55-1111-4b1e-9a0b-00000000a004" name="Board" isCodable="true"
          color="#1F77B4"/>
  </Codes>
</CodeBook>
"""


def _cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _guids(path: Path) -> dict[str, str]:
    book = etree.fromstring(path.read_bytes())
    return {c.get("name"): c.get("guid") for c in book.iter(f"{CB}Code")}


def test_a_qdc_loaded_as_the_codebook_keeps_its_guids(tmp_path: Path) -> None:
    """Other tool -> codebook load -> export: the tool's GUIDs (normalised); and our
    export -> load into a fresh project -> export: the same GUIDs, byte for byte."""
    nvivo = tmp_path / "nvivo.qdc"
    nvivo.write_text(NVIVO_QDC, encoding="utf-8")
    db = str(tmp_path / "a.db")
    assert _cli("--db", db, "codebook", "load", str(nvivo)).exit_code == 0
    out = tmp_path / "a.qdc"
    assert _cli("--db", db, "refi", "export-codebook", str(out)).exit_code == 0
    validate_both(out.read_bytes(), "Codebook.xsd")
    assert _guids(out) == {
        "Career route": "9f1c0a55-1111-4b1e-9a0b-00000000a001",
        "Serendipity": "9f1c0a55-1111-4b1e-9a0b-00000000a002",
        "Planned move": "9f1c0a55-1111-4b1e-9a0b-00000000a003",
        "Board": "9f1c0a55-1111-4b1e-9a0b-00000000a004"}
    db2 = str(tmp_path / "b.db")
    assert _cli("--db", db2, "codebook", "load", str(out)).exit_code == 0
    again = tmp_path / "b.qdc"
    assert _cli("--db", db2, "refi", "export-codebook", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    # The codes NVivo gave no colour still go back without one (remembered by GUID).
    book = etree.fromstring(again.read_bytes())
    colours = {c.get("name"): c.get("color") for c in book.iter(f"{CB}Code")}
    assert colours["Planned move"] is None and colours["Board"] == "#1F77B4"


def test_a_guid_taken_or_a_coded_theme_keeps_its_own(tmp_path: Path) -> None:
    """A GUID another theme of the file holds here is not taken from it, and a theme
    with codings keeps the GUID it may have gone out under."""
    from qualcoder_ahp.importers import import_paths
    from qualcoder_ahp.model.store import open_store

    text = tmp_path / "helen.txt"
    text.write_text("Interviewer: How?\nHelen: By chance, really.\n", encoding="utf-8")
    store = open_store(tmp_path / "p.db")
    try:
        import_paths(store, [text])
        board = store.add_theme("Board", coder="ana")
        tid = store.transcripts()[0].id
        store.code(tid, board.id, "ana", 0, 5)
        # Board holds the GUID the file gives 'Planned move'.
        store.conn.execute("UPDATE themes SET guid = ? WHERE id = ?",
                           ["9f1c0a55-1111-4b1e-9a0b-00000000a003", board.id])
        store.conn.commit()
    finally:
        store.close()
    nvivo = tmp_path / "nvivo.qdc"
    nvivo.write_text(NVIVO_QDC, encoding="utf-8")
    result = _cli("--db", str(tmp_path / "p.db"), "codebook", "load", str(nvivo))
    assert result.exit_code == 0, result.output
    store = open_store(tmp_path / "p.db")
    try:
        assert store.theme_guid("board") == "9f1c0a55-1111-4b1e-9a0b-00000000a003"
        assert store.theme_guid("planned-move") != "9f1c0a55-1111-4b1e-9a0b-00000000a003"
        assert store.theme_guid("serendipity") == "9f1c0a55-1111-4b1e-9a0b-00000000a002"
    finally:
        store.close()


def test_imported_consensus_codings_say_where_they_came_from(tmp_path: Path) -> None:
    """Consensus codings a .qdpx brought into this project's consensus had no record of
    where they came from: the reconcile log names the file and the day."""
    from qualcoder_ahp.model.store import open_store
    from tests.test_s21_refi2 import _reconciled

    text_file = tmp_path / "amira.txt"
    text_file.write_text("Interviewer: How did you start?\nAmira: By chance, and then by "
                         "choice. It was luck.\n", encoding="utf-8")
    _reconciled(tmp_path / "a.db", text_file, "By chance")
    _reconciled(tmp_path / "b.db", text_file, "It was luck.")
    team = tmp_path / "team.qdpx"
    assert _cli("--db", str(tmp_path / "a.db"), "refi", "export", str(team)).exit_code == 0
    result = _cli("--db", str(tmp_path / "b.db"), "refi", "import", str(team))
    assert "reconcile log lists it as imported from team.qdpx" in result.output.replace(
        "\n", " ")
    # Each project loaded its codebook (its own GUIDs): matched by our theme id, and said.
    assert ("Matched by theme id: 1 code of the file is a theme here with the same theme "
            "id and name, with another GUID ('Chance')." in result.output.splitlines())
    store = open_store(tmp_path / "b.db")
    try:
        record = store.reconcile_record()
        day = store.conn.execute("SELECT substr(at, 1, 10) FROM events WHERE kind = "
                                 "'refi_import'").fetchone()[0]
    finally:
        store.close()
    assert [(e["quote"] if "quote" in e else e["start"], e["reason"])
            for e in record.unrecorded] == [
        (20, f"imported from team.qdpx (REFI-QDA) on {day}")]
    log = _cli("--db", str(tmp_path / "b.db"), "reconcile", "log", "--rule", "unrecorded")
    assert f"imported from team.qdpx (REFI-QDA) on {day}" in log.output


# ------------------------------------------------ names of the file taken here
HELEN = "Interviewer: How did you start?\nHelen: By chance, really. The board noticed me.\n"
GRACE_HERE = "Interviewer: And you?\nGrace: I planned it, mostly.\n"
GRACE_FILE = "Interviewer: And you?\nGrace: I planned it all. The board backed me.\n"
OMAR = "Interviewer: Tell me.\nOmar: A friend told me about the board.\n"
SAM = "A1B2C3D4-0000-4000-8000-0000000000AA"


def _nvivo_project(path: Path) -> Path:
    """An NVivo-style project: braced GUIDs, no Theme id lines, a folder 'Routes' with
    'Board' in it, 'Chance' at the top, three sources (helen as here, grace with other
    text, omar new), a code without a colour and a note on a selection."""
    from tests.test_s19_refi_tools import cp, qdpx

    codes = ("<Codes>"
             '<Code guid="{C0DE0000-0000-4000-8000-0000000000A1}" name="Chance" '
             'isCodable="true" color="#FF7F0E"/>'
             '<Code guid="{C0DE0000-0000-4000-8000-0000000000A2}" name="Routes" '
             'isCodable="false">'
             '<Code guid="{C0DE0000-0000-4000-8000-0000000000A3}" name="Board" '
             'isCodable="true"/></Code></Codes>')
    sources, files, n = [], {}, 0
    for s, (name, text, picks) in enumerate((
            ("helen", HELEN, (("By chance", "A1"), ("The board noticed me", "A3"))),
            ("grace", GRACE_FILE, (("I planned it all", "A1"), ("The board backed me",
                                                                  "A3"))),
            ("omar", OMAR, (("A friend told me", "A1"),)))):
        guid = f"5A000000-0000-4000-8000-00000000000{s}"
        selections = ""
        for quote, code in picks:
            n += 1
            start, end = cp(text, quote)
            note = ('<NoteRef targetGUID="A07E0000-0000-4000-8000-000000000001"/>'
                    if n == 3 else "")
            selections += (
                f'<PlainTextSelection guid="5E100000-0000-4000-8000-0000000000{n:02d}" '
                f'name="{quote}" startPosition="{start}" endPosition="{end}" '
                f'creatingUser="{SAM}"><Coding guid="C0D10000-0000-4000-8000-0000000000'
                f'{n:02d}" creatingUser="{SAM}"><CodeRef targetGUID="C0DE0000-0000-4000-'
                f'8000-0000000000{code}"/></Coding>{note}</PlainTextSelection>')
        sources.append(f'<TextSource guid="{guid}" name="{name}" plainTextPath='
                       f'"internal://{guid}.txt">{selections}</TextSource>')
        files[f"sources/{guid}.txt"] = text
    qde = ('<?xml version="1.0" encoding="utf-8"?>'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="Leaders" origin="NVivo 14">'
           f'<Users><User guid="{SAM}" name="Sam"/></Users><CodeBook>{codes}</CodeBook>'
           '<Variables><Variable guid="7A000000-0000-4000-8000-000000000001" name="Role" '
           'typeOfVariable="Text"/></Variables>'
           '<Cases><Case guid="CA5E0000-0000-4000-8000-000000000001" name="grace">'
           '<VariableValue><VariableRef targetGUID="7A000000-0000-4000-8000-000000000001"/>'
           '<TextValue>Dietitian</TextValue></VariableValue>'
           '<SourceRef targetGUID="5A000000-0000-4000-8000-000000000001"/></Case></Cases>'
           f'<Sources>{"".join(sources)}</Sources>'
           '<Notes><Note guid="A07E0000-0000-4000-8000-000000000001" name="grace memo" '
           f'creatingUser="{SAM}"><PlainTextContent>Planned, she says.</PlainTextContent>'
           "</Note></Notes></Project>")
    return qdpx(path, {"project.qde": qde, **files})


def _ours(tmp_path: Path) -> str:
    """A project holding helen (the file's text), another grace, and 'Chance' and
    'Board' at the top of its codebook."""
    from qualcoder_ahp.importers import import_paths
    from qualcoder_ahp.model.store import open_store

    folder = tmp_path / "ours"
    folder.mkdir()
    (folder / "helen.txt").write_text(HELEN, encoding="utf-8")
    (folder / "grace.txt").write_text(GRACE_HERE, encoding="utf-8")
    store = open_store(tmp_path / "ours.db")
    try:
        import_paths(store, sorted(folder.iterdir()))
        store.add_theme("Chance", coder="ana")
        store.add_theme("Board", coder="ana")
    finally:
        store.close()
    return str(tmp_path / "ours.db")


def _state(db: str) -> dict[str, object]:
    from qualcoder_ahp.model.store import open_store

    store = open_store(db)
    try:
        names = {t.id: t.name for t in store.themes()}
        return {
            "transcripts": sorted((t.name, t.version) for t in store.transcripts()),
            "themes": sorted((t.name, t.parent_id) for t in store.themes()),
            "codings": sorted((store.transcript(c.transcript_id).name, names[c.theme_id],
                               c.quote) for c in store.codings(coder="Sam")),
        }
    finally:
        store.close()


def test_names_taken_here_refuse_the_import_listing_every_one(tmp_path: Path) -> None:
    """By default nothing is imported, and the one line names every clash (a source
    with other text, a code whose name a theme has elsewhere) and the choices."""
    db = _ours(tmp_path)
    nvivo = _nvivo_project(tmp_path / "leaders.qdpx")
    before = Path(db).read_bytes()
    counts = _counts(db)
    result = _cli("--db", db, "refi", "import", str(nvivo))
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {nvivo}: a different transcript named 'grace' is already stored; a code "
        "named like a theme elsewhere in this codebook: 'Board' (under 'Routes' in the "
        "file; theme board here); nothing imported: choose with --transcript-clash "
        "new-version, rename or skip (--new-version stores it as a new version) and "
        "--code-clash merge or rename")
    assert Path(db).read_bytes() == before
    assert _counts(db) == counts
    # Each choice for one kind alone still refuses for the other, and writes nothing.
    for args in (("--transcript-clash", "rename"), ("--code-clash", "merge")):
        again = _cli("--db", db, "refi", "import", str(nvivo), *args)
        assert again.exit_code != 0 and "nothing imported: choose with" in again.output
        assert _counts(db) == counts


def _counts(db: str) -> dict[str, object]:
    from qualcoder_ahp.model.store import open_store
    from tests.test_refi_import import table_counts

    store = open_store(db)
    try:
        return {**table_counts(store), "settings": store.conn.execute(
            "SELECT group_concat(key || '=' || value) FROM settings").fetchone()[0]}
    finally:
        store.close()


def test_skip_the_clashing_source_and_merge_the_code(tmp_path: Path) -> None:
    from qualcoder_ahp.model.store import open_store

    db = _ours(tmp_path)
    nvivo = _nvivo_project(tmp_path / "leaders.qdpx")
    result = _cli("--db", db, "refi", "import", str(nvivo), "--transcript-clash", "skip",
                  "--code-clash", "merge")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "grace: the file's text differs from the grace here: not imported " \
           "(--transcript-clash skip), nor its 2 codings and 1 memo." in lines, lines
    assert ("Code 'Board' (under 'Routes' in the file) went into theme board, which has "
            "its name here (--code-clash merge), with its codings.") in lines, lines
    assert ("Matched by name: 1 code of the file is a theme here of the same name and "
            "place, with another GUID ('Chance').") in lines, lines
    state = _state(db)
    assert state["transcripts"] == [("grace", 1), ("helen", 1), ("omar", 1)]
    assert state["codings"] == [("helen", "Board", "The board noticed me"),
                                ("helen", "Chance", "By chance"),
                                ("omar", "Chance", "A friend told me")]
    assert ("Routes", None) in state["themes"]
    assert [n for n, _ in state["themes"]].count("Board") == 1
    # The file's grace (a case of the skipped source) lends no attribute to ours.
    store = open_store(db)
    try:
        assert store.participants().get("grace", {}) == {}
    finally:
        store.close()
    again = _cli("--db", db, "refi", "import", str(nvivo), "--transcript-clash", "skip",
                 "--code-clash", "merge")
    assert "nothing imported" in again.output, again.output
    assert "not imported (--transcript-clash skip)" in again.output  # said again
    assert _state(db) == state


def test_rename_the_clashing_source_and_code_then_out_and_back(tmp_path: Path) -> None:
    db = _ours(tmp_path)
    nvivo = _nvivo_project(tmp_path / "leaders.qdpx")
    args = ("--db", db, "refi", "import", str(nvivo), "--transcript-clash", "rename",
            "--code-clash", "rename")
    result = _cli(*args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert ("grace: the file's text differs from the grace here: stored as "
            "'grace (leaders)' (--transcript-clash rename), with its codings.") in lines
    assert ("Code 'Board' is the new theme 'Board (leaders)' (board-2): a theme elsewhere "
            "here has its name (--code-clash rename).") in lines, lines
    state = _state(db)
    assert state["transcripts"] == [("grace", 1), ("grace (leaders)", 1), ("helen", 1),
                                    ("omar", 1)]
    assert ("Board (leaders)", "routes") in state["themes"]
    assert ("grace (leaders)", "Board (leaders)", "The board backed me") in state["codings"]
    assert len(state["codings"]) == 5
    # The same file again adds nothing: the renamed source and code are found (text,
    # GUID), and none of them clashes again.
    again = _cli(*args)
    assert again.exit_code == 0 and "nothing new (already imported)" in again.output, \
        again.output
    # Out, valid, and into the project again: nothing new.
    out = tmp_path / "out.qdpx"
    assert _cli("--db", db, "refi", "export", str(out)).exit_code == 0
    import zipfile

    with zipfile.ZipFile(out) as archive:
        validate_both(archive.read("project.qde"), "Project.xsd")
    back = _cli("--db", db, "refi", "import", str(out))
    assert back.exit_code == 0 and "nothing new (already imported)" in back.output, \
        back.output
    assert _state(db) == state


def test_two_sources_of_one_name_in_the_file(tmp_path: Path) -> None:
    """NVivo names two files in two folders alike ('P01' under Site A and Site B): into
    an empty project the import said a transcript of that name 'is already stored'. It
    says what it is, and --transcript-clash rename keeps both."""
    import zipfile

    from qualcoder_ahp.model.store import open_store

    nvivo = _nvivo_project(tmp_path / "leaders.qdpx")
    with zipfile.ZipFile(nvivo) as archive:
        entries = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    entries["project.qde"] = entries["project.qde"].replace(b'name="grace"', b'name="helen"')
    twice = tmp_path / "twice.qdpx"
    with zipfile.ZipFile(twice, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    db = str(tmp_path / "fresh.db")
    refused = _cli("--db", db, "refi", "import", str(twice))
    assert refused.exit_code != 0
    assert ("the file has sources of one name with different texts ('helen': files of "
            "one name in two folders?)") in refused.output.replace("\n", " ")
    assert "already stored" not in refused.output
    result = _cli("--db", db, "refi", "import", str(twice), "--transcript-clash", "rename")
    assert result.exit_code == 0, result.output
    assert ("helen: another source of the file is named helen too: stored as 'helen "
            "(twice)' (--transcript-clash rename), with its codings."
            in result.output.splitlines()), result.output
    store = open_store(db)
    try:
        assert sorted(t.name for t in store.transcripts()) == ["helen", "helen (twice)",
                                                               "omar"]
        assert len(store.codings()) == 5
    finally:
        store.close()


def test_a_code_is_not_merged_into_a_folder(tmp_path: Path) -> None:
    """--code-clash merge into a theme that is a folder here would put codings on a
    folder (which cannot be coded): refused, nothing written; rename works."""
    from qualcoder_ahp.model.store import open_store

    db = _ours(tmp_path)
    store = open_store(db)
    try:
        store.conn.execute("UPDATE themes SET codable = 0 WHERE id = 'board'")
        store.conn.commit()
    finally:
        store.close()
    nvivo = _nvivo_project(tmp_path / "leaders.qdpx")
    counts = _counts(db)
    result = _cli("--db", db, "refi", "import", str(nvivo), "--transcript-clash", "skip",
                  "--code-clash", "merge")
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {nvivo}: --code-clash merge cannot put a code into a folder, which cannot "
        "be coded ('Board' into board); nothing imported: choose with --code-clash rename")
    assert _counts(db) == counts
    assert _cli("--db", db, "refi", "import", str(nvivo), "--transcript-clash", "skip",
                "--code-clash", "rename").exit_code == 0


def test_a_code_renamed_in_another_tool_is_its_theme_renamed(tmp_path: Path) -> None:
    """A codebook sent to NVivo comes back with a code renamed (its GUID kept, our
    'Theme id:' lines gone): codebook load made it a new theme and retired the theme
    with its codings. It is that theme, renamed, and keeps its GUID on the way out."""
    import re

    from qualcoder_ahp.importers import import_paths
    from qualcoder_ahp.model.store import open_store

    text = tmp_path / "helen.txt"
    text.write_text("Interviewer: How?\nHelen: By chance, really.\n", encoding="utf-8")
    db = str(tmp_path / "p.db")
    store = open_store(db)
    try:
        import_paths(store, [text])
        chance = store.add_theme("Chance", coder="ana")
        store.add_theme("Board", coder="ana")
        info = store.transcripts()[0]
        start = store.transcript_text(info.id).index("By chance")
        store.code(info.id, chance.id, "ana", start, start + 9)
    finally:
        store.close()
    sent = tmp_path / "sent.qdc"
    assert _cli("--db", db, "refi", "export-codebook", str(sent)).exit_code == 0
    back = re.sub(r"\s*<Description>Theme id: [a-z-]+</Description>", "",
                  sent.read_text(encoding="utf-8"))
    back = back.replace('name="Chance"', 'name="Chance and luck"')
    (tmp_path / "back.qdc").write_text(back, encoding="utf-8")
    result = _cli("--db", db, "codebook", "load", str(tmp_path / "back.qdc"))
    assert result.exit_code == 0, result.output
    assert "themes changed: chance (name 'Chance' -> 'Chance and luck')" in result.output
    assert "retired" not in result.output
    store = open_store(db)
    try:
        assert [(t.id, t.name) for t in store.themes()] == [("chance", "Chance and luck"),
                                                            ("board", "Board")]
        assert [c.theme_id for c in store.codings()] == ["chance"]
    finally:
        store.close()
    again = tmp_path / "again.qdc"
    assert _cli("--db", db, "refi", "export-codebook", str(again)).exit_code == 0
    assert _guids(again) == {"Chance and luck": _guids(sent)["Chance"],
                             "Board": _guids(sent)["Board"]}
