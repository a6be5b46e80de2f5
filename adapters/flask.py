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

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from adapters.wsgi import CORSMiddleware
from cors_core import ConfigError, Problem
from cors_core.integration import (
    OPTION_NAMES,
    Engine,
    is_preflight,
    resolve_policy,
    suggest,
    view_policy,
)

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["CONFIG_KEYS", "CORS", "cross_origin", "no_cors"]

F = TypeVar("F", bound=Callable[..., Any])
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

#: ``app.config`` key for each :class:`CORSPolicy` option (``CORS_ALLOW_ORIGINS`` ...).
CONFIG_KEYS: Mapping[str, str] = {f"CORS_{name.upper()}": name for name in OPTION_NAMES}
_POLICY_KEY = "CORS_POLICY"
_EXTENSION = "cors_core"
_VIEW_ATTR = "__cors_core_policy__"
_DISABLED = "disabled"

#: flask-cors configuration keys that mean something else here (or nothing): refused with
#: the replacement, so a migrated app never silently loses its CORS settings.
_FLASK_CORS_KEYS = {
    "CORS_ORIGINS": "rename it CORS_ALLOW_ORIGINS (a list; '*' only without credentials)",
    "CORS_METHODS": "rename it CORS_ALLOW_METHODS",
    "CORS_SUPPORTS_CREDENTIALS": "rename it CORS_ALLOW_CREDENTIALS",
    "CORS_RESOURCES": (
        "use @cross_origin(...) on the views, or CORS(app, policy=PathRules({...}))"
    ),
    "CORS_SEND_WILDCARD": "remove it: '*' is sent whenever CORS_ALLOW_ORIGINS is ['*']",
    "CORS_VARY_HEADER": "remove it: Vary: Origin is always added when the answer depends on it",
    "CORS_ALWAYS_SEND": "remove it: requests without Origin never need CORS headers",
    "CORS_AUTOMATIC_OPTIONS": "remove it: preflights are always answered before Flask",
    "CORS_INTERCEPT_EXCEPTIONS": "remove it: error responses always carry CORS headers",
}


def _config_options(config: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """The ``CORS_*`` options found in ``app.config`` (and ``CORS_POLICY``), validated by name."""
    options: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in config.items():
        if not isinstance(key, str) or not key.startswith("CORS_") or key == _POLICY_KEY:
            continue
        if key in CONFIG_KEYS:
            options[CONFIG_KEYS[key]] = value
        elif key in _FLASK_CORS_KEYS:
            problems.append(Problem(key, "", "is a flask-cors setting", _FLASK_CORS_KEYS[key]))
        else:
            fix = suggest(key, [*CONFIG_KEYS, _POLICY_KEY], "remove it")
            problems.append(Problem(key, "", "is not a CORS setting", fix))
    if problems:
        raise ConfigError(problems)
    return options, config.get(_POLICY_KEY)


class CORS:
    """The Flask extension: one policy for the whole app, from options and ``app.config``.

    Options are :class:`cors_core.CORSPolicy` keywords. Each can also come from
    ``app.config`` as ``CORS_`` + the upper-case name (``CORS_ALLOW_ORIGINS``,
    ``CORS_ALLOW_METHODS``, ``CORS_ALLOW_HEADERS``, ``CORS_EXPOSE_HEADERS``,
    ``CORS_ALLOW_CREDENTIALS``, ``CORS_MAX_AGE``, ... see :data:`CONFIG_KEYS`);
    keyword arguments win over ``app.config``. ``policy=`` (or ``CORS_POLICY``) takes a
    ready :class:`~cors_core.CORSPolicy` or :class:`~cors_core.PathRules` instead
    (``policy=`` ignores ``app.config``; ``CORS_POLICY`` beside other options is refused).
    Leftover flask-cors keys (``CORS_ORIGINS``, ``CORS_SUPPORTS_CREDENTIALS``, ...) and
    misspelled ``CORS_*`` keys raise :class:`~cors_core.ConfigError` naming the fix.

    ``CORS(app)`` installs at once; ``CORS()`` then ``init_app(app)`` suits app
    factories (options given to the constructor apply to every app).

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
        app: Flask | None = None,
        policy: Engine | None = None,
        **options: Any,
    ) -> None:
        self._policy = policy
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Validate the policy for ``app`` and install the middleware on ``app.wsgi_app``.

        Raises :class:`~cors_core.ConfigError` (listing every problem) at once, so a
        bad configuration stops the app at start-up instead of failing in browsers.

        >>> CORS().init_app(app)
        """
        if _EXTENSION in app.extensions:
            raise RuntimeError("CORS is already installed on this Flask app")
        from_config, config_policy = _config_options(app.config)
        if self._policy is not None:  # explicit: app.config is not consulted
            policy = resolve_policy(self._policy, self._options)
        else:  # CORS_POLICY with other options is refused by resolve_policy
            policy = resolve_policy(config_policy, {**from_config, **self._options})
        middleware = _FlaskCORS(app, app.wsgi_app, policy)
        app.extensions[_EXTENSION] = middleware
        app.wsgi_app = middleware  # type: ignore[method-assign]

    @staticmethod
    def policy_for(app: Flask) -> Engine:
        """The app-wide policy installed on ``app``.

        >>> _ = CORS(app, allow_origins=["https://app.example.com"])
        >>> CORS.policy_for(app).allow_credentials
        False
        """
        middleware: _FlaskCORS = app.extensions[_EXTENSION]
        return middleware.default.policy


def cross_origin(
    policy: Engine | None = None, *, enabled: bool = True, **options: Any
) -> Callable[[F], F]:
    """Give one view its own policy, replacing the app's for that view, preflight included.

    Takes :class:`~cors_core.CORSPolicy` keywords, or ``policy=``; the policy is validated
    when the module is imported. ``enabled=False`` turns CORS off for the view (same as
    :func:`no_cors`). The view function is marked, not wrapped, so it works above or below
    ``@app.route`` and on views registered with ``add_url_rule``. The app needs ``CORS``
    installed (it is the part that reads the marks).

    Unlike flask-cors, ``@cross_origin()`` with no options is refused rather than
    meaning "every origin": write ``@cross_origin(allow_origins=["*"])``.

    Example::

        @app.route("/items/<int:item_id>", methods=["GET", "PUT"])
        @cross_origin(allow_origins=["https://admin.example.com"], allow_methods=["PUT"],
                      allow_credentials=True)
        def item(item_id: int) -> dict[str, int]:
            return {"id": item_id}
    """
    resolved = view_policy(policy, options, enabled=enabled)
    if resolved is None:
        return no_cors

    def mark(view: F) -> F:
        setattr(view, _VIEW_ATTR, resolved)
        return view

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


class _FlaskCORS:
    """The WSGI callable installed as ``app.wsgi_app``: picks the policy, then delegates."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp, policy: Engine) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.default = CORSMiddleware(wsgi_app, policy=policy)
        self._per_view: dict[int, tuple[Any, CORSMiddleware]] = {}
        self._marks_seen: tuple[int, bool] = (-1, False)  # (len(view_functions), any marked)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if not self._any_marked():  # no per-view policy: skip URL matching entirely
            return self.default(environ, start_response)
        marked = self._view_policy(environ)
        if marked is None:
            return self.default(environ, start_response)
        if marked == _DISABLED:
            return self.wsgi_app(environ, start_response)
        return self._middleware(marked)(environ, start_response)

    def _any_marked(self) -> bool:
        """Whether any view carries a mark; recomputed only when views were added."""
        views = self.app.view_functions
        count, marked = self._marks_seen
        if count != len(views):
            marked = any(hasattr(view, _VIEW_ATTR) for view in views.values())
            self._marks_seen = (len(views), marked)
        return marked

    def _middleware(self, policy: Engine) -> CORSMiddleware:
        entry = self._per_view.get(id(policy))
        if entry is None or entry[0] is not policy:
            entry = (policy, CORSMiddleware(self.wsgi_app, policy=policy))
            self._per_view[id(policy)] = entry
        return entry[1]

    def _view_policy(self, environ: Environ) -> Any:
        """The mark on the view that will serve this request (``None``: the app's policy).

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
            view = self.app.view_functions.get(str(endpoint))
            return getattr(view, _VIEW_ATTR, None)
        return None
