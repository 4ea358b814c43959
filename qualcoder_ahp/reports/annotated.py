"""The coded transcript as a document: every turn, with its codings marked.

What NVivo prints as "coding stripes", MAXQDA exports as "document with codes" and
ATLAS.ti as a document with margin codes: a transcript a supervisor or co-author can
read and check without the tool. :func:`annotate` cuts each turn into *pieces* at
every coding boundary (a piece is a stretch of text with the same codings over it),
working from the sorted boundaries, never character by character; the writers then
render the same pieces as

- text (``qcahp show``): each turn, then its codings beneath it, with memos;
- Markdown: coded text in bold followed by ``[Theme (coder)]``;
- HTML: one self-contained, script-free page, coded text in ``<mark>`` tinted with the
  theme's colour, labels and tooltips, memos as numbered notes;
- Word: coded text shaded with the theme's tint, a comment on each coding naming the
  theme path, the coder and the memo.

Offsets are half-open code-point indexes into the stored text, as everywhere.
Overlapping codings (two themes, or two coders) split the text at each boundary, so
both show; a coding that runs over several turns is marked in each of them.
"""

from __future__ import annotations

import html
import io
import re
import textwrap
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Coding, TranscriptInfo, Turn
from qualcoder_ahp.reports.data import CONSENSUS, ReportData
from qualcoder_ahp.reports.text_table import cells, wrap_cells
from qualcoder_ahp.reports.writers import Paragraphs, md_text, word_document, word_safe

FORMATS = ("text", "md", "html", "docx")
WIDTH = 80
"""Width of the text format's coding and memo lines."""
TINT = 0.6
"""Share of white mixed into a theme's colour for the shading behind coded text: light
enough for black text to stay readable, dark enough to tell the themes apart."""
GREY = "#888888"
"""Colour of a theme whose stored colour is not ``#RRGGBB``."""
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True, slots=True)
class Marked:
    """One coding as the annotated transcript shows it."""

    coding: Coding
    theme: str
    """The theme's name (``... (retired)`` for a theme no longer in the codebook)."""
    path: str
    """``Parent / Child`` names from the root."""
    color: str
    """The theme's colour, ``#RRGGBB``."""
    tint: str
    """A light tint of :attr:`color` for the shading behind the text."""


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of a turn's text with the same codings over it."""

    text: str
    marks: tuple[int, ...]
    """Indexes into :attr:`Annotated.codings` of the codings over it, outermost first."""
    ends: tuple[int, ...] = ()
    """The codings whose last piece this is (where a label follows the text)."""


@dataclass(frozen=True)
class AnnotatedTurn:
    """One speaker turn cut into pieces, and the codings that start in it."""

    number: int
    turn: Turn
    pieces: list[Piece]
    codings: list[int]
    """Indexes into :attr:`Annotated.codings` of the codings starting in this turn."""


@dataclass
class Annotated:
    """A transcript with the selected codings, ready for a writer."""

    info: TranscriptInfo
    attributes: dict[str, str]
    marked: bool
    """Whether codings were asked for (``False``: the plain transcript)."""
    coder: str | None
    """The coder whose codings are marked (``None``: every coder's)."""
    codings: list[Marked]
    turns: list[AnnotatedTurn]
    legend: list[tuple[str, str, str, int]] = field(default_factory=list)
    """``(theme path, colour, tint, codings)`` for every theme used, in codebook order."""

    @property
    def title(self) -> str:
        """``name v2``."""
        return f"{self.info.name} v{self.info.version}"

    def summary(self) -> str:
        """``14 codings (coder ana)``, ``30 codings (all coders: ana 14, ben 16)``."""
        n = len(self.codings)
        count = f"{n:,} coding{'' if n == 1 else 's'}"
        if not self.marked:
            return count
        if self.coder is not None:
            who = "consensus" if self.coder == CONSENSUS else f"coder {self.coder}"
            return f"{count} ({who})"
        coders = Counter(m.coding.coder for m in self.codings)
        each = ", ".join(f"{c} {k:,}" for c, k in coders.items())
        return f"{count} (all coders{': ' + each if each else ''})"

    def participant(self) -> str:
        """``participant P01 (profession: physio; seniority: band 7)`` (or ``-``)."""
        code = self.info.participant or "-"
        attrs = "; ".join(f"{k}: {v}" for k, v in self.attributes.items() if v)
        return f"participant {code}" + (f" ({attrs})" if attrs else "")


def tint(color: str, white: float = TINT) -> str:
    """``color`` (``#RRGGBB``) mixed with ``white`` parts of white, as ``#RRGGBB``."""
    if not _HEX.fullmatch(color or ""):
        color = GREY
    rgb = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * white):02X}" for c in rgb)


def annotate(store: Store, info: TranscriptInfo, coder: str | None = None, *,
             marked: bool = True, coders: Collection[str] | None = None) -> Annotated:
    """A transcript cut into pieces at every boundary of the selected codings.

    Args:
        store: the open project.
        info: the transcript (see :func:`~qualcoder_ahp.reports.data.find_transcript`).
        coder: mark this coder's codings (``None``: every coder's), a name checked by
            :func:`~qualcoder_ahp.reports.data.resolve_coder` as the reports do.
        marked: ``False`` for no codings at all (the plain transcript).
        coders: with no ``coder``, mark exactly these coders' codings (``None``: every
            coder's but the consensus coders', as every report pools them).
    """
    text = store.transcript_text(info.id)
    turns = store.turns(info.id)
    attributes = store.participants().get(info.participant or "", {})
    codings_shown: list[Marked] = []
    legend: list[tuple[str, str, str, int]] = []
    if marked:
        data = ReportData(store, coder, info.id, coders=coders)
        # Outer codings first where several start together: a piece lists its codings
        # outermost first, so the last is the innermost (whose colour a Word run takes).
        codings = sorted(data.codings, key=lambda c: (c.start, -c.end, c.id))
        counts = Counter(c.theme_id for c in codings)
        for c in codings:
            theme = data.theme(c.theme_id)
            color = theme.color if _HEX.fullmatch(theme.color or "") else GREY
            codings_shown.append(Marked(c, theme.name, data.path(c.theme_id), color.upper(),
                                        tint(color)))
        for t in data.themes:
            if counts[t.id]:
                color = t.color if _HEX.fullmatch(t.color or "") else GREY
                legend.append((data.path(t.id), color.upper(), tint(color), counts[t.id]))
    pieces = _pieces(text, turns, codings_shown)
    starts = [t.start for t in turns]
    beneath: list[list[int]] = [[] for _ in turns]
    for i, m in enumerate(codings_shown):
        if turns:
            beneath[max(bisect_right(starts, m.coding.start) - 1, 0)].append(i)
    out = [AnnotatedTurn(n, turn, pieces[n - 1], beneath[n - 1])
           for n, turn in enumerate(turns, start=1)]
    return Annotated(info, attributes, marked, coder, codings_shown, out, legend)


def _pieces(text: str, turns: list[Turn], marked: list[Marked]) -> list[list[Piece]]:
    """Each turn's pieces: one sweep over the sorted turn and coding boundaries."""
    size = len(text)
    opens: dict[int, list[int]] = {}
    closes: dict[int, list[int]] = {}
    bounds = {t.start for t in turns} | {t.end for t in turns}
    for i, m in enumerate(marked):
        start, end = max(m.coding.start, 0), min(m.coding.end, size)
        if start >= end:
            continue  # an empty span marks nothing
        opens.setdefault(start, []).append(i)
        closes.setdefault(end, []).append(i)
        bounds.update((start, end))
    order = sorted(bounds)
    spans: list[tuple[int, int, tuple[int, ...]]] = []  # every stretch, gaps between turns too
    active: dict[int, None] = {}  # insertion-ordered: outermost first
    for k, pos in enumerate(order[:-1]):
        for i in closes.get(pos, ()):
            del active[i]
        for i in opens.get(pos, ()):
            active[i] = None
        spans.append((pos, order[k + 1], tuple(active)))
    raw: list[list[tuple[int, int, tuple[int, ...]]]] = []
    for turn in turns:  # turn bounds are bounds: a turn is a run of whole stretches
        first = bisect_right(order, turn.start) - 1
        last = bisect_right(order, turn.end) - 1
        raw.append(spans[first:last] if turn.end > turn.start else [])
    final: dict[int, tuple[int, int]] = {}
    for t, stretches in enumerate(raw):
        for j, (_, _, marks) in enumerate(stretches):
            for i in marks:
                final[i] = (t, j)
    ends: dict[tuple[int, int], list[int]] = {}
    for i, where in final.items():
        ends.setdefault(where, []).append(i)
    return [[Piece(text[a:b], marks, tuple(sorted(ends.get((t, j), ()))))
             for j, (a, b, marks) in enumerate(stretches)]
            for t, stretches in enumerate(raw)]


def _head(turn: Turn) -> str:
    stamp = f"[{turn.time}] " if turn.time else ""
    return f"{stamp}{turn.speaker} ({turn.role}): "


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut in the middle at word boundaries to ``width`` characters
    (``I fell into … by accident``) when it is longer."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    keep = max(width - 3, 2)
    head = text[: keep * 2 // 3]
    head = head.rsplit(" ", 1)[0] if " " in head.strip() else head
    tail = text[len(text) - (keep - len(head)):]
    tail = tail.split(" ", 1)[1] if " " in tail.strip() else tail
    return f"{head.rstrip()} … {tail.lstrip()}"


# ---------------------------------------------------------------------------- text
def to_text(doc: Annotated, width: int | None = None) -> str:
    """``qcahp show``: the header, then each turn; with a coder selection, each turn's
    codings beneath it (``↳ Theme (coder): “quote”``) and their memos, in 80 columns.

    With a ``width`` (a terminal's) each turn wraps to it under its speaker label (a
    hanging indent; 4 cells when the label takes over half the width), and the other
    lines (the header, codings and memos) with an indent of 4 more cells than their own.
    Without one, each turn is one line (up to 440 columns in a long answer)."""
    info = doc.info
    words = f"{info.words:,} word{'' if info.words == 1 else 's'}"
    lines = [f"{info.name} v{info.version} ({info.format}, {words}, "
             f"participant {info.participant or '-'})"]
    if doc.marked:
        lines.append(f"codings: {doc.summary()}")
    turn_lines: set[int] = set()  # the lines of the turns, wrapped already
    for turn in doc.turns:
        t = turn.turn
        body = "".join(p.text for p in turn.pieces) if turn.pieces else ""
        lines.append("")
        head = _head(t)
        if width is None:
            lines.append(f"{head}{body}")
        else:
            room = cells(head) if cells(head) <= width // 2 else 4
            start = len(lines)
            lines += wrap_cells(f"{head}{body}", width,
                                subsequent_indent=" " * room) or [head]
            turn_lines.update(range(start, len(lines)))
        for i in turn.codings:
            m = doc.codings[i]
            c = m.coding
            lead = f"  ↳ {m.theme} ({c.coder}): "
            quote = shorten(c.quote or "", max(WIDTH - len(lead) - 2, 24))
            lines.append(f"{lead}\u201c{quote}\u201d")
            if c.memo and c.memo.strip():
                lines += textwrap.wrap(" ".join(c.memo.split()), WIDTH,
                                       initial_indent="      memo: ",
                                       subsequent_indent=" " * 12, break_long_words=False)
    return "\n".join(lines if width is None else _fit(lines, turn_lines, width)) + "\n"


def _fit(lines: list[str], turn_lines: set[int], width: int) -> list[str]:
    """:func:`to_text`'s lines other than the (wrapped) turns, each wrapped to ``width``
    with 4 cells more indent than its own where it is wider."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in turn_lines or cells(line) <= width:
            out.append(line)
            continue
        lead = len(line) - len(line.lstrip(" "))
        out += wrap_cells(line[lead:], width, initial_indent=" " * lead,
                          subsequent_indent=" " * (lead + 4))
    return out


# ---------------------------------------------------------------------------- markdown
def to_markdown(doc: Annotated) -> str:
    """Markdown: a title, the participant, each turn a paragraph; coded text in bold,
    followed by ``[Theme (coder)]`` where each coding ends (``; memo N`` pointing at the
    numbered memos after the transcript); then the themes used."""
    notes = _memo_numbers(doc)
    out = [f"# {md_text(doc.title)}", "",
           md_text(doc.participant()[0].upper() + doc.participant()[1:]) + "  ",
           f"Codings: {md_text(doc.summary())}", ""]
    # A label follows the bold text just before it; a coding that starts anywhere else
    # (inside that bold text, before another label, in an earlier turn) says where.
    begins: dict[int, tuple[int, int]] = {}  # coding -> (turn, piece) it starts at
    for turn in doc.turns:
        t = turn.turn
        stamp = f"\\[{md_text(t.time)}\\] " if t.time else ""
        parts = [f"{stamp}*{md_text(t.speaker)}* ({md_text(t.role)}): "]
        bold: list[str] = []
        bold_from: tuple[int, int] | None = None  # where the reader sees the bold start
        for j, piece in enumerate(turn.pieces):
            if piece.marks:
                if not bold or bold_from is None:
                    bold_from = None if not piece.text.strip() else (turn.number, j)
                if piece.text.strip():
                    for i in piece.marks:
                        begins.setdefault(i, (turn.number, j))
                bold.append(piece.text)
            else:
                parts.append(_md_bold("".join(bold)))
                bold = []
                parts.append(_md_plain(piece.text))
            if piece.ends:
                parts.append(_md_bold("".join(bold)))
                bold = []
                labels = (_md_label(doc, i, notes, begins.get(i, bold_from) != bold_from)
                          for i in piece.ends)
                parts.append(" " + " ".join(labels))
        parts.append(_md_bold("".join(bold)))
        out += ["".join(parts).rstrip(), ""]
    if notes:
        out += ["## Memos", ""]
        for i, n in notes.items():
            m = doc.codings[i]
            memo = "  \n   ".join(md_text(x.strip()) for x in (m.coding.memo or "").splitlines()
                                  if x.strip())
            out.append(f"{n}. {md_text(m.theme)} ({md_text(m.coding.coder)}): {memo}")
        out.append("")
    if doc.legend:
        out += ["## Themes", ""]
        out += [f"- {md_text(path)}: {n:,} coding{'' if n == 1 else 's'}"
                for path, _, _, n in doc.legend]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _md_plain(text: str) -> str:
    """Turn text as Markdown, its line breaks kept as hard breaks."""
    return "  \n".join(md_text(line) for line in text.split("\n"))


def _md_bold(text: str) -> str:
    """Coded text in bold, line by line, the spaces at either end outside the markers
    (``** text**`` is not bold in Markdown)."""
    out = []
    for line in text.split("\n"):
        core = line.strip()
        if not core:
            out.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        trail = line[len(line.rstrip()):]
        out.append(f"{lead}**{md_text(core)}**{trail}")
    return "  \n".join(out)


def _md_label(doc: Annotated, i: int, notes: dict[int, int], elsewhere: bool) -> str:
    """``[Theme (coder)]``; ``, from “its first words …”`` when it does not start where
    the bold text before the label starts (the bold alone would not show where);
    ``; memo N`` when it has a memo."""
    m = doc.codings[i]
    start = _first_words(m.coding.quote) if elsewhere else ""
    where = f", from \u201c{md_text(start)}\u201d" if start else ""
    memo = f"; memo {notes[i]}" if i in notes else ""
    return f"[{md_text(m.theme)} ({md_text(m.coding.coder)}){where}{memo}]"


def _first_words(text: str, n: int = 4) -> str:
    """The first ``n`` words of ``text``, ``…`` after them when there are more."""
    words = text.split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def _memo_numbers(doc: Annotated) -> dict[int, int]:
    """Coding index -> memo number (1, 2...), in the order the codings are labelled."""
    order = [i for turn in doc.turns for p in turn.pieces for i in p.ends]
    seen = set(order)
    order += [i for i in range(len(doc.codings)) if i not in seen]  # marked nowhere
    numbered = [i for i in order if (doc.codings[i].coding.memo or "").strip()]
    return {i: n for n, i in enumerate(numbered, start=1)}


# ---------------------------------------------------------------------------- html
_CSS = """\
body{font-family:Georgia,'Times New Roman',serif;max-width:46em;margin:2em auto;
padding:0 1em;line-height:1.6;color:#111;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em}h1 small{color:#555;font-weight:normal}
h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
.meta{color:#333;margin:.2em 0;font-size:.95em}
p.turn{white-space:pre-wrap;margin:.9em 0}
.time{color:#666;font-size:.85em;font-family:sans-serif}.speaker{font-weight:bold}
.role{color:#666}
mark{color:inherit;padding:.05em 0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
sup.tag{font:600 .62em/1 sans-serif;padding:.1em .3em;margin:0 .1em;border-radius:.3em;
white-space:nowrap;border:1px solid #999;-webkit-print-color-adjust:exact;
print-color-adjust:exact}
sup.tag a{color:inherit}
ol.memos li{margin:.4em 0;white-space:pre-wrap}
table.legend{border-collapse:collapse}table.legend td{padding:.2em .6em}
.swatch{display:inline-block;width:1.2em;height:.9em;border:1px solid #999;
vertical-align:middle;-webkit-print-color-adjust:exact;print-color-adjust:exact}
@media print{body{max-width:none;margin:0}a{text-decoration:none}}
"""


def to_html(doc: Annotated) -> str:
    """One self-contained HTML page (inline CSS, no scripts, nothing fetched): coded text
    in ``<mark>`` tinted with its theme's colour (bands of each colour where codings
    overlap), the theme and coder as a small label where a coding ends and as the
    mark's tooltip, memos as numbered notes, and the themes used. Every text is
    escaped: a transcript is untrusted input."""
    e = _esc
    notes = _memo_numbers(doc)
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(doc.title)}: coded transcript</title>", f"<style>\n{_CSS}</style>",
           "</head>", "<body>",
           f"<h1>{e(doc.info.name)} <small>v{doc.info.version}</small></h1>",
           f'<p class="meta">{e(doc.participant()[0].upper() + doc.participant()[1:])}</p>',
           f'<p class="meta">Codings: {e(doc.summary())}</p>']
    for turn in doc.turns:
        t = turn.turn
        stamp = f'<span class="time">[{e(t.time)}]</span> ' if t.time else ""
        parts = [f'<p class="turn" id="turn-{turn.number}">{stamp}'
                 f'<span class="speaker">{e(t.speaker)}</span> '
                 f'<span class="role">({e(t.role)})</span>: ']
        for piece in turn.pieces:
            if piece.marks:
                marks = [doc.codings[i] for i in piece.marks]
                tip = "&#10;".join(e(f"{m.path} ({m.coding.coder})") for m in marks)
                parts.append(f'<mark style="background:{_bands(marks)}" title="{tip}">'
                             f"{e(piece.text)}</mark>")
            else:
                parts.append(e(piece.text))
            for i in piece.ends:
                m = doc.codings[i]
                note = (f' <a href="#memo-{notes[i]}">[{notes[i]}]</a>' if i in notes else "")
                parts.append(f'<sup class="tag" style="background:{m.tint}" '
                             f'title="{e(m.path)}">{e(m.theme)} · {e(m.coding.coder)}{note}'
                             "</sup>")
        out.append("".join(parts) + "</p>")
    if notes:
        out += ["<h2>Memos</h2>", '<ol class="memos">']
        for i, n in notes.items():
            m = doc.codings[i]
            out.append(f'<li id="memo-{n}"><b>{e(m.theme)}</b> ({e(m.coding.coder)}): '
                       f"{e((m.coding.memo or '').strip())}</li>")
        out.append("</ol>")
    if doc.legend:
        out += ["<h2>Themes</h2>", '<table class="legend">']
        for path, color, light, n in doc.legend:
            out.append(f'<tr><td><span class="swatch" style="background:{light};'
                       f'border-color:{color}"></span></td><td>{e(path)}</td>'
                       f"<td>{n:,} coding{'' if n == 1 else 's'}</td></tr>")
        out.append("</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _esc(text: str) -> str:
    """HTML text or attribute value, escaped (quotes too); control characters dropped."""
    return html.escape(word_safe(text), quote=True)


def _bands(marks: list[Marked]) -> str:
    """A mark's background: the tint, or one horizontal band per theme over the text."""
    tints = list(dict.fromkeys(m.tint for m in marks))  # two coders, one theme: one colour
    if len(tints) == 1:
        return tints[0]
    step = 100 / len(tints)
    stops = ",".join(f"{c} {k * step:.0f}% {(k + 1) * step:.0f}%" for k, c in enumerate(tints))
    return f"linear-gradient({stops})"



# ---------------------------------------------------------------------------- docx
def to_docx(doc: Annotated) -> bytes:
    """A Word document: the title, the participant and their attributes, one paragraph
    per turn (time, speaker in bold, text) with coded text shaded in its theme's tint
    (underlined where codings overlap) and a comment on each coding naming the theme
    path and coder, with the memo; then a legend of the themes used."""
    from docx.shared import Pt, RGBColor

    word = word_document(doc.title)
    body = Paragraphs(word)
    body.heading(word_safe(doc.title), 0)
    body.add(word_safe(doc.participant()[0].upper() + doc.participant()[1:]))
    note = body.add(word_safe(f"Codings: {doc.summary()}."))
    if doc.codings:
        note.add_run(" Coded text is shaded in its theme's colour (underlined where codings "
                     "overlap); each coding has a comment naming the theme and coder.")
    first: dict[tuple[int, int], object] = {}  # (coding, turn) -> its runs there
    last: dict[tuple[int, int], object] = {}
    grey = RGBColor(0x66, 0x66, 0x66)
    for turn in doc.turns:
        t = turn.turn
        para = body.add()
        if t.time:
            stamp = para.add_run(f"[{word_safe(t.time)}] ")
            stamp.font.size = Pt(9)
            stamp.font.color.rgb = grey
        para.add_run(word_safe(t.speaker)).bold = True
        para.add_run(f" ({word_safe(t.role)}): ")
        for piece in turn.pieces:
            run = para.add_run(word_safe(piece.text))
            if not piece.marks:
                continue
            if len(piece.marks) > 1:
                run.font.underline = True
            _shade(run, doc.codings[piece.marks[-1]].tint)
            for i in piece.marks:
                first.setdefault((i, turn.number), run)
                last[(i, turn.number)] = run
    _comments(word, doc, first, last)
    if doc.legend:
        body.heading("Themes", 1)
        for path, color, light, n in doc.legend:
            para = body.add()
            swatch = para.add_run("\u25a0 ")
            swatch.font.color.rgb = RGBColor.from_string(color[1:])
            _shade(para.add_run(word_safe(path)), light)
            para.add_run(f": {n:,} coding{'' if n == 1 else 's'}")
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()


_AFTER_SHD = ("w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
              "w:eastAsianLayout", "w:specVanish", "w:oMath")
"""The elements a run's ``w:rPr`` may hold after ``w:shd`` (the schema fixes the order)."""


def _shade(run: object, color: str) -> None:
    """Shade a run's background (``w:shd``, the colour Word's "Shading" sets)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = run._r.get_or_add_rPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd", attrs={qn("w:val"): "clear", qn("w:color"): "auto",
                                       qn("w:fill"): color[1:]})
    rpr.insert_element_before(shd, *_AFTER_SHD)


def _comments(word: object, doc: Annotated, first: dict[tuple[int, int], object],
              last: dict[tuple[int, int], object]) -> None:
    """A Word comment on each coding's runs: ``Theme path (coder)``, then the memo.

    A coding over several turns has a comment in each (``..., continued``): one range
    over both paragraphs would take in the next turn's speaker and time.

    ``Document.add_comment`` looks through every comment for the next free id each time
    (3.4 s of 4.9 s for the 2,600 codings of a 37,000-word hearing): the comments are
    made here as python-docx 1.2 makes them, the same XML, with ids counted up.
    """
    import datetime as dt

    from docx.comments import Comment
    from docx.oxml.ns import nsdecls
    from docx.oxml.parser import parse_xml

    comments = word.comments  # type: ignore[attr-defined]  # creates the comments part
    root = comments._comments_elm
    next_id = max((int(x) for x in root.xpath("./w:comment/@w:id")), default=-1) + 1
    today = dt.datetime.now(dt.timezone.utc)
    done: set[int] = set()
    for i, number in sorted(first):  # coding order, then turn order
        c = doc.codings[i].coding
        elm = parse_xml(_COMMENT.format(ns=nsdecls("w"), id=next_id))
        root.append(elm)
        elm.author = word_safe(c.coder)
        elm.initials = _initials(c.coder)
        elm.date = today
        comment = Comment(elm, comments._comments_part)
        head = f"{doc.codings[i].path} ({c.coder})" + (", continued" if i in done else "")
        comment.paragraphs[0].add_run(word_safe(head))
        if c.memo and c.memo.strip() and i not in done:
            for k, line in enumerate(c.memo.strip().splitlines()):
                comment.add_paragraph(word_safe(f"Memo: {line}" if k == 0 else line))
        first[(i, number)].mark_comment_range(  # type: ignore[attr-defined]
            last[(i, number)], next_id)
        done.add(i)
        next_id += 1


_COMMENT = ('<w:comment {ns} w:id="{id}" w:author=""><w:p><w:pPr>'
            '<w:pStyle w:val="CommentText"/></w:pPr><w:r><w:rPr>'
            '<w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r></w:p>'
            "</w:comment>")
"""A new comment as ``CT_Comments.add_comment`` (python-docx 1.2) writes it: one
paragraph, starting with the mark Word links to the commented text."""


def _initials(name: str) -> str:
    """``Ana Lopez`` -> ``AL``; ``ana`` -> ``AN``."""
    words = name.split()
    if len(words) > 1:
        return "".join(w[0] for w in words[:3]).upper()
    return name[:2].upper()


WRITERS = {"text": to_text, "md": to_markdown, "html": to_html, "docx": to_docx}
"""Format name -> writer (``str`` for text formats, ``bytes`` for docx)."""
