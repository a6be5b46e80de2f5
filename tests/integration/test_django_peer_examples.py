"""Parity with django-cors-headers on the configurations its README documents.

Each example is one settings block from django-cors-headers' documentation. Every case
(one ``fetch()`` a page could make) runs twice through Django's test client, once with
``corsheaders.middleware.CorsMiddleware`` and once with ``adapters.django.CORSMiddleware``,
the same settings and the same views, and the browser model (:func:`cors_core.browser.simulate`
through :func:`cors_core.testing.cors_trip`) judges both: the verdicts are the same, and
the expected one.

The exceptions are the documented safety differences, in :data:`DIFFERENCES` with the
reason for each: there django-cors-headers lets the browser through and this adapter
refuses the configuration or the request. Differences in the headers that never change a
verdict (status codes, the private-network header on actual responses) are asserted at
the end.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from corsheaders.defaults import default_headers, default_methods
from django.test import Client

from cors_core import ConfigError
from cors_core.browser import Trip
from cors_core.testing import cors_trip
from tests.integration.conftest import hdrs
from tests.integration.django_support import BASE, CORS_SETTINGS, cors_settings

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

PEER = "corsheaders.middleware.CorsMiddleware"
OURS = "adapters.django.CORSMiddleware"
#: The example project without any CORS setting (each example brings its own).
PROJECT = {k: v for k, v in BASE.items() if k not in CORS_SETTINGS}

README_ORIGINS = [
    "https://example.com",
    "https://sub.example.com",
    "http://localhost:8080",
    "http://127.0.0.1:9000",
]
JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Case:
    """One fetch() from a page, and whether a browser lets the page read the answer."""

    name: str
    origin: str
    allowed: bool
    path: str = "/api/todos/"
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    credentials: bool = False
    private_network: bool = False


@dataclass(frozen=True)
class Example:
    name: str
    settings: Mapping[str, Any]
    cases: tuple[Case, ...]


EXAMPLES = [
    Example(
        "CORS_ALLOWED_ORIGINS",
        {"CORS_ALLOWED_ORIGINS": README_ORIGINS},
        (
            Case("listed", "https://example.com", True),
            Case("listed subdomain", "https://sub.example.com", True),
            Case("listed with port", "http://127.0.0.1:9000", True),
            Case("preflighted PUT", "http://localhost:8080", True, method="PUT", headers=JSON),
            Case("other port", "http://localhost:8081", False),
            Case("other scheme", "http://example.com", False),
            Case("unlisted subdomain", "https://other.example.com", False),
            Case("suffix attack", "https://example.com.evil.io", False),
            Case("no credentials allowed", "https://example.com", False, credentials=True),
        ),
    ),
    Example(
        "CORS_ORIGIN_WHITELIST (old name)",
        {"CORS_ORIGIN_WHITELIST": README_ORIGINS},
        (
            Case("listed", "https://sub.example.com", True),
            Case("unlisted", "https://evil.example", False),
        ),
    ),
    Example(
        "CORS_ALLOWED_ORIGIN_REGEXES",
        {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com$"]},
        (
            Case("matching", "https://app.example.com", True),
            Case("matching, preflighted", "https://api.example.com", True, method="DELETE"),
            Case("apex", "https://example.com", False),
            Case("http", "http://app.example.com", False),
            Case("suffix attack", "https://app.example.com.evil.io", False),
            Case("two labels", "https://a.b.example.com", False),
        ),
    ),
    Example(
        "CORS_ALLOW_ALL_ORIGINS",
        {"CORS_ALLOW_ALL_ORIGINS": True},
        (
            Case("anyone", "https://anyone.example", True),
            Case("anyone, preflighted", "https://anyone.example", True, method="PATCH"),
            Case("with credentials", "https://anyone.example", False, credentials=True),
        ),
    ),
    Example(
        "CORS_URLS_REGEX",
        {"CORS_ALLOWED_ORIGINS": README_ORIGINS, "CORS_URLS_REGEX": r"^/api/.*$"},
        (
            Case("under /api/", "https://example.com", True),
            Case("under /api/, preflighted", "https://example.com", True, method="PUT"),
            Case("outside /api/", "https://example.com", False, path="/elsewhere/"),
            Case(
                "outside /api/, preflighted",
                "https://example.com",
                False,
                path="/elsewhere/",
                method="PUT",
            ),
        ),
    ),
    Example(
        "default CORS_ALLOW_METHODS and CORS_ALLOW_HEADERS",
        {"CORS_ALLOWED_ORIGINS": README_ORIGINS},
        (
            Case("PATCH (default method)", "https://example.com", True, method="PATCH"),
            Case("DELETE (default method)", "https://example.com", True, method="DELETE"),
            Case(
                "default headers",
                "https://example.com",
                True,
                method="POST",
                headers={**JSON, "Authorization": "Token t", "X-CSRFToken": "t"},
            ),
            Case("PROPFIND", "https://example.com", False, method="PROPFIND"),
            Case("custom header", "https://example.com", False, headers={"X-Custom": "1"}),
        ),
    ),
    Example(
        "extended defaults (default_methods + POKE, default_headers + my-custom-header)",
        {
            "CORS_ALLOWED_ORIGINS": README_ORIGINS,
            "CORS_ALLOW_METHODS": [*default_methods, "POKE"],
            "CORS_ALLOW_HEADERS": [*default_headers, "my-custom-header"],
        },
        (
            Case("POKE", "https://example.com", True, method="POKE"),
            Case(
                "my-custom-header",
                "https://example.com",
                True,
                method="PUT",
                headers={"My-Custom-Header": "1", **JSON},
            ),
            Case("another header", "https://example.com", False, headers={"X-Other": "1"}),
        ),
    ),
    Example(
        "CORS_ALLOW_CREDENTIALS",
        {"CORS_ALLOWED_ORIGINS": README_ORIGINS, "CORS_ALLOW_CREDENTIALS": True},
        (
            Case("credentialed GET", "https://example.com", True, credentials=True),
            Case(
                "credentialed PUT",
                "http://localhost:8080",
                True,
                method="PUT",
                headers=JSON,
                credentials=True,
            ),
            Case("unlisted", "https://evil.example", False, credentials=True),
        ),
    ),
    Example(
        "CORS_EXPOSE_HEADERS and CORS_PREFLIGHT_MAX_AGE",
        {
            "CORS_ALLOWED_ORIGINS": README_ORIGINS,
            "CORS_EXPOSE_HEADERS": ["x-total-count"],
            "CORS_PREFLIGHT_MAX_AGE": 600,
        },
        (
            Case("GET", "https://example.com", True),
            Case("PUT", "https://example.com", True, method="PUT"),
        ),
    ),
    Example(
        "CORS_ALLOW_PRIVATE_NETWORK",
        {"CORS_ALLOWED_ORIGINS": README_ORIGINS, "CORS_ALLOW_PRIVATE_NETWORK": True},
        (
            Case("private network", "https://example.com", True, private_network=True),
            Case("unlisted", "https://evil.example", False, private_network=True),
        ),
    ),
    Example(
        "private network not enabled",
        {"CORS_ALLOWED_ORIGINS": README_ORIGINS},
        (Case("private network", "https://example.com", False, private_network=True),),
    ),
]


def trip(middleware: str, settings: Mapping[str, Any], case: Case) -> Trip:
    with cors_settings(PROJECT, MIDDLEWARE=[middleware], **settings):
        return cors_trip(
            Client(raise_request_exception=False),
            case.path,
            origin=case.origin,
            method=case.method,
            headers=dict(case.headers),
            credentials=case.credentials,
            private_network=case.private_network,
        )


PAIRS = [(e, c) for e in EXAMPLES for c in e.cases]


@pytest.mark.parametrize(("example", "case"), PAIRS, ids=[f"{e.name}: {c.name}" for e, c in PAIRS])
def test_same_verdict_as_django_cors_headers(example: Example, case: Case) -> None:
    peer = trip(PEER, example.settings, case)
    ours = trip(OURS, example.settings, case)
    assert peer.verdict.allowed is case.allowed, peer.steps
    assert ours.verdict.allowed is case.allowed, ours.steps
    if case.allowed:
        assert ours.readable_headers == peer.readable_headers
        assert ours.actual is not None and peer.actual is not None
        assert ours.actual.status == peer.actual.status


def test_exposed_headers_and_max_age_match() -> None:
    example = next(e for e in EXAMPLES if e.name.startswith("CORS_EXPOSE_HEADERS"))
    get, put = example.cases
    for middleware in (PEER, OURS):
        assert "x-total-count" in trip(middleware, example.settings, get).readable_headers
        preflight = trip(middleware, example.settings, put).preflight
        assert preflight is not None
        assert hdrs(preflight.response_headers)["access-control-max-age"] == "600"
    # CORS_PREFLIGHT_MAX_AGE = 0: no Access-Control-Max-Age from either.
    no_cache = {**example.settings, "CORS_PREFLIGHT_MAX_AGE": 0}
    for middleware in (PEER, OURS):
        preflight = trip(middleware, no_cache, put).preflight
        assert preflight is not None
        assert "access-control-max-age" not in hdrs(preflight.response_headers)


# ---------------------------------------------------------------- documented differences


@dataclass(frozen=True)
class Difference:
    """A configuration django-cors-headers serves and this adapter does not, and why."""

    name: str
    settings: Mapping[str, Any]
    case: Case  # the fetch django-cors-headers lets through
    reason: str
    refused_at_start: bool  # ConfigError (manage.py check error) rather than a blocked fetch


DIFFERENCES = [
    Difference(
        "every origin with credentials",
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True},
        Case("any site, with the user's cookies", "https://evil.example", True, credentials=True),
        "django-cors-headers then reflects every Origin with Access-Control-Allow-Credentials: "
        "any website can read the user's data; refused (cors_core.E001), list the origins",
        refused_at_start=True,
    ),
    Difference(
        "unanchored origin regex",
        {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com"]},
        Case("suffix attack", "https://app.example.com.evil.io", True),
        "re.match only anchors the start, so the attacker's host example.com.evil.io matches; "
        "regexes are matched with fullmatch here",
        refused_at_start=False,
    ),
    Difference(
        "null origin",
        {"CORS_ALLOWED_ORIGINS": ["null", "https://example.com"]},
        Case("sandboxed iframe or file:// page", "null", True),
        "any site can send Origin: null from a sandboxed iframe; it needs the explicit "
        "CORS_OPTIONS = {'allow_null_origin': True}",
        refused_at_start=True,
    ),
]


@pytest.mark.parametrize("difference", DIFFERENCES, ids=[d.name for d in DIFFERENCES])
def test_documented_safety_differences(difference: Difference) -> None:
    assert difference.reason
    peer = trip(PEER, difference.settings, difference.case)
    assert peer.verdict.allowed, peer.steps
    if difference.refused_at_start:
        with pytest.raises(ConfigError):
            trip(OURS, difference.settings, difference.case)
    else:
        ours = trip(OURS, difference.settings, difference.case)
        assert not ours.verdict.allowed, ours.steps


def test_null_origin_after_the_explicit_opt_in() -> None:
    settings = {
        "CORS_ALLOWED_ORIGINS": ["null", "https://example.com"],
        "CORS_OPTIONS": {"allow_null_origin": True},
    }
    assert trip(OURS, settings, Case("null", "null", True)).verdict.allowed


# ------------------------------------------------------ header differences, same verdicts


@pytest.fixture
def readme() -> Iterator[dict[str, Any]]:
    yield {"CORS_ALLOWED_ORIGINS": README_ORIGINS, "CORS_ALLOW_PRIVATE_NETWORK": True}


def _both(settings: Mapping[str, Any], method: str, headers: dict[str, str]) -> list[Any]:
    answers = []
    for middleware in (PEER, OURS):
        with cors_settings(PROJECT, MIDDLEWARE=[middleware], **settings):
            answers.append(Client().generic(method, "/api/todos/", headers=headers))
    return answers


def test_preflight_status_codes(readme: dict[str, Any]) -> None:
    """204 on success and 403 on failure here, 200 for both there; browsers decide the same."""
    ok = {"Origin": "https://example.com", "Access-Control-Request-Method": "PUT"}
    peer, ours = _both(readme, "OPTIONS", ok)
    assert (peer.status_code, ours.status_code) == (200, 204)
    bad_origin = {**ok, "Origin": "https://evil.example"}
    peer, ours = _both(readme, "OPTIONS", bad_origin)
    assert (peer.status_code, ours.status_code) == (200, 403)
    assert "Access-Control-Allow-Origin" not in peer and "Access-Control-Allow-Origin" not in ours
    # The requested method and headers are checked here; there the browser finds them missing.
    bad_method = {**ok, "Access-Control-Request-Method": "PROPFIND"}
    peer, ours = _both(readme, "OPTIONS", bad_method)
    assert (peer.status_code, ours.status_code) == (200, 403)
    assert "PROPFIND" not in peer["Access-Control-Allow-Methods"]


def test_private_network_header_only_on_preflights(readme: dict[str, Any]) -> None:
    asked = {"Origin": "https://example.com", "Access-Control-Request-Private-Network": "true"}
    peer, ours = _both(readme, "GET", asked)
    assert peer["Access-Control-Allow-Private-Network"] == "true"
    assert (
        "Access-Control-Allow-Private-Network" not in ours
    )  # it means something on preflights only
    preflight = {**asked, "Access-Control-Request-Method": "GET"}
    peer, ours = _both(readme, "OPTIONS", preflight)
    assert (
        peer["Access-Control-Allow-Private-Network"]
        == ours["Access-Control-Allow-Private-Network"]
        == "true"
    )
