"""What ``qcahp suggest`` and ``qcahp codebook load`` say after a codebook changes
(session 20 audit): suggestions a new exclusion rules out were said to be ones "no
pattern finds any more"; a deleted theme's decided suggestions were counted in "N
retired" without a word on their decisions and codings; and a file that only reorders
themes or patterns loaded as "no changes", though the stored order follows it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_engine import transcript

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
SER_START = "      - id: serendipity\n"
NTR_START = "      - id: non_traditional_roles\n"


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def load(db: Path, tmp_path: Path, text: str) -> str:
    path = tmp_path / "cb.yaml"
    path.write_text(text, encoding="utf-8")
    return run(db, "codebook", "load", str(path))


def project(tmp_path: Path, sentences: list[str], accept: list[str]) -> tuple[Path, dict]:
    """The small codebook, one participant turn per sentence, suggested, and ana's
    acceptance of the suggestions on the sentences in ``accept``; the suggestion ids by
    sentence."""
    db = tmp_path / "p.db"
    load(db, tmp_path, SMALL.read_text())
    with open_store(db) as store:
        info, _ = store.add_transcript("t", transcript([("P", "participant", s)
                                                        for s in sentences]))
    assert run(db, "suggest").endswith(" 0 retired")  # the first run says what it did
    with open_store(db) as store:
        text = store.transcript_text(info.id)
        ids = {text[s.start:s.end]: s.id for s in store.suggestions()}
        for sentence in accept:
            store.accept(ids[sentence], "ana")
    return db, ids


def test_suggestions_a_new_exclusion_rules_out_are_not_said_to_be_unfound(
        tmp_path: Path) -> None:
    db, ids = project(tmp_path, ["I fell into it.", "I fell into management.",
                                 "They asked me to apply.", "It was by chance."],
                      accept=["I fell into it."])
    v2 = SMALL.read_text().replace(  # an exclusion added, a pattern removed
        "        exclude:\n", "        exclude:\n          - id: ser_x_fell\n"
        "            phrase: \"fell into\"\n").replace(
        "          - id: ser_ask_lemma\n            tokens: [{LEMMA: ask}, {LOWER: me}, "
        "{LOWER: to}]\n", "")
    assert "exclusion patterns added: ser_x_fell" in load(db, tmp_path, v2)
    out = run(db, "suggest")
    assert out.endswith(
        " 0 new, 1 kept, 0 reopened, 2 retired (1 no pattern finds any more, 1 ruled out "
        "by an exclusion); 1 suggestion an exclusion now rules out stays open because a "
        "coder decided on it"), out
    with open_store(db) as store:
        status = {sid: store.suggestion(sid).status for sid in ids.values()}
        assert store.decision_of(ids["I fell into it."], "ana") == "accepted"
    assert status == {ids["I fell into it."]: "open", ids["I fell into management."]: "retired",
                      ids["They asked me to apply."]: "retired",
                      ids["It was by chance."]: "open"}


def test_a_deleted_themes_decided_suggestions_are_told_apart_and_come_back(
        tmp_path: Path) -> None:
    db, ids = project(tmp_path, ["I fell into it.", "It was by chance.",
                                 "I do commissioning now."], accept=["I fell into it."])
    text = SMALL.read_text()
    without = text[:text.index(SER_START)] + text[text.index(NTR_START):]
    assert "themes retired: serendipity" in load(db, tmp_path, without)
    out = run(db, "suggest")
    assert out.endswith(
        " 0 new, 1 kept, 0 reopened, 2 retired (1 no pattern finds any more; 1 decided on, "
        "of retired themes or folders: their decisions and codings are kept, and a codebook "
        "that brings the theme back reopens them)"), out
    with open_store(db) as store:
        assert store.suggestion(ids["I fell into it."]).status == "retired"
        assert store.decision_of(ids["I fell into it."], "ana") == "accepted"
        assert [c.theme_id for c in store.codings()] == ["serendipity"]
    load(db, tmp_path, text)
    assert run(db, "suggest").endswith(" 0 new, 1 kept, 2 reopened, 0 retired")
    with open_store(db) as store:
        assert store.suggestion(ids["I fell into it."]).status == "open"
        assert store.decision_of(ids["I fell into it."], "ana") == "accepted"


def test_a_file_that_only_reorders_themes_or_patterns_says_order_changed(
        tmp_path: Path) -> None:
    db, text = tmp_path / "p.db", SMALL.read_text()
    load(db, tmp_path, text)
    head = text[:text.index("themes:\n") + len("themes:\n")]
    ser, ntr = text.index(SER_START), text.index(NTR_START)
    top = text.index("  - id: interviewing\n")
    fell = "          - id: ser_fell_into\n            phrase: \"fell into\"\n"
    # interviewing first; non_traditional_roles before serendipity; ser_fell_into third
    reordered = (head + text[top:] + text[len(head):ser] + text[ntr:top] + text[ser:ntr]
                 ).replace(fell, "").replace("          - id: ser_ask_lemma\n",
                                             fell + "          - id: ser_ask_lemma\n")
    assert sorted(reordered.splitlines()) == sorted(text.splitlines())
    out = load(db, tmp_path, reordered)
    assert out.endswith("order changed: top-level themes, themes under career_pathways, "
                        "patterns of serendipity"), out
    with open_store(db) as store:
        assert [t.id for t in store.themes()] == [
            "interviewing", "career_pathways", "non_traditional_roles", "serendipity"]
        assert [p.id for p in store.patterns() if p.theme_id == "serendipity"] == [
            "ser_right_place", "ser_by_chance", "ser_fell_into", "ser_ask_lemma",
            "ser_not_by_chance"]
    assert load(db, tmp_path, reordered).endswith("no changes")
    # An added theme between two others is added, not a change of order.
    added = reordered.replace(SER_START, "      - id: luck\n        name: Luck\n" + SER_START)
    out = load(db, tmp_path, added)
    assert "themes added: luck" in out and "order changed" not in out, out


def test_decided_suggestions_kept_open_for_both_reasons_are_counted_apart() -> None:
    from qualcoder_ahp.suggest.runner import SuggestReport

    report = SuggestReport(transcripts=2, words=10, kept=4, decided_kept=3,
                           decided_kept_excluded=1)
    assert report.summary().endswith(
        " 0 retired; 3 suggestions stay open because a coder decided on each (2 no pattern "
        "finds any more, 1 ruled out by an exclusion)")
    assert SuggestReport(retired=3, retired_excluded=3).summary().endswith(
        " 3 retired (ruled out by an exclusion)")


def test_a_rerun_that_retires_nothing_does_not_look_for_exclusions_again(
        tmp_path: Path, monkeypatch) -> None:
    """Telling "ruled out by an exclusion" apart runs the patterns a second time; it was
    done for every transcript an exclusion matched in, which made a re-run after a
    one-pattern edit ~30% slower (bench_suggest.py, 518k words). Only a suggestion that
    is no longer found needs it."""
    from qualcoder_ahp.suggest import runner

    db, _ = project(tmp_path, ["I fell into it.", "It was not by chance at all.",
                               "It was by chance."], accept=[])
    calls = []
    real = runner._ruled_out
    monkeypatch.setattr(runner, "_ruled_out", lambda *a: calls.append(1) or real(*a))
    # an edit that finds the same: the run matches again (the exclusion matches too)
    edited = load(db, tmp_path, SMALL.read_text().replace(
        'phrase: "fell into"', 'tokens: [{LOWER: fell}, {LOWER: into}]'))
    assert "patterns changed: ser_fell_into" in edited
    said = run(db, "suggest")
    assert " 0 retired" in said and calls == []
    # an exclusion that now rules out one: asked for, and said
    load(db, tmp_path, SMALL.read_text().replace(
        "        exclude:\n", "        exclude:\n          - id: ser_x_fell\n"
        "            phrase: \"fell into\"\n"))
    said = run(db, "suggest")
    assert calls and "ruled out by an exclusion" in said
