"""CLI commands: suggest, suggestions, decide, patterns, evaluate.

The suggestions the codebook's patterns make: run them over the transcripts, list
them, accept or reject one as a coder, and judge the patterns behind them (each
pattern's record of decisions; precision, recall and F1 against a coder or labelled
sentences). Thin wrappers over :mod:`qualcoder_ahp.suggest` and the store.
"""

from __future__ import annotations

import os
from typing import Any

import click

from qualcoder_ahp.cli.codebook import checked_codebook
from qualcoder_ahp.cli.common import (
    InputFile,
    Project,
    acting_coder,
    check_theme,
    emit_fitted,
    emit_json,
    emit_table,
    pass_project,
    plural,
    progress_bar,
    say,
    working,
)
from qualcoder_ahp.errors import UserError, closest
from qualcoder_ahp.model.suggestion_store import PATTERN_ORDERS
from qualcoder_ahp.reports.data import find_transcript, theme_subtree
from qualcoder_ahp.reports.writers import Narrowing

FORMATS = click.Choice(["table", "json"])


def register(cli: click.Group) -> None:
    """Add this module's commands to the qcahp group."""
    for command in (suggest, suggestions, decide, patterns, evaluate):
        cli.add_command(command)


# --------------------------------------------------------------------------- suggest
@click.command()
@click.option("--transcript", "names", multiple=True, metavar="NAME",
              help="Only this transcript (repeatable).")
# More processes than cores only adds spaCy copies (each a few hundred MB) that wait.
@click.option("--processes", type=click.IntRange(1, max(os.cpu_count() or 1, 1)), default=None,
              metavar="N",
              help="Processes to use: this one runs the regular expressions, the others "
                   "tokenise [default: 2 for large uncached corpora when a second core is "
                   "idle, else 1].")
@pass_project
def suggest(project: Project, names: tuple[str, ...], processes: int | None) -> None:
    """Suggest themes on the transcripts with the stored codebook (idempotent)."""
    from qualcoder_ahp.suggest.runner import run_suggestions

    store = project.store()
    ids = [find_transcript(store, n).id for n in names] if names else None
    total = len(ids) if ids is not None else len(store.transcripts())
    if total == 0:
        raise UserError("no transcripts in this project: import some first")
    with progress_bar("Suggesting") as bar:
        bar(0, total)  # at once: loading spaCy and the matchers comes before the first transcript
        report = run_suggestions(store, transcript_ids=ids, progress=bar, processes=processes)
    # Wrapped on a terminal: after a new version it names why suggestions retired.
    say(report.summary(), err=False, indent=4)
    if not report.open_total and not store.suggestions(status="open"):
        # `qcahp suggestions` then said "No suggestions in this project yet: run `qcahp
        # suggest`", to a team that just had: say the run found nothing, and what to try.
        say("No pattern of the codebook found anything in these transcripts (interviewer "
            "turns are searched only by patterns with scope interviewer or all). Try a "
            "pattern's words on them with `qcahp search`, and see `qcahp codebook check "
            "FILE` for patterns that would never match.", err=False)
    if report.skipped_patterns:
        click.echo(f"Skipped (need a trained pipeline): {', '.join(report.skipped_patterns)}")


def _patterns_cell(ids: list[str]) -> str:
    """A table cell naming a suggestion's patterns: the first, and how many more
    (``ser_asked_to +2``); ``--format json`` lists them all."""
    return f"{ids[0]} +{len(ids) - 1}" if len(ids) > 1 else "".join(ids)


SAME_COLUMNS = ("transcript", "theme", "unit", "status")
"""The columns of ``qcahp suggestions`` that a terminal table too wide for its width
leaves out when every row holds the same value in them (``--transcript``, ``--theme``,
the default ``--status open``, one unit), naming that value under the table instead
(:func:`~qualcoder_ahp.cli.common.fitted_table`). At 80 columns the table was about
100 wide: its text and patterns were cut to their least and it still ran over."""


def _excerpt(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@click.command()
@click.option("--theme", "theme_id", metavar="ID",
              help="Only this theme id (a folder: the themes in it).")
@click.option("--transcript", "name", metavar="NAME", help="Only this transcript.")
@click.option("--status", type=click.Choice(["open", "retired", "all"]), default="open",
              show_default=True,
              help="retired: suggestions whose pattern no longer matches or was removed.")
@click.option("--coder", metavar="NAME", help="With --decision: whose decisions to filter on.")
@click.option("--decision", type=click.Choice(["undecided", "accepted", "rejected", "adjusted",
                                               "decided"]),
              help="With --coder: only the suggestions this coder decided so.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="Output format (json lists every pattern and match).")
@pass_project
def suggestions(project: Project, theme_id: str | None, name: str | None, status: str,
                coder: str | None, decision: str | None, fmt: str) -> None:
    """List suggestions, filtered by theme, transcript, status or a coder's decision.

    \b
    Example:
      qcahp suggestions --transcript physio_helen --coder ana --decision undecided
    """
    if (coder is None) != (decision is None):
        raise UserError("--coder and --decision go together")
    store = project.store()
    tid = find_transcript(store, name).id if name else None
    check_theme(store, theme_id)
    if coder is not None:
        coder = coder.strip()  # as the store names coders
        store.coder_id(coder)
    # A folder's suggestions are its themes': it has none of its own (it printed "(none)").
    themes = [None] if theme_id is None else sorted(theme_subtree(store, theme_id))
    found = sorted((s for one in themes
                    for s in store.suggestions(transcript_id=tid, theme_id=one,
                                               status=None if status == "all" else status,
                                               coder=coder, decision=decision)),
                   key=lambda s: (s.transcript_id, s.start, s.end, s.theme_id))
    names = {t.id: t.name for t in store.transcripts()}
    texts: dict[int, str] = {}
    # With --coder, each row says what the coder decided: `--decision decided` listed
    # accepted and rejected ones alike with nothing to tell them apart, in json too.
    decided = store.decisions_for(coder) if coder is not None else {}
    rows = []
    for s in found:
        if s.transcript_id not in texts:
            texts[s.transcript_id] = store.transcript_text(s.transcript_id)
        rows.append({"id": s.id, "transcript": names.get(s.transcript_id, s.transcript_id),
                     "theme": s.theme_id, "unit": s.unit, "start": s.start, "end": s.end,
                     # Whether today's patterns make it: only an open one can say yes.
                     "status": s.status, "found": s.found and s.status == "open",
                     "patterns": list(s.pattern_ids),
                     "lost_patterns": list(s.lost_pattern_ids),
                     "matches": [list(m) for m in s.matches],
                     "text": texts[s.transcript_id][s.start:s.end]})
        if coder is not None:
            rows[-1]["decision"] = decided.get(s.id, "undecided")
    _add_ruled_out_by(store, rows, [(s.transcript_id, s.theme_id, s.start, s.end)
                                    for s in found])
    if fmt == "json":
        emit_json(rows)
        return
    emit_fitted([{**r, "patterns": _patterns_cell(r["patterns"]),
                  "status": r["status"] + ("" if r["found"] or r["status"] != "open" else "*"),
                  "text": _excerpt(r["text"])} for r in rows],
                ["id", "transcript", "theme", "unit", "start", "end", "status"]
                + (["decision"] if coder is not None else []) + ["patterns", "text"],
                Narrowing(same=SAME_COLUMNS + ("decision",)))
    kept = [r for r in rows if not r["found"] and r["status"] == "open"]
    if kept:
        say(open_star_line(kept), err=False)
    if not rows and not store.suggestions(status=None):
        # An empty list is not an answer when suggest has never run: say what to do.
        click.echo("No suggestions in this project: run `qcahp suggest` (after a run, "
                   "this means the codebook's patterns found nothing in the transcripts).")
    elif not rows and status == "open" and theme_id is not None:
        note = retired_theme_note(store, theme_id, "has no open suggestion")
        if note:
            say(note + "; `--status retired` lists those it had.")


def retired_theme_note(store: Any, theme_id: str, what: str) -> str:
    """Why a ``--theme`` list of a retired theme is empty (``(none)`` said nothing), and
    how it comes back; "" for a current theme."""
    if theme_id in {t.id for t in store.themes()}:
        return ""
    name = next((t.name for t in store.themes(include_inactive=True) if t.id == theme_id),
                theme_id)
    into = store.merged_into().get(theme_id)
    how = (f"it was merged into {into}, which holds its codings" if into else
           "a codebook with this id, or `qcahp codebook restore "
           f"{theme_id} --coder NAME`, brings it back")
    return f"Theme {theme_id} ({name}) is retired and {what} ({how})"


def _add_ruled_out_by(store: Any, rows: list[dict[str, Any]],
                      keys: list[tuple[int, str, int, int]]) -> None:
    """Give each row ``ruled_out_by``: the exclusion patterns that rule the suggestion out
    now (a pattern still finds it; empty for most). Matched only when a listed suggestion
    is not found (open* or retired): a found one is ruled out by none."""
    spans: dict[tuple[int, str, int, int], list[str]] = {}
    if any(not r["found"] for r in rows):
        from qualcoder_ahp.suggest.runner import ruled_out_spans

        with working("Matching the exclusion patterns"):
            spans = ruled_out_spans(store)
    for row, key in zip(rows, keys, strict=True):
        row["ruled_out_by"] = list(spans.get(key, ())) if not row["found"] else []


def open_star_line(kept: list[dict[str, Any]]) -> str:
    """The legend of ``open*`` under ``qcahp suggestions``: why each such suggestion is no
    longer made (no pattern finds it, or an exclusion rules it out, naming which) and
    that a coder's decision keeps it open."""
    ruled = [r for r in kept if r["ruled_out_by"]]
    lost = len(kept) - len(ruled)
    by = sorted({pid for r in ruled for pid in r["ruled_out_by"]})
    named = f"{', '.join(by[:6])}{', ...' if len(by) > 6 else ''}"
    one = len(kept) == 1
    why_lost = ("no pattern finds it any more" if lost == 1 else
                "no pattern finds these any more")
    why_ruled = f"an exclusion now rules {'it' if len(ruled) == 1 else 'them'} out ({named})"
    if not ruled:
        return (f"open*: {why_lost} (patterns named: those that last did); kept open "
                f"because a coder decided on {'it' if one else 'each'}.")
    if not lost:
        return (f"open*: {why_ruled}, though the patterns named still find "
                f"{'it' if one else 'them'}; kept open because a coder decided on "
                f"{'it' if one else 'each'}.")
    return (f"open*: kept open because a coder decided on each: {lost} {why_lost} "
            f"(patterns named: those that last did); for {len(ruled)}, {why_ruled}, "
            f"though the patterns named still find {'it' if len(ruled) == 1 else 'them'}.")


@click.command()
@click.argument("suggestion_id", type=click.IntRange(min=1))
@click.argument("verdict", type=click.Choice(["accept", "reject"]))
@click.option("--coder", required=True, metavar="NAME", help="Who decides.")
@click.option("--start", type=click.IntRange(min=0), metavar="N",
              help="Accept with an adjusted span: its start.")
@click.option("--end", type=click.IntRange(min=0), metavar="N",
              help="Accept with an adjusted span: its end.")
@click.option("--snap", is_flag=True,
              help="Widen a --start or --end that falls inside a word to the word's edge.")
@pass_project
def decide(project: Project, suggestion_id: int, verdict: str, coder: str, start: int | None,
           end: int | None, snap: bool) -> None:
    """Accept or reject a suggestion as a coder (one transaction, undoable).

    SUGGESTION_ID is the id column of `qcahp suggestions`. The span is the
    suggestion's unless --start/--end (character offsets) adjust it; an adjusted span
    must overlap the suggestion's. A --start or --end inside a word is stored as given
    (a span may cut a word), with a warning naming the word; --snap widens it to whole
    words. Your own hand coding of exactly the accepted span
    with the theme is replaced by the accepted coding (no passage coded twice). A
    decision replaces the coder's earlier one on the suggestion, and says which (and
    the coding it removed). The consensus
    coder (consensus, or any coder a reconcile decision went into) is refused: its
    codings come from `qcahp reconcile decide` or the reconcile screen only.

    \b
    Examples:
      qcahp decide 237 accept --coder ana
      qcahp decide 238 reject --coder ana
      qcahp decide 240 accept --coder ana --start 519 --end 600
      qcahp decide 240 accept --coder ana --start 517 --end 602 --snap
    """
    store = project.store()
    coder = coder.strip()  # as the store names coders
    if not coder:
        # (It said "note: '' is a new coder in this project" first.)
        raise UserError("a coder needs a name: --coder NAME")
    store.refuse_consensus(coder)  # its codings are the reconciled result
    sug = _suggestion(store, suggestion_id)
    if verdict == "reject" and (start is not None or end is not None or snap):
        raise UserError("--start/--end" + ("/--snap" if snap else "") + " only go with accept")
    s = sug.start if start is None else start
    e = sug.end if end is None else end
    cut_note = ""
    if verdict == "accept":
        text = store.transcript_text(sug.transcript_id)
        text_len = len(text)
        if not 0 <= s < e <= text_len:
            raise UserError(f"bad span [{s}, {e}): it must lie inside the transcript "
                            f"(0-{text_len}) with start < end")
        if not (s < sug.end and sug.start < e):  # a typo in an offset, not an adjustment
            raise UserError(f"bad span [{s}, {e}): it does not overlap suggestion "
                            f"{suggestion_id}'s text [{sug.start}, {sug.end}); an adjusted "
                            "span must keep some of it")
        s, e, cut_note = _word_edges(text, s, e, snap)
    # A misspelt --coder would silently start a second coder: a new one is named (the
    # decision is still made: that is how a second coder starts), a coder's name in
    # another case ("Ana" for ana) refused.
    acting_coder(store, coder)
    same = _same_decision(store, suggestion_id, coder, verdict, s, e)
    if same is not None:
        # Running the same command again changes nothing: no new coding, no new event
        # on the coder's undo stack.
        which = f"suggestion {suggestion_id} ({sug.theme_id})"
        click.echo(f"{coder} already {same.format(which)}; nothing changed.")
        if cut_note:
            say(cut_note, fg="yellow")
        return
    # A coder changing their mind was told only the new decision, as if it were the
    # first: say what it replaced (and the coding it took away), as the log does.
    before = store.decision_of(suggestion_id, coder)
    was = [c for c in store.codings(transcript_id=sug.transcript_id, coder=coder)
           if c.suggestion_id == suggestion_id] if before in ("accepted", "adjusted") else []
    if verdict == "reject":
        store.reject(suggestion_id, coder)
        click.echo(f"Rejected suggestion {suggestion_id} ({sug.theme_id}) as {coder}"
                   + _replaced(before, was) + ".")
        return
    adjusted = (s, e) != (sug.start, sug.end)
    coding = store.accept(suggestion_id, coder, start=s if adjusted else start,
                          end=e if adjusted else end)
    click.echo(f"Accepted suggestion {suggestion_id} ({sug.theme_id}) as {coder}"
               + _replaced(before, [c for c in was if c.id != coding.id])
               + f": coding {coding.id} [{coding.start}, {coding.end}) {coding.origin}: "
               f"{_excerpt(coding.quote, 60)!r}")
    if cut_note:
        say(cut_note, fg="yellow")


def _word_edges(text: str, start: int, end: int, snap: bool) -> tuple[int, int, str]:
    """The span to store and a line for stderr, or "", about the words its edges cut: a
    span may cut a word (character spans are legitimate), but an offset typed one out
    most often does by mistake. With ``snap`` the span is widened to whole words."""
    from qualcoder_ahp.word_edges import cuts_word, snap as to_words, word_at

    cut = [(edge, word_at(text, at)) for edge, at in (("starts", start), ("ends", end))
           if cuts_word(text, at)]
    if not cut:
        return start, end, ""
    wide = to_words(text, start, end)
    said = " and ".join(f"{edge} inside {word!r}" for edge, word in cut)
    if snap:
        return (*wide, f"note: [{start}, {end}) {said}: widened to whole words, "
                       f"[{wide[0]}, {wide[1]}) (--snap).")
    return start, end, (f"warning: the span [{start}, {end}) {said}; stored as given. If "
                        f"that is a slip, decide again with --snap (whole words: "
                        f"[{wide[0]}, {wide[1]})).")


def _suggestion(store: Any, suggestion_id: int) -> Any:
    """The suggestion, or an error saying where the ids are: "no suggestion with id 99"
    left a newcomer to guess whether the id, the project or the command was wrong."""
    try:
        return store.suggestion(suggestion_id)
    except UserError:
        ids = [s.id for s in store.suggestions(status=None)]  # the error path only
    if not ids:
        raise UserError(f"no suggestion with id {suggestion_id}: this project has no "
                        "suggestions yet (`qcahp codebook load FILE`, then `qcahp suggest`)")
    raise UserError(f"no suggestion with id {suggestion_id} in this project (ids "
                    f"{min(ids)}-{max(ids)}; `qcahp suggestions` lists them)")


def _replaced(before: str | None, codings: list[Any]) -> str:
    """``, instead of accepting it (coding 10 [335, 422) removed)``: the coder's earlier
    decision on the suggestion that this one replaces; nothing for a first decision."""
    if before not in ("accepted", "adjusted", "rejected"):
        return ""
    how = {"accepted": "accepting it", "adjusted": "accepting it with an adjusted span",
           "rejected": "rejecting it"}[before]
    gone = "; ".join(f"coding {c.id} [{c.start}, {c.end})" for c in codings)
    return f", instead of {how}" + (f" ({gone} removed)" if gone else "")


def _same_decision(store: Any, suggestion_id: int, coder: str, verdict: str, start: int,
                   end: int) -> str | None:
    """``"accepted {}: coding 12 [460, 493)"`` or ``"rejected {}"`` (``{}`` for the
    suggestion) when the coder's current decision on it is already this one (same
    span), else None."""
    status = store.decision_of(suggestion_id, coder)
    if verdict == "reject":
        return "rejected {}" if status == "rejected" else None
    if status not in ("accepted", "adjusted"):
        return None
    sug = store.suggestion(suggestion_id)
    for c in store.codings(transcript_id=sug.transcript_id, coder=coder):
        if c.suggestion_id == suggestion_id and (c.start, c.end) == (start, end):
            how = " with an adjusted span" if status == "adjusted" else ""
            return f"accepted {{}}{how}: coding {c.id} [{c.start}, {c.end})"
    return None


PATTERN_COLUMNS = ["pattern", "theme", "kind", "suggestions", "accepted", "rejected", "open",
                   "precision"]
PATTERN_NARROWING = Narrowing(same=("theme", "kind"), short=(
    ("suggestions", "sug"), ("accepted", "acc"), ("rejected", "rej"), ("precision", "prec")))
"""On a terminal too narrow for ``qcahp patterns`` (124 columns wide at 80 before):
``theme`` and ``kind`` left out when every row shares them (``--theme``), then short
headings for the figures, explained in a legend under the table."""


@click.command()
@click.option("--coder", metavar="NAME",
              help="Count only this coder's decisions [default: all coders].")
@click.option("--theme", "theme_id", metavar="ID", help="Only the patterns of this theme id.")
@click.option("--sort", "order", type=click.Choice(sorted(PATTERN_ORDERS)), default="pattern",
              show_default=True,
              help="rejected: most rejected first; precision: least precise first (undecided "
              "last); suggestions: most suggestions first.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="Output format.")
@pass_project
def patterns(project: Project, coder: str | None, theme_id: str | None, order: str,
             fmt: str) -> None:
    """Each pattern's record: suggestions made, accepted, rejected, open, precision.

    Sort with --sort rejected or --sort precision to see the patterns to narrow or
    remove first. After a new codebook version, a decided suggestion that a pattern no
    longer finds is not counted for it: a line under the table names them
    (no_longer_found in the JSON).
    """
    store = project.coded_store()
    check_theme(store, theme_id)
    if coder is not None:
        coder = coder.strip()  # as the store names coders
        store.coder_id(coder)
    rows = [r for r in store.pattern_stats(coder=coder)
            if theme_id is None or r["theme"] == theme_id]
    if not rows and theme_id is not None and fmt != "json":
        note = retired_theme_note(store, theme_id, "has no patterns now")
        if note:
            say(note + ".")
    rows.sort(key=PATTERN_ORDERS[order])  # stable: ties keep the order by pattern id
    from qualcoder_ahp.suggest.runner import add_exclusion_record

    with working("Matching the exclusion patterns"):
        add_exclusion_record(store, rows, coder)
    if fmt == "json":
        emit_json(rows)
        return
    emit_fitted([{**r, "kind": r["kind"] + (" (excl)" if r["exclude"] else "")
                  + ("" if r["active"] else " (removed)")
                  + (" (theme retired)" if r["active"] and r["theme_retired"] else ""),
                  "open": r["undecided"]} for r in rows],
                PATTERN_COLUMNS, PATTERN_NARROWING)
    gone = no_longer_found_line(rows)
    if gone:
        say(gone, err=False)
    ruling = exclusion_line(rows, len(store.transcripts()))
    if ruling:  # a note to the reader (as evaluate's), not part of the table's output
        say(ruling)


def exclusion_line(rows: list[dict[str, Any]], transcripts: int) -> str:
    """The line under ``qcahp patterns``' table saying what each exclusion pattern rules
    out (its row's figures are always 0), naming those that rule out nothing, or "" when
    the table has no current exclusion pattern."""
    rows = [r for r in rows if "ruled_out" in r]
    if not rows:
        return ""
    busy = sorted((r for r in rows if r["ruled_out"]), key=lambda r: -r["ruled_out"])
    idle = [r["pattern"] for r in rows if not r["ruled_out"]]
    said = []
    for r in busy:
        how = ", ".join(f"{r[f'ruled_out_{key}']} {key}" for key in ("accepted", "rejected")
                        if r[f"ruled_out_{key}"])
        said.append(f"{r['pattern']} {r['ruled_out']}" + (f" ({how})" if how else ""))
    out = (f"Exclusion patterns (no suggestions of their own; their figures above are 0): "
           f"in {plural(transcripts, 'transcript')} now, ")
    if said:
        out += "suggestions of their theme each rules out: " + ", ".join(said) + "."
    else:
        out += "none rules out any suggestion."
    if any(r["ruled_out_accepted"] for r in busy):
        out += (" One that rules out suggestions a coder accepted is too wide: narrow it"
                " (`qcahp suggestions --theme ID` marks those open*; with --status retired,"
                " it lists the undecided ones ruled out).")
    if idle:
        named = ", ".join(idle[:12]) + (f", ... ({len(idle)} in all)" if len(idle) > 12
                                        else "")
        out += (f" Ruling out nothing here: {named} (harmless if the transcripts lack what "
                "it guards against; if you wrote it for a sentence they have, it may be "
                "mistyped: try it with `qcahp search --regex`).")
    return out


def no_longer_found_line(rows: list[dict[str, Any]]) -> str:
    """The line under ``qcahp patterns``' table naming the suggestions each pattern no
    longer finds that are kept open for their decisions (not counted in the table), or
    "" when there are none: ``Decided, no longer found (...): ser_by_chance 2 (1
    accepted, 2 rejected)``."""
    said = []
    for r in rows:
        gone = r["no_longer_found"]
        if not gone["suggestions"]:
            continue
        how = ", ".join(f"{gone[key]} {key}" for key in ("accepted", "rejected", "open")
                        if gone[key])
        ruled = r.get("no_longer_found_ruled_out", 0)
        if ruled:
            how += (f"; {'all' if ruled == gone['suggestions'] else ruled} ruled out by an "
                    "exclusion, which the pattern still finds")
        said.append(f"{r['pattern']} {gone['suggestions']}" + (f" ({how})" if how else ""))
    if not said:
        return ""
    return ("Decided, no longer found (a coder decided on them; the pattern found them "
            "once and no longer does: not counted above; the accepted ones are what a change "
            "made it miss): " + ", ".join(said) + ".")


@click.command()
@click.option("--coder", metavar="NAME",
              help="Compare with this coder's codings in the project.")
@click.option("--gold", type=InputFile(),
              help='Compare with labelled sentences: JSONL {"sentence": ..., "themes": [...]} '
              '(or Prodigy\'s "text" and "accept").')
@click.option("--codebook", "codebook_path", type=InputFile(),
              help="With --gold: judge this codebook file instead of the stored one.")
@click.option("--scope", type=click.Choice(["decided", "finished", "all"]),
              help="With --coder, what is scored: 'decided' (the default) the coder's "
                   "decisions and codings, leaving out suggestions not decided yet; "
                   "'finished' only the transcripts where the coder decided every "
                   "suggestion; 'all' every suggestion in the transcripts the coder "
                   "started, an undecided one counting as wrong unless its theme is coded "
                   "there.")
@click.option("--show-errors", is_flag=True, help="List the sentences missed and wrongly "
              "suggested.")
@click.option("--by-pattern", is_flag=True, help="Also list each pattern that fired: the "
              "sentences where its theme was right and wrong, most wrong first.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="Output format.")
@pass_project
def evaluate(project: Project, coder: str | None, gold: str | None, codebook_path: str | None,
             scope: str | None, show_errors: bool, by_pattern: bool, fmt: str) -> None:
    """Sentence-level precision, recall and F1 of the suggestions, per theme and micro.

    With --show-errors, each wrongly suggested sentence names the patterns behind it; with
    --by-pattern, every pattern's right and wrong suggestions on these sentences are
    listed, so the patterns to narrow or remove stand out before anyone codes with them.

    Against a coder, only what the coder has judged is scored (--scope decided): a
    suggestion the coder has not decided yet is left out, not counted as wrong, unless
    the coder coded its theme there. The line under the heading says what was scored.
    """
    from qualcoder_ahp.suggest.evaluate import (evaluate_coder, evaluate_gold, format_table,
                                                read_gold)

    if (coder is None) == (gold is None):
        raise UserError("give exactly one of --coder NAME or --gold FILE.jsonl")
    if coder is not None:
        if codebook_path:
            raise UserError("--codebook goes with --gold (--coder uses the stored suggestions)")
        with working(f"Comparing the suggestions with {coder}'s codings"):
            result = evaluate_coder(project.store(), coder, scope or "decided")
    elif scope is not None:
        raise UserError("--scope goes with --coder (a gold file labels every sentence)")
    else:
        cb = checked_codebook(codebook_path, None) if codebook_path else _stored_codebook(project)
        assert gold is not None
        rows = read_gold(gold)
        with working(f"Suggesting on the sentences of {gold}"):
            result = evaluate_gold(cb, rows)
        result.source = gold
        _repeated_warning(gold, rows)
    if fmt == "json":
        emit_json(result.as_dict())
        return
    what = (plural(result.sentences, "sentence") + " with a coding or a suggestion"
            + (f" {coder} decided" if result.scope == "decided" else "") if coder
            else plural(result.sentences, "labelled sentence"))
    click.echo(f"{result.source}: {what}")
    if coder is not None:
        click.echo(_scope_line(result, coder))
        if result.no_longer_found:
            say(_left_out_line(result.no_longer_found, result.ruled_out_left_out),
                err=False)
    emit_table(format_table(result),
               ["theme", "support", "tp", "fp", "fn", "precision", "recall", "f1"])
    m = result.micro
    click.echo(f"micro: precision {_pct(m.precision)}, recall {_pct(m.recall)}, "
               f"F1 {_pct(m.f1)}; macro F1 {_pct(result.macro_f1)}")
    if gold is not None and result.theme_free:
        share = result.theme_free_suggested / result.theme_free
        click.echo(f"theme-free sentences: {result.theme_free} of {result.sentences}; "
                   f"{result.theme_free_suggested} ({share:.0%}) got a suggestion")
    if len(result.by_support) > 1:
        say("precision by the patterns behind a suggestion: " + ", ".join(
            f"{g['patterns']} {_pct(g['precision'])} ({g['right']} of {g['suggestions']})"
            for g in result.by_support), err=False)
    if result.ignored_themes:
        retired: set[str] = set()
        if gold is None:  # a coder's codings of themes retired since: kept, not scored
            store = project.store()
            retired = ({t.id for t in store.themes(include_inactive=True)}
                       - {t.id for t in store.themes()})
        click.echo(_ignored_warning(result.ignored_themes, cb if gold is not None
                                    else project.store().codebook(), retired), err=True)
    if result.scope == "all":
        note = _undecided_note(project.store(), coder)
        if note:
            click.echo(note, err=True)
    if by_pattern:
        click.echo(f"\nPatterns that fired ({len(result.patterns)}; most wrong first):")
        emit_table([{**p, "precision": _pct(p["precision"])} for p in result.patterns],
                   ["pattern", "theme", "right", "wrong", "precision"])
        judged = cb if gold is not None else project.store().codebook()
        if any(p.exclude for p in judged.patterns):
            _exclusions_table(result.exclusions)
    if show_errors:
        for title, items in (("Missed", result.missed), ("Wrongly suggested", result.wrong)):
            click.echo(f"\n{title} ({len(items)}):")
            for item in items:
                excerpt = _excerpt(item["sentence"], 100)
                by = f" ({', '.join(item['patterns'])})" if item.get("patterns") else ""
                click.echo(f"  [{item['theme']}] {item['where']}{by}: {excerpt}")


def _left_out_line(gone: int, ruled: int) -> str:
    """``evaluate --coder``'s line on the decided suggestions today's codebook does not
    make: no pattern finds them, or an exclusion now rules them out."""
    them = "it" if gone == 1 else "them"
    if not ruled:
        return (f"Left out too: {plural(gone, 'suggestion')} no pattern finds any more "
                f"(kept open for the decisions on {them}; `qcahp patterns` lists {them} as "
                "decided, no longer found).")
    if ruled == gone:
        return (f"Left out too: {plural(gone, 'suggestion')} an exclusion now rules out "
                f"(kept open for the decisions on {them}; --by-pattern lists the exclusions "
                "with what they ruled out).")
    return (f"Left out too: {plural(gone, 'suggestion')} today's codebook does not make "
            f"(kept open for the decisions on them): {gone - ruled} no pattern finds any "
            f"more, {ruled} an exclusion now rules out (--by-pattern lists the exclusions).")


def _exclusions_table(exclusions: list[dict[str, Any]]) -> None:
    """Under ``evaluate --by-pattern``: each exclusion pattern that ruled out a
    suggestion, right where the sentence lacks the theme (not coded with it, against a
    coder), wrong where it has it (the exclusion made that miss)."""
    if not exclusions:
        click.echo("\nExclusion patterns that ruled out a suggestion: none on these "
                   "sentences.")
        return
    click.echo(f"\nExclusion patterns that ruled out a suggestion ({len(exclusions)}; "
               "most wrong first):")
    emit_table([{**p, "precision": _pct(p["precision"])} for p in exclusions],
               ["pattern", "theme", "right", "wrong", "precision"])
    click.echo("right: the sentence lacks the theme; wrong: it has it (a miss it made).")


def _scope_line(result: Any, coder: str) -> str:
    """What an evaluation against ``coder`` scored, and what the other scopes would."""
    if result.scope == "finished":
        left = (f"; left out, not finished: {', '.join(result.unfinished)}"
                if result.unfinished else "")
        return (f"Scored: the {plural(result.transcripts, 'transcript')} {coder} finished "
                f"(every suggestion decided){left}.")
    if result.scope == "all":
        return (f"Scored: every suggestion in the {plural(result.transcripts, 'transcript')} "
                f"{coder} coded or decided on; one {coder} has not decided counts as wrong "
                f"unless {coder} coded its theme there.")
    scored = (f"Scored: {coder}'s decisions and codings in "
              f"{plural(result.transcripts, 'transcript')}")
    if not result.left_out:
        return f"{scored}; no suggestion there is left undecided and uncoded."
    return (f"{scored}; {plural(result.left_out, 'suggestion')} {coder} has not decided "
            f"{'is' if result.left_out == 1 else 'are'} left out (--scope all counts them as "
            f"wrong; --scope finished scores only the transcripts {coder} finished).")


def _undecided_note(store: Any, coder: str) -> str:
    """How many suggestions in the compared transcripts the coder has not decided yet.

    Each counts as wrong unless the coder coded its theme there, so a coder halfway
    through a transcript sees good patterns at precision 0 in `--by-pattern`; a
    researcher pruning patterns on that would remove them. Empty when all are decided.
    """
    read = {c.transcript_id for c in store.codings(coder=coder)}
    read |= {store.suggestion(sid).transcript_id for sid in store.decisions_for(coder)}
    total = sum(store.count_suggestions(transcript_id=t, found=True) for t in read)
    undecided = sum(store.count_suggestions(transcript_id=t, coder=coder,
                                            decision="undecided", found=True) for t in read)
    if not undecided:
        return ""
    return (f"Note: {coder} has not decided {undecided} of the {total} suggestions in these "
            f"transcripts; each counts as wrong unless {coder} coded its theme there. To "
            f"prune patterns on {coder}'s decisions only: `qcahp patterns --coder {coder} "
            "--sort precision`.")


def _stored_codebook(project: Project) -> Any:
    """The project's codebook for ``evaluate --gold``, or an error naming --codebook.

    With a labelled set the project is only where the codebook comes from: the
    general "create one with `qcahp import FILES`" sent a researcher with no
    project off to import transcripts they do not need.
    """
    if not project.path.exists():
        raise UserError("no project database here to take the codebook from: name the "
                        "codebook file with --codebook FILE (or check --db / $QCAHP_DB)",
                        path=str(project.path))
    cb = project.store().codebook()
    if not cb.patterns:
        raise UserError("the project has no codebook patterns: name the codebook file with "
                        "--codebook FILE, or load one with `qcahp codebook load FILE`",
                        path=str(project.path))
    return cb


def _repeated_warning(gold: str, rows: list[tuple[int, str, set[str]]]) -> None:
    """A line on stderr for a gold file that has a sentence on several lines."""
    from qualcoder_ahp.suggest.evaluate import repeated_sentences

    differently, alike = repeated_sentences(rows)
    for found, how in ((differently, "labelled differently (each line is scored, so one "
                        "of them counts as wrong whatever the codebook does)"),
                       (alike, "labelled alike (each line is scored: it counts twice)")):
        if found:
            more = f", ... ({len(found)} in all)" if len(found) > 3 else ""
            say(f"Warning: {gold}: the same sentence on two lines, {how}: "
                f"{', '.join(found[:3])}{more}", fg="yellow")


def _pct(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _ignored_warning(ignored: list[str], codebook: Any,
                    retired: set[str] | frozenset[str] = frozenset()) -> str:
    """One line naming labels the scores left out, each with its likely theme id.

    A typo in a gold file ("serendipty") would otherwise only lower recall quietly. A
    coder's codings of a theme retired since are named as that, not as a typo.
    """
    themes = list(codebook.themes) if codebook is not None else []
    by_hand = [t.id for t in themes if t.codable and t.id in ignored]
    known = [t.id for t in themes if t.codable and t.id not in by_hand]
    lines = []
    if by_hand:
        lines.append("Note: themes with no patterns (coded by hand only), left out of the "
                     "scores: " + ", ".join(by_hand))
    gone = [t for t in ignored if t in retired]
    if gone:
        lines.append("Note: retired themes (their codings kept, never suggested), left out "
                     "of the scores: " + ", ".join(gone))
        ignored = [t for t in ignored if t not in retired]
    # A folder's id is a theme of the codebook, but not one a sentence is coded with; any
    # other label ("salary", a typo) is no theme id of the codebook at all.
    ids = {t.id for t in themes}
    folders = [t for t in ignored if t in ids and t not in by_hand]
    names = []
    for theme in ignored:
        if theme in by_hand or theme in ids:
            continue
        close = closest(theme, known)
        names.append(f"{theme} (did you mean {close}?)" if close else theme)
    if folders:
        lines.append("Warning: folders of the codebook (not codable: code their themes), "
                     "left out of the scores: " + ", ".join(folders))
    if names:
        lines.append("Warning: not theme ids of the codebook (a sentence with only these "
                     "counts as theme-free), left out of the scores: " + ", ".join(names))
    return "\n".join(lines)
