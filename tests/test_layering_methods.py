"""The methods report reads the model through the store's methods and the agreement
layer, not the database connection or the command line (``reports/methods`` queried
``store.conn`` for the codebook loads and got its coverage note from ``cli``)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from qualcoder_ahp.records import CodebookLoad
from tests.conftest import REPO
from tests.helpers.project import build_project

PACKAGE = REPO / "qualcoder_ahp"


def _uses_conn(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "conn"]


def test_reports_and_agreement_never_touch_the_connection() -> None:
    used = {str(p.relative_to(REPO)): lines for p in sorted(
        [*(PACKAGE / "reports").glob("*.py"), *(PACKAGE / "agreement").glob("*.py")])
        if (lines := _uses_conn(p))}
    assert used == {}


def test_the_methods_report_loads_no_command_line_module() -> None:
    code = ("import sys, qualcoder_ahp.reports.methods as m, qualcoder_ahp.agreement.compute;"
            "print(' '.join(k for k in sys.modules if k.startswith('qualcoder_ahp.cli')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout.split()
    assert out == []


def test_codebook_loads_are_read_through_the_store(tmp_path: Path) -> None:
    with build_project(tmp_path / "study.db") as store:
        loads = store.codebook_loads()
        rows = store.conn.execute(
            "SELECT name, path, content_hash, pipeline, loaded_at FROM codebooks "
            "ORDER BY id").fetchall()
    assert loads and all(isinstance(load, CodebookLoad) for load in loads)
    assert [(x.name, x.path, x.content_hash, x.pipeline, x.loaded_at) for x in loads] == rows


def test_methods_states_agreements_coverage_note_by_itself(tmp_path: Path) -> None:
    """The note under ``qcahp agreement``'s table, in the methods draft, without the
    command line handing it over."""
    from qualcoder_ahp.agreement.compute import collect, coverage_note
    from qualcoder_ahp.reports.methods import methods_report

    with build_project(tmp_path / "study.db") as store:
        ids = [t.id for t in store.transcripts()]
        sug = {tid: store.suggestions(transcript_id=tid) for tid in ids}
        store.accept(sug[ids[0]][0].id, "ana")
        store.accept(sug[ids[0]][0].id, "ben")
        store.accept(sug[ids[1]][0].id, "ana")  # ben has not coded the second
        note = coverage_note(collect(store, ["ana", "ben"]))
        report = methods_report(store, coders=["ana", "ben"])
    assert note is not None and note.startswith("1 of 2 transcripts coded by both coders")
    said = " ".join(text for section, text in report.paragraphs if section == "Agreement")
    assert note.replace(" (--by transcript shows each)", "") in said, said
