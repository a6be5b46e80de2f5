"""Flask: ``adapters.flask.CORS`` and ``cross_origin`` under waitress and Flask's test client."""

from __future__ import annotations

import importlib

import httpx
import pytest
from flask import Blueprint, Flask, abort, request

from adapters.flask import CORS, cross_origin, no_cors
from cors_core import ConfigError, CORSPolicy
from cors_core.browser import simulate
from cors_core.testing import cors_trip
from tests.integration.conftest import hdrs, http_sender
from tests.servers import serve_wsgi

FRONT = "http://localhost:8080"


@pytest.fixture(scope="module")
def example_url():  # type: ignore[no-untyped-def]
    example = importlib.import_module("examples.flask_app")
    with serve_wsgi(example.app) as base:
        yield base


def test_example_credentialed_get_reads_exposed_header(example_url: str) -> None:
    trip = simulate(http_sender(example_url, "/api/todos"), origin=FRONT, credentials=True)
    assert trip.verdict.code == "ok", trip.steps
    assert trip.actual is not None and trip.actual.status == 200
    assert "x-total-count" in trip.readable_headers
    got = hdrs(trip.actual.response_headers)
    assert got["access-control-allow-origin"] == FRONT
    assert got["access-control-allow-credentials"] == "true"
    assert got["access-control-expose-headers"] == "x-total-count"
    assert got["vary"] == "Origin"


def test_example_put_and_delete_are_preflighted_and_allowed(example_url: str) -> None:
    put = simulate(
        http_sender(example_url, "/api/todos/3"),
        origin="http://127.0.0.1:8080",
        method="PUT",
        headers={"Content-Type": "application/json", "Authorization": "Bearer t"},
        credentials=True,
    )
    delete = simulate(http_sender(example_url, "/api/todos/3"), origin=FRONT, method="DELETE")
    assert put.verdict.code == "ok", put.steps
    assert put.preflight is not None and put.preflight.status == 204
    pre = hdrs(put.preflight.response_headers)
    assert pre["access-control-allow-methods"] == "GET, POST, PUT, DELETE"
    assert pre["access-control-allow-headers"] == ("content-type, authorization")
    assert pre["access-control-max-age"] == "600"  # the keyword won over nothing in config
    assert put.actual is not None and put.actual.body == b'{"id":3,"name":"x","title":"x"}\n'
    assert delete.verdict.code == "ok" and delete.actual is not None
    assert delete.actual.status == 204


def test_example_refuses_other_origins(example_url: str) -> None:
    trip = simulate(
        http_sender(example_url, "/api/todos/3"), origin="https://evil.example", method="PUT"
    )
    assert trip.verdict.code == "missing_allow_origin"
    assert trip.preflight is not None and trip.preflight.status == 403


def test_example_cross_origin_view_replaces_the_app_policy(example_url: str) -> None:
    anyone = simulate(http_sender(example_url, "/api/public"), origin="https://any.example")
    assert anyone.verdict.code == "ok"
    assert anyone.actual is not None
    assert hdrs(anyone.actual.response_headers)["access-control-allow-origin"] == "*"
    with_cookies = simulate(http_sender(example_url, "/api/public"), origin=FRONT, credentials=True)
    assert with_cookies.verdict.code == "wildcard_with_credentials"


def test_example_no_cors_view_is_never_readable(example_url: str) -> None:
    trip = simulate(
        http_sender(example_url, "/api/internal"),
        origin=FRONT,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    # The preflight reached Flask, whose automatic OPTIONS answer has no CORS headers.
    assert trip.verdict.code == "missing_allow_origin"
    assert trip.preflight is not None and trip.preflight.status == 200
    allow = hdrs(trip.preflight.response_headers)["allow"]
    assert sorted(allow.split(", ")) == ["OPTIONS", "POST"]


def test_example_500_carries_cors_headers(example_url: str) -> None:
    trip = simulate(http_sender(example_url, "/api/boom"), origin=FRONT, credentials=True)
    assert trip.verdict.code == "ok", trip.steps
    assert trip.actual is not None and trip.actual.status == 500


def test_preflights_never_reach_hooks_or_views() -> None:
    app = Flask("guarded")
    calls: list[str] = []

    @app.before_request
    def require_login() -> None:
        calls.append(f"hook {request.method} {request.path}")
        abort(401)

    @app.route("/api/data", methods=["PUT"])
    def data() -> str:
        calls.append("view")
        return "never"

    CORS(app, allow_origins=[FRONT], allow_methods=["PUT"], allow_headers=["x-token"])
    with serve_wsgi(app) as base:
        preflight = httpx.options(
            base + "/api/data",
            headers={
                "Origin": FRONT,
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "x-token",
            },
        )
        actual = httpx.put(base + "/api/data", headers={"Origin": FRONT, "X-Token": "t"})
    assert preflight.status_code == 204
    assert preflight.content == b""
    assert preflight.headers["access-control-allow-headers"] == "x-token"
    assert actual.status_code == 401  # the hook answered; its 401 is readable by the page
    assert actual.headers["access-control-allow-origin"] == FRONT
    assert [c for c in calls if c.endswith("/api/data")] == ["hook PUT /api/data"]


def test_config_keys_are_read_and_keywords_win() -> None:
    app = Flask("configured")
    app.config["CORS_ALLOW_ORIGINS"] = [FRONT]
    app.config["CORS_ALLOW_METHODS"] = ["PUT", "PATCH"]
    app.config["CORS_MAX_AGE"] = 100

    @app.route("/x", methods=["PUT", "PATCH"])
    def x() -> str:
        return "x"

    CORS(app, allow_methods=["PATCH"])
    client = app.test_client()
    put = cors_trip(client, "/x", origin=FRONT, method="PUT")
    patch = cors_trip(client, "/x", origin=FRONT, method="PATCH")
    assert put.verdict.code == "missing_allow_origin"
    assert patch.verdict.code == "ok", patch.steps
    assert patch.preflight is not None
    assert hdrs(patch.preflight.response_headers)["access-control-max-age"] == "100"


def test_init_app_for_app_factories_and_policy_object() -> None:
    cors = CORS(policy=CORSPolicy(allow_origins=[FRONT], allow_methods=["DELETE"]))

    def create_app() -> Flask:
        app = Flask("factory")

        @app.delete("/x")
        def x() -> str:
            return "gone"

        cors.init_app(app)
        return app

    first, second = create_app(), create_app()
    for app in (first, second):
        trip = cors_trip(app.test_client(), "/x", origin=FRONT, method="DELETE")
        assert trip.verdict.code == "ok", trip.steps
    assert CORS.policy_for(first) is CORS.policy_for(second)
    with pytest.raises(ConfigError, match=r"CORS\(app\) is installed a second time") as info:
        cors.init_app(first)
    assert "cors.init_app(app)" in info.value.problems[0].fix


def test_policy_from_config_key() -> None:
    app = Flask("policy_key")
    app.config["CORS_POLICY"] = CORSPolicy(allow_origins=["*"])

    @app.get("/x")
    def x() -> str:
        return "x"

    CORS(app)
    r = app.test_client().get("/x", headers={"Origin": "https://a.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Vary" not in r.headers
    both = Flask("policy_and_options")
    both.config["CORS_POLICY"] = CORSPolicy(allow_origins=["*"])
    both.config["CORS_ALLOW_ORIGINS"] = [FRONT]
    with pytest.raises(ConfigError, match="pass either policy=CORSPolicy"):
        CORS(both)


def test_misspelt_config_keys_are_refused_with_the_replacement() -> None:
    app = Flask("migrating")
    app.config["CORS_ORIGINS"] = [FRONT]  # flask-cors's keys are read (test_flask_migration)
    app.config["CORS_ALLOW_ORIGIN"] = [FRONT]
    app.config["CORS_SUPORTS_CREDENTIALS"] = True
    with pytest.raises(ConfigError) as info:
        CORS(app)
    fixes = {p.option: p.fix for p in info.value.problems}
    assert fixes == {
        "CORS_ALLOW_ORIGIN": "did you mean 'CORS_ALLOW_ORIGINS'?",
        "CORS_SUPORTS_CREDENTIALS": "did you mean 'CORS_SUPPORTS_CREDENTIALS'?",
    }
    assert "cors_core" not in app.extensions


def test_dangerous_config_is_refused_at_init() -> None:
    app = Flask("dangerous")
    app.config["CORS_ALLOW_ORIGINS"] = ["*"]
    app.config["CORS_ALLOW_CREDENTIALS"] = True
    with pytest.raises(ConfigError, match="CORS_ALLOW_ORIGINS: '\\*' allows every origin"):
        CORS(app)


def test_cross_origin_validates_and_enabled_false_means_no_cors() -> None:
    with pytest.raises(ConfigError, match=r"allow_origins: 'https://a\.example/'"):
        cross_origin(allow_origins=["https://a.example/"])
    assert cross_origin(enabled=False) is no_cors


def test_cross_origin_follows_the_url_map_per_method_and_blueprint() -> None:
    app = Flask("routing")
    admin = "https://admin.example"

    @app.get("/items")
    def list_items() -> str:
        return "list"

    @app.put("/items")
    @cross_origin(allow_origins=[admin], allow_methods=["PUT"], allow_credentials=True)
    def replace_items() -> str:
        return "replaced"

    bp = Blueprint("bp", __name__)

    @bp.get("/open")
    @cross_origin(allow_origins=["*"])
    def open_view() -> str:
        return "open"

    app.register_blueprint(bp, url_prefix="/bp")
    CORS(app, allow_origins=[FRONT])
    client = app.test_client()
    assert cors_trip(client, "/items", origin=FRONT).verdict.code == "ok"
    assert cors_trip(client, "/items", origin=admin).verdict.code == "missing_allow_origin"
    admin_put = cors_trip(client, "/items", origin=admin, method="PUT", credentials=True)
    assert admin_put.verdict.code == "ok", admin_put.steps
    assert admin_put.actual is not None and admin_put.actual.body == b"replaced"
    front_put = cors_trip(client, "/items", origin=FRONT, method="PUT")
    assert front_put.verdict.code == "missing_allow_origin"
    assert front_put.preflight is not None and front_put.preflight.status == 403
    opened = cors_trip(client, "/bp/open", origin="https://x.example")
    assert opened.verdict.code == "ok"
    # Unknown paths use the app's policy (the 404 is readable by allowed origins).
    missing = cors_trip(client, "/nope", origin=FRONT)
    assert missing.verdict.code == "ok" and missing.actual is not None
    assert missing.actual.status == 404


def test_cross_origin_above_the_route_is_refused_not_silently_applied() -> None:
    """flask-cors ignores a decorator placed above @app.route; applying it would make the
    migrated view broader, ignoring it would drop what the user wrote: refused."""
    app = Flask("misplaced")

    @cross_origin(allow_origins=["*"])
    @app.get("/open")
    def open_view() -> str:
        return "open"

    CORS(app, allow_origins=[FRONT])
    with pytest.raises(ConfigError, match=r"placed above @app\.route") as info:
        app.test_client().get("/open", headers={"Origin": FRONT})
    assert "below @app.route" in info.value.problems[0].fix


def test_one_function_decorated_for_one_route_leaves_its_other_routes_alone() -> None:
    app = Flask("shared")

    def view() -> str:
        return "shared"

    app.add_url_rule("/open", "open", cross_origin(allow_origins=["*"])(view))
    app.add_url_rule("/closed", "closed", view)
    CORS(app, allow_origins=[FRONT])
    client = app.test_client()
    assert (
        client.get("/open", headers={"Origin": "https://x.example"}).headers[
            "Access-Control-Allow-Origin"
        ]
        == "*"
    )
    closed = client.get("/closed", headers={"Origin": "https://x.example"})
    assert "Access-Control-Allow-Origin" not in closed.headers
