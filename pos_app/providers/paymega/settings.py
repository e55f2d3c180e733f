"""Paymega's settings: the ``[providers.paymega]`` table of the terminal's file."""

from __future__ import annotations

from typing import ClassVar

from pos_app.i18n import msg
from pos_app.providers.settings import ProviderSettings, Section, read_common

C = "Config"  # the configuration's problems: one context

API_URL = "https://api.paymega.io"


class PaymegaSettings(ProviderSettings, frozen=True):
    provider: ClassVar[str] = "paymega"

    base_url: str = API_URL
    api: str = "private"  # "private" (Basic auth) or "public" (public key), spec §4
    service: str = "payment_card_rub_hpp"
    test_mode: bool = False
    lifetime_minutes: int = 15  # Paymega accepts 14 minutes … 2 days
    hpp: bool = True  # QR shows the hosted payment page; false: the provider's own page
    hpp_url: str = ""  # default: base_url + "/hpp/"
    refunds: bool = False  # the refund endpoint is the white-label one (spec §5.10)
    public_key: str = ""  # not a secret (spec §12.9)
    callback_url: str = ""
    poll_interval_s: float = 2.5  # spec §12.3: every 2-3 s while the QR is shown
    slow_poll_interval_s: float = 15.0
    grace_s: int = 120  # asked this long after the invoice's expiry

    @property
    def payer_page(self) -> str:
        """The hosted payment page the QR opens; "": the provider's own page (flow_data)."""
        if not self.hpp:
            return ""
        return self.hpp_url or self.base_url.rstrip("/") + "/hpp/"


def read_settings(section: Section, currency: str) -> PaymegaSettings:
    common = read_common(section, currency=currency, min_default=100,
                         max_default=9_999_999_999, url_default=API_URL)
    api = section.text("api", "private", choices=("private", "public"))
    public_key = section.text("public_key", max_len=256)
    if common["enabled"] and api == "public" and not public_key:
        section.problem("public_key", msg(C, 'is required when api = "public"'))
    return PaymegaSettings(
        **common,
        api=api,
        service=section.text("service", "payment_card_rub_hpp", pattern=r"[a-z0-9_]{3,64}"),
        test_mode=section.flag("test_mode", False),
        lifetime_minutes=section.whole("lifetime_minutes", 15, lo=14, hi=2880),
        hpp=section.flag("hpp", True),
        hpp_url=section.url("hpp_url", "", required=False),
        refunds=section.flag("refunds", False),
        public_key=public_key,
        callback_url=section.url("callback_url", "", required=False),
        poll_interval_s=section.number("poll_interval_s", 2.5, lo=1.0, hi=10.0),
        slow_poll_interval_s=section.number("slow_poll_interval_s", 15.0, lo=5.0, hi=60.0),
        grace_s=section.whole("grace_s", 120, lo=0, hi=3600),
    )
