"""Unit tests of cors_core._origins: request Origin parsing, config entries, matching."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cors_core import ConfigError, CORSPolicy
from cors_core._errors import Problem
from cors_core._origins import (
    MAX_HOST_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_ORIGIN_LENGTH,
    OriginMatcher,
    OriginPattern,
    ParsedOrigin,
    check_wildcard_suffix,
    parse_config_origin,
    parse_origin,
)
from cors_core._suffixes import is_public_suffix

# ---------------------------------------------------------------- parse_origin (request side


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://a.example", ParsedOrigin("https", "a.example", None)),
        ("http://localhost:3000", ParsedOrigin("http", "localhost", "3000")),
        ("https://a.example:8443", ParsedOrigin("https", "a.example", "8443")),
        ("http://127.0.0.1:8000", ParsedOrigin("http", "127.0.0.1", "8000")),
        ("http://[::1]", ParsedOrigin("http", "[::1]", None)),
        ("https://[::1]:8080", ParsedOrigin("https", "[::1]", "8080")),
        ("https://[2001:db8::1]", ParsedOrigin("https", "[2001:db8::1]", None)),
        # the URL standard serializes IPv4-mapped addresses in hex pieces
        ("https://[::ffff:102:304]", ParsedOrigin("https", "[::ffff:102:304]", None)),
        ("https://xn--bcher-kva.de", ParsedOrigin("https", "xn--bcher-kva.de", None)),
        ("https://a_b.example", ParsedOrigin("https", "a_b.example", None)),
        ("chrome-extension://abcdef", ParsedOrigin("chrome-extension", "abcdef", None)),
        ("https://a.example:65535", ParsedOrigin("https", "a.example", "65535")),
        ("http://a.example:443", ParsedOrigin("http", "a.example", "443")),  # not http's default
        # a trailing dot is part of the host: browsers serialize it as written
        ("https://a.example.", ParsedOrigin("https", "a.example.", None)),
        ("http://example.com.:3999", ParsedOrigin("http", "example.com.", "3999")),
        ("https://a.example:1", ParsedOrigin("https", "a.example", "1")),
    ],
)
def test_parse_origin_accepts_browser_serializations(value: str, expected: ParsedOrigin) -> None:
    assert parse_origin(value) == expected
    assert expected.serialize() == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "null",  # the opaque origin is the caller's business
        "https://a.example:443",  # default port: browsers omit it
        "http://a.example:80",
        "ws://a.example:80",
        "https://a.example:65536",
        "https://a.example:080",  # leading zero
        "https://a.example:",
        "https://A.example",  # serializations are lowercase
        "HTTPS://a.example",
        "https://a.example/",  # trailing slash
        "https://a.example/path",
        "https://a.example?q=1",
        "https://a.example#f",
        "https://user@a.example",
        "https://user:pw@a.example",
        " https://a.example",
        "https://a.example ",
        "https://a.example\t",
        "https://a.example\r\nX-Evil: 1",
        "https://a.example\x00",
        "https://\u00e9.example",  # non-ASCII: browsers send punycode
        "https://a.example, https://b.example",  # two Origin headers joined
        "https://a..example",
        "https://.a.example",
        "https://a.example..",  # one trailing dot at most
        "https://.",
        "https://a.example:0",  # port 0: no page is served from it
        "http://127.1",  # IPv4 in a form browsers never serialize
        "http://127.0.0.1.",
        "http://0x7f000001",
        "http://0177.0.0.1",
        "http://foo.bar.255",  # ends in a number but is no IPv4 address
        "https://10.1.2.3.4",
        "https://[0:0::1]",  # IPv6 not in canonical form
        "https://[::FFFF:102:304]",
        "https://[::ffff:1.2.3.4]",
        "https://[::1",
        "https://[fe80::1%25eth0]",
        "a.example",
        "//a.example",
        "https:/a.example",
        "https://",
        "1http://a.example",
    ],
)
def test_parse_origin_refuses_anything_else(value: str) -> None:
    assert parse_origin(value) is None


def test_parse_origin_refuses_too_long_but_accepts_the_limit() -> None:
    label = "a" * MAX_LABEL_LENGTH
    host = ".".join([label] * 3 + ["b" * (MAX_HOST_LENGTH - 3 * (MAX_LABEL_LENGTH + 1))])
    assert len(host) == MAX_HOST_LENGTH
    assert parse_origin("https://" + host) == ParsedOrigin("https", host, None)
    assert parse_origin("https://" + host + ".") == ParsedOrigin("https", host + ".", None)
    assert parse_origin("https://a" + host) is None  # 254 characters
    assert parse_origin(f"https://{label}a.example") is None  # a 64-character label
    assert parse_origin("a" * MAX_ORIGIN_LENGTH + "://a.example") is None


def test_parse_origin_port_zero_is_refused() -> None:
    assert parse_origin("https://a.example:0") is None


# ------------------------------------------------------- parse_config_origin (configuration)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("https://app.example.com", "https://app.example.com"),
        ("HTTPS://App.Example.COM", "https://app.example.com"),
        ("https://app.example.com:443", "https://app.example.com"),
        ("http://app.example.com:80", "http://app.example.com"),
        ("http://app.example.com:443", "http://app.example.com:443"),
        ("https://b\u00fccher.de", "https://xn--bcher-kva.de"),
        ("https://B\u00dcCHER.de", "https://xn--bcher-kva.de"),
        # UTS #46 non-transitional (what browsers do), not IDNA 2003's "strasse"
        ("https://stra\u00dfe.de", "https://xn--strae-oqa.de"),
        ("https://\u03c2.gr", "https://xn--3xa.gr"),
        ("https://[0:0::1]:8080", "https://[::1]:8080"),
        ("http://[::1]:80", "http://[::1]"),
        ("https://[2001:DB8::1]", "https://[2001:db8::1]"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("null", "null"),
    ],
)
def test_parse_config_origin_normalises(entry: str, expected: str) -> None:
    assert parse_config_origin(entry) == expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("https://*.example.com", OriginPattern("https", "example.com", None, True)),
        ("HTTPS://*.Example.com:443", OriginPattern("https", "example.com", None, True)),
        ("https://*.example.com:8443", OriginPattern("https", "example.com", "8443", True)),
        ("http://localhost:*", OriginPattern("http", "localhost", "*", False)),
        ("https://*.example.com:*", OriginPattern("https", "example.com", "*", True)),
        ("http://[::1]:*", OriginPattern("http", "[::1]", "*", False)),
    ],
)
def test_parse_config_origin_patterns(entry: str, expected: OriginPattern) -> None:
    assert parse_config_origin(entry) == expected


def test_origin_pattern_str_round_trips() -> None:
    assert str(OriginPattern("https", "example.com", None, True)) == "https://*.example.com"
    assert str(OriginPattern("http", "localhost", "*", False)) == "http://localhost:*"


def _problem(entry: object) -> Problem:
    result = parse_config_origin(entry)
    assert isinstance(result, Problem), result
    assert result.option == "allow_origins"
    assert result.entry == repr(entry)
    return result


@pytest.mark.parametrize(
    ("entry", "problem", "fix_words"),
    [
        (
            "https://app.example.com/",
            "has a trailing slash",
            ["'https://app.example.com'", "without any path"],
        ),
        ("https://app.example.com/api", "has a path", ["'https://app.example.com'"]),
        ("app.example.com", "has no scheme", ["'https://app.example.com'", "http://"]),
        ("localhost:3000", "has no scheme", ["'https://localhost:3000'"]),
        ("https://app.example.com?x=1", "has a query", ["https://host[:port]"]),
        ("https://app.example.com#top", "has a fragment", ["https://host[:port]"]),
        ("https://user:pw@app.example.com", "contains userinfo ('user@')", ["'@'"]),
        ("file:///home/me/index.html", "is a file:// origin", ["allow_null_origin=True"]),
        ("FILE://x", "is a file:// origin", ["'null'"]),
        ("https://app.*.com", "has a wildcard in an unsupported place", ["allow_origin_regex"]),
        ("https://*app.example.com", "has a wildcard in an unsupported place", ["'*.'"]),
        ("https://*", "has a wildcard in an unsupported place", ["allow_origin_regex"]),
        ("https://*.*.example.com", "has a wildcard in an unsupported place", ["':*'"]),
        ("*.example.com", "is not an origin", ["scheme://host[:port]"]),
        ("*", "is not an origin", ["scheme://host[:port]"]),
        ("//app.example.com", "is not an origin", ["scheme://host[:port]"]),
        ("https:/app.example.com", "is not an origin", ["scheme://host[:port]"]),
        ("https://*.1.2.3.4", "applies '*.' to an IP address", ["the address itself"]),
        ("https://*.127.0.0.1:8000", "applies '*.' to an IP address", ["the address itself"]),
        ("https://*.[::1]", "applies '*.' to an IP address", ["the address itself"]),
        ("https://app.example.com:99999", "has an invalid port '99999'", ["1-65535"]),
        ("https://app.example.com:65536", "has an invalid port '65536'", ["1-65535"]),
        ("https://app.example.com:-1", "has an invalid port '-1'", ["'*'"]),
        ("https://app.example.com:http", "has an invalid port 'http'", ["1-65535"]),
        ("https://app.example.com:", "has an invalid port ''", ["1-65535"]),
        ("https://app.example.com:\u0663", "has an invalid port '\u0663'", ["1-65535"]),
        ("https://app.example.com:0", "has port 0", ["':*'"]),
        ("https://[::1", "has an invalid IPv6 host", ["[addr]"]),
        ("https://[::1]x", "has an invalid IPv6 host", ["[addr]"]),
        ("https://[zz::1]", "has an invalid host", ["scheme://host[:port]"]),
        ("https://app example.com", "has an invalid host", ["scheme://host[:port]"]),
        ("https://a..example.com", "has an invalid host", ["scheme://host[:port]"]),
        ("https://a\u200db.example", "has an invalid host", ["xn--", "location.origin"]),
        (" https://app.example.com", "has surrounding whitespace", ["'https://app.example.com'"]),
        ("https://app.example.com\n", "has surrounding whitespace", ["browsers send none"]),
        (42, "is not a string", ["as a string"]),
        (None, "is not a string", ["as a string"]),
    ],
)
def test_parse_config_origin_refusals_name_the_fix(
    entry: object, problem: str, fix_words: list[str]
) -> None:
    p = _problem(entry)
    assert p.problem.startswith(problem), p
    for word in fix_words:
        assert word in p.fix, (word, p.fix)


def test_problem_str_names_option_entry_and_fix() -> None:
    p = _problem("https://app.example.com/")
    assert str(p) == (
        "allow_origins: 'https://app.example.com/' has a trailing slash; "
        "fix: write 'https://app.example.com' (browsers send origins without any path)"
    )


# ------------------------------------------------------------------- pattern semantics
# Judged through the engine's one matcher: a policy's decision.


def allows(entries: list[str], origin: str, **options: Any) -> bool:
    return CORSPolicy(allow_origins=entries, **options).decide("GET", origin).allowed


@pytest.mark.parametrize(
    ("origin", "matches"),
    [
        ("https://a.example.com", True),
        ("https://a.b.example.com", True),  # one or more labels
        ("https://example.com", False),  # never the apex
        ("https://a.example.com.", False),  # another host to a browser (trailing dot)
        ("https://evilexample.com", False),
        ("https://example.com.evil.com", False),
        ("https://a.example.com.evil.com", False),
        ("http://a.example.com", False),  # scheme must match
        ("https://a.example.com:8443", False),  # port must match
        ("https://a.example.co", False),
    ],
)
def test_subdomain_pattern(origin: str, matches: bool) -> None:
    assert allows(["https://*.example.com"], origin) is matches


def test_any_port_pattern() -> None:
    for origin in ("http://localhost", "http://localhost:3000", "http://localhost:1"):
        assert allows(["http://localhost:*"], origin)
    for origin in ("https://localhost:3000", "http://a.localhost:3000", "http://localhostx:1"):
        assert not allows(["http://localhost:*"], origin)


def test_subdomain_pattern_with_any_port() -> None:
    entries = ["https://*.example.com:*"]
    assert allows(entries, "https://a.example.com:8443")
    assert allows(entries, "https://a.example.com")
    assert not allows(entries, "https://example.com:8443")
    assert not allows(entries, "http://a.example.com:8443")


def test_subdomain_pattern_with_fixed_port() -> None:
    entries = ["https://*.example.com:8443"]
    assert allows(entries, "https://a.example.com:8443")
    assert not allows(entries, "https://a.example.com")
    assert not allows(entries, "https://a.example.com:9443")


@pytest.mark.parametrize("origin", ["https://1.2.3.4", "https://[::1]"])
def test_ip_hosts_never_match_suffix_patterns(origin: str) -> None:
    """Configuration refuses ``*.`` on an IP address; the matcher never lets an IP host
    match a suffix either, should such an entry reach it."""
    for base in ("2.3.4", "3.4", "4", "1]"):
        with pytest.raises(ConfigError):
            CORSPolicy(allow_origins=[f"https://*.{base}"])
        matcher = OriginMatcher.build([OriginPattern("https", base, None, True)], [], None)
        assert not matcher.matches_patterns(origin)


def test_exact_regex_and_predicate_together() -> None:
    asked: list[str] = []

    def predicate(origin: str) -> bool:
        asked.append(origin)
        return origin == "https://p.example"

    policy = CORSPolicy(
        allow_origins=["https://a.example"],
        allow_origin_regex=r"https://r\d\.example",
        allow_origin_predicate=predicate,
    )
    verdicts = {
        origin: policy.decide("GET", origin).allowed
        for origin in (
            "https://a.example",
            "https://r1.example",
            "https://r1.example.evil.com",  # fullmatch
            "https://p.example",
            "https://q.example",
        )
    }
    assert verdicts == {
        "https://a.example": True,
        "https://r1.example": True,
        "https://r1.example.evil.com": False,
        "https://p.example": True,
        "https://q.example": False,
    }
    # exact and regex hits never reach the predicate
    assert asked == ["https://r1.example.evil.com", "https://p.example", "https://q.example"]


def test_the_predicate_must_return_true_exactly() -> None:
    policy = CORSPolicy(allow_origin_predicate=lambda origin: "yes")  # type: ignore[arg-type,return-value]
    assert not policy.decide("GET", "https://a.example").allowed


def test_matcher_without_patterns() -> None:
    m = OriginMatcher.build(["https://a.example"], [], None)
    assert not m.has_patterns
    assert not m.matches_patterns("https://a.example")
    assert allows(["https://a.example"], "https://a.example")
    assert not allows(["https://a.example"], "https://b.example")


def test_matcher_patterns_ignore_malformed_origins() -> None:
    m = OriginMatcher.build([OriginPattern("https", "example.com", None, True)], [], None)
    assert not m.matches_patterns("https://a.example.com/")
    assert not m.matches_patterns("https://A.example.com")


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("com", True),
        ("io", True),
        ("github.io", True),
        ("co.uk", True),
        ("herokuapp.com", True),
        ("example.com", False),
        ("me.github.io", False),
        ("localhost", False),
        ("test", False),
        ("internal", False),
    ],
)
def test_public_suffix_check(host: str, public: bool) -> None:
    assert is_public_suffix(host) is public
    assert check_wildcard_suffix(OriginPattern("https", host, None, True)) is public
    assert not check_wildcard_suffix(OriginPattern("https", host, "*", False))


# ------------------------------------------------------------ the regexes' literal screen

_SCREENED = [
    r"https://[a-z0-9-]+\.example\.com",
    r"https://(app|api)\.example\.com",
    r"(https|http)://a\.example(:[0-9]+)?",
    r"https://a\.example\.com$",
    r"https?://[a-z]+\.ex(?i:AMPLE)\.com",
    r"(?i)https://A\.example\.com",
    r"https://a\.exam(?=ple)ple\.com",
    r"https://(?:a\.)?example\.com",
    r"http://\[::1\]:[0-9]+",
]


@pytest.mark.parametrize("pattern", _SCREENED)
@given(
    st.one_of(
        st.sampled_from(
            [
                "https://a.example.com",
                "https://app.example.com",
                "https://a.example.com\n",
                "https://a.EXAMPLE.com",
                "https://a.example.comx",
                "http://a.example:8080",
                "https://example.com",
                "http://[::1]:3000",
                "HTTPS://A.EXAMPLE.COM",
            ]
        ),
        st.from_regex(r"https?://[a-zA-Z.:\[\]0-9]{0,20}", fullmatch=True),
    )
)
def test_the_literal_screen_never_changes_what_a_regex_matches(pattern: str, origin: str) -> None:
    rx = re.compile(pattern)
    matcher = OriginMatcher.build([], [rx], None)
    assert matcher.matches_patterns(origin) == (rx.fullmatch(origin) is not None)


def test_the_literal_screen_reads_plain_literals_only() -> None:
    from cors_core._regex import literal_affixes

    assert literal_affixes(re.compile(r"https://[a-z0-9-]+\.example\.com")) == (
        "https://",
        ".example.com",
    )
    assert literal_affixes(re.compile(r"https://a\.example\.com$")) == ("https://a.example.com", "")
    assert literal_affixes(re.compile(r"https?://a\.com")) == ("http", "://a.com")
    assert literal_affixes(re.compile(r"(?i)https://a\.com")) == ("", "")
    assert literal_affixes(re.compile(r"https://(?:a|b)\.com")) == ("https://", ".com")
