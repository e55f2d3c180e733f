"""The one way providers make HTTP clients: TLS 1.2+, timeouts, and logs without secrets."""

from __future__ import annotations

import asyncio
import functools
import importlib
import logging
import ssl
import time
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import msgspec

from pos_app import crashpoints
from pos_app.providers.errors import malformed
from pos_app.providers.urls import HttpSettings, check_url
from pos_app.redact import redact_url

log = logging.getLogger("pos_app.http")
# httpx logs every request's full URL at INFO, with Pegas-kassa's token in it. Ours are
# logged redacted by the hooks below, so httpx's own are never needed.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)


def tls_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """One context per CA bundle, shared by every client: loading the system's certificates
    takes about 20 ms each time, and a context is safe to share."""
    return _tls_context(ca_bundle)  # one cache key for "no bundle", however it is called


@functools.lru_cache(maxsize=8)
def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=ca_bundle)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


@functools.lru_cache(maxsize=1)
def _trusting_nobody() -> ssl.SSLContext:
    """For plain-http base URLs (the loopback sandboxes): there is no TLS to set up, so the
    ~20 ms of loading the system's certificates is not spent at start.  Should anything still
    try TLS through it, it fails closed: it verifies and trusts no certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def client_tls(base_url: str, ca_bundle: str | None = None) -> ssl.SSLContext:
    if urlsplit(base_url).scheme == "https":
        return tls_context(ca_bundle)
    return _trusting_nobody()


async def _log_request(request: httpx.Request) -> None:
    request.extensions["pos_started"] = time.monotonic()
    log.debug("-> %s %s", request.method, redact_url(str(request.url)))


async def _log_response(response: httpx.Response) -> None:
    crashpoints.answered(response.request.url.path)  # the reliability tests' step boundary
    started = response.request.extensions.get("pos_started")
    elapsed = (time.monotonic() - started) * 1000 if isinstance(started, float) else -1.0
    log.info("<- %s %s %s %.0f ms", response.request.method,
             redact_url(str(response.request.url)), response.status_code, elapsed)


class _OnFirstRequest(httpx.AsyncBaseTransport):
    """httpx's own transport, made when the first request is sent: making it imports httpcore
    and h11, ~25 ms of every start, also of a till that takes no payment for an hour."""

    def __init__(self, *, verify: ssl.SSLContext, proxy: str | None) -> None:
        self._verify = verify
        self._proxy = proxy
        self._transport: httpx.AsyncHTTPTransport | None = None

    @property
    def ssl_context(self) -> ssl.SSLContext:
        """What every connection of this transport is made with."""
        return self._verify

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._transport is None:
            # Imported on a worker thread: the window takes keys meanwhile (the Paymega
            # services read at the start, the first payment).
            await asyncio.get_running_loop().run_in_executor(None, importlib.import_module,
                                                             "httpcore")
        if self._transport is None:  # another first request may have made it meanwhile
            self._transport = httpx.AsyncHTTPTransport(verify=self._verify, proxy=self._proxy,
                                                       trust_env=False)
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()


class Client(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose connections are set up at its first request
    (``transport``: the tests' stand-in for the network; ``proxy`` carries every request)."""

    def __init__(self, *, verify: ssl.SSLContext, proxy: str | None = None,
                 transport: httpx.AsyncBaseTransport | None = None, **options: Any) -> None:
        super().__init__(verify=verify, transport=transport or _OnFirstRequest(
            verify=verify, proxy=proxy), **options)


def build_client(
    *,
    base_url: str,
    settings: HttpSettings,
    live: bool,
    what: str,
    auth: httpx.Auth | tuple[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """One ``httpx.AsyncClient`` per provider; tests pass ``transport`` to run the sandbox.
    ``settings.proxy``, when set, carries every request of this client."""
    check_url(base_url, live=live, what=what)
    return Client(
        base_url=base_url,
        auth=auth,
        timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        verify=client_tls(base_url, settings.ca_bundle),
        proxy=settings.proxy,
        transport=transport,
        follow_redirects=False,
        trust_env=False,
        event_hooks={"request": [_log_request], "response": [_log_response]},
        headers={"User-Agent": "pos-app"},
    )


T = TypeVar("T")


def decode_json(response: httpx.Response, model: type[T], provider: str) -> T:
    """A successful answer's JSON body as ``model`` (msgspec, unknown fields ignored).

    Raises MalformedResponse for another content type (a proxy's HTML page) or a body that
    does not fit: the request may have been acted on, so the outcome is asked again."""
    kind = response.headers.get("content-type", "")
    if "json" not in kind:
        raise malformed(provider, f"content-type {kind!r}")
    try:
        return msgspec.json.decode(response.content, type=model, strict=False)
    except msgspec.DecodeError as exc:
        raise malformed(provider, str(exc)[:200]) from None
