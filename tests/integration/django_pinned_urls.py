"""A URLconf for ``test_django_middleware_pinned``: a handler-marked view without ``head``,
a blocking view, and a plain one. Every view records its calls in :data:`CALLS`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from adapters.django import cross_origin

GET_ORIGIN = "https://get.example"
BLOCKING_ORIGIN = "https://blocking.example"

#: (method, path) of every call that reached a view.
CALLS: list[tuple[str, str]] = []


def _answer(request: HttpRequest) -> HttpResponse:
    CALLS.append((request.method or "", request.path))
    return HttpResponse(b"view")


@method_decorator(csrf_exempt, name="dispatch")
class GetMarked(View):
    """Only ``get`` is marked; HEAD is served by ``get()``, POST uses the project's policy."""

    @method_decorator(cross_origin(allow_origins=[GET_ORIGIN], allow_methods=["GET"]))
    def get(self, request: HttpRequest) -> HttpResponse:
        return _answer(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        return _answer(request)


@csrf_exempt
@cross_origin(allow_origins=[BLOCKING_ORIGIN], block_disallowed=True)
def blocking(request: HttpRequest) -> HttpResponse:
    return _answer(request)


@csrf_exempt
def plain(request: HttpRequest) -> HttpResponse:
    return _answer(request)


def late(request: HttpRequest) -> HttpResponse:
    """Unmarked until a test marks it (after the URLconf was loaded)."""
    return _answer(request)


#: Every mark sits in an included URLconf, and unmarked patterns follow it.
urlpatterns = [
    path(
        "pinned/",
        include(
            [
                path("get-marked/", GetMarked.as_view()),
                path("blocking/", blocking),
            ]
        ),
    ),
    path("pinned/plain/", plain),
]


class Unmarked:
    """A URLconf (any object with ``urlpatterns``) routing to no marked view."""

    urlpatterns = [path("pinned/plain/", plain), path("pinned/late/", late)]
