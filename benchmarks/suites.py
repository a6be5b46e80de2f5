"""The benchmark suites: each returns table rows (plain dicts, also written as JSON)."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks import scenarios as sc
from benchmarks.floor import FLOOR_PREFLIGHT_TARGET, FLOOR_TARGET, FloorASGI, FloorWSGI
from benchmarks.harness import (
    Measured,
    asgi_call,
    asgi_runner,
    asgi_scope,
    measure,
    wsgi_call,
    wsgi_environ,
    wsgi_runner,
)

Row = dict[str, Any]


@dataclass(frozen=True)
class Budget:
    """Rounds and batch sizes: ``fast`` for calls of a few µs, ``slow`` for framework calls."""

    fast_rounds: int
    fast_batch: int
    slow_rounds: int
    slow_batch: int
    seconds: float  # at most this long per measurement (rounds are cut to fit)


FULL = Budget(fast_rounds=400, fast_batch=200, slow_rounds=200, slow_batch=40, seconds=4.5)
QUICK = Budget(fast_rounds=60, fast_batch=100, slow_rounds=30, slow_batch=20, seconds=0.8)


def _row(
    suite: str,
    scenario: str,
    n: int | str,
    m: Measured,
    ours: str,
    peer: str | None,
    target: float | None,
) -> Row:
    ours_us = m.overhead[ours]
    peer_us = m.overhead[peer] if peer else None
    ratio = ours_us / peer_us if peer_us else None
    return {
        "suite": suite,
        "scenario": scenario,
        "origins": n,
        "bare_us": round(m.per_request["bare"], 3),
        "ours_us": round(ours_us, 3),
        "peer": peer,
        "peer_us": None if peer_us is None else round(peer_us, 3),
        "ratio": None if ratio is None else round(ratio, 3),
        "target": target,
        "met": None if target is None or ratio is None else ratio <= target,
        "rounds": m.rounds,
        "batch": m.batch,
    }


# -- ASGI vs starlette -----------------------------------------------------------------


async def bare_asgi(scope: Any, receive: Any, send: Any) -> None:
    """The bare ASGI app: a 2-byte text response, the same for every method."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})


def ours_asgi(allow: list[str], **extra: Any) -> Any:
    """Our ASGI middleware around :func:`bare_asgi`."""
    from adapters.asgi import CORSMiddleware

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CORSMiddleware(bare_asgi, **sc.ours_options(allow, **extra))


def starlette_asgi(allow: list[str], regex: str | None = None) -> Any:
    """starlette's CORSMiddleware around :func:`bare_asgi`, same policy."""
    from starlette.middleware.cors import CORSMiddleware

    return CORSMiddleware(
        bare_asgi,
        allow_origins=allow,
        allow_origin_regex=regex,
        allow_methods=sc.METHODS,
        allow_headers=sc.HEADERS,
        expose_headers=sc.EXPOSE,
        allow_credentials=True,
        max_age=sc.MAX_AGE,
    )


def _checked_asgi(apps: dict[str, Any], request: sc.Request) -> dict[str, Callable[[int], int]]:
    scope = asgi_scope(request.method, request.headers)
    for name, app in apps.items():
        if name != "bare":
            sc.check(name, request, *asgi_call(app, scope))
    return {name: asgi_runner(app, scope) for name, app in apps.items()}


def _floor_target(request: sc.Request) -> float:
    return FLOOR_PREFLIGHT_TARGET if request.preflight else FLOOR_TARGET


def asgi_suite(b: Budget) -> list[Row]:
    """Ours vs starlette (target <= 0.25x) and vs the floor (:mod:`benchmarks.floor`), four
    requests, 1 and 1000 allowed origins, all measured in the same interleaved rounds."""
    rows = []
    for n in (1, 1000):
        allow = sc.origins(n)
        apps = {
            "bare": bare_asgi,
            "ours": ours_asgi(allow),
            "starlette": starlette_asgi(allow),
            "floor": FloorASGI(bare_asgi, allow),
        }
        for request in sc.REQUESTS:
            m = measure(
                _checked_asgi(apps, request),
                rounds=b.fast_rounds,
                batch=b.fast_batch,
                seconds=b.seconds,
            )
            rows.append(_row("asgi", request.name, n, m, "ours", "starlette", 0.25))
            rows.append(_row("asgi", request.name, n, m, "ours", "floor", _floor_target(request)))
    return rows


def wsgi_suite(b: Budget) -> list[Row]:
    """Our WSGI middleware vs the floor around a bare WSGI app (no framework's noise)."""
    from adapters.wsgi import CORSMiddleware

    rows = []
    for n in (1, 1000):
        allow = sc.origins(n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = CORSMiddleware(_bare_wsgi, **sc.ours_options(allow))
        apps = {"bare": _bare_wsgi, "ours": ours, "floor": FloorWSGI(_bare_wsgi, allow)}
        for request in sc.REQUESTS:
            env = wsgi_environ(request.method, request.headers)
            for name in ("ours", "floor"):
                sc.check(name, request, *wsgi_call(apps[name], env))
            runners = {name: wsgi_runner(app, env) for name, app in apps.items()}
            m = measure(runners, rounds=b.fast_rounds, batch=b.fast_batch, seconds=b.seconds)
            rows.append(_row("wsgi", request.name, n, m, "ours", "floor", _floor_target(request)))
    return rows


def sweep_suite(b: Budget) -> list[Row]:
    """Our ASGI overhead with 10 000 exact origins / patterns vs 1 origin (target <= 1.3x)."""
    rows = []
    apps = {
        "bare": bare_asgi,
        "ours_1": ours_asgi(sc.origins(1)),
        "ours_10k_exact": ours_asgi(sc.origins(10_000)),
        "ours_10k_patterns": ours_asgi(sc.patterns(10_000)),
    }
    for request in sc.REQUESTS:
        m = measure(
            _checked_asgi(apps, request),
            rounds=b.fast_rounds,
            batch=b.fast_batch,
            seconds=b.seconds,
        )
        base = m.overhead["ours_1"]
        for name, label in (("ours_10k_exact", "exact"), ("ours_10k_patterns", "patterns")):
            row = _row("sweep", request.name, f"10000 {label}", m, name, None, 1.3)
            row["peer"], row["peer_us"] = "ours, 1 origin", round(base, 3)
            ratio = m.overhead[name] / base if base > 0 else None
            row["ratio"] = None if ratio is None else round(ratio, 3)
            # A ratio of overheads below ~0.2 µs is noise: count it as met if within 0.2 µs.
            row["met"] = ratio is not None and (ratio <= 1.3 or m.overhead[name] - base < 0.2)
            rows.append(row)
    return rows


def matchers_suite(b: Budget) -> list[Row]:
    """Cost of each way of allowing an origin (allowed GET, and a preflight); informative."""
    rows = []
    pred: Callable[[str], bool] = lambda o: o.endswith(".example.com")  # noqa: E731
    regex = r"https://[a-z0-9-]+\.example\.com"
    apps = {
        "bare": bare_asgi,
        "exact": ours_asgi([sc.ALLOWED]),
        "pattern": ours_asgi(["https://*.example.com"]),
        "regex": ours_asgi([], allow_origin_regex=regex),
        "predicate": ours_asgi([], allow_origin_predicate=pred),
        "starlette_regex": starlette_asgi([], regex=regex),
    }
    for request in (sc.ALLOWED_GET, sc.PREFLIGHT):
        m = measure(
            _checked_asgi(apps, request),
            rounds=b.fast_rounds,
            batch=b.fast_batch,
            seconds=b.seconds,
        )
        for name in ("exact", "pattern", "regex", "predicate"):
            row = _row("matchers", request.name, name, m, name, "starlette_regex", None)
            rows.append(row)
    return rows


def flood_suite(b: Budget) -> list[Row]:
    """A preflight with a 200 KB comma-flooded Access-Control-Request-Headers (< 1 ms)."""
    from adapters.wsgi import CORSMiddleware as WSGIMiddleware

    request = sc.FLOOD
    scope = asgi_scope(request.method, request.headers)
    environ = wsgi_environ(request.method, request.headers)
    ours = ours_asgi([sc.ALLOWED])
    status, _ = asgi_call(ours, scope)
    if status != 403:
        raise AssertionError(f"ours answered the flood with {status}, not 403")
    wsgi = WSGIMiddleware(_bare_wsgi, **sc.ours_options([sc.ALLOWED]))
    runners = {
        "asgi": asgi_runner(ours, scope),
        "wsgi": wsgi_runner(wsgi, environ),
        "starlette": asgi_runner(starlette_asgi([sc.ALLOWED]), scope),
    }
    m = measure(runners, rounds=max(10, b.slow_rounds // 3), batch=5, bare=None)
    rows = []
    for name in ("asgi", "wsgi"):
        rows.append(
            {
                "suite": "flood",
                "scenario": f"{request.name} ({name})",
                "origins": 1,
                "bare_us": None,
                "ours_us": round(m.per_request[name], 3),
                "peer": "starlette (asgi)" if name == "asgi" else None,
                "peer_us": round(m.per_request["starlette"], 3) if name == "asgi" else None,
                "ratio": None,
                "target": "< 1000 µs",
                "met": m.per_request[name] < 1000,
                "rounds": m.rounds,
                "batch": m.batch,
                "adapter": name,
            }
        )
    return rows


# -- WSGI on Flask vs flask-cors -------------------------------------------------------


def _bare_wsgi(environ: Any, start_response: Any) -> Any:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def _flask_app() -> Any:
    from flask import Flask

    app = Flask("bench")

    @app.route("/api/items", methods=["GET", "POST", "PUT"])
    def items() -> str:
        return "ok"

    return app


def _wsgi_rows(
    b: Budget, suite: str, n: int, apps: dict[str, Any], peer: str, target: float
) -> list[Row]:
    """Check, then time, every request through the bare app, ours and the peer (WSGI)."""
    rows = []
    for request in sc.REQUESTS:
        env = wsgi_environ(request.method, request.headers)
        for name in ("ours", peer):
            sc.check(name, request, *wsgi_call(apps[name], env))
        runners = {name: wsgi_runner(app, env) for name, app in apps.items()}
        m = measure(runners, rounds=b.slow_rounds, batch=b.slow_batch, seconds=b.seconds)
        rows.append(_row(suite, request.name, n, m, "ours", peer, target))
    return rows


def flask_contenders(allow: list[str]) -> dict[str, Any]:
    """The bare Flask app, ours around it and flask-cors on a twin, for one allow-list."""
    from flask_cors import CORS

    from adapters.wsgi import CORSMiddleware

    bare = _flask_app()
    peer = _flask_app()
    CORS(
        peer,
        origins=allow,
        methods=sc.METHODS,
        allow_headers=sc.HEADERS,
        expose_headers=sc.EXPOSE,
        supports_credentials=True,
        max_age=sc.MAX_AGE,
        always_send=False,  # its default sends CORS headers without Origin: not like ours
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = CORSMiddleware(bare.wsgi_app, **sc.ours_options(allow))
    return {"bare": bare.wsgi_app, "ours": ours, "flask-cors": peer.wsgi_app}


def flask_suite(b: Budget) -> list[Row]:
    """Our WSGI middleware on a Flask app vs flask-cors, same policy (target <= 0.1x)."""
    rows = []
    for n in (1, 1000):
        apps = flask_contenders(sc.origins(n))
        rows += _wsgi_rows(b, "wsgi-flask", n, apps, "flask-cors", 0.1)
    return rows


# -- Django vs django-cors-headers -----------------------------------------------------

#: The middleware benchmarked as "ours" for Django. adapters.django exists; should it be
#: unavailable, the suite falls back to our WSGI adapter around the Django WSGI handler.
OURS_DJANGO = "adapters.django.CORSMiddleware"


def _django_setup() -> Any:
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench-only-not-secret",
            ALLOWED_HOSTS=["*"],
            ROOT_URLCONF="benchmarks.django_urls",
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
            USE_TZ=True,
            LOGGING_CONFIG=None,
        )
        django.setup()
    return settings


def _django_handler(settings: Any, middleware: list[str]) -> Any:
    from django.core.handlers.wsgi import WSGIHandler  # type: ignore[import-untyped]

    settings.MIDDLEWARE = middleware
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return WSGIHandler()


def django_suite(b: Budget) -> list[Row]:
    """adapters.django vs django-cors-headers, same settings (target <= 0.5x)."""
    settings = _django_setup()
    rows = []
    for n in (1, 1000):
        settings.CORS_ALLOWED_ORIGINS = sc.origins(n)
        settings.CORS_ALLOW_METHODS = sc.METHODS
        settings.CORS_ALLOW_HEADERS = sc.HEADERS
        settings.CORS_EXPOSE_HEADERS = sc.EXPOSE
        settings.CORS_ALLOW_CREDENTIALS = True
        settings.CORS_PREFLIGHT_MAX_AGE = sc.MAX_AGE
        bare = _django_handler(settings, [])
        try:
            ours = _django_handler(settings, [OURS_DJANGO])
        except ImportError:  # fallback: the WSGI adapter around Django
            from adapters.wsgi import CORSMiddleware

            ours = CORSMiddleware(_django_handler(settings, []), **sc.ours_options(sc.origins(n)))
        peer = _django_handler(settings, ["corsheaders.middleware.CorsMiddleware"])
        apps = {"bare": bare, "ours": ours, "django-cors-headers": peer}
        rows += _wsgi_rows(b, "django", n, apps, "django-cors-headers", 0.5)
    return rows


SUITES: dict[str, Callable[[Budget], list[Row]]] = {
    "asgi": asgi_suite,
    "sweep": sweep_suite,
    "matchers": matchers_suite,
    "flood": flood_suite,
    "wsgi": wsgi_suite,
    "flask": flask_suite,
    "django": django_suite,
}


def run_suite(name: str, budget: Budget) -> tuple[list[Row], float]:
    """Run one suite; return its rows and its wall time in seconds."""
    t0 = time.perf_counter()
    rows = SUITES[name](budget)
    return rows, time.perf_counter() - t0
