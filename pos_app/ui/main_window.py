"""The cashier's window, a shell: top bar, navigation between the screens, kiosk, language.
The checkout flow itself is :mod:`pos_app.ui.checkout`."""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from msgspec.structs import replace

from pos_app.core.catalog import Catalog, load_catalog
from pos_app.core.config import (
    ConfigError,
    ConfigMissing,
    TerminalConfig,
    UiSettings,
    load_config,
)
from pos_app.core.money import Money
from pos_app.core.states import (
    PaymentState,
    describe_state,
)
from pos_app.i18n import msg, tr
from pos_app.providers.registry import title_of
from pos_app.ui.alert_bar import AlertBar
from pos_app.ui.desktop import bring_back
from pos_app.ui.qt import (
    QApplication,
    QCloseEvent,
    QEvent,
    QGuiApplication,
    QHBoxLayout,
    QKeyEvent,
    QMainWindow,
    QObject,
    QPaintEvent,
    QPushButton,
    QResizeEvent,
    QSettings,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    QWindow,
    Signal,
)
from pos_app.ui.sale import SaleScreen
from pos_app.ui.support import (
    Bridge,
    Screen,
    confirm,
    polish_again,
    restyle,
    show_error,
    spawn,
)
from pos_app.ui.translations import Translations
from pos_app.ui.widgets import (
    ElidedLabel,
    InputGuard,
    WedgeDetector,
    caption,
    guard_input,
    meaning_changed,
    take_no_focus,
)

# The window shows before the journal and the providers are imported (issue 17): what only
# the payments need is imported when they are ready (attach) or when a screen first opens.
if TYPE_CHECKING:
    import asyncio

    from pos_app.app import Runtime
    from pos_app.core.backoffice import Backoffice
    from pos_app.core.payments import Payment
    from pos_app.core.payments.recorder import PaymentUpdate
    from pos_app.core.payments.service import PaymentService
    from pos_app.core.pin import PinStore
    from pos_app.core.secrets import SecretStore
    from pos_app.core.shifts import Shift, Shifts
    from pos_app.ui.checkout import Checkout
    from pos_app.ui.customer import CustomerDisplay
    from pos_app.ui.history import AttentionScreen, HistoryScreen
    from pos_app.ui.payment import ChooseScreen, PaymentScreen, ResultScreen
    from pos_app.ui.receipts import ReceiptScreen
    from pos_app.ui.settings import SettingsScreen
    from pos_app.ui.shift import ShiftScreen

log = logging.getLogger(__name__)
COMPACT_BELOW = 1200  # px: a window narrower than this has the top bar's compact look
BACK_TRIES = 40  # a kiosk hidden by "show desktop" asks to come back, every 250 ms
LANGUAGE_CHOICE = "ui/language"  # QSettings: the top bar's language, kept across starts
# A release's settings a running window takes at once (the rest: at the next start).
AT_ONCE = ("terminal.language", "ui.catalog_file", "ui.paper_width_mm", "ui.printer",
           "scanner.")
C = "MainWindow"
SMALL_SCREEN = (1280, 900)  # below this the window starts maximized
ScreenT = TypeVar("ScreenT", bound=QWidget)


class MainWindow(QMainWindow):
    """Sale → how to pay → payment → result → receipt; history, attention, settings."""

    painted = Signal()
    language_changed = Signal(str)

    # Set by attach(), once the journal and the providers are ready.
    runtime: Runtime
    service: PaymentService
    secrets: SecretStore
    pins: PinStore
    bridge: Bridge
    shifts: Shifts
    checkout: Checkout

    def __init__(self, config: TerminalConfig, *, training: bool, translations: Translations,
                 kiosk: bool) -> None:
        """The window with its sale screen, before the payments can start: a cashier builds
        the sale while the journal and the providers start; Pay says "Starting…" until
        :meth:`attach` (issue 17: usable in the time a bare window takes to show)."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.config = config
        WedgeDetector.settings = config.scanner  # the terminal's scanner, for every field
        self.training = training
        self.translations = translations
        self.kiosk = kiosk
        self.attached = False
        # A head-office configuration release's settings that wait for a restart.
        self._restart_for: tuple[int, list[str]] | None = None
        self._recovering: set[str] = set()  # the last session's, in progress (follow_recovery)
        self._recovered_ids: set[str] = set()  # … and ended since, said in the alert bar
        self._configured_language = config.language
        self._saved_ui: UiSettings | None = None  # as Settings or a release last saved it
        self.running = False  # attached, and the payments of the last session are followed
        self._unlocked = False
        self._leaving = False  # the cashier agreed to close (or nothing was in progress)
        self._painted = False
        self._receipt_return: Screen | None = None
        self.catalog = self._load_catalog(config)
        self.taps: InputGuard | None = None  # once the window is painted (guard_input)

        # The sale screen now; the payment's screens once the runtime is ready (attach); the
        # others (receipt, history, attention, settings, shift) when first opened.
        self.sale_screen = SaleScreen(currency=config.currency, catalog=self.catalog)
        self.sale_screen.set_ready(False)
        self.open_shift: Shift | None = None
        self._shift_known = False  # until the journal answered: no red "No shift" at start
        self._warned_long = ""  # the shift whose 24-hour warning was shown
        self._attention_count: int | None = None  # until the journal has counted them
        self._counting: asyncio.Task[None] | None = None
        self._count_again = False  # an update came while counting: count once more
        self.stack = QStackedWidget()
        self.stack.addWidget(self.sale_screen)
        self.customer: CustomerDisplay | None = None

        self._build_top_bar()
        self.alerts = AlertBar()
        self.alerts.show_payment.connect(self._show_alerted)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.top)
        layout.addWidget(self.alerts)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        if config.ui.customer_display and len(QGuiApplication.screens()) < 2:
            # Said with the first paint: said once the till had started, the bar pushed the
            # keypad down under the cashier's next tap ("1" became "7", a walk).
            self._no_second_screen()
        self._connect_top_bar()
        self.retranslate()
        if kiosk:  # no frame, and above every other window (its own dialogs go above it)
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)

    def guard_input(self) -> None:
        """From now on a double tap does not land on what its first tap brought up, and the
        wheel turns no choice (:class:`InputGuard`, on this window and its dialogs).  Once
        the window is shown: its window system window is watched."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.taps = guard_input(app, self)

    @classmethod
    def ready(cls, runtime: Runtime, *, secrets: SecretStore, translations: Translations,
              kiosk: bool) -> MainWindow:
        """A window whose payments work from the start (after a first-run setup; tests)."""
        window = cls(runtime.config, training=runtime.training, translations=translations,
                     kiosk=kiosk)
        window.attach(runtime, secrets=secrets)
        return window

    def attach(self, runtime: Runtime, *, secrets: SecretStore) -> None:
        """The journal and the providers are ready: payments, the top bar's screens and the
        customer display start working."""
        from pos_app.core.pin import PinStore
        from pos_app.core.shifts import Shifts
        from pos_app.ui.checkout import Checkout
        from pos_app.ui.operations import Operations

        self.runtime = runtime
        self.service = runtime.service
        self.config = runtime.config  # training mode's has the sandboxes' store and terminal
        self.secrets = secrets
        self.pins = PinStore(secrets, training=runtime.training)
        self.operations = Operations(
            parent=self, service=self.service, pins=self.pins, changed=self._payment_now,
            show_receipt=self._refund_receipt)
        self.bridge = Bridge(self.service)
        self.bridge.updated.connect(self._updated)
        self.shifts = Shifts(self.service.journal, training=self.service.training)
        model = self.sale_screen.model  # the sale, shown on the customer display as rung up
        for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(self._basket_changed)
        self.checkout = Checkout(self)
        self._use_customer_display(self.config.ui.customer_display)
        if runtime.releases is not None:
            runtime.releases.held = self._busy_for_releases
            runtime.releases.on_applied = self._release_applied
            for kind, (version, changed) in runtime.releases.applied.items():
                self._release_applied(kind, version, changed)  # while the window waited
        self.attached = True
        for button in self._waiting_buttons():
            button.setEnabled(True)
        self._payment_range()
        self.sale_screen.set_ready(True)
        self.retranslate()
        spawn(self._count_attention())
        spawn(self._learn_shift())
        problem = runtime.config_problem
        if problem is not None and not isinstance(problem, ConfigMissing):
            self.alerts.notice("configuration", msg(
                C, "The configuration file {path} has problems and was not used: these "
                   "settings are the built-in ones. Settings says what is wrong.",
                path=str(problem.path or "")))

    def _waiting_buttons(self) -> tuple[QPushButton, ...]:
        """What waits for the runtime (the language can be switched at once)."""
        return (self.attention_button, self.shift_button, self.history_button,
                self.settings_button, self.exit_button)

    # -- building --

    def _build_top_bar(self) -> None:
        self.top = QWidget()
        self.top.setObjectName("topBar")
        # As wide as the screen, most likely (maximized): its look before anything in it is
        # polished (_fit_top_bar).
        self.top.setProperty("compact", self.screen().availableGeometry().width() < COMPACT_BELOW)
        bar = QHBoxLayout(self.top)
        bar.setContentsMargins(0, 0, 0, 0)
        # Two lines whatever the store's name: it is cut with "…" (whole in the tooltip)
        # rather than wrapped, which pushed every screen down on a 1024 px kiosk.
        self.store = ElidedLabel()
        self.store.setObjectName("storeLabel")
        self.terminal = ElidedLabel()
        self.terminal.setObjectName("terminalLabel")
        place = QWidget()
        lines = QVBoxLayout(place)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(0)
        lines.addWidget(self.store)
        lines.addWidget(self.terminal)
        self.training_mark = caption(points=14, bold=True, name="trainingMark")
        self.training_mark.setVisible(self.training)
        self.attention_button = QPushButton()
        self.attention_button.setObjectName("attentionButton")
        self.shift_button = QPushButton()
        self.shift_button.setObjectName("shiftButton")
        self.history_button = QPushButton()
        self.history_button.setObjectName("historyButton")
        self.settings_button = QPushButton()
        self.settings_button.setObjectName("settingsButton")
        self.language_button = QPushButton()
        self.language_button.setObjectName("languageButton")
        self.exit_button = QPushButton()
        self.exit_button.setObjectName("exitButton")
        self.exit_button.setVisible(self.kiosk)
        bar.addWidget(place, 1)
        bar.addWidget(self.training_mark)
        for button in (self.attention_button, self.shift_button, self.history_button,
                       self.settings_button, self.language_button, self.exit_button):
            button.setMinimumHeight(44)
            take_no_focus(button)
            bar.addWidget(button)
        for button in self._waiting_buttons():
            button.setEnabled(False)

    def _connect_top_bar(self) -> None:
        self.shift_button.clicked.connect(self._show_shift_screen)
        self.attention_button.clicked.connect(lambda: self._from_top_bar(self.attention))
        self.history_button.clicked.connect(lambda: self._from_top_bar(self.history))
        self.settings_button.clicked.connect(lambda: spawn(self._open_settings(), parent=self))
        self.language_button.clicked.connect(self._switch_language)
        self.exit_button.clicked.connect(self.close)

    def _from_top_bar(self, screen: Screen) -> None:
        """A top bar's screen; back from it to the sale, the result it was opened over
        shows first (a walk: History, then Back, left "Paid" and its receipt for an empty
        sale)."""
        if self.built("result") and self.stack.currentWidget() is self.result:
            self.checkout.result_waiting = True
        self.go(screen)

    # -- the screens built when first opened (their modules imported then, too) --

    def _added(self, screen: ScreenT) -> ScreenT:
        """A screen built now, at its place's size and laid out: the stack sizes a new page
        only at its next layout pass, and the first payment screen of a session was painted
        once as a narrow column, then jumped (helper-51)."""
        self.stack.addWidget(screen)
        screen.setGeometry(self.stack.contentsRect())
        if (layout := screen.layout()) is not None:
            layout.activate()
        return screen

    # The payment's own screens at the first payment: ~8 ms of the start (issue 17).
    @cached_property
    def choose(self) -> ChooseScreen:
        from pos_app.ui.payment import ChooseScreen

        screen = self._added(ChooseScreen(dict(self.service.providers),
                                          currency=self.config.currency))
        self.checkout.connect_choose(screen)
        return screen

    @cached_property
    def payment_screen(self) -> PaymentScreen:
        from pos_app.ui.payment import PaymentScreen

        screen = self._added(PaymentScreen(training=self.runtime.training))
        self.checkout.connect_payment_screen(screen)
        return screen

    @cached_property
    def result(self) -> ResultScreen:
        from pos_app.ui.payment import ResultScreen

        screen = self._added(ResultScreen())
        self.checkout.connect_result(screen)
        return screen

    @cached_property
    def receipt(self) -> ReceiptScreen:
        from pos_app.ui.receipts import ReceiptScreen

        screen = self._added(ReceiptScreen(self.service, self._with_saved_ui()))
        screen.done.connect(self._receipt_done)
        return screen

    @cached_property
    def history(self) -> HistoryScreen:
        from pos_app.ui import operations
        from pos_app.ui.history import HistoryScreen

        screen = self._added(HistoryScreen(self.service))
        self._connect_payment_list(screen)
        screen.refund.connect(lambda pid: spawn(operations.refund(self.operations, pid),
                                                parent=self))
        return screen

    @cached_property
    def attention(self) -> AttentionScreen:
        from pos_app.ui.history import AttentionScreen

        screen = self._added(AttentionScreen(self.service))
        self._connect_payment_list(screen)
        return screen

    def _connect_payment_list(self, screen: HistoryScreen | AttentionScreen) -> None:
        from pos_app.ui import operations

        screen.receipt.connect(lambda pid: self.open_receipt(pid, back_to=screen))
        screen.resolve.connect(lambda pid: spawn(operations.resolve(self.operations, pid),
                                                 parent=self))
        screen.acknowledge.connect(lambda pid: spawn(
            operations.acknowledge(self.operations, pid), parent=self))
        screen.done.connect(lambda: self.go(self.sale_screen))

    @cached_property
    def settings(self) -> SettingsScreen:
        from pos_app.ui.head_office import HeadOfficePanel
        from pos_app.ui.settings import SettingsScreen

        panel = HeadOfficePanel(self.runtime)
        panel.restart_for = self._restart_for
        screen = self._added(SettingsScreen(
            config_path=self.runtime.config_path, secrets=self.secrets, pins=self.pins,
            training=self.runtime.training, head_office=panel))
        screen.done.connect(lambda: self.go(self.sale_screen))
        screen.saved.connect(self._settings_saved)
        return screen

    @cached_property
    def office(self) -> Backoffice:
        from pos_app.core.backoffice import Backoffice

        return Backoffice(self.service)

    @cached_property
    def shift_screen(self) -> ShiftScreen:
        from pos_app.ui.shift import ShiftScreen

        screen = self._added(ShiftScreen(self.office, self._with_saved_ui(), ask_pin=self._pin))
        screen.done.connect(lambda: self.go(self.sale_screen))
        screen.shift_changed.connect(self._shift_changed)
        return screen

    def _payment_range(self) -> None:
        """The smallest and the largest payment any way to pay takes: the sale screen says
        so of an amount outside them before any way is offered."""
        limits = [p.limits for p in self.service.providers.values()]
        currency = self.config.currency
        self.sale_screen.smallest_payment = Money(min(each.min_minor for each in limits),
                                                  currency) if limits else None
        self.sale_screen.largest_payment = Money(max(each.max_minor for each in limits),
                                                 currency) if limits else None

    def limits_learned(self) -> None:
        """The providers said their own limits (:meth:`PaymentService.warm_up`): the sale
        screen's smallest and largest payment and the ways offered on screen follow."""
        self._payment_range()
        self.checkout.offer_again()

    def built(self, name: str) -> bool:
        """Whether the screen (or helper) ``name``, built when first used, is built."""
        return name in self.__dict__  # where cached_property keeps what it built

    def retranslate(self) -> None:
        config = self.config
        self.setWindowTitle(tr(C, "Cashier") + (
            " — " + tr(C, "TRAINING") if self.training else ""))
        self.store.set_full_text(config.store_name or tr(C, "Store"))
        self.terminal.set_full_text(tr(C, "terminal {terminal}", terminal=config.terminal_id))
        # Short, so the top bar stays one line on a 1024 px kiosk; the tooltip says the rest.
        self.training_mark.setText(tr(C, "TRAINING"))
        self.training_mark.setToolTip(tr(C, "TRAINING — NOT REAL MONEY"))
        self.history_button.setText(tr(C, "History"))
        self.settings_button.setText(tr(C, "Settings"))
        self._show_shift_button()
        self.language_button.setText("English" if self.translations.language == "ru"
                                     else "Русский")
        self.exit_button.setText(tr(C, "Exit"))
        self._show_attention_count()
        if self.customer is not None:
            self.customer.retranslate()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape, wherever the focus is (a field passes it on), takes the screen's way back."""
        if event.key() == Qt.Key.Key_Escape:
            screen = self.stack.currentWidget()
            button = screen.escape_button() if isinstance(screen, Screen) else None
            if button is not None and button.isVisible() and button.isEnabled():
                button.click()
                return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_top_bar(self.width())

    def _fit_top_bar(self, width: int) -> None:
        """On a narrow screen the bar's buttons a point smaller, so that the store and the
        terminal stay whole at 1024 px (issue 20 #14: "Маг…/терм…" in a kiosk, whose bar
        holds Exit too; "терминал TRAININ…" beside "Нет смены", a walk).  Decided before the
        window first shows (:meth:`start`), so that its first paint needs no second polish:
        that built Python's QStyle type and its enums, ~5 ms of the start (issue 17)."""
        compact = width < COMPACT_BELOW
        if self.top.property("compact") == compact:
            return
        self.top.setProperty("compact", compact)
        for widget in (self.top, *self.top.findChildren(QWidget)):
            if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
                polish_again(widget)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif (event.type() == QEvent.Type.WindowStateChange and self.kiosk
              and not self._unlocked and self.isMinimized()):
            # The window manager's Iconify or "show desktop" must not leave a kiosk without
            # the PIN: it comes straight back.
            QTimer.singleShot(0, self._back_to_full_screen)
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The kiosk's window unexposed but not minimized: its window manager shows the
        desktop (openbox's Super+D) or another virtual desktop; it is asked to show the till
        again, and the till comes back."""
        if (event.type() == QEvent.Type.Expose and isinstance(watched, QWindow)
                and not watched.isExposed() and not self.isMinimized()
                and not self._unlocked and not self._leaving):
            QTimer.singleShot(0, self._back_from_the_desktop)
        return False

    def _back_from_the_desktop(self, tries: int = 0) -> None:
        """Asked again every quarter second while still hidden (a walk: once was not always
        enough), for up to ten seconds."""
        handle = self.windowHandle()
        if handle is None or handle.isExposed() or self._unlocked or self._leaving:
            return
        if tries == 0:
            log.info("kiosk: hidden by the window manager (show desktop, another desktop); "
                     "it comes back")
        bring_back(int(self.winId()))
        self._back_to_full_screen()
        if tries < BACK_TRIES:
            QTimer.singleShot(250, lambda: self._back_from_the_desktop(tries + 1))

    def _back_to_full_screen(self) -> None:
        self.showFullScreen()
        self.raise_()
        self.activateWindow()

    @property
    def was_painted(self) -> bool:
        return self._painted

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.painted.emit()

    def start(self) -> None:
        """Show the window (full screen in kiosk mode) and the customer display."""
        geometry = QSettings().value("window/geometry")
        screen = self.screen()
        if self.kiosk:
            self._fit_top_bar(screen.geometry().width())
            self.showFullScreen()
            handle = self.windowHandle()
            if handle is not None:  # "show desktop" hides it without minimizing: back
                handle.installEventFilter(self)
                bring_back(int(self.winId()))  # on every virtual desktop from the start
        elif geometry is None or self._small_screen():
            # A till's first start, or a small screen: every pixel is needed.
            self._fit_top_bar(screen.availableGeometry().width())
            self.showMaximized()
        else:
            self.restoreGeometry(geometry)  # as the cashier left it
            self._fit_top_bar(self.width())
            self.show()
        # The keys, also when no window had them (the first-run setup just closed: a walk's
        # amount typed then went nowhere).
        self.activateWindow()
        self.go(self.sale_screen)
        if self.catalog.problems:  # the good lines are used; the manager should fix the rest
            # In the bar from the first paint, not in a box: a box took the first keys and
            # scan of the day (helper-48, as the start's other notices did before).
            n, first = len(self.catalog.problems), self.catalog.problems[0]
            said = msg(C, "The product catalog has problems ({n}); its good lines are used. "
                          "The first: {problem}", n=n, problem=first)
            if not len(self.catalog):  # a file not found, or not one good line (helper-49)
                said = msg(C, "The product catalog has no product to use (problems: {n}); "
                              "products are added by amount. The first: {problem}",
                           n=n, problem=first)
            self.alerts.notice("catalog", said)

    def _small_screen(self) -> bool:
        """The screen is smaller than the window's comfortable size (e.g. a 1024×768 till)."""
        screen = self.screen().availableGeometry()
        return screen.width() < SMALL_SCREEN[0] or screen.height() < SMALL_SCREEN[1]

    def go(self, screen: Screen) -> None:
        if screen is self.sale_screen and self.attached:
            if self.checkout.result_waiting:
                screen = self.result  # what happened to the sale's payment meanwhile, first
            elif self.checkout.payment_waiting():
                # Back from the top bar's screens to the payment, not to a basket that could
                # be changed (or paid again) while the customer pays the old one.
                screen = self.payment_screen
        if self.built("result") and screen is self.result:
            self.checkout.result_waiting = False
        if screen is not self.stack.currentWidget() and self.taps is not None:
            self.taps.screen_changed()
        self.stack.setCurrentWidget(screen)

    def _load_catalog(self, config: TerminalConfig) -> Catalog:
        if not config.ui.catalog_file:
            return Catalog({})
        return load_catalog(Path(config.ui.catalog_file))

    # -- a sale and its payment --

    async def shift_for_sale(self) -> bool:
        """Every sale belongs to a shift: without an open one, the cashier opens it first
        (False: they did not).  Asked every time: the shift may have been closed from the
        command line meanwhile."""
        self._shift_changed(await self.shifts.current())
        if self.open_shift is None:
            return await self.shift_screen.open_shift(
                reason=tr(C, "Open a shift before the first sale.")) is not None
        if self.open_shift.runs_long() and self._warned_long != self.open_shift.id:
            self._warned_long = self.open_shift.id  # once per shift, not at every sale
            show_error(self, self._long_shift_warning(self.open_shift))
        return True

    def follow_recovery(self, payments: list[Payment]) -> None:
        """The payments the last session left in progress (it was closed, or the till lost
        its power; not those the cashier left, which have their late-payment alert): the
        alert bar says each is still open, then how it ended, so a sale the customer pays
        meanwhile is not taken again (a walk: paid while the app was down, it was only in
        History).  In the bar, not a box: a box took the Enter typed for the next sale."""
        self._recovering = {payment.id for payment in payments
                            if payment.kind == "payment" and not payment.abandoned}
        for payment in payments:
            if payment.id in self._recovering:
                self.alerts.alert(payment.id, msg(
                    C, "Still open from before the app was closed: a payment of {amount} by "
                       "{provider}. The customer may still pay it: do not take it again "
                       "until it ends.", amount=payment.amount.format(),
                    provider=title_of(payment.provider)))

        async def already_ended() -> None:  # while the window was not listening yet
            for payment_id in list(self._recovering):
                self._recovered(await self.service.get(payment_id))

        if self._recovering:
            spawn(already_ended(), parent=self)

    def _recovered(self, payment: Payment) -> None:
        if payment.id not in self._recovering or not payment.state.is_final:
            return  # UNKNOWN is listed under Needs attention
        self._recovering.discard(payment.id)
        self._recovered_ids.add(payment.id)
        amount, provider = payment.amount.format(), title_of(payment.provider)
        if payment.state in (PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED,
                             PaymentState.REFUNDING, PaymentState.REFUNDED):
            said = msg(C, "A payment of {amount} by {provider}, begun before the app was "
                          "closed, has been paid. Do not take it again: it is in the history.",
                       amount=amount, provider=provider)
        else:
            said = msg(C, "A payment of {amount} by {provider}, begun before the app was "
                          "closed, was not paid. {state} Take it again if the customer still "
                          "wants to pay.", amount=amount, provider=provider,
                       state=describe_state(payment.state))
        self.alerts.alert(payment.id, said, news=True)

    def _updated(self, update: PaymentUpdate) -> None:
        payment = update.payment
        if update.alert is not None:
            self.alerts.alert(payment.id, update.alert)
        self._recovered(payment)
        # Any update may change the count: an UNKNOWN asked again goes back to in progress
        # (a walk: the bar said 1 for a list that was empty).  Counted once at a time.
        self._count_attention_soon()
        # The lists and their detail panels follow the journal (a stale panel could offer
        # to resolve a payment that is settled already).
        self._show_payment_everywhere(payment)
        self.checkout.payment_updated(update)

    # -- receipts, history, attention --

    def _receipt_done(self) -> None:
        if self._receipt_return in (None, self.sale_screen):
            self.checkout.new_or_back()
        else:
            self.go(self._receipt_return)

    def _refund_receipt(self, payment_id: str, refund_id: str | None) -> None:
        """After a refund: its receipt, then back where the refund was made from."""
        here = self.stack.currentWidget()
        self.open_receipt(payment_id, back_to=here if isinstance(here, Screen) else None,
                          refund_id=refund_id)

    def open_receipt(self, payment_id: str, *, back_to: Screen | None,
                     refund_id: str | None = None) -> None:
        self._receipt_return = back_to

        async def show() -> None:
            await self.receipt.show_payment(payment_id, refund_id)
            self.go(self.receipt)

        spawn(show(), parent=self)

    async def _pin(self, purpose: str) -> bool:
        return await self.operations.pin(purpose)

    def _payment_now(self, payment: Payment) -> None:
        """After a manager's action: the payment as it is, and the attention count."""
        self._show_payment_everywhere(payment)
        self._count_attention_soon()

    def _show_payment_everywhere(self, payment: Payment) -> None:
        """The payment as it is now, in the lists that are built (the others read the journal
        when first opened)."""
        # A walk: the bar still said "complete the sale".  The last session's "still open"
        # stays until the payment ends (helper-48: a status read answered 503 at the start
        # took it away while the customer could still pay).
        if payment.attention is None and payment.state is not PaymentState.UNKNOWN \
                and payment.id not in self._recovering:
            self.alerts.settled(payment.id)
        if self.built("history"):
            self.history.payment_changed(payment)
        if self.built("attention"):
            self.attention.payment_changed(payment)

    def _show_alerted(self, payment_id: str) -> None:
        """The alert bar's Show: a payment the last session left, in the history (it needs
        no one: a walk's Show opened an empty Needs attention, and the notice was gone);
        any other in Needs attention, where it is dealt with."""
        if payment_id in self._recovering or payment_id in self._recovered_ids:
            self.history.show_only(payment_id)
            self.go(self.history)
            return
        self.alerts.drop(payment_id)
        self.attention.select(payment_id)  # the payment the alert is about, not just the list
        self.go(self.attention)

    def _count_attention_soon(self) -> None:
        """Count again; while a count runs, once more after it (a burst of updates makes
        two counts, not one per update)."""
        if self._counting is not None and not self._counting.done():
            self._count_again = True
            return
        self._counting = spawn(self._count_until_current(), parent=self)

    async def _count_until_current(self) -> None:
        self._count_again = True
        while self._count_again:
            self._count_again = False
            await self._count_attention()

    async def _count_attention(self) -> None:
        from pos_app.core.journal import PaymentFilter

        self._attention_count = await self.service.journal.count_payments(
            PaymentFilter(needs_attention=True))
        self._show_attention_count()

    def _show_attention_count(self) -> None:
        count = self._attention_count
        if count is None:  # not counted yet (the journal is opening); as wide as a count
            self.attention_button.setText(tr(C, "Needs attention (…)"))
            return
        self.attention_button.setText(tr(C, "Needs attention ({n})", n=count))
        restyle(self.attention_button, "role", "danger" if count else "")

    # -- shifts --

    async def _learn_shift(self) -> None:
        self._shift_changed(await self.shifts.current())

    def _show_shift_screen(self) -> None:
        self._from_top_bar(self.shift_screen)
        spawn(self.shift_screen.refresh(), parent=self)

    def _shift_changed(self, shift: Shift | None) -> None:
        self.open_shift = shift
        self._shift_known = True
        self._show_shift_button()

    @staticmethod
    def _long_shift_warning(shift: Shift) -> str:
        from pos_app.ui.shift import long_shift_warning

        return long_shift_warning(shift)

    def _show_shift_button(self) -> None:
        shift = self.open_shift
        if not self._shift_known:  # as wide as what comes, so the top bar does not jump
            self.shift_button.setText(tr(C, "Shift …"))
            return
        if shift is None:
            self.shift_button.setText(tr(C, "No shift"))
        elif shift.runs_long():
            self.shift_button.setText(tr(C, "Shift {number}: over 24 h", number=shift.number))
            self.shift_button.setToolTip(self._long_shift_warning(shift))
        else:
            self.shift_button.setText(tr(C, "Shift {number}", number=shift.number))
        restyle(self.shift_button, "role",
                "danger" if shift is None or shift.runs_long() else "")

    # -- settings, language, leaving --

    async def _open_settings(self) -> None:
        if await self._pin(tr(C, "Settings need the manager PIN.")):
            self.settings.load()
            self._from_top_bar(self.settings)

    def _with_saved_ui(self) -> TerminalConfig:
        """The runtime's configuration with the receipts' settings as last saved (a screen
        built after a save or a release printed on the old paper)."""
        return replace(self.runtime.config, ui=self._saved_ui or self.runtime.config.ui)

    def _use_customer_display(self, wanted: bool) -> None:
        """The customer display opened on the second screen, or closed; Settings' choice at
        once (a walk: it did nothing until a restart, and nothing said so)."""
        from pos_app.ui.customer import CustomerDisplay

        if self.customer is not None and not wanted:
            self.customer.close()
            self.customer.deleteLater()
            self.customer = None
        if self.customer is not None or not wanted:
            self.alerts.drop("customer-display")
            return
        display = CustomerDisplay(training=self.runtime.training)
        if not display.place():
            display.deleteLater()
            self._no_second_screen()
            return
        self.customer = display
        self._basket_changed()

    def _no_second_screen(self) -> None:
        self.alerts.notice("customer-display", msg(
            C, "The customer display is on, but this till has one screen. Connect a second "
               "screen: the display opens there once the app starts again."))

    def _settings_saved(self, config: TerminalConfig) -> None:
        """Settings saved by the manager (or a release applied): what takes effect at once.
        A language changed there wins over the top bar's choice; one left as it was does
        not (a save of the paper width switched a Russian window to English, a walk)."""
        WedgeDetector.settings = config.scanner
        self._saved_ui = config.ui
        if self.attached:
            self._use_customer_display(config.ui.customer_display)
        for name in ("receipt", "shift_screen"):  # the printer and the paper at once
            if self.built(name):
                getattr(self, name).use_ui(config.ui)
        chosen = config.language != self._configured_language
        self._configured_language = config.language
        if chosen and config.language and config.language != self.translations.language:
            QSettings().remove(LANGUAGE_CHOICE)
            self.translations.use(config.language)
        spawn(self._use_catalog(config), parent=self)

    async def _use_catalog(self, config: TerminalConfig) -> None:
        """The catalog the configuration names, read off the GUI thread (a chain's pushed
        catalog can be large)."""
        import asyncio
        self.catalog = await asyncio.to_thread(self._load_catalog, config)
        self.sale_screen.catalog = self.catalog

    def _basket_changed(self, *_: object) -> None:
        if self.customer is not None and self.checkout.sale is None:  # not while paying
            self.customer.basket(self.sale_screen.model.lines, self.sale_screen.model.total)

    def _busy_for_releases(self) -> bool:
        """A head-office release waits while a sale is being built or paid, or the manager
        has the Settings screen open (it would save over the release)."""
        return (self.checkout.sale is not None or bool(self.sale_screen.model.lines)
                or (self.built("settings") and self.stack.currentWidget() is self.settings))

    def _release_applied(self, kind: str, version: int, changed: list[str]) -> None:
        spawn(self._take_release(kind, version, changed), parent=self)

    async def _take_release(self, kind: str, version: int, changed: list[str]) -> None:
        """The catalog, the language and the scanner of a head-office release in use at
        once, as when the manager saves Settings; the Head office tab names what waits for
        a restart.  The file is read off the GUI thread."""
        import asyncio
        try:
            config = await asyncio.to_thread(load_config, self.runtime.config_path)
        except ConfigError as exc:  # checked before it was written: not expected
            log.error("the configuration after release %s %d: %s", kind, version,
                      exc.message.english())
            return
        later = [key for key in changed if not key.startswith(AT_ONCE)]
        if later:  # every release's since the start, not only the newest's
            before = self._restart_for[1] if self._restart_for else []
            self._restart_for = (version, sorted(set(before) | set(later)))
            if self.built("settings") and self.settings.head_office is not None:
                self.settings.head_office.restart_for = self._restart_for
        self._settings_saved(config)

    def _switch_language(self) -> None:
        self.translations.use("en" if self.translations.language == "ru" else "ru")
        meaning_changed()  # every word changed: a double tap switches once
        settings = QSettings()  # kept for the next start (it was lost on restart)
        settings.setValue(LANGUAGE_CHOICE, self.translations.language)
        settings.sync()
        self.language_changed.emit(self.translations.language)

    def close_now(self) -> None:
        """Close without asking anything (the smoke start; a test's end)."""
        self._unlocked = self._leaving = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.kiosk and not self._unlocked and not self.attached:
            event.ignore()  # the manager's PIN can be asked for once the till has started
            return
        if self.kiosk and not self._unlocked:
            event.ignore()  # leaving a kiosk needs the manager PIN
            spawn(self._leave_kiosk(), parent=self)
            return
        if not self._leaving:
            event.ignore()  # first: is a customer paying right now?
            spawn(self._leave(), parent=self)
            return
        if not self.kiosk:
            settings = QSettings()
            settings.setValue("window/geometry", self.saveGeometry())
            settings.sync()  # written now: the process ends without tearing Qt down
        if self.customer is not None:
            self.customer.close()
        if self.attached:
            self.bridge.close()
        super().closeEvent(event)

    async def _leave(self) -> None:
        """Close, unless the cashier keeps the window for a payment still being taken."""
        followed = await self.service.followed() if self.attached else []
        unpaid = self.checkout.unpaid() if self.attached else self.sale_screen.model.total
        if followed:
            names = {n: p.display_name for n, p in self.service.providers.items()}
            lines = "\n".join(f"• {p.amount.format()}, {names.get(p.provider, p.provider)}: "
                              f"{describe_state(p.state).render()}" for p in followed)
            if not await confirm(self, tr(
                    C, "Still in progress:\n{payments}\n\nIf you close the app now, these "
                       "stay in the journal and are checked again at the next start; a "
                       "payment made meanwhile is found then. Close anyway?", payments=lines)):
                return
        elif unpaid.minor and not await confirm(self, tr(
                C, "The sale being built ({amount}) is not paid and is lost if you close the "
                   "app. Close anyway?", amount=unpaid.format())):
            return  # walks: the basket was gone at the next start, nothing asked
        self._leaving = True
        self.close()

    async def _leave_kiosk(self) -> None:
        if await self._pin(tr(C, "Leaving the kiosk needs the manager PIN.")):
            self._unlocked = True
            self.close()
