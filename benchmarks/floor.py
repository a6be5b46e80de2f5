"""The floor: the least any correct CORS middleware must do for the benchmark's policy.

Not a library and not safe to use: it validates nothing and logs nothing. It exists so
that the benchmark can say how far ours is from the cheapest middleware that still gives
the benchmark's requests correct answers. For each request it does:

- one scan of the headers for ``Origin`` (and ``Access-Control-Request-Method``),
- one set lookup of the origin's bytes,
- for a preflight from an allowed origin, a precomputed 204 answer (its method and
  headers are not checked: the floor trusts them),
- otherwise, the app's response with precomputed headers appended through a
  ``send``/``start_response`` wrapper, ``Vary: Origin`` always.

Ours must stay within :data:`FLOOR_TARGET` of it (:data:`FLOOR_PREFLIGHT_TARGET` for
preflights, which ours validates and the floor does not): see :mod:`benchmarks.suites`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from benchmarks import scenarios as sc

#: Ours may cost at most this many times the floor's overhead (preflights: the next one).
FLOOR_TARGET = 1.5
FLOOR_PREFLIGHT_TARGET = 2.0

Headers = list[tuple[bytes, bytes]]


def _preflight_tail() -> Headers:
    return [
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-allow-methods", ", ".join(sc.METHODS).encode()),
        (b"access-control-allow-headers", ", ".join(sc.HEADERS).encode()),
        (b"access-control-max-age", str(sc.MAX_AGE).encode()),
        (b"vary", b"Origin"),
    ]


def _actual_tail() -> Headers:
    return [
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-expose-headers", ", ".join(sc.EXPOSE).encode()),
        (b"vary", b"Origin"),
    ]


class FloorASGI:
    """The floor as ASGI middleware, for exact ``allow`` origins."""

    def __init__(self, app: Any, allow: Sequence[str]) -> None:
        self.app = app
        self.allow = frozenset(origin.encode() for origin in allow)
        self.preflight_tail = _preflight_tail()
        self.actual_tail = _actual_tail()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = None
        request_method = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                request_method = value
        if origin is not None and origin in self.allow:
            if scope["method"] == "OPTIONS" and request_method is not None:
                headers = [(b"access-control-allow-origin", origin), *self.preflight_tail]
                await send({"type": "http.response.start", "status": 204, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            add = [(b"access-control-allow-origin", origin), *self.actual_tail]
        else:
            add = [(b"vary", b"Origin")]

        async def wrapped(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *add]
            await send(message)

        await self.app(scope, receive, wrapped)


def _title(name: bytes) -> str:
    return "-".join(part.capitalize() for part in name.decode().split("-"))


class FloorWSGI:
    """The floor as WSGI middleware, for exact ``allow`` origins."""

    def __init__(self, app: Any, allow: Sequence[str]) -> None:
        self.app = app
        self.allow = frozenset(allow)
        self.preflight_tail = [(_title(k), v.decode()) for k, v in _preflight_tail()]
        self.actual_tail = [(_title(k), v.decode()) for k, v in _actual_tail()]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin in self.allow:
            if (
                environ["REQUEST_METHOD"] == "OPTIONS"
                and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
            ):
                start_response(
                    "204 No Content",
                    [("Access-Control-Allow-Origin", origin), *self.preflight_tail],
                )
                return [b""]
            add = [("Access-Control-Allow-Origin", origin), *self.actual_tail]
        else:
            add = [("Vary", "Origin")]

        def wrapped(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, [*headers, *add], exc_info)

        result: Iterable[bytes] = self.app(environ, wrapped)
        return result
