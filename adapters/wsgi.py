"""WSGI middleware: ``CORSMiddleware(app, policy=...)`` or ``CORSMiddleware(app, **options)``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial as _partial
from http import HTTPStatus
from types import TracebackType
from typing import Any

from cors_core import Action, Decision
from cors_core.integration import (
    COMMON_NO_MERGE_NAMES,
    DEBUG,
    MAX_CACHED_ORIGIN,
    SPECIAL_NAMES,
    Engine,
    Gate,
    debug_enabled,
    enabled_levels,
    log_decision,
    logger,
    merge_response_headers,
    read_environ,
    resolve_policy,
    wsgi_path,
    wsgi_scheme,
)

__all__ = ["CORSMiddleware"]

_RESPOND = Action.RESPOND
_SPECIAL = SPECIAL_NAMES
#: Response-header names apps commonly send that need no merge (skips ``lower()`` for them).
_NO_MERGE = COMMON_NO_MERGE_NAMES
_VARY_ORIGIN = ("Vary", "Origin")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
StartResponse = Callable[..., Callable[[bytes], object]]
Environ = dict[str, Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
_LEVELS = enabled_levels
_MAX_KEY = MAX_CACHED_ORIGIN
_LOGGER = logger


#: ``204 No Content``, ... for every status the engine answers with.
_STATUS_LINES = {int(status): f"{status.value} {status.phrase}" for status in HTTPStatus}


class CORSMiddleware:
    """CORS for any WSGI application (PEP 3333), enforced by a :class:`cors_core.CORSPolicy`.

    Preflights are answered without calling the app; for other requests
    ``start_response`` is wrapped to add the CORS headers and merge ``Vary``
    (``exc_info`` is passed through), and the app's own iterable is returned so
    the server calls its ``close()``.

    Example (Flask, or any WSGI callable)::

        from flask import Flask
        from adapters.wsgi import CORSMiddleware

        app = Flask(__name__)
        app.wsgi_app = CORSMiddleware(
            app.wsgi_app, allow_origins=["https://app.example.com"], allow_methods=["GET", "PUT"]
        )
    """

    def __init__(self, app: WSGIApp, /, policy: Engine | None = None, **options: Any) -> None:
        self.app = app
        self.policy: Engine = resolve_policy(policy, options)
        gate = Gate(self.policy)
        # The shared decide-and-log step, bound to WSGI environs once.
        self._decide = gate.bind(wsgi_path, wsgi_scheme)
        # A request without Origin gets the policy's fixed answer (None for path rules,
        # whose answer depends on the path): decide() is skipped for it.
        self._no_origin = gate.no_origin
        # The engine's own decide() for engines that read neither path nor host (else None):
        # a request that is not a preflight is then decided from its method and Origin.
        self._direct = gate.direct
        # Its answers to actual requests by Origin, when it keeps them (else empty).
        self._answers = gate.answers

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        origin: Any = environ.get("HTTP_ORIGIN")  # a str whenever direct() is asked
        if origin is None and self._no_origin is not None:
            decision = self._no_origin  # No Origin: the policy's fixed answer, decide() skipped.
        else:
            if (direct := self._direct) is None:  # the engine reads the path or the host
                origin, request_method, request_headers, pna, host = read_environ(environ, True)
                decision = self._decide(
                    environ["REQUEST_METHOD"],
                    origin,
                    request_method,
                    request_headers,
                    pna,
                    host,
                    environ,
                )
            else:
                # The engine reads neither (and Origin is present: Gate.direct's promise):
                # ask it directly, and log a refusal as the bound step would. read_environ's
                # rule, read here: calling it cost about 3,700 instructions of a cached
                # preflight's 10,400 (a test holds the two to the same values).
                request_method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
                if request_method is None:
                    # Not a preflight: the engine's answer for this Origin, from its own
                    # memo when there (a dict lookup where a call costs about 600
                    # instructions; a value longer than the memo's keys is never hashed).
                    decision = (len(origin) <= _MAX_KEY and self._answers.get(origin)) or direct(
                        environ["REQUEST_METHOD"], origin
                    )
                else:
                    asks = environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK")
                    decision = direct(
                        environ["REQUEST_METHOD"],
                        origin,
                        request_method,
                        environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                        asks is not None and asks.strip().lower() == "true",
                    )
                # logging's memo first: a dict lookup, where isEnabledFor costs about 720
                # instructions per refused request (integration.enabled_levels says why).
                if (
                    not decision.allowed
                    and (
                        (logged := _LEVELS.get(DEBUG)) or (logged is None and debug_enabled(DEBUG))
                    )
                    and not _LOGGER.disabled
                ):
                    log_decision(decision, environ["REQUEST_METHOD"], wsgi_path(environ))
            if decision.action is _RESPOND:
                start_response(_STATUS_LINES[decision.status], list(decision.headers))
                return [decision.body] if decision.body else []
        if not decision.modifies_response:
            return self.app(environ, start_response)
        # functools.partial, not a closure: no cell to build per request (about 700
        # instructions less for every response the CORS headers are added to).
        return self.app(environ, _partial(_start_with_cors, start_response, decision))


def _start_with_cors(
    start_response: StartResponse,
    decision: Decision,
    status: str,
    headers: list[tuple[str, str]],
    exc_info: ExcInfo | None = None,
) -> Callable[[bytes], object]:
    """``start_response`` adding ``decision.headers`` (and ``Vary: Origin`` when
    ``decision.vary_origin``) to the headers; bound to one request with ``partial``.

    The app's header list is never mutated; ``exc_info`` is passed through. In the
    common case (the app set no CORS header and no ``Vary``) the pairs are just appended.
    """
    if type(headers) is not list:  # PEP 3333 wants a list; read anything else once
        headers = list(headers)
    for name, _ in headers:
        if name not in _NO_MERGE and name.lower() in _SPECIAL:
            merged = merge_response_headers(headers, decision.headers, decision.vary_origin)
            break
    else:
        merged = (
            [*headers, *decision.headers, _VARY_ORIGIN]
            if decision.vary_origin
            else [*headers, *decision.headers]
        )
    if exc_info is None:
        return start_response(status, merged)
    return start_response(status, merged, exc_info)
