"""The suggestion engine: codebook patterns matched over stored transcript segments.

Sentences and turns are split once at import and stored, so the engine splits
nothing: it tokenises a transcript's whole text once (``spacy.blank("en")`` plus the
lookup lemmatizer's table from ``spacy-lookups-data``, so LEMMA patterns work and
nothing is downloaded) and runs each pattern over the segments it may fire in
(:mod:`~qualcoder_ahp.suggest.matching`): a pattern's *scope* (participant turns by
default) picks the turns, its *unit* whether the suggestion covers the sentence or the
whole turn. Token patterns run in a spaCy ``Matcher``, phrases in a ``PhraseMatcher``
on LOWER, regular expressions over the segment text, and dependency patterns only
with an installed trained pipeline. An exclusion pattern of a theme that matches
inside a segment suppresses that theme's suggestion on that segment.

Matchers are used directly rather than through a ``span_ruler`` component: one
Matcher per token pattern lets each run only on the segments its anchors allow
(:mod:`~qualcoder_ahp.suggest.prefilter`), and a cached doc would otherwise have to
go through the pipeline again.

:meth:`Engine.raw_matches` gives each pattern's matches, which the runner caches per
pattern (with the tokenised doc); :meth:`Engine.find_raw` turns raw matches into
suggestions (:mod:`~qualcoder_ahp.suggest.found`). An engine is built once per codebook
version and then only read; the spaCy pipeline
(:mod:`~qualcoder_ahp.suggest.pipeline`) is shared by all versions in a process, and
every use of it holds the pipeline's lock.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.records import Codebook, Pattern, Sentence, Turn
from qualcoder_ahp.suggest.found import SCOPE_ROLES, Found, suggestions_from_matches
from qualcoder_ahp.suggest.matching import (
    ARRAY_COLUMNS,
    Segments,
    char_span,
    match_regex,
    match_tokens,
)
from qualcoder_ahp.suggest.pipeline import (
    _LOCK as _ENGINES_LOCK,  # one lock guards the pipelines and the engines
)
from qualcoder_ahp.suggest.pipeline import (
    _PIPELINES,
    DOC_ATTRS,
    Pipeline,
    pipeline_for,
    pipeline_lock,
    pipeline_signature,
    squeeze,
    unsqueezed,
)
from qualcoder_ahp.suggest.prefilter import (
    AnchorIndex,
    Anchors,
    Twin,
    analyse_regex,
    analysis_from_bytes,
    analysis_key,
    analysis_to_bytes,
    token_anchor_specs,
)

# Re-exported: callers and tests reach the pipeline and the result type through here.
__all__ = ["DOC_ATTRS", "SCOPE_ROLES", "_PIPELINES", "Engine", "Found", "Pipeline",
           "codebook_key", "engine_for", "pipeline_for", "pipeline_signature",
           "run_suggestions"]


class Engine:
    """Matchers for one codebook version, with the pipeline that tokenises for them.

    Creating an engine is cheap; the pipeline and matchers are built on first use
    (:meth:`build`), so a re-run that finds every match in the cache loads nothing.
    """

    def __init__(self, codebook: Codebook) -> None:
        """Prepare an engine for a (validated) codebook."""
        self.codebook = codebook
        self.trained, self.signature = pipeline_signature(codebook.pipeline)
        self.lock = pipeline_lock(codebook.pipeline)
        self.patterns: dict[str, Pattern] = {p.id: p for p in codebook.patterns}
        self.skipped = [p.id for p in codebook.patterns
                        if p.kind == "dependency" and not self.trained]
        self.match_keys = {p.id: self._match_key(p) for p in codebook.patterns}
        self._built = False
        # Regular expressions need no spaCy: they are analysed when first matched
        # (anchors, lower-cased twin; see prefilter), so a re-run after editing one
        # regex analyses that one and loads no pipeline.
        self.regexes = {p.id: str(p.body) for p in codebook.patterns if p.kind == "regex"}
        self.regex_anchors: dict[str, Anchors] = {}
        self.lowered_regexes: dict[str, Twin | None] = {}
        self._anchor_indexes: dict[frozenset[str], dict[str, AnchorIndex]] = {}
        self.analysed: set[str] = set()
        """Regex patterns analysed here (the others' analyses came from the project)."""
        self.uncompiled: set[str] = set()
        """Analyses read from the project without a compiled twin (a run stored them
        before the codebook was prepared): :func:`analyse_codebook` completes them."""

    def _analyse(self, regex_ids: list[str]) -> dict[str, AnchorIndex]:
        """Analyse these regex patterns (once each) and index their anchors, one index
        per unit the patterns run on (so each unit's scan looks only for its anchors)."""
        for pid in regex_ids:
            self._analyse_one(pid)
        key = frozenset(regex_ids)
        if key not in self._anchor_indexes:
            sets: dict[str, list[tuple[str, ...]]] = {}
            for pid in regex_ids:
                pattern = self.patterns[pid]
                unit = "turn" if pattern.exclude else pattern.unit  # as _segments_for
                sets.setdefault(unit, []).extend(
                    strings for alternative in self.regex_anchors[pid]
                    for strings in alternative)
            self._anchor_indexes[key] = {unit: AnchorIndex(sets=unit_sets)
                                         for unit, unit_sets in sets.items()}
        return self._anchor_indexes[key]

    def _analyse_one(self, pid: str) -> None:
        if pid not in self.regex_anchors or pid not in self.lowered_regexes:
            anchors, lowered = analyse_regex(self.regexes[pid])
            self.regex_anchors.setdefault(pid, anchors)
            self.lowered_regexes.setdefault(pid, lowered)
            self.analysed.add(pid)

    @functools.cached_property
    def analysis_keys(self) -> dict[str, str]:
        """Each regex pattern's key for its stored analysis (see :func:`analysis_key`)."""
        return {pid: analysis_key(body) for pid, body in self.regexes.items()}

    def seed_analyses(self, stored: dict[str, bytes]) -> None:
        """Take the analyses a project stored (by :attr:`analysis_keys` key), so the
        regular expressions they cover are not analysed again; their lower-cased twins
        are made, when first needed, from the stored code (or the pattern)."""
        for pid, key in self.analysis_keys.items():
            data = stored.get(key)
            if data is not None and pid not in self.regex_anchors:
                try:
                    anchors, twin = analysis_from_bytes(data, self.regexes[pid])
                except (ValueError, KeyError, TypeError):  # unreadable: analyse again
                    continue
                self.regex_anchors[pid] = anchors
                self.lowered_regexes[pid] = twin
                if twin is not None and twin.from_pattern:
                    self.uncompiled.add(pid)

    def new_analyses(self, compile_twins: bool = False) -> dict[str, bytes]:
        """The analyses made by this engine (not seeded), by key, for storing.

        With ``compile_twins`` every lower-cased twin is compiled now and its code
        stored (at codebook load); otherwise only the twins a run has compiled are.
        """
        keys = self.analysis_keys
        pids = self.analysed | self.uncompiled if compile_twins else self.analysed
        return {keys[pid]: analysis_to_bytes(self.regex_anchors[pid],
                                             self.lowered_regexes[pid],
                                             compile_twin=compile_twins)
                for pid in sorted(pids) if pid in keys}

    def analyse_all(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Analyse every regular expression not analysed yet (at codebook load)."""
        todo = [pid for pid in self.regexes if pid not in self.regex_anchors]
        for done, pid in enumerate(todo, 1):
            with self.lock:
                self._analyse_one(pid)
            if progress is not None:
                progress(done, len(todo))

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline (built on first use)."""
        self.build()
        return self._nlp

    @property
    def built(self) -> bool:
        """Whether the pipeline and matchers are loaded (see :meth:`build`)."""
        return self._built

    def build(self) -> None:
        """Load the pipeline and build the matchers, once."""
        if self._built:
            return
        with self.lock:
            if not self._built:
                self._build()
                self._built = True

    def _build(self) -> None:
        import numpy
        from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher

        pipeline = pipeline_for(self.codebook.pipeline)
        self._pipeline = pipeline
        self._nlp = pipeline.nlp
        vocab = self._nlp.vocab
        self.phrases = PhraseMatcher(vocab, attr="LOWER", validate=True)
        self.dependency = DependencyMatcher(vocab, validate=True) if self.trained else None
        # One Matcher per token pattern, so that each runs only on the segments its
        # anchors allow (see prefilter).
        self.token_matchers: dict[str, Any] = {}
        self.token_anchors: dict[str, list[tuple[int, Any]]] = {}
        make_doc = self._nlp.make_doc
        for pattern in self.codebook.patterns:
            if pattern.kind == "token":
                matcher = Matcher(vocab, validate=True)
                matcher.add(pattern.id, [pattern.body])
                self.token_matchers[pattern.id] = matcher
                self.token_anchors[pattern.id] = [
                    (ARRAY_COLUMNS.index(column),
                     numpy.array([vocab.strings.add(v) for v in values], dtype=numpy.uint64))
                    for column, values in token_anchor_specs(pattern.body)]
            elif pattern.kind == "phrase":
                # Squeezed as the text is (a phrase typed "fell  into" had a space token
                # of its own and matched nothing).
                self.phrases.add(pattern.id, [make_doc(squeeze(v)[0])
                                              for v in quote_variants(str(pattern.body))])
            elif pattern.kind == "dependency" and self.dependency is not None:
                self.dependency.add(pattern.id, [pattern.body])

    # ------------------------------------------------------------------ docs
    def tokenize(self, text: str) -> Any:
        """Tokenise (and lemmatise) a text; the doc is what the matchers read."""
        self.build()
        return self._pipeline.tokenize(text)

    def to_bytes(self, doc: Any) -> bytes:
        """Serialise a doc for the cache (see :meth:`.pipeline.Pipeline.to_bytes`)."""
        self.build()
        return self._pipeline.to_bytes(doc)

    def from_bytes(self, data: bytes) -> Any:
        """Restore a cached doc."""
        self.build()
        return self._pipeline.from_bytes(data)

    def cache_key(self, text: str) -> str:
        """The doc-cache key: the text's hash and this pipeline's signature."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest() + ":" + self.signature

    def match_cache_key(self, text: str, turns: Sequence[Turn],
                        sentences: Sequence[Sentence]) -> str:
        """The key of a transcript's cached raw matches (per pattern) in the doc cache.

        Raw matches depend on the segments too (a pattern runs on the turns of its
        scope), so a change of a speaker's role gives a new key.
        """
        segments = json.dumps([[t.role, t.start, t.end] for t in turns]
                              + [[s.start, s.end, s.turn_index] for s in sentences])
        digest = hashlib.sha256(segments.encode()).hexdigest()[:16]
        return f"m:{digest}:{self.cache_key(text)}"

    def _match_key(self, pattern: Pattern) -> str:
        # What a pattern's raw matches depend on: its body, and the turns it is run on.
        where = ["all", "turn"] if pattern.exclude else [pattern.scope, pattern.unit]
        parts: list[Any] = [pattern.kind, pattern.body, where, self.signature]
        if pattern.kind == "phrase" and len(quote_variants(str(pattern.body))) > 1:
            parts.append("quotes")  # matched in both quote styles since: not cached before
        if pattern.kind == "phrase" and squeeze(str(pattern.body))[1] is not None:
            parts.append("squeezed")  # a run of spaces in it matched nothing before
        raw = json.dumps(parts, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:20]

    def needs_doc(self, pattern_ids: Sequence[str]) -> bool:
        """Whether matching these patterns needs the tokenised doc (not only the text)."""
        return any(self.patterns[pid].kind != "regex" and pid not in self.skipped
                   for pid in pattern_ids)

    # ------------------------------------------------------------------ matching
    def raw_matches(self, text: str, turns: Sequence[Turn], sentences: Sequence[Sentence],
                    doc: Any = None, pattern_ids: Sequence[str] | None = None,
                    ) -> dict[str, list[tuple[int, int]]]:
        """Every match of each pattern in the segments it may fire in, offsets into ``text``.

        A positive pattern runs on the sentences (or turns, by its unit) of the turns
        in its scope; an exclusion pattern on every turn. Segments are matched one by
        one, so no match straddles a segment boundary. Every pattern, regular
        expressions too, reads the text with each run of spaces or tabs as one space
        (:func:`~qualcoder_ahp.suggest.pipeline.squeeze`, as the doc was tokenised): "fell
        into" finds "fell  into"; the offsets returned are the stored text's.

        Args:
            text: the stored text.
            turns: its stored turns.
            sentences: its stored sentences (a turn without any is its own sentence).
            doc: the tokenised text; needed unless only regex patterns are asked for.
            pattern_ids: only these patterns (default: all).
        """
        squeezed, where = squeeze(text)
        if where is None:  # nearly every text: no run of spaces
            return self._raw_matches(text, turns, sentences, doc, pattern_ids)
        import numpy

        def inside(offsets: list[int]) -> list[int]:
            return numpy.searchsorted(where, offsets).tolist()

        bounds = inside([x for t in turns for x in (t.start, t.end)])
        turns = [replace(t, start=bounds[2 * i], end=bounds[2 * i + 1])
                 for i, t in enumerate(turns)]
        bounds = inside([x for s in sentences for x in (s.start, s.end)])
        sentences = [replace(s, start=bounds[2 * i], end=bounds[2 * i + 1])
                     for i, s in enumerate(sentences)]
        found = self._raw_matches(squeezed, turns, sentences, doc, pattern_ids)
        return {pid: [unsqueezed(where, a, b) for a, b in spans]
                for pid, spans in found.items()}

    def _raw_matches(self, text: str, turns: Sequence[Turn], sentences: Sequence[Sentence],
                     doc: Any, pattern_ids: Sequence[str] | None,
                     ) -> dict[str, list[tuple[int, int]]]:
        """:meth:`raw_matches` on a text without runs of spaces (the doc's own text)."""
        ids = list(self.patterns) if pattern_ids is None else list(pattern_ids)
        out: dict[str, list[tuple[int, int]]] = {pid: [] for pid in ids}
        regex_ids = [pid for pid in ids if pid in self.regexes]
        with self.lock:
            index = self._analyse(regex_ids) if regex_ids else None
        ctx = Segments(text, turns, sentences, index)
        for pid in ids:
            if pid in self.regexes:
                out[pid] = match_regex(self.regexes[pid], self.lowered_regexes[pid],
                                       self.regex_anchors[pid],
                                       self._segments_for(pid, ctx), ctx)
        if not self.needs_doc(ids):
            return out
        self.build()
        if doc is None:
            raise ValueError("token, phrase and dependency patterns need the doc")
        wanted = set(ids)
        strings = self.nlp.vocab.strings
        if any(self.patterns[pid].kind == "phrase" for pid in ids):
            for key, start, end in self.phrases(doc):
                pid = strings[key]
                if pid in wanted:
                    out[pid].append(char_span(doc, start, end))
        token_ids = [pid for pid in ids if pid in self.token_matchers]
        if token_ids:
            ctx.index_tokens(doc)
            for pid in token_ids:
                out[pid] = match_tokens(self.token_matchers[pid], self.token_anchors[pid],
                                        self._segments_for(pid, ctx), ctx, doc)
        if self.dependency is not None and any(self.patterns[p].kind == "dependency"
                                               for p in ids):
            for key, token_ids_ in self.dependency(doc):
                pid = strings[key]
                if pid in wanted:
                    toks = [doc[i] for i in token_ids_]
                    out[pid].append((min(t.idx for t in toks),
                                     max(t.idx + len(t) for t in toks)))
        return out

    def _segments_for(self, pid: str, ctx: Segments) -> tuple[str, list[int]]:
        """The unit and indexes of the segments a pattern may fire in."""
        pattern = self.patterns[pid]
        if pattern.exclude:
            return "turn", ctx.in_roles("turn", SCOPE_ROLES["all"])
        return pattern.unit, ctx.in_roles(pattern.unit, SCOPE_ROLES[pattern.scope])

    def find(self, doc: Any, text: str, turns: Sequence[Turn],
             sentences: Sequence[Sentence]) -> list[Found]:
        """The suggestions for one transcript, in text order.

        Args:
            doc: the transcript text, tokenised by :meth:`tokenize`.
            text: the stored text.
            turns: the stored speaker turns.
            sentences: the stored sentences (a turn without any counts as one sentence).
        """
        return self.find_raw(self.raw_matches(text, turns, sentences, doc), turns, sentences)

    def find_raw(self, raw: dict[str, list[tuple[int, int]]], turns: Sequence[Turn],
                 sentences: Sequence[Sentence]) -> list[Found]:
        """The suggestions that raw matches (from :meth:`raw_matches`) make."""
        return suggestions_from_matches(self.patterns, raw, turns, sentences)

    def suggest_text(self, text: str, turns: Sequence[Turn],
                     sentences: Sequence[Sentence]) -> list[Found]:
        """Tokenise and match one text (no cache): the simplest entry point."""
        return self.find(self.tokenize(text), text, turns, sentences)


STRAIGHT = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def quote_variants(phrase: str) -> list[str]:
    """A phrase as typed, and with its quotes and apostrophes straight and typographic.

    A codebook typed in a word processor says ``couldn’t afford``; a transcript typed
    elsewhere says ``couldn't afford`` (or the other way round). spaCy's tokens differ
    (``n’t`` and ``n't``), so each form is matched: a phrase without quotes is one form.
    """
    straight = phrase.translate(STRAIGHT)
    if straight == phrase and "'" not in phrase and '"' not in phrase:
        return [phrase]
    curly = straight.replace("'", "\u2019")
    pieces = curly.split('"')
    curly = "".join(piece + ("\u201c" if i % 2 == 0 else "\u201d") for i, piece
                    in enumerate(pieces[:-1])) + pieces[-1]
    return list(dict.fromkeys([phrase, straight, curly]))


_ENGINES: dict[str, Engine] = {}


def codebook_key(codebook: Codebook) -> str:
    """A hash of what the engine is built from: pipeline and every pattern."""
    parts = [codebook.pipeline or ""] + [
        repr((p.id, p.theme_id, p.kind, p.body, p.scope, p.unit, p.exclude))
        for p in codebook.patterns
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def engine_for(codebook: Codebook) -> Engine:
    """The engine of this codebook version, built once and then shared read-only."""
    key = codebook_key(codebook)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            if not codebook.patterns:
                raise UserError("the project has no codebook patterns: run "
                                "`qcahp codebook load FILE` first")
            engine = Engine(codebook)
            _ENGINES.clear()  # only the current version: its matchers are not small
            _ENGINES[key] = engine
    return engine


def run_suggestions(store: Any, **kwargs: Any) -> Any:
    """Run the engine over a project; see :func:`qualcoder_ahp.suggest.runner.run_suggestions`."""
    from qualcoder_ahp.suggest.runner import run_suggestions as run

    return run(store, **kwargs)
