"""The exact problems, fixes and warnings of option validation (``cors_core/_config.py``).

Pinned by mutation testing: every ``ConfigError`` problem and every ``CORSConfigWarning``
is asserted whole (option, entry, problem, fix) and in order, with the policy the
accepted options build checked through ``decide``.
"""

from __future__ import annotations

import logging
import re
import warnings
from typing import Any

import pytest

from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, ReasonCode
from cors_core._config import (
    OPTION_NAMES,
    _caller_stacklevel,
    _is_own,
    header_pattern_matches,
    options_from_mapping,
    unknown_options,
)

Found = tuple[str, str, str, str]

A = "https://app.example.com"
NOT_A_LIST_PROBLEM = (
    "is a string where a list is expected (a string is matched character by character)"
)
NEVER_READ = "'*' beside it already allows every origin"
NEVER_READ_FIX = "remove '*' to allow only the listed origins, or remove the rest"
PLAIN_HTTP = "is plain http with credentials: a network attacker can impersonate it"
NOT_A_HEADER = ("is not a valid header name", "write e.g. 'x-api-key'")
NOT_A_METHOD = ("is not a valid method name", "write e.g. 'PUT'")


def problems(**options: Any) -> list[Found]:
    """Every problem ``ConfigError`` lists for ``options``, in order."""
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(**options)
    return [(p.option, p.entry, p.problem, p.fix) for p in caught.value.problems]


def warned(**options: Any) -> tuple[CORSPolicy, list[Found]]:
    """The policy ``options`` build and every configuration warning, in order."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        policy = CORSPolicy(**options)
    found = []
    for w in caught:
        assert w.category is CORSConfigWarning, w
        p = w.message.problem  # type: ignore[union-attr]
        assert p is not None
        found.append((p.option, p.entry, p.problem, p.fix))
    return policy, found


def quiet(**options: Any) -> CORSPolicy:
    policy, found = warned(**options)
    assert found == []
    return policy


def allow_origin(policy: CORSPolicy, origin: str, method: str = "GET") -> str | None:
    return dict(policy.decide(method, origin).headers).get("Access-Control-Allow-Origin")


# -- list-valued options -------------------------------------------------------------------


def test_a_string_for_a_list_is_refused_with_the_list_to_write() -> None:
    assert problems(allow_origins="https://a.example, https://b.example") == [
        (
            "allow_origins",
            "'https://a.example, https://b.example'",
            NOT_A_LIST_PROBLEM,
            "write allow_origins=['https://a.example', 'https://b.example'] or \"*\"",
        )
    ]
    assert problems(allow_methods=" , ", allow_headers="", expose_headers="x-a") == [
        ("allow_methods", "' , '", NOT_A_LIST_PROBLEM, "write allow_methods=['...'] or \"*\""),
        ("allow_headers", "''", NOT_A_LIST_PROBLEM, "write allow_headers=['...'] or \"*\""),
        ("expose_headers", "'x-a'", NOT_A_LIST_PROBLEM, "write expose_headers=['x-a'] or \"*\""),
    ]


def test_a_star_string_is_every_value() -> None:
    policy = quiet(allow_origins="*", allow_methods="*", allow_headers="*", expose_headers="*")
    d = policy.decide("OPTIONS", A, "PATCH", "x-anything")
    assert d.allowed and d.status == 204
    assert dict(d.headers) == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "PATCH",  # '*' answered by echoing the request
        "Access-Control-Allow-Headers": "x-anything",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network",
    }
    assert dict(policy.decide("GET", A).headers) == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "*",
    }


def test_values_that_are_no_list_are_refused() -> None:
    assert problems(allow_methods=5, allow_headers=b"x-a", expose_headers={"x-a": 1}) == [
        ("allow_methods", "5", "is not a list", "write allow_methods=[...]"),
        ("allow_headers", "b'x-a'", "is not a list", "write allow_headers=[...]"),
        ("expose_headers", "{'x-a': 1}", "is not a list", "write expose_headers=[...]"),
    ]


def test_none_for_a_list_is_an_empty_list() -> None:
    policy = quiet(allow_origins=None, allow_methods=None, allow_headers=None)
    assert policy.decide("GET", A).allowed is False
    d = CORSPolicy(allow_origins=[A], allow_methods=None).decide("OPTIONS", A, "GET")
    assert (d.allowed, d.reason.code) == (False, ReasonCode.METHOD_NOT_ALLOWED)


def test_any_iterable_is_a_list_and_a_star_item_is_every_value() -> None:
    policy = quiet(allow_origins=iter([A]), allow_methods=("GET", "*"), allow_headers={"*"})
    d = policy.decide("OPTIONS", A, "PATCH", "x-anything")
    assert d.allowed
    assert dict(d.headers)["Access-Control-Allow-Methods"] == "PATCH"
    assert dict(d.headers)["Access-Control-Allow-Headers"] == "x-anything"
    assert policy.decide("OPTIONS", A, "PURGE").reason.code == ReasonCode.METHOD_NOT_ALLOWED
    assert allow_origin(policy, "https://other.example") is None


def test_booleans_must_be_bools() -> None:
    assert problems(
        allow_credentials="yes",
        allow_private_network=1,
        allow_null_origin="true",
        allow_public_suffix_wildcards=0,
        block_disallowed=None,
        websocket_origins=[],
        debug=1.0,
        strict="no",
    ) == [
        ("allow_credentials", "'yes'", "is not a bool", "write allow_credentials=True or False"),
        (
            "allow_private_network",
            "1",
            "is not a bool",
            "write allow_private_network=True or False",
        ),
        ("allow_null_origin", "'true'", "is not a bool", "write allow_null_origin=True or False"),
        (
            "allow_public_suffix_wildcards",
            "0",
            "is not a bool",
            "write allow_public_suffix_wildcards=True or False",
        ),
        ("block_disallowed", "None", "is not a bool", "write block_disallowed=True or False"),
        ("websocket_origins", "[]", "is not a bool", "write websocket_origins=True or False"),
        ("debug", "1.0", "is not a bool", "write debug=True or False"),
        ("strict", "'no'", "is not a bool", "write strict=True or False"),
    ]


def test_a_truthy_non_bool_credentials_flag_adds_no_credential_checks() -> None:
    # refused, and while refused it adds no credential checks of its own
    assert problems(allow_origins=["*"], allow_credentials=1, expose_headers=["*"]) == [
        ("allow_credentials", "1", "is not a bool", "write allow_credentials=True or False"),
    ]


# -- allow_origins ---------------------------------------------------------------------------


def test_entries_beside_star_are_warned_never_read() -> None:
    policy, found = warned(allow_origins=["*", "https://a.example"])
    assert found == [
        ("allow_origins", "'https://a.example'", f"is never read: {NEVER_READ}", NEVER_READ_FIX)
    ]
    assert allow_origin(policy, "https://b.example") == "*"
    _, found = warned(allow_origins=("https://a.example", "*", "https://b.example"))
    assert found == [
        (
            "allow_origins",
            "'https://a.example', 'https://b.example'",
            f"are never read: {NEVER_READ}",
            NEVER_READ_FIX,
        )
    ]
    quiet(allow_origins=["*"])
    quiet(allow_origins=("*", "*"))
    # any collection, and an iterator (read once), names the entries '*' leaves unread
    for written in ({"*", "https://a.example"}, iter(["*", "https://a.example"])):
        policy, found = warned(allow_origins=written)
        assert found == [
            (
                "allow_origins",
                "'https://a.example'",
                f"is never read: {NEVER_READ}",
                NEVER_READ_FIX,
            )
        ]
        assert allow_origin(policy, "https://b.example") == "*"
    policy = quiet(allow_origins=iter(["*"]))
    assert allow_origin(policy, "https://b.example") == "*"


def test_star_with_credentials_is_refused() -> None:
    assert problems(allow_origins=["*"], allow_credentials=True) == [
        (
            "allow_origins",
            "'*'",
            "allows every origin together with allow_credentials=True, so any website "
            "can read your users' authenticated responses",
            "list the trusted origins explicitly: allow_origins=['https://app.example.com'] "
            "(patterns such as 'https://*.example.com' are accepted); or, if pages send "
            "no cookies (a token API needs none), set allow_credentials=False",
        )
    ]


def test_star_and_entries_with_credentials_warn_then_refuse() -> None:
    assert problems(allow_origins=["*", "https://a.example"], allow_credentials=True, strict=True)[
        :1
    ] == [("allow_origins", "'https://a.example'", f"is never read: {NEVER_READ}", NEVER_READ_FIX)]


def test_star_allows_every_origin_but_not_null() -> None:
    policy = quiet(allow_origins=["*"])
    assert allow_origin(policy, "https://any.example") == "*"
    d = policy.decide("GET", "null")
    assert dict(d.headers).get("Access-Control-Allow-Origin") == "*"
    null_policy = quiet(allow_origins=["null"], allow_null_origin=True)
    assert allow_origin(null_policy, "null") == "null"


def test_null_is_refused_without_opt_in_and_allowed_with_it() -> None:
    assert problems(allow_origins=["null", A]) == [
        (
            "allow_origins",
            "'null'",
            "allows the opaque origin sent by sandboxed iframes, file:// pages and "
            "redirects: any site can produce it",
            "remove it, or confirm with allow_null_origin=True",
        )
    ]
    assert problems(allow_origins=["null"], allow_null_origin=1)[-1][:2] == (
        "allow_origins",
        "'null'",
    )
    policy = quiet(allow_origins=["null", A], allow_null_origin=True)
    assert allow_origin(policy, "null") == "null"
    assert allow_origin(policy, A) == A
    refused = quiet(allow_origins=[A], allow_null_origin=True)  # the flag alone allows nothing
    d = refused.decide("GET", "null")
    assert (d.allowed, d.reason.code) == (False, ReasonCode.ORIGIN_NULL)


def test_an_origin_problem_is_listed_and_the_rest_still_checked() -> None:
    assert problems(allow_origins=["https://a.example/", "null"]) == [
        (
            "allow_origins",
            "'https://a.example/'",
            "has a trailing slash",
            "write 'https://a.example' (browsers send origins without any path)",
        ),
        (
            "allow_origins",
            "'null'",
            "allows the opaque origin sent by sandboxed iframes, file:// pages and "
            "redirects: any site can produce it",
            "remove it, or confirm with allow_null_origin=True",
        ),
    ]


def test_public_suffix_wildcards_with_credentials() -> None:
    assert problems(
        allow_origins=["https://*.github.io", "https://*.com.", "https://*.com:8443", A],
        allow_credentials=True,
    ) == [
        (
            "allow_origins",
            "'https://*.github.io'",
            "matches every site registered under the public suffix 'github.io', with credentials",
            "list your own subdomains, or confirm with allow_public_suffix_wildcards=True",
        ),
        (
            "allow_origins",
            "'https://*.com.'",
            "matches every site registered under the public suffix 'com', with credentials",
            "list your own subdomains, or confirm with allow_public_suffix_wildcards=True",
        ),
        (
            "allow_origins",
            "'https://*.com:8443'",
            "matches every site registered under the public suffix 'com', with credentials",
            "list your own subdomains, or confirm with allow_public_suffix_wildcards=True",
        ),
    ]
    assert (
        len(
            problems(
                allow_origins=["https://*.github.io"],
                allow_credentials=True,
                allow_public_suffix_wildcards=1,
            )
        )
        == 2
    )
    policy = quiet(
        allow_origins=["https://*.github.io"],
        allow_credentials=True,
        allow_public_suffix_wildcards=True,
    )
    assert allow_origin(policy, "https://me.github.io") == "https://me.github.io"
    policy = quiet(allow_origins=["https://*.github.io"])  # no credentials: nothing to steal
    assert allow_origin(policy, "https://me.github.io") == "https://me.github.io"
    quiet(allow_origins=["https://*.example.com"], allow_credentials=True)


def test_untrustworthy_origins_with_credentials_are_warned() -> None:
    policy, found = warned(
        allow_origins=[
            "http://a.example",
            "https://b.example",
            "http://*.c.example",
            "ws://d.example",
            "http://e.example:*",
        ],
        allow_credentials=True,
    )
    assert found == [
        ("allow_origins", "'http://a.example'", PLAIN_HTTP, "use https"),
        ("allow_origins", "'http://*.c.example'", PLAIN_HTTP, "use https"),
        (
            "allow_origins",
            "'ws://d.example'",
            "uses the 'ws' scheme with credentials: nothing authenticates a page with that "
            "origin (a network attacker, or another app registering the scheme, can produce it)",
            "use https",
        ),
        ("allow_origins", "'http://e.example:*'", PLAIN_HTTP, "use https"),
    ]
    assert allow_origin(policy, "http://a.example") == "http://a.example"
    assert allow_origin(policy, "http://x.c.example") == "http://x.c.example"
    assert allow_origin(policy, "http://e.example:81") == "http://e.example:81"
    quiet(allow_origins=["http://a.example", "http://*.c.example"])  # no credentials


def test_loopback_and_secure_origins_with_credentials_are_not_warned() -> None:
    policy = quiet(
        allow_origins=[
            "http://localhost:3000",
            "http://localhost:*",
            "http://*.localhost",
            "http://127.0.0.1:8000",
            "http://[::1]:8000",
            "https://*.example.com",
            "wss://socket.example.com",
        ],
        allow_credentials=True,
    )
    assert allow_origin(policy, "http://localhost:5173") == "http://localhost:5173"
    assert allow_origin(policy, "http://app.localhost") == "http://app.localhost"


# -- allow_origin_regex and allow_origin_predicate ----------------------------------------------


def test_regex_entries_of_every_wrong_kind() -> None:
    assert problems(
        allow_origin_regex=[re.compile(b"x"), 5, "(", r"https://a\.example", re.compile("(a+)+$")]
    )[:3] == [
        (
            "allow_origin_regex",
            "re.compile(b'x')",
            "is a bytes pattern, but origins are matched as str",
            "compile a str pattern",
        ),
        ("allow_origin_regex", "5", "is not a string", "write a regex string"),
        (
            "allow_origin_regex",
            "'('",
            "does not compile (missing ), unterminated subpattern at position 0)",
            "fix the regex",
        ),
    ]


def test_an_unsafe_regex_is_refused_whether_compiled_or_not() -> None:
    nested = (
        "allow_origin_regex",
        "'https://(a+)+\\\\.example'",
        "can backtrack exponentially: (a+)+ nests a repeat inside a repeat, so the same "
        "characters can be split between the iterations in exponentially many ways; a "
        "crafted Origin of about 30 characters then costs seconds of CPU (ReDoS)",
        "rewrite without nested or adjacent overlapping quantifiers (e.g. a+ instead of (a+)+)",
    )
    for value in ["https://(a+)+\\.example", re.compile("https://(a+)+\\.example")]:
        assert problems(allow_origin_regex=value) == [nested]
    found = problems(allow_origin_regex=[r"https://(a+)+\.example", r"https://ok\.example"])
    assert {f[:2] for f in found} == {("allow_origin_regex", "'https://(a+)+\\\\.example'")}


def test_regex_values_that_are_no_list_or_no_regex() -> None:
    assert problems(allow_origin_regex=5) == [
        ("allow_origin_regex", "5", "is not a list", "write allow_origin_regex=[...]")
    ]
    assert problems(allow_origin_regex=["*"]) == [  # no wildcard here: a regex
        (
            "allow_origin_regex",
            "'*'",
            "does not compile (nothing to repeat at position 0)",
            "fix the regex",
        )
    ]


def test_regexes_of_every_kind_allow_what_they_match() -> None:
    for value in (
        r"https://a\.example",
        re.compile(r"https://a\.example"),
        [r"https://b\.example", re.compile(r"https://a\.example")],
        (r"https://a\.example",),
    ):
        policy = quiet(allow_origin_regex=value)
        assert allow_origin(policy, "https://a.example") == "https://a.example", value
        assert allow_origin(policy, "https://c.example") is None
    policy = quiet(allow_origin_regex=None)
    assert allow_origin(policy, "https://a.example") is None


def test_a_predicate_must_be_callable() -> None:
    assert problems(allow_origin_predicate=5) == [
        ("allow_origin_predicate", "5", "is not callable", "pass a function")
    ]
    policy = quiet(allow_origin_predicate=lambda o: o.endswith(".example"))
    assert allow_origin(policy, "https://z.example") == "https://z.example"
    assert allow_origin(policy, "https://z.other") is None


# -- allow_methods -------------------------------------------------------------------------------


def test_invalid_and_forbidden_methods_are_refused() -> None:
    assert problems(allow_methods=["G T", 5, "connect", "TRACE", "Track", "", "GET"]) == [
        ("allow_methods", "'G T'", *NOT_A_METHOD),
        ("allow_methods", "5", *NOT_A_METHOD),
        ("allow_methods", "'connect'", "is a forbidden method browsers never send", "remove it"),
        ("allow_methods", "'TRACE'", "is a forbidden method browsers never send", "remove it"),
        ("allow_methods", "'Track'", "is a forbidden method browsers never send", "remove it"),
        ("allow_methods", "''", *NOT_A_METHOD),
    ]


def test_methods_are_normalised_as_fetch_sends_them_and_other_lowercase_warned() -> None:
    policy, found = warned(
        allow_origins=[A], allow_methods=["get", "patch", "Purge", "PUT", "put", "GET", "PATCH"]
    )
    assert found == [
        (
            "allow_methods",
            "'patch'",
            "is not uppercase: methods are case-sensitive and fetch() sends it as the page "
            "wrote it (usually uppercase)",
            "write 'PATCH'",
        ),
        (
            "allow_methods",
            "'Purge'",
            "is not uppercase: methods are case-sensitive and fetch() sends it as the page "
            "wrote it (usually uppercase)",
            "write 'PURGE'",
        ),
    ]
    d = policy.decide("OPTIONS", A, "PATCH")
    assert dict(d.headers)["Access-Control-Allow-Methods"] == "GET, patch, Purge, PUT, PATCH"
    assert policy.decide("OPTIONS", A, "patch").allowed
    assert not policy.decide("OPTIONS", A, "PURGE").allowed
    assert policy.decide("OPTIONS", A, "PUT").allowed


# -- allow_headers and expose_headers -------------------------------------------------------------


def test_header_patterns_of_every_wrong_kind() -> None:
    regex_syntax = (
        "is a header-name pattern with regex syntax other than '*' (or '.*')",
        "write a glob such as 'x-company-*' (one entry per prefix), or list the names",
    )
    assert problems(
        allow_headers=[
            "x-(a)*",
            "x-a|b*",
            "x-a?*",
            "x-[ab]*",
            "x-a+*",
            "^x-a*",
            "x-a*$",
            "x-{2}*",
            "x\\-a*",
            "x a*",
            "a*b*c*d*e*f",
            "a*b*c*d*e",
            "bad name",
            5,
        ]
    ) == [
        ("allow_headers", "'x-(a)*'", *regex_syntax),
        ("allow_headers", "'x-a|b*'", *regex_syntax),
        ("allow_headers", "'x-a?*'", *regex_syntax),
        ("allow_headers", "'x-[ab]*'", *regex_syntax),
        ("allow_headers", "'x-a+*'", *regex_syntax),
        ("allow_headers", "'^x-a*'", *regex_syntax),
        ("allow_headers", "'x-a*$'", *regex_syntax),
        ("allow_headers", "'x-{2}*'", *regex_syntax),
        ("allow_headers", "'x\\\\-a*'", *regex_syntax),
        ("allow_headers", "'x a*'", *regex_syntax),
        (
            "allow_headers",
            "'a*b*c*d*e*f'",
            "has more than 4 '*' wildcards",
            "use fewer wildcards, e.g. 'x-company-*'",
        ),
        ("allow_headers", "'bad name'", *NOT_A_HEADER),
        ("allow_headers", "5", *NOT_A_HEADER),
    ]


def test_header_patterns_match_as_globs_and_dot_star_as_star() -> None:
    policy = quiet(
        allow_origins=[A], allow_headers=["X-Amz-*", "x-amz-.*", "x-*-id", "*-token", "*a*b*c*"]
    )
    for name, allowed in [
        ("x-amz-date", True),
        ("x-amzdate", False),
        ("x-user-id", True),
        ("x-id", False),
        ("x-user-ids", False),
        ("my-token", True),
        ("a-b-c", True),
        ("c-b-a", False),
    ]:
        d = policy.decide("OPTIONS", A, "GET", name)
        assert d.allowed is allowed, name


def test_header_pattern_matches() -> None:
    assert header_pattern_matches(("x-amz-", ""), "x-amz-date")
    assert not header_pattern_matches(("x-amz-", ""), "x-amzdate")
    assert header_pattern_matches(("x-", "-id"), "x--id")
    assert not header_pattern_matches(("x-", "-id"), "x-id")  # the parts would overlap
    assert not header_pattern_matches(("x-", "-id"), "x-a-idx")
    assert not header_pattern_matches(("x-", "-id"), "y-a-id")
    assert header_pattern_matches(("", "a", "b", ""), "ab")
    assert header_pattern_matches(("", "a", "b", ""), "xaxbx")
    assert not header_pattern_matches(("", "a", "b", ""), "ba")
    assert not header_pattern_matches(("x", "a", "x"), "xax"[:2])
    assert header_pattern_matches(("x", "a", "x"), "xax")
    assert not header_pattern_matches(("x", "a", "x"), "xx")  # 'a' must lie between
    assert not header_pattern_matches(("x", "ab", "c"), "xabab")
    assert header_pattern_matches(("x", "ab", "", "c"), "xabc")
    assert not header_pattern_matches(("x", "aa", "aa", "c"), "xaaac")  # no overlap
    assert header_pattern_matches(("x", "aa", "aa", "c"), "xaaaac")
    assert not header_pattern_matches(("x", "a", "ax"), "xax")  # 'a' only in the last part
    assert header_pattern_matches(("x", "a", "ax"), "xaax")
    assert not header_pattern_matches(("ab", "b", ""), "abc")  # 'b' only in the first part
    assert header_pattern_matches(("ab", "b", ""), "abb")
    assert header_pattern_matches(("", "a", "ba", ""), "abaa")  # leftmost 'a' first
    assert header_pattern_matches(("", ""), "")
    assert not header_pattern_matches(("", "b", ""), "abc"[:1])


def test_too_many_header_patterns_are_refused_and_duplicates_count_once() -> None:
    many = [f"x-{i}-*" for i in range(33)]
    assert problems(allow_headers=many) == [
        (
            "allow_headers",
            "33 patterns",
            "is more than 32 header-name patterns",
            "merge them into fewer globs",
        )
    ]
    policy = quiet(allow_origins=[A], allow_headers=[*many[:32], "X-0-*", "x-0-.*"])
    assert policy.decide("OPTIONS", A, "GET", "x-31-a").allowed
    assert policy.decide("OPTIONS", A, "GET", "x-0-a").allowed
    assert not policy.decide("OPTIONS", A, "GET", "x-32-a").allowed


def test_header_names_keep_their_case_and_count_once() -> None:
    policy = quiet(allow_origins=[A], allow_headers=["X-Api-Key", "x-api-key", "Content-Type"])
    d = policy.decide("OPTIONS", A, "GET", "content-type,x-api-key")
    assert dict(d.headers)["Access-Control-Allow-Headers"] == "X-Api-Key, Content-Type"
    policy = quiet(allow_origins=[A], expose_headers=["X-Total", "x-total", "X-Page"])
    assert dict(policy.decide("GET", A).headers)["Access-Control-Expose-Headers"] == (
        "X-Total, X-Page"
    )


def test_a_star_inside_an_expose_name_is_refused() -> None:
    assert problems(expose_headers=["x-a*", "x-*", 5]) == [
        ("expose_headers", "'x-a*'", *NOT_A_HEADER),
        ("expose_headers", "'x-*'", *NOT_A_HEADER),
        ("expose_headers", "5", *NOT_A_HEADER),
    ]


def test_cors_response_headers_in_allow_headers_are_warned_and_kept() -> None:
    policy, found = warned(
        allow_origins=[A],
        allow_headers=["Access-Control-Allow-Headers", "access-control-max-age", "x-a"],
    )
    problem = (
        "is a CORS response header, which pages have no reason to send: listing it only "
        "lets a request carrying it pass the preflight, and sets nothing the policy answers"
    )
    assert found == [
        (
            "allow_headers",
            "'Access-Control-Allow-Headers'",
            problem,
            "remove it: the other names listed in allow_headers are what the policy answers in it",
        ),
        (
            "allow_headers",
            "'access-control-max-age'",
            problem,
            "remove it from allow_headers; set max_age=... to control it",
        ),
    ]
    d = policy.decide("OPTIONS", A, "GET", "access-control-max-age")
    assert d.allowed


def test_request_and_forbidden_headers_in_allow_headers_are_warned_and_kept() -> None:
    policy, found = warned(allow_origins=[A], allow_headers=["Cookie", "sec-fetch-mode", "x-a"])
    no_effect = (
        "is a header browsers never let a page send, so allowing it has no effect",
        "remove it",
    )
    assert found == [
        ("allow_headers", "'Cookie'", *no_effect),
        ("allow_headers", "'sec-fetch-mode'", *no_effect),
    ]
    d = policy.decide("OPTIONS", A, "GET", "x-a")
    assert dict(d.headers)["Access-Control-Allow-Headers"] == "Cookie, sec-fetch-mode, x-a"


def test_wrong_names_in_expose_headers_are_refused() -> None:
    request_header = (
        "is a request header the browser sends, never a response header a script could "
        "read, so exposing it changes nothing",
        "remove it from expose_headers (list response headers, e.g. 'x-total-count')",
    )
    acted_on = (
        "is a CORS response header the browser acts on itself, not an application header "
        "for scripts to read: exposing it serves no purpose"
    )
    assert problems(
        expose_headers=[
            "Origin",
            "access-control-request-method",
            "set-cookie",
            "Set-Cookie2",
            "access-control-expose-headers",
            "Access-Control-Allow-Origin",
            "access-control-allow-credentials",
            "x-total-count",
        ]
    ) == [
        ("expose_headers", "'Origin'", *request_header),
        ("expose_headers", "'access-control-request-method'", *request_header),
        (
            "expose_headers",
            "'set-cookie'",
            "can never be exposed: browsers hide Set-Cookie from scripts",
            "remove it (cookies are sent with credentials, not read from headers)",
        ),
        (
            "expose_headers",
            "'Set-Cookie2'",
            "can never be exposed: browsers hide Set-Cookie from scripts",
            "remove it (cookies are sent with credentials, not read from headers)",
        ),
        (
            "expose_headers",
            "'access-control-expose-headers'",
            acted_on,
            "remove it: the other names listed in expose_headers are what the policy answers in it",
        ),
        (
            "expose_headers",
            "'Access-Control-Allow-Origin'",
            acted_on,
            "remove it from expose_headers; set allow_origins=... to control it",
        ),
        (
            "expose_headers",
            "'access-control-allow-credentials'",
            acted_on,
            "remove it from expose_headers; set allow_credentials=... to control it",
        ),
    ]


def test_request_names_and_cookies_are_ordinary_in_the_other_list() -> None:
    policy, found = warned(allow_origins=[A], expose_headers=["cookie", "x-page"])
    assert found == []
    assert dict(policy.decide("GET", A).headers)["Access-Control-Expose-Headers"] == (
        "cookie, x-page"
    )
    policy, found = warned(allow_origins=[A], allow_headers=["x-total-count", "x-a"])
    assert found == []
    assert policy.decide("OPTIONS", A, "GET", "x-total-count").allowed


def test_expose_star_with_credentials_is_refused() -> None:
    assert problems(allow_origins=[A], expose_headers=["*"], allow_credentials=True) == [
        (
            "expose_headers",
            "'*'",
            "is not honoured by browsers for credentialed requests (it exposes only a header "
            "literally named '*')",
            "list the header names to expose",
        )
    ]
    quiet(allow_origins=[A], expose_headers=["*"], allow_credentials=False)
    quiet(allow_origins=[A], allow_headers=["*"], allow_credentials=True)


# -- max_age, preflight_status, allow_private_network -------------------------------------------


@pytest.mark.parametrize(
    ("value", "found"),
    [
        (True, ("True", "is not an integer number of seconds", "write e.g. 600")),
        ("600", ("'600'", "is not an integer number of seconds", "write e.g. 600")),
        (600.0, ("600.0", "is not an integer number of seconds", "write e.g. 600")),
        (-1, ("-1", "is negative", "use 0 (no caching) or more")),
        (
            86401,
            (
                "86401",
                "is absurd: browsers cap it (Chromium at 7200 s, Firefox at 86400 s)",
                "use at most 7200",
            ),
        ),
    ],
)
def test_bad_max_age(value: object, found: tuple[str, str, str]) -> None:
    assert problems(max_age=value) == [("max_age", *found)]


@pytest.mark.parametrize(("value", "header"), [(0, "0"), (86400, "86400"), (None, None)])
def test_max_age_bounds_are_accepted(value: int | None, header: str | None) -> None:
    d = quiet(allow_origins=[A], max_age=value).decide("OPTIONS", A, "GET")
    assert d.allowed
    assert dict(d.headers).get("Access-Control-Max-Age") == header


@pytest.mark.parametrize("status", [True, 201, 200.0, "204", None, 0])
def test_bad_preflight_status(status: object) -> None:
    assert problems(preflight_status=status) == [
        ("preflight_status", repr(status), "must be 204 or 200", "use 204 (200 for old clients)")
    ]


@pytest.mark.parametrize("status", [200, 204])
def test_preflight_status(status: int) -> None:
    assert quiet(allow_origins=[A], preflight_status=status).decide("OPTIONS", A, "GET").status == (
        status
    )


def test_private_network_with_star_is_refused() -> None:
    assert problems(allow_origins=["*"], allow_private_network=True) == [
        (
            "allow_private_network",
            "True",
            "is set together with allow_origins=['*']: every public website could then "
            "reach this private-network server (router, intranet, localhost service) from "
            "its visitors' browsers and read the responses",
            "list the origins allowed to reach it in allow_origins "
            "(e.g. ['https://app.example.com']), or set allow_private_network=False",
        )
    ]
    quiet(allow_origins=[A], allow_private_network=True)
    assert problems(allow_origins=["*"], allow_private_network="yes")[0][0] == (
        "allow_private_network"
    )
    assert len(problems(allow_origins=["*"], allow_private_network="yes")) == 1


def test_flags_reach_the_policy() -> None:
    policy = quiet(allow_origins=[A], allow_private_network=True)
    d = policy.decide("OPTIONS", A, "GET", private_network=True)
    assert dict(d.headers)["Access-Control-Allow-Private-Network"] == "true"
    d = quiet(allow_origins=[A]).decide("OPTIONS", A, "GET", private_network=True)
    assert (d.allowed, d.reason.code) == (False, ReasonCode.PRIVATE_NETWORK)
    blocking = quiet(allow_origins=[A], block_disallowed=True)
    assert blocking.decide("GET", "https://evil.example").status == 403
    assert quiet(allow_origins=[A]).decide("GET", "https://evil.example").status == 200


# -- problems are all listed; warnings are raised after them -----------------------------------


def test_every_problem_is_listed_in_option_order() -> None:
    found = problems(
        allow_credentials="x",
        debug=2,
        allow_origins=["*"],
        allow_private_network=True,
        allow_origin_regex=5,
        allow_origin_predicate=1,
        allow_methods="GET",
        allow_headers=[5],
        expose_headers=[6],
        max_age=-2,
        preflight_status=1,
    )
    assert [f[:2] for f in found] == [
        ("allow_credentials", "'x'"),
        ("debug", "2"),
        ("allow_private_network", "True"),
        ("allow_origin_regex", "5"),
        ("allow_origin_predicate", "1"),
        ("allow_methods", "'GET'"),
        ("allow_headers", "5"),
        ("expose_headers", "6"),
        ("max_age", "-2"),
        ("preflight_status", "1"),
    ]


def test_strict_turns_warnings_into_problems() -> None:
    found = problems(allow_origins=["http://a.example"], allow_credentials=True, strict=True)
    assert found == [("allow_origins", "'http://a.example'", PLAIN_HTTP, "use https")]
    _, warned_found = warned(
        allow_origins=["http://a.example"], allow_credentials=True, strict=False
    )
    assert warned_found == found


def test_no_warning_is_raised_when_the_configuration_is_refused() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ConfigError):
            CORSPolicy(allow_origins=["http://a.example"], allow_credentials=True, max_age=-1)
    assert caught == []


def test_each_warning_is_logged_and_raised_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="cors_core"):
        _, found = warned(
            allow_origins=["http://a.example", "http://b.example"], allow_credentials=True
        )
    assert len(found) == 2
    logged = "CORS configuration warning: allow_origins: '{}' " + PLAIN_HTTP + "; fix: use https"
    assert [r.getMessage() for r in caplog.records if r.name == "cors_core"] == [
        logged.format("http://a.example"),
        logged.format("http://b.example"),
    ]


def test_own_modules_are_known_by_their_top_level_package() -> None:
    assert _is_own("cors_core")
    assert _is_own("cors_core._config")
    assert _is_own("cors_core._regex._syntax")
    assert _is_own("adapters.asgi")
    assert not _is_own("cors_core_extras.x")
    assert not _is_own("tests.config.test_config_pinned")
    assert not _is_own("app.cors_core")
    assert not _is_own("")
    assert not _is_own(None)
    assert not _is_own(42)


def test_the_stacklevel_from_a_caller_outside_the_library_is_one() -> None:
    # (where a warning points from inside the library: tests/config/test_validation.py)
    assert _caller_stacklevel() == 1


# -- option names and mappings ------------------------------------------------------------------


def test_unknown_options_name_the_closest_option() -> None:
    found = [
        (p.option, p.entry, p.problem, p.fix)
        for p in unknown_options(["allow_origin", "max_age", "zzz"])
    ]
    assert found == [
        ("allow_origin", "", "is not a CORS option", "did you mean 'allow_origins'?"),
        ("zzz", "", "is not a CORS option", f"valid options: {', '.join(OPTION_NAMES)}"),
    ]
    assert unknown_options(OPTION_NAMES) == []


def test_a_misspelt_keyword_is_refused_beside_the_other_problems() -> None:
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(allow_origin=[A], max_age=-1)  # type: ignore[call-arg]
    assert [(p.option, p.problem, p.fix) for p in caught.value.problems] == [
        ("allow_origin", "is not a CORS option", "did you mean 'allow_origins'?"),
        ("max_age", "is negative", "use 0 (no caching) or more"),
    ]


def test_options_from_mapping() -> None:
    mapping = {"allow_origins": [A], "max_age": 5}
    got = options_from_mapping(mapping)
    assert got == mapping and got is not mapping
    with pytest.raises(ConfigError) as caught:
        options_from_mapping({"allow_origin": [A], "max_age": 5})
    assert [(p.option, p.entry, p.problem, p.fix) for p in caught.value.problems] == [
        ("allow_origin", "", "is not a CORS option", "did you mean 'allow_origins'?"),
    ]
    assert options_from_mapping({"allow_origin": [A]}, check_names=False) == {"allow_origin": [A]}


def test_a_paths_table_is_refused_with_the_misspelt_names_beside_it() -> None:
    paths_problem = (
        "paths",
        "",
        "defines per-path rules, which a single CORSPolicy cannot hold",
        "use cors_core.loading.load_config or rules_from_mapping (they give PathRules)",
    )
    for check_names in (True, False):
        with pytest.raises(ConfigError) as caught:
            options_from_mapping(
                {"paths": {}, "allow_origin": [A], "max_age": 5}, check_names=check_names
            )
        assert [(p.option, p.entry, p.problem, p.fix) for p in caught.value.problems] == [
            paths_problem,
            ("allow_origin", "", "is not a CORS option", "did you mean 'allow_origins'?"),
        ]
    with pytest.raises(ConfigError) as caught:
        CORSPolicy.from_mapping({"paths": {"/a": {}}})
    assert [(p.option, p.entry, p.problem, p.fix) for p in caught.value.problems] == [paths_problem]
