"""Memos: every coder's notes on themes, transcripts and codings, for the write-up.

Memos are where analysis happens between coding and writing: what a theme is turning
out to mean, what stands out in one interview, why a passage was coded as it was. The
workbench stores them (``M``); this report brings them together: a flat table (CSV,
XLSX, JSON, the terminal) with one row per memo, or a document (Markdown, Word) in
three parts — theme memos in codebook order, transcript memos by name, and coding
memos under their theme with the quote they are about — and a fourth for the summaries
of the framework matrix's cells (``qcahp framework``), under their theme by case.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.framework_store import parse_cell
from qualcoder_ahp.reports.data import ReportData, find_transcript
from qualcoder_ahp.reports.quotes import speaker_at, turn_at
from qualcoder_ahp.reports.text_table import cells, wrap_cells
from qualcoder_ahp.reports.writers import (
    Paragraphs, Sheet, md_text, shown_time, word_document, word_safe,
)

KINDS = ("theme", "transcript", "coding", "cell")
HEADINGS = {"theme": "Theme memos", "transcript": "Transcript memos",
            "coding": "Memos on codings", "cell": "Framework summaries"}


@dataclass(frozen=True)
class Memo:
    """One coder's memo, with what it is about."""

    kind: str
    """``theme``, ``transcript``, ``coding`` or ``cell`` (a framework summary)."""
    coder: str
    text: str
    updated: str
    theme_id: str | None = None
    theme_path: str | None = None
    transcript: str | None = None
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    speaker: str | None = None
    """Who speaks where a coding starts (coding memos on transcripts with turns)."""
    turn: int | None = None
    """The 1-based number of that speaker turn."""
    time: str | None = None
    """That turn's timestamp as written in the source, if any."""
    case: str | None = None
    """The participant id or transcript name of a framework summary's case."""

    @property
    def where(self) -> str:
        """Where a coding is, as a reader finds it: transcript, speaker, turn (and time).

        Character offsets (kept in JSON) mean nothing to a reader of the write-up.
        """
        parts = [self.transcript or ""]
        if self.speaker:
            parts.append(self.speaker)
        if self.turn is not None:
            parts.append(f"turn {self.turn}" + (f" ({self.time})" if self.time else ""))
        return ", ".join(parts)

    @property
    def about(self) -> str:
        """What the memo is on, in a few words."""
        if self.kind == "theme":
            return self.theme_path or self.theme_id or ""
        if self.kind == "transcript":
            return self.transcript or ""
        if self.kind == "cell":
            return f"{self.case}: {self.theme_path}"
        return f"{self.where}: {self.theme_path}"


def memos(data: ReportData, *, kind: str | None = None, theme: str | None = None,
          transcript: str | None = None) -> list[Memo]:
    """The memos of the snapshot's coder (or every coder), in reading order.

    Args:
        data: the report snapshot (its coder selects the memos too).
        kind: only memos on themes, transcripts or codings.
        theme: only memos on this theme or a theme below it, and on codings of them.
        transcript: only memos on this transcript and on codings in it.

    With a selection of transcripts (``data.selection``: ``--transcript``, ``--where``)
    only the memos on those transcripts and on codings in them are kept: a theme memo
    is about no interview, so it is left out, as with ``transcript``.

    Raises:
        UserError: an unknown kind, theme or transcript.
    """
    if kind is not None and kind not in KINDS:
        raise UserError(f"a memo is on a theme, transcript, coding or framework cell, "
                        f"not {kind!r}")
    store = data.store
    wanted_themes = set(data.selected_themes(theme)) if theme else None
    wanted_transcript = find_transcript(store, transcript).id if transcript else None
    order = {tid: i for i, tid in enumerate(t.id for t in data.themes)}
    names = {t.id: t.label for t in data.transcripts.values()}
    turns = store.report_turns()
    starts = {tid: [t.start for t in rows] for tid, rows in turns.items()}
    cases = {c.key: c for c in store.framework_cases()}
    out: list[tuple[tuple[Any, ...], Memo]] = []
    for (mkind, target, coder, text, updated, tid, theme_id, start, end,
         quote) in store.report_memos(data.coder):
        if kind is not None and mkind != kind:
            continue
        case = None
        if mkind == "theme":
            theme_id = target
        elif mkind == "transcript":
            tid = int(target)
        elif mkind == "cell":
            cell = parse_cell(target)
            if cell is None:
                continue
            case, theme_id = cell[1], cell[2]
            # A case is about its transcripts: kept when one of them is chosen.
            found = cases.get(f"{cell[0]}:{case}")
            held = found.transcripts if found is not None else ()
            tid = next((t for t in held if wanted_transcript in (None, t) and (
                data.selection is None or t in data.selection.ids)), -1)
        if wanted_themes is not None and theme_id not in wanted_themes:
            continue
        if wanted_transcript is not None and tid != wanted_transcript:
            continue
        if data.selection is not None and tid not in data.selection.ids:
            continue
        path = _path(data, theme_id) if theme_id else None
        speaker, (turn, time) = None, (None, None)
        if mkind == "coding" and tid in turns and start is not None:
            # As `qcahp quotes` places it: at its first word, not the blank line before.
            said = start + len(quote or "") - len((quote or "").lstrip())
            speaker = speaker_at(turns[tid], starts[tid], said)
            turn, time = turn_at(turns[tid], starts[tid], said)
        memo = Memo(mkind, coder, text, updated, theme_id, path,
                    names.get(tid) if tid is not None and mkind != "cell" else None, quote,
                    start, end, speaker, turn, time, case)
        key = (KINDS.index(mkind), order.get(theme_id, len(order)) if mkind != "transcript"
               else 0, memo.transcript or memo.case or "", start or 0, coder)
        out.append((key, memo))
    return [m for _, m in sorted(out, key=lambda pair: pair[0])]


def _path(data: ReportData, theme_id: str) -> str:
    try:
        data.theme(theme_id)
    except UserError:  # a retired theme with no codings left: not in the snapshot's tree
        return data.store.theme_path(theme_id)
    return data.path(theme_id)


def memos_sheet(rows: list[Memo]) -> Sheet:
    """One row per memo (CSV, XLSX, the terminal)."""
    return Sheet("memos", ["kind", "about", "theme", "transcript", "speaker", "turn", "quote",
                           "coder", "updated", "memo"],
                 [[m.kind, m.about, m.theme_id or "", m.transcript or m.case or "",
                   m.speaker or "",
                   "" if m.turn is None else m.turn, m.quote or "", m.coder,
                   shown_time(m.updated), m.text] for m in rows],
                 wrap={"quote", "memo"}, empty="(none: no memos match)", times={"updated"})


def memos_json(rows: list[Memo]) -> list[dict[str, Any]]:
    """Every memo with all its fields."""
    return [{"kind": m.kind, "about": m.about, "theme": m.theme_id, "theme_path": m.theme_path,
             "transcript": m.transcript, "case": m.case, "speaker": m.speaker,
             "turn": m.turn,
             "time": m.time, "start": m.start, "end": m.end, "quote": m.quote,
             "coder": m.coder, "updated": m.updated, "memo": m.text} for m in rows]


def memos_markdown(rows: list[Memo], title: str, subtitle: str = "") -> str:
    """A document: theme memos, transcript memos, then coding memos under their theme
    (``subtitle``, the transcripts chosen, under the title)."""
    lines = [f"# {md_text(title)}", ""] + ([md_text(subtitle), ""] if subtitle else [])
    if not rows:
        lines += ["No memos match.", ""]
    for kind, heading, sub, group in _sections(rows):
        if heading:
            lines += [f"## {HEADINGS[kind]}", ""]
        if sub:
            lines += [f"### {md_text(sub)}", ""]
        for m, new in _firsts(group):
            if m.kind == "coding" and new:
                lines += ["> " + _md_line(m.quote or "", "  \n> "), "",
                          f"*{md_text(m.where)}*", ""]
            if m.kind == "cell" and new:
                lines += [f"*{md_text(m.case or '')}*", ""]
            lines += [f"**{md_text(m.coder)}** ({m.updated[:10]}): {_md_line(m.text)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def memos_text(rows: list[Memo], title: str, subtitle: str = "",
               width: int | None = None) -> str:
    """The document of :func:`memos_markdown` to read on a terminal, as plain text
    wrapped to ``width`` terminal cells (``None``: lines whole), laid out as
    :func:`~qualcoder_ahp.reports.exports.quotes_text` lays out quotes: a part per kind
    of memo, a heading per theme or transcript, each quote indented in quotation marks
    with where it is, each memo under its coder and date. (The Markdown, printed on an
    80-column terminal, broke its long lines inside words.)"""
    def block(text: str, indent: str, rest: str | None = None) -> list[str]:
        if width is None:
            return [indent + text]
        return wrap_cells(text, max(20, width), indent, rest or indent) or [indent]

    def underline(text: str, mark: str) -> list[str]:
        return [*block(text, ""), mark * min(cells(text), width or cells(text))]

    lines = block(title, "") + (block(subtitle, "") if subtitle else [])
    if not rows:
        lines += ["", "No memos match."]
    for kind, heading, sub, group in _sections(rows):
        if heading:
            lines += ["", *underline(HEADINGS[kind], "=")]
        if sub:
            lines += ["", *underline(sub, "-")]
        for m, new in _firsts(group):
            lines.append("")
            if m.kind == "coding" and new:
                lines += block("\u201c" + " ".join((m.quote or "").split()) + "\u201d", "  ")
                lines += block("\u2014 " + m.where, "    ")
            if m.kind == "cell" and new:
                lines += block(m.case or "", "  ")
            # Its line breaks kept, as the Markdown keeps them.
            parts = [" ".join(p.split()) for p in m.text.strip().splitlines()] or [""]
            lines += block(f"{m.coder} ({m.updated[:10]}): {parts[0]}", "  ", "    ")
            for part in parts[1:]:
                lines += block(part, "    ")
    return "\n".join(lines) + "\n"


def memos_docx(rows: list[Memo], title: str, subtitle: str = "") -> bytes:
    """The same document as :func:`memos_markdown`, in Word."""
    from docx.shared import Pt

    doc = word_document(title)
    body = Paragraphs(doc)
    body.heading(title, 0)
    if subtitle:
        body.add(word_safe(subtitle))
    if not rows:
        body.add("No memos match.")
    for kind, heading, sub, group in _sections(rows):
        if heading:
            body.heading(HEADINGS[kind], 1)
        if sub:
            body.heading(sub, 2)
        for m, new in _firsts(group):
            if m.kind == "coding" and new:
                quote = word_safe((m.quote or "").strip())
                body.add(f"\u201c{quote}\u201d", style="Quote")
                where = body.add().add_run(word_safe(m.where))
                where.font.size = Pt(9)
            if m.kind == "cell" and new:
                body.add().add_run(word_safe(m.case or "")).italic = True
            para = body.add()
            para.add_run(f"{m.coder} ({m.updated[:10]}): ").bold = True
            para.add_run(word_safe(m.text))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _sections(rows: list[Memo]) -> list[tuple[str, bool, str, list[Memo]]]:
    """``(kind, new kind?, subheading, memos)`` runs in order: one subheading per theme
    (theme and coding memos) or transcript (transcript memos)."""
    out: list[tuple[str, bool, str, list[Memo]]] = []
    for m in rows:
        sub = m.transcript or "" if m.kind == "transcript" else m.theme_path or ""
        if out and out[-1][0] == m.kind and out[-1][2] == sub:
            out[-1][3].append(m)
        else:
            out.append((m.kind, not out or out[-1][0] != m.kind, sub, [m]))
    return out


def _firsts(group: list[Memo]) -> list[tuple[Memo, bool]]:
    """Each memo, and whether it is the first of its run on one coding or framework
    cell: the quote or case is given once, above every coder's memo on it (a cell
    summarised by three coders named its case three times)."""
    out: list[tuple[Memo, bool]] = []
    last: object = None
    for m in group:
        about = ((m.transcript, m.start, m.end, m.quote) if m.kind == "coding"
                 else m.case if m.kind == "cell" else None)
        out.append((m, about is None or about != last))
        last = about
    return out


def _md_line(text: str, joint: str = "  \n") -> str:
    """A memo or quote as one Markdown paragraph (its line breaks kept as breaks)."""
    return joint.join(md_text(part.strip()) for part in text.strip().splitlines())

