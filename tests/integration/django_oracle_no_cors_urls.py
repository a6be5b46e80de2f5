"""A URLconf whose one mark is ``@no_cors`` (the marks tests load it in a fresh process)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path

from adapters.django import no_cors
from tests.integration.django_oracle_urls import item


@no_cors
def reindex(request: HttpRequest) -> Any:
    return JsonResponse({"reindexed": True})


urlpatterns = [path("api/items/", item), path("api/reindex/", reindex)]
