"""Design rule 11: path rules judge the path the application routes, on every server.

The rules (:func:`tests.security.path_attacks.make_rules`): ``/api/*`` allows
``https://app.example.com`` with credentials, ``/api/internal/*`` has no CORS at all, and
paths no rule covers get no CORS (table ``default-none``) or the ``/api/*`` policy (table
``default-open``). Applications route the *decoded* path, so ``/api/%69nternal/secrets`` and
``/api%2Finternal/secrets`` reach the internal view: they must get no
``Access-Control-Allow-Origin`` and no ``Access-Control-Allow-Credentials``, and a preflight
for them must not be answered with CORS allow headers. Paths under ``/api`` but not
``/api/internal`` (``/api/%70ublic``, overlong UTF-8 that is never a ``/`` or ``.``,
``%25``-escapes decoded once, ``+`` kept as ``+``) get ACAO and credentials; ``/API/...``
is under no rule (case-sensitive) and gets the default.

Three layers, each over every case of :data:`~tests.security.path_attacks.CASES`, both
tables, ``GET`` and a preflight (``OPTIONS`` + ``Access-Control-Request-Method: GET``):

(a) ``adapters.asgi.CORSMiddleware`` in-process, with the scope uvicorn builds (and
    without the optional ``raw_path``);
(b) ``adapters.wsgi.CORSMiddleware`` in-process, with the environs waitress and werkzeug build;
(c) real servers on 127.0.0.1 driven by raw request lines (no client normalises the path):
    FastAPI under uvicorn, Flask (``adapters.flask.CORS``) under waitress and under
    werkzeug's dev server, Django (``adapters.django.CORSMiddleware``) under waitress (WSGI)
    and under uvicorn (ASGI).

On a real server a path with no CORS must be answered exactly as the same request without
``Origin`` is (same status, same body: the app's own answer, werkzeug's 308 merge-slashes
redirect, Starlette's 405 for OPTIONS ...), with no ``Access-Control-*`` header, never a 500.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.asgi import CORSMiddleware as ASGICORS
from adapters.wsgi import CORSMiddleware as WSGICORS
from tests.security.path_attacks import (
    CASES,
    REACH_INTERNAL,
    TABLES,
    Case,
    asgi_scope,
    call_asgi_app,
    call_wsgi_app,
    django_settings,
    fastapi_app,
    flask_app,
    make_rules,
    raw_request,
    routed_asgi_app,
    routed_wsgi_app,
    serve_werkzeug,
    waitress_environ,
    werkzeug_environ,
)
from tests.security.support import ACAC, ACAM, ACAO, APP, Result, cors_names, values, vary_tokens
from tests.servers import serve_asgi, serve_wsgi

ACTUAL = [("Origin", APP)]
PREFLIGHT = [("Origin", APP), ("Access-Control-Request-Method", "GET")]
METHODS = {"GET": ACTUAL, "OPTIONS": PREFLIGHT}
CASE_PARAMS = [pytest.param(c, id=c.target) for c in CASES]


def assert_no_cors(result: Result, case: Case, where: str) -> None:
    """No CORS header at all (no ACAO, no credentials, no allow-* on a preflight), no 500."""
    status, headers, body = result
    assert status != 500, (where, case, body[:500])
    assert values(headers, ACAO) == [], (where, case, headers)
    assert values(headers, ACAC) == [], (where, case, headers)
    assert cors_names(headers) == set(), (where, case, headers)


def assert_allowed(
    result: Result, method: str, case: Case, where: str, app_status: int = 200
) -> None:
    """The app's status with ACAO + credentials (GET), or the middleware's 204 with the
    allow headers (preflight)."""
    status, headers, body = result
    expected = 204 if method == "OPTIONS" else app_status
    assert status == expected, (where, case, status, body[:500])
    assert values(headers, ACAO) == [APP], (where, case, headers)
    assert values(headers, ACAC) == ["true"], (where, case, headers)
    assert "origin" in vary_tokens(headers), (where, case, headers)
    if method == "OPTIONS":
        assert "GET" in values(headers, ACAM)[0].split(", "), (where, case, headers)


# --------------------------------------------------------------- (a) ASGI, in-process

#: The scope uvicorn builds, and the same scope without the optional ``raw_path``.
ASGI_FLAVOURS: dict[str, Callable[..., dict[str, Any]]] = {
    "uvicorn": asgi_scope,
    "no-raw_path": lambda *a: {k: v for k, v in asgi_scope(*a).items() if k != "raw_path"},
}


@pytest.fixture(scope="module", params=TABLES)
def asgi_mw(request: pytest.FixtureRequest) -> tuple[str, ASGICORS]:
    return request.param, ASGICORS(routed_asgi_app, policy=make_rules(table=request.param))


@pytest.mark.parametrize("flavour", ASGI_FLAVOURS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", CASE_PARAMS)
def test_asgi(asgi_mw: tuple[str, ASGICORS], case: Case, method: str, flavour: str) -> None:
    table, mw = asgi_mw
    where = f"asgi/{flavour}/{table}"
    result = call_asgi_app(mw, ASGI_FLAVOURS[flavour](method, case.target, METHODS[method]))
    if case.cors(table):
        assert_allowed(result, method, case, where)
    else:
        assert_no_cors(result, case, where)
        assert result[0] == 200  # PASS: the app itself answered (a preflight too)
        assert result == call_asgi_app(mw, ASGI_FLAVOURS[flavour](method, case.target, []))


# --------------------------------------------------------------- (b) WSGI, in-process

WSGI_FLAVOURS: dict[str, Callable[..., dict[str, Any]]] = {
    "waitress": waitress_environ,
    "werkzeug": werkzeug_environ,
}


@pytest.fixture(scope="module", params=TABLES)
def wsgi_mw(request: pytest.FixtureRequest) -> tuple[str, WSGICORS]:
    return request.param, WSGICORS(routed_wsgi_app, policy=make_rules(table=request.param))


@pytest.mark.parametrize("flavour", WSGI_FLAVOURS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", CASE_PARAMS)
def test_wsgi(wsgi_mw: tuple[str, WSGICORS], case: Case, method: str, flavour: str) -> None:
    table, mw = wsgi_mw
    where = f"wsgi/{flavour}/{table}"
    result = call_wsgi_app(mw, WSGI_FLAVOURS[flavour](method, case.target, METHODS[method]))
    if case.cors(table):
        assert_allowed(result, method, case, where)
    else:
        assert_no_cors(result, case, where)
        assert result[0] == 200
        assert result == call_wsgi_app(mw, WSGI_FLAVOURS[flavour](method, case.target, []))


ENVIRON_KEYS = ("SCRIPT_NAME", "PATH_INFO", "RAW_URI", "REQUEST_URI")


async def _echo_scope(scope: Any, receive: Any, send: Any) -> None:
    raw = scope.get("raw_path")
    got = {"path": scope["path"], "raw_path": None if raw is None else raw.decode("latin-1")}
    body = json.dumps({**got, "root_path": scope.get("root_path")}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def _echo_environ(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({k: environ.get(k) for k in ENVIRON_KEYS}).encode()]


@pytest.mark.parametrize("server", ["uvicorn", "waitress", "werkzeug"])
def test_in_process_requests_are_what_the_real_servers_build(server: str) -> None:
    """The scope and environs of (a) and (b), checked against the servers themselves."""
    targets = [c.target for c in CASES]
    if server == "uvicorn":
        with serve_asgi(_echo_scope) as base:
            for target in targets:
                scope = asgi_scope("GET", target, [])
                want = {"path": scope["path"], "raw_path": target, "root_path": ""}
                assert json.loads(raw_request(base, "GET", target)[2]) == want, target
        return
    model = waitress_environ if server == "waitress" else werkzeug_environ
    serve = serve_wsgi if server == "waitress" else serve_werkzeug
    with serve(_echo_environ) as base:
        for target in targets:
            environ = model("GET", target, [])
            want = {k: environ.get(k) for k in ENVIRON_KEYS}
            assert json.loads(raw_request(base, "GET", target)[2]) == want, target


# ----------------------------------------------------------------- (c) real servers

STACKS = (
    "fastapi-uvicorn",
    "flask-waitress",
    "flask-werkzeug",
    "django-waitress",
    "django-uvicorn",
)


@dataclass(frozen=True)
class Live:
    """One running server: stack name, rule table, base URL."""

    stack: str
    table: str
    url: str

    def where(self, method: str, case: Case | str) -> str:
        return f"{self.stack}/{self.table} {method} {case}"


@contextlib.contextmanager
def _serve(stack: str, table: str) -> Iterator[str]:
    if stack == "fastapi-uvicorn":
        with serve_asgi(fastapi_app(make_rules(table=table))) as base:
            yield base
    elif stack == "flask-waitress":
        with serve_wsgi(flask_app(make_rules(table=table))) as base:
            yield base
    elif stack == "flask-werkzeug":
        with serve_werkzeug(flask_app(make_rules(table=table))) as base:
            yield base
    else:
        from django.core.handlers.asgi import ASGIHandler  # type: ignore[import-untyped]
        from django.core.handlers.wsgi import WSGIHandler  # type: ignore[import-untyped]
        from django.test import override_settings  # type: ignore[import-untyped]

        import tests.integration.conftest  # noqa: F401  (configures Django, once per process)

        # The override stays on while the server runs: URLconf and middleware come from it.
        with override_settings(**django_settings(table)):
            if stack == "django-waitress":
                with serve_wsgi(WSGIHandler()) as base:
                    yield base
            else:
                with serve_asgi(ASGIHandler()) as base:
                    yield base


@pytest.fixture(
    scope="module",
    params=[pytest.param((s, t), id=f"{s}/{t}") for s in STACKS for t in TABLES],
)
def live(request: pytest.FixtureRequest) -> Iterator[Live]:
    """The rules on one real server stack (FastAPI, Flask or Django, under uvicorn,
    waitress or werkzeug's dev server)."""
    stack, table = request.param
    with _serve(stack, table) as base:
        yield Live(stack, table, base)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", CASE_PARAMS)
def test_live(live: Live, case: Case, method: str) -> None:
    result = raw_request(live.url, method, case.target, METHODS[method])
    if case.cors(live.table):
        # /API/... is routed nowhere: the app's 404, which keeps its CORS headers (rule 7).
        app_status = 200 if case.routes_to == "api" else 404
        assert_allowed(result, method, case, live.where(method, case), app_status)
        if method == "GET" and case.routes_to == "api":
            assert json.loads(result[2])["view"] == "api", result[2]
        return
    assert_no_cors(result, case, live.where(method, case))
    # No CORS here: the app's own answer, exactly as without Origin (not a 204, not a 500).
    plain = raw_request(live.url, method, case.target)
    assert plain[0] != 500, (live.where(method, case), plain)
    assert (result[0], result[2]) == (plain[0], plain[2]), live.where(method, case)


@pytest.mark.parametrize("target", REACH_INTERNAL)
def test_live_encoded_spellings_reach_the_internal_view(live: Live, target: str) -> None:
    """Why the rule must apply: every framework serves these from its internal view."""
    status, _, body = raw_request(live.url, "GET", target)
    assert status == 200, (live.where("GET", target), status, body[:500])
    assert json.loads(body) == {"view": "internal", "path": "/api/internal/secrets"}
