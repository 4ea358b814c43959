"""Run the suggestion engine over a project: cache, parallelism, idempotent storage.

:func:`run_suggestions` is the one core function the CLI (``qcahp suggest``), the
workbench and the demo call. Per transcript it takes the tokenised doc from the
``doc_cache`` table (or tokenises and caches it), matches the codebook, and makes the
stored suggestions agree with the result in one transaction
(:meth:`~qualcoder_ahp.model.store.Store.apply_suggestions`): re-running changes
nothing; after a codebook change decisions are kept, new patterns add suggestions and
undecided suggestions no pattern supports any more are retired.

The prefilter's analysis of each regular expression (its anchors, and the compiled
code of its lower-cased twin) is stored in the project too, keyed by the pattern, the
analyser and the Python: :func:`analyse_codebook` makes it when a codebook is loaded,
so a run starts matching at once, and a new codebook version analyses only the
patterns it changes.

Tokenising and matching the regular expressions cost about the same, and the regular
expressions need no tokens. So when many words are not cached yet and two cores are
idle, a worker process tokenises each transcript and runs the token and phrase
patterns, while the calling process runs the regular expressions on the same
transcripts and then takes transcripts from the end of the worker's queue (the worker
is forked from a single-threaded caller such as the CLI, taking the caller's engine,
and spawned from a threaded one such as the workbench). The database is only written
from the calling thread, in the same order whichever process did the work.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.records import Codebook, Sentence, Turn, plural
from qualcoder_ahp.suggest.engine import Engine, engine_for
from qualcoder_ahp.suggest.found import ruled_out

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

PARALLEL_MIN_WORDS = 150_000
"""Uncached words below which a process pool costs more (start-up) than it saves."""

Progress = Callable[[int, int, str], None]


@dataclass
class SuggestReport:
    """What a suggestion run did."""

    transcripts: int = 0
    words: int = 0
    new: int = 0
    kept: int = 0
    reopened: int = 0
    retired: int = 0
    decided_kept: int = 0
    """Open suggestions no pattern finds (or an exclusion rules out) that a coder decided
    on: they stay open."""
    retired_excluded: int = 0
    """Of the retired: a pattern still finds them, but an exclusion pattern rules them out."""
    decided_kept_excluded: int = 0
    """Of the decided ones kept open: ruled out by an exclusion pattern."""
    retired_decided: int = 0
    """Of the retired: a coder decided on them, and their theme is retired or a folder (the
    decisions and codings are kept; a version that brings the theme back reopens them)."""
    cached_docs: int = 0
    """Tokenised docs read from the cache (only when a pattern had to be run)."""
    tokenised_docs: int = 0
    patterns_run: int = 0
    """Pattern × transcript matchings done (the rest came from the match cache)."""
    processes: int = 1
    seconds: float = 0.0
    skipped_patterns: list[str] = field(default_factory=list)

    @property
    def open_total(self) -> int:
        """Suggestions the run left open (new, kept and reopened)."""
        return self.new + self.kept + self.reopened

    def summary(self) -> str:
        """One line for the CLI and the workbench."""
        return (f"{self.transcripts:,} transcript{'' if self.transcripts == 1 else 's'}, "
                f"{self.words:,} words in {self.seconds:.1f}s: {self.new} new, {self.kept} "
                f"kept, {self.reopened} reopened, {self.retired} retired"
                f"{self._retired_why()}{self._decided_kept()}")

    def _retired_why(self) -> str:
        """`` (2 no pattern finds any more, 3 ruled out by an exclusion)``; nothing when no
        pattern finds any of them (a bare "3 retired", as ever). A suggestion an exclusion
        added by the new version blocks was said to be one no pattern finds any more."""
        gone = self.retired - self.retired_excluded - self.retired_decided
        if gone == self.retired:
            return ""
        # 29 of "35 retired" were decided ones, of a theme the version deleted.
        parts = [(n, why) for n, why in (
            (gone, "no pattern finds any more"),
            (self.retired_excluded, "ruled out by an exclusion"),
            (self.retired_decided, "decided on, of retired themes or folders: their "
             "decisions and codings are kept, and a codebook that brings the theme back "
             "reopens them")) if n]
        if len(parts) == 1:
            return f" ({parts[0][1]})"
        said = [f"{n} {why}" for n, why in parts]
        return f" ({', '.join(said[:-1])}{'; ' if self.retired_decided else ', '}{said[-1]})"

    def _decided_kept(self) -> str:
        # Apart from the retired ones: "5 retired (1 ... kept ...)" read as if one of the
        # five was kept. These stay open, with the pattern ids they had.
        n, ruled = self.decided_kept, self.decided_kept_excluded
        if not n:
            return ""
        why = ("an exclusion now rules out" if ruled == n else "no pattern finds any more"
               if not ruled else "")
        stays = ("stays open because a coder decided on it" if n == 1 else
                 "stay open because a coder decided on each")
        if why:
            return f"; {plural(n, 'suggestion')} {why} {stays}"
        return (f"; {n} suggestions {stays} ({n - ruled} no pattern finds any more, "
                f"{ruled} ruled out by an exclusion)")


@dataclass(frozen=True)
class _Job:
    transcript_id: int
    name: str
    text: str
    turns: list[Turn]
    sentences: list[Sentence]
    words: int
    key: str
    match_key: str


def run_suggestions(
    store: Store,
    *,
    transcript_ids: list[int] | None = None,
    progress: Progress | None = None,
    processes: int | None = None,
) -> SuggestReport:
    """Suggest themes on every (or the given) transcript and store the suggestions.

    Args:
        store: the project.
        transcript_ids: only these transcripts (default: all).
        progress: called as ``progress(done, total, transcript_name)`` after each
            transcript.
        processes: processes to use (this one and ``processes - 1`` workers that
            tokenise); ``None`` decides from the number of cores and of uncached words,
            ``1`` never starts a pool.

    Returns:
        Counts of new, kept, reopened and retired suggestions.
    """
    began = time.perf_counter()
    engine = engine_for(store.codebook())
    _seed_analyses(store, engine)
    infos = store.transcripts()
    if transcript_ids is not None:
        wanted = set(transcript_ids)
        infos = [t for t in infos if t.id in wanted]
    report = SuggestReport(transcripts=len(infos), skipped_patterns=list(engine.skipped))
    jobs, plans = _jobs_and_plans(store, engine, infos, list(engine.patterns))
    pool_words = sum(j.words for j in jobs if plans[j.transcript_id].tokenise)
    if processes is None:
        processes = auto_processes(pool_words)
    report.processes = processes
    results = (_pooled(store, engine, jobs, plans, processes) if processes > 1
               else _inline(store, engine, jobs, plans))
    try:
        for done, (job, raw, doc_bytes) in enumerate(results, 1):
            plan = plans[job.transcript_id]
            found = engine.find_raw(raw, job.turns, job.sentences)
            with store.write():
                if doc_bytes is not None:
                    store.doc_cache_put(job.key, doc_bytes)
                if plan.missing or plan.stale:
                    blob = {engine.match_keys[pid]: raw[pid] for pid in engine.patterns}
                    store.doc_cache_put(job.match_key,
                                        json.dumps(blob, separators=(",", ":")).encode())
                stats = store.apply_suggestions(job.transcript_id, found, functools.partial(
                    _ruled_out, engine, raw, job, found))
            report.tokenised_docs += doc_bytes is not None
            report.cached_docs += plan.doc_loaded
            report.patterns_run += len(plan.missing)
            for name, count in stats.items():
                setattr(report, name, getattr(report, name) + count)
            report.words += job.words
            if progress is not None:
                progress(done, len(jobs), job.name)
    finally:
        # Stopped part-way (Ctrl+C, the workbench quitting): each transcript stored so
        # far is whole; the pool drops its queue instead of tokenising the rest first.
        results.close()
    _store_analyses(store, engine)
    if transcript_ids is None:
        # Entries of deleted transcripts, of an older pipeline or of patterns no longer
        # in the codebook are never read again.
        store.doc_cache_prune({key for j in jobs for key in (j.key, j.match_key)}
                              | set(engine.analysis_keys.values()))
    report.seconds = time.perf_counter() - began
    return report


def _jobs_and_plans(store: Store, engine: Engine, infos: list[Any], wanted: list[str],
                    ) -> tuple[list[_Job], dict[int, _Plan]]:
    """Each transcript's job, and its plan: the raw matches the project has cached and
    the ``wanted`` patterns still to run."""
    jobs = []
    for info in infos:
        text = store.transcript_text(info.id)
        turns, sentences = store.turns(info.id), store.sentences(info.id)
        jobs.append(_Job(info.id, info.name, text, turns, sentences, info.words,
                         engine.cache_key(text), engine.match_cache_key(text, turns, sentences)))
    blobs = store.doc_cache_get([j.match_key for j in jobs])
    cached_docs = store.doc_cache_has([j.key for j in jobs])
    plans = {}
    for job in jobs:
        blob = blobs.get(job.match_key)
        known = json.loads(blob) if blob else {}
        raw = {pid: [tuple(m) for m in known[key]]
               for pid, key in engine.match_keys.items() if key in known}
        missing = [pid for pid in wanted if pid not in raw]
        tokenise = engine.needs_doc(missing) and job.key not in cached_docs
        plans[job.transcript_id] = _Plan(raw, missing, tokenise, set(known) != set(
            engine.match_keys.values()))
    return jobs, plans


@dataclass
class ExclusionRecord:
    """What one exclusion pattern does in the project's transcripts now."""

    ruled_out: int = 0
    """Suggestions its theme's patterns find there that it rules out."""
    accepted: int = 0
    """Of those, ones a coder had accepted (or adjusted) before it ruled them out."""
    rejected: int = 0
    """Of those, ones a coder had rejected."""


def ruled_out_spans(store: Store) -> dict[tuple[int, str, int, int], list[str]]:
    """The suggestions the stored codebook's exclusion patterns rule out in every
    transcript, ``(transcript_id, theme_id, start, end)``, each with the exclusions that
    rule it out.

    Read from the match cache ``qcahp suggest`` keeps (patterns it lacks are matched
    here, nothing is stored), so it is what the next run would do. Themes without an
    exclusion are not matched at all.
    """
    codebook = store.codebook()
    exclusions = [p for p in codebook.patterns if p.exclude]
    if not exclusions:
        return {}
    engine = engine_for(codebook)
    _seed_analyses(store, engine)
    themes = {p.theme_id for p in exclusions}
    wanted = [p.id for p in codebook.patterns if p.theme_id in themes]
    jobs, plans = _jobs_and_plans(store, engine, store.transcripts(), wanted)
    spans: dict[tuple[int, str, int, int], list[str]] = {}
    for job, raw, _ in _inline(store, engine, jobs, plans):
        for pid, keys in sorted(ruled_out(engine.patterns, raw, job.turns,
                                          job.sentences).items()):
            for theme, start, end in keys:
                spans.setdefault((job.transcript_id, theme, start, end), []).append(pid)
    return spans


def exclusion_record(store: Store, coder: str | None = None,
                     spans: dict[tuple[int, str, int, int], list[str]] | None = None,
                     ) -> dict[str, ExclusionRecord]:
    """Each exclusion pattern of the stored codebook: the suggestions of its theme it rules
    out in every transcript (``spans``, by default :func:`ruled_out_spans`), and the
    decisions coders (or ``coder``) had made on them."""
    out = {p.id: ExclusionRecord() for p in store.codebook().patterns if p.exclude}
    if spans is None:
        spans = ruled_out_spans(store) if out else {}
    for pids in spans.values():
        for pid in pids:
            out[pid].ruled_out += 1
    for key, status in store.span_decisions(coder):
        for pid in spans.get(key, ()):
            if status == "rejected":
                out[pid].rejected += 1
            else:
                out[pid].accepted += 1
    return out


def add_exclusion_record(store: Store, rows: list[dict[str, Any]], coder: str | None,
                         ) -> None:
    """Give each current exclusion pattern's row of
    :meth:`~qualcoder_ahp.model.suggestion_store.SuggestionMixin.pattern_stats` what it
    rules out now (:func:`exclusion_record`): ``ruled_out``, ``ruled_out_accepted`` and
    ``ruled_out_rejected``. An exclusion makes no suggestions, so its other figures are
    always 0; these say whether it does anything (``qcahp patterns`` and the workbench's
    patterns screen show the same).

    Every row gets ``no_longer_found_ruled_out`` too: of the suggestions its
    ``no_longer_found`` counts (decided, made by no pattern now), those an exclusion rules
    out, which the pattern still finds: an exclusion blocks them, the pattern did not
    change.
    """
    for r in rows:
        r["no_longer_found_ruled_out"] = 0
    current = [r for r in rows if r["exclude"] and r["active"] and not r["theme_retired"]]
    if not current:
        return
    spans = ruled_out_spans(store)
    record = exclusion_record(store, coder, spans)
    for r in current:
        got = record.get(r["pattern"])
        if got is not None:
            r.update(ruled_out=got.ruled_out, ruled_out_accepted=got.accepted,
                     ruled_out_rejected=got.rejected)
    by_id = {r["pattern"]: r for r in rows if not r["exclude"]}
    for s in store.suggestions(status="open", found=False):
        if (s.transcript_id, s.theme_id, s.start, s.end) in spans:
            for pid in s.pattern_ids:
                if pid in by_id:
                    by_id[pid]["no_longer_found_ruled_out"] += 1


def _ruled_out(engine: Engine, raw: dict[str, list[tuple[int, int]]], job: _Job,
               found: list[Any]) -> set[tuple[str, int, int]]:
    """The ``(theme_id, start, end)`` a pattern finds that an exclusion pattern rules out
    (so ``suggest`` can tell them from suggestions no pattern finds any more)."""
    if not any(hits for pid, hits in raw.items() if engine.patterns[pid].exclude):
        return set()
    finding = {pid: hits for pid, hits in raw.items() if not engine.patterns[pid].exclude}
    made = {(f.theme_id, f.start, f.end) for f in found}
    return {(f.theme_id, f.start, f.end)
            for f in engine.find_raw(finding, job.turns, job.sentences)} - made


def analyse_codebook(store: Store, progress: Callable[[int, int], None] | None = None,
                     ) -> int:
    """Analyse the project codebook's regular expressions for the prefilter, and store
    the analyses, so that ``suggest`` starts matching at once.

    Called when a codebook is loaded: analysing a few hundred regular expressions
    takes a second or two, paid once per codebook version instead of on every run
    (a new version re-analyses only the patterns it changes). Returns how many
    patterns were analysed.
    """
    codebook = store.codebook()
    if not any(p.kind == "regex" for p in codebook.patterns):
        # Nothing to analyse; and a codebook of themes coded by hand (a REFI-QDA .qdc from
        # NVivo, say) has no patterns at all, which the engine refuses: the load said
        # "Error: the project has no codebook patterns" after storing it.
        return 0
    engine = engine_for(codebook)
    _seed_analyses(store, engine)
    before = len(engine.analysed)
    engine.analyse_all(progress)
    _store_analyses(store, engine, compile_twins=True)
    return len(engine.analysed) - before


def _seed_analyses(store: Store, engine: Engine) -> None:
    keys = sorted(set(engine.analysis_keys.values()))
    engine.seed_analyses(store.doc_cache_get(keys))


def _store_analyses(store: Store, engine: Engine, compile_twins: bool = False) -> None:
    made = engine.new_analyses(compile_twins)
    if not made:
        return
    # Stored entries are kept, except those completed now with their compiled twin.
    keys = engine.analysis_keys
    completing = {keys[pid] for pid in engine.uncompiled} if compile_twins else set()
    fresh = set(made) - (store.doc_cache_has(list(made)) - completing)
    if fresh:
        with store.write():
            for key in sorted(fresh):
                store.doc_cache_put(key, made[key])
    if compile_twins:
        engine.uncompiled.clear()


def auto_processes(words: int) -> int:
    """Processes worth using to suggest on ``words`` uncached words.

    Two when the machine has a second core idle and the corpus is large enough to
    repay starting a worker (it loads spaCy); one otherwise, for instance on a shared
    server whose cores are already busy, where a pool is slower than working
    in-process.
    """
    if words < PARALLEL_MIN_WORDS:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    if cores < 2:
        return 1
    return 2 if idle_cores(cores) >= 1.0 else 1


def idle_cores(cores: int, sample: float = 0.1) -> float:
    """How many cores were idle over a short sample (Linux ``/proc/stat``).

    Elsewhere the one-minute load average stands in; it counts this process too when
    it has been busy for a while, so it errs towards one process.
    """
    def times() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields[:8])  # idle + iowait, all but guests

    try:
        idle0, total0 = times()
        time.sleep(sample)
        idle1, total1 = times()
    except (OSError, ValueError, IndexError):
        try:
            return cores - os.getloadavg()[0]
        except (AttributeError, OSError):
            return float(cores)
    if total1 <= total0:
        return float(cores)
    return cores * (idle1 - idle0) / (total1 - total0)


@dataclass
class _Plan:
    """What a transcript needs: cached raw matches, patterns still to run, tokenising."""

    raw: dict[str, list[tuple[int, int]]]
    missing: list[str]
    tokenise: bool
    stale: bool
    """The match cache holds entries of patterns that are gone or changed."""
    doc_loaded: bool = False


def _inline(store: Store, engine: Engine, jobs: list[_Job], plans: dict[int, _Plan],
            ) -> Iterator[tuple[_Job, dict[str, list[tuple[int, int]]], bytes | None]]:
    for job in jobs:
        plan = plans[job.transcript_id]
        raw = dict(plan.raw)
        data = None
        if plan.missing:
            # The engine is shared read-only, but a Matcher call is not documented
            # as thread-safe: one run at a time per engine.
            with engine.lock:
                doc = None
                if engine.needs_doc(plan.missing):
                    cached = store.doc_cache_get([job.key]).get(job.key)
                    if cached is not None:
                        doc = engine.from_bytes(cached)
                        plan.doc_loaded = True
                    else:
                        doc = engine.tokenize(job.text)
                        data = engine.to_bytes(doc)
                raw.update(engine.raw_matches(job.text, job.turns, job.sentences, doc,
                                                  plan.missing))
        yield job, raw, data


def _pooled(store: Store, engine: Engine, jobs: list[_Job], plans: dict[int, _Plan],
            processes: int,
            ) -> Iterator[tuple[_Job, dict[str, list[tuple[int, int]]], bytes | None]]:
    import multiprocessing

    todo = [j for j in jobs if plans[j.transcript_id].tokenise]
    # Largest first, so one long transcript does not finish last on its own.
    todo.sort(key=lambda j: -j.words)
    # fork is cheap (workers take this process's engine and imports) but only safe
    # from a single-threaded process on Linux; a threaded caller (the workbench) spawns.
    forked = sys.platform.startswith("linux") and threading.active_count() == 1
    if forked:
        # Forked workers take this engine through _WORKER. Nothing is built first: a
        # worker loads the pipeline itself (this process needs none to run the regexes)
        # while this process analyses the regexes.
        _WORKER["engine"] = engine
        context = multiprocessing.get_context("fork")
        init: Any = None
        args: tuple[Any, ...] = ()
    else:
        context = multiprocessing.get_context("spawn")
        init, args = _worker_init, (engine.codebook,)
    try:
        with ProcessPoolExecutor(max(1, processes - 1), mp_context=context,
                                 initializer=init, initargs=args) as pool, \
                _dropping_queue(pool):
            # Workers: tokenise, run the token and phrase patterns, serialise the doc.
            futures = {j.transcript_id: pool.submit(
                _worker_run, j.text, j.turns, j.sentences,
                [pid for pid in plans[j.transcript_id].missing if pid not in engine.regexes])
                for j in todo}
            # Here, meanwhile: the transcripts whose docs are cached, then the regular
            # expressions of the others (they need the text, not the tokens).
            yield from _inline(store, engine,
                               [j for j in jobs if not plans[j.transcript_id].tokenise], plans)
            regex_raw: dict[int, dict[str, list[tuple[int, int]]]] = {}
            stolen: dict[int, tuple[dict[str, list[tuple[int, int]]], bytes]] = {}
            ready = 0  # todo[:ready] are handed over, in order (stored in the same order)

            def result(job: _Job) -> tuple[_Job, dict[str, list[tuple[int, int]]], bytes]:
                tid = job.transcript_id
                new_raw, data = stolen.pop(tid) if tid in stolen else futures[tid].result()
                return job, {**plans[tid].raw, **regex_raw.pop(tid), **new_raw}, data

            for k, job in enumerate(todo):
                plan = plans[job.transcript_id]
                regex_ids = [pid for pid in plan.missing if pid in engine.regexes]
                regex_raw[job.transcript_id] = (
                    engine.raw_matches(job.text, job.turns, job.sentences, None, regex_ids)
                    if regex_ids else {})
                while ready <= k and futures[todo[ready].transcript_id].done():
                    yield result(todo[ready])
                    ready += 1
            # The regular expressions are done; if the worker still has a queue, this
            # process takes transcripts from its end (work stealing), so neither side
            # waits long for the other.
            while ready < len(todo):
                head = todo[ready]
                if head.transcript_id in stolen or futures[head.transcript_id].done():
                    yield result(head)
                    ready += 1
                    continue
                victim = _steal(engine, todo[ready + 1:], futures, stolen)
                if victim is None:
                    yield result(head)  # waits for the worker
                    ready += 1
                    continue
                plan = plans[victim.transcript_id]
                with engine.lock:
                    doc = engine.tokenize(victim.text)
                    stolen[victim.transcript_id] = (engine.raw_matches(
                        victim.text, victim.turns, victim.sentences, doc,
                        [pid for pid in plan.missing if pid not in engine.regexes]),
                        engine.to_bytes(doc))
    finally:
        if forked:
            _WORKER.pop("engine", None)


@contextlib.contextmanager
def _dropping_queue(pool: ProcessPoolExecutor) -> Iterator[None]:
    """On the way out by an error or by the caller closing the results, cancel the
    transcripts still queued: leaving the pool's ``with`` would otherwise wait for the
    worker to tokenise every one of them, results nobody reads (the workbench went
    blank for the rest of the run when quit during `S`)."""
    try:
        yield
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise


STEAL_MIN_WORDS = 40_000
"""Queued words below which this process does not load a pipeline to take a share."""


def _steal(engine: Engine, later: list[_Job], futures: dict[int, Future[Any]],
           stolen: dict[int, Any]) -> _Job | None:
    """The last queued transcript, withdrawn from the worker, or None.

    A first steal loads spaCy here (most of a second), worth it only when the queue
    holds more words than that costs.
    """
    queued = [j for j in later if j.transcript_id not in stolen
              and not futures[j.transcript_id].running()
              and not futures[j.transcript_id].done()]
    if not engine.built and sum(j.words for j in queued) < STEAL_MIN_WORDS:
        return None
    for job in reversed(queued):
        if futures[job.transcript_id].cancel():
            return job
    return None


_WORKER: dict[str, Engine] = {}


def _worker_init(codebook: Codebook) -> None:
    _WORKER["engine"] = Engine(codebook)


def _worker_run(text: str, turns: list[Turn], sentences: list[Sentence], pattern_ids: list[str],
                ) -> tuple[dict[str, list[tuple[int, int]]], bytes]:
    engine = _WORKER["engine"]
    doc = engine.tokenize(text)
    return (engine.raw_matches(text, turns, sentences, doc, pattern_ids),
            engine.to_bytes(doc))


def suggest_sentences(codebook: Codebook, sentences: list[str], *,
                      role: str = "participant") -> list[set[str]]:
    """The themes the engine suggests on each of some free-standing sentences.

    Each sentence is treated as one turn of one sentence spoken by ``role``
    (used by :mod:`qualcoder_ahp.suggest.evaluate` on gold sentence sets). Turn-unit
    patterns fire too, since the turn is the sentence.
    """
    return [set(found) for found in suggest_sentence_patterns(codebook, sentences, role=role)]


def suggest_sentence_patterns(codebook: Codebook, sentences: list[str], *,
                              role: str = "participant") -> list[dict[str, tuple[str, ...]]]:
    """Like :func:`suggest_sentences`, with the ids of the patterns behind each theme."""
    return [made for made, _ in suggest_sentence_record(codebook, sentences, role=role)]


def suggest_sentence_record(codebook: Codebook, sentences: list[str], *,
                            role: str = "participant",
                            ) -> list[tuple[dict[str, tuple[str, ...]],
                                            dict[str, tuple[str, ...]]]]:
    """Like :func:`suggest_sentence_patterns`, each sentence with the themes exclusion
    patterns rule out on it too (a pattern of the theme finds it), each with the ids of
    the exclusions that do: ``(made, ruled_out)``."""
    engine = engine_for(codebook)
    out: list[tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]] = []
    with engine.lock:
        for text in sentences:
            doc = engine.tokenize(text)  # the lemmas `qcahp suggest` reads, not the component's
            turns, units = [Turn("speaker", role, 0, len(text))], [Sentence(0, len(text), 0)]
            raw = engine.raw_matches(text, turns, units, doc)
            themes: dict[str, set[str]] = {}
            for f in engine.find_raw(raw, turns, units):
                themes.setdefault(f.theme_id, set()).update(f.pattern_ids)
            excluded: dict[str, set[str]] = {}
            for pid, keys in ruled_out(engine.patterns, raw, turns, units).items():
                for theme, _, _ in keys:
                    excluded.setdefault(theme, set()).add(pid)
            out.append(({theme: tuple(sorted(ids)) for theme, ids in themes.items()},
                        {theme: tuple(sorted(ids)) for theme, ids in excluded.items()}))
    return out

