"""The payment lists fit their columns to what is in view, in the GUI thread, without reading
the journal beyond it (issue 17: a year of payments).

Each change of a payment fits the columns again.  Qt's own measure looked at up to 1000 rows
(six cells each, eight roles a cell), reading five pages of the journal every time:
``bench_loop_lag`` measured 12 ms a change and 124 ms at worst.
"""

from __future__ import annotations

from typing import Any

import pytest
from msgspec.structs import replace

from pos_app.core.journal import Journal, PaymentFilter
from pos_app.core.states import PaymentState
from pos_app.ui.history import HistoryModel, payments_table
from pos_app.ui.qt import Qt, QTableView, QTimer
from tests.helpers import fill_journal, seeded_journal, wait_until

PAYMENTS = 1200  # six pages of 200


def _widths(table: QTableView) -> list[int]:
    return [table.columnWidth(c) for c in range(table.horizontalHeader().count())]


def _fitted(table: QTableView) -> bool:
    """The fit gives the transaction what the other columns leave: they fill the width."""
    header = table.horizontalHeader()
    return sum(header.sectionSize(c) for c in range(header.count())) == \
        table.viewport().width()


async def test_the_columns_are_fitted_from_the_rows_in_view_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = await seeded_journal()
    fill_journal(path, PAYMENTS)
    journal = await Journal.open(path)
    pages_read: list[int] = []
    page_payments = journal.page_payments

    async def counted(flt: PaymentFilter, **kw: Any) -> Any:
        pages_read.append(kw["offset"])
        return await page_payments(flt, **kw)

    monkeypatch.setattr(journal, "page_payments", counted)
    model = HistoryModel(journal, {"koshelek": "Koshelek Pay", "paymega": "Paymega"})
    table = payments_table(model, "historyTable")
    table.resize(1024, 600)
    table.show()
    try:
        await model.reload(PaymentFilter())
        await wait_until(lambda: _fitted(table))
        assert pages_read == [0]

        # A payment in view changes to a longer state: its column widens, nothing is read.
        state_width = table.columnWidth(4)
        first = model.payment_at(0)
        assert first is not None
        model.refresh_payment(replace(first, state=PaymentState.PARTIALLY_REFUNDED))
        await wait_until(lambda: table.columnWidth(4) > state_width)
        assert _fitted(table)
        assert pages_read == [0]

        # At the end of the list: its page is read for the rows shown, and only that one.
        # Its amounts are narrower (the oldest payments): no column jumps back for them.
        widths = _widths(table)
        table.scrollToBottom()
        await wait_until(lambda: model.payment_at(PAYMENTS - 1) is not None)
        await wait_until(lambda: _fitted(table))
        assert pages_read == [0, PAYMENTS - 200]
        assert _widths(table) == widths

        # Hidden (the cashier is back at the sale), the list still follows the payments;
        # Qt would measure every row of a list not in view: it is fitted when shown again.
        table.scrollToTop()
        table.hide()
        shown = model.payment_at(0)
        assert shown is not None
        model.refresh_payment(replace(shown, state=PaymentState.REFUNDED))
        # …and the language switched (a walk: every row of 300,000 measured, a minute).
        model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 5)
        fit = table.findChild(QTimer, "fitColumns")
        assert fit is not None
        await wait_until(lambda: not fit.isActive())  # the change's fit has had its turn
        table.show()
        await wait_until(lambda: _fitted(table))
        assert pages_read == [0, PAYMENTS - 200]
    finally:
        table.close()
        await journal.close()
