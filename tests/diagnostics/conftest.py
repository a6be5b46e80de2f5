"""Fixtures for the diagnostics tests: real servers on 127.0.0.1, config files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.diagnostics.apps import broken_wsgi, good_app
from tests.servers import serve_asgi, serve_wsgi


@pytest.fixture(scope="module")
def good_url() -> Iterator[str]:
    """Our middleware under uvicorn (debug off)."""
    with serve_asgi(good_app()) as base:
        yield base


@pytest.fixture(scope="module")
def debug_url() -> Iterator[str]:
    """Our middleware under uvicorn with ``debug=True``."""
    with serve_asgi(good_app(debug=True)) as base:
        yield base


@pytest.fixture(scope="module")
def broken_url() -> Iterator[str]:
    """The hand-written, broken CORS app under waitress."""
    with serve_wsgi(broken_wsgi, threads=2) as base:
        yield base


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[..., str]:
    """Write a TOML file into tmp_path and return its path."""

    def write(text: str, name: str = "cors.toml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write
