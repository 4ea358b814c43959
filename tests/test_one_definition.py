"""One definition of what was written twice: the speaker label's name-and-time regex
(a heading in ``importers.turns``, a bold label run in ``importers.formats``) and a
transcript's ``name@version`` label (merge and agreement built their own)."""

from __future__ import annotations

import re

import pytest

from qualcoder_ahp.importers import formats, turns
from qualcoder_ahp.records import TranscriptInfo, transcript_label
from tests.conftest import REPO


def test_headings_and_bold_labels_read_a_name_and_time_by_one_regex() -> None:
    assert formats.NAME_AND_TIME is turns.NAME_AND_TIME
    assert not hasattr(formats, "_LABEL_TAIL") and not hasattr(turns, "_HEADING_NAME")


@pytest.mark.parametrize(("label", "name", "time"), [
    ("Jane Doe", "Jane Doe", None),
    ("Jane Doe:", "Jane Doe", None),
    ("Jane Doe [00:01:02]:", "Jane Doe", "00:01:02"),
    ("Interviewer (12:30)", "Interviewer", "12:30"),
    ("Ms Hands: ", "Ms Hands", None),
])
def test_the_regex_reads_name_and_time(label: str, name: str, time: str | None) -> None:
    m = turns.NAME_AND_TIME.match(label)
    assert m is not None and (m.group("name").strip().rstrip(":"), m.group("t")) == (name,
                                                                                     time)


def test_a_transcript_label_is_built_in_one_place() -> None:
    assert transcript_label("helen", 1) == "helen"
    assert transcript_label("helen", 2) == "helen@2"
    info = TranscriptInfo(1, "helen", 3, "txt", "h", None, 10, 2, "g")
    assert info.label == "helen@3"
    built = re.compile(r'f"\{[\w.]*name\}@\{[\w.]*version\}"')
    package = REPO / "qualcoder_ahp"
    found = [f"{p.relative_to(package)}:{n}" for p in sorted(
        [package / "records.py", *(package / "model").glob("*.py"),
         *(package / "agreement").glob("*.py")])
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if built.search(line) or "if version == 1 else" in line]
    assert len(found) == 1 and found[0].startswith("records.py:"), found
