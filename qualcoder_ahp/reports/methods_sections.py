"""The sections of the methods draft, each a paragraph and its figures, in the order
of a methods section: data, codebook, suggestions, coders, agreement, reconciliation,
withdrawals and software. Each reads its figures from the function the command named
beside them uses (see :mod:`qualcoder_ahp.reports.methods`).
"""

from __future__ import annotations

import platform
import shlex
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from qualcoder_ahp import __version__
from qualcoder_ahp.agreement import stats as st
from qualcoder_ahp.model.reconcile_store import rule_matches
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.records import plural
from qualcoder_ahp.reports.methods_draft import (
    MethodsReport,
    counted,
    listed,
    number_word,
    percent_of,
    sentence,
)

if TYPE_CHECKING:
    from qualcoder_ahp.reports.data import ReportData

DECISIONS = ("accepted", "adjusted", "rejected", "undecided")
"""A coder's decisions on the open suggestions, as ``qcahp suggestions --decision`` names
them (``accepted``: as suggested; ``adjusted``: accepted with its span changed)."""
FROM_SUGGESTION = ("suggested", "adjusted")
"""Coding origins that come from a suggestion (accepted as suggested, or adjusted)."""
AGREEMENT_FIGURES = (
    ("percent_agreement", "percent agreement"), ("cohen_kappa", "Cohen's kappa"),
    ("fleiss_kappa", "Fleiss' kappa"), ("krippendorff_alpha", "Krippendorff's alpha"),
    ("gwet_ac1", "Gwet's AC1"), ("positive_agreement", "positive agreement"))
"""The pooled coefficients the methods paragraph reports, in ``qcahp agreement``'s
names (Cohen's kappa with two coders, Fleiss' kappa with more)."""
FROM_RATES = ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha")
"""Coefficients whose chance agreement comes from the coders' own rates: at the segment
unit, where no unit is left uncoded by both coders, they come out low or negative by
construction (kappa -0.044 beside percent agreement 0.882), a figure no methods section
can cite; the draft reports Brennan-Prediger there instead, as MAXQDA does."""
SEGMENT_REASON = ("segment unit: no unit is uncoded by every coder, so chance agreement "
                  "from the coders' own rates has no meaning")


def package_version(name: str) -> str | None:
    """An installed package's version (``None``: not installed)."""
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def data_section(store: Store, report: MethodsReport) -> list[Any]:
    """The interviews, words, participants and attributes; returns every transcript stored."""
    infos = store.transcripts()
    latest: dict[str, Any] = {}
    for info in infos:
        if info.name not in latest or info.version > latest[info.name].version:
            latest[info.name] = info
    interviews = report.add("Data", "transcripts", "interview transcripts", len(latest),
                            "qcahp transcripts")
    if len(infos) != len(latest):
        report.add("Data", "transcript_versions", "transcript versions stored", len(infos),
                   "qcahp transcripts")
    words = report.add("Data", "words", "words (latest version of each)",
                       sum(i.words for i in latest.values()), "qcahp transcripts")
    people = {i.participant for i in latest.values() if i.participant}
    report.add("Data", "participants", "participants with a transcript", len(people),
               "qcahp participants")
    known = store.participants()
    used = {a for code in people for a in known.get(code, {})}
    attributes = [a for a in store.attribute_names() if a in used]  # the file's order
    if not interviews:
        report.not_yet.append("no transcripts imported")
        report.paragraphs.append(("Data", "No interview transcripts have been imported yet."))
        return infos
    text = (f"The analysis covers {counted(interviews, 'interview transcript')} "
            f"({words:,} words) from {counted(len(people), 'participant')}.")
    if len(infos) != len(latest):
        text += (f" Some interviews were imported again as a new version "
                 f"({len(infos)} versions in all); words are those of the latest version.")
    if attributes:
        text += f" Participant attributes recorded: {listed(attributes)}."
    report.paragraphs.append(("Data", text))
    return infos


def codebook_section(store: Store, report: MethodsReport, snapshot: ReportData) -> None:
    """The codebook loaded (name, hash, loads), its themes and patterns (``snapshot``:
    the pooled codings, as ``qcahp codebook show`` counts them)."""
    from qualcoder_ahp.reports.codebook import codebook_report

    cb = store.codebook()
    loads = store.codebook_loads()
    entries = codebook_report(cb, snapshot).entries if store.themes() else []
    current = [e for e in entries if not e.retired]
    codable = sum(1 for e in current if e.theme.codable)
    folders = sum(1 for e in current if not e.theme.codable)
    added = [e.theme.id for e in current if e.added]
    section, cmd = "Codebook", "qcahp codebook show"
    if loads:
        last = loads[-1]
        name, digest, loaded = last.name, last.content_hash, last.loaded_at
        report.add(section, "codebook.name", "codebook", name, cmd)
        if last.version:  # the file's own version: (codebook show titles it so)
            report.add(section, "codebook.version", "version", last.version, cmd)
        report.add(section, "codebook.loaded", "last loaded (UTC)", loaded[:10], cmd)
        report.add(section, "codebook.hash", "content hash (SHA-256, first 12)",
                   digest[:12], "qcahp methods")
        report.add(section, "codebook.loads", "times loaded (versions)", len(loads),
                   "qcahp methods")
    report.add(section, "themes", "codable themes", codable, cmd)
    report.add(section, "theme_folders", "folders (grouping themes)", folders, cmd)
    report.add(section, "themes_added", "themes added while coding", len(added), cmd)
    retired = sum(1 for e in entries if e.retired)
    if retired:
        report.add(section, "themes_retired", "retired themes still coded", retired, cmd)
    patterns = sum(e.patterns for e in current)
    exclusions = sum(e.exclusions for e in current)
    if loads:
        report.add(section, "patterns", "suggestion patterns", patterns, "qcahp codebook show")
        report.add(section, "exclusions", "exclusion patterns", exclusions,
                   "qcahp codebook show")
    if not loads and not current:
        report.not_yet.append("no codebook loaded")
        report.paragraphs.append(("Codebook", "No codebook has been loaded yet, and no theme "
                                              "has been added while coding."))
        return
    if loads:
        again = (f", loaded {counted(len(loads), 'time')} (the last on {loaded[:10]})"
                 if len(loads) > 1 else f", loaded on {loaded[:10]}")
        version = f"version {loads[-1].version}, " if loads[-1].version else ""
        text = (f"Coding used the codebook \u201c{name}\u201d ({version}content hash "
                f"{digest[:12]}{again}): {counted(codable, 'codable theme')}"
                + (f" in {counted(folders, 'folder')}" if folders else "")
                + _patterns_said(patterns, exclusions) + ".")
    else:
        text = (f"No codebook file was loaded: the {counted(codable, 'theme')} were "
                "created while coding.")
    if added and loads:
        text += (f" Coders added {counted(len(added), 'theme')} while coding "
                 f"({listed(added)}).")
    if retired:
        text += (f" {counted(retired, 'theme').capitalize()} no longer in the codebook still "
                 "hold codings and are reported as retired.")
    report.paragraphs.append(("Codebook", text))


def _patterns_said(patterns: int, exclusions: int) -> str:
    """``, with 718 spaCy rule patterns that suggest them (93 exclusion patterns)``;
    a codebook of none (an NVivo codebook brought in as a .qdc, coded by hand) has
    ``, and no rule patterns to suggest them``, not "with 0 ... (0 ...)"."""
    if not patterns:
        return ", and no rule patterns to suggest them"
    excluded = (plural(exclusions, "exclusion pattern") if exclusions
                else "no exclusion patterns")
    return (f", with {plural(patterns, 'spaCy rule pattern')} that suggest"
            f"{'s' if patterns == 1 else ''} them ({excluded})")


def suggestions_section(store: Store, report: MethodsReport, coders: Sequence[str],
                        snapshot: ReportData | None = None) -> None:
    """The suggestions, each coder's decisions, and their codings by origin.

    ``snapshot``: every coder's codings (``ReportData(store, coders=store.coders())``),
    whose origins are counted for each coder (``None``: each coder's read on their own,
    as ``qcahp counts --coder NAME`` reads them; a study's codings were read once a coder
    more).
    """
    from qualcoder_ahp.reports.data import ReportData

    origins: dict[str, Counter[str]] = {}
    if snapshot is not None:
        for coding in snapshot.codings:
            origins.setdefault(coding.coder, Counter())[coding.origin] += 1
    section = "Suggestions"
    # "open suggestions 551" read as 551 still to decide, beside "undecided 0".
    made = report.add(section, "suggestions", "suggestions in effect (not retired)",
                      store.count_suggestions(), "qcahp suggestions")
    retired = store.count_suggestions(status="retired")
    if retired:
        report.add(section, "suggestions_retired", "retired suggestions", retired,
                   "qcahp suggestions --status retired")
    sentences = []
    origins_said = []
    for coder in coders:
        counts = {d: store.count_suggestions(coder=coder, decision=d) for d in DECISIONS}
        for d in DECISIONS:
            report.add(section, f"coder.{coder}.{d}", f"{coder}: {d}", counts[d],
                       f"qcahp suggestions --coder {shlex.quote(coder)} --decision {d}")
        if made:
            sentences.append(
                f"{coder} accepted {counts['accepted']:,} as suggested and "
                f"{counts['adjusted']:,} with an adjusted span, rejected "
                f"{counts['rejected']:,} and left {counts['undecided']:,} undecided")

        by_origin = (origins.get(coder, Counter()) if snapshot is not None
                     else Counter(c.origin for c in ReportData(store, coder).codings))
        coded = sum(by_origin.values())
        suggested = sum(by_origin[o] for o in FROM_SUGGESTION)
        hand = by_origin["manual"]
        other = coded - suggested - hand
        report.add(section, f"coder.{coder}.codings", f"{coder}: codings", coded,
                   f"qcahp counts --coder {shlex.quote(coder)}")
        report.add(section, f"coder.{coder}.from_suggestions",
                   f"{coder}: codings from a suggestion", suggested,
                   f"qcahp quotes --coder {shlex.quote(coder)} (origin)")
        report.add(section, f"coder.{coder}.by_hand", f"{coder}: codings by hand", hand,
                   f"qcahp quotes --coder {shlex.quote(coder)} (origin)")
        if other:
            report.add(section, f"coder.{coder}.other_origin",
                       f"{coder}: codings imported or merged", other,
                       f"qcahp quotes --coder {shlex.quote(coder)} (origin)")
        if coded:
            said = (f"of {coder}'s {plural(coded, 'coding')} in effect, {suggested:,} "
                    f"({percent_of(suggested, coded)}) came from a suggestion and "
                    f"{hand:,} ({percent_of(hand, coded)}) "
                    f"{'was' if hand == 1 else 'were'} coded by hand")
            if other:
                said += f", {other:,} imported or merged in"
            origins_said.append(said)
    if not made and not retired:
        report.not_yet.append("no suggestions made")
        if report.value("patterns") == 0:  # nothing to run: not a step left out
            text = "No theme suggestions were made: the codebook has no rule patterns."
        else:
            text = ("No theme suggestions have been made (the codebook's patterns were "
                    "not run).")
        if origins_said:
            text += " " + sentence("; ".join(origins_said))
        report.paragraphs.append((section, text))
        return
    text = (f"The codebook's rule patterns suggested themes on the participants' sentences "
            f"({plural(made, 'suggestion')} in effect"
            + (f"; {retired:,} more {'was' if retired == 1 else 'were'} retired after "
               "codebook changes" if retired else "")
            + ").")
    if coders:
        text += (" Coders accepted a suggestion as it was, accepted it with an adjusted "
                 "span, or rejected it, and could code passages by hand.")
    else:
        text += " No coder has decided on them yet."
    if sentences:
        text += " Of these, " + "; ".join(sentences) + "."
    if origins_said:
        text += " " + sentence("; ".join(origins_said))
    report.paragraphs.append((section, text))


def coders_section(store: Store, report: MethodsReport, coders: Sequence[str],
            infos: list[Any], speakers: str | None = None) -> Any:
    """Which transcripts each coder worked on: ``collect``'s raters, as ``qcahp
    agreement`` counts them (a coding, or a decision on a suggestion). Returns the
    corpus (``None`` with fewer than two coders)."""
    from qualcoder_ahp.agreement.compute import collect

    section = "Coders"
    report.add(section, "coders", "coders", len(coders), "qcahp coders")
    interviews = {i.name for i in infos}
    if not coders:
        report.not_yet.append("no coding yet")
        report.paragraphs.append((section, "No coder has coded a transcript yet."))
        return None
    if len(coders) >= 2:
        corpus = collect(store, coders, speakers=speakers)
        raters = {d.id: set(corpus.raters.get(d.id, ())) for d in corpus.transcripts}
    else:
        corpus = None
        raters = {i.id: {coders[0]} for i in infos
                  if store.codings(transcript_id=i.id, coder=coders[0])
                  or store.decisions_for(coders[0], i.id)}
    names = {i.id: i.name for i in infos}
    per_coder = []
    done_by: dict[str, set[str]] = {}
    for coder in coders:
        done = done_by[coder] = {names[t] for t, who in raters.items() if coder in who}
        report.add(section, f"coder.{coder}.transcripts", f"{coder}: transcripts coded",
                   len(done), "qcahp agreement --by transcript")
        n = _count_said(len(done), len(interviews))
        per_coder.append(f"{coder} coded {n}" if not per_coder else f"{coder} {n}")
    double = {names[t] for t, who in raters.items() if len(who) >= 2}
    total = len(interviews)
    if len(coders) >= 2:
        report.add(section, "double_coded", "transcripts coded by two or more", len(double),
                   "qcahp agreement --by transcript")
        report.add(section, "double_coded_pct", "share double-coded (%)",
                   round(100.0 * len(double) / total, 1) if total else None,
                   "qcahp agreement --by transcript", digits=1)
    idle = [c for c in coders if not any(c in who for who in raters.values())]
    others: list[str] = []  # with one coder named: the others who coded the same
    if len(coders) == 1:
        mine = set(raters)
        n = len({names[t] for t in raters})
        text = (f"One coder ({coders[0]}) coded {_count_said(n, total)} "
                f"of the {counted(total, 'transcript')}; ")
        said, others = _others_said(store, coders[0], mine)
        text += said
    elif idle:
        # "Two coders (ana and lead) have coded" of a lead who only reconciled: say what
        # each named coder did, and that one coded nothing.
        busy = [c for c in coders if c not in idle]
        did = [f"{c} coded {len({names[t] for t, who in raters.items() if c in who})}"
               for c in busy]
        text = (f"{counted(len(coders), 'coder').capitalize()} were named ({listed(list(coders))})"
                f"; of the {counted(total, 'transcript')}, "
                + (listed(did) + "; " if did else "") + listed(
                    [_idle_said(store, c) for c in idle])
                # "0 of 7 transcripts (0.0%) were ...": no sentence starts with a numeral.
                + (". No transcript was coded by two or more coders." if not double else
                   f". In all, {_double_said(len(double), total)}."))
    elif total and all(len(done) == total for done in done_by.values()):
        # "ana coded 7 and ben 7. 7 of 7 transcripts (100.0%) were ...": a sentence a
        # journal would send back (a numeral starting it), for what one clause says.
        text = (f"{counted(len(coders), 'coder').capitalize()} ({listed(list(coders))}) "
                + (f"have coded all {counted(total, 'transcript')}: every transcript was "
                   if total > 1 else "have coded the one transcript: it was ")
                + f"coded by {'both' if len(coders) == 2 else 'all ' + number_word(len(coders))}.")
    else:
        text = (f"{counted(len(coders), 'coder').capitalize()} ({listed(list(coders))}) have "
                f"coded: of the {counted(total, 'transcript')}, {listed(per_coder)}; "
                f"{_double_said(len(double), total)}.")
    text += _blind_said(store, coders if len(coders) > 1 else [*coders, *others])
    if corpus is not None:
        from qualcoder_ahp.agreement.compute import added_note

        added = added_note(corpus)  # as `qcahp agreement` notes it under its table
        if added:
            text += " " + sentence(added)
    report.paragraphs.append((section, text))
    return corpus


def _others_said(store: Store, coder: str, mine: set[int]) -> tuple[str, list[str]]:
    """Whether other coders of the project coded the transcripts ``coder`` coded (one
    coder named with ``--coders``), and who: ``no transcript was double-coded`` was said
    of a transcript ben had coded too."""
    others = [c for c in store.coders_who_coded() if c != coder]
    if not others:
        return "no other coder has coded a transcript.", []
    if not mine:  # "coded none of the seven transcripts; no other coder coded these"
        return (f"{listed(others)} {'has' if len(others) == 1 else 'have'} coded, not "
                f"described here (`qcahp methods --coders {','.join(others)}` describes "
                "their work).", [])
    both = _raters_of(store, [coder, *others], mine) if mine else {}
    shared = {t for t, who in both.items() if coder in who and len(who) >= 2}
    by = [c for c in others if any(c in both[t] for t in shared)]
    if not shared:
        return (f"no other coder coded {'it' if len(mine) == 1 else 'these'} ({listed(others)} "
                f"coded others).", [])
    n = number_word(len(shared)) if len(mine) < 10 else f"{len(shared):,}"
    which = "it was" if len(mine) == 1 else f"{n} of them {'was' if len(shared) == 1 else 'were'}"
    return (f"{which} coded by {listed(by)} too, not described here (`qcahp methods "
            f"--coders {','.join([coder, *by])}` compares them).", by)


def _raters_of(store: Store, coders: Sequence[str], transcripts: set[int]
                   ) -> dict[int, set[str]]:
    """Transcript id -> the ``coders`` who coded or decided in it, as ``collect`` counts
    raters, for ``transcripts`` only."""
    from qualcoder_ahp.agreement.compute import collect

    corpus = collect(store, coders, transcript_ids=transcripts)
    return {d.id: set(corpus.raters.get(d.id, ())) for d in corpus.transcripts}


def _blind_said(store: Store, coders: Sequence[str]) -> str:
    """Whether the coders could see each other's codings: coders who coded in their own
    copies, merged here (``qcahp merge``), could not, whatever this project's blind
    setting (it was said to be off, as if they had); those who coded in this project saw
    them unless blind coding was on."""
    blind = store.get_setting("blind", "0") == "1"
    here = (" Blind coding is on in the project: in the workbench each coder sees only "
            "their own codings." if blind else " Blind coding is off in the project "
            "(qcahp blind).")
    if len(coders) < 2:
        return here
    where = store.where_coded()
    apart = [c for c in coders if where.in_copies.get(c) and not where.here.get(c)]
    if not apart:
        return here
    files = where.copies
    merged = (f"merged here with qcahp merge ({counted(where.merges, 'merge')} of "
              f"{counted(len(files), 'copy', 'copies')}"
              + (f": {listed(files)}" if 0 < len(files) <= 5 else "") + ")")
    # Blind only if each such coder had done all their coding before any other coder's
    # work reached this project: a copy made from it later could have held that work.
    seen = [c for c in apart if any(
        where.arrived.get(o, "~") <= where.last.get(c, "") for o in coders if o != c)]
    copies = "their own copies" if len(apart) > 1 else "their own copy"
    if seen:
        return (f" {listed(apart)} coded in {copies} "
                f"of the project, {merged}; {listed(seen)} coded on after another coder's "
                "codings had reached this project, so a copy made from it since may have "
                "held them." + (here if len(apart) < len(coders) else ""))
    if len(apart) == len(coders):
        return (f" Each coder coded in their own copy of the project, {merged}, so no "
                "coder could see another's codings while coding: the coding was blind.")
    rest = [c for c in coders if c not in apart]
    setting = ("where blind coding is on (each coder sees only their own codings in the "
               "workbench)" if blind else "where blind coding is off (qcahp blind), so "
               "they could see the codings in it")
    return (f" {listed(apart)} coded in {copies} of the project, {merged}, so could not "
            f"see the other coders' codings while coding; {listed(rest)} coded in this "
            f"project, {setting}.")


def _count_said(n: int, total: int) -> str:
    """A count of the ``total`` transcripts as the paragraph says the total: in words
    below ten (``two``; ``none``, not "no", for nothing: "coded none of the seven"),
    else as digits."""
    if n == 0:
        return "none"
    return number_word(n) if total < 10 else f"{n:,}"


def _double_said(double: int, total: int) -> str:
    """``5 of them (71.4%) were coded by two or more coders``: in a clause, so no
    sentence of the paragraph starts with a numeral."""
    # "of the seven transcripts, ana coded one ...; one of them": words below ten, as
    # the total is said ("ana coded 1 ...; 1 of them" beside "the seven transcripts").
    return (f"{_count_said(double, total)} of them ({percent_of(double, total)}) "
            f"{'was' if double == 1 else 'were'} coded by two or more coders")


def _idle_said(store: Store, coder: str) -> str:
    """What a coder named who coded no transcript did: ``lead coded none (lead decided 3
    reconcile stretches into consensus, 3 in effect, and made no coding of their own)``,
    or ``lead coded none and made no decision``."""
    summary = next((c for c in store.coder_summaries() if c.name == coder), None)
    if summary is not None and summary.reconciled:
        into = listed(list(summary.decided_into)) or "the consensus"
        n = summary.reconciled
        return (f"{coder} coded none ({coder} decided {n:,} reconcile "
                f"{'stretch' if n == 1 else 'stretches'} into {into}, "
                f"{summary.reconciled_in_effect:,} in effect, and made no coding of their own)")
    if summary is not None and summary.consensus:
        return f"{coder} coded none (it holds the reconciled codings)"
    return f"{coder} coded none and made no decision"


def agreement_section(report: MethodsReport, corpus: Any, unit: str, threshold: float,
                      ci: bool = False) -> None:
    """Pooled inter-rater agreement, as ``qcahp agreement`` prints it (``ci``: with the
    intervals of ``qcahp agreement --ci``)."""
    from qualcoder_ahp.agreement.compute import compute, coverage_note, outside_note

    section = "Agreement"
    if corpus is None:
        report.not_yet.append("agreement needs two coders")
        report.paragraphs.append((section, "Inter-rater agreement is not yet available: it "
                                           "needs two or more coders."))
        return
    result = compute(corpus, unit, threshold)
    overall, mean = result.overall, result.mean
    unit_said = unit + (f" (overlap >= {threshold:g})" if unit == "segment" else "")
    command = (f"qcahp agreement --coders {shlex.quote(','.join(corpus.coders))} --unit {unit}"
               + (" --speakers all" if corpus.speakers == "all" else ""))
    report.add(section, "agreement.unit", "unit", unit_said, command)
    report.add(section, "agreement.speakers", "whose turns are units",
               "participants" if corpus.speakers == "participants" else "every speaker",
               command)
    report.add(section, "agreement.themes", "themes compared", len(result.themes), command)
    if 0 < result.coded_themes < len(result.themes):  # themes nobody coded left out
        report.add(section, "agreement.themes_pooled", "themes coded (pooled)",
                   result.coded_themes, command)
    report.add(section, "agreement.units", "units compared (pooled)", overall.units, command)
    said = []
    segment = unit == "segment"
    figures = AGREEMENT_FIGURES + ((("brennan_prediger", "Brennan-Prediger kappa"),)
                                   if segment else ())
    for key, label in figures:
        if key not in overall.stats:
            continue
        value = overall.stats[key]
        if segment and key in FROM_RATES:
            value = st.Undefined(SEGMENT_REASON)
        report.add(section, f"agreement.{key}", f"{label} (pooled)", value, command)
        if not (segment and key in FROM_RATES):
            said.append(f"{label} {st.render(value)}"
                        + (" (NVivo's formula)" if key == "cohen_kappa" else "")
                        + (" (chance 1/2, MAXQDA's model)" if key == "brennan_prediger" else ""))
    kappa = ("percent_agreement" if segment
             else "cohen_kappa" if "cohen_kappa" in mean.stats else "fleiss_kappa")
    mean_value = report.add(section, f"agreement.mean_{kappa}",
                            f"{dict(figures)[kappa]} (mean over themes)",
                            mean.stats[kappa], command)
    report.add(section, "agreement.mean_over", "the mean is over",
               mean.theme.strip("()").removeprefix("mean over "), command)
    left_out = len(result.themes) - result.coded_themes if result.coded_themes else 0
    note = coverage_note(corpus)
    if not overall.units:
        report.not_yet.append("no transcript coded by the coders compared")
        report.paragraphs.append((section, "Inter-rater agreement cannot be computed yet: "
                                           + (str(overall.stats.get('percent_agreement'))
                                              .removeprefix("undefined (").rstrip(")"))
                                           + "."))
        return
    text = (f"Inter-rater agreement of {listed(list(corpus.coders))} was computed with "
            f"qualcoder_ahp per theme, each theme present or absent on each {unit} "
            + (f"(overlap >= {threshold:g}) " if unit == "segment" else "")
            + ("of the participants' speech (their turns; the interviewer's turns were "
               "left out" if corpus.speakers == "participants" else
               "of every speaker's speech (the interviewer's turns too")
            + ("" if segment else f", {_per_theme(result, unit)} per theme")
            + ") in the transcripts "
            + ("both coded" if len(corpus.coders) == 2 else "two or more of them coded")
            + ""
            f", over {_themes_pooled(result)} ({overall.units:,} units pooled"
            + (f"; {counted(left_out, 'theme')} nobody coded left out" if left_out else "")
            + "). "
            f"Pooled over themes: {', '.join(said)}. The mean "
            f"{dict(figures)[kappa]} {_over(result, kappa)} was "
            f"{st.render(mean_value)}.")
    if segment:
        two = len(corpus.coders) == 2
        kappa_name = "Cohen's kappa" if two else "Fleiss' kappa"
        text += (f" {kappa_name} and Krippendorff's alpha are not "
                 "reported at the segment unit: every unit is a coded segment and none is "
                 f"uncoded by {'both coders' if two else 'every coder'}, so their chance "
                 "agreement, taken from the coders' own rates, leaves them low or negative "
                 "whatever the agreement.")
    if ci and not segment:
        text += _intervals_said(report, corpus, unit, threshold, command)
    if corpus.speakers_why:  # the default followed the codebook: say why, in the paper
        text += f" Every speaker's turns were compared because {corpus.speakers_why}."
    if note:
        text += " " + sentence(note.replace(" (--by transcript shows each)", ""))
    outside = outside_note(corpus)
    if outside:  # a coding outside the speech compared is said, never silently lost
        wholly = sum(n[0] for n in corpus.outside.values())
        report.add(section, "agreement.codings_outside", "codings outside the speech "
                   "compared (left out)", wholly, command + " --speakers all")
        text += " " + sentence(outside.replace(
            "; --speakers all compares every speaker's speech", ""))
    report.paragraphs.append((section, text))


def _intervals_said(report: MethodsReport, corpus: Any, unit: str, threshold: float,
                    command: str) -> str:
    """The pooled kappa's and alpha's 95% intervals (a cluster bootstrap over transcripts,
    :mod:`~qualcoder_ahp.agreement.bootstrap`), as figures and in a sentence."""
    from qualcoder_ahp.agreement.bootstrap import cluster_intervals

    found = cluster_intervals(corpus, unit, threshold)
    said = []
    for key in found.keys:
        bounds = found.overall[key]
        shown = (st.render(bounds) if isinstance(bounds, st.Undefined)
                 else f"{bounds[0]:.3f} to {bounds[1]:.3f}")
        label = dict(AGREEMENT_FIGURES)[key]
        report.add("Agreement", f"agreement.{key}_ci", f"{label} 95% interval (pooled)",
                   shown, command + " --ci")
        said.append(f"{label} {shown}")
    return (f" A percentile cluster bootstrap over the {plural(found.transcripts, 'transcript')}"
            f" compared ({found.draws:,} resamples of whole transcripts, seed {found.seed}; "
            "the units of one transcript are not independent) gave 95% intervals of the "
            f"pooled {' and '.join(said)}.")


def _per_theme(result: Any, unit: str) -> str:
    """The units one theme is compared on: ``617 sentences``, ``52,301 characters``."""
    n = max((r.units for r in result.themes), default=0)
    return f"{n:,} {unit}{'' if n == 1 else 's'}"


def _themes_pooled(result: Any) -> str:
    """``five themes``, or ``the four themes coded`` when themes nobody coded were left
    out of the pooled figures (they said "over seven themes" of figures pooled over
    four)."""
    if result.coded_themes and result.coded_themes < len(result.themes):
        return f"the {counted(result.coded_themes, 'theme')} coded"
    return counted(len(result.themes), "theme")


def _over(result: Any, key: str) -> str:
    """Over which themes the mean of ``key`` was taken, in a sentence: ``over the 11
    themes``, ``over the four themes coded (seven nobody coded left out)``, ``over the two
    of the three themes where it is defined``. Of that figure: the mean row's label said "or the 3
    where defined" of Light's kappa, and the sentence said it of Fleiss' kappa, whose
    mean was over all four."""
    coded = result.coded_themes or len(result.themes)
    left_out = len(result.themes) - coded
    defined = result.mean_over.get(key, coded)
    themes = "theme" if coded == 1 else "themes"
    # In words when every count of the phrase is below ten, as the sentence before it
    # counts the same themes ("over the six themes coded ... five themes nobody coded left
    # out"; "over the 6 themes coded (5 nobody ...)" read as another count); as numerals
    # when one is ten or more, as a paper compares them ("the 12 themes coded (1 ...)").
    say = number_word if max(defined, coded, left_out) < 10 else (lambda n: f"{n:,}")
    head = (f"over the {say(defined)} of the {say(coded)} {themes}" if 0 < defined < coded
            else f"over the {say(coded)} {themes}") + (" coded" if left_out else "")
    if 0 < defined < coded:
        head += " where it is defined"
    return head + (f" ({say(left_out)} nobody coded left out)" if left_out else "")


def reconciliation_section(store: Store, report: MethodsReport, corpus: Any, unit: str,
                    threshold: float) -> None:
    """Disagreements left, reconcile decisions by rule, the consensus coding."""
    from qualcoder_ahp.agreement.compute import DISAGREEING, disagreements

    section = "Reconciliation"
    record = store.reconcile_record()
    stretches: list[Any] = []
    left: list[Any] = []
    if corpus is not None:
        from qualcoder_ahp.agreement.reconcile import reconcile_items
        from qualcoder_ahp.reports.reconcile_state import decided_into

        found = disagreements(corpus, unit, threshold)
        command = (f"qcahp disagreements --coders {shlex.quote(','.join(corpus.coders))}"
                   + (" --speakers all" if corpus.speakers == "all" else ""))
        report.add(section, "disagreements", f"{DISAGREEING[unit]}s ({unit})", len(found),
                   f"{command} --unit {unit}")
        # The reconcile screen's disagreements (a theme's overlapping codings, which can
        # hold several spans), and how many the consensus has not decided: "98
        # disagreeing spans remain" read as 98 left to decide when none was.
        stretches = reconcile_items(corpus)
        # by any consensus coder; the log as the record read it, not read again
        left, _ = decided_into(store, stretches, record.decisions)
        report.add(section, "reconcile.stretches", "stretches to reconcile", len(stretches),
                   command)
        report.add(section, "reconcile.undecided", "stretches not yet decided", len(left),
                   command)
    decisions = record.decisions
    live = [d for d in decisions if d["status"] == "in effect"]
    report.add(section, "reconcile.decisions", "reconcile decisions", len(decisions),
               "qcahp reconcile log")
    report.add(section, "reconcile.in_effect", "decisions in effect", len(live),
               "qcahp reconcile log --status 'in effect'")
    rules = Counter(d["rule"] + (f" {d['taken_from']}" if d.get("taken_from") else "")
                    for d in live)
    # `--rule reject` lists a take of a coder who coded nothing there too (its effect is
    # a rejection): the rule rows are the rules as logged (the log's rule column), so
    # they add up to the decisions, and the rejections are a row of their own, the
    # figure that command shows (it cited 93 where the command listed 94).
    rejections = sum(1 for d in live if rule_matches(d, "reject"))
    wider = rejections != rules.get("reject", 0)
    for rule, n in sorted(rules.items()):
        first = rule.split()[0]
        shown = "" if wider and first == "reject" else f" --rule {first}"
        report.add(section, f"reconcile.rule.{rule.replace(' ', '.')}", f"rule: {rule}", n,
                   f"qcahp reconcile log{shown} --status 'in effect'")
    if wider:
        report.add(section, "reconcile.rejections", "rejections (--rule reject)",
                   rejections, "qcahp reconcile log --rule reject --status 'in effect'")
    report.add(section, "consensus_codings", "consensus codings", record.consensus_codings,
               "qcahp reconcile log")
    if record.unrecorded:
        report.add(section, "consensus_unrecorded", "consensus codings without a record",
                   len(record.unrecorded), "qcahp reconcile log --rule unrecorded")
    if not decisions and not record.consensus_codings:
        report.not_yet.append("no reconciliation")
        text = "No disagreements have been reconciled yet"
        if corpus is not None and found:
            text += (f" ({plural(len(found), DISAGREEING[unit])} at the {unit} unit are "
                     "listed by qcahp disagreements)")
        report.paragraphs.append((section, text + "."))
        return
    ruled = [f"{r} {n:,}" for r, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))]
    text = ("Disagreements were decided into a consensus coding in qualcoder_ahp's "
            "reconcile step, each decision recorded with its rule: "
            + (f"{plural(len(live), 'decision')} "
               f"{'is' if len(live) == 1 else 'are'} in effect")
            + (f", of {len(decisions):,} made (the rest were undone or decided again)"
               if len(decisions) != len(live) else "")
            # One bracket after another read "... again) (by rule, ...": a clause now.
            + (f"; by rule, as qcahp reconcile log names them: {', '.join(ruled)}"
               + (" (agreed: copied where every coder coded alike)" if "agreed" in rules
                  else "") if ruled else "")
            + f". The consensus coding holds {plural(record.consensus_codings, 'coding')}")
    if record.unrecorded and len(record.unrecorded) == record.consensus_codings:
        text += (", which has no reconcile record" if record.consensus_codings == 1
                 else ", none of them with a reconcile record")
    elif record.unrecorded:
        text += f", {len(record.unrecorded):,} of them without a reconcile record"
    text += "."
    if corpus is not None:
        rows = plural(len(found), DISAGREEING[unit].split()[-1])  # spans, sentences...
        text += (f" The coders' own codings differ in {rows} at the {unit} "
                 f"unit; of the {len(stretches):,} "
                 f"stretch{'' if len(stretches) == 1 else 'es'} of differing codings the "
                 "reconcile step decides, "
                 + (f"{len(left):,} {'is' if len(left) == 1 else 'are'} not yet decided."
                    if left else "every one is decided."))
    report.paragraphs.append((section, text))


def withdrawals_section(store: Store, report: MethodsReport) -> None:
    """Withdrawals and the transcripts withdrawn, counted, never named."""
    from qualcoder_ahp.model.audit import audit_log

    entries, _ = audit_log(store, kinds=("withdraw",))
    from qualcoder_ahp.model.migrations import withdraw_record

    transcripts = sum(int(withdraw_record(e.payload).get("transcript_count") or 0)
                      if isinstance(e.payload, dict) else 0 for e in entries)
    report.add("Withdrawals", "withdrawals", "withdrawals", len(entries),
               "qcahp log --kind withdraw")
    report.add("Withdrawals", "withdrawn_transcripts", "transcripts withdrawn", transcripts,
               "qcahp log --kind withdraw")
    if not entries:
        text = "No participant withdrew from the study."
    else:
        text = (f"{counted(len(entries), 'withdrawal').capitalize()} "
                f"{'was' if len(entries) == 1 else 'were'} recorded: "
                f"{counted(transcripts, 'transcript')} and everything made from "
                f"{'it' if transcripts == 1 else 'them'} (codings, decisions, memos) were "
                "removed from the project and are not in any figure here.")
    report.paragraphs.append(("Withdrawals", text))


def software_section(store: Store, report: MethodsReport) -> None:
    """qualcoder_ahp, Python and spaCy versions and the pipeline."""
    section = "Software"
    spacy = package_version("spacy")
    lookups = package_version("spacy-lookups-data")
    named = store.codebook().pipeline
    pipeline = (f"{named} {package_version(named) or '(not installed)'}" if named else
                f"spacy.blank('en') + lookup lemmatizer (spacy-lookups-data {lookups})")
    report.add(section, "software.qualcoder_ahp", "qualcoder_ahp", __version__,
               "qcahp --version")
    report.add(section, "software.spacy", "spaCy", spacy or "(not installed)", "pip show spacy")
    report.add(section, "software.pipeline", "spaCy pipeline", pipeline, "qcahp codebook show")
    report.add(section, "software.python", "Python", platform.python_version(),
               "python --version")
    report.paragraphs.append((section, (
        f"This draft was made with qualcoder_ahp {__version__} (Python "
        f"{platform.python_version()}); its theme suggestions use spaCy "
        f"{spacy or '(not installed)'} rule matching with {pipeline}. qualcoder_ahp "
        "works offline: no transcript text goes to a network service, and no model is "
        "downloaded.")))


__all__ = ["agreement_section", "codebook_section", "coders_section", "data_section",
           "reconciliation_section", "software_section", "suggestions_section",
           "withdrawals_section"]
