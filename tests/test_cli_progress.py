"""The one shared CLI progress bar (``cli.common.progress_bar``): drawn on a terminal only."""

from __future__ import annotations

import io

import pytest

from qualcoder_ahp.cli import common


class _Tty(io.StringIO):
    def isatty(self) -> bool:  # noqa: D102 - a fake terminal
        return True


def test_nothing_written_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    with common.progress_bar("Importing") as bar:
        for i in range(1, 4):
            bar(i, 3, f"/tmp/file{i}.txt")
    assert err.getvalue() == ""  # not even the label


def test_bar_drawn_on_a_terminal_with_label_position_and_item(
        monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    with common.progress_bar("Importing") as bar:
        bar(1, 3, "/some/dir/first.txt")
        bar(3, 3, "/some/dir/last.txt")
    out = err.getvalue()
    assert "Importing" in out and "3/3" in out
    assert "last.txt" in out and "/some/dir" not in out  # the file name only


def test_two_callers_without_current_and_a_second_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    with common.progress_bar("A") as first, common.progress_bar("B") as second:
        first(2, 2)
        first(2, 2)  # a repeated final call draws no second bar
        second(1, 4)
        second(4, 4)
    out = err.getvalue()
    assert out.count("A ") >= 1 and "2/2" in out and "4/4" in out
    assert out.index("2/2") < out.index("4/4")  # A finished its line before B began


def test_bar_closed_when_the_job_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    with pytest.raises(RuntimeError), common.progress_bar("Work") as bar:
        bar(1, 10)
        raise RuntimeError("boom")
    assert err.getvalue().endswith("\n")  # the line is finished, the error prints below it


@pytest.mark.parametrize("columns", [80, 100])
def test_long_item_names_are_shortened_to_keep_the_bar_on_one_line(
        monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setenv("COLUMNS", str(columns))
    name = "11_DERIVED_uk-covid-inquiry_tracy-nicholls_college-of-paramedics.docx"
    with common.progress_bar("Suggesting") as bar:
        for i in range(1, 7):
            bar(i, 6, f"/data/{i}_{name}")
    drawn = [part.replace("\x1b[?25l", "").replace("\x1b[?25h", "")
             for part in err.getvalue().replace("\n", "\r").split("\r")]
    assert any("…" in part for part in drawn)
    assert max(len(part) for part in drawn) < columns, max(drawn, key=len)
    assert any("6_11_DER" in part for part in drawn)  # the name's start stays


def test_working_line_on_a_terminal_is_erased_and_absent_in_pipes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    with pytest.raises(ValueError), common.working("Checking codebook.yaml"):
        raise ValueError  # the line is erased even when the step fails
    assert err.getvalue() == "Checking codebook.yaml...\r\x1b[K"
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    with common.working("Checking codebook.yaml"):
        pass
    assert pipe.getvalue() == ""


def test_codebook_check_says_what_it_is_doing_on_a_terminal(
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from qualcoder_ahp.cli.codebook import checked_codebook

    book = tmp_path / "cb.yaml"
    book.write_text("name: cb\nthemes:\n  - id: luck\n    name: Luck\n"
                    "    patterns:\n      - id: luck_phrase\n        phrase: lucky break\n")
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    assert [t.id for t in checked_codebook(str(book), None).themes] == ["luck"]
    assert err.getvalue().startswith(f"Checking {book}...")
