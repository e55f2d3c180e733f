"""Paymega's box on the Settings screen."""

from __future__ import annotations

from pos_app.i18n import tr
from pos_app.ui.qt import QCheckBox, QLineEdit
from pos_app.ui.settings_box import ProviderBox, combo

C = "Settings"  # the Settings screen's translation context


class PaymegaBox(ProviderBox):
    def add_options(self) -> None:
        self.add_option("api", combo(("private", "public")))
        self.add_option("service", QLineEdit())
        self.add_option("public_key", QLineEdit())
        self.add_option("refunds", QCheckBox())
        self.add_option("test_mode", QCheckBox())

    def option_texts(self) -> dict[str, str]:
        return {"api": tr(C, "API"), "service": tr(C, "Service"),
                "public_key": tr(C, "Public key"), "refunds": tr(C, "Refunds"),
                "test_mode": tr(C, "Test mode")}

    def choice_texts(self) -> dict[str, dict[str, str]]:
        return {"api": {"private": tr(C, "Private (login and password)"),
                        "public": tr(C, "Public (public key only)")}}
