"""One snapshot of a project for reporting: themes as a tree, transcripts, codings.

:class:`ReportData` reads everything a report needs in a handful of bulk queries
(through the store's report mixin) and answers the tree questions every report
asks: a theme's path, depth, ancestors and subtree. Counts, quotes and
co-occurrence are plain functions over this snapshot, so the CLI and the workbench
compute exactly the same numbers.

Coder selection: a name keeps one coder's codings; ``coders`` pools exactly those
coders'; neither is the pooled default, the one rule every report follows
(:func:`left_out_of_pool`): every coder's codings but the consensus coders'
(:data:`CONSENSUS`, the coder the team's agreed coding is stored under, or any coder a
reconcile decision went into).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qualcoder_ahp.errors import UserError, closest
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import Coding, Theme, TranscriptInfo

if TYPE_CHECKING:
    from qualcoder_ahp.reports.selection import Selection

CONSENSUS = "consensus"
RETIRED = "(retired)"
"""Added to the name of a theme no longer in the codebook whose codings remain."""
NO_VALUE = "(none)"
"""Column label for participants without the attribute, and transcripts without a participant."""

Progress = Callable[[int, int], None]
"""``progress(done, total)`` callback for long work."""

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_PARTS = re.compile(r"(\d+)")


def value_order(values: Iterable[str]) -> list[str]:
    """Attribute values in the order a reader expects, ``(none)`` last: by number when
    every value is a number (``9 12 19 20``, not ``12 19 20 9`` as text sorts them);
    otherwise with the runs of digits in them compared as numbers, which puts ISO dates
    (``2024-03-05``) in date order and NHS bands in theirs (``5 6 8a 8c 9``); text
    ignoring case."""
    given = set(values)
    rest = [v for v in given if v != NO_VALUE]
    if rest and all(_NUMBER.fullmatch(v.strip()) for v in rest):
        ordered = sorted(rest, key=lambda v: (float(v), v))
    else:
        ordered = sorted(rest, key=lambda v: (
            [(0, int(p), "") if p.isdigit() else (1, 0, p)
             for p in _PARTS.split(v.casefold().strip()) if p], v))
    return ordered + ([NO_VALUE] if NO_VALUE in given else [])


@dataclass(frozen=True)
class TranscriptRow:
    """A transcript as reports see it."""

    id: int
    name: str
    version: int
    participant: str | None
    chars: int
    words: int
    versions: int = 1
    """How many versions of this interview the project holds."""

    @property
    def label(self) -> str:
        """``name`` for an interview stored once; ``name@version`` for every version of
        one imported again (``t1@1``, ``t1@2``: a bare ``t1`` beside ``t1@2`` read as
        either "every version" or "the latest")."""
        return version_label(self.name, self.version, self.versions)


def version_label(name: str, version: int, versions: int) -> str:
    """A transcript's label in every report: ``name`` when the project holds one version
    of the interview, else ``name@version`` for each of them, the first included."""
    return name if versions <= 1 else f"{name}@{version}"


def label_of(rows: list[tuple]) -> dict[int, str]:
    """Each transcript id's :func:`version_label`, from ``Store.report_transcripts()``."""
    versions: dict[str, int] = {}
    for r in rows:
        versions[r[1]] = versions.get(r[1], 0) + 1
    return {r[0]: version_label(r[1], r[2], versions[r[1]]) for r in rows}


def unknown_theme(theme_id: str, known: list[str],
                  merged: dict[str, str] | None = None) -> UserError:
    """The one error for a theme id that is not in the codebook, in every command.

    Names the closest id when there is one (a typo is the usual cause) and the first
    ids of the codebook, so ``suggestions``, ``patterns``, ``agreement`` and the reports
    all answer ``--theme serendipty`` the same way. A theme merged into another
    (``merged``: :meth:`Store.merged_into`) names the theme its codings went to.
    """
    target = merged_target(theme_id, merged or {})
    if target is not None:
        return UserError(f"theme {theme_id!r} was merged into {target!r}, which holds its "
                         f"codings now: give --theme {target}")
    close = closest(theme_id, known)
    hint = f"; did you mean {close!r}?" if close else ""
    listed = ", ".join(known[:12]) or "none"
    more = " ..." if len(known) > 12 else ""
    return UserError(f"no theme {theme_id!r} in the codebook{hint} (themes: {listed}{more})")


def merged_target(theme_id: str, merged: dict[str, str]) -> str | None:
    """The theme a merged theme's codings are in now (merged on: A into B into C is C),
    or ``None`` when ``theme_id`` was not merged away."""
    if theme_id not in merged:
        return None
    seen = set()
    while theme_id in merged and theme_id not in seen:
        seen.add(theme_id)
        theme_id = merged[theme_id]
    return theme_id


def find_transcript(store: Store, ref: str) -> TranscriptInfo:
    """``store.transcript(ref)``, naming the likely transcript when ``ref`` is none:
    ``qcahp show physio`` said only "no transcript 'physio' in this project"."""
    try:
        return store.transcript(ref)
    except UserError:
        names = sorted({t.name for t in store.transcripts()})
        stem = ref.split("@", 1)[0]
        close = next((n for n in names if n.startswith(stem)), None) or closest(stem, names)
        if not close:
            raise
        raise UserError(f"no transcript {ref!r} in this project; did you mean "
                        f"{close!r}? (`qcahp transcripts` lists them)") from None


def resolve_coder(store: Store, coder: str | None, consensus: bool = False) -> str | None:
    """The coder a report is restricted to (``None`` = all coders).

    Raises:
        UserError: both a coder and ``--consensus`` were given, or the coder is unknown.
    """
    if coder is not None:
        coder = coder.strip()  # as stored: a coder's name never keeps surrounding spaces
    if consensus:
        if coder is not None and coder != CONSENSUS:
            raise UserError("give either --coder or --consensus, not both")
        coder = CONSENSUS
        if CONSENSUS not in store.coders():
            # Not "no coder named 'consensus'": the researcher typed no coder name.
            raise UserError("no consensus coding in this project yet: reconcile the coders' "
                            "disagreements first (R in the workbench), or merge the copy "
                            "where they were reconciled (qcahp merge)")
    if coder is not None:
        store.coder_id(coder)  # raises a one-line UserError naming the known coders
    return coder


def left_out_of_pool(store: Store) -> set[str]:
    """The coders a report leaves out of its pool when no coder is named, the one rule of
    every report (counts, quotes, co-occurrence, charts, framework, saturation, words,
    the workbench's counts): the consensus coders
    (:meth:`~qualcoder_ahp.model.store.Store.consensus_coders`).

    The consensus is the coders' own codings taken, joined or dropped; pooled with them
    it counted every agreed passage a second (or third) time in ``codings``, its spans
    became passages beside the coders', and in a by-coder view it read as one more
    coder. ``qcahp agreement`` compares the same coders
    (:meth:`~qualcoder_ahp.model.store.Store.coders_who_coded`). ``--consensus`` (or
    ``--coder NAME``) reads the consensus; saturation's ``--coders`` pools it on purpose.
    """
    return store.consensus_coders()


def _pooled(store: Store, codings: list[Coding], coders: Collection[str] | None,
            ) -> tuple[list[Coding], list[Coding]]:
    """``(the codings pooled, the consensus coders' codings the default left out)``:
    exactly ``coders``' codings, or every coder's but :func:`left_out_of_pool`'s."""
    if coders is not None:
        wanted = set(coders)
        return [c for c in codings if c.coder in wanted], []
    drop = left_out_of_pool(store)
    if not drop & {c.coder for c in codings}:
        return codings, []
    return ([c for c in codings if c.coder not in drop],
            [c for c in codings if c.coder in drop])


class ReportData:
    """Themes, transcripts, participants and the selected codings of one project."""

    def __init__(self, store: Store, coder: str | None = None,
                 transcript_id: int | None = None,
                 selection: Selection | None = None, *,
                 coders: Collection[str] | None = None,
                 themes: Collection[str] | None = None) -> None:
        """Load the snapshot.

        Args:
            store: the open project.
            coder: keep only this coder's codings (``None``: the pooled codings).
            coders: with no ``coder``, pool exactly these coders' codings (``None``:
                :func:`left_out_of_pool`, every coder's but the consensus coders', who
                are then named in :attr:`not_pooled` when they have codings here).
            transcript_id: keep only this transcript's codings (``None``: every one's),
                for a report on one transcript (the annotated transcript).
            selection: keep only these transcripts (``--transcript``, ``--where``):
                their codings, and their text as every denominator (share of text
                coded, an attribute's columns). ``None``: every transcript.
        """
        self.store = store
        self.coder = coder
        self.selection = selection
        # Active, in text order.
        self.codings: list[Coding] = store.report_codings(coder, transcript_id, themes)
        left: list[Coding] = []
        if coder is None:
            self.codings, left = _pooled(store, self.codings, coders)
        # Themes are decided before the selection, so every selection lists the same rows.
        used = {c.theme_id for c in self.codings}
        if selection is not None:
            self.codings = [c for c in self.codings if c.transcript_id in selection.ids]
            left = [c for c in left if c.transcript_id in selection.ids]
        self.not_pooled: tuple[str, ...] = tuple(sorted({c.coder for c in left}))
        """The consensus coders whose codings (in the transcripts chosen) the pooled
        default left out: said under the report or on stderr."""
        # Retired themes stay in the report only while codings still use them.
        all_themes = store.themes(include_inactive=True)
        active = {t.id for t in store.themes()}
        keep = _with_ancestors({t.id for t in all_themes if t.id in active} | used, all_themes)
        # A retired theme is named "... (retired)" in every report, path and chart: its
        # codings still count (and roll up into its parent), and a reader must not take
        # it for a theme of the current codebook.
        self.themes: list[Theme] = [
            t if t.id in active else replace(t, name=f"{t.name} {RETIRED}")
            for t in all_themes if t.id in keep]
        self.retired: set[str] = {t.id for t in self.themes if t.id not in active}
        self._by_id = {t.id: t for t in self.themes}
        self._children: dict[str, list[str]] = {}
        for t in self.themes:
            if t.parent_id in self._by_id:
                self._children.setdefault(t.parent_id, []).append(t.id)
        rows = store.report_transcripts()
        versions: dict[str, int] = {}
        for r in rows:
            versions[r[1]] = versions.get(r[1], 0) + 1
        self.transcripts: dict[int, TranscriptRow] = {
            r[0]: TranscriptRow(*r, versions=versions[r[1]]) for r in rows
            if selection is None or r[0] in selection.ids
        }
        self.participants: dict[str, dict[str, str]] = store.participants()
        self.attribute_order: list[str] = store.attribute_names()
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._paths: dict[str, str] = {}

    def pooled(self, coders: Collection[str] | None = None) -> ReportData:
        """This snapshot of the pooled codings narrowed to a pool: exactly ``coders``, or
        (``None``) :func:`left_out_of_pool`'s (``self`` when that changes nothing); a
        snapshot of one coder is returned as it is."""
        if self.coder is not None:
            return self
        kept, left = _pooled(self.store, self.codings, coders)
        if not left and len(kept) == len(self.codings):
            return self
        narrowed = copy.copy(self)  # the same themes and transcripts, these codings
        narrowed.codings = kept
        narrowed.not_pooled = tuple(sorted({c.coder for c in left} | set(self.not_pooled)))
        return narrowed

    # ------------------------------------------------------------------ tree
    def theme(self, theme_id: str) -> Theme:
        """A theme of the report; a one-line error listing valid ids if unknown."""
        try:
            return self._by_id[theme_id]
        except KeyError:
            raise unknown_theme(theme_id, [t.id for t in self.themes],
                                self.store.merged_into()) from None

    def path(self, theme_id: str) -> str:
        """``Parent / Child`` names from the root."""
        cached = self._paths.get(theme_id)
        if cached is None:
            cached = self._paths[theme_id] = " / ".join(
                self._by_id[t].name for t in reversed(self.ancestors(theme_id)))
        return cached

    def depth(self, theme_id: str) -> int:
        """0 for a top-level theme."""
        return len(self.ancestors(theme_id)) - 1

    def ancestors(self, theme_id: str) -> tuple[str, ...]:
        """The theme itself, then its parent, up to the root."""
        cached = self._ancestors.get(theme_id)
        if cached is None:
            chain: list[str] = []
            current: str | None = theme_id
            while current is not None and current in self._by_id and current not in chain:
                chain.append(current)
                current = self._by_id[current].parent_id
            cached = self._ancestors[theme_id] = tuple(chain)
        return cached

    def subtree(self, theme_id: str) -> list[str]:
        """The theme and all its descendants, in tree order."""
        out = [theme_id]
        for child in self._children.get(theme_id, []):
            out.extend(self.subtree(child))
        return out

    def is_leaf(self, theme_id: str) -> bool:
        """True when the theme has no child in the report."""
        return theme_id not in self._children

    def selected_themes(self, theme_id: str | None) -> list[str]:
        """Every theme in tree order, or one theme's subtree."""
        if theme_id is None:
            return [t.id for t in self.themes]
        self.theme(theme_id)
        return self.subtree(theme_id)

    # ------------------------------------------------------------------ corpus
    def read_versions(self, codings: list[Coding] | None = None) -> list[TranscriptRow]:
        """The transcripts whose text a share of text is a share of (the denominator of
        ``share_pct`` and ``words_pct``): each interview once, in the versions that carry
        the ``codings`` counted (default: the report's), or its latest chosen version
        when none does.

        Codings stay on the version they were made on; summing every version's text
        counted an interview imported again twice, and halved its share.
        """
        coded = {c.transcript_id for c in (self.codings if codings is None else codings)}
        latest: dict[str, TranscriptRow] = {}
        for t in self.transcripts.values():
            if t.name not in latest or t.version > latest[t.name].version:
                latest[t.name] = t
        names = {self.transcripts[i].name for i in coded if i in self.transcripts}
        return [t for t in self.transcripts.values()
                if t.id in coded or (t.name not in names and latest[t.name] is t)]

    def attribute(self, transcript_id: int, name: str) -> str:
        """The value of a participant attribute for a transcript's participant."""
        code = self.transcripts[transcript_id].participant
        if code is None:
            return NO_VALUE
        value = self.participants.get(code, {}).get(name)
        return value if value not in (None, "") else NO_VALUE

    def attribute_names(self) -> list[str]:
        """Every participant attribute name used in the project, in the order they were
        defined (the participants file's columns)."""
        return attribute_names(self.participants, self.attribute_order)

    def check_attribute(self, name: str) -> None:
        """Raise a one-line error if no participant has attribute ``name``."""
        names = self.attribute_names()
        if name not in names:
            self.resolve_attribute(name)  # raises, with the likely name when there is one
            raise UserError(f"no participant attribute {name!r} (attributes: "
                            f"{', '.join(names)})")

    def resolve_attribute(self, name: str) -> str:
        """The stored attribute a researcher means: ``Trust type`` (the CSV's header) is
        ``trust_type``, as the import named it. A one-line error if there is none, with
        the closest name."""
        return resolve_attribute(name, self.attribute_names())

    def by_transcript(
        self, codings: list[Coding] | None = None, progress: Progress | None = None,
    ) -> Iterator[tuple[TranscriptRow, str, list[Coding]]]:
        """Yield ``(transcript, text, its codings)`` for each transcript with codings.

        Texts are streamed one at a time; codings arrive sorted by transcript.
        """
        groups: dict[int, list[Coding]] = {}
        for c in self.codings if codings is None else codings:
            groups.setdefault(c.transcript_id, []).append(c)
        ids = list(groups)
        for done, (tid, text) in enumerate(self.store.report_texts(ids), start=1):
            yield self.transcripts[tid], text, groups[tid]
            if progress is not None:
                progress(done, len(ids))


def resolve_attribute(name: str, names: list[str]) -> str:
    """The attribute of ``names`` a researcher means by ``name``: itself, or its CSV
    heading as typed (``Trust type`` is ``trust_type``, as the import named it).

    Raises:
        UserError: none, naming the closest attribute and listing them all.
    """
    import re

    if name in names:
        return name
    stored = re.sub(r"[^\w]+", "_", name.strip().lower()).strip("_")  # as the CSV import
    if stored in names:
        return stored
    close = closest(stored, names)
    hint = f"; did you mean {close!r}?" if close else ""
    known = ", ".join(names) or "none yet: load them with `qcahp participants import`"
    raise UserError(f"no participant attribute {name!r}{hint} (attributes: {known})")


def attribute_names(participants: dict[str, dict[str, str]],
                    order: Sequence[str] = ()) -> list[str]:
    """Every attribute name of ``Store.participants()`` (or of some of them), in the
    order they were defined: ``order`` (``Store.attribute_names()``), else as each
    participant's attributes list them (``Store.participants()`` keeps that order)."""
    from qualcoder_ahp.model.migrations import merged_order

    used = merged_order(list(attrs) for attrs in participants.values())
    rank = {n: i for i, n in enumerate(order)}
    return sorted(used, key=lambda n: rank.get(n, len(rank)))  # (stable: the rest as used)


def theme_subtree(store: Store, theme_id: str) -> set[str]:
    """A theme and every theme below it, retired ones too (whose codings a report on
    it rolls up): what :class:`ReportData`'s ``themes`` reads for one theme."""
    children: dict[str | None, list[str]] = {}
    for t in store.themes(include_inactive=True):
        children.setdefault(t.parent_id, []).append(t.id)
    out, todo = set(), [theme_id]
    while todo:
        current = todo.pop()
        if current not in out:
            out.add(current)
            todo.extend(children.get(current, []))
    return out


def _with_ancestors(ids: set[str], themes: list[Theme]) -> set[str]:
    parent = {t.id: t.parent_id for t in themes}
    out = set()
    for theme_id in ids:
        current: str | None = theme_id
        while current is not None and current not in out:
            out.add(current)
            current = parent.get(current)
    return out
