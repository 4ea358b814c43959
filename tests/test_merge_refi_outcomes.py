"""What ``qcahp merge`` and ``qcahp refi import`` say, and leave behind, as a researcher
meets them: an empty or withdrawn file is not "already imported", a coder's copy is
left as it was, and a merge says compactly what it brought in."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_withdraw import _two_transcripts


def run(db: Path, *args: str) -> tuple[int, str, str]:
    """``qcahp --db DB ARGS``: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- refi import
def test_refi_import_of_an_empty_project_says_it_holds_nothing(tmp_path: Path) -> None:
    # What a tool writes for a project with nothing in it (ours refuses to export one).
    qdpx = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(qdpx, "w") as archive:
        archive.writestr("project.qde", '<?xml version="1.0" encoding="UTF-8"?>\n'
                         '<Project xmlns="urn:QDA-XML:project:1.0" name="empty"/>\n')
    path, store, _a, _b = _two_transcripts(tmp_path)
    store.close()
    code, out, err = run(path, "refi", "import", str(qdpx))
    assert code == 0, err
    assert out.strip().splitlines()[-1] == (
        f"{qdpx}: nothing imported: the file holds no codes or sources.")
    assert "already imported" not in out


def test_refi_import_of_withdrawn_sources_says_so_not_already_imported(
        tmp_path: Path) -> None:
    path, store, alpha, _b = _two_transcripts(tmp_path)
    store.accept(store.suggestions(transcript_id=alpha)[0].id, "ana")
    store.close()
    qdpx = tmp_path / "alpha.qdpx"
    assert run(path, "refi", "export", str(qdpx))[0] == 0
    fresh = tmp_path / "fresh.db"
    assert run(fresh, "refi", "import", str(qdpx))[0] == 0
    assert run(fresh, "withdraw", "--participant", "P1", "--yes")[0] == 0
    assert run(fresh, "withdraw", "--participant", "P2", "--yes")[0] == 0
    code, out, err = run(fresh, "refi", "import", str(qdpx))
    assert code == 0, err
    assert out.strip().splitlines()[-1] == (
        f"{qdpx}: nothing imported: its 2 sources were withdrawn from this project "
        "(see the warnings).")
    assert "withdrawn from this project (qcahp withdraw); skipped" in err
    # One of them withdrawn, the other already here: the withdrawn one is named.
    fresh2 = tmp_path / "fresh2.db"
    assert run(fresh2, "refi", "import", str(qdpx))[0] == 0
    assert run(fresh2, "withdraw", "--participant", "P1", "--yes")[0] == 0
    code, out, err = run(fresh2, "refi", "import", str(qdpx))
    assert code == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith(f"{qdpx}: nothing imported: ") and "skipped" in last, last
    assert "already imported" not in last
    # Truly imported before: still "already imported".
    code, out, _err = run(path, "refi", "import", str(qdpx))
    assert out.strip().splitlines()[-1] == f"{qdpx}: nothing new (already imported)."


# --------------------------------------------------------------------------- merge
def _folder(path: Path) -> dict[str, tuple[int, str]]:
    """Each file of a folder with its mode and a hash of its bytes."""
    return {p.name: (p.stat().st_mode, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(path.iterdir())}


def _coders_copies(tmp_path: Path) -> tuple[Path, Path, Path]:
    """study.db, and ana's and ben's copies (in folders of their own), each coded."""
    path, store, alpha, beta = _two_transcripts(tmp_path)
    store.close()
    copies = []
    for coder in ("ana", "ben"):
        folder = tmp_path / coder
        folder.mkdir()
        copy = folder / f"{coder}.db"
        shutil.copy(path, copy)
        other = open_store(copy)
        for sug in other.suggestions():
            other.accept(sug.id, coder)
        other.undo(coder)
        other.code(beta, "serendipity", coder, 0, 4)
        other.close()
        copies.append(copy)
    return path, copies[0], copies[1]


def test_merge_leaves_the_coders_copy_and_its_folder_as_they_were(tmp_path: Path) -> None:
    path, ana, ben = _coders_copies(tmp_path)
    # ben's workbench is still open on his copy: a -wal beside it holds his last decision.
    live = open_store(ben)
    live.code(live.transcripts()[0].id, "serendipity", "ben", 5, 9)
    assert Path(f"{ben}-wal").exists()
    before = {copy: _folder(copy.parent) for copy in (ana, ben)}
    for copy in (ana, ben):
        code, out, err = run(path, "merge", str(copy))
        assert code == 0, err
        assert _folder(copy.parent) == before[copy], copy  # no -wal/-shm left, no byte changed
    store = open_store(path)
    assert (5, 9) in {(c.start, c.end) for c in store.codings(coder="ben")}
    store.close()
    live.close()


def test_merge_says_compactly_what_it_brought_in(tmp_path: Path) -> None:
    path, ana, _ben = _coders_copies(tmp_path)
    code, out, err = run(path, "merge", str(ana))
    assert code == 0, err
    # 5 suggestions accepted (the last undone: its coding comes in, removed) and one
    # coding by hand; a line of what came in, no zeros.
    assert out == f"Merged {ana}: 1 new coder, 6 codings, 4 decisions, 7 log events.\n"
    code, out, err = run(path, "merge", str(ana))
    assert (code, out, err) == (0, f"Nothing new in {ana}.\n", "")
