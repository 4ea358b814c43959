"""Word comments as codings: read a ``.docx``'s comments and find the passages in a transcript.

Researchers, supervisors and PPI co-researchers code in Word: they select a passage and
add a comment naming the theme. This module reads such a document without a database:

- :func:`read_word` gives the body's text (paragraphs joined by ``\\n``, line breaks and
  tabs kept, deleted text and field codes left out) and each comment with the span of
  body text it is anchored to (``w:commentRangeStart`` .. ``w:commentRangeEnd``, across
  runs and paragraphs), its author, its text, whether it is a reply to another and
  whether it is marked resolved (``word/commentsExtended.xml``).
- :func:`fold` / :func:`fold_map` normalise text for matching: whitespace and line
  breaks, curly quotes, dashes, ellipses, case; :func:`fold_map` also maps each folded
  character back to the code point it came from, so a match maps back to half-open
  code-point offsets of the stored text (DESIGN.md "Offsets").
- :class:`Passages` strips speaker labels (``Sam Okafor:``, ``[00:01:02] Ana
  (participant):`` as ``qcahp show -o .docx`` writes them) from the document's
  paragraphs, since stored turns do not hold them, and :meth:`Passages.locate` finds a
  comment's passage in a transcript, using the text around it to choose between repeats.

The XML is parsed with lxml without entity expansion, DTDs or network access, after the
package has been checked as the transcript importer checks a ``.docx`` (zip bombs, damage).
"""

from __future__ import annotations

import io
import re
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers.blocks import TIME
from qualcoder_ahp.importers.marks import timed_marks, untimed
from qualcoder_ahp.importers.normalise import MAX_BYTES, normalise, read_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
EXTENDED_REL = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
CONTEXT = 300
"""Folded characters of text on each side of a passage compared to tell repeats apart."""
MAX_PLACES = 10_000
"""Places a passage is looked for at most (a one-word passage can be everywhere)."""

_FOLD = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u0060", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    "\u2026": "...",
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", None),
})
"""Quotes, dashes and the ellipsis as Word's AutoFormat writes them, and invisible
characters (soft hyphen, zero-width space and joiners, BOM), to their plain forms."""
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"-{2,}")


def fold(text: str) -> str:
    """``text`` as passages are compared: quotes, dashes and ellipses plain, invisible
    characters gone, case folded, every run of whitespace (line breaks too) one space,
    and ``--`` one dash (as Word turns ``--`` into a dash), and the times in a
    transcriber's notes left out (``[inaudible 00:00:05]`` is stored as ``[inaudible]``,
    :mod:`qualcoder_ahp.importers.marks`; a transcript stored before then kept them). Same
    as :func:`fold_map`'s text, at C speed (used on every transcript to find the one a
    document is)."""
    text = untimed(text)[0]
    return _DASHES.sub("-", _SPACES.sub(" ", text.translate(_FOLD).casefold()))


def fold_map(text: str) -> tuple[str, list[int], list[int]]:
    """:func:`fold`'s text and, for each of its characters, where in ``text`` the
    characters it stands for start and end (a run of whitespace or dashes folded to one
    stands for the whole run; each character of ``...`` for the ellipsis)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = ""
    skip = iter(timed_marks(text))
    cut = next(skip, None)
    for i, ch in enumerate(text):
        while cut is not None and i >= cut[1]:
            cut = next(skip, None)
        if cut is not None and cut[0] <= i:
            continue  # the time in "[inaudible 00:00:05]"
        for c in ch.translate(_FOLD).casefold():
            if c.isspace():
                c = " "
            if c in " -" and last == c:
                ends[-1] = i + 1
                continue
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
            last = c
    return "".join(out), starts, ends


# ---------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Paragraph:
    """One body paragraph: where it starts in :attr:`WordDocument.text`, and its text."""

    start: int
    text: str
    bold: str
    """The text of its leading bold runs (a speaker label, as the transcript importer
    reads one)."""


@dataclass(frozen=True)
class Comment:
    """One Word comment."""

    number: int
    """1, 2, ... in the order the comments are anchored in the document (as a reader
    counts them down the margin); unanchored ones after them."""
    author: str
    text: str
    """Its paragraphs, joined by ``\\n``."""
    span: tuple[int, int] | None
    """The body text it is anchored to, ``[start, end)`` in :attr:`WordDocument.text`;
    ``None`` for a comment with no range."""
    reply: bool = False
    """A reply to another comment (Word's threads), not a comment of its own."""
    id: int = -1
    """Its ``w:id`` (``qcahp show -o .docx`` numbers a coding's comments in a row)."""
    resolved: bool = False
    """Marked resolved ("done") in Word (``w15:done="1"``), or in a thread that is."""


@dataclass
class WordDocument:
    """A ``.docx``'s body text and comments."""

    path: Path
    text: str
    paragraphs: list[Paragraph]
    comments: list[Comment] = field(default_factory=list)
    title: str = ""
    """The first paragraph's text (``qcahp show -o .docx`` writes ``name vN`` there)."""


def read_word(path: str | Path, max_bytes: int = MAX_BYTES) -> WordDocument:
    """Read a ``.docx``'s body text and its comments.

    Raises:
        ImportFailed: one line naming the file: not a Word file, damaged, too large.
    """
    from qualcoder_ahp.importers.formats import _check_parts, _check_zip, transitional

    file = Path(path)
    data = read_bytes(file, max_bytes=max_bytes)
    _check_zip(data, file, "Word .docx", "word/document.xml")
    _check_parts(data, file, "Word .docx", ("word/document.xml",))
    data = transitional(data)  # Word's "Strict Open XML Document": other namespace names
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        rels = _targets(zf, names)
        body = _parse(zf.read("word/document.xml")).find(f"{{{W}}}body")
        comments_xml = _part(zf, names, rels.get(COMMENTS_REL))
        extended_xml = _part(zf, names, rels.get(EXTENDED_REL))
    if body is None:
        raise ImportFailed("not a valid Word .docx file (word/document.xml has no body)",
                           path=str(file))
    text, paragraphs, starts, ends = _walk(body)
    doc = WordDocument(file, text, paragraphs,
                       title=paragraphs[0].text.strip() if paragraphs else "")
    if comments_xml is None:
        return doc
    parents, done = _threads(extended_xml)
    found: list[Comment] = []
    for elm in _parse(comments_xml).iter(f"{{{W}}}comment"):
        cid = elm.get(f"{{{W}}}id", "")
        start, end = starts.get(cid), ends.get(cid)
        paras = elm.findall(f".//{{{W}}}p")
        para_id = (paras[-1].get(f"{{{W14}}}paraId") or "").upper() if paras else ""
        found.append(Comment(
            0, elm.get(f"{{{W}}}author", ""),
            normalise("\n".join(_inline_text(p) for p in paras)),
            (start, end) if start is not None and end is not None and end >= start else None,
            para_id in parents, int(cid) if cid.isdecimal() else -1,
            bool(para_id) and (para_id in done or parents.get(para_id) in done)))
    # Numbered down the document, as a reader counts them in the margin.
    found.sort(key=lambda c: (c.span is None, c.span or (0, 0)))
    doc.comments = [replace(c, number=n) for n, c in enumerate(found, start=1)]
    return doc


def _parse(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True)
    return etree.fromstring(data, parser=parser)


def _targets(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """The document part's relationships: type -> the part it names (``word/...``)."""
    rels = "word/_rels/document.xml.rels"
    if rels not in names:
        return {}
    out: dict[str, str] = {}
    for rel in _parse(zf.read(rels)).iter(f"{{{REL}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else f"word/{target}"
        out.setdefault(rel.get("Type", ""), part)
    return out


def _part(zf: zipfile.ZipFile, names: set[str], part: str | None) -> bytes | None:
    return zf.read(part) if part and part in names else None


def _threads(extended: bytes | None) -> tuple[dict[str, str], set[str]]:
    """From ``commentsExtended.xml``, by the ``paraId`` of a comment's last paragraph
    (upper case): the comment each reply answers, and the comments marked resolved
    (``w15:done="1"``; Word marks a thread's first comment)."""
    if extended is None:
        return {}, set()
    parents: dict[str, str] = {}
    done: set[str] = set()
    for e in _parse(extended).iter(f"{{{W15}}}commentEx"):
        para_id = e.get(f"{{{W15}}}paraId", "").upper()
        parent = e.get(f"{{{W15}}}paraIdParent", "").upper()
        if parent:
            parents[para_id] = parent
        if e.get(f"{{{W15}}}done", "0").lower() in ("1", "true", "on"):
            done.add(para_id)
    return parents, done


_SKIP = {f"{{{W}}}{t}" for t in ("delText", "instrText", "commentReference", "footnoteReference",
                                  "endnoteReference", "del", "txbxContent")} | {f"{{{MC}}}Fallback"}
"""Elements whose text is not the body's: deleted text, field codes, text boxes (a
paragraph within a paragraph) and the fallback copy of drawn content."""


def _walk(body: Any) -> tuple[str, list[Paragraph], dict[str, int], dict[str, int]]:
    """The body's text, its paragraphs, and where each comment's range starts and ends."""
    from lxml import etree

    parts: list[str] = []
    size = 0
    paragraphs: list[Paragraph] = []
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    para_start = 0
    runs: list[tuple[str, bool]] = []  # the paragraph's text, run by run
    bold = False
    skipping = 0
    for event, elm in etree.iterwalk(body, events=("start", "end")):
        tag = elm.tag
        if tag in _SKIP:
            skipping += 1 if event == "start" else -1
            continue
        if skipping:
            continue
        if event == "end":
            if tag == _P:
                text = "".join(piece for piece, _ in runs)
                lead = ""
                for piece, is_bold in runs:
                    if not is_bold and piece.strip():
                        break
                    lead += piece
                paragraphs.append(Paragraph(para_start, text, lead))
                parts.append("\n")
                size += 1
            continue
        chunk = ""
        if tag == _P:
            para_start = size
            runs = []
        elif tag == _R:
            bold = _is_bold(elm)
        elif tag == _T:
            chunk = elm.text or ""
        else:
            chunk = _INLINE.get(tag, "")
            if tag == _RANGE_START:
                starts.setdefault(elm.get(f"{{{W}}}id", ""), size)
            elif tag == _RANGE_END:
                ends.setdefault(elm.get(f"{{{W}}}id", ""), size)
        if chunk:
            parts.append(chunk)
            size += len(chunk)
            runs.append((chunk, bold))
    return "".join(parts), paragraphs, starts, ends


_P, _R, _T = f"{{{W}}}p", f"{{{W}}}r", f"{{{W}}}t"
_RANGE_START, _RANGE_END = f"{{{W}}}commentRangeStart", f"{{{W}}}commentRangeEnd"
_INLINE = {f"{{{W}}}tab": "\t", f"{{{W}}}ptab": "\t", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n",
           f"{{{W}}}noBreakHyphen": "-"}
"""Run content that stands for a character of text."""


def _is_bold(run: Any) -> bool:
    b = run.find(f"{{{W}}}rPr/{{{W}}}b")
    return b is not None and b.get(f"{{{W}}}val", "true") not in ("0", "false", "off")


def _inline_text(p: Any) -> str:
    """A comment paragraph's text (tabs and line breaks kept)."""
    out = []
    for elm in p.iter(f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"):
        name = elm.tag.rsplit("}", 1)[-1]
        out.append(elm.text or "" if name == "t" else "\t" if name == "tab" else "\n")
    return "".join(out)


# ---------------------------------------------------------------------------- matching
def label_pattern(speakers: Iterable[str]) -> re.Pattern[str]:
    """A speaker label at the start of a paragraph: a time, a speaker's name, a
    ``(role)``, a time, then ``:`` (``[00:01:02] Sam Okafor (participant):``)."""
    names = sorted({s.strip() for s in speakers if s and s.strip()}, key=len, reverse=True)
    who = "|".join(re.escape(n) for n in names) or r"(?!)"
    stamp = rf"[\[(]?{TIME}[\])]?"
    return re.compile(rf"\s*(?:{stamp}\s*)?(?:{who})(?:\s*\((?:interviewer|participant|other)"
                      rf"\))?\s*(?:{stamp})?\s*:[ \t\u00a0]*", re.IGNORECASE)


def _label_length(para: Paragraph, labels: re.Pattern[str]) -> int:
    """How many characters at the start of ``para`` are a speaker label."""
    m = labels.match(para.text)
    if m:
        return m.end()
    bold = para.bold.strip()
    if bold and para.text.startswith(para.bold) and len(bold.split()) <= 6:
        rest = para.text[len(para.bold):]
        if bold.endswith(":"):
            return len(para.bold) + len(rest) - len(rest.lstrip(" \t"))
        if rest.lstrip(" \t").startswith(":"):
            tail = rest.lstrip(" \t")[1:]
            return len(para.text) - len(tail.lstrip(" \t"))
    return 0


@dataclass(frozen=True)
class Place:
    """Where a passage is in the stored text, ``[start, end)`` code points."""

    start: int
    end: int


@dataclass(frozen=True)
class Found:
    """A passage's place, or why it has none."""

    place: Place | None
    places: int
    """How many places the passage is in (0: not found)."""
    where: tuple[int, ...] = ()
    """Where the places that the text around it could not tell apart start."""
    agrees: str = ""
    """For a passage not found: its longest start (in whole words, folded) that is in
    the text, where the two part (an edit in Word, say)."""


class Passages:
    """A document's text without speaker labels, folded, to look passages up in."""

    def __init__(self, doc: WordDocument, speakers: Iterable[str]) -> None:
        labels = label_pattern(speakers)
        self._starts = [p.start for p in doc.paragraphs]
        self._cut: list[int] = []
        self._clean_start: list[int] = []
        kept: list[str] = []
        size = 0
        for para in doc.paragraphs:
            cut = _label_length(para, labels)
            self._cut.append(cut)
            self._clean_start.append(size)
            kept.append(para.text[cut:])
            size += len(para.text) - cut + 1
        self.folded, self._where, _ = fold_map("\n".join(kept))

    def _clean(self, offset: int) -> int:
        """A document offset in the text without labels (one inside a label: its end)."""
        k = bisect_right(self._starts, offset) - 1
        if k < 0:
            return 0
        inside = offset - self._starts[k]
        return self._clean_start[k] + max(inside - self._cut[k], 0)

    def span(self, span: tuple[int, int]) -> tuple[int, int]:
        """A document span as ``[start, end)`` in :attr:`folded`, without the spaces at
        either end (empty when only labels or spaces are commented)."""
        a = bisect_left(self._where, self._clean(span[0]))
        b = bisect_left(self._where, self._clean(span[1]))
        while a < b and self.folded[a] == " ":
            a += 1
        while b > a and self.folded[b - 1] == " ":
            b -= 1
        return a, b

    def passage(self, span: tuple[int, int]) -> str:
        """The commented text, folded."""
        a, b = self.span(span)
        return self.folded[a:b]

    def locate(self, span: tuple[int, int], stored: str, where: list[int],
               ends: list[int]) -> Found:
        """Where the passage at ``span`` is in a transcript's text.

        Args:
            span: the comment's span in the document.
            stored: the transcript's text folded, ``where`` and ``ends`` where each
                of its characters starts and ends in the text (:func:`fold_map`).

        A passage in several places goes where the text around it in the document
        (:data:`CONTEXT` characters each side) is most like the text around that place;
        places that are equally like it are left undecided (``place`` is ``None``).
        """
        a, b = self.span(span)
        needle = self.folded[a:b]
        if not needle:
            return Found(None, 0)
        hits: list[int] = []
        at = stored.find(needle)
        while at >= 0 and len(hits) < MAX_PLACES:
            hits.append(at)
            at = stored.find(needle, at + 1)
        if not hits:
            return Found(None, 0, agrees=_longest_start(needle, stored))
        before = self.folded[max(a - CONTEXT, 0):a]
        after = self.folded[b:b + CONTEXT]
        scored = sorted(((_common_tail(before, stored[max(h - CONTEXT, 0):h])
                          + _common_head(after, stored[h + len(needle):h + len(needle) + CONTEXT]),
                          h) for h in hits), reverse=True)
        best = scored[0][0]
        tied = sorted(h for s, h in scored if s == best)
        if len(tied) > 1:
            return Found(None, len(hits), tuple(where[h] for h in tied))
        h = tied[0]
        return Found(Place(where[h], ends[h + len(needle) - 1]), len(hits))


def _longest_start(needle: str, stored: str) -> str:
    """The longest run of ``needle``'s first words that ``stored`` holds ("" for none)."""
    cuts = [m.start() for m in re.finditer(" ", needle)]
    low, high = 0, len(cuts)  # cuts[:low] are known to be found
    while low < high:
        mid = (low + high + 1) // 2
        if needle[:cuts[mid - 1]] in stored:
            low = mid
        else:
            high = mid - 1
    return needle[:cuts[low - 1]] if low else ""


def _common_tail(x: str, y: str) -> int:
    n = 0
    for p, q in zip(reversed(x), reversed(y), strict=False):
        if p != q:
            break
        n += 1
    return n


def _common_head(x: str, y: str) -> int:
    n = 0
    for p, q in zip(x, y, strict=False):
        if p != q:
            break
        n += 1
    return n


__all__ = ["Comment", "Found", "Passages", "Place", "WordDocument", "fold", "fold_map",
           "label_pattern", "read_word"]
