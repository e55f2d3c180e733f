"""One provider's box on the Settings screen: on/off, address, secrets, test connection, and the
provider's own options (a subclass in the provider's folder, ``providers/<name>/widgets.py``).

The box edits a provider's settings struct: :meth:`ProviderBox.load` shows one,
:meth:`ProviderBox.read` returns the edited copy (checked afterwards exactly as a file is)."""

from __future__ import annotations

from typing import Any

from msgspec.structs import replace

from pos_app.core.secrets import SecretStore
from pos_app.i18n import tr
from pos_app.providers.registry import ProviderPlugin
from pos_app.providers.settings import ProviderSettings
from pos_app.ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pos_app.ui.widgets import caption, choice_box

C = "Settings"


def secret_label(name: str) -> str:
    return {"login": tr(C, "Login"), "password": tr(C, "Password"),
            "secret_key": tr(C, "Callback secret key"), "token": tr(C, "Site token")}.get(
        name, name)


def combo(values: tuple[str, ...]) -> QComboBox:
    """A choice among a setting's codes (their shown texts: :meth:`ProviderBox.retranslate`)."""
    widget = choice_box()
    for value in values:
        widget.addItem(value, value)
    return widget


def set_value(widget: QWidget, value: object) -> None:
    if isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(widget.findData(value), 0))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))


def value_of(widget: QWidget) -> Any:
    """A combo's code, a check box's state, a line's stripped text."""
    if isinstance(widget, QComboBox):
        return str(widget.currentData())
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    assert isinstance(widget, QLineEdit)
    return widget.text().strip()


class ProviderBox(QGroupBox):
    """The settings every provider has; a provider's subclass adds its options with
    :meth:`add_option` (the key is its settings field) and names them in
    :meth:`option_texts`."""

    def __init__(self, plugin: ProviderPlugin[Any], secrets: SecretStore) -> None:
        super().__init__(plugin.title)
        self.name = plugin.name
        self.setObjectName(f"provider_{self.name}")
        self._secrets = secrets
        self.form = QFormLayout(self)
        self.enabled = QCheckBox()
        self.enabled.setObjectName(f"{self.name}_enabled")
        self.base_url = QLineEdit()
        self.base_url.setObjectName(f"{self.name}_base_url")
        self.form.addRow(self.enabled)
        self.url_label = QLabel()
        self.form.addRow(self.url_label, self.base_url)
        self.secret_fields: dict[str, QLineEdit] = {}
        self.secret_labels: dict[str, QLabel] = {}
        # What the keyring holds, read when the form is loaded: asking the keyring at start
        # would make every start wait for its backend (about 0.1 s).
        self.stored: dict[str, str] = {}
        for secret in plugin.secrets:
            field = QLineEdit()
            field.setObjectName(f"{self.name}_{secret}")
            field.setEchoMode(QLineEdit.EchoMode.Password)
            self.secret_fields[secret] = field
            self.secret_labels[secret] = QLabel()
            self.form.addRow(self.secret_labels[secret], field)
        self.options: dict[str, QWidget] = {}
        self.option_labels: dict[str, QLabel] = {}
        self.test = QPushButton()
        self.test.setObjectName(f"{self.name}_test")
        self.result = caption(points=11, name=f"{self.name}_test_result")
        self.form.addRow(self.test, self.result)
        self.add_options()

    # -- what a provider's box adds --

    def add_options(self) -> None:
        """Add the provider's own options (none here)."""

    def option_texts(self) -> dict[str, str]:
        """Each option's label, translated."""
        return {}

    def choice_texts(self) -> dict[str, dict[str, str]]:
        """A choice option's codes in words, translated (the code stays the item's data: it
        is what the file keeps); a code not named here is shown as it is."""
        return {}

    def load_options(self, settings: Any) -> None:
        for key, widget in self.options.items():
            set_value(widget, getattr(settings, key))

    def read_options(self, settings: Any) -> dict[str, Any]:
        """The options as changes to ``settings`` (raises UserError naming a bad one)."""
        return {key: value_of(widget) for key, widget in self.options.items()}

    def labels(self) -> dict[str, str]:
        """Each setting's and secret's dotted key ("providers.paymega.base_url",
        "providers.paymega.password") → its label in this box, as shown now ("Paymega:
        Address (base URL)")."""
        prefix = f"providers.{self.name}."
        found = {prefix + "enabled": self.enabled.text(),
                 prefix + "base_url": self.url_label.text()}
        found |= {prefix + key: (widget if isinstance(widget, QCheckBox)
                                 else self.option_labels[key]).text()
                  for key, widget in self.options.items()}
        found |= {prefix + secret: label.text() for secret, label in self.secret_labels.items()}
        return {key: f"{self.title()}: {text.rstrip(':')}" for key, text in found.items()}

    # -- the common part --

    def add_option(self, key: str, widget: QWidget) -> None:
        widget.setObjectName(f"{self.name}_{key}")
        self.options[key] = widget
        if isinstance(widget, QCheckBox):  # its own words, a finger's target with its box
            self.form.insertRow(self.form.rowCount() - 1, widget)  # (a walk: a 26 px box)
            return
        label = QLabel()
        self.option_labels[key] = label
        self.form.insertRow(self.form.rowCount() - 1, label, widget)

    def load(self, settings: ProviderSettings) -> None:
        self.enabled.setChecked(settings.enabled)
        self.base_url.setText(settings.base_url)
        self.load_options(settings)
        self.read_stored()
        for field in self.secret_fields.values():
            field.clear()

    def read(self, settings: ProviderSettings) -> ProviderSettings:
        """``settings`` as edited here."""
        return replace(settings, enabled=self.enabled.isChecked(),
                       base_url=self.base_url.text().strip(), **self.read_options(settings))

    def retranslate(self) -> None:
        self.enabled.setText(tr(C, "Enabled on this terminal"))
        self.url_label.setText(tr(C, "Address (base URL)"))
        self.test.setText(tr(C, "Test connection"))
        for secret, label in self.secret_labels.items():
            label.setText(secret_label(secret))
            stored = self.stored.get(secret, "")
            self.secret_fields[secret].setPlaceholderText(
                tr(C, "{mask} (stored; type to replace)", mask=stored) if stored
                else tr(C, "not set"))
        texts = self.option_texts()
        for key, widget in self.options.items():
            (widget if isinstance(widget, QCheckBox) else self.option_labels[key]).setText(
                texts[key])
        for key, words in self.choice_texts().items():
            choice = self.options[key]
            assert isinstance(choice, QComboBox)
            for i in range(choice.count()):
                choice.setItemText(i, words.get(str(choice.itemData(i)), choice.itemData(i)))

    def read_stored(self) -> None:
        self.stored = {secret: self._secrets.masked(self.name, secret)
                       for secret in self.secret_fields}

    def secret_values(self) -> dict[str, str]:
        return {k: f.text() for k, f in self.secret_fields.items() if f.text()}
