"""Session 19 team audit: the reconcile screen opened while blind coding was on.

The lead opened the workbench's reconcile screen (``R``) while the coders were still
coding blind; it said so and hid everything. ``qcahp blind off`` in another terminal
then opened the disagreements at the next poll, "Disagreement 1/107", with the decision
keys in the footer, but the coders' panels stayed hidden: the lead took A's or B's spans
without seeing either. They show now, as when the screen is opened with blind coding off.

Also: ``3`` with two coders compared did nothing and said nothing; it says why now.
"""

from __future__ import annotations

from textual.widgets import Static

from qualcoder_ahp.model.store import Store
from tests.helpers.reconcile_host import ReconcileHost
from tests.test_agreement_compute import build_project


def Host(store: Store) -> ReconcileHost:
    """The reconcile screen for lead, asha and ben compared."""
    return ReconcileHost(store, "lead", coders=["asha", "ben"])


async def test_blind_coding_turned_off_shows_the_coders_panels(store):
    build_project(store)
    store.set_setting("blind", "1")
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        status = screen.query_one("#reconcile-status", Static)
        assert str(status.render()).startswith("Blind coding is on")
        assert not screen.query_one("#coder-panels").display
        store.set_setting("blind", "0")  # `qcahp blind off`, seen at the next poll
        screen.reread()
        await app.workers.wait_for_complete()
        for _ in range(3):
            await pilot.pause()
        assert str(status.render()).startswith("Disagreement 1/2")
        panels = screen.query_one("#coder-panels")
        assert panels.display and panels.region.height > 0
        first = str(screen.query_one("#coder-text-0", Static).render())
        assert first.startswith("A: asha  turn 2 (Asha)")
        assert screen.query_one("#coder-text-1", Static).region.height > 0


async def test_a_coder_number_beyond_those_compared_says_so(store):
    build_project(store)
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said == ["3 takes coder 3's spans, and 2 coders are compared here "
                        "(A: asha, B: ben)."]
        assert store.codings(coder="consensus") == []
