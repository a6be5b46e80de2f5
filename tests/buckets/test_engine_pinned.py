"""BucketPolicy: outcomes the other engine tests leave open (found by mutation testing).

The private-network flag in the preflight memo, the refusals' exact reasons and sentences
(origin before method, the headers no rule allows), the method-length bound at 64
characters, websocket checks whatever the host, and what the memos keep: every value
within its bound, none past it, and never more than their budget of request text.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from cors_core import Action, CORSConfigWarning, ReasonCode
from cors_core._cache import CACHE_BUDGET, MAX_CACHED_HEADERS, MAX_CACHED_ORIGIN
from cors_core.buckets import BucketPolicy, from_gcs, from_s3

APP = "https://app.example.com"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
END = (("Vary", PREFLIGHT_VARY), ("Content-Type", "text/plain"), ("Content-Length", "0"))
PNA_VARY = PREFLIGHT_VARY + ", Access-Control-Request-Private-Network"
HINT = "names are case-insensitive; one '*' matches any run of characters, as in 'x-amz-meta-*'"


def _refusal_headers(length: int) -> tuple[tuple[str, str], ...]:
    return (
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(length)),
        ("X-Content-Type-Options", "nosniff"),
        ("Vary", PNA_VARY),
    )


def _any_method() -> BucketPolicy:
    """GCS rules allowing every origin, method and header (the origin is echoed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return from_gcs([{"origin": ["*"], "method": ["*"], "responseHeader": ["*"]}])


def _origin(length: int, n: int = 0) -> str:
    """A well-formed origin under ``example.com`` of exactly ``length`` characters."""
    host = length - len("https://.example.com")
    labels = [f"{n:x}"]
    host -= len(labels[0])
    while host > 0:
        size = min(60, host - 1)
        labels.append("a" * size)
        host -= size + 1
    origin = "https://" + ".".join(labels) + ".example.com"
    assert len(origin) == length, (origin, length)
    return origin


def _names(length: int) -> str:
    """An Access-Control-Request-Headers value of exactly ``length`` characters."""
    value = ",".join(f"x-{i:02}-" + "h" * 94 for i in range(length // 100 + 1))[:length]
    return value[:-1] + "h" if value.endswith(",") else value


# ------------------------------------------------------------------ private network


def test_a_private_network_preflight_is_refused_after_a_plain_one_and_before() -> None:
    policy = from_s3([{"AllowedOrigins": [APP], "AllowedMethods": ["PUT"]}])
    plain = policy.decide("OPTIONS", APP, "PUT")
    assert (plain.status, plain.allowed) == (200, True)
    for _ in range(2):  # after a cached plain answer, and again
        pna = policy.decide("OPTIONS", APP, "PUT", None, True)
        assert (pna.status, pna.allowed, pna.reason.code) == (
            403,
            False,
            ReasonCode.PRIVATE_NETWORK,
        )
        assert pna.headers == _refusal_headers(54)
        assert pna.body == b"CORS preflight rejected (private_network_not_allowed)\n"
        assert pna.preflight is True
        # The sentence names what a bucket can do, not CORSPolicy's option alone.
        assert "bucket CORS rules cannot grant" in pna.reason.message
    assert policy.decide("OPTIONS", APP, "PUT") is plain
    assert policy.preflight(APP, "PUT") is plain  # no private network by default


# ------------------------------------------------------------------ reasons


def test_an_origin_no_rule_holds_is_refused_before_its_method() -> None:
    policy = from_s3([{"AllowedOrigins": [APP], "AllowedMethods": ["GET"]}])
    for d in (
        policy.decide("OPTIONS", "https://evil.example", "PATCH"),
        policy.decide("PATCH", "https://evil.example"),
    ):
        assert d.reason.code is ReasonCode.ORIGIN_NOT_ALLOWED
        assert (d.reason.value, d.reason.detail) == ("https://evil.example", "")
        assert d.reason.message == (
            "origin 'https://evil.example' is in no CORSRules entry's AllowedOrigins: add it "
            "to the AllowedOrigins of the entry that should answer it"
        )
    near = policy.decide("OPTIONS", "http://app.example.com", "PATCH")
    assert near.reason.code is ReasonCode.ORIGIN_NOT_ALLOWED
    assert (near.reason.value, near.reason.detail) == (
        "http://app.example.com",
        "; 'https://app.example.com' is allowed (scheme and port must match exactly)",
    )
    null = policy.decide("OPTIONS", "null", "GET")
    assert (null.reason.code, null.reason.value) == (ReasonCode.ORIGIN_NOT_ALLOWED, "null")
    assert null.reason.message == (
        "origin 'null' is in no CORSRules entry's AllowedOrigins: add it to the "
        "AllowedOrigins of the entry that should answer it"
    )


def test_a_malformed_origin_is_named_with_what_is_wrong() -> None:
    policy = from_s3([{"AllowedOrigins": [APP], "AllowedMethods": ["GET"]}])
    for d in (policy.decide("GET", APP + "/"), policy.decide("OPTIONS", APP + "/", "GET")):
        assert (d.allowed, d.reason.code) == (False, ReasonCode.ORIGIN_MALFORMED)
        assert (d.reason.value, d.reason.detail) == (APP + "/", " (it ends with '/')")


def test_method_refusals_name_the_method_and_at_most_four_entries() -> None:
    def rules(count: int) -> BucketPolicy:
        return from_s3([{"AllowedOrigins": [APP], "AllowedMethods": ["GET"]}] * count)

    entries = "; ".join(f"CORSRules[{i}] allows GET" for i in range(4))
    for count, more in ((4, ""), (5, " (and 1 more)"), (6, " (and 2 more)")):
        for d in (
            rules(count).decide("DELETE", APP),
            rules(count).decide("OPTIONS", APP, "DELETE"),
        ):
            detail = f" (entries matching that origin: {entries}{more})"
            assert d.reason.code is ReasonCode.METHOD_NOT_ALLOWED
            assert (d.reason.value, d.reason.detail) == ("DELETE", detail)
            assert d.reason.message == (
                f"no CORSRules entry allows method 'DELETE' for origin '{APP}'{detail}; "
                "add it to the AllowedMethods of one of them (methods are case-sensitive)"
            )


def test_a_malformed_preflight_value_is_named() -> None:
    policy = from_s3([{"AllowedOrigins": [APP], "AllowedMethods": ["PUT"]}])
    d = policy.decide("OPTIONS", APP, "PU T")
    assert (d.reason.code, d.reason.value) == (ReasonCode.METHOD_MALFORMED, "PU T")
    d = policy.decide("OPTIONS", APP, "PUT", "x a")
    assert (d.reason.code, d.reason.value, d.reason.detail) == (
        ReasonCode.HEADERS_MALFORMED,
        "x a",
        " ('x a')",
    )


def test_header_refusals_name_the_headers_no_candidate_allows() -> None:
    policy = from_s3(
        [
            {"AllowedOrigins": [APP], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-a"]},
            {"AllowedOrigins": [APP], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-b"]},
        ]
    )
    checked = " (checked: CORSRules[0], CORSRules[1])"
    # x-b is allowed by the second entry: only x-c is named.
    d = policy.decide("OPTIONS", APP, "GET", "x-b, x-c")
    assert (d.status, d.reason.code) == (403, ReasonCode.HEADER_NOT_ALLOWED)
    assert (d.reason.value, d.reason.detail) == ("x-c", checked)
    assert d.reason.message == (
        f"no CORSRules entry that allows 'GET' for origin '{APP}' allows request header "
        f"'x-c'{checked}: add it to the AllowedHeaders of one of them ({HINT})"
    )
    d = policy.decide("OPTIONS", APP, "GET", "x-d, x-c")
    assert (d.reason.value, d.reason.detail) == ("x-c", checked)
    assert d.reason.message == (
        f"no CORSRules entry that allows 'GET' for origin '{APP}' allows request headers "
        f"'x-c', 'x-d'{checked}: add them to the AllowedHeaders of one of them ({HINT})"
    )


def test_header_refusals_name_the_headers_of_three_candidates() -> None:
    policy = from_s3(
        [
            {"AllowedOrigins": [APP], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-a"]},
            {"AllowedOrigins": [APP], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-b"]},
            {"AllowedOrigins": [APP], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-c"]},
        ]
    )
    # x-b: allowed by the second entry, x-c by the third, x-d by none.
    d = policy.decide("OPTIONS", APP, "GET", "x-b, x-c, x-d")
    assert d.reason.value == "x-d"
    assert "allows request header 'x-d' (checked:" in d.reason.message


def test_header_refusals_list_at_most_four_checked_entries() -> None:
    rule = {"AllowedOrigins": [APP], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-a"]}
    policy = from_s3([rule] * 5)
    d = policy.decide("OPTIONS", APP, "GET", "x-z")
    labels = ", ".join(f"CORSRules[{i}]" for i in range(4))
    assert d.reason.detail == f" (checked: {labels})"


# ------------------------------------------------------------------ allowed answers


def test_allowed_answers_name_their_rule() -> None:
    policy = from_s3(
        [
            {"AllowedOrigins": ["https://other.example"], "AllowedMethods": ["GET"]},
            {"AllowedOrigins": [APP], "AllowedMethods": ["GET"]},
        ]
    )
    actual = policy.decide("GET", APP)
    assert (actual.reason.code, actual.reason.value, actual.reason.detail) == (
        ReasonCode.OK,
        None,
        " by CORSRules[1]",
    )
    assert actual.preflight is False
    pre = policy.decide("OPTIONS", APP, "GET")
    assert (pre.reason.code, pre.reason.value, pre.reason.detail) == (
        ReasonCode.OK,
        None,
        " by CORSRules[1]",
    )
    assert (pre.action, pre.status, pre.preflight) == (Action.RESPOND, 200, True)
    no_origin = policy.decide("GET", None)
    assert (no_origin.reason.code, no_origin.vary_origin) == (ReasonCode.NO_ORIGIN, True)


def test_matching_rule_reads_a_preflight_only_from_options() -> None:
    policy = from_s3(
        [
            {"AllowedOrigins": [APP], "AllowedMethods": ["GET"]},
            {"AllowedOrigins": [APP], "AllowedMethods": ["PUT"]},
        ]
    )
    assert policy.matching_rule("GET", APP, "PUT") == policy.rules[0]  # not a preflight
    assert policy.matching_rule("OPTIONS", APP) is None  # OPTIONS itself: no rule allows it
    assert policy.matching_rule("OPTIONS", APP, "PUT") == policy.rules[1]


def test_websocket_handshakes_pass_whatever_the_host() -> None:
    policy = from_s3([{"AllowedOrigins": [APP], "AllowedMethods": ["GET"]}])
    for host in ("app.example.com", "evil.example", None):
        for scheme in ("ws", "wss"):
            d = policy.decide_websocket("https://evil.example", host, scheme)
            assert (d.action, d.allowed, d.status, d.headers) == (Action.PASS, True, 200, ())
            d = policy.decide_websocket(None, host, scheme, path="/ws")
            assert (d.action, d.allowed, d.reason.code) == (
                Action.ACTUAL,
                True,
                ReasonCode.NO_ORIGIN,
            )


# ------------------------------------------------------------------ the method bound


def test_a_method_of_64_characters_is_answered_and_one_of_65_is_refused() -> None:
    policy = _any_method()
    at_bound = "M" * 64
    d = policy.decide("OPTIONS", APP, at_bound)
    assert (d.status, d.allowed) == (200, True)
    assert dict(d.headers)["Access-Control-Allow-Methods"] == at_bound
    assert policy.decide("OPTIONS", APP, at_bound) is d
    assert policy.matching_rule("OPTIONS", APP, at_bound) == policy.rules[0]
    actual = policy.decide(at_bound, APP)
    assert actual.allowed and policy.decide(at_bound, APP) is actual  # kept
    past = "M" * 65
    d = policy.decide("OPTIONS", APP, past)
    assert (d.status, d.allowed, d.reason.code) == (403, False, ReasonCode.METHOD_MALFORMED)
    assert (d.reason.value, d.reason.detail) == (
        past,
        " (longer than 64 characters, and no method is)",
    )
    assert d.headers == _refusal_headers(43)
    assert d.body == b"CORS preflight rejected (method_malformed)\n"
    assert policy.matching_rule("OPTIONS", APP, past) is None
    actual = policy.decide(past, APP)
    assert actual.allowed and policy.decide(past, APP) is not actual  # answered, not kept


# ------------------------------------------------------------------ what the memos keep


def test_values_at_their_bound_are_kept_and_longer_ones_are_not() -> None:
    policy = _any_method()
    at_bound, past = _origin(MAX_CACHED_ORIGIN), _origin(MAX_CACHED_ORIGIN + 1)
    assert policy.decide("GET", at_bound) is policy.decide("GET", at_bound)
    assert at_bound in policy.memo_info()["origins"].keys
    assert policy.decide("OPTIONS", at_bound, "PUT") is policy.decide("OPTIONS", at_bound, "PUT")
    assert policy.decide("GET", past) is not policy.decide("GET", past)
    assert past not in policy.memo_info()["origins"].keys
    assert policy.decide("OPTIONS", past, "PUT") is not policy.decide("OPTIONS", past, "PUT")
    headers, longer = _names(MAX_CACHED_HEADERS), _names(MAX_CACHED_HEADERS + 1)
    first = policy.decide("OPTIONS", APP, "PUT", headers)
    assert first.allowed and policy.decide("OPTIONS", APP, "PUT", headers) is first
    assert headers in policy.memo_info()["request_headers"].keys
    first = policy.decide("OPTIONS", APP, "PUT", longer)
    assert first.allowed and policy.decide("OPTIONS", APP, "PUT", longer) is not first
    assert longer not in policy.memo_info()["request_headers"].keys


def _held(policy: BucketPolicy) -> Iterator[tuple[str, int, int]]:
    """Each memo: its name, its entries, the request text its keys hold."""

    def text(key: object) -> int:
        if isinstance(key, str):
            return len(key)
        if isinstance(key, tuple):
            return sum(text(k) for k in key)
        return 0

    memos = policy.memo_info()
    assert set(memos) == {"origins", "actual", "preflights", "request_headers"}
    for name, memo in memos.items():
        assert memo.entries == len(memo.keys)
        yield name, memo.entries, sum(text(k) for k in memo.keys)


def test_memos_hold_at_most_their_entries_and_their_budget_of_request_text() -> None:
    # Short values: the entry bounds are reached first.
    policy = _any_method()
    for i in range(4097):
        origin = f"https://{i}.example.com"
        policy.decide("GET", origin)
        policy.decide("OPTIONS", origin, "PUT")
        if i % 256 == 255 or i >= 4094:
            assert max(entries for _, entries, _ in _held(policy)) <= 4096, i
    # Long values: the budget is reached first.
    policy = _any_method()
    method = "M" * 64
    for i in range(4096):
        origin = _origin(MAX_CACHED_ORIGIN, i)
        policy.decide(method, origin)
        policy.decide("OPTIONS", origin, method, f"x-{i:04}," + "y" * 990)
        if i < 1024:
            policy.decide("OPTIONS", APP, "PUT", f"x-{i:04}," + "z" * (MAX_CACHED_HEADERS - 7))
        if i % 64 == 63:
            for name, _, held in _held(policy):
                assert held <= CACHE_BUDGET, (name, i)


@pytest.mark.parametrize("count", [1024, 1025])
def test_the_request_headers_memo_is_bounded_in_entries(count: int) -> None:
    policy = _any_method()
    for i in range(count):
        policy.decide("OPTIONS", APP, "PUT", f"x-{i}")
        assert policy.memo_info()["request_headers"].entries <= 1024
