"""Ctrl+C (or SIGTERM, SIGHUP) while ``qcahp`` loads its modules: one line, not a traceback.

Loading the command line takes about 0.4 s (the store, sqlite-utils, every command's
module); a Ctrl+C then printed some thirty lines of ``KeyboardInterrupt`` traceback from
deep inside an import, before any command had begun, and a SIGTERM or a closed terminal
(SIGHUP) ended it without a word. Importing this module first sets handlers that say so
in one line and exit (130, 143, 129); :func:`started` gives the signals back (Ctrl+C to
Python's ``KeyboardInterrupt``, which the commands turn into their own line; SIGTERM and
SIGHUP to :func:`~qualcoder_ahp.cli.common.sigterm_stops` while a command runs) once
everything is loaded. A signal that was ignored (``nohup``), or a handler set by
whoever imports the command line (a test), is left alone.

The process ends at once (:func:`os._exit`), not by raising :class:`SystemExit`: nothing
has been opened or written yet, and an exception raised inside the class statement
of a module being loaded (a dataclass's fields, ``__set_name__``) was turned by Python
into "RuntimeError: Error calling __set_name__ ...", a traceback and exit 1, after the
line had said "nothing was done".
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

_previous: dict[int, Any] = {}


def _stop(signum: int, _frame: object) -> None:
    if signum == signal.SIGINT:
        line = "Interrupted while starting: nothing was done.\n"
    else:
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        line = f"Stopped ({name}) while starting: nothing was done.\n"
    try:
        sys.stderr.write(line)
        sys.stderr.flush()
    except (OSError, ValueError):  # the terminal closed (SIGHUP): nothing to say it on
        pass
    os._exit(128 + signum)


def _take(name: str, default: Any) -> None:
    signum = getattr(signal, name, None)
    if signum is not None and signal.getsignal(signum) is default:
        _previous[signum] = signal.signal(signum, _stop)


try:
    _take("SIGINT", signal.default_int_handler)
    _take("SIGTERM", signal.SIG_DFL)
    _take("SIGHUP", signal.SIG_DFL)
except ValueError:  # not the main thread: signals are not ours to set
    _previous.clear()


def started() -> None:
    """Give the signals back now that the command line is loaded."""
    for signum, previous in _previous.items():
        if signal.getsignal(signum) is _stop:
            signal.signal(signum, previous)
    _previous.clear()
