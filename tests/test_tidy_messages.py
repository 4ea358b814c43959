"""Messages a new researcher found confusing, said plainly: a coder a REFI file names
with no work in it, a participant id mistyped in a CSV, a merge that brought nothing of
a joined coder's."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from tests.test_withdraw import _two_transcripts


def run(db: Path, *args: str) -> tuple[int, str, str]:
    """``qcahp --db DB ARGS``: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- refi import
def test_refi_import_names_a_coder_with_no_work_in_the_file_as_such(tmp_path: Path) -> None:
    """Ana only rejected a suggestion: the file names her and holds nothing of hers, so
    "theirs are here already or left out" was untrue in a fresh project."""
    path, store, alpha, _beta = _two_transcripts(tmp_path)
    store.accept(store.suggestions(transcript_id=alpha)[0].id, "ben")
    store.reject(store.suggestions(transcript_id=alpha)[1].id, "Ana")
    store.close()
    qdpx = tmp_path / "study.qdpx"
    assert run(path, "refi", "export", str(qdpx))[0] == 0
    code, out, err = run(tmp_path / "fresh.db", "refi", "import", str(qdpx))
    assert code == 0, err
    assert out.splitlines() == [
        f"Imported {qdpx} (project): 5 themes, 2 coders, 2 transcripts, 1 coding, "
        "2 participants.",
        "Ana, a new coder: named in the file, with no codings or memos in it."]


def test_refi_import_counts_a_new_coders_work_here_already_and_left_out(
        tmp_path: Path) -> None:
    path, store, alpha, beta = _two_transcripts(tmp_path)
    for sug in store.suggestions(transcript_id=alpha)[:2]:
        coding = store.accept(sug.id, "ana")
    store.set_memo("ana", "coding", coding.id, "lucky break")
    store.accept(store.suggestions(transcript_id=beta)[0].id, "ana")
    store.close()
    qdpx = tmp_path / "study.qdpx"
    assert run(path, "refi", "export", str(qdpx))[0] == 0
    assert run(path, "withdraw", "--participant", "P1", "--yes")[0] == 0
    code, out, err = run(path, "refi", "import", str(qdpx), "--coder-map", "ana=bob")
    assert code == 0, err
    assert out.splitlines()[-1] == (
        "bob, a new coder, brings no new codings or memos: 1 coding here already; "
        "2 codings and 1 memo left out (see the warnings).")
