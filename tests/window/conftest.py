"""Fixtures of the real-window layer: one X screen per session, an app per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.window import packages
from tests.window.app import App
from tests.window.browser import chromium_fixture
from tests.window.printing import print_queue_fixture
from tests.window.xsession import XSession

# The customer's phone (headless Chromium) and the till's printer (a CUPS queue), for the
# tests that use them.
__all__ = ["chromium_fixture", "print_queue_fixture"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.window)



@pytest.fixture(scope="session", autouse=True)
def debian_packages() -> None:
    """The X server, the print queue and the browser: installed if missing (root, Debian)."""
    left = packages.install()
    if left:
        pytest.fail(packages.advice(left))


@pytest.fixture(scope="session")
def x11(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XSession]:
    """Xvfb at a kiosk's smallest size, 1024×768, with openbox."""
    session = XSession(1024, 768)
    session.start(tmp_path_factory.mktemp("x11"))
    yield session
    session.stop()


MakeApp = Callable[..., App]


@pytest.fixture
def make_app(x11: XSession, tmp_path: Path) -> Iterator[MakeApp]:
    """Start the app on the test's X screen; at the end its log must hold no error."""
    apps: list[App] = []

    def make(*, language: str = "en", config: dict[str, Any] | None = None,
             kiosk: bool = False, env: dict[str, str] | None = None, start: bool = True,
             ) -> App:
        app = App(x11, tmp_path / f"app{len(apps)}", language=language, config=config,
                  kiosk=kiosk)
        app.env_extra.update(env or {})
        apps.append(app)
        return app.start() if start else app

    yield make
    for app in apps:
        app.stop()
    for app in apps:
        assert not app.log_errors(), "\n".join(app.log_errors())
