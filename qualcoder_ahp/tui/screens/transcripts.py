"""The transcripts screen: every transcript with this coder's progress; Enter opens one.

Imports and suggestion runs start here and run in thread workers (each opens its
own database connection); progress arrives as :class:`JobProgress` messages and
the table reloads when a :class:`JobFinished` arrives.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, ProgressBar, Static
from textual.worker import get_current_worker

from qualcoder_ahp.errors import ProjectBusy, UserError, database_problem
from qualcoder_ahp.model.store import Store
from qualcoder_ahp.tui import jobs
from qualcoder_ahp.tui.follow import withdrawn_meanwhile
from qualcoder_ahp.tui.messages import JobFinished, JobProgress
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter
from qualcoder_ahp.tui.widgets.marks import ink

COLUMNS = ("transcript", "participant", "words", "decided", "codings")
"""The table's columns; the second is headed ``attributes`` when every transcript carries
its participant's name (see :func:`who_cells`) and left out when it would be empty."""

ATTRIBUTES_MAX = 60
"""The most columns the participant's attributes take on a wide screen (the rest: …)."""


def who_cells(label: str, code: str | None,
              attributes: dict[str, dict[str, str]]) -> tuple[str, str]:
    """``(code, attributes)`` of a transcript's participant as the table's second column
    shows them: the code only when it is not the transcript's own name (the demo's
    ``physio_helen`` is ``physio_helen``'s interview: the column repeated every name),
    then the participant's attribute values in the order the attributes were defined
    (the participants file's columns, as ``Store.participants()`` gives them), as the
    framework cell's title gives them (``Physiotherapist · Deputy chief operating
    officer · …``): who the person is, which is what a researcher picking the next
    interview to code looks for."""
    values = [v for v in attributes.get(code or "", {}).values() if v.strip()]
    return ("" if code in (None, label) else code), " \u00b7 ".join(values)


def import_paths_of(value: str) -> list[str] | None:
    """The files or folders typed in the import dialog, or None if they cannot be read.

    Several paths are split as a shell would (quotes group), with ``~`` expanded. One
    existing path is taken whole, so ``my interview.txt`` or ``O'Brien.docx`` need no
    quotes (an unmatched apostrophe used to crash the workbench in ``shlex``).
    """
    whole = Path(value.strip()).expanduser()
    if whole.exists():
        return [str(whole)]
    try:
        parts = shlex.split(value)
    except ValueError:
        return None
    return [str(Path(p).expanduser()) for p in parts]


def report_text(label: str, summary: str, dark: bool = True) -> Group:
    """A job's summary with failures or notes, as the report panel shows it: a heading
    naming the job and the key that closes it, then each kind of problem and the
    problems under it, one to a line and indented as a block when it wraps (the summary
    joins them with "; "). ``dark``: the colours for the dark or the light theme."""
    heading = {"Importing": "Import", "Suggesting": "Suggestions",
               "Loading codebook": "Codebook"}.get(label, label)
    first, _, rest = summary.partition("; ")
    lines: list[RenderableType] = [Text.assemble((f"{heading}: {first}", "bold"),
                                                 ("  (Escape closes this)", "dim"))]
    for part in rest.split("; ") if rest else ():
        for word in ("failed", "note", "skipped as withdrawn from this project", jobs.NEXT):
            if part.startswith(f"{word}: "):
                part = part[len(word) + 2:]
                lines.append(Text(f"{word}:", style="bold" if word == jobs.NEXT else ink(
                    "rejected" if word == "failed" else "undecided", dark, bold=True)))
        lines.append(Padding(Text(part), (0, 0, 0, 2)))
    return Group(*lines)


def who_text(code: str, attributes: str, width: int | None = None) -> Text:
    """The second column's cell: the participant's code (whole: it wraps with the names),
    then the attributes, dimmed and cut with … to ``width`` columns on one line."""
    text = Text(code)
    if attributes:
        text.append((" \u00b7 " if code else "") + attributes, style="dim")
    if width is not None and text.cell_len > width and text.cell_len - len(attributes) <= width:
        text.truncate(width, overflow="ellipsis")
    return text


class TranscriptTable(DataTable[object], inherit_bindings=False):
    """The transcripts table without its own (hidden) Enter binding.

    DataTable's Enter shadowed the screen's, so the footer never showed "Open". A
    priority binding on the screen would show it but runs ahead of the table's
    queued keys: typing ↓ Enter quickly opened the row above. Without the table's
    binding, Enter reaches the screen in order, after the ↓. A click still opens the
    row (RowSelected). Home and End go to the first and last transcript (a DataTable's
    own scroll sideways: they did nothing here).
    """

    BINDINGS = [*(b for b in DataTable.BINDINGS
                  if not (isinstance(b, Binding) and b.key in ("enter", "home", "end"))),
                Binding("home", "scroll_top", "First", show=False),
                Binding("end", "scroll_bottom", "Last", show=False)]


class TranscriptsScreen(Screen[None]):
    """List of transcripts, sortable; Enter opens the coding screen."""

    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Code the highlighted transcript"),
        Binding("s", "sort", "Sort", tooltip="Sort by the next column (again: reverse)"),
        Binding("g", "next_undecided", "Undecided",
                tooltip="Open the first suggestion you have not decided yet"),
        # "(a worker)" told a researcher nothing.
        Binding("i", "import_files", "Import",
                tooltip="Import transcript files or folders (in the background, with a "
                        "progress bar)"),
        Binding("S", "suggest", "Suggest",
                tooltip="Run the codebook's patterns over every transcript for suggestions "
                        "(in the background, with a progress bar)"),
        Binding("F", "app.find_all", "Find", tooltip="Search every transcript for a word "
                "or pattern, read the hits in context, code them"),
        Binding("L", "load_codebook", "Load codebook",
                tooltip="Load a codebook file (YAML, patterns JSONL or REFI-QDA .qdc) into a "
                        "project without one (in the background); a new version: qcahp "
                        "codebook load"),
        Binding("escape", "dismiss_report", "Dismiss",
                tooltip="Close the report of the last import or suggestion run"),
        Binding("n", "rename", "Rename", show=False,
                tooltip="Rename the highlighted transcript (a file name that names someone); "
                        "codings and memos stay attached"),
    ]

    def __init__(self, store: Store, coder: str) -> None:
        super().__init__()
        self.store = store
        self.coder = coder
        self.sort_column = 0
        self.sort_reverse = False
        self.store_stale = False
        self.title = "Transcripts"

    def compose(self) -> ComposeResult:
        yield Header()
        table = TranscriptTable(id="transcripts", cursor_type="row", zebra_stripes=True)
        yield table
        yield Label("No transcripts yet: press i to import files or folders, then S to run "
                    "the codebook's suggestions.", id="empty-hint")
        with VerticalScroll(id="job-report"):
            yield Static(id="job-report-text")
        yield Label("", id="job-label")
        yield ProgressBar(id="job-progress", show_eta=False)
        yield WorkbenchFooter()

    def on_mount(self) -> None:
        self.query_one("#job-progress").display = False
        self.query_one("#job-label").display = False
        self.query_one("#job-report").display = False
        self.reload()
        self._to_last_transcript()
        self.query_one(DataTable).focus()

    def _to_last_transcript(self) -> None:
        """Start on the transcript this coder last had open (Enter reopens it at their place)."""
        from qualcoder_ahp.tui.screens.coding import last_transcript

        table = self.query_one("#transcripts", DataTable)
        last = last_transcript(self.store, self.coder)
        if last is not None and str(last) in {str(key.value) for key in table.rows}:
            table.move_cursor(row=table.get_row_index(str(last)))

    def on_resize(self) -> None:
        """The name columns' widths depend on the terminal's."""
        self.reload()

    def on_screen_resume(self) -> None:
        """Progress may have changed on the coding screen (or in another window)."""
        self.store_stale = False
        self.reload()

    def store_changed(self) -> None:
        """Another connection committed (the app's poll): re-read progress and codings."""
        self.store_stale = False
        self.reload()

    def reload(self) -> None:
        """Rebuild the table from the store, keeping the sort and the cursor row."""
        table = self.query_one("#transcripts", DataTable)
        selected = self._selected_id()
        progress = self.store.transcript_progress(self.coder)
        people = self.store.participants()
        rows = []
        for info in self.store.transcripts():
            p = progress.get(info.id)
            total, decided, codings = (p.suggestions, p.decided, p.codings) if p else (0, 0, 0)
            rows.append((info.id, (info.label, who_cells(info.label, info.participant, people),
                                   info.words,
                                   (decided / total if total else -1.0, decided, total),
                                   codings)))
        codes = any(code for _, (_, (code, _), *_) in rows)
        attrs = any(attributes for _, (_, (_, attributes), *_) in rows)
        self.who_shown = codes or attrs
        if not self.who_shown and self.sort_column == 1:
            self.sort_column = 2  # the column left out
        rows.sort(key=lambda r: r[1][self.sort_column], reverse=self.sort_reverse)
        names = [name for i, name in enumerate(COLUMNS) if i != 1 or self.who_shown]
        if self.who_shown and not codes:
            names[1] = "attributes"
        table.clear(columns=True)
        width = self.size.width or self.app.size.width
        # Names are the point of this table, so they are never cut short; but long file
        # names would push the progress columns off an 80-column screen, so then the
        # two name columns share the room left and wrap onto more lines instead. The
        # attributes after a participant's code take what room is left and are cut with …
        label_w = max([len(names[0]) + 2, *(len(r[1][0]) for r in rows)])
        figures = [(words, f"{decided}/{total}", codings)
                   for _, (_, _, words, (_, decided, total), codings) in rows]
        tail = [max([len(name) + 2, *(len(str(f[i])) for f in figures)])
                for i, name in enumerate(names[-3:])]
        room = width - sum(tail) - 2 * len(names) - 2
        widths = [label_w]
        wrap = False
        if self.who_shown:
            code_w = max([len(names[1]) + 2, *(len(code) for _, (_, (code, _), *_) in rows)])
            wrap = label_w + code_w > room
            if wrap:
                share = max(16, room // 2)
                widths = [min(label_w, share)]
                code_w = min(code_w, share)
            whole = max(len(who_text(code, attributes)) for _, (_, (code, attributes), *_)
                        in rows)
            widths.append(max(code_w, min(whole, room - widths[0], ATTRIBUTES_MAX)))
        elif label_w > room:
            wrap = True
            widths = [max(16, room)]
        widths += tail
        for i, name in enumerate(names):
            column = COLUMNS[i if self.who_shown or i == 0 else i + 1]
            arrow = ((" ▼" if self.sort_reverse else " ▲")
                     if COLUMNS.index(column) == self.sort_column else "")
            table.add_column(name + arrow, key=column, width=widths[i])
        for (tid, (label, (code, attributes), *_)), figure in zip(rows, figures):
            cells: list[object] = [Text(label)]
            if self.who_shown:
                cells.append(who_text(code, attributes, widths[1]))
            cells += figure
            table.add_row(*cells, key=str(tid), height=None if wrap else 1)
        if selected is not None and str(selected) in {str(r[0]) for r in rows}:
            table.move_cursor(row=table.get_row_index(str(selected)))
        count = len(rows)
        self.sub_title = (f"coder: {self.coder} · {count} transcript"
                          f"{'' if count == 1 else 's'}")
        hint = self.query_one("#empty-hint", Label)
        hint.display = not rows
        # L comes to the front of the footer without one (refresh_bindings below).
        self.has_codebook = codebook = bool(self.store.themes(include_inactive=True))
        if not rows:
            # Name the codebook step too when it is missing: S needs one.
            hint.update("No transcripts yet: press i to import files or folders, then S to run "
                        "the codebook's suggestions." if codebook else
                        "No transcripts yet: press i to import files or folders. There is no "
                        "codebook either: press L to load one (a YAML file), then press S to run "
                        "its suggestions.")
        table.display = bool(rows)
        self.refresh_bindings()  # Open and Sort appear with the first transcript

    def _selected_id(self) -> int | None:
        table = self.query_one("#transcripts", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Open and sort need rows; jobs need a database file a worker can open."""
        if action in ("open", "sort", "rename"):
            return self.query_one("#transcripts", DataTable).row_count > 0
        if action in ("import_files", "suggest"):
            return getattr(self.app, "store_path", None) is not None
        if action == "load_codebook":
            # Shown (footer, palette) only without a codebook; with one, L is the app's,
            # which says that a new version is loaded in a terminal.
            return getattr(self.app, "store_path", None) is not None and not self.has_codebook
        if action == "dismiss_report":
            return bool(self.query_one("#job-report").display)
        return True

    def footer_first(self) -> tuple[str, ...]:
        """With a report on screen, the key that closes it comes first (see the footer);
        in a project without a codebook, L (load one) next: at 80 columns it came after
        the keys that fit, and the screen sent a new user to a terminal for it."""
        return ("dismiss_report",) + (() if self.has_codebook else ("load_codebook",))

    has_codebook = True

    who_shown = True
    """Whether the participant (or attributes) column is drawn (set by :meth:`reload`)."""
    """Whether the project has a theme (set by :meth:`reload`)."""

    def action_dismiss_report(self) -> None:
        """Close the last job's report (failures stay until read and dismissed)."""
        self._show_report(None)

    def _show_report(self, report: Group | None) -> None:
        panel = self.query_one("#job-report", VerticalScroll)
        panel.display = report is not None
        self.query_one("#job-report-text", Static).update(report or "")
        self.refresh_bindings()  # "esc Dismiss" comes and goes with it

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Open the highlighted transcript for coding."""
        tid = self._selected_id()
        if tid is not None:
            self.open_transcript(tid)

    def open_transcript(self, transcript_id: int, suggestion_id: int | None = None) -> None:
        """Push the coding screen on a transcript (optionally at a suggestion)."""
        from qualcoder_ahp.tui.screens.coding import CodingScreen

        if withdrawn_meanwhile(self, self.store, transcript_id):
            return
        self.app.push_screen(CodingScreen(self.store, self.coder, transcript_id, suggestion_id))

    def action_sort(self) -> None:
        """Cycle the sort: each column ascending, then descending."""
        if self.sort_reverse:
            self.sort_column = (self.sort_column + 1) % len(COLUMNS)
            if self.sort_column == 1 and not self.who_shown:  # a column left out
                self.sort_column = 2
        self.sort_reverse = not self.sort_reverse
        self.reload()

    def action_next_undecided(self) -> None:
        """Open the first undecided suggestion in the corpus."""
        found = self.store.next_undecided(self.coder, -1, -1)
        if found is None:
            if not self.store.suggestions(status="open"):
                # Name only the steps still missing (this used to ask for an import in
                # a project full of transcripts).
                steps = []
                if not self.store.transcripts():
                    steps.append("import transcripts (i)")
                if not any(t.codable for t in self.store.themes()):
                    steps.append("load a codebook (L)")
                steps.append("press S to run the codebook's patterns")
                self.notify("No suggestions yet: " + ", then ".join(steps) + ".", markup=False)
                return
            self.notify("Every suggestion is decided.")
            return
        self.open_transcript(found.transcript_id, found.id)

    def _job_running(self) -> bool:
        """Whether an import or suggestion job is running (then say so)."""
        running = [w for w in self.app.workers if w.group == "jobs" and w.is_running]
        if running:
            what = (running[0].description or "job").lower()
            self.notify(f"Wait for the running job ({what}) to finish: the bar below shows "
                        "how far it is.", severity="warning", markup=False)
        return bool(running)

    def action_import_files(self) -> None:
        """Ask for files or folders and import them in a worker."""
        from qualcoder_ahp.tui.screens.modals import PathSuggester, SearchModal

        if self._job_running():
            return

        def start(value: str | None) -> None:
            if not value or not value.strip():
                return
            paths = import_paths_of(value)
            if paths is None:
                self.notify("Could not read those paths: put a name with spaces or an "
                            "apostrophe in double quotes, e.g. \"O'Brien interview.docx\".",
                            severity="warning", timeout=10, markup=False)
                return
            self._import(paths)

        # A new user could not tell where a relative path starts, nor what Enter does.
        here = Path.cwd()
        self.app.push_screen(SearchModal(
            "", "files or folders to import",
            hint=f"Enter imports · Tab completes a name · Escape cancels · a relative path "
                 f"starts in {here}; several paths: spaces between, a name with spaces in "
                 "double quotes", suggester=PathSuggester()), start)

    def action_load_codebook(self) -> None:
        """Ask for a codebook file and store it in a worker (a project without one)."""
        from qualcoder_ahp.tui.screens.modals import PathSuggester, SearchModal

        if self._job_running():
            return
        if self.store.themes(include_inactive=True):
            self.notify("This project has a codebook: load a new version in a terminal with "
                        "`qcahp codebook load FILE`, which says what it changes.",
                        severity="warning", markup=False)
            return

        def start(value: str | None) -> None:
            if not value or not value.strip():
                return
            paths = import_paths_of(value)
            if paths is None or len(paths) != 1:
                self.notify("Type one codebook file (a name with spaces needs no quotes).",
                            severity="warning", markup=False)
                return
            path = paths[0]
            self._start_job("Loading codebook", "Codebook",
                            lambda report: jobs.load_first_codebook(self.app.store_path, path,
                                                                    report))

        here = Path.cwd()
        self.app.push_screen(SearchModal(
            "", "codebook file (.yaml, .jsonl or .qdc)",
            hint=f"Enter loads it · Tab completes a name · Escape cancels · a relative path "
                 f"starts in {here}; see docs/codebook.md for writing one",
            suggester=PathSuggester()), start)

    def action_rename(self) -> None:
        """Rename the highlighted transcript, every version (``qcahp transcripts rename``):
        a name taken from its file (``physio_helen``) names the participant in every
        quote and export."""
        from qualcoder_ahp.model.privacy_store import transcript_name_problem
        from qualcoder_ahp.tui.screens.modals import SearchModal

        tid = self._selected_id()
        if tid is None:
            return
        old = self.store.transcript(tid).name
        taken = {t.name.casefold(): t.name for t in self.store.transcripts() if t.name != old}

        def check(value: str) -> str | None:
            new = value.strip()
            if not new:
                return "Type the new name (Escape keeps the old one)."
            if new.casefold() in taken:
                return f"Another transcript is named {taken[new.casefold()]!r}."
            return transcript_name_problem(new)

        def rename(value: str | None) -> None:
            if value is None or value.strip() == old:
                return
            try:
                done = self.store.rename_transcript(old, value, by=self.coder)
            except ProjectBusy:
                raise  # the busy dialog says so; nothing was changed
            except UserError as exc:  # renamed meanwhile from a terminal, say
                self.notify(str(exc), severity="warning", markup=False)
                return
            self.reload()
            who = " and its participant" if done["participant"] else ""
            self.notify(f"Renamed {old!r}{who} to {done['to']!r}; codings and memos stay. "
                        "Reports exported before still say the old name.", markup=False)

        self.app.push_screen(SearchModal(
            old, "new name for the transcript",
            hint="Enter renames it (every version) · Escape cancels · its codings, memos "
                 "and log stay; the old name leaves the project",
            check=check), rename)

    def action_suggest(self) -> None:
        """Run suggestions over the corpus in a worker."""
        self._suggest()

    # ------------------------------------------------------------------ workers
    def _import(self, paths: list[str]) -> None:
        self._start_job("Importing", "Import",
                        lambda report: jobs.import_files(self.app.store_path, paths, report))

    def _suggest(self) -> None:
        self._start_job("Suggesting", "Suggestions",
                        lambda report: jobs.suggest(self.app.store_path, report))

    def _start_job(self, label: str, description: str,
                   job: Callable[[jobs.ProgressFn], str]) -> None:
        """Run ``job`` in a thread worker owned by the app (whose one handler reports errors).

        One job at a time: a second S or i while one runs used to start a second
        writer beside it (the "exclusive" worker flag cannot stop a running thread),
        with two jobs' progress fighting over one bar.
        """
        if self._job_running():
            return
        self._show_report(None)  # an old failure must not sit over the new run's outcome

        def run() -> None:
            summary: str | None = None
            error: str | None = None
            try:
                summary = job(self._progress(label))
            except UserError as exc:  # the user's to fix: said in the report, like failures
                error = str(exc)
            except ProjectBusy as exc:  # another qcahp wrote for the whole busy timeout
                error = database_problem(exc)
            except jobs.JobStopped:  # the workbench is closing: nothing more to say
                pass
            finally:  # anything else: the app's Worker.StateChanged handler shows it
                self.post_message(JobFinished(label, summary, error))

        self.app.run_worker(run, thread=True, exclusive=True, group="jobs",
                            exit_on_error=False, description=description)

    def _progress(self, label: str) -> jobs.ProgressFn:
        return _Reporter(self, label)

    @on(JobProgress)
    def _show_progress(self, message: JobProgress) -> None:
        bar = self.query_one("#job-progress", ProgressBar)
        label = self.query_one("#job-label", Label)
        bar.display = label.display = True
        label.update(Text(f"{message.label}… {message.done}/{message.total}"))
        bar.update(total=max(1, message.total), progress=message.done)

    @on(JobFinished)
    def _finished(self, message: JobFinished) -> None:
        self.query_one("#job-progress").display = False
        self.query_one("#job-label").display = False
        if message.error is not None:
            self._show_report(report_text(message.label, f"failed; {message.error}",
                                          self.app.current_theme.dark))
        if message.summary is not None:
            # Failures and notes (an unlabelled file) stay on the screen until Escape or
            # the next run: a toast hid a dozen lines of them after 30 s, sat over the
            # table meanwhile, and stayed over the next run's success.
            trouble = any(f"; {w}: " in message.summary for w in (
                "failed", "note", "skipped as withdrawn from this project"))
            if trouble:
                self._show_report(report_text(message.label, message.summary,
                                              self.app.current_theme.dark))
            else:
                self.notify(message.summary, title=message.label, markup=False)
        self.reload()
        mark_seen = getattr(self.app, "mark_store_seen", None)
        if mark_seen is not None:  # the worker's commits are ours: no "Updated" toast
            mark_seen()


class _Reporter:
    """A job's progress callback (``report(done, total)``), which also hears when the job
    waits for another process's write lock (``lock_wait``, see :class:`jobs._open`)."""

    def __init__(self, screen: TranscriptsScreen, label: str) -> None:
        self.screen = screen
        self.label = label
        self.last = (0, 0)
        self.said = False

    def __call__(self, done: int, total: int) -> None:
        # Quitting cancels the worker, but a thread cannot be stopped from outside: it
        # stops itself here, after the file or transcript in hand. The screen used to go
        # blank until the whole import or suggestion run had finished.
        if get_current_worker().is_cancelled:
            raise jobs.JobStopped
        self.last, self.said = (done, total), False
        self.screen.post_message(JobProgress(self.label, done, total))

    def lock_wait(self, waited: float) -> None:
        """Waiting for another qcahp's write lock: say so after a second (once per wait);
        stop waiting when the workbench closes."""
        if get_current_worker().is_cancelled:
            raise jobs.JobStopped
        if waited >= 1.0 and not self.said:
            self.said = True
            self.screen.post_message(JobProgress(
                f"{self.label}: waiting for another qcahp to finish writing", *self.last))
