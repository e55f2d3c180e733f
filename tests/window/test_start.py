"""The window is usable before its payments are (issue 17): a cashier builds the sale while
the journal and the providers start; Pay says "Starting…" until they are ready."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pos_app.localserver import LocalServer
from pos_app.sandbox.app import build_app
from tests.window import flows
from tests.window.conftest import MakeApp

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
