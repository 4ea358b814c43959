"""What ``qcahp merge`` and ``qcahp refi import`` say, and leave behind, as a researcher
meets them: an empty or withdrawn file is not "already imported", a coder's copy is
left as it was, a merge says compactly what it brought in, merged events read in the
log like local ones (and withdrawal still finds them), and copies of an earlier or a
newer version, of another project or with an odd name are read or refused in a line."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.migrations import known_count
from qualcoder_ahp.model.store import open_store
from tests.conftest import make_parsed
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


def test_refi_import_that_adds_only_a_coder_says_what_was_left_out(tmp_path: Path) -> None:
    """Every source withdrawn or here already: "Imported ...: 1 coder." alone read as if
    the file's work had come in."""
    path, store, alpha, beta = _two_transcripts(tmp_path)
    store.accept(store.suggestions(transcript_id=alpha)[0].id, "ana")
    store.accept(store.suggestions(transcript_id=alpha)[1].id, "ana")
    store.close()
    qdpx = tmp_path / "study.qdpx"
    assert run(path, "refi", "export", str(qdpx))[0] == 0
    assert run(path, "withdraw", "--participant", "P1", "--yes")[0] == 0
    # ana's work came back under another name: bob is new, and brings nothing.
    code, out, err = run(path, "refi", "import", str(qdpx), "--coder-map", "ana=bob")
    assert code == 0, err
    assert out.splitlines() == [
        f"Imported {qdpx} (project): 1 coder.",
        "Already here: 5 themes, 1 transcript, 1 participant.",
        "Left out: 1 transcript withdrawn from this project (qcahp withdraw), with its 2 "
        "codings; 1 participant withdrawn from this project (see the warnings).",
        "bob, a new coder, brings no new codings or memos: 2 codings left out (see the "
        "warnings)."]
    assert "source 'alpha': withdrawn from this project" in err
    # Part new, part here already: the new part is named, and the rest too.
    fresh = tmp_path / "fresh.db"
    store = open_store(fresh)
    store.add_transcript("beta", make_parsed([
        ("Interviewer", "interviewer", "And then?"),
        ("P2", "participant", "Pure luck got me the job. Then the board noticed.")]),
        participant="P2")
    store.close()
    code, out, err = run(fresh, "refi", "import", str(qdpx))
    assert code == 0, err
    assert out.splitlines() == [
        f"Imported {qdpx} (project): 5 themes, 1 coder, 1 transcript, 2 codings, "
        "1 participant.",
        "Already here: 1 transcript, 1 participant."]


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
    assert out == (f"Merged {ana}: 1 new coder (ana), 6 codings (1 of them undone or removed "
                   "in the copy, kept for its log), 4 decisions, 7 log events.\n")
    code, out, err = run(path, "merge", str(ana))
    assert (code, out, err) == (0, f"Nothing new in {ana}.\n", "")


# --------------------------------------------------------------------------- the log
def _log(db: Path, *args: str) -> list[dict]:
    code, out, err = run(db, "log", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)["events"]


def _merged_copy(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """study.db with ben's copy merged in: in the copy ben accepted a suggestion and
    undid it, rejected another and undid that, coded alpha by hand, and coded the
    search hits of "luck" in alpha and beta as one decision."""
    from qualcoder_ahp.reports.search import SearchQuery, code_hits, search

    path, store, alpha, beta = _two_transcripts(tmp_path)
    s1, s2 = store.suggestions(transcript_id=alpha)[:2]
    store.accept(store.suggestions(transcript_id=beta)[0].id, "ana")  # ids move apart
    store.close()
    copy = tmp_path / "ben.db"
    shutil.copy(path, copy)
    ben = open_store(copy)
    ben.code(beta, "serendipity", "ben", 0, 4)  # in the copy first: ids differ from here
    ben.accept(s1.id, "ben")
    ben.undo("ben")
    ben.reject(s2.id, "ben")
    ben.undo("ben")
    ben.code(alpha, "serendipity", "ben", 0, 6)
    found = search(ben, SearchQuery(("luck",)))
    code_hits(ben, found.hits, "serendipity", "ben", about=found.query.describe())
    ben.close()
    assert run(path, "merge", str(copy))[0] == 0
    ids = {"s1": s1.id, "s2": s2.id, "s1_start": s1.start, "s1_end": s1.end,
           "s2_start": s2.start, "s2_end": s2.end}
    return path, ids


def test_merged_events_read_in_the_log_like_local_ones(tmp_path: Path) -> None:
    path, ids = _merged_copy(tmp_path)
    what = [(e["what"], e["transcripts"]) for e in _log(path, "--coder", "ben")]
    copy = tmp_path / "ben.db"
    head = f"merged in from copy {copy.name}: "
    s1 = f"suggestion {ids['s1']} (Serendipity) on alpha [{ids['s1_start']}, {ids['s1_end']})"
    s2 = f"suggestion {ids['s2']} (Mandate) on alpha [{ids['s2_start']}, {ids['s2_end']})"
    assert what[:7] == [
        (head + "coded by hand: Serendipity on beta [0, 4)", ["beta"]),
        (head + f"accepted {s1}", ["alpha"]),
        (head + f"undid: accepted {s1}", ["alpha"]),
        (head + f"rejected {s2}", ["alpha"]),
        (head + f"undid: rejected {s2}", ["alpha"]),
        (head + "coded by hand: Serendipity on alpha [0, 6)", ["alpha"]),
        (head + 'coded 3 sentences found by search “luck” (all speakers) with '
                "Serendipity", ["alpha", "beta"])], what
    # Filtering by transcript finds them.
    assert len(_log(path, "--coder", "ben", "--transcript", "alpha")) == 6


def _as_merged_before(path: Path) -> None:
    """Make the merged events as an earlier version stored them: the copy's ids only
    (``local`` was kept for reconcile decisions and undo/redo alone)."""
    from qualcoder_ahp.model.merge_events import TRANSLATED
    from qualcoder_ahp.model.withdraw_store import EVENTS_NO_UPDATE

    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TRIGGER events_no_update")
        for event_id, payload in conn.execute(
                "SELECT id, payload FROM events WHERE kind = 'merged'").fetchall():
            data = json.loads(payload)
            if data["original_kind"] in TRANSLATED:
                data.pop("local"), data.pop("source")
                conn.execute("UPDATE events SET payload = ? WHERE id = ?",
                             [json.dumps(data, sort_keys=True), event_id])
        conn.execute(EVENTS_NO_UPDATE)
    conn.close()


def test_merged_events_of_an_earlier_version_still_read(tmp_path: Path) -> None:
    # No migration: an accept or hand coding is found by the coding the merge copied
    # (same coder, made at the event's time); what cannot be placed says what it was.
    path, ids = _merged_copy(tmp_path)
    _as_merged_before(path)
    what = [e["what"].split(": ", 1)[1] for e in _log(path, "--coder", "ben")]
    s1 = f"suggestion {ids['s1']} (Serendipity) on alpha [{ids['s1_start']}, {ids['s1_end']})"
    assert what[:7] == [
        "coded by hand: Serendipity on beta [0, 4)",
        f"accepted {s1}",
        f"undid: accepted {s1}",
        "rejected a suggestion",
        "undid: rejected a suggestion",
        "coded by hand: Serendipity on alpha [0, 6)",
        "coded 3 sentences found by search with Serendipity"], what


def test_a_withdrawal_scrubs_merged_events_about_the_transcript(tmp_path: Path) -> None:
    path, _ids = _merged_copy(tmp_path)
    assert run(path, "withdraw", "--participant", "P1", "--yes")[0] == 0
    events = _log(path, "--coder", "ben")
    assert all("alpha" not in e["what"] and "alpha" not in e["transcripts"]
               for e in events), events
    assert [e["kind"] for e in events].count("withdrawn") == 5  # s1 x2, s2 x2, alpha coding
    search = [e for e in events if "found by search" in e["what"]]
    assert [(e["what"].split(": ", 1)[1], e["transcripts"]) for e in search] == [
        ('coded 1 sentence found by search “luck” (all speakers) with Serendipity', ["beta"])]
    assert run(path, "undo", "--coder", "ana")[0] == 0
    store = open_store(path)
    assert store.integrity_ok()
    store.close()


# --------------------------------------------------------------------------- copies a
# researcher meets: an earlier version's, a newer one's, another project, an odd name
def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _as_schema(path: Path, version: int) -> None:
    """Make a copy look as an earlier (version 3: no ``withdrawn`` table) or a newer
    version of qualcoder_ahp wrote it."""
    conn = sqlite3.connect(path)
    with conn:
        if version == 3:
            conn.execute("DROP TABLE withdrawn")
            conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_add_withdrawn'")
        conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def test_a_copy_from_an_earlier_version_merges_and_is_left_as_it_was(
        tmp_path: Path) -> None:
    path, ana, _ben = _coders_copies(tmp_path)
    _as_schema(ana, 3)
    before = _folder(ana.parent)
    code, out, err = run(path, "merge", str(ana))
    assert code == 0, err
    assert out.startswith(f"Merged {ana}: 1 new coder (ana), 6 codings")
    assert err == (f"note: {ana} was made by an earlier version of qualcoder_ahp (schema "
                   "version 3); it was read as this version reads it, and the file was left "
                   "as it was\n")
    assert _folder(ana.parent) == before
    assert run(path, "merge", str(ana))[1] == f"Nothing new in {ana}.\n"


def test_a_newer_copy_or_another_project_is_refused_in_one_line(tmp_path: Path) -> None:
    path, ana, ben = _coders_copies(tmp_path)
    _as_schema(ana, 99)
    before = _dump(path)
    code, out, err = run(path, "merge", str(ana))
    assert (code, out) == (1, "")
    assert err == (f"Error: {ana}: written by a newer qualcoder_ahp (schema version 99; this "
                   f"one knows {known_count()}); nothing merged: upgrade qualcoder_ahp here, "
                   "then merge again\n")
    other = tmp_path / "other.db"
    store = open_store(other)
    for name in ("gamma", "delta"):
        store.add_transcript(name, make_parsed([("P9", "participant", f"I am {name}.")]))
    store.close()
    code, out, err = run(path, "merge", str(other))
    assert (code, out) == (1, "")
    assert err == (f"Error: {other}: a different project: none of its 2 transcripts is in "
                   "this one; nothing merged (merge joins copies of one project; `qcahp refi "
                   "import` brings another project in)\n")
    assert _dump(path) == before


def test_a_copy_whose_name_has_uri_characters_is_read(tmp_path: Path) -> None:
    path, _ana, ben = _coders_copies(tmp_path)
    odd = ben.with_name("ben?v=2#final%.db")
    ben.rename(odd)
    code, out, err = run(path, "merge", str(odd))
    assert code == 0, err
    assert out.startswith(f"Merged {odd}: 1 new coder (ben), 6 codings")


def test_merging_into_an_empty_project_says_what_to_do(tmp_path: Path) -> None:
    _path, ana, _ben = _coders_copies(tmp_path)
    new = tmp_path / "new.db"
    code, out, err = run(new, "merge", str(ana))
    assert (code, out) == (1, "")
    assert err == (f"Error: {ana}: this project has no transcripts yet; nothing merged "
                   "(start from a copy of the file instead, or import the same transcripts "
                   "here first)\n")


def test_a_copy_that_merged_another_copy_reads_through(tmp_path: Path) -> None:
    # ana's copy merged into ben's, ben's into the project: ana's events keep their
    # words and their copy, and ben's merge of ana says what it brought.
    path, ana, ben = _coders_copies(tmp_path)
    assert run(ben, "merge", str(ana))[0] == 0
    assert run(path, "merge", str(ben))[0] == 0
    events = _log(path)
    ana_words = [e["what"] for e in events if e["coder"] == "ana"]
    assert ana_words[-1] == (f"merged in from copy {ana.name}: coded by hand: Serendipity on "
                             "beta [0, 4)")
    assert any(w.startswith(f"merged in from copy {ana.name}: undid: accepted suggestion ")
               for w in ana_words)
    inner = [e["what"] for e in events if e["kind"] == "merged" and e["coder"] is None]
    assert inner == [f"merged in from copy {ben.name}: merged in from copy {ana.name} "
                     "(6 new codings, 4 decisions, 1 new coder, 7 events)"]
    assert run(path, "merge", str(ana))[1] == f"Nothing new in {ana}.\n"
