"""Codebooks and theme suggestions (spaCy rule patterns); never imports textual.

- :mod:`~qualcoder_ahp.suggest.codebook`: read and validate codebook YAML, pattern
  JSONL and REFI-QDA ``.qdc`` files, reporting every error with file, line and id;
- :mod:`~qualcoder_ahp.suggest.engine`: the pipeline and matchers of one codebook;
- :mod:`~qualcoder_ahp.suggest.runner`: :func:`run_suggestions` over a project,
  with the doc cache and worker processes;
- :mod:`~qualcoder_ahp.suggest.evaluate`: suggestions against human coding or gold
  sentences (precision, recall, F1).

Importing this package loads neither spaCy nor the database.
"""

from __future__ import annotations

from typing import Any


def run_suggestions(store: Any, **kwargs: Any) -> Any:
    """Run the stored codebook over the project; see :func:`.runner.run_suggestions`.

    Defined here (importing spaCy only when called) so front ends can call
    ``qualcoder_ahp.suggest.run_suggestions`` without importing spaCy at start-up.
    """
    from qualcoder_ahp.suggest.runner import run_suggestions as run

    return run(store, **kwargs)


__all__ = ["run_suggestions"]
