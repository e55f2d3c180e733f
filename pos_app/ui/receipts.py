"""The receipt on screen, on paper (58 or 80 mm rolls) and as PDF; the provider's own file."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from msgspec.structs import replace

from pos_app.core.config import TerminalConfig, UiSettings
from pos_app.core.money import Money
from pos_app.core.payments.service import PaymentService, ReceiptData
from pos_app.core.receipt import render_receipt, render_refund_receipt
from pos_app.core.states import OperationKind, OperationState
from pos_app.i18n import tr
from pos_app.providers.base import ReceiptSource
from pos_app.providers.errors import ProviderError
from pos_app.ui.qt import (
    QHBoxLayout,
    QImage,
    QLabel,
    QMarginsF,
    QPageLayout,
    QPageSize,
    QPixmap,
    QPrinter,
    QPrinterInfo,
    QPushButton,
    QScrollArea,
    QSizeF,
    Qt,
    QTextBrowser,
    QTextDocument,
    QVBoxLayout,
    Signal,
)
from pos_app.ui.support import Screen, ask, big_button, choose_file, print_dialog, show_error, spawn
from pos_app.ui.widgets import caption, choice_box

C = "ReceiptScreen"
MARGIN_MM = 2.0


def _layout(document: QTextDocument, printer: QPrinter, width_mm: int) -> None:
    """A page as wide as the roll and as long as the receipt."""
    printer.setPageMargins(QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                           QPageLayout.Unit.Millimeter)
    points_per_mm = 72 / 25.4
    document.setTextWidth((width_mm - 2 * MARGIN_MM) * points_per_mm)
    height_mm = document.size().height() / points_per_mm + 2 * MARGIN_MM + 4
    printer.setPageSize(QPageSize(QSizeF(width_mm, max(height_mm, 40)),
                                  QPageSize.Unit.Millimeter, f"Receipt {width_mm} mm"))
    document.setPageSize(QSizeF((width_mm - 2 * MARGIN_MM) * points_per_mm,
                                (height_mm - 2 * MARGIN_MM) * points_per_mm))


def print_html(html: str, printer: QPrinter, width_mm: int) -> None:
    document = QTextDocument()
    document.setHtml(html)
    _layout(document, printer, width_mm)
    document.print_(printer)


def save_pdf(html: str, path: Path, width_mm: int) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    print_html(html, printer, width_mm)


def rasterise_pdf(content: bytes, scale: float = 2.0) -> list[QImage]:
    """PDF pages as images (pypdfium2; run it off the GUI thread)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    images = []
    for page in document:
        bitmap = page.render(scale=scale, rev_byteorder=True)  # RGB(A), as QImage reads it
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGBX8888 if bitmap.n_channels == 4
                       else QImage.Format.Format_RGB888)
        images.append(image.copy())  # own the pixels before pdfium frees them
    return images


class ReceiptScreen(Screen):
    done = Signal()

    def __init__(self, service: PaymentService, config: TerminalConfig) -> None:
        super().__init__()
        self.setObjectName("receiptScreen")
        self._service = service
        self._config = config
        self.data: ReceiptData | None = None
        self.html = ""
        self.view = QTextBrowser()
        self.view.setObjectName("receiptView")
        self.view.setMinimumWidth(380)
        self.paper = choice_box()
        self.paper.setObjectName("paperWidth")
        self.paper.addItem("80 mm", 80)
        self.paper.addItem("58 mm", 58)
        self.paper.setCurrentIndex(0 if config.ui.paper_width_mm == 80 else 1)
        self.paper.setMinimumHeight(44)
        self.which = choice_box()
        self.which.setObjectName("receiptWhich")
        self.which.setMinimumHeight(44)
        self.which.hide()
        self.which.currentIndexChanged.connect(self._which_changed)
        # The receipt as it will come out of this roll (a 58 mm one lays rows out narrower).
        self.paper.currentIndexChanged.connect(self._paper_changed)
        self.print_button = big_button(role="primary")
        self.print_button.setObjectName("printReceipt")
        self.pdf_button = big_button()
        self.pdf_button.setObjectName("saveReceiptPdf")
        self.provider_button = big_button()
        self.provider_button.setObjectName("providerReceipt")
        self.done_button = big_button()
        self.done_button.setObjectName("receiptDone")
        self.print_button.clicked.connect(self._print)
        self.pdf_button.clicked.connect(self._save_pdf)
        self.provider_button.clicked.connect(self._provider_file)
        self.done_button.clicked.connect(self.done.emit)
        self.provider_image = QLabel()
        self.provider_image.setObjectName("providerImage")
        self.provider_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.provider_area = QScrollArea()
        self.provider_area.setWidget(self.provider_image)
        self.provider_area.setWidgetResizable(True)
        self.provider_area.hide()
        self.status = caption(name="receiptStatus")
        buttons = QVBoxLayout()
        buttons.addWidget(self.which)
        self.paper_label = caption()
        buttons.addWidget(self.paper_label)
        buttons.addWidget(self.paper)
        for button in (self.print_button, self.pdf_button, self.provider_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 2)
        layout.addWidget(self.provider_area, 2)
        layout.addLayout(buttons, 1)
        self.retranslate()

    def escape_button(self) -> QPushButton:
        return self.done_button

    def use_ui(self, ui: UiSettings) -> None:
        """Settings saved: the printer and the paper from now on (they waited for a
        restart, issue 20 #18)."""
        self._config = replace(self._config, ui=ui)
        self.paper.setCurrentIndex(max(self.paper.findData(ui.paper_width_mm), 0))

    def retranslate(self) -> None:
        self.paper_label.setText(tr(C, "Paper"))
        for i in range(self.paper.count()):  # issue 20: "80 mm" in the Russian window
            self.paper.setItemText(i, tr(C, "{n} mm", n=self.paper.itemData(i)))
        self.print_button.setText(tr(C, "Print…"))
        self.pdf_button.setText(tr(C, "Save as PDF…"))
        self.provider_button.setText(tr(C, "Provider's receipt"))
        self.done_button.setText(tr(C, "Done"))
        if self.data is not None:
            self._list_receipts()
            self._render()

    async def show_payment(self, payment_id: str, refund_id: str | None = None) -> None:
        """The payment's receipt, or with ``refund_id`` the receipt of that done refund."""
        self.data = await self._service.receipt_data(payment_id, refund_id)
        self.provider_area.hide()
        self.status.clear()
        provider = self._service.provider(self.data.payment.provider)
        # The provider's file is the payment's slip, not a refund's.
        self.provider_button.setVisible(isinstance(provider, ReceiptSource)
                                        and refund_id is None)
        self._list_receipts()
        self._render()

    def _list_receipts(self) -> None:
        """The payment's receipts to choose from: the sale's and each done refund's (a
        refund's receipt reprinted from the history)."""
        assert self.data is not None
        self.which.blockSignals(True)
        self.which.clear()
        self.which.addItem(tr(C, "Sale receipt"), None)
        currency = self.data.payment.amount.currency
        for op in self.data.operations:
            if op.kind is OperationKind.REFUND and op.state is OperationState.DONE:
                self.which.addItem(tr(C, "Refund {time}, {amount}", time=op.updated_at.astimezone()
                                      .strftime("%d.%m %H:%M"), amount=Money(
                                          op.amount_minor or 0, currency).format()), op.id)
        self.which.setCurrentIndex(max(self.which.findData(
            self.data.refund.id if self.data.refund else None), 0))
        self.which.blockSignals(False)
        self.which.setVisible(self.which.count() > 1)

    def _which_changed(self, _: int) -> None:
        if self.data is not None:
            spawn(self.show_payment(self.data.payment.id, self.which.currentData()),
                  parent=self)

    def _render(self) -> None:
        assert self.data is not None
        data = self.data
        render = functools.partial(render_receipt, operations=data.operations) \
            if data.refund is None else functools.partial(render_refund_receipt,
                                                          refund=data.refund)
        self.html = render(
            payment=data.payment, sale=data.sale, terminal=self._config,
            provider_name=self._service.provider(data.payment.provider).display_name,
            duplicate=data.times_printed > 0, width_mm=self.width_mm)
        # As wide on screen as on the roll, so that it breaks its lines as the paper will
        # (a walk: the preview kept long names and ids on one wide line).
        self.view.setLineWrapMode(QTextBrowser.LineWrapMode.FixedPixelWidth)
        self.view.setLineWrapColumnOrWidth(round(
            (self.width_mm - 2 * MARGIN_MM) * self.view.logicalDpiX() / 25.4))
        self.view.setHtml(self.html)

    def _paper_changed(self, _: int) -> None:
        if self.data is not None:
            self._render()

    @property
    def width_mm(self) -> int:
        return int(self.paper.currentData())

    def _print(self) -> None:
        spawn(self._print_async(), parent=self, busy=self.print_button)

    async def _print_async(self) -> None:
        printer = QPrinter(QPrinterInfo.printerInfo(self._config.ui.printer)) \
            if self._config.ui.printer else QPrinter()
        dialog = print_dialog(printer, self)
        if not await ask(dialog):
            return
        print_html(self.html, printer, self.width_mm)
        # Said where the last "Saved to …" was (a walk: printing left that line standing);
        # "print to file" names its file.
        self.status.setText(tr(C, "Saved to {path}", path=printer.outputFileName())
                            if printer.outputFileName() else
                            tr(C, "Sent to the printer {printer}.",
                               printer=printer.printerName()))
        await self._printed("printer")

    def _save_pdf(self) -> None:
        spawn(self._save_pdf_async(), parent=self, busy=self.pdf_button)

    async def _save_pdf_async(self, path: Path | None = None) -> Path | None:
        if path is None:
            assert self.data is not None
            path = await choose_file(self, tr(C, "Save the receipt"),
                                     name_filter=tr(C, "PDF files (*.pdf)"),
                                     suggested=f"{'refund' if self.data.refund else 'receipt'}-"
                                               f"{self.data.sale.label}.pdf")
            if path is None:
                return None
        save_pdf(self.html, path, self.width_mm)
        self.status.setText(tr(C, "Saved to {path}", path=str(path)))
        await self._printed("pdf")
        return path

    async def _printed(self, how: str) -> None:
        assert self.data is not None
        refund_id = self.data.refund.id if self.data.refund else None
        await self._service.receipt_printed(self.data.payment.id, how=how, refund_id=refund_id)
        self.data = await self._service.receipt_data(self.data.payment.id, refund_id)
        self._render()  # what prints next is a duplicate

    def _provider_file(self) -> None:
        spawn(self._provider_file_async(), parent=self, busy=self.provider_button)

    async def _provider_file_async(self) -> None:
        assert self.data is not None
        try:
            content, kind = await self._service.receipt_file(self.data.payment.id, "jpeg")
        except ProviderError:  # the JPEG is optional; the PDF is the archive copy
            content, kind = await self._service.receipt_file(self.data.payment.id, "pdf")
        if kind == "application/pdf":
            images = await asyncio.to_thread(rasterise_pdf, content)
            image = images[0] if images else QImage()
        else:
            image = QImage.fromData(content)
        if image.isNull():
            show_error(self, tr(C, "The provider's receipt file cannot be shown."))
            return
        self.provider_image.setPixmap(QPixmap.fromImage(image))
        self.provider_area.show()
