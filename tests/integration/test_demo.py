"""``cors-core demo`` (cors_core.cli.demo_app): started for real on free ports, called over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cors_core.browser import simulate
from cors_core.cli.demo_app import SCENARIOS, main
from tests.integration.conftest import ROOT, hdrs, http_sender
from tests.servers import free_port

CHROMIUM = Path("/usr/bin/chromium")


@dataclass
class Demo:
    process: subprocess.Popen[str]
    api: str
    page: str
    origin: str
    banner: list[str]


def _start(*args: str, cli: bool = False) -> subprocess.Popen[str]:
    command = ["-m", "cors_core", "demo"] if cli else ["-m", "cors_core.cli.demo_app"]
    return subprocess.Popen(
        [sys.executable, *command, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _stop(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate(timeout=5)
    return process.returncode, out, err


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    api_port, page_port = free_port(), free_port()
    process = _start("--api-port", str(api_port), "--page-port", str(page_port), "--quiet")
    assert process.stdout is not None
    banner: list[str] = []
    deadline = time.monotonic() + 30
    while len(banner) < 3 and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line.rstrip("\n"))
    if len(banner) < 3:
        code, out, err = _stop(process)
        pytest.fail(f"demo did not start (exit {code}): {banner} {out} {err}")
    yield Demo(
        process,
        f"http://127.0.0.1:{api_port}",
        f"http://127.0.0.1:{page_port}",
        f"http://localhost:{page_port}",
        banner,
    )
    _stop(process)


def test_demo_prints_both_urls(demo: Demo) -> None:
    port = demo.origin.rsplit(":", 1)[1]
    assert demo.banner == [
        f"API  (behind CORSMiddleware): {demo.api}",
        f"Page (origin {demo.origin}):  {demo.origin}/",
        "Open the page and press the buttons. Ctrl-C stops both servers.",
    ]
    page = httpx.get(demo.page + "/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<code id="api-url">{demo.api}</code>' in page.text
    assert f'<code id="page-origin">http://localhost:{port}</code>' in page.text
    assert 'id="btn-run-all"' in page.text
    assert "{{" not in page.text


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_each_scenario_gets_the_expected_browser_verdict(demo: Demo, name: str) -> None:
    method, path, headers, credentials, expected = SCENARIOS[name]
    trip = simulate(
        http_sender(demo.api, path),
        origin=demo.origin,
        method=method,
        headers=headers,
        credentials=credentials,
    )
    assert ("allowed" if trip.verdict.allowed else "blocked") == expected, trip.steps


def test_refused_preflights_carry_the_reason(demo: Demo) -> None:
    r = httpx.options(
        demo.api + "/api/items",
        headers={
            "Origin": demo.origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-secret",
        },
    )
    assert r.status_code == 403
    assert r.headers["x-cors-reason"] == (
        "header_not_allowed: header 'x-secret' is not in allow_headers: add it to "
        "allow_headers (header names are case-insensitive)"
    )


def test_explain_endpoint_gives_browser_and_server_reasons(demo: Demo) -> None:
    r = httpx.get(
        demo.api + "/api/explain?scenario=refused-method", headers={"Origin": demo.origin}
    )
    assert r.status_code == 200
    assert hdrs(list(r.headers.multi_items()))["access-control-allow-origin"] == demo.origin
    why = r.json()
    assert why["allowed"] is False
    assert why["browser"]["code"] == "missing_allow_origin"
    assert why["server_reason"].startswith(
        "method_not_allowed: method 'DELETE' is not in allow_methods (it allows GET, POST, PUT"
    )
    ok = httpx.get(demo.api + "/api/explain?scenario=json-post", headers={"Origin": demo.origin})
    assert ok.json()["allowed"] is True and ok.json()["server_reason"] == ""


@pytest.mark.browser
def test_page_buttons_in_real_chromium(demo: Demo) -> None:
    """Click "Run all" in headless Chromium (in a subprocess: Playwright's loop stays there)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    pytest.importorskip("playwright")
    script = f"""
import json
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path={str(CHROMIUM)!r},
                                args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page()
    page.goto({demo.origin + "/"!r})
    page.click("#btn-run-all")
    names = {list(SCENARIOS)!r}
    for name in names:
        page.wait_for_selector(f"#result-{{name}}[data-outcome]", timeout=20000)
    print(json.dumps({{n: [page.text_content(f"#result-{{n}}"),
                           page.text_content(f"#reason-{{n}}")] for n in names}}))
    browser.close()
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for name, (result, reason) in results.items():
        assert result.split(":")[0] == SCENARIOS[name][4], (name, result, reason)
    assert results["refused-header"][1].startswith("browser: [missing_allow_origin]")
    assert "server: header_not_allowed: header 'x-secret'" in results["refused-header"][1]
    assert "server: method_not_allowed: method 'DELETE'" in results["refused-method"][1]
    assert results["put-custom-header"][0].startswith('allowed: HTTP 200 {"method": "PUT"')


def test_sigint_stops_both_servers_cleanly() -> None:
    """Through the ``cors-core demo`` command (cors_core.cli calls cors_core.cli.demo_app.main)."""
    api_port, page_port = free_port(), free_port()
    process = _start("--api-port", str(api_port), "--page-port", str(page_port), cli=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("API  (behind CORSMiddleware)")
    httpx.options(
        f"http://127.0.0.1:{api_port}/api/items/1",
        headers={
            "Origin": f"http://localhost:{page_port}",
            "Access-Control-Request-Method": "DELETE",
        },
    )
    code, out, err = _stop(process)
    assert code == 0, err
    assert "server: CORS preflight rejected: 'OPTIONS' '/api/items/1': [method_not_allowed]" in out
    assert out.rstrip().endswith("cors-core demo: stopped")
    assert "Traceback" not in err
    for port in (api_port, page_port):
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)


def test_missing_uvicorn_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['uvicorn'] = None; "
        "from cors_core.cli.demo_app import main; sys.exit(main([]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "cors-core demo needs uvicorn, which is not installed: pip install 'cors-core[demo]' "
        "(from a clone: uv run --no-dev --extra demo cors-core demo)"
    )


def test_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """Busy ports: tests/integration/test_demo_ports.py."""
    assert main(["--api-port", "9100", "--page-port", "9100"]) == 2
    assert capsys.readouterr().err == "cors-core demo: --api-port and --page-port must differ\n"
    assert main(["--no-such-option"]) == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err
