"""Session 24, ``qcahp quotes`` and ``qcahp reconcile log`` at scale: the same bytes, sooner.

At 1M words (144,000 codings, 32,000 reconcile decisions after ``copy-agreed``) the two
commands were the slowest relative to ``qcahp --version``: most of the objects they
make (a coding, a quote, a row and its cells; a decision's entry and row) live until
the output is written, and every collection of the cyclic garbage collector walked
them all again, a fifth of quotes' time and a third of the log's. Both commands now
pause the collector while they build their output (``gc_paused``, as ``qcahp log``
does); a quote within one turn is placed without the work a quote over several turns
needs; and the log reads the consensus codings once, not twice.

These tests pin the output, byte for byte, on a small study with every kind of row
(decisions of each rule, an undone and a replaced one, decisions merged in from a
copy, consensus codings without a record, a memo, a participant attribute, quotes
over two speakers' turns and from the blank line between turns) against files
written by the code before these changes (``tests/data/s24_perf/golden.json``; its Word
bodies since rewritten for the same session's A4 pages and sized tables, text unchanged), and
check the collector rests while the output is made and runs again afterwards.
"""

from __future__ import annotations

import gc
import json
import random
import re
import shutil
import zipfile
from bisect import bisect_right
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.records import Turn
from qualcoder_ahp.reports import exports
from qualcoder_ahp.reports.quotes import spoken_span, turns_of
from tests.test_agreement_compute import build_project
from tests.test_reconcile_record import _decide

GOLDEN = Path(__file__).resolve().parent / "data" / "s24_perf" / "golden.json"

QUOTES = [
    ["quotes", "--format", "csv"], ["quotes", "--format", "json"], ["quotes"],
    ["quotes", "--format", "text"], ["quotes", "--theme", "careers", "--format", "csv"],
    ["quotes", "--coder", "asha", "--format", "text"],
    ["quotes", "--consensus", "--format", "csv"],
    ["quotes", "--theme", "serendipity", "--with", "mandate", "--near", "turn",
     "--format", "csv"],
    ["quotes", "--theme", "serendipity", "--without", "mandate", "--format", "md"],
    ["quotes", "--with", "winding", "--near", "sentence", "--format", "json"],
    ["quotes", "--where", "role=nurse", "--format", "csv"],
    ["quotes", "--theme", "nosuch"],
    ["quotes", "--format", "docx", "-o", "OUT/quotes.docx"],
    ["quotes", "--theme", "serendipity", "--with", "mandate", "--near", "turn",
     "--transcript", "asha", "-o", "OUT/query.docx"],
    ["quotes", "--theme", "serendipity", "--with", "winding", "--transcript", "ben", "-o",
     "OUT/none.docx"],
]
LOG = [
    ["reconcile", "log"], ["reconcile", "log", "--format", "csv"],
    ["reconcile", "log", "--format", "json"], ["reconcile", "log", "--theme", "careers"],
    ["reconcile", "log", "--transcript", "ben", "--format", "csv"],
    ["reconcile", "log", "--rule", "reject"], ["reconcile", "log", "--rule", "unrecorded"],
    ["reconcile", "log", "--by", "lead", "--format", "json"],
    ["reconcile", "log", "--status", "undone"], ["reconcile", "log", "--status", "replaced"],
    ["reconcile", "log", "--rule", "nosuch"],
]
VARIANTS = [(args, width) for args in QUOTES + LOG for width in ("200", "80")
            if width == "200" or args[0] == "reconcile" or "text" in args]
"""Each command as a researcher runs it; the tables at a wide and a narrow terminal."""


def build_study(folder: Path) -> Path:
    """``main.db``: asha, ben and cai's codings, the lead's decisions (take, reject, agreed,
    union undone) merged in from a copy, a decision made here and one replacing it, one
    undone, consensus codings without a record, a memo, an attribute, quotes over two
    turns and from the blank line between turns."""
    main = open_store(folder / "main.db")
    a, b = build_project(main)
    main.close()
    shutil.copy(folder / "main.db", folder / "lead.db")
    lead = open_store(folder / "lead.db")
    _decide(lead, a, b)
    lead.close()
    main = open_store(folder / "main.db")
    text_a, text_b = main.transcript_text(a.id), main.transcript_text(b.id)
    turn = text_a.index("\n\n")
    main.code(a.id, "mandate", "ben", turn - 8, turn + 12)  # the question and the answer
    blank = main.code(a.id, "winding", "cai", turn, turn + 20)  # from the blank line
    main.set_memo("cai", "coding", blank.id, "starts between the turns")
    main.code(b.id, "mandate", "ben", text_b.index("The trust"), len(text_b))
    main.code(b.id, "serendipity", "cai", 0, 5)
    main.code(b.id, "mandate", "consensus", 0, 2, origin="consensus")  # before the log
    main.merge_from(folder / "lead.db")
    route = text_b.index("I never")
    both = {"compared": ["asha", "ben"], "decided_by": "ben"}
    main.reconcile(b.id, "mandate", "consensus", [(route, route + 15)], rule="intersection",
                   start=route, end=route + 15, **both)
    main.reconcile(b.id, "mandate", "consensus", [(route, route + 7)], rule="take",
                   taken_from="asha", start=route, end=route + 15, **both)
    main.reconcile(b.id, "winding", "consensus", [(0, 4)], rule="union", start=0, end=4,
                   **both)
    main.undo("consensus")
    main.set_participant_attributes("P1", {"role": "nurse"})
    main.assign_participant("asha", "P1")
    main.set_participant_attributes("P2", {"role": "doctor"})
    main.assign_participant("ben", "P2")
    main.close()
    (folder / "lead.db").unlink()
    return folder / "main.db"


TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")
"""A time of the log (the events' times are those of the run that built the study)."""


def run(db: Path, args: list[str], width: str) -> dict[str, Any]:
    """A command's exit code, stdout and stderr as a researcher sees them (the times of
    the log as ``TIME``, stretched to the length they had); of a Word document written
    with ``-o OUT/NAME.docx``, its body (its properties hold the time it was made)."""
    out = db.parent / "out"
    out.mkdir(exist_ok=True)
    argv = [a.replace("OUT", str(out)) for a in args]
    # The golden Word bodies are A4: a machine whose locale is en_US (Letter paper,
    # writers.paper_size) wrote another page size, and the test failed there.
    result = CliRunner().invoke(cli, ["--db", str(db), *argv],
                                env={"COLUMNS": width, "LC_ALL": None, "LC_PAPER": None,
                                     "LANG": "en_GB.UTF-8"})

    def timeless(text: str) -> str:
        return TIME.sub(lambda m: "TIME".ljust(len(m.group()), "_"), text)

    ran = {"code": result.exit_code, "stdout": timeless(result.stdout),
           "stderr": timeless(re.sub(r"\S*main\.db", "main.db", result.stderr)
                              .replace(str(out), "OUT"))}
    for path in sorted(out.glob("*.docx")):
        with zipfile.ZipFile(path) as word:
            ran[path.name] = word.read("word/document.xml").decode("utf-8")
        path.unlink()
    return ran


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return build_study(tmp_path)


def test_the_output_is_the_same_byte_for_byte(study: Path) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(golden) == len(VARIANTS)
    for args, width in VARIANTS:
        key = f"{width} {' '.join(args)}"
        assert run(study, args, width) == golden[key], key
    assert gc.isenabled()


def test_the_study_has_every_kind_of_row(study: Path) -> None:
    """What the golden output must cover, so that it pins every path."""
    store = open_store(study)
    try:
        record = store.reconcile_record()
        assert {e["rule"] for e in record.entries} >= {"take", "reject", "agreed", "union",
                                                       "intersection", "unrecorded"}
        assert {e["status"] for e in record.entries} == {"in effect", "replaced", "undone"}
        assert any(e["source"] for e in record.entries)
        speakers = json.loads(run(study, ["quotes", "--format", "json"], "200")["stdout"])
        quotes = speakers["quotes"]
        assert any(q.get("speakers") for q in quotes) and any(q["memo"] for q in quotes)
        assert any(q["attributes"] for q in quotes)
    finally:
        store.close()


@pytest.mark.parametrize("args", [["quotes", "--format", "csv"], ["quotes", "--format", "text"],
                                  ["quotes", "--format", "json"],
                                  ["quotes", "--theme", "serendipity", "--with", "mandate",
                                   "--format", "md"]])
def test_the_collector_rests_while_the_quotes_are_made(
        study: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    seen: list[bool] = []
    for name in ("report_codings", "report_sentences"):
        real = getattr(Store, name)

        def spy(self: Store, *a: Any, _real: Any = real, **k: Any) -> Any:
            seen.append(gc.isenabled())
            return _real(self, *a, **k)

        monkeypatch.setattr(Store, name, spy)
    for name in ("quotes_sheet", "quotes_text", "quotes_json"):
        real = getattr(exports, name)

        def spy_sheet(*a: Any, _real: Any = real, **k: Any) -> Any:
            seen.append(gc.isenabled())
            return _real(*a, **k)

        monkeypatch.setattr(exports, name, spy_sheet)
    assert gc.isenabled()
    result = run(study, args, "200")
    assert result["code"] == 0, result["stderr"]
    assert len(seen) >= 3 and not any(seen)
    assert gc.isenabled()


def test_a_word_document_of_quotes_is_built_in_linear_time(
        study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each paragraph goes before the body's section properties directly, and each
    style's id is looked up once: python-docx's add_paragraph searched the body from
    its first paragraph, and every style, for each one (two minutes for 144,000
    quotes)."""
    from docx.oxml.document import CT_Body
    from docx.styles.styles import Styles

    calls = {"searched": 0, "styles": 0}
    add_p, default = CT_Body.add_p, Styles.default

    def counted_add_p(self: Any) -> Any:
        calls["searched"] += 1
        return add_p(self)

    def counted_default(self: Any, style_type: Any) -> Any:
        calls["styles"] += 1
        return default(self, style_type)

    monkeypatch.setattr(CT_Body, "add_p", counted_add_p)
    monkeypatch.setattr(Styles, "default", counted_default)
    store = open_store(study)
    try:
        info = store.transcript("ben")
        text = store.transcript_text(info.id)
        for k in range(40):  # forty passages, each its own paragraphs
            store.code(info.id, "winding", "asha", k, k + 3)
    finally:
        store.close()
    result = run(study, ["quotes", "--format", "docx", "-o", "OUT/many.docx"], "200")
    assert result["code"] == 0, result["stderr"]
    assert result["many.docx"].count("<w:p>") + result["many.docx"].count("<w:p ") > 80
    assert text[:3] in result["many.docx"]
    # The participants' heading and table alone are python-docx's own (a style looked up
    # for each); the quotes' three styles (title, heading, quote): once each.
    assert calls["searched"] <= 2 and calls["styles"] <= 6, calls


def test_the_collector_rests_while_the_log_is_made(
        study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcoder_ahp.cli import reconcile as reconcile_cli

    seen: list[bool] = []
    real_log, real_rows = Store.reconcile_log, reconcile_cli.log_rows

    def log(self: Store, *a: Any, **k: Any) -> Any:
        seen.append(gc.isenabled())
        return real_log(self, *a, **k)

    def rows(*a: Any, **k: Any) -> Any:
        seen.append(gc.isenabled())
        return real_rows(*a, **k)

    monkeypatch.setattr(Store, "reconcile_log", log)
    monkeypatch.setattr(reconcile_cli, "log_rows", rows)
    for fmt in ("table", "csv", "json"):
        result = run(study, ["reconcile", "log", "--format", fmt], "200")
        assert result["code"] == 0, result["stderr"]
        assert gc.isenabled()
    assert len(seen) == 6 and not any(seen)
    # A refusal on the way leaves it running; someone else's pause is left alone.
    result = run(study, ["reconcile", "log", "--by", "nobody"], "200")
    assert result["code"] != 0 and gc.isenabled()
    gc.disable()
    try:
        result = run(study, ["reconcile", "log", "--format", "csv"], "200")
        assert result["code"] == 0 and not gc.isenabled()
    finally:
        gc.enable()


def test_the_log_reads_the_consensus_codings_once(study: Path) -> None:
    store = open_store(study)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        record = store.reconcile_record()
    finally:
        store.conn.set_trace_callback(None)
    every = [s for s in statements if "c.created_at FROM codings c JOIN coders" in s]
    assert len(every) == 1, statements
    # ... and still counts and lists them all: 3 made by decisions, 1 without a record.
    assert record.consensus_codings == 4 and len(record.unrecorded) == 1
    store.close()


def _spoken_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The rule as first written: strip the span's text and move its ends."""
    stripped = text[start:end]
    lead = len(stripped) - len(stripped.lstrip())
    if lead == len(stripped):
        return start, end
    return start + lead, end - (len(stripped) - len(stripped.rstrip()))


def _turns_of(turns: list[Turn], starts: list[int], text: str, start: int,
              end: int) -> tuple[Any, ...]:
    """:func:`turns_of` as first written: every speaker of the turns, whatever their number."""
    lo, hi = _spoken_span(text, start, end) if text else (start, end)
    first = bisect_right(starts, lo) - 1
    if first < 0:
        return None, (None, None), None, ()
    last = max(first, bisect_right(starts, max(lo, hi - 1)) - 1)
    who = list(dict.fromkeys(t.speaker for t in turns[first:last + 1] if t.speaker))
    return (turns[first].speaker, (first + 1, turns[first].time),
            last + 1 if last > first else None, tuple(who) if len(who) > 1 else ())


def test_a_quote_is_placed_as_the_rule_reads_it() -> None:
    """The short way for a quote within one turn and with no blank at its ends gives
    what the whole rule gives, for every span (blank ends, the whole text, past it)."""
    rng = random.Random(24)
    for _ in range(300):
        pieces = [rng.choice(["word", " ", "\n\n", "\u00a0", "\t", "é", "Yes."])
                  for _ in range(rng.randrange(0, 30))]
        text = "".join(pieces)
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1,
                                                           rng.randrange(1, 6))))
        turns = [Turn(rng.choice(["Interviewer", "Helen", "", "Helen"]), "participant", s,
                      e, rng.choice([None, "00:01"]))
                 for s, e in zip(cuts, cuts[1:] + [len(text)])]
        starts = [t.start for t in turns]
        for _ in range(20):
            start = rng.randrange(0, len(text) + 3)
            end = start + rng.randrange(0, 12)
            assert spoken_span(text, start, end) == _spoken_span(text, start, end)
            assert turns_of(turns, starts, text, start, end) == _turns_of(
                turns, starts, text, start, end)
            assert turns_of(turns, starts, "", start, end) == _turns_of(
                turns, starts, "", start, end)


def test_a_markdown_cell_is_escaped_as_the_rule_reads_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell with nothing to escape (most of a quotes table's millions) is taken as it
    is, without the escaping expression; every other cell as before."""
    from qualcoder_ahp.reports import writers

    def rule(text: str) -> str:  # md_cell as first written
        return writers._MD_CELL.sub(r"\\\1", text).replace("|", "\\|").replace("\n", "<br>")

    rng = random.Random(7)
    alphabet = "ab _\\`*[]<>|\n\té#-1."
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14)))
        assert writers.md_cell(text) == rule(text), repr(text)
    real, used = writers._MD_CELL, []

    class Counted:
        def sub(self, *args: Any) -> str:
            used.append(args)
            return real.sub(*args)

    monkeypatch.setattr(writers, "_MD_CELL", Counted())
    plain = "I fell into management by chance. It was 2019 (or so) - and yes!"
    assert writers.md_cell(plain) == plain and not used
    assert writers.md_cell("board_mandate | *so*") == "board_mandate \\| \\*so\\*"
    assert len(used) == 1


def test_the_log_reads_only_the_spans_of_the_decisions_codings(study: Path) -> None:
    """The result column names each coding by id and span: those are read, not each
    coding's coder, quote and memo too (32,000 codings after copy-agreed at 1M words)."""
    from qualcoder_ahp.cli.reconcile import log_rows

    store = open_store(study)
    statements: list[str] = []
    try:
        entries = store.reconcile_record().entries
        store.conn.set_trace_callback(statements.append)
        rows = log_rows(store, entries)
    finally:
        store.conn.set_trace_callback(None)
    codings = [s for s in statements if "FROM codings" in s]
    assert len(codings) == 1 and "memos" not in codings[0] and "coders" not in codings[0]
    made = {r["rule"]: r["result"] for r in rows}
    take = next(e for e in entries if e["rule"] == "take" and e["source"])
    start, end = store.coding(take["coding_ids"][0]).start, store.coding(
        take["coding_ids"][0]).end
    assert made["take ben"] == f"#{take['coding_ids'][0]} [{start}, {end})"
    assert made["reject"] == "none (rejected)"
    # A decision naming a coding the project does not have says so, in one line.
    gone = [{**take, "coding_ids": [999_999]}]
    with pytest.raises(UserError, match="no coding with id 999999"):
        log_rows(store, gone)
    store.close()


def test_the_log_is_let_go_before_the_collection_at_the_end(
        study: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The one collection when the pause ends walks only what is still alive: the
    decisions and rows are let go by then (with them alive it took 0.4 s at 1M words)."""
    from qualcoder_ahp.model.reconcile_store import ReconcileRecord

    alive: list[int] = []
    real = gc.collect

    def collect(*args: Any) -> int:
        alive.append(sum(isinstance(o, ReconcileRecord) for o in gc.get_objects()))
        return real(*args)

    monkeypatch.setattr(gc, "collect", collect)
    result = run(study, ["reconcile", "log", "--format", "csv"], "200")
    assert result["code"] == 0, result["stderr"]
    assert alive == [0]
