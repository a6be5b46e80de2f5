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
from cors_core._regex import backtracking_problems, literal_affixes, regex_problems
from cors_core._regex._syntax import _rest_in

TOO_LARGE_ORIGIN = (
    "is too large or too deeply nested to prove safe against catastrophic backtracking",
    "split it into several smaller regexes, or list the origins in allow_origins",
)
TOO_LARGE_PATH = ("is too large or too deeply nested to prove safe", "simplify it")
BACKREF_FIX = "remove the backreference (an origin never needs one)"
PATH_BACKREF_FIX = (
    "remove the backreference (match each part with its own character class, e.g. [^/]+ "
    "for one path segment)"
)
PATH_LOOKAHEAD_FIX = (
    "write the regex without it (use a character class, e.g. [^/]+ for one path segment, "
    "or list the paths)"
)


def _quadratic_groups(first: str, second: str) -> tuple[str, str]:
    """The refusal of two adjacent repeats of groups that can match the same text."""
    return (
        f"can backtrack quadratically through groups: the repeats {first} and {second} "
        "follow each other and can match the same characters, and at least one repeats a "
        "group, which re backtracks through slowly (tens of milliseconds for a long "
        "Origin); two such repeats are accepted only over single characters, like .*.* or "
        "[a-z]+[a-z0-9]*",
        "rewrite without nested or adjacent overlapping quantifiers: merge the repeats into "
        "one, or separate them with a character they cannot match (e.g. "
        "[a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)",
    )


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
    assert _resource_problems(key) == [("resources", repr(key), _backref(shown), PATH_BACKREF_FIX)]
    assert backtracking_problems(re.compile(key)) == [(_backref(shown), PATH_BACKREF_FIX)]


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

    def broken(tree: object, paths: bool = False) -> object:
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


# ------------------------------------ which characters two adjacent repeats can share
#
# Over Unicode (path regexes), two adjacent repeats of single characters are refused
# exactly when some character can be read by both. re itself is the authority: each case
# names a character both tests match (checked with re), or None, and then no character of
# a sample holding every ASCII character and every character the case names matches both.

_SAMPLES = [chr(c) for c in range(128)] + list("\x80\x81\x90\xe9\xc9\u0131\u017f\u212a")
_SAMPLES += list("\xff\u0177\u0178\u0663\u2000\u2002\u2003\u2190\u2195\uffff\U0010ffff")


@pytest.mark.parametrize(
    ("flags", "first", "second", "shared"),
    [
        ("", r"[\u2001-\u2003]", r"\s", "\u2002"),  # those are spaces
        ("", r"[\u2190-\u2195]", r"\s", None),  # arrows are not
        ("", r"[\x00-\x80]", r"\x80", "\x80"),  # a range ending on U+0080
        ("", r"\x80", r"[\x80-\x81]", "\x80"),
        ("", r"[\x80y]", r"[\x80-\x81]", "\x80"),  # U+0080 named in a class only
        ("", r"[a-\x80]", "a", "a"),  # a range across the end of ASCII keeps its ASCII part
        ("", r"[^\x00-\U0010ffff]", "[^a]", None),  # no character at all
        ("", r"[^\x80-\x90]", r"\x00", "\x00"),
        ("(?a)", r"\d", r"[^\x00-\x7f]", None),  # re.ASCII: \d is [0-9]
        ("(?a)", r"\s", r"[^\x00-\x7f]", None),  # re.ASCII: \s is [ \t\n\r\f\v]
        ("(?i)", "[a-k]", "(?-i:b)", "b"),  # a range holding k keeps its other letters
        ("(?i)", "[a\xe9]", "(?-i:a)", "a"),  # a class holding a cased non-ASCII letter
        ("(?i)", "[a-c]", "(?-i:C)", "C"),
        ("(?i)", "[^a]", "(?-i:A)", None),  # [^a] under IGNORECASE refuses 'A' too
        ("", "[^a]", "a", None),
        ("(?i)", "[ka]", r"(?-i:[^\x00-\x7f])", "\u212a"),  # KELVIN SIGN folds to k
        ("(?ai)", "[ka]", r"(?-i:[^\x00-\x7f])", None),  # ... but not under re.ASCII
        # re.ASCII folds a class with a range beyond U+FFFF with Unicode's case rules
        ("(?ai)", r"[\u0178-\U00010000]", r"(?-i:\xff)", "\xff"),
        ("(?ai)", r"[\u0178-\uffff]", r"(?-i:\xff)", None),
        ("", r"(?u:\d)", r"[^\x00-\x7f]", "\u0663"),  # (?u:...) inside is Unicode
        ("(?a)", r"(?i:\d)", r"[^\x00-\x7f]", None),  # another flag keeps re.ASCII
        ("", r"(?a:\d)", r"[^\x00-\x7f]", None),
        ("(?i)", "[\u00e0-\u00e5]", "(?-i:\u00c0)", "\u00c0"),  # a range of cased letters
        ("", r"\d", r"\x00", None),
        ("", r"\s", r"\x00", None),
        ("", r"\w", "[\\x00\u2190]", None),
        ("", r"\x80", r"\d", None),
    ],
    ids=_plain,
)
def test_two_path_repeats_are_refused_exactly_when_re_lets_them_share_a_character(
    flags: str, first: str, second: str, shared: str | None
) -> None:
    _rest_in.cache_clear()  # a memo: read the classes of these ranges afresh

    def both(ch: str) -> bool:
        return all(re.fullmatch(flags + test, ch) for test in (first, second))

    if shared is None:
        assert not [ch for ch in _SAMPLES if both(ch)]
    else:
        assert both(shared)
    problems = backtracking_problems(re.compile(f"{flags}/{first}*{second}*"))
    if shared is None:
        assert problems == []
    else:
        [(problem, fix)] = problems
        assert problem.startswith("can backtrack polynomially: the repeats ")
        assert fix == _CHAIN_FIX


_FOLD_EDGES = "@AZ[`az{"


@pytest.mark.parametrize("first", _FOLD_EDGES)
@pytest.mark.parametrize("second", _FOLD_EDGES)
def test_ignorecase_folds_ascii_exactly_as_re_does(first: str, second: str) -> None:
    # (?i)X* then a case-sensitive Y*: they share a character only if re folds X to Y.
    regex = f"(?i)/{re.escape(first)}*(?-i:{re.escape(second)})*"
    shared = re.fullmatch(f"(?i){re.escape(first)}", second) is not None
    assert bool(backtracking_problems(re.compile(regex))) is shared


@pytest.mark.parametrize(
    ("regex", "flags", "origin"),
    [
        (r"https://[^a]+\.com", re.IGNORECASE, "https://b.com"),
        (r"https://[^a]+\.com", re.IGNORECASE | re.ASCII, "https://b.com"),
        (r"https://[^ab]+\.com", re.IGNORECASE | re.ASCII, "https://c.com"),
    ],
    ids=_plain,
)
def test_a_negated_class_under_ignorecase_still_matches_an_origin(
    regex: str, flags: int, origin: str
) -> None:
    assert re.fullmatch(regex, origin, flags)
    assert regex_problems(re.compile(regex, flags)) == []
    CORSPolicy(allow_origin_regex=re.compile(regex, flags))


@pytest.mark.parametrize("regex", ["/x(?!\xe9)", "/x(?<=\xe9)", "/x(?=\xe9)", "/x(?<!\xe9)"])
def test_a_non_ascii_character_in_a_lookaround_is_read(regex: str) -> None:
    assert backtracking_problems(re.compile(regex)) == []


def test_a_regex_is_shown_as_re_reads_it_groups_alternatives_and_counts() -> None:
    regex = r"/((?:ab|cd)e{2}f{1,3}[.a][+-.][^.][xy]\u2028\uffff(?>gh)(?<=h)(?<!i))++"
    assert backtracking_problems(re.compile(regex)) == [
        (
            r"puts a capturing group inside a possessive repeat (((?:ab|cd)e{2}f{1,3}[.a]"
            r"[+-.][^.][xy]\u2028\uffff(?>gh)(?<=h)(?<!i))++), "
            "which makes Python 3.11's re raise SystemError on some inputs (CPython issue "
            "gh-101955): a crafted request path would become a server error",
            "make the group non-capturing, (?:...), or use a plain repeat (+ instead of ++)",
        )
    ]


def test_a_character_beyond_the_bmp_is_shown_as_re_writes_it() -> None:
    # \U0010ffff, not \u10ffff (which re reads as U+10FF followed by 'ff').
    regex = r"https://(?:[\x00-\U0010ffff]+-?)+\.example\.com"
    assert regex_problems(re.compile(regex)) == [
        (
            r"can backtrack exponentially: (?:[\x00-\U0010ffff]+-?)+ nests a repeat inside "
            "a repeat, so the same characters can be split between the iterations in "
            "exponentially many ways; a crafted Origin of about 30 characters then costs "
            "seconds of CPU (ReDoS)",
            "use allow_origins=['https://*.example.com'], or rewrite without nested or "
            r"adjacent overlapping quantifiers (e.g. .+ instead of (?:[\x00-\U0010ffff]+-?)+)",
        )
    ]


_LOOKAHEAD_FIX = (
    "write the regex without it (list the allowed origins, or use a character class such "
    "as [a-z0-9-]+)"
)


@pytest.mark.parametrize("look", ["(?=a+)", "(?!a+)"])
def test_a_lookahead_holding_a_repeat_is_refused_and_shown(look: str) -> None:
    problem = (
        f"uses a lookahead with a repeat inside ({look}), which is re-run at every "
        "position it is tried, with no bound this check can prove"
    )
    assert backtracking_problems(re.compile(f"/x{look}")) == [(problem, PATH_LOOKAHEAD_FIX)]
    origin_regex = re.compile(f"https://x{look}[a-z]+\\.example\\.com")
    assert regex_problems(origin_regex) == [(problem, _LOOKAHEAD_FIX)]


def test_a_fix_for_a_path_regex_speaks_of_paths_and_one_for_an_origin_of_origins() -> None:
    """The same construct gets a fix in the words of what the regex is matched against."""
    for regex in (r"/a/(\w)\1", r"/(a)++", r"/x(?=a+)"):
        for problem, fix in backtracking_problems(re.compile(regex)):
            assert "origin" not in (problem + fix).lower(), (regex, problem, fix)
    crafted = regex_problems(re.compile(r"https://(a)++\.example\.com"))
    assert crafted[0][0].endswith("a crafted Origin would become a server error")


@pytest.mark.parametrize("look", ["(?<=a{2})", "(?<!a{2})"])
def test_a_lookbehind_holding_a_fixed_repeat_is_accepted(look: str) -> None:
    # re runs a lookbehind once per position over a fixed width: no repeat to retry.
    assert backtracking_problems(re.compile(f"/x{look}")) == []


# ------------------------- a quadratic pair of repeats and other ambiguity in the regex

_PAIR = "[a-z]+ and [a-z0-9]*"


def _large_constant(where: str) -> tuple[str, str]:
    return (
        f"can backtrack quadratically with a large constant: the repeats {_PAIR} can split "
        "the same characters between them, and elsewhere a text can be matched in more "
        f"than one way (at {where}), which multiplies that cost",
        "make the alternatives and optional parts exclusive (each text matched one way "
        f"only), or merge the repeats {_PAIR} into one",
    )


@pytest.mark.parametrize(
    ("regex", "where"),
    [
        (r"(?:ht|\wt)tps://[a-z]+[a-z0-9]*\.com", r"h and \w"),  # at the very start
        (r"https://(?:ab|cd|\wd)[a-z]+[a-z0-9]*\.com", r"a and \w"),  # the first overlap
        (r"https://x(?:|y?)z[a-z]+[a-z0-9]*\.com", "z"),  # two routes from x to z
        (r"https://(?:ab|cd)[a-z]+[a-z0-9]*\.com", None),  # a and c never overlap
        (r"https://a(?:|b?)[a-z]+[a-z0-9]*\.com", None),  # two ways into the pair only
    ],
    ids=_plain,
)
def test_other_ambiguity_beside_a_quadratic_pair_is_named(regex: str, where: str | None) -> None:
    expected = [] if where is None else [_large_constant(where)]
    assert regex_problems(re.compile(regex)) == expected


@pytest.mark.parametrize(
    ("regex", "affixes"),
    [
        ("\x00ab", ("", "ab")),  # a NUL is never part of the screen
        ("\x01ab", ("\x01ab", "\x01ab")),
        ("(?>ab)c", ("", "c")),  # an atomic group is not read through
        ("a(?>bc)", ("a", "")),
    ],
    ids=_plain,
)
def test_literal_affixes_stop_at_what_is_not_a_plain_character(
    regex: str, affixes: tuple[str, str]
) -> None:
    assert literal_affixes(re.compile(regex)) == affixes


def test_an_alternative_of_s_and_a_repeat_is_no_optional_s() -> None:
    assert regex_problems(re.compile(r"http(?:s|\d+)://(\w+-?)+\.example\.com")) == [
        (
            r"can backtrack exponentially: (\w+-?)+ nests a repeat inside a repeat, so the "
            "same characters can be split between the iterations in exponentially many "
            "ways; a crafted Origin of about 30 characters then costs seconds of CPU (ReDoS)",
            r"rewrite without nested or adjacent overlapping quantifiers (e.g. [\w-]+ "
            r"instead of (\w+-?)+)",
        )
    ]


# ----------------------------------------- the analysis, pinned on regexes it decides
#
# Each regex, read as an allow_origin_regex and as a path regex, with the exact answers.
# Found by comparing the check against deliberately broken copies of it: each one tells
# apart a way of getting the ambiguity degree or the named repeats wrong.

_DECIDED: list[tuple[str, list[tuple[str, str]], list[tuple[str, str]]]] = [
    (
        "((?:-{2}(?:a|\\w)c+(?:a|\\w)c{2})+)\\.com",
        [
            (
                (
                    "can backtrack exponentially: (?:-{2}[a\\w]c+[a\\w]c{2})+ (as re reads "
                    "it) nests a repeat inside a repeat, so the same characters can be "
                    "split between the iterations in exponentially many ways; a crafted "
                    "Origin of about 30 characters then costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[\\w-]+ instead of (?:-{2}[a\\w]c+[a\\w]c{2})+)"
                ),
            ),
            (
                (
                    "has no 'scheme://' part, but an Origin header always starts with one, "
                    "so it never matches"
                ),
                "start it with the scheme, e.g. https://app\\.example\\.com",
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:-{2}[a\\w]c+[a\\w]c{2})+ (as re reads "
                    "it) nests a repeat inside a repeat, so the same characters can be "
                    "split between the iterations in exponentially many ways; a crafted "
                    "Origin of about 30 characters then costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[a-z0-9-]+ instead of (\\w+-?)+)"
                ),
            ),
        ],
    ),
    (
        "(.{2}(?:[^a]+.+x{1,3}x{2})-)?ab",
        [
            (
                (
                    "can backtrack polynomially: the repeats .{2}, [^a]+, .+ and 2 more "
                    "follow each other and can match the same characters, so a failing "
                    "match tries every way of splitting the Origin between them (time "
                    "grows as its length to the power 5); at most two such repeats in a "
                    "row are accepted"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack polynomially: the repeats .{2}, [^a]+, .+, x{1,3}, x{2} "
                    "follow each other and can match the same characters, so a failing "
                    "match tries every way of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "/(([a-z0-9]*)?(?:a|\\w)c[^a]{2}a{1,3})a",
        [
            (
                (
                    "can backtrack quadratically with a large constant: the repeats "
                    "[a-z0-9]* and [^a]{2} can split the same characters between them, and "
                    "elsewhere a text can be matched in more than one way (at [a\\w]), "
                    "which multiplies that cost"
                ),
                (
                    "make the alternatives and optional parts exclusive (each text matched "
                    "one way only), or merge the repeats [a-z0-9]* and [^a]{2} into one"
                ),
            ),
            (
                (
                    "can never match an Origin a browser sends (lowercase ASCII "
                    "scheme://host[:port], no path)"
                ),
                (
                    "compare it with the Origin header the browser sends (its network "
                    "panel shows it)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack polynomially: the repeats [a-z0-9]*, [^a]{2} follow "
                    "each other and can match the same characters, so a failing match "
                    "tries every way of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "/(?:a|\\w)c?ab*(?:a|\\w)c{1,3}(?:([^a][a-z0-9]?x{1,3}(?:a|b){2})?\\.*\\w+)",
        [
            (
                (
                    "can backtrack quadratically with a large constant: the repeats "
                    "[ab]{2} and \\w+ can split the same characters between them, and "
                    "elsewhere a text can be matched in more than one way (at b and "
                    "[a\\w]), which multiplies that cost"
                ),
                (
                    "make the alternatives and optional parts exclusive (each text matched "
                    "one way only), or merge the repeats [ab]{2} and \\w+ into one"
                ),
            ),
            (
                (
                    "can never match an Origin a browser sends (lowercase ASCII "
                    "scheme://host[:port], no path)"
                ),
                (
                    "compare it with the Origin header the browser sends (its network "
                    "panel shows it)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack polynomially: the repeats [ab]{2}, \\w+ follow each "
                    "other and can match the same characters, so a failing match tries "
                    "every way of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "/(?:d(?:bc)*)*(?:d(?:bc)*)*x",
        [
            _quadratic_groups("(?:d(?:bc)*)*", "(?:d(?:bc)*)*"),
            (
                (
                    "can never match an Origin a browser sends (lowercase ASCII "
                    "scheme://host[:port], no path)"
                ),
                (
                    "compare it with the Origin header the browser sends (its network "
                    "panel shows it)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack polynomially: the repeats (?:d(?:bc)*)*, (?:d(?:bc)*)* "
                    "follow each other and can match the same characters, so a failing "
                    "match tries every way of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "/[a-z]*x*a?ab",
        [
            (
                (
                    "can backtrack quadratically with a large constant: the repeats [a-z]* "
                    "and x* can split the same characters between them, and elsewhere a "
                    "text can be matched in more than one way (at a and a), which "
                    "multiplies that cost"
                ),
                (
                    "make the alternatives and optional parts exclusive (each text matched "
                    "one way only), or merge the repeats [a-z]* and x* into one"
                ),
            ),
            (
                (
                    "can never match an Origin a browser sends (lowercase ASCII "
                    "scheme://host[:port], no path)"
                ),
                (
                    "compare it with the Origin header the browser sends (its network "
                    "panel shows it)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack polynomially: the repeats [a-z]*, x* follow each other "
                    "and can match the same characters, so a failing match tries every way "
                    "of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "/api/(\\w+-?)+/x",
        [
            (
                (
                    "can backtrack exponentially: (\\w+-?)+ nests a repeat inside a repeat, "
                    "so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[\\w-]+ instead of (\\w+-?)+)"
                ),
            ),
            (
                (
                    "can never match an Origin a browser sends (lowercase ASCII "
                    "scheme://host[:port], no path)"
                ),
                (
                    "compare it with the Origin header the browser sends (its network "
                    "panel shows it)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (\\w+-?)+ nests a repeat inside a repeat, "
                    "so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[a-z0-9-]+ instead of (\\w+-?)+)"
                ),
            ),
        ],
    ),
    (
        "[a-z0-9](?:a|\\w)c?\\.+(([^a]{2}x-){2,}[^a]*-{2}-*){2,}x",
        [
            (
                (
                    "can backtrack exponentially: ([^a]{2}x-){2,} nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[\\x00-,.-`b-\\x7f-]+ instead of ([^a]{2}x-){2,})"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: ([^a]{2}x-){2,} nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[a-z0-9-]+ instead of (\\w+-?)+)"
                ),
            ),
        ],
    ),
    (
        "\\w{2}a(?:a|\\w)c*.+",
        [],
        [
            (
                (
                    "can backtrack polynomially: the repeats c*, .+ follow each other and "
                    "can match the same characters, so a failing match tries every way of "
                    "splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "https://(?:[(-+]+x?)+x",
        [
            (
                (
                    "can backtrack exponentially: (?:[(-+]+x?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[(-+x]+ instead of (?:[(-+]+x?)+)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:[(-+]+x?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[(-+x]+ instead of (?:[(-+]+x?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(?:[.a]+x?)+x",
        [
            (
                (
                    "can backtrack exponentially: (?:[.a]+x?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[.ax]+ instead of (?:[.a]+x?)+)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:[.a]+x?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[.ax]+ instead of (?:[.a]+x?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(?:[\\x00-\\x05]+a?)+x",
        [
            (
                (
                    "can backtrack exponentially: (?:[\\x00-\\x05]+a?)+ nests a repeat "
                    "inside a repeat, so the same characters can be split between the "
                    "iterations in exponentially many ways; a crafted Origin of about 30 "
                    "characters then costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[\\x00-\\x05a]+ instead of (?:[\\x00-\\x05]+a?)+)"
                ),
            ),
            (
                (
                    "only matches values holding whitespace or control characters, which "
                    "an Origin header never contains, so it never matches"
                ),
                "remove the whitespace (in re.VERBOSE mode, escape spaces you mean)",
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:[\\x00-\\x05]+a?)+ nests a repeat "
                    "inside a repeat, so the same characters can be split between the "
                    "iterations in exponentially many ways; a crafted Origin of about 30 "
                    "characters then costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[\\x00-\\x05a]+ instead of (?:[\\x00-\\x05]+a?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(?:[a-c]+x?)+x",
        [
            (
                (
                    "can backtrack exponentially: (?:[a-c]+x?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[a-cx]+ instead of (?:[a-c]+x?)+)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:[a-c]+x?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[a-cx]+ instead of (?:[a-c]+x?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(?:[acegikm]+o?)+x",
        [
            (
                (
                    "can backtrack exponentially: (?:[acegikm]+o?)+ nests a repeat inside "
                    "a repeat, so the same characters can be split between the iterations "
                    "in exponentially many ways; a crafted Origin of about 30 characters "
                    "then costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[acegikmo]+ instead of (?:[acegikm]+o?)+)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:[acegikm]+o?)+ nests a repeat inside "
                    "a repeat, so the same characters can be split between the iterations "
                    "in exponentially many ways; a crafted Origin of about 30 characters "
                    "then costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[acegikmo]+ instead of (?:[acegikm]+o?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(?:[acegikmo]+q?)+x",
        [
            (
                (
                    "can backtrack exponentially: (?:[acegikmo]+q?)+ nests a repeat inside "
                    "a repeat, so the same characters can be split between the iterations "
                    "in exponentially many ways; a crafted Origin of about 30 characters "
                    "then costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[a-z0-9-]+ instead of (\\w+-?)+)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:[acegikmo]+q?)+ nests a repeat inside "
                    "a repeat, so the same characters can be split between the iterations "
                    "in exponentially many ways; a crafted Origin of about 30 characters "
                    "then costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[a-z0-9-]+ instead of (\\w+-?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(?:\\w+\\w?)+x",
        [
            (
                (
                    "can backtrack exponentially: (?:\\w+\\w?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. \\w+ "
                    "instead of (?:\\w+\\w?)+)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:\\w+\\w?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[a-z0-9-]+ instead of (\\w+-?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(?:\\x00+\\x00?)+x",
        [
            (
                (
                    "can backtrack exponentially: (?:\\x00+\\x00?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "\\x00+ instead of (?:\\x00+\\x00?)+)"
                ),
            ),
            (
                (
                    "only matches values holding whitespace or control characters, which "
                    "an Origin header never contains, so it never matches"
                ),
                "remove the whitespace (in re.VERBOSE mode, escape spaces you mean)",
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:\\x00+\\x00?)+ nests a repeat inside a "
                    "repeat, so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "\\x00+ instead of (?:\\x00+\\x00?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(?:a?b?)+\\.com",
        [
            (
                (
                    "can backtrack exponentially: (?:a?b?)+ repeats alternatives that can "
                    "match the same characters, so a text can be matched in exponentially "
                    "many ways; a crafted Origin of about 30 characters then costs seconds "
                    "of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[ab]+ instead of (?:a?b?)+)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (?:a?b?)+ repeats alternatives that can "
                    "match the same characters, so a text can be matched in exponentially "
                    "many ways; a crafted Origin of about 30 characters then costs seconds "
                    "of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[ab]+ instead of (?:a?b?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(?:a{0,2}b)+\\.com",
        [],
        [],
    ),
    (
        "https://([^a]{1,3}[a-z0-9]{2})?(?:ab|a)x",
        [],
        [
            (
                (
                    "can backtrack polynomially: the repeats [^a]{1,3}, [a-z0-9]{2} follow "
                    "each other and can match the same characters, so a failing match "
                    "tries every way of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "https://(\\w+-?)+\\.example\\.com",
        [
            (
                (
                    "can backtrack exponentially: (\\w+-?)+ nests a repeat inside a repeat, "
                    "so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "use allow_origins=['https://*.example.com'], or rewrite without "
                    "nested or adjacent overlapping quantifiers (e.g. [\\w-]+ instead of "
                    "(\\w+-?)+)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (\\w+-?)+ nests a repeat inside a repeat, "
                    "so the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. "
                    "[a-z0-9-]+ instead of (\\w+-?)+)"
                ),
            ),
        ],
    ),
    (
        "https://(a*)*\\.com",
        [
            (
                (
                    "can backtrack exponentially: (a*)* nests a repeat inside a repeat, so "
                    "the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. a* "
                    "instead of (a*)*)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack exponentially: (a*)* nests a repeat inside a repeat, so "
                    "the same characters can be split between the iterations in "
                    "exponentially many ways; a crafted Origin of about 30 characters then "
                    "costs seconds of CPU (ReDoS)"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers (e.g. a* "
                    "instead of (a*)*)"
                ),
            ),
        ],
    ),
    (
        "https://-{1,3}(?:(b*)?)?[a-z0-9]{2}x",
        [],
        [
            (
                (
                    "can backtrack polynomially: the repeats b*, [a-z0-9]{2} follow each "
                    "other and can match the same characters, so a failing match tries "
                    "every way of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "https://[a-z0-9][a-z]*a*[a-z]*\\.com",
        [
            (
                (
                    "can backtrack polynomially: the repeats [a-z]*, a* and [a-z]* follow "
                    "each other and can match the same characters, so a failing match "
                    "tries every way of splitting the Origin between them (time grows as "
                    "its length to the power 3); at most two such repeats in a row are "
                    "accepted"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack polynomially: the repeats [a-z]*, a*, [a-z]* follow "
                    "each other and can match the same characters, so a failing match "
                    "tries every way of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "https://[a-z]{1,3}(?:a|\\w)c(?:a|\\w)c{1,3}ab{1,3}\\.com",
        [],
        [
            (
                (
                    "can backtrack polynomially: the repeats [a-z]{1,3}, c{1,3} follow "
                    "each other and can match the same characters, so a failing match "
                    "tries every way of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "https://b?(.?\\.)(?:ab+[^a]*(?:ab{1,3})+(?:[^a]*(?:ab|a){1,3}(?:ab|a)+)?)?x",
        [
            (
                (
                    "can backtrack polynomially: the repeats b+, [^a]*, (?:ab{1,3})+ and 2 "
                    "more follow each other and can match the same characters, so a "
                    "failing match tries every way of splitting the Origin between them "
                    "(time grows as its length to the power 4); at most two such repeats "
                    "in a row are accepted"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
        [
            (
                (
                    "can backtrack polynomially: the repeats b+, [^a]*, (?:ab{1,3})+, "
                    "(?:a(?:b|)){1,3}, (?:a(?:b|))+ follow each other and can match the "
                    "same characters, so a failing match tries every way of splitting a "
                    "long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "https://x{2}(?:(?:a|b)?)?[^a]?",
        [],
        [],
    ),
    (
        "https?://-?\\.(?:ab|a)*(?:x*(?:a|b)(?:a|\\w)c*)+",
        [
            _quadratic_groups("(?:a(?:b|))*", "(?:x*[ab][a\\w]c*)+"),
        ],
        [
            (
                (
                    "can backtrack polynomially: the repeats (?:a(?:b|))*, "
                    "(?:x*[ab][a\\w]c*)+ follow each other and can match the same "
                    "characters, so a failing match tries every way of splitting a long "
                    "subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
    (
        "https?://b{1,3}(?:[^a]\\d{2}\\.?x){2,}(?:-{1,3})(?:ab|a)?",
        [],
        [],
    ),
    (
        "x?[^a](\\.*)\\.*",
        [
            (
                (
                    "can backtrack quadratically with a large constant: the repeats \\.* "
                    "and \\.* can split the same characters between them, and elsewhere a "
                    "text can be matched in more than one way (at x and [^a]), which "
                    "multiplies that cost"
                ),
                (
                    "make the alternatives and optional parts exclusive (each text matched "
                    "one way only), or merge the repeats \\.* and \\.* into one"
                ),
            ),
            (
                (
                    "has no 'scheme://' part, but an Origin header always starts with one, "
                    "so it never matches"
                ),
                "start it with the scheme, e.g. https://app\\.example\\.com",
            ),
        ],
        [
            (
                (
                    "can backtrack polynomially: the repeats \\.*, \\.* follow each other "
                    "and can match the same characters, so a failing match tries every way "
                    "of splitting a long subject between them"
                ),
                (
                    "rewrite without nested or adjacent overlapping quantifiers: merge the "
                    "repeats into one, or separate them with a character they cannot match "
                    "(e.g. [a-z0-9-]+\\.[a-z0-9-]+ instead of .*.*)"
                ),
            ),
        ],
    ),
]


@pytest.mark.parametrize(("regex", "as_origin", "as_path"), _DECIDED, ids=_plain)
def test_the_analysis_answers_exactly_on_regexes_it_decides(
    regex: str, as_origin: list[tuple[str, str]], as_path: list[tuple[str, str]]
) -> None:
    pattern = re.compile(regex)
    assert (regex_problems(pattern), backtracking_problems(pattern)) == (as_origin, as_path)


#: 100 two-character words under one repeat: 200 positions (well under the limit), but
#: proving that no two ways of reading a text meet takes more steps than the budget.
_OVER_BUDGET = "(?:" + "|".join(f"{a}{b}" for a in "abcdefghij" for b in "0123456789") + ")+"


def test_a_regex_whose_proof_would_exceed_the_budget_is_refused_as_too_large() -> None:
    assert regex_problems(re.compile(f"https://{_OVER_BUDGET}\\.com")) == [TOO_LARGE_ORIGIN]
    assert backtracking_problems(re.compile(f"/{_OVER_BUDGET}x")) == [TOO_LARGE_PATH]


def test_an_alternative_beside_one_other_item_is_shown_in_its_group() -> None:
    [(problem, _)] = backtracking_problems(re.compile(r"/((?:ab|cd)e)++"))
    assert problem.startswith(
        "puts a capturing group inside a possessive repeat (((?:ab|cd)e)++), "
    )
