"""The coding screen's keys: its bindings and which of them apply right now.

Kept apart from :mod:`~qualcoder_ahp.tui.screens.coding` so that the whole key map
(what the footer, the help screen and the command palette list) reads in one
place, with the rule that hides a key when it would do nothing in the current
state of the :class:`~qualcoder_ahp.tui.session.CodingSession`.
"""

from __future__ import annotations

from textual.binding import Binding

from qualcoder_ahp.tui.session import CodingSession

NEEDS_SUGGESTION = {"accept", "reject", "narrow"}
"""Actions on the current suggestion."""
NEEDS_SPAN = {"widen", "move_edge", "code", "code_recent", "select"}
"""Actions on the pending span (the suggestion's, the cursor's or the selection)."""
BACK_KEYS = ("back_to_hits", "back_to_passages", "back_to_patterns")
"""Actions back to the screen this one was opened from (the coding screen decides)."""


def _recent_bindings() -> list[Binding]:
    return [Binding(str(n), f"code_recent({n})", "Recent theme" if n == 1 else f"Recent theme {n}",
                    show=n == 1,
                    key_display="1-9" if n == 1 else None,
                    tooltip="Code the segment with a recent theme (numbers in the codebook pane)")
            for n in range(1, 10)]


CODING_BINDINGS = [
    Binding("n", "step(1)", "Next", tooltip="Next suggestion (wraps round)"),
    Binding("p", "step(-1)", "Prev", tooltip="Previous suggestion"),
    Binding("a", "accept", "Accept", tooltip="Accept the suggestion with the marked span"),
    Binding("x", "reject", "Reject", tooltip="Reject the suggestion"),
    Binding("w", "widen", "Widen", tooltip="Widen the span to the whole turn"),
    Binding("m", "narrow", "Narrow",
            tooltip="Narrow the span to the matched words (whole words)"),
    Binding("[", "move_edge('start', 'sentence', -1)", "Start ◀ sentence",
            show=False, tooltip="Move the span's start back one sentence"),
    Binding("]", "move_edge('start', 'sentence', 1)", "Start ▶ sentence",
            show=False, tooltip="Move the span's start forward one sentence"),
    Binding("{", "move_edge('end', 'sentence', -1)", "End ◀ sentence",
            show=False, tooltip="Move the span's end back one sentence"),
    Binding("}", "move_edge('end', 'sentence', 1)", "End ▶ sentence",
            show=False, tooltip="Move the span's end forward one sentence"),
    Binding("comma", "move_edge('start', 'word', -1)", "Start ◀ word", key_display=",",
            show=False, tooltip="Move the span's start back one word"),
    Binding(".", "move_edge('start', 'word', 1)", "Start ▶ word",
            show=False, tooltip="Move the span's start forward one word"),
    Binding("<", "move_edge('end', 'word', -1)", "End ◀ word",
            show=False, tooltip="Move the span's end back one word"),
    Binding(">", "move_edge('end', 'word', 1)", "End ▶ word",
            show=False, tooltip="Move the span's end forward one word"),
    Binding("down", "cursor(1)", "Sentence ▼", show=False,
            tooltip="Cursor to the next sentence (extends a selection)"),
    Binding("up", "cursor(-1)", "Sentence ▲", show=False,
            tooltip="Cursor to the previous sentence (extends a selection)"),
    Binding("v", "select", "Select", tooltip="Start/stop selecting sentences from the cursor"),
    Binding("c", "code", "Code…", tooltip="Code the sentence or selection: pick a theme, or "
            "name a new one (ctrl+n in the picker)"),
    *_recent_bindings(),
    Binding("d", "remove", "Remove", tooltip="Remove your coding under the cursor"),
    Binding("M", "memo", "Memo", tooltip="Memo on the coding, its theme or the transcript"),
    Binding("u", "undo", "Undo", tooltip="Undo your last decision (kept across restarts)"),
    Binding("r", "redo", "Redo", tooltip="Redo the last undone decision"),
    Binding("/", "search", "Search", tooltip="Search the transcript text"),
    Binding(";", "next_hit", "Next hit", tooltip="Go to the next search hit"),
    Binding("colon", "next_hit(-1)", "Previous hit", key_display=":", show=False,
            tooltip="Go to the previous search hit"),
    Binding("f", "filter", "Filter", tooltip="Filter suggestions by status and theme"),
    Binding("g", "next_undecided", "Next undecided",
            tooltip="Jump to the next undecided suggestion, across transcripts"),
    Binding("F", "back_to_hits", "Hits", tooltip="Back to the search hits this transcript "
            "was opened from (only then; otherwise F searches every transcript)"),
    Binding("P", "back_to_passages", "Passages", tooltip="Back to the list of passages this "
            "transcript was opened from (only then; otherwise P picks a theme's passages)"),
    Binding("y", "back_to_patterns", "Pattern", tooltip="Back to the list of a pattern's "
            "suggestions this transcript was opened from (only then; otherwise y opens the "
            "patterns)"),
    Binding("escape", "clear", "Clear/Back", show=False,
            tooltip="Drop the selection, a span adjustment and the search highlights; "
                    "with none, back to the screen before"),
    Binding("pagedown", "page(1)", "Page ▼", show=False,
            tooltip="Scroll down a page (then ↓ puts the cursor on the page shown)"),
    Binding("pageup", "page(-1)", "Page ▲", show=False,
            tooltip="Scroll up a page (then ↑ puts the cursor on the page shown)"),
    Binding("home", "edge(-1)", "Start", show=False,
            tooltip="Scroll to the start of the transcript (then ↓ puts the cursor there)"),
    Binding("end", "edge(1)", "End", show=False,
            tooltip="Scroll to the end of the transcript (then ↑ puts the cursor there)"),
    Binding("tab", "switch_pane", "Details", show=False,
            tooltip="Keys to the suggestion panel (↑ ↓ PgUp PgDn scroll its criteria "
                    "and patterns) and back; the other keys keep working"),
]
"""Every key of the coding screen, in the order the footer and the help list them."""


def key_applies(session: CodingSession, action: str) -> bool:
    """Whether ``action`` would do something in the session's current state.

    The screen's ``check_action`` returns this, so a key that does not apply is
    neither in the footer nor in the command palette, and pressing it does nothing.
    """
    if action in NEEDS_SUGGESTION and session.current is None:
        return False
    if action == "narrow" and session.current is not None and not session.current.matches:
        return False
    if action in NEEDS_SPAN and session.span is None:
        return False
    if action in ("step", "filter") and not session.suggestions:
        return False
    if action == "code_recent" and not any(t.codable for t in session.themes.values()):
        return False  # no codable theme: nothing recent either
    # c applies without a codable theme too: its picker makes the first one (ctrl+n), so
    # a project can be coded inductively from an empty codebook.
    if action == "remove" and not session.codings:
        return False
    if action == "next_hit" and not session.search_hits:
        return False
    return True


def footer_priority(session: CodingSession) -> tuple[str, ...]:
    """The actions the footer draws first (after ``?``) in the session's current state.

    An 80-column footer holds about six of the screen's keys, so the ones the coder
    needs next come first: walking and deciding a suggestion (with undo), finishing a
    selection, or acting on the coding under the cursor. The others follow in the
    usual order, and all of them are always in the help (``?``) and the palette.
    """
    first: list[str] = ["next_hit"] if session.search_hits else []
    if session.anchor is not None:  # selecting: stop, or code what is selected
        first += ["select", "code", "code_recent", "undo"]
    elif session.current is not None:
        first += ["step", "accept", "reject", "undo", "code", "widen", "narrow"]
    elif session.coding_under_cursor() is not None:
        first += ["code", "remove", "memo", "undo", "select", "step"]
    else:
        first += ["code", "select", "step", "undo"]
    return tuple(first)
