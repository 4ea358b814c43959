"""The whole of one pattern, in a dialog (``v`` on the patterns screen and a pattern's list).

The table's pattern column, the line under it and the list's header cut a long pattern
to the screen's width (the shipped codebook has regexes of several thousand characters),
so ``v`` shows it all, wrapped and scrollable: the id, kind and theme, the pattern as
written (a regex exactly, a token or dependency pattern as its JSON) and its short
readable form.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Pattern
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter


def as_written(pattern: Pattern) -> str:
    """The pattern as the codebook has it: a regex or phrase exactly, else its JSON."""
    if isinstance(pattern.body, str):
        return pattern.body
    return json.dumps(pattern.body, ensure_ascii=False)


def pattern_view_text(store: Store, pattern_id: str) -> Text:
    """What the dialog shows for ``pattern_id`` (no Textual): where it belongs, the
    pattern as written, and its readable form."""
    from qualcoder_ahp.tui.screens.patterns import pattern_gist

    pattern = next((p for p in store.patterns(include_inactive=True) if p.id == pattern_id),
                   None)
    out = Text()
    out.append(pattern_id, style="bold")
    if pattern is None:
        out.append(": no longer in the codebook.")
        return out
    try:
        path = store.theme_path(pattern.theme_id)
    except UserError:
        path = pattern.theme_id
    kind = ("exclusion " if pattern.exclude else "") + pattern.kind
    out.append(f": {kind} pattern of {path} ({len(as_written(pattern)):,} characters)\n\n")
    out.append("As written:\n", style="bold")
    out.append(as_written(pattern) + "\n\n")
    out.append("Read as:\n", style="bold")
    out.append(pattern_gist(pattern))
    return out


class PatternViewModal(ModalScreen[None]):
    """One pattern in full, wrapped; ↑ ↓ PgUp PgDn scroll a long one."""

    BINDINGS = [Binding("escape", "dismiss", "Close", tooltip="Close the pattern"),
                Binding("v", "dismiss", "Close", show=False)]

    def __init__(self, store: Store, pattern_id: str) -> None:
        """Show ``pattern_id`` of ``store``."""
        super().__init__()
        self.text = pattern_view_text(store, pattern_id)
        """What the dialog shows (tests read it)."""

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()
        with Vertical(classes="dialog pattern-view"):
            yield Label(Text("The whole pattern (↑ ↓ PgUp PgDn scroll; Escape closes)"),
                        classes="hint")
            with VerticalScroll(id="pattern-view-body"):
                yield Static(self.text, id="pattern-view-text")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
