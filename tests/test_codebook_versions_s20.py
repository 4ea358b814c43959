"""A codebook's life across versions (session 20): what ``qcahp codebook load`` says when
a file brings back themes and patterns the project kept all along, or changes only its
``version:``; and what ``qcahp suggest`` keeps, adds and retires after each change."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"


def run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.output


def load(db: Path, tmp_path: Path, text: str, name: str = "cb.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out = run(db, "codebook", "load", str(path))
    assert code == 0, out
    return " ".join(out.split())


def test_loading_the_file_again_after_a_retire_restores_rather_than_adds(
        tmp_path: Path) -> None:
    """The bug: the retired theme's patterns, stored all along, were listed as added."""
    db, text = tmp_path / "p.db", SMALL.read_text()
    load(db, tmp_path, text)
    code, out = run(db, "codebook", "retire", "serendipity", "--coder", "ana")
    assert code == 0, out
    out = load(db, tmp_path, text)
    assert "added" not in out, out
    assert "themes brought back: serendipity" in out
    assert ("patterns restored: ser_fell_into, ser_right_place, ser_by_chance, "
            "ser_ask_lemma") in out
    assert "exclusion patterns restored: ser_not_by_chance" in out
    assert "Run `qcahp suggest`" in out
    assert load(db, tmp_path, text).endswith("no changes")


def test_a_theme_or_pattern_a_version_left_out_comes_back_restored_or_changed(
        tmp_path: Path) -> None:
    db, text = tmp_path / "p.db", SMALL.read_text()
    load(db, tmp_path, text)
    lines = text[:text.index("  - id: interviewing")].splitlines(keepends=True)
    at = lines.index("          - id: ser_by_chance\n")
    without = "".join(lines[:at] + lines[at + 2:])
    assert "ser_by_chance" not in without and "int_career" not in without
    out = load(db, tmp_path, without)
    assert "themes retired: interviewing" in out
    assert "patterns retired: int_career, ser_by_chance" in out
    out = load(db, tmp_path, text.replace("tell me about your career", "your career")
               .replace("Interviewer prompts", "Interviewer questions"))
    assert "added" not in out, out
    assert ("themes brought back: interviewing (name 'Interviewer prompts' -> "
            "'Interviewer questions')") in out
    assert "patterns changed: int_career" in out  # back, and not as it was stored
    assert "patterns restored: ser_by_chance" in out


def test_a_version_that_changes_only_its_version_number_says_so(tmp_path: Path) -> None:
    db, text = tmp_path / "p.db", SMALL.read_text()
    first = load(db, tmp_path, text)
    assert "version 1" not in first  # a first load: nothing to compare with
    out = load(db, tmp_path, text.replace("version: 1", "version: 2"))
    assert out.endswith("version 1 -> 2") and "no changes" not in out, out
    out = load(db, tmp_path, text.replace("version: 1\n", ""))
    assert out.endswith("version 2 removed (this file has none)"), out
    out = load(db, tmp_path, text.replace("version: 1", "version: 3"))
    assert out.endswith("version 3 (the last file had none)"), out
    assert load(db, tmp_path, text.replace("version: 1", "version: 3")).endswith(
        "no changes")


def test_themes_changed_says_what_changed_in_each(tmp_path: Path) -> None:
    """A rename, a move and a reworded definition all read "themes changed: ID" alone."""
    db, text = tmp_path / "p.db", SMALL.read_text()
    load(db, tmp_path, text)
    edited = text.replace("name: Serendipity", "name: Chance and invitation").replace(
        '"#CC6677"', '"#AA4499"').replace("Moves that arose from chance",
                                          "Moves that came from chance")
    edited = edited.replace("  - id: interviewing\n", "      - id: interviewing\n").replace(
        "    name: Interviewer prompts", "        name: Interviewer prompts")
    lines = edited.splitlines(keepends=True)
    at = lines.index("      - id: interviewing\n")
    edited = "".join(lines[:at + 2] + ["    " + line for line in lines[at + 2:]])
    out = load(db, tmp_path, edited)
    assert ("themes changed: serendipity (name 'Serendipity' -> 'Chance and invitation', "
            "definition, colour #CC6677 -> #AA4499), interviewing (place under (top level) "
            "-> career_pathways)") in out, out
    assert "patterns" not in out.split("themes changed")[1]  # the same patterns, moved


def test_patterns_changed_names_a_new_scope_or_unit(tmp_path: Path) -> None:
    db, text = tmp_path / "p.db", SMALL.read_text()
    load(db, tmp_path, text)
    edited = text.replace("            unit: turn\n", "").replace(
        "scope: interviewer", "scope: all").replace('phrase: "fell into"',
                                                    'phrase: "fall into"')
    out = load(db, tmp_path, edited)
    assert ("patterns changed: ser_fell_into, ntr_ops_turn (unit turn -> sentence), "
            "int_career (scope interviewer -> all)") in out, out


def test_a_pattern_moved_to_another_theme_counts_only_the_new_themes_suggestions(
        tmp_path: Path) -> None:
    """The moved pattern's record took in the decisions on the old theme's suggestion:
    "2 suggestions, 1 accepted" for a pattern whose new theme had one, undecided."""
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.suggest.codebook import load_codebook
    from qualcoder_ahp.suggest.runner import run_suggestions
    from tests.test_engine import transcript

    text = SMALL.read_text()
    lines = text.splitlines(keepends=True)
    at = lines.index("          - id: ser_by_chance\n")
    moved = lines[:at] + lines[at + 2:]
    into = moved.index("          - id: ntr_ops_turn\n")
    moved[into:into] = lines[at:at + 2]
    (tmp_path / "v2.yaml").write_text("".join(moved), encoding="utf-8")
    with open_store(tmp_path / "p.db") as store:
        store.save_codebook(load_codebook(SMALL))
        store.add_transcript("t", transcript([("P", "participant", "I got it by chance.")]))
        run_suggestions(store)
        (first,) = store.suggestions()
        store.accept(first.id, "ana")
        store.save_codebook(load_codebook(tmp_path / "v2.yaml"))
        run_suggestions(store)
        assert {(s.theme_id, s.pattern_ids) for s in store.suggestions()} == {
            ("serendipity", ("ser_by_chance",)),  # decided: kept, with its decision
            ("non_traditional_roles", ("ser_by_chance",))}
        (record,) = [r for r in store.pattern_stats() if r["pattern"] == "ser_by_chance"]
        assert (record["theme"], record["suggestions"], record["accepted"],
                record["open"]) == ("non_traditional_roles", 1, 0, 1)
        assert [s.theme_id for s, _ in store.pattern_suggestions("ser_by_chance")] == [
            "non_traditional_roles"]


def test_a_theme_a_version_makes_a_folder_retires_its_decided_suggestions(
        tmp_path: Path) -> None:
    """They stayed open in every other coder's queue, and accepting one failed: "theme
    'serendipity' is a folder and cannot be coded"."""
    from qualcoder_ahp.model.store import open_store
    from qualcoder_ahp.suggest.codebook import load_codebook
    from qualcoder_ahp.suggest.runner import run_suggestions
    from tests.test_engine import transcript

    text = SMALL.read_text()
    start = text.index("        patterns:\n          - id: ser_fell_into")
    end = text.index("      - id: non_traditional_roles")
    folder = text[:start] + "        codable: false\n" + text[end:]
    (tmp_path / "v2.yaml").write_text(folder, encoding="utf-8")
    with open_store(tmp_path / "p.db") as store:
        store.save_codebook(load_codebook(SMALL))
        store.add_transcript("t", transcript([("P", "participant", "I fell into it.")]))
        run_suggestions(store)
        (first,) = store.suggestions()
        store.accept(first.id, "ana")
        store.save_codebook(load_codebook(tmp_path / "v2.yaml"))
        report = run_suggestions(store)
        assert (report.retired, report.decided_kept) == (1, 0)
        assert store.suggestions(coder="ben", decision="undecided") == []
        assert store.decision_of(first.id, "ana") == "accepted"
        assert [c.theme_id for c in store.codings()] == ["serendipity"]
