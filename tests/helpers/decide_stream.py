"""Run a stream of random decisions against a project, reporting each commit.

Usage: ``python decide_stream.py DB CODER SEED [COUNT [GO_FILE]]``

Prints ``READY`` once the database is open, then ``COMMITTED <event_id> <kind>``
after each Store call returns (so after its transaction committed), flushing
every line. The crash test SIGKILLs this process at random moments and checks
that every reported event survived, whole. The concurrency test runs two at once.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
# sqlite-utils imports pandas and numpy when present (0.5 s); the store needs neither,
# and the crash test starts this script 30 times.
sys.modules.setdefault("pandas", None)  # type: ignore[arg-type]
sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]

from qualcoder_ahp.model.store import open_store  # noqa: E402
from tests.helpers.project import THEMES  # noqa: E402


def main() -> None:
    db, coder, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    go_file = Path(sys.argv[5]) if len(sys.argv) > 5 else None  # lets two copies start together
    rng = random.Random(seed)
    store = open_store(db)
    suggestions = store.suggestions()
    transcripts = [(t.id, len(store.transcript_text(t.id))) for t in store.transcripts()]
    print("READY", flush=True)
    while go_file is not None and not go_file.exists():
        time.sleep(0.005)
    print(f"STARTED {time.time():.6f}", flush=True)
    ops = ["accept", "accept", "reject", "code", "undo", "redo", "memo", "remove", "adjust"]
    for _ in range(count):
        op = rng.choice(ops)
        sug = rng.choice(suggestions)
        if op == "accept":
            store.accept(sug.id, coder)
        elif op == "adjust":
            store.accept(sug.id, coder, start=sug.start, end=max(sug.start + 1, sug.end - 3))
        elif op == "reject":
            store.reject(sug.id, coder)
        elif op == "code":
            tid, length = rng.choice(transcripts)
            start = rng.randrange(0, length - 1)
            store.code(tid, rng.choice(THEMES), coder, start,
                       min(length, start + rng.randint(1, 80)))
        elif op == "undo":
            if store.undo(coder) is None:
                continue
        elif op == "redo":
            if store.redo(coder) is None:
                continue
        elif op in ("memo", "remove"):
            mine = store.codings(coder=coder)
            if not mine:
                continue
            target = rng.choice(mine)
            if op == "memo":
                store.set_memo(coder, "coding", target.id, f"memo {rng.random():.6f}")
            else:
                store.remove_coding(target.id, coder)
        last = store.conn.execute(
            "SELECT MAX(e.id), e.kind FROM events e JOIN coders k ON k.id = e.coder_id "
            "WHERE k.name = ?", [coder]).fetchone()
        print(f"COMMITTED {last[0]} {last[1]}", flush=True)
    store.close()
    print(f"DONE {time.time():.6f}", flush=True)


if __name__ == "__main__":
    main()
