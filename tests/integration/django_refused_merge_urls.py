"""A URLconf whose views' ``@cross_origin(...)`` marks are refused once merged over
settings with credentials (``allow_origins=["*"]``) or without any origin (a bare
``@cross_origin()``), for the system checks' tests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.utils.decorators import method_decorator
from django.views import View

from adapters.django import cross_origin
from tests.integration.django_oracle_urls import item


@cross_origin(allow_origins=["*"])
def public(request: HttpRequest) -> Any:
    return JsonResponse({"public": True})


@method_decorator(cross_origin(allow_origins=["*"], allow_methods=["PUT"]), name="put")
class Notes(View):
    def put(self, request: HttpRequest) -> Any:
        return JsonResponse({"put": True})


@cross_origin()
def bare(request: HttpRequest) -> Any:
    return JsonResponse({"bare": True})


urlpatterns = [
    path("api/items/", item),
    path("api/", include([path("public/", public), path("notes/", Notes.as_view())])),
    path("api/bare/", bare),
]
