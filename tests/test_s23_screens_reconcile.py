"""Session 23: the reconcile screen opens without freezing on a large study.

Opening it at 1M words (three coders, 32,000 agreed stretches in the consensus) held
the UI thread for 2-3 s after the worker had computed the disagreements: the whole
reconcile log (every decision's JSON) and every consensus coding were read there, and
every item asked of every consensus span of its stretch. The worker now reads, in the
same snapshot as the disagreements, the consensus's spans and the log of the stretches
a rejection is on (``Store.rejection_log``); a load taking more than a moment shows a
progress bar, the keys working meanwhile.

Store-level tests check that what is read now equals what was read before (the log of
the rejected stretches is that part of the whole log; the spans are those of
``codings``; the stretches and the coverage those of the former code on random cases);
Pilot tests at 80x24 check what the screen shows and the database holds.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
from textual.widgets import ProgressBar, Static

import qualcoder_ahp.agreement.compute as compute
import qualcoder_ahp.tui.screens.reconcile as reconcile_module
from qualcoder_ahp.agreement.compute import Corpus, TranscriptData, collect
from qualcoder_ahp.agreement.intervals import merge
from qualcoder_ahp.agreement.reconcile import ReconcileItem, reconcile_stretches
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui.reconcile_walk import ReconcileWalk, full_items
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.helpers.project import THEMES, build_project
from qualcoder_ahp.tui.app import make_app
from tests.helpers.reconcile_host import ReconcileHost

SIZE = (80, 24)
CODERS = ["ana", "ben", "cat"]


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """Four transcripts; in each, ana, ben and cat code a sentence of every theme, ben a
    little shorter (a disagreement), and the second sentence alike (an agreed stretch)."""
    path = tmp_path / "study.db"
    store = build_project(path, transcripts=4)
    try:
        for info in store.transcripts():
            sentences = store.sentences(info.id)
            for k, theme in enumerate(THEMES):
                s = sentences[1 + k]
                store.code(info.id, theme, "ana", s.start, s.end)
                store.code(info.id, theme, "ben", s.start, s.end - 2)
                store.code(info.id, theme, "cat", s.start, s.end)
            agreed = sentences[-1]
            for coder in CODERS:
                store.code(info.id, THEMES[0], coder, agreed.start, agreed.end)
    finally:
        store.close()
    return path


def walk_of(store: Store, coders: list[str] = CODERS) -> ReconcileWalk:
    """A walk read whole on ``store``, as the screen did before."""
    walk = ReconcileWalk(store, "consensus")
    found = full_items(collect(store, coders))
    walk.items, walk.agreed, walk.theme_names = found.items, found.agreed, found.names
    walk.begin()
    return walk


def decide(store: Store, item: ReconcileItem, spans, rule: str = "union",  # noqa: ANN001
           consensus: str = "consensus") -> None:
    store.reconcile(item.transcript_id, item.theme_id, consensus, spans, rule=rule,
                    compared=CODERS, start=item.start, end=item.end)


def decisions(store: Store) -> list[ReconcileItem]:
    """A rejection replaced by a take, a rejection undone, one in effect, one into
    another consensus coder, a union; the items, in the walk's order."""
    items = walk_of(store).items
    decide(store, items[0], [], rule="reject")
    decide(store, items[0], items[0].union())
    decide(store, items[1], [], rule="reject")
    store.undo("consensus")
    decide(store, items[2], [], rule="reject")
    decide(store, items[3], [], rule="reject", consensus="panel")
    decide(store, items[4], items[4].union())
    return items


# ---------------------------------------------------------------- the store
def test_the_rejection_log_is_the_whole_logs_part_on_the_rejected_stretches(study: Path):
    with open_store(study) as store:
        decisions(store)
        whole = store.reconcile_log()
        rejected = {(e["transcript_id"], e["theme_id"]) for e in whole if not e["coding_ids"]}
        assert len(rejected) == 4  # items 0 (replaced), 1 (undone), 2, and panel's 3
        assert store.rejection_log() == [
            e for e in whole if (e["transcript_id"], e["theme_id"]) in rejected]
        assert store.reconcile_log(stretches=set()) == []
        for stretch in rejected:
            assert store.reconcile_log(stretches={stretch}) == store.reconcile_log(stretch)
        statuses = sorted(e["status"] for e in store.rejection_log() if not e["coding_ids"])
        assert statuses == ["in effect", "in effect", "replaced", "undone"]


def test_a_study_without_rejections_reads_no_decision(study: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    with open_store(study) as store:
        items = walk_of(store).items
        for item in items[:5]:
            decide(store, item, item.union())
        calls = []
        monkeypatch.setattr(store, "reconcile_log",
                            lambda *a, **k: calls.append((a, k)) or [])
        assert store.rejection_log() == [] and calls == []


def test_the_spans_read_are_those_of_the_codings(study: Path):
    with open_store(study) as store:
        decisions(store)
        for coder in [*CODERS, "consensus", "panel", "nobody"]:
            full = store.codings(coder=coder) if coder != "nobody" else []
            assert store.coder_spans(coder) == [
                (c.transcript_id, c.theme_id, c.start, c.end) for c in full]
            for info in store.transcripts():
                assert store.coding_spans(info.id, coder) == [
                    (c.theme_id, c.start, c.end) for c in full if c.transcript_id == info.id]


def _stretches_before(corpus: Corpus) -> tuple[list[ReconcileItem], list[ReconcileItem]]:
    """``reconcile_stretches`` as it was (a pointer walked span by span, each span
    filtered against the stretch's start)."""
    items: list[ReconcileItem] = []
    agreed: list[ReconcileItem] = []
    for data in corpus.transcripts:
        raters = corpus.raters.get(data.id, ())
        if len(raters) < 2:
            continue
        for theme_id, _ in corpus.themes:
            spans = [(c, corpus.spans.get((data.id, theme_id, c), [])) for c in raters]
            if not any(lst for _, lst in spans):
                continue
            at = [0] * len(spans)
            for start, end in merge(s for _, lst in spans for s in lst):
                inside = []
                for k, (coder, lst) in enumerate(spans):
                    i = first = at[k]
                    while i < len(lst) and lst[i][0] < end:
                        i += 1
                    at[k] = i
                    inside.append((coder, tuple(s for s in lst[first:i] if s[1] > start)))
                same = len({mine for _, mine in inside}) == 1
                (agreed if same else items).append(ReconcileItem(
                    data.name, data.id, theme_id, start, end, tuple(inside)))
    return items, agreed


def test_the_stretches_are_those_the_former_code_found():
    rng = random.Random(23)
    for case in range(300):
        coders = ("a", "b", "c", "d")[:rng.randint(2, 4)]
        themes = [("t1", "One"), ("t2", "Two")]
        corpus = Corpus(coders, themes, [])
        for tid in (1, 2):
            corpus.transcripts.append(TranscriptData(tid, f"x{tid}", "x" * 400))
            corpus.raters[tid] = tuple(c for c in coders if rng.random() < 0.9)
            for theme, _ in themes:
                for coder in coders:
                    raw = []
                    for _ in range(rng.randint(0, 6)):
                        start = rng.randint(0, 380)
                        raw.append((start, start + rng.randint(1, 30)))
                    if raw:
                        corpus.spans[tid, theme, coder] = merge(raw)
        assert reconcile_stretches(corpus) == _stretches_before(corpus), case


def test_the_coverage_is_whether_any_consensus_span_overlaps(study: Path):
    rng = random.Random(5)
    with open_store(study) as store:
        walk = walk_of(store)
    items = [ReconcileItem("x", tid, theme, s, s + rng.randint(1, 40), ())
             for tid in (1, 2) for theme in ("t1", "t2")
             for s in sorted(rng.sample(range(0, 500), 30))]
    for case in range(50):
        consensus: dict[tuple[int, str], list[tuple[int, int]]] = {}
        for key in [(1, "t1"), (1, "t2"), (2, "t1")]:
            spans = []
            for _ in range(rng.randint(0, 8)):  # overlapping ones too, as a merge leaves
                s = rng.randint(0, 520)
                spans.append((s, s + rng.randint(1, 60)))
            if case % 5 == 0:
                rng.shuffle(spans)  # out of order: asked span by span
            else:
                spans.sort()
            if spans:
                consensus[key] = spans
        walk.items, walk.agreed = items[::2], items[1::2]
        walk._take_consensus(10_000 + case, consensus, None)
        covered, missing = walk._coverage()

        def codes(it: ReconcileItem) -> bool:
            return any(s < it.end and e > it.start
                       for s, e in consensus.get((it.transcript_id, it.theme_id), []))

        assert covered == [codes(it) for it in walk.items]
        assert missing == sum(not codes(it) for it in walk.agreed)


# ---------------------------------------------------------------- the screen
def _text(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector, Static).render())


async def _ready(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_opening_reads_the_log_and_the_consensus_off_the_ui_thread(
        study: Path, monkeypatch: pytest.MonkeyPatch):
    with open_store(study) as other:
        items = decisions(other)
        fresh = walk_of(other)
        expected = fresh.status_text(CODERS)
        first = fresh.index
    store = open_store(study)
    on_ui: list[tuple] = []
    for name in ("reconcile_log", "rejection_log", "codings", "coder_spans"):
        real = getattr(store, name)

        def spy(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            if threading.current_thread() is threading.main_thread():
                on_ui.append((_name, args, kwargs))
            return _real(*args, **kwargs)

        monkeypatch.setattr(store, name, spy)
    try:
        app = ReconcileHost(store, "lead", coders=CODERS)
        async with app.run_test(size=SIZE) as pilot:
            await _ready(pilot)
            screen = app.screen
            assert isinstance(screen, ReconcileScreen) and screen.loaded
            assert on_ui == []  # read by the worker, on its own connection
            assert screen.walk.index == first == 1  # item 0 is decided: the first left
            assert _text(app, "#reconcile-status") == expected
            assert "(3 decided)" in expected  # a take, a rejection and a union
            assert not app.screen.query_one("#reconcile-progress").display
            # d: the decided ones too; item 2 is the rejected one, 3 rejected into panel.
            await pilot.press("d", "n")
            await pilot.pause()
            assert screen.walk.index == 2
            assert "\u00b7 rejected\n" in _text(app, "#reconcile-status")
            assert _text(app, "#consensus-text").startswith("consensus: (rejected)")
            await pilot.press("n")
            await pilot.pause()
            assert screen.walk.index == 3
            assert "\u00b7 undecided\n" in _text(app, "#reconcile-status")
            await pilot.press("d")  # undecided only again: n goes past 4 (a union)
            await pilot.press("n")
            await pilot.pause()
            assert screen.walk.index == 5
            await pilot.press("b")  # take ben's spans into the consensus
            await pilot.pause()
            stretch = (items[5].transcript_id, items[5].theme_id)
            assert on_ui and {(name, args, tuple(kwargs.items())) for name, args, kwargs
                              in on_ui} <= {  # that stretch only, read again
                ("reconcile_log", (stretch,), ()),
                ("codings", (), (("coder", "consensus"), ("transcript_id", stretch[0]),
                                 ("theme_id", stretch[1])))}
            assert "(4 decided)" in _text(app, "#reconcile-status")
    finally:
        store.close()
    with open_store(study) as after:
        taken = items[5]
        spans = [(c.start, c.end) for c in after.codings(
            coder="consensus", transcript_id=taken.transcript_id, theme_id=taken.theme_id)
            if c.start < taken.end and c.end > taken.start]
        assert spans == list(taken.of("ben"))
        assert "(4 decided)" in walk_of(after).status_text(CODERS)


async def test_a_long_load_shows_its_progress_and_the_keys_work_meanwhile(
        study: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(reconcile_module, "LOAD_MOMENT_S", 0.0)
    release, waiting = threading.Event(), threading.Event()
    real = compute.collect_transcript
    read: list[int] = []

    def slow(store, info, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.append(info.id)
        if len(read) == 2:  # the second transcript waits until the test says
            waiting.set()
            release.wait(30)
        return real(store, info, *args, **kwargs)

    monkeypatch.setattr(compute, "collect_transcript", slow)
    app = make_app(study, coder="lead")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = ReconcileScreen(app.store, "lead", coders=CODERS)
            app.push_screen(screen)
            for _ in range(200):
                await pilot.pause(0.01)
                if waiting.is_set() and screen.query_one("#reconcile-progress").display:
                    break
            assert app.screen is screen and not screen.loaded
            bar = screen.query_one("#reconcile-progress", ProgressBar)
            assert bar.display and bar.total == 8 and bar.progress == 1  # 4 read, 4 found
            assert _text(app, "#reconcile-status") == (
                "Finding disagreements in 4 transcripts (Escape: back)...")
            await pilot.press("question_mark")  # the keys work while it computes
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen and not screen.loaded
            release.set()
            await _ready(pilot)
            assert screen.loaded and not bar.display
            assert _text(app, "#reconcile-status").startswith(
                f"Disagreement 1/{len(screen.walk.items)} (0 decided)")
            await pilot.press("n")
            await pilot.pause()
            assert screen.walk.index == 1
    finally:
        release.set()


async def test_escape_while_it_computes_goes_back_and_drops_the_result(
        study: Path, monkeypatch: pytest.MonkeyPatch):
    release, waiting = threading.Event(), threading.Event()
    real = compute.collect_transcript

    def slow(store, info, *args, **kwargs):  # type: ignore[no-untyped-def]
        waiting.set()
        release.wait(30)
        return real(store, info, *args, **kwargs)

    monkeypatch.setattr(compute, "collect_transcript", slow)
    store = open_store(study)
    try:
        app = ReconcileHost(store, "lead", coders=CODERS)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                await pilot.pause(0.01)
                if waiting.is_set():
                    break
            screen = app.screen
            assert isinstance(screen, ReconcileScreen) and not screen.loaded
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is not screen
            release.set()
            await _ready(pilot)
            assert app.screen is not screen and not screen.loaded
    finally:
        release.set()
        store.close()
