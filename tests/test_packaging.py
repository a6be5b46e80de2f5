"""What a user installs: the wheel, ``python -m cors_core``, the extras, the ``adapters`` name.

The wheel is built from this tree (``uv build --wheel`` into a temporary directory, so
``dist/`` is left alone), installed into a fresh virtual environment of the running
interpreter, and used from outside the clone: every public module imports from the
environment's ``site-packages`` and the ``cors-core`` script runs. CI runs this file as its
own step and again with the rest of the suite on every CPython it tests.

``adapters`` is also the name of an unrelated PyPI distribution's top-level package: with
both installed, ``cors-core`` names the other distribution and the fix instead of failing
on an import.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cors_core import cli

ROOT = Path(__file__).resolve().parent.parent

#: The public modules, importable with the engine's own dependencies alone.
PUBLIC_MODULES = [
    "cors_core",
    "cors_core.integration",
    "cors_core.loading",
    "cors_core.testing",
    "cors_core.audit",
    "cors_core.buckets",
    "cors_core.browser",
    "cors_core.cli",
    "adapters.asgi",
    "adapters.wsgi",
    "adapters.starlette",
]
#: What the wheel may hold at its top level: the two import packages and its metadata.
WHEEL_TOP_LEVEL = {"cors_core", "adapters", "cors_core-0.1.0.dist-info"}

UV = os.environ.get("UV") or shutil.which("uv")
needs_uv = pytest.mark.skipif(
    UV is None, reason="uv is not installed: the wheel cannot be built and installed"
)


def _env(**extra: str) -> dict[str, str]:
    """The environment without what would make a subprocess see this clone's packages."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PYTHONHOME"}
    }
    env.update(extra)
    return env


def _run(*args: str | Path, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_env(**extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, (
        f"{' '.join(done.args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The wheel built from this tree, in a temporary directory removed afterwards."""
    assert UV is not None
    out = tmp_path_factory.mktemp("wheel")
    try:
        _ok(_run(UV, "build", "--wheel", "--quiet", "--out-dir", out, ROOT, cwd=ROOT))
        built = sorted(out.glob("*.whl"))
        assert len(built) == 1, f"expected one wheel, got {built}"
        yield built[0]
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _install(wheel: Path, where: Path) -> Path:
    """A fresh virtual environment of this interpreter with the wheel in it; its python."""
    assert UV is not None
    venv = where / "venv"
    _ok(_run(UV, "venv", "--quiet", "--python", sys.executable, venv, cwd=where))
    python = venv / "bin" / "python"
    _ok(_run(UV, "pip", "install", "--quiet", "--python", python, wheel, cwd=where))
    return python


def _site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(_ok(_run(python, "-c", code, cwd=python.parent)).strip())


# ------------------------------------------------------------------------------ the wheel


@pytest.mark.slow  # builds and installs the wheel (packaging): CI runs it with `pytest -m slow`
@needs_uv
def test_wheel_holds_the_two_packages_and_nothing_else(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert {n.split("/", 1)[0] for n in names} == WHEEL_TOP_LEVEL
    stray = [n for n in names if re.match(r"(tests|docs|examples|benchmarks|tools)/", n)]
    assert not stray, f"the wheel ships repository files: {stray}"
    # Every module of the tree, the typing markers and the demo's page are in it.
    sources = {
        p.relative_to(ROOT).as_posix()
        for package in ("cors_core", "adapters")
        for p in (ROOT / package).rglob("*")
        if p.suffix in {".py", ".typed", ".html"} and "__pycache__" not in p.parts
    }
    assert sources - set(names) == set()


@pytest.mark.slow  # builds and installs the wheel (packaging): CI runs it with `pytest -m slow`
@needs_uv
def test_installed_wheel_imports_and_runs(wheel: Path, tmp_path: Path) -> None:
    python = _install(wheel, tmp_path)
    site = _site_packages(python)
    # From a directory outside the clone, every public module comes from site-packages.
    code = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    print(name, importlib.import_module(name).__file__)\n"
    )
    out = _ok(_run(python, "-c", code, *PUBLIC_MODULES, cwd=tmp_path))
    files = dict(line.split(" ", 1) for line in out.splitlines())
    assert sorted(files) == sorted(PUBLIC_MODULES)
    for name, file in files.items():
        assert Path(file).is_relative_to(site), f"{name} imported from {file}, not {site}"

    script = python.parent / "cors-core"
    help_text = _ok(_run(script, "--help", cwd=tmp_path))
    assert help_text.startswith("usage: cors-core")
    assert _ok(_run(python, "-m", "cors_core", "--help", cwd=tmp_path)) == help_text

    # The demo lives in adapters: the installed one is found, and is ours.
    demo = _run(script, "demo", "--help", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.startswith("usage: cors-core demo")


@pytest.mark.slow  # builds and installs the wheel (packaging): CI runs it with `pytest -m slow`
@needs_uv
def test_overwritten_adapters_is_named_with_its_fix(wheel: Path, tmp_path: Path) -> None:
    """The other ``adapters`` distribution installed over ours (same site-packages)."""
    python = _install(wheel, tmp_path)
    site = _site_packages(python)
    (site / "adapters" / "__init__.py").write_text('raise ImportError("no transformers")\n')
    info = site / "adapters-1.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: adapters\nVersion: 1.2.0\n")
    (info / "RECORD").write_text("adapters/__init__.py,,\nadapters-1.2.0.dist-info/METADATA,,\n")

    done = _run(python.parent / "cors-core", "demo", "--help", cwd=tmp_path)
    assert done.returncode == 2
    assert "No module named" not in done.stderr
    assert "is not the file cors-core installed" in done.stderr
    assert "adapters 1.2.0" in done.stderr
    assert "pip uninstall adapters" in done.stderr
    assert "--force-reinstall" in done.stderr


# ---------------------------------------------------------------- the adapters name clash


def _foreign_adapters(where: Path, *, claimed: bool) -> None:
    """A top-level ``adapters`` that is not ours, optionally claimed by a distribution."""
    (where / "adapters").mkdir()
    (where / "adapters" / "__init__.py").write_text(
        '"""Someone else\'s adapters."""\nraise ImportError("No module named \'transformers\'")\n'
    )
    if claimed:
        info = where / "adapters-1.2.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: adapters\nVersion: 1.2.0\n")
        (info / "top_level.txt").write_text("adapters\n")


def test_foreign_adapters_on_sys_path_names_its_distribution(tmp_path: Path) -> None:
    _foreign_adapters(tmp_path, claimed=True)
    # ``-m`` puts the working directory first on sys.path: the foreign package wins.
    done = _run(sys.executable, "-m", "cors_core", "demo", "--help", cwd=tmp_path)
    assert done.returncode == 2
    assert "No module named" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("cors-core: the 'adapters' package is not cors-core's")
    assert str(tmp_path / "adapters" / "__init__.py") in lines[0]
    assert "adapters 1.2.0" in lines[1]
    assert lines[2].startswith("fix: pip uninstall adapters, then reinstall cors-core")


def test_unclaimed_foreign_adapters_says_where_it_is(tmp_path: Path) -> None:
    _foreign_adapters(tmp_path, claimed=False)
    done = _run(sys.executable, "-m", "cors_core", "demo", "--help", cwd=tmp_path)
    assert done.returncode == 2
    assert "No module named" not in done.stderr
    assert str(tmp_path / "adapters" / "__init__.py") in done.stderr
    assert "No installed distribution claims it" in done.stderr
    assert "fix: remove or rename that 'adapters'" in done.stderr


def test_our_adapters_is_no_conflict() -> None:
    assert cli._adapters_conflict() is None


def test_other_commands_do_not_need_adapters(tmp_path: Path) -> None:
    _foreign_adapters(tmp_path, claimed=True)
    done = _run(sys.executable, "-m", "cors_core", "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


# ------------------------------------------------------------------- python -m, the extras


def test_importing_main_module_does_not_run_the_cli(tmp_path: Path) -> None:
    code = "import cors_core.__main__ as m; print('imported', callable(m.main))"
    done = _run(sys.executable, "-c", code, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "imported True\n", "")


def test_python_m_cors_core_runs_the_cli(tmp_path: Path) -> None:
    done = _run(sys.executable, "-m", "cors_core", "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("usage: cors-core")


def _specifiers(requirement: str, name: str) -> set[str]:
    found = re.fullmatch(rf"{name}\s*(?P<spec>[^;]*)(;.*)?", requirement.strip())
    assert found, requirement
    return {s.strip() for s in found["spec"].split(",") if s.strip()}


def test_django_extra_matches_the_tested_range() -> None:
    """The ``django`` extra promises what the dev group's Django range tests, no more."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = project["project"]["optional-dependencies"]["django"]
    tested = [r for r in project["dependency-groups"]["dev"] if re.match(r"django\s*[<>=!~]", r)]
    assert len(extra) == 1 and len(tested) == 1, (extra, tested)
    assert _specifiers(extra[0], "django") == _specifiers(tested[0], "django")
    assert any(s.startswith("<") for s in _specifiers(extra[0], "django")), "no upper bound"
