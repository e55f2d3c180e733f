from __future__ import annotations

import asyncio
import logging
import ssl
from pathlib import Path

import pytest

from pos_app.core.logs import setup_logging
from pos_app.providers.errors import InsecureURL
from pos_app.providers.http import build_client, client_tls, tls_context
from pos_app.providers.urls import HttpSettings, check_url
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import SANDBOX_URL


def test_tls_floor_is_1_2() -> None:
    context = tls_context()
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_plain_http_clients_skip_the_certificates_but_fail_closed() -> None:
    https = client_tls("https://api.koshelek.app/acme")
    assert https is tls_context()
    plain = client_tls("http://127.0.0.1:8080/koshelek")
    assert plain.cert_store_stats()["x509_ca"] == 0  # nothing loaded, nothing trusted
    assert plain.verify_mode == ssl.CERT_REQUIRED
    assert plain.check_hostname
    assert plain.minimum_version == ssl.TLSVersion.TLSv1_2


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/koshelek", "http://localhost/x",
                                 "http://[::1]:9/x", "https://api.koshelek.app/acme"])
def test_allowed_in_live_mode(url: str) -> None:
    check_url(url, live=True, what="base_url")


@pytest.mark.parametrize(("url", "live", "says"), [
    ("http://api.koshelek.app/acme", True, "plain http to api.koshelek.app is not allowed"),
    ("http://10.0.0.5/acme", True, "plain http to 10.0.0.5"),
    ("ftp://api.koshelek.app", False, "is not an http(s) URL"),
    ("api.koshelek.app", False, "is not an http(s) URL"),
    ("https://user:secret@host/x", False, None),
])
def test_refused_urls(url: str, live: bool, says: str | None) -> None:
    if says is None:
        check_url(url, live=live, what="x")
        return
    with pytest.raises(InsecureURL) as error:
        check_url(url, live=live, what="providers.koshelek.base_url")
    assert says in str(error.value)
    assert "secret" not in str(error.value)


async def test_a_client_is_closed_whether_it_was_used_or_not(sandbox: SandboxTransport) -> None:
    used = build_client(base_url=f"{SANDBOX_URL}/koshelek", settings=HttpSettings(),
                        live=False, what="x", transport=sandbox)
    unused = build_client(base_url=f"{SANDBOX_URL}/koshelek", settings=HttpSettings(),
                          live=False, what="x", transport=sandbox)
    await used.get("/nowhere")
    await used.aclose()
    await unused.aclose()  # nothing was opened: nothing to close
    assert used.is_closed
    for client in (used, unused):
        with pytest.raises(RuntimeError, match="closed"):
            await client.get("/nowhere")


async def test_a_configured_proxy_carries_the_requests() -> None:
    """The client's own transport is made at its first request (not at the start); the
    proxy set for the provider still carries every request."""
    asked: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        asked.append(await reader.readline())
        while (await reader.readline()).strip():
            pass  # the headers
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = build_client(base_url="http://provider.invalid/api",
                          settings=HttpSettings(proxy=f"http://127.0.0.1:{port}"),
                          live=False, what="x")
    try:
        response = await client.get("/status")
    finally:
        await client.aclose()
        server.close()
    assert response.json() == {}
    assert asked == [b"GET http://provider.invalid/api/status HTTP/1.1\r\n"]


def test_live_client_refuses_plain_http() -> None:
    with pytest.raises(InsecureURL):
        build_client(base_url="http://pay.example", settings=HttpSettings(), live=True, what="x")


async def test_logs_show_requests_but_no_credentials(tmp_path: Path,
                                                     sandbox: SandboxTransport) -> None:
    log_file = setup_logging(tmp_path, console_level=None)
    client = build_client(base_url=f"{SANDBOX_URL}/koshelek", settings=HttpSettings(),
                          live=False, what="x", auth=("pos-training", "training-password"),
                          transport=sandbox)
    await client.post("/api/v1/merchant/transaction/status?token=QUERY-SECRET",
                      json={"requestId": "r", "transactionId": "t"})
    await client.aclose()
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "<- POST" in text
    assert "/transaction/status?token=***" in text
    for secret in ("QUERY-SECRET", "training-password", "cG9zLXRyYWluaW5n"):
        assert secret not in text
