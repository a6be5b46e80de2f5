"""``adapters.django.decorators`` pinned: where a mark is found, and what each call returns.

The decorators run inside the tests (not only when a URLconf is imported), and every
answer is compared exactly: the policy object, ``NO_CORS``, ``None``, ``True``/``False``.
"""

from __future__ import annotations

import warnings
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
    marks_of,
    no_cors,
    view_policy,
)
from cors_core import ConfigError, CORSConfigWarning, CORSPolicy
from tests.integration.django_support import BASE, cors_settings

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
    fresh = _Marks()
    assert (fresh.count, fresh.listeners) == (0, [])


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


# ------------------------------------------------------------------------- marks_of


class _Repr:
    """A callable view object without ``__qualname__``: named by its repr."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"")

    def __repr__(self) -> str:
        return "<the callable view>"


def test_marks_of_names_each_mark_where_it_sits() -> None:
    @cross_origin(allow_origins=[CLASS_ORIGIN])
    class Marked(View):
        @method_decorator(cross_origin(allow_origins=[GET_ORIGIN]))
        def get(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse(b"")

    name = Marked.__qualname__
    view = cross_origin(allow_origins=[AS_VIEW_ORIGIN])(Marked.as_view())
    found = marks_of(view)
    assert [where for where, _ in found] == [f"{name}.as_view()", name, f"{name}.get"]
    assert [_origins(mark) for _, mark in found] == [
        [AS_VIEW_ORIGIN],
        [CLASS_ORIGIN],
        [GET_ORIGIN],
    ]
    # The class itself: its own mark once, under its own name.
    assert [(where, _origins(mark)) for where, mark in marks_of(_ClassOnly)] == [
        ("_ClassOnly", [CLASS_ORIGIN])
    ]
    assert [where for where, _ in marks_of(_ClassOnly.as_view())] == ["_ClassOnly"]
    callable_view = no_cors(_Repr())
    assert marks_of(callable_view) == [("<the callable view>", NO_CORS)]
    assert marks_of(_Unmarked) == []


# ------------------------------------------------------- cross_origin(**options)


def test_the_repr_shows_the_views_options() -> None:
    mark = cross_origin(allow_origins=[GET_ORIGIN], max_age=60)
    view = mark(lambda request: HttpResponse(b""))
    assert repr(view_policy(view)) == (
        "cross_origin(allow_origins=['https://get.example'], max_age=60) over the CORS_* settings"
    )


def test_a_misspelt_option_is_refused_beside_the_other_problems() -> None:
    """As :class:`CORSPolicy` does: every problem of the view's options at once."""
    with pytest.raises(ConfigError) as refused:
        cross_origin(
            allow_origin=[GET_ORIGIN],
            allow_origins=["https://b.example/"],
            allow_methods=["TRACE"],
        )
    assert [(p.option, p.entry, p.problem, p.fix) for p in refused.value.problems] == [
        ("allow_origin", "", "is not a CORS option", "did you mean 'allow_origins'?"),
        (
            "allow_origins",
            "'https://b.example/'",
            "has a trailing slash",
            "write 'https://b.example' (browsers send origins without any path)",
        ),
        (
            "allow_methods",
            "'TRACE'",
            "is a forbidden method browsers never send",
            "remove it",
        ),
    ]


def test_only_the_policys_own_warnings_wait_for_the_first_request() -> None:
    """At import, the check stays quiet about CORSConfigWarnings (they come when the
    policy is built) but lets any other warning through: Python warns once about a
    regex it compiles, and the policy built later reuses the compiled one."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cross_origin(allow_origin_regex=r"https://[[p-r]+\.pinned-decorators\.example")
        cross_origin(allow_origins=["http://plain.example"], allow_credentials=True)
    categories = {w.category for w in caught}
    assert FutureWarning in categories
    assert not any(issubclass(c, CORSConfigWarning) for c in categories)


#: The project without any CORS setting.
NO_CORS_SETTINGS: dict[str, Any] = {k: v for k, v in BASE.items() if not k.startswith("CORS_")}


def test_a_settings_problem_in_the_merged_policy_is_named_as_the_project_wrote_it() -> None:
    view = cross_origin(allow_credentials=True)(lambda request: HttpResponse(b""))
    with (
        cors_settings(NO_CORS_SETTINGS, CORS_ORIGIN_ALLOW_ALL=True),
        pytest.raises(ConfigError) as refused,
    ):
        view_policy(view).resolve()  # type: ignore[union-attr]
    assert [(p.option, p.entry, p.problem, p.fix) for p in refused.value.problems] == [
        (
            "CORS_ORIGIN_ALLOW_ALL",
            "True",
            "allows every origin together with CORS_ALLOW_CREDENTIALS = True, so any "
            "website can read your users' authenticated responses",
            "list the trusted origins instead of CORS_ORIGIN_ALLOW_ALL: "
            'CORS_ALLOWED_ORIGINS = ["https://app.example.com"]; or, if pages send no '
            "cookies (a token API needs none), set CORS_ALLOW_CREDENTIALS = False",
        )
    ]


def test_without_cors_settings_the_views_options_are_the_whole_policy() -> None:
    """No django-cors-headers defaults (its methods, headers, a day's max age) creep in:
    the policy is the engine's, built from the view's options alone."""
    options = {"allow_origins": [GET_ORIGIN], "allow_methods": ["PUT"]}
    view = cross_origin(**options)(lambda request: HttpResponse(b""))
    with cors_settings(NO_CORS_SETTINGS):
        built = view_policy(view).resolve()  # type: ignore[union-attr]
    assert isinstance(built, CORSPolicy)
    assert built.options == CORSPolicy(**options).options
    assert (built.options["max_age"], built.options["allow_headers"]) == (
        600,
        ("accept", "accept-language", "content-language", "content-type"),
    )
