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

Views without a mark use the project's policy (settings or ``CORS_POLICY``).

Example::

    from django.http import JsonResponse
    from django.utils.decorators import method_decorator
    from django.views import View

    from adapters.django import cross_origin, no_cors


    @cross_origin(allow_origins=["*"], allow_methods=["GET"])
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

from collections.abc import Callable
from typing import Any, Final, TypeVar

from cors_core.integration import Engine
from cors_core.integration import view_policy as integration_view_policy

__all__ = [
    "NO_CORS",
    "VIEW_ATTR",
    "NoCORS",
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


def cross_origin(
    policy: Engine | None = None, *, enabled: bool = True, **options: Any
) -> Callable[[F], F]:
    """Give one view its own policy, replacing the project's for that view, preflight included.

    Takes :class:`~cors_core.CORSPolicy` keywords, or ``policy=``; the policy is validated
    when the module is imported (a bad one raises :class:`~cors_core.ConfigError` there).
    ``enabled=False`` is :func:`no_cors`. Works on function views, on ``View`` classes, on
    ``as_view()`` results, and through ``method_decorator`` on ``dispatch`` or a handler.
    The view's policy applies whatever ``CORS_URLS_REGEX`` says (the decorator is explicit).

    ``@cross_origin()`` with no options is refused rather than meaning "every origin":
    write ``@cross_origin(allow_origins=["*"])``.

    >>> @cross_origin(allow_origins=["https://app.example.com"], allow_methods=["PUT"])
    ... def item(request): ...
    >>> view_policy(item).options["allow_methods"]
    ['PUT']
    """
    resolved = integration_view_policy(policy, options, enabled=enabled)
    if resolved is None:
        return no_cors

    def mark(view: F) -> F:
        _mark(view, resolved)
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
