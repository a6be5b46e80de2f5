"""Strict configuration checks: CORS response header names in ``expose_headers``, ports
with a leading zero, IPv4-mapped IPv6 hosts, and origin entries longer than any ``Origin``
the engine accepts. Each refusal is asserted as its exact :class:`Problem` (option, entry,
problem, fix), and the valid neighbours of each are accepted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cors_core import CORSPolicy, Problem
from cors_core._origins import MAX_ORIGIN_LENGTH, parse_config_origin
from tests.config.test_hardening import _problems, _quiet


def _allowed(policy: CORSPolicy, origin: str) -> bool:
    return policy.decide("GET", origin).allowed


APP = "https://app.example.com"

# --------------------------------------------- CORS response headers in expose_headers

_EXPOSE_PROBLEM = (
    "is a CORS response header the browser acts on itself, not an application header for "
    "scripts to read: exposing it serves no purpose"
)
#: Each CORS response header name as a user might write it, and the option controlling it.
RESPONSE_HEADERS = [
    ("Access-Control-Allow-Origin", "allow_origins"),
    ("access-control-allow-credentials", "allow_credentials"),
    ("Access-Control-Allow-Methods", "allow_methods"),
    ("ACCESS-CONTROL-ALLOW-HEADERS", "allow_headers"),
    ("Access-Control-Max-Age", "max_age"),
    ("Access-Control-Expose-Headers", "expose_headers"),
    ("Access-Control-Allow-Private-Network", "allow_private_network"),
]


def _expose_fix(controlled_by: str) -> str:
    if controlled_by == "expose_headers":
        return (
            "remove it: the other names listed in expose_headers are what the policy answers in it"
        )
    return f"remove it from expose_headers; set {controlled_by}=... to control it"


@pytest.mark.parametrize(("name", "controlled_by"), RESPONSE_HEADERS)
def test_cors_response_header_names_cannot_be_exposed(name: str, controlled_by: str) -> None:
    assert _problems(allow_origins=[APP], expose_headers=["x-total-count", name]) == (
        Problem("expose_headers", repr(name), _EXPOSE_PROBLEM, _expose_fix(controlled_by)),
    )


@pytest.mark.parametrize(
    "name", ["access-control-max-age", "ACCESS-CONTROL-MAX-AGE", "Access-Control-MAX-age"]
)
def test_the_refusal_ignores_case(name: str) -> None:
    (problem,) = _problems(allow_origins=[APP], expose_headers=[name])
    assert (problem.entry, problem.problem) == (repr(name), _EXPOSE_PROBLEM)


def test_every_cors_response_header_is_listed_in_one_error() -> None:
    names = [name for name, _ in RESPONSE_HEADERS]
    problems = _problems(allow_origins=[APP], expose_headers=names)
    assert [(p.option, p.entry) for p in problems] == [("expose_headers", repr(n)) for n in names]


def test_application_headers_next_to_them_are_still_exposed() -> None:
    policy = _quiet(allow_origins=[APP], expose_headers=["X-Total-Count", "Content-Length", "ETag"])
    headers = dict(policy.decide("GET", APP).headers)
    assert headers["Access-Control-Expose-Headers"] == "X-Total-Count, Content-Length, ETag"


def test_response_header_names_in_allow_headers_are_warned_with_their_own_words() -> None:
    (problem,) = _problems(
        allow_origins=[APP], allow_headers=["Access-Control-Max-Age"], strict=True
    )
    assert problem.option == "allow_headers"
    assert problem.problem.startswith("is a CORS response header, which pages have no reason")


# ------------------------------------------------------------ ports with a leading zero


def _leading_zero(entry: str, port: str, canonical: str) -> Problem:
    return Problem(
        "allow_origins",
        repr(entry),
        f"has a port with a leading zero ({port!r}), which no browser sends: browsers "
        "serialize the port without leading zeros",
        f"write the port as the browser sends it: '{canonical}'",
    )


LEADING_ZERO = [
    ("https://foo.example:06060", "06060", "https://foo.example:6060"),
    ("https://foo.example:0006060", "0006060", "https://foo.example:6060"),
    ("HTTPS://Foo.Example:06060", "06060", "https://foo.example:6060"),
    ("https://*.foo.example:06060", "06060", "https://*.foo.example:6060"),
    ("http://[::1]:08080", "08080", "http://[::1]:8080"),
    ("http://127.0.0.1:03000", "03000", "http://127.0.0.1:3000"),
    # a default port written with a zero: the browser sends no port at all
    ("https://foo.example:0443", "0443", "https://foo.example"),
    ("http://*.foo.example:080", "080", "http://*.foo.example"),
]


@pytest.mark.parametrize(("entry", "port", "canonical"), LEADING_ZERO)
def test_a_port_with_a_leading_zero_is_refused_with_the_port_a_browser_sends(
    entry: str, port: str, canonical: str
) -> None:
    assert _problems(allow_origins=[entry]) == (_leading_zero(entry, port, canonical),)


def test_the_fix_of_a_leading_zero_port_is_itself_accepted() -> None:
    for _entry, _port, canonical in LEADING_ZERO:
        assert str(parse_config_origin(canonical)) == canonical


def test_other_problems_of_the_entry_come_first() -> None:
    assert _problems(allow_origins=["https://foo.example:00"]) == (
        Problem(
            "allow_origins",
            "'https://foo.example:00'",
            "has port 0, which no page is ever served from (browsers refuse it)",
            "write the port the frontend is served on, or ':*' for any port",
        ),
    )
    (problem,) = _problems(allow_origins=["https://foo.example:065536"])
    assert problem.problem == "has an invalid port '065536'"
    (problem,) = _problems(allow_origins=["http://127.1:08080"])
    assert problem.fix == "write 'http://127.0.0.1:8080'"


def test_ports_without_a_leading_zero_are_accepted() -> None:
    policy = _quiet(
        allow_origins=[
            "https://foo.example:6060",
            "https://*.foo.example:6060",
            "http://localhost:*",
            "http://[::1]:8080",
            "http://127.0.0.1",
            "http://127.0.0.1:10",
        ]
    )
    for origin in (
        "https://foo.example:6060",
        "https://a.foo.example:6060",
        "http://localhost:6060",
        "http://[::1]:8080",
        "http://127.0.0.1",
        "http://127.0.0.1:10",
    ):
        assert _allowed(policy, origin), origin
    assert not _allowed(policy, "https://foo.example:06060")  # never sent, never allowed


@given(
    port=st.integers(min_value=1, max_value=65535),
    zeros=st.integers(min_value=1, max_value=6),
    pattern=st.booleans(),
)
def test_any_port_written_with_leading_zeros_is_refused(
    port: int, zeros: int, pattern: bool
) -> None:
    host = "*.foo.example" if pattern else "foo.example"
    written = "0" * zeros + str(port)
    entry = f"https://{host}:{written}"
    canonical = f"https://{host}" + ("" if port == 443 else f":{port}")
    assert parse_config_origin(entry) == _leading_zero(entry, written, canonical)


@given(port=st.integers(min_value=1, max_value=65535), pattern=st.booleans())
def test_any_port_written_without_one_is_accepted(port: int, pattern: bool) -> None:
    host = "*.foo.example" if pattern else "foo.example"
    parsed = parse_config_origin(f"https://{host}:{port}")
    assert not isinstance(parsed, Problem)
    assert str(parsed) == f"https://{host}" + ("" if port == 443 else f":{port}")


# ---------------------------------------------------------- IPv4-mapped IPv6 addresses


def _mapped(entry: str, ipv4: str, sent: str, fix: str) -> Problem:
    return Problem(
        "allow_origins",
        repr(entry),
        f"is an IPv4-mapped IPv6 address: the host {ipv4} written a second way (a browser "
        f"sends it as '{sent}'), so the entry misses the same host reached by its IPv4 "
        "address",
        f"write the IPv4 form: '{fix}'",
    )


MAPPED = [
    (
        "http://[::ffff:7f7f:7f7f]:90",
        "127.127.127.127",
        "[::ffff:7f7f:7f7f]",
        "http://127.127.127.127:90",
    ),
    ("http://[::ffff:127.0.0.1]", "127.0.0.1", "[::ffff:7f00:1]", "http://127.0.0.1"),
    ("http://[::FFFF:1.2.3.4]:*", "1.2.3.4", "[::ffff:102:304]", "http://1.2.3.4:*"),
    (
        "https://[0:0:0:0:0:ffff:c000:0201]:8443",
        "192.0.2.1",
        "[::ffff:c000:201]",
        "https://192.0.2.1:8443",
    ),
    ("https://[::ffff:192.0.2.1]:443", "192.0.2.1", "[::ffff:c000:201]", "https://192.0.2.1"),
]


@pytest.mark.parametrize(("entry", "ipv4", "sent", "fix"), MAPPED)
def test_an_ipv4_mapped_ipv6_host_is_refused_with_its_ipv4_form(
    entry: str, ipv4: str, sent: str, fix: str
) -> None:
    assert _problems(allow_origins=[entry]) == (_mapped(entry, ipv4, sent, fix),)


def test_the_ipv4_form_is_accepted_and_matches() -> None:
    policy = _quiet(allow_origins=[fix for *_, fix in MAPPED])
    assert _allowed(policy, "http://127.127.127.127:90")
    assert _allowed(policy, "http://127.0.0.1")
    assert _allowed(policy, "http://1.2.3.4:5173")
    assert _allowed(policy, "https://192.0.2.1:8443")


@pytest.mark.parametrize(
    ("entry", "normalised"),
    [
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://[2001:db8::ffff:7f00:1]", "http://[2001:db8::ffff:7f00:1]"),
        ("http://[::ffff:0:7f00:1]", "http://[::ffff:0:7f00:1]"),  # SIIT, not mapped
        ("http://[64:ff9b::7f00:1]", "http://[64:ff9b::7f00:1]"),  # NAT64, not mapped
        ("http://127.0.0.1", "http://127.0.0.1"),
    ],
)
def test_other_ipv6_and_ipv4_hosts_are_accepted(entry: str, normalised: str) -> None:
    assert parse_config_origin(entry) == normalised
    assert _allowed(_quiet(allow_origins=[entry]), normalised)


def test_a_mapped_pattern_with_a_leading_zero_port_names_the_ipv4_fix() -> None:
    entry = "http://[::ffff:7f7f:7f7f]:090"
    assert _problems(allow_origins=[entry]) == (
        _mapped(entry, "127.127.127.127", "[::ffff:7f7f:7f7f]", "http://127.127.127.127:90"),
    )


# ------------------------------------------- entries longer than any accepted Origin

#: A 247-character domain: four labels of 60 and ``.com``.
BASE = ".".join(letter * 60 for letter in "abcd") + ".com"


def _never(entry: str, said: str) -> Problem:
    return Problem(
        "allow_origins",
        repr(entry),
        f"can never match: {said}, and the engine refuses any Origin longer than "
        f"{MAX_ORIGIN_LENGTH} characters",
        "write the real scheme and host (an accepted origin has at most "
        f"{MAX_ORIGIN_LENGTH} characters)",
    )


def _scheme(length: int) -> str:
    return "s" * length


def test_the_bound_is_the_engines() -> None:
    assert len(BASE) == 247
    assert MAX_ORIGIN_LENGTH == 320


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (f"{_scheme(70)}://{BASE}0", "it has 321 characters"),
        (f"{_scheme(71)}://{BASE}:*", "every origin it matches has at least 321 characters"),
        (f"{_scheme(69)}://*.{BASE}", "every origin it matches has at least 321 characters"),
        (f"{_scheme(64)}://*.{BASE}:8080", "every origin it matches has at least 321 characters"),
        (f"{_scheme(80)}://*.{BASE}:*", "every origin it matches has at least 332 characters"),
    ],
)
def test_an_entry_every_match_of_which_is_too_long_is_refused(entry: str, said: str) -> None:
    assert _problems(allow_origins=[entry]) == (_never(entry, said),)


@pytest.mark.parametrize(
    ("entry", "longest"),
    [
        (f"{_scheme(69)}://{BASE}0", f"{_scheme(69)}://{BASE}0"),
        (f"{_scheme(70)}://{BASE}:*", f"{_scheme(70)}://{BASE}"),
        (f"{_scheme(68)}://*.{BASE}", f"{_scheme(68)}://x.{BASE}"),
        (f"{_scheme(63)}://*.{BASE}:8080", f"{_scheme(63)}://x.{BASE}:8080"),
    ],
)
def test_an_entry_whose_shortest_match_fits_is_accepted_and_matches_it(
    entry: str, longest: str
) -> None:
    assert len(longest) == MAX_ORIGIN_LENGTH
    policy = _quiet(allow_origins=[entry])
    assert _allowed(policy, longest)
    assert not _allowed(policy, longest.replace("://", "://y", 1))  # one more: refused


# ------------------------------------------------------------------ every one at once


def test_every_new_refusal_is_listed_in_one_error() -> None:
    long_pattern = f"{_scheme(69)}://*.{BASE}"
    problems = _problems(
        allow_origins=[
            "https://foo.example:06060",
            "https://foo.example:6060",
            "http://[::ffff:7f7f:7f7f]:90",
            "http://[::1]:8080",
            long_pattern,
            "http://127.0.0.1",
        ],
        expose_headers=["x-total-count", "Access-Control-Allow-Methods"],
    )
    assert [(p.option, p.entry) for p in problems] == [
        ("allow_origins", "'https://foo.example:06060'"),
        ("allow_origins", "'http://[::ffff:7f7f:7f7f]:90'"),
        ("allow_origins", repr(long_pattern)),
        ("expose_headers", "'Access-Control-Allow-Methods'"),
    ]
