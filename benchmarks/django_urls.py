"""URLconf of the Django app the benchmarks call (one view returning ``ok``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse  # type: ignore[import-untyped]
from django.urls import path  # type: ignore[import-untyped]


def items(request: Any) -> HttpResponse:
    """The bare view: a 2-byte text response for every method."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("api/items", items)]
