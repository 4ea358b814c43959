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


def _own_changes(screen: object) -> int | None:
    """Rows changed so far through the screen's store connection (the app's own)."""
    conn = getattr(getattr(screen, "store", None), "conn", None)
    return conn.total_changes if conn is not None else None


class FollowsStore:
    """Mix into a Screen: re-read on the app's poll, or on resume if a commit came while hidden."""

    _stale: bool = False
    _changes_seen: int | None = None
    """The app's own changes when a screen was opened over this one (see store_stale)."""

    @property
    def store_stale(self) -> bool:
        """Another connection committed while this screen was hidden, or this window did,
        on a screen opened over it: the app's poll sees only other connections' commits,
        so counts under a coding screen opened from the passages, say, stayed as they
        were when you came back."""
        return self._stale or (self._changes_seen is not None
                               and self._changes_seen != _own_changes(self))

    @store_stale.setter
    def store_stale(self, stale: bool) -> None:
        self._stale = stale
        if not stale:
            self._changes_seen = None

    def on_screen_suspend(self) -> None:
        """Another screen opened over this one: note the app's own changes so far. Not for
        a dialog, whose answer this screen itself stores (and shows)."""
        from textual.app import ScreenStackError
        from textual.screen import ModalScreen

        try:
            over = getattr(self, "app").screen
        except ScreenStackError:  # the app closing
            over = None
        mine = over is None or isinstance(over, ModalScreen)
        self._changes_seen = None if mine else _own_changes(self)

    def on_screen_resume(self) -> None:
        """Back from another screen: catch up with commits made while hidden. (Textual
        calls this after a screen's own on_screen_resume, which may have re-read.)"""
        if self.store_stale:
            self.store_changed()
        self._changes_seen = None  # this screen's own changes from now on

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

