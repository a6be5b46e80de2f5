"""ASGI middleware: ``CORSMiddleware(app, policy=...)`` or ``CORSMiddleware(app, **options)``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cors_core.decision import Action, Decision, RawHeaderPairs
from cors_core.headers import (
    MAX_REQUEST_HEADERS_LENGTH,
    RAW_SPECIAL_NAMES,
    merge_raw_response_headers,
)
from cors_core.log import log_decision, logger
from cors_core.paths import PathRules
from cors_core.policy import CORSPolicy, resolve_policy
from cors_core.request import (
    ASGI_NAMES,
    CORS_REQUEST_NAMES,
    MAX_METHOD_LENGTH,
    asgi_path,
    read_asgi,
)

__all__ = ["CORSMiddleware"]

_RESPOND = Action.RESPOND
_DEBUG = logging.DEBUG
_debug_enabled = logger.isEnabledFor
_START = "http.response.start"
_VARY_ORIGIN = (b"vary", b"Origin")
_SPECIAL = RAW_SPECIAL_NAMES
_ORIGIN = b"origin"
_HOST = b"host"
_ACRM = b"access-control-request-method"
_ACRH = b"access-control-request-headers"
_MAX_ACRH = MAX_REQUEST_HEADERS_LENGTH
_METHOD_CUT = MAX_METHOD_LENGTH + 1
#: Response-header names apps commonly send that need no merge (skips ``lower()`` for them).
_PLAIN = frozenset(
    b"""content-type content-length date server cache-control etag location set-cookie
    content-encoding content-language last-modified expires x-content-type-options
    x-frame-options x-request-id transfer-encoding connection""".split()
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


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

    def __init__(
        self, app: ASGIApp, /, policy: CORSPolicy | PathRules | None = None, **options: Any
    ) -> None:
        self.app = app
        self.policy: CORSPolicy | PathRules = resolve_policy(policy, options)
        self._uses_path = self.policy.uses_path
        self._websockets = self.policy.websocket_origins
        # Host, scheme and path change no decision unless the policy reads them: skip them then.
        self._want_host = self._uses_path or self.policy.uses_host
        self._wanted = ASGI_NAMES if self._want_host else CORS_REQUEST_NAMES
        self._decide = self.policy.decide
        # A request without Origin gets the policy's fixed answer (None for path rules,
        # whose answer depends on the path): decide() is skipped for it.
        self._plain = self.policy.no_origin_decision

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket" and self._websockets:
                await self._websocket(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        # cors_core.request.scan_asgi, inlined (a call costs as much as the loop): the
        # same names, the same joining of repeated values (tests hold both to the rule).
        origin = request_method = request_headers = host = None
        pna = origin_twice = method_twice = False
        wanted = self._wanted
        for name, value in scope["headers"]:
            if name not in wanted:  # one set lookup for the common, uninteresting header
                continue
            if name == _ORIGIN:
                if origin is None:
                    origin = value.decode("latin-1")
                elif not origin_twice:  # already malformed: join two, skip the rest
                    origin, origin_twice = f"{origin}, {value.decode('latin-1')}", True
            elif name == _HOST:
                host = value.decode("latin-1")
            elif name == _ACRM:
                if request_method is None:  # refused past the bound: decode no more
                    request_method = value[:_METHOD_CUT].decode("latin-1")
                elif not method_twice:
                    request_method = f"{request_method}, {value.decode('latin-1')}"
                    method_twice = True
            elif name == _ACRH:
                text = value.decode("latin-1")
                if request_headers is None:
                    request_headers = text
                elif len(request_headers) <= _MAX_ACRH:  # past that it is refused anyway
                    request_headers = f"{request_headers},{text}"
            else:
                pna = value.decode("latin-1").strip().lower() == "true"
        plain = self._plain
        if origin is None and plain is not None:
            # No Origin: the policy's fixed answer, decide() skipped.
            if not plain.modifies_response:
                await self.app(scope, receive, send)
            else:
                await self.app(
                    scope, receive, _with_headers(send, plain.raw_headers, plain.vary_origin)
                )
            return
        method: str = scope["method"]
        path = ""
        if self._want_host:  # path rules or block_disallowed: pass everything
            path = asgi_path(scope) if self._uses_path else ""
            decision = self._decide(
                method,
                origin,
                request_method,
                request_headers,
                pna,
                path=path,
                host=host,
                scheme=scope.get("scheme", "http"),
            )
        else:  # host, scheme and path change nothing then: skip reading them
            decision = self._decide(method, origin, request_method, request_headers, pna)
        if not decision.allowed and _debug_enabled(_DEBUG):
            log_decision(decision, method, path or asgi_path(scope))
        action = decision.action
        if action is _RESPOND:
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
            await self.app(
                scope, receive, _with_headers(send, decision.raw_headers, decision.vary_origin)
            )

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        meta = read_asgi(scope["headers"])
        path = asgi_path(scope)
        decision = self.policy.decide_websocket(
            meta.origin, meta.host, scope.get("scheme", "ws"), path=path
        )
        if decision.action is not Action.RESPOND:
            await self.app(scope, receive, send)
            return
        log_decision(decision, "GET", path)
        message = await receive()  # websocket.connect
        if message.get("type") != "websocket.connect":
            return
        if "websocket.http.response" in scope.get("extensions", {}):
            await _respond(send, decision, prefix="websocket.http.response")
        else:  # closing before accept makes the server answer 403
            await send({"type": "websocket.close", "code": 1008})


def _with_headers(send: Send, add: RawHeaderPairs, vary: bool) -> Send:
    """``send`` adding ``add`` (and ``Vary: Origin`` when ``vary``) to the response start.

    A plain function returning the server's awaitable: no extra coroutine per message.
    The app's message and header list are never mutated (a new dict and list are sent).
    In the common case (the app set no CORS header and no ``Vary``) the pairs are just
    appended; a short Python loop finds that out faster than any C-level scan here.
    """
    if not vary:
        return _with_headers_only(send, add)

    def send_with_cors(message: Message) -> Awaitable[None]:
        if message["type"] == _START:
            headers = message.get("headers", ())
            if type(headers) is not list:  # e.g. a one-shot iterator: read it once
                headers = list(headers)
            for name, _ in headers:
                if name not in _PLAIN and name.lower() in _SPECIAL:
                    merged = merge_raw_response_headers(headers, add, True)
                    break
            else:
                merged = [*headers, *add, _VARY_ORIGIN]
            # A new message: the app's own dict and list stay as they were.
            message = message.copy() if type(message) is dict else dict(message)
            message["headers"] = merged
        return send(message)

    return send_with_cors


def _with_headers_only(send: Send, add: RawHeaderPairs) -> Send:
    def send_with_cors(message: Message) -> Awaitable[None]:
        if message["type"] == _START:
            merged = merge_raw_response_headers(message.get("headers", ()), add, False)
            message = dict(message)
            message["headers"] = merged
        return send(message)

    return send_with_cors


async def _respond(send: Send, decision: Decision, prefix: str = "http.response") -> None:
    await send(
        {
            "type": f"{prefix}.start",
            "status": decision.status,
            "headers": list(decision.raw_headers),
        }
    )
    await send({"type": f"{prefix}.body", "body": decision.body})
