"""Adversarial requests: what an attacker's request costs ours and starlette's CORSMiddleware.

``uv run python -m benchmarks adversarial [--quick] [--out PATH]``
(also ``uv run python -m benchmarks.adversarial``).

Every row is one attack, run through our ASGI middleware and starlette's around the same
bare app (:func:`benchmarks.suites.bare_asgi`), in the same process and interleaved round
by round with an *ordinary denied request* (a GET whose well-formed, disallowed ``Origin``
is the same every time) sent to our middleware built with the same policy. The middlewares
are called directly as ASGI callables (a scope dict, a ``receive`` giving an empty body, a
``send`` that collects or discards), driven the way :mod:`benchmarks.harness` does: nothing
in them really awaits, so each request's coroutine runs to completion on one ``send(None)``
(no event-loop cost is timed; a middleware that did suspend is reported as an error).

Columns, per attack:

- µs per request (the whole request, bare app included) for ours and starlette's: the
  median over rounds; inputs are built before each timed batch, with the GC off inside it;
- ours / starlette, and ours / ordinary denied request: medians of the per-round ratios
  (paired, so a slow phase of a shared machine hits both sides);
- the time target: ours within :data:`TIME_TARGET` x the ordinary denied request;
- retained memory: traced memory still held after :data:`MEMORY_REQUESTS` such requests with
  fresh values (tracemalloc snapshots after building the middleware and after the requests,
  ``gc.collect()`` before each), for ours and starlette's; target under :data:`MEMORY_TARGET_MB`.

"Fresh" values change on every request (a counter), so no cache can hit; ours and
starlette's see the same sequence of values. Rows 7a-7f sit at the edge of each bound the
engine applies (the longest value it still reads, never one refused by its length):
starlette has no header patterns (it gets ``allow_headers=["*"]`` there) nor path rules
(it gets the same policy for every path). Row 7p is no attack but the reference for the
preflight rows: the cheapest answered preflight no cache can hold (one fresh allowed name),
whose own ratio to the ordinary denied request shows what answering any fresh preflight
costs before the list's length adds to it. The catastrophic-regex row is timed in a forked
child that is killed after the cap (a backtracking regex cannot be interrupted in-process).
The report is printed as Markdown and written to ``benchmarks/results/adversarial.md``; the
process exits 0 whatever the numbers (PASS/FAIL is a report, not a test).
"""

from __future__ import annotations

import argparse
import functools
import gc
import multiprocessing
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import scenarios as sc
from benchmarks.harness import Message, Scope, asgi_call, asgi_scope
from benchmarks.suites import bare_asgi
from benchmarks.suites import starlette_asgi as starlette
from cors_core._headers import MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LENGTH
from cors_core._origins import MAX_ORIGIN_LENGTH
from cors_core._paths import MAX_PATH_LENGTH
from cors_core._request import MAX_METHOD_LENGTH

App = Any
Runner = Callable[[int], int]
Row = dict[str, Any]

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_OUT = RESULTS / "adversarial.md"

#: Ours must answer an attack within this many times an ordinary denied request.
TIME_TARGET = 2.0
#: Ours must retain less than this after the attack's requests (MB = 2**20 bytes).
MEMORY_TARGET_MB = 16.0
#: Requests per attack kind for the retained-memory measurement.
MEMORY_REQUESTS = 10_000
MB = 1 << 20

#: A valid, allowed origin in every policy below that lists exact origins.
ALLOWED = sc.ALLOWED
#: The ordinary denied request's origin: well formed, disallowed by every policy below.
DENIED = sc.DENIED
SUBDOMAIN_PATTERN = "https://*.example.com"
#: What a starlette user writes for ``https://*.example.com`` (starlette has no patterns).
SUBDOMAIN_REGEX = r"https://[a-z0-9.-]+\.example\.com"
SAFE_REGEX = r"https://[a-z0-9-]+\.example\.com"
CATASTROPHIC_REGEX = r"https://(\w+-?)+\.example\.com"
ORIGIN_LINES = 50_000
ACRM_BYTES = 250 * 1024
ACRH_BYTES = 8 * 1024
LABELS = 1000
#: The edge rows' bounds: the engine's own (the longest value it still reads).
EDGE_NAMES = MAX_REQUEST_HEADER_NAMES
EDGE_HEADERS_LENGTH = MAX_REQUEST_HEADERS_LENGTH
EDGE_METHOD_LENGTH = MAX_METHOD_LENGTH
EDGE_ORIGIN_LENGTH = MAX_ORIGIN_LENGTH
PATH_BYTES = MAX_PATH_LENGTH
HEADER_PATTERN = "x-amz-*"


@dataclass(frozen=True)
class Budget:
    """How long to measure. ``seconds``: interleaved timing per attack (after ``min_rounds``)."""

    seconds: float
    min_rounds: int
    max_rounds: int
    single_rounds: int  # the 50 000-line request: timed this many times
    memory_requests: int
    memory_seconds: float  # cap per middleware per attack (rows say how many were sent)
    regex_cap: float  # the catastrophic regex: give up after this many seconds
    calibrate: bool = True  # size batches to about 2 ms (otherwise batches of 1)


FULL = Budget(
    seconds=4.0,
    min_rounds=5,
    max_rounds=400,
    single_rounds=3,
    memory_requests=MEMORY_REQUESTS,
    memory_seconds=5.0,
    regex_cap=1.0,
)
QUICK = Budget(
    seconds=0.25,
    min_rounds=3,
    max_rounds=40,
    single_rounds=1,
    memory_requests=1000,
    memory_seconds=0.5,
    regex_cap=0.3,
)
#: For the smoke test: every row, one batch of one request each.
TINY = Budget(
    seconds=0.0,
    min_rounds=1,
    max_rounds=1,
    single_rounds=1,
    memory_requests=10,
    memory_seconds=0.1,
    regex_cap=0.2,
    calibrate=False,
)


# -- the middlewares ------------------------------------------------------------------


def ours(allow: list[str], **extra: Any) -> App:
    """Our ASGI middleware around the bare app (the shared benchmark policy, ``allow`` origins)."""
    from adapters.asgi import CORSMiddleware

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CORSMiddleware(bare_asgi, **sc.ours_options(allow, **extra))


def ours_rules(allow: list[str]) -> App:
    """Ours with per-path rules: ``/api/*`` and the default use the shared policy."""
    from adapters.asgi import CORSMiddleware
    from cors_core import CORSPolicy, PathRules

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        policy = CORSPolicy(**sc.ours_options(allow))
    rules = PathRules({"/api/*": policy, "/api/internal/*": None}, default=policy)
    return CORSMiddleware(bare_asgi, policy=rules)


def starlette_headers(allow: list[str], headers: list[str]) -> App:
    """starlette's CORSMiddleware around the bare app, the shared policy but ``headers``."""
    from starlette.middleware.cors import CORSMiddleware

    return CORSMiddleware(
        bare_asgi,
        allow_origins=allow,
        allow_methods=sc.METHODS,
        allow_headers=headers,
        expose_headers=sc.EXPOSE,
        allow_credentials=True,
        max_age=sc.MAX_AGE,
    )


def ours_policy_error(allow: list[str], **extra: Any) -> BaseException | None:
    """The exception our policy raises at construction for these options, if any."""
    from cors_core import CORSPolicy

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            CORSPolicy(**sc.ours_options(allow, **extra))
    except Exception as exc:  # ConfigError expected; anything else is reported as is
        return exc
    return None


# -- requests -------------------------------------------------------------------------

_BASE = asgi_scope("GET", ())
_BASE_HEADERS: list[tuple[bytes, bytes]] = _BASE["headers"]


def scope(method: str, extra: list[tuple[bytes, bytes]]) -> Scope:
    """A uvicorn-like scope: a browser's usual headers, then ``extra``."""
    s = dict(_BASE)
    s["method"] = method
    s["headers"] = [*_BASE_HEADERS, *extra]
    s["state"] = {}
    return s


def fresh_origin(i: int) -> bytes:
    """A never-seen, well-formed origin (request number ``i``)."""
    return b"https://x%d.attacker.example" % i


def denied_get(i: int) -> Scope:
    """The ordinary denied request: the same disallowed origin every time."""
    return _DENIED_SCOPE


_DENIED_SCOPE = scope("GET", [(b"origin", DENIED.encode())])


def fresh_origin_get(i: int) -> Scope:
    return scope("GET", [(b"origin", fresh_origin(i))])


def _origin_lines() -> list[tuple[bytes, bytes]]:
    return [(b"origin", ALLOWED.encode())] * ORIGIN_LINES


def origin_lines_get() -> Callable[[int], Scope]:
    """One request with 50 000 ``Origin`` lines (the allowed origin), the same every time."""
    one = scope("GET", _origin_lines())
    return lambda i: one


def origin_lines_fresh(i: int) -> Scope:
    """The same, its last line a fresh origin (for the memory run)."""
    s = scope("GET", _origin_lines())
    s["headers"][-1] = (b"origin", fresh_origin(i))
    return s


def acrm_preflight(i: int) -> Scope:
    """A preflight from the allowed origin asking for a fresh 250 KB method token."""
    method = b"P" * (ACRM_BYTES - 12) + b"%012d" % i
    return scope(
        "OPTIONS", [(b"origin", ALLOWED.encode()), (b"access-control-request-method", method)]
    )


def _acrh_items() -> tuple[list[str], bytes]:
    """The first 24 names (their case encodes the request number) and the fixed rest."""
    items: list[str] = []
    size = -1
    while True:
        name = "content-type" if len(items) % 2 == 0 else "authorization"
        if size + 1 + len(name) > ACRH_BYTES:
            break
        items.append(name)
        size += 1 + len(name)
    tail = ("," + ",".join(items[24:]) + " " * (ACRH_BYTES - size)).encode()
    return items[:24], tail


_ACRH_HEAD, _ACRH_TAIL = _acrh_items()


def acrh_value(i: int) -> bytes:
    """An 8 KB request-header list of allowed names; fresh by the case of its first 24 items."""
    head = ",".join(n.capitalize() if (i >> j) & 1 else n for j, n in enumerate(_ACRH_HEAD))
    return head.encode() + _ACRH_TAIL


def acrh_preflight(i: int) -> Scope:
    return scope(
        "OPTIONS",
        [
            (b"origin", ALLOWED.encode()),
            (b"access-control-request-method", b"PUT"),
            (b"access-control-request-headers", acrh_value(i)),
        ],
    )


def labels_origin(i: int) -> bytes:
    """``https://`` + 1000 one-letter labels + ``.example.com`` (about 2 KB); the first
    eight labels spell ``i`` in base 26, so every request's origin is new."""
    letters = []
    for _ in range(8):
        i, digit = divmod(i, 26)
        letters.append(bytes([97 + digit]))
    return b"https://" + b".".join(letters) + _LABELS_TAIL


_LABELS_TAIL = b".a" * (LABELS - 8) + b".example.com"


def labels_get(i: int) -> Scope:
    return scope("GET", [(b"origin", labels_origin(i))])


def _long_host(first: bytes) -> bytes:
    """``first`` then three more labels and ``.example.comx``: a 245-character host that any
    origin parser accepts (labels of at most 63 characters) and ``.example.com`` misses."""
    return first + b"." + b"b" * 63 + b"." + b"c" * 63 + b"." + b"d" * 40 + b".example.comx"


def regex_near_miss(i: int) -> bytes:
    """A 253-character origin, its first label ``[a-z0-9-]+`` (fresh), then a near miss."""
    label = (b"%x" % i + b"-a" * 32)[:63]
    return b"https://" + _long_host(label if label[-1:] != b"-" else label[:-1] + b"a")


def regex_near_miss_get(i: int) -> Scope:
    return scope("GET", [(b"origin", regex_near_miss(i))])


def backtracking_origin(i: int) -> bytes:
    """The same shape, its first label 63 word characters: ``(\\w+-?)+`` then has to try
    every way of cutting it (2**62) before ``\\.example\\.com`` fails on the next label."""
    head = b"%x" % i
    return b"https://" + _long_host(head + b"a" * (63 - len(head)))


def backtracking_get(i: int) -> Scope:
    return scope("GET", [(b"origin", backtracking_origin(i))])


# -- at each bound's edge ---------------------------------------------------------------


def _edge_widths() -> list[int]:
    """Widths of :data:`EDGE_NAMES` names that, joined by ``,``, fill the length cap exactly."""
    width, longer = divmod(EDGE_HEADERS_LENGTH - (EDGE_NAMES - 1), EDGE_NAMES)
    return [width + (j < longer) for j in range(EDGE_NAMES)]


def edge_names(stem: str, tag: str = "") -> list[str]:
    """:data:`EDGE_NAMES` lowercase names ``stem + tag + "-NNN-" + padding``, sorted,
    together exactly at the length cap once joined by ``,`` (as a browser joins them)."""
    names = []
    for j, width in enumerate(_edge_widths()):
        name = f"{stem}{tag}-{j:03d}-"
        names.append(name + "a" * (width - len(name)))
    return sorted(names)


def edge_pattern_value(i: int) -> bytes:
    """:data:`EDGE_NAMES` fresh names only :data:`HEADER_PATTERN` allows, a browser's list
    at the cap."""
    return ",".join(edge_names("x-amz-", f"{i:08x}")).encode()


LISTED = edge_names("x-list")


def edge_listed_value(i: int) -> bytes:
    """The :data:`LISTED` names at the cap, fresh by which are capitalized (``i``'s bits)."""
    names = [n.capitalize() if (i >> j) & 1 else n for j, n in enumerate(LISTED)]
    return ",".join(names).encode()


def _edge_preflight(value: Callable[[int], bytes]) -> Callable[[int], Scope]:
    def make(i: int) -> Scope:
        return scope(
            "OPTIONS",
            [
                (b"origin", ALLOWED.encode()),
                (b"access-control-request-method", b"PUT"),
                (b"access-control-request-headers", value(i)),
            ],
        )

    return make


def one_name_value(i: int) -> bytes:
    """One fresh name :data:`HEADER_PATTERN` allows: the cheapest list no cache can hold."""
    return b"x-amz-%08x" % i


def edge_method(i: int) -> bytes:
    """A fresh method token of :data:`EDGE_METHOD_LENGTH` characters (the longest read)."""
    return b"P" * (EDGE_METHOD_LENGTH - 12) + b"%012d" % i


def edge_method_preflight(i: int) -> Scope:
    return scope(
        "OPTIONS",
        [(b"origin", ALLOWED.encode()), (b"access-control-request-method", edge_method(i))],
    )


def edge_origin(i: int) -> bytes:
    """A fresh origin of :data:`EDGE_ORIGIN_LENGTH` characters ending in ``.example.com``:
    labels of at most 63 characters, so it is parsed to the end (then refused: its host is
    longer than a DNS name)."""
    head = (b"%x-" % i).ljust(63, b"a")
    labels = [head, b"b" * 63, b"c" * 63, b"d" * 63]
    fill = EDGE_ORIGIN_LENGTH - len(b"https://" + b".".join(labels) + b"..example.com")
    return b"https://" + b".".join([*labels, b"e" * fill]) + b".example.com"


def edge_origin_get(i: int) -> Scope:
    return scope("GET", [(b"origin", edge_origin(i))])


def long_path(i: int) -> str:
    """A fresh :data:`PATH_BYTES`-character path below ``/api/``, one segment."""
    tail = f"{i:012d}"
    return "/api/" + "p" * (PATH_BYTES - len("/api/") - len(tail)) + tail


def dotted_path(i: int) -> str:
    """A fresh :data:`PATH_BYTES`-character path of one-letter segments and one ``.``
    segment: what path rules normalise before matching (``.`` and ``..`` segments, ``//``)."""
    tail = f"/./{i:012d}"
    room = PATH_BYTES - len("/api/") - len(tail)
    segments = (room - 1) // 2
    return "/api/" + "a/" * segments + "b" * (room - 2 * segments) + tail


def _path_get(path: Callable[[int], str]) -> Callable[[int], Scope]:
    def make(i: int) -> Scope:
        s = scope("GET", [(b"origin", ALLOWED.encode())])
        s["path"] = p = path(i)
        s["raw_path"] = p.encode()
        return s

    return make


@dataclass(frozen=True)
class Attack:
    """One row: how to build each middleware and request number ``i``."""

    key: str
    title: str
    ours: Callable[[], App]
    starlette: Callable[[], App]
    make: Callable[[], Callable[[int], Scope]]  # built lazily: some requests are large
    fresh: Callable[[int], Scope] | None = None  # for the memory run, when ``make`` repeats
    single: bool = False  # one heavy request, timed ``single_rounds`` times
    catastrophic: bool = False  # timed in a child process, with a cap
    ours_error: Callable[[], BaseException | None] | None = None


def attacks() -> list[Attack]:
    """Every attack, in report order."""
    rows = []
    for key, n in (("1a", 1), ("1b", 1000), ("1c", 10_000)):
        allow = sc.origins(n)
        rows.append(
            Attack(
                key,
                f"never-seen origin each request, {n:,} exact origin{'s' if n > 1 else ''} allowed",
                functools.partial(ours, allow),
                functools.partial(starlette, allow),
                lambda: fresh_origin_get,
            )
        )
    one = sc.origins(1)
    rows += [
        Attack(
            "2",
            f"{ORIGIN_LINES:,} Origin lines in one request (allowed origin repeated)",
            lambda: ours(one),
            lambda: starlette(one),
            origin_lines_get,
            fresh=origin_lines_fresh,
            single=True,
        ),
        Attack(
            "3",
            "preflight, fresh 250 KB Access-Control-Request-Method",
            lambda: ours(one),
            lambda: starlette(one),
            lambda: acrm_preflight,
        ),
        Attack(
            "4",
            "preflight, fresh 8 KB Access-Control-Request-Headers (allowed names)",
            lambda: ours(one),
            lambda: starlette(one),
            lambda: acrh_preflight,
        ),
        Attack(
            "5",
            f"2 KB origin of {LABELS} one-letter labels vs {SUBDOMAIN_PATTERN}",
            lambda: ours([SUBDOMAIN_PATTERN]),
            lambda: starlette([], regex=SUBDOMAIN_REGEX),
            lambda: labels_get,
        ),
        Attack(
            "6a",
            f"253-char near-miss origins vs regex {SAFE_REGEX}",
            lambda: ours([], allow_origin_regex=SAFE_REGEX),
            lambda: starlette([], regex=SAFE_REGEX),
            lambda: regex_near_miss_get,
        ),
        Attack(
            "6b",
            f"253-char origins vs catastrophic regex {CATASTROPHIC_REGEX}",
            lambda: ours([], allow_origin_regex=CATASTROPHIC_REGEX),
            lambda: starlette([], regex=CATASTROPHIC_REGEX),
            lambda: backtracking_get,
            catastrophic=True,
            ours_error=lambda: ours_policy_error([], allow_origin_regex=CATASTROPHIC_REGEX),
        ),
        Attack(
            "7a",
            f"preflight, {EDGE_NAMES} fresh names at the {EDGE_HEADERS_LENGTH}-char cap "
            f"vs allow_headers {HEADER_PATTERN}",
            lambda: ours(one, allow_headers=[*sc.HEADERS, HEADER_PATTERN]),
            lambda: starlette_headers(one, ["*"]),
            lambda: _edge_preflight(edge_pattern_value),
        ),
        Attack(
            "7b",
            f"preflight, {EDGE_NAMES} names at the {EDGE_HEADERS_LENGTH}-char cap, all listed "
            "in allow_headers (fresh by case)",
            lambda: ours(one, allow_headers=[*sc.HEADERS, *LISTED]),
            lambda: starlette_headers(one, [*sc.HEADERS, *LISTED]),
            lambda: _edge_preflight(edge_listed_value),
        ),
        Attack(
            "7p",
            f"reference: an allowed preflight, one fresh name vs allow_headers {HEADER_PATTERN} "
            "(the least work an answered preflight no cache holds can cost)",
            lambda: ours(one, allow_headers=[*sc.HEADERS, HEADER_PATTERN]),
            lambda: starlette_headers(one, ["*"]),
            lambda: _edge_preflight(one_name_value),
        ),
        Attack(
            "7c",
            f"preflight, fresh {EDGE_METHOD_LENGTH}-char Access-Control-Request-Method",
            lambda: ours(one),
            lambda: starlette(one),
            lambda: edge_method_preflight,
        ),
        Attack(
            "7d",
            f"fresh {EDGE_ORIGIN_LENGTH}-char origin vs {SUBDOMAIN_PATTERN}",
            lambda: ours([SUBDOMAIN_PATTERN]),
            lambda: starlette([], regex=SUBDOMAIN_REGEX),
            lambda: edge_origin_get,
        ),
        Attack(
            "7e",
            f"fresh {PATH_BYTES // 1024} KB path (one segment), path rules",
            lambda: ours_rules(one),
            lambda: starlette(one),
            lambda: _path_get(long_path),
        ),
        Attack(
            "7f",
            f"fresh {PATH_BYTES // 1024} KB path of one-letter segments and a './', path rules",
            lambda: ours_rules(one),
            lambda: starlette(one),
            lambda: _path_get(dotted_path),
        ),
    ]
    return rows


# -- driving and timing ---------------------------------------------------------------


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _discard(message: Message) -> None:
    return None


class SuspendedError(RuntimeError):
    """The middleware awaited something that really suspends (not timed by this harness)."""


def drive(app: App, s: Scope) -> None:
    """One request, driven to completion without an event loop."""
    coro = app(s, _receive, _discard)
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    raise SuspendedError(f"{app!r} suspended; this harness needs apps that never really await")


def runner(app: App, make: Callable[[int], Scope]) -> Runner:
    """``run(n)``: build ``n`` fresh requests, then time them (ns); its own counter from 0."""
    count = 0
    perf = time.perf_counter_ns

    def run(n: int) -> int:
        nonlocal count
        scopes = [make(count + k) for k in range(n)]
        count += n
        t0 = perf()
        for s in scopes:
            coro = app(s, _receive, _discard)
            try:
                coro.send(None)
            except StopIteration:
                pass
            else:
                coro.close()
                raise SuspendedError(f"{app!r} suspended")
        return perf() - t0

    return run


def interleave(
    runners: dict[str, Runner], b: Budget, *, single: bool = False
) -> dict[str, list[float]]:
    """Rounds of one batch per runner, order rotated, GC off in the round; µs per request.

    Batches are sized to about 2 ms from warm-up calls (one call for a request over
    5 ms); rounds go on until ``b.seconds`` have passed and ``min_rounds`` are done, at most
    ``b.max_rounds`` (``b.single_rounds`` for a ``single`` heavy request).
    """
    sizes: dict[str, int] = {}
    for name, run in runners.items():
        if not b.calibrate:
            sizes[name] = 1
            continue
        ns = run(1)  # also the warm-up
        if ns < 5_000_000:
            ns = run(8) // 8
        sizes[name] = max(1, min(200, int(2_000_000 / max(ns, 1))))
    names = list(runners)
    samples: dict[str, list[float]] = {n: [] for n in names}
    rounds = b.single_rounds if single else b.max_rounds
    least = min(rounds, b.min_rounds)
    end = time.perf_counter() + b.seconds
    gc_was = gc.isenabled()
    try:
        for r in range(rounds):
            if r >= least and time.perf_counter() > end:
                break
            order = names[r % len(names) :] + names[: r % len(names)]
            gc.collect()
            gc.disable()
            for name in order:
                samples[name].append(runners[name](sizes[name]) / sizes[name] / 1000.0)
            gc.enable()
    finally:
        if gc_was:
            gc.enable()
    return samples


def paired_ratio(a: list[float], b: list[float]) -> float | None:
    """Median of the per-round ratios ``a / b``."""
    ratios = [x / y for x, y in zip(a, b, strict=True) if y > 0]
    return statistics.median(ratios) if ratios else None


# -- memory ---------------------------------------------------------------------------


@dataclass
class Retained:
    """Memory held after ``requests`` requests; ``top``: the largest growing allocation site;
    ``peak_mb``: the most traced during the requests, above what was held before them."""

    mb: float
    requests: int
    top: str
    peak_mb: float = 0.0


def retained(factory: Callable[[], App], make: Callable[[int], Scope], b: Budget) -> Retained:
    """Traced memory the middleware still holds after ``b.memory_requests`` fresh requests."""
    gc.collect()
    tracemalloc.start(1)
    try:
        app = factory()
        drive(app, _DENIED_SCOPE)  # first-call state (lazy imports, re's cache) is not counted
        gc.collect()
        before = tracemalloc.take_snapshot()
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        end = time.perf_counter() + b.memory_seconds
        done = 0
        for i in range(b.memory_requests):
            drive(app, make(i))
            done += 1
            if time.perf_counter() > end:
                break
        peak = tracemalloc.get_traced_memory()[1] - start
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    del app
    skip = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(skip).compare_to(before.filter_traces(skip), "lineno")
    total = sum(s.size_diff for s in stats)
    top = ""
    if stats:
        biggest = max(stats, key=lambda s: s.size_diff)
        if biggest.size_diff > 0:
            frame = biggest.traceback[0]
            top = f"{_short(frame.filename)}:{frame.lineno} ({biggest.size_diff / MB:.2f} MB)"
    return Retained(total / MB, done, top, peak / MB)


def _short(path: str) -> str:
    for marker in ("site-packages/", "/work/main/"):
        if marker in path:
            return path.split(marker, 1)[1]
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return path.removeprefix(root)


# -- the catastrophic regex: a child process, killed at the cap ------------------------


def _child(conn: Any, factory: Callable[[], App], make: Callable[[int], Scope], n: int) -> None:
    app = factory()
    for i in range(n):
        s = make(i)
        t0 = time.perf_counter_ns()
        drive(app, s)
        conn.send((time.perf_counter_ns() - t0) / 1000.0)
    conn.close()


def capped(
    factory: Callable[[], App], make: Callable[[int], Scope], cap: float, n: int = 5
) -> list[float]:
    """µs of up to ``n`` requests, in a forked child given ``cap`` seconds in all."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, factory, make, n), daemon=True)
    child.start()
    send.close()
    times: list[float] = []
    end = time.perf_counter() + cap
    try:
        while len(times) < n:
            left = end - time.perf_counter()
            if left <= 0 or not recv.poll(left):
                break
            try:
                times.append(recv.recv())
            except EOFError:
                break
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        recv.close()
    return times


# -- rows -----------------------------------------------------------------------------


def answer(app: App, s: Scope, key: str = "", check: bool = False) -> tuple[str, str | None]:
    """The status and whether ``Access-Control-Allow-Origin`` was sent (and how long it is);
    with ``check``, a note when the ACAO is not the request's single, unchanged ``Origin``."""
    status, headers = asgi_call(app, s)
    acao = [v for k, v in headers if k.lower() == b"access-control-allow-origin"]
    if not acao:
        return str(status), None
    value = acao[0]
    shown = "ACAO" if len(value) <= 64 else f"ACAO {len(value):,} B"
    text = f"{status}+{shown}" + (f" x{len(acao)}" if len(acao) > 1 else "")
    origins = [v for k, v in s["headers"] if k == b"origin"]
    odd = None
    if check and (len(acao) > 1 or len(origins) != 1 or value != origins[0]):
        odd = f"row {key}: ours sent Access-Control-Allow-Origin {value[:60]!r} (status {status})"
    return text, odd


def baseline_row(b: Budget) -> Row:
    """Row 0: the ordinary denied request itself (ours, starlette's and the bare app)."""
    allow = sc.origins(1)
    apps = {"ours": ours(allow), "starlette": starlette(allow), "bare": bare_asgi}
    samples = interleave({n: runner(a, denied_get) for n, a in apps.items()}, b)
    row = _timed_row("0", "ordinary denied GET (same disallowed Origin each time)", samples)
    row["ratio_base"] = 1.0
    row["time_ok"] = None
    row["bare_us"] = statistics.median(samples["bare"])
    row["answers"] = (
        f"{answer(apps['ours'], _DENIED_SCOPE)[0]} / {answer(apps['starlette'], _DENIED_SCOPE)[0]}"
    )
    row["ours_mem"] = retained(lambda: ours(allow), denied_get, b)
    row["star_mem"] = retained(lambda: starlette(allow), denied_get, b)
    return row


def _timed_row(key: str, title: str, samples: dict[str, list[float]]) -> Row:
    ours_us = statistics.median(samples["ours"])
    star_us = statistics.median(samples["starlette"])
    return {
        "key": key,
        "attack": title,
        "ours_us": ours_us,
        "ours_text": None,
        "star_us": star_us,
        "star_text": None,
        "ratio_star": paired_ratio(samples["ours"], samples["starlette"]),
        "ratio_base": None,
        "time_ok": None,
        "rounds": len(samples["ours"]),
        "notes": [],
    }


def attack_row(a: Attack, b: Budget, base_us: float) -> Row:
    """Time one attack (interleaved with the ordinary denied request) and its retained memory."""
    if a.catastrophic:
        return _catastrophic_row(a, b, base_us)
    make = a.make()
    apps = {"ours": a.ours(), "starlette": a.starlette(), "denied": a.ours()}
    probe = make(999_999_999)
    ours_answer, odd = answer(apps["ours"], probe, a.key, check=True)
    row_answers = f"{ours_answer} / {answer(apps['starlette'], probe)[0]}"
    runners = {
        "ours": runner(apps["ours"], make),
        "starlette": runner(apps["starlette"], make),
        "denied": runner(apps["denied"], denied_get),
    }
    samples = interleave(runners, b, single=a.single)
    del apps, runners, probe
    row = _timed_row(a.key, a.title, samples)
    row["ratio_base"] = paired_ratio(samples["ours"], samples["denied"])
    row["base_us"] = statistics.median(samples["denied"])
    row["time_ok"] = row["ratio_base"] is not None and row["ratio_base"] <= TIME_TARGET
    row["answers"] = row_answers
    if odd:
        row["notes"].append(odd)
    fresh = a.fresh or make
    row["ours_mem"] = retained(a.ours, fresh, b)
    row["star_mem"] = retained(a.starlette, fresh, b)
    return row


def _catastrophic_row(a: Attack, b: Budget, base_us: float) -> Row:
    make = a.make()
    cap_ms = b.regex_cap * 1000
    row: Row = {
        "key": a.key,
        "attack": a.title,
        "ours_us": None,
        "ours_text": None,
        "star_us": None,
        "star_text": None,
        "ratio_star": None,
        "ratio_base": None,
        "time_ok": None,
        "rounds": 0,
        "answers": "-",
        "ours_mem": None,
        "star_mem": None,
        "notes": [],
    }
    error = a.ours_error() if a.ours_error else None
    if error is not None:
        from cors_core import ConfigError

        if isinstance(error, ConfigError):
            row["ours_text"] = "refused at construction"
            row["time_ok"] = True
        else:
            row["ours_text"] = f"raised {type(error).__name__}"
            row["notes"].append(f"row {a.key}: ours raised {error!r} (not ConfigError)")
            row["time_ok"] = False
    else:
        times = capped(a.ours, make, b.regex_cap)
        if times:
            row["ours_us"] = statistics.median(times)
            row["ratio_base"] = row["ours_us"] / base_us
            row["time_ok"] = row["ratio_base"] <= TIME_TARGET
        else:
            row["ours_text"] = f"> {cap_ms:.0f} ms"
            row["ratio_base_text"] = f"> {cap_ms * 1000 / base_us:,.0f}x"
            row["time_ok"] = False
    times = capped(a.starlette, make, b.regex_cap)
    if times:
        row["star_us"] = statistics.median(times)
    else:
        row["star_text"] = f"> {cap_ms:.0f} ms"
    if row["ours_us"] is not None and row["star_us"] is not None:
        row["ratio_star"] = row["ours_us"] / row["star_us"]
    return row


def run(b: Budget, *, only: list[str] | None = None, progress: bool = True) -> list[Row]:
    """Every row (the baseline first), or only the attacks whose keys are in ``only``."""

    def say(text: str) -> None:
        if progress:
            print(text, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    say("adversarial: 0 (ordinary denied request) ...")
    base = baseline_row(b)
    base["seconds"] = time.perf_counter() - t0
    rows = [base]
    for a in attacks():
        if only and a.key not in only:
            continue
        say(f"adversarial: {a.key} {a.title} ...")
        t = time.perf_counter()
        row = attack_row(a, b, base["ours_us"])
        row["seconds"] = time.perf_counter() - t
        rows.append(row)
        gc.collect()
    return rows


# -- the report -----------------------------------------------------------------------


def _us(value: float | None, text: str | None = None) -> str:
    if text:
        return text
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"


def _ratio(value: float | None, text: str | None = None) -> str:
    if text:
        return text
    if value is None:
        return "-"
    return f"{value:,.0f}x" if value >= 100 else f"{value:.2f}x"


def _mem(m: Retained | None, wanted: int) -> str:
    if m is None:
        return "-"
    text = f"{m.mb:.2f}"
    extra = []
    if m.peak_mb >= MEMORY_TARGET_MB:  # a cache emptied when full holds less at the end
        extra.append(f"peak {m.peak_mb:,.0f}")
    if m.requests < wanted:
        extra.append(f"n={m.requests:,}")
    return f"{text} ({'; '.join(extra)})" if extra else text


def _verdict(ok: bool | None) -> str:
    return {True: "PASS", False: "**FAIL**", None: "-"}[ok]


def table(rows: list[Row], b: Budget) -> str:
    """The rows as a Markdown table."""
    head = (
        "| # | attack | ours µs/req | starlette µs/req | ours / starlette "
        f"| ours / denied | time ≤ {TIME_TARGET:g}x | ours retained MB | starlette retained MB "
        f"| mem < {MEMORY_TARGET_MB:g} MB | status ours / starlette |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        ours_mem: Retained | None = r.get("ours_mem")
        mem_ok = None if ours_mem is None or r["key"] == "0" else ours_mem.mb < MEMORY_TARGET_MB
        lines.append(
            f"| {r['key']} | {r['attack']} | {_us(r['ours_us'], r['ours_text'])} "
            f"| {_us(r['star_us'], r['star_text'])} | {_ratio(r['ratio_star'])} "
            f"| {_ratio(r['ratio_base'], r.get('ratio_base_text'))} | {_verdict(r['time_ok'])} "
            f"| {_mem(ours_mem, b.memory_requests)} "
            f"| {_mem(r.get('star_mem'), b.memory_requests)} | {_verdict(mem_ok)} "
            f"| {r.get('answers', '-')} |"
        )
    return "\n".join(lines)


def notes(rows: list[Row], b: Budget, seconds: float) -> str:
    """What the columns mean, the baseline, odd answers, where memory is held, the machine."""
    from benchmarks.run import machine

    base = rows[0]
    info = machine()
    out = [
        "",
        "µs/req: median over interleaved rounds of the whole request (the bare app costs "
        f"{base['bare_us']:.2f} µs); ratios: medians of per-round ratios. Ordinary denied request "
        f"(row 0): ours {base['ours_us']:.2f} µs, starlette {base['star_us']:.2f} µs; each attack "
        "row is paired with its own ordinary denied request (ours, same policy, same rounds).",
        f"Retained MB: tracemalloc, after {b.memory_requests:,} requests with fresh values "
        f"(fewer where `n=` shows it: each middleware gets {b.memory_seconds:g} s per row; "
        "the verdict then covers only those); `peak` (shown when over the target): the most "
        "traced while the requests ran, as a cache emptied when full holds less at the end. "
        f"Targets: ours within {TIME_TARGET:g}x the ordinary denied request, "
        f"under {MEMORY_TARGET_MB:g} MB retained. "
        "Status: `+ACAO` means Access-Control-Allow-Origin was sent.",
    ]
    tops = [
        f"- row {r['key']}: ours {r['ours_mem'].top}"
        for r in rows
        if r.get("ours_mem") is not None and r["ours_mem"].top and r["ours_mem"].mb >= 1.0
    ]
    if tops:
        out += ["", "Largest retained allocation site (ours, rows holding 1 MB or more):", *tops]
    odd = [n for r in rows for n in r.get("notes", [])]
    if odd:
        out += ["", "Odd answers:", *[f"- {n}" for n in odd]]
    took = ", ".join(f"{r['key']}: {r['seconds']:.1f}" for r in rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    out += [
        "",
        f"machine: {info['nproc']} CPUs, {info['cpu']}, {info['implementation']} "
        f"{info['python']}; load average at the end {load}; took {seconds:.0f} s "
        f"(per row, s: {took})",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None, *, budget: Budget | None = None) -> int:
    """Run every attack, print the Markdown report, write it to ``--out``; exit 0."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks adversarial", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a few seconds (a smoke run)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown report path")
    parser.add_argument(
        "--only", action="append", metavar="KEY", help="run only this attack row (1a, 2, 6b, ...)"
    )
    args = parser.parse_args(argv)
    b = budget or (QUICK if args.quick else FULL)
    t0 = time.perf_counter()
    rows = run(b, only=args.only)
    report = table(rows, b) + "\n" + notes(rows, b, time.perf_counter() - t0) + "\n"
    print(report, end="")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
