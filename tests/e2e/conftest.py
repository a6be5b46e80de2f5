"""Fixtures for the Chromium suite: one browser, the page origins, the API stacks.

Topology (everything on loopback):

- the API, our middleware around a small app, at ``http://127.0.0.1:<api port>``;
- the page at ``http://localhost:<page port>`` (another host name and port: cross-site);
- the same page server also answers as ``http://127.0.0.1:<page port>`` (cross-origin but
  same-site with the API, for cookies: Chromium blocks third-party cookies) and as
  ``http://app.localhost:<page port>`` (Chromium resolves ``*.localhost`` to loopback),
  matched by the policy's ``http://*.localhost:<page port>`` pattern;
- a disallowed origin, ``http://localhost:<other port>``, from a second page server.

The whole suite skips, with the reason, when /usr/bin/chromium or Playwright is missing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.chromium import CHROMIUM, Chromium, Tab
from tests.e2e.stacks import Api, serve_api
from tests.servers import serve_asgi

PAGE_HTML = (
    b"<!doctype html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
    b"<title>cors-core e2e page</title></head><body><p>e2e page</p></body></html>"
)


async def _page_app(scope: Any, receive: Any, send: Any) -> None:
    """A plain page server (no CORS): the same tiny HTML document on every path."""
    assert scope["type"] == "http"
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": PAGE_HTML})


@dataclass(frozen=True)
class Origins:
    """The page origins the browser runs the tests from."""

    page: str  # allowed; cross-site with the API
    same_site: str  # allowed; same site as the API (cookies are sent)
    subdomain: str  # allowed through the '*.' pattern only
    evil: str  # not allowed
    pattern: str  # the '*.' pattern in the policy


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """One headless Chromium for the whole suite (skips when it cannot exist here)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("the playwright package is not importable: uv sync installs it")
    browser = Chromium.launch()
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def origins(chromium: Chromium) -> Iterator[Origins]:
    """Start the two plain page servers and name the origins they serve."""
    with serve_asgi(_page_app) as page, serve_asgi(_page_app) as other:
        port = _port(page)
        yield Origins(
            page=f"http://localhost:{port}",
            same_site=f"http://127.0.0.1:{port}",
            subdomain=f"http://app.localhost:{port}",
            evil=f"http://localhost:{_port(other)}",
            pattern=f"http://*.localhost:{port}",
        )


@pytest.fixture
def open_tab(chromium: Chromium) -> Iterator[Callable[..., Tab]]:
    """``open_tab(origin, cookies=[...])``: a fresh context with a page loaded from ``origin``."""
    tabs: list[Tab] = []

    def open_(origin: str, cookies: Sequence[Mapping[str, Any]] = ()) -> Tab:
        tab = chromium.open(origin + "/", cookies)
        tabs.append(tab)
        return tab

    yield open_
    for tab in tabs:
        tab.close()


def main_policy(origins: Origins) -> dict[str, Any]:
    """The API's policy: explicit origins and a '*.' pattern, credentials, a 10-minute cache."""
    return {
        "allow_origins": [origins.page, origins.same_site, origins.pattern],
        "allow_methods": ["GET", "POST", "PUT", "PATCH", "DELETE"],
        "allow_headers": ["content-type", "x-custom", "authorization"],
        "expose_headers": ["x-exposed"],
        "allow_credentials": True,
        "max_age": 600,
    }


#: The permissive policy: every origin, method and header, everything exposed, no credentials.
WILDCARD_POLICY: dict[str, Any] = {
    "allow_origins": ["*"],
    "allow_methods": "*",
    "allow_headers": "*",
    "expose_headers": "*",
}


@dataclass(frozen=True)
class Stack:
    """One framework stack under test: the main-policy API and the wildcard-policy API."""

    name: str
    api: Api
    wild: Api


#: The stacks every browser scenario runs on. The bare adapters run by default; the same
#: adapters inside FastAPI and Flask repeat every scenario through a framework, so they run
#: with the slow tests (CI runs both; ``uv run pytest -m slow`` locally).
STACKS = [
    "asgi",
    "wsgi",
    pytest.param("fastapi", marks=pytest.mark.slow),
    pytest.param("flask", marks=pytest.mark.slow),
]


@pytest.fixture(scope="module", params=STACKS)
def stack(request: pytest.FixtureRequest, chromium: Chromium, origins: Origins) -> Iterator[Stack]:
    """Both API servers of one stack, started once per stack for the module."""
    name: str = request.param
    with serve_api(name, main_policy(origins)) as api, serve_api(name, WILDCARD_POLICY) as wild:
        yield Stack(name, api, wild)


@pytest.fixture
def apis(stack: Stack) -> Stack:
    """The current stack with both records emptied for this test."""
    stack.api.log.clear()
    stack.wild.log.clear()
    return stack
