"""The receipt printed to a 58 mm roll as the printer gets it (a PDF through Qt's print
path, read back with pdfium), in Russian: every word whole on its line (issue 20 #9:
"ОПЛАЧЕ/НО", "Транзакц/ия", an id over five lines)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pypdfium2

from pos_app.core.journal import PaymentFilter
from pos_app.core.receipt import render_receipt, render_refund_receipt
from pos_app.core.reports import render_report
from pos_app.sandbox.testing import SandboxTransport
from pos_app.ui.main_window import MainWindow
from pos_app.ui.receipts import save_pdf
from tests.helpers import customer, grocery_sale
from tests.ui.conftest import MakeWindow


def printed_lines(html: str, width_mm: int, path: Path) -> list[str]:
    save_pdf(html, path, width_mm)
    document = pypdfium2.PdfDocument(str(path))
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return [line.strip() for line in re.split(r"[\r\n]+", text)]


def words(html: str) -> set[str]:
    """The receipt's words a line must never cut: letters only, as a person reads them."""
    text = re.sub(r"<[^>]+>", " ", html).replace("\u200b", "")
    return {w.strip(",.:;()*") for w in text.split() if w.strip(",.:;()*").isalpha()}


def cut_words(html: str, width_mm: int, path: Path) -> list[str]:
    """The receipt's or report's words no printed line holds whole."""
    lines = printed_lines(html, width_mm, path)
    return sorted(w for w in words(html) if not any(w in line for line in lines))


async def paid_receipt(window: MainWindow, sandbox: SandboxTransport, width_mm: int) -> str:
    """A grocery sale paid with Koshelek, its receipt in Russian for a ``width_mm`` roll."""
    window.translations.use("ru")
    service = window.runtime.service
    payment = await service.pay(grocery_sale(), "koshelek",
                                {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    data = await service.receipt_data(payment.id)
    return render_receipt(payment=data.payment, sale=data.sale, operations=data.operations,
                          terminal=window.runtime.config, provider_name="Koshelek Pay",
                          width_mm=width_mm)


async def test_a_58_mm_receipt_keeps_every_word_whole(
        make_window: MakeWindow, sandbox: SandboxTransport, tmp_path: Path) -> None:
    html = await paid_receipt(await make_window(), sandbox, 58)
    lines = printed_lines(html, 58, tmp_path / "receipt.pdf")
    assert any("ОПЛАЧЕНО" in line for line in lines), "\n".join(lines)
    assert cut_words(html, 58, tmp_path / "receipt.pdf") == []


async def test_a_58_mm_z_report_and_an_80_mm_receipt_keep_every_word_whole(
        make_window: MakeWindow, sandbox: SandboxTransport, tmp_path: Path) -> None:
    """A walk: the Z report on 58 mm broke "Сформир/ован", "30.11.202/6"; the 80 mm receipt
    broke its ids anywhere."""
    window = await make_window()
    html = await paid_receipt(window, sandbox, 80)
    assert cut_words(html, 80, tmp_path / "receipt80.pdf") == []
    # A short id of capitals and digits whole on its line (a walk: "MA000001234" / "5").
    [payment] = await window.runtime.journal.page_payments(PaymentFilter(), offset=0, limit=1)
    merchant = payment.receipt_fields["merchantId"]
    assert any(merchant in line for line in printed_lines(html, 80, tmp_path / "r.pdf"))
    report = await window.office.close_shift(actor="Ирина Петрова")
    html = render_report(report, provider_names={"koshelek": "Koshelek Pay"}, store="Ромашка",
                         terminal_id=window.runtime.config.terminal_id, width_mm=58)
    assert cut_words(html, 58, tmp_path / "z58.pdf") == []


async def test_a_58_mm_refund_receipt_keeps_every_word_whole(
        make_window: MakeWindow, sandbox: SandboxTransport, tmp_path: Path) -> None:
    window = await make_window()
    window.translations.use("ru")
    service = window.runtime.service
    payment = await service.pay(grocery_sale(), "koshelek",
                                {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
    refund = await service.refund(payment.id, quantities={1: Decimal("1.125")})
    data = await service.receipt_data(payment.id, refund.id)
    assert data.refund is not None
    html = render_refund_receipt(payment=data.payment, sale=data.sale, refund=data.refund,
                                 terminal=window.runtime.config, provider_name="Koshelek Pay",
                                 width_mm=58)
    lines = printed_lines(html, 58, tmp_path / "refund.pdf")
    assert "ВОЗВРАТ" in lines, "\n".join(lines)
    assert any("1,125 кг" in line for line in lines), "\n".join(lines)
    assert cut_words(html, 58, tmp_path / "refund.pdf") == []
