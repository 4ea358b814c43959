"""A researcher's own codebook and the mistakes people make writing one: every error
with file, line and pattern id, warnings for what would silently never match, and
re-runs after the codebook is edited while coding."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from qualcoder_ahp.records import Codebook, Pattern, Theme
from qualcoder_ahp.suggest.runner import run_suggestions
from tests.test_engine import transcript

TEACHERS = [
    ("Q", "interviewer", "Why did you leave teaching?"),
    ("Amira", "participant", "I burned out in my ninth year. The marking never stopped."),
]


def _codebook(themes: tuple[Theme, ...], patterns: tuple[Pattern, ...]) -> Codebook:
    return Codebook("Why teachers leave", themes, patterns, None, "teachers.yaml")


def test_decided_suggestion_of_a_retired_theme_retires(store) -> None:  # type: ignore[no-untyped-def]
    """A theme renamed by id (burnout -> stress) retires burnout: its suggestions leave
    the queues even when a coder decided on them, and the decisions stay."""
    workload = Theme("workload", "Workload")
    burnout = Theme("burnout", "Burnout")
    marking = Pattern("wl_marking", "workload", "phrase", "marking")
    burn = Pattern("bo_burn", "burnout", "token", [{"LEMMA": "burn"}, {"LOWER": "out"}])
    store.save_codebook(_codebook((workload, burnout), (marking, burn)))
    info, _ = store.add_transcript("amira", transcript(TEACHERS))
    run_suggestions(store)
    by_theme = {s.theme_id: s for s in store.suggestions(transcript_id=info.id)}
    store.reject(by_theme["burnout"].id, "ana")
    store.accept(by_theme["workload"].id, "ana")
    stress = Theme("stress", "Burnout")
    store.save_codebook(_codebook((workload, stress),
                                  (marking, replace(burn, theme_id="stress"))))
    report = run_suggestions(store)
    assert (report.new, report.retired, report.decided_kept) == (1, 1, 0)
    open_now = {s.theme_id for s in store.suggestions(transcript_id=info.id)}
    assert open_now == {"workload", "stress"}
    assert store.suggestion(by_theme["burnout"].id).status == "retired"
    assert store.decision_of(by_theme["burnout"].id, "ana") == "rejected"
    assert store.decision_of(by_theme["workload"].id, "ana") == "accepted"
