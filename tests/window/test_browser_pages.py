"""The sandboxes' payer pages in a real headless Chromium, pressed as a customer's phone would.

The real-window tests pay through these pages; this shows the browser helper can: the
sandbox runs as its own process (``pos-app sandbox``), invoices are made through the
providers' APIs as the app makes them, and the provider's own ledger says what the click did.
"""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.window.browser import Chromium, ChromiumMissing

PAYING_CARD = "5519283812030000"  # the spec's test card that pays
DECLINED_CARD, NO_FUNDS_EXPIRY = "4302912837020000", "0529"  # "insufficient funds"


def _first_line(process: subprocess.Popen[bytes], timeout: float) -> bytes:
    """The process's first line of output, or a failure once ``timeout`` seconds pass."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while b"\n" not in buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"the sandbox printed no line within {timeout} s")
            if selector.select(left):
                chunk = os.read(process.stdout.fileno(), 65536)
                if not chunk:
                    pytest.fail(f"the sandbox exited ({process.wait()}) before it was ready")
                buffer += chunk
    return buffer.split(b"\n", 1)[0]


@pytest.fixture(scope="module")
def sandbox_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``pos-app sandbox`` as a process of its own; yields its line (URL, credentials)."""
    home = tmp_path_factory.mktemp("sandbox")
    env = {**os.environ, "POS_APP_DATA_DIR": str(home / "data"),
           "POS_APP_LOG_DIR": str(home / "logs")}
    with (home / "stderr.txt").open("wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "pos_app", "sandbox", "--port", "0"],
                                   stdout=subprocess.PIPE, stderr=stderr, env=env)
        try:
            ready = json.loads(_first_line(process, timeout=30))
            assert ready["ready"] is True, ready
            yield ready
        finally:
            process.terminate()  # SIGTERM: the sandbox stops its server and exits
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            assert process.stdout is not None
            process.stdout.close()


def _control(sandbox: dict[str, Any], path: str) -> Any:
    """A sandbox control route (``/_sandbox/...``): the provider's own truth."""
    answer = httpx.get(f"{sandbox['base_url']}/_sandbox{path}", timeout=10)
    answer.raise_for_status()
    return answer.json()


def _paymega_invoice(sandbox: dict[str, Any], amount: str, description: str) -> dict[str, Any]:
    """An invoice made as the app makes it: private JSON:API, Basic auth, card service."""
    paymega = sandbox["paymega"]
    attributes = {"reference_id": f"till-1-{uuid.uuid4().hex[:12]}",
                  "service": "payment_card_rub_hpp", "currency": "RUB",
                  "amount": float(amount), "test_mode": False, "description": description,
                  "metadata": {"till": "till-1", "order": "browser-test"}}
    answer = httpx.post(f"{paymega['base_url']}/api/payment-invoices",
                        json={"data": {"type": "payment-invoices", "attributes": attributes}},
                        auth=(paymega["login"], paymega["password"]),
                        headers={"Accept": "application/json"}, timeout=10)
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def _paymega_status(sandbox: dict[str, Any], invoice_id: str) -> str:
    [invoice] = [i for i in _control(sandbox, "/paymega/invoices") if i["id"] == invoice_id]
    return str(invoice["status"])


@pytest.mark.parametrize("entry", ["flow_data.action", "hpp"])
def test_paymega_payer_page_pays_with_the_test_card(
        chromium: Chromium, sandbox_process: dict[str, Any], tmp_path: Path,
        entry: str) -> None:
    """Both ways a payer reaches the page (the invoice's action, the hosted page) can pay."""
    invoice = _paymega_invoice(sandbox_process, "1499.00", "Покупка: молоко и хлеб")
    url = invoice["attributes"]["flow_data"]["action"] if entry == "flow_data.action" \
        else f"{sandbox_process['paymega']['hpp_url']}?cpi={invoice['id']}"
    page = chromium.open(url)
    assert page.status == 200
    page.wait_for_text("1499.00 RUB")
    assert "Покупка: молоко и хлеб" in page.text()
    assert "process_pending" in page.text()
    page.screenshot(tmp_path / "paymega-before.png")

    page.fill("#card_number", PAYING_CARD)
    page.fill("#card_expiry", "1230")
    page.click("#pay")
    page.wait_for_text("Оплата прошла успешно.")
    page.screenshot(tmp_path / "paymega-after.png")
    page.close()
    assert _paymega_status(sandbox_process, invoice["id"]) == "processed"


def test_paymega_card_typed_on_the_page_reaches_paymega(
        chromium: Chromium, sandbox_process: dict[str, Any]) -> None:
    """The card fields are really sent: the declining test card declines."""
    invoice = _paymega_invoice(sandbox_process, "250.00", "Отказ по карте")
    page = chromium.open(invoice["attributes"]["flow_data"]["action"])
    page.fill("#card_number", DECLINED_CARD)
    page.fill("#card_expiry", NO_FUNDS_EXPIRY)
    page.click("#pay")
    page.wait_for_text("Оплата не прошла.")
    page.close()
    assert _paymega_status(sandbox_process, invoice["id"]) == "process_failed"


def test_pegas_payer_page_pays(chromium: Chromium, sandbox_process: dict[str, Any],
                               tmp_path: Path) -> None:
    """A Pegas-kassa deposit made as the app makes it (GET, token in the query) is paid."""
    pegas = sandbox_process["pegas"]
    order_id = f"till-1-{uuid.uuid4().hex[:12]}"
    answer = httpx.get(f"{pegas['base_url']}/deposit", timeout=10, params={
        "token": pegas["token"], "amount": "1499.00", "order_id": order_id,
        "type": "invoice-select", "ttl": "30"})
    assert answer.status_code == 200, answer.text
    deposit = answer.json()
    assert deposit["errors"] == []

    page = chromium.open(deposit["url"])
    assert page.status == 200
    page.wait_for_text("1499.00 ₽")
    assert order_id in page.text()
    assert "waiting" in page.text()
    page.screenshot(tmp_path / "pegas-before.png")

    page.click("#pay")
    page.wait_for_text("Оплата прошла.")
    page.screenshot(tmp_path / "pegas-after.png")
    page.close()
    [txn] = [t for t in _control(sandbox_process, "/pegas/transactions")
             if t["id"] == deposit["id"]]
    assert (txn["status"], txn["order_id"]) == ("paid", order_id)


def test_wait_for_text_fails_naming_what_the_page_says(chromium: Chromium,
                                                        sandbox_process: dict[str, Any]) -> None:
    """A text that never comes fails after the timeout, with the page's text to debug by."""
    page = chromium.open(f"{sandbox_process['paymega']['hpp_url']}?cpi=cpi_nothing")
    assert page.status == 404
    with pytest.raises(AssertionError, match="Нет такого счёта"):
        page.wait_for_text("Оплатить", timeout=0.5)
    page.close()


def test_the_test_thread_keeps_no_event_loop(chromium: Chromium) -> None:
    """Playwright's sync API would leave its loop 'running' here and break asyncio tests."""
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    assert asyncio.run(asyncio.sleep(0, result="ok")) == "ok"


def test_a_missing_browser_names_the_debian_package(tmp_path: Path) -> None:
    with pytest.raises(ChromiumMissing, match=r"apt-get install chromium"):
        Chromium(tmp_path / "chromium").start()
