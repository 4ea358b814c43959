"""Store methods for what REFI-QDA export and import read and write.

A mixin of :class:`qualcoder_ahp.model.store.Store`: it may use ``self.conn``,
``self.write()`` and the other Store methods, and is the only place naming the
tables it touches for this area.
"""

from __future__ import annotations


class RefiMixin:
    """Store methods for what REFI-QDA export and import read and write."""
