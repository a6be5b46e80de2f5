"""Bounded time and memory whatever the request stream: what an attacker can make us keep or do.

Each test here failed before the bound it checks existed:

- a huge ``Access-Control-Request-Method`` was cached whole (and echoed with
  ``allow_methods="*"``): 4096 preflights of 250 KB kept about 1 GB;
- repeated ``Origin`` lines were joined one by one (quadratic: 50,000 lines blocked the
  event loop for seconds);
- a never-seen denied origin re-parsed the whole allow-list to build its hint;
- a raising ``allow_origin_predicate`` logged a traceback on every request.

No test here reads a clock: work is counted (calls, kept characters, traced bytes with
generous bounds), so a loaded machine cannot make them fail.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import tracemalloc
import warnings
from typing import Any

import pytest

import cors_core._origins as origins_module
import cors_core._policy as policy_module
from adapters.asgi import CORSMiddleware as ASGICORS
from cors_core import CORSPolicy, PathRules
from cors_core._headers import MAX_REQUEST_HEADERS_LENGTH
from cors_core._request import MAX_METHOD_LENGTH, read_asgi, scan_asgi
from tests.security.support import (
    ACAM,
    ACAO,
    APP,
    asgi_app,
    call_asgi,
    stack,
    values,
)

HUGE_METHOD = "P" * (250 * 1024)


def _quiet(**options: object) -> CORSPolicy:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CORSPolicy(**options)  # type: ignore[arg-type]


# ------------------------------------------------------- Access-Control-Request-Method


@pytest.mark.parametrize("methods", [("GET", "PUT"), "*"])
def test_huge_request_method_is_refused_never_cached_or_echoed(kind: str, methods: object) -> None:
    s = stack(kind, allow_origins=[APP], allow_methods=methods)
    for n in range(3):  # a fresh value each time: nothing may be kept
        method = HUGE_METHOD + str(n)
        status, headers, body = s(
            "OPTIONS", "/x", [("Origin", APP), ("Access-Control-Request-Method", method)]
        )
        assert status == 403
        assert values(headers, ACAO) == [] and values(headers, ACAM) == []
        assert body == b"CORS preflight rejected (method_malformed)\n"
        assert all(len(v) < 1024 for _, v in headers)
    assert s.mw.policy.memo_info()["preflights"].entries == 0


def test_method_length_bound_is_past_every_real_method() -> None:
    longest = "UPDATEREDIRECTREF"  # the longest registered method (17 characters)
    at_bound = "X" * MAX_METHOD_LENGTH
    # An extension method is allowed by name ("*" covers the standard methods only).
    policy = _quiet(allow_origins=[APP], allow_methods=[longest, at_bound])
    ok = policy.decide("OPTIONS", APP, longest)
    assert ok.allowed and dict(ok.headers)["Access-Control-Allow-Methods"] == (
        f"{longest}, {at_bound}"
    )
    assert policy.decide("OPTIONS", APP, at_bound).allowed
    refused = policy.decide("OPTIONS", APP, at_bound + "X")
    assert not refused.allowed and refused.reason.code == "method_malformed"
    assert "(longer than 64 characters, and no method is)" in refused.reason.message


def test_every_cache_key_part_is_bounded_and_the_caches_stay_small() -> None:
    """A stream of fresh, maximal values of every kind: the memos hold at most their budget."""
    policy = _quiet(
        allow_origins=[APP, "https://*.example.com"], allow_methods="*", allow_headers="*"
    )
    names = ",".join(f"x-h{i:04d}" for i in range(140))[:1000]  # just under the cached-key cap
    for n in range(6000):
        origin = f"https://{'a' * 100}{n}.example.com"  # allowed, long, fresh
        policy.decide("OPTIONS", origin, f"M{n:05d}" + "X" * 50, names + f",x-{n}")
        policy.decide("GET", f"https://{'b' * 100}{n}.evil.example")
        policy.decide("GET", f"https://{'c' * 250}{n}.evil.example")  # answered, never kept
    memos = policy.memo_info()
    assert memos["origins"].entries and memos["preflights"].entries  # the bounded values
    for key in memos["preflights"].keys:
        origin, method, request_headers, _ = key[:4]
        assert len(origin) <= 128 and len(method) <= MAX_METHOD_LENGTH
        assert request_headers is None or len(request_headers) <= 1024
    assert memos["raw_origins"].keys == tuple(o.encode() for o in memos["origins"].keys)
    assert all(len(origin) <= 128 for origin in memos["raw_origins"].keys)
    assert set(memos) == {"origins", "raw_origins", "asked", "preflights", "request_headers"}
    for memo in memos.values():
        assert memo.size <= memo.max_size <= 256 * 1024
        assert memo.entries == len(memo.keys) <= memo.max_entries


def test_a_long_origin_is_answered_every_time_and_never_kept() -> None:
    """Over 128 characters, an origin (even a valid, allowed one) is decided afresh each time."""
    long_allowed = f"https://{'a' * 63}.{'b' * 63}.example.com"
    policy = _quiet(allow_origins=["https://*.example.com"])
    for _ in range(3):
        decision = policy.decide("GET", long_allowed)
        assert decision.allowed
        assert dict(decision.headers)["Access-Control-Allow-Origin"] == long_allowed
        assert policy.decide("OPTIONS", long_allowed, "GET").status == 204
        assert not policy.decide("GET", long_allowed.replace("example", "evil")).allowed
    memos = policy.memo_info()
    assert memos["origins"].entries == memos["preflights"].entries == 0


def test_retained_memory_is_bounded_after_an_adversarial_stream() -> None:
    """10,000 requests with fresh huge values retain a few MB at most (bound: 16 MB)."""
    policy = _quiet(allow_origins=[APP], allow_methods="*", allow_headers="*")
    middleware = ASGICORS(asgi_app, policy=policy)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for n in range(10_000):
            kind = n % 4
            if kind == 0:  # huge method
                headers = [("Origin", APP), ("Access-Control-Request-Method", f"{n}{'M' * 8000}")]
            elif kind == 1:  # long header list
                headers = [
                    ("Origin", APP),
                    ("Access-Control-Request-Method", "PUT"),
                    ("Access-Control-Request-Headers", f"x-{n}," + "x-a," * 250),
                ]
            elif kind == 2:  # fresh long origin
                headers = [("Origin", f"https://{'c' * 240}{n}.example.net")]
            else:  # fresh origin and method
                headers = [
                    ("Origin", f"https://x{n}.evil.example"),
                    ("Access-Control-Request-Method", f"M{n}"),
                ]
            method = "GET" if kind == 2 else "OPTIONS"
            call_asgi(middleware, method, "/x", headers)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    retained = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert retained < 16 * 1024 * 1024, f"{retained / 1e6:.1f} MB retained"


# ----------------------------------------------------------- repeated header lines


def test_repeated_origin_lines_are_read_in_linear_time() -> None:
    """50,000 Origin lines: the second makes the value malformed; the rest are skipped."""
    lines = [(b"origin", f"https://o{i}.example".encode()) for i in range(50_000)]
    meta = read_asgi(lines)
    assert meta.origin == "https://o0.example, https://o1.example"
    methods = [(b"access-control-request-method", b"PUT")] * 50_000
    assert scan_asgi(methods)[1] == "PUT, PUT"


def test_repeated_request_headers_lines_stop_growing_past_the_parse_limit() -> None:
    lines = [(b"access-control-request-headers", b"x-a,x-b")] * 50_000
    names = read_asgi(lines).request_headers
    assert names is not None and MAX_REQUEST_HEADERS_LENGTH < len(names) <= (
        MAX_REQUEST_HEADERS_LENGTH + len("x-a,x-b") + 1
    )


def test_fifty_thousand_origin_lines_through_the_asgi_adapter() -> None:
    middleware = ASGICORS(asgi_app, allow_origins=[APP])
    headers = [("Origin", APP)] * 50_000
    status, got, _ = call_asgi(middleware, "GET", "/x", headers)
    assert status == 200 and values(got, ACAO) == []
    preflight = [*headers, ("Access-Control-Request-Method", "GET")]
    status, got, body = call_asgi(middleware, "OPTIONS", "/x", preflight)
    assert status == 403 and body == b"CORS preflight rejected (origin_malformed)\n"


class _CountingHeaders:
    """A header list that counts how many lines the reader took from it."""

    def __init__(self, lines: list[tuple[bytes, bytes]]) -> None:
        self.lines, self.taken = lines, 0

    def __iter__(self) -> Any:
        for line in self.lines:
            self.taken += 1
            yield line


@pytest.mark.parametrize(
    ("method", "rules", "read"),
    [
        ("GET", False, 2),  # not a preflight, Host not needed: stops at the second Origin
        ("POST", False, 2),
        ("OPTIONS", False, 50_001),  # may be a preflight: Access-Control-Request-Method read
        ("GET", True, 50_001),  # path rules read Host too: the whole list is read
    ],
)
def test_the_asgi_adapter_stops_reading_at_a_second_origin_line_when_nothing_else_counts(
    method: str, rules: bool, read: int
) -> None:
    policy = CORSPolicy(allow_origins=[APP])
    engine = PathRules({"/x": policy}) if rules else policy

    async def app(scope: Any, receive: Any, send: Any) -> None:  # reads no header itself
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    middleware = ASGICORS(app, policy=engine)
    lines = [(b"origin", APP.encode())] * 50_000 + [(b"access-control-request-method", b"GET")]
    headers = _CountingHeaders(lines)
    scope = {"type": "http", "method": method, "path": "/x", "headers": headers, "scheme": "http"}
    sent: list[Any] = []

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    assert headers.taken == read
    start = sent[0]
    names = [name for name, _ in start["headers"]]
    assert start["status"] == (403 if method == "OPTIONS" else 200)
    assert b"access-control-allow-origin" not in names
    # Reading less never changes the answer: the full read gives the same decision.
    full = read_asgi(lines, rules)
    short = read_asgi(lines, rules, method=method)
    assert policy.decide(method, *short[:4]) == policy.decide(method, *full[:4])


# ------------------------------------------------ never-seen origins and the allow-list


@pytest.mark.parametrize("size", [1, 1_000, 10_000])
def test_a_never_seen_origin_costs_the_same_whatever_the_allow_list(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    allowed = [f"https://app{i}.example.com" for i in range(size)]
    policy = CORSPolicy(allow_origins=allowed, allow_credentials=True)
    calls = {"n": 0}
    real = origins_module.parse_origin

    def counting(value: str) -> object:
        calls["n"] += 1
        return real(value)

    monkeypatch.setattr(policy_module, "parse_origin", counting)
    monkeypatch.setattr(origins_module, "parse_origin", counting)
    for n in range(20):
        decision = policy.decide("GET", f"https://fresh{n}.attacker.example")
        assert not decision.allowed
    assert calls["n"] <= 2 * 20  # at most two parses per request, never one per allowed entry


def test_the_near_miss_hint_survives_and_comes_from_the_index() -> None:
    policy = CORSPolicy(allow_origins=[f"https://app{i}.example.com" for i in range(5000)])
    reason = policy.decide("GET", "http://app42.example.com").reason
    assert reason.code == "origin_not_allowed"
    assert reason.message.endswith(
        "; 'https://app42.example.com' is allowed (scheme and port must match exactly)"
    )
    assert policy.decide("GET", "https://other.example.com").reason.detail == ""


# ---------------------------------------------------------------- a raising predicate


def test_a_raising_predicate_logs_one_traceback_then_counts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(origin: str) -> bool:
        raise RuntimeError("database down")

    policy = CORSPolicy(allow_origins=[APP], allow_origin_predicate=broken)
    caplog.set_level(logging.DEBUG, logger="cors_core")
    for n in range(20):
        decision = policy.decide("GET", f"https://x{n}.example.net")
        assert not decision.allowed and decision.reason.code == "origin_not_allowed"
    records = [r for r in caplog.records if "allow_origin_predicate" in r.getMessage()]
    assert [r.exc_info is not None for r in records] == [True, False, False, False, False]
    assert [r.getMessage() for r in records[1:]] == [
        f"allow_origin_predicate has raised {n} times" for n in (2, 4, 8, 16)
    ]
    assert policy.decide("GET", APP).allowed  # the listed origin still works


def test_the_prebuilt_denial_equals_the_built_one() -> None:
    from cors_core import Action, Decision

    decision = CORSPolicy(allow_origins=[APP]).decide("GET", "https://fresh.evil.example")
    assert decision == Decision.build(Action.ACTUAL, False, decision.reason, vary_origin=True)


# ------------------------------------------- a refused origin's reason, worked out lazily

_REFUSED = [
    "https://evil.example",  # well formed, not listed
    "http://app.example.com",  # a near miss: the hint names the listed origin
    "https://app.example.com/",  # malformed: trailing slash
    "HTTPS://APP.EXAMPLE.COM",  # malformed: uppercase
    "https://a..example.com",  # malformed: empty label
    f"https://{'a' * 64}.example.com",  # malformed: a label over 63 characters
    "https://a.example.com, https://b.example.com",  # two Origin lines
    "http://127.1",  # malformed: an IPv4 address in another form
]


@pytest.mark.parametrize("origin", _REFUSED)
@pytest.mark.parametrize(
    "options",
    [
        {"allow_origins": ["https://app.example.com"]},
        {"allow_origin_regex": r"https://[a-z]+\.example\.com"},
    ],
)
def test_a_refused_origin_is_answered_unparsed_and_its_reason_is_the_eager_one(
    origin: str, options: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exact origins and regexes match without parsing: a refused origin is parsed only when
    its reason is read, and then says exactly what the parsing path says."""
    lazy = _quiet(**options)
    # The same policy with a '*.' pattern that matches nothing here: it parses first.
    eager = _quiet(
        allow_origins=[*options.get("allow_origins", []), "https://*.unrelated.example"],  # type: ignore[list-item]
        allow_origin_regex=options.get("allow_origin_regex"),
    )
    expected = eager.decide("GET", origin).reason
    expected_body = eager.decide("OPTIONS", origin, "GET").body
    calls: list[str] = []
    real = policy_module.origin_parts

    def counting(value: str) -> object:
        calls.append(value)
        return real(value)

    monkeypatch.setattr(policy_module, "origin_parts", counting)
    decision = lazy.decide("GET", origin)
    assert (decision.allowed, decision.headers, decision.vary_origin) == (False, (), True)
    # Answered without parsing the origin (a regex match is confirmed well formed first).
    regex = options.get("allow_origin_regex")
    confirmed = int(isinstance(regex, str) and re.fullmatch(regex, origin) is not None)
    assert len(calls) == confirmed
    assert decision.reason == expected
    assert decision.reason.message == expected.message
    assert len(calls) == confirmed + 1  # the reason was worked out once, and kept
    assert lazy.decide("GET", origin) is decision  # the cached answer
    assert lazy.decide("OPTIONS", origin, "GET").body == expected_body
