"""The window is usable before its payments are (issue 17): a cashier builds the sale while
the journal and the providers start; Pay says "Starting…" until they are ready."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pos_app.localserver import LocalServer
from pos_app.sandbox.app import build_app
from tests.window import flows
from tests.window.conftest import MakeApp
from tests.window.xsession import XSession, wait_until

CREDENTIALS = "/_sandbox/credentials"  # what a training start asks its sandboxes first


@contextmanager
def held_sandbox(release: threading.Event) -> Iterator[str]:
    """Training sandboxes that answer a register's first question only once ``release`` is
    set: the register's start waits there, as a slow disk or network would keep it."""
    app, sandbox = build_app(None)

    async def held(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == CREDENTIALS:
            await asyncio.get_running_loop().run_in_executor(None, release.wait, 60)
        await app(scope, receive, send)

    server = LocalServer(held, host="127.0.0.1", port=0, name="held-sandbox")
    sandbox.base_url = server.start()
    try:
        yield sandbox.base_url
    finally:
        release.set()
        server.stop()


def test_a_sale_is_built_while_the_till_starts_and_paid_once_it_has(make_app: MakeApp) -> None:
    release = threading.Event()
    with held_sandbox(release) as url:
        app = make_app(start=False)
        app.args_extra += ["--sandbox-url", url]
        app.start(running=False)
        snap = app.snapshot()
        assert not snap.running
        assert snap.get("payButton").text == "Starting…"
        assert not snap.get("historyButton").enabled  # its screens need the journal

        app.focus_on("amountField")
        app.type("150")
        app.key("Return")
        app.wait(lambda s: "150,00" in s.text("saleTotal"), what="the line typed at the start")
        snap = app.snapshot()
        assert not snap.get("payButton").enabled
        app.key("Return")  # Enter on the empty field pays: not yet, and it says so
        app.wait(lambda s: "starting" in s.text("saleMessage"), what="why Pay waits")
        app.shot("starting")
        assert not app.snapshot().running

        release.set()
        snap = app.wait(lambda s: s.running, what="the payments")
        assert snap.get("payButton").text == "Pay"
        assert snap.get("payButton").enabled
        assert "150,00" in flows.total(app)  # the sale typed meanwhile is kept
        flows.checkout(app)
        flows.pay_by_koshelek(app)


def _windows_named(x: XSession, name: str) -> list[str]:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name],
                           env=x.env(), capture_output=True, text=True, timeout=30)
    return found.stdout.split()


def test_a_second_copy_says_the_till_is_open_and_shows_no_sale_screen(
        make_app: MakeApp, tmp_path: Path) -> None:
    """A second copy painted a whole sale screen over the first, then refused with advice
    to try again "when it has finished" (the open window never finishes)."""
    first = make_app()
    flows.add_amount(first, "321")
    second_home = tmp_path / "second"
    env = {**first.x.env(), "QT_QPA_PLATFORM": "xcb",
           "POS_APP_CONFIG": str(first.folder / "config" / "terminal.toml"),
           "POS_APP_DATA_DIR": str(first.folder / "data"),  # the same till's journal
           "POS_APP_LOG_DIR": str(second_home / "logs"),
           "XDG_CONFIG_HOME": str(second_home / "xdg"),
           "XDG_CACHE_HOME": str(second_home / "cache"),
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    second = subprocess.Popen([sys.executable, "-m", "pos_app", "--demo"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: bool(_windows_named(first.x, "pos-app is already open")),
                   timeout=30, what="the second copy's message")
        first.shot("second-copy")
        assert len(_windows_named(first.x, "Cashier")) == 1  # only the first's
        first.x.key("Return")
        assert second.wait(timeout=30) == 2
    finally:
        if second.poll() is None:
            second.kill()
    snap = first.wait(lambda s: s.running, what="the first window, untouched")
    assert "321,00" in snap.text("saleTotal")


def test_the_first_run_setup_fits_the_screen_and_says_what_stops_the_start(
        make_app: MakeApp) -> None:
    """Live mode with a configuration that cannot be used yet: on a 1024×768 till the setup
    was 800 px tall ("Save and start" below the screen's edge) and said there was no
    configuration at all."""
    app = make_app(start=False)
    app.training = False  # a configuration without providers or secrets
    app.start(sale_screen=False)
    snap = app.wait(lambda s: s.has_window("firstRunScreen"), what="the first-run setup")
    app.shot("setup")
    window = snap.window("firstRunScreen")
    assert window is not None
    x, y, width, height = window["rect"]
    assert y + height <= 768, window["rect"]
    assert x + width <= 1024, window["rect"]
    start = snap.get("firstRunStart")
    assert start.whole_on_screen, start
    assert start.rect[1] + start.rect[3] <= 768
    assert "cannot be used yet" in snap.text("firstRunIntro")
    assert snap.text("firstRunProblem")  # the reason, in red


def test_two_copies_started_together_show_one_till(make_app: MakeApp, tmp_path: Path) -> None:
    """A double click on the icon: both copies painted a sale screen, the one on top took
    the sale, then refused and closed with it."""
    app = make_app(start=False)
    config = app.write_config()
    env = {**app.x.env(), "QT_QPA_PLATFORM": "xcb", "POS_APP_CONFIG": str(config),
           "POS_APP_DATA_DIR": str(tmp_path / "data"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    copies = [subprocess.Popen(
        [sys.executable, "-m", "pos_app", "--demo"],
        env=env | {"POS_APP_LOG_DIR": str(tmp_path / f"logs{n}"),
                   "XDG_CONFIG_HOME": str(tmp_path / f"xdg{n}"),
                   "XDG_CACHE_HOME": str(tmp_path / f"cache{n}")},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for n in (1, 2)]
    most = 0

    def refused() -> bool:
        nonlocal most
        most = max(most, len(_windows_named(app.x, "Cashier")))
        return bool(_windows_named(app.x, "pos-app is already open"))

    try:
        wait_until(refused, timeout=30, what="one copy saying the till is open")
        app.shot("two-copies")

        def answered() -> bool:
            """OK on the message (the other copy's window, come up after it, may have had
            the keyboard; a key pressed while the box was still being mapped is lost)."""
            for box in _windows_named(app.x, "pos-app is already open"):
                subprocess.run(["xdotool", "windowactivate", "--sync", box, "key", "Return"],
                               env=app.x.env(), check=False, timeout=30)
            for copy in copies:  # until one ends, or a moment has passed
                with contextlib.suppress(subprocess.TimeoutExpired):
                    copy.wait(timeout=0.5)
                    return True
            return False

        wait_until(answered, timeout=30, what="the refused copy to end")
        assert [c.returncode for c in copies if c.poll() is not None] == [2]
        wait_until(lambda: len(_windows_named(app.x, "Cashier")) == 1,
                   timeout=30, what="the other copy's window")
        assert most <= 1, "the refused copy showed a sale screen"
    finally:
        for copy in copies:
            copy.kill()
            copy.wait()
