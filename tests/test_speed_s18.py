"""Speed at scale (session 18): the faster reads and sweeps give the same results.

Each fix for a large study (a few million words, 100,000+ codings; figures in
``benchmarks/bench_study.py``) reads or computes the same thing by a shorter road. These
tests hold the new road to the old one's result on small projects, including the cases
that tell them apart: inactive codings, coders with memos, retired suggestions, touching
and nested spans, coders absent from a transcript. No timing is asserted here.
"""

from __future__ import annotations

import random
from pathlib import Path

from qualcoder_ahp.agreement.compute import Corpus, TranscriptData, collect
from qualcoder_ahp.agreement.intervals import Interval, merge
from qualcoder_ahp.agreement.reconcile import (
    ReconcileItem,
    reconcile_items,
    reconcile_stretches,
)
from qualcoder_ahp.model.store import Store
from tests.helpers.project import THEMES, build_project

CODERS = ["ana", "ben", "cat"]


def _scanned(corpus: Corpus, *, agreed: bool) -> list[ReconcileItem]:
    """The stretches as reconcile_items found them before: every stretch asks every
    span of its cell whether it overlaps."""
    items: list[ReconcileItem] = []
    for data in corpus.transcripts:
        raters = corpus.raters.get(data.id, ())
        if len(raters) < 2:
            continue
        for theme_id, _ in corpus.themes:
            spans = {c: corpus.spans.get((data.id, theme_id, c), []) for c in raters}
            for start, end in merge(s for lst in spans.values() for s in lst):
                inside = tuple((c, tuple(s for s in lst if s[0] < end and s[1] > start))
                               for c, lst in spans.items())
                if (len({spans for _, spans in inside}) == 1) == agreed:
                    items.append(ReconcileItem(data.name, data.id, theme_id, start, end, inside))
    return items


def _random_spans(rng: random.Random, length: int) -> list[Interval]:
    spans = []
    for _ in range(rng.randint(0, 7)):
        start = rng.randrange(0, length - 1)
        spans.append((start, min(length, start + rng.randint(1, 60))))
    if spans and rng.random() < 0.3:  # one touching the last: merged into it
        spans.append((spans[-1][1], min(length + 5, spans[-1][1] + 5)))
    return merge(spans)


def test_one_pass_stretches_equal_the_scan_on_random_corpora() -> None:
    rng = random.Random(18)
    seen = [0, 0]
    for _ in range(60):
        themes = [(f"t{k}", f"Theme {k}") for k in range(rng.randint(1, 4))]
        transcripts = [TranscriptData(i, f"doc{i}", "x" * 300) for i in range(3)]
        corpus = Corpus(tuple(CODERS), themes, transcripts)
        for data in transcripts:
            corpus.raters[data.id] = tuple(c for c in CODERS if rng.random() < 0.8)
            for theme_id, _ in themes:
                spans: list[Interval] = []
                for coder in corpus.raters[data.id]:
                    if rng.random() < 0.6:  # else as the coder before: agreed stretches
                        spans = _random_spans(rng, 300)
                    if spans:
                        corpus.spans[data.id, theme_id, coder] = spans
        disagreeing, same = reconcile_stretches(corpus)
        assert disagreeing == _scanned(corpus, agreed=False)
        assert same == _scanned(corpus, agreed=True)
        assert reconcile_items(corpus) == disagreeing
        assert reconcile_items(corpus, agreed=True) == same
        seen[0] += len(disagreeing)
        seen[1] += len(same)
    assert min(seen) > 20  # both kinds of stretch were compared


def _coded(tmp_path: Path) -> Store:
    """Three coders' overlapping codings in three transcripts, one withdrawn (inactive),
    one with a memo, and a coder who only rejected a suggestion."""
    store = build_project(tmp_path / "study.db", transcripts=3)
    rng = random.Random(7)
    infos = store.transcripts()
    for info in infos[:2]:
        sentences = store.sentences(info.id)
        for coder in CODERS[:2]:
            for s in sentences:
                if rng.random() < 0.6:
                    theme = rng.choice(THEMES)
                    cut = rng.randint(0, (s.end - s.start) // 2)
                    store.code(info.id, theme, coder, s.start + cut, s.end)
    first = store.codings(transcript_id=infos[0].id, coder="ana")
    store.remove_coding(first[0].id, "ana")
    store.set_memo("ben", "coding", store.codings(coder="ben")[0].id, "a memo")
    store.reject(store.suggestions(transcript_id=infos[2].id)[0].id, "cat")
    return store


def test_coding_spans_are_the_codings_theme_start_end(tmp_path: Path) -> None:
    with _coded(tmp_path) as store:
        for info in store.transcripts():
            for coder in CODERS:
                assert store.coding_spans(info.id, coder) == [
                    (c.theme_id, c.start, c.end)
                    for c in store.codings(transcript_id=info.id, coder=coder)]


def test_unit_bounds_are_the_sentences_and_turns(tmp_path: Path) -> None:
    with build_project(tmp_path / "study.db") as store:
        for info in store.transcripts():
            sentences, turns = store.unit_bounds(info.id)
            assert sentences == tuple((s.start, s.end) for s in store.sentences(info.id))
            assert turns == tuple((t.start, t.end) for t in store.turns(info.id))
            assert sentences and turns


def test_collect_reads_what_the_codings_say(tmp_path: Path) -> None:
    """The corpus agreement and reconcile compare, rebuilt from ``Store.codings``."""
    with _coded(tmp_path) as store:
        corpus = collect(store, CODERS)
        spans: dict[tuple[int, str, str], list[Interval]] = {}
        for c in store.codings():
            if c.coder in CODERS:
                spans.setdefault((c.transcript_id, c.theme_id, c.coder), []).append(
                    (c.start, c.end))
        assert corpus.spans == {key: merge(found) for key, found in spans.items()}
        third = store.transcripts()[2].id
        assert corpus.raters[third] == ("cat",)  # rejected only: coded it, nothing kept
        for data in corpus.transcripts:
            assert data.sentences == tuple((s.start, s.end) for s in store.sentences(data.id))


def test_count_suggestions_counts_what_suggestions_lists(tmp_path: Path) -> None:
    with _coded(tmp_path) as store:
        ids = [s.id for s in store.suggestions()]
        store.accept(ids[1], "ana")
        adjusted = store.suggestion(ids[2])
        store.accept(ids[2], "ana", start=adjusted.start, end=adjusted.end - 1)
        store.reject(ids[3], "ben")
        with store.write():  # as a codebook change retires it
            store.conn.execute("UPDATE suggestions SET status = 'retired' WHERE id = ?",
                               [ids[4]])
        tid = store.transcripts()[0].id
        filters: list[dict[str, object]] = [
            {}, {"status": "retired"}, {"status": None}, {"transcript_id": tid},
            {"theme_id": THEMES[0]}, {"theme_id": THEMES[1], "transcript_id": tid}]
        filters += [{"coder": coder, "decision": decision} for coder in ("ana", "ben", "cat")
                    for decision in ("undecided", "accepted", "rejected", "adjusted",
                                     "decided")]
        counts = set()
        for kwargs in filters:
            want = len(store.suggestions(**kwargs))  # type: ignore[arg-type]
            assert store.count_suggestions(**kwargs) == want, kwargs  # type: ignore[arg-type]
            counts.add(want)
        assert len(counts) > 4  # the filters tell the suggestions apart


def _counted_row_by_row(store: Store, coder: str | None) -> dict[str, dict[str, int]]:
    """Each pattern's counts as pattern_stats counted them before: every open suggestion
    and its decisions, one row at a time in Python (each for the patterns of its theme)."""
    counts: dict[str, dict[str, int]] = {}
    per: dict[int, tuple[list[str], list[str]]] = {}
    theme_of = {p.id: p.theme_id for p in store.patterns(include_inactive=True)}
    for s in store.suggestions():
        per[s.id] = ([p for p in s.pattern_ids if theme_of.get(p) == s.theme_id], [])
    for sid, (_, statuses) in per.items():
        for name in ([coder] if coder else CODERS):
            status = store.decision_of(sid, name)
            if status is not None:
                statuses.append(status)
    for pids, statuses in per.values():
        for pid in pids:
            st = counts.setdefault(pid, dict.fromkeys(
                ("suggestions", "accepted", "rejected", "undecided"), 0))
            st["suggestions"] += 1
            st["undecided"] += not statuses
            for status in statuses:
                st["rejected" if status == "rejected" else "accepted"] += 1
    return counts


def test_pattern_stats_count_as_row_by_row(tmp_path: Path) -> None:
    """Counted in SQLite per list of pattern ids, as before per suggestion: shared lists,
    a pattern twice in a list, an unknown id, retired suggestions, three coders'
    accepted, adjusted and rejected decisions, a removed pattern."""
    import json

    from qualcoder_ahp.records import Codebook, Pattern, Theme

    with _coded(tmp_path) as store:
        ids = ["p1", "p2", "p3", "gone"]
        store.save_codebook(Codebook("test", tuple(Theme(t, t.title()) for t in THEMES),
                                     tuple(Pattern(p, THEMES[k % 2], "regex", p)
                                           for k, p in enumerate(ids))))
        store.save_codebook(Codebook("test", tuple(Theme(t, t.title()) for t in THEMES),
                                     tuple(Pattern(p, THEMES[k % 2], "regex", p)
                                           for k, p in enumerate(ids[:3]))))
        rng = random.Random(3)
        lists = [["p1"], ["p2", "p1"], ["p3"], ["p1", "p1"], ["unknown", "p2"], ["gone"]]
        with store.write():
            for s in store.suggestions():
                store.conn.execute("UPDATE suggestions SET pattern_ids = ? WHERE id = ?",
                                   [json.dumps(rng.choice(lists)), s.id])
        suggestions = store.suggestions()
        for s in suggestions:
            for coder in CODERS:
                roll = rng.random()
                if roll < 0.3:
                    store.accept(s.id, coder)
                elif roll < 0.4:
                    store.accept(s.id, coder, start=s.start, end=s.end - 1)
                elif roll < 0.6:
                    store.reject(s.id, coder)
        with store.write():
            store.conn.execute("UPDATE suggestions SET status = 'retired' WHERE id = ?",
                               [suggestions[0].id])
        for coder in (None, "ana", "cat"):
            got = {st["pattern"]: {k: st[k] for k in ("suggestions", "accepted", "rejected",
                                                       "undecided")}
                   for st in store.pattern_stats(coder)}
            want = _counted_row_by_row(store, coder)
            assert got == {p: c for p, c in want.items() if p in ids}
            assert got["p1"]["accepted"] and got["p1"]["rejected"] and got["p1"]["undecided"]
            assert "gone" in got  # removed, still with suggestions
