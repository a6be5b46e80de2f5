"""``adapters.django.signals.check_request_enabled``: django-cors-headers' signal, same contract.

Receivers get ``sender=None`` and ``request``; a truthy answer allows that request's
origin, preflights included, with an exact answer (the origin echoed, credentials per the
settings, ``Vary: Origin``). The scenarios also run through django-cors-headers'
middleware with the same receiver on its own signal, and the browser verdicts agree.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import corsheaders.signals
import pytest
from django.http import HttpRequest
from django.test import AsyncClient, Client

from adapters.django.signals import check_request_enabled
from cors_core.testing import cors_trip
from tests.integration.conftest import hdrs
from tests.integration.django_support import BASE, FRONT, cors_settings

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

PARTNER = "https://partner.example"
STRANGER = "https://stranger.example"
PARTNERS = frozenset({PARTNER})
PEER = "corsheaders.middleware.CorsMiddleware"


class Recorder:
    """Model-free receivers that remember how they were called."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, str, str]] = []

    def partners(self, sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        """Allow a list of partner origins (what a CORS_MODEL lookup used to do)."""
        self.calls.append((sender, request.method or "", request.path))
        return request.headers.get("Origin") in PARTNERS

    def todos_for_everyone(self, sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
        """django-cors-headers' README example: every origin on a subset of the URLs."""
        self.calls.append((sender, request.method or "", request.path))
        return request.path.startswith("/api/todos/")


@contextmanager
def connected(receiver: Callable[..., Any], peer: bool = False) -> Iterator[None]:
    signal = corsheaders.signals.check_request_enabled if peer else check_request_enabled
    signal.connect(receiver, weak=False)
    try:
        yield
    finally:
        signal.disconnect(receiver)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def _settings(peer: bool = False, **changes: Any) -> Any:
    middleware = [PEER if peer else "adapters.django.CORSMiddleware", *BASE["MIDDLEWARE"][1:]]
    return cors_settings(MIDDLEWARE=middleware, **changes)


def test_a_receiver_allows_an_origin_exactly(recorder: Recorder) -> None:
    with _settings(), connected(recorder.partners):
        client = Client()
        get = client.get("/api/todos/", headers={"Origin": PARTNER})
        pre = client.options(
            "/api/todos/1/",
            headers={
                "Origin": PARTNER,
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "content-type,x-csrftoken",
            },
        )
        stranger = client.get("/api/todos/", headers={"Origin": STRANGER})
        listed = client.get("/api/todos/", headers={"Origin": FRONT})
    assert get.status_code == 200
    assert get["Access-Control-Allow-Origin"] == PARTNER
    assert get["Access-Control-Allow-Credentials"] == "true"
    assert get["Vary"] == "Origin"
    assert pre.status_code == 204
    got = hdrs(pre.items())
    assert got["access-control-allow-origin"] == PARTNER
    assert got["access-control-allow-credentials"] == "true"
    assert got["access-control-allow-methods"] == "DELETE, GET, POST, PUT"
    assert got["vary"].startswith("Origin")
    assert "Access-Control-Allow-Origin" not in stranger and stranger["Vary"] == "Origin"
    assert listed["Access-Control-Allow-Origin"] == FRONT
    # Asked with sender=None and the request, only for origins the settings do not allow.
    assert recorder.calls == [
        (None, "GET", "/api/todos/"),
        (None, "OPTIONS", "/api/todos/1/"),
        (None, "GET", "/api/todos/"),
    ]


def test_the_answer_follows_the_other_settings(recorder: Recorder) -> None:
    with (
        _settings(CORS_ALLOW_CREDENTIALS=False, CORS_ALLOW_METHODS=["GET"]),
        connected(recorder.partners),
    ):
        client = Client()
        get = client.get("/api/todos/", headers={"Origin": PARTNER})
        put = cors_trip(client, "/api/todos/1/", origin=PARTNER, method="PUT")
    assert get["Access-Control-Allow-Origin"] == PARTNER
    assert "Access-Control-Allow-Credentials" not in get
    assert put.verdict.code == "missing_allow_origin"  # PUT is not allowed: a 403 preflight
    assert put.preflight is not None and put.preflight.status == 403


def test_no_receiver_no_call_and_nothing_allowed(recorder: Recorder) -> None:
    with _settings():
        client = Client()
        assert cors_trip(client, "/api/todos/", origin=PARTNER).verdict.code == (
            "missing_allow_origin"
        )
        with connected(recorder.partners):
            for _ in range(3):
                assert cors_trip(client, "/api/todos/", origin=FRONT).verdict.code == "ok"
                client.get("/api/todos/")  # no Origin: not a CORS request
    assert recorder.calls == []


@pytest.mark.parametrize("peer", [False, True], ids=["ours", "django-cors-headers"])
def test_readme_example_every_origin_on_some_urls(recorder: Recorder, peer: bool) -> None:
    with _settings(peer=peer), connected(recorder.todos_for_everyone, peer=peer):
        client = Client(raise_request_exception=False)
        anyone = cors_trip(client, "/api/todos/", origin=STRANGER, credentials=True)
        put = cors_trip(
            client,
            "/api/todos/1/",
            origin=STRANGER,
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        elsewhere = cors_trip(client, "/api/boom/", origin=STRANGER)
        front = cors_trip(client, "/api/boom/", origin=FRONT)
    assert anyone.verdict.code == "ok", anyone.steps
    assert put.verdict.code == "ok", put.steps
    assert elsewhere.verdict.code == "missing_allow_origin"
    assert front.verdict.code == "ok"
    assert anyone.actual is not None
    got = hdrs(anyone.actual.response_headers)
    assert (got["access-control-allow-origin"], got["vary"].lower()) == (STRANGER, "origin")


@pytest.mark.parametrize("peer", [False, True], ids=["ours", "django-cors-headers"])
def test_the_signal_enables_cors_outside_cors_urls_regex(recorder: Recorder, peer: bool) -> None:
    with (
        _settings(peer=peer, CORS_URLS_REGEX=r"^/api/boom/"),
        connected(recorder.partners, peer=peer),
    ):
        client = Client()
        partner = cors_trip(client, "/api/todos/", origin=PARTNER, method="DELETE")
        front = cors_trip(client, "/api/todos/", origin=FRONT)  # listed, but outside the regex
    assert partner.verdict.code == "ok", partner.steps
    assert front.verdict.code == "missing_allow_origin"


def test_the_signal_also_opens_a_view_policy_but_not_no_cors(recorder: Recorder) -> None:
    with _settings(), connected(recorder.partners):
        client = Client()
        admin = cors_trip(
            client,
            "/api/admin/todos/1/",
            origin=PARTNER,
            method="PUT",
            headers={"Content-Type": "application/json", "X-Admin-Token": "t"},
            credentials=True,
        )
        reindex = cors_trip(client, "/api/reindex/", origin=PARTNER)
    assert admin.verdict.code == "ok", admin.steps
    assert admin.preflight is not None
    # The view's own policy shapes the answer (its max age, its headers).
    assert hdrs(admin.preflight.response_headers)["access-control-max-age"] == "600"
    assert reindex.verdict.code == "missing_allow_origin"
    assert (None, "GET", "/api/reindex/") not in recorder.calls


def test_async_requests_ask_receivers_with_asend(recorder: Recorder) -> None:
    async def run() -> list[str | None]:
        client = AsyncClient()
        answers = []
        for origin in (PARTNER, STRANGER):
            r = await client.get("/api/todos/", headers={"Origin": origin})
            answers.append(r.get("Access-Control-Allow-Origin"))
        r = await client.options(
            "/api/todos/1/", headers={"Origin": PARTNER, "Access-Control-Request-Method": "PUT"}
        )
        answers.append(f"{r.status_code} {r.get('Access-Control-Allow-Origin')}")
        return answers

    with _settings(), connected(recorder.partners):
        assert asyncio.run(run()) == [PARTNER, None, f"204 {PARTNER}"]
    assert [call[1] for call in recorder.calls] == ["GET", "GET", "OPTIONS"]
