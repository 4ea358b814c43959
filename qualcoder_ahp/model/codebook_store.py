"""Store methods for codebook themes and patterns (issue: codebook and suggestions).

A mixin of :class:`qualcoder_ahp.model.store.Store`: it may use ``self.conn``,
``self.write()`` and the other Store methods, and is the only place naming the
tables it touches for this area.
"""

from __future__ import annotations


class CodebookMixin:
    """Store methods for codebook themes and patterns (issue: codebook and suggestions)."""
