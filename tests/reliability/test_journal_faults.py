"""A full disk or a damaged journal is reported in words, and nothing journaled is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_app.app import Runtime
from pos_app.core.journal import Journal, JournalError
from pos_app.core.states import PaymentState
from pos_app.i18n import UserError
from pos_app.sandbox.testing import SandboxTransport
from tests.helpers import customer, simple_sale


async def test_a_full_disk_stops_new_payments_and_keeps_the_old(
        runtime: Runtime, sandbox: SandboxTransport) -> None:
    service = runtime.service
    paid = []
    for amount in ("100", "200"):
        payment = await service.pay(simple_sale(amount), "koshelek",
                                    {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
        paid.append(payment.id)

    def fill_up(conn: object) -> None:  # the file may not grow any more: as a full disk
        pages = conn.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[attr-defined]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

    await runtime.journal.read(fill_up)
    refused: UserError | None = None
    for _ in range(200):  # until a page is needed
        try:
            await service.start_payment(simple_sale("300"), "koshelek",
                                        {"barcode": customer(sandbox, delay_ms=0)["barcode"]})
        except UserError as exc:
            refused = exc
            break
    assert refused is not None
    assert "disk is full" in refused.message.english()
    assert isinstance(refused, JournalError)

    path = runtime.journal.path
    await runtime.journal.close()
    reopened = await Journal.open(path)  # a fresh connection: no artificial limit
    try:
        for payment_id in paid:
            kept = await reopened.get_payment(payment_id)
            assert kept is not None
            assert kept.state is PaymentState.PAID
    finally:
        await reopened.close()
    runtime.journal = reopened  # the fixture closes it again: harmless


async def test_a_damaged_journal_is_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = await Journal.open(path)
    await journal.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page scribbled over
    path.write_bytes(bytes(data))
    with pytest.raises(JournalError) as damaged:
        await Journal.open(path)
    text = damaged.value.message.english()
    assert "damaged" in text
    assert str(path) in text
    assert path.read_bytes() == bytes(data)  # not "repaired", not replaced
