"""Static checks of ``allow_origin_regex``: refuse super-linear backtracking and dead regexes.

Python's ``re`` is a backtracking matcher: ``https://(\\w+-?)+\\.example\\.com`` costs
about 18 seconds of CPU for one 37-byte ``Origin`` an attacker chooses. This project may
not depend on a linear-time engine, so every configured regex is checked once, at
construction, and refused (with the fix) unless its worst case is provably at most
quadratic in the length of the ``Origin`` it is matched against.

Why "at most quadratic" is enough (``MAX_ORIGIN_FOR_REGEX``)
------------------------------------------------------------
Regexes only ever see request ``Origin`` values that already parsed as a browser
serialisation, ``scheme://host[:port]`` in lowercase ASCII, matched with ``fullmatch``
(one start position). A DNS host has at most 253 characters, so such a value has at
most about 280; the engine refuses anything longer than :data:`MAX_ORIGIN_FOR_REGEX`
(320, its ``MAX_ORIGIN_LENGTH``) by length, before any regex runs. At that length a
quadratic worst case is about 50,000 backtracking steps, well under a millisecond; a
cubic one is already millions of steps (tens of milliseconds to seconds) and an
exponential one never ends.

How it is decided
-----------------
The regex is parsed with the parser ``re`` compiles from (:mod:`._syntax`, which also
names the two alphabets origin and path regexes are read over); the tree becomes a
position automaton whose degree of ambiguity bounds the backtracking cost
(:mod:`._ambiguity`, which states the criteria and the conservative simplifications). This
module turns the analysis into refusals, each with its fix.

A second check refuses origin regexes that can never match an ``Origin`` a browser
sends: every match has a path or a trailing ``/``, needs uppercase letters, whitespace,
has no ``scheme://``, or is longer than :data:`MAX_ORIGIN_FOR_REGEX`. Those are
configuration mistakes that otherwise fail silently.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import cache
from typing import Final

from cors_core._regex._ambiguity import (
    _Analysis,
    _Automaton,
    _Budget,
    _Builder,
    _captures,
    _has_loop,
    _is_loop,
    _is_simple,
    _TooBigError,
    _walk,
)
from cors_core._regex._syntax import (
    _ALL,
    _SPECIAL,
    _WORD,
    _Alt,
    _Anchor,
    _Backref,
    _bits,
    _Char,
    _esc,
    _Group,
    _Look,
    _Node,
    _ParserError,
    _render,
    _Repeat,
    _Seq,
    _tree,
)

__all__ = ["MAX_ORIGIN_FOR_REGEX", "literal_affixes", "regex_problems"]

#: Longest ``Origin`` value a regex may be matched against (see the module docstring):
#: ``scheme://`` + a 253-character host + ``:65535``, with room for long extension schemes.
#: The engine's ``MAX_ORIGIN_LENGTH`` must not exceed it (a test checks).
MAX_ORIGIN_FOR_REGEX: Final = 320


_NESTED_FIX: Final = (
    r"rewrite without nested or adjacent overlapping quantifiers (e.g. [a-z0-9-]+ instead of "
    r"(\w+-?)+)"
)
_CHAIN_FIX: Final = (
    "rewrite without nested or adjacent overlapping quantifiers: merge the repeats into one, "
    r"or separate them with a character they cannot match (e.g. [a-z0-9-]+\.[a-z0-9-]+ "
    "instead of .*.*)"
)


# ---------------------------------------------------------------------- the diagnosis


def _culprit(auto: _Automaton, positions: Iterable[int]) -> _Repeat | None:
    """The innermost repeat around all these positions."""
    stacks = [auto.loops_of[p] for p in positions]
    if not stacks:
        return None
    common = 0
    while all(len(s) > common and s[common] == stacks[0][common] for s in stacks):
        common += 1
    return auto.repeats[stacks[0][common - 1]] if common else None


def _innermost_exponential(tree: _Seq) -> _Repeat | None:
    for node in _walk(tree):
        if isinstance(node, _Repeat) and _is_loop(node):
            auto = _Builder().build(_Seq((node,)))
            if _Analysis.of(auto).exponential(_Budget()) is not None:
                return node
    return None


def _flat_class(node: _Repeat, unicode: bool = False) -> str | None:
    """``[\\w-]+`` for ``(\\w+-?)+``: one class holding every character of the body.

    None when no such class is sure to be right: a test in the body matches nothing the
    model has (its part would vanish), or, in the Unicode model, the body can match a
    non-ASCII character (its mask then only approximates it).
    """
    mask = 0
    for item in _walk(node.body):
        if isinstance(item, _Anchor | _Look | _Backref):
            return None
        if isinstance(item, _Char):
            if not item.mask:
                return None
            mask |= item.mask
    text = _class_text(mask, unicode)
    return None if text is None else text + ("*" if node.lo == 0 else "+")


def _class_text(mask: int, unicode: bool = False) -> str | None:
    """A short class for ``mask`` (``\\w``, ``[a-z0-9-]``, ``.``), or None if none is short.

    With ``unicode``, where ``\\w`` and ``.`` also match non-ASCII characters, only masks
    of ASCII characters are written, and without those shorthands.
    """
    if mask >> 128:
        return None  # non-ASCII bits only approximate the characters they stand for
    if not unicode and mask in (_ALL, _ALL & ~_bits([10])):
        return "."
    if mask and mask & (mask - 1) == 0:
        return _esc(mask.bit_length() - 1)
    pieces: list[str] = []
    if not unicode and mask & _WORD == _WORD:
        pieces.append(r"\w")
        mask &= ~_WORD
    dash = bool(mask & _bits([45]))
    mask &= ~_bits([45])
    ch = 0
    while ch < 128:
        if not mask >> ch & 1:
            ch += 1
            continue
        end = ch
        while end + 1 < 128 and mask >> (end + 1) & 1:
            end += 1
        if end - ch >= 2:
            pieces.append(f"{_esc(ch, True)}-{_esc(end, True)}")
        else:
            pieces.extend(_esc(c, True) for c in range(ch, end + 1))
        ch = end + 1
    if dash:
        pieces.append("-")
    if not pieces or len(pieces) > 8:
        return None
    return pieces[0] if pieces == [r"\w"] else "[" + "".join(pieces) + "]"


def _literals(items: list[_Node]) -> str | None:
    out = []
    for item in items:
        if not isinstance(item, _Char) or item.literal is None:
            return None
        out.append(item.literal)
    return "".join(out)


def literal_affixes(pattern: re.Pattern[str]) -> tuple[str, str]:
    r"""The literal text every full match of ``pattern`` starts with, and ends with.

    A cheap screen before the regex runs: an origin that does not start with the prefix
    or end with the suffix cannot ``fullmatch``. ``""`` where the pattern does not begin
    (end) with plain case-sensitive ASCII literals.

    >>> literal_affixes(re.compile(r"https://[a-z0-9-]+\.example\.com"))
    ('https://', '.example.com')
    >>> literal_affixes(re.compile(r"(?i)https://a\.com")), literal_affixes(re.compile("a|b"))
    (('', ''), ('', ''))
    """
    try:
        items = _flatten(_tree(pattern.pattern, pattern.flags).items)
    except (_ParserError, re.error):
        return "", ""
    return _literal_run(items), _literal_run(items[::-1])[::-1]


def _literal_run(items: Iterable[_Node]) -> str:
    """The plain ASCII literals at the start of ``items`` (each matching one character)."""
    out = []
    for item in items:
        if not isinstance(item, _Char) or item.literal is None:
            break
        if not (0 < ord(item.literal) < 128) or item.mask != 1 << ord(item.literal):
            break  # case-folded or not ASCII: not one fixed character
        out.append(item.literal)
    return "".join(out)


def _flatten(items: Iterable[_Node]) -> list[_Node]:
    out: list[_Node] = []
    for item in items:
        if isinstance(item, _Group) and item.prefix != "(?>":
            out.extend(_flatten(item.body.items))
        else:
            out.append(item)
    return out


def _is_optional_s(item: _Node) -> bool:
    if isinstance(item, _Repeat) and (item.lo, item.hi) == (0, 1):
        return _literals(_flatten(item.body.items)) == "s"
    if isinstance(item, _Alt) and len(item.branches) == 2:
        texts = [_literals(_flatten(b.items)) for b in item.branches]  # None: not literal
        return sorted(t if t is not None else "?" for t in texts) == ["", "s"]
    return False


_DOMAIN_RE: Final = re.compile(r"\.((?:[a-z0-9-]+\.)+[a-z0-9-]+)(:[0-9]{1,5})?")
_SCHEME_RE: Final = re.compile(r"[a-z][a-z0-9+.-]*")


def _subdomain_pattern(tree: _Seq) -> list[str] | None:
    """``['https://*.example.com']`` when the regex is ``scheme://<something>\\.example\\.com``."""
    items = _flatten(tree.items)
    while items and isinstance(items[0], _Anchor) and items[0].text in ("^", r"\A"):
        items = items[1:]
    while items and isinstance(items[-1], _Anchor) and items[-1].text in ("$", r"\Z"):
        items = items[:-1]
    schemes: list[str] = []
    for i in range(len(items)):
        head = _literals(items[:i])
        if head is None:
            break
        if head.endswith("://") and _SCHEME_RE.fullmatch(head[:-3]):
            schemes, items = [head[:-3]], items[i:]
            break
        if head in ("http", "ws") and i + 4 <= len(items) and _is_optional_s(items[i]):
            if _literals(items[i + 1 : i + 4]) == "://":
                schemes, items = [head, head + "s"], items[i + 4 :]
            break
    if not schemes:
        return None
    for j in range(len(items)):
        tail = _literals(items[j:])
        if tail is None:
            continue
        m = _DOMAIN_RE.fullmatch(tail)
        if m is None or j == 0:
            return None
        return [f"{scheme}://*.{m.group(1)}{m.group(2) or ''}" for scheme in schemes]
    return None


def _rewrite_fix(tree: _Seq, fix: str, linear: bool = False) -> str:
    origins = None if linear else _subdomain_pattern(tree)
    if origins:
        return f"use allow_origins={origins!r}, or {fix}"
    return fix


def _backtracking(tree: _Seq, source: str, linear: bool = False) -> list[tuple[str, str]]:
    """Exponential or super-quadratic backtracking; with ``linear``, quadratic too (for
    subjects of unbounded length, such as a request path, read in the Unicode model)."""

    def rewrite(fix: str) -> str:
        return _rewrite_fix(tree, fix, linear)

    auto = _Builder().build(tree)
    analysis = _Analysis.of(auto)
    budget = _Budget()
    loop = analysis.exponential(budget)
    if loop is not None:
        node = _innermost_exponential(tree) or _culprit(auto, loop)
        if node is None:  # cannot happen: loops only come from repeats
            return [("can backtrack exponentially", rewrite(_NESTED_FIX))]
        text = _render(node)
        shown = text if text in source else f"{text} (as re reads it)"
        nested = _has_loop(node.body)
        how = (
            "nests a repeat inside a repeat, so the same characters can be split between "
            "the iterations in exponentially many ways"
            if nested
            else "repeats alternatives that can match the same characters, so a text can be "
            "matched in exponentially many ways"
        )
        problem = (
            f"can backtrack exponentially: {shown} {how}; a crafted Origin of about 30 "
            "characters then costs seconds of CPU (ReDoS)"
        )
        flat = _flat_class(node, unicode=linear)
        fix = _NESTED_FIX
        if flat and flat != text:
            fix = f"rewrite without nested or adjacent overlapping quantifiers (e.g. {flat} "
            fix += f"instead of {text})"
        return [(problem, rewrite(fix))]
    degree, chain, pairs = analysis.polynomial(budget)
    if linear and degree >= 1:
        problem = (
            f"can backtrack polynomially: the repeats {_listed(auto, analysis, chain or pairs[0])}"
            " follow each other and can match the same characters, so a failing match tries "
            "every way of splitting a long subject between them"
        )
        return [(problem, rewrite(_CHAIN_FIX))]

    def listed(comps: Iterable[int]) -> str:
        names = []
        for ci in comps:
            repeat = _culprit(auto, analysis.comps[ci])
            names.append(_render(repeat) if repeat else "?")
        if len(names) > 4:
            names = [*names[:3], f"{len(names) - 3} more"]
        return ", ".join(names[:-1]) + " and " + names[-1]

    if degree == 1:
        for pair in pairs:
            repeats = [_culprit(auto, analysis.comps[ci]) for ci in pair]
            if all(r is not None and _is_simple(r) for r in repeats):
                continue
            problem = (
                f"can backtrack quadratically through groups: the repeats {listed(pair)} "
                "follow each other and can match the same characters, and at least one "
                "repeats a group, which re backtracks through slowly (tens of milliseconds "
                "for a long Origin); two such repeats are accepted only over single "
                "characters, like .*.* or [a-z]+[a-z0-9]*"
            )
            return [(problem, rewrite(_CHAIN_FIX))]
        # The quadratic cost is only small if nothing multiplies it: refuse other
        # ambiguity (overlapping alternatives or optional parts) in such a regex.
        allowed = {p for pair in pairs for ci in pair for p in analysis.comps[ci]}
        other = analysis.other_ambiguity(allowed, budget)
        if other is not None:
            first, second = (auto.texts[p] for p in other)
            where = first if other[0] == other[1] else f"{first} and {second}"
            pair_text = listed(pairs[0])
            problem = (
                f"can backtrack quadratically with a large constant: the repeats {pair_text} "
                "can split the same characters between them, and elsewhere a text can be "
                f"matched in more than one way (at {where}), which multiplies that cost"
            )
            fix = (
                "make the alternatives and optional parts exclusive (each text matched one "
                f"way only), or merge the repeats {pair_text} into one"
            )
            return [(problem, fix)]
    if degree >= 2:
        problem = (
            f"can backtrack polynomially: the repeats {listed(chain)} follow each other and can "
            "match the same characters, so a failing match tries every way of splitting the "
            f"Origin between them (time grows as its length to the power {degree + 1}); "
            "at most two such repeats in a row are accepted"
        )
        return [(problem, rewrite(_CHAIN_FIX))]
    return []


def _listed(auto: _Automaton, analysis: _Analysis, comps: Iterable[int]) -> str:
    names = []
    for ci in comps:
        repeat = _culprit(auto, analysis.comps[ci])
        names.append(_render(repeat) if repeat else "?")
    return ", ".join(names)


def _empty_loops(tree: _Seq) -> list[tuple[str, str]]:
    """Repeats whose body can match the empty string.

    ``re`` runs the first ``min`` iterations of such a repeat whatever they match, and
    tries the empty ways of matching around every other iteration: nested, these cost
    seconds even on a short input (``((?:\\b){2,})+`` style), whatever the input says.
    """
    for node in _walk(tree):
        if isinstance(node, _Repeat) and _is_loop(node) and _Builder().build(node.body).nullable:
            return [
                (
                    f"repeats a part that can match the empty string ({_render(node)}), "
                    "which re retries in every empty way at every step",
                    "make the repeated part match at least one character (e.g. "
                    "(-[a-z0-9]+)* instead of (-?[a-z0-9]*)*)",
                )
            ]
    return []


def _structural(tree: _Seq, paths: bool = False) -> list[tuple[str, str]]:
    """Constructs with no backtracking bound, each with a fix in terms of what the regex
    matches: an ``Origin``, or a request path when ``paths``."""
    subject = "request path" if paths else "Origin"
    problems: list[tuple[str, str]] = []
    for node in _walk(tree):
        if isinstance(node, _Repeat) and node.suffix == "+" and _captures(node.body):
            problems.append(
                (
                    f"puts a capturing group inside a possessive repeat ({_render(node)}), "
                    "which makes Python 3.11's re raise SystemError on some inputs "
                    f"(CPython issue gh-101955): a crafted {subject} would become a server "
                    "error",
                    "make the group non-capturing, (?:...), or use a plain repeat "
                    "(+ instead of ++)",
                )
            )
        elif isinstance(node, _Backref):
            problems.append(
                (
                    f"uses a backreference ({node.text}), which re can only match by "
                    "backtracking with no bound this check can prove",
                    "remove the backreference (match each part with its own character "
                    "class, e.g. [^/]+ for one path segment)"
                    if paths
                    else "remove the backreference (an origin never needs one)",
                )
            )
        elif isinstance(node, _Look) and node.prefix in ("(?=", "(?!") and _has_loop(node.body):
            problems.append(
                (
                    f"uses a lookahead with a repeat inside ({_render(node)}), which is "
                    "re-run at every position it is tried, with no bound this check "
                    "can prove",
                    "write the regex without it (use a character class, e.g. [^/]+ for "
                    "one path segment, or list the paths)"
                    if paths
                    else "write the regex without it (list the allowed origins, or use a "
                    "character class such as [a-z0-9-]+)",
                )
            )
    return problems


# ---------------------------------------------------- can it match what a browser sends?

_HOST_CHARS: Final = r"[a-z0-9\-._~!$&'()*+,;=`{}\"\[\]:]"
_SHAPES: Final = {  # what a browser sends, then the usual ways of missing it
    "origin": (r"[a-z][a-z0-9+.\-]*://" + _HOST_CHARS + "+", 0),
    "path": (r"[a-z][a-z0-9+.\-]*://" + _HOST_CHARS + r"*/[\x00-\x7f]*", 0),
    "upper": (r"[a-z][a-z0-9+.\-]*://" + _HOST_CHARS + "+", re.IGNORECASE),
    "space": (r"[a-z][a-z0-9+.\-]*://(?:" + _HOST_CHARS + r"|[\s\x00-\x1f\x7f])+", re.I),
    "scheme": (_HOST_CHARS + r"+(?:/[\x00-\x7f]*)?", re.IGNORECASE),
}


@cache
def _shape(name: str) -> _Automaton:
    source, flags = _SHAPES[name]
    return _Builder().build(_tree(source, flags))


def _intersects(a: _Automaton, b: _Automaton) -> bool:
    """Whether some string is accepted by both automata (``-1`` is the start state)."""

    def succ(auto: _Automaton, p: int) -> Iterable[int]:
        return (auto.first if p < 0 else auto.follow[p]).keys()

    def final(auto: _Automaton, p: int) -> bool:
        return auto.nullable > 0 if p < 0 else p in auto.last

    seen = {(-1, -1)}
    todo = [(-1, -1)]
    while todo:
        p, q = todo.pop()
        if final(a, p) and final(b, q):
            return True
        for p2 in succ(a, p):
            for q2 in succ(b, q):
                if a.labels[p2] & b.labels[q2] and (p2, q2) not in seen:
                    seen.add((p2, q2))
                    todo.append((p2, q2))
    return False


def _dead(tree: _Seq, source: str) -> list[tuple[str, str]]:
    auto = _Builder().build(tree)
    if _intersects(auto, _shape("origin")):
        return []
    if _intersects(auto, _shape("path")):
        return [
            (
                "demands a path or a trailing '/' after the host, but an Origin header is "
                "only scheme://host[:port], so it never matches",
                "origins have no path: drop the '/...' part",
            )
        ]
    if _intersects(auto, _shape("upper")):
        return [
            (
                "only matches origins with uppercase letters, but browsers send the scheme "
                "and host in lowercase, so it never matches",
                "write the scheme and host in lowercase",
            )
        ]
    if _intersects(auto, _shape("space")):
        return [
            (
                "only matches values holding whitespace or control characters, which an "
                "Origin header never contains, so it never matches",
                "remove the whitespace (in re.VERBOSE mode, escape spaces you mean)",
            )
        ]
    if _intersects(auto, _shape("scheme")):
        return [
            (
                "has no 'scheme://' part, but an Origin header always starts with one, "
                "so it never matches",
                r"start it with the scheme, e.g. https://app\.example\.com",
            )
        ]
    fix = "compare it with the Origin header the browser sends (its network panel shows it)"
    if not source.isascii():
        fix = "browsers send internationalised hosts in punycode: write the xn--... form"
    return [
        (
            "can never match an Origin a browser sends (lowercase ASCII "
            "scheme://host[:port], no path)",
            fix,
        )
    ]


def _min_length(node: _Node) -> int:
    """The fewest characters a match of ``node`` reads (zero-width parts read none)."""
    if isinstance(node, _Char):
        return 1
    if isinstance(node, _Seq):
        return sum(_min_length(item) for item in node.items)
    if isinstance(node, _Alt):
        return min((_min_length(branch) for branch in node.branches), default=0)
    if isinstance(node, _Group):
        return _min_length(node.body)
    if isinstance(node, _Repeat):
        return node.lo * _min_length(node.body)
    return 0  # anchors, lookarounds, backreferences


def _too_long(tree: _Seq) -> list[tuple[str, str]]:
    shortest = _min_length(tree)
    if shortest <= MAX_ORIGIN_FOR_REGEX:
        return []
    return [
        (
            f"can never match: every match is at least {shortest} characters long, but an "
            f"Origin longer than {MAX_ORIGIN_FOR_REGEX} characters is refused before any "
            "regex runs",
            "lower the repeat counts ({m} or {m,n}) or shorten the literal parts: an Origin "
            f"is scheme://host[:port], at most {MAX_ORIGIN_FOR_REGEX} characters (a DNS "
            "host name has at most 253)",
        )
    ]


#: The Pythons whose ``re._parser`` trees this release reads.
_PYTHONS: Final = "CPython 3.11-3.13"


def _unsupported_python(what: str) -> tuple[str, str]:
    """The problem and fix when ``re._parser`` is missing or reads regexes differently."""
    v = sys.version_info
    name = "CPython" if sys.implementation.name == "cpython" else sys.implementation.name
    return (
        "could not be checked for catastrophic backtracking: this release of cors-core "
        f"supports {_PYTHONS}, and the regex parser of this {name} "
        f"{v.major}.{v.minor}.{v.micro} (re._parser) is missing or reads regexes "
        "differently",
        f"upgrade cors-core, or {what}",
    )


_NO_REGEX_ORIGINS: Final = "list the origins in allow_origins instead of a regex"
_NO_REGEX_PATHS: Final = (
    "write the paths without regex syntax (plain text such as /api/, matched as a prefix)"
)


def backtracking_problems(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    r"""(problem, fix) pairs when ``pattern`` can backtrack worse than linearly, whatever
    text it is matched against (a request path, say: any Unicode text, of any length);
    empty when it cannot.

    Worse than linearly includes quadratic: a path has no length bound like an
    ``Origin``'s, so ``.*.*``, accepted in an origin regex, is refused here. Also refused,
    as in :func:`regex_problems`: backreferences and conditional groups, lookaheads holding
    a repeat, a capturing group in a possessive repeat, repeats of a part that can match
    the empty string, and a regex too large to check (it fails closed).

    Unlike :func:`regex_problems` it does not ask whether the regex can match an Origin,
    and it reads the regex over all of Unicode, not ASCII only: ``\w`` and
    ``[^\x00-\x7f]`` can both match ``é``.

    >>> import re
    >>> backtracking_problems(re.compile(r"/api/.*"))
    []
    >>> backtracking_problems(re.compile(r"/api/(\w+-?)+/x"))[0][0].split(":")[0]
    'can backtrack exponentially'
    >>> backtracking_problems(re.compile(r"/wiki/(?:\w|[^\x00-\x7f])+/edit"))[0][0][:27]
    'can backtrack exponentially'
    """
    source = pattern.pattern
    try:
        tree = _tree(source, pattern.flags, unicode=True)
        return (
            _structural(tree, paths=True)
            or _backtracking(tree, source, linear=True)
            or _empty_loops(tree)
        )
    except _ParserError:
        if not _SPECIAL.intersection(source):
            return []  # plain text: nothing to backtrack over, parser or not
        return [_unsupported_python(_NO_REGEX_PATHS)]
    except (_TooBigError, RecursionError):
        return [("is too large or too deeply nested to prove safe", "simplify it")]
    except Exception as exc:  # fail closed, never crash
        return [(f"could not be checked for catastrophic backtracking ({exc!r})", "simplify it")]


def regex_problems(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    """(problem, fix) pairs for a compiled allow_origin_regex; empty when it is safe.

    Safe means: its ``fullmatch`` on any ``Origin`` up to :data:`MAX_ORIGIN_FOR_REGEX`
    characters backtracks at most quadratically, and it can match some origin a browser
    sends. See the module docstring for the rules.

    >>> import re
    >>> regex_problems(re.compile(r"https://[a-z0-9-]+\\.example\\.com"))
    []
    >>> [(problem, fix)] = regex_problems(re.compile(r"https://(\\w+-?)+\\.example\\.com"))
    >>> problem.split(":")[0]
    'can backtrack exponentially'
    >>> fix.split(", or")[0]
    "use allow_origins=['https://*.example.com']"
    >>> regex_problems(re.compile(r"https://example\\.com/"))[0][1]
    "origins have no path: drop the '/...' part"
    >>> regex_problems(re.compile(r"https://a{400}\\.example\\.com"))[0][0][:50]
    'can never match: every match is at least 420 chara'
    """
    source = pattern.pattern
    try:
        tree = _tree(source, pattern.flags)
    except _ParserError:
        return [_unsupported_python(_NO_REGEX_ORIGINS)]
    except Exception as exc:  # fail closed, never crash
        return [
            (
                f"could not be checked for catastrophic backtracking ({exc!r})",
                "simplify the regex, or list the origins in allow_origins",
            )
        ]
    try:
        problems = _structural(tree)
        if not problems:
            problems += _backtracking(tree, source) or _empty_loops(tree)
        if not any("backreference" in p for p, _ in problems):
            problems += _dead(tree, source) + _too_long(tree)
    except (_TooBigError, RecursionError):
        return [
            (
                "is too large or too deeply nested to prove safe against catastrophic backtracking",
                "split it into several smaller regexes, or list the origins in allow_origins",
            )
        ]
    return problems
