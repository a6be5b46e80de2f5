"""Configuration hardening: the full Public Suffix List, browser IDNA, entries no browser can
match, bounded hosts, trailing dots, linear ``*.`` matching, CORS header names in the wrong
list, untrustworthy schemes with credentials, one loopback rule, and Private Network Access
with ``*``. Each test asserts the exact ``ConfigError`` problem or the exact decision."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import warnings
from typing import Any

import pytest

from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, Problem, ReasonCode
from cors_core._origins import (
    MAX_HOST_LENGTH,
    OriginMatcher,
    OriginPattern,
    is_loopback_host,
    is_potentially_trustworthy,
    parse_config_origin,
    parse_origin,
)
from cors_core._suffixes import PROBED_HOSTING_SUFFIXES, hosting_suffix
from cors_core.audit import USER_CONTENT_SUFFIXES, audit_policy


def _problems(**options: Any) -> tuple[Problem, ...]:
    with pytest.raises(ConfigError) as info:
        CORSPolicy(**options)
    return info.value.problems


def _quiet(**options: Any) -> CORSPolicy:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CORSConfigWarning)
        return CORSPolicy(**options)


def _allowed(policy: CORSPolicy, origin: str) -> bool:
    return policy.decide("GET", origin).allowed


# ------------------------------------------------- 1. the full Public Suffix List


PUBLIC_SUFFIX_PATTERNS = [
    ("https://*.duckdns.org", "duckdns.org"),
    ("https://*.gov.br", "gov.br"),
    ("https://*.edu.cn", "edu.cn"),
    ("https://*.co.th", "co.th"),
    ("https://*.r2.dev", "r2.dev"),
    ("https://*.githubusercontent.com", "githubusercontent.com"),
    ("https://*.s3.us-west-2.amazonaws.com", "s3.us-west-2.amazonaws.com"),
    ("https://*.execute-api.eu-west-1.amazonaws.com", "execute-api.eu-west-1.amazonaws.com"),
    ("https://*.com", "com"),
    ("https://*.github.io", "github.io"),
]


@pytest.mark.parametrize(("entry", "suffix"), PUBLIC_SUFFIX_PATTERNS)
def test_public_suffix_wildcards_with_credentials_are_refused(entry: str, suffix: str) -> None:
    assert _problems(allow_origins=[entry], allow_credentials=True) == (
        Problem(
            "allow_origins",
            repr(entry),
            f"matches every site registered under the public suffix '{suffix}', with credentials",
            "list your own subdomains, or confirm with allow_public_suffix_wildcards=True",
        ),
    )


@pytest.mark.parametrize(("entry", "suffix"), PUBLIC_SUFFIX_PATTERNS)
def test_public_suffix_wildcards_with_opt_in_or_without_credentials(
    entry: str, suffix: str
) -> None:
    probe = f"https://evil.{suffix}"
    opted = _quiet(
        allow_origins=[entry], allow_credentials=True, allow_public_suffix_wildcards=True
    )
    assert _allowed(opted, probe)
    assert _allowed(_quiet(allow_origins=[entry]), probe)


@pytest.mark.parametrize(
    ("entry", "origin"),
    [
        ("https://*.example.com", "https://a.example.com"),
        ("https://*.app.github.io", "https://x.app.github.io"),  # app.github.io is registrable
        ("https://*.me.duckdns.org", "https://x.me.duckdns.org"),
        ("https://*.example.co.th", "https://x.example.co.th"),
        ("https://*.test", "https://a.test"),  # special-use names are nobody's to hand out
        ("https://*.internal", "https://a.internal"),
        ("https://*.home.arpa", "https://nas.home.arpa"),  # the PSL itself lists home.arpa
        ("http://*.localhost", "http://app.localhost"),
        ("https://*.example", "https://a.example"),
    ],
)
def test_registrable_and_special_use_wildcards_pass_with_credentials(
    entry: str, origin: str
) -> None:
    policy = _quiet(allow_origins=[entry], allow_credentials=True)
    assert _allowed(policy, origin)


def test_public_suffix_list_is_built_once_and_lazily() -> None:
    """Importing the engine parses no Public Suffix List; the first question parses the
    one list every later question and policy reuses. In a fresh interpreter, counting
    the library's own constructor (replaced before the engine imports it)."""
    code = """
import publicsuffixlist
built = []
class Counting(publicsuffixlist.PublicSuffixList):
    def __init__(self, *args, **kwargs):
        built.append(kwargs)
        super().__init__(*args, **kwargs)
publicsuffixlist.PublicSuffixList = Counting
import cors_core, cors_core.audit
from cors_core import CORSPolicy
from cors_core._suffixes import is_public_suffix
print(len(built))
for domain in ("com", "github.io", "example.com", "duckdns.org"):
    is_public_suffix(domain)
CORSPolicy(allow_origins=["https://*.example.com"], allow_credentials=True)
print(len(built), built[0] if built else None)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == ["0", "1 {}"]


def test_hosting_suffixes_come_from_the_psl_private_section() -> None:
    assert USER_CONTENT_SUFFIXES is PROBED_HOSTING_SUFFIXES  # one source of truth
    assert [s for s in PROBED_HOSTING_SUFFIXES if hosting_suffix(s) != s] == []
    assert hosting_suffix("me.duckdns.org") == "duckdns.org"
    assert hosting_suffix("bucket.s3.us-west-2.amazonaws.com") == "s3.us-west-2.amazonaws.com"
    assert hosting_suffix("app.example.com") is None
    assert hosting_suffix("a.gov.br") is None  # ICANN section: public, not shared hosting
    assert hosting_suffix("nas.home.arpa") is None


def test_audit_reports_origins_on_any_psl_hosting_domain() -> None:
    findings = audit_policy(CORSPolicy(allow_origins=["https://me.duckdns.org"]))
    assert [(f.severity, f.check, f.origin) for f in findings] == [
        ("low", "user_content_origin", "https://me.duckdns.org")
    ]
    assert "'duckdns.org'" in findings[0].message


def test_audit_probes_the_hosting_domain_a_regex_names() -> None:
    assert "surge.sh" not in PROBED_HOSTING_SUFFIXES  # derived from the PSL, not listed
    findings = audit_policy(CORSPolicy(allow_origin_regex=r"https://[a-z0-9-]+\.surge\.sh"))
    assert ("high", "user_content_host", "https://evil-cors-probe.surge.sh") in [
        (f.severity, f.check, f.origin) for f in findings
    ]


# ------------------------------------------------------- 2. Unicode hosts (UTS #46)

IDNA_FIX = "write the host's ASCII (xn--) form exactly as the browser shows it in location.origin"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("https://\u1e9e.com", "https://xn--zca.com"),  # capital sharp s: 'ß', not 'ss'
        ("https://stra\u00dfe.de", "https://xn--strae-oqa.de"),
        ("https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\u3002com", "https://example.com"),
        ("https://a_b.b\u00fccher.de", "https://a_b.xn--bcher-kva.de"),  # '_' kept, as browsers
        ("https://xn--ls8h.la", "https://xn--ls8h.la"),  # valid in UTS #46 (emoji)
    ],
)
def test_unicode_hosts_become_what_browsers_send(entry: str, expected: str) -> None:
    assert parse_config_origin(entry) == expected
    policy = _quiet(allow_origins=[entry])
    assert _allowed(policy, expected)


def test_capital_sharp_s_is_not_ss() -> None:
    policy = _quiet(allow_origins=["https://\u1e9e.com"])
    assert _allowed(policy, "https://xn--zca.com")
    assert not _allowed(policy, "https://ss.com")


@pytest.mark.parametrize("label", ["xn--f", "xn--", "xn--a-", "xn--abc", "xn--zca-"])
def test_invalid_punycode_is_refused(label: str) -> None:
    entry = f"http://{label}.example"
    assert _problems(allow_origins=[entry]) == (
        Problem(
            "allow_origins",
            repr(entry),
            f"has an invalid host ({label!r} is not valid punycode, so no browser can load "
            "a page from it)",
            IDNA_FIX,
        ),
    )


def test_bare_invalid_punycode_host_is_refused() -> None:
    (p,) = _problems(allow_origins=["http://xn--f"])
    assert p.problem == (
        "has an invalid host ('xn--f' is not valid punycode, so no browser can load a page from it)"
    )
    assert p.fix == IDNA_FIX


@pytest.mark.parametrize("entry", ["https://a\u200db.example", "https://\U0001f4a9.la"])
def test_invalid_unicode_hosts_are_refused_with_the_fix(entry: str) -> None:
    (p,) = _problems(allow_origins=[entry])
    assert p.entry == repr(entry)
    assert p.problem.startswith("has an invalid host (not a valid internationalised domain name")
    assert p.fix == IDNA_FIX


# ------------------------------------------- 3. entries no browser can ever send


def _ipv4_problem(entry: str, canonical: str, fix_origin: str) -> Problem:
    return Problem(
        "allow_origins",
        repr(entry),
        f"is an IPv4 address in a form browsers never send (they serialize it as {canonical!r})",
        f"write {fix_origin!r}",
    )


INVALID_IPV4_PROBLEM = (
    "has an invalid host: its last label is a number, so browsers parse it as an IPv4 "
    "address, and it is not one (browsers refuse such a URL)"
)
INVALID_IPV4_FIX = (
    "write a dotted-decimal IPv4 address such as 'http://127.0.0.1', or the domain name"
)
LONG_HOST = ".".join(["a" * 63] * 4)  # 255 characters
LONG_LABEL = "a" * 64 + ".example.com"

NEVER_SENT = [
    ("http://127.1", _ipv4_problem("http://127.1", "127.0.0.1", "http://127.0.0.1")),
    ("http://0x7f000001", _ipv4_problem("http://0x7f000001", "127.0.0.1", "http://127.0.0.1")),
    ("http://2130706433", _ipv4_problem("http://2130706433", "127.0.0.1", "http://127.0.0.1")),
    ("http://0177.0.0.1", _ipv4_problem("http://0177.0.0.1", "127.0.0.1", "http://127.0.0.1")),
    ("http://127.0.0.1.", _ipv4_problem("http://127.0.0.1.", "127.0.0.1", "http://127.0.0.1")),
    ("http://1:6060", _ipv4_problem("http://1:6060", "0.0.0.1", "http://0.0.0.1:6060")),
    (
        "https://0xC0.0250.1:8443",
        _ipv4_problem("https://0xC0.0250.1:8443", "192.168.0.1", "https://192.168.0.1:8443"),
    ),
    (
        "http://foo.bar.255",
        Problem("allow_origins", "'http://foo.bar.255'", INVALID_IPV4_PROBLEM, INVALID_IPV4_FIX),
    ),
    (
        "http://127.0.0.1.1",
        Problem("allow_origins", "'http://127.0.0.1.1'", INVALID_IPV4_PROBLEM, INVALID_IPV4_FIX),
    ),
    (
        "http://256.0.0.1",
        Problem("allow_origins", "'http://256.0.0.1'", INVALID_IPV4_PROBLEM, INVALID_IPV4_FIX),
    ),
    (
        "http://[fe80::1%25eth0]",
        Problem(
            "allow_origins",
            "'http://[fe80::1%25eth0]'",
            "has an IPv6 zone id ('%...'), which browsers never accept in a URL or an origin",
            "write 'http://[fe80::1]'",
        ),
    ),
    (
        "http://[fe80::1%eth0]:8080",
        Problem(
            "allow_origins",
            "'http://[fe80::1%eth0]:8080'",
            "has an IPv6 zone id ('%...'), which browsers never accept in a URL or an origin",
            "write 'http://[fe80::1]:8080'",
        ),
    ),
    (
        "http://a.example:0",
        Problem(
            "allow_origins",
            "'http://a.example:0'",
            "has port 0, which no page is ever served from (browsers refuse it)",
            "write the port the frontend is served on, or ':*' for any port",
        ),
    ),
    (
        f"https://{LONG_HOST}",
        Problem(
            "allow_origins",
            repr(f"https://{LONG_HOST}"),
            "has a host of 255 characters (a DNS name has at most 253)",
            "write scheme://host[:port] with the real host name",
        ),
    ),
    (
        f"https://{LONG_LABEL}",
        Problem(
            "allow_origins",
            repr(f"https://{LONG_LABEL}"),
            "has a host label of 64 characters (a DNS label has at most 63)",
            "write scheme://host[:port] with the real host name",
        ),
    ),
]


@pytest.mark.parametrize(("entry", "problem"), NEVER_SENT, ids=[e for e, _ in NEVER_SENT])
def test_entries_no_browser_sends_are_refused_with_the_fix(entry: str, problem: Problem) -> None:
    assert _problems(allow_origins=[entry]) == (problem,)


def test_every_never_sent_entry_is_listed_in_one_error() -> None:
    entries = [e for e, _ in NEVER_SENT]
    assert _problems(allow_origins=entries) == tuple(p for _, p in NEVER_SENT)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://0.0.0.0", "http://0.0.0.0"),
        # An IPv4-mapped host is refused (tests/config/test_strict.py).
        ("http://[1:0:0:2:0:0:0:3]", "http://[1:0:0:2::3]"),  # the longest zero run
        ("http://[1:0:0:2:0:0:3:4]", "http://[1::2:0:0:3:4]"),  # the first of equal runs
        ("http://a1.example", "http://a1.example"),  # a digit is fine inside a label
        ("http://1a.example", "http://1a.example"),
        ("http://example.0x1g", "http://example.0x1g"),  # '0x1g' is not a number
    ],
)
def test_canonical_hosts_are_kept(entry: str, expected: str) -> None:
    assert parse_config_origin(entry) == expected


# --------------------------------------------- 4. request side: bounded, never port 0


@pytest.mark.parametrize(
    "origin",
    [
        "http://a.example:0",
        "http://localhost:0",
        f"https://{LONG_HOST}",
        f"https://{LONG_LABEL}",
        "http://127.1",
        "http://0x7f000001",
    ],
)
def test_requests_browsers_never_send_are_malformed_even_for_star(origin: str) -> None:
    assert parse_origin(origin) is None
    for options in (
        {"allow_origins": ["*"]},
        {"allow_origins": ["http://localhost:*", "https://*.example.com", "http://a.example:*"]},
    ):
        decision = CORSPolicy(**options).decide("GET", origin)
        assert not decision.allowed
        assert decision.reason.code == ReasonCode.ORIGIN_MALFORMED


def test_the_longest_host_is_still_parsed() -> None:
    host = ".".join(["a" * 63] * 3 + ["b" * 61])
    assert len(host) == MAX_HOST_LENGTH
    policy = CORSPolicy(allow_origins=[f"https://*.{host.split('.', 1)[1]}"])
    assert _allowed(policy, f"https://{host}")
    assert _allowed(policy, f"https://{host}.") is False  # another host (trailing dot)


# --------------------------------------------------------------- 5. trailing dots


def test_trailing_dot_entry_is_kept_and_matches_only_the_dotted_origin() -> None:
    assert parse_config_origin("http://example.com.:3999") == "http://example.com.:3999"
    policy = _quiet(allow_origins=["http://example.com.:3999"])
    assert _allowed(policy, "http://example.com.:3999")
    assert not _allowed(policy, "http://example.com:3999")
    plain = _quiet(allow_origins=["http://example.com:3999"])
    assert _allowed(plain, "http://example.com:3999")
    assert not _allowed(plain, "http://example.com.:3999")


def test_trailing_dot_patterns() -> None:
    assert parse_config_origin("https://*.Example.com.") == OriginPattern(
        "https", "example.com.", None, True
    )
    policy = _quiet(allow_origins=["https://*.example.com.", "http://localhost.:*"])
    assert _allowed(policy, "https://a.example.com.")
    assert not _allowed(policy, "https://a.example.com")
    assert not _allowed(policy, "https://example.com.")  # never the apex
    assert _allowed(policy, "http://localhost.:3000")
    assert not _allowed(policy, "http://localhost:3000")


def test_trailing_dot_public_suffix_is_still_refused_with_credentials() -> None:
    (p,) = _problems(allow_origins=["https://*.github.io."], allow_credentials=True)
    assert p.problem == (
        "matches every site registered under the public suffix 'github.io', with credentials"
    )


def test_only_one_trailing_dot() -> None:
    assert parse_origin("http://example.com..") is None
    (p,) = _problems(allow_origins=["http://example.com.."])
    assert p.problem == "has an invalid host (an empty label: '..', or a leading dot)"


# ------------------------------------------------------- 6. linear `*.` matching


class _CountingSet(frozenset[tuple[str, str, str | None]]):
    probes = 0

    def __contains__(self, item: object) -> bool:
        type(self).probes += 1
        return super().__contains__(item)


def test_suffix_lookups_depend_on_the_patterns_not_the_host_labels() -> None:
    entries = [
        OriginPattern("https", "example.com", None, True),
        OriginPattern("https", "a.example.org", "*", True),
        OriginPattern("https", "b.example.com", None, True),  # same label count: no extra probe
    ]
    matcher = OriginMatcher.build(entries, [], None)
    assert matcher.suffix_dots == (2, 3)
    host = "a." * 120 + "example.net"  # 251 characters, 122 labels
    assert list(matcher.suffix_probes(host)) == [".example.net", ".a.example.net"]
    counting = dataclasses.replace(matcher, suffixes=_CountingSet(matcher.suffixes))
    _CountingSet.probes = 0
    assert not counting.matches_patterns(f"https://{host}")
    # at most two set probes (port and ':*') per distinct label count, not per host label
    assert _CountingSet.probes <= 2 * len(matcher.suffix_dots)
    _CountingSet.probes = 0
    assert counting.matches_patterns("https://" + "a." * 120 + "example.com")
    assert _CountingSet.probes == 1


def test_a_2kb_origin_of_1000_labels_is_refused_before_matching() -> None:
    origin = "https://" + "a." * 1000 + "example.com"
    assert 2000 < len(origin) <= 2048
    assert parse_origin(origin) is None
    matcher = OriginMatcher.build([OriginPattern("https", "example.com", None, True)], [], None)
    counting = dataclasses.replace(matcher, suffixes=_CountingSet(matcher.suffixes))
    _CountingSet.probes = 0
    assert not counting.matches_patterns(origin)
    assert _CountingSet.probes == 0  # refused on its length, no suffix ever looked up
    decision = CORSPolicy(allow_origins=["https://*.example.com"]).decide("GET", origin)
    assert decision.reason.code == ReasonCode.ORIGIN_MALFORMED


def test_suffix_probes_never_include_the_apex() -> None:
    matcher = OriginMatcher.build([OriginPattern("https", "example.com", None, True)], [], None)
    assert list(matcher.suffix_probes("example.com")) == []
    assert list(matcher.suffix_probes("com")) == []
    assert list(matcher.suffix_probes("a.example.com")) == [".example.com"]


# ------------------------------------------------- 7. CORS header names in the wrong list

RESPONSE_HEADERS = {
    "Access-Control-Allow-Origin": "allow_origins",
    "Access-Control-Allow-Credentials": "allow_credentials",
    "Access-Control-Allow-Methods": "allow_methods",
    "Access-Control-Allow-Headers": "allow_headers",
    "Access-Control-Max-Age": "max_age",
    "Access-Control-Expose-Headers": "expose_headers",
    "Access-Control-Allow-Private-Network": "allow_private_network",
}
_RESPONSE_HEADER_FIX = {
    "Access-Control-Allow-Headers": "remove it: the other names listed in allow_headers are "
    "what the policy answers in it",
}
REQUEST_HEADERS = [
    "Origin",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Private-Network",
]


@pytest.mark.parametrize("name", list(RESPONSE_HEADERS))
def test_response_header_names_in_allow_headers_are_warned_and_kept(name: str) -> None:
    """Harmless (a request carrying it passes the preflight, nothing more), surely a
    mix-up: a warning with the fix, and the name is allowed as written."""
    with pytest.warns(CORSConfigWarning) as caught:
        policy = CORSPolicy(
            allow_origins=["https://a.example"], allow_headers=["content-type", name]
        )
    assert [str(w.message) for w in caught] == [
        str(
            Problem(
                "allow_headers",
                repr(name),
                "is a CORS response header, which pages have no reason to send: listing it "
                "only lets a request carrying it pass the preflight, and sets nothing the "
                "policy answers",
                _RESPONSE_HEADER_FIX.get(
                    name,
                    f"remove it from allow_headers; set {RESPONSE_HEADERS[name]}=... to control it",
                ),
            )
        )
    ]
    d = policy.decide("OPTIONS", "https://a.example", "GET", name.lower())
    assert d.status == 204
    with pytest.raises(ConfigError):
        CORSPolicy(allow_headers=[name], strict=True)


@pytest.mark.parametrize("name", REQUEST_HEADERS)
def test_request_header_names_in_expose_headers_are_refused(name: str) -> None:
    assert _problems(expose_headers=[name.lower(), "x-total-count"]) == (
        Problem(
            "expose_headers",
            repr(name.lower()),
            "is a request header the browser sends, never a response header a script "
            "could read, so exposing it changes nothing",
            "remove it from expose_headers (list response headers, e.g. 'x-total-count')",
        ),
    )


def test_every_misplaced_header_is_listed_in_one_error() -> None:
    problems = _problems(
        allow_headers=list(RESPONSE_HEADERS), expose_headers=REQUEST_HEADERS, strict=True
    )
    assert sorted((p.option, p.entry) for p in problems) == sorted(
        [("allow_headers", repr(n)) for n in RESPONSE_HEADERS]
        + [("expose_headers", repr(n)) for n in REQUEST_HEADERS]
    )


# ------------------------------------- 8. untrustworthy schemes with credentials warn


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("http://app.example.com", "is plain http with credentials: a network attacker can "
         "impersonate it"),
        ("connector://example.com", "uses the 'connector' scheme with credentials: nothing "
         "authenticates a page with that origin (a network attacker, or another app "
         "registering the scheme, can produce it)"),
        ("myapp://example.com", "uses the 'myapp' scheme with credentials: nothing "
         "authenticates a page with that origin (a network attacker, or another app "
         "registering the scheme, can produce it)"),
        ("ws://example.com:8080", "uses the 'ws' scheme with credentials: nothing "
         "authenticates a page with that origin (a network attacker, or another app "
         "registering the scheme, can produce it)"),
        ("http://*.example.com", "is plain http with credentials: a network attacker can "
         "impersonate it"),
    ],
)  # fmt: skip
def test_untrustworthy_schemes_with_credentials_warn(entry: str, problem: str) -> None:
    with pytest.warns(CORSConfigWarning) as record:
        CORSPolicy(allow_origins=[entry], allow_credentials=True)
    assert [str(w.message) for w in record] == [
        f"allow_origins: {entry!r} {problem}; fix: use https"
    ]
    assert _problems(allow_origins=[entry], allow_credentials=True, strict=True) == (
        Problem("allow_origins", repr(entry), problem, "use https"),
    )
    _quiet(allow_origins=[entry])  # without credentials: nothing to say


@pytest.mark.parametrize(
    "entry",
    [
        "https://app.example.com",
        "wss://app.example.com",
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "moz-extension://4b1a3c2d-0000-4000-8000-000000000000",
        "http://localhost:3000",
        "http://localhost.:3000",
        "http://127.0.0.2:8000",
        "http://[::1]:8000",
        "capacitor://localhost",  # loopback whatever the scheme (W3C Secure Contexts)
    ],
)
def test_trustworthy_origins_with_credentials_do_not_warn(entry: str) -> None:
    _quiet(allow_origins=[entry], allow_credentials=True)


# ------------------------------------------ 9. one loopback rule for config and audit

LOOPBACK_TABLE = [
    ("localhost", True),
    ("app.localhost", True),
    ("localhost.", True),
    ("127.0.0.1", True),
    ("127.255.255.254", True),
    ("[::1]", True),
    ("127.evil.com", False),
    ("127.0.0.1.evil.com", False),
    ("localhost.evil.com", False),
    ("evil-localhost", False),
    ("128.0.0.1", False),
    ("[::2]", False),
    ("example.com", False),
]


@pytest.mark.parametrize(("host", "loopback"), LOOPBACK_TABLE)
def test_config_and_audit_agree_on_loopback(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback
    assert is_potentially_trustworthy("http", host) is loopback
    origin = f"http://{host}:8000"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        policy = CORSPolicy(allow_origins=[origin], allow_credentials=True)
    config_warns = any(issubclass(w.category, CORSConfigWarning) for w in caught)
    audit_flags = any(f.check == "http_origin_with_credentials" for f in audit_policy(policy))
    assert config_warns is audit_flags is (not loopback)


def test_any_port_severity_uses_the_same_loopback_rule() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        policy = CORSPolicy(allow_origins=["http://127.evil.com:*"], allow_credentials=True)
    (any_port,) = [f for f in audit_policy(policy) if f.check == "any_port"]
    assert any_port.severity == "medium"  # not loopback: any service on that host
    loop = CORSPolicy(allow_origins=["http://127.0.0.1:*"], allow_credentials=True)
    (any_port,) = [f for f in audit_policy(loop) if f.check == "any_port"]
    assert any_port.severity == "low"


# ----------------------------------------- 10. Private Network Access with every origin

PNA_STAR = Problem(
    "allow_private_network",
    "True",
    "is set together with allow_origins=['*']: every public website could then reach this "
    "private-network server (router, intranet, localhost service) from its visitors' browsers "
    "and read the responses",
    "list the origins allowed to reach it in allow_origins (e.g. ['https://app.example.com']), "
    "or set allow_private_network=False",
)


@pytest.mark.parametrize("origins", [["*"], "*", ["https://a.example", "*"]])
def test_private_network_with_every_origin_is_refused(origins: object) -> None:
    assert _problems(allow_origins=origins, allow_private_network=True) == (PNA_STAR,)


def test_private_network_with_listed_origins_is_fine() -> None:
    policy = _quiet(allow_origins=["https://app.example.com"], allow_private_network=True)
    decision = policy.decide("OPTIONS", "https://app.example.com", "GET", None, True)
    assert decision.allowed
    assert ("Access-Control-Allow-Private-Network", "true") in decision.headers


# ----------------------------------------------------------------------- doctests


def test_docstring_examples_run() -> None:
    import doctest

    from cors_core import _config as config
    from cors_core import _origins as origins
    from cors_core import _suffixes as suffixes

    for module in (origins, suffixes, config):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        assert result.attempted > 0 or module is config
