"""``CORSMiddleware``: applies the engine's decisions to Django requests, sync or async.

It holds no CORS rule: the policy comes from :mod:`adapters.django.conf` (settings), from
the view's own mark (:mod:`adapters.django.decorators`), or from a subclass's ``policy``
attribute; the decision comes from the engine through :class:`cors_core.integration.Gate`;
the one extension point is the :data:`~adapters.django.signals.check_request_enabled`
signal, whose receivers are each engine's origin hook
(:func:`cors_core.integration.with_origin_hook`, added when the engine is built).

Everything that does not depend on the request is built once into a :class:`_Project`
(the project's engine, ``CORS_URLS_REGEX``, which URLconfs route to marked views, each
view's engine), and built again only when Django's ``setting_changed`` signal names a
``CORS_*`` setting or ``ROOT_URLCONF`` (``override_settings``); a view marked later
empties its per-view parts.
"""

from __future__ import annotations

import enum
import logging
import operator
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ClassVar, overload

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.signals import setting_changed  # type: ignore[import-untyped]
from django.urls import Resolver404, get_resolver, resolve  # type: ignore[import-untyped]
from django.utils.cache import patch_vary_headers  # type: ignore[import-untyped]

from adapters.django import conf as _conf
from adapters.django.decorators import NoCORS, ProjectViewPolicy, is_marked, marks, view_policy
from adapters.django.signals import check_request_enabled
from cors_core import Action, ConfigError, Decision, Problem, ReasonCode
from cors_core.integration import (
    DEBUG,
    SPECIAL_NAMES,
    Engine,
    Gate,
    debug_enabled,
    is_preflight,
    log_decision,
    read_environ,
    with_origin_hook,
)

__all__ = [
    "ACCESS_CONTROL_ALLOW_CREDENTIALS",
    "ACCESS_CONTROL_ALLOW_HEADERS",
    "ACCESS_CONTROL_ALLOW_METHODS",
    "ACCESS_CONTROL_ALLOW_ORIGIN",
    "ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK",
    "ACCESS_CONTROL_EXPOSE_HEADERS",
    "ACCESS_CONTROL_MAX_AGE",
    "ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
    "CORSMiddleware",
    "CorsMiddleware",
]

# django-cors-headers' header-name constants (``corsheaders.middleware``), the same values.
ACCESS_CONTROL_ALLOW_ORIGIN = "access-control-allow-origin"
ACCESS_CONTROL_EXPOSE_HEADERS = "access-control-expose-headers"
ACCESS_CONTROL_ALLOW_CREDENTIALS = "access-control-allow-credentials"
ACCESS_CONTROL_ALLOW_HEADERS = "access-control-allow-headers"
ACCESS_CONTROL_ALLOW_METHODS = "access-control-allow-methods"
ACCESS_CONTROL_MAX_AGE = "access-control-max-age"
ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK = "access-control-request-private-network"
ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK = "access-control-allow-private-network"

#: django-cors-headers' ``CorsMiddleware`` methods a subclass overrides, none of which
#: this middleware calls, and what does the same here.
PEER_HOOKS = {
    "check_preflight": "set the policy attribute, or mark the view with @cross_origin",
    "add_response_headers": "set the policy attribute, or mark the view with @cross_origin",
    "origin_found_in_white_lists": (
        "connect a receiver to adapters.django.signals.check_request_enabled"
    ),
    "regex_domain_match": "list the regexes in CORS_ALLOWED_ORIGIN_REGEXES",
    "_url_in_whitelist": "list the origins in CORS_ALLOWED_ORIGINS",
    "is_enabled": "use CORS_URLS_REGEX, or mark the views with @no_cors",
    "check_signal": "connect a receiver to adapters.django.signals.check_request_enabled",
}

_RESPOND = Action.RESPOND
_PASS = Action.PASS
_BY_HOOK = ReasonCode.ORIGIN_ALLOWED_BY_HOOK
_PREFLIGHT_METHOD = "HTTP_ACCESS_CONTROL_REQUEST_METHOD"
#: The CORS response headers the policy owns (any the view set are replaced).
_OWNED = tuple(sorted(SPECIAL_NAMES - {"vary"}))


class CORSMiddleware:
    """Django middleware enforcing a :class:`cors_core.CORSPolicy`, sync or async.

    Configured from settings (the django-cors-headers names, or ``CORS_POLICY``), or
    from a subclass that sets :attr:`policy`; views may carry their own policy
    (:func:`~adapters.django.cross_origin`, :func:`~adapters.django.no_cors`).
    Preflights are answered here (204 with the allow headers, or 403 with the reason)
    and never reach a view; every other response, errors included, gets its CORS headers
    and ``Vary: Origin``. ``CORS_URLS_REGEX`` limits the project's policy to the paths it
    matches (``re.match`` on ``request.path_info``, as in django-cors-headers).

    The configuration is read when the middleware is created (a :class:`~cors_core.ConfigError`
    stops the server at start-up) and again after a ``CORS_*`` setting or ``ROOT_URLCONF``
    changes (``override_settings``), never per request.

    Example (no settings; ``MIDDLEWARE = ["myproject.cors.APICORS", ...]``)::

        from adapters.django import CORSMiddleware
        from cors_core import CORSPolicy

        class APICORS(CORSMiddleware):
            policy = CORSPolicy(allow_origins=["https://app.example.com"],
                                allow_methods=["GET", "POST", "PUT"])
    """

    sync_capable = True
    async_capable = True
    #: A :class:`CORSPolicy` or :class:`PathRules` (or a dotted path / factory) for subclasses.
    policy: ClassVar[Any] = None

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        _refuse_peer_hooks(type(self))
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
        self._project: _Project | None = _Project(type(self).policy)
        _LIVE.add(self)

    @property
    def cors_policy(self) -> Engine:
        """The project's policy (from settings, ``CORS_POLICY`` or :attr:`policy`)."""
        return self._built().cors.engine

    def _built(self) -> _Project:
        project = self._project
        if project is None:  # a ConfigError leaves it unbuilt: raised again next time
            project = self._project = _Project(type(self).policy)
        return project

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        cors = self._built().cors_for(request)
        decision = _decide(request, cors, None)
        if decision is _ASK:
            decision = _decide(request, cors, _allowed_by_receivers(request))
        if decision is None:
            return self.get_response(request)
        if decision.action is _RESPOND:
            return _respond(decision)
        return _apply(self.get_response(request), decision)

    async def __acall__(self, request: Any) -> Any:
        cors = self._built().cors_for(request)
        decision = _decide(request, cors, None)
        if decision is _ASK:
            decision = _decide(request, cors, await _allowed_by_receivers_async(request))
        if decision is None:
            return await self.get_response(request)
        if decision.action is _RESPOND:
            return _respond(decision)
        return _apply(await self.get_response(request), decision)


def _refuse_peer_hooks(cls: type) -> None:
    """A subclass written for django-cors-headers would silently lose its overrides."""
    problems = [
        Problem(
            f"{cls.__qualname__}.{name}",
            "",
            "overrides a django-cors-headers method this middleware never calls",
            fix,
        )
        for name, fix in PEER_HOOKS.items()
        if any(name in vars(c) for c in cls.__mro__ if c is not CORSMiddleware)
    ]
    if problems:
        raise ConfigError(problems)


#: ``corsheaders.middleware.CorsMiddleware``'s name for :class:`CORSMiddleware`.
CorsMiddleware = CORSMiddleware


class _Cors:
    """One engine ready for Django requests: its :class:`Gate` bound to
    ``request.path_info`` (the decoded path Django routes, below SCRIPT_NAME) and
    ``request.scheme``, and its twin whose origin hook is the signal's receivers' answer
    (:func:`_receivers_allow`), asked only while receivers are connected. ``outside``:
    the project's engine on a path ``CORS_URLS_REGEX`` leaves out, where CORS is off
    unless the receivers allow the origin."""

    __slots__ = ("engine", "hooked", "hooked_step", "no_origin", "outside", "step", "want_host")

    def __init__(self, engine: Engine, *, outside: bool = False) -> None:
        gate = Gate(engine)
        self.engine = engine
        self.no_origin = gate.no_origin
        self.want_host = gate.want_host
        self.step = gate.bind(_path, _scheme)
        hooked = Gate(with_origin_hook(engine, _receivers_allow))
        self.hooked = hooked.engine
        self.hooked_step = hooked.bind(_path, _scheme)
        self.outside = outside


class _Project:
    """What the middleware runs with, built from the settings (or a subclass's policy):
    the project's engine, ``CORS_URLS_REGEX``, and, filled as requests come, whether each
    URLconf routes to a marked view and each view's engine."""

    __slots__ = ("cors", "marked", "outside", "urls", "views")

    def __init__(self, policy: Any) -> None:
        config = _conf.load_quietly(policy)
        self.cors = _Cors(config.policy)
        self.outside = _Cors(config.policy, outside=True)
        self.urls = config.urls_regex
        #: Per URLconf (``None``: ``ROOT_URLCONF``): whether it routes to a marked view.
        self.marked: dict[Any, bool] = {}
        #: Per (view, handler): the view's engine, ``None`` for ``no_cors``.
        self.views: dict[tuple[Any, str | None], _Cors | None] = {}

    def forget_marks(self) -> None:
        self.marked.clear()
        self.views.clear()

    def cors_for(self, request: Any) -> _Cors | None:
        """The engine for ``request`` (``None``: CORS off): its view's, when the URLconf
        routes to marked views (for a preflight, the handler of the method it announces),
        else the project's."""
        cors: _Cors | None = self.cors
        urlconf = getattr(request, "urlconf", None)
        marked = self.marked.get(urlconf)
        if marked is None:  # loading the URLconf imports the views: their marks are made
            marked = _routes_to_marked(get_resolver(urlconf).url_patterns)
            self.marked[urlconf] = marked
        if marked:
            try:
                view = resolve(request.path_info, urlconf).func
            except Resolver404:
                view = None
            if view is not None:
                meta = request.META
                announced = meta.get(_PREFLIGHT_METHOD)
                if is_preflight(request.method, meta.get("HTTP_ORIGIN"), announced):
                    cors = self._view(view, announced)
                else:
                    cors = self._view(view, request.method)
        urls = self.urls
        if cors is self.cors and urls is not None and urls.match(request.path_info) is None:
            return self.outside
        return cors

    def _view(self, view: Any, method: str) -> _Cors | None:
        cls = getattr(view, "view_class", None)
        handler = None
        if cls is not None:
            handler = method.lower()
            if handler not in cls.http_method_names:  # as View.dispatch; bounds the cache
                handler = None
        key = (view, handler)
        try:
            return self.views[key]
        except KeyError:
            pass
        found = view_policy(view, handler)
        cors: _Cors | None
        if found is None:
            cors = self.cors
        elif isinstance(found, NoCORS):
            cors = None
        else:  # a ConfigError (a refused merge) is raised at each request until fixed
            cors = _Cors(found.resolve() if isinstance(found, ProjectViewPolicy) else found)
        self.views[key] = cors
        return cors


#: The middlewares alive, told when a setting they read changes or a view is marked.
_LIVE: weakref.WeakSet[CORSMiddleware] = weakref.WeakSet()


def _setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CORS_") or setting == "ROOT_URLCONF":
        for middleware in list(_LIVE):
            middleware._project = None


def _view_marked() -> None:
    for middleware in list(_LIVE):
        project = middleware._project
        if project is not None:
            project.forget_marks()


setting_changed.connect(_setting_changed, dispatch_uid="adapters.django.middleware")
marks.listeners.append(_view_marked)


def _routes_to_marked(patterns: Any) -> bool:
    """Whether any URL pattern (included URLconfs too) routes to a marked view."""
    for pattern in patterns:
        included = getattr(pattern, "url_patterns", None)
        if included is not None:
            if _routes_to_marked(included):
                return True
        elif is_marked(getattr(pattern, "callback", None)):
            return True
    return False


_path = operator.attrgetter("path_info")
_scheme = operator.attrgetter("scheme")


class _Ask(enum.Enum):
    """:func:`_decide`'s answer when only the signal's receivers can tell."""

    ASK = "ask the receivers"


_ASK = _Ask.ASK


@overload
def _decide(request: Any, cors: _Cors | None, allowed: None) -> Decision | _Ask | None: ...


@overload
def _decide(request: Any, cors: _Cors | None, allowed: bool) -> Decision | None: ...


def _decide(request: Any, cors: _Cors | None, allowed: bool | None) -> Decision | _Ask | None:
    """The decision to apply to ``request`` (``None``: leave it alone) with ``cors``.

    ``allowed`` is the receivers' answer, ``None`` before they were asked: then, if the
    answer matters (the engine asked the hook, or the path is outside ``CORS_URLS_REGEX``
    and the request has an ``Origin``), :data:`_ASK`; the caller asks them, sync or
    async, and decides again with their answer.
    """
    if cors is None:
        return None
    meta = request.META
    if cors.outside:
        if not check_request_enabled.receivers or "HTTP_ORIGIN" not in meta:
            return None
        if allowed is None:
            return _ASK
        if not allowed:
            return None
    no_origin = cors.no_origin
    if no_origin is not None and "HTTP_ORIGIN" not in meta:
        return None if no_origin.action is _PASS else no_origin
    origin, request_method, request_headers, pna, host = read_environ(meta, cors.want_host)
    if not check_request_enabled.receivers:
        decision = cors.step(
            request.method, origin, request_method, request_headers, pna, host, request
        )
    elif allowed is None:  # the hooked twin, asked while the receivers' answer is unknown
        question = _Question()
        token = _question.set(question)
        try:  # not logged yet: the receivers may still allow the origin
            decision = cors.hooked.decide(
                request.method,
                origin,
                request_method,
                request_headers,
                pna,
                path=request.path_info,
                host=host,
                scheme=request.scheme,
            )
        finally:
            _question.reset(token)
        if question.wanted:
            return _ASK
        if not decision.allowed and debug_enabled(DEBUG):
            log_decision(decision, request.method, request.path_info)
    else:
        token = _question.set(_YES if allowed else _NO)
        try:
            decision = cors.hooked_step(
                request.method, origin, request_method, request_headers, pna, host, request
            )
        finally:
            _question.reset(token)
        if decision.reason.code is _BY_HOOK and _logger.isEnabledFor(DEBUG):
            _logger.debug(
                "CORS %s allowed by a check_request_enabled receiver: [%s] %s",
                "preflight" if decision.preflight else "request",
                decision.reason.code,
                decision.reason.message,  # one line of printable ASCII
            )
    return None if decision.action is _PASS else decision


class _Question:
    """The receivers' answer for the request being decided (``None``: not asked yet), and
    whether the engine wanted it."""

    __slots__ = ("answer", "wanted")

    def __init__(self, answer: bool | None = None) -> None:
        self.answer = answer
        self.wanted = False


#: The question of the request being decided. A context variable: each thread, and each
#: asyncio task under ASGI, has its own, so concurrent requests never see each other's.
_question: ContextVar[_Question | None] = ContextVar("cors_core_django_question", default=None)
#: The questions once the receivers answered (never written: they have an answer).
_YES = _Question(True)
_NO = _Question(False)
_logger = logging.getLogger("cors_core.django")


def _receivers_allow(origin: str) -> bool:
    """The origin hook of every engine the middleware builds (once, with the engine): the
    answer of the signal's receivers for the request being decided. The engine asks it only
    when its lists refuse a well-formed origin. Before the receivers are asked (they may be
    async, and the engine is not) it notes that their answer is wanted and refuses; the
    middleware then asks them and decides again."""
    question = _question.get()
    if question is None:  # the engine used outside the middleware's decision
        return False
    if question.answer is None:
        question.wanted = True
        return False
    return question.answer


def _allowed_by_receivers(request: Any) -> bool:
    return any(answer for _, answer in check_request_enabled.send(sender=None, request=request))


async def _allowed_by_receivers_async(request: Any) -> bool:
    asend = getattr(check_request_enabled, "asend", None)
    if asend is None:  # Django < 5.0
        return _allowed_by_receivers(request)
    return any(answer for _, answer in await asend(sender=None, request=request))


def _respond(decision: Decision) -> Any:
    from django.http import HttpResponse  # type: ignore[import-untyped]

    response = HttpResponse(decision.body, status=decision.status)
    del response["Content-Type"]
    for name, value in decision.headers:
        response[name] = value
    return response


def _apply(response: Any, decision: Decision) -> Any:
    """Add the decision's headers to the view's response, replacing any CORS header it set.

    When the view set no CORS header and no ``Vary`` (the common case) the headers are
    just set: ~2.3 us against ~5.5 us for a copy through ``merge_response_headers``.
    Otherwise Django's ``patch_vary_headers`` merges ``Origin`` into ``Vary``: as fast as
    ``merge_response_headers`` (4.5 us each, timeit on a response with ``Vary: Accept-Encoding,
    Cookie``), and it is the merge the rest of Django uses.
    """
    if not decision.modifies_response:
        return response
    headers = response.headers
    for name in headers:
        if name.lower() in SPECIAL_NAMES:
            break
    else:
        for name, value in decision.headers:
            headers[name] = value
        if decision.vary_origin:
            headers["Vary"] = "Origin"
        return response
    for name in _OWNED:
        if name in headers:
            del headers[name]
    for name, value in decision.headers:
        headers[name] = value
    if decision.vary_origin:
        patch_vary_headers(response, ("Origin",))
    return response
