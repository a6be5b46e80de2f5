"""The demo started as a user starts it, in its own process, for the tests that need it."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from tests.integration.conftest import ROOT
from tests.servers import free_port


@dataclass
class Demo:
    """A running demo: its ports, every line it printed so far, and (once stopped) its
    exit status."""

    api_port: int
    page_port: int
    output: list[str] = field(default_factory=list)
    code: int | None = None


@contextmanager
def running_demo(
    command: list[str], env: Mapping[str, str] | None = None, start_seconds: float = 30
) -> Iterator[Demo]:
    """Start ``command`` (the demo, given ``--api-port`` and ``--page-port``), wait until
    it prints that the page is open, then stop it with SIGTERM on leaving."""
    demo = Demo(free_port(), free_port())
    ports = ["--api-port", str(demo.api_port), "--page-port", str(demo.page_port)]
    process = subprocess.Popen(
        [*command, *ports],
        cwd=ROOT,
        env={**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def read() -> None:
        assert process.stdout is not None
        demo.output.extend(line.rstrip("\n") for line in process.stdout)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + start_seconds
        while not any(line.startswith("Open the page") for line in demo.output):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the demo did not start:\n" + "\n".join(demo.output))
            time.sleep(0.05)
        yield demo
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # uv passes it on to the demo
        try:
            demo.code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            demo.code = process.wait(timeout=5)
        reader.join(timeout=5)
