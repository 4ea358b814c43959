"""The workbench's command palette: the keys of the screen shown, offered as commands.

:meth:`~qualcoder_ahp.tui.app.WorkbenchApp.get_system_commands` offers Textual's own
commands, less :data:`LEFT_OUT_COMMANDS`, then :func:`key_commands`: every key of the
current screen and of the app that applies there, each as what pressing it does, so
the palette adapts to the screen as the footer does.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

LEFT_OUT_COMMANDS = frozenset({"Quit", "Keys", "Screenshot"})
"""Textual's palette commands the workbench does not offer. "Quit" stood next to the
workbench's own "Quit (q)"; "Keys" opened a second, different list of keys beside
"Help (?)"; "Screenshot" wrote the transcript on screen to an SVG file readable by
anyone on the machine (in ~/Downloads, and failed without one), where everything else
the tool writes is owner-only."""
RENAMED_COMMANDS = {"Theme": ("Colour scheme",
                              "Light or dark colours for the workbench (not a coding theme)")}
"""Textual's palette commands offered under another title and help: its "Theme" (a
colour scheme) sat among the coding themes' commands and read as one of them."""



def key_commands(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """Every key of ``screen``, then of ``app``, that applies there, as a command.

    A key is offered once, as what pressing it does: a screen's key that applies
    hides the app's on the same key (on a coding screen opened from a hit, F is
    "Hits", and "Find all (F)", which would do the same, is not listed again).
    """
    seen: set[str] = set()
    keys: set[str] = set()
    for owner in (screen, app):
        for binding in owner.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in seen:
                continue
            seen.add(binding.action)
            name, _, _ = binding.action.partition("(")
            checker = owner.check_action(name, ())
            if checker is False or checker is None:
                continue
            if owner is app and binding.key in keys:
                continue  # the screen's binding takes this key first
            keys.add(binding.key)
            key = app.get_key_display(binding)
            yield SystemCommand(
                f"{binding.description} ({key})", binding.tooltip or binding.description,
                partial(owner.run_action, binding.action),
            )
