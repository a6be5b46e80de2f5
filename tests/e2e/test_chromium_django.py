"""Headless Chromium against a Django API configured with django-cors-headers' settings.

The API (this module is its URLconf) runs under waitress on ``http://127.0.0.1:<port>``
with ``adapters.django.CORSMiddleware`` and ``CORS_ALLOWED_ORIGINS``,
``CORS_ALLOW_CREDENTIALS`` and ``CORS_ALLOW_HEADERS``; one class-based view carries its own
``cross_origin`` policy and one view is ``no_cors``. Pages on ``http://localhost:<port>``
(and the same-site ``http://127.0.0.1:<port>`` for cookies) call it with ``fetch()``, and
each test asserts what Chromium let the page do and what reached the views.

Run alone: ``uv run pytest tests/e2e/test_chromium_django.py -m browser``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

import tests.integration.conftest  # noqa: F401  (configures Django, once per process)
from adapters.django import DEFAULT_HEADERS, cross_origin, no_cors
from tests.e2e.chromium import Tab
from tests.e2e.conftest import Origins
from tests.integration.django_support import BASE, CORS_SETTINGS, cors_settings
from tests.servers import serve_wsgi

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning"),
]

OpenTab = Callable[..., Tab]
BLOCKED = "TypeError: Failed to fetch"
#: Filled by the ``api`` fixture: the views need the page origins, known only then.
urlpatterns: list[URLPattern] = []
#: (method, path) of every request that reached a view.
CALLS: list[tuple[str, str]] = []


def _echo(request: HttpRequest, view: str) -> HttpResponse:
    CALLS.append((request.method or "", request.path))
    response = JsonResponse(
        {
            "view": view,
            "method": request.method,
            "cookie": request.headers.get("Cookie"),
            "custom": request.headers.get("X-Custom"),
        }
    )
    response["X-Total-Count"] = "7"
    return response


@csrf_exempt
def me(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """The project's policy (the settings)."""
    return _echo(request, "me")


@csrf_exempt
@no_cors
def internal(request: HttpRequest) -> HttpResponse:
    """Same-origin only, whatever the settings allow."""
    return _echo(request, "internal")


def _admin_view(admin_origin: str) -> Any:
    @method_decorator(csrf_exempt, name="dispatch")
    @method_decorator(
        cross_origin(
            allow_origins=[admin_origin],
            allow_methods=["PUT", "DELETE"],
            allow_headers=["content-type", "x-admin"],
            expose_headers=["x-total-count"],
            allow_credentials=True,
            max_age=600,
        ),
        name="dispatch",
    )
    class AdminItem(View):
        def get(self, request: HttpRequest, item_id: int) -> HttpResponse:
            return _echo(request, "admin")

        def put(self, request: HttpRequest, item_id: int) -> HttpResponse:
            return _echo(request, "admin")

    return AdminItem.as_view()


@dataclass(frozen=True)
class Api:
    url: str


@pytest.fixture(scope="module")
def api(origins: Origins) -> Iterator[Api]:
    """The Django API under waitress; the admin view admits only the subdomain page."""
    from django.core.handlers.wsgi import WSGIHandler

    urlpatterns[:] = [
        path("api/me", me),
        path("api/items/<int:item_id>", me),
        path("api/internal", internal),
        path("api/admin/items/<int:item_id>", _admin_view(origins.subdomain)),
    ]
    project = {k: v for k, v in BASE.items() if k not in CORS_SETTINGS}
    settings = {
        "ROOT_URLCONF": __name__,
        "MIDDLEWARE": [
            "adapters.django.CORSMiddleware",
            "django.middleware.common.CommonMiddleware",
        ],
        "CORS_ALLOWED_ORIGINS": [origins.page, origins.same_site],
        "CORS_ALLOW_CREDENTIALS": True,
        "CORS_ALLOW_HEADERS": [*DEFAULT_HEADERS, "x-custom"],
        "CORS_EXPOSE_HEADERS": ["x-total-count"],
        "CORS_ALLOW_METHODS": ["GET", "POST", "PUT", "DELETE"],
    }
    with cors_settings(project, **settings), serve_wsgi(WSGIHandler()) as base:
        yield Api(base)
    urlpatterns.clear()


@pytest.fixture
def calls() -> list[tuple[str, str]]:
    CALLS.clear()
    return CALLS


def body(result: Any) -> dict[str, Any]:
    assert result.body is not None, result
    decoded: dict[str, Any] = json.loads(result.body)
    return decoded


def test_credentialed_get_is_readable(
    api: Api, origins: Origins, open_tab: OpenTab, calls: list[tuple[str, str]]
) -> None:
    cookie = {"name": "sessionid", "value": "s3cret", "domain": "127.0.0.1", "path": "/"}
    tab = open_tab(origins.same_site, cookies=[cookie])
    got = tab.fetch(api.url + "/api/me", credentials="include", read=["x-total-count"])
    assert got.error is None, got
    assert (got.ok, got.status) == (True, 200)
    assert body(got)["cookie"] == "sessionid=s3cret"
    assert got.headers["x-total-count"] == "7"  # CORS_EXPOSE_HEADERS
    assert calls == [("GET", "/api/me")]


def test_put_with_a_custom_header_passes_the_preflight(
    api: Api, origins: Origins, open_tab: OpenTab, calls: list[tuple[str, str]]
) -> None:
    tab = open_tab(origins.page)
    got = tab.fetch(
        api.url + "/api/items/1",
        method="PUT",
        headers={"Content-Type": "application/json", "X-Custom": "yes"},
        body="{}",
        credentials="include",
    )
    assert got.error is None, got
    assert body(got) == {"view": "me", "method": "PUT", "cookie": None, "custom": "yes"}
    # The preflight was answered by the middleware; only the PUT reached the view.
    assert calls == [("PUT", "/api/items/1")]
    refused = tab.fetch(api.url + "/api/items/1", method="PUT", headers={"X-Other": "no"})
    assert refused.error == BLOCKED
    assert calls == [("PUT", "/api/items/1")]


def test_a_disallowed_origin_is_blocked(
    api: Api, origins: Origins, open_tab: OpenTab, calls: list[tuple[str, str]]
) -> None:
    tab = open_tab(origins.evil)
    got = tab.fetch(api.url + "/api/me")
    assert got.error == BLOCKED
    assert (got.status, got.body) == (None, None)
    assert calls == [("GET", "/api/me")]  # a simple GET is sent; its answer is unreadable


def test_the_no_cors_view_is_blocked_for_an_allowed_origin(
    api: Api, origins: Origins, open_tab: OpenTab, calls: list[tuple[str, str]]
) -> None:
    tab = open_tab(origins.page)
    control = tab.fetch(api.url + "/api/me")
    assert control.error is None, control
    got = tab.fetch(api.url + "/api/internal")
    assert got.error == BLOCKED
    preflighted = tab.fetch(api.url + "/api/internal", method="DELETE")
    assert preflighted.error == BLOCKED
    # The GET and the preflight reached the view (no CORS there); the DELETE never was sent.
    assert calls == [("GET", "/api/me"), ("GET", "/api/internal"), ("OPTIONS", "/api/internal")]


def test_the_cross_origin_view_has_its_own_policy(
    api: Api, origins: Origins, open_tab: OpenTab, calls: list[tuple[str, str]]
) -> None:
    admin = open_tab(origins.subdomain)  # not in CORS_ALLOWED_ORIGINS: the view's policy only
    got = admin.fetch(
        api.url + "/api/admin/items/3",
        method="PUT",
        headers={"Content-Type": "application/json", "X-Admin": "1"},
        body="{}",
        credentials="include",
        read=["x-total-count"],
    )
    assert got.error is None, got
    assert body(got)["view"] == "admin" and got.headers["x-total-count"] == "7"
    assert admin.fetch(api.url + "/api/me").error == BLOCKED  # the project's policy
    page = open_tab(origins.page)  # allowed by the settings, not by the view
    assert page.fetch(api.url + "/api/admin/items/3", method="PUT").error == BLOCKED
    assert page.fetch(api.url + "/api/admin/items/3").error == BLOCKED
    assert ("PUT", "/api/admin/items/3") in calls
    assert calls.count(("PUT", "/api/admin/items/3")) == 1
