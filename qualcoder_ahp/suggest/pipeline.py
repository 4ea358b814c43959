"""The spaCy pipeline that tokenises for the suggestion engine, and the doc cache's format.

A pipeline is an installed trained pipeline named by the codebook, or
``spacy.blank("en")`` plus the lookup lemmatizer's table from ``spacy-lookups-data``
(so LEMMA patterns work and nothing is downloaded). It is built once per name and
shared by every codebook version in a process (loading the lemma table takes a
while); tokenising adds words to the shared vocab, so every use of it holds the
pipeline's lock (spaCy issue #11904: never mutate a shared ``nlp`` from threads).

Tokenised docs are cached in the project as token attribute arrays and their strings
(:meth:`Pipeline.to_bytes`), which restores exactly and costs a fraction of a
``DocBin``.

A run of spaces or a tab inside the text is tokenised as one space (:func:`squeeze`):
spaCy makes the second space of ``fell  into`` a token of its own, and no pattern
for "fell into" matched across it. A doc's token offsets are then offsets into the
squeezed text; :func:`squeeze` gives the map back to the stored text's offsets.
"""

from __future__ import annotations

import hashlib
import re
import threading
import zlib
from typing import Any

DOC_ATTRS = ["ORTH", "NORM", "LEMMA", "SPACY"]

_SPACE_RUN = re.compile(r"[ \t]{2,}|\t")


def squeeze(text: str) -> tuple[str, Any]:
    """``text`` with each run of spaces and tabs as one space, and where each of its
    offsets is in ``text``: a numpy array of ``len(squeezed) + 1`` offsets (the last is
    ``len(text)``), or ``None`` when ``text`` has no such run (nearly every text: then
    the doc's offsets are the text's)."""
    if "  " not in text and "\t" not in text:
        return text, None
    import numpy

    keep = numpy.ones(len(text), dtype=bool)
    for match in _SPACE_RUN.finditer(text):
        keep[match.start() + 1:match.end()] = False
    where = numpy.append(numpy.flatnonzero(keep), len(text)).astype(numpy.int64)
    return _SPACE_RUN.sub(" ", text), where


def unsqueezed(where: Any, start: int, end: int) -> tuple[int, int]:
    """The stored text's span of the squeezed text's ``[start, end)``."""
    if end <= start:
        return int(where[start]), int(where[start])
    return int(where[start]), int(where[end - 1]) + 1


def _version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def pipeline_signature(name: str | None) -> tuple[bool, str]:
    """Whether ``name`` is an installed trained pipeline, and the signature of the
    pipeline that will tokenise (it keys the doc and match caches).

    Computed from package versions, without importing spaCy, so a re-run whose
    matches are all cached never loads spaCy at all.
    """
    trained = bool(name) and _version(str(name)) is not None
    if trained:
        pipeline_id = f"{name}-{_version(str(name))}"
    else:
        # "lower-fallback": a capitalised word the table lacks takes its lower-case lemma
        pipeline_id = (f"blank-en+lookup-lemmatizer-lower-fallback-"
                       f"{_version('spacy-lookups-data')}")
    # "squeezed": runs of spaces tokenised as one space (docs cached before differ).
    raw = f"{pipeline_id}|spacy-{_version('spacy')}|squeezed"
    return trained, hashlib.sha256(raw.encode()).hexdigest()[:16]


_LOCK = threading.RLock()
_PIPELINE_LOCKS: dict[str | None, threading.RLock] = {}


def pipeline_lock(name: str | None) -> threading.RLock:
    """The lock of the pipeline of this name (it exists before the pipeline is built)."""
    with _LOCK:
        return _PIPELINE_LOCKS.setdefault(name, threading.RLock())


class Pipeline:
    """A spaCy pipeline with what tokenising needs, shared by engines in one process.

    Built once per pipeline name (loading the lemma table takes a while) and reused
    by every codebook version. Tokenising adds words to the shared vocab, so it and
    all matching run under :attr:`lock`.
    """

    def __init__(self, name: str | None) -> None:
        """Load an installed trained pipeline by name, or build blank("en") + lemmatizer."""
        import spacy

        self.trained, self.signature = pipeline_signature(name)
        if self.trained:
            self.nlp = spacy.load(str(name))
        else:
            self.nlp = spacy.blank("en")
            self.nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            self.nlp.initialize()  # tables from spacy-lookups-data; nothing downloaded
        self.nlp.max_length = 10**9  # texts are whole transcripts, already in memory
        # The lookup lemmatizer sets lemma = table.get(text, text) token by token in
        # Python; doing the same lookup once per distinct word is 25x cheaper, so
        # tokenize uses the component's table (same lemmas, tested). One difference, on
        # purpose: the table holds lower-case forms only, so the component leaves
        # "Planned" or "Ended" at the start of a sentence unlemmatised and a
        # `{LEMMA: plan}` pattern misses them; a word the table lacks is looked up
        # again in lower case (a trained pipeline's lemmatizer does the same).
        self.lemma_table = (None if self.trained else
                            self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup"))
        self.lemmas: dict[int, int] = {}
        self.lock = pipeline_lock(name)

    def tokenize(self, text: str) -> Any:
        """Tokenise (and lemmatise) a text; the doc is what the matchers read. Its
        offsets are the squeezed text's (:func:`squeeze` maps them back).

        The caller holds :attr:`lock`.
        """
        text = squeeze(text)[0]
        if self.lemma_table is None:
            return self.nlp(text)
        import numpy
        from spacy.attrs import LEMMA, ORTH

        doc = self.nlp.make_doc(text)
        if not len(doc):
            return doc
        strings, table, cache = self.nlp.vocab.strings, self.lemma_table, self.lemmas
        orths, inverse = numpy.unique(doc.to_array([ORTH]), return_inverse=True)
        lemmas = numpy.empty(len(orths), dtype=numpy.uint64)
        for i, orth in enumerate(orths.tolist()):
            lemma = cache.get(orth)
            if lemma is None:
                word = strings[orth]
                found = table.get(word)
                if found is None:
                    lower = word.lower()
                    found = table.get(lower, word) if lower != word else word
                cache[orth] = lemma = strings.add(found if isinstance(found, str) else found[0])
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas[inverse.reshape(-1)].reshape(-1, 1))
        return doc

    def to_bytes(self, doc: Any) -> bytes:
        """Serialise a doc for the cache: token attribute arrays and their strings.

        ``DocBin.add`` walks every token in Python to collect strings; taking the
        distinct hashes from the array first is several times faster, and the
        result restores exactly (ORTH, SPACY, LEMMA, NORM).
        """
        if self.trained:
            from spacy.tokens import DocBin

            bin_ = DocBin()
            bin_.add(doc)
            return b"D" + bytes(bin_.to_bytes())
        import numpy
        import srsly

        tokens = doc.to_array(DOC_ATTRS)
        string_columns = [DOC_ATTRS.index(a) for a in ("ORTH", "NORM", "LEMMA")]
        hashes = numpy.unique(tokens[:, string_columns]).tolist() if len(doc) else []
        strings = self.nlp.vocab.strings
        payload = {"attrs": DOC_ATTRS, "n": len(doc), "tokens": tokens.tobytes(),
                   "strings": [strings[h] for h in hashes]}
        return b"A" + zlib.compress(srsly.msgpack_dumps(payload), 1)

    def from_bytes(self, data: bytes) -> Any:
        """Restore a cached doc."""
        from spacy.tokens import Doc, DocBin

        if data[:1] == b"D":
            return next(iter(DocBin().from_bytes(data[1:]).get_docs(self.nlp.vocab)))
        import numpy
        import srsly

        payload = srsly.msgpack_loads(zlib.decompress(data[1:]))
        vocab = self.nlp.vocab
        for string in payload["strings"]:
            vocab.strings.add(string)
        tokens = numpy.frombuffer(payload["tokens"], dtype=numpy.uint64).reshape(
            payload["n"], len(payload["attrs"]))
        if not payload["n"]:
            return Doc(vocab, words=[])
        attrs = payload["attrs"]
        doc = Doc(vocab, words=[vocab.strings[h] for h in tokens[:, attrs.index("ORTH")].tolist()],
                  spaces=tokens[:, attrs.index("SPACY")].astype(bool).tolist())
        return doc.from_array(payload["attrs"], tokens)


_PIPELINES: dict[str | None, Pipeline] = {}


def pipeline_for(name: str | None) -> Pipeline:
    """The shared pipeline of this name (None: the default blank pipeline)."""
    with _LOCK:
        if name not in _PIPELINES:
            _PIPELINES[name] = Pipeline(name)
        return _PIPELINES[name]

