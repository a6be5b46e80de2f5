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

import functools
import warnings
from collections.abc import Callable
from typing import Any, Final, TypeVar

from cors_core import ConfigError, CORSConfigWarning, CORSPolicy
from cors_core.integration import Engine
from cors_core.integration import view_policy as integration_view_policy

__all__ = [
    "NO_CORS",
    "VIEW_ATTR",
    "NoCORS",
    "ProjectViewPolicy",
    "cross_origin",
    "is_marked",
    "marks_of",
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
    """How many marks were made, and who to tell: the middleware forgets which views it
    found marked when a view is marked after its URLconf was looked at."""

    __slots__ = ("count", "listeners")

    def __init__(self) -> None:
        self.count = 0
        self.listeners: list[Callable[[], None]] = []


marks = _Marks()


def _mark(view: Any, value: Engine | ProjectViewPolicy | NoCORS) -> None:
    setattr(view, VIEW_ATTR, value)
    if isinstance(view, functools.partial):  # method_decorator's bound method, per call:
        return  # its handler already carries the mark
    marks.count += 1
    for listener in marks.listeners:
        listener()


class ProjectViewPolicy:
    """The policy ``@cross_origin(**options)`` gives a view: the project's ``CORS_*``
    settings with the view's options merged over them, the view's winning
    (:func:`cors_core.integration.view_policy`).

    The decorator runs when the views module is imported, before the settings may be
    final, so :meth:`resolve` builds the policy from the current settings when asked: the
    middleware asks at the view's first request and again after a ``CORS_*`` setting
    changes, ``manage.py check`` at start-up; a :class:`~cors_core.ConfigError` (the
    merged policy refused, or no origin anywhere) is raised there.

    >>> from django.test import override_settings
    >>> @cross_origin(allow_methods=["PUT"])
    ... def item(request): ...
    >>> with override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"]):
    ...     view_policy(item).resolve().options["allow_origins"]
    ['https://app.example.com']
    """

    __slots__ = ("view_options",)

    def __init__(self, options: dict[str, Any]) -> None:
        #: The options the decorator was given.
        self.view_options = options

    def resolve(self) -> Engine:
        """The policy for the current settings (built at each call)."""
        return _project_view_policy(self.view_options)

    @property
    def options(self) -> Any:
        """The built policy's options (:attr:`cors_core.CORSPolicy.options`)."""
        return getattr(self.resolve(), "options", None)

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
    them (a misspelt name beside the others); the rest (credentials with the settings'
    origins ...) at the first use."""
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
    as a refused merged policy is, and ``manage.py check`` reports both at start-up for
    the views ``ROOT_URLCONF`` routes to. Misspelt option names are refused at import.
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
    value: Engine | ProjectViewPolicy
    if policy is not None or not enabled:
        resolved = integration_view_policy(policy, options, enabled=enabled)
        if resolved is None:
            return no_cors
        value = resolved
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


Mark = Engine | ProjectViewPolicy | NoCORS


def _mark_of(obj: Any) -> Mark | None:
    value: Mark | None = getattr(obj, VIEW_ATTR, None)
    return value


def _class_of(view: Any) -> Any:
    cls = getattr(view, "view_class", None)
    return view if cls is None and isinstance(view, type) else cls


def marks_of(view: Any) -> list[tuple[str, Mark]]:
    """Every mark ``view`` (a URL pattern's callback) carries, with where it sits: on
    itself, on its ``View`` class, or on one of that class's handlers.

    >>> @no_cors
    ... def reindex(request): ...
    >>> marks_of(reindex)
    [('reindex', NO_CORS)]
    """
    found = []
    cls = _class_of(view)
    mark = _mark_of(view)
    if mark is not None:
        name = getattr(view, "__qualname__", repr(view))
        if cls is not None and cls is not view:
            name = f"{cls.__qualname__}.as_view()"
        found.append((name, mark))
    if cls is not None:
        mark = _mark_of(cls)
        if mark is not None and cls is not view:
            found.append((cls.__qualname__, mark))
        for name in getattr(cls, "http_method_names", ()):
            mark = _mark_of(getattr(cls, name, None))
            if mark is not None:
                found.append((f"{cls.__qualname__}.{name}", mark))
    return found


def is_marked(view: Any) -> bool:
    """Whether ``view`` (a URL pattern's callback) carries a mark anywhere: on itself, on
    its ``View`` class, or on one of that class's handlers."""
    return bool(marks_of(view))


def view_policy(view: Any, method: str | None = None) -> Mark | None:
    """The policy a view is marked with for ``method`` (``None`` when unmarked).

    ``view`` is what the URL resolves to (``ResolverMatch.func``); ``method`` the request's
    method, or for a preflight the method it announces, which picks a class-based view's
    handler (as ``View.dispatch`` does: lowercased, among ``http_method_names``).
    """
    cls = _class_of(view)
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
