"""The reconcile screen through Pilot: decide disagreements into the consensus coder."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Static

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.helpers.reconcile_host import ReconcileHost
from tests.test_agreement_compute import build_project


def Host(store: Store, **options) -> ReconcileHost:
    """The reconcile screen for asha."""
    return ReconcileHost(store, "asha", **options)


def _text(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _ready(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_decide_two_disagreements_into_consensus(store):
    asha, _ = build_project(store)
    text = store.transcript_text(asha.id)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot)
        status = _text(app, "#reconcile-status")
        assert status.startswith("Disagreement 1/2 (0 decided) · Serendipity in asha")
        assert "undecided" in status
        assert "A: asha" in _text(app, "#coder-text-0")
        assert app.screen.sub_title.endswith("deciding into: consensus")
        assert "B: ben" in _text(app, "#coder-text-1")
        assert "I fell into management by chance" in _text(app, "#coder-text-0")
        assert _text(app, "#consensus-text").endswith("Serendipity: (no definition)")
        await pilot.press("b")  # take ben's span for serendipity
        await pilot.pause()
        status = _text(app, "#reconcile-status")
        assert status.startswith("Disagreement 2/2 (1 decided) · Board mandate in asha")
        assert "(not coded)" in _text(app, "#coder-text-1")
        await pilot.press("a")  # take asha's mandate span
        await pilot.pause()
        assert "decided" in _text(app, "#reconcile-status")
        assert "(2 decided)" in _text(app, "#reconcile-status")
        consensus = _text(app, "#consensus-text")
        assert consensus.startswith("consensus: turn 2 (Asha)")
    codings = store.codings(coder="consensus")
    board = text.index("The board")
    chance = text.index("I fell")
    assert [(c.theme_id, c.start, c.end, c.origin) for c in codings] == [
        ("serendipity", chance + 2, chance + 32, "consensus"),
        ("mandate", board, len(text), "consensus"),
    ]
    events = store.events("consensus")
    assert [e["kind"] for e in events] == ["reconcile", "reconcile"]
    assert [(e["rule"], e["taken_from"], e["compared"], e["theme_id"], e["transcript_id"],
             e["start"], e["end"], e["coding_ids"], e["removed_ids"]) for e in events] == [
        ("take", "ben", ["asha", "ben"], "serendipity", asha.id, chance, chance + 32,
         [codings[0].id], []),
        ("take", "asha", ["asha", "ben"], "mandate", asha.id, board, len(text),
         [codings[1].id], []),
    ]


async def test_redeciding_replaces_and_reject_removes(store):
    asha, _ = build_project(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot)
        await pilot.press("d")  # n/p step through the decided ones too
        await pilot.press("o")  # union on the first item
        await pilot.press("p")
        await pilot.pause()
        assert "decided" in _text(app, "#reconcile-status")
        await pilot.press("i")  # intersection replaces the union
        await pilot.press("p")
        await pilot.press("x")  # reject removes it again
        await pilot.press("p")
        await pilot.pause()
        assert "rejected" in _text(app, "#reconcile-status")
        assert "(rejected)" in _text(app, "#consensus-text")
        await pilot.press("n", "i")  # nothing in common on the second item: refused
        await pilot.pause()
    assert store.codings(coder="consensus") == []
    events = store.events("consensus")
    assert [e["kind"] for e in events] == ["reconcile"] * 3  # the refused one wrote nothing
    assert [e["rule"] for e in events] == ["union", "intersection", "reject"]
    union, common, reject = events
    assert len(union["coding_ids"]) == 1 and union["removed_ids"] == []
    assert common["removed_ids"] == union["coding_ids"]  # the intersection replaced it
    assert reject["removed_ids"] == common["coding_ids"] and reject["coding_ids"] == []
    assert reject["compared"] == ["asha", "ben"]
    assert [e["status"] for e in store.reconcile_log()] == ["replaced", "replaced", "in effect"]


async def test_no_disagreements_and_unknown_coders(store):
    build_project(store)
    app = Host(store, coders=["asha", "ben"], consensus="consensus")
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        for _ in range(2):
            await pilot.press("a")
        await pilot.pause()
        assert "(2 decided)" in _text(app, "#reconcile-status")
    again = Host(store, coders=["asha", "zoe"])
    async with again.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        assert "Cannot reconcile: no coder named 'zoe'" in _text(again, "#reconcile-status")


async def test_markup_in_transcript_text_stays_literal(store):
    from qualcoder_ahp.records import Codebook, Theme
    from tests.conftest import make_parsed

    store.save_codebook(Codebook("c", (Theme("t", "T"),)))
    info, _ = store.add_transcript("m", make_parsed([("P", "participant",
                                                        "Say [bold]this[/] loudly.")]))
    store.code(info.id, "t", "x", 0, 10)
    store.code(info.id, "t", "y", 4, 10)
    app = Host(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        assert "Say [bold]this[/] loudly." in _text(app, "#coder-text-0")


async def test_copy_agreed_stretches_into_consensus(store):
    _, ben = build_project(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot)
        assert "1 agreed stretch not yet in consensus (g copies it)" in _text(
            app, "#reconcile-status")
        await pilot.press("g")
        await pilot.pause()
        assert "every agreed stretch is in consensus" in _text(app, "#reconcile-status")
        await pilot.press("g")  # copying again adds nothing
        await pilot.pause()
    text = store.transcript_text(ben.id)
    route = text.index("It was")
    assert [(c.transcript_id, c.theme_id, c.start, c.end) for c in
            store.codings(coder="consensus")] == [(ben.id, "winding", route, route + 23)]


async def test_blind_coding_hides_the_other_coders(store):
    build_project(store)
    store.set_setting("blind", "1")
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        assert "Blind coding is on" in _text(app, "#reconcile-status")
        assert not app.screen.query(".coder-panel")
        await pilot.press("a", "o", "g")
        await pilot.pause()
    assert store.codings(coder="consensus") == []


async def test_more_than_two_coders_are_picked_first(store):
    build_project(store)  # asha, ben and cai have codings
    app = Host(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "CoderPicker"
        # Under the picker, the status said "Finding disagreements..." before any search.
        under = app.screen_stack[-2].query_one("#reconcile-status", Static)
        assert str(under.render()) == "3 coders have coded: choose the ones to compare."
        await pilot.press("down", "down", "space")  # untick cai
        await pilot.press("enter")
        await _ready(pilot)
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert screen.compared == ["asha", "ben"]
        assert _text(app, "#reconcile-status").startswith("Disagreement 1/2")


async def test_a_coder_who_did_not_code_the_transcript_is_not_compared(store):
    build_project(store)
    app = Host(store, coders=["asha", "ben", "cai"])
    async with app.run_test(size=(140, 36)) as pilot:
        await _ready(pilot)
        # asha's transcript: cai coded nothing there, so only asha and ben are compared
        assert "(did not code this transcript)" in _text(app, "#coder-text-2")
        # Panel C is taken with 3 (there is no key c): the status line said "a/b" only.
        assert "a/b or 1-3 take a coder's span" in _text(app, "#reconcile-status")
        await pilot.press("3")  # taking cai's span is refused
        await pilot.pause()
        assert _text(app, "#reconcile-status").startswith("Disagreement 1/")
    assert store.codings(coder="consensus") == []


async def test_undo_restores_the_previous_consensus(store):
    build_project(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot)
        await pilot.press("a", "b")  # item 1: asha's span; item 2: ben has nothing -> reject
        await pilot.pause()
        assert len(store.codings(coder="consensus")) == 1
        await pilot.press("u")  # undo the rejection of item 2 (its event, no coding)
        await pilot.press("z")  # undo taking asha's span on item 1
        await pilot.pause()
        assert store.codings(coder="consensus") == []
        status = _text(app, "#reconcile-status")
        assert status.startswith("Disagreement 1/2 (0 decided)") and "undecided" in status
        await pilot.press("z")  # nothing left to undo in this session
        await pilot.pause()
    events = store.events("consensus")
    assert [e["kind"] for e in events] == ["reconcile", "reconcile", "undo", "undo"]
    # ben coded nothing in item 2: taking him codes nothing there, and is logged as such
    assert [(e["rule"], e["taken_from"], len(e["coding_ids"])) for e in events[:2]] == [
        ("take", "asha", 1), ("take", "ben", 0)]
    assert [e["target"] for e in events[2:]] == [events[1]["id"], events[0]["id"]]
    assert [e["status"] for e in store.reconcile_log()] == ["undone", "undone"]


async def test_one_coder_is_told_what_reconciling_needs(store):
    asha, _ = build_project(store)
    for other in ("ben", "cai"):
        for coding in store.codings(coder=other):
            store.remove_coding(coding.id, other)
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        status = _text(app, "#reconcile-status")
        assert status.startswith("Nothing to reconcile yet: only asha has coded")
        assert "--coders" not in status and "qcahp merge" in status


async def test_a_consensus_decision_from_another_window_shows(store):
    build_project(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot)
        screen = app.screen
        assert "(0 decided)" in _text(app, "#reconcile-status")
        item = screen.item
        # Another window (the same project) takes asha's spans into the consensus.
        for start, end in item.of("asha"):
            store.code(item.transcript_id, item.theme_id, "consensus", start, end,
                       origin="consensus")
        screen.store_changed()  # what the app's poll calls
        await pilot.pause()
        status = _text(app, "#reconcile-status")
        assert status.startswith("Disagreement 1/2 (1 decided)") and "· decided" in status
        assert _text(app, "#consensus-text").startswith("consensus: turn")


async def test_help_lists_the_coder_number_keys_once(store):
    """The help screen listed "1 Take coder 1" ... "9 Take coder 9", nine lines for a
    two-coder project; one "1-9" line says it, and 1 still takes coder A."""
    from qualcoder_ahp.tui.screens.help import binding_rows

    build_project(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        rows = binding_rows(app.screen)
        takes = [r for r in rows if r[1].startswith("Take coder")]
        assert [r[0] for r in takes] == ["1-9"]
        await pilot.press("1")
        await pilot.pause()
        assert "(1 decided)" in _text(app, "#reconcile-status")
    assert len(store.codings(coder="consensus")) == 1


async def test_undo_never_takes_back_another_windows_decision(store, tmp_path):
    """Two windows reconciling into one consensus: z in one used to undo the consensus
    coder's newest decision, which was the other window's, and left its own standing."""
    from qualcoder_ahp.model.store import open_store

    build_project(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(pilot)
        await pilot.press("a")  # this window: item 1 takes asha's span
        await pilot.pause()
        other = open_store(tmp_path / "project.db")  # the second window
        try:
            second = app.screen.items[1]
            other.reconcile(second.transcript_id, second.theme_id, "consensus",
                            list(second.of("asha")), rule="take", taken_from="asha",
                            compared=["asha", "ben"], start=second.start, end=second.end,
                            decided_by="ben")
            mine, theirs = [e["id"] for e in other.events("consensus")]
            await pilot.press("z")  # refused: the newest decision is the other window's
            await pilot.pause()
            assert [e["kind"] for e in store.events("consensus")] == ["reconcile"] * 2
            assert "(2 decided)" in _text(app, "#reconcile-status")
            other.undo("consensus")  # the other window takes back its own
            await pilot.press("z")  # now this window's decision is on top: undone
            await pilot.pause()
        finally:
            other.close()
    events = store.events("consensus")
    assert [(e["kind"], e.get("target")) for e in events] == [
        ("reconcile", None), ("reconcile", None), ("undo", theirs), ("undo", mine)]
    assert store.codings(coder="consensus") == []


async def test_blind_coding_turned_on_while_open_hides_the_other_coders(store):
    """`qcahp blind on` while the reconcile screen was open left every coder's spans on
    screen, and its keys still decided into the consensus."""
    build_project(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        assert "I fell into management" in _text(app, "#coder-text-0")
        store.set_setting("blind", "1")  # another terminal: qcahp blind on
        app.screen.store_changed()  # what the app's poll calls
        await pilot.pause()
        assert "Blind coding is on" in _text(app, "#reconcile-status")
        assert not app.screen.query_one("#coder-panels").display
        assert not app.screen.query_one("#consensus-panel").display
        await pilot.press("a", "o", "g")
        await pilot.pause()
    assert store.codings(coder="consensus") == []


async def test_help_says_how_to_read_a_stretch_longer_than_its_panel(store):
    """At 80x24 a panel shows a few lines of a stretch; nothing said that Tab moves to a
    panel and the arrows scroll it."""
    from textual.containers import VerticalScroll

    from qualcoder_ahp.tui.screens.help import binding_rows

    build_project(store)
    app = Host(store, coders=["asha", "ben"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        rows = {r[0]: r for r in binding_rows(app.screen)}
        assert rows["tab"][1] == "Next panel" and "scroll" in rows["tab"][2]
        await pilot.press("tab")
        await pilot.pause()
        assert isinstance(app.focused, VerticalScroll)
        assert app.focused.has_class("coder-panel")


async def test_a_coder_who_only_rejected_is_compared_as_agreement_compares(tmp_path):
    """asha accepted a suggestion that ben rejected: `qcahp agreement` and `qcahp
    reconcile` compare them, but the screen counted only coders with codings and said
    "only asha has coded"."""
    from tests.helpers.project import build_project as suggested_project

    store = suggested_project(tmp_path / "project.db", transcripts=1)
    [first, *_] = [s.id for s in store.suggestions()]
    store.accept(first, "asha")
    store.reject(first, "ben")
    assert store.coders_who_coded() == ["asha", "ben"]
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        assert app.screen.compared == ["asha", "ben"]
        assert _text(app, "#reconcile-status").startswith("Disagreement 1/1 (0 decided)")
    store.close()
