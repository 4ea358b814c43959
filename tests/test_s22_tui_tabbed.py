"""The tabbed importer's guard "a block that is not a loose paragraph is kept as it is"
was written twice (the Markdown-table pass and the tab-separated pass): it is one helper
now, which both passes use, and reading such a transcript is unchanged."""

from __future__ import annotations

import inspect

from qualcoder_ahp.importers import tabbed
from qualcoder_ahp.importers.blocks import PARA, Block


def test_the_kept_as_it_is_guard_is_written_once() -> None:
    source = inspect.getsource(tabbed)
    assert source.count("if block.kind != PARA or block.speaker:") == 1
    assert "_each_unlabelled(blocks, " in inspect.getsource(tabbed._pipe_rows)
    assert "_each_unlabelled(blocks, " in inspect.getsource(tabbed._tab_blocks)


def test_both_passes_still_read_rows_and_keep_labelled_blocks() -> None:
    labelled = Block(["Already a turn."], speaker="Cat")
    table = Block(["| Speaker | Text |", "|---|---|", "| Ann | I started in 1996. |",
                   "| Bob | Why then? |", "| Ann | Luck, mostly. |", "| Bob | Go on. |"])
    read = tabbed.tab_blocks([labelled, table])
    assert read[0] is labelled
    assert [(b.speaker, b.lines) for b in read[1:]] == [
        ("Ann", ["I started in 1996."]), ("Bob", ["Why then?"]),
        ("Ann", ["Luck, mostly."]), ("Bob", ["Go on."])]
    tabs = Block(["Ann\tI started in 1996.", "Bob\tWhy then?", "Bob\tAnd after?",
                  "Ann\tLuck."])
    read = tabbed.tab_blocks([tabs])
    assert [(b.speaker, b.lines) for b in read] == [
        ("Ann", ["I started in 1996."]), ("Bob", ["Why then?", "And after?"]),
        ("Ann", ["Luck."])]
    assert all(b.kind == PARA for b in read)
