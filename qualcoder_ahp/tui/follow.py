"""Screens that follow other connections' commits.

The app polls ``PRAGMA data_version`` (:meth:`~qualcoder_ahp.tui.app.WorkbenchApp.poll_store`)
and, when another window, coder or CLI run has committed, calls ``store_changed()`` on each
screen that is showing, and marks the hidden ones ``store_stale``. A screen that shows
stored data mixes in :class:`FollowsStore` and says how to re-read in :meth:`reread`; it
catches up when it is shown again.
"""

from __future__ import annotations


BLIND_NOTE = ("Blind coding is on: you see only your own codings "
              "(`qcahp blind off` when everyone has finished).")
"""What a screen says when a key would show other coders' codings while blind."""


def is_blind(store: object) -> bool:
    """Whether blind coding is on (``qcahp blind on``): each coder sees only their own
    codings in the workbench (counts, passages and reconcile screens included)."""
    return store.get_setting("blind", "0") == "1"  # type: ignore[attr-defined]


class FollowsStore:
    """Mix into a Screen: re-read on the app's poll, or on resume if a commit came while hidden."""

    store_stale: bool = False
    """Another connection committed while this screen was hidden."""

    def on_screen_resume(self) -> None:
        """Back from another screen: catch up with commits made while hidden."""
        if self.store_stale:
            self.store_changed()

    def store_changed(self) -> None:
        """Another connection committed (the app's poll): re-read what this screen shows.

        A screen pushed but not yet mounted (the poll fired while it was being built, as on
        a busy machine) has no widgets to re-read into: it is marked stale and catches up
        when shown, which it is about to be. It used to fail on a missing widget."""
        if not getattr(self, "is_mounted", True):
            self.store_stale = True
            return
        self.store_stale = False
        self.reread()

    def reread(self) -> None:
        """Re-read from the store what this screen shows, keeping the user's place."""
        raise NotImplementedError


def withdrawn_meanwhile(screen: object, store: object, transcript_id: int,
                        name: str | None = None) -> bool:
    """Whether the transcript was withdrawn (``qcahp withdraw``) since ``screen`` last
    read it; if so the screen says so and re-reads. Opening it crashed the workbench
    with a traceback ("no transcript 1 in this project")."""
    if store.has_transcript(transcript_id):  # type: ignore[attr-defined]
        return False
    what = name or "That transcript"
    notify = screen.notify  # type: ignore[attr-defined]
    notify(f"{what} was withdrawn from the project (qcahp withdraw); nothing was opened.",
           severity="warning", markup=False)
    screen.store_changed()  # type: ignore[attr-defined]
    return True

