"""The built manual in Chromium at 1,400 x 900: no code block scrolls sideways, and the
performance chart's text is legible at the size the page draws it.

The site is built as CI builds it (``mkdocs build --strict``) into a temporary directory,
under the path of ``site_url`` (``/cors-core/``) so that even ``404.html``, whose links are
absolute, finds its stylesheets. ``http.server`` serves it on 127.0.0.1. Every other
address is refused in the browser: the theme's web fonts come from the network, and the
measurements must not depend on it (the fallback monospace font, DejaVu Sans Mono here, is
as wide as Roboto Mono: 0.6 em a character).

Checked on every built page:

- no ``pre`` or ``code`` element is wider inside than its box (``scrollWidth >
  clientWidth``): the grid of ``docs/assets/extra.css`` fits the 88 columns that
  ``tests/docs/test_line_length.py`` allows, and blocks that show a session (console or
  prompt, with program output) wrap their longer lines as a terminal does;
- on the performance page, the chart's smallest text (read from the SVG as served) times
  the image's scale on the page (rendered width / its viewBox width) is at least
  :data:`LEGIBLE_PX`.

Run alone: ``uv run --group docs pytest tests/e2e/test_docs_layout.py -m browser``.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.docs.test_chart import smallest_text
from tests.e2e.chromium import Chromium, Tab

if TYPE_CHECKING:
    from playwright.async_api import ViewportSize

#: Builds the whole site with mkdocs first (tooling, like the chart): CI runs it with `-m slow`.
pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
#: The smallest chart text, in CSS px on the page, that still reads comfortably.
LEGIBLE_PX = 11.0
CHART = "overhead-vs-origins.svg"

# Every <pre> and <code> whose content is wider than its box: the block's first line,
# its longest line's length and by how many px it overflows.
_OVERFLOWS_JS = """
async () => {
  await document.fonts.ready;
  const found = [];
  for (const el of document.querySelectorAll("pre, code")) {
    if (el.scrollWidth > el.clientWidth) {
      const lines = (el.textContent || "").split("\\n");
      found.push({
        tag: el.tagName.toLowerCase(),
        first: lines[0],
        columns: Math.max(...lines.map((line) => line.length)),
        overflow: el.scrollWidth - el.clientWidth,
      });
    }
  }
  return found;
}
"""

# The chart's <img>: its rendered width and its natural width, once it has loaded.
_CHART_JS = """
async (name) => {
  const img = [...document.images].find((i) => i.src.endsWith("/" + name));
  if (!img) return null;
  await img.decode();
  return {rendered: img.getBoundingClientRect().width, natural: img.naturalWidth,
          src: img.src};
}
"""


@dataclass(frozen=True)
class Site:
    """The built site on disk and the URL it is served at."""

    root: Path  # the directory holding index.html
    url: str  # ends with "/"

    def pages(self) -> list[str]:
        """The URL of every built HTML page, ``index.html`` pages by their directory."""
        urls = []
        for path in sorted(self.root.rglob("*.html")):
            rel = path.relative_to(self.root).as_posix()
            urls.append(self.url + (rel.removesuffix("index.html")))
        return urls


def _site_path() -> str:
    """The path of ``site_url`` in ``mkdocs.yml`` (``/cors-core/``), read without YAML."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^site_url:\s*(\S+)\s*$", text, re.MULTILINE)
    return urlsplit(match.group(1)).path if match else "/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(chromium: Chromium, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """``mkdocs build --strict`` into a temporary directory, served on 127.0.0.1."""
    for module in ("mkdocs", "material"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not importable: `uv sync --group docs` installs it")
    top = tmp_path_factory.mktemp("site")
    prefix = _site_path()
    built = top / prefix.strip("/")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(built)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}{done.stderr}"
    handler = functools.partial(_QuietHandler, directory=str(top))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="docs-site", daemon=True)
    thread.start()
    try:
        yield Site(built, f"http://127.0.0.1:{server.server_port}{prefix}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def tab(chromium: Chromium, site: Site) -> Iterator[Tab]:
    """One page at 1,400 x 900 that may load from the local site only."""
    tab = chromium.open(site.url)
    parts = urlsplit(site.url)
    origin = f"{parts.scheme}://{parts.netloc}/"

    async def local_only(route: Any) -> None:
        if route.request.url.startswith(origin):
            await route.continue_()
        else:
            await route.abort()

    chromium.run(tab.page.route("**/*", local_only))
    chromium.run(tab.page.set_viewport_size(VIEWPORT))
    try:
        yield tab
    finally:
        tab.close()


def _visit(chromium: Chromium, tab: Tab, url: str) -> None:
    response = chromium.run(tab.page.goto(url, wait_until="load"))
    assert response is not None and response.status == 200, (url, response)


def test_the_site_has_every_page(site: Site) -> None:
    """The loop below sees the whole manual: one built page per ``docs/*.md``, plus 404."""
    pages = site.pages()
    assert len(pages) == len(list((ROOT / "docs").glob("*.md"))) + 1, pages
    assert site.url + "performance/" in pages


def test_no_code_block_scrolls_sideways(chromium: Chromium, site: Site, tab: Tab) -> None:
    problems = []
    for url in site.pages():
        _visit(chromium, tab, url)
        width = chromium.run(tab.page.evaluate("window.innerWidth"))
        assert width == VIEWPORT["width"], (url, width)
        for found in chromium.run(tab.page.evaluate(_OVERFLOWS_JS)):
            page = url.removeprefix(site.url) or "index"
            problems.append(
                f"{page}: <{found['tag']}> overflows by {found['overflow']} px "
                f"(longest line {found['columns']} columns): {found['first'][:60]!r}"
            )
    assert not problems, (
        f"{len(problems)} code blocks scroll sideways at {VIEWPORT['width']} px:\n"
        + "\n".join(problems)
    )


def test_chart_text_is_legible_on_the_page(chromium: Chromium, site: Site, tab: Tab) -> None:
    _visit(chromium, tab, site.url + "performance/")
    img = chromium.run(tab.page.evaluate(_CHART_JS, CHART))
    assert img is not None, f"no <img> of {CHART} on the performance page"
    assert img["natural"] > 0, img
    svg = chromium.run(tab.page.request.get(img["src"]))
    view_width, smallest = smallest_text(chromium.run(svg.text()))
    # naturalWidth is the SVG's width attribute in CSS px (504pt -> 672 px); the page may
    # draw the image narrower (max-width: 100%), never wider.
    scale = img["rendered"] / view_width
    shown = smallest * scale
    assert shown >= LEGIBLE_PX, (
        f"the chart's smallest text shows at {shown:.1f} px (font-size {smallest} in a "
        f"{view_width}-unit-wide SVG drawn {img['rendered']:.0f} px wide, natural "
        f"{img['natural']} px): at least {LEGIBLE_PX} px reads"
    )
