"""A large study must feel instant (session 22): the hot paths a 1M-word study with
three coders and a consensus hit, with the figures unchanged.

- Agreement's corpus (agreement, disagreements, methods, the reconcile screen, and the
  "consensus is not final" note of every ``--consensus`` report) counted each coding's
  participant part by intersecting it with every participant turn of its transcript:
  12 of the 16 s of ``qcahp counts --consensus`` on 50 interviews of 20,000 words.
- ``--consensus`` reports read the whole reconcile log twice for their two notes, and
  ``qcahp methods`` twice for the reconciliation paragraph (1.5 s each time there).
"""

from __future__ import annotations

import random
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.agreement import compute
from qualcoder_ahp.agreement.intervals import intersect, total_length
from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from tests.conftest import make_parsed


def test_covered_length_is_the_length_of_the_intersection():
    from qualcoder_ahp.agreement.intervals import covered_length

    rng = random.Random(3)
    for _ in range(300):
        edges = sorted(rng.sample(range(400), 2 * rng.randint(0, 12)))
        regions = [(edges[k], edges[k + 1]) for k in range(0, len(edges), 2)]
        if regions and rng.random() < 0.3:  # touching regions: two turns back to back
            regions = [(s, regions[k + 1][0] if k + 1 < len(regions) else e)
                       for k, (s, e) in enumerate(regions)]
        ends = [e for _, e in regions]
        for _ in range(20):
            start = rng.randrange(0, 420)
            span = (start, start + rng.randint(1, 120))
            assert covered_length(span, regions, ends) == total_length(
                intersect([span], regions)), (span, regions)


TURNS = [("Interviewer", "interviewer", "So how did your career begin?"),
         ("Asha", "participant", "By chance, really. My manager went off sick."),
         ("Interviewer", "interviewer", "And then?"),
         ("Asha", "participant", "Then I applied for the post. It was a surprise.")] * 40


def _project(tmp_path: Path) -> tuple[Path, int]:
    """Two coders on a transcript of 160 turns: ana codes every answer, ben every other
    one and, across each question and its answer, every fifth; the agreed passages
    copied into the consensus, the rest left undecided."""
    from qualcoder_ahp.records import Codebook, Theme

    path = tmp_path / "s.db"
    store = open_store(path)
    store.save_codebook(Codebook("t", (Theme("serendipity", "Serendipity", position=0),)))
    info, _ = store.add_transcript("asha", make_parsed(TURNS), participant="P01")
    turns = store.turns(info.id)
    for k, turn in enumerate(turns):
        if turn.role != "participant":
            continue
        store.code(info.id, "serendipity", "ana", turn.start, turn.end)
        if k % 4 == 1:
            store.code(info.id, "serendipity", "ben", turn.start, turn.end)
        if k % 5 == 1:  # over the question too: a part outside the participants' speech
            store.code(info.id, "serendipity", "ben", turns[k - 1].start, turn.end)
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(path), "reconcile", "copy-agreed",
                                      "--coders", "ana,ben", "--by", "lead"])
    assert result.exit_code == 0, result.output
    return path, info.id


def test_collecting_a_transcript_does_not_walk_its_turns_for_each_coding(tmp_path,
                                                                         monkeypatch):
    db, tid = _project(tmp_path)
    with open_store(db) as store:
        before = compute.collect(store, ["ana", "ben"])
        calls = []
        real = compute.intersect

        def counted(a, b):  # type: ignore[no-untyped-def]
            calls.append(len(b))
            return real(a, b)

        monkeypatch.setattr(compute, "intersect", counted)
        again = compute.collect(store, ["ana", "ben"])
    assert not calls  # one binary search per coding, not a sweep of all 80 answers
    assert again.outside == before.outside and again.spans == before.spans
    assert again.outside["ben"][1] > 0  # the codings over a question were counted


def _count_log_reads(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    reads: list[int] = []
    real = Store.reconcile_log

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "reconcile_log", counted)
    return reads


def test_a_consensus_report_reads_the_reconcile_log_once(tmp_path, monkeypatch):
    db, _ = _project(tmp_path)
    reads = _count_log_reads(monkeypatch)
    result = CliRunner().invoke(cli, ["--db", str(db), "counts", "--consensus"])
    assert result.exit_code == 0, result.output
    assert "note: consensus is not final: " in result.stderr  # the note is still made
    assert len(reads) == 1


def test_methods_reads_the_reconcile_log_once(tmp_path, monkeypatch):
    db, _ = _project(tmp_path)
    reads = _count_log_reads(monkeypatch)
    result = CliRunner().invoke(cli, ["--db", str(db), "methods", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"reconcile.undecided"' in result.output
    assert len(reads) == 1


def test_a_bootstrap_pool_is_the_sum_of_the_tallies_drawn():
    """The resample's pool, counted in place with each transcript's multiplicity, is
    what adding the drawn tallies one by one gave (same counts, same order)."""
    from collections import Counter

    from qualcoder_ahp.agreement import stats as st
    from qualcoder_ahp.agreement.bootstrap import _pool
    from qualcoder_ahp.agreement.compute import Tally

    rng = random.Random(5)
    cells = []
    for _ in range(6):
        pairs = {(a, b): st.Counts2x2(*(rng.randint(0, 9) for _ in range(4)))
                 for a, b in ((0, 1), (0, 2), (1, 2)) if rng.random() < 0.8}
        patterns = Counter({(m, 3): rng.randint(1, 50) for m in range(4) if rng.random() < 0.7})
        cells.append(Tally(3, rng.randint(0, 200), pairs, patterns))
    for _ in range(50):
        picks = [rng.randrange(len(cells)) for _ in range(len(cells))]
        added = Tally(3)
        for i in picks:
            added = added + cells[i]
        pooled = _pool(3, [(cells[i], times) for i, times in Counter(picks).items()])
        assert pooled == added
        assert list(pooled.pairs) == list(added.pairs)
        assert list(pooled.patterns) == list(added.patterns)


def test_reconcile_log_reads_the_codings_of_all_decisions_at_once(tmp_path, monkeypatch):
    db, _ = _project(tmp_path)
    before = CliRunner().invoke(cli, ["--db", str(db), "reconcile", "log", "--format", "csv"])
    assert before.exit_code == 0 and "#" in before.output

    def one_by_one(self, coding_id):  # type: ignore[no-untyped-def]
        raise AssertionError("a query per decision")

    monkeypatch.setattr(Store, "coding", one_by_one)
    result = CliRunner().invoke(cli, ["--db", str(db), "reconcile", "log", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output == before.output


def test_conflicts_of_many_decisions_are_found_without_copying_the_log(tmp_path):
    """Decisions in effect on overlapping stretches of one theme, in a log of 60,000:
    the rest of the log was copied for each decision (3 s for 32,000)."""
    from qualcoder_ahp.model.reconcile_store import ReconcileRecord

    decisions = [{"id": k, "status": "in effect", "transcript_id": k // 20,
                  "theme_id": "t", "coder": "consensus", "start": 10 * (k % 20),
                  "end": 10 * (k % 20) + (15 if k % 7 == 0 else 10)}
                 for k in range(60_000)]
    record = ReconcileRecord([], decisions, [], 0)
    pairs = record.conflicts  # (speed: benchmarks/bench_commands.py, `reconcile log`)
    assert pairs == [(k, k + 1) for k in range(60_000) if k % 7 == 0 and k % 20 != 19]
