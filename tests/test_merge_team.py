"""A research team's merge mistakes: an older copy merged after a newer one, and the
same coder's codings arriving in two copies."""

from __future__ import annotations

import shutil

from qualcoder_ahp.model.store import open_store
from tests.test_merge import _suggest, copies  # noqa: F401 - the fixture


def test_an_older_copy_merged_after_a_newer_one_changes_nothing(copies):  # noqa: F811
    """ben sends Monday's copy, undoes an accept on Tuesday and sends that; the lead
    merges both, then Monday's file again by mistake: ben's undo must stand."""
    main_path, ben_path = copies
    ben = open_store(ben_path)
    asha = ben.transcript("asha")
    taken = _suggest(ben, asha.id, "serendipity", 0, 22)
    ben.accept(taken, "ben")
    ben.close()
    monday = ben_path.with_name("ben-monday.db")
    shutil.copy(ben_path, monday)
    store = open_store(main_path)
    store.merge_from(monday)
    here = {s.start: s.id for s in store.suggestions()}
    assert store.decision_of(here[0], "ben") == "accepted"
    ben = open_store(ben_path)
    ben.undo("ben")
    ben.close()
    counts = store.merge_from(ben_path)
    assert counts["codings_updated"] == 1 and counts["decisions_undone"] == 1
    again = store.merge_from(monday)
    assert not any(again.values()), again
    assert store.decision_of(here[0], "ben") is None
    assert not [c for c in store.codings(coder="ben") if c.start == 0]
    assert store.integrity_ok()
    store.close()


def test_the_same_codings_imported_into_two_copies_come_in_once(tmp_path, copies):  # noqa: F811
    """cai imported her CSV into two copies she sent: each coding once here."""
    main_path, _ben_path = copies
    rows = "transcript,theme,start,end,quote\n"
    store = open_store(main_path)
    text = store.transcript_text(store.transcript("asha").id)
    rows += f'asha,mandate,0,22,"{text[0:22]}"\n'
    store.close()
    sheet = tmp_path / "cai.csv"
    sheet.write_text(rows, encoding="utf-8")
    for name in ("cai1.db", "cai2.db"):
        shutil.copy(main_path, tmp_path / name)
        other = open_store(tmp_path / name)
        other.import_codings(sheet, "cai")
        other.close()
    store = open_store(main_path)
    assert store.merge_from(tmp_path / "cai1.db")["codings"] == 1
    second = store.merge_from(tmp_path / "cai2.db")
    assert second["codings"] == 0, second
    assert len(store.codings(coder="cai")) == 1
    assert store.integrity_ok()
    store.close()
