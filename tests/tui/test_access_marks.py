"""Accessibility of the workbench: meaning without colour, legible in the light theme,
the theme remembered, and the help saying what each mark means."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.style import Style

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.suggest import colours as C
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.help import HelpScreen
from qualcoder_ahp.tui.widgets.marks import INK
from qualcoder_ahp.tui.widgets.side_panel import codebook_text, suggestion_text
from qualcoder_ahp.tui.widgets.transcript_view import TranscriptView
from tests.tui.conftest import CODER, SIZE, open_alpha, screen_text

LIGHT = "textual-light"


def _rgb(color: RichColor | None) -> C.RGB:
    assert color is not None and color.triplet is not None, f"not a true colour: {color}"
    return tuple(c / 255 for c in color.triplet)  # type: ignore[return-value]


def _backgrounds(app) -> list[C.RGB]:  # type: ignore[no-untyped-def]
    """The backgrounds the panels and the transcript sit on, in the app's theme."""
    variables = app.theme_variables
    return [C.parse(variables[name][:7]) for name in ("surface", "background", "panel")]


def _view_rows(app) -> list[list]:  # type: ignore[no-untyped-def]
    view = app.screen.query_one(TranscriptView)
    view._base = view.rich_style  # as render_lines sets it
    view._dark = app.current_theme.dark
    return [list(view.render_line(y)) for y in range(view.scrollable_content_region.height)]


async def test_statuses_read_without_colour(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        assert "○ undecided" in screen_text(app)
        first = screen.session.current
        await pilot.press("x")  # reject, and go to the next
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) == "rejected"
        await pilot.press("p")
        await pilot.pause()
        assert "✗ rejected" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert app.store.decision_of(first.id, CODER) == "accepted"
        assert "✓ accepted" in screen_text(app)


async def test_light_theme_text_is_legible(app):
    """Every coloured mark in the transcript and the panels keeps 4.5:1 on the light
    theme (ANSI yellow headers and statuses fell to 2:1 there)."""
    async with app.run_test(size=SIZE) as pilot:
        app.theme = LIGHT
        screen = await open_alpha(pilot)
        await pilot.press("a")  # a coding, drawn on its theme's tint
        await pilot.pause()
        backgrounds = _backgrounds(app)
        checked = 0
        for row in _view_rows(app):
            for segment in row:
                style: Style = segment.style
                if not segment.text.strip() or style.color is None:
                    continue
                if style.bgcolor is not None and style.bgcolor.triplet is not None:
                    behind = [_rgb(style.bgcolor)]
                else:
                    behind = backgrounds
                for colour in behind:
                    assert C.contrast(_rgb(style.color), colour) >= 4.5, segment
                checked += 1
        assert checked
        session = screen.session
        for text in (suggestion_text(session, screen._patterns, dark=False),
                     codebook_text(app.store.themes(), {}, {}, ["winding"], dark=False)):
            for span in text.spans:
                style = Style.parse(span.style) if isinstance(span.style, str) else span.style
                if style.color is None or style.bgcolor is not None:
                    continue  # swatches are colour shown as colour
                for colour in backgrounds:
                    assert C.contrast(_rgb(style.color), colour) >= 4.5, span


def test_every_ink_reads_on_both_themes():
    from textual.theme import BUILTIN_THEMES

    for dark, name in ((True, "textual-dark"), (False, LIGHT)):
        variables = BUILTIN_THEMES[name].to_color_system().generate()
        for key in ("surface", "background", "panel"):
            back = C.parse(variables[key][:7])
            for ink, pair in INK.items():
                ratio = C.contrast(C.parse(pair[0 if dark else 1]), back)
                assert ratio >= 4.5, (name, key, ink, ratio)


async def test_coded_text_is_marked_without_colour(project, monkeypatch):
    """Under NO_COLOR coded words are in italics too (a terminal may drop colour)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        store = app.store
        first = screen.session.current
        await pilot.press("a")
        await pilot.pause()
        [coding] = store.codings(coder=CODER)
        rows = _view_rows(app)
        tint = C.to_hex(C.workbench_tint(C.parse(store.theme(coding.theme_id).color))[0])
        coded = [s for row in rows for s in row if s.text.strip() and s.style.bgcolor
                 and s.style.bgcolor.triplet and s.style.bgcolor.triplet.hex.upper() == tint]
        assert coded and all(s.style.italic for s in coded)
        plain = [s for row in rows for s in row if s.text.strip() and s not in coded]
        assert plain and not any(s.style.italic for s in plain)
        assert coding.theme_id == first.theme_id


async def test_two_themes_on_a_row_show_two_bars(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        view = app.screen.query_one(TranscriptView)
        view._dark = True
        one = view._gutter([(0, 5, "#117733")], None, Style())
        two = view._gutter([(0, 5, "#117733"), (2, 9, "#CC6677")], None, Style())
        same = view._gutter([(0, 5, "#117733"), (2, 9, "#117733")], None, Style())
        assert "".join(s.text for s in one) == "▌ " == "".join(s.text for s in same)
        assert "".join(s.text for s in two) == "▌▌"
        assert two[0].style.color != two[1].style.color
        assert screen.session is not None


async def test_theme_is_remembered_per_coder(project):
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme != LIGHT
        app.theme = LIGHT
        await pilot.pause()
    store = open_store(project)
    try:
        assert store.get_setting("theme:" + CODER) == LIGHT
    finally:
        store.close()
    again = make_app(project, coder=CODER)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == LIGHT
    other = make_app(project, coder="ben")
    async with other.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert other.theme != LIGHT


async def test_help_says_what_each_mark_means(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_alpha(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        marks = {key: details for key, _, details in help_screen.rows}
        assert "▶" in marks and "▌" in marks and "▌▌" in marks and "○ ✓ ✗" in marks
        assert "undecided, accepted or rejected" in marks["○ ✓ ✗"]


def _ratio(colour, app) -> float:  # type: ignore[no-untyped-def]
    """The worst contrast of a Textual colour on the light theme's backgrounds."""
    return min(C.contrast(C.parse(colour.hex[:7]), back) for back in _backgrounds(app))


async def test_light_theme_focus_and_headings_are_visible(app):
    """The light theme's accent (orange) was 1.4:1 on its background: the focused
    details pane, the consensus panel and the passages' headings drew in it."""
    from qualcoder_ahp.tui.screens.passages import PassageList, PassagesScreen
    from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
    from tests.tui.conftest import open_codebook

    async with app.run_test(size=SIZE) as pilot:
        app.theme = LIGHT
        screen = await open_codebook(pilot)
        pane = screen.query_one("#theme-detail-pane")
        pane.focus()
        await pilot.pause()
        assert _ratio(pane.styles.border_left[1], app) >= 3  # WCAG: a focus indicator
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(PassagesScreen(app.store, CODER, "winding"))
        await pilot.pause()
        await pilot.pause()
        headings = app.screen.query_one(PassageList).get_component_rich_style(
            "option-list--option-disabled")
        assert C.contrast(_rgb(headings.color), _backgrounds(app)[0]) >= 4.5
        app.pop_screen()
        await pilot.pause()
        reconcile = ReconcileScreen(app.store, CODER)
        app.push_screen(reconcile)
        await pilot.pause()
        panel = reconcile.query_one("#consensus-panel")
        assert _ratio(panel.styles.border_top[1], app) >= 3


def _inks(text) -> list[Style]:  # type: ignore[no-untyped-def]
    """The coloured styles of a Text: its own and its spans'."""
    styles = [Style.parse(s) if isinstance(s, str) else s
              for s in (text.style, *(span.style for span in text.spans))]
    return [s for s in styles if s.color is not None]


def test_ticks_and_report_words_read_on_both_themes():
    """The search's ✓ (ANSI green: 3.2:1 on the light theme) and an import's "failed:"
    (ANSI red: 4.0:1 on the dark theme) keep 4.5:1 on both."""
    from textual.theme import BUILTIN_THEMES

    from qualcoder_ahp.reports.search import Hit
    from qualcoder_ahp.tui.screens.search import hit_text
    from qualcoder_ahp.tui.screens.transcripts import report_text

    hit = Hit(1, "alpha", "P1", 10, 14, 0, 20, "P1", "participant", 2, None, "a ", "luck",
              " b", True)
    for dark, name in ((True, "textual-dark"), (False, LIGHT)):
        variables = BUILTIN_THEMES[name].to_color_system().generate()
        back = C.parse(variables["surface"][:7])
        report = report_text("Importing", "1 imported; failed: x.docx; note: y", dark)
        texts = [hit_text(hit, "Luck", dark), *report.renderables[1::2]]
        styles = [s for text in texts for s in _inks(text)]
        assert len(styles) == 3
        for style in styles:
            assert C.contrast(_rgb(style.color), back) >= 4.5, (name, style)


async def test_a_refusal_in_a_dialog_reads_on_the_light_theme(project):
    from textual.widgets import Label

    app = make_app(project)  # no coder yet: the name dialog
    async with app.run_test(size=SIZE) as pilot:
        app.theme = LIGHT
        await pilot.pause()
        await pilot.press(*"consensus", "enter")
        await pilot.pause()
        error = app.screen.query_one("#coder-error", Label)
        assert error.display
        [span] = error.render().spans  # type: ignore[union-attr]
        colour = span.style.foreground
        assert colour is not None and colour.ansi is None  # not ANSI red, which themes remap
        rgb = (colour.r / 255, colour.g / 255, colour.b / 255)
        for back in _backgrounds(app):
            assert C.contrast(rgb, back) >= 4.5


async def test_switching_theme_redraws_the_panel_colours(app):
    from textual.widgets import Static

    def inks(screen) -> set[str]:  # type: ignore[no-untyped-def]
        content = screen.query_one("#suggestion-panel", Static).render()
        return {span.style.foreground.hex.upper() for span in content.spans
                if getattr(span.style, "foreground", None) is not None}

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_alpha(pilot)
        assert INK["undecided"][0] in inks(screen)
        app.theme = LIGHT
        await pilot.pause()
        await pilot.pause()
        assert INK["undecided"][1] in inks(screen)
        assert INK["undecided"][0] not in inks(screen)


async def test_the_colour_scheme_list_does_not_ask_for_themes(app):
    """ctrl+p "Colour scheme" opened a list prompting "Search for themes…": in a tool of
    coding themes that read as a search of the codebook."""
    from textual.command import CommandPalette
    from textual.widgets import Input

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_change_theme()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        prompt = app.screen.query_one(Input).placeholder
        assert "colour scheme" in prompt.lower() and "theme" not in prompt.lower()
        await pilot.press("escape")
