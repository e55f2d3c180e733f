"""What every provider's settings have, and how a provider reads its section of the file.

A provider's folder has one settings struct (a frozen subclass of :class:`ProviderSettings`,
a ``msgspec.Struct``; units in the field names) and a ``read_settings(section, currency)``
that fills it from its ``[providers.<name>]`` table.  The table reader is the
configuration's own (:class:`Section` is its interface): every problem is recorded under its
dotted key, so a file with three mistakes reports three lines (see
:mod:`pos_app.core.config`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from msgspec import Struct, field

from pos_app.i18n import Message, msg
from pos_app.providers.urls import HttpSettings

C = "Config"  # the configuration's problems: one context


class ProviderSettings(Struct, frozen=True):
    """What every provider section has.  ``provider`` is the section's name (the registry's
    key, the journal's ``provider`` column)."""

    provider: ClassVar[str] = ""

    enabled: bool = False
    base_url: str = ""
    http: HttpSettings = field(default_factory=HttpSettings)
    retries: int = 3
    min_amount_minor: int = 100
    max_amount_minor: int = 9_999_999_999


class Section(Protocol):
    """One TOML table of the configuration; each reader records a problem under the key's
    dotted name and returns the default instead of raising."""

    def key(self, name: str) -> str: ...

    def problem(self, name: str, problem: Message) -> None:
        """``problem`` under the setting's dotted key."""

    def text(self, name: str, default: str = "", *, max_len: int = 1024,
             pattern: str | None = None, choices: tuple[str, ...] | None = None) -> str: ...

    def whole(self, name: str, default: int, *, lo: int, hi: int) -> int: ...

    def number(self, name: str, default: float, *, lo: float, hi: float) -> float: ...

    def flag(self, name: str, default: bool) -> bool: ...

    def texts(self, name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]: ...

    def money(self, name: str, default_minor: int, currency: str) -> int:
        """An amount written as text ("4.00"), in minor units of ``currency``."""

    def url(self, name: str, default: str, *, required: bool) -> str: ...

    def table(self, name: str) -> Section: ...


def read_http(section: Section) -> HttpSettings:
    return HttpSettings(
        connect_timeout=section.number("connect_timeout", 3.0, lo=0.1, hi=120),
        read_timeout=section.number("read_timeout", 10.0, lo=0.1, hi=300),
        ca_bundle=section.text("ca_bundle") or None,
        proxy=section.url("proxy", "", required=False) or None,
    )


def read_common(section: Section, *, currency: str, min_default: int, max_default: int,
                url_default: str = "") -> dict[str, Any]:
    """The :class:`ProviderSettings` fields, as keyword arguments for the provider's class."""
    enabled = section.flag("enabled", False)
    low = section.money("min_amount", min_default, currency)
    high = section.money("max_amount", max_default, currency)
    if low > high:
        section.problem("max_amount", msg(C, "is below min_amount: no payment could be taken"))
    return {
        "enabled": enabled,
        "base_url": section.url("base_url", url_default, required=enabled),
        "http": read_http(section),
        "retries": section.whole("retries", 3, lo=0, hi=10),
        "min_amount_minor": low,
        "max_amount_minor": high,
    }
