"""Fixtures for the security tests: each adapter in-process, and each on a live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.security.support import asgi_app, wsgi_app

KINDS = ("asgi", "wsgi")


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    """Each adapter kind in turn: ``"asgi"`` then ``"wsgi"``."""
    return str(request.param)


@pytest.fixture(scope="module")
def plain_apps() -> Iterator[tuple[object, object]]:
    """The plain ASGI and WSGI apps the middleware wraps."""
    yield asgi_app, wsgi_app
