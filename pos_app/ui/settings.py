"""Settings (behind the manager PIN) and the first-run setup of a new terminal.

They edit the configuration *file* and the keyring, never the running
configuration: in training mode that one points at the sandboxes.  Secrets are
shown masked; an empty secret field keeps what is stored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec.structs import replace

from pos_app.app import needed_secrets, probe
from pos_app.core.catalog import load_catalog
from pos_app.core.config import (
    ConfigError,
    ConfigMissing,
    TerminalConfig,
    UiSettings,
    check_live_ready,
    config_to_toml,
    identity_problems,
    load_config,
    parse_config,
    save_config,
)
from pos_app.core.pin import PinStore, check_new_pin
from pos_app.core.secrets import SecretStore, SecretsUnavailable
from pos_app.i18n import Message, UserError, msg, tr
from pos_app.providers.registry import plugins
from pos_app.ui.dialogs import NewPinDialog
from pos_app.ui.qt import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPrinterInfo,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from pos_app.ui.settings_box import ProviderBox, combo
from pos_app.ui.support import (
    Screen,
    ask,
    big_button,
    choose_file,
    confirm,
    show_error,
    show_info,
    spawn,
)
from pos_app.ui.widgets import caption, choice_box

if TYPE_CHECKING:
    from pos_app.ui.head_office import HeadOfficePanel

C = "Settings"
NO_CATALOG = msg(C, "No catalog: products are added by amount.")


_SETTING_KEY = re.compile(r"\b(?:terminal|ui|scanner|journal|providers)\.[a-z0-9_.]*[a-z0-9_]")


class SettingsForm(QWidget):
    """Every setting of a terminal as a form, read from and written to a TerminalConfig."""

    def __init__(self, secrets: SecretStore, *, show_security: bool,
                 training: bool = False) -> None:
        super().__init__()
        self._secrets = secrets
        self._training = training  # a connection test then asks the sandboxes
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        # Terminal
        self.store_id, self.terminal_id = QLineEdit(), QLineEdit()
        self.store_name, self.store_address = QLineEdit(), QLineEdit()
        self.language = choice_box()
        for widget, name in ((self.store_id, "storeId"), (self.terminal_id, "terminalId"),
                             (self.store_name, "storeName"),
                             (self.store_address, "storeAddress"),
                             (self.language, "language")):
            widget.setObjectName(name)
        for code in ("", "ru", "en"):
            self.language.addItem(code, code)
        self.terminal_form = QFormLayout()
        terminal = QWidget()
        terminal.setLayout(self.terminal_form)
        self.terminal_labels = [QLabel() for _ in range(5)]
        fields: tuple[QWidget, ...] = (self.store_id, self.terminal_id, self.store_name,
                                       self.store_address, self.language)
        for label, field in zip(self.terminal_labels, fields, strict=True):
            self.terminal_form.addRow(label, field)
        # Providers
        # Each provider's own box, from its folder.
        self.boxes: dict[str, ProviderBox] = {
            each.name: each.settings_box()(each, secrets) for each in plugins()}
        providers = QWidget()
        providers_layout = QVBoxLayout(providers)
        for box in self.boxes.values():
            providers_layout.addWidget(box)
            box.test.clicked.connect(
                lambda _=False, b=box: spawn(self._test(b), parent=self, busy=b.test))
        providers_scroll = QScrollArea()
        providers_scroll.setWidget(providers)
        providers_scroll.setWidgetResizable(True)
        # Receipts, catalog, display
        self.printer = choice_box()
        self.printer.setObjectName("printer")
        self.printer.addItem("", "")
        for name in QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name, name)
        self.paper = combo(("80", "58"))
        self.paper.setObjectName("paperWidthSetting")
        self.catalog = QLineEdit()
        self.catalog.setObjectName("catalogFile")
        self.browse = QPushButton()
        self.browse.setObjectName("catalogBrowse")
        self.catalog_status = caption(points=11, name="catalogStatus")
        self._catalog_said = [NO_CATALOG]  # what the status says, to say it again
        self.browse.clicked.connect(lambda: spawn(self._browse(), parent=self))
        self.catalog.editingFinished.connect(self._check_catalog)
        self.customer_display, self.kiosk = QCheckBox(), QCheckBox()
        self.customer_display.setObjectName("customerDisplay")
        self.kiosk.setObjectName("kiosk")
        other = QWidget()
        self.other_form = QFormLayout(other)
        self.other_labels = [QLabel() for _ in range(3)]
        self.other_form.addRow(self.other_labels[0], self.printer)
        self.other_form.addRow(self.other_labels[1], self.paper)
        catalog_row = QHBoxLayout()
        catalog_row.addWidget(self.catalog, 1)
        catalog_row.addWidget(self.browse)
        self.other_form.addRow(self.other_labels[2], catalog_row)
        self.other_form.addRow(self.catalog_status)
        self.other_form.addRow(self.customer_display)
        self.other_form.addRow(self.kiosk)
        self.tabs.addTab(terminal, "")
        self.tabs.addTab(providers_scroll, "")
        self.tabs.addTab(other, "")
        self.change_pin = big_button(height=48)
        self.change_pin.setObjectName("changePin")
        self.pin_note = caption(points=11, name="pinNote")
        if show_security:
            security = QWidget()
            column = QVBoxLayout(security)
            column.addWidget(self.pin_note)
            column.addWidget(self.change_pin)
            column.addStretch(1)
            self.tabs.addTab(security, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def retranslate(self) -> None:
        self._say_catalog()
        labels = (tr(C, "Store id (from Koshelek)"), tr(C, "Terminal id"),
                  tr(C, "Store name (on receipts)"), tr(C, "Store address"), tr(C, "Language"))
        for label, text in zip(self.terminal_labels, labels, strict=True):
            label.setText(text)
        for i, text in enumerate((tr(C, "Automatic"), "Русский", "English")):
            self.language.setItemText(i, text)
        for box in self.boxes.values():
            box.retranslate()
        for i in range(self.paper.count()):
            self.paper.setItemText(i, tr(C, "{n} mm", n=self.paper.itemData(i)))
        self.printer.setItemText(0, tr(C, "System default"))
        for label, text in zip(self.other_labels, (tr(C, "Printer"), tr(C, "Paper width, mm"),
                                                   tr(C, "Product catalog (CSV)")), strict=True):
            label.setText(text)
        self.browse.setText(tr(C, "Browse…"))
        self.customer_display.setText(tr(C, "Customer display (a second window)"))
        self.kiosk.setText(tr(C, "Kiosk mode: full screen, leaving needs the PIN"))
        self.change_pin.setText(tr(C, "Change the manager PIN…"))
        self.pin_note.setText(tr(C, "The manager PIN protects refunds, settings, resolving "
                                    "payments by hand and leaving the kiosk. Five wrong PINs "
                                    "lock it for five minutes."))
        for i, text in enumerate((tr(C, "Terminal"), tr(C, "Payment providers"),
                                  tr(C, "Receipts and display"), tr(C, "Security"))):
            if i < self.tabs.count():
                self.tabs.setTabText(i, text)

    def named(self, text: str) -> str:
        """``text`` with each setting's dotted key ("terminal.store_id") said as the form's
        label for it («Store id (from Koshelek)»): a walk found the keys in Russian
        sentences.  Keys the form does not show stay as they are (they name the file's)."""
        keys = ("store_id", "terminal_id", "store_name", "store_address", "language")
        labels = {f"terminal.{key}": label.text()
                  for key, label in zip(keys, self.terminal_labels, strict=True)}
        labels |= {f"ui.{key}": label.text() for key, label in zip(
            ("printer", "paper_width_mm", "catalog_file"), self.other_labels, strict=True)}
        labels |= {"ui.customer_display": self.customer_display.text(),
                   "ui.kiosk": self.kiosk.text()}
        for box in self.boxes.values():
            labels |= box.labels()
        return _SETTING_KEY.sub(lambda key: f"«{labels[key[0]]}»" if key[0] in labels
                                else key[0], text)

    def load(self, config: TerminalConfig) -> None:
        self.store_id.setText(config.store_id)
        self.terminal_id.setText(config.terminal_id)
        self.store_name.setText(config.store_name)
        self.store_address.setText(config.store_address)
        self.language.setCurrentIndex(max(self.language.findData(config.language), 0))
        for name, box in self.boxes.items():
            box.load(config.providers[name])
        self.printer.setCurrentIndex(max(self.printer.findData(config.ui.printer), 0))
        self.paper.setCurrentIndex(max(self.paper.findData(str(config.ui.paper_width_mm)), 0))
        self.catalog.setText(config.ui.catalog_file)
        self.customer_display.setChecked(config.ui.customer_display)
        self.kiosk.setChecked(config.ui.kiosk)
        self._base = config
        self.retranslate()
        self._check_catalog()

    def to_config(self) -> TerminalConfig:
        """The form as a configuration, validated exactly as a file would be."""
        base = self._base
        config = replace(
            base, store_id=self.store_id.text().strip(),
            terminal_id=self.terminal_id.text().strip(),
            store_name=self.store_name.text().strip(),
            store_address=self.store_address.text().strip(),
            language=str(self.language.currentData()),
            ui=UiSettings(kiosk=self.kiosk.isChecked(),
                          customer_display=self.customer_display.isChecked(),
                          catalog_file=self.catalog.text().strip(),
                          printer=str(self.printer.currentData()),
                          paper_width_mm=int(self.paper.currentData())),
            providers={name: box.read(base.providers[name])
                       for name, box in self.boxes.items()},
        )
        return parse_config(config_to_toml(config))  # the same checks as loading a file

    def check_secrets(self) -> None:
        """SecretsUnavailable (a sentence) if a typed secret cannot be stored."""
        for box in self.boxes.values():
            for name, value in box.secret_values().items():
                self._secrets.check_storable(box.name, name, value)

    def save_secrets(self) -> None:
        """Typed secrets to the keyring; the fields then show them as stored (masked)."""
        for box in self.boxes.values():
            for name, value in box.secret_values().items():
                self._secrets.set(box.name, name, value)
            box.read_stored()
            for field in box.secret_fields.values():
                field.clear()
        self.retranslate()

    def missing_secrets(self, config: TerminalConfig) -> list[tuple[str, str]]:
        """The secrets live mode needs for ``config`` that are neither typed here nor
        stored, as (provider, name).  Stored as the form read them when it was loaded: no
        keyring read on the GUI thread."""
        return [(provider, name) for provider, name in needed_secrets(config)
                if not self.boxes[provider].secret_values().get(name)
                and not self.boxes[provider].stored.get(name)]

    def secrets_not_set(self, missing: list[tuple[str, str]]) -> str:
        """Each missing secret said as its field ("«Paymega: Password»: not set"), a line
        each (the keyring's own names and the command line's advice are for integrators)."""
        return "\n".join(tr(C, "{field}: not set", field=self.named(f"providers.{p}.{n}"))
                         for p, n in missing)

    def secret_getter(self, name: str, secret: str) -> str | None:
        """For a connection test: what was typed, else what is stored."""
        return self.boxes[name].secret_values().get(secret) or self._secrets.get(name, secret)

    async def _test(self, box: ProviderBox) -> None:
        """Test connection, in Settings and in the first-run setup (a walk: the setup's
        button did nothing)."""
        box.result.setText(tr(C, "Connecting…"))
        try:  # the form as it is, checked first: its problems are said here (a walk: the
            # line said "Connecting…" for ever, the problem in a raw key elsewhere)
            config = self.to_config()
            # An empty secret is named, not sent (a walk: "the provider did not accept the
            # terminal's credentials", for a password never typed).
            if missing := [each for each in self.missing_secrets(config)
                           if each[0] == box.name and not self._training]:
                box.result.setText("✗ " + self.secrets_not_set(missing))
                return
            result = await probe(config, box.name, live=not self._training,
                                 secret=self.secret_getter)
        except UserError as exc:
            box.result.setText("✗ " + self.named(exc.message.render()))
            return
        box.result.setText("✓ " + result.render())

    async def _browse(self) -> None:
        path = await choose_file(self, tr(C, "Product catalog"),
                                 name_filter=tr(C, "CSV files (*.csv)"),
                                 suggested=self.catalog.text().strip(), save=False)
        if path is not None:
            self.catalog.setText(str(path))
            self._check_catalog()

    def _check_catalog(self) -> None:
        path = self.catalog.text().strip()
        if not path:
            self._catalog_said = [NO_CATALOG]
        else:
            catalog = load_catalog(Path(path))
            self._catalog_said = [msg(C, "{n} products.", n=len(catalog)),
                                  *catalog.problems[:3]]
        self._say_catalog()

    def _say_catalog(self) -> None:
        """In the language chosen now (a walk: it stayed Russian after a switch)."""
        first, *problems = self._catalog_said
        text = first.render()
        if problems:
            text += " " + "; ".join(p.render() for p in problems)
        self.catalog_status.setText(text)


def broken_file_text(exc: ConfigError) -> str:
    """What a broken configuration file means for the manager (it was used silently as
    defaults, and saving Settings would have replaced the values it had, issue 20 #17)."""
    return tr(C, "{problem}\n\nThe file was not used: these settings are the built-in ones. "
                 "Fix the file, or save Settings here: the broken file is then kept beside "
                 "the new one.", problem=exc.message.render())


class SettingsScreen(Screen):
    """Settings behind the PIN; saving writes the file (keeping a broken one) and the keyring."""

    done = Signal()
    saved = Signal(object)  # TerminalConfig

    def __init__(self, *, config_path: Path, secrets: SecretStore, pins: PinStore,
                 training: bool, head_office: HeadOfficePanel | None = None) -> None:
        super().__init__()
        self.setObjectName("settingsScreen")
        self._path = config_path
        self._pins = pins
        self._secrets = secrets
        self._training = training
        self.form = SettingsForm(secrets, show_security=True, training=training)
        self.head_office = head_office  # its state, read-only: a tab of its own
        if head_office is not None:
            self.form.tabs.addTab(head_office, "")
        self.note = caption(points=11, name="settingsNote")
        self.save = big_button(role="primary")
        self.save.setObjectName("saveSettings")
        self.back = big_button()
        self.back.setObjectName("settingsBack")
        self.save.clicked.connect(lambda: spawn(self._save(), parent=self, busy=self.save))
        self.back.clicked.connect(lambda: spawn(self._leave(), parent=self))
        self._loaded: TerminalConfig | None = None  # as read, to see what was changed
        self.form.change_pin.clicked.connect(lambda: spawn(self._change_pin(), parent=self))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.retranslate()

    def escape_button(self) -> QPushButton:
        return self.back

    def retranslate(self) -> None:
        self.form.retranslate()
        if self.head_office is not None:
            self.form.tabs.setTabText(self.form.tabs.indexOf(self.head_office),
                                      tr(C, "Head office"))
            self.head_office.refresh()
        self.save.setText(tr(C, "Save"))
        self.back.setText(tr(C, "Back"))
        note = tr(C, "Changes of providers and of the terminal take effect after a restart.")
        if self._training:
            note = tr(C, "Training mode always uses the built-in sandboxes; the provider "
                         "settings here are for live mode.") + " " + note
        self.note.setText(note)

    def load(self) -> None:
        try:
            config = load_config(self._path)
        except ConfigError as exc:
            config = TerminalConfig()
            self.note.setText(exc.message.render())
            if not isinstance(exc, ConfigMissing):  # said loudly: the form shows defaults
                show_error(self, broken_file_text(exc))
        self.form.load(config)
        self._loaded = self.form.to_config()

    def _changed(self) -> bool:
        try:
            edited = self.form.to_config()
        except UserError:
            return True  # edited into something that cannot be saved as it is
        return edited != self._loaded or any(box.secret_values()
                                             for box in self.form.boxes.values())

    async def _leave(self) -> None:
        """Back: changes not saved are not dropped without asking."""
        if not self._changed() or await confirm(self, tr(
                C, "Leave the settings without saving your changes?")):
            self.done.emit()

    async def _save(self) -> TerminalConfig:
        try:
            config = self.form.to_config()
            self.form.check_secrets()  # nothing is saved when a secret cannot be kept
        except UserError as exc:  # a walk: the reason alone left "was anything kept?" open
            raise UserError(msg(C, "Nothing was saved. {reason}",
                                reason=self.form.named(exc.message.render()))) from None
        # An id the file has is never saved away, whichever mode saves it (issue 20 #17; a
        # walk emptied the store id in training, in the file live mode starts with).  A file
        # that never had them (a training till's) may still be saved without.
        had = identity_problems(self._loaded) if self._loaded is not None else []
        if missing := [p for p in identity_problems(config) if p not in had]:
            raise UserError(msg(C, "Nothing was saved. {reason}", reason=self.form.named(
                "\n".join(problem.render() for problem in missing))))
        # A file live mode starts with is never saved into one it refuses (a walk: in
        # training, whose PIN the dialog prints, the store id was emptied and saved).
        was_ready = self._loaded is not None and not self._live_problem(self._loaded)
        breaks = self._live_problem(config) if was_ready else ""
        if breaks:
            raise UserError(msg(C, "Nothing was saved: live mode starts with these settings as "
                                   "they are, and with these changes it would not. {problem}",
                                problem=self.form.named(breaks)))
        self.form.save_secrets()
        kept = save_config(config, self._path)
        text = tr(C, "Saved to {path}.", path=str(self._path))
        if kept is not None:
            text += " " + tr(C, "The old file could not be read and was kept as {kept}.",
                             kept=str(kept))
        not_ready = self._live_problem(config)
        if not_ready:  # a walk: "Saved" for a file that live mode then refused to start with
            text += "\n\n" + tr(C, "Live mode will not start until this is fixed: {problem}",
                                problem=self.form.named(not_ready))
        self._loaded = config
        self.retranslate()  # the note no longer says the file is missing or broken
        show_info(self, text)
        self.saved.emit(config)
        return config

    def _live_problem(self, config: TerminalConfig) -> str:
        """What live mode would refuse in ``config`` (empty when it would start)."""
        try:
            check_live_ready(config)
            self._secrets.check_live(needed_secrets(config))
        except SecretsUnavailable as exc:
            return self.form.secrets_not_set(exc.missing) if exc.missing \
                else exc.message.render()
        except ConfigError as exc:
            return exc.message.render()
        return ""

    async def _change_pin(self) -> None:
        if await ask(NewPinDialog(self, self._pins)):
            show_info(self, tr(C, "The manager PIN is changed."))


class FirstRunScreen(Screen):
    """A new terminal: the manager sets a PIN and the essentials, then the app starts."""

    finished = Signal(object)  # TerminalConfig

    def __init__(self, *, config_path: Path, secrets: SecretStore, pins: PinStore,
                 problem: str = "") -> None:
        super().__init__()
        self.setObjectName("firstRunScreen")
        self._path = config_path
        self._pins = pins
        # A till that has a manager PIN (its file or a secret broke): the setup asks for
        # that PIN and keeps it (a walk: whoever was at the till set a new one, and with it
        # every provider's address and secret).
        self._has_pin = pins.is_set
        self.title = caption(points=22, bold=True)
        self.intro = caption(points=13, name="firstRunIntro")
        self.problem = caption(points=12, name="firstRunProblem", error=True)
        self._problem = problem
        self.pin, self.pin_again = QLineEdit(), QLineEdit()
        for field, name in ((self.pin, "firstPin"), (self.pin_again, "firstPinAgain")):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setObjectName(name)
        self.pin_labels = [QLabel(), QLabel()]
        pin_form = QFormLayout()
        pin_form.addRow(self.pin_labels[0], self.pin)
        pin_form.addRow(self.pin_labels[1], self.pin_again)
        pin_form.setRowVisible(1, not self._has_pin)
        self.form = SettingsForm(secrets, show_security=False)
        self.form.load(TerminalConfig())
        self.error = caption(points=12, name="firstRunError", error=True)
        self.start = big_button(role="primary")
        self.start.setObjectName("firstRunStart")
        self.start.clicked.connect(lambda: spawn(self._start(), parent=self, busy=self.start))
        # All but the button scrolls: on a 1024×768 till "Save and start" was below the
        # screen's edge.
        content = QWidget()
        inner = QVBoxLayout(content)
        for widget in (self.title, self.intro, self.problem):
            inner.addWidget(widget)
        inner.addLayout(pin_form)
        inner.addWidget(self.form, 1)
        scroll = QScrollArea()
        scroll.setObjectName("firstRunScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.start)
        self._problem_given = bool(problem)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr(C, "Set up this terminal"))
        self.setWindowTitle(self.title.text())
        if self._has_pin:  # a till that ran: its manager completes it, with its PIN
            self.intro.setText(tr(C, "The configuration cannot be used yet (see below). The "
                                     "store manager completes it and confirms with the "
                                     "manager PIN of this till. Secrets go to the system's "
                                     "keyring."))
        elif self._problem_given:  # a file that cannot be used yet (see the red text)
            self.intro.setText(tr(C, "The configuration cannot be used yet (see below). The "
                                     "store manager completes it: the manager PIN, the store "
                                     "and terminal ids and at least one payment provider. "
                                     "Secrets go to the system's keyring."))
        else:
            self.intro.setText(tr(C, "There is no configuration yet. The store manager sets "
                                     "the manager PIN, the store and terminal ids and at least "
                                     "one payment provider. Secrets go to the system's "
                                     "keyring."))
        self.pin_labels[0].setText(tr(C, "Manager PIN (the one set)") if self._has_pin
                                   else tr(C, "Manager PIN"))
        self.pin_labels[1].setText(tr(C, "PIN again"))
        self.start.setText(tr(C, "Save and start"))
        self.form.retranslate()
        self.problem.setText(self.form.named(self._problem))  # the form's words for its keys

    async def _start(self) -> None:
        """Saves nothing until everything live mode needs is there (a walk: a provider's
        password left empty saved the file and the PIN, then the setup came back); then the
        file first (a folder it cannot be written to kept the PIN saved)."""
        try:
            self._check_pin()
            config = self.form.to_config()
            check_live_ready(config)
            self.form.check_secrets()  # a typed secret that cannot be kept
        except UserError as exc:
            self.error.setText(self.form.named(exc.message.render()))
            return
        if missing := self.form.missing_secrets(config):
            self.error.setText(self.form.secrets_not_set(missing))
            return
        try:
            save_config(config, self._path)
        except OSError as exc:
            self.error.setText(tr(C, "The configuration file {path} cannot be written: "
                                     "{reason}. Nothing was saved.", path=str(self._path),
                                  reason=exc.strerror or str(exc)))
            return
        self.form.save_secrets()
        if not self._has_pin:
            self._pins.set(self.pin.text())
        self.finished.emit(config)

    def _check_pin(self) -> None:
        """The PIN the till has (counted towards its lock), or a new one typed twice."""
        if self._has_pin:
            self._pins.verify(self.pin.text())
            return
        if self.pin.text() != self.pin_again.text():
            raise UserError(Message(C, "The two PINs differ."))
        check_new_pin(self.pin.text())
