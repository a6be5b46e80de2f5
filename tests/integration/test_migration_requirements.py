"""Migration requirements checked against the peers themselves.

Each test runs the installed peer (flask-cors, django-cors-headers, starlette) beside
this library on the same configuration and the same requests, and asserts what each
answers: what the migration pages say a peer does is what the peer does, and what ours
does instead is never broader (migrating never widens access; a refusal at start-up,
with the fix in the peer's vocabulary, is allowed). The migration pages name these tests
next to each statement (``tests/docs/test_migration_pages.py`` checks that every test a
page names exists).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import corsheaders.checks
import corsheaders.middleware
import flask
import flask_cors
import flask_cors.core
import pytest
from django.core.checks import Error
from django.test import Client
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from werkzeug.test import Client as WerkzeugClient
from werkzeug.wrappers import Response as WerkzeugResponse

import adapters.flask as ours
from adapters.asgi import CORSMiddleware as AsgiCORS
from adapters.starlette import CORSMiddleware as DropInCORS
from adapters.wsgi import CORSMiddleware as WsgiCORS
from cors_core import ConfigError, CORSConfigWarning, PathRules
from cors_core.audit import regex_admits
from cors_core.browser import Trip
from cors_core.testing import cors_trip
from tests.integration.django_support import cors_settings

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example"
ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACAPN = "Access-Control-Allow-Private-Network"
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)
PREFLIGHT = {"Origin": APP, "Access-Control-Request-Method": "PUT"}
REFUSED_PREFLIGHT = {"Origin": EVIL, "Access-Control-Request-Method": "PUT"}

PEER_DJANGO = "corsheaders.middleware.CorsMiddleware"
OURS_DJANGO = "adapters.django.CORSMiddleware"
DJANGO_PROJECT: dict[str, Any] = {
    "ROOT_URLCONF": "tests.integration.django_oracle_urls",
    "ALLOWED_HOSTS": ["testserver"],
    "DEBUG": False,
}


# ------------------------------------------------------------------------------ helpers


def flask_app(module: Any, setup: Callable[[Any, flask.Flask], None]) -> flask.Flask:
    """One Flask app, configured by ``setup(module, app)`` with flask-cors or ours."""
    app = flask.Flask(f"requirements-{module.__name__}")

    @app.route("/api/items", methods=["GET", "PUT", "POST", "DELETE"])
    def items() -> Any:
        return {"items": []}, 200, {"X-Total-Count": "3"}

    @app.route("/<path:rest>")
    def anything(rest: str) -> str:
        return rest

    setup(module, app)
    return app


def both_flask(setup: Callable[[Any, flask.Flask], None]) -> tuple[flask.Flask, flask.Flask]:
    """(flask-cors's app, ours) from the same ``setup``."""
    return flask_app(flask_cors, setup), flask_app(ours, setup)


def flask_trip(app: flask.Flask, origin: str, path: str = "/api/items", **fetch: Any) -> Trip:
    return cors_trip(app.test_client(), path, origin=origin, **fetch)


def django_get(middleware: str, path: str = "/api/items/", **settings: Any) -> Any:
    """``GET path`` (with the request headers in ``settings["headers"]``)."""
    headers = settings.pop("headers", {})
    with cors_settings(DJANGO_PROJECT, MIDDLEWARE=[middleware], **settings):
        return Client().get(path, headers=headers)


def django_trip(middleware: str, settings: dict[str, Any], origin: str, **fetch: Any) -> Trip:
    with cors_settings(DJANGO_PROJECT, MIDDLEWARE=[middleware], **settings):
        return cors_trip(
            Client(raise_request_exception=False), "/api/items/", origin=origin, **fetch
        )


# ------------------------------------- every adapter: a preflight varies on the PNA header


def _asgi_app(middleware: type, **options: Any) -> Any:
    async def endpoint(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/api/items", endpoint, methods=["GET", "PUT"])])
    return middleware(app, **options)


def _wsgi_app(environ: dict[str, Any], start_response: Any) -> Any:
    return WerkzeugResponse("ok")(environ, start_response)


def _preflights_asgi(middleware: type) -> Iterator[Any]:
    client = TestClient(_asgi_app(middleware, allow_origins=[APP], allow_methods=["PUT"]))
    for headers in (PREFLIGHT, REFUSED_PREFLIGHT):
        yield client.options("/api/items", headers=headers)


def _preflights_wsgi() -> Iterator[Any]:
    client = WerkzeugClient(WsgiCORS(_wsgi_app, allow_origins=[APP], allow_methods=["PUT"]))
    for headers in (PREFLIGHT, REFUSED_PREFLIGHT):
        yield client.options("/api/items", headers=headers)


def _preflights_flask(with_extension: bool) -> Iterator[Any]:
    app = flask.Flask("vary")

    @app.route("/api/items", methods=["GET", "PUT"])
    @ours.cross_origin(origins=[APP], methods=["PUT"])
    def items() -> str:
        return "ok"

    if with_extension:
        ours.CORS(app)
    for headers in (PREFLIGHT, REFUSED_PREFLIGHT):
        yield app.test_client().options("/api/items", headers=headers)


def _preflights_django(urlconf: str, path: str, origin: str, method: str) -> Iterator[Any]:
    project = {**DJANGO_PROJECT, "ROOT_URLCONF": urlconf}
    with cors_settings(
        project, MIDDLEWARE=[OURS_DJANGO], CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_METHODS=["PUT"]
    ):
        for sent in (origin, EVIL):
            headers = {"Origin": sent, "Access-Control-Request-Method": method}
            yield Client().options(path, headers=headers)


PREFLIGHT_SOURCES: dict[str, Callable[[], Iterator[Any]]] = {
    "adapters.asgi": lambda: _preflights_asgi(AsgiCORS),
    "adapters.starlette": lambda: _preflights_asgi(DropInCORS),
    "adapters.wsgi": _preflights_wsgi,
    "adapters.flask CORS(app)": lambda: _preflights_flask(True),
    "adapters.flask @cross_origin alone": lambda: _preflights_flask(False),
    "adapters.django": lambda: _preflights_django(
        "tests.integration.django_oracle_urls", "/api/items/", APP, "PUT"
    ),
    "adapters.django @cross_origin": lambda: _preflights_django(
        # the view's own policy: https://stats.example, GET
        "tests.integration.django_oracle_cross_origin_urls",
        "/api/stats/",
        "https://stats.example",
        "GET",
    ),
}


@pytest.mark.parametrize("adapter", list(PREFLIGHT_SOURCES))
def test_every_adapters_preflight_varies_on_the_private_network_request_header(
    adapter: str,
) -> None:
    """An answer to a preflight depends on ``Access-Control-Request-Private-Network`` (a
    policy may refuse it), so a cache must key on it: allowed and refused alike."""
    allowed, refused = PREFLIGHT_SOURCES[adapter]()
    assert allowed.status_code == 204, adapter
    assert refused.status_code == 403, adapter
    for answer in (allowed, refused):
        assert answer.headers["Vary"] == PREFLIGHT_VARY, adapter


# -------------------------------------- every peer: '*' and requests without an Origin


def test_flask_cors_answers_requests_without_origin_too() -> None:
    """flask-cors's ``always_send`` (on by default) answers requests without ``Origin``:
    ``*`` for a ``*`` policy, and for a list its first literal origin. Ours answers ``*``
    for a ``*`` policy only (the answer is the same for every page) and nothing for a
    list (only CORS requests read the header, and they carry ``Origin``)."""
    theirs, mine = both_flask(lambda m, app: m.CORS(app))
    for app in (theirs, mine):
        assert app.test_client().get("/api/items").headers.getlist(ACAO) == ["*"]
    theirs, mine = both_flask(lambda m, app: m.CORS(app, origins=[APP, ADMIN]))
    assert theirs.test_client().get("/api/items").headers.getlist(ACAO) == [ADMIN]
    assert mine.test_client().get("/api/items").headers.getlist(ACAO) == []


def test_django_cors_headers_never_answers_requests_without_origin() -> None:
    """django-cors-headers adds nothing but ``Vary`` to a request without ``Origin``;
    ours answers ``*`` under ``CORS_ALLOW_ALL_ORIGINS = True`` (without credentials), and
    nothing for listed origins, as there."""
    assert ACAO not in django_get(PEER_DJANGO, CORS_ALLOW_ALL_ORIGINS=True)
    assert django_get(OURS_DJANGO, CORS_ALLOW_ALL_ORIGINS=True)[ACAO] == "*"
    for middleware in (PEER_DJANGO, OURS_DJANGO):
        assert ACAO not in django_get(middleware, CORS_ALLOWED_ORIGINS=[APP])


# ------------------------------------------------------------- flask-cors, beside ours


def test_flask_cors_upper_cases_methods_too() -> None:
    theirs, mine = both_flask(lambda m, app: m.CORS(app, origins=[APP], methods="get, put"))
    for app, status in ((theirs, 200), (mine, 204)):
        answer = app.test_client().options("/api/items", headers=PREFLIGHT)
        assert (answer.status_code, answer.headers[ACAM]) == (status, "GET, PUT")


def test_flask_cors_defaults_are_ours_with_its_names() -> None:
    """With flask-cors's names, its defaults: every method of ``ALL_METHODS`` (no other),
    every request header."""
    from adapters._flask_cors_options import FLASK_CORS_DEFAULT_METHODS

    assert tuple(flask_cors.core.ALL_METHODS) == FLASK_CORS_DEFAULT_METHODS
    assert flask_cors.core.DEFAULT_OPTIONS["allow_headers"] == "*"
    for app in both_flask(lambda m, app: m.CORS(app, origins=[APP])):
        for method in flask_cors.core.ALL_METHODS:
            fetch = {"method": method, "headers": {"X-Anything": "1"}}
            assert flask_trip(app, APP, **fetch).verdict.allowed, method
        assert not flask_trip(app, APP, method="PROPFIND").verdict.allowed


def test_flask_cors_echoes_the_origin_for_star_where_ours_answers_star() -> None:
    theirs, mine = both_flask(lambda m, app: m.CORS(app))
    answer = theirs.test_client().get("/api/items", headers={"Origin": EVIL})
    assert (answer.headers[ACAO], answer.headers["Vary"]) == (EVIL, "Origin")
    answer = mine.test_client().get("/api/items", headers={"Origin": EVIL})
    assert (answer.headers[ACAO], answer.headers.get("Vary")) == ("*", None)
    assert flask_trip(theirs, EVIL).verdict.allowed and flask_trip(mine, EVIL).verdict.allowed


def test_flask_cors_varies_on_origin_only_for_some_answers() -> None:
    """flask-cors adds ``Vary: Origin`` only when it echoes one of several origins (or a
    regex's): not for one listed origin, not when it refuses. Ours on every answer that
    depends on the origin, and preflight answers on what else they depend on."""
    for origins, vary in (([APP], None), ([APP, ADMIN], "Origin")):
        theirs, mine = both_flask(lambda m, app, listed=origins: m.CORS(app, origins=listed))
        for sent, said in ((APP, vary), (EVIL, None)):
            get = {"Origin": sent}
            preflight = {"Origin": sent, "Access-Control-Request-Method": "PUT"}
            client = theirs.test_client()
            assert client.get("/api/items", headers=get).headers.get("Vary") == said
            assert client.options("/api/items", headers=preflight).headers.get("Vary") == said
            client = mine.test_client()
            assert client.get("/api/items", headers=get).headers["Vary"] == "Origin"
            answer = client.options("/api/items", headers=preflight)
            assert answer.headers["Vary"] == PREFLIGHT_VARY


def test_flask_cors_reflects_every_origin_with_credentials_for_star() -> None:
    theirs = flask_app(flask_cors, lambda m, app: m.CORS(app, supports_credentials=True))
    answer = theirs.test_client().get("/api/items", headers={"Origin": EVIL})
    assert (answer.headers[ACAO], answer.headers[ACAC]) == (EVIL, "true")
    assert flask_trip(theirs, EVIL, credentials=True).verdict.allowed
    with pytest.raises(ConfigError) as refused:
        flask_app(ours, lambda m, app: m.CORS(app, supports_credentials=True))
    assert [p.option for p in refused.value.problems] == ["origins"]
    assert "supports_credentials=False" in refused.value.problems[0].fix
    # With send_wildcard, flask-cors refuses it too (a ValueError), ours a ConfigError.
    with pytest.raises(ValueError, match="supports_credentials"):
        flask_app(
            flask_cors, lambda m, app: m.CORS(app, supports_credentials=True, send_wildcard=True)
        )


def test_flask_cors_answers_a_refused_preflight_200_for_the_browser_to_refuse() -> None:
    theirs, mine = both_flask(lambda m, app: m.CORS(app, origins=[APP], methods=["GET", "PUT"]))
    ask_delete = {"Origin": APP, "Access-Control-Request-Method": "DELETE"}
    answer = theirs.test_client().options("/api/items", headers=ask_delete)
    assert (answer.status_code, answer.headers[ACAO], answer.headers.get(ACAM)) == (200, APP, None)
    answer = mine.test_client().options("/api/items", headers=ask_delete)
    assert answer.status_code == 403 and ACAO not in answer.headers
    assert answer.data == b"CORS preflight rejected (method_not_allowed)\n"
    for app in (theirs, mine):
        assert not flask_trip(app, APP, method="DELETE").verdict.allowed


def test_flask_cors_lets_a_before_request_hook_answer_preflights() -> None:
    """flask-cors works in ``after_request``: an authentication hook answers the
    credential-less preflight ``401`` and the browser refuses the request; ours answers
    the preflight before Flask."""

    def setup(module: Any, app: flask.Flask) -> None:
        module.CORS(app, origins=[APP])

        @app.before_request
        def authenticate() -> Any:
            if "Authorization" not in flask.request.headers:
                return "log in first", 401
            return None

    theirs, mine = both_flask(setup)
    assert theirs.test_client().options("/api/items", headers=PREFLIGHT).status_code == 401
    assert mine.test_client().options("/api/items", headers=PREFLIGHT).status_code == 204
    put = {"method": "PUT", "headers": {"Authorization": "Bearer t"}}
    assert not flask_trip(theirs, APP, **put).verdict.allowed
    assert flask_trip(mine, APP, **put).verdict.allowed


def test_flask_cors_decodes_the_routed_path_a_second_time() -> None:
    """flask-cors matches ``resources`` against ``unquote(request.path)``: ``/api%252Fx``,
    which Flask routes as ``/api%2Fx`` (outside ``/api/``), matches ``/api/.*`` there.
    Ours judges the path Flask routes."""
    theirs, mine = both_flask(lambda m, app: m.CORS(app, resources={r"/api/.*": {}}))
    for app, acao in ((theirs, APP), (mine, None)):
        answer = app.test_client().get("/api%252Fx", headers={"Origin": APP})
        assert (answer.data, answer.headers.get(ACAO)) == (b"api%2Fx", acao)


def test_flask_cors_matches_dot_segments_as_sent() -> None:
    theirs, mine = both_flask(lambda m, app: m.CORS(app, resources={r"/api/.*": {}}))
    for app, acao in ((theirs, APP), (mine, None)):
        answer = app.test_client().get("/api/../admin", headers={"Origin": APP})
        assert (answer.data, answer.headers.get(ACAO)) == (b"api/../admin", acao)


def test_flask_cors_answers_private_network_on_any_response_that_asks() -> None:
    """Off by default in both. flask-cors answers ``Access-Control-Allow-Private-Network``
    (``false``, or ``true`` when on) on every response whose request asks, actual ones
    included; ours only on the preflight that asks, when on and the origin allowed."""
    asks = {"Origin": APP, "Access-Control-Request-Private-Network": "true"}
    for enabled, said in ((False, "false"), (True, "true")):
        theirs, mine = both_flask(
            lambda m, app, on=enabled: m.CORS(app, origins=[APP], allow_private_network=on)
        )
        assert theirs.test_client().get("/api/items", headers=asks).headers[ACAPN] == said
        assert ACAPN not in mine.test_client().get("/api/items", headers=asks).headers
        preflight = mine.test_client().options("/api/items", headers={**asks, **PREFLIGHT})
        assert (preflight.status_code, preflight.headers.get(ACAPN)) == (
            (204, "true") if enabled else (403, None)
        )
    for app in both_flask(lambda m, app: m.CORS(app, origins=[APP])):
        assert not flask_trip(app, APP, private_network=True).verdict.allowed


#: flask-cors strings it compares whole (or reads as a regex) and that so matched nothing:
#: (options, the origin or header it never allowed, our refusal's fix).
MATCHED_NOTHING = {
    "subdomain pattern": (
        {"origins": "https://*.example.com"},
        {"origin": APP},
        r"origins=[r'https://([a-z0-9-]+\.)+example\.com']",
    ),
    "joined with |": (
        {"origins": f"{APP}|{ADMIN}"},
        {"origin": APP},
        f"list them: origins={[APP, ADMIN]!r}",
    ),
    "joined with ,": (
        {"origins": f"{APP}, {ADMIN}"},
        {"origin": ADMIN},
        f"list them: origins={[APP, ADMIN]!r}",
    ),
    "header names joined": (
        {"origins": [APP], "allow_headers": "Content-Type, X-Custom"},
        {"origin": APP, "method": "PUT", "headers": {"X-Custom": "1"}},
        "list them: allow_headers=['Content-Type', 'X-Custom']",
    ),
}


def _configured(options: dict[str, Any], where: str) -> Callable[[Any, flask.Flask], None]:
    """``CORS(app, **options)``, or the same options as ``CORS_*`` keys of ``app.config``."""

    def setup(module: Any, app: flask.Flask) -> None:
        if where == "config":
            app.config.update({f"CORS_{k.upper()}": v for k, v in options.items()})
            module.CORS(app)
        else:
            module.CORS(app, **options)

    return setup


@pytest.mark.parametrize("where", ["keyword", "config"])
@pytest.mark.parametrize("case", list(MATCHED_NOTHING))
def test_what_flask_cors_matched_nothing_with_is_refused_in_its_words(
    case: str, where: str
) -> None:
    options, fetch, fix = MATCHED_NOTHING[case]
    theirs = flask_app(flask_cors, _configured(options, where))
    assert not flask_trip(theirs, **fetch).verdict.allowed
    with pytest.raises(ConfigError) as refused:
        flask_app(ours, _configured(options, where))
    (problem,) = refused.value.problems
    assert problem.problem.endswith("it would allow more than before")
    if where == "config":  # named, and fixed, as app.config writes it
        name = next(k for k in options if k in fix)
        fix = fix.replace(f"{name}=", f"CORS_{name.upper()} = ")
        assert problem.option == f"CORS_{name.upper()}"
    assert fix in problem.fix


FLASK_CORS_EXAMPLE = r"http?://\w*\.?example\.com:?\d*/?.*"


def test_flask_cors_own_example_regex_admits_foreign_origins() -> None:
    """flask-cors's documented origin regex: its ``.*`` after the host lets any domain
    continue the host. Ours names that danger first and the anchored regex, in
    flask-cors's words; the anchored regex keeps the origins meant."""
    theirs = flask_app(flask_cors, lambda m, app: m.CORS(app, origins=FLASK_CORS_EXAMPLE))
    with pytest.raises(ConfigError) as refused:
        flask_app(ours, lambda m, app: m.CORS(app, origins=FLASK_CORS_EXAMPLE))
    first = refused.value.problems[0]
    named = re.search(r"such as '([^']+)'", first.problem)
    assert named is not None, first.problem
    for foreign in (named.group(1), "http://x.example.com.evil.net"):
        assert flask_trip(theirs, foreign).verdict.allowed, foreign
    assert first.problem == (
        "admits foreign origins such as 'http://example.com.evil-cors-probe.example' "
        "('example.com' is matched as a prefix)"
    )
    found = re.fullmatch(r"anchor the host: origins=\[r'(.+)'\]", first.fix)
    assert found is not None, first.fix
    anchored = found.group(1)
    assert regex_admits(anchored) == []
    fixed = flask_app(ours, lambda m, app: m.CORS(app, origins=[anchored]))
    for meant in ("http://example.com", "http://x.example.com", "http://x.example.com:8080"):
        assert flask_trip(theirs, meant).verdict.allowed, meant
        assert flask_trip(fixed, meant).verdict.allowed, meant
    assert not flask_trip(fixed, "http://x.example.com.evil.net").verdict.allowed


def test_flask_cors_ignores_cross_origin_above_the_route() -> None:
    def setup(module: Any, app: flask.Flask) -> None:
        @module.cross_origin(origins=[APP])
        @app.get("/above")
        def above() -> str:
            return "above"

    for app in both_flask(setup):  # ignored in both without CORS(app)
        assert ACAO not in app.test_client().get("/above", headers={"Origin": APP}).headers
    mine = flask_app(ours, setup)
    ours.CORS(mine, origins=[ADMIN])
    with pytest.raises(ConfigError, match=r"is placed above @app\.route"):
        mine.test_client().get("/above", headers={"Origin": APP})


def test_flask_cors_runs_both_of_two_cors_calls() -> None:
    """Two ``CORS(app)`` calls both run in flask-cors: an origin either allows is
    allowed. Ours refuses the second, naming ``init_app``."""
    theirs = flask_app(
        flask_cors, lambda m, app: (m.CORS(app, origins=[APP]), m.CORS(app, origins=[ADMIN]))
    )
    assert flask_trip(theirs, APP).verdict.allowed and flask_trip(theirs, ADMIN).verdict.allowed
    with pytest.raises(ConfigError) as refused:
        flask_app(ours, lambda m, app: (m.CORS(app, origins=[APP]), m.CORS(app, origins=[ADMIN])))
    assert [str(p) for p in refused.value.problems] == [
        "CORS(app) is installed a second time (one policy per app or blueprint); fix: call "
        "it once with every option; in an app factory create the extension once "
        "(cors = CORS(...)) and call cors.init_app(app) for each app"
    ]


def test_the_factory_pattern_takes_options_in_init_app_as_flask_cors_does() -> None:
    """``CORS(...)`` at import, ``init_app(app, **options)`` in the factory: the options
    given to ``init_app`` go over the constructor's, for that app only."""
    for module in (flask_cors, ours):
        cors = module.CORS(supports_credentials=True)
        first = flask_app(module, lambda m, app: cors.init_app(app, origins=[APP]))
        second = flask_app(module, lambda m, app: cors.init_app(app, origins=[ADMIN]))
        for app, mine, other in ((first, APP, ADMIN), (second, ADMIN, APP)):
            assert flask_trip(app, mine, credentials=True).verdict.allowed, module
            assert not flask_trip(app, other).verdict.allowed, module
    from cors_core import CORSPolicy

    explicit = ours.CORS(policy=CORSPolicy(allow_origins=[APP]))
    with pytest.raises(ConfigError, match="origins"):
        explicit.init_app(flask.Flask("explicit"), origins=[ADMIN])
    blueprint = _blueprint("factory")
    ours.CORS().init_app(blueprint, origins=[ADMIN])
    app = flask.Flask("factory-blueprint")
    app.register_blueprint(blueprint)
    assert flask_trip(app, ADMIN, "/x").verdict.allowed
    assert not flask_trip(app, APP, "/x").verdict.allowed


def test_flask_cors_accepts_what_ours_refuses() -> None:
    options = {"origins": "*", "supports_credentials": True, "vary_header": False}
    theirs = flask_app(flask_cors, lambda m, app: m.CORS(app, **options))
    assert flask_trip(theirs, EVIL, credentials=True).verdict.allowed
    with pytest.raises(ConfigError) as refused:
        flask_app(ours, lambda m, app: m.CORS(app, **options))
    assert [p.option for p in refused.value.problems] == ["vary_header", "origins"]


def test_a_preflighted_post_outside_methods_is_refused_by_both() -> None:
    theirs, mine = both_flask(lambda m, app: m.CORS(app, origins=[APP], methods=["GET"]))
    json_post = {"method": "POST", "headers": {"Content-Type": "application/json"}}
    for app in (theirs, mine):
        assert not flask_trip(app, APP, **json_post).verdict.allowed
    refused = flask_trip(mine, APP, **json_post).preflight
    assert refused is not None and refused.status == 403


def test_cross_origin_merges_app_config_as_flask_cors_does() -> None:
    """Requirement: ``@cross_origin(supports_credentials=True)`` with ``CORS_ORIGINS``."""

    def setup(module: Any, app: flask.Flask) -> None:
        app.config["CORS_ORIGINS"] = [APP]

        @app.get("/me")
        @module.cross_origin(supports_credentials=True)
        def me() -> str:
            return "me"

    for app in both_flask(setup):
        answer = app.test_client().get("/me", headers={"Origin": APP})
        assert (answer.headers[ACAO], answer.headers[ACAC]) == (APP, "true")
        assert flask_trip(app, APP, "/me", credentials=True).verdict.allowed
        assert not flask_trip(app, EVIL, "/me").verdict.allowed


def test_a_blueprint_reads_no_app_config_in_either() -> None:
    def setup(module: Any, app: flask.Flask) -> None:
        blueprint = flask.Blueprint("bp", __name__)
        blueprint.add_url_rule("/bp", "bp", lambda: "bp")
        module.CORS(blueprint)
        app.config.update(CORS_ORIGINS=[APP], CORS_SUPPORTS_CREDENTIALS=True)
        app.register_blueprint(blueprint)

    theirs, mine = both_flask(setup)
    for app, acao in ((theirs, EVIL), (mine, "*")):  # every origin, without credentials
        answer = app.test_client().get("/bp", headers={"Origin": EVIL})
        assert (answer.headers[ACAO], answer.headers.get(ACAC)) == (acao, None)
        assert not flask_trip(app, EVIL, "/bp", credentials=True).verdict.allowed


def _blueprint(name: str) -> flask.Blueprint:
    blueprint = flask.Blueprint(name, __name__)
    blueprint.add_url_rule("/x", "x", lambda: name)
    return blueprint


def test_nested_and_twice_registered_blueprints_keep_their_policy_as_in_flask_cors() -> None:
    def nested(module: Any, app: flask.Flask) -> None:
        parent, child = _blueprint("parent"), _blueprint("child")
        module.CORS(child, origins=[ADMIN])
        parent.register_blueprint(child, url_prefix="/child")
        app.register_blueprint(parent, url_prefix="/parent")

    def twice(module: Any, app: flask.Flask) -> None:
        admin = _blueprint("admin")
        module.CORS(admin, origins=[ADMIN])
        app.register_blueprint(admin, url_prefix="/a")
        app.register_blueprint(admin, url_prefix="/b", name="admin2")

    def parent(module: Any, app: flask.Flask) -> None:
        outer, inner = _blueprint("outer"), _blueprint("inner")
        outer.register_blueprint(inner, url_prefix="/inner")
        module.CORS(outer, origins=[ADMIN])
        app.register_blueprint(outer, url_prefix="/outer")

    for setup, paths in (
        (nested, ["/parent/child/x"]),
        (twice, ["/a/x", "/b/x"]),
        (parent, ["/outer/x", "/outer/inner/x"]),
    ):
        for app in both_flask(setup):
            for path in paths:
                assert flask_trip(app, ADMIN, path).verdict.allowed, path
                assert not flask_trip(app, EVIL, path).verdict.allowed, path
    for app in both_flask(nested):  # the parent's own routes: no policy
        assert not flask_trip(app, ADMIN, "/parent/x").verdict.allowed


RESOURCES: dict[Any, dict[str, Any]] = {
    r"/api/.*": {"origins": [APP]},
    "/api/public": {"origins": "*"},
    "/api/v1.0": {"origins": [ADMIN]},
    re.compile(r"/api/v\d+/.*"): {"origins": [ADMIN]},
    r"/api/v1/.*": {"origins": [APP]},
}


def test_resources_keys_are_read_and_ordered_as_flask_cors_reads_them() -> None:
    """Literal keys are compared whole (``/api/public`` does not cover
    ``/api/public-admin/users``; the ``.`` of ``/api/v1.0`` is a dot), literal keys come
    first, then compiled regexes, then regex strings; each by more ``/`` then longer."""
    order = [
        key.pattern if isinstance(key, re.Pattern) else key
        for key, _ in flask_cors.core.parse_resources(RESOURCES)
    ]
    app = flask.Flask("order")
    ours.CORS(app, resources=RESOURCES)
    rules = ours.CORS.policy_for(app)
    assert isinstance(rules, PathRules)
    assert rules.keys == "flask-cors"
    assert [key for key, _ in rules.rules()] == [*order, "default"]
    cases = {
        ("/api/public", EVIL): True,
        ("/api/public-admin/users", EVIL): False,
        ("/api/public-admin/users", APP): True,
        ("/api/v1.0", ADMIN): True,
        ("/api/v1x0", ADMIN): False,
        ("/api/v2/items", ADMIN): True,
        ("/api/v1/items", APP): False,  # the compiled key comes before the string key
    }
    for app in both_flask(lambda m, app: m.CORS(app, resources=RESOURCES)):
        for (path, origin), allowed in cases.items():
            assert flask_trip(app, origin, path).verdict.allowed is allowed, (app, path, origin)


def test_a_compiled_regex_as_resources_as_in_flask_cors() -> None:
    for app in both_flask(
        lambda m, app: m.CORS(app, resources=re.compile(r"/api/.*"), origins=[APP])
    ):
        assert flask_trip(app, APP).verdict.allowed
        assert not flask_trip(app, APP, "/other").verdict.allowed


def test_header_names_a_pattern_allows_are_echoed_as_sent_in_both() -> None:
    theirs, mine = both_flask(
        lambda m, app: m.CORS(app, origins=[APP], allow_headers=["Content-Type", "X-COMPANY-.*"])
    )
    ask = {**PREFLIGHT, "Access-Control-Request-Headers": "X-Company-Id, x-company-Tenant"}
    echoed = "X-Company-Id, x-company-Tenant"
    for app, said in ((theirs, echoed), (mine, f"Content-Type, {echoed}")):
        answer = app.test_client().options("/api/items", headers=ask)
        assert answer.headers[ACAH] == said
        put = {"method": "PUT", "headers": {"X-Company-Id": "1"}}
        assert flask_trip(app, APP, **put).verdict.allowed


@pytest.mark.parametrize("where", ["keyword", "config"])
def test_access_control_allow_origin_in_allow_headers_is_a_warning(where: str) -> None:
    """A classic mix-up copied into flask-cors settings: flask-cors accepts it, ours
    warns (naming it as written) and allows it as written, nothing more."""
    headers = ["Content-Type", "Access-Control-Allow-Origin"]

    def setup(module: Any, app: flask.Flask) -> None:
        if where == "config":
            app.config.update(CORS_ORIGINS=[APP], CORS_ALLOW_HEADERS=headers)
            module.CORS(app)
        else:
            module.CORS(app, origins=[APP], allow_headers=headers)

    theirs = flask_app(flask_cors, setup)
    with pytest.warns(CORSConfigWarning) as caught:
        mine = flask_app(ours, setup)
    name, fix = {
        "config": ("CORS_ALLOW_HEADERS", "CORS_ORIGINS = ..."),
        "keyword": ("allow_headers", "origins=..."),
    }[where]
    assert [str(w.message) for w in caught] == [
        f"{name}: 'Access-Control-Allow-Origin' is a CORS response header, which pages have "
        "no reason to send: listing it only lets a request carrying it pass the preflight, "
        f"and sets nothing the policy answers; fix: remove it from {name}; set {fix} to "
        "control it"
    ]
    ask = {**PREFLIGHT, "Access-Control-Request-Headers": "access-control-allow-origin"}
    for app, status, said in (
        (theirs, 200, "access-control-allow-origin"),
        (mine, 204, "Content-Type, Access-Control-Allow-Origin"),
    ):
        answer = app.test_client().options("/api/items", headers=ask)
        assert (answer.status_code, answer.headers[ACAH]) == (status, said)


def test_a_resources_warning_names_the_resource() -> None:
    resources = {r"/api/.*": {"origins": [APP], "allow_headers": ["Access-Control-Allow-Origin"]}}
    with pytest.warns(CORSConfigWarning) as caught:
        ours.CORS(flask.Flask("resource-warning"), resources=resources)
    assert [str(w.message).split(": '")[0] for w in caught] == [
        "resources['/api/.*'].allow_headers"
    ]
    assert str(caught[0].message).endswith("set origins=... to control it")


# ---------------------------------------------------- django-cors-headers, beside ours


#: Settings django-cors-headers reads narrowly, and a fetch it so never let through (and
#: that ours, reading them broadly, would have): each refused by ours at start-up.
DJANGO_NARROW: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "star in the list": ({"CORS_ALLOWED_ORIGINS": [APP, "*"]}, {"origin": EVIL}),
    "star as the setting": ({"CORS_ALLOWED_ORIGINS": "*"}, {"origin": EVIL}),
    "subdomain pattern": (
        {"CORS_ALLOWED_ORIGINS": ["https://*.example.com"]},
        {"origin": APP},
    ),
    "port pattern": (
        {"CORS_ALLOWED_ORIGINS": ["http://localhost:*"]},
        {"origin": "http://localhost:3000"},
    ),
    "upper-case host": ({"CORS_ALLOWED_ORIGINS": ["https://App.Example.com"]}, {"origin": APP}),
    "default port": ({"CORS_ALLOWED_ORIGINS": [f"{APP}:443"]}, {"origin": APP}),
    "lower-case method": (
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_METHODS": ["GET", "put"]},
        {"origin": APP, "method": "PUT"},
    ),
    "every method with credentials": (
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_CREDENTIALS": True, "CORS_ALLOW_METHODS": "*"},
        {"origin": APP, "method": "PUT", "credentials": True},
    ),
    "every header with credentials": (
        {
            "CORS_ALLOWED_ORIGINS": [APP],
            "CORS_ALLOW_CREDENTIALS": True,
            "CORS_ALLOW_HEADERS": ["*"],
        },
        {"origin": APP, "headers": {"X-Token": "1"}, "credentials": True},
    ),
    "every header but authorization": (
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_HEADERS": "*"},
        {"origin": APP, "headers": {"Authorization": "Bearer t"}},
    ),
    "header glob": (
        {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_HEADERS": ["content-type", "x-company-*"]},
        {"origin": APP, "headers": {"X-Company-Id": "1"}},
    ),
}


@pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")
@pytest.mark.parametrize("case", list(DJANGO_NARROW))
def test_what_django_cors_headers_never_let_through_is_refused(case: str) -> None:
    settings, fetch = DJANGO_NARROW[case]
    assert not django_trip(PEER_DJANGO, dict(settings), **fetch).verdict.allowed
    with pytest.raises(ConfigError) as refused:
        django_trip(OURS_DJANGO, dict(settings), **fetch)
    assert len(refused.value.problems) == 1
    assert str(refused.value.problems[0]).startswith("CORS_ALLOW")


def test_django_cors_headers_prefers_the_new_origin_setting_as_ours_does() -> None:
    settings = {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ORIGIN_WHITELIST": [ADMIN]}
    for middleware in (PEER_DJANGO, OURS_DJANGO):
        assert django_trip(middleware, dict(settings), APP).verdict.allowed
        assert not django_trip(middleware, dict(settings), ADMIN).verdict.allowed


def test_django_cors_headers_ignores_a_misspelt_setting() -> None:
    settings = {"CORS_ALLOWED_ORIGNS": [APP]}
    with cors_settings(DJANGO_PROJECT, MIDDLEWARE=[PEER_DJANGO], **settings):
        assert corsheaders.checks.check_settings() == []
    assert not django_trip(PEER_DJANGO, dict(settings), APP).verdict.allowed
    with cors_settings(DJANGO_PROJECT, MIDDLEWARE=[OURS_DJANGO], **settings):
        from adapters.django.checks import check_cors_settings

        found = [(m.id, m.msg) for m in check_cors_settings() if isinstance(m, Error)]
    assert found == [("cors_core.E011", "CORS_ALLOWED_ORIGNS is not a CORS setting")]


def test_django_cors_headers_varies_on_origin_under_every_origin_too() -> None:
    """django-cors-headers adds ``Vary: origin`` to every response of an enabled URL,
    ``*`` answers included; ours where the answer depends on the origin."""
    for headers in ({}, {"Origin": EVIL}):
        answer = django_get(PEER_DJANGO, CORS_ALLOW_ALL_ORIGINS=True, headers=headers)
        assert answer["Vary"] == "origin"
        assert "Vary" not in django_get(OURS_DJANGO, CORS_ALLOW_ALL_ORIGINS=True, headers=headers)
        for middleware in (PEER_DJANGO, OURS_DJANGO):
            listed = django_get(middleware, CORS_ALLOWED_ORIGINS=[APP], headers=headers)
            assert listed["Vary"].lower() == "origin"


def test_django_cors_headers_reads_settings_and_parses_origins_per_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    origins = [APP, ADMIN, "https://a.example", "https://b.example"]
    parsed: list[str] = []
    real = corsheaders.middleware.urlsplit

    def counting(url: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(corsheaders.middleware, "urlsplit", counting)
    with cors_settings(DJANGO_PROJECT, MIDDLEWARE=[PEER_DJANGO], CORS_ALLOWED_ORIGINS=origins):
        client = Client()
        for _ in range(3):
            client.get("/api/items/", headers={"Origin": EVIL})
    assert parsed == [EVIL, *origins] * 3


def test_django_cors_headers_lets_a_post_outside_the_methods_through() -> None:
    """Browsers never check GET, HEAD and POST against ``Access-Control-Allow-Methods``:
    with ``CORS_ALLOW_METHODS = ["GET"]`` a JSON POST passes django-cors-headers' preflight
    (its default headers list ``content-type``); ours refuses the preflight."""
    settings = {"CORS_ALLOWED_ORIGINS": [APP], "CORS_ALLOW_METHODS": ["GET"]}
    json_post = {"method": "POST", "headers": {"Content-Type": "application/json"}}
    assert django_trip(PEER_DJANGO, dict(settings), APP, **json_post).verdict.allowed
    trip = django_trip(OURS_DJANGO, dict(settings), APP, **json_post)
    assert not trip.verdict.allowed
    assert trip.preflight is not None and trip.preflight.status == 403


def test_django_cors_headers_defaults_are_ours() -> None:
    """Every setting django-cors-headers reads, left unset, has the same value here
    (``adapters.django.conf.conf`` reads the same names); the settings it dropped are
    read by neither."""
    import corsheaders.conf

    import adapters.django.conf

    names = [n for n, v in vars(corsheaders.conf.Settings).items() if isinstance(v, property)]
    assert "CORS_PREFLIGHT_MAX_AGE" in names and "CORS_ALLOW_HEADERS" in names
    with cors_settings(DJANGO_PROJECT, MIDDLEWARE=[OURS_DJANGO]):
        for name in names:
            theirs = getattr(corsheaders.conf.conf, name)
            mine = getattr(adapters.django.conf.conf, name)
            if isinstance(theirs, list | tuple):
                theirs, mine = tuple(theirs), tuple(mine)
            assert mine == theirs, name
    for dropped in ("CORS_REPLACE_HTTPS_REFERER", "CORS_MODEL", "CORS_URLS_ALLOW_ALL_REGEX"):
        assert not hasattr(corsheaders.conf.Settings, dropped), dropped


def test_django_cors_headers_lets_every_origin_reach_the_private_network() -> None:
    settings = {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_PRIVATE_NETWORK": True}
    assert django_trip(PEER_DJANGO, dict(settings), EVIL, private_network=True).verdict.allowed
    with pytest.raises(ConfigError) as refused:
        django_trip(OURS_DJANGO, dict(settings), EVIL, private_network=True)
    (problem,) = refused.value.problems
    assert (problem.option, problem.entry) == ("CORS_ALLOW_PRIVATE_NETWORK", "True")
    assert problem.fix.endswith("or set CORS_ALLOW_PRIVATE_NETWORK = False")


def test_both_answer_preflights_before_the_view_and_errors_with_headers() -> None:
    """The view answers ``OPTIONS`` with a JSON body: a preflight never reaches it in
    either; a 404 carries the CORS headers in both."""
    for middleware in (PEER_DJANGO, OURS_DJANGO):
        with cors_settings(DJANGO_PROJECT, MIDDLEWARE=[middleware], CORS_ALLOWED_ORIGINS=[APP]):
            client = Client()
            preflight = client.options(
                "/api/items/", headers={"Origin": APP, "Access-Control-Request-Method": "GET"}
            )
            missing = client.get("/api/missing/", headers={"Origin": APP})
        assert (preflight.content, preflight[ACAO]) == (b"", APP), middleware
        assert (missing.status_code, missing[ACAO]) == (404, APP), middleware


# ------------------------------------------------------ public names of the peers


def test_every_django_cors_headers_name_is_on_the_page() -> None:
    from tests.docs.test_migration_pages import PAGES, peer_names

    page = PAGES["django-cors-headers"].read_text(encoding="utf-8")
    names = peer_names("corsheaders")
    assert "corsheaders.defaults.default_headers" in names
    assert "corsheaders.middleware.ACCESS_CONTROL_ALLOW_ORIGIN" in names
    missing = [name for name in names if f"`{name}`" not in page]
    assert missing == []


def test_every_flask_cors_name_is_on_the_page() -> None:
    from tests.docs.test_migration_pages import PAGES, peer_names

    page = PAGES["flask-cors"].read_text(encoding="utf-8")
    names = peer_names("flask_cors")
    assert {"flask_cors.CORS", "flask_cors.core.ACL_ORIGIN", "flask_cors.core.ALL_METHODS"} <= names
    missing = [name for name in names if f"`{name}`" not in page]
    assert missing == []
