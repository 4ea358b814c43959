"""A bare app that shows only the reconcile screen, for Pilot tests of it."""

from __future__ import annotations

from typing import Any

from textual.app import App

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.tui.screens.reconcile import ReconcileScreen


class ReconcileHost(App[None]):
    """The reconcile screen of ``store`` for ``coder`` (``options`` go to the screen:
    ``coders=[...]``, ``unit=...``)."""

    def __init__(self, store: Store, coder: str = "lead", **options: Any) -> None:
        super().__init__()
        self.store = store
        self.coder = coder
        self.options = options

    def on_mount(self) -> None:
        self.push_screen(ReconcileScreen(self.store, self.coder, **self.options))
