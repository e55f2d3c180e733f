from __future__ import annotations

import asyncio
import functools
import sqlite3
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace

from pos_app.core.events import EventKind
from pos_app.core.export import Period, export_payments
from pos_app.core.journal import (
    SCHEMA_VERSION,
    Journal,
    JournalError,
    PaymentFilter,
    StaleTransition,
    new_id,
)
from pos_app.core.journal.shipping import events_after
from pos_app.core.money import Money
from pos_app.core.payments import Operation, Payment, utcnow
from pos_app.core.sale import Sale
from pos_app.core.shifts import Shifts
from pos_app.core.states import OperationKind, OperationState, PaymentState
from pos_app.providers.base import PaymentRequest
from tests.helpers import wait_until

S = PaymentState


async def add(journal: Journal, amount: int = 12345, *, state: S = S.DRAFT,
              provider: str = "koshelek", minutes_ago: int = 0) -> Payment:
    sale = await journal.add_sale(Sale.single_amount(Money(amount)))
    pid = (await add_attempt(journal, sale, provider=provider, minutes_ago=minutes_ago)).id
    if state is not S.DRAFT:
        await journal.update_payment(pid, to=S.CREATING, event=EventKind.STATUS)
        if state is not S.CREATING:
            await journal.update_payment(pid, to=state, event=EventKind.STATUS)
    result = await journal.get_payment(pid)
    assert result is not None
    return result


async def add_attempt(journal: Journal, sale: Sale, *, provider: str = "koshelek",
                      minutes_ago: int = 0) -> Payment:
    """A DRAFT payment for the sale."""
    created = utcnow() - timedelta(minutes=minutes_ago)
    pid = new_id()
    request = PaymentRequest(key=f"key-{pid}", order_id=sale.order_id,
                             amount_minor=sale.total.minor, currency="RUB", description="",
                             items=())
    return await journal.add_payment(Payment(
        id=pid, sale_id=sale.id, provider=provider, state=S.DRAFT, amount=sale.total,
        key=request.key, request=request, created_at=created, updated_at=created))


async def test_migrates_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = await Journal.open(path)
    await journal.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 10
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sales", "payments", "operations", "events", "receipts", "shifts",
            "differences"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_refuses_an_empty_file(tmp_path: Path) -> None:
    """A zero-length journal was taken as a new one: the history empty, payments going on.
    A journal is made whole before it is put in place, so an empty one is a lost one."""
    path = tmp_path / "j.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(JournalError, match="empty"):
        await Journal.open(path)
    assert path.read_bytes() == b""  # not changed


def test_processes_opening_a_new_journal_at_once_all_succeed(tmp_path: Path) -> None:
    """Two processes opening a new journal at once: "table sales already exists"."""
    import subprocess
    import sys

    path = tmp_path / "j.sqlite3"
    script = ("import asyncio, sys\n"
              "from pathlib import Path\n"
              "from pos_app.core.journal import Journal\n"
              "async def main():\n"
              "    journal = await Journal.open(Path(sys.argv[1]))\n"
              "    await journal.close()\n"
              "asyncio.run(main())\n")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(path)],
                             stderr=subprocess.PIPE) for _ in range(6)]
    errors = [run.communicate(timeout=60)[1].decode() for run in runs]
    assert [run.returncode for run in runs] == [0] * 6, errors
    assert not list(tmp_path.glob("*.new"))  # no leftovers


async def test_a_damaged_row_is_named_not_an_internal_error(tmp_path: Path) -> None:
    """A one-byte flip in a state's text made history and export crash."""
    journal = await Journal.open(tmp_path / "j.sqlite3")
    try:
        payment = await add(journal)
        await journal.write(lambda conn: conn.execute(
            "UPDATE payments SET state = 'PAIE' WHERE id = ?", (payment.id,)))
        with pytest.raises(JournalError, match=f"payments row {payment.id} is damaged"):
            await journal.list_payments()
        with pytest.raises(JournalError, match=f"payments row {payment.id} is damaged"):
            await export_payments(journal, tmp_path / "out.csv", Period(date.today(),
                                                                        date.today()))
        assert not (tmp_path / "out.csv").exists()
    finally:
        await journal.close()


def damage_an_index(path: Path) -> None:
    """Bytes of the amounts' index overwritten: the file opens, the check fails."""
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'payments_amount'"
                      ).fetchone()[0]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size + 8)
        file.write(b"\xff" * 64)


async def test_the_integrity_check_can_wait_until_the_window_shows(tmp_path: Path) -> None:
    """It reads the whole file: 1.6 s of every start at a million payments (issue 17)."""
    path = tmp_path / "j.sqlite3"
    journal = await Journal.open(path)
    for amount in range(1000, 1300):
        await add(journal, amount)
    assert await journal.check() is None
    await journal.close()
    damage_an_index(path)
    with pytest.raises(JournalError, match="integrity check failed"):
        await Journal.open(path)  # the command line still checks before it acts
    journal = await Journal.open(path, check=False)
    try:
        found = await journal.check()
        assert found is not None
        assert "page" in found  # SQLite's own words on the damaged page
    finally:
        await journal.close()


async def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(JournalError, match="newer version"):
        await Journal.open(path)


async def test_damaged_file_is_reported_and_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    garbage = b"this is not a database, it is a shopping list\n" * 100
    path.write_bytes(garbage)
    with pytest.raises(JournalError, match="damaged"):
        await Journal.open(path)
    assert path.read_bytes() == garbage


async def test_settings_and_thread(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    names = await journal.read(lambda conn: (
        conn.execute("PRAGMA synchronous").fetchone()[0], threading.current_thread().name))
    assert names[0] == 2  # FULL
    assert names[1].startswith("journal")
    assert threading.current_thread().name != names[1]
    await journal.close()


async def test_event_log_is_append_only(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    payment = await add(journal)
    events = await journal.events_for(payment.id)
    assert [e.kind for e in events] == ["payment_created"]
    for sql in ("UPDATE events SET kind = 'x'", "DELETE FROM events"):
        def change(conn: sqlite3.Connection, sql: str = sql) -> object:
            return conn.execute(sql)

        with pytest.raises(JournalError, match="append-only"):
            await journal.write(change)
    await journal.close()


async def test_transitions_follow_the_state_machine(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    payment = await add(journal, state=S.PENDING)
    paid = await journal.update_payment(payment.id, to=S.PAID, event=EventKind.STATUS,
                                        provider_ref="txn-1", raw_status="accepted")
    assert (paid.state, paid.provider_ref) == (S.PAID, "txn-1")
    with pytest.raises(StaleTransition):
        await journal.update_payment(payment.id, to=S.PENDING, event=EventKind.STATUS,
                                     raw_status="pending")
    again = await journal.get_payment(payment.id)
    assert again is not None
    assert (again.state, again.raw_status) == (S.PAID, "accepted")  # nothing written
    kinds = [(e.kind, e.from_state, e.to_state) for e in await journal.events_for(payment.id)]
    assert kinds[-1] == ("status", "PENDING", "PAID")
    await journal.close()


async def test_committed_writes_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = await Journal.open(path)
    payment = await add(journal, state=S.CREATING)
    # A second connection sees it at once: the write is committed, not buffered.
    other = sqlite3.connect(path)
    assert other.execute("SELECT state FROM payments WHERE id = ?",
                         (payment.id,)).fetchone() == ("CREATING",)
    other.close()
    await journal.close()
    reopened = await Journal.open(path)
    assert [p.id for p in await reopened.payments_in([S.CREATING])] == [payment.id]
    await reopened.close()


async def test_drafts_are_discarded_with_a_trace(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    draft = await add(journal)
    sent = await add(journal, state=S.CREATING)
    assert await journal.discard_draft(draft.id)
    assert not await journal.discard_draft(sent.id)
    assert await journal.get_payment(draft.id) is None
    assert [e.kind for e in await journal.events_for(draft.id)][-1] == "draft_discarded"
    await journal.close()


async def test_history_pages_and_search(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    made = [await add(journal, 1000 + i, minutes_ago=50 - i, state=S.PENDING) for i in range(25)]
    await add(journal, 777, provider="paymega", state=S.CREATING)
    page1 = await journal.list_payments(limit=10)
    page2 = await journal.list_payments(limit=10, before=(page1[-1].created_at.isoformat(
        timespec="milliseconds"), page1[-1].id))
    assert len({p.id for p in page1} | {p.id for p in page2}) == 20
    everything = [p.id for p in await journal.list_payments(limit=100)]
    for offset in (0, 10, 13, 20, 25):  # read from the oldest end past the middle
        assert [p.id for p in await journal.page_payments(
            None, offset=offset, limit=10, total=26)] == everything[offset:offset + 10]
    assert page1[0].provider == "paymega"  # newest first
    assert [p.amount.minor for p in await journal.list_payments(
        PaymentFilter(text="10,05", currency="RUB"))] == [1005]
    assert (await journal.list_payments(PaymentFilter(text=made[3].id[:8])))[0].id == made[3].id
    assert await journal.count_payments(PaymentFilter(providers=("paymega",))) == 1
    assert await journal.count_payments(PaymentFilter(states=(S.PENDING,))) == 25
    sale_number = (await journal.get_sale(made[0].sale_id))
    assert sale_number is not None
    found = await journal.list_payments(PaymentFilter(text=f"S{sale_number.number:06d}"))
    assert [p.id for p in found] == [made[0].id]
    await journal.close()


def _plan(conn: sqlite3.Connection, flt: PaymentFilter, columns: str, order: str) -> str:
    from pos_app.core.journal.where import history_sql

    sql, params = history_sql(flt, columns)
    rows = conn.execute("EXPLAIN QUERY PLAN " + sql + order, params).fetchall()
    return "\n".join(row[3] for row in rows)


@pytest.mark.parametrize(("flt", "uses"), [
    (PaymentFilter(), "payments_history"),
    (PaymentFilter(providers=("paymega",)), "payments_history"),
    (PaymentFilter(states=(S.PAID, S.PARTIALLY_REFUNDED)), "payments_history"),
    (PaymentFilter(providers=("pegas",), states=(S.DECLINED,), training=False),
     "payments_history"),
    (PaymentFilter(since=utcnow() - timedelta(days=1), until=utcnow()), "payments_history"),
    (PaymentFilter(text="1499", currency="RUB"), "MULTI-INDEX OR"),
    (PaymentFilter(text="ref-0005", providers=("koshelek",)), "MULTI-INDEX OR"),
    (PaymentFilter(text="key-0005"), "(provider=? AND idem_key>? AND idem_key<?)"),
    (PaymentFilter(needs_attention=True), "payments_attention"),
])
async def test_every_history_query_is_answered_by_an_index(
        tmp_path: Path, flt: PaymentFilter, uses: str) -> None:
    """A year of payments is a million rows: no history query reads the table through, and a
    filter that can match most of it never sorts it (issue 17; measured in bench_history)."""
    journal = await Journal.open(tmp_path / "j.sqlite3")
    for columns, order in (("p.*", " ORDER BY p.created_at DESC, p.id DESC LIMIT 100"),
                           ("COUNT(*)", "")):
        plan = await journal.read(functools.partial(_plan, flt=flt, columns=columns,
                                                    order=order))
        assert "SCAN p\n" not in plan + "\n", plan  # never the whole table, row by row
        if columns == "COUNT(*)" and uses == "payments_history":
            # No order to keep: counted in an index alone, without reading a row.
            assert "COVERING INDEX" in plan, plan
            continue
        assert uses in plan, plan
        if uses == "payments_history":
            assert "TEMP B-TREE" not in plan, plan  # walked in order, never sorted
    await journal.close()


async def test_a_search_is_a_prefix_never_a_pattern(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    paid = await add(journal, 1499)
    await add(journal, 2000)
    for text, found in ((paid.id[:4], [paid.id]), (paid.id, [paid.id]), ("%", []), ("_", []),
                        (paid.id[:3] + "%", []), ("14,99", [paid.id]),
                        (paid.key[:6], [paid.id]), ("\U0010ffff", [])):
        flt = PaymentFilter(text=text, currency="RUB")
        assert [p.id for p in await journal.list_payments(flt)] == found
        assert await journal.count_payments(flt) == len(found)
    await journal.close()


async def test_an_amount_is_read_in_the_terminals_currency(tmp_path: Path) -> None:
    """The search read "1499" in roubles whatever the terminal's currency: in one without
    minor units (JPY) it found 14.99-style amounts that do not exist there."""
    journal = await Journal.open(tmp_path / "j.sqlite3")
    paid = await add(journal, 1499)
    assert [p.id for p in await journal.list_payments(
        PaymentFilter(text="14,99", currency="RUB"))] == [paid.id]
    assert await journal.list_payments(PaymentFilter(text="14,99", currency="JPY")) == []
    assert await journal.list_payments(PaymentFilter(text="1499", currency="JPY")) == []
    assert await journal.list_payments(PaymentFilter(text="14,99")) == []  # no currency given
    await journal.close()


async def test_migrates_a_version_1_journal_keeping_its_payments(tmp_path: Path) -> None:
    from pos_app.core.journal.schema import MIGRATIONS, statements

    path = tmp_path / "j.sqlite3"
    conn = sqlite3.connect(path)
    for statement in statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO sales VALUES ('s1', 1, '2026-01-01T00:00:00.000+00:00', 'RUB', 500,"
                 " '[]', NULL, 0)")
    conn.execute("INSERT INTO payments (id, sale_id, provider, state, amount_minor, currency, "
                 "idem_key, request_json, created_at, updated_at) VALUES ('p1', 's1', 'koshelek',"
                 " 'PAID', 500, 'RUB', 'k1', '{\"key\": \"k1\", \"order_id\": \"o\", "
                 "\"amount_minor\": 500, \"currency\": \"RUB\"}', "
                 "'2026-01-01T00:00:00.000+00:00', '2026-01-01T00:00:00.000+00:00')")
    conn.execute("INSERT INTO payments (id, sale_id, provider, kind, state, amount_minor, "
                 "currency, idem_key, request_json, created_at, updated_at) VALUES ('p2', 's1', "
                 "'pegas', 'withdrawal', 'PAID', 200, 'RUB', 'k2', '{\"key\": \"k2\", "
                 "\"order_id\": \"o\", \"amount_minor\": 200, \"currency\": \"RUB\", "
                 "\"options\": {\"refund_of\": \"p1\"}}', '2026-01-02T00:00:00.000+00:00', "
                 "'2026-01-02T00:00:00.000+00:00')")  # a refund paid out before v5
    conn.commit()
    conn.close()
    journal = await Journal.open(path)
    assert [p.id for p in await journal.payouts_for("p1")] == ["p2"]  # v5 filled refund_of
    payment = await journal.get_payment("p1")
    assert payment is not None
    assert (payment.state, payment.paid_minor) == (S.PAID, None)
    await journal.update_payment("p1", event=EventKind.STATUS, paid_minor=500)
    again = await journal.get_payment("p1")
    assert again is not None
    assert again.paid_minor == 500
    shift = await Shifts(journal, training=False).open("after the upgrade")  # v4 columns
    assert shift.number == 1
    assert await journal.sale_by_reference("ORDER-1") is None  # v5 column
    await journal.close()


async def test_a_basket_changed_twice_is_one_chain_of_sales(tmp_path: Path) -> None:
    """The sales a changed basket replaced, and those that replaced it: one customer's."""
    journal = await Journal.open(tmp_path / "j.sqlite3")
    first = await journal.add_sale(Sale.single_amount(Money(500)))
    second = await journal.add_sale(replace(Sale.single_amount(Money(700)), replaces=first.id))
    third = await journal.add_sale(replace(Sale.single_amount(Money(900)), replaces=second.id))
    other = await journal.add_sale(Sale.single_amount(Money(500)))  # the next customer
    chain = [first.id, second.id, third.id]
    for sale in (first, second, third):
        assert await journal.same_basket(sale.id) == chain
    assert await journal.same_basket(other.id) == [other.id]
    assert (await journal.get_sale(third.id)) == third
    shipped = await journal.read(lambda conn: events_after(conn, 0, 100))
    [created] = [e for e in shipped
                 if e["kind"] == "sale_created" and e["data"]["sale_id"] == third.id]
    assert created["data"]["replaces"] == second.id  # the head office's copy says so too
    await journal.close()


async def test_one_sale_per_caller_reference(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    sale = await journal.add_sale(replace(Sale.single_amount(Money(500)), reference="ORDER-1"))
    first = await add_attempt(journal, sale, minutes_ago=2)
    second = await add_attempt(journal, sale, minutes_ago=1)
    for _ in range(2):  # sales without a reference are not affected
        await journal.add_sale(Sale.single_amount(Money(700)))
    found = await journal.sale_by_reference("ORDER-1")
    assert found is not None
    known, attempts = found
    assert (known.id, known.reference, known.total) == (sale.id, "ORDER-1", Money(500))
    assert [p.id for p in attempts] == [first.id, second.id]  # oldest first
    with pytest.raises(JournalError):  # the journal itself refuses a second sale for it
        await journal.add_sale(replace(Sale.single_amount(Money(500)), reference="ORDER-1"))
    assert await journal.sale_by_reference("ORDER-2") is None
    assert (await journal.get_sale(sale.id)) == known
    searched = await journal.list_payments(PaymentFilter(text="ORDER-1"))  # history's search
    assert {p.id for p in searched} == {first.id, second.id}
    await journal.close()



async def test_expiry_is_kept(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    payment = await add(journal)
    expires = utcnow() + timedelta(minutes=15)
    sale = await journal.add_sale(Sale.single_amount(Money(100)))
    stored = replace(payment, id=new_id(), sale_id=sale.id, key="another", expires_at=expires)
    await journal.add_payment(stored)
    again = await journal.get_payment(stored.id)
    assert again is not None
    assert again.expires_at is not None
    assert abs((again.expires_at - expires).total_seconds()) < 0.001
    await journal.close()


async def test_one_refund_per_caller_reference(tmp_path: Path) -> None:
    journal = await Journal.open(tmp_path / "j.sqlite3")
    payment = await add(journal, 500, state=S.PAID)

    def refund(reference: str) -> Operation:
        now = utcnow()
        return Operation(id=new_id(), payment_id=payment.id, kind=OperationKind.REFUND,
                         state=OperationState.SENT, key=new_id(), request={}, created_at=now,
                         updated_at=now, amount_minor=100, reference=reference)

    made, _ = await journal.add_operation(refund("RET-1"), payment_to=None, event=EventKind.STATUS)
    assert await journal.operation_by_reference("RET-1") == made
    assert made.reference == "RET-1"
    with pytest.raises(JournalError):  # the journal itself refuses a second refund for it
        await journal.add_operation(refund("RET-1"), payment_to=None, event=EventKind.STATUS)
    # No reference: as many as there are.
    await journal.add_operation(refund(""), payment_to=None, event=EventKind.STATUS)
    await journal.add_operation(refund(""), payment_to=None, event=EventKind.STATUS)
    assert await journal.operation_by_reference("RET-2") is None
    await journal.close()


async def test_a_long_read_apart_does_not_hold_up_writes(tmp_path: Path) -> None:
    """An export reads on a connection of its own: payments keep being journaled."""
    journal = await Journal.open(tmp_path / "j.sqlite3")
    await add(journal, 100)
    gate = threading.Event()
    reader_threads: list[threading.Thread] = []

    def slow_read(conn: sqlite3.Connection) -> int:
        reader_threads.append(threading.current_thread())
        assert gate.wait(10), "the write never happened while the read was open"
        return int(conn.execute("SELECT COUNT(*) FROM payments").fetchone()[0])

    reading = asyncio.ensure_future(journal.read_apart(slow_read))
    await wait_until(lambda: bool(reader_threads))
    await add(journal, 200)  # with a read on the journal thread this waited for the gate
    gate.set()
    assert await reading == 2
    assert not reader_threads[0].name.startswith("journal")  # not the journal's thread
    with pytest.raises(JournalError):  # read-only: an export can never change the journal
        await journal.read_apart(lambda conn: conn.execute("DELETE FROM events"))
    await journal.close()


def test_no_sql_outside_the_journal() -> None:
    """One owner per table: shifts, reconciliation, reports and export ran their own SQL on
    the journal's tables; now only the journal package does (issue 18)."""
    import ast

    import pos_app

    root = Path(pos_app.__file__).parent
    outside = []
    for path in root.rglob("*.py"):
        # The journal's package, and the head office's PostgreSQL (its own tables and views).
        if path.is_relative_to(root / "core" / "journal") or path in (
                root / "headoffice" / "database.py", root / "headoffice" / "page.py",
                root / "headoffice" / "logins.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("execute", "executemany", "executescript"):
                outside.append(f"{path.relative_to(root)}:{node.lineno}")
    assert outside == []
