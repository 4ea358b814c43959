"""The reconcile screen follows codings made or withdrawn elsewhere at the workbench's
poll: it computed its disagreements only when it opened, so another coder's new coding
added no disagreement, and one that now agreed stayed on the list, until it was reopened.

The project is asha vs ben on two transcripts (``build_project``, cai's codings removed):
disagreements on Serendipity and Board mandate in transcript asha, Winding route agreed in
transcript ben. ``store`` is a second connection, standing in for another coder's window;
the app's poll is called directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui.app import WorkbenchApp, make_app
from qualcoder_ahp.tui.screens.help import binding_rows
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.test_agreement_compute import build_project
from tests.tui.conftest import press_for_screen
from tests.tui.test_reconcile_screen import _ready, _text

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def manual_poll(monkeypatch):  # type: ignore[no-untyped-def]
    """No timer ticks behind a test's back: the tests call ``poll_store`` themselves."""
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)


def two_coders(store: Store) -> int:
    """asha vs ben; returns the id of transcript asha."""
    a, _ = build_project(store)
    for coding in store.codings(coder="cai"):
        store.remove_coding(coding.id, "cai")
    return a.id


def where(screen: ReconcileScreen) -> tuple[str, str]:
    item = screen.item
    assert item is not None
    return (item.theme_id, item.transcript)


def messages(app: WorkbenchApp) -> list[str]:
    return [n.message for n in app._notifications]


async def poll(pilot) -> None:  # type: ignore[no-untyped-def]
    """The app's poll, then its worker's result on screen."""
    assert pilot.app.poll_store()
    await _ready(pilot)


async def open_reconcile(pilot) -> ReconcileScreen:  # type: ignore[no-untyped-def]
    screen = await press_for_screen(pilot, "R", ReconcileScreen)
    await _ready(pilot)
    return screen


def code_winding_in_asha(store: Store, tid: int) -> None:
    """ben codes Winding route in transcript asha: a new disagreement, listed between
    Serendipity and Board mandate (the codebook's order)."""
    text = store.transcript_text(tid)
    start = text.index("Then I stayed")
    store.code(tid, "winding", "ben", start, start + 13)


async def test_a_coding_made_elsewhere_adds_a_disagreement_and_keeps_the_place(
        store: Store, tmp_path: Path):
    tid = two_coders(store)
    app = make_app(tmp_path / "project.db", coder="asha")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot)
        assert [it.theme_id for it in screen.items] == ["serendipity", "mandate"]
        await pilot.press("n")
        await pilot.pause()
        assert where(screen) == ("mandate", "asha") and screen.index == 1
        code_winding_in_asha(store, tid)
        await poll(pilot)
        assert [it.theme_id for it in screen.items] == ["serendipity", "winding", "mandate"]
        assert where(screen) == ("mandate", "asha") and screen.index == 2  # still here
        assert _text(app, "#reconcile-status").startswith("Disagreement 3/3 (0 decided)")
        assert any(m.startswith("Disagreements updated from codings made elsewhere: 1 new "
                                "(3 in all).") for m in messages(app)), messages(app)
        await pilot.press("a", "n")  # mandate decided, round to the first; on to the new one
        await pilot.pause()
        assert where(screen) == ("winding", "asha")
        assert "Then I stayed" in _text(app, "#coder-text-1")


async def test_a_disagreement_resolved_elsewhere_leaves_and_the_next_shows(
        store: Store, tmp_path: Path):
    """ben now codes Serendipity exactly as asha did: it is no longer a disagreement (and
    the agreed stretch is offered to g); the screen goes on to the next one."""
    tid = two_coders(store)
    app = make_app(tmp_path / "project.db", coder="asha")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot)
        assert where(screen) == ("serendipity", "asha")
        agreed = len(screen.agreed)
        for coding in store.codings(coder="ben", transcript_id=tid):
            store.remove_coding(coding.id, "ben")
        (spans,) = [it.of("asha") for it in screen.items if it.theme_id == "serendipity"]
        for start, end in spans:
            store.code(tid, "serendipity", "ben", start, end)
        await poll(pilot)
        assert [it.theme_id for it in screen.items] == ["mandate"]
        assert where(screen) == ("mandate", "asha")
        assert len(screen.agreed) == agreed + 1
        assert f"{agreed + 1} agreed stretches not yet" in _text(app, "#reconcile-status")
        assert any("1 gone (1 in all). The one on screen is no longer a disagreement; this "
                   "is the next." in m for m in messages(app)), messages(app)


async def test_a_coding_withdrawn_elsewhere_removes_its_disagreement(
        store: Store, tmp_path: Path):
    """asha takes back her Board mandate coding (which ben never made): nothing is left
    to decide there, and the walk no longer stops on it."""
    tid = two_coders(store)
    app = make_app(tmp_path / "project.db", coder="asha")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot)
        (mandate,) = store.codings(coder="asha", transcript_id=tid, theme_id="mandate")
        store.remove_coding(mandate.id, "asha")
        await poll(pilot)
        assert [it.theme_id for it in screen.items] == ["serendipity"]
        assert where(screen) == ("serendipity", "asha")
        assert _text(app, "#reconcile-status").startswith("Disagreement 1/1 (0 decided)")
        await pilot.press("x")
        await pilot.pause()
    assert [e["kind"] for e in store.events("consensus")] == ["reconcile"]


async def test_nothing_new_says_nothing(store: Store, tmp_path: Path):
    """A commit elsewhere that changes no disagreement (a consensus decision, a memo)
    re-reads without a word about disagreements."""
    two_coders(store)
    app = make_app(tmp_path / "project.db", coder="asha")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot)
        items = screen.items
        store.set_setting("unrelated", "1")
        await poll(pilot)
        assert screen.items == items and screen.index == 0
        assert not any(m.startswith("Disagreements updated") for m in messages(app))


async def test_undo_follows_its_decision_to_its_new_place(store: Store, tmp_path: Path):
    """z still undoes this window's decision, and goes back to it, after a new
    disagreement listed before it moved it from item 2 to item 3."""
    tid = two_coders(store)
    app = make_app(tmp_path / "project.db", coder="asha")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot)
        await pilot.press("n", "b")  # Board mandate takes ben's (nothing): decided
        await pilot.pause()
        assert [e["kind"] for e in store.events("consensus")] == ["reconcile"]
        code_winding_in_asha(store, tid)
        await poll(pilot)
        assert screen.history[-1][0] == 2
        await pilot.press("z")
        await pilot.pause()
        assert where(screen) == ("mandate", "asha") and screen.index == 2
        assert "· undecided" in _text(app, "#reconcile-status").splitlines()[0]
        rows = {key: tooltip for key, _, tooltip in binding_rows(screen)}
        assert rows["u"].startswith("Undo this window's last consensus decision")
    assert [e["kind"] for e in store.events("consensus")] == ["reconcile", "undo"]


async def test_one_coder_then_a_second_opens_the_disagreements(store: Store, tmp_path: Path):
    """Open with only asha's codings: the screen said "nothing to reconcile yet" until it
    was reopened, after ben had coded."""
    tid = two_coders(store)
    ben = store.codings(coder="ben")
    for coding in ben:
        store.remove_coding(coding.id, "ben")
    app = make_app(tmp_path / "project.db", coder="asha")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot)
        assert _text(app, "#reconcile-status").startswith("Nothing to reconcile yet")
        assert "looks again whenever someone codes" in _text(app, "#reconcile-status")
        for coding in ben:
            store.code(coding.transcript_id, coding.theme_id, "ben", coding.start, coding.end)
        await poll(pilot)
        await _ready(pilot)
        assert screen.compared == ["asha", "ben"]
        assert [it.theme_id for it in screen.items] == ["serendipity", "mandate"]
        assert _text(app, "#reconcile-status").startswith("Disagreement 1/2 (0 decided)")
        await pilot.press("a")
        await pilot.pause()
    assert len(store.codings(coder="consensus", transcript_id=tid)) == 1


async def test_blind_coding_turned_off_shows_them_again_where_they_were(
        store: Store, tmp_path: Path):
    two_coders(store)
    app = make_app(tmp_path / "project.db", coder="asha")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot)
        await pilot.press("n")
        await pilot.pause()
        store.set_setting("blind", "1")
        await poll(pilot)
        assert "Blind coding is on" in _text(app, "#reconcile-status")
        store.set_setting("blind", "0")
        await poll(pilot)
        assert screen.query_one("#coder-panels").display
        assert screen.query_one("#consensus-panel").display
        assert where(screen) == ("mandate", "asha")
        assert _text(app, "#reconcile-status").startswith("Disagreement 2/2")
        await pilot.press("x")
        await pilot.pause()
    assert [e["kind"] for e in store.events("consensus")] == ["reconcile"]


async def test_one_coder_then_two_more_says_how_to_choose(store: Store, tmp_path: Path):
    """A poll that finds three coders does not pop the coder picker up unasked: the
    status line says how to choose them."""
    build_project(store)
    others = [c for c in store.codings() if c.coder != "asha"]
    for coding in others:
        store.remove_coding(coding.id, coding.coder)
    app = make_app(tmp_path / "project.db", coder="asha")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reconcile(pilot)
        for coding in others:
            store.code(coding.transcript_id, coding.theme_id, coding.coder, coding.start,
                       coding.end)
        await poll(pilot)
        assert app.screen is screen and not screen.loaded
        assert _text(app, "#reconcile-status").startswith(
            "3 coders have coded now (asha, ben, cai): Escape, then R, chooses")


async def test_no_agreed_stretch_is_not_every_agreed_stretch_copied(store: Store):
    """Coders who agree nowhere: the status line said "every agreed stretch is in
    consensus", as if something had been copied."""
    from tests.tui.test_reconcile_screen import Host

    build_project(store)
    app = Host(store, coders=["asha", "cai"])
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot)
        assert app.screen.agreed == []
        status = _text(app, "#reconcile-status")
        assert "no stretch is coded the same by all of them" in status
        assert "every agreed stretch" not in status
