"""The passages screen: every passage coded with one theme, across all transcripts.

After coding, a researcher reads everything coded with a theme side by side (NVivo's
node view, MAXQDA's retrieved segments). This screen shows the same rows as
``qcahp quotes --theme ID`` (the theme and the themes below it), from
:func:`qualcoder_ahp.reports.quotes`, ordered by transcript and then by position:
for each passage the speaker, turn and time, the coder and how the coding came about
(suggested, adjusted, manual), the theme when the subtree holds several, the whole
quoted text and the coder's memo on it.

Keys (in the footer and the help): ↑ ↓ PgUp PgDn move between passages, Enter opens
the coding screen on that transcript with the span on the passage, ``c`` steps
through the coders (all pooled, then each), ``n`` shows the consensus coding, ``P``
picks another theme, Escape goes back. Collecting runs in a thread worker on its own
database connection (a study holds thousands of codings; only the theme's are read),
with a progress line; the worker also lays the passages out (their wrapped heights)
and posts them a batch at a time, so the UI thread only adds them; after a resize a
worker measures them again (:mod:`qualcoder_ahp.tui.widgets.passage_list`). It fills
the list with :data:`FILL` passages at most: the keys and the scroll add a :data:`PAGE`
of them at a time as they come near an end of those in the list, End and Home at once
(a theme of 13,000 passages laid out whole took seconds, for 65,000 lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.css.styles import RulesMap
from textual.screen import Screen
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Label
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import plural
from qualcoder_ahp.reports import CONSENSUS, Quote, ReportData, quotes
from qualcoder_ahp.reports.data import Progress, merged_target, theme_subtree
from qualcoder_ahp.reports.text_table import cells, shorten
from qualcoder_ahp.tui.follow import BLIND_NOTE, is_blind, withdrawn_meanwhile
from qualcoder_ahp.tui.screens.list_screen import ListScreen, list_layout
from qualcoder_ahp.tui.screens.modals import ThemePickerModal
from qualcoder_ahp.tui.widgets.list_keys import ListKeys, list_bindings
from qualcoder_ahp.tui.widgets.passage_list import REWRAP_STEP, PassageList

ORIGIN_WORDS = {"suggested": "accepted suggestion", "adjusted": "adjusted suggestion",
                "manual": "coded by hand", "imported": "imported", "consensus": "consensus"}
"""How each coding came about, in a researcher's words."""


@dataclass(frozen=True)
class Passage:
    """One coding as the screen lists it: the core's quote and its transcript's id."""

    quote: Quote
    transcript_id: int
    rank: int = 0
    """Its transcript's place in the project's order (the list's order, then offsets)."""

    @property
    def place(self) -> tuple[int, int]:
        """Where it is, in the list's order: its transcript's rank, then its start."""
        return self.rank, self.quote.start


@dataclass(frozen=True)
class Passages:
    """What the worker collected for one theme and one coder selection."""

    theme_id: str
    theme_name: str
    subtree: int
    """How many themes the selection covers (the theme and those below it)."""
    coder: str | None
    passages: list[Passage]
    made: dict[int | str, Option] = field(default_factory=dict, compare=False, repr=False)
    """The list's options made so far: each passage's by its index in :attr:`passages`,
    each transcript heading by ``t`` and the transcript's id (:func:`passage_groups`)."""

    @property
    def transcripts(self) -> int:
        """How many transcripts hold at least one passage."""
        return len(self.per_transcript)

    @cached_property
    def per_transcript(self) -> dict[int, int]:
        """How many passages each transcript holds, in the list's order."""
        counts: dict[int, int] = {}
        for p in self.passages:
            counts[p.transcript_id] = counts.get(p.transcript_id, 0) + 1
        return counts

    @cached_property
    def index(self) -> dict[str, int]:
        """Each passage's place in :attr:`passages`, by its option's id (its coding's)."""
        return {str(p.quote.coding_id): k for k, p in enumerate(self.passages)}

    @cached_property
    def several_themes(self) -> bool:
        """Whether the passages are of more than one theme (each then names its own)."""
        return self.subtree > 1 and len({p.quote.theme_id for p in self.passages}) > 1

    @property
    def coders(self) -> list[str]:
        """The coders of the passages, in order of first appearance."""
        return list(dict.fromkeys(p.quote.coder for p in self.passages))


def collect(store: Store, theme_id: str, coder: str | None,
            progress: Progress | None = None) -> Passages:
    """Every active coding of a theme's subtree, by transcript then position (no Textual).

    Args:
        store: the project.
        theme_id: the theme; the themes below it are included, as ``qcahp quotes --theme``.
        coder: one coder's codings, :data:`CONSENSUS`, or ``None`` for every coder's.
        progress: ``progress(done, total)`` over transcripts.
    """
    # Only the theme's codings (and those below it): a study's other themes are most of it.
    data = ReportData(store, coder, themes=theme_subtree(store, theme_id))
    # A passage shows its quote whole, never its context: no sentence is read for it.
    found = quotes(data, theme=theme_id, progress=progress, context=False)
    ids = {row.label: row.id for row in data.transcripts.values()}
    order = {tid: i for i, tid in enumerate(data.transcripts)}
    themes = {t: i for i, t in enumerate(data.subtree(theme_id))}
    rows = [Passage(q, ids[q.transcript], order[ids[q.transcript]]) for q in found]
    # The core groups by theme first; a reader follows each interview in order.
    rows.sort(key=lambda p: (p.rank, p.quote.start, p.quote.end,
                             themes[p.quote.theme_id], p.quote.coder))
    return Passages(theme_id, data.theme(theme_id).name, len(themes), coder, rows)


def headline(found: Passages) -> str:
    """The counts line: "Serendipity: 57 passages in 7 transcripts, coders ana, ben"."""
    name = found.theme_name
    if found.subtree > 1:
        name += f" and the {plural(found.subtree - 1, 'theme')} below it"
    if not found.passages:
        who = {None: "", CONSENSUS: " in the consensus coding"}.get(
            found.coder, f" by {found.coder}")
        return f"No passages coded with {name}{who} yet."
    if found.coder == CONSENSUS:
        who = "consensus coding"
    elif found.coder is not None:
        who = f"coder {found.coder}"
    else:
        names = found.coders
        who = ("coder " if len(names) == 1 else "coders ") + ", ".join(names)
    return (f"{name}: {plural(len(found.passages), 'passage')} in "
            f"{plural(found.transcripts, 'transcript')}, {who}")


def passage_text(passage: Passage, show_theme: bool) -> Text:
    """One passage as the list draws it: where and who, the theme if needed, the quote, the memo."""
    q = passage.quote
    # A question and its answer coded as one passage: both turns and both speakers,
    # as the quotes report names them ("Interviewer and Asha · turns 1-2").
    where = [q.speakers_named or "(no speaker)"]
    if q.turns_label is not None:
        where.append(q.turns_label)
    if q.time:
        where.append(q.time)
    out = Text()
    out.append(" · ".join(where), style="bold")
    out.append(f"  {q.coder}, {ORIGIN_WORDS.get(q.origin, q.origin)}", style="italic")
    if show_theme:
        out.append(f"\n{q.theme_path}", style="bold")
    out.append("\n\u201c" + " ".join(q.quote.split()) + "\u201d")
    if q.memo:
        out.append("\nMemo: ", style="bold")
        out.append(q.memo.strip(), style="italic")  # its paragraphs kept
    return out


class Heading(Visual):
    """The line above a transcript's passages, one line at any width: the name is cut
    with … so that its count stays on it (a long name pushed "· 1 passage" onto a line
    of its own); the line under the list names the highlighted passage's transcript whole.
    A Visual, so that the list lays it out at the width it has (after a resize too), in
    the worker that measures the passages as well (a Rich renderable needs the app's
    console, which a worker thread has not)."""

    def __init__(self, name: str, tail: str) -> None:
        self.name = name
        self.tail = tail

    @property
    def plain(self) -> str:
        """The whole line, uncut."""
        return f"\u2500\u2500 {self.name}{self.tail}"

    def __str__(self) -> str:
        return self.plain

    def _at(self, width: int) -> Content:
        room = max(1, width - cells(f"\u2500\u2500 {self.tail}"))
        return Content.styled(f"\u2500\u2500 {shorten(self.name, room)}{self.tail}", "bold")

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        return self._at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return min(container_width, cells(self.plain))

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1


def transcript_heading(passage: Passage, count: int) -> Heading:
    """The line above a transcript's passages."""
    q = passage.quote
    who = f" ({q.participant})" if q.participant and q.participant != q.transcript else ""
    return Heading(q.transcript + who, f" \u00b7 {plural(count, 'passage')}")


def passage_groups(found: Passages, start: int, end: int,
                   first: int | None = None) -> list[list[Option | None]]:
    """The list's options for the passages ``start`` to ``end``, one group each: a
    transcript's heading first where its passages begin, or where the list begins
    (``first``, the passage at the list's top: a list begun in the middle of a
    transcript names it too), then the passage and a faint rule (``None``) between
    passages, so that a group can be added to the list on its own.

    Made once (:attr:`Passages.made`), in the worker for most: making the text of
    thousands of passages is the slow part that needs no screen.
    """
    made, rows = found.made, found.passages
    groups: list[list[Option | None]] = []
    for k in range(start, end):
        p = rows[k]
        group: list[Option | None] = []
        if k == first or k == 0 or rows[k - 1].transcript_id != p.transcript_id:
            heading = made.get(f"t{p.transcript_id}")
            if heading is None:
                heading = made.setdefault(f"t{p.transcript_id}", Option(
                    transcript_heading(p, found.per_transcript[p.transcript_id]),
                    id=f"t{p.transcript_id}", disabled=True))
            group.append(heading)
        option = made.get(k)
        if option is None:
            option = made.setdefault(k, Option(passage_text(p, found.several_themes),
                                               id=str(p.quote.coding_id)))
        groups.append([*group, option, None])
    return groups


FIRST_BATCH = 60
"""Passages put in the list at once; the rest follow in batches of :data:`BATCH`, each
posted by the worker, so that a theme with thousands of passages shows at once and the
keys keep working while the list fills (measuring each wrapped passage's height is
what takes time)."""
BATCH = 250
MEASURED_BATCH = 5000
"""The batch once the worker lays the passages out (:meth:`PassageList.measure`):
adding them is then cheap on the UI thread. :data:`BATCH` when it cannot (the screen
not laid out yet), and the list measures them as it adds them."""
FILL = 1000
"""The worker fills the list with this many passages at most, from where it begins;
more are added a :data:`PAGE` at a time as the keys (or the scroll) come near an end of
those in the list: End at once on the last ones, Home on the first. A theme of 13,000
passages (1M words) took 5 s to lay out whole, the keys slowed by the worker meanwhile,
and the list held 65,000 lines nobody scrolls through."""
PAGE = 200
"""Passages added to the list at a time beyond :data:`FILL` (a few hundredths of a
second to lay out, on the UI thread)."""


class PassageThemePicker(ThemePickerModal):
    """The workbench's theme picker, listing every theme (grouping themes too).

    The picker offers only codable themes, since it is made for coding; passages are
    also read by a grouping theme (its subthemes' passages). ``preselect`` highlights a
    theme once the list is filled.
    """

    def __init__(self, store: Store, preselect: str | None = None,
                 prompt: str = "Show the passages coded with… (a theme includes those "
                               "below it)") -> None:
        themes = store.themes()
        paths = {t.id: store.theme_path(t.id) for t in themes}
        super().__init__([replace(t, codable=True) for t in themes], paths, prompt,
                         preselect=preselect)


class PassagesScreen(ListKeys, ListScreen, Screen[None]):
    """Every passage coded with one theme (and those below it), transcript by transcript."""

    RELOAD_ON_RESUME = True
    """Shown (pushed, or back from the coding screen, where this coder may have coded,
    moved or removed passages): collect the passages. It reads nothing when mounted."""

    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Code that transcript, with the span on "
                "this passage (P there comes back here)"),
        Binding("c", "next_coder", "Coder", tooltip="All coders pooled, then each coder"),
        Binding("n", "consensus", "Consensus", tooltip="The team's agreed (consensus) coding"),
        Binding("P", "pick_theme", "Theme…", tooltip="Show another theme's passages"),
        Binding("escape", "back", "Back", tooltip="Back to the previous screen"),
        *list_bindings("passage"),
    ]

    WHERE = "#passages-where"

    DEFAULT_CSS = """
    PassagesScreen #passages-head { padding: 0 1; width: 100%; height: auto;
                                    text-style: bold; }
    PassagesScreen #passages-where { padding: 0 1; height: auto; max-height: 2;
                                     background: $boost; }
    """

    def __init__(self, store: Store, coder: str, theme_id: str,
                 show_coder: str | None = None) -> None:
        """Show the passages of ``theme_id``.

        Args:
            store: the project.
            coder: who is working (Enter opens the coding screen as them).
            theme_id: the theme (and those below it) to show.
            show_coder: whose codings to show first (``None``: every coder's).
        """
        super().__init__()
        self.store = store
        self.coder = coder
        self.theme_id = theme_id
        self.show_coder = show_coder
        self.coders: list[str | None] = [None]
        self.shown: Passages | None = None
        """What the list shows (tests compare it with the core)."""
        self._want: str | None = None
        """A passage to highlight once its batch is in the list."""
        self._stand_in: str | None = None
        """The passage highlighted in place of one the next coder's list lacks (``c``)."""
        self._place: tuple[int, int] | None = None
        """Where the reader was before that stand-in, kept while it stays highlighted, so
        that a round of the coders comes back to the same place."""
        self._merged_note = ""
        """Said above the counts once the theme shown was merged away and the screen
        followed its codings to the theme they went to."""
        self._name_title()

    def _name_title(self) -> None:
        """Name the theme in the header (and in the help's title)."""
        try:
            self.title = f"Passages: {self.store.theme(self.theme_id).name}"
        except UserError:  # an unknown id: the worker's error names the problem
            self.title = "Passages"

    def compose(self) -> ComposeResult:
        yield from list_layout("passages", PassageList(id="passages"))

    def on_mount(self) -> None:
        self.query_one(PassageList).focus()

    # ------------------------------------------------------------------ collecting
    def reload(self) -> None:
        """Collect the passages again in a worker (keeping the highlighted one if it stays)."""
        if is_blind(self.store):
            # Blind coding: this coder's passages only (no pooled, others' or consensus).
            self.show_coder = self.coder
            self.coders = [self.coder]
        else:
            self.coders = [None, *self.store.report_coded_coders()]
        if self.show_coder not in self.coders:
            self.coders.append(self.show_coder)
        request = self.next_request()
        active = {t.id: t.name for t in self.store.themes()}
        if self.theme_id not in active:
            target = merged_target(self.theme_id, self.store.merged_into())
            if target not in active:  # its making undone: nowhere to follow
                self._gone()
                return
            self._follow(target or "", active[target or ""])
        self.set_where(Text("Collecting passages…", style="italic"))
        self._collect(request, self.theme_id, self.show_coder)

    def _follow(self, target: str, target_name: str) -> None:
        """The theme was merged into ``target`` (here or in another window): show
        ``target``'s passages, which hold its codings now, and say so."""
        try:
            name = self.store.theme(self.theme_id).name
        except UserError:
            name = self.theme_id
        self._merged_note = f"{name} was merged into {target_name}, which holds its codings now."
        self.theme_id = target
        self._name_title()
        self.notify(f"{self._merged_note} Showing its passages.", timeout=6, markup=False)

    def _gone(self) -> None:
        """The theme left the codebook (its making undone, here or in another window;
        a merged theme is followed instead): say so, with nothing stale left to open."""
        try:
            name = self.store.theme(self.theme_id).name
        except UserError:
            name = self.theme_id
        self.shown = None
        self._want = None
        listing = self.query_one(PassageList)
        listing.clear_options()
        listing.display = False
        self.query_one("#passages-head", Label).update(Text(
            f"{name} is no longer in the codebook (merged into another theme or undone)."))
        self.set_where(Text("P: another theme; Escape: back."))
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="passages", exit_on_error=False,
          description="Collecting passages")
    def _collect(self, request: int, theme_id: str, coder: str | None) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, request, done, total)

        found = self.on_own_connection(collect, theme_id, coder, progress)
        found.index  # noqa: B018 (the lookups the UI thread needs, made here)
        # Where the list begins: at the first passage, or for a long list near the one
        # to keep highlighted (coming back from the coding screen, c, another window).
        if (first := self.app.call_from_thread(self._aim, request, found)) is None:
            return
        # The list is filled a batch at a time, each laid out here first (wrapping
        # thousands of passages is the slow part), so the UI thread only adds them;
        # the width is asked again for each batch (the terminal may be resized). Up to
        # FILL passages: the keys add the others as they come near them.
        start, size = first, FIRST_BATCH
        last = min(len(found.passages), first + max(FILL, FIRST_BATCH))
        while (target := self.app.call_from_thread(self._list_width, request)) is not None:
            listing, width = target
            end = min(last, start + size)
            batch = passage_groups(found, start, end, first)
            listing.measure([o for group in batch for o in group], width)
            if start == first:
                self.app.call_from_thread(self._show, request, found, first, batch, width)
            elif not self.app.call_from_thread(self._add_batch, request, batch, width, start):
                return  # the keys moved the list meanwhile (End, Home): they fill it
            start = end
            size = MEASURED_BATCH if width else BATCH
            if start >= last:
                return

    @on(PassageList.Rewrapped)
    def _rewrapped(self, event: PassageList.Rewrapped) -> None:
        """The terminal resized: measure every passage at the new width in a worker."""
        self._rewrap(self._request, event.listing, list(event.listing.options), event.width)

    @work(thread=True, exclusive=True, group="passages-rewrap", exit_on_error=False,
          description="Laying out passages")
    def _rewrap(self, request: int, listing: PassageList, options: list[Option],
                width: int) -> None:
        """Measure ``options`` at ``width`` (a resize's), then have the list lay them out;
        a later resize, or another collection, makes this one stop."""
        worker = get_current_worker()
        for start in range(0, len(options), REWRAP_STEP):
            if worker.is_cancelled or not self.is_current(request):
                return
            listing.measure(list(options[start:start + REWRAP_STEP]), width)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._rewrapped_at, request, listing, width)

    def _rewrapped_at(self, request: int, listing: PassageList, width: int) -> None:
        if self.is_current(request):
            listing.laid_out_at(width)

    def _list_width(self, request: int) -> tuple[PassageList, int] | None:
        """The list and the width its passages wrap to (on the UI thread), while
        ``request`` is the last asked for."""
        if not self.is_current(request):
            return None
        listing = self.query_one(PassageList)
        return listing, listing.text_width()

    def _progress(self, request: int, done: int, total: int) -> None:
        if self.is_current(request):  # not a collection the last c, n or P replaced
            self.set_where(Text(f"Collecting passages… {done}/{total} transcripts",
                                 style="italic"))

    def _aim(self, request: int, found: Passages) -> int | None:
        """(On the UI thread, before ``found`` is shown.) Which passage to highlight once
        it is in the list, and where the list is to begin (``None``: a result asked for
        before the last c, n or P, dropped).

        The highlighted passage stays highlighted when it is still listed (after a
        coder switch, a return from the coding screen or another window's commit);
        when it is not (another coder's list), the first passage from where it was
        is, so that the reader keeps their place in a long list. A list longer than
        :data:`FILL` begins a little before it; a shorter one at its first passage.
        """
        if not self.is_current(request):
            return None
        keep = self.selected()
        # Another coder's list of the same theme: the place is kept, not the passage.
        near = self.shown is not None and self.shown.theme_id == found.theme_id
        place = keep.place if keep is not None else None
        if keep is not None and str(keep.quote.coding_id) == self._stand_in:
            place = self._place  # not moved from the stand-in: the reader's own place
        self._want, self._stand_in = None, None
        if keep is not None and str(keep.quote.coding_id) in found.index \
                and place == keep.place:
            self._want = str(keep.quote.coding_id)
        elif place is not None and near and found.passages:
            here = next((p for p in found.passages if p.place >= place),
                        found.passages[-1])
            self._want = str(here.quote.coding_id)
            if here.place != place:
                self._stand_in, self._place = self._want, place
        if self._want is None or len(found.passages) <= FILL:
            return 0
        return max(0, found.index[self._want] - FIRST_BATCH // 2)

    def _show(self, request: int, found: Passages, first: int,
              batch: list[list[Option | None]], width: int = 0) -> None:
        """Fill the list with its first ``batch``, the passages from ``first`` (a result
        asked for before the last c, n or P is dropped); the worker adds the others
        (:meth:`_add_batch`), the keys those past :data:`FILL` (:meth:`_extend`)."""
        if not self.is_current(request):
            return
        listing = self.query_one(PassageList)
        self.shown = found
        self._first = self._end = first
        listing.clear_options()
        note = f"{self._merged_note}\n" if self._merged_note else ""
        self.query_one("#passages-head", Label).update(Text(note + headline(found)))
        listing.display = bool(found.passages)
        self._add_batch(request, batch, width, first)
        self.refresh_bindings()

    def _add_batch(self, request: int, batch: list[list[Option | None]],
                   width: int = 0, start: int | None = None) -> bool:
        """Add a batch of passages (each a group: its transcript's heading first),
        measured at ``width`` in the worker, the passages from ``start``. Whether they
        were added: not when the list no longer ends where they begin (End or Home
        moved it meanwhile; the keys fill it from there)."""
        if not self.is_current(request) or (start is not None and start != self._end):
            return False
        listing = self.query_one(PassageList)
        listing.laid_out = width
        listing.add_options([item for group in batch for item in group])
        self._end += len(batch)
        if listing.highlighted is None and listing.option_count:
            listing.highlighted = 1  # the first passage (0 is its transcript's heading)
        if self._want is not None and self._want in {
                o.id for g in batch for o in g if o is not None}:
            listing.highlighted = listing.get_option_index(self._want)
            self._want = None
        self._show_where()
        return True

    # ------------------------------------------------------------------ the list's ends
    _first = 0
    """The first passage in the list (its index in ``shown.passages``)."""
    _end = 0
    """The passage after the last one in the list."""

    def _beyond(self, direction: int) -> bool:
        """Whether passages follow the list's last one (``1``) or come before its first."""
        if self.shown is None:
            return False
        return self._end < len(self.shown.passages) if direction > 0 else self._first > 0

    def _extend(self, direction: int) -> None:
        """Add the :data:`PAGE` of passages after the list's last one (``1``) or before
        its first (``-1``), laid out here (a few hundredths of a second); the highlight
        stays on its passage, and the lines in view stay in view."""
        found, listing = self.shown, self.query_one(PassageList)
        if found is None or not self._beyond(direction):
            return
        if direction < 0:
            self._refill(max(0, self._first - PAGE), self._end, keep_view=True)
            return
        end = min(len(found.passages), self._end + PAGE)
        batch = passage_groups(found, self._end, end, self._first)
        options = [item for group in batch for item in group]
        listing.measure(options, listing.text_width())
        listing.add_options(options)
        self._end = end

    def _refill(self, first: int, end: int, *, keep_view: bool = False) -> None:
        """Make the list hold the passages ``first`` to ``end`` (laid out here; those
        laid out before keep their heights), the highlighted one kept highlighted when it
        is among them; with ``keep_view``, the lines in view stay where they are."""
        found, listing = self.shown, self.query_one(PassageList)
        if found is None:
            return
        here = self.selected()
        anchor = (str(found.passages[self._first].quote.coding_id)
                  if keep_view and self._first < self._end else None)
        before, scroll = listing.line_of(anchor), listing.scroll_y
        options = [item for group in passage_groups(found, first, end, first)
                   for item in group]
        width = listing.text_width()
        listing.measure(options, width)
        listing.refilling = True  # the list scrolls to its top as it empties
        try:
            listing.clear_options()
            listing.add_options(options)
            listing.laid_out = width
            self._first, self._end = first, end
            if here is not None and first <= found.index[str(here.quote.coding_id)] < end:
                listing.highlighted = listing.get_option_index(str(here.quote.coding_id))
            after = listing.line_of(anchor)
            if before is not None and after is not None:
                listing.scroll_to(y=scroll + after - before, animate=False, immediate=True)
        finally:
            listing.refilling = False

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "passages" and event.state == WorkerState.ERROR:
            self.set_where(Text("Collecting the passages failed.", style="bold"))
        elif event.worker.group == "passages-rewrap" and event.state == WorkerState.ERROR:
            self.query_one(PassageList).laid_out_here()  # the list measures them itself

    # ------------------------------------------------------------------ position
    def theme_under_cursor(self) -> str | None:
        """The theme whose passages are shown (K starts its picker there)."""
        return self.theme_id

    def selected(self) -> Passage | None:
        """The highlighted passage, if any."""
        index = self.highlighted_index()
        if index is None:
            return None
        found = self.shown
        k = found.index.get(self.listing().get_option_at_index(index).id or "")  # type: ignore[union-attr]
        return None if k is None else found.passages[k]  # type: ignore[union-attr]

    def _show_where(self) -> None:
        """The line under the list: which passage of how many, and where it is."""
        found = self.shown
        passage = self.selected()
        if found is not None and not found.passages:
            other = ("c: another coder's; " if self.show_coder is not None
                     and len(self.coders) > 2 else "")
            self.set_where(Text(f"{other}P: another theme; Escape: back."))
            return
        if found is None or passage is None:
            self.set_where(Text(""))
            return
        q = passage.quote
        number = f"Passage {found.index[str(q.coding_id)] + 1:,} of {len(found.passages):,}"
        at = f"{number} \u00b7 {q.transcript} \u00b7 "
        # The theme's own name is what tells passages apart: its path only if it fits.
        theme, width = q.theme_path, (self.size.width or self.app.size.width) - 2
        if cells(at + theme) > width:
            theme = theme.rsplit(" / ", 1)[-1]
        if cells(at + theme) > width:
            # A name too long for the line goes whole on a second one: the list's
            # heading cuts it with … (so that its count stays on the line).
            label = self.query_one(self.WHERE, Label)
            label.update(Text(f"{number} \u00b7 {shorten(theme, width - len(number) - 3)}\n"
                              f"{shorten(q.transcript, width)}"))
            return
        self.set_where(Text(at + theme))

    def on_resize(self) -> None:
        """The line under the list is cut to the screen's width: made again for the new
        width (a resize meanwhile would leave it cut short, or cut blind)."""
        if self.shown is not None:
            self.call_after_refresh(self._show_where)

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Open needs a passage; Consensus is greyed out without a consensus coding."""
        if action == "open":
            return self.shown is not None and bool(self.shown.passages)
        if action in ("next_coder", "consensus") and self.coders == [self.coder]:
            return None  # blind coding: only this coder's passages
        if action == "consensus" and CONSENSUS not in self.coders:
            return None
        return True

    def action_move(self, delta: int) -> None:
        """Highlight the next (1) or previous (-1) passage; the ends do not wrap round
        (a reader at the last passage should see that it is the last). At an end of
        those in the list, the next :data:`PAGE` of passages joins it."""
        listing = self.query_one(PassageList)
        if listing.highlighted is None or self._step(listing, delta):
            return
        if self._beyond(delta):
            self._extend(delta)
            if self._step(listing, delta):
                return
        listing.scroll_to_highlight()  # at an end: still bring a long passage into view

    @staticmethod
    def _step(listing: PassageList, delta: int) -> bool:
        """Highlight the next passage in the list that way; whether there was one."""
        i = (listing.highlighted or 0) + delta
        while 0 <= i < listing.option_count:
            if not listing.get_option_at_index(i).disabled:  # skip transcript headings
                listing.highlighted = i
                return True
            i += delta
        return False

    def action_page(self, direction: int) -> None:
        """A page of passages down (1) or up (-1); near an end of those in the list, the
        next :data:`PAGE` of passages joins it first."""
        listing = self.query_one(PassageList)
        if self._near_edge(listing, direction):
            self._extend(direction)
        super().action_page(direction)
        if listing.highlighted is None and listing.option_count:
            # OptionList's page up from the first passage lands on its transcript's
            # heading, which cannot be highlighted, and left nothing highlighted.
            listing.action_first() if direction < 0 else listing.action_last()

    def _near_edge(self, listing: PassageList, direction: int) -> bool:
        """Whether the highlight (or, without one, the view) is within two screens of the
        list's end that way, with passages beyond it."""
        if not self._beyond(direction):
            return False
        line = listing.line_at_highlight()
        if line is None:
            line = int(listing.scroll_y) if direction < 0 else int(
                listing.scroll_y) + listing.size.height
        room = 2 * max(1, listing.size.height)
        return (listing.virtual_size.height - line <= room if direction > 0
                else line <= room)

    def action_edge(self, direction: int) -> None:
        """The last (1) or first (-1) passage: the list holds the last (or first)
        :data:`PAGE` of passages if it did not reach them."""
        found = self.shown
        if found is not None and self._beyond(direction):
            total = len(found.passages)
            if direction > 0 and total - self._end <= PAGE:
                self._extend(1)
            elif direction < 0 and self._first <= PAGE:
                self._extend(-1)
            elif direction > 0:
                self._refill(max(0, total - PAGE), total)
            else:
                self._refill(0, min(total, PAGE))
        super().action_edge(direction)

    @on(PassageList.NearEnd)
    def _near_end(self, event: PassageList.NearEnd) -> None:
        """Scrolled (the mouse wheel, the scrollbar) near an end of the passages in the
        list: the next :data:`PAGE` joins it, the lines in view staying in view."""
        if self._beyond(event.direction) and event.listing.near(event.direction):
            self._extend(event.direction)

    def listing(self) -> PassageList:
        """The list of passages (for the page and end keys)."""
        return self.query_one(PassageList)

    def action_open(self) -> None:
        """Open the coding screen on the passage's transcript, the span on the passage."""
        from qualcoder_ahp.tui.screens.coding import CodingScreen

        passage = self.selected()
        if passage is None:
            return
        q = passage.quote
        if withdrawn_meanwhile(self, self.store, passage.transcript_id, q.transcript):
            return
        self.app.push_screen(CodingScreen(self.store, self.coder, passage.transcript_id,
                                          span=(q.start, q.end), span_theme=q.theme_id))
        whose = "" if q.coder == self.coder else f" ({q.coder}'s coding)"
        self.notify(f"At the passage{whose}; P goes back to the passages.", timeout=4,
                    markup=False)

    def action_next_coder(self) -> None:
        """Show the next coder's passages (all coders, then each coder)."""
        if self.coders == [self.coder]:
            self.notify(BLIND_NOTE, severity="warning", markup=False)
            return
        self.show_coder = self.coders[(self.coders.index(self.show_coder) + 1)
                                      % len(self.coders)]
        self.reload()

    def action_consensus(self) -> None:
        """Show the consensus coding's passages."""
        if self.coders == [self.coder]:
            self.notify(BLIND_NOTE, severity="warning", markup=False)
            return
        if CONSENSUS not in self.coders:
            self.notify("No consensus coding yet.", severity="warning")
            return
        self.show_coder = CONSENSUS
        self.reload()

    def action_pick_theme(self) -> None:
        """Pick another theme (the picker starts on this one)."""
        def chosen(theme_id: str | None) -> None:
            if theme_id and theme_id != self.theme_id:
                self.theme_id = theme_id
                self._merged_note = ""
                self._name_title()
                self.shown = None
                self.reload()

        self.app.push_screen(PassageThemePicker(self.store, self.theme_id), chosen)

    def action_back(self) -> None:
        """Return to the previous screen."""
        self.dismiss()
