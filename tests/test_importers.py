"""Importers on small hand-written files: every turn form, encoding and format."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcoder_ahp.importers import read_transcript
from qualcoder_ahp.importers.sentences import split_spans
from qualcoder_ahp.records import ParsedTranscript

DATA = Path(__file__).parent / "data" / "import"


def turns_of(parsed: ParsedTranscript) -> list[tuple[str, str, str, str | None]]:
    """(speaker, role, text, time) per turn, text sliced from the stored text."""
    return [(t.speaker, t.role, parsed.text[t.start:t.end], t.time) for t in parsed.turns]


def check_invariants(parsed: ParsedTranscript) -> None:
    """Turns are separated by exactly one blank line and sentences stay inside turns."""
    assert "\r" not in parsed.text
    assert parsed.text == "\n\n".join(parsed.text[t.start:t.end] for t in parsed.turns)
    for a, b in zip(parsed.turns, parsed.turns[1:], strict=False):
        assert b.start == a.end + 2
    for s in parsed.sentences:
        turn = parsed.turns[s.turn_index]
        assert turn.start <= s.start < s.end <= turn.end
        piece = parsed.text[s.start:s.end]
        assert piece == piece.strip() and "\n" not in piece


def test_q_and_a_with_hard_wrapped_lines() -> None:
    parsed = read_transcript(DATA / "qa.txt")
    check_invariants(parsed)
    assert turns_of(parsed) == [
        ("Q", "interviewer", "How did you come to be a physiotherapist?", None),
        ("A", "participant", "By accident, really. I was going to study chemistry, but a "
                             "friend of mine was a physio.", None),
        ("Q", "interviewer", "And then?", None),
        ("A", "participant", "Then I moved into management.", None),
    ]
    assert parsed.format == "txt"


def test_markdown_bold_labels_both_forms_and_inline_timestamps() -> None:
    parsed = read_transcript(DATA / "bold.md")
    check_invariants(parsed)
    assert turns_of(parsed) == [
        ("Interviewer", "interviewer", "Tell me about your first leadership role.", None),
        ("Jane Doe", "participant",
         "It came out of nowhere. My manager left and I stepped up.\nI had never planned it.",
         None),
        ("Interviewer", "interviewer", "Was that hard?", "00:02:10"),
        ("Jane Doe", "participant", "Yes. Dr. Smith helped, e.g. with the budget.", None),
    ]
    last = parsed.turns[3]
    sentences = [parsed.text[s.start:s.end] for s in parsed.sentences if s.turn_index == 3]
    assert sentences == ["Yes.", "Dr. Smith helped, e.g. with the budget."]
    assert parsed.sentences[-1].end == last.end


def test_speaker_with_time_on_its_own_line() -> None:
    parsed = read_transcript(DATA / "speaker_own_line.txt")
    check_invariants(parsed)
    assert [(s, t) for s, _, _, t in turns_of(parsed)] == [("Speaker 1", "00:00:00"),
                                                           ("Speaker 2", "00:00:05")]
    assert turns_of(parsed)[1][2] == "In a hospital in Leeds, as a dietitian. Then a lot happened."
    # No interviewer label: the other speaker of a two-person interview is the interviewer.
    assert [r for _, r, _, _ in turns_of(parsed)] == ["interviewer", "participant"]


@pytest.mark.parametrize("name", ["crlf.txt", "cr.txt"])
def test_line_endings_normalised(name: str) -> None:
    parsed = read_transcript(DATA / name)
    check_invariants(parsed)
    assert [s for s, _, _, _ in turns_of(parsed)] == ["Interviewer", "Participant"]
    assert "\r" not in parsed.text


def test_name_time_dash_form() -> None:
    parsed = read_transcript(DATA / "dash.txt")
    assert turns_of(parsed) == [
        ("Maria Lopez", "participant", "I started as a radiographer.", "00:00:05"),
        ("Host", "interviewer", "Why radiography?", "00:00:12"),
        ("Maria Lopez", "participant", "My mother was one.", "00:00:15"),
    ]


def test_bracketed_time_before_label() -> None:
    parsed = read_transcript(DATA / "stamped.txt")
    assert turns_of(parsed) == [
        ("Interviewer", "interviewer", "What was your route?", "00:01:02"),
        ("Sam", "participant", "Winding. I was a paramedic first.", "00:01:09"),
        ("Interviewer", "interviewer", "And now?", "00:01:30"),
        ("Sam", "participant", "Director of AHPs.", "00:01:33"),
    ]


def test_rst_hearing_headings_notes_and_relabelled_counsel() -> None:
    parsed = read_transcript(DATA / "hearing.rst")
    check_invariants(parsed)
    got = turns_of(parsed)
    assert got == [
        ("Lady Chair", "other", "Good morning.", "10.30 am"),
        ("Ms Brown", "interviewer", "Could you give your name?", None),
        ("Ms Ann Witness", "participant", "Ann Witness.", None),
        ("Counsel Inquiry", "interviewer", "Thank you. Question: were you consulted?", None),
        ("Ms Ann Witness", "participant", "No, we were not.", None),
        ("The Witness", "participant", "Thank you.", "2.05 pm"),
    ]
    for word in ("Hearing day", "sworn", "withdrew", "====", "^^^", "*"):
        assert word not in parsed.text


def test_subtitles_name_the_speaker_only_when_it_changes() -> None:
    parsed = read_transcript(DATA / "changes.srt")
    check_invariants(parsed)
    assert turns_of(parsed) == [
        ("Ann Host", "interviewer", "Welcome to the show. Today we talk with Bo Guest, an "
                                    "occupational therapist turned developer.", "00:00:01"),
        ("Bo Guest", "participant", "Thanks for having me. I lost my hours in 2020, so I had "
                                    "time to learn something new.", "00:00:06"),
        ("Ann Host", "interviewer", "What happened next?", "00:00:10"),
        ("Bo Guest", "participant", "I learned to code.", "00:00:12"),
    ]


def test_webvtt_voice_tags() -> None:
    parsed = read_transcript(DATA / "voices.vtt")
    check_invariants(parsed)
    assert turns_of(parsed) == [
        ("Interviewer", "interviewer", "How did you become a leader?", "00:00:01"),
        ("Kim Lee", "participant", "Partly by chance & partly because nobody else would. "
                                   "It was serendipity.", "00:00:04"),
        ("Interviewer", "interviewer", "Really?", "00:00:10"),
    ]


@pytest.mark.parametrize("name", ["bom.txt", "utf16le.txt", "utf16be.txt"])
def test_encodings_with_bom(name: str) -> None:
    parsed = read_transcript(DATA / name)
    assert not parsed.text.startswith("\ufeff")
    assert parsed.text in ("Café?\n\nNaïve, yes.", "Ça va?\n\nTrès bien.")


def test_cp1252_fallback() -> None:
    parsed = read_transcript(DATA / "cp1252.txt")
    assert parsed.text == "Café culture?\n\nIt\u2019s \u201cgreat\u201d."


def test_nfc() -> None:
    parsed = read_transcript(DATA / "nfd.txt")
    assert parsed.text.startswith("Caf\u00e9?")


def test_interviewer_names_given() -> None:
    parsed = read_transcript(DATA / "changes.srt", interviewers=["Bo"])
    roles = {t.speaker: t.role for t in parsed.turns}
    assert roles == {"Ann Host": "participant", "Bo Guest": "interviewer"}


def test_participant_speaker_given() -> None:
    parsed = read_transcript(DATA / "changes.srt", participants=["Ann Host"])
    roles = {t.speaker: t.role for t in parsed.turns}
    # No interviewer label either: the remaining speaker asks the questions.
    assert roles == {"Ann Host": "participant", "Bo Guest": "interviewer"}


def test_plain_once_only_label_mid_paragraph_is_speech(tmp_path: Path) -> None:
    f = tmp_path / "note.txt"
    f.write_text("Interviewer: Go on.\n\nParticipant: I said it plainly.\n"
                 "Note: this line is still me.\n")
    parsed = read_transcript(f)
    assert turns_of(parsed)[1][2] == "I said it plainly. Note: this line is still me."


def test_one_turn_per_line_keeps_a_speaker_who_speaks_once(tmp_path: Path) -> None:
    two = tmp_path / "two.txt"
    two.write_text("Interviewer: How did you start?\nBob: I fell into it by chance.\n")
    assert [t[:2] for t in turns_of(read_transcript(two))] == [
        ("Interviewer", "interviewer"), ("Bob", "participant")]
    group = tmp_path / "group.txt"
    group.write_text("Moderator: Welcome, everyone.\nAnna: Thanks.\nBob: I fell into it.\n"
                     "Anna: Me too.\nModerator: Carol?\nCarol: It was never planned.\n")
    turns = turns_of(read_transcript(group))
    assert [t[0] for t in turns] == ["Moderator", "Anna", "Bob", "Anna", "Moderator", "Carol"]
    assert turns[-1][2] == "It was never planned."
    # Most lines are speech: a once-only label there is still speech.
    prose = tmp_path / "prose.txt"
    prose.write_text("Interviewer: Go on.\n\nAnna: I trained in Leeds.\nThen York.\n"
                     "Later: Hull, which I loved.\nAnd the rest followed.\n")
    assert [t[0] for t in turns_of(read_transcript(prose))] == ["Interviewer", "Anna"]


def test_unlabelled_text_is_one_participant_turn(tmp_path: Path) -> None:
    f = tmp_path / "mono.txt"
    f.write_text("I grew up in Hull.\nI trained in Leeds.\n\nThen I moved.\n")
    parsed = read_transcript(f)
    assert turns_of(parsed) == [("(unlabelled)", "participant",
                                 "I grew up in Hull. I trained in Leeds.\nThen I moved.", None)]



def test_unlabelled_stamped_lines_are_turns_with_their_times(tmp_path: Path) -> None:
    """No labels but a timestamp on each line: each stamped line is a turn with its time,
    so a quote can be cited by it (it used to be one turn with the first time)."""
    f = tmp_path / "stamps.txt"
    f.write_text("[00:00:05] So tell me how you started.\n"
                 "[00:00:09] I fell into management by chance.\n"
                 "and stayed.\n(00:01:15) I was asked to act up.\n")
    assert turns_of(read_transcript(f)) == [
        ("(unlabelled)", "participant", "So tell me how you started.", "00:00:05"),
        ("(unlabelled)", "participant", "I fell into management by chance. and stayed.",
         "00:00:09"),
        ("(unlabelled)", "participant", "I was asked to act up.", "00:01:15")]
    # Labelled speech keeps a stamped line inside the speaker's turn.
    g = tmp_path / "labelled.txt"
    g.write_text("Interviewer: Go on.\n\nAnna: I trained in Leeds.\n[00:00:30] Then York.\n")
    assert [t[0] for t in turns_of(read_transcript(g))] == ["Interviewer", "Anna"]

def test_sentence_splitter_rules() -> None:
    text = "Mr. Jones met Dr. Who. It was 3 p.m. and late! Really? Yes... Then J. Smith came."
    pieces = [text[s:e] for s, e in split_spans(text)]
    assert pieces == ["Mr. Jones met Dr. Who.", "It was 3 p.m. and late!", "Really?", "Yes...",
                      "Then J. Smith came."]
    other = "one\ntwo. three"
    assert [other[s:e] for s, e in split_spans(other)] == ["one", "two. three"]


def test_otter_style_name_and_time_on_own_line() -> None:
    parsed = read_transcript(DATA / "otter.txt")
    assert turns_of(parsed) == [
        ("Jane Smith", "participant", "Hello there, thanks for having me.", "00:00:03"),
        ("John Doe", "interviewer", "Sure. Tell me about your route?", "00:00:10"),
        ("Jane Smith", "participant", "It was winding.", "00:00:15"),
    ]


def test_i_and_r_labels_without_blank_lines() -> None:
    parsed = read_transcript(DATA / "ir.txt")
    assert [(s, r) for s, r, _, _ in turns_of(parsed)] == [
        ("I", "interviewer"), ("R", "participant"), ("I", "interviewer"), ("R", "participant")]


def test_zoom_vtt_labels_inside_cues() -> None:
    parsed = read_transcript(DATA / "zoom.vtt")
    assert [(s, x) for s, _, x, _ in turns_of(parsed)] == [
        ("Jane Smith", "Hello."), ("John Doe", "Hi Jane, welcome."),
        ("Jane Smith", "Thanks for having me, it is great.")]


@pytest.mark.parametrize("suffix", [".vtt", ".srt"])
def test_a_speaker_named_on_every_cue_keeps_one_turn(tmp_path: Path, suffix: str) -> None:
    # Zoom and Teams name the speaker on every cue and cut cues mid-sentence: each cue
    # was a turn, so "...and then I" / "fell into management" were two sentences.
    cues = [("00:00:01", "Jane Smith: How did you start?"),
            ("00:00:05", "Tom Brown: I was a physio and then I"),
            ("00:00:09", "Tom Brown: fell into management by chance."),
            ("00:00:12", "Jane Smith: Why?"), ("00:00:14", "Tom Brown: Nobody else would.")]
    sep = "." if suffix == ".vtt" else ","
    body = "".join(f"{n}\n{t}{sep}000 --> {t}{sep}900\n{line}\n\n"
                   for n, (t, line) in enumerate(cues, start=1))
    f = tmp_path / f"zoom{suffix}"
    f.write_text(("WEBVTT\n\n" if suffix == ".vtt" else "") + body, encoding="utf-8")
    parsed = read_transcript(f)
    check_invariants(parsed)
    assert [(s, x, t) for s, _, x, t in turns_of(parsed)] == [
        ("Jane Smith", "How did you start?", "00:00:01"),
        ("Tom Brown", "I was a physio and then I fell into management by chance.", "00:00:05"),
        ("Jane Smith", "Why?", "00:00:12"), ("Tom Brown", "Nobody else would.", "00:00:14")]
    assert [parsed.text[s.start:s.end] for s in parsed.sentences][1] == (
        "I was a physio and then I fell into management by chance.")


def test_bare_timestamp_lines_date_the_next_turn() -> None:
    parsed = read_transcript(DATA / "bare.txt")
    assert turns_of(parsed) == [
        ("Interviewer", "interviewer", "Hello.", "00:00:01"),
        ("P01", "participant", "Hi. I am a paramedic. I work in Leeds.", "00:00:05"),
    ]


def test_a_single_name_and_time_line_is_speech(tmp_path: Path) -> None:
    f = tmp_path / "by.txt"
    f.write_text("Interviewer: When did you leave?\n\nParticipant: Late.\n\nBy 10:30\n\n"
                 "Interviewer: I see.\n")
    parsed = read_transcript(f)
    assert [s for s, _, _, _ in turns_of(parsed)] == ["Interviewer", "Participant", "Interviewer"]
    assert turns_of(parsed)[1][2] == "Late.\nBy 10:30"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / "nobom.txt"
    f.write_bytes("Interviewer: Ça va?\n\nParticipant: Très bien.\n".encode(encoding))
    assert read_transcript(f).text == "Ça va?\n\nTrès bien."


def test_labels_in_other_scripts_and_with_a_qualifier(tmp_path: Path) -> None:
    f = tmp_path / "intl.txt"
    f.write_text("Интервьюер: Как вы начали?\n\nΜαρία Παπαδοπούλου: Τυχαία.\n\n"
                 "Интервьюер: А потом?\n\nΜαρία Παπαδοπούλου: Έγινα διευθύντρια.\n")
    parsed = read_transcript(f, interviewers=["Интервьюер"])
    assert [(s, r) for s, r, _, _ in turns_of(parsed)] == [
        ("Интервьюер", "interviewer"), ("Μαρία Παπαδοπούλου", "participant")] * 2
    g = tmp_path / "qual.txt"
    g.write_text("Interviewer (JS): Where did you train?\n\nAnn Lee (P3): In Hull.\n\n"
                 "Interviewer (JS): Then?\n\nAnn Lee (P3): Leeds. So I said: why not?\n")
    parsed = read_transcript(g)
    assert turns_of(parsed)[-1] == ("Ann Lee (P3)", "participant", "Leeds. So I said: why not?",
                                    None)
    assert turns_of(parsed)[0][:2] == ("Interviewer (JS)", "interviewer")


def test_emphasis_inside_speech_is_kept(tmp_path: Path) -> None:
    f = tmp_path / "em.md"
    f.write_text("**Interviewer:** Go on.\n\n**Jo:** Fine.\n\n*Really* good, *very*\n\n"
                 "*(pause)*\n\n**Interviewer:** Thanks.\n")
    parsed = read_transcript(f)
    assert turns_of(parsed)[1][2] == "Fine.\n*Really* good, *very*"


def test_repeated_headings_are_speakers(tmp_path: Path) -> None:
    f = tmp_path / "headed.md"
    f.write_text("# Interview 4\n\n## Interviewer\n\nHow did you start?\n\n## Jane Doe (00:00:10)\n\n"
                 "By chance.\n\nReally.\n\n## Interviewer\n\nThen?\n\n## Jane Doe\n\nThe board.\n")
    parsed = read_transcript(f)
    assert turns_of(parsed) == [
        ("Interviewer", "interviewer", "How did you start?", None),
        ("Jane Doe", "participant", "By chance.\nReally.", "00:00:10"),
        ("Interviewer", "interviewer", "Then?", None),
        ("Jane Doe", "participant", "The board.", None),
    ]


def test_focus_group_numbered_participants_and_qualified_interviewer(tmp_path: Path) -> None:
    f = tmp_path / "group.txt"
    f.write_text("Jane Smith (Interviewer): What brought you here?\n\n"
                 "P1: Chance, mostly, and a good manager.\n\nP2: Planning.\n\n"
                 "Respondent 3: A secondment.\n\nNote Taker: Sorry, could you repeat?\n\n"
                 "P2: Planning, I said.\n")
    roles = {t.speaker: t.role for t in read_transcript(f).turns}
    assert roles == {"Jane Smith (Interviewer)": "interviewer", "P1": "participant",
                     "P2": "participant", "Respondent 3": "participant", "Note Taker": "other"}


@pytest.mark.parametrize("ext", [".markdown", ".MD", ".text"])
def test_other_extensions(tmp_path: Path, ext: str) -> None:
    f = tmp_path / f"bold{ext}"
    f.write_bytes((DATA / "bold.md").read_bytes())
    parsed = read_transcript(f)
    assert [s for s, _, _, _ in turns_of(parsed)] == ["Interviewer", "Jane Doe"] * 2
    assert parsed.format == ("txt" if ext == ".text" else "md")


def test_a_speaker_named_on_the_command_line_is_a_label_however_it_is_written(
        tmp_path: Path) -> None:
    """A job title as a label ("Nurse lead:") is not capitalised as a name is, so it was
    read as speech: the participant's answers went into the interviewer's turns. Naming
    it (--participant-speaker "Nurse lead") matched no speaker, and changed nothing."""
    f = tmp_path / "p09.txt"
    f.write_text("Researcher: So tell me.\nNurse lead: I started as a physio.\n"
                 "Researcher: And then?\nNurse lead: I fell into it.\n", encoding="utf-8")
    unnamed = read_transcript(f)  # not named: still one speaker (it may be speech)
    assert [t.speaker for t in unnamed.turns] == ["Researcher", "Researcher"]
    named = read_transcript(f, participants=["nurse lead"])
    assert [(t.speaker, t.role) for t in named.turns] == [
        ("Researcher", "interviewer"), ("Nurse lead", "participant")] * 2
    assert named.text[named.turns[1].start:named.turns[1].end] == "I started as a physio."
    as_interviewer = read_transcript(f, interviewers=["Nurse lead"])
    assert [t.speaker for t in as_interviewer.turns] == ["Researcher", "Nurse lead"] * 2


def test_a_recurring_label_read_as_speech_is_noted_with_the_fix(tmp_path: Path) -> None:
    """Unnamed, "Nurse lead:" stays speech (it may be), but the researcher is told, with
    the option that makes it a speaker; labels written as names are not noted."""
    f = tmp_path / "p09.txt"
    f.write_text("Researcher: So tell me.\nNurse lead: I started as a physio.\n"
                 "Researcher: And then?\nNurse lead: I fell into it. So I said: fine.\n",
                 encoding="utf-8")
    assert read_transcript(f).notes == [
        "'Nurse lead' opens 2 lines but is read as speech, not as a speaker (a label is "
        "written as a name); if it is one, import with --participant-speaker 'Nurse lead' "
        "(or --interviewer)"]
    assert read_transcript(f, participants=["Nurse lead"]).notes == []
    assert read_transcript(DATA / "qa.txt").notes == []
