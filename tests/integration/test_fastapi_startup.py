"""A CORS configuration typo under ``uvicorn module:app`` (its defaults: ``--lifespan auto``).

- ``policy=CORSPolicy(...)`` built at import: the typo raises while uvicorn imports the
  module, so uvicorn exits non-zero with the ConfigError text (what the docs lead with).
- ``app.add_middleware(CORSMiddleware, allow_origin=...)``: Starlette builds middleware on
  the first ASGI call, the lifespan startup. Under ``--lifespan auto`` uvicorn swallows that
  error (it prints only "ASGI 'lifespan' protocol appears unsupported"), keeps serving, and
  the error text appears with the first request's 500; ``--lifespan on`` makes the same
  typo stop uvicorn (exit code 3).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
TYPO_FIX = "allow_origin is not a CORS option; fix: did you mean 'allow_origins'?"

EAGER = """
from fastapi import FastAPI
from adapters.asgi import CORSMiddleware
from cors_core import CORSPolicy

policy = CORSPolicy(allow_origin=["https://app.example.com"])
app = FastAPI()
app.add_middleware(CORSMiddleware, policy=policy)
"""

LAZY = """
from fastapi import FastAPI
from adapters.asgi import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origin=["https://app.example.com"])


@app.get("/")
def root() -> dict[str, bool]:
    return {"ok": True}
"""


def _start(tmp_path: Path, source: str, *args: str) -> tuple[subprocess.Popen[str], int]:
    (tmp_path / "typo_app.py").write_text(source)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "typo_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *args,
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, port


def _exit(proc: subprocess.Popen[str], timeout: float = 20.0) -> tuple[int, str]:
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail(f"uvicorn did not exit:\n{out}")
    return proc.returncode, out


@pytest.mark.parametrize("lifespan", ["auto", "on"])
def test_policy_built_at_import_stops_uvicorn(tmp_path: Path, lifespan: str) -> None:
    proc, _ = _start(tmp_path, EAGER, "--lifespan", lifespan)
    code, out = _exit(proc)
    assert code != 0
    assert TYPO_FIX in out


def test_lazy_add_middleware_fails_startup_with_lifespan_on(tmp_path: Path) -> None:
    proc, _ = _start(tmp_path, LAZY, "--lifespan", "on")
    code, out = _exit(proc)
    assert code == 3
    assert TYPO_FIX in out and "Application startup failed" in out


def test_lazy_add_middleware_keeps_serving_500s_with_lifespan_auto(tmp_path: Path) -> None:
    """Under --lifespan auto uvicorn prints nothing of the error at start-up (only that the
    lifespan protocol "appears unsupported"): the error text appears with the first
    request's 500, as the FastAPI page says."""
    proc, port = _start(tmp_path, LAZY)
    startup: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:  # up to "Uvicorn running on ...": the start-up output
        startup.append(line)
        if "Uvicorn running on" in line:
            break
    assert "ASGI 'lifespan' protocol appears unsupported" in "".join(startup)
    assert TYPO_FIX not in "".join(startup) and "ConfigError" not in "".join(startup)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("uvicorn did not start")
                time.sleep(0.1)
        assert response.status_code == 500  # up, but every request fails
        assert proc.poll() is None
    finally:
        proc.terminate()
        _, out = _exit(proc)
    assert TYPO_FIX in out  # with the first request's 500
