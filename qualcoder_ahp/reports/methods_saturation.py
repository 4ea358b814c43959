"""The Saturation paragraph of the methods draft (COREQ item 22, data saturation).

Thematic saturation as ``qcahp saturation`` assesses it with its defaults
(:func:`qualcoder_ahp.reports.saturation.saturation`: Guest, Namey and Chen 2020, a
base of 4 cases, runs of 2, new-information threshold 5% and 0%, 1,000 random orders,
seed 1; a case is a participant with all their interviews), said in the sentence or
two a reviewer expects, with its figures and the command that prints the same.

**Which coding.** Saturation asks which themes the analysis found, so it is assessed
on the coding of record:

- the **consensus**, when the project has one consensus coder and it holds codings in
  every transcript the coders described coded (``qcahp saturation --consensus``);
- else, with one coder, that coder's coding (``--coder NAME``);
- else the coders' codings **pooled**: a theme counts in a case when any of them coded
  it there (``qcahp saturation``, which pools every coder but a consensus coder, when
  the coders described are every coder who coded; else ``qcahp saturation --coders
  ana,ben``, which pools exactly them). A consensus of only some transcripts (the
  double-coded ones) would leave the others out, as if their themes were not found.

**Order.** The cases come in import order, as the command's default: import order is
usually the order the interviews were done, and a date attribute may be missing or
partly filled. The paragraph says "in import order", and where a participant
attribute looks like an interview date or order, names ``--order-by`` with it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import plural
from qualcoder_ahp.reports.methods_draft import MethodsReport, counted, listed, number_word

if TYPE_CHECKING:
    from qualcoder_ahp.reports.data import ReportData
    from qualcoder_ahp.reports.saturation import Saturation, Verdict

SECTION = "Saturation"
METHOD = "the method of Guest, Namey and Chen (2020)"
ORDER_LIKE = re.compile(r"date|when|interview|order|sequence", re.IGNORECASE)
"""A participant attribute that may hold the order the interviews were done."""


def saturation_section(store: Store, report: MethodsReport, coders: Sequence[str],
                       snapshot: ReportData) -> None:
    """Thematic saturation on the coding of record, in words and figures.

    Args:
        store: the project.
        report: the draft to add to.
        coders: the coders the draft describes.
        snapshot: every coder's codings, the consensus coders' among them
            (``ReportData(store, coders=store.coders())``).
    """
    from qualcoder_ahp.reports.saturation import saturation

    data, pooled, said, who, command = coding_assessed(
        store, snapshot, coders, undecided=report.value("reconcile.undecided") or 0,
        stretches=report.value("reconcile.stretches") or 0)
    sat = saturation(data, coders=pooled)
    nouns = sat.noun + "s"
    five = sat.verdicts[0]
    zero = next((v for v in sat.verdicts if v.threshold == 0), None)
    add = report.add
    add(SECTION, "saturation.coding", "coding assessed", who, command)
    add(SECTION, "saturation.order", "order of the cases", sat.order, command)
    add(SECTION, "saturation.cases", f"cases coded ({nouns})", len(sat.steps), command)
    add(SECTION, "saturation.left_out", "cases left out (nothing coded)", len(sat.uncoded),
        command)
    add(SECTION, "saturation.themes", "themes found", sat.total_themes, command)
    add(SECTION, "saturation.base", "base (cases)", sat.base, command)
    add(SECTION, "saturation.run", "run (cases)", sat.run, command)
    add(SECTION, "saturation.threshold", "new-information threshold (%)", five.threshold,
        command, digits=0)
    add(SECTION, "saturation.base_themes", "themes in the base", sat.base_themes, command)
    add(SECTION, "saturation.at", f"saturation at (cases), ≤ {five.threshold:g}% new",
        five.at, command)
    if zero is not None and zero is not five:
        add(SECTION, "saturation.at_0", "saturation at (cases), 0% new", zero.at, command)
    if sat.orders:
        o = sat.orders[0]
        add(SECTION, "saturation.orders", f"random orders (seed {sat.seed})", sat.order_count,
            command)
        add(SECTION, "saturation.orders_reached", "random orders reaching it", o.reached,
            command)
        for key, label, value in (("median", "median", o.median),
                                  ("p5", "5th percentile", o.p5),
                                  ("p95", "95th percentile", o.p95)):
            add(SECTION, f"saturation.orders_{key}", f"random orders: {label}", value,
                command)
    if sat.reason:
        report.not_yet.append("saturation cannot be assessed yet")
        report.paragraphs.append((SECTION, _cannot(sat)))
        return
    said = said.replace("{noun}", sat.noun)
    text = (f"Thematic saturation was assessed with {METHOD}, with a base of "
            f"{number_word(sat.base)} {nouns}, runs of {number_word(sat.run)} and a "
            f"new-information threshold of {five.threshold:g}%, on {said}. Taking the "
            f"{nouns} in import order, ")
    left = (f" ({counted(len(sat.uncoded), sat.noun)} with nothing coded yet "
            f"{'was' if len(sat.uncoded) == 1 else 'were'} left out)" if sat.uncoded else "")
    if five.run is not None:
        text += (f"it was reached at {five.at} of the {len(sat.steps)} {nouns} coded{left}: "
                 f"{nouns} {five.run.label} brought {_new(five.run.new)} "
                 f"({five.run.pct_of_base:.1f}% of the base's {sat.base_themes})"
                 + _zero(zero, five.at) + ".")
    else:
        last = sat.runs[-1]
        text += (f"it was not reached in the {len(sat.steps)} {nouns} coded{left}: the "
                 f"last run ({nouns} {last.label}) still brought {_new(last.new)} "
                 f"({last.pct_of_base:.1f}% of the base's {sat.base_themes}).")
    text += _orders(sat)
    dated = [a for a in snapshot.attribute_names() if ORDER_LIKE.search(a)]
    if dated:
        text += (f" If import order is not the order the interviews were done, qcahp "
                 f"saturation --order-by {shlex.quote(dated[0])} takes the {nouns} in the "
                 f"order of that participant attribute.")
    report.paragraphs.append((SECTION, text))


def coding_assessed(store: Store, snapshot: ReportData, coders: Sequence[str], *,
                    undecided: int = 0, stretches: int = 0,
                    ) -> tuple[ReportData, tuple[str, ...] | None, str, str, str]:
    """The coding saturation is assessed on (see the module's docstring): ``(its
    snapshot, the coders pooled (``None``: every coder but a consensus coder), its
    words, with ``{noun}`` for what a case is, its figure, the command that prints the
    same)``.

    A consensus with ``undecided`` of the coders' ``stretches`` of disagreement still
    undecided is not the coding of record yet: a theme only one coder saw there is in
    neither it nor the saturation figures (``qcahp reconcile copy-agreed`` alone made a
    consensus in every transcript, and the draft assessed saturation on it). The coders'
    codings are pooled then, and the words say why."""
    from qualcoder_ahp.reports.data import CONSENSUS, ReportData

    transcripts: dict[str, set[int]] = {}
    for c in snapshot.codings:
        transcripts.setdefault(c.coder, set()).add(c.transcript_id)
    described = set().union(*(transcripts.get(name, set()) for name in coders))
    special = store.consensus_coders()
    agreed = [name for name in transcripts if name in special]
    everywhere = len(agreed) == 1 and described and described <= transcripts[agreed[0]]
    partial = ""
    if everywhere and undecided:
        partial = (f", not the consensus coding, in which {undecided:,} of the coders' "
                   f"{stretches:,} stretches of disagreement are not yet decided")
    elif everywhere:
        name = agreed[0]
        flag = "--consensus" if name == CONSENSUS else f"--coder {shlex.quote(name)}"
        return (ReportData(store, name), None, "the consensus coding",
                name if name == CONSENSUS else f"consensus ({name})",
                f"qcahp saturation {flag}")
    if len(coders) == 1:
        name = coders[0]
        return (ReportData(store, name), None, f"{name}'s coding", name,
                f"qcahp saturation --coder {shlex.quote(name)}")
    if not coders:
        return snapshot, None, "the codings", "(none)", "qcahp saturation"
    # `qcahp saturation` pools every coder but a consensus coder: the coders described,
    # when no other coder coded; else --coders names them.
    everyone = {name for name in transcripts if name not in special}
    pooled, command = None, "qcahp saturation"
    if {name for name in coders if name in transcripts} != everyone:
        pooled = tuple(coders)
        command += f" --coders {shlex.quote(','.join(coders))}"
    either = "either" if len(coders) == 2 else "any of them"
    return (snapshot, pooled, f"the codings of {listed(list(coders))} pooled (a theme counts "
                              f"for a {{noun}} when {either} coded it there){partial}",
            f"{', '.join(coders)} (pooled)", command)


def _new(themes: Sequence[str]) -> str:
    """``no new theme``, ``1 new theme``, ``3 new themes``."""
    return plural(len(themes), "new theme") if themes else "no new theme"


def _zero(zero: Verdict | None, at: int | None) -> str:
    """The 0% verdict beside the threshold's, where it differs."""
    if zero is None or zero.at == at:
        return ""
    if zero.at is not None:
        return f"; with no new theme at all, at {zero.at}"
    return "; every run brought at least one new theme (0% was not reached)"


def _orders(sat: Saturation) -> str:
    """The random orders in a sentence (none: ``""``)."""
    if not sat.orders:
        return ""
    o, nouns = sat.orders[0], sat.noun + "s"
    head = f" Over {sat.order_count:,} random orders of the same {nouns} it was reached "
    if o.median is None:
        return head + (f"in only {o.reached:,} of them." if o.reached else
                       "in none of them.")
    if o.p95 is None:
        return head + (f"in {o.reached:,} (by {o.median} {nouns} in half of them) and not "
                       f"in the other {o.never:,}: it depends on the order.")
    never = f", never in {o.never:,}" if o.never else ""
    return head + f"by {o.p95} {nouns} in 95% of them (median {o.median}{never})."


def _cannot(sat: Saturation) -> str:
    """Why saturation cannot be assessed, said for a paper."""
    n, need, nouns = len(sat.steps), sat.base + sat.run, sat.noun + "s"
    head = (f"Thematic saturation ({METHOD}: a base of {number_word(sat.base)} {nouns}, "
            f"runs of {number_word(sat.run)}) cannot be assessed yet: ")
    if n == 0:
        return head + "no interview has been coded."
    if n < need:
        return head + (f"only {counted(n, sat.noun)} {'has' if n == 1 else 'have'} a coded "
                       f"interview so far, and the method needs at least "
                       f"{number_word(need)} (a base of {number_word(sat.base)} and a run of "
                       f"{number_word(sat.run)}).")
    return head + sat.reason + "."


__all__ = ["coding_assessed", "saturation_section"]
