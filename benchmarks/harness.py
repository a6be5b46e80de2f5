"""Timing machinery: interleaved rounds, medians of per-request overhead.

Every contestant of a comparison (the bare app, ours, the peer) is a function
``run(n) -> nanoseconds`` that performs ``n`` requests. One round runs a short
batch of each contestant in turn, rotating the order, so slow phases of a noisy,
shared machine hit every contestant alike; the overhead of a wrapped app is the
median over rounds of ``(wrapped - bare)`` measured in the same round.
"""

from __future__ import annotations

import contextlib
import gc
import statistics
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Runner = Callable[[int], int]
Scope = dict[str, Any]
Message = dict[str, Any]


@dataclass
class Measured:
    """Medians (µs per request) of one comparison; ``overhead`` is wrapped minus bare."""

    per_request: dict[str, float]
    overhead: dict[str, float]
    rounds: int
    batch: int
    spread: dict[str, float] = field(default_factory=dict)


def measure(
    runners: Mapping[str, Runner],
    *,
    rounds: int,
    batch: int,
    bare: str | None = "bare",
    seconds: float = 6.0,
) -> Measured:
    """Interleave up to ``rounds`` batches of every runner; return medians in µs per request.

    Each runner's batch is at most ``batch`` calls and about 1 ms long (slow peers run
    fewer calls per batch), and the number of rounds is cut so that one measurement
    takes about ``seconds`` at most (never fewer than 15 rounds).
    """
    names = list(runners)
    sizes: dict[str, int] = {}
    for name, run in runners.items():  # warm-up, and calibration of the batch size
        n = max(1, batch // 4)
        per_call = max(run(n) / n, 1.0)
        sizes[name] = max(1, min(batch, int(1_000_000 / per_call)))
        sizes[name] = max(1, min(sizes[name], batch))
        per_call = max(run(sizes[name]) / sizes[name], 1.0)
        sizes[name] = max(1, min(batch, int(1_000_000 / per_call)))
    round_ns = sum(sizes[n] * runners[n](1) for n in names) or 1
    rounds = max(15, min(rounds, int(seconds * 1e9 / round_ns)))
    samples: dict[str, list[float]] = {n: [] for n in names}
    diffs: dict[str, list[float]] = {n: [] for n in names if n != bare}
    gc_was = gc.isenabled()
    try:
        for r in range(rounds):
            order = names[r % len(names) :] + names[: r % len(names)]
            this: dict[str, float] = {}
            gc.collect()
            gc.disable()
            for name in order:
                this[name] = runners[name](sizes[name]) / sizes[name] / 1000.0
            gc.enable()
            for name in names:
                samples[name].append(this[name])
                if bare is not None and name != bare:
                    diffs[name].append(this[name] - this[bare])
    finally:
        if gc_was:
            gc.enable()
    per = {n: statistics.median(v) for n, v in samples.items()}
    over = {n: statistics.median(v) for n, v in diffs.items()} if bare is not None else {}
    spread = {n: _iqr(v) for n, v in diffs.items()} if bare is not None else {}
    return Measured(per, over, rounds, max(sizes.values()), spread)


def _iqr(values: list[float]) -> float:
    if len(values) < 4:
        return 0.0
    q = statistics.quantiles(values, n=4)
    return q[2] - q[0]


# -- ASGI ------------------------------------------------------------------------------


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _discard(message: Message) -> None:
    return None


def asgi_runner(app: Any, scope: Scope) -> Runner:
    """Call an ASGI app ``n`` times on ``scope``, driving the coroutine by hand (no loop).

    Works because nothing in these apps really suspends: ``receive``/``send`` return at once.
    """
    perf = time.perf_counter_ns

    def run(n: int) -> int:
        t0 = perf()
        for _ in range(n):
            coro = app(scope, _receive, _discard)
            try:  # noqa: SIM105 (contextlib.suppress would be timed too)
                coro.send(None)
            except StopIteration:
                pass
        return perf() - t0

    return run


def asgi_call(app: Any, scope: Scope) -> tuple[int, list[tuple[bytes, bytes]]]:
    """One request through an ASGI app: its status and response headers."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    coro = app(scope, _receive, send)
    with contextlib.suppress(StopIteration):
        coro.send(None)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], [(bytes(k), bytes(v)) for k, v in start.get("headers", [])]


def asgi_scope(method: str, headers: Iterable[tuple[str, str]], path: str = "/api/items") -> Scope:
    """A scope like uvicorn's, with a browser's usual headers plus ``headers``."""
    base = [
        ("host", "api.example.com"),
        ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36"),
        ("accept", "*/*"),
        ("accept-encoding", "gzip, deflate, br"),
        ("accept-language", "en-US,en;q=0.9"),
        ("connection", "keep-alive"),
        ("sec-fetch-mode", "cors"),
        ("sec-fetch-site", "cross-site"),
    ]
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (*base, *headers)]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


# -- WSGI ------------------------------------------------------------------------------


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return _write


def _write(data: bytes) -> None:
    return None


def wsgi_runner(app: Any, environ: dict[str, Any]) -> Runner:
    """Call a WSGI app ``n`` times on a fresh copy of ``environ``, consuming and closing."""
    perf = time.perf_counter_ns

    def run(n: int) -> int:
        t0 = perf()
        for _ in range(n):
            it = app(environ.copy(), _start_response)
            for _chunk in it:
                pass
            close = getattr(it, "close", None)
            if close is not None:
                close()
        return perf() - t0

    return run


def wsgi_call(app: Any, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]]]:
    """One request through a WSGI app: its status code and response headers."""
    got: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        got.append((int(status.split()[0]), list(headers)))
        return _write

    it = app(environ.copy(), start_response)
    b"".join(it)
    close = getattr(it, "close", None)
    if close is not None:
        close()
    status: int = got[-1][0]
    headers: list[tuple[str, str]] = got[-1][1]
    return status, headers


def wsgi_environ(
    method: str, headers: Iterable[tuple[str, str]], path: str = "/api/items"
) -> dict[str, Any]:
    """An environ like waitress's, with a browser's usual headers plus ``headers``."""
    import io

    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "api.example.com",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "api.example.com",
        "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36",
        "HTTP_ACCEPT": "*/*",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
        "HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9",
        "HTTP_CONNECTION": "keep-alive",
        "HTTP_SEC_FETCH_MODE": "cors",
        "HTTP_SEC_FETCH_SITE": "cross-site",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers:
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env
