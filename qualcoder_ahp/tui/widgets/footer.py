"""The workbench's footer: Textual's, compact, with the help key first.

Textual's footer lists the focused widget's keys, then the screen's, then the
app's, and cuts off whatever does not fit. On an 80-column terminal that cut
took the app's keys, so the coding screen never showed ``? Help`` (the one key
that lists all the others). This footer packs the keys tighter and always puts
``?`` first, so every screen shows, at any width, how to find every key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST_KEYS = ("question_mark",)
"""Keys drawn before every other key, in this order."""


class WorkbenchFooter(Footer):
    """A compact footer whose first key is always ``?`` (help)."""

    def __init__(self) -> None:
        super().__init__(compact=True)

    def compose(self) -> ComposeResult:
        """Textual's keys, with :data:`FIRST_KEYS` moved to the front."""
        widgets = list(super().compose())
        first = sorted((w for w in widgets if isinstance(w, FooterKey) and w.key in FIRST_KEYS),
                       key=lambda w: FIRST_KEYS.index(w.key))
        yield from first
        yield from (w for w in widgets if w not in first)
