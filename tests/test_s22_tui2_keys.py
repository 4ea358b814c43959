"""Session 22, keys and status lines at 80x24: the reconcile status separates its parts with
· as every other screen; the footer's last key keeps clear of the palette's."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from textual.widgets._footer import FooterKey

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from tests.tui.conftest import build_project
from tests.helpers.pilot import settle

SIZE = (80, 24)


# ------------------------------------------------ the reconcile status line's separators
async def test_reconcile_status_separates_with_middle_dots(store: Store) -> None:
    from tests.helpers.reconcile_host import ReconcileHost
    from tests.test_agreement_compute import build_project as agreement_project

    asha, _ = agreement_project(store)
    app = ReconcileHost(store, "asha", coders=["asha", "ben"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first = str(app.screen.query_one("#reconcile-status", Static).render()).splitlines()[0]
        assert first.startswith("Disagreement 1/2 (0 decided) \u00b7 Serendipity in asha, ")
        assert first.endswith(" \u00b7 undecided") and " - " not in first
        await pilot.press("b")  # ben's span into the consensus: stored, then shown
        await settle(app, pilot)
        assert store.conn.execute(
            "SELECT count(*) FROM codings c JOIN coders k ON k.id = c.coder_id "
            "WHERE k.name = 'consensus' AND c.active").fetchone()[0] == 1
        first = str(app.screen.query_one("#reconcile-status", Static).render()).splitlines()[0]
        assert first.startswith("Disagreement 2/2 (1 decided) \u00b7 Board mandate in asha, ")
        assert first.endswith(" \u00b7 undecided") and " - " not in first




# ------------------------------------------------ the footer's last key and the palette's
async def test_last_footer_key_keeps_clear_of_the_palette(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        for keys in ((), ("k",), ("t", "enter")):
            await pilot.press(*keys)
            await settle(app, pilot)
            await pilot.pause(0.3)
            footer = app.screen.query_one(WorkbenchFooter)
            shown = [k for k in footer.query(FooterKey) if k.display]
            palette = [k for k in shown if k.has_class("-command-palette")]
            keys_ = [k for k in shown if k not in palette]
            assert palette and keys_
            assert max(k.region.right for k in keys_) < palette[0].region.x, keys


# ------------------------------------------------ every screen's help lists every key
def _own_keys(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(key as shown, description) of every binding of the screen (its mixins' too) and of
    the app that does something here: what the help must list."""
    from textual.binding import Binding

    screen, out, seen = app.screen, [], set()
    for node in (screen, app):
        for key, bindings in node._merged_bindings.key_to_bindings.items():
            for b in bindings:
                if not isinstance(b, Binding) or not b.description or key in seen:
                    continue
                seen.add(key)
                action = b.action.partition("(")[0]
                if node is app and app.check_action(action, ()) is False:
                    continue
                if node is screen and screen.check_action(action, ()) is False:
                    continue
                if key in {"tab", "shift+tab", "ctrl+c", "super+c"} and node is screen:
                    continue  # Textual's own focus and copy keys, every screen's
                out.append((b.key_display or app.get_key_display(b), b.description))
    return out


async def _help_rows(app, pilot) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable

    from qualcoder_ahp.tui.screens.help import HelpScreen

    under = app.screen
    await pilot.press("f1")
    await settle(app, pilot)
    assert isinstance(app.screen, HelpScreen), type(app.screen)
    table = app.screen.query_one("#help-table", DataTable)
    rows = [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1]))
            for i in range(table.row_count)]
    await pilot.press("escape")
    await settle(app, pilot)
    assert app.screen is under
    return rows


async def test_every_screen_s_help_lists_every_key_it_has(tmp_path: Path) -> None:
    """Walks the screens at 80x24, each key of the screen's (and its mixins') and the app's
    bindings that applies there is in the screen's help, by its key or its description
    (a range "1-9" stands for 1..9)."""
    path = tmp_path / "p.db"
    build_project(path)
    with open_store(path) as store:
        before = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    app = make_app(path, coder="ana")
    visits = {"transcripts": (), "coding": ("enter",), "codebook": ("k",),
              "key words": ("k", "w"), "patterns": ("y",), "counts": ("C",),
              "framework": ("X",), "search": ("F",), "passages": ("P", *"seren", "enter")}
    async with app.run_test(size=SIZE) as pilot:
        for name, keys in visits.items():
            await settle(app, pilot)
            await pilot.press("t")  # from the transcripts screen each time
            await settle(app, pilot)
            for key in keys:
                await pilot.press(key)
                await settle(app, pilot)
            expected = _own_keys(app)
            assert len(expected) > 5, name
            rows = await _help_rows(app, pilot)
            keys_, does = {k for k, _ in rows}, {d for _, d in rows}
            missing = [(k, d) for k, d in expected
                       if k not in keys_ and d not in does
                       and not (k.isdigit() and "1-9" in keys_)]
            assert not missing, (name, missing)
            # The codebook's w (key words) is offered from every screen, as K.
            if name != "key words":
                assert ("K", "Key words") in rows, name
    with open_store(path) as store:  # reading keys wrote nothing
        assert store.conn.execute("SELECT count(*) FROM events").fetchone()[0] == before


async def test_k_on_the_transcripts_screen_opens_a_theme_s_key_words(tmp_path: Path) -> None:
    from qualcoder_ahp.tui.screens.keywords import KeywordsScreen
    from qualcoder_ahp.tui.screens.passages import PassageThemePicker

    path = tmp_path / "p.db"
    build_project(path)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("K")
        await settle(app, pilot)
        assert isinstance(app.screen, PassageThemePicker)
        await pilot.press(*"seren", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, KeywordsScreen)
        assert app.screen.theme_id == "serendipity"
        # Escape returns to the transcripts screen: the line under the table said "back to
        # the codebook", where it came from when only the codebook's w opened it.
        where = str(app.screen.query_one("#keywords-where").render())
        assert where == "Escape: back to the screen you came from."
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("K", *"seren", "enter")
        await settle(app, pilot)
        await pilot.press("t", "enter")  # from the coding screen too (its w widens)
        await settle(app, pilot)
        await pilot.press("K")
        await settle(app, pilot)
        assert isinstance(app.screen, PassageThemePicker)


def test_a_cut_pattern_line_says_how_to_see_it_whole() -> None:
    from rich.text import Text

    from qualcoder_ahp.tui.screens.patterns import cut_with_hint

    line = cut_with_hint(Text("(I was|I'd been) " * 20), 60)
    assert line.plain.endswith("\u2026 (v shows it whole)") and line.cell_len <= 58
