"""Koshelek Pay's settings: the ``[providers.koshelek]`` table of the terminal's file."""

from __future__ import annotations

from typing import ClassVar

from pos_app.providers.settings import ProviderSettings, Section, read_common


class KoshelekSettings(ProviderSettings, frozen=True):
    provider: ClassVar[str] = "koshelek"

    min_amount_minor: int = 400  # TOTAL_AMOUNT_IS_TOO_SMALL below 4 roubles (spec §3.2)
    status_timeout: float = 5.0  # seconds
    # Spec §4.4: the first status read 250-500 ms after the checkout, then >= 250 ms apart.
    poll_first_delay_ms: int = 300
    poll_interval_ms: int = 500
    status_wait_s: int = 30  # then the payment is cancelled (spec §4.4)
    payment_type: str = "SBP"  # or DOLYAME (spec §3.2 paymentMethods)
    check_availability: bool = False
    totp_command: tuple[str, ...] = ()  # the token bridge (spec §2.2)
    totp_timeout: float = 5.0  # seconds


def read_settings(section: Section, currency: str) -> KoshelekSettings:
    common = read_common(section, currency=currency, min_default=400,
                         max_default=9_999_999_999)
    return KoshelekSettings(
        **common,
        status_timeout=section.number("status_timeout", 5.0, lo=0.1, hi=60),
        poll_first_delay_ms=section.whole("poll_first_delay_ms", 300, lo=250, hi=500),
        poll_interval_ms=section.whole("poll_interval_ms", 500, lo=250, hi=10_000),
        status_wait_s=section.whole("status_wait_s", 30, lo=1, hi=600),
        payment_type=section.text("payment_type", "SBP", choices=("SBP", "DOLYAME")),
        check_availability=section.flag("check_availability", False),
        totp_command=section.texts("totp_command"),
        totp_timeout=section.number("totp_timeout", 5.0, lo=0.1, hi=60),
    )
