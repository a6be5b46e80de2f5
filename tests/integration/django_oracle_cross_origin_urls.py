"""A URLconf whose one mark is ``@cross_origin`` (the marks tests load it in a fresh
process)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path

from adapters.django import cross_origin
from tests.integration.django_oracle_urls import item


@cross_origin(allow_origins=["https://stats.example"], allow_methods=["GET"])
def stats(request: HttpRequest) -> Any:
    return JsonResponse({"items": 3})


urlpatterns = [path("api/items/", item), path("api/stats/", stats)]
