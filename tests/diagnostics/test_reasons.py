"""Every rejection path carries a stable code and a sentence naming the value and the option."""

from __future__ import annotations

from cors_core import CORSPolicy, PathRules, Reason, ReasonCode

ORIGIN = "https://app.example.com"
POLICY = CORSPolicy(
    allow_origins=[ORIGIN, "https://*.example.org"],
    allow_methods=["GET", "PUT", "PATCH"],
    allow_headers=["x-api-key"],
)


def all_codes() -> set[str]:
    return {v for k, v in vars(ReasonCode).items() if k.isupper()}


def test_codes_are_stable() -> None:
    assert all_codes() == {
        "ok",
        "origin_allowed_by_hook",
        "no_origin",
        "no_cors_for_path",
        "same_origin",
        "origin_malformed",
        "origin_null_not_allowed",
        "origin_not_allowed",
        "method_malformed",
        "method_not_allowed",
        "request_headers_malformed",
        "request_headers_too_long",
        "header_not_allowed",
        "private_network_not_allowed",
        "websocket_origin_not_allowed",
    }


def test_every_code_has_a_message() -> None:
    for code in all_codes():
        message = Reason(code, "v").message
        assert message and "{" not in message, code


def test_ok_and_no_origin() -> None:
    assert POLICY.decide("GET", ORIGIN).reason.message == "allowed"
    d = POLICY.decide("GET", None)
    assert (d.reason.code, d.reason.message) == (
        "no_origin",
        "no Origin header: not a CORS request",
    )


def test_no_cors_for_path() -> None:
    d = PathRules({"/internal/*": None}, default=POLICY).decide("GET", ORIGIN, path="/internal/x")
    assert d.reason.code == ReasonCode.NO_CORS_FOR_PATH
    assert d.reason.message.startswith(
        "CORS is disabled for this path by the path rules (its rule maps to None / false)"
    )


def test_same_origin() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], block_disallowed=True)
    d = policy.decide("GET", "https://api.example.net", host="api.example.net", scheme="https")
    assert d.reason.code == ReasonCode.SAME_ORIGIN
    assert d.reason.message == (
        "Origin 'https://api.example.net' is the server's own origin (same-origin request)"
    )


def test_origin_malformed_trailing_slash_uppercase_and_several() -> None:
    d = POLICY.decide("OPTIONS", "https://app.example.com/", "PUT")
    assert d.reason.code == ReasonCode.ORIGIN_MALFORMED
    assert d.reason.message.startswith("Origin 'https://app.example.com/' is not a serialized")
    assert d.reason.message.endswith("so it is refused (it ends with '/')")
    d = POLICY.decide("OPTIONS", "https://App.example.com", "PUT")
    assert d.reason.message.endswith("(it has uppercase letters)")
    d = POLICY.decide("OPTIONS", "https://app.example.com\x85", "PUT")
    assert d.reason.message.endswith("(it holds whitespace, control or non-ASCII characters)")


def test_origin_malformed_several_values_hint() -> None:
    d = POLICY.decide("OPTIONS", f"{ORIGIN}, https://b.example", "PUT")
    assert d.reason.message.endswith("(several Origin values)")


def test_origin_null() -> None:
    d = POLICY.decide("OPTIONS", "null", "PUT")
    assert d.reason.code == ReasonCode.ORIGIN_NULL
    assert "add 'null' to allow_origins and set allow_null_origin=True" in d.reason.message


def test_origin_not_allowed_names_value_option_and_near_miss() -> None:
    d = POLICY.decide("OPTIONS", "https://evil.example", "PUT")
    assert d.reason.code == ReasonCode.ORIGIN_NOT_ALLOWED
    assert d.reason.message == (
        "origin 'https://evil.example' is not allowed: add it to allow_origins (or match it "
        "with a '*.' pattern, allow_origin_regex or allow_origin_predicate)"
    )
    d = POLICY.decide("OPTIONS", "http://app.example.com", "PUT")
    assert d.reason.message.endswith(
        "; 'https://app.example.com' is allowed (scheme and port must match exactly)"
    )


def test_method_malformed() -> None:
    d = POLICY.decide("OPTIONS", ORIGIN, "PU T")
    assert d.reason.code == ReasonCode.METHOD_MALFORMED
    assert d.reason.message == (
        "Access-Control-Request-Method 'PU T' is not a valid method token (RFC 9110); "
        "browsers never send that, so the preflight is refused"
    )


def test_method_not_allowed_with_case_hint() -> None:
    d = POLICY.decide("OPTIONS", ORIGIN, "DELETE")
    assert d.reason.code == ReasonCode.METHOD_NOT_ALLOWED
    assert d.reason.message == (
        "method 'DELETE' is not in allow_methods (it allows GET, PUT, PATCH): "
        "add it to allow_methods (methods are case-sensitive)"
    )
    d = POLICY.decide("OPTIONS", ORIGIN, "patch")
    assert "note the case: 'PATCH' is allowed" in d.reason.message


def test_headers_malformed_and_too_long() -> None:
    d = POLICY.decide("OPTIONS", ORIGIN, "PUT", "x-api-key, bad header")
    assert d.reason.code == ReasonCode.HEADERS_MALFORMED
    assert d.reason.message.startswith(
        "Access-Control-Request-Headers 'x-api-key, bad header' is not a comma-separated list"
    )
    d = POLICY.decide("OPTIONS", ORIGIN, "PUT", ",".join(f"x-h{i}" for i in range(5000)))
    assert d.reason.code == ReasonCode.HEADERS_TOO_LONG
    assert "no browser sends that" in d.reason.message


def test_header_not_allowed_names_the_header_and_counts_the_rest() -> None:
    d = POLICY.decide("OPTIONS", ORIGIN, "PUT", "x-api-key,x-b,x-c")
    assert d.reason.code == ReasonCode.HEADER_NOT_ALLOWED
    assert d.reason.message == (
        "header 'x-b' is not in allow_headers (and 1 more): add it to allow_headers "
        "(header names are case-insensitive)"
    )


def test_private_network() -> None:
    d = POLICY.decide("OPTIONS", ORIGIN, "PUT", None, True)
    assert d.reason.code == ReasonCode.PRIVATE_NETWORK
    assert "set allow_private_network=True" in d.reason.message


def test_websocket_origin() -> None:
    policy = CORSPolicy(allow_origins=[ORIGIN], websocket_origins=True)
    d = policy.decide_websocket("https://evil.example", "api.example.com", "wss")
    assert d.reason.code == ReasonCode.WEBSOCKET_ORIGIN
    assert d.reason.message == (
        "websocket handshake from origin 'https://evil.example' refused: the origin is not "
        "allowed (add it to allow_origins, or set websocket_origins=False to stop checking "
        "handshakes)"
    )


def test_messages_escape_control_characters() -> None:
    d = POLICY.decide("OPTIONS", "https://evil.example\r\nX-Injected: 1", "PUT")
    assert "\r" not in d.reason.message and "\n" not in d.reason.message
    assert "'https://evil.example\\x0d\\x0aX-Injected: 1'" in d.reason.message
    assert str(d.reason).startswith("origin_malformed: Origin 'https://evil.example\\x0d")
