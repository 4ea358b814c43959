"""The consensus coder guarded on every command that writes a named coder's codings or
decisions (``decide``, ``search --code``, ``codings import``), by the store's check that
the workbench makes too: one line, exit 1, the database unchanged. Undo and redo stay
open to it: they take back or bring back a logged reconcile decision."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.tui.conftest import build_project
from tests.tui.test_keys_80x24 import reconciled, snapshot

REFUSED = "is the consensus coder, which holds the reconciled result"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    build_project(path)
    return path


def run(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(project), *args])
    return result.exit_code, result.output


def refused(code: int, out: str, coder: str = "consensus") -> bool:
    lines = [line for line in out.splitlines() if line.strip()]
    return (code == 1 and len(lines) == 1 and f"'{coder}' {REFUSED}" in lines[0]
            and "`qcahp reconcile decide`" in lines[0] and "nothing was changed" in lines[0]
            and "Traceback" not in out)


def test_the_store_names_every_consensus_coder(project: Path) -> None:
    reconciled(project, consensus="agreed")
    with open_store(project) as store:
        first = store.suggestions(transcript_id=1)[0]
        store.reconcile(1, first.theme_id, "rejected", [], rule="reject",
                        compared=["ana", "ben"], start=first.start, end=first.end)
        assert store.consensus_coders() == {"consensus", "agreed", "rejected"}
        assert store.consensus_problem("ana") is None
        for name in ("consensus", " consensus ", "agreed", "rejected"):
            assert REFUSED in (store.consensus_problem(name) or "")


@pytest.mark.parametrize("verdict", ["accept", "reject"])
@pytest.mark.parametrize("coder", ["consensus", "agreed"])
def test_decide_refuses_the_consensus_coder(project: Path, verdict: str, coder: str) -> None:
    reconciled(project, consensus="agreed")
    before = snapshot(project)
    code, out = run(project, "decide", "2", verdict, "--coder", coder)
    assert refused(code, out, coder), out
    assert snapshot(project) == before
    code, out = run(project, "decide", "2", verdict, "--coder", "ana")
    assert code == 0 and snapshot(project) != before


def test_search_code_refuses_the_consensus_coder(project: Path) -> None:
    before = snapshot(project)
    code, out = run(project, "search", "luck", "--code", "serendipity",
                    "--coder", "consensus")
    assert refused(code, out), out
    assert snapshot(project) == before
    code, out = run(project, "search", "luck", "--code", "serendipity", "--coder", "ana")
    assert code == 0 and "Coded 3 sentences with Serendipity as ana" in out, out


def test_codings_import_refuses_the_consensus_coder(project: Path, tmp_path: Path) -> None:
    reconciled(project)
    csv = tmp_path / "consensus.csv"
    code, out = run(project, "codings", "export", "--coder", "consensus", "-o", str(csv))
    assert code == 0 and ",consensus,consensus" in csv.read_text(encoding="utf-8-sig")
    with open_store(project) as store:
        store.undo("consensus")  # so that the import would add a coding
        assert not store.codings(coder="consensus")
    before = snapshot(project)
    code, out = run(project, "codings", "import", str(csv), "--coder", " consensus")
    assert refused(code, out), out
    assert snapshot(project) == before
    code, out = run(project, "codings", "import", str(csv), "--coder", "lee")
    assert code == 0 and "Imported 1 coding for lee" in out


def test_undo_and_redo_of_a_reconcile_decision_stay_open(project: Path) -> None:
    reconciled(project)
    code, out = run(project, "undo", "--coder", "consensus")
    assert code == 0 and out.startswith("undid: reconciled Winding route"), out
    with open_store(project) as store:
        assert not store.codings(coder="consensus")
    code, out = run(project, "redo", "--coder", "consensus")
    assert code == 0 and out.startswith("redid: reconciled Winding route"), out
    with open_store(project) as store:
        assert len(store.codings(coder="consensus")) == 1


@pytest.mark.parametrize("args", [
    ("codebook", "add-theme", "Workload"),
    ("codebook", "edit-theme", "serendipity", "--name", "Happenstance"),
    ("codebook", "merge-theme", "serendipity", "mandate"),
    ("codebook", "retire", "serendipity"),
    ("codebook", "restore", "serendipity"),
])
def test_theme_changes_refuse_the_consensus_coder(project: Path, args: tuple[str, ...]) -> None:
    """A theme change under the consensus coder's name would sit on its undo stack among
    the reconcile decisions: `qcahp undo --coder consensus` would take it back instead."""
    reconciled(project, consensus="agreed")
    if args[1] == "restore":
        assert run(project, "codebook", "retire", "serendipity", "--coder", "ana")[0] == 0
    for coder in ("consensus", "agreed"):
        before = snapshot(project)
        with open_store(project) as store:
            themes = (store.themes(include_inactive=True), store.themes())
        code, out = run(project, *args, "--coder", coder)
        lines = [line for line in out.splitlines() if line.strip()]
        assert code == 1 and len(lines) == 1, out
        assert (f"'{coder}' is the consensus coder, whose log holds the reconcile decisions: "
                "change themes under your own name with --coder NAME; nothing was changed"
                ) in lines[0]
        assert snapshot(project) == before
        with open_store(project) as store:
            assert (store.themes(include_inactive=True), store.themes()) == themes
