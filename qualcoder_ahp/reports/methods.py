"""The methods paragraph: what was done in a project, in words and figures, for a paper.

A methods section (and the COREQ items on data saturation, coders, coding tree,
derivation of themes, software and participant checking) reports the interviews and
words, the codebook, how the machine suggestions were used, who coded what,
inter-rater agreement, reconciliation, thematic saturation, withdrawals and the
software. :func:`methods_report` gathers each
figure from the function the command that reports it uses, so it never disagrees
with them:

- transcripts, versions, words: ``Store.transcripts()`` (``qcahp transcripts``);
- the codebook: :func:`~qualcoder_ahp.reports.codebook.codebook_report` (``qcahp
  codebook show``);
- suggestions and each coder's decisions: ``Store.suggestions`` (``qcahp suggestions
  --coder NAME --decision ...``, open suggestions as it lists them);
- codings by origin: :class:`~qualcoder_ahp.reports.data.ReportData` (``qcahp counts
  --coder NAME``, ``qcahp quotes`` show each coding's origin);
- transcripts each coder worked on, agreement and disagreements:
  :func:`~qualcoder_ahp.agreement.compute.collect`, ``compute`` and ``disagreements``
  (``qcahp agreement`` and ``qcahp disagreements``);
- reconciliation: ``Store.reconcile_record`` (``qcahp reconcile log``);
- thematic saturation: :func:`~qualcoder_ahp.reports.saturation.saturation` (``qcahp
  saturation``) with its defaults, on the consensus or the coders' codings pooled
  (:mod:`qualcoder_ahp.reports.methods_saturation` says which and why);
- withdrawals: :func:`~qualcoder_ahp.model.audit.audit_log` (``qcahp log --kind
  withdraw``), counted only: the names in those events are never read out.

No transcript or participant is ever named (in the bundled study a transcript is named
after its participant); coders and themes are. A stage not reached yet (no codebook,
one coder, nothing reconciled) is said in words instead of a figure.

Each section is a function of :mod:`qualcoder_ahp.reports.methods_sections`; the
report they fill, its figures and its JSON and Markdown are
:mod:`qualcoder_ahp.reports.methods_draft`.
"""

from __future__ import annotations

from collections.abc import Sequence

from qualcoder_ahp.model.store import Store
from qualcoder_ahp.reports.methods_draft import Figure, MethodsReport
from qualcoder_ahp.reports.methods_saturation import saturation_section
from qualcoder_ahp.reports.methods_sections import (
    agreement_section,
    codebook_section,
    coders_section,
    data_section,
    reconciliation_section,
    software_section,
    suggestions_section,
    withdrawals_section,
)


def methods_report(store: Store, *, coders: Sequence[str] | None = None,
                   unit: str = "character", threshold: float = 0.9,
                   database: str = "", speakers: str | None = None,
                   ci: bool = False) -> MethodsReport:
    """Every section of the methods draft, from the project as it stands.

    Args:
        store: the project.
        coders: the coders to describe and compare (``None``: every coder who coded,
            the consensus left out).
        unit: the unit of agreement and disagreements (as ``qcahp agreement --unit``).
        threshold: the segment unit's overlap.
        speakers: whose speech the units are (as ``qcahp agreement --speakers``): the
            participants' turns, or ``all`` (the interviewer's too); ``None``: as the
            codebook says (``agreement.compute.default_speakers``).
        database: the project file's name, for the heading.
        ci: state the pooled kappa's and alpha's intervals (``qcahp agreement --ci``).

    Raises:
        UserError: a coder named who is not in the project.
    """
    from qualcoder_ahp.suggest.sre_tree import gc_paused

    # The sections hold a study's codings, agreement corpus and reconcile log at once
    # (hundreds of thousands of small objects that live until the draft is made): each
    # collection they set off walked them all again, a fifth of the time. Paused while
    # they are made, and let go before the one collection at the end (gc_paused).
    with gc_paused():
        return _methods_report(store, coders, unit, threshold, database, speakers, ci)


def _methods_report(store: Store, coders: Sequence[str] | None, unit: str, threshold: float,
                    database: str, speakers: str | None, ci: bool) -> MethodsReport:
    """:func:`methods_report`'s sections, in order."""
    if coders is not None:
        for name in coders:
            store.coder_id(name)  # a one-line error naming the coders there are
        chosen = list(dict.fromkeys(coders))
    else:
        chosen = store.coders_who_coded()
    from qualcoder_ahp.reports.data import ReportData

    report = MethodsReport(database, unit, tuple(chosen))
    # Every coder's codings, the consensus among them, read once for two sections.
    snapshot = ReportData(store, coders=store.coders())
    infos = data_section(store, report)
    codebook_section(store, report, snapshot.pooled())  # as `qcahp codebook show`
    suggestions_section(store, report, chosen, snapshot)  # each coder's, counted
    corpus = coders_section(store, report, chosen, infos, speakers)
    agreement_section(report, corpus, unit, threshold, ci)
    reconciliation_section(store, report, corpus, unit, threshold)
    saturation_section(store, report, chosen, snapshot)
    withdrawals_section(store, report)
    software_section(store, report)
    return report


__all__ = ["Figure", "MethodsReport", "methods_report"]
