"""The documentation's shape: the README stays a front page, every page is in the site's
navigation, and links from the README lead somewhere.

Links between the pages of ``docs/`` (and their anchors) are checked by
``mkdocs build --strict``, which CI runs before the tests.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"

_NAV_PAGE = re.compile(r"^\s*-\s*(?:[^:\n]+:\s*)?([\w./-]+\.md)\s*$", re.MULTILINE)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def nav_pages() -> set[str]:
    """The pages listed in ``mkdocs.yml``'s ``nav`` (read without a YAML parser)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return set(_NAV_PAGE.findall(text.split("\nnav:", 1)[1]))


def test_readme_is_a_front_page() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300, f"README.md has {len(lines)} lines: move details into docs/"


def test_readme_gives_the_two_commands_as_written() -> None:
    text = README.read_text(encoding="utf-8")
    assert re.search(r"^uv run --no-dev --extra demo cors-core demo(\s+#.*)?$", text, re.MULTILINE)
    assert re.search(r"^uv run pytest(\s+#.*)?$", text, re.MULTILINE)


def test_every_page_is_in_the_navigation() -> None:
    pages = {p.name for p in DOCS.glob("*.md")}
    assert pages - nav_pages() == set()


def test_the_navigation_starts_with_the_getting_started_page() -> None:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert _NAV_PAGE.findall(text.split("\nnav:", 1)[1])[0] == "index.md"


def test_readme_links_resolve() -> None:
    for target in _LINK.findall(README.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # external, or an anchor of the README itself
        path = target.split("#", 1)[0]
        if path.startswith("docs/") and path.endswith(".md"):
            # A page of the site: the strict build proves every nav page exists.
            assert path.removeprefix("docs/") in nav_pages(), target
        else:
            assert (ROOT / path).exists(), target


def test_the_chart_is_in_the_performance_page() -> None:
    page = (DOCS / "performance.md").read_text(encoding="utf-8")
    assert "](assets/overhead-vs-origins.svg)" in page
    assert "uv run python -m benchmarks.chart" in page
    assert (DOCS / "assets" / "overhead-vs-origins.svg").read_text().lstrip().startswith("<?xml")
