"""Django: ``adapters.django.CORSMiddleware`` via the test clients and under real servers."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import corsheaders.defaults
import httpx
import pytest
from django.core.checks import Error, Warning, run_checks
from django.test import AsyncClient, Client

from adapters.django import DEFAULT_HEADERS, DEFAULT_METHODS, CORSMiddleware, load_config
from cors_core import ConfigError, CORSPolicy
from cors_core.browser import Response, simulate, simulate_async
from cors_core.testing import cors_trip
from tests.integration.conftest import DJANGO_PROJECT, ROOT, hdrs, http_sender
from tests.integration.django_support import CORS_SETTINGS, DELETE, FRONT, cors_settings
from tests.servers import serve_asgi, serve_wsgi

# The tutorial's header list warns (accept-encoding, dnt, origin); tests assert it elsewhere.
pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")


@pytest.fixture
def tutorial() -> Iterator[None]:
    with cors_settings():
        yield


# ------------------------------------------------------------------ settings translation


def test_defaults_are_django_cors_headers_defaults() -> None:
    assert tuple(corsheaders.defaults.default_methods) == DEFAULT_METHODS
    assert tuple(corsheaders.defaults.default_headers) == DEFAULT_HEADERS
    with cors_settings(
        CORS_ORIGIN_WHITELIST=[FRONT], CORS_ALLOW_METHODS=DELETE, CORS_ALLOW_HEADERS=DELETE
    ):
        policy = load_config().policy
    assert isinstance(policy, CORSPolicy)
    d = policy.preflight(FRONT, "PATCH", "x-csrftoken")
    assert d.status == 204
    got = dict(d.headers)
    assert got["Access-Control-Allow-Methods"] == "DELETE, GET, OPTIONS, PATCH, POST, PUT"
    assert got["Access-Control-Allow-Headers"] == (
        "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with"
    )
    assert got["Access-Control-Max-Age"] == "86400"
    assert got["Access-Control-Allow-Credentials"] == "true"


def test_new_names_win_over_old_ones_and_max_age_zero_omits_the_header() -> None:
    with cors_settings(
        CORS_ALLOWED_ORIGINS=["https://new.example"],
        CORS_ORIGIN_WHITELIST=["https://old.example"],
        CORS_PREFLIGHT_MAX_AGE=0,
    ):
        policy = load_config().policy
    assert isinstance(policy, CORSPolicy)
    assert policy.preflight("https://new.example", "PUT").status == 204
    assert policy.preflight("https://old.example", "PUT").status == 403
    assert "Access-Control-Max-Age" not in dict(
        policy.preflight("https://new.example", "PUT").headers
    )


def test_origin_regexes_are_fully_matched() -> None:
    with cors_settings(
        CORS_ORIGIN_WHITELIST=DELETE,
        CORS_ALLOWED_ORIGIN_REGEXES=[r"https://\w+\.example\.com"],
    ):
        policy = load_config().policy
    assert policy.decide("GET", "https://app.example.com").allowed
    # django-cors-headers' re.match would let this one through.
    assert not policy.decide("GET", "https://app.example.com.evil.example").allowed


# ---------------------------------------------------------------------- test clients


def test_vue_tutorial_block_works_through_the_test_client(tutorial: None) -> None:
    client = Client()
    trip = cors_trip(
        client,
        "/api/todos/1/",
        origin=FRONT,
        method="PUT",
        headers={"Content-Type": "application/json", "X-CSRFToken": "t"},
        credentials=True,
    )
    assert trip.verdict.code == "ok", trip.steps
    assert trip.preflight is not None and trip.preflight.status == 204
    pre = hdrs(trip.preflight.response_headers)
    assert pre["access-control-allow-methods"] == "DELETE, GET, POST, PUT"
    assert pre["access-control-max-age"] == "86400"
    assert "content-type" not in pre  # Django's default text/html is removed
    listing = cors_trip(client, "/api/todos/", origin="http://127.0.0.1:8080", credentials=True)
    assert listing.verdict.code == "ok"
    assert listing.actual is not None and listing.actual.status == 200
    got = hdrs(listing.actual.response_headers)
    assert got["access-control-allow-origin"] == "http://127.0.0.1:8080"
    assert got["vary"] == "Origin"
    patch = cors_trip(client, "/api/todos/1/", origin=FRONT, method="PATCH")
    assert patch.verdict.code == "missing_allow_origin"
    assert patch.preflight is not None and patch.preflight.status == 403
    assert patch.preflight.body == b"CORS preflight rejected (method_not_allowed)\n"


def test_tutorial_warnings_do_not_crash_and_reach_the_log(
    tutorial: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cors_core")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as under python -W error
        CORSMiddleware(lambda request: None)
    logged = [r.getMessage() for r in caplog.records if r.name == "cors_core"]
    assert logged == [
        f"CORS configuration warning: allow_headers: '{name}' is a header browsers never let "
        "a page send, so allowing it has no effect; fix: remove it"
        for name in ("accept-encoding", "dnt", "origin")
    ]


def test_errors_and_django_vary_are_merged(tutorial: None) -> None:
    client = Client(raise_request_exception=False)
    boom = client.get("/api/boom/", headers={"Origin": FRONT})
    assert boom.status_code == 500
    assert boom["Access-Control-Allow-Origin"] == FRONT
    assert boom["Access-Control-Allow-Credentials"] == "true"
    missing = client.get("/nope/", headers={"Origin": FRONT})
    assert missing.status_code == 404 and missing["Access-Control-Allow-Origin"] == FRONT
    plain = client.get("/api/todos/")
    assert plain["Vary"] == "Origin" and "Access-Control-Allow-Origin" not in plain


def test_async_client_runs_the_middleware_in_async_mode(tutorial: None) -> None:
    client = AsyncClient()

    async def send(method: str, headers: Sequence[tuple[str, str]]) -> Response:
        r = await client.generic(method, "/api/todos/", headers=dict(headers))
        return r.status_code, list(r.items()), bytes(r.content)

    async def run() -> Any:
        allowed = await simulate_async(send, origin=FRONT, method="DELETE", credentials=True)
        blocked = await simulate_async(send, origin="https://evil.example", method="PUT")
        return allowed, blocked

    allowed, blocked = asyncio.run(run())
    assert allowed.verdict.code == "ok", allowed.steps
    assert blocked.verdict.code == "missing_allow_origin"


def test_middleware_is_sync_and_async_capable() -> None:
    assert CORSMiddleware.sync_capable and CORSMiddleware.async_capable

    async def get_response(request: Any) -> Any:
        return None

    with cors_settings():
        middleware = CORSMiddleware(get_response)
        sync = CORSMiddleware(lambda request: None)
    from asgiref.sync import iscoroutinefunction

    assert iscoroutinefunction(middleware) and not iscoroutinefunction(sync)


def test_urls_regex_limits_cors_to_matching_paths() -> None:
    with cors_settings(CORS_URLS_REGEX=r"^/api/todos/"):
        client = Client(raise_request_exception=False)
        inside = client.get("/api/todos/", headers={"Origin": FRONT})
        outside = client.get("/api/boom/", headers={"Origin": FRONT})
    assert inside["Access-Control-Allow-Origin"] == FRONT
    assert outside.status_code == 500
    assert "Access-Control-Allow-Origin" not in outside and "Vary" not in outside


def test_cors_options_add_engine_options() -> None:
    with cors_settings(CORS_OPTIONS={"debug": True}):
        r = Client().options(
            "/api/todos/",
            headers={"Origin": FRONT, "Access-Control-Request-Method": "PATCH"},
        )
    assert r.status_code == 403
    assert r["X-CORS-Reason"].startswith("method_not_allowed: method 'PATCH' is not in")


def test_cors_policy_setting_and_subclass_policy() -> None:
    policy = CORSPolicy(allow_origins=["https://only.example"], allow_methods=["PUT"])
    names = {n: DELETE for n in CORS_SETTINGS}
    with cors_settings(**{**names, "CORS_POLICY": policy}):
        trip = cors_trip(Client(), "/api/todos/1/", origin="https://only.example", method="PUT")
        assert trip.verdict.code == "ok", trip.steps
        assert cors_trip(Client(), "/api/todos/", origin=FRONT).verdict.code == (
            "missing_allow_origin"
        )

    class OnlyOther(CORSMiddleware):
        policy = CORSPolicy(allow_origins=["https://other.example"])

    with cors_settings():
        middleware = OnlyOther(lambda request: None)
    assert middleware.cors_policy is OnlyOther.policy


# -------------------------------------------------------------------------- checks


def test_checks_turn_warnings_into_django_warnings(tutorial: None) -> None:
    messages = [m for m in run_checks() if m.id.startswith("cors_core")]
    assert [(type(m), m.id, m.msg, m.hint) for m in messages] == [
        (
            Warning,
            "cors_core.W004",
            f"CORS_ALLOW_HEADERS: '{name}' is a header browsers never let a page send, "
            "so allowing it has no effect",
            "remove it",
        )
        for name in ("accept-encoding", "dnt", "origin")
    ]


def test_checks_turn_config_errors_into_django_errors() -> None:
    with cors_settings(
        CORS_ORIGIN_ALLOW_ALL=True,
        CORS_EXPOSE_HEADERS=["set-cookie"],
        CORS_PREFLIGHT_MAX_AGE=-1,
        CORS_ALLOW_HEADERS=("content-type",),
    ):
        messages = [m for m in run_checks() if m.id.startswith("cors_core")]
    assert all(isinstance(m, Error) for m in messages)
    assert [(m.id, m.msg.split(":")[0]) for m in messages] == [
        ("cors_core.E001", "CORS_ORIGIN_ALLOW_ALL"),
        ("cors_core.E005", "CORS_EXPOSE_HEADERS"),
        ("cors_core.E006", "CORS_PREFLIGHT_MAX_AGE"),
    ]
    assert messages[0].hint.startswith("list the trusted origins instead of CORS_ORIGIN_ALLOW_ALL")


def test_checks_report_trailing_slash_regex_and_conflicts() -> None:
    with cors_settings(
        CORS_ORIGIN_WHITELIST=["https://app.example.com/"], CORS_ALLOW_HEADERS=("x-a",)
    ):
        (slash,) = [m for m in run_checks() if m.id.startswith("cors_core")]
    assert slash.id == "cors_core.E001"
    assert slash.msg.startswith("CORS_ORIGIN_WHITELIST: 'https://app.example.com/'")
    with cors_settings(CORS_URLS_REGEX="^/api/(", CORS_ALLOW_HEADERS=("x-a",)):
        (regex,) = [m for m in run_checks() if m.id.startswith("cors_core")]
    assert regex.id == "cors_core.E008" and regex.hint == "fix the regex"
    with cors_settings(CORS_POLICY=CORSPolicy(allow_origins=[FRONT])):
        (both,) = [m for m in run_checks() if m.id.startswith("cors_core")]
    assert both.id == "cors_core.E009"
    assert both.msg.startswith("CORS_POLICY is set together with CORS_ORIGIN_WHITELIST")
    with pytest.raises(ConfigError), cors_settings(CORS_POLICY="todos.views.nothing_here"):
        load_config()


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{DJANGO_PROJECT}"}
    return subprocess.run(
        [sys.executable, str(DJANGO_PROJECT / "manage.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


def test_manage_py_check_on_the_example_project() -> None:
    ok = _manage("check")
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr.count("cors_core.W004") == 3
    bad = _manage("check", "--settings", "tests.integration.django_bad_settings")
    assert bad.returncode == 1
    assert "(cors_core.E001) CORS_ORIGIN_ALLOW_ALL: True allows every origin" in bad.stderr
    assert "(cors_core.E006) CORS_PREFLIGHT_MAX_AGE: -5 is negative" in bad.stderr


# ---------------------------------------------------------------------- real servers


def test_example_project_under_waitress(tutorial: None) -> None:
    from django.core.handlers.wsgi import WSGIHandler

    with serve_wsgi(WSGIHandler()) as base:
        post = simulate(
            http_sender(base, "/api/todos/"),
            origin=FRONT,
            method="POST",
            headers={"Content-Type": "application/json"},
            credentials=True,
        )
        listing = simulate(http_sender(base, "/api/todos/"), origin=FRONT, credentials=True)
        evil = simulate(http_sender(base, "/api/todos/"), origin="http://localhost:8081")
        pna = httpx.options(
            base + "/api/todos/",
            headers={
                "Origin": FRONT,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Private-Network": "true",
            },
        )
    assert post.verdict.code == "ok", post.steps
    assert post.actual is not None and post.actual.status == 201
    assert listing.verdict.code == "ok"
    assert evil.verdict.code == "missing_allow_origin"
    assert pna.status_code == 403  # CORS_ALLOW_PRIVATE_NETWORK is False by default


def test_example_project_under_uvicorn_asgi(tutorial: None) -> None:
    from django.core.handlers.asgi import ASGIHandler

    with serve_asgi(ASGIHandler()) as base:
        put = simulate(
            http_sender(base, "/api/todos/1/"),
            origin="http://127.0.0.1:8080",
            method="PUT",
            headers={"Content-Type": "application/json", "Authorization": "Token t"},
            credentials=True,
        )
        boom = httpx.get(base + "/api/boom/", headers={"Origin": FRONT})
    assert put.verdict.code == "ok", put.steps
    assert put.actual is not None and put.actual.body == b'{"id": 1, "title": "x"}'
    assert boom.status_code == 500
    assert boom.headers["access-control-allow-origin"] == FRONT


# ---------------------------------------------------------------- applying decisions


def _through(headers: dict[str, str], origin: str | None) -> Any:
    """The middleware (sync, then async) around a view answering with ``headers``."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    def view(request: Any) -> Any:
        response = HttpResponse(b"ok")
        for name, value in headers.items():
            response[name] = value
        return response

    async def async_view(request: Any) -> Any:
        return view(request)

    sent = {"Origin": origin} if origin else {}
    request = RequestFactory().get("/api/todos/", headers=sent)
    sync = CORSMiddleware(view)(request)
    asynchronous = asyncio.run(
        CORSMiddleware(async_view)(RequestFactory().get("/api/todos/", headers=sent))
    )
    assert list(sync.items()) == list(asynchronous.items())
    return sync


@pytest.mark.parametrize(
    ("vary", "merged"),
    [
        (None, "Origin"),
        ("Accept-Encoding", "Accept-Encoding, Origin"),
        ("Accept-Encoding, Cookie", "Accept-Encoding, Cookie, Origin"),
        ("origin", "origin"),
        ("Cookie, ORIGIN", "Cookie, ORIGIN"),
        ("*", "*"),
    ],
)
def test_vary_is_merged_into_the_view_vary(tutorial: None, vary: str | None, merged: str) -> None:
    for origin in (FRONT, "https://evil.example", None):
        got = _through({"Vary": vary} if vary else {}, origin)
        assert got["Vary"] == merged
        assert [k for k in got.headers if k.lower() == "vary"] == ["Vary"]


def test_cors_headers_a_view_sets_are_replaced(tutorial: None) -> None:
    own = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET",
        "access-control-expose-headers": "x-secret",
        "X-Other": "kept",
    }
    allowed = _through(own, FRONT)
    assert hdrs(allowed.items()) == {
        "content-type": "text/html; charset=utf-8",
        "x-other": "kept",
        "access-control-allow-origin": FRONT,
        "access-control-allow-credentials": "true",
        "vary": "Origin",
    }
    denied = _through(own, "https://evil.example")
    assert hdrs(denied.items()) == {
        "content-type": "text/html; charset=utf-8",
        "x-other": "kept",
        "vary": "Origin",
    }


@pytest.mark.parametrize(
    "module",
    ["__init__", "apps", "checks", "conf", "decorators", "middleware", "signals"],
)
def test_docstring_examples_run(tutorial: None, module: str) -> None:
    """The examples in ``adapters.django``'s docstrings (the root conftest leaves them out:
    they need the configured project this module runs in)."""
    import doctest
    import importlib

    name = "adapters.django" if module == "__init__" else f"adapters.django.{module}"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(importlib.import_module(name), optionflags=flags)
    assert result.failed == 0
    assert result.attempted > 0 or module in ("__init__", "middleware", "signals")
