"""A command's waiting line ("Waiting for another qcahp to finish writing") said while its
progress bar (or a ``working...`` line) is on the terminal.

It was written where the bar's cursor stood, on the bar's own line:
``Suggesting [####---] 2/4 03_virtualc…W`` then ``aiting for another qcahp`` on the next
line. Now the bar's line is erased, the waiting line said, and the bar drawn again under it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from qualcoder_ahp.cli import common

ERASE = "\r\x1b[K"


class Terminal:
    """stderr as a terminal (what was written to it: :meth:`getvalue`)."""

    def __init__(self, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.seen = ""

    def on(self) -> None:
        """(In the test: the captured stderr is in place only once the test runs.)"""
        self.monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

    def getvalue(self) -> str:
        self.seen += self.capsys.readouterr().err
        return self.seen


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Terminal:
    monkeypatch.setenv("COLUMNS", "80")
    return Terminal(capsys, monkeypatch)


def _lines(raw: str) -> list[str]:
    """What the terminal shows: each line as it stands after its carriage returns."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw.replace(ERASE, "\r"))
    return [line.split("\r")[-1].rstrip() for line in plain.split("\n")]


def test_the_waiting_line_goes_above_the_progress_bar(terminal: Terminal):
    terminal.on()
    waiting = common.lock_notice(Path("/tmp/project.db"))
    with common.progress_bar("Suggesting") as bar:
        bar(1, 4, "03_virtualcoffee.srt")
        waiting(1.2)
        shown = _lines(terminal.getvalue())
        # Its own lines, from the first column, and the bar as it was under them.
        assert shown[0].startswith("Waiting for another qcahp to finish writing to "
                                   "/tmp/project.db"), shown
        assert "Suggesting" not in " ".join(shown[:-1])
        assert shown[-1].startswith("Suggesting  [#########") and "1/4" in shown[-1]
        waiting(2.0)  # said once per wait
        assert terminal.getvalue().count("Waiting for another") == 1
        bar(4, 4, "10_metamuse.txt")
    shown = _lines(terminal.getvalue())
    assert shown[-2].startswith("Suggesting  [####################################]  4/4")
    assert all(len(line) <= 80 for line in shown)


def test_the_waiting_line_goes_above_a_working_line(terminal: Terminal):
    terminal.on()
    waiting = common.lock_notice(Path("/tmp/project.db"))
    with common.working("Checking codebook.yaml"):
        waiting(1.5)
        shown = _lines(terminal.getvalue())
        assert shown[0].startswith("Waiting for another qcahp"), shown
        assert shown[-1] == "Checking codebook.yaml..."
    assert _lines(terminal.getvalue())[-1] == ""  # the working line erased at the end


def test_without_a_bar_the_waiting_line_is_said_as_ever(terminal: Terminal):
    terminal.on()
    common.lock_notice(Path("/tmp/project.db"))(1.0)
    assert _lines(terminal.getvalue())[0].startswith("Waiting for another qcahp")
    assert ERASE not in terminal.getvalue()
