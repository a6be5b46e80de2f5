"""``cors-core demo`` in Chromium: start it as a user would, press its buttons, read the page.

The demo runs as a subprocess (``python -m cors_core demo``) on free ports; the test
checks each button's label (``cors_core.cli.demo_app.LABELS``, the documentation's words), clicks
every scenario's button (ids documented at the top of ``cors_core/cli/demo_app.py``), checks each
shown result, runs "Run all" in a fresh page, then stops the demo with SIGTERM and checks
what its server logged: each of the two expected rejections exactly once per click,
although every blocked result also made the page ask ``/api/explain``, which replays it.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cors_core.cli.demo_app import LABELS
from tests.e2e.chromium import Chromium, Tab
from tests.servers import free_port

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BLOCKED_TEXT = "blocked: the browser refused to let the page read the response"

#: scenario -> (outcome, pattern the whole result text must match, text the reason holds)
EXPECTED: dict[str, tuple[str, str, str]] = {
    "simple-get": (
        "allowed",
        r'allowed: HTTP 200 \[\{"id": 1, "name": "first"\}\] \(X-Request-Id: \d+\)',
        "",
    ),
    "json-post": ("allowed", re.escape('allowed: HTTP 201 {"created": {"name": "demo"}}'), ""),
    "put-custom-header": (
        "allowed",
        r'allowed: HTTP 200 \{"method": "PUT", "x-demo-token": "demo"\} \(X-Request-Id: \d+\)',
        "",
    ),
    "credentialed": (
        "allowed",
        re.escape('allowed: HTTP 200 {"user": "demo", "cookie_sent": false}'),
        "",
    ),
    "refused-header": (
        "blocked",
        re.escape(BLOCKED_TEXT),
        "server: header_not_allowed: header 'x-secret' is not in allow_headers",
    ),
    "refused-method": (
        "blocked",
        re.escape(BLOCKED_TEXT),
        "server: method_not_allowed: method 'DELETE' is not in allow_methods",
    ),
}


@dataclass
class Demo:
    """The running demo: its URLs and everything it printed so far."""

    process: subprocess.Popen[str]
    api_url: str
    page_url: str
    output: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip("\n"))

    def stop(self) -> int:
        """SIGTERM (what Ctrl-C also does), wait, and collect the rest of the output."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(timeout=5)
        if self.reader is not None:
            self.reader.join(timeout=5)
        return code


@pytest.fixture
def demo(chromium: Chromium) -> Iterator[Demo]:
    api_port, page_port = free_port(), free_port()
    command = [sys.executable, "-m", "cors_core", "demo"]
    command += ["--api-port", str(api_port), "--page-port", str(page_port)]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Demo(process, f"http://127.0.0.1:{api_port}", f"http://localhost:{page_port}/")
    running.reader = threading.Thread(target=running.read_output, daemon=True)
    running.reader.start()
    try:
        deadline = time.monotonic() + 20
        while not any(line.startswith("Open the page") for line in running.output):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("cors-core demo did not start:\n" + "\n".join(running.output))
            time.sleep(0.05)
        yield running
    finally:
        running.stop()


def _check_results(tab: Tab) -> None:
    for name, (outcome, pattern, reason) in EXPECTED.items():
        assert tab.attribute(f"#result-{name}", "data-outcome") == outcome, name
        assert re.fullmatch(pattern, tab.text(f"#result-{name}")), tab.text(f"#result-{name}")
        shown_reason = tab.text(f"#reason-{name}")
        if reason:
            assert reason in shown_reason, shown_reason
            assert shown_reason.startswith("browser: ["), shown_reason
        else:
            assert shown_reason == ""


def test_demo_buttons(demo: Demo, chromium: Chromium) -> None:
    tab = chromium.open(demo.page_url)
    try:
        assert tab.text("#api-url") == demo.api_url
        assert tab.text("#page-origin") == demo.page_url.rstrip("/")
        assert tab.text("#btn-run-all") == "Run all"
        for name in EXPECTED:
            assert tab.text(f"#btn-{name}") == LABELS[name]
            assert tab.text(f"#result-{name}") == ""  # nothing shown before a click
            tab.click(f"#btn-{name}")
            tab.wait_for(f"#result-{name}[data-outcome]")
        _check_results(tab)
    finally:
        tab.close()

    tab = chromium.open(demo.page_url)
    try:
        tab.click("#btn-run-all")
        for name in EXPECTED:
            tab.wait_for(f"#result-{name}[data-outcome]")
        _check_results(tab)
    finally:
        tab.close()

    assert demo.stop() == 0
    assert demo.output[:2] == [
        f"API  (behind CORSMiddleware): {demo.api_url}",
        f"Page (origin {demo.page_url.rstrip('/')}):  {demo.page_url}",
    ]
    assert demo.output[-1] == "cors-core demo: stopped"
    # Two runs (the buttons one by one, then "Run all"): each rejection twice, not four times.
    rejected = Counter(line.strip() for line in demo.output if "rejected" in line)
    assert rejected == {
        "server: CORS preflight rejected: 'OPTIONS' '/api/items': [header_not_allowed] header "
        "'x-secret' is not in allow_headers: add it to allow_headers "
        "(header names are case-insensitive)": 2,
        "server: CORS preflight rejected: 'OPTIONS' '/api/items/1': [method_not_allowed] method "
        "'DELETE' is not in allow_methods (it allows GET, POST, PUT): add it to "
        "allow_methods (methods are case-sensitive)": 2,
    }, "\n".join(demo.output)
