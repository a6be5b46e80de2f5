"""Unit tests of CORSPolicy decisions (decide / preflight / decide_websocket).

Whether a browser would accept an answer is judged by cors_core.browser (the model of
the Fetch checks), the exact headers by equality.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pytest

from cors_core import Action, CORSPolicy, Decision, ReasonCode
from cors_core._headers import merge_response_headers
from cors_core.browser import Trip, simulate

PREFLIGHT_VARY = (
    "Vary",
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network",
)
SAFELISTED = "accept, accept-language, content-language, content-type"
A = "https://app.example.com"
EVIL = "https://evil.example"


def trip(policy: CORSPolicy, *, app_headers: Sequence[tuple[str, str]] = (), **kw: Any) -> Trip:
    """A browser trip (preflight if needed, then the request) answered by ``policy``."""

    def send(method: str, headers: Sequence[tuple[str, str]]) -> Any:
        h = {k.lower(): v for k, v in headers}
        d = policy.decide(
            method,
            h.get("origin"),
            h.get("access-control-request-method"),
            h.get("access-control-request-headers"),
            h.get("access-control-request-private-network") == "true",
        )
        if d.action is Action.RESPOND:
            return d.status, list(d.headers), d.body
        merged = merge_response_headers(list(app_headers), d.headers, d.vary_origin)
        return 200, merged, b"app"

    return simulate(send, **kw)


def rejected(d: Decision, code: str, *, body: bytes | None = None) -> None:
    """A rejected preflight: 403, no ACA* header, the reason code and the short body."""
    assert d.action is Action.RESPOND
    assert not d.allowed
    assert d.status == 403
    assert d.reason.code == code
    expected_body = body if body is not None else f"CORS preflight rejected ({code})\n".encode()
    assert d.body == expected_body
    assert d.headers == (
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(expected_body))),
        ("X-Content-Type-Options", "nosniff"),
        PREFLIGHT_VARY,
    )
    assert not any(k.lower().startswith("access-control-") for k, _ in d.headers)


# --------------------------------------------------------------------------- actual requests


def test_allowed_simple_request_exact_headers() -> None:
    policy = CORSPolicy(allow_origins=[A], expose_headers=["X-Total-Count"])
    d = policy.decide("GET", A)
    assert (d.action, d.allowed, d.reason.code, d.vary_origin) == (
        Action.ACTUAL,
        True,
        ReasonCode.OK,
        True,
    )
    assert d.headers == (
        ("Access-Control-Allow-Origin", A),
        ("Access-Control-Expose-Headers", "X-Total-Count"),
    )
    assert d.raw_headers == (
        (b"access-control-allow-origin", A.encode()),
        (b"access-control-expose-headers", b"X-Total-Count"),
    )
    t = trip(policy, origin=A, app_headers=[("X-Total-Count", "3")])
    assert t.verdict.allowed
    assert "x-total-count" in t.readable_headers


def test_allowed_credentialed_request_exact_headers() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_credentials=True, expose_headers=["x-a", "x-b"])
    d = policy.decide("POST", A)
    assert d.headers == (
        ("Access-Control-Allow-Origin", A),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "x-a, x-b"),
    )
    assert trip(policy, origin=A, method="POST", credentials=True).verdict.allowed


def test_wildcard_policy_answers_star_to_everyone() -> None:
    policy = CORSPolicy(allow_origins=["*"], expose_headers="*")
    assert not policy.varies_on_origin
    for origin in (A, EVIL, "null"):
        d = policy.decide("GET", origin)
        assert d.allowed
        assert d.headers == (
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", "*"),
        )
        assert d.vary_origin is False
    # even to requests without Origin (so a shared cache can serve it to anyone)
    d = policy.decide("GET", None)
    assert d.headers == (
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Expose-Headers", "*"),
    )
    assert d.vary_origin is False
    t = trip(policy, origin=EVIL, app_headers=[("X-Anything", "1")])
    assert t.verdict.allowed and "x-anything" in t.readable_headers
    # but credentialed fetches are blocked by the browser
    assert trip(policy, origin=EVIL, credentials=True).verdict.code == "wildcard_with_credentials"


def test_wildcard_policy_reason_for_an_allowed_origin_is_ok() -> None:
    policy = CORSPolicy(allow_origins=["*"])
    assert policy.decide("GET", A).reason.code == ReasonCode.OK


def test_wildcard_policy_varies_only_on_denial() -> None:
    policy = CORSPolicy(allow_origins=["*"])
    d = policy.decide("GET", "https://bad.example/")
    assert (d.allowed, d.headers, d.vary_origin) == (False, (), True)
    assert d.reason.code == ReasonCode.ORIGIN_MALFORMED


def test_denied_and_origin_less_requests_vary_on_origin() -> None:
    policy = CORSPolicy(allow_origins=[A])
    d = policy.decide("GET", EVIL)
    assert (d.action, d.allowed, d.headers, d.vary_origin, d.status, d.body) == (
        Action.ACTUAL,
        False,
        (),
        True,
        200,
        b"",
    )
    assert d.reason.code == ReasonCode.ORIGIN_NOT_ALLOWED
    d = policy.decide("GET", None)
    assert (d.action, d.allowed, d.headers, d.vary_origin) == (Action.ACTUAL, True, (), True)
    assert d.reason.code == ReasonCode.NO_ORIGIN
    assert trip(policy, origin=EVIL).verdict.code == "missing_allow_origin"


def test_options_without_request_method_is_an_actual_request() -> None:
    policy = CORSPolicy(allow_origins=[A])
    d = policy.decide("OPTIONS", A)
    assert (d.action, d.preflight) == (Action.ACTUAL, False)
    assert d.headers == (("Access-Control-Allow-Origin", A),)


def test_request_method_header_on_non_options_is_ignored() -> None:
    policy = CORSPolicy(allow_origins=[A])
    d = policy.decide("GET", A, "DELETE")
    assert (d.action, d.preflight) == (Action.ACTUAL, False)


# ------------------------------------------------------------------------------- preflights


def test_preflight_exact_headers() -> None:
    policy = CORSPolicy(
        allow_origins=[A],
        allow_methods=["PUT", "DELETE"],
        allow_headers=["Authorization", "X-Token"],
        allow_credentials=True,
        max_age=600,
    )
    d = policy.decide("OPTIONS", A, "PUT", "authorization,x-token")
    assert (d.action, d.allowed, d.status, d.body, d.preflight) == (
        Action.RESPOND,
        True,
        204,
        b"",
        True,
    )
    assert d.headers == (
        ("Access-Control-Allow-Origin", A),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "PUT, DELETE"),
        ("Access-Control-Allow-Headers", "Authorization, X-Token"),
        ("Access-Control-Max-Age", "600"),
        PREFLIGHT_VARY,
    )
    t = trip(
        policy,
        origin=A,
        method="PUT",
        headers={"Authorization": "Bearer x", "X-Token": "1"},
        credentials=True,
    )
    assert t.verdict.allowed, t.steps
    assert t.preflight is not None and t.preflight.status == 204
    # A JSON body makes the browser ask for content-type, which the list does not name.
    t = trip(
        policy,
        origin=A,
        method="PUT",
        headers={"Authorization": "Bearer x", "Content-Type": "application/json"},
        credentials=True,
    )
    assert not t.verdict.allowed
    assert t.preflight is not None and t.preflight.status == 403
    d = policy.decide("OPTIONS", A, "PUT", "authorization,content-type")
    assert (d.status, d.reason.code, d.reason.value) == (403, "header_not_allowed", "content-type")


def test_the_configured_lists_mean_what_they_say() -> None:
    """Nothing is added to allow_methods or allow_headers: GET, HEAD and POST, and the
    CORS-safelisted names, are allowed in a preflight only when listed (the defaults list
    them); '*' for methods covers the standard methods, an extension method by name only."""
    only_get = CORSPolicy(allow_origins=[A], allow_methods=["GET"])
    d = only_get.decide("OPTIONS", A, "POST", "content-type")
    assert (d.status, d.reason.code, d.reason.value) == (403, "method_not_allowed", "POST")
    assert "it allows GET)" in d.reason.message
    ok = only_get.decide("OPTIONS", A, "GET")
    assert dict(ok.headers)["Access-Control-Allow-Methods"] == "GET"
    custom = CORSPolicy(allow_origins=[A], allow_methods=["PUT"], allow_headers=["x-custom"])
    d = custom.decide("OPTIONS", A, "PUT", "content-type,x-custom")
    assert (d.status, d.reason.value) == (403, "content-type")
    assert (
        dict(custom.decide("OPTIONS", A, "PUT", "x-custom").headers)["Access-Control-Allow-Headers"]
        == "x-custom"
    )
    default = CORSPolicy(allow_origins=[A])  # starlette's defaults: GET, safelisted names
    d = default.decide("OPTIONS", A, "GET", "content-type")
    assert d.status == 204
    assert dict(d.headers)["Access-Control-Allow-Headers"] == SAFELISTED
    assert dict(d.headers)["Access-Control-Allow-Methods"] == "GET"
    d = default.decide("OPTIONS", A, "POST", "content-type")  # a JSON POST: not listed
    assert (d.status, d.reason.value) == (403, "POST")
    star = CORSPolicy(allow_origins=[A], allow_methods="*")
    for method in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        answer = star.decide("OPTIONS", A, method)
        assert answer.status == 204, method
        assert dict(answer.headers)["Access-Control-Allow-Methods"] == method
    for method in ("PURGE", "patch", "PROPFIND"):
        d = star.decide("OPTIONS", A, method)
        assert (d.status, d.reason.code) == (403, "method_not_allowed"), method
        assert "every standard method" in d.reason.message
    named = CORSPolicy(allow_origins=[A], allow_methods=["PURGE"])
    assert named.decide("OPTIONS", A, "PURGE").status == 204


def test_preflight_status_200_has_content_length_zero() -> None:
    policy = CORSPolicy(allow_origins=[A], preflight_status=200, max_age=None)
    d = policy.preflight(A, "GET")
    assert d.status == 200
    assert d.headers == (
        ("Access-Control-Allow-Origin", A),
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Allow-Headers", SAFELISTED),
        PREFLIGHT_VARY,
        ("Content-Type", "text/plain"),
        ("Content-Length", "0"),
    )


def test_preflight_star_echoes_header_names_as_sent() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_headers="*")
    d = policy.preflight(A, "GET", "X-Token, ,x-token,Content-Type")
    assert dict(d.headers)["Access-Control-Allow-Headers"] == "X-Token, Content-Type"


def test_preflight_star_echoes_method_and_headers() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_methods="*", allow_headers="*")
    d = policy.preflight(A, "PATCH", "x-b,authorization")
    assert d.headers == (
        ("Access-Control-Allow-Origin", A),
        ("Access-Control-Allow-Methods", "PATCH"),
        ("Access-Control-Allow-Headers", "x-b, authorization"),  # echoed as sent
        ("Access-Control-Max-Age", "600"),
        PREFLIGHT_VARY,
    )
    # no request headers asked: none echoed
    d = policy.preflight(A, "PATCH")
    assert not any(k == "Access-Control-Allow-Headers" for k, _ in d.headers)
    # Authorization is named explicitly, so the browser accepts it (a bare '*' would not cover it)
    t = trip(policy, origin=A, method="PATCH", headers={"Authorization": "x"}, credentials=False)
    assert t.verdict.allowed, t.steps


def test_preflight_star_with_credentials_echoes() -> None:
    policy = CORSPolicy(
        allow_origins=[A], allow_methods="*", allow_headers="*", allow_credentials=True
    )
    t = trip(policy, origin=A, method="PATCH", headers={"X-Custom": "1"}, credentials=True)
    assert t.verdict.allowed, t.steps
    assert t.preflight is not None
    assert ("Access-Control-Allow-Methods", "PATCH") in t.preflight.response_headers
    assert ("Access-Control-Allow-Headers", "x-custom") in t.preflight.response_headers


def test_preflight_private_network() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_private_network=True)
    d = policy.decide("OPTIONS", A, "GET", None, True)
    assert d.headers == (
        ("Access-Control-Allow-Origin", A),
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Allow-Headers", SAFELISTED),
        ("Access-Control-Allow-Private-Network", "true"),
        ("Access-Control-Max-Age", "600"),
        PREFLIGHT_VARY,
    )
    assert trip(policy, origin=A, private_network=True).verdict.allowed
    # not asked: not answered
    d = policy.decide("OPTIONS", A, "GET")
    assert not any(k == "Access-Control-Allow-Private-Network" for k, _ in d.headers)
    # asked by a disallowed origin: refused on the origin
    rejected(policy.decide("OPTIONS", EVIL, "GET", None, True), ReasonCode.ORIGIN_NOT_ALLOWED)


def test_preflight_private_network_not_enabled() -> None:
    policy = CORSPolicy(allow_origins=[A])
    rejected(policy.decide("OPTIONS", A, "GET", None, True), ReasonCode.PRIVATE_NETWORK)
    # the rejection carries no CORS headers: the browser's CORS check fails first
    assert trip(policy, origin=A, private_network=True).verdict.code == "missing_allow_origin"


@pytest.mark.parametrize(
    ("origin", "method", "headers", "code"),
    [
        (EVIL, "PUT", None, ReasonCode.ORIGIN_NOT_ALLOWED),
        ("null", "PUT", None, ReasonCode.ORIGIN_NULL),
        (A + "/", "PUT", None, ReasonCode.ORIGIN_MALFORMED),
        (A.upper(), "PUT", None, ReasonCode.ORIGIN_MALFORMED),
        (f"{A}, {EVIL}", "PUT", None, ReasonCode.ORIGIN_MALFORMED),
        (A, "DELETE", None, ReasonCode.METHOD_NOT_ALLOWED),
        (A, "put", None, ReasonCode.METHOD_NOT_ALLOWED),  # case-sensitive
        (A, "PUT ", None, ReasonCode.METHOD_MALFORMED),
        (A, "", None, ReasonCode.METHOD_MALFORMED),
        (A, "PUT", "x-token,x-other", ReasonCode.HEADER_NOT_ALLOWED),
        (A, "PUT", "x token", ReasonCode.HEADERS_MALFORMED),
        (A, "PUT", "x-token;", ReasonCode.HEADERS_MALFORMED),
        (A, "PUT", "a," * 5000, ReasonCode.HEADERS_TOO_LONG),
        (A, "PUT", ",".join(f"x-{i}" for i in range(200)), ReasonCode.HEADERS_TOO_LONG),
    ],
)
def test_rejected_preflight(origin: str, method: str, headers: str | None, code: str) -> None:
    policy = CORSPolicy(allow_origins=[A], allow_methods=["PUT"], allow_headers=["x-token"])
    rejected(policy.decide("OPTIONS", origin, method, headers), code)


def test_rejected_preflight_is_blocked_by_a_browser() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_methods=["PUT"])
    t = trip(policy, origin=A, method="DELETE")
    assert (t.verdict.allowed, t.verdict.code, t.actual) == (False, "missing_allow_origin", None)


def test_reason_messages_name_value_and_option() -> None:
    policy = CORSPolicy(allow_origins=[A], allow_methods=["PUT"], allow_headers=["x-token"])
    msg = policy.preflight(EVIL, "PUT").reason.message
    assert "'https://evil.example'" in msg and "allow_origins" in msg
    msg = policy.preflight(A, "put").reason.message
    assert "'put'" in msg and "allow_methods" in msg and "note the case: 'PUT' is allowed" in msg
    msg = policy.preflight(A, "PUT", "x-other,x-more").reason.message
    assert "'x-more'" in msg and "allow_headers" in msg and "(and 1 more)" in msg
    msg = policy.preflight(A + "/", "PUT").reason.message
    assert "'https://app.example.com/'" in msg and "(it ends with '/')" in msg
    msg = policy.preflight("http://app.example.com", "PUT").reason.message
    assert f"{A!r} is allowed (scheme and port must match exactly)" in msg
    msg = policy.preflight("null", "PUT").reason.message
    assert "allow_null_origin=True" in msg
    msg = policy.preflight(A, "PUT", None, True).reason.message
    assert "allow_private_network=True" in msg
    # request values are escaped in messages
    msg = policy.preflight(A + "\r\nX: y", "PUT").reason.message
    assert "\r" not in msg and "\n" not in msg and "\\x0d\\x0a" in msg


def test_debug_adds_reason_header_and_detailed_body() -> None:
    policy = CORSPolicy(allow_origins=[A], debug=True)
    d = policy.preflight(EVIL, "GET")
    message = d.reason.message
    body = f"CORS preflight rejected: {message}\n".encode()
    assert d.body == body
    assert d.headers == (
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("X-Content-Type-Options", "nosniff"),
        PREFLIGHT_VARY,
        ("X-CORS-Reason", f"origin_not_allowed: {message}"),
    )


def test_debug_reason_header_never_carries_cr_lf() -> None:
    policy = CORSPolicy(allow_origins=[A], debug=True)
    d = policy.preflight("https://x.example\r\nSet-Cookie: a=b", "GET")
    for name, value in d.headers:
        assert not any(c in value for c in "\r\n\x00"), (name, value)
    assert d.raw_headers[-1][0] == b"x-cors-reason"


# ------------------------------------------------------------------------ block_disallowed


def test_block_disallowed() -> None:
    policy = CORSPolicy(allow_origins=[A], block_disallowed=True)
    d = policy.decide("GET", EVIL, host="api.example.com", scheme="https")
    body = b"CORS request rejected (origin_not_allowed)\n"
    assert (d.action, d.allowed, d.status, d.body, d.preflight) == (
        Action.RESPOND,
        False,
        403,
        body,
        False,
    )
    assert d.headers == (
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("X-Content-Type-Options", "nosniff"),
        ("Vary", "Origin"),
    )
    assert policy.decide("GET", A).headers == (("Access-Control-Allow-Origin", A),)
    d = policy.decide("GET", None)
    assert (d.action, d.reason.code) == (Action.ACTUAL, ReasonCode.NO_ORIGIN)


@pytest.mark.parametrize(
    ("origin", "host", "scheme"),
    [
        ("https://api.example.com", "api.example.com", "https"),
        ("https://api.example.com", "API.example.com:443", "https"),
        ("http://api.example.com", "api.example.com:80", "http"),
        ("https://api.example.com:8443", "api.example.com:8443", "https"),
        ("http://[::1]:8000", "[::1]:8000", "http"),
    ],
)
def test_block_disallowed_passes_same_origin(origin: str, host: str, scheme: str) -> None:
    policy = CORSPolicy(allow_origins=[A], block_disallowed=True)
    d = policy.decide("POST", origin, host=host, scheme=scheme)
    assert (d.action, d.allowed, d.headers, d.vary_origin) == (Action.ACTUAL, True, (), True)
    assert d.reason.code == ReasonCode.SAME_ORIGIN


@pytest.mark.parametrize(
    ("origin", "host", "scheme"),
    [
        ("https://api.example.com", "api.example.com", "http"),  # scheme differs
        ("https://api.example.com", "api.example.com:8443", "https"),  # port differs
        ("https://api.example.com", None, "https"),
        ("https://api.example.com.evil.com", "api.example.com", "https"),
    ],
)
def test_block_disallowed_refuses_foreign(origin: str, host: str | None, scheme: str) -> None:
    policy = CORSPolicy(allow_origins=[A], block_disallowed=True)
    d = policy.decide("POST", origin, host=host, scheme=scheme)
    assert (d.action, d.status) == (Action.RESPOND, 403)


# ------------------------------------------------------------------------------ websockets


def test_decide_websocket() -> None:
    policy = CORSPolicy(allow_origins=[A], websocket_origins=True)
    assert policy.websocket_origins
    d = policy.decide_websocket(A, "ws.example.com", "wss")
    assert (d.action, d.allowed) == (Action.ACTUAL, True)
    d = policy.decide_websocket(EVIL, "ws.example.com", "wss")
    body = b"CORS request rejected (websocket_origin_not_allowed)\n"
    assert (d.action, d.allowed, d.status, d.body) == (Action.RESPOND, False, 403, body)
    assert "websocket_origins=False" in d.reason.message
    d = policy.decide_websocket("https://ws.example.com", "ws.example.com", "wss")
    assert (d.allowed, d.reason.code) == (True, ReasonCode.SAME_ORIGIN)
    d = policy.decide_websocket("http://ws.example.com", "ws.example.com:80", "ws")
    assert (d.allowed, d.reason.code) == (True, ReasonCode.SAME_ORIGIN)
    d = policy.decide_websocket("http://ws.example.com", "ws.example.com", "wss")
    assert not d.allowed
    d = policy.decide_websocket(None, "ws.example.com", "ws")
    assert (d.allowed, d.reason.code) == (True, ReasonCode.NO_ORIGIN)
    assert not d.headers


# ------------------------------------------------------------------- predicate and regex


def test_predicate_is_asked_each_time_and_not_cached() -> None:
    asked: list[str] = []
    answers = {"https://p.example": True}

    def predicate(origin: str) -> bool:
        asked.append(origin)
        return answers.get(origin, False)

    policy = CORSPolicy(allow_origins=[A], allow_origin_predicate=predicate)
    assert policy.decide("GET", "https://p.example").allowed
    assert policy.preflight("https://p.example", "GET").allowed
    answers["https://p.example"] = False
    assert not policy.decide("GET", "https://p.example").allowed
    assert not policy.preflight("https://p.example", "GET").allowed
    assert asked == ["https://p.example"] * 4
    # exact entries never reach it, malformed origins neither
    assert policy.decide("GET", A).allowed
    assert not policy.decide("GET", "https://p.example/").allowed
    assert len(asked) == 4


def test_predicate_exception_denies_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def predicate(origin: str) -> bool:
        calls.append(origin)
        raise RuntimeError("database down")

    policy = CORSPolicy(allow_origin_predicate=predicate)
    with caplog.at_level(logging.ERROR, logger="cors_core"):
        d = policy.decide("GET", "https://p.example")
        d2 = policy.decide("GET", "https://p.example")
    assert (d.allowed, d.reason.code) == (False, ReasonCode.ORIGIN_NOT_ALLOWED)
    assert not d2.allowed
    assert calls == ["https://p.example"] * 2  # not cached
    assert len(caplog.records) == 2
    assert caplog.records[0].exc_info is not None
    assert "allow_origin_predicate raised" in caplog.records[0].getMessage()


def test_predicate_truthy_non_true_denies() -> None:
    policy = CORSPolicy(allow_origin_predicate=lambda o: 1)  # type: ignore[arg-type,return-value]
    assert not policy.decide("GET", "https://p.example").allowed


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://example.com", True),
        ("https://example.com.evil.com", False),
        ("https://xexample.com", False),
        ("https://sub.example.com", False),
    ],
)
def test_regex_is_fullmatched(origin: str, allowed: bool) -> None:
    policy = CORSPolicy(allow_origin_regex=r"https://example\.com")
    assert policy.decide("GET", origin).allowed is allowed


def test_regex_never_sees_malformed_origins() -> None:
    policy = CORSPolicy(allow_origin_regex=r"https://example\.com.*")
    assert policy.decide("GET", "https://example.com.evil.com").allowed
    assert not policy.decide("GET", "https://example.com/").allowed
    assert not policy.decide("GET", "https://example.com\r\n").allowed


def test_patterns_in_decisions() -> None:
    policy = CORSPolicy(allow_origins=["https://*.example.com", "http://localhost:*"])
    assert policy.decide("GET", "https://a.b.example.com").headers == (
        ("Access-Control-Allow-Origin", "https://a.b.example.com"),
    )
    assert not policy.decide("GET", "https://example.com").allowed
    assert not policy.decide("GET", "https://evilexample.com").allowed
    assert policy.decide("GET", "http://localhost:5173").allowed
    assert not policy.decide("GET", "https://localhost:5173").allowed


# ----------------------------------------------------------------------------------- caching


def test_same_request_twice_gives_the_same_answer() -> None:
    policy = CORSPolicy(
        allow_origins=[A, "https://*.example.org"],
        allow_origin_regex=r"https://r\.example",
        allow_methods=["PUT"],
        allow_headers=["x-token"],
    )
    requests: list[tuple[Any, ...]] = [
        ("GET", A),
        ("GET", EVIL),
        ("GET", "https://a.example.org"),
        ("GET", "https://r.example"),
        ("OPTIONS", A, "PUT", "x-token"),
        ("OPTIONS", A, "PUT", "x-bad"),
        ("OPTIONS", EVIL, "PUT"),
        ("OPTIONS", A, "put"),
        ("GET", "https://a.example.org/"),
    ]
    first = [policy.decide(*r) for r in requests]
    second = [policy.decide(*r) for r in requests]
    assert first == second
    fresh = CORSPolicy(**policy.options)
    assert [fresh.decide(*r) for r in reversed(requests)] == list(reversed(first))


def test_cache_flood_does_not_change_answers() -> None:
    policy = CORSPolicy(allow_origins=["https://*.example.com"])
    for i in range(5000):  # more than the cache bound: it is cleared, answers stay right
        assert policy.decide("GET", f"https://h{i}.example.com").allowed
        assert not policy.decide("GET", f"https://h{i}.example.net").allowed
    assert policy.decide("GET", "https://h1.example.com").allowed


def test_policy_repr_and_for_path() -> None:
    policy = CORSPolicy(allow_origins=[A], max_age=None)
    assert repr(policy) == "CORSPolicy(allow_origins=['https://app.example.com'], " + (
        "allow_methods=('GET',), preflight_status=204)"
    )
    assert policy.for_path("/anything") is policy
    assert policy.options["allow_origins"] == [A]


def test_a_decision_is_immutable_comparable_hashable_and_picklable() -> None:
    import pickle

    from cors_core import Decision

    policy = CORSPolicy(allow_origins=["https://app.example.com"])
    allowed = policy.decide("GET", "https://app.example.com")
    refused = policy.decide("GET", "https://evil.example")  # built by the fast path
    for decision in (allowed, refused):
        assert isinstance(decision, Decision)
        with pytest.raises(AttributeError, match="Decision is immutable"):
            decision.allowed = not decision.allowed  # type: ignore[misc]
        with pytest.raises(AttributeError, match="Decision is immutable"):
            del decision.reason
        copy = pickle.loads(pickle.dumps(decision))
        assert copy == decision and hash(copy) == hash(decision)
        assert repr(copy).startswith("Decision(action=<Action.ACTUAL: 1>, allowed=")
    assert refused == Decision.build(refused.action, False, refused.reason, vary_origin=True)
    assert refused != allowed
    assert Decision(allowed.action, True, allowed.reason, allowed.headers) != allowed
