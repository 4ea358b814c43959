"""The docs name only commands, options and keys that exist.

A researcher copies `qcahp X --opt` from a page; a renamed or removed option then fails
with click's "No such option". The workbench's key table is how a coder learns a screen;
a binding missing from it is a key nobody finds (the framework matrix's `c` was).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from qualcoder_ahp.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROMPT = re.compile(r"^\s*\$ (?:[A-Z_]+=\S+ )*(qcahp .*)$", re.M)
INLINE = re.compile(r"`(qcahp [^`]+)`")


def _commands(text: str):
    for pattern in (PROMPT, INLINE):
        for match in pattern.finditer(text):
            yield match.group(1)


def _options(params) -> dict[str, click.Option]:
    return {name: p for p in params if isinstance(p, click.Option)
            for name in (*p.opts, *p.secondary_opts)}


def _problem(line: str) -> str | None:
    """What is wrong with one `qcahp ...` line as a page shows it, or None."""
    line = re.split(r" \| | > | 2> | && | ; |\s#", line.replace("\\|", "|"))[0]
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    words = [w.strip("[]") for w in words[1:]]
    command: click.Command = cli
    options = _options(cli.params)
    path: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if not word or word in ("|", "...", "…"):
            continue
        if word.startswith("--") or re.fullmatch(r"-[a-zA-Z]", word):
            for name in word.split("=")[0].split("/"):
                if name and name != "--help" and name not in options:
                    return f"qcahp {' '.join(path)} has no option {name}"
            option = options.get(word.split("=")[0].split("/")[0])
            if option is not None and not option.is_flag and not option.count \
                    and "=" not in word:
                i += 1  # its value
            continue
        if isinstance(command, click.Group):
            sub = command.commands.get(word)
            if sub is None and command is not cli \
                    and getattr(command, "default_cmd_name", None):
                sub = command.commands[command.default_cmd_name]
                i -= 1  # the word is the default command's argument
            if sub is None:
                if word.isupper() or not re.fullmatch(r"[a-z][a-z-]*", word):
                    return None  # a placeholder such as COMMAND
                return f"qcahp {' '.join([*path, word])} is no command"
            command = sub
            path.append(sub.name)
            options.update(_options(sub.params))
    return None


def test_problem_finds_a_renamed_option_and_command():
    assert _problem("qcahp reconcile --consensus NAME") is not None
    assert _problem("qcahp reconcile decide --consensus NAME") is None
    assert _problem("qcahp counts --coder ana --theme serendipity") is None
    assert _problem("qcahp count --coder ana") is not None
    assert _problem("qcahp framework --coder ana --cells both") is None  # default command
    assert _problem("qcahp --db x.db quotes --themes x") is not None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_and_option_in_the_docs_exists(page):
    problems = sorted({f"{c!r}: {p}" for c in _commands(page.read_text(encoding="utf-8"))
                       if (p := _problem(c))})
    assert not problems, "\n".join(problems)


# How docs/workbench.md's key table writes Textual's key names.
SHOWN = {"escape": ("Esc", "esc", "Escape"), "enter": ("Enter",), "tab": ("Tab",),
         "down": ("↓",), "up": ("↑",), "left": ("←",), "right": ("→",),
         "pagedown": ("PgDn",), "pageup": ("PgUp",), "home": ("Home",), "end": ("End",),
         "comma": (",",), "colon": (":",), "slash": ("/",), "question_mark": ("?",), "f1": ("F1",)}
# Each screen, by the word its rows of the key table use.
SCREENS = {
    "coding": "qualcoder_ahp.tui.screens.coding:CodingScreen",
    "codebook": "qualcoder_ahp.tui.screens.codebook:CodebookScreen",
    "transcripts": "qualcoder_ahp.tui.screens.transcripts:TranscriptsScreen",
    "reconcile": "qualcoder_ahp.tui.screens.reconcile:ReconcileScreen",
    "passages": "qualcoder_ahp.tui.screens.passages:PassagesScreen",
    "search": "qualcoder_ahp.tui.screens.search:SearchScreen",
    "counts": "qualcoder_ahp.tui.screens.counts:CountsScreen",
    "framework": "qualcoder_ahp.tui.screens.framework:FrameworkScreen",
    "patterns": "qualcoder_ahp.tui.screens.patterns:PatternsScreen",
    "key words": "qualcoder_ahp.tui.screens.keywords:KeywordsScreen",
    "a pattern's suggestions":
        "qualcoder_ahp.tui.screens.pattern_suggestions:PatternSuggestionsScreen",
    "all": "qualcoder_ahp.tui.app:WorkbenchApp",
}


def _key_table() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "workbench.md").read_text(encoding="utf-8")
    table = text[text.index("### Keys"):]
    rows = []
    for line in table.splitlines()[4:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append((cells[0], cells[1]))
    return rows


def test_every_screen_binding_is_in_the_key_table():
    import importlib

    rows = _key_table()
    missing = []
    for word, where in SCREENS.items():
        module, name = where.split(":")
        cls = getattr(importlib.import_module(module), name)
        screen_rows = [keys for keys, screens in rows
                       if word in [s.strip() for s in screens.split(",")]
                       or (word != "all" and "all" in [s.strip() for s in screens.split(",")])]
        shown = " ".join(screen_rows)
        for binding in cls.BINDINGS:
            key = binding.key if hasattr(binding, "key") else binding[0]
            if key == "escape" and word != "coding":
                continue  # Escape goes back on every screen: said once, not per screen
            forms = SHOWN.get(key, (key,))
            if key.isdigit():
                forms = (key, "1`–`9")
            if not any(f"`{form}`" in shown for form in forms):
                missing.append(f"{word}: {key}")
    assert not missing, "\n".join(missing)


def test_the_newer_schema_refusals_shown_name_todays_schema():
    # The pages showed "version 9 ... understands (8)" after m009 made it 9.
    from qualcoder_ahp.model.migrations import known_count

    now = known_count()
    shown = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        shown += re.findall(r"schema version (\d+) is newer than this qualcoder_ahp "
                            r"understands \((\d+)\)", text)
        shown += re.findall(r"schema version (\d+); this one knows (\d+)", text)
    assert shown
    assert all((int(newer), int(known)) == (now + 1, now) for newer, known in shown), shown
