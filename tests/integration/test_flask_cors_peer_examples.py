"""flask-cors's documented configurations, side by side with ``adapters.flask``.

Each example from flask-cors's documentation is built twice, once with ``flask_cors`` and
once with ``adapters.flask`` (the import changed, nothing else), and the same ``fetch()``
goes through both; ``cors_core.browser.simulate`` must reach the same verdict, except for
the documented safety differences listed in ``DIFFERENCES`` (docs/migrate-flask-cors.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import flask_cors
import pytest
from flask import Flask

import adapters.flask as ours
from cors_core import ConfigError
from cors_core.browser import simulate

FRONT = "http://localhost:3000"
EVIL = "https://evil.example"
SUB = "https://api.example.com"

Setup = Callable[[Any, Flask], None]


def _app(module: Any, setup: Setup, decorate: dict[str, Any] | None = None) -> Flask:
    app = Flask(f"peer-{module.__name__}")

    def items() -> Any:
        return {"items": []}, 200, {"X-Total-Count": "3"}

    view = items
    if decorate is not None:
        view = module.cross_origin(**decorate)(items)
    app.add_url_rule("/api/items", "items", view, methods=["GET", "PUT", "DELETE"])
    app.add_url_rule("/other", "other", lambda: "other")
    setup(module, app)
    return app


def _verdict(app: Flask, path: str, origin: str, **fetch: Any) -> bool:
    client = app.test_client()

    def send(method: str, headers: Any) -> tuple[int, list[tuple[str, str]], bytes]:
        r = client.open(path, method=method, headers=list(headers))
        return r.status_code, list(r.headers.items()), r.data

    return bool(simulate(send, origin=origin, **fetch).verdict)


def _none(module: Any, app: Flask) -> None:
    pass


EXAMPLES: dict[str, tuple[Setup, dict[str, Any] | None]] = {
    "CORS(app)": (lambda m, app: m.CORS(app), None),
    "resources /api/* origins *": (
        lambda m, app: m.CORS(app, resources={r"/api/*": {"origins": "*"}}),
        None,
    ),
    "origins list + supports_credentials": (
        lambda m, app: m.CORS(app, origins=[FRONT], supports_credentials=True),
        None,
    ),
    "regex origins": (
        lambda m, app: m.CORS(app, origins=[r"https://.*\.example\.com"]),
        None,
    ),
    "expose_headers + max_age": (
        lambda m, app: m.CORS(
            app, origins=FRONT, expose_headers=["X-Total-Count"], max_age=timedelta(hours=1)
        ),
        None,
    ),
    "app.config CORS_*": (
        lambda m, app: (
            app.config.update(CORS_ORIGINS=[FRONT], CORS_METHODS=["GET", "PUT"]),
            m.CORS(app),
        ),
        None,
    ),
    "@cross_origin() over app.config CORS_*": (
        lambda m, app: app.config.update(CORS_ORIGINS=[FRONT], CORS_METHODS=["GET", "PUT"]),
        {},
    ),
    "@cross_origin(methods) over app.config CORS_*": (
        lambda m, app: app.config.update(CORS_ORIGINS=[FRONT], CORS_METHODS=["GET"]),
        {"methods": ["GET", "PUT", "DELETE"]},
    ),
    "@cross_origin(origins, methods, allow_headers)": (
        _none,
        {"origins": [FRONT], "methods": ["GET", "PUT"], "allow_headers": ["Content-Type"]},
    ),
}

FETCHES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "get front": ("/api/items", FRONT, {}),
    "get evil": ("/api/items", EVIL, {}),
    "get sub": ("/api/items", SUB, {}),
    "get suffix attack": ("/api/items", SUB + ".evil.com", {}),
    "put json": (
        "/api/items",
        FRONT,
        {"method": "PUT", "headers": {"Content-Type": "application/json"}},
    ),
    "delete": ("/api/items", FRONT, {"method": "DELETE"}),
    "credentialed get": ("/api/items", FRONT, {"credentials": True}),
    "custom header": ("/api/items", FRONT, {"method": "PUT", "headers": {"X-Token": "1"}}),
    "other path": ("/other", EVIL, {}),
}

#: (example, fetch) -> (flask-cors, ours, why they differ).
DIFFERENCES: dict[tuple[str, str], tuple[bool, bool, str]] = {
    # flask-cors matches regex origins with re.match (unanchored end): the suffix passes.
    ("regex origins", "get suffix attack"): (True, False, "fullmatch, not re.match"),
}


@pytest.mark.parametrize("fetch", list(FETCHES))
@pytest.mark.parametrize("example", list(EXAMPLES))
def test_same_browser_verdict_as_flask_cors(example: str, fetch: str) -> None:
    setup, decorate = EXAMPLES[example]
    path, origin, options = FETCHES[fetch]
    peer = _verdict(_app(flask_cors, setup, decorate), path, origin, **options)
    mine = _verdict(_app(ours, setup, decorate), path, origin, **options)
    expected = DIFFERENCES.get((example, fetch))
    if expected is not None:
        assert (peer, mine) == expected[:2], expected[2]
    else:
        assert peer == mine


def test_cross_origin_without_any_origin_is_refused_where_flask_cors_allows_every_one() -> None:
    """flask-cors reads a bare ``@cross_origin()`` with nothing configured as every
    origin; ours refuses it at the view's first request, naming the fix."""
    assert _verdict(_app(flask_cors, _none, {}), "/api/items", EVIL) is True
    app = _app(ours, _none, {})
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(ConfigError) as refused:
        app.test_client().get("/api/items", headers={"Origin": EVIL})
    assert [(p.option, p.entry, p.problem, p.fix) for p in refused.value.problems] == [
        (
            "cross_origin",
            "()",
            "names no origin, and app.config's CORS_* keys set none",
            "list the origins in app.config's CORS_* keys, or on the view: "
            "cross_origin(allow_origins=['https://app.example.com']) "
            "(allow_origins=['*'] for every origin)",
        )
    ]


def test_flask_cors_regex_flaw_is_real() -> None:
    assert re.match(r"https://.*\.example\.com", SUB + ".evil.com")


def test_flask_cors_public_names_have_equivalents() -> None:
    """Every name flask-cors exports, and the header constants code reaches for, has the
    equivalent the migration page names."""
    import importlib.metadata
    import logging

    import flask_cors
    import flask_cors.core

    import adapters.flask

    assert set(flask_cors.__all__) == {"CORS", "__version__", "cross_origin"}
    assert callable(adapters.flask.CORS) and callable(adapters.flask.cross_origin)
    assert callable(adapters.flask.no_cors)
    assert importlib.metadata.version("cors-core")
    constants = {name for name in dir(flask_cors.core) if name.startswith("ACL_")}
    assert constants == {
        "ACL_ORIGIN",
        "ACL_METHODS",
        "ACL_ALLOW_HEADERS",
        "ACL_EXPOSE_HEADERS",
        "ACL_CREDENTIALS",
        "ACL_MAX_AGE",
        "ACL_RESPONSE_PRIVATE_NETWORK",
        "ACL_REQUEST_METHOD",
        "ACL_REQUEST_HEADERS",
        "ACL_REQUEST_HEADER_PRIVATE_NETWORK",
    }
    assert all(getattr(flask_cors.core, c).startswith("Access-Control-") for c in constants)
    assert logging.getLogger("cors_core") is logging.getLogger("cors_core.x").parent
