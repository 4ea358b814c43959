"""Validate one pattern body: a phrase, a regular expression, token specs or a dependency tree.

Token patterns are checked by our own rules first (attribute names, operators,
regular expressions inside ``REGEX``, YAML's unquoted ``no`` read as false, a value
spaCy splits into several tokens, a ``LOWER`` value with capitals, a ``LEMMA`` the
lookup lemmatizer never gives) for clear messages, and then by spaCy's own schema
(:func:`spacy.schemas.validate_token_pattern`) and a ``Matcher`` with
``validate=True`` to catch anything our rules miss. Problems go to a
:class:`~qualcoder_ahp.suggest.checker.Checker` with the pattern's line; the YAML
codebook (:mod:`~qualcoder_ahp.suggest.codebook`) and pattern JSONL
(:mod:`~qualcoder_ahp.suggest.pattern_files`) readers call :func:`check_body`.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from qualcoder_ahp.errors import closest
from qualcoder_ahp.suggest.checker import Checker
from qualcoder_ahp.suggest.sre_tree import IGNORECASE, _sre_compile, _sre_parse, keep_tree

OPERATOR = re.compile(r"^(?:[!?+*]|\{\d+\}|\{\d+,\d*\}|\{\d*,\d+\})$")

# Token attributes spaCy's Matcher understands (see spacy.schemas.TokenPattern).
TOKEN_ATTRS = {
    "ORTH", "TEXT", "NORM", "LOWER", "LEMMA", "SHAPE", "PREFIX", "SUFFIX", "LENGTH",
    "POS", "TAG", "MORPH", "DEP", "ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID", "SENT_START",
    "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT",
    "IS_SPACE", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY",
    "IS_STOP", "IS_SENT_START", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "SPACY", "OP", "_",
}
# Attributes whose values are text: a YAML ``no``, ``off`` or ``2019`` left unquoted is not.
TEXT_ATTRS = {"ORTH", "TEXT", "NORM", "LOWER", "LEMMA", "SHAPE", "PREFIX", "SUFFIX", "POS",
              "TAG", "MORPH", "DEP", "ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID"}
# Attributes compared with one token's text: a value spaCy splits into several never matches.
ONE_TOKEN_ATTRS = {"ORTH", "TEXT", "NORM", "LOWER"}
UNQUOTED = ("YAML reads unquoted yes, no, on, off, true and false as true or false, and "
            "digits as a number")
# Attributes only a trained pipeline sets; with blank("en") they never match.
TRAINED_ATTRS = {"POS", "TAG", "MORPH", "DEP", "ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID"}
PREDICATES = {"REGEX", "IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS", "FUZZY",
              "==", "!=", ">=", "<=", ">", "<"}
PREDICATES_FUZZY = re.compile(r"^FUZZY\d?$")
# Predicates whose argument is a list of values (an `IN: fell` slip is a common one).
LIST_PREDICATES = {"IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS"}
NUMBER_PREDICATES = {"==", "!=", ">=", "<=", ">", "<"}


def _compile_checked(body: str) -> tuple[re.Pattern[str], bool]:
    """Compile a regex (raising ``re.error``) and say whether every match of it is empty.

    A pattern made only of lookarounds and anchors matches no text; the engine keeps only
    matches that cover some text (a suggestion needs a span), so such a pattern, or
    exclusion, would silently do nothing. One parse serves both answers: parsing is most
    of the cost of checking a codebook of hundreds of regexes, so the tree goes on to
    the prefilter's analysis of the pattern when the codebook is loaded
    (:func:`~.sre_tree.keep_tree`). Flags are a plain int (:data:`~.sre_tree.IGNORECASE`).
    """
    if _sre_parse is None:  # pragma: no cover - another Python: compile, skip the width check
        return re.compile(body, re.IGNORECASE), False
    tree = _sre_parse.parse(body, IGNORECASE)
    empty = tree.getwidth()[1] == 0
    compiled = _sre_compile.compile(tree, IGNORECASE)
    keep_tree(body, tree)
    return compiled, empty


_ESCAPES = {"\b": "\\b", "\a": "\\a", "\f": "\\f", "\v": "\\v", "\x1b": "\\e",
            "\x00": "\\0"}


def _escape_slip(regex: str) -> str:
    """What a regex typed in double quotes became, when YAML or JSON read its backslash.

    ``"\bnot tired\b"`` in double quotes is a backspace, "not tired", a backspace: a
    regex no transcript ever matches, and no error from Python. ``""`` when the regex
    holds no such control character (a tab or line break may be meant).
    """
    found = [c for c in dict.fromkeys(regex) if c in _ESCAPES]
    if not found:
        return ""
    meant = regex
    for char in found:
        meant = meant.replace(char, _ESCAPES[char])
    names = ", ".join(_ESCAPES[c] for c in found)
    return (f"holds a control character where {names} was typed: in double quotes YAML and "
            "JSON read a backslash as an escape (\\b is a backspace, not a word boundary), "
            "so it never matches; in YAML put the regex in single quotes, "
            f"'{meant}', or double each backslash")


def check_body(ck: Checker, kind: str, body: Any, line: int, what: str) -> None:
    """Validate one pattern body of the given kind, recording problems on ``ck``."""
    if kind == "phrase":
        if isinstance(body, (bool, int, float)):
            ck.error(line, what, f"`phrase` is {body!r}, not text ({UNQUOTED}): put the "
                     "phrase in quotes")
        elif isinstance(body, list):
            words = [str(b).lower() for b in body if str(b).strip()]
            # One word each: the IN form is one pattern (several words: one pattern each).
            one = (' (tokens: [{LOWER: {IN: ' + json.dumps(words, ensure_ascii=False)
                   + '}}])' if words and all(len(w.split()) == 1 for w in words) else "")
            ck.error(line, what, f"`phrase` is a list of {len(body)}; one phrase per "
                     f"pattern: give each its own pattern, or use tokens with IN{one}")
        elif not isinstance(body, str) or not body.strip():
            ck.error(line, what, "`phrase` must be a non-empty string")
        elif body != body.lower():
            _phrase_case(ck, body, line, what)
    elif kind == "regex":
        if not isinstance(body, str) or not body:
            ck.error(line, what, "`regex` must be a non-empty string")
            return
        slip = _escape_slip(body)
        if slip:
            ck.error(line, what, f"the regex {slip}")
            return
        try:
            compiled, matches_no_text = _compile_checked(body)
        except (re.error, RecursionError, OverflowError) as exc:
            ck.error(line, what, f"bad regex: {exc}")
            return
        for curly, plain, both in (("\u2019", "'", "['\u2019]"), ("\u201c", '"', '["\u201c]'),
                                   ("\u201d", '"', '["\u201d]')):
            escaped = (f"\\x{ord(plain):02x}", f"\\u{ord(plain):04x}")  # \x22 is "
            if curly in body and plain not in body and not any(
                    e in body.lower() for e in escaped):
                # A codebook typed in a word processor; transcripts often have straight ones.
                ck.warn(line, what, f"the regex has {curly} but not {plain}, so it misses "
                        f"text typed with {plain}: write {both} for either")
                break
        if "  " in body or "\t" in body:
            # Every pattern reads the text with each run of spaces or tabs as one space.
            ck.warn(line, what, "the regex has two spaces in a row (or a tab), which never "
                    "match: patterns read the text with each run of spaces as one space; "
                    "write one space (or \\s+)")
        if compiled.match(""):
            ck.error(line, what, "regex matches the empty string (it would match everywhere)")
        elif matches_no_text:
            ck.error(line, what, "regex only looks around (lookaheads, lookbehinds, anchors) and "
                                 "matches no text, so it never fires; end it with text to match, "
                                 "such as `.+`")
    elif kind == "token":
        _check_tokens(ck, body, line, what)
    elif kind == "dependency":
        _check_dependency(ck, body, line, what)


def _phrase_case(ck: Checker, phrase: str, line: int, what: str) -> None:
    """Warn of a phrase that capitals make spaCy split otherwise than the same words
    in lower case: a phrase matches in any case, word by word, but ``CAN'T AFFORD`` is
    the words ``can't`` and ``afford`` while a transcript's "can't afford" is ``ca``,
    ``n't`` and ``afford``, so it never matches."""
    typed = [t.lower() for t in _tokens_of(phrase)]
    lower = list(_tokens_of(phrase.lower()))
    if typed != lower:
        ck.warn(line, what, f"the phrase {phrase!r} in capitals is split by spaCy into "
                f"{', '.join(repr(t) for t in typed)}, but the same words in lower case into "
                f"{', '.join(repr(t) for t in lower)}, so it misses them: write it in lower "
                f"case, {phrase.lower()!r} (a phrase matches in any case)")


def _check_tokens(ck: Checker, body: Any, line: int, what: str) -> None:
    if isinstance(body, dict) and body:
        # {LOWER: shattered} for [{LOWER: shattered}]: one token, not yet a list of them.
        ck.error(line, what, "a token pattern is a list of token specs; this is one token "
                 "spec: put it in brackets, [{...}]")
        return
    if isinstance(body, str) and body.strip():
        text = body.strip()
        ck.error(line, what, "`tokens` is text in quotes, not a list of token specs: take the "
                 "quotes away from around the [...]" if text.startswith("[") else
                 f"`tokens` must be a non-empty list of token specs, not the text {text!r}: "
                 "write tokens: "
                 "[" + ", ".join(f"{{LOWER: {w.lower()}}}" for w in text.split()) + "], or "
                 f"phrase: {text}")
        return
    if not isinstance(body, list) or not body:
        ck.error(line, what, "`tokens` must be a non-empty list of token specs")
        return
    own_errors = len(ck.errors)
    for i, token in enumerate(body):
        tline = ck.line(token) or line
        if not isinstance(token, dict):
            ck.error(tline, what, f"token {i}: must be a mapping like {{LOWER: word}}")
            continue
        ck.duplicate_keys(token, what)
        for attr, value in token.items():
            name = str(attr).upper()
            if name not in TOKEN_ATTRS:
                close = closest(name, TOKEN_ATTRS)
                ck.error(tline, what, f"token {i}: unknown token attribute {attr!r}"
                         + (f" (did you mean {close}?)" if close else ""))
                continue
            if name == "OP":
                if not isinstance(value, str) or not OPERATOR.match(value):
                    ck.error(tline, what, f"token {i}: bad operator OP {value!r} "
                             "(use !, ?, +, *, {n}, {n,m}, {n,} or {,m})")
                continue
            if name in TRAINED_ATTRS and not ck.has_pipeline:
                ck.warn(tline, what, f"token {i}: {name} needs a trained pipeline; with "
                        "blank('en') it never matches")
            shape = _value_shape(name, value)
            if shape:
                ck.error(tline, what, f"token {i}: {shape}")
                continue
            if name in TEXT_ATTRS:
                _check_text_value(ck, tline, what, i, name, value)
            if isinstance(value, dict):
                for pred, arg in value.items():
                    pname = str(pred).upper()
                    if pname not in PREDICATES and not PREDICATES_FUZZY.match(pname):
                        ck.error(tline, what, f"token {i}: unknown predicate {pred!r} on {name}")
                    elif pname == "REGEX":
                        slip = _escape_slip(str(arg))
                        if slip:
                            ck.error(tline, what, f"token {i}: {name}.REGEX {slip}")
                            continue
                        try:
                            re.compile(str(arg))
                        except re.error as exc:
                            ck.error(tline, what, f"token {i}: bad regex in {name}.REGEX: {exc}")
    if len(ck.errors) > own_errors:
        return
    # Our rules passed: let spaCy's own schema and Matcher have the last word.
    from spacy.schemas import validate_token_pattern

    problems = validate_token_pattern(body)
    if problems:
        # A union-typed field yields one problem per alternative: one line for all.
        ck.error(line, what, "spaCy: " + "; ".join(_plain_schema(problems)))
    if len(ck.errors) > own_errors:
        return
    try:
        from spacy.matcher import Matcher

        Matcher(_blank_vocab(), validate=True).add("check", [body])
    except Exception as exc:  # spaCy raises MatchPatternError, ValueError or KeyError
        ck.error(line, what, f"spaCy refuses the pattern: {str(exc).splitlines()[0]}")


def _value_shape(name: str, value: Any) -> str | None:
    """What is wrong with the shape of a token attribute's value, in our words.

    spaCy's schema said it in its own terms (``[pattern -> 0 -> LOWER ->
    TokenPatternString -> IN] Input should be a valid list; ...``), and a list given as
    a REGEX was compiled here as the text of the list.
    """
    if name in TEXT_ATTRS:
        if isinstance(value, list):
            return (f"{name} is a list: for any one of several words write "
                    f"{{{name}: {{IN: [{', '.join(map(str, value))}]}}}}")
        for pred, arg in (value.items() if isinstance(value, dict) else ()):
            pname = str(pred).upper()
            if pname in LIST_PREDICATES and not isinstance(arg, list):
                return (f"{name}.{pname} must be a list, even of one word: "
                        f"{{{name}: {{{pname}: [{arg}]}}}}")
            if pname == "REGEX" and not isinstance(arg, str):
                return (f"{name}.REGEX must be one regular expression in quotes, not "
                        f"{type(arg).__name__ if not isinstance(arg, list) else 'a list'}")
        return None
    if name == "LENGTH":
        def whole(v: Any) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)
        args = value.items() if isinstance(value, dict) else [("==", value)]
        for pred, arg in args:
            pname = str(pred).upper()
            good = (all(whole(v) for v in arg) if isinstance(arg, list)
                    and pname in LIST_PREDICATES else whole(arg))
            if not good:
                return (f"LENGTH is a number of characters: {{LENGTH: 5}} or "
                        f"{{LENGTH: {{\">=\": 5}}}}, not {arg!r}")
        return None
    if name.startswith(("IS_", "LIKE_")) or name in {"SPACY", "SENT_START"}:
        if not isinstance(value, bool):
            return f"{name} must be true or false, not {value!r}"
    return None


_SCHEMA_PATH = re.compile(r"^\[pattern -> (\d+) -> ([^\]]*?)\] (.*)$")


def _plain_schema(problems: list[str]) -> list[str]:
    """spaCy's schema problems with its inner type names left out, once each:
    ``token 0: LENGTH: input should be a valid integer``."""
    out: list[str] = []
    for problem in problems:
        found = _SCHEMA_PATH.match(problem)
        if found:
            path = [part for part in found.group(2).split(" -> ")
                    if not part.startswith("TokenPattern") and part not in ("str", "int",
                                                                             "float", "bool")]
            problem = f"token {found.group(1)}: {'.'.join(path)}: {found.group(3)[:1].lower()}"\
                      f"{found.group(3)[1:]}"
        if problem not in out:
            out.append(problem)
    return out


_STRAIGHT = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _check_text_value(ck: Checker, line: int, what: str, i: int, name: str,
                      value: Any) -> None:
    """A text attribute's value: text (an unquoted ``no`` is false), and for ORTH, LOWER...
    one token as spaCy splits words (``couldn't`` is two, ``could`` and ``n't``)."""
    values = value.get("IN", value.get("in")) if isinstance(value, dict) else [value]
    if isinstance(value, dict) and not isinstance(values, list):
        return  # another predicate, or a bad IN: the rules below and spaCy's schema say
    wrong = [v for v in values if isinstance(v, (bool, int, float))]
    if wrong:
        word = "no" if isinstance(wrong[0], bool) else str(wrong[0])
        ck.error(line, what, f"token {i}: {name} {'value ' if len(values) > 1 else ''}is "
                 f"{wrong[0]!r}, not text ({UNQUOTED}): put the word in quotes, e.g. "
                 f"{{{name}: \"{word}\"}}")
        return
    if not values:
        return
    texts = [v for v in values if isinstance(v, str)]
    for v in texts:
        plain = v.translate(_STRAIGHT)
        if plain != v and plain not in texts:
            ck.warn(line, what, f"token {i}: {name} {v!r} has a curly quote, so it misses "
                    f"text typed with straight ones: list both, {{{name}: {{IN: "
                    f"[{json.dumps(v, ensure_ascii=False)}, {json.dumps(plain)}]}}}}")
            break
    if name == "LOWER":
        _capitals(ck, line, what, i, texts)
    elif name == "LEMMA" and not ck.has_pipeline:
        _never_lemmas(ck, line, what, i, texts)
    if name not in ONE_TOKEN_ATTRS and name != "LEMMA":
        return
    split = [(v, parts) for v in values if isinstance(v, str)
             for parts in [_tokens_of(v) if name != "LEMMA" else tuple(v.split())]
             if len(parts) > 1]
    if split and len(split) == len(values):  # every value: the token can never match
        v, parts = split[0]
        ck.warn(line, what, f"token {i}: {name} {v!r} is {len(parts)} tokens to spaCy "
                f"({', '.join(repr(p) for p in parts)}), so it never matches one token: give "
                "each part its own token spec")
    elif spaced := [v for v, _ in split if len(v.split()) > 1]:
        # `{IN: [tired, "worn out"]}`: "worn out" is dead, though the token matches tired.
        ck.warn(line, what, f"token {i}: {name} {', '.join(repr(v) for v in spaced)} "
                f"{'is several words' if len(spaced) == 1 else 'are several words each'}, "
                "and a token is one word, so it never matches: give each its own pattern "
                "(a phrase, or a token spec per word)")


def _capitals(ck: Checker, line: int, what: str, i: int, texts: list[str]) -> None:
    """Warn of a LOWER value with capitals: LOWER is the word in lower case, so
    ``{LOWER: Tired}`` never matches (not even "Tired" at the start of a sentence)."""
    upper = [v for v in texts if v != v.lower()]
    if not upper:
        return
    shown = ", ".join(repr(v) for v in upper)
    fixed = ", ".join(repr(v.lower()) for v in upper)
    ck.warn(line, what, f"token {i}: LOWER {shown} {'has' if len(upper) == 1 else 'have'} "
            "capitals, and LOWER is the word in lower case, so "
            f"{'it never matches' if len(upper) == 1 else 'they never match'}: write {fixed} "
            "(it matches any case)")


def _never_lemmas(ck: Checker, line: int, what: str, i: int, texts: list[str]) -> None:
    """Warn of a LEMMA value the lookup lemmatizer never gives: ``{LEMMA: planned}``
    never matches, because the lemma of "planned" is "plan" (and no word has "planned"
    as its lemma); the fix is the lemma, which matches every form. A value whose lemma
    the same ``IN`` list has is left alone: the word is matched all the same."""
    lookup = _lemma_lookup()
    if lookup is None:
        return
    table, forms = lookup
    # `{IN: [lose, lost]}`: 'lost' is never a lemma, but 'lose' matches it: no harm done.
    never = [(v, _one(table[v])) for v in texts
             if v in table and _one(table[v]) != v and v not in forms
             and _one(table[v]) not in texts]
    if not never:
        return
    if len(never) == 1:
        value, lemma = never[0]
        every = [lemma, *sorted(w for w in forms.get(lemma, ()) if w != lemma)]
        shown = ", ".join(every[:6]) + (", ..." if len(every) > 6 else "")
        ck.warn(line, what, f"token {i}: LEMMA {value!r} is not a lemma: the lemma of "
                f"{value!r} is {lemma!r}, so this never matches; write {{LEMMA: {lemma}}}, "
                f"which matches {shown}")
        return
    shown = ", ".join(f"{value!r} (lemma {lemma!r})" for value, lemma in never)
    ck.warn(line, what, f"token {i}: LEMMA values {shown} are not lemmas, so they never "
            "match: write the lemmas, which match every form of the word")


def _one(lemma: Any) -> str:
    """A lookup table's lemma (a few tables give a list: the first, as the engine takes)."""
    return lemma if isinstance(lemma, str) else str(lemma[0])


@functools.lru_cache(maxsize=1)
def _lemma_lookup() -> tuple[dict[str, Any], dict[str, list[str]]] | None:
    """The lookup lemmatizer's table (word -> lemma) that the engine's blank("en")
    pipeline uses (:class:`~qualcoder_ahp.suggest.pipeline.Pipeline`), read from
    spacy-lookups-data as the words themselves, and each lemma's words; None when the
    data is not installed (the engine then has no lemmas either).

    Read straight from the package's file (a twentieth of a second), not through
    ``spacy.lookups``, which hashes every key and costs half a second.
    """
    try:
        from spacy.util import load_language_data, registry

        table = dict(load_language_data(registry.lookups.get("en")["lemma_lookup"]))
    except Exception:  # noqa: BLE001 - no lookups data: no LEMMA check, as no lemmas
        return None
    forms: dict[str, list[str]] = {}
    for word, lemma in table.items():
        forms.setdefault(_one(lemma), []).append(word)
    return table, forms


@functools.lru_cache(maxsize=65536)
def _tokens_of(text: str) -> tuple[str, ...]:
    """How blank('en')'s tokenizer splits a text (as the engine tokenises transcripts)."""
    nlp = _blank_nlp()
    if text.isalpha() and text not in _special_cases(nlp):
        return (text,)  # most values: a plain word, one token (no need to tokenise)
    return tuple(t.text for t in nlp.make_doc(text))


@functools.lru_cache(maxsize=1)
def _special_cases(nlp: Any) -> frozenset[str]:
    """The tokenizer's exceptions (``cannot`` is ``can`` + ``not``), the plain words it splits."""
    return frozenset(nlp.tokenizer.rules or ())


def _check_dependency(ck: Checker, body: Any, line: int, what: str) -> None:
    if not isinstance(body, list) or not body or not all(isinstance(n, dict) for n in body):
        ck.error(line, what, "`dependency` must be a non-empty list of DependencyMatcher nodes")
        return
    try:
        from spacy.matcher import DependencyMatcher

        DependencyMatcher(_blank_vocab(), validate=True).add("check", [body])
    except Exception as exc:
        ck.error(line, what, f"spaCy refuses the dependency pattern: {str(exc).splitlines()[0]}")


_NLP: list[Any] = []


def _blank_nlp() -> Any:
    if not _NLP:
        import spacy

        _NLP.append(spacy.blank("en"))
    return _NLP[0]


def _blank_vocab() -> Any:
    return _blank_nlp().vocab
