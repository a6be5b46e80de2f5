"""The router is the oracle: whatever path an attacker sends, the CORS answer is the rule of
the route that served it, or stricter.

Real routers (FastAPI/Starlette, Flask/werkzeug, Django) serve exact, prefix and catch-all
routes behind one :class:`PathRules` table. Hypothesis builds raw request targets from dot
segments (plain and escaped), encoded and repeated slashes, double escapes, ``;``
parameters, case, escaped letters and non-ASCII, plus a mount point (``SCRIPT_NAME``,
``root_path``) a client may smuggle in. Each target goes through the stack as its server
builds the request; the handler says which route served it. A browser model then judges
our response: if a page could read it (or pass the preflight), it must also be able to
under the served route's own rule. No list of tricks: the router decides.

Stacks: the ASGI adapter under FastAPI, the WSGI adapter and the Flask layer under Flask,
the Django middleware under Django.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flask
import pytest
from django.http import JsonResponse  # type: ignore[import-untyped]
from django.urls import re_path  # type: ignore[import-untyped]
from fastapi import FastAPI
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tests.integration.conftest  # noqa: F401  (configures Django, once per process)
from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.django import CORSMiddleware as DjangoCORS
from adapters.flask import CORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from cors_core import CORSPolicy, PathRules
from cors_core.browser import cors_check, preflight_check
from tests.security.path_attacks import (
    asgi_scope,
    call_asgi_app,
    waitress_environ,
    werkzeug_environ,
)
from tests.security.support import Result, call_wsgi_environ

APP = "https://app.example"
STATUS = "https://status.example"
EVIL = "https://evil.example"
ORIGINS = (APP, STATUS, EVIL)

#: One origin with credentials, PUT and one header.
API = CORSPolicy(
    allow_origins=[APP],
    allow_credentials=True,
    allow_methods=["GET", "PUT"],
    allow_headers=["x-token"],
)
PUBLIC = CORSPolicy(allow_origins=["*"], allow_methods=["GET", "PUT", "DELETE"])
HEALTH = CORSPolicy(allow_origins=[STATUS])
#: The widest rule: a path that dodges its own rule into the default gains the most.
DEFAULT = CORSPolicy(
    allow_origins=[APP, STATUS, EVIL],
    allow_credentials=True,
    allow_methods=["GET", "PUT", "DELETE"],
    allow_headers=["x-token"],
)
RULES = PathRules(
    {
        "/internal": None,
        "/internal/*": None,
        "/api/*": API,
        "/api/internal/*": None,
        "/public/*": PUBLIC,
        "/health": HEALTH,
    },
    default=DEFAULT,
)

#: Each route the apps define, and the rule its author wrote for it.
ROUTE_RULES: dict[str, CORSPolicy | None] = {
    "internal": None,  # /internal and everything below it
    "api_internal": None,
    "api": API,
    "public": PUBLIC,
    "health": HEALTH,
    "catch_all": DEFAULT,  # every other path: the default
}


# ------------------------------------------------------------------------------ the apps


def fastapi_app(wrap: Callable[[Any], Any]) -> Any:
    app = FastAPI()

    def route(path: str, name: str) -> None:
        async def handler() -> dict[str, str]:
            return {"route": name}

        app.add_api_route(path, handler, methods=["GET", "PUT", "DELETE"], name=f"{name}{path}")

    route("/internal", "internal")
    route("/internal/{p:path}", "internal")
    route("/api/internal/{p:path}", "api_internal")
    route("/api", "api")
    route("/api/{p:path}", "api")
    route("/public", "public")
    route("/public/{p:path}", "public")
    route("/health", "health")
    route("/{p:path}", "catch_all")
    return wrap(app)


def flask_app(install: Callable[[flask.Flask], None]) -> flask.Flask:
    app = flask.Flask("route_oracle")
    methods = ["GET", "PUT", "DELETE"]

    def route(rule: str, name: str, **options: Any) -> None:
        def handler(**_: str) -> dict[str, str]:
            return {"route": name}

        app.add_url_rule(rule, f"{name}{rule}", handler, methods=methods, **options)

    route("/internal", "internal", strict_slashes=False)
    route("/internal/<path:p>", "internal")
    route("/api/internal/<path:p>", "api_internal")
    route("/api", "api", strict_slashes=False)
    route("/api/<path:p>", "api")
    route("/public", "public", strict_slashes=False)
    route("/public/<path:p>", "public")
    route("/health", "health", strict_slashes=False)
    route("/", "catch_all")
    route("/<path:p>", "catch_all")
    install(app)
    return app


def _flask_layer(app: flask.Flask) -> None:
    CORS(app, policy=RULES)


def _wsgi_adapter(app: flask.Flask) -> None:
    app.wsgi_app = WSGICORS(app.wsgi_app, policy=RULES)  # type: ignore[method-assign]


def _django_view(name: str) -> Callable[..., Any]:
    def view(request: Any, **_: str) -> Any:
        return JsonResponse({"route": name})

    return view


#: ``ROOT_URLCONF`` of the Django stack (Django matches in order).
urlpatterns = [
    re_path(r"^internal/?$", _django_view("internal")),
    re_path(r"^internal/(?P<p>.*)$", _django_view("internal")),
    re_path(r"^api/internal/(?P<p>.*)$", _django_view("api_internal")),
    re_path(r"^api/?$", _django_view("api")),
    re_path(r"^api/(?P<p>.*)$", _django_view("api")),
    re_path(r"^public/?$", _django_view("public")),
    re_path(r"^public/(?P<p>.*)$", _django_view("public")),
    re_path(r"^health/?$", _django_view("health")),
    re_path(r"^(?P<p>.*)$", _django_view("catch_all")),
]


class OracleCORS(DjangoCORS):
    """The Django middleware with :data:`RULES` as its policy."""

    policy = RULES


# ----------------------------------------------------------------------------- the stacks


@dataclass
class Stack:
    name: str
    send: Callable[[str, str, list[tuple[str, str]], str], Result]


def _asgi_sender(app: Any) -> Callable[[str, str, list[tuple[str, str]], str], Result]:
    def send(method: str, target: str, headers: list[tuple[str, str]], mount: str) -> Result:
        scope = asgi_scope(method, target, headers)
        if mount:  # a server mounted at `mount` puts it in front of path (uvicorn >= 0.26)
            scope["root_path"] = mount
            scope["path"] = mount + scope["path"]
        return call_asgi_app(app, scope)

    return send


def _wsgi_sender(
    app: Any, build: Callable[..., dict[str, Any]]
) -> Callable[[str, str, list[tuple[str, str]], str], Result]:
    def send(method: str, target: str, headers: list[tuple[str, str]], mount: str) -> Result:
        environ = build(method, target, headers)
        environ["SCRIPT_NAME"] = mount  # e.g. gunicorn honouring a client's SCRIPT_NAME
        return call_wsgi_environ(app, environ)

    return send


def _django_sender() -> Callable[[str, str, list[tuple[str, str]], str], Result]:
    from django.core.handlers.wsgi import WSGIHandler  # type: ignore[import-untyped]
    from django.test import override_settings  # type: ignore[import-untyped]

    handler = WSGIHandler()
    overrides = {
        "ROOT_URLCONF": __name__,
        "MIDDLEWARE": [f"{__name__}.OracleCORS"],
        "ALLOWED_HOSTS": ["127.0.0.1"],
        "DEBUG": False,
        "APPEND_SLASH": False,
    }
    send_wsgi = _wsgi_sender(handler, waitress_environ)

    def send(method: str, target: str, headers: list[tuple[str, str]], mount: str) -> Result:
        with override_settings(**overrides):
            return send_wsgi(method, target, headers, mount)

    return send


STACKS = {
    "fastapi-asgi": lambda: _asgi_sender(fastapi_app(lambda app: ASGICORS(app, policy=RULES))),
    "flask-layer": lambda: _wsgi_sender(flask_app(_flask_layer), werkzeug_environ),
    "flask-wsgi": lambda: _wsgi_sender(flask_app(_wsgi_adapter), waitress_environ),
    "django": _django_sender,
}


@pytest.fixture(scope="module", params=list(STACKS))
def stack(request: pytest.FixtureRequest) -> Stack:
    return Stack(request.param, STACKS[request.param]())


# ------------------------------------------------------------------------------- targets

SEGMENTS = (
    "internal",
    "api",
    "public",
    "health",
    "x",
    "..",
    ".",
    "",
    "%2e%2e",
    "%2E%2e",
    ".%2e",
    "%2e",
    "INTERNAL",
    "%69nternal",
    "internal;x",
    ";x",
    "%C3%A9",
    "%252F",
    "%2F..",
    "..%2F",
    "internal%2F..",
    "a+b",
    "%2e%2e%2F",
    "health%2F",
    "%252e%252e",
)
SEPARATORS = ("/", "/", "/", "%2F", "%2f", "//")

targets = st.builds(
    lambda first, rest, trailing: "/" + first + "".join(s + seg for s, seg in rest) + trailing,
    st.sampled_from(SEGMENTS),
    st.lists(st.tuples(st.sampled_from(SEPARATORS), st.sampled_from(SEGMENTS)), max_size=5),
    st.sampled_from(("", "", "/")),
)
mounts = st.sampled_from(("", "", "", "/public", "/api", "/health"))


def served_route(stack: Stack, target: str, mount: str) -> str | None:
    """The route that serves ``target`` (a GET without Origin), or None if no handler did
    (a 404, a redirect to the canonical path, a 405)."""
    status, _, body = stack.send("GET", target, [], mount)
    if status != 200:
        return None
    route: str = json.loads(body)["route"]
    return route


def _expected(policy: CORSPolicy | None, method: str, headers: list[tuple[str, str]]) -> Result:
    """What the served route's own rule answers (its status and CORS headers)."""
    if policy is None:
        return 200, [], b""
    get = dict((n.lower(), v) for n, v in headers).get
    decision = policy.decide(
        method,
        get("origin"),
        get("access-control-request-method"),
        get("access-control-request-headers"),
    )
    status = decision.status if decision.action == 2 else 200
    return status, [(n.lower(), v) for n, v in decision.headers], decision.body


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(target=targets, mount=mounts, origin=st.sampled_from(ORIGINS), credentials=st.booleans())
@example(target="/internal/..%2Fpublic", mount="", origin=EVIL, credentials=False)
@example(target="/internal/..%2Fx", mount="", origin=EVIL, credentials=True)
@example(target="/internal/", mount="", origin=EVIL, credentials=True)
@example(target="/health/", mount="", origin=EVIL, credentials=True)
@example(target="/internal/secret", mount="/public", origin=EVIL, credentials=False)
@example(target="/api/..%2Finternal", mount="", origin=APP, credentials=True)
def test_a_response_is_readable_only_where_the_served_routes_rule_allows(
    stack: Stack, target: str, mount: str, origin: str, credentials: bool
) -> None:
    route = served_route(stack, target, mount)
    if route is None:
        return
    headers = [("Origin", origin)]
    _, ours, _ = stack.send("GET", target, headers, mount)
    _, theirs, _ = _expected(ROUTE_RULES[route], "GET", headers)
    readable = cors_check(ours, origin=origin, credentials=credentials)
    allowed = cors_check(theirs, origin=origin, credentials=credentials)
    assert allowed or not readable, (stack.name, mount, target, route, ours)


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=targets,
    mount=mounts,
    origin=st.sampled_from(ORIGINS),
    credentials=st.booleans(),
    method=st.sampled_from(("PUT", "DELETE")),
    names=st.sampled_from(((), ("x-token",))),
)
@example(
    target="/internal/..%2Fpublic",
    mount="",
    origin=EVIL,
    credentials=False,
    method="PUT",
    names=(),
)
@example(
    target="/api/..%2Fx",
    mount="",
    origin=APP,
    credentials=True,
    method="DELETE",
    names=(),
)
def test_a_preflight_passes_only_where_the_served_routes_rule_allows(
    stack: Stack,
    target: str,
    mount: str,
    origin: str,
    credentials: bool,
    method: str,
    names: tuple[str, ...],
) -> None:
    route = served_route(stack, target, mount)
    if route is None:
        return
    headers = [("Origin", origin), ("Access-Control-Request-Method", method)]
    if names:
        headers.append(("Access-Control-Request-Headers", ",".join(names)))
    status, ours, _ = stack.send("OPTIONS", target, headers, mount)
    their_status, theirs, _ = _expected(ROUTE_RULES[route], "OPTIONS", headers)
    kwargs: dict[str, Any] = {
        "origin": origin,
        "method": method,
        "request_headers": names,
        "credentials": credentials,
    }
    passed = preflight_check(status, ours, **kwargs)
    allowed = preflight_check(their_status, theirs, **kwargs)
    assert allowed or not passed, (stack.name, mount, target, route, status, ours)


@pytest.mark.parametrize(
    ("target", "mount", "route"),
    [
        ("/internal/..%2Fpublic", "", "internal"),
        ("/api/internal/..%2F..%2Fpublic", "", "api_internal"),
        ("/internal/", "", "internal"),
        ("/internal/secret", "/public", "internal"),
    ],
)
def test_the_routers_really_serve_the_protected_view(
    stack: Stack, target: str, mount: str, route: str
) -> None:
    """Why the rule must hold: every router serves these from the protected view, and no
    CORS header reaches a page on another origin."""
    assert served_route(stack, target, mount) == route, stack.name
    status, headers, _ = stack.send("GET", target, [("Origin", EVIL)], mount)
    assert status == 200
    assert [n for n, _ in headers if n.startswith("access-control-")] == []
