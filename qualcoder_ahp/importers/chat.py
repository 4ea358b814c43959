"""A meeting chat saved as text: Zoom's ``meeting_saved_chat.txt``.

Interviews held in the chat (or a focus group's typed answers) come out of Zoom as::

    14:02:37 From Hannah Price to Everyone:
    	Thanks for joining me. Could you start by describing your role?

or, from older versions, ``00:02:37	 From  Hannah Price : Thanks for joining me.``, one
message a line. Read as ordinary text each line's "name" was ``14:02:37 From Hannah
Price to Everyone``, no name at all, so the whole chat was one ``(unlabelled)`` turn with
every time and name in its text. :func:`chat_blocks` makes each message a speaker block
(its time on the turn); one person's messages in a row are one turn, a paragraph each.
Zoom's lines for a reaction (``Reacted to "..." with 👍``) and above a reply
(``Replying to "...":``) are left out: no one typed them.
"""

from __future__ import annotations

import re

from qualcoder_ahp.importers.blocks import PARA, TIME, Block

_FROM = re.compile(rf"^\s*(?P<t>{TIME})\s+From\s+(?P<name>.+?)"
                   r"(?:\s+to\s+(?P<to>[^:]+?))?\s*:(?:\s+(?P<rest>\S.*))?\s*$")
"""A message's first line: the time, ``From``, the sender, ``to`` whom, and maybe the
text (older Zoom versions put it on the same line)."""
_NOT_SAID = re.compile(r'^\s*(?:Reacted to ".*" with \S+|Removed a \S+ reaction from ".*"'
                       r'|Replying to ".*":?)\s*$', re.S)
"""What Zoom writes in a chat for a reaction or above a reply: no one typed it."""


def _message(line: str) -> tuple[str, str, str] | None:
    """``(time, name, text on the same line)`` of a message's first line, else None."""
    m = _FROM.match(line)
    if m is None:
        return None
    name = " ".join(m.group("name").split())
    if not name or len(name.split()) > 6:
        return None
    return m.group("t"), name, m.group("rest") or ""


def chat_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks with chat messages (``14:02:37 From Name to Everyone:``) made speaker
    blocks; unchanged unless at least two lines open messages."""
    lines = [line for b in blocks if b.kind == PARA and not b.speaker for line in b.lines]
    opened = sum(1 for line in lines if _message(line) is not None)
    if opened < 2:
        return blocks
    out: list[Block] = []
    last: str | None = None  # who sent the last message
    for block in blocks:
        if block.kind != PARA or block.speaker:
            out.append(block)
            last = None
            continue
        # Each message: its time, its sender and its lines (a reaction has none said).
        messages: list[tuple[str | None, str | None, list[str]]] = []
        for line in block.lines:
            message = _message(line)
            if message is not None:
                time, name, rest = message
                messages.append((time, name, [rest] if rest else []))
            elif not messages:
                messages.append((None, None, [line]))  # text above the first message
            else:
                messages[-1][2].append(line)
        for time, name, lines in messages:
            said = [x for x in lines if not _NOT_SAID.match(x)]
            if not said:
                continue
            # The same person's next message continues the turn, as a paragraph of its own.
            out.append(Block(said, speaker=None if name == last else name, time=time))
            last = name
    return out
