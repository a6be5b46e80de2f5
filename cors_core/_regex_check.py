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

How it is decided (sound: a refusal may be over-cautious, an acceptance is a proof)
-------------------------------------------------------------------------------------
The regex is parsed with the same parser ``re`` compiles from (``re._parser``), so the
tree analysed is the tree executed (``(\\w|\\d)`` is already one character class there).
It becomes a position automaton whose transitions are labelled with the characters each
test may match (see "Two alphabets" below), with one state per character test and, on each
transition, the number of distinct ways ``re`` can get from one test to the next
through groups, alternatives and repeats (``(a+)+`` has two ways back to ``a``). The
backtracking search on a failing input visits every path of that automaton that reads a
prefix of the input, so its cost is bounded by the automaton's *degree of ambiguity*,
which is decided exactly with the classic criteria (Weber & Seidl 1991; Allauzen,
Mohri & Rastogi 2008):

* exponential (refused): a state has two different loops reading the same text, i.e.
  in one loop of the automaton two tests can be at the same input position in two
  different ways. This covers nested quantifiers (``(\\w+-?)+``, ``(a*)*``,
  ``(\\w+\\.?)*``, ``(.*)*``) and overlapping alternatives under a repeat (``(a|a)*``,
  ``(a|aa)*``), but not ``([a-z0-9-]+\\.)*``: there every iteration ends with a ``.``
  the inner repeat cannot read, so each text has one path.
* polynomial of degree ``d``: ``d`` + 1 loops in sequence that can share the same text,
  such as ``.*.*.*`` or ``\\w+\\w+\\w+`` (``d`` = 2, cost ~ n**3): refused.
* degree 1, two such loops (``.*.*``, ``[a-z]+[a-z0-9]*``; cost ~ n**2): accepted only
  when both are repeats of a single character test, which ``re`` runs as one tight loop
  (0.3 to 0.5 ms for the worst 320-character inputs, measured), and when nothing else in
  the regex can read the same text in two ways (``.*(a|a).*``), which would multiply
  that cost. Repeats of groups (``(ab)*(ab)*``) cost ten times or more per step, so
  two of them in a row are refused.

Also refused: repeats whose body can match the empty string (``(?:a?){2,}``): ``re``
also tries empty iterations, which nested repeats multiply into seconds of work even
on short inputs, and which the automaton above does not see;
backreferences and conditional groups (no backtracking bound); lookaheads containing
a repeat; possessive repeats around a capturing group (Python 3.11 raises
``SystemError`` on some inputs, CPython gh-101955); regexes too large to check within
a fixed budget.

Conservative simplifications, each only ever adds refusals: a bounded repeat
``{m,n}`` with ``n`` > 1 is treated as unbounded; anchors, ``\\b`` and lookarounds are
treated as always true; atomic groups and possessive repeats as ordinary ones;
``.`` as any character. ``(a|ab)*`` is accepted: it is unambiguous (each ``b``
belongs to the ``a`` before it). Not bounded: ambiguity that does not grow with the
input in a linear regex (``(a|a)(a|a)`` written out by hand multiplies the cost by a
constant fixed by the regex's own text, not by the request).

Two alphabets
-------------
Origin regexes (:func:`regex_problems`) are read over ASCII: an ``Origin`` that is not
ASCII is refused before any regex runs, so a test that only matches non-ASCII characters
(``[^\\x00-\\x7f]``, ``é``) is a dead end there.

Path regexes (:func:`backtracking_problems`) see any Unicode text, so they are read over
an abstract alphabet that covers all of it: the ASCII characters, one letter per
non-ASCII character the regex names (``é`` and ``ü`` stay apart), and one letter for
each class of every other non-ASCII character, split by what ``\\d``, ``\\w`` and
``\\s`` test (``str.isdecimal``, ``str.isalnum``, ``str.isspace``, none). Each test is
mapped to every letter it may match some character of: ``\\w`` to the word classes
(none under ``re.ASCII``), a range reaching past ASCII to the classes it holds, a
negated class to the complement of the letters it surely matches in full. Under
``IGNORECASE`` (without ``re.ASCII``) a test that can match a cased character also gets
every letter that can hold a case variant of it: ``k`` gets KELVIN SIGN, ``s`` gets LONG
S, ``é`` gets the class holding ``É``. Over-approximating each test only adds paths, so
an acceptance is still a proof.

A second check refuses origin regexes that can never match an ``Origin`` a browser
sends: every match has a path or a trailing ``/``, needs uppercase letters, whitespace,
has no ``scheme://``, or is longer than :data:`MAX_ORIGIN_FOR_REGEX`. Those are
configuration mistakes that otherwise fail silently.

The parser is private: a Python whose ``re._parser`` is missing or builds trees of
another shape gets a refusal that names the Python version and the way out (upgrade
cors-core, or do without a regex), never a crash.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Final, TypeAlias

__all__ = ["MAX_ORIGIN_FOR_REGEX", "literal_affixes", "regex_problems"]

#: Longest ``Origin`` value a regex may be matched against (see the module docstring):
#: ``scheme://`` + a 253-character host + ``:65535``, with room for long extension schemes.
#: The engine's ``MAX_ORIGIN_LENGTH`` must not exceed it (a test checks).
MAX_ORIGIN_FOR_REGEX: Final = 320

_ALL: Final = (1 << 128) - 1  # the ASCII alphabet as a bit set
_CAP: Final = 2  # route counts only matter as 0, 1 or "several"
_BUDGET: Final = 2_000_000  # automaton steps one check may take before giving up
_MAX_POSITIONS: Final = 4_000

_NESTED_FIX: Final = (
    r"rewrite without nested or adjacent overlapping quantifiers (e.g. [a-z0-9-]+ instead of "
    r"(\w+-?)+)"
)
_CHAIN_FIX: Final = (
    "rewrite without nested or adjacent overlapping quantifiers: merge the repeats into one, "
    r"or separate them with a character they cannot match (e.g. [a-z0-9-]+\.[a-z0-9-]+ "
    "instead of .*.*)"
)
_SPECIAL: Final = frozenset(".^$*+?{}[]\\|()")
_CLASS_SPECIAL: Final = frozenset("\\]^-[")


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True, slots=True)
class _Char:
    """One character test: the characters it may accept (a bit mask, see :class:`_Alphabet`),
    and how to write it."""

    mask: int
    text: str
    in_class: str | None  # the text inside [...] for a union, None if not expressible
    literal: str | None = None  # the character, for a plain literal


@dataclass(frozen=True, slots=True)
class _Seq:
    items: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Alt:
    branches: tuple[_Seq, ...]


@dataclass(frozen=True, slots=True)
class _Group:
    body: _Seq
    prefix: str  # "(", "(?:", "(?>"


@dataclass(frozen=True, slots=True)
class _Repeat:
    lo: int
    hi: int | None  # None: unbounded
    body: _Seq
    suffix: str  # "" greedy, "?" lazy, "+" possessive


@dataclass(frozen=True, slots=True)
class _Anchor:
    text: str


@dataclass(frozen=True, slots=True)
class _Look:
    body: _Seq
    prefix: str  # "(?=", "(?!", "(?<=", "(?<!"


@dataclass(frozen=True, slots=True)
class _Backref:
    text: str


_Node: TypeAlias = _Char | _Seq | _Alt | _Group | _Repeat | _Anchor | _Look | _Backref


class _UnsupportedError(Exception):
    """The parse tree holds something this module does not know."""


class _ParserError(Exception):
    """``re._parser`` is missing, or its tree is not the shape this module reads."""


def _bits(chars: Iterable[int]) -> int:
    mask = 0
    for ch in chars:
        if ch < 128:
            mask |= 1 << ch
    return mask


_DIGIT: Final = _bits(range(48, 58))
_LETTERS: Final = _bits(range(65, 91)) | _bits(range(97, 123))
_WORD: Final = _DIGIT | _LETTERS | _bits([95])
_SPACE_ASCII: Final = _bits([9, 10, 11, 12, 13, 32])  # \s under re.ASCII
_SPACE: Final = _SPACE_ASCII | _bits(range(28, 32))  # \x1c-\x1f are spaces in str patterns

# The Unicode model (path regexes). Beyond the 128 ASCII bits, one bit per non-ASCII
# character the pattern names (its "explicit" characters), and four "rest" bits, one per
# class of every other non-ASCII character, split by what re's categories test.
_REST_DIGIT: Final = 1 << 128  # str.isdecimal: \d (and \w)
_REST_WORD: Final = 1 << 129  # str.isalnum, not decimal: \w
_REST_SPACE: Final = 1 << 130  # str.isspace: \s
_REST_OTHER: Final = 1 << 131  # none of them
_REST: Final = _REST_DIGIT | _REST_WORD | _REST_SPACE | _REST_OTHER
_FIRST_EXPLICIT: Final = 132
_LAST_CODE: Final = 0x10FFFF
_SCAN_LIMIT: Final = 4096  # longer ranges are not scanned: they may hold every rest class
# The only non-ASCII characters that IGNORECASE matches with ASCII letters (a test checks
# this over all of Unicode). They are always explicit in the Unicode model, so that
# (?i)[a-h] does not look as if it could match the same characters as (?i)é.
_ASCII_CASE: Final = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}


def _rest_bit(ch: str) -> int:
    """The rest class of a non-ASCII character."""
    if ch.isdecimal():
        return _REST_DIGIT
    if ch.isalnum():
        return _REST_WORD
    return _REST_SPACE if ch.isspace() else _REST_OTHER


@lru_cache(maxsize=256)
def _rest_in(lo: int, hi: int) -> int:
    """The rest classes holding some character of ``lo``..``hi`` (non-ASCII)."""
    if hi - lo > _SCAN_LIMIT:
        return _REST
    mask = 0
    for code in range(lo, hi + 1):
        mask |= _rest_bit(chr(code))
    return mask


def _may_have_case(ch: str) -> bool:
    """Whether IGNORECASE may match ``ch`` with another character (a test checks that every
    character re's case rules relate to another one passes)."""
    return ch.lower() != ch or ch.upper() != ch or ch.casefold() != ch


def _fold(mask: int) -> int:
    """``mask`` closed under ASCII case."""
    upper = (mask >> 97 & ((1 << 26) - 1)) << 65
    lower = (mask >> 65 & ((1 << 26) - 1)) << 97
    return mask | upper | lower


_Approx: TypeAlias = tuple[int, int]  # (over, under): may match / surely matches


class _Alphabet:
    """How character tests become bit masks.

    The ASCII model (``unicode`` false, for origins) has the 128 ASCII bits only: a test
    that can only match non-ASCII characters is a dead end. The Unicode model (for paths)
    also has the rest bits and one bit per explicit character (see above). Each test is
    kept as an over-approximation (every class it may match a character of: what the
    analysis uses, so a test never looks narrower than it is) and an under-approximation
    (classes it matches entirely), so that a negation, the complement of the
    under-approximation, is an over-approximation too.
    """

    def __init__(self, unicode: bool, explicit: Iterable[int] = ()) -> None:
        self.bit: dict[int, int] = {}
        if unicode:
            codes = {ord(c) for cs in _ASCII_CASE.values() for c in cs}
            codes.update(c for c in explicit if c >= 128)
            self.bit = {c: 1 << (_FIRST_EXPLICIT + i) for i, c in enumerate(sorted(codes))}
        self.full = _ALL | (_REST | sum(self.bit.values()) if unicode else 0)
        digit = word = space = 0
        self.cased = (_REST_WORD | _REST_OTHER) if unicode else 0  # no digit or space has case
        special = {c for cs in _ASCII_CASE.values() for c in cs}
        for code, b in self.bit.items():
            ch = chr(code)
            digit |= b if ch.isdecimal() else 0
            word |= b if ch.isalnum() else 0
            space |= b if ch.isspace() else 0
            if ch not in special and _may_have_case(ch):
                self.cased |= b
        self.digit = (_DIGIT | _REST_DIGIT | digit) & self.full
        self.word = (_WORD | _REST_DIGIT | _REST_WORD | word) & self.full
        self.space = (_SPACE | _REST_SPACE | space) & self.full
        self.case_classes = [
            _fold(_bits([ord(a)])) | sum(self.bit[ord(c)] for c in cs)
            for a, cs in _ASCII_CASE.items()
            if unicode
        ]

    def literal(self, code: int) -> int:
        return 1 << code if code < 128 else self.bit.get(code, 0)

    def span(self, lo: int, hi: int) -> _Approx:
        exact = _bits(range(lo, min(hi, 127) + 1))
        if self.full == _ALL or hi < 128:
            return exact, exact
        start = max(lo, 128)
        exact |= sum(b for code, b in self.bit.items() if start <= code <= hi)
        whole = _REST if start == 128 and hi >= _LAST_CODE else 0
        return exact | _rest_in(start, hi), exact | whole

    def category(self, name: str, ascii_only: bool) -> _Approx:
        positive = {
            "DIGIT": _DIGIT if ascii_only else self.digit,
            "SPACE": _SPACE_ASCII if ascii_only else self.space,
            "WORD": _WORD if ascii_only else self.word,
        }
        kind = name.removeprefix("CATEGORY_")
        if kind in positive:
            return positive[kind], positive[kind]
        if kind.removeprefix("NOT_") in positive:
            return self.negated((positive[kind[4:]], positive[kind[4:]]))
        return self.full, 0  # unknown: may match anything

    def negated(self, test: _Approx) -> _Approx:
        over, under = test
        return self.full & ~under, self.full & ~over

    def ignoring_case(self, test: _Approx, ascii_only: bool = False) -> _Approx:
        """IGNORECASE. re compares lowercased characters, so a set may lose characters as
        well as gain some: only its ASCII part is sure to stay. With re.ASCII only ASCII
        letters are folded (the caller passes ``ascii_only`` false for a class with a range
        beyond U+FFFF, which re folds in full even then)."""
        over, under = test
        out = _fold(over)
        if ascii_only:
            return out & self.full, _fold(under & _ALL)
        for members in self.case_classes:
            if over & members:
                out |= members
        if over & self.cased:
            out |= self.cased
        return out & self.full, _fold(under & _ALL)


@dataclass(frozen=True, slots=True)
class _Mode:
    alphabet: _Alphabet
    icase: bool
    ascii_only: bool  # re.ASCII: \w, \d, \s match ASCII characters only
    maxrepeat: int


_CATEGORY_TEXT: Final = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}
_ANCHORS: Final = {
    "AT_BEGINNING": "^",
    "AT_BEGINNING_STRING": r"\A",
    "AT_END": "$",
    "AT_END_STRING": r"\Z",
    "AT_BOUNDARY": r"\b",
    "AT_NON_BOUNDARY": r"\B",
}
_REPEATS: Final = {"MAX_REPEAT": "", "MIN_REPEAT": "?", "POSSESSIVE_REPEAT": "+"}


def _esc(ch: int, in_class: bool = False) -> str:
    c = chr(ch)
    if c in (_CLASS_SPECIAL if in_class else _SPECIAL):
        return "\\" + c
    if c.isprintable():
        return c
    return f"\\x{ch:02x}" if ch < 256 else f"\\u{ch:04x}"


def _name(op: Any) -> str:
    return str(getattr(op, "name", op))


def _convert(data: Any, mode: _Mode) -> _Seq:
    """The ``re._parser`` tree of ``data`` as a typed tree (masks, source text)."""
    return _Seq(tuple(_convert_item(op, av, mode) for op, av in data))


def _convert_item(op_code: Any, av: Any, mode: _Mode) -> _Node:
    op = _name(op_code)
    alphabet = mode.alphabet
    if op in ("LITERAL", "NOT_LITERAL"):
        bit = alphabet.literal(av)
        over, under = (bit, bit)
        if mode.icase:
            over, under = alphabet.ignoring_case((bit, bit), mode.ascii_only)
        under |= bit  # re always matches a literal with itself
        if op == "NOT_LITERAL":
            return _Char(alphabet.full & ~under, f"[^{_esc(av, True)}]", None)
        return _Char(over, _esc(av), _esc(av, True), chr(av))
    if op == "ANY":
        return _Char(alphabet.full, ".", None)
    if op == "IN":
        return _convert_class(av, mode)
    if op == "BRANCH":
        return _Alt(tuple(_convert(b, mode) for b in av[1]))
    if op == "SUBPATTERN":
        group, add_flags, del_flags, sub = av
        inner = _convert(sub, _scoped(mode, add_flags, del_flags))
        return _Group(inner, "(" if group is not None else "(?:")
    if op == "ATOMIC_GROUP":
        return _Group(_convert(av, mode), "(?>")
    if op in _REPEATS:
        lo, hi, sub = av
        unbounded = hi == mode.maxrepeat
        return _Repeat(lo, None if unbounded else hi, _convert(sub, mode), _REPEATS[op])
    if op == "AT":
        return _Anchor(_ANCHORS.get(_name(av), "?"))
    if op in ("ASSERT", "ASSERT_NOT"):
        direction, sub = av
        prefix = (
            ("(?=" if op == "ASSERT" else "(?!")
            if direction == 1
            else ("(?<=" if op == "ASSERT" else "(?<!")
        )
        return _Look(_convert(sub, mode), prefix)
    if op == "GROUPREF":
        return _Backref(f"\\{av}")
    if op == "GROUPREF_EXISTS":
        return _Backref(f"(?({av[0]})...)")
    raise _UnsupportedError(op)


def _scoped(mode: _Mode, add_flags: int, del_flags: int) -> _Mode:
    """The mode inside ``(?flags-flags:...)``."""
    icase = (mode.icase or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
    ascii_only = mode.ascii_only
    if add_flags & (re.ASCII | re.UNICODE):  # the type flags replace each other
        ascii_only = bool(add_flags & re.ASCII)
    return _Mode(mode.alphabet, icase, ascii_only, mode.maxrepeat)


def _convert_class(items: Any, mode: _Mode) -> _Char:
    alphabet = mode.alphabet
    over = under = 0
    negate = wide = False
    texts: list[str] = []
    for op_code, av in items:
        op = _name(op_code)
        if op == "NEGATE":
            negate = True
            continue
        if op == "LITERAL":
            bit = alphabet.literal(av)
            test = bit, bit
            texts.append(_esc(av, True))
        elif op == "RANGE":
            lo, hi = av
            test = alphabet.span(lo, hi)
            wide = wide or hi > 0xFFFF
            texts.append(f"{_esc(lo, True)}-{_esc(hi, True)}")
        elif op == "CATEGORY":
            test = alphabet.category(_name(av), mode.ascii_only)
            texts.append(_CATEGORY_TEXT.get(_name(av), "\\?"))
        else:
            raise _UnsupportedError(op)
        over, under = over | test[0], under | test[1]
    if mode.icase:
        over, under = alphabet.ignoring_case((over, under), mode.ascii_only and not wide)
    inner = "".join(texts)
    if negate:
        return _Char(alphabet.negated((over, under))[0], f"[^{inner}]", None)
    text = inner if len(texts) == 1 and inner.startswith("\\") and len(inner) == 2 else f"[{inner}]"
    return _Char(over, text, inner)


def _explicit(data: Any, out: set[int]) -> set[int]:
    """The non-ASCII characters that ``data`` (a parse tree) names as literals."""
    for op_code, av in data:
        op = _name(op_code)
        if op in ("LITERAL", "NOT_LITERAL") and av >= 128:
            out.add(av)
        elif op == "IN":
            out.update(code for op2, code in av if _name(op2) == "LITERAL" and code >= 128)
        elif op == "BRANCH":
            for branch in av[1]:
                _explicit(branch, out)
        elif op == "SUBPATTERN":
            _explicit(av[3], out)
        elif op == "ATOMIC_GROUP":
            _explicit(av, out)
        elif op in _REPEATS:
            _explicit(av[2], out)
        elif op in ("ASSERT", "ASSERT_NOT"):
            _explicit(av[1], out)
    return out


def _parser() -> Any:
    return importlib.import_module("re._parser")


def _maxrepeat() -> Any:
    return importlib.import_module("re._constants").MAXREPEAT


def _tree(source: str, flags: int, unicode: bool = False) -> _Seq:
    """The typed tree of a regex: over ASCII (``unicode`` false) or all of Unicode.

    Raises :class:`_ParserError` when ``re._parser`` is missing or its tree is not the
    shape this module knows (another Python than the ones it was written for).
    """
    try:
        parsed = _parser().parse(source, flags)
        data, parsed_flags = parsed.data, parsed.state.flags
        alphabet = _Alphabet(unicode, _explicit(data, set()) if unicode else ())
        icase = bool(parsed_flags & re.IGNORECASE)
        mode = _Mode(alphabet, icase, bool(parsed_flags & re.ASCII), _maxrepeat())
        return _convert(data, mode)
    except (ImportError, AttributeError, LookupError, TypeError, ValueError) as exc:
        raise _ParserError(repr(exc)) from exc
    except _UnsupportedError as exc:
        raise _ParserError(f"unknown node {exc}") from exc


# ------------------------------------------------------------------------- rendering


def _render(node: _Node, in_seq: bool = False) -> str:
    if isinstance(node, _Char):
        return node.text
    if isinstance(node, _Seq):
        many = len(node.items) > 1
        return "".join(_render(item, many) for item in node.items)
    if isinstance(node, _Alt):
        text = "|".join(_render(b) for b in node.branches)
        return f"(?:{text})" if in_seq else text
    if isinstance(node, _Group):
        return f"{node.prefix}{_render(node.body)})"
    if isinstance(node, _Repeat):
        body = _render(node.body)
        items = node.body.items
        if not (len(items) == 1 and isinstance(items[0], _Char | _Group)):
            body = f"(?:{body})"
        return body + _quantifier(node.lo, node.hi) + node.suffix
    if isinstance(node, _Anchor | _Backref):
        return node.text
    return f"{node.prefix}{_render(node.body)})"


def _quantifier(lo: int, hi: int | None) -> str:
    if hi is None:
        return {0: "*", 1: "+"}.get(lo, f"{{{lo},}}")
    if (lo, hi) == (0, 1):
        return "?"
    return f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}"


# ----------------------------------------------------------------- the position automaton

_Counts: TypeAlias = dict[int, int]


@dataclass(slots=True)
class _Automaton:
    """Positions (character tests) with route counts between them; ``first``/``last``
    hold the routes from the start and to the end."""

    labels: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    loops_of: list[tuple[int, ...]] = field(default_factory=list)  # enclosing repeat ids
    follow: list[_Counts] = field(default_factory=list)
    first: _Counts = field(default_factory=dict)
    last: _Counts = field(default_factory=dict)
    nullable: int = 0
    repeats: list[_Repeat] = field(default_factory=list)


def _add(into: _Counts, source: _Counts, times: int = 1) -> None:
    for key, n in source.items():
        if n * times:
            into[key] = min(_CAP, into.get(key, 0) + n * times)


def _scaled(counts: _Counts, times: int) -> _Counts:
    out: _Counts = {}
    _add(out, counts, times)
    return out


class _Builder:
    def __init__(self) -> None:
        self.auto = _Automaton()
        self.stack: list[int] = []

    def build(self, tree: _Seq) -> _Automaton:
        if len(_positions(tree)) > _MAX_POSITIONS:
            raise _TooBigError
        first, last, nullable = self.visit(tree)
        self.auto.first, self.auto.last, self.auto.nullable = first, last, nullable
        return self.auto

    def link(self, last: _Counts, first: _Counts, times: int = 1) -> None:
        for p, a in last.items():
            _add(self.auto.follow[p], first, a * times)

    def visit(self, node: _Node) -> tuple[_Counts, _Counts, int]:
        if isinstance(node, _Char):
            if not node.mask:
                return {}, {}, 0  # matches no character of the model: a dead end
            index = len(self.auto.labels)
            self.auto.labels.append(node.mask)
            self.auto.texts.append(node.text)
            self.auto.loops_of.append(tuple(self.stack))
            self.auto.follow.append({})
            return {index: 1}, {index: 1}, 0
        if isinstance(node, _Seq):
            first: _Counts = {}
            last: _Counts = {}
            nullable = 1
            for item in node.items:
                f, l_, n = self.visit(item)
                self.link(last, f)
                _add(first, f, nullable)
                last = _scaled(last, n)
                _add(last, l_)
                nullable = min(_CAP, nullable * n)
            return first, last, nullable
        if isinstance(node, _Alt):
            first, last, nullable = {}, {}, 0
            for branch in node.branches:
                f, l_, n = self.visit(branch)
                _add(first, f)
                _add(last, l_)
                nullable = min(_CAP, nullable + n)
            return first, last, nullable
        if isinstance(node, _Group):
            return self.visit(node.body)
        if isinstance(node, _Repeat):
            return self.visit_repeat(node)
        return {}, {}, 1  # anchors, lookarounds, backreferences: zero width, always true

    def visit_repeat(self, node: _Repeat) -> tuple[_Counts, _Counts, int]:
        hi = node.hi
        if hi == 0:
            return {}, {}, 1
        looping = hi is None or hi > 1
        if looping:
            self.stack.append(len(self.auto.repeats))
            self.auto.repeats.append(node)
        f, l_, n = self.visit(node.body)
        if looping:
            self.stack.pop()
        if not looping:  # {0,1} or {1,1}
            return f, l_, (min(_CAP, 1 + n) if node.lo == 0 else n)
        # re (MAX_UNTIL/MIN_UNTIL) runs the first `lo` iterations unconditionally, so they
        # may match empty; after that it stops at the first iteration that matched empty.
        # So with a nullable body (n ways to match empty) the loop is entered, left and
        # skipped in several ways: constant factors, except when this loop sits inside
        # another one, where they make the outer loop ambiguous, as they really do.
        # Between two non-empty iterations only forced empty ones fit, a bounded number
        # of times per entry: the link back counts once.
        with_empty = min(_CAP, 1 + n)
        self.link(l_, f)
        first = _scaled(f, with_empty if node.lo >= 1 else 1)
        last = _scaled(l_, with_empty)
        nullable = with_empty if node.lo == 0 else (with_empty if n else 0)
        return first, last, nullable


class _TooBigError(Exception):
    """The regex is too large to check within the budget."""


def _positions(tree: _Node) -> list[_Char]:
    out: list[_Char] = []
    stack: list[_Node] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, _Char):
            out.append(node)
        elif isinstance(node, _Seq):
            stack.extend(node.items)
        elif isinstance(node, _Alt):
            stack.extend(node.branches)
        elif isinstance(node, _Group | _Repeat | _Look):
            stack.append(node.body)
    return out


def _is_loop(node: _Node) -> bool:
    return isinstance(node, _Repeat) and (node.hi is None or node.hi > 1)


def _is_simple(node: _Repeat) -> bool:
    """Whether re runs this repeat as one tight loop over a single character test."""
    items = node.body.items
    while len(items) == 1 and isinstance(items[0], _Group) and items[0].prefix == "(?:":
        items = items[0].body.items
    return len(items) == 1 and isinstance(items[0], _Char)


def _captures(node: _Node) -> bool:
    return any(isinstance(n, _Group) and n.prefix == "(" for n in _walk(node))


def _has_loop(node: _Node) -> bool:
    return any(_is_loop(n) for n in _walk(node))


def _walk(node: _Node) -> Iterator[_Node]:
    """Every node, children before their parent (innermost repeats first)."""
    if isinstance(node, _Seq):
        for item in node.items:
            yield from _walk(item)
    elif isinstance(node, _Alt):
        for branch in node.branches:
            yield from _walk(branch)
    elif isinstance(node, _Group | _Repeat | _Look):
        yield from _walk(node.body)
    yield node


# ----------------------------------------------------------------------- graph helpers


class _Budget:
    def __init__(self) -> None:
        self.left = _BUDGET

    def spend(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise _TooBigError


def _sccs(n: int, succ: list[list[int]]) -> list[list[int]]:
    """Strongly connected components (iterative Tarjan), in reverse topological order."""
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack[v] = True
            recurse = False
            while i < len(succ[v]):
                w = succ[v][i]
                i += 1
                if index[w] < 0:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if on_stack[w]:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp: list[int] = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out


@dataclass(slots=True)
class _Analysis:
    auto: _Automaton
    succ: list[list[int]]
    comps: list[list[int]]  # reverse topological order
    comp_of: list[int]
    cyclic: list[int]  # ids of components that hold a loop
    pred: list[list[int]]

    @classmethod
    def of(cls, auto: _Automaton) -> _Analysis:
        n = len(auto.labels)
        succ = [sorted(q for q, c in auto.follow[p].items() if c) for p in range(n)]
        comps = _sccs(n, succ)
        comp_of = [0] * n
        for i, comp in enumerate(comps):
            for p in comp:
                comp_of[p] = i
        cyclic = [i for i, comp in enumerate(comps) if len(comp) > 1 or comp[0] in succ[comp[0]]]
        pred: list[list[int]] = [[] for _ in range(n)]
        for p, qs in enumerate(succ):
            for q in qs:
                pred[q].append(p)
        return cls(auto, succ, comps, comp_of, cyclic, pred)

    def other_ambiguity(self, allowed: set[int], budget: _Budget) -> tuple[int, int] | None:
        """Where two paths that read the same text part ways, if neither path goes on into
        ``allowed``: ``(p, q)``, or ``(p, p)`` for two routes into ``p``. Paths already
        apart (after taking different loops of ``allowed``) may part again freely."""
        auto = self.auto

        def succ(p: int) -> _Counts:
            return auto.first if p < 0 else auto.follow[p]

        seen = {(-1, -1)}
        todo = [(-1, -1)]
        while todo:
            p, q = todo.pop()
            for p2, count in succ(p).items():
                if p == q and count > 1 and p2 not in allowed:
                    return p2, p2
                for q2 in succ(q):
                    budget.spend()
                    if not auto.labels[p2] & auto.labels[q2] or (p2, q2) in seen:
                        continue
                    if p == q and p2 != q2 and p2 not in allowed and q2 not in allowed:
                        return p2, q2
                    seen.add((p2, q2))
                    todo.append((p2, q2))
        return None

    def exponential(self, budget: _Budget) -> list[int] | None:
        """Positions of a loop that reads some text in two different ways, if any."""
        labels, follow = self.auto.labels, self.auto.follow
        for ci in self.cyclic:
            comp = self.comps[ci]
            members = set(comp)
            for p in comp:  # two routes around the same loop
                if any(c >= 2 and q in members for q, c in follow[p].items()):
                    return comp
            inner = {p: [q for q in self.succ[p] if q in members] for p in comp}
            pairs = [(p, q) for p in comp for q in comp]
            ids = {pair: i for i, pair in enumerate(pairs)}
            psucc: list[list[int]] = []
            for p, q in pairs:
                budget.spend(len(inner[p]) * len(inner[q]) + 1)
                psucc.append(
                    [ids[p2, q2] for p2 in inner[p] for q2 in inner[q] if labels[p2] & labels[q2]]
                )
            for pcomp in _sccs(len(pairs), psucc):
                if len(pcomp) < 2:
                    continue
                states = [pairs[i] for i in pcomp]
                if any(p == q for p, q in states) and any(p != q for p, q in states):
                    return sorted({p for pair in states for p in pair})
        return None

    def reach(self, start: int, forward: bool = True) -> set[int]:
        nxt = self.succ if forward else self.pred
        seen = {start}
        todo = [start]
        while todo:
            for q in nxt[todo.pop()]:
                if q not in seen:
                    seen.add(q)
                    todo.append(q)
        return seen

    def _ida(self, p: int, q: int, c1: set[int], c2: set[int], budget: _Budget) -> bool:
        """Whether some text ``v`` loops ``p`` to ``p``, leads ``p`` to ``q``, loops ``q``."""
        labels = self.auto.labels
        middle = self.reach(p) & self.reach(q, forward=False)
        start, goal = (p, p, q), (p, q, q)
        seen = {start}
        todo = [start]
        while todo:
            x, y, z = todo.pop()
            for x2 in self.succ[x]:
                if x2 not in c1:
                    continue
                for y2 in self.succ[y]:
                    if y2 not in middle or not labels[x2] & labels[y2]:
                        continue
                    for z2 in self.succ[z]:
                        budget.spend()
                        if z2 not in c2 or not labels[x2] & labels[y2] & labels[z2]:
                            continue
                        state = (x2, y2, z2)
                        if state == goal:
                            return True
                        if state not in seen:
                            seen.add(state)
                            todo.append(state)
        return False

    def polynomial(self, budget: _Budget) -> tuple[int, list[int], list[tuple[int, int]]]:
        """The degree of polynomial ambiguity, and the loops (component ids) behind it.

        Degree ``d``: ``d`` pairs of loops ``(p, q)`` where some text loops ``p``, leads
        from ``p`` to ``q`` and loops ``q``, each pair reachable from the one before.
        """
        cyc = self.cyclic
        comp_reach: dict[int, set[int]] = {}
        for ci in cyc:
            reached = self.reach(self.comps[ci][0])
            comp_reach[ci] = {cj for cj in cyc if self.comps[cj][0] in reached}
        edges: list[tuple[int, int]] = []
        for c1 in cyc:
            for c2 in comp_reach[c1]:
                if c2 == c1:
                    continue
                s1, s2 = set(self.comps[c1]), set(self.comps[c2])
                if any(self._ida(p, q, s1, s2, budget) for p in s1 for q in s2):
                    edges.append((c1, c2))
        chain: dict[int, tuple[int, list[int]]] = {}
        for ci in reversed(cyc):  # topological order: sources first
            best: tuple[int, list[int]] = (0, [])
            for c1, c2 in edges:
                if c2 != ci:
                    continue
                degree, before = max(
                    (chain.get(d, (0, [])) for d in cyc if c1 in comp_reach[d]),
                    key=lambda dc: dc[0],
                    default=(0, []),
                )
                loops = before + ([c1] if not before or before[-1] != c1 else []) + [ci]
                if degree + 1 > best[0]:
                    best = (degree + 1, loops)
            chain[ci] = best
        degree, loops = max(chain.values(), key=lambda dc: dc[0], default=(0, []))
        return degree, loops, edges


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


def _structural(tree: _Seq) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for node in _walk(tree):
        if isinstance(node, _Repeat) and node.suffix == "+" and _captures(node.body):
            problems.append(
                (
                    f"puts a capturing group inside a possessive repeat ({_render(node)}), "
                    "which makes Python 3.11's re raise SystemError on some inputs "
                    "(CPython issue gh-101955): a crafted Origin would become a server error",
                    "make the group non-capturing, (?:...), or use a plain repeat "
                    "(+ instead of ++)",
                )
            )
        elif isinstance(node, _Backref):
            problems.append(
                (
                    f"uses a backreference ({node.text}), which re can only match by "
                    "backtracking with no bound this check can prove",
                    "remove the backreference (an origin never needs one)",
                )
            )
        elif isinstance(node, _Look) and node.prefix in ("(?=", "(?!") and _has_loop(node.body):
            problems.append(
                (
                    f"uses a lookahead with a repeat inside ({_render(node)}), which is "
                    "re-run at every position it is tried, with no bound this check "
                    "can prove",
                    "write the regex without it (list the allowed origins, or use a "
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
        return _structural(tree) or _backtracking(tree, source, linear=True) or _empty_loops(tree)
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
