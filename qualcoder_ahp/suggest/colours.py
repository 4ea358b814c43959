"""Theme colours as people see them: contrast, colour-vision deficiency, distance.

A codebook gives each theme a colour, drawn as a tint behind coded text in the
workbench, in the annotated transcript and as bars in charts. About one man in
twelve sees colours with a deficiency, so two themes whose colours differ only in
red against green may look the same to a coder. This module measures that (plain
Python, no dependency): the WCAG 2 contrast ratio, the colour-vision deficiency
simulation of Machado, Oliveira and Fernandes (2009, severity 1) and the CIEDE2000
colour difference, and :func:`workbench_tint`, the tint the workbench draws so that
its text keeps a 4.5:1 contrast whatever colour a codebook chose.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence

RGB = tuple[float, float, float]
"""A colour as sRGB components in 0..1."""

_HEX = re.compile(r"#[0-9a-fA-F]{6}")

# Machado et al. 2009, severity 1.0, applied to linear RGB.
CVD: dict[str, tuple[RGB, RGB, RGB]] = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
VISIONS = ("normal", *CVD)
"""The ways of seeing compared: typical vision, then each simulated deficiency."""

TEXT_CONTRAST = 4.5
"""WCAG 2 AA contrast for body text."""
CLOSE = 8.0
"""Sibling themes whose colours are less than this CIEDE2000 apart, as some coder
sees them, are called too close to tell apart. About 2 is "just noticeable"; the
colour-blind-safe palettes (Paul Tol's muted, Okabe-Ito) keep every pair at 9 to 12
even under full dichromacy, so 8 is below what a careful palette reaches."""
FAINT = 8.0
"""A workbench tint less than this CIEDE2000 from the background of the dark (or the
light) theme is called too dark (or too light) to tell from it."""

DARK_SURFACE = "#1E1E1E"
"""Textual's dark theme background behind the transcript (``$surface``)."""
LIGHT_SURFACE = "#D8D8D8"
"""Textual's light theme background behind the transcript."""


def parse(colour: str) -> RGB:
    """``#RRGGBB`` as sRGB components in 0..1 (a ``ValueError`` for anything else)."""
    if not _HEX.fullmatch(colour or ""):
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return (int(colour[1:3], 16) / 255, int(colour[3:5], 16) / 255, int(colour[5:7], 16) / 255)


def to_hex(rgb: RGB) -> str:
    """sRGB components (clipped to 0..1) as ``#RRGGBB``."""
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02X}" for c in rgb)


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance."""
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def simulate(rgb: RGB, vision: str) -> RGB:
    """``rgb`` as seen with ``vision`` (``"normal"`` or a key of :data:`CVD`)."""
    if vision == "normal":
        return rgb
    lin = [_linear(c) for c in rgb]
    return tuple(_gamma(sum(m * c for m, c in zip(row, lin, strict=True)))  # type: ignore
                 for row in CVD[vision])


def lab(rgb: RGB) -> RGB:
    """CIE L*a*b* (D65) of an sRGB colour."""
    r, g, b = (_linear(c) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1: RGB, lab2: RGB) -> float:
    """The CIEDE2000 difference of two L*a*b* colours (Sharma, Wu and Dalal 2005)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    dhh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6))
         - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_c = 2 * math.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25 ** 7))
    r_t = -math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2)))) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dhh / s_h) ** 2
                     + r_t * (dc / s_c) * (dhh / s_h))


def distance(a: RGB, b: RGB, vision: str = "normal") -> float:
    """CIEDE2000 between two sRGB colours as seen with ``vision``."""
    return ciede2000(lab(simulate(a, vision)), lab(simulate(b, vision)))


def worst_distance(a: RGB, b: RGB) -> tuple[float, str]:
    """The smallest distance of ``a`` and ``b`` over :data:`VISIONS`, and that vision."""
    return min((distance(a, b, v), v) for v in VISIONS)


def blend(a: RGB, b: RGB, share: float) -> RGB:
    """``a`` with ``share`` parts of ``b`` mixed in (in sRGB, as Textual blends)."""
    return tuple(x + (y - x) * share for x, y in zip(a, b, strict=True))  # type: ignore


WHITE: RGB = (1.0, 1.0, 1.0)
BLACK: RGB = (0.0, 0.0, 0.0)


def workbench_tint(colour: RGB) -> tuple[RGB, RGB]:
    """(background, text) the workbench draws for text coded with ``colour``.

    The theme's own colour, like a highlighter, with black or white text, whichever
    needs less change: the colour is mixed with the text's opposite (white under black
    text, black under white) only as far as :data:`TEXT_CONTRAST` needs. So the
    colours keep the differences the codebook chose (mixing every tint half with black,
    as before, made sibling themes up to three times harder to tell apart), and a pale
    yellow or a deep navy stays legible, in the dark and the light theme alike.
    """
    best: tuple[float, RGB, RGB] | None = None
    for text, towards in ((WHITE, BLACK), (BLACK, WHITE)):
        share, tint = 0.0, colour
        while contrast(tint, text) < TEXT_CONTRAST and share < 1:
            share = min(1.0, share + 0.05)
            tint = blend(colour, towards, share)
        if best is None or share < best[0]:
            best = (share, tint, text)
    assert best is not None
    return best[1], best[2]


def close_pairs(themes: Iterable[tuple[str, str | None, str]],
                limit: float = CLOSE) -> list[tuple[str, str, float, str]]:
    """Sibling themes whose colours some coder cannot tell apart.

    Args:
        themes: ``(theme id, parent id, colour)`` in codebook order; colours that are
            not ``#RRGGBB`` (grey by default) are skipped.
        limit: the CIEDE2000 distance under which two colours are too close.

    Returns:
        ``(first id, second id, distance, vision)`` for each pair of themes under one
        parent whose colours are closer than ``limit`` in some vision, in codebook order.
    """
    by_parent: dict[str | None, list[tuple[str, RGB]]] = {}
    for theme_id, parent, colour in themes:
        if _HEX.fullmatch(colour or ""):
            by_parent.setdefault(parent, []).append((theme_id, parse(colour)))
    found = []
    for siblings in by_parent.values():
        for i, (a_id, a) in enumerate(siblings):
            for b_id, b in siblings[i + 1:]:
                d, vision = worst_distance(a, b)
                if d < limit:
                    found.append((a_id, b_id, d, vision))
    return found


def faint(colour: str, limit: float = FAINT) -> str | None:
    """``"dark"`` or ``"light"`` when the workbench tint of ``colour`` is hard to tell
    from the background in the dark or the light theme; ``None`` when it shows in both."""
    tint, _ = workbench_tint(parse(colour))
    for surface, word in ((DARK_SURFACE, "dark"), (LIGHT_SURFACE, "light")):
        if min(distance(tint, parse(surface), v) for v in VISIONS) < limit:
            return word
    return None


def min_sibling_distance(themes: Sequence[tuple[str, str | None, str]]) -> float:
    """The smallest distance between sibling theme colours over every vision (inf: none)."""
    pairs = close_pairs(themes, limit=math.inf)
    return min((d for _, _, d, _ in pairs), default=math.inf)


# Paul Tol's muted and light qualitative schemes: distinct, colour-blind safe, readable on
# a dark or light terminal. A new theme (added in the workbench, or a label of a patterns
# JSONL file) takes the one farthest from the colours in use (:func:`distinct_colour`).
PALETTE = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99",
           "#999933", "#AA4499", "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF",
           "#44BB99", "#BBCC33", "#AAAA00")


def distinct_colour(used: Iterable[str]) -> str:
    """The :data:`PALETTE` colour farthest from every colour in ``used``, as the coder who
    sees them least apart sees them (:func:`worst_distance`), so a new theme's tint is not
    mistaken for another's; the first when none is used, the first of equals otherwise."""
    taken = [parse(c) for c in used if _HEX.fullmatch(c or "")]
    usable = _usable()
    if not taken:
        return usable[0]
    return max(usable, key=lambda c: min(worst_distance(parse(c), t)[0] for t in taken))


@functools.cache
def _usable() -> tuple[str, ...]:
    """The :data:`PALETTE` colours whose tint shows in both workbench themes: #FFAABB is
    too light for the light theme (:func:`faint`), so a theme given it was coded text
    that looked uncoded, and an export of the codebook checked with a warning about a
    colour the tool itself had chosen."""
    return tuple(c for c in PALETTE if faint(c) is None)


def distinct_colours(n: int) -> list[str]:
    """``n`` colours for new themes, each as far from the earlier ones as it can be."""
    out: list[str] = []
    for _ in range(n):
        out.append(distinct_colour(out))
    return out


# Colour names a codebook's author may type, as CSS defines them: a name is not read as a
# colour (:func:`colour_advice` offers the nearest palette colour instead).
NAMED = {
    "red": "#FF0000", "green": "#008000", "blue": "#0000FF", "yellow": "#FFFF00",
    "orange": "#FFA500", "purple": "#800080", "violet": "#EE82EE", "pink": "#FFC0CB",
    "brown": "#A52A2A", "grey": "#808080", "gray": "#808080", "black": "#000000",
    "white": "#FFFFFF", "cyan": "#00FFFF", "magenta": "#FF00FF", "teal": "#008080",
    "navy": "#000080", "olive": "#808000", "maroon": "#800000", "lime": "#00FF00",
    "aqua": "#00FFFF", "turquoise": "#40E0D0", "indigo": "#4B0082", "gold": "#FFD700",
    "beige": "#F5F5DC", "lavender": "#E6E6FA", "salmon": "#FA8072", "coral": "#FF7F50",
    "khaki": "#F0E68C", "crimson": "#DC143C", "tan": "#D2B48C", "mint": "#98FF98",
    "lightblue": "#ADD8E6", "darkblue": "#00008B", "lightgreen": "#90EE90",
    "darkgreen": "#006400", "darkred": "#8B0000", "lightgrey": "#D3D3D3",
    "lightgray": "#D3D3D3", "darkgrey": "#A9A9A9", "darkgray": "#A9A9A9",
    "skyblue": "#87CEEB", "rose": "#CC6677", "sand": "#DDCC77", "wine": "#882255",
}


def colour_advice(typed: str) -> str:
    """How to write a colour that is not ``#RRGGBB`` (for "bad colour 'red': ..."): the
    same colour so written (``#F00``, ``CC6677``, ``#CC6677FF`` from MAXQDA), or for a
    colour name its CSS value and the nearest :data:`PALETTE` colour (distinct and
    colour-blind safe); ``""`` when there is no guess."""
    text = typed.strip()
    digits = text[1:] if text.startswith("#") else text
    if re.fullmatch(r"[0-9A-Fa-f]{3}", digits):
        return f'write all six digits, color: "#{"".join(c * 2 for c in digits).upper()}"'
    if re.fullmatch(r"[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?", digits):
        what = ("without the transparency, " if len(digits) == 8 else
                "with its # and in quotes, " if not text.startswith("#") else "")
        return f'write it {what}color: "#{digits[:6].upper()}"'
    key = re.sub(r"[\s_-]+", "", text.lower())
    if key in NAMED:
        near = min(PALETTE, key=lambda c: distance(parse(c), parse(NAMED[key])))
        return (f'a colour name is not read: write color: "{NAMED[key]}", or "{near}", the '
                "nearest of Paul Tol's colour-blind-safe colours")
    return ""
