"""Where the reconcile screen is among the disagreements (plain Python, no Textual).

:class:`ReconcileWalk` is what the reconcile screen
(:mod:`qualcoder_ahp.tui.screens.reconcile`) shows and what its walking keys change:
the disagreements and the agreed stretches, the one on screen, the filter (``f``),
whether ``n``/``p`` step through the decided ones too (``d``), what the consensus
coder holds in each stretch and which stretches it rejected, and this session's
decisions for undo. It reads the store but never writes: the screen's keys do
(:mod:`qualcoder_ahp.tui.screens.reconcile_decide`). It also takes in the
disagreements computed again after another window's commit (:func:`match_items`),
keeping the place; :class:`FollowedItems` computes them again at each poll for only
the transcripts whose codings changed. Keeping this free of Textual lets a test drive
it directly, as :mod:`qualcoder_ahp.tui.session` does for the coding screen.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from qualcoder_ahp.agreement.compute import (
    Corpus,
    FollowedCorpus,
    TranscriptCodings,
    TranscriptData,
)
from qualcoder_ahp.agreement.intervals import Interval
from qualcoder_ahp.agreement.reconcile import ReconcileItem, reconcile_stretches
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Turn
from qualcoder_ahp.reports.quotes import in_words, turns_of
from qualcoder_ahp.reports.reconcile_state import rejected_stretch

STRETCHES_AT_ONCE = 20
"""At most this many stretches changed since the consensus and the log were last read
are read again by themselves (a decision, its undo); more, and all are read again."""
Stretch = tuple[int, str]
"""``(transcript_id, theme_id)``: what the consensus's codings and decisions are kept by."""


@dataclass(frozen=True)
class Stretches:
    """The disagreements and agreed stretches of the whole project, with what the
    screen shows beside them (:func:`full_items`, :meth:`FollowedItems.refresh`)."""

    items: list[ReconcileItem]
    agreed: list[ReconcileItem]
    texts: dict[int, str]
    names: dict[str, str]
    order: list[int]
    """The transcript ids in the order of the list of disagreements."""


def full_items(corpus: Corpus) -> Stretches:
    """The stretches of a corpus read whole (:func:`~qualcoder_ahp.agreement.compute.collect`)."""
    return Stretches(*reconcile_stretches(corpus),
                     {t.id: t.text for t in corpus.transcripts}, dict(corpus.themes),
                     [t.id for t in corpus.transcripts])


class FollowedItems:
    """The reconcile screen's disagreements, computed again at each poll for only the
    transcripts whose codings changed (:class:`FollowedCorpus`): each transcript's
    stretches are kept by theme and put back together in the order a full
    computation gives (transcript, theme in codebook order, start)."""

    def __init__(self, coders: list[str]) -> None:
        self.followed = FollowedCorpus(coders)
        self._by_transcript: dict[int, tuple[dict[str, list[ReconcileItem]],
                                             dict[str, list[ReconcileItem]]]] = {}
        self.recomputed: set[int] = set()
        """The transcripts computed again at the last :meth:`refresh`."""
        self.progress: Callable[[int, int], None] | None = None
        """``progress(done, total)`` after each transcript :meth:`refresh` reads, and
        again after its stretches are found (``total`` is twice the transcripts read)."""

    def seed(self, store: Store, seen: int, loaded: Stretches) -> None:
        """Start from stretches computed elsewhere (``loaded``, read after event
        ``seen``), so that the first :meth:`refresh` computes again only the transcripts
        changed since, not every one. (The reconcile screen no longer needs this: its
        load is this object's first :meth:`refresh`.)

        Each transcript's label is taken from its stretches (a new version's renaming
        is then seen). The themes are those of the load, so a codebook changed since (or
        a retired theme still coded, whose place in the order depends on every
        transcript) reads everything again at the first refresh."""
        from qualcoder_ahp.reports.data import label_of

        labels = label_of(store.report_transcripts())
        for item in [*loaded.items, *loaded.agreed]:
            labels[item.transcript_id] = item.transcript
        followed = self.followed
        followed.parts = {tid: TranscriptCodings(TranscriptData(tid, labels.get(tid, ""), text),
                                                 {}, (), ())
                          for tid, text in loaded.texts.items()}
        followed.order = list(loaded.texts)
        followed.themes = list(loaded.names.items())
        followed.names = {}
        followed.seen = seen
        self._by_transcript = {tid: ({}, {}) for tid in loaded.texts}
        for k, kept in enumerate((loaded.items, loaded.agreed)):
            for item in kept:
                self._by_transcript[item.transcript_id][k].setdefault(
                    item.theme_id, []).append(item)

    def refresh(self, store: Store) -> Stretches:
        """Bring the stretches up to date with the store (everything the first time),
        calling :attr:`progress` as it goes.

        Raises:
            UserError: as :func:`~qualcoder_ahp.agreement.compute.collect`.
        """
        followed, progress = self.followed, self.progress
        # Half the steps reading the transcripts, half finding their stretches.
        self.recomputed = followed.refresh(store, None if progress is None else (
            lambda done, todo: progress(done, 2 * todo)))
        parts = followed.parts
        self._by_transcript = {tid: kept for tid, kept in self._by_transcript.items()
                               if tid in parts and tid not in self.recomputed}
        for done, tid in enumerate(self.recomputed, start=len(self.recomputed) + 1):
            part = parts[tid]
            one = Corpus(followed.coders, [*followed.themes,
                                           *((t, followed.names[t]) for t in part.others)],
                         [part.data], {(tid, theme, coder): spans
                                       for (theme, coder), spans in part.spans.items()},
                         {tid: part.rated})
            disagreeing, same = reconcile_stretches(one)
            self._by_transcript[tid] = (_by_theme(disagreeing), _by_theme(same))
            if progress is not None:
                progress(done, 2 * len(self.recomputed))
        corpus = followed.corpus()
        items: list[ReconcileItem] = []
        agreed: list[ReconcileItem] = []
        for tid in followed.order:
            disagreeing, same = self._by_transcript[tid]
            for theme_id, _ in corpus.themes:
                items += disagreeing.get(theme_id, ())
                agreed += same.get(theme_id, ())
        return Stretches(items, agreed, {t.id: t.text for t in corpus.transcripts},
                         dict(corpus.themes), list(followed.order))


def consensus_by_stretch(store: Store, consensus: str) -> dict[Stretch, list[Interval]]:
    """The consensus coder's active codings, by stretch (transcript, theme), each
    stretch's by start: what the reconcile screen checks its items against."""
    out: dict[Stretch, list[Interval]] = {}
    for tid, theme, start, end in store.coder_spans(consensus):
        out.setdefault((tid, theme), []).append((start, end))
    return out


def _overlaps(spans: list[Interval], item: ReconcileItem) -> bool:
    """Whether any of ``spans`` overlaps ``item``'s stretch."""
    return any(s < item.end and e > item.start for s, e in spans)


def _by_theme(items: list[ReconcileItem]) -> dict[str, list[ReconcileItem]]:
    out: dict[str, list[ReconcileItem]] = {}
    for item in items:
        out.setdefault(item.theme_id, []).append(item)
    return out


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


class ReconcileWalk:
    """The disagreements, the one on screen, the filter, and what the consensus holds."""

    def __init__(self, store: Store, consensus: str) -> None:
        self.store = store
        self.consensus = consensus
        self.items: list[ReconcileItem] = []
        self.agreed: list[ReconcileItem] = []
        self.theme_names: dict[str, str] = {}
        self.index = 0
        self._consensus: dict[tuple[int, str], list[Interval]] = {}
        self._consensus_read: int | None = None
        """The newest event when the consensus's codings were last read: every change
        to a coding logs an event, so with no newer one they are as read."""
        self._consensus_version = 0
        """Counts the times the consensus's codings were read and found changed."""
        self._consensus_before: tuple[int, dict[Stretch, list[Interval]]] | None = None
        """The consensus version and, for each stretch whose codings changed to make it,
        the spans before: the coverage is then worked out again for those only."""
        self._changed: tuple[tuple[int, int], set[Stretch] | None] | None = None
        """The stretches changed between two events, as last asked of the store."""
        self._keyed: tuple[object, object, dict[Stretch, list[int]],
                           dict[Stretch, list[ReconcileItem]]] | None = None
        """For the items and agreed stretches (the lists themselves): the items' numbers
        and the agreed stretches, by stretch."""
        self._covered: tuple[object, object, int, list[bool], int] | None = None
        """For the items and agreed stretches (the lists themselves) and the consensus as
        last read: which items the consensus codes, and how many agreed stretches it
        does not (each key press asked again of every one: 0.3 s at 20,000 items)."""
        self._log: tuple[int, list[dict[str, Any]]] | None = None
        """The reconcile log as read at the newest event then."""
        self._where: tuple[object, dict[tuple[int, str, int, int], int]] | None = None
        """Each item's number by its stretch, for the items (the list itself)."""
        self.turns: dict[int, list[Turn]] = {}
        """Each transcript's turns, read once one of its stretches is shown (:meth:`place`)."""
        self._decided_cache: tuple[object, object, int, list[bool]] | None = None
        """Whether each item is decided, for the coverage and the rejections as then."""
        self.history: list[tuple[int, list[int], bool]] = []
        """(item index or -1 for a copy of agreed stretches, the ids of the events written,
        was rejected)."""
        self.theme_filter: str | None = None
        """Only this theme's disagreements (``f``), or every theme's."""
        self.transcript_filter: int | None = None
        """Only this transcript's disagreements (``f``), or every transcript's."""
        self.show_decided = False
        """``n``/``p`` step through decided disagreements too (``d``)."""
        self.rejected: set[int] = set()
        """Items rejected (a rejection leaves no coding; earlier sessions' are read from
        their logged ``reconcile`` events when the disagreements load)."""

    @property
    def item(self) -> ReconcileItem | None:
        """The disagreement on screen."""
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def begin(self) -> None:
        """The disagreements loaded: read what the consensus holds and go to the first
        undecided disagreement."""
        self.refresh_consensus()
        self.read_rejections()
        decided = self._decided()
        undecided = [k for k in range(len(self.items)) if not decided[k]]
        self.index = undecided[0] if undecided else 0

    # ------------------------------------------------------------------ the consensus
    def refresh_consensus(self) -> None:
        """Read the consensus coder's codings once (not once per item per key press), and
        again only when an event was logged since (here or in another window): of the
        stretches it changed only, when the store can say which (a decision, its undo).
        All of them were read again after each: a quarter of a second of ``u`` at 33,000
        consensus codings."""
        newest = self.store.newest_event_id()
        if newest == self._consensus_read:
            return
        stretches = self._stretches_changed(self._consensus_read, newest)
        before: dict[Stretch, list[Interval]] | None = None
        if stretches is None:
            consensus = consensus_by_stretch(self.store, self.consensus)
        else:
            consensus, before = dict(self._consensus), {}
            for tid, theme in stretches:
                spans = [(c.start, c.end) for c in self.store.codings(
                    coder=self.consensus, transcript_id=tid, theme_id=theme)]
                old = consensus.pop((tid, theme), [])
                if spans:
                    consensus[(tid, theme)] = spans
                if spans != old:
                    before[(tid, theme)] = old
        self._take_consensus(newest, consensus, before)

    def take_consensus(self, newest: int, consensus: dict[Stretch, list[Interval]]) -> None:
        """The consensus's codings read elsewhere (the load's worker, on its own
        connection, by :func:`consensus_by_stretch`) as at event ``newest``:
        :meth:`refresh_consensus` reads again only what changed since."""
        self._take_consensus(newest, consensus, None)

    def _take_consensus(self, newest: int, consensus: dict[Stretch, list[Interval]],
                        before: dict[Stretch, list[Interval]] | None) -> None:
        self._consensus_read = newest
        if consensus != self._consensus:
            self._consensus = consensus
            self._consensus_version += 1
            self._consensus_before = (None if before is None
                                      else (self._consensus_version, before))

    def _stretches_changed(self, after: int | None, newest: int) -> set[Stretch] | None:
        """The stretches whose consensus codings or decisions the events since ``after``
        changed (None: cannot be said, or too many to read one by one)."""
        if after is None or not 0 <= after <= newest:
            return None
        if self._changed is None or self._changed[0] != (after, newest):
            found = self.store.reconcile_stretches_changed(after, newest)
            if found is not None and len(found) > STRETCHES_AT_ONCE:
                found = None
            self._changed = ((after, newest), found)
        return self._changed[1]

    def consensus_spans(self, item: ReconcileItem) -> list[Interval]:
        """The consensus coder's spans in ``item``'s stretch (as last read)."""
        return [(s, e) for s, e in self._consensus.get((item.transcript_id, item.theme_id), [])
                if s < item.end and e > item.start]

    def _coverage(self) -> tuple[list[bool], int]:
        """Which items the consensus codes, and how many agreed stretches it does not,
        worked out again only when the items, the agreed stretches or the consensus
        changed; for the stretches changed only, when only those were read again."""
        cached = self._covered
        if (cached is not None and cached[0] is self.items and cached[1] is self.agreed
                and cached[2] == self._consensus_version):
            return cached[3], cached[4]
        before = self._consensus_before
        if (cached is not None and cached[0] is self.items and cached[1] is self.agreed
                and before is not None and before[0] == self._consensus_version
                and cached[2] == before[0] - 1):
            covered, missing = list(cached[3]), cached[4]
            items_by, agreed_by = self._by_stretch()
            for stretch, old in before[1].items():
                for k in items_by.get(stretch, ()):
                    covered[k] = bool(self.consensus_spans(self.items[k]))
                for it in agreed_by.get(stretch, ()):
                    missing += (_overlaps(old, it) - bool(self.consensus_spans(it)))
        else:
            # Each stretch's spans, by start, with the furthest end so far: whether one
            # overlaps an item is one bisection (every span of the stretch was asked of
            # each item: a third of a second at 40,000 items and 33,000 spans).
            reach = {key: (starts, list(accumulate((e for _, e in spans), max)))
                     for key, spans in self._consensus.items()
                     if (starts := [s for s, _ in spans]) == sorted(starts)}

            def codes(it: ReconcileItem) -> bool:
                key = (it.transcript_id, it.theme_id)
                found = reach.get(key)
                if found is None:  # not coded there (or, unsorted, asked span by span)
                    return key in self._consensus and bool(self.consensus_spans(it))
                k = bisect_left(found[0], it.end)  # the spans starting before its end
                return k > 0 and found[1][k - 1] > it.start

            covered = [codes(it) for it in self.items]
            missing = sum(1 for it in self.agreed if not codes(it))
        self._covered = (self.items, self.agreed, self._consensus_version, covered, missing)
        return covered, missing

    def _by_stretch(self) -> tuple[dict[Stretch, list[int]], dict[Stretch, list[ReconcileItem]]]:
        """The items' numbers and the agreed stretches, by stretch (for these lists)."""
        keyed = self._keyed
        if keyed is None or keyed[0] is not self.items or keyed[1] is not self.agreed:
            items: dict[Stretch, list[int]] = {}
            for k, it in enumerate(self.items):
                items.setdefault((it.transcript_id, it.theme_id), []).append(k)
            agreed: dict[Stretch, list[ReconcileItem]] = {}
            for it in self.agreed:
                agreed.setdefault((it.transcript_id, it.theme_id), []).append(it)
            keyed = self._keyed = (self.items, self.agreed, items, agreed)
        return keyed[2], keyed[3]

    def read_rejections(self) -> None:
        """Which items the consensus rejected, from the log.

        A rejection leaves no coding, but its logged event does: show it as rejected
        (here, when the screen is opened again, or made in another window), rather than
        as undecided. reconcile_log is what `qcahp reconcile log` lists too, so
        rejections merged in from a coder's copy count here as they do there. The log
        is read again only when an event was logged since.
        """
        newest = self.store.newest_event_id()
        if self._log is None or self._log[0] != newest:
            # Of the stretches changed since only, when the store can say which (this
            # screen's own decision or undo): the whole log again took a second of ``u``
            # on a 1M-word study (33,000 decisions after ``g``).
            stretches = self._stretches_changed(self._log[0] if self._log else None, newest)
            if stretches is None or self._log is None:
                log = self.store.rejection_log()  # the stretches a rejection is on
            else:
                log = [e for e in self._log[1]
                       if (e["transcript_id"], e["theme_id"]) not in stretches]
                for stretch in stretches:
                    log += self.store.reconcile_log(stretch)
                log.sort(key=lambda e: (e["at"], e["id"]))  # as reconcile_log orders it
            self._log = (newest, log)
        if self._where is None or self._where[0] is not self.items:
            self._where = (self.items, {(it.transcript_id, it.theme_id, it.start, it.end): k
                                        for k, it in enumerate(self.items)})
        where = self._where[1]
        self.rejected = set()
        for event in self._log[1]:
            key = rejected_stretch(event, self.consensus)
            if key is not None and key in where:
                self.rejected.add(where[key])

    def take_log(self, newest: int, log: list[dict[str, Any]]) -> None:
        """The reconcile log read elsewhere (the load's or the poll's worker, on its own
        connection) as at event ``newest``, whole or of the stretches a rejection is on
        (:meth:`~qualcoder_ahp.model.store.Store.rejection_log`): :meth:`read_rejections`
        uses it while no event is newer."""
        self._log = (newest, log)

    def decided(self, index: int) -> bool:
        """Whether item ``index`` has a consensus coding or was rejected."""
        return self._decided()[index]

    def _decided(self) -> list[bool]:
        """Whether each item has a consensus coding or was rejected (kept while neither
        the coverage nor the rejections change: the walk asks of every item per key)."""
        covered = self._coverage()[0]
        cached = self._decided_cache
        if (cached is None or cached[0] is not covered or cached[1] is not self.rejected
                or cached[2] != len(self.rejected)):
            rejected = self.rejected
            flags = [done or k in rejected for k, done in enumerate(covered)]
            cached = self._decided_cache = (covered, rejected, len(rejected), flags)
        return cached[3]

    # ------------------------------------------------------------------ walking
    def in_filter(self, index: int) -> bool:
        """Whether item ``index`` is of the theme and transcript the filter keeps."""
        item = self.items[index]
        return ((self.theme_filter is None or item.theme_id == self.theme_filter) and
                (self.transcript_filter is None
                 or item.transcript_id == self.transcript_filter))

    def shown(self) -> list[int]:
        """The items in the filter, decided or not."""
        theme, transcript = self.theme_filter, self.transcript_filter
        if theme is None and transcript is None:
            return list(range(len(self.items)))
        return [k for k, item in enumerate(self.items)
                if (theme is None or item.theme_id == theme)
                and (transcript is None or item.transcript_id == transcript)]

    def stops(self) -> list[int]:
        """The items ``n``/``p`` step through: those in the filter, undecided only
        unless ``d`` asked for the decided ones too."""
        if self.show_decided:
            return self.shown()
        decided = self._decided()
        return [k for k in self.shown() if not decided[k]]

    def move(self, step: int) -> str | None:
        """Go to the next (``1``) or previous (``-1``) disagreement in the filter: the
        next undecided one, round to the first when none is left after this one; after
        ``d``, the next of all of them, decided too (stopping at the last).

        Returns:
            What to tell the user when there is no other one to go to, else ``None``.
        """
        self.refresh_consensus()
        walk = self.stops()
        ahead = [k for k in walk if (k > self.index if step > 0 else k < self.index)]
        others = [k for k in walk if k != self.index]
        if ahead:
            self.index = ahead[0] if step > 0 else ahead[-1]
        elif others and (not self.show_decided or self.index not in walk):
            self.index = others[0] if step > 0 else others[-1]
        elif not walk or (not self.show_decided and self.decided(self.index)):
            where = f" of {self.filter_text()}" if self.filter_text() else ""
            return (f"Every disagreement{where} is decided: d steps through the decided "
                    "ones too, to revisit them.")
        elif not self.show_decided:
            return ("No other undecided disagreement"
                    + (f" of {self.filter_text()}" if self.filter_text() else "")
                    + ": d steps through the decided ones too.")
        return None

    def filter_choices(self) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
        """The themes and the transcripts with disagreements, for the filter dialog, each
        labelled with its undecided and total count (``Board mandate  2/3``)."""
        themes: dict[str, list[int]] = {}
        transcripts: dict[int, tuple[str, list[int]]] = {}
        for k, item in enumerate(self.items):
            themes.setdefault(item.theme_id, []).append(k)
            transcripts.setdefault(item.transcript_id, (item.transcript, []))[1].append(k)

        decided = self._decided()

        def label(name: str, indices: list[int]) -> str:
            undecided = sum(1 for k in indices if not decided[k])
            return f"{name}  {undecided}/{len(indices)}"

        return ([(t, label(self.theme_names.get(t, t), ks)) for t, ks in themes.items()],
                [(t, label(name, ks)) for t, (name, ks) in transcripts.items()])

    def set_filter(self, theme: str | None, transcript: int | None) -> tuple[bool, str]:
        """Apply the filter chosen; the cursor goes to its first undecided disagreement.

        Returns:
            Whether it applied (a filter keeping no disagreement leaves the filter as
            it was), and what to tell the user.
        """
        before = (self.theme_filter, self.transcript_filter)
        self.theme_filter, self.transcript_filter = theme, transcript
        shown = self.shown()
        if not shown:
            what = self.filter_text()
            self.theme_filter, self.transcript_filter = before
            return False, f"No disagreements of {what}: the filter is as it was."
        walk = self.stops()
        if self.index not in walk:
            later = [k for k in walk if k > self.index]
            self.index = later[0] if later else walk[0] if walk else shown[0]
        decided = self._decided()
        undecided = sum(1 for k in shown if not decided[k])
        if (theme, transcript) == (None, None):
            return True, f"Every disagreement: {undecided} of {len(shown)} undecided."
        return True, (f"{len(shown)} disagreement{'' if len(shown) == 1 else 's'} of "
                      f"{self.filter_text()}, {undecided} undecided"
                      + ("" if walk else ": d steps through the decided ones") + ".")

    # ------------------------------------------------------------------ in words
    def place(self, item: ReconcileItem,
              spans: list[Interval] | tuple[Interval, ...] = ()) -> str:
        """Where ``spans`` (the item's stretch when none) are, in the researcher's terms:
        ``turn 4 (Helen, 00:12:30)``, ``turns 3-4 (Interviewer and Helen)`` (every speaker,
        as the quotes report names them), ``2 spans in turn 4 (Helen)``.
        The panel heads said ``[460, 512)``, character offsets that meant nothing to a
        researcher (``qcahp reconcile log`` keeps them)."""
        turns = self.turns.get(item.transcript_id)
        if turns is None:
            turns = self.turns[item.transcript_id] = self.store.turns(item.transcript_id)
        lo, hi = (spans[0][0], spans[-1][1]) if spans else (item.start, item.end)
        starts = [t.start for t in turns]
        speaker, (first, time), last, speakers = turns_of(turns, starts, "", lo, hi)
        if first is None:  # no turns stored: where it is in the text
            where = f"characters {lo + 1:,}-{hi:,}"
        else:
            said = in_words(speakers) if speakers else speaker
            who = ", ".join(part for part in (said, time) if part)
            where = f"turn {first}" if last is None else f"turns {first}-{last}"
            where += f" ({who})" if who else ""
        return f"{len(spans)} spans in {where}" if len(spans) > 1 else where

    def status_text(self, compared: list[str]) -> str:
        """The status line: where we are and whether this item is decided."""
        item = self.item
        missing = self._coverage()[1]
        agreed = (f"{missing:,} agreed {'stretch' if missing == 1 else 'stretches'} not yet "
                  f"in {self.consensus} (g copies {'it' if missing == 1 else 'them'})"
                  if missing else f"every agreed stretch is in {self.consensus}"
                  if self.agreed else "no stretch is coded the same by all of them")
        if item is None:
            return ("No disagreements between " + ", ".join(compared) + "; "
                    + agreed + ".")
        decided = sum(self._decided())
        state = ("decided" if self.consensus_spans(item) else
                 "rejected" if self.index in self.rejected else "undecided")
        theme = self.theme_names.get(item.theme_id, item.theme_id)
        return (f"Disagreement {self.index + 1:,}/{len(self.items):,} ({decided:,} decided) · "
                f"{theme} in {item.transcript}, {self.place(item)} · {state}\n"
                f"{agreed}. {take_keys(len(compared))} take a coder's span, o union, "
                f"i intersection, x reject\n{self.walk_text()}")

    def filter_text(self) -> str:
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

    def walk_text(self) -> str:
        """What n/p step through now, and the filter (f) with its undecided count."""
        walk = ("n/p: all, decided too (d: undecided only)" if self.show_decided
                else "n/p: undecided only (d: all)")
        if self.theme_filter is None and self.transcript_filter is None:
            return f"{walk} · f: filter by theme or transcript"
        decided = self._decided()
        shown = self.shown()
        undecided = sum(1 for k in shown if not decided[k])
        return f"{walk} · filter (f): {self.filter_text()}, {undecided}/{len(shown)} undecided"

    # ------------------------------------------------------------------ following
    def drop_withdrawn(self) -> list[str]:
        """Forget the disagreements of transcripts withdrawn meanwhile (``qcahp withdraw``
        in another window): deciding one crashed the workbench on the missing text.

        Returns:
            The names of the transcripts that went (none: nothing changed).
        """
        ids = {it.transcript_id for it in self.items} | {it.transcript_id for it in self.agreed}
        gone = {tid for tid in ids if not self.store.has_transcript(tid)}
        if not gone:
            return []
        names = sorted({it.transcript for it in [*self.items, *self.agreed]
                        if it.transcript_id in gone})
        current = self.item
        kept = [k for k, it in enumerate(self.items) if it.transcript_id not in gone]
        where = {old: new for new, old in enumerate(kept)}
        self.items = [self.items[k] for k in kept]
        self.agreed = [it for it in self.agreed if it.transcript_id not in gone]
        # This session's undo steps keep their place in the new numbering (a step on a
        # withdrawn item keeps its events: undo passes over what the withdrawal removed).
        self._renumber_history(where)
        if self.transcript_filter in gone:
            self.transcript_filter = None
        self.refresh_consensus()
        self.read_rejections()  # keyed by item number
        if current is not None and current.transcript_id not in gone:
            self.index = next(k for k, it in enumerate(self.items) if it is current)
        else:
            walk = self.stops()
            self.index = walk[0] if walk else 0
        return names

    def take_in(self, items: list[ReconcileItem], agreed: list[ReconcileItem],
                names: dict[str, str], order: list[int]) -> str | None:
        """Take in the disagreements computed again: new ones join the walk, vanished
        ones leave it, the item on screen stays (or, gone, the next one in the list
        after it shows), and this session's undo steps follow their items.

        Args:
            order: the transcript ids in the order of the list of disagreements.

        Returns:
            What changed, in words for the user; ``None`` when the disagreements are
            the same (the agreed stretches may have changed).
        """
        old, current = self.items, self.item
        self.agreed = agreed
        self.theme_names = names
        if old == items:
            return None
        moved = match_items(old, items)
        added = len(items) - len(set(moved.values()))
        gone = len(old) - len(moved)
        # Items of transcripts not computed again are the same objects: no need to compare.
        changed = sum(1 for i, k in moved.items() if old[i] is not items[k]
                      and old[i] != items[k])
        stays = moved.get(self.index) if current is not None else None
        self.items = items
        self._renumber_history(moved)
        self.refresh_consensus()
        self.read_rejections()  # keyed by item number
        if stays is not None:
            self.index = stays
        else:
            self.index = self.next_after(current, order)
        counts = ", ".join(f"{n} {what}" for n, what in
                           ((added, "new"), (changed, "changed"), (gone, "gone")) if n)
        note = (" The one on screen is no longer a disagreement; this is the next."
                if current is not None and stays is None and self.item is not None else "")
        return (f"Disagreements updated from codings made elsewhere: {counts} "
                f"({len(self.items)} in all).{note}")

    def _renumber_history(self, where: dict[int, int]) -> None:
        """Give this session's undo steps their items' new numbers (-1: the item went)."""
        self.history = [(where.get(index, -1), written, rejected)
                        for index, written, rejected in self.history]

    def next_after(self, gone: ReconcileItem | None, order: list[int]) -> int:
        """Where to go when the item on screen is no longer a disagreement: the first in
        the walk at or after its place in the list (transcript, theme, start)."""
        themes = list(self.theme_names)

        def place(item: ReconcileItem) -> tuple[int, int, int]:
            return (order.index(item.transcript_id) if item.transcript_id in order
                    else len(order),
                    themes.index(item.theme_id) if item.theme_id in themes else len(themes),
                    item.start)

        walk = self.stops() or self.shown()
        if gone is not None:
            later = [k for k in walk if place(self.items[k]) >= place(gone)]
            if later:
                return later[0]
        return walk[0] if walk else 0


def take_keys(coders: int) -> str:
    """The keys that take one coder's spans: ``a/b``, or with more coders (whose
    panels are lettered C, D...) the number keys too (there is no key ``c``)."""
    return "a/b" if coders <= 2 else f"a/b or 1-{min(coders, 9)}"
