"""Instructions per request through ours, the floor and the bare app, counted by callgrind.

``uv run python -m benchmarks.instructions [--requests N] [--protocol asgi|wsgi] [--only S]``

Timings on a shared machine move by a few percent between runs and even between builds
(code and object layout); instruction counts do not. Each (protocol, contender, scenario)
runs in a fresh interpreter (started in the project's root, ``PYTHONHASHSEED=0`` so that
string hashing, and with it dict probing, is the same every run) under
``valgrind --tool=callgrind`` twice, with ``N`` and ``5 N`` requests; the difference divided
by ``4 N`` is what one request costs, start-up excluded. Contenders: ours
(``adapters.asgi`` / ``adapters.wsgi``), the floor (:mod:`benchmarks.floor`) and the bare
app; the table gives each middleware's own cost (minus the bare app's) and ours over the
floor's. Scenarios: ``no-origin``, ``allowed``, ``denied`` and ``preflight`` (the
benchmark's requests, repeated: cached answers) and ``fresh`` (a never-seen origin on every
request), with the benchmark's policy (:mod:`benchmarks.scenarios`), one allowed origin.
For ASGI, starlette's ``CORSMiddleware`` is counted too, and ours over it. Timed ratios
(:mod:`benchmarks`) are the goals' measure: the two kinds of cost differ by a few percent
(allocation and cache effects), more for starlette's code than for ours.
Needs ``valgrind`` on the PATH (Debian: ``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("no-origin", "allowed", "denied", "preflight", "fresh")
PROTOCOLS = ("asgi", "wsgi")
CONTENDERS = ("bare", "ours", "floor")
#: Counted for ASGI only: the peer the ASGI goal is set against.
PEER = "starlette"

#: The measured program: builds the requests first, then runs them through the contender.
_PROGRAM = r"""
import sys, warnings
from benchmarks import scenarios as sc
from benchmarks.floor import FloorASGI, FloorWSGI
from benchmarks.harness import asgi_scope, wsgi_environ
from benchmarks.suites import _bare_wsgi, bare_asgi, starlette_asgi

protocol, contender, kind, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
requests = {"no-origin": sc.NO_ORIGIN, "allowed": sc.ALLOWED_GET, "denied": sc.DENIED_GET,
            "preflight": sc.PREFLIGHT}
allow = sc.origins(1)

def make(i):
    if kind == "fresh":
        return "GET", (("origin", "https://x%d.attacker.example" % i),)
    request = requests[kind]
    return request.method, request.headers

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    if protocol == "asgi":
        from adapters.asgi import CORSMiddleware
        app = {"bare": lambda: bare_asgi, "floor": lambda: FloorASGI(bare_asgi, allow),
               "ours": lambda: CORSMiddleware(bare_asgi, **sc.ours_options(allow)),
               "starlette": lambda: starlette_asgi(allow)}[contender]()
    else:
        from adapters.wsgi import CORSMiddleware
        app = {"bare": lambda: _bare_wsgi, "floor": lambda: FloorWSGI(_bare_wsgi, allow),
               "ours": lambda: CORSMiddleware(_bare_wsgi, **sc.ours_options(allow))}[contender]()

if protocol == "asgi":
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    scopes = [asgi_scope(*make(i)) for i in range(count)]
    for s in scopes:
        coroutine = app(s, receive, send)
        try:
            coroutine.send(None)
        except StopIteration:
            pass
else:
    def start_response(status, headers, exc_info=None):
        return None

    environs = [wsgi_environ(*make(i)) for i in range(count)]
    for environ in environs:
        for chunk in app(environ, start_response):
            pass
"""


def count_instructions(protocol: str, contender: str, kind: str, requests: int) -> int:
    """Instructions valgrind counts for the whole program with ``requests`` requests."""
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            _PROGRAM,
            protocol,
            contender,
            kind,
            str(requests),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,  # the program imports the project's packages
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    found = re.search(r"Collected\s*:\s*(\d+)", run.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def per_request(protocol: str, contender: str, kind: str, requests: int) -> float:
    """Instructions one request costs (start-up and request building cancel out)."""
    small = count_instructions(protocol, contender, kind, requests)
    large = count_instructions(protocol, contender, kind, 5 * requests)
    return (large - small) / (4 * requests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions")
    parser.add_argument("--requests", type=int, default=1000, help="N (default 1000)")
    parser.add_argument("--only", choices=SCENARIOS, action="append", help="a scenario")
    parser.add_argument("--protocol", choices=PROTOCOLS, action="append", help="asgi or wsgi")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    print(
        "| protocol | scenario | bare | ours (own) | floor (own) | ours / floor "
        "| starlette (own) | ours / starlette |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for protocol in args.protocol or PROTOCOLS:
        contenders = (*CONTENDERS, PEER) if protocol == "asgi" else CONTENDERS
        for kind in args.only or SCENARIOS:
            counts = {c: per_request(protocol, c, kind, args.requests) for c in contenders}
            ours = counts["ours"] - counts["bare"]
            floor = counts["floor"] - counts["bare"]
            ratio = f"{ours / floor:.2f}x" if floor > 0 else "-"
            peer, peer_ratio = "-", "-"
            if PEER in counts:
                own = counts[PEER] - counts["bare"]
                peer, peer_ratio = f"{own:,.0f}", f"{ours / own:.3f}x" if own > 0 else "-"
            print(
                f"| {protocol} | {kind} | {counts['bare']:,.0f} | {ours:,.0f} | {floor:,.0f} "
                f"| {ratio} | {peer} | {peer_ratio} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
