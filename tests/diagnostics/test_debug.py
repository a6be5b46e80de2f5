"""``debug=True`` (development only): rejected preflights still fail in the browser, but
carry the reason in ``X-CORS-Reason`` and the body."""

from __future__ import annotations

import httpx

from cors_core import CORSPolicy
from cors_core.browser import simulate
from tests.diagnostics.apps import APP_ORIGIN


def send_to(url: str):  # type: ignore[no-untyped-def]
    def send(method, headers):  # type: ignore[no-untyped-def]
        r = httpx.request(method, url, headers=list(headers))
        return r.status_code, r.headers.multi_items(), r.content

    return send


def test_debug_preflight_carries_reason_header_and_body(debug_url: str) -> None:
    r = httpx.options(
        debug_url + "/items",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"},
    )
    assert r.status_code == 403
    reason = (
        "origin 'https://evil.example' is not allowed: add it to allow_origins (or match it "
        "with a '*.' pattern, allow_origin_regex or allow_origin_predicate)"
    )
    assert r.headers["x-cors-reason"] == f"origin_not_allowed: {reason}"
    assert r.text == f"CORS preflight rejected: {reason}\n"
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.headers["content-length"] == str(len(r.content))
    assert "access-control-allow-origin" not in r.headers
    assert "access-control-allow-methods" not in r.headers


def test_debug_does_not_make_the_browser_allow(debug_url: str) -> None:
    trip = simulate(
        send_to(debug_url + "/items"), origin=APP_ORIGIN, method="PUT", headers={"X-Nope": "1"}
    )
    assert trip.verdict.allowed is False
    assert trip.verdict.code == "missing_allow_origin"
    assert trip.actual is None
    assert trip.preflight is not None
    assert dict(trip.preflight.response_headers)["x-cors-reason"] == (
        "header_not_allowed: header 'x-nope' is not in allow_headers: add it to allow_headers "
        "(header names are case-insensitive)"
    )


def test_without_debug_only_the_code(good_url: str) -> None:
    r = httpx.options(
        good_url + "/items",
        headers={"Origin": APP_ORIGIN, "Access-Control-Request-Method": "PATCH"},
    )
    assert r.status_code == 403
    assert "x-cors-reason" not in r.headers
    assert r.text == "CORS preflight rejected (method_not_allowed)\n"


def test_debug_allowed_preflight_has_no_reason(debug_url: str) -> None:
    r = httpx.options(
        debug_url + "/items",
        headers={"Origin": APP_ORIGIN, "Access-Control-Request-Method": "PUT"},
    )
    assert r.status_code == 204
    assert "x-cors-reason" not in r.headers
    assert r.headers["access-control-allow-origin"] == APP_ORIGIN


def test_debug_block_disallowed_actual_request() -> None:
    policy = CORSPolicy(allow_origins=[APP_ORIGIN], block_disallowed=True, debug=True)
    d = policy.decide("GET", "https://evil.example", host="api.example.com", scheme="https")
    headers = dict(d.headers)
    assert d.status == 403
    assert headers["X-CORS-Reason"].startswith("origin_not_allowed: origin 'https://evil.example'")
    assert d.body.startswith(b"CORS request rejected: origin 'https://evil.example' is not allowed")


def test_debug_reason_header_is_safe_ascii() -> None:
    policy = CORSPolicy(allow_origins=[APP_ORIGIN], allow_methods=["PUT"], debug=True)
    for origin in ("https://\x85evil.example", "https://évil.example", "https://a.example\x00"):
        d = policy.decide("OPTIONS", origin, "PUT", "x-a,\x85b")
        value = dict(d.headers)["X-CORS-Reason"]
        assert value.isascii() and value.isprintable(), repr(value)
        d = policy.decide("OPTIONS", APP_ORIGIN, "PUT", "x-a,\x85b")
        value = dict(d.headers)["X-CORS-Reason"]
        assert value.startswith("request_headers_malformed: ")
        assert value.isascii() and value.isprintable(), repr(value)
