"""Koshelek Pay's box on the Settings screen."""

from __future__ import annotations

import shlex
from typing import Any

from pos_app.i18n import Message, UserError, tr
from pos_app.providers.koshelek.settings import KoshelekSettings
from pos_app.ui.qt import QLineEdit
from pos_app.ui.settings_box import ProviderBox, combo, value_of

C = "Settings"  # the Settings screen's translation context


class KoshelekBox(ProviderBox):
    def add_options(self) -> None:
        self.add_option("payment_type", combo(("SBP", "DOLYAME")))
        self.add_option("totp_command", QLineEdit())

    def option_texts(self) -> dict[str, str]:
        return {"payment_type": tr(C, "Payment type"),
                "totp_command": tr(C, "TOTP bridge program")}

    def choice_texts(self) -> dict[str, dict[str, str]]:
        return {"payment_type": {"SBP": tr(C, "SBP (Faster Payments System)"),
                                 "DOLYAME": tr(C, "Dolyame (pay in four parts)")}}

    def load_options(self, settings: KoshelekSettings) -> None:
        super().load_options(settings)
        line = self.options["totp_command"]
        assert isinstance(line, QLineEdit)
        line.setText(shlex.join(settings.totp_command))

    def read_options(self, settings: KoshelekSettings) -> dict[str, Any]:
        try:
            totp = tuple(shlex.split(value_of(self.options["totp_command"])))
        except ValueError as exc:
            raise UserError(Message(C, "The TOTP bridge program is not a valid command line: "
                                       "{error}").with_params(error=str(exc))) from None
        return {**super().read_options(settings), "totp_command": totp}
