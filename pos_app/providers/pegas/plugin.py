"""Pegas-kassa in the registry (see :mod:`pos_app.providers.registry`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from msgspec.structs import replace

from pos_app.i18n import Message
from pos_app.providers.pegas.settings import DEPOSIT_TYPES, PegasSettings, read_settings
from pos_app.providers.registry import (
    BuildContext,
    CallbackCheck,
    PayOption,
    ProviderPlugin,
    Secret,
)
from pos_app.providers.settings import Section
from pos_app.redact import same_secret

if TYPE_CHECKING:
    from pos_app.providers.base import Provider
    from pos_app.providers.pegas.sandbox import PegasSandbox
    from pos_app.ui.settings_box import ProviderBox


class PegasPlugin:
    name = "pegas"
    title = "Pegas-kassa"
    settings_type = PegasSettings
    # The site token: every request (spec §2), and the key of its callbacks.
    secrets: tuple[str, ...] = ("token",)
    listener_secrets: tuple[str, ...] = ()
    methods: Mapping[str, Message] = {
        "invoice-select": Message("Payment", "Link: card or wallet"),
        "invoice-card": Message("Payment", "Link: bank card"),
        "invoice-qw": Message("Payment", "Link: QIWI (needs a phone)"),
        "yandex": Message("Payment", "Link: YooMoney"),
        "wallet": Message("Payment", "Transfer to a wallet number"),
        "wallet-card": Message("Payment", "Transfer to a card number"),
        # Payout methods (spec §5.3): "wallet" and "yandex" are worded by the types above.
        "card": Message("Payment", "Payout to a bank card"),
        "phone": Message("Payment", "Payout to a phone"),
        "nickname": Message("Payment", "Payout to a QIWI nickname"),
    }
    pay_options: tuple[PayOption, ...] = (
        PayOption("--type", "type", "deposit type: " + ", ".join(DEPOSIT_TYPES)),
        PayOption("--phone", "phone", "the payer's phone (deposit type invoice-qw)"))

    def read_settings(self, section: Section, currency: str) -> PegasSettings:
        return read_settings(section, currency)

    def needed_secrets(self, settings: PegasSettings) -> tuple[str, ...]:
        return self.secrets

    def live_problems(self, settings: PegasSettings) -> list[Message]:
        return []

    def build(self, settings: PegasSettings, context: BuildContext) -> Provider:
        from pos_app.providers.http import build_client
        from pos_app.providers.pegas.client import PegasClient
        from pos_app.providers.pegas.provider import PegasProvider

        http = build_client(base_url=settings.base_url, settings=settings.http,
                            live=context.live, what="providers.pegas.base_url",
                            transport=context.transport)
        client = PegasClient(http=http, token=context.secret("token") or "",
                             status_path=settings.status_path)
        return PegasProvider(client=client, settings=settings, terminal_id=context.terminal_id)

    def for_training(self, settings: PegasSettings,
                     credentials: Mapping[str, str]) -> PegasSettings:
        return replace(settings, enabled=True, base_url=credentials["base_url"],
                       status_path="/transaction")

    def callback(self, secret: Secret) -> CallbackCheck:
        """ASSUMPTION (spec §6.3): ``X-Signature`` = hex HMAC-SHA256 of the body keyed with
        the site token."""
        import hashlib
        import hmac

        from pos_app.callbacks import json_field

        token = secret("token") or ""

        def signed(headers: Mapping[str, str], body: bytes) -> bool:
            if not token:
                return False
            expected = hmac.new(token.encode(), body, hashlib.sha256).hexdigest()
            return same_secret(headers.get("x-signature", ""), expected)

        return CallbackCheck(authentic=signed,
                             reference=lambda body: json_field(body, "order_id", "id"))

    def sandbox(self) -> PegasSandbox:
        from pos_app.providers.pegas.sandbox import PegasSandbox

        return PegasSandbox()

    def settings_box(self) -> type[ProviderBox]:
        from pos_app.providers.pegas.widgets import PegasBox

        return PegasBox


PLUGIN: ProviderPlugin[PegasSettings] = PegasPlugin()
