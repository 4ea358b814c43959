"""What the workbench's list screens share: a worker's life, and the highlighted row.

The key words, passages, search, patterns and a pattern's suggestions screens each read
the store in a thread worker on their own connection and show one list (a DataTable or
an OptionList). :class:`ListScreen` holds what they do alike: a request number, so that
a worker's result arriving after a newer one was asked for (or after the screen was
closed) is dropped; re-reading on another connection's commit; catching up when shown
again; and the line under the list following the highlight. Each screen still says what
differs: how it reloads, what opens a row, and whether it always reloads when shown
(:attr:`ListScreen.RELOAD_ON_RESUME`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Header, Label

from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui.follow import FollowsStore
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter

T = TypeVar("T")


class ListScreen(FollowsStore):
    """Mix into a list screen (before ``Screen``): the worker's request, resume, highlight.

    The screen defines :meth:`reload` (start a worker with :meth:`next_request`'s number
    and drop a result whose number :meth:`is_current` denies), ``_show_where`` (the line
    under the list) and ``action_open`` (or overrides :meth:`open_highlighted`).
    """

    store: Store
    coder: str
    sub_title: str

    RELOAD_ON_RESUME = False
    """Reload every time the screen is shown again (the passages screen), not only after
    it opened something (:attr:`_opened`) or a commit came while it was hidden."""

    _request = 0
    """The number of the last read asked for; a worker's result of another is dropped."""
    _opened = False
    """The screen opened a row on another screen, where the store may change: it reads
    again when shown again."""

    def reload(self) -> None:
        """Read again from the store, in a worker."""
        raise NotImplementedError

    def first_read(self, keys: Widget) -> None:
        """Mounted: the working coder in the header, the keys to ``keys`` (the list), and
        the first read (a screen that reads on every resume has no need of it)."""
        self.sub_title = f"coder: {self.coder}"
        keys.focus()
        self.reload()

    def next_request(self) -> int:
        """A new request's number: every result asked for before it is dropped."""
        self._request += 1
        return self._request

    def is_current(self, request: int) -> bool:
        """Whether ``request`` is the last asked for (its result is to be shown)."""
        return request == self._request

    def on_own_connection(self, read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``read(store, *args, **kwargs)`` in the worker, on a connection of its own (an
        in-memory project has only the one)."""
        if self.store.path is None:
            return read(self.store, *args, **kwargs)
        with open_store(self.store.path) as own:
            return read(own, *args, **kwargs)

    def reread(self) -> None:
        """Another connection committed: read again, keeping the highlighted row."""
        self.reload()

    def on_unmount(self) -> None:
        """Gone (Escape): a read still running is shown nowhere."""
        self._request += 1

    def on_screen_resume(self) -> None:
        """Shown again: read again if it opened a row elsewhere, if a commit came while it
        was hidden, or always (:attr:`RELOAD_ON_RESUME`). Not after the help, say."""
        if self.RELOAD_ON_RESUME or self._opened or self.store_stale:
            self._opened = self.store_stale = False
            self.reload()

    # The highlight (Textual calls these by name, a DataTable's or an OptionList's).
    def on_data_table_row_highlighted(self) -> None:
        self._show_where()

    def on_option_list_option_highlighted(self) -> None:
        self._show_where()

    def on_data_table_row_selected(self) -> None:
        self.open_highlighted()

    def on_option_list_option_selected(self) -> None:
        self.open_highlighted()

    def highlighted_index(self) -> int | None:
        """The highlighted option's index in an OptionList screen's :meth:`listing`, if
        the list shows a result and has options."""
        listing = self.listing()  # type: ignore[attr-defined]
        if getattr(self, "shown", None) is None or not listing.option_count:
            return None
        index: int | None = listing.highlighted
        return index

    def _show_where(self) -> None:
        """The line under the list: where the highlight is."""
        raise NotImplementedError

    def open_highlighted(self) -> None:
        """Enter or a click on a row: open it."""
        self.action_open()  # type: ignore[attr-defined]


class TableKeys:
    """Mix into a screen of one table (key words, patterns): the moving keys of
    :func:`~qualcoder_ahp.tui.widgets.list_keys.list_bindings`, on its DataTable."""

    def _table(self) -> DataTable[object]:
        table: DataTable[object] = self.query_one(DataTable)  # type: ignore[attr-defined]
        return table

    def action_move(self, delta: int) -> None:
        """The next (1) or previous (-1) row."""
        table = self._table()
        table.action_cursor_down() if delta > 0 else table.action_cursor_up()

    def action_page(self, direction: int) -> None:
        """A page of rows down (1) or up (-1)."""
        table = self._table()
        table.action_page_down() if direction > 0 else table.action_page_up()

    def action_edge(self, direction: int) -> None:
        """The last (1) or first (-1) row."""
        table = self._table()
        table.action_scroll_bottom() if direction > 0 else table.action_scroll_top()


def list_layout(name: str, body: Widget) -> ComposeResult:
    """A list screen's widgets: the header, the caption (``#NAME-head``), the list or
    table ``body``, the line under it (``#NAME-where``) and the footer."""
    yield Header()
    yield Label("", id=f"{name}-head")
    yield body
    yield Label("", id=f"{name}-where")
    yield WorkbenchFooter()


def at(rows: list[T], index: int | None) -> T | None:
    """``rows[index]``, or ``None`` for no index or one outside the rows."""
    return rows[index] if index is not None and 0 <= index < len(rows) else None
