"""Shared builders for the REFI-QDA tests (this module holds no tests itself).

``build_coded_project`` makes the project every export and round-trip test uses:
a theme tree with a folder parent, two coders, codings over non-ASCII and emoji
text, memos of all three kinds, participants with attributes (one without any
transcript), and a retired theme that is still coded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import REFI_SCHEMAS, make_parsed

FIXTURES = Path(__file__).parent / "data" / "refi"
NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"

THEMES = (
    Theme("career", "Career route", None, "How careers unfolded.", "Any account of a role "
          "change.", "CV lists.", ("I moved sideways", "it was by chance"), "#1f77b4", False),
    Theme("winding", "Winding route", "career", "Roles not seen as traditional for AHPs.",
          color="#ff7f0e"),
    Theme("serendipity", "Serendipity – chance 🍀", "career", "Chance, not planning.",
          color="#2ca02c", position=1),
    Theme("mandate", "Mandate & the board", None, 'Seniority "close to the board".',
          color="#D62728", position=1),
    Theme("retired", "Old theme", None, "Dropped from the codebook.", position=2),
)


def build_coded_project(store: Store) -> dict[str, int]:
    """Fill ``store`` with the shared coded project; returns the transcript ids."""
    store.save_codebook(Codebook("ahp", THEMES))
    first, _ = store.add_transcript("p01-interview", make_parsed([
        ("Interviewer", "interviewer", "How did you become a director?"),
        ("Zoë", "participant", "Honestly 😀 it was luck. I never planned a career in "
                               "management — café chats helped."),
        ("Interviewer", "interviewer", "And the board?"),
        ("Zoë", "participant", "The board 🤝 listens to AHPs now. Naïve of me to doubt it."),
    ]), participant="P01")
    second, _ = store.add_transcript("p02-interview", make_parsed([
        ("Interviewer", "interviewer", "What helped you?"),
        ("Ravi", "participant", "A mentor 👩🏽‍⚕️ who broke down barriers. Nothing was planned."),
    ]), participant="P02")
    store.set_participant_attributes("P01", {"profession": "Speech & language therapist",
                                             "board_distance": "1"})
    store.set_participant_attributes("P02", {"profession": "Paramedic"})
    store.set_participant_attributes("P03", {"profession": "Dietitian"})
    t1 = store.transcript_text(first.id)
    t2 = store.transcript_text(second.id)

    def span(text: str, quote: str) -> tuple[int, int]:
        start = text.index(quote)
        return start, start + len(quote)

    luck = store.code(first.id, "serendipity", "ana", *span(t1, "😀 it was luck"))
    store.code(first.id, "winding", "ana", *span(t1, "I never planned a career in management"))
    store.code(first.id, "winding", "bea", *span(t1, "never planned a career"))
    board = store.code(first.id, "mandate", "bea", *span(t1, "The board 🤝 listens"))
    store.code(second.id, "serendipity", "bea", *span(t2, "A mentor 👩🏽‍⚕️ who broke"))
    store.code(second.id, "retired", "ana", *span(t2, "Nothing was planned."))
    gone = store.code(second.id, "winding", "ana", *span(t2, "mentor"))
    store.remove_coding(gone.id, "ana")
    store.set_memo("ana", "coding", luck.id, "Luck again – compare P03 🍀")
    store.set_memo("bea", "coding", board.id, "Board <access> & \"mandate\"")
    store.set_memo("bea", "theme", "serendipity", "Keep apart from planned moves.")
    store.set_memo("ana", "transcript", str(first.id), "Recorded on site.\nSecond line.")
    # Retire one theme that stays coded: it must still be exported (with its coding).
    store.save_codebook(Codebook("ahp", THEMES[:4]))
    return {"first": first.id, "second": second.id}


def validate_both(data: bytes, xsd: str) -> None:
    """Assert ``data`` is valid against ``xsd`` with lxml AND xmlschema.

    Skips (like ``real_dir``) in a clone without ``../shared/refi-qda``, where the
    README's ``python3 -m pytest`` used to fail on the missing schema files.
    """
    if not (REFI_SCHEMAS / xsd).is_file():
        pytest.skip(f"../shared/refi-qda/{xsd} is not present")
    schema = etree.XMLSchema(etree.parse(str(REFI_SCHEMAS / xsd)))
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log
    strict = xmlschema.XMLSchema(str(REFI_SCHEMAS / xsd))
    strict.validate(data.decode("utf-8"))
    assert strict.is_valid(data.decode("utf-8"))


def zip_fixture(name: str, target: Path) -> Path:
    """Zip the hand-written fixture folder ``tests/data/refi/<name>`` into a .qdpx."""
    folder = FIXTURES / name
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target
