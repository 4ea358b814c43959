"""Session 20's audit of the workbench as a researcher new to it meets it, at 80x24."""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Static

from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed
from tests.helpers.reconcile_host import ReconcileHost

QUESTION = ("I would like to hear about the years after you qualified, the posts you held "
            "on the wards and in the community, and whether any of it was planned. So what "
            "changed, in the end, that took you out of clinical work altogether?")
ANSWER = ("Honestly, I fell into management. There was no grand plan. My band 7 post was in "
          "critical care, and the therapy manager went off on long-term sick leave.")


def shown(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    """The lines of a reconcile panel the reader sees (its scrolled window), as text."""
    static = app.screen.query_one(selector, Static)
    panel = static.parent
    height = panel.scrollable_content_region.height
    lines = static.render_lines(Region(0, int(panel.scroll_y), static.size.width, height))
    return " ".join(" ".join(strip.text.split()) for strip in lines)


async def test_reconcile_panels_show_the_stretch_at_80x24(store):
    """The coders' spans are in sight in every panel, not below the context before them."""
    store.save_codebook(Codebook("ahp", (Theme("roles", "Non-traditional roles"),)))
    info, _ = store.add_transcript("helen", make_parsed([
        ("Interviewer", "interviewer", QUESTION), ("Helen", "participant", ANSWER)]))
    text = store.transcript_text(info.id)
    start = text.index("Honestly")
    store.code(info.id, "roles", "asha", start, text.index("My band"))
    store.code(info.id, "roles", "ben", start, text.index(" There was"))
    app = ReconcileHost(store, "asha", coders=["asha", "ben"])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        for selector in ("#coder-text-0", "#coder-text-1", "#consensus-text"):
            seen = shown(app, selector)
            assert "Honestly, I fell into management." in seen, (selector, seen)
        assert "A: asha" in shown(app, "#coder-text-0")  # who is who stays in sight
        # The context that is shown starts on a word, not "...ee in the morning".
        assert not any(word.startswith("...") and word[3:4].islower()
                       for word in shown(app, "#consensus-text").split())
