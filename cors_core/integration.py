"""The engine's interface for adapters: what a server integration needs, and nothing else.

Every adapter in :mod:`adapters` (ASGI, WSGI, Flask, Django) is written against this
module and :mod:`cors_core` alone, and so can yours (Litestar, Falcon, a custom server):

1. resolve the user's configuration into an :class:`Engine` once (:func:`resolve_policy`);
2. per request, read the CORS metadata from the protocol (:func:`scan_asgi`,
   :func:`read_environ`) and the routed path (:func:`asgi_path`, :func:`wsgi_path`);
3. ask the engine through :class:`Gate`, which decides and logs a rejection;
4. apply the :class:`~cors_core.Decision`: answer it (``Action.RESPOND``), or call the
   application and merge ``decision.headers`` into its response
   (:func:`merge_response_headers`, :func:`merge_raw_response_headers`).

Example (a complete WSGI adapter, minus the fast paths of :mod:`adapters.wsgi`)::

    from cors_core import Action, CORSPolicy
    from cors_core.integration import Gate, merge_response_headers, read_environ, wsgi_path

    gate = Gate(CORSPolicy(allow_origins=["https://app.example.com"]))

    def middleware(environ, start_response):
        origin, method, names, pna, host = read_environ(environ, gate.want_host)
        decision = gate.decide(
            environ["REQUEST_METHOD"], origin, method, names, pna,
            host=host, scheme=environ.get("wsgi.url_scheme", "http"),
            path=wsgi_path(environ) if gate.uses_path else "",
        )
        ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from cors_core.config import OPTION_NAMES, unknown_options
from cors_core.decision import Action, Decision, HeaderPairs, RawHeaderPairs
from cors_core.headers import (
    MAX_REQUEST_HEADERS_LENGTH,
    RAW_SPECIAL_NAMES,
    SPECIAL_NAMES,
    merge_raw_response_headers,
    merge_response_headers,
)
from cors_core.log import log_decision, logger
from cors_core.policy import resolve_policy
from cors_core.request import (
    ASGI_NAMES,
    CORS_REQUEST_NAMES,
    RequestMeta,
    asgi_path,
    read_asgi,
    read_environ,
    scan_asgi,
    wsgi_path,
)

__all__ = [
    "ASGI_NAMES",
    "CORS_REQUEST_NAMES",
    "MAX_REQUEST_HEADERS_LENGTH",
    "OPTION_NAMES",
    "RAW_SPECIAL_NAMES",
    "SPECIAL_NAMES",
    "Action",
    "Decision",
    "Engine",
    "Gate",
    "HeaderPairs",
    "RawHeaderPairs",
    "RequestMeta",
    "asgi_path",
    "log_decision",
    "merge_raw_response_headers",
    "merge_response_headers",
    "read_asgi",
    "read_environ",
    "resolve_policy",
    "scan_asgi",
    "unknown_options",
    "wsgi_path",
]


@runtime_checkable
class Engine(Protocol):
    """What every policy kind offers adapters: :class:`~cors_core.CORSPolicy`,
    :class:`~cors_core.PathRules` (and any object with these members).

    ``no_origin_decision`` is the fixed answer for requests without ``Origin`` (``None``
    when it depends on the path); ``uses_path`` / ``uses_host`` say whether :meth:`decide`
    reads ``path`` / ``host`` and ``scheme`` (adapters skip computing them otherwise);
    ``websocket_origins`` whether websocket handshakes must be checked.

    >>> from cors_core import CORSPolicy
    >>> isinstance(CORSPolicy(), Engine)
    True
    """

    @property
    def uses_path(self) -> bool: ...

    @property
    def uses_host(self) -> bool: ...

    @property
    def websocket_origins(self) -> bool: ...

    @property
    def no_origin_decision(self) -> Decision | None: ...

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
    ) -> Decision:
        """Decide one request from its metadata."""
        ...

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        """Decide one websocket handshake."""
        ...


_DEBUG = logging.DEBUG
_debug_enabled = logger.isEnabledFor


class Gate:
    """One engine, prepared for an adapter: the shared decide-and-log step.

    ``want_host`` / ``uses_path`` say which request values the engine reads (skip the
    others); ``plain`` is the answer to a request without ``Origin`` when it is fixed.

    >>> from cors_core import CORSPolicy
    >>> gate = Gate(CORSPolicy(allow_origins=["https://a.example"]))
    >>> gate.decide("GET", "https://a.example").allowed
    True
    """

    __slots__ = ("_decide", "engine", "plain", "uses_path", "want_host", "websockets")

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.uses_path = engine.uses_path
        # Host, scheme and path change no decision unless the engine reads them.
        self.want_host = self.uses_path or engine.uses_host
        self.websockets = engine.websocket_origins
        self.plain = engine.no_origin_decision
        self._decide = engine.decide

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
        where: Callable[[], str] | None = None,
    ) -> Decision:
        """Decide, and log a rejection at DEBUG (``where()`` gives the path to log when
        ``path`` was not computed)."""
        if self.want_host:
            decision = self._decide(
                method,
                origin,
                request_method,
                request_headers,
                private_network,
                path=path,
                host=host,
                scheme=scheme,
            )
        else:
            decision = self._decide(
                method, origin, request_method, request_headers, private_network
            )
        if not decision.allowed and _debug_enabled(_DEBUG):
            log_decision(decision, method, path or (where() if where is not None else ""))
        return decision
