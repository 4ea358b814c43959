"""Session 22, keys and status lines at 80x24: the reconcile status separates its parts with
· as every other screen; the footer's last key keeps clear of the palette's."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from textual.widgets._footer import FooterKey

from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from tests.tui.conftest import build_project

SIZE = (80, 24)


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


# ------------------------------------------------ the reconcile status line's separators
async def test_reconcile_status_separates_with_middle_dots(store) -> None:  # type: ignore[no-untyped-def]
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
