"""``adapters.django.decorators`` pinned: where a mark is found, and what each call returns.

The decorators run inside the tests (not only when a URLconf is imported), and every
answer is compared exactly: the policy object, ``NO_CORS``, ``None``, ``True``/``False``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View

from adapters.django.decorators import (
    NO_CORS,
    VIEW_ATTR,
    NoCORS,
    ProjectViewPolicy,
    _Marks,
    cross_origin,
    is_marked,
    marks,
    no_cors,
    view_policy,
)
from cors_core import ConfigError, CORSPolicy

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

GET_ORIGIN = "https://get.example"
HEAD_ORIGIN = "https://head.example"
CLASS_ORIGIN = "https://class.example"
AS_VIEW_ORIGIN = "https://as-view.example"


def _view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"")


def _policy(origin: str) -> CORSPolicy:
    return CORSPolicy(allow_origins=[origin])


def _origins(found: Any) -> list[str]:
    """The origins of a ``cross_origin(**options)`` mark's policy (built on first use)."""
    assert isinstance(found, ProjectViewPolicy), found
    built = found.resolve()
    assert isinstance(built, CORSPolicy)
    origins: list[str] = built.options["allow_origins"]
    return origins


# ------------------------------------------------------------------------ the marks


def test_no_cors_repr_and_a_fresh_mark_count() -> None:
    assert repr(NO_CORS) == "NO_CORS"
    assert isinstance(NO_CORS, NoCORS)
    assert _Marks().count == 0


def test_each_mark_counts_once_and_sets_the_attribute() -> None:
    def first(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")

    def second(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")

    shared = _policy(GET_ORIGIN)
    before = marks.count
    assert cross_origin(policy=shared)(first) is first
    assert marks.count == before + 1
    assert no_cors(second) is second
    assert marks.count == before + 2
    assert getattr(first, VIEW_ATTR) is shared
    assert getattr(second, VIEW_ATTR) is NO_CORS


def test_cross_origin_in_each_of_its_forms() -> None:
    def options_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")

    def policy_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")

    def off_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")

    cross_origin(allow_origins=[GET_ORIGIN], allow_methods=["PUT"])(options_view)
    found = view_policy(options_view)
    assert _origins(found) == [GET_ORIGIN]
    assert isinstance(found, ProjectViewPolicy) and found.view_options == {
        "allow_origins": [GET_ORIGIN],
        "allow_methods": ["PUT"],
    }
    assert found.options["allow_methods"] == ["PUT"]
    shared = _policy(CLASS_ORIGIN)
    cross_origin(shared)(policy_view)
    assert view_policy(policy_view) is shared
    assert cross_origin(enabled=False) is no_cors
    cross_origin(enabled=False)(off_view)
    assert view_policy(off_view) is NO_CORS
    with pytest.raises(ConfigError) as both:
        cross_origin(shared, enabled=False)
    assert str(both.value.problems[0].option) == "enabled"
    assert both.value.problems[0].fix == "drop the options"


# ------------------------------------------------------------------- view_policy


class _GetMarked(View):
    """No class mark; ``get`` marked, no ``head``: HEAD is served with ``get()``."""

    @method_decorator(cross_origin(allow_origins=[GET_ORIGIN]))
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")


class _HeadMarked(_GetMarked):
    """An explicit ``head`` with its own mark: not ``get()``'s."""

    @method_decorator(cross_origin(allow_origins=[HEAD_ORIGIN]))
    def head(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")


@cross_origin(allow_origins=[CLASS_ORIGIN])
class _Restricted(View):
    """A class mark, and a marked ``purge`` Django never dispatches (not in the names)."""

    http_method_names = ["get", "put"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")

    @method_decorator(cross_origin(allow_origins=[GET_ORIGIN]))
    def purge(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")

    @method_decorator(cross_origin(allow_origins=[HEAD_ORIGIN]))
    def put(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")


@cross_origin(allow_origins=[CLASS_ORIGIN])
class _ClassOnly(View):
    """A class mark and no handler mark."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")


class _Unmarked(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")


class _PostOnly(View):
    """Neither ``get`` nor ``head``: a HEAD request finds no handler."""

    def post(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")


class _NotAView:
    """A class without ``http_method_names``."""

    def get(self) -> None: ...


def test_view_policy_given_the_class_or_its_as_view_result() -> None:
    for view in (_Restricted, _Restricted.as_view()):
        assert _origins(view_policy(view)) == [CLASS_ORIGIN]
        assert _origins(view_policy(view, "get")) == [CLASS_ORIGIN]
        assert _origins(view_policy(view, "put")) == [HEAD_ORIGIN]
        assert _origins(view_policy(view, "PUT")) == [HEAD_ORIGIN]  # lowercased, as dispatch
        # purge is marked but not in http_method_names: Django never calls it.
        assert _origins(view_policy(view, "PURGE")) == [CLASS_ORIGIN]
        assert _origins(view_policy(view, "purge")) == [CLASS_ORIGIN]


def test_head_falls_back_to_get_unless_head_is_defined() -> None:
    for view in (_GetMarked, _GetMarked.as_view()):
        assert _origins(view_policy(view, "HEAD")) == [GET_ORIGIN]
        assert _origins(view_policy(view, "GET")) == [GET_ORIGIN]
        assert view_policy(view, "OPTIONS") is None
        assert view_policy(view, "POST") is None
        assert view_policy(view) is None
    for view in (_HeadMarked, _HeadMarked.as_view()):
        assert _origins(view_policy(view, "HEAD")) == [HEAD_ORIGIN]
        assert _origins(view_policy(view, "GET")) == [GET_ORIGIN]


def test_an_as_view_mark_wins_over_the_class_mark() -> None:
    view = cross_origin(allow_origins=[AS_VIEW_ORIGIN])(_Restricted.as_view())
    assert _origins(view_policy(view)) == [AS_VIEW_ORIGIN]
    assert _origins(view_policy(view, "GET")) == [AS_VIEW_ORIGIN]
    assert _origins(view_policy(view, "PUT")) == [HEAD_ORIGIN]  # the handler, still first


def test_unmarked_and_odd_views() -> None:
    assert view_policy(_Unmarked, "GET") is None
    assert view_policy(_Unmarked.as_view(), "PUT") is None
    assert view_policy(_NotAView, "get") is None
    assert view_policy(_PostOnly, "HEAD") is None
    assert view_policy(_PostOnly.as_view(), "head") is None
    assert view_policy(_view, "GET") is None
    assert view_policy(None) is None
    # A view instance is not its class: its handlers are not looked at.
    assert view_policy(_GetMarked(), "GET") is None


# ------------------------------------------------------------------------ is_marked


def test_is_marked_wherever_the_mark_is() -> None:
    assert is_marked(_GetMarked) is True  # a handler mark only, the class itself
    assert is_marked(_GetMarked.as_view()) is True
    assert is_marked(_Restricted) is True
    assert is_marked(_Restricted.as_view()) is True
    assert is_marked(_ClassOnly) is True  # the class mark alone
    assert is_marked(_ClassOnly.as_view()) is True
    marked = cross_origin(allow_origins=[AS_VIEW_ORIGIN])(_Unmarked.as_view())
    assert is_marked(marked) is True
    no_cors_view = no_cors(lambda request: HttpResponse(b""))
    assert is_marked(no_cors_view) is True


def test_is_marked_is_false_without_a_mark() -> None:
    class OnlyUndispatched(View):
        http_method_names = ["get"]

        def get(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse(b"")

        @method_decorator(cross_origin(allow_origins=[GET_ORIGIN]))
        def put(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse(b"")

    assert is_marked(_Unmarked) is False
    assert is_marked(_Unmarked.as_view()) is False
    assert is_marked(OnlyUndispatched) is False  # put is never dispatched
    assert is_marked(OnlyUndispatched.as_view()) is False
    assert is_marked(_NotAView) is False
    assert is_marked(_GetMarked()) is False  # an instance: its handlers are not looked at
    assert is_marked(_view) is False
    assert is_marked(None) is False
