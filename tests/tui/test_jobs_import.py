"""The workbench's import job names every failed file once (not just the first, not twice)."""

from __future__ import annotations

from pathlib import Path

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui import jobs


def test_import_summary_lists_failures_without_repeating_the_name(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Interviewer: hi\nAnn: hello\nInterviewer: so?\nAnn: yes\n")
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (folder / name).write_text("")
    (folder / "e.docx").write_bytes(b"not a zip")
    db = tmp_path / "p.db"
    open_store(db).close()
    summary = jobs.import_files(db, [str(folder)])
    assert summary.startswith("1 imported")
    assert "5 failed" in summary
    assert summary.count("a.txt") == 1  # named once: the reason already carries the path
    assert "a.txt: the file is empty" in summary and "c.txt" in summary
    assert "and 2 more" in summary
    store = open_store(db)
    assert [t.name for t in store.transcripts()] == ["good"]
    store.close()


def test_import_summary_names_a_withdrawn_file_it_skipped(tmp_path: Path):
    """The dialog said "1 withdrawn (skipped)" without naming the file (the CLI names it)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("ann", "bob"):
        (folder / f"{name}.txt").write_text(
            f"Interviewer: hi\n{name.title()}: hello there\nInterviewer: so?\n"
            f"{name.title()}: yes, {name} here\n")
    db = tmp_path / "p.db"
    open_store(db).close()
    assert jobs.import_files(db, [str(folder)]).startswith("2 imported")
    store = open_store(db)
    store.withdraw(transcripts=["bob"])
    store.close()
    summary = jobs.import_files(db, [str(folder)])
    assert "1 withdrawn (skipped)" in summary
    assert "skipped as withdrawn from this project: bob.txt" in summary
    assert "--readmit" in summary
    store = open_store(db)
    assert [t.name for t in store.transcripts()] == ["ann"]
    store.close()
