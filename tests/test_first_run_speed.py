"""A new user's first run (``qcahp demo``, ``codebook load``, ``suggest``): less work, same result.

Nothing here is timed. The demo's suggestions are compared with those main's code made
before the speed-up (a digest); the rest asserts what was cut or shown: each regular
expression is parsed once from the codebook check to its stored analysis, the garbage
collector rests meanwhile and is left as found, a tree handed on is never used twice
nor for another version of the pattern, and the Suggesting bar is drawn before spaCy
loads.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.suggest import anchors, engine, runner
from qualcoder_ahp.suggest.codebook import check_codebook, load_codebook
from qualcoder_ahp.suggest.sre_tree import _sre_parse
from qualcoder_ahp.tui import jobs
from tests.conftest import make_parsed

DEMO_DIGEST = "5551076cc2970d748209923ba9cd490ba585805c59e8405a0794415b3585a246"
"""sha256 of the demo project's suggestions (id, transcript, theme, unit, start, end, pattern
ids, matches, status) as main's code built them before this change (commit cd29ed1)."""

REGEXES = {"r_first": r"\bfirst (?:post|job) (?:as|in) (?:a )?\w+",
           "r_second": r"\bsecond(?:ed)? to\b",
           "r_third": r"\bby (?:sheer |pure )?(?:luck|chance)\b"}


def _codebook(path: Path, regexes: dict[str, str]) -> Path:
    lines = ["name: first run", "themes:", "  - id: career", "    name: Career", "    patterns:"]
    for pid, body in regexes.items():
        lines += [f"      - id: {pid}", f"        regex: {json.dumps(body)}"]
    lines += ["      - id: t_tokens", "        tokens: [{LOWER: band}, {LIKE_NUM: true}]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Every parse of a regular expression: (pattern, collector enabled), with no
    analysis or engine left over from another test."""
    anchors.analyse_regex.cache_clear()
    engine._ENGINES.clear()
    seen: list[tuple[str, bool]] = []
    real = _sre_parse.parse

    def parse(pattern: Any, flags: int = 0, state: Any = None) -> Any:
        if isinstance(pattern, str) and pattern in REGEXES.values():
            seen.append((pattern, gc.isenabled()))
        return real(pattern, flags, state)

    monkeypatch.setattr(_sre_parse, "parse", parse)
    yield seen
    anchors.analyse_regex.cache_clear()
    engine._ENGINES.clear()


def _load(store: Any, path: Path) -> None:
    store.save_codebook(load_codebook(path))
    runner.analyse_codebook(store)


def test_each_regex_is_parsed_once_from_the_check_to_its_stored_analysis(
        tmp_path: Path, store: Any, parses: list[tuple[str, bool]]) -> None:
    _load(store, _codebook(tmp_path / "cb.yaml", REGEXES))
    assert sorted(p for p, _ in parses) == sorted(REGEXES.values())  # main parsed each twice
    stored = store.doc_cache_get(sorted(runner.engine_for(store.codebook()).analysis_keys
                                        .values()))
    assert len(stored) == len(REGEXES)  # analysed and stored, compiled twins included
    # The analysis from the check's tree is the one a fresh parse makes.
    from qualcoder_ahp.suggest.prefilter import analysis_key, analysis_to_bytes

    anchors.analyse_regex.cache_clear()
    for body in REGEXES.values():
        found, twin = anchors.analyse_regex(body)
        assert stored[analysis_key(body)] == analysis_to_bytes(found, twin, compile_twin=True)


def test_the_collector_rests_while_regexes_are_parsed_and_is_left_as_found(
        tmp_path: Path, store: Any, parses: list[tuple[str, bool]]) -> None:
    assert gc.isenabled()
    _load(store, _codebook(tmp_path / "cb.yaml", REGEXES))
    assert parses and not any(enabled for _, enabled in parses)  # main parsed with it running
    assert gc.isenabled()
    gc.disable()  # someone else's pause: not ended by ours
    try:
        check_codebook(_codebook(tmp_path / "again.yaml", {"r_first": REGEXES["r_first"]}))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_tree_handed_on_serves_one_analysis_of_that_very_pattern(
        tmp_path: Path, store: Any, parses: list[tuple[str, bool]]) -> None:
    _load(store, _codebook(tmp_path / "v1.yaml", REGEXES))
    # A second check of the same file parses afresh (the analysis rewrote the first trees
    # in place), and its result is the first check's.
    first = check_codebook(_codebook(tmp_path / "bad.yaml", {**REGEXES, "r_bad": "(unclosed"}))
    again = check_codebook(tmp_path / "bad.yaml")
    assert first.errors == again.errors and len(first.errors) == 1
    assert "r_bad" in first.errors[0] and "bad regex" in first.errors[0]
    # A new version of a pattern (same id, new body) is analysed from its own text.
    changed = {**REGEXES, "r_second": r"\bsent on secondment\b"}
    _load(store, _codebook(tmp_path / "v2.yaml", changed))
    made = runner.engine_for(store.codebook()).regex_anchors["r_second"]
    anchors.analyse_regex.cache_clear()
    assert made == anchors.analyse_regex(changed["r_second"])[0]  # as a fresh parse has it
    assert any("secondment" in s for sets in made for group in sets for s in group)


class _Tty(io.StringIO):
    def isatty(self) -> bool:  # noqa: D102 - a fake terminal
        return True


def _project(path: Path) -> Path:
    with open_store(path) as store:
        store.save_codebook(load_codebook(_codebook(path.parent / "cb.yaml", REGEXES)))
        for band, name in enumerate(("one", "two"), 6):
            store.add_transcript(name, make_parsed([("Ann", "participant", f"Band {band}.")]))
    return path


def test_suggest_draws_its_bar_before_spacy_loads(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    drawn: list[str] = []

    def run(store: Any, **_: Any) -> runner.SuggestReport:
        drawn.append(err.getvalue())  # what the terminal showed when the work began
        return runner.SuggestReport()

    monkeypatch.setattr(runner, "run_suggestions", run)
    db = _project(tmp_path / "p.db")
    cli.main(["--db", str(db), "suggest"], standalone_mode=False)
    assert "Suggesting" in drawn[0] and "0/2" in drawn[0]


def test_demo_draws_the_suggesting_bar_once_the_transcripts_are_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcoder_ahp.cli import workbench

    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    drawn: list[str] = []

    def build(store: Any, imported: Any, suggested: Any) -> bool:
        imported(1, 2)
        imported(2, 2)
        drawn.append(err.getvalue())  # before the first transcript is suggested on
        suggested(2, 2)
        return True

    monkeypatch.setattr(jobs, "build_demo", build)
    monkeypatch.setattr(workbench, "_require_terminal", lambda command: None)
    monkeypatch.setattr(workbench, "_run", lambda project, coder: None)
    cli.main(["--db", str(tmp_path / "demo.db"), "demo"], standalone_mode=False)
    assert "Suggesting" in drawn[0] and "0/2" in drawn[0]


def test_the_demo_suggests_what_main_suggested(tmp_path: Path) -> None:
    anchors.analyse_regex.cache_clear()
    engine._ENGINES.clear()
    path = tmp_path / "demo.db"
    with open_store(path) as store:
        assert jobs.build_demo(store) is True
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            'SELECT s.id, t.name, s.theme_id, s.unit, s.start, s."end", s.pattern_ids, '
            "s.matches, s.status FROM suggestions s JOIN transcripts t "
            "ON t.id = s.transcript_id ORDER BY s.id").fetchall()
    assert len(rows) == 551
    assert hashlib.sha256(json.dumps(rows).encode()).hexdigest() == DEMO_DIGEST
