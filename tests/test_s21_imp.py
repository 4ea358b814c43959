"""Session 21 import fixes: transcripts read as the researcher typed them. A speaker's
label in the middle of a line opens a turn, and a heading in sentence case above its
paragraph is a line of its own."""

from __future__ import annotations

from pathlib import Path

from qualcoder_ahp.importers import read_transcript
from tests.test_importers import check_invariants


def _turns(path: Path) -> list[tuple[str, str]]:
    parsed = read_transcript(path)
    check_invariants(parsed)
    return [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns]


def test_a_known_speakers_label_in_the_middle_of_a_line_opens_a_turn(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(
        "Interviewer: How did you start out?\n\n"
        "Helen: I qualified in 1996 and that was that. Interviewer: And then? Helen: And "
        "then I moved into management. The aim: to run it by 10:30 each day. I told Dr "
        "Ellis: no.\n\nInterviewer: Why did you stay?\n\nHelen: Nobody else would. Note: "
        "she laughed.\n", encoding="utf-8")
    assert _turns(path) == [
        ("Interviewer", "How did you start out?"),
        ("Helen", "I qualified in 1996 and that was that."),
        ("Interviewer", "And then?"),
        # prose with colons stays speech: no speaker of this transcript is named there
        ("Helen", "And then I moved into management. The aim: to run it by 10:30 each day. "
                  "I told Dr Ellis: no."),
        ("Interviewer", "Why did you stay?"),
        ("Helen", "Nobody else would. Note: she laughed."),
    ]


def test_a_transcript_typed_as_one_paragraph_is_read_as_turns(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text(
        "INTERVIEWER: How did you start? HELEN: In 1996, at 10:30 on a Monday. "
        "INTERVIEWER: And then? [00:01:05] HELEN: The aim: to manage. INTERVIEWER: Why? Go "
        "on. HELEN: Nobody else would.\n", encoding="utf-8")
    parsed = read_transcript(path)
    check_invariants(parsed)
    assert [(t.speaker, t.role, t.time, parsed.text[t.start:t.end]) for t in parsed.turns] == [
        ("INTERVIEWER", "interviewer", None, "How did you start?"),
        ("HELEN", "participant", None, "In 1996, at 10:30 on a Monday."),
        ("INTERVIEWER", "interviewer", None, "And then?"),
        ("HELEN", "participant", "00:01:05", "The aim: to manage."),
        ("INTERVIEWER", "interviewer", None, "Why? Go on."),  # (not "Go on. HELEN")
        ("HELEN", "participant", None, "Nobody else would."),
    ]


def test_a_label_after_an_interruption_or_a_note_opens_a_turn(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_text("Interviewer: How did you start?\n\nHelen: I was going to -- Interviewer: "
                    "Sorry. Helen: [laughs] Interviewer: Go on. Helen: I moved\u2014 "
                    "Interviewer: Where? Helen: Leeds. It was - as they say - fun.\n",
                    encoding="utf-8")
    assert _turns(path) == [
        ("Interviewer", "How did you start?"), ("Helen", "I was going to --"),
        ("Interviewer", "Sorry."), ("Helen", "[laughs]"), ("Interviewer", "Go on."),
        ("Helen", "I moved\u2014"), ("Interviewer", "Where?"),
        ("Helen", "Leeds. It was - as they say - fun.")]


def test_capitalised_words_after_a_sentence_are_not_a_speaker(tmp_path: Path) -> None:
    # A name that is a label once, mid-line, with no label of the transcript in its line,
    # is speech: "Then: ..." and "Result: ..." in an unlabelled or labelled text.
    path = tmp_path / "prose.txt"
    path.write_text("Interviewer: How?\n\nHelen: It was hard. Then: the move. Result: "
                    "none.\nAnd again. Then: the move.\n", encoding="utf-8")
    assert _turns(path) == [("Interviewer", "How?"),
                            ("Helen", "It was hard. Then: the move. Result: none. And again. "
                                      "Then: the move.")]
    path = tmp_path / "plain.txt"
    path.write_text("I went. Helen: yes. Then. Helen: no.\n", encoding="utf-8")
    assert [s for s, _ in _turns(path)] == ["(unlabelled)"]


def test_a_sentence_case_heading_above_its_paragraph_is_a_line_of_its_own(
        tmp_path: Path) -> None:
    path = tmp_path / "account.txt"
    path.write_text(
        "Early career\nI qualified as a physiotherapist in 1996 and worked in Leeds for ten "
        "years.\nI liked it there.\n\nBecoming a manager\nNobody else would do it, so I "
        "applied for the band 7 post and got it.\n", encoding="utf-8")
    parsed = read_transcript(path)
    assert parsed.text.split("\n") == [
        "Early career",  # was "Early career I qualified as a physiotherapist..."
        "I qualified as a physiotherapist in 1996 and worked in Leeds for ten years. "
        "I liked it there.",
        "Becoming a manager",
        "Nobody else would do it, so I applied for the band 7 post and got it."]
    # A hard-wrapped sentence is not cut: its lines break where the next word did not fit.
    path.write_text("I went to the hospital in Leeds and then I worked as a\nPhysio there "
                    "for a long time. Then I moved to the\nManchester team and stayed.\n",
                    encoding="utf-8")
    assert "\n" not in read_transcript(path).text


def _pdf(path: Path, lines: list[str]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.5, 11))
    for i, line in enumerate(lines):
        fig.text(0.1, 0.9 - i * 0.04, line, fontsize=12)
    fig.savefig(str(path), format="pdf")
    return path


def test_a_word_a_pdf_broke_over_a_line_is_one_word_again(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "p07.pdf", [
        "Interviewer: How did you start?",
        "Alex Reed: I went into manage-", "ment in 2004, for my well-",
        "being. I was self-employed, in multi-", "professional work and non-",
        "clinical posts, a long-term organisa-", "tion plan. I was going to-",
        "and then COVID-", "19 came.", "Interviewer: And then?",
        "Alex Reed: The full- and part-time staff left."])
    parsed = read_transcript(path)
    check_invariants(parsed)
    assert [parsed.text[t.start:t.end] for t in parsed.turns] == [
        "How did you start?",
        # was "manage- ment", "well- being", "multi- professional", "organisa- tion"
        "I went into management in 2004, for my well-being. I was self-employed, in "
        "multi-professional work and non-clinical posts, a long-term organisation plan. "
        "I was going to- and then COVID-19 came.",
        "And then?", "The full- and part-time staff left."]


def test_a_compound_the_pdf_writes_elsewhere_keeps_its_form(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "p08.pdf", [
        "Staff wellbeing matters. Our well-", "being team and the follow-",
        "up clinic: the follow-up is weekly."])
    assert read_transcript(path).text == ("Staff wellbeing matters. Our wellbeing team and "
                                          "the follow-up clinic: the follow-up is weekly.")


def _srt(path: Path, cues: list[str]) -> Path:
    path.write_text("\n\n".join(
        f"{n}\n00:00:{2 * n:02d},000 --> 00:00:{2 * n + 1:02d},500\n{cue}"
        for n, cue in enumerate(cues, start=1)) + "\n", encoding="utf-8")
    return path


def _timed(path: Path) -> list[tuple[str, str, str | None, str]]:
    parsed = read_transcript(path)
    check_invariants(parsed)
    return [(t.speaker, t.role, t.time, parsed.text[t.start:t.end]) for t in parsed.turns]


def test_names_in_brackets_open_subtitle_turns_and_sounds_do_not(tmp_path: Path) -> None:
    path = _srt(tmp_path / "p09.srt", [
        "[INTERVIEWER] How did you start?", "[HELEN] I qualified in 1996.",
        "(LAUGHS) On a Monday.", "(INTERVIEWER) Why?", "(HELEN) Nobody else would.\nThen I "
        "stayed as a mod", "[moderator]. So, trying to give\nback.", "[HELEN] [MUSIC PLAYING]"
        " It was fun."])
    assert _timed(path) == [
        ("INTERVIEWER", "interviewer", "00:00:02", "How did you start?"),
        ("HELEN", "participant", "00:00:04", "I qualified in 1996. (LAUGHS) On a Monday."),
        ("INTERVIEWER", "interviewer", "00:00:08", "Why?"),
        ("HELEN", "participant", "00:00:10", "Nobody else would. Then I stayed as a mod "
                                             "[moderator]. So, trying to give back. "
                                             "[MUSIC PLAYING] It was fun.")]


def test_dialogue_dashes_are_two_speakers_in_one_cue(tmp_path: Path) -> None:
    path = tmp_path / "p10.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nInterviewer: How did you start?\n\n"
        "00:00:04.000 --> 00:00:06.000\nHelen: I qualified in 1996.\n\n"
        "00:00:06.000 --> 00:00:08.000\n- Did you plan it?\n- Helen: No, I fell into it.\n\n"
        "00:00:08.000 --> 00:00:10.000\n- [Interviewer] Why?\n- Nobody else would.\n\n"
        "00:00:10.000 --> 00:00:12.000\nIt was - well - fun.\n", encoding="utf-8")
    assert _timed(path) == [
        ("Interviewer", "interviewer", "00:00:01", "How did you start?"),
        ("Helen", "participant", "00:00:04", "I qualified in 1996."),
        # the other of the two speakers asks, where the cue names the one who answers
        ("Interviewer", "interviewer", "00:00:06", "Did you plan it?"),
        ("Helen", "participant", "00:00:06", "No, I fell into it."),
        ("Interviewer", "interviewer", "00:00:08", "Why?"),
        ("Helen", "participant", "00:00:08", "Nobody else would. It was - well - fun.")]


def test_dialogue_dashes_naming_nobody_are_turns_of_their_own(tmp_path: Path) -> None:
    path = _srt(tmp_path / "p11.srt", [
        "INTERVIEWER: How did you start?", "HELEN: I qualified in 1996.",
        "- Did you plan it?\n- No, I fell into it.", "-and then I stayed."])
    parsed = read_transcript(path)
    check_invariants(parsed)
    assert [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns] == [
        ("INTERVIEWER", "How did you start?"), ("HELEN", "I qualified in 1996."),
        # each line a voice of its own, so that speakers rename can name each (small)
        ("(unlabelled 1)", "Did you plan it?"),
        # a dash opening a cue alone is no second speaker
        ("(unlabelled 2)", "No, I fell into it. -and then I stayed.")]
    assert parsed.notes == [
        "1 cue holds dialogue lines (each opening with '-') that name no speaker: read as "
        "the turns of (unlabelled 1) and (unlabelled 2), one a line; give each its speaker "
        "with qcahp speakers rename TRANSCRIPT '(unlabelled 1)' NAME (a speaker of the "
        "transcript: the line joins their turns), or write the name after the dash "
        "('- HELEN: No.') and import the file again"]


def test_a_word_broken_over_a_page_is_one_word_again(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    pages = [["Interviewer: How did you start?", "Alex Reed: I went into manage-"],
             ["ment in 2004.", "Interviewer: And then?"], ["Alex Reed: I moved."]]
    path = tmp_path / "p12.pdf"
    with PdfPages(str(path)) as pdf:
        for n, lines in enumerate(pages, start=1):
            fig = Figure(figsize=(8.5, 11))
            fig.text(0.1, 0.95, "Confidential - Study X", fontsize=9)
            for i, line in enumerate(lines):
                fig.text(0.1, 0.88 - i * 0.05, line, fontsize=11)
            fig.text(0.45, 0.04, f"Page {n} of 3", fontsize=9)
            pdf.savefig(fig)
    parsed = read_transcript(path)
    assert [parsed.text[t.start:t.end] for t in parsed.turns] == [
        "How did you start?", "I went into management in 2004.", "And then?", "I moved."]
