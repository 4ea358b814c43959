"""Zoom's text exports: a transcript with a bare time before each ``Name:`` label, and
the saved meeting chat (``14:02:37 From Hannah Price to Everyone:`` and the message on
the lines below, or ``00:02:37<TAB> From  Hannah Price : message`` from older versions).
Before, each was one ``(unlabelled)`` turn with the times and names in its text."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.imported import A1, A2, Q1, Q2, TEXTS, imported, speakers_listed

NAMES = ["Hannah Price", "Mark Ellis", "Hannah Price", "Mark Ellis"]
TIMES = ["14:02:37", "14:02:45", "14:03:10", "14:03:20"]


def _check(rows: list[tuple[str, str, str | None, str]], texts: list[str] = TEXTS) -> None:
    assert [(s, t) for s, _, t, _ in rows] == list(zip(NAMES, TIMES))
    assert [x for *_, x in rows] == texts


def test_zoom_transcript_with_bare_times(tmp_path: Path) -> None:
    path = tmp_path / "zoom.txt"
    path.write_text("".join(f"{t} {n}: {w}\n" for t, n, w in zip(TIMES, NAMES, TEXTS)),
                    encoding="utf-8")
    _check(imported(tmp_path, path))
    assert speakers_listed(tmp_path) == {"Hannah Price": "interviewer",
                                         "Mark Ellis": "participant"}


def test_zoom_saved_chat(tmp_path: Path) -> None:
    path = tmp_path / "meeting_saved_chat.txt"
    path.write_text(
        f"14:02:37 From Hannah Price to Everyone:\n\tThanks for joining me.\n"
        f"\tCould you start by describing your role?\n"
        f"14:02:45 From Mark Ellis to Everyone:\n\tSure. I'm a district nurse,\n"
        f"14:02:50 From Mark Ellis to Everyone:\n\tI've been qualified twelve years.\n"
        f"14:03:10 From Hannah Price to Mark Ellis (Direct Message):\n\t{Q2}\n"
        f"14:03:20 From Mark Ellis to Everyone:\n\t{A2}\n", encoding="utf-8")
    rows = imported(tmp_path, path)
    # Mark's two messages in a row are one turn, a paragraph each.
    _check(rows, [Q1, "Sure. I'm a district nurse,\nI've been qualified twelve years.",
                  Q2, A2])


def test_zoom_saved_chat_older_form(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("".join(f"{t}\t From  {n} : {w}\n" for t, n, w in zip(TIMES, NAMES, TEXTS)),
                    encoding="utf-8")
    _check(imported(tmp_path, path))


def test_zoom_chat_reactions_and_reply_lines_are_not_said(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(
        f"14:02:37 From Hannah Price to Everyone:\n\t{Q1}\n\n"
        f"14:02:45 From Mark Ellis to Everyone:\n\t{A1}\n\n"
        f"14:02:50 From Hannah Price to Everyone:\n"
        f"\tReacted to \"Sure. I'm a...\" with \U0001F44D\n\n"
        f"14:03:10 From Hannah Price to Everyone:\n\t{Q2}\n\n"
        f"14:03:20 From Mark Ellis to Everyone:\n\tReplying to \"What does a...\":\n\t{A2}\n",
        encoding="utf-8")
    _check(imported(tmp_path, path))
