"""The keys of a screen that is one long list (passages, search hits), or one grid
(:class:`GridKeys`: the counts, the framework matrix).

↑ ↓ move (each screen says how: the passages skip their transcript headings), PgUp
PgDn a page, Home End to the ends. The screen names its list in :meth:`ListKeys.listing`.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable, Label, OptionList


def list_bindings(item: str) -> list[Binding]:
    """The six hidden moving keys, their help naming the list's ``item`` ("hit")."""
    return [
        Binding("down", "move(1)", f"Next {item}", show=False, tooltip=f"Next {item}"),
        Binding("up", "move(-1)", f"Previous {item}", show=False, tooltip=f"Previous {item}"),
        Binding("pagedown", "page(1)", "Page ▼", show=False, tooltip=f"A page of {item}s down"),
        Binding("pageup", "page(-1)", "Page ▲", show=False, tooltip=f"A page of {item}s up"),
        Binding("home", "edge(-1)", "First", show=False, tooltip=f"The first {item}"),
        Binding("end", "edge(1)", "Last", show=False, tooltip=f"The last {item}"),
    ]


class ListKeys:
    """Mix into a list screen: a page and the ends of :meth:`listing`, and the line
    under the list (the Label ``WHERE`` names) that says where the highlight is."""

    WHERE = ""
    """The selector of the screen's where-line."""

    def listing(self) -> OptionList:
        """The screen's list."""
        raise NotImplementedError

    def action_page(self, direction: int) -> None:
        """Move a page down (1) or up (-1)."""
        if direction > 0:
            self.listing().action_page_down()
        else:
            self.listing().action_page_up()

    def action_edge(self, direction: int) -> None:
        """Highlight the first (-1) or last (1) item."""
        if direction > 0:
            self.listing().action_last()
        else:
            self.listing().action_first()

    def set_where(self, text: Text) -> None:
        """Show ``text`` on the where-line, cut to the screen's width."""
        label = self.query_one(self.WHERE, Label)  # type: ignore[attr-defined]
        width = self.size.width or self.app.size.width  # type: ignore[attr-defined]
        text.truncate(max(1, width - 2), overflow="ellipsis")
        label.update(text)


def grid_key(key: str, action: str, description: str, tooltip: str) -> Binding:
    """A hidden key of a screen of one grid (the counts, the framework matrix) that does
    what the grid's own ``action`` does (:class:`GridKeys`): the grid has the keys while
    it has the focus; the screen's copy puts them in the help and the palette (neither
    listed ← → there, the one way to the figures or themes off the screen's edge)."""
    return Binding(key, f"grid('{action}')", description, show=False, tooltip=tooltip)


class GridKeys:
    """Mix into a screen of one DataTable: :func:`grid_key`'s keys act on it."""

    def action_grid(self, action: str) -> None:
        """The grid's own ``action_<action>`` (``cursor_right``, ``scroll_end``…)."""
        grid = self.query_one(DataTable)  # type: ignore[attr-defined]
        getattr(grid, f"action_{action}")()
