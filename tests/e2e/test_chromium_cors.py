"""Cross-origin fetch() in real headless Chromium against our middleware on four stacks.

Each scenario asserts what Chromium decided (JavaScript gets the response, or fetch()
rejects with a TypeError) and what the server saw (``api.log.calls()``: every request
that reached the server, preflights included; ``api.log.app``: what the application
itself handled). Where the model in :mod:`cors_core.browser` can judge the same trip, the
test also checks that it agrees with Chromium.

Run alone: ``uv run pytest tests/e2e -m browser``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

import pytest

from tests.e2e.chromium import Fetched, Tab
from tests.e2e.conftest import Origins, Stack
from tests.e2e.stacks import EXPOSED_VALUE, HIDDEN_VALUE, Api

pytestmark = pytest.mark.browser

OpenTab = Callable[..., Tab]
BLOCKED = "TypeError: Failed to fetch"


def echo(result: Fetched) -> dict[str, object]:
    assert result.body is not None
    decoded: dict[str, object] = json.loads(result.body)
    return decoded


def assert_model_agrees(
    api: Api,
    path: str,
    result: Fetched,
    *,
    origin: str,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    credentials: bool = False,
    read: Sequence[str] = (),
) -> None:
    """cors_core.browser.simulate, sent over HTTP to the same server, decides like Chromium."""
    trip = api.model(
        path, origin=origin, method=method, headers=dict(headers or {}), credentials=credentials
    )
    assert trip.verdict.allowed is not result.blocked, (trip.verdict, result)
    if not result.blocked:
        readable_in_chromium = {name for name in read if result.headers[name] is not None}
        assert readable_in_chromium == {name for name in read if name in trip.readable_headers}


def test_simple_get(apis: Stack, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.page)
    result = tab.fetch(apis.api.url + "/simple")
    assert result.error is None
    assert (result.ok, result.status) == (True, 200)
    assert echo(result)["method"] == "GET"
    # No preflight: a GET without unsafe headers goes straight to the app.
    assert apis.api.log.calls() == [("GET", "/simple", 200)]
    assert apis.api.log.wire[0].headers["origin"] == origins.page
    assert apis.api.log.app == [("GET", "/simple")]
    assert_model_agrees(apis.api, "/simple", result, origin=origins.page)


def test_credentialed_get_sends_the_cookie(
    apis: Stack, origins: Origins, open_tab: OpenTab
) -> None:
    cookie = {"name": "sid", "value": "s3cret", "domain": "127.0.0.1", "path": "/"}
    tab = open_tab(origins.same_site, cookies=[cookie])
    result = tab.fetch(apis.api.url + "/me", credentials="include")
    assert result.error is None
    assert result.status == 200
    assert echo(result)["cookie"] == "sid=s3cret"
    assert apis.api.log.calls() == [("GET", "/me", 200)]
    seen = apis.api.log.wire[0]
    assert seen.headers["cookie"] == "sid=s3cret"
    assert seen.headers["origin"] == origins.same_site
    # The same call without credentials carries no cookie (and is still allowed).
    apis.api.log.clear()
    result = tab.fetch(apis.api.url + "/me", credentials="omit")
    assert (result.error, result.status) == (None, 200)
    assert echo(result)["cookie"] is None
    assert "cookie" not in apis.api.log.wire[0].headers
    assert_model_agrees(apis.api, "/me", result, origin=origins.same_site, credentials=True)


def test_json_post_is_preflighted(apis: Stack, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.page)
    result = tab.fetch(
        apis.api.url + "/items",
        method="POST",
        headers={"Content-Type": "application/json"},
        body='{"name": "widget"}',
    )
    assert result.error is None
    assert result.status == 200
    assert echo(result)["body"] == '{"name": "widget"}'
    assert apis.api.log.calls() == [("OPTIONS", "/items", 204), ("POST", "/items", 200)]
    preflight = apis.api.log.wire[0]
    assert preflight.headers["access-control-request-method"] == "POST"
    assert preflight.headers["access-control-request-headers"] == "content-type"
    assert apis.api.log.app == [("POST", "/items")]  # the preflight never reached the app
    assert_model_agrees(
        apis.api,
        "/items",
        result,
        origin=origins.page,
        method="POST",
        headers={"Content-Type": "application/json"},
    )


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_unsafe_methods_are_preflighted(
    apis: Stack, origins: Origins, open_tab: OpenTab, method: str
) -> None:
    path = f"/items/{method.lower()}"
    tab = open_tab(origins.page)
    result = tab.fetch(apis.api.url + path, method=method)
    assert result.error is None
    assert result.status == 200
    assert echo(result)["method"] == method
    assert apis.api.log.calls() == [("OPTIONS", path, 204), (method, path, 200)]
    assert apis.api.log.wire[0].headers["access-control-request-method"] == method
    assert "access-control-request-headers" not in apis.api.log.wire[0].headers
    assert apis.api.log.app == [(method, path)]
    assert_model_agrees(apis.api, path, result, origin=origins.page, method=method)


def test_custom_header(apis: Stack, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.page)
    result = tab.fetch(apis.api.url + "/custom", headers={"X-Custom": "hello"})
    assert result.error is None
    assert echo(result)["x-custom"] == "hello"
    assert apis.api.log.calls() == [("OPTIONS", "/custom", 204), ("GET", "/custom", 200)]
    assert apis.api.log.wire[0].headers["access-control-request-headers"] == "x-custom"
    assert apis.api.log.wire[1].headers["x-custom"] == "hello"
    assert_model_agrees(
        apis.api, "/custom", result, origin=origins.page, headers={"X-Custom": "hello"}
    )


def test_authorization_header(apis: Stack, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.page)
    auth = {"Authorization": "Bearer t0ken"}
    result = tab.fetch(apis.api.url + "/private", headers=auth, credentials="include")
    assert result.error is None
    assert echo(result)["authorization"] == "Bearer t0ken"
    assert apis.api.log.calls() == [("OPTIONS", "/private", 204), ("GET", "/private", 200)]
    assert apis.api.log.wire[0].headers["access-control-request-headers"] == "authorization"
    assert apis.api.log.app == [("GET", "/private")]
    assert_model_agrees(
        apis.api, "/private", result, origin=origins.page, headers=auth, credentials=True
    )


def test_exposed_and_non_exposed_response_headers(
    apis: Stack, origins: Origins, open_tab: OpenTab
) -> None:
    tab = open_tab(origins.page)
    read = ["x-exposed", "x-hidden", "content-type"]
    result = tab.fetch(apis.api.url + "/headers", read=read)
    assert result.error is None
    assert result.headers == {
        "x-exposed": EXPOSED_VALUE,
        "x-hidden": None,  # sent by the server, hidden from JavaScript
        "content-type": "application/json",  # CORS-safelisted response header
    }
    assert "x-hidden" not in result.names
    assert dict(apis.api.log.wire[0].response_headers)["x-hidden"] == HIDDEN_VALUE
    assert_model_agrees(apis.api, "/headers", result, origin=origins.page, read=read)


def test_refused_method_never_reaches_the_app(
    apis: Stack, origins: Origins, open_tab: OpenTab
) -> None:
    tab = open_tab(origins.page)
    result = tab.fetch(apis.api.url + "/purge", method="PURGE")
    assert result.error == BLOCKED
    assert apis.api.log.calls() == [("OPTIONS", "/purge", 403)]
    assert apis.api.log.wire[0].headers["access-control-request-method"] == "PURGE"
    assert apis.api.log.app == []
    assert_model_agrees(apis.api, "/purge", result, origin=origins.page, method="PURGE")


def test_refused_header_never_reaches_the_app(
    apis: Stack, origins: Origins, open_tab: OpenTab
) -> None:
    tab = open_tab(origins.page)
    result = tab.fetch(apis.api.url + "/refused", method="PUT", headers={"X-Refused": "1"})
    assert result.error == BLOCKED
    assert apis.api.log.calls() == [("OPTIONS", "/refused", 403)]
    assert apis.api.log.wire[0].headers["access-control-request-headers"] == "x-refused"
    assert apis.api.log.app == []
    assert_model_agrees(
        apis.api, "/refused", result, origin=origins.page, method="PUT", headers={"X-Refused": "1"}
    )


def test_disallowed_origin(apis: Stack, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.evil)
    # A simple GET is sent (the app answers), but JavaScript cannot read the answer.
    result = tab.fetch(apis.api.url + "/data")
    assert result.error == BLOCKED
    assert apis.api.log.calls() == [("GET", "/data", 200)]
    seen = apis.api.log.wire[0]
    assert seen.headers["origin"] == origins.evil
    assert not any(n.lower().startswith("access-control-") for n, _ in seen.response_headers)
    assert_model_agrees(apis.api, "/data", result, origin=origins.evil)
    # A preflighted request never gets past the preflight.
    apis.api.log.clear()
    result = tab.fetch(apis.api.url + "/data", method="DELETE")
    assert result.error == BLOCKED
    assert apis.api.log.calls() == [("OPTIONS", "/data", 403)]
    assert apis.api.log.app == []
    assert_model_agrees(apis.api, "/data", result, origin=origins.evil, method="DELETE")


def test_subdomain_pattern_origin(apis: Stack, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.subdomain)
    result = tab.fetch(apis.api.url + "/sub")
    assert result.error is None
    assert result.status == 200
    result = tab.fetch(apis.api.url + "/sub", method="PUT", headers={"X-Custom": "sub"})
    assert result.error is None
    assert echo(result)["x-custom"] == "sub"
    assert apis.api.log.calls() == [
        ("GET", "/sub", 200),
        ("OPTIONS", "/sub", 204),
        ("PUT", "/sub", 200),
    ]
    for seen in apis.api.log.wire:
        assert seen.headers["origin"] == origins.subdomain
        assert dict(seen.response_headers)["access-control-allow-origin"] == origins.subdomain
    assert_model_agrees(
        apis.api,
        "/sub",
        result,
        origin=origins.subdomain,
        method="PUT",
        headers={"X-Custom": "sub"},
    )


def test_wildcard_policy_without_credentials(
    apis: Stack, origins: Origins, open_tab: OpenTab
) -> None:
    tab = open_tab(origins.evil)  # any origin at all
    read = ["x-exposed", "x-hidden"]
    result = tab.fetch(apis.wild.url + "/open", read=read)
    assert result.error is None
    assert result.headers == {"x-exposed": EXPOSED_VALUE, "x-hidden": HIDDEN_VALUE}  # '*' exposes
    auth = {"Authorization": "Bearer open", "X-Custom": "any"}
    result = tab.fetch(apis.wild.url + "/open", method="PATCH", headers=auth)
    assert result.error is None
    assert echo(result)["authorization"] == "Bearer open"
    assert apis.wild.log.calls() == [
        ("GET", "/open", 200),
        ("OPTIONS", "/open", 204),
        ("PATCH", "/open", 200),
    ]
    assert apis.wild.log.wire[1].headers["access-control-request-headers"] == (
        "authorization,x-custom"
    )
    assert_model_agrees(
        apis.wild, "/open", result, origin=origins.evil, method="PATCH", headers=auth
    )


def test_wildcard_policy_with_credentials_is_blocked(
    apis: Stack, origins: Origins, open_tab: OpenTab
) -> None:
    tab = open_tab(origins.page)
    result = tab.fetch(apis.wild.url + "/creds", credentials="include")
    assert result.error == BLOCKED
    # The request reached the app; Chromium refused to hand '*' a credentialed response.
    assert apis.wild.log.calls() == [("GET", "/creds", 200)]
    assert dict(apis.wild.log.wire[0].response_headers)["access-control-allow-origin"] == "*"
    assert_model_agrees(apis.wild, "/creds", result, origin=origins.page, credentials=True)
    apis.wild.log.clear()
    result = tab.fetch(apis.wild.url + "/creds", method="PUT", credentials="include")
    assert result.error == BLOCKED
    assert apis.wild.log.calls() == [("OPTIONS", "/creds", 204)]
    assert apis.wild.log.app == []
    assert_model_agrees(
        apis.wild, "/creds", result, origin=origins.page, method="PUT", credentials=True
    )


def test_preflight_cache(apis: Stack, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.page)
    for _ in range(2):
        result = tab.fetch(apis.api.url + "/cached", method="PUT", headers={"X-Custom": "c"})
        assert result.error is None
        assert result.status == 200
    # max_age=600: the second identical call reuses the cached preflight.
    assert apis.api.log.calls() == [
        ("OPTIONS", "/cached", 204),
        ("PUT", "/cached", 200),
        ("PUT", "/cached", 200),
    ]
    assert dict(apis.api.log.wire[0].response_headers)["access-control-max-age"] == "600"


def test_server_error_is_readable(apis: Stack, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.page)
    result = tab.fetch(apis.api.url + "/fail", read=["x-exposed"])
    assert result.error is None
    assert (result.ok, result.status) == (False, 500)
    assert json.loads(result.body or "") == {"error": "boom"}
    assert result.headers == {"x-exposed": EXPOSED_VALUE}
    assert apis.api.log.calls() == [("GET", "/fail", 500)]
    assert_model_agrees(apis.api, "/fail", result, origin=origins.page, read=["x-exposed"])


#: Who turns an unhandled exception into the 500, and so whether it carries CORS headers.
UNHANDLED_EXCEPTION_READABLE = {
    "asgi": False,  # uvicorn answers 500 itself, outside the middleware
    "wsgi": False,  # waitress answers 500 itself, outside the middleware
    "fastapi": False,  # Starlette's ServerErrorMiddleware sits outside add_middleware()
    "flask": True,  # Flask's own 500 page is made inside app.wsgi_app, so it is wrapped
}


def test_unhandled_exception(apis: Stack, origins: Origins, open_tab: OpenTab) -> None:
    tab = open_tab(origins.page)
    result = tab.fetch(apis.api.url + "/raise")
    assert apis.api.log.app == [("GET", "/raise")]
    if UNHANDLED_EXCEPTION_READABLE[apis.name]:
        assert result.error is None
        assert (result.ok, result.status) == (False, 500)
    else:
        assert result.error == BLOCKED
    assert_model_agrees(apis.api, "/raise", result, origin=origins.page)
