"""Put the real output of ``docs/workflow.sh`` into the README's workflow section.

    PYTHON=.venv/bin/python bash docs/workflow.sh > /tmp/workflow.md
    python docs/splice_readme.py /tmp/workflow.md

The workflow section's code blocks are replaced, in order, by the script's blocks. The
prose between them is the README's own; a block whose first line (the command) differs
from the script's stops the splice, so a command added to one and not the other is
caught rather than pasted under the wrong paragraph.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"^```\n(.*?)^```\n", re.S | re.M)


def main(workflow: str) -> int:
    """Splice; returns the exit status."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## A researcher's workflow")
    end = text.index("\n## More", start)
    section = text[start:end]
    new_blocks = BLOCK.findall(Path(workflow).read_text(encoding="utf-8"))
    old_blocks = BLOCK.findall(section)
    if len(new_blocks) != len(old_blocks):
        print(f"README has {len(old_blocks)} blocks, the workflow {len(new_blocks)}",
              file=sys.stderr)
        return 1
    for old, new in zip(old_blocks, new_blocks):
        if old.split("\n", 1)[0] != new.split("\n", 1)[0]:
            print(f"command differs: {old.splitlines()[0]!r} vs {new.splitlines()[0]!r}",
                  file=sys.stderr)
            return 1
    blocks = iter(new_blocks)
    section = BLOCK.sub(lambda _: "```\n" + next(blocks) + "```\n", section)
    README.write_text(text[:start] + section + text[end:], encoding="utf-8")
    print(f"{len(new_blocks)} blocks spliced into {README.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
