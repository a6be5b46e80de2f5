"""``adapters.flask``: corners found by mutation testing, pinned by what a caller sees.

Each test asserts an outcome: the exact configuration problems and their fixes, the
exact error a lookup raises, the CORS headers of an answer, or the log lines a refused
request leaves.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask

from adapters.flask import CORS, cross_origin
from cors_core import ConfigError, CORSPolicy, PathRules
from tests.integration.test_flask_peer_gaps import _blueprint

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example"


def _get(app: Flask, path: str, origin: str) -> Any:
    return app.test_client().get(path, headers={"Origin": origin})


def _problems(error: pytest.ExceptionInfo[ConfigError]) -> list[tuple[str, str, str, str]]:
    return [(p.option, p.entry, p.problem, p.fix) for p in error.value.problems]


# --------------------------------------------------------- names with no near match


def test_a_config_key_like_no_setting_is_told_to_be_removed() -> None:
    app = Flask("unknown-key", static_folder=None)
    app.config["CORS_QQQQQQQQQQQQ"] = 1
    with pytest.raises(ConfigError) as info:
        CORS(app)
    assert _problems(info) == [("CORS_QQQQQQQQQQQQ", "", "is not a CORS setting", "remove it")]


def test_a_view_option_like_no_option_is_told_to_be_removed() -> None:
    with pytest.raises(ConfigError) as info:
        cross_origin(qqqqqqqqqqqq=1)
    assert _problems(info) == [("qqqqqqqqqqqq", "", "is not a CORS option", "remove it")]


def test_an_unknown_view_option_does_not_hide_a_flask_cors_option_problem() -> None:
    with pytest.raises(ConfigError) as info:
        cross_origin(qqqqqqqqqqqq=1, vary_header=False)
    assert [p[:3] for p in _problems(info)] == [
        ("qqqqqqqqqqqq", "", "is not a CORS option"),
        (
            "vary_header",
            "False",
            "cannot be turned off: Vary: Origin is always sent when the answer depends on "
            "the origin (without it a shared cache serves one origin's answer to another)",
        ),
    ]


def test_a_view_options_value_problems_are_kept_whatever_their_synonyms() -> None:
    # 'origins' brings its synonyms into the view's options; max_age stays one of them.
    with pytest.raises(ConfigError) as info:
        cross_origin(origins=[APP], max_age=-1)
    assert [p[:3] for p in _problems(info)] == [("max_age", "-1", "is negative")]
    with pytest.raises(ConfigError) as info:
        cross_origin(origins=[APP], allow_methods=["TRACE"])
    assert [p[:3] for p in _problems(info)] == [
        ("allow_methods", "'TRACE'", "is a forbidden method browsers never send")
    ]


def test_a_view_lists_every_problem_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        cross_origin(vary_header=False, max_age=-1)
    assert [p.option for p in info.value.problems] == ["vary_header", "max_age"]


# ------------------------------------------------------------------ policy_for


def test_policy_for_an_app_with_only_blueprint_policies_raises_the_exact_lookup_error() -> None:
    bp = _blueprint("only-bp")
    CORS(bp, origins=[ADMIN])
    app = Flask("only-blueprint-policies", static_folder=None)
    app.register_blueprint(bp)
    with pytest.raises(LookupError) as info:
        CORS.policy_for(app)
    assert str(info.value) == "CORS(app) is not installed on this app (only blueprints)"


# --------------------------------------------------------- an app of marked views only


def test_an_app_whose_only_view_is_marked_answers_with_the_views_policy() -> None:
    app = Flask("one-marked-view", static_folder=None)

    @app.get("/only")
    @cross_origin(origins=[ADMIN])
    def only() -> str:
        return "only"

    CORS(app, origins=[APP])
    assert list(app.view_functions) == ["only"]
    r = _get(app, "/only", ADMIN)
    assert (r.status_code, r.headers.getlist("Access-Control-Allow-Origin")) == (200, [ADMIN])
    r = _get(app, "/only", APP)
    assert (r.status_code, r.headers.getlist("Access-Control-Allow-Origin")) == (200, [])


# ----------------------------------------------- a decorator's engine reading the path


def test_a_view_given_path_rules_without_cors_app_judges_the_routed_path() -> None:
    rules = PathRules(
        {"/api/*": CORSPolicy(allow_origins=[APP]), "/api/private/*": None},
    )
    app = Flask("path-rules-view", static_folder=None)

    @app.get("/api/<path:rest>")
    @cross_origin(policy=rules)
    def api(rest: str) -> str:
        return rest

    r = _get(app, "/api/items", APP)
    assert (r.status_code, r.headers.getlist("Access-Control-Allow-Origin")) == (200, [APP])
    assert r.get_data(as_text=True) == "items"
    r = _get(app, "/api/private/x", APP)
    assert (r.status_code, r.headers.getlist("Access-Control-Allow-Origin")) == (200, [])


# -------------------------------------------------- a refused request is decided once


def test_under_cors_app_a_refused_request_to_a_marked_view_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Flask("logged-once", static_folder=None)

    @app.get("/marked")
    @cross_origin(origins=[ADMIN])
    def marked() -> str:
        return "marked"

    @app.get("/plain")
    def plain() -> str:
        return "plain"

    CORS(app, origins=[APP])
    caplog.set_level(logging.DEBUG, logger="cors_core")
    r = _get(app, "/marked", EVIL)
    assert (r.status_code, r.headers.get("Access-Control-Allow-Origin")) == (200, None)
    refused = [rec for rec in caplog.records if rec.levelno == logging.DEBUG]
    assert len(refused) == 1, [rec.getMessage() for rec in refused]
    assert "/marked" in refused[0].getMessage()


# ------------------------------------------- one function decorated in two apps


def test_one_function_decorated_for_two_apps_is_not_taken_for_a_misplaced_decorator() -> None:
    def items() -> str:
        return "items"

    apps = []
    for name, origin in (("first-app", APP), ("second-app", ADMIN)):
        app = Flask(name, static_folder=None)
        app.add_url_rule("/items", "items", cross_origin(origins=[origin])(items))
        CORS(app, origins=[EVIL])
        apps.append((app, origin))
    for app, origin in apps:
        r = _get(app, "/items", origin)
        assert (r.status_code, r.headers.getlist("Access-Control-Allow-Origin")) == (
            200,
            [origin],
        )


# ----------------------------------------- app config and a view's options, merged


def test_a_refused_merge_lists_the_app_configs_problems_before_the_views() -> None:
    app = Flask("merged-order", static_folder=None)
    app.testing = True  # the refusal propagates out of the request
    app.config["CORS_SEND_WILDCARD"] = False
    app.config["CORS_VARY_HEADER"] = False
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    app.config["CORS_ORIGINS"] = [APP]

    @app.get("/v")
    @cross_origin(send_wildcard=True)
    def view() -> str:
        return "v"

    with pytest.raises(ConfigError) as info:
        _get(app, "/v", APP)
    options = [p.option for p in info.value.problems]
    # The app config's option keeps its place; the view's comes after it.
    assert len(options) == 2, options
    assert options[0].upper().endswith("VARY_HEADER")
    assert options[1] == "send_wildcard"
