"""Headless Debian Chromium, driven by Playwright from a thread of its own.

Playwright's *sync* API keeps an event loop registered on the calling thread for as
long as the browser lives, which makes every later ``asyncio.run()`` in the same
pytest process fail ("cannot be called from a running event loop"). So the *async*
API runs here on a private loop in a daemon thread, and the tests call it through
:meth:`Chromium.run`, which waits a bounded time for each step.

Usage::

    browser = Chromium.launch()
    tab = browser.open("http://localhost:8001/")
    result = tab.fetch("http://127.0.0.1:8000/items", method="PUT")
    assert result.error == "TypeError: Failed to fetch"   # blocked by CORS
    tab.close()
    browser.close()
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Upper bound for one browser step (navigation, a fetch, a click) seen from the test.
STEP_TIMEOUT = 30.0
#: Playwright's own timeouts (ms): half the step bound, so its clearer error comes first.
PLAYWRIGHT_TIMEOUT_MS = STEP_TIMEOUT * 500

T = TypeVar("T")

# Runs in the page. A CORS failure (blocked preflight or failed CORS check) rejects
# fetch() with a TypeError whose message hides the reason, exactly as a page sees it.
_FETCH_JS = """
async ({url, method, headers, body, credentials, read}) => {
  const init = {method, headers, credentials, mode: "cors", signal: AbortSignal.timeout(10000)};
  if (body !== null) init.body = body;
  try {
    const r = await fetch(url, init);
    const text = await r.text();
    const got = {};
    for (const name of read) got[name] = r.headers.get(name);
    return {ok: r.ok, status: r.status, body: text, headers: got,
            names: [...r.headers.keys()], error: null};
  } catch (e) {
    return {ok: false, status: null, body: null, headers: {}, names: [], error: String(e)};
  }
}
"""


@dataclass(frozen=True)
class Fetched:
    """What page JavaScript got back from one ``fetch()``.

    ``error`` is the rejection (``"TypeError: Failed to fetch"`` when CORS blocks);
    ``headers`` holds ``response.headers.get(name)`` for each name asked for (``None``
    when the browser hides it); ``names`` every header name JavaScript can see.
    """

    ok: bool
    status: int | None
    body: str | None
    headers: Mapping[str, str | None] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    error: str | None = None

    @property
    def blocked(self) -> bool:
        """Whether fetch() rejected (for these tests: the browser's CORS checks failed)."""
        return self.error is not None


class Tab:
    """One page in a fresh browser context (own cookies, HTTP cache and preflight cache)."""

    def __init__(self, browser: Chromium, context: BrowserContext, page: Page) -> None:
        self._browser = browser
        self._context = context
        self.page = page

    def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        body: str | None = None,
        credentials: str = "same-origin",
        read: Sequence[str] = (),
    ) -> Fetched:
        """Run ``fetch(url, {method, headers, body, credentials, mode: "cors"})`` in the page."""
        arg = {
            "url": url,
            "method": method,
            "headers": dict(headers or {}),
            "body": body,
            "credentials": credentials,
            "read": list(read),
        }
        raw: dict[str, Any] = self._browser.run(self.page.evaluate(_FETCH_JS, arg))
        return Fetched(
            ok=raw["ok"],
            status=raw["status"],
            body=raw["body"],
            headers=raw["headers"],
            names=tuple(raw["names"]),
            error=raw["error"],
        )

    def click(self, selector: str) -> None:
        """Click the element ``selector`` matches."""
        self._browser.run(self.page.click(selector, timeout=PLAYWRIGHT_TIMEOUT_MS))

    def wait_for(self, selector: str) -> None:
        """Wait until an element matches ``selector`` (e.g. ``"#result-x[data-outcome]"``)."""
        self._browser.run(
            self.page.wait_for_selector(selector, state="attached", timeout=PLAYWRIGHT_TIMEOUT_MS)
        )

    def attribute(self, selector: str, name: str) -> str | None:
        """The attribute ``name`` of the element ``selector`` matches (None when absent)."""
        value: str | None = self._browser.run(self.page.get_attribute(selector, name))
        return value

    def text(self, selector: str) -> str:
        """The text content of the element ``selector`` matches."""
        value: str | None = self._browser.run(self.page.text_content(selector))
        return value or ""

    def close(self) -> None:
        """Close the page and its context."""
        self._browser.run(self._context.close())


class Chromium:
    """One Chromium process for the whole suite, its Playwright loop on a private thread."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="e2e-chromium", daemon=True
        )
        self._thread.start()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    @classmethod
    def launch(cls) -> Chromium:
        """Start Playwright and Debian's Chromium (headless, the CI-safe flags)."""
        self = cls()
        try:
            self._playwright, self._browser = self.run(self._start())
        except BaseException:
            self.close()
            raise
        return self

    @staticmethod
    async def _start() -> tuple[Playwright, Browser]:
        from playwright.async_api import async_playwright

        playwright = await async_playwright().start()
        try:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_FLAGS)
            )
        except BaseException:
            await playwright.stop()
            raise
        return playwright, browser

    @property
    def version(self) -> str:
        """The browser's version string."""
        assert self._browser is not None
        return self._browser.version

    def run(self, step: Coroutine[Any, Any, T], timeout: float = STEP_TIMEOUT) -> T:
        """Run one Playwright coroutine on the browser thread and wait for its result."""
        return asyncio.run_coroutine_threadsafe(step, self._loop).result(timeout)

    def open(self, url: str, cookies: Sequence[Mapping[str, Any]] = ()) -> Tab:
        """Open ``url`` in a new context (with ``cookies`` added first) and wait for it."""
        return self.run(self._open(url, cookies))

    async def _open(self, url: str, cookies: Sequence[Mapping[str, Any]]) -> Tab:
        assert self._browser is not None
        context = await self._browser.new_context()
        try:
            if cookies:
                await context.add_cookies([dict(c) for c in cookies])  # type: ignore[misc]
            page = await context.new_page()
            page.set_default_timeout(PLAYWRIGHT_TIMEOUT_MS)
            await page.goto(url)
        except BaseException:
            await context.close()
            raise
        return Tab(self, context, page)

    def close(self) -> None:
        """Close the browser and Playwright, then stop the loop thread."""
        try:
            if self._browser is not None:
                self.run(self._browser.close())
            if self._playwright is not None:
                self.run(self._playwright.stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            if not self._thread.is_alive():
                self._loop.close()
