"""The codebook as a document for the write-up: every theme with its criteria and usage.

A thesis or paper puts its codebook in the methods appendix: each theme's place in the
tree, name, definition, inclusion and exclusion criteria, examples, and how much it was
used. :func:`codebook_report` gathers that from a codebook (the stored one, or a file)
and, for the stored one, from the project: usage figures are :func:`theme_counts`'s
(segments, transcripts and participants, folders rolled up), so the codebook and
``qcahp counts`` never disagree. Themes coders added while coding are marked with who
added them; ``with_memos=True`` adds each theme's memos as ``qcahp memos`` reads them.

The writers give a document (Markdown, Word: one section per theme in tree order) or a
table (one row per theme: CSV, XLSX, JSON).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qualcoder_ahp.records import Codebook, Theme, plural
from qualcoder_ahp.reports.counts import Figures, theme_counts
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.memos import Memo, memos
from qualcoder_ahp.reports.writers import Sheet, md_text, word_document, word_safe

USAGE_COLUMNS = ["segments", "transcripts", "participants"]
TEXT_COLUMNS = ["definition", "include", "exclude", "examples"]
"""The columns ``--brief`` leaves out of a table (and the fields out of a document)."""


@dataclass(frozen=True)
class Entry:
    """One theme of the codebook document."""

    theme: Theme
    """The theme (a retired one that still has codings is named ``... (retired)``)."""
    path: str
    depth: int
    patterns: int
    exclusions: int
    retired: bool = False
    added_by: str | None = None
    """The coder who added the theme while coding (``None``: it came from a codebook)."""
    added_at: str | None = None
    added: bool = False
    """Added while coding (``added_by`` may still be unknown for a very old event)."""
    usage: Figures | None = None
    """The theme's figures as ``qcahp counts`` gives them; ``None`` without project data."""
    memos: tuple[Memo, ...] = ()
    above: int = 0
    """Levels above the theme that a selection (``--theme``) leaves out: a document
    heads it at ``depth - above``."""

    @property
    def kind(self) -> str:
        """``folder`` (not codable, only groups themes) or ``codable``."""
        return "codable" if self.theme.codable else "folder"

    @property
    def examples(self) -> list[str]:
        """The examples, each on one line."""
        return [_flat(e) for e in self.theme.examples if _flat(e)]

    @property
    def added_cell(self) -> str:
        """``ann (2026-11-27)`` for a theme added while coding (``yes`` if the event no
        longer names the coder), else ``""``."""
        if not self.added:
            return ""
        when = f" ({self.added_at[:10]})" if self.added_at else ""
        return f"{self.added_by}{when}" if self.added_by else "yes" + when

    @property
    def added_note(self) -> str:
        """``added while coding by ann (2026-11-27)``, or ``""`` for a codebook theme."""
        if not self.added:
            return ""
        who = f" by {self.added_by}" if self.added_by else ""
        when = f" ({self.added_at[:10]})" if self.added_at else ""
        return f"added while coding{who}{when}"


@dataclass(frozen=True)
class CodebookReport:
    """A codebook with, for the stored one, each theme's usage in the project."""

    name: str
    version: str | None
    """The file's own ``version:`` (a stored codebook keeps none: see ``loaded``)."""
    source: str | None
    """The file the codebook was read from (for the stored one, the file last loaded)."""
    entries: list[Entry]
    patterns: int
    exclusions: int
    coder: str | None = None
    usage: bool = False
    """Whether the entries carry usage figures (a stored codebook, not a file)."""
    loaded: str | None = None
    """When the stored codebook was last loaded (a UTC timestamp; ``None`` for a file)."""
    database: str | None = None
    """The project database's file name (``None`` for a file)."""
    with_memos: bool = False
    selected: tuple[str, ...] = ()
    """The themes asked for (``--theme``): the report holds them and the themes below
    them; empty: the whole codebook."""
    description: str = ""
    """The codebook's own ``description:`` (of the file, or of the file last loaded)."""

    @property
    def title(self) -> str:
        """``AHP leadership career stories, version 2`` from a file's ``version:``; the
        stored codebook can change after its load (themes added, edited or merged while
        coding), so it is dated by its last load too (``..., version 2 (loaded
        2026-11-27)``), or by that alone when its file had no version (``..., version of
        2026-11-27``)."""
        if self.version and self.loaded:
            return f"{self.name}, version {self.version} (loaded {self.loaded[:10]})"
        if self.version:
            return f"{self.name}, version {self.version}"
        if self.loaded:
            return f"{self.name}, version of {self.loaded[:10]}"
        return self.name


def codebook_report(codebook: Codebook, data: ReportData | None = None, *,
                    with_memos: bool = False, database: str | None = None) -> CodebookReport:
    """The codebook as document entries, in tree order.

    Args:
        codebook: the codebook (``store.codebook()``, or one read from a file).
        data: the project snapshot for usage figures, whose coder selects the codings
            (and the memos); ``None`` for a codebook file (no usage, no memos).
        with_memos: add each theme's memos (those of ``data``'s coder, or everyone's).
        database: the project's file name, for the note under the title.

    With project data the themes are those ``qcahp counts`` lists: the codebook's, and
    a retired theme only while codings of the selection still use it (marked retired).
    """
    counts: dict[str, tuple[int, int]] = {}
    for p in codebook.patterns:
        pos, neg = counts.get(p.theme_id, (0, 0))
        counts[p.theme_id] = (pos, neg + 1) if p.exclude else (pos + 1, neg)
    positive = sum(n for n, _ in counts.values())
    negative = len(codebook.patterns) - positive
    if data is None:
        entries = [Entry(t, path, depth, *counts.get(t.id, (0, 0)))
                   for t, path, depth in _tree(codebook.themes)]
        return CodebookReport(codebook.name, codebook.version, codebook.source, entries,
                              positive, negative, description=codebook.description)
    store = data.store
    figures = {r.theme_id: r.figures for r in theme_counts(data).rows}
    added = store.added_themes()
    notes: dict[str, list[Memo]] = {}
    if with_memos:
        for memo in memos(data, kind="theme"):
            notes.setdefault(memo.theme_id or "", []).append(memo)
    entries = []
    for t in data.themes:
        by = store.theme_added_by(t.id) if t.id in added else None
        entries.append(Entry(
            t, data.path(t.id), data.depth(t.id), *counts.get(t.id, (0, 0)),
            retired=t.id in data.retired, added_by=by[0] if by else None,
            added_at=by[1] if by else None, added=t.id in added, usage=figures.get(t.id),
            memos=tuple(notes.get(t.id, ()))))
    loads = store.codebook_loads()  # the file's own version: (a version of) a date else
    version = loads[-1].version if loads else None
    return CodebookReport(codebook.name, version, codebook.source, entries, positive, negative,
                          coder=data.coder, usage=True, loaded=store.report_codebook_loaded(),
                          database=database, with_memos=with_memos,
                          description=codebook.description)


def subtree_depths(themes: Iterable[Theme], roots: Sequence[str]) -> dict[str, int]:
    """The ids of ``roots`` and of every theme below them, each with its depth under
    the root it is in (a root is at depth 0; a root inside another root's subtree
    keeps its place in that subtree)."""
    children: dict[str, list[str]] = {}
    for t in themes:
        if t.parent_id:
            children.setdefault(t.parent_id, []).append(t.id)

    def below(root: str) -> dict[str, int]:
        found: dict[str, int] = {}
        stack = [(root, 0)]
        while stack:
            theme_id, depth = stack.pop()
            if theme_id not in found:  # a damaged tree's loop ends here
                found[theme_id] = depth
                stack += [(c, depth + 1) for c in children.get(theme_id, ())]
        return found

    trees = {root: below(root) for root in dict.fromkeys(roots)}
    depths: dict[str, int] = {}
    for root, tree in trees.items():
        if not any(root in other for r, other in trees.items() if r != root):
            depths.update(tree)
    return depths


def select_themes(report: CodebookReport, roots: Sequence[str]) -> CodebookReport:
    """``report`` with only ``roots`` and the themes below them (tree order kept, each
    subtree's root a top-level heading; ``depth`` stays the tree's), its pattern totals
    those of the selection."""
    depths = subtree_depths((e.theme for e in report.entries), roots)
    entries = [replace(e, above=e.depth - depths[e.theme.id]) for e in report.entries
               if e.theme.id in depths]
    return replace(report, entries=entries, selected=tuple(dict.fromkeys(roots)),
                   patterns=sum(e.patterns for e in entries),
                   exclusions=sum(e.exclusions for e in entries))


def _tree(themes: tuple[Theme, ...]) -> list[tuple[Theme, str, int]]:
    """Each theme of a codebook file with its path and depth (files list parents first)."""
    by_id = {t.id: t for t in themes}
    out = []
    for t in themes:
        chain, current = [], t
        while current is not None and current not in chain:
            chain.append(current)
            current = by_id.get(current.parent_id) if current.parent_id else None
        out.append((t, " / ".join(c.name for c in reversed(chain)), len(chain) - 1))
    return out


def _flat(text: str) -> str:
    """A definition or criterion as one paragraph (a YAML block keeps its line breaks)."""
    return " ".join(text.split())


def usage_text(entry: Entry) -> str:
    """``3 coded segments in 2 transcripts (2 participants)``; a folder's are rolled up."""
    f = entry.usage
    if f is None:
        return ""
    if not f.segments:
        return "not coded" + (" (nor any theme below it)" if not entry.theme.codable else "")
    text = (f"{plural(f.segments, 'coded segment')} in {plural(f.transcripts, 'transcript')}"
            f" ({plural(f.participants, 'participant')})")
    return text + (", with the themes below it" if not entry.theme.codable else "")


def selection_words(ids: Sequence[str]) -> str:
    """``only serendipity and visibility and the themes below them``."""
    ids = list(dict.fromkeys(ids))
    return (f"only {', '.join(ids[:-1])}{' and ' if ids[:-1] else ''}{ids[-1]} and the "
            f"themes below {'it' if len(ids) == 1 else 'them'}")


def description_paragraphs(report: CodebookReport) -> list[str]:
    """The codebook's own description as paragraphs, for under the document's title:
    split at blank lines, each paragraph's lines joined (a YAML ``|`` block keeps the
    author's line breaks, which a page does not need)."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", report.description)
            if part.strip()]


def about_text(report: CodebookReport) -> str:
    """The paragraph under the title: where the codebook comes from, what usage counts."""
    size = (f"{plural(sum(1 for e in report.entries if not e.retired), 'theme')}, "
            f"{plural(report.patterns, 'pattern')}, "
            f"{plural(report.exclusions, 'exclusion pattern')}")
    if report.selected:
        size = f"{selection_words(report.selected)}: {size}"
    if not report.usage:
        return f"From {report.source}: {size}." if report.source else f"{size}."
    where = f" in {report.database}" if report.database else ""
    when = f", last loaded {report.loaded[:10]}" if report.loaded else ""
    source = f" from {report.source}" if report.source else ""
    who = ("all coders pooled (a passage two coders coded counts once)" if report.coder is None
           else f"coder {report.coder}")
    return (f"The codebook stored{where}{when}{source}: {size}. Usage: coded segments "
            f"(overlapping codings merged), transcripts and participants, {who}; a folder's "
            "figures include the themes below it.")


# ---------------------------------------------------------------------- tables
def codebook_sheet(report: CodebookReport, *, brief: bool = False) -> Sheet:
    """One row per theme (CSV, XLSX): its place, texts, patterns and usage.

    ``brief`` leaves out the definition, criteria and examples (and memos).
    """
    columns = ["path", "id", "name", "kind"] + ([] if brief else TEXT_COLUMNS) + [
        "patterns", "exclusion_patterns", "added_while_coding"] + (
        USAGE_COLUMNS if report.usage else []) + (
        ["memos"] if report.with_memos and not brief else [])
    rows = []
    for e in report.entries:
        t = e.theme
        row: list[Any] = [e.path, t.id, t.name, e.kind + (" (retired)" if e.retired else "")]
        if not brief:
            row += [_flat(t.description), _flat(t.inclusion), _flat(t.exclusion),
                    "\n".join(e.examples)]
        row += [e.patterns, e.exclusions, e.added_cell]
        if report.usage:
            f = e.usage or Figures()
            row += [f.segments, f.transcripts, f.participants]
        if report.with_memos and not brief:
            row.append("\n".join(_memo_line(m) for m in e.memos))
        rows.append(row)
    return Sheet("Codebook", columns, rows, title=report.title,
                 wrap={"definition", "include", "exclude", "examples", "memos"})


def _memo_line(m: Memo) -> str:
    return f"{m.coder} ({m.updated[:10]}): {_flat(m.text)}"


def codebook_json(report: CodebookReport, *, brief: bool = False) -> dict[str, Any]:
    """The JSON document: the codebook's name and version, then one object per theme."""
    themes = []
    for e in report.entries:
        t = e.theme
        item: dict[str, Any] = {
            "id": t.id, "name": t.name, "path": e.path, "depth": e.depth,
            "parent": t.parent_id, "kind": e.kind, "retired": e.retired,
        }
        if not brief:
            item.update({"definition": _flat(t.description), "include": _flat(t.inclusion),
                         "exclude": _flat(t.exclusion), "examples": e.examples})
        item.update({"patterns": e.patterns, "exclusion_patterns": e.exclusions,
                     "added_while_coding": ({"coder": e.added_by, "at": e.added_at}
                                            if e.added else None)})
        if report.usage:
            f = e.usage or Figures()
            item.update({"segments": f.segments, "transcripts": f.transcripts,
                         "participants": f.participants})
        if report.with_memos and not brief:
            item["memos"] = [{"coder": m.coder, "updated": m.updated, "memo": m.text}
                             for m in e.memos]
        themes.append(item)
    return {"report": "codebook", "name": report.name, "version": report.version,
            "description": report.description, "loaded": report.loaded,
            "source": report.source, "usage": report.usage,
            **({"selected": list(report.selected)} if report.selected else {}),
            "coder": report.coder if report.usage else None, "themes": themes}


# ---------------------------------------------------------------------- documents
def _fields(e: Entry, report: CodebookReport, brief: bool) -> list[tuple[str, str | list[str]]]:
    """``(label, text or list)`` of a theme's section, in order, empty ones left out."""
    t = e.theme
    out: list[tuple[str, str | list[str]]] = []
    if not brief:
        out += [(label, _flat(value)) for label, value in (
            ("Definition", t.description), ("Include", t.inclusion),
            ("Exclude", t.exclusion)) if _flat(value)]
        if e.examples:
            out.append(("Examples", [f"\u201c{x}\u201d" for x in e.examples]))
    if report.usage:
        out.append(("Usage", usage_text(e)))
    if e.memos and not brief:
        out.append(("Memos", [_memo_line(m) for m in e.memos]))
    return out


def _small_print(e: Entry) -> str:
    """``career_pathways · folder · added while coding by ann (2026-11-27)``."""
    parts = [e.theme.id]
    if not e.theme.codable:
        parts.append("folder")
    if e.retired:
        parts.append("retired from the codebook, still coded")
    if e.added:
        parts.append(e.added_note)
    return " \u00b7 ".join(parts)


def codebook_markdown(report: CodebookReport, *, brief: bool = False) -> str:
    """The codebook as a Markdown document: a heading per theme, nested as the tree is."""
    lines = [f"# {md_text(report.title)}", ""]
    lines += [x for p in description_paragraphs(report) for x in (md_text(p), "")]
    lines += [md_text(about_text(report)), ""]
    for e in report.entries:
        lines += [f"{'#' * min(e.depth - e.above + 2, 6)} {md_text(e.theme.name)}", "",
                  f"`{e.theme.id}`" + md_text(_small_print(e)[len(e.theme.id):]), ""]
        for label, value in _fields(e, report, brief):
            if isinstance(value, list):
                lines += [f"**{label}:**", ""] + [f"- {md_text(v)}" for v in value] + [""]
            else:
                lines += [f"**{label}:** {md_text(value)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def codebook_docx(report: CodebookReport, *, brief: bool = False) -> bytes:
    """The codebook as a Word document: per theme a heading, its id in small print and a
    table of its definition, criteria, examples (a list) and usage."""
    from docx.shared import Cm, Pt

    doc = word_document(report.title)
    section = doc.sections[0]
    # A narrow label column, the text the rest of the page (Word reads each cell's
    # width; the even split halved every definition's width). A fixed 3 + 13 cm ran
    # past the margin: the text is 15.2 cm wide on Letter, 14.7 cm on A4.
    label_width = Cm(3)
    value_width = section.page_width - section.left_margin - section.right_margin \
        - label_width
    doc.add_heading(word_safe(report.title), level=0)
    for paragraph in description_paragraphs(report):
        doc.add_paragraph(word_safe(paragraph))
    doc.add_paragraph(word_safe(about_text(report)))
    for e in report.entries:
        doc.add_heading(word_safe(e.theme.name), level=min(e.depth - e.above + 1, 9))
        small = doc.add_paragraph().add_run(word_safe(_small_print(e)))
        small.font.size = Pt(8)
        fields = _fields(e, report, brief)
        if not fields:
            continue
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.autofit = False
        table.columns[0].width, table.columns[1].width = label_width, value_width
        for label, value in fields:
            label_cell, value_cell = table.add_row().cells
            label_cell.width, value_cell.width = label_width, value_width
            label_cell.paragraphs[0].add_run(label).bold = True
            if isinstance(value, list):
                value_cell.paragraphs[0].text = word_safe(value[0])
                value_cell.paragraphs[0].style = "List Bullet"
                for item in value[1:]:
                    value_cell.add_paragraph(word_safe(item), style="List Bullet")
            else:
                value_cell.paragraphs[0].text = word_safe(value)
        doc.add_paragraph()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()



def codebook_listing(codebook: Codebook, header: str, *, brief: bool = False,
                     selected: Sequence[str] = ()) -> str:
    """The terminal listing of ``qcahp codebook show``: the tree with pattern counts and,
    unless ``brief``, each theme's definition, criteria and examples; with ``selected``
    ids only those themes and the themes below them, each such subtree from the left."""
    counts: dict[str, list[int]] = {}
    for p in codebook.patterns:
        counts.setdefault(p.theme_id, [0, 0])[1 if p.exclude else 0] += 1
    depths = subtree_depths(codebook.themes, selected) if selected else None
    lines = [header]
    for theme, _, level in _tree(codebook.themes):
        if depths is not None:
            if theme.id not in depths:
                continue
            level = depths[theme.id]
        pad = "  " * level
        pos, neg = counts.get(theme.id, [0, 0])
        kind = "folder" if not theme.codable else f"{pos} pattern{'' if pos == 1 else 's'}" + (
            f", {neg} exclusion{'' if neg == 1 else 's'}" if neg else "")
        lines.append(f"{pad}{theme.id}  {theme.name}  [{theme.color}] ({kind})")
        if brief:
            continue
        for label, value in (("definition", theme.description), ("include", theme.inclusion),
                             ("exclude", theme.exclusion)):
            if value:
                lines.append(f"{pad}    {label}: {_flat(value)}")
        if theme.examples:
            lines.append(f"{pad}    examples: " + "; ".join(f'"{e}"' for e in theme.examples))
    return "\n".join(lines) + "\n"
