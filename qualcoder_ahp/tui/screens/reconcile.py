"""The reconcile screen: walk the coders' disagreements and agree a consensus coding.

Each item is a stretch of one transcript where the compared coders' codings of one
theme overlap but differ (or only some coders coded it), from
:func:`qualcoder_ahp.agreement.compute.reconcile_items`. The coders are shown side
by side, each panel the same text with that coder's spans highlighted, and below
them what the consensus coder has there now. A key decides the item into the
consensus coder (``consensus`` by default):

- ``a`` / ``b`` (or ``1``-``9``): take that coder's spans;
- ``u``: the union of every coder's spans; ``i``: what every coder coded;
- ``x``: reject - the consensus codes nothing here; ``n`` / ``p``: the next / previous
  undecided disagreement (``d`` makes them step through the decided ones too, to
  revisit them); ``f``: only one theme's or one transcript's disagreements;
- ``z``: undo the last decision (through the store's undo, so it is logged too);
- ``g``: copy every stretch the coders coded identically into the consensus too,
  so the consensus coder ends up with the full agreed coding, not only the
  decided disagreements.

Every decision is one transaction through :meth:`Store.reconcile`: one
``reconcile`` event replaces any earlier consensus coding of the theme in the
stretch with the new codings (origin ``consensus``) and records the rule, the
compared coders and the stretch, a rejection included; ``qcahp reconcile log``
reads them back, and undo works as usual (one undo per decision). A decision made
in another window (or by ``qcahp``) into the same consensus, a rejection included,
shows at the workbench's next poll; so do disagreements that codings made or withdrawn
elsewhere since add or remove (computed again in a worker, the item on screen and this
window's undo kept). The items are computed in a thread worker; only the main thread
writes. While blind
coding is on (``qcahp blind on``) the screen shows nothing of the other coders.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from qualcoder_ahp.agreement.compute import CONSENSUS, collect
from qualcoder_ahp.agreement.intervals import Interval
from qualcoder_ahp.agreement.reconcile import ReconcileItem, reconcile_items
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store
from qualcoder_ahp.tui.follow import FollowsStore, is_blind
from qualcoder_ahp.tui.screens.reconcile_dialogs import CoderPicker, ReconcileFilter
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter

CONTEXT = 120
"""Characters of context shown before and after each stretch."""


def match_items(old: list[ReconcileItem], new: list[ReconcileItem]) -> dict[int, int]:
    """Where each of the ``old`` disagreements is in ``new``: the same stretch, else the
    first stretch of the same theme and transcript overlapping it (a coding made since
    lengthened, shortened or split it). Old items in neither are not in the result: they
    are no longer disagreements (the coders agree now, or their codings went)."""
    exact = {(it.transcript_id, it.theme_id, it.start, it.end): k for k, it in enumerate(new)}
    found: dict[int, int] = {}
    for i, item in enumerate(old):
        k = exact.get((item.transcript_id, item.theme_id, item.start, item.end))
        if k is None:
            k = next((k for k, it in enumerate(new) if it.transcript_id == item.transcript_id
                      and it.theme_id == item.theme_id and it.start < item.end
                      and it.end > item.start), None)
        if k is not None:
            found[i] = k
    return found


class ReconcileScreen(FollowsStore, Screen[None]):
    """Decide the coders' disagreements into a consensus coder."""

    DEFAULT_CSS = """
    ReconcileScreen #reconcile-status { height: auto; max-height: 8; padding: 0 1;
                                        background: $boost; }
    ReconcileScreen #coder-panels { height: 2fr; }
    ReconcileScreen .coder-panel { width: 1fr; border: round $primary-background;
                                   padding: 0 1; }
    ReconcileScreen #consensus-panel { height: 1fr; border: round $accent; padding: 0 1; }
    """

    BINDINGS = [
        Binding("a", "take(0)", "Take A", tooltip="Consensus takes the first coder's span(s)"),
        Binding("b", "take(1)", "Take B", tooltip="Consensus takes the second coder's span(s)"),
        Binding("u", "union", "Union", tooltip="Consensus codes everything any coder coded"),
        Binding("i", "intersection", "Intersection",
                tooltip="Consensus codes only what every coder coded"),
        Binding("x", "reject", "Reject", tooltip="Consensus codes nothing in this stretch"),
        Binding("g", "copy_agreed", "Copy agreed",
                tooltip="Copy every stretch all coders coded identically into the consensus"),
        Binding("z", "undo", "Undo", tooltip="Undo this window's last consensus decision "
                "(another window's is undone there)"),
        Binding("n", "move(1)", "Next",
                tooltip="The next undecided disagreement (every one, decided too, after d)"),
        Binding("p", "move(-1)", "Previous",
                tooltip="The previous undecided disagreement (every one, after d)"),
        Binding("f", "filter", "Filter",
                tooltip="Reconcile only one theme's or one transcript's disagreements (or "
                        "both; all again from the same dialog)"),
        # One key, two labels: the footer says what d does now (the help lists it once).
        Binding("d", "show_decided", "Decided too",
                tooltip="Toggle: n/p step through the decided (and rejected) disagreements "
                        "too, to revisit them, or through the undecided ones only"),
        Binding("d", "hide_decided", "Undecided only",
                tooltip="n/p step through the undecided disagreements only again"),
        # One help line, "1-9 Take coder N", not nine (most projects compare two coders).
        *[Binding(str(k), f"take({k - 1})", "Take coder N" if k == 1 else f"Take coder {k}",
                  show=False, key_display="1-9" if k == 1 else None,
                  tooltip=("Consensus takes coder N's span(s) (1 is A, 2 is B)" if k == 1
                           else f"Consensus takes coder {k}'s span(s)"))
          for k in range(1, 10)],
        Binding("escape", "close", "Back", tooltip="Back to the previous screen"),
        # Shown in the help only: a long stretch runs past its panel at 80x24, and
        # nothing said how to read the rest of it.
        Binding("tab", "app.focus_next", "Next panel", show=False,
                tooltip="Move to the next panel (coders, then consensus); ↑ ↓ PgUp PgDn "
                        "scroll it"),
    ]

    class Loaded(Message):
        """The disagreements were computed (posted from the worker thread)."""

        def __init__(self, items: list[ReconcileItem], texts: dict[int, str],
                     names: dict[str, str], error: str | None = None,
                     agreed: list[ReconcileItem] | None = None) -> None:
            super().__init__()
            self.items = items
            self.agreed = agreed or []
            self.texts = texts
            self.names = names
            self.error = error

    class Recomputed(Message):
        """The disagreements computed again after another connection's commit."""

        def __init__(self, generation: int, items: list[ReconcileItem],
                     agreed: list[ReconcileItem], texts: dict[int, str],
                     names: dict[str, str], order: list[int]) -> None:
            super().__init__()
            self.generation = generation
            self.items = items
            self.agreed = agreed
            self.texts = texts
            self.names = names
            self.order = order
            """The transcript ids in the order of the list of disagreements."""

    def __init__(self, store: Store, coder: str, *, coders: list[str] | None = None,
                 consensus: str = CONSENSUS) -> None:
        super().__init__()
        self.store = store
        self.coder = coder
        self.consensus = consensus
        self.compared = coders
        self.items: list[ReconcileItem] = []
        self.agreed: list[ReconcileItem] = []
        self.texts: dict[int, str] = {}
        self.theme_names: dict[str, str] = {}
        self.index = 0
        self._consensus: dict[tuple[int, str], list[Interval]] = {}
        self.history: list[tuple[int, list[int], bool]] = []
        """(item index or -1 for a copy of agreed stretches, the ids of the events written,
        was rejected)."""
        self.theme_filter: str | None = None
        """Only this theme's disagreements (``f``), or every theme's."""
        self.transcript_filter: int | None = None
        """Only this transcript's disagreements (``f``), or every transcript's."""
        self.show_decided = False
        """``n``/``p`` step through decided disagreements too (``d``)."""
        self._waiting = False
        """Showing why there is nothing to reconcile (blind coding on, one coder so far):
        the poll looks again, and opens the disagreements once there are some."""
        self._generation = 0
        """Counts the computations started at polls: only the newest one's result is used."""
        self.rejected: set[int] = set()
        """Items rejected (a rejection leaves no coding; earlier sessions' are read from
        their logged ``reconcile`` events when the disagreements load)."""
        self.title = "Reconcile"

    def compose(self) -> ComposeResult:
        """Status line, one panel per coder (mounted once loaded), the consensus panel."""
        yield Header()
        yield Static("Finding disagreements...", id="reconcile-status")
        with Vertical():
            yield Horizontal(id="coder-panels")
            with VerticalScroll(id="consensus-panel"):
                yield Static(id="consensus-text")
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        """Pick the coders to compare (all who coded, but the consensus) and load."""
        self.sub_title = f"coder: {self.coder} · deciding into: {self.consensus}"
        # An empty bordered box under "nothing to reconcile" looked like a broken screen.
        self.query_one("#consensus-panel").display = False
        self._open(ask=True)

    def _open(self, *, ask: bool) -> None:
        """Load the disagreements of the coders compared, choosing them first if needed:
        with more than two, ``ask`` opens the picker (when the screen opens; at a poll the
        status line says how, rather than a dialog popping up unasked)."""
        if is_blind(self.store):
            self._hide_for_blind()
            return
        if self.compared is None:
            used = {c.coder for c in self.store.codings()}
            candidates = [c for c in self.store.coders() if c in used and c != self.consensus]
            status = self.query_one("#reconcile-status", Static)
            if len(candidates) > 2 and ask:
                # Not "Finding disagreements...": nothing is found until they are chosen.
                status.update(Text(
                    f"{len(candidates)} coders have coded: choose the ones to compare."))
                self.app.push_screen(CoderPicker(candidates), self._picked)
                return
            if len(candidates) > 2:
                status.update(Text(
                    f"{len(candidates)} coders have coded now ({', '.join(candidates)}): "
                    "Escape, then R, chooses the ones to compare."))
                return
            if len(candidates) < 2:
                # Say what to do in the workbench's terms, not the CLI's --coders option.
                who = f"only {candidates[0]} has" if candidates else "no one has"
                status.update(Text(
                    f"Nothing to reconcile yet: {who} coded in this project. Reconciling "
                    "needs the codings of two or more coders (each codes here under their "
                    "own name, or join their copies with `qcahp merge OTHER.db`). This "
                    "screen looks again whenever someone codes."))
                self._waiting = True
                return
            self.compared = candidates
        self.query_one("#reconcile-status", Static).update(Text("Finding disagreements..."))
        self._load(list(self.compared))

    def _hide_for_blind(self) -> None:
        """Show nothing of the other coders: blind coding is on."""
        # Showing the others' codings would break blind coding for whoever is coding.
        self.loaded = False
        self._waiting = True  # until `qcahp blind off`, seen at a poll
        self.query_one("#consensus-panel").display = False
        self.query_one("#coder-panels").display = False
        self.query_one("#reconcile-status", Static).update(Text(
            "Blind coding is on, so other coders' codings stay hidden. When everyone "
            "has finished, run `qcahp blind off` and reconcile."))
        self.refresh_bindings()

    def _reopen(self) -> None:
        """Blind coding was turned off, or a second coder has coded: open as on mount;
        panels already loaded before blind coding hid them are shown and brought up to
        date, keeping the place and this session's undo."""
        self._waiting = False
        if not self.query(".coder-panel"):
            self._open(ask=False)
            return
        self.loaded = True
        self.query_one("#coder-panels").display = True
        self.query_one("#consensus-panel").display = True
        self.reread()

    def _picked(self, coders: list[str] | None) -> None:
        if not coders:
            self.dismiss()
            return
        self.compared = coders
        self._load(list(coders))

    @work(thread=True, exclusive=True, group="reconcile", exit_on_error=False)
    def _load(self, coders: list[str]) -> None:
        """Compute the disagreement stretches off the UI thread."""
        try:
            corpus = collect(self.store, coders)
        except UserError as exc:
            self.post_message(self.Loaded([], {}, {}, str(exc)))
            return
        texts = {t.id: t.text for t in corpus.transcripts}
        self.post_message(self.Loaded(reconcile_items(corpus), texts, dict(corpus.themes),
                                      agreed=reconcile_items(corpus, agreed=True)))

    def on_reconcile_screen_loaded(self, message: Loaded) -> None:
        """Show the first undecided disagreement."""
        self.items, self.texts, self.theme_names = message.items, message.texts, message.names
        self.agreed = message.agreed
        if message.error:
            self.query_one("#reconcile-status", Static).update(
                Text(f"Cannot reconcile: {message.error}"))
            return
        self.loaded = True
        self.query_one("#consensus-panel").display = True
        panels = self.query_one("#coder-panels", Horizontal)
        for k in range(len(self.compared or [])):
            panels.mount(VerticalScroll(Static(id=f"coder-text-{k}"), classes="coder-panel"))
        self._refresh_consensus()
        self._read_rejections()
        undecided = [k for k in range(len(self.items)) if not self._decided(k)]
        self.index = undecided[0] if undecided else 0
        self.call_after_refresh(self.show)

    def _read_rejections(self) -> None:
        """Which items the consensus rejected, from the log.

        A rejection leaves no coding, but its logged event does: show it as rejected
        (here, when the screen is opened again, or made in another window), rather than
        as undecided. reconcile_log is what `qcahp reconcile log` lists too, so
        rejections merged in from a coder's copy count here as they do there.
        """
        where = {(it.transcript_id, it.theme_id, it.start, it.end): k
                 for k, it in enumerate(self.items)}
        self.rejected = set()
        for event in self.store.reconcile_log():
            key = (event["transcript_id"], event["theme_id"], event["start"], event["end"])
            if (event["coder"] == self.consensus and event["status"] == "in effect"
                    and not event["coding_ids"] and key in where):
                self.rejected.add(where[key])

    def _decided(self, index: int) -> bool:
        """Whether item ``index`` has a consensus coding or was rejected."""
        return index in self.rejected or bool(self._consensus_spans(self.items[index]))

    def _in_filter(self, index: int) -> bool:
        item = self.items[index]
        return ((self.theme_filter is None or item.theme_id == self.theme_filter) and
                (self.transcript_filter is None
                 or item.transcript_id == self.transcript_filter))

    def _walk(self) -> list[int]:
        """The items ``n``/``p`` step through: those in the filter, undecided only
        unless ``d`` asked for the decided ones too."""
        return [k for k in range(len(self.items)) if self._in_filter(k)
                and (self.show_decided or not self._decided(k))]

    loaded = False
    """Whether the disagreements are on screen (not blind, not still computing, no error)."""

    ITEM_ACTIONS = frozenset({"take", "union", "intersection", "reject"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the decision keys only when there is something they would act on.

        With one coder, blind coding on, or while still computing, the footer used
        to offer "a Take A", "x Reject" and the rest, which then silently did nothing.
        """
        if action in self.ITEM_ACTIONS:
            return self.loaded and self.item is not None
        if action == "move":
            return self.loaded and len(self.items) > 1
        if action == "filter":
            return self.loaded and bool(self.items)
        if action == "show_decided":
            return self.loaded and bool(self.items) and not self.show_decided
        if action == "hide_decided":
            return self.loaded and bool(self.items) and self.show_decided
        if action == "copy_agreed":
            return self.loaded and bool(self.agreed)
        if action == "undo":
            return bool(self.history)
        return True

    def footer_first(self) -> tuple[str, ...]:
        """The keys the 80-column footer keeps: walking (n/p, d) and the filter, then the
        decisions (which the status line names too); the rest are in the help."""
        return ("move", "show_decided", "hide_decided", "filter", "take", "union",
                "intersection", "reject", "undo")

    def reread(self) -> None:
        """Another connection committed: re-read the consensus coding and the logged
        rejections at once, so a stretch another window decided (or rejected, or undid)
        shows as such, and compute the disagreements again in a worker, so that codings
        another coder made or withdrew meanwhile add or remove disagreements
        (:meth:`on_reconcile_screen_recomputed`) with the item on screen kept. Blind
        coding turned on meanwhile hides them all; turned off, or the first codings of a
        second coder, and the screen opens."""
        blind = is_blind(self.store)
        if self.loaded and blind:
            self._hide_for_blind()
        elif self.loaded:
            self._drop_withdrawn()
            self._read_rejections()
            self.show()
            self._generation += 1
            self._recompute(list(self.compared or []), self._generation)
        elif self._waiting and not blind:
            self._reopen()

    @work(thread=True, exclusive=True, group="reconcile-poll", exit_on_error=False)
    def _recompute(self, coders: list[str], generation: int) -> None:
        """Compute the disagreements again off the UI thread (after another commit), on
        a connection of its own, as the search screen's worker: this one runs at polls,
        while the screen's keys write through the main thread's."""
        try:
            if self.store.path is None:  # in-memory project: only one connection exists
                corpus = collect(self.store, coders)
            else:
                with open_store(self.store.path) as own:
                    corpus = collect(own, coders)
        except UserError:
            return  # a transcript withdrawn as it was read: the poll that follows redoes it
        self.post_message(self.Recomputed(
            generation, reconcile_items(corpus), reconcile_items(corpus, agreed=True),
            {t.id: t.text for t in corpus.transcripts}, dict(corpus.themes),
            [t.id for t in corpus.transcripts]))

    def on_reconcile_screen_recomputed(self, message: Recomputed) -> None:
        """Take in the disagreements computed again: new ones join the walk, vanished
        ones leave it, the item on screen stays (or, gone, the next one in the list
        after it shows), and this session's undo steps follow their items."""
        if message.generation != self._generation or not self.loaded:
            return  # a newer computation is on its way, or the screen went blind
        old, current = self.items, self.item
        self.agreed, self.texts = message.agreed, message.texts
        self.theme_names = message.names
        if old == message.items:
            self.show()  # the agreed stretches may have changed
            return
        moved = match_items(old, message.items)
        added = len(message.items) - len(set(moved.values()))
        gone = len(old) - len(moved)
        changed = sum(1 for i, k in moved.items() if old[i] != message.items[k])
        stays = moved.get(self.index) if current is not None else None
        self.items = message.items
        self.history = [(moved.get(index, -1), written, rejected)
                        for index, written, rejected in self.history]
        self._refresh_consensus()
        self._read_rejections()  # keyed by item number
        if stays is not None:
            self.index = stays
        else:
            self.index = self._next_after(current, message.order)
        counts = ", ".join(f"{n} {what}" for n, what in
                           ((added, "new"), (changed, "changed"), (gone, "gone")) if n)
        note = (" The one on screen is no longer a disagreement; this is the next."
                if current is not None and stays is None and self.item is not None else "")
        self.notify(f"Disagreements updated from codings made elsewhere: {counts} "
                    f"({len(self.items)} in all).{note}", markup=False)
        self.show()

    def _next_after(self, gone: ReconcileItem | None, order: list[int]) -> int:
        """Where to go when the item on screen is no longer a disagreement: the first in
        the walk at or after its place in the list (transcript, theme, start)."""
        themes = list(self.theme_names)

        def place(item: ReconcileItem) -> tuple[int, int, int]:
            return (order.index(item.transcript_id) if item.transcript_id in order
                    else len(order),
                    themes.index(item.theme_id) if item.theme_id in themes else len(themes),
                    item.start)

        walk = self._walk() or [k for k in range(len(self.items)) if self._in_filter(k)]
        if gone is not None:
            later = [k for k in walk if place(self.items[k]) >= place(gone)]
            if later:
                return later[0]
        return walk[0] if walk else 0

    def _drop_withdrawn(self) -> bool:
        """Forget the disagreements of transcripts withdrawn meanwhile (``qcahp withdraw``
        in another window): deciding one crashed the workbench on the missing text.
        Says which went; returns whether any did."""
        ids = {it.transcript_id for it in self.items} | {it.transcript_id for it in self.agreed}
        gone = {tid for tid in ids if not self.store.has_transcript(tid)}
        if not gone:
            return False
        names = sorted({it.transcript for it in [*self.items, *self.agreed]
                        if it.transcript_id in gone})
        current = self.item
        kept = [k for k, it in enumerate(self.items) if it.transcript_id not in gone]
        where = {old: new for new, old in enumerate(kept)}
        self.items = [self.items[k] for k in kept]
        self.agreed = [it for it in self.agreed if it.transcript_id not in gone]
        # This session's undo steps keep their place in the new numbering (a step on a
        # withdrawn item keeps its events: undo passes over what the withdrawal removed).
        self.history = [(where.get(index, -1), written, rejected)
                        for index, written, rejected in self.history]
        if self.transcript_filter in gone:
            self.transcript_filter = None
        self._refresh_consensus()
        self._read_rejections()  # keyed by item number
        if current is not None and current.transcript_id not in gone:
            self.index = next(k for k, it in enumerate(self.items) if it is current)
        else:
            walk = self._walk()
            self.index = walk[0] if walk else 0
        self.notify(f"{', '.join(names)} {'was' if len(names) == 1 else 'were'} withdrawn "
                    "from the project (qcahp withdraw): "
                    f"{'its' if len(names) == 1 else 'their'} disagreements are gone from "
                    "this screen.", severity="warning", markup=False)
        return True

    # ------------------------------------------------------------------ display
    @property
    def item(self) -> ReconcileItem | None:
        """The disagreement on screen."""
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def _refresh_consensus(self) -> None:
        """Read the consensus coder's codings once (not once per item per key press)."""
        self._consensus: dict[tuple[int, str], list[Interval]] = {}
        for c in self.store.codings(coder=self.consensus):
            self._consensus.setdefault((c.transcript_id, c.theme_id), []).append((c.start, c.end))

    def _consensus_spans(self, item: ReconcileItem) -> list[Interval]:
        return [(s, e) for s, e in self._consensus.get((item.transcript_id, item.theme_id), [])
                if s < item.end and e > item.start]

    def status_text(self) -> str:
        """The status line: where we are and whether this item is decided."""
        item = self.item
        missing = sum(1 for it in self.agreed if not self._consensus_spans(it))
        agreed = (f"{missing} agreed {'stretch' if missing == 1 else 'stretches'} not yet "
                  f"in {self.consensus} (g copies {'it' if missing == 1 else 'them'})"
                  if missing else f"every agreed stretch is in {self.consensus}"
                  if self.agreed else "no stretch is coded the same by all of them")
        if item is None:
            return ("No disagreements between " + ", ".join(self.compared or []) + "; "
                    + agreed + ".")
        decided = sum(1 for k in range(len(self.items)) if self._decided(k))
        state = ("decided" if self._consensus_spans(item) else
                 "rejected" if self.index in self.rejected else "undecided")
        theme = self.theme_names.get(item.theme_id, item.theme_id)
        return (f"Disagreement {self.index + 1}/{len(self.items)} ({decided} decided) - "
                f"{theme} in {item.transcript} [{item.start}, {item.end}) - {state}\n"
                f"{agreed}. {self._take_keys()} take a coder's span, u union, "
                f"i intersection, x reject\n{self._walk_text()}")

    def _filter_text(self) -> str:
        """``Serendipity in dietitian_grace``: what the filter keeps ("" for everything)."""
        parts = []
        if self.theme_filter is not None:
            parts.append(self.theme_names.get(self.theme_filter, self.theme_filter))
        if self.transcript_filter is not None:
            name = next((it.transcript for it in self.items
                         if it.transcript_id == self.transcript_filter),
                        str(self.transcript_filter))
            parts.append(("every theme in " if self.theme_filter is None else "in ") + name)
        return " ".join(parts)

    def _walk_text(self) -> str:
        """What n/p step through now, and the filter (f) with its undecided count."""
        walk = ("n/p: all, decided too (d: undecided only)" if self.show_decided
                else "n/p: undecided only (d: all)")
        shown = [k for k in range(len(self.items)) if self._in_filter(k)]
        undecided = sum(1 for k in shown if not self._decided(k))
        if self.theme_filter is None and self.transcript_filter is None:
            return f"{walk} · f: filter by theme or transcript"
        return f"{walk} · filter (f): {self._filter_text()}, {undecided}/{len(shown)} undecided"

    def _take_keys(self) -> str:
        """The keys that take one coder's spans: ``a/b``, or with more coders (whose
        panels are lettered C, D...) the number keys too (there is no key ``c``)."""
        n = len(self.compared or [])
        return "a/b" if n <= 2 else f"a/b or 1-{min(n, 9)}"

    def _excerpt(self, item: ReconcileItem, spans: list[Interval] | tuple[Interval, ...],
                 style: str) -> Text:
        text = self.texts.get(item.transcript_id, "")
        lo = max(0, item.start - CONTEXT)
        hi = min(len(text), item.end + CONTEXT)
        # Text() never parses markup, so a transcript's "[bold]" shows literally.
        out = Text(("..." if lo else "") + text[lo:hi] + ("..." if hi < len(text) else ""))
        shift = 3 if lo else 0
        for start, end in spans:
            out.stylize(style, start - lo + shift, end - lo + shift)
        return out

    def show(self) -> None:
        """Render the current item into the panels."""
        self._refresh_consensus()
        self.refresh_bindings()  # undo and the item keys come and go
        self.query_one("#reconcile-status", Static).update(Text(self.status_text()))
        item = self.item
        consensus = self.query_one("#consensus-text", Static)
        for k, coder in enumerate(self.compared or []):
            panel = self.query(f"#coder-text-{k}")
            if not panel:
                continue
            label = chr(ord("A") + k) if k < 26 else str(k + 1)
            if item is None:
                panel.first(Static).update(Text(f"{label}: {coder}"))
                continue
            spans = item.of(coder)
            head = Text(f"{label}: {coder}  ", style="bold")
            head.append(", ".join(f"[{s}, {e})" for s, e in spans) or (
                "(not coded)" if item.rated(coder) else "(did not code this transcript)"),
                style="dim")
            panel.first(Static).update(Text("\n").join(
                [head, self._excerpt(item, spans, "reverse")]))
        if item is None:
            consensus.update(Text(""))
            return
        mine = self._consensus_spans(item)
        theme = self.store.theme(item.theme_id)
        definition = Text(f"{theme.name}: ", style="bold")
        definition.append(" ".join(part for part in (theme.description, theme.inclusion and
                                                     f"Include: {theme.inclusion}",
                                                     theme.exclusion and
                                                     f"Exclude: {theme.exclusion}") if part)
                          or "(no definition)", style="italic")
        head = Text(f"{self.consensus}: ", style="bold")
        head.append(", ".join(f"[{s}, {e})" for s, e in mine) or
                    ("(rejected)" if self.index in self.rejected else "(undecided)"), style="dim")
        consensus.update(Text("\n").join([head, self._excerpt(item, mine, "reverse"), Text(""),
                                          definition]))

    # ------------------------------------------------------------------ decisions
    def decide(self, spans: list[Interval], rule: str, taken_from: str | None = None) -> None:
        """Make ``spans`` the consensus coding of the current item, in one transaction.

        One ``reconcile`` event records the rule, the compared coders, the stretch and
        the resulting codings (a rejection too), so a methods section or an auditor
        can tell how each consensus coding came about (``qcahp reconcile log``).
        """
        item = self.item
        if item is None:
            return
        shown = (self._consensus_spans(item), self.index in self.rejected)
        with self.store.write():
            # A transcript withdrawn since the last poll: its items go (with a word); this
            # one, if it was among them, is not decided.
            if self._drop_withdrawn() and self.item is not item:
                self.show()
                return
            # Another window (or coder) may have decided this stretch since the last
            # poll: deciding now would silently replace their decision with one made
            # without seeing it. Show theirs first; the same key again replaces it.
            self._refresh_consensus()
            self._read_rejections()
            now = (self._consensus_spans(item), self.index in self.rejected)
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
        self.history.append((self.index, written, self.index in self.rejected))
        self._read_rejections()
        self.action_move(1)

    def action_copy_agreed(self) -> None:
        """Copy every identically coded stretch not yet in the consensus, in one transaction."""
        self._drop_withdrawn()
        self._refresh_consensus()
        todo = [it for it in self.agreed if not self._consensus_spans(it)]
        with self.store.write():
            for item in todo:
                self.store.reconcile(item.transcript_id, item.theme_id, self.consensus,
                                     item.union(), rule="agreed",
                                     compared=[c for c, _ in item.spans],
                                     start=item.start, end=item.end, decided_by=self.coder)
            written = self._last_events(len(todo))
        if written:
            self.history.append((-1, written, False))
        self.notify(f"Copied {len(todo)} agreed "
                    f"{'stretch' if len(todo) == 1 else 'stretches'} into {self.consensus}.")
        self.show()

    def _last_events(self, count: int) -> list[int]:
        """The ids of the consensus coder's ``count`` newest decisions still in effect
        (its undo stack's top), oldest first."""
        done, _ = self.store.undo_stack(self.consensus)
        return done[-count:] if count else []

    def action_undo(self) -> None:
        """Undo the last decision of this session (its events undone through the store)."""
        if not self.history:
            self.notify("Nothing to undo in this session.", severity="warning")
            return
        index, written, _ = self.history[-1]
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
            for _ in written:
                self.store.undo(self.consensus)
        self.history.pop()
        if index >= 0:
            self.index = index
        self._read_rejections()  # the undone rejection, or the one it had replaced
        self.show()

    def action_take(self, k: int) -> None:
        """Consensus takes coder ``k``'s spans (nothing, if that coder did not code here)."""
        item = self.item
        if item is None or k >= len(self.compared or []):
            return
        coder = (self.compared or [])[k]
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

    def action_move(self, step: int) -> None:
        """Go to the next (``1``) or previous (``-1``) disagreement in the filter: the
        next undecided one, round to the first when none is left after this one; after
        ``d``, the next of all of them, decided too (stopping at the last)."""
        self._refresh_consensus()
        walk = self._walk()
        ahead = [k for k in walk if (k > self.index if step > 0 else k < self.index)]
        others = [k for k in walk if k != self.index]
        if ahead:
            self.index = ahead[0] if step > 0 else ahead[-1]
        elif others and (not self.show_decided or self.index not in walk):
            self.index = others[0] if step > 0 else others[-1]
        elif not walk or (not self.show_decided and self._decided(self.index)):
            where = f" of {self._filter_text()}" if self._filter_text() else ""
            self.notify(f"Every disagreement{where} is decided: d steps through the decided "
                        "ones too, to revisit them.", markup=False)
        elif not self.show_decided:
            self.notify("No other undecided disagreement"
                        + (f" of {self._filter_text()}" if self._filter_text() else "")
                        + ": d steps through the decided ones too.", markup=False)
        self.show()

    def action_show_decided(self) -> None:
        """n/p step through every disagreement in the filter, the decided ones too."""
        self.show_decided = True
        self.show()

    def action_hide_decided(self) -> None:
        """n/p step through the undecided disagreements only."""
        self.show_decided = False
        self.show()

    def action_filter(self) -> None:
        """Choose the theme and the transcript whose disagreements to reconcile."""
        themes: dict[str, list[int]] = {}
        transcripts: dict[int, tuple[str, list[int]]] = {}
        for k, item in enumerate(self.items):
            themes.setdefault(item.theme_id, []).append(k)
            transcripts.setdefault(item.transcript_id, (item.transcript, []))[1].append(k)

        def label(name: str, indices: list[int]) -> str:
            undecided = sum(1 for k in indices if not self._decided(k))
            return f"{name}  {undecided}/{len(indices)}"

        self.app.push_screen(ReconcileFilter(
            [(t, label(self.theme_names.get(t, t), ks)) for t, ks in themes.items()],
            [(t, label(name, ks)) for t, (name, ks) in transcripts.items()],
            self.theme_filter, self.transcript_filter), self._filtered)

    def _filtered(self, result: tuple[str | None, int | None] | None) -> None:
        """Apply the filter chosen; the cursor goes to its first undecided disagreement."""
        if result is None:
            return
        before = (self.theme_filter, self.transcript_filter)
        self.theme_filter, self.transcript_filter = result
        shown = [k for k in range(len(self.items)) if self._in_filter(k)]
        if not shown:
            what = self._filter_text()
            self.theme_filter, self.transcript_filter = before
            self.notify(f"No disagreements of {what}: the filter is as it was.",
                        severity="warning", markup=False)
            return
        walk = self._walk()
        if self.index not in walk:
            later = [k for k in walk if k > self.index]
            self.index = later[0] if later else walk[0] if walk else shown[0]
        undecided = sum(1 for k in shown if not self._decided(k))
        if result == (None, None):
            self.notify(f"Every disagreement: {undecided} of {len(shown)} undecided.",
                        markup=False)
        else:
            self.notify(f"{len(shown)} disagreement{'' if len(shown) == 1 else 's'} of "
                        f"{self._filter_text()}, {undecided} undecided"
                        + ("" if walk else ": d steps through the decided ones") + ".",
                        markup=False)
        self.show()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
