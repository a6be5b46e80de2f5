"""Flask integration: ``CORS(app)`` for the whole app, ``@cross_origin(...)`` per view.

``CORS`` wraps ``app.wsgi_app`` with :class:`adapters.wsgi.CORSMiddleware`, so preflights
are answered before Flask sees the request: no ``before_request`` hook (an auth check
that would answer 401), no view and no error handler ever runs for a preflight, and
every response Flask produces, 404 and 500 pages included, gets its CORS headers. A
``before_request`` hook could not promise that: hooks registered before it run first, and
its headers would be lost on responses made by error handlers that raise again.

Per-view policies are looked up through Flask's own URL map for each request (the
endpoint that will serve it, with the method a preflight announces), then the same WSGI
middleware applies that policy. This module holds no CORS rule: it only chooses which
:class:`cors_core.CORSPolicy` decides.

Example::

    from flask import Flask
    from adapters.flask import CORS, cross_origin, no_cors

    app = Flask(__name__)
    app.config["CORS_ALLOW_ORIGINS"] = ["https://app.example.com"]
    CORS(app, allow_methods=["GET", "POST", "PUT"], allow_headers=["content-type"])

    @app.get("/public")
    @cross_origin(allow_origins=["*"])     # replaces the app's policy for this view
    def public() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/internal")
    @no_cors                               # no CORS headers at all: browsers block reads
    def internal() -> str:
        return "same-origin only"
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from adapters._flask_cors_options import (
    FLASK_CORS_CONFIG_KEYS,
    FLASK_CORS_NAMES,
    build,
    translate,
)
from adapters.wsgi import CORSMiddleware
from cors_core import Action, ConfigError, Problem
from cors_core.integration import (
    OPTION_NAMES,
    Engine,
    Gate,
    is_preflight,
    merge_response_headers,
    read_environ,
    resolve_policy,
    suggest,
    view_policy,
    wsgi_path,
    wsgi_scheme,
)

if TYPE_CHECKING:
    from flask import Blueprint, Flask

__all__ = ["CONFIG_KEYS", "CORS", "cross_origin", "no_cors"]

F = TypeVar("F", bound=Callable[..., Any])
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

#: ``app.config`` key for each option: ``CORS_`` + the upper-case name of every
#: :class:`CORSPolicy` option (``CORS_ALLOW_ORIGINS`` ...) and of every flask-cors option
#: (``CORS_ORIGINS``, ``CORS_SUPPORTS_CREDENTIALS``, ``CORS_RESOURCES`` ...).
CONFIG_KEYS: Mapping[str, str] = {
    **{f"CORS_{name.upper()}": name for name in OPTION_NAMES},
    **FLASK_CORS_CONFIG_KEYS,
}
_POLICY_KEY = "CORS_POLICY"
_EXTENSION = "cors_core"
_VIEW_ATTR = "__cors_core_policy__"
#: Set on a function ``@cross_origin`` wrapped: its wrapper.
_WRAPPER_ATTR = "__cors_core_wrapper__"
#: Set on a blueprint that ``CORS(blueprint)`` was given.
_EXTENSION_ON_BLUEPRINT = "__cors_core_installed__"
_DISABLED = "disabled"
#: Set in the WSGI environ by the app-level layer: a ``@cross_origin`` wrapper then
#: leaves the request to it (the decision is made once).
_HANDLED = "cors_core.flask"


def _config_options(config: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """The ``CORS_*`` options found in ``app.config`` (and ``CORS_POLICY``), validated by name."""
    options: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in config.items():
        if not isinstance(key, str) or not key.startswith("CORS_") or key == _POLICY_KEY:
            continue
        if key in CONFIG_KEYS:
            options[CONFIG_KEYS[key]] = value
        else:
            fix = suggest(key, [*CONFIG_KEYS, _POLICY_KEY], "remove it")
            problems.append(Problem(key, "", "is not a CORS setting", fix))
    if problems:
        raise ConfigError(problems)
    return options, config.get(_POLICY_KEY)


def _engine(
    policy: Engine | None, options: Mapping[str, Any], from_config: Iterable[str] = ()
) -> Engine:
    """``policy=`` as given, or the engine built from (flask-cors or our) options
    (``from_config``: those read from ``app.config``, which its problems name so)."""
    if policy is not None:
        return resolve_policy(policy, options)
    return build(options, frozenset(from_config))


class CORS:
    """The Flask extension: one policy for an app (or a blueprint), from options and ``app.config``.

    Options are :class:`cors_core.CORSPolicy` keywords or flask-cors's (``origins``,
    ``methods``, ``supports_credentials``, ``resources``, ``send_wildcard``, ...: see
    :doc:`migrate-flask-cors`). Each can also come from ``app.config`` as ``CORS_`` + the
    upper-case name (``CORS_ALLOW_ORIGINS`` or ``CORS_ORIGINS``, ...; see
    :data:`CONFIG_KEYS`); keyword arguments win over ``app.config``. ``policy=`` (or
    ``CORS_POLICY``) takes a ready :class:`~cors_core.CORSPolicy` or
    :class:`~cors_core.PathRules` instead. Misspelt ``CORS_*`` keys raise
    :class:`~cors_core.ConfigError` naming the fix.

    As in flask-cors, ``CORS(app)`` with no origin option allows every origin (``*``,
    without credentials). ``CORS(blueprint, ...)`` applies to that blueprint's routes
    (nested blueprints included), with its own options only: as in flask-cors, a
    blueprint's policy does not read ``app.config``.
    ``CORS(app)`` installs at once; ``CORS()`` then ``init_app(app)`` suits app
    factories (options given to the constructor apply to every app, those given to
    ``init_app`` to that app, over the constructor's, as in flask-cors).

    Example::

        cors = CORS(allow_methods=["GET", "PUT"])

        def create_app() -> Flask:
            app = Flask(__name__)
            app.config["CORS_ALLOW_ORIGINS"] = ["https://app.example.com"]
            cors.init_app(app)
            return app
    """

    def __init__(
        self,
        app: Flask | Blueprint | None = None,
        policy: Engine | None = None,
        **options: Any,
    ) -> None:
        self._policy = policy
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint, **options: Any) -> None:
        """Validate the policy for ``app`` and install the middleware on ``app.wsgi_app``.

        ``options``, as in flask-cors's ``init_app(app, **kwargs)``, are merged over the
        constructor's, for this app only. Raises :class:`~cors_core.ConfigError`
        (listing every problem) at once, so a bad configuration stops the app at start-up
        instead of failing in browsers. For a blueprint, the policy is built when the
        blueprint is registered on an app and governs that blueprint's endpoints.

        >>> cors = CORS(supports_credentials=True)
        >>> cors.init_app(app, origins=["https://app.example.com"])
        """
        from flask import Blueprint

        merged = {**self._options, **options}

        if isinstance(app, Blueprint):
            if getattr(app, _EXTENSION_ON_BLUEPRINT, False):
                raise ConfigError([_twice(f"CORS({app.name!r} blueprint)")])
            setattr(app, _EXTENSION_ON_BLUEPRINT, True)
            # Every registration (a blueprint may be registered twice under two names, or
            # nested in another): its endpoints are named "<parents>.<name>.<view>".
            app.record(
                lambda state: self._install(cast("Flask", state.app), _full_name(state), merged)
            )
            return
        self._install(app, None, merged)

    def _install(self, app: Flask, blueprint: str | None, options: dict[str, Any]) -> None:
        # A blueprint's policy is its own options alone: flask-cors reads no app.config
        # for a blueprint, and merging it could widen the blueprint (credentials, exposed
        # headers, origins the app allows).
        from_config, config_policy = _config_options({} if blueprint else app.config)
        if self._policy is not None:  # explicit: app.config is not consulted
            policy = resolve_policy(self._policy, options)
        elif config_policy is not None:  # CORS_POLICY with other options is refused
            policy = resolve_policy(config_policy, {**from_config, **options})
        else:
            merged = {**from_config, **options}
            policy = _engine(None, merged, from_config.keys() - options.keys())
        middleware = app.extensions.get(_EXTENSION)
        if middleware is None:
            middleware = _FlaskCORS(app, app.wsgi_app)
            app.extensions[_EXTENSION] = middleware
            app.wsgi_app = middleware  # type: ignore[method-assign]
        middleware.add(policy, blueprint)

    @staticmethod
    def policy_for(app: Flask) -> Engine:
        """The app-wide policy installed on ``app``.

        >>> _ = CORS(app, allow_origins=["https://app.example.com"])
        >>> CORS.policy_for(app).allow_credentials
        False
        """
        middleware: _FlaskCORS = app.extensions[_EXTENSION]
        if middleware.default is None:
            raise LookupError("CORS(app) is not installed on this app (only blueprints)")
        return middleware.default.policy


#: Options that say the same thing in the two vocabularies: a view's option replaces the
#: app config's option of its group (``origins`` replaces ``CORS_ALLOW_ORIGINS`` too).
#: Given to :func:`cors_core.integration.view_policy`, which merges.
_SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"origins", "allow_origins", "allow_origin_regex", "allow_origin_predicate"}),
    frozenset({"methods", "allow_methods"}),
    frozenset({"supports_credentials", "allow_credentials"}),
)


class _Mark:
    """What ``@cross_origin`` leaves on a view: a ready engine (``policy=``), or options
    merged by :func:`cors_core.integration.view_policy` over each app's ``CORS_*``
    configuration (its ``CORS_ORIGINS``, ``CORS_SUPPORTS_CREDENTIALS`` ...) when the view
    first serves a request of that app; the engine is then kept for that app."""

    __slots__ = ("_engines", "_fixed", "options")

    def __init__(self, policy: Engine | None, options: dict[str, Any]) -> None:
        self.options = options
        self._fixed = None if policy is None else view_policy(policy, options)
        self._engines: weakref.WeakKeyDictionary[Any, tuple[Engine, Gate, Any]] = (
            weakref.WeakKeyDictionary()
        )
        if policy is None:
            _check_view_options(options)

    def engine(self, app: Flask) -> Engine:
        """The view's engine in ``app`` (built on first use; :class:`ConfigError` if the
        merged options are refused)."""
        return self._built(app)[0]

    def decider(self, app: Flask) -> tuple[Gate, Any]:
        """The view's :class:`Gate` in ``app`` and its decide step (WSGI path, scheme)."""
        _, gate, decide = self._built(app)
        return gate, decide

    def _built(self, app: Flask) -> tuple[Engine, Gate, Any]:
        try:
            return self._engines[app]
        except KeyError:
            pass
        engine = self._fixed
        if engine is None:
            config, _ = _config_options(app.config)
            # CORS_RESOURCES is CORS(app)'s: it says nothing about one view.
            config.pop("resources", None)
            engine = view_policy(
                None,
                self.options,
                defaults=config,
                build=build,
                synonyms=_SYNONYMS,
                configured_in="app.config's CORS_* keys",
            )
        assert engine is not None  # enabled: view_policy gives an engine
        gate = Gate(engine)
        built = (engine, gate, gate.bind(wsgi_path, wsgi_scheme))
        return self._engines.setdefault(app, built)


def _check_view_options(options: Mapping[str, Any]) -> None:
    """What can be checked before the app is known: names, and the options' own values
    (the rest, such as credentials without origins, may come from ``app.config``)."""
    known = set(OPTION_NAMES) | set(FLASK_CORS_NAMES)
    problems = [
        Problem(name, "", "is not a CORS option", suggest(name, sorted(known), "remove it"))
        for name in options
        if name not in known
    ]
    if "resources" in options:
        problems.append(
            Problem(
                "resources",
                "",
                "applies to CORS(app), not to one view",
                "remove it: the decorator's options govern the view it decorates",
            )
        )
    problems += translate({k: v for k, v in options.items() if k in known})[1]
    # The other options' own values (a malformed origin ...), in the same error: problems
    # of options the view sets stay whatever app.config adds; the others may be fixed by
    # app.config.
    named = {p.option for p in problems}
    rest = {k: v for k, v in options.items() if k in known and k not in named}
    rest.pop("resources", None)
    given = set(rest)
    for group in _SYNONYMS:
        if given & group:
            given |= group
    try:
        build(rest)
    except ConfigError as exc:
        problems += [p for p in exc.problems if p.option.split("[")[0] in given]
    if problems:
        raise ConfigError(problems)


def cross_origin(
    policy: Engine | None = None, *, enabled: bool = True, **options: Any
) -> Callable[[F], F]:
    """Give one view its own policy, replacing the app's for that view, preflight included.

    Takes :class:`~cors_core.CORSPolicy` keywords or flask-cors's (``origins``,
    ``methods``, ``supports_credentials`` ...), or ``policy=``. As in flask-cors, the
    options are merged over the app's ``CORS_*`` configuration (``CORS_ORIGINS``,
    ``CORS_ALLOW_ORIGINS``, ``CORS_SUPPORTS_CREDENTIALS`` ...; not ``CORS_RESOURCES``),
    the view's options winning: ``@cross_origin()`` with ``CORS_ORIGINS`` set allows
    those origins. With no origin anywhere, neither on the view nor in ``app.config``, the
    view is refused (flask-cors allowed every origin): write ``origins="*"`` for that.
    The merge and the refusal are :func:`cors_core.integration.view_policy`'s, as for
    Django's ``@cross_origin``. Option names and values are checked when the module is
    imported; the merged policy is built, and a refused one raises
    :class:`~cors_core.ConfigError`, when the view first serves a request (or, with
    ``CORS(app)``, when its middleware first meets the view).
    ``policy=`` takes a ready engine instead (``app.config`` is then not read).
    ``enabled=False`` turns CORS off for the view (same as :func:`no_cors`).

    Place it below ``@app.route``, as flask-cors requires. It works without
    ``CORS(app)``: the view answers preflights itself (Flask's automatic ``OPTIONS`` is
    turned off for it) and its responses get the CORS headers. With ``CORS(app)``
    installed, the app's middleware applies the view's policy instead, before Flask, to
    error pages as well, and a decorator placed above ``@app.route`` (which flask-cors
    ignores) is refused with a :class:`ConfigError` at the first request.

    Example::

        @app.route("/items/<int:item_id>", methods=["GET", "PUT"])
        @cross_origin(allow_origins=["https://admin.example.com"], allow_methods=["PUT"],
                      allow_credentials=True)
        def item(item_id: int) -> dict[str, int]:
            return {"id": item_id}
    """
    if not enabled:
        view_policy(policy, options, enabled=False)  # refuses options given with it
        return no_cors
    resolved = _Mark(policy, options)

    def mark(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from flask import current_app, make_response, request

            environ = request.environ
            if environ.get(_HANDLED):  # CORS(app) applies this view's policy itself
                if request.method == "OPTIONS":  # not a preflight (those never get here)
                    return current_app.make_default_options_response()
                return view(*args, **kwargs)
            gate, decide = resolved.decider(current_app._get_current_object())  # type: ignore[attr-defined]
            origin, method, names, pna, host = read_environ(environ, gate.want_host)
            decision = decide(request.method, origin, method, names, pna, host, environ)
            if decision.action is Action.RESPOND:
                return current_app.response_class(
                    decision.body, status=decision.status, headers=list(decision.headers)
                )
            if request.method == "OPTIONS" and not is_preflight(request.method, origin, method):
                response = current_app.make_default_options_response()
            else:
                response = make_response(view(*args, **kwargs))
            if decision.modifies_response:
                merged = merge_response_headers(
                    response.headers.to_wsgi_list(), decision.headers, decision.vary_origin
                )
                response.headers.clear()
                response.headers.extend(merged)
            return response

        setattr(wrapper, _VIEW_ATTR, resolved)
        # The undecorated function stays unmarked (it may serve other routes, as in
        # flask-cors); it remembers its wrapper so that a decorator placed above
        # @app.route, which flask-cors ignores, is refused instead of applied.
        setattr(view, _WRAPPER_ATTR, wrapper)
        # Flask would answer OPTIONS itself: the wrapper must see preflights.
        wrapper.provide_automatic_options = False  # type: ignore[attr-defined]
        wrapper.required_methods = ["OPTIONS"]  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return mark


def no_cors(view: F) -> F:
    """Turn CORS off for one view: no CORS headers, and preflights reach the view.

    Browsers then block cross-origin reads of it, whatever the app's policy allows.

    Example::

        @app.post("/internal/reindex")
        @no_cors
        def reindex() -> str:
            return "ok"
    """
    setattr(view, _VIEW_ATTR, _DISABLED)
    return view


def _misplaced(views: Mapping[str, Any]) -> list[Problem]:
    """Views registered undecorated whose ``@cross_origin`` wrapper is registered nowhere:
    the decorator sat above ``@app.route``, where flask-cors ignores it."""
    registered = {id(view) for view in views.values()}
    return [
        Problem(
            f"@cross_origin on {endpoint!r}",
            "",
            "is placed above @app.route, so the route serves the undecorated view "
            "(flask-cors ignores it there)",
            "put @cross_origin below @app.route (next to the function), or use @no_cors "
            "and CORS(app, resources=...) for per-path policies",
        )
        for endpoint, view in views.items()
        if getattr(view, _VIEW_ATTR, None) is None
        and getattr(view, _WRAPPER_ATTR, None) is not None
        and id(getattr(view, _WRAPPER_ATTR)) not in registered
    ]


def _full_name(state: Any) -> str:
    """The dotted name a blueprint registration gives its endpoints (parents first)."""
    return ".".join(part for part in (state.name_prefix, state.name) if part)


def _twice(what: str) -> Problem:
    return Problem(
        what,
        "",
        "is installed a second time (one policy per app or blueprint)",
        "call it once with every option; in an app factory create the extension once "
        "(cors = CORS(...)) and call cors.init_app(app) for each app",
    )


class _FlaskCORS:
    """The WSGI callable installed as ``app.wsgi_app``: picks the policy, then delegates.

    The policy of a request is the view's mark, else its blueprint's (``CORS(bp)``, the
    innermost blueprint first), else the app's (``CORS(app)``; none: no CORS headers).
    """

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.default: CORSMiddleware | None = None
        self._blueprints: dict[str, Engine] = {}
        self._per_view: dict[int, tuple[Any, CORSMiddleware]] = {}
        self._marks_seen: tuple[int, bool] = (-1, False)  # (len(view_functions), any marked)

    def add(self, policy: Engine, blueprint: str | None) -> None:
        if blueprint is None:
            if self.default is not None:
                raise ConfigError([_twice("CORS(app)")])
            self.default = CORSMiddleware(self.wsgi_app, policy=policy)
        else:
            if blueprint in self._blueprints:
                raise ConfigError([_twice(f"CORS({blueprint!r} blueprint)")])
            self._blueprints[blueprint] = policy

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        environ[_HANDLED] = True
        if not self._blueprints and not self._any_marked():  # skip URL matching
            return self._app_policy(environ, start_response)
        marked = self._endpoint_policy(environ)
        if marked is None:
            return self._app_policy(environ, start_response)
        if marked == _DISABLED:
            return self.wsgi_app(environ, start_response)
        if isinstance(marked, _Mark):
            marked = marked.engine(self.app)
        return self._middleware(marked)(environ, start_response)

    def _app_policy(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if self.default is None:
            return self.wsgi_app(environ, start_response)
        return self.default(environ, start_response)

    def _any_marked(self) -> bool:
        """Whether any view carries a mark; recomputed only when views were added, when
        every marked view's policy is built for this app (a refused one raises
        :class:`ConfigError` naming every problem, before any view answers)."""
        views = self.app.view_functions
        count, marked = self._marks_seen
        if count != len(views):
            marks = [getattr(view, _VIEW_ATTR, None) for view in views.values()]
            problems: list[Problem] = _misplaced(views)
            for found in marks:
                if isinstance(found, _Mark):
                    try:
                        found.engine(self.app)
                    except ConfigError as exc:
                        problems += exc.problems
            if problems:
                raise ConfigError(problems)
            marked = any(found is not None for found in marks)
            self._marks_seen = (len(views), marked)
        return marked

    def _middleware(self, policy: Engine) -> CORSMiddleware:
        entry = self._per_view.get(id(policy))
        if entry is None or entry[0] is not policy:
            entry = (policy, CORSMiddleware(self.wsgi_app, policy=policy))
            self._per_view[id(policy)] = entry
        return entry[1]

    def _endpoint_policy(self, environ: Environ) -> Any:
        """The view's mark or its blueprint's policy (``None``: the app's policy)."""
        endpoint = self._endpoint(environ)
        if endpoint is None:
            return None
        view = self.app.view_functions.get(endpoint)
        marked = getattr(view, _VIEW_ATTR, None)
        if marked is not None:
            return marked
        blueprint = endpoint.rpartition(".")[0]
        while blueprint:
            if blueprint in self._blueprints:
                return self._blueprints[blueprint]
            blueprint = blueprint.rpartition(".")[0]
        return None

    def _endpoint(self, environ: Environ) -> str | None:
        """The endpoint that will serve this request.

        A preflight is routed with the method it announces, falling back to ``OPTIONS``
        (Flask adds ``OPTIONS`` to every rule unless a view opts out of it).
        """
        from werkzeug.exceptions import HTTPException
        from werkzeug.routing import RequestRedirect

        method = environ.get("REQUEST_METHOD", "GET")
        announced = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
        methods = [method]
        if is_preflight(method, environ.get("HTTP_ORIGIN"), announced):
            methods = [str(announced), "OPTIONS"]
        try:
            adapter = self.app.create_url_adapter(self.app.request_class(environ))
        except HTTPException:  # e.g. a host outside TRUSTED_HOSTS: Flask answers it
            return None
        if adapter is None:
            return None
        for candidate in methods:
            try:
                endpoint, _ = adapter.match(method=candidate)
            except RequestRedirect:
                return None
            except HTTPException:
                continue
            return str(endpoint)
        return None
