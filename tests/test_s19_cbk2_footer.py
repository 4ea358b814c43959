"""The codebook screen's footer shows add theme (a) and retire (x) at 80x24.

A researcher writing their own codebook looked for them in the footer; they were only
under ?. The keys of keeping a codebook come first (add, edit, retire, merge, move), with
tab, Escape and q Quit; M Memo and w Words follow q Quit, so a wider terminal shows them.
"""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import CODER, build_project, make_app, open_codebook


def _shown(screen) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    keys = sorted((k for k in screen.query("FooterKey")
                   if k.display and not k.has_class("-command-palette")),
                  key=lambda k: k.region.x)
    assert all(k.region.width == k.size.width and k.region.right <= screen.size.width
               for k in keys)  # whole keys only
    return [(k.key, k.description) for k in keys]


async def test_add_and_retire_are_in_the_80_column_footer(tmp_path: Path) -> None:
    build_project(tmp_path / "p.db")
    app = make_app(tmp_path / "p.db", coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codebook(pilot)
        await pilot.pause()
        assert _shown(screen) == [
            ("question_mark", "Help"), ("tab", "Pane"), ("escape", "Back"), ("a", "Add"),
            ("e", "Edit"), ("x", "Retire"), ("m", "Merge"), ("f", "Move"), ("q", "Quit")]


async def test_a_wider_footer_adds_memo_and_words(tmp_path: Path) -> None:
    build_project(tmp_path / "p.db")
    app = make_app(tmp_path / "p.db", coder=CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_codebook(pilot)
        await pilot.pause()
        assert [k for k, _ in _shown(screen)][-3:] == ["q", "M", "w"]
