"""Subtitle dialogue dashes that name no one, session 21: a voice each, renamed after.

A cue of two speakers (``- Would you do it again?`` / ``- Yes, tomorrow.``) whose
dashes name nobody gave two turns of ``(unlabelled)``. ``qcahp speakers rename`` works
on a whole speaker name, so renaming ``(unlabelled)`` moved both lines (and every other
such line of the file) to one speaker: the two voices could not be given their names.
Now each such line is a voice of its own, ``(unlabelled 1)``, ``(unlabelled 2)``, ...,
an ``other`` like ``(unlabelled)`` (never the participant, never a guessed
interviewer), and the note says how to name them.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.importers import read_transcript
from qualcoder_ahp.model.store import open_store


def _srt(path: Path, cues: list[str]) -> Path:
    path.write_text("".join(
        f"{n}\n00:00:{2 * n:02d},000 --> 00:00:{2 * n + 1:02d},000\n{text}\n\n"
        for n, text in enumerate(cues, start=1)), encoding="utf-8")
    return path


def _turns(db: Path, name: str) -> list[tuple[str, str, str]]:
    store = open_store(db)
    try:
        info = next(t for t in store.transcripts() if t.name == name)
        text = store.transcript_text(info.id)
        return [(t.speaker, t.role, text[t.start:t.end]) for t in store.turns(info.id)]
    finally:
        store.close()


def test_each_unnamed_dash_is_a_voice_a_rename_can_name(tmp_path: Path) -> None:
    path = _srt(tmp_path / "helen.srt", [
        "[INTERVIEWER] Did you plan it?", "[HELEN] No. I fell into it.",
        "- Would you do it again?\n- Yes, tomorrow.", "[INTERVIEWER] Why?",
        "[HELEN] Because I like it.", "- And the board?\n- It listens now."])
    db = tmp_path / "x.db"
    run = CliRunner()
    result = run.invoke(cli, ["--db", str(db), "import", str(path)])
    assert result.exit_code == 0, result.output
    assert ("2 cues hold dialogue lines (each opening with '-') that name no speaker: read "
            "as the turns of (unlabelled 1), (unlabelled 2), (unlabelled 3) and (unlabelled "
            "4), one a line; give each its speaker with qcahp speakers rename TRANSCRIPT "
            "'(unlabelled 1)' NAME") in " ".join(result.output.split())
    assert [(s, r) for s, r, _ in _turns(db, "helen")] == [
        ("INTERVIEWER", "interviewer"), ("HELEN", "participant"),
        ("(unlabelled 1)", "other"), ("(unlabelled 2)", "other"),
        ("INTERVIEWER", "interviewer"), ("HELEN", "participant"),
        ("(unlabelled 3)", "other"), ("(unlabelled 4)", "other")]
    for voice, name in (("1", "INTERVIEWER"), ("2", "HELEN"), ("3", "INTERVIEWER"),
                        ("4", "HELEN")):
        result = run.invoke(cli, ["--db", str(db), "speakers", "rename", "helen",
                                  f"(unlabelled {voice})", name])
        assert result.exit_code == 0, result.output
    assert _turns(db, "helen") == [
        ("INTERVIEWER", "interviewer", "Did you plan it?"),
        ("HELEN", "participant", "No. I fell into it."),
        ("INTERVIEWER", "interviewer", "Would you do it again?"),
        ("HELEN", "participant", "Yes, tomorrow."),
        ("INTERVIEWER", "interviewer", "Why?"),
        ("HELEN", "participant", "Because I like it."),
        ("INTERVIEWER", "interviewer", "And the board?"),
        ("HELEN", "participant", "It listens now.")]


def test_voices_are_no_one_the_roles_are_guessed_from(tmp_path: Path) -> None:
    """Speakers named without a role label: the participant is the one who speaks most,
    the other an interviewer; the voices stay ``other`` and the note on the guess does
    not name them."""
    parsed = read_transcript(_srt(tmp_path / "dev.srt", [
        "[DEV] How did it start for you, and what did you make of it?",
        "[HELEN] I qualified in 1996 and then I went into management by chance.",
        "- Would you do it again, do you think, if you had the choice?\n- Yes.",
        "[DEV] Why is that?", "[HELEN] Because I like it, and the team is good to me.",
    ]))
    roles = {t.speaker: t.role for t in parsed.turns}
    assert roles == {"DEV": "interviewer", "HELEN": "participant",
                     "(unlabelled 1)": "other", "(unlabelled 2)": "other"}
    guess = next(n for n in parsed.notes if n.startswith("no speaker is labelled"))
    assert "unlabelled" not in guess


def test_a_file_that_names_no_one_keeps_one_unlabelled_speaker(tmp_path: Path) -> None:
    parsed = read_transcript(_srt(tmp_path / "bare.srt", [
        "- Did you plan it?\n- No, I fell into it.", "It was chance, really."]))
    assert {t.speaker for t in parsed.turns} == {"(unlabelled)"}
    assert {t.role for t in parsed.turns} == {"participant"}


def test_a_voice_goes_out_to_refi_as_an_unlabelled_turn(tmp_path: Path) -> None:
    """Another tool gets no ``(unlabelled 1):`` label written into the text (our import
    read it back as words of the turn): a voice is written as ``(unlabelled)`` is."""
    from qualcoder_ahp.refi import export_project, import_file

    path = _srt(tmp_path / "helen.srt", [
        "[INTERVIEWER] Did you plan it?", "[HELEN] No. I fell into it.",
        "- Would you do it again?\n- Yes, tomorrow."])
    run = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "import", str(path)])
    assert run.exit_code == 0, run.output
    store = open_store(tmp_path / "x.db")
    try:
        export_project(store, tmp_path / "out.qdpx")
    finally:
        store.close()
    fresh = open_store(tmp_path / "fresh.db")
    try:
        import_file(fresh, tmp_path / "out.qdpx")
        info = fresh.transcripts()[0]
        assert "unlabelled" not in fresh.transcript_text(info.id)
        assert [t.speaker for t in fresh.turns(info.id)][2:] == ["(unlabelled)"] * 2
    finally:
        fresh.close()
