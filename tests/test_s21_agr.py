"""Session 21 audit of agreement and reconciliation, on small projects built through the CLI
(transcripts imported, a codebook loaded, each coder's codings imported from CSV), every
figure checked against a computation of its own here (per-character vectors), never
against the tool's functions.

- A theme nobody coded no longer changes the pooled figures (two unused themes took the
  pooled kappa from 0.557 to 0.568 and percent agreement from 0.930 to 0.950).

The reconcile findings are in ``test_s21_agr_reconcile.py``, on the same project.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store

T1 = ("Interviewer: How did you become a leader?\n"
      "Ana: I never planned it. The chief asked me to apply. I said yes because it felt "
      "right.\n"
      "Interviewer: What about the board?\n"
      "Ana: The board listened to me. I had a seat at the table. It took years to get "
      "there.\n")
T2 = ("Interviewer: Tell me about your career.\n"
      "Ben: I moved into management early. Then I worked in commissioning. Luck played a "
      "part.\n"
      "Interviewer: And now?\n"
      "Ben: Now I lead a team of forty. We share ideas across the region.\n")
T3 = ("Interviewer: What changed for you?\n"
      "Cai: Nothing much changed. I still treat patients every day.\n")
T4 = "Interviewer: Anything else?\nDee: The board was lucky for me. Management came later.\n"
CODEBOOK = """name: test codebook
version: 1
themes:
  - id: luck
    name: Luck
  - id: board
    name: Board
  - id: mgmt
    name: Management
  - id: unused
    name: Unused
  - id: solo
    name: Solo
"""
# (transcript, theme, start, end) in the stored text (turns without their labels).
ANA = [("t1", "luck", 30, 78), ("t1", "board", 137, 189), ("t1", "solo", 190, 217),
       ("t2", "mgmt", 28, 90), ("t2", "luck", 91, 110), ("t3", "mgmt", 23, 44)]
BEN = [("t1", "luck", 50, 112), ("t1", "board", 137, 162), ("t2", "mgmt", 28, 58),
       ("t2", "luck", 91, 110)]
CAI = [("t1", "luck", 30, 112), ("t1", "board", 137, 162), ("t1", "mgmt", 114, 135),
       ("t3", "mgmt", 23, 78), ("t3", "solo", 0, 21)]


def run(db: Path, *args: str, ok: bool = True, env: dict[str, str] | None = None):
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False,
                                env=env)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def texts(db: Path) -> dict[str, str]:
    with open_store(db) as store:
        return {t.name: store.transcript_text(t.id) for t in store.transcripts()}


def import_codings(db: Path, tmp_path: Path, coder: str, rows) -> None:
    text = texts(db)
    path = tmp_path / f"{coder}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["transcript", "theme", "start", "end", "quote"])
        for name, theme, start, end in rows:
            out.writerow([name, theme, start, end, text[name][start:end]])
    run(db, "codings", "import", str(path), "--coder", coder)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Three transcripts; ana coded all three, ben t1 and t2 (t3 not started)."""
    db = tmp_path / "p.db"
    files = []
    for name, text in (("t1", T1), ("t2", T2), ("t3", T3)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        files.append(str(tmp_path / f"{name}.txt"))
    run(db, "import", *files)
    (tmp_path / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
    run(db, "codebook", "load", str(tmp_path / "cb.yaml"))
    assert texts(db)["t1"][30:49] == "I never planned it."  # the offsets above hold
    import_codings(db, tmp_path, "ana", ANA)
    import_codings(db, tmp_path, "ben", BEN)
    return db


# ------------------------------------------------------------------ independent figures


def vector(n: int, spans) -> list[int]:
    out = [0] * n
    for start, end in spans:
        for i in range(start, end):
            out[i] = 1
    return out


def two_coder(a: list[int], b: list[int]) -> dict[str, float]:
    """Percent agreement, Cohen's kappa and Gwet's AC1 of two 0/1 vectors, by the books."""
    n = len(a)
    agree = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    pooled = (pa + pb) / 2
    ac1_chance = 2 * pooled * (1 - pooled)
    return {"percent_agreement": agree, "cohen_kappa": (agree - chance) / (1 - chance),
            "gwet_ac1": (agree - ac1_chance) / (1 - ac1_chance),
            "n11": sum(x and y for x, y in zip(a, b, strict=True)), "units": n}


def pooled_vectors(db: Path, themes, transcripts, first, second):
    text = texts(db)
    a: list[int] = []
    b: list[int] = []
    for theme in themes:
        for name in transcripts:
            n = len(text[name])
            a += vector(n, [(s, e) for t, th, s, e in first if t == name and th == theme])
            b += vector(n, [(s, e) for t, th, s, e in second if t == name and th == theme])
    return a, b


def overall(db: Path, coders: str) -> dict:
    # Every speaker's text: the vectors computed by hand here cover each whole text.
    rows = json.loads(run(db, "agreement", "--coders", coders, "--format", "json",
                          "--speakers", "all").stdout)
    return next(r for r in rows if r["view"] == "overall")


FIGURES = ("units", "n11", "n10", "n01", "n00", "percent_agreement", "cohen_kappa",
           "scott_pi", "brennan_prediger", "gwet_ac1", "krippendorff_alpha",
           "positive_agreement", "jaccard")


# ------------------------------------------------------------------ the pooled row


def test_themes_nobody_coded_leave_the_pooled_figures_as_they_were(project):
    """Two themes added to the codebook and never used took the pooled kappa from 0.557 to
    0.568 and percent agreement from 0.930 to 0.950: they added only units both coders
    left alone. The pooled row is over the themes someone coded, as the mean is, and its
    label and the methods paragraph say so."""
    before = overall(project, "ana,ben")
    run(project, "codebook", "add-theme", "Workload", "--coder", "ana")
    run(project, "codebook", "add-theme", "Stress", "--coder", "ana")
    after = overall(project, "ana,ben")
    assert {k: after[k] for k in FIGURES} == {k: before[k] for k in FIGURES}
    assert after["theme"] == "(pooled over 4 themes coded; 3 nobody coded left out)"
    # By hand: the four themes someone coded, over t1 and t2 (ben has not coded t3).
    a, b = pooled_vectors(project, ("luck", "board", "mgmt", "solo"), ("t1", "t2"), ANA, BEN)
    mine = two_coder(a, b)
    assert after["units"] == mine["units"] == 1600 and after["n11"] == mine["n11"] == 102
    for key in ("percent_agreement", "cohen_kappa", "gwet_ac1"):
        assert after[key] == pytest.approx(mine[key], abs=1e-12), key
    assert round(after["cohen_kappa"], 3) == 0.546
    doc = json.loads(run(project, "methods", "--coders", "ana,ben", "--format",
                         "json", "--speakers", "all").stdout)
    said = {p["heading"]: p["text"] for p in doc["paragraphs"]}["Agreement"]
    assert ("over the four themes coded (1,600 units pooled; three themes nobody coded "
            "left out)") in said
    assert "Cohen's kappa 0.546" in said
    found = {f["key"]: f["value"] for f in doc["figures"]}
    assert found["agreement.themes"] == 7 and found["agreement.themes_pooled"] == 4
    assert found["agreement.units"] == 1600


def test_the_pooled_label_goes_under_a_narrow_table(project):
    run(project, "codebook", "add-theme", "Workload", "--coder", "ana")
    out = run(project, "agreement", "--coders", "ana,ben", env={"COLUMNS": "80"}).stdout
    assert "The pooled row: pooled over 4 themes coded; 2 nobody coded left out." in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_three_coders_pool_the_themes_someone_coded(project, tmp_path):
    """Three coders with missing transcripts (ben has not coded t3, cai not t2): the
    pooled Krippendorff's alpha is of the coded themes only, computed here by the
    coincidence matrix over every unit two or more coders rated."""
    import_codings(project, tmp_path, "cai", CAI)
    row = overall(project, "ana,ben,cai")
    assert row["theme"] == "(pooled over 4 themes coded; 1 nobody coded left out)"
    text = texts(project)
    rated = {"t1": ("ana", "ben", "cai"), "t2": ("ana", "ben"), "t3": ("ana", "cai")}
    spans = {"ana": ANA, "ben": BEN, "cai": CAI}
    o = {(0, 0): 0.0, (0, 1): 0.0, (1, 0): 0.0, (1, 1): 0.0}
    for theme in ("luck", "board", "mgmt", "solo"):
        for name, coders in rated.items():
            vectors = [vector(len(text[name]), [(s, e) for t, th, s, e in spans[c]
                                                if t == name and th == theme])
                       for c in coders]
            m = len(coders)
            for unit in zip(*vectors, strict=True):
                for i in range(m):
                    for j in range(m):
                        if i != j:
                            o[unit[i], unit[j]] += 1 / (m - 1)
    n = sum(o.values())
    n0, n1 = o[0, 0] + o[0, 1], o[1, 0] + o[1, 1]
    alpha = 1 - (n - 1) * (o[0, 1] + o[1, 0]) / (2 * n0 * n1)
    assert row["krippendorff_alpha"] == pytest.approx(alpha, abs=1e-12)


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def test_perfect_agreement_figures_and_the_reasons_beside_them(tmp_path):
    """Two coders coding alike: kappa, pi and alpha 1 where a theme varies over the
    units; undefined where a theme was coded throughout (chance agreement 1, 0/0:
    Cohen 1960, Krippendorff 2011), AC1 1 there (its chance agreement is 0: Gwet 2008). At
    the segment unit every unit is coded, so kappa is undefined for every theme: the mean
    said "undefined (no defined value)", and a theme nobody coded "undefined (no units)"."""
    db = tmp_path / "same.db"
    for name, text in (("t1", T1), ("t2", T2)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    run(db, "import", str(tmp_path / "t1.txt"), str(tmp_path / "t2.txt"))
    (tmp_path / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
    run(db, "codebook", "load", str(tmp_path / "cb.yaml"))
    n1, n2 = (len(texts(db)[t]) for t in ("t1", "t2"))
    same = [("t1", "luck", 30, 78), ("t2", "mgmt", 28, 90), ("t1", "board", 0, n1),
            ("t2", "board", 0, n2)]
    import_codings(db, tmp_path, "ana", same)
    import_codings(db, tmp_path, "ben", same)
    rows = {r["theme"]: r for r in json.loads(run(db, "agreement", "--coders", "ana,ben",
                                                  "--format", "json").stdout)}
    assert rows["luck"]["cohen_kappa"] == rows["luck"]["krippendorff_alpha"] == 1.0
    assert rows["board"]["cohen_kappa"] == "undefined (every unit was coded by every coder)"
    assert rows["board"]["gwet_ac1"] == rows["board"]["percent_agreement"] == 1.0
    said = {p["heading"]: p["text"] for p in json.loads(run(
        db, "methods", "--coders", "ana,ben", "--format", "json").stdout)["paragraphs"]}
    assert ("The mean Cohen's kappa over the two of the three themes coded where it is "
            "defined (two nobody coded left out) was 1.000.") in said["Agreement"]
    segment = {r["theme"]: r for r in json.loads(run(
        db, "agreement", "--coders", "ana,ben", "--unit", "segment", "--format",
        "json").stdout)}
    assert segment["unused"]["units"] == 0
    assert segment["unused"]["percent_agreement"] == "undefined (neither coder used the theme)"
    mean = next(r for r in segment.values() if r["view"] == "mean")
    assert mean["cohen_kappa"] == "undefined (none of the 3 themes coded has a value)"
    assert mean["percent_agreement"] == 1.0


def test_a_coder_who_has_not_started_leaves_no_theme_nobody_coded(project, tmp_path):
    """ben has coded nothing yet that cai could be compared with: every figure says so,
    and the mean row read "(mean over 0 themes coded; 5 nobody coded left out)"."""
    import_codings(project, tmp_path, "cai", [("t3", "mgmt", 23, 78)])
    rows = json.loads(run(project, "agreement", "--coders", "ben,cai", "--format",
                          "json").stdout)
    mean = next(r for r in rows if r["view"] == "mean")
    assert mean["theme"] == "(mean over themes)"
    assert mean["cohen_kappa"] == "undefined (no transcript was coded by both ben and cai)"
    pooled = next(r for r in rows if r["view"] == "overall")
    assert pooled["theme"] == "(pooled)" and pooled["units"] == 0


def test_the_mean_row_names_the_figures_taken_over_fewer_themes(project, tmp_path):
    """With three coders Light's kappa is undefined for solo (ben and cai never used it in
    the one transcript both coded), so its mean is over three themes; Fleiss' kappa's is
    over all four. The row said "or the 3 where defined", and `qcahp methods` said it of
    Fleiss' kappa ("The mean Fleiss' kappa over the 4 themes coded (1 nobody coded left
    out; or the 3 where defined) was 0.467")."""
    import_codings(project, tmp_path, "cai", CAI)
    rows = json.loads(run(project, "agreement", "--coders", "ana,ben,cai", "--format",
                          "json", "--speakers", "all").stdout)
    themes = [r for r in rows if r["view"] == "theme" and r["theme"] != "unused"]
    mean = next(r for r in rows if r["view"] == "mean")
    assert mean["theme"] == ("(mean over 4 themes coded; 1 nobody coded left out; "
                             "light_kappa over the 3 where defined)")
    fleiss = [r["fleiss_kappa"] for r in themes]
    assert len(fleiss) == 4 and all(isinstance(v, float) for v in fleiss)
    assert mean["fleiss_kappa"] == pytest.approx(sum(fleiss) / 4, abs=1e-12)
    said = {p["heading"]: p["text"] for p in json.loads(run(
        project, "methods", "--coders", "ana,ben,cai", "--format",
        "json", "--speakers", "all").stdout)["paragraphs"]}["Agreement"]
    assert (f"The mean Fleiss' kappa over the four themes coded (one nobody coded left out) was "
            f"{mean['fleiss_kappa']:.3f}.") in said
    assert "where defined" not in said
