"""``@cross_origin`` in Flask: the app's ``CORS_*`` config, with the view's options over it.

One meaning, shared with Django (``cors_core.integration.view_policy``): a bare
``@cross_origin()`` applies the app's ``CORS_*`` config to the view, as flask-cors does;
the view's options are merged over it, the view's winning (an origin option replaces
every configured origin option); with no origin anywhere it is refused, never read as
every origin. Each case is asserted with and without ``CORS(app)`` (the middleware
applies the view's policy, or the view's own wrapper does).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from adapters.flask import CORS, cross_origin
from cors_core import ConfigError

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example"


def _app(config: dict[str, Any], installed: bool, **view_options: Any) -> Flask:
    app = Flask(f"cross-origin-{installed}")
    app.config["PROPAGATE_EXCEPTIONS"] = True
    app.config.update(config)

    @app.route("/view", methods=["GET", "PUT", "DELETE"])
    @cross_origin(**view_options)
    def view() -> str:
        return "view"

    if installed:
        CORS(app, origins=[EVIL])  # the app's own policy never reaches the view
    return app


def _cors(response: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items() if k.lower().startswith("access")}


def _get(app: Flask, origin: str) -> Any:
    return app.test_client().get("/view", headers={"Origin": origin})


def _preflight(app: Flask, origin: str, method: str) -> Any:
    return app.test_client().options(
        "/view", headers={"Origin": origin, "Access-Control-Request-Method": method}
    )


CONFIG = {
    "CORS_ORIGINS": [APP],
    "CORS_METHODS": ["GET", "PUT"],
    "CORS_SUPPORTS_CREDENTIALS": True,
    "CORS_MAX_AGE": 60,
}


@pytest.mark.parametrize("installed", [False, True])
def test_a_bare_cross_origin_applies_the_app_config(installed: bool) -> None:
    app = _app(CONFIG, installed)
    got = _get(app, APP)
    assert (got.status_code, got.data) == (200, b"view")
    assert _cors(got) == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
    }
    assert got.headers["Vary"] == "Origin"
    assert _cors(_get(app, EVIL)) == {}
    put = _preflight(app, APP, "PUT")
    assert put.status_code == 204
    assert _cors(put) == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, PUT",
        "access-control-max-age": "60",
    }
    delete = _preflight(app, APP, "DELETE")
    assert delete.status_code == 403 and "access-control-allow-origin" not in _cors(delete)


@pytest.mark.parametrize("installed", [False, True])
def test_the_views_options_win_over_the_app_config(installed: bool) -> None:
    app = _app(
        CONFIG,
        installed,
        allow_origins=[ADMIN],  # replaces CORS_ORIGINS (another vocabulary, one group)
        methods=["DELETE"],
        supports_credentials=False,
    )
    assert _cors(_get(app, APP)) == {}
    assert _cors(_get(app, ADMIN)) == {"access-control-allow-origin": ADMIN}
    delete = _preflight(app, ADMIN, "DELETE")
    assert delete.status_code == 204
    assert _cors(delete) == {
        "access-control-allow-origin": ADMIN,
        "access-control-allow-methods": "DELETE",
        "access-control-max-age": "60",  # CORS_MAX_AGE, which the view leaves alone
    }
    assert _preflight(app, ADMIN, "PUT").status_code == 403


@pytest.mark.parametrize("installed", [False, True])
def test_view_options_without_config_stand_alone(installed: bool) -> None:
    app = _app({}, installed, origins=[ADMIN])
    assert _cors(_get(app, ADMIN)) == {"access-control-allow-origin": ADMIN}
    assert _cors(_get(app, APP)) == {}


@pytest.mark.parametrize("installed", [False, True])
@pytest.mark.parametrize(
    ("config", "options", "entry"),
    [
        ({}, {}, "()"),
        ({"CORS_METHODS": ["GET"]}, {}, "()"),  # configured, but no origin anywhere
        ({}, {"methods": ["PUT"]}, "(methods=...)"),
    ],
)
def test_no_origin_anywhere_is_refused_never_every_origin(
    installed: bool, config: dict[str, Any], options: dict[str, Any], entry: str
) -> None:
    app = _app(config, installed, **options)
    with pytest.raises(ConfigError) as refused:
        _get(app, EVIL)
    assert [(p.option, p.entry, p.problem, p.fix) for p in refused.value.problems] == [
        (
            "cross_origin",
            entry,
            "names no origin, and app.config's CORS_* keys set none",
            "list the origins in app.config's CORS_* keys, or on the view: "
            "cross_origin(allow_origins=['https://app.example.com']) "
            "(allow_origins=['*'] for every origin)",
        )
    ]


@pytest.mark.parametrize("installed", [False, True])
def test_enabled_false_turns_cors_off_whatever_the_config(installed: bool) -> None:
    app = _app(CONFIG, installed, enabled=False)
    got = _get(app, APP)
    assert (got.status_code, _cors(got)) == (200, {})
    assert "Vary" not in got.headers
    with pytest.raises(ConfigError) as both:
        cross_origin(enabled=False, origins=[APP])
    assert [(p.option, p.entry, p.problem, p.fix) for p in both.value.problems] == [
        ("enabled", "False", "was given with options", "drop the options")
    ]


def test_the_merged_policy_refused_names_where_each_option_was_written() -> None:
    app = _app({"CORS_SUPPORTS_CREDENTIALS": True}, False, origins="*")
    with pytest.raises(ConfigError) as refused:
        _get(app, APP)
    options = [p.option for p in refused.value.problems]
    assert options == ["origins"]
    assert "CORS_SUPPORTS_CREDENTIALS = False" in refused.value.problems[0].fix
