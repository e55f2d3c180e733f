"""The journal's packed JSON (issue 17): smaller, and read back exactly."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.core.journal import Journal, JournalError, PaymentFilter
from pos_app.core.packed import FORMAT_1, pack, unpack
from tests.core.test_journal import add

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
    from pos_app.core.journal import MIGRATIONS, _statements
    from pos_app.core.reports import METHOD_SQL

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
        for statement in _statements(script):
            old_db.execute(statement)
    old_db.execute("PRAGMA user_version = 6")
    sale = sqlite3.connect(path).execute("SELECT * FROM sales").fetchone()
    old_db.execute(f"INSERT INTO sales VALUES ({', '.join('?' * len(sale))})", sale)  # noqa: S608
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
