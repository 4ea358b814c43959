"""A scrolling pane that never takes the keyboard from its screen."""

from __future__ import annotations

from textual.containers import VerticalScroll


class Pane(VerticalScroll, can_focus=False):
    """Side panes scroll with the mouse; keys stay with the screen's bindings."""
