"""A customer's phone for the real-window tests: Debian's Chromium, headless, via Playwright.

Playwright drives the installed ``/usr/bin/chromium`` (``executable_path``); its wheel
carries its own driver, and nothing is downloaded as long as nobody runs
``playwright install``. It is chosen over Selenium because its actions wait by
themselves (a click waits until the button can be clicked and for the page load it
starts) and its text checks retry across page loads, and it needs no second Debian
package (chromedriver).

Playwright's synchronous API marks its own asyncio loop as running on the thread that
uses it, for as long as it is started: on the test thread that would break every
asyncio or qasync test that runs later in the same session. So the browser lives on a
thread of its own and every call is handed to that thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Protocol, TypeVar

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
DEBIAN_PACKAGE = "chromium"
# This machine's closed network makes Chromium's background connections fail (and wait):
# turn them off. Playwright adds --headless (headless=True) and a fresh temporary
# --user-data-dir of its own, which it removes when the browser closes.
FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic")
T = TypeVar("T")


class ChromiumMissing(RuntimeError):
    """The browser is not installed: the message says which Debian package to install."""


class _Runner(Protocol):
    def __call__(self, call: Callable[[], T]) -> T: ...


class BrowserPage:
    """One open page; each method runs on the browser's thread."""

    def __init__(self, run: _Runner, context: BrowserContext,
                 page: Page, status: int | None, timeout: float) -> None:
        self._run = run
        self._context = context
        self._page = page
        self.status = status  # HTTP status of the page as first opened (None: no response)
        self.timeout = timeout

    @property
    def url(self) -> str:
        return self._run(lambda: self._page.url)

    def click(self, css_selector: str) -> None:
        """Click the one element the selector matches, and wait for the page it loads."""
        def click() -> None:
            self._page.locator(css_selector).click()
            self._page.wait_for_load_state("load")
        self._run(click)

    def fill(self, css_selector: str, value: str) -> None:
        """Type ``value`` into the one input the selector matches (a card number, say)."""
        self._run(lambda: self._page.locator(css_selector).fill(value))

    def text(self) -> str:
        """The visible text of the body, as a person reads it."""
        return self._run(lambda: self._page.inner_text("body"))

    def wait_for_text(self, text: str, timeout: float = 10) -> None:
        """Wait until the visible text contains ``text``; an AssertionError after ``timeout``."""
        def wait() -> None:
            expect(self._page.locator("body")).to_contain_text(
                text, timeout=timeout * 1000, use_inner_text=True)
        try:
            self._run(wait)
        except AssertionError as exc:
            raise AssertionError(f"{text!r} not shown on {self.url} within {timeout} s; "
                                 f"the page says:\n{self.text()}") from exc

    def screenshot(self, path: Path) -> Path:
        """The whole page as a PNG at ``path``."""
        self._run(lambda: self._page.screenshot(path=str(path), full_page=True))
        return path

    def close(self) -> None:
        self._run(self._context.close)


class Chromium:
    """One headless Chromium; ``open`` gives each page a fresh context (no shared cookies)."""

    def __init__(self, executable: Path = CHROMIUM, *, timeout: float = 10.0) -> None:
        self.executable = executable
        self.timeout = timeout
        self.startup_seconds = 0.0
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._closed = False

    def _run(self, call: Callable[[], T]) -> T:
        return self._thread.submit(call).result()

    def start(self) -> Chromium:
        if not os.access(self.executable, os.X_OK):
            raise ChromiumMissing(f"{self.executable} is missing: the browser tests need "
                                  f"Debian's package {DEBIAN_PACKAGE!r} "
                                  f"(apt-get install {DEBIAN_PACKAGE})")
        began = time.monotonic()

        def launch() -> None:
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, headless=True, args=list(FLAGS),
                timeout=30_000)
        try:
            self._run(launch)
        except BaseException:
            self.close()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def open(self, url: str, *, desktop: bool = False) -> BrowserPage:
        """Open ``url`` in a new phone-sized page (``desktop``: an office's screen) and wait
        until it has loaded."""
        def open_page() -> BrowserPage:
            assert self._browser is not None, "Chromium.start() first"
            # A small phone, in Russian: what a customer holds up to the register.
            phone = {"viewport": {"width": 412, "height": 860}, "is_mobile": True,
                     "has_touch": True}
            context = self._browser.new_context(
                **({"viewport": {"width": 1280, "height": 900}} if desktop else phone),
                locale="ru-RU")
            context.set_default_timeout(self.timeout * 1000)
            page = context.new_page()
            response = page.goto(url, wait_until="load")
            return BrowserPage(self._run, context, page,
                               response.status if response else None, self.timeout)
        return self._run(open_page)

    def close(self) -> None:
        """Close the browser (and its pages), the driver, and the thread; safe to repeat."""
        if self._closed:
            return
        self._closed = True

        def stop() -> None:
            if self._browser is not None:
                self._browser.close()
                self._browser = None
            if self._playwright is not None:
                self._playwright.stop()
                self._playwright = None
        try:
            self._run(stop)
        finally:
            self._thread.shutdown(wait=True)

    def __enter__(self) -> Chromium:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


@pytest.fixture(scope="session", name="chromium")
def chromium_fixture() -> Iterator[Chromium]:
    """One browser for the session (starting one takes about half a second).

    Import ``chromium_fixture`` into a test module or conftest to make ``chromium``
    available there.
    """
    try:
        browser = Chromium().start()
    except ChromiumMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield browser
    finally:
        browser.close()
