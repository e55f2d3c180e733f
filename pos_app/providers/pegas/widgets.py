"""Pegas-kassa's inputs on the choose screen: the deposit type, and the payer's phone for a
QIWI link (``../shared/specs/pegas-kassa.md`` §5.1: ``type``, ``phone``)."""

from __future__ import annotations

from pos_app.i18n import tr
from pos_app.providers.pegas.plugin import PLUGIN
from pos_app.providers.pegas.provider import PegasProvider
from pos_app.providers.pegas.settings import DEPOSIT_TYPES
from pos_app.ui.qt import QLineEdit, QVBoxLayout
from pos_app.ui.settings_box import ProviderBox, combo
from pos_app.ui.widgets import ProviderInputs, choice_box

C = "Payment"
SETTINGS = "Settings"  # the Settings screen's translation context
NEEDS_PHONE = "invoice-qw"


def deposit_label(kind: str) -> str:
    """A deposit type as the cashier reads it."""
    return PLUGIN.methods[kind].render()


class DepositOptions(ProviderInputs):
    """The deposit type (the configured one first chosen) and, for QIWI, the phone."""

    def __init__(self, provider: PegasProvider) -> None:
        super().__init__()
        self._default = provider.deposit_type
        self.deposit_type = choice_box()
        self.deposit_type.setObjectName("depositType")
        self.deposit_type.setMinimumHeight(48)
        for kind in DEPOSIT_TYPES:
            self.deposit_type.addItem(kind, kind)
        self.deposit_type.setCurrentIndex(max(self.deposit_type.findData(self._default), 0))
        self.phone = QLineEdit()
        self.phone.setObjectName("payerPhone")
        self.phone.setMinimumHeight(44)
        self.phone.setVisible(False)
        self.deposit_type.currentIndexChanged.connect(
            lambda _: self.phone.setVisible(self.deposit_type.currentData() == NEEDS_PHONE))
        self.deposit_type.activated.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.deposit_type)
        layout.addWidget(self.phone)
        self.retranslate()

    def _chosen(self) -> None:
        """A type chosen: the phone next if it needs one, else the choose screen again, so
        its number keys (1, 2, 3…) choose the way to pay — in the list they searched it."""
        parent = self.parentWidget()
        if self.phone.isVisible():
            self.phone.setFocus()
        elif parent is not None:
            parent.setFocus()

    def options(self) -> dict[str, str]:
        """What the payment is made with: ``type``, and ``phone`` when the type needs one."""
        chosen = {"type": str(self.deposit_type.currentData())}
        if chosen["type"] == NEEDS_PHONE:
            chosen["phone"] = self.phone.text()
        return chosen

    def reset(self) -> None:
        """The configured deposit type again, and no phone: the last payer's phone once
        stayed for the next customer's QIWI link."""
        self.deposit_type.setCurrentIndex(max(self.deposit_type.findData(self._default), 0))
        self.phone.clear()

    def retranslate(self) -> None:
        for i, kind in enumerate(DEPOSIT_TYPES):
            self.deposit_type.setItemText(i, deposit_label(kind))
        # Short enough for the field at 1024 px (issue 20 #14); the tooltip says whose.
        self.phone.setPlaceholderText(tr(C, "Phone, +79991234567"))
        self.phone.setToolTip(tr(C, "The payer's phone for the QIWI link, e.g. +79991234567"))


class PegasBox(ProviderBox):
    """Pegas-kassa's box on the Settings screen."""

    def add_options(self) -> None:
        self.add_option("deposit_type", combo(DEPOSIT_TYPES))
        self.add_option("status_channel", combo(("auto", "on", "off")))

    def option_texts(self) -> dict[str, str]:
        return {"deposit_type": tr(SETTINGS, "Deposit type"),
                "status_channel": tr(SETTINGS, "Status endpoint")}

    def choice_texts(self) -> dict[str, dict[str, str]]:
        return {"deposit_type": {kind: deposit_label(kind) for kind in DEPOSIT_TYPES},
                "status_channel": {"auto": tr(SETTINGS, "Use it if the site has it"),
                                   "on": tr(SETTINGS, "Always"),
                                   "off": tr(SETTINGS, "Never (callbacks and expiry only)")}}
