"""REFI-QDA (QDA-XML 1.0) exchange: ``.qdc`` codebooks and ``.qdpx`` projects, both ways.

Export is strict (valid against both XSDs, stable GUIDs, every reference resolving);
import is tolerant of what NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette write, and
safe with untrusted files. Plain Python: no Textual, and only the store names tables.

- :func:`export_codebook`, :func:`export_project` write files from a store;
- :func:`read_qdc` reads a ``.qdc`` into a :class:`~qualcoder_ahp.records.Codebook`
  (no database); :func:`read_qdc_file` also gives its GUIDs, the codes without a
  colour and the warnings;
- :func:`import_file` reads any REFI file and adds it to a store in one transaction.
"""

from __future__ import annotations

from qualcoder_ahp.refi.codes import read_qdc, read_qdc_file, read_qdc_guids
from qualcoder_ahp.refi.export import export_codebook, export_project
from qualcoder_ahp.refi.importer import ImportReport, import_file
from qualcoder_ahp.refi.reader import read_refi

__all__ = ["ImportReport", "export_codebook", "export_project", "import_file", "read_qdc",
           "read_qdc_file", "read_qdc_guids", "read_refi"]
