"""WSGI middleware: ``CORSMiddleware(app, policy=...)`` or ``CORSMiddleware(app, **options)``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from types import MethodType, TracebackType
from typing import Any

from cors_core import Action, Decision
from cors_core.integration import (
    COMMON_NO_MERGE_NAMES,
    DEBUG,
    MAX_CACHED_HEADERS,
    MAX_CACHED_ORIGIN,
    MAX_METHOD_LENGTH,
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
_PNA = "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
StartResponse = Callable[..., Callable[[bytes], object]]
Environ = dict[str, Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
_LEVELS = enabled_levels
_MAX_KEY = MAX_CACHED_ORIGIN
_MAX_METHOD = MAX_METHOD_LENGTH
_MAX_HEADERS = MAX_CACHED_HEADERS
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
        # Its answers to preflights by their values, when it keeps them (else empty).
        self._preflights = gate.preflight_answers

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
                    # memo when there (a subscript where a call costs about 600
                    # instructions, and .get() about 80 more: a never-seen origin pays
                    # for the KeyError instead); a value longer than the memo's keys is
                    # never hashed.
                    if len(origin) <= _MAX_KEY:
                        try:
                            decision = self._answers[origin]
                        except KeyError:  # not held (yet)
                            decision = direct(environ["REQUEST_METHOD"], origin)
                    else:
                        decision = direct(environ["REQUEST_METHOD"], origin)
                else:
                    method = environ["REQUEST_METHOD"]
                    request_headers = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
                    # `in` first: about 160 instructions fewer than .get() when absent
                    pna = _PNA in environ and environ[_PNA].strip().lower() == "true"
                    # A preflight: the engine's answer for these values, from its own memo
                    # when there (about 600 instructions fewer than calling decide(), of a
                    # cached preflight's 5,600); a value longer than the memo's keys is
                    # never hashed.
                    if (
                        method == "OPTIONS"
                        and len(origin) <= _MAX_KEY
                        and len(request_method) <= _MAX_METHOD
                        and (request_headers is None or len(request_headers) <= _MAX_HEADERS)
                    ):
                        decision = self._preflights.get(
                            (origin, request_method, request_headers, pna)
                        ) or direct(method, origin, request_method, request_headers, pna)
                    else:
                        decision = direct(method, origin, request_method, request_headers, pna)
                if not decision.allowed:
                    # logging's memo first: a dict lookup, where isEnabledFor costs about
                    # 720 instructions per refused request (integration.enabled_levels
                    # says why); a subscript, about 100 fewer than .get().
                    try:
                        logged = _LEVELS[DEBUG]
                    except KeyError:
                        logged = debug_enabled(DEBUG)
                    if logged and not _LOGGER.disabled:
                        log_decision(decision, environ["REQUEST_METHOD"], wsgi_path(environ))
            if decision.action is _RESPOND:
                start_response(_STATUS_LINES[decision.status], list(decision.headers))
                return [decision.body] if decision.body else []
        if not decision.modifies_response:
            return self.app(environ, start_response)
        # A method bound to the pair, not a closure or functools.partial: no cell and no
        # keyword dict to build per request (about 460 instructions fewer than partial,
        # 1,150 fewer than a closure, for every response the CORS headers are added to).
        return self.app(environ, MethodType(_start_with_cors, (start_response, decision)))


def _start_with_cors(
    bound: tuple[StartResponse, Decision],
    status: str,
    headers: list[tuple[str, str]],
    exc_info: ExcInfo | None = None,
) -> Callable[[bytes], object]:
    """The server's ``start_response`` (``bound[0]``) adding ``decision.headers`` (and
    ``Vary: Origin`` when ``decision.vary_origin``) to the headers; bound to one request's
    pair as a method.

    The app's header list is never mutated; ``exc_info`` is passed through. In the
    common case (the app set no CORS header and no ``Vary``) the pairs are just appended.
    """
    start_response, decision = bound
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
