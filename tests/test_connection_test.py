"""Settings → "Test connection": an answer within seconds, whatever the network does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from pos_app import app
from pos_app.core.config import TerminalConfig
from pos_app.i18n import UserError
from pos_app.providers.paymega.settings import PaymegaSettings
from pos_app.providers.pegas.settings import PegasSettings


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """A host that accepts the connection and never answers (a hung proxy, a dead service)."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_silent_provider_is_reported_within_the_deadline(
        silent_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "PROBE_DEADLINE_S", 1.0)
    config = TerminalConfig().with_provider(PaymegaSettings(enabled=True, base_url=silent_server))
    started = time.monotonic()
    with pytest.raises(UserError, match=r"No answer from Paymega within 1 s\."):
        await app.probe(config, "paymega", live=False, secret=lambda *_: "x")
    assert time.monotonic() - started < 3  # not the client's own retries and timeouts


async def test_a_refused_connection_names_the_address() -> None:
    config = TerminalConfig().with_provider(
        PegasSettings(enabled=True, base_url="http://127.0.0.1:9/pegas"))
    with pytest.raises(UserError, match=r"No connection to Pegas-kassa at "
                                        r"http://127\.0\.0\.1:9/pegas\. Check the address"):
        await app.probe(config, "pegas", live=False, secret=lambda *_: "x")
