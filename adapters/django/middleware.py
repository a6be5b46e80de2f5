"""``CORSMiddleware``: applies the engine's decisions to Django requests, sync or async.

It holds no CORS rule: the policy comes from :mod:`adapters.django.conf` (settings, read
again only when a ``CORS_*`` setting changes), from the view's own mark
(:mod:`adapters.django.decorators`), or from a subclass's ``policy`` attribute; the
decision comes from the engine through :class:`cors_core.integration.Gate`; the one
extension point is the :data:`~adapters.django.signals.check_request_enabled` signal,
whose receivers are each engine's origin hook
(:func:`cors_core.integration.with_origin_hook`, added when the engine is loaded).
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ClassVar

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.urls import Resolver404, get_resolver, resolve  # type: ignore[import-untyped]
from django.utils.cache import patch_vary_headers  # type: ignore[import-untyped]

from adapters.django import conf as _conf
from adapters.django.decorators import NoCORS, is_marked, marks, view_policy
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
_generation = _conf.generation


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
    stops the server at start-up) and again after a ``CORS_*`` setting changes
    (``override_settings``), never per request.

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
            # Django calls process_view in the handler's mode: async here, no thread hop.
            self.process_view = self._aprocess_view  # type: ignore[method-assign]
        self._views: dict[tuple[Any, str | None], _Policy | _Off | None] = {}
        self._routes_seen = -1  # the URLconf generation and mark count last looked at
        self._marks_seen = -1
        self._marked = False  # whether that URLconf routes to a marked view
        self._load()

    def _load(self) -> None:
        seen = _generation.cors
        config = _conf.load_quietly(type(self).policy)  # a ConfigError: asked again next time
        #: The project's policy (from settings, ``CORS_POLICY`` or :attr:`policy`).
        self.cors_policy: Engine = config.policy
        self._gate = _Policy(config.policy)
        self._urls = config.urls_regex
        self._seen = seen

    # -- the request cycle ---------------------------------------------------------------
    #
    # Without marked views every request is decided on the way in. Once a view carries a
    # policy, a preflight is decided on the way in with the view its URL resolves to (it
    # never reaches a view); any other request is decided in process_view, which Django
    # calls with the view it resolved (no second resolve), before the view runs. Requests
    # that never get there (404, a middleware below answered) are decided on the way out.

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        step = self._before(request)
        if isinstance(step, _Later):
            request.__dict__[_STASH] = _PENDING
            response = self.get_response(request)
            decision = _answer(request, self._after(request))
            return _finish(response, decision)
        decision = _answer(request, step)
        if decision is None:
            return self.get_response(request)
        if decision.action is _RESPOND:
            return _respond(decision)
        return _apply(self.get_response(request), decision)

    async def __acall__(self, request: Any) -> Any:
        step = self._before(request)
        if isinstance(step, _Later):
            request.__dict__[_STASH] = _PENDING
            response = await self.get_response(request)
            decision = await _answer_async(request, self._after(request))
            return _finish(response, decision)
        decision = await _answer_async(request, step)
        if decision is None:
            return await self.get_response(request)
        if decision.action is _RESPOND:
            return _respond(decision)
        return _apply(await self.get_response(request), decision)

    def process_view(self, request: Any, view: Any, args: Any, kwargs: Any) -> Any:
        """Decide a request with the policy of the view Django resolved (see ``__call__``)."""
        if request.__dict__.get(_STASH) is not _PENDING:
            return None
        step = self._decide(request, self._view_gate(view, request.method))
        return _stash(request, _answer(request, step))

    async def _aprocess_view(self, request: Any, view: Any, args: Any, kwargs: Any) -> Any:
        if request.__dict__.get(_STASH) is not _PENDING:
            return None
        step = self._decide(request, self._view_gate(view, request.method))
        return _stash(request, await _answer_async(request, step))

    def _before(self, request: Any) -> Decision | _Ask | _Later | None:
        if self._seen != _generation.cors:
            self._load()
        if not self._routes_marked(request):
            return self._decide(request, None)
        meta = request.META
        announced = meta.get(_PREFLIGHT_METHOD)
        if is_preflight(request.method, meta.get("HTTP_ORIGIN"), announced):
            found = self._view_gate(self._resolve(request), announced)
            return self._decide(request, found)
        return _LATER

    def _after(self, request: Any) -> Decision | _Ask | None:
        stashed = request.__dict__.pop(_STASH, _PENDING)
        if stashed is not _PENDING:
            return stashed  # type: ignore[no-any-return]
        return self._decide(request, self._view_gate(self._resolve(request), request.method))

    # -- deciding ------------------------------------------------------------------------

    def _decide(self, request: Any, found: _Policy | _Off | None) -> Decision | _Ask | None:
        """The decision to apply (``None``: leave the request alone), or a question for the
        signal's receivers. ``found`` is the view's gate (``None``: the project's)."""
        meta = request.META
        if found is None:
            gate = self._gate
            if self._urls is not None and self._urls.match(request.path_info) is None:
                if "HTTP_ORIGIN" in meta and check_request_enabled.receivers:
                    return _Ask(request, gate, None)  # the receivers turn CORS on, or not
                return None
        elif isinstance(found, _Off):
            return None
        else:
            gate = found
        plain = gate.plain
        if plain is not None and "HTTP_ORIGIN" not in meta:
            return None if plain.action is _PASS else plain
        if check_request_enabled.receivers:
            return gate.probe(request, meta)
        decision = gate.ask(request, meta)
        return None if decision.action is _PASS else decision

    def _routes_marked(self, request: Any) -> bool:
        """Whether the URLconf routes to a marked view: looked up once (loading it imports
        the views, whose decorators then run), again after ``ROOT_URLCONF`` changes or a
        view is marked. A project without marks never resolves URLs, whatever other
        URLconfs in the process (another test's, say) mark."""
        if self._routes_seen == _generation.routes and self._marks_seen == marks.count:
            return self._marked
        patterns = get_resolver(getattr(request, "urlconf", None)).url_patterns  # imports
        self._marked = _routes_to_marked(patterns)
        self._routes_seen = _generation.routes
        self._marks_seen = marks.count
        return self._marked

    @staticmethod
    def _resolve(request: Any) -> Any:
        try:
            return resolve(request.path_info, getattr(request, "urlconf", None)).func
        except Resolver404:
            return None

    def _view_gate(self, view: Any, method: str) -> _Policy | _Off | None:
        """The gate of ``view`` for ``method`` (for a preflight, the method it announces):
        ``None`` when the view has no policy of its own, ``_OFF`` for ``no_cors``."""
        if view is None:
            return None
        cls = getattr(view, "view_class", None)
        handler = None
        if cls is not None:
            handler = method.lower()
            if handler not in cls.http_method_names:  # as View.dispatch; bounds the cache
                handler = None
        key = (view, handler)
        try:
            return self._views[key]
        except KeyError:
            pass
        found = view_policy(view, handler)
        gate = None if found is None else _OFF if isinstance(found, NoCORS) else _Policy(found)
        self._views[key] = gate
        return gate


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


class _Policy:
    """One engine for Django requests: its :class:`Gate`, bound once to ``request.path_info``
    (the decoded path Django routes, below the mount point SCRIPT_NAME, on WSGI and ASGI servers
    alike) and ``request.scheme``, read only when the engine or a rejection's log needs them;
    and, built with it, its twin whose origin hook is the signal's receivers' answer
    (:func:`_receivers_allow`), asked only while receivers are connected."""

    __slots__ = ("_decide", "_hooked", "_hooked_engine", "plain", "want_host")

    def __init__(self, engine: Engine) -> None:
        gate = Gate(engine)
        self.plain = gate.plain
        self.want_host = gate.want_host
        self._decide = gate.bind(_path, _scheme)
        hooked = Gate(with_origin_hook(engine, _receivers_allow))
        self._hooked_engine = hooked.engine
        self._hooked = hooked.bind(_path, _scheme)

    def ask(self, request: Any, meta: Any) -> Decision:
        origin, request_method, request_headers, pna, host = read_environ(meta, self.want_host)
        return self._decide(
            request.method, origin, request_method, request_headers, pna, host, request
        )

    def probe(self, request: Any, meta: Any) -> Decision | _Ask | None:
        """The decision with receivers connected: the hooked twin's, asked while the
        receivers' answer is unknown. If the engine asked the hook (its lists refused a
        well-formed origin), the receivers are to be asked: an :class:`_Ask`."""
        question = _Question()
        origin, request_method, request_headers, pna, host = read_environ(meta, self.want_host)
        token = _question.set(question)
        try:  # not logged yet: the receivers may still allow the origin
            decision = self._hooked_engine.decide(
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
            return _Ask(request, self, decision)
        return _logged(decision, request)

    def admitted(self, request: Any) -> Decision:
        """The hooked twin's decision once the receivers allowed the request."""
        origin, request_method, request_headers, pna, host = read_environ(
            request.META, self.want_host
        )
        token = _question.set(_ALLOWED)
        try:
            decision = self._hooked(
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
        return decision


_path = operator.attrgetter("path_info")
_scheme = operator.attrgetter("scheme")


class _Off:
    """What :meth:`CORSMiddleware._view_gate` gives for a ``no_cors`` view (``_OFF``)."""

    __slots__ = ()


_OFF = _Off()


class _Later:
    """:meth:`CORSMiddleware._before`'s answer when the view decides (in ``process_view``)."""

    __slots__ = ()


_LATER = _Later()
#: The request attribute that carries the decision from process_view back to __call__.
_STASH = "_cors_core_decision"
_PENDING: Any = _Later()


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
#: The question once the receivers allowed the request (never written: it has an answer).
_ALLOWED = _Question(True)
_logger = logging.getLogger("cors_core.django")


def _receivers_allow(origin: str) -> bool:
    """The origin hook of every engine the middleware builds (once, with the engine): the
    answer of the signal's receivers for the request being decided. The engine asks it only
    when its lists refuse a well-formed origin. Before the receivers are asked (they may be
    async, and the engine is not) it notes that their answer is wanted and refuses; the
    middleware then asks them and decides again (:meth:`_Policy.admitted`)."""
    question = _question.get()
    if question is None:  # the engine used outside the middleware's decision
        return False
    if question.answer is None:
        question.wanted = True
        return False
    return question.answer


class _Ask:
    """A request whose origin only the signal's receivers may allow (``decision``: the
    refusal without them), or that ``CORS_URLS_REGEX`` leaves out (``decision`` is
    ``None``: CORS is off unless they allow it); :meth:`answer` gives the decision once
    they have spoken."""

    __slots__ = ("decision", "gate", "request")

    def __init__(self, request: Any, gate: _Policy, decision: Decision | None) -> None:
        self.request = request
        self.gate = gate
        self.decision = decision

    def answer(self, allowed: bool) -> Decision | None:
        if allowed:
            decision: Decision | None = self.gate.admitted(self.request)
        else:
            decision = self.decision
            if decision is not None:
                _logged(decision, self.request)
        if decision is None or decision.action is _PASS:
            return None
        return decision


def _logged(decision: Decision, request: Any) -> Decision | None:
    """``decision`` to apply (``None`` for a pass), a refusal logged as :class:`Gate` does."""
    if not decision.allowed and debug_enabled(DEBUG):
        log_decision(decision, request.method, request.path_info)
    return None if decision.action is _PASS else decision


def _allowed_by_receivers(request: Any) -> bool:
    return any(answer for _, answer in check_request_enabled.send(sender=None, request=request))


async def _allowed_by_receivers_async(request: Any) -> bool:
    asend = getattr(check_request_enabled, "asend", None)
    if asend is None:  # Django < 5.0
        return _allowed_by_receivers(request)
    return any(answer for _, answer in await asend(sender=None, request=request))


def _stash(request: Any, decision: Decision | None) -> Any:
    if decision is not None and decision.action is _RESPOND:
        request.__dict__[_STASH] = None
        return _respond(decision)
    request.__dict__[_STASH] = decision
    return None


def _finish(response: Any, decision: Decision | None) -> Any:
    if decision is None:
        return response
    if decision.action is _RESPOND:  # decided on the way out: the view never ran
        return _respond(decision)
    return _apply(response, decision)


def _answer(request: Any, step: Decision | _Ask | None) -> Decision | None:
    return step.answer(_allowed_by_receivers(request)) if isinstance(step, _Ask) else step


async def _answer_async(request: Any, step: Decision | _Ask | None) -> Decision | None:
    if isinstance(step, _Ask):
        return step.answer(await _allowed_by_receivers_async(request))
    return step


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
