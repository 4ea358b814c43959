"""One coder's work on two laptops: the same suggestion decided one way in one copy and
another way in the other. The merge keeps the later decision, and only its coding counts
(the coding of the decision that lost went on counting in agreement), and says so."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_merge import _base, _suggest


def _two_laptops(tmp_path: Path) -> tuple[Path, Path, Path, int]:
    """main.db with one suggestion; ana accepts it on laptop 1, then rejects it on 2."""
    main = _base(tmp_path / "main.db")
    sid = _suggest(main, main.transcript("asha").id, "mandate", 72, 97)
    main.close()
    one, two = tmp_path / "ana-laptop1.db", tmp_path / "ana-laptop2.db"
    shutil.copy(tmp_path / "main.db", one)
    shutil.copy(tmp_path / "main.db", two)
    first = open_store(one)
    first.accept(sid, "ana")
    first.close()
    second = open_store(two)
    second.reject(sid, "ana")
    second.close()
    return tmp_path / "main.db", one, two, sid


def _state(store, sid: int) -> tuple[str | None, list[tuple[int, int]]]:
    return store.decision_of(sid, "ana"), [(c.start, c.end) for c in store.codings(coder="ana")]


def test_a_later_rejection_in_another_copy_takes_the_accepted_coding_out(tmp_path):
    main_path, one, two, sid = _two_laptops(tmp_path)
    store = open_store(main_path)
    store.merge_from(one)
    assert _state(store, sid) == ("accepted", [(72, 97)])
    store.merge_from(two)
    # The rejection is the later decision: ana has no coding of a suggestion she rejected.
    assert _state(store, sid) == ("rejected", [])
    assert [(c.copy, c.here, c.copy_stands) for c in store.merge_conflicts] == [
        ("rejected", "accepted", True)]
    assert store.integrity_ok()
    store.close()


def test_the_older_copy_merged_last_does_not_bring_its_coding_back(tmp_path):
    main_path, one, two, sid = _two_laptops(tmp_path)
    store = open_store(main_path)
    store.merge_from(two)
    store.merge_from(one)
    assert _state(store, sid) == ("rejected", [])
    assert [(c.copy, c.here, c.copy_stands) for c in store.merge_conflicts] == [
        ("accepted", "rejected", False)]
    store.close()
    # ana goes on coding on laptop 1 (a hand coding): its newer events must not bring
    # back the accept her later rejection on laptop 2 replaced.
    first = open_store(one)
    first.code(first.transcript("asha").id, "serendipity", "ana", 0, 3)
    first.close()
    store = open_store(main_path)
    store.merge_from(one)
    assert store.decision_of(sid, "ana") == "rejected"
    assert [(c.theme_id, c.start) for c in store.codings(coder="ana")] == [("serendipity", 0)]
    store.close()


def test_an_adjusted_span_in_the_later_copy_replaces_the_accepted_one(tmp_path):
    main = _base(tmp_path / "main.db")
    sid = _suggest(main, main.transcript("asha").id, "mandate", 72, 97)
    main.close()
    for name, span in (("one.db", None), ("two.db", (72, 90))):
        shutil.copy(tmp_path / "main.db", tmp_path / name)
        copy = open_store(tmp_path / name)
        if span is None:
            copy.accept(sid, "ana")
        else:
            copy.accept(sid, "ana", start=span[0], end=span[1])
        copy.close()
    store = open_store(tmp_path / "main.db")
    store.merge_from(tmp_path / "one.db")
    store.merge_from(tmp_path / "two.db")
    assert _state(store, sid) == ("adjusted", [(72, 90)])
    store.close()


def test_the_same_decision_in_both_copies_is_no_conflict(tmp_path):
    main = _base(tmp_path / "main.db")
    sid = _suggest(main, main.transcript("asha").id, "mandate", 72, 97)
    main.close()
    for name in ("one.db", "two.db"):
        shutil.copy(tmp_path / "main.db", tmp_path / name)
        copy = open_store(tmp_path / name)
        copy.accept(sid, "ana")
        copy.close()
    store = open_store(tmp_path / "main.db")
    store.merge_from(tmp_path / "one.db")
    store.merge_from(tmp_path / "two.db")
    assert _state(store, sid) == ("accepted", [(72, 97)])
    assert store.merge_conflicts == []
    store.close()


def test_the_merge_warns_which_decision_stands(tmp_path):
    main_path, one, two, sid = _two_laptops(tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", str(main_path), "merge", str(one)],
                          terminal_width=300)
    assert first.exit_code == 0 and "warning" not in first.output
    result = runner.invoke(cli, ["--db", str(main_path), "merge", str(two)],
                           terminal_width=300)
    assert result.exit_code == 0, result.output
    assert ("warning: ana decided 1 suggestion one way in " in result.output
            and "the later decision stands" in result.output)
    assert (f"suggestion {sid} (mandate, asha), ana: rejected in {two} (" in result.output
            and ") stands over accepted here (" in result.output)
