"""Session 22 (agree): intervals for the pooled kappa and alpha (``agreement --ci``).

A researcher reporting agreement is asked for an interval; the docs pointed to a cluster
bootstrap over transcripts as the defensible one but nothing computed it. Now
``--ci`` resamples whole transcripts (seeded) and gives each theme's and the pooled
kappa and alpha a 95% percentile interval.
"""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from qualcoder_ahp.agreement.bootstrap import cluster_intervals
from qualcoder_ahp.agreement.compute import collect, compute
from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme
from tests.conftest import make_parsed

ANSWERS = ["I fell into it by chance.", "Then I stayed on.", "The board listened.",
           "It gave me a mandate.", "I was lucky."]


def build(db, transcripts=5):
    """ana codes luck on sentences 1-3 of each answer, ben on a different share in each
    transcript (so the transcripts disagree by different amounts)."""
    store = open_store(db)
    store.save_codebook(Codebook("t", (Theme("luck", "Luck"), Theme("board", "Board"))))
    for n in range(transcripts):
        turns = [("Interviewer", "interviewer", "Tell me."),
                 ("Asha", "participant", " ".join(ANSWERS))]
        info, _ = store.add_transcript(f"p{n}", make_parsed(turns + [
            ("Interviewer", "interviewer", f"Thanks {n}.")]))
        text = store.transcript_text(info.id)
        for k, words in enumerate(ANSWERS):
            start = text.index(words)
            if k < 3:
                store.code(info.id, "luck", "ana", start, start + len(words))
            if k < 3 + (n % 3) - 1 and k != n % 2:
                store.code(info.id, "luck", "ben", start, start + len(words))
            if k in (3, 4):
                store.code(info.id, "board", "ana", start, start + len(words))
                if k == 3 or n % 2:
                    store.code(info.id, "board", "ben", start, start + len(words))
    return store


def test_intervals_hold_the_estimate_and_repeat(tmp_path):
    store = build(tmp_path / "p.db")
    corpus = collect(store, ["ana", "ben"])
    report = compute(corpus, "sentence")
    first = cluster_intervals(corpus, "sentence")
    again = cluster_intervals(corpus, "sentence")
    assert first == again  # seeded: a methods section can be re-run
    assert first.transcripts == 5
    for row in report.themes:
        for key in ("cohen_kappa", "krippendorff_alpha"):
            low, high = first.themes[row.theme][key]
            assert low <= row.stats[key] <= high
            assert low < high  # the transcripts differ: not a point
    low, high = first.overall["cohen_kappa"]
    assert low <= report.overall.stats["cohen_kappa"] <= high
    store.close()


def test_one_transcript_has_no_interval(tmp_path):
    store = build(tmp_path / "p.db", transcripts=1)
    found = cluster_intervals(collect(store, ["ana", "ben"]), "sentence")
    assert found.overall["cohen_kappa"].reason.startswith("fewer than two transcripts")
    store.close()


def test_cli_ci_table_and_columns(tmp_path):
    db = tmp_path / "p.db"
    build(db).close()
    run = CliRunner().invoke
    out = run(cli, ["--db", str(db), "agreement", "--coders", "ana,ben", "--unit",
                    "sentence", "--ci"], env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    head = [i for i, line in enumerate(lines) if line.startswith("theme ")
            and "kappa 95% CI" in line]
    assert head and all(len(line) <= 80 for line in lines)
    assert any(line.startswith("luck ") and " to " in line for line in lines[head[0]:])
    assert any(line.startswith("95% intervals: percentile cluster bootstrap over the 5 "
                               "transcripts") for line in lines)
    rows = list(csv.DictReader(io.StringIO(run(cli, [
        "--db", str(db), "agreement", "--coders", "ana,ben", "--unit", "sentence", "--ci",
        "--format", "csv"]).stdout.lstrip("\ufeff"))))
    pooled = [r for r in rows if r["view"] == "overall"][0]
    assert float(pooled["cohen_kappa_ci_low"]) <= float(pooled["cohen_kappa"]) \
        <= float(pooled["cohen_kappa_ci_high"])
    mean = [r for r in rows if r["view"] == "mean"][0]
    assert mean["cohen_kappa_ci_low"] == ""  # no interval of a mean over themes


@pytest.mark.parametrize("coders", [["ana", "ben", "cai"]])
def test_three_coders_get_fleiss_kappa_intervals(tmp_path, coders):
    store = build(tmp_path / "p.db")
    for info in store.transcripts():
        text = store.transcript_text(info.id)
        start = text.index(ANSWERS[0])
        store.code(info.id, "luck", "cai", start, start + len(ANSWERS[0]))
    found = cluster_intervals(collect(store, coders), "sentence")
    assert found.keys == ("fleiss_kappa", "krippendorff_alpha")
    low, high = found.themes["luck"]["krippendorff_alpha"]
    assert low <= high
    store.close()


def test_files_say_how_the_intervals_were_made(tmp_path):
    db = tmp_path / "p.db"
    build(db).close()
    run = CliRunner().invoke
    md = run(cli, ["--db", str(db), "agreement", "--coders", "ana,ben", "--ci", "--format",
                   "md"]).stdout
    assert "cohen_kappa_ci_low" in md and "95% intervals: percentile cluster bootstrap" in md
    text = tmp_path / "a.txt"
    run(cli, ["--db", str(db), "agreement", "--coders", "ana,ben", "--ci", "-o", str(text)])
    assert text.read_text().splitlines()[1].startswith("95% intervals: percentile cluster")
    plain = run(cli, ["--db", str(db), "agreement", "--coders", "ana,ben", "--format",
                      "md"]).stdout
    assert "ci_low" not in plain and "95% intervals" not in plain  # only when asked


def test_methods_states_the_intervals_when_asked(tmp_path):
    from qualcoder_ahp.reports.methods import methods_report

    store = build(tmp_path / "p.db")
    corpus = collect(store, ["ana", "ben"])
    low, high = cluster_intervals(corpus, "sentence").overall["cohen_kappa"]
    report = methods_report(store, coders=["ana", "ben"], unit="sentence", ci=True)
    text = dict(report.paragraphs)["Agreement"]
    assert ("A percentile cluster bootstrap over the 5 transcripts compared (1,000 resamples "
            "of whole transcripts, seed 1; the units of one transcript are not independent) "
            f"gave 95% intervals of the pooled Cohen's kappa {low:.3f} to {high:.3f}" in text)
    figures = {f.key: f.value for f in report.figures}
    assert figures["agreement.cohen_kappa_ci"] == f"{low:.3f} to {high:.3f}"
    plain = methods_report(store, coders=["ana", "ben"], unit="sentence")
    assert "bootstrap" not in dict(plain.paragraphs)["Agreement"]
    store.close()
