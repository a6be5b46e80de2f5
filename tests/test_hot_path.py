"""The tuned hot path answers exactly like the general code it short-cuts.

Each fast path (the header loop the ASGI adapter inlines from ``read_asgi``, the
no-Origin answer that skips ``decide()``, the no-merge case of the
``merge_*_response_headers`` functions, the unhashed refusal of oversized
``Access-Control-Request-Headers``, the logging gate in the adapters, ``Host`` read
only for ``block_disallowed``) is checked against the plain rule it must equal.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from cors_core import CORSPolicy, Reason
from cors_core._decision import ReasonCode
from cors_core._headers import (
    _RAW_KEYS,
    _STR_KEYS,
    MAX_REQUEST_HEADERS_LENGTH,
    _merge,
    merge_raw_response_headers,
    merge_response_headers,
)
from cors_core._request import MAX_METHOD_LENGTH, RequestMeta, read_asgi, read_environ

ORIGIN = "https://app.example.com"
FLOOD = "," * (200 * 1024) + "content-type"


def reference_read_asgi(headers: Iterable[tuple[bytes, bytes]], want_host: bool) -> RequestMeta:
    """The rule, written plainly: the first two Origin / request-method lines joined (a
    second one already makes the value malformed), request-headers lines joined until the
    value is past the parse limit, host only when wanted."""
    origins: list[str] = []
    methods: list[str] = []
    names = host = None
    pna = False
    for name, value in headers:
        text = value.decode("latin-1")
        if name == b"origin":
            origins.append(text)
        elif name == b"host" and want_host:
            host = text
        elif name == b"access-control-request-method":
            methods.append(text)
        elif name == b"access-control-request-headers":
            if names is None:
                names = text
            elif len(names) <= MAX_REQUEST_HEADERS_LENGTH:
                names = f"{names},{text}"
        elif name == b"access-control-request-private-network":
            pna = text.strip().lower() == "true"
    origin = ", ".join(origins[:2]) if origins else None
    if methods:  # the first value is cut just past the longest accepted method
        methods[0] = methods[0][: MAX_METHOD_LENGTH + 1]
    method = ", ".join(methods[:2]) if methods else None
    return RequestMeta(origin, method, names, pna, host)


header_names = st.sampled_from(
    [
        b"origin",
        b"host",
        b"access-control-request-method",
        b"access-control-request-headers",
        b"access-control-request-private-network",
        b"accept",
        b"user-agent",
        b"origin-x",
    ]
)
header_lists = st.lists(st.tuples(header_names, st.binary(max_size=12)), max_size=12)


@given(header_lists, st.booleans())
def test_read_asgi_equals_the_plain_rule(headers: list[tuple[bytes, bytes]], host: bool) -> None:
    expected = reference_read_asgi(headers, host)
    assert read_asgi(headers, host) == expected
    assert read_asgi(tuple(headers), host) == expected  # any iterable of pairs
    assert read_asgi(iter(headers), host) == expected  # a one-shot iterator is read once
    as_lists: Any = [list(h) for h in headers]
    assert read_asgi(as_lists, host) == expected  # [name, value] lists, as ASGI allows


def test_read_asgi_without_cors_headers_is_the_empty_meta() -> None:
    headers = [(b"host", b"api.example.com"), (b"accept", b"*/*")]
    assert read_asgi(headers, want_host=False) == RequestMeta(None, None, None, False, None)
    assert read_asgi(headers).host == "api.example.com"


def test_read_environ_want_host() -> None:
    environ = {"HTTP_ORIGIN": ORIGIN, "HTTP_HOST": "api.example.com"}
    assert read_environ(environ).host == "api.example.com"
    assert read_environ(environ, want_host=False) == RequestMeta(ORIGIN, None, None, False, None)


response_names = st.sampled_from(
    [
        "Content-Type",
        "vary",
        "Vary",
        "VARY",
        "Access-Control-Allow-Origin",
        "access-control-expose-headers",
        "X-Other",
        "Set-Cookie",
    ]
)
response_values = st.sampled_from(["", "Accept", "origin", "*", "Accept, Origin", "x"])
response_lists = st.lists(st.tuples(response_names, response_values), max_size=8)
ADD = [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Credentials", "true")]


@given(response_lists, st.booleans(), st.booleans())
def test_merge_fast_path_equals_the_general_merge(
    headers: list[tuple[str, str]], vary: bool, add: bool
) -> None:
    extra = ADD if add else []
    assert merge_response_headers(headers, extra, vary) == _merge(
        list(headers), extra, vary, _STR_KEYS
    )
    raw = [(k.encode(), v.encode()) for k, v in headers]
    raw_extra = [(k.lower().encode(), v.encode()) for k, v in extra]
    assert merge_raw_response_headers(raw, raw_extra, vary) == _merge(
        list(raw), raw_extra, vary, _RAW_KEYS
    )
    assert merge_raw_response_headers(iter(raw), raw_extra, vary) == _merge(
        list(raw), raw_extra, vary, _RAW_KEYS
    )


def test_merge_common_case_appends_and_does_not_touch_the_input() -> None:
    app = [(b"content-type", b"text/plain"), (b"content-length", b"2")]
    merged = merge_raw_response_headers(app, [(b"access-control-allow-origin", b"*")], True)
    assert merged == [
        (b"content-type", b"text/plain"),
        (b"content-length", b"2"),
        (b"access-control-allow-origin", b"*"),
        (b"vary", b"Origin"),
    ]
    assert app == [(b"content-type", b"text/plain"), (b"content-length", b"2")]


def policy(**extra: Any) -> CORSPolicy:
    return CORSPolicy(
        allow_origins=[ORIGIN],
        allow_methods=["GET", "PUT"],
        allow_headers=["content-type"],
        **extra,
    )


def test_comma_flood_is_refused_and_never_cached() -> None:
    p = policy()
    assert len(FLOOD) > MAX_REQUEST_HEADERS_LENGTH
    for _ in range(3):
        d = p.decide("OPTIONS", ORIGIN, "PUT", FLOOD)
        assert (d.status, d.allowed, d.reason.code) == (403, False, ReasonCode.HEADERS_TOO_LONG)
    # The same answer as any over-long value, and the caches hold no huge key.
    assert p.decide("OPTIONS", ORIGIN, "PUT", "x" * 9000).reason.code == "request_headers_too_long"
    ok = p.decide("OPTIONS", ORIGIN, "PUT", "content-type")
    assert (ok.status, ok.allowed) == (204, True)
    memos = p.memo_info()
    assert [k[2] for k in memos["preflights"].keys] == ["content-type"]
    assert memos["request_headers"].keys == ("content-type",)


async def _asgi_app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"app"})


def _asgi(app: Any, method: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, Any, bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "scheme": "http",
        "path": "/x",
        "raw_path": b"/x",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
    }
    coro = app(scope, receive, send)
    with pytest.raises(StopIteration):
        coro.send(None)
    return sent[0]["status"], sent[0]["headers"], sent[1]["body"]


def _wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"app"]


def _wsgi(app: Any, method: str, environ: dict[str, str]) -> tuple[str, Any, bytes]:
    got: list[Any] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        got.append((status, headers))
        return lambda data: None

    body = b"".join(app({"REQUEST_METHOD": method, "PATH_INFO": "/x", **environ}, start_response))
    return got[0][0], got[0][1], body


def test_flood_through_both_adapters_is_a_403() -> None:
    status, headers, _ = _asgi(
        ASGICORS(_asgi_app, policy=policy()),
        "OPTIONS",
        [
            (b"origin", ORIGIN.encode()),
            (b"access-control-request-method", b"PUT"),
            (b"access-control-request-headers", FLOOD.encode()),
        ],
    )
    assert status == 403
    assert b"access-control-allow-origin" not in [k for k, _ in headers]
    line, _, _ = _wsgi(
        WSGICORS(_wsgi_app, policy=policy()),
        "OPTIONS",
        {
            "HTTP_ORIGIN": ORIGIN,
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": FLOOD,
        },
    )
    assert line == "403 Forbidden"


def test_block_disallowed_still_reads_host_in_both_adapters() -> None:
    p = policy(block_disallowed=True)
    asgi = ASGICORS(_asgi_app, policy=p)
    same = [(b"host", b"api.example.com"), (b"origin", b"http://api.example.com")]
    assert _asgi(asgi, "GET", same)[2] == b"app"  # same-origin passes to the app
    foreign = [(b"host", b"api.example.com"), (b"origin", b"https://evil.example")]
    assert _asgi(asgi, "GET", foreign)[0] == 403
    wsgi = WSGICORS(_wsgi_app, policy=p)
    env = {"HTTP_HOST": "api.example.com", "wsgi.url_scheme": "http"}
    assert _wsgi(wsgi, "GET", {**env, "HTTP_ORIGIN": "http://api.example.com"})[2] == b"app"
    assert _wsgi(wsgi, "GET", {**env, "HTTP_ORIGIN": "https://evil.example"})[0] == (
        "403 Forbidden"
    )


def test_adapters_still_log_rejections_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cors_core")
    _asgi(ASGICORS(_asgi_app, policy=policy()), "GET", [(b"origin", b"https://evil.example")])
    _wsgi(WSGICORS(_wsgi_app, policy=policy()), "GET", {"HTTP_ORIGIN": "https://evil.example"})
    rejected = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert len(rejected) == 2
    assert all("origin_not_allowed" in m and "'/x'" in m for m in rejected)


def test_adapters_do_not_log_when_debug_is_off(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cors_core")
    _asgi(ASGICORS(_asgi_app, policy=policy()), "GET", [(b"origin", b"https://evil.example")])
    assert not [r for r in caplog.records if "rejected" in r.getMessage()]


def test_predicate_is_asked_every_time_and_its_answer_can_change() -> None:
    calls: list[str] = []
    allow = {"now": True}

    def predicate(origin: str) -> bool:
        calls.append(origin)
        return allow["now"]

    p = CORSPolicy(
        allow_origins=[ORIGIN], allow_origin_predicate=predicate, allow_methods=["GET", "PUT"]
    )
    other = "https://tenant.example.net"
    for flag in (True, False, True, False):
        allow["now"] = flag
        get = p.decide("GET", other)
        pre = p.decide("OPTIONS", other, "PUT")
        assert (get.allowed, pre.allowed, pre.status) == (flag, flag, 204 if flag else 403)
        assert dict(get.headers).get("Access-Control-Allow-Origin") == (other if flag else None)
        assert get.reason.code == ("ok" if flag else "origin_not_allowed")
    assert calls == [other] * 8
    assert p.decide("GET", ORIGIN).allowed and calls == [other] * 8  # exact: not asked


def test_huge_origins_and_header_lists_are_answered_but_never_kept() -> None:
    p = policy(allow_origin_predicate=lambda o: False)
    huge_origin = "https://evil.example/" + "a" * 5000
    huge_names = ",".join(["x-a"] * 1000)  # 3999 characters: under the parse limit
    assert p.decide("GET", huge_origin).reason.code == "origin_malformed"
    d = p.decide("OPTIONS", ORIGIN, "PUT", huge_names)
    assert (d.status, d.reason.code) == (403, "header_not_allowed")
    assert p.decide("OPTIONS", huge_origin, "PUT").status == 403
    long_host = "https://" + "a" * 60 + "." + ".".join(["b" * 60] * 16) + ".example"
    assert not p.decide("GET", long_host).allowed  # well-formed, asked, not kept
    memos = p.memo_info()
    assert memos["origins"].keys == (ORIGIN,)  # the allowed, short origin only
    assert memos["asked"].entries == memos["request_headers"].entries == 0
    assert memos["preflights"].entries == 0
    assert p.decide("OPTIONS", ORIGIN, "PUT", "content-type").allowed  # short ones are kept
    memos = p.memo_info()
    # (with a predicate, the key also holds the origin's outcome: allowed, "ok")
    assert memos["preflights"].keys == ((ORIGIN, "PUT", "content-type", False, ReasonCode.OK),)
    assert memos["request_headers"].keys == ("content-type",)


class _Recording:
    """An engine (the public protocol) that records what the adapter asks it."""

    uses_path = False
    websocket_origins = False

    def __init__(self, want_host: bool) -> None:
        self.uses_host = want_host
        self.policy = CORSPolicy(allow_origins=[ORIGIN])
        self.no_origin_decision = self.policy.no_origin_decision
        self.seen: list[RequestMeta] = []

    def decide(
        self,
        method: str,
        origin: str | None,
        request_method: str | None = None,
        request_headers: str | None = None,
        private_network: bool = False,
        *,
        path: str = "",
        host: str | None = None,
        scheme: str = "http",
    ) -> Any:
        self.seen.append(
            RequestMeta(origin, request_method, request_headers, private_network, host)
        )
        return self.policy.no_origin_decision  # an ACTUAL decision: the app is then called

    def decide_websocket(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("not a websocket")

    def for_path(self, path: str) -> Any:
        return self.policy


def _adapter_reads(
    headers: list[tuple[bytes, bytes]], want_host: bool, method: str = "GET"
) -> RequestMeta:
    """What the ASGI adapter's inlined header loop hands to the engine for these headers."""
    import asyncio

    from adapters.asgi import CORSMiddleware

    engine = _Recording(want_host)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        return None

    mw = CORSMiddleware(app, policy=engine)  # type: ignore[arg-type]
    scope = {"type": "http", "method": method, "headers": headers, "path": "/", "scheme": "http"}
    asyncio.run(mw(scope, None, None))  # type: ignore[arg-type]
    if not engine.seen:  # no Origin: decide() is skipped, the fixed no-Origin answer is used
        return RequestMeta(None, None, None, False, None)
    return engine.seen[0]


@given(header_lists, st.booleans(), st.sampled_from(["GET", "OPTIONS", "POST"]))
def test_asgi_adapter_reads_headers_exactly_like_read_asgi(
    headers: list[tuple[bytes, bytes]], want_host: bool, method: str
) -> None:
    """The adapter inlines cors_core._request.scan_asgi for speed: the two must never differ."""
    expected = read_asgi(headers, want_host, method=method)
    got = _adapter_reads(headers, want_host, method)
    if expected.origin is None:
        assert got.origin is None
    else:
        assert got == expected


def test_modifies_response_says_exactly_when_the_adapter_must_wrap() -> None:
    from cors_core import PathRules

    policy = CORSPolicy(allow_origins=[ORIGIN])
    assert policy.decide("GET", ORIGIN).modifies_response is True  # ACAO + Vary
    assert policy.decide("GET", "https://evil.example").modifies_response is True  # Vary only
    assert policy.decide("GET", None).modifies_response is True  # Vary: Origin on no-Origin
    assert policy.decide("OPTIONS", ORIGIN, "GET").modifies_response is False  # answered
    star = CORSPolicy(allow_origins=["*"])
    assert star.no_origin_decision.modifies_response is True  # ACAO: * on every response
    rules = PathRules({"/internal/*": None}, default=policy)
    assert rules.decide("GET", ORIGIN, path="/internal/x").modifies_response is False  # PASS
    assert rules.no_origin_decision is None  # path-dependent: adapters must call decide()
    assert policy.no_origin_decision is policy.decide("GET", None)


_PREFLIGHTS = st.tuples(
    st.sampled_from([ORIGIN, "https://evil.example", "null", "https://app.example.com/x"]),
    st.sampled_from(["PUT", "GET", "DELETE", "put", "X" * 70, ""]),
    st.one_of(st.none(), st.sampled_from(["x-token", "content-type,x-token", "X-A, x-b", "a b"])),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PREFLIGHTS, min_size=1, max_size=8))
def test_decide_answers_preflights_as_preflight_does_cached_or_not(
    requests: list[tuple[str, str, str | None, bool]],
) -> None:
    """decide() finds a cached preflight answer itself (a copy of preflight()'s cache hit,
    for speed): over any sequence of preflights to one policy, each answer is exactly the
    one preflight() gives that request on a policy that has seen nothing else."""
    options: dict[str, Any] = {
        "allow_origins": [ORIGIN],
        "allow_methods": ["PUT", "GET"],
        "allow_headers": ["x-token", "content-type"],
        "allow_private_network": True,
    }
    policy = CORSPolicy(**options)
    for origin, method, names, pna in requests * 2:  # the second pass is cached
        expected = CORSPolicy(**options).preflight(origin, method, names, pna)
        assert policy.decide("OPTIONS", origin, method, names, pna) == expected


@given(response_lists, st.booleans())
@settings(max_examples=150)
def test_the_adapters_inlined_merge_equals_the_general_merge(
    app_headers: list[tuple[str, str]], credentials: bool
) -> None:
    """Both adapters append to a response without CORS headers or ``Vary`` themselves and
    call the general merge otherwise: what reaches the server is the general merge's
    answer, whatever the app sent (names in any case, ``Vary`` lines of every kind)."""
    engine = policy(allow_credentials=credentials, expose_headers=["X-Other"])
    decision = engine.decide("GET", ORIGIN)

    async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
        raw = [(name.lower().encode(), value.encode()) for name, value in app_headers]
        await send({"type": "http.response.start", "status": 200, "headers": raw})
        await send({"type": "http.response.body", "body": b"app"})

    def wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", list(app_headers))
        return [b"app"]

    _, asgi_headers, _ = _asgi(ASGICORS(asgi_app, engine), "GET", [(b"origin", ORIGIN.encode())])
    raw_app = [(name.lower().encode(), value.encode()) for name, value in app_headers]
    assert asgi_headers == merge_raw_response_headers(raw_app, decision.raw_headers, True)
    _, wsgi_headers, _ = _wsgi(WSGICORS(wsgi_app, engine), "GET", {"HTTP_ORIGIN": ORIGIN})
    assert wsgi_headers == merge_response_headers(app_headers, decision.headers, True)


_ENVIRON_KEYS = st.sampled_from(
    [
        "HTTP_ORIGIN",
        "HTTP_HOST",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS",
        "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
        "HTTP_ACCEPT",
    ]
)
_ENVIRON_VALUES = st.sampled_from(
    [ORIGIN, "https://evil.example", "PUT", "GET", "x-token", "true", " TRUE ", "1", ""]
)


@given(
    st.dictionaries(_ENVIRON_KEYS, _ENVIRON_VALUES, max_size=6),
    st.sampled_from(["GET", "OPTIONS", "POST"]),
)
def test_wsgi_adapter_reads_the_environ_exactly_like_read_environ(
    environ: dict[str, str], method: str
) -> None:
    """The WSGI adapter reads the Access-Control-Request-* values itself (read_environ's
    rule, inlined for speed): the engine is asked with exactly read_environ's values."""
    engine = _Recording(want_host=False)
    app = WSGICORS(_wsgi_app, policy=engine)  # type: ignore[arg-type]
    _wsgi(app, method, environ)
    expected = read_environ(environ, want_host=False)
    if expected.origin is None:
        assert engine.seen == []  # the fixed no-Origin answer: decide() skipped
    elif expected.request_method is None:
        assert engine.seen == [RequestMeta(expected.origin, None, None, False, None)]
    else:
        assert engine.seen == [expected]


_REFUSED_ORIGINS = st.one_of(
    st.sampled_from(
        [
            "https://evil.example",
            "http://app.example.com",  # same host, other scheme: the near-miss hint
            "https://app.example.com/",
            "HTTPS://APP.EXAMPLE.COM",
            "null",
        ]
    ),
    st.text(max_size=40),
)


@given(_REFUSED_ORIGINS)
def test_prebuilt_refusals_equal_the_plainly_built_decision(origin: str) -> None:
    """``refused_actual()`` and ``refused_actual_lazily()`` (built in one step, the reason
    worked out on first read) equal the decision ``Decision.build`` makes from the same reason."""
    from cors_core._decision import Action, Decision, refused_actual, refused_actual_lazily

    def why(refused: str) -> Reason:  # the reason the policy gives for that origin
        return policy().decide("GET", refused).reason

    reason = why(origin)
    plain = Decision.build(Action.ACTUAL, False, reason, vary_origin=True)
    assert refused_actual(reason) == plain
    lazy = refused_actual_lazily(why, origin)
    assert lazy == plain and lazy.reason == reason and lazy.reason is lazy.reason


def _refused_origin(i: int, length: int) -> str:
    origin = f"https://{i:05d}{'a' * (length - 21)}.example"
    assert len(origin) == length
    return origin


def _short_then_repeated() -> Iterator[str]:  # the entry bound is reached first
    for i in range(4100):
        yield _refused_origin(i, 24)
        if i % 7 == 0:
            yield _refused_origin(i // 2, 24)  # a repeat: a hit changes nothing


def _at_the_budget() -> Iterator[str]:  # 2,048 origins of 128 characters fill 256 KiB
    yield from (_refused_origin(i, 128) for i in range(2050))


def _mixed(seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    seen: list[str] = []
    for i in range(6000):
        if seen and rng.random() < 0.2:
            yield rng.choice(seen)
        else:
            seen.append(_refused_origin(i, rng.choice([24, 60, 128, 129, 200])))
            yield seen[-1]


@pytest.mark.parametrize(
    "stream",
    [_short_then_repeated, _at_the_budget, lambda: _mixed(1), lambda: _mixed(2)],
    ids=["entries", "budget", "mixed-1", "mixed-2"],
)
def test_refused_origins_fill_the_memo_as_bounded_cache_put_does(
    stream: Callable[[], Iterator[str]],
) -> None:
    """A never-seen, refused origin is kept as ``BoundedCache.put`` keeps it: each memo
    (by text and by bytes) holds exactly what ``put`` would have left in it, at each of
    its bounds (4,096 entries; 256 KiB of origins) and for over-long origins, never
    kept."""
    from cors_core._cache import CACHE_BUDGET, MAX_CACHED_ORIGIN, BoundedCache

    p = policy()
    reference: BoundedCache[str, bool] = BoundedCache(4096, CACHE_BUDGET)
    for origin in stream():
        assert not p.decide("GET", origin).allowed
        if origin not in reference and len(origin) <= MAX_CACHED_ORIGIN:
            reference.put(origin, True, len(origin))
        memo, raw = p.memo_info()["origins"], p.memo_info()["raw_origins"]
        assert (memo.entries, memo.size) == (len(reference), reference.size), origin
        assert (raw.entries, raw.size) == (len(reference), reference.size), origin
    assert p.memo_info()["origins"] == reference.info()
    assert p.memo_info()["raw_origins"].keys == tuple(o.encode() for o in reference)


_POLICIES: dict[str, Callable[[], CORSPolicy]] = {
    "exact": lambda: CORSPolicy(allow_origins=[ORIGIN]),
    "star": lambda: CORSPolicy(allow_origins=["*"]),
    "credentials": lambda: CORSPolicy(
        allow_origins=[ORIGIN, "https://*.example.org"], allow_credentials=True
    ),
    "predicate": lambda: CORSPolicy(
        allow_origins=[ORIGIN], allow_origin_predicate=lambda o: o.endswith(".example.net")
    ),
    "hook": lambda: CORSPolicy(allow_origins=[ORIGIN]).with_origin_hook(
        lambda o: o.startswith("https://h")
    ),
    "block": lambda: CORSPolicy(allow_origins=[ORIGIN], block_disallowed=True),
}
_ACTUALS = st.tuples(
    st.sampled_from(["GET", "POST", "PUT", "OPTIONS", "get"]),
    st.sampled_from(
        [
            ORIGIN,
            "https://evil.example",
            "https://a.example.org",
            "https://x.example.net",
            "https://h.example",
            "null",
            "https://app.example.com/x",
            "https://" + "a" * 130 + ".example.org",
            "https://caf\u00e9.example.org",
        ]
    ),
    st.sampled_from([None, "example.com", "evil.example"]),
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(_POLICIES)), st.lists(_ACTUALS, min_size=1, max_size=12))
def test_answers_by_origin_hold_what_decide_answers_for_any_actual_request(
    kind: str, requests: list[tuple[str, str, str | None]]
) -> None:
    """Adapters look an actual request's answer up in ``answers_by_origin`` (or, by the
    header's bytes, ``answers_by_raw_origin``) before calling ``decide``: what either
    holds for an origin is ``decide``'s answer for every method (and every Host); with
    ``block_disallowed`` they hold nothing, they never hold a key longer than
    ``MAX_CACHED_ORIGIN``, and the bytes memo holds the ASCII origins of the other."""
    from cors_core.integration import MAX_CACHED_ORIGIN

    policy = _POLICIES[kind]()
    by_text, by_bytes = policy.answers_by_origin, policy.answers_by_raw_origin
    for method, origin, host in requests:
        raw = origin.encode("latin-1")
        held, held_raw = by_text.get(origin), by_bytes.get(raw)
        answer = policy.decide(method, origin, host=host, scheme="https")
        if held is not None:
            assert held is answer
        if held_raw is not None:
            assert held_raw is answer
        assert by_text.get(origin) in (None, answer)
        assert by_bytes.get(raw) in (None, answer)
    assert all(len(o) <= MAX_CACHED_ORIGIN for o in by_text)
    assert set(by_bytes) == {o.encode() for o in by_text if o.isascii()}
    if kind == "block":
        assert len(by_text) == len(by_bytes) == 0
    with pytest.raises(TypeError):
        by_text[ORIGIN] = policy.no_origin_decision  # type: ignore[index]
    with pytest.raises(TypeError):
        by_bytes[ORIGIN.encode()] = policy.no_origin_decision  # type: ignore[index]


_PREFLIGHTS = st.tuples(
    st.sampled_from(
        [
            ORIGIN,
            "https://evil.example",
            "https://a.example.org",
            "null",
            "https://h.example",
            "https://" + "a" * 130 + ".example.org",
        ]
    ),
    st.sampled_from(["PUT", "GET", "put", "DELETE", "P" * 64, "P" * 65, "BAD METHOD"]),
    st.sampled_from([None, "x-token", "content-type,x-token", "", "x-" + "a" * 1100]),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(_POLICIES)), st.lists(_PREFLIGHTS, min_size=1, max_size=10))
def test_preflight_answers_hold_what_decide_answers_for_the_same_preflight(
    kind: str, requests: list[tuple[str, str, str | None, bool]]
) -> None:
    """Adapters look a preflight's answer up in ``preflight_answers`` before calling
    ``decide``: what it holds for a preflight's values is ``decide``'s answer to an
    ``OPTIONS`` request with them (whatever the Host); it holds nothing when a predicate
    or an origin hook is asked, and no key past the bounds adapters check first."""
    from cors_core.integration import MAX_CACHED_HEADERS, MAX_CACHED_ORIGIN

    policy = _POLICIES[kind]()
    held = policy.preflight_answers
    for origin, method, names, pna in requests:
        key = (origin, method, names, pna)
        before = held.get(key)
        answer = policy.decide("OPTIONS", origin, method, names, pna, host="h", scheme="https")
        if before is not None:
            assert before is answer
        assert held.get(key) in (None, answer)
        assert answer == policy.preflight(origin, method, names, pna)
    for origin, method, names, _ in held:
        assert len(origin) <= MAX_CACHED_ORIGIN
        assert len(method) <= MAX_METHOD_LENGTH
        assert names is None or len(names) <= MAX_CACHED_HEADERS
    if kind in ("predicate", "hook"):
        assert len(held) == 0
    else:
        assert len(held) == policy.memo_info()["preflights"].entries
    with pytest.raises(TypeError):
        held[(ORIGIN, "PUT", None, False)] = policy.no_origin_decision  # type: ignore[index]


class _Lookups(dict[Any, Any]):
    """A held-answers memo that records every key an adapter looks up."""

    def __init__(self, items: dict[Any, Any], seen: list[Any]) -> None:
        super().__init__(items)
        self.seen = seen

    def get(self, key: Any, default: Any = None) -> Any:
        self.seen.append(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.seen.append(key)
        return super().__getitem__(key)


def _recording_engine(policy: CORSPolicy, calls: list[Any], lookups: list[Any]) -> Any:
    """``policy`` behind the engine protocol: ``decide`` calls and memo lookups recorded."""

    class Recording:
        uses_path = uses_host = websocket_origins = False
        no_origin_decision = policy.no_origin_decision
        answers_by_origin = _Lookups(dict(policy.answers_by_origin), lookups)
        answers_by_raw_origin = _Lookups(dict(policy.answers_by_raw_origin), lookups)
        preflight_answers = _Lookups(dict(policy.preflight_answers), lookups)

        def decide(self, *args: Any, **kwargs: Any) -> Any:
            calls.append(args)
            return policy.decide(*args, **kwargs)

        def decide_websocket(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("not a websocket")

        def for_path(self, path: str) -> Any:
            return self

    return Recording()


def _preflight_both(engine: Any, method: str, headers: dict[str, str]) -> list[Any]:
    """The answer (status, header pairs) of each adapter to one request."""
    import asyncio

    from adapters.asgi import CORSMiddleware as ASGI
    from adapters.wsgi import CORSMiddleware as WSGI

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    raw = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers.items()]
    scope = {"type": "http", "method": method, "path": "/", "headers": raw}
    asyncio.run(ASGI(app, policy=engine)(scope, None, send))  # type: ignore[arg-type]
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/"}
    environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
    started: list[Any] = []
    WSGI(lambda e, s: s("200 OK", []) and [], policy=engine)(  # type: ignore[arg-type]
        environ, lambda status, pairs, exc_info=None: started.append((status, pairs))
    )
    return [(sent[0]["status"], sent[0]["headers"]), started[0]]


def test_the_adapters_take_a_held_preflight_answer_without_calling_decide() -> None:
    """A held preflight answer is used as it is, by both adapters; a preflight not held
    (yet) is asked; values past a memo key's bounds are never looked up; an ``OPTIONS``
    request without ``Access-Control-Request-Method`` and a ``PUT`` with one are no
    preflights, never looked up there."""
    policy = CORSPolicy(allow_origins=[ORIGIN], allow_methods=["PUT"], allow_headers=["x-token"])
    held = policy.decide("OPTIONS", ORIGIN, "PUT", "x-token", True)
    assert held.status == 403  # private network not allowed: a refusal is held too
    calls: list[Any] = []
    lookups: list[Any] = []
    engine = _recording_engine(policy, calls, lookups)
    sent = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "x-token",
        "Access-Control-Request-Private-Network": "true",
    }
    answers = _preflight_both(engine, "OPTIONS", sent)
    assert calls == []
    assert lookups == [(ORIGIN, "PUT", "x-token", True)] * 2
    assert answers == [(403, list(held.raw_headers)), ("403 Forbidden", list(held.headers))]

    lookups.clear()
    fresh = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
    _preflight_both(engine, "OPTIONS", fresh)
    assert lookups == [(ORIGIN, "PUT", None, False)] * 2
    assert calls == [("OPTIONS", ORIGIN, "PUT", None, False)] * 2

    from cors_core.integration import MAX_CACHED_HEADERS, MAX_CACHED_ORIGIN

    long_origin = "https://" + "a" * (MAX_CACHED_ORIGIN - len("https://") + 1)
    for over in (
        {**fresh, "Origin": long_origin},
        {**fresh, "Access-Control-Request-Method": "P" * (MAX_METHOD_LENGTH + 1)},
        {**fresh, "Access-Control-Request-Headers": "x" * (MAX_CACHED_HEADERS + 1)},
    ):
        lookups.clear()
        calls.clear()
        _preflight_both(engine, "OPTIONS", over)
        assert lookups == [], over
        assert len(calls) == 2, over
    at_bounds = {
        "Origin": long_origin[:-1],
        "Access-Control-Request-Method": "P" * MAX_METHOD_LENGTH,
        "Access-Control-Request-Headers": "x" * MAX_CACHED_HEADERS,
    }
    lookups.clear()
    _preflight_both(engine, "OPTIONS", at_bounds)
    key = (long_origin[:-1], "P" * MAX_METHOD_LENGTH, "x" * MAX_CACHED_HEADERS, False)
    assert lookups == [key] * 2
    for method, headers in (("PUT", fresh), ("OPTIONS", {"Origin": ORIGIN})):
        lookups.clear()
        calls.clear()
        _preflight_both(engine, method, headers)
        assert all(not isinstance(k, tuple) for k in lookups), (method, headers)
        assert len(calls) == 2 - len(lookups), (method, headers)


def test_the_adapters_take_the_engines_held_answer_without_calling_it() -> None:
    """A held answer is used as it is: the adapters do not call ``decide`` for it (the
    recording engine below would see the request)."""
    import asyncio

    from adapters.asgi import CORSMiddleware as ASGI
    from adapters.wsgi import CORSMiddleware as WSGI

    policy = CORSPolicy(allow_origins=[ORIGIN])
    held = policy.decide("GET", ORIGIN)
    calls: list[tuple[Any, ...]] = []

    lookups: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"origin", ORIGIN.encode())],
    }
    asyncio.run(ASGI(app, policy=_recording_engine(policy, calls, lookups))(scope, None, send))  # type: ignore[arg-type]
    started: list[Any] = []
    environ = {"REQUEST_METHOD": "PUT", "PATH_INFO": "/", "HTTP_ORIGIN": ORIGIN}
    WSGI(lambda e, s: s("200 OK", []) and [], policy=_recording_engine(policy, calls, lookups))(  # type: ignore[arg-type]
        environ, lambda status, headers, exc_info=None: started.append(headers)
    )
    assert calls == []
    expected = [*held.headers, ("Vary", "Origin")]
    assert started == [expected]
    assert sent[0]["headers"] == [*held.raw_headers, (b"vary", b"Origin")]
    other = "https://evil.example"  # not held yet: decide() is asked
    environ["HTTP_ORIGIN"] = other
    WSGI(lambda e, s: s("200 OK", []) and [], policy=_recording_engine(policy, calls, lookups))(  # type: ignore[arg-type]
        environ, lambda status, headers, exc_info=None: None
    )
    assert calls == [("PUT", other)]


def test_each_memo_weighs_exactly_the_request_text_it_holds() -> None:
    """A memo's ``size`` is the characters of the keys it holds: from 0, every kept origin
    (and a preflight's values) counted once, nothing counted for a hit."""
    p = policy()
    assert all(memo.size == memo.entries == 0 for memo in p.memo_info().values())
    origins = [f"https://{n}.example" for n in ("a", "bb", "ccc")]
    for origin in [*origins, *origins]:  # the second round only hits
        p.decide("GET", origin)
    memo = p.memo_info()["origins"]
    assert (memo.entries, memo.size) == (3, sum(len(o) for o in origins))
    p.decide("OPTIONS", ORIGIN, "PUT", "content-type")
    preflights = p.memo_info()["preflights"]
    assert preflights.size == len(ORIGIN) + len("PUT") + len("content-type")
