"""Shared plumbing for CLI commands: the project handle, progress bars, output formats."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from qualcoder_ahp.model.store import Store, open_store

DEFAULT_DB = "qcahp.db"
T = TypeVar("T")


@dataclass
class Project:
    """What the top-level options decide: which database, and how to report errors."""

    db_path: str | None = None
    debug: bool = False
    _store: Store | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        """The database path: ``--db``, ``$QCAHP_DB`` or ``./qcahp.db``."""
        return Path(self.db_path or DEFAULT_DB)

    def store(self) -> Store:
        """Open the project database (once per command)."""
        if self._store is None:
            self._store = open_store(self.path)
        return self._store

    def close(self) -> None:
        """Close the database if a command opened it."""
        if self._store is not None:
            self._store.close()
            self._store = None


pass_project = click.make_pass_decorator(Project)


def progress(items: Sequence[T] | Iterable[T], label: str, length: int | None = None) -> Iterator[T]:
    """Iterate with a progress bar on stderr (hidden when stderr is not a terminal)."""
    with click.progressbar(
        items, label=label, length=length, file=sys.stderr, show_pos=True,
    ) as bar:
        yield from bar


def emit_table(rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> None:
    """Print rows as an aligned plain-text table."""
    if not rows:
        click.echo("(none)")
        return
    cols = list(columns or rows[0].keys())
    cells = [[_fmt(r.get(c)) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def emit_json(data: Any) -> None:
    """Print data as indented JSON (UTF-8, not ASCII-escaped)."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
