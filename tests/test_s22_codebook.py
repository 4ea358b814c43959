"""A research team adapting a codebook, walked end to end (session 22).

``qcahp patterns`` listed every exclusion pattern with 0 suggestions, 0 accepted, 0
rejected, whatever it did: a team could not tell an exclusion that rules out what it
was written for from one that matches nothing (mistyped) or one that blocks suggestions
coders had accepted (too wide). Each current exclusion now has what it rules out in the
transcripts (``ruled_out``, and the decisions on those), and a line under the table says
it.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_s21_stale_versions import BY_CHANCE, SMALL, build, load, patterns_json, run

NOT_BY_CHANCE = '''          - id: ser_not_by_chance
            regex: "\\\\b(?:not|n't|never)\\\\b[^.]{0,25}\\\\b(?:by chance|luck)"
'''
HAPPENED = NOT_BY_CHANCE + '''          - id: ser_x_happened
            regex: '\\bhappened by chance\\b'
'''


def test_patterns_says_what_each_exclusion_rules_out(tmp_path: Path) -> None:
    db = build(tmp_path)
    assert NOT_BY_CHANCE in SMALL.read_text()
    # "It happened by chance." (transcript two): ben accepted its serendipity suggestion.
    load(db, tmp_path, SMALL.read_text().replace(NOT_BY_CHANCE, HAPPENED))
    rows = patterns_json(db)
    happened, unused = rows["ser_x_happened"], rows["ser_not_by_chance"]
    assert (happened["ruled_out"], happened["ruled_out_accepted"],
            happened["ruled_out_rejected"]) == (1, 1, 0)
    assert (unused["ruled_out"], unused["ruled_out_accepted"]) == (0, 0)
    # A positive pattern's row has no such figures; an exclusion still makes none.
    assert "ruled_out" not in rows["ser_by_chance"]
    assert happened["suggestions"] == 0
    # Only ana's decisions: she never decided on it.
    ana = patterns_json(db, "--coder", "ana")["ser_x_happened"]
    assert (ana["ruled_out"], ana["ruled_out_accepted"]) == (1, 0)
    table = " ".join(run(db, "patterns", "--theme", "serendipity").split())
    assert ("Exclusion patterns (no suggestions of their own; their figures above are 0): "
            "in 2 transcripts now, suggestions of their theme each rules out: "
            "ser_x_happened 1 (1 accepted).") in table
    assert "is too wide: narrow it" in table
    assert "Ruling out nothing here: ser_not_by_chance (harmless if" in table
    # Nothing is written: the figures come from the match cache.
    again = " ".join(run(db, "patterns", "--theme", "serendipity").split())
    assert again == table
    # Another theme's table names no exclusion.
    assert "Exclusion patterns" not in run(db, "patterns", "--theme", "interviewing")


def test_exclusion_figures_follow_a_new_version_without_suggest(tmp_path: Path) -> None:
    """Read from what the next ``suggest`` would do: an exclusion loaded a moment ago,
    before any run, is matched there and then (nothing stored)."""
    db = build(tmp_path)
    path = tmp_path / "cb.yaml"
    path.write_text(SMALL.read_text().replace(NOT_BY_CHANCE, HAPPENED), encoding="utf-8")
    run(db, "codebook", "load", str(path))
    assert patterns_json(db)["ser_x_happened"]["ruled_out"] == 1
    run(db, "suggest")
    assert patterns_json(db)["ser_x_happened"]["ruled_out"] == 1


async def test_the_workbench_patterns_screen_says_what_an_exclusion_rules_out(
        tmp_path: Path) -> None:
    """The line under the patterns screen's table gives the highlighted exclusion's
    figures, the same as ``qcahp patterns`` (it said nothing of what one blocks)."""
    from textual.widgets import DataTable, Label

    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.patterns import PatternsScreen
    from tests.test_patterns_tui import settle
    from tests.tui.conftest import press_for_screen

    db = build(tmp_path)
    load(db, tmp_path, SMALL.read_text().replace(NOT_BY_CHANCE, HAPPENED))
    app = make_app(db, coder="ana")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        screen = await press_for_screen(pilot, "y", PatternsScreen)
        await settle(pilot)
        table = screen.query_one(DataTable)
        ids = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=ids.index("ser_x_happened"))
        await pilot.pause()
        where = str(screen.query_one("#patterns-where", Label).render())
        assert where.startswith("ser_x_happened (rules out 1: 1 accepted): exclusion regex")
        table.move_cursor(row=ids.index("ser_not_by_chance"))
        await pilot.pause()
        where = str(screen.query_one("#patterns-where", Label).render())
        assert where.startswith("ser_not_by_chance (rules out 0): exclusion regex")
        # Its list no longer says what it blocks is not recorded.
        from qualcoder_ahp.tui.screens.pattern_suggestions import PatternSuggestionsScreen

        listing = await press_for_screen(pilot, "enter", PatternSuggestionsScreen)
        await settle(pilot)
        listed = " ".join(str(listing.query_one("#pattern-list-head", Label).render()).split())
        assert "not recorded" not in listed
        assert ("its row on the patterns screen says how many it rules out now" in listed)


FELL_INTO = NOT_BY_CHANCE + '''          - id: ser_x_fell_into_it
            regex: '\\bfell into it\\b'
'''


def test_a_suggestion_an_exclusion_rules_out_is_not_called_one_no_pattern_finds(
        tmp_path: Path) -> None:
    """A decided suggestion an exclusion now rules out stays open (open*), as one no
    pattern finds does; but its patterns still find it. ``suggestions`` said "no pattern
    finds these any more" and ``patterns`` "the accepted ones are what a change made it
    miss", blaming a pattern nobody changed."""
    db = build(tmp_path)
    # "I fell into it by chance." (one; ana accepted, ben rejected) is ruled out; and
    # ser_by_chance narrowed: "It happened by chance." (two; ben accepted) is found by none.
    text = SMALL.read_text().replace(NOT_BY_CHANCE, FELL_INTO).replace(
        BY_CHANCE, r'regex: "\\bby pure chance\\b"')
    load(db, tmp_path, text)
    listed = {(s["transcript"], s["status"], s["found"]): s for s in json.loads(
        run(db, "suggestions", "--theme", "serendipity", "--format", "json"))}
    assert listed["one", "open", False]["ruled_out_by"] == ["ser_x_fell_into_it"]
    assert listed["two", "open", False]["ruled_out_by"] == []
    assert all(s["ruled_out_by"] == [] for k, s in listed.items() if k[2])
    legend = " ".join(run(db, "suggestions", "--theme", "serendipity").split())
    assert ("open*: kept open because a coder decided on each: 1 no pattern finds it any "
            "more (patterns named: those that last did); for 1, an exclusion now rules it "
            "out (ser_x_fell_into_it), though the patterns named still find it.") in legend
    one = " ".join(run(db, "suggestions", "--transcript", "one", "--theme",
                       "serendipity").split())
    assert ("open*: an exclusion now rules it out (ser_x_fell_into_it), though the patterns "
            "named still find it; kept open because a coder decided on it.") in one
    rows = patterns_json(db)
    assert rows["ser_fell_into"]["no_longer_found"] == {
        "suggestions": 1, "accepted": 1, "rejected": 1, "open": 0}
    assert rows["ser_fell_into"]["no_longer_found_ruled_out"] == 1
    assert rows["ser_by_chance"]["no_longer_found_ruled_out"] == 1  # one's, of the two
    assert rows["ser_ask_lemma"]["no_longer_found_ruled_out"] == 0
    table = " ".join(run(db, "patterns", "--theme", "serendipity").split())
    assert ("ser_by_chance 2 (2 accepted, 1 rejected; 1 ruled out by an exclusion, which "
            "the pattern still finds), ser_fell_into 1 (1 accepted, 1 rejected; all ruled "
            "out by an exclusion, which the pattern still finds).") in table


def test_evaluate_gold_by_pattern_lists_what_each_exclusion_ruled_out(tmp_path: Path) -> None:
    """A gold file is where an exclusion is judged before anyone codes with it: one that
    rules out a labelled sentence made a miss. ``--by-pattern`` listed only the patterns
    that suggested, so the exclusion behind a miss was nowhere."""
    codebook = tmp_path / "cb.yaml"
    codebook.write_text(SMALL.read_text().replace(NOT_BY_CHANCE, HAPPENED), encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(row) for row in [
        {"sentence": "It happened by chance that I moved.", "themes": ["serendipity"]},
        {"sentence": "It never happened by chance.", "themes": []},
        {"sentence": "I fell into it by chance.", "themes": ["serendipity"]},
        {"sentence": "It was not by chance, I planned it.", "themes": []},
    ]) + "\n", encoding="utf-8")
    db = tmp_path / "p.db"
    out = run(db, "evaluate", "--gold", str(gold), "--codebook", str(codebook),
              "--by-pattern")
    lines = out.split("Exclusion patterns that ruled out a suggestion (2; most wrong "
                      "first):\n")[1].splitlines()
    assert lines[4] == ("right: the sentence lacks the theme; wrong: it has it (a miss it "
                        "made).")
    assert [line.split() for line in lines[2:4]] == [
        ["ser_x_happened", "serendipity", "1", "1", "0.500"],
        ["ser_not_by_chance", "serendipity", "2", "0", "1.000"]]  # "never ... by chance" too
    data = json.loads(run(db, "evaluate", "--gold", str(gold), "--codebook", str(codebook),
                          "--format", "json"))
    assert data["exclusions"] == [
        {"pattern": "ser_x_happened", "theme": "serendipity", "right": 1, "wrong": 1,
         "precision": 0.5},
        {"pattern": "ser_not_by_chance", "theme": "serendipity", "right": 2, "wrong": 0,
         "precision": 1.0}]
    assert data["micro"]["fn"] == 1  # the miss ser_x_happened made


def test_evaluate_coder_names_what_an_exclusion_rules_out(tmp_path: Path) -> None:
    """Against a coder, a decided suggestion an exclusion now rules out was "left out: no
    pattern finds it any more"; it is said to be ruled out, and --by-pattern judges the
    exclusion on the coder's decision (ana accepted it: wrong; ben rejected it: right)."""
    db = build(tmp_path)
    load(db, tmp_path, SMALL.read_text().replace(NOT_BY_CHANCE, FELL_INTO))
    ana = " ".join(run(db, "evaluate", "--coder", "ana", "--by-pattern").split())
    assert ("Left out too: 1 suggestion an exclusion now rules out (kept open for the "
            "decisions on it; --by-pattern lists the exclusions with what they ruled "
            "out).") in ana
    assert ("Exclusion patterns that ruled out a suggestion (1; most wrong first): pattern "
            "theme right wrong precision") in ana
    assert "ser_x_fell_into_it serendipity 0 1 0.000" in ana
    ben = json.loads(run(db, "evaluate", "--coder", "ben", "--format", "json"))
    assert ben["exclusions"] == [{"pattern": "ser_x_fell_into_it", "theme": "serendipity",
                                  "right": 1, "wrong": 0, "precision": 1.0}]
    assert (ben["no_longer_found_left_out"], ben["ruled_out_left_out"]) == (1, 1)
    # Narrowed as well: one no pattern finds (two's, ben accepted), one ruled out.
    load(db, tmp_path, SMALL.read_text().replace(NOT_BY_CHANCE, FELL_INTO).replace(
        BY_CHANCE, r'regex: "\\bby pure chance\\b"'))
    ben_text = " ".join(run(db, "evaluate", "--coder", "ben").split())
    assert ("Left out too: 2 suggestions today's codebook does not make (kept open for the "
            "decisions on them): 1 no pattern finds any more, 1 an exclusion now rules out "
            "(--by-pattern lists the exclusions).") in ben_text


def test_load_says_a_pattern_given_another_id_is_renamed(tmp_path: Path) -> None:
    """A team that renames a pattern's id (same body) read "patterns added: new" and
    "patterns retired: old", as if its record were gone; it goes on under the new id."""
    db = build(tmp_path)
    before = patterns_json(db)["ser_fell_into"]
    path = tmp_path / "cb.yaml"
    text = SMALL.read_text().replace("id: ser_fell_into\n", "id: ser_fell_phrase\n").replace(
        "id: ser_not_by_chance\n", "id: ser_x_not_chance\n").replace(
        "id: ser_ask_lemma\n            tokens: [{LEMMA: ask}",
        "id: ser_asked_me\n            tokens: [{LEMMA: ask, OP: '+'}")
    path.write_text(text, encoding="utf-8")
    out = " ".join(run(db, "codebook", "load", str(path)).split())
    assert ("patterns renamed: ser_fell_into -> ser_fell_phrase (each with the body it had: "
            "its suggestions and decisions go on under the new id)") in out
    assert "exclusion patterns renamed: ser_not_by_chance -> ser_x_not_chance" in out
    # A new id with a new body is a pattern added and one retired, as before.
    assert "patterns added: ser_asked_me" in out
    assert "patterns retired: ser_ask_lemma patterns renamed:" in out  # that one only
    run(db, "suggest")
    after = patterns_json(db)["ser_fell_phrase"]
    assert [after[k] for k in ("suggestions", "accepted", "rejected")] == [
        before[k] for k in ("suggestions", "accepted", "rejected")]


async def test_the_workbench_patterns_screen_says_a_suggestion_is_ruled_out(
        tmp_path: Path) -> None:
    """The patterns screen's "Not counted" line and the line under the table said a
    suggestion an exclusion rules out was one the pattern no longer finds, and nothing
    more; they say an exclusion rules it out, as ``qcahp patterns`` does."""
    from textual.widgets import DataTable, Label

    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.patterns import PatternsScreen
    from tests.test_patterns_tui import head, settle
    from tests.tui.conftest import press_for_screen

    db = build(tmp_path)
    load(db, tmp_path, SMALL.read_text().replace(NOT_BY_CHANCE, FELL_INTO))
    app = make_app(db, coder="ana")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        screen = await press_for_screen(pilot, "y", PatternsScreen)
        await settle(pilot)
        # One suggestion, counted for each of its two patterns (as the figures count).
        assert ("Not counted: 2 decided suggestions these patterns no longer find (2 accepted, "
                "2 rejected; all ruled out by an exclusion, which they still find)"
                ) in " ".join(head(screen).split())
        table = screen.query_one(DataTable)
        ids = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=ids.index("ser_fell_into"))
        await pilot.pause()
        where = str(screen.query_one("#patterns-where", Label).render())
        assert where.startswith("ser_fell_into (1 decided, no longer found; 1 ruled out by "
                                "an exclusion): phrase")


def test_a_retired_themes_empty_lists_say_why(tmp_path: Path) -> None:
    """``suggestions --theme`` and ``patterns --theme`` of a retired theme printed "(none)"
    and nothing else; they say it is retired and how it comes back."""
    db = build(tmp_path)
    assert "(none)" not in run(db, "suggestions", "--theme", "interviewing")
    run(db, "codebook", "retire", "interviewing", "--coder", "ana")
    listed = " ".join(run(db, "suggestions", "--theme", "interviewing").split())
    assert listed.startswith("(none) ")
    assert ("Theme interviewing (Interviewer prompts) is retired and has no open suggestion "
            "(a codebook with this id, or `qcahp codebook restore interviewing --coder "
            "NAME`, brings it back); `--status retired` lists those it had.") in listed
    assert "int_career" in run(db, "suggestions", "--theme", "interviewing", "--status",
                               "retired")
    # Its patterns are listed, marked (theme retired); a theme id renamed in the file
    # leaves the old theme none (they moved with the new id).
    assert "(theme retired)" in run(db, "patterns", "--theme", "interviewing")
    load(db, tmp_path, SMALL.read_text().replace("- id: interviewing\n",
                                                 "- id: interviewer_prompts\n"))
    moved = " ".join(run(db, "patterns", "--theme", "interviewing").split())
    assert ("Theme interviewing (Interviewer prompts) is retired and has no patterns now "
            "(a codebook with this id, or `qcahp codebook restore interviewing --coder "
            "NAME`, brings it back).") in moved


def test_a_key_indented_too_far_names_both_columns(tmp_path: Path) -> None:
    """A key one space further in than the item's first key: the check said only "check
    this line's indentation"; it names the key, its column and the column to line up with."""
    from click.testing import CliRunner

    from qualcoder_ahp.cli import cli

    path = tmp_path / "mine.yaml"
    path.write_text("name: Mine\nthemes:\n  - id: workload\n    name: Workload\n"
                    "    patterns:\n      - id: wl_hours\n\n         phrase: long hours\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "check", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{path}:8: not valid YAML: mapping values are not allowed in this context (column "
        "16): `phrase` starts in column 10, but `id` on line 6 in column 9 (YAML read this "
        "line as more of its value); check this line's indentation: the keys of one theme "
        "or pattern start in the same column")
