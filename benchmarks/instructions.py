"""Instructions per request through the ASGI middleware, counted by valgrind's callgrind.

``uv run python -m benchmarks.instructions [--requests N]``

Timings on a shared machine move by a few percent between runs and even between builds
(code and object layout); instruction counts do not. Each scenario runs in a fresh
interpreter (started in the project's root) under ``valgrind --tool=callgrind`` twice, with
``N`` and ``5 N`` requests; the difference divided by ``4 N`` is what one request costs,
start-up excluded. Scenarios:
``no-origin``, ``allowed`` and ``denied`` (one origin, repeated: cached answers) and
``fresh`` (a never-seen origin on every request), against a policy of one exact origin and
a bare ASGI app. Needs ``valgrind`` on the PATH (Debian: ``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("no-origin", "allowed", "denied", "fresh")

#: The measured program: builds the scopes first, then runs them through the middleware.
_PROGRAM = r"""
import sys
from adapters.asgi import CORSMiddleware
from benchmarks.suites import bare_asgi as bare
from cors_core import CORSPolicy

kind, count = sys.argv[1], int(sys.argv[2])

async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}

async def send(message):
    pass

def scope(extra):
    return {"type": "http", "method": "GET", "path": "/api/items", "raw_path": b"/api/items",
            "scheme": "http", "query_string": b"",
            "headers": [(b"host", b"api.example.com"), (b"accept", b"*/*"), *extra]}

origins = {"no-origin": None, "allowed": b"https://app.example.com",
           "denied": b"https://evil.example"}
if kind == "fresh":
    scopes = [scope([(b"origin", b"https://x%d.attacker.example" % i)]) for i in range(count)]
else:
    origin = origins[kind]
    scopes = [scope([] if origin is None else [(b"origin", origin)]) for _ in range(count)]
app = CORSMiddleware(bare, policy=CORSPolicy(allow_origins=["https://app.example.com"]))
for s in scopes:
    coroutine = app(s, receive, send)
    try:
        coroutine.send(None)
    except StopIteration:
        pass
"""


def count_instructions(kind: str, requests: int) -> int:
    """Instructions valgrind counts for the whole program with ``requests`` requests."""
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            _PROGRAM,
            kind,
            str(requests),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,  # the program imports the project's packages
    )
    found = re.search(r"Collected\s*:\s*(\d+)", run.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def per_request(kind: str, requests: int) -> float:
    """Instructions one request costs (start-up and scope building cancel out)."""
    small = count_instructions(kind, requests)
    large = count_instructions(kind, 5 * requests)
    return (large - small) / (4 * requests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions")
    parser.add_argument("--requests", type=int, default=1000, help="N (default 1000)")
    parser.add_argument("--only", choices=SCENARIOS, action="append", help="a scenario")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    print("| scenario | instructions per request |")
    print("|---|---:|")
    for kind in args.only or SCENARIOS:
        print(f"| {kind} | {per_request(kind, args.requests):,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
