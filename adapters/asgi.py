"""ASGI middleware: ``CORSMiddleware(app, policy=...)`` or ``CORSMiddleware(app, **options)``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cors_core.decision import Action, Decision
from cors_core.headers import merge_raw_response_headers
from cors_core.log import log_decision, logger
from cors_core.paths import PathRules
from cors_core.policy import CORSPolicy, resolve_policy
from cors_core.request import asgi_path, read_asgi

__all__ = ["CORSMiddleware"]

_RESPOND = Action.RESPOND
_PASS = Action.PASS
_DEBUG = logging.DEBUG
_debug_enabled = logger.isEnabledFor

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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket" and self._websockets:
                await self._websocket(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        origin, request_method, request_headers, pna, host = read_asgi(
            scope["headers"], self._want_host
        )
        method: str = scope["method"]
        path = ""
        if self._want_host:  # path rules or block_disallowed: pass everything
            path = asgi_path(scope) if self._uses_path else ""
            decision = self.policy.decide(
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
            decision = self.policy.decide(method, origin, request_method, request_headers, pna)
        if not decision.allowed and _debug_enabled(_DEBUG):
            log_decision(decision, method, path or asgi_path(scope))
        action = decision.action
        if action is _RESPOND:
            await send(
                {
                    "type": "http.response.start",
                    "status": decision.status,
                    "headers": list(decision.raw_headers),
                }
            )
            await send({"type": "http.response.body", "body": decision.body})
        elif action is _PASS or not (decision.raw_headers or decision.vary_origin):
            await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, _with_headers(send, decision))

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


def _with_headers(send: Send, decision: Decision) -> Send:
    add, vary = decision.raw_headers, decision.vary_origin

    # A plain function returning the server's awaitable: no extra coroutine per message.
    def send_with_cors(message: Message) -> Awaitable[None]:
        if message["type"] == "http.response.start":
            merged = merge_raw_response_headers(message.get("headers", ()), add, vary)
            message = {**message, "headers": merged}
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
