"""Small defects from session 18's audits (helper ``polish``).

1. A consensus decided into another name (``qcahp reconcile decide --consensus agreed``):
   ``qcahp disagreements``' reconcile line said "none decided yet", and the counts
   screen's ``n`` knew only a coder named ``consensus``; both now ask the store's one rule,
   ``Store.consensus_coders()``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.screens.counts import CountsScreen
from tests.test_team_s18 import run, team
from tests.tui.test_counts_screen import Host

__all__ = ["team"]  # the fixture, shared with test_team_s18


def _agreed(db: Path, at: dict[str, int]) -> None:
    run(db, "reconcile", "decide", "intersection", "--transcript", "p01", "--theme",
        "serendipity", "--at", str(at["fell"]), "--by", "lead", "--consensus", "agreed")


def test_disagreements_count_a_consensus_decided_into_another_name(team):
    db, at = team
    _agreed(db, at)
    assert run(db, "disagreements").stdout.rstrip().endswith(
        "Reconcile screen: 2 stretches, 1 decided into agreed, 1 undecided.\n"
        "3 disagreeing spans.")
    run(db, "reconcile", "decide", "reject", "--transcript", "p01", "--theme", "mandate",
        "--at", str(at["board"]), "--by", "lead")
    assert run(db, "disagreements").stdout.rstrip().endswith(
        "Reconcile screen: 2 stretches, 2 decided into agreed, consensus, none undecided.\n"
        "3 disagreeing spans.")


async def test_the_counts_screen_n_key_shows_a_consensus_under_another_name(team):
    db, at = team
    _agreed(db, at)
    store = open_store(db)
    try:
        app = Host(store, "ana")
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CountsScreen)
            assert screen.check_action("consensus", ()) is True
            await pilot.press("n")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert screen.coder == "agreed" and screen.shown is not None
            assert "coder agreed" in screen.shown.caption
            codings = screen.shown.columns.index("codings")
            assert {r[0]: r[codings] for r in screen.shown.rows} == {
                "Board mandate": "0", "Serendipity": "1"}
    finally:
        store.close()


# ---------------------------------------------------------------- 2. refi export -o FILE
def test_refi_export_takes_the_file_as_o_too(team, tmp_path):
    import zipfile

    db, _ = team
    out = tmp_path / "study.qdpx"
    assert f"to {out}" in run(db, "refi", "export", "-o", str(out)).output
    assert "project.qde" in zipfile.ZipFile(out).namelist()
    written = run(db, "refi", "export", "--output", str(out)).output
    assert "(replaced the old file)" in " ".join(written.split())  # wrapped at any width
    run(db, "refi", "export", str(out), "-o", str(out))  # the same file, twice: fine
    codebook = tmp_path / "study.qdc"
    run(db, "refi", "export-codebook", "-o", str(codebook))
    assert codebook.read_text(encoding="utf-8").count("<Code ") == 2
    other = tmp_path / "other.qdpx"
    for args in ([str(other), "-o", str(out)], []):
        result = run(db, "refi", "export", *args, code=2)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: Invalid value for "), lines
    assert "differ" in run(db, "refi", "export", str(other), "-o", str(out), code=2).output
    assert not other.exists()
    assert "FILE.qdpx or -o FILE.qdpx" in run(db, "refi", "export", code=2).output


# ---------------------------------------------------------------- 3. UTF-16 .jsonl files
PATTERN_LINE = '{"label": "serendipity", "pattern": [{"LOWER": "luck"}]}\n'
GOLD_LINE = '{"sentence": "I was lucky", "themes": ["serendipity"]}\n'
CODEBOOK = Path(__file__).parent / "data" / "codebooks" / "small.yaml"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16"])
def test_a_utf16_patterns_file_is_named_as_utf16(team, tmp_path, encoding):
    db, _ = team
    patterns = tmp_path / "p.jsonl"
    patterns.write_text(PATTERN_LINE, encoding=encoding)
    with open_store(db) as store:
        before = store.codebook()
    out = run(db, "codebook", "load", str(CODEBOOK), "--patterns", str(patterns),
              code=1).output
    assert out.splitlines()[0] == (
        f"{patterns}: cannot read the file: it is UTF-16 text, not UTF-8 (save it as UTF-8)")
    assert "JSON" not in out
    with open_store(db) as store:
        assert store.codebook() == before


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16"])
def test_a_utf16_gold_file_is_named_as_utf16(team, tmp_path, encoding):
    db, _ = team
    gold = tmp_path / "g.jsonl"
    gold.write_text(GOLD_LINE, encoding=encoding)
    out = run(db, "evaluate", "--gold", str(gold), "--codebook", str(CODEBOOK),
              code=1).output
    assert out == (f"Error: {gold}: cannot read the gold file: it is UTF-16 text, not UTF-8 "
                   "(save it as UTF-8)\n")
    gold.write_text(GOLD_LINE, encoding="utf-8")
    assert "1 labelled sentence" in run(db, "evaluate", "--gold", str(gold), "--codebook",
                                        str(CODEBOOK)).output


# ---------------------------------------------------------------- 4. show: coders + consensus
def test_show_marks_every_coder_and_the_consensus_together(team):
    db, at = team
    _agreed(db, at)
    pooled = run(db, "show", "p01", "--all-coders").stdout
    assert "(agreed)" not in pooled and "(all coders: ana 2, ben 1)" in pooled
    both = run(db, "show", "p01", "--all-coders", "--consensus").stdout
    assert "codings: 4 codings (all coders: ana 2, ben 1, agreed 1)" in both
    assert "  ↳ Serendipity (agreed): “l into management by pure”" in both
    assert both.count("  ↳ ") == 4
    out = run(db, "show", "p01", "--all-coders", "--coder", "ana", code=1).output
    assert len(out.splitlines()) == 1 and out.startswith("Error: give one of")


def test_methods_counts_a_stretch_decided_into_another_name_as_decided(team):
    import json

    db, at = team
    _agreed(db, at)
    figures = {f["key"]: f["value"] for f in json.loads(
        run(db, "methods", "--format", "json").stdout)["figures"]}
    assert (figures["reconcile.stretches"], figures["reconcile.undecided"]) == (2, 1)
