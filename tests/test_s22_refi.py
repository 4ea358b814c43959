"""REFI-QDA exchange, session 22: what exchanging with another tool still lost.

- ``qcahp codebook load X.qdc`` gave every new theme a GUID of its own, so a codebook
  sent back and forth between tools lost its codes' identity: the file's GUIDs are
  kept where they are free and the theme has no codings.
- Consensus codings a .qdpx brought into the consensus had no record of where they
  came from: the reconcile log names the file and the day.
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
    """A GUID another theme here holds is not taken from it, and a theme with codings
    keeps the GUID it may have gone out under."""
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
        other = store.add_theme("Other", coder="ana")
        store.conn.execute("UPDATE themes SET guid = ? WHERE id = ?",
                           ["9f1c0a55-1111-4b1e-9a0b-00000000a002", other.id])
        store.conn.commit()
        before = store.theme_guid(board.id)
    finally:
        store.close()
    nvivo = tmp_path / "nvivo.qdc"
    nvivo.write_text(NVIVO_QDC, encoding="utf-8")
    result = _cli("--db", str(tmp_path / "p.db"), "codebook", "load", str(nvivo))
    assert result.exit_code == 0, result.output
    store = open_store(tmp_path / "p.db")
    try:
        assert store.theme_guid("board") == before
        assert store.theme_guid("serendipity") != "9f1c0a55-1111-4b1e-9a0b-00000000a002"
        assert store.theme_guid("planned-move") == "9f1c0a55-1111-4b1e-9a0b-00000000a003"
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
