"""CLI command: ``qcahp methods``, a draft methods paragraph and the figures behind it.

A thin wrapper over :func:`qualcoder_ahp.reports.methods.methods_report`: the draft as
plain text (wrapped to the terminal, whole in a pipe or a file), Markdown, Word or JSON,
printed or written owner-only to ``-o FILE`` like the other reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from qualcoder_ahp.cli.common import (
    Fraction,
    Project,
    output_format,
    pass_project,
    table_width,
    write_output,
)
from qualcoder_ahp.model.coders_store import split_coders
from qualcoder_ahp.reports.methods import MethodsReport, methods_report
from qualcoder_ahp.reports.text_table import cells, pad, wrap_cells, wrap_note

FORMATS = ("text", "md", "docx", "json")
UNITS = ("character", "sentence", "turn", "segment")


def methods_text(report: MethodsReport, width: int | None) -> str:
    """The draft as plain text: a heading, one paragraph per section, the figures."""
    lines = wrap_note(f"Methods (draft) from {report.database}: edit freely; every figure "
                      "is listed below with the command that prints it too.", width)
    for heading, text in report.paragraphs:
        lines += [""] + wrap_note(f"{heading}. {text}", width)
    if report.not_yet:
        lines += [""] + wrap_note(report.not_yet_line(), width)
    return "\n".join(lines) + "\n\n" + figures_text(report, width)


def figures_text(report: MethodsReport, width: int | None) -> str:
    """The figures under their sections: each figure's label, its value, and the command
    that prints it too (``qcahp`` left out, as the heading says).

    On a terminal too narrow for a row the command goes on a line under it, and a value
    too long for the value column (the pipeline) stands after the label on a line of its
    own; in a pipe or a file every row is one whole line.
    """
    # 40: "suggestions in effect (not retired)" and a coder's "Mary O'Neil: codings from
    # a suggestion" stay in the column (at 34 they stood apart, "label: value", out of
    # line with the figures around them); label and value still fit 80 columns.
    label_w = min(max((cells(f.label) for f in report.figures), default=0), 40)
    value_w = min(max((cells(f.text) for f in report.figures), default=0), 14)
    out = ["Figures (as in `qcahp COMMAND`, or the command in brackets):"]
    section, shared = None, None
    for f in report.figures:
        if f.section != section:
            section = f.section
            commands = {g.command for g in report.figures if g.section == section}
            shared = commands.pop() if len(commands) == 1 else None
            out += [""] + wrap_note(f"{section}" + (f" (as in `{shared}`)" if shared and
                                                    len(report.figures) > 1 else ""), width)
        command = ("" if shared else f.command.removeprefix("qcahp ")
                   if f.command.startswith("qcahp ") else f"({f.command})")
        value = f.text
        if cells(f.label) > label_w or cells(value) > value_w:
            row = f"  {f.label}: {value}"
        else:
            number = value.replace(",", "").replace(".", "", 1).isdigit()
            row = (f"  {pad(f.label, label_w)}  "
                   + (value.rjust(value_w) if number else pad(value, value_w)))
        whole = f"{row}  {command}".rstrip()
        if width is None or cells(whole) <= width:
            out.append(whole)
        else:
            out += wrap_cells(row.strip(), width, initial_indent="  ",
                              subsequent_indent="    ")
            if command:
                out += wrap_cells(command, width, initial_indent="      ",
                                  subsequent_indent="      ")
    return "\n".join(out) + "\n"


@click.command("methods")
@click.option("--coders", metavar="A,B[,C...]",
              help="The coders to describe and compare [default: every coder who coded, "
                   "not the consensus].")
@click.option("--unit", type=click.Choice(UNITS), default="character", show_default=True,
              help="The unit of agreement and disagreements, as in `qcahp agreement`.")
@click.option("--threshold", type=Fraction(0, 1, min_open=True), default=0.9,
              show_default=True, metavar="X", help="segment unit: overlap needed to match.")
@click.option("--speakers", type=click.Choice(["participants", "all"]), default=None,
              help="Whose speech the units are, as in `qcahp agreement` [default: "
                   "participants; all when the codebook's patterns suggest on "
                   "interviewer turns].")
@click.option("--ci", is_flag=True,
              help="State 95% intervals of the pooled kappa and alpha, as `qcahp "
                   "agreement --ci` (a cluster bootstrap over transcripts).")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format [default: from the -o suffix, else text].")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write to FILE (owner-only) instead of the terminal.")
@pass_project
def methods_cmd(project: Project, coders: str | None, unit: str, threshold: float,
                speakers: str | None, ci: bool, fmt: str | None,
                output: str | None) -> None:
    """A draft methods paragraph, and the figures it states, for the write-up.

    The interviews and words, participants, the codebook (name, content hash, themes,
    themes added while coding), how the suggestions were used (each coder's accepted,
    adjusted, rejected; codings from a suggestion or by hand), who coded which
    transcripts, pooled inter-rater agreement, reconciliation, thematic saturation (as
    `qcahp saturation` with its defaults, on the consensus when it covers every coded
    transcript, else the coders' codings pooled), withdrawals (counted, never named) and
    the software. Every figure is the one the command named beside
    it prints; a stage not reached yet is said so. No transcript or participant is
    named.

    \b
    Examples:
      qcahp methods
      qcahp methods --coders ana,ben --unit sentence -o methods.md
      qcahp methods --coders ana,ben --unit sentence -o methods.docx
    """
    if fmt is None and output and Path(output).suffix.lower() == ".txt":
        fmt = "text"  # a .txt file is the terminal's text, as a table's is
    fmt = output_format(fmt, output, FORMATS, "text")
    names = None
    if coders is not None:
        # A coder whose name holds a comma (``Smith, John`` from NVivo) is one coder.
        names = split_coders(coders, project.store().coders())
        if not names:
            raise click.BadParameter("name one or more coders, e.g. --coders ana,ben",
                                     param_hint="'--coders'")
    store = project.store()
    report = methods_report(store, coders=names, unit=unit, threshold=threshold,
                            database=project.path.name, speakers=speakers, ci=ci)
    if fmt == "json":
        content = json.dumps(report.json(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "md":
        content = report.markdown()
    elif fmt == "docx":
        content = report.docx()
    else:
        content = methods_text(report, table_width())
    if output:
        write_output(output, content, "the methods draft "
                     f"({len(report.paragraphs)} paragraphs, {len(report.figures)} figures)")
    else:
        click.echo(content, nl=False)


def register(cli: click.Group) -> None:
    """Add this module's command to the qcahp group."""
    cli.add_command(methods_cmd)
