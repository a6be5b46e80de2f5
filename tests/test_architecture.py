"""The shape of the code, checked from its import statements (read with ``ast``, so
imports inside functions count as much as the ones at the top of a module).

- neither ``cors_core`` nor ``adapters`` has an import cycle;
- the products stand in layers, each importing only the layers below it: the regex prover,
  then the request engine, then the browser model and the bucket emulator, then the audit
  and the testing helpers, then the adapters, then the command line (see ``LAYERS``);
- the engine imports no adapter (only the command line, which sits on top of everything,
  may) and no web framework;
- the server engine never imports the browser model (:mod:`cors_core.browser`);
- adapters reach the engine through its public modules only; the ASGI, WSGI and Flask
  adapters through ``cors_core`` and ``cors_core.integration`` alone;
- some rules have exactly one home (the "did you mean" helper, the token syntax).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The engine modules that answer requests: they never need the browser's side.
SERVER_ENGINE = {
    "cors_core._policy",
    "cors_core._paths",
    "cors_core._config",
    "cors_core._origins",
    "cors_core._headers",
    "cors_core._request",
    "cors_core._decision",
    "cors_core.integration",
}
#: The documented public modules of the engine.
PUBLIC = {
    "cors_core",
    "cors_core.integration",
    "cors_core.loading",
    "cors_core.audit",
    "cors_core.buckets",
    "cors_core.browser",
    "cors_core.testing",
    "cors_core.cli",
}
#: The layers, lowest first: a module imports only from its own unit or a lower layer.
#: A unit is a subpackage (or a module) named here; every other ``cors_core`` module is
#: the request engine. Units in one layer never import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cors_core._regex",),
    ("cors_core",),  # the request engine: everything not named below
    ("cors_core.browser", "cors_core.buckets"),
    ("cors_core.audit", "cors_core.testing"),
    ("adapters",),
    ("cors_core.cli",),
    ("cors_core.__main__",),  # ``python -m cors_core``
)
#: Third-party packages the engine may import (and where): no web framework.
#: (The demo is an application: it runs on uvicorn, from the ``demo`` extra.)
ENGINE_THIRD_PARTY = {
    "idna": None,
    "publicsuffixlist": None,
    "httpx": {"cors_core.cli"},
    "uvicorn": {"cors_core.cli.demo_app"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


ENGINE = modules("cors_core")
ADAPTERS = modules("adapters")
KNOWN = {**ENGINE, **ADAPTERS}


def imports(name: str, path: Path) -> Iterator[str]:
    """Every module ``name`` imports, wherever the statement is (``importlib.import_module``
    with a literal name included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:  # ``from pkg import submodule`` imports the submodule
                full = f"{base}.{alias.name}"
                yield full if full in KNOWN else base
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


GRAPH = {name: set(imports(name, path)) for name, path in KNOWN.items()}


def engine_edges(name: str) -> set[str]:
    return {target for target in GRAPH[name] if target in ENGINE}


def test_the_walk_sees_top_level_and_function_level_imports() -> None:
    assert "cors_core._policy" in GRAPH["cors_core.integration"]
    assert "cors_core.cli.demo_app" in GRAPH["cors_core.cli._demo"]  # inside a function
    assert "httpx" in GRAPH["cors_core.cli"]  # inside a function


def unit(name: str) -> str:
    """The unit of ``LAYERS`` a module belongs to (the longest named prefix)."""
    named = [u for layer in LAYERS for u in layer if name == u or name.startswith(u + ".")]
    return max(named, key=len)


def layer(name: str) -> int:
    return next(i for i, units in enumerate(LAYERS) if unit(name) in units)


def test_every_module_has_its_layer() -> None:
    assert unit("cors_core._policy") == "cors_core"
    assert unit("cors_core.buckets._engine") == "cors_core.buckets"
    assert unit("adapters.django.middleware") == "adapters"
    assert layer("cors_core._regex._syntax") < layer("cors_core._config")
    assert layer("cors_core.audit._buckets") > layer("cors_core.buckets._parse")
    assert {unit(name) for name in KNOWN} == {u for units in LAYERS for u in units}


def test_imports_only_reach_down_the_layers() -> None:
    upward = sorted(
        f"{name} -> {target}"
        for name in KNOWN
        for target in GRAPH[name]
        if target in KNOWN and unit(target) != unit(name) and layer(target) >= layer(name)
    )
    assert upward == []


def test_no_import_cycle() -> None:
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycle = " -> ".join([*trail[trail.index(name) :], name])
            pytest.fail(f"import cycle: {cycle}")
        if name in done:
            return
        for target in sorted(t for t in GRAPH[name] if t in KNOWN):
            visit(target, [*trail, name])
        done.add(name)

    for name in KNOWN:
        visit(name, [])


def test_the_engine_imports_no_adapter_outside_the_cli() -> None:
    offenders = {
        name: sorted(t for t in targets if t.partition(".")[0] == "adapters")
        for name, targets in GRAPH.items()
        if name in ENGINE and unit(name) != "cors_core.cli"
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_engine_imports_no_web_framework() -> None:
    for name in ENGINE:
        for target in GRAPH[name]:
            top = target.partition(".")[0]
            if top in sys.stdlib_module_names or top in ("cors_core", "adapters"):
                continue
            assert top in ENGINE_THIRD_PARTY, f"{name} imports {target}"
            allowed_in = ENGINE_THIRD_PARTY[top]
            assert allowed_in is None or name in allowed_in, f"{name} imports {target}"


def test_the_server_engine_never_reaches_the_browser_model() -> None:
    for start in SERVER_ENGINE:
        seen: set[str] = set()
        todo = [start]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo += engine_edges(name)
        browser = sorted(
            n for n in seen if n == "cors_core.browser" or n.startswith("cors_core.browser.")
        )
        assert browser == [], f"{start} imports (through its imports) {browser}"


def test_adapters_use_only_public_engine_modules() -> None:
    for name in ADAPTERS:
        private = sorted(t for t in GRAPH[name] if t.startswith("cors_core") and t not in PUBLIC)
        assert private == [], f"{name} imports {private}"


@pytest.mark.parametrize(
    "name", ["adapters.asgi", "adapters.wsgi", "adapters.flask", "adapters.starlette"]
)
def test_protocol_adapters_use_the_integration_interface_only(name: str) -> None:
    engine = sorted(t for t in GRAPH[name] if t.startswith("cors_core"))
    assert set(engine) <= {"cors_core", "cors_core.integration"}, engine


def test_one_home_for_shared_rules() -> None:
    """The "did you mean" helper and the token syntax each live in one module."""
    mine = [*ENGINE.items(), *((n, p) for n, p in ADAPTERS.items() if ".django" not in n)]
    using_difflib = sorted(name for name, _ in mine if "difflib" in GRAPH[name])
    assert using_difflib == ["cors_core._text"]
    token_syntax = "!#$%&'*+\\-.^_`|~0-9A-Za-z"
    defining = sorted(name for name, path in mine if token_syntax in path.read_text())
    assert defining == ["cors_core._fetch"]
