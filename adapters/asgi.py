"""ASGI middleware: ``CORSMiddleware(app, policy=...)`` or ``CORSMiddleware(app, **options)``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from types import MethodType
from typing import Any

from cors_core import Action, ConfigError, Decision, Problem
from cors_core.integration import (
    ASGI_NAMES,
    CORS_REQUEST_NAMES,
    DEBUG,
    MAX_CACHED_HEADERS,
    MAX_CACHED_ORIGIN,
    MAX_METHOD_LENGTH,
    MAX_REQUEST_HEADERS_LENGTH,
    RAW_COMMON_NO_MERGE_NAMES,
    RAW_SPECIAL_NAMES,
    Engine,
    Gate,
    RawHeaderPairs,
    asgi_path,
    asgi_scheme,
    debug_enabled,
    enabled_levels,
    log_decision,
    logger,
    merge_raw_response_headers,
    read_asgi,
    resolve_policy,
)

__all__ = ["CORSMiddleware"]

_RESPOND = Action.RESPOND
_START = "http.response.start"
_VARY_ORIGIN = (b"vary", b"Origin")
_SPECIAL = RAW_SPECIAL_NAMES
_ORIGIN = b"origin"
_HOST = b"host"
_ACRM = b"access-control-request-method"
_ACRH = b"access-control-request-headers"
_MAX_ACRH = MAX_REQUEST_HEADERS_LENGTH
_ACRH_CUT = MAX_REQUEST_HEADERS_LENGTH + 1
_METHOD_CUT = MAX_METHOD_LENGTH + 1
#: Response-header names apps commonly send that need no merge (skips ``lower()`` for them).
_NO_MERGE = RAW_COMMON_NO_MERGE_NAMES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
_LEVELS = enabled_levels
_MAX_KEY = MAX_CACHED_ORIGIN
_MAX_HEADERS = MAX_CACHED_HEADERS
_LOGGER = logger


#: starlette's CORSMiddleware methods a subclass overrides, and what does the job here.
_STARLETTE_HOOKS = {
    "is_allowed_origin": "allow_origin_predicate=callable(origin) -> bool",
    "allow_explicit_origin": "allow_origins / allow_credentials",
    "preflight_response": "the policy's options (a preflight is answered by the engine)",
    "simple_response": "the policy's options (headers are added by the engine)",
    "send": "an ASGI middleware of your own around this one",
}


def _refuse_starlette_hooks(cls: type) -> None:
    """A subclass overriding starlette's hooks would have them silently ignored here."""
    found = [
        name
        for klass in cls.__mro__
        if klass is not CORSMiddleware and klass is not object
        for name in _STARLETTE_HOOKS
        if name in vars(klass)
    ]
    if found:
        raise ConfigError(
            [
                Problem(
                    f"{cls.__name__}.{name}",
                    "",
                    "overrides a starlette CORSMiddleware method, which this middleware "
                    "never calls",
                    f"use {_STARLETTE_HOOKS[name]} instead",
                )
                for name in dict.fromkeys(found)
            ]
        )


class CORSMiddleware:
    """CORS for any ASGI application, enforced by a :class:`cors_core.CORSPolicy`.

    Preflights are answered without calling the app (204, or 403 with the reason);
    actual responses get their CORS headers at ``http.response.start`` whatever
    their status, with ``Vary: Origin`` merged in. Bodies stream through untouched
    and exceptions propagate unchanged. ``lifespan`` passes through; ``websocket``
    too unless the policy sets ``websocket_origins=True``, which refuses handshakes
    from disallowed origins with 403.

    Example (FastAPI / Starlette, same keywords as starlette's middleware)::

        from fastapi import FastAPI
        from adapters.asgi import CORSMiddleware

        app = FastAPI()
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["https://app.example.com"],
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )

    Or around any ASGI callable: ``app = CORSMiddleware(app, policy=policy)``.
    Wrapping the whole app this way (outermost) also puts CORS headers on the
    500 responses a framework's error middleware produces.
    """

    def __init__(self, app: ASGIApp, /, policy: Engine | None = None, **options: Any) -> None:
        _refuse_starlette_hooks(type(self))
        self.app = app
        self.policy: Engine = resolve_policy(policy, options)
        gate = self._gate = Gate(self.policy)
        self._websockets = gate.websockets
        # Host is read only when the policy needs it (path rules, block_disallowed).
        self._wanted = ASGI_NAMES if gate.want_host else CORS_REQUEST_NAMES
        # A second Origin line makes the request refused; unless it may be a preflight
        # or Host is needed, the rest of the header list is not read (read_asgi's rule).
        self._stop_early = not gate.want_host
        # The shared decide-and-log step, bound to ASGI scopes once.
        self._decide = gate.bind(asgi_path, asgi_scheme)
        # The engine's own decide() for engines that read neither path nor host (else None).
        self._direct = gate.direct
        # Its answers to actual requests by the Origin header's bytes, when it keeps them
        # (else empty).
        self._raw_answers = gate.raw_answers
        # Its answers to preflights by their values, when it keeps them (else empty).
        self._preflights = gate.preflight_answers
        # A request without Origin gets the policy's fixed answer (None for path rules,
        # whose answer depends on the path): decide() is skipped for it.
        self._no_origin = no_origin = gate.no_origin
        # What that fixed answer adds to a response, if anything: (the send wrapper, its
        # raw pairs).
        self._no_origin_adds = (
            (
                _send_with_cors if no_origin.vary_origin else _send_with_cors_no_vary,
                no_origin.raw_headers,
            )
            if no_origin is not None and no_origin.modifies_response
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket" and self._websockets:
                await self._websocket(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        # cors_core.integration.scan_asgi, inlined: calling it cost about 2,600 more
        # instructions per request with Origin (14 % of an allowed GET's own cost here,
        # 3,300 for a cached preflight). The same names, the same joining of repeated
        # values: tests hold both to the rule.
        origin: bytes | None = None  # decoded only when no answer is held for these bytes
        request_method = request_headers = host = None
        pna = origin_twice = method_twice = False
        wanted = self._wanted
        for name, value in scope["headers"]:
            if name not in wanted:  # one set lookup for the common, uninteresting header
                continue
            if name == _ORIGIN:
                if origin is None:
                    origin = value
                elif not origin_twice:  # already malformed: join two, skip the rest
                    origin, origin_twice = origin + b", " + value, True
                    if self._stop_early and scope["method"] != "OPTIONS":
                        break  # not a preflight: nothing further can change the answer
            elif name == _HOST:
                host = value.decode("latin-1")
            elif name == _ACRM:
                # Refused past the bound: decode no more (and slice only a longer value:
                # a slice costs about 160 instructions on every preflight).
                if request_method is None:
                    request_method = (
                        value if len(value) < _METHOD_CUT else value[:_METHOD_CUT]
                    ).decode("latin-1")
                elif not method_twice:
                    request_method = f"{request_method}, {value.decode('latin-1')}"
                    method_twice = True
            elif name == _ACRH:  # past the bound it is refused: never decode more than that
                text = (value if len(value) < _ACRH_CUT else value[:_ACRH_CUT]).decode("latin-1")
                if request_headers is None:
                    request_headers = text
                elif len(request_headers) <= _MAX_ACRH:  # past that it is refused anyway
                    request_headers = f"{request_headers},{text}"
            else:
                pna = value.decode("latin-1").strip().lower() == "true"
        if origin is None and self._no_origin is not None:
            # No Origin: the policy's fixed answer, decide() skipped.
            if self._no_origin_adds is None:
                await self.app(scope, receive, send)
            else:
                wrapper, add = self._no_origin_adds
                await self.app(scope, receive, MethodType(wrapper, (send, add)))
            return
        direct = self._direct
        if direct is not None:
            # The engine reads neither path nor host: ask it directly (the step's fast path
            # without its call; the same log line).
            # Not a preflight: the engine's answer held for these bytes, a dict lookup where
            # decoding first costs about 930 instructions and calling decide() about 600
            # more; a value longer than its keys is never hashed.
            if request_method is None and origin is not None and len(origin) <= _MAX_KEY:
                decision = self._raw_answers.get(origin) or direct(
                    scope["method"], origin.decode("latin-1"), None, request_headers, pna
                )
            elif (
                # A preflight: the engine's answer for these values, from its own memo when
                # there (about 670 instructions fewer than calling decide()); a value longer
                # than the memo's keys is never hashed.
                origin is not None
                and request_method is not None
                and len(origin) <= _MAX_KEY
                and len(request_method) <= MAX_METHOD_LENGTH
                and (request_headers is None or len(request_headers) <= _MAX_HEADERS)
                and scope["method"] == "OPTIONS"
            ):
                text = origin.decode("latin-1")
                decision = self._preflights.get(
                    (text, request_method, request_headers, pna)
                ) or direct("OPTIONS", text, request_method, request_headers, pna)
            else:
                decision = direct(
                    scope["method"],
                    None if origin is None else origin.decode("latin-1"),
                    request_method,
                    request_headers,
                    pna,
                )
            if not decision.allowed:
                # logging's memo first: a dict lookup, where isEnabledFor costs about 720
                # instructions per refused request (integration.enabled_levels says why
                # this is the same); a subscript, about 100 fewer than .get().
                try:
                    logged = _LEVELS[DEBUG]
                except KeyError:
                    logged = debug_enabled(DEBUG)
                if logged and not _LOGGER.disabled:
                    log_decision(decision, scope["method"], asgi_path(scope))
        else:
            decision = self._decide(
                scope["method"],
                None if origin is None else origin.decode("latin-1"),
                request_method,
                request_headers,
                pna,
                host,
                scope,
            )
        if decision.action is _RESPOND:
            await send(
                {
                    "type": _START,
                    "status": decision.status,
                    "headers": list(decision.raw_headers),
                }
            )
            await send({"type": "http.response.body", "body": decision.body})
        elif not decision.modifies_response:
            await self.app(scope, receive, send)
        else:
            # A method bound to the pair, not a closure built by a call: about 870
            # instructions fewer for every response the CORS headers are added to.
            await self.app(
                scope,
                receive,
                MethodType(
                    _send_with_cors if decision.vary_origin else _send_with_cors_no_vary,
                    (send, decision.raw_headers),
                ),
            )

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        meta = read_asgi(scope["headers"])
        decision = self._gate.decide_websocket(
            meta.origin, meta.host, scope.get("scheme", "ws"), path=asgi_path(scope)
        )
        if decision.action is not _RESPOND:
            await self.app(scope, receive, send)
            return
        message = await receive()  # websocket.connect
        if message.get("type") != "websocket.connect":
            return
        if "websocket.http.response" in scope.get("extensions", {}):
            await _respond(send, decision, prefix="websocket.http.response")
        else:  # closing before accept makes the server answer 403
            await send({"type": "websocket.close", "code": 1008})


def _send_with_cors(bound: tuple[Send, RawHeaderPairs], message: Message) -> Awaitable[None]:
    """The server's ``send`` (``bound[0]``) adding ``bound[1]`` and ``Vary: Origin`` to the
    response start; bound to one request's pair as a method.

    It returns the server's awaitable: no extra coroutine per message. The app's message
    and header list are never mutated (a new dict and list are sent). In the common case
    (the app set no CORS header and no ``Vary``) the pairs are just appended; a short
    Python loop finds that out faster than any C-level scan here.
    """
    if message["type"] != _START:
        return bound[0](message)
    send, add = bound
    headers = message.get("headers", ())
    if type(headers) is not list:  # e.g. a one-shot iterator: read it once
        headers = list(headers)
    for name, _ in headers:
        if name not in _NO_MERGE and name.lower() in _SPECIAL:
            merged = merge_raw_response_headers(headers, add, True)
            break
    else:
        merged = [*headers, *add, _VARY_ORIGIN]
    # A new message: the app's own dict and list stay as they were.
    message = message.copy() if type(message) is dict else dict(message)
    message["headers"] = merged
    return send(message)


def _send_with_cors_no_vary(
    bound: tuple[Send, RawHeaderPairs], message: Message
) -> Awaitable[None]:
    """:func:`_send_with_cors` without ``Vary: Origin`` (an answer the same for every
    origin, such as ``*``)."""
    if message["type"] != _START:
        return bound[0](message)
    send, add = bound
    message = dict(message)
    message["headers"] = merge_raw_response_headers(message.get("headers", ()), add, False)
    return send(message)


async def _respond(send: Send, decision: Decision, prefix: str = "http.response") -> None:
    await send(
        {
            "type": f"{prefix}.start",
            "status": decision.status,
            "headers": list(decision.raw_headers),
        }
    )
    await send({"type": f"{prefix}.body", "body": decision.body})
