"""Koshelek Pay in the registry (see :mod:`pos_app.providers.registry`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from msgspec.structs import replace

from pos_app.i18n import Message, msg
from pos_app.providers.koshelek.settings import KoshelekSettings, read_settings
from pos_app.providers.registry import (
    BuildContext,
    CallbackCheck,
    PayOption,
    ProviderPlugin,
    Secret,
)
from pos_app.providers.settings import Section
from pos_app.redact import basic_auth_ok

if TYPE_CHECKING:
    from pos_app.providers.base import Provider
    from pos_app.providers.koshelek.sandbox import KoshelekSandbox
    from pos_app.ui.settings_box import ProviderBox


class KoshelekPlugin:
    name = "koshelek"
    title = "Koshelek Pay"
    settings_type = KoshelekSettings
    secrets: tuple[str, ...] = ("login", "password")
    # The partnerLogin/partnerPassword the merchant gave Koshelek for its postback (spec §7).
    listener_secrets: tuple[str, ...] = ("postback_login", "postback_password")
    pay_options: tuple[PayOption, ...] = ()
    methods: Mapping[str, Message] = {
        "SBP": Message("Payment", "SBP"), "DOLYAME": Message("Payment", "Dolyame")}

    def read_settings(self, section: Section, currency: str) -> KoshelekSettings:
        return read_settings(section, currency)

    def needed_secrets(self, settings: KoshelekSettings) -> tuple[str, ...]:
        return self.secrets

    def live_problems(self, settings: KoshelekSettings) -> list[Message]:
        if settings.totp_command:
            return []
        return [msg("Config", "{key}: is required for Koshelek Pay in live mode",
                    key="providers.koshelek.totp_command")]

    def build(self, settings: KoshelekSettings, context: BuildContext) -> Provider:
        from pos_app.providers.http import build_client
        from pos_app.providers.koshelek.client import KoshelekClient
        from pos_app.providers.koshelek.provider import KoshelekProvider
        from pos_app.providers.koshelek.tokens import (
            CommandTokenSource,
            SandboxTokenSource,
            TokenSource,
        )

        http = build_client(base_url=settings.base_url, settings=settings.http,
                            live=context.live, what="providers.koshelek.base_url",
                            auth=(context.secret("login") or "",
                                  context.secret("password") or ""),
                            transport=context.transport)
        # Live: the integrator's bridge around Koshelek's private TOTP library (spec §2.2);
        # a connection test before it is set up still reaches the server ("-" fails the token).
        tokens: TokenSource = (
            SandboxTokenSource(context.control) if context.control is not None else
            CommandTokenSource(settings.totp_command or ("-",), timeout=settings.totp_timeout))
        client = KoshelekClient(http=http, tokens=tokens, store_id=context.store_id,
                                terminal_id=context.terminal_id,
                                status_timeout=settings.status_timeout, retries=settings.retries)
        return KoshelekProvider(client=client, tokens=tokens, settings=settings)

    def for_training(self, settings: KoshelekSettings,
                     credentials: Mapping[str, str]) -> KoshelekSettings:
        return replace(settings, enabled=True, base_url=credentials["base_url"])

    def callback(self, secret: Secret) -> CallbackCheck:
        from pos_app.callbacks import json_field

        login, password = secret("postback_login"), secret("postback_password")
        return CallbackCheck(
            authentic=lambda headers, body: bool(login and password) and basic_auth_ok(
                headers, login or "", password or ""),
            reference=lambda body: json_field(body, "transactionId"),
            refusal_status=401, refusal_headers={"WWW-Authenticate": 'Basic realm="pos-app"'})

    def sandbox(self) -> KoshelekSandbox:
        from pos_app.providers.koshelek.sandbox import KoshelekSandbox

        return KoshelekSandbox()

    def settings_box(self) -> type[ProviderBox]:
        from pos_app.providers.koshelek.widgets import KoshelekBox

        return KoshelekBox


PLUGIN: ProviderPlugin[KoshelekSettings] = KoshelekPlugin()
