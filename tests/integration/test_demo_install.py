"""The README's demo command installs only what the demo needs, and the demo runs there.

The command is read from the README, run by uv into a fresh environment of its own
(``UV_PROJECT_ENVIRONMENT``, from uv's cache, offline), and the installed distributions
are listed; then the demo is started with it on free ports, its page and an API
preflight are fetched over HTTP, and it is stopped with SIGTERM.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import ROOT
from tests.integration.demo_process import running_demo

#: cors-core and its dependencies, uvicorn (the ``demo`` extra) and its dependencies.
DEMO_DISTRIBUTIONS = {"cors-core", "idna", "publicsuffixlist", "uvicorn", "click", "h11"}

_LIST = (
    "import importlib.metadata as m, json; "
    "print(json.dumps(sorted({d.metadata['Name'].lower() for d in m.distributions()})))"
)


def readme_demo_command() -> list[str]:
    """The README's demo command line, as argv (its trailing comment dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [ln for ln in text.splitlines() if ln.startswith("uv run ") and "demo" in ln]
    return shlex.split(line.split("#", 1)[0])


@pytest.fixture(scope="module")
def uv_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if shutil.which("uv") is None:
        pytest.skip("uv is not installed")
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["UV_PROJECT_ENVIRONMENT"] = str(tmp_path_factory.mktemp("demo-env") / "venv")
    return env


def _uv_prefix() -> list[str]:
    command = readme_demo_command()
    assert command[:2] == ["uv", "run"] and command[-2:] == ["cors-core", "demo"], command
    # --frozen: leave uv.lock alone; --offline: from the cache that `uv sync` filled.
    return [*command[:-2], "--frozen", "--offline"]


def test_the_readme_command_is_the_documented_one() -> None:
    assert readme_demo_command() == [
        "uv", "run", "--no-dev", "--extra", "demo", "cors-core", "demo"
    ]  # fmt: skip
    for page in ("docs/index.md", "CONTRIBUTING.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        assert "uv run --no-dev --extra demo cors-core demo" in text, page
        assert "uv run cors-core demo" not in text, page


@pytest.mark.slow  # installs into a fresh environment with uv: CI runs it with `pytest -m slow`
def test_the_demo_environment_holds_only_the_demo_packages(uv_env: dict[str, str]) -> None:
    done = subprocess.run(
        [*_uv_prefix(), "python", "-c", _LIST],
        cwd=ROOT,
        env=uv_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0 and "offline" in done.stderr.lower():
        pytest.skip(f"uv's cache lacks a package: {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout.strip().splitlines()[-1])) == DEMO_DISTRIBUTIONS
    site = sorted(Path(uv_env["UV_PROJECT_ENVIRONMENT"]).glob("lib/python3.*/site-packages"))
    size = sum(f.stat().st_size for f in site[0].rglob("*") if f.is_file())
    assert size < 10_000_000, f"{size} bytes installed"


@pytest.mark.slow  # installs into a fresh environment with uv: CI runs it with `pytest -m slow`
def test_the_demo_serves_from_that_environment(uv_env: dict[str, str]) -> None:
    with running_demo([*_uv_prefix(), "cors-core", "demo"], uv_env, start_seconds=120) as demo:
        origin = f"http://localhost:{demo.page_port}"
        page = httpx.get(f"http://127.0.0.1:{demo.page_port}/", timeout=10)
        assert page.status_code == 200
        assert '<button id="btn-simple-get" data-scenario="simple-get">simple GET</button>' in (
            page.text
        )
        preflight = httpx.options(
            f"http://127.0.0.1:{demo.api_port}/api/items",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
            timeout=10,
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == origin
        assert preflight.headers["access-control-allow-credentials"] == "true"
        why = httpx.get(
            f"http://127.0.0.1:{demo.api_port}/api/explain?scenario=refused-method",
            headers={"Origin": origin},
            timeout=10,
        )
        assert why.json()["server_reason"].startswith("method_not_allowed:")
    assert demo.code == 0, demo.output
    assert demo.output[-1] == "cors-core demo: stopped"
