"""The transcript pane: a Line-API ScrollView that draws only the visible lines.

One widget per turn is far too slow for a 38k-word hearing (over a thousand
widgets, seconds to open), so this view keeps a :class:`~qualcoder_ahp.tui.layout.Layout`
(wrapped once per width) and renders each visible row on demand in
:meth:`TranscriptView.render_line`, applying the styles of codings, the pending
span, matched words, search hits and the selection only to that row's slice.
Text is turned into Segments from plain strings, never parsed as markup, so a
transcript containing ``[bold]`` shows those characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import events
from textual.message import Message

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcoder_ahp.records import Turn
from qualcoder_ahp.suggest.colours import parse, to_hex, workbench_tint
from qualcoder_ahp.tui.layout import BLANK, HEADER, TEXT, Layout, display_text, wrap_transcript
from qualcoder_ahp.tui.widgets.marks import ink

GUTTER = 2
_GREY = "#888888"
# True colours (ANSI yellow and magenta changed with the theme: black on the light
# theme's magenta was 3:1), Okabe-Ito's yellow and reddish purple, black text on both.
_MATCH = Style(color="#000000", bgcolor="#F0E442", dim=False)
_HIT = Style(color="#000000", bgcolor="#CC79A7", dim=False, bold=True)  # bold: seen sans colour


@dataclass
class Marks:
    """What to highlight, as half-open text spans (set by the screen, read when drawing)."""

    codings: list[tuple[int, int, str]] = field(default_factory=list)
    """This coder's codings: (start, end, theme colour), sorted by start."""
    span: tuple[int, int] | None = None
    """The pending span (what accept or code would store)."""
    matches: list[tuple[int, int]] = field(default_factory=list)
    """The current suggestion's matched words."""
    hits: list[tuple[int, int]] = field(default_factory=list)
    """Search hits, sorted by start."""
    selecting: bool = False
    """Whether the pending span is a selection being extended."""


class TranscriptView(ScrollView, can_focus=False):
    """Scrollable, wrapped, styled view of one transcript."""

    @dataclass
    class Clicked(Message):
        """The user clicked on the text at ``offset`` (the mouse is optional)."""

        view: TranscriptView
        offset: int

        @property
        def control(self) -> TranscriptView:
            """The view clicked, for ``@on(TranscriptView.Clicked)``."""
            return self.view

    # The vertical scrollbar is always there, so the wrap width never changes under it.
    DEFAULT_CSS = """
    TranscriptView { background: $surface; overflow-y: scroll; overflow-x: hidden; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.turns: list[Turn] = []
        self.interviewer: set[int] = set()
        self.layout_cache: Layout | None = None
        self.marks = Marks()
        self._style_cache: dict[tuple[str, bool], Style] = {}
        self._base: Style | None = None
        self._dark = True

    # ------------------------------------------------------------------ content
    def set_document(self, text: str, turns: list[Turn]) -> None:
        """Show a transcript (wrapping happens at the next size)."""
        self.text = text
        self.turns = turns
        self.interviewer = {i for i, t in enumerate(turns) if t.role == "interviewer"}
        self.layout_cache = None
        self._relayout()
        self.scroll_to(y=0, animate=False, immediate=True)

    def set_marks(self, marks: Marks) -> None:
        """Replace the highlights and redraw the visible rows."""
        self.marks = marks
        self.refresh()

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width - GUTTER
        if width <= 0 or not self.turns:
            self.virtual_size = Size(0, 0)
            return
        if self.layout_cache is None or self.layout_cache.width != max(8, width):
            self.layout_cache = wrap_transcript(self.text, self.turns, width)
        self.virtual_size = Size(width + GUTTER, len(self.layout_cache))

    def set_turns(self, turns: list[Turn]) -> None:
        """The same text with its speakers or roles changed elsewhere (``qcahp speakers``,
        a merge): new heads, re-wrapped, the reader's place kept."""
        if turns == self.turns:
            return
        self.turns = turns
        self.interviewer = {i for i, t in enumerate(turns) if t.role == "interviewer"}
        self._rewrap(force=True)

    def on_resize(self) -> None:
        """Re-wrap when the width changes, keeping the reader's place.

        The scroll position is a row number, and a row holds more text when the view
        is wider: without an anchor, widening the terminal jumped pages ahead and the
        current suggestion went off screen. So the text at the top stays at the top,
        and the pending span is then brought into view if the re-wrap pushed it out.
        """
        self._rewrap(force=False)

    def _rewrap(self, force: bool) -> None:
        """Wrap again (always with ``force``, else when the width changed), keeping place."""
        old = self.layout_cache
        anchor = self._top_anchor()
        span = self.marks.span
        span_shown = span is not None and old is not None and self._on_screen(old, *span)
        if force:
            self.layout_cache = None
        self._relayout()
        new = self.layout_cache
        if old is not None and new is not None and new is not old and anchor is not None:
            offset, rows_above = anchor
            self.scroll_to(y=max(0, new.row_of(offset) - rows_above), animate=False,
                           immediate=True)
            if span is not None and span_shown:
                self.show_span(*span)
        self.refresh()

    def _on_screen(self, layout: Layout, start: int, end: int) -> bool:
        """Whether some row of ``[start, end)`` is in the viewport (under ``layout``)."""
        rows = layout.rows_of(start, end)
        y = round(self.scroll_y)
        return rows.start < y + max(1, self.scrollable_content_region.height) and rows.stop > y

    def shows(self, start: int, end: int) -> bool:
        """Whether some row of ``[start, end)`` is on screen now."""
        layout = self.layout_cache
        return layout is not None and self._on_screen(layout, start, end)

    def text_on_screen(self) -> tuple[int, int] | None:
        """``(start, end)``: the text offsets from the first text row on screen to the end
        of the last; None when no text row is shown."""
        layout = self.layout_cache
        if layout is None or not len(layout):
            return None
        top = min(round(self.scroll_y), len(layout) - 1)
        bottom = min(top + max(1, self.scrollable_content_region.height), len(layout))
        rows = [layout.lines[r] for r in range(top, bottom) if layout.lines[r].kind == TEXT]
        return (rows[0].start, rows[-1].end) if rows else None

    def _top_anchor(self) -> tuple[int, int] | None:
        """(text offset, rows above it) of the first text row at or below the top row."""
        layout = self.layout_cache
        if layout is None or not len(layout):
            return None
        top = min(round(self.scroll_y), len(layout) - 1)
        for row in range(top, len(layout)):
            line = layout.lines[row]
            if line.kind == TEXT:
                return line.start, row - top
        return None

    def show_span(self, start: int, end: int) -> None:
        """Scroll so that ``[start, end)`` is on screen (centred when it was off screen)."""
        if self.layout_cache is None:
            self._relayout()
        if self.layout_cache is None:
            return
        rows = self.layout_cache.rows_of(start, end)
        # Include the speaker header when the span starts a turn.
        top, bottom = max(0, rows.start - 1), rows.stop
        height = max(1, self.scrollable_content_region.height)
        y = round(self.scroll_y)
        if top >= y and bottom <= y + height:
            return
        target = max(0, top - height // 3) if bottom - top < height else top
        self.scroll_to(y=target, animate=False, immediate=True)

    def on_click(self, event: events.Click) -> None:
        """Turn a click into a text offset (start of the clicked row, plus the column)."""
        layout = self.layout_cache
        row = round(self.scroll_y) + event.y
        if layout is None or not 0 <= row < len(layout):
            return
        line = layout.lines[row]
        column = max(0, event.x - GUTTER)
        self.post_message(self.Clicked(self, min(line.start + column, max(line.start,
                                                                          line.end - 1))))

    # ------------------------------------------------------------------ drawing
    def _colour(self, colour: str) -> Style:
        """The style of text coded with ``colour``: the theme's colour behind black or
        white text with a 4.5:1 contrast (:func:`~qualcoder_ahp.suggest.colours.
        workbench_tint`), never dimmed; in italics too under ``NO_COLOR``, where a
        terminal may show no colour at all."""
        no_color = bool(getattr(self.app, "no_color", False)) if self.is_attached else False
        style = self._style_cache.get((colour, no_color))
        if style is None:
            try:
                rgb = parse(colour)
            except ValueError:  # a bad colour in a codebook must not break drawing
                rgb = parse(_GREY)
            background, text = workbench_tint(rgb)
            style = Style(bgcolor=to_hex(background), color=to_hex(text), dim=False,
                          italic=no_color or None)
            self._style_cache[(colour, no_color)] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        """Compute the base style once per pass, not once per row."""
        self._base = self.rich_style
        self._dark = self.app.current_theme.dark if self.is_attached else True
        try:
            return super().render_lines(crop)
        finally:
            self._base = None

    def render_line(self, y: int) -> Strip:
        """Draw display row ``scroll_y + y``."""
        width = self.scrollable_content_region.width
        base = self._base or self.rich_style
        layout = self.layout_cache
        row = round(self.scroll_y) + y
        if layout is None or row >= len(layout):
            return Strip.blank(width, base)
        line = layout.lines[row]
        if line.kind == BLANK:
            strip = Strip.blank(width, base)
        elif line.kind == HEADER:
            strip = self._header(line.turn, base)
        else:
            strip = self._text_row(line.start, line.end, line.turn, base)
        return strip.crop_extend(0, width, base)

    def _header(self, turn_index: int, base: Style) -> Strip:
        turn = self.turns[turn_index]
        role = turn.role if turn.role in ("interviewer", "participant") else "other"
        role_style = ink(role, self._dark, bold=True)
        segments = [Segment(" " * GUTTER, base),
                    Segment(display_text(turn.speaker), base + role_style)]
        if turn.time:
            segments.append(Segment(f"  {display_text(turn.time)}", base + Style(dim=True)))
        return Strip(segments)

    def _text_row(self, start: int, end: int, turn: int, base: Style) -> Strip:
        marks = self.marks
        text_style = base + Style(dim=True) if turn in self.interviewer else base
        codings = [c for c in marks.codings if c[0] < end and start < c[1]]
        span = marks.span if marks.span and marks.span[0] < end and start < marks.span[1] \
            else None
        matches = [m for m in marks.matches if m[0] < end and start < m[1]]
        hits = [h for h in marks.hits if h[0] < end and start < h[1]] if marks.hits else []
        cuts = {start, end}
        for group in (codings, matches, hits, [span] if span else []):
            for item in group:
                cuts.update(p for p in (item[0], item[1]) if start < p < end)
        points = sorted(cuts)
        segments = self._gutter(codings, span, base)
        for a, b in zip(points, points[1:], strict=False):
            style = text_style
            for c_start, c_end, colour in codings:
                if c_start <= a < c_end:
                    style = style + self._colour(colour)
            if span and span[0] <= a < span[1]:
                style = style + Style(underline=True, bold=True, dim=False)
                if marks.selecting:
                    style = style + Style(reverse=True)
            if any(m[0] <= a < m[1] for m in matches):
                style = style + _MATCH
            if any(h[0] <= a < h[1] for h in hits):
                style = style + _HIT
            segments.append(Segment(display_text(self.text[a:b]), style))
        return Strip(segments)

    def _gutter(self, codings: list[tuple[int, int, str]], span: tuple[int, int] | None,
                base: Style) -> list[Segment]:
        """``▶`` on the current span's rows; ``▌`` in the theme's colour on a coded row,
        ``▌▌`` (the last two themes' colours) where codings of two or more themes meet,
        so the count shows without colour."""
        if span is not None:
            return [Segment("▶ ", base + ink("undecided", self._dark, bold=True))]
        colours = list(dict.fromkeys(c[2] for c in codings))
        if len(colours) > 1:
            return [Segment("▌", base + Style(color=self._colour(c).bgcolor))
                    for c in colours[-2:]]
        if colours:
            return [Segment("▌ ", base + Style(color=self._colour(colours[0]).bgcolor))]
        return [Segment(" " * GUTTER, base)]
