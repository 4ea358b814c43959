"""The project is busy: what the workbench does while another process is writing to it.

Decisions are written on the UI thread, so that each is stored before it is shown.
While another qcahp held SQLite's write lock (an import or ``qcahp suggest`` in a
second terminal, a merge, a colleague's workbench on a shared drive), that write waited
out the 30-second busy timeout inside SQLite: the screen froze without a word, and
then said "database is locked" or carried on as if nothing had happened.

Now the workbench's store waits a moment only (:data:`UI_LOCK_WAIT_S`), then gives up
with :class:`~qualcoder_ahp.errors.ProjectBusy` before anything is written.
:class:`BusyGuard`, mixed into the app, catches it for every key (and every dialog's
answer) in one place and shows :class:`BusyScreen`: what was not stored and why, a
count of the seconds waited, and the change made by itself as soon as the project is
free (``Enter`` tries at once, ``Escape`` gives up). So a decision is either stored and
then shown, or not stored and not shown, and never dropped without a word.

Keys typed while the dialog is up are kept, as a mature editor keeps type-ahead: a coder
who pressed ``a`` twice (accept this, then the next) had the second swallowed by the
dialog. The dialog lists them (:data:`TYPE_AHEAD_MAX` at most; one more rings the bell
and says it was not taken), and once the change is stored they are pressed again on the
screen below, in order (a key typed meanwhile comes after them), each stored before it
is shown; a key that finds the project busy again brings the dialog again, with the
keys after it still kept. ``Escape`` gives up the change and the keys typed after it
(they were typed on top of it); ``q`` is kept too (quit once stored), and ``q`` again,
or ``ctrl+q``, quits at once, saying on the way out what was not stored.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from qualcoder_ahp.errors import ProjectBusy
from qualcoder_ahp.tui.widgets.footer import WorkbenchFooter

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store

UI_LOCK_WAIT_S = 0.8
"""How long a write from the workbench waits for another process's write lock before the
busy dialog comes (SQLite's own writes take milliseconds; an import or a suggest run
frees the lock between transcripts)."""
POLL_S = 0.5
"""How often the busy dialog looks whether the project is free again."""
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
TYPE_AHEAD_MAX = 50
"""How many keys typed while the project is busy are kept to be pressed once it is free
(a key held down must not queue a minute of steps)."""

BUSY_SCREEN_KEYS = ("enter", "escape", "q")
"""The busy dialog's own keys (its bindings); every other key typed is kept."""

Retry = Callable[[], Awaitable[Any] | Any]
"""The change to make again once the project is free (a key's action, a dialog's answer)."""


class BusyScreen(ModalScreen[bool]):
    """The project is busy: the change was not stored; it is made once the lock is free.

    Dismissed with ``True`` when the project is free (found by the poll, or by ``Enter``)
    and ``False`` when the coder gives up (``Escape``).
    """

    BINDINGS = [
        Binding("enter", "try_now", "Try now", tooltip="Look at once whether the project "
                "is free, and if so store the change"),
        Binding("escape", "give_up", "Give up",
                tooltip="Stop waiting: the change and the keys typed since stay not stored"),
        Binding("q", "quit_when_free", "Quit", tooltip="Quit once the change and the keys "
                "typed before q are stored; q again quits at once without them"),
    ]

    def __init__(self, store: Store, what: str) -> None:
        super().__init__()
        self.store = store
        self.what = what
        self.began = time.monotonic()
        self.ticks = 0
        self.note = ""
        self.note_until = 0.0
        self.answered = False
        self.typed: list[events.Key] = []
        """Keys typed while shown, to be pressed again in order once the change is stored."""
        self.refused = 0
        """Keys typed beyond :data:`TYPE_AHEAD_MAX`: not taken, and said so."""

    def compose(self) -> ComposeResult:
        yield WorkbenchFooter()  # this dialog's keys, not the screen's below
        with Vertical(classes="dialog busy"):
            yield Label(Text("The project is busy", style="bold"))
            yield Label(Text(f"Another qcahp is writing to it (an import or `qcahp suggest` "
                             f"in another terminal, a merge, a colleague's workbench). "
                             f"{self.what[0].upper()}{self.what[1:]} was not stored."),
                        id="busy-text")
            yield Label(Text(""), id="busy-status", classes="hint")

    def on_mount(self) -> None:
        self._show()
        self.set_interval(POLL_S, self._poll, name="busy-poll")

    def _show(self, note: str = "") -> None:
        now = time.monotonic()
        if note:  # kept in sight for a couple of polls
            self.note, self.note_until = note, now + 2 * POLL_S
        elif now < self.note_until:
            note = self.note
        spin = SPINNER[self.ticks % len(SPINNER)]
        typed = ""
        if self.typed:
            typed = (f" Then, in order, the keys typed since: "
                     f"{' '.join(key_label(k) for k in self.typed)}.")
        if self.refused:
            typed += (f" {_keys(self.refused).capitalize()} typed after those "
                      f"{'was' if self.refused == 1 else 'were'} not taken (too many).")
        self.query_one("#busy-status", Label).update(Text(
            f"{spin} Waiting for it to finish: {now - self.began:.0f} s. It is stored as "
            f"soon as the project is free.{typed} Enter tries now, Escape gives up.{note}"))

    def take(self, key: events.Key) -> None:
        """Keep a key typed while busy: it is pressed again, in order, once the change is
        stored (or not taken, and said so, past :data:`TYPE_AHEAD_MAX`)."""
        if len(self.typed) >= TYPE_AHEAD_MAX:
            self.refused += 1
            self.app.bell()
        else:
            self.typed.append(events.Key(key.key, key.character))
        self._show()

    def _answer(self, free: bool) -> None:
        """Close once (a poll and Enter in the same moment must not close it twice); not
        while another screen is on top of it (the command palette): it would close that."""
        if not self.answered and self.app.screen is self:
            self.answered = True
            self.dismiss(free)

    def _poll(self) -> None:
        self.ticks += 1
        if self.answered:
            return
        if self._free():
            self._answer(True)
        else:
            self._show()

    def _free(self) -> bool:
        try:
            return self.store.write_lock_free()
        except Exception:  # noqa: BLE001 - another failure: let the retry say what it is
            return True

    def action_try_now(self) -> None:
        """Store the change now if the project is free; else say it still is busy."""
        if self._free():
            self._answer(True)
        else:
            self._show(" Still busy.")

    def action_give_up(self) -> None:
        """Stop waiting; the change (and the keys typed since) is not stored."""
        self._answer(False)

    def action_quit_when_free(self) -> None:
        """``q``: kept as a key typed ahead (quit once stored); ``q`` again quits now."""
        if any(key.key == "q" for key in self.typed):
            self.action_quit_now()
            return
        self.typed.append(events.Key("q", "q"))
        self._show(" q again quits now, without storing it.")

    def action_quit_now(self) -> None:
        """Quit at once, saying on the way out what was not stored."""
        self.answered = True  # the poll must not store it behind the closing app
        self.app.exit(message=self.not_stored())

    def holds_unsaved(self) -> bool:
        """Asked by the app before it quits (``ctrl+q``, the palette's quit): quit at
        once, here, saying on the way out what was not stored (the app's own quit said
        nothing of it)."""
        self.action_quit_now()
        return True

    def not_stored(self) -> str:
        """What giving up now leaves not stored, in one line."""
        keys = [k for k in self.typed if k.key != "q"]
        also = ""
        if keys:
            also = (f", nor the {_keys(len(keys)).removeprefix('1 ')} typed after it "
                    f"({' '.join(map(key_label, keys))})")
        return (f"{self.what[0].upper()}{self.what[1:]} was not stored{also}: the project "
                "was busy (another qcahp was writing to it). Do it again when it has finished.")


def key_label(key: events.Key) -> str:
    """A key as the coder typed it: ``a``, ``?``, ``down``."""
    character = key.character
    if character and character.isprintable() and not character.isspace():
        return character
    return key.key


def _keys(count: int) -> str:
    return "1 key" if count == 1 else f"{count} keys"


async def _call(function: Callable[..., Any], *args: Any) -> Any:
    """Call a callback as Textual does: a coroutine function awaited, and given only the
    arguments it takes (a dialog's callback may take none)."""
    try:
        takes = len(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        takes = len(args)
    result = function(*args[:takes])
    return await result if inspect.isawaitable(result) else result


BUSY_WORDS: dict[str, str] = {
    "code": "your coding",  # "c Code…": a theme picked for the segment
    "code_recent": "your coding",  # the number keys
    "add_theme": "your new theme",
    "remove": "your removal of the coding",  # the coding screen's d
    "retire": "your retiring of the theme",  # the codebook screen's x
}
"""The change a key makes where its footer words do not say it ("Your recent theme 3 was
not stored"); a screen's own ``BUSY_WORDS`` come first ("Your save was not stored")."""


def _action_words(namespace: Any, action: str) -> str:
    """The change a key makes, in its own words (its footer description): "your accept",
    "your memo"."""
    name = action.split("(")[0].split(".")[-1]
    words = getattr(namespace, "BUSY_WORDS", {}).get(name) or BUSY_WORDS.get(name)
    if words:
        return str(words)
    for binding in getattr(namespace, "BINDINGS", ()):
        if getattr(binding, "action", None) == action and getattr(binding, "description", ""):
            words = binding.description.rstrip("…. ").lower()
            return f"your {words}"
    return f"your {name.replace('_', ' ')}"


class BusyGuard:
    """Mix into the workbench app: a change refused because the project is busy brings
    :class:`BusyScreen`, and is made again once the project is free.

    Every key goes through :meth:`run_action` and every dialog's answer through the
    callback given to :meth:`push_screen`, so both are caught here and nowhere else;
    the store records the refusal (:attr:`~qualcoder_ahp.model.store.Store.last_busy`)
    even where a screen caught the error itself.
    """

    store: Store

    def guard_store(self) -> None:
        """Make the store wait :data:`UI_LOCK_WAIT_S` at most, and say nothing itself
        (a command's waiting line on stderr would break the screen)."""
        store = self.store
        self._busy_before = (store.lock_wait_s, store.on_lock_wait)
        store.lock_wait_s, store.on_lock_wait = UI_LOCK_WAIT_S, None

    def unguard_store(self) -> None:
        """Give the store back its waiting as it was (the command that opened it)."""
        before = getattr(self, "_busy_before", None)
        if before is not None:
            self.store.lock_wait_s, self.store.on_lock_wait = before

    async def run_action(self, action: Any, default_namespace: Any = None,
                         namespaces: Any = None) -> bool:
        """Run a key's action; if the project was busy, say so and offer to do it again."""
        store = self.store
        store.last_busy = None
        handled = False
        target = default_namespace if default_namespace is not None else self
        words = _action_words(target, action) if isinstance(action, str) else None
        outer, self._busy_words = getattr(self, "_busy_words", None), words or None
        try:
            handled = await super().run_action(  # type: ignore[misc]
                action, default_namespace, namespaces)
        except ProjectBusy:
            handled = True
        finally:
            self._busy_words = outer
        if store.last_busy is None:
            return handled
        store.last_busy = None
        self.when_busy(words or "your change",
                       lambda: self.run_action(action, default_namespace, namespaces))
        return True

    _busy_words: str | None = None
    """The change being made now, in words (the key's, or the key's that opened the dialog
    answered now): a dialog opened meanwhile says it if the project is busy when it is
    answered ("Your move was not stored", not "Your change")."""

    def push_screen(self, screen: Any, callback: Any = None, wait_for_dismiss: bool = False,
                    **kwargs: Any) -> Any:
        """Push a screen; a dialog's answer that finds the project busy is kept and
        stored once it is free (a memo's text is not lost)."""
        if callback is not None and not isinstance(screen, BusyScreen):
            callback = self._guarded_callback(callback)
        return super().push_screen(  # type: ignore[misc]
            screen, callback, wait_for_dismiss, **kwargs)

    def _guarded_callback(self, callback: Callable[[Any], Any]) -> Callable[[Any], Any]:
        words = self._busy_words or "your change"  # the key that opened the dialog

        async def guarded(result: Any) -> None:
            store = self.store
            store.last_busy = None
            outer, self._busy_words = self._busy_words, words
            try:
                await _call(callback, result)
            except ProjectBusy:
                pass
            finally:
                self._busy_words = outer
            if store.last_busy is not None:
                store.last_busy = None
                self.when_busy(words, lambda: guarded(result))

        return guarded

    def run_guarded(self, change: Callable[[], Any], words: str) -> None:
        """Run a change made outside a key or a dialog (the coder's name on opening)."""
        store = self.store
        store.last_busy = None
        try:
            change()
        except ProjectBusy:
            pass
        if store.last_busy is not None:
            store.last_busy = None
            self.when_busy(words, lambda: self.run_guarded(change, words))

    async def _on_key(self, event: events.Key) -> None:
        """A key while the busy dialog is up, other than its own: kept to be pressed once
        the change is stored (it used to be swallowed without a word). Keys typed in the
        moment the store waited, before the dialog came, arrive here too."""
        top = self.screen  # type: ignore[attr-defined]
        if (isinstance(top, BusyScreen) and not top.answered
                and event.key not in BUSY_SCREEN_KEYS):
            event.stop()
            event.prevent_default()  # not the app's own bindings (App._on_key)
            top.take(event)

    def when_busy(self, words: str, retry: Retry) -> None:
        """Show :class:`BusyScreen` for ``words`` ("your accept"); once the project is
        free, ``retry``, then press the keys typed meanwhile; if the coder gives up, a
        notice that it (and they) were not stored."""
        screen = BusyScreen(self.store, words)

        async def answered(free: bool | None) -> None:
            if free:
                await _call(retry)
                self._press_typed(screen.typed)
            else:
                self.notify(  # type: ignore[attr-defined]
                    screen.not_stored(), severity="warning", timeout=8, markup=False)

        self.push_screen(screen, answered)

    def _press_typed(self, typed: list[events.Key]) -> None:
        """Press the keys typed while busy, in order, on the screen now shown; if the
        change just made found the project busy again, its dialog keeps them."""
        if not typed:
            return
        top = self.screen  # type: ignore[attr-defined]
        if isinstance(top, BusyScreen) and not top.answered:
            top.typed[:0] = typed
            top._show()
            return
        pressed = [events.Key(key.key, key.character) for key in typed]
        self._in_flight = [*(self._in_flight or ()), *pressed]
        for key in pressed:
            self.post_message(key)  # type: ignore[attr-defined]

    _in_flight: list[events.Key] | None = None
    """The keys typed while busy, pressed again and not yet taken in; a key the coder
    types meanwhile goes behind them (:meth:`on_event`)."""

    async def on_event(self, event: events.Event) -> None:
        """A key typed while the change was being stored (after the dialog closed, before
        the keys typed in it were pressed again) is pressed after them, not before."""
        flight = self._in_flight
        if flight is not None and isinstance(event, events.Key) and not event.is_forwarded:
            mine = next((k for k, key in enumerate(flight) if key is event), None)
            if mine is None:  # the coder's: behind the keys typed before it
                again = events.Key(event.key, event.character)
                flight.append(again)
                self.post_message(again)  # type: ignore[attr-defined]
                return
            del flight[mine]
            if not flight:
                self._in_flight = None
        await super().on_event(event)  # type: ignore[misc]
