"""Tests of the browser-side CORS model (cors_core.browser) against the Fetch Standard."""

from __future__ import annotations

import asyncio
import doctest
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cors_core import browser
from cors_core.browser import (
    FORBIDDEN_METHODS,
    FORBIDDEN_REQUEST_HEADERS,
    SAFELISTED_METHODS,
    BrowserDifference,
    Exchange,
    Trip,
    Verdict,
    cors_check,
    cors_unsafe_request_header_names,
    exposed_response_headers,
    is_cors_safelisted_method,
    is_cors_safelisted_request_header,
    is_forbidden_request_header,
    needs_preflight,
    normalize_method,
    preflight_check,
    preflight_max_age,
    simulate,
    simulate_async,
)

ORIGIN = "https://app.example"
PREFIX = "Response to preflight request doesn't pass access control check: "
ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACAPN = "Access-Control-Allow-Private-Network"


def test_docstring_examples_run() -> None:
    result = doctest.testmod(browser)
    assert result.attempted >= 30
    assert result.failed == 0


# ------------------------------------------------------------------------ constants


def test_constants() -> None:
    assert frozenset({"GET", "HEAD", "POST"}) == SAFELISTED_METHODS
    assert frozenset({"CONNECT", "TRACE", "TRACK"}) == FORBIDDEN_METHODS
    assert len(FORBIDDEN_REQUEST_HEADERS) == 21
    assert {"cookie", "origin", "host", "keep-alive", "set-cookie", "dnt"} <= (
        FORBIDDEN_REQUEST_HEADERS
    )
    assert all(name == name.lower() for name in FORBIDDEN_REQUEST_HEADERS)
    assert {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    } == browser.SAFELISTED_RESPONSE_HEADERS


# ------------------------------------------------------------------ request headers


@pytest.mark.parametrize(
    "name",
    [
        "Cookie",
        "ORIGIN",
        "accept-encoding",
        "Access-Control-Request-Headers",
        "Proxy-Foo",
        "proxy-authorization",
        "Sec-Fetch-Mode",
        "sec-ch-ua",
        "Keep-Alive",
        "Via",
    ],
)
def test_forbidden_request_headers(name: str) -> None:
    assert is_forbidden_request_header(name)


@pytest.mark.parametrize(
    "name", ["X-Token", "Authorization", "Content-Type", "X-Proxy-Foo", "Secret", "Accept"]
)
def test_allowed_request_headers(name: str) -> None:
    assert not is_forbidden_request_header(name)


def test_method_override_headers_forbidden_only_with_forbidden_methods() -> None:
    assert is_forbidden_request_header("X-HTTP-Method-Override", "TRACE")
    assert is_forbidden_request_header("x-method-override", "GET, connect")
    assert is_forbidden_request_header("X-HTTP-Method", " track ")
    assert not is_forbidden_request_header("X-HTTP-Method-Override", "PATCH")
    # A quoted string is one item (and not a method token).
    assert not is_forbidden_request_header("X-HTTP-Method-Override", '"TRACE"')
    assert not is_forbidden_request_header("X-HTTP-Method-Override", '"a,TRACE"')
    # Without a value only the name rules apply.
    assert not is_forbidden_request_header("X-HTTP-Method-Override")


def test_normalize_method() -> None:
    assert normalize_method("delete") == "DELETE"
    assert normalize_method("Get") == "GET"
    assert normalize_method("options") == "OPTIONS"
    assert normalize_method("put") == "PUT"
    assert normalize_method("patch") == "patch"
    assert normalize_method("Patch") == "Patch"
    assert normalize_method("PATCH") == "PATCH"
    assert normalize_method("CHICKEN") == "CHICKEN"
    # Byte-case-insensitive: no Unicode case folding (LATIN SMALL LETTER LONG S).
    assert normalize_method("po\u017ft") == "po\u017ft"


def test_safelisted_method_is_case_sensitive() -> None:
    assert is_cors_safelisted_method("GET")
    assert is_cors_safelisted_method("HEAD")
    assert is_cors_safelisted_method("POST")
    assert not is_cors_safelisted_method("get")
    assert not is_cors_safelisted_method("PUT")
    assert not is_cors_safelisted_method("OPTIONS")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("Content-Type", "text/plain", True),
        ("content-type", "TEXT/Plain", True),
        ("Content-Type", "text/plain;charset=utf-8", True),
        ("Content-Type", "text/plain;", True),
        ("Content-Type", "multipart/form-data; boundary=xyz", True),
        ("Content-Type", "application/x-www-form-urlencoded", True),
        ("Content-Type", "application/json", False),
        ("Content-Type", "text/html", False),
        ("Content-Type", 'text/plain; charset="utf-8"', False),  # '"' is CORS-unsafe
        ("Content-Type", "text/plain garbage", False),
        ("Content-Type", "text /plain", False),
        ("Content-Type", "text/", False),
        ("Content-Type", "text", False),
        ("Content-Type", "", False),
        ("Accept", "*/*", True),
        ("Accept", "text/html,\tapplication/xml;q=0.9", True),  # HT is allowed
        ("Accept", "application/json (x)", False),
        ("Accept", "a@b", False),
        ("Accept", "caf\u00e9", True),  # a byte >= 0x80 is not unsafe
        ("Accept", "caf\u0113", False),  # not a byte at all
        ("Accept-Language", "en-US,en;q=0.9", True),
        ("Content-Language", "de-DE, *", True),
        ("Accept-Language", "en_US", False),
        ("Content-Language", "fr/CA", False),
        ("Range", "bytes=0-", True),
        ("Range", "bytes=0-499", True),
        ("Range", "bytes=5-5", True),
        ("Range", "bytes=-500", False),
        ("Range", "bytes=5-3", False),
        ("Range", "bytes=0-1,2-3", False),
        ("Range", "bytes = 0-1", False),
        ("Range", "BYTES=0-1", False),
        ("Range", "bytes=0-1 ", False),
        ("Range", "items=0-1", False),
        ("X-Token", "abc", False),
        ("DPR", "2", False),
        ("Authorization", "Bearer x", False),
    ],
)
def test_safelisted_request_header(name: str, value: str, expected: bool) -> None:
    assert is_cors_safelisted_request_header(name, value) is expected


def test_safelisted_request_header_128_byte_limit() -> None:
    assert is_cors_safelisted_request_header("Accept", "a" * 128)
    assert not is_cors_safelisted_request_header("Accept", "a" * 129)
    params = "text/plain; x=" + "a" * (128 - len("text/plain; x="))
    assert is_cors_safelisted_request_header("Content-Type", params)
    assert not is_cors_safelisted_request_header("Content-Type", params + "a")


def test_unsafe_names_sorted_lowercase_deduplicated() -> None:
    headers = [("X-B", "1"), ("x-a", "2"), ("X-A", "3"), ("Content-Type", "application/json")]
    assert cors_unsafe_request_header_names(headers) == ["content-type", "x-a", "x-b"]


def test_unsafe_names_ignore_forbidden_and_safelisted() -> None:
    headers = {"Cookie": "a=b", "Sec-Foo": "1", "Accept": "*/*", "Content-Type": "text/plain"}
    assert cors_unsafe_request_header_names(headers) == []


def test_unsafe_names_trim_values_like_headers_object() -> None:
    assert cors_unsafe_request_header_names([("Content-Type", "  text/plain \t")]) == []


def test_unsafe_names_1024_byte_total() -> None:
    exactly = [("Accept-Language", "a" * 128)] * 8  # 1024 bytes: not greater than 1024
    assert cors_unsafe_request_header_names(exactly) == []
    over = [*exactly, ("Content-Language", "b"), ("X-Token", "t")]
    assert cors_unsafe_request_header_names(over) == [
        "accept-language",
        "content-language",
        "x-token",
    ]


def test_unsafe_names_reject_what_fetch_rejects() -> None:
    with pytest.raises(ValueError, match="invalid header name"):
        cors_unsafe_request_header_names([("Bad Name", "x")])
    with pytest.raises(ValueError, match="TypeError"):
        cors_unsafe_request_header_names([("X-A", "a\r\nInjected: 1")])


# ---------------------------------------------------------------------- needs_preflight


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("GET", (), False),
        ("get", (), False),
        ("HEAD", (), False),
        ("POST", {"Content-Type": "application/x-www-form-urlencoded"}, False),
        ("POST", {"Content-Type": "text/plain; charset=UTF-8"}, False),
        ("POST", {"Content-Type": "application/json"}, True),
        ("GET", {"Authorization": "Bearer t"}, True),
        ("GET", {"X-Requested-With": "XMLHttpRequest"}, True),
        ("GET", {"Cookie": "a=b", "Origin": "https://evil.example"}, False),  # dropped
        ("GET", {"Range": "bytes=0-99"}, False),
        ("GET", {"Range": "bytes=-99"}, True),
        ("PUT", (), True),
        ("DELETE", (), True),
        ("patch", (), True),
        ("OPTIONS", (), True),
    ],
)
def test_needs_preflight(method: str, headers: browser.HeadersLike, expected: bool) -> None:
    assert needs_preflight(method, headers) is expected


def test_needs_preflight_for_private_network_even_when_simple() -> None:
    assert needs_preflight("GET", private_network=True)
    assert not needs_preflight("GET", private_network=False)


def test_needs_preflight_counts_the_default_accept_header() -> None:
    # 8 * 127 + 6 = 1022 bytes: under the limit by itself ...
    headers = [("Accept-Language", "a" * 127)] * 8 + [("Content-Language", "b" * 6)]
    assert cors_unsafe_request_header_names(headers) == []
    # ... but fetch() adds "Accept: */*" (3 bytes) before deciding: 1025 > 1024.
    assert needs_preflight("GET", headers)
    assert not needs_preflight("GET", [*headers, ("Accept", "")])


@pytest.mark.parametrize("method", ["CONNECT", "trace", "Track", "BAD METHOD", ""])
def test_needs_preflight_rejects_what_fetch_rejects(method: str) -> None:
    with pytest.raises(ValueError, match="TypeError"):
        needs_preflight(method)


# --------------------------------------------------------------------------- CORS check


def test_verdict_truthiness() -> None:
    assert bool(Verdict(True, "ok", "fine")) is True
    assert bool(Verdict(False, "x", "no")) is False


def test_cors_check_wildcard_without_credentials() -> None:
    verdict = cors_check([(ACAO, "*")], origin=ORIGIN, credentials=False)
    assert verdict.allowed
    assert verdict.code == "ok"


def test_cors_check_exact_origin_any_header_case() -> None:
    assert cors_check({"access-control-allow-origin": ORIGIN}, origin=ORIGIN, credentials=False)
    assert cors_check(
        [("ACCESS-CONTROL-ALLOW-ORIGIN", f"  {ORIGIN}\t")], origin=ORIGIN, credentials=False
    )


def test_cors_check_missing_allow_origin() -> None:
    verdict = cors_check([("Content-Type", "text/plain")], origin=ORIGIN, credentials=False)
    assert not verdict
    assert verdict.code == "missing_allow_origin"
    assert verdict.message.startswith(
        "No 'Access-Control-Allow-Origin' header is present on the requested resource."
    )
    assert f"'Access-Control-Allow-Origin: {ORIGIN}'" in verdict.message


def test_cors_check_two_allow_origin_lines_fail() -> None:
    verdict = cors_check([(ACAO, ORIGIN), (ACAO, ORIGIN)], origin=ORIGIN, credentials=False)
    assert verdict.code == "multiple_allow_origin"
    assert f"contains multiple values '{ORIGIN}, {ORIGIN}', but only one is allowed" in (
        verdict.message
    )


def test_cors_check_two_wildcards_fail() -> None:
    verdict = cors_check([(ACAO, "*"), (ACAO, "*")], origin=ORIGIN, credentials=False)
    assert verdict.code == "multiple_allow_origin"


def test_cors_check_space_separated_list_fails() -> None:
    verdict = cors_check({ACAO: f"{ORIGIN} https://b.example"}, origin=ORIGIN, credentials=False)
    assert verdict.code == "multiple_allow_origin"


def test_cors_check_wildcard_with_credentials() -> None:
    verdict = cors_check([(ACAO, "*"), (ACAC, "true")], origin=ORIGIN, credentials=True)
    assert not verdict
    assert verdict.code == "wildcard_with_credentials"
    assert "must not be the wildcard '*' when the request's credentials mode is 'include'" in (
        verdict.message
    )
    assert f"'{ORIGIN}'" in verdict.message


def test_cors_check_mismatch_trailing_slash() -> None:
    verdict = cors_check({ACAO: ORIGIN + "/"}, origin=ORIGIN, credentials=False)
    assert verdict.code == "allow_origin_mismatch"
    assert f"has a value '{ORIGIN}/' that is not equal to the supplied origin" in verdict.message
    assert "trailing '/'" in verdict.message


def test_cors_check_mismatch_is_case_sensitive() -> None:
    verdict = cors_check({ACAO: "https://App.example"}, origin=ORIGIN, credentials=False)
    assert verdict.code == "allow_origin_mismatch"
    assert "case-sensitive" in verdict.message


def test_cors_check_mismatch_scheme_and_other_origin() -> None:
    scheme = cors_check({ACAO: "http://app.example"}, origin=ORIGIN, credentials=False)
    assert scheme.code == "allow_origin_mismatch"
    assert "scheme differs" in scheme.message
    other = cors_check({ACAO: "https://other.example"}, origin=ORIGIN, credentials=False)
    assert other.code == "allow_origin_mismatch"
    assert "'https://other.example'" in other.message


def test_cors_check_invalid_allow_origin() -> None:
    verdict = cors_check({ACAO: "app.example"}, origin=ORIGIN, credentials=False)
    assert verdict.code == "invalid_allow_origin"
    assert "contains the invalid value 'app.example'" in verdict.message


def test_cors_check_null_origin() -> None:
    assert cors_check({ACAO: "null"}, origin="null", credentials=False)
    verdict = cors_check({ACAO: "null"}, origin=ORIGIN, credentials=False)
    assert verdict.code == "allow_origin_mismatch"


def test_cors_check_credentials_need_exact_true() -> None:
    good = cors_check([(ACAO, ORIGIN), (ACAC, "true")], origin=ORIGIN, credentials=True)
    assert good.code == "ok"
    upper = cors_check([(ACAO, ORIGIN), (ACAC, "True")], origin=ORIGIN, credentials=True)
    assert upper.code == "invalid_allow_credentials"
    assert "header in the response is 'True' which must be 'true'" in upper.message
    twice = cors_check(
        [(ACAO, ORIGIN), (ACAC, "true"), (ACAC, "true")], origin=ORIGIN, credentials=True
    )
    assert twice.code == "invalid_allow_credentials"
    assert "'true, true'" in twice.message


def test_cors_check_missing_allow_credentials() -> None:
    verdict = cors_check({ACAO: ORIGIN}, origin=ORIGIN, credentials=True)
    assert verdict.code == "missing_allow_credentials"
    assert (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' "
        "which must be 'true' when the request's credentials mode is 'include'."
    ) in verdict.message


def test_cors_check_allow_credentials_ignored_without_credentials() -> None:
    assert cors_check([(ACAO, ORIGIN), (ACAC, "nope")], origin=ORIGIN, credentials=False)


def test_cors_check_invalid_response_header() -> None:
    verdict = cors_check(
        [(ACAO, "*"), ("X-A", "a\r\nSet-Cookie: x")], origin=ORIGIN, credentials=False
    )
    assert verdict.code == "invalid_response_header"
    assert "'X-A'" in verdict.message
    bad_name = cors_check([(ACAO, "*"), ("Bad Name", "1")], origin=ORIGIN, credentials=False)
    assert bad_name.code == "invalid_response_header"


def test_messages_escape_control_characters() -> None:
    verdict = cors_check({ACAO: "https://a\x1b[31m.example"}, origin=ORIGIN, credentials=False)
    assert "\x1b" not in verdict.message
    assert "\\x1b" in verdict.message


# ---------------------------------------------------------------------------- preflight


def _pf(**extra: str) -> list[tuple[str, str]]:
    headers = [(ACAO, ORIGIN)]
    headers += [(name.replace("_", "-"), value) for name, value in extra.items()]
    return headers


def test_preflight_ok() -> None:
    verdict = preflight_check(
        204,
        _pf(**{ACAM: "GET, PUT", ACAH: "Content-Type, X-Token"}),
        origin=ORIGIN,
        method="PUT",
        request_headers=["content-type", "x-token"],
    )
    assert verdict.code == "ok"
    assert verdict.allowed


def test_preflight_status_must_be_ok() -> None:
    verdict = preflight_check(404, _pf(**{ACAM: "PUT"}), origin=ORIGIN, method="PUT")
    assert verdict.code == "preflight_status"
    assert verdict.message.startswith(PREFIX + "It does not have HTTP ok status.")
    assert "got 404" in verdict.message
    assert preflight_check(299, _pf(**{ACAM: "PUT"}), origin=ORIGIN, method="PUT")
    assert preflight_check(300, _pf(**{ACAM: "PUT"}), origin=ORIGIN, method="PUT").code == (
        "preflight_status"
    )


def test_preflight_cors_check_comes_before_status() -> None:
    verdict = preflight_check(500, [], origin=ORIGIN, method="PUT")
    assert verdict.code == "missing_allow_origin"
    assert verdict.message.startswith(PREFIX + "No 'Access-Control-Allow-Origin' header is present")


def test_preflight_redirect() -> None:
    verdict = preflight_check(
        308, [("Location", "https://api.example/items/")], origin=ORIGIN, method="PUT"
    )
    assert verdict.code == "preflight_redirect"
    assert verdict.message.startswith(PREFIX + "Redirect is not allowed for a preflight request.")
    assert "'https://api.example/items/'" in verdict.message


def test_preflight_uses_actual_requests_credentials_mode() -> None:
    verdict = preflight_check(
        204, _pf(**{ACAM: "PUT"}), origin=ORIGIN, method="PUT", credentials=True
    )
    assert verdict.code == "missing_allow_credentials"
    assert verdict.message.startswith(PREFIX)
    wildcard = preflight_check(
        204, [(ACAO, "*"), (ACAM, "PUT")], origin=ORIGIN, method="PUT", credentials=True
    )
    assert wildcard.code == "wildcard_with_credentials"


def test_preflight_unparsable_allow_methods() -> None:
    verdict = preflight_check(204, _pf(**{ACAM: "GET PUT"}), origin=ORIGIN, method="PUT")
    assert verdict.code == "invalid_allow_methods"
    assert verdict.message.startswith(
        "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
    )
    assert "'GET PUT'" in verdict.message


def test_preflight_unparsable_allow_headers() -> None:
    verdict = preflight_check(
        204, _pf(**{ACAM: "PUT", ACAH: "x-a;x-b"}), origin=ORIGIN, method="PUT"
    )
    assert verdict.code == "invalid_allow_headers"
    assert verdict.message.startswith(
        "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
    )


def test_preflight_lists_tolerate_spaces_empty_items_and_several_lines() -> None:
    headers = [*_pf(), (ACAM, " GET ,, PUT ,"), (ACAM, "DELETE"), (ACAH, ""), (ACAH, "x-a,")]
    for method in ("PUT", "DELETE"):
        verdict = preflight_check(
            204, headers, origin=ORIGIN, method=method, request_headers=["x-a"]
        )
        assert verdict.code == "ok"


def test_preflight_method_not_allowed() -> None:
    verdict = preflight_check(204, _pf(**{ACAM: "GET, POST"}), origin=ORIGIN, method="DELETE")
    assert verdict.code == "method_not_allowed"
    assert verdict.message.startswith(
        "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."
    )
    assert "'GET, POST'" in verdict.message


def test_preflight_method_match_is_case_sensitive() -> None:
    lower_list = preflight_check(204, _pf(**{ACAM: "put"}), origin=ORIGIN, method="PUT")
    assert lower_list.code == "method_not_allowed"
    assert "case-sensitive" in lower_list.message
    patch = preflight_check(204, _pf(**{ACAM: "PATCH"}), origin=ORIGIN, method="patch")
    assert patch.code == "method_not_allowed"
    assert "Method patch is not allowed" in patch.message
    assert "the header lists PATCH, the request uses patch" in patch.message


def test_preflight_method_is_normalized_like_fetch() -> None:
    assert preflight_check(204, _pf(**{ACAM: "PUT"}), origin=ORIGIN, method="put").code == "ok"


def test_preflight_safelisted_methods_always_pass() -> None:
    for method in ("GET", "HEAD", "POST"):
        assert preflight_check(204, _pf(), origin=ORIGIN, method=method).code == "ok"


def test_preflight_method_wildcard_only_without_credentials() -> None:
    plain = preflight_check(204, _pf(**{ACAM: "*"}), origin=ORIGIN, method="DELETE")
    assert plain.code == "ok"
    creds = preflight_check(
        204, _pf(**{ACAM: "*", ACAC: "true"}), origin=ORIGIN, method="DELETE", credentials=True
    )
    assert creds.code == "method_not_allowed"
    assert "wildcard '*' counts only without credentials" in creds.message
    listed = preflight_check(
        204,
        _pf(**{ACAM: "*, DELETE", ACAC: "true"}),
        origin=ORIGIN,
        method="DELETE",
        credentials=True,
    )
    assert listed.code == "ok"


def test_preflight_header_names_case_insensitive() -> None:
    verdict = preflight_check(
        204, _pf(**{ACAH: "X-Token"}), origin=ORIGIN, method="GET", request_headers=["x-TOKEN"]
    )
    assert verdict.code == "ok"


def test_preflight_header_not_allowed_names_all_refused() -> None:
    verdict = preflight_check(
        204,
        _pf(**{ACAH: "x-a"}),
        origin=ORIGIN,
        method="GET",
        request_headers=["x-c", "x-a", "x-b"],
    )
    assert verdict.code == "header_not_allowed"
    assert verdict.message.startswith(
        "Request header field x-b is not allowed by Access-Control-Allow-Headers in preflight "
        "response."
    )
    assert "Also not allowed: x-c." in verdict.message


def test_preflight_header_wildcard_without_credentials() -> None:
    verdict = preflight_check(
        204, _pf(**{ACAH: "*"}), origin=ORIGIN, method="GET", request_headers=["x-a", "x-b"]
    )
    assert verdict.code == "ok"


def test_preflight_header_wildcard_never_covers_authorization() -> None:
    verdict = preflight_check(
        204,
        _pf(**{ACAH: "*"}),
        origin=ORIGIN,
        method="GET",
        request_headers=["x-a", "authorization"],
    )
    assert verdict.code == "header_not_allowed"
    assert "Request header field authorization is not allowed" in verdict.message
    assert "never covers Authorization" in verdict.message
    listed = preflight_check(
        204,
        _pf(**{ACAH: "*, Authorization"}),
        origin=ORIGIN,
        method="GET",
        request_headers=["x-a", "authorization"],
    )
    assert listed.code == "ok"


def test_preflight_header_wildcard_with_credentials() -> None:
    verdict = preflight_check(
        204,
        _pf(**{ACAH: "*, authorization", ACAC: "true"}),
        origin=ORIGIN,
        method="GET",
        request_headers=["authorization", "x-a"],
        credentials=True,
    )
    assert verdict.code == "header_not_allowed"
    assert "Request header field x-a is not allowed" in verdict.message
    assert "counts only without credentials" in verdict.message


def test_preflight_reports_authorization_before_other_names() -> None:
    verdict = preflight_check(
        204, _pf(), origin=ORIGIN, method="GET", request_headers=["a-first", "authorization"]
    )
    assert verdict.code == "header_not_allowed"
    assert verdict.message.startswith("Request header field authorization is not allowed")
    assert "Also not allowed: a-first." in verdict.message


def test_preflight_request_headers_as_header_value() -> None:
    verdict = preflight_check(
        204, _pf(**{ACAH: "x-a"}), origin=ORIGIN, method="GET", request_headers="x-a, X-B"
    )
    assert verdict.code == "header_not_allowed"
    assert "field x-b" in verdict.message
    with pytest.raises(ValueError, match="cannot parse"):
        preflight_check(204, _pf(), origin=ORIGIN, method="GET", request_headers="a b")


def test_preflight_private_network() -> None:
    missing = preflight_check(204, _pf(), origin=ORIGIN, method="GET", private_network=True)
    assert missing.code == "private_network_not_allowed"
    assert missing.message.startswith(
        PREFIX + "No 'Access-Control-Allow-Private-Network' header was present in the preflight "
        "response for this private network request"
    )
    wrong = preflight_check(
        204, _pf(**{ACAPN: "True"}), origin=ORIGIN, method="GET", private_network=True
    )
    assert wrong.code == "invalid_allow_private_network"
    assert "had a value of 'True', not 'true'" in wrong.message
    good = preflight_check(
        204, _pf(**{ACAPN: "true"}), origin=ORIGIN, method="GET", private_network=True
    )
    assert good.code == "ok"
    assert preflight_check(204, _pf(), origin=ORIGIN, method="GET").code == "ok"


def test_preflight_use_cors_preflight_flag() -> None:
    unforced = preflight_check(204, _pf(), origin=ORIGIN, method="PUT")
    assert unforced.code == "method_not_allowed"
    assert "absent or empty" in unforced.message
    forced = preflight_check(204, _pf(), origin=ORIGIN, method="PUT", use_cors_preflight=True)
    assert forced.code == "ok"
    listed = preflight_check(
        204, _pf(**{ACAM: "GET"}), origin=ORIGIN, method="PUT", use_cors_preflight=True
    )
    assert listed.code == "method_not_allowed"


# ------------------------------------------------------------------------------ max-age


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Access-Control-Max-Age": "600"}, 600),
        ({"access-control-max-age": " 600 "}, 600),
        ({"Access-Control-Max-Age": "0600"}, 600),
        ({"Access-Control-Max-Age": "0"}, 0),
        ({"Access-Control-Max-Age": "7200"}, 7200),
        ({"Access-Control-Max-Age": "86400"}, 7200),
        ({"Access-Control-Max-Age": "9" * 5000}, 7200),
        ({}, 5),
        ({"Access-Control-Max-Age": ""}, 5),
        ({"Access-Control-Max-Age": "-1"}, 5),
        ({"Access-Control-Max-Age": "1.5"}, 5),
        ({"Access-Control-Max-Age": "ten"}, 5),
        ({"Access-Control-Max-Age": "\u0663"}, 5),  # ARABIC-INDIC DIGIT THREE
        ([("Access-Control-Max-Age", "600"), ("Access-Control-Max-Age", "600")], 5),
    ],
)
def test_preflight_max_age(headers: browser.HeadersLike, expected: int) -> None:
    assert preflight_max_age(headers) == expected


def test_preflight_max_age_cap() -> None:
    assert preflight_max_age({"Access-Control-Max-Age": "86400"}, cap=86400) == 86400
    assert preflight_max_age({"Access-Control-Max-Age": "100000"}, cap=86400) == 86400
    assert preflight_max_age({}, cap=0) == 0
    with pytest.raises(ValueError, match="cap"):
        preflight_max_age({}, cap=-1)


# ------------------------------------------------------------------------------ exposed


RESPONSE = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("X-Total-Count", "3"),
    ("X-Other", "1"),
    ("Set-Cookie", "s=1"),
    ("Set-Cookie2", "s=1"),
]


def test_exposed_without_expose_headers_only_safelisted() -> None:
    assert exposed_response_headers(RESPONSE, credentials=False) == {
        "content-type",
        "cache-control",
    }


def test_exposed_listed_names_case_insensitive() -> None:
    headers = [*RESPONSE, ("Access-Control-Expose-Headers", "X-TOTAL-count, x-missing")]
    expected = {"content-type", "cache-control", "x-total-count"}
    assert exposed_response_headers(headers, credentials=False) == expected
    assert exposed_response_headers(headers, credentials=True) == expected


def test_exposed_wildcard_without_credentials() -> None:
    headers = [*RESPONSE, ("Access-Control-Expose-Headers", "*")]
    assert exposed_response_headers(headers, credentials=False) == {
        "content-type",
        "cache-control",
        "x-total-count",
        "x-other",
        "access-control-expose-headers",
    }


def test_exposed_wildcard_is_literal_with_credentials() -> None:
    headers = [*RESPONSE, ("Access-Control-Expose-Headers", "*, X-Other")]
    assert exposed_response_headers(headers, credentials=True) == {
        "content-type",
        "cache-control",
        "x-other",
    }


def test_set_cookie_never_exposed() -> None:
    headers = [*RESPONSE, ("Access-Control-Expose-Headers", "Set-Cookie, set-cookie2, *")]
    for credentials in (False, True):
        exposed = exposed_response_headers(headers, credentials=credentials)
        assert "set-cookie" not in exposed
        assert "set-cookie2" not in exposed


def test_exposed_unparsable_expose_headers_exposes_nothing_extra() -> None:
    headers = [*RESPONSE, ("Access-Control-Expose-Headers", "x-total-count x-other")]
    assert exposed_response_headers(headers, credentials=False) == {
        "content-type",
        "cache-control",
    }


# ----------------------------------------------------------------------------- simulate


class FakeServer:
    """A scripted server: answers from two header lists and records what it received."""

    def __init__(
        self,
        preflight: Sequence[tuple[str, str]] = (),
        actual: Sequence[tuple[str, str]] = (),
        preflight_status: int = 204,
        actual_status: int = 200,
    ) -> None:
        self.preflight = list(preflight)
        self.actual = list(actual)
        self.preflight_status = preflight_status
        self.actual_status = actual_status
        self.calls: list[tuple[str, tuple[tuple[str, str], ...]]] = []

    def __call__(
        self, method: str, headers: Sequence[tuple[str, str]]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        self.calls.append((method, tuple(headers)))
        if method == "OPTIONS":
            return self.preflight_status, self.preflight, b""
        return self.actual_status, self.actual, b'{"ok": true}'


def test_simulate_simple_request_has_no_preflight() -> None:
    server = FakeServer(actual=[(ACAO, "*"), ("Content-Type", "application/json"), ("X-A", "1")])
    trip = simulate(server, origin=ORIGIN)
    assert trip.verdict.code == "ok"
    assert trip.preflight is None
    assert server.calls == [("GET", (("Origin", ORIGIN), ("Accept", "*/*")))]
    assert trip.actual == Exchange(
        method="GET",
        headers=(("Origin", ORIGIN), ("Accept", "*/*")),
        status=200,
        response_headers=((ACAO, "*"), ("Content-Type", "application/json"), ("X-A", "1")),
        body=b'{"ok": true}',
    )
    assert trip.readable_headers == {"content-type"}
    assert any("No preflight" in step for step in trip.steps)


def test_simulate_preflight_then_actual() -> None:
    server = FakeServer(
        preflight=[
            (ACAO, ORIGIN),
            (ACAM, "PUT"),
            (ACAH, "content-type, x-token"),
            ("Access-Control-Max-Age", "600"),
        ],
        actual=[(ACAO, ORIGIN), ("Access-Control-Expose-Headers", "X-Total")],
    )
    trip = simulate(
        server,
        origin=ORIGIN,
        method="put",
        headers={"X-Token": "t", "Content-Type": "application/json", "Cookie": "a=b"},
    )
    assert trip.verdict.code == "ok"
    assert [method for method, _ in server.calls] == ["OPTIONS", "PUT"]
    assert server.calls[0][1] == (
        ("Origin", ORIGIN),
        ("Accept", "*/*"),
        ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Headers", "content-type,x-token"),
    )
    assert server.calls[1][1] == (
        ("Origin", ORIGIN),
        ("X-Token", "t"),
        ("Content-Type", "application/json"),
        ("Accept", "*/*"),
    )
    assert trip.preflight is not None
    assert trip.preflight.status == 204
    assert trip.actual is not None
    assert trip.actual.method == "PUT"
    assert trip.readable_headers == frozenset()  # X-Total was listed but not sent
    assert any("cookie" in step and "Dropped" in step for step in trip.steps)
    assert any("600 s" in step for step in trip.steps)


def test_simulate_failed_preflight_stops_the_trip() -> None:
    server = FakeServer(preflight=[(ACAO, ORIGIN), (ACAM, "GET, POST")], actual=[(ACAO, ORIGIN)])
    trip = simulate(server, origin=ORIGIN, method="DELETE")
    assert not trip.verdict
    assert trip.verdict.code == "method_not_allowed"
    assert [method for method, _ in server.calls] == ["OPTIONS"]
    assert trip.actual is None
    assert trip.preflight is not None
    assert trip.readable_headers == frozenset()
    assert trip.steps[-1] == "The DELETE request was not sent."


def test_simulate_preflight_status_failure() -> None:
    server = FakeServer(preflight=[(ACAO, ORIGIN), (ACAM, "PUT")], preflight_status=401)
    trip = simulate(server, origin=ORIGIN, method="PUT")
    assert trip.verdict.code == "preflight_status"
    assert trip.actual is None
    assert len(server.calls) == 1


def test_simulate_credentialed_trip() -> None:
    server = FakeServer(
        preflight=[(ACAO, ORIGIN), (ACAC, "true"), (ACAM, "PUT"), (ACAH, "authorization")],
        actual=[
            (ACAO, ORIGIN),
            (ACAC, "true"),
            ("Access-Control-Expose-Headers", "*, X-B"),
            ("X-A", "1"),
            ("X-B", "2"),
            ("Set-Cookie", "s=1"),
        ],
    )
    trip = simulate(
        server,
        origin=ORIGIN,
        method="PUT",
        headers=[("Authorization", "Bearer t")],
        credentials=True,
    )
    assert trip.verdict.code == "ok"
    assert ("Access-Control-Request-Headers", "authorization") in server.calls[0][1]
    assert trip.readable_headers == {"x-b"}
    assert "credentials 'include'" in trip.steps[0]


def test_simulate_credentialed_trip_blocked_by_wildcard() -> None:
    server = FakeServer(actual=[(ACAO, "*"), (ACAC, "true")])
    trip = simulate(server, origin=ORIGIN, credentials=True)
    assert trip.verdict.code == "wildcard_with_credentials"
    assert trip.preflight is None
    assert trip.actual is not None  # sent: the response is what gets blocked
    assert trip.readable_headers == frozenset()


def test_simulate_actual_response_blocked() -> None:
    server = FakeServer(preflight=[(ACAO, ORIGIN), (ACAM, "PUT")], actual=[])
    trip = simulate(server, origin=ORIGIN, method="PUT")
    assert trip.verdict.code == "missing_allow_origin"
    assert not trip.verdict.message.startswith(PREFIX)
    assert trip.actual is not None
    assert trip.actual.status == 200
    assert trip.readable_headers == frozenset()


def test_simulate_private_network_preflight() -> None:
    server = FakeServer(preflight=[(ACAO, ORIGIN), (ACAPN, "true")], actual=[(ACAO, ORIGIN)])
    trip = simulate(server, origin=ORIGIN, private_network=True)
    assert trip.verdict.code == "ok"
    assert server.calls[0] == (
        "OPTIONS",
        (
            ("Origin", ORIGIN),
            ("Accept", "*/*"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Private-Network", "true"),
        ),
    )
    refused = simulate(FakeServer(preflight=[(ACAO, ORIGIN)]), origin=ORIGIN, private_network=True)
    assert refused.verdict.code == "private_network_not_allowed"
    assert refused.actual is None


def test_simulate_force_preflight() -> None:
    server = FakeServer(preflight=[(ACAO, ORIGIN)], actual=[(ACAO, ORIGIN)])
    trip = simulate(server, origin=ORIGIN, method="POST", force_preflight=True)
    assert trip.verdict.code == "ok"
    assert [method for method, _ in server.calls] == ["OPTIONS", "POST"]
    assert ("Access-Control-Request-Method", "POST") in server.calls[0][1]


def test_simulate_force_preflight_allows_method_without_allow_methods() -> None:
    def server() -> FakeServer:
        return FakeServer(preflight=[(ACAO, ORIGIN)], actual=[(ACAO, ORIGIN)])

    forced = simulate(server(), origin=ORIGIN, method="PUT", force_preflight=True)
    assert forced.verdict.code == "ok"
    plain = simulate(server(), origin=ORIGIN, method="PUT")
    assert plain.verdict.code == "method_not_allowed"
    assert plain.actual is None


def test_simulate_credentialed_preflight_needs_allow_credentials() -> None:
    server = FakeServer(
        preflight=[(ACAO, ORIGIN), (ACAM, "PUT")], actual=[(ACAO, ORIGIN), (ACAC, "true")]
    )
    trip = simulate(server, origin=ORIGIN, method="PUT", credentials=True)
    assert trip.verdict.code == "missing_allow_credentials"
    assert trip.verdict.message.startswith(PREFIX)
    assert trip.actual is None
    assert len(server.calls) == 1


def test_simulate_accepts_mapping_responses() -> None:
    def send(method: str, headers: Sequence[tuple[str, str]]) -> browser.Response:
        return 200, {ACAO: ORIGIN, "X-A": "1"}, b""

    trip = simulate(send, origin=ORIGIN)
    assert trip.verdict.code == "ok"
    assert trip.actual is not None
    assert trip.actual.response_headers == ((ACAO, ORIGIN), ("X-A", "1"))


def test_simulate_rejects_what_fetch_rejects() -> None:
    server = FakeServer()
    with pytest.raises(ValueError, match="forbidden"):
        simulate(server, origin=ORIGIN, method="TRACE")
    with pytest.raises(ValueError, match="invalid header name"):
        simulate(server, origin=ORIGIN, headers=[("X A", "1")])
    assert server.calls == []


def test_simulate_async_matches_simulate() -> None:
    server = FakeServer(
        preflight=[(ACAO, ORIGIN), (ACAM, "PATCH"), (ACAH, "x-a")],
        actual=[(ACAO, ORIGIN), ("X-A", "1")],
    )

    async def send(
        method: str, headers: Sequence[tuple[str, str]]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        await asyncio.sleep(0)
        return server(method, headers)

    sync_trip = simulate(server, origin=ORIGIN, method="PATCH", headers={"X-A": "1"})
    async_trip = asyncio.run(
        simulate_async(send, origin=ORIGIN, method="PATCH", headers={"X-A": "1"})
    )
    assert isinstance(async_trip, Trip)
    assert async_trip == sync_trip
    assert async_trip.verdict.code == "ok"
    assert len(server.calls) == 4


# ----------------------------------------------------------------------------- properties


header_names = st.sampled_from(
    ["Accept", "Accept-Language", "Content-Language", "Content-Type", "Range", "X-A", "x-b"]
)
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=140
)


@given(st.lists(st.tuples(header_names, header_values), max_size=12))
def test_unsafe_names_are_a_sorted_lowercase_set(headers: list[tuple[str, str]]) -> None:
    names = cors_unsafe_request_header_names(headers)
    assert names == sorted(set(names))
    assert all(name == name.lower() for name in names)
    assert {"x-a", "x-b"} & {name.lower() for name, _ in headers} <= set(names)


@given(header_names, header_values)
def test_values_over_128_bytes_are_never_safelisted(name: str, value: str) -> None:
    if len(value) > 128:
        assert not is_cors_safelisted_request_header(name, value)


@given(st.text(max_size=12))
def test_normalize_method_is_idempotent(method: str) -> None:
    once = normalize_method(method)
    assert normalize_method(once) == once
    assert once == method or once in {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}


# ---------------------------------------------------------------- browsers that differ
# Chrome lets '*' in Access-Control-Allow-Headers cover Authorization (its
# CorsNonWildcardRequestHeadersSupport feature is off); tests/e2e checks that in Chromium.

CHROME_REASON = (
    "its CorsNonWildcardRequestHeadersSupport feature is off, so '*' in "
    "Access-Control-Allow-Headers still covers Authorization there"
)
CHROME_FIX = (
    "list Authorization in allow_headers (by hand: "
    "'Access-Control-Allow-Headers: *, Authorization')"
)


def test_authorization_under_wildcard_differs_in_chrome() -> None:
    verdict = preflight_check(
        204,
        [(ACAO, "*"), (ACAH, "*")],
        origin=ORIGIN,
        method="GET",
        request_headers=["authorization"],
    )
    assert (verdict.allowed, verdict.code) == (False, "header_not_allowed")
    assert verdict.differences == (
        BrowserDifference(
            browsers=("Chrome",),
            allowed=True,
            rule="authorization_wildcard",
            reason=CHROME_REASON,
            following_standard=("Firefox", "Safari"),
            fix=CHROME_FIX,
        ),
    )
    assert verdict.differences[0].outcome == "Chrome lets it through today"
    assert verdict.differences[0].summary == "Chrome lets it through today because " + CHROME_REASON
    assert verdict.deciders == "the Fetch standard, Firefox and Safari"
    assert [verdict.allowed_in(b) for b in ("Chrome", "chrome", "Firefox", "Safari", "Edge")] == [
        True,
        True,
        False,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("allow_headers", "names", "credentials"),
    [
        ("*", ["authorization"], True),  # with credentials '*' is a literal name
        ("*", ["authorization", "x-b"], True),
        ("x-a", ["authorization"], False),  # no '*' at all
        ("x-a, *", ["authorization", "x-a"], True),
    ],
)
def test_no_difference_where_chrome_blocks_too(
    allow_headers: str, names: list[str], credentials: bool
) -> None:
    pf = [(ACAO, ORIGIN), (ACAH, allow_headers)] + ([(ACAC, "true")] if credentials else [])
    verdict = preflight_check(
        204, pf, origin=ORIGIN, method="GET", request_headers=names, credentials=credentials
    )
    assert verdict.code == "header_not_allowed"
    assert verdict.differences == ()
    assert verdict.allowed_in("Chrome") is False
    assert verdict.deciders == "the Fetch standard"


def test_earlier_failures_carry_no_difference() -> None:
    # The method fails first: Chrome blocks it as well.
    verdict = preflight_check(
        204,
        [(ACAO, "*"), (ACAH, "*")],
        origin=ORIGIN,
        method="PUT",
        request_headers=["authorization"],
    )
    assert (verdict.code, verdict.differences) == ("method_not_allowed", ())


_names = st.lists(st.sampled_from(["authorization", "x-a", "x-b", "content-type"]), max_size=4)
_allowed = st.lists(st.sampled_from(["*", "authorization", "x-a", "AUTHORIZATION"]), max_size=3)


@given(_names, _allowed, st.booleans())
def test_chrome_answer_is_chromes_header_rule(
    names: list[str], allowed: list[str], credentials: bool
) -> None:
    """allowed_in("Chrome") follows Chrome's rule, allowed the standard's, for any lists."""
    pf = [(ACAO, ORIGIN), (ACAM, "*")] + ([(ACAC, "true")] if credentials else [])
    if allowed:
        pf.append((ACAH, ", ".join(allowed)))
    verdict = preflight_check(
        204, pf, origin=ORIGIN, method="GET", request_headers=names, credentials=credentials
    )
    listed = {a.lower() for a in allowed}
    star = "*" in listed and not credentials
    standard = all(n in listed or (star and n != "authorization") for n in names)
    chrome = all(n in listed or star for n in names)
    assert verdict.allowed is standard
    assert verdict.allowed_in("Chrome") is chrome
    assert bool(verdict.differences) is (standard != chrome)


@pytest.mark.parametrize(
    ("credentials", "shown"),
    [
        ("omit", "omit"),
        ("same-origin", "same-origin"),
        ("include", "include"),
        (True, "include"),
        (False, "same-origin"),
    ],
)
def test_simulate_names_the_credentials_mode_as_given(credentials: object, shown: str) -> None:
    server = FakeServer(actual=[(ACAO, ORIGIN), (ACAC, "true")])
    trip = simulate(server, origin=ORIGIN, credentials=credentials)  # type: ignore[arg-type]
    assert trip.steps[0] == (
        f"fetch GET from origin 'https://app.example', mode 'cors', credentials '{shown}'."
    )
    assert trip.verdict.code == "ok"


def test_simulate_omit_and_same_origin_are_not_include() -> None:
    server = FakeServer(actual=[(ACAO, "*")])
    for mode in ("omit", "same-origin"):
        assert simulate(server, origin=ORIGIN, credentials=mode).verdict.code == "ok"
    verdict = simulate(server, origin=ORIGIN, credentials="include").verdict
    assert verdict.code == "wildcard_with_credentials"


@pytest.mark.parametrize("bad", ["Include", "", "cors", None, 1])
def test_simulate_refuses_an_unknown_credentials_mode(bad: object) -> None:
    server = FakeServer()
    with pytest.raises(ValueError, match="is not a credentials mode: use 'omit', 'same-origin'"):
        simulate(server, origin=ORIGIN, credentials=bad)  # type: ignore[arg-type]
    assert server.calls == []


def test_simulate_goes_on_as_chrome_when_only_chrome_passes_the_preflight() -> None:
    server = FakeServer(preflight=[(ACAO, "*"), (ACAH, "*")], actual=[(ACAO, "*"), ("X-A", "1")])
    trip = simulate(
        server, origin=ORIGIN, headers={"Authorization": "Bearer t"}, credentials="omit"
    )
    assert [method for method, _ in server.calls] == ["OPTIONS", "GET"]
    assert (trip.verdict.allowed, trip.verdict.code) == (False, "header_not_allowed")
    assert trip.verdict.allowed_in("Chrome") is True
    assert trip.actual is not None and trip.actual.status == 200
    assert trip.readable_headers == frozenset()  # the standard's verdict blocks the trip
    assert trip.steps[4:] == (
        "The Fetch standard, Firefox and Safari stop here: the GET request is not sent. "
        "Chrome lets it through today because " + CHROME_REASON + "; Chrome goes on:",
        "Sent GET with Origin: 'https://app.example'; Authorization: 'Bearer t'; Accept: '*/*'.",
        "Response 200: CORS check passed.",
        "In Chrome, JS can read the body and no response headers.",
    )


def test_simulate_drops_the_difference_when_chrome_blocks_the_response() -> None:
    server = FakeServer(preflight=[(ACAO, "*"), (ACAH, "*")], actual=[])
    trip = simulate(server, origin=ORIGIN, headers={"Authorization": "Bearer t"})
    assert [method for method, _ in server.calls] == ["OPTIONS", "GET"]
    assert (trip.verdict.code, trip.verdict.differences) == ("header_not_allowed", ())
    assert trip.verdict.allowed_in("Chrome") is False
    assert trip.steps[-1].startswith("Response 200: blocked [missing_allow_origin] ")
