"""Transcript import: files in many formats to normalised text with speaker turns.

``read_transcript(path)`` reads one file into a
:class:`~qualcoder_ahp.records.ParsedTranscript` (no database involved);
``import_paths(store, paths)`` imports files and folders into a project, one
atomic transaction per file, and reports what happened to each.
``read_participants_csv`` loads participant attributes from a CSV file.
"""

from __future__ import annotations

from qualcoder_ahp.importers.batch import ImportReport, collect_files, import_paths
from qualcoder_ahp.importers.normalise import MAX_BYTES
from qualcoder_ahp.importers.participants import import_participants, read_participants_csv
from qualcoder_ahp.importers.reader import SUPPORTED, read_transcript

__all__ = [
    "MAX_BYTES",
    "SUPPORTED",
    "ImportReport",
    "collect_files",
    "import_participants",
    "import_paths",
    "read_participants_csv",
    "read_transcript",
]
