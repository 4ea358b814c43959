"""Session 20's leftovers, each checked the way a researcher meets it.

1. A codebook's own top-level ``description:`` was accepted by ``codebook check`` and
   ``load`` but not stored (migration m010 stores it): ``codebook show`` prints it under
   the title, ``codebook export`` writes it back, and a version without one clears it.
2. ``qcahp coders`` listed the consensus coder with 0 decisions however many stretches
   the lead had reconciled into it.
3. ``qcahp framework --cells quotes`` cut each quote at 70 characters on a terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from qualcoder_ahp.cli import cli

DESCRIBED = """\
name: Night shifts
version: 2
description: >-
  Themes for interviews with nurses and allied health professionals about working
  night shifts: how tiredness builds, what keeps people going, and what the trust
  could change.
themes:
  - id: fatigue
    name: Fatigue
    color: "#CC6677"
    description: Feeling drained.
    patterns:
      - id: fat_exhausted
        phrase: exhausted
  - id: autonomy
    name: Autonomy
    color: "#117733"
    patterns:
      - id: aut_my_call
        phrase: my call
"""
ABOUT = ("Themes for interviews with nurses and allied health professionals about working "
         "night shifts: how tiredness builds, what keeps people going, and what the trust "
         "could change.")


def _run(db: Path, *args: str, columns: int | None = None) -> tuple[int, str, str]:
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner().invoke(cli, ["--db", str(db), *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def _described(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "nights.yaml"
    source.write_text(DESCRIBED, encoding="utf-8")
    db = tmp_path / "nights.db"
    code, out, err = _run(db, "codebook", "load", str(source))
    assert code == 0, err
    assert "  description added" in out
    return db, source


# --------------------------------------------------------------------------- 1. description
def test_the_codebook_description_is_stored_shown_and_exported(tmp_path: Path) -> None:
    db, _ = _described(tmp_path)
    code, out, err = _run(db, "codebook", "show", columns=60)
    assert code == 0, err
    title, about, tree = out.split("\n\n")
    assert title == "Night shifts, version 2  (2 themes, 2 patterns, 0 exclusion\n  patterns)"
    # Under the title, a paragraph of its own, wrapped to the terminal as the rest of
    # `show` is.
    lines = about.splitlines()
    assert len(lines) > 1 and all(len(line) <= 60 for line in lines), lines
    assert " ".join(lines) == ABOUT
    assert tree.startswith("fatigue  Fatigue")
    code, out, _ = _run(db, "codebook", "show", "--brief")
    assert ABOUT not in out  # --brief: only the tree
    code, out, _ = _run(db, "codebook", "show", "--format", "md")
    assert out.splitlines()[2] == ABOUT
    code, out, _ = _run(db, "codebook", "show", "--format", "json")
    assert json.loads(out)["description"] == ABOUT
    # Written back, read back: load -> export -> load -> export gives the same file.
    first, second = tmp_path / "one.yaml", tmp_path / "two.yaml"
    assert _run(db, "codebook", "export", str(first))[0] == 0
    assert yaml.safe_load(first.read_text(encoding="utf-8"))["description"] == ABOUT
    code, out, err = _run(db, "codebook", "load", str(first))
    assert code == 0 and "no changes" in out, out + err
    assert _run(db, "codebook", "export", str(second))[0] == 0
    body = [x.splitlines()[2:] for x in (first.read_text(), second.read_text())]
    assert body[0] == body[1]  # but for the comment naming the file last loaded


def test_a_version_without_a_description_clears_it(tmp_path: Path) -> None:
    db, source = _described(tmp_path)
    bare = tmp_path / "bare.yaml"
    bare.write_text(DESCRIBED.replace(DESCRIBED[DESCRIBED.index("description: >-"):
                                                DESCRIBED.index("themes:")], ""))
    code, out, err = _run(db, "codebook", "load", str(bare))
    assert code == 0, err
    assert "  description removed (this file has none)" in out
    assert "no changes" not in out
    assert ABOUT not in _run(db, "codebook", "show")[1]
    assert "description" not in yaml.safe_load(_run(db, "codebook", "export")[1])
    code, out, _ = _run(db, "codebook", "load", str(source))
    assert "  description added" in out and ABOUT in " ".join(_run(db, "codebook",
                                                                    "show")[1].split())
    source.write_text(DESCRIBED.replace("could change.", "could change. Coded blind."))
    code, out, _ = _run(db, "codebook", "load", str(source))
    assert "  description changed" in out and "no changes" not in out
    assert _run(db, "codebook", "show", "-o", str(tmp_path / "cb.docx"))[0] == 0
    from docx import Document

    title, about = (p.text for p in Document(str(tmp_path / "cb.docx")).paragraphs[:2])
    assert title.startswith("Night shifts, version 2") and about == ABOUT + " Coded blind."


def test_a_merged_patterns_file_keeps_the_description(tmp_path: Path) -> None:
    source = tmp_path / "nights.yaml"
    source.write_text(DESCRIBED, encoding="utf-8")
    extra = tmp_path / "more.jsonl"
    extra.write_text('{"label": "fatigue", "pattern": "shattered", "id": "fat_shattered"}\n')
    db = tmp_path / "nights.db"
    assert _run(db, "codebook", "load", str(source), "--patterns", str(extra))[0] == 0
    exported = yaml.safe_load(_run(db, "codebook", "export")[1])
    assert exported["description"] == ABOUT


def test_a_description_that_is_not_text_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(DESCRIBED.replace("description: >-", "description:\n  - one\n  - two\n"
                                     "notes: >-", 1))
    code, _, err = _run(tmp_path / "x.db", "codebook", "check", str(bad))
    assert code == 1
    assert f"{bad}:3: `description` must be text" in err


# --------------------------------------------------------------------------- 2. consensus row
def _reconciled(store) -> str:  # noqa: ANN001 - the conftest's store
    """lead decides three stretches into consensus (one a rejection, one undone and
    decided again), asha one: four decisions in effect, three of them coding."""
    from tests.test_agreement_compute import build_project

    a, b = build_project(store)
    store.ensure_coder("lead")
    route = store.transcript_text(b.id).index("It was")
    store.reconcile(b.id, "winding", "consensus", [(route, route + 23)], rule="agreed",
                    compared=["asha", "ben"], start=route, end=route + 23, decided_by="lead")
    text = store.transcript_text(a.id)
    chance, board = text.index("I fell"), text.index("The board")
    store.reconcile(a.id, "serendipity", "consensus", [(chance, chance + 32)], rule="take",
                    taken_from="asha", compared=["asha", "ben"], start=chance,
                    end=chance + 32, decided_by="lead")
    store.undo("consensus")
    store.reconcile(a.id, "serendipity", "consensus", [(chance + 2, chance + 32)],
                    rule="take", taken_from="ben", compared=["asha", "ben"], start=chance,
                    end=chance + 32, decided_by="lead")
    store.reconcile(a.id, "mandate", "consensus", [], rule="reject", compared=["asha", "ben"],
                    start=board, end=len(text), decided_by="asha")
    path = str(store.path)
    store.close()
    return path


def test_the_consensus_row_counts_the_decisions_that_made_its_codings(store) -> None:
    path = _reconciled(store)
    result = CliRunner().invoke(cli, ["--db", path, "coders"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    rows = {line.split("  ")[0]: line.split() for line in result.stdout.splitlines()}
    # It read "2  0": two codings and no decisions, beside a lead with three.
    assert rows["consensus (consensus)"][2:6] == ["2", "from", "4", "reconcile"]
    assert rows["lead"][2:4] == ["3", "reconcile"]
    assert rows["asha"][2:4] == ["1", "reconcile"]
    said = " ".join(result.stdout.split())
    assert ("note: consensus holds the reconciled codings: its 2 codings in effect were "
            "made by 4 reconcile decisions (3 in effect, 1 of them coding nothing), decided "
            "by lead (3) and asha (1). `qcahp reconcile log` lists them. As the consensus "
            "coder it is not renamed or joined.") in said
    assert "(consensus) marks the consensus coder" not in said  # said above, of consensus
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    data = {r["coder"]: r for r in json.loads(CliRunner().invoke(
        cli, ["--db", path, "coders", "--format", "json"]).stdout)}
    into = data["consensus"]["reconciled_into"]
    assert into == {"decisions": 4, "in_effect": 3, "in_effect_coding_nothing": 1,
                    "decided_by": [{"coder": "lead", "decisions": 3},
                                   {"coder": "asha", "decisions": 1}],
                    "codings_made_by_them": 2, "codings_without_a_reconcile_record": 0}
    # The two views agree: what the deciders' rows count is what went into consensus.
    assert sum(r["reconcile_decisions"] for r in data.values()) == into["decisions"]
    assert data["lead"]["reconciled_into"] is None


def test_a_consensus_coding_without_a_record_is_counted_apart(store) -> None:
    from tests.test_agreement_compute import build_project

    a, _ = build_project(store)
    store.code(a.id, "mandate", "agreed", 0, 5, origin="consensus")  # before the log
    path = str(store.path)
    store.close()
    result = CliRunner().invoke(cli, ["--db", path, "coders"], env={"COLUMNS": "80"})
    rows = {line.split("  ")[0]: line.split() for line in result.stdout.splitlines()}
    assert rows["agreed (consensus)"][2:4] == ["1", "0"]
    assert "(consensus) marks the consensus coder" in " ".join(result.stdout.split())
    data = {r["coder"]: r for r in json.loads(CliRunner().invoke(
        cli, ["--db", path, "coders", "--format", "json"]).stdout)}
    assert data["agreed"]["reconciled_into"]["codings_without_a_reconcile_record"] == 1


# --------------------------------------------------------------------------- 3. framework quotes
LONG = ("My band 7 post was in critical care, and the therapy manager went off on long-term "
        "sick leave, and the head of therapies tapped me on the shoulder one Friday "
        "afternoon and asked whether I would hold the fort for a few months")


def _quoted(store) -> str:  # noqa: ANN001 - the conftest's store
    from qualcoder_ahp.records import Codebook, Theme
    from tests.conftest import make_parsed

    store.save_codebook(Codebook("c", (Theme("serendipity", "Serendipity"),)))
    t, _ = store.add_transcript("helen", make_parsed([
        ("Interviewer", "interviewer", "How did it start?"),
        ("Helen", "participant", LONG + ". Honestly, I fell into it.")]))
    start = store.transcript_text(t.id).index("My band")
    store.code(t.id, "serendipity", "ann", start, start + len(LONG))
    path = str(store.path)
    store.close()
    return path


def test_framework_cells_show_each_quote_whole_wrapped_to_the_terminal(store) -> None:
    path = _quoted(store)
    args = ["--db", path, "framework", "--coder", "ann", "--cells", "quotes"]
    result = CliRunner().invoke(cli, args, env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # helen's interview helen: the row names it, the reference does not (session 21)
    at = next(i for i, line in enumerate(lines) if line.startswith("  - turn 2"))
    ref = [lines[at]] + [x for x in lines[at + 1:] if x.startswith("    ")]
    # It was "“My band 7 post was in critical care, and the therapy manager went…”".
    assert " ".join(x.strip() for x in ref) == f"- turn 2: \u201c{LONG}\u201d"
    assert len(ref) > 2 and all(len(x) <= 60 for x in lines), lines
    # In a pipe (no width) the line is whole, not cut either.
    piped = CliRunner().invoke(cli, args, env={"COLUMNS": ""}).stdout
    assert f"  - turn 2: \u201c{LONG}\u201d\n" in piped
    # The files keep their cell references as they were (the quotes sheet has them whole).
    csv_text = CliRunner().invoke(cli, [*args, "--format", "csv"]).stdout
    assert LONG not in csv_text and "went\u2026\u201d" in csv_text
