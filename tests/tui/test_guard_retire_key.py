"""x on the codebook screen retires the highlighted theme after a confirmation that says
what happens to its codings (kept, shown as retired) and open suggestions (closed); u
undoes it. At 80x24, keyboard only; asserted on the screen and in the database."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Tree

from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.app import make_app
from qualcoder_ahp.tui.screens.codebook import CodebookScreen
from qualcoder_ahp.tui.screens.help import binding_rows
from qualcoder_ahp.tui.screens.modals import ChoiceModal
from tests.tui.conftest import CODER, open_codebook
from tests.tui.test_codebook_edit import _to_theme

SIZE = (80, 24)


def labels(screen: CodebookScreen) -> list[str]:
    tree = screen.query_one("#theme-tree", Tree)
    return [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]


def mandate(project: Path) -> tuple[bool, list[tuple[str, str]], int]:
    with open_store(project) as store:
        return ("mandate" in {t.id for t in store.themes()},
                [(c.coder, c.theme_id) for c in store.codings()],
                len(store.suggestions(theme_id="mandate")))


async def test_x_retires_after_saying_what_happens_and_u_undoes(project: Path) -> None:
    with open_store(project) as store:
        board = store.suggestions(theme_id="mandate")
        store.accept(board[0].id, CODER)
        store.accept(board[1].id, "bo")
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        assert ("x", "Retire") in [(k, d) for k, d, _ in binding_rows(screen)]
        await pilot.press("x")  # on the folder "Career paths": refused, with the reason
        await pilot.pause()
        assert app.screen is screen
        assert mandate(project)[0]
        await _to_theme(pilot, screen, "mandate")
        await pilot.press("x")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ChoiceModal)
        said = " ".join(confirm.title_text.split())
        assert said.startswith("Retire theme Mandate? It leaves the codebook")
        assert "Its 2 codings (every coder's) stay, counted in reports and agreement as " \
            "\"Mandate (retired)\"; its 3 open suggestions close." in said
        await pilot.press("escape")  # cancelled: nothing changes
        await pilot.pause()
        assert app.screen is screen and mandate(project) == (
            True, [(CODER, "mandate"), ("bo", "mandate")], 3)
        await pilot.press("x", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert not [label for label in labels(screen) if label.startswith("Mandate")]
        assert mandate(project) == (False, [(CODER, "mandate"), ("bo", "mandate")], 0)
        with open_store(project) as store:
            assert store.events()[-1]["kind"] == "theme_retire"
            assert store.events()[-1]["coder"] == CODER
        await pilot.press("u")
        await pilot.pause()
        assert any(label.startswith("Mandate") for label in labels(screen))
    assert mandate(project) == (True, [(CODER, "mandate"), ("bo", "mandate")], 3)


async def _retire_title(project: Path, theme_id: str) -> str:
    app = make_app(project, coder=CODER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_codebook(pilot)
        await _to_theme(pilot, screen, theme_id)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        return " ".join(app.screen.title_text.split())


async def test_retiring_a_theme_nobody_coded_says_so_plainly(project: Path) -> None:
    """It said "Its 0 codings (every coder's) stay, counted in reports and agreement as
    ...; its 0 open suggestions close"."""
    said = await _retire_title(project, "secret")
    assert "Its 0" not in said and "its 0" not in said, said
    assert said.endswith("the suggestions. Nobody has coded it; it has no open "
                         "suggestion. u undoes it."), said


async def test_retiring_a_theme_of_one_coding_and_one_suggestion_is_singular(
        project: Path) -> None:
    with open_store(project) as store:
        board = store.suggestions(theme_id="mandate")
        store.accept(board[0].id, CODER)
        store.reject(board[1].id, CODER)
    with open_store(project) as store:
        open_ = len(store.suggestions(theme_id="mandate"))
    said = await _retire_title(project, "mandate")
    assert "Its 1 coding (every coder's) stays, counted in reports and agreement as " \
        f"\"Mandate (retired)\"; its {open_} open suggestion" in said, said
