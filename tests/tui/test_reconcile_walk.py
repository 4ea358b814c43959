"""The reconcile screen walks the undecided disagreements (n/p), revisits the decided
ones after d, filters by theme and transcript (f), and follows decisions another window
makes into the same consensus at the workbench's next poll."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui import app as app_module
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.help import HelpScreen, binding_rows
from qualcoder_ahp.tui.screens.reconcile import ReconcileFilter, ReconcileScreen
from tests.test_agreement_compute import build_project
from tests.tui.test_reconcile_screen import Host, _ready, _text

SIZE = (80, 24)


def four_disagreements(store: Store) -> None:
    """asha vs ben: Serendipity and Board mandate in transcript asha (as build_project
    makes them), and the same two themes in transcript ben; cai's codings removed."""
    _, b = build_project(store)
    for coding in store.codings(coder="cai"):
        store.remove_coding(coding.id, "cai")
    text = store.transcript_text(b.id)
    never = text.index("I never")
    store.code(b.id, "serendipity", "asha", never, never + 19)
    trust = text.index("The trust")
    store.code(b.id, "mandate", "asha", trust, len(text))
    store.code(b.id, "mandate", "ben", trust, trust + 15)


def footer_keys(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {k.key: k.description for k in app.screen.query("FooterKey") if k.display}


def messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


def where(app) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """(theme, transcript, state) of the item on screen, from the status line."""
    item = app.screen.item
    status = _text(app, "#reconcile-status").splitlines()[0]
    return (item.theme_id, item.transcript, status.rsplit(" · ", 1)[1])


async def test_n_and_p_walk_the_undecided_and_d_revisits_the_decided(store):
    """n/p went through every disagreement, decided or not: with 50 of 54 decided the
    coder paged through 50 to find the rest."""
    four_disagreements(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot)
        screen = app.screen
        assert len(screen.items) == 4
        keys = footer_keys(app)
        # f gives way to esc Back at 80 columns; the status line names it.
        assert keys.get("d") == "Decided too" and keys.get("escape") == "Back"
        assert "n/p: undecided only (d: all) · f: filter" in _text(app, "#reconcile-status")
        await pilot.press("a")  # item 1 decided; on to item 2
        await pilot.press("n", "x")  # item 3 rejected; on to item 4
        await pilot.pause()
        assert screen.index == 3
        await pilot.press("p")  # back over the rejected item 3 and decided... to item 2
        await pilot.pause()
        assert screen.index == 1 and where(app)[2] == "undecided"
        await pilot.press("p")  # nothing undecided before item 2: round to item 4
        await pilot.pause()
        assert screen.index == 3
        await pilot.press("n")  # round to item 2
        await pilot.pause()
        assert screen.index == 1
        # d: every disagreement again, to revisit a decision; the footer says what d does.
        await pilot.press("d")
        await pilot.pause()
        assert footer_keys(app).get("d") == "Undecided only"
        assert "n/p: all, decided too (d: undecided only)" in _text(app, "#reconcile-status")
        await pilot.press("n")
        await pilot.pause()
        assert screen.index == 2 and where(app)[2] == "rejected"
        await pilot.press("p", "p")
        await pilot.pause()
        assert screen.index == 0 and where(app)[2] == "decided"
        await pilot.press("d", "n")
        await pilot.pause()
        assert screen.index == 1 and footer_keys(app).get("d") == "Decided too"
        await pilot.press("a", "a")  # items 2 and 4: every one decided now
        await pilot.pause()
        assert "(4 decided)" in _text(app, "#reconcile-status")
        assert any(m.startswith("Every disagreement is decided: d steps through")
                   for m in messages(app))
        await pilot.press("n")  # nothing undecided to go to: stays
        await pilot.pause()
        assert screen.index == 3
    assert len(store.events("consensus")) == 4


async def test_filter_by_theme_and_by_transcript(store):
    four_disagreements(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=SIZE) as pilot:
        await _ready(pilot)
        screen = app.screen
        assert "f: filter by theme or transcript" in _text(app, "#reconcile-status")
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReconcileFilter)
        themes = dialog.query_one("#filter-theme")
        labels = [str(themes.get_option_at_index(i).prompt) for i in range(themes.option_count)]
        assert labels == ["all themes", "Serendipity  2/2", "Board mandate  2/2"]
        await pilot.press("down", "down", "enter")  # Board mandate, every transcript
        await pilot.pause()
        assert app.screen is screen
        assert where(app)[:2] == ("mandate", "asha")
        assert "filter (f): Board mandate, 2/2 undecided" in _text(app, "#reconcile-status")
        await pilot.press("n")
        await pilot.pause()
        assert where(app)[:2] == ("mandate", "ben")
        await pilot.press("n")  # round to the other mandate item, never a serendipity one
        await pilot.pause()
        assert where(app)[:2] == ("mandate", "asha")
        # And the transcript: Tab to the second list.
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("tab", "down", "down", "enter")  # transcript ben
        await pilot.pause()
        assert where(app)[:2] == ("mandate", "ben")
        status = _text(app, "#reconcile-status")
        assert "filter (f): Board mandate in ben, 1/1 undecided" in status
        await pilot.press("a")
        await pilot.pause()
        assert any("Every disagreement of Board mandate in ben is decided" in m
                   for m in messages(app))
        # Every theme, one transcript.
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("home", "enter")
        await pilot.pause()
        assert where(app)[:2] == ("serendipity", "ben")
        assert "filter (f): every theme in ben, 1/2 undecided" in _text(
            app, "#reconcile-status")
        # All again; Escape keeps the filter.
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert screen.transcript_filter is not None
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("home", "tab", "home", "enter")
        await pilot.pause()
        assert (screen.theme_filter, screen.transcript_filter) == (None, None)
        assert "f: filter by theme or transcript" in _text(app, "#reconcile-status")
        # The keys are in the help too.
        rows = {r[0]: r for r in binding_rows(screen)}
        assert rows["f"][1] == "Filter" and "transcript" in rows["f"][2]
        assert rows["d"][1] == "Decided too" and "revisit" in rows["d"][2]


@pytest.fixture
def reconciling(store: Store, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """The project with four disagreements, the workbench's timer off (the test polls)."""
    monkeypatch.setattr(app_module, "POLL_SECONDS", 3600.0)
    four_disagreements(store)
    other = open_store(tmp_path / "project.db")  # the second window
    yield tmp_path / "project.db", other
    other.close()


async def test_another_windows_rejection_shows_at_the_next_poll(reconciling):
    """A rejection leaves no coding: one made in another window showed as undecided here
    until the screen was reopened, and n/p kept stopping on it."""
    path, other = reconciling
    app = make_app(path, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reconcile(pilot)
        assert isinstance(screen, ReconcileScreen)
        assert screen.index == 0 and "(0 decided)" in _text(app, "#reconcile-status")
        # The other window rejects the item on screen, and takes asha on item 2.
        first, second = screen.items[0], screen.items[1]
        other.reconcile(first.transcript_id, first.theme_id, "consensus", [], rule="reject",
                        compared=["asha", "ben"], start=first.start, end=first.end,
                        decided_by="ben")
        other.reconcile(second.transcript_id, second.theme_id, "consensus",
                        list(second.of("asha")), rule="take", taken_from="asha",
                        compared=["asha", "ben"], start=second.start, end=second.end,
                        decided_by="ben")
        assert app.poll_store()  # what the 1.5 s timer does
        await pilot.pause()
        status = _text(app, "#reconcile-status")
        assert status.startswith("Disagreement 1/4 (2 decided)") and "· rejected" in status
        assert "(rejected)" in _text(app, "#consensus-text")
        await pilot.press("n")  # past item 2, decided there, to item 3
        await pilot.pause()
        assert screen.index == 2
        # The other window undoes its take: item 2 is undecided here again.
        other.undo("consensus")
        assert app.poll_store()
        await pilot.pause()
        assert "(1 decided)" in _text(app, "#reconcile-status")
        await pilot.press("p")
        await pilot.pause()
        assert screen.index == 1 and "· undecided" in _text(app, "#reconcile-status")
        # The workbench's footer and help (?) show the new keys at 80x24.
        keys = footer_keys(app)
        # (esc after the takes, then d: with a decision of this window's to undo, u goes
        # before esc, and d gives way.)
        assert list(keys)[:7] == ["question_mark", "n", "p", "a", "b", "escape", "d"]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert {r[0] for r in app.screen.rows} >= {"f", "d", "n", "p"}


async def test_a_decision_made_meanwhile_in_another_window_is_not_silently_replaced(
        reconciling):
    """Two windows on one consensus: the other rejected the item on screen before this
    one's poll, and a/b here replaced that decision unseen (both in the log, the other
    coder's work gone from the consensus). Now the key shows it first; again replaces."""
    path, other = reconciling
    app = make_app(path, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _reconcile(pilot)
        first = screen.items[0]
        assert screen.index == 0 and where(app)[2] == "undecided"
        other.reconcile(first.transcript_id, first.theme_id, "consensus", [], rule="reject",
                        compared=["asha", "ben"], start=first.start, end=first.end,
                        decided_by="ben")
        events = len(other.events())
        await pilot.press("a")  # before any poll: the screen still says undecided
        await pilot.pause()
        assert len(other.events()) == events  # nothing written
        assert screen.index == 0 and where(app)[2] == "rejected"
        assert any("decided meanwhile in another window (now rejected); nothing was "
                   "changed here" in m for m in messages(app))
        await pilot.press("a")  # seen now: the same key replaces it
        await pilot.pause()
        assert len(other.events()) == events + 1
        [mine] = [c for c in other.codings(coder="consensus")
                  if c.transcript_id == first.transcript_id and c.theme_id == first.theme_id
                  and c.start < first.end and c.end > first.start]
        assert (mine.start, mine.end) in first.of("asha")


async def _reconcile(pilot):
    """The reconcile screen, opened with ``R`` and ready."""
    await pilot.pause()
    await pilot.press("R")
    await _ready(pilot)
    return pilot.app.screen


async def _on_the_last(pilot):
    """The reconcile screen (``R``) showing its last disagreement, and that disagreement."""
    screen = await _reconcile(pilot)
    screen.index = len(screen.items) - 1
    screen.show()
    return screen, screen.items[-1]


async def test_a_transcript_withdrawn_in_another_window_leaves_the_screen(reconciling):
    """`qcahp withdraw` while the reconcile screen showed the transcript: the next a/b/x
    on it (or g) crashed the workbench with a traceback ("no transcript with id 2")."""
    path, other = reconciling
    app = make_app(path, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        screen, gone = await _on_the_last(pilot)  # of the transcript to go
        await pilot.press("a")  # item 4 decided, so there is something to undo
        kept = [it for it in screen.items if it.transcript_id != gone.transcript_id]
        screen.index = screen.items.index(kept[0])
        screen.show()
        other.withdraw(transcripts=[gone.transcript], by="x")
        events = len(other.events())
        await pilot.press("x")  # before any poll
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReconcileScreen)
        assert len(other.events()) == events + 1  # the rejection of a kept item only
        assert [it.transcript_id for it in screen.items] == [it.transcript_id for it in kept]
        assert any(f"{gone.transcript} was withdrawn from the project (qcahp withdraw)" in m
                   for m in messages(app))
        assert gone.transcript not in _text(app, "#reconcile-status")
        await pilot.press("g")  # copy agreed: none of the withdrawn transcript's
        await pilot.pause()
        assert app.is_running
        assert all(c.transcript_id != gone.transcript_id
                   for c in other.codings(coder="consensus"))


async def test_a_key_on_a_disagreement_withdrawn_meanwhile_decides_nothing(reconciling):
    path, other = reconciling
    app = make_app(path, coder="lead")
    async with app.run_test(size=SIZE) as pilot:
        screen, gone = await _on_the_last(pilot)
        other.withdraw(transcripts=[gone.transcript], by="x")
        events = len(other.events())
        await pilot.press("a")
        await pilot.pause()
        assert app.is_running and len(other.events()) == events
        assert screen.item is not None and screen.item.transcript_id != gone.transcript_id
