"""Path regexes are checked for catastrophic backtracking over all of Unicode.

A flask-cors ``resources`` key is run with ``re.match`` on the percent-decoded request
path: any Unicode text, of any length, chosen by the attacker. So
``cors_core._regex.backtracking_problems`` must only accept a regex when no text,
ASCII or not, makes it backtrack worse than linearly. ``/wiki/(?:\\w|[^\\x00-\\x7f])+/edit``
looks linear to a check that only knows ASCII, and costs seconds on ``/wiki/`` followed
by two dozen ``é``.

The timing tests tell linear from worse by how the time grows, not by a tight absolute
bound: an input four times longer may cost at most eight times more (quadratic costs
sixteen times more), and a match that has not finished after a few seconds (exponential)
is interrupted and fails.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeAlias

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cors_core._regex import backtracking_problems
from cors_core._regex._syntax import _ASCII_CASE, _may_have_case

LENGTH = 40_000  # linear: a few ms; quadratic: a second or more
FAST = 0.05  # below this the growth is not measured: nothing to worry about
GUARD = 3.0  # seconds before a match is interrupted as exponential


class _StillRunning(Exception):
    """A match ran past the guard."""


@contextmanager
def _guard(seconds: float) -> Iterator[None]:
    """Interrupt the code inside after ``seconds`` (re checks signals while it matches)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise _StillRunning

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _seconds(pattern: re.Pattern[str], text: str, runs: int = 1) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        try:
            with _guard(GUARD):
                pattern.match(text)
        except _StillRunning:
            pytest.fail(f"{pattern.pattern!r} still matching after {GUARD} s on {text[:30]!r}...")
        best = min(best, time.perf_counter() - start)
    return best


def _attack(prefix: str, filler: str, end: str, length: int) -> str:
    return prefix + (filler * (length // len(filler) + 1))[:length] + end


def assert_linear(pattern: re.Pattern[str], prefix: str, filler: str, end: str) -> None:
    """``re.match`` of ``prefix + filler * n + end`` grows at most linearly with ``n``."""
    big = _seconds(pattern, _attack(prefix, filler, end, LENGTH))
    if big < FAST:
        return
    big = min(big, _seconds(pattern, _attack(prefix, filler, end, LENGTH), runs=2))
    small = _seconds(pattern, _attack(prefix, filler, end, LENGTH // 4), runs=2)
    assert big < 8 * small + FAST, (pattern.pattern, prefix, filler, end, big, small)


def refused(regex: str, flags: int = 0) -> str:
    problems = backtracking_problems(re.compile(regex, flags))
    assert problems, f"{regex!r} (flags {flags}) was accepted"
    return " | ".join(p for p, _ in problems)


# ------------------------------------------------------------------- the known case

WIKI = r"/wiki/(?:\w|[^\x00-\x7f])+/edit"


def test_the_wiki_regex_is_refused_as_exponential() -> None:
    problem = refused(WIKI)
    assert problem.startswith("can backtrack exponentially"), problem
    assert r"(?:\w|[^\x00-\x7f])+" in problem


def test_the_wiki_regex_really_is_exponential_on_non_ascii_text() -> None:
    # Every 'é' is both a word character and a non-ASCII one: each one doubles the
    # ways to fail: 14 of them take about a millisecond, 24 take seconds.
    slow = re.compile(WIKI)
    short = _seconds(slow, "/wiki/" + "é" * 14 + "!", runs=2)
    longer = _seconds(slow, "/wiki/" + "é" * 17 + "!", runs=2)
    assert longer > 3 * short, (short, longer)  # 2**3 = 8 times in theory
    assert re.match(r"/wiki/[^/]+/edit", "/wiki/" + "é" * 24 + "!") is None  # the fix


# --------------------------------------------------- refused: overlaps past ASCII

# (regex, flags, a text both alternatives match: the proof the refusal is right)
OVERLAPS = [
    (r"/(?:éa|[à-ÿ]a)+x", 0, "éa"),
    (r"/(?:\da|٣a)+x", 0, "٣a"),  # ARABIC-INDIC DIGIT THREE is a \d
    (r"/(?:\sa|\xa0a)+x", 0, "\xa0a"),  # NO-BREAK SPACE is a \s
    (r"/(?:\wa|éa)+x", 0, "éa"),
    (r"/(?:\wa|中a)+x", 0, "中a"),
    (r"/(?:\wa|[\u4e00-\u9fff]a)+x", 0, "中a"),  # the rest of the word characters
    (r"/(?:.a|中a)+x", 0, "中a"),
    (r"/(?:[^a]a|éa)+x", 0, "éa"),
    (r"/(?:[^/]a|[^\x00-\x7f]a)+x", 0, "üa"),
    (r"/(?:\wa|[^\x00-\x7f]a)+x", 0, "ña"),
    (r"/(?:\Wa|éa)+x", re.ASCII, "éa"),  # \W matches every non-ASCII character then
    (r"/(?:[\u0660-\u0669]a|\da)+x", 0, "٣a"),
    (r"/(?:ka|\u212aa)+x", re.IGNORECASE, "\u212aa"),  # KELVIN SIGN
    (r"/(?:sa|\u017fa)+x", re.IGNORECASE, "\u017fa"),  # LATIN SMALL LETTER LONG S
    (r"/(?:ia|\u0130a)+x", re.IGNORECASE, "ia"),  # LATIN CAPITAL LETTER I WITH DOT ABOVE
    (r"/(?:Ia|\u0131a)+x", re.IGNORECASE, "Ia"),  # LATIN SMALL LETTER DOTLESS I
    (r"/(?:éa|Éa)+x", re.IGNORECASE, "Éa"),
    (r"/(?:(?i:é)a|Éa)+x", 0, "Éa"),
    (r"/(?:\u24b6a|(?i:\u24d0)a)+x", 0, "\u24b6a"),  # circled letters: cased, not \w
    # a negated class is the complement of what the class surely matches in full
    (r"/(?:[^à-ÿ]a|[\u4e00-\u4e0f]a)+x", 0, "\u4e00a"),
    (r"/(?:[^\u0080-\uffff]a|[\U00020000-\U0002000f]a)+x", 0, "\U00020000a"),
    (r"/(?:(?i:[^é])a|[à-ÿ]a)+x", 0, "àa"),  # under (?i), only ASCII surely stays
]


@pytest.mark.parametrize(("regex", "flags", "both"), OVERLAPS)
def test_alternatives_overlapping_only_past_ascii_are_refused(
    regex: str, flags: int, both: str
) -> None:
    branches = regex[len("/(?:") : -len(")+x")].split("|")
    pattern = re.compile(regex, flags)
    assert all(re.fullmatch(b, both, flags) for b in branches), (regex, both)
    assert refused(regex, flags).startswith("can backtrack exponentially")
    assert pattern.match("/" + both * 3 + "x")


def test_repeats_overlapping_only_past_ascii_are_refused() -> None:
    # \w* and [^\x00-\x7f]* can split a run of 'é' between them in n ways: quadratic.
    assert refused(r"/\w*[^\x00-\x7f]*!").startswith("can backtrack polynomially")
    assert refused(r"/[^/]*[à-ÿ]+!").startswith("can backtrack polynomially")
    assert refused(r"/[a-z]+\u212a*!", re.IGNORECASE).startswith("can backtrack polynomially")


def test_no_fix_is_written_from_approximate_classes() -> None:
    # An ASCII rendering of these classes would drop 'é': the generic advice is given.
    [(_, fix)] = backtracking_problems(re.compile(WIKI))
    assert "instead of (\\w+-?)+" in fix and "[\\w" not in fix
    # and \w is not written for an ASCII-only body, where it would also match 'é'
    [(_, fix)] = backtracking_problems(re.compile(r"/x/([a-z0-9_]+-?)+"))
    assert "e.g. [0-9_a-z-]+ instead of ([a-z0-9_]+-?)+" in fix, fix


# --------------------------------------------------- accepted: told apart exactly

# No text matches both alternatives, though an ASCII-blind or case-blind model would say so.
APART = [
    (r"/(?:éa|üa)+x", 0),
    (r"/(?:sa|\u017fa)+x", 0),  # case-sensitive: LONG S is not 's'
    (r"/(?:ka|\u212aa)+x", re.IGNORECASE | re.ASCII),  # re.ASCII: no Unicode folding
    (r"/(?:[a-h]a|éa)+x", re.IGNORECASE),  # no case variant of a-h is outside ASCII
    (r"/(?:\wa|éa)+x", re.ASCII),
    (r"/(?:\Wa|éa)+x", 0),
    (r"/(?:[^\W\d]a|٣a)+x", 0),
    (r"/(?:\Da|٣a)+x", 0),
    (r"/(?:\Sa|\u3000a)+x", 0),
    (r"/(?:\da|中a)+x", 0),
    (r"/(?:[à-ÿ]a|\sa)+x", 0),
    (r"/(?:[à-ÿ]a|\da)+x", 0),
    (r"/(?:[\u0660-\u0669]a|[^\d]a)+x", 0),
    (r"/(?:\sa|[a-z]a)+x", re.IGNORECASE),
    (r"/(?:[^\u0080-\U0010ffff]a|éa)+x", 0),
]

COMMON_PATHS = [  # (regex, what reaches its repeats)
    (r"/api/.*", "/api/"),
    (r"/api/v1/[^/]+", "/api/v1/"),
    (r"/users/\d+", "/users/"),
    (r"/wiki/[^/]+/edit", "/wiki/"),
    (r"/caf(é|e)/.*", "/café/"),
    (r"/api/*", "/api"),
    (r"/static/.+\.(css|js)", "/static/"),
    (r"(?i)/api/[a-z]+/\d+", "/API/"),
    (r"/(?:en|fr|de)/[^/]+/?", "/fr/"),
    (r"/files/[\w\-. ]+", "/files/"),
    (r"/docs/(?:[a-z0-9-]+/)*[a-z0-9-]+\.html", "/docs/"),
]

FILLERS = ["a", "é", "É", "中", "٣", "\xa0", "\u212a", "\u017f", "/", "a/", "éa", "-", "1", "."]


@pytest.mark.parametrize(
    ("regex", "flags", "prefix"),
    [*((r, f, "/") for r, f in APART), *((r, 0, p) for r, p in COMMON_PATHS)],
)
def test_accepted_path_regexes_stay_linear_on_unicode(regex: str, flags: int, prefix: str) -> None:
    pattern = re.compile(regex, flags)
    assert backtracking_problems(pattern) == [], regex
    for filler in FILLERS:
        for end in ("\x00", "!"):
            assert_linear(pattern, prefix, filler, end)


# ------------------------------------------------------ random regexes (soundness)

# A generated regex: its text, some texts it matches, and attacks: (prefix, filler)
# pairs such that prefix + filler * n drives a repeat of the regex n times.
_Gen: TypeAlias = tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]

POOL = (
    "a",
    "b",
    "k",
    "K",
    "s",
    "/",
    "-",
    "1",
    " ",
    "!",
    "é",
    "É",
    "ü",
    "à",
    "ÿ",
    "中",
    "\u212a",
    "\u017f",
    "\u0130",
    "\u0131",
    "\u0663",
    "\xa0",
    "\u3000",
    "©",
)
LITERALS = ["a", "k", "s", "/", "-", "é", "É", "ü", "中", "\u212a", "\u017f"]
CLASSES = [
    r"\w",
    r"\d",
    r"\s",
    r"\W",
    ".",
    "[^/]",
    r"[^\x00-\x7f]",
    "[à-ÿ]",
    "[é]",
    r"[\u0660-\u0669]",
    "[a-z]",
]
QUANTIFIERS = ["*", "+", "?", "{1,3}", "{2,}", "*?", "+?"]
CAP = 6  # samples and attacks kept per node


def _class_atom(regex: str) -> st.SearchStrategy[_Gen]:
    matching = [c for c in POOL if re.fullmatch(regex, c)]
    return st.lists(st.sampled_from(matching), min_size=1, max_size=2, unique=True).map(
        lambda cs: (regex, tuple(cs), ())
    )


def _atoms() -> st.SearchStrategy[_Gen]:
    literals = st.sampled_from(LITERALS).map(lambda c: (c, (c,), ()))
    return st.one_of(literals, *(_class_atom(c) for c in CLASSES))


def _concat(pair: tuple[_Gen, _Gen]) -> _Gen:
    (a, sa, xa), (b, sb, xb) = pair
    samples = tuple(x + y for x in sa for y in sb)[:CAP]
    attacks = xa + tuple((x + p, f) for x in sa[:2] for p, f in xb)
    return a + b, samples, attacks[:CAP]


def _alternation(pair: tuple[_Gen, _Gen]) -> _Gen:
    (a, sa, xa), (b, sb, xb) = pair
    return f"(?:{a}|{b})", (sa + sb)[:CAP], (xa + xb)[:CAP]


def _repeat(item: tuple[_Gen, str, bool]) -> _Gen:
    (a, sa, xa), quantifier, capture = item
    text = f"({a}){quantifier}" if capture else f"(?:{a}){quantifier}"
    mixes = tuple(("", x + y) for x in sa[:2] for y in sa[:2] if x != y)
    attacks = tuple(("", s) for s in sa) + mixes + xa
    samples = (*sa, *(s + s for s in sa))
    return text, samples[:CAP], attacks[:CAP]


def _regexes() -> st.SearchStrategy[_Gen]:
    quantifiers = st.sampled_from(QUANTIFIERS)

    def extend(inner: st.SearchStrategy[_Gen]) -> st.SearchStrategy[_Gen]:
        return st.one_of(
            st.tuples(inner, inner).map(_concat),
            st.tuples(inner, inner).map(_alternation),
            st.tuples(inner, quantifiers, st.booleans()).map(_repeat),
            # repeated alternatives: where overlaps past ASCII hide
            st.tuples(st.tuples(inner, inner).map(_alternation), quantifiers, st.booleans()).map(
                _repeat
            ),
        )

    regexes = st.recursive(_atoms(), extend, max_leaves=6)
    looped = st.tuples(regexes, quantifiers, st.booleans()).map(_repeat)
    return st.one_of(regexes, looped, st.tuples(regexes, looped).map(_concat))


FLAGS = [0, re.IGNORECASE, re.ASCII, re.IGNORECASE | re.ASCII]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_regexes(), st.sampled_from(FLAGS))
def test_random_accepted_path_regexes_stay_linear_on_unicode(generated: _Gen, flags: int) -> None:
    regex, _, attacks = generated
    pattern = re.compile(regex, flags)
    if backtracking_problems(pattern):
        return  # refused: nothing to run
    for prefix, filler in attacks:
        for end in ("\x00", "!"):
            assert_linear(pattern, prefix, filler, end)


def test_the_generator_finds_what_an_ascii_only_check_misses() -> None:
    # The attacks the property test builds do reach the known case.
    text, _, attacks = _concat(
        (
            ("/wiki/", ("/wiki/",), ()),
            _repeat(((r"(?:\w|[^\x00-\x7f])", ("é",), ()), "+", False)),
        )
    )
    assert ("/wiki/", "é") in attacks
    pattern = re.compile(text)
    assert _seconds(pattern, "/wiki/" + "é" * 17 + "!") > 2 * _seconds(
        pattern, "/wiki/" + "é" * 15 + "!", runs=2
    )


# ------------------------------------------- what the Unicode model takes as given


def _unicode() -> Iterator[str]:
    return (chr(code) for code in range(128, 0x110000))


def test_re_categories_are_the_str_predicates_the_model_splits_by() -> None:
    # The rest classes: str.isdecimal (\d), str.isalnum (\w), str.isspace (\s), none;
    # a partition only if every decimal is alphanumeric and no space is.
    digit, word, space = (re.compile(c) for c in (r"\d", r"\w", r"\s"))
    for ch in _unicode():
        assert bool(digit.fullmatch(ch)) == ch.isdecimal(), hex(ord(ch))
        assert bool(word.fullmatch(ch)) == ch.isalnum(), hex(ord(ch))
        assert bool(space.fullmatch(ch)) == ch.isspace(), hex(ord(ch))
        assert not ch.isdecimal() or ch.isalnum(), hex(ord(ch))
        assert not (ch.isspace() and ch.isalnum()), hex(ord(ch))


def test_the_case_rules_the_model_relies_on_hold_over_all_of_unicode() -> None:
    _sre = pytest.importorskip("_sre")
    casefix = pytest.importorskip("re._casefix")
    special = {c for cs in _ASCII_CASE.values() for c in cs}
    # Pairs re's IGNORECASE can equate: simple lowercase, uppercase, and re's extra cases.
    related: list[tuple[str, str]] = []
    for ch in _unicode():
        lower = chr(_sre.unicode_tolower(ord(ch)))
        upper = ch.upper()
        if lower != ch:
            related.append((ch, lower))
        if len(upper) == 1 and upper != ch:
            related.append((ch, upper))
    related += [(chr(k), chr(v)) for k, vs in casefix._EXTRA_CASES.items() for v in vs]
    for a, b in related:
        for ch in (a, b):
            if ch.isascii():
                assert ch.isalpha(), (a, b)
                continue
            assert _may_have_case(ch), (a, b)
            assert not ch.isdecimal() and not ch.isspace(), (a, b)  # no rest digit/space
        if (a in special) != (b in special):  # they are equated with ASCII letters only
            assert a.isascii() or b.isascii(), (a, b)
        if a.isascii() != b.isascii():  # and are the only ones
            other, letter = (a, b) if b.isascii() else (b, a)
            assert other in _ASCII_CASE[letter.lower()], (a, b)
    ascii_letters = re.compile("[a-z]", re.IGNORECASE)
    assert {ch for ch in _unicode() if ascii_letters.fullmatch(ch)} == special
