"""Per-view CORS: ``@cross_origin(...)`` gives a view its own policy, ``@no_cors`` none.

The decorators mark the view, they do not wrap it: the middleware finds the view of a
request by resolving its URL (``django.urls.resolve(request.path_info)``) and answers with
that view's policy, preflights included, before the view runs. A mark survives the usual
wrappers (``functools.wraps``, ``login_required``, ``csrf_exempt``, ``method_decorator``).

Where a mark can go, most specific first:

1. a class-based view's handler method (``@method_decorator(cross_origin(...), name="put")``):
   requests with that method, and preflights announcing it;
2. the view function: a function view, ``View.as_view()``'s result (``cross_origin(...)
   (ItemView.as_view())``, as for a DRF view), or ``dispatch`` through
   ``@method_decorator(cross_origin(...), name="dispatch")``;
3. the ``View`` class itself (``@cross_origin(...)`` above ``class ItemView(View)``).

Views without a mark use the project's policy (settings or ``CORS_POLICY``). A view's
options are merged over the project's ``CORS_*`` settings, the view's winning, when the
view first serves a request (:class:`ProjectViewPolicy`), as Flask's ``@cross_origin``
merges them over ``app.config``: both are :func:`cors_core.integration.view_policy`.

Example::

    from django.http import JsonResponse
    from django.utils.decorators import method_decorator
    from django.views import View

    from adapters.django import cross_origin, no_cors


    @cross_origin(allow_origins=["*"], allow_credentials=False, allow_methods=["GET"])
    def public_stats(request):
        return JsonResponse({"todos": 3})


    @no_cors
    def reindex(request):
        return JsonResponse({"ok": True})


    @method_decorator(
        cross_origin(allow_origins=["https://admin.example.com"], allow_methods=["PUT"],
                     allow_credentials=True),
        name="dispatch",
    )
    class NoteView(View):
        def put(self, request, note_id):
            return JsonResponse({"id": note_id})
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, Final, TypeVar

from cors_core import ConfigError, CORSConfigWarning, CORSPolicy, Decision
from cors_core.integration import Engine, unknown_options
from cors_core.integration import view_policy as integration_view_policy

__all__ = [
    "NO_CORS",
    "VIEW_ATTR",
    "NoCORS",
    "ProjectViewPolicy",
    "cross_origin",
    "is_marked",
    "no_cors",
    "view_policy",
]

F = TypeVar("F", bound=Callable[..., Any])

#: The attribute a decorator sets on the view (copied along by ``functools.wraps``).
VIEW_ATTR: Final = "cors_core_policy"


class NoCORS:
    """The type of :func:`no_cors`'s mark (one instance, :data:`NO_CORS`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_CORS"


#: What :func:`view_policy` returns for a view marked with :func:`no_cors`.
NO_CORS: Final = NoCORS()


class _Marks:
    """How many marks were made: the middleware looks again for marked views in its
    URLconf when the count grows (a view marked after the URLconf was loaded)."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


marks = _Marks()


def _mark(view: Any, value: Engine | NoCORS) -> None:
    setattr(view, VIEW_ATTR, value)
    marks.count += 1


class ProjectViewPolicy:
    """The policy ``@cross_origin(**options)`` gives a view: the project's ``CORS_*``
    settings with the view's options merged over them, the view's winning
    (:func:`cors_core.integration.view_policy`).

    The decorator runs when the views module is imported, before the settings may be
    final, so the policy is built at its first use and again after a ``CORS_*`` setting
    changes (``override_settings``); a :class:`~cors_core.ConfigError` (the merged policy
    refused, or no origin anywhere) is raised there. It decides as the built
    :class:`~cors_core.CORSPolicy` does; :meth:`resolve` returns that policy.

    >>> from django.test import override_settings
    >>> @cross_origin(allow_methods=["PUT"])
    ... def item(request): ...
    >>> with override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"]):
    ...     view_policy(item).resolve().options["allow_origins"]
    ['https://app.example.com']
    """

    __slots__ = ("_built", "_hook", "_seen", "view_options")

    #: The built policy reads the host (an origin pattern may): it is always given.
    uses_path = False
    uses_host = True
    #: The answer without ``Origin`` depends on the settings: the policy is asked.
    no_origin_decision: Decision | None = None

    def __init__(self, options: dict[str, Any], hook: Callable[[str], bool] | None = None) -> None:
        #: The options the decorator was given.
        self.view_options = options
        self._hook = hook
        self._built: Engine | None = None
        self._seen = -1

    def with_origin_hook(self, hook: Callable[[str], bool]) -> ProjectViewPolicy:
        """This view policy, its built policy also allowing the well-formed origins
        ``hook`` admits (see :meth:`cors_core.CORSPolicy.with_origin_hook`)."""
        return ProjectViewPolicy(self.view_options, hook)

    def resolve(self) -> Engine:
        """The policy for the current settings (built again after a ``CORS_*`` change)."""
        from adapters.django.conf import generation

        built = self._built
        if built is None or self._seen != generation.cors:
            seen = generation.cors
            built = _project_view_policy(self.view_options)
            hooked = None if self._hook is None else getattr(built, "with_origin_hook", None)
            if hooked is not None:
                built = hooked(self._hook)
            self._built, self._seen = built, seen
        return built

    @property
    def options(self) -> Any:
        """The built policy's options (:attr:`cors_core.CORSPolicy.options`)."""
        return getattr(self.resolve(), "options", None)

    @property
    def websocket_origins(self) -> bool:
        return self.resolve().websocket_origins

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
        """Decide with the policy for the current settings (:meth:`resolve`)."""
        return self.resolve().decide(
            method,
            origin,
            request_method,
            request_headers,
            private_network,
            path=path,
            host=host,
            scheme=scheme,
        )

    def decide_websocket(
        self, origin: str | None, host: str | None, scheme: str, *, path: str = ""
    ) -> Decision:
        return self.resolve().decide_websocket(origin, host, scheme, path=path)

    def for_path(self, path: str) -> Any:
        """The built policy (it governs every path of the view)."""
        return self.resolve().for_path(path)

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self.view_options.items())
        return f"cross_origin({given}) over the CORS_* settings"


def _project_view_policy(options: dict[str, Any]) -> Engine:
    """``options`` merged over the project's ``CORS_*`` settings (none set: the options
    alone; ``CORS_POLICY`` is a ready policy, not options, and is not merged)."""
    from django.conf import settings  # type: ignore[import-untyped]

    from adapters.django.conf import settings_options
    from adapters.django.wording import in_settings

    configured, used = settings_options(settings)

    def build(merged: dict[str, Any], from_settings: frozenset[str]) -> Engine:
        try:
            return CORSPolicy(**merged)
        except ConfigError as exc:  # a setting's problem named as the project wrote it
            raise ConfigError(
                [in_settings(p, settings) if p.option in from_settings else p for p in exc.problems]
            ) from None

    engine = integration_view_policy(
        None,
        options,
        defaults=configured if used else {},
        build=build,
        configured_in="the CORS_* settings",
    )
    assert engine is not None  # enabled: view_policy gives an engine
    return engine


def _check_view_options(options: dict[str, Any]) -> None:
    """What can be checked before the settings are final: the names, and the values of
    the options the view gives (a malformed origin ...), each problem named by one of
    them; the rest (credentials with the settings' origins ...) at the first use."""
    problems = unknown_options(options)
    if problems:
        raise ConfigError(problems)
    try:
        with warnings.catch_warnings():  # warned when the view's policy is built
            warnings.simplefilter("ignore", CORSConfigWarning)
            CORSPolicy(**options)
    except ConfigError as exc:
        mine = [p for p in exc.problems if p.option in options]
        if mine:
            raise ConfigError(mine) from None


def cross_origin(
    policy: Engine | None = None, *, enabled: bool = True, **options: Any
) -> Callable[[F], F]:
    """Give one view its own policy, replacing the project's for that view, preflight included.

    Takes :class:`~cors_core.CORSPolicy` keywords, merged over the project's ``CORS_*``
    settings (``CORS_ALLOWED_ORIGINS``, ``CORS_ALLOW_CREDENTIALS`` ...: the options
    :func:`adapters.django.conf.settings_options` reads), the view's winning; an origin
    option on the view replaces every origin setting. ``@cross_origin()`` applies the
    project's settings to the view (even where ``CORS_URLS_REGEX`` leaves the path out).
    The policy is built at the view's first request and again after a ``CORS_*`` setting
    changes (:class:`ProjectViewPolicy`); a view policy with no origin anywhere (no
    options and no settings) is refused there with a :class:`~cors_core.ConfigError`,
    as a refused merged policy is. Misspelt option names are refused at import.
    ``policy=`` takes a ready engine instead (the settings are then not read).
    ``enabled=False`` is :func:`no_cors`. Works on function views, on ``View`` classes,
    on ``as_view()`` results, and through ``method_decorator`` on ``dispatch`` or a
    handler. The view's policy applies whatever ``CORS_URLS_REGEX`` says (the decorator
    is explicit).

    >>> @cross_origin(allow_origins=["https://app.example.com"], allow_methods=["PUT"])
    ... def item(request): ...
    >>> view_policy(item).options["allow_methods"]
    ['PUT']
    """
    if policy is not None or not enabled:
        resolved: Engine | None = integration_view_policy(policy, options, enabled=enabled)
        if resolved is None:
            return no_cors
        value: Engine = resolved
    else:
        _check_view_options(options)
        value = ProjectViewPolicy(dict(options))

    def mark(view: F) -> F:
        _mark(view, value)
        return view

    return mark


def no_cors(view: F) -> F:
    """Turn CORS off for one view: no CORS headers, and preflights reach the view.

    Browsers then block cross-origin reads of it, whatever the project's policy allows.

    >>> @no_cors
    ... def reindex(request): ...
    >>> view_policy(reindex)
    NO_CORS
    """
    _mark(view, NO_CORS)
    return view


Mark = Engine | NoCORS


def _mark_of(obj: Any) -> Mark | None:
    value: Mark | None = getattr(obj, VIEW_ATTR, None)
    return value


def is_marked(view: Any) -> bool:
    """Whether ``view`` (a URL pattern's callback) carries a mark anywhere: on itself, on
    its ``View`` class, or on one of that class's handlers."""
    if _mark_of(view) is not None:
        return True
    cls = getattr(view, "view_class", None)
    if cls is None and isinstance(view, type):
        cls = view
    if cls is None:
        return False
    if _mark_of(cls) is not None:
        return True
    names = getattr(cls, "http_method_names", ())
    return any(_mark_of(getattr(cls, name, None)) is not None for name in names)


def view_policy(view: Any, method: str | None = None) -> Mark | None:
    """The policy a view is marked with for ``method`` (``None`` when unmarked).

    ``view`` is what the URL resolves to (``ResolverMatch.func``); ``method`` the request's
    method, or for a preflight the method it announces, which picks a class-based view's
    handler (as ``View.dispatch`` does: lowercased, among ``http_method_names``).
    """
    cls = getattr(view, "view_class", None)
    if cls is None and isinstance(view, type):
        cls = view
    if cls is not None and method is not None:
        name = method.lower()
        if name in getattr(cls, "http_method_names", ()):
            handler = getattr(cls, name, None)
            if handler is None and name == "head":  # View.setup() serves HEAD with get()
                handler = getattr(cls, "get", None)
            found = _mark_of(handler)
            if found is not None:
                return found
    found = _mark_of(view)
    if found is None and cls is not None:
        found = _mark_of(cls)
    return found
