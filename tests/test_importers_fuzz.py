"""Fuzz: any bytes under a supported text extension either import cleanly or are
refused with one ImportFailed line; the stored-text invariants always hold."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcoder_ahp.errors import ImportFailed
from qualcoder_ahp.importers import read_transcript
from tests.test_importers import check_invariants

PIECES = st.sampled_from([
    "Interviewer: ", "**Jo:** ", "**Jo**: ", "Q: ", "A: ", "[00:01:02] ", "(00:12) ", "\n",
    "\n\n", "\r\n", "\r", "# ", "=====", "-----", "*(2.05 pm)*", "*note*", "Speaker 1 (00:00):",
    " - ", ":", "**", "*", "\\[", "Dr. ", "e.g. ", "...", "?", "! ", "Ann (P3): ", "\ufeff",
    "<v Kim>", "</v>", "-->", "00:00:01,000 --> 00:00:02,000", "WEBVTT", "1", "é", "e\u0301",
    "\t", "  ", "word ", "Word ", "By 10:30", "## Jo", "Questions From Ms X",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, ext=st.sampled_from([".txt", ".md", ".rst", ".srt", ".vtt"]))
def test_any_text_imports_or_is_refused_cleanly(tmp_path_factory, text: str, ext: str) -> None:
    path = Path(tmp_path_factory.mktemp("fz")) / f"f{ext}"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        parsed = read_transcript(path)
    except ImportFailed as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))
        return
    check_invariants(parsed)
    assert parsed.turns and all(t.end > t.start for t in parsed.turns)
    assert {t.role for t in parsed.turns} <= {"interviewer", "participant", "other"}


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), ext=st.sampled_from([".txt", ".docx", ".odt", ".pdf",
                                                          ".rtf", ".srt"]))
def test_any_bytes_import_or_are_refused_cleanly(tmp_path_factory, data: bytes,
                                                  ext: str) -> None:
    path = Path(tmp_path_factory.mktemp("fzb")) / f"f{ext}"
    path.write_bytes(data)
    try:
        parsed = read_transcript(path)
    except ImportFailed as exc:
        assert "\n" not in str(exc)
        return
    check_invariants(parsed)
