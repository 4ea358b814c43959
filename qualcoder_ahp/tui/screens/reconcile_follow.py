"""The reconcile screen following other windows: the poll's re-read and recomputation.

:class:`ReconcileFollow` is mixed into
:class:`~qualcoder_ahp.tui.screens.reconcile.ReconcileScreen`. At the app's poll
(:class:`~qualcoder_ahp.tui.follow.FollowsStore`) it re-reads the consensus coding at
once, forgets the disagreements of transcripts withdrawn meanwhile, and computes the
disagreements again in a thread worker on a connection of its own - only those of the
transcripts whose codings changed since the screen loaded them or since the last poll:
the load and the polls bring one
:class:`~qualcoder_ahp.tui.reconcile_walk.FollowedItems` up to date
(:meth:`ReconcileFollow._bring_up_to_date`) - with the logged rejections; the result is
taken in on the main thread
(:meth:`~qualcoder_ahp.tui.reconcile_walk.ReconcileWalk.take_in`), keeping the item on
screen and this window's undo. Blind coding turned on or off meanwhile, or the first
codings of a second coder, hide or open the screen.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from qualcoder_ahp.agreement.reconcile import ReconcileItem
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.suggest.sre_tree import gc_paused
from qualcoder_ahp.tui.follow import FollowsStore, is_blind
from qualcoder_ahp.tui.reconcile_walk import FollowedItems, Stretches, consensus_by_stretch

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.tui.reconcile_walk import ReconcileWalk


def _young_collected(progress: Callable[[int, int], None] | None,
                     ) -> Callable[[int, int], None]:
    """``progress``, after a collection of the youngest objects (those made since the last
    step) while the collector is paused."""
    def step(done: int, total: int) -> None:
        if not gc.isenabled():
            gc.collect(0)
        if progress is not None:
            progress(done, total)

    return step


@dataclass(frozen=True)
class Brought:
    """What a worker read for the screen, in one snapshot of the project."""

    found: Stretches
    """The disagreements and agreed stretches."""
    log: tuple[int, list[dict[str, Any]]] | None = None
    """The newest event and the reconcile log of the stretches a rejection is on
    (:meth:`~qualcoder_ahp.model.store.Store.rejection_log`), when asked for."""
    consensus: tuple[int, dict[tuple[int, str], list[tuple[int, int]]]] | None = None
    """The newest event and the consensus coder's codings by stretch, when asked for."""


class ReconcileFollow(FollowsStore):
    """Mix into the reconcile screen: follow other connections' commits."""

    if TYPE_CHECKING:  # provided by the screen
        store: Store
        walk: ReconcileWalk
        compared: list[str] | None
        loaded: bool
        texts: dict[int, str]
        _waiting: bool

        def show(self) -> None: ...
        def _open(self, *, ask: bool) -> None: ...
        def _hide_for_blind(self) -> None: ...
        def post_message(self, message: Message) -> bool: ...
        def notify(self, message: str, *, severity: str = ..., markup: bool = ...,
                   ) -> None: ...
        def query(self, selector: str) -> object: ...
        def query_one(self, selector: str) -> object: ...

    class Recomputed(Message):
        """The disagreements computed again after another connection's commit."""

        def __init__(self, generation: int, items: list[ReconcileItem],
                     agreed: list[ReconcileItem], texts: dict[int, str],
                     names: dict[str, str], order: list[int],
                     log: tuple[int, list[dict[str, Any]]] | None = None) -> None:
            super().__init__()
            self.generation = generation
            self.items = items
            self.agreed = agreed
            self.texts = texts
            self.names = names
            self.order = order
            """The transcript ids in the order of the list of disagreements."""
            self.log = log
            """The reconcile log as at the newest event then (read off the UI thread)."""

    _generation = 0
    """Counts the computations started at polls (and the loads, which make the polls'
    results before them stale): only the newest one's result is used."""
    _followed: FollowedItems | None = None
    """The disagreements as the load or the last poll computed them, by transcript: the
    next poll computes again only the transcripts whose codings changed meanwhile."""
    _follow_lock = threading.Lock()
    """One computation at a time updates ``_followed`` (a newer poll's worker may start
    before an older one's has finished: a thread cannot be cancelled)."""

    def reread(self) -> None:
        """Another connection committed: re-read the consensus coding at once, so a
        stretch another window decided (or undid) shows as such, and compute the
        disagreements again in a worker with the logged rejections, so that codings
        another coder made or withdrew meanwhile add or remove disagreements, and a
        rejection made elsewhere shows as one (:meth:`on_reconcile_follow_recomputed`),
        with the item on screen kept. Blind
        coding turned on meanwhile hides them all; turned off, or the first codings of a
        second coder, and the screen opens."""
        blind = is_blind(self.store)
        if self.loaded and blind:
            self._hide_for_blind()
        elif self.loaded:
            self._drop_withdrawn()
            # The rejections are read with the disagreements, off the UI thread (the log
            # is read whole: 50 ms at 300,000 events), and taken in with them.
            self.show()
            self._generation += 1
            self._recompute(list(self.compared or []), self._generation)
        elif self._waiting and not blind:
            self._reopen()

    def _reopen(self) -> None:
        """Blind coding was turned off, or a second coder has coded: open as on mount;
        panels already loaded before blind coding hid them are shown and brought up to
        date, keeping the place and this session's undo."""
        self._waiting = False
        if not self.query(".coder-panel"):
            self._open(ask=False)
            return
        self.loaded = True
        self.query_one("#coder-panels").display = True  # type: ignore[attr-defined]
        self.query_one("#consensus-panel").display = True  # type: ignore[attr-defined]
        self.reread()

    def _bring_up_to_date(self, coders: list[str], *, fresh: bool = False, log: bool = False,
                          consensus: str | None = None,
                          progress: Callable[[int, int], None] | None = None) -> Brought:
        """(In a thread worker.) The disagreements of ``coders`` now, from the screen's
        :class:`~qualcoder_ahp.tui.reconcile_walk.FollowedItems`: the load starts it
        (``fresh``: every transcript computed), and each poll after computes again only
        the transcripts whose codings changed since (every one again for other coders).
        With ``log``, the reconcile log of the rejections too, and with ``consensus``,
        that coder's codings, as at the same moment (:class:`Brought`);
        ``progress(done, total)`` after each transcript read.

        On a connection of its own for an on-disk project, in one snapshot: codings
        committed while this reads wait for the next poll, rather than half of them
        showing now (the screen's keys write through the main thread's connection).

        Raises:
            UserError: as :func:`~qualcoder_ahp.agreement.compute.collect` (or a
                transcript withdrawn as it was read); the next call reads everything.
        """
        with self._follow_lock:
            everything = (fresh or self._followed is None
                          or list(self._followed.followed.coders) != coders)
            if everything:
                self._followed = FollowedItems(coders)
            followed = self._followed
            # Every transcript computed makes a million small objects that live on (2M
            # words): each collection they set off walked them and the whole workbench
            # again, a fifth of the load's time. Paused, one collection does it at the end.
            # (A poll's few transcripts are not worth that collection.) That collection
            # held every thread for half a second at 1M words, the UI's too: the young
            # objects of each transcript are collected as it is done (a few ms each; most
            # are tuples of numbers, never looked at again), which leaves it the rest.
            try:
                with gc_paused() if everything else contextlib.nullcontext():
                    return self._refresh(followed, log, consensus,
                                         _young_collected(progress) if everything else progress)
            except BaseException:
                self._followed = None  # half taken in: read everything again next time
                raise

    def _refresh(self, followed: FollowedItems, log: bool, consensus: str | None,
                 progress: Callable[[int, int], None] | None) -> Brought:
        """:meth:`_bring_up_to_date`'s reading, on the screen's own connection."""
        followed.progress = progress
        if self.store.path is None:  # in-memory project: only one connection exists
            return Brought(followed.refresh(self.store))
        with open_store(self.store.path) as own:
            own.conn.execute("BEGIN")
            try:
                found = followed.refresh(own)
                newest = own.newest_event_id() if log or consensus is not None else 0
                # The rejections only: the whole log was a second at 33,000 decisions.
                return Brought(found, (newest, own.rejection_log()) if log else None,
                               None if consensus is None
                               else (newest, consensus_by_stretch(own, consensus)))
            finally:
                own.conn.execute("ROLLBACK")

    @work(thread=True, exclusive=True, group="reconcile-poll", exit_on_error=False)
    def _recompute(self, coders: list[str], generation: int) -> None:
        """Compute the disagreements again off the UI thread (after another commit):
        only the transcripts whose codings changed since the load or the last poll
        (:meth:`_bring_up_to_date`), with the reconcile log for the rejections."""
        try:
            brought = self._bring_up_to_date(coders, log=True)
        except UserError:
            return  # a transcript withdrawn as it was read: the poll that follows redoes it
        found = brought.found
        self.post_message(self.Recomputed(generation, found.items, found.agreed, found.texts,
                                          found.names, found.order, brought.log))

    def on_reconcile_follow_recomputed(self, message: Recomputed) -> None:
        """Take in the disagreements computed again: new ones join the walk, vanished
        ones leave it, the item on screen stays (or, gone, the next one in the list
        after it shows), and this session's undo steps follow their items."""
        if message.generation != self._generation or not self.loaded:
            return  # a newer computation is on its way, or the screen went blind
        self.texts = message.texts
        if message.log is not None:
            self.walk.take_log(*message.log)
        note = self.walk.take_in(message.items, message.agreed, message.names, message.order)
        self.walk.read_rejections()  # a rejection or undo elsewhere changes no disagreement
        if note is not None:
            self.notify(note, markup=False)
        self.show()

    def _drop_withdrawn(self) -> bool:
        """Forget the disagreements of transcripts withdrawn meanwhile (``qcahp withdraw``
        in another window): deciding one crashed the workbench on the missing text.
        Says which went; returns whether any did."""
        names = self.walk.drop_withdrawn()
        if not names:
            return False
        self.notify(f"{', '.join(names)} {'was' if len(names) == 1 else 'were'} withdrawn "
                    "from the project (qcahp withdraw): "
                    f"{'its' if len(names) == 1 else 'their'} disagreements are gone from "
                    "this screen.", severity="warning", markup=False)
        return True
