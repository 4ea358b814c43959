"""`qcahp merge` of a copy that still calls a coder by a name the project gave up.

The lead renames a coder (`qcahp coders rename`) or joins two names of one person
(`qcahp coders join`) while the coder goes on working in their copy under the old
name. The next merge brings that work in under the coder's name now, says so, never
makes the old name a coder again, and brings in no event a second time. Every test
merges real copies of one project (files copied as a coder would be sent them).
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.helpers.project import build_project

WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    """``qcahp --db DB ARGS``: exit code, stdout, stderr (wide: one line each)."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args], terminal_width=400)
    return result.exit_code, result.stdout, result.stderr


def merge(db: Path, copy: Path) -> str:
    code, out, err = run(db, "merge", str(copy))
    assert code == 0, err
    return out + err


def decide(db: Path, coder: str, *picks: tuple[int, str]) -> None:
    """In ``db``, ``coder`` accepts or rejects suggestions (by their place in the list)."""
    with open_store(db) as store:
        s = [x.id for x in store.suggestions()]
        for index, how in picks:
            (store.accept if how == "accept" else store.reject)(s[index], coder)


def sid(db: Path, index: int) -> int:
    with open_store(db) as store:
        return store.suggestions()[index].id


def events_once(db: Path) -> Counter[str]:
    """Each event (merged or made here) by what it records (time, kind, record): an
    event merged twice counts 2."""
    with open_store(db) as store:
        rows = store.conn.execute("SELECT at, kind, payload FROM events").fetchall()
    seen: Counter[str] = Counter()
    for at, kind, payload in rows:
        data = json.loads(payload)
        if kind == "merged":
            kind, data = data["original_kind"], data["original"]
        seen[json.dumps([at, kind, data], sort_keys=True)] += 1
    return seen


def assert_no_event_twice(db: Path) -> None:
    twice = [k for k, n in events_once(db).items() if n > 1]
    assert not twice, twice[:3]


def coders(db: Path) -> list[str]:
    with open_store(db) as store:
        return store.coders()


def project(tmp_path: Path) -> Path:
    main = tmp_path / "main.db"
    build_project(main).close()
    return main


def copy(main: Path, name: str) -> Path:
    target = main.with_name(name)
    shutil.copy(main, target)
    return target


# --------------------------------------------------------------------------- rename
def test_rename_then_merge_brings_new_work_under_the_new_name(tmp_path: Path) -> None:
    main = project(tmp_path)
    ana = copy(main, "ana.db")
    decide(ana, "Ana", (0, "accept"), (1, "reject"))
    merge(main, ana)
    assert run(main, "coders", "rename", "Ana", "Ana Silva")[0] == 0
    decide(ana, "Ana", (2, "accept"))           # Ana works on in her copy
    with open_store(main) as store:
        before = len(store.events())
    out = merge(main, ana)
    assert out.splitlines()[0] == f"Merged {ana}: 1 coding, 1 decision, 1 log event."
    assert re.fullmatch(rf"Ana's work merged as Ana Silva \(here 'Ana' was renamed "
                        rf"'Ana Silva' on {WHEN}\)\.", out.splitlines()[1])
    assert coders(main) == ["Ana Silva"]
    with open_store(main) as store:
        assert [store.decision_of(sid(main, i), "Ana Silva") for i in range(3)] == [
            "accepted", "rejected", "accepted"]
        assert len(store.codings(coder="Ana Silva")) == 2
        assert len(store.events()) == before + 2   # her accept, and the merge
    assert_no_event_twice(main)
    out = merge(main, ana)
    assert out.startswith(f"Nothing new in {ana}.")
    assert coders(main) == ["Ana Silva"]


def test_a_chain_of_renames_then_a_join_is_followed(tmp_path: Path) -> None:
    main = project(tmp_path)
    ana = copy(main, "ana.db")
    decide(ana, "Ana", (0, "accept"))
    decide(main, "ana", (5, "accept"))
    merge(main, ana)
    assert run(main, "coders", "rename", "Ana", "Ana S")[0] == 0
    assert run(main, "coders", "rename", "Ana S", "Ana Silva")[0] == 0
    assert run(main, "coders", "join", "Ana Silva", "ana")[0] == 0
    decide(ana, "Ana", (1, "accept"))
    out = merge(main, ana)
    assert re.search(rf"^Ana's work merged as ana \(here 'Ana' was renamed 'Ana S' on "
                     rf"{WHEN}, then renamed 'Ana Silva' on {WHEN}, then joined into 'ana' "
                     rf"on {WHEN}\)\.$", out, re.M), out
    assert coders(main) == ["ana"]
    with open_store(main) as store:
        assert store.decision_of(sid(main, 1), "ana") == "accepted"
    assert_no_event_twice(main)


def test_a_copy_made_after_the_rename_merges_as_it_always_did(tmp_path: Path) -> None:
    main = project(tmp_path)
    decide(main, "Ana", (0, "accept"))
    assert run(main, "coders", "rename", "Ana", "Ana Silva")[0] == 0
    later = copy(main, "later.db")
    decide(later, "Ana Silva", (1, "accept"))
    out = merge(main, later)
    assert out == f"Merged {later}: 1 coding, 1 decision, 1 log event.\n"
    assert coders(main) == ["Ana Silva"]
    assert_no_event_twice(main)


def test_a_rename_in_the_copy_is_found_by_the_coders_guid(tmp_path: Path) -> None:
    """Ana renamed herself in her copy: the same coder (her GUID came in with her first
    merge), so her work stays hers here, and the lead is told how to take the name."""
    main = project(tmp_path)
    ana = copy(main, "ana.db")
    decide(ana, "Ana", (0, "accept"))
    merge(main, ana)
    assert run(ana, "coders", "rename", "Ana", "Ana Silva")[0] == 0
    decide(ana, "Ana Silva", (1, "accept"))
    out = merge(main, ana)
    assert ("Ana Silva's work merged as Ana (the same coder by GUID; renamed in the copy: "
            "`qcahp coders rename Ana 'Ana Silva'` takes that name here).") in out
    assert coders(main) == ["Ana"]
    with open_store(main) as store:
        assert store.decision_of(sid(main, 1), "Ana") == "accepted"
        assert len(store.codings(coder="Ana")) == 2
    assert_no_event_twice(main)   # her first accept: keyed under "Ana" here


# --------------------------------------------------------------------------- join
def test_merge_then_join_then_merge(tmp_path: Path) -> None:
    main = project(tmp_path)
    ana = copy(main, "ana.db")
    decide(main, "ana", (0, "accept"), (2, "accept"))
    decide(ana, "Ana", (0, "accept"), (1, "reject"))
    merge(main, ana)
    code, out, err = run(main, "coders", "join", "Ana", "ana")
    assert code == 0, err
    decide(ana, "Ana", (3, "accept"))
    with open_store(main) as store:
        before = len(store.events())
        seen = len(store.codings(coder="ana"))
    out = merge(main, ana)
    lines = out.splitlines()
    assert lines[0] == f"Merged {ana}: 1 coding, 1 decision, 1 log event."
    assert re.fullmatch(rf"Ana's work merged as ana \(here 'Ana' was joined into 'ana' on "
                        rf"{WHEN}\)\.", lines[1])
    assert coders(main) == ["ana"]
    with open_store(main) as store:
        assert [store.decision_of(sid(main, i), "ana") for i in range(4)] == [
            "accepted", "rejected", "accepted", "accepted"]
        # The accept both names made is one coding still (the join kept it once).
        codings = store.codings(coder="ana")
        assert len(codings) == seen + 1
        assert len({(c.transcript_id, c.theme_id, c.start, c.end) for c in codings}) == \
            len(codings)
        assert len(store.events()) == before + 2
    assert_no_event_twice(main)
    assert merge(main, ana).startswith(f"Nothing new in {ana}.")
    assert coders(main) == ["ana"]


def test_join_then_merge_twice(tmp_path: Path) -> None:
    """Ana and ana coded in the lead's project; Ana took a copy of it to code on. The
    lead joins the two names; Ana's copy, merged twice, adds only her new work."""
    main = project(tmp_path)
    decide(main, "Ana", (0, "accept"), (1, "reject"), (4, "accept"))
    decide(main, "ana", (0, "accept"), (1, "accept"), (3, "accept"))   # s1: ana's later
    ana = copy(main, "ana.db")
    code, out, err = run(main, "coders", "join", "Ana", "ana")
    assert code == 0, err
    assert "1 decision conflict" in out
    with open_store(main) as store:
        kept = sorted((c.theme_id, c.start, c.end) for c in store.codings(coder="ana"))
        before = len(store.events())
    decide(ana, "Ana", (2, "reject"))
    with open_store(ana) as store:   # in her copy, both her names code one span
        story = store.transcript("story0").id
        store.code(story, "mandate", "Ana", 0, 10)
        store.code(story, "mandate", "ana", 0, 10)
    out = merge(main, ana)
    # Only her new work: no decision the join settled is made again.
    assert out.splitlines()[0] == f"Merged {ana}: 1 coding, 1 decision, 3 log events."
    assert merge(main, ana).startswith(f"Nothing new in {ana}.")
    assert coders(main) == ["ana"]
    with open_store(main) as store:
        assert [store.decision_of(sid(main, i), "ana") for i in range(5)] == [
            "accepted", "accepted", "rejected", "accepted", "accepted"]
        # The coding the join kept once (both names accepted s0) stays once; the span
        # both names coded in the copy comes in once.
        assert sorted((c.theme_id, c.start, c.end) for c in store.codings(coder="ana")) \
            == sorted([*kept, ("mandate", 0, 10)])
        assert len(store.events()) == before + 4   # Ana's reject, two codings, a merge
    assert_no_event_twice(main)


def test_a_coder_joined_into_a_coder_who_has_a_copy_too(tmp_path: Path) -> None:
    """Ana and ana each code a copy; the lead merges both and joins them; both code on.
    Each copy's work lands on ana, and where both names decided one suggestion the
    later decision stands, whichever copy is merged last."""
    main = project(tmp_path)
    big, small = copy(main, "ana.db"), copy(main, "Ana.db")
    decide(small, "Ana", (0, "accept"))
    decide(big, "ana", (1, "accept"))
    merge(main, big)
    merge(main, small)
    assert coders(main) == ["ana", "Ana"]
    assert run(main, "coders", "join", "Ana", "ana")[0] == 0
    decide(small, "Ana", (2, "accept"))          # first Ana's accept of s2...
    decide(big, "ana", (2, "reject"), (3, "accept"))   # ...then ana's reject of it
    merge(main, big)
    out = merge(main, small)
    assert "Ana's work merged as ana (here 'Ana' was joined into 'ana'" in out
    assert coders(main) == ["ana"]
    with open_store(main) as store:
        assert [store.decision_of(sid(main, i), "ana") for i in range(4)] == [
            "accepted", "accepted", "rejected", "accepted"]
        s2 = store.suggestions()[2]
        assert not [c for c in store.codings(coder="ana") if c.start == s2.start
                    and c.theme_id == s2.theme_id]   # the accept that did not stand
    assert_no_event_twice(main)


# --------------------------------------------------------------------------- names
def test_two_people_of_one_name_in_two_copies_are_one_coder(tmp_path: Path) -> None:
    """Kept as it was: names match exactly, so two copies' "sam" are one coder here
    (their GUIDs differ, as the same person's do in two copies each made their coder)."""
    main = project(tmp_path)
    one, two = copy(main, "one.db"), copy(main, "two.db")
    decide(one, "sam", (0, "accept"))
    decide(two, "sam", (1, "accept"))
    merge(main, one)
    out = merge(main, two)
    assert "new coder" not in out and "merged as" not in out
    assert coders(main) == ["sam"]
    with open_store(main) as store:
        assert len(store.codings(coder="sam")) == 2


def test_a_name_taken_again_after_a_rename_is_pointed_out(tmp_path: Path) -> None:
    """A coder called Ana again after Ana was renamed (a merge by an earlier version
    made one): the copy's Ana goes to that coder, and the warning names the join."""
    main = project(tmp_path)
    ana = copy(main, "ana.db")
    decide(ana, "Ana", (0, "accept"))
    decide(main, "Ana", (1, "accept"))
    assert run(main, "coders", "rename", "Ana", "Ana Silva")[0] == 0
    decide(main, "Ana", (2, "accept"))           # a coder Ana again
    out = merge(main, ana)
    assert re.search(rf"warning: here 'Ana' was renamed 'Ana Silva' on {WHEN}, but a coder "
                     rf"'Ana' is here again, so Ana's work in {re.escape(str(ana))} went "
                     r"to 'Ana'; if they are one person, `qcahp coders join Ana 'Ana "
                     r"Silva'` makes them one coder\.", out), out
    assert coders(main) == ["Ana Silva", "Ana"]
