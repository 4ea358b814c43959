"""Property: any transcript written in a supported turn form reads back exactly.

Hypothesis writes random conversations (speakers, paragraphs of words, random hard
wraps) in each label form, and the importer must give back the same speakers, the
same turn texts (wrapped lines joined by one space, paragraphs by ``\\n``) and the
times written in the labels.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcoder_ahp.importers import read_transcript

WORDS = st.sampled_from(["career", "board", "physio", "i", "moved", "trust", "leeds", "chance",
                         "and", "then", "really", "team", "role", "we", "it", "was", "so"])
PUNCT = st.sampled_from(["", "", "", ".", ",", "?", "!"])
SPEAKERS = ["Interviewer", "Jane Doe", "Sam", "Dr Ada Obi", "Ann Lee (P3)", "Μαρία Παππά"]


@st.composite
def paragraph(draw: st.DrawFn) -> list[str]:
    """Words (some with punctuation), returned as lines hard-wrapped at random."""
    words = [w + draw(PUNCT) for w in draw(st.lists(WORDS, min_size=1, max_size=25))]
    lines, current = [], []
    for w in words:
        current.append(w)
        if draw(st.integers(0, 5)) == 0:
            lines.append(" ".join(current))
            current = []
    if current:
        lines.append(" ".join(current))
    return lines


@st.composite
def conversation(draw: st.DrawFn) -> list[tuple[str, list[list[str]]]]:
    speakers = draw(st.lists(st.sampled_from(SPEAKERS), min_size=2, max_size=8)
                    .filter(lambda s: len(set(s)) >= 2))
    return [(s, draw(st.lists(paragraph(), min_size=1, max_size=3))) for s in speakers]


FORMS = {
    "plain": lambda name, t: f"{name}: ",
    "bold": lambda name, t: f"**{name}:** ",
    "bold-outside": lambda name, t: f"**{name}**: ",
    "stamped": lambda name, t: f"[{t}] {name}: ",
    "own-line": lambda name, t: f"{name} ({t}):\n",
    "dash": lambda name, t: f"{name} ({t}) - ",
}
TIMED = {"stamped", "own-line", "dash"}


@settings(max_examples=120, deadline=None)
@given(conv=conversation(), form=st.sampled_from(sorted(FORMS)),
       crlf=st.booleans(), ext=st.sampled_from([".txt", ".md"]))
def test_written_conversations_read_back(tmp_path_factory, conv, form, crlf, ext) -> None:
    chunks = []
    for i, (name, paras) in enumerate(conv):
        stamp = f"00:{i // 60:02d}:{i % 60:02d}"
        body = "\n\n".join("\n".join(lines) for lines in paras)
        chunks.append(FORMS[form](name, stamp) + body)
    source = "\n\n".join(chunks) + "\n"
    if crlf:
        source = source.replace("\n", "\r\n")
    path = Path(tmp_path_factory.mktemp("rt")) / f"conv{ext}"
    path.write_bytes(source.encode())
    parsed = read_transcript(path)
    got = [(t.speaker, parsed.text[t.start:t.end], t.time) for t in parsed.turns]
    want = [(name, "\n".join(" ".join(lines) for lines in paras),
             f"00:{i // 60:02d}:{i % 60:02d}" if form in TIMED else None)
            for i, (name, paras) in enumerate(conv)]
    assert got == want
    roles = {t.speaker: t.role for t in parsed.turns}
    if "Interviewer" in roles:
        assert roles["Interviewer"] == "interviewer"
    if "Ann Lee (P3)" in roles:  # a participant id in the label decides
        assert roles["Ann Lee (P3)"] == "participant"
    assert list(roles.values()).count("participant") in (1, 2)
    assert list(roles.values()).count("participant") == 1 or "Ann Lee (P3)" in roles
