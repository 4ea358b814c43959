"""Speaker labels written into exported text and taken out on import (refi.speakers)."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qualcoder_ahp.importers.blocks import stored_time
from qualcoder_ahp.importers.reader import read_transcript
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.records import Codebook, Theme, Turn
from qualcoder_ahp.refi import export_project, import_file
from qualcoder_ahp.refi.speakers import (
    OffsetMap,
    describe_speakers,
    label_text,
    read_speakers,
    speaker_label,
    strip_labels,
    text_speakers,
)
from qualcoder_ahp.refi.text import segment
from tests.conftest import make_parsed
from tests.test_refi_import import table_counts
from tests.test_refi_support import NS_PROJECT, validate_both

STORED = "How did you start?\n\nI fell into management.\nThen I stayed."
TURNS = [Turn("Interviewer", "interviewer", 0, 18, "00:00:02"),
         Turn("Anna Lee", "participant", 20, 58)]


def test_labels_written_and_offsets_mapped() -> None:
    labelled, offsets = label_text(STORED, TURNS)
    assert labelled == ("[00:00:02] Interviewer: How did you start?\n\n"
                        "Anna Lee: I fell into management.\nThen I stayed.")
    # Same words at mapped offsets; a span ending at a turn's start ends before the
    # label, one starting there starts after it.
    for start, end in [(0, 3), (4, 18), (20, 26), (0, 20), (18, 20), (25, 58), (5, 40)]:
        a, b = offsets.span(start, end)
        within = labelled[a:b]
        assert within.replace("Anna Lee: ", "") == STORED[start:end]
    assert offsets.span(18, 20) == (42, 44) and labelled[42:44] == "\n\n"
    assert offsets.span(20, 21) == (54, 55)


def test_labels_taken_out_again_with_times() -> None:
    labelled, _ = label_text(STORED, TURNS)
    stripped = strip_labels(labelled, ours=True)
    assert stripped is not None and stripped.text == STORED
    assert [(t.speaker, t.start, t.end, t.time) for t in stripped.turns] == [
        (t.speaker, t.start, t.end, t.time) for t in TURNS]
    assert [t.role for t in stripped.turns] == ["interviewer", "participant"]


CLOCKS = ["10.30 am", "2.05 PM", "11.50", "10:30 a.m.", "00:00:03,883", "01:46", "00:01:02"]


def test_every_stored_time_survives_the_labels(tmp_path: Path) -> None:
    """A clock time read from a hearing's note ("(10.30 am)") is written in the label as
    ``[10.30 am] Name: `` and read back exactly: by our import, by the import of
    another tool's file, and by ``qcahp import`` of the same text."""
    parsed = make_parsed([(name, "other", f"Turn {k}.") for k, name in enumerate(
        ["Lady Hallett", "Ms Hands", "Lady Hallett", "Ms Hands", "Lady Hallett",
         "Ms Hands", "Lady Hallett", "Ms Hands"])])
    turns = [replace(t, time=time) for t, time in zip(parsed.turns, CLOCKS + [None])]
    labelled, _ = label_text(parsed.text, turns)
    assert labelled.startswith("[10.30 am] Lady Hallett: Turn 0.\n\n[2.05 PM] Ms Hands: ")
    assert "\n\nMs Hands: Turn 7." in labelled
    for ours in (True, False):
        stripped = strip_labels(labelled, ours=ours)
        assert stripped is not None and stripped.text == parsed.text
        assert [(t.speaker, t.start, t.end, t.time) for t in stripped.turns] == [
            (t.speaker, t.start, t.end, t.time) for t in turns]
    (tmp_path / "x.txt").write_text(labelled, encoding="utf-8")
    # (qcahp import stores a recording's times as HH:MM:SS: 00:00:03,883 as 00:00:03.)
    assert [t.time for t in read_transcript(tmp_path / "x.txt").turns] == [
        stored_time(c) for c in CLOCKS] + [None]


def test_text_without_labels_is_unchanged() -> None:
    plain = "First paragraph here.\n\nSecond one, no speaker: none."
    assert label_text(plain, segment(plain).turns)[0] == plain
    assert strip_labels(plain) is None and strip_labels(plain, ours=True) is None


def test_speech_that_looks_like_a_label() -> None:
    """Inside one of our turns, "Question: ..." is speech; in another tool's text the
    importer's rules apply (a repeated plain label is a speaker)."""
    text = ("Counsel: Two points.\nQuestion: were there fewer contacts?\n\n"
            "Ms Ray: Yes.\n\nCounsel: And?\nQuestion: what changed?\n\nMs Ray: Access.")
    ours = strip_labels(text, ours=True)
    assert ours is not None
    assert [t.speaker for t in ours.turns] == ["Counsel", "Ms Ray", "Counsel", "Ms Ray"]
    assert ours.text.startswith("Two points.\nQuestion: were there fewer contacts?\n\nYes.")
    theirs = strip_labels(text)
    assert theirs is not None and "Question" in [t.speaker for t in theirs.turns]


@pytest.mark.parametrize("text", [
    # One turn per line: Dee answers once, and is a speaker (this was speech in the
    # interviewer's turn until REFI import shared the importer's rule).
    "Interviewer: And improvement work?\nDee: I lead the transformation programme.",
    "Interviewer: Tell me about innovation.\nDee: We share our innovations.\nCafé.",
    # A focus group, each member once; an annotation line is never a speaker.
    "Moderator: Who starts?\nAmy: Me.\nBen: Then me.\nNote: Cy arrived late.",
    # "Note:" once inside a paragraph of mostly speech stays speech.
    "Interviewer: Hello.\n\nAnna: Hi. I was asked.\nIt was brief.\nNote: aside.",
    # A bold-labelled source speaks its plain "Question: ..." lines.
    "**Counsel:** Two points.\nQuestion: fewer contacts?\n\n**Ms Ray:** Yes.",
    # Plain names that each open a paragraph once, and a one-off mid-paragraph label.
    "Ana: So it began.\n\nBo: Did it?\nSo I said: fine.\n\nAna: Yes.",
])
def test_other_tools_text_reads_as_qcahp_import_reads_it(text: str, tmp_path: Path) -> None:
    """A source from another tool gives the speakers ``qcahp import`` finds in the same
    text: both use the importer's rule (:func:`text_speakers`), not a variant of it."""
    (tmp_path / "x.txt").write_text(text, encoding="utf-8")
    imported = read_transcript(tmp_path / "x.txt")
    stripped = strip_labels(text)
    got = [] if stripped is None else [(t.speaker, t.role) for t in stripped.turns]
    assert got == [(t.speaker, t.role) for t in imported.turns
                   if t.speaker != "(unlabelled)" or stripped is not None]
    assert text_speakers(text) == {t.speaker for t in imported.turns} - {"(unlabelled)"}


def test_a_listed_speaker_list_keeps_label_like_speech() -> None:
    """A file that lists its speakers (our description, kept by another tool) has no
    others: counsel's "Question: ..." lines stay speech even one turn per line."""
    text = ("Counsel: Two points.\nQuestion: were there fewer contacts?\n\n"
            "Ms Ray: Yes.\n\nCounsel: And?\nQuestion: what changed?\n\nMs Ray: Access.")
    listed = read_speakers(describe_speakers([Turn("Counsel", "interviewer", 0, 1),
                                              Turn("Ms Ray", "participant", 2, 3)]))
    stripped = strip_labels(text, roles=listed)
    assert stripped is not None
    assert [(t.speaker, t.role) for t in stripped.turns] == [
        ("Counsel", "interviewer"), ("Ms Ray", "participant")] * 2
    assert stripped.text.startswith("Two points.\nQuestion: were there fewer contacts?")
    # A list that names nobody in the text says nothing about it: the importer's rule.
    other = strip_labels(text, roles={"Someone Else": "other"})
    assert other is not None and "Question" in {t.speaker for t in other.turns}


def test_others_single_line_turns() -> None:
    text = "Q: What helped?\nRémi: A mentor.\nQ: Anything else?\nRémi: Being seen."
    stripped = strip_labels(text)
    assert stripped is not None
    assert stripped.text == "What helped?\n\nA mentor.\n\nAnything else?\n\nBeing seen."
    assert [(t.speaker, t.role) for t in stripped.turns] == [
        ("Q", "interviewer"), ("Rémi", "participant"), ("Q", "interviewer"),
        ("Rémi", "participant")]
    # Blank lines inside a turn become one line break, as ``qcahp import`` stores them.
    para = strip_labels("Interviewer: Hi.\n\nAnna: One.\n\n\nTwo.\n\nInterviewer: Bye.")
    assert para is not None and para.text == "Hi.\n\nOne.\nTwo.\n\nBye."


def test_roles_round_trip_through_the_description() -> None:
    turns = [Turn("Lady Hallett", "other", 0, 5), Turn("Ms Hands", "interviewer", 7, 9),
             Turn("(unlabelled)", "other", 11, 12), Turn("Lady Hallett", "other", 14, 15)]
    described = describe_speakers(turns)
    assert described == "Speakers and roles:\nLady Hallett: other\nMs Hands: interviewer"
    assert read_speakers(described) == {"Lady Hallett": "other", "Ms Hands": "interviewer"}
    assert read_speakers("Recorded on site.") == {} and read_speakers(None) == {}
    stripped = strip_labels("Ms Hands: Thank you.\n\nWitness: Fine.", roles={"Ms Hands": "other"})
    assert stripped is not None and stripped.turns[0].role == "other"


def test_offset_map_edges() -> None:
    mapping = OffsetMap([(2, 5, 0), (8, 10, 4)], 6)
    assert [mapping.start(p) for p in range(11)] == [0, 0, 0, 1, 2, 4, 4, 4, 4, 5, 6]
    assert [mapping.end(p) for p in range(11)] == [0, 0, 0, 1, 2, 3, 3, 3, 3, 5, 6]
    assert mapping.inverse().span(0, 6) == (2, 10)


# Speech lines, one of them label-like (counsel reading out a question).
_SPEECH = st.one_of(st.text("abc .,?é😀", min_size=1, max_size=12)
                    .filter(lambda s: s.strip() == s and s), st.just("Question: what now?"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Interviewer", "Anna Lee", "Q", "Dr Bo"]),
                          st.lists(_SPEECH, min_size=1, max_size=3),
                          st.sampled_from([None, *CLOCKS])), min_size=1, max_size=6),
       st.data())
def test_any_labelled_transcript_round_trips(turns, data) -> None:
    """Text, turns, times and every span survive our labels: read as our own file, and
    as another tool's file that kept our list of speakers."""
    parsed = make_parsed([(s, "other", "\n".join(paras)) for s, paras, _ in turns])
    timed = [replace(t, time=time) for t, (_, _, time) in zip(parsed.turns, turns)]
    labelled, offsets = label_text(parsed.text, timed)
    listed = read_speakers(describe_speakers(timed))
    for stripped in (strip_labels(labelled, ours=True), strip_labels(labelled, roles=listed)):
        assert stripped is not None and stripped.text == parsed.text
        assert [(t.speaker, t.start, t.end, t.time) for t in stripped.turns] == [
            (t.speaker, t.start, t.end, t.time) for t in timed]
    start = data.draw(st.integers(0, len(parsed.text) - 1))
    end = data.draw(st.integers(start + 1, len(parsed.text)))
    assert stripped.offsets.span(*offsets.span(start, end)) == (start, end)


def test_unlabelled_turn_between_speakers_found_by_guid(store, tmp_path: Path) -> None:
    """A transcript whose labels do not give its turns back (an unlabelled turn in the
    middle) is still found in its own project; a fresh project keeps the words coded."""
    store.save_codebook(Codebook("cb", (Theme("t", "Theme"),)))
    info, _ = store.add_transcript("mixed", make_parsed([
        ("Interviewer", "interviewer", "How was it?"),
        ("(unlabelled)", "other", "Tape changed here."),
        ("Anna", "participant", "It was hard work."),
    ]))
    text = store.transcript_text(info.id)
    store.code(info.id, "t", "ana", text.index("changed"), text.index("hard") + 4)
    store.code(info.id, "t", "bea", 0, 3)
    export_project(store, tmp_path / "m.qdpx")
    with zipfile.ZipFile(tmp_path / "m.qdpx") as archive:
        validate_both(archive.read("project.qde"), "Project.xsd")
        root = etree.fromstring(archive.read("project.qde"))
        exported = archive.read(f"sources/{info.guid}.txt").decode("utf-8")
    assert exported == ("Interviewer: How was it?\n\nTape changed here.\n\n"
                        "Anna: It was hard work.")
    names = [s.get("name") for s in root.iter(f"{{{NS_PROJECT}}}PlainTextSelection")]
    assert "changed here.\n\nAnna: It was hard" in names  # the name is what it selects
    counts = table_counts(store)
    assert import_file(store, tmp_path / "m.qdpx").nothing_added
    assert table_counts(store) == counts
    other = open_store(tmp_path / "fresh.db")
    try:
        report = import_file(other, tmp_path / "m.qdpx")
        assert report.mismatches == []
        [fresh] = other.transcripts()
        assert other.transcript_text(fresh.id) == (
            "How was it?\nTape changed here.\n\nIt was hard work.")
        assert sorted((c.coder, c.quote) for c in other.codings()) == [
            ("ana", "changed here.\n\nIt was hard"), ("bea", "How")]
    finally:
        other.close()


HEADED = ("## Interviewer\n\nHow did you start?\n\n## Jane Doe (00:01:10)\n\nI trained as a "
          "physio.\n\nThen I moved.\n\n## Interviewer\n\nAnd then?\n\n## Jane Doe\n\n"
          "I led the service.\n")


def test_heading_speakers_read_as_qcahp_import_reads_them(store, tmp_path: Path) -> None:
    """``## Jane Doe`` above her words: ``qcahp import`` reads a speaker, and so does
    REFI import of the same text (it used to keep the headings as text, in
    ``(unlabelled)`` turns)."""
    (tmp_path / "h.md").write_text(HEADED, encoding="utf-8")
    imported = read_transcript(tmp_path / "h.md")
    expected = [(t.speaker, t.role, t.time, imported.text[t.start:t.end])
                for t in imported.turns]
    assert [s for s, _, _, _ in expected] == ["Interviewer", "Jane Doe"] * 2
    assert text_speakers(HEADED) == {"Interviewer", "Jane Doe"}
    stripped = strip_labels(HEADED)
    assert stripped is not None and stripped.text == imported.text
    assert [(t.speaker, t.role, t.time, stripped.text[t.start:t.end])
            for t in stripped.turns] == expected
    # Through a .qdpx from another tool, with a coding on Jane's words.
    start = HEADED.index("physio")
    qde = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS_PROJECT}" '
           'name="p" origin="OtherTool"><CodeBook><Codes><Code guid="'
           'c0000000-0000-4000-8000-000000000001" name="Career" isCodable="true"/></Codes>'
           '</CodeBook><Sources><TextSource guid="50000000-0000-4000-8000-000000000001" '
           'name="h" plainTextPath="internal://h.txt"><PlainTextSelection guid="'
           f'51000000-0000-4000-8000-000000000001" name="physio" startPosition="{start}" '
           f'endPosition="{start + 6}"><Coding guid="52000000-0000-4000-8000-000000000001">'
           '<CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding>'
           '</PlainTextSelection></TextSource></Sources></Project>')
    with zipfile.ZipFile(tmp_path / "h.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/h.txt", HEADED)
    report = import_file(store, tmp_path / "h.qdpx")
    assert report.mismatches == []
    [info] = store.transcripts()
    text = store.transcript_text(info.id)
    assert text == imported.text and "##" not in text
    assert [(t.speaker, t.role, t.time, text[t.start:t.end])
            for t in store.turns(info.id)] == expected
    assert [c.quote for c in store.codings()] == ["physio"]


def test_segment_turn_starts_at_its_first_word() -> None:
    """A label alone on its line, then a blank line: the turn begins with its words,
    not with a line break (a turn span must not start inside the gap)."""
    text = "Interviewer:\n\nHow did you start?\n\nJane:\n\nBy chance.\n\nInterviewer:\n\nOh?"
    parsed = segment(text)
    assert [text[t.start:t.end] for t in parsed.turns] == ["How did you start?",
                                                          "By chance.", "Oh?"]


def test_clock_time_broken_over_two_lines_survives_export(store, tmp_path: Path) -> None:
    """A hearing note hard-wrapped as ``(10.30\\nam)`` stored the time with a line
    break in it, and the export then wrote no time in that turn's label: the time is
    stored on one line, and a time stored with a line break is written on one line."""
    (tmp_path / "hearing.md").write_text(
        "*(10.30\nam)*\n\nLady Chair: Good morning.\n\nMs Brown: Your name?\n\n"
        "Witness: Ann Witness.\n\nLady Chair: Thank you.\n", encoding="utf-8")
    parsed = read_transcript(tmp_path / "hearing.md")
    assert parsed.turns[0].time == "10.30 am"
    assert speaker_label(Turn("Lady Chair", "other", 0, 1, "10.30\nam")) == \
        "[10.30 am] Lady Chair: "
    info, _ = store.add_transcript("hearing", parsed)
    export_project(store, tmp_path / "h.qdpx")
    with zipfile.ZipFile(tmp_path / "h.qdpx") as archive:
        exported = archive.read(f"sources/{info.guid}.txt").decode("utf-8")
    assert exported.startswith("[10.30 am] Lady Chair: Good morning.")
    fresh = open_store(tmp_path / "fresh.db")
    try:
        import_file(fresh, tmp_path / "h.qdpx")
        [got] = fresh.transcripts()
        assert [t.time for t in fresh.turns(got.id)] == ["10.30 am", None, None, None]
    finally:
        fresh.close()


STAMPED = ("[00:00:05] So tell me how it began.\n[00:00:09] I started as a physio in Leeds.\n"
           "[00:00:15] Then I moved to the board.\n")


def test_stamped_lines_without_speakers_read_as_qcahp_import_reads_them(
        tmp_path: Path) -> None:
    """Lines that open with a timestamp and name nobody: one turn of no speaker per
    line, each with its time, the stamps out of the text, as ``qcahp import`` does."""
    (tmp_path / "s.txt").write_text(STAMPED, encoding="utf-8")
    imported = read_transcript(tmp_path / "s.txt")
    stripped = strip_labels(STAMPED)
    assert stripped is not None and stripped.text == imported.text
    assert [(t.speaker, t.role, t.time, stripped.text[t.start:t.end]) for t in stripped.turns] \
        == [(t.speaker, t.role, t.time, imported.text[t.start:t.end]) for t in imported.turns]
    assert [t.time for t in stripped.turns] == ["00:00:05", "00:00:09", "00:00:15"]
    # Inside a speaker's turn a stamped line is that speaker's speech, as on import.
    inside = strip_labels("Interviewer: Hello.\n\nJane Doe: Hi.\n[00:00:09] And then.")
    assert inside is not None and [t.speaker for t in inside.turns] == ["Interviewer",
                                                                         "Jane Doe"]


@pytest.mark.parametrize("origin", ["ours", "other tool"])
def test_time_of_a_turn_with_no_speaker_survives_export(store, tmp_path: Path,
                                                        origin: str) -> None:
    """A turn with no speaker label kept no time through REFI-QDA: the export wrote
    no label for it, so a fresh import had nothing to read. The export now writes its
    time as a stamp; our import and another tool's rewrite of the file read it back,
    and the project that exported it still finds its own transcripts."""
    (tmp_path / "stamps.txt").write_text(STAMPED, encoding="utf-8")
    (tmp_path / "intro.md").write_text("[00:00:01] Welcome to the recording.\n\n"
                                       "Interviewer: How did you start?\n\nJane: As a physio.\n",
                                       encoding="utf-8")
    expected = {}
    for name in ("stamps", "intro"):
        parsed = read_transcript(tmp_path / f"{name}.{'txt' if name == 'stamps' else 'md'}")
        info, _ = store.add_transcript(name, parsed)
        expected[name] = (store.transcript_text(info.id),
                          [(t.speaker, t.role, t.start, t.end, t.time)
                           for t in store.turns(info.id)])
    assert expected["intro"][1][0][4] == "00:00:01"
    store.save_codebook(Codebook("cb", (Theme("t", "Theme"),)))
    stamps = store.transcript("stamps")
    text = expected["stamps"][0]
    store.code(stamps.id, "t", "ana", text.index("physio"), text.index("physio") + 6)
    export_project(store, tmp_path / "p.qdpx")
    path = tmp_path / "p.qdpx"
    if origin == "other tool":  # rewritten by another tool: its origin, our text
        with zipfile.ZipFile(path) as archive:
            entries = {n: archive.read(n) for n in archive.namelist()}
        entries["project.qde"] = entries["project.qde"].replace(
            b'origin="qualcoder_ahp', b'origin="OtherTool')
        path = tmp_path / "other.qdpx"
        with zipfile.ZipFile(path, "w") as archive:
            for n, data in entries.items():
                archive.writestr(n, data)
    with zipfile.ZipFile(path) as archive:
        exported = archive.read(f"sources/{stamps.guid}.txt").decode("utf-8")
    assert exported.startswith("[00:00:05] So tell me how it began.\n\n[00:00:09] ")
    counts = table_counts(store)
    assert import_file(store, path).nothing_added
    assert table_counts(store) == counts
    fresh = open_store(tmp_path / "fresh.db")
    try:
        report = import_file(fresh, path)
        assert report.mismatches == []
        for info in fresh.transcripts():
            got = (fresh.transcript_text(info.id),
                   [(t.speaker, t.role, t.start, t.end, t.time) for t in fresh.turns(info.id)])
            assert got == expected[info.name]
        assert [c.quote for c in fresh.codings()] == ["physio"]
    finally:
        fresh.close()
