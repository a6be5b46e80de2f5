"""Real servers on 127.0.0.1 for the tests: uvicorn for ASGI apps, waitress for WSGI apps.

Both run in a background thread on a free port and stop when the ``with`` block ends::

    with serve_asgi(app) as base_url:
        httpx.get(base_url + "/")
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

_handed_out: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now and was not handed out before.

    The kernel may offer a just-released port again; remembering the ports already given
    keeps two servers of one test session (e.g. the demo's API and page) from colliding.
    """
    for _ in range(100):
        with socket.socket() as s:
            s.bind((host, 0))
            port = int(s.getsockname()[1])
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError("no fresh free port found")


def _wait_until_up(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"server at {url} did not start") from None
            time.sleep(0.05)


@contextlib.contextmanager
def serve_asgi(app: Any, host: str = "127.0.0.1", port: int | None = None) -> Iterator[str]:
    """Run an ASGI app under uvicorn on ``host`` (a free port unless given); yield its base URL."""
    import uvicorn

    port = port or free_port(host)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://{host}:{port}"
    try:
        _wait_until_up(base + "/")
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def serve_wsgi(
    app: Any, host: str = "127.0.0.1", port: int | None = None, threads: int = 8
) -> Iterator[str]:
    """Run a WSGI app under waitress on ``host`` (a free port unless given); yield its base URL."""
    from waitress.server import create_server

    port = port or free_port(host)
    # The loop notices close() at its next wake-up: 0.1 s instead of waitress's 1 s default.
    server = create_server(app, host=host, port=port, threads=threads, asyncore_loop_timeout=0.1)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            # close() from the test thread can interrupt the loop's select(): expected at stop.
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    base = f"http://{host}:{port}"
    try:
        _wait_until_up(base + "/")
        yield base
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=10)
