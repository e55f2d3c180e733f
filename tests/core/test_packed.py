"""The journal's packed JSON (issue 17): smaller, and read back exactly."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

from pos_app.core.journal import Journal, JournalError, PaymentFilter
from pos_app.core.journal.rows import SALE_ITEMS, request_from_row, stored_request
from pos_app.core.money import Money, round_minor
from pos_app.core.packed import FORMAT_1, pack, unpack
from pos_app.core.payments import Payment, utcnow
from pos_app.core.refunds import sale_items
from pos_app.core.sale import Measure, Sale, SaleLine
from pos_app.core.states import PaymentState
from pos_app.providers.base import LineItem, PaymentRequest
from tests.core.test_journal import add, add_attempt

REQUEST = json.dumps({
    "key": "adcba4ed-b116-4e0e-8c5f-ba198907c2f8", "order_id": "S000001-0d84bbd68261",
    "amount_minor": 40380, "currency": "RUB", "description": "Sale 1",
    "items": [{"name": "Молоко 3,2% 1 л", "article": "4601234567890", "price_minor": "8990",
               "quantity": "2", "measure": "PIECE", "total_minor": 16980,
               "subtotal_minor": 17980, "discount_minor": 1000, "vat": "vat10"}],
    "options": {"card_session": "HNX7AYCZ"}, "expires_at": None}, ensure_ascii=False)


def test_a_request_packs_to_well_under_half_and_reads_back() -> None:
    packed = pack(REQUEST)
    assert isinstance(packed, bytes)
    assert packed[:1] == FORMAT_1
    assert len(packed) < len(REQUEST.encode()) / 2
    assert unpack(packed) == REQUEST


@given(st.text())
def test_any_text_reads_back_as_it_was(text: str) -> None:
    assert unpack(pack(text)) == text


def test_short_text_stays_text_and_damage_is_an_error() -> None:
    assert pack("{}") == "{}"
    assert unpack("{}") == "{}"  # rows written before schema 7
    with pytest.raises(ValueError, match="unknown format"):
        unpack(b"\x02abc")
    packed = pack(REQUEST)
    assert isinstance(packed, bytes)
    with pytest.raises(ValueError, match=r"damaged|cut short"):
        unpack(packed[: len(packed) // 2])


async def test_a_damaged_packed_row_is_named(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    try:
        payment = await add(journal)
        stored = await journal.read(lambda conn: conn.execute(
            "SELECT request_json FROM payments WHERE id = ?", (payment.id,)).fetchone()[0])
        assert isinstance(stored, bytes)  # written packed
        await journal.write(lambda conn: conn.execute(
            "UPDATE payments SET request_json = ? WHERE id = ?", (stored[:20], payment.id)))
        with pytest.raises(JournalError, match=f"payments row {payment.id} is damaged"):
            await journal.list_payments(PaymentFilter())
    finally:
        await journal.close()


async def test_rows_written_as_text_before_are_read_and_keep_their_method(
        tmp_path: Path) -> None:
    """A schema-6 journal's rows stay text after the upgrade, and their method is read."""
    from pos_app.core.journal.schema import MIGRATIONS, statements
    from pos_app.core.journal.tallies import METHOD_SQL

    path = tmp_path / "j.sqlite3"
    journal = await Journal.open(path)
    payment = await add(journal)
    await journal.close()
    db = sqlite3.connect(path)
    row = db.execute("SELECT * FROM payments").fetchone()
    names = [d[0] for d in db.execute("SELECT * FROM payments").description]
    old = dict(zip(names, row, strict=True))
    request = json.loads(unpack(old["request_json"]))
    request["options"] = {"type": "invoice-card"}
    db.close()
    old_path = tmp_path / "old.sqlite3"
    old_db = sqlite3.connect(old_path)
    for script in MIGRATIONS[:6]:
        for statement in statements(script):
            old_db.execute(statement)
    old_db.execute("PRAGMA user_version = 6")
    source = sqlite3.connect(path)
    source.row_factory = sqlite3.Row
    sale = dict(source.execute("SELECT * FROM sales").fetchone())
    source.close()
    for added_since in set(sale) - {c[1] for c in old_db.execute("PRAGMA table_info(sales)")}:
        del sale[added_since]  # the sale that replaced another (v10)
    old_db.execute(f"INSERT INTO sales ({', '.join(sale)}) VALUES "  # noqa: S608
                   f"({', '.join('?' * len(sale))})", tuple(sale.values()))
    del old["method"]
    old["request_json"] = json.dumps(request)
    old["receipt_json"] = "{}"
    old_db.execute(f"INSERT INTO payments ({', '.join(old)}) VALUES "  # noqa: S608
                   f"({', '.join('?' * len(old))})", tuple(old.values()))
    old_db.commit()
    old_db.close()
    upgraded = await Journal.open(old_path)
    try:
        [read] = await upgraded.list_payments()
        assert read.id == payment.id
        assert read.request.options == {"type": "invoice-card"}
        method = await upgraded.read(lambda conn: conn.execute(
            f"SELECT {METHOD_SQL} FROM payments p").fetchone()[0])  # noqa: S608
        assert method == "invoice-card"  # read from the text JSON: no rewrite on upgrade
    finally:
        await upgraded.close()


def _item(price: str, quantity: str, discount: int, subtotal: int) -> LineItem:
    return LineItem(name="Яблоки", article="2100000012345", price_minor=Decimal(price),
                    quantity=Decimal(quantity), measure="KILOGRAM", subtotal_minor=subtotal,
                    total_minor=subtotal - discount, discount_minor=discount, vat="vat10")


async def test_a_request_is_journaled_without_what_its_row_holds_and_read_back_exactly(
        tmp_path: Path) -> None:
    """The key, amount and currency are the row's columns; a line's totals follow from its
    price, quantity and discount.  A total that does not follow (a refund's share of a
    weighed line) is kept as it was."""
    journal = await Journal.open(tmp_path / "j.sqlite3")
    try:
        draft = await add(journal)
        follows = _item("20000", "1.125", 500, 22500)
        share = _item("20000", "0.5", 0, 10001)  # not round(20000 × 0.5)
        request = replace(draft.request, items=(follows, share))
        added = await journal.add_payment(replace(draft, id="P2", key="key-P2",
                                                  request=replace(request, key="key-P2")))
        stored = json.loads(unpack(await journal.read(lambda conn: conn.execute(
            "SELECT request_json FROM payments WHERE id = 'P2'").fetchone()[0])))
        assert not {"key", "amount_minor", "currency"} & set(stored)
        assert "subtotal_minor" not in stored["items"][0]
        assert (stored["items"][1]["subtotal_minor"], stored["items"][1]["total_minor"]) \
            == (10001, 10001)
        assert added.request == replace(request, key="key-P2")
        read = await journal.get_payment("P2")
        assert read is not None
        assert read.request == added.request
    finally:
        await journal.close()


async def test_items_that_are_the_sales_lines_are_journaled_once_and_read_back_exactly(
        tmp_path: Path) -> None:
    """Nearly every payment's items are its sale's lines (~90 B of a payment, issue 17): the
    request keeps a mark, every way a payment is read puts them back; other items (a
    refund's share of a line) stay in the request."""
    journal = await Journal.open(tmp_path / "j.sqlite3")
    try:
        sale = await journal.add_sale(Sale(lines=(
            SaleLine(name="Молоко 3,2% 1 л", unit_price=Money(8990), quantity=Decimal(2),
                     discount_minor=1000, article="4601234567890"),
            SaleLine(name="Яблоки", unit_price=Money(20000), quantity=Decimal("1.125"),
                     measure=Measure.KILOGRAM, article="2100000012345"))))
        draft = await add_attempt(journal, sale)
        whole = replace(draft.request, items=sale_items(sale))
        added = await journal.add_payment(replace(draft, id="P2", key="key-P2",
                                                  request=replace(whole, key="key-P2")))
        stored = json.loads(unpack(await journal.read(lambda conn: conn.execute(
            "SELECT request_json FROM payments WHERE id = 'P2'").fetchone()[0])))
        assert stored["items"] == SALE_ITEMS
        assert added.request.items == sale_items(sale)
        share = replace(whole, key="key-P3", items=(replace(whole.items[1],
                                                            subtotal_minor=10001,
                                                            total_minor=10001),))
        await journal.add_payment(replace(draft, id="P3", key="key-P3", request=share))
        read = {p.id: p.request for p in await journal.list_payments()}
        assert read["P2"] == replace(whole, key="key-P2")
        assert read["P3"] == share
        for each in (await journal.get_payment("P2"), *await journal.attempts_for(sale.id),
                     *await journal.payments_in([PaymentState.DRAFT]),
                     *await journal.page_payments(None, offset=0, limit=10)):
            assert each is not None
            assert each.request == read[each.id]
    finally:
        await journal.close()


@given(price=st.decimals(min_value=0, max_value=10**7, places=2),
       quantity=st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3),
       discount=st.integers(0, 1000), subtotal=st.integers(0, 10**9),
       key=st.sampled_from(["k1", "k2"]), amount=st.integers(1, 10**9))
def test_what_is_left_out_is_put_back_exactly(price: Decimal, quantity: Decimal, discount: int,
                                              subtotal: int, key: str, amount: int) -> None:
    item = _item(str(price), str(quantity), discount, subtotal)
    derived = _item(str(price), str(quantity), discount,
                    round_minor(price * quantity))
    request = PaymentRequest(key=key, order_id="S1", amount_minor=amount, currency="RUB",
                             description="", items=(item, derived))
    payment = Payment(id="P", sale_id="S", provider="koshelek", state=PaymentState.DRAFT,
                      amount=Money(10, "RUB"), key="k1", request=request,
                      created_at=utcnow(), updated_at=utcnow())
    row = {"request_json": pack(json.dumps(stored_request(payment), ensure_ascii=False)),
           "idem_key": payment.key, "amount_minor": payment.amount.minor,
           "currency": payment.amount.currency}
    restored = PaymentRequest.from_json(request_from_row(row))  # type: ignore[arg-type]
    assert restored == request
