"""Session 22 import fixes: a word a PDF or Word file broke over a line is decided by
the dictionary's own compounds (``wellness`` joined, ``well-being`` kept), and a known
speaker's label in the middle of a line with no sentence end before it opens a turn."""

from __future__ import annotations

from pathlib import Path

from qualcoder_ahp.importers import read_transcript
from qualcoder_ahp.importers.hyphens import join_broken_words
from tests.test_importers import check_invariants


def _turns(path: Path) -> list[tuple[str, str]]:
    parsed = read_transcript(path)
    check_invariants(parsed)
    return [(t.speaker, parsed.text[t.start:t.end]) for t in parsed.turns]


def test_a_word_broken_after_a_compound_opener_is_joined_when_the_dictionary_has_it() -> None:
    assert join_broken_words("for my well-\nness and self-\nless work") == (
        "for my wellness and selfless work")  # was "well-ness", "self-less"
    # within a line (the PDF's lines ran together) too
    assert join_broken_words("staff well- ness matters") == "staff wellness matters"


def test_compounds_the_dictionary_has_keep_their_hyphen() -> None:
    assert join_broken_words(
        "for my well-\nbeing, a long-\nterm plan, co-\ndesign, full-\ntime posts, "
        "self-\nesteem, self-\ncare, well-\npaid, manage-\nment") == (
        "for my well-being, a long-term plan, co-design, full-time posts, self-esteem, "
        "self-care, well-paid, management")
    # Words the list has closed as well as hyphenated are joined, as they were
    assert join_broken_words("feed-\nback on the work-\nload, the time-\nline and the "
                             "stake-\nholders") == (
        "feedback on the workload, the timeline and the stakeholders")
    assert join_broken_words("the co- design and long- term plan") == (
        "the co-design and long-term plan")


def test_a_known_label_mid_line_without_a_sentence_end_opens_a_turn(tmp_path: Path) -> None:
    path = tmp_path / "p03.txt"
    path.write_text(
        "INTERVIEWER: How did you start?\n\n"
        "HELEN: I qualified in 1996 and that was that INTERVIEWER: And then [00:01:05] "
        "HELEN: And then I moved. Note: she laughed. I told Helen: No way.\n\n"
        "INTERVIEWER: Why did you stay? Note: A pause\n", encoding="utf-8")
    assert _turns(path) == [
        ("INTERVIEWER", "How did you start?"),
        ("HELEN", "I qualified in 1996 and that was that"),  # was one turn to the end
        ("INTERVIEWER", "And then"),
        # "Note:" is no speaker; "Helen:" is not the label as this file writes it
        ("HELEN", "And then I moved. Note: she laughed. I told Helen: No way."),
        ("INTERVIEWER", "Why did you stay? Note: A pause"),
    ]
    parsed = read_transcript(path)
    assert [t.time for t in parsed.turns][3] == "00:01:05"


def test_a_name_never_used_as_a_label_stays_speech(tmp_path: Path) -> None:
    path = tmp_path / "p04.txt"
    path.write_text(
        "Interviewer: Who helped?\n\nHelen: my manager Sarah: She said go for it, and "
        "the lead Interviewer: No, that was later\n\nInterviewer: So you told him: Yes?\n",
        encoding="utf-8")
    turns = _turns(path)
    assert turns[1] == ("Helen", "my manager Sarah: She said go for it, and the lead")
    assert turns[2] == ("Interviewer", "No, that was later")
    assert turns[3] == ("Interviewer", "So you told him: Yes?")


def test_teams_names_written_surname_first_are_speakers(tmp_path: Path) -> None:
    # Teams shows an NHS member as "Price, Hannah (NHS Leeds)": the transcript saved as
    # text was one (unlabelled) turn with every name and time in it.
    path = tmp_path / "p22.txt"
    path.write_text(
        "Leadership interview P22-20240502_141503-Meeting Recording\nMay 2, 2024, 1:15PM\n"
        "42m 7s\n\nPrice, Hannah (NHS Leeds)   0:03\nThanks for joining. What is your "
        "role?\n\nOkafor, Chidi   0:09\nHead of therapies.\n\nPrice, Hannah (NHS Leeds)   "
        "0:20\nAnd before that?\n\nOkafor, Chidi   0:22\nCommunity, mostly.\n",
        encoding="utf-8")
    assert _turns(path) == [
        ("Price, Hannah (NHS Leeds)", "Thanks for joining. What is your role?"),
        ("Okafor, Chidi", "Head of therapies."),
        ("Price, Hannah (NHS Leeds)", "And before that?"), ("Okafor, Chidi", "Community, mostly.")]
    # The Word download puts the time on the line below the name.
    path.write_text("Price, Hannah\n0:03\nWhat is your role?\n\nOkafor, Chidi\n0:09\nHead of "
                    "therapies.\n\nPrice, Hannah\n0:20\nAnd before?\n", encoding="utf-8")
    assert [s for s, _ in _turns(path)] == ["Price, Hannah", "Okafor, Chidi", "Price, Hannah"]
    # A sentence with a comma before a time stays speech.
    path.write_text("Interviewer: When?\n\nHelen: Well, about 9:30\n\nInterviewer: And?\n\n"
                    "Helen: Well, about 10:30\n", encoding="utf-8")
    assert [s for s, _ in _turns(path)] == ["Interviewer", "Helen", "Interviewer", "Helen"]


def test_words_deleted_with_track_changes_in_a_word_rtf_are_not_imported(
        tmp_path: Path) -> None:
    path = tmp_path / "p25.rtf"
    path.write_text(
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}"
        "{\\*\\revtbl {Unknown;}{Ana Silva;}}\n"
        "\\pard\\plain {\\b Interviewer:}{ How is the culture?}\\par\n"
        "\\pard\\plain {\\b P25:}{ It\\rquote s improving,}{\\deleted\\revauthdel1"
        "\\revdttmdel1 not at all,}{ na\\'efvely speaking}{\\revised\\revauth1  and "
        "that\\rquote s it}.\\par\n"
        "{\\deleted\\revauthdel1 \\pard\\plain {\\b Interviewer:}{ A question cut.}\\par }\n"
        "\\pard\\plain {\\b Interviewer:}{ Thanks.}\\par\n}", encoding="cp1252")
    assert _turns(path) == [
        ("Interviewer", "How is the culture?"),
        # was "...improving, not at all, na\u00efvely...", and the cut question a turn
        ("P25", "It\u2019s improving, na\u00efvely speaking and that\u2019s it."),
        ("Interviewer", "Thanks.")]


def test_a_one_letter_label_mid_line_stays_speech(tmp_path: Path) -> None:
    path = tmp_path / "qa.txt"
    path.write_text("Q: Which plan won?\n\nA: The cheaper one\n\nQ: So you chose plan A: "
                    "The board liked it\n\nA: Cost.\n", encoding="utf-8")
    assert _turns(path)[2] == ("Q", "So you chose plan A: The board liked it")


def test_words_in_word_smart_tags_and_content_controls_are_kept(tmp_path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def wrapped(tag: str, text: str, inner: str | None = None) -> object:
        outer = OxmlElement(tag)
        holder = OxmlElement(inner) if inner else outer
        if inner:
            outer.append(holder)
        run, t = OxmlElement("w:r"), OxmlElement("w:t")
        t.text = text
        run.append(t)
        holder.append(run)
        return outer

    document = docx.Document()
    p = document.add_paragraph()
    p.add_run("Interviewer:").bold = True
    p.add_run(" Where?")
    p = document.add_paragraph()
    p.add_run("P29:").bold = True
    p.add_run(" In ")
    tag = wrapped("w:smartTag", "Leeds")
    tag.set(qn("w:element"), "place")
    p._p.append(tag)
    p.add_run(" in ")
    p._p.append(wrapped("w:sdt", "May 2019", "w:sdtContent"))
    p.add_run(".")
    block = OxmlElement("w:sdt")
    content = OxmlElement("w:sdtContent")
    block.append(content)
    p = document.add_paragraph()
    p.add_run("Interviewer:").bold = True
    p.add_run(" A question in a template field?")
    content.append(p._p)
    body = document.element.body
    body.insert(len(body) - 1, block)
    path = tmp_path / "p29.docx"
    document.save(str(path))
    assert _turns(path) == [
        ("Interviewer", "Where?"),
        ("P29", "In Leeds in May 2019."),  # was "In  in ."
        ("Interviewer", "A question in a template field?")]  # was left out


_ODT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-format:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2">'
        '<office:automatic-styles><style:style style:name="T1" style:family="text">'
        '<style:text-properties fo:font-weight="bold"/></style:style>'
        '</office:automatic-styles><office:body><office:text><text:tracked-changes>'
        '<text:changed-region text:id="c1"><text:deletion><office:change-info>'
        '<dc:creator>Ana</dc:creator></office:change-info><text:p>not at all'
        '</text:p></text:deletion></text:changed-region></text:tracked-changes>'
        '<text:p><text:span text:style-name="T1">Interviewer:</text:span> How did it go?'
        '</text:p><text:p><text:span text:style-name="T1">P40:</text:span> It went'
        '<text:change text:change-id="c1"/> well.<text:note text:note-class="footnote">'
        '<text:note-citation>1</text:note-citation><text:note-body><text:p>A note by the '
        'transcriber.</text:p></text:note-body></text:note> Honestly.</text:p><text:p>'
        '<text:span text:style-name="T1">Interviewer:</text:span> Thanks<office:annotation>'
        '<dc:creator>Ana</dc:creator><text:p>check this</text:p></office:annotation>.'
        '</text:p></office:text></office:body></office:document-content>')


def test_odt_deletions_footnotes_and_comments_are_not_read_as_speech(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "p40.odt"
    with zipfile.ZipFile(path, "w") as odt:
        odt.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                     compress_type=zipfile.ZIP_STORED)
        odt.writestr("content.xml", _ODT)
        odt.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                     '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                     'xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
                     'manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                     'opendocument.text"/><manifest:file-entry manifest:full-path='
                     '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        odt.writestr("styles.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                     '<office:document-styles xmlns:office="urn:oasis:names:tc:'
                     'opendocument:xmlns:office:1.0" office:version="1.2"/>')
    assert _turns(path) == [
        # were: a turn "not at all", "well.1A note by the transcriber.", "ThanksAnacheck"
        ("Interviewer", "How did it go?"), ("P40", "It went well. Honestly."),
        ("Interviewer", "Thanks.")]


def test_line_numbers_for_citing_are_left_out_and_labels_read(tmp_path: Path) -> None:
    path = tmp_path / "p41.txt"
    path.write_text(
        "1   Interviewer: How did you come to be in your role?\n"
        "2   Helen: Well, I qualified in 1996 and worked in Leeds, then\n"
        "3   moved into a band 7 post.\n4\n"
        "5   Interviewer: And how did that feel?\n6   Helen: Terrifying, honestly.\n",
        encoding="utf-8")
    parsed = read_transcript(path)
    assert _turns(path) == [  # was one (unlabelled) turn, "1   Interviewer: How..."
        ("Interviewer", "How did you come to be in your role?"),
        ("Helen", "Well, I qualified in 1996 and worked in Leeds, then moved into a band 7 "
                  "post."),
        ("Interviewer", "And how did that feel?"), ("Helen", "Terrifying, honestly.")]
    assert ("the line numbers opening 6 lines (1, 2, 3...) are not spoken: left out of "
            "the text") in parsed.notes
    # A numbered list, or speech opening with numbers, is not line-numbered.
    path.write_text("Interviewer: What matters?\n\nHelen: Three things.\n1 Listen.\n"
                    "2 Ask.\n3 Wait.\n10 years on I still do.\n", encoding="utf-8")
    assert _turns(path)[1][1] == "Three things. 1 Listen. 2 Ask. 3 Wait. 10 years on I still do."


def test_a_line_numbered_pdf_reads_its_labels_and_broken_words(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    lines = ["Interviewer: Can you tell me about your role?", "Sam Ortiz: I started as a",
             "physiotherapist and moved into manage-", "ment in 2010.", "Interviewer: Then?",
             "Sam Ortiz: Head of service."]
    fig = Figure(figsize=(8.5, 11))
    for i, line in enumerate(lines):
        fig.text(0.05, 0.9 - i * 0.04, str(i + 1), fontsize=9)
        fig.text(0.1, 0.9 - i * 0.04, line, fontsize=12)
    path = tmp_path / "p42.pdf"
    fig.savefig(str(path), format="pdf")
    assert _turns(path) == [
        ("Interviewer", "Can you tell me about your role?"),
        ("Sam Ortiz", "I started as a physiotherapist and moved into management in 2010."),
        ("Interviewer", "Then?"), ("Sam Ortiz", "Head of service.")]
    assert read_transcript(path).notes == [
        "the line numbers opening 6 lines (1, 2, 3...) are not spoken: left out of the text"]


def test_teams_names_with_pronouns_and_organisation_are_speakers(tmp_path: Path) -> None:
    path = tmp_path / "p44.txt"
    path.write_text(
        "Hannah Price (she/her)   0:03\nHow long have you been in post?\n\n"
        "Chidi Okafor (he/him) (NHS Leeds)   0:09\nAbout three years.\n\n"
        "Hannah Price (she/her)   0:20\nWhy did you move?\n\n"
        "Chidi Okafor (he/him) (NHS Leeds)   0:22\nThe job came up.\n", encoding="utf-8")
    # The second's two brackets hid his label: his words went into her turns.
    assert [s for s, _ in _turns(path)] == ["Hannah Price (she/her)",
                                            "Chidi Okafor (he/him) (NHS Leeds)"] * 2


def test_control_characters_from_other_programs_are_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "p46.txt"
    # Word's Shift+Enter pasted as a vertical tab, a form feed, Word's non-breaking
    # hyphen, and the Ctrl+Z an old DOS editor ends its files with.
    path.write_bytes(b"Interviewer: How did it start?\x0bAnd when?\n\nHelen: In 1996.\x0bThen "
                     b"Leeds.\x0cSo that was it, a full\x1etime post.\n\x1a")
    parsed = read_transcript(path)
    assert not any(c < " " and c != "\n" for c in parsed.text)  # "\x1a" was stored
    assert _turns(path) == [("Interviewer", "How did it start? And when?"),
                            ("Helen", "In 1996. Then Leeds. So that was it, a full-time post.")]
