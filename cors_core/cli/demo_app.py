"""``cors-core demo``: an API behind the middleware and a front-end page on another origin.

Run ``uv run --no-dev --extra demo cors-core demo`` from a clone (it installs only the
engine and uvicorn), or ``python -m cors_core.cli.demo_app``; open the printed page URL and press
the buttons: each makes one ``fetch()`` from the page's origin to the API and shows
whether the browser allowed or blocked it, with the server's reason. Ctrl-C stops both
servers. The terminal logs each rejected request once.

Options: ``--host`` (``127.0.0.1``; both servers listen there), ``--api-port`` (8000),
``--page-port`` (8080), ``--quiet`` (no rejection log). The page's origin is
``http://localhost:<page-port>``; the API is ``http://<host>:<api-port>``. When a port
is taken, the demo names the option that picks another and exits with status 1.

Stable element ids on the page (for browser tests)::

    #api-url, #page-origin           the two URLs, as text
    #btn-run-all                     "Run all": runs every scenario in turn
    #btn-<scenario>                  one button per scenario, labelled as in LABELS
    #result-<scenario>               its result: empty before, "pending..." while running,
                                     then text starting with "allowed" or "blocked"
                                     (attribute data-outcome="allowed"|"blocked")
    #reason-<scenario>               for blocked ones: the server's reason code and message

    scenario           request                               expected
    simple-get         GET /api/items                        allowed
    json-post          POST /api/items, Content-Type JSON    allowed (preflighted)
    put-custom-header  PUT /api/items/1 with X-Demo-Token    allowed (preflighted)
    credentialed       GET /api/me, credentials: "include"   allowed
    refused-header     GET /api/items with X-Secret          blocked (header_not_allowed)
    refused-method     DELETE /api/items/1                   blocked (method_not_allowed)

The policy has ``debug=True``, so rejected preflights carry ``X-CORS-Reason``; a page
cannot read a blocked response, so it asks ``GET /api/explain`` why (the API replays the
same request through the same middleware and judges the answer with
:mod:`cors_core.browser`). The replay is not logged: the log holds what the browser sent.

Example::

    >>> from cors_core.cli.demo_app import main
    >>> main(["--api-port", "8001", "--page-port", "8081"])  # doctest: +SKIP
    0
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import errno
import html
import json
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from importlib import resources
from types import FrameType
from typing import Any
from urllib.parse import parse_qs

from adapters.asgi import CORSMiddleware
from cors_core import CORSPolicy
from cors_core.browser import Response, simulate_async

__all__ = ["LABELS", "SCENARIOS", "api_app", "demo_policy", "main", "page_app"]

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

#: Each scenario's button label on the page (the same words as the documentation's table).
LABELS: dict[str, str] = {
    "simple-get": "simple GET",
    "json-post": "JSON POST",
    "put-custom-header": "PUT with a custom header",
    "credentialed": "credentialed request",
    "refused-header": "a header the policy refuses",
    "refused-method": "a method the policy refuses",
}

#: True while ``/api/explain`` replays a request: the replay's rejection is not logged again.
_REPLAYING: contextvars.ContextVar[bool] = contextvars.ContextVar("_REPLAYING", default=False)


def _not_a_replay(record: logging.LogRecord) -> bool:
    """Logging filter: drop what the middleware logs while ``/api/explain`` replays."""
    return not _REPLAYING.get()


_INSTALL_HINT = (
    "cors-core demo needs uvicorn, which is not installed: pip install 'cors-core[demo]' "
    "(from a clone: uv run --no-dev --extra demo cors-core demo)"
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

    Its ``GET /api/explain?scenario=NAME`` replays a scenario through the same middleware;
    what the middleware logs during that replay is filtered out of the ``"cors_core"``
    logger, so each rejection a browser meets is logged once.

    >>> app = api_app(demo_policy("http://localhost:8080"))
    """
    logging.getLogger("cors_core").addFilter(_not_a_replay)  # adding it twice is a no-op
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

        replaying = _REPLAYING.set(True)
        try:
            trip = await simulate_async(
                send_to_api, origin=origin, method=method, headers=headers, credentials=credentials
            )
        finally:
            _REPLAYING.reset(replaying)
        answer = trip.preflight if trip.actual is None else trip.actual
        seen = {k.lower(): v for k, v in answer.response_headers} if answer else {}
        return {
            "allowed": trip.verdict.allowed,
            "browser": {"code": trip.verdict.code, "message": trip.verdict.message},
            "server_reason": seen.get("x-cors-reason", ""),
            "steps": list(trip.steps),
        }

    return wrapped


def _describe(name: str) -> str:
    """The request a scenario makes, as the page shows it under its button.

    >>> _describe("credentialed")
    'GET /api/me (credentials: "include")'
    """
    method, path, headers, credentials, _ = SCENARIOS[name]
    extra = [f"{k}: {v}" for k, v in headers.items()]
    if credentials:
        extra.append('credentials: "include"')
    return f"{method} {path}" + (f" ({', '.join(extra)})" if extra else "")


def _rows() -> str:
    """One table row per scenario: its labelled button, its request, what to expect."""
    rows = []
    for name in SCENARIOS:
        n, label = html.escape(name), html.escape(LABELS[name])
        rows.append(
            f'<tr><td><button id="btn-{n}" data-scenario="{n}">{label}</button><br>'
            f"<code>{html.escape(_describe(name))}</code></td>"
            f"<td>{html.escape(SCENARIOS[name][4])}</td>"
            f'<td><div class="result" id="result-{n}"></div>'
            f'<div class="reason" id="reason-{n}"></div></td></tr>'
        )
    return "\n".join(rows)


def page_app(api_url: str, page_origin: str) -> ASGIApp:
    """The front-end: serves the demo page at ``/`` (no CORS: it is same-origin content).

    The page's buttons are in its HTML, labelled with :data:`LABELS`.

    >>> app = page_app("http://127.0.0.1:8000", "http://localhost:8080")
    """
    template = resources.files("cors_core.cli").joinpath("demo_page.html").read_text("utf-8")
    page = (
        template.replace("{{API_URL}}", api_url)
        .replace("{{PAGE_ORIGIN}}", page_origin)
        .replace("{{ROWS}}", _rows())
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


def _port(text: str) -> int:
    """``argparse`` type of ``--api-port`` and ``--page-port``: a TCP port, 1 to 65535.

    >>> _port("8000")
    8000
    """
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (use 1 to 65535)")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cors-core demo",
        description="Run an API behind the CORS middleware and a page on another origin.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface for both servers")
    parser.add_argument("--api-port", type=_port, default=8000, help="API port (default 8000)")
    parser.add_argument("--page-port", type=_port, default=8080, help="page port (default 8080)")
    parser.add_argument("--quiet", action="store_true", help="do not log rejected requests")
    return parser


def _listen(host: str, port: int) -> list[socket.socket]:
    """Sockets listening on ``host:port``, one per address of ``host``, as uvicorn binds them.

    Raises ``OSError`` (after closing any it opened) when one cannot be bound.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(128)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _free_port_after(host: str, port: int, avoid: set[int]) -> int | None:
    """The first port above ``port`` (within 100, not in ``avoid``) free on ``host`` now."""
    for candidate in range(port + 1, min(port + 100, 65535) + 1):
        if candidate in avoid:
            continue
        try:
            for sock in _listen(host, candidate):
                sock.close()
        except OSError:
            continue
        return candidate
    return None


def _listen_all(host: str, ports: dict[str, int]) -> list[list[socket.socket]] | int:
    """Listen on each ``option -> port``; or print why not and return the exit status.

    A port in use is reported with the option that picks another and a port free now
    (exit 1); a host that is not an address of this machine, once (exit 2).
    """
    sockets: dict[str, list[socket.socket]] = {}
    failures: list[str] = []
    suggested = set(ports.values())
    for option, port in ports.items():
        role = "the API" if option == "--api-port" else "the page"
        try:
            sockets[option] = _listen(host, port)
        except OSError as exc:
            if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
                _close(sockets.values())
                print(
                    f"cors-core demo: cannot listen on --host {host!r} ({exc.strerror}); "
                    "give an address of this machine, e.g. --host 127.0.0.1",
                    file=sys.stderr,
                )
                return 2
            if exc.errno == errno.EADDRINUSE:
                problem = f"port {port} ({role}) is in use on {host}"
            else:
                problem = f"cannot listen on {host} port {port} for {role} ({exc.strerror})"
            other = _free_port_after(host, port, suggested)
            if other is None:
                failures.append(f"cors-core demo: {problem}; pick another with {option} PORT")
            else:
                suggested.add(other)
                failures.append(
                    f"cors-core demo: {problem}; pick another with {option}, e.g. {option} {other}"
                )
    if failures:
        _close(sockets.values())
        print("\n".join(failures), file=sys.stderr)
        return 1
    return list(sockets.values())


def _close(groups: Iterable[list[socket.socket]]) -> None:
    for group in groups:
        for sock in group:
            sock.close()


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _run(server: Any, sockets: list[socket.socket]) -> None:
    """Run one uvicorn server on ``sockets``; a failed start (``sys.exit``) ends the thread."""
    with contextlib.suppress(SystemExit):
        server.run(sockets=sockets)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _log_rejections() -> Callable[[], None]:
    """Print each rejection the ``"cors_core"`` logger records, once; return the undo.

    The records go to standard output only: they do not also reach handlers on the root
    logger, which would print them a second time.
    """
    log = logging.getLogger("cors_core")
    level, propagate = log.level, log.propagate
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("  server: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False

    def undo() -> None:
        log.removeHandler(handler)
        log.setLevel(level)
        log.propagate = propagate

    return undo


def main(argv: list[str] | None = None) -> int:
    """Run the demo until Ctrl-C (SIGINT) or SIGTERM; return the exit status.

    0 after a clean stop; 1 when a port is in use (the message names the option that
    picks another, and a port free now); 2 for bad arguments, a ``--host`` that is not
    an address of this machine, or when uvicorn is missing (the message names
    ``cors-core[demo]``).

    >>> main(["--api-port", "9000", "--page-port", "9000"])
    2
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
    url_host = f"[{args.host}]" if ":" in args.host else args.host
    page_origin = f"http://{'localhost' if loopback else url_host}:{args.page_port}"
    api_url = f"http://{url_host}:{args.api_port}"
    sockets = _listen_all(args.host, {"--api-port": args.api_port, "--page-port": args.page_port})
    if isinstance(sockets, int):
        return sockets
    try:
        policy = demo_policy(page_origin)
    except BaseException:
        _close(sockets)
        raise
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
    threads = [
        threading.Thread(target=_run, args=(server, group), daemon=True)
        for server, group in zip(servers, sockets, strict=True)
    ]
    in_main = threading.current_thread() is threading.main_thread()
    saved = {sig: signal.getsignal(sig) for sig in _SIGNALS} if in_main else {}
    if in_main:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    stop_logging = None if args.quiet else _log_rejections()
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 15
        while not all(s.started for s in servers):
            if any(not t.is_alive() for t in threads) or time.monotonic() > deadline:
                print(
                    f"cors-core demo: the servers did not start on {args.host} ports "
                    f"{args.api_port} and {args.page_port}",
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
        _close(sockets)
        if stop_logging is not None:
            stop_logging()
        for sig, previous in saved.items():
            signal.signal(sig, previous)
    print("cors-core demo: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
