"""Side-panel contents of the coding screen, as Rich Text built from plain strings.

Theme names, definitions and quotes come from codebooks and transcripts, so they
are appended as plain text (never parsed as markup): ``Text.append`` with a style.
"""

from __future__ import annotations

import re

from rich.text import Text

from qualcoder_ahp.records import Pattern, Theme
from qualcoder_ahp.tui.session import CodingSession
from qualcoder_ahp.tui.widgets.marks import ink, status_mark

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def _swatch(colour: str) -> str:
    return f"on {colour}" if _HEX.fullmatch(colour) else "on grey50"


def suggestion_text(session: CodingSession, patterns: dict[str, Pattern],
                    dark: bool = True) -> Text:
    """The current suggestion (theme, definition, criteria, patterns, status) or the cursor.

    The status is a glyph and a word (``○ undecided``, ``✓ accepted``, ``✗ rejected``),
    coloured for the dark or the light theme (``dark``), so it reads without colour.
    """
    out = Text()
    sug = session.current
    decided, total = session.progress()
    out.append(f"Decided {decided}/{total}", style="bold")
    filters = []
    if session.status_filter != "all":
        filters.append(session.status_filter)
    if session.theme_filter:
        theme = session.themes.get(session.theme_filter)
        filters.append(theme.name if theme else session.theme_filter)
    if filters:
        out.append("  filter: " + ", ".join(filters), style="italic")
    out.append("\n")
    if sug is None:
        span = session.span
        if session.anchor is not None:
            # How much is selected, and what comes next ("Selecting sentences (v to
            # stop)" left both to be guessed until c's picker counted them).
            n = abs(session.cursor - session.anchor) + 1
            out.append(f"Selecting sentences: {n}", style=ink("undecided", dark, bold=True))
            out.append(" (↓ ↑ extend, c codes, v stops)\n")
        elif span is not None:
            out.append(f"Cursor: sentence {session.cursor + 1}/{len(session.sentences)}\n")
        if session.suggestions:
            if session.anchor is None:  # selecting: the line above says what c does
                out.append("No suggestion selected: n/p to walk them, c to code by hand.\n",
                           style="dim")
        elif not any(t.codable for t in session.themes.values()):
            out.append("No codebook loaded yet: press L to load one, then S on the "
                       "transcripts screen (t).\n", style="dim")
        else:
            out.append("No suggestions in this transcript (no pattern matched, or S has "
                       "not been run since it was imported): c codes by hand.\n",
                       style="dim")
        if session.anchor is None and session.transcript_memo:
            # Written with M → Transcript; shown here, or it was seen only by opening it.
            out.append("Your memo on the transcript: ", style="bold")
            out.append(_short(session.transcript_memo, 200) + "\n")
    else:
        theme = session.themes.get(sug.theme_id)
        visible = session.visible_suggestions()
        index = next((i for i, s in enumerate(visible) if s.id == sug.id), None)
        where = f"{index + 1}/{len(visible)}" if index is not None else "(filtered out)"
        status = session.status_of(sug)
        out.append(f"Suggestion {where} · ")
        out.append(status_mark(status), style=ink(
            status if status in ("undecided", "rejected") else "accepted", dark, bold=True))
        if session.is_adjusted():
            out.append(" · span adjusted", style=ink("adjusted", dark, bold=True))
        out.append("\n")
        _theme_name(out, theme, sug.theme_id, dark)
        words = [session.text[a:b] for a, b in sug.matches]
        out.append("Matched: ", style="bold")
        out.append(", ".join(f"“{w}”" for w in words) or "-")
        out.append("\nPatterns: ", style="bold")
        out.append(", ".join(sug.pattern_ids) or "-")
        if not sug.found:  # kept open for the decisions on it
            out.append(" (no longer found: kept for its decisions)", style="italic")
        out.append("\n")
    under = session.codings_under_cursor()
    if under:
        coding = under[0]
        theme = session.themes.get(coding.theme_id)
        out.append("Your coding here: ", style="bold")
        out.append(theme.name if theme else coding.theme_id)
        out.append(f" ({coding.origin})")
        others = [session.themes[c.theme_id].name if c.theme_id in session.themes
                  else c.theme_id for c in under[1:]]
        out.append(f"; also {', '.join(others)}\n" if others else "\n")
        if coding.memo:
            out.append("Memo: ", style="bold")
            out.append(_short(coding.memo, 200) + "\n")
    if sug is not None:
        _criteria(out, session.themes.get(sug.theme_id), patterns, sug.pattern_ids)
    return out


def _theme_name(out: Text, theme: Theme | None, theme_id: str, dark: bool = True) -> None:
    if theme is None:
        out.append(f"Theme {theme_id} (not in the codebook)\n",
                   style=ink("rejected", dark, bold=True))
        return
    out.append("  ", style=_swatch(theme.color))
    out.append(" ")
    out.append(theme.name + "\n", style="bold")


def _criteria(out: Text, theme: Theme | None, patterns: dict[str, Pattern],
              pattern_ids: tuple[str, ...]) -> None:
    """Definition, inclusion and exclusion criteria, examples, then what each pattern
    looks for."""
    if theme is not None:
        for label, body in (("Definition", theme.description), ("Include", theme.inclusion),
                            ("Exclude", theme.exclusion)):
            if body:
                out.append(f"{label}: ", style="bold")
                out.append(body.strip() + "\n")
        if theme.examples:
            out.append("Examples: ", style="bold")
            out.append("; ".join(f"“{e.strip()}”" for e in theme.examples) + "\n")
    for pid in pattern_ids:
        pattern = patterns.get(pid)
        if pattern is not None:
            out.append(f"{pid}: ", style="dim bold")
            out.append(_short(str(pattern.body), 80) + "\n", style="dim")


def codebook_text(themes: list[Theme], here: dict[str, int], everywhere: dict[str, int],
                  recent: list[str], width: int = 0, dark: bool = True,
                  height: int = 0) -> Text:
    """The theme tree with this coder's counts (here / all transcripts) and number keys.

    With ``width``, a theme name too long for its line ends in "…" so that each theme
    takes one line with its counts (a wrapped count pushed themes off the panel). With
    ``height``, a tree longer than the pane gives way to the number keys' themes in their
    order (1 first) and a last line saying how many more the codebook holds: the pane
    showed the top of the tree, cut without a word, and the theme just made (key 1, at
    the bottom of the tree) was nowhere to be seen while 2, 3 … were.
    """
    out = Text()
    # What the two figures are ("Codebook (here/all)" left a new coder reading "1/1" as
    # one of one, as "Decided 1/78" above it reads).
    out.append("Codebook: your codings here/all\n", style="bold")
    if not themes:
        out.append("No themes yet: L loads a codebook, or c names a theme as you "
                   "code.\n", style="dim")
    depth: dict[str, int] = {}
    numbers = {theme_id: i + 1 for i, theme_id in enumerate(recent)}
    rows: list[tuple[Theme, int]] = []
    for theme in themes:
        level = depth[theme.parent_id] + 1 if theme.parent_id in depth else 0
        depth[theme.id] = level
        rows.append((theme, level))
    more = 0
    if height and len(rows) + 1 > height:
        by_id = {theme.id: theme for theme, _ in rows}
        keyed = [(by_id[t], 0) for t in recent if t in by_id][:max(0, height - 2)]
        more, rows = len(rows) - len(keyed), keyed
    for theme, level in rows:
        number = numbers.get(theme.id)
        out.append(f"{number} " if number else "  ", style=ink("key", dark, bold=True))
        out.append("  " * level)
        out.append(" ", style=_swatch(theme.color))
        out.append(" ")
        counts = f" {here.get(theme.id, 0)}/{everywhere.get(theme.id, 0)}" if theme.codable \
            else ""
        name = theme.name
        room = width - (2 + 2 * level + 2) - len(counts)
        if width and len(name) > room:
            name = name[:max(1, room - 1)] + "…"
        out.append(name, style="" if theme.codable else "italic dim")
        out.append(counts, style="dim")
        out.append("\n")
    if more:
        line = Text(f"▼ {more} more in the codebook (k)", style="dim italic")
        if width:
            line.truncate(width, overflow="ellipsis")
        out.append_text(line)
        out.append("\n")
    return out


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
