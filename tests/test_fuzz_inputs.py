"""Hostile input, fuzzed: every transcript reader, the codebook loader, the REFI importer.

Hypothesis feeds each reader random bytes, truncated and bit-flipped real files,
text in the wrong encoding, control characters and huge lines. The contract:

- never an unhandled exception: a file either reads, or raises
  :class:`~qualcoder_ahp.errors.UserError` whose message is one line naming the file;
- what reads is sound (every turn and sentence inside the text, in order);
- the database is unchanged by a file that fails (row counts of every table).

The budget is small (``max_examples`` 30-40 per target, no deadline) so CI stays fast;
set ``QCAHP_FUZZ_EXAMPLES`` to fuzz harder locally.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.importers import SUPPORTED, import_paths, read_transcript
from qualcoder_ahp.model.store import Store, open_store
from tests.conftest import REPO

EXAMPLES = int(os.environ.get("QCAHP_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SAMPLES = REPO / "transcripts"
IMPORT_DATA = REPO / "tests" / "data" / "import"


def _odt_seed() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    doc = OpenDocumentText()
    for line in ("Interviewer: How did you start?", "Asha: I fell into it by chance."):
        doc.text.addElement(P(text=line))
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def _seeds() -> dict[str, bytes]:
    """A valid file of each format, to truncate and corrupt."""
    plain = (SAMPLES / "physio_helen.txt").read_bytes()[:3000]
    seeds = {
        ".txt": plain, ".text": plain,
        ".md": (SAMPLES / "slt_priya.md").read_bytes()[:3000],
        ".markdown": (SAMPLES / "dietitian_grace.md").read_bytes()[:3000],
        ".rst": (IMPORT_DATA / "hearing.rst").read_bytes(),
        ".vtt": (SAMPLES / "ot_dev.vtt").read_bytes()[:3000],
        ".srt": (IMPORT_DATA / "changes.srt").read_bytes(),
        ".docx": (SAMPLES / "radiographer_sam.docx").read_bytes(),
        ".odt": _odt_seed(),
        ".rtf": rb"{\rtf1\ansi Interviewer: How did you start?\par Asha: By chance.\par}",
        ".pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n",
        # A web page (session 24): Word's "Web Page" markup, a table of turns, entities.
        ".html": (b"<!DOCTYPE html><html><head><title>P1</title><style>p{}</style></head>"
                  b"<body><h1>Interview</h1><p><b>Interviewer:</b> How did you start?</p>"
                  b"<p><b>Asha:</b> By chance,&nbsp;caf&eacute;.<br>Then more.</p><table>"
                  b"<tr><td>00:01</td><td>Asha</td><td>Yes.</td></tr></table></body></html>"),
        ".htm": (b"<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><body><p "
                 b"class=MsoNormal>Interviewer: How?<o:p></o:p></p><p class=MsoNormal>Asha: "
                 b"By chance.</p></body></html>"),
    }
    assert set(seeds) == set(SUPPORTED)
    return seeds


SEEDS = _seeds()

control_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"),
                       st.sampled_from("\x00\x01\x07\x08\x0b\x0c\x1b\x7f\u200b\u202e\ufeff\r\n:")),
    max_size=600,
)


@st.composite
def hostile_bytes(draw: st.DrawFn, ext: str) -> bytes:
    """Random bytes, a truncated or corrupted real file, or text in a wrong encoding."""
    seed = SEEDS[ext]
    kind = draw(st.sampled_from(["random", "truncated", "flipped", "encoded", "spliced"]))
    if kind == "random":
        return draw(st.binary(max_size=3000))
    if kind == "truncated":
        return seed[: draw(st.integers(0, len(seed)))]
    if kind == "flipped":
        data = bytearray(seed)
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "encoded":
        text = "Interviewer: " + draw(control_text) + "\n\nAsha: " + draw(control_text)
        codec = draw(st.sampled_from(["utf-8", "utf-16", "utf-16-be", "utf-32", "latin-1",
                                      "cp1252", "utf-8-sig"]))
        return text.encode(codec, errors="replace")
    cut = draw(st.integers(0, len(seed)))
    return seed[:cut] + draw(st.binary(max_size=200)) + seed[cut:]


def _counts(store: Store) -> dict[str, int]:
    tables = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: store.conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _assert_clear_error(exc: UserError, path: Path) -> None:
    message = str(exc)
    assert "\n" not in message.strip(), message
    assert path.name in message, message


def _assert_sound(parsed, path: Path) -> None:
    text = parsed.text
    assert text.strip(), path
    last = 0
    for turn in parsed.turns:
        assert 0 <= last <= turn.start <= turn.end <= len(text)
        last = turn.end
    for sentence in parsed.sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert 0 <= sentence.turn_index < len(parsed.turns)
    assert "\r" not in text and "\ufeff" not in text[:1]


@pytest.mark.parametrize("ext", sorted(SUPPORTED))
def test_every_reader_survives_hostile_bytes(ext, tmp_path):
    store = open_store(tmp_path / "fuzz.db")
    outcomes = {"read": 0, "refused": 0}

    @FUZZ
    @given(data=hostile_bytes(ext))
    def run(data: bytes) -> None:
        path = tmp_path / f"interview{ext}"
        path.write_bytes(data)
        try:
            parsed = read_transcript(path)
        except UserError as exc:
            _assert_clear_error(exc, path)
            outcomes["refused"] += 1
            before = _counts(store)
            report = import_paths(store, [path])
            assert [f for f, _ in report.failed] == [str(path)]
            assert "\n" not in report.failed[0][1].strip()
            assert _counts(store) == before
            return
        _assert_sound(parsed, path)
        outcomes["read"] += 1

    run()
    assert outcomes["refused"] > 0  # the strategies do reach the error paths
    assert store.integrity_ok()
    store.close()


def test_huge_lines_and_oversized_files_are_handled(tmp_path):
    line = tmp_path / "oneline.txt"
    line.write_text("Asha: " + "word" * 500_000 + "\n", encoding="utf-8")  # one 2 MB line
    parsed = read_transcript(line)
    assert len(parsed.text) > 2_000_000 and len(parsed.turns) == 1
    big = tmp_path / "big.txt"
    big.write_bytes(b"Interviewer: hello\n" * 2000)
    with pytest.raises(UserError) as info:
        read_transcript(big, max_bytes=10_000)
    _assert_clear_error(info.value, big)


def test_binary_with_a_text_extension_is_refused_and_nothing_written(tmp_path):
    store = open_store(tmp_path / "p.db")
    before = _counts(store)
    exe = tmp_path / "program.txt"
    exe.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 20)
    report = import_paths(store, [exe])
    assert report.failed and "program.txt" in report.failed[0][1]
    assert _counts(store) == before
    store.close()


# ---------------------------------------------------------------- codebook loader
suggest_codebook = pytest.importorskip("qualcoder_ahp.suggest.codebook")
CODEBOOK = REPO / "codebooks" / "ahp-leadership.yaml"

yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=30),
              st.sampled_from(["token", "phrase", "regex", "dependency", "(unclosed[",
                               "LOWER", "LEMMA", "OP", "*", "id", "patterns", "themes"])),
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.sampled_from(
            ["id", "name", "themes", "children", "patterns", "kind", "pattern", "exclude",
             "scope", "unit", "color", "codable", "label", "LOWER", "TEXT", "OP", "REGEX",
             "pipeline", "description", "examples", "IN"]), children, max_size=6)),
    max_leaves=25,
)


@st.composite
def hostile_codebook(draw: st.DrawFn) -> tuple[str, bytes]:
    real = CODEBOOK.read_bytes()
    kind = draw(st.sampled_from(["random", "truncated", "flipped", "structure", "jsonl"]))
    if kind == "random":
        return ".yaml", draw(st.binary(max_size=2000))
    if kind == "truncated":
        return ".yaml", real[: draw(st.integers(0, len(real)))]
    if kind == "flipped":
        data = bytearray(real)
        for _ in range(draw(st.integers(1, 10))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.sampled_from(b":-[]{}\"'&*!|> \n\t#"))
        return ".yaml", bytes(data)
    if kind == "structure":
        return ".yaml", yaml.safe_dump({"name": "fuzz", "themes": draw(yaml_values)}).encode()
    lines = [yaml.safe_dump(draw(yaml_values), default_flow_style=True).strip()
             for _ in range(draw(st.integers(1, 4)))]
    return ".jsonl", "\n".join(lines).encode()


def test_codebook_loader_survives_hostile_files(tmp_path):
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    db = tmp_path / "cb.db"
    store = open_store(db)
    seen = {"ok": 0, "refused": 0}

    @FUZZ
    @given(case=hostile_codebook())
    def run(case: tuple[str, bytes]) -> None:
        ext, data = case
        path = tmp_path / f"codebook{ext}"
        path.write_bytes(data)
        try:
            suggest_codebook.load_codebook(path)
        except UserError as exc:
            assert path.name in str(exc).splitlines()[0], str(exc)
            seen["refused"] += 1
            before = _counts(store)
            result = CliRunner().invoke(cli, ["--db", str(db), "codebook", "load", str(path)])
            assert result.exit_code == 1, result.output
            assert "Traceback" not in result.output and path.name in result.output
            assert _counts(store) == before
            return
        seen["ok"] += 1

    run()
    assert seen["refused"] > 0
    store.close()


# ---------------------------------------------------------------- REFI importer
refi = pytest.importorskip("qualcoder_ahp.refi")
REFI_DATA = REPO / "tests" / "data" / "refi"


def _refi_seeds() -> dict[str, bytes]:
    seeds = {".qdc": (REFI_DATA / "maxqda.qdc").read_bytes()}
    for qdpx in sorted(REFI_DATA.rglob("*.qdpx")):
        seeds.setdefault(".qdpx", qdpx.read_bytes())
    if ".qdpx" not in seeds:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("project.qde", b'<?xml version="1.0"?><Project '
                        b'xmlns="urn:QDA-XML:project:1.0" name="x"/>')
        seeds[".qdpx"] = buf.getvalue()
    return seeds


REFI_SEEDS = _refi_seeds()


@st.composite
def hostile_refi(draw: st.DrawFn) -> tuple[str, bytes]:
    ext = draw(st.sampled_from(sorted(REFI_SEEDS)))
    seed = REFI_SEEDS[ext]
    kind = draw(st.sampled_from(["random", "truncated", "flipped", "nested", "entities",
                                 "zipped_xml"]))
    if kind == "random":
        return ext, draw(st.binary(max_size=2000))
    if kind == "truncated":
        return ext, seed[: draw(st.integers(0, len(seed)))]
    if kind == "flipped":
        data = bytearray(seed)
        for _ in range(draw(st.integers(1, 10))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return ext, bytes(data)
    depth = draw(st.sampled_from([300, 5_000, 100_000]))
    if kind == "nested":
        xml = (b'<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
               + b'<Code guid="00000000-0000-0000-0000-000000000001" name="a" isCodable="true">'
               * depth + b"</Code>" * depth + b"</Codes></CodeBook>")
        return ".qdc", xml
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;")
                                                      * 10) for i in range(10))
              + b']><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="&lol9;" '
              b'guid="00000000-0000-0000-0000-000000000001" isCodable="true"/></Codes></CodeBook>')
    xml = laughs if kind == "entities" else seed if ext == ".qdc" else laughs
    if kind == "zipped_xml" or ext == ".qdpx":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("project.qde", xml)
        return ".qdpx", buf.getvalue()
    return ".qdc", xml


def test_refi_importer_survives_hostile_files(tmp_path):
    store = open_store(tmp_path / "refi.db")
    seen = {"ok": 0, "refused": 0}

    @FUZZ
    @given(case=hostile_refi())
    def run(case: tuple[str, bytes]) -> None:
        ext, data = case
        path = tmp_path / f"exchange{ext}"
        path.write_bytes(data)
        before = _counts(store)
        try:
            refi.import_file(store, path)
        except UserError as exc:
            assert path.name in str(exc) and "\n" not in str(exc).strip(), str(exc)
            assert _counts(store) == before
            seen["refused"] += 1
            return
        seen["ok"] += 1

    run()
    assert seen["refused"] > 0
    assert store.integrity_ok()
    store.close()


# ---------------------------------------------------------------- markup shown literally
def test_cli_show_prints_markup_literally(tmp_path):
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    source = tmp_path / "markup.txt"
    source.write_text(
        "Interviewer: Say [bold]hello[/bold] and [/] then [red]x[/red].\n\n"
        "Asha: I typed [link=https://example.org]this[/link] and \\[escaped] :smile:\n",
        encoding="utf-8",
    )
    db = tmp_path / "markup.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "import", str(source)]).exit_code == 0
    result = runner.invoke(cli, ["--db", str(db), "show", "markup"])
    assert result.exit_code == 0, result.output
    assert "[bold]hello[/bold]" in result.output and "[/]" in result.output
    assert "[link=https://example.org]this[/link]" in result.output
    assert "\\[escaped] :smile:" in result.output


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_refi_xml_is_refused_or_read_without_a_crash(tmp_path, depth):
    store = open_store(tmp_path / "deep.db")
    path = tmp_path / "deep.qdc"
    path.write_bytes(
        b'<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + b'<Code guid="00000000-0000-0000-0000-000000000001" name="a" isCodable="true">' * depth
        + b"</Code>" * depth + b"</Codes></CodeBook>")
    before = _counts(store)
    with pytest.raises(UserError) as info:
        refi.import_file(store, path)
    assert "deep.qdc" in str(info.value) and "\n" not in str(info.value)
    assert _counts(store) == before
    store.close()
