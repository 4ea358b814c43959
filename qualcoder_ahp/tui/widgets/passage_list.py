"""The passages screen's list: passages laid out ahead in a worker, and again in one
after a resize (:class:`PassageList`), so that thousands of wrapped passages never
wrap on the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from textual.events import Resize
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

REWRAP_STEP = 500
"""Passages measured between two looks at whether a resize's layout is still wanted."""


class PassageList(OptionList, inherit_bindings=False):
    """The passages; the screen holds the keys, so the help and the footer list them.

    A transcript's heading is a disabled option, which the cursor skips.
    """

    @dataclass
    class Rewrapped(Message):
        """The list's text width changed (a terminal resized): its passages are to be
        measured again at ``width``, in a worker, before the list lays them out."""

        listing: PassageList
        width: int

        @property
        def control(self) -> PassageList:
            return self.listing

    @dataclass
    class NearEnd(Message):
        """Scrolled to within a screen of the list's end (``direction`` 1) or of its top
        (-1): the screen adds the passages beyond it, if it holds them not all."""

        listing: PassageList
        direction: int

        @property
        def control(self) -> PassageList:
            return self.listing

    laid_out = 0
    """The width (cells) the passages were measured at in a worker (0: none yet)."""
    rewrapping = 0
    """The width a worker is measuring them at after a resize (0: none)."""

    # No border: at 80x24 every column and row is for the text.
    DEFAULT_CSS = """
    PassageList, PassageList:focus { height: 1fr; max-height: 100%; border: none; padding: 0; }
    PassageList > .option-list--option-disabled { color: $accent; text-style: bold; }
    PassageList:light > .option-list--option-disabled { color: $text-primary; }
    """

    def text_width(self) -> int:
        """The width (cells) an option's text wraps to once the list is longer than the
        screen (a vertical scrollbar beside it), as :class:`OptionList` measures it;
        0 before the screen is laid out."""
        outer = self.outer_size.width if self.display else self.screen.size.width
        padding = self.get_component_styles("option-list--option").padding
        return max(0, outer - self.styles.scrollbar_size_vertical
                   - self._get_left_gutter_width() - padding.width)

    def _on_resize(self, event: Resize) -> None:
        """A resize that changes the text width would wrap every passage again here, on
        the UI thread (OptionList measures them all at the next paint): the lines laid
        out stay until a worker has measured them at the new width
        (:class:`Rewrapped`). The passages are drawn at the new width meanwhile."""
        width = self.text_width()
        if not (self.option_count and self.laid_out and width) or (
                width == self.laid_out and not self.rewrapping):
            return  # OptionList's own: the heights at this width are known (or few)
        event.prevent_default()
        self._option_render_cache.clear()
        self.refresh()
        self.rewrapping = width
        self.post_message(self.Rewrapped(self, width))

    refilling = False
    """The screen is putting other passages in the list (and then scrolls it itself)."""

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Say when the view comes within a screen of an end (:class:`NearEnd`)."""
        super().watch_scroll_y(old_value, new_value)
        direction = 1 if new_value > old_value else -1
        if new_value != old_value and not self.refilling and self.near(direction):
            self.post_message(self.NearEnd(self, direction))

    def near(self, direction: int) -> bool:
        """Whether the view is within a screen of the list's end (1) or top (-1)."""
        margin = max(1, self.size.height)
        return (self.scroll_y >= self.max_scroll_y - margin if direction > 0
                else self.scroll_y <= margin)

    def line_of(self, option_id: str | None) -> int | None:
        """The first line of the option ``option_id`` in the list (None: not in it)."""
        if option_id is None or option_id not in self._id_to_option:
            return None
        return self._index_to_line.get(self.get_option_index(option_id))

    def line_at_highlight(self) -> int | None:
        """The first line of the highlighted option, if any."""
        if self.highlighted is None:
            return None
        return self._index_to_line.get(self.highlighted)

    def clear_options(self) -> Self:
        """Empty the list (another collection fills it, measured at the width then)."""
        self.laid_out = self.rewrapping = 0
        return super().clear_options()

    def laid_out_at(self, width: int) -> None:
        """The worker measured every passage at ``width``: lay them out (their heights
        are known now, so this is quick) if the list still wraps to it."""
        if width != self.text_width() or width != self.rewrapping:
            return  # resized again meanwhile: that resize's worker follows
        self.laid_out, self.rewrapping = width, 0
        self._clear_caches()
        self._update_lines()
        self.scroll_to_highlight()

    def laid_out_here(self) -> None:
        """No worker measured them (it failed): lay them out here, as OptionList does."""
        self.laid_out, self.rewrapping = self.text_width(), 0
        self._clear_caches()

    def measure(self, options: list[Option | None], width: int) -> None:
        """Lay out ``options`` ahead, in a worker thread, before they are added: each
        one's visual and its height at ``width`` (:meth:`text_width`) are kept on it,
        which the list reads back as it adds them, on the UI thread, instead of
        wrapping thousands of passages there (1.8 s at 26,582 passages). At another
        width (a resize meanwhile, a short list with no scrollbar) the list measures
        as it always does."""
        if width <= 0:
            return
        for option in options:
            if option is not None:
                self._get_visual(option).get_height(self.styles, width)


__all__ = ["REWRAP_STEP", "PassageList"]
