"""The workbench's patterns screen: an exclusion's row says what it does (session 23).

An exclusion pattern's row showed "·" in every figure cell and "excl" under prec; what it
rules out (and how many of those a coder accepted: too wide) was only on the line under
the table, for the highlighted row. The row now says it, in ``qcahp patterns``' words:
``rules out 1 (1 accepted)``, ``rules out nothing``, readable at 80×24.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable, Label

from tests.test_s21_stale_versions import SMALL, build, load, patterns_json
from tests.test_s22_codebook import HAPPENED, NOT_BY_CHANCE


def drawn(table: DataTable) -> list[str]:  # type: ignore[type-arg]
    """The table's lines as drawn on the terminal (heading first)."""
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_an_exclusions_row_says_what_it_rules_out_at_80_columns(tmp_path: Path) -> None:
    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.help import HelpScreen
    from qualcoder_ahp.tui.screens.pattern_suggestions import PatternSuggestionsScreen
    from qualcoder_ahp.tui.screens.patterns import PatternsScreen
    from tests.test_patterns_tui import settle
    from tests.tui.conftest import press_for_screen

    db = build(tmp_path)
    load(db, tmp_path, SMALL.read_text().replace(NOT_BY_CHANCE, HAPPENED))
    cli = patterns_json(db)
    assert (cli["ser_x_happened"]["ruled_out"], cli["ser_x_happened"]["ruled_out_accepted"]
            ) == (1, 1)
    app = make_app(db, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await press_for_screen(pilot, "y", PatternsScreen)
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        lines = drawn(table)
        assert lines[0].split()[-5:] == ["made", "acc", "rej", "open", "prec"]
        row = {line.split()[0]: line for line in lines[1:] if line.strip()}
        # The exclusion's row, whole on the screen: what it rules out, as the CLI says it.
        assert "rules out 1 (1 accepted)" in row["ser_x_happened"]
        assert "rules out nothing" in row["ser_not_by_chance"]
        assert "\u00b7" not in row["ser_x_happened"] and "excl " not in row["ser_x_happened"]
        # A positive pattern's figures stay under their headings.
        assert row["ser_by_chance"].split()[-5:] == ["1", "1", "1", "0", "50%"]
        heading = lines[0]
        for figure, name in zip(row["ser_by_chance"].split()[-5:],
                                ["made", "acc", "rej", "open", "prec"], strict=True):
            end = heading.index(name) + len(name)
            assert row["ser_by_chance"][:end].endswith(figure), name
        # Too wide (it rules out a suggestion a coder accepted): bold, as the CLI warns.
        cells = dict(zip([str(table.get_row_at(i)[0]) for i in range(table.row_count)],
                         [table.get_row_at(i)[3] for i in range(table.row_count)],
                         strict=True))
        assert isinstance(cells["ser_x_happened"], Text)
        assert "bold" in str(cells["ser_x_happened"].style)
        assert "bold" not in str(cells["ser_not_by_chance"].style)
        # The keys: on the exclusion's row, the footer's keys all work.
        ids = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=ids.index("ser_x_happened"))
        await pilot.pause()
        for key in ("enter", "s", "c", "escape"):
            assert key in app.active_bindings
        # c: only ana's decisions, and she never decided on it.
        await pilot.press("c")
        await settle(pilot)
        row = {line.split()[0]: line for line in drawn(table)[1:] if line.strip()}
        assert "rules out 1 " in row["ser_x_happened"] + " "
        assert "accepted" not in row["ser_x_happened"]
        await pilot.press("c")
        await settle(pilot)
        # s keeps the words on the exclusion's row in every order.
        for _ in range(4):
            await pilot.press("s")
            await pilot.pause()
            row = {line.split()[0]: line for line in drawn(table)[1:] if line.strip()}
            if "ser_x_happened" in row:
                assert "rules out 1 (1 accepted)" in row["ser_x_happened"]
        # Help names what Enter does on an exclusion's row.
        help_screen = await press_for_screen(pilot, "question_mark", HelpScreen)
        said = " ".join(" ".join(str(c) for c in r) for r in help_screen.rows)
        assert "an exclusion makes none: its row says what it rules out" in said
        await pilot.press("escape")
        await pilot.pause()
        # Enter on it: its list says where its figures are.
        ids = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=ids.index("ser_x_happened"))
        await pilot.pause()
        listing = await press_for_screen(pilot, "enter", PatternSuggestionsScreen)
        await settle(pilot)
        head = " ".join(str(listing.query_one("#pattern-list-head", Label).render()).split())
        assert "its row on the patterns screen says how many it rules out now" in head


def test_exclusion_words_shorten_to_fit() -> None:
    from qualcoder_ahp.tui.screens.patterns import RECORD_WIDTH, exclusion_words

    row = {"ruled_out": 123, "ruled_out_accepted": 45, "ruled_out_rejected": 6}
    assert exclusion_words(row) == "rules out 123: 45 acc, 6 rej"  # the long form: 37
    assert len(exclusion_words(row)) == RECORD_WIDTH
    row = {"ruled_out": 12, "ruled_out_accepted": 4, "ruled_out_rejected": 1}
    assert exclusion_words(row) == "rules out 12: 4 acc, 1 rej"
    assert exclusion_words(row, width=40) == "rules out 12 (4 accepted, 1 rejected)"
    assert exclusion_words({"ruled_out": 12, "ruled_out_accepted": 0,
                            "ruled_out_rejected": 3}) == "rules out 12 (3 rejected)"
    assert exclusion_words({}) == "exclusion, not in use"
