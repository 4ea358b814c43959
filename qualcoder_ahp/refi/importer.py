"""Import a REFI-QDA file into a project: read it safely, then write it in one go.

Reading (:func:`qualcoder_ahp.refi.reader.read_refi`) touches no database and
refuses unsafe files before anything is written; writing
(:meth:`~qualcoder_ahp.model.refi_store.RefiMixin.refi_import`) is one transaction,
so a failure leaves the project as it was. The report lists what was added, what
was skipped and why, and every selection whose text did not match its quote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualcoder_ahp.refi.reader import read_refi

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


@dataclass
class ImportReport:
    """What one import added, skipped and could not match."""

    path: str
    kind: str
    added: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)
    unchecked: int = 0
    """Selections that had no quote to check (placed by the unit the others used)."""

    @property
    def nothing_added(self) -> bool:
        """True when the file was already imported (or had nothing new)."""
        return not any(self.added.values())


def import_file(
    store: Store,
    path: str | Path,
    *,
    coder_map: dict[str, str] | None = None,
    default_coder: str = "imported",
    new_version: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a ``.qdc``, ``.qdpx`` or ``.qde`` file into ``store``.

    Args:
        store: the project.
        path: the file.
        coder_map: file user name (or GUID) -> coder name in this project.
        default_coder: the coder of codings and notes that name no user.
        new_version: store a source whose name is taken by different text as a new
            version (otherwise the whole import is refused).
        dry_run: report what would be added, and write nothing.
        progress: called with (done, total) sources while reading.

    Raises:
        UserError: unsafe, unreadable or conflicting input; nothing is written.
    """
    data = read_refi(path, progress)
    stats = store.refi_import(data, coder_map=coder_map, default_coder=default_coder,
                              new_version=new_version, dry_run=dry_run)
    skipped = stats.pop("skipped")
    return ImportReport(data.path, data.kind, stats, data.warnings + skipped, data.mismatches,
                        data.units, data.unchecked)
