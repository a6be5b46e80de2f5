"""Every stack example in ``examples/`` on a real server on 127.0.0.1, as its page runs it.

Each example is started in its own process, the way its docstring and its docs page say
(uvicorn for ASGI apps, waitress for WSGI apps), and gets one request pair: a preflight
from an allowed origin and a request from a denied one. The CORS headers of both answers
are compared exactly: every ``Access-Control-*`` header and ``Vary``, nothing more.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]

LOCAL = "http://localhost:8080"
DENIED = "https://evil.example"
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)

#: The policy most examples share: two local page origins, credentials, one exposed header.
LOCAL_PREFLIGHT = {
    "access-control-allow-origin": LOCAL,
    "access-control-allow-credentials": "true",
    "access-control-allow-methods": "GET, POST, PUT, DELETE",
    "access-control-allow-headers": "content-type, authorization",
    "access-control-max-age": "600",
    "vary": PREFLIGHT_VARY,
}


@dataclass(frozen=True)
class Example:
    """One example module, its server, and the request pair it must answer exactly."""

    module: str
    server: str  # "uvicorn" or "waitress"
    preflight_path: str
    denied_path: str
    origin: str = LOCAL
    request_method: str = "PUT"
    request_headers: str = "content-type"
    preflight: dict[str, str] = field(default_factory=lambda: dict(LOCAL_PREFLIGHT))
    denied_status: int = 200


EXAMPLES = [
    Example("examples.asgi_app", "uvicorn", "/items/1", "/items"),
    Example("examples.wsgi_app", "waitress", "/items/1", "/items"),
    Example(
        "examples.starlette_app",
        "uvicorn",
        "/items/1",
        "/items",
        origin="https://app.example.com",
        request_headers="content-type,x-request-id",
        preflight={
            "access-control-allow-origin": "https://app.example.com",
            "access-control-allow-methods": "GET, PUT",
            "access-control-allow-headers": "content-type, x-request-id",
            "access-control-max-age": "600",
            "vary": PREFLIGHT_VARY,
        },
    ),
    Example(
        "examples.fastapi_app",
        "uvicorn",
        "/items/1",
        "/",
        origin="https://app.example.com",
        request_headers="authorization,content-type",
        preflight={
            # allow_methods=["*"] / allow_headers=["*"] with credentials: the request is echoed
            "access-control-allow-origin": "https://app.example.com",
            "access-control-allow-credentials": "true",
            "access-control-allow-methods": "PUT",
            "access-control-allow-headers": "authorization, content-type",
            "access-control-max-age": "600",
            "vary": PREFLIGHT_VARY,
        },
    ),
    Example("examples.flask_app", "waitress", "/api/todos/1", "/api/todos"),
    Example("examples.litestar_app", "uvicorn", "/items/1", "/items"),
    Example("examples.quart_app", "uvicorn", "/items/1", "/items"),
    Example("examples.falcon_app", "waitress", "/items/1", "/items"),
    Example("examples.bottle_app", "waitress", "/items/1", "/items"),
]


def _command(example: Example, port: int) -> list[str]:
    target = f"{example.module}:app"
    if example.server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1",
                "--port", str(port), "--log-level", "warning"]  # fmt: skip
    return [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", target]


@contextlib.contextmanager
def _serve(example: Example) -> Iterator[str]:
    """Start the example in its own process on a free port; yield its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The server's output goes to a file, not a pipe: a chatty server never blocks on it.
    with tempfile.TemporaryFile() as log:

        def failed(why: str) -> None:
            log.seek(0)
            pytest.fail(f"{example.module} {why}:\n{log.read().decode(errors='replace')}")

        proc = subprocess.Popen(
            _command(example, port), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    failed(f"exited with {proc.returncode}")
                try:
                    httpx.get(base + "/", timeout=1.0)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        failed(f"did not start on {base}")
                    time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def cors_headers(response: httpx.Response) -> dict[str, str]:
    """Every ``Access-Control-*`` header and ``Vary`` (lowercase names; a repeat is an error)."""
    out: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        if key.startswith("access-control-") or key == "vary":
            assert key not in out, f"{key} sent twice"
            out[key] = value
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.module.split(".")[-1])
def test_example_on_a_real_server(example: Example) -> None:
    with _serve(example) as base:
        preflight = httpx.request(
            "OPTIONS",
            base + example.preflight_path,
            headers={
                "Origin": example.origin,
                "Access-Control-Request-Method": example.request_method,
                "Access-Control-Request-Headers": example.request_headers,
            },
            timeout=10,
        )
        assert preflight.status_code == 204
        assert cors_headers(preflight) == example.preflight

        denied = httpx.get(base + example.denied_path, headers={"Origin": DENIED}, timeout=10)
        assert denied.status_code == example.denied_status
        assert cors_headers(denied) == {"vary": "Origin"}
