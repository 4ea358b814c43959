"""Session 23, ``qcahp methods`` at scale: each coder's codings counted from one snapshot.

The draft read every coding of the study once for its codebook and saturation sections,
then each coder's codings again to count them by origin (five reads at 1M words, a
third of its time), with the collector walking them all again and again. The
suggestions section now counts each coder's origins in the snapshot the report already
holds, and the report is made with the collector paused.

What that could break, checked here: the section must say and count what reading each
coder's codings says (accepted, adjusted, by hand, imported, a coder with no coding, a
consensus coder beside them, a coding taken back); the whole draft must be the same
as one made with each coder's codings read on their own; and the collector must be
running again afterwards, as it was found. These pin behaviour (they pass on the code
before but for the ``snapshot`` argument it did not take).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from qualcoder_ahp.reports import methods_sections
from qualcoder_ahp.reports.data import ReportData
from qualcoder_ahp.reports.methods import methods_report
from qualcoder_ahp.reports.methods_draft import MethodsReport
from qualcoder_ahp.reports.methods_sections import suggestions_section
from tests.helpers.project import build_project


def _study(path: Path) -> Any:
    store = build_project(path, transcripts=3)
    ids = [t.id for t in store.transcripts()]
    first = store.suggestions(transcript_id=ids[0])
    second = store.suggestions(transcript_id=ids[1])
    store.accept(first[0].id, "ana")
    store.accept(first[1].id, "ana", start=first[1].start, end=first[1].end - 2)  # adjusted
    store.reject(first[2].id, "ana")
    store.accept(first[0].id, "ben")
    store.accept(second[0].id, "ben")
    store.reject(second[1].id, "ben")
    made = store.code(ids[0], "mandate", "ben", 0, 20)
    store.code(ids[1], "relationships", "ben", 5, 30, origin="imported")
    gone = store.code(ids[2], "serendipity", "ana", 0, 10)
    store.remove_coding(gone.id, "ana")
    store.reject(second[2].id, "dee")  # decided, but coded nothing
    store.reconcile(ids[0], "mandate", "consensus", [(0, 20)], rule="take",
                    taken_from="ben", compared=["ana", "ben"], start=0, end=20,
                    decided_by="ana")
    assert made.origin == "manual"
    return store


@pytest.mark.parametrize("coders", [["ana", "ben"], ["ana", "ben", "dee"], ["ben"], []])
def test_origins_counted_in_the_snapshot_are_each_coders_own(tmp_path: Path,
                                                             coders: list[str]) -> None:
    store = _study(tmp_path / "s.db")
    snapshot = ReportData(store, coders=store.coders())
    alone = MethodsReport("s.db", "character", tuple(coders))
    suggestions_section(store, alone, coders)  # each coder's codings read on their own
    shared = MethodsReport("s.db", "character", tuple(coders))
    suggestions_section(store, shared, coders, snapshot)
    assert shared.figures == alone.figures
    assert shared.paragraphs == alone.paragraphs
    assert shared.not_yet == alone.not_yet
    figures = {f.key: f.value for f in shared.figures}
    if "ben" in coders:
        assert figures["coder.ben.codings"] == 4  # two accepted, by hand, imported
        assert figures["coder.ben.by_hand"] == 1 and figures["coder.ben.other_origin"] == 1
    if "dee" in coders:
        assert figures["coder.dee.codings"] == 0 and figures["coder.dee.rejected"] == 1
    store.close()


def test_the_draft_is_the_one_each_coders_reads_made(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = _study(tmp_path / "s.db")
    for coders in (None, ["ana", "ben"]):
        made = methods_report(store, coders=coders, database="s.db")
        real = methods_sections.suggestions_section
        monkeypatch.setattr(methods_sections, "suggestions_section",
                            lambda st, rep, chosen, snapshot=None: real(st, rep, chosen))
        from qualcoder_ahp.reports import methods as methods_module

        monkeypatch.setattr(methods_module, "suggestions_section",
                            methods_sections.suggestions_section)
        before = methods_report(store, coders=coders, database="s.db")
        monkeypatch.undo()
        assert made.figures == before.figures and made.paragraphs == before.paragraphs
        assert made.markdown() == before.markdown() and made.json() == before.json()
    store.close()


def test_the_collector_rests_while_the_draft_is_made_and_is_left_as_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _study(tmp_path / "s.db")
    seen: list[bool] = []
    real = methods_sections.agreement_section

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    from qualcoder_ahp.reports import methods as methods_module

    monkeypatch.setattr(methods_module, "agreement_section", watched)
    assert gc.isenabled()
    methods_report(store, coders=["ana", "ben"])
    assert seen == [False] and gc.isenabled()
    monkeypatch.setattr(methods_module, "agreement_section", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        methods_report(store, coders=["ana", "ben"])
    assert gc.isenabled()
    monkeypatch.setattr(methods_module, "agreement_section", real)
    gc.disable()  # someone else's pause: not ended by ours
    try:
        methods_report(store, coders=["ana", "ben"])
        assert not gc.isenabled()
    finally:
        gc.enable()
    store.close()
