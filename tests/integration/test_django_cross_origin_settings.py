"""``@cross_origin`` in Django: the project's ``CORS_*`` settings, the view's options over them.

One meaning, shared with Flask (``cors_core.integration.view_policy``): a bare
``@cross_origin()`` applies the project's ``CORS_*`` settings to the view; the view's
options are merged over them, the view's winning (an origin option replaces every origin
setting); with no origin anywhere it is refused at the view's first request, never read as
every origin. The decorators below ran when this module was imported, before any of the
settings the tests set: the policy is built at the first request and again after a
``CORS_*`` setting changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from adapters.django import cross_origin
from cors_core import ConfigError
from tests.integration.django_support import BASE, cors_settings

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example"


@csrf_exempt
@cross_origin()
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"bare")


@csrf_exempt
@cross_origin(allow_origins=[ADMIN], allow_methods=["DELETE"], allow_credentials=False)
def own(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"own")


@csrf_exempt
@cross_origin(max_age=60)
def tuned(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"tuned")


@csrf_exempt
@cross_origin(allow_origins=["*"])
def star(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"star")


@csrf_exempt
@cross_origin(enabled=False)
def off(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"off")


urlpatterns = [
    path("bare/", bare),
    path("own/", own),
    path("tuned/", tuned),
    path("star/", star),
    path("off/", off),
]

#: The project without any CORS setting.
PROJECT: dict[str, Any] = {
    **{k: v for k, v in BASE.items() if not k.startswith("CORS_")},
    "ROOT_URLCONF": __name__,
}
#: The project's CORS settings.
CONFIGURED: dict[str, Any] = {
    "CORS_ALLOWED_ORIGINS": [APP],
    "CORS_ALLOW_METHODS": ["GET", "PUT"],
    "CORS_ALLOW_CREDENTIALS": True,
    "CORS_ALLOW_HEADERS": ["content-type"],
}


def _cors(response: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in response.items() if k.lower().startswith("access")}


def _preflight(client: Client, url: str, origin: str, method: str) -> Any:
    return client.options(url, headers={"Origin": origin, "Access-Control-Request-Method": method})


@pytest.fixture
def configured() -> Iterator[Client]:
    with cors_settings(PROJECT, **CONFIGURED):
        yield Client()


def test_a_bare_cross_origin_applies_the_project_settings(configured: Client) -> None:
    got = configured.get("/bare/", headers={"Origin": APP})
    assert (got.status_code, got.content) == (200, b"bare")
    assert _cors(got) == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
    }
    assert got["Vary"] == "Origin"
    assert _cors(configured.get("/bare/", headers={"Origin": EVIL})) == {}
    put = _preflight(configured, "/bare/", APP, "PUT")
    assert put.status_code == 204
    assert _cors(put) == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, PUT",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "86400",  # django-cors-headers' default, as the project's
    }
    assert _preflight(configured, "/bare/", APP, "DELETE").status_code == 403


def test_the_views_options_win_over_the_settings(configured: Client) -> None:
    assert _cors(configured.get("/own/", headers={"Origin": APP})) == {}
    assert _cors(configured.get("/own/", headers={"Origin": ADMIN})) == {
        "access-control-allow-origin": ADMIN
    }
    delete = _preflight(configured, "/own/", ADMIN, "DELETE")
    assert delete.status_code == 204
    assert _cors(delete) == {
        "access-control-allow-origin": ADMIN,
        "access-control-allow-methods": "DELETE",
        "access-control-allow-headers": "content-type",  # the setting the view leaves alone
        "access-control-max-age": "86400",
    }
    assert _preflight(configured, "/own/", ADMIN, "PUT").status_code == 403
    tuned = _preflight(configured, "/tuned/", APP, "PUT")
    assert (tuned.status_code, tuned["Access-Control-Max-Age"]) == (204, "60")
    assert tuned["Access-Control-Allow-Origin"] == APP


def test_the_policy_follows_a_settings_change(configured: Client) -> None:
    assert configured.get("/bare/", headers={"Origin": APP})["Access-Control-Allow-Origin"] == APP
    with cors_settings(PROJECT, **{**CONFIGURED, "CORS_ALLOWED_ORIGINS": [ADMIN]}):
        moved = configured.get("/bare/", headers={"Origin": ADMIN})
        gone = configured.get("/bare/", headers={"Origin": APP})
    assert moved["Access-Control-Allow-Origin"] == ADMIN
    assert _cors(gone) == {}
    back = configured.get("/bare/", headers={"Origin": APP})
    assert back["Access-Control-Allow-Origin"] == APP


def test_without_settings_view_options_stand_alone() -> None:
    with cors_settings(PROJECT):
        client = Client()
        got = client.get("/own/", headers={"Origin": ADMIN})
    assert _cors(got) == {"access-control-allow-origin": ADMIN}


@pytest.mark.parametrize(
    ("settings", "url", "entry"),
    [
        ({}, "/bare/", "()"),
        ({}, "/tuned/", "(max_age=...)"),
        ({"CORS_ALLOW_METHODS": ["GET"]}, "/bare/", "()"),  # settings, but no origin
    ],
)
def test_no_origin_anywhere_is_refused_never_every_origin(
    settings: dict[str, Any], url: str, entry: str
) -> None:
    with cors_settings(PROJECT, **settings), pytest.raises(ConfigError) as refused:
        Client().get(url, headers={"Origin": EVIL})
    assert [(p.option, p.entry, p.problem, p.fix) for p in refused.value.problems] == [
        (
            "cross_origin",
            entry,
            "names no origin, and the CORS_* settings set none",
            "list the origins in the CORS_* settings, or on the view: "
            "cross_origin(allow_origins=['https://app.example.com']) "
            "(allow_origins=['*'] for every origin)",
        )
    ]


def test_a_refused_merge_is_raised_at_the_first_request(configured: Client) -> None:
    """The project's policy is valid; the view's ``*`` over its credentials is not."""
    assert configured.get("/bare/", headers={"Origin": APP}).status_code == 200
    with pytest.raises(ConfigError) as refused:
        configured.get("/star/", headers={"Origin": EVIL})
    (problem,) = refused.value.problems
    assert (problem.option, problem.entry) == ("allow_origins", "'*'")
    assert "allow_credentials=True" in problem.problem
    assert problem.fix.endswith("set allow_credentials=False")


def test_enabled_false_turns_cors_off_whatever_the_settings(configured: Client) -> None:
    got = configured.get("/off/", headers={"Origin": APP})
    assert (got.status_code, got.content, _cors(got)) == (200, b"off", {})
    preflight = _preflight(configured, "/off/", APP, "PUT")
    assert (preflight.status_code, preflight.content, _cors(preflight)) == (200, b"off", {})
    with pytest.raises(ConfigError) as both:
        cross_origin(enabled=False, allow_origins=[APP])
    assert [(p.option, p.entry, p.problem, p.fix) for p in both.value.problems] == [
        ("enabled", "False", "was given with options", "drop the options")
    ]
