"""The reconcile screen's walk state, driven without Textual (tui/reconcile_walk.py)."""

from __future__ import annotations

import subprocess
import sys

from qualcoder_ahp.agreement.reconcile import ReconcileItem
from qualcoder_ahp.tui.reconcile_walk import match_items


def item(start: int, end: int, theme: str = "serendipity", tid: int = 1) -> ReconcileItem:
    return ReconcileItem("t", tid, theme, start, end, (("ana", ()), ("ben", ())))


def test_items_are_matched_exactly_then_by_overlap_in_the_same_theme_and_transcript():
    old = [item(0, 10), item(20, 30), item(40, 50), item(60, 70, theme="visibility")]
    new = [item(65, 80, theme="visibility"),  # lengthened by a coding made since
           item(0, 10),  # unchanged
           item(20, 30, tid=2),  # same place, another transcript: not the same item
           item(45, 46, theme="board_mandate")]  # overlaps, another theme
    # (20, 30) and (40, 50) are no longer disagreements: they are left out.
    assert match_items(old, new) == {0: 1, 3: 0}


def test_the_walk_module_loads_without_textual():
    code = ("import sys; import qualcoder_ahp.tui.reconcile_walk; "
            "sys.exit('textual' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
