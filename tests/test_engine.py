"""The suggestion engine and run_suggestions: pattern kinds, scope, unit, exclusion,
idempotent re-runs, codebook changes, the doc cache, and the blog text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualcoder_ahp.records import Codebook, ParsedTranscript, Pattern, Sentence, Turn
from qualcoder_ahp.suggest.codebook import load_codebook
from qualcoder_ahp.suggest.engine import Engine, engine_for
from qualcoder_ahp.suggest.runner import run_suggestions, suggest_sentences

DATA = Path(__file__).parent / "data" / "codebooks"
# As conftest.REFERENCE; not imported from conftest, whose module name tests/tui shares.
REFERENCE = Path(__file__).resolve().parent.parent.parent / "shared" / "reference"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def transcript(turns: list[tuple[str, str, str]]) -> ParsedTranscript:
    """A transcript of ``(speaker, role, text)`` turns, sentences split after . ! ?"""
    parts, out_turns, sentences, pos = [], [], [], 0
    for i, (speaker, role, body) in enumerate(turns):
        if i:
            parts.append("\n\n")
            pos += 2
        out_turns.append(Turn(speaker, role, pos, pos + len(body)))
        start = 0
        for m in [*SENTENCE_END.finditer(body), None]:
            end = m.start() if m else len(body)
            if body[start:end].strip():
                sentences.append(Sentence(pos + start, pos + end, i))
            start = m.end() if m else end
        parts.append(body)
        pos += len(body)
    return ParsedTranscript("".join(parts), out_turns, "txt", sentences)


STORY = [
    ("Q", "interviewer", "Tell me about your career. Did you fall into it by chance?"),
    ("Ann", "participant", "Honestly I fell into it. I was in the right place at the right "
     "time. They asked me to lead commissioning. It was not by chance at all, mind."),
    ("Ann", "participant", "I became operational manager in 2010. Then more came."),
]


def themes_by_text(store, tid: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    text = store.transcript_text(tid)
    return [(s.theme_id, text[s.start:s.end]) for s in store.suggestions(transcript_id=tid)]


@pytest.fixture
def small(store):  # type: ignore[no-untyped-def]
    store.save_codebook(load_codebook(DATA / "small.yaml"))
    info, _ = store.add_transcript("story", transcript(STORY))
    return store, info.id


def test_pattern_kinds_scope_unit_and_exclusion(small) -> None:  # type: ignore[no-untyped-def]
    store, tid = small
    report = run_suggestions(store)
    assert (report.new, report.kept, report.retired) == (6, 0, 0)
    assert themes_by_text(store, tid) == [
        ("interviewing", "Tell me about your career."),                 # scope: interviewer
        ("serendipity", "Honestly I fell into it."),                    # phrase
        ("serendipity", "I was in the right place at the right time."),  # tokens with OP ?
        ("non_traditional_roles", "They asked me to lead commissioning."),  # LEMMA IN
        ("serendipity", "They asked me to lead commissioning."),        # LEMMA ask <- asked
        ("non_traditional_roles", "I became operational manager in 2010. Then more came."),
    ]
    sugs = {(s.theme_id, s.start): s for s in store.suggestions(transcript_id=tid)}
    text = store.transcript_text(tid)
    right = next(s for s in sugs.values() if "right place" in text[s.start:s.end])
    assert right.pattern_ids == ("ser_right_place",) and right.unit == "sentence"
    assert [text[a:b] for a, b in right.matches] == ["right place at"]
    turn = next(s for s in sugs.values() if s.unit == "turn")
    assert turn.pattern_ids == ("ntr_ops_turn",)
    assert [text[a:b] for a, b in turn.matches] == ["operational manager"]


def test_interviewer_turns_and_negation_get_nothing(small) -> None:  # type: ignore[no-untyped-def]
    store, tid = small
    run_suggestions(store)
    text = store.transcript_text(tid)
    spans = [text[s.start:s.end] for s in store.suggestions(transcript_id=tid)]
    # "by chance" in the interviewer's question: participant-scope pattern, not suggested.
    assert not any("Did you fall" in s for s in spans)
    # "It was not by chance": the exclusion pattern suppresses the regex match.
    assert not any("not by chance" in s for s in spans)


def test_rerun_is_idempotent(small) -> None:  # type: ignore[no-untyped-def]
    store, tid = small
    run_suggestions(store)
    before = store.suggestions(status=None)
    report = run_suggestions(store)
    assert (report.new, report.kept, report.retired, report.reopened) == (0, 6, 0, 0)
    assert store.suggestions(status=None) == before


def test_codebook_change_keeps_decisions_adds_and_retires(small) -> None:
    store, tid = small
    run_suggestions(store)
    text = store.transcript_text(tid)
    by_text = {text[s.start:s.end]: s for s in store.suggestions(transcript_id=tid)}
    fell = by_text["Honestly I fell into it."]
    place = by_text["I was in the right place at the right time."]
    store.accept(fell.id, "ann")
    store.reject(place.id, "bob")
    cb = load_codebook(DATA / "small.yaml")
    # Remove every serendipity pattern that fired and the turn pattern; add one new pattern.
    removed = {"ser_fell_into", "ser_right_place", "ser_ask_lemma", "ntr_ops_turn"}
    new = Pattern("ser_then_more", "serendipity", "regex", r"\bthen more came\b")
    patterns = tuple(p for p in cb.patterns if p.id not in removed) + (new,)
    store.save_codebook(Codebook(cb.name, cb.themes, patterns, None, "edited"))
    report = run_suggestions(store)
    assert (report.new, report.retired, report.decided_kept) == (1, 2, 2)
    after = {s.id: s for s in store.suggestions(status=None)}
    assert after[fell.id].status == "open" and after[place.id].status == "open"
    assert store.decision_of(fell.id, "ann") == "accepted"
    assert store.decision_of(place.id, "bob") == "rejected"
    assert len(store.codings(coder="ann")) == 1
    retired = [text[s.start:s.end] for s in store.suggestions(status="retired")]
    assert sorted(retired) == ["I became operational manager in 2010. Then more came.",
                               "They asked me to lead commissioning."]
    added = [s for s in store.suggestions() if s.pattern_ids == ("ser_then_more",)]
    assert [text[s.start:s.end] for s in added] == ["Then more came."]
    # Putting a pattern back reopens its retired suggestion (same id, no duplicate).
    store.save_codebook(cb)
    report = run_suggestions(store)
    assert report.reopened == 2 and report.retired == 1
    assert len(store.suggestions(status=None)) == 7


def test_changed_pattern_updates_pattern_ids(small) -> None:  # type: ignore[no-untyped-def]
    store, tid = small
    run_suggestions(store)
    cb = load_codebook(DATA / "small.yaml")
    extra = Pattern("ser_honestly", "serendipity", "phrase", "honestly")
    store.save_codebook(Codebook(cb.name, cb.themes, cb.patterns + (extra,), None, "x"))
    report = run_suggestions(store)
    assert (report.new, report.kept, report.retired) == (0, 6, 0)
    text = store.transcript_text(tid)
    sug = next(s for s in store.suggestions() if text[s.start:s.end].startswith("Honestly"))
    assert sug.pattern_ids == ("ser_fell_into", "ser_honestly")
    assert [text[a:b] for a, b in sug.matches] == ["Honestly", "fell into"]


def test_doc_cache_hit_skips_tokenising(small, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store, tid = small
    first = run_suggestions(store)
    assert (first.tokenised_docs, first.cached_docs, first.patterns_run) == (1, 0, 8)
    assert store.doc_cache_size()[0] == 1

    def refuse(self, text):  # type: ignore[no-untyped-def]
        raise AssertionError("tokenised although the doc was cached")

    monkeypatch.setattr(Engine, "tokenize", refuse)
    cb = load_codebook(DATA / "small.yaml")
    # A new token pattern needs the doc: it comes from the cache, and only it is run.
    extra = Pattern("ser_became", "serendipity", "token",
                    [{"LEMMA": "become"}, {"LOWER": "operational"}])
    store.save_codebook(Codebook(cb.name, cb.themes, cb.patterns + (extra,), None, "x"))
    second = run_suggestions(store)
    assert (second.tokenised_docs, second.cached_docs, second.patterns_run) == (0, 1, 1)
    text = store.transcript_text(tid)
    assert [text[s.start:s.end] for s in store.suggestions()
            if "ser_became" in s.pattern_ids] == ["I became operational manager in 2010."]
    # Removing a pattern needs neither the doc nor any matching: the raw matches are cached.
    monkeypatch.setattr(Engine, "from_bytes", refuse)
    store.save_codebook(Codebook(cb.name, cb.themes, cb.patterns[1:], None, "y"))
    third = run_suggestions(store)
    assert (third.tokenised_docs, third.cached_docs, third.patterns_run) == (0, 0, 0)
    assert third.retired == 2  # the suggestions of ser_fell_into and ser_became
    # Stale entries (another pipeline, deleted transcripts) are pruned on a full run.
    store.doc_cache_put("stale:key", b"x")
    run_suggestions(store)
    assert store.doc_cache_has(["stale:key"]) == set()
    assert store.doc_cache_size()[0] == 1


def test_engine_built_once_per_codebook_version() -> None:
    cb = load_codebook(DATA / "small.yaml")
    assert engine_for(cb) is engine_for(load_codebook(DATA / "small.yaml"))
    # Pipelines are shared between versions; matchers are built lazily, once.
    engine_for(cb).build()
    nlp = engine_for(cb).nlp
    other = Codebook(cb.name, cb.themes, cb.patterns[1:], None, "x")
    assert engine_for(other) is not engine_for(cb)
    assert engine_for(other).nlp is nlp


def test_straddling_match_and_turn_without_sentences() -> None:
    cb = Codebook("t", (), (Pattern("p", "a", "phrase", "place at"),), None, None)
    engine = Engine(cb)
    text = "The right place. At last.\n\nA place at home"
    turns = [Turn("A", "participant", 0, 25), Turn("A", "participant", 27, 42)]
    sentences = [Sentence(0, 16, 0), Sentence(17, 25, 0)]  # turn 1 has no stored sentences
    found = engine.suggest_text(text, turns, sentences)
    assert [(f.start, f.end, f.unit) for f in found] == [(27, 42, "sentence")]


def test_suggest_sentences_for_gold_sets() -> None:
    cb = load_codebook(DATA / "small.yaml")
    got = suggest_sentences(cb, ["I fell into it", "It was not by chance.", "Nothing here.",
                                 "I was an operational manager"])
    assert got == [{"serendipity"}, set(), set(), {"non_traditional_roles"}]


@pytest.mark.parametrize("threads", [1, 2], ids=["fork", "spawn"])
def test_pooled_run_matches_inline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   threads: int) -> None:
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.suggest import runner

    # A threaded caller (the workbench) must spawn workers rather than fork.
    monkeypatch.setattr(runner.threading, "active_count", lambda: threads)
    results = []
    for processes in (1, 2, 3):  # in-process; one tokenising worker; two
        with open_store(tmp_path / f"p{processes}.db") as store:
            store.save_codebook(load_codebook(DATA / "small.yaml"))
            for i in range(3):
                store.add_transcript(f"t{i}", transcript(STORY + [("Ann", "participant", f"{i}")]))
            report = run_suggestions(store, processes=processes)
            assert report.processes == processes and report.tokenised_docs == 3
            results.append([(s.transcript_id, s.theme_id, s.start, s.end, s.pattern_ids)
                            for s in store.suggestions()])
            again = run_suggestions(store, processes=processes)
            assert (again.tokenised_docs, again.patterns_run, again.new) == (0, 0, 0)
    assert results[0] == results[1] == results[2] and len(results[0]) == 18


def _slow_worker_run(*args):  # type: ignore[no-untyped-def]
    """The worker's job, slowed so the queue is not drained before this process is free.

    Module level so a pool can pickle it by name; the original is looked up in the worker.
    """
    import time

    from qualcoder_ahp.suggest import runner

    time.sleep(0.3)
    # Forked, the worker has the patched module; spawned, it imported the original afresh.
    return getattr(runner, "_ORIGINAL_WORKER_RUN", runner._worker_run)(*args)


def test_pooled_run_steals_queued_transcripts(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """When this process has run the regexes and the worker still has a queue, it takes
    transcripts from the queue's end; the suggestions are the same as in one process."""
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.suggest import runner

    monkeypatch.setattr(runner, "STEAL_MIN_WORDS", 0)
    taken = []
    steal = runner._steal

    def counting(*args):  # type: ignore[no-untyped-def]
        job = steal(*args)
        if job is not None:
            taken.append(job.name)
        return job

    monkeypatch.setattr(runner, "_steal", counting)
    # However busy the machine, the worker must still hold a queue when this process has
    # run the regexes (on an idle machine it does anyway: it loads spaCy first).
    monkeypatch.setattr(runner, "_ORIGINAL_WORKER_RUN", runner._worker_run, raising=False)
    monkeypatch.setattr(runner, "_worker_run", _slow_worker_run)
    results = []
    for processes in (1, 2):
        with open_store(tmp_path / f"p{processes}.db") as store:
            store.save_codebook(load_codebook(DATA / "small.yaml"))
            for i in range(8):
                store.add_transcript(f"t{i}", transcript(STORY + [("Ann", "participant", f"{i}")]))
            report = run_suggestions(store, processes=processes)
            assert report.tokenised_docs == 8
            results.append([(s.id, s.transcript_id, s.theme_id, s.start, s.end, s.pattern_ids)
                            for s in store.suggestions()])
            again = run_suggestions(store, processes=processes)  # every doc was cached
            assert (again.tokenised_docs, again.patterns_run, again.new) == (0, 0, 0)
    # Taken from the queue's end, last first, and never the worker's first transcript.
    # (How many depends on the machine's load: under load the pool may not yet have
    # handed t1 to the worker, so asserting t0 and t1 are never taken was flaky.)
    assert taken and len(taken) < 8
    assert taken == [f"t{i}" for i in range(7, 7 - len(taken), -1)]
    assert results[0] == results[1] and len(results[0]) == 48


def blog_transcript() -> ParsedTranscript:
    paragraphs = [p.strip() for p in (REFERENCE / "ahp-leadership-blog.txt").read_text(
        encoding="utf-8").split("\n\n") if p.strip()]
    return transcript([("Blog", "participant", p) for p in paragraphs])


@pytest.mark.skipif(not (REFERENCE / "ahp-leadership-blog.txt").exists(),
                    reason="the shared reference blog is absent")
def test_blog_text_themes(store) -> None:  # type: ignore[no-untyped-def]
    store.save_codebook(load_codebook(DATA / "blog.yaml"))
    info, _ = store.add_transcript("blog", blog_transcript())
    run_suggestions(store)
    found = themes_by_text(store, info.id)

    def themes_of(fragment: str) -> set[str]:
        return {theme for theme, text in found if fragment in text}

    assert "non_traditional_roles" in themes_of("roles not viewed as ‘traditional’ for AHPs")
    assert "serendipity" in themes_of("arising from serendipity rather than strategic career")
    assert "system_perspective" in themes_of("multiple perspectives on system problems")
    assert "boundary_spanning" in themes_of("broke down barriers between professions")
    assert "system_perspective" in themes_of("in areas like patient flow")
    assert "non_traditional_roles" in themes_of("research commissioned by NHS Improvement")
    # A turn-unit pattern: the whole paragraph.
    weapon = [t for theme, t in found if theme == "visibility"]
    assert len(weapon) == 1 and weapon[0].startswith("We have been described")
    # Nothing anywhere that the codebook does not plainly support.
    assert themes_of("Leave a Reply") == set()


def test_blog_negated_and_interviewer_text_not_suggested(store) -> None:
    store.save_codebook(load_codebook(DATA / "blog.yaml"))
    parsed = transcript([
        ("Q", "interviewer", "Were your moves arising from serendipity rather than planning?"),
        ("P", "participant", "No. It was never by chance, it was planned rather than by chance."),
        ("P", "participant", "I got my first post by pure chance."),
    ])
    info, _ = store.add_transcript("neg", parsed)
    run_suggestions(store)
    assert themes_by_text(store, info.id) == [
        ("serendipity", "I got my first post by pure chance.")]


def test_regex_edit_rerun_loads_no_pipeline(small, monkeypatch) -> None:
    from qualcoder_ahp.suggest import engine as engine_module

    store, tid = small
    run_suggestions(store)
    cb = load_codebook(DATA / "small.yaml")
    edited = tuple(Pattern(p.id, p.theme_id, p.kind, r"\bby (?:pure )?chance\b|\bmore came\b")
                   if p.id == "ser_by_chance" else p for p in cb.patterns)
    store.save_codebook(Codebook(cb.name, cb.themes, edited, None, "x"))
    monkeypatch.setattr(engine_module, "_PIPELINES", {})  # as in a new process
    report = run_suggestions(store)
    assert report.patterns_run == 1 and report.new == 1
    assert engine_module._PIPELINES == {}  # only the edited regex ran: no spaCy pipeline
    text = store.transcript_text(tid)
    assert [text[s.start:s.end] for s in store.suggestions()
            if "ser_by_chance" in s.pattern_ids] == ["Then more came."]


def test_one_sentence_turn_gets_one_suggestion_per_theme(store) -> None:
    cb = Codebook("t", (), (Pattern("s_fell", "ser", "phrase", "fell into"),
                            Pattern("t_fell", "ser", "phrase", "into it", unit="turn")), None, None)
    engine = Engine(cb)
    text = "I fell into it."
    found = engine.suggest_text(text, [Turn("A", "participant", 0, len(text))],
                                [Sentence(0, len(text), 0)])
    assert [(f.unit, f.start, f.end, f.pattern_ids, f.matches) for f in found] == [
        ("sentence", 0, 15, ("s_fell", "t_fell"), ((2, 14),))]


def test_role_change_invalidates_cached_matches(small) -> None:  # type: ignore[no-untyped-def]
    store, tid = small
    run_suggestions(store)
    text = store.transcript_text(tid)
    assert not any("Did you fall" in text[s.start:s.end] for s in store.suggestions())
    # The interviewer turns turn out to be a participant's: they are searched now.
    store.set_speaker_roles(tid, {"Q": "participant"})
    report = run_suggestions(store)
    assert report.patterns_run == 8 and report.tokenised_docs == 0
    spans = [text[s.start:s.end] for s in store.suggestions()]
    assert "Did you fall into it by chance?" in spans
    assert "Tell me about your career." not in spans  # an interviewer-scope pattern


def test_auto_processes_uses_a_second_core_only_when_it_is_idle(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcoder_ahp.suggest import runner

    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(runner, "idle_cores", lambda cores: 1.6)
    assert runner.auto_processes(runner.PARALLEL_MIN_WORDS - 1) == 1  # too small to repay
    assert runner.auto_processes(10 * runner.PARALLEL_MIN_WORDS) == 2
    monkeypatch.setattr(runner, "idle_cores", lambda cores: 0.4)  # a busy shared server
    assert runner.auto_processes(10 * runner.PARALLEL_MIN_WORDS) == 1
    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    monkeypatch.setattr(runner, "idle_cores", lambda cores: 1.0)
    assert runner.auto_processes(10 * runner.PARALLEL_MIN_WORDS) == 1  # one core


def test_idle_cores_reads_a_sample_of_the_machine() -> None:
    from qualcoder_ahp.suggest.runner import idle_cores

    assert 0.0 <= idle_cores(2, sample=0.02) <= 2.0
