"""The reconcile screen's decisions: the keys that write the consensus, and undo.

:class:`ReconcileDecisions` is mixed into
:class:`~qualcoder_ahp.tui.screens.reconcile.ReconcileScreen`. Each key decides the
item on screen into the consensus coder through :meth:`Store.reconcile
<qualcoder_ahp.model.reconcile_store.ReconcileMixin.reconcile>`, one transaction and
one logged ``reconcile`` event per decision (``g`` copies every agreed stretch in one
transaction); ``u`` (or ``z``) undoes this window's last decision through the store's undo. A
stretch decided meanwhile in another window is shown first rather than silently
replaced, and undo refuses while another window's decision is on top of the consensus
coder's undo stack. Only the main thread writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualcoder_ahp.agreement.intervals import Interval

if TYPE_CHECKING:
    from qualcoder_ahp.agreement.reconcile import ReconcileItem
    from qualcoder_ahp.model.store import Store
    from qualcoder_ahp.tui.reconcile_walk import ReconcileWalk


SAY_FIRST = 2000
"""``g`` with this many agreed stretches or more says what it is doing before it writes."""


class ReconcileDecisions:
    """Mix into the reconcile screen: the decision keys, ``g`` and ``z``."""

    if TYPE_CHECKING:  # provided by the screen
        store: Store
        coder: str
        consensus: str
        compared: list[str] | None
        walk: ReconcileWalk

        @property
        def item(self) -> ReconcileItem | None: ...
        def show(self) -> None: ...
        def query_one(self, selector: str, expect_type: Any) -> Any: ...
        def call_after_refresh(self, callback: Any, *args: Any) -> bool: ...
        def action_move(self, step: int) -> None: ...
        def _drop_withdrawn(self) -> bool: ...
        def notify(self, message: str, *, severity: str = ..., markup: bool = ...,
                   ) -> None: ...

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
                state = (", ".join(f"[{s}, {e})" for s, e in now[0]) if now[0]
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
        self.action_move(1)

    def action_copy_agreed(self) -> None:
        """Copy every identically coded stretch not yet in the consensus, in one transaction."""
        walk = self.walk
        self._drop_withdrawn()
        walk.refresh_consensus()
        todo = [it for it in walk.agreed if not walk.consensus_spans(it)]
        if len(todo) >= SAY_FIRST:
            # Written on this thread, as every decision here: 33,259 stretches of a 1M-word
            # study take some 10 s, and the screen sat still, saying nothing, meanwhile.
            from rich.text import Text
            from textual.widgets import Static

            self.query_one("#reconcile-status", Static).update(Text(
                f"Copying {len(todo):,} agreed stretches into {self.consensus}, in one "
                "transaction: this takes a few seconds..."))
            self.call_after_refresh(self._copy_agreed, todo)
            return
        self._copy_agreed(todo)

    def _copy_agreed(self, todo: list[ReconcileItem]) -> None:
        """Write ``todo`` into the consensus (``g``), then say so and show the walk."""
        walk = self.walk
        if len(todo) >= SAY_FIRST:  # g pressed again while the first was said: once only
            walk.refresh_consensus()
            todo = [it for it in todo if not walk.consensus_spans(it)]
        with self.store.write():
            for item in todo:
                self.store.reconcile(item.transcript_id, item.theme_id, self.consensus,
                                     item.union(), rule="agreed",
                                     compared=[c for c, _ in item.spans],
                                     start=item.start, end=item.end, decided_by=self.coder)
            written = self._last_events(len(todo))
        if written:
            walk.history.append((-1, written, False))
        self.notify(f"Copied {len(todo):,} agreed "
                    f"{'stretch' if len(todo) == 1 else 'stretches'} into {self.consensus}.")
        self.show()

    def _last_events(self, count: int) -> list[int]:
        """The ids of the consensus coder's ``count`` newest decisions still in effect
        (its undo stack's top), oldest first."""
        done, _ = self.store.undo_stack(self.consensus)
        return done[-count:] if count else []

    def action_undo(self) -> None:
        """Undo the last decision of this session (its events undone through the store)."""
        walk = self.walk
        if not walk.history:
            self.notify("Nothing to undo in this session.", severity="warning")
            return
        index, written, _ = walk.history[-1]
        with self.store.write():
            # The consensus coder's undo takes back its newest decision, whoever made it:
            # with a second window reconciling into the same consensus, that could be the
            # other window's. Undo only while this session's decisions are on top.
            if self._last_events(len(written)) != written:
                self.notify(f"{self.consensus} has a newer decision from another window or "
                            "command, so undo here would take back that one instead; undo "
                            f"it there (or `qcahp undo --coder {self.consensus}`).",
                            severity="warning", markup=False)
                self.show()  # and show that newer decision
                return
            self.store.undo_steps(self.consensus, len(written))  # the log read once
        walk.history.pop()
        if index >= 0:
            walk.index = index
        walk.read_rejections()  # the undone rejection, or the one it had replaced
        self.show()

    def action_take(self, k: int) -> None:
        """Consensus takes coder ``k``'s spans (nothing, if that coder did not code here)."""
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
        if self.item is not None:
            self.decide(self.item.union(), "union")

    def action_intersection(self) -> None:
        """Consensus takes what every coder coded here (refused when that is nothing)."""
        if self.item is None:
            return
        common = self.item.intersection()
        if not common:
            self.notify("The coders share no span here; choose a coder, union or reject.",
                        severity="warning")
            return
        self.decide(common, "intersection")

    def action_reject(self) -> None:
        """Consensus codes nothing in this stretch."""
        self.decide([], "reject")
