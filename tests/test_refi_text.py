"""Offsets and values: normalisation map, offset units, turns, GUIDs, colours, descriptions."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcoder_ahp.records import Theme
from qualcoder_ahp.refi.codes import compose_description, parse_description, slugify, unique_id
from qualcoder_ahp.refi.safe import norm_color, norm_guid, xml_safe
from qualcoder_ahp.refi.text import OffsetResolver, normalise, segment


def test_normalise_maps_original_offsets() -> None:
    raw = "\ufeffab\r\ncafe\u0301 \U0001F600\rz"
    text, bounds = normalise(raw)
    assert text == "ab\ncafé 😀\nz"
    assert len(bounds) == len(raw) + 1
    body = raw[1:]
    assert bounds[1 + body.index("c")] == text.index("c")
    assert bounds[1 + body.index("z")] == text.index("z")
    assert bounds[-1] == len(text)
    # The fast path (already NFC) gives the same map as the general one.
    raw = "\ufeffab\r\ncafé \U0001F600\rz\r\n"
    text, bounds = normalise(raw)
    assert text == "ab\ncafé 😀\nz\n" and len(bounds) == len(raw) + 1
    assert [bounds[i] for i in range(len(raw) + 1)] == [0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9,
                                                         10, 11, 11, 12]


def _u16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def test_each_unit_is_recognised() -> None:
    raw = "Q: Why?\r\nA: Luck 😀😀 and café people.\r\nEnd"
    norm = raw.replace("\r\n", "\n")
    quote = "café people"
    s_raw, s_norm = raw.index(quote), norm.index(quote)
    cases = {
        "codepoints": (s_norm, s_norm + len(quote)),
        "utf16": (_u16(raw, s_raw), _u16(raw, s_raw + len(quote))),
        "crlf": (s_raw, s_raw + len(quote)),
        "utf16-lf": (_u16(norm, s_norm), _u16(norm, s_norm + len(quote))),
    }
    assert len({v for v in cases.values()}) == 4  # the units really differ here
    for unit, (start, end) in cases.items():
        placed = OffsetResolver(raw).resolve(start, end, quote)
        assert placed.ok and placed.unit == unit
        assert norm[placed.start:placed.end] == quote


def test_mismatch_is_not_ok_and_unnamed_follow_the_majority() -> None:
    raw = "A: 😀 one two three four\r\nB: five six"
    resolver = OffsetResolver(raw)
    bad = resolver.resolve(3, 8, "nothing like it")
    assert not bad.ok
    s = raw.index("three")
    assert resolver.resolve(_u16(raw, s), _u16(raw, s + 5), "three").unit == "utf16"
    s = raw.index("five")
    unnamed = resolver.resolve(_u16(raw, s), _u16(raw, s + 4), None)
    assert unnamed.ok and resolver.text[unnamed.start:unnamed.end] == "five"
    assert not resolver.resolve(500, 600, None).ok


def test_truncated_names_accepted() -> None:
    raw = "A: I never planned a career in management at all, it just happened."
    start = raw.index("I never")
    placed = OffsetResolver(raw).resolve(start, len(raw), "I never planned a career…")
    assert placed.ok and placed.end == len(raw)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "é", "e\u0301", "😀", "\r\n", "\n", " ", "👩🏽‍⚕️", "z"]),
                min_size=2, max_size=40), st.data())
def test_utf16_offsets_over_crlf_text_round_trip(pieces, data) -> None:
    """Any span NVivo would write (UTF-16, CRLF, BOM) lands on the same text here."""
    raw = "\ufeff" + "".join(pieces)
    body = raw[1:]
    i = data.draw(st.integers(0, len(pieces) - 1))
    j = data.draw(st.integers(i + 1, len(pieces)))
    start, end = len("".join(pieces[:i])), len("".join(pieces[:j]))
    quote = body[start:end]
    norm_quote = unicodedata.normalize("NFC", quote.replace("\r\n", "\n"))
    if not norm_quote:
        return
    resolver = OffsetResolver(raw)
    placed = resolver.resolve(_u16(body, start), _u16(body, end), quote)
    assert placed.ok
    assert resolver.text[placed.start:placed.end] == norm_quote


def test_segment_keeps_text_and_finds_turns() -> None:
    text = ("Interviewer: How did it start?\n\nZoë: By chance. I was asked to cover.\n"
            "It was meant to be brief.\n\nQ: And then?\n\nUnlabelled line here.\n"
            "Note: not a label (once, mid-paragraph).")
    parsed = segment(text)
    assert parsed.text == text
    assert [(t.speaker, t.role) for t in parsed.turns] == [
        ("Interviewer", "interviewer"), ("Zoë", "participant"), ("Q", "interviewer")]
    assert text[parsed.turns[2].start:parsed.turns[2].end] == (
        "And then?\n\nUnlabelled line here.\nNote: not a label (once, mid-paragraph).")
    zoe = parsed.turns[1]
    assert text[zoe.start:zoe.end] == ("By chance. I was asked to cover.\n"
                                       "It was meant to be brief.")
    spans = [text[s.start:s.end] for s in parsed.sentences if s.turn_index == 1]
    assert spans == ["By chance.", "I was asked to cover.", "It was meant to be brief."]


def test_guid_and_colour_forms() -> None:
    assert norm_guid("{ABCDEF01-2345-6789-ABCD-EF0123456789}") == \
        "abcdef01-2345-6789-abcd-ef0123456789"
    assert norm_guid("not-a-guid") is None and norm_guid(None) is None
    assert norm_color("#abc") == "#aabbcc"
    assert norm_color("#336699FF") == "#336699"
    assert norm_color("1f77b4") == "#1f77b4"
    assert norm_color("red") is None and norm_color("#12345") is None
    assert xml_safe("a\x0cb\x00c\td") == "a\ufffdb\ufffdc\td"


def test_description_round_trip_and_plain_text() -> None:
    theme = Theme("winding-route", "Winding", description="Line one.\nLine two.",
                  inclusion="Role changes.", exclusion="CV lists.",
                  examples=("I moved sideways", "by chance"))
    parsed = parse_description(compose_description(theme))
    assert (parsed.description, parsed.inclusion, parsed.exclusion, parsed.examples,
            parsed.theme_id) == ("Line one.\nLine two.", "Role changes.", "CV lists.",
                                 ["I moved sideways", "by chance"], "winding-route")
    other = parse_description("Just a description from NVivo.\n\nSecond paragraph.")
    assert other.description == "Just a description from NVivo.\n\nSecond paragraph."
    assert other.theme_id is None
    assert parse_description("Theme id: Not A Slug!").theme_id is None


def test_slugs() -> None:
    assert slugify("Job titles & go-to person") == "job-titles-go-to-person"
    assert slugify("Sérendipité 🍀") == "serendipite"
    assert slugify("🍀") == "code"
    assert unique_id("a", {"a", "a-2"}) == "a-3"


def test_votes_come_from_selections_that_tell_units_apart() -> None:
    raw = "A: one two three\r\nB: \U0001F600 four five six\r\nC: seven"
    resolver = OffsetResolver(raw)
    for word in ("one", "two"):  # before the emoji and the CRLF: every unit agrees
        s = raw.index(word)
        assert resolver.resolve(s, s + len(word), word).unit == "codepoints"
    s = raw.index("five")
    assert resolver.resolve(_u16(raw, s), _u16(raw, s + 4), "five").unit == "utf16"
    assert resolver.best_unit() == "utf16"
    s = raw.index("seven")
    unnamed = resolver.resolve(_u16(raw, s), _u16(raw, s + 5), None)
    assert resolver.text[unnamed.start:unnamed.end] == "seven"
