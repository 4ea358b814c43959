"""The workbench's marks: what each one means, in words, glyphs and legible colours.

Meaning is never carried by colour alone (a coder may not see red against green,
may work with ``NO_COLOR`` or in a 16-colour terminal): every status has a glyph
and a word, the current span is bold and underlined, a selection reversed. The
colours that remain are chosen per Textual theme, so text keeps a 4.5:1 contrast
on the dark and the light background alike (``tests/test_access_colours.py``).
"""

from __future__ import annotations

from rich.style import Style

STATUS_GLYPH = {"undecided": "○", "accepted": "✓", "rejected": "✗"}
"""A suggestion's status as a glyph, shown before the word (any other status: ✓)."""

INK: dict[str, tuple[str, str]] = {
    # name: (on the dark theme, on the light theme)
    "undecided": ("#FEA62B", "#7A4A00"),
    "accepted": ("#4EBF71", "#17592B"),
    "rejected": ("#F0707F", "#A3253F"),
    "adjusted": ("#D68FE0", "#7B2D8A"),
    "interviewer": ("#9E9E9E", "#555555"),
    "participant": ("#58D1EB", "#005F87"),
    "other": ("#E0D561", "#6F4E00"),
    "key": ("#58D1EB", "#005F87"),
}
"""Colours of the marks, each with a 4.5:1 contrast or more on its theme's backgrounds."""


def ink(name: str, dark: bool = True, **attributes: bool) -> Style:
    """The style of mark ``name`` on a dark or light theme (``bold=True`` and so on)."""
    colours = INK[name]
    return Style(color=colours[0] if dark else colours[1], **attributes)


def status_mark(status: str) -> str:
    """``"✓ accepted"``: the glyph and the word of a suggestion's status."""
    return f"{STATUS_GLYPH.get(status, '✓')} {status}"


LEGEND: list[tuple[str, str, str]] = [
    ("▶", "current span", "The sentence, suggestion or selection that a, c or x acts on: "
                          "bold and underlined (reversed while v selects)"),
    ("▌", "coded here", "This row holds your coding; the text is drawn in the theme's "
                        "colour (the panel names it: \"Your coding here\")"),
    ("▌▌", "two themes", "This row holds codings of two or more themes"),
    ("○ ✓ ✗", "status", "The suggestion is undecided, accepted or rejected (the panel "
                        "says which, in words)"),
    ("Matched:", "words", "The words the pattern matched (also highlighted in the text)"),
    ("█", "swatch", "A theme's colour, beside its name; folders are in italics"),
]
"""What the coding screen's marks mean, for the help (key column, name, details)."""
