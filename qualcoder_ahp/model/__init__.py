"""The project database: migrations and the :class:`Store` that alone names tables."""

from qualcoder_ahp.model.store import Store, open_store

__all__ = ["Store", "open_store"]
