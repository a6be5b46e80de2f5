"""A URLconf of views that carry their own CORS policy, in every place a mark can go.

``ROOT_URLCONF = "tests.integration.django_views"``. Every view records its calls in
:data:`CALLS` (method and path), so a test can tell whether a request reached it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from adapters.django import cross_origin, no_cors
from cors_core import CORSPolicy

#: Origins each view's own policy allows (none of them is in the project's settings).
CLASS_ORIGIN = "https://class.example"
AS_VIEW_ORIGIN = "https://as-view.example"
PUT_ORIGIN = "https://put.example"
DISPATCH_ORIGIN = "https://dispatch.example"
FUNCTION_ORIGIN = "https://function.example"
ASYNC_ORIGIN = "https://async.example"
BLOCKING_ORIGIN = "https://blocking.example"

#: (method, path) of every call that reached a view.
CALLS: list[tuple[str, str]] = []


def _answer(request: HttpRequest, name: str) -> HttpResponse:
    CALLS.append((request.method or "", request.path))
    response = JsonResponse({"view": name, "method": request.method})
    response["X-View"] = name
    return response


def logged(view: Callable[..., Any]) -> Callable[..., Any]:
    """A typical wrapping decorator (``functools.wraps``), like ``login_required``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return view(request, *args, **kwargs)

    return wrapper


@csrf_exempt
@logged
@cross_origin(allow_origins=[FUNCTION_ORIGIN], allow_methods=["GET", "PUT"], max_age=60)
def function_view(request: HttpRequest) -> HttpResponse:
    return _answer(request, "function")


@cross_origin(allow_origins=[ASYNC_ORIGIN], allow_methods=["DELETE"], allow_credentials=True)
async def async_view(request: HttpRequest) -> HttpResponse:
    return _answer(request, "async")


@csrf_exempt
@no_cors
def no_cors_view(request: HttpRequest) -> HttpResponse:
    return _answer(request, "no_cors")


@csrf_exempt
@cross_origin(enabled=False)
def disabled_view(request: HttpRequest) -> HttpResponse:
    return _answer(request, "disabled")


@csrf_exempt
@cross_origin(allow_origins=[BLOCKING_ORIGIN], allow_methods=["GET"], block_disallowed=True)
def blocking_view(request: HttpRequest) -> HttpResponse:
    return _answer(request, "blocking")


def plain_view(request: HttpRequest) -> HttpResponse:
    """No mark: the project's policy."""
    return _answer(request, "plain")


@cross_origin(allow_origins=[CLASS_ORIGIN], allow_methods=["GET", "PATCH"])
@method_decorator(csrf_exempt, name="dispatch")
class ClassMarked(View):
    """``@cross_origin`` right on the ``View`` class."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _answer(request, "class")

    def patch(self, request: HttpRequest) -> HttpResponse:
        return _answer(request, "class")


@method_decorator(csrf_exempt, name="dispatch")
class Plain(View):
    """No mark; wrapped by ``cross_origin(...)(Plain.as_view())`` below, as for a DRF view."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _answer(request, "as_view")

    def post(self, request: HttpRequest) -> HttpResponse:
        return _answer(request, "as_view")


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(
    cross_origin(
        allow_origins=[DISPATCH_ORIGIN],
        allow_methods=["PUT"],
        allow_headers=["x-token"],
        allow_credentials=True,
    ),
    name="dispatch",
)
class DispatchMarked(View):
    """``method_decorator(cross_origin(...), name="dispatch")``: every method."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _answer(request, "dispatch")

    def put(self, request: HttpRequest) -> HttpResponse:
        return _answer(request, "dispatch")


@cross_origin(allow_origins=[CLASS_ORIGIN])  # the class mark: GET (and HEAD), POST
@method_decorator(csrf_exempt, name="dispatch")
class HandlerMarked(View):
    """One handler with its own policy (``name="put"``): the most specific mark wins."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _answer(request, "handler")

    def post(self, request: HttpRequest) -> HttpResponse:
        return _answer(request, "handler")

    @method_decorator(
        cross_origin(allow_origins=[PUT_ORIGIN], allow_methods=["PUT"], allow_headers=["x-put"])
    )
    def put(self, request: HttpRequest) -> HttpResponse:
        return _answer(request, "handler")


#: A policy given with ``policy=``, shared by two views.
SHARED = CORSPolicy(allow_origins=[FUNCTION_ORIGIN, CLASS_ORIGIN], expose_headers=["x-view"])


@cross_origin(policy=SHARED)
def shared_view(request: HttpRequest) -> HttpResponse:
    return _answer(request, "shared")


# A Django REST framework view: the class mark, and the as_view() mark in the URLconf.
from rest_framework.response import Response as DRFResponse  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


@cross_origin(allow_origins=[CLASS_ORIGIN], allow_methods=["PATCH"], allow_headers=["x-drf"])
class DRFMarked(APIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    def get(self, request: Any) -> Any:
        CALLS.append(("GET", request.path))
        return DRFResponse({"view": "drf"})

    def patch(self, request: Any) -> Any:
        CALLS.append(("PATCH", request.path))
        return DRFResponse({"view": "drf"})


def raising_view(request: HttpRequest) -> HttpResponse:
    CALLS.append((request.method or "", request.path))
    raise RuntimeError("boom")


raising_marked = cross_origin(allow_origins=[FUNCTION_ORIGIN])(raising_view)

urlpatterns = [
    path("views/function/", function_view),
    path("views/async/", async_view),
    path("views/no-cors/", no_cors_view),
    path("views/disabled/", disabled_view),
    path("views/blocking/", blocking_view),
    path("views/plain/", plain_view),
    path("views/class/", ClassMarked.as_view()),
    path("views/drf/", DRFMarked.as_view()),
    path("views/as-view/", cross_origin(allow_origins=[AS_VIEW_ORIGIN])(Plain.as_view())),
    path("views/dispatch/", DispatchMarked.as_view()),
    path("views/handler/", HandlerMarked.as_view()),
    path("views/shared/", shared_view),
    path("views/raising/", raising_marked),
    path("other/function/", function_view),
]


class ShortCircuitMiddleware:
    """Below the CORS middleware: answers requests with ``X-Short`` itself (as an
    authentication middleware would), so no view runs and ``process_view`` is never called."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "X-Short" in request.headers:
            return HttpResponse(b"answered by a middleware", status=401)
        return self.get_response(request)
