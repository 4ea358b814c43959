"""Run a qcahp command that sends itself SIGTERM at a chosen step, as a `kill` would.

Usage: ``python -m tests.helpers.sigterm_at MODULE:NAME.ATTR N -- qcahp args...``: the
Nth call of ``ATTR`` of ``NAME`` in ``MODULE`` (a function or a class's method), in
this process (not a forked worker), first sends SIGTERM to this process. A real
signal, at an exact point and so without timing: the test sees what a researcher sees
when ``kill`` or a scheduler's time limit stops the command there.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys


def main() -> None:
    """Patch the step, then run the CLI with the arguments after ``--``."""
    target, nth, dash, *args = sys.argv[1:]
    assert dash == "--", sys.argv
    module_name, _, path = target.partition(":")
    owner_name, _, attr = path.rpartition(".")
    module = importlib.import_module(module_name)
    owner = getattr(module, owner_name) if owner_name else module
    real = getattr(owner, attr)
    me, calls = os.getpid(), [0]

    def step(*a: object, **kw: object) -> object:
        if os.getpid() == me:
            calls[0] += 1
            if calls[0] == int(nth):
                os.kill(me, signal.SIGTERM)
        return real(*a, **kw)

    setattr(owner, attr, step)
    from qualcoder_ahp.cli import cli

    cli(args, prog_name="qcahp")


if __name__ == "__main__":
    main()
