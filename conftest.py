"""Root pytest configuration: the names the docstring examples of ``cors_core`` and
``adapters`` use, which ``--doctest-modules`` (see ``pyproject.toml``) runs by default.

Every doctest gets, fresh:

- ``policy``: the policy of :class:`cors_core.CORSPolicy`'s own example
  (``https://app.example.com`` and ``https://*.example.com``, GET/POST/PUT,
  ``authorization`` and ``content-type``, with credentials);
- ``app``: a plain ASGI app, or a new Flask app in :mod:`adapters.flask`;
- ``CORSMiddleware``: the ASGI middleware (:mod:`adapters.asgi`);
- ``client`` / ``async_client``: httpx clients of ``app`` wrapped with ``policy``
  (WSGI and ASGI), for :mod:`cors_core.testing`;
- a temporary working directory holding ``pyproject.toml`` (a ``[tool.cors]`` table) and
  ``cors.toml``, the files the configuration examples read.

Django's modules are imported for collection but their examples are not run here: they
need a configured Django project (``DJANGO_SETTINGS_MODULE``), which the Django tests
set up themselves (``collect_ignore`` below).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: Modules whose examples need configured Django settings (and an app registry).
collect_ignore_glob = ["adapters/django/*.py"]

PYPROJECT = """\
[project]
name = "example"

[tool.cors]
allow_origins = ["https://app.example.com"]
allow_methods = ["GET", "POST", "PUT"]
"""
CORS_TOML = """\
[cors]
allow_origins = ["https://app.example.com"]
allow_methods = ["GET", "POST", "PUT"]
allow_headers = ["content-type"]
"""


async def _asgi_app(scope: Any, receive: Any, send: Any) -> None:
    """A plain ASGI app: 200 ``ok`` for every HTTP request."""
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"2")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def _wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    """A plain WSGI app: 200 ``ok`` for every request."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def _policy() -> Any:
    from cors_core import CORSPolicy

    return CORSPolicy(
        allow_origins=["https://app.example.com", "https://*.example.com"],
        allow_methods=["GET", "POST", "PUT"],
        allow_headers=["authorization", "content-type"],
        allow_credentials=True,
    )


@pytest.fixture(autouse=True)
def _doctest_names(
    request: pytest.FixtureRequest, doctest_namespace: dict[str, Any], tmp_path: Path
) -> Iterator[None]:
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    import httpx

    from adapters.asgi import CORSMiddleware
    from adapters.wsgi import CORSMiddleware as WSGICORSMiddleware

    policy = _policy()
    module = request.node.dtest.globs.get("__name__", "")
    app: Any = _asgi_app
    if module == "adapters.flask":
        from flask import Flask

        app = Flask("example")
    base = "http://api.example.com"
    client = httpx.Client(
        transport=httpx.WSGITransport(app=WSGICORSMiddleware(_wsgi_app, policy=policy)),
        base_url=base,
    )
    async_client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=CORSMiddleware(_asgi_app, policy=policy)),
        base_url=base,
    )
    doctest_namespace.update(
        policy=policy,
        app=app,
        CORSMiddleware=CORSMiddleware,
        client=client,
        async_client=async_client,
    )
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "cors.toml").write_text(CORS_TOML)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path)
        yield
    client.close()
