"""The reconcile screen's decisions: the keys that write the consensus, and undo.

:class:`ReconcileDecisions` is mixed into
:class:`~qualcoder_ahp.tui.screens.reconcile.ReconcileScreen`. Each key decides the
item on screen into the consensus coder through :meth:`Store.reconcile
<qualcoder_ahp.model.reconcile_store.ReconcileMixin.reconcile>`, one transaction and
one logged ``reconcile`` event per decision (``g`` copies every agreed stretch in one
transaction); ``u`` (or ``z``) undoes this window's last decision through the store's undo. A
stretch decided meanwhile in another window is shown first rather than silently
replaced, and undo refuses while another window's decision is on top of the consensus
coder's undo stack.

``g`` with :data:`IN_WORKER` agreed stretches or more, and ``u`` after it, write in a
thread worker on a connection of its own, in one transaction, with a progress bar under
the status line; meanwhile every key that would decide, undo, filter or leave is refused
with a word, and the result is shown only once it is committed. Every other decision is
written on the main thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from qualcoder_ahp.agreement.intervals import Interval
from qualcoder_ahp.errors import ProjectBusy, UserError, problem_text
from qualcoder_ahp.model.decisions import NotOnTop
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.tui.busy import UI_LOCK_WAIT_S
from qualcoder_ahp.tui.jobs import JobStopped
from qualcoder_ahp.tui.messages import notify_replacing

if TYPE_CHECKING:
    from qualcoder_ahp.agreement.reconcile import ReconcileItem
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.tui.reconcile_walk import ReconcileWalk


IN_WORKER = 500
"""``g`` with this many agreed stretches or more, and ``u`` of as many, write in a thread
worker: 33,259 stretches of a 1M-word study took some 10 s on the screen's thread (their
undo 5 s), and the workbench froze meanwhile. Fewer take a blink, written at once."""


class ReconcileDecisions:
    """Mix into the reconcile screen: the decision keys, ``g`` and ``z``."""

    if TYPE_CHECKING:  # provided by the screen
        store: Store
        coder: str
        consensus: str
        compared: list[str] | None
        walk: ReconcileWalk
        app: Any

        @property
        def item(self) -> ReconcileItem | None: ...
        def show(self) -> None: ...
        def place(self, item: ReconcileItem,
                  spans: list[Interval] | tuple[Interval, ...] = ()) -> str: ...
        def query_one(self, selector: str, expect_type: Any = ...) -> Any: ...
        def post_message(self, message: Message) -> bool: ...
        def action_move(self, step: int) -> None: ...
        def _drop_withdrawn(self) -> bool: ...
        def notify(self, message: str, *, severity: str = ..., markup: bool = ...,
                   ) -> None: ...

    class WriteProgress(Message):
        """The worker writing ``g`` (or its undo) advanced; only the latest matters."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

        def can_replace(self, message: Message) -> bool:
            """Queued progress is superseded by this one."""
            return isinstance(message, ReconcileDecisions.WriteProgress)

    class Written(Message):
        """The worker's transaction is committed (or was refused, or failed)."""

        def __init__(self, job: str, result: Any, error: str | None = None,
                     log: tuple[int, list[dict[str, Any]]] | None = None,
                     busy: bool = False) -> None:
            super().__init__()
            self.job = job
            self.result = result
            self.busy = busy
            """Another qcahp held the write lock: nothing was written (the busy dialog)."""
            """``copy``: (stretches copied, their events); ``undo``: whether it undid."""
            self.error = error
            self.log = log
            """The reconcile log as at the newest event then, read in the worker: read on
            the screen's thread after ``u`` (66,518 events) it froze the screen ~1 s."""

    writing: str | None = None
    """What the worker is writing (``Copying 33,259 agreed stretches into consensus``),
    or None: the status line says it, and the keys wait."""

    def refused_while_writing(self) -> bool:
        """Whether a key must wait for the worker; if so, says so."""
        if self.writing is None:
            return False
        self.notify(f"{self.writing}: wait until it is done; this key did nothing.",
                    severity="warning", markup=False)
        return True

    def decide(self, spans: list[Interval], rule: str, taken_from: str | None = None) -> None:
        """Make ``spans`` the consensus coding of the current item, in one transaction.

        One ``reconcile`` event records the rule, the compared coders, the stretch and
        the resulting codings (a rejection too), so a methods section or an auditor
        can tell how each consensus coding came about (``qcahp reconcile log``).
        """
        walk = self.walk
        item = self.item
        if item is None:
            return
        shown = (walk.consensus_spans(item), walk.index in walk.rejected)
        with self.store.write():
            # A transcript withdrawn since the last poll: its items go (with a word); this
            # one, if it was among them, is not decided.
            if self._drop_withdrawn() and self.item is not item:
                self.show()
                return
            # Another window (or coder) may have decided this stretch since the last
            # poll: deciding now would silently replace their decision with one made
            # without seeing it. Show theirs first; the same key again replaces it.
            walk.refresh_consensus()
            walk.read_rejections()
            now = (walk.consensus_spans(item), walk.index in walk.rejected)
            if now != shown:
                state = (self.place(item, now[0]) if now[0]
                         else "rejected" if now[1] else "undecided")
                self.notify(f"This disagreement was decided meanwhile in another window "
                            f"(now {state}); nothing was changed here. Press the key again "
                            "to replace that decision.", severity="warning", markup=False)
                self.show()
                return
            self.store.reconcile(item.transcript_id, item.theme_id, self.consensus, spans,
                                 rule=rule, compared=[c for c, _ in item.spans],
                                 start=item.start, end=item.end, taken_from=taken_from,
                                 decided_by=self.coder)
            written = self._last_events(1)
        walk.history.append((walk.index, written, walk.index in walk.rejected))
        walk.read_rejections()
        # The keys moved on without a word of what was taken, and where (the coding
        # screen's decisions say theirs); one such toast at a time.
        notify_replacing(self, "reconcile",
                         self.decision_words(item, rule, taken_from, bool(spans)))
        self.action_move(1)

    def decision_words(self, item: ReconcileItem, rule: str, taken_from: str | None,
                       codes: bool = True) -> str:
        """A decision in words: "Took ana's coding of Serendipity on p01, turn 4 (Ana)."
        (``codes``: whether the consensus codes anything there now)."""
        theme = self.walk.theme_names.get(item.theme_id, item.theme_id)
        where = f"{theme} on {item.transcript}, {self.place(item)}"
        if rule == "reject":
            return f"Rejected {where}: {self.consensus} codes nothing there."
        if rule == "take" and not codes:
            # "Took ben's coding" of a stretch ben left uncoded read as if ben had coded it.
            return (f"Took {taken_from}'s: {taken_from} did not code {where}, so "
                    f"{self.consensus} codes nothing there (rejected).")
        taken = {"take": f"{taken_from}'s coding",
                 "union": "everything any coder coded (union)",
                 "intersection": "what every coder coded (intersection)"}.get(rule, rule)
        return f"Took {taken} of {where}."

    def action_copy_agreed(self) -> None:
        """Copy every identically coded stretch not yet in the consensus, in one transaction."""
        if self.refused_while_writing():
            return
        walk = self.walk
        self._drop_withdrawn()
        walk.refresh_consensus()
        todo = [it for it in walk.agreed if not walk.consensus_spans(it)]
        if len(todo) >= IN_WORKER and self.store.path is not None:
            self._start_writing("copy", f"Copying {len(todo):,} agreed stretches into "
                                f"{self.consensus}", todo, [])
            return
        self._copied(self.store.copy_agreed(todo, self.consensus, decided_by=self.coder))

    def _copied(self, done: tuple[list[ReconcileItem], list[int]]) -> None:
        """``g`` is committed: say so and show the walk."""
        copied, events = done
        if events:
            self.walk.history.append((-1, events, False))
        self.notify(f"Copied {len(copied):,} agreed "
                    f"{'stretch' if len(copied) == 1 else 'stretches'} into {self.consensus}.")
        self.show()

    def _last_events(self, count: int, store: Store | None = None) -> list[int]:
        """The ids of the consensus coder's ``count`` newest decisions still in effect
        (its undo stack's top), oldest first."""
        done, _ = (store or self.store).undo_stack(self.consensus)
        return done[-count:] if count else []

    def action_undo(self) -> None:
        """Undo the last decision of this session (its events undone through the store)."""
        if self.refused_while_writing():
            return
        walk = self.walk
        if not walk.history:
            self.notify("Nothing to undo in this session.", severity="warning")
            return
        written = walk.history[-1][1]
        if len(written) >= IN_WORKER and self.store.path is not None:
            self._start_writing("undo", f"Undoing {len(written):,} decisions in "
                                f"{self.consensus}", [], written)
            return
        with self.store.write():
            if not self._undo_on_top(written, self.store):
                self._newer_elsewhere()
                return
        self._undone()

    def _undo_on_top(self, written: list[int], store: Store) -> bool:
        """Undo ``written``, in the caller's transaction, if they are on top of the
        consensus coder's undo stack; else False, nothing undone.

        The consensus coder's undo takes back its newest decision, whoever made it: with
        a second window reconciling into the same consensus, that could be the other
        window's. Undo only while this session's decisions are on top.
        """
        try:  # the log read once, to check and to undo (it was read twice)
            undone = store.undo_steps(self.consensus, len(written),
                                      progress=self._report_progress(store), on_top=written)
        except NotOnTop:
            return False
        while undone:  # freed a slice at a time: 33,259 undone events freed at once held
            del undone[-500:]  # every thread, the screen's too, for half a second
        return True

    def _newer_elsewhere(self) -> None:
        self.notify(f"{self.consensus} has a newer decision from another window or "
                    "command, so undo here would take back that one instead; undo "
                    f"it there (or `qcahp undo --coder {self.consensus}`).",
                    severity="warning", markup=False)
        self.show()  # and show that newer decision

    def _undone(self) -> None:
        """Undo is committed: back to the item it was about."""
        walk = self.walk
        index, _, _ = walk.history.pop()
        if index >= 0:
            walk.index = index
        walk.read_rejections()  # the undone rejection, or the one it had replaced
        self.show()

    # ------------------------------------------------------------------ the worker
    def _start_writing(self, job: str, what: str, todo: list[ReconcileItem],
                       written: list[int]) -> None:
        """Write ``g`` (``copy``) or its undo in a thread worker, saying so meanwhile."""
        from textual.widgets import ProgressBar

        self.writing = what
        bar = self.query_one("#reconcile-progress", ProgressBar)
        bar.display = True
        bar.update(total=max(1, len(todo) or len(written)), progress=0)
        self.show()
        self._write(job, todo, written)

    def _report_progress(self, store: Store) -> Any:
        """The worker's progress callback (None on the main thread's own store)."""
        if store is self.store:
            return None
        worker = get_current_worker()

        def report(done: int, total: int) -> None:
            if worker.is_cancelled:  # the workbench is closing: roll back, say nothing
                raise JobStopped
            self.post_message(self.WriteProgress(done, total))

        return report

    # In the group of the workbench's long jobs: the app's poll waits for them (a write
    # this large changed PRAGMA data_version before it was committed, and the screen said
    # "Updated: changes from another window"), and an import or suggestion run waits too.
    @work(thread=True, group="jobs", exit_on_error=False, description="Writing the consensus")
    def _write(self, job: str, todo: list[ReconcileItem], written: list[int]) -> None:
        """(In a thread worker, on a connection of its own.) One transaction; the result
        is posted only once it is committed."""
        assert self.store.path is not None
        result: Any = None
        error: str | None = None
        log: tuple[int, list[dict[str, Any]]] | None = None
        try:
            with open_store(self.store.path) as own:
                # Waits as the screen's own writes do, then the busy dialog: it waited the
                # 30-second busy timeout without a word, then said "database is locked".
                own.lock_wait_s = UI_LOCK_WAIT_S
                if job == "copy":
                    result = own.copy_agreed(todo, self.consensus, decided_by=self.coder,
                                             progress=self._report_progress(own))
                else:
                    with own.write():
                        result = self._undo_on_top(written, own)
                own.conn.execute("BEGIN")  # one snapshot: the newest event and the log
                try:
                    log = (own.newest_event_id(), own.rejection_log())
                finally:
                    own.conn.execute("ROLLBACK")
        except JobStopped:
            return
        except ProjectBusy:  # before anything was written
            self.post_message(self.Written(job, None, busy=True))
            return
        except UserError as exc:
            error = str(exc)
        except Exception as exc:  # said, and the keys free again
            error = problem_text(exc)
        self.post_message(self.Written(job, result, error, log))

    def on_reconcile_decisions_write_progress(self, message: WriteProgress) -> None:
        """Move the bar and count on the status line."""
        from textual.widgets import ProgressBar

        if self.writing is None:
            return
        from rich.text import Text
        from textual.widgets import Static

        self.query_one("#reconcile-progress", ProgressBar).update(total=max(1, message.total),
                                                                   progress=message.done)
        self.query_one("#reconcile-status", Static).update(Text(self.writing_line() or ""))

    def on_reconcile_decisions_written(self, message: Written) -> None:
        """The worker's transaction is committed: show its result, and the keys work."""
        self.writing = None
        self.query_one("#reconcile-progress").display = False
        mark_seen = getattr(self.app, "mark_store_seen", None)
        if mark_seen is not None:  # the worker's commit is this window's: no re-read
            mark_seen()
        if message.log is not None:
            self.walk.take_log(*message.log)
        if message.busy:
            self.show()
            self._when_busy(message.job)
        elif message.error is not None:
            self.notify(message.error, severity="error", markup=False)
            self.show()
        elif message.job == "copy":
            self._copied(message.result)
        elif message.result:
            self._undone()
        else:
            self._newer_elsewhere()

    def _when_busy(self, job: str) -> None:
        """The worker found the project busy: the app's busy dialog, as for a key, and
        ``g`` or ``u`` made again once the project is free."""
        if job == "copy":
            words, retry = "your copy of the agreed stretches", self.action_copy_agreed
        else:
            words, retry = "your undo", self.action_undo
        when_busy = getattr(self.app, "when_busy", None)
        if when_busy is not None:
            when_busy(words, retry)
        else:  # (a bare host app without the busy dialog)
            self.notify(f"{words[0].upper()}{words[1:]} was not stored: the project was "
                        "busy (another qcahp was writing to it).", severity="warning",
                        markup=False)

    def writing_line(self) -> str | None:
        """The status line while the worker writes."""
        if self.writing is None:
            return None
        from textual.widgets import ProgressBar

        bar = self.query_one("#reconcile-progress", ProgressBar)
        done = int(bar.progress)
        word = "undone" if self.writing.startswith("Undoing") else "written"
        return (f"{self.writing}, in one transaction: {done:,} of {int(bar.total or 0):,} "
                f"{word}. Keys wait until it is done.")

    def action_take(self, k: int) -> None:
        """Consensus takes coder ``k``'s spans (nothing, if that coder did not code here)."""
        if self.refused_while_writing():
            return
        item = self.item
        compared = self.compared or []
        if item is not None and k >= len(compared):
            # It did nothing, without a word: a third coder's key with two compared.
            panels = ", ".join(f"{chr(ord('A') + n)}: {c}" for n, c in enumerate(compared))
            self.notify(f"{k + 1} takes coder {k + 1}'s spans, and {len(compared)} coders are "
                        f"compared here ({panels}).", severity="warning", markup=False)
            return
        if item is None:
            return
        coder = compared[k]
        if not item.rated(coder):
            self.notify(f"{coder} did not code {item.transcript}; choose another coder.",
                        severity="warning")
            return
        self.decide(list(item.of(coder)), "take", coder)

    def action_union(self) -> None:
        """Consensus takes everything any coder coded here."""
        if self.refused_while_writing():
            return
        if self.item is not None:
            self.decide(self.item.union(), "union")

    def action_intersection(self) -> None:
        """Consensus takes what every coder coded here (refused when that is nothing)."""
        if self.refused_while_writing() or self.item is None:
            return
        common = self.item.intersection()
        if not common:
            self.notify("The coders share no span here; choose a coder, union or reject.",
                        severity="warning")
            return
        self.decide(common, "intersection")

    def action_reject(self) -> None:
        """Consensus codes nothing in this stretch."""
        if self.refused_while_writing():
            return
        self.decide([], "reject")
