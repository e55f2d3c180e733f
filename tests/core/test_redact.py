from __future__ import annotations

import logging
from pathlib import Path

from pos_app.core.logs import setup_logging
from pos_app.redact import redact, redact_url, register_secret


def test_patterns() -> None:
    assert redact("GET /api/v1/deposit?token=abc123&amount=5") == \
        "GET /api/v1/deposit?token=***&amount=5"
    assert "s3cr3t" not in redact("Authorization: Basic czNjcjN0")
    assert "czNjcjN0" not in redact("{'authorization': 'Basic czNjcjN0'}")
    assert redact('{"password": "hunter22"}') == '{"password": "***"}'
    assert redact("https://user:pw@host/x") == "https://***@host/x"


def test_url() -> None:
    assert redact_url("https://h/p?token=SECRET&order_id=1") == "https://h/p?token=***&order_id=1"


def test_registered_values_vanish_from_log_files(tmp_path: Path) -> None:
    register_secret("Zq9-very-secret-value")
    path = setup_logging(tmp_path, console_level=None, file_name="t.log")
    log = logging.getLogger("pos_app.test")
    log.warning("login with %s", "Zq9-very-secret-value")
    try:
        raise RuntimeError("failed with token=abc and Zq9-very-secret-value")
    except RuntimeError:
        log.exception("boom")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "Zq9-very-secret-value" not in text
    assert "token=abc" not in text
    assert text.count("***") >= 3


def test_a_customers_numbers_are_not_logged() -> None:
    """A payout's card or phone number travels in Pegas-kassa's query string; never logged."""
    url = ("https://pegas.example/api/v1/withdrawal?token=t0k3n&amount=50.00&method=card"
           "&number=4111111111111111&comment=x")
    safe = redact_url(url)
    assert "4111111111111111" not in safe
    assert "t0k3n" not in safe
    assert "amount=50.00" in safe  # what is not personal stays readable
    assert "4111111111111111" not in redact("GET /deposit?type=invoice-qw&phone=79161234567")
    assert "79161234567" not in redact("GET /deposit?type=invoice-qw&phone=79161234567")
