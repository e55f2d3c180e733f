"""Provider addresses and connection settings, without the HTTP stack: the configuration
checks them when it is read (also before the window shows, when httpx is not loaded yet)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from msgspec import Struct

from pos_app.i18n import msg
from pos_app.providers.errors import InsecureURL
from pos_app.redact import redact_url


class HttpSettings(Struct, frozen=True):
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
