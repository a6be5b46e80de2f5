"""The benchmark harness runs and refuses to time wrong answers (no speed is asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import scenarios as sc
from benchmarks.harness import asgi_call, asgi_scope, measure, wsgi_call, wsgi_environ
from benchmarks.run import main
from benchmarks.suites import bare_asgi, ours_asgi, starlette_asgi


@pytest.mark.parametrize("request_", sc.REQUESTS, ids=lambda r: r.name)
def test_ours_and_starlette_pass_the_answer_check(request_: sc.Request) -> None:
    scope = asgi_scope(request_.method, request_.headers)
    for name, app in (
        ("ours", ours_asgi(sc.origins(3))),
        ("starlette", starlette_asgi(sc.origins(3))),
    ):
        sc.check(name, request_, *asgi_call(app, scope))


def test_the_check_refuses_a_wrong_answer() -> None:
    scope = asgi_scope(sc.ALLOWED_GET.method, sc.ALLOWED_GET.headers)
    with pytest.raises(AssertionError, match="bare answered 'GET, allowed' wrongly"):
        sc.check("bare", sc.ALLOWED_GET, *asgi_call(bare_asgi, scope))
    denied = ours_asgi(["https://other.example.com"])
    with pytest.raises(AssertionError, match="status 200, ACAO None"):
        sc.check("ours", sc.ALLOWED_GET, *asgi_call(denied, scope))


def test_wsgi_helpers_answer_like_a_server() -> None:
    from adapters.wsgi import CORSMiddleware
    from benchmarks.suites import _bare_wsgi

    app = CORSMiddleware(_bare_wsgi, **sc.ours_options([sc.ALLOWED]))
    status, headers = wsgi_call(app, wsgi_environ("GET", sc.ALLOWED_GET.headers))
    assert status == 200
    assert ("Access-Control-Allow-Origin", sc.ALLOWED) in headers
    assert ("Vary", "Origin") in headers


@pytest.mark.slow  # a benchmark run (tooling): CI runs it with `pytest -m slow`
def test_measure_reports_one_median_per_runner() -> None:
    m = measure({"bare": lambda n: 1000 * n, "x": lambda n: 3000 * n}, rounds=15, batch=4)
    assert m.per_request == {"bare": 1.0, "x": 3.0}
    assert m.overhead == {"x": 2.0}
    assert m.rounds == 15


@pytest.mark.slow  # a benchmark run (tooling): CI runs it with `pytest -m slow`
def test_quick_run_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.json"
    assert main(["--quick", "--only", "flood", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert [r["scenario"] for r in data["rows"]] == [
        "preflight, 200 KB comma flood (asgi)",
        "preflight, 200 KB comma flood (wsgi)",
    ]
    assert data["machine"]["nproc"] >= 1
    printed = capsys.readouterr().out
    assert "| flood | preflight, 200 KB comma flood (asgi) |" in printed
    assert f"JSON: {out}" in printed


@pytest.mark.parametrize("request_", sc.REQUESTS, ids=lambda r: r.name)
def test_the_floor_answers_the_benchmark_requests_like_ours(request_: sc.Request) -> None:
    """The floor is timed beside ours only because it gives these requests the same
    Access-Control-Allow-Origin (and Vary: Origin on every actual response)."""
    from adapters.wsgi import CORSMiddleware
    from benchmarks.floor import FloorASGI, FloorWSGI
    from benchmarks.suites import _bare_wsgi

    allow = sc.origins(3)
    status, headers = asgi_call(
        FloorASGI(bare_asgi, allow), asgi_scope(request_.method, request_.headers)
    )
    sc.check("floor", request_, status, headers)
    ours_status, _ = asgi_call(ours_asgi(allow), asgi_scope(request_.method, request_.headers))
    assert status == ours_status
    environ = wsgi_environ(request_.method, request_.headers)
    status, wsgi_headers = wsgi_call(FloorWSGI(_bare_wsgi, allow), environ)
    sc.check("floor", request_, status, wsgi_headers)
    ours = CORSMiddleware(_bare_wsgi, **sc.ours_options(allow))
    assert wsgi_call(ours, wsgi_environ(request_.method, request_.headers))[0] == status
    if not request_.preflight:
        assert (b"vary", b"Origin") in headers
        assert ("Vary", "Origin") in wsgi_headers
