"""``qcahp merge`` of a copy holding two versions of one interview file.

A coder re-read the file as a second version in their copy (``--new-version``; another
version's parser reads it differently, so both versions record the same source file).
Each version of the copy must land on its own version here, never both on one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed

FILE = "e" * 64  # the SHA-256 of the one interview file
SAID = "I started on the ward. Then the board asked me to lead. It was luck, really."
READINGS = [
    SAID,  # v1: cues joined
    SAID.replace("ward. ", "ward.\n"),  # v2: a cue break kept as a line break
    SAID.replace("lead. ", "lead.  "),  # another reading: two spaces after a stop
    SAID.replace("ward. ", "ward.\n").replace("lead. ", "lead.  "),
]


def _version(store, reading: int) -> int:
    info, written = store.add_transcript(
        "helen", make_parsed([("Helen", "participant", READINGS[reading])]),
        source_hash=FILE, new_version=True)
    assert written
    return info.id


def _code_luck_on_each_version(path: Path) -> None:
    store = open_store(path)
    for info in store.transcripts():
        text = store.transcript_text(info.id)
        start = text.index("It was luck")
        store.code(info.id, "luck", "ben", start, start + len("It was luck"))
    store.close()


@pytest.fixture
def main(tmp_path: Path) -> Path:
    path = tmp_path / "main.db"
    store = open_store(path)
    store.save_codebook(Codebook("x", (Theme("luck", "Luck"),)))
    _version(store, 0)
    store.close()
    return path


def test_a_second_version_of_the_copy_is_not_merged_onto_the_first_here(main: Path) -> None:
    copy = main.with_name("ben.db")
    shutil.copy(main, copy)
    store = open_store(copy)
    _version(store, 1)  # ben's second reading of the same file
    store.close()
    _code_luck_on_each_version(copy)
    store = open_store(main)
    with pytest.raises(UserError) as err:
        store.merge_from(copy)
    assert str(err.value) == (
        f"{copy}: nothing merged; no version here for helen@2 (the same file as helen, "
        "which another version of the copy matches): import that file here again with "
        "--new-version, then merge again")
    assert store.codings() == [] and store.coders() == []
    # With the second version here too, each version's coding lands on its own.
    _version(store, 1)
    store.merge_from(copy)
    placed = sorted((store.transcript(c.transcript_id).version, c.quote)
                    for c in store.codings(coder="ben"))
    assert placed == [(1, "It was luck"), (2, "It was luck")]
    store.close()


def test_versions_read_differently_there_map_version_to_version(main: Path) -> None:
    store = open_store(main)
    _version(store, 1)
    store.close()
    copy = main.with_name("ben.db")
    store = open_store(copy)
    store.save_codebook(Codebook("x", (Theme("luck", "Luck"),)))
    _version(store, 2)  # both of ben's readings differ from both here: matched by file
    _version(store, 3)
    store.close()
    _code_luck_on_each_version(copy)
    store = open_store(main)
    store.merge_from(copy)
    placed = sorted(store.transcript(c.transcript_id).version
                    for c in store.codings(coder="ben"))
    assert placed == [1, 2]
    assert sorted(m.transcript for m in store.merge_by_source) == ["helen", "helen@2"]
    store.close()
