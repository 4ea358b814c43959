"""Store methods for the read queries behind counts, quotes and co-occurrence.

A mixin of :class:`qualcoder_ahp.model.store.Store`: it may use ``self.conn``,
``self.write()`` and the other Store methods, and is the only place naming the
tables it touches for this area.
"""

from __future__ import annotations


class ReportMixin:
    """Store methods for the read queries behind counts, quotes and co-occurrence."""
