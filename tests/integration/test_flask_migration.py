"""flask-cors's vocabulary in ``adapters.flask``: the import is the whole migration."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Blueprint, Flask

from adapters.flask import CORS, cross_origin
from cors_core import ConfigError
from cors_core.browser import Trip, simulate

FRONT = "http://localhost:3000"
EVIL = "https://evil.example"


def _send(app: Flask, path: str) -> Any:
    client = app.test_client()

    def send(method: str, headers: Any) -> tuple[int, list[tuple[str, str]], bytes]:
        r = client.open(path, method=method, headers=list(headers))
        return r.status_code, list(r.headers.items()), r.data

    return send


def trip(app: Flask, path: str, origin: str, **options: Any) -> Trip:
    return simulate(_send(app, path), origin=origin, **options)


def _app(**routes: Any) -> Flask:
    app = Flask("migration")

    @app.route("/api/items", methods=["GET", "PUT", "DELETE"])
    def items() -> Any:
        return {"items": []}, 200, {"X-Total-Count": "3"}

    @app.route("/other")
    def other() -> str:
        return "other"

    return app


def test_bare_cors_allows_every_origin_without_credentials() -> None:
    app = _app()
    CORS(app)
    client = app.test_client()
    r = client.get("/api/items", headers={"Origin": EVIL})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    r = client.options(
        "/api/items",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "x-anything",
        },
    )
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Headers"] == "x-anything"
    assert "DELETE" in r.headers["Access-Control-Allow-Methods"]
    assert trip(app, "/api/items", EVIL, method="DELETE", headers={"X-Anything": "1"}).verdict
    assert not trip(app, "/api/items", EVIL, credentials=True).verdict


def test_flask_cors_keywords_are_translated() -> None:
    app = _app()
    CORS(
        app,
        origins=[FRONT, r"https://.*\.example\.org"],
        methods="get, put",
        allow_headers=["Content-Type", "X-COMPANY-.*"],
        expose_headers="X-Total-Count",
        supports_credentials=True,
        max_age=timedelta(minutes=10),
        vary_header=True,
        automatic_options=True,
        intercept_exceptions=True,
        always_send=True,
    )
    client = app.test_client()
    r = client.options(
        "/api/items",
        headers={
            "Origin": "https://a.example.org",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type,x-company-id",
        },
    )
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "https://a.example.org"
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert r.headers["Access-Control-Max-Age"] == "600"
    assert r.headers["Access-Control-Allow-Headers"].endswith("x-company-id")
    r = client.get("/api/items", headers={"Origin": FRONT})
    assert r.headers["Access-Control-Expose-Headers"] == "X-Total-Count"
    t = trip(
        app,
        "/api/items",
        FRONT,
        method="PUT",
        credentials=True,
        headers={"X-Company-Id": "1", "Content-Type": "application/json"},
    )
    assert t.verdict and "x-total-count" in t.readable_headers
    # fullmatch, not re.match: the regex does not let a longer host through
    assert not trip(app, "/api/items", "https://a.example.org.evil.com").verdict
    assert not trip(app, "/api/items", EVIL).verdict


def test_flask_cors_config_keys_are_read() -> None:
    app = _app()
    app.config.update(
        CORS_ORIGINS=FRONT,
        CORS_SUPPORTS_CREDENTIALS=True,
        CORS_METHODS=["GET", "DELETE"],
        CORS_ALLOW_HEADERS=["x-token"],
        CORS_EXPOSE_HEADERS=["X-Total-Count"],
        CORS_MAX_AGE=120,
        CORS_SEND_WILDCARD=False,
        CORS_VARY_HEADER=True,
        CORS_AUTOMATIC_OPTIONS=True,
        CORS_ALWAYS_SEND=True,
        CORS_INTERCEPT_EXCEPTIONS=True,
        CORS_ALLOW_PRIVATE_NETWORK=False,
    )
    CORS(app)
    assert trip(
        app, "/api/items", FRONT, method="DELETE", credentials=True, headers={"X-Token": "t"}
    ).verdict
    assert not trip(app, "/api/items", EVIL).verdict
    assert not trip(app, "/api/items", FRONT, method="PUT").verdict
    r = app.test_client().options(
        "/api/items", headers={"Origin": FRONT, "Access-Control-Request-Method": "GET"}
    )
    assert r.headers["Access-Control-Max-Age"] == "120"


def test_resources_most_specific_first_with_re_match_on_the_routed_path() -> None:
    app = _app()
    CORS(
        app,
        resources={
            r"/api/*": {"origins": [FRONT]},
            r"/api/items": {"origins": "*"},
        },
    )
    client = app.test_client()
    assert (
        client.get("/api/items", headers={"Origin": EVIL}).headers["Access-Control-Allow-Origin"]
        == "*"
    )
    r = client.get("/other", headers={"Origin": FRONT})
    assert "Access-Control-Allow-Origin" not in r.headers  # no resource: no CORS
    app.config["CORS_RESOURCES"] = {r"/other": {"origins": [FRONT]}}
    app2 = _app()
    app2.config["CORS_RESOURCES"] = {r"/other": {"origins": [FRONT]}}
    CORS(app2)
    assert trip(app2, "/other", FRONT).verdict
    assert not trip(app2, "/api/items", FRONT).verdict


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"origins": "*", "supports_credentials": True}, "allows every origin together"),
        ({"supports_credentials": True}, "allows every origin together"),
        ({"origins": [FRONT], "vary_header": False}, "vary_header: False cannot be turned off"),
        ({"origins": [FRONT], "automatic_options": False}, "automatic_options"),
        ({"origins": [FRONT], "intercept_exceptions": False}, "intercept_exceptions"),
        (
            {"origins": [FRONT], "send_wildcard": True, "supports_credentials": True},
            "send_wildcard",
        ),
        ({"origins": [FRONT], "allow_origins": [FRONT]}, "keep one of the two"),
        ({"orgins": [FRONT]}, "did you mean 'origins'"),
        (
            {"resources": {r"/api/*": {"origins": "*", "supports_credentials": True}}},
            "resources['/api/*'].origins",
        ),
    ],
)
def test_unsafe_or_unsupported_flask_cors_values_are_refused(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        CORS(_app(), **options)


def test_regex_origins_are_fullmatched_and_our_patterns_kept() -> None:
    app = _app()
    CORS(app, origins=[re.compile(r"https://(a|b)\.example\.com"), r"https://[a-z]+\.example\.net"])
    assert trip(app, "/api/items", "https://a.example.com").verdict
    assert not trip(app, "/api/items", "https://a.example.com.evil.com").verdict
    assert trip(app, "/api/items", "https://x.example.net").verdict
    assert not trip(app, "/api/items", "https://example.net").verdict
    ours = _app()  # this library's subdomain pattern, under its own name
    CORS(ours, allow_origins=["https://*.example.net"])
    assert trip(ours, "/api/items", "https://x.example.net").verdict
    assert not trip(ours, "/api/items", "https://example.net").verdict


@pytest.mark.parametrize(
    ("origins", "problem", "fix"),
    [
        (
            "https://*.example.com",
            "is a regex to flask-cors ('*' repeats the '/' before it), so it matched no subdomain",
            "origins=[r'https://([a-z0-9-]+\\.)+example\\.com']",
        ),
        (
            "https://a.example.com:*",
            "is a regex to flask-cors ('*' repeats the ':' before it), so it matched no port",
            "origins=[r'https://a\\.example\\.com(:\\d+)?']",
        ),
        (
            "https://a.example.com|https://b.example.net",
            "is compared whole by flask-cors, so it matched no origin",
            "origins=['https://a.example.com', 'https://b.example.net']",
        ),
        (
            "https://a.example.com, https://b.example.net",
            "is compared whole by flask-cors, so it matched no origin",
            "origins=['https://a.example.com', 'https://b.example.net']",
        ),
        (
            r"http?://\w*\.?example\.com:?\d*/?.*",  # flask-cors's own documented example
            "admits foreign origins such as 'http://example.com.evil-cors-probe.example' "
            "('example.com' is matched as a prefix)",
            "origins=[r'http://([a-z0-9]+\\.)?example\\.com(:\\d+)?']",
        ),
    ],
)
def test_origins_flask_cors_read_otherwise_are_refused_with_the_danger_first(
    origins: str, problem: str, fix: str
) -> None:
    """What flask-cors read as matching nothing, or as a regex admitting foreign origins,
    is refused (never read more broadly), the danger first and the fix in its vocabulary."""
    with pytest.raises(ConfigError) as info:
        CORS(_app(), origins=origins)
    first = info.value.problems[0]
    assert (first.option, first.problem.startswith(problem)) == ("origins", True), first
    assert fix in first.fix, first.fix


def test_cross_origin_works_without_cors_app() -> None:
    app = Flask("standalone")

    @app.route("/open", methods=["GET", "PUT"])
    @cross_origin(origins="*")
    def open_view() -> str:
        return "open"

    @app.route("/front", methods=["GET", "DELETE"])
    @cross_origin(
        origins=[FRONT], methods=["DELETE"], allow_headers=["x-token"], supports_credentials=True
    )
    def front() -> str:
        return "front"

    @app.get("/plain")
    def plain() -> str:
        return "plain"

    client = app.test_client()
    r = client.get("/open", headers={"Origin": EVIL})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    r = client.options(
        "/front",
        headers={
            "Origin": FRONT,
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "x-token",
        },
    )
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == FRONT
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Allow-Headers"] == "x-token"
    r = client.options(
        "/front", headers={"Origin": EVIL, "Access-Control-Request-Method": "DELETE"}
    )
    assert r.status_code == 403 and "Access-Control-Allow-Origin" not in r.headers
    r = client.get("/front", headers={"Origin": FRONT})
    assert (r.data, r.headers["Access-Control-Allow-Origin"], r.headers["Vary"]) == (
        b"front",
        FRONT,
        "Origin",
    )
    r = client.options("/front")  # not a preflight: Flask's default OPTIONS answer
    assert r.status_code == 200 and "DELETE" in r.headers["Allow"]
    assert (
        "Access-Control-Allow-Origin" not in client.get("/plain", headers={"Origin": FRONT}).headers
    )
    assert trip(
        app, "/front", FRONT, method="DELETE", credentials=True, headers={"X-Token": "1"}
    ).verdict
    assert not trip(app, "/front", EVIL, method="DELETE").verdict
    assert trip(app, "/open", EVIL, method="PUT").verdict


def test_cross_origin_with_cors_app_decides_once() -> None:
    app = Flask("both")
    CORS(app, origins=[FRONT])

    @app.get("/open")
    @cross_origin(origins="*")
    def open_view() -> str:
        return "open"

    r = app.test_client().get("/open", headers={"Origin": EVIL})
    assert r.headers.getlist("Access-Control-Allow-Origin") == ["*"]
    assert trip(app, "/open", EVIL).verdict
    assert not trip(app, "/", EVIL).verdict


def test_cors_on_a_blueprint_governs_only_its_routes() -> None:
    app = Flask("bp")
    api = Blueprint("api", __name__, url_prefix="/api")
    CORS(api, origins=[FRONT], methods=["GET", "PUT"])

    @api.route("/items", methods=["GET", "PUT"])
    def items() -> str:
        return "items"

    @app.route("/site", methods=["GET", "PUT"])
    def site() -> str:
        return "site"

    app.register_blueprint(api)
    client = app.test_client()
    r = client.options(
        "/api/items", headers={"Origin": FRONT, "Access-Control-Request-Method": "PUT"}
    )
    assert (r.status_code, r.headers["Access-Control-Allow-Origin"]) == (204, FRONT)
    r = client.get("/api/items", headers={"Origin": FRONT})
    assert r.headers["Access-Control-Allow-Origin"] == FRONT
    assert (
        "Access-Control-Allow-Origin" not in client.get("/site", headers={"Origin": FRONT}).headers
    )
    assert trip(app, "/api/items", FRONT, method="PUT").verdict
    assert not trip(app, "/site", FRONT, method="PUT").verdict
    assert not trip(app, "/api/items", EVIL).verdict


def test_a_resources_key_that_can_backtrack_is_refused() -> None:
    """The request path is the attacker's: a path regex with nested quantifiers is a ReDoS."""
    import flask

    from adapters.flask import CORS
    from cors_core import ConfigError

    app = flask.Flask(__name__)
    with pytest.raises(ConfigError) as info:
        CORS(app, resources={r"/api/(\w+-?)+/x": {"origins": "https://app.example.com"}})
    [problem] = info.value.problems
    assert (problem.option, problem.entry) == ("resources", repr(r"/api/(\w+-?)+/x"))
    assert problem.problem.startswith("can backtrack exponentially")
    assert "crafted request path" in problem.problem
    quadratic = flask.Flask(__name__)  # paths have no length bound: quadratic is refused too
    with pytest.raises(ConfigError, match="can backtrack polynomially"):
        CORS(quadratic, resources={r"/.*.*x": {"origins": "https://app.example.com"}})
    ok = flask.Flask(__name__)
    CORS(ok, resources={r"/api/.*": {"origins": "https://app.example.com"}})  # linear: fine
    CORS(flask.Flask(__name__), resources={r"/api/[^/]*/items/.*": {"origins": "*"}})


@pytest.mark.parametrize("where", ["keyword", "config"])
def test_a_comma_string_of_allowed_headers_is_refused_with_the_list(where: str) -> None:
    """flask-cors compares 'Content-Type, X-Custom' whole with each requested name (it
    allowed none of them): read as a list it would allow more, so it is refused."""
    app = _app()
    value = "Content-Type, X-Custom"
    with pytest.raises(ConfigError) as info:
        if where == "config":
            app.config["CORS_ALLOW_HEADERS"] = value
            CORS(app, origins=[FRONT])
        else:
            CORS(app, origins=[FRONT], allow_headers=value)
    (problem,) = info.value.problems
    written = {"config": "CORS_ALLOW_HEADERS", "keyword": "allow_headers"}[where]
    assert (problem.option, problem.entry) == (written, repr(value))
    setting = {"config": "CORS_ALLOW_HEADERS = ", "keyword": "allow_headers="}[where]
    assert problem.fix == f"list them: {setting}['Content-Type', 'X-Custom']"
