"""The migration pages say what the tests hold.

- every test a migration page names exists (a sentence "the peer does X" names the test
  that runs the peer beside ours);
- every migration page says that a ``*`` policy answers requests without ``Origin``, and
  names the test that shows it beside its peer;
- the Django pages file each check under the id the checks report;
- the FastAPI page points starlette users to the one-import drop-in.

The lists of the peers' public names (:func:`peer_names`) are read from the installed
peers; ``tests/integration/test_migration_requirements.py`` checks each is on its page.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

from tests.docs.test_docs_examples import ROOT

DOCS = ROOT / "docs"
PAGES = {
    "flask-cors": DOCS / "migrate-flask-cors.md",
    "django-cors-headers": DOCS / "migrate-django-cors-headers.md",
    "starlette": DOCS / "migrate-starlette.md",
}
#: The test that shows, beside the peer, what a ``*`` policy answers without ``Origin``.
WILDCARD_WITHOUT_ORIGIN = {
    "flask-cors": "test_flask_cors_answers_requests_without_origin_too",
    "django-cors-headers": "test_django_cors_headers_never_answers_requests_without_origin",
    "starlette": "test_a_wildcard_policy_answers_requests_without_origin",
}
#: ``path::name`` or a bare ``test_name`` in backticks.
_CITED = re.compile(r"`(?:(tests/[\w/]+\.py)::)?(test_\w+)`")
#: Names a peer module defines for its own use (its logger, typing helpers).
_NOT_PUBLIC = {"annotations", "settings", "TYPE_CHECKING", "LOG", "F", "rootlogger"}


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def _all_tests() -> dict[str, set[str]]:
    return {
        str(path.relative_to(ROOT)): _tests_in(path) for path in (ROOT / "tests").rglob("test_*.py")
    }


def peer_names(package: str) -> set[str]:
    """Every public name a peer's modules define (``module.name``, where it is assigned or
    defined, not where it is imported): its classes and functions, and its constants
    (header names, defaults, signals), plus the names its ``__all__`` exports."""
    root = importlib.import_module(package)
    modules = [root] + [
        importlib.import_module(f"{package}.{info.name}")
        for info in pkgutil.iter_modules(root.__path__)
    ]
    found: set[str] = set()
    for module in modules:
        tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            else:
                continue
            found |= {
                f"{module.__name__}.{name}"
                for name in names
                if not name.startswith("_") and name not in _NOT_PUBLIC
            }
    found |= {f"{package}.{name}" for name in getattr(root, "__all__", ())}
    return found


@pytest.mark.parametrize("peer", list(PAGES))
def test_every_test_a_migration_page_names_exists(peer: str) -> None:
    tests = _all_tests()
    everywhere = set().union(*tests.values())
    page = PAGES[peer].read_text(encoding="utf-8")
    cited = _CITED.findall(page)
    assert cited, "the page names the tests that hold it"
    missing = [
        f"{path}::{name}" if path else name
        for path, name in cited
        if name not in (tests.get(path, set()) if path else everywhere)
    ]
    assert missing == []


@pytest.mark.parametrize("peer", list(PAGES))
def test_every_migration_page_says_what_star_answers_without_origin(peer: str) -> None:
    page = PAGES[peer].read_text(encoding="utf-8")
    test = WILDCARD_WITHOUT_ORIGIN[peer]
    blocks = re.split(r"\n\s*\n|\n(?=- |\|)", page)  # paragraphs, list items, rows
    paragraph = next((p for p in blocks if f"`{test}`" in p), None)
    assert paragraph is not None, f"the page names {test}"
    flat = " ".join(paragraph.split())
    assert "without `Origin`" in flat, flat
    assert "`Access-Control-Allow-Origin: *`" in flat, flat


def _system_check_rows() -> dict[str, str]:
    """The ``cors_core`` ids of docs/django.md's system-check table, and their rows."""
    page = (DOCS / "django.md").read_text(encoding="utf-8")
    section = page.split("## System checks", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        found = re.match(r"\| `cors_core\.([EW]\d{3})`( / `([EW]\d{3})`)? \|", line)
        if found:
            rows["cors_core." + found.group(1)] = line
            if found.group(3):
                rows["cors_core." + found.group(3)] = line
    return rows


#: (settings, what the django.md row of its id says about it).
FILED = [
    ({"CORS_ALLOW_ALL_ORIGINS": "yes"}, "`CORS_ALLOW_ALL_ORIGINS` not a bool"),
    (
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_PRIVATE_NETWORK": True},
        "private network access with every origin",
    ),
    (
        {"CORS_ALLOWED_ORIGINS": ["https://app.example.com"], "CORS_ALLOW_CREDENTIALS": "yes"},
        "`CORS_ALLOW_CREDENTIALS`",
    ),
    ({"CORS_ALLOWED_ORIGNS": ["https://app.example.com"]}, "does not exist"),
]


@pytest.mark.parametrize(("settings", "said"), FILED)
def test_the_django_page_files_each_problem_under_the_id_reported(
    settings: dict[str, object], said: str
) -> None:
    import tests.integration.conftest  # noqa: F401  (configures Django)
    from adapters.django.checks import check_cors_settings
    from tests.integration.django_support import cors_settings

    project = {"MIDDLEWARE": ["adapters.django.CORSMiddleware"]}
    with cors_settings(project, **settings):
        ids = {m.id for m in check_cors_settings() if m.id.startswith("cors_core.E")}
    (reported,) = ids
    rows = _system_check_rows()
    assert said in rows[reported], (reported, rows[reported])
    others = [i for i, row in rows.items() if said in row and row != rows[reported]]
    assert others == [], "filed under one id only"


def test_the_django_pages_say_private_network_with_every_origin_is_refused() -> None:
    for name in ("django.md", "migrate-django-cors-headers.md"):
        page = (DOCS / name).read_text(encoding="utf-8")
        row = next(r for r in page.splitlines() if r.startswith("| `CORS_ALLOW_PRIVATE_NETWORK` |"))
        assert re.search(r"[Rr]efused (together )?with `CORS_ALLOW_ALL_ORIGINS", row), name


def test_the_fastapi_page_points_starlette_users_to_the_drop_in() -> None:
    page = (DOCS / "fastapi-starlette.md").read_text(encoding="utf-8")
    assert "from adapters.starlette import CORSMiddleware" in page
    assert "(migrate-starlette.md)" in page
    flat = " ".join(page.split())
    assert "one import" in flat
