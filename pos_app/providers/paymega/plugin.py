"""Paymega in the registry (see :mod:`pos_app.providers.registry`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from msgspec.structs import replace

from pos_app.i18n import Message
from pos_app.providers.paymega.settings import PaymegaSettings, read_settings
from pos_app.providers.registry import (
    BuildContext,
    CallbackCheck,
    PayOption,
    ProviderPlugin,
    Secret,
)
from pos_app.providers.settings import Section

if TYPE_CHECKING:
    from pos_app.providers.base import Provider
    from pos_app.providers.paymega.sandbox import PaymegaSandbox
    from pos_app.ui.settings_box import ProviderBox


# A service's way to pay, the code's head: "payment_card_rub_hpp" is method, currency, flow
# (spec §2, §5.1).  Codes not listed here are shown as they are.
SERVICE_METHODS: Mapping[str, Message] = {
    "payment_card": Message("Payment", "bank card"),
    "applepay": Message("Payment", "Apple Pay"),
    "googlepay": Message("Payment", "Google Pay"),
    "sbp": Message("Payment", "SBP"),
    "qiwi": Message("Payment", "QIWI wallet"),
}
_SERVICE = re.compile(r"(?P<method>[a-z0-9_]+?)_[a-z]{3}_[a-z0-9]+")


class ServiceWords(Mapping[str, Message]):
    """A Paymega service code in words, by its method (a walk: the X/Z reports and the CSV
    said "Paymega · payment_card_rub_hpp")."""

    def __getitem__(self, code: str) -> Message:
        found = _SERVICE.fullmatch(code)
        return SERVICE_METHODS[found["method"] if found else code]

    def __iter__(self) -> Iterator[str]:
        return iter(())  # codes are the account's own: none to list

    def __len__(self) -> int:
        return 0


class PaymegaPlugin:
    name = "paymega"
    title = "Paymega"
    settings_type = PaymegaSettings
    # secret_key signs the callbacks (spec §10); login/password: the private API (spec §4).
    secrets: tuple[str, ...] = ("login", "password", "secret_key")
    listener_secrets: tuple[str, ...] = ()
    methods: Mapping[str, Message] = ServiceWords()
    pay_options: tuple[PayOption, ...] = (PayOption("--service", "service",
                             "service code (default from the configuration)"),)

    def read_settings(self, section: Section, currency: str) -> PaymegaSettings:
        return read_settings(section, currency)

    def needed_secrets(self, settings: PaymegaSettings) -> tuple[str, ...]:
        return ("login", "password") if settings.api == "private" else ()

    def live_problems(self, settings: PaymegaSettings) -> list[Message]:
        return []

    def build(self, settings: PaymegaSettings, context: BuildContext) -> Provider:
        from pos_app.providers.http import build_client
        from pos_app.providers.paymega.client import PaymegaClient
        from pos_app.providers.paymega.provider import PaymegaProvider

        login, password = context.secret("login"), context.secret("password")
        http = build_client(base_url=settings.base_url, settings=settings.http,
                            live=context.live, what="providers.paymega.base_url",
                            auth=(login, password) if login and password else None,
                            transport=context.transport)
        client = PaymegaClient(http=http, public_key=settings.public_key,
                               has_credentials=bool(login and password))
        return PaymegaProvider(client=client, settings=settings,
                               terminal_id=context.terminal_id, currency=context.currency)

    def for_training(self, settings: PaymegaSettings,
                     credentials: Mapping[str, str]) -> PaymegaSettings:
        return replace(settings, enabled=True, base_url=credentials["base_url"], api="private",
                       hpp=True, hpp_url=credentials["hpp_url"],
                       public_key=credentials["public_key"], test_mode=True)

    def callback(self, secret: Secret) -> CallbackCheck:
        from pos_app.providers.paymega import callbacks

        key = secret("secret_key") or ""
        return CallbackCheck(
            authentic=lambda headers, body: callbacks.verify(key, body,
                                                             headers.get("x-signature")),
            reference=callbacks.invoice_id)

    def sandbox(self) -> PaymegaSandbox:
        from pos_app.providers.paymega.sandbox import PaymegaSandbox

        return PaymegaSandbox()

    def settings_box(self) -> type[ProviderBox]:
        from pos_app.providers.paymega.widgets import PaymegaBox

        return PaymegaBox


PLUGIN: ProviderPlugin[PaymegaSettings] = PaymegaPlugin()
