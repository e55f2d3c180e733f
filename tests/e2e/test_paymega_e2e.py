"""A Paymega payment over real loopback sockets, paid on the payer page by an HTTP client."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import httpx
import pytest

from pos_app.providers.paymega.sandbox import PaymegaSandbox
from pos_app.sandbox.server import SandboxServer
from tests.e2e.test_koshelek_e2e import finish

pytestmark = pytest.mark.e2e


def test_pay_on_the_payer_page() -> None:
    with SandboxServer() as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "pos_app", "pay", "--demo", "--sandbox-url", server.base_url,
             "--provider", "paymega", "--amount", "1499", "--customer", "never", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        link = None
        deadline = time.monotonic() + 30
        while link is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            match = re.search(r"Payment link: (\S+)", line)
            link = match.group(1) if match else None
        assert link, "the app never showed the payment link"
        with httpx.Client() as browser:  # what a phone does after scanning the QR
            page = browser.get(link)
            assert "1499.00 RUB" in page.text
            action = re.search(r'<form method="post" action="([^"]+)"', page.text)
            assert action is not None
            done = browser.post(action.group(1), data={"action": "pay",
                                                       "card_number": "5519283812030000",
                                                       "card_expiry": "1230"})
            assert "Оплата прошла успешно" in done.text
        code, result = finish(process)
        assert (code, result["state"], result["paid_minor"]) == (0, "PAID", 149900)
        [invoice] = server.sandbox.of(PaymegaSandbox).invoices.values()
        assert invoice.status == "processed"
