"""Theme colours as coders see them: CVD simulation, CIEDE2000, contrast, codebook check."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from qualcoder_ahp.suggest import colours as C
from qualcoder_ahp.suggest.codebook import check_codebook, load_codebook

SHIPPED = Path(__file__).resolve().parents[1] / "codebooks" / "ahp-leadership.yaml"


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    # Sharma, Wu and Dalal (2005), Table 1, pairs 1, 3, 7 and 17.
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
])
def test_ciede2000_reproduces_the_published_pairs(lab1, lab2, expected):
    assert C.ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_contrast_is_the_wcag_ratio():
    assert C.contrast(C.WHITE, C.BLACK) == pytest.approx(21.0)
    assert C.contrast(C.parse("#777777"), C.WHITE) == pytest.approx(4.48, abs=0.01)


def test_simulation_keeps_greys_and_merges_red_with_green():
    grey = C.parse("#808080")
    red, green = C.parse("#CC3311"), C.parse("#228833")
    for vision in C.CVD:
        assert C.distance(grey, C.simulate(grey, vision)) < 0.5  # rows sum to one
    assert C.distance(red, green) > 40
    assert C.distance(red, green, "deuteranopia") < C.distance(red, green) / 2
    assert C.distance(red, green, "tritanopia") > C.distance(red, green, "deuteranopia")


def _shipped() -> list[tuple[str, str | None, str]]:
    return [(t.id, t.parent_id, t.color) for t in load_codebook(SHIPPED).themes]


def test_shipped_sibling_colours_are_told_apart_in_every_vision():
    themes = _shipped()
    assert C.close_pairs(themes) == []
    assert C.min_sibling_distance(themes) >= 10  # Tol's and Okabe-Ito's own level


def test_shipped_colours_are_all_different():
    codable = [t.color for t in load_codebook(SHIPPED).themes if t.codable]
    assert len(set(codable)) == len(codable)


@pytest.mark.parametrize("colour", ["#000000", "#FFFFFF", "#FFFF00", "#0000FF", "#777777",
                                    "#DDCC77", "#332288", "#88CCEE", "#BBBBBB", "#FF00FF"])
def test_workbench_tint_keeps_text_legible(colour):
    background, text = C.workbench_tint(C.parse(colour))
    assert C.contrast(background, text) >= C.TEXT_CONTRAST
    assert text in (C.WHITE, C.BLACK)


def test_workbench_tints_keep_the_shipped_colours_apart():
    """Drawn as tints the siblings stay as far apart as the colours (old tints: 2.7)."""
    themes = _shipped()
    tinted = [(i, p, C.to_hex(C.workbench_tint(C.parse(c))[0])) for i, p, c in themes]
    assert C.min_sibling_distance(tinted) >= 10
    for _, _, colour in themes:
        background, text = C.workbench_tint(C.parse(colour))
        assert C.contrast(background, text) >= C.TEXT_CONTRAST


def _codebook(tmp: Path, colours: list[str], parent_colour: str = "#4477AA") -> Path:
    lines = ["name: t", "themes:", "  - id: top", "    name: Top", "    codable: false",
             f'    color: "{parent_colour}"', "    children:"]
    for i, colour in enumerate(colours):
        lines += [f"      - id: child{i}", f"        name: Child {i}",
                  f'        color: "{colour}"']
    path = tmp / "colours.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_check_warns_of_siblings_too_close(tmp_path):
    path = _codebook(tmp_path, ["#117733", "#999933", "#EE7733"])
    result = check_codebook(path)
    assert result.ok
    close = [w for w in result.warnings if "too close" in w]
    assert close == [f"{path}:16: theme child2: colour too close to that of its sibling "
                     "child1 to tell apart with protanopia (CIEDE2000 4.1, under 8): choose "
                     "another, such as one of Paul Tol's muted colours"]


def test_check_warns_of_a_colour_the_background_swallows(tmp_path):
    path = _codebook(tmp_path, ["#1A1A1A", "#88CCEE"])
    warnings = check_codebook(path).warnings
    assert warnings == [f"{path}:10: theme child0: colour #1A1A1A is too dark to show "
                        "against the workbench's dark theme: coded text would look uncoded"]


def test_check_is_quiet_for_a_safe_palette(tmp_path):
    okabe_ito = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00"]
    assert check_codebook(_codebook(tmp_path, okabe_ito)).warnings == []
    assert [w for w in check_codebook(SHIPPED).warnings if "colour" in w] == []


def test_old_shipped_palette_is_caught():
    """The colours shipped before the audit: two sibling pairs a dichromat cannot tell."""
    themes = [(i, p, {"influence_and_voice": "#AA4499", "sharing_innovation": "#EE7733"}.get(
        i, c)) for i, p, c in _shipped()]
    pairs = {(a, b) for a, b, _, _ in C.close_pairs(themes)}
    assert pairs == {("career_pathways", "influence_and_voice"),
                     ("role_ambiguity", "sharing_innovation")}


def test_every_pair_of_visions_is_compared():
    assert C.VISIONS == ("normal", "protanopia", "deuteranopia", "tritanopia")
    for a, b in itertools.combinations(["#000000", "#FFFFFF"], 2):
        assert C.worst_distance(C.parse(a), C.parse(b))[0] > 90


def _closest(colour: str, others) -> float:
    return min(C.worst_distance(C.parse(colour), C.parse(o))[0] for o in others)


def test_a_theme_added_to_the_shipped_codebook_is_told_apart_in_every_vision(tmp_path):
    # The workbench's `a` (Store.add_theme) picks the new theme's colour. By RGB distance
    # it took #FFAABB, 1.9 CIEDE2000 from a shipped colour for a colour-blind coder.
    from qualcoder_ahp.model.store import open_store

    store = open_store(tmp_path / "p.db")
    store.save_codebook(load_codebook(SHIPPED))
    shipped = [t.color for t in store.themes()]
    theme = store.add_theme("Caring for carers", coder="ana")
    assert theme.color == C.distinct_colour(shipped)
    # 15 colours in use leave none of the palette a full CLOSE (8) from all of them;
    # the farthest is 7.2 apart.
    assert _closest(theme.color, shipped) >= 7
    store.close()


def test_a_patterns_jsonl_gives_its_labels_colours_told_apart(tmp_path):
    # The labels' palette had #4477AA and #0077BB, 2.0 apart: ten labels clashed.
    from qualcoder_ahp.suggest.pattern_files import check_jsonl_codebook

    path = tmp_path / "patterns.jsonl"
    path.write_text("".join(f'{{"label": "THEME{i}", "pattern": "word{i}"}}\n'
                            for i in range(10)), encoding="utf-8")
    result = check_jsonl_codebook(path)
    colours = [t.color for t in result.codebook.themes]
    assert len(set(colours)) == 10
    assert min(_closest(a, [b]) for a, b in itertools.combinations(colours, 2)) >= C.CLOSE
