"""Open (maybe create) a project and import the same transcripts as another process.

Usage: ``python open_and_import.py DB START_AT N``

Waits until wall-clock ``START_AT`` so that two copies start together, then opens
the database (creating and migrating it if it is new; prints ``OPENED``), loads the
test codebook and imports transcripts ``0..N-1``. Prints ``DONE <created>`` where ``created`` is
how many this process wrote (the other process wrote the rest).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.modules.setdefault("pandas", None)  # type: ignore[arg-type]  # see decide_stream.py
sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]

from qualcoder_ahp.model.store import open_store  # noqa: E402
from qualcoder_ahp.records import Codebook, Theme  # noqa: E402
from tests.helpers.project import THEMES, parsed_transcript  # noqa: E402


def main() -> None:
    db, start_at, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    time.sleep(max(0.0, start_at - time.time()))
    store = open_store(db)
    print("OPENED", flush=True)
    store.save_codebook(Codebook("test", tuple(Theme(t, t.title()) for t in THEMES)))
    created = 0
    for i in range(n):
        _, new = store.add_transcript(f"story{i}", parsed_transcript(i), participant=f"P{i:02d}")
        created += new
    store.close()
    print(f"DONE {created}", flush=True)


if __name__ == "__main__":
    main()
