"""Ctrl+C while ``qcahp`` loads its modules: one line, not a traceback.

Loading the command line takes about 0.4 s (the store, sqlite-utils, every command's
module); a Ctrl+C then printed some thirty lines of ``KeyboardInterrupt`` traceback from
deep inside an import, before any command had begun. Importing this module first sets
a SIGINT handler that says so in one line and exits 130; :func:`started` gives Ctrl+C
back to Python (``KeyboardInterrupt``, which the commands turn into their own line)
once everything is loaded. A SIGINT that was ignored, or a handler set by whoever
imports the command line (a test), is left alone.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

_previous: Any = None


def _stop(_signum: int, _frame: object) -> None:
    sys.stderr.write("Interrupted while starting: nothing was done.\n")
    raise SystemExit(130)


try:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        _previous = signal.signal(signal.SIGINT, _stop)
except ValueError:  # not the main thread: signals are not ours to set
    _previous = None


def started() -> None:
    """Give Ctrl+C back to Python now that the command line is loaded."""
    global _previous
    if _previous is not None and signal.getsignal(signal.SIGINT) is _stop:
        signal.signal(signal.SIGINT, _previous)
    _previous = None
