"""A span that cuts a word (session 23).

``qcahp decide --start N --end M`` took a span starting or ending inside a word without a
word: character spans are legitimate, but an offset typed one out most often is a slip.
The coding is stored as given, and a line on stderr names the cut word and ``--snap``,
which widens the span to whole words. The workbench's ``m`` (narrow to the matched
words) made such a span from a match inside a word; it takes the whole word now, and the
word keys never land inside a word.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from qualcoder_ahp.word_edges import cuts_word, snap, word_at
from tests.tui.conftest import CODER, add_suggestion, build_project


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_word_edges() -> None:
    text = "I don't know; well-being matters. 我喜欢你 and Ærø."
    assert not cuts_word(text, 0) and not cuts_word(text, 2) and not cuts_word(text, 7)
    assert cuts_word(text, 3) and cuts_word(text, 5)  # d|on't, don|'t
    assert word_at(text, 5) == "don't" and word_at(text, 17) == "well-being"
    assert snap(text, 4, 16) == (2, 24)  # "on't know; well" -> "don't know; well-being"
    assert snap(text, 2, 7) == (2, 7)
    at = text.index("喜")
    assert not cuts_word(text, at)  # Chinese is written without spaces: no word edges
    at = text.index("rø")
    assert word_at(text, at) == "Ærø"


def test_decide_warns_of_a_cut_word_and_snap_widens(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    build_project(db)
    with open_store(db) as store:
        sug = next(s for s in store.suggestions(theme_id="winding"))
        text = store.transcript_text(sug.transcript_id)
    sentence = text[sug.start:sug.end]
    assert sentence == "It was a winding route really."
    start = sug.start + sentence.index("inding")  # w|inding: a typo'd offset
    end = sug.start + sentence.index(" really")
    code, out, err = _run(db, "decide", str(sug.id), "accept", "--coder", CODER,
                          "--start", str(start), "--end", str(end))
    assert code == 0, err
    assert f"coding 1 [{start}, {end}) adjusted: 'inding route'" in out
    whole = (start - 1, end)
    assert err.strip() == (
        f"warning: the span [{start}, {end}) starts inside 'winding'; stored as given. If "
        f"that is a slip, decide again with --snap (whole words: [{whole[0]}, {whole[1]})).")
    assert "\n" not in err.strip()  # one line (not wrapped: not a terminal)
    with open_store(db) as store:
        coding = next(c for c in store.codings(coder=CODER) if c.suggestion_id == sug.id)
        assert (coding.start, coding.end) == (start, end)  # stored as given
    # --snap: whole words, said on stderr.
    code, out, err = _run(db, "decide", str(sug.id), "accept", "--coder", CODER,
                          "--start", str(start), "--end", str(end - 3), "--snap")
    assert code == 0, err
    assert f"[{whole[0]}, {whole[1]}) adjusted: 'winding route'" in out
    assert err.strip() == (f"note: [{start}, {end - 3}) starts inside 'winding' and ends "
                           f"inside 'route': widened to whole words, [{whole[0]}, "
                           f"{whole[1]}) (--snap).")
    with open_store(db) as store:
        coding = next(c for c in store.codings(coder=CODER) if c.suggestion_id == sug.id)
        assert (coding.start, coding.end) == whole
    # Whole words: not a word on stderr.
    code, out, err = _run(db, "decide", str(sug.id), "accept", "--coder", "ben",
                          "--start", str(whole[0]), "--end", str(whole[1]))
    assert code == 0 and "inside" not in err
    # --snap goes with accept only, as --start and --end do.
    code, out, err = _run(db, "decide", str(sug.id), "reject", "--coder", CODER, "--snap")
    assert code != 0 and "--snap only go with accept" in err


async def test_narrow_takes_whole_words_and_word_keys_never_cut_one(tmp_path: Path) -> None:
    """A match inside a word (a regex ``second`` in "secondment"): ``m`` narrowed the span
    to "second", and ``a`` stored a coding that cut the word."""
    from qualcoder_ahp.tui.app import make_app
    from qualcoder_ahp.tui.screens.coding import CodingScreen
    from qualcoder_ahp.tui.session import CodingSession, Span

    db = tmp_path / "p.db"
    build_project(db)
    with open_store(db) as store:
        text = store.transcript_text(1)
        sentence = next(s for s in store.sentences(1)
                        if "secondment" in text[s.start:s.end])
        sid = add_suggestion(store, 1, "mandate", "board", sentence.start, sentence.end,
                             "second")  # the match cuts "secondment"
    app = make_app(db, coder=CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = CodingScreen(app.store, CODER, 1, sid)
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.session.current is not None and screen.session.current.id == sid
        await pilot.press("m")
        await pilot.pause()
        span = screen.session.span
        assert span is not None and text[span.start:span.end] == "secondment"
        for key in (",", "<", ".", ">", ">", "<"):
            await pilot.press(key)
            await pilot.pause()
            span = screen.session.span
            assert not cuts_word(text, span.start) and not cuts_word(text, span.end), key
        await pilot.press("m", "a")
        await pilot.pause()
    with open_store(db) as store:
        coding = next(c for c in store.codings(coder=CODER) if c.suggestion_id == sid)
        assert text[coding.start:coding.end] == "secondment"
    # A word longer than the keys' window (a URL): moving the start back one word went
    # to where the window cut it.
    with open_store(db) as store:
        session = CodingSession(store, CODER, 1)
        url = "https://example.org/" + "x" * 500
        session.text = f"See {url} for more."
        at = session.text.index("for")
        session.span = Span(at, len(session.text))
        session.move_edge("start", "word", -1)
        assert session.span.start in (at, session.text.index("https"))
        assert not cuts_word(session.text, session.span.start)
