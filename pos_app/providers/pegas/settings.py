"""Pegas-kassa's settings: the ``[providers.pegas]`` table of the terminal's file."""

from __future__ import annotations

from typing import ClassVar

from pos_app.providers.settings import ProviderSettings, Section, read_common

API_URL = "https://pegas-kassa.com/api/v1"  # ASSUMPTION (spec §1)
DEPOSIT_TYPES = ("invoice-select", "invoice-card", "invoice-qw", "yandex", "wallet",
                 "wallet-card")  # spec §5.1


class PegasSettings(ProviderSettings, frozen=True):
    provider: ClassVar[str] = "pegas"

    base_url: str = API_URL
    min_amount_minor: int = 1000
    max_amount_minor: int = 10_000_000
    deposit_type: str = "invoice-select"
    ttl_minutes: int = 15
    success_url: str = ""
    status_path: str = "/transaction"  # the assumed status endpoint (spec §6.1)
    status_channel: str = "auto"  # auto: use it if it exists; on; off
    poll_interval_s: float = 3.0  # spec §8.4: every 3 s while the QR is shown
    slow_poll_interval_s: float = 20.0
    grace_s: int = 120  # asked this long after the deposit's expiry


def read_settings(section: Section, currency: str) -> PegasSettings:
    common = read_common(section, currency=currency, min_default=1000, max_default=10_000_000,
                         url_default=API_URL)
    return PegasSettings(
        **common,
        deposit_type=section.text("deposit_type", "invoice-select", choices=DEPOSIT_TYPES),
        ttl_minutes=section.whole("ttl_minutes", 15, lo=1, hi=1440),
        success_url=section.url("success_url", "", required=False),
        status_path=section.text("status_path", "/transaction", pattern=r"/[A-Za-z0-9/_-]*"),
        status_channel=section.text("status_channel", "auto", choices=("auto", "on", "off")),
        poll_interval_s=section.number("poll_interval_s", 3.0, lo=1.0, hi=10.0),
        slow_poll_interval_s=section.number("slow_poll_interval_s", 20.0, lo=5.0, hi=60.0),
        grace_s=section.whole("grace_s", 120, lo=0, hi=3600),
    )
