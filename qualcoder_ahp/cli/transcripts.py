"""CLI command: ``qcahp transcripts rename OLD NEW``.

A transcript is named after its file (``physio_helen``), so a participant's first name
stayed in every quote's attribution, export and REFI-QDA file even after ``qcahp
redact`` (which rewrites the text, not the name). The ``transcripts`` group itself (the
list) is :mod:`qualcoder_ahp.cli.corpus`'s; this module adds its ``rename``.
"""

from __future__ import annotations

import click

from collections.abc import Sequence
from typing import Any

from qualcoder_ahp.cli.common import Project, login_name, plural, say
from qualcoder_ahp.cli.privacy import copies_note
from qualcoder_ahp.model.merge_renames import RenameMerged


def renamed_said(done: dict[str, Any]) -> str:
    """``Renamed transcript 'physio_helen' to 'physio_P07'; its participant ...: codings,
    memos and log stay attached``: a rename as ``qcahp transcripts rename`` says it."""
    versions = f" ({plural(done['versions'], 'version')})" if done["versions"] > 1 else ""
    scrubbed = (f"; the old name is gone from {plural(done['log_scrubbed'], 'log event')}"
                if done["log_scrubbed"] else "")
    said = (f"; its participant {done['from']!r} is {done['to']!r} too"
            if done["participant"] else "")
    return (f"Renamed transcript {done['from']!r} to {done['to']!r}{versions}{said}: "
            f"codings, memos and log stay attached{scrubbed}")


def report_renames(project: Project, merged: Sequence[RenameMerged], other: str) -> None:
    """What ``qcahp merge`` did with the transcripts the copy renamed: each renamed here
    too, said as ``qcahp transcripts rename`` says it, or a note for each whose name here
    stands, with the command that takes the copy's."""
    for m in merged:
        if m.done is None:
            say(f"note: {other} renamed transcript {m.here!r} to {m.copy!r}, but {m.kept}: "
                f"this project's name stands; `{m.command}` takes the copy's.", fg="yellow")
        else:
            say(f"{renamed_said(m.done)}, as in {other}.", err=False)
    if any(m.done is not None for m in merged):
        copies_note(project, "the old name")


def register(cli: click.Group) -> None:
    """Add ``rename`` to the ``qcahp transcripts`` group (registered before this)."""
    group = cli.commands["transcripts"]
    assert isinstance(group, click.Group)

    @group.command("rename", short_help="Rename a transcript (every version); its codings stay.")
    @click.argument("old")
    @click.argument("new")
    @click.pass_obj
    def rename_cmd(project: Project, old: str, new: str) -> None:
        """Rename transcript OLD to NEW (every version): codings stay attached.

        For a name that identifies someone (a file named physio_helen): codings,
        decisions, memos and log events point at the transcript, not its name, so all
        stay attached, and quotes, counts, exports and REFI-QDA files use NEW. The old
        name leaves the project: the log's events that named it say NEW, the name of
        the file it was imported from is forgotten, and the 'transcript_rename' event
        in `qcahp log` records NEW and who renamed, not the old name. Its participant
        is renamed too when its id is the old name (as an import without a participants
        file makes it) and no other transcript's. A NEW that is another transcript's is
        refused; so are digits only, '@', '/' or line breaks. `qcahp merge` makes a
        rename made in a coder's copy here too.

        \b
        Example:
          qcahp transcripts rename physio_helen physio_P07
        """
        done = project.store().rename_transcript(old, new, by=login_name())
        say(f"{renamed_said(done)}.", err=False)
        copies_note(project, "the old name")
