"""The performance chart: added µs per request against the number of allowed origins.

For each stack, ours against the add-on that stack already has (starlette's
``CORSMiddleware`` on a bare ASGI app, flask-cors on a Flask app, django-cors-headers on
Django), with the same policy and the same request: an allowed ``GET`` whose origin is the
*last* of 1, 10, 100, 1000 or 10 000 exact entries. Every point is the median added time
per request (wrapped app minus bare app, in interleaved rounds: :mod:`benchmarks.harness`),
and every contestant's answer is checked before it is timed.

Regenerate the chart of the docs (``docs/assets/overhead-vs-origins.svg``)::

    uv run python -m benchmarks.chart                  # measure (about 90 s), then draw
    uv run python -m benchmarks.chart --quick          # a smoke run (about 20 s)
    uv run python -m benchmarks.chart --from-json benchmarks/results/chart-....json  # redraw

The measured points are written as JSON next to the other results
(``benchmarks/results/chart-<time>.json``, or ``--json PATH``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import scenarios as sc
from benchmarks.harness import (
    asgi_call,
    asgi_runner,
    asgi_scope,
    measure,
    wsgi_call,
    wsgi_environ,
    wsgi_runner,
)
from benchmarks.run import RESULTS, machine
from benchmarks.suites import FULL, QUICK, Budget, bare_asgi, ours_asgi, starlette_asgi

ROOT = Path(__file__).resolve().parents[1]
IMAGE = ROOT / "docs" / "assets" / "overhead-vs-origins.svg"
COUNTS = (1, 10, 100, 1000, 10_000)
REQUEST = sc.ALLOWED_GET

#: (key, title, peer label) of each panel, top to bottom.
STACKS = (
    ("asgi", "ASGI", "starlette CORSMiddleware"),
    ("flask", "Flask (WSGI)", "flask-cors"),
    ("django", "Django", "django-cors-headers"),
)

#: Medians below this are noise (a wrapped app can even measure faster than the bare one):
#: they are drawn at this floor of the logarithmic axis.
FLOOR = 0.1

#: The figure (inches) and its smallest text (points), sized for the docs' content column
#: (768 px at 1,400 px wide, docs/assets/extra.css): one panel per row, so the 7 in figure
#: (672 px) shows at its natural size and 12 pt text at 16 px. tests/e2e/test_docs_layout.py
#: measures that on the built page. (Three panels side by side, 11 in wide, showed 11 pt
#: text at 7 to 10 px.)
FIGSIZE = (7.0, 8.6)
FONT_PT = 12

Point = dict[str, Any]


def _asgi_point(n: int, b: Budget) -> tuple[float, float]:
    allow = sc.origins(n)
    apps = {"bare": bare_asgi, "ours": ours_asgi(allow), "peer": starlette_asgi(allow)}
    scope = asgi_scope(REQUEST.method, REQUEST.headers)
    for name in ("ours", "peer"):
        sc.check(name, REQUEST, *asgi_call(apps[name], scope))
    runners = {name: asgi_runner(app, scope) for name, app in apps.items()}
    m = measure(runners, rounds=b.fast_rounds, batch=b.fast_batch, seconds=b.seconds)
    return m.overhead["ours"], m.overhead["peer"]


def _wsgi_point(apps: dict[str, Any], b: Budget) -> tuple[float, float]:
    env = wsgi_environ(REQUEST.method, REQUEST.headers)
    for name in ("ours", "peer"):
        sc.check(name, REQUEST, *wsgi_call(apps[name], env))
    runners = {name: wsgi_runner(app, env) for name, app in apps.items()}
    m = measure(runners, rounds=b.slow_rounds, batch=b.slow_batch, seconds=b.seconds)
    return m.overhead["ours"], m.overhead["peer"]


def _flask_point(n: int, b: Budget) -> tuple[float, float]:
    from benchmarks.suites import flask_contenders

    apps = flask_contenders(sc.origins(n))
    return _wsgi_point({"bare": apps["bare"], "ours": apps["ours"], "peer": apps["flask-cors"]}, b)


def _django_point(n: int, b: Budget) -> tuple[float, float]:
    from benchmarks.suites import OURS_DJANGO, _django_handler, _django_setup

    settings = _django_setup()
    settings.CORS_ALLOWED_ORIGINS = sc.origins(n)
    settings.CORS_ALLOW_METHODS = sc.METHODS
    settings.CORS_ALLOW_HEADERS = sc.HEADERS
    settings.CORS_EXPOSE_HEADERS = sc.EXPOSE
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.CORS_PREFLIGHT_MAX_AGE = sc.MAX_AGE
    try:
        ours = _django_handler(settings, [OURS_DJANGO])
    except ImportError:  # as benchmarks.suites: the WSGI adapter around Django instead
        from adapters.wsgi import CORSMiddleware

        ours = CORSMiddleware(_django_handler(settings, []), **sc.ours_options(sc.origins(n)))
    apps = {
        "bare": _django_handler(settings, []),
        "ours": ours,
        "peer": _django_handler(settings, ["corsheaders.middleware.CorsMiddleware"]),
    }
    return _wsgi_point(apps, b)


POINTS: dict[str, Callable[[int, Budget], tuple[float, float]]] = {
    "asgi": _asgi_point,
    "flask": _flask_point,
    "django": _django_point,
}


def sweep(budget: Budget, counts: Sequence[int] = COUNTS) -> list[Point]:
    """Measure every stack at every allow-list size; one point per (stack, size)."""
    points: list[Point] = []
    for key, _, peer in STACKS:
        for n in counts:
            print(f"measuring {key} with {n} origins ...", file=sys.stderr, flush=True)
            ours_us, peer_us = POINTS[key](n, budget)
            points.append(
                {
                    "stack": key,
                    "peer": peer,
                    "origins": n,
                    "ours_us": round(ours_us, 3),
                    "peer_us": round(peer_us, 3),
                }
            )
    return points


def draw(points: Sequence[Point], path: Path, note: str = "") -> None:
    """Three log-log panels (one per stack): ours and the peer, added µs per request."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "cors-core", "font.size": FONT_PT})
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    fig, axes = plt.subplots(len(STACKS), 1, figsize=FIGSIZE, sharex=True, sharey=True)
    for ax, (key, title, peer) in zip(axes, STACKS, strict=True):
        mine = sorted((p for p in points if p["stack"] == key), key=lambda p: p["origins"])
        xs = [p["origins"] for p in mine]
        ax.plot(xs, [max(p["peer_us"], FLOOR) for p in mine], "s--", color="#c0392b")
        ax.plot(xs, [max(p["ours_us"], FLOOR) for p in mine], "o-", color="#1f6fb2")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(xs)
        ax.xaxis.set_major_formatter(plain)
        ax.yaxis.set_major_formatter(plain)
        ax.set_title(f"{title}: cors-core vs {peer}", fontsize="medium", loc="left")
        ax.grid(True, which="major", alpha=0.3)
    axes[-1].set_xlabel("allowed origins (the request's is the last)")
    fig.supylabel("added µs per request (median, log scale)", fontsize="medium")
    fig.legend(
        axes[0].get_lines(),
        ["the stack's usual CORS add-on", "cors-core"],
        loc="upper left",
        bbox_to_anchor=(0.01, 0.96),
        ncols=2,
        frameon=False,
    )
    fig.suptitle(
        "CORS overhead of an allowed GET" + (f" ({note})" if note else ""), x=0.02, ha="left"
    )
    fig.tight_layout(rect=(0, 0, 1, 0.955))  # the legend above the panels
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Date": None} if path.suffix == ".svg" else None)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Measure (or read ``--from-json``), write the JSON, draw the chart."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chart", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--from-json", type=Path, help="redraw from a previous run's JSON")
    parser.add_argument("--json", type=Path, help="where to write the measured points")
    parser.add_argument("--out", type=Path, default=IMAGE, help=f"the image (default {IMAGE})")
    parser.add_argument(
        "--counts", type=int, nargs="+", default=list(COUNTS), help="allow-list sizes"
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.from_json:
        payload = json.loads(args.from_json.read_text())
    else:
        budget = QUICK if args.quick else FULL
        payload = {
            "machine": machine(),
            "quick": args.quick,
            "request": REQUEST.name,
            "points": sweep(budget, args.counts),
        }
        path = args.json or RESULTS / f"chart-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        print(f"JSON: {path}")
    info = payload.get("machine", {})
    note = f"{info.get('nproc', '?')} CPUs, Python {info.get('python', '?')}"
    draw(payload["points"], args.out, note)
    print(f"chart: {args.out}")
    for p in payload["points"]:
        print(
            f"{p['stack']:>6} {p['origins']:>6} origins: ours {p['ours_us']:8.2f} µs, "
            f"{p['peer']} {p['peer_us']:10.2f} µs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
