"""cors_core.testing through real frameworks' test clients."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from cors_core.testing import (
    assert_cors_allowed,
    assert_cors_allowed_async,
    assert_cors_blocked,
    assert_cors_blocked_async,
    cors_trip,
)
from tests.diagnostics.apps import APP_ORIGIN, GOOD_OPTIONS, good_app

EVIL = "https://evil.example"


def starlette_client():  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient

    return TestClient(good_app(debug=True))


def test_starlette_testclient_allowed_returns_trip() -> None:
    trip = assert_cors_allowed(
        starlette_client(),
        "/items",
        origin=APP_ORIGIN,
        method="PUT",
        headers={"X-API-Key": "k", "Content-Type": "application/json"},
        credentials=True,
        readable=["X-Total-Count"],
    )
    assert trip.preflight is not None and trip.preflight.status == 204
    assert trip.actual is not None and trip.actual.body == b'{"items": 3}'


def test_starlette_testclient_blocked_message_has_reason() -> None:
    client = starlette_client()
    trip = assert_cors_blocked(
        client, "/items", origin=EVIL, method="PUT", code="missing_allow_origin"
    )
    assert trip.actual is None
    with pytest.raises(AssertionError) as info:
        assert_cors_allowed(
            client, "/items", origin=APP_ORIGIN, method="PUT", headers={"X-Other": "1"}
        )
    text = str(info.value)
    # The server's reason leads; the browser's symptom comes second.
    lines = text.splitlines()
    assert lines[1].startswith(
        "CORS trip to '/items': the server refused it: header_not_allowed: header 'x-other' "
        "is not in allow_headers"
    )
    assert lines[1].endswith(" (OPTIONS)")
    assert lines[2].startswith(
        "  the browser reports: [missing_allow_origin] Response to preflight request"
    )
    assert (
        "  2. Preflight needed: method PUT is not CORS-safelisted (only GET, HEAD and POST are); "
        "request header(s) not CORS-safelisted: x-other." in text
    )


def test_readable_headers_are_checked() -> None:
    with pytest.raises(AssertionError, match="JavaScript cannot read x-secret"):
        assert_cors_allowed(starlette_client(), "/", origin=APP_ORIGIN, readable=["x-secret"])


def test_blocked_with_wrong_code_and_unexpected_allow() -> None:
    client = starlette_client()
    with pytest.raises(AssertionError, match="with code 'missing_allow_origin', not 'x'"):
        assert_cors_blocked(client, "/", origin=EVIL, code="x")
    with pytest.raises(AssertionError, match="a browser would ALLOW this request"):
        assert_cors_blocked(client, "/", origin=APP_ORIGIN)


def test_fastapi_add_middleware() -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    app = FastAPI()

    @app.delete("/items/{item}")
    def delete(item: int) -> dict[str, int]:
        return {"deleted": item}

    app.add_middleware(ASGICORS, **GOOD_OPTIONS)
    client = TestClient(app)
    trip = assert_cors_allowed(
        client, "/items/3", origin=APP_ORIGIN, method="DELETE", credentials=True
    )
    assert trip.actual is not None and trip.actual.body == b'{"deleted":3}'
    assert_cors_blocked(
        client,
        "/items/3",
        origin=APP_ORIGIN,
        method="DELETE",
        headers={"Authorization": "Bearer t"},
        code="missing_allow_origin",
    )


def test_httpx_async_client() -> None:
    async def go() -> None:
        transport = httpx.ASGITransport(app=good_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            trip = await assert_cors_allowed_async(
                client, "/x", origin="https://docs.example.org", method="PUT", credentials=True
            )
            assert trip.verdict.code == "ok"
            trip = await assert_cors_blocked_async(client, "/x", origin=EVIL)
            assert trip.verdict.code == "missing_allow_origin"
            with pytest.raises(AssertionError, match="BLOCK"):
                await assert_cors_allowed_async(client, "/x", origin=EVIL)

    asyncio.run(go())


def test_flask_test_client() -> None:
    from flask import Flask

    app = Flask(__name__)

    @app.route("/api", methods=["GET", "PUT"])
    def api() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"X-Total-Count": "1"}

    app.wsgi_app = WSGICORS(app.wsgi_app, **GOOD_OPTIONS)  # type: ignore[method-assign]
    client = app.test_client()
    trip = assert_cors_allowed(
        client,
        "/api",
        origin=APP_ORIGIN,
        method="PUT",
        headers={"X-API-Key": "k"},
        readable=["x-total-count"],
    )
    assert trip.actual is not None and trip.actual.body == b"ok"
    assert_cors_blocked(
        client, "/api", origin="http://app.example.com", code="missing_allow_origin"
    )


def _django_client():  # type: ignore[no-untyped-def]
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=[],
            SECRET_KEY="diagnostics-tests",
            INSTALLED_APPS=[],
        )
        django.setup()
    from django.test import Client

    return Client()


def _django_view(request):  # type: ignore[no-untyped-def]
    """Hand-written CORS in a Django view (the helpers must work with any server code)."""
    from django.http import HttpResponse

    origin = request.headers.get("Origin")
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "GET, PATCH"
        response["Access-Control-Allow-Headers"] = "x-api-key"
    else:
        response = HttpResponse(b"django")
    if origin == APP_ORIGIN:
        response["Access-Control-Allow-Origin"] = origin
    return response


def _urlpatterns():  # type: ignore[no-untyped-def]
    from django.urls import path

    return [path("thing", _django_view)]


def __getattr__(name: str):  # type: ignore[no-untyped-def]  # lazy urlconf for Django
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def test_django_test_client() -> None:
    from django.test import override_settings

    client = _django_client()
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], MIDDLEWARE=[]):
        trip = assert_cors_allowed(
            client, "/thing", origin=APP_ORIGIN, method="PATCH", headers={"X-API-Key": "k"}
        )
        assert trip.actual is not None and trip.actual.body == b"django"
        assert_cors_blocked(
            client, "/thing", origin=APP_ORIGIN, method="PUT", code="method_not_allowed"
        )
        assert_cors_blocked(client, "/thing", origin=EVIL, code="missing_allow_origin")


def test_unsupported_client() -> None:
    with pytest.raises(TypeError, match="is not a supported test client"):
        cors_trip(object(), "/", origin=APP_ORIGIN)


def test_without_debug_the_refusal_code_still_leads() -> None:
    """A policy without debug sends only the code in the refusal body: that code leads."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from adapters.asgi import CORSMiddleware

    app = CORSMiddleware(
        Starlette(routes=[Route("/x", lambda r: PlainTextResponse("x"), methods=["PUT"])]),
        allow_origins=[APP_ORIGIN],
        allow_methods=["GET"],
    )
    with pytest.raises(AssertionError) as info:
        assert_cors_allowed(TestClient(app), "/x", origin=APP_ORIGIN, method="PUT")
    lines = str(info.value).splitlines()
    assert lines[1] == (
        "CORS trip to '/x': the server refused it: method_not_allowed (set debug=True for "
        "the sentence and the fix) (OPTIONS)"
    )
    assert lines[2].startswith("  the browser reports: [missing_allow_origin] ")


# ------------------------------------------------- where Chrome differs from the standard


def wildcard_headers_client():  # type: ignore[no-untyped-def]
    """A hand-written app answering the literal '*' for origins, methods and headers."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    def me(request: Request) -> PlainTextResponse:
        cors = {"Access-Control-Allow-Origin": "*"}
        if request.method == "OPTIONS":
            cors |= {"Access-Control-Allow-Headers": "*", "Access-Control-Allow-Methods": "*"}
            return PlainTextResponse("", status_code=204, headers=cors)
        return PlainTextResponse("me", headers=cors)

    return TestClient(Starlette(routes=[Route("/me", me, methods=["GET", "OPTIONS"])]))


AUTH = {"Authorization": "Bearer t"}
CHROME_SUMMARY = (
    "  Chrome lets it through today because its CorsNonWildcardRequestHeadersSupport feature "
    "is off, so '*' in Access-Control-Allow-Headers still covers Authorization there"
)


def test_allowed_assertion_names_both_browsers() -> None:
    with pytest.raises(AssertionError) as info:
        assert_cors_allowed(wildcard_headers_client(), "/me", origin=APP_ORIGIN, headers=AUTH)
    lines = str(info.value).splitlines()
    assert lines[:4] == [
        "this request is BLOCKED by the Fetch standard, Firefox and Safari; "
        "Chrome lets it through today",
        "CORS trip to '/me': [header_not_allowed] Request header field authorization is not "
        "allowed by Access-Control-Allow-Headers in preflight response. The wildcard '*' never "
        "covers Authorization: list it explicitly.",
        CHROME_SUMMARY,
        "  fix: list Authorization in allow_headers (by hand: "
        "'Access-Control-Allow-Headers: *, Authorization')",
    ]
    assert lines[-4:] == [
        "  5. The Fetch standard, Firefox and Safari stop here: the GET request is not sent. "
        + CHROME_SUMMARY.strip()
        + "; Chrome goes on:",
        f"  6. Sent GET with Origin: '{APP_ORIGIN}'; Authorization: 'Bearer t'; Accept: '*/*'.",
        "  7. Response 200: CORS check passed.",
        "  8. In Chrome, JS can read the body and content-length, content-type.",
    ]


def test_blocked_assertion_holds_the_standard_and_returns_chromes_answer() -> None:
    client = wildcard_headers_client()
    trip = assert_cors_blocked(
        client, "/me", origin=APP_ORIGIN, headers=AUTH, code="header_not_allowed"
    )
    assert trip.verdict.allowed_in("Chrome") is True
    assert trip.actual is not None and trip.actual.body == b"me"
    with pytest.raises(AssertionError) as info:
        assert_cors_blocked(
            client, "/me", origin=APP_ORIGIN, headers=AUTH, code="method_not_allowed"
        )
    lines = str(info.value).splitlines()
    assert lines[0] == "blocked, but with code 'header_not_allowed', not 'method_not_allowed'"
    assert lines[2] == CHROME_SUMMARY


def test_one_verdict_when_the_browsers_agree() -> None:
    client = wildcard_headers_client()
    with pytest.raises(AssertionError) as info:
        assert_cors_blocked(client, "/me", origin=APP_ORIGIN, headers={"X-A": "1"})
    assert str(info.value).splitlines()[0] == "a browser would ALLOW this request"
    assert "Chrome" not in str(info.value)


@pytest.mark.parametrize("mode", ["omit", "same-origin", "include"])
def test_helpers_take_the_credentials_mode(mode: str) -> None:
    trip = cors_trip(starlette_client(), "/", origin=APP_ORIGIN, credentials=mode)  # type: ignore[arg-type]
    assert (
        trip.steps[0] == f"fetch GET from origin '{APP_ORIGIN}', mode 'cors', credentials '{mode}'."
    )
    assert trip.verdict.code == "ok"
