"""Pinned WSGI adapter behaviour: each test holds one thing ``adapters/wsgi.py`` does that a
mutant of it got wrong while the other suites still passed (see CONTRIBUTING.md, "Mutation
testing"). Real WSGI calls (PEP 3333), exact status lines, header lists and bodies."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

from adapters.wsgi import CORSMiddleware
from cors_core import Action, CORSPolicy, Decision, PathRules, Reason, ReasonCode
from cors_core.buckets import from_s3
from cors_core.integration import MAX_CACHED_ORIGIN
from tests.engines import FixedNoOriginEngine, Held, origin_of

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
TEXT = ("Content-Type", "text/plain")
PREFLIGHT_VARY = (
    "Vary",
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network",
)


def environ(method: str = "GET", path: str = "/items", **headers: str) -> dict[str, Any]:
    """A complete WSGI environ; ``headers`` by their CGI names without ``HTTP_``."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
    }
    env.update({f"HTTP_{name}": value for name, value in headers.items()})
    setup_testing_defaults(env)
    env["HTTP_HOST"] = "api.example.com"
    return env


@dataclass
class Response:
    status: str
    headers: list[tuple[str, str]]
    chunks: list[bytes]
    exc_info: Any = None
    calls: int = 0


def call(app: Any, env: dict[str, Any], *, validate: bool = True) -> Response:
    """Call ``app`` as a server does: one ``start_response``, the iterable read and closed."""
    response = Response("", [], [])

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], object]:
        response.status, response.headers, response.exc_info = status, headers, exc_info
        response.calls += 1
        return response.chunks.append

    result = (validator(app) if validate else app)(env, start_response)
    try:
        response.chunks.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return response


def text_app(env: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answers with the routed path, so a missing or wrong environ shows."""
    start_response("200 OK", [TEXT])
    return [f"path={env['PATH_INFO']}".encode()]


# -- construction --------------------------------------------------------------------------


def test_keyword_options_build_the_policy() -> None:
    """``CORSMiddleware(app, **options)`` answers as ``policy=CORSPolicy(**options)`` does."""
    options: dict[str, Any] = {"allow_origins": [APP], "expose_headers": ["x-total"]}
    by_keywords = CORSMiddleware(text_app, **options)
    by_policy = CORSMiddleware(text_app, policy=CORSPolicy(**options))
    assert repr(by_keywords.policy) == repr(by_policy.policy)
    for app in (by_keywords, by_policy):
        response = call(app, environ(ORIGIN=APP))
        assert response.status == "200 OK"
        assert response.headers == [
            TEXT,
            ("Access-Control-Allow-Origin", APP),
            ("Access-Control-Expose-Headers", "x-total"),
            ("Vary", "Origin"),
        ]
        assert response.chunks == [b"path=/items"]


# -- requests without Origin ---------------------------------------------------------------


def test_a_no_origin_answer_that_adds_nothing_leaves_the_call_untouched() -> None:
    """The engine's fixed answer is used as given (``decide()`` is not asked), and the app
    gets the server's own environ and ``start_response``: the response is the app's."""
    engine = FixedNoOriginEngine(CORSPolicy(allow_origins=[APP]))
    assert not engine.no_origin_decision.modifies_response
    app = CORSMiddleware(text_app, policy=engine)
    seen: list[tuple[Any, Any]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.append((status, headers))
        return lambda data: None

    env = environ(path="/plain")
    body = app(env, start_response)
    assert list(body) == [b"path=/plain"]
    assert seen == [("200 OK", [TEXT])]
    assert engine.decided == []
    # With an Origin the engine is asked, once, and its headers are added.
    response = call(app, environ(ORIGIN=APP))
    # (Its method and Origin: the rest may be passed or left to the defaults.)
    assert [asked[:2] for asked in engine.decided] == [("GET", APP)]
    assert response.headers == [TEXT, ("Access-Control-Allow-Origin", APP), ("Vary", "Origin")]


def test_a_no_origin_answer_that_adds_vary_is_used_without_asking_the_engine() -> None:
    engine = FixedNoOriginEngine(
        CORSPolicy(allow_origins=[APP]),
        Decision.build(Action.ACTUAL, True, Reason(ReasonCode.NO_ORIGIN), vary_origin=True),
    )
    response = call(CORSMiddleware(text_app, policy=engine), environ(path="/v"))
    assert (response.status, response.headers, response.chunks) == (
        "200 OK",
        [TEXT, ("Vary", "Origin")],
        [b"path=/v"],
    )
    assert engine.decided == []


def test_path_rules_decide_a_request_without_origin_by_its_path() -> None:
    """Path rules have no fixed no-Origin answer: each path's policy gives it."""
    rules = PathRules({"/api/*": CORSPolicy(allow_origins=["*"]), "/private/*": None})
    app = CORSMiddleware(text_app, policy=rules)
    api = call(app, environ(path="/api/x"))
    assert (api.status, api.headers, api.chunks) == (
        "200 OK",
        [TEXT, ("Access-Control-Allow-Origin", "*")],
        [b"path=/api/x"],
    )
    private = call(app, environ(path="/private/x"))
    assert (private.status, private.headers, private.chunks) == (
        "200 OK",
        [TEXT],
        [b"path=/private/x"],
    )


# -- engines that read the path: the preflight's values reach them -------------------------


def _rules() -> PathRules:
    return PathRules(
        {
            "/api/*": CORSPolicy(
                allow_origins=[APP],
                allow_methods=["GET", "PUT"],
                allow_headers=["x-token"],
                allow_private_network=True,
            )
        }
    )


def test_path_rules_preflight_is_judged_on_its_request_headers() -> None:
    app = CORSMiddleware(text_app, policy=_rules())
    asked = {"ORIGIN": APP, "ACCESS_CONTROL_REQUEST_METHOD": "PUT"}
    ok = call(app, environ("OPTIONS", "/api/x", **asked, ACCESS_CONTROL_REQUEST_HEADERS="x-token"))
    assert ok.status == "204 No Content"
    assert ok.headers == [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        ("Access-Control-Allow-Headers", "x-token"),
        ("Access-Control-Max-Age", "600"),
        PREFLIGHT_VARY,
    ]
    assert ok.chunks == []
    refused = call(
        app, environ("OPTIONS", "/api/x", **asked, ACCESS_CONTROL_REQUEST_HEADERS="x-other")
    )
    assert refused.status == "403 Forbidden"
    assert refused.headers == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "45"),
        ("X-Content-Type-Options", "nosniff"),
        PREFLIGHT_VARY,
    ]
    assert refused.chunks == [b"CORS preflight rejected (header_not_allowed)\n"]


def test_path_rules_preflight_is_judged_on_its_private_network_request() -> None:
    app = CORSMiddleware(text_app, policy=_rules())
    response = call(
        app,
        environ(
            "OPTIONS",
            "/api/x",
            ORIGIN=APP,
            ACCESS_CONTROL_REQUEST_METHOD="PUT",
            ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK="true",
        ),
    )
    assert response.status == "204 No Content"
    assert response.headers == [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        ("Access-Control-Allow-Headers", "x-token"),
        ("Access-Control-Allow-Private-Network", "true"),
        ("Access-Control-Max-Age", "600"),
        PREFLIGHT_VARY,
    ]


# -- engines that read neither: the request's method reaches them --------------------------


def test_a_bucket_policy_judges_an_actual_request_by_its_method() -> None:
    """S3 rules allow an origin per method: the request's own method is what they judge."""
    bucket = from_s3(
        [{"AllowedOrigins": [APP], "AllowedMethods": ["GET"], "ExposeHeaders": ["x-total"]}]
    )
    app = CORSMiddleware(text_app, policy=bucket)
    get = call(app, environ("GET", ORIGIN=APP))
    assert get.headers == [
        TEXT,
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "x-total"),
        ("Vary", "Origin"),
    ]
    delete = call(app, environ("DELETE", ORIGIN=APP))
    assert delete.headers == [TEXT, ("Vary", "Origin")]


# -- the engine's held answers to actual requests ------------------------------------------


def test_an_origin_at_the_memo_key_bound_is_looked_up_and_a_longer_one_is_not() -> None:
    """An actual request whose Origin is as long as the memo's keys may be (128 characters)
    takes the engine's held answer without calling ``decide``; one character more and the
    value is never looked up (nor hashed): ``decide`` answers it."""
    at_bound, past = origin_of(MAX_CACHED_ORIGIN), origin_of(MAX_CACHED_ORIGIN + 1)
    assert (len(at_bound), len(past)) == (128, 129)
    inner = CORSPolicy(allow_origins=[at_bound, past])
    engine = FixedNoOriginEngine(inner)
    held = Held({at_bound: inner.decide("GET", at_bound), past: inner.decide("GET", past)})
    engine.answers_by_origin = held  # type: ignore[attr-defined]
    app = CORSMiddleware(text_app, policy=engine)
    first = call(app, environ("PUT", ORIGIN=at_bound))
    assert first.headers == [TEXT, ("Access-Control-Allow-Origin", at_bound), ("Vary", "Origin")]
    assert (engine.decided, held.looked_up) == ([], [at_bound])
    second = call(app, environ("PUT", ORIGIN=past))
    assert second.headers == [TEXT, ("Access-Control-Allow-Origin", past), ("Vary", "Origin")]
    assert engine.decided == [("PUT", past, None, None, False)]
    assert held.looked_up == [at_bound]


# -- the rejection log line ----------------------------------------------------------------


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="cors_core")
    return caplog


def _messages(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, str]]:
    return [(r.name, r.levelno, r.getMessage()) for r in caplog.records]


def test_a_rejected_request_is_logged_with_its_method_and_path(
    debug_log: pytest.LogCaptureFixture,
) -> None:
    app = CORSMiddleware(text_app, allow_origins=[APP], allow_methods=["GET", "PUT"])
    response = call(app, environ("DELETE", "/items/7", ORIGIN=EVIL))
    assert response.headers == [TEXT, ("Vary", "Origin")]
    call(app, environ("OPTIONS", "/items/8", ORIGIN=EVIL, ACCESS_CONTROL_REQUEST_METHOD="PUT"))
    refused = (
        f"origin '{EVIL}' is not allowed: add it to allow_origins (or match it with a "
        "'*.' pattern, allow_origin_regex or allow_origin_predicate)"
    )
    assert _messages(debug_log) == [
        (
            "cors_core",
            logging.DEBUG,
            f"CORS request rejected: 'DELETE' '/items/7': [origin_not_allowed] {refused}",
        ),
        (
            "cors_core",
            logging.DEBUG,
            f"CORS preflight rejected: 'OPTIONS' '/items/8': [origin_not_allowed] {refused}",
        ),
    ]


def test_allowed_requests_log_nothing(debug_log: pytest.LogCaptureFixture) -> None:
    app = CORSMiddleware(text_app, allow_origins=[APP], allow_methods=["GET", "PUT"])
    assert call(app, environ("GET", ORIGIN=APP)).status == "200 OK"
    preflight = environ("OPTIONS", ORIGIN=APP, ACCESS_CONTROL_REQUEST_METHOD="PUT")
    assert call(app, preflight).status == "204 No Content"
    assert call(app, environ("GET")).status == "200 OK"
    assert _messages(debug_log) == []


# -- the answer to a preflight -------------------------------------------------------------


def test_an_answered_preflight_without_a_body_returns_no_chunk() -> None:
    """A 204 gives the server an empty iterable (no empty chunk to write); a refusal gives
    its one body chunk."""
    app = CORSMiddleware(text_app, allow_origins=[APP], allow_methods=["GET", "PUT"])
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    ok = app(environ("OPTIONS", ORIGIN=APP, ACCESS_CONTROL_REQUEST_METHOD="PUT"), start_response)
    assert list(ok) == []
    refused = app(
        environ("OPTIONS", ORIGIN=APP, ACCESS_CONTROL_REQUEST_METHOD="PATCH"), start_response
    )
    assert list(refused) == [b"CORS preflight rejected (method_not_allowed)\n"]
    assert statuses == ["204 No Content", "403 Forbidden"]


# -- the app's header sequence -------------------------------------------------------------


def _app_sending(headers: Callable[[], Iterable[tuple[str, str]]]) -> Any:
    def app(env: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("201 Created", headers())
        return [b"made"]

    return app


@pytest.mark.parametrize(
    "kind",
    [tuple, iter, lambda pairs: (pair for pair in pairs)],
    ids=["tuple", "iterator", "generator"],
)
def test_a_header_sequence_that_is_not_a_list_is_read_once_and_kept(
    kind: Callable[[list[tuple[str, str]]], Iterable[tuple[str, str]]],
) -> None:
    pairs = [TEXT, ("X-Request-Id", "7"), ("X-Custom", "1")]
    app = CORSMiddleware(_app_sending(lambda: kind(pairs)), allow_origins=[APP])
    response = call(app, environ(ORIGIN=APP), validate=False)
    assert response.status == "201 Created"
    assert response.headers == [*pairs, ("Access-Control-Allow-Origin", APP), ("Vary", "Origin")]
    assert response.chunks == [b"made"]


def test_a_non_list_header_sequence_with_vary_is_merged() -> None:
    pairs = (TEXT, ("vary", "Accept"), ("Access-Control-Allow-Origin", "*"))
    app = CORSMiddleware(_app_sending(lambda: iter(pairs)), allow_origins=[APP])
    response = call(app, environ(ORIGIN=APP), validate=False)
    assert response.headers == [
        TEXT,
        ("vary", "Accept, Origin"),
        ("Access-Control-Allow-Origin", APP),
    ]


def test_exc_info_is_passed_through_with_the_cors_headers() -> None:
    def failing_app(env: dict[str, Any], start_response: Any) -> list[bytes]:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            start_response("500 Internal Server Error", [TEXT], sys.exc_info())
        return [b"failed"]

    app = CORSMiddleware(failing_app, allow_origins=[APP])
    response = call(app, environ(ORIGIN=APP), validate=False)
    assert response.status == "500 Internal Server Error"
    assert response.headers == [TEXT, ("Access-Control-Allow-Origin", APP), ("Vary", "Origin")]
    assert response.exc_info is not None
    assert isinstance(response.exc_info[1], RuntimeError)
    assert str(response.exc_info[1]) == "boom"
