"""Long jobs the workbench starts: import, suggestions, the demo project (no Textual).

Each job opens its own connection to the project database, because a thread
worker must not share the UI thread's sqlite connection, and reports progress
through a plain ``progress(done, total)`` callback (a click progress bar in the
CLI, a :class:`~qualcoder_ahp.tui.messages.JobProgress` message in the TUI). The
work itself is done by the core: :mod:`qualcoder_ahp.importers` and
:mod:`qualcoder_ahp.suggest`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import qualcoder_ahp
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import Store, open_store

ProgressFn = Callable[[int, int], None]


class JobStopped(Exception):
    """Raised by a job's progress callback to stop it between files or transcripts
    (the workbench is closing): what was stored so far is whole, the rest is left for
    the next run."""

REPO = Path(qualcoder_ahp.__file__).resolve().parent.parent


def _demo_root() -> Path:
    """Where the bundled ``transcripts/`` and ``codebooks/`` are: the checkout (an
    editable install or a clone), else the copy a wheel installs under
    ``<prefix>/share/qualcoder-ahp`` (pyproject's data-files)."""
    if (REPO / "codebooks" / "ahp-leadership.yaml").is_file():
        return REPO
    return Path(sys.prefix) / "share" / "qualcoder-ahp"


DEMO_TRANSCRIPTS = _demo_root() / "transcripts"
DEMO_CODEBOOK = _demo_root() / "codebooks" / "ahp-leadership.yaml"
DEMO_CODER = "demo"


def _adapt(progress: ProgressFn | None) -> Callable[..., None] | None:
    """Accept the core's progress calls, whatever extra arguments they pass."""
    if progress is None:
        return None

    def call(done: int, total: int, *_: Any, **__: Any) -> None:
        progress(int(done), int(total))

    return call


def _core(module: str) -> Any:
    try:
        return __import__(module, fromlist=["*"])
    except ImportError as exc:
        raise UserError(f"{module} is not available in this build ({exc})") from None


NAME_CLASH_ADVICE = ("rename the file to import it as another transcript (a new version "
                     "of that interview is imported with `qcahp import --new-version FILE`)")
"""What the import dialog says about a transcript name already taken by other text.
The dialog has no --new-version flag to point at: renaming is what can be done here;
storing a new version of an interview is the command line's."""

_CLI_FLAG = "use --new-version"
_CLI_FLAG_HERE = "import it with `qcahp import --new-version FILE`"
_CLI_FLAG_STORES = "`qcahp import --new-version FILE` stores"


_ROLE_FLAGS = (
    ("import the file again with --interviewer NAME",
     "import it again in a terminal: qcahp import FILE --interviewer NAME"),
    ("if it is one, import with --participant-speaker",
     "if it is one, import it again in a terminal: qcahp import FILE --participant-speaker"),
)
"""The importer's notes on speakers' roles name flags of ``qcahp import``, which the
dialog does not have: here they become the command to run (the roles of a file
imported already change when it is imported again with them)."""


def note_for_dialog(note: str) -> str:
    """An importer's note as the dialog shows it: a flag becomes the command to run."""
    for cli, here in _ROLE_FLAGS:
        note = note.replace(cli, here)
    return note.replace("--new-version stores", _CLI_FLAG_STORES)


def for_dialog(reason: str) -> str:
    """An import failure as the dialog shows it: no flag the dialog does not have.

    The store's own message takes :data:`NAME_CLASH_ADVICE`; the importer's "another
    file of this import ... or use --new-version" names the CLI's flag, which here
    becomes the command to run.
    """
    return reason.replace(_CLI_FLAG, _CLI_FLAG_HERE)


NEXT = "next"
"""The last part of an import's summary, after "; ": what to do next (press S)."""


def import_files(store_path: Path | None, paths: list[str],
                 progress: ProgressFn | None = None) -> str:
    """Import transcript files or folders into the project; returns a one-line summary."""
    importers = _core("qualcoder_ahp.importers")
    with _open(store_path, progress) as store:
        store.name_clash_advice = NAME_CLASH_ADVICE
        result = importers.import_paths(store, [Path(p) for p in paths],
                                        progress=_adapt(progress))
        notes = _import_notes(store, result)
        new = len(getattr(result, "imported", ()))
        # A transcript imported into a project with patterns has no suggestions until S:
        # its row said "decided 0/0", as if no pattern had found anything in it.
        suggest = (f"; {NEXT}: press S to look for suggestions in the new transcript"
                   f"{'s' if new > 1 else ''}") if new and store.patterns() else ""
    summary = _summary("imported", result)
    failed = getattr(result, "failed", None)
    if failed:  # files that failed are reported, never raised, by the importer
        # Each reason already names its file; show a few, and how many more there are.
        summary += "; failed: " + "; ".join(for_dialog(reason) for _path, reason in failed[:3])
        if len(failed) > 3:
            summary += f"; and {len(failed) - 3} more"
    withdrawn = getattr(result, "withdrawn", None)
    if withdrawn:  # a folder still holding a withdrawn interview: say which file was skipped
        names = ", ".join(Path(path).name for path, _reason in withdrawn[:3])
        more = f" and {len(withdrawn) - 3} more" if len(withdrawn) > 3 else ""
        summary += (f"; skipped as withdrawn from this project: {names}{more} "
                    "(`qcahp import FILE --readmit` brings one back on purpose)")
    if notes:  # what `qcahp import` says in its "note:" lines, the dialog says too
        summary += "; note: " + "; ".join(notes[:3])
        if len(notes) > 3:
            summary += f"; and {len(notes) - 3} more notes"
    return summary + suggest


def _import_notes(store: Store, result: Any) -> list[str]:
    """The notes on the files imported: a file without speaker labels (all of it, the
    questions too, is read as the participant's and gets suggestions) and what a reader
    noticed (a PDF's pages without text). The dialog used to show only the counts."""
    unlabelled = _core("qualcoder_ahp.importers.turns").UNLABELLED
    notes = []
    for info in getattr(result, "imported", ()):
        if set(store.speakers(info.id)) == {unlabelled}:
            notes.append(f"{info.name}: no speaker labels found, so all of it is read as "
                         "the participant's, questions included (label turns as "
                         "'Name: ...' to tell the interviewer apart)")
        notes += [f"{info.name}: {note_for_dialog(note)}"
                  for t, note in getattr(result, "notes", ()) if t.id == info.id]
    imported = {info.id for info in getattr(result, "imported", ())}
    for info, source in zip(getattr(result, "unchanged", ()),
                            getattr(result, "unchanged_files", ()), strict=False):
        if Path(source).stem != info.name:  # a copy under another name, as `qcahp import`
            # says: "1 unchanged" alone left the researcher looking for the file's name.
            notes.append(f"{Path(source).name}: not imported: same text as the transcript "
                         f"{info.name}")
    for info in getattr(result, "unchanged", ()):  # an unchanged file read differently
        if info.id in imported:
            continue
        notes += [f"{info.name}: {note_for_dialog(note)}"
                  for t, note in getattr(result, "notes", ()) if t.id == info.id]
    return notes


def suggest(store_path: Path | None, progress: ProgressFn | None = None) -> str:
    """Run the stored codebook's patterns over every transcript; returns a summary."""
    engine = _core("qualcoder_ahp.suggest.runner")
    with _open(store_path, progress) as store:
        if not store.themes(include_inactive=True):  # L is the workbench's way to one
            raise UserError("the project has no codebook: press L to load one (a YAML "
                            "file), then S")
        result = engine.run_suggestions(store, progress=_adapt(progress))
    return _summary("suggestions", result)


NO_CODEBOOK = "No codebook yet: press L to load one (a YAML file; see docs/codebook.md)."
"""What a key that needs themes says in a project without any."""


def load_first_codebook(store_path: Path | None, path: str,
                        progress: ProgressFn | None = None) -> str:
    """Check the codebook file ``path`` and store it in a project that has no themes yet,
    its patterns analysed; returns the summary the workbench shows.

    A file with errors stores nothing: the summary lists each error ("; failed: ...",
    as an import's failed files), its warnings as notes. A new version over a codebook
    is ``qcahp codebook load``'s, which says what it changes (themes retired, edits
    replaced); this refuses it.
    """
    codebook = _core("qualcoder_ahp.suggest.codebook")
    if progress is not None:
        progress(0, 1)  # "Loading codebook… 0/1" while the file is read and checked
    result = codebook.check_codebook(path)
    notes = "".join(f"; note: {warning}" for warning in result.warnings)
    if result.errors or result.codebook is None:
        return (f"{path} not loaded (nothing stored); failed: "
                + "; ".join(result.errors) + notes)
    with _open(store_path, progress) as store:
        if store.themes(include_inactive=True):
            raise UserError("this project has a codebook already: load a new version in a "
                            "terminal with `qcahp codebook load FILE`, which says what it "
                            "changes", path=path)
        store.save_codebook(result.codebook)
        # As `qcahp codebook load`: a .qdc's codes without a colour go back without.
        _core("qualcoder_ahp.refi.codes").remember_colours(store, path, result.codebook)
        _core("qualcoder_ahp.suggest.runner").analyse_codebook(store, progress)
    return (f"Loaded {result.codebook.name!r} from {path}: {result.codebook.sizes()}. "
            "Press S to run its suggestions." + notes)


def load_codebook(store: Store, path: Path) -> None:
    """Read a codebook file and store it (ids and GUIDs of known themes are kept)."""
    codebook = _core("qualcoder_ahp.suggest.codebook")
    loaded = codebook.load_codebook(path)
    # A .qdc code renamed in another tool (its GUID kept) is its theme here, renamed.
    loaded = _core("qualcoder_ahp.refi.codes").match_stored_themes(store, path, loaded)
    store.save_codebook(loaded)
    # As `qcahp codebook load`: a .qdc's codes without a colour go back without.
    _core("qualcoder_ahp.refi.codes").remember_colours(store, path, loaded)
    # Analyse the regular expressions now, once per version (see analyse_codebook).
    _core("qualcoder_ahp.suggest.runner").analyse_codebook(store)


def build_demo(store: Store, import_progress: ProgressFn | None = None,
               suggest_progress: ProgressFn | None = None) -> bool:
    """Fill an empty project with the bundled transcripts and codebook, then suggest.

    The participants' attributes (``transcripts/participants.csv``) are loaded too, so
    the demo's reports can break counts down by profession or distance from the board.

    Returns False (and changes nothing) when the project already holds transcripts,
    so running the demo again reopens the same project unchanged.
    """
    if store.transcripts():
        return False
    for needed in (DEMO_TRANSCRIPTS, DEMO_CODEBOOK):
        if not needed.exists():
            raise UserError("the bundled demo data is missing", path=str(needed))
    load_codebook(store, DEMO_CODEBOOK)
    importers = _core("qualcoder_ahp.importers")
    # The folder's README describes the interviews; it is not one of them.
    files = [p for p in importers.collect_files([DEMO_TRANSCRIPTS])
             if not p.name.lower().startswith("readme")]
    report = importers.import_paths(store, files, progress=_adapt(import_progress))
    attributes = DEMO_TRANSCRIPTS / "participants.csv"
    if attributes.exists():
        importers.import_participants(store, attributes)
    failed = getattr(report, "failed", None)
    if failed:
        path, reason = failed[0]
        raise UserError(f"a bundled demo transcript failed to import: {reason}", path=path)
    engine = _core("qualcoder_ahp.suggest.runner")
    engine.run_suggestions(store, progress=_adapt(suggest_progress))
    store.ensure_coder(DEMO_CODER)
    return True


class _open:
    """Context manager: a fresh connection to the project for a worker thread.

    A ``progress`` callback with a ``lock_wait(waited)`` method hears it while the job
    waits for another process's write lock (:attr:`Store.on_lock_wait`): the workbench
    says so under its progress bar, and stops the wait when it closes.
    """

    def __init__(self, path: Path | None, progress: object = None) -> None:
        if path is None:
            raise UserError("background jobs need a project database file")
        self.path = path
        self.waiting = getattr(progress, "lock_wait", None)

    def __enter__(self) -> Store:
        self.store = open_store(self.path, waiting=self.waiting)
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


def _summary(what: str, result: object) -> str:
    summary = getattr(result, "summary", None)
    if callable(summary):
        return str(summary())
    if isinstance(result, dict):
        parts = [f"{k.replace('_', ' ')}: {v}" for k, v in result.items()
                 if isinstance(v, int | float)]
        return f"{what} — " + (", ".join(parts) if parts else "done")
    if isinstance(result, list | tuple):
        return f"{what}: {len(result)}"
    return f"{what}: done" if result is None else f"{what}: {result}"
