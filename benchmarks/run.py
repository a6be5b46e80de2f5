"""Entry point: ``uv run python -m benchmarks [--quick] [--only NAME ...] [--json PATH]``.

``uv run python -m benchmarks adversarial [--quick] [--out PATH]`` runs the adversarial
suite instead (:mod:`benchmarks.adversarial`: attack requests, ours vs starlette's).

Prints one table (medians of added µs per request, ratios to the peer, the target and
whether it is met) and writes the same rows as JSON (``benchmarks/results/`` by default).

Example::

    uv run python -m benchmarks --quick --only asgi --only flood
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.suites import FULL, QUICK, SUITES, Row, run_suite

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    """nproc, CPU model and Python version, for the record."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }


def _fmt(value: Any, spec: str = ".2f") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return format(value, spec)
    return str(value)


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    head = (
        "| suite | scenario | origins | bare µs | ours +µs | peer | peer +µs "
        "| ratio | target | met |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        target = r["target"]
        target_s = f"≤ {target}x" if isinstance(target, float) else _fmt(target)
        met = {True: "yes", False: "**no**", None: "-"}[r["met"]]
        lines.append(
            f"| {r['suite']} | {r['scenario']} | {r['origins']} | {_fmt(r['bare_us'])} "
            f"| {_fmt(r['ours_us'])} | {_fmt(r['peer'])} | {_fmt(r['peer_us'])} "
            f"| {_fmt(r['ratio'], '.3f')} | {target_s} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen suites, print the table, write the JSON; exit 0 whatever the numbers."""
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["adversarial"]:
        from benchmarks.adversarial import main as adversarial

        return adversarial(args_in[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument(
        "--only", action="append", choices=sorted(SUITES), help="run only this suite (repeatable)"
    )
    parser.add_argument("--json", type=Path, help="where to write the JSON results")
    args = parser.parse_args(args_in)
    budget = QUICK if args.quick else FULL
    names = args.only or list(SUITES)
    rows: list[Row] = []
    timings: dict[str, float] = {}
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        suite_rows, seconds = run_suite(name, budget)
        rows += suite_rows
        timings[name] = round(seconds, 1)
    info = machine()
    print(table(rows))
    print(
        f"\nmachine: {info['nproc']} CPUs, {info['cpu']}, "
        f"{info['implementation']} {info['python']}; suites took {timings} s"
    )
    path = args.json or RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"machine": info, "quick": args.quick, "seconds": timings, "rows": rows}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    print(f"JSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
