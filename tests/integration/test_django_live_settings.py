"""Settings are read live: ``override_settings`` (decorator, context manager, after a first
request) and pytest-django's ``settings`` fixture change the policy of a middleware that
already runs, and the policy is rebuilt only when a ``CORS_*`` setting changes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.test import AsyncClient, Client, override_settings

import adapters.django.conf as conf_module
from adapters.django.conf import conf
from cors_core import ConfigError
from tests.integration.django_support import FRONT, cors_settings
from tests.servers import serve_wsgi

pytestmark = pytest.mark.filterwarnings("ignore::cors_core.CORSConfigWarning")

OTHER = "https://other.example"


def acao(client: Any, origin: str, path: str = "/api/todos/") -> str | None:
    value: str | None = client.get(path, headers={"Origin": origin}).get(
        "Access-Control-Allow-Origin"
    )
    return value


@pytest.fixture
def client() -> Iterator[Client]:
    """The example's settings, and a client whose middleware answered a first request."""
    with cors_settings():
        c = Client()
        assert acao(c, FRONT) == FRONT
        yield c


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every rebuild of a middleware's configuration (its ``policy`` argument)."""
    seen: list[Any] = []
    real = conf_module.load_quietly

    def counting(policy: Any = None) -> Any:
        seen.append(policy)
        return real(policy)

    monkeypatch.setattr(conf_module, "load_quietly", counting)
    return seen


class SettingsFixture:
    """What pytest-django's ``settings`` fixture does: each assignment is an
    ``override_settings(NAME=value).enable()``, all disabled in reverse at teardown."""

    def __init__(self) -> None:
        object.__setattr__(self, "_overrides", [])

    def __setattr__(self, name: str, value: Any) -> None:
        override = override_settings(**{name: value})
        override.enable()
        self._overrides.append(override)

    def finalize(self) -> None:
        for override in reversed(self._overrides):
            override.disable()


@pytest.fixture
def settings() -> Iterator[SettingsFixture]:
    wrapper = SettingsFixture()
    yield wrapper
    wrapper.finalize()


def test_override_settings_as_a_context_manager_after_a_first_request(client: Client) -> None:
    assert acao(client, OTHER) is None
    with override_settings(CORS_ORIGIN_WHITELIST=[OTHER]):
        assert acao(client, OTHER) == OTHER
        assert acao(client, FRONT) is None
        with override_settings(CORS_ALLOWED_ORIGINS=[FRONT]):  # the new name wins
            assert acao(client, FRONT) == FRONT
        assert acao(client, FRONT) is None
    assert acao(client, FRONT) == FRONT
    assert acao(client, OTHER) is None


def test_override_settings_as_a_decorator(client: Client) -> None:
    @override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=False)
    def from_anywhere() -> str | None:
        return acao(client, "https://anyone.example")

    assert from_anywhere() == "*"
    assert acao(client, "https://anyone.example") is None


@override_settings(CORS_URLS_REGEX=r"^/api/boom/")
def test_override_settings_decorating_the_test(client: Client) -> None:
    # The fixture's first request ran before this override; now /api/todos/ is left out.
    assert acao(client, FRONT) is None
    with override_settings(CORS_URLS_REGEX=r"^/api/"):
        assert acao(client, FRONT) == FRONT


def test_pytest_django_style_settings_fixture(client: Client, settings: SettingsFixture) -> None:
    settings.CORS_ALLOWED_ORIGINS = [OTHER]
    assert acao(client, OTHER) == OTHER
    settings.CORS_EXPOSE_HEADERS = ["x-total-count"]
    got = client.get("/api/todos/", headers={"Origin": OTHER})
    assert got["Access-Control-Expose-Headers"] == "x-total-count"
    settings.CORS_ALLOWED_ORIGINS = [FRONT]
    assert acao(client, OTHER) is None
    settings.finalize()
    settings._overrides.clear()
    assert acao(client, FRONT) == FRONT
    assert "Access-Control-Expose-Headers" not in client.get(
        "/api/todos/", headers={"Origin": FRONT}
    )


def test_the_conf_object_reads_settings_live() -> None:
    with cors_settings():
        assert conf.CORS_ALLOWED_ORIGINS == ("http://localhost:8080", "http://127.0.0.1:8080")
        assert conf.CORS_PREFLIGHT_MAX_AGE == 86400  # django-cors-headers' default
        with override_settings(CORS_ALLOWED_ORIGINS=[OTHER], CORS_PREFLIGHT_MAX_AGE=5):
            assert conf.CORS_ALLOWED_ORIGINS == [OTHER]
            assert conf.CORS_PREFLIGHT_MAX_AGE == 5
        assert conf.CORS_ALLOW_METHODS == ("DELETE", "GET", "POST", "PUT")
        assert conf.CORS_EXPOSE_HEADERS == ()
        assert conf.CORS_POLICY is None


def test_the_policy_is_rebuilt_only_when_a_cors_setting_changes(
    client: Client, builds: list[Any]
) -> None:
    for _ in range(20):
        acao(client, FRONT)
    assert builds == []  # no per-request rebuild
    with override_settings(DEBUG=True, USE_TZ=False):  # not CORS settings
        acao(client, FRONT)
    assert builds == []
    with override_settings(CORS_PREFLIGHT_MAX_AGE=60):
        for _ in range(5):
            preflight = client.options(
                "/api/todos/",
                headers={"Origin": FRONT, "Access-Control-Request-Method": "PUT"},
            )
            assert preflight["Access-Control-Max-Age"] == "60"
    assert len(builds) == 1  # once, on the first request after the change
    acao(client, FRONT)
    assert len(builds) == 2  # and once after it was undone
    for _ in range(5):
        acao(client, FRONT)
    assert len(builds) == 2


def test_an_invalid_override_is_refused_on_the_next_request(client: Client) -> None:
    with override_settings(CORS_ALLOW_ALL_ORIGINS=True):  # with CORS_ALLOW_CREDENTIALS = True
        for _ in range(2):  # refused on every request, never served with the old policy
            with pytest.raises(ConfigError) as refused:
                client.get("/api/todos/", headers={"Origin": FRONT})
            assert refused.value.problems[0].option == "CORS_ALLOW_ALL_ORIGINS"
    assert acao(client, FRONT) == FRONT


def test_async_client_sees_overrides() -> None:
    async def run() -> list[str | None]:
        client = AsyncClient()
        first = await client.get("/api/todos/", headers={"Origin": OTHER})
        with override_settings(CORS_ORIGIN_WHITELIST=[OTHER]):
            second = await client.get("/api/todos/", headers={"Origin": OTHER})
        third = await client.get("/api/todos/", headers={"Origin": OTHER})
        return [r.get("Access-Control-Allow-Origin") for r in (first, second, third)]

    with cors_settings():
        assert asyncio.run(run()) == [None, OTHER, None]


def test_a_running_waitress_server_follows_overrides() -> None:
    from django.core.handlers.wsgi import WSGIHandler

    with cors_settings(), serve_wsgi(WSGIHandler()) as base:

        def origin_for(origin: str) -> str | None:
            r = httpx.get(base + "/api/todos/", headers={"Origin": origin})
            return r.headers.get("access-control-allow-origin")

        assert origin_for(OTHER) is None
        with override_settings(CORS_ORIGIN_WHITELIST=[OTHER]):
            assert origin_for(OTHER) == OTHER
        assert origin_for(OTHER) is None
