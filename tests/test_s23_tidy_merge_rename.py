"""Session 23, tidy: a transcript renamed in a coder's copy is renamed here at merge.

``qcahp merge`` matched the copy's transcripts by text, brought its codings in, and left a
rename made there (``qcahp transcripts rename physio_helen P07``, often to take a name out)
behind with a line in the log: "not applied here". The transcript is the same one (the
merge's own match), so the rename is made here too, as ``transcripts rename`` makes it,
and the merge says so; where this project renamed it since, or another transcript here
has the name, this project's name stands and a note gives the command that takes the
copy's. A second rename no longer leaves the first one's name in the log either.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.test_s22_privacy import HELEN, TOM, _dump


def _run(db: Path, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout, result.stderr


@pytest.fixture
def lead(tmp_path: Path) -> Path:
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "physio_helen.txt").write_text(HELEN, encoding="utf-8")
    (folder / "podiatrist_tom.txt").write_text(TOM, encoding="utf-8")
    db = tmp_path / "lead.db"
    _run(db, "import", str(folder))
    with open_store(db) as store:
        store.save_codebook(Codebook("test", (Theme("serendipity", "Serendipity"),)))
    return db


def _copy(lead: Path, name: str) -> Path:
    copy = lead.with_name(name)
    shutil.copy(lead, copy)
    return copy


def _names(db: Path) -> list[str]:
    with open_store(db) as store:
        return [t.name for t in store.transcripts()]


def _log(db: Path) -> list[str]:
    out, _ = _run(db, "log", "--format", "json")
    return [e["what"] for e in json.loads(out)["events"]]


def test_a_rename_in_a_coders_copy_is_made_here(lead, insecure):
    ben = _copy(lead, "ben.db")
    with open_store(ben) as store:
        tid = store.transcript("physio_helen").id
        store.code(tid, "serendipity", "ben", 68, 120)
    _run(ben, "transcripts", "rename", "physio_helen", "P07")
    out, err = _run(lead, "merge", str(ben))
    # was: only "Merged ben.db: ..."; physio_helen stayed physio_helen here
    assert (f"Renamed transcript 'physio_helen' to 'P07'; its participant 'physio_helen' is "
            f"'P07' too: codings, memos and log stay attached, as in {ben}.") in out, out
    assert "note: copies made before now still hold the old name" in err
    assert _names(lead) == ["P07", "podiatrist_tom"]
    with open_store(lead) as store:
        info = store.transcript("P07")
        assert info.id == tid and info.participant == "P07"
        assert [c.coder for c in store.codings(transcript_id=tid)] == ["ben"]
    said = _log(lead)
    assert "renamed a transcript to 'P07' (by " in said[0] and said[0].endswith(
        ", as in copy ben.db")
    merged = [s for s in said if s.startswith("merged in from copy ben.db: renamed")]
    assert merged == [f"merged in from copy ben.db: {said[0].split(', as in')[0]}, made "
                      "here too"]
    assert "merged in from copy ben.db: coded by hand: Serendipity on P07 [68, 120)" in said
    assert not [s for s in said if "not applied here" in s]
    assert b"physio_helen" not in _dump(lead)
    # Merged again: nothing new, nothing renamed.
    out, _ = _run(lead, "merge", str(ben))
    assert out == f"Nothing new in {ben}.\n"
    assert len(_log(lead)) == len(said)


def test_a_name_given_here_since_stands_with_the_command_to_take_the_copys(lead):
    ben = _copy(lead, "ben.db")
    _run(ben, "transcripts", "rename", "physio_helen", "P07")
    _run(lead, "transcripts", "rename", "physio_helen", "physio_H")
    out, err = _run(lead, "merge", str(ben))
    assert "Renamed transcript" not in out
    assert (f"note: {ben} renamed transcript 'physio_H' to 'P07', but here it was renamed "
            "'physio_H' since: this project's name stands; `qcahp transcripts rename "
            "physio_H P07` takes the copy's.") in " ".join(err.split()), err
    assert _names(lead) == ["physio_H", "podiatrist_tom"]
    assert _log(lead)[-2].endswith(", not made here: this project's name 'physio_H' stands")


def test_a_name_another_transcript_has_here_stands(lead):
    ben = _copy(lead, "ben.db")
    _run(ben, "transcripts", "rename", "physio_helen", "P07")
    _run(lead, "transcripts", "rename", "podiatrist_tom", "p07")
    _, err = _run(lead, "merge", str(ben))
    assert "but here another transcript is named 'p07': this project's name stands" in err
    assert _names(lead) == ["p07", "physio_helen"]


def test_a_copy_made_between_two_renames_brings_no_old_name_back(lead, insecure):
    """Renamed here to H1, copied, renamed here to H2: the copy's first rename (to H1) is
    this project's own, though the second rename rewrote it here; merging the copy adds no
    event naming H1 again, and H2 stands."""
    _run(lead, "transcripts", "rename", "physio_helen", "physio_H1")
    ben = _copy(lead, "ben.db")
    with open_store(ben) as store:
        store.code(store.transcript("physio_H1").id, "serendipity", "ben", 68, 120)
    _run(lead, "transcripts", "rename", "physio_H1", "physio_H2")
    said = _log(lead)
    # A second rename takes the first one's name out of the log too.
    assert said == ["renamed a transcript to 'physio_H2' (by "
                    + said[0].split("(by ")[1]] * 2
    assert b"physio_H1" not in _dump(lead)
    out, err = _run(lead, "merge", str(ben))
    assert "Renamed transcript" not in out and "note:" not in err
    assert _names(lead) == ["physio_H2", "podiatrist_tom"]
    assert not [s for s in _log(lead) if "physio_H1" in s]
    assert b"physio_H1" not in _dump(lead)
