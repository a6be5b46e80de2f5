"""End-to-end throughput under uvicorn on 127.0.0.1: requests/s with and without CORS.

Three servers run the same tiny ASGI app (bare, wrapped by ours, wrapped by starlette's
``CORSMiddleware``) under uvicorn (``tests.servers.serve_asgi``). A bounded load is
sent to each in interleaved rounds: ``wrk`` (fixed duration, keep-alive connections) when
it is installed (Debian: ``apt-get install wrk``), else a fixed count of requests over one
keep-alive ``httpx`` connection. The overhead is shown as a share of a real request:
``rps_bare / rps_wrapped - 1``.

Example::

    uv run python -m benchmarks.e2e --rounds 5 --seconds 2
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks import scenarios as sc
from benchmarks.suites import bare_asgi, ours_asgi, starlette_asgi
from tests.servers import serve_asgi

_RPS = re.compile(r"Requests/sec:\s+([0-9.]+)")
_BAD = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def _wrk(url: str, headers: dict[str, str], seconds: float, connections: int) -> float:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    bad = _BAD.search(out)
    if bad:
        raise RuntimeError(f"{bad.group(1)} non-2xx answers from {url}")
    found = _RPS.search(out)
    if found is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    return float(found.group(1))


def _httpx(url: str, headers: dict[str, str], count: int) -> float:
    with httpx.Client(headers=headers, timeout=5.0) as client:
        client.get(url).raise_for_status()
        t0 = time.perf_counter()
        for _ in range(count):
            client.get(url).raise_for_status()
        return count / (time.perf_counter() - t0)


def run(rounds: int, seconds: float, count: int, connections: int) -> dict[str, Any]:
    """Measure every app in interleaved rounds; return the medians and shares."""
    use_wrk = shutil.which("wrk") is not None
    apps = {
        "bare": bare_asgi,
        "ours": ours_asgi(sc.origins(1)),
        "starlette": starlette_asgi(sc.origins(1)),
    }
    scenarios = {
        "GET, no Origin": {},
        "GET, allowed": {"Origin": sc.ALLOWED},
    }
    load: Callable[[str, dict[str, str]], float]
    if use_wrk:
        load = lambda url, h: _wrk(url, h, seconds, connections)  # noqa: E731
    else:
        load = lambda url, h: _httpx(url, h, count)  # noqa: E731
    results: dict[str, Any] = {
        "generator": f"wrk -t1 -c{connections} -d{seconds:g}s" if use_wrk else f"httpx x{count}",
        "rounds": rounds,
        "scenarios": {},
    }
    with (
        serve_asgi(apps["bare"]) as bare,
        serve_asgi(apps["ours"]) as ours,
        serve_asgi(apps["starlette"]) as peer,
    ):
        urls = {"bare": bare, "ours": ours, "starlette": peer}
        for scenario, headers in scenarios.items():
            request = sc.ALLOWED_GET if headers else sc.NO_ORIGIN
            for name in ("ours", "starlette"):  # a fast wrong answer proves nothing
                answer = httpx.get(urls[name] + "/api/items", headers=headers)
                sc.check(name, request, answer.status_code, list(answer.headers.items()))
            samples: dict[str, list[float]] = {name: [] for name in urls}
            for r in range(rounds):
                names = list(urls)
                for name in names[r % 3 :] + names[: r % 3]:
                    samples[name].append(load(urls[name] + "/api/items", headers))
            rps = {name: statistics.median(v) for name, v in samples.items()}
            results["scenarios"][scenario] = {
                "rps": {k: round(v, 1) for k, v in rps.items()},
                "share": {
                    name: round(rps["bare"] / rps[name] - 1, 4) for name in ("ours", "starlette")
                },
            }
    return results


def main(argv: list[str] | None = None) -> int:
    """Print requests/s per app and the middleware's share of a request."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.e2e", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median)")
    parser.add_argument("--seconds", type=float, default=2.0, help="wrk duration per round")
    parser.add_argument("--requests", type=int, default=1000, help="httpx requests per round")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    args = parser.parse_args(argv)
    rounds = max(1, min(args.rounds, 20))
    seconds = max(0.5, min(args.seconds, 10.0))
    count = max(10, min(args.requests, 20_000))
    res = run(rounds, seconds, count, args.connections)
    print(f"load: {res['generator']}, {rounds} interleaved rounds, uvicorn on 127.0.0.1")
    print("| scenario | bare req/s | ours req/s | starlette req/s | ours share | starlette share |")
    print("|---|---|---|---|---|---|")
    for scenario, r in res["scenarios"].items():
        rps, share = r["rps"], r["share"]
        print(
            f"| {scenario} | {rps['bare']:.0f} | {rps['ours']:.0f} | {rps['starlette']:.0f} "
            f"| {share['ours']:+.1%} | {share['starlette']:+.1%} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
