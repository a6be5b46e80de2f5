"""What each peer's own test suite found, pinned with the peer running beside ours.

flask-cors's, django-cors-headers' and starlette's own tests were run against our
drop-ins (the counts are on the migration pages, "Running ... own tests"). Each test a
drop-in fails there is either a configuration ours refuses at start-up, an answer ours
gives more strictly, a documented difference in how an answer is written, or a test of
the peer's internals. Every such difference that no other test already holds is held
here: the peer answers as its suite expects, ours as the page says, and a browser
(:mod:`cors_core.browser`) never lets a page read through ours what it could not read
through the peer.
"""

from __future__ import annotations

import re
from typing import Any

import flask
import flask_cors
import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware as StarletteCORS
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import adapters.flask as ours
from adapters.starlette import CORSMiddleware as DropInCORS
from cors_core import ConfigError
from cors_core.browser import Trip
from cors_core.testing import cors_trip
from tests.integration.django_support import cors_settings

APP = "https://app.example.com"
EVIL = "https://evil.example"
ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"
ACAPN = "Access-Control-Allow-Private-Network"
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)

# ------------------------------------------------------------------------ flask-cors


def flask_view(module: Any, **options: Any) -> flask.Flask:
    """An app whose ``/x`` view has ``@cross_origin(**options)`` (flask-cors's suite's
    form), from flask-cors or ours."""
    app = flask.Flask(f"suite-{module.__name__}")

    @app.route("/x", methods=["GET", "PUT"])
    @module.cross_origin(**options)
    def x() -> Any:
        return flask.Response("x", headers={"Vary": "Accept-Encoding"})

    return app


def both_views(**options: Any) -> tuple[flask.Flask, flask.Flask]:
    return flask_view(flask_cors, **options), flask_view(ours, **options)


def flask_trip(app: flask.Flask, origin: str, **fetch: Any) -> Trip:
    return cors_trip(app.test_client(), "/x", origin=origin, **fetch)


def preflight(app: flask.Flask, origin: str, method: str = "PUT", **headers: str) -> Any:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    sent.update({name.replace("_", "-"): value for name, value in headers.items()})
    return app.test_client().options("/x", headers=sent)


def test_flask_cors_reflects_a_value_that_is_not_an_origin() -> None:
    """flask-cors's suite sends ``Origin: www.example.com`` (no scheme): flask-cors echoes
    it, on actual responses and preflights. Ours never allows or reflects a value that is
    not a serialized origin: no CORS header, and ``403`` for the preflight. (No browser
    sends one, so no page loses anything.)"""
    bare = "www.example.com"
    theirs = flask_view(flask_cors, allow_headers=["X-Example-Header-A"], max_age=600)
    # Ours names the origins: with none anywhere, the view is refused (see below).
    mine = flask_view(ours, origins="*", allow_headers=["X-Example-Header-A"], max_age=600)
    answer = theirs.test_client().get("/x", headers={"Origin": bare})
    assert answer.headers[ACAO] == bare
    assert answer.headers.getlist("Vary") == ["Accept-Encoding", "Origin"]
    answer = preflight(theirs, bare, Access_Control_Request_Headers="X-Example-Header-A")
    assert (answer.status_code, answer.headers[ACAO], answer.headers[ACAH]) == (
        200,
        bare,
        "X-Example-Header-A",
    )
    answer = mine.test_client().get("/x", headers={"Origin": bare})
    assert (answer.status_code, answer.headers.get(ACAO)) == (200, None)
    assert answer.headers.getlist("Vary") == ["Accept-Encoding, Origin"]
    answer = preflight(mine, bare, Access_Control_Request_Headers="X-Example-Header-A")
    assert (answer.status_code, answer.headers.get(ACAO), answer.headers.get(ACAH)) == (
        403,
        None,
        None,
    )
    assert answer.data == b"CORS preflight rejected (origin_malformed)\n"


def test_flask_cors_echoes_the_requested_headers_where_ours_lists_the_allowed_ones() -> None:
    """flask-cors answers a preflight with the requested names it allows, as the request
    wrote them (and no ``Access-Control-Allow-Headers`` when none was requested); ours
    with the configured list, on every allowed preflight. A browser checks each requested
    name case-insensitively against the list, so it decides the same."""
    allowed = ["X-Example-Header-B", "X-Example-Header-A"]
    theirs, mine = both_views(origins=[APP], allow_headers=allowed)
    for asked, echoed in (("X-Example-header-a", "X-Example-header-a"), (None, None)):
        extra = {} if asked is None else {"Access_Control_Request_Headers": asked}
        answer = preflight(theirs, APP, **extra)
        assert (answer.status_code, answer.headers.get(ACAH)) == (200, echoed)
        answer = preflight(mine, APP, **extra)
        assert (answer.status_code, answer.headers[ACAH]) == (204, ", ".join(allowed))
    # A name outside the list: flask-cors echoes the others and lets the browser refuse;
    # ours refuses the preflight.
    asked = "X-Example-Header-A, X-Not-Found-Header"
    answer = preflight(theirs, APP, Access_Control_Request_Headers=asked)
    assert (answer.status_code, answer.headers[ACAH]) == (200, "X-Example-Header-A")
    answer = preflight(mine, APP, Access_Control_Request_Headers=asked)
    assert (answer.status_code, answer.data) == (
        403,
        b"CORS preflight rejected (header_not_allowed)\n",
    )
    for sent, verdict in (
        ({"X-Example-header-a": "1"}, True),
        ({"X-Not-Found-Header": "1"}, False),
    ):
        for app in (theirs, mine):
            assert flask_trip(app, APP, method="PUT", headers=sent).verdict.allowed is verdict


def test_flask_cors_sorts_the_exposed_headers_where_ours_keeps_their_order() -> None:
    exposed = ["X-My-Custom-Header", "X-Another-Custom-Header"]
    theirs, mine = both_views(origins=[APP], expose_headers=exposed)
    said = theirs.test_client().get("/x", headers={"Origin": APP}).headers[ACEH]
    assert said == "X-Another-Custom-Header, X-My-Custom-Header"
    said = mine.test_client().get("/x", headers={"Origin": APP}).headers[ACEH]
    assert said == "X-My-Custom-Header, X-Another-Custom-Header"
    for app in (theirs, mine):
        assert flask_trip(app, APP).verdict.allowed


def test_flask_cors_adds_vary_as_a_second_line_where_ours_merges_it() -> None:
    """The view sends ``Vary: Accept-Encoding``: flask-cors adds a second ``Vary`` line,
    ours merges ``Origin`` into the view's line. Both mean ``Accept-Encoding, Origin``."""
    theirs, mine = both_views(origins=[APP, "https://admin.example.com"])
    answer = theirs.test_client().get("/x", headers={"Origin": APP})
    assert answer.headers.getlist("Vary") == ["Accept-Encoding", "Origin"]
    answer = mine.test_client().get("/x", headers={"Origin": APP})
    assert answer.headers.getlist("Vary") == ["Accept-Encoding, Origin"]


def test_always_send_false_leaves_a_star_policy_answering_requests_without_origin() -> None:
    """``origins="*", always_send=False``: flask-cors sends nothing to a request without
    ``Origin``; ours still answers ``*`` (``always_send`` has no effect), the answer every
    page gets. To a CORS request flask-cors echoes the origin, ours answers ``*``."""
    options = {"origins": "*", "send_wildcard": False, "always_send": False}
    theirs, mine = both_views(**options)
    assert ACAO not in theirs.test_client().get("/x").headers
    assert mine.test_client().get("/x").headers[ACAO] == "*"
    assert theirs.test_client().get("/x", headers={"Origin": EVIL}).headers[ACAO] == EVIL
    assert mine.test_client().get("/x", headers={"Origin": EVIL}).headers[ACAO] == "*"
    assert flask_trip(theirs, EVIL).verdict.allowed and flask_trip(mine, EVIL).verdict.allowed


#: Configurations flask-cors's own suite builds, which ours refuses at start-up: (options,
#: a fetch flask-cors lets through with them, the option our refusal names).
FLASK_SUITE_REFUSED: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "automatic_options=False": (
        {"origins": [APP], "automatic_options": False},
        {"origin": APP},
        "automatic_options",
    ),
    "intercept_exceptions=False": (
        {"origins": [APP], "intercept_exceptions": False},
        {"origin": APP},
        "intercept_exceptions",
    ),
    "private network with every origin": (
        {"allow_private_network": True},
        {"origin": EVIL, "private_network": True},
        "allow_private_network",
    ),
    "a regex matched as a suffix": (
        {"origins": [r".*.example.com", r".*.otherexample.com"]},
        {"origin": "http://a.example.com.com"},
        "origins",
    ),
    "an unescaped dot, matched as a prefix": (
        {"origins": "https?://example.com"},
        {"origin": "https://example.com.evil.example"},
        "origins",
    ),
}


@pytest.mark.parametrize("case", list(FLASK_SUITE_REFUSED))
def test_what_flask_cors_own_suite_configures_and_ours_refuses(case: str) -> None:
    options, fetch, option = FLASK_SUITE_REFUSED[case]
    assert flask_trip(flask_view(flask_cors, **options), **fetch).verdict.allowed
    with pytest.raises(ConfigError) as refused:
        flask_view(ours, **options)
    assert {p.option for p in refused.value.problems} == {option}


def test_a_view_with_credentials_and_no_origins_is_refused_at_its_first_request() -> None:
    """``@cross_origin(supports_credentials=True)`` with no origin option: flask-cors
    reflects every origin with credentials. Ours builds the view's policy at its first
    request (``app.config`` may still give ``CORS_ORIGINS``) and refuses it there."""
    theirs, mine = both_views(supports_credentials=True)
    answer = theirs.test_client().get("/x", headers={"Origin": EVIL})
    assert (answer.headers[ACAO], answer.headers[ACAC]) == (EVIL, "true")
    mine.testing = True  # the error propagates instead of a 500 page
    with pytest.raises(ConfigError) as refused:
        mine.test_client().get("/x", headers={"Origin": EVIL})
    assert [p.option for p in refused.value.problems] == ["cross_origin"]  # no origin
    fixed = flask_view(ours, supports_credentials=True)
    fixed.config["CORS_ORIGINS"] = [APP]
    assert flask_trip(fixed, APP, credentials=True).verdict.allowed
    assert not flask_trip(fixed, EVIL, credentials=True).verdict.allowed


def test_a_path_without_its_leading_slash_is_judged_as_flask_routes_it() -> None:
    """``PATH_INFO`` without its leading ``/`` (a test client's relative path, or
    ``GET admin/x.json`` to a server that passes it on): werkzeug routes it as
    ``/admin/x.json``, and flask-cors matches ``resources`` against ``request.path``,
    which has the ``/``. Ours judges the same path, so ``/admin/.*`` governs it in both
    (judged without the ``/``, ``.*\\.json`` would have allowed the partner)."""
    partner = "https://partner.example"

    def build(module: Any) -> flask.Flask:
        app = flask.Flask(f"slash-{module.__name__}")
        module.CORS(
            app, resources={r"/admin/.*": {"origins": [APP]}, r".*\.json": {"origins": [partner]}}
        )

        @app.route("/admin/<name>")
        def admin(name: str) -> str:
            return f"admin {name}"

        return app

    for app in (build(flask_cors), build(ours)):
        for path in ("/admin/x.json", "admin/x.json"):
            for origin, acao in ((partner, None), (APP, APP)):
                answer = app.test_client().get(path, headers={"Origin": origin})
                assert (answer.data, answer.headers.get(ACAO)) == (b"admin x.json", acao), path


def test_an_error_handler_answer_to_a_relative_path_keeps_its_cors_headers() -> None:
    """flask-cors's suite's own case: ``resources={r"/test_acl*": {}}``, an error handler
    answering ``200``, and the relative path ``test_acl_uncaught_exception_500``."""

    def build(module: Any) -> flask.Flask:
        app = flask.Flask(f"errors-{module.__name__}")
        module.CORS(app, resources={r"/test_acl*": {}})

        @app.route("/test_acl_uncaught_exception_500")
        def fails() -> str:
            raise RuntimeError("any exception")

        @app.errorhandler(500)
        def handled(error: Exception) -> tuple[str, int]:
            return "handled", 200

        return app

    for app in (build(flask_cors), build(ours)):
        answer = app.test_client().get("test_acl_uncaught_exception_500", headers={"Origin": APP})
        assert (answer.status_code, answer.data) == (200, b"handled")
        assert answer.headers[ACAO] in (APP, "*")


#: The origin regexes of flask-cors's own suite that ours refuses with an anchored fix.
SUITE_REGEXES = [
    r"http?://\w*\.?example\.com:?\d*/?.*",
    r".*.example.com",
    r".*.otherexample.com",
    r"https?://example.com",
    # flask-cors's reading of our subdomain pattern, and a regex anchored at the end.
    r"https://*.example.com/*",
    r"^https://.*example\.com$",
]
_FIXES: dict[str, tuple[str, flask.Flask, flask.Flask]] = {}


def _fixed(regex: str) -> tuple[str, flask.Flask, flask.Flask]:
    """(our fix, flask-cors's app with the regex, ours with the fix)."""
    if regex not in _FIXES:
        with pytest.raises(ConfigError) as refused:
            flask_view(ours, origins=regex)
        (problem,) = refused.value.problems
        found = re.fullmatch(r"anchor the host: origins=\[r'(.+)'\]", problem.fix)
        assert found is not None, problem
        fix = found.group(1)
        _FIXES[regex] = (
            fix,
            flask_view(flask_cors, origins=regex),
            flask_view(ours, origins=[fix]),
        )
    return _FIXES[regex]


@pytest.mark.parametrize(
    ("regex", "fix"),
    [
        (SUITE_REGEXES[0], r"http://([a-z0-9]+\.)?example\.com(:\d+)?"),
        (SUITE_REGEXES[3], r"https?://example\.com(:\d+)?"),
        (SUITE_REGEXES[4], r"https://example\.com(:\d+)?"),
        (SUITE_REGEXES[5], r"https://([a-z0-9-]+\.)?example\.com"),
    ],
)
def test_the_fix_keeps_a_subdomain_or_a_port_only_where_flask_cors_admitted_one(
    regex: str, fix: str
) -> None:
    """``https?://example.com`` admitted no subdomain in flask-cors, so its fix admits
    none either; a regex ending in ``$`` admitted no port."""
    assert _fixed(regex)[0] == fix


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(SUITE_REGEXES),
    st.sampled_from(["http", "https", "htt"]),
    st.sampled_from(["", "a.", "a-b.", "x.y.", "evil"]),
    st.sampled_from(["example.com", "otherexample.com", "example.com.evil.net", "exampleXcom"]),
    st.sampled_from(["", ":80", ":8443"]),
)
def test_the_fix_of_a_suite_regex_admits_nothing_flask_cors_refused(
    regex: str, scheme: str, sub: str, host: str, port: str
) -> None:
    """Applying our refusal's fix never lets in an origin flask-cors refused with the
    regex: each origin ours allows with the fix, flask-cors allowed with the regex."""
    _, theirs, fixed = _fixed(regex)
    origin = f"{scheme}://{sub}{host}{port}"
    if fixed.test_client().get("/x", headers={"Origin": origin}).headers.get(ACAO) == origin:
        assert theirs.test_client().get("/x", headers={"Origin": origin}).headers[ACAO] == origin


# --------------------------------------------------------------------------- starlette


def _starlette(middleware: type, **options: Any) -> TestClient:
    async def homepage(request: Any) -> PlainTextResponse:
        return PlainTextResponse("Homepage")

    return TestClient(middleware(Starlette(routes=[Route("/", homepage)]), **options))


def test_starlette_lets_every_origin_reach_the_private_network_under_star() -> None:
    """starlette's suite configures ``allow_origins=["*"]`` with
    ``allow_private_network=True``: every website's preflight is told it may reach the
    private network. The drop-in refuses that configuration, naming the fix."""
    options = {"allow_origins": ["*"], "allow_methods": ["*"], "allow_private_network": True}
    asks = {
        "Origin": EVIL,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Private-Network": "true",
    }
    answer = _starlette(StarletteCORS, **options).options("/", headers=asks)
    assert (answer.status_code, answer.headers[ACAPN]) == (200, "true")
    with pytest.raises(ConfigError) as refused:
        _starlette(DropInCORS, **options)
    assert [p.option for p in refused.value.problems] == ["allow_private_network"]
    assert "list the origins allowed to reach it" in refused.value.problems[0].fix


# --------------------------------------------------------------------- django-cors-headers

PEER_DJANGO = "corsheaders.middleware.CorsMiddleware"
OURS_DJANGO = "adapters.django.CORSMiddleware"
DJANGO_PROJECT: dict[str, Any] = {
    "ROOT_URLCONF": "tests.integration.django_oracle_urls",
    "ALLOWED_HOSTS": ["testserver"],
    "DEBUG": False,
}


def django_answer(middleware: str, method: str = "GET", **settings: Any) -> Any:
    headers = settings.pop("headers", {})
    with cors_settings(DJANGO_PROJECT, MIDDLEWARE=[middleware], **settings):
        return Client().generic(method, "/api/items/", headers=headers)


def django_both(method: str = "GET", **settings: Any) -> tuple[Any, Any]:
    return (
        django_answer(PEER_DJANGO, method, **dict(settings)),
        django_answer(OURS_DJANGO, method, **dict(settings)),
    )


def test_django_cors_headers_writes_vary_in_lower_case() -> None:
    """django-cors-headers writes ``Vary: origin``, ours ``Vary: Origin``: header names are
    case-insensitive, so caches read both alike."""
    theirs, mine = django_both(CORS_ALLOWED_ORIGINS=[APP], headers={"Origin": APP})
    assert (theirs["Vary"], mine["Vary"]) == ("origin", "Origin")
    assert theirs[ACAO] == mine[ACAO] == APP


def test_django_cors_headers_answers_an_empty_request_method_as_a_preflight() -> None:
    """An ``OPTIONS`` with an empty ``Access-Control-Request-Method`` (no browser sends
    one): django-cors-headers answers it ``200`` as a preflight, ours refuses it ``403``.
    Neither passes it to the view."""
    asks = {"Origin": APP, "Access-Control-Request-Method": ""}
    theirs, mine = django_both("OPTIONS", CORS_ALLOWED_ORIGINS=[APP], headers=asks)
    assert (theirs.status_code, theirs.content, theirs[ACAO]) == (200, b"", APP)
    assert (mine.status_code, mine.content, mine.get(ACAO)) == (
        403,
        b"CORS preflight rejected (method_malformed)\n",
        None,
    )


def test_django_cors_headers_answers_preflights_200_with_a_content_length_of_0() -> None:
    """A passing preflight: ``200`` with ``Content-Length: 0`` there, ``204`` with no
    ``Content-Length`` here (a ``204`` never has one)."""
    asks = {"Origin": APP, "Access-Control-Request-Method": "GET"}
    theirs, mine = django_both("OPTIONS", CORS_ALLOWED_ORIGINS=[APP], headers=asks)
    assert (theirs.status_code, theirs["Content-Length"]) == (200, "0")
    assert (mine.status_code, mine.get("Content-Length"), mine.content) == (204, None, b"")
    assert theirs[ACAO] == mine[ACAO] == APP


@pytest.mark.parametrize(
    ("settings", "origin", "option"),
    [
        ({"CORS_ALLOWED_ORIGINS": [APP, "file://"]}, "file://", "CORS_ALLOWED_ORIGINS"),
        (
            {"CORS_ALLOWED_ORIGIN_REGEXES": [re.compile("a")]},
            "https://a.example",
            "CORS_ALLOWED_ORIGIN_REGEXES",
        ),
    ],
    ids=["file origin", "a regex that never matches an origin"],
)
def test_what_django_cors_headers_own_suite_configures_and_ours_refuses(
    settings: dict[str, Any], origin: str, option: str
) -> None:
    """``"file://"``: django-cors-headers echoes it (pages opened from files send
    ``null``: the fix names ``allow_null_origin``). ``re.compile("a")``: its checks pass
    and, matched from the start of the origin, it never allowed one; ours refuses both."""
    theirs = django_answer(PEER_DJANGO, headers={"Origin": origin}, **dict(settings))
    assert theirs.get(ACAO) == ("file://" if origin == "file://" else None)
    with pytest.raises(ConfigError) as refused:
        django_answer(OURS_DJANGO, headers={"Origin": origin}, **dict(settings))
    assert [p.option for p in refused.value.problems] == [option]
