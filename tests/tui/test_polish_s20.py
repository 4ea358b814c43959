"""Session 20's polish of the workbench at 80x24: the reconcile screen says what each
decision took and where, in turns; one undo toast at a time; the search's hit number."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen
from tests.conftest import make_parsed
from tests.helpers.reconcile_host import ReconcileHost
from tests.tui.conftest import CODER, open_alpha
from tests.tui.test_audit_s20 import shown
from tests.tui.test_passages_screen import drawn as passage_lines
from tests.tui.test_passages_screen import open_passages

SMALL = (80, 24)


def drawn(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The footer's keys as drawn, left to right."""
    return [f"{k.key_display} {k.description}" for k in app.screen.query(FooterKey)
            if k.display]


def notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The notifications on screen, oldest first."""
    return [n.message for n in app._notifications]


async def test_undo_and_redo_keep_one_toast(app):
    """u u r stacked three toasts over the side panel at 80x24; now the last one shows."""
    async with app.run_test(size=SMALL) as pilot:
        await open_alpha(pilot)
        for key in "aauur":
            await pilot.press(key)
            await pilot.pause()
        steps = [n for n in notes(app) if n.startswith(("Undone", "Redone"))]
        assert len(steps) == 1 and steps[0].startswith("Redone: accept"), notes(app)
        assert len(app.store.codings(coder=CODER)) == 1  # the first accept, redone


def reconcile_project(store):  # type: ignore[no-untyped-def]
    """p01: four timed turns; ana and ben code Serendipity differently in turn 4."""
    store.save_codebook(Codebook("ahp", (Theme("serendipity", "Serendipity"),)))
    info, _ = store.add_transcript("p01", make_parsed([
        ("Interviewer", "interviewer", "How did you come to the post?"),
        ("Helen", "participant", "I trained as a physiotherapist."),
        ("Interviewer", "interviewer", "And then?"),
        ("Helen", "participant", "Honestly, I fell into management. There was no plan."),
    ]))
    store.set_turn_times(info.id, [None, None, None, "00:12:30"])
    text = store.transcript_text(info.id)
    start = text.index("Honestly")
    store.code(info.id, "serendipity", "ana", start, text.index(" There was"))
    store.code(info.id, "serendipity", "ben", text.index("I fell"), len(text))
    return info, text


async def test_reconcile_says_what_a_key_took_and_where_in_turns(store):
    """a moved on without a word; the panel heads said "[460, 512)". Now the heads say
    the turn, its speaker and time, and a says what it took, of what, where."""
    info, text = reconcile_project(store)
    app = ReconcileHost(store, "ana", coders=["ana", "ben"])
    async with app.run_test(size=SMALL) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        head = shown(app, "#coder-text-0")
        assert head.startswith("A: ana turn 4 (Helen, 00:12:30)"), head
        assert shown(app, "#coder-text-1").startswith("B: ben turn 4 (Helen, 00:12:30)")
        assert shown(app, "#consensus-text").startswith("consensus: (undecided)")
        assert not any("[" in shown(app, f"#coder-text-{k}") for k in (0, 1))
        status = shown(app, "#reconcile-status")
        assert "Serendipity in p01, turn 4 (Helen, 00:12:30) · undecided" in status, status
        await pilot.press("a")
        await pilot.pause()
        assert notes(app)[0] == (
            "Took ana's coding of Serendipity on p01, turn 4 (Helen, 00:12:30).")
        assert shown(app, "#consensus-text").startswith("consensus: turn 4 (Helen, 00:12:30)")
    [coding] = store.codings(coder="consensus")
    assert text[coding.start:coding.end] == "Honestly, I fell into management."


async def test_reconcile_footer_at_80_columns_says_how_to_leave(tmp_path):
    """At 80 columns the footer left out esc Back; now it keeps the walk, taking a
    coder's spans, undo and Back (d, f, o, i, x are named on the status line and in
    the help)."""
    path = tmp_path / "p.db"
    with open_store(path) as store:
        info, text = reconcile_project(store)
        early = text.index("I trained")  # a second disagreement: n and p apply
        store.code(info.id, "serendipity", "ben", early, early + 10)
    app = make_app(path, coder="ana")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await app.workers.wait_for_complete()
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, ReconcileScreen)
        assert drawn(app) == ["? Help", "n Next", "p Previous", "a Take A", "b Take B",
                              "esc Back", "d Decided too", "^p palette"]
        await pilot.press("a")
        await pilot.pause()
        await pilot.pause()
        assert drawn(app) == ["? Help", "n Next", "p Previous", "a Take A", "b Take B",
                              "u Undo", "esc Back", "^p palette"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReconcileScreen)
    with open_store(path) as store:
        [event] = store.events("consensus")  # a took ana's (no) coding of turn 2
        assert (event["rule"], event["taken_from"], event["start"]) == ("take", "ana", early)


async def test_search_says_which_hit_the_cursor_is_on(app):
    """/ said "3 hits" and ; moved on without saying which: now "hit 2 of 3", and the
    count alone once the cursor leaves the hit."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_alpha(pilot)
        await pilot.press("/")
        await pilot.pause()
        await pilot.press(*"board", "enter")
        await pilot.pause()
        status = str(screen.query_one("#status-line").render())
        assert status.endswith("search “board”: hit 1 of 3"), status
        await pilot.press("semicolon")
        await pilot.pause()
        status = str(screen.query_one("#status-line").render())
        assert status.endswith("search “board”: hit 2 of 3"), status
        assert len(status) <= 80
        text = app.store.transcript_text(screen.session.info.id)
        assert screen.session.span.start <= text.index("board now") < screen.session.span.end
        await pilot.press("up", "up")
        await pilot.pause()
        status = str(screen.query_one("#status-line").render())
        assert status.endswith("search “board”: 3 hits"), status


LONG = "physiotherapy_lead_helen_second_interview_after_the_restructure_2024"


async def test_a_long_transcript_name_keeps_its_count_on_the_heading(tmp_path):
    """The heading's name pushed "· 1 passage" onto a line of its own at 80 columns:
    the name is cut with … and the count stays; the line under the list names it whole."""
    path = tmp_path / "p.db"
    with open_store(path) as store:
        store.save_codebook(Codebook("ahp", (Theme("serendipity", "Serendipity"),)))
        info, _ = store.add_transcript(LONG, make_parsed([
            ("Interviewer", "interviewer", "How did you come to the post?"),
            ("Helen", "participant", "Honestly, I fell into management by luck.")]))
        text = store.transcript_text(info.id)
        store.code(info.id, "serendipity", CODER, text.index("Honestly"), len(text))
    app = make_app(path, coder=CODER)
    async with app.run_test(size=SMALL) as pilot:
        await open_passages(pilot, "seren")
        lines = passage_lines(app)
        [heading] = [line for line in lines if line.startswith("\u2500\u2500 ")]
        assert heading.endswith("\u2026 (Helen) \u00b7 1 passage") or heading.endswith(
            "\u2026 \u00b7 1 passage"), heading
        assert heading.startswith("\u2500\u2500 physiotherapy_lead_helen") and len(heading) <= 80
        assert not any(line.strip() == "\u00b7 1 passage" for line in lines)
        assert lines[-1] == f"Passage 1 of 1 \u00b7 Serendipity\n{LONG}"  # whole, below
    with open_store(path) as store:
        assert len(store.codings(coder=CODER)) == 1  # reading passages wrote nothing
