"""Pinned behaviour of the regex-safety check (``cors_core._regex``).

Each test asserts what a caller sees: the exact refusal sentences of the public
functions (``regex_problems``, ``backtracking_problems``, ``literal_affixes``), the
``ConfigError`` a policy or a flask-cors ``resources`` key gets, and that the check
fails closed (refuses) on a regex it cannot prove safe.
"""

from __future__ import annotations

import re

import pytest

from adapters._flask_cors_options import build
from cors_core import ConfigError, CORSPolicy
from cors_core._regex import backtracking_problems, regex_problems

TOO_LARGE_ORIGIN = (
    "is too large or too deeply nested to prove safe against catastrophic backtracking",
    "split it into several smaller regexes, or list the origins in allow_origins",
)
TOO_LARGE_PATH = ("is too large or too deeply nested to prove safe", "simplify it")
BACKREF_FIX = "remove the backreference (an origin never needs one)"
EMPTY_FIX = (
    "make the repeated part match at least one character (e.g. (-[a-z0-9]+)* instead of "
    "(-?[a-z0-9]*)*)"
)


def _plain(value: object) -> str:
    """A test id of plain characters (the runner selects tests by id)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", str(value))[:48]


def _backref(text: str) -> str:
    return (
        f"uses a backreference ({text}), which re can only match by backtracking with no "
        "bound this check can prove"
    )


def _empty(text: str) -> str:
    return (
        f"repeats a part that can match the empty string ({text}), which re retries in "
        "every empty way at every step"
    )


def _resource_problems(key: str) -> list[tuple[str, str, str, str]]:
    with pytest.raises(ConfigError) as info:
        build({"resources": {key: {"origins": "https://app.example.com"}}})
    return [(p.option, p.entry, p.problem, p.fix) for p in info.value.problems]


# ------------------------------------------------------------- fails closed: too large

#: 1500 alternatives: more character tests than the check reads.
MANY_POSITIONS = "https://(" + "|".join(f"app{i}" for i in range(1500)) + r")\.example\.com"


def test_an_origin_regex_with_too_many_positions_is_refused_with_the_exact_sentence() -> None:
    assert regex_problems(re.compile(MANY_POSITIONS)) == [TOO_LARGE_ORIGIN]
    with pytest.raises(ConfigError) as info:
        CORSPolicy(allow_origin_regex=MANY_POSITIONS)
    [problem] = info.value.problems
    assert (problem.option, problem.problem, problem.fix) == (
        "allow_origin_regex",
        *TOO_LARGE_ORIGIN,
    )


def test_a_path_regex_with_too_many_positions_is_refused_with_the_exact_sentence() -> None:
    assert backtracking_problems(re.compile(MANY_POSITIONS)) == [TOO_LARGE_PATH]


# --------------------------------------------- flask-cors resources keys (request paths)


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (r"/api/(\w)\1", r"\1"),
        (r"/api/(?P<x>a)(?P=x)", r"\1"),
        (r"/api/(a)?(?(1)b|c)", "(?(1)...)"),
    ],
    ids=_plain,
)
def test_a_resources_key_with_a_backreference_is_refused(key: str, shown: str) -> None:
    assert _resource_problems(key) == [("resources", repr(key), _backref(shown), BACKREF_FIX)]
    assert backtracking_problems(re.compile(key)) == [(_backref(shown), BACKREF_FIX)]


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        (r"/api/(?:a?){2,}", "(?:a?){2,}"),
        (r"/api/(\b)+x", r"(\b)+"),
        (r"/api/(a|)*x", "(a|)*"),
        (r"/api/(?:)*x", "(?:)*"),
    ],
    ids=_plain,
)
def test_a_resources_key_repeating_an_empty_matching_part_is_refused(key: str, shown: str) -> None:
    assert _resource_problems(key) == [("resources", repr(key), _empty(shown), EMPTY_FIX)]
    assert backtracking_problems(re.compile(key)) == [(_empty(shown), EMPTY_FIX)]


# ------------------------------------------- regexes that can never match an Origin

DEAD = [
    (
        r"https://example\.com/x",
        "demands a path or a trailing '/' after the host, but an Origin header is only "
        "scheme://host[:port], so it never matches",
        "origins have no path: drop the '/...' part",
    ),
    (
        r"https://Example\.com",
        "only matches origins with uppercase letters, but browsers send the scheme and "
        "host in lowercase, so it never matches",
        "write the scheme and host in lowercase",
    ),
    (
        r"https://example\.com ",
        "only matches values holding whitespace or control characters, which an Origin "
        "header never contains, so it never matches",
        "remove the whitespace (in re.VERBOSE mode, escape spaces you mean)",
    ),
    (
        r"example\.com",
        "has no 'scheme://' part, but an Origin header always starts with one, so it never matches",
        r"start it with the scheme, e.g. https://app\.example\.com",
    ),
    (  # a scheme starts with a letter
        r"1https://a\.com",
        "has no 'scheme://' part, but an Origin header always starts with one, so it never matches",
        r"start it with the scheme, e.g. https://app\.example\.com",
    ),
    (
        r"https://exämple\.com",
        "can never match an Origin a browser sends (lowercase ASCII scheme://host[:port], no path)",
        "browsers send internationalised hosts in punycode: write the xn--... form",
    ),
    (
        "https://a\x00\\.com",
        "only matches values holding whitespace or control characters, which an Origin "
        "header never contains, so it never matches",
        "remove the whitespace (in re.VERBOSE mode, escape spaces you mean)",
    ),
    (
        r"https://a\.com[^\x00-\x7f]",
        "can never match an Origin a browser sends (lowercase ASCII scheme://host[:port], no path)",
        "compare it with the Origin header the browser sends (its network panel shows it)",
    ),
]


@pytest.mark.parametrize(("regex", "problem", "fix"), DEAD, ids=_plain)
def test_a_dead_origin_regex_gets_the_exact_sentence_and_fix(
    regex: str, problem: str, fix: str
) -> None:
    assert regex_problems(re.compile(regex)) == [(problem, fix)]


def test_a_regex_whose_every_match_is_too_long_gets_the_exact_fix() -> None:
    # The capturing group counts as its content.
    assert regex_problems(re.compile(r"https://(a{400})\.example\.com")) == [
        (
            "can never match: every match is at least 420 characters long, but an Origin "
            "longer than 320 characters is refused before any regex runs",
            "lower the repeat counts ({m} or {m,n}) or shorten the literal parts: an Origin "
            "is scheme://host[:port], at most 320 characters (a DNS host name has at most "
            "253)",
        )
    ]


def test_a_backreference_is_the_only_problem_named_for_its_regex() -> None:
    # Not also "no 'scheme://' part": what the regex matches is not analysed further.
    assert regex_problems(re.compile(r"(a)\1")) == [(_backref(r"\1"), BACKREF_FIX)]


def test_an_unexpected_failure_of_the_check_refuses_the_regex_with_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cors_core import _regex

    def broken(source: str, flags: int) -> object:
        raise ValueError("parser changed")

    monkeypatch.setattr(_regex, "_tree", broken)
    assert regex_problems(re.compile(r"https://[a-z]+\.example\.com")) == [
        (
            "could not be checked for catastrophic backtracking (ValueError('parser changed'))",
            "simplify the regex, or list the origins in allow_origins",
        )
    ]


def test_without_its_parser_another_python_is_named_by_its_implementation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "re._parser", None)
    monkeypatch.setattr(sys.implementation, "name", "pypy")
    [(problem, _)] = regex_problems(re.compile(r"https://[a-z]+\.example\.com"))
    v = sys.version_info
    assert f"the regex parser of this pypy {v.major}.{v.minor}.{v.micro} (re._parser)" in problem


# ------------------------------------------------- the allow_origins suggestion

_EXPONENTIAL = (
    r"can backtrack exponentially: (\w+-?)+ nests a repeat inside a repeat, so the same "
    "characters can be split between the iterations in exponentially many ways; a crafted "
    "Origin of about 30 characters then costs seconds of CPU (ReDoS)"
)
_REWRITE = (
    r"rewrite without nested or adjacent overlapping quantifiers (e.g. [\w-]+ instead of (\w+-?)+)"
)


@pytest.mark.parametrize(
    ("regex", "origins"),
    [
        (r"\Ahttps://(\w+-?)+\.example\.com\Z", ["https://*.example.com"]),
        (r"^https://(\w+-?)+\.example\.com$", ["https://*.example.com"]),
        (r"wss?://(\w+-?)+\.example\.com", ["ws://*.example.com", "wss://*.example.com"]),
        (r"https?://(\w+-?)+\.example\.com", ["http://*.example.com", "https://*.example.com"]),
        (r"x://(\w+-?)+\.example\.com", ["x://*.example.com"]),
        (r"http(s|x|)://(\w+-?)+\.example\.com", None),
        (r"http(s|x)://(\w+-?)+\.example\.com", None),  # two branches, not an optional s
        (r"http(XXXX|s)://(\w+-?)+\.example\.com", None),
        (r"http(s|\d)://(\w+-?)+\.example\.com", None),
        (r"https://app-(\w+-?)+", None),
    ],
    ids=_plain,
)
def test_the_fix_of_a_subdomain_regex_suggests_allow_origins(
    regex: str, origins: list[str] | None
) -> None:
    fix = _REWRITE if origins is None else f"use allow_origins={origins!r}, or {_REWRITE}"
    assert regex_problems(re.compile(regex)) == [(_EXPONENTIAL, fix)]


def test_an_optional_s_written_as_an_alternative_gets_the_suggestion() -> None:
    [(_, fix)] = regex_problems(re.compile(r"http(s|)://(\w+-?)+\.example\.com"))
    assert fix.startswith("use allow_origins=['http://*.example.com', 'https://*.example.com']")


# ------------------------------------------------------- repeats of single characters


def test_repeats_of_single_characters_in_flag_groups_count_as_single_characters() -> None:
    assert regex_problems(re.compile(r"https://(?i:[a-z])+(?i:[a-z0-9])*\.example\.com")) == []
    assert regex_problems(re.compile(r"https://(?i:[a-z])+(?:ab)*\.example\.com")) == [
        (
            "can backtrack quadratically through groups: the repeats (?:[a-z])+ and (?:ab)* "
            "follow each other and can match the same characters, and at least one repeats "
            "a group, which re backtracks through slowly (tens of milliseconds for a long "
            "Origin); two such repeats are accepted only over single characters, like .*.* "
            "or [a-z]+[a-z0-9]*",
            "use allow_origins=['https://*.example.com'], or rewrite without nested or "
            "adjacent overlapping quantifiers: merge the repeats into one, or separate them "
            r"with a character they cannot match (e.g. [a-z0-9-]+\.[a-z0-9-]+ instead of .*.*)",
        )
    ]


# ------------------------------------------- path regexes: the Unicode classes


@pytest.mark.parametrize(
    ("regex", "refused"),
    [
        (r"/(?:[\u2000-\u200a]a|\sa)+x", True),  # those are spaces: both branches read them
        (r"/(?:[\u2010-\u2015]a|\sa)+x", False),  # dashes are not spaces
        (r"(?i)/(?:€a|éa)+x", False),  # '€' has no case: IGNORECASE adds nothing to it
        (r"/(?:[^\W]a|aa)+x", True),  # [^\W] is \w
        (r"/(?:[^\W]a|-a)+x", False),
    ],
    ids=_plain,
)
def test_path_regexes_overlap_exactly_where_their_unicode_classes_do(
    regex: str, refused: bool
) -> None:
    problems = backtracking_problems(re.compile(regex))
    assert bool(problems) is refused, problems
    if refused:
        assert problems[0][0].startswith("can backtrack exponentially: ")


_CHAIN_FIX = (
    "rewrite without nested or adjacent overlapping quantifiers: merge the repeats into "
    "one, or separate them with a character they cannot match (e.g. "
    r"[a-z0-9-]+\.[a-z0-9-]+ instead of .*.*)"
)


@pytest.mark.parametrize(
    ("regex", "repeats"),
    [(r"/.*.*x", ".*, .*"), (r"/(?:ab)*(?:ab)*x", "(?:ab)*, (?:ab)*")],
    ids=_plain,
)
def test_a_path_regex_with_two_overlapping_repeats_names_them(regex: str, repeats: str) -> None:
    assert backtracking_problems(re.compile(regex)) == [
        (
            f"can backtrack polynomially: the repeats {repeats} follow each other and can "
            "match the same characters, so a failing match tries every way of splitting a "
            "long subject between them",
            _CHAIN_FIX,
        )
    ]


def test_an_unexpected_failure_of_the_path_check_refuses_the_regex(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cors_core import _regex

    def broken(tree: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(_regex, "_structural", broken)
    assert backtracking_problems(re.compile(r"/api/.*")) == [
        ("could not be checked for catastrophic backtracking (RuntimeError('boom'))", "simplify it")
    ]


@pytest.mark.parametrize(
    "regex",
    [
        r"/(?:[éz]a|[à-ÿ]a)+x",  # in a class
        r"/(?:(?>é)a|[à-ÿ]a)+x",  # in an atomic group
        r"/(?:(é)a|[à-ÿ]a)+x",  # in a group
        r"/(?:(?:é|üb)a|[à-ÿ]a)+x",  # in an alternative
        r"/(?:é{1,2}a|[à-ÿ]a)+x",  # in a repeat
        r"/(?:é+?a|[à-ÿ]a)+x",  # in a lazy repeat
        r"/(?:(?i:é)a|[à-ÿ]a)+x",  # under a flag
    ],
    ids=_plain,
)
def test_a_non_ascii_character_a_path_regex_names_overlaps_wherever_it_is_written(
    regex: str,
) -> None:
    # 'é' is in [à-ÿ]: both alternatives read 'éa', so the repeat is exponential.
    [(problem, _)] = backtracking_problems(re.compile(regex))
    assert problem.startswith("can backtrack exponentially: ")


def _rewrite(flat: str, text: str) -> str:
    return (
        "rewrite without nested or adjacent overlapping quantifiers "
        f"(e.g. {flat} instead of {text})"
    )


@pytest.mark.parametrize(
    ("regex", "fix"),
    [
        (r"https://(.+-?)+x", _rewrite(".+", "(.+-?)+")),
        (  # every ASCII character but a newline is what '.' matches
            "https://(?:[\\x00-\\x09\\x0b-\\x7f]+-?)+x",
            _rewrite(".+", r"(?:[\x00-\x09\x0b-\x7f]+-?)+"),
        ),
        (r"https://(?:[|-\x7f]+a?)+x", _rewrite(r"[a|-\x7f]+", r"(?:[|-\x7f]+a?)+")),
    ],
    ids=_plain,
)
def test_the_fix_of_a_nested_repeat_gives_one_class_for_its_characters(
    regex: str, fix: str
) -> None:
    [(_, found)] = regex_problems(re.compile(regex))
    assert found == fix


@pytest.mark.parametrize(
    ("regex", "fix"),
    [
        # over Unicode, \w is not [0-9A-Z_a-z]: the ASCII class is written out
        (r"/(?:[a-zA-Z0-9_]+-?)+x", _rewrite("[0-9A-Z_a-z-]+", "(?:[a-zA-Z0-9_]+-?)+")),
        # \d also matches non-ASCII digits: no class is sure to be right, the generic fix
        (r"/(?:\d+a?)+x", _rewrite("[a-z0-9-]+", r"(\w+-?)+")),
    ],
    ids=_plain,
)
def test_the_fix_of_a_nested_path_repeat_writes_only_exact_classes(regex: str, fix: str) -> None:
    [(_, found)] = backtracking_problems(re.compile(regex))
    assert found == fix
