"""A Pegas-kassa payment over real loopback sockets, paid on the payer page."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import httpx
import pytest

from pos_app.providers.pegas.sandbox import PegasSandbox
from pos_app.sandbox.server import SandboxServer
from tests.e2e.test_koshelek_e2e import finish

pytestmark = pytest.mark.e2e


def test_pay_on_the_payer_page() -> None:
    with SandboxServer() as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "pos_app", "pay", "--demo", "--sandbox-url", server.base_url,
             "--provider", "pegas", "--amount", "1499", "--type", "invoice-select",
             "--customer", "never", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        link = None
        deadline = time.monotonic() + 30
        while link is None and time.monotonic() < deadline:
            match = re.search(r"Payment link: (\S+)", process.stderr.readline())
            link = match.group(1) if match else None
        assert link, "the app never showed the payment link"
        with httpx.Client() as browser:
            page = browser.get(link)
            assert "1499.00 ₽" in page.text
            action = re.search(r'<form method="post" action="([^"]+)"', page.text)
            assert action is not None
            browser.post(httpx.URL(link).join(action.group(1)), data={"action": "pay"})
        code, result = finish(process)
        assert (code, result["state"], result["paid_minor"]) == (0, "PAID", 149900)
        [txn] = server.sandbox.of(PegasSandbox).transactions.values()
        assert (txn.status, str(txn.id)) == ("paid", result["provider_transaction_id"])
