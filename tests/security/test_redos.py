"""``allow_origin_regex`` is checked for catastrophic backtracking (ReDoS) and dead regexes.

``cors_core._regex.regex_problems`` must refuse every regex whose backtracking can
grow faster than quadratically with the ``Origin`` (``(\\w+-?)+``: 17 s for 37 bytes), and
accept the origin regexes people really write. The accepted tricky ones are then run
against adversarial inputs of the longest length a regex ever sees
(``MAX_ORIGIN_FOR_REGEX``) to show they stay fast.

Timing bounds here are deliberately generous (50 ms for work measured well under 1 ms on a
developer machine) so a loaded CI runner does not flake; what they catch is the
difference between milliseconds and seconds, which is what ReDoS is.
"""

from __future__ import annotations

import doctest
import re
import sys
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cors_core import ConfigError, CORSPolicy, _regex
from cors_core._regex import (
    MAX_ORIGIN_FOR_REGEX,
    _ambiguity,
    _syntax,
    backtracking_problems,
    literal_affixes,
    regex_problems,
)

GENEROUS_SECONDS = 0.050  # generous: the worst accepted cases measure up to ~0.5 ms


def _best_time(pattern: re.Pattern[str], text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        pattern.fullmatch(text)
        best = min(best, time.perf_counter() - start)
    return best


def _problems_text(regex: str, flags: int = 0) -> tuple[str, str]:
    problems = regex_problems(re.compile(regex, flags))
    assert problems, f"{regex!r} was accepted"
    assert all(isinstance(p, str) and isinstance(f, str) and p and f for p, f in problems)
    return " | ".join(p for p, _ in problems), " | ".join(f for _, f in problems)


# ------------------------------------------------------------------------ refused

REFUSED = [
    # (regex, words in the problem, words in the fix)
    (
        r"https://(\w+-?)+\.example\.com",
        ["backtrack exponentially", r"(\w+-?)+", "nests a repeat"],
        ["use allow_origins=['https://*.example.com']", r"[\w-]+ instead of (\w+-?)+"],
    ),
    (
        r"https?://(\w+-?)+\.example\.com",
        ["backtrack exponentially"],
        ["allow_origins=['http://*.example.com', 'https://*.example.com']"],
    ),
    (
        r"^https://(\w+-?)+\.example\.com:8443$",
        ["backtrack exponentially"],
        ["allow_origins=['https://*.example.com:8443']"],
    ),
    (r"https://(a+)+\.example\.com", ["backtrack exponentially", "(a+)+"], ["a+ instead of"]),
    (r"https://(a*)*\.example\.com", ["backtrack exponentially", "(a*)*"], ["nested"]),
    (r"https://(\w+\.?)*example\.com", ["backtrack exponentially", r"(\w+\.?)*"], ["nested"]),
    (r"https://(.*)*\.example\.com", ["backtrack exponentially", "(.*)*"], ["nested"]),
    (r"https://(a|a)*\.example\.com", ["backtrack exponentially", "alternatives"], ["nested"]),
    (r"https://(a|aa)*\.example\.com", ["backtrack exponentially", "alternatives"], ["nested"]),
    (
        r"https://(?:[a-z]+|[a-z0-9]+)*\.example\.com",
        ["backtrack exponentially"],
        ["[0-9a-z]* instead of"],
    ),
    (r"https://(\w+-?){1,10}\.example\.com", ["backtrack exponentially"], ["*.example.com"]),
    (  # the innermost culprit is named, not the whole outer repeat
        r"https://((\w+-?)+\.)*example\.com",
        [r"exponentially: (\w+-?)+ nests"],
        [r"[\w-]+ instead of (\w+-?)+"],
    ),
    (  # not a subdomain shape: the generic rewrite advice
        r"https://app-(\w+-?)+",
        ["backtrack exponentially"],
        ["rewrite without nested or adjacent overlapping quantifiers"],
    ),
    (
        r"(?x) https:// ( \w+ -? )+ \. example \. com",
        ["backtrack exponentially"],
        ["*.example.com"],
    ),
    (r"https://.*.*.*\.example\.com", ["polynomially", ".*, .* and .*", "power 3"], ["merge"]),
    (r"https://\w+\w+\w+\.example\.com", ["polynomially", "power 3"], ["merge"]),
    (r"https://.*a.*b.*c", ["polynomially", "power 3"], ["separate them"]),
    (r"https://.*.*\..*.*", ["polynomially", "power 4"], ["merge"]),
    (  # two overlapping repeats are accepted only over single characters
        r"https://(ab)*(ab)*\.example\.com",
        ["quadratically through groups", "(ab)* and (ab)*"],
        ["merge"],
    ),
    (  # ... and only when nothing else multiplies their quadratic cost
        r"https://.*(a|a).*\.example\.com",
        ["quadratically with a large constant"],
        ["exclusive"],
    ),
    (r"https://(?:a?){2,}\.example\.com", ["can match the empty string"], ["at least one"]),
    (r"https://(\b)+example\.com", ["can match the empty string"], ["at least one"]),
    (r"https://(a)\1\.com", ["backreference", r"\1"], ["remove the backreference"]),
    (r"https://(?P<x>a)(?P=x)\.com", ["backreference"], ["remove the backreference"]),
    (r"https://(a)?(?(1)b|c)\.com", ["backreference"], ["remove the backreference"]),
    (r"https://(?!.*evil)[a-z.]+", ["lookahead with a repeat", "(?!.*evil)"], ["without it"]),
    (r"https://(?:(a)|-a)++\.com", ["SystemError", "possessive"], ["non-capturing"]),
    # regexes that can never match what a browser sends
    (r"https://example\.com/.*", ["path or a trailing '/'"], ["origins have no path: drop"]),
    (r"https://example\.com/", ["path or a trailing '/'"], ["drop the '/...' part"]),
    (r"^https://example\.com/api$", ["path or a trailing '/'"], ["drop the '/...' part"]),
    (r"https://Example\.com", ["uppercase"], ["lowercase"]),
    (r"https://example\.com ", ["whitespace"], ["remove the whitespace"]),
    (r"example\.com", ["no 'scheme://' part"], ["start it with the scheme"]),
    (r"https://exämple\.com", ["can never match"], ["punycode"]),
]


@pytest.mark.parametrize(("regex", "problem_words", "fix_words"), REFUSED)
def test_refused_with_the_reason_and_the_fix(
    regex: str, problem_words: list[str], fix_words: list[str]
) -> None:
    problem, fix = _problems_text(regex)
    for word in problem_words:
        assert word in problem, (regex, problem)
    for word in fix_words:
        assert word in fix, (regex, fix)


def test_uppercase_only_regex_is_fine_when_compiled_ignoring_case() -> None:
    assert "uppercase" in _problems_text(r"HTTPS://EXAMPLE\.COM")[0]
    assert regex_problems(re.compile(r"HTTPS://EXAMPLE\.COM", re.IGNORECASE)) == []


def test_backtracking_and_dead_regex_problems_are_both_listed() -> None:
    problem, _ = _problems_text(r"(\w+-?)+\.example\.com")
    assert "backtrack exponentially" in problem
    assert "no 'scheme://' part" in problem


def test_an_unanalysable_regex_is_refused_with_one_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(source: str, flags: int) -> object:
        raise ValueError("parser changed")

    monkeypatch.setattr(_regex, "_tree", broken)
    problems = regex_problems(re.compile(r"https://[a-z]+\.example\.com"))
    assert len(problems) == 1
    assert "could not be checked" in problems[0][0]
    assert "allow_origins" in problems[0][1]


def _unsupported_python(fix: str) -> tuple[str, str]:
    v = sys.version_info
    name = "CPython" if sys.implementation.name == "cpython" else sys.implementation.name
    return (
        "could not be checked for catastrophic backtracking: this release of cors-core "
        f"supports CPython 3.11-3.13, and the regex parser of this {name} "
        f"{v.major}.{v.minor}.{v.micro} (re._parser) is missing or reads regexes differently",
        f"upgrade cors-core, or {fix}",
    )


ORIGINS_WITHOUT_PARSER = _unsupported_python("list the origins in allow_origins instead of a regex")
PATHS_WITHOUT_PARSER = _unsupported_python(
    "write the paths without regex syntax (plain text such as /api/, matched as a prefix)"
)


class _NewParser:
    """A parser whose trees hold a node this release does not know."""

    class _Parsed:
        data = [("NEW_NODE", None)]

        class state:  # the attribute name re._parser uses
            flags = 0

    @classmethod
    def parse(cls, source: str, flags: int) -> object:
        return cls._Parsed()


@pytest.mark.parametrize("missing", ["re._parser", "re._constants", "new shape"])
def test_without_the_parser_it_knows_the_check_names_the_python_and_the_way_out(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    origin_regex = re.compile(r"https://[a-z]+\.example\.com")
    path_regex = re.compile(r"/api/.*")
    if missing == "new shape":
        monkeypatch.setattr(_syntax, "_parser", lambda: _NewParser)
    else:
        monkeypatch.setitem(sys.modules, missing, None)  # the import now fails
    assert regex_problems(origin_regex) == [ORIGINS_WITHOUT_PARSER]
    assert backtracking_problems(path_regex) == [PATHS_WITHOUT_PARSER]
    assert backtracking_problems(re.compile("/api/users")) == []  # plain text: safe anyway
    assert literal_affixes(origin_regex) == ("", "")  # no screen, no crash
    with pytest.raises(ConfigError) as info:
        CORSPolicy(allow_origin_regex=origin_regex.pattern)
    [problem] = info.value.problems
    assert (problem.option, problem.problem, problem.fix) == (
        "allow_origin_regex",
        *ORIGINS_WITHOUT_PARSER,
    )


def test_without_the_parser_a_flask_cors_path_regex_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adapters._flask_cors_options import build

    monkeypatch.setitem(sys.modules, "re._parser", None)
    with pytest.raises(ConfigError) as info:
        build({"resources": {r"/api/.*": {"origins": "https://app.example.com"}}})
    [problem] = info.value.problems
    assert (problem.option, problem.problem, problem.fix) == ("resources", *PATHS_WITHOUT_PARSER)
    build({"resources": {"/api/": {"origins": "https://app.example.com"}}})  # plain: fine


# ------------------------------------------------------- too long to ever match


def test_a_regex_whose_every_match_is_too_long_is_refused_with_the_fix() -> None:
    [(problem, fix)] = regex_problems(re.compile(r"https://a{400}\.example\.com"))
    assert problem == (
        "can never match: every match is at least 420 characters long, but an Origin "
        "longer than 320 characters is refused before any regex runs"
    )
    assert fix.startswith("lower the repeat counts ({m} or {m,n})")
    assert "at most 320 characters" in fix


@pytest.mark.parametrize(
    ("regex", "shortest"),
    [
        (r"https://a{308}\.com", 320),  # exactly the longest Origin a regex sees
        (r"https://(?:a{400}|b)\.com", 13),  # the shortest branch counts
        (r"https://(?:a{400})?b\.com", 13),
        (r"https://(?:a{100}){0,9}b\.com", 13),
        (r"https://(?=a{400})[a-z]+\.com", 13),  # lookarounds read nothing
        (r"https://[a-z]{300}(?:\.[a-z]{3})?", 308),
    ],
)
def test_the_shortest_match_counts_min_over_branches_and_lo_repeats(
    regex: str, shortest: int
) -> None:
    assert _regex._min_length(_regex._tree(regex, 0)) == shortest
    assert not any("at least" in p for p, _ in regex_problems(re.compile(regex)))


@pytest.mark.parametrize(
    ("regex", "shortest"),
    [
        (r"https://a{309}\.com", 321),
        (r"https://(?:[a-z]{50}\.){7}com", 8 + 7 * 51 + 3),
        (r"(?:https://)(?:a{200}|b{300}){2}\.com", 8 + 400 + 4),
    ],
)
def test_one_character_past_the_bound_is_refused(regex: str, shortest: int) -> None:
    problems = [p for p, _ in regex_problems(re.compile(regex)) if "at least" in p]
    assert problems == [
        f"can never match: every match is at least {shortest} characters long, but an "
        "Origin longer than 320 characters is refused before any regex runs"
    ]


def test_a_regex_too_large_to_check_is_refused() -> None:
    huge = "https://(" + "|".join(f"app{i}" for i in range(1500)) + r")\.example\.com"
    problems = regex_problems(re.compile(huge))
    assert len(problems) == 1
    assert "too large" in problems[0][0]


def test_the_check_itself_is_fast_on_a_long_alternation() -> None:
    big = "https://(" + "|".join(f"app{i}-[a-z0-9]+" for i in range(200)) + r")\.example\.com"
    start = time.perf_counter()
    assert regex_problems(re.compile(big)) == []
    assert time.perf_counter() - start < 2.0  # generous; about 20 ms measured


# ----------------------------------------------------------------------- accepted

COMMON = [
    r"https://[a-z0-9-]+\.example\.com",
    r"https://(app|admin)\.example\.com",
    r"https://([a-z0-9-]+\.)?example\.com",
    r"https://.*\.example\.com",
    r"https://[a-z]+-pr-[0-9]+\.example\.com",
    r"http://localhost(:[0-9]+)?",
    r"https://(www\.)?example\.(com|org)",
    r"https://([a-z0-9]+[.])*example[.]com",
    r"^https://foo\.com$",
    r"\Ahttps://foo\.com\Z",
    r"https?://localhost:\d+",
    r"https://([a-z0-9-]+\.)*example\.com",
    r"https://[a-z0-9-]+\.(example|example-staging)\.com",
    r"https://example\.com/?",  # an optional trailing slash still matches the origin
    r"(?i)https://Example\.com",
    r"https://(?!admin\.)[a-z]+\.example\.com",  # a lookahead without a repeat
    r"https?://(\d{1,3}\.){3}\d{1,3}(:\d+)?",
    r"https://[a-z]+(\.[a-z]+)*\.example\.com:8443",
    r"chrome-extension://[a-p]{32}",
    r"https://(?:a|-a)++\.com",  # possessive without a capturing group
]


@pytest.mark.parametrize("regex", COMMON)
def test_common_origin_regexes_are_accepted(regex: str) -> None:
    assert regex_problems(re.compile(regex)) == []


# Accepted although they look suspicious: each is linear, or quadratic over two
# single-character repeats, and is run below against adversarial inputs.
TRICKY = [
    r"https://([a-z0-9]+[.])*example[.]com",  # '.' ends every iteration: one parse
    r"https://([a-z0-9-]+\.)*example\.com",
    r"https://(?:[a-z0-9]+-)*[a-z0-9]+\.example\.com",
    r"https://[a-z]+(-[a-z]+)*\.example\.com",
    r"https://(.*\.)?example\.com",
    r"https://.*\.example\.com",
    r"https://.*?\.example\.com",
    r"https?://(\d{1,3}\.){3}\d{1,3}(:\d+)?",
    r"https://(a|ab)*\.example\.com",  # unambiguous: every 'b' belongs to the 'a' before it
    r"https://(\w|\d)+\.example\.com",  # re's parser makes it one class, [\w\d]+
    r"https://.*.*\.example\.com",  # quadratic
    r"https://.*-.*\.example\.com",  # quadratic
    r"https://\w+\w+\.example\.com",  # quadratic
    r"https://[a-z]+-?[a-z]+\.example\.com",  # quadratic
    r"https://[a-z]*[a-z0-9]*\.example\.com",  # quadratic
    r"https://(.*)(.*)\.example\.com",  # quadratic (the groups are outside the repeats)
    r"https://.*?.*?x",  # quadratic, lazy
    r"(?i)https://.*.*\.EXAMPLE\.com",  # quadratic, ignoring case
]


def _pieces(regex: str) -> list[str]:
    """Fillers for adversarial inputs: generic ones and the regex's own literal pieces."""
    literal = re.sub(r"\\(.)", r"\1", regex)
    found = [p for p in re.split(r"[\[\](){}?*+|^$\\]", literal) if p]
    return ["a", "a-", "a.", "-", ".", "aa.", "0", "ax", "A", "example.com", *found]


def _adversarial(regex: str, length: int = MAX_ORIGIN_FOR_REGEX) -> Iterator[str]:
    for prefix in ("https://", "http://", ""):
        for filler in _pieces(regex):
            for end in ("!", "/", ".", "-", "A", ""):
                body = (filler * length)[: length - len(prefix) - len(end)]
                yield prefix + body + end


def _worst(pattern: re.Pattern[str]) -> tuple[float, str]:
    worst, text = 0.0, ""
    for candidate in _adversarial(pattern.pattern):
        spent = _best_time(pattern, candidate, runs=1)
        if spent > 0.002:  # measure again: a single slow run may be the machine's
            spent = _best_time(pattern, candidate, runs=3)
        if spent > worst:
            worst, text = spent, candidate
    return worst, text


@pytest.mark.parametrize("regex", TRICKY)
def test_tricky_accepted_regexes_stay_fast_on_adversarial_origins(regex: str) -> None:
    pattern = re.compile(regex)
    assert regex_problems(pattern) == []
    worst, text = _worst(pattern)
    assert worst < GENEROUS_SECONDS, (regex, f"{worst * 1000:.1f} ms", text[:40])


def test_regexes_never_see_longer_origins_than_the_bound_assumes() -> None:
    # The timing argument holds up to MAX_ORIGIN_FOR_REGEX characters: the engine must
    # refuse longer Origin values by length before any regex runs.
    from cors_core import _origins

    assert _origins.MAX_ORIGIN_LENGTH <= MAX_ORIGIN_FOR_REGEX
    assert _origins.parse_origin("https://" + "a" * MAX_ORIGIN_FOR_REGEX) is None


def test_the_worst_quadratic_case_stays_well_under_the_bound() -> None:
    # ".*.*" against dots: every split of the 310 characters between the two repeats is
    # tried, then each tail fails: ~48,000 steps, about 0.3 ms measured.
    pattern = re.compile(r"https://.*.*\.example\.com")
    assert regex_problems(pattern) == []
    text = "https://" + "." * (MAX_ORIGIN_FOR_REGEX - 9) + "!"
    assert _best_time(pattern, text) < GENEROUS_SECONDS


def test_the_refused_example_really_is_catastrophic() -> None:
    # 25 characters: about 2**16 ways to split the 'a's (a few ms); 37 take ~18 s.
    text = "https://" + "a" * 16 + "!"
    slow = re.compile(r"https://(\w+-?)+\.example\.com")
    fast = re.compile(r"https://[\w-]+\.example\.com")
    assert regex_problems(slow) and not regex_problems(fast)
    slow_time = _best_time(slow, text, runs=1)
    fast_time = _best_time(fast, text, runs=5)
    assert slow_time > 10 * fast_time, (slow_time, fast_time)
    # and it doubles with every extra character: exponential, not merely slow
    longer = _best_time(slow, "https://" + "a" * 18 + "!", runs=1)
    assert longer > 2 * slow_time


# ------------------------------------------------------- random regexes (soundness)

_ATOMS = ["a", "b", "-", r"\.", "[ab]", "[a-]", r"\w", ".", "[^.]", "ab", "a?", "(?:a|)"]
_QUANTIFIERS = ["*", "+", "?", "{1,3}", "*?", "{2,}"]


def _regex_strategy() -> st.SearchStrategy[str]:
    atoms = st.sampled_from(_ATOMS)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map(lambda ab: f"({ab[0]}|{ab[1]})"),
            st.tuples(inner, st.sampled_from(_QUANTIFIERS)).map(lambda iq: f"(?:{iq[0]}){iq[1]}"),
        )

    return st.recursive(atoms, extend, max_leaves=8)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_regex_strategy())
def test_random_accepted_regexes_stay_fast(body: str) -> None:
    pattern = re.compile(body)
    problems = regex_problems(pattern)
    if any("scheme" not in p for p, _ in problems):
        return  # refused for backtracking: nothing to run
    for filler in ("a", "b", "-", ".", "ab", "a-", "a.", "-a", "aa.", "a-b."):
        for end in ("!", "", "b"):
            text = (filler * MAX_ORIGIN_FOR_REGEX)[: MAX_ORIGIN_FOR_REGEX - len(end)] + end
            if _best_time(pattern, text, runs=1) > 0.002:
                assert _best_time(pattern, text) < GENEROUS_SECONDS, (body, text[:20])


# --------------------------------------------------------------------- doctests


def test_docstring_examples_run() -> None:
    results = [
        doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        for module in (_regex, _syntax, _ambiguity)
    ]
    assert sum(r.failed for r in results) == 0
    assert results[0].attempted > 0
