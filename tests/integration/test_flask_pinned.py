"""``adapters.flask``: which policy answers a request, and the refusals, pinned exactly.

Each test states what a caller sees: the status and the exact CORS headers of the answers
(preflights, plain requests, redirects, error pages), or the exact configuration problems
and their fixes.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from adapters.flask import CORS, cross_origin, no_cors
from cors_core import ConfigError, CORSPolicy
from tests.integration.test_flask_peer_gaps import _blueprint

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example"


def _get(app: Flask, path: str, origin: str | None = None) -> Any:
    return app.test_client().get(path, headers={"Origin": origin} if origin else {})


def _acao(app: Flask, path: str, origin: str) -> str | None:
    value: str | None = _get(app, path, origin).headers.get("Access-Control-Allow-Origin")
    return value


def _preflight(app: Flask, path: str, origin: str, method: str = "PUT") -> Any:
    return app.test_client().options(
        path, headers={"Origin": origin, "Access-Control-Request-Method": method}
    )


def _problems(error: pytest.ExceptionInfo[ConfigError]) -> list[tuple[str, str, str, str]]:
    return [(p.option, p.entry, p.problem, p.fix) for p in error.value.problems]


# ------------------------------------------------------------------ app.config


def test_config_keys_that_are_not_cors_settings_are_ignored_or_refused() -> None:
    app = Flask("config")
    app.add_url_rule("/x", "x", lambda: "x")
    app.config[("not", "text")] = 1  # type: ignore[index]
    app.config["CORSAIR"] = 1
    app.config["CORS_ORIGINS"] = [APP]
    CORS(app)
    assert _acao(app, "/x", APP) == APP
    assert _acao(app, "/x", EVIL) is None
    bad = Flask("misspelt")
    bad.config["CORS_ORIGINZ"] = [APP]
    with pytest.raises(ConfigError) as info:
        CORS(bad)
    assert _problems(info) == [
        ("CORS_ORIGINZ", "", "is not a CORS setting", "did you mean 'CORS_ORIGINS'?")
    ]


def test_cors_policy_in_config_takes_the_other_config_options_too() -> None:
    app = Flask("policy-config")
    app.add_url_rule("/x", "x", lambda: "x")
    app.config["CORS_POLICY"] = CORSPolicy(allow_origins=[APP])
    CORS(app)
    assert _acao(app, "/x", APP) == APP
    app = Flask("policy-config-and-option")
    app.config["CORS_POLICY"] = CORSPolicy(allow_origins=[APP])
    app.config["CORS_MAX_AGE"] = 5
    with pytest.raises(ConfigError, match="pass either policy=CORSPolicy"):
        CORS(app)
    with pytest.raises(ConfigError, match="pass either policy=CORSPolicy"):
        CORS(Flask("policy-and-option"), policy=CORSPolicy(allow_origins=[APP]), max_age=5)


def test_a_policy_given_to_cors_ignores_app_config() -> None:
    app = Flask("explicit")
    app.add_url_rule("/x", "x", lambda: "x")
    app.config["CORS_ORIGINS"] = [APP]
    CORS(app, policy=CORSPolicy(allow_origins=[ADMIN]))
    assert _acao(app, "/x", ADMIN) == ADMIN
    assert _acao(app, "/x", APP) is None


def test_a_blueprint_policy_does_not_read_app_config() -> None:
    bp = _blueprint("own")
    CORS(bp, origins=[ADMIN])
    app = Flask("bp-config")
    app.config["CORS_ORIGINS"] = [APP]
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    app.register_blueprint(bp, url_prefix="/bp")
    r = _get(app, "/bp/x", ADMIN)
    assert r.headers["Access-Control-Allow-Origin"] == ADMIN
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert _acao(app, "/bp/x", APP) is None


def test_policy_for_without_cors_app_names_the_reason() -> None:
    bp = _blueprint("only")
    CORS(bp, origins=[ADMIN])
    app = Flask("only-blueprints")
    app.register_blueprint(bp)
    with pytest.raises(LookupError, match=r"CORS\(app\) is not installed on this app"):
        CORS.policy_for(app)
    app = Flask("installed")
    CORS(app, allow_origins=[APP])
    assert CORS.policy_for(app).for_path("/x") is not None


# ----------------------------------------------------------------- blueprints


def test_cors_twice_on_a_blueprint_is_refused_exactly() -> None:
    bp = _blueprint("twice")
    CORS(bp)
    with pytest.raises(ConfigError) as info:
        CORS(bp)
    assert _problems(info) == [
        (
            "CORS('twice' blueprint)",
            "",
            "is installed a second time (one policy per app or blueprint)",
            "call it once with every option; in an app factory create the extension once "
            "(cors = CORS(...)) and call cors.init_app(app) for each app",
        )
    ]


def test_a_blueprint_registered_under_another_name_keeps_its_policy() -> None:
    bp = _blueprint("named")
    CORS(bp, origins=[ADMIN])
    app = Flask("renamed")
    app.add_url_rule("/x", "x", lambda: "x")
    app.register_blueprint(bp, url_prefix="/bp", name="renamed_bp")
    CORS(app, origins=[APP])
    assert _acao(app, "/bp/x", ADMIN) == ADMIN
    assert _acao(app, "/bp/x", APP) is None
    assert _acao(app, "/x", APP) == APP
    assert _acao(app, "/x", ADMIN) is None


def test_cors_on_a_parent_covers_nested_children_under_their_names() -> None:
    parent, child = _blueprint("parent"), _blueprint("child")
    parent.register_blueprint(child, url_prefix="/child", name="kid")
    CORS(parent, origins=[ADMIN])
    app = Flask("parent")
    app.add_url_rule("/x", "x", lambda: "x")
    app.register_blueprint(parent, url_prefix="/parent")
    CORS(app, origins=[APP])
    for path in ("/parent/x", "/parent/child/x"):
        assert _acao(app, path, ADMIN) == ADMIN, path
        assert _acao(app, path, APP) is None, path
    assert _acao(app, "/x", APP) == APP


def test_the_innermost_blueprint_policy_wins() -> None:
    parent, child = _blueprint("outer"), _blueprint("inner")
    CORS(child, origins=[ADMIN])
    CORS(parent, origins=[APP])
    parent.register_blueprint(child, url_prefix="/child")
    app = Flask("innermost")
    app.register_blueprint(parent, url_prefix="/parent")
    assert _acao(app, "/parent/child/x", ADMIN) == ADMIN
    assert _acao(app, "/parent/child/x", APP) is None
    assert _acao(app, "/parent/x", APP) == APP
    assert _acao(app, "/parent/x", ADMIN) is None


def test_a_blueprint_policy_alone_leaves_other_routes_without_cors() -> None:
    bp = _blueprint("alone")
    CORS(bp, origins=[ADMIN])
    app = Flask("alone")
    app.add_url_rule("/x", "x", lambda: "x")
    app.register_blueprint(bp, url_prefix="/bp")
    r = _get(app, "/x", ADMIN)
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers
    missing = _get(app, "/nowhere", ADMIN)
    assert missing.status_code == 404
    assert "Access-Control-Allow-Origin" not in missing.headers
    assert _preflight(app, "/bp/x", ADMIN, "GET").status_code == 204


# ---------------------------------------------------------- @cross_origin alone


def test_cross_origin_without_the_extension_answers_preflights_and_plain_options() -> None:
    app = Flask("alone-view")

    @app.get("/v")
    @cross_origin(origins=[ADMIN], max_age=30)
    def v() -> Any:
        return "body", 200, {"Vary": "Accept-Encoding", "X-Own": "1"}

    @app.get("/w")
    @cross_origin(origins=[APP])
    def w() -> str:
        return "w"

    r = _preflight(app, "/v", ADMIN, "GET")
    assert r.status_code == 204
    assert r.data == b""
    assert r.headers["Access-Control-Allow-Origin"] == ADMIN
    assert r.headers["Access-Control-Max-Age"] == "30"
    refused = _preflight(app, "/v", EVIL, "GET")
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused.headers
    plain = app.test_client().options("/v", headers={"Origin": ADMIN})
    assert plain.status_code == 200
    assert plain.data == b""
    assert sorted(plain.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]
    assert plain.headers["Access-Control-Allow-Origin"] == ADMIN
    r = _get(app, "/v", ADMIN)
    assert r.data == b"body"
    assert r.headers["X-Own"] == "1"
    assert r.headers.getlist("Access-Control-Allow-Origin") == [ADMIN]
    assert r.headers["Vary"] == "Accept-Encoding, Origin"
    r = _get(app, "/v", EVIL)
    assert r.data == b"body"
    assert "Access-Control-Allow-Origin" not in r.headers
    assert _acao(app, "/w", APP) == APP


def test_cross_origin_engines_are_per_app_config() -> None:
    @cross_origin()
    def shared() -> str:
        return "shared"

    first, second = Flask("first"), Flask("second")
    first.config["CORS_ORIGINS"] = [APP]
    second.config["CORS_ORIGINS"] = [ADMIN]
    for app in (first, second):
        app.add_url_rule("/s", "s", shared)
    assert _acao(first, "/s", APP) == APP
    assert _acao(second, "/s", ADMIN) == ADMIN
    assert _acao(first, "/s", ADMIN) is None
    assert _acao(second, "/s", APP) is None


def test_cross_origin_disabled_with_options_is_refused_exactly() -> None:
    with pytest.raises(ConfigError) as info:
        cross_origin(enabled=False, origins=[APP])
    assert _problems(info) == [("enabled", "False", "was given with options", "drop the options")]
    with pytest.raises(ConfigError):
        cross_origin(CORSPolicy(allow_origins=[APP]), enabled=False)


def test_a_view_options_problems_are_listed_exactly_at_import() -> None:
    with pytest.raises(ConfigError) as info:
        cross_origin(orgins=[APP], resources={"/x": {}})
    assert _problems(info) == [
        ("orgins", "", "is not a CORS option", "did you mean 'origins'?"),
        (
            "resources",
            "",
            "applies to CORS(app), not to one view",
            "remove it: the decorator's options govern the view it decorates",
        ),
    ]
    with pytest.raises(ConfigError) as info:
        cross_origin(origins=["https://a.example/"])
    assert _problems(info) == [
        (
            "origins",
            "'https://a.example/'",
            "has a trailing slash",
            "write 'https://a.example' (browsers send origins without any path)",
        )
    ]
    with pytest.raises(ConfigError) as info:
        cross_origin(max_age="10m")
    assert _problems(info) == [
        ("max_age", "'10m'", "is not an integer number of seconds", "write e.g. 600")
    ]
    # What app.config may complete is left to the first request.
    cross_origin(supports_credentials=True)
    cross_origin(allow_credentials=True)


# ------------------------------------------------- @cross_origin with app.config


def test_a_view_option_replaces_its_synonyms_from_app_config() -> None:
    app = Flask("synonyms")
    app.config.update(
        CORS_ALLOW_ORIGIN_REGEX=[r"https://admin\.example\.com"],
        CORS_SUPPORTS_CREDENTIALS=True,
        CORS_MAX_AGE=7,
    )

    @app.get("/v")
    @cross_origin(origins=[APP], allow_credentials=False)
    def v() -> str:
        return "v"

    r = _get(app, "/v", APP)
    assert r.headers["Access-Control-Allow-Origin"] == APP
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert _acao(app, "/v", ADMIN) is None
    assert _preflight(app, "/v", APP, "GET").headers["Access-Control-Max-Age"] == "7"


def test_a_view_ignores_the_apps_resources_config() -> None:
    app = Flask("resources-config")
    app.config["CORS_RESOURCES"] = {r"/view": {"origins": [APP]}}
    app.config["CORS_ORIGINS"] = [ADMIN]

    @app.get("/view")
    @cross_origin()
    def view() -> str:
        return "view"

    assert _acao(app, "/view", ADMIN) == ADMIN
    assert _acao(app, "/view", APP) is None
    assert _acao(app, "/view", EVIL) is None


def test_a_bare_cross_origin_with_only_the_resources_config_is_refused() -> None:
    app = Flask("resources-only")
    app.config["PROPAGATE_EXCEPTIONS"] = True
    app.config["CORS_RESOURCES"] = {r"/api/.*": {"origins": [APP]}}

    @app.get("/view")
    @cross_origin()
    def view() -> str:
        return "view"

    with pytest.raises(ConfigError) as refused:
        _acao(app, "/view", EVIL)
    (problem,) = refused.value.problems
    assert (problem.option, problem.entry, problem.problem) == (
        "cross_origin",
        "()",
        "names no origin, and app.config's CORS_* keys set none",
    )


# ----------------------------------------------- @cross_origin under CORS(app)


def _app_with_views() -> Flask:
    app = Flask("with-extension")

    @app.get("/marked")
    @cross_origin(origins=[ADMIN])
    def marked() -> str:
        return "marked"

    @app.get("/closed")
    @no_cors
    def closed() -> str:
        return "closed"

    @app.get("/dir/")
    @cross_origin(origins=[ADMIN])
    def directory() -> str:
        return "dir"

    @app.get("/plain")
    def plain() -> str:
        return "plain"

    CORS(app, origins=[APP])
    return app


def test_under_cors_app_a_marked_view_is_decided_once() -> None:
    app = _app_with_views()
    r = _get(app, "/marked", ADMIN)
    assert r.headers.getlist("Access-Control-Allow-Origin") == [ADMIN]
    assert r.headers.getlist("Vary") == ["Origin"]
    assert _acao(app, "/marked", APP) is None
    assert _acao(app, "/plain", APP) == APP
    assert _acao(app, "/plain", ADMIN) is None


def test_a_preflight_announcing_a_method_the_marked_route_lacks_gets_the_views_policy() -> None:
    app = _app_with_views()
    r = _preflight(app, "/marked", ADMIN, "PUT")
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == ADMIN
    assert _preflight(app, "/marked", APP, "PUT").status_code == 403
    assert _preflight(app, "/plain", APP, "PUT").status_code == 204


def test_no_cors_view_under_cors_app_gets_no_headers_and_its_preflights_reach_flask() -> None:
    app = _app_with_views()
    r = _get(app, "/closed", APP)
    assert r.data == b"closed"
    assert "Access-Control-Allow-Origin" not in r.headers
    r = _preflight(app, "/closed", APP, "GET")
    assert r.status_code == 200
    assert sorted(r.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]
    assert "Access-Control-Allow-Origin" not in r.headers


def test_a_redirect_or_a_404_gets_the_apps_policy() -> None:
    app = _app_with_views()
    r = _get(app, "/dir", APP)
    assert r.status_code == 308
    assert r.headers["Access-Control-Allow-Origin"] == APP
    r = _get(app, "/dir", ADMIN)
    assert r.status_code == 308
    assert "Access-Control-Allow-Origin" not in r.headers
    r = _get(app, "/missing", APP)
    assert r.status_code == 404
    assert r.headers["Access-Control-Allow-Origin"] == APP


def test_a_host_flask_refuses_gets_the_apps_policy() -> None:
    app = _app_with_views()
    app.config["TRUSTED_HOSTS"] = ["good.example"]
    r = app.test_client().get(
        "/marked", headers={"Origin": APP, "Host": "bad.example"}, base_url="http://bad.example"
    )
    assert r.status_code == 400
    assert r.headers["Access-Control-Allow-Origin"] == APP


def test_a_refused_view_and_a_misplaced_decorator_are_listed_together() -> None:
    app = Flask("refused-views")
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True

    @app.get("/star")
    @cross_origin(origins="*")
    def star() -> str:
        return "star"

    @cross_origin(origins=[ADMIN])
    @app.get("/above")
    def above() -> str:
        return "above"

    CORS(app, origins=[APP])
    with pytest.raises(ConfigError) as info:
        _get(app, "/star", APP)
    problems = _problems(info)
    assert problems[0] == (
        "@cross_origin on 'above'",
        "",
        "is placed above @app.route, so the route serves the undecorated view (flask-cors "
        "ignores it there)",
        "put @cross_origin below @app.route (next to the function), or use @no_cors and "
        "CORS(app, resources=...) for per-path policies",
    )
    assert [p[:2] for p in problems[1:]] == [("origins", "'*'")]


def test_two_marked_views_keep_their_own_endpoints_and_policies() -> None:
    app = Flask("two-marked")

    @app.get("/a")
    @cross_origin(origins=[APP])
    def a() -> str:
        return "a"

    @app.get("/b")
    @cross_origin(origins=[ADMIN])
    def b() -> str:
        return "b"

    CORS(app)
    assert sorted(e for e in app.view_functions if e != "static") == ["a", "b"]
    assert _get(app, "/a", APP).data == b"a"
    assert _acao(app, "/a", APP) == APP
    assert _acao(app, "/b", ADMIN) == ADMIN
    assert _acao(app, "/b", APP) is None
