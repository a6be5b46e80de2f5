"""The engine's interface for adapters: what a server integration needs, and nothing else.

Every adapter in :mod:`adapters` (ASGI, WSGI, Flask, Django) is written against this
module and :mod:`cors_core` alone, and so can yours (Litestar, Falcon, a custom server):

1. resolve the user's configuration into an :class:`Engine` once (:func:`resolve_policy`;
   misspelt option names get :func:`suggest`'s "did you mean");
   a framework rule that may admit origins the lists refuse (Django's
   ``check_request_enabled`` signal) becomes an origin hook, added once with
   :func:`with_origin_hook`;
2. per request, read the CORS metadata from the protocol (:func:`scan_asgi`,
   :func:`read_environ`, :func:`read_pairs`) and the routed path (:func:`asgi_path`,
   :func:`wsgi_path`); :func:`is_preflight` says whether it is a preflight;
3. ask the engine through :class:`Gate`, which decides and logs a rejection (bind it to
   the protocol once with :meth:`Gate.bind` for the fastest path);
4. apply the :class:`~cors_core.Decision`: answer it (``Action.RESPOND``), or call the
   application and merge ``decision.headers`` into its response
   (:func:`merge_response_headers`, :func:`merge_raw_response_headers`).

Example (a complete WSGI adapter, minus the fast paths of :mod:`adapters.wsgi`)::

    >>> from cors_core import Action, CORSPolicy
    >>> gate = Gate(CORSPolicy(allow_origins=["https://app.example.com"]))
    >>> decide = gate.bind(wsgi_path, wsgi_scheme)
    >>> def middleware(environ, start_response):
    ...     origin, method, names, pna, host = read_environ(environ, gate.want_host)
    ...     decision = decide(
    ...         environ["REQUEST_METHOD"], origin, method, names, pna, host, environ
    ...     )
    ...     if decision.action is Action.RESPOND:
    ...         start_response(f"{decision.status} CORS", list(decision.headers))
    ...         return [decision.body]
    ...     def start(status, headers, exc_info=None):
    ...         merged = merge_response_headers(headers, decision.headers, decision.vary_origin)
    ...         return start_response(status, merged, exc_info)
    ...     return app(environ, start if decision.modifies_response else start_response)
    >>> def app(environ, start_response):
    ...     start_response("200 OK", [("Content-Type", "text/plain")])
    ...     return [b"hello"]
    >>> environ = {"REQUEST_METHOD": "GET", "HTTP_ORIGIN": "https://app.example.com"}
    >>> body = middleware(environ, lambda status, headers, exc_info=None: print(*headers))
    ('Content-Type', 'text/plain') ('Access-Control-Allow-Origin', 'https://app.example.com')
    ('Vary', 'Origin')
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Protocol, TypeVar, overload

from cors_core._cache import MAX_CACHED_HEADERS, MAX_CACHED_ORIGIN, MemoInfo
from cors_core._config import OPTION_NAMES, unknown_options
from cors_core._decision import Action, Decision, HeaderPairs, RawHeaderPairs
from cors_core._engine import Engine
from cors_core._errors import ConfigError, Problem
from cors_core._headers import (
    COMMON_NO_MERGE_NAMES,
    MAX_REQUEST_HEADERS_LENGTH,
    RAW_COMMON_NO_MERGE_NAMES,
    RAW_SPECIAL_NAMES,
    SPECIAL_NAMES,
    merge_raw_response_headers,
    merge_response_headers,
)
from cors_core._log import log_decision, logger
from cors_core._paths import PathRules
from cors_core._policy import CORSPolicy, with_origin_hook
from cors_core._regex import backtracking_problems
from cors_core._request import (
    ASGI_NAMES,
    CORS_REQUEST_NAMES,
    MAX_METHOD_LENGTH,
    RequestMeta,
    asgi_path,
    asgi_scheme,
    is_preflight,
    read_asgi,
    read_environ,
    read_pairs,
    scan_asgi,
    wsgi_path,
    wsgi_scheme,
)
from cors_core._text import suggest

__all__ = [
    "ASGI_NAMES",
    "COMMON_NO_MERGE_NAMES",
    "CORS_REQUEST_NAMES",
    "DEBUG",
    "MAX_CACHED_HEADERS",
    "MAX_CACHED_ORIGIN",
    "MAX_METHOD_LENGTH",
    "MAX_REQUEST_HEADERS_LENGTH",
    "OPTION_NAMES",
    "RAW_COMMON_NO_MERGE_NAMES",
    "RAW_SPECIAL_NAMES",
    "SPECIAL_NAMES",
    "Action",
    "Decision",
    "Engine",
    "Gate",
    "HeaderPairs",
    "MemoInfo",
    "RawHeaderPairs",
    "RequestMeta",
    "Step",
    "asgi_path",
    "asgi_scheme",
    "backtracking_problems",
    "debug_enabled",
    "enabled_levels",
    "is_preflight",
    "log_decision",
    "logger",
    "merge_raw_response_headers",
    "merge_response_headers",
    "read_asgi",
    "read_environ",
    "read_pairs",
    "resolve_policy",
    "scan_asgi",
    "suggest",
    "unknown_options",
    "view_policy",
    "with_origin_hook",
    "wsgi_path",
    "wsgi_scheme",
]


# Both policy kinds implement the interface (checked by mypy --strict).
_POLICY_IS_AN_ENGINE: type[Engine] = CORSPolicy
_RULES_ARE_AN_ENGINE: type[Engine] = PathRules

DEBUG = _DEBUG = logging.DEBUG
_NO_ANSWERS: Mapping[str, Decision] = MappingProxyType({})
_NO_RAW_ANSWERS: Mapping[bytes, Decision] = MappingProxyType({})
_NO_PREFLIGHT_ANSWERS: Mapping[tuple[Any, ...], Decision] = MappingProxyType({})
#: ``debug_enabled(DEBUG)``: whether a rejection is logged (adapters check it before
#: building a log line's arguments).
debug_enabled = _debug_enabled = logger.isEnabledFor
_memo = logger.__dict__.get("_cache")
#: The logging module's own memo behind :data:`debug_enabled` (``isEnabledFor``): level
#: to whether the ``"cors_core"`` logger emits it, emptied by :mod:`logging` whenever a
#: level or :func:`logging.disable` changes; a level it lacks was not asked since. It
#: does not reflect ``logger.disabled``. The ASGI and WSGI adapters read it first::
#:
#:     logged = enabled_levels.get(DEBUG)
#:     if (logged or (logged is None and debug_enabled(DEBUG))) and not logger.disabled:
#:         log_decision(decision, method, path)
#:
#: a C call where calling ``isEnabledFor`` cost about 720 instructions per refused request
#: (a test holds the two to the same answer under generated logging configurations).
#: Where a logger keeps no such memo it is an empty dict, and ``debug_enabled`` is asked.
enabled_levels: dict[int, bool] = _memo if type(_memo) is dict else {}
_R = TypeVar("_R", contravariant=True)


class Step(Protocol[_R]):
    """The decide-and-log step bound to one protocol (:meth:`Gate.bind`): the request's
    CORS metadata, ``host`` (``None`` unless :attr:`Gate.want_host`) and the protocol's
    ``request`` object (an ASGI scope, a WSGI environ, ...), read only when needed."""

    def __call__(
        self,
        method: str,
        origin: str | None,
        request_method: str | None,
        request_headers: str | None,
        private_network: bool,
        host: str | None,
        request: _R,
        /,
    ) -> Decision: ...


class Gate:
    """One engine, prepared for an adapter: the shared decide-and-log step.

    ``want_host`` / ``uses_path`` say which request values the engine reads (skip the
    others); ``no_origin`` is the answer to a request without ``Origin`` when it is fixed;
    ``websockets`` whether websocket handshakes are checked.

    >>> from cors_core import CORSPolicy
    >>> gate = Gate(CORSPolicy(allow_origins=["https://a.example"]))
    >>> gate.decide("GET", "https://a.example").allowed
    True
    """

    __slots__ = (
        "_decide",
        "answers",
        "direct",
        "engine",
        "no_origin",
        "preflight_answers",
        "raw_answers",
        "uses_path",
        "want_host",
        "websockets",
    )

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.uses_path = engine.uses_path
        # Host, scheme and path change no decision unless the engine reads them.
        self.want_host = self.uses_path or engine.uses_host
        self.websockets = engine.websocket_origins
        self.no_origin = engine.no_origin_decision
        self._decide = engine.decide
        #: For engines that read neither path nor host and answer a request without
        #: ``Origin`` the same way every time (``no_origin``, which the caller uses for such
        #: requests, so a request it asks ``direct`` about carries ``Origin``): the
        #: engine's own ``decide``, to be called with the request's values and no keywords
        #: (nothing in between; the caller logs a rejection as :meth:`bind`'s step does).
        #: ``None`` for other engines.
        self.direct: Callable[..., Decision] | None = (
            None if self.want_host or self.no_origin is None else engine.decide
        )
        #: For those engines, their answers to actual requests by ``Origin`` when they keep
        #: them (``CORSPolicy.answers_by_origin``), to look up before calling ``direct``;
        #: otherwise empty. Keys are at most :data:`MAX_CACHED_ORIGIN` characters.
        self.answers: Mapping[str, Decision] = _NO_ANSWERS
        #: The same answers by the ``Origin`` header's bytes (``answers_by_raw_origin``),
        #: for ASGI adapters; keys are at most :data:`MAX_CACHED_ORIGIN` bytes.
        self.raw_answers: Mapping[bytes, Decision] = _NO_RAW_ANSWERS
        #: Their answers to preflights by ``(origin, request_method, request_headers,
        #: private_network)`` (``CORSPolicy.preflight_answers``), to look up before calling
        #: ``direct`` for an ``OPTIONS`` request; otherwise empty. No key holds an origin
        #: longer than :data:`MAX_CACHED_ORIGIN`, a method longer than
        #: :data:`MAX_METHOD_LENGTH` or a header list longer than :data:`MAX_CACHED_HEADERS`.
        self.preflight_answers: Mapping[tuple[Any, ...], Decision] = _NO_PREFLIGHT_ANSWERS
        if self.direct is not None:
            if type(engine) is CORSPolicy:  # its memos themselves: read, never written
                self.answers, self.raw_answers, self.preflight_answers = engine._held()
            else:
                self.answers = getattr(engine, "answers_by_origin", _NO_ANSWERS)
                self.raw_answers = getattr(engine, "answers_by_raw_origin", _NO_RAW_ANSWERS)
                self.preflight_answers = getattr(engine, "preflight_answers", _NO_PREFLIGHT_ANSWERS)

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
        ``path`` was not computed).

        ``path``, ``host`` and ``scheme`` are passed to the engine only when it reads them
        (:attr:`want_host`).
        """
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

    def bind(self, path_of: Callable[[_R], str], scheme_of: Callable[[_R], str]) -> Step[_R]:
        """:meth:`decide` for one protocol: the routed path and the scheme are read from
        the request object, and only when the engine (or a rejection's log line) needs them.

        Adapters store the result once. For engines that read neither path nor host (the
        common case) it is :meth:`decide`'s fast path, inlined: one call, then the engine.

        >>> from cors_core import CORSPolicy
        >>> decide = Gate(CORSPolicy()).bind(asgi_path, asgi_scheme)
        >>> scope = {"path": "/x"}
        >>> print(decide("GET", "https://a.example", None, None, False, None, scope).reason.code)
        origin_not_allowed
        """
        engine_decide = self._decide
        gate_decide = self.decide
        uses_path = self.uses_path

        # Positional parameters and one closure per case: the step costs one plain call.
        def full_step(
            method: str,
            origin: str | None,
            request_method: str | None,
            request_headers: str | None,
            private_network: bool,
            host: str | None,
            request: _R,
            /,
        ) -> Decision:
            # The engine reads the path, the host or the scheme: give them all.
            return gate_decide(
                method,
                origin,
                request_method,
                request_headers,
                private_network,
                path=path_of(request) if uses_path else "",
                host=host,
                scheme=scheme_of(request),
                where=lambda: path_of(request),
            )

        def step(
            method: str,
            origin: str | None,
            request_method: str | None,
            request_headers: str | None,
            private_network: bool,
            host: str | None,
            request: _R,
            /,
        ) -> Decision:
            # Gate.decide without host, scheme and path, inlined (a property test holds
            # the two to the same answers and log lines).
            decision = engine_decide(
                method, origin, request_method, request_headers, private_network
            )
            if not decision.allowed and _debug_enabled(_DEBUG):
                log_decision(decision, method, path_of(request))
            return decision

        return full_step if self.want_host else step

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        """Decide a websocket handshake, and log a refusal at DEBUG.

        >>> from cors_core import CORSPolicy
        >>> gate = Gate(CORSPolicy(allow_origins=["https://a.example"], websocket_origins=True))
        >>> gate.decide_websocket("https://evil.example", "api.example", "wss").status
        403
        """
        decision = self.engine.decide_websocket(origin, host, scheme, path=path)
        if not decision.allowed:
            log_decision(decision, "GET", path)
        return decision


_E = TypeVar("_E", bound=Engine)


@overload
def resolve_policy(policy: None = None, options: Mapping[str, Any] | None = None) -> CORSPolicy: ...


@overload
def resolve_policy(policy: _E, options: Mapping[str, Any] | None = None) -> _E: ...


@overload
def resolve_policy(
    policy: _E | None, options: Mapping[str, Any] | None = None
) -> _E | CORSPolicy: ...


def resolve_policy(
    policy: Engine | None = None, options: Mapping[str, Any] | None = None
) -> Engine:
    """The policy an adapter uses: ``policy=`` or keyword options, never both.

    Unknown option names raise :class:`~cors_core.ConfigError` with the closest real name.
    The result is the :class:`Engine` given, or the :class:`~cors_core.CORSPolicy` built
    from the options (the overloads keep the precise type).

    >>> resolve_policy(None, {"allow_origins": ["https://a.com"]})
    CORSPolicy(allow_origins=['https://a.com'], ...)
    """
    options = dict(options or {})
    if policy is not None:
        if options:
            raise ConfigError(
                [
                    Problem(
                        "policy",
                        "",
                        f"was given together with options {sorted(options)}",
                        "pass either policy=CORSPolicy(...) or the options, not both",
                    )
                ]
            )
        if not hasattr(policy, "decide") or not hasattr(policy, "for_path"):
            raise ConfigError(
                [
                    Problem(
                        "policy",
                        repr(policy)[:200],
                        "is not a policy (no decide() and for_path())",
                        "pass CORSPolicy(...), PathRules(...) or a bucket's rules "
                        "(cors_core.buckets.from_s3(...) / from_gcs(...))",
                    )
                ]
            )
        return policy
    return CORSPolicy(**options)  # unknown names are reported with every other problem


#: The engine options that together say which origins a policy allows: a view's option
#: of this group replaces every configured one (``allow_origins`` on a view drops the
#: configured ``allow_origin_regex`` too), and a view policy needs one of them.
_ORIGIN_GROUP = frozenset({"allow_origins", "allow_origin_regex", "allow_origin_predicate"})


def view_policy(
    policy: Engine | None,
    options: Mapping[str, Any],
    *,
    enabled: bool = True,
    defaults: Mapping[str, Any] | None = None,
    build: Callable[[dict[str, Any], frozenset[str]], Engine] | None = None,
    synonyms: tuple[frozenset[str], ...] = (),
    configured_in: str = "the framework's CORS settings",
) -> Engine | None:
    """The policy of a per-view decorator: ``@cross_origin(...)``, the one implementation
    behind the Flask adapter's (:func:`adapters.flask.cross_origin`) and the Django
    adapter's (:func:`adapters.django.cross_origin`).

    - ``enabled=False``: ``None`` (CORS off for the view); options with it are refused.
    - ``policy=``: that engine as :func:`resolve_policy` takes it (``defaults`` unread).
    - otherwise the framework's configured options (``defaults``: Flask's ``CORS_*``
      keys in ``app.config``, Django's ``CORS_*`` settings) with the view's ``options``
      merged over them, the view's winning. A view option replaces every configured
      option of its group: the origin options (``allow_origins``,
      ``allow_origin_regex``, ``allow_origin_predicate``) are one group, and
      ``synonyms`` adds the framework's own (flask-cors's ``origins`` ...). ``build``
      makes the engine from the merged options and the names that came from
      ``defaults`` (to word its problems); by default :class:`~cors_core.CORSPolicy`.

    A view policy that names no origin, neither in the view's options nor in
    ``defaults`` (``@cross_origin()`` with nothing configured, where flask-cors allowed
    every origin), is refused with :class:`~cors_core.ConfigError`: allowing every origin
    is written ``allow_origins=['*']``. ``configured_in`` names ``defaults`` in that
    message.

    >>> view_policy(None, {"allow_origins": ["*"]})
    CORSPolicy(allow_origins=['*'], ...)
    >>> view_policy(None, {}, enabled=False) is None
    True
    >>> configured = {"allow_origins": ["https://a.example"], "max_age": 60}
    >>> view_policy(None, {}, defaults=configured).options["max_age"]
    60
    >>> view_policy(None, {"allow_origin_regex": [r"https://(a|b)\\.example"]},
    ...             defaults=configured).options["allow_origins"]
    ()
    >>> from cors_core import ConfigError
    >>> try:
    ...     view_policy(None, {})
    ... except ConfigError as exc:
    ...     print(exc.problems[0].problem)
    names no origin, and the framework's CORS settings set none
    """
    if not enabled:
        if policy is not None or options:
            raise ConfigError(
                [Problem("enabled", "False", "was given with options", "drop the options")]
            )
        return None
    if policy is not None:
        return resolve_policy(policy, options)
    groups = (_ORIGIN_GROUP, *synonyms)
    origin_names = set(_ORIGIN_GROUP)
    for group in synonyms:
        if group & origin_names:
            origin_names |= group
    merged = dict(defaults or {})
    for name in options:
        for group in groups:
            if name in group:
                for other in group:
                    merged.pop(other, None)
        merged.pop(name, None)
    merged.update(options)
    if origin_names.isdisjoint(merged):
        given = ", ".join(f"{k}=..." for k in options)
        raise ConfigError(
            [
                Problem(
                    "cross_origin",
                    f"({given})",
                    f"names no origin, and {configured_in} set none",
                    f"list the origins in {configured_in}, or on the view: "
                    "cross_origin(allow_origins=['https://app.example.com']) "
                    "(allow_origins=['*'] for every origin)",
                )
            ]
        )
    from_defaults = frozenset(merged.keys() - options.keys())
    if build is not None:
        return build(merged, from_defaults)
    return resolve_policy(None, merged)
