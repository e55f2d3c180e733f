"""The one way providers make HTTP clients: TLS 1.2+, timeouts, and logs without secrets."""

from __future__ import annotations

import functools
import ipaddress
import logging
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from pos_app import crashpoints
from pos_app.i18n import msg
from pos_app.providers.errors import InsecureURL
from pos_app.redact import redact_url

log = logging.getLogger("pos_app.http")
# httpx logs every request's full URL at INFO, with Pegas-kassa's token in it. Ours are
# logged redacted by the hooks below, so httpx's own are never needed.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)


@dataclass(frozen=True)
class HttpSettings:
    """Connection settings of one provider (seconds)."""

    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    ca_bundle: str | None = None
    # Environment proxies and .netrc are ignored on purpose; a proxy is configured explicitly.
    proxy: str | None = None


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, live: bool, what: str) -> None:
    """Refuse URLs that would carry payments in the clear (live mode) or are not URLs at all."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureURL(msg("Config", "{what}: “{url}” is not an http(s) URL.", what=what,
                              url=redact_url(url)))
    if live and parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InsecureURL(msg(
            "Config", "{what}: plain http to {host} is not allowed in live mode; use https.",
            what=what, host=parts.hostname))


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


class Client(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` that skips closing when it never sent anything: there is
    nothing open then, and httpcore's close still imports anyio (~20 ms at the end of a
    start that took no payment)."""

    sent_any = False
    closed_unused = False

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        if self.closed_unused:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        self.sent_any = True
        return await super().send(request, **kwargs)

    async def aclose(self) -> None:
        if self.sent_any:
            await super().aclose()
        else:
            self.closed_unused = True


def build_client(
    *,
    base_url: str,
    settings: HttpSettings,
    live: bool,
    what: str,
    auth: httpx.Auth | tuple[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """One ``httpx.AsyncClient`` per provider; tests pass ``transport`` to run the sandbox."""
    check_url(base_url, live=live, what=what)
    return Client(
        base_url=base_url,
        auth=auth,
        timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        verify=client_tls(base_url, settings.ca_bundle),
        transport=transport,
        follow_redirects=False,
        trust_env=False,
        proxy=settings.proxy,
        event_hooks={"request": [_log_request], "response": [_log_response]},
        headers={"User-Agent": "pos-app"},
    )
