"""Make the workbench screenshots in this folder (SVG) from the bundled demo project.

Builds the demo project (bundled transcripts and codebook, spaCy suggestions) in a
temporary folder, drives the workbench with Pilot as coder ``demo`` and saves:

- ``transcripts.svg``: the transcripts screen after some coding;
- ``coding.svg``: the coding screen (100x30) with codings and the current suggestion;
- ``coding-80x24.svg``: the same at 80x24;
- ``codebook.svg``: the codebook screen with counts and pattern precision;
- ``patterns.svg``: the patterns screen of that theme (``y``);
- ``help.svg``: the help screen of the coding screen;
- ``framework.svg``: the framework matrix (cases × themes) after that coding.

Run from the repository root: ``python docs/screenshots/make_screenshots.py``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))


async def shoot(db: Path, size: tuple[int, int], shots: dict[str, str]) -> None:
    """Drive the app and save the screenshots named in ``shots`` (name -> file)."""
    from qualcoder_ahp.tui.app import make_app

    app = make_app(db, coder="demo")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        # accept two, reject one, widen and accept one, code a sentence by hand
        await pilot.press("a", "a", "x", "w", "a", "down", "down", "2")
        await pilot.press("n")
        await pilot.pause()
        if "coding" in shots:
            app.save_screenshot(shots["coding"], str(HERE))
        if "help" in shots:
            await pilot.press("question_mark")
            await pilot.pause()
            app.save_screenshot(shots["help"], str(HERE))
            await pilot.press("escape")
        if "transcripts" in shots:
            await pilot.press("t")
            await pilot.pause()
            app.save_screenshot(shots["transcripts"], str(HERE))
        if "codebook" in shots:
            await pilot.press("k", "down", "down")
            await pilot.pause()
            app.save_screenshot(shots["codebook"], str(HERE))
        if "patterns" in shots:
            await pilot.press("y")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot(shots["patterns"], str(HERE))
            await pilot.press("escape")
            await pilot.pause()
        if "framework" in shots:
            await pilot.press("X")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot(shots["framework"], str(HERE))


def main() -> None:
    """Build the demo once, then take the screenshots at two sizes."""
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.tui import jobs

    with tempfile.TemporaryDirectory() as tmp:
        for size, shots in (((100, 30), {"coding": "coding.svg", "help": "help.svg",
                                         "transcripts": "transcripts.svg",
                                         "codebook": "codebook.svg",
                                         "patterns": "patterns.svg",
                                         "framework": "framework.svg"}),
                            ((80, 24), {"coding": "coding-80x24.svg"})):
            db = Path(tmp) / f"demo-{size[0]}.db"
            store = open_store(db)
            jobs.build_demo(store)
            store.close()
            asyncio.run(shoot(db, size, shots))
    for name in sorted(HERE.glob("*.svg")):
        print(name.relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
