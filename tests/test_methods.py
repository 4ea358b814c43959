"""``qcahp methods``: the methods draft states the figures the other commands print.

Each figure is checked against the command named beside it in the table (``qcahp
transcripts``, ``codebook show``, ``suggestions``, ``counts``, ``quotes``, ``agreement``,
``disagreements``, ``reconcile log``, ``log``), on a project of two bundled interviews
coded by two coders, reconciled in part; and on projects at earlier stages, where the
draft says what is not there yet instead of failing. No transcript or participant id
is ever printed (here a transcript is named after its participant).
"""

from __future__ import annotations

import json
import re
import shutil
import stat
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.helpers.project import REPO, ana_and_ben_disagree, build_project, bundled_two

PRIVATE = ("dietitian_grace", "slt_priya", "P00", "P01", "story0", "story1", "Grace", "Priya")
"""Transcript and participant ids (and speakers) of the projects here: never printed."""


def run(db: Path, *args: str, columns: int | None = None, code: int = 0) -> str:
    env = {"COLUMNS": str(columns) if columns else None}
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env)
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.stderr


def figures(db: Path, *args: str) -> dict[str, dict]:
    doc = json.loads(run(db, "methods", "--format", "json", *args))
    return {f["key"]: f for f in doc["figures"]}


def value(found: dict[str, dict], key: str):
    assert key in found, f"no figure {key}: {sorted(found)}"
    return found[key]["value"]


@pytest.fixture(scope="module")
def coded(tmp_path_factory) -> Path:
    """Two bundled interviews, the shipped codebook's suggestions decided by ana and ben
    (differently), a hand coding by ana, a theme ben added while coding (and coded),
    then the agreed stretches copied into the consensus and one disagreement decided."""
    db = bundled_two(tmp_path_factory.mktemp("methods") / "study.db", run)
    ana_and_ben_disagree(db)
    store = open_store(db)
    grace = store.transcript("dietitian_grace")
    text = store.transcript_text(grace.id)
    start = text.index("I lead around")
    store.code(grace.id, "visibility", "ana", start, start + 40)
    theme = store.add_theme("Mentoring", coder="ben")
    store.code(grace.id, theme.id, "ben", start, start + 20)
    store.close()
    run(db, "reconcile", "copy-agreed", "--coders", "ana,ben", "--by", "lead")
    first = json.loads(run(db, "disagreements", "--coders", "ana,ben", "--format", "json"))[0]
    run(db, "reconcile", "decide", "take", "ana", "--transcript", first["transcript"],
        "--theme", first["theme"], "--at", str(first["start"]), "--coders", "ana,ben",
        "--by", "lead")
    return db


def test_data_and_codebook_figures_are_those_of_transcripts_and_codebook_show(coded):
    found = figures(coded)
    listed = json.loads(run(coded, "transcripts", "--format", "json"))
    assert value(found, "transcripts") == len(listed) == 2
    assert value(found, "words") == sum(t["words"] for t in listed)
    assert value(found, "participants") == len({t["participant"] for t in listed})
    book = json.loads(run(coded, "codebook", "show", "--format", "json"))
    themes = [t for t in book["themes"] if not t["retired"]]
    assert value(found, "themes") == sum(t["kind"] == "codable" for t in themes)
    assert value(found, "theme_folders") == sum(t["kind"] == "folder" for t in themes)
    assert value(found, "themes_added") == sum(bool(t["added_while_coding"]) for t in themes)
    assert value(found, "themes_added") == 1
    assert value(found, "patterns") == sum(t["patterns"] for t in themes)
    assert value(found, "exclusions") == sum(t["exclusion_patterns"] for t in themes)
    assert value(found, "codebook.name") == book["name"]
    assert value(found, "codebook.loaded") == book["loaded"][:10]
    assert re.fullmatch(r"[0-9a-f]{12}", value(found, "codebook.hash"))


def test_each_coders_decisions_and_codings_are_those_of_suggestions_counts_and_quotes(coded):
    found = figures(coded)
    assert value(found, "suggestions") == len(json.loads(
        run(coded, "suggestions", "--format", "json")))
    for coder in ("ana", "ben"):
        for decision in ("accepted", "adjusted", "rejected", "undecided"):
            rows = json.loads(run(coded, "suggestions", "--coder", coder, "--decision",
                                  decision, "--format", "json"))
            assert value(found, f"coder.{coder}.{decision}") == len(rows), (coder, decision)
        counts = json.loads(run(coded, "counts", "--coder", coder, "--format", "json"))
        total = sum(r["codings"] for r in counts["rows"] if r["depth"] == 0)
        assert value(found, f"coder.{coder}.codings") == total
        origins = Counter(q["origin"] for q in json.loads(
            run(coded, "quotes", "--coder", coder, "--format", "json"))["quotes"])
        assert value(found, f"coder.{coder}.from_suggestions") == (
            origins["suggested"] + origins["adjusted"])
        assert value(found, f"coder.{coder}.by_hand") == origins["manual"]
    assert value(found, "coder.ana.by_hand") == 1  # the hand coding is seen
    assert value(found, "coder.ana.rejected") > 0 and value(found, "coder.ben.rejected") > 0


def test_agreement_and_disagreements_are_those_of_the_agreement_commands(coded):
    for unit in ("character", "sentence"):
        found = figures(coded, "--unit", unit)
        rows = json.loads(run(coded, "agreement", "--coders", "ana,ben", "--unit", unit,
                              "--format", "json"))
        overall = next(r for r in rows if r["view"] == "overall")
        mean = next(r for r in rows if r["view"] == "mean")
        assert value(found, "agreement.units") == overall["units"]
        for key in ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1",
                    "positive_agreement"):
            assert found[f"agreement.{key}"]["text"] == f"{overall[key]:.3f}", key
        assert found["agreement.mean_cohen_kappa"]["text"] == f"{mean['cohen_kappa']:.3f}"
        assert value(found, "agreement.themes") == sum(r["view"] == "theme" for r in rows)
        spans = json.loads(run(coded, "disagreements", "--coders", "ana,ben", "--unit", unit,
                               "--format", "json"))
        assert value(found, "disagreements") == len(spans) > 0
    assert value(found, "double_coded") == 2 and value(found, "double_coded_pct") == 100.0


def test_reconciliation_figures_are_those_of_the_reconcile_log(coded):
    found = figures(coded)
    log = json.loads(run(coded, "reconcile", "log", "--format", "json"))
    recorded = [r for r in log if r["recorded"]]
    assert value(found, "reconcile.decisions") == len(recorded) > 1
    assert value(found, "reconcile.in_effect") == sum(r["status"] == "in effect"
                                                      for r in recorded)
    assert value(found, "reconcile.rule.take.ana") == sum(r["rule"] == "take ana"
                                                          for r in recorded)
    assert value(found, "reconcile.rule.agreed") == sum(r["rule"] == "agreed" for r in recorded)
    consensus = json.loads(run(coded, "counts", "--consensus", "--format", "json"))
    assert value(found, "consensus_codings") == sum(
        r["codings"] for r in consensus["rows"] if r["depth"] == 0)
    # The consensus coder is not one of the coders described.
    assert json.loads(run(coded, "methods", "--format", "json"))["coders"] == ["ana", "ben"]


def test_the_text_draft_states_the_figures_and_fits_80_columns(coded):
    text = run(coded, "methods", columns=80)
    found = figures(coded)
    assert max(len(line) for line in text.splitlines()) <= 80
    for heading in ("Data.", "Codebook.", "Suggestions.", "Coders.", "Agreement.",
                    "Reconciliation.", "Saturation.", "Withdrawals.", "Software."):
        assert f"\n{heading} " in text
    whole = " ".join(text.split())
    assert f"({found['words']['text']} words)" in whole
    assert f"Cohen's kappa {found['agreement.cohen_kappa']['text']}" in whole
    assert f"content hash {found['codebook.hash']['value']}" in whole
    # In a pipe (no COLUMNS) each paragraph is one whole line.
    piped = run(coded, "methods")
    assert any(len(line) > 80 and line.startswith("Agreement. ")
               for line in piped.splitlines())


def test_json_shape_and_markdown(coded, tmp_path):
    doc = json.loads(run(coded, "methods", "--format", "json", "--coders", "ana,ben",
                         "--unit", "turn"))
    assert set(doc) == {"report", "database", "unit", "coders", "paragraphs", "figures",
                        "not_yet"}
    # Two interviews: too few for saturation (tests/test_methods_saturation.py).
    assert doc["report"] == "methods" and doc["unit"] == "turn" and doc["not_yet"] == [
        "saturation cannot be assessed yet"]
    assert [p["heading"] for p in doc["paragraphs"]] == [
        "Data", "Codebook", "Suggestions", "Coders", "Agreement", "Reconciliation",
        "Saturation", "Withdrawals", "Software"]
    assert all(set(f) == {"section", "key", "label", "value", "text", "command"}
               for f in doc["figures"])
    out = tmp_path / "methods.md"
    result = CliRunner().invoke(cli, ["--db", str(coded), "methods", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote the methods draft" in result.stderr and result.stdout == ""
    md = out.read_text()
    assert md.startswith("# Methods (draft)\n")
    assert "**Agreement.** Inter-rater agreement" in md
    assert "| section | figure | value | as in |" in md
    assert "`qcahp agreement --coders ana,ben --unit character`" in md
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    txt = tmp_path / "methods.txt"
    run(coded, "methods", "-o", str(txt))
    assert txt.read_text().startswith("Methods (draft) from study.db")


def test_no_transcript_or_participant_id_is_printed(coded):
    for fmt in ("text", "md", "json"):
        out = run(coded, "methods", "--format", fmt, columns=80 if fmt == "text" else None)
        for name in PRIVATE:
            assert name not in out, (fmt, name)


def test_a_withdrawal_is_counted_and_its_id_never_shown(coded, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(coded, db)
    run(db, "withdraw", "--participant", "slt_priya", "--yes")
    found = figures(db)
    assert value(found, "withdrawals") == 1 and value(found, "withdrawn_transcripts") == 1
    log = run(db, "log", "--kind", "withdraw", "--format", "json")
    assert len(json.loads(log)) == 1
    assert value(found, "transcripts") == 1
    for fmt in ("text", "md", "json"):
        out = run(db, "methods", "--format", fmt)
        assert "slt_priya" not in out and "Priya" not in out
    assert "One withdrawal was recorded" in " ".join(run(db, "methods").split())


def test_a_project_with_only_transcripts_says_what_is_not_there_yet(tmp_path):
    db = tmp_path / "new.db"
    run(db, "import", str(REPO / "transcripts" / "slt_priya.md"))
    text = " ".join(run(db, "methods").split())
    assert "No codebook has been loaded yet" in text
    assert "No theme suggestions have been made" in text
    assert "No coder has coded a transcript yet" in text
    assert "Inter-rater agreement is not yet available" in text
    assert "No disagreements have been reconciled yet" in text
    doc = json.loads(run(db, "methods", "--format", "json"))
    assert "no codebook loaded" in doc["not_yet"]
    assert {f["key"]: f["value"] for f in doc["figures"]}["transcripts"] == 1
    for name in PRIVATE:
        assert name not in text


def test_one_coder_and_no_reconciliation_yet(tmp_path):
    db = tmp_path / "one.db"
    store = build_project(db)
    for s in store.suggestions()[:3]:
        store.accept(s.id, "ana")
    store.reject(store.suggestions()[3].id, "ana")
    store.close()
    found = figures(db)
    assert value(found, "coders") == 1
    assert value(found, "coder.ana.accepted") == 3 and value(found, "coder.ana.rejected") == 1
    assert value(found, "coder.ana.transcripts") == 1
    assert "agreement.units" not in found and "double_coded" not in found
    text = " ".join(run(db, "methods").split())
    assert "One coder (ana) coded one of the two transcripts" in text
    assert "needs two or more coders" in text
    assert "No disagreements have been reconciled yet." in text
    assert "codebook \u201ctest\u201d" in text
    # A second coder who has not started: agreement names who has not coded.
    store = open_store(db)
    store.reject(store.suggestions()[0].id, "ben")
    store.close()
    doc = json.loads(run(db, "methods", "--format", "json"))
    assert doc["coders"] == ["ana", "ben"]
    said = {p["heading"]: p["text"] for p in doc["paragraphs"]}
    assert "units pooled" in said["Agreement"]


def test_bad_input_is_one_line_and_changes_nothing(coded, tmp_path):
    before = coded.read_bytes()
    err = run(coded, "methods", "--coders", "ana,zed", code=1)
    assert err.count("\n") == 1 and "zed" in err
    err = run(coded, "methods", "-o", str(tmp_path / "m.pdf"), code=1)
    assert err.count("\n") == 1 and "m.pdf" in err
    assert not (tmp_path / "m.pdf").exists()
    err = run(tmp_path / "none.db", "methods", code=1)
    assert "no project database" in err and not (tmp_path / "none.db").exists()
    assert coded.read_bytes() == before


def test_three_coders_report_fleiss_kappa_and_alpha_as_agreement_does(coded, tmp_path):
    db = tmp_path / "three.db"
    shutil.copy(coded, db)
    store = open_store(db)
    grace = store.transcript("dietitian_grace")
    for i, s in enumerate(store.suggestions(transcript_id=grace.id)):
        (store.reject if i % 4 == 0 else store.accept)(s.id, "cai")
    store.close()
    found = figures(db, "--coders", "ana,ben,cai", "--unit", "sentence")
    rows = json.loads(run(db, "agreement", "--coders", "ana,ben,cai", "--unit", "sentence",
                          "--format", "json"))
    overall = next(r for r in rows if r["view"] == "overall")
    for key in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1"):
        assert found[f"agreement.{key}"]["text"] == f"{overall[key]:.3f}", key
    assert "agreement.cohen_kappa" not in found
    assert value(found, "agreement.units") == overall["units"]
    assert value(found, "coder.cai.transcripts") == 1
    assert value(found, "double_coded") == 2
    said = {p["heading"]: p["text"] for p in json.loads(run(
        db, "methods", "--coders", "ana,ben,cai", "--format", "json"))["paragraphs"]}
    assert "Three coders (ana, ben and cai)" in said["Coders"]
    assert "Fleiss' kappa" in said["Agreement"] and "two or more of them coded" in said[
        "Agreement"]


def test_two_coders_who_share_no_transcript_get_the_reason_not_figures(tmp_path):
    db = tmp_path / "apart.db"
    store = build_project(db)
    first, *rest = store.suggestions()
    store.accept(first.id, "ana")
    store.accept(next(s for s in rest if s.transcript_id != first.transcript_id).id, "ben")
    store.close()
    doc = json.loads(run(db, "methods", "--format", "json"))
    said = {p["heading"]: p["text"] for p in doc["paragraphs"]}
    assert said["Agreement"] == ("Inter-rater agreement cannot be computed yet: no "
                                 "transcript was coded by both ana and ben.")
    assert said["Reconciliation"] == "No disagreements have been reconciled yet."
    assert "no transcript coded by the coders compared" in doc["not_yet"]
    found = {f["key"]: f for f in doc["figures"]}
    assert found["double_coded"]["value"] == 0 and found["agreement.units"]["value"] == 0
    assert found["agreement.cohen_kappa"]["text"].startswith("undefined (")


def test_a_consensus_made_before_the_reconcile_log_is_not_a_coder_described(tmp_path):
    """Consensus codings the reconcile screen wrote before it logged decisions (origin
    ``consensus``, no reconcile event) are the agreed result: their owner is not a
    third coder of the methods paragraph, as ``qcahp coders`` marks it."""
    db = tmp_path / "early.db"
    store = build_project(db)
    first, second, *_ = store.suggestions()
    for coder in ("ana", "ben"):
        store.accept(first.id, coder)
    store.accept(second.id, "ben")
    store.code(first.transcript_id, first.theme_id, "agreed", first.start, first.end,
               origin="consensus")
    store.close()
    assert "agreed (consensus)" in run(db, "coders")
    doc = json.loads(run(db, "methods", "--format", "json"))
    found = {f["key"]: f for f in doc["figures"]}
    assert found["coders"]["value"] == 2, found["coders"]


def test_the_mean_is_said_over_the_themes_someone_coded(coded, tmp_path):
    """agreement leaves a theme nobody coded out of its mean and says so in the label;
    the draft says it in a sentence ("The mean ... over the 4 themes coded; 7 nobody coded
    left out was" read as a slip)."""
    db = tmp_path / "unused.db"
    shutil.copy(coded, db)
    with open_store(db) as store:
        store.add_theme("Workload", coder="ana")  # nobody codes it
    rows = json.loads(run(db, "agreement", "--coders", "ana,ben", "--format", "json"))
    label = next(r for r in rows if r["view"] == "mean")["theme"]
    coded_n, unused = map(int, re.match(
        r"\(mean over (\d+) themes coded; (\d+) nobody coded left out", label).groups())
    said = {p["heading"]: p["text"] for p in json.loads(run(
        db, "methods", "--coders", "ana,ben", "--format", "json"))["paragraphs"]}
    assert (f"The mean Cohen's kappa over the {coded_n} themes coded ({unused} nobody "
            "coded left out") in said["Agreement"]
    assert "left out was" not in said["Agreement"]
