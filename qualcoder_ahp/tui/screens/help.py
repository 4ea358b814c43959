"""The help screen: every key of the screen below it, from its BINDINGS.

Built from the bindings themselves (screen and app), so it can never disagree
with the footer or the command palette.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(key, description, tooltip) for every binding of ``screen`` and the app."""
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    ranged: set[str] = set()
    for source in (screen, screen.app):
        for binding in source.BINDINGS:
            if not isinstance(binding, Binding) or binding.key in seen:
                continue
            seen.add(binding.key)
            action = binding.action.partition("(")[0]
            # A key range shown once ("1-9") stands for the bindings of the same action.
            if action in ranged:
                continue
            if binding.key_display and "-" in binding.key_display:
                ranged.add(action)
            key = binding.key_display or screen.app.get_key_display(binding)
            rows.append((key, binding.description, binding.tooltip))
    return rows


class HelpScreen(ModalScreen[None]):
    """List the keys of the screen it was opened from."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", tooltip="Close the help"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def __init__(self, under: Screen, title: str) -> None:
        super().__init__()
        self.rows = binding_rows(under)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Label(Text(f"Keys: {self.title_text}  (Escape closes; ctrl+p finds any command)"))
            table: DataTable[Text] = DataTable(id="help-table", cursor_type="row")
            table.add_columns("key", "does", "details")
            for key, description, tooltip in self.rows:
                table.add_row(Text(key), Text(description), Text(tooltip or ""))
            yield table
