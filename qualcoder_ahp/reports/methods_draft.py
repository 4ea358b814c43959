"""The methods draft as data: its figures and paragraphs, the report that holds them
(as a table, JSON and Markdown), and the words a paper says counts in.

:func:`qualcoder_ahp.reports.methods.methods_report` fills a :class:`MethodsReport`
section by section (:mod:`qualcoder_ahp.reports.methods_sections`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qualcoder_ahp.agreement import stats as st
from qualcoder_ahp.reports.writers import (
    Sheet,
    md_cell,
    md_text,
    word_document,
    word_safe,
    word_table,
)

FIGURE_COLUMNS = ["section", "figure", "value", "as in"]


@dataclass(frozen=True)
class Figure:
    """One figure of the methods report."""

    section: str
    key: str
    """A stable name for scripts (``agreement.cohen_kappa``, ``coder.ana.accepted``)."""
    label: str
    value: Any
    """A number, a text, or ``None`` (not there yet)."""
    command: str
    """The command that prints the same figure."""
    digits: int = 3
    """Decimals of a fractional value (coefficients 3, as ``qcahp agreement``; a
    percentage 1, as ``qcahp counts``)."""

    @property
    def text(self) -> str:
        """The value as the other commands print it (coefficients at three decimals)."""
        if self.value is None:
            return "(not yet)"
        if isinstance(self.value, st.Undefined):
            return str(self.value)
        if isinstance(self.value, float):
            return f"{self.value:.{self.digits}f}"
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            return f"{self.value:,}"
        return str(self.value)


@dataclass
class MethodsReport:
    """The draft paragraphs and the figures they state."""

    database: str
    unit: str
    coders: tuple[str, ...]
    paragraphs: list[tuple[str, str]] = field(default_factory=list)
    """``(heading, text)`` in the order of a methods section."""
    figures: list[Figure] = field(default_factory=list)
    not_yet: list[str] = field(default_factory=list)
    """The stages the project has not reached, in words."""

    def add(self, section: str, key: str, label: str, value: Any, command: str,
            digits: int = 3) -> Any:
        """Record a figure; returns its value."""
        self.figures.append(Figure(section, key, label, value, command, digits))
        return value

    def value(self, key: str) -> Any:
        """A figure's value by key (``None`` if the report has none)."""
        return next((f.value for f in self.figures if f.key == key), None)

    def sheet(self) -> Sheet:
        """The figures as a table."""
        return Sheet("figures", list(FIGURE_COLUMNS),
                     [[f.section, f.label, f.text, f.command] for f in self.figures])

    def json(self) -> dict[str, Any]:
        """The report as a JSON document."""
        def plain(value: Any) -> Any:
            return str(value) if isinstance(value, st.Undefined) else value

        return {"report": "methods", "database": self.database, "unit": self.unit,
                "coders": list(self.coders),
                "paragraphs": [{"heading": h, "text": t} for h, t in self.paragraphs],
                "figures": [{"section": f.section, "key": f.key, "label": f.label,
                             "value": plain(f.value), "text": f.text, "command": f.command}
                            for f in self.figures],
                "not_yet": list(self.not_yet)}

    def markdown(self) -> str:
        """A Markdown document: the paragraphs, then the figures' table."""
        out = ["# Methods (draft)", ""]
        for heading, text in self.paragraphs:
            out += [f"**{md_text(heading)}.** {md_text(text)}", ""]
        if self.not_yet:
            out += [md_text(self.not_yet_line()), ""]
        out += ["## Figures", "",
                "| " + " | ".join(FIGURE_COLUMNS) + " |",
                "| " + " | ".join("---" for _ in FIGURE_COLUMNS) + " |"]
        for f in self.figures:
            # md_cell, not md_text: a cell starts no list, so "0.974" stays as typed
            # (md_text made it "0\\.974" in the file a researcher opens).
            cells = [md_cell(f.section), md_cell(f.label), md_cell(f.text),
                     f"`{f.command}`"]
            out.append("| " + " | ".join(cells) + " |")
        return "\n".join(out) + "\n"

    def not_yet_line(self) -> str:
        """The stages not reached yet, in one sentence (empty when there are none)."""
        return f"Not there yet: {'; '.join(self.not_yet)}." if self.not_yet else ""

    def docx(self) -> bytes:
        """A Word document to paste into the paper: the paragraphs, each led by its
        heading in bold, then the figures as a table under a heading."""

        doc = word_document("Methods (draft)")
        doc.add_heading("Methods (draft)", level=1)
        for heading, text in self.paragraphs:
            para = doc.add_paragraph()
            para.add_run(word_safe(heading) + ". ").bold = True
            para.add_run(word_safe(text))
        if self.not_yet:
            doc.add_paragraph(word_safe(self.not_yet_line()))
        doc.add_heading("Figures", level=2)
        word_table(doc, FIGURE_COLUMNS,
                   [(f.section, f.label, f.text, f.command) for f in self.figures])
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()


def number_word(n: int) -> str:
    """Small counts in words as a paper writes them (``seven``), larger as digits."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[n] if 0 <= n < len(words) else f"{n:,}"


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``seven interview transcripts``, ``one coder``: a count and its noun."""
    return f"{number_word(n)} {word if n == 1 else (plural or word + 's')}"


def percent_of(part: int, whole: int) -> str:
    """``14.3%`` (``-`` of nothing)."""
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def listed(items: Sequence[str]) -> str:
    """``ana, ben and cai``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop."""
    return text[:1].upper() + text[1:] + "."


__all__ = ["FIGURE_COLUMNS", "Figure", "MethodsReport", "counted", "listed", "number_word",
           "percent_of", "sentence"]
