"""The URLconf of the django-cors-headers oracle: one view under three prefixes.

The view answers every method (``OPTIONS`` included, as a view a preflight reaches when
CORS is off there) with ``200`` and two headers a page may only read when they are
exposed, so the oracle also compares which response headers a page can read.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path


def item(request: HttpRequest) -> Any:
    response = JsonResponse({"method": request.method})
    response["X-Total"] = "3"
    response["X-Secret"] = "s3cret"
    return response


#: Each prefix the oracle sends requests to.
PREFIXES = ("api", "public", "admin")

urlpatterns = [path(f"{prefix}/items/", item) for prefix in PREFIXES]
