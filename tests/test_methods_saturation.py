"""The Saturation paragraph of ``qcahp methods`` (COREQ item 22) on the hand-made project
of tests/test_saturation.py, where the answer is known: ana's coding reaches saturation
at 7 participants (<= 5% new information; 8 at 0%), ana and ben pooled at 6 (8 at 0%).

Each figure is the one ``qcahp saturation`` prints with the command named beside it: the
consensus when it covers every transcript the coders coded, else one coder's coding, else
the coders' codings pooled.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcoder_ahp.agreement.compute import collect
from qualcoder_ahp.agreement.reconcile import reconcile_items
from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.reports.reconcile_state import undecided
from tests.conftest import make_parsed
from tests.test_saturation import ANA, build, code


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def methods(db: Path, *args: str) -> tuple[str, dict[str, dict]]:
    """The Saturation paragraph (words joined) and every figure by key."""
    doc = json.loads(run(db, "methods", "--format", "json", *args))
    said = {p["heading"]: p["text"] for p in doc["paragraphs"]}
    return said["Saturation"], {f["key"]: f for f in doc["figures"]}


def same_as_saturation(db: Path, found: dict[str, dict]) -> dict:
    """Assert the figures are those of the command named beside them; returns its JSON."""
    command = found["saturation.at"]["command"]
    assert command.startswith("qcahp saturation")
    args = shlex.split(command.removeprefix("qcahp saturation"))  # the whole command
    doc = json.loads(run(db, "saturation", *args, "--format", "json"))
    assert all(f["command"] == command for k, f in found.items() if k.startswith("saturation."))
    five, zero = doc["verdicts"]
    assert found["saturation.at"]["value"] == five["reached_at"]
    assert found["saturation.at_0"]["value"] == zero["reached_at"]
    assert found["saturation.cases"]["value"] == len(doc["cases"])
    assert found["saturation.left_out"]["value"] == len(doc["left_out"])
    assert found["saturation.themes"]["value"] == doc["themes_found"]
    assert found["saturation.base_themes"]["value"] == doc["base_themes"]
    assert (found["saturation.base"]["value"], found["saturation.run"]["value"]) == (
        doc["base"], doc["run"])
    assert found["saturation.order"]["value"] == doc["order"] == "import order"
    orders = doc["random_orders"]
    assert found["saturation.orders"]["value"] == orders["orders"] == 1000
    first = orders["results"][0]
    for key in ("reached", "median", "p5", "p95"):
        name = "saturation.orders_reached" if key == "reached" else f"saturation.orders_{key}"
        assert found[name]["value"] == first[key], key
    return doc


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("methods_saturation") / "qcahp.db"
    store = open_store(path)
    build(store)
    store.close()
    return path


def test_one_coder_the_sentence_and_figures_as_worked_out_by_hand(db: Path) -> None:
    said, found = methods(db, "--coders", "ana")
    assert said.startswith(
        "Thematic saturation was assessed with the method of Guest, Namey and Chen (2020), "
        "with a base of four participants, runs of two and a new-information threshold of "
        "5%, on ana's coding. Taking the participants in import order, it was reached at 7 "
        "of the 10 participants coded: participants 6-7 brought 1 new theme (5.0% of the "
        "base's 20); with no new theme at all, at 8.")
    assert "Over 1,000 random orders of the same participants it was reached" in said
    # The participants carry an interview_date: the draft points at --order-by.
    assert "qcahp saturation --order-by interview_date" in said
    assert found["saturation.coding"]["value"] == "ana"
    assert found["saturation.at"]["command"] == "qcahp saturation --coder ana"
    assert (found["saturation.at"]["value"], found["saturation.at_0"]["value"]) == (7, 8)
    assert (found["saturation.base_themes"]["value"], found["saturation.themes"]["value"]) == (
        20, 22)
    same_as_saturation(db, found)


def test_two_coders_are_pooled_and_the_figures_are_saturations(db: Path) -> None:
    said, found = methods(db)  # every coder who coded: ana and ben
    assert ("on the codings of ana and ben pooled (a theme counts for a participant when "
            "either coded it there)") in said
    assert "it was reached at 6 of the 10 participants coded" in said
    assert found["saturation.at"]["command"] == "qcahp saturation"
    doc = same_as_saturation(db, found)
    o = doc["random_orders"]["results"][0]
    assert o["median"] is None  # most orders never reach it (tests/test_saturation.py)
    assert (f"Over 1,000 random orders of the same participants it was reached in only "
            f"{o['reached']:,} of them.") in said
    # The text draft states the paragraph and the figures under their command.
    text = run(db, "methods")
    assert "\nSaturation. Thematic saturation was assessed" in text
    assert "\nSaturation (as in `qcahp saturation`)\n" in text


def test_a_consensus_of_every_coded_transcript_is_the_coding_assessed(
        db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "consensus.db"
    copy.write_bytes(db.read_bytes())
    store = open_store(copy)
    ids = {t.participant: t.id for t in store.transcripts()}
    # A consensus of the first interview only leaves the others out: pooled instead.
    code(store, ids["P01"], "t01", "consensus", 1)
    store.close()
    said, found = methods(copy)
    assert found["saturation.at"]["command"] == "qcahp saturation"
    assert "ana and ben pooled" in said
    # ... which, like `qcahp saturation`, leaves the consensus out of the pool.
    assert same_as_saturation(copy, found)["not_pooled"] == ["consensus"]
    # A consensus in every transcript the coders coded: it is the coding of record.
    store = open_store(copy)
    for n, themes in ANA.items():
        for k, theme in enumerate(themes, start=1):
            if (n, theme) != (1, "t01"):
                store.code(ids[f"P{n:02d}"], theme, "consensus", *_span(store, ids, n, k))
    store.close()
    said, found = methods(copy)
    # Ben's other codings are still undecided in it: pooled until they are decided
    # (tests/test_s19_team_methods.py), here rejected.
    assert "ana and ben pooled" in said and "not the consensus coding" in said
    store = open_store(copy)
    stretches = reconcile_items(collect(store, ["ana", "ben"]))
    for item in undecided(store, stretches, "consensus"):
        store.reconcile(item.transcript_id, item.theme_id, "consensus", [], rule="reject",
                        compared=["ana", "ben"], start=item.start, end=item.end,
                        decided_by="lead")
    store.close()
    said, found = methods(copy)
    assert "on the consensus coding. Taking the participants in import order" in said
    assert found["saturation.coding"]["value"] == "consensus"
    assert found["saturation.at"]["command"] == "qcahp saturation --consensus"
    assert found["saturation.at"]["value"] == 7  # ana's themes, as agreed
    same_as_saturation(copy, found)


def _span(store, ids: dict, n: int, sentence: int) -> tuple[int, int]:
    text = store.transcript_text(ids[f"P{n:02d}"])
    start = text.index(f"Sentence {sentence} of")
    return start, start + len(f"Sentence {sentence} of")


def test_not_reached_is_said_with_the_last_run(db: Path, tmp_path: Path) -> None:
    """cai codes one theme of her own in each of the first six interviews: the run 5-6
    brings two new themes, 50% of the base's four, and no random order reaches it."""
    copy = tmp_path / "cai.db"
    copy.write_bytes(db.read_bytes())
    store = open_store(copy)
    ids = {t.participant: t.id for t in store.transcripts()}
    for n in range(1, 7):
        code(store, ids[f"P{n:02d}"], f"t{n:02d}", "cai", 1)
    store.close()
    said, found = methods(copy, "--coders", "cai")
    assert ("it was not reached in the 6 participants coded (four participants with "
            "nothing coded yet were left out): the last run (participants 5-6) still "
            "brought 2 new themes (50.0% of the base's 4).") in said
    assert ("Over 1,000 random orders of the same participants it was reached in none of "
            "them.") in said
    assert found["saturation.at"]["value"] is None and found["saturation.at"]["text"] == (
        "(not yet)")
    assert found["saturation.orders_reached"]["value"] == 0
    same_as_saturation(copy, found)
    # --coders leaving cai out pools ana and ben only (saturation at 6, 8 at 0%, as
    # worked out), and the command beside the figures pools exactly them (it said
    # "qcahp saturation (it pools cai too)", which no command reproduced).
    said, found = methods(copy, "--coders", "ana,ben")
    assert "on the codings of ana and ben pooled" in said
    assert (found["saturation.at"]["value"], found["saturation.at_0"]["value"]) == (6, 8)
    assert found["saturation.at"]["command"] == "qcahp saturation --coders ana,ben"
    doc = same_as_saturation(copy, found)
    assert doc["coders"] == ["ana", "ben"] and doc["base_themes"] == 21
    # Every coder who coded (ana, ben, cai) is what `qcahp saturation` pools.
    said, found = methods(copy)
    assert "on the codings of ana, ben and cai pooled" in said
    assert found["saturation.at"]["command"] == "qcahp saturation"
    same_as_saturation(copy, found)


def test_reached_in_every_random_order(db: Path, tmp_path: Path) -> None:
    """dee codes t01 in each of the first six interviews: nothing is new after the
    first, so every order reaches saturation at 6."""
    copy = tmp_path / "dee.db"
    copy.write_bytes(db.read_bytes())
    store = open_store(copy)
    ids = {t.participant: t.id for t in store.transcripts()}
    for n in range(1, 7):
        code(store, ids[f"P{n:02d}"], "t01", "dee", 1)
    store.close()
    said, found = methods(copy, "--coders", "dee")
    assert ("it was reached at 6 of the 6 participants coded (four participants with "
            "nothing coded yet were left out): participants 5-6 brought no new theme (0.0% "
            "of the base's 1). Over 1,000 random orders of the same participants it was "
            "reached by 6 participants in 95% of them (median 6).") in said
    same_as_saturation(copy, found)


def test_cannot_be_assessed_says_why(db: Path, tmp_path: Path) -> None:
    said, found = methods(db, "--coders", "ben")  # ben coded one interview
    assert said == (
        "Thematic saturation (the method of Guest, Namey and Chen (2020): a base of four "
        "participants, runs of two) cannot be assessed yet: only one participant has a coded "
        "interview so far, and the method needs at least six (a base of four and a run of "
        "two).")
    assert found["saturation.cases"]["value"] == 1 and found["saturation.at"]["value"] is None
    assert "saturation.orders" not in found
    doc = json.loads(run(db, "methods", "--coders", "ben", "--format", "json"))
    assert "saturation cannot be assessed yet" in doc["not_yet"]
    # Nothing coded at all.
    empty = tmp_path / "empty.db"
    store = open_store(empty)
    store.add_transcript("int01", make_parsed([("P", "participant", "Nothing coded.")]))
    store.close()
    said, _ = methods(empty)
    assert said.endswith("cannot be assessed yet: no interview has been coded.")
