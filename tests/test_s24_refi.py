"""REFI-QDA exchange, session 24: the export side and round trips.

- A project whose transcripts were imported before ``qcahp import`` stored Unicode's
  other spaces as spaces and dropped soft hyphens (session 24) still holds them. Its
  own ``.qdpx``, imported back into it (a coder's copy coming home, or a file sent to
  another tool and back), was refused: the file's text, normalised on the way in, was
  no longer the stored one, so each transcript read as another text under its name.
  It is that transcript: new codings land on the same words, and nothing is doubled.
  And a transcript withdrawn from such a project (known by the hash of its stored
  text) came back in with its codings from any export made before the withdrawal.
- A theme's criteria or examples over several paragraphs or lines (a YAML codebook's
  ``|`` block) did not survive a ``.qdc``: an inclusion criterion's second paragraph
  became part of the description, an example's second line was dropped, and a
  description paragraph starting "Inclusion:" was taken for the criterion.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import content_hash, open_store

P = "{urn:QDA-XML:project:1.0}"
CODEBOOK = Path(__file__).resolve().parents[1] / "codebooks" / "ahp-leadership.yaml"
NBSP, SHY = "\u00a0", "\u00ad"


def _cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _old_project(tmp_path: Path) -> tuple[Path, str]:
    """A project whose stored text holds a no-break space and soft hyphens, as every
    transcript imported before session 24 does, with one coding after them."""
    db = tmp_path / "old.db"
    source = tmp_path / "helen.txt"
    source.write_text("Interviewer: How did it start?\n\nHelen: It was by chance, really "
                      "manageable. The board listens now.\n", encoding="utf-8")
    assert _cli("--db", str(db), "import", str(source)).exit_code == 0
    assert _cli("--db", str(db), "codebook", "load", str(CODEBOOK)).exit_code == 0
    store = open_store(db)
    text = store.transcript_text(1)
    old = (text.replace("by chance", f"by{NBSP}chance")
           .replace("manageable", f"man{SHY}age{SHY}able"))
    word = text.index("manageable")

    def moved(offset: int) -> int:  # past the soft hyphens after "man" and "age"
        return offset + (offset > word + 3) + (offset > word + 6)

    with store.write():  # what the import stored before session 24
        for table in ("turns", "sentences"):
            rows = store.conn.execute(f'SELECT id, start, "end" FROM {table}').fetchall()
            for row_id, start, end in rows:
                store.conn.execute(f'UPDATE {table} SET start = ?, "end" = ? WHERE id = ?',
                                   [moved(start), moved(end), row_id])
        store.conn.execute("UPDATE transcripts SET text = ?, content_hash = ? WHERE id = 1",
                           [old, content_hash(old)])
    start = old.index("The board")
    store.code(1, "board_mandate", "ana", start, start + len("The board listens"))
    store.close()
    return db, old


def test_a_project_imported_before_normalising_takes_its_own_export_back(
        tmp_path: Path) -> None:
    db, old = _old_project(tmp_path)
    out = tmp_path / "old.qdpx"
    assert _cli("--db", str(db), "refi", "export", str(out)).exit_code == 0
    # The file keeps the stored text as it is, and the coding's words.
    with zipfile.ZipFile(out) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        source = root.find(f".//{P}TextSource")
        text = archive.read("sources/" + source.get("plainTextPath")[len("internal://"):]
                            ).decode("utf-8")
    assert NBSP in text and SHY in text
    selection = source.find(f"{P}PlainTextSelection")
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert text[start:end] == selection.get("name") == "The board listens"
    # A second coder's coding in the file, after the soft hyphens (as a copy brings it).
    extra = etree.fromstring(etree.tostring(selection))
    extra.set("guid", "5e1ec710-0000-4000-8000-000000000001")
    extra.find(f"{P}Coding").set("guid", "c0d10000-0000-4000-8000-000000000001")
    begin = text.index("really")
    extra.set("startPosition", str(begin))
    extra.set("endPosition", str(begin + len(f"really man{SHY}age{SHY}able")))
    extra.set("name", f"really man{SHY}age{SHY}able")
    selection.addnext(extra)
    with zipfile.ZipFile(out) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    entries["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)

    result = _cli("--db", str(db), "refi", "import", str(out))
    assert result.exit_code == 0, result.output
    assert "different transcript" not in result.output
    store = open_store(db)
    assert store.conn.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0] == 1
    assert store.transcript_text(1) == old  # the stored text is left as it was
    spans = sorted((c.start, c.end, c.quote) for c in store.codings())
    begin = old.index("really")
    assert spans == sorted([
        (old.index("The board"), old.index("The board") + 17, "The board listens"),
        (begin, begin + len(f"really man{SHY}age{SHY}able"), f"really man{SHY}age{SHY}able"),
    ])
    store.close()
    again = _cli("--db", str(db), "refi", "import", str(out))
    assert again.exit_code == 0 and "already imported" in again.output, again.output


CODEBOOK_YAML = """name: test
version: 1
themes:
  - id: luck
    name: Luck
    color: "#112233"
    description: |
      First paragraph.

      Inclusion: a paragraph of the description that starts like a label.
    inclusion: |
      Chance moves.

      Also being asked to act up.
    exclusion: |
      Planned moves.

      A promotion applied for.
    examples:
      - "I fell into it"
      - "two lines\\nin one example"
      - "two paragraphs\\n\\nin one example"
    patterns:
      - id: luck1
        regex: '\\bluck\\b'
"""


def test_criteria_and_examples_over_several_paragraphs_survive_a_qdc(tmp_path: Path) -> None:
    """YAML -> .qdc -> a fresh project: every field as it was; its .qdc is the same."""
    book = tmp_path / "luck.yaml"
    book.write_text(CODEBOOK_YAML, encoding="utf-8")
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    assert _cli("--db", str(first), "codebook", "load", str(book)).exit_code == 0
    assert _cli("--db", str(first), "refi", "export-codebook", str(tmp_path / "a.qdc")
                ).exit_code == 0
    result = _cli("--db", str(second), "refi", "import", str(tmp_path / "a.qdc"))
    assert result.exit_code == 0, result.output
    assert _cli("--db", str(second), "refi", "export-codebook", str(tmp_path / "b.qdc")
                ).exit_code == 0
    rows = {}
    for db in (first, second):
        store = open_store(db)
        rows[db] = store.conn.execute("SELECT description, inclusion, exclusion, examples "
                                      "FROM themes WHERE id = 'luck'").fetchone()
        store.close()
    assert rows[second] == rows[first]
    description, inclusion, exclusion, examples = rows[second]
    assert description.endswith("Inclusion: a paragraph of the description that starts "
                                "like a label.")
    assert inclusion.startswith("Chance moves.") and "act up" in inclusion
    assert exclusion.endswith("A promotion applied for.")
    assert "in one example" in examples and "two paragraphs" in examples
    assert (tmp_path / "b.qdc").read_bytes() == (tmp_path / "a.qdc").read_bytes()


def test_a_transcript_withdrawn_before_normalising_stays_out(tmp_path: Path) -> None:
    """An export made before a withdrawal, imported after it: the withdrawn interview,
    stored with its no-break space and soft hyphens, is not brought back."""
    db, _ = _old_project(tmp_path)
    out = tmp_path / "before.qdpx"
    assert _cli("--db", str(db), "refi", "export", str(out)).exit_code == 0
    assert _cli("--db", str(db), "withdraw", "--participant", "helen", "--yes",
                "--by", "ana").exit_code == 0
    result = _cli("--db", str(db), "refi", "import", str(out))
    assert result.exit_code == 0, result.output
    store = open_store(db)
    assert store.conn.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0] == 0
    assert store.conn.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == 0
    store.close()
    assert "withdrawn" in result.output


def test_a_speaker_renamed_to_any_name_keeps_their_turns(tmp_path: Path) -> None:
    """A speaker renamed to a name the label rules do not read (an emoji, an ampersand,
    a colon) went out as a label that came back as words of the turn before: the
    participant's words became the interviewer's, and the text changed."""
    db, fresh = tmp_path / "a.db", tmp_path / "b.db"
    source = tmp_path / "helen.txt"
    source.write_text("Interviewer: How did it start?\n\nHelen: It was by chance.\n\n"
                      "Interviewer: Thanks.\n\nTom: And me.\n", encoding="utf-8")
    assert _cli("--db", str(db), "import", str(source)).exit_code == 0
    for old, new in (("Helen", "Zoë 🐝 (P1)"), ("Interviewer", "Q: Int"),
                     ("Tom", "Tom & Jo")):
        assert _cli("--db", str(db), "speakers", "rename", "helen", old, new).exit_code == 0
    out = tmp_path / "a.qdpx"
    assert _cli("--db", str(db), "refi", "export", str(out)).exit_code == 0
    result = _cli("--db", str(fresh), "refi", "import", str(out))
    assert result.exit_code == 0, result.output
    turns = {}
    for path in (db, fresh):
        store = open_store(path)
        turns[path] = ([(t.speaker, t.role, t.start, t.end) for t in store.turns(1)],
                       store.transcript_text(1))
        store.close()
    assert turns[fresh] == turns[db]
    assert [t[0] for t in turns[fresh][0]] == ["Q: Int", "Zoë 🐝 (P1)", "Q: Int", "Tom & Jo"]
    again = tmp_path / "b.qdpx"
    assert _cli("--db", str(fresh), "refi", "export", str(again)).exit_code == 0
    with zipfile.ZipFile(out) as first, zipfile.ZipFile(again) as second:
        assert first.read("project.qde") == second.read("project.qde")


def test_a_whole_number_too_big_for_32_bits_goes_out_as_text(tmp_path: Path) -> None:
    """NVivo and MAXQDA keep an Integer attribute in 32 bits: a ten-digit study number
    typed Integer does not fit there. It goes out as Text, and comes back as written."""
    db, fresh = tmp_path / "a.db", tmp_path / "b.db"
    source = tmp_path / "helen.txt"
    source.write_text("Interviewer: How did it start?\n\nHelen: It was by chance.\n",
                      encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("participant,study_number,age,score\nhelen,9434765919,41,2147483648.5\n",
                      encoding="utf-8")
    assert _cli("--db", str(db), "import", str(source)).exit_code == 0
    assert _cli("--db", str(db), "participants", "import", str(people)).exit_code == 0
    out = tmp_path / "a.qdpx"
    assert _cli("--db", str(db), "refi", "export", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iter(f"{P}Variable")}
    assert types == {"study_number": "Text", "age": "Integer", "score": "Float"}
    values = [e.text for e in root.iter(f"{P}TextValue")]
    assert values == ["9434765919"]
    assert _cli("--db", str(fresh), "refi", "import", str(out)).exit_code == 0
    again = tmp_path / "b.qdpx"
    assert _cli("--db", str(fresh), "refi", "export", str(again)).exit_code == 0
    with zipfile.ZipFile(out) as first, zipfile.ZipFile(again) as second:
        assert first.read("project.qde") == second.read("project.qde")


def test_times_go_out_in_utc_written_with_z(tmp_path: Path) -> None:
    """NVivo, ATLAS.ti, MAXQDA and QualCoder write their times with Z; ours went out
    as +00:00 (or another offset a file brought), which a reader taking a time apart
    as those tools write it does not expect. The fraction of a second stays."""
    from qualcoder_ahp.refi.export import _datetime

    assert _datetime("2026-11-28T22:22:07.584585+00:00") == "2026-11-28T22:22:07.584585Z"
    assert _datetime("2026-11-28T18:55:48.5-05:00") == "2026-11-28T23:55:48.500000Z"
    assert _datetime("2026-11-28T18:55:48") == "2026-11-28T18:55:48Z"
    db, _ = _old_project(tmp_path)
    out = tmp_path / "old.qdpx"
    assert _cli("--db", str(db), "refi", "export", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    stamps = [e.get(a) for e in root.iter() for a in ("creationDateTime", "modifiedDateTime")
              if e.get(a)]
    assert stamps and all(s.endswith("Z") and "+" not in s for s in stamps), stamps
