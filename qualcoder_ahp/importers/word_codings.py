"""``qcahp codings import FILE.docx``: a coder's codings from the comments of a Word document.

:func:`plan_word_import` reads the document (:mod:`qualcoder_ahp.importers.word_comments`),
finds which transcript it is (the one the commented passages are in, unless named),
finds each passage there, and reads the theme each comment names: its id, name or path
(``Parent / Child``), case and spacing ignored, several separated by ``;``. Text after
the first line, or after a ``:`` or `` - `` on it, is a memo on the coding. A comment
``qcahp show -o .docx`` wrote (``Theme path (coder)``, ``, continued`` on the next turn,
``Memo: ...``) is read as it was written, so a coded transcript goes out to Word and
comes back as the same codings.

Every problem is found before anything is written (:attr:`WordPlan.problems`, one line
each); :func:`import_word_plan` then stores the codings (those the coder already has
skipped) and their memos as ONE decision: one ``undo_group`` event, which one undo
takes back whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcoder_ahp.errors import UserError, closest
from qualcoder_ahp.importers.word_comments import (
    Comment, Passages, WordDocument, fold, fold_map, read_word,
)
from qualcoder_ahp.records import Theme, TranscriptInfo, plural, theme_path

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

PROBES = 25
"""Passages (the longest) looked for in every transcript to find the one a document is."""
_CONTINUED = ", continued"
"""How ``qcahp show -o .docx`` heads the comment on a coding's next turn."""
_SEPARATOR = re.compile(r":| [-\u2013\u2014] ")
"""Where the themes end and a memo starts on a comment's first line."""


@dataclass(frozen=True)
class Planned:
    """One coding a comment makes."""

    comment: Comment
    theme_id: str
    start: int
    end: int
    memo: str | None


@dataclass
class WordPlan:
    """What importing a document would do, and what stops it."""

    doc: WordDocument
    transcript: TranscriptInfo
    text: str
    codings: list[Planned] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    replies: int = 0
    """Replies to comments (Word's threads): left out, they answer a comment."""
    resolved: int = 0
    """Comments marked resolved in Word, left out (unless asked for): a resolved
    comment is one the reviewers are done with (a question answered, a coding
    dropped), as Word greys it out."""
    how: str = "named with --transcript"
    """How the transcript was chosen (``named with --transcript``, ...)."""
    others: dict[str, int] = field(default_factory=dict)
    """Comments ``qcahp show -o .docx`` wrote for another coder than the one importing,
    by coder, left out because the document holds a reviewer's own comments too (a
    supervisor commenting a student's coded transcript: the student's codings are not
    the supervisor's)."""

    @property
    def comments(self) -> int:
        """The comments read: not replies, not resolved ones or another coder's left out."""
        return (len(self.doc.comments) - self.replies - self.resolved
                - sum(self.others.values()))

    def theme_label(self, theme_id: str) -> str:
        """The theme as the listing names it."""
        return self._labels.get(theme_id, theme_id)

    _labels: dict[str, str] = field(default_factory=dict, repr=False)


class ThemeIndex:
    """The codebook's themes by id, name and path, case and spacing ignored."""

    def __init__(self, themes: list[Theme], active: set[str], merged: dict[str, str]) -> None:
        self.themes = {t.id: t for t in themes}
        self.active = active
        self.merged = merged
        self.paths = {t.id: theme_path(self.themes, t.id) for t in themes}
        self._keys: dict[str, set[str]] = {}
        for t in themes:
            for name in (t.id, t.name, self.paths[t.id]):
                self._keys.setdefault(key(name), set()).add(t.id)

    def find(self, ref: str) -> tuple[str | None, str | None]:
        """``(theme id, None)`` for a codable theme of the codebook, else ``(None, why)``."""
        ids = self._keys.get(key(ref), set())
        live = sorted(i for i in ids if i in self.active)
        if len(live) > 1:
            listed = " or ".join(repr(self.paths[i]) for i in live)
            return None, f"{ref.strip()!r} names {len(live)} themes ({listed}): write its path"
        if live:
            theme = self.themes[live[0]]
            if not theme.codable:
                kids = [t.name for t in self.themes.values()
                        if t.parent_id == theme.id and t.id in self.active and t.codable]
                which = f": code with one of its themes ({', '.join(kids[:6])})" if kids else ""
                return None, f"theme {theme.name!r} is a folder, not codable{which}"
            return theme.id, None
        if ids:
            gone = sorted(ids)[0]
            target = self.merged.get(gone)
            if target is not None and target in self.themes:
                return None, (f"theme {self.themes[gone].name!r} was merged into "
                              f"{self.themes[target].name!r}: name that one")
            return None, (f"theme {self.themes[gone].name!r} is retired (`qcahp codebook "
                          f"restore {gone}` brings it back)")
        return None, f"no theme {ref.strip()!r} in the codebook{self._hint(ref)}"

    def _hint(self, ref: str) -> str:
        names: dict[str, str] = {}
        for i in sorted(self.active):
            t = self.themes[i]
            if t.codable:
                names.setdefault(key(t.name), t.name)
                names.setdefault(key(t.id), t.name)
                names.setdefault(key(self.paths[i]), self.paths[i])
        near = closest(key(ref), names, cutoff=0.6)
        if near is None:
            folded = key(ref)
            near = next((k for k in names if folded and (folded in k or k in folded)), None)
        return f"; did you mean {names[near]!r}?" if near is not None else ""


def key(name: str) -> str:
    """A theme reference as it is compared: folded (:func:`fold`), without spaces,
    underscores or dashes (``board mandate`` names the theme ``board_mandate``)."""
    return "".join(fold(name).replace("_", " ").replace("-", " ").split())


def read_comment(comment: Comment, index: ThemeIndex
                 ) -> tuple[list[str], str | None, str | None, bool]:
    """What a comment says: ``(theme refs, memo, coder, continued)``.

    ``coder`` is the coder a comment written by ``qcahp show -o .docx`` names (its
    author, whose name it ends with), else ``None``; ``continued`` marks such a
    comment's second and later parts (a coding over several turns).
    """
    lines = [line.strip() for line in comment.text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        return [], None, None, False
    first, rest = lines[0], lines[1:]
    written = _written(first, comment.author, index)
    if written is not None:
        if rest and rest[0].startswith("Memo:"):
            rest[0] = rest[0][len("Memo:"):].strip()
        return [written[0]], _memo(rest), written[1], written[2]
    heads = [(first, "")] + [(first[:m.start()], first[m.end():])
                             for m in _SEPARATOR.finditer(first)]
    chosen = next((h for h in heads if all(index.find(r)[0] for r in _refs(h[0], index))
                   and _refs(h[0], index)), heads[1] if len(heads) > 1 else heads[0])
    return _refs(chosen[0], index), _memo([chosen[1].strip(), *rest]), None, False


def _written(first: str, author: str, index: ThemeIndex) -> tuple[str, str, bool] | None:
    """``(theme path, coder, continued)`` when a comment's first line is one ``qcahp show
    -o .docx`` wrote: ``Theme path (coder)``, its author that coder (whose name, or the
    theme's, may hold brackets too), else ``None``."""
    more = first.endswith(_CONTINUED)
    line = first[:-len(_CONTINUED)] if more else first
    if not line.endswith(")") or not author.strip():
        return None
    for m in re.finditer(r" \(", line):
        path, coder = line[:m.start()], line[m.end():-1]
        if coder.strip() == author.strip() and index.find(path)[0] is not None:
            return path, coder.strip(), more
    return None


def _refs(head: str, index: ThemeIndex) -> list[str]:
    """The themes ``;`` (or, when each part is a theme, ``,``) separates."""
    out: list[str] = []
    for ref in (r.strip() for r in head.split(";")):
        if not ref:
            continue
        parts = [p.strip() for p in ref.split(",") if p.strip()]
        if (index.find(ref)[0] is None and len(parts) > 1
                and all(index.find(p)[0] for p in parts)):
            out += parts
        else:
            out.append(ref)
    return out


def _memo(lines: list[str]) -> str | None:
    text = "\n".join(lines).strip()
    return text or None


def short(text: str, words: int = 6) -> str:
    """A passage in a few words, for a message: ``“I said yes because it …”``."""
    split = text.split()
    return "\u201c" + " ".join(split[:words]) + (" \u2026" if len(split) > words else "") + "\u201d"


_NOT_CODINGS = {".doc": ": open it in Word and save it as .docx",
                ".odt": ": save it as a Word .docx (LibreOffice: File > Save As)",
                ".xlsx": ": save the sheet as CSV UTF-8", ".ods": ": save the sheet as CSV UTF-8"}
"""What to do with a file of codings in a format the import does not read."""


def is_word(path: str | Path) -> bool:
    """Whether ``codings import`` should read ``path`` as a Word document: its name
    says ``.docx``, or its bytes do (a document saved under another name).

    Raises:
        ImportFailed: the bytes are another binary format (an old ``.doc``, an ``.odt``,
            a workbook, a PDF...), not a CSV file or a Word document.
    """
    from qualcoder_ahp.errors import ImportFailed
    from qualcoder_ahp.importers.normalise import (
        _FORMAT_NAMES, read_bytes, refuse_special, sniff,
    )

    file = Path(path)
    if file.suffix.lower() == ".docx":
        return True
    refuse_special(file)  # (the first to read it: a named pipe waited for ever)
    try:
        with file.open("rb") as f:
            head = f.read(8)
    except OSError:
        return False  # the CSV reader says what is wrong with it
    if not head.startswith((b"PK", b"\xd0\xcf\x11\xe0", b"%PDF", b"{\\rtf")):
        return False
    kind = sniff(read_bytes(file))
    if kind in (None, ".docx"):
        return kind == ".docx"
    what = _FORMAT_NAMES.get(kind or "", f"a {kind} file")
    raise ImportFailed(f"this is {what}, not a CSV file or a Word .docx of codings"
                       f"{_NOT_CODINGS.get(kind or '', '')}", path=str(file))


def plan_word_import(store: Store, path: str | Path,
                     transcript: TranscriptInfo | None = None,
                     coder: str | None = None, include_resolved: bool = False) -> WordPlan:
    """Read ``path`` and work out every coding its comments make, and every problem.

    Args:
        store: the open project.
        path: the ``.docx``.
        transcript: the transcript it is (``None``: the one its passages are in).
        coder: who imports; when the document holds comments of its own (a reviewer's)
            next to those ``qcahp show -o .docx`` wrote for another coder, those are left
            out (:attr:`WordPlan.others`).
        include_resolved: read the comments marked resolved in Word too (left out by
            default, and counted: :attr:`WordPlan.resolved`).

    Raises:
        UserError: a problem with the whole file (not a Word document, no comments, no
            transcript of the project holds its passages, or holds them twice over).
    """
    doc = read_word(path)
    name = str(path)
    threads = [c for c in doc.comments if not c.reply]
    own = [c for c in threads if include_resolved or not c.resolved]
    if not own and threads:
        raise UserError(f"every comment is marked resolved in Word ({len(threads):,}), so "
                        "there is nothing to import; --include-resolved reads them too",
                        path=name)
    if not own:
        raise UserError("the document has no comments, so there is nothing to import (each "
                        "coding is a comment naming its theme on the passage)", path=name)
    if transcript is not None:
        candidates = [transcript]
    else:
        candidates = store.transcripts()
        if not candidates:
            raise UserError("this project has no transcripts; import the transcript first "
                            "(`qcahp import FILE`)", path=name)
    speakers = {t.speaker for info in candidates for t in store.turns(info.id)}
    passages = Passages(doc, speakers)
    info, how = _which(store, doc, passages, own, candidates, transcript is not None)
    text = store.transcript_text(info.id)
    plan = WordPlan(doc, info, text, replies=len(doc.comments) - len(threads),
                    resolved=len(threads) - len(own), how=how)
    index = ThemeIndex(store.themes(include_inactive=True),
                       {t.id for t in store.themes()}, store.merged_into())
    plan._labels = {i: index.paths[i] for i in index.themes}
    said = {c.id: read_comment(c, index) for c in own}
    if coder is not None and any(said[c.id][2] is None for c in own):
        for c in own:
            who = said[c.id][2]
            if who is not None and who != coder:
                plan.others[who] = plan.others.get(who, 0) + 1
        own = [c for c in own if said[c.id][2] in (None, coder)]
    _plan_comments(plan, passages, own, index, name,
                   [t.start for t in store.turns(info.id)])
    return plan


def _which(store: Store, doc: WordDocument, passages: Passages, comments: list[Comment],
           candidates: list[TranscriptInfo], named: bool) -> tuple[TranscriptInfo, str]:
    """The transcript the document is: named, or the one holding most of its passages."""
    if named:
        return candidates[0], "named with --transcript"
    needles = sorted({passages.passage(c.span) for c in comments if c.span}, key=len,
                     reverse=True)
    probes = [n for n in needles if n][:PROBES]
    if not probes:
        which = "its comment is" if len(comments) == 1 else "its comments are"
        raise UserError(f"{which} on no text of the interview (on nothing, or a speaker "
                        "label only): select the passage, then add the comment",
                        path=str(doc.path))
    scores = []
    for info in candidates:
        folded = fold(store.transcript_text(info.id))
        scores.append((sum(1 for n in probes if n in folded), info))
    best = max((s for s, _ in scores), default=0)
    if best == 0:
        which = ("the commented passage is in no transcript" if len(probes) == 1 else
                 f"none of the {len(probes):,} commented passages is in a transcript")
        raise UserError(f"{which} of this project (was the document's text changed, or is "
                        "it another project's?); name the transcript with --transcript NAME "
                        "to see each passage's problem", path=str(doc.path))
    top = [info for s, info in scores if s == best]
    if len(top) > 1:
        titled = [i for i in top if doc.title == f"{i.name} v{i.version}"]
        stem = [i for i in top if i.name == doc.path.stem]
        top = titled or (stem if len(stem) == 1 else top)
    if len(top) > 1:
        listed = " and ".join(f"{i.name}@{i.version}" for i in top[:4])
        raise UserError(f"the commented passages are in {len(top)} transcripts ({listed}); "
                        "say which with --transcript NAME", path=str(doc.path))
    return top[0], f"{best} of {plural(len(probes), 'commented passage')} found in it"


def _plan_comments(plan: WordPlan, passages: Passages, comments: list[Comment],
                   index: ThemeIndex, name: str, turns: list[int]) -> None:
    folded, where, ends = fold_map(plan.text)
    label = f"{plan.transcript.name} v{plan.transcript.version}"
    coders: dict[str, int] = {}
    # A coding over several turns is one comment per turn, their ids in a row: the
    # coding each qcahp comment made, by comment id, to extend with the next part.
    made: dict[int, list[int]] = {}
    for c in comments:
        passage = " ".join(plan.doc.text[c.span[0]:c.span[1]].split()) if c.span else ""
        passage = passage.lstrip(":;,. ") or passage  # begun just after a speaker label
        head = f"{name}: comment {c.number}" + (f" {short(passage)}" if passage else "")
        refs, memo, coder, more = read_comment(c, index)
        if coder is not None:
            coders.setdefault(coder, c.number)
        problems: list[str] = []
        themes: list[str] = []
        if not refs:
            problems.append("the comment names no theme (it is empty): write the theme "
                            "in it, or mark it resolved in Word to leave it out")
        for ref in refs:
            theme_id, why = index.find(ref)
            if why is not None:
                problems.append(why)
            elif theme_id not in themes:
                themes.append(theme_id)
        found = None
        if c.span is None or c.span[0] == c.span[1]:
            problems.append("the comment is not on any text (select the passage, then add "
                            "the comment)")
        elif not passages.passage(c.span):
            problems.append("only a speaker label or spaces are commented: select the "
                            "words it codes, then add the comment")
        else:
            found = passages.locate(c.span, folded, where, ends)
            if found.places == 0 and _in_title(plan.doc, c.span, folded):
                problems.append("the comment is on the document's title, which is not "
                                f"part of {label}: put it on the words it codes")
            elif found.places == 0:
                problems.append(f"passage not found in {label}"
                                + _parted(found.agrees, passage))
            elif found.place is None:
                at = " and ".join(f"{w:,} (turn {max(bisect_right(turns, w), 1)})"
                                  for w in found.where[:3])
                more_at = " ..." if len(found.where) > 3 else ""
                problems.append(f"passage is in {len(found.where)} places in {label}, at "
                                f"{at}{more_at}, and the text around it does not tell "
                                "which: select a longer passage")
        if problems:
            plan.problems += [f"{head}: {p}" for p in problems]
            continue
        assert found is not None and found.place is not None
        start, end = found.place.start, found.place.end
        before = _continues(plan, made, c.id, themes, start) if more else None
        if before:
            for k in before:
                prior = plan.codings[k]
                plan.codings[k] = Planned(prior.comment, prior.theme_id, prior.start,
                                          max(end, prior.end), prior.memo)
            made[c.id] = before
            continue
        if coder is not None:
            made[c.id] = list(range(len(plan.codings), len(plan.codings) + len(themes)))
        plan.codings += [Planned(c, theme_id, start, end, memo) for theme_id in themes]
    if len(coders) > 1:
        listed = ", ".join(f"{who} (comment {n})" for who, n in coders.items())
        raise UserError(f"its comments hold the codings of {len(coders)} coders ({listed}); "
                        "import one coder's at a time (`qcahp show TRANSCRIPT --coder NAME "
                        "-o FILE.docx`)", path=name)


def _in_title(doc: WordDocument, span: tuple[int, int], folded: str) -> bool:
    """Whether ``span`` lies in the document's title: its first paragraph, when more
    follow and that one is not in the transcript's ``folded`` text."""
    if len(doc.paragraphs) < 2:
        return False
    first = doc.paragraphs[0]
    return (first.start <= span[0] and span[1] <= first.start + len(first.text)
            and fold(first.text) not in folded)


def _parted(agrees: str, passage: str) -> str:
    """Where a passage not found parts from the transcript, when its start is there
    (in the document's words: ``agrees`` is folded)."""
    n = len(agrees.split())
    if n < 2:
        return ""
    return (f" (the transcript has {short(' '.join(passage.split()[:n]), 8)} but not what "
            "follows: was the text changed?)")


def _continues(plan: WordPlan, made: dict[int, list[int]], cid: int, themes: list[str],
               start: int) -> list[int] | None:
    """The codings a ``, continued`` comment carries on: those of the comment numbered
    just before it (as ``show`` numbers them), or else the latest of its theme."""
    before = made.get(cid - 1)
    if before and [plan.codings[k].theme_id for k in before] == themes:
        return before
    latest = [k for ks in made.values() for k in ks
              if plan.codings[k].theme_id in themes and plan.codings[k].end <= start]
    return [max(latest, key=lambda k: plan.codings[k].end)] if latest else None


def already_present(store: Store, plan: WordPlan, coder: str) -> int:
    """How many of the planned codings (each once) the coder has already."""
    have = {(c.theme_id, c.start, c.end)
            for c in store.codings(transcript_id=plan.transcript.id, coder=coder)}
    return len({(p.theme_id, p.start, p.end) for p in plan.codings} & have)


def import_word_plan(store: Store, plan: WordPlan, coder: str) -> dict[str, int]:
    """Store the planned codings and memos for ``coder`` as ONE decision.

    One ``undo_group`` event (``source: "word"``, the file's name, the transcript and
    the themes) holds every coding made and every memo written, so one ``qcahp undo``
    (or u in the workbench) takes the whole import back and one redo brings it back.
    A coding the coder already has is not doubled; its memo is written only if it has
    none (one with another memo keeps it). Nothing new to store writes no event.

    Returns:
        ``{"imported", "already_present", "repeated", "memos", "memos_kept", "event"}``
        counts (``event``: the event's id, 0 when nothing was stored).
    """
    tid = plan.transcript.id
    memos: dict[tuple[str, int, int], list[str]] = {}
    for p in plan.codings:
        k = (p.theme_id, p.start, p.end)
        memos.setdefault(k, [])
        if p.memo and p.memo not in memos[k]:
            memos[k].append(p.memo)
    counts: dict[str, Any] = {"imported": 0, "already_present": 0,
                              "repeated": len(plan.codings) - len(memos),
                              "memos": 0, "memos_kept": 0, "event": 0}
    with store.write():
        coder_id = store.ensure_coder(coder)
        have = {(c.theme_id, c.start, c.end): c
                for c in store.codings(transcript_id=tid, coder=coder)}
        changes: list[dict[str, Any]] = []
        themes: set[str] = set()
        made: dict[tuple[str, int, int], int] = {}
        for k in memos:
            if k in have:
                counts["already_present"] += 1
                continue
            made[k] = store._insert_coding(tid, k[0], coder_id, k[1], k[2], "imported",
                                           None, text=plan.text)
            changes.append({"op": "coding", "id": made[k], "before": 0, "after": 1})
            themes.add(k[0])
            counts["imported"] += 1
        for k, texts in memos.items():
            if not texts:
                continue
            memo = "\n\n".join(texts)
            had = have[k].memo if k in have else None
            if had and had.strip():
                counts["memos_kept"] += int(had.strip() != memo.strip())
                continue
            target = str(made[k] if k in made else have[k].id)
            changes.append({"op": "memo", "kind": "coding", "target": target,
                            "before": store.memo(coder, "coding", target) if k in have
                            else None, "after": memo})
            themes.add(k[0])
            counts["memos"] += 1
        if changes:
            counts["event"] = store._apply_and_log(coder_id, "undo_group", changes, {
                "source": "word", "file": Path(plan.doc.path).name, "transcript_ids": [tid],
                "theme_ids": sorted(themes)})
    return counts


__all__ = ["Planned", "ThemeIndex", "WordPlan", "already_present", "import_word_plan",
           "is_word", "key", "plan_word_import", "read_comment", "short"]
