"""Build ``radiographer_sam.docx``, the fictional Word-format demo transcript.

The interview lives here as text so that the binary ``.docx`` can be rebuilt and
reviewed in a diff; the file is laid out the way transcription services deliver
Word transcripts: a heading, an italic note, then one paragraph per turn with the
speaker's name in a bold run followed by ``: `` and the words.

Run from the repository root: ``python transcripts/make_docx.py``.
"""

from __future__ import annotations

from pathlib import Path

NOTE = ("FICTIONAL interview, written for qualcoder_ahp's demo; any resemblance to real "
        "people or organisations is coincidental.")
I, P = "Interviewer", "Sam Okafor"

TURNS: list[tuple[str, str]] = [
    (I, "Thank you for taking part, Sam. Could you start by describing your current role?"),
    (P, "I'm the director of diagnostics and AHPs at a district general hospital trust. So I "
        "have operational responsibility for imaging, pathology and endoscopy, and I'm also the "
        "professional lead for the allied health professions. I'm a diagnostic radiographer by "
        "background."),
    (I, "That's an unusual combination. How did it come about?"),
    (P, "It's definitely not a typical radiographer's career. Most radiographers I trained with "
        "are still in clinical roles, reporting radiographers, advanced practitioners, some in "
        "education. I started in general radiography, moved into CT, and became a superintendent "
        "radiographer in my early thirties. Up to that point it was a very traditional path, and "
        "I'll be honest, I planned it. I wanted to be a CT superintendent and I went for it."),
    (I, "And after that?"),
    (P, "After that, less planning. The trust was struggling with imaging backlogs, we had "
        "patients waiting eleven weeks for an MRI, and the divisional director asked me if I "
        "would lead an improvement project to bring the waits down. I'd never done anything like "
        "it. I said yes because it sounded interesting, and that project changed the direction "
        "of my career completely."),
    (I, "What did the project involve?"),
    (P, "We redesigned the whole imaging pathway, from the GP request to the report landing back "
        "with the referrer. We found that a third of the delay had nothing to do with scanning; "
        "it was vetting, booking, patients not turning up because the letter arrived after the "
        "appointment. So we introduced text reminders, radiographer-led vetting, evening and "
        "weekend lists, and a new booking process. The MRI wait came down from eleven weeks to "
        "three in about nine months."),
    (I, "How was that received?"),
    (P, "Very well, actually. We wrote it up, it went in the Society of Radiographers' journal, "
        "and we presented it at the UK imaging conference. A few other trusts came to visit and "
        "took the model away. I think that was the first time I realised how much we could "
        "achieve if we shared our work instead of just getting on with it."),
    (I, "Where did you go next?"),
    (P, "I was seconded into the regional diagnostics programme at NHS England for eighteen "
        "months, as a programme manager for community diagnostic centres. That was a completely "
        "different world: business cases, capital bids, ministers' visits. I learned an enormous "
        "amount about how money moves in the NHS. Then my old chief operating officer rang me and "
        "said the trust was creating a director of diagnostics post and would I consider it. So, "
        "again, someone picked up the phone."),
    (I, "How did you feel about taking on pathology and endoscopy, which aren't your field?"),
    (P, "Nervous. I'm not a biomedical scientist or a gastroenterologist. But I think that's "
        "where you learn that leadership isn't about being the expert in everything. I lead "
        "consultants, nurses, scientists, radiographers, administrative staff. I rely on the "
        "clinical leads for the clinical judgement and I focus on flow, money, people and "
        "safety. I haven't put a patient on a scanner in years, and I miss it, but I don't think "
        "I'd be any good at it now."),
    (I, "You mentioned you're also the professional lead for AHPs. How does that fit?"),
    (P, "Awkwardly. It was added to my portfolio when the previous head of therapies retired and "
        "the trust decided not to replace the post. So now I'm the AHP lead on top of a full "
        "operational job. It's a common pattern, sadly. Nobody was quite sure whether the AHP "
        "lead should sit in nursing, in operations or in the medical director's team, and in the "
        "end it landed with me because I was an AHP and I was already on the executive team."),
    (I, "Are you on the board?"),
    (P, "I attend the board but I'm not a voting member. I report to the chief operating "
        "officer. That does give AHPs a voice at the top table that they didn't have before, "
        "and I've used it. When the board was discussing the winter plan, I was able to say: you "
        "haven't mentioned therapy once, and half of the discharge delays are waiting for a "
        "therapy assessment. The chair asked for a paper on it the next month."),
    (I, "What happened with that paper?"),
    (P, "It led to a seven-day therapy service on the frailty unit, which is now funded "
        "permanently. But I'm conscious that AHPs in the trust only had that voice because of "
        "an accident of structure. If I left tomorrow, the AHP lead role would go back to being "
        "three levels below the board. There's no clear model for where AHP leadership should "
        "sit, and every trust in our region does it differently."),
    (I, "Do people in the trust understand what AHPs contribute?"),
    (P, "Not enough. AHPs are the third largest workforce in the NHS and we are still, very "
        "often, invisible. People think of doctors and nurses. If you say radiographer, half the "
        "public think you're the person who takes photographs. Our dietitians, our speech "
        "therapists, our orthoptists do extraordinary work and nobody outside the department "
        "sees it. I think we're underused and undervalued, and part of my job is to put AHPs on "
        "the map."),
    (I, "How do you try to do that?"),
    (P, "We hold an AHP day every October and celebrate the teams, we've started a monthly AHP "
        "story at the board, and I push our teams to enter national awards. Our "
        "radiographer-led discharge imaging service was shortlisted for a national award last "
        "year. I'm also trying to show the impact in the language the board speaks: bed days "
        "saved, waits reduced, money saved. It's not enough to say we do good work."),
    (I, "Some people describe the AHP lead role as confusing. Would you agree?"),
    (P, "Yes. In our region I've counted at least six job titles for what is essentially the "
        "same job: head of therapies, AHP lead, director of AHPs, chief AHP, professional lead "
        "for allied health, associate director of therapies. Some of those roles are band 8b "
        "and some are executive directors. When a national team wants to contact the AHP lead "
        "in a trust, they often don't know who to ask, and the email ends up with the chief "
        "nurse. I keep a list of names and titles across the region because nobody else does."),
    (I, "Does that confusion affect the AHP workforce itself?"),
    (P, "It does. Our newly qualified staff have no idea what a career in leadership looks "
        "like, because there's no obvious ladder. You can see the route to consultant "
        "radiographer; you can't see the route to director. I run a small leadership network "
        "for band 7 AHPs across the three trusts in our system, partly to show them that people "
        "like them do end up in senior roles. We bring in speakers, we do action learning sets, "
        "and we pair each of them with a mentor from a different profession."),
    (I, "Did anyone do that for you?"),
    (P, "Not formally. I had to work it out for myself. That's one reason I do it now. I think "
        "a good leadership development opportunity is less about the course and more about "
        "being given a real problem and someone to talk to while you solve it."),
    (I, "What has helped you grow as a leader?"),
    (P, "A few things. I did an MSc in healthcare leadership part-time, which gave me some "
        "theory to hang my experience on. I had a fantastic mentor at NHS England, a former "
        "paramedic who had become a regional director, and she was the first person who looked "
        "like me in a senior role. She showed me that you could be an AHP and be taken seriously "
        "in an executive team. And I've been on the NHS Leadership Academy's programme for "
        "aspiring directors, which was good for networking more than anything."),
    (I, "Has your time at NHS England changed how you lead locally?"),
    (P, "Very much. At regional level you see the whole picture: which trusts have capacity, "
        "where the demand is coming from, how a backlog in one hospital pushes patients into "
        "another. Locally I now think about diagnostics as part of a system, not as my "
        "department. We share scanning capacity with the neighbouring trust, and our "
        "community diagnostic centre takes GP referrals directly, which keeps people out of the "
        "emergency department just to get a scan."),
    (I, "Was your route into the director post planned in any way?"),
    (P, "The early part, yes, very much. I always planned to specialise in CT. The later part, "
        "not at all. I did not set out to become a director, and I certainly never planned to "
        "run pathology. I suppose I was lucky that the improvement project came along when it "
        "did, and that people noticed it."),
    (I, "If you were advising a young radiographer who wanted to lead, what would you say?"),
    (P, "Get involved in improvement work early, because it teaches you how the whole system "
        "works and it gets you noticed. Find a mentor outside your profession. And build "
        "relationships across the organisation, with the nursing team, with the medical "
        "director, with finance. The barriers between professions are mostly in our heads, and "
        "the sooner you stop thinking of yourself as just a radiographer, the more useful you "
        "can be."),
    (I, "Thank you, Sam."),
]


def build(path: Path) -> None:
    """Write the interview to ``path`` as a Word document."""
    import docx

    document = docx.Document()
    document.add_heading("Career story interview: diagnostic radiographer (fictional)", level=1)
    note = document.add_paragraph()
    note.add_run(NOTE).italic = True
    for speaker, words in TURNS:
        para = document.add_paragraph()
        para.add_run(speaker).bold = True
        para.add_run(": " + words)
    document.core_properties.title = "Fictional AHP leader interview"
    document.save(str(path))


if __name__ == "__main__":
    build(Path(__file__).resolve().parent / "radiographer_sam.docx")
