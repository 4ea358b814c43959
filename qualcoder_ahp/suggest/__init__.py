"""Codebooks and theme suggestions (spaCy rule patterns); never imports textual.

- :mod:`~qualcoder_ahp.suggest.codebook`: read and validate codebook YAML files (and,
  through :mod:`~qualcoder_ahp.suggest.pattern_files`, pattern JSONL and REFI-QDA
  ``.qdc``), reporting every error with file, line and id
  (:mod:`~qualcoder_ahp.suggest.checker`), each pattern's body checked by
  :mod:`~qualcoder_ahp.suggest.pattern_check`;
- :mod:`~qualcoder_ahp.suggest.engine`: the matchers of one codebook, with
  :mod:`~qualcoder_ahp.suggest.pipeline` (the shared spaCy pipeline and the doc
  cache's format), :mod:`~qualcoder_ahp.suggest.matching` (segment by segment) and
  :mod:`~qualcoder_ahp.suggest.found` (raw matches to suggestions);
- :mod:`~qualcoder_ahp.suggest.prefilter` (anchors that skip hopeless segments, and
  their stored analyses), built on :mod:`~qualcoder_ahp.suggest.anchors` (anchors
  from a pattern), :mod:`~qualcoder_ahp.suggest.twin` (case-sensitive twins of
  regular expressions) and :mod:`~qualcoder_ahp.suggest.sre_tree` (CPython's parser);
- :mod:`~qualcoder_ahp.suggest.runner`: :func:`run_suggestions` over a project,
  with the doc cache and worker processes;
- :mod:`~qualcoder_ahp.suggest.colours`: theme colours as coders see them (contrast,
  colour-vision deficiency, CIEDE2000), for the codebook check and the workbench's tints;
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
