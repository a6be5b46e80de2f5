"""Where a flask-cors configuration used to come out broader (or broken) through ours.

Each test is one thing flask-cors does with a configuration, and what ours must do with
the same configuration: the same answer, or a stricter one with a clear refusal.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Blueprint, Flask

from adapters.flask import CORS, cross_origin
from cors_core import ConfigError

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example"


def _acao(app: Flask, path: str, origin: str, method: str = "GET") -> str | None:
    response = app.test_client().open(path, method=method, headers={"Origin": origin})
    value: str | None = response.headers.get("Access-Control-Allow-Origin")
    return value


def _preflight(app: Flask, path: str, origin: str, method: str = "PUT") -> Any:
    return app.test_client().options(
        path, headers={"Origin": origin, "Access-Control-Request-Method": method}
    )


# ------------------------------------------------- @cross_origin reads app.config


@pytest.mark.parametrize("with_extension", [False, True])
def test_cross_origin_merges_the_apps_cors_config(with_extension: bool) -> None:
    """flask-cors merges app.config into every decorator: ``@cross_origin()`` under
    ``CORS_ORIGINS`` allows those origins, never ``*``."""
    app = Flask("merge")
    app.config["CORS_ORIGINS"] = [APP]

    @app.get("/plain")
    @cross_origin()
    def plain() -> str:
        return "plain"

    @app.get("/cookies")
    @cross_origin(supports_credentials=True)
    def cookies() -> str:
        return "cookies"

    @app.get("/own")
    @cross_origin(origins=[ADMIN])
    def own() -> str:
        return "own"

    if with_extension:
        CORS(app)
    assert _acao(app, "/plain", APP) == APP
    assert _acao(app, "/plain", EVIL) is None
    response = app.test_client().get("/cookies", headers={"Origin": APP})
    assert response.headers["Access-Control-Allow-Origin"] == APP
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert _acao(app, "/cookies", EVIL) is None
    # The view's origins replace the config's, whichever vocabulary either uses.
    assert _acao(app, "/own", ADMIN) == ADMIN
    assert _acao(app, "/own", APP) is None


def test_our_config_names_merge_too_and_a_view_option_replaces_its_synonyms() -> None:
    app = Flask("merge-ours")
    app.config.update(CORS_ALLOW_ORIGINS=[APP], CORS_ALLOW_METHODS=["GET", "PUT"])

    @app.route("/x", methods=["GET", "PUT", "DELETE"])
    @cross_origin(methods=["DELETE"])
    def x() -> str:
        return "x"

    assert _preflight(app, "/x", APP, "DELETE").status_code == 204
    refused = _preflight(app, "/x", APP, "PUT")
    assert refused.status_code == 403  # methods= replaced CORS_ALLOW_METHODS
    assert _preflight(app, "/x", EVIL, "DELETE").status_code == 403


def test_a_merged_policy_that_is_refused_stops_the_first_request_with_every_problem() -> None:
    app = Flask("merge-refused")
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True

    @app.get("/a")
    @cross_origin(origins="*")
    def a() -> str:
        return "a"

    CORS(app, origins=[APP])
    with pytest.raises(ConfigError, match="CORS_SUPPORTS_CREDENTIALS = True"):
        app.test_client().get("/a", headers={"Origin": APP})


def test_a_view_options_own_mistakes_are_refused_at_import() -> None:
    with pytest.raises(ConfigError, match=r"allow_origins: 'https://a\.example/'"):
        cross_origin(allow_origins=["https://a.example/"])
    with pytest.raises(ConfigError, match="orgins"):
        cross_origin(orgins=[APP])
    with pytest.raises(ConfigError, match="send_wildcard"):
        cross_origin(origins=[APP], send_wildcard=True, supports_credentials=True)
    with pytest.raises(ConfigError, match="resources"):
        cross_origin(resources={"/x": {}})
    with pytest.raises(ConfigError, match="policy"):
        from cors_core import CORSPolicy

        cross_origin(policy=CORSPolicy(allow_origins=[APP]), origins=[ADMIN])
    # Credentials without origins may be completed by app.config: not refused at import.
    cross_origin(supports_credentials=True)


def test_policy_given_to_a_view_ignores_app_config() -> None:
    from cors_core import CORSPolicy

    app = Flask("explicit")
    app.config["CORS_ORIGINS"] = [APP]

    @app.get("/x")
    @cross_origin(policy=CORSPolicy(allow_origins=[ADMIN]))
    def x() -> str:
        return "x"

    assert _acao(app, "/x", ADMIN) == ADMIN
    assert _acao(app, "/x", APP) is None


# ------------------------------------------------------------ resources keys


def test_a_literal_resources_key_is_compared_whole() -> None:
    app = Flask("literal")
    for path in ("/api/public", "/api/public-admin/users", "/api/v1.0", "/api/v1x0"):
        app.add_url_rule(path, path, lambda: "ok")
    CORS(app, resources={"/api/public": {"origins": "*"}, "/api/v1.0": {"origins": [APP]}})
    assert _acao(app, "/api/public", EVIL) == "*"
    assert _acao(app, "/api/public-admin/users", EVIL) is None
    assert _acao(app, "/api/v1.0", APP) == APP
    assert _acao(app, "/api/v1x0", APP) is None  # '.' is a literal dot here


def test_literal_keys_come_before_regex_keys() -> None:
    app = Flask("order")
    app.add_url_rule("/api/status", "status", lambda: "ok")
    CORS(
        app,
        resources={r"/api/.*": {"origins": [APP]}, "/api/status": {"origins": [ADMIN]}},
    )
    assert _acao(app, "/api/status", ADMIN) == ADMIN
    assert _acao(app, "/api/status", APP) is None


def test_compiled_regexes_as_resources() -> None:
    app = Flask("compiled")
    app.add_url_rule("/api/x", "x", lambda: "ok")
    app.add_url_rule("/other", "other", lambda: "ok")
    CORS(app, resources={re.compile(r"/api/.*"): {"origins": [APP]}})
    assert _acao(app, "/api/x", APP) == APP
    assert _acao(app, "/other", APP) is None
    app = Flask("compiled-alone")
    app.add_url_rule("/api/x", "x", lambda: "ok")
    CORS(app, resources=re.compile(r"/api/.*"), origins=[APP])
    assert _acao(app, "/api/x", APP) == APP


def test_a_resources_key_that_is_not_text_is_refused() -> None:
    with pytest.raises(ConfigError, match="is not a path or a regex"):
        CORS(Flask("bad"), resources={3: {}})


# ------------------------------------------------------------------- blueprints


def _blueprint(name: str) -> Blueprint:
    bp = Blueprint(name, __name__)

    @bp.get("/x")
    def x() -> str:
        return name

    return bp


def test_cors_on_a_nested_blueprint_is_not_replaced_by_the_apps() -> None:
    parent, child = _blueprint("parent"), _blueprint("child")
    CORS(child, origins=[ADMIN])
    parent.register_blueprint(child, url_prefix="/child")
    app = Flask("nested")
    app.register_blueprint(parent, url_prefix="/parent")
    CORS(app)  # every origin elsewhere
    assert _acao(app, "/parent/child/x", ADMIN) == ADMIN
    assert _acao(app, "/parent/child/x", EVIL) is None
    assert _acao(app, "/parent/x", EVIL) == "*"


def test_cors_on_a_parent_blueprint_covers_its_children() -> None:
    parent, child = _blueprint("p2"), _blueprint("c2")
    parent.register_blueprint(child, url_prefix="/child")
    CORS(parent, origins=[ADMIN])
    app = Flask("parent-covers")
    app.register_blueprint(parent, url_prefix="/parent")
    assert _acao(app, "/parent/child/x", ADMIN) == ADMIN
    assert _acao(app, "/parent/child/x", EVIL) is None


def test_a_blueprint_registered_twice_keeps_its_policy_under_both_names() -> None:
    admin = _blueprint("admin")
    CORS(admin, origins=[ADMIN])
    app = Flask("twice")
    app.register_blueprint(admin, url_prefix="/a")
    app.register_blueprint(admin, url_prefix="/b", name="admin2")
    CORS(app)
    for path in ("/a/x", "/b/x"):
        assert _acao(app, path, ADMIN) == ADMIN, path
        assert _acao(app, path, EVIL) is None, path


def test_cors_twice_is_refused_with_the_fix() -> None:
    bp = _blueprint("once")
    CORS(bp)
    with pytest.raises(ConfigError, match="installed a second time"):
        CORS(bp)
    app = Flask("once")
    CORS(app)
    with pytest.raises(ConfigError, match=r"CORS\(app\) is installed a second time"):
        CORS(app)


@pytest.mark.parametrize("with_extension", [False, True])
def test_a_plain_options_to_a_marked_view_gets_flasks_own_answer(with_extension: bool) -> None:
    """An OPTIONS that is not a preflight is Flask's to answer (its Allow header), with
    or without CORS(app), as in flask-cors: the view itself never runs for it."""
    app = Flask("plain-options")
    ran: list[str] = []

    @app.route("/x", methods=["GET", "PUT"])
    @cross_origin(origins=[APP])
    def x() -> str:
        ran.append("x")
        return "view"

    if with_extension:
        CORS(app)
    response = app.test_client().options("/x", headers={"Origin": APP})
    assert response.status_code == 200
    assert sorted(response.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS", "PUT"]
    assert response.data == b"" and ran == []
