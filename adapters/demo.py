"""``cors-core demo``: an API behind the middleware and a front-end page on another origin.

Run ``uv run cors-core demo`` (or ``python -m adapters.demo``), open the printed page URL
and press the buttons: each makes one ``fetch()`` from the page's origin to the API and
shows whether the browser allowed or blocked it, with the server's reason. Ctrl-C stops
both servers.

Options: ``--host`` (``127.0.0.1``; both servers listen there), ``--api-port`` (8000),
``--page-port`` (8080), ``--quiet`` (no request log). The page's origin is
``http://localhost:<page-port>``; the API is ``http://<host>:<api-port>``.

Stable element ids on the page (for browser tests)::

    #api-url, #page-origin           the two URLs, as text
    #btn-run-all                     runs every scenario in turn
    #btn-<scenario>                  one button per scenario
    #result-<scenario>               its result: empty before, "pending..." while running,
                                     then text starting with "allowed" or "blocked"
                                     (attribute data-outcome="allowed"|"blocked")
    #reason-<scenario>               for blocked ones: the server's reason code and message

    scenario              request                                  expected
    simple-get            GET /api/items                           allowed
    json-post             POST /api/items, Content-Type JSON       allowed (preflighted)
    put-custom-header     PUT /api/items/1 with X-Demo-Token       allowed (preflighted)
    credentialed          GET /api/me, credentials: "include"      allowed
    refused-header        GET /api/items with X-Secret             blocked (header_not_allowed)
    refused-method        DELETE /api/items/1                      blocked (method_not_allowed)

The policy has ``debug=True``, so rejected preflights carry ``X-CORS-Reason``; a page
cannot read a blocked response, so it asks ``GET /api/explain`` why (the API replays the
same request through the same middleware and judges the answer with
:mod:`cors_core.browser`).

Example::

    >>> from adapters.demo import main
    >>> main(["--api-port", "8001", "--page-port", "8081"])  # doctest: +SKIP
    0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from importlib import resources
from types import FrameType
from typing import Any
from urllib.parse import parse_qs

from adapters.asgi import CORSMiddleware
from cors_core import CORSPolicy
from cors_core.browser import Response, simulate_async

__all__ = ["SCENARIOS", "api_app", "demo_policy", "main", "page_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The page's scenarios: id -> (method, path, headers, credentials, expected outcome).
SCENARIOS: dict[str, tuple[str, str, dict[str, str], bool, str]] = {
    "simple-get": ("GET", "/api/items", {}, False, "allowed"),
    "json-post": ("POST", "/api/items", {"Content-Type": "application/json"}, False, "allowed"),
    "put-custom-header": (
        "PUT",
        "/api/items/1",
        {"Content-Type": "application/json", "X-Demo-Token": "demo"},
        False,
        "allowed",
    ),
    "credentialed": ("GET", "/api/me", {}, True, "allowed"),
    "refused-header": ("GET", "/api/items", {"X-Secret": "42"}, False, "blocked"),
    "refused-method": ("DELETE", "/api/items/1", {}, False, "blocked"),
}

_INSTALL_HINT = (
    "cors-core demo needs uvicorn, which is not installed: pip install 'cors-core[demo]'"
)


def demo_policy(page_origin: str) -> CORSPolicy:
    """The demo's policy: the page's origin, GET/POST/PUT, two headers, credentials, debug.

    >>> demo_policy("http://localhost:8080").allow_credentials
    True
    """
    return CORSPolicy(
        allow_origins=[page_origin],
        allow_methods=["GET", "POST", "PUT"],
        allow_headers=["content-type", "x-demo-token"],
        expose_headers=["x-request-id"],
        allow_credentials=True,
        max_age=0,  # no preflight caching: every click shows the whole exchange
        debug=True,
    )


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _json(
    send: Send, status: int, data: object, extra: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps(data).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *extra]})
    await send({"type": "http.response.body", "body": body})


async def _call(
    app: ASGIApp, method: str, path: str, headers: Sequence[tuple[str, str]]
) -> Response:
    """Run one request through ``app`` in process; return ``(status, headers, body)``."""
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    out = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return int(start["status"]), out, body


def api_app(policy: CORSPolicy) -> ASGIApp:
    """The demo API, wrapped in :class:`adapters.asgi.CORSMiddleware` with ``policy``.

    >>> app = api_app(demo_policy("http://localhost:8080"))
    """
    counter = iter(range(1, 1 << 62))

    async def api(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        request_id = [(b"x-request-id", str(next(counter)).encode())]
        if path == "/api/explain" and method == "GET":
            await _json(send, 200, await _explain(scope))
        elif path == "/api/items" and method in ("GET", "HEAD"):
            await _json(send, 200, [{"id": 1, "name": "first"}], request_id)
        elif path == "/api/items" and method == "POST":
            await _json(send, 201, {"created": json.loads(await _read_body(receive) or b"{}")})
        elif path == "/api/items/1" and method in ("PUT", "DELETE"):
            token = dict(scope["headers"]).get(b"x-demo-token", b"").decode("latin-1")
            await _json(send, 200, {"method": method, "x-demo-token": token}, request_id)
        elif path == "/api/me" and method == "GET":
            cookie = dict(scope["headers"]).get(b"cookie")
            await _json(send, 200, {"user": "demo", "cookie_sent": cookie is not None})
        else:
            await _json(send, 404, {"error": f"no route for {method} {path}"})

    wrapped = CORSMiddleware(api, policy=policy)

    async def _explain(scope: Scope) -> dict[str, Any]:
        """Replay a page's request through the middleware and judge it like a browser."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        name = query.get("scenario", [""])[0]
        if name not in SCENARIOS:
            return {"error": f"unknown scenario {name!r}"}
        origin = dict(scope["headers"]).get(b"origin", b"").decode("latin-1")
        method, path, headers, credentials, _ = SCENARIOS[name]

        async def send_to_api(m: str, h: Sequence[tuple[str, str]]) -> Response:
            return await _call(wrapped, m, path, h)

        trip = await simulate_async(
            send_to_api, origin=origin, method=method, headers=headers, credentials=credentials
        )
        answer = trip.preflight if trip.actual is None else trip.actual
        seen = {k.lower(): v for k, v in answer.response_headers} if answer else {}
        return {
            "allowed": trip.verdict.allowed,
            "browser": {"code": trip.verdict.code, "message": trip.verdict.message},
            "server_reason": seen.get("x-cors-reason", ""),
            "steps": list(trip.steps),
        }

    return wrapped


def page_app(api_url: str, page_origin: str) -> ASGIApp:
    """The front-end: serves the demo page at ``/`` (no CORS: it is same-origin content)."""
    template = resources.files("adapters").joinpath("demo_page.html").read_text("utf-8")
    page = (
        template.replace("{{API_URL}}", api_url)
        .replace("{{PAGE_ORIGIN}}", page_origin)
        .replace("{{SCENARIOS}}", json.dumps(SCENARIOS))
        .encode("utf-8")
    )

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] in ("/", "/index.html"):
            status, body, kind = 200, page, b"text/html; charset=utf-8"
        else:
            status, body, kind = 404, b"not found\n", b"text/plain; charset=utf-8"
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cors-core demo",
        description="Run an API behind the CORS middleware and a page on another origin.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface for both servers")
    parser.add_argument("--api-port", type=int, default=8000, help="API port (default 8000)")
    parser.add_argument("--page-port", type=int, default=8080, help="page port (default 8080)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    return parser


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _run(server: Any) -> None:
    """Run one uvicorn server; a failed start (it calls ``sys.exit``) just ends the thread."""
    with contextlib.suppress(SystemExit):
        server.run()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the demo until Ctrl-C (SIGINT) or SIGTERM; return the exit status.

    0 after a clean stop, 1 when a server cannot start (port in use), 2 for bad
    arguments or when uvicorn is missing (the message names ``cors-core[demo]``).

    >>> main(["--api-port", "9000", "--page-port", "9001"])  # doctest: +SKIP
    0
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        import uvicorn
    except ImportError:
        print(_INSTALL_HINT, file=sys.stderr)
        return 2
    if args.api_port == args.page_port:
        print("cors-core demo: --api-port and --page-port must differ", file=sys.stderr)
        return 2
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    page_origin = f"http://{'localhost' if loopback else args.host}:{args.page_port}"
    api_host = f"[{args.host}]" if ":" in args.host else args.host
    api_url = f"http://{api_host}:{args.api_port}"
    policy = demo_policy(page_origin)
    if not args.quiet:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("  server: %(message)s"))
        log = logging.getLogger("cors_core")
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
    servers = [
        uvicorn.Server(
            uvicorn.Config(
                app,
                host=args.host,
                port=port,
                lifespan="off",
                log_level="warning",
                access_log=False,
            )
        )
        for app, port in (
            (api_app(policy), args.api_port),
            (page_app(api_url, page_origin), args.page_port),
        )
    ]
    # Servers run in threads (uvicorn then leaves signals alone); the main thread owns
    # Ctrl-C and stops both.
    threads = [threading.Thread(target=_run, args=(s,), daemon=True) for s in servers]
    in_main = threading.current_thread() is threading.main_thread()
    saved = {sig: signal.getsignal(sig) for sig in _SIGNALS} if in_main else {}
    if in_main:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 15
        while not all(s.started for s in servers):
            if any(not t.is_alive() for t in threads) or time.monotonic() > deadline:
                print(
                    f"cors-core demo: could not start on {args.host} ports {args.api_port} "
                    f"and {args.page_port} (in use?)",
                    file=sys.stderr,
                )
                return 1
            time.sleep(0.05)
        print(f"API  (behind CORSMiddleware): {api_url}", flush=True)
        print(f"Page (origin {page_origin}):  {page_origin}/", flush=True)
        print("Open the page and press the buttons. Ctrl-C stops both servers.", flush=True)
        while all(t.is_alive() for t in threads):
            threads[0].join(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        for sig in saved:  # a second Ctrl-C must not interrupt the shutdown
            signal.signal(sig, signal.SIG_IGN)
        for server in servers:
            server.should_exit = True
        for thread in threads:
            if thread.is_alive():
                thread.join(10)
        for sig, previous in saved.items():
            signal.signal(sig, previous)
    print("cors-core demo: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
