"""The shape of the code, checked from its import statements (read with ``ast``, so
imports inside functions count as much as the ones at the top of a module).

- ``cors_core`` has no import cycle;
- it imports no adapter (only the CLI layer, which sits on top of everything, may) and no
  web framework;
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
#: The CLI layer: the only part of cors_core that may import adapters (``cors-core demo``).
CLI_LAYER = {"cors_core.cli", "cors_core._cli_demo"}
#: Third-party packages the engine may import (and where): no web framework.
ENGINE_THIRD_PARTY = {"idna": None, "publicsuffixlist": None, "httpx": {"cors_core.cli"}}


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
    assert "adapters.demo" in GRAPH["cors_core._cli_demo"]  # inside a function
    assert "httpx" in GRAPH["cors_core.cli"]  # inside a function


def test_no_import_cycle_in_cors_core() -> None:
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycle = " -> ".join([*trail[trail.index(name) :], name])
            pytest.fail(f"import cycle: {cycle}")
        if name in done:
            return
        for target in sorted(engine_edges(name)):
            visit(target, [*trail, name])
        done.add(name)

    for name in ENGINE:
        visit(name, [])


def test_the_engine_imports_no_adapter_outside_the_cli() -> None:
    offenders = {
        name: sorted(t for t in targets if t.partition(".")[0] == "adapters")
        for name, targets in GRAPH.items()
        if name in ENGINE and name not in CLI_LAYER
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
