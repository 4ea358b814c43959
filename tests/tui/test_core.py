"""Unit tests of the Textual-free parts: wrapping, the coding session, workbench store reads,
and the ``code``/``demo`` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcoder_ahp.cli import cli
from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Turn
from qualcoder_ahp.tui import jobs
from qualcoder_ahp.tui.layout import BLANK, HEADER, TEXT, display_text, wrap_transcript
from qualcoder_ahp.tui.session import CodingSession
from tests.tui.conftest import CODER


def test_wrap_covers_every_word_within_width():
    text = "alpha beta gamma delta\nepsilon " + "x" * 25 + "\n\nzeta"
    turns = [Turn("A", "participant", 0, 22), Turn("B", "interviewer", 23, len(text))]
    layout = wrap_transcript(text, turns, 10)
    kinds = [line.kind for line in layout.lines]
    assert kinds[0] == HEADER and kinds[-1] == BLANK
    rows = [text[line.start:line.end] for line in layout.lines if line.kind == TEXT]
    assert rows == ["alpha beta", "gamma", "delta", "epsilon", "x" * 10, "x" * 10, "x" * 5,
                    "zeta"]
    assert all(len(r) <= 10 for r in rows)
    zeta = text.index("zeta")
    assert text[layout.lines[layout.row_of(zeta)].start:][:4] == "zeta"
    assert list(layout.rows_of(0, 22)) == [1, 2, 3]


def test_wrap_wide_characters_by_cells():
    text = "日本語のテキスト です"
    layout = wrap_transcript(text, [Turn("A", "participant", 0, len(text))], 8)
    rows = [text[line.start:line.end] for line in layout.lines if line.kind == TEXT]
    assert "".join(rows).replace(" ", "") == text.replace(" ", "")
    assert rows[0] == "日本語の"


def test_display_text_blanks_control_characters():
    assert display_text("a\tb\x1b[31m") == "a b [31m"


@pytest.fixture
def session(project: Path):
    store = open_store(project)
    yield CodingSession(store, CODER, 1)
    store.close()


def test_session_navigation_and_word_moves(session: CodingSession):
    first = session.step_suggestion(1)
    assert first is not None and first.theme_id == "winding"
    second = session.step_suggestion(1)
    assert second.id != first.id
    assert session.step_suggestion(-1).id == first.id
    assert session.step_suggestion(-1).id == session.suggestions[-1].id  # wraps round
    session.go_to(first)
    session.move_edge("end", "word", -1)
    assert session.text[session.span.start:session.span.end] == "It was a winding route"
    assert session.is_adjusted()
    session.narrow()
    assert session.text[session.span.start:session.span.end] == "winding route"
    session.widen()
    assert (session.span.start, session.span.end) == (session.turns[1].start, session.turns[1].end)


def test_session_selection_both_ways_and_click(session: CodingSession):
    session.move_cursor(2)
    session.toggle_selection()
    session.move_cursor(-2)  # extends backwards over the anchor
    lo, hi = session.sentences[0], session.sentences[2]
    assert (session.span.start, session.span.end) == (lo.start, hi.end)
    assert session.toggle_selection() is False
    session.cursor_to(session.text.index("The board listens"))
    assert session.text[session.span.start:session.span.end] == "The board listens to AHPs."


def test_session_refuses_accept_without_suggestion(session: CodingSession):
    session.move_cursor(1)
    with pytest.raises(UserError, match="no suggestion"):
        session.accept()
    with pytest.raises(UserError, match="no coding"):
        session.remove()


def test_session_search_case_insensitive(session: CodingSession):
    assert session.search("BOARD") is not None
    assert len(session.search_hits) == 3
    seen = {session.sentence_at(session.next_hit()) for _ in range(3)}
    assert len(seen) == 3


def test_workbench_store_reads(project: Path):
    store = open_store(project)
    sugs = store.suggestions()
    board = [s for s in sugs if s.theme_id == "mandate"]
    store.accept(board[0].id, CODER)
    store.reject(board[1].id, CODER)
    store.reject(board[0].id, "bo")
    if hasattr(store, "pattern_stats"):  # the suggestion area's method, once merged
        stats = {row["pattern"]: row for row in store.pattern_stats()}
        assert (stats["board"]["accepted"], stats["board"]["rejected"]) == (1, 2)
        assert stats["board"]["precision"] == pytest.approx(1 / 3)
        assert stats["never-planned"]["precision"] is None
    progress = store.transcript_progress(CODER)
    assert (progress[1].decided, progress[1].codings) == (2, 1)
    assert progress[2].suggestions == 2
    assert store.theme_counts(CODER) == {"mandate": 1}
    nxt = store.next_undecided(CODER, 1, board[0].start)
    assert nxt is not None and nxt.id not in (board[0].id, board[1].id)
    assert store.next_undecided(CODER, 2, 10**6).transcript_id == 1  # wraps round
    assert store.next_undecided(CODER, 1, -1, theme_id="mandate").id == board[2].id
    store.close()


def test_demo_is_built_once(tmp_path: Path, monkeypatch):
    calls = []

    class FakeImporters:
        @staticmethod
        def collect_files(paths):
            return [Path(paths[0]) / "alpha.txt", Path(paths[0]) / "README.md"]

        @staticmethod
        def import_participants(store, path):
            calls.append("participants")

        @staticmethod
        def import_paths(store, paths, progress=None):
            from tests.conftest import make_parsed
            from tests.tui.conftest import TURNS_A

            assert [p.name for p in paths] == ["alpha.txt"]
            calls.append("import")
            store.add_transcript("demo", make_parsed(TURNS_A))
            progress(1, 1)

    class FakeSuggest:
        @staticmethod
        def run_suggestions(store, progress=None):
            calls.append("suggest")
            if progress:
                progress(2, 2)

        @staticmethod
        def analyse_codebook(store, progress=None):
            calls.append("analyse")
            return 0

        @staticmethod
        def load_codebook(path):
            from qualcoder_ahp.records import Codebook
            from tests.tui.conftest import PATTERNS, THEMES

            calls.append("codebook")
            return Codebook("demo", THEMES, PATTERNS)

        @staticmethod
        def remember_colours(store, path, loaded):  # a YAML codebook: nothing to remember
            calls.append("colours")

        @staticmethod
        def match_stored_themes(store, path, loaded):  # a YAML codebook: no GUIDs to match
            return loaded

    modules = {"qualcoder_ahp.importers": FakeImporters,
               "qualcoder_ahp.suggest.runner": FakeSuggest,
               "qualcoder_ahp.suggest.codebook": FakeSuggest,
               "qualcoder_ahp.refi.codes": FakeSuggest}
    monkeypatch.setattr(jobs, "_core", modules.__getitem__)
    monkeypatch.setattr(jobs, "DEMO_TRANSCRIPTS", tmp_path)
    monkeypatch.setattr(jobs, "DEMO_CODEBOOK", tmp_path)
    (tmp_path / "participants.csv").write_text("participant,profession\nalpha,OT\n")
    store = open_store(tmp_path / "demo.db")
    progress = []
    assert jobs.build_demo(store, lambda d, t: progress.append((d, t)),
                           lambda d, t: progress.append((d, t))) is True
    assert calls == ["codebook", "colours", "analyse", "import", "participants", "suggest"]
    assert progress == [(1, 1), (2, 2)]
    assert jobs.build_demo(store) is False
    assert calls == ["codebook", "colours", "analyse", "import", "participants", "suggest"]
    assert "demo" in store.coders()
    store.close()


def test_jobs_report_a_missing_core_clearly(monkeypatch):
    def missing(name):
        raise UserError(f"{name} is not available in this build")

    monkeypatch.setattr(jobs, "_core", missing)
    with pytest.raises(UserError, match="qualcoder_ahp.suggest.runner is not available"):
        jobs.suggest(Path("x.db"))


def test_code_and_demo_commands_have_help():
    runner = CliRunner()
    for command in ("code", "demo"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "--coder" in result.output
    assert "--fresh" in runner.invoke(cli, ["demo", "--help"]).output


def test_code_command_opens_the_app(monkeypatch, tmp_path: Path):
    opened = {}

    def fake_run(self):
        opened["path"], opened["coder"] = self.store_path, self.coder

    monkeypatch.setattr("qualcoder_ahp.cli.workbench._has_terminal", lambda: True)
    monkeypatch.setattr("qualcoder_ahp.tui.app.WorkbenchApp.run", fake_run)
    db = tmp_path / "p.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "code", "--coder", "zoe"])
    assert result.exit_code == 0, result.output
    assert opened == {"path": db, "coder": "zoe"}


@pytest.mark.parametrize("command", ["code", "demo"])
def test_workbench_without_a_terminal_is_one_clear_error(command: str, tmp_path: Path):
    db = tmp_path / "p.db"
    result = CliRunner().invoke(cli, ["--db", str(db), command])  # stdin/stdout are pipes
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: qcahp {command} opens a full-screen workbench and needs a terminal (stdin and "
        "stdout); in scripts use qcahp suggestions, decide and the report commands"]
    assert not db.exists()  # nothing built or created


def test_demo_command_builds_then_reopens_unchanged(monkeypatch, tmp_path: Path):
    """The real bundled transcripts and codebook, the real importer and spaCy suggestions."""
    opened = []

    def fake_run(self):
        opened.append((self.store_path, self.coder, len(self.store.suggestions())))

    monkeypatch.setattr("qualcoder_ahp.cli.workbench._has_terminal", lambda: True)
    monkeypatch.setattr("qualcoder_ahp.tui.app.WorkbenchApp.run", fake_run)
    monkeypatch.delenv("QCAHP_DB")
    runner = CliRunner()
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "Built demo project qcahp-demo.db (7 transcripts" in first.output
    store = open_store(tmp_path / "qcahp-demo.db")
    names = [t.name for t in store.transcripts()]
    assert "README" not in names and len(names) == 7
    assert store.participants()["slt_priya"]["profession"] == "Speech and language therapist"
    store.accept(store.suggestions()[0].id, "demo")
    events = len(store.events())
    store.close()
    again = runner.invoke(cli, ["demo"])
    assert again.exit_code == 0, again.output
    assert "Reopened demo project" in again.output
    store = open_store(tmp_path / "qcahp-demo.db")
    assert len(store.events()) == events and len(store.codings(coder="demo")) == 1
    store.close()
    assert opened[0] == opened[1] and opened[0][1] == "demo" and opened[0][2] > 50


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab cdé日\n\t[]/"), max_size=200),
       st.integers(min_value=1, max_value=30))
def test_wrap_property_every_character_once_within_width(text: str, width: int):
    from rich.cells import cell_len

    layout = wrap_transcript(text, [Turn("A", "participant", 0, len(text))], width)
    rows = [line for line in layout.lines if line.kind == TEXT]
    shown = "".join(text[r.start:r.end] for r in rows)
    assert "".join(shown.split()) == "".join(text.split())
    assert all(cell_len(text[r.start:r.end]) <= max(8, width) for r in rows)
    assert all(a.end <= b.start for a, b in zip(rows, rows[1:], strict=False))


def test_session_layout_and_jobs_are_textual_free():
    import subprocess
    import sys

    code = ("import qualcoder_ahp.tui.session, qualcoder_ahp.tui.layout, qualcoder_ahp.tui.jobs, "
            "qualcoder_ahp.cli.workbench, sys; "
            "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"


def test_demo_data_found_in_a_wheel_install(monkeypatch, tmp_path: Path):
    """A non-editable install has no checkout beside the package: the demo data comes
    from <prefix>/share/qualcoder-ahp, where pyproject's data-files put it."""
    import sys

    from qualcoder_ahp.tui import jobs

    assert jobs._demo_root() == jobs.REPO  # a checkout: its own folders
    monkeypatch.setattr(jobs, "REPO", tmp_path / "site-packages")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    assert jobs._demo_root() == tmp_path / "venv" / "share" / "qualcoder-ahp"
    data_files = (jobs.Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert '"share/qualcoder-ahp/codebooks" = ["codebooks/ahp-leadership.yaml"]' in data_files
