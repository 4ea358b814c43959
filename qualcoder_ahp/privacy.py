"""Redaction: replace the names of people in stored transcript text before coding.

A names file lists one name per line, optionally with its replacement
(``Helen Smith,[P01]``); blank lines and ``#`` comments are ignored. A name with no
replacement becomes the transcript's participant code in brackets (``[P01]``), or
``[REDACTED]`` for a transcript with no participant. Names match as whole words,
case-insensitively, longest first (so ``Helen Smith`` wins over ``Helen``), and a
space in a name matches any run of whitespace (a name wrapped across lines).
Speaker labels are redacted the same way, and so is the stored codebook (a theme's
examples are often quotes): its definitions, criteria, examples and the kept text of the
codebook file, where a name without a replacement becomes ``[REDACTED]``.

Redaction happens before coding because it moves offsets: a transcript with any
coding (even an undone one) or a decided suggestion is refused. The text is
rewritten in place with a ``redact`` event in the log (see
:mod:`qualcoder_ahp.model.privacy_store` for why not as a new version), turns are
moved with the text, and sentences are re-split by the importer's splitter exactly
as an import of the redacted text would split them. The event records how many
replacements were made, never the names.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.importers.sentences import split_sentences
from qualcoder_ahp.records import Sentence, Turn

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class NameRule:
    """One name to replace, and its replacement (``None``: the participant code)."""

    name: str
    replacement: str | None = None


@dataclass(frozen=True)
class Redacted:
    """A transcript's text, turns and sentences after redaction."""

    text: str
    turns: list[Turn]
    sentences: list[Sentence]
    counts: Counter[str]
    """Replacements made per name (as listed in the names file)."""
    lowercase: Counter[str] = field(default_factory=Counter)
    """Of those, the matches written all in lower case for a name listed with a capital
    ("will" for Will): an ordinary word, often, that ``match_case`` would leave alone."""

    @property
    def replacements(self) -> int:
        """How many spans were replaced."""
        return sum(self.counts.values())


@dataclass
class RedactReport:
    """What :func:`redact_transcripts` did, per transcript name."""

    redacted: dict[str, Counter[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False
    lowercase: Counter[str] = field(default_factory=Counter)
    """Matches in lower case of a name listed with a capital, per name, in all."""
    log_scrubbed: int = 0
    """Events of the log about those transcripts that named a name (rewritten too)."""
    named: dict[str, list[str]] = field(default_factory=dict)
    """The transcripts whose name or participant id holds a listed name, with the names
    (``physio_helen``: ``Helen``): redaction rewrites the text, not these; ``qcahp
    transcripts rename`` does."""
    codebook: int = 0
    """Names replaced in the stored codebook: its themes' definitions, criteria and
    examples (a quote with a participant's name in it) and its description."""
    codebook_events: int = 0
    """``theme_edit`` events of the log that set those (rewritten too)."""
    codebook_text: str = "none"
    """The kept text of the codebook file last loaded (for ``codebook export``):
    ``"redacted"``, ``"dropped"`` (it would not load as the stored codebook once
    redacted) or ``"none"`` (no name in it, or none kept)."""
    left: list[str] = field(default_factory=list)
    """Where a listed name stays as written: memos and participants' attribute values
    (the researchers' text, which redaction does not change)."""
    codebook_held: list[str] = field(default_factory=list)
    """Where the stored codebook still holds a name: a theme's name, a pattern (codings
    and suggestions are made with them, so they are not changed)."""


def read_names(path: str | os.PathLike[str]) -> list[NameRule]:
    """Read a names file (``name`` or ``name,replacement`` per line).

    Raises:
        UserError: the file is missing, unreadable, not UTF-8 text, or lists no name.
    """
    from qualcoder_ahp.errors import ImportFailed
    from qualcoder_ahp.importers.normalise import decode

    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the names file ({exc.strerror or exc})",
                        path=str(file)) from None
    try:
        # Decoded as transcripts are: Notepad's "Unicode" (UTF-16) and Windows-1252
        # names files were refused as "not UTF-8 text".
        raw = decode(data, path=str(file))
    except ImportFailed as exc:
        reason = str(exc).removeprefix(f"{file}: ")
        raise UserError(f"cannot read the names file ({reason})", path=str(file)) from None
    rules: list[NameRule] = []
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, replacement = line.partition(",")
        name = unicodedata.normalize("NFC", " ".join(name.split()))
        if not name:
            raise UserError(f"a line has a replacement but no name: {line!r}", path=str(file))
        rules.append(NameRule(name, replacement.strip() if sep else None))
    if not rules:
        raise UserError("the names file lists no names", path=str(file))
    return rules


def _pattern(rules: Sequence[NameRule], match_case: bool = False) -> re.Pattern[str]:
    names = sorted({r.name for r in rules}, key=lambda n: (-len(n), n))
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in n.split()) for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", 0 if match_case else re.IGNORECASE)


def name_rewriter(rules: Sequence[NameRule], default: str, *, match_case: bool = False
                  ) -> Callable[[str, bool], str]:
    """Redacts a string as :func:`redact_text` redacts the text (``label``: as it
    redacts a speaker label, ``P01`` for ``[P01]``): for the log's events."""
    pattern = _pattern(rules, match_case)
    by_name = {r.name.casefold(): r for r in rules}

    def rewrite(value: str, label: bool) -> str:
        def one(match: re.Match[str]) -> str:
            rule = by_name[" ".join(match.group().split()).casefold()]
            if label:
                return (rule.replacement or default).strip("[]")
            return rule.replacement if rule.replacement is not None else default
        return pattern.sub(one, value)
    return rewrite


def names_in_label(label: str, rules: Sequence[NameRule]) -> list[str]:
    """The listed names a transcript's name or participant id holds, as whole words
    between any separators (``Helen`` in ``physio_helen``, ``Helen Smith`` in
    ``helen-smith-2``), ignoring case, longest first. A file is often named after a
    first name alone: each capitalised part of a listed name counts too (``Marcus`` of
    ``Marcus Smith`` in ``paramedic_marcus``), but not ``van`` or ``de``."""
    names = {r.name for r in rules} | {part for r in rules if " " in r.name
                                       for part in r.name.split()
                                       if part[:1].isupper() and len(part) > 2}
    found: list[str] = []
    for name in sorted(names, key=lambda n: (-len(n), n)):
        parts = r"[\W_]+".join(re.escape(part) for part in name.split())
        if re.search(rf"(?<![^\W_]){parts}(?![^\W_])", label, re.IGNORECASE) and not any(
                name.casefold() in longer.casefold() for longer in found):
            found.append(name)
    return found


def redact_text(
    text: str, turns: Sequence[Turn], rules: Sequence[NameRule], default: str,
    *, match_case: bool = False,
) -> Redacted:
    """Redact one transcript's text and move its turns; re-split its sentences.

    Args:
        text: the stored text.
        turns: its speaker turns (offsets into ``text``).
        rules: the names and replacements.
        default: the replacement for names listed without one.
        match_case: match each name only as written (``Will``, not ``will``).
    """
    pattern = _pattern(rules, match_case)
    by_name = {r.name.casefold(): r for r in rules}

    def rule_for(found: str) -> NameRule:
        return by_name[" ".join(found.split()).casefold()]

    pieces: list[str] = []
    # (old start, old end, new start, new length) of each replaced name, in text order
    moves: list[tuple[int, int, int, int]] = []
    counts: Counter[str] = Counter()
    lowercase: Counter[str] = Counter()
    last = shift = 0
    for match in pattern.finditer(text):
        rule = rule_for(match.group())
        new = rule.replacement if rule.replacement is not None else default
        pieces.append(text[last:match.start()])
        pieces.append(new)
        moves.append((match.start(), match.end(), match.start() + shift, len(new)))
        shift += len(new) - (match.end() - match.start())
        counts[rule.name] += 1
        if match.group().islower() and not rule.name.islower():
            lowercase[rule.name] += 1
        last = match.end()
    pieces.append(text[last:])
    new_text = "".join(pieces)

    def moved(offset: int, is_end: bool) -> int:
        delta = 0
        for start, end, new_start, new_len in moves:
            if end <= offset:
                delta = new_start + new_len - end
            elif start < offset:  # a boundary inside a name: snap to the replacement's edge
                return new_start + new_len if is_end else new_start
            else:
                break
        return offset + delta

    label = name_rewriter(rules, default, match_case=match_case)
    new_turns = []
    for turn in turns:
        new_turns.append(Turn(label(turn.speaker, True), turn.role, moved(turn.start, False),
                              moved(turn.end, True), turn.time))
    return Redacted(new_text, new_turns, split_sentences(new_text, new_turns), counts,
                    lowercase)


def redact_transcripts(
    store: Store,
    rules: Sequence[NameRule],
    transcripts: Sequence[str] = (),
    *,
    all_transcripts: bool = False,
    dry_run: bool = False,
    match_case: bool = False,
    progress: Progress | None = None,
    codebook_only: bool = False,
) -> RedactReport:
    """Redact the named transcripts (or all of them) in ``store``.

    All or nothing across transcripts: if any of them is already coded, nothing is
    changed and the error names every such transcript. Each transcript is then
    rewritten in its own transaction, and the stored codebook in one more
    (:func:`_redact_codebook`), whichever transcripts are named.

    ``codebook_only``: the stored codebook alone (no transcript named), which is
    allowed once coding has started, as it moves no offsets: a name found in an example
    after coding (an edit leaves it in the log and in the file's kept text).

    Raises:
        UserError: no transcript named, an unknown transcript, or coded transcripts.
    """
    if codebook_only:
        if transcripts or all_transcripts:
            raise UserError("--codebook redacts the codebook alone: leave out --transcript "
                            "and --all (a redaction of transcripts does the codebook too)")
        report = RedactReport(dry_run=dry_run)
        _redact_codebook(store, rules, report, match_case=match_case)
        return report
    if all_transcripts:
        infos = store.transcripts()
    elif transcripts:
        infos = [store.transcript(ref) for ref in transcripts]
    else:
        raise UserError("name the transcripts to redact (--transcript NAME) or use --all")
    blocked = [f"{i.name}@{i.version}" for i in infos
               if any(store.redaction_blockers(i.id).values())]
    if blocked:
        raise UserError(
            "already coded or decided, so redaction would move the codings' offsets: "
            + ", ".join(blocked) + " (redact before coding)")
    report = RedactReport(dry_run=dry_run)
    for info in infos:
        held = names_in_label(f"{info.name} {info.participant or ''}", rules)
        if held:
            report.named.setdefault(info.name, held)
    for done, info in enumerate(infos):
        if progress is not None:
            progress(done, len(infos), info.name)
        default = f"[{info.participant}]" if info.participant else "[REDACTED]"
        result = redact_text(store.transcript_text(info.id), store.turns(info.id), rules,
                             default, match_case=match_case)
        speakers_changed = [t.speaker for t in result.turns] != [
            t.speaker for t in store.turns(info.id)]
        # The log's events about it may name them too (a speaker renamed since import).
        rewrite = name_rewriter(rules, default, match_case=match_case)
        summary = {"replacements": result.replacements, "names": len(rules)}
        if not result.replacements and not speakers_changed:
            if dry_run:
                scrubbed = len(store.log_scrub(info.id, rewrite))
            else:
                scrubbed = store.scrub_log(info.id, rewrite, summary)
            report.log_scrubbed += scrubbed
            report.unchanged.append(info.name)
            continue
        report.redacted[info.name] = result.counts
        report.lowercase.update(result.lowercase)
        report.log_scrubbed += len(store.log_scrub(info.id, rewrite))
        if not dry_run:
            store.replace_transcript_text(info.id, result.text, result.turns,
                                          result.sentences, summary, rewrite)
    if progress is not None:
        progress(len(infos), len(infos), "")
    _redact_codebook(store, rules, report, match_case=match_case)
    pattern = _pattern(rules, match_case)
    report.left = store.left_holding(lambda value: pattern.search(value) is not None)
    return report


CODEBOOK_DEFAULT = "[REDACTED]"
"""What a name listed without a replacement becomes in the codebook, which is no one
transcript's (so has no participant code)."""


def _redact_codebook(store: Store, rules: Sequence[NameRule], report: RedactReport, *,
                     match_case: bool) -> None:
    """Replace the names in the stored codebook too: an example is often a quote, and a
    quote can name the participant or a colleague (``Helen said ...``). Its kept YAML
    text (comments included) is redacted as well, or dropped when it would no longer load
    as the stored codebook (``codebook export`` then writes from the database)."""
    rewrite = name_rewriter(rules, CODEBOOK_DEFAULT, match_case=match_case)
    pattern = _pattern(rules, match_case)

    def edit(value: str) -> str:
        return rewrite(value, False)

    def count(values: list[str]) -> int:
        return sum(len(pattern.findall(v)) for v in values)

    if report.dry_run:
        scrub = store.codebook_scrub(edit)
    else:
        scrub = store.redact_codebook(edit, count, {"names": len(rules)})
    report.codebook = count(scrub.old)
    report.codebook_events = len(scrub.events)
    report.codebook_text = ("dropped" if scrub.source_dropped else
                            "redacted" if scrub.source is not None else "none")
    report.codebook_held = scrub.held


__all__ = ["NameRule", "Redacted", "RedactReport", "names_in_label", "read_names",
           "redact_text", "redact_transcripts"]
