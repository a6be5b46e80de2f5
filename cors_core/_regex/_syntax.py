"""The regex as ``re`` runs it: the parse tree, the alphabets it is read over, rendering.

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

The parser is private: a Python whose ``re._parser`` is missing or builds trees of
another shape gets a refusal that names the Python version and the way out (upgrade
cors-core, or do without a regex), never a crash.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, TypeAlias

_ALL: Final = (1 << 128) - 1  # the ASCII alphabet as a bit set

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
    if ch < 256:
        return f"\\x{ch:02x}"
    return f"\\u{ch:04x}" if ch < 0x10000 else f"\\U{ch:08x}"


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
