"""Pinned ASGI adapter behaviour: each test holds one thing ``adapters/asgi.py`` does that a
mutant of it got wrong while the other suites still passed (see CONTRIBUTING.md, "Mutation
testing"). Real ASGI calls, exact messages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any

import pytest

from adapters.asgi import CORSMiddleware
from cors_core import (
    ConfigError,
    CORSPolicy,
    PathRules,
    Problem,
)
from cors_core.integration import (
    MAX_CACHED_ORIGIN,
    MAX_METHOD_LENGTH,
    MAX_REQUEST_HEADERS_LENGTH,
    read_asgi,
)
from tests.engines import FixedNoOriginEngine, Held, origin_of

Message = MutableMapping[str, Any]
APP = "https://app.example.com"
VARY = (b"vary", b"Origin")


def scope(method: str = "GET", path: str = "/items", **headers: str) -> dict[str, Any]:
    """An HTTP scope; ``headers`` by their lower-case names, ``_`` for ``-``."""
    pairs = [(b"host", b"api.example.com")]
    pairs += [(k.replace("_", "-").encode(), v.encode("latin-1")) for k, v in headers.items()]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": pairs,
    }


async def text_app(scope: Any, receive: Any, send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"hello"})


async def echo_app(scope: Any, receive: Any, send: Any) -> None:
    """Answers with the routed path and the request body, so a missing scope or receive shows."""
    body = (await receive())["body"]
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": scope["path"].encode() + b" " + body})


def headers_of(sent: list[Message]) -> list[tuple[bytes, bytes]]:
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    headers: list[tuple[bytes, bytes]] = sent[0]["headers"]
    return headers


def call(app: Any, s: dict[str, Any], body: bytes = b"") -> list[Message]:
    """Run ``app`` on ``s`` with one request-body message; every message it sends."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(s, receive, send))
    return sent


def test_keyword_options_build_the_policy() -> None:
    """``CORSMiddleware(app, **options)`` is ``policy=CORSPolicy(**options)``."""
    by_keywords = CORSMiddleware(text_app, allow_origins=[APP], expose_headers=["x-total"])
    assert repr(by_keywords.policy) == repr(
        CORSPolicy(allow_origins=[APP], expose_headers=["x-total"])
    )
    sent = call(by_keywords, scope(origin=APP))
    assert sent == [
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"access-control-allow-origin", APP.encode()),
                (b"access-control-expose-headers", b"x-total"),
                (b"vary", b"Origin"),
            ],
        },
        {"type": "http.response.body", "body": b"hello"},
    ]


# -- starlette's hooks in a subclass -------------------------------------------------------

OVERRIDES = "overrides a starlette CORSMiddleware method, which this middleware never calls"


def test_a_subclass_overriding_starlettes_hooks_is_refused_with_each_replacement() -> None:
    class Narrowed(CORSMiddleware):
        def is_allowed_origin(self, origin: str) -> bool:
            return origin == APP

        def preflight_response(self, request_headers: Any) -> Any:
            return None

    class Again(Narrowed):  # the same hook again lower down is named once
        def is_allowed_origin(self, origin: str) -> bool:
            return False

        def send(self, message: Any, send: Any, request_headers: Any) -> None:
            return None

    with pytest.raises(ConfigError) as caught:
        Again(text_app, allow_origins=[APP])
    assert caught.value.problems == (
        Problem(
            "Again.is_allowed_origin",
            "",
            OVERRIDES,
            "use allow_origin_predicate=callable(origin) -> bool instead",
        ),
        Problem(
            "Again.send",
            "",
            OVERRIDES,
            "use an ASGI middleware of your own around this one instead",
        ),
        Problem(
            "Again.preflight_response",
            "",
            OVERRIDES,
            "use the policy's options (a preflight is answered by the engine) instead",
        ),
    )
    assert str(caught.value) == (
        "invalid CORS configuration (3 problems):\n"
        f"  - Again.is_allowed_origin {OVERRIDES}; fix: use allow_origin_predicate="
        "callable(origin) -> bool instead\n"
        f"  - Again.send {OVERRIDES}; fix: use an ASGI middleware of your own around this "
        "one instead\n"
        f"  - Again.preflight_response {OVERRIDES}; fix: use the policy's options (a preflight "
        "is answered by the engine) instead"
    )


@pytest.mark.parametrize(
    ("hook", "fix"),
    [
        ("is_allowed_origin", "allow_origin_predicate=callable(origin) -> bool"),
        ("allow_explicit_origin", "allow_origins / allow_credentials"),
        ("preflight_response", "the policy's options (a preflight is answered by the engine)"),
        ("simple_response", "the policy's options (headers are added by the engine)"),
        ("send", "an ASGI middleware of your own around this one"),
    ],
)
def test_each_starlette_hook_names_its_replacement(hook: str, fix: str) -> None:
    subclass = type("Custom", (CORSMiddleware,), {hook: lambda self, *args: None})
    with pytest.raises(ConfigError) as caught:
        subclass(text_app, allow_origins=[APP])
    assert caught.value.problems == (
        Problem(f"Custom.{hook}", "", OVERRIDES, f"use {fix} instead"),
    )


def test_a_subclass_without_starlettes_hooks_works() -> None:
    class Tagged(CORSMiddleware):
        tag = "mine"

        def describe(self) -> str:
            return self.tag

    app = Tagged(text_app, allow_origins=[APP])
    assert app.describe() == "mine"
    assert headers_of(call(app, scope(origin=APP))) == [
        (b"content-type", b"text/plain"),
        (b"access-control-allow-origin", APP.encode()),
        (b"vary", b"Origin"),
    ]


# -- requests without Origin ---------------------------------------------------------------


def test_a_no_origin_answer_that_adds_nothing_hands_the_app_the_servers_own_call() -> None:
    """The engine's fixed answer is used as given (``decide()`` is not asked) and the app
    gets the server's own scope, receive and send."""
    engine = FixedNoOriginEngine(CORSPolicy(allow_origins=[APP]))
    assert not engine.no_origin_decision.modifies_response
    seen: list[tuple[Any, Any, Any]] = []

    async def spy(s: Any, receive: Any, send: Any) -> None:
        seen.append((s, receive, send))
        await echo_app(s, receive, send)

    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"ping"}

    async def send(message: Message) -> None:
        sent.append(message)

    s = scope("POST", "/plain")
    asyncio.run(CORSMiddleware(spy, policy=engine)(s, receive, send))
    assert seen == [(s, receive, send)]
    assert sent == [
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        },
        {"type": "http.response.body", "body": b"/plain ping"},
    ]
    assert engine.decided == []
    # With an Origin the engine is asked, once.
    answer = call(CORSMiddleware(echo_app, policy=engine), scope(origin=APP))
    # (Its method and Origin: the rest may be passed or left to the defaults.)
    assert [asked[:2] for asked in engine.decided] == [("GET", APP)]
    assert headers_of(answer) == [
        (b"content-type", b"text/plain"),
        (b"access-control-allow-origin", APP.encode()),
        (b"vary", b"Origin"),
    ]


def test_a_no_origin_answer_that_adds_vary_reads_the_request_body() -> None:
    app = CORSMiddleware(echo_app, allow_origins=[APP])
    assert call(app, scope("POST", "/v"), body=b"data") == [
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"vary", b"Origin")],
        },
        {"type": "http.response.body", "body": b"/v data"},
    ]


def test_path_rules_decide_a_request_without_origin_by_its_path() -> None:
    rules = PathRules({"/api/*": CORSPolicy(allow_origins=["*"]), "/private/*": None})
    app = CORSMiddleware(echo_app, policy=rules)
    assert headers_of(call(app, scope(path="/api/x"))) == [
        (b"content-type", b"text/plain"),
        (b"access-control-allow-origin", b"*"),
    ]
    assert headers_of(call(app, scope(path="/private/x"))) == [(b"content-type", b"text/plain")]


def test_a_path_without_cors_hands_the_app_the_request_body() -> None:
    """An answer that changes nothing (no CORS on that path) still lets the app read."""
    rules = PathRules({"/api/*": CORSPolicy(allow_origins=["*"]), "/private/*": None})
    app = CORSMiddleware(echo_app, policy=rules)
    assert call(app, scope("POST", "/private/x", origin=APP), body=b"secret") == [
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        },
        {"type": "http.response.body", "body": b"/private/x secret"},
    ]


# -- websocket scopes ----------------------------------------------------------------------


def _ws(origin: str, **extra: Any) -> dict[str, Any]:
    """A websocket scope a server may send: ``scheme`` is optional (ASGI: default ``ws``)."""
    return {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "path": "/ws",
        "raw_path": b"/ws",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"api.example.com"), (b"origin", origin.encode())],
        "subprotocols": [],
        **extra,
    }


async def ws_app(s: Any, receive: Any, send: Any) -> None:
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})


def _ws_call(s: dict[str, Any]) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        sent.append(message)

    app = CORSMiddleware(ws_app, allow_origins=[APP], websocket_origins=True)
    asyncio.run(app(s, receive, send))
    return sent


def test_a_websocket_scope_without_scheme_is_plain_ws() -> None:
    """Without ``scheme`` the handshake is ``ws``: the page's own ``http`` origin is the same
    origin (accepted), its ``https`` twin is foreign (closed before accept)."""
    assert _ws_call(_ws("http://api.example.com")) == [{"type": "websocket.accept"}]
    assert _ws_call(_ws("https://api.example.com")) == [{"type": "websocket.close", "code": 1008}]
    assert _ws_call(_ws("https://api.example.com", scheme="wss")) == [{"type": "websocket.accept"}]


# -- the app's response start --------------------------------------------------------------


def _app_starting(start: Callable[[], Message]) -> Any:
    async def app(s: Any, receive: Any, send: Any) -> None:
        await send(start())
        await send({"type": "http.response.body", "body": b"made"})

    return app


@pytest.mark.parametrize(
    ("options", "added"),
    [
        ({"allow_origins": [APP]}, [(b"access-control-allow-origin", APP.encode()), VARY]),
        ({"allow_origins": ["*"]}, [(b"access-control-allow-origin", b"*")]),
    ],
    ids=["varies", "wildcard"],
)
def test_a_start_message_without_headers_gets_the_cors_headers(
    options: dict[str, Any], added: list[tuple[bytes, bytes]]
) -> None:
    """``headers`` is optional in ``http.response.start`` (ASGI: default empty)."""
    app = CORSMiddleware(
        _app_starting(lambda: {"type": "http.response.start", "status": 201}), **options
    )
    assert call(app, scope(origin=APP)) == [
        {"type": "http.response.start", "status": 201, "headers": added},
        {"type": "http.response.body", "body": b"made"},
    ]


@pytest.mark.parametrize(
    "kind",
    [tuple, iter, lambda pairs: (pair for pair in pairs)],
    ids=["tuple", "iterator", "generator"],
)
def test_a_header_sequence_that_is_not_a_list_is_read_once_and_kept(
    kind: Callable[[list[tuple[bytes, bytes]]], Iterable[tuple[bytes, bytes]]],
) -> None:
    pairs = [(b"content-type", b"text/plain"), (b"x-request-id", b"7"), (b"x-custom", b"1")]
    app = CORSMiddleware(
        _app_starting(
            lambda: {"type": "http.response.start", "status": 201, "headers": kind(pairs)}
        ),
        allow_origins=[APP],
    )
    assert call(app, scope(origin=APP))[0] == {
        "type": "http.response.start",
        "status": 201,
        "headers": [*pairs, (b"access-control-allow-origin", APP.encode()), VARY],
    }


class Start(MutableMapping[str, Any]):
    """A response-start message that is a mapping but not a ``dict`` (and has no ``copy``)."""

    def __init__(self, **items: Any) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._items[key] = value

    def __delitem__(self, key: str) -> None:
        del self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def test_a_start_message_that_is_not_a_dict_is_copied_not_changed() -> None:
    message = Start(
        type="http.response.start", status=200, headers=[(b"content-type", b"text/plain")]
    )
    app = CORSMiddleware(_app_starting(lambda: message), allow_origins=[APP])
    sent = call(app, scope(origin=APP))
    assert type(sent[0]) is dict
    assert sent[0] == {
        "type": "http.response.start",
        "status": 200,
        "headers": [
            (b"content-type", b"text/plain"),
            (b"access-control-allow-origin", APP.encode()),
            VARY,
        ],
    }
    assert dict(message) == {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"text/plain")],
    }


# -- Access-Control-Request-Headers over several lines -------------------------------------


def _names_of_length(total: int) -> str:
    """A comma-joined list of 64 header names, ``total`` characters long."""
    names = [f"x-{i:02d}-" for i in range(64)]
    pad = total - len(",".join(names))
    per, extra = divmod(pad, 64)
    return ",".join(n + "a" * (per + (i < extra)) for i, n in enumerate(names))


def test_request_headers_split_over_lines_are_judged_whole_at_the_bound() -> None:
    """Two ``Access-Control-Request-Headers`` lines mean their joined value: a first line
    exactly at the bound plus a second is over it, and refused as the joined line is."""
    at_bound = _names_of_length(MAX_REQUEST_HEADERS_LENGTH)
    assert len(at_bound) == MAX_REQUEST_HEADERS_LENGTH
    app = CORSMiddleware(text_app, allow_origins=[APP], allow_methods=["PUT"], allow_headers=["*"])

    def preflight(*lines: str) -> list[Message]:
        s = scope("OPTIONS", origin=APP, access_control_request_method="PUT")
        s["headers"] += [(b"access-control-request-headers", line.encode()) for line in lines]
        return call(app, s)

    ok = preflight(at_bound)
    assert ok[0]["status"] == 204
    assert (
        dict(ok[0]["headers"])[b"access-control-allow-headers"]
        == at_bound.replace(",", ", ").encode()
    )
    joined = preflight(at_bound + ",x-more")
    split = preflight(at_bound, "x-more")
    assert joined[0]["status"] == split[0]["status"] == 403
    assert split == joined
    assert (
        split[1]["body"]
        == joined[1]["body"]
        == b"CORS preflight rejected (request_headers_too_long)\n"
    )


# -- the engine's held answers to actual requests ------------------------------------------


def test_an_origin_at_the_memo_key_bound_is_looked_up_and_a_longer_one_is_not() -> None:
    """An actual request whose Origin is as long as the memo's keys may be (128 characters)
    takes the engine's held answer without calling ``decide``; one character more and the
    value is never looked up (nor hashed), and a preflight is never looked up: ``decide``
    answers those."""
    at_bound, past = origin_of(MAX_CACHED_ORIGIN), origin_of(MAX_CACHED_ORIGIN + 1)
    assert (len(at_bound), len(past)) == (128, 129)
    inner = CORSPolicy(allow_origins=[at_bound, past])
    engine = FixedNoOriginEngine(inner)
    held = Held(
        {
            at_bound.encode(): inner.decide("GET", at_bound),
            past.encode(): inner.decide("GET", past),
        }
    )
    engine.answers_by_raw_origin = held  # type: ignore[attr-defined]
    app = CORSMiddleware(text_app, policy=engine)
    text = (b"content-type", b"text/plain")
    first = call(app, scope("PUT", origin=at_bound))
    assert headers_of(first) == [text, (b"access-control-allow-origin", at_bound.encode()), VARY]
    assert (engine.decided, held.looked_up) == ([], [at_bound.encode()])
    second = call(app, scope("PUT", origin=past))
    assert headers_of(second) == [text, (b"access-control-allow-origin", past.encode()), VARY]
    assert engine.decided == [("PUT", past, None, None, False)]
    preflight = call(app, scope("OPTIONS", origin=at_bound, access_control_request_method="GET"))
    assert preflight[0]["status"] == 204
    assert engine.decided[1:] == [("OPTIONS", at_bound, "GET", None, False)]
    assert held.looked_up == [at_bound.encode()]


# -- a second Origin line -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "OPTIONS"])
def test_the_engine_is_given_what_read_asgi_reads_after_a_second_origin(method: str) -> None:
    """The adapter reads the header list as :func:`cors_core.integration.read_asgi` does: a
    request that cannot be a preflight stops at a second ``Origin`` line (its origin is
    malformed, so refused, whatever follows); an ``OPTIONS`` request reads on."""
    engine = FixedNoOriginEngine(CORSPolicy(allow_origins=[APP], allow_methods=["PUT"]))
    s = scope(method)
    s["headers"] += [
        (b"origin", APP.encode()),
        (b"origin", APP.encode()),
        (b"access-control-request-method", b"PUT"),
        (b"access-control-request-headers", b"x-token"),
        (b"access-control-request-private-network", b"true"),
    ]
    sent = call(CORSMiddleware(echo_app, policy=engine), s)
    expected = read_asgi(s["headers"], False, method=method)
    assert engine.decided == [(method, *expected[:4])]
    if method == "OPTIONS":
        assert expected[1:4] == ("PUT", "x-token", True)
        assert sent[0]["status"] == 403
    else:
        assert expected[1:4] == (None, None, False)
        assert headers_of(sent) == [(b"content-type", b"text/plain"), VARY]
    assert expected.origin == f"{APP}, {APP}"


@pytest.mark.parametrize("method_length", [3, 5000])
def test_over_long_preflight_values_reach_the_engine_cut_as_read_asgi_cuts_them(
    method_length: int,
) -> None:
    """A value past its bound is refused, so the adapter decodes only one character more
    than the bound, as :func:`cors_core.integration.read_asgi` does: the engine is given
    the same cut values, and the refusal names the value that is too long."""
    engine = FixedNoOriginEngine(
        CORSPolicy(allow_origins=[APP], allow_methods=["PUT"], allow_headers=["*"])
    )
    method = "PUT" if method_length == 3 else "P" * method_length
    s = scope(
        "OPTIONS",
        origin=APP,
        access_control_request_method=method,
        access_control_request_headers="x-a," * 5000,
    )
    sent = call(CORSMiddleware(echo_app, policy=engine), s)
    expected = read_asgi(s["headers"], False, method="OPTIONS")
    assert len(expected.request_headers or "") == MAX_REQUEST_HEADERS_LENGTH + 1
    assert len(expected.request_method or "") == min(method_length, MAX_METHOD_LENGTH + 1)
    assert engine.decided == [("OPTIONS", *expected[:4])]
    code = "request_headers_too_long" if method_length == 3 else "method_malformed"
    assert sent[0]["status"] == 403
    assert sent[1]["body"] == f"CORS preflight rejected ({code})\n".encode()
